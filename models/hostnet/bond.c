/* models/hostnet/bond.c: Linux bonding on a Linux bridge. */
#include "models/hostnet/bond.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "models/hostnet/bond_alb.h"
#include "models/hostnet/lbridge.h"
#include "models/hw/cpu.h"
#include "models/hw/pnic.h"
#include "models/ovs/lacp.h"
#include "sim/frame.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

#define BOND_DEF_MIIMON (100 * VH_MS)   /* The usual "miimon=100". */

static bool
has_carrier(const struct bond_member *m)
{
    const struct link *l = m->nic->wire.link;
    return l && l->up;
}

/* Whether member 'k' may carry the bond's traffic now. */
static bool
usable(const struct bond *b, size_t k)
{
    const struct bond_member *m = &b->members[k];
    if (b->cfg->bond_mode == CFG_BOND_ACTIVE_BACKUP) {
        return (int) k == b->active;
    }
    if (b->cfg->bond_mode == CFG_BOND_8023AD) {
        return m->up && m->in_sync;     /* In the aggregation. */
    }
    return m->up;
}

/* bond_eth_hash(): the last byte of each MAC and the EtherType (the
 * outer one: a tagged frame hashes 0x8100). */
uint32_t
bond_l2_hash(const uint8_t *frame, uint32_t len)
{
    if (len < VH_ETH_HLEN) {
        return 0;
    }
    return (uint32_t) (frame[5] ^ frame[11])
           ^ (uint32_t) ((frame[12] << 8) | frame[13]);
}

int
bond_choose(const struct bond *b, const uint8_t *frame, uint32_t len)
{
    if (b->cfg->bond_mode == CFG_BOND_ACTIVE_BACKUP) {
        return b->active;
    }
    /* The driver keeps the usable members in an array and indexes it by
     * the hash (bond_xmit_3ad_xor_slave_get). */
    size_t n = 0;
    for (size_t k = 0; k < b->n_members; k++) {
        n += usable(b, k);
    }
    if (!n) {
        return -1;
    }
    size_t pick = bond_l2_hash(frame, len) % n;
    for (size_t k = 0; k < b->n_members; k++) {
        if (usable(b, k) && pick-- == 0) {
            return (int) k;
        }
    }
    return -1;
}

/* --- Failover. --- */

/* Each host address above the bond says where it lives: a broadcast ARP
 * request for itself, as the kernel sends when the bond notifies its
 * peers (NETDEV_NOTIFY_PEERS, num_grat_arp 1). */
static void
send_garps(struct world *w, struct bond *b)
{
    struct bond_member *m = &b->members[b->active];
    for (size_t i = 0; i < b->n_eps; i++) {
        const struct endpoint *ep = b->eps[i];
        struct vh_packet *p = vh_packet_alloc(&w->pool);
        static const struct vh_mac zero;
        p->len = vh_build_arp(p->data, 1, &ep->mac, ep->ip, &zero, ep->ip,
                              &vh_mac_broadcast);
        b->garp_tx++;
        b->dev.tx++;
        m->tx++;
        port_deliver(w, &m->port, p);
    }
}

/* active-backup: the first member in use takes over when the active one
 * is gone (no "primary": the new one keeps the role when the old one
 * comes back, as the driver does). */
static void
elect(struct world *w, struct bond *b)
{
    if (b->active >= 0 && b->members[b->active].up) {
        return;
    }
    int was = b->active;
    b->active = -1;
    for (size_t k = 0; k < b->n_members; k++) {
        if (b->members[k].up) {
            b->active = (int) k;
            break;
        }
    }
    if (was >= 0 && b->active >= 0) {
        b->failovers++;
        send_garps(w, b);
    } else if (was >= 0) {
        b->failovers++;
    }
}

/* The miimon poll (bond_mii_monitor): carrier gone for 'downdelay' takes
 * a member out; carrier back puts it in at once (updelay 0). */
static void
mii_tick(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct bond *b = obj;
    for (size_t k = 0; k < b->n_members; k++) {
        struct bond_member *m = &b->members[k];
        bool carrier = has_carrier(m);
        if (carrier) {
            bool was_up = m->up;
            m->down_since = 0;
            m->up = true;
            if (!was_up && b->alb) {
                bond_alb_link_change(w, b, k, true);
            }
            continue;
        }
        if (!m->up) {
            continue;
        }
        if (!m->down_since) {
            m->down_since = sim->now ? sim->now : 1;
        }
        if (sim->now - m->down_since >= b->cfg->bond_downdelay) {
            m->up = false;
            m->in_sync = false;
            if (b->cfg->bond_mode != CFG_BOND_ACTIVE_BACKUP) {
                b->failovers++;
            }
            if (b->alb) {
                bond_alb_link_change(w, b, k, false);
            }
        }
    }
    if (b->cfg->bond_mode == CFG_BOND_ACTIVE_BACKUP) {
        elect(w, b);
    }
    vh_timer_arm_at(sim, &b->mii_timer, sim->now + b->miimon);
    (void) arg;
}

/* --- 802.3ad. --- */

/* The bond as LACP describes it on member 'k': always active (the
 * driver's LACP is never passive), slow rate, one key for all members
 * (they share speed and duplex). */
static void
lacp_actor(const struct bond *b, size_t k, struct lacp_info *a)
{
    memset(a, 0, sizeof *a);
    a->sys_priority = 65535;    /* ad_actor_sys_prio's default. */
    a->sys_id = b->sys_id;
    a->key = 1;
    a->port_priority = 255;     /* The driver's port priority default. */
    a->port = (uint16_t) (k + 1);
    a->state = LACP_STATE_ACTIVITY | LACP_STATE_AGGREGATION;
    if (b->members[k].in_sync) {
        a->state |= LACP_STATE_SYNCHRONIZATION | LACP_STATE_COLLECTING
                    | LACP_STATE_DISTRIBUTING;
    } else {
        a->state |= LACP_STATE_DEFAULTED;
    }
}

static void
lacp_send(struct world *w, struct bond *b, size_t k,
          const struct lacp_info *partner)
{
    struct lacp_info actor, none;
    struct vh_packet *p = vh_packet_alloc(&w->pool);
    memset(&none, 0, sizeof none);
    lacp_actor(b, k, &actor);
    p->len = lacp_build_pdu(p->data, &b->members[k].nic->cfg->mac, &actor,
                            partner ? partner : &none, 0);
    b->lacp_tx++;
    b->dev.tx++;
    b->members[k].tx++;
    port_deliver(w, &b->members[k].port, p);
}

/* The periodic LACPDUs, every 30 s (lacp_rate slow, the default). */
static void
lacp_tick(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct bond *b = obj;
    for (size_t k = 0; k < b->n_members; k++) {
        if (has_carrier(&b->members[k])) {
            lacp_send(w, b, k, NULL);
        }
    }
    vh_timer_arm_at(sim, &b->lacp_timer,
                    sim->now + LACP_SLOW_PERIOD_MS * VH_MS);
    (void) arg;
}

/* A LACPDU from the switch on member 'k': the member joins the
 * aggregation once the partner says it is in sync; the bond answers a
 * partner that does not yet know it as it is. */
static void
lacp_rx(struct world *w, struct bond *b, size_t k, struct vh_packet *p)
{
    struct lacp_info actor, partner;
    b->lacp_rx++;
    if (b->cfg->bond_mode == CFG_BOND_8023AD
        && lacp_parse_pdu(p->data, p->len, &actor, &partner)) {
        struct bond_member *m = &b->members[k];
        bool sync = (actor.state & LACP_STATE_SYNCHRONIZATION) && m->up;
        bool changed = sync != m->in_sync;
        m->in_sync = sync;
        if (!(partner.state & LACP_STATE_SYNCHRONIZATION) || changed) {
            lacp_send(w, b, k, &actor);
        }
    }
    acct_consume(w, p, &b->dev);
}

/* --- Data path. --- */

static void
bond_send(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct bond *b = obj;
    struct vh_packet *p = arg;
    int k = b->alb ? bond_alb_xmit(w, b, p)
                   : bond_choose(b, p->data, p->len);
    if (k < 0) {
        acct_drop(w, p, &b->dev, "bond-no-member");
        return;
    }
    b->dev.tx++;
    b->members[k].tx++;
    port_deliver(w, &b->members[k].port, p);
}

/* The bridge hands the bond a frame (bond_start_xmit). */
static void
bond_xmit(struct world *w, struct port *port, struct vh_packet *p)
{
    struct bond *b = port->owner;
    struct cpu_core *core = cpu_exec_core(p, &b->host->cores[0]);
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = &b->dev);
    vh_time_t t = cpu_charge(w, core, COST_BOND_XMIT, 0, CPU_VSWITCH, p,
                             &b->dev);
    vh_schedule_at(&w->sim, t, bond_send, b, p);
}

static void
bond_up(struct vh_sim *sim, void *obj, void *arg)
{
    struct bond *b = obj;
    port_deliver(world_of(sim), &b->upper, arg);
}

/* A frame from member 'port' (bond_handle_frame): LACPDUs are the
 * bond's; the rest goes up to the bridge unless the member may not
 * take it.  The handler hands the frame back as the bond's
 * (RX_HANDLER_ANOTHER), and the receive path runs once more for the
 * bond before the bridge's hook: a second 'netif_receive'. */
static void
bond_member_rx(struct world *w, struct port *port, struct vh_packet *p)
{
    struct bond *b = port->owner;
    size_t k = (size_t) port->index;
    struct bond_member *m = &b->members[k];
    b->dev.rx++;
    m->rx++;
    VH_TRACE(&w->trace, VH_HOP_RX, .time = w->sim.now, .pkt = p,
             .dev = &b->dev);
    if (p->len >= VH_ETH_HLEN && vh_eth_type(p->data) == LACP_ETHERTYPE) {
        lacp_rx(w, b, k, p);
        return;
    }
    if (b->cfg->bond_mode == CFG_BOND_ACTIVE_BACKUP
        && (int) k != b->active) {
        acct_drop(w, p, &b->dev, "bond-backup-member");
        return;
    }
    if (!usable(b, k)) {
        acct_drop(w, p, &b->dev, "bond-member-disabled");
        return;
    }
    if (b->alb && !bond_alb_rx(w, b, k, p)) {
        return;
    }
    struct cpu_core *core = cpu_exec_core(p, &b->host->cores[0]);
    vh_time_t t = cpu_charge(w, core, COST_NETIF_RECEIVE, 0, CPU_SOFTIRQ, p,
                             &b->dev);
    vh_schedule_at(&w->sim, t, bond_up, b, p);
}

/* --- Building. --- */

struct bond *
bond_create(struct world *w, struct host *h, struct lbridge *br,
            const struct cfg_bport *bp, struct vh_diag *diag)
{
    struct bond *b = vh_xcalloc(1, sizeof *b);
    dev_register(w, &b->dev, &bond_class, &h->dev, bp->name);
    b->dev.report = 1;
    b->host = h;
    b->br = br;
    b->cfg = bp;
    b->active = -1;
    b->miimon = bp->miimon ? bp->miimon : BOND_DEF_MIIMON;
    port_init(&b->upper, bond_xmit, b, &b->dev, 0);
    b->members = vh_xcalloc(bp->n_members, sizeof *b->members);
    b->n_members = bp->n_members;
    for (size_t k = 0; k < bp->n_members; k++) {
        struct pnic *nic = host_nic(w, h, bp->members[k]);
        if (!nic) {
            char path[512];
            snprintf(path, sizeof path, "%s.members[%zu]", bp->jpath, k);
            vh_diag_fail(diag, path, "no NIC '%s' in host '%s'",
                         bp->members[k], h->dev.path);
            return NULL;        /* Registered: the world frees it. */
        }
        struct bond_member *m = &b->members[k];
        m->nic = nic;
        port_init(&m->port, bond_member_rx, b, &b->dev, (int) k);
        /* Enslaved with carrier if cabled (cables are laid after the
         * hosts are built); miimon watches from then on. */
        m->up = nic->cfg->link != NULL;
        nic->master = &b->dev;
    }
    b->sys_id = b->members[0].nic->cfg->mac;
    if (bp->bond_mode == CFG_BOND_ACTIVE_BACKUP) {
        for (size_t k = 0; k < b->n_members && b->active < 0; k++) {
            if (b->members[k].up) {
                b->active = (int) k;
            }
        }
    }
    vh_timer_init(&b->mii_timer, mii_tick, b);
    vh_timer_arm_at(&w->sim, &b->mii_timer, b->miimon);
    vh_timer_init(&b->lacp_timer, lacp_tick, b);
    if (bp->bond_mode == CFG_BOND_8023AD) {
        vh_timer_arm_at(&w->sim, &b->lacp_timer, 0);
    }
    if (bp->bond_mode == CFG_BOND_BALANCE_ALB) {
        bond_alb_init(w, b);
    }
    return b;
}

void
bond_free(struct bond *b)
{
    if (!b) {
        return;
    }
    vh_timer_cancel(&b->mii_timer);
    vh_timer_cancel(&b->lacp_timer);
    bond_alb_free(b);
    free(b->members);
    free(b->eps);
    free(b);
}

/* A member NIC joins its member port; the host's address on a member
 * NIC sits on the bridge (as on a bridged NIC), and is remembered for the
 * gratuitous ARP. */
static struct port *
bond_add_port(struct vh_device *d, struct port *peer, bool uplink)
{
    struct bond *b = VH_CONTAINER_OF(d, struct bond, dev);
    if (!uplink) {
        struct endpoint *ep = VH_CONTAINER_OF(peer, struct endpoint, port);
        b->eps = vh_xrealloc(b->eps, (b->n_eps + 1) * sizeof *b->eps);
        b->eps[b->n_eps++] = ep;
        return b->br->dev.cls->add_port(&b->br->dev, peer, false);
    }
    for (size_t k = 0; k < b->n_members; k++) {
        if (&b->members[k].nic->dev == peer->dev) {
            port_connect(&b->members[k].port, peer);
            return &b->members[k].port;
        }
    }
    return NULL;
}

static const char *
member_state(const struct bond *b, size_t k)
{
    const struct bond_member *m = &b->members[k];
    if (!m->up) {
        return "link-down";
    }
    if (b->cfg->bond_mode == CFG_BOND_ACTIVE_BACKUP) {
        return (int) k == b->active ? "active" : "backup";
    }
    if (b->cfg->bond_mode == CFG_BOND_8023AD && !m->in_sync) {
        return "no-partner";
    }
    if (b->alb && (int) k == b->active) {
        return "active";
    }
    return "enabled";
}

void
bond_report(const struct bond *b, struct report_out *out)
{
    report_out_begin_item(out);
    report_out_str(out, "name", b->cfg->name);
    report_out_str(out, "bond_mode", cfg_bond_mode_names[b->cfg->bond_mode]);
    if (b->cfg->bond_mode == CFG_BOND_ACTIVE_BACKUP || b->alb) {
        report_out_str(out, "active", b->active >= 0
                       ? b->cfg->members[b->active] : "none");
    } else {
        report_out_str(out, "xmit_hash_policy", "layer2");
    }
    report_out_num(out, "miimon_ms", (double) b->miimon / VH_MS);
    report_out_num(out, "failovers", (double) b->failovers);
    report_out_begin_list(out, "members");
    for (size_t k = 0; k < b->n_members; k++) {
        report_out_begin_item(out);
        report_out_str(out, "name", b->cfg->members[k]);
        report_out_str(out, "state", member_state(b, k));
        report_out_num(out, "tx", (double) b->members[k].tx);
        report_out_num(out, "rx", (double) b->members[k].rx);
        if (b->alb) {
            char mac[18];
            report_out_str(out, "mac", vh_mac_format(&b->alb->mac[k], mac));
        }
        report_out_end(out);
    }
    report_out_end(out);
    if (b->cfg->bond_mode == CFG_BOND_8023AD) {
        report_out_num(out, "lacp_tx", (double) b->lacp_tx);
        report_out_num(out, "lacp_rx", (double) b->lacp_rx);
    }
    if (b->cfg->bond_mode == CFG_BOND_ACTIVE_BACKUP) {
        report_out_num(out, "gratuitous_arps", (double) b->garp_tx);
    }
    if (b->alb) {
        bond_alb_report(b, out);
    }
    report_out_end(out);
}

static void
bond_destroy(struct vh_device *d)
{
    bond_free(VH_CONTAINER_OF(d, struct bond, dev));
}

const struct dev_class bond_class = {
    .kind = "linux-bond",
    .role = VH_ROLE_SWITCHING,
    .family = DEV_FAM_PART,
    .add_port = bond_add_port,
    .destroy = bond_destroy,
};
