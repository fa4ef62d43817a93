/* models/switch/router6.c: the IPv6 side of a router's interfaces, as
 * neighbour discovery (RFC 4861) asks of a router, with radvd's defaults:
 * neighbour advertisements for its addresses, router advertisements of
 * its prefix, answers to ping6; and forwarding between the subnets of its
 * interfaces, resolving each next hop by neighbour solicitation.
 *
 * The ND messages are built and their options read by sim/ip6; an echo
 * reply is the request turned round in place. */
#include "models/switch/router.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/defaults.h"
#include "models/core/devclass.h"
#include "models/core/world.h"
#include "sim/flow6.h"
#include "sim/ip6.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

/* The router's advertising variables: RFC 4861 6.2.1 and 10, as radvd
 * sets them by default (radvd.conf(5)). */
#define MAX_RTR_ADV_INTERVAL (600 * VH_SEC)
#define MIN_RTR_ADV_INTERVAL (198 * VH_SEC)         /* 0.33 of the max. */
#define MAX_INITIAL_RTR_ADVERT_INTERVAL (16 * VH_SEC)
#define MAX_INITIAL_RTR_ADVERTISEMENTS 3
#define MIN_DELAY_BETWEEN_RAS (3 * VH_SEC)
#define MAX_RA_DELAY_TIME (VH_SEC / 2)
#define ADV_CUR_HOP_LIMIT 64
#define ADV_DEFAULT_LIFETIME 1800                   /* s: 3 * the max. */
#define ADV_VALID_LIFETIME 86400                    /* s */
#define ADV_PREFERRED_LIFETIME 14400                /* s */
#define PREFIX_ON_LINK 0x80
#define PREFIX_AUTONOMOUS 0x40

/* Address resolution (RFC 4861 10): MAX_MULTICAST_SOLICIT solicitations
 * RETRANS_TIMER apart, the same numbers as ARP's in vhsim
 * (models/core/defaults.h). */
#define MAX_MULTICAST_SOLICIT VH_DEF_ARP_TRIES
#define RETRANS_TIMER VH_DEF_ARP_RETRANS

/* --- Frames. --- */

/* The router keeps its addresses as sixteen bytes (router.h); sim/ip6
 * takes them typed. */
static struct vh_ip6
ip6_of(const uint8_t *a)
{
    struct vh_ip6 x;
    memcpy(x.b, a, sizeof x.b);
    return x;
}

/* The router advertisement of 'rp' (RFC 4861 4.2): the current hop
 * limit, no managed or other-configuration flag, the router lifetime,
 * reachable time and retransmission timer left to the hosts (0); the
 * port's link-layer address; the interface's prefix, on-link, and
 * autonomous (for SLAAC) when it is a /64. */
static struct vh_packet *
build_ra(struct world *w, const struct rt_port *rp)
{
    const struct router_if_cfg *ifc = rp->ifc;
    struct vh_packet *p = vh_packet_alloc(&w->pool);
    struct vh_nd ra = {
        .type = VH_ICMP6_RA,
        .cur_hop_limit = ADV_CUR_HOP_LIMIT,
        .router_lifetime = ADV_DEFAULT_LIFETIME,
        .has_lladdr = true, .lladdr = rp->mac,
        .has_prefix = true, .prefix = ip6_of(ifc->ip6),
        .prefix_len = (uint8_t) ifc->prefix6,
        .prefix_flags = PREFIX_ON_LINK
                        | (ifc->prefix6 == 64 ? PREFIX_AUTONOMOUS : 0),
        .valid_s = ADV_VALID_LIFETIME,
        .preferred_s = ADV_PREFERRED_LIFETIME,
    };
    struct vh_ip6 src = ip6_of(rp->ll6);
    struct vh_mac dst = vh_ip6_multicast_mac(&vh_ip6_all_nodes);
    p->len = vh_build_nd(p->data, &dst, &rp->mac, &src, &vh_ip6_all_nodes,
                         &ra);
    p->born = w->sim.now;
    return p;
}

/* --- Router advertisements. --- */

/* Sends one to all nodes, and arms the next: at a random time between
 * the minimum and maximum intervals, or sooner for the first few, so
 * that a host that just came up learns of the router quickly (RFC 4861
 * 6.2.4). */
static void
ra_fire(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct rt_port *rp = obj;
    (void) arg;

    struct vh_packet *p = build_ra(w, rp);
    rp->ra_sent++;
    rp->ra_last = sim->now;
    rp->ra_any = true;
    VH_TRACE(&w->trace, VH_HOP_DECIDE, .time = sim->now, .pkt = p,
             .dev = &rp->fp.dev, .what = "router advertisement");
    router_port_send(w, rp, p);

    vh_time_t next = MIN_RTR_ADV_INTERVAL
                     + (vh_time_t) vh_rng_below(&rp->ra_rng,
                                                (uint64_t) (MAX_RTR_ADV_INTERVAL
                                                - MIN_RTR_ADV_INTERVAL));
    if (rp->ra_sent < MAX_INITIAL_RTR_ADVERTISEMENTS
        && next > MAX_INITIAL_RTR_ADVERT_INTERVAL) {
        next = MAX_INITIAL_RTR_ADVERT_INTERVAL;
    }
    vh_timer_arm_at(sim, &rp->ra_timer, sim->now + next);
}

/* A router solicitation: the next advertisement goes out within
 * MAX_RA_DELAY_TIME (a random delay, so that routers on one link do not
 * answer at once), but never sooner than MIN_DELAY_BETWEEN_RAS after the
 * last (RFC 4861 6.2.6).  It is multicast, as the RFC's usual case, and
 * restarts the periodic schedule. */
static void
ra_solicited(struct world *w, struct rt_port *rp)
{
    vh_time_t delay = (vh_time_t) vh_rng_below(&rp->ra_rng,
                                               (uint64_t) MAX_RA_DELAY_TIME);
    vh_time_t t = w->sim.now + delay;
    if (rp->ra_any && t < rp->ra_last + MIN_DELAY_BETWEEN_RAS) {
        t = rp->ra_last + MIN_DELAY_BETWEEN_RAS + delay;
    }
    if (!vh_timer_armed(&rp->ra_timer) || rp->ra_timer.when > t) {
        vh_timer_arm_at(&w->sim, &rp->ra_timer, t);
    }
}

void
router6_start(struct world *w, struct rt_port *rp)
{
    char stream[96];

    struct vh_ip6 ll = vh_ip6_link_local(&rp->mac);
    memcpy(rp->ll6, ll.b, sizeof rp->ll6);
    snprintf(stream, sizeof stream, "%s/ra", rp->fp.dev.path);
    vh_rng_seed(&rp->ra_rng, w->cfg->seed, stream);
    vh_timer_init(&rp->ra_timer, ra_fire, rp);
    vh_timer_arm_at(&w->sim, &rp->ra_timer, w->sim.now);
}

/* --- Neighbours. --- */

static void neigh6_retry(struct vh_sim *, void *obj, void *arg);

static struct rt_neigh6 *
neigh6_find(struct rt_port *rp, const uint8_t *ip, bool create)
{
    for (size_t i = 0; i < rp->n_neigh6; i++) {
        if (!memcmp(rp->neigh6[i]->ip, ip, 16)) {
            return rp->neigh6[i];
        }
    }
    if (!create) {
        return NULL;
    }
    struct rt_neigh6 *n = vh_xcalloc(1, sizeof *n);
    rp->neigh6 = vh_xgrow(rp->neigh6, rp->n_neigh6, sizeof *rp->neigh6);
    rp->neigh6[rp->n_neigh6++] = n;
    n->port = rp;
    memcpy(n->ip, ip, 16);
    vh_timer_init(&n->retry, neigh6_retry, n);
    vh_pktq_init(&n->pending, VH_DEF_ARP_QUEUE);
    return n;
}

/* A neighbour solicitation for 'n' (RFC 4861 7.2.2): to the target's
 * solicited-node group (ff02::1:ff and its last 24 bits), from the
 * interface's address, with the port's MAC as source link-layer
 * address. */
static void
neigh6_solicit(struct world *w, struct rt_neigh6 *n)
{
    struct rt_port *rp = n->port;
    struct vh_nd ns = {
        .type = VH_ICMP6_NS, .target = ip6_of(n->ip),
        .has_lladdr = true, .lladdr = rp->mac,
    };
    struct vh_ip6 src = ip6_of(rp->ifc->ip6);
    struct vh_ip6 group = vh_ip6_solicited_node(&ns.target);
    struct vh_mac dst = vh_ip6_multicast_mac(&group);

    struct vh_packet *p = vh_packet_alloc(&w->pool);
    p->len = vh_build_nd(p->data, &dst, &rp->mac, &src, &group, &ns);
    p->born = w->sim.now;
    n->tries++;
    rp->ns_sent++;
    vh_timer_arm_at(&w->sim, &n->retry, w->sim.now + RETRANS_TIMER);
    router_port_send(w, rp, p);
}

/* No answer within RETRANS_TIMER: ask again, or give up and drop what
 * was waiting. */
static void
neigh6_retry(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct rt_neigh6 *n = obj;
    (void) arg;
    if (n->resolved) {
        return;
    }
    if (n->tries < MAX_MULTICAST_SOLICIT) {
        neigh6_solicit(w, n);
        return;
    }
    struct vh_packet *p;
    while ((p = vh_pktq_pop(&n->pending)) != NULL) {
        router_drop(w, n->port->rt, p, &n->port->rt->dev, "nd-failed");
    }
    n->tries = 0;
}

/* Learns that 'ip' is at 'mac' on 'rp' (a new entry only with 'create')
 * and sends what waited for it. */
static void
neigh6_learn(struct world *w, struct rt_port *rp, const uint8_t *ip,
             const struct vh_mac *mac, bool create)
{
    struct rt_neigh6 *n = neigh6_find(rp, ip, create);
    if (!n) {
        return;
    }
    n->mac = *mac;
    n->resolved = true;
    n->tries = 0;
    vh_timer_cancel(&n->retry);
    struct vh_packet *q;
    while ((q = vh_pktq_pop(&n->pending)) != NULL) {
        vh_eth_set_dst(q->data, mac);
        router_port_send(w, rp, q);
    }
}

void
router6_destroy(struct rt_port *rp)
{
    for (size_t k = 0; k < rp->n_neigh6; k++) {
        vh_pktq_purge(&rp->neigh6[k]->pending);
        free(rp->neigh6[k]);
    }
    free(rp->neigh6);
}

/* --- Forwarding. --- */

static bool
prefix_holds(const uint8_t *net, int plen, const uint8_t *a)
{
    for (int b = 0; b < plen; b++) {
        if ((a[b / 8] ^ net[b / 8]) >> (7 - b % 8) & 1) {
            return false;
        }
    }
    return true;
}

/* The port whose interface's IPv6 subnet holds 'a' (longest prefix
 * first, though the loader lets no two overlap), or NULL. */
static struct rt_port *
connected6(struct router *rt, const uint8_t *a, int *plen)
{
    struct rt_port *best = NULL;
    for (int i = 0; i < rt->n_ports; i++) {
        struct rt_port *rp = &rt->ports[i];
        if (rp->ifc && rp->ifc->has_ip6
            && prefix_holds(rp->ifc->ip6, rp->ifc->prefix6, a)
            && (!best || rp->ifc->prefix6 > *plen)) {
            best = rp;
            *plen = rp->ifc->prefix6;
        }
    }
    return best;
}

/* Where 'p' (for 'dst') goes: the longest prefix among the connected
 * IPv6 subnets and the IPv6 "routes", a connected one winning a tie.
 * Sets '*hop' to the neighbour to send to: 'dst' itself on a connected
 * subnet, or one of the route's next hops, picked by the router's
 * 5-tuple hash as IPv4's ECMP (router_pick).  NULL: no route. */
static struct rt_port *
route6(struct router *rt, const struct vh_packet *p, const uint8_t *dst,
       const uint8_t **hop)
{
    int plen = -1;
    struct rt_port *out = connected6(rt, dst, &plen);
    const struct router_route_cfg *best = NULL;
    *hop = dst;
    for (size_t i = 0; i < rt->rc->n_routes; i++) {
        const struct router_route_cfg *r = &rt->rc->routes[i];
        if (r->v6 && r->prefix > plen && prefix_holds(r->dst6, r->prefix,
                                                     dst)) {
            best = r;
            plen = r->prefix;
        }
    }
    if (!best) {
        return out;
    }
    struct vh_flow f;
    vh_frame_flow_for_hash(p->data, p->len, &f);
    size_t k = (size_t) (((uint64_t) router_flow_hash(rt, &f)
                          * best->n_via) >> 32);
    *hop = best->via6[k];
    return connected6(rt, *hop, &plen);
}

/* A packet for another address: the hop limit (RFC 8200 3: a router
 * discards a packet whose hop limit reaches zero), the connected subnet
 * it is for, and its next hop's MAC by neighbour discovery. */
static void
forward6(struct world *w, struct rt_port *in, struct vh_packet *p,
         uint8_t *ip)
{
    struct router *rt = in->rt;
    if (ip[VH_IPV6_HOPS_OFF] <= 1) {
        router_drop(w, rt, p, &rt->dev, "hop-limit-exceeded");
        return;
    }
    const uint8_t *hop;
    struct rt_port *out = route6(rt, p, ip + VH_IPV6_DST_OFF, &hop);
    if (!out) {
        router_drop(w, rt, p, &rt->dev, "no-route");
        return;
    }
    ip[VH_IPV6_HOPS_OFF]--;         /* No header checksum in IPv6. */
    uint32_t bytes = p->len + VH_ETH_FCS;
    in->routed_in++;
    out->routed_out++;
    out->bytes_out += bytes;
    rt->routed++;
    rt->routed_bytes += bytes;
    VH_TRACE(&w->trace, VH_HOP_DECIDE, .time = w->sim.now, .pkt = p,
             .dev = &rt->dev, .what = "IPv6 route");

    vh_eth_set_src(p->data, &out->mac);
    struct rt_neigh6 *n = neigh6_find(out, hop, true);
    if (n->resolved) {
        vh_eth_set_dst(p->data, &n->mac);
        router_port_send(w, out, p);
        return;
    }
    if (vh_pktq_full(&n->pending)) {
        router_drop(w, rt, p, &rt->dev, "nd-queue-full");
        return;
    }
    bool first = n->pending.count == 0 && !vh_timer_armed(&n->retry);
    vh_pktq_push(&n->pending, p);
    VH_TRACE(&w->trace, VH_HOP_ENQUEUE, .time = w->sim.now, .pkt = p,
             .dev = &out->fp.dev, .depth = n->pending.count,
             .what = "waiting for neighbour discovery");
    if (first) {
        neigh6_solicit(w, n);
    }
}

/* --- Input. --- */

static bool
is_mine(const struct rt_port *rp, const uint8_t *a)
{
    return !memcmp(a, rp->ifc->ip6, 16) || !memcmp(a, rp->ll6, 16);
}

/* Answers a solicitation for one of the port's addresses (RFC 4861
 * 7.2.4): from that address, to the solicitor, or to all nodes when the
 * solicitor has no address yet (duplicate address detection, where the
 * answer says the address is taken), with the router flag and the
 * port's MAC. */
static void
answer_ns(struct world *w, struct rt_port *rp, struct vh_packet *p,
          const struct vh_frame_info *fi, const uint8_t *ip,
          const struct vh_ip6 *target)
{
    struct vh_ip6 src_ip = ip6_of(ip + VH_IPV6_SRC_OFF);
    bool dad = vh_ip6_is_any(&src_ip);
    struct vh_nd na = {
        .type = VH_ICMP6_NA, .target = *target,
        .na_flags = VH_NA_ROUTER | (dad ? 0 : VH_NA_SOLICITED)
                    | VH_NA_OVERRIDE,
        .has_lladdr = true, .lladdr = rp->mac,
    };
    struct vh_ip6 to = dad ? vh_ip6_all_nodes : src_ip;
    struct vh_mac dst = dad ? vh_ip6_multicast_mac(&vh_ip6_all_nodes)
                            : fi->src;
    p->len = vh_build_nd(p->data, &dst, &rp->mac, &na.target, &to, &na);
    p->is_reply = 1;
    rp->na_sent++;
    router_port_send(w, rp, p);
}

/* An echo reply (RFC 4443 4.2): the request's identifier, sequence and
 * data, back from the address it was sent to. */
static void
answer_echo(struct world *w, struct rt_port *rp, struct vh_packet *p,
            const struct vh_frame_info *fi, const uint8_t *ip, uint32_t len)
{
    /* A reply carries the default hop limit, not ND's 255. */
    struct vh_ip_hdr_spec spec = {
        .dst_mac = fi->src, .src_mac = rp->mac, .ttl = ADV_CUR_HOP_LIMIT,
        .v6 = true, .ip6_src = ip6_of(ip + VH_IPV6_DST_OFF),
        .ip6_dst = ip6_of(ip + VH_IPV6_SRC_OFF),
    };
    uint32_t l4 = vh_put_eth_ip(p->data, &spec, VH_IPPROTO_ICMPV6, len);
    uint8_t *m = p->data + l4;
    m[0] = VH_ICMP6_ECHO_REPLY;
    vh_put_be16(m + 2, 0);
    uint32_t sum = vh_pseudo_sum_spec(&spec, VH_IPPROTO_ICMPV6, len);
    vh_put_be16(m + 2, vh_csum_fold(vh_csum_partial(m, len, sum)));
    p->len = l4 + len;
    p->is_reply = 1;
    rp->echo6_replies++;
    router_port_send(w, rp, p);
}

void
router6_input(struct world *w, struct rt_port *rp, struct vh_packet *p,
              const struct vh_frame_info *fi)
{
    struct router *rt = rp->rt;
    const uint8_t *ip = p->data + fi->l3_off;
    uint32_t room = p->len - fi->l3_off;

    if (room < VH_IPV6_HLEN || ip[0] >> 4 != 6 || fi->l3_off != VH_ETH_HLEN) {
        router_drop(w, rt, p, &rp->fp.dev, "malformed");
        return;
    }
    uint32_t plen = vh_get_be16(ip + VH_IPV6_PLEN_OFF);
    bool to_me = rp->ifc->has_ip6 && is_mine(rp, ip + VH_IPV6_DST_OFF);
    bool mcast = ip[VH_IPV6_DST_OFF] == 0xff;
    if (!rp->ifc->has_ip6) {
        router_drop(w, rt, p, &rp->fp.dev, "ipv6-not-routed");
        return;
    }
    if (!to_me && !mcast) {
        if (!vh_mac_is_multicast(&fi->dst)) {
            forward6(w, rp, p, p->data + fi->l3_off);
        } else {
            acct_consume(w, p, &rp->fp.dev);
        }
        return;
    }
    if (ip[VH_IPV6_NEXT_OFF] != VH_IPPROTO_ICMPV6 || plen < 8
        || plen > room - VH_IPV6_HLEN) {
        acct_consume(w, p, &rp->fp.dev);
        return;
    }
    const uint8_t *m = ip + VH_IPV6_HLEN;
    /* A solicitation or advertisement counts only if it passes the
     * checks of RFC 4861 7.1.1 (hop limit 255, code 0, its length and
     * options whole); of a router solicitation, from which nothing is
     * read, only the hop limit and code are checked. */
    struct vh_nd nd;
    bool nd_valid = vh_nd_parse(p->data, fi, &nd);
    switch (m[0]) {
    case VH_ICMP6_RS:
        if (ip[VH_IPV6_HOPS_OFF] == VH_ND_HOP_LIMIT && m[1] == 0) {
            rp->rs_received++;
            ra_solicited(w, rp);
        }
        break;
    case VH_ICMP6_NS:
        if (nd_valid && is_mine(rp, nd.target.b)) {
            /* The solicitor's address and MAC, for the way back (RFC
             * 4861 7.2.3). */
            if (nd.has_lladdr
                && memcmp(ip + VH_IPV6_SRC_OFF, vh_ip6_any.b, 16)) {
                neigh6_learn(w, rp, ip + VH_IPV6_SRC_OFF, &nd.lladdr, true);
            }
            rp->ns_received++;
            answer_ns(w, rp, p, fi, ip, &nd.target);
            return;
        }
        break;
    case VH_ICMP6_NA:
        /* An answer to a solicitation of its own, or an update of a
         * neighbour it knows: never a new entry (RFC 4861 7.2.5). */
        if (nd_valid) {
            struct vh_mac mac = nd.has_lladdr ? nd.lladdr : fi->src;
            neigh6_learn(w, rp, nd.target.b, &mac, false);
        }
        break;
    case VH_ICMP6_ECHO_REQUEST:
        if (to_me) {
            answer_echo(w, rp, p, fi, ip, plen);
            return;
        }
        break;
    default:
        break;
    }
    acct_consume(w, p, &rp->fp.dev);
}

/* --- Report. --- */

void
router6_report(const struct rt_port *rp, struct report_out *out)
{
    char a[64], net[72];
    inet_ntop(AF_INET6, rp->ifc->ip6, a, sizeof a);
    snprintf(net, sizeof net, "%s/%d", a, rp->ifc->prefix6);
    report_out_str(out, "ip6", net);
    report_out_str(out, "link_local", inet_ntop(AF_INET6, rp->ll6, a,
                                                sizeof a));
    report_out_num(out, "router_advertisements", (double) rp->ra_sent);
    report_out_num(out, "router_solicitations", (double) rp->rs_received);
    report_out_num(out, "neighbor_advertisements", (double) rp->na_sent);
    if (rp->echo6_replies) {
        report_out_num(out, "echo6_replies", (double) rp->echo6_replies);
    }
}
