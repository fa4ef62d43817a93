/* models/dvs/dvs_local.c: a distributed switch's data plane on one host:
 * its VM ports, its uplinks' team, their link status. */
#include "models/dvs/dvswitch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/defaults.h"
#include "models/core/devclass.h"
#include "models/core/flowexp.h"
#include "models/core/flowrec.h"
#include "models/core/host.h"
#include "models/core/lldp.h"
#include "models/core/world.h"
#include "models/guest/vm.h"
#include "models/hw/cpu.h"
#include "models/hw/pnic.h"
#include "sim/frame.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

#define TEAM_PORT 0             /* The l2 port of the uplinks' team. */

/* NetFlow's UDP source port: an ephemeral one, after those OVS bridges
 * take (models/ovs/ovs_flowexp.c), one per distributed switch. */
#define DVS_NETFLOW_SPORT 33200

static bool
has_carrier(const struct dvs_uplink *u)
{
    const struct link *l = u->nic->wire.link;
    return l && l->up;
}

/* --- Frames out. --- */

/* The team sends a frame out by the uplink the policy picks for the port
 * it came from.  A link that went down since the last reading still
 * takes it, and loses it. */
static void
team_send(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct dvs_local *lp = obj;
    struct vh_packet *p = arg;
    const struct dvs_port *from = p->in_port < lp->l2.n_ports
                                  ? lp->l2_ports[p->in_port] : NULL;
    uint32_t id = from ? from->id : 0;
    int k = teaming_choose(&lp->team, id, p, sim->now);
    if (k < 0) {
        acct_drop(w, p, &lp->dev, "dvs-no-uplink");
        return;
    }
    struct dvs_uplink *u = &lp->uplinks[k];
    teaming_account(&lp->team, id, (size_t) k, p->len, TEAMING_TX,
                    sim->now);
    u->tx++;
    u->lost += !has_carrier(u);
    lp->dev.tx++;
    port_deliver(w, &u->port, p);
}

static void
team_xmit(struct world *w, struct port *port, struct vh_packet *p)
{
    struct dvs_local *lp = port->owner;
    struct cpu_core *core = cpu_exec_core(p, &lp->host->cores[0]);
    vh_time_t t = cpu_charge(w, core, COST_BOND_XMIT, 0, CPU_VSWITCH, p,
                             &lp->dev);
    vh_schedule_at(&w->sim, t, team_send, lp, p);
}

/* The port hands a frame to its VM. */
static void
to_vm(struct world *w, struct dvs_port *dp, struct vh_packet *p)
{
    dp->tx++;
    dp->tx_bytes += p->len;
    dp->local->dev.tx++;
    port_deliver(w, dp->local->l2.ports[dp->l2_index], p);
}

/* A frame for the VM that its port's egress shaper held goes now, to
 * wherever the VM is. */
static void
policy_to_vm(struct world *w, void *ctx, struct vh_packet *p)
{
    struct dvs_port *dp = ctx;
    if (!dp->local) {
        acct_drop(w, p, &dp->local_left->dev, "migration");
        return;
    }
    to_vm(w, dp, p);
}

/* l2fwd sends on port 'i': to the team, or to a VM port once its
 * port group's policy lets the frame go. */
static vh_time_t
local_output(struct world *w, void *owner, size_t i, struct vh_packet *p)
{
    struct dvs_local *lp = owner;
    struct dvs_port *dp = lp->l2_ports[i];
    if (!dp) {
        port_deliver(w, lp->l2.ports[i], p);
        return 0;
    }
    if (portpolicy_to_vm(w, &dp->pp, p) == PP_PASS) {
        to_vm(w, dp, p);
    }
    return 0;
}

/* --- Frames in. --- */

/* vSphere's promiscuous mode: a port whose policy accepts it is handed
 * a copy of the unicast frames of its VLAN that go to another port (the
 * frames the switch floods reach it anyway), tagged as it takes them. */
static void
copy_to_promiscuous(struct world *w, struct dvs_local *lp, size_t in,
                    struct vh_packet *p)
{
    const struct vh_mac *dst = vh_eth_dst(p->data);
    if (vh_mac_is_multicast(dst)) {
        return;
    }
    int out = l2fwd_lookup(&lp->l2, dst, p->md.vlan, w->sim.now);
    if (out < 0) {
        return;
    }
    for (size_t i = 1; i < lp->l2.n_ports; i++) {
        struct dvs_port *dp = lp->l2_ports[i];
        const struct port *bp = lp->l2.ports[i];
        if (i == in || (int) i == out || !dp || !bp->carrier
            || !portpolicy_sees_all(&dp->pp)
            || !port_vlan_member(&bp->vlan, p->md.vlan)) {
            continue;
        }
        struct vh_packet *c = acct_clone(w, p);
        bool tagged = vh_frame_vlan(c->data, c->len) >= 0;
        if (port_vlan_tagged(&bp->vlan, p->md.vlan) && !tagged) {
            vh_vlan_push(c, p->md.vlan);
        } else if (!port_vlan_tagged(&bp->vlan, p->md.vlan) && tagged) {
            vh_vlan_pop(c);
        }
        local_output(w, lp, i, c);
    }
}

/* NetFlow's interface number of l2 port 'i'. */
static uint32_t
netflow_if(const struct dvs_local *lp, size_t i)
{
    return i == TEAM_PORT || !lp->l2_ports[i] ? DVS_NETFLOW_UPLINKS
                                              : lp->l2_ports[i]->id;
}

/* Counts 'p', learned on port 'in', in the flow cache: it leaves by the
 * port its destination is known on, or is flooded. */
static void
netflow_account(struct world *w, struct dvs_local *lp, size_t in,
                const struct vh_packet *p)
{
    const struct vh_mac *dst = vh_eth_dst(p->data);
    int out = vh_mac_is_multicast(dst)
              ? -1 : l2fwd_lookup(&lp->l2, dst, p->md.vlan, w->sim.now);
    struct cpu_core *core = cpu_exec_core(p, &lp->host->cores[0]);
    flowexp_account(w, lp->netflow, core, CPU_VSWITCH, p,
                    netflow_if(lp, in),
                    out < 0 ? FLOWREC_OUT_FLOOD
                            : netflow_if(lp, (size_t) out));
}

static void
local_switch(struct world *w, struct dvs_local *lp, size_t in,
             struct vh_packet *p)
{
    if (l2fwd_learn(w, &lp->l2, in, p)) {
        if (lp->netflow) {
            netflow_account(w, lp, in, p);
        }
        copy_to_promiscuous(w, lp, in, p);
        l2fwd_forward(w, &lp->l2, in, p);
    }
}

/* A frame from the VM that its port's ingress shaper held goes on, from
 * wherever the VM is now. */
static void
policy_from_vm(struct world *w, void *ctx, struct vh_packet *p)
{
    struct dvs_port *dp = ctx;
    if (!dp->local) {
        acct_drop(w, p, &dp->local_left->dev, "migration");
        return;
    }
    p->in_port = (uint16_t) dp->l2_index;
    local_switch(w, dp->local, dp->l2_index, p);
}

/* After the lookup's cost: a frame from a VM passes its port's policy
 * first. */
static void
local_forward(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct dvs_local *lp = obj;
    struct vh_packet *p = arg;
    size_t in = p->in_port;
    struct dvs_port *dp = in < lp->l2.n_ports ? lp->l2_ports[in] : NULL;
    if (dp && portpolicy_from_vm(w, &dp->pp, p) != PP_PASS) {
        return;
    }
    local_switch(w, lp, in, p);
}

/* 802.1D's reserved group addresses (LLDP, pause, slow protocols) are
 * never switched. */
static bool
link_local(const struct vh_packet *p)
{
    static const uint8_t prefix[5] = { 0x01, 0x80, 0xc2, 0x00, 0x00 };
    return p->len >= VH_ETH_HLEN && !memcmp(p->data, prefix, 5)
           && p->data[5] <= 0x0f;
}

/* A frame enters the local part on l2 port 'in', on the core carrying
 * it: the Linux bridge's lookup and forward, as software switching in
 * the host kernel. */
static void
local_enter(struct world *w, struct dvs_local *lp, size_t in,
            struct vh_packet *p)
{
    struct cpu_core *core = cpu_exec_core(p, &lp->host->cores[0]);
    lp->dev.rx++;
    VH_TRACE(&w->trace, VH_HOP_RX, .time = w->sim.now, .pkt = p,
             .dev = &lp->dev);
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = &lp->dev);
    if (link_local(p)) {
        acct_consume(w, p, &lp->dev);
        return;
    }
    p->in_port = (uint16_t) in;
    p->hops++;
    cpu_charge(w, core, COST_BRIDGE_FDB, 0, CPU_VSWITCH, p, &lp->dev);
    vh_time_t t = cpu_charge(w, core, COST_BRIDGE_FORWARD, 0, CPU_VSWITCH,
                             p, &lp->dev);
    vh_schedule_at(&w->sim, t, local_forward, lp, p);
}

/* From a VM. */
static void
vm_port_rx(struct world *w, struct port *port, struct vh_packet *p)
{
    struct dvs_local *lp = port->owner;
    struct dvs_port *dp = lp->l2_ports[port->index];
    if (dp) {
        dp->rx++;
        dp->rx_bytes += p->len;
    }
    local_enter(w, lp, (size_t) port->index, p);
}

/* Whether 'p' comes from a VM of this local part: a copy of its own
 * frame the upstream switch sent back in by another uplink. */
static bool
from_own_vm(const struct dvs_local *lp, const struct vh_packet *p)
{
    for (size_t i = 1; p->len >= VH_ETH_HLEN && i < lp->l2.n_ports; i++) {
        const struct dvs_port *dp = lp->l2_ports[i];
        if (dp && !memcmp(dp->vnic->mac.b, p->data + 6, 6)) {
            return true;
        }
    }
    return false;
}

/* From an uplink.  The switch knows its VMs' addresses, so it never
 * learns one of them on the uplinks: a frame with such a source is its
 * own flood coming back, and is dropped ("dvs-own-mac"). */
static void
uplink_rx(struct world *w, struct port *port, struct vh_packet *p)
{
    struct dvs_local *lp = port->owner;
    struct dvs_uplink *u = &lp->uplinks[port->index];
    u->rx++;
    if (u->lldp && (lldp_is_lldp(p->data, p->len)
                    || lldp_is_cdp(p->data, p->len))) {
        lp->dev.rx++;
        if (!lldp_agent_input(u->lldp, p)) {
            acct_drop(w, p, &lp->dev, "bad-lldpdu");
            return;
        }
        acct_consume(w, p, &lp->dev);
        return;
    }
    if (from_own_vm(lp, p)) {
        acct_drop(w, p, &lp->dev, "dvs-own-mac");
        return;
    }
    local_enter(w, lp, TEAM_PORT, p);
}

/* --- Link status. --- */

static void
link_poll(struct vh_sim *sim, void *obj, void *arg)
{
    struct dvs_local *lp = obj;
    for (size_t k = 0; k < lp->n_uplinks; k++) {
        struct dvs_uplink *u = &lp->uplinks[k];
        bool up = has_carrier(u);
        if (up != u->usable) {
            u->usable = up;
            u->failovers += !up;
            teaming_set_usable(&lp->team, k, up);
        }
    }
    vh_timer_arm_at(sim, &lp->poll, sim->now + DVS_LINK_POLL);
    (void) arg;
}

/* --- Link discovery. --- */

/* The vmkernel's LLDP frame leaves by its uplink's driver, on the
 * host's first core. */
static void
lldp_send(struct world *w, void *ctx, struct vh_packet *p)
{
    struct dvs_uplink *u = ctx;
    struct dvs_local *lp = u->port.owner;
    p->exec = &lp->host->cores[0].srv;
    lp->dev.tx++;
    port_deliver(w, &u->port, p);
}

/* LLDP and/or CDP on uplink 'u', as vSphere (and the Nexus 1000V's
 * host module) advertise a host: the host's name, the uplink's name as
 * the port, its management address; in CDP a switch. */
static void
lldp_start(struct world *w, struct dvs_local *lp, struct dvs_uplink *u)
{
    struct host *h = lp->host;
    struct lldp_local l = {
        .chassis = lp->uplinks[0].nic->cfg->mac,
        .system_name = h->cfg->name,
        .port_mac = u->nic->cfg->mac,
        .port_name = u->nic->cfg->name,
        .port_id_name = true,
        .caps = LLDP_CAP_BRIDGE,
        .caps_enabled = LLDP_CAP_BRIDGE,
        .mgmt_ip = dvs_mgmt_ip(w, h, lp->sw->cfg),
        .platform = lp->sw->cfg->n1kv ? "vhsim distributed switch (n1kv)"
                                      : "vhsim distributed switch (vds)",
    };
    u->lldp = vh_xcalloc(1, sizeof *u->lldp);
    lldp_agent_init(u->lldp, w, &l, lp->sw->cfg->lldp, lp->sw->cfg->cdp,
                    CDP_CAP_SWITCH, lldp_send, u);
}

/* --- Building. --- */

static struct dvs_local *
local_create(struct world *w, struct host *h, struct dvswitch *sw,
             struct vh_diag *diag)
{
    const struct cfg_dvswitch *cd = sw->cfg;
    struct dvs_local *lp = vh_xcalloc(1, sizeof *lp);
    dev_register(w, &lp->dev, &dvs_local_class, &h->dev, cd->name);
    lp->dev.report = 1;
    lp->sw = sw;
    lp->host = h;
    l2fwd_init(&lp->l2, &lp->dev, lp, local_output, VH_DEF_FDB_AGEING,
               "dvs-same-port");
    lp->l2.vlan_aware = true;
    for (size_t g = 0; g < cd->n_portgroups; g++) {
        const struct cfg_pvlan *pv = &cd->portgroups[g].pvlan;
        if (pv->type != CFG_PVLAN_ISOLATED
            && pv->type != CFG_PVLAN_COMMUNITY) {
            continue;
        }
        bool seen = false;
        for (size_t k = 0; k < g; k++) {
            seen |= cd->portgroups[k].pvlan.type == pv->type
                    && cd->portgroups[k].pvlan.secondary == pv->secondary;
        }
        if (!seen) {
            l2fwd_add_pvlan(&lp->l2, pv->primary, pv->secondary,
                            pv->type == CFG_PVLAN_ISOLATED
                                ? PVLAN_ISOLATED : PVLAN_COMMUNITY);
        }
    }

    /* Port 0: the team, a trunk of every port group's VLAN, the native
     * one untagged. */
    struct port *tp = vh_xcalloc(1, sizeof *tp);
    port_init(tp, NULL, lp, &lp->dev, TEAM_PORT);
    tp->takes_gso = true;
    tp->vlan = (struct port_vlan) {
        .mode = PORT_VLAN_TRUNK,
        .tag = VH_DEF_BRIDGE_PVID,
        .trunks = sw->uplink_vlans };
    l2fwd_add_port(&lp->l2, tp, NULL);
    lp->l2_ports = vh_xcalloc(1, sizeof *lp->l2_ports);
    port_init(&lp->team_upper, team_xmit, lp, &lp->dev, 0);
    lp->team_upper.takes_gso = true;
    port_connect(tp, &lp->team_upper);

    lp->n_uplinks = cd->n_uplinks;
    lp->uplinks = vh_xcalloc(cd->n_uplinks, sizeof *lp->uplinks);
    uint64_t *bps = vh_xcalloc(cd->n_uplinks, sizeof *bps);
    for (size_t k = 0; k < cd->n_uplinks; k++) {
        struct pnic *nic = host_nic(w, h, cd->uplinks[k]);
        if (!nic) {
            char path[512];
            snprintf(path, sizeof path, "%s.uplinks[%zu]", cd->jpath, k);
            vh_diag_fail(diag, path, "no NIC '%s' in host '%s'",
                         cd->uplinks[k], h->dev.path);
            free(bps);
            return NULL;        /* Registered: the world frees it. */
        }
        struct dvs_uplink *u = &lp->uplinks[k];
        u->nic = nic;
        port_init(&u->port, uplink_rx, lp, &lp->dev, (int) k);
        u->port.takes_gso = true;
        /* Usable if cabled (cables are laid after the hosts are built);
         * the link status readings watch from then on. */
        u->usable = nic->cfg->link != NULL;
        nic->master = &lp->dev;
        bps[k] = nic->cfg->speed_bps;
    }
    for (size_t k = 0; (cd->lldp || cd->cdp) && k < cd->n_uplinks; k++) {
        lldp_start(w, lp, &lp->uplinks[k]);
    }
    if (cd->vsm) {
        n1kv_vem_start(w, lp);
    }
    /* NetFlow from the host's management address, with the settings the
     * loader resolved for this host. */
    for (size_t k = 0; cd->netflow && k < cd->n_hosts; k++) {
        if (!strcmp(cd->hosts[k], h->dev.path)) {
            size_t d = (size_t) (cd - w->cfg->dvswitches);
            lp->netflow = flowexp_create(w, h, &lp->dev, "netflow",
                                         &cd->netflow_hosts[k],
                                         (uint16_t) (DVS_NETFLOW_SPORT + d),
                                         host_pick_thread_core(h));
        }
    }
    teaming_init(&lp->team, (enum teaming_policy) cd->teaming,
                 cd->n_uplinks, bps);
    free(bps);
    for (size_t k = 0; k < cd->n_uplinks; k++) {
        if (!lp->uplinks[k].usable) {
            teaming_set_usable(&lp->team, k, false);
        }
    }
    vh_timer_init(&lp->poll, link_poll, lp);
    vh_timer_arm_at(&w->sim, &lp->poll, DVS_LINK_POLL);
    return lp;
}

bool
dvs_build_host(struct world *w, struct host *h, struct vh_diag *diag)
{
    const struct cfg_scenario *sc = w->cfg;
    for (size_t i = 0; i < sc->n_dvswitches; i++) {
        const struct cfg_dvswitch *cd = &sc->dvswitches[i];
        bool spans = false;
        for (size_t k = 0; k < cd->n_hosts; k++) {
            spans |= !strcmp(cd->hosts[k], h->dev.path);
        }
        if (spans && !local_create(w, h, dvswitch_get(w, cd, true), diag)) {
            return false;
        }
    }
    return true;
}

struct dvs_local *
dvs_local_find(const struct world *w, const struct host *h, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", h->dev.path, name);
    struct vh_device *d = vh_devtab_find(&w->devs, path);
    return d && d->cls == &dvs_local_class
           ? VH_CONTAINER_OF(d, struct dvs_local, dev) : NULL;
}

/* --- VM ports. --- */

/* The switch port of VM NIC 'n' joins the local part on 'h' (its first
 * host, or where it migrated to), with its port group's VLAN. */
static void
local_reattach_vnic(struct world *w, struct host *h, struct vm_nic *n)
{
    struct dvs_local *lp = dvs_local_find(w, h, n->cfg->attach_to);
    struct dvs_port *dp = dvswitch_port(lp->sw, n->cfg, n->dev->path);
    struct port *bp = vh_xcalloc(1, sizeof *bp);
    port_init(bp, vm_port_rx, lp, &lp->dev, (int) lp->l2.n_ports);
    bp->takes_gso = true;
    bp->vlan = dvswitch_port_vlan(lp->sw, dp->pg);
    size_t i = l2fwd_add_port(&lp->l2, bp, NULL);
    lp->l2_ports = vh_xrealloc(lp->l2_ports,
                               lp->l2.n_ports * sizeof *lp->l2_ports);
    lp->l2_ports[i] = dp;
    dp->local = lp;
    dp->l2_index = i;
    /* The policy is set up where the port is first placed, and moves
     * with it after: its shapers' state and its drops are the port's. */
    if (!dp->placed) {
        portpolicy_port_init(&dp->pp, dp->pg->policy, &lp->dev,
                             dp->nic_path, &n->cfg->mac, policy_from_vm,
                             policy_to_vm, dp);
        if (n->cfg->has_guest_mac) {
            portpolicy_guest_mac(&dp->pp, &n->cfg->guest_mac);
        }
        dp->placed = true;
    } else {
        portpolicy_port_move(&dp->pp, &lp->dev, dp);
    }
    if (lp->sw->cfg->vsm) {
        n1kv_port_attach(w, lp, dp);
    }
    /* The port's hosts, in the order its VM ran on them. */
    size_t old = dp->hosts ? strlen(dp->hosts) : 0;
    size_t add = strlen(h->dev.path) + 5;
    dp->hosts = vh_xrealloc(dp->hosts, old + add);
    snprintf(dp->hosts + old, add, "%s%s", old ? " -> " : "", h->dev.path);
    port_connect(bp, n->host);
}

static bool
local_attach_vnic(struct world *w, struct host *h, struct vm_nic *n,
                  struct vh_diag *diag)
{
    if (!dvs_local_find(w, h, n->cfg->attach_to)) {
        char path[512];
        snprintf(path, sizeof path, "%s.attach.to", n->cfg->jpath);
        return vh_diag_fail(diag, path, "distributed switch '%s' has no "
                            "part on host '%s'", n->cfg->attach_to,
                            h->dev.path);
    }
    local_reattach_vnic(w, h, n);
    return true;
}

/* The VM leaves the host: its switch port stays with the switch, its
 * l2 port here takes nothing more. */
static void
local_detach_vnic(struct world *w, struct host *h, struct vm_nic *n)
{
    struct dvs_local *lp = dvs_local_find(w, h, n->cfg->attach_to);
    for (size_t i = 1; i < lp->l2.n_ports; i++) {
        struct dvs_port *dp = lp->l2_ports[i];
        if (dp && dp->vnic == n->cfg) {
            port_disconnect(lp->l2.ports[i]);
            l2fwd_forget_port(&lp->l2, i);
            lp->l2_ports[i] = NULL;
            dp->local = NULL;
            dp->local_left = lp;
            return;
        }
    }
}

/* An uplink NIC joins (its master is this local part). */
static struct port *
local_add_port(struct vh_device *d, struct port *member, bool uplink)
{
    struct dvs_local *lp = VH_CONTAINER_OF(d, struct dvs_local, dev);
    for (size_t k = 0; k < lp->n_uplinks; k++) {
        if (&lp->uplinks[k].nic->dev == member->dev) {
            port_connect(&lp->uplinks[k].port, member);
            return &lp->uplinks[k].port;
        }
    }
    (void) uplink;              /* The loader keeps addresses off uplinks. */
    return NULL;
}

/* --- The class. --- */

/* In the host's "bridges": the local part, its uplinks and their team. */
static void
local_report(const struct vh_device *d, struct report_out *out)
{
    const struct dvs_local *lp = VH_CONTAINER_OF(d, const struct dvs_local,
                                                 dev);
    report_out_str(out, "type", "dvswitch");
    report_out_str(out, "datapath", "kernel");
    l2fwd_report(&lp->l2, out);
    report_out_str(out, "teaming", teaming_policy_name(lp->team.policy));
    if (lp->team.policy == TEAMING_LOADBASED) {
        report_out_num(out, "teaming_moves",
                       (double) teaming_moves(&lp->team));
    }
    report_out_begin_list(out, "uplinks");
    for (size_t k = 0; k < lp->n_uplinks; k++) {
        const struct dvs_uplink *u = &lp->uplinks[k];
        report_out_begin_item(out);
        report_out_str(out, "nic", u->nic->cfg->name);
        report_out_str(out, "state", u->usable ? "up" : "down");
        report_out_num(out, "tx_frames", (double) u->tx);
        report_out_num(out, "rx_frames", (double) u->rx);
        report_out_num(out, "lost", (double) u->lost);
        report_out_num(out, "failovers", (double) u->failovers);
        if (u->lldp) {
            lldp_agent_report(u->lldp, out);
        }
        report_out_end(out);
    }
    report_out_end(out);
    if (lp->netflow) {
        flowexp_report(lp->netflow, out);
    }
    if (lp->sw->cfg->vsm) {
        n1kv_vem_report(lp, out);
    }
}

static void
local_destroy(struct vh_device *d)
{
    struct dvs_local *lp = VH_CONTAINER_OF(d, struct dvs_local, dev);
    for (size_t i = 0; i < lp->l2.n_ports; i++) {
        free(lp->l2.ports[i]);
    }
    l2fwd_destroy(&lp->l2);
    free(lp->l2_ports);
    for (size_t k = 0; k < lp->n_uplinks; k++) {
        if (lp->uplinks[k].lldp) {
            lldp_agent_destroy(lp->uplinks[k].lldp);
            free(lp->uplinks[k].lldp);
        }
    }
    free(lp->uplinks);
    teaming_destroy(&lp->team);
    free(lp);
}

const struct dev_class dvs_local_class = {
    .kind = "dvswitch-local",
    .role = VH_ROLE_SWITCHING,
    .family = DEV_FAM_PART,
    .described = "distributed switches' parts on hosts",
    .attach_type = "dvswitch",
    .attach = local_attach_vnic,
    .add_port = local_add_port,
    .detach_vnic = local_detach_vnic,
    .reattach_vnic = local_reattach_vnic,
    .host_section = "bridges",
    .report = local_report,
    .destroy = local_destroy,
};
