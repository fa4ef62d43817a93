/* models/core/world.h: one simulated world built from a scenario.
 *
 * The world owns the kernel (clock, events, packet pool, trace bus, device
 * registry), every model instance, and the per-flow results.  It is built
 * from a validated 'struct cfg_scenario', run, reported, and freed. */
#ifndef VH_MODELS_WORLD_H
#define VH_MODELS_WORLD_H 1

#include <stddef.h>
#include <stdint.h>

#include "models/core/config.h"
#include "models/core/costs.h"
#include "sim/device.h"
#include "sim/event.h"
#include "sim/packet.h"
#include "sim/stats.h"
#include "sim/trace.h"

struct host;
struct vm;
struct l2switch;
struct link;
struct endpoint;
struct traffic_gen;

/* What happened to one flow. */
struct flow_stats {
    /* What every packet of the flow touches, sent or delivered, in the
     * first two cache lines (the array starts a line, and each element
     * is a whole number of lines): with thousands of flows, each is cold
     * by its next packet, and every extra line is a miss. */
    _Alignas(64) const struct cfg_flow *cfg;
    struct endpoint *src;
    struct endpoint *dst;
    uint64_t sent;              /* Packets the source application sent. */
    vh_time_t first_sent;       /* When the source application sent its */
    vh_time_t last_sent;        /* first and last packet (the report's
                                 * sending window); 0 before the first. */
    uint32_t dst_ip;            /* Where the sender addresses its packets:
                                 * dst's address, or its NAT host's for a
                                 * forwarded port (models/hostnet/nat.h). */
    uint32_t loopback : 1;      /* Its two ends are applications of one
                                 * stack, talking over the loopback (a
                                 * pod's containers). */
    uint32_t wire_min_ns : 24;  /* The least vh_packet's wire_ns of its
                                 * deliveries (saturated; 0 before the
                                 * first): each delivered packet took at
                                 * least that on one cable, so n of them
                                 * took n times it (report/report.c).  In
                                 * this line, which a delivery reads
                                 * anyway. */
    struct xport_stats *xport;  /* TCP and rr flows (models/endpoint/
                                 * tcp.h); NULL for the others. */
    /* Second line: delivery, and the latency histogram's head (the
     * line holds all of it; the window of buckets that a delivery
     * writes one line of follows). */
    uint64_t delivered;         /* Reached the destination (ICMP: replies
                                 * back at the source). */
    uint64_t bytes_delivered;   /* Wire bytes (size incl. FCS). */
    vh_time_t last_delivered;
    struct vh_hist latency;     /* ns; ICMP: round-trip time. */
    /* Cold. */
    vh_time_t first_delivered;  /* Written once. */
    int index;                  /* In the world's flows (world_flow_index
                                 * finds it without this line). */
    struct vh_drops drops;
    struct vh_ip6 dst_ip6;      /* A flow of family 6: dst's IPv6
                                 * address. */
};

_Static_assert(offsetof(struct flow_stats, latency.window) == 128,
               "a flow's delivery counters and histogram head fill its "
               "second line");

struct world {
    struct vh_sim sim;          /* First, so handlers can find the world. */
    struct vh_pool pool;
    struct vh_trace_bus trace;
    struct vh_devtab devs;
    struct costs costs;
    vh_time_t hw_fixed[COST_N]; /* Hardware primitives, precomputed: */
    vh_time_t hw_per_kib[COST_N];   /* ps per job and per 1024 bytes. */
    const struct cfg_scenario *cfg;
    vh_time_t end;              /* The scenario's duration. */

    struct host **hosts;
    size_t n_hosts;
    struct l2switch **switches;
    size_t n_switches;
    struct link **links;
    size_t n_links;
    struct flow_stats *flows;
    size_t n_flows;
    struct traffic_gen **gens;
    size_t n_gens;

    int next_vif;               /* The next free VIF number of edge
                                 * virtual bridging (evb_vif_alloc); 0
                                 * before the first. */
    void **kept;                /* Freed with the world (world_keep). */
    size_t n_kept;
    void *families;             /* Flood families not yet settled
                                 * (models/core/acct.c). */
    uint64_t families_live;
};

/* Time hardware primitive 'id' takes for 'bytes' bytes. */
static inline vh_time_t
hw_time(const struct world *w, enum cost_id id, uint32_t bytes)
{
    return w->hw_fixed[id] + ((w->hw_per_kib[id] * bytes + 512) >> 10);
}

/* The index of 'fs' in 'w''s flows (its traffic[] entry). */
static inline int
world_flow_index(const struct world *w, const struct flow_stats *fs)
{
    return (int) (fs - w->flows);
}

static inline struct world *
world_of(struct vh_sim *sim)
{
    return (struct world *) sim;    /* 'sim' is the first member. */
}

/* Builds the world for 'cfg' (which must outlive it).  Returns NULL and
 * fills 'diag' if the scenario asks for something the models refuse. */
struct world *world_build(const struct cfg_scenario *cfg,
                          struct vh_diag *diag);

/* Runs until the scenario's duration, or earlier when nothing is left to
 * do.  'progress', if not NULL, is called about every 1% of the duration
 * with the fraction done. */
void world_run(struct world *, void (*progress)(double done, void *ctx),
               void *ctx);

/* Runs as world_run() does, but stops at simulated time 'until' (at most
 * the duration); a later world_run() or world_run_until() goes on from
 * there.  Stopping in between changes nothing the run computes: the
 * clock only waits there, with no event run, until the run goes on. */
void world_run_until(struct world *, vh_time_t until,
                     void (*progress)(double done, void *ctx), void *ctx);

/* Simulated time at which the run ended. */
vh_time_t world_end_time(const struct world *);

/* Packets of flows neither delivered nor dropped. */
uint64_t world_in_flight(const struct world *, const struct flow_stats *);

void world_free(struct world *);

/* The host named 'name', and the VM at 'path' ("host1/vm1"), found in the
 * device registry; NULL if there is none. */
struct host *world_host(const struct world *, const char *name);
struct vm *world_vm(const struct world *, const char *path);

/* Helpers for builders: register a link so the world frees it. */
void world_add_link(struct world *, struct link *);

/* Builders add what they built: a host, an upstream switch. */
void world_add_host(struct world *, struct host *);
void world_add_switch(struct world *, struct l2switch *);

/* Frees 'p' (malloc'ed) with the world. */
void world_keep(struct world *, void *p);

#endif /* models/core/world.h */
