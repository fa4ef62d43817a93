/* models/core/flowexp.h: a flow exporter (NetFlow v5, IPFIX) for any
 * switch.
 *
 * Where sFlow samples packets and keeps no state, NetFlow and IPFIX count
 * every flow: the switch keeps a cache with one entry per flow (its
 * addresses, ports, protocol, ToS and input port) holding packet and byte
 * counts and the times of its first and last packets.  An entry leaves
 * the cache as a flow record (models/core/flowrec.h) sent to the
 * collector when
 *
 *   - the flow has sent nothing for 'inactive_timeout': it is over;
 *   - the flow still runs and 'active_timeout' has passed since its last
 *     record: a long flow is reported piece by piece, so that the
 *     collector sees it while it lasts.  A flow of N seconds thus gives
 *     ceil(N / active_timeout) records.
 *
 * The exporter checks its cache every 'tick' (ovs-vswitchd's NetFlow does
 * it once a second), gathers the records due into datagrams and sends
 * them from the host's management address, through its stack, ARP
 * included, like any program's UDP.
 *
 * The switch calls flowexp_account() for each frame it forwards, with the
 * ports it came in by and went out of, numbered as the switch numbers
 * them.  With 'sampling' above 1 (IPFIX) only one frame in N, drawn at
 * random, is counted, and a sampled frame costs the forwarding core an
 * upcall with a copy of the frame, as OVS's sample action does.
 * Otherwise counting costs the forwarding path nothing more: OVS reads
 * the counts from its datapath flows, whose counters every hit already
 * updates.  Each record costs the exporting thread a cache lookup and the
 * copy of the record into the datagram; each datagram, a system call and
 * the stack's transmit.
 *
 * Only IPv4 frames are counted: OVS would also export a record for ARP,
 * with the ARP addresses in the IP fields, which tells a student
 * nothing. */
#ifndef VH_MODELS_CORE_FLOWEXP_H
#define VH_MODELS_CORE_FLOWEXP_H 1

#include <stdint.h>

#include "models/core/config.h"
#include "models/hw/cpu.h"

struct flowexp;
struct host;
struct report_out;
struct vh_device;
struct vh_packet;
struct world;

/* An exporter for switch 'owner' on host 'h', configured by 'cfg' (whose
 * addresses the loader has resolved), named "OWNER/NAME" ("netflow",
 * "ipfix"), sending from UDP port 'sport' on 'send_core'.  A device of
 * its owner, freed by the world. */
struct flowexp *flowexp_create(struct world *, struct host *h,
                               struct vh_device *owner, const char *name,
                               const struct cfg_flowexp *cfg, uint16_t sport,
                               struct cpu_core *send_core);

/* The switch forwarded 'p', which came in by port 'in_port' and left by
 * 'out_port' (or FLOWREC_OUT_*), on 'core' doing work of category
 * 'cat'. */
void flowexp_account(struct world *, struct flowexp *, struct cpu_core *core,
                     enum cpu_cat cat, const struct vh_packet *p,
                     uint32_t in_port, uint32_t out_port);

/* What the exporter has done. */
struct flowexp_stats {
    uint64_t packets;           /* Frames counted. */
    uint64_t pool;              /* Frames offered (sampling). */
    uint64_t flows;             /* Cache entries created. */
    uint64_t records;           /* Sent, by reason below. */
    uint64_t records_active, records_idle;
    uint64_t datagrams;
    uint64_t templates;         /* IPFIX template sets sent. */
    uint32_t cached;            /* Entries in the cache at the end. */
};
void flowexp_stats(const struct flowexp *, struct flowexp_stats *);

/* The owner's report: "netflow" or "ipfix": {...the stats}. */
void flowexp_report(const struct flowexp *, struct report_out *);

extern const struct dev_class flowexp_class;

#endif /* models/core/flowexp.h */
