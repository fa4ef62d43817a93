/* models/endpoint/endpoint.c: ARP and IPv6 neighbour discovery, ICMP and
 * ICMPv6 echo, and UDP endpoints, over IPv4 and IPv6. */
#include "models/endpoint/endpoint.h"

#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/defaults.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/endpoint/igmp.h"
#include "models/endpoint/ipfrag.h"
#include "models/endpoint/offload.h"
#include "models/endpoint/rr.h"
#include "models/endpoint/tcp.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

static void arp_retry(struct vh_sim *, void *obj, void *arg);

/* The key of an IPv6 neighbour in 'neigh', above every IPv4 address. */
#define ARP_KEY_V6 UINT64_MAX

static struct arp_entry *
neigh_new(struct endpoint *ep, uint64_t key)
{
    struct arp_entry *e = vh_xcalloc(1, sizeof *e);
    ep->arp = vh_xgrow(ep->arp, ep->n_arp, sizeof *ep->arp);
    ep->neigh = vh_xgrow(ep->neigh, ep->n_arp, sizeof *ep->neigh);
    ep->neigh[ep->n_arp] = (struct ep_neigh) { .key = key };
    e->slot = ep->n_arp;
    ep->arp[ep->n_arp++] = e;
    e->ep = ep;
    vh_timer_init(&e->retry, arp_retry, e);
    vh_pktq_init(&e->pending, VH_DEF_ARP_QUEUE);
    return e;
}

static struct arp_entry *
arp_find(struct endpoint *ep, uint32_t ip, bool create)
{
    for (size_t i = 0; i < ep->n_arp; i++) {
        if (ep->neigh[i].key == ip) {
            return ep->arp[i];
        }
    }
    if (!create) {
        return NULL;
    }
    struct arp_entry *e = neigh_new(ep, ip);
    e->ip = ip;
    return e;
}

/* The IPv6 neighbours share the cache, its queue and its timers: Linux's
 * neighbour layer serves ARP and ND alike. */
static struct arp_entry *
nd_find(struct endpoint *ep, const struct vh_ip6 *a, bool create)
{
    for (size_t i = 0; i < ep->n_arp; i++) {
        if (ep->arp[i]->v6 && vh_ip6_eq(&ep->arp[i]->ip6, a)) {
            return ep->arp[i];
        }
    }
    if (!create) {
        return NULL;
    }
    struct arp_entry *e = neigh_new(ep, ARP_KEY_V6);
    e->v6 = true;
    e->ip6 = *a;
    return e;
}

static struct cpu_core *
ep_core(struct endpoint *ep, const struct vh_packet *p)
{
    return cpu_exec_core(p, ep->app_core);
}

/* Work in the name of 'ep': charged on 'core', and counted in its
 * ledger when it keeps one (a container's). */
static vh_time_t
ep_charge(struct world *w, struct endpoint *ep, struct cpu_core *core,
          enum cost_id id, enum cpu_cat cat, const struct vh_packet *p)
{
    if (ep->cycles) {
        ep->cycles[cat] += cpu_cycles(core, id, 0);
    }
    return cpu_charge(w, core, id, 0, cat, p, ep->dev);
}

/* The loopback net, 127.0.0.0/8, and its usual address. */
#define EP_LOOPBACK_ADDR 0x7f000001u

/* Is 'ip' an address of this stack itself: its own, or loopback's? */
static bool
ep_is_local(const struct endpoint *ep, uint32_t ip)
{
    return ip == ep->ip || (ip >> 24) == 127;
}

/* Hands a finished frame to the interface, on the core that made it.  A
 * super-frame the interface cannot take is cut here, just before its
 * driver (GSO), in the stack's name. */
static void
ep_transmit(struct world *w, struct endpoint *ep, struct vh_packet *p)
{
    p->hops++;
    if (!ep->port.peer || !ep->port.peer->tx_done) {
        vh_packet_orphan(p);
    }
    if (offload_is_super(p) && ep->port.peer && !ep->port.peer->takes_gso) {
        struct vh_packet *segs[OFFLOAD_MAX_SEGS];
        vh_time_t done;
        size_t n = offload_gso(w, p, ep_core(ep, p), ep->tx_cat, ep->dev,
                               segs, &done);
        if (ep->cycles) {
            ep->cycles[ep->tx_cat] += n * cpu_cycles(ep_core(ep, p),
                                                     COST_GSO_SEGMENT, 0);
        }
        for (size_t i = 0; i < n; i++) {
            port_deliver(w, &ep->port, segs[i]);
        }
        return;
    }
    port_deliver(w, &ep->port, p);
}

static uint32_t
frame_ip_dst(const struct vh_packet *p)
{
    struct vh_flow f;
    vh_frame_flow(p->data, p->len, &f);
    return f.ip_dst;
}

static void
ep_arp_request_ready(struct vh_sim *sim, void *obj, void *arg)
{
    ep_transmit(world_of(sim), obj, arg);
}

/* A neighbour solicitation for 'target' (RFC 4861 section 7.2.2): to
 * its solicited-node group, from the address of the same scope, with
 * the interface's MAC as the source link-layer option; or, for
 * duplicate address detection ('dad'), from :: without the option. */
static uint32_t
ep_build_ns(const struct endpoint *ep, uint8_t *buf,
            const struct vh_ip6 *target, bool dad)
{
    struct vh_ip6 group = vh_ip6_solicited_node(target);
    struct vh_mac gmac = vh_ip6_multicast_mac(&group);
    const struct vh_ip6 *src = dad ? &vh_ip6_any
                               : vh_ip6_is_link_local(target) ? &ep->ll6
                               : &ep->ip6;
    struct vh_nd nd = {
        .type = VH_ICMP6_NS, .target = *target,
        .has_lladdr = !dad, .lladdr = ep->mac,
    };
    return vh_build_nd(buf, &gmac, &ep->mac, src, &group, &nd);
}

/* Room for an ND message's frame: Ethernet, IPv6, and the longest
 * message built (a router advertisement with its two options). */
#define EP_ND_ROOM 128

static void
ep_send_arp_request(struct world *w, struct endpoint *ep,
                    struct arp_entry *e, struct cpu_core *core,
                    enum cpu_cat cat)
{
    static const struct vh_mac zero;
    struct vh_packet *r = vh_packet_alloc_room(&w->pool, e->v6
                                               ? EP_ND_ROOM
                                               : VH_ETH_MIN_FRAME);
    if (e->v6) {
        r->len = ep_build_ns(ep, r->data, &e->ip6, false);
        ep->nd_solicits++;
    } else {
        r->len = vh_build_arp(r->data, VH_ARP_REQUEST, &ep->mac, ep->ip,
                              &zero, e->ip, &vh_mac_broadcast);
        ep->arp_requests++;
    }
    r->born = w->sim.now;
    r->exec = &core->srv;
    e->tries++;
    vh_timer_arm_at(&w->sim, &e->retry, w->sim.now + VH_DEF_ARP_RETRANS);
    /* ndisc_send_ns() does the work arp_send() does: one neighbour-layer
     * message built and handed to the device. */
    vh_time_t t = ep_charge(w, ep, core, COST_ARP_PROCESS, cat, r);
    vh_schedule_at(&w->sim, t, ep_arp_request_ready, ep, r);
}

/* No answer within the retransmission time: ask again, or give up and
 * fail what was waiting. */
static void
arp_retry(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct arp_entry *e = obj;
    struct endpoint *ep = e->ep;
    if (e->resolved) {
        return;
    }
    if (e->tries < VH_DEF_ARP_TRIES) {
        ep_send_arp_request(w, ep, e, ep->app_core, ep->tx_cat);
        return;
    }
    const char *reason = e->blame ? e->blame
                         : e->v6 ? "nd-failed" : "arp-failed";
    struct vh_packet *p;
    while ((p = vh_pktq_pop(&e->pending)) != NULL) {
        acct_drop(w, p, ep->dev, reason);
    }
    e->tries = 0;
    e->blame = NULL;
    (void) arg;
}

static bool
ep_on_link(const struct endpoint *ep, uint32_t ip)
{
    return ep->noarp || (ip & ep->netmask) == (ep->ip & ep->netmask);
}

/* Packet 'p' leaves for the neighbour of entry 'e': at once when its MAC
 * is known, else held while the stack asks (ARP or ND), the request work
 * of category 'cat'. */
static void
ep_resolve(struct world *w, struct endpoint *ep, struct vh_packet *p,
           struct arp_entry *e, enum cpu_cat cat)
{
    if (e->resolved) {
        vh_eth_set_dst(p->data, &e->mac);
        ep_transmit(w, ep, p);
        return;
    }
    if (vh_pktq_full(&e->pending)) {
        acct_drop(w, p, ep->dev, e->blame ? e->blame
                                 : e->v6 ? "nd-queue-full"
                                 : "arp-queue-full");
        return;
    }
    bool first = e->pending.count == 0 && !vh_timer_armed(&e->retry);
    vh_pktq_push(&e->pending, p);
    VH_TRACE(&w->trace, VH_HOP_ENQUEUE, .time = w->sim.now, .pkt = p,
             .dev = ep->dev, .depth = e->pending.count,
             .what = e->v6 ? "waiting for ND" : "waiting for ARP");
    if (first) {
        ep_send_arp_request(w, ep, e, ep_core(ep, p), cat);
    }
}

/* An IP packet is ready to leave for 'dst': find the next hop's MAC.  An
 * ARP request it needs is work of category 'cat'. */
static void
ep_send_ip(struct world *w, struct endpoint *ep, struct vh_packet *p,
           uint32_t dst, enum cpu_cat cat)
{
    uint32_t hop = dst;
    if (igmp_is_group(dst)) {
        /* No neighbour to resolve: the group's own MAC. */
        struct vh_mac m = igmp_group_mac(dst);
        vh_eth_set_dst(p->data, &m);
        ep_transmit(w, ep, p);
        return;
    }
    if (!ep_on_link(ep, dst)) {
        if (!ep->gateway) {
            acct_drop(w, p, ep->dev, "no-route");
            return;
        }
        hop = ep->gateway;
    }
    if (ep->noarp) {
        /* What the neighbour layer does on a NOARP device: the
         * interface's own address stands for every neighbour's. */
        vh_eth_set_dst(p->data, &ep->mac);
        ep_transmit(w, ep, p);
        return;
    }
    /* The common case, an answer known: the last one, or one from the
     * lookup array alone. */
    if (hop == ep->last_hop && hop) {
        vh_eth_set_dst(p->data, &ep->last_mac);
        ep_transmit(w, ep, p);
        return;
    }
    for (size_t i = 0; i < ep->n_arp; i++) {
        if (ep->neigh[i].key == hop && ep->neigh[i].resolved) {
            ep->last_hop = hop;
            ep->last_mac = ep->neigh[i].mac;
            vh_eth_set_dst(p->data, &ep->neigh[i].mac);
            ep_transmit(w, ep, p);
            return;
        }
    }
    ep_resolve(w, ep, p, arp_find(ep, hop, true), cat);
}

/* A fragment cut by ep_send_sized leaves, its ARP work of the category
 * of the packet it came from. */
static void
ep_frag_app(struct vh_sim *sim, void *obj, void *arg)
{
    struct endpoint *ep = obj;
    struct vh_packet *p = arg;
    ep_send_ip(world_of(sim), ep, p, frame_ip_dst(p), ep->tx_cat);
}

static void
ep_frag_rx(struct vh_sim *sim, void *obj, void *arg)
{
    struct endpoint *ep = obj;
    struct vh_packet *p = arg;
    ep_send_ip(world_of(sim), ep, p, frame_ip_dst(p), ep->rx_cat);
}

/* ep_send_ip for a packet that may be longer than the MTU: the stack
 * cuts it into fragments first, unless it was 'forwarded' with DF set,
 * which a router may not fragment (it would answer with ICMP
 * "fragmentation needed", which vhsim does not send). */
static void
ep_send_sized(struct world *w, struct endpoint *ep, struct vh_packet *p,
              uint32_t dst, enum cpu_cat cat, bool forwarded)
{
    if (ipfrag_ip_len(p) <= ep->mtu || offload_is_super(p)) {
        /* A super-frame is cut into segments that fit, not fragments. */
        ep_send_ip(w, ep, p, dst, cat);
        return;
    }
    if (forwarded && ipfrag_df(p)) {
        acct_drop(w, p, ep->dev, "fragmentation-needed");
        return;
    }
    struct vh_packet *f[IPFRAG_MAX];
    struct cpu_core *core = ep_core(ep, p);
    size_t n = ipfrag_split(w, p, ep->mtu, f);
    /* The first fragment is the packet the stack built; each further one
     * costs its own skb, header and pass to the device. */
    vh_time_t t = cpu_charge_n(w, core, COST_IP_FRAGMENT, (uint32_t) n - 1,
                               cat, f[0], ep->dev);
    for (size_t i = 0; i < n; i++) {
        vh_schedule_at(&w->sim, t, cat == ep->rx_cat ? ep_frag_rx
                                                     : ep_frag_app, ep, f[i]);
    }
}

static void ep_local_rx(struct world *, struct endpoint *,
                        struct vh_packet *, const struct vh_frame_info *);

static void
ep_lo_rx(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct endpoint *ep = obj;
    struct vh_packet *p = arg;
    struct vh_frame_info fi;
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = ep->dev, .what = "loopback");
    p->hops++;
    ep_charge(w, ep, ep_core(ep, p), COST_NETIF_RECEIVE, ep->rx_cat, p);
    vh_frame_parse(p->data, p->len, &fi, false);
    ep_local_rx(w, ep, p, &fi);
}

/* A packet for the stack itself goes through the loopback device: back
 * into the same namespace on the same core, never to the interface,
 * through the per-CPU backlog and the generic receive.  The loopback
 * device has no address, so its frames carry zero MACs. */
static void
ep_loopback(struct world *w, struct endpoint *ep, struct vh_packet *p,
            enum cpu_cat cat)
{
    static const struct vh_mac zero;
    vh_eth_set_src(p->data, &zero);
    vh_eth_set_dst(p->data, &zero);
    vh_time_t t = ep_charge(w, ep, ep_core(ep, p), COST_LOOPBACK_XMIT, cat,
                            p);
    vh_schedule_at(&w->sim, t, ep_lo_rx, ep, p);
}

bool
endpoint_is_local6(const struct endpoint *ep, const struct vh_ip6 *a)
{
    static const struct vh_ip6 loopback = { { [15] = 1 } };
    return (ep->has_ip6 && (vh_ip6_eq(a, &ep->ip6) || vh_ip6_eq(a, &ep->ll6)))
           || vh_ip6_eq(a, &loopback);
}

static bool
ep_on_link6(const struct world *w, const struct endpoint *ep,
            const struct vh_ip6 *a)
{
    return vh_ip6_is_link_local(a)
           || vh_ip6_same_prefix(a, &ep->ip6, ep->prefix6)
           || rdisc6_on_link(&ep->rd6, a, w->sim.now);
}

/* The stack's IPv6 output (ip6_output, then the neighbour layer): to
 * itself over loopback, to a group at its 33:33 MAC, to a neighbour on
 * link once ND found it, elsewhere to the default router an
 * advertisement named (resolved the same way), or nowhere. */
static void
ep_output6(struct world *w, struct endpoint *ep, struct vh_packet *p,
           enum cpu_cat cat)
{
    struct vh_ip6 dst;
    memcpy(dst.b, p->data + VH_ETH_HLEN + VH_IPV6_DST_OFF, 16);
    if (endpoint_is_local6(ep, &dst)) {
        ep_loopback(w, ep, p, cat);
        return;
    }
    if (vh_ip6_is_multicast(&dst)) {
        struct vh_mac m = vh_ip6_multicast_mac(&dst);
        vh_eth_set_dst(p->data, &m);
        ep_transmit(w, ep, p);
        return;
    }
    const struct vh_ip6 *hop = &dst;
    if (ep->has_ip6 && !ep_on_link6(w, ep, &dst)) {
        hop = rdisc6_router(&ep->rd6, w->sim.now);
    }
    if (!ep->has_ip6 || !hop) {
        acct_drop(w, p, ep->dev, "no-route");
        return;
    }
    ep_resolve(w, ep, p, nd_find(ep, hop, true), cat);
}

/* The stack's own output: a router on the interface may take packets for
 * other subnets. */
static void
ep_output(struct world *w, struct endpoint *ep, struct vh_packet *p)
{
    if (vh_eth_type(p->data) == VH_ETHERTYPE_IPV6) {
        ep_output6(w, ep, p, ep->tx_cat);
        return;
    }
    uint32_t dst = frame_ip_dst(p);
    if (ep_is_local(ep, dst)) {
        ep_loopback(w, ep, p, ep->tx_cat);
        return;
    }
    if (!ep_on_link(ep, dst) && ep->router
        && ep->router->output(w, ep, p, dst)) {
        return;
    }
    ep_send_sized(w, ep, p, dst, ep->tx_cat, false);
}

void
endpoint_output(struct world *w, struct endpoint *ep, struct vh_packet *p)
{
    ep_output(w, ep, p);
}

vh_time_t
endpoint_charge(struct world *w, struct endpoint *ep, struct cpu_core *core,
                enum cost_id id, enum cpu_cat cat, const struct vh_packet *p)
{
    return ep_charge(w, ep, core, id, cat, p);
}

void
endpoint_forward(struct world *w, struct endpoint *ep, struct vh_packet *p)
{
    vh_eth_set_src(p->data, &ep->mac);
    ep_send_sized(w, ep, p, frame_ip_dst(p), ep->rx_cat, true);
}

void
endpoint_forward_via(struct world *w, struct endpoint *ep,
                     struct vh_packet *p, uint32_t via)
{
    vh_eth_set_src(p->data, &ep->mac);
    ep_send_sized(w, ep, p, via, ep->rx_cat, true);
}

void
endpoint_arp_blame(struct endpoint *ep, uint32_t ip, const char *reason)
{
    struct arp_entry *e = arp_find(ep, ip, false);
    if (e && !e->resolved) {
        e->blame = reason;
    }
}

static void
ep_app_sent(struct vh_sim *sim, void *obj, void *arg)
{
    ep_output(world_of(sim), obj, arg);
}

void
endpoint_send(struct world *w, struct endpoint *ep, struct flow_stats *fs,
              uint64_t seq)
{
    const struct cfg_flow *cf = fs->cfg;
    struct endpoint *st = endpoint_stack(ep);
    /* Two applications of one stack talk over the loopback interface,
     * as a pod's containers do: from and to 127.0.0.1. */
    bool lo = fs->loopback;
    /* The destination MAC is the next hop's, filled in by ep_output. */
    struct vh_ip_hdr_spec spec = {
        .src_mac = st->mac,
        .ip_src = lo ? EP_LOOPBACK_ADDR : st->ip,
        .ip_dst = lo ? EP_LOOPBACK_ADDR : fs->dst_ip,
        .ip_id = st->next_ip_id++,
    };
    bool v6 = cf->family == 6;
    if (v6) {
        static const struct vh_ip6 loopback6 = { { [15] = 1 } };
        spec.ip_id = 0;
        st->next_ip_id--;       /* IPv6 has no identification field. */
        spec.v6 = true;
        spec.ip6_src = lo ? loopback6 : st->ip6;
        spec.ip6_dst = lo ? loopback6 : fs->dst_ip6;
    }

    /* A buffer for the frame's size: a flood of 64-byte frames holds a
     * small buffer per copy, not a full-size one.  A replayed frame's
     * size is its own. */
    struct vh_packet *p = cf->replay
        ? vh_packet_alloc(&w->pool)
        : vh_packet_alloc_room(&w->pool, cf->size > VH_ETH_MIN_FRAME
                                         + VH_ETH_FCS
                                         ? cf->size - VH_ETH_FCS
                                         : VH_ETH_MIN_FRAME);
    int flow = world_flow_index(w, fs);
    p->flow = flow;
    p->seq = seq;
    /* A sender woken from idle by its timer stamps after the wakeup. */
    p->born = cpu_wake_idle(w, ep->app_core, NULL, ep->dev);
    p->counted = 1;
    p->exec = &ep->app_core->srv;
    const struct cfg_replay_frame *rf = cf->replay
                                        ? &cf->replay->frames[seq] : NULL;
    if (rf && cf->proto == CFG_PROTO_ICMP) {
        p->len = vh_build_icmp_echo(p->data, &spec, VH_ICMP_ECHO_REQUEST,
                                    (uint16_t) (0x100 + flow),
                                    (uint16_t) seq, rf->payload,
                                    rf->payload_len);
    } else if (rf) {
        p->len = vh_build_udp(p->data, &spec, rf->sport, rf->dport,
                              rf->payload, rf->payload_len);
    } else if (cf->proto == CFG_PROTO_ICMP) {
        p->len = vh_build_icmp_echo(p->data, &spec, VH_ICMP_ECHO_REQUEST,
                                    (uint16_t) (0x100 + flow),
                                    (uint16_t) seq, NULL,
                                    v6 ? vh_icmp6_payload_for_size(cf->size)
                                       : vh_icmp_payload_for_size(cf->size));
    } else {
        /* With 'concurrent_flows', packets cycle through that many
         * 5-tuples, as a traffic generator's flow count makes. */
        uint16_t sport, dport;
        cfg_flow_tuple(cf, seq, &sport, &dport);
        p->len = vh_build_udp(p->data, &spec, sport, dport, NULL,
                              v6 ? vh_udp6_payload_for_size(cf->size)
                                 : vh_udp_payload_for_size(cf->size));
    }
    if (!fs->sent) {
        fs->first_sent = w->sim.now;
    }
    fs->last_sent = w->sim.now;
    fs->sent++;
    ep->host->packets++;
    ep->packets++;

    ep_charge(w, ep, ep->app_core, COST_SYSCALL, ep->app_cat, p);
    vh_time_t t = ep_charge(w, ep, ep->app_core, COST_STACK_TX, ep->tx_cat,
                            p);
    vh_schedule_at(&w->sim, t, ep_app_sent, st, p);
}

void
endpoint_send_udp(struct world *w, struct endpoint *ep, uint32_t dst_ip,
                  uint16_t sport, uint16_t dport, const uint8_t *payload,
                  uint32_t len, struct cpu_core *core, enum cpu_cat cat,
                  const struct vh_device *by)
{
    struct vh_ip_hdr_spec spec = {
        .src_mac = ep->mac,
        .ip_src = ep->ip,
        .ip_dst = dst_ip,
        .ip_id = ep->next_ip_id++,
    };
    struct vh_packet *p = vh_packet_alloc(&w->pool);
    p->born = w->sim.now;
    p->exec = &core->srv;
    p->len = vh_build_udp(p->data, &spec, sport, dport, payload, len);
    cpu_charge(w, core, COST_SYSCALL, 0, cat, p, by);
    vh_time_t t = cpu_charge(w, core, COST_STACK_TX, 0, cat, p, by);
    vh_schedule_at(&w->sim, t, ep_app_sent, ep, p);
}

/* --- Receive. --- */

/* Neighbour entry 'e' (if any) now knows 'mac': what waited for it
 * leaves. */
static void
neigh_learn(struct world *w, struct endpoint *ep, struct arp_entry *e,
            const struct vh_mac *mac)
{
    if (!e) {
        return;
    }
    e->mac = *mac;
    e->resolved = true;
    ep->neigh[e->slot].mac = *mac;
    ep->neigh[e->slot].resolved = true;
    if (ep->neigh[e->slot].key == ep->last_hop) {
        ep->last_mac = *mac;    /* Learned anew: a moved address. */
    }
    e->tries = 0;
    e->blame = NULL;
    vh_timer_cancel(&e->retry);
    struct vh_packet *q;
    while ((q = vh_pktq_pop(&e->pending)) != NULL) {
        vh_eth_set_dst(q->data, mac);
        ep_transmit(w, ep, q);
    }
}

static void
ep_learn(struct world *w, struct endpoint *ep, uint32_t ip,
         const struct vh_mac *mac, bool create)
{
    neigh_learn(w, ep, arp_find(ep, ip, create), mac);
}

static void
ep_learn6(struct world *w, struct endpoint *ep, const struct vh_ip6 *a,
          const struct vh_mac *mac, bool create)
{
    neigh_learn(w, ep, nd_find(ep, a, create), mac);
}

/* A neighbour discovery message for this stack (ndisc_rcv): a
 * solicitation for one of its addresses is answered with a solicited
 * advertisement and teaches the asker's MAC (RFC 4861 section 7.2.3);
 * an advertisement completes an entry it asked for.  A solicitation
 * from :: is a neighbour's duplicate address probe, for an address
 * that is never this one's.  A router advertisement is taken by a stack
 * that does not forward (Linux's accept_ra=1): it names a default
 * router and an on-link prefix, and its source link-layer option
 * resolves the router at once (RFC 4861 section 6.3.4).  Solicitations
 * of routers are left to the routers. */
static void
ep_nd_done(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct endpoint *ep = obj;
    struct vh_packet *p = arg;
    struct vh_frame_info fi;
    struct vh_nd nd;

    if (vh_frame_parse(p->data, p->len, &fi, false)
        || !vh_nd_parse(p->data, &fi, &nd)) {
        acct_drop(w, p, ep->dev, "malformed");
        return;
    }
    bool dad = vh_ip6_is_any(&fi.ip6_src);
    if (nd.type == VH_ICMP6_NS && endpoint_is_local6(ep, &nd.target)
        && !dad) {
        if (nd.has_lladdr) {
            ep_learn6(w, ep, &fi.ip6_src, &nd.lladdr, true);
        }
        struct vh_nd na = {
            .type = VH_ICMP6_NA, .target = nd.target,
            .na_flags = VH_NA_SOLICITED | VH_NA_OVERRIDE,
            .has_lladdr = true, .lladdr = ep->mac,
        };
        const struct vh_mac *to = nd.has_lladdr ? &nd.lladdr : &fi.src;
        p->len = vh_build_nd(p->data, to, &ep->mac, &nd.target, &fi.ip6_src,
                             &na);
        ep_transmit(w, ep, p);
        return;
    }
    if (nd.type == VH_ICMP6_NA && nd.has_lladdr) {
        ep_learn6(w, ep, &nd.target, &nd.lladdr, false);
    }
    if (nd.type == VH_ICMP6_RA && !ep->router
        && rdisc6_take(&ep->rd6, &fi.ip6_src, &nd, w->sim.now)) {
        vh_timer_cancel(&ep->rs_timer);
        if (nd.has_lladdr) {
            ep_learn6(w, ep, &fi.ip6_src, &nd.lladdr, true);
        }
    }
    acct_consume(w, p, ep->dev);
}

static void
ep_arp_done(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct endpoint *ep = obj;
    struct vh_packet *p = arg;
    struct vh_frame_info fi;

    if (vh_frame_parse(p->data, p->len, &fi, false) || !fi.is_arp) {
        acct_drop(w, p, ep->dev, "malformed");
        return;
    }
    bool for_me = fi.arp_tpa == ep->ip;
    /* Like Linux: learn the sender if the frame was for us, else only
     * refresh an entry we already had. */
    ep_learn(w, ep, fi.arp_spa, &fi.arp_sha, for_me);
    if (for_me && fi.arp_op == VH_ARP_REQUEST) {
        p->len = vh_build_arp(p->data, VH_ARP_REPLY, &ep->mac, ep->ip,
                              &fi.arp_sha, fi.arp_spa, &fi.arp_sha);
        ep_transmit(w, ep, p);
        return;
    }
    acct_consume(w, p, ep->dev);
}

static void
ep_udp_done(struct vh_sim *sim, void *obj, void *arg)
{
    struct endpoint *ep = obj;
    if (rr_udp_input(world_of(sim), ep, arg)) {
        return;                 /* A transaction's request or reply. */
    }
    acct_deliver(world_of(sim), arg, ep->dev);
}

/* See endpoint.h.  A container's ledger counts the IPI (its stack's)
 * and the switch (its application's), not the interrupt the host's
 * kernel takes. */
void
endpoint_app_wake(struct world *w, struct endpoint *ep, struct endpoint *app,
                  struct cpu_core *core, struct cpu_core *app_core,
                  enum cpu_cat cat, vh_time_t at, const struct vh_packet *p)
{
    if (app_core->srv.free_at >= at && app_core->woke_at <= app->recv_done) {
        return;                 /* Awake since its last call. */
    }
    app->wakeups++;
    if (app_core != core) {
        ep_charge(w, ep, core, COST_IPI, ep->rx_cat, p);
        app->host->interrupts++;
        cpu_charge(w, app_core, COST_HW_IRQ, 0, CPU_IRQ, p, app->dev);
    }
    ep_charge(w, app, app_core, COST_THREAD_WAKEUP, cat, p);
}

/* The application's receive call, on its own core once the stack has
 * queued the packet on its socket. */
static void
ep_app_recv(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct endpoint *app = obj;
    const struct vh_packet *p = arg;
    struct endpoint *st = endpoint_stack(app);
    endpoint_app_wake(w, st, app, cpu_exec_core(p, app->app_core),
                      app->app_core, app->app_cat, sim->now, p);
    vh_time_t t = ep_charge(w, app, app->app_core, COST_SYSCALL,
                            app->app_cat, arg);
    app->recv_done = t;
    vh_schedule_at(&w->sim, t, ep_udp_done, app, arg);
}

static void
ep_echo_done(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct endpoint *ep = obj;
    struct vh_packet *p = arg;
    struct vh_frame_info fi;

    if (vh_frame_parse(p->data, p->len, &fi, false)) {
        acct_drop(w, p, ep->dev, "malformed");
        return;
    }
    uint32_t plen = fi.ip_total_len - (fi.l4_off - fi.l3_off)
                    - VH_ICMP_HLEN;
    uint8_t payload[VH_PKT_DATAROOM];
    memcpy(payload, p->data + fi.l4_off + VH_ICMP_HLEN, plen);
    /* From the address the request was for: the stack's own, or
     * loopback's. */
    struct vh_ip_hdr_spec spec = {
        .dst_mac = fi.src, .src_mac = ep->mac,
        .ip_src = fi.ip_dst, .ip_dst = fi.ip_src,
        .ip_id = fi.is_ipv6 ? 0 : ep->next_ip_id++,
        .v6 = fi.is_ipv6, .ip6_src = fi.ip6_dst, .ip6_dst = fi.ip6_src,
    };
    p->len = vh_build_icmp_echo(p->data, &spec, VH_ICMP_ECHO_REPLY,
                                fi.icmp_id, fi.icmp_seq, payload, plen);
    p->is_reply = 1;
    if (fi.is_ipv6) {
        /* To the MAC the request came from, as for IPv4 on link: its
         * solicitation taught it; for a routed request, the router's,
         * where the default route leads too. */
        if (endpoint_is_local6(ep, &fi.ip6_src)) {
            ep_loopback(w, ep, p, ep->rx_cat);
        } else {
            ep_transmit(w, ep, p);
        }
        return;
    }
    if (ep_is_local(ep, fi.ip_src)) {
        /* A ping of the stack itself comes back over loopback. */
        ep_loopback(w, ep, p, ep->rx_cat);
        return;
    }
    if (!ep_on_link(ep, fi.ip_src)) {
        /* The request was routed here: so is the reply. */
        if (!ep->router || !ep->router->output(w, ep, p, fi.ip_src)) {
            ep_send_sized(w, ep, p, fi.ip_src, ep->rx_cat, false);
        }
        return;
    }
    if (ep->noarp || ipfrag_ip_len(p) > ep->mtu) {
        ep_send_sized(w, ep, p, fi.ip_src, ep->rx_cat, false);
        return;
    }
    ep_transmit(w, ep, p);
}

static void
ep_rx(struct world *w, struct port *port, struct vh_packet *p)
{
    struct endpoint *ep = port->owner;
    struct cpu_core *core = ep_core(ep, p);
    struct vh_frame_info fi;

    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = ep->dev);
    p->hops++;
    vh_frame_parse(p->data, p->len, &fi, false);
    if (!vh_mac_eq(&fi.dst, &ep->mac) && !vh_mac_is_multicast(&fi.dst)) {
        acct_drop(w, p, ep->dev, acct_not_for_me);
        return;
    }
    if (!endpoint_mac_accepts(ep, &fi.dst)) {
        /* A group the interface has not joined: the NIC's multicast
         * filter keeps it from the stack without counting it. */
        acct_consume(w, p, ep->dev);
        return;
    }
    if (fi.has_vlan && (fi.vlan_tci & 0xfff)) {
        /* A stack without a VLAN interface for the tag drops the frame
         * (Linux's 8021q layer: no device for that VID). */
        acct_drop(w, p, ep->dev, "no-vlan-interface");
        return;
    }
    if (fi.is_arp && ep->noarp) {
        /* arp_rcv() discards what reaches a NOARP device. */
        acct_consume(w, p, ep->dev);
        return;
    }
    if (fi.is_arp) {
        vh_time_t t = ep_charge(w, ep, core, COST_ARP_PROCESS, ep->rx_cat,
                                p);
        vh_schedule_at(&w->sim, t, ep_arp_done, ep, p);
        return;
    }
    if (fi.is_ipv6 && ep->has_ip6 && !ep->noarp) {
        if (fi.ip_proto == VH_IPPROTO_ICMPV6 && fi.icmp_type >= VH_ICMP6_RS
            && fi.icmp_type <= VH_ICMP6_NA) {
            vh_time_t t = ep_charge(w, ep, core, COST_ARP_PROCESS,
                                    ep->rx_cat, p);
            vh_schedule_at(&w->sim, t, ep_nd_done, ep, p);
            return;
        }
        ep_local_rx(w, ep, p, &fi);
        return;
    }
    if (!fi.is_ipv4) {
        /* A protocol this stack does not speak, such as the RARP a
         * migrated VM announces itself with (or IPv6 on an interface
         * without an IPv6 address): ignored, not an error. */
        acct_consume(w, p, ep->dev);
        return;
    }
    if (fi.is_ipv4 && ep->router && ep->router->input(w, ep, p, &fi)) {
        return;
    }
    ep_local_rx(w, ep, p, &fi);
}

void
endpoint_input(struct world *w, struct endpoint *ep, struct vh_packet *p)
{
    struct vh_frame_info fi;
    vh_frame_parse(p->data, p->len, &fi, false);
    ep_local_rx(w, ep, p, &fi);
}

/* The application of stack 'ep' that packet 'p' is for: its flow's
 * receiving end (the sender, for a reply) when that is an application of
 * this stack, else the stack's own. */
static struct endpoint *
ep_app_of(struct world *w, struct endpoint *ep, const struct vh_packet *p)
{
    if (p->flow < 0 || (size_t) p->flow >= w->n_flows) {
        return ep;
    }
    const struct flow_stats *fs = &w->flows[p->flow];
    struct endpoint *app = p->is_reply ? fs->src : fs->dst;
    return app && app->stack == ep ? app : ep;
}

/* Is 'fi' an ICMP (or ICMPv6) echo request, or with 'request' false a
 * reply? */
static bool
is_echo(const struct vh_frame_info *fi, bool request)
{
    if (fi->is_ipv6) {
        return fi->ip_proto == VH_IPPROTO_ICMPV6
               && fi->icmp_type == (request ? VH_ICMP6_ECHO_REQUEST
                                            : VH_ICMP6_ECHO_REPLY);
    }
    return fi->ip_proto == VH_IPPROTO_ICMP
           && fi->icmp_type == (request ? VH_ICMP_ECHO_REQUEST
                                        : VH_ICMP_ECHO_REPLY);
}

/* An IP packet for this endpoint's own stack. */
static void
ep_local_rx(struct world *w, struct endpoint *ep, struct vh_packet *p,
            const struct vh_frame_info *fip)
{
    struct cpu_core *core = ep_core(ep, p);
    /* The parse the caller made, or after reassembly the whole
     * datagram's: a pointer, since copying the 96 bytes for every packet
     * was most of this function's time. */
    const struct vh_frame_info *fi = fip;
    struct vh_frame_info whole;

    bool mine = fi->is_ipv6 ? endpoint_is_local6(ep, &fi->ip6_dst)
                : fi->is_ipv4 && (ep_is_local(ep, fi->ip_dst)
                                 || endpoint_in_group(ep, fi->ip_dst));
    if (!mine) {
        acct_drop(w, p, ep->dev, acct_not_for_me);
        return;
    }
    if (fi->is_ipv4 && ipfrag_is_fragment(p->data, fi)) {
        if (!ep->frags) {
            ep->frags = ipfrag_table_create(ep->dev);
        }
        cpu_charge(w, core, COST_IP_DEFRAG, 0, ep->rx_cat, p, ep->dev);
        p = ipfrag_gather(w, ep->frags, p, fi);
        if (!p) {
            return;
        }
        vh_frame_parse(p->data, p->len, &whole, false);
        fi = &whole;
    }
    for (size_t i = 0; fi->is_ipv4 && i < ep->n_binds; i++) {
        const struct ep_binding *b = &ep->binds[i];
        if (b->proto == fi->ip_proto
            && (fi->ip_proto != VH_IPPROTO_UDP || b->port == fi->dport)) {
            b->input(w, ep, p, fi, b->ctx);
            return;
        }
    }
    if (p->flow >= 0 && (size_t) p->flow < w->n_flows) {
        /* Private addresses repeat (every Docker host has a 172.17.0.2):
         * a packet may reach a stack that has its address but is not its
         * flow's end, and then it is not delivered. */
        const struct flow_stats *fs = &w->flows[p->flow];
        struct endpoint *want = p->is_reply ? fs->src : fs->dst;
        if (want && endpoint_stack(want) != ep) {
            acct_drop(w, p, ep->dev, "wrong-host");
            return;
        }
    }
    struct endpoint *app = ep_app_of(w, ep, p);
    if (p->flow >= 0) {
        ep->host->packets++;
        app->packets++;
    }
    vh_time_t t = ep_charge(w, ep, core, COST_STACK_RX, ep->rx_cat, p);
    if (ep->sw_csum) {
        /* No receive checksum offload: the stack sums the whole packet. */
        t = cpu_charge(w, core, COST_CSUM_BYTE, p->len, ep->rx_cat, p,
                       ep->dev);
    }
    if (fi->ip_proto == VH_IPPROTO_TCP) {
        tcp_input(w, ep, p, fi, core, t);
        return;
    }
    if (is_echo(fi, true)) {
        /* The kernel answers: receive and transmit, no application. */
        t = ep_charge(w, ep, core, COST_STACK_TX, ep->rx_cat, p);
        vh_schedule_at(&w->sim, t, ep_echo_done, ep, p);
        return;
    }
    if (fi->ip_proto == VH_IPPROTO_UDP || is_echo(fi, false)) {
        /* The application's receive call: on its own core when it is a
         * process of its own, else where the stack ran. */
        if (app->app_rx) {
            vh_schedule_at(&w->sim, t, ep_app_recv, app, p);
            return;
        }
        endpoint_app_wake(w, ep, app, core, core, ep->rx_cat, t, p);
        t = ep_charge(w, app, core, COST_SYSCALL, ep->rx_cat, p);
        app->recv_done = t;
        vh_schedule_at(&w->sim, t, ep_udp_done, app, p);
        return;
    }
    if (fi->ip_proto == VH_IPPROTO_ICMP
        || (fi->is_ipv6 && fi->ip_proto == VH_IPPROTO_ICMPV6)) {
        /* An ICMP error about a packet it sent (a router's time
         * exceeded): the kernel notes it for the socket, whose
         * application does not ask (no IP_RECVERR). */
        acct_consume(w, p, ep->dev);
        return;
    }
    acct_drop(w, p, ep->dev, "unsupported-protocol");
}

struct endpoint *
endpoint_create(struct host *h, struct vh_device *dev, const char *owner_path,
                const struct vh_mac *mac, uint32_t ip, int prefix,
                struct cpu_core *app_core, enum cpu_cat app_cat,
                enum cpu_cat rx_cat)
{
    struct endpoint *ep = vh_xcalloc_lines(1, sizeof *ep);
    ep->dev = dev;
    ep->owner_path = owner_path;
    ep->host = h;
    port_init(&ep->port, ep_rx, ep, dev, 0);
    ep->port.takes_gso = true;      /* A stack takes what GRO merged. */
    ep->mac = *mac;
    ep->ip = ip;
    ep->netmask = prefix ? 0xffffffffu << (32 - prefix) : 0;
    ep->app_core = app_core;
    ep->app_cat = app_cat;
    ep->rx_cat = rx_cat;
    ep->tx_cat = app_cat;
    ep->next_ip_id = 1;
    ep->mtu = VH_DEF_MTU;
    return ep;
}

/* The duplicate address probe of the address: one solicitation from ::
 * (Linux's dad_transmits 1), its own address's group the target's. */
static void
ep_dad_probe(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct endpoint *ep = obj;
    struct vh_packet *r = vh_packet_alloc_room(&w->pool, EP_ND_ROOM);
    r->len = ep_build_ns(ep, r->data, &ep->ip6, true);
    r->born = sim->now;
    r->exec = &ep->app_core->srv;
    ep->nd_solicits++;
    vh_time_t t = ep_charge(w, ep, ep->app_core, COST_ARP_PROCESS,
                            ep->tx_cat, r);
    vh_schedule_at(&w->sim, t, ep_arp_request_ready, ep, r);
    (void) arg;
}

/* A router solicitation to all routers, from the link-local address
 * with the interface's MAC (RFC 4861 section 4.1), the next one armed
 * until an advertisement comes or the tries run out.  A stack that
 * routes (a NAT network's host) takes no advertisements and asks for
 * none. */
static void
ep_router_solicit(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct endpoint *ep = obj;
    (void) arg;
    if (ep->router || ep->rd6.heard
        || ep->rd6.solicits >= RDISC6_MAX_SOLICITS) {
        return;
    }
    struct vh_mac gmac = vh_ip6_multicast_mac(&vh_ip6_all_routers);
    struct vh_nd rs = {
        .type = VH_ICMP6_RS, .has_lladdr = true, .lladdr = ep->mac,
    };
    struct vh_packet *r = vh_packet_alloc_room(&w->pool, EP_ND_ROOM);
    r->len = vh_build_nd(r->data, &gmac, &ep->mac, &ep->ll6,
                         &vh_ip6_all_routers, &rs);
    r->born = sim->now;
    r->exec = &ep->app_core->srv;
    ep->rd6.solicits++;
    if (ep->rd6.solicits < RDISC6_MAX_SOLICITS) {
        vh_timer_arm_at(sim, &ep->rs_timer,
                        sim->now + RDISC6_SOLICIT_INTERVAL);
    }
    /* ndisc_send_rs() builds and sends one ND message, as for a
     * neighbour solicitation. */
    vh_time_t t = ep_charge(w, ep, ep->app_core, COST_ARP_PROCESS,
                            ep->tx_cat, r);
    vh_schedule_at(&w->sim, t, ep_arp_request_ready, ep, r);
}

void
endpoint_set_ip6(struct world *w, struct endpoint *ep,
                 const struct vh_ip6 *addr, int prefix)
{
    ep->has_ip6 = true;
    ep->ip6 = *addr;
    ep->prefix6 = prefix;
    ep->ll6 = vh_ip6_link_local(&ep->mac);
    vh_schedule_at(&w->sim, 0, ep_dad_probe, ep, NULL);
    vh_timer_init(&ep->rs_timer, ep_router_solicit, ep);
    vh_timer_arm_at(&w->sim, &ep->rs_timer, 0);
}

struct endpoint *
endpoint_create_app(struct endpoint *stack, struct vh_device *dev,
                    const char *owner_path, struct cpu_core *app_core,
                    uint64_t *cycles)
{
    struct endpoint *st = endpoint_stack(stack);
    struct endpoint *ep = vh_xcalloc_lines(1, sizeof *ep);
    ep->dev = dev;
    ep->owner_path = owner_path;
    ep->host = st->host;
    port_init(&ep->port, NULL, ep, dev, 0);     /* Never joined. */
    ep->mac = st->mac;
    ep->ip = st->ip;
    ep->netmask = st->netmask;
    ep->has_ip6 = st->has_ip6;
    ep->ip6 = st->ip6;
    ep->prefix6 = st->prefix6;
    ep->ll6 = st->ll6;
    ep->gateway = st->gateway;
    ep->app_core = app_core;
    ep->app_cat = CPU_APP;
    ep->rx_cat = CPU_SOFTIRQ;
    ep->tx_cat = CPU_SOFTIRQ;
    ep->stack = st;
    ep->app_rx = true;
    ep->cycles = cycles;
    return ep;
}

void
endpoint_bind(struct endpoint *ep, uint8_t proto, uint16_t port,
              ep_bound_fn input, void *ctx)
{
    ep->binds = vh_xgrow(ep->binds, ep->n_binds, sizeof *ep->binds);
    ep->binds[ep->n_binds++] = (struct ep_binding) { proto, port, input,
                                                     ctx };
}

void *
endpoint_bound(const struct endpoint *ep, uint8_t proto, uint16_t port)
{
    for (size_t i = 0; i < ep->n_binds; i++) {
        if (ep->binds[i].proto == proto && ep->binds[i].port == port) {
            return ep->binds[i].ctx;
        }
    }
    return NULL;
}

bool
endpoint_hook_router(struct endpoint *ep, const struct ep_router_ops *ops,
                     void *ctx)
{
    if (ep->router && (ep->router != ops || ep->router_ctx != ctx)) {
        return false;
    }
    ep->router = ops;
    ep->router_ctx = ctx;
    return true;
}

void
endpoint_unbind(struct endpoint *ep, uint8_t proto, uint16_t port)
{
    for (size_t i = 0; i < ep->n_binds; i++) {
        if (ep->binds[i].proto == proto && ep->binds[i].port == port) {
            memmove(&ep->binds[i], &ep->binds[i + 1],
                    (ep->n_binds - i - 1) * sizeof *ep->binds);
            ep->n_binds--;
            return;
        }
    }
}

void
endpoint_free(struct endpoint *ep)
{
    if (!ep) {
        return;
    }
    for (size_t i = 0; i < ep->n_arp; i++) {
        vh_pktq_purge(&ep->arp[i]->pending);
        free(ep->arp[i]);
    }
    free(ep->arp);
    free(ep->neigh);
    free(ep->binds);
    free(ep->groups);
    ipfrag_table_free(ep->frags);
    free(ep);
}
