/* models/core/lldp_agent.c: sending on a timer, keeping neighbours. */
#include "models/core/lldp_agent.h"

#include <stdlib.h>
#include <string.h>

#include "models/core/devclass.h"
#include "models/core/world.h"
#include "sim/packet.h"
#include "sim/xmalloc.h"

static void
send_frame(struct lldp_agent *a, bool cdp)
{
    struct world *w = a->w;
    struct vh_packet *p = vh_packet_alloc(&w->pool);
    struct lldp_local l = a->local;
    if (cdp) {
        l.ttl = CDP_TTL_S;
        p->len = cdp_build(p->data, &l, a->cdp_caps);
    } else {
        p->len = lldp_build(p->data, &l);
    }
    a->tx++;
    a->send(w, a->ctx, p);
}

static void
lldp_tx_ev(struct vh_sim *sim, void *obj, void *arg)
{
    struct lldp_agent *a = obj;
    send_frame(a, false);
    vh_timer_arm_at(sim, &a->lldp_tx, sim->now + LLDP_INTERVAL_S * VH_SEC);
    (void) arg;
}

static void
cdp_tx_ev(struct vh_sim *sim, void *obj, void *arg)
{
    struct lldp_agent *a = obj;
    send_frame(a, true);
    vh_timer_arm_at(sim, &a->cdp_tx, sim->now + CDP_INTERVAL_S * VH_SEC);
    (void) arg;
}

void
lldp_agent_init(struct lldp_agent *a, struct world *w,
                const struct lldp_local *local, bool lldp, bool cdp,
                uint32_t cdp_caps, lldp_send_fn send, void *ctx)
{
    memset(a, 0, sizeof *a);
    a->w = w;
    a->local = *local;
    a->local.ttl = LLDP_INTERVAL_S * LLDP_TX_HOLD;
    a->lldp = lldp;
    a->cdp = cdp;
    a->cdp_caps = cdp_caps;
    a->send = send;
    a->ctx = ctx;
    vh_timer_init(&a->lldp_tx, lldp_tx_ev, a);
    vh_timer_init(&a->cdp_tx, cdp_tx_ev, a);
    if (lldp) {
        vh_timer_arm_at(&w->sim, &a->lldp_tx, 0);
    }
    if (cdp) {
        vh_timer_arm_at(&w->sim, &a->cdp_tx, 0);
    }
}

void
lldp_agent_destroy(struct lldp_agent *a)
{
    free(a->nbrs);
    a->nbrs = NULL;
}

bool
lldp_agent_input(struct lldp_agent *a, const struct vh_packet *p)
{
    struct lldp_neighbor n;
    if (!lldp_parse(p->data, p->len, &n)) {
        a->rx_bad++;
        return false;
    }
    a->rx++;
    vh_time_t expires = a->w->sim.now + (vh_time_t) n.ttl * VH_SEC;
    for (size_t i = 0; i < a->n_nbrs; i++) {
        struct lldp_entry *e = &a->nbrs[i];
        if (e->n.proto == n.proto && !strcmp(e->n.chassis_id, n.chassis_id)
            && !strcmp(e->n.port_id, n.port_id)) {
            e->n = n;           /* Refreshed, maybe changed. */
            e->expires = expires;
            return true;
        }
    }
    if (a->n_nbrs == a->cap_nbrs) {
        a->cap_nbrs = a->cap_nbrs ? 2 * a->cap_nbrs : 2;
        a->nbrs = vh_xrealloc(a->nbrs, a->cap_nbrs * sizeof *a->nbrs);
    }
    a->nbrs[a->n_nbrs++] = (struct lldp_entry) { n, expires };
    return true;
}

size_t
lldp_agent_neighbors(const struct lldp_agent *a,
                     const struct lldp_entry **out, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < a->n_nbrs && k < max; i++) {
        if (a->nbrs[i].expires > a->w->sim.now) {
            out[k++] = &a->nbrs[i];
        }
    }
    return k;
}

void
lldp_agent_report(const struct lldp_agent *a, struct report_out *out)
{
    char ip[16];
    report_out_num(out, "lldp_tx", (double) a->tx);
    report_out_num(out, "lldp_rx", (double) a->rx);
    report_out_begin_list(out, "neighbors");
    for (size_t i = 0; i < a->n_nbrs; i++) {
        const struct lldp_entry *e = &a->nbrs[i];
        if (e->expires <= a->w->sim.now) {
            continue;
        }
        report_out_begin_item(out);
        report_out_str(out, "protocol",
                       e->n.proto == LLDP_PROTO_CDP ? "CDP" : "LLDP");
        report_out_str(out, "chassis", e->n.system_name);
        report_out_str(out, "chassis_id", e->n.chassis_id);
        report_out_str(out, "port", e->n.port_id);
        report_out_str(out, "port_descr", e->n.port_descr);
        report_out_num(out, "ttl", e->n.ttl);
        if (e->n.mgmt_ip) {
            report_out_str(out, "mgmt_ip", vh_ipv4_format(e->n.mgmt_ip, ip));
        }
        if (e->n.platform[0]) {
            report_out_str(out, e->n.proto == LLDP_PROTO_CDP ? "platform"
                           : "system_descr", e->n.platform);
        }
        report_out_end(out);
    }
    report_out_end(out);
}
