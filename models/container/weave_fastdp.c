/* models/container/weave_fastdp.c: weave's fast datapath.
 *
 * An Open vSwitch kernel datapath that the weave router programs itself:
 * its ports are vethwe-datapath (the bridge's side) and, per peer, the
 * tunnels to it and from it (both the one VXLAN vport "vxlan-6784" in
 * weave, whose tunnel ID a flow's set_tunnel action chooses; here a
 * VTEP per direction, since a VTEP's key is fixed).  A flow matches
 * in_port and the Ethernet addresses (from a tunnel, the tunnel too):
 * two masks, probed in the order they were first installed.  A hit runs
 * the flow's actions on the core carrying the frame; a miss sends the
 * frame up to the router (models/container/cnet_weave.c), which decides,
 * installs the flow and sends the frame back to be executed. */
#include "models/container/weave.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/container/netdrv.h"
#include "models/core/acct.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "models/tunnel/vtep.h"
#include "sim/xmalloc.h"

/* Drops the datapath's flows toward 'mac'. */
void
weave_flows_forget(struct cweave *s, const struct vh_mac *mac)
{
    size_t k = 0;
    for (size_t i = 0; i < s->n_flows; i++) {
        if (!vh_mac_eq(&s->flows[i].dst, mac)) {
            s->flows[k++] = s->flows[i];
        }
    }
    s->n_flows = k;
}

static struct wv_flow *
flow_find(struct cweave *s, int in, const struct vh_mac *src,
          const struct vh_mac *dst)
{
    for (size_t i = 0; i < s->n_flows; i++) {
        struct wv_flow *f = &s->flows[i];
        if (f->in == in && vh_mac_eq(&f->src, src)
            && vh_mac_eq(&f->dst, dst)) {
            return f;
        }
    }
    return NULL;
}

/* The masks a lookup of a frame from 'in' probes: up to its kind's when
 * it hits, all of them when it misses. */
static unsigned
masks_probed(const struct cweave *s, int in, bool hit)
{
    int kind = in != WV_BRIDGE;
    return hit ? (unsigned) s->mask_order[kind] : (unsigned) s->n_masks;
}

static void
flow_put(struct cweave *s, int in, const struct vh_mac *src,
         const struct vh_mac *dst, int out, const char *why)
{
    int kind = in != WV_BRIDGE;
    if (!s->mask_order[kind]) {
        s->mask_order[kind] = ++s->n_masks;
    }
    s->flows = vh_xgrow(s->flows, s->n_flows, sizeof *s->flows);
    struct wv_flow *f = &s->flows[s->n_flows++];
    memset(f, 0, sizeof *f);
    f->in = in;
    f->src = *src;
    f->dst = *dst;
    f->out = out;
    f->why = why;
}

/* Runs action 'out' on 'p' (taken) on 'core': set_tunnel and output to
 * the vport for a peer, output to vethwe-datapath for the bridge. */
static void
dp_execute(struct world *w, struct cweave *s, struct cpu_core *core,
           struct vh_packet *p, int out, const char *why)
{
    struct vh_device *dev = &s->net->dev;
    if (out == WV_DISCARD) {
        weave_drop(w, s, p, why);
        return;
    }
    if (out == WV_BRIDGE) {
        vh_time_t t = cpu_charge(w, core, COST_OVS_DP_OUTPUT, 0,
                                 CPU_VSWITCH, p, dev);
        dev->tx++;
        vh_schedule_at(&w->sim, t, weave_to_port_ev, &s->brp, p);
        return;
    }
    size_t first = out == WV_ALL ? 0 : (size_t) out;
    size_t last = out == WV_ALL ? s->n_peers : (size_t) out + 1;
    for (size_t i = first; i < last; i++) {
        struct vh_packet *q = i + 1 < last ? acct_clone(w, p) : p;
        cpu_charge(w, core, COST_OVS_DP_SET, 0, CPU_VSWITCH, q, dev);
        vh_time_t t = cpu_charge(w, core, COST_OVS_DP_OUTPUT, 0,
                                 CPU_VSWITCH, q, dev);
        dev->tx++;
        vh_schedule_at(&w->sim, t, weave_to_port_ev, &s->peers[i].txp, q);
    }
}

/* The router, woken by an upcall of 'p' from 'in': receives it,
 * decides, installs the flow and sends the frame back to be executed. */
static void
dp_upcall(struct world *w, struct cweave *s, int in, struct vh_packet *p)
{
    struct vh_device *dev = &s->net->dev;
    p->exec = &s->router->srv;
    s->upcalls++;
    cpu_charge(w, s->router, COST_SYSCALL, 0, CPU_APP, p, dev);
    weave_copy(w, s, p, p->len);
    vh_time_t t = cpu_charge(w, s->router, COST_OVS_XLATE, 0, CPU_APP, p,
                             dev);
    struct vh_mac src = *vh_eth_src(p->data), dst = *vh_eth_dst(p->data);
    const char *why = NULL;
    int out = weave_decide(s, in, &src, &dst, &why);
    weave_trace(w, s, p, t, "weave router, installs a flow", out, why);
    if (!flow_find(s, in, &src, &dst)) {
        /* An earlier upcall of the flow may have installed it. */
        cpu_charge(w, s->router, COST_OVS_FLOW_PUT, 0, CPU_APP, p, dev);
        flow_put(s, in, &src, &dst, out, why);
    }
    cpu_charge(w, s->router, COST_OVS_PACKET_EXEC, 0, CPU_APP, p, dev);
    weave_copy(w, s, p, p->len);
    dp_execute(w, s, s->router, p, out, why);
}

static void
dp_upcall_bridge_ev(struct vh_sim *sim, void *obj, void *arg)
{
    dp_upcall(world_of(sim), obj, WV_BRIDGE, arg);
}

static void
dp_upcall_peer_ev(struct vh_sim *sim, void *obj, void *arg)
{
    struct wv_peer *peer = obj;
    dp_upcall(world_of(sim), peer->s, peer->index, arg);
}

/* A frame into the datapath from 'in', on the core that carries it. */
void
weave_dp_rx(struct world *w, struct cweave *s, int in, struct vh_packet *p)
{
    struct vh_device *dev = &s->net->dev;
    struct cpu_core *core = cpu_exec_core(p, &s->net->host->cores[0]);
    dev->rx++;
    p->hops++;
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = dev);
    vh_time_t t = cpu_charge(w, core, COST_OVS_DP_RX, 0, CPU_VSWITCH, p,
                             dev);
    if (p->len < VH_ETH_HLEN) {
        weave_drop(w, s, p, "weave-bad-frame");
        return;
    }
    struct wv_flow *f = flow_find(s, in, vh_eth_src(p->data),
                                  vh_eth_dst(p->data));
    unsigned probes = masks_probed(s, in, f != NULL);
    if (probes) {
        t = cpu_charge_n(w, core, COST_OVS_MASK_PROBE, probes, CPU_VSWITCH,
                         p, dev);
    }
    if (f) {
        s->hits++;
        weave_trace(w, s, p, t, "datapath flow hit", f->out, f->why);
        dp_execute(w, s, core, p, f->out, f->why);
        return;
    }
    /* A miss: the frame and its key go up to the router. */
    if (w->trace.mask & VH_HOP_BIT(VH_HOP_DECIDE)) {
        VH_TRACE(&w->trace, VH_HOP_DECIDE, .time = t, .pkt = p, .dev = dev,
                 .what = "datapath miss: upcall to the weave router");
    }
    cpu_charge(w, core, COST_OVS_UPCALL, 0, CPU_VSWITCH, p, dev);
    cpu_charge(w, core, COST_COPY_FIXED, 0, CPU_VSWITCH, p, dev);
    cpu_charge(w, core, COST_COPY_BYTE, p->len, CPU_VSWITCH, p, dev);
    s->net->host->copies_bytes += p->len;
    t = cpu_wake_thread(w, core, CPU_VSWITCH, s->router, CPU_APP,
                        &s->net->host->interrupts, p, dev);
    if (in == WV_BRIDGE) {
        vh_schedule_at(&w->sim, t, dp_upcall_bridge_ev, s, p);
    } else {
        vh_schedule_at(&w->sim, t, dp_upcall_peer_ev, &s->peers[in], p);
    }
}

/* A frame out of the tunnel from a peer, into the datapath by the
 * vport. */
static void
wv_tunnel_in(struct world *w, struct port *port, struct vh_packet *p)
{
    struct wv_peer *peer = port->owner;
    weave_dp_rx(w, peer->s, peer->index, p);
}

bool
weave_fastdp_build(struct world *w, struct cweave *s, struct vh_diag *diag)
{
    const struct cfg_network *cn = s->net->cfg;
    struct host *h = s->net->host;
    for (size_t i = 0; i < s->n_peers; i++) {
        struct wv_peer *pr = &s->peers[i];
        struct vtep_cfg vc;
        char name[32];
        /* As weave's set_tunnel action: DF set, TTL 64, no UDP
         * checksum. */
        vtep_cfg_init(&vc, VTEP_VXLAN, true);
        vc.port = WEAVE_VXLAN_PORT;
        vc.local_ip = s->nic->ip;
        vc.df = true;
        vc.ttl = 64;
        vc.udp_csum = false;
        vc.learning = false;
        vc.key = weave_vni(s->short_id, pr->short_id);
        vc.remote_ip = pr->ip;
        snprintf(name, sizeof name, "vxlan-6784-%u", vc.key);
        pr->tx = vtep_create(w, h, name, &vc, cn->jpath);
        vc.key = weave_vni(pr->short_id, s->short_id);
        snprintf(name, sizeof name, "vxlan-6784-%u", vc.key);
        pr->rx = vtep_create(w, h, name, &vc, cn->jpath);
        port_init(&pr->txp, wv_tunnel_in, pr, &s->net->dev, 0);
        port_init(&pr->rxp, wv_tunnel_in, pr, &s->net->dev, 0);
        port_connect(&pr->txp, &pr->tx->port);
        port_connect(&pr->rxp, &pr->rx->port);
        if (!vtep_bind(w, pr->tx, cn->jpath, diag)
            || !vtep_bind(w, pr->rx, cn->jpath, diag)) {
            return false;
        }
    }
    return true;
}
