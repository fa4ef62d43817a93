/* models/switch/l2switch.c: store-and-forward learning switch. */
#include "models/switch/l2switch.h"

#include <stdio.h>
#include <stdlib.h>

#include "models/core/acct.h"
#include "models/core/world.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

static void swport_send_next(struct world *, struct swport *);

static void
swport_tx_done(struct vh_sim *sim, void *obj, void *arg)
{
    struct swport *sp = obj;
    sp->busy = false;
    swport_send_next(world_of(sim), sp);
    (void) arg;
}

static void
swport_send_next(struct world *w, struct swport *sp)
{
    if (sp->busy || !sp->egress.count) {
        return;
    }
    sp->busy = true;
    link_transmit(w, &sp->port, vh_pktq_pop(&sp->egress), swport_tx_done,
                  sp);
}

static void
swport_enqueue(struct world *w, struct swport *sp, struct vh_packet *p)
{
    if (!sp->port.link) {
        acct_drop(w, p, &sp->dev, "no-cable");
        return;
    }
    if (vh_pktq_full(&sp->egress)) {
        acct_drop(w, p, &sp->dev, "switch-buffer-full");
        return;
    }
    vh_pktq_push(&sp->egress, p);
    VH_TRACE(&w->trace, VH_HOP_ENQUEUE, .time = w->sim.now, .pkt = p,
             .dev = &sp->dev, .depth = sp->egress.count);
    swport_send_next(w, sp);
}

static void
l2switch_forward(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct l2switch *sw = obj;
    struct vh_packet *p = arg;
    const struct vh_mac *dst = vh_eth_dst(p->data);
    int in = p->in_port;

    int out = vh_mac_is_multicast(dst) ? -1
              : fdb_lookup(&sw->fdb, dst, 0, sim->now);
    bool reflect = sw->cfg->mode == CFG_SW_VEPA;
    if (out == in && !reflect) {
        /* 802.1Q forbids reflection: the frame's destination sits behind
         * the port it came from, so the switch filters it. */
        acct_drop(w, p, &sw->ports[in].dev, "no-hairpin");
        return;
    }
    if (out >= 0) {
        sw->dev.tx++;
        swport_enqueue(w, &sw->ports[out], p);
        return;
    }
    /* Flood to every cabled port but the ingress (a reflective relay
     * floods back out of the ingress too). */
    int last = -1;
    for (int i = 0; i < sw->n_ports; i++) {
        if ((i != in || reflect) && sw->ports[i].port.link) {
            last = i;
        }
    }
    if (last < 0) {
        acct_drop(w, p, &sw->dev, "no-other-port");
        return;
    }
    for (int i = 0; i <= last; i++) {
        if ((i == in && !reflect) || !sw->ports[i].port.link) {
            continue;
        }
        sw->dev.tx++;
        swport_enqueue(w, &sw->ports[i], i == last ? p : acct_clone(w, p));
    }
}

/* A whole frame has been received on a port (counted and captured). */
static void
swport_rx(struct world *w, struct port *port, struct vh_packet *p)
{
    struct swport *sp = port->owner;
    struct l2switch *sw = sp->sw;
    const struct vh_mac *src = vh_eth_src(p->data);

    sw->dev.rx++;
    p->in_port = (uint16_t) port->index;
    p->hops++;
    fdb_learn(&sw->fdb, src, 0, port->index, w->sim.now);
    vh_time_t lat = hw_time(w, COST_SWITCH_LATENCY, 0);
    VH_TRACE(&w->trace, VH_HOP_SERVICE, .time = w->sim.now,
             .end = w->sim.now + lat, .pkt = p, .dev = &sw->dev);
    vh_schedule_in(&w->sim, lat, l2switch_forward, sw, p);
}

struct l2switch *
l2switch_create(struct world *w, const struct cfg_switch *cfg)
{
    struct l2switch *sw = vh_xcalloc(1, sizeof *sw);
    vh_devtab_add(&w->devs, &sw->dev, cfg->name, "switch", NULL);
    sw->dev.report = 1;
    sw->cfg = cfg;
    fdb_init(&sw->fdb, 300 * VH_SEC);
    sw->n_ports = cfg->ports;
    sw->ports = vh_xcalloc((size_t) cfg->ports, sizeof *sw->ports);
    for (int i = 0; i < cfg->ports; i++) {
        struct swport *sp = &sw->ports[i];
        char path[256];
        snprintf(path, sizeof path, "%s/p%d", cfg->name, i + 1);
        vh_devtab_add(&w->devs, &sp->dev, path, "switch-port", &sw->dev);
        sp->sw = sw;
        port_init(&sp->port, swport_rx, sp, &sp->dev, i);
        vh_pktq_init(&sp->egress, (uint32_t) (cfg->port_buffer
                                              ? cfg->port_buffer : 1000));
    }
    return sw;
}

struct swport *
l2switch_port(struct l2switch *sw, int n)
{
    return n >= 1 && n <= sw->n_ports ? &sw->ports[n - 1] : NULL;
}

void
l2switch_free(struct l2switch *sw)
{
    if (!sw) {
        return;
    }
    fdb_destroy(&sw->fdb);
    free(sw->ports);
    free(sw);
}
