/* models/ovs/qos.h: Open vSwitch's QoS on a port, which OVS configures
 * in the Linux kernel's traffic control.
 *
 * Ingress policing (Interface ingress_policing_rate and _burst, in kbps
 * and kb): a token bucket on what the port receives, filled at the rate
 * up to the burst; a frame that finds too few tokens is dropped
 * ("policed").  Policing drops rather than delays: TCP sees losses, UDP
 * simply loses the excess.
 *
 * Egress shaping (QoS type linux-htb): a hierarchy token bucket on what
 * the port sends.  The port's "max-rate" caps everything; each queue has
 * a "min-rate" it is guaranteed and a "max-rate" it may borrow up to
 * while the port has room.  A flow's queue is chosen by the OpenFlow
 * action set_queue:N; queue 0 takes frames given none, or given a queue
 * that does not exist (without a configured queue 0, a class with no
 * guarantee up to the port's rate).  Frames wait in their queue
 * (1000 frames, the Linux txqueuelen default; beyond: "qdisc-full") until
 * the tokens allow them out: shaping delays rather than drops. */
#ifndef VH_MODELS_OVS_QOS_H
#define VH_MODELS_OVS_QOS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/core/config.h"
#include "sim/event.h"
#include "sim/packet.h"
#include "sim/time.h"

struct world;

struct policer {
    uint64_t rate_bps;
    uint64_t burst_bits;
    double tokens;              /* Bits. */
    vh_time_t last;
    uint64_t dropped;
};

/* A policer of 'kbps' and 'kb' of burst (0: OVS's default, 8000 kb). */
void policer_init(struct policer *, uint64_t kbps, uint64_t kb);

/* Whether a frame of 'len' bytes arriving at 'now' is within the rate
 * (and takes its tokens). */
bool policer_admit(struct policer *, vh_time_t now, uint32_t len);

struct htb_class {
    uint32_t id;                /* The queue number set_queue names. */
    uint64_t min_bps, max_bps;
    double min_tokens, max_tokens;  /* Bits. */
    struct vh_pktq q;
    uint64_t sent, dropped;
};

/* Sends a frame out of the port, once shaping lets it go.  Takes 'p'. */
typedef void (*htb_xmit_fn)(struct world *, void *ctx, struct vh_packet *p);

struct htb {
    uint64_t max_bps;           /* The port's ceiling. */
    double tokens;              /* Bits. */
    vh_time_t last;
    struct htb_class *cls;
    size_t n_cls;
    size_t rr;                  /* Round robin among classes. */
    struct vh_timer timer;      /* When tokens next let a frame out. */
    htb_xmit_fn xmit;
    void *ctx;
    struct vh_device *dev;      /* Where "qdisc-full" drops count. */
};

void htb_init(struct htb *, const struct cfg_qos *, htb_xmit_fn, void *ctx,
              struct vh_device *dev);
void htb_destroy(struct htb *);

/* Queues 'p' (taken) on queue 'queue', and sends what the tokens let
 * out. */
void htb_enqueue(struct world *, struct htb *, uint32_t queue,
                 struct vh_packet *p);

#endif /* models/ovs/qos.h */
