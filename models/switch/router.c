/* models/switch/router.c: a hardware IPv4 router: longest-prefix match,
 * ECMP by a 5-tuple hash, TTL, ARP for next hops. */
#include "models/switch/router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/flow6.h"
#include "sim/hash.h"
#include "models/core/acct.h"
#include "models/core/defaults.h"
#include "models/core/devclass.h"
#include "models/core/world.h"
#include "models/endpoint/igmp.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

/* ICMP errors a router sends, at most: Linux's defaults for the whole
 * host (net.ipv4.icmp_msgs_per_sec, icmp_msgs_burst); hardware routers
 * police their control plane likewise. */
#define VH_ROUTER_ICMP_RATE 1000
#define VH_ROUTER_ICMP_BURST 50
#define VH_ICMP_TIME_EXCEEDED 11
#define VH_ROUTER_ETHERTYPE_IPV6 0x86dd

static uint32_t
mask_of(int prefix)
{
    return prefix ? 0xffffffffu << (32 - prefix) : 0;
}


static void
rt_drop(struct world *w, struct router *rt, struct vh_packet *p,
        struct vh_device *at, const char *reason)
{
    vh_drops_add(&rt->drops, reason);
    acct_drop(w, p, at, reason);
}

/* Queues 'p' on the egress buffer of 'rp' (fabport_send's own drops,
 * counted here too). */
static void
rt_send(struct world *w, struct rt_port *rp, struct vh_packet *p)
{
    struct router *rt = rp->rt;
    if (!rp->fp.port.link) {
        rt_drop(w, rt, p, &rp->fp.dev, "no-cable");
        return;
    }
    if (vh_pktq_full(&rp->fp.egress)) {
        rt_drop(w, rt, p, &rp->fp.dev, "switch-buffer-full");
        return;
    }
    rt->dev.tx++;
    fabport_send(w, &rp->fp, p);
}

void
router_port_send(struct world *w, struct rt_port *rp, struct vh_packet *p)
{
    rt_send(w, rp, p);
}

void
router_drop(struct world *w, struct router *rt, struct vh_packet *p,
            struct vh_device *at, const char *reason)
{
    rt_drop(w, rt, p, at, reason);
}

/* --- Neighbours (ARP). --- */

static void neigh_retry(struct vh_sim *, void *obj, void *arg);

static struct rt_neigh *
neigh_find(struct rt_port *rp, uint32_t ip, bool create)
{
    for (size_t i = 0; i < rp->n_neigh; i++) {
        if (rp->neigh[i]->ip == ip) {
            return rp->neigh[i];
        }
    }
    if (!create) {
        return NULL;
    }
    struct rt_neigh *n = vh_xcalloc(1, sizeof *n);
    rp->neigh = vh_xgrow(rp->neigh, rp->n_neigh, sizeof *rp->neigh);
    rp->neigh[rp->n_neigh++] = n;
    n->port = rp;
    n->ip = ip;
    vh_timer_init(&n->retry, neigh_retry, n);
    vh_pktq_init(&n->pending, VH_DEF_ARP_QUEUE);
    return n;
}

static void
neigh_request(struct world *w, struct rt_neigh *n)
{
    static const struct vh_mac zero;
    struct rt_port *rp = n->port;
    struct vh_packet *r = vh_packet_alloc(&w->pool);
    r->len = vh_build_arp(r->data, VH_ARP_REQUEST, &rp->mac, rp->ifc->ip,
                          &zero, n->ip, &vh_mac_broadcast);
    r->born = w->sim.now;
    n->tries++;
    rp->arp_requests++;
    vh_timer_arm_at(&w->sim, &n->retry, w->sim.now + VH_DEF_ARP_RETRANS);
    rt_send(w, rp, r);
}

/* No answer within the retransmission time: ask again, or give up and
 * drop what was waiting. */
static void
neigh_retry(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct rt_neigh *n = obj;
    if (n->resolved) {
        return;
    }
    if (n->tries < VH_DEF_ARP_TRIES) {
        neigh_request(w, n);
        return;
    }
    struct vh_packet *p;
    while ((p = vh_pktq_pop(&n->pending)) != NULL) {
        rt_drop(w, n->port->rt, p, &n->port->rt->dev, "arp-failed");
    }
    n->tries = 0;
    (void) arg;
}

/* Learns 'ip' at 'mac' on 'rp' (a new entry only with 'create', as Linux
 * does for an ARP frame not addressed to it) and sends what waited. */
static void
neigh_learn(struct world *w, struct rt_port *rp, uint32_t ip,
            const struct vh_mac *mac, bool create)
{
    struct rt_neigh *n = neigh_find(rp, ip, create);
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
        rt_send(w, rp, q);
    }
}

/* Sends the IPv4 packet 'p' out of 'rp' to neighbour 'hop': from the
 * port's MAC to the neighbour's, once ARP has found it. */
static void
rt_output(struct world *w, struct rt_port *rp, uint32_t hop,
          struct vh_packet *p)
{
    vh_eth_set_src(p->data, &rp->mac);
    struct rt_neigh *n = neigh_find(rp, hop, true);
    if (n->resolved) {
        vh_eth_set_dst(p->data, &n->mac);
        rt_send(w, rp, p);
        return;
    }
    if (vh_pktq_full(&n->pending)) {
        rt_drop(w, rp->rt, p, &rp->rt->dev, "arp-queue-full");
        return;
    }
    bool first = n->pending.count == 0 && !vh_timer_armed(&n->retry);
    vh_pktq_push(&n->pending, p);
    VH_TRACE(&w->trace, VH_HOP_ENQUEUE, .time = w->sim.now, .pkt = p,
             .dev = &rp->fp.dev, .depth = n->pending.count,
             .what = "waiting for ARP");
    if (first) {
        neigh_request(w, n);
    }
}

/* --- Routing. --- */

const struct rt_route *
router_lookup(const struct router *rt, uint32_t dst)
{
    for (size_t i = 0; i < rt->n_fib; i++) {
        const struct rt_route *r = rt->fib[i];
        if ((dst & r->mask) == r->dst) {
            return r;
        }
    }
    return NULL;
}

const struct rt_nexthop *
router_pick(const struct router *rt, const struct rt_route *r,
            const struct vh_flow *f)
{
    if (r->n_nh == 1) {
        return &r->nh[0];
    }
    /* Hash-threshold (RFC 2992): equal regions of the hash's range. */
    return &r->nh[((uint64_t) router_flow_hash(rt, f) * r->n_nh) >> 32];
}

uint32_t
router_flow_hash(const struct router *rt, const struct vh_flow *f)
{
    /* MurmurHash3 (sim/hash.h): every input bit moves every output bit,
     * as an ASIC's CRC does for the same purpose. */
    uint32_t h = rt->seed;
    h = vh_hash_add(h, f->ip_src);
    h = vh_hash_add(h, f->ip_dst);
    h = vh_hash_add(h, f->proto);
    h = vh_hash_add(h, (uint32_t) f->sport << 16 | f->dport);
    return vh_hash_finish(h ^ 13);
}

/* Notes that a packet of traffic[] flow 'flow' took 'nh'. */
static void
nh_mark_flow(struct rt_nexthop *nh, int flow)
{
    if (flow < 0) {
        return;
    }
    size_t word = (size_t) flow / 64;
    if (word >= nh->n_flow_words) {
        nh->flows = vh_xrealloc(nh->flows, (word + 1) * sizeof *nh->flows);
        memset(nh->flows + nh->n_flow_words, 0,
               (word + 1 - nh->n_flow_words) * sizeof *nh->flows);
        nh->n_flow_words = word + 1;
    }
    nh->flows[word] |= 1ULL << (flow % 64);
}

/* Sends the IPv4 packet 'p' for 'dst' by the routing table; it came in
 * by 'in' (NULL: the router's own). */
static void
rt_forward(struct world *w, struct router *rt, struct rt_port *in,
           struct vh_packet *p, uint32_t dst)
{
    struct rt_route *r = (struct rt_route *) router_lookup(rt, dst);
    if (!r) {
        rt_drop(w, rt, p, &rt->dev, "no-route");
        return;
    }
    struct vh_flow f;
    vh_frame_flow_for_hash(p->data, p->len, &f);
    struct rt_nexthop *nh = (struct rt_nexthop *) router_pick(rt, r, &f);
    struct rt_port *out = &rt->ports[nh->port];
    uint32_t bytes = p->len + VH_ETH_FCS;
    r->frames++;
    nh->frames++;
    nh->bytes += bytes;
    nh_mark_flow(nh, p->flow);
    if (in) {
        in->routed_in++;
    }
    out->routed_out++;
    out->bytes_out += bytes;
    rt->routed++;
    rt->routed_bytes += bytes;
    VH_TRACE(&w->trace, VH_HOP_DECIDE, .time = w->sim.now, .pkt = p,
             .dev = &rt->dev, .what = r->connected ? "connected route"
                                    : r->n_nh > 1 ? "ECMP next hop"
                                    : "static route");
    rt_output(w, out, nh->via ? nh->via : dst, p);
}

/* The router's own address 'ip', on any interface: true if it has it. */
static bool
rt_owns(const struct router *rt, uint32_t ip)
{
    for (int i = 0; i < rt->n_ports; i++) {
        if (rt->ports[i].ifc && rt->ports[i].ifc->ip == ip) {
            return true;
        }
    }
    return false;
}

/* An IPv4 packet for the router itself: an echo request is answered
 * (the reply routed back as any packet), anything else ends here. */
static void
rt_local(struct world *w, struct router *rt, struct rt_port *rp,
         struct vh_packet *p, const struct vh_frame_info *fi)
{
    if (fi->ip_proto != VH_IPPROTO_ICMP
        || fi->icmp_type != VH_ICMP_ECHO_REQUEST) {
        acct_consume(w, p, &rt->dev);
        return;
    }
    uint32_t plen = fi->ip_total_len - VH_IPV4_HLEN - VH_ICMP_HLEN;
    uint8_t payload[VH_PKT_DATAROOM];
    memcpy(payload, p->data + fi->l4_off + VH_ICMP_HLEN, plen);
    struct vh_ip_hdr_spec spec = {
        .src_mac = rp->mac, .ip_src = fi->ip_dst, .ip_dst = fi->ip_src,
        .ip_id = (uint16_t) ++rt->echo_replies,
    };
    p->len = vh_build_icmp_echo(p->data, &spec, VH_ICMP_ECHO_REPLY,
                                fi->icmp_id, fi->icmp_seq, payload, plen);
    p->is_reply = 1;
    rt_forward(w, rt, NULL, p, fi->ip_src);
}

/* Whether an ICMP error may be sent now: a token bucket of
 * VH_ROUTER_ICMP_RATE messages a second holding VH_ROUTER_ICMP_BURST, kept
 * as the time at which it would be full again (a GCRA). */
static bool
rt_icmp_allowed(struct router *rt, vh_time_t now)
{
    const vh_time_t t = VH_SEC / VH_ROUTER_ICMP_RATE;
    vh_time_t tat = rt->icmp_tat > now ? rt->icmp_tat : now;
    if (tat - now > t * (VH_ROUTER_ICMP_BURST - 1)) {
        return false;
    }
    rt->icmp_tat = tat + t;
    return true;
}

/* An ICMP error is never sent about an ICMP error (RFC 1122, 3.2.2). */
static bool
is_icmp_error(const struct vh_frame_info *fi)
{
    return fi->ip_proto == VH_IPPROTO_ICMP
           && fi->icmp_type != VH_ICMP_ECHO_REQUEST
           && fi->icmp_type != VH_ICMP_ECHO_REPLY;
}

/* Tells the sender of 'p', which came in by 'rp' and whose TTL ran out
 * here, with an ICMP time exceeded (type 11, code 0) quoting its IP
 * header and the first 8 bytes behind it (RFC 792), from the address of
 * the interface it came in by, as traceroute shows routers. */
static void
rt_time_exceeded(struct world *w, struct router *rt, struct rt_port *rp,
                 const struct vh_packet *p, const struct vh_frame_info *fi)
{
    if (is_icmp_error(fi) || !rt_icmp_allowed(rt, w->sim.now)) {
        return;
    }
    const uint8_t *ip = p->data + fi->l3_off;
    uint32_t quote = (uint32_t) (ip[0] & 0x0f) * 4 + 8;
    if (quote > p->len - fi->l3_off) {
        quote = p->len - fi->l3_off;
    }
    struct vh_ip_hdr_spec spec = {
        .src_mac = rp->mac, .ip_src = rp->ifc->ip, .ip_dst = fi->ip_src,
        .ip_id = (uint16_t) ++rt->time_exceeded,
    };
    struct vh_packet *e = vh_packet_alloc(&w->pool);
    e->born = w->sim.now;
    /* The echo builder writes the 4 bytes after the checksum as id and
     * sequence: zero, they are time exceeded's unused field. */
    e->len = vh_build_icmp_echo(e->data, &spec, VH_ICMP_TIME_EXCEEDED, 0, 0,
                                ip, quote);
    rt_forward(w, rt, NULL, e, fi->ip_src);
}

static void
rt_arp(struct world *w, struct rt_port *rp, struct vh_packet *p,
       const struct vh_frame_info *fi)
{
    bool for_me = fi->arp_tpa == rp->ifc->ip;
    neigh_learn(w, rp, fi->arp_spa, &fi->arp_sha, for_me);
    if (for_me && fi->arp_op == VH_ARP_REQUEST) {
        p->len = vh_build_arp(p->data, VH_ARP_REPLY, &rp->mac, rp->ifc->ip,
                              &fi->arp_sha, fi->arp_spa, &fi->arp_sha);
        rt_send(w, rp, p);
        return;
    }
    acct_consume(w, p, &rp->fp.dev);
}

/* Once the forwarding latency has passed: what the frame is, and where it
 * goes. */
static void
rt_process(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct rt_port *rp = obj;
    struct router *rt = rp->rt;
    struct vh_packet *p = arg;
    struct vh_frame_info fi;

    bool bad = vh_frame_parse(p->data, p->len, &fi, false) != 0;
    if (!vh_mac_eq(&fi.dst, &rp->mac) && !vh_mac_is_multicast(&fi.dst)) {
        rt_drop(w, rt, p, &rp->fp.dev, acct_not_for_me);
        return;
    }
    if (fi.has_vlan && (fi.vlan_tci & 0xfff)) {
        rt_drop(w, rt, p, &rp->fp.dev, "no-vlan-interface");
        return;
    }
    if (fi.ethertype == VH_ROUTER_ETHERTYPE_IPV6) {
        router6_input(w, rp, p, &fi);
        return;
    }
    if (fi.is_arp && !bad) {
        rt_arp(w, rp, p, &fi);
        return;
    }
    if (!fi.is_ipv4 && !bad) {
        acct_consume(w, p, &rp->fp.dev);  /* LLDP, LACP, RARP: not routed. */
        return;
    }
    if (bad) {
        rt_drop(w, rt, p, &rp->fp.dev, "malformed");
        return;
    }
    if (igmp_is_group(fi.ip_dst) && !igmp_is_link_local(fi.ip_dst)) {
        /* No multicast routing here (no PIM): see router.h. */
        rt_drop(w, rt, p, &rp->fp.dev, "multicast-not-routed");
        return;
    }
    if (vh_mac_is_multicast(&fi.dst)) {
        acct_consume(w, p, &rp->fp.dev);  /* A broadcast is not routed. */
        return;
    }
    if (rt_owns(rt, fi.ip_dst)) {
        rt_local(w, rt, rp, p, &fi);
        return;
    }
    if (fi.ip_ttl <= 1) {
        rt_time_exceeded(w, rt, rp, p, &fi);
        rt_drop(w, rt, p, &rt->dev, "ttl-exceeded");
        return;
    }
    vh_ipv4_dec_ttl(p->data + fi.l3_off);
    rt_forward(w, rt, rp, p, fi.ip_dst);
}

/* A whole frame has been received on a port (counted and captured). */
static void
rt_port_rx(struct world *w, struct port *port, struct vh_packet *p)
{
    struct rt_port *rp = fabport_of(port)->owner;
    struct router *rt = rp->rt;

    rt->dev.rx++;
    p->in_port = (uint16_t) port->index;
    p->hops++;
    if (!rp->ifc) {
        rt_drop(w, rt, p, &rp->fp.dev, "no-interface");
        return;
    }
    if (!swacl_permits(&rt->acl, port->index + 1, p)) {
        rt_drop(w, rt, p, &rp->fp.dev, "acl-deny");
        return;
    }
    vh_time_t lat = hw_time(w, COST_ROUTER_LATENCY, 0);
    VH_TRACE(&w->trace, VH_HOP_SERVICE, .time = w->sim.now,
             .end = w->sim.now + lat, .pkt = p, .dev = &rt->dev);
    vh_schedule_in(&w->sim, lat, rt_process, rp, p);
}

/* --- Building. --- */

/* The forwarding table: a connected route per interface, then the
 * static routes, in the order of the scenario ('routes'); 'fib' points
 * at them longest prefix first, a connected route first among equals. */
static void
rt_build_fib(struct router *rt)
{
    const struct router_cfg *rc = rt->rc;
    size_t n = rc->n_ifs + rc->n_routes;
    rt->routes = vh_xcalloc(n ? n : 1, sizeof *rt->routes);
    rt->fib = vh_xcalloc(n ? n : 1, sizeof *rt->fib);
    for (size_t i = 0; i < rc->n_ifs; i++) {
        const struct router_if_cfg *ifc = &rc->ifs[i];
        struct rt_route *r = &rt->routes[rt->n_routes++];
        r->prefix = ifc->prefix;
        r->mask = mask_of(ifc->prefix);
        r->dst = ifc->ip & r->mask;
        r->connected = true;
        r->nh = vh_xcalloc(1, sizeof *r->nh);
        r->n_nh = 1;
        r->nh[0].port = ifc->port - 1;
    }
    for (size_t i = 0; i < rc->n_routes; i++) {
        const struct router_route_cfg *sr = &rc->routes[i];
        if (sr->v6) {
            continue;           /* router6.c routes by the configuration. */
        }
        struct rt_route *r = &rt->routes[rt->n_routes++];
        r->prefix = sr->prefix;
        r->mask = mask_of(sr->prefix);
        r->dst = sr->dst;
        r->nh = vh_xcalloc(sr->n_via, sizeof *r->nh);
        r->n_nh = sr->n_via;
        for (size_t k = 0; k < sr->n_via; k++) {
            r->nh[k].via = sr->via[k];
            /* The loader checked each next hop is on a connected subnet. */
            for (size_t j = 0; j < rc->n_ifs; j++) {
                uint32_t m = mask_of(rc->ifs[j].prefix);
                if ((rc->ifs[j].ip & m) == (sr->via[k] & m)) {
                    r->nh[k].port = rc->ifs[j].port - 1;
                }
            }
        }
    }
    /* Insertion sort, stable: the tables are a handful of routes. */
    for (size_t i = 0; i < rt->n_routes; i++) {
        struct rt_route *r = &rt->routes[i];
        size_t j = rt->n_fib++;
        while (j > 0 && rt->fib[j - 1]->prefix < r->prefix) {
            rt->fib[j] = rt->fib[j - 1];
            j--;
        }
        rt->fib[j] = r;
    }
}

static struct router *
router_create(struct world *w, const struct cfg_switch *cfg)
{
    static const struct router_cfg none;
    struct router *rt = vh_xcalloc(1, sizeof *rt);
    dev_register(w, &rt->dev, &router_class, NULL, cfg->name);
    rt->dev.report = 1;
    rt->w = w;
    rt->cfg = cfg;
    rt->rc = router_cfg_of(cfg) ? router_cfg_of(cfg) : &none;
    rt->seed = vh_hash_str(rt->dev.path);   /* The same in every run. */
    vh_drops_init(&rt->drops);
    swacl_init(&rt->acl, cfg->acl, cfg->n_acl);
    rt->n_ports = cfg->ports;
    rt->ports = vh_xcalloc((size_t) cfg->ports, sizeof *rt->ports);
    int buffer = cfg->port_buffer ? cfg->port_buffer
                                  : VH_DEF_SWITCH_PORT_BUFFER;
    for (int i = 0; i < cfg->ports; i++) {
        struct rt_port *rp = &rt->ports[i];
        char name[16];
        snprintf(name, sizeof name, "p%d", i + 1);
        rp->rt = rt;
        fabport_init(w, &rp->fp, &rt->dev, name, i, rt_port_rx, rp,
                     cfg->speed_bps, buffer);
        /* A locally administered MAC of its own per routed port. */
        uint32_t h = vh_hash_str(rp->fp.dev.path);
        rp->mac = (struct vh_mac) { { 0x02, 0x1a, (uint8_t) (h >> 24),
                                      (uint8_t) (h >> 16),
                                      (uint8_t) (h >> 8), (uint8_t) h } };
    }
    for (size_t k = 0; k < rt->rc->n_ifs; k++) {
        struct rt_port *rp = &rt->ports[rt->rc->ifs[k].port - 1];
        rp->ifc = &rt->rc->ifs[k];
        if (rp->ifc->has_ip6) {
            router6_start(w, rp);
        }
    }
    rt_build_fib(rt);
    return rt;
}

struct rt_port *
router_port(struct router *rt, int n)
{
    return n >= 1 && n <= rt->n_ports ? &rt->ports[n - 1] : NULL;
}

/* --- The class. --- */

static bool
router_build(struct world *w, struct host *h, const void *cfg,
             struct vh_diag *diag)
{
    router_create(w, cfg);
    (void) h;
    (void) diag;
    return true;
}

static void
router_destroy(struct vh_device *d)
{
    struct router *rt = VH_CONTAINER_OF(d, struct router, dev);
    for (int i = 0; i < rt->n_ports; i++) {
        struct rt_port *rp = &rt->ports[i];
        for (size_t k = 0; k < rp->n_neigh; k++) {
            vh_pktq_purge(&rp->neigh[k]->pending);
            free(rp->neigh[k]);
        }
        free(rp->neigh);
        router6_destroy(rp);
    }
    for (size_t i = 0; i < rt->n_routes; i++) {
        for (size_t k = 0; k < rt->routes[i].n_nh; k++) {
            free(rt->routes[i].nh[k].flows);
        }
        free(rt->routes[i].nh);
    }
    free(rt->routes);
    free(rt->fib);
    swacl_destroy(&rt->acl);
    free(rt->ports);
    free(rt);
}

static bool
router_reports(const struct vh_device *d)
{
    (void) d;
    return true;
}

/* "p7" of "leaf1/p7". */
static const char *
port_name(const struct rt_port *rp)
{
    const char *slash = strrchr(rp->fp.dev.path, '/');
    return slash ? slash + 1 : rp->fp.dev.path;
}

static void
report_next_hop(const struct router *rt, const struct rt_nexthop *nh,
                struct report_out *out)
{
    char a[16];
    report_out_begin_item(out);
    report_out_str(out, "via", nh->via ? vh_ipv4_format(nh->via, a)
                                       : "direct");
    report_out_str(out, "port", port_name(&rt->ports[nh->port]));
    report_out_num(out, "frames", (double) nh->frames);
    report_out_num(out, "bytes", (double) nh->bytes);
    report_out_begin_list(out, "flows");
    for (size_t i = 0; i < rt->w->n_flows; i++) {
        if (i / 64 < nh->n_flow_words
            && (nh->flows[i / 64] >> (i % 64)) & 1) {
            report_out_str(out, "flow", rt->w->flows[i].cfg->name);
        }
    }
    report_out_end(out);
    report_out_end(out);
}

/* Its mode and what it routed; per interface the packets routed in by
 * it and out of it; per route (connected ones first, then the static
 * ones in the scenario's order) and per next hop the packets that took
 * it, with the flows they belonged to; its drops by reason; the ACL's
 * hits when it has one.  The terminal lists only the interfaces and
 * routes that carried something. */
static void
router_report(const struct vh_device *d, struct report_out *out)
{
    const struct router *rt = VH_CONTAINER_OF(d, const struct router, dev);
    char a[16], net[24];
    report_out_str(out, "mode", "router");
    report_out_num(out, "routed", (double) rt->routed);
    report_out_num(out, "routed_bytes", (double) rt->routed_bytes);
    /* The terminal leaves out what carried nothing. */
    bool text = report_out_is_text(out);
    report_out_begin_list(out, "interfaces");
    for (int i = 0; i < rt->n_ports; i++) {
        const struct rt_port *rp = &rt->ports[i];
        if (!rp->ifc || (text && !rp->routed_in && !rp->routed_out
                         && !rp->ifc->has_ip6)) {
            continue;
        }
        char mac[18];
        snprintf(net, sizeof net, "%s/%d", vh_ipv4_format(rp->ifc->ip, a),
                 rp->ifc->prefix);
        report_out_begin_item(out);
        report_out_str(out, "port", port_name(rp));
        report_out_str(out, "ip", net);
        report_out_str(out, "mac", vh_mac_format(&rp->mac, mac));
        report_out_num(out, "routed_in", (double) rp->routed_in);
        report_out_num(out, "routed_out", (double) rp->routed_out);
        report_out_num(out, "bytes_out", (double) rp->bytes_out);
        report_out_num(out, "arp_requests", (double) rp->arp_requests);
        if (rp->ifc->has_ip6) {
            router6_report(rp, out);
        }
        report_out_end(out);
    }
    report_out_end(out);
    report_out_begin_list(out, "routes");
    for (size_t i = 0; i < rt->n_routes; i++) {
        const struct rt_route *r = &rt->routes[i];
        if (text && !r->frames) {
            continue;
        }
        snprintf(net, sizeof net, "%s/%d", vh_ipv4_format(r->dst, a),
                 r->prefix);
        report_out_begin_item(out);
        report_out_str(out, "dst", net);
        report_out_str(out, "type", r->connected ? "connected" : "static");
        report_out_num(out, "frames", (double) r->frames);
        report_out_begin_list(out, "next_hops");
        for (size_t k = 0; k < r->n_nh; k++) {
            report_next_hop(rt, &r->nh[k], out);
        }
        report_out_end(out);
        report_out_end(out);
    }
    report_out_end(out);
    report_out_begin(out, "drops");
    for (size_t i = 0; i < rt->drops.n; i++) {
        report_out_num(out, rt->drops.reason[i],
                       (double) rt->drops.count[i]);
    }
    report_out_end(out);
    if (rt->echo_replies) {
        report_out_num(out, "echo_replies", (double) rt->echo_replies);
    }
    if (rt->time_exceeded) {
        report_out_num(out, "time_exceeded_sent",
                       (double) rt->time_exceeded);
    }
    if (rt->acl.n) {
        swacl_report(&rt->acl, out);
    }
}

static const char *const router_modes[] = { "router", NULL };
static const char *const router_keys[] = { "interfaces", "routes", NULL };

const struct dev_class router_class = {
    .kind = "router",
    .role = VH_ROLE_SWITCHING,
    .family = DEV_FAM_SWITCH,
    .accepts = router_modes,
    .described = "switches of mode router",
    .keys = router_keys,
    .parse = router_cfg_parse,
    .free_priv = router_cfg_free,
    .build = router_build,
    .top_section = "switches",
    .reports = router_reports,
    .report = router_report,
    .destroy = router_destroy,
};
