/* models/endpoint/rr.c: UDP request/response, as netperf's UDP_RR. */
#include "models/endpoint/rr.h"

#include "models/core/acct.h"
#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "models/endpoint/tcp.h"
#include "sim/xmalloc.h"

struct rr_udp {
    struct xport_stats xs;      /* First: the flow points here. */
    struct flow_stats *fs;
    vh_time_t stop;             /* No request at or after this. */
    uint64_t next_seq;
};

static bool
rr_may_start(const struct world *w, const struct rr_udp *r)
{
    const struct cfg_flow *cf = r->fs->cfg;
    return w->sim.now < r->stop && (!cf->count || r->fs->sent < cf->count);
}

/* The client's send call: the flow's next packet is the request. */
static void
rr_request(struct world *w, struct rr_udp *r)
{
    endpoint_send(w, r->fs->src, r->fs, r->next_seq++);
}

static void
rr_begin(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct rr_udp *r = obj;
    uint32_t n = r->fs->cfg->burst ? r->fs->cfg->burst : 1;
    (void) arg;
    for (uint32_t i = 0; i < n && rr_may_start(w, r); i++) {
        rr_request(w, r);
    }
}

void
rr_udp_start(struct world *w, struct flow_stats *fs)
{
    const struct cfg_flow *cf = fs->cfg;
    struct rr_udp *r = vh_xcalloc(1, sizeof *r);
    world_keep(w, r);
    r->xs.rr = true;
    r->fs = fs;
    r->stop = cf->duration ? cf->start + cf->duration : VH_TIME_NEVER;
    fs->xport = &r->xs;
    vh_schedule_at(&w->sim, cf->start, rr_begin, r, NULL);
}

static void
rr_reply_ev(struct vh_sim *sim, void *obj, void *arg)
{
    endpoint_output(world_of(sim), obj, arg);
}

bool
rr_udp_input(struct world *w, struct endpoint *app, struct vh_packet *p)
{
    if (p->flow < 0 || (size_t) p->flow >= w->n_flows) {
        return false;
    }
    struct flow_stats *fs = &w->flows[p->flow];
    if (!fs->xport || !fs->xport->rr || fs->xport->tcp) {
        return false;
    }
    struct rr_udp *r = (struct rr_udp *) fs->xport;
    if (p->is_reply) {
        /* The reply ends the transaction that its request began. */
        acct_deliver(w, p, app->dev);
        r->xs.transactions++;
        r->xs.last_transaction = w->sim.now;
        if (rr_may_start(w, r)) {
            rr_request(w, r);
        }
        return true;
    }
    /* The server's application answers from its socket: the request's
     * buffer becomes the reply, as the transaction goes on. */
    struct endpoint *st = endpoint_stack(app);
    struct vh_frame_info fi;
    if (vh_frame_parse(p->data, p->len, &fi, false)) {
        acct_drop(w, p, app->dev, "malformed");
        return true;
    }
    const struct cfg_flow *cf = fs->cfg;
    struct vh_ip_hdr_spec spec = {
        .src_mac = st->mac, .ip_src = fi.ip_dst, .ip_dst = fi.ip_src,
        .ip_id = fi.is_ipv6 ? 0 : st->next_ip_id++,
        .v6 = fi.is_ipv6, .ip6_src = fi.ip6_dst, .ip6_dst = fi.ip6_src,
    };
    /* A reply longer than the request may not fit the buffer a flooded
     * copy of the request came in. */
    uint32_t reply_len = cf->response_size - VH_ETH_FCS;
    if (reply_len > p->len) {
        vh_packet_reserve(p, 0, reply_len - p->len);
    }
    p->len = vh_build_udp(p->data, &spec, fi.dport, fi.sport, NULL,
                          fi.is_ipv6
                          ? vh_udp6_payload_for_size(cf->response_size)
                          : vh_udp_payload_for_size(cf->response_size));
    p->is_reply = 1;
    struct cpu_core *core = app->app_rx ? app->app_core
                                        : cpu_exec_core(p, app->app_core);
    enum cpu_cat cat = app->app_rx ? app->app_cat : st->rx_cat;
    p->exec = &core->srv;
    app->packets++;
    endpoint_charge(w, app, core, COST_SYSCALL, cat, p);
    vh_time_t t = endpoint_charge(w, app, core, COST_STACK_TX, cat, p);
    vh_schedule_at(&w->sim, t, rr_reply_ev, st, p);
    return true;
}
