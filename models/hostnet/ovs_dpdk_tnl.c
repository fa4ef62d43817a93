/* models/hostnet/ovs_dpdk_tnl.c: tnl_push and tnl_pop in the PMDs, and
 * the bridge's address for its tunnels. */
#include "models/hostnet/ovs_dpdk_tnl.h"

#include <stdio.h>

#include "models/core/acct.h"
#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "models/hw/cpu.h"
#include "models/hw/pnic.h"
#include "models/tunnel/vtep.h"
#include "sim/trace.h"

static bool
is_tunnel(const struct cfg_bport *bp)
{
    return bp && bp->type >= CFG_BP_VXLAN;
}

bool
ovs_dpdk_tnl_wanted(const struct cfg_bridge *cb)
{
    for (size_t i = 0; i < cb->n_bports; i++) {
        if (is_tunnel(&cb->bports[i])) {
            return true;
        }
    }
    return false;
}

bool
ovs_dpdk_tnl_take_phy(struct ovs_dpdk *br, struct ovs_port *op,
                      struct vh_diag *diag)
{
    const struct cfg_nic *cn = op->nic->cfg;
    if (!ovs_dpdk_tnl_wanted(br->cfg)) {
        return vh_diag_fail(diag, cn->jpath, "'%s' is a port of the DPDK "
                            "bridge '%s', so its poll-mode driver owns it "
                            "and the host's kernel no longer sees it; the "
                            "host cannot use its 'ip' (a bridge with tunnel "
                            "ports takes it as their address)", cn->name,
                            br->cfg->name);
    }
    if (br->phy) {
        return vh_diag_fail(diag, cn->jpath, "'%s' and '%s' are both ports "
                            "of the DPDK bridge '%s' with an 'ip'; its "
                            "tunnels leave from one address: keep the 'ip' "
                            "on one of them", br->phy->nic->cfg->name,
                            cn->name, br->cfg->name);
    }
    br->phy = op;
    /* The host's address on it joins the bridge (ovs_dpdk_tnl_add_port),
     * not the NIC's kernel side, which a DPDK NIC does not have. */
    op->nic->master = &br->dev;
    op->ofp->up = false;        /* br-phy's port: NORMAL never floods the
                                 * VMs' frames onto the underlay. */
    return true;
}

/* --- The host's stack on the address (br-phy's LOCAL port). --- */

/* ovs-vswitchd's main thread polls the tap and sends what the host's
 * stack wrote into it out of the NIC, on a transmit queue of its own. */
static void
local_send(struct vh_sim *sim, void *obj, void *arg)
{
    struct ovs_dpdk *br = obj;
    struct pnic *nic = br->phy->nic;
    pnic_poll_tx(world_of(sim), nic, br->n_pmds % nic->n_queues, arg);
}

static void
local_rx(struct world *w, struct port *port, struct vh_packet *p)
{
    struct ovs_dpdk *br = port->owner;
    struct cpu_core *c = br->main_core;
    p->exec = &c->srv;
    p->hops++;
    vh_time_t t = cpu_charge(w, c, COST_PMD_TX, 0, CPU_VSWITCH, p,
                             &br->dev);
    vh_schedule_at(&w->sim, t, local_send, br, p);
}

struct port *
ovs_dpdk_tnl_add_port(struct ovs_dpdk *br, struct port *member, bool uplink)
{
    if (uplink || !br->phy) {
        return NULL;
    }
    br->ep = member->owner;
    port_init(&br->local, local_rx, br, &br->dev, -1);
    port_connect(&br->local, member);
    return &br->local;
}

/* Up the tap: the host's stack takes the frame on the main thread's
 * core. */
static void
stack_up(struct vh_sim *sim, void *obj, void *arg)
{
    struct ovs_dpdk *br = obj;
    port_deliver(world_of(sim), &br->local, arg);
}

/* A frame that missed the neighbour cache, given to the host's stack to
 * resolve its next hop and send. */
static void
stack_forward(struct vh_sim *sim, void *obj, void *arg)
{
    struct ovs_dpdk *br = obj;
    endpoint_forward(world_of(sim), br->ep, arg);
}

/* --- Building. --- */

/* The first core no PMD polls: ovs-vswitchd's main thread. */
static struct cpu_core *
main_core(struct host *h)
{
    for (int c = 0; c < h->n_cores; c++) {
        if (!ovs_dpdk_core_polls(h, c)) {
            return &h->cores[c];
        }
    }
    return &h->cores[0];
}

bool
ovs_dpdk_tnl_build(struct world *w, struct ovs_dpdk *br,
                   struct vh_diag *diag)
{
    const struct cfg_bridge *cb = br->cfg;
    (void) w;
    for (size_t i = 0; i < cb->n_bports; i++) {
        const struct cfg_bport *bp = &cb->bports[i];
        if (is_tunnel(bp) && !br->phy) {
            return vh_diag_fail(diag, bp->jpath, "a tunnel port of Open "
                                "vSwitch's dpdk datapath sends from the "
                                "address of a DPDK NIC (OVS's br-phy): make "
                                "a host NIC with an \"ip\" a port of '%s'",
                                cb->name);
        }
    }
    br->main_core = main_core(br->host);
    return true;
}

struct vtep *
ovs_dpdk_tnl_port(struct world *w, struct ovs_dpdk *br,
                  const struct cfg_bport *bp)
{
    struct vtep *v = vtep_create_port(w, br->host, bp, true);
    /* Its route goes out by br-phy: the NIC's address. */
    v->cfg.local_ip = br->phy->nic->cfg->ip;
    return v;
}

/* --- tnl_push. --- */

/* The outer destination MAC for 'remote' from the neighbour cache: the
 * host's ARP entry for it or, off the subnet, for the gateway. */
static bool
neighbour(const struct endpoint *ep, uint32_t remote, struct vh_mac *mac)
{
    uint32_t hop = ((remote ^ ep->ip) & ep->netmask) ? ep->gateway : remote;
    for (size_t i = 0; hop && i < ep->n_arp; i++) {
        const struct arp_entry *e = ep->arp[i];
        if (e->ip == hop && e->resolved) {
            *mac = e->mac;
            return true;
        }
    }
    return false;
}

static void
decide(struct world *w, struct ovs_dpdk *br, const struct vh_packet *p,
       vh_time_t at, const char *what)
{
    VH_TRACE(&w->trace, VH_HOP_DECIDE, .time = at, .pkt = p, .dev = &br->dev,
             .what = what);
}

vh_time_t
ovs_dpdk_tnl_output(struct world *w, struct pmd *pmd, struct ovs_port *op,
                    struct vh_packet *p)
{
    struct ovs_dpdk *br = pmd->br;
    struct vtep *v = op->vtep;
    struct cpu_core *c = pmd->core;
    vh_time_t end = w->sim.now;
    uint32_t one;
    const uint32_t *to;
    size_t n = vtep_xmit_begin(w, v, p, &one, &to);
    for (size_t i = 0; i < n; i++) {
        struct vh_packet *q = i + 1 < n ? acct_clone(w, p) : p;
        vh_time_t t = cpu_charge(w, c, COST_PMD_TNL, 0, CPU_POLL, q,
                                 &br->dev);
        vtep_trace_encap(w, v, q, t, to[i]);
        vtep_encap(v, q, to[i]);
        struct vh_mac mac;
        if (neighbour(br->ep, to[i], &mac)) {
            vh_eth_set_src(q->data, &br->ep->mac);
            vh_eth_set_dst(q->data, &mac);
            t = cpu_charge(w, c, COST_PMD_TX, 0, CPU_POLL, q, &br->dev);
            ovs_dpdk_nic_send(w, pmd, br->phy, q, t);
        } else {
            decide(w, br, q, t, "tnl_push: the next hop is not in the "
                   "neighbour cache yet; the host's stack resolves it");
            q->exec = &br->main_core->srv;
            vh_schedule_at(&w->sim, t, stack_forward, br, q);
        }
        end = t > end ? t : end;
    }
    return end;
}

/* --- tnl_pop and recirculation. --- */

static struct ovs_port *
port_of(const struct ovs_dpdk *br, const struct vtep *v)
{
    for (size_t i = 0; i < br->n_ports; i++) {
        if (br->ports[i]->vtep == v) {
            return br->ports[i];
        }
    }
    return NULL;
}

/* A Linux tunnel device on the same address: the inner frame is the
 * kernel's, which takes it from the tap. */
static void
kernel_tunnel(struct vh_sim *sim, void *obj, void *arg)
{
    struct vtep *v = obj;
    port_deliver(world_of(sim), &v->port, arg);
}

bool
ovs_dpdk_tnl_input(struct world *w, struct pmd *pmd, struct vh_packet *p,
                   vh_time_t t, vh_time_t *end)
{
    struct ovs_dpdk *br = pmd->br;
    struct endpoint *ep = br->ep;
    struct cpu_core *c = pmd->core;
    struct vh_frame_info fi;
    struct vtep *v = NULL;
    bool mine = false;

    if (!ep) {
        return false;
    }
    /* br-phy's flows: to the address and a tunnel's port, tnl_pop;
     * anything else, to LOCAL.  Both found in the EMC. */
    pmd->emc_hits++;
    *end = t;
    if (vh_frame_parse(p->data, p->len, &fi, false) == 0 && fi.is_ipv4
        && fi.ip_dst == ep->ip && vh_mac_eq(&fi.dst, &ep->mac)) {
        v = vtep_decap(w, ep, p, &fi, &mine);
    }
    if (!mine) {
        p->exec = &br->main_core->srv;
        vh_schedule_at(&w->sim, t, stack_up, br, p);
        return true;
    }
    /* tnl_pop: the header checked and pulled ('p' is gone if it was
     * refused). */
    t = cpu_charge(w, c, COST_PMD_TNL, 0, CPU_POLL, v ? p : NULL, &br->dev);
    *end = t;
    if (!v) {
        return true;
    }
    vtep_decap_count(w, v, p);
    struct ovs_port *in = port_of(br, v);
    if (!in) {
        p->exec = &br->main_core->srv;
        vh_schedule_at(&w->sim, t, kernel_tunnel, v, p);
        return true;
    }
    /* Recirculation: a second pass through the caches, as received by
     * the tunnel port. */
    pmd->recirculations++;
    if (w->trace.mask & VH_HOP_BIT(VH_HOP_DECIDE)) {
        char buf[128];
        snprintf(buf, sizeof buf, "tnl_pop: the outer headers come off; "
                 "recirculated as received by '%s'", in->ofp->name);
        decide(w, br, p, t, buf);
    }
    t = cpu_charge(w, c, COST_PMD_CLASSIFY, 0, CPU_POLL, p, &br->dev);
    vh_time_t e = ovs_dpdk_switch(w, pmd, in, p, t);
    *end = e > t ? e : t;
    return true;
}

void
ovs_dpdk_tnl_report(const struct ovs_dpdk *br, struct report_out *out)
{
    if (!br->phy) {
        return;
    }
    uint64_t n = 0;
    for (int i = 0; i < br->n_pmds; i++) {
        n += br->pmds[i].recirculations;
    }
    report_out_num(out, "recirculations", (double) n);
}
