/* sim/trace.c: the trace bus's subscriber table and dispatch. */
#include "sim/trace.h"

#include <string.h>

const char *const vh_hop_kind_names[VH_HOP_N_KINDS] = {
    [VH_HOP_ARRIVE] = "arrives",
    [VH_HOP_ENQUEUE] = "queued",
    [VH_HOP_SERVICE] = "work",
    [VH_HOP_DROP] = "DROPPED",
    [VH_HOP_DELIVER] = "DELIVERED",
    [VH_HOP_RX] = "in",
    [VH_HOP_TX] = "out",
    [VH_HOP_CONSUME] = "ended",
    [VH_HOP_DECIDE] = "decides",
};

void
vh_trace_init(struct vh_trace_bus *bus)
{
    memset(bus, 0, sizeof *bus);
}

int
vh_trace_subscribe(struct vh_trace_bus *bus, uint32_t kinds,
                   vh_trace_fn fn, void *ctx)
{
    if (bus->n_subs >= VH_TRACE_MAX_SUBS) {
        return -1;
    }
    /* Bits past the last kind mean nothing; keeping them out of the mask
     * keeps vh_trace_wants() exact. */
    kinds &= VH_HOP_ALL;
    bus->subs[bus->n_subs].fn = fn;
    bus->subs[bus->n_subs].ctx = ctx;
    bus->subs[bus->n_subs].kinds = kinds;
    bus->n_subs++;
    bus->mask |= kinds;
    return 0;
}

void
vh_trace_dispatch(const struct vh_trace_bus *bus, const struct vh_hop *hop)
{
    uint32_t bit = VH_HOP_BIT(hop->kind);
    for (int i = 0; i < bus->n_subs; i++) {
        if (bus->subs[i].kinds & bit) {
            bus->subs[i].fn(bus->subs[i].ctx, hop);
        }
    }
}
