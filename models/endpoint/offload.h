/* models/endpoint/offload.h: TCP super-frames and what cuts and merges
 * them (segmentation and receive offloads, in ethtool's words).
 *
 * With GSO on, TCP builds one segment of up to 64 KiB of IPv4 packet
 * (Linux's gso_max_size) where it would build many of an MSS each; the
 * packet is marked with the MSS (md.gso_size) and crosses the stack, the
 * virtio ring, vhost, the tap and the bridge as one frame, and a capture
 * there sees it whole, as tcpdump does.  It is cut into MSS-sized frames:
 *   - by the NIC (TSO): the driver posts one descriptor, the NIC fetches
 *     the whole frame once and sends its segments on the wire; no CPU;
 *   - else in software (GSO) just before the first device that does not
 *     take super-frames (a port without 'takes_gso', a NIC without TSO):
 *     'gso_segment' per segment on the core that carries the frame, and
 *     the driver's own per-frame work for each.
 * With GRO on, a NIC's NAPI poll holds a TCP data segment and appends the
 * next segments of the same flow to it ('gro_merge' each), until one
 * does not fit (another flow, a gap, a flag other than ACK/PSH, 64 KiB)
 * or the poll ends; the stack's and the bridge's per-packet work is then
 * paid once for the merged frame.
 *
 * Accounting: a flow counts a super-frame as the segments it stands for
 * on the wire (its 'counted', set by TCP), so its 'sent', 'delivered' and
 * drops are the same frames whether the offloads are on or off.  Cut in
 * segments, it stays the first segment and the others are new packets,
 * each counting one and numbered after it ('seq' + i); merged by GRO, the
 * held frame takes on the count of every segment appended.  A flooded
 * copy (one with a family, models/core/acct.h), whose fate its family
 * counts once, is never merged, and its first segment keeps the whole
 * count. */
#ifndef VH_MODELS_OFFLOAD_H
#define VH_MODELS_OFFLOAD_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/hw/cpu.h"
#include "sim/packet.h"

struct world;
struct vh_device;

/* The most segments one super-frame stands for: TCP sizes its
 * super-frames so as not to exceed it. */
#define OFFLOAD_MAX_SEGS 64

/* The IPv4 packet of a super-frame is at most this long (Linux's
 * GSO_MAX_SIZE 65536, less the one byte tcp_xmit_size_goal keeps off so
 * the IPv4 total length fits in 16 bits). */
#define OFFLOAD_GSO_MAX_IP 65535u

static inline bool
offload_is_super(const struct vh_packet *p)
{
    return p->md.gso_size != 0;
}

/* Cuts the super-frame 'p' into its segments, 'segs[0]' being 'p'
 * itself; returns how many (at most OFFLOAD_MAX_SEGS).  No cost charged:
 * the caller charges what cut them (a NIC's TSO, or offload_gso). */
size_t offload_segment(struct world *, struct vh_packet *p,
                       struct vh_packet **segs);

/* GSO: offload_segment on 'core' as 'cat', charging 'gso_segment' per
 * segment for 'dev'; '*done' is when the core has cut them. */
size_t offload_gso(struct world *, struct vh_packet *p,
                   struct cpu_core *core, enum cpu_cat cat,
                   const struct vh_device *dev, struct vh_packet **segs,
                   vh_time_t *done);

/* One GRO context (a NAPI instance's gro_list, holding one flow). */
struct gro_cell {
    struct vh_packet *held;     /* The frame being grown, or NULL. */
    uint32_t segs;              /* Segments in it. */
    bool psh;                   /* The last one had PSH. */
    bool ended;                 /* The last one was short: no more. */
};

/* GRO receive of 'p' on 'core' as 'cat': appends it to the held frame
 * when it may ('gro_merge' charged, 'p' consumed, NULL returned), else
 * returns the frame to hand up now (the previous held frame, flushed,
 * when 'p' took its place; or 'p' itself when it is not held) and holds
 * 'p' when it is a TCP data segment.  Two frames may be due: then the
 * flushed one is returned and 'p' is left in '*also'. */
struct vh_packet *gro_receive(struct world *, struct gro_cell *,
                              struct vh_packet *p, struct cpu_core *core,
                              enum cpu_cat cat, const struct vh_device *dev,
                              struct vh_packet **also);

/* Ends the held frame (the poll is over): returns it, finished, or NULL. */
struct vh_packet *gro_flush(struct gro_cell *);

#endif /* models/endpoint/offload.h */
