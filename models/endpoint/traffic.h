/* models/endpoint/traffic.h: the applications that send a scenario's flows.
 *
 * One generator per traffic[] entry, in the source endpoint: it sends the
 * flow's packets from 'start', at constant spacing (cbr) or with
 * exponentially distributed gaps (poisson) drawn from the flow's own
 * random stream, or in bursts of 'burst' packets back to back, a burst
 * every 1/rate (burst), until 'count' packets, the flow's 'duration', or
 * the end of the run.  The application is closed-loop on its core: it cannot send
 * while that core is busy, so 'sent' is what it managed, not what it
 * was asked for.  A blocked sender waits in its core's list (cpu_wait()),
 * and blocked senders get the core in the order they asked for it, so
 * the work per packet does not grow with the flows sharing a core. */
#ifndef VH_MODELS_TRAFFIC_H
#define VH_MODELS_TRAFFIC_H 1

#include <stddef.h>
#include <stdint.h>

#include "models/hw/cpu.h"
#include "sim/rng.h"
#include "sim/time.h"

struct world;
struct flow_stats;
struct cfg_flow;
struct endpoint;

struct traffic_gen {
    /* What each firing of a constant-rate flow reads and writes, in the
     * first line (the generator starts one): with thousands of flows each
     * is cold at the flow's next packet, and every line more is a miss.
     * 'cf' and 'src' are the flow's cfg and src, kept here so that the
     * flow's lines and the endpoint's are fetched side by side rather
     * than one after the other. */
    const struct cfg_flow *cf;
    struct endpoint *src;
    uint64_t next_seq;
    vh_time_t start;            /* The anchor: packet (or burst) k after */
    uint64_t anchor_seq;        /* this one is due k/rate after 'start'
                                 * (Poisson: 'start' is when the next
                                 * packet is due). */
    vh_time_t stop;             /* No packet at or after this time. */
    double gap_ps;              /* Mean spacing; 0 for a replay at the
                                 * capture's own spacing. */
    uint32_t flow;              /* Its statistics: the world's flows[flow]
                                 * (whose last_sent is when the last
                                 * packet left). */
    uint32_t epoch;             /* Of its scheduled firing (rate changes
                                 * start a new one). */
    /* Second line: what ends it, bursts, rate changes and waits. */
    bool done;                  /* Sends no more. */
    vh_time_t burst_began;      /* When the last burst began, */
    uint64_t burst_seq;         /* with this packet. */
    struct cpu_waiter wait;     /* Blocked on its busy core. */
    struct vh_rng rng;
};

_Static_assert(offsetof(struct traffic_gen, epoch) + sizeof(uint32_t) <= 64,
               "what a firing reads fits the generator's first line");

/* Creates the generator for 'fs' and schedules its first packet. */
struct traffic_gen *traffic_start(struct world *, struct flow_stats *fs);

/* Changes the rate of 'g' to 'pps' during the run (a timed "set" of
 * the flow's "rate"): its next packet, or burst, is due 1/pps after the
 * last one it sent, or at once if that is past; one not sent yet keeps
 * its start. */
void traffic_set_rate(struct world *, struct traffic_gen *g, double pps);

#endif /* models/endpoint/traffic.h */
