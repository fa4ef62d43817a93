/* sim/trace.h: the trace bus.
 *
 * Models announce what happens to packets as hop events; captures, the
 * report, 'explain' and the GUI recorder subscribe.  An emission site costs
 * one load and one branch when nobody subscribes to that kind of event: the
 * VH_TRACE macro tests the bus's kind mask before it builds anything.
 *
 * Subscribers are called synchronously, at the simulated time of the event,
 * while the frame bytes are exactly as they are at that point, so a capture
 * can copy them.  A subscriber must not keep the packet pointer. */
#ifndef VH_TRACE_H
#define VH_TRACE_H 1

#include <stdint.h>

#include "sim/device.h"
#include "sim/packet.h"
#include "sim/time.h"

enum vh_hop_kind {
    VH_HOP_ARRIVE,      /* Reached device 'dev'. */
    VH_HOP_ENQUEUE,     /* Waits in a queue of 'dev'; 'depth' after it. */
    VH_HOP_SERVICE,     /* Service starts at 'time' and ends at 'end': on
                         * CPU core 'core' (on_cpu set) for 'cycles' of
                         * 'category', or in hardware. */
    VH_HOP_DROP,        /* Dropped at 'dev' for 'reason'. */
    VH_HOP_DELIVER,     /* Reached the destination application. */
    VH_HOP_RX,          /* Crossed the capture point of 'dev' inward. */
    VH_HOP_TX,          /* Crossed the capture point of 'dev' outward. */
    VH_HOP_CONSUME,     /* Ended normally at 'dev' without being delivered
                         * to an application: an ARP reply taken in by the
                         * stack that asked, a frame a stack ignores. */
    VH_HOP_DECIDE,      /* 'dev' decided something about it, said in
                         * 'what' (a cache hit, the rule that matched);
                         * the text lives only during the call. */
};
#define VH_HOP_N_KINDS (VH_HOP_DECIDE + 1)

/* A word for each kind, as 'explain' and the GUI's inspector print it:
 * "arrives", "queued", "work", "DROPPED"... */
extern const char *const vh_hop_kind_names[VH_HOP_N_KINDS];

struct vh_hop {
    enum vh_hop_kind kind;
    vh_time_t time;             /* When it happened. */
    vh_time_t end;              /* VH_HOP_SERVICE: when service ends. */
    const struct vh_packet *pkt;
    const struct vh_device *dev;
    const char *reason;         /* VH_HOP_DROP: static reason string. */
    const char *what;           /* VH_HOP_SERVICE: the work, when named
                                 * (a primitive cost such as "vmexit");
                                 * VH_HOP_ENQUEUE: what the queue is, when
                                 * not obvious ("waiting for ARP"). */
    uint64_t cycles;            /* VH_HOP_SERVICE on a core. */
    int32_t core;               /* Core index within its host; meaningful
                                 * only when 'on_cpu' is set. */
    uint8_t on_cpu;             /* VH_HOP_SERVICE runs on a CPU core. */
    uint32_t depth;             /* VH_HOP_ENQUEUE: queue length. */
    uint8_t category;           /* Cycle category (models/hw/cpu.h). */
    uint16_t queue;             /* VH_HOP_ENQUEUE at a NIC: 1 + the index
                                 * of the receive queue it waits in (the
                                 * NIC's queues in order: RSS queues, VMDq
                                 * pools, VFs'); 0 elsewhere. */
    uint16_t iotlb_hits;        /* VH_HOP_SERVICE of a NIC's DMA through */
    uint16_t iotlb_misses;      /* the IOMMU: page translations the IOTLB
                                 * held, and page walks. */
};

typedef void (*vh_trace_fn)(void *ctx, const struct vh_hop *);

#define VH_TRACE_MAX_SUBS 8

struct vh_trace_bus {
    uint32_t mask;              /* Union of subscribers' kind masks. */
    int n_subs;
    struct {
        vh_trace_fn fn;
        void *ctx;
        uint32_t kinds;         /* Bit (1u << kind) per wanted kind. */
    } subs[VH_TRACE_MAX_SUBS];
};

#define VH_HOP_BIT(KIND) (1u << (KIND))
#define VH_HOP_ALL ((1u << VH_HOP_N_KINDS) - 1)

void vh_trace_init(struct vh_trace_bus *);

/* Adds a subscriber for the kinds in 'kinds'.  Returns 0, or -1 when the
 * bus already has VH_TRACE_MAX_SUBS subscribers. */
int vh_trace_subscribe(struct vh_trace_bus *, uint32_t kinds,
                       vh_trace_fn fn, void *ctx);

/* Calls every subscriber that wants hop->kind.  Use VH_TRACE instead. */
void vh_trace_dispatch(const struct vh_trace_bus *, const struct vh_hop *);

static inline int
vh_trace_wants(const struct vh_trace_bus *bus, enum vh_hop_kind kind)
{
    return (bus->mask >> kind) & 1;
}

/* Emits one hop event built from designated initializers, e.g.
 *   VH_TRACE(bus, VH_HOP_DROP, .time = now, .pkt = p, .dev = &br->dev,
 *            .reason = "no-route");
 * The initializers are evaluated only if somebody listens. */
#define VH_TRACE(BUS, KIND, ...)                                        \
    do {                                                                \
        if (vh_trace_wants((BUS), (KIND))) {                            \
            struct vh_hop hop_ = { .kind = (KIND), __VA_ARGS__ };       \
            vh_trace_dispatch((BUS), &hop_);                            \
        }                                                               \
    } while (0)

#endif /* sim/trace.h */
