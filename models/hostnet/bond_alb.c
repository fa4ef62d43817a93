/* models/hostnet/bond_alb.c: balance-alb, after the kernel's bond_alb.c. */
#include "models/hostnet/bond_alb.h"

#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/devclass.h"
#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "models/hostnet/bond.h"
#include "models/hw/pnic.h"
#include "sim/frame.h"
#include "sim/xmalloc.h"

#define ALB_TICK (100 * VH_MS)          /* ALB_TIMER_TICKS_PER_SEC 10. */
#define TLB_REBALANCE_SECS 10          /* BOND_TLB_REBALANCE_INTERVAL. */
#define RLB_UPDATE_DELAY (2 * VH_SEC)   /* After the host's ARP request. */
#define RLB_ARP_BURST 2                 /* RLB_ARP_BURST_SIZE. */
#define ETH_P_LOOPBACK 0x9000           /* The learning frame's type. */

static bool
member_up(const struct bond *b, int k)
{
    return k >= 0 && (size_t) k < b->n_members && b->members[k].up;
}

static void
tlb_clear(struct bond_alb *a, int member)
{
    for (size_t i = 0; i < BOND_TLB_TABLE; i++) {
        if (a->tlb[i].member == member) {
            a->tlb[i].member = -1;
        }
    }
    a->load[member] = 0;
}

/* The usable member with the largest gap between its speed and its
 * load (tlb_get_least_loaded_slave); the first of equals. */
static int
least_loaded(const struct bond *b)
{
    int best = -1;
    long double best_gap = 0;
    for (size_t k = 0; k < b->n_members; k++) {
        if (!b->members[k].up) {
            continue;
        }
        long double gap = (long double) b->members[k].nic->cfg->speed_bps
                          - (long double) b->alb->load[k] * 8;
        if (best < 0 || gap > best_gap) {
            best = (int) k;
            best_gap = gap;
        }
    }
    return best;
}

static int
tlb_choose(struct bond *b, uint32_t dst_ip, uint32_t len)
{
    struct bond_alb *a = b->alb;
    uint8_t h = (uint8_t) (dst_ip ^ dst_ip >> 8 ^ dst_ip >> 16 ^ dst_ip >> 24);
    struct bond_tlb_entry *e = &a->tlb[h];
    if (!member_up(b, e->member)) {
        e->member = least_loaded(b);
        if (e->member >= 0) {
            a->load[e->member] += e->load_history;
        }
    }
    if (e->member >= 0) {
        e->tx_bytes += len;
    }
    return e->member;
}

/* Every 10 s each destination forgets its member and keeps its rate. */
static void
tlb_rebalance(struct bond *b)
{
    struct bond_alb *a = b->alb;
    for (size_t i = 0; i < BOND_TLB_TABLE; i++) {
        struct bond_tlb_entry *e = &a->tlb[i];
        if (e->member >= 0) {
            e->load_history = 1 + e->tx_bytes / TLB_REBALANCE_SECS;
            e->tx_bytes = 0;
            e->member = -1;
        }
    }
    memset(a->load, 0, b->n_members * sizeof *a->load);
    a->rebalances++;
}

/* --- Receive load balancing. --- */

/* The next usable member after the one given last, round robin
 * (rlb_next_rx_slave, all members being of one speed). */
static int
rlb_next(struct bond *b)
{
    struct bond_alb *a = b->alb;
    for (size_t i = 1; i <= b->n_members; i++) {
        int k = (int) ((size_t) (a->rx_last + (int) i) % b->n_members);
        if (b->members[k].up) {
            a->rx_last = k;
            return k;
        }
    }
    return -1;
}

static struct bond_rlb_client *
rlb_client(struct bond *b, uint32_t ip, uint32_t own_ip, bool create)
{
    struct bond_alb *a = b->alb;
    for (size_t i = 0; i < a->n_clients; i++) {
        if (a->clients[i].ip == ip && a->clients[i].own_ip == own_ip) {
            return &a->clients[i];
        }
    }
    if (!create) {
        return NULL;
    }
    a->clients = vh_xgrow(a->clients, a->n_clients, sizeof *a->clients);
    struct bond_rlb_client *c = &a->clients[a->n_clients++];
    memset(c, 0, sizeof *c);
    c->ip = ip;
    c->own_ip = own_ip;
    c->member = -1;
    return c;
}

/* Whether 'mac' is one the host answers for: one of its addresses above
 * the bond, or a member's.  ARP frames from anything else (the VMs
 * behind the bridge) are not the bond's to balance. */
static bool
own_mac(const struct bond *b, const struct vh_mac *mac)
{
    for (size_t i = 0; i < b->n_eps; i++) {
        if (vh_mac_eq(&b->eps[i]->mac, mac)) {
            return true;
        }
    }
    for (size_t k = 0; k < b->n_members; k++) {
        if (vh_mac_eq(&b->alb->mac[k], mac)) {
            return true;
        }
    }
    return false;
}

/* The host's ARP frame 'fi' leaves (rlb_arp_xmit): a reply by the
 * member its peer is given, saying that member's MAC; a request by it
 * too, with the bond's MAC, to be corrected once answered. */
static int
rlb_arp_xmit(struct world *w, struct bond *b, struct vh_packet *p,
             const struct vh_frame_info *fi)
{
    struct bond_rlb_client *c = rlb_client(b, fi->arp_tpa, fi->arp_spa, true);
    if (!member_up(b, c->member)) {
        c->member = rlb_next(b);
    }
    if (c->member < 0) {
        return -1;
    }
    if (fi->arp_op == VH_ARP_REPLY) {
        memcpy(p->data + fi->l3_off + 8, b->alb->mac[c->member].b,
               VH_ETH_ALEN);
        c->mac = fi->arp_tha;
        c->mac_known = true;
    } else {
        b->alb->hold_until = w->sim.now + RLB_UPDATE_DELAY;
        c->ntt = true;
        c->mac_known = false;
    }
    return c->member;
}

/* Tells peer 'c' where the host's address now is: two ARP replies from
 * its member, sender the member's MAC (rlb_update_client). */
static void
rlb_update(struct world *w, struct bond *b, struct bond_rlb_client *c)
{
    struct bond_member *m = &b->members[c->member];
    for (int i = 0; i < RLB_ARP_BURST; i++) {
        struct vh_packet *p = vh_packet_alloc(&w->pool);
        p->len = vh_build_arp(p->data, VH_ARP_REPLY, &b->alb->mac[c->member],
                              c->own_ip, &c->mac, c->ip, &c->mac);
        b->alb->arp_updates++;
        b->dev.tx++;
        m->tx++;
        port_deliver(w, &m->port, p);
    }
    c->ntt = false;
}

/* Every peer of a member that left, and with 'all' every peer, is given
 * a member again and told. */
static void
rlb_reassign(struct bond *b, int from, bool all)
{
    struct bond_alb *a = b->alb;
    for (size_t i = 0; i < a->n_clients; i++) {
        struct bond_rlb_client *c = &a->clients[i];
        if (all || c->member == from) {
            c->member = rlb_next(b);
            c->ntt = c->member >= 0;
        }
    }
}

/* A learning frame (alb_send_lp_vid): from 'mac' to itself, EtherType
 * loopback, padded to the minimum; the switch learns 'mac' on the port
 * it came in by. */
static void
send_learning(struct world *w, struct bond *b, int k, const struct vh_mac *mac)
{
    struct vh_packet *p = vh_packet_alloc(&w->pool);
    memset(p->data, 0, 60);
    vh_eth_set_dst(p->data, mac);
    vh_eth_set_src(p->data, mac);
    vh_put_be16(p->data + 12, ETH_P_LOOPBACK);
    p->len = 60;
    b->alb->learning_tx++;
    b->dev.tx++;
    b->members[k].tx++;
    port_deliver(w, &b->members[k].port, p);
}

/* The monitor (bond_alb_monitor): the 10 s rebalance, and the ARP
 * updates due. */
static void
alb_tick(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct bond *b = obj;
    struct bond_alb *a = b->alb;
    if (++a->ticks % (TLB_REBALANCE_SECS * VH_SEC / ALB_TICK) == 0) {
        tlb_rebalance(b);
    }
    if (sim->now >= a->hold_until) {
        for (size_t i = 0; i < a->n_clients; i++) {
            struct bond_rlb_client *c = &a->clients[i];
            if (c->ntt && c->mac_known && member_up(b, c->member)) {
                rlb_update(w, b, c);
            }
        }
    }
    vh_timer_arm_at(sim, &a->timer, sim->now + ALB_TICK);
    (void) arg;
}

/* --- The bond's calls. --- */

void
bond_alb_init(struct world *w, struct bond *b)
{
    struct bond_alb *a = vh_xcalloc(1, sizeof *a);
    b->alb = a;
    a->mac = vh_xcalloc(b->n_members, sizeof *a->mac);
    a->load = vh_xcalloc(b->n_members, sizeof *a->load);
    for (size_t k = 0; k < b->n_members; k++) {
        a->mac[k] = b->members[k].nic->cfg->mac;
    }
    for (size_t i = 0; i < BOND_TLB_TABLE; i++) {
        a->tlb[i].member = -1;
    }
    a->rx_last = -1;
    for (size_t k = 0; k < b->n_members && b->active < 0; k++) {
        if (b->members[k].up) {
            b->active = (int) k;
        }
    }
    vh_timer_init(&a->timer, alb_tick, b);
    vh_timer_arm_at(&w->sim, &a->timer, ALB_TICK);
}

void
bond_alb_free(struct bond *b)
{
    if (b->alb) {
        vh_timer_cancel(&b->alb->timer);
        free(b->alb->mac);
        free(b->alb->load);
        free(b->alb->clients);
        free(b->alb);
        b->alb = NULL;
    }
}

int
bond_alb_xmit(struct world *w, struct bond *b, struct vh_packet *p)
{
    struct vh_frame_info fi;
    int k = -1;
    bool parsed = vh_frame_parse(p->data, p->len, &fi, false) == 0;
    bool group = p->len >= VH_ETH_HLEN
                 && vh_mac_is_multicast(vh_eth_dst(p->data));
    if (parsed && fi.is_arp && own_mac(b, &fi.arp_sha)
        && (fi.arp_op == VH_ARP_REPLY || fi.arp_op == VH_ARP_REQUEST)) {
        k = rlb_arp_xmit(w, b, p, &fi);
    } else if (parsed && fi.is_ipv4 && !group && fi.ip_dst != 0xffffffffu
               && fi.ip_proto != 2 /* IGMP */) {
        k = tlb_choose(b, fi.ip_dst, p->len);
    }
    if (k < 0) {
        k = b->active;          /* Unbalanced: by the active member. */
    }
    if (k >= 0 && k != b->active) {
        vh_eth_set_src(p->data, &b->alb->mac[k]);
    }
    return k;
}

bool
bond_alb_rx(struct world *w, struct bond *b, size_t k, struct vh_packet *p)
{
    struct vh_frame_info fi;
    if (vh_frame_parse(p->data, p->len, &fi, false) == 0 && fi.is_arp
        && fi.arp_op == VH_ARP_REPLY) {
        /* rlb_arp_recv: a peer the host asked now says its MAC. */
        struct bond_rlb_client *c = rlb_client(b, fi.arp_spa, fi.arp_tpa, false);
        if (c && (!c->mac_known || !vh_mac_eq(&c->mac, &fi.arp_sha))) {
            c->mac = fi.arp_sha;
            c->mac_known = true;
            c->ntt = true;
        }
    }
    struct vh_mac dst = *vh_eth_dst(p->data);
    if ((int) k != b->active && vh_mac_is_multicast(&dst)) {
        /* Only the active member takes broadcasts, or the host would
         * see each one once per member. */
        acct_drop(w, p, &b->dev, "bond-inactive-member");
        return false;
    }
    for (size_t j = 0; j < b->n_members; j++) {
        if (vh_mac_eq(&dst, &b->alb->mac[j])) {
            vh_eth_set_dst(p->data, &b->sys_id);
            break;
        }
    }
    return true;
}

void
bond_alb_link_change(struct world *w, struct bond *b, size_t k, bool up)
{
    struct bond_alb *a = b->alb;
    if (up) {
        if (b->active < 0) {
            b->active = (int) k;
        }
        rlb_reassign(b, -1, true);
        return;
    }
    tlb_clear(a, (int) k);
    rlb_reassign(b, (int) k, false);
    if ((int) k != b->active) {
        /* Its MAC is still some peers' idea of the host's: the active
         * member answers for it (rlb_teach_disabled_mac_on_primary). */
        if (b->active >= 0) {
            send_learning(w, b, b->active, &a->mac[k]);
        }
        return;
    }
    b->active = -1;
    for (size_t j = 0; j < b->n_members; j++) {
        if (b->members[j].up) {
            b->active = (int) j;
            break;
        }
    }
    if (b->active < 0) {
        return;
    }
    /* The new active member takes the bond's MAC; the old one its MAC. */
    struct vh_mac old = a->mac[b->active];
    a->mac[b->active] = a->mac[k];
    a->mac[k] = old;
    send_learning(w, b, b->active, &a->mac[b->active]);
    send_learning(w, b, b->active, &a->mac[k]);
    for (size_t i = 0; i < a->n_clients; i++) {
        if (a->clients[i].member == b->active) {
            a->clients[i].ntt = true;   /* Its MAC changed under them. */
        }
    }
}

void
bond_alb_report(const struct bond *b, struct report_out *out)
{
    const struct bond_alb *a = b->alb;
    report_out_num(out, "tlb_rebalances", (double) a->rebalances);
    report_out_num(out, "rlb_peers", (double) a->n_clients);
    report_out_num(out, "arp_updates", (double) a->arp_updates);
    report_out_num(out, "learning_frames", (double) a->learning_tx);
}
