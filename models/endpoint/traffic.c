/* models/endpoint/traffic.c: constant-rate, Poisson and burst packet
 * sources. */
#include "models/endpoint/traffic.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/hw/cpu.h"
#include "models/endpoint/endpoint.h"
#include "models/endpoint/rr.h"
#include "models/endpoint/tcp.h"
#include "models/core/world.h"
#include "sim/xmalloc.h"

static void traffic_fire(struct vh_sim *, void *obj, void *arg);

/* Scheduled firings carry the generator's epoch; a change of rate
 * starts a new one, and firings of an old epoch are ignored.  The core's
 * wait list calls with NULL, which is always current. */
static void
traffic_schedule(struct vh_sim *sim, struct traffic_gen *g, vh_time_t at)
{
    vh_schedule_at(sim, at, traffic_fire, g, (void *) (uintptr_t) g->epoch);
}

/* A generator's firing, come near (vh_sim_warm): what it and
 * endpoint_send() read beyond the generator's first line, which the
 * kernel has asked for already.  With thousands of flows each of these is
 * cold by the flow's next packet; asked for together with the other
 * firings of the same stretch, they arrive side by side instead of one
 * miss after another in the handler. */
static bool
traffic_warm(struct vh_sim *sim, const void *obj, const void *arg, int step)
{
    const struct traffic_gen *g = obj;
    const struct endpoint *src = g->src;
    const struct flow_stats *fs = &world_of(sim)->flows[g->flow];
    (void) arg;
    if (step == 0) {
        __builtin_prefetch(src);
        __builtin_prefetch((const char *) src + 64);
        __builtin_prefetch((const char *) src + 128);
        __builtin_prefetch(g->cf);
        __builtin_prefetch(fs);
        __builtin_prefetch((const char *) fs + 64);
        __builtin_prefetch(&src->port);
        return true;
    }
    /* The core it sends on (is it busy?), the interface's driver the
     * packet goes to, and a container's ledger. */
    __builtin_prefetch(&src->app_core->srv.free_at);
    __builtin_prefetch(src->port.peer);
    if (src->cycles) {
        __builtin_prefetch(&src->cycles[src->app_cat]);
        __builtin_prefetch(&src->cycles[src->tx_cat]);
    }
    return false;
}

/* The same, and what the packet will read on its way: the devices after
 * the sender's interface, the receiver, and the devices before the
 * receiver's interface (port_warm()), as far as the steps go. */
static bool
traffic_warm_path(struct vh_sim *sim, const void *obj, const void *arg,
                  int step)
{
    const struct traffic_gen *g = obj;
    const struct endpoint *src = g->src;
    if (step == 0) {
        return traffic_warm(sim, obj, arg, step);
    }
    const struct endpoint *dst = world_of(sim)->flows[g->flow].dst;
    if (step == 1) {
        traffic_warm(sim, obj, arg, step);
        if (dst) {
            __builtin_prefetch(dst);
            __builtin_prefetch((const char *) dst + 64);
            __builtin_prefetch((const char *) dst + 128);
        }
    }
    bool more = port_warm(src->port.peer, step - 1);
    if (dst) {
        more |= port_warm(dst->port.peer, step - 2);
    }
    return more;
}

/* Warming pays where what a packet touches is cold, a world of
 * thousands of guests: 4,096 guests on a bridge, in 100 ms slices
 * taking turns with and without warming their path in one run, took
 * 0.67 and 0.71 of the CPU per event with it where memory was slow that
 * run, and the same (1.005) where it was not.  Where it all stays in
 * the second-level cache it costs the calls and wins nothing: 1,000
 * containers ran at 1.16 of the CPU per packet with the path warmed,
 * and at 0.97 with no warming at all against warming the generator's
 * own lines (8,192 flows 0.94, 256 guests 0.97, 1,024 guests 1.00; a
 * cache simulation of the containers' steady state, with a 2 MB cache,
 * missed it 27,000 times in 600,000 packets).  A world's device count
 * tells the two apart: 8,194 devices and 3,005 (1,024 guests: 2,050). */
#define TRAFFIC_WARM_DEVICES 4096

/* When the next packet is due, from the anchor: packets (or bursts)
 * 1/rate apart from it, not from the last one sent, so that lateness
 * does not accumulate. */
static vh_time_t
traffic_due(const struct traffic_gen *g, const struct cfg_flow *cf)
{
    uint64_t k = g->next_seq - g->anchor_seq;
    if (cf->pattern == CFG_PAT_BURST) {
        k /= cf->burst;
    }
    return g->start + vh_time_round(g->gap_ps * (double) k);
}

static void
traffic_fire(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct traffic_gen *g = obj;
    const struct cfg_flow *cf = g->cf;
    struct vh_server *core = &g->src->app_core->srv;

    if (arg && (uintptr_t) arg != g->epoch) {
        return;                 /* Replaced by a change of rate. */
    }
    /* The application runs on its core: while that core is still busy
     * (with earlier sends, or with receive work), the send waits.  An
     * offered rate above what the core sustains thus turns into a lower
     * sent rate, as with a real traffic generator. */
    if (g->src->resume_at > sim->now) {
        /* The VM is stopped: its application resumes with it where it
         * left off, its schedule shifted by the pause, not catching up. */
        g->start += g->src->resume_at - sim->now;
        traffic_schedule(sim, g, g->src->resume_at);
        return;
    }
    if (core->free_at > sim->now) {
        /* Blocked: in the core's wait list, woken once it is free and
         * every sender blocked before it has had its turn. */
        if (core->free_at < g->stop) {
            cpu_wait(sim, g->src->app_core, &g->wait);
        } else {
            g->done = true;
        }
        return;
    }
    if (cf->pattern == CFG_PAT_BURST
        && (g->next_seq - g->anchor_seq) % cf->burst == 0) {
        g->burst_began = sim->now;
        g->burst_seq = g->next_seq;
    }
    endpoint_send(w, g->src, &w->flows[g->flow], g->next_seq++);
    if ((cf->count && g->next_seq >= cf->count)
        || (cf->replay && g->next_seq >= cf->replay->n)) {
        g->done = true;
        return;
    }
    vh_time_t next;
    if (cf->replay && !g->gap_ps) {
        /* The capture's own spacing. */
        next = g->start + cf->replay->frames[g->next_seq].at;
    } else if (cf->pattern == CFG_PAT_POISSON) {
        /* An open process: each gap counts from when the last packet was
         * due, not from when a busy core let it go, or every wait would
         * stretch the schedule and the rate would fall short. */
        next = g->start + vh_time_round(vh_rng_exp(&g->rng, g->gap_ps));
        g->start = next;
    } else if (cf->pattern == CFG_PAT_BURST
               && (g->next_seq - g->anchor_seq) % cf->burst) {
        /* Back to back: the next packet of the burst goes as soon as the
         * core has sent this one. */
        next = sim->now;
    } else {
        /* The next packet, or the next burst, 1/rate after the last one
         * was due. */
        next = traffic_due(g, cf);
    }
    if (next < sim->now) {
        next = sim->now;        /* Behind schedule after a busy core. */
    }
    if (next >= g->stop) {
        g->done = true;
        return;
    }
    traffic_schedule(sim, g, next);
}

void
traffic_set_rate(struct world *w, struct traffic_gen *g, double pps)
{
    const struct cfg_flow *cf = g->cf;
    g->gap_ps = (double) VH_SEC / pps;
    if (g->done || !g->next_seq) {
        return;                 /* Over, or the first packet is due at
                                 * 'start' whatever the rate. */
    }
    /* Anchored on the last packet (or burst) sent: the next one is due
     * 1/rate after it, or now if that is past; none is owed for the time
     * before the change. */
    vh_time_t gap = (vh_time_t) llround(g->gap_ps);
    vh_time_t floor = w->sim.now > gap ? w->sim.now - gap : 0;
    if (cf->pattern == CFG_PAT_BURST) {
        g->start = g->burst_began;
        g->anchor_seq = g->burst_seq;
    } else {
        g->start = w->flows[g->flow].last_sent;
        g->anchor_seq = g->next_seq - 1;
    }
    if (g->start < floor) {
        g->start = floor;
    }
    if (g->wait.waiting) {
        return;                 /* Sends as soon as its core is free. */
    }
    g->epoch++;
    vh_time_t next = cf->pattern == CFG_PAT_POISSON
        ? (g->start = w->sim.now
                      + vh_time_round(vh_rng_exp(&g->rng, g->gap_ps)))
        : cf->pattern == CFG_PAT_BURST
          && (g->next_seq - g->anchor_seq) % cf->burst
        ? w->sim.now : traffic_due(g, cf);
    if (next < w->sim.now) {
        next = w->sim.now;
    }
    if (next >= g->stop) {
        g->done = true;
        return;
    }
    traffic_schedule(&w->sim, g, next);
}

struct traffic_gen *
traffic_start(struct world *w, struct flow_stats *fs)
{
    const struct cfg_flow *cf = fs->cfg;
    struct traffic_gen *g = vh_xcalloc_lines(1, sizeof *g);
    char stream[256];
    snprintf(stream, sizeof stream, "traffic/%s", cf->name);
    vh_rng_seed(&g->rng, w->cfg->seed, stream);
    g->flow = (uint32_t) world_flow_index(w, fs);
    g->cf = cf;
    g->src = fs->src;
    g->start = cf->start;
    g->stop = cf->duration ? cf->start + cf->duration : VH_TIME_NEVER;
    if (g->stop > w->end) {
        g->stop = w->end;
    }
    if (cf->proto == CFG_PROTO_TCP || cf->pattern == CFG_PAT_RR) {
        /* Paced by their windows or their replies (models/endpoint/tcp.h,
         * rr.h), not by 'rate'. */
        g->done = true;
        if (cf->proto == CFG_PROTO_TCP) {
            tcp_start(w, fs);
        } else {
            rr_udp_start(w, fs);
        }
        return g;
    }
    g->gap_ps = cf->pps ? (double) VH_SEC / cf->pps : 0;
    g->epoch = 1;
    g->wait = (struct cpu_waiter) { .fn = traffic_fire, .obj = g };
    if (w->devs.n >= TRAFFIC_WARM_DEVICES) {
        vh_sim_warm(&w->sim, traffic_fire, traffic_warm_path);
    }
    if (g->start < g->stop) {
        traffic_schedule(&w->sim, g, g->start);
    } else {
        g->done = true;
    }
    return g;
}
