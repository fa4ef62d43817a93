/* models/hostnet/lbridge.c: Linux bridge forwarding. */
#include "models/hostnet/lbridge.h"

#include <stdio.h>
#include <stdlib.h>

#include "models/core/acct.h"
#include "models/hw/cpu.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

/* Sends 'p' out of every port but 'in'.  Takes 'p'. */
static void
lbridge_flood(struct world *w, struct lbridge *br, size_t in,
              struct vh_packet *p)
{
    /* Ports whose member left (a migrated VM's tap) take nothing. */
    size_t last = br->n_ports;
    for (size_t i = 0; i < br->n_ports; i++) {
        if (i != in && br->ports[i]->peer) {
            last = i;
        }
    }
    if (last == br->n_ports) {
        acct_drop(w, p, &br->dev, "no-other-port");
        return;
    }
    br->flooded++;
    for (size_t i = 0; i <= last; i++) {
        if (i == in || !br->ports[i]->peer) {
            continue;
        }
        struct vh_packet *out = i == last ? p : acct_clone(w, p);
        br->dev.tx++;
        port_deliver(w, br->ports[i], out);
    }
}

static void
lbridge_forward(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct lbridge *br = obj;
    struct vh_packet *p = arg;
    const struct vh_mac *dst = vh_eth_dst(p->data);
    const struct vh_mac *src = vh_eth_src(p->data);
    size_t in = p->in_port;

    fdb_learn(&br->fdb, src, 0, (int) in, sim->now);
    int out = vh_mac_is_multicast(dst) ? -1
              : fdb_lookup(&br->fdb, dst, 0, sim->now);
    if (out < 0) {
        lbridge_flood(w, br, in, p);
    } else if ((size_t) out == in) {
        /* Both ends sit behind the same port: nothing for the bridge. */
        acct_drop(w, p, &br->dev, "bridge-same-port");
    } else {
        br->dev.tx++;
        port_deliver(w, br->ports[out], p);
    }
}

/* A frame enters the bridge from a member, on the member's core. */
static void
lbridge_rx(struct world *w, struct port *port, struct vh_packet *p)
{
    struct lbridge *br = port->owner;
    struct cpu_core *core = cpu_exec_core(p, &br->host->cores[0]);
    br->dev.rx++;
    VH_TRACE(&w->trace, VH_HOP_RX, .time = w->sim.now, .pkt = p,
             .dev = &br->dev);
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = &br->dev);
    p->in_port = (uint16_t) port->index;
    p->hops++;
    cpu_charge(w, core, COST_BRIDGE_FDB, 0, CPU_VSWITCH, p, &br->dev);
    vh_time_t t = cpu_charge(w, core, COST_BRIDGE_FORWARD, 0, CPU_VSWITCH,
                             p, &br->dev);
    vh_schedule_at(&w->sim, t, lbridge_forward, br, p);
}

struct lbridge *
lbridge_create(struct world *w, struct host *h, const struct cfg_bridge *cfg)
{
    struct lbridge *br = vh_xcalloc(1, sizeof *br);
    char path[256];
    snprintf(path, sizeof path, "%s/%s", h->dev.path, cfg->name);
    vh_devtab_add(&w->devs, &br->dev, path, "linux-bridge", &h->dev);
    br->dev.report = 1;
    br->host = h;
    br->cfg = cfg;
    fdb_init(&br->fdb, cfg->ageing ? cfg->ageing : 300 * VH_SEC);
    return br;
}

struct port *
lbridge_attach(struct lbridge *br, struct port *member)
{
    struct port *bp = vh_xcalloc(1, sizeof *bp);
    br->ports = vh_xgrow(br->ports, br->n_ports, sizeof *br->ports);
    port_init(bp, lbridge_rx, br, &br->dev, (int) br->n_ports);
    br->ports[br->n_ports++] = bp;
    port_connect(bp, member);
    return bp;
}

void
lbridge_free(struct lbridge *br)
{
    if (!br) {
        return;
    }
    for (size_t i = 0; i < br->n_ports; i++) {
        free(br->ports[i]);
    }
    free(br->ports);
    fdb_destroy(&br->fdb);
    free(br);
}

void
lbridge_detach(struct lbridge *br, struct port *member)
{
    for (size_t i = 0; i < br->n_ports; i++) {
        struct port *bp = br->ports[i];
        if (bp->peer == member) {
            bp->peer = NULL;
            member->peer = NULL;
            fdb_forget_port(&br->fdb, (int) i);
            return;
        }
    }
}
