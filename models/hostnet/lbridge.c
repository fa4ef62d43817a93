/* models/hostnet/lbridge.c: Linux bridge forwarding. */
#include "models/hostnet/lbridge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/devclass.h"
#include "models/core/defaults.h"
#include "models/hw/cpu.h"
#include "models/core/host.h"
#include "models/core/portpolicy.h"
#include "models/core/world.h"
#include "models/guest/vm.h"
#include "models/hostnet/bond.h"
#include "models/hw/pnic.h"
#include "models/tunnel/vtep.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

/* A VM's port with a policy. */
struct lbridge_polport {
    struct portpolicy_port pp;
    struct lbridge *br;
    size_t index;               /* Its port number. */
};

static struct lbridge_polport *
polport_of(const struct lbridge *br, size_t i)
{
    return i < br->n_policies ? br->policies[i] : NULL;
}

/* The bridge transmits on a port: a direct hand-off to the member, once
 * the port's policy, if any, lets the frame go. */
static vh_time_t
lbridge_output(struct world *w, void *owner, size_t i, struct vh_packet *p)
{
    struct lbridge *br = owner;
    br->dev.tx++;
    struct lbridge_polport *pol = polport_of(br, i);
    if (pol && portpolicy_to_vm(w, &pol->pp, p) != PP_PASS) {
        return 0;
    }
    port_deliver(w, br->l2.ports[i], p);
    return 0;
}

/* A frame to the VM that the port's egress shaper held goes now. */
static void
polport_to_vm(struct world *w, void *ctx, struct vh_packet *p)
{
    struct lbridge_polport *pol = ctx;
    port_deliver(w, pol->br->l2.ports[pol->index], p);
}

static void
lbridge_switch(struct world *w, struct lbridge *br, struct vh_packet *p)
{
    size_t in = p->in_port;
    if (l2fwd_learn(w, &br->l2, in, p)) {
        l2fwd_forward(w, &br->l2, in, p);
    }
}

/* A frame from the VM that the port's ingress shaper held goes on. */
static void
polport_from_vm(struct world *w, void *ctx, struct vh_packet *p)
{
    struct lbridge_polport *pol = ctx;
    lbridge_switch(w, pol->br, p);
}

static void
lbridge_forward(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct lbridge *br = obj;
    struct vh_packet *p = arg;
    struct lbridge_polport *pol = polport_of(br, p->in_port);

    if (pol && portpolicy_from_vm(w, &pol->pp, p) != PP_PASS) {
        return;
    }
    lbridge_switch(w, br, p);
}

/* Whether br_handle_frame() keeps 'p' from the bridge: a frame to
 * 802.1D's reserved addresses 01:80:c2:00:00:01 to 0f (pause, slow
 * protocols, 802.1X, LLDP...) is never forwarded while the bridge's
 * group_fwd_mask is 0, its default; it goes up the port's own device
 * instead, where a daemon bound there (lldpd) would read it.  STP's
 * 01:80:c2:00:00:00 is forwarded by a bridge without STP, as here. */
static bool
link_local(const struct vh_packet *p)
{
    static const uint8_t prefix[5] = { 0x01, 0x80, 0xc2, 0x00, 0x00 };
    return p->len >= VH_ETH_HLEN && !memcmp(p->data, prefix, 5)
           && p->data[5] >= 0x01 && p->data[5] <= 0x0f;
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
    if (link_local(p)) {
        acct_consume(w, p, &br->dev);
        return;
    }
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
    dev_register(w, &br->dev, &lbridge_class, &h->dev, cfg->name);
    br->dev.report = 1;
    br->host = h;
    br->cfg = cfg;
    l2fwd_init(&br->l2, &br->dev, br, lbridge_output,
               cfg->ageing ? cfg->ageing : VH_DEF_FDB_AGEING,
               "bridge-same-port");
    br->l2.vlan_aware = cfg->vlan_filtering;
    return br;
}

struct port *
lbridge_attach(struct lbridge *br, struct port *member)
{
    struct port *bp = vh_xcalloc_lines(1, sizeof *bp);
    port_init(bp, lbridge_rx, br, &br->dev, (int) br->l2.n_ports);
    bp->takes_gso = true;       /* The bridge forwards a super-frame whole. */
    if (br->l2.vlan_aware) {
        bp->vlan = (struct port_vlan) {
            .mode = PORT_VLAN_ACCESS,
            .tag = VH_DEF_BRIDGE_PVID,
            .trunks = NULL };
    }
    l2fwd_add_port(&br->l2, bp, NULL);
    port_connect(bp, member);
    return bp;
}

size_t
lbridge_n_ports(const struct lbridge *br)
{
    return br->l2.n_ports;
}

struct port *
lbridge_port(const struct lbridge *br, size_t i)
{
    return i < br->l2.n_ports ? br->l2.ports[i] : NULL;
}

int
lbridge_lookup(const struct lbridge *br, const struct vh_mac *mac,
               vh_time_t now)
{
    return l2fwd_lookup(&br->l2, mac, 0, now);
}

const struct portpolicy_port *
lbridge_port_policy(const struct lbridge *br, size_t i)
{
    const struct lbridge_polport *pol = polport_of(br, i);
    return pol ? &pol->pp : NULL;
}

uint64_t
lbridge_flooded(const struct lbridge *br)
{
    return br->l2.flooded;
}

void
lbridge_free(struct lbridge *br)
{
    if (!br) {
        return;
    }
    for (size_t i = 0; i < br->l2.n_ports; i++) {
        free(br->l2.ports[i]);
    }
    l2fwd_destroy(&br->l2);
    for (size_t i = 0; i < br->n_policies; i++) {
        if (br->policies[i]) {
            portpolicy_port_destroy(&br->policies[i]->pp);
            free(br->policies[i]);
        }
    }
    free(br->policies);
    free(br->nicports);
    free(br->bonds);            /* The bonds are devices of their own. */
    free(br);
}

void
lbridge_detach(struct lbridge *br, struct port *member)
{
    for (size_t i = 0; i < br->l2.n_ports; i++) {
        struct port *bp = br->l2.ports[i];
        if (bp->peer == member) {
            port_disconnect(bp);
            l2fwd_forget_port(&br->l2, i);
            return;
        }
    }
}

/* --- The class. --- */

/* Registers a port's private VLAN with the bridge: its uplinks carry
 * the primary and the secondary tagged, and the secondary's part
 * (isolated or community) joins the domain. */
static void
lbridge_add_pvlan(struct lbridge *br, const struct cfg_pvlan *pv)
{
    if (pv->type == CFG_PVLAN_NONE) {
        return;
    }
    br->trunks[pv->primary / 64] |= 1ULL << (pv->primary % 64);
    if (pv->type == CFG_PVLAN_PROMISCUOUS) {
        return;
    }
    br->trunks[pv->secondary / 64] |= 1ULL << (pv->secondary % 64);
    l2fwd_add_pvlan(&br->l2, pv->primary, pv->secondary,
                    pv->type == CFG_PVLAN_ISOLATED ? PVLAN_ISOLATED
                                                   : PVLAN_COMMUNITY);
}

/* The access membership a private VLAN gives a port. */
static struct port_vlan
pvlan_port_vlan(const struct cfg_pvlan *pv)
{
    bool promisc = pv->type == CFG_PVLAN_PROMISCUOUS;
    return (struct port_vlan) {
        .mode = PORT_VLAN_ACCESS,
        .tag = promisc ? pv->primary : pv->secondary,
        .pvlan_promiscuous = promisc };
}

/* With vlan_filtering, the VLANs of the VM NICs attached to 'br': its
 * uplinks carry them tagged, as an administrator would configure with
 * 'bridge vlan add dev eth0 vid N'. */
static void
lbridge_collect_vlans(struct lbridge *br, const struct cfg_host *ch)
{
    for (size_t v = 0; v < ch->n_vms; v++) {
        for (size_t i = 0; i < ch->vms[v].n_nics; i++) {
            const struct cfg_vnic *cn = &ch->vms[v].nics[i];
            if (cn->attach != CFG_AT_BRIDGE
                || strcmp(cn->attach_to, br->cfg->name)) {
                continue;
            }
            if (cn->vlan >= 0) {
                br->trunks[cn->vlan / 64] |= 1ULL << (cn->vlan % 64);
            }
            for (size_t k = 0; k < cn->n_trunks; k++) {
                br->trunks[cn->trunks[k] / 64] |= 1ULL << (cn->trunks[k] % 64);
            }
            lbridge_add_pvlan(br, &cn->pvlan);
        }
    }
}

/* The NIC ports whose "vlan" or "trunks" set their VLAN modes (the
 * loader made sure the bridge filters VLANs). */
static void
lbridge_collect_nicports(struct world *w, struct lbridge *br, struct host *h)
{
    const struct cfg_bridge *cb = br->cfg;
    size_t n = 0;
    for (size_t k = 0; k < cb->n_bports; k++) {
        const struct cfg_bport *bp = &cb->bports[k];
        n += bp->type == CFG_BP_NIC && (bp->vlan >= 0 || bp->n_trunks
                                        || bp->isolated
                                        || bp->pvlan.type != CFG_PVLAN_NONE);
    }
    if (!n) {
        return;
    }
    br->nicports = vh_xcalloc(n, sizeof *br->nicports);
    for (size_t k = 0; k < cb->n_bports; k++) {
        const struct cfg_bport *bp = &cb->bports[k];
        struct pnic *nic = host_nic(w, h, bp->name);
        if (bp->type != CFG_BP_NIC || !nic
            || (bp->vlan < 0 && !bp->n_trunks && !bp->isolated
                && bp->pvlan.type == CFG_PVLAN_NONE)) {
            continue;
        }
        struct lbridge_nicport *np = &br->nicports[br->n_nicports++];
        np->nic = &nic->dev;
        np->isolated = bp->isolated;
        np->has_vlan = br->l2.vlan_aware
                       && (bp->vlan >= 0 || bp->n_trunks
                           || bp->pvlan.type != CFG_PVLAN_NONE);
        if (bp->pvlan.type != CFG_PVLAN_NONE) {
            lbridge_add_pvlan(br, &bp->pvlan);
            np->vlan = pvlan_port_vlan(&bp->pvlan);
            continue;
        }
        if (!bp->n_trunks) {
            np->vlan = (struct port_vlan) {
            .mode = PORT_VLAN_ACCESS,
            .tag = (uint16_t) bp->vlan,
            .trunks = NULL };
            continue;
        }
        for (size_t t = 0; t < bp->n_trunks; t++) {
            np->trunks[bp->trunks[t] / 64] |= 1ULL << (bp->trunks[t] % 64);
        }
        np->vlan = (struct port_vlan) {
            .mode = PORT_VLAN_TRUNK,
            .tag = (uint16_t) (bp->vlan >= 0 ? bp->vlan : VH_DEF_BRIDGE_PVID),
            .trunks = np->trunks };
    }
}

static struct port *lbridge_add_port(struct vh_device *, struct port *,
                                     bool);

/* The bridge's NICs join it in the host's NIC order, with the host's own
 * addresses (models/core/host.c), so here they are only marked.  A tunnel
 * port is a vxlan, geneve or gretap device enslaved to the bridge: it
 * joins now, as an uplink (it carries the VMs' VLANs, as a NIC does). */
static bool
lbridge_build(struct world *w, struct host *h, const void *cfg,
              struct vh_diag *diag)
{
    const struct cfg_bridge *cb = cfg;
    struct lbridge *br = lbridge_create(w, h, cb);
    h->bridges = vh_xrealloc(h->bridges,
                             (h->n_bridges + 1) * sizeof *h->bridges);
    h->bridges[h->n_bridges++] = br;
    lbridge_collect_vlans(br, h->cfg);
    for (size_t i = 0; i < cb->n_ports; i++) {
        struct pnic *nic = host_nic(w, h, cb->ports[i]);
        if (nic) {
            nic->master = &br->dev;
        }
    }
    lbridge_collect_nicports(w, br, h);
    /* A bond takes its members from the bridge (it is their master) and
     * joins the bridge now, before the NICs. */
    for (size_t i = 0; i < cb->n_bports; i++) {
        if (cb->bports[i].type != CFG_BP_BOND) {
            continue;
        }
        struct bond *b = bond_create(w, h, br, &cb->bports[i], diag);
        if (!b) {
            return false;
        }
        br->bonds = vh_xrealloc(br->bonds,
                                (br->n_bonds + 1) * sizeof *br->bonds);
        br->bonds[br->n_bonds++] = b;
        lbridge_add_port(&br->dev, &b->upper, true);
    }
    for (size_t i = 0; i < cb->n_bports; i++) {
        if (cb->bports[i].type >= CFG_BP_VXLAN) {
            struct vtep *v = vtep_create_port(w, h, &cb->bports[i], false);
            lbridge_add_port(&br->dev, &v->port, true);
        }
    }
    return true;
}

static void lbridge_reattach_vnic(struct world *, struct host *,
                                  struct vm_nic *);

/* A VM NIC's tap joins the bridge; with a 'vlan', as an access port of
 * that VLAN, which only a bridge with vlan_filtering has. */
static bool
lbridge_attach_vnic(struct world *w, struct host *h, struct vm_nic *n,
                    struct vh_diag *diag)
{
    const struct cfg_vnic *cn = n->cfg;
    struct lbridge *br = host_bridge(w, h, cn->attach_to);
    if (!br) {
        char path[512];
        snprintf(path, sizeof path, "%s.attach.to", cn->jpath);
        return vh_diag_fail(diag, path, "'%s' is not a Linux bridge",
                            cn->attach_to);
    }
    if (cn->vlan >= 0 && !br->l2.vlan_aware) {
        char path[512];
        snprintf(path, sizeof path, "%s.vlan", cn->jpath);
        return vh_diag_fail(diag, path, "VLAN %d needs \"vlan_filtering\": "
                            "true on bridge '%s' (a Linux bridge without it "
                            "passes frames whatever their VLAN)", cn->vlan,
                            cn->attach_to);
    }
    if (cn->n_trunks && !br->l2.vlan_aware) {
        char path[512];
        snprintf(path, sizeof path, "%s.trunks", cn->jpath);
        return vh_diag_fail(diag, path, "VLAN trunks to a VM need "
                            "\"vlan_filtering\": true on bridge '%s' (a "
                            "Linux bridge without it passes frames whatever "
                            "their VLAN, tags and all)", cn->attach_to);
    }
    if (cn->pvlan.type != CFG_PVLAN_NONE && !br->l2.vlan_aware) {
        char path[512];
        snprintf(path, sizeof path, "%s.attach.pvlan", cn->jpath);
        return vh_diag_fail(diag, path, "a private VLAN needs "
                            "\"vlan_filtering\": true on bridge '%s' (its "
                            "ports are access ports of the private VLAN's "
                            "VLANs)", cn->attach_to);
    }
    lbridge_reattach_vnic(w, h, n);
    return true;
}

static void
lbridge_detach_vnic(struct world *w, struct host *h, struct vm_nic *n)
{
    lbridge_detach(host_bridge(w, h, n->cfg->attach_to), n->host);
}

/* Gives port 'bp' of 'br' the policy of VM NIC 'n'.  A migrating VM
 * gets a new port, and its policy starts afresh there, as a tap's tc
 * state does on the destination host. */
static void
lbridge_add_policy(struct lbridge *br, struct port *bp,
                   const struct vm_nic *n)
{
    const struct cfg_vnic *cn = n->cfg;
    size_t i = (size_t) bp->index;
    if (i >= br->n_policies) {
        br->policies = vh_xrealloc(br->policies,
                                   (i + 1) * sizeof *br->policies);
        memset(br->policies + br->n_policies, 0,
               (i + 1 - br->n_policies) * sizeof *br->policies);
        br->n_policies = i + 1;
    }
    struct lbridge_polport *pol = vh_xcalloc(1, sizeof *pol);
    pol->br = br;
    pol->index = i;
    portpolicy_port_init(&pol->pp, cn->policy, &br->dev, n->dev->path,
                         &cn->mac, polport_from_vm, polport_to_vm, pol);
    if (cn->has_guest_mac) {
        portpolicy_guest_mac(&pol->pp, &cn->guest_mac);
    }
    br->policies[i] = pol;
}

static void
lbridge_reattach_vnic(struct world *w, struct host *h, struct vm_nic *n)
{
    struct lbridge *br = host_bridge(w, h, n->cfg->attach_to);
    struct port *bp = lbridge_attach(br, n->host);
    if (n->cfg->policy) {
        lbridge_add_policy(br, bp, n);
    }
    bp->isolated = n->cfg->isolated;
    if (n->cfg->pvlan.type != CFG_PVLAN_NONE) {
        bp->vlan = pvlan_port_vlan(&n->cfg->pvlan);
    } else if (n->cfg->n_trunks) {
        /* 'bridge vlan add dev tap0 vid N' for each, and the native
         * VLAN ('vlan', else the default PVID) untagged. */
        uint64_t *map = vh_xcalloc(PORT_VLAN_WORDS, sizeof *map);
        for (size_t k = 0; k < n->cfg->n_trunks; k++) {
            map[n->cfg->trunks[k] / 64] |= 1ULL << (n->cfg->trunks[k] % 64);
        }
        world_keep(w, map);
        bp->vlan = (struct port_vlan) {
            .mode = PORT_VLAN_TRUNK,
            .tag = n->cfg->vlan >= 0 ? (uint16_t) n->cfg->vlan
                                     : VH_DEF_BRIDGE_PVID,
            .trunks = map };
    } else if (n->cfg->vlan >= 0) {
        bp->vlan = (struct port_vlan) {
            .mode = PORT_VLAN_ACCESS,
            .tag = (uint16_t) n->cfg->vlan,
            .trunks = NULL };
    }
}

/* A NIC's uplink carries the VM ports' VLANs tagged and the default
 * one untagged, unless its own "vlan" or "trunks" say otherwise. */
static struct port *
lbridge_add_port(struct vh_device *d, struct port *member, bool uplink)
{
    struct lbridge *br = VH_CONTAINER_OF(d, struct lbridge, dev);
    struct port *bp = lbridge_attach(br, member);
    for (size_t i = 0; i < br->n_nicports; i++) {
        if (br->nicports[i].nic == member->dev) {
            bp->isolated = br->nicports[i].isolated;
        }
    }
    if (uplink && br->l2.vlan_aware) {
        bp->vlan = (struct port_vlan) {
            .mode = PORT_VLAN_TRUNK,
            .tag = VH_DEF_BRIDGE_PVID,
            .trunks = br->trunks };
        for (size_t i = 0; i < br->n_nicports; i++) {
            if (br->nicports[i].nic == member->dev
                && br->nicports[i].has_vlan) {
                bp->vlan = br->nicports[i].vlan;
            }
        }
        /* 'bridge vlan add dev eth0 vid N' adds N to the NIC's VLAN
         * filter too. */
        struct pnic *nic = pnic_of_stack(member);
        if (nic && bp->vlan.mode == PORT_VLAN_TRUNK && bp->vlan.trunks) {
            pnic_vlan_filter_add(nic, bp->vlan.trunks);
        }
    }
    return bp;
}

static void
lbridge_destroy(struct vh_device *d)
{
    lbridge_free(VH_CONTAINER_OF(d, struct lbridge, dev));
}

/* In the host's "bridges": the kernel's own bridge. */
static void
lbridge_report(const struct vh_device *d, struct report_out *out)
{
    const struct lbridge *br = VH_CONTAINER_OF(d, const struct lbridge, dev);
    report_out_str(out, "type", "linux-bridge");
    report_out_str(out, "datapath", "kernel");
    l2fwd_report(&br->l2, out);
    bool any = false;
    for (size_t i = 0; i < br->n_policies && !any; i++) {
        any = br->policies[i] && portpolicy_active(&br->policies[i]->pp);
    }
    if (any) {
        report_out_begin_list(out, "port_policies");
        for (size_t i = 0; i < br->n_policies; i++) {
            const struct lbridge_polport *pol = br->policies[i];
            if (pol && portpolicy_active(&pol->pp)) {
                report_out_begin_item(out);
                portpolicy_report(&pol->pp, out);
                report_out_end(out);
            }
        }
        report_out_end(out);
    }
    if (br->n_bonds) {
        report_out_begin_list(out, "bonds");
        for (size_t i = 0; i < br->n_bonds; i++) {
            bond_report(br->bonds[i], out);
        }
        report_out_end(out);
    }
}

static const char *const lbridge_types[] = { "linux-bridge", NULL };

const struct dev_class lbridge_class = {
    .kind = "linux-bridge",
    .role = VH_ROLE_SWITCHING,
    .family = DEV_FAM_BRIDGE,
    .accepts = lbridge_types,
    .attach_type = "bridge",
    .vmdq_pools = true,
    .build = lbridge_build,
    .attach = lbridge_attach_vnic,
    .add_port = lbridge_add_port,
    .detach_vnic = lbridge_detach_vnic,
    .reattach_vnic = lbridge_reattach_vnic,
    .host_section = "bridges",
    .report = lbridge_report,
    .destroy = lbridge_destroy,
};
