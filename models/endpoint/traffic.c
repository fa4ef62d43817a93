/* models/endpoint/traffic.c: constant-rate and Poisson packet sources. */
#include "models/endpoint/traffic.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/hw/cpu.h"
#include "models/endpoint/endpoint.h"
#include "models/endpoint/rr.h"
#include "models/endpoint/tcp.h"
#include "models/core/world.h"
#include "sim/xmalloc.h"

static void
traffic_fire(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct traffic_gen *g = obj;
    const struct cfg_flow *cf = g->fs->cfg;
    struct vh_server *core = &g->fs->src->app_core->srv;

    /* The application runs on its core: while that core is still busy
     * (with earlier sends, or with receive work), the send waits.  An
     * offered rate above what the core sustains thus turns into a lower
     * sent rate, as with a real traffic generator. */
    if (g->fs->src->resume_at > sim->now) {
        /* The VM is stopped: its application resumes with it where it
         * left off, its schedule shifted by the pause, not catching up. */
        g->start += g->fs->src->resume_at - sim->now;
        vh_schedule_at(sim, g->fs->src->resume_at, traffic_fire, g, NULL);
        return;
    }
    if (core->free_at > sim->now) {
        /* Blocked: in the core's wait list, woken once it is free and
         * every sender blocked before it has had its turn. */
        if (core->free_at < g->stop) {
            cpu_wait(sim, g->fs->src->app_core, &g->wait);
        }
        return;
    }
    endpoint_send(w, g->fs->src, g->fs, g->next_seq++);
    if (cf->count && g->next_seq >= cf->count) {
        return;
    }
    vh_time_t next;
    if (cf->pattern == CFG_PAT_POISSON) {
        next = sim->now + (vh_time_t) llround(vh_rng_exp(&g->rng, g->gap_ps));
    } else {
        /* From the start, not from the last packet: no drift. */
        next = g->start + (vh_time_t) llround(g->gap_ps
                                              * (double) g->next_seq);
        if (next < sim->now) {
            next = sim->now;    /* Behind schedule after a busy core. */
        }
    }
    if (next >= g->stop) {
        return;
    }
    vh_schedule_at(sim, next, traffic_fire, g, NULL);
    (void) arg;
}

const char *
traffic_unmodelled(const struct cfg_flow *cf, const char **key)
{
    switch (cf->proto) {
    case CFG_PROTO_UDP:
    case CFG_PROTO_ICMP:
    case CFG_PROTO_TCP:         /* models/endpoint/tcp.h */
        break;
    }
    switch (cf->pattern) {
    case CFG_PAT_CBR:
    case CFG_PAT_POISSON:
    case CFG_PAT_RR:            /* models/endpoint/rr.h */
        break;
    case CFG_PAT_BURST:
        *key = "pattern";
        return "the burst traffic pattern";
    }
    if (cf->pcap) {
        *key = "pcap";
        return "replaying a capture";
    }
    return NULL;
}

struct traffic_gen *
traffic_start(struct world *w, struct flow_stats *fs)
{
    const struct cfg_flow *cf = fs->cfg;
    struct traffic_gen *g = vh_xcalloc(1, sizeof *g);
    char stream[256];
    snprintf(stream, sizeof stream, "traffic/%s", cf->name);
    vh_rng_seed(&g->rng, w->cfg->seed, stream);
    g->fs = fs;
    g->start = cf->start;
    g->stop = cf->duration ? cf->start + cf->duration : VH_TIME_NEVER;
    if (g->stop > w->end) {
        g->stop = w->end;
    }
    if (cf->proto == CFG_PROTO_TCP) {
        tcp_start(w, fs);       /* Paced by its windows, not by 'rate'. */
        return g;
    }
    if (cf->pattern == CFG_PAT_RR) {
        rr_udp_start(w, fs);    /* Paced by its replies. */
        return g;
    }
    g->gap_ps = (double) VH_SEC / cf->pps;
    g->wait = (struct cpu_waiter) { .fn = traffic_fire, .obj = g };
    if (g->start < g->stop) {
        vh_schedule_at(&w->sim, g->start, traffic_fire, g, NULL);
    }
    return g;
}
