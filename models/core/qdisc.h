/* models/core/qdisc.h: the queue discipline in front of a driver's TX
 * queue.
 *
 * A Linux driver whose TX ring is full stops its queue
 * (netif_stop_subqueue()); the frames handed down meanwhile wait in the
 * device's qdisc (pfifo_fast, fq_codel: both first in, first out for one
 * flow) and go to the driver as TX completions free descriptors
 * (netif_wake_subqueue()).  Only beyond the qdisc's limit, the device's
 * txqueuelen (1000 frames by default), is a frame dropped: "qdisc-full",
 * as the emulated NICs' qdisc (models/guest/emu_nic.h) and Open vSwitch's
 * QoS queues (models/ovs/qos.h) name it.
 *
 * A driver keeps one per TX queue: while the qdisc holds frames or the
 * ring is full, new frames go to the qdisc, so they leave in order.
 * Enqueue and dequeue cost nothing of their own here (they are part of
 * the stack's transmit work); the driver's per-frame work is charged once,
 * when the frame reaches the driver (models/hw/pnic.c charges it as the
 * frame leaves the qdisc; virtio's guest TX cost is charged before). */
#ifndef VH_MODELS_QDISC_H
#define VH_MODELS_QDISC_H 1

#include <stdbool.h>
#include <stdint.h>

#include "models/core/defaults.h"
#include "sim/device.h"
#include "sim/packet.h"

struct world;

struct qdisc {
    struct vh_pktq q;           /* Held, oldest first. */
    uint32_t limit;             /* txqueuelen, frames. */
    uint64_t held;              /* Frames that ever waited here. */
    uint32_t peak;              /* The most that waited at once. */
    uint64_t drops;             /* Frames dropped as "qdisc-full". */
};

void qdisc_init(struct qdisc *, uint32_t limit);

/* Holds 'p' for the driver of 'dev', or drops it ("qdisc-full") when
 * 'limit' frames already wait.  Takes 'p'. */
void qdisc_enqueue(struct world *, struct qdisc *, struct vh_packet *p,
                   struct vh_device *dev);

/* The oldest frame held, or NULL. */
struct vh_packet *qdisc_dequeue(struct qdisc *);

static inline bool
qdisc_empty(const struct qdisc *qd)
{
    return qd->q.count == 0;
}

/* Frees what is held (a device going away). */
void qdisc_purge(struct qdisc *);

#endif
