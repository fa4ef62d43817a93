/* models/tunnel/vtep.c: tunnel endpoints, their encapsulation and their
 * shared receive handlers. */
#include "models/tunnel/vtep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/config.h"
#include "models/core/defaults.h"
#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "models/endpoint/igmp.h"
#include "models/tunnel/geneve.h"
#include "models/tunnel/gre.h"
#include "models/tunnel/tnl_outer.h"
#include "models/tunnel/vxlan.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

const char *const vtep_type_names[VTEP_NVGRE + 1] = {
    "vxlan", "geneve", "gre", "nvgre",
};

static bool
is_udp(enum vtep_type t)
{
    return t == VTEP_VXLAN || t == VTEP_GENEVE;
}

void
vtep_cfg_init(struct vtep_cfg *c, enum vtep_type type, bool ovs)
{
    memset(c, 0, sizeof *c);
    c->type = type;
    c->has_key = type != VTEP_GRE;
    /* Linux's devices leave the TTL unset (0): the route's hop limit,
     * 64, or 1 to a multicast group (vxlan_xmit_one).  Open vSwitch sets
     * 64 (options:ttl). */
    c->ttl = ovs ? VH_DEF_TUNNEL_TTL : 0;
    c->ageing = VH_DEF_FDB_AGEING;
    c->cat = CPU_VSWITCH;
    switch (type) {
    case VTEP_VXLAN:
        c->port = VXLAN_PORT;
        c->sport_min = TNL_SPORT_LINUX_MIN;
        c->sport_max = TNL_SPORT_LINUX_MAX;
        c->learning = !ovs;
        break;
    case VTEP_GENEVE:
        /* geneve_xmit: udp_flow_src_port(net, skb, 1, USHRT_MAX, true). */
        c->port = GENEVE_PORT;
        c->sport_min = 1;
        c->sport_max = 65535;
        break;
    case VTEP_GRE:
    case VTEP_NVGRE:
        break;
    }
    /* Linux's gretap sets DF ("pmtudisc", iproute2's default); its vxlan
     * and geneve devices leave it clear ("df unset").  Open vSwitch sets
     * it on every tunnel (options:df_default=true). */
    c->df = ovs || !is_udp(type);
}

/* --- Forwarding table and remotes. --- */

void
vtep_add_remote(struct vtep *v, uint32_t ip)
{
    for (size_t i = 0; i < v->n_remotes; i++) {
        if (v->remotes[i] == ip) {
            return;
        }
    }
    v->remotes = vh_xgrow(v->remotes, v->n_remotes, sizeof *v->remotes);
    v->remotes[v->n_remotes++] = ip;
}

static struct vtep_fdb *
fdb_find(const struct vtep *v, const struct vh_mac *mac)
{
    for (size_t i = 0; i < v->n_fdb; i++) {
        if (vh_mac_eq(&v->fdb[i].mac, mac)) {
            return &v->fdb[i];
        }
    }
    return NULL;
}

/* Whether entry 'e' still holds at 'now': a static one always, a
 * learned one until 'ageing' has passed since a frame last came from its
 * MAC (vxlan_cleanup removes it then; vhsim ignores it, which forwards
 * the same way). */
static bool
fdb_live(const struct vtep *v, const struct vtep_fdb *e, vh_time_t now)
{
    return !e->learned || now - e->seen < v->cfg.ageing;
}

size_t
vtep_fdb_learned(const struct vtep *v, vh_time_t now)
{
    size_t n = 0;
    for (size_t i = 0; i < v->n_fdb; i++) {
        n += v->fdb[i].learned && fdb_live(v, &v->fdb[i], now);
    }
    return n;
}

uint32_t
vtep_fdb_lookup(const struct vtep *v, const struct vh_mac *mac,
                vh_time_t now)
{
    const struct vtep_fdb *e = fdb_find(v, mac);
    return e && fdb_live(v, e, now) ? e->remote : 0;
}

static void
fdb_set(struct vtep *v, const struct vh_mac *mac, uint32_t remote,
        bool learned, vh_time_t now)
{
    struct vtep_fdb *e = fdb_find(v, mac);
    if (e && learned && !e->learned) {
        return;                 /* Static entries stay. */
    }
    if (!e) {
        v->fdb = vh_xgrow(v->fdb, v->n_fdb, sizeof *v->fdb);
        e = &v->fdb[v->n_fdb++];
        e->mac = *mac;
    }
    e->remote = remote;
    e->learned = learned;
    e->seen = now;
}

void
vtep_fdb_add(struct vtep *v, const struct vh_mac *mac, uint32_t remote)
{
    fdb_set(v, mac, remote, false, 0);
}

uint32_t
vtep_overhead(const struct vtep *v)
{
    switch (v->cfg.type) {
    case VTEP_VXLAN:
        return TNL_OUTER_ETH_IP_UDP + VXLAN_HLEN;
    case VTEP_GENEVE:
        return TNL_OUTER_ETH_IP_UDP + GENEVE_BASE_HLEN;
    case VTEP_GRE:
    case VTEP_NVGRE:
        break;
    }
    return TNL_OUTER_ETH_IP + GRE_BASE_HLEN + (v->cfg.has_key ? 4 : 0);
}

uint32_t
vtep_mtu(const struct vtep *v)
{
    uint32_t mtu = v->ep ? v->ep->mtu : VH_DEF_MTU;
    return mtu - vtep_overhead(v);
}

uint64_t
vtep_drops(const struct vtep *v, const char *reason)
{
    return vh_drops_get(&v->drops, reason);
}

/* An ARP request lost here leaves its sender waiting for an answer that
 * cannot come: the flows' endpoints that sent it learn why, so the
 * packets they hold fail for this reason rather than "arp-failed". */
static void
blame_arp(struct world *w, const uint8_t *frame, uint32_t len,
          const char *reason)
{
    uint32_t tpa;
    if (!vh_frame_arp_request(frame, len, &tpa)) {
        return;
    }
    const struct vh_mac *sha = vh_eth_src(frame);
    for (size_t i = 0; i < w->n_flows; i++) {
        struct endpoint *ends[2] = { w->flows[i].src, w->flows[i].dst };
        for (size_t k = 0; k < 2; k++) {
            if (ends[k] && vh_mac_eq(&ends[k]->mac, sha)) {
                endpoint_arp_blame(ends[k], tpa, reason);
            }
        }
    }
}

static void
vtep_drop(struct world *w, struct vtep *v, struct vh_packet *p,
          const char *reason)
{
    vh_drops_add(&v->drops, reason);
    blame_arp(w, p->data, p->len, reason);
    acct_drop(w, p, &v->dev, reason);
}

/* --- Encapsulation. --- */

/* What each type calls its key, for traces. */
static const char *const key_name[] = {
    [VTEP_VXLAN] = "VXLAN VNI", [VTEP_GENEVE] = "Geneve VNI",
    [VTEP_GRE] = "GRE key", [VTEP_NVGRE] = "NVGRE VSID",
};

static void
decide(struct world *w, struct vtep *v, const struct vh_packet *p,
       vh_time_t at, const char *what)
{
    VH_TRACE(&w->trace, VH_HOP_DECIDE, .time = at, .pkt = p, .dev = &v->dev,
             .what = what);
}

void
vtep_encap(struct vtep *v, struct vh_packet *p, uint32_t remote)
{
    const struct vtep_cfg *c = &v->cfg;
    uint32_t hash = tnl_flow_hash(p->data, p->len);
    struct tnl_ipv4 ip = {
        .src = v->ep->ip, .dst = remote, .id = v->ip_id++, .df = c->df,
        /* Linux's devices leave the TTL unset: 64, or 1 to a group. */
        .ttl = c->ttl ? c->ttl : igmp_is_group(remote) ? 1 : 0,
    };

    v->encap.frames++;
    v->encap.bytes += p->len;
    v->dev.tx++;
    switch (c->type) {
    case VTEP_VXLAN:
        vxlan_push(p, c->key);
        break;
    case VTEP_GENEVE:
        geneve_push(p, c->key, NULL, 0, false);
        break;
    case VTEP_GRE:
    case VTEP_NVGRE: {
        struct gre_hdr g = {
            .has_key = c->has_key, .proto = TNL_ETHERTYPE_TEB,
            .key = c->type == VTEP_NVGRE ? nvgre_key(c->key, (uint8_t) hash)
                                         : c->key,
        };
        gre_push(p, &g);
        break;
    }
    }
    if (is_udp(c->type)) {
        tnl_push_udp(p, &ip, tnl_udp_sport(hash, c->sport_min,
                                           c->sport_max), c->port,
                     c->udp_csum);
        tnl_push_ipv4(p, &ip, VH_IPPROTO_UDP);
    } else {
        tnl_push_ipv4(p, &ip, TNL_IPPROTO_GRE);
    }
    p->md.tun_key = c->key;
    p->md.tun_src = ip.src;
    p->md.tun_dst = remote;
    p->hops++;
}

/* The work done, the copy for remote 'p->md.tun_dst' gets its headers
 * and leaves by the bound address's stack. */
static void
encap_send(struct vh_sim *sim, void *obj, void *arg)
{
    struct vtep *v = obj;
    struct vh_packet *p = arg;
    vtep_encap(v, p, p->md.tun_dst);
    endpoint_forward(world_of(sim), v->ep, p);
}

/* The remote of a frame to 'dst': its table entry, or 0 for the flood
 * list. */
static uint32_t
remote_of(struct world *w, struct vtep *v, const struct vh_mac *dst)
{
    if (vh_mac_is_multicast(dst)) {
        return 0;
    }
    return vtep_fdb_lookup(v, dst, w->sim.now);
}

size_t
vtep_xmit_begin(struct world *w, struct vtep *v, struct vh_packet *p,
                uint32_t *one, const uint32_t **to)
{
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = &v->dev);
    p->hops++;
    if (!v->ep) {
        vtep_drop(w, v, p, "no-route");
        return 0;
    }
    if (v->cfg.type == VTEP_NVGRE && vh_frame_vlan(p->data, p->len) >= 0) {
        vtep_drop(w, v, p, "nvgre-inner-vlan");
        return 0;
    }
    /* The outer IPv4 packet: the frame and the headers but the outer
     * Ethernet's. */
    if (p->len + vtep_overhead(v) - VH_ETH_HLEN > v->ep->mtu) {
        vtep_drop(w, v, p, "tunnel-mtu-exceeded");
        return 0;
    }
    /* Sent by the device: what a capture on it shows (a frame refused
     * above never got to it). */
    VH_TRACE(&w->trace, VH_HOP_TX, .time = w->sim.now, .pkt = p,
             .dev = &v->dev);
    *one = remote_of(w, v, vh_eth_dst(p->data));
    *to = *one ? one : v->remotes;
    size_t n = *one ? 1 : v->n_remotes;
    if (!n) {
        vtep_drop(w, v, p, "tunnel-no-remote");
    }
    return n;
}

void
vtep_trace_encap(struct world *w, struct vtep *v, const struct vh_packet *p,
                 vh_time_t at, uint32_t remote)
{
    if (w->trace.mask & VH_HOP_BIT(VH_HOP_DECIDE)) {
        char buf[96], a[16];
        if (v->cfg.has_key) {
            snprintf(buf, sizeof buf, "%s %u to %s", key_name[v->cfg.type],
                     v->cfg.key, vh_ipv4_format(remote, a));
        } else {
            snprintf(buf, sizeof buf, "GRE without a key to %s",
                     vh_ipv4_format(remote, a));
        }
        decide(w, v, p, at, buf);
    }
}

/* A frame handed to the VTEP, on the core that carries it. */
static void
vtep_rx(struct world *w, struct port *port, struct vh_packet *p)
{
    struct vtep *v = port->owner;
    const struct vtep_cfg *c = &v->cfg;
    struct cpu_core *core = cpu_exec_core(p, &v->host->cores[0]);
    uint32_t one;
    const uint32_t *to;
    size_t n = vtep_xmit_begin(w, v, p, &one, &to);
    for (size_t i = 0; i < n; i++) {
        /* Head-end replication: a copy per remote, each encapsulated on
         * its own, the last one the frame itself. */
        struct vh_packet *q = i + 1 < n ? acct_clone(w, p) : p;
        q->md.tun_dst = to[i];
        vh_time_t t = cpu_charge(w, core, COST_TUNNEL_XMIT, 0, c->cat, q,
                                 &v->dev);
        if (is_udp(c->type)) {
            t = cpu_charge(w, core, COST_UDP_TUNNEL, 0, c->cat, q, &v->dev);
        }
        vtep_trace_encap(w, v, q, t, to[i]);
        vh_schedule_at(&w->sim, t, encap_send, v, q);
    }
}

/* --- Decapsulation: a host address's handler for one UDP port or GRE. */

struct tnl_sock {
    struct endpoint *ep;
    uint8_t proto;              /* UDP or GRE. */
    uint16_t port;              /* UDP's; 0 for GRE. */
    enum vtep_type type;        /* UDP: the one type using the port. */
    struct vtep **v;            /* Bound VTEPs, the first the opener. */
    size_t n;
};

/* What the tunnel header of a packet says. */
struct decap {
    uint32_t key;               /* VNI, key, or NVGRE's whole key. */
    bool has_key;
    uint32_t hlen;              /* Bytes in front of the inner frame. */
    uint32_t inner_len;
};

/* The VTEP of 'sock' for key 'd' from 'src', or NULL with '*why' set. */
static struct vtep *
sock_lookup(const struct tnl_sock *s, const struct decap *d, uint32_t src,
            const char **why)
{
    struct vtep *keyed = NULL;
    for (size_t i = 0; i < s->n; i++) {
        struct vtep *v = s->v[i];
        const struct vtep_cfg *c = &v->cfg;
        bool match = false;
        switch (c->type) {
        case VTEP_VXLAN:
        case VTEP_GENEVE:
            /* A VXLAN or Geneve device takes its VNI from anyone. */
            if (d->key == c->key) {
                return v;
            }
            break;
        case VTEP_NVGRE:
            match = d->has_key && nvgre_vsid(d->key) == c->key;
            break;
        case VTEP_GRE:
            match = d->has_key == c->has_key
                    && (!c->has_key || d->key == c->key);
            break;
        }
        if (!match) {
            continue;
        }
        keyed = v;
        for (size_t k = 0; k < v->n_remotes; k++) {
            if (v->remotes[k] == src) {
                return v;
            }
        }
    }
    /* ip_tunnel_lookup: a GRE device with a remote takes nothing from
     * another. */
    *why = keyed ? "tunnel-unknown-remote" : "tunnel-unknown-key";
    return NULL;
}

/* Reads the tunnel header of the packet 'p' parsed as 'fi' into 'd';
 * false if it is not one this handler takes. */
static bool
parse_header(const struct tnl_sock *s, const struct vh_packet *p,
             const struct vh_frame_info *fi, struct decap *d)
{
    const uint8_t *l4 = p->data + fi->l4_off;
    uint32_t ip_hlen = fi->l4_off - fi->l3_off;
    uint32_t l4_len = fi->ip_total_len - ip_hlen;
    uint32_t h = 0;
    memset(d, 0, sizeof *d);
    if (fi->l4_off + (uint32_t) l4_len > p->len) {
        return false;
    }
    if (s->proto == TNL_IPPROTO_GRE) {
        struct gre_hdr g;
        if (!gre_parse(l4, l4_len, &g, &h) || g.proto != TNL_ETHERTYPE_TEB) {
            return false;
        }
        d->key = g.key;
        d->has_key = g.has_key;
    } else {
        const uint8_t *th = l4 + VH_UDP_HLEN;
        uint32_t len = l4_len - VH_UDP_HLEN;
        if (l4_len < VH_UDP_HLEN) {
            return false;
        }
        if (s->type == VTEP_VXLAN) {
            if (!vxlan_parse(th, len, &d->key)) {
                return false;
            }
            h = VH_UDP_HLEN + VXLAN_HLEN;
        } else {
            struct geneve_hdr g;
            uint32_t gl;
            /* No option is known here: a critical one means drop. */
            if (!geneve_parse(th, len, &g, &gl) || g.critical
                || g.proto != TNL_ETHERTYPE_TEB) {
                return false;
            }
            d->key = g.vni;
            h = VH_UDP_HLEN + gl;
        }
        d->has_key = true;
    }
    if (l4_len < h + VH_ETH_HLEN) {
        return false;
    }
    d->hlen = fi->l4_off + h;
    d->inner_len = l4_len - h;
    return true;
}

void
vtep_decap_count(struct world *w, struct vtep *v, struct vh_packet *p)
{
    if (v->cfg.learning && !vh_mac_is_multicast(vh_eth_src(p->data))) {
        fdb_set(v, vh_eth_src(p->data), p->md.tun_src, true, w->sim.now);
    }
    v->decap.frames++;
    v->decap.bytes += p->len;
    v->dev.rx++;
    VH_TRACE(&w->trace, VH_HOP_RX, .time = w->sim.now, .pkt = p,
             .dev = &v->dev);
    p->hops++;
}

/* The work done, the inner frame comes out of the tunnel. */
static void
decap_done(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct vtep *v = obj;
    struct vh_packet *p = arg;
    vtep_decap_count(w, v, p);
    port_deliver(w, &v->port, p);
}

/* The VTEP of 's' that takes outer packet 'p' (parsed as 'fi'), its
 * header read into 'd'; NULL with '*why' set, and '*ok' whether the
 * header could be read. */
static struct vtep *
sock_match(const struct tnl_sock *s, const struct vh_packet *p,
           const struct vh_frame_info *fi, struct decap *d, bool *ok,
           const char **why)
{
    *why = "tunnel-bad-header";
    *ok = parse_header(s, p, fi, d);
    return *ok ? sock_lookup(s, d, fi->ip_src, why) : NULL;
}

/* Drops 'p', which no VTEP of 's' takes, at the opener. */
static void
sock_refuse(struct world *w, const struct tnl_sock *s, struct vh_packet *p,
            const struct decap *d, bool ok, const char *why)
{
    if (ok) {
        blame_arp(w, p->data + d->hlen, d->inner_len, why);
    }
    vtep_drop(w, s->v[0], p, why);
}

/* The outer headers of 'p' come off: the inner frame is what is left,
 * the key and the outer addresses in its metadata. */
static void
sock_pull(struct world *w, struct vtep *v, struct vh_packet *p,
          const struct vh_frame_info *fi, const struct decap *d,
          vh_time_t at)
{
    uint32_t key = v->cfg.type == VTEP_NVGRE ? nvgre_vsid(d->key) : d->key;
    if (w->trace.mask & VH_HOP_BIT(VH_HOP_DECIDE)) {
        char buf[96], a[16];
        snprintf(buf, sizeof buf, "%s %u from %s: this tunnel's; the outer "
                 "headers come off", key_name[v->cfg.type], key,
                 vh_ipv4_format(fi->ip_src, a));
        decide(w, v, p, at, buf);
    }
    p->md.tun_key = key;
    p->md.tun_src = fi->ip_src;
    p->md.tun_dst = fi->ip_dst;
    vh_packet_pull(p, d->hlen);
    p->len = d->inner_len;
}

/* An outer packet for the handler's port or protocol, on the core that
 * received it. */
static void
sock_input(struct world *w, struct endpoint *ep, struct vh_packet *p,
           const struct vh_frame_info *fi, void *ctx)
{
    struct tnl_sock *s = ctx;
    struct decap d;
    const char *why;
    bool ok;
    struct vtep *v = sock_match(s, p, fi, &d, &ok, &why);
    /* Work that finds nothing is charged to the opener. */
    struct vtep *at = v ? v : s->v[0];
    struct cpu_core *core = cpu_exec_core(p, &at->host->cores[0]);
    vh_time_t t = cpu_charge(w, core, COST_TUNNEL_RCV, 0, at->cfg.cat, p,
                             &at->dev);
    if (s->proto == VH_IPPROTO_UDP) {
        t = cpu_charge(w, core, COST_UDP_TUNNEL, 0, at->cfg.cat, p,
                       &at->dev);
    }
    if (!v) {
        sock_refuse(w, s, p, &d, ok, why);
        return;
    }
    sock_pull(w, v, p, fi, &d, t);
    (void) ep;
    vh_schedule_at(&w->sim, t, decap_done, v, p);
}

struct vtep *
vtep_decap(struct world *w, struct endpoint *ep, struct vh_packet *p,
           const struct vh_frame_info *fi, bool *mine)
{
    uint16_t port = 0;
    if (fi->ip_proto == VH_IPPROTO_UDP) {
        const uint8_t *udp = p->data + fi->l4_off;
        port = (uint32_t) fi->l4_off + VH_UDP_HLEN <= p->len
               ? (uint16_t) (udp[2] << 8 | udp[3]) : 0;
    }
    struct tnl_sock *s = NULL;
    for (size_t i = 0; i < ep->n_binds; i++) {
        const struct ep_binding *b = &ep->binds[i];
        if (b->input == sock_input && b->proto == fi->ip_proto
            && b->port == port) {
            s = b->ctx;         /* A tunnel's, not another program's. */
        }
    }
    *mine = s != NULL;
    if (!s) {
        return NULL;
    }
    struct decap d;
    const char *why;
    bool ok;
    struct vtep *v = sock_match(s, p, fi, &d, &ok, &why);
    if (!v) {
        sock_refuse(w, s, p, &d, ok, why);
        return NULL;
    }
    sock_pull(w, v, p, fi, &d, w->sim.now);
    return v;
}

/* --- Binding to the host's address. --- */

static bool
bind_sock(struct vtep *v, const char *jpath, struct vh_diag *diag)
{
    uint8_t proto = is_udp(v->cfg.type) ? VH_IPPROTO_UDP : TNL_IPPROTO_GRE;
    uint16_t port = is_udp(v->cfg.type) ? v->cfg.port : 0;
    struct tnl_sock *s = endpoint_bound(v->ep, proto, port);
    if (s && proto == VH_IPPROTO_UDP && s->type != v->cfg.type) {
        char a[16];
        return vh_diag_fail(diag, jpath, "UDP port %u of %s is already "
                            "%s's (a %s tunnel); give this %s tunnel "
                            "another port", port,
                            vh_ipv4_format(v->ep->ip, a), s->v[0]->dev.path,
                            vtep_type_names[s->type],
                            vtep_type_names[v->cfg.type]);
    }
    if (!s) {
        s = vh_xcalloc(1, sizeof *s);
        s->ep = v->ep;
        s->proto = proto;
        s->port = port;
        s->type = v->cfg.type;
        endpoint_bind(v->ep, proto, port, sock_input, s);
    }
    for (size_t i = 0; i < s->n; i++) {
        const struct vtep_cfg *o = &s->v[i]->cfg;
        bool same = o->key == v->cfg.key && o->has_key == v->cfg.has_key
                    && (o->type == v->cfg.type || is_udp(o->type));
        if (same && (is_udp(o->type) || o->remote_ip == v->cfg.remote_ip)) {
            return vh_diag_fail(diag, jpath, "%s already takes key %u on "
                                "this address: a key may be one tunnel's "
                                "only", s->v[i]->dev.path, v->cfg.key);
        }
    }
    s->v = vh_xgrow(s->v, s->n, sizeof *s->v);
    s->v[s->n++] = v;
    v->sock = s;
    return true;
}

static void
unbind_sock(struct vtep *v)
{
    struct tnl_sock *s = v->sock;
    if (!s) {
        return;
    }
    for (size_t i = 0; i < s->n; i++) {
        if (s->v[i] == v) {
            memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof *s->v);
            s->n--;
            break;
        }
    }
    if (!s->n) {
        endpoint_unbind(s->ep, s->proto, s->port);
        free(s->v);
        free(s);
    }
    v->sock = NULL;
}

/* The host's address a tunnel to 'remote' leaves from: the one whose
 * subnet holds it, else the first with a default route. */
static struct endpoint *
pick_address(const struct host *h, uint32_t local, uint32_t remote)
{
    for (size_t i = 0; i < h->n_eps; i++) {
        struct endpoint *ep = h->eps[i];
        if (local ? ep->ip == local
                  : remote && (remote & ep->netmask)
                              == (ep->ip & ep->netmask)) {
            return ep;
        }
    }
    if (local) {
        return NULL;
    }
    for (size_t i = 0; i < h->n_eps; i++) {
        if (h->eps[i]->gateway || !remote) {
            return h->eps[i];
        }
    }
    /* A group is in no subnet: Linux joins it where the route to it
     * leads (the default route, above) unless "dev" names the device;
     * with no default route vhsim takes the first interface, as "dev
     * eth0" would. */
    return igmp_is_group(remote) && h->n_eps ? h->eps[0] : NULL;
}

bool
vtep_bind(struct world *w, struct vtep *v, const char *jpath,
          struct vh_diag *diag)
{
    char a[16];
    uint32_t remote = v->n_remotes ? v->remotes[0] : 0;
    uint32_t group = 0;
    for (size_t i = 0; i < v->n_remotes; i++) {
        if (igmp_is_group(v->remotes[i])) {
            if (v->cfg.type != VTEP_VXLAN) {
                return vh_diag_fail(diag, jpath, "remote_ip %s is a "
                                    "multicast group, which only a vxlan "
                                    "tunnel takes",
                                    vh_ipv4_format(v->remotes[i], a));
            }
            if (group && group != v->remotes[i]) {
                char b[16];
                return vh_diag_fail(diag, jpath, "a vxlan tunnel joins one "
                                    "multicast group, not %s and %s",
                                    vh_ipv4_format(group, a),
                                    vh_ipv4_format(v->remotes[i], b));
            }
            group = v->remotes[i];
            continue;
        }
        for (size_t k = 0; k < v->host->n_eps; k++) {
            if (v->host->eps[k]->ip == v->remotes[i]) {
                return vh_diag_fail(diag, jpath, "remote_ip %s is an "
                                    "address of host '%s' itself; a tunnel "
                                    "goes to another host",
                                    vh_ipv4_format(v->remotes[i], a),
                                    v->host->dev.path);
            }
        }
    }
    v->ep = pick_address(v->host, v->cfg.local_ip, remote);
    if (!v->ep) {
        if (v->cfg.local_ip) {
            return vh_diag_fail(diag, jpath, "host '%s' has no address %s "
                                "for the tunnel to leave from",
                                v->host->dev.path,
                                vh_ipv4_format(v->cfg.local_ip, a));
        }
        return vh_diag_fail(diag, jpath, "the tunnel's outer packets leave "
                            "from an address of host '%s', and none "
                            "reaches %s: give a NIC of the host an \"ip\" "
                            "in its subnet, or one with a \"gateway\"",
                            v->host->dev.path, vh_ipv4_format(remote, a));
    }
    /* The picture: the tunnel goes out by that interface. */
    vh_device_connect(&v->dev, v->ep->dev, 0);
    if (!bind_sock(v, jpath, diag)) {
        return false;
    }
    if (group) {
        endpoint_join_group(w, v->ep, group);
    }
    return true;
}

bool
vtep_bind_host(struct world *w, struct host *h, struct vh_diag *diag)
{
    for (size_t i = 0; i < w->devs.n; i++) {
        struct vh_device *d = w->devs.v[i];
        if (d->cls != &vtep_class || d->parent != (int32_t) h->dev.id) {
            continue;
        }
        struct vtep *v = VH_CONTAINER_OF(d, struct vtep, dev);
        if (!v->ep && !vtep_bind(w, v, v->jpath, diag)) {
            return false;
        }
    }
    return true;
}

/* --- The device. --- */

struct vtep *
vtep_create(struct world *w, struct host *h, const char *name,
            const struct vtep_cfg *cfg, const char *jpath)
{
    struct vtep *v = vh_xcalloc(1, sizeof *v);
    dev_register(w, &v->dev, &vtep_class, &h->dev, name);
    v->dev.report = 1;
    v->host = h;
    v->world = w;
    v->jpath = jpath;
    v->cfg = *cfg;
    v->ip_id = 1;
    vh_drops_init(&v->drops);
    port_init(&v->port, vtep_rx, v, &v->dev, 0);
    if (cfg->remote_ip) {
        vtep_add_remote(v, cfg->remote_ip);
    }
    return v;
}

struct vtep *
vtep_create_port(struct world *w, struct host *h, const struct cfg_bport *bp,
                 bool ovs)
{
    static const enum vtep_type types[] = {
        [CFG_BP_VXLAN] = VTEP_VXLAN, [CFG_BP_GRE] = VTEP_GRE,
        [CFG_BP_GENEVE] = VTEP_GENEVE, [CFG_BP_NVGRE] = VTEP_NVGRE,
    };
    struct vtep_cfg c;
    vtep_cfg_init(&c, types[bp->type], ovs);
    c.key = bp->key;
    c.has_key = bp->type != CFG_BP_GRE || bp->has_key;
    c.remote_ip = bp->remote_ip;
    if (bp->ttl) {
        c.ttl = bp->ttl;
    }
    if (bp->ageing) {
        c.ageing = bp->ageing;
    }
    return vtep_create(w, h, bp->name, &c, bp->jpath);
}

static void
vtep_destroy(struct vh_device *d)
{
    struct vtep *v = VH_CONTAINER_OF(d, struct vtep, dev);
    unbind_sock(v);
    free(v->remotes);
    free(v->fdb);
    free(v);
}

static void
report_count(struct report_out *out, const char *key,
             const struct vtep_count *c)
{
    report_out_begin(out, key);
    report_out_num(out, "frames", (double) c->frames);
    report_out_num(out, "bytes", (double) c->bytes);
    report_out_end(out);
}

/* A group's VTEP learns its peers (flood and learn): the inner MACs it
 * knows at the end of the run, and the VTEP behind each. */
static void
report_learned(const struct vtep *v, struct report_out *out)
{
    vh_time_t now = v->world->sim.now;
    char a[16], m[18];
    report_out_begin_list(out, "learned");
    for (size_t i = 0; i < v->n_fdb; i++) {
        const struct vtep_fdb *e = &v->fdb[i];
        if (!e->learned || !fdb_live(v, e, now)) {
            continue;
        }
        report_out_begin_item(out);
        report_out_str(out, "mac", vh_mac_format(&e->mac, m));
        report_out_str(out, "remote_ip", vh_ipv4_format(e->remote, a));
        report_out_end(out);
    }
    report_out_end(out);
}

/* In the host's "tunnels": what the tunnel is, what it carried each way,
 * and what it dropped. */
static void
vtep_report(const struct vh_device *d, struct report_out *out)
{
    const struct vtep *v = VH_CONTAINER_OF(d, const struct vtep, dev);
    char a[16];
    report_out_str(out, "type", vtep_type_names[v->cfg.type]);
    if (v->cfg.has_key) {
        report_out_num(out, "key", v->cfg.key);
    }
    if (v->n_remotes) {
        report_out_str(out, "remote_ip", vh_ipv4_format(v->remotes[0], a));
    }
    if (v->ep) {
        report_out_str(out, "local_ip", vh_ipv4_format(v->ep->ip, a));
    }
    if (is_udp(v->cfg.type)) {
        report_out_num(out, "port", v->cfg.port);
    }
    report_out_num(out, "mtu", vtep_mtu(v));
    report_count(out, "encapsulated", &v->encap);
    report_count(out, "decapsulated", &v->decap);
    report_out_begin(out, "drops");
    for (size_t i = 0; i < v->drops.n; i++) {
        report_out_num(out, v->drops.reason[i], (double) v->drops.count[i]);
    }
    report_out_end(out);
    if (v->n_remotes && igmp_is_group(v->remotes[0])) {
        report_learned(v, out);
    }
}

/* Every tunnel is listed; hosts without one have no "tunnels". */
static bool
vtep_reports(const struct vh_device *d)
{
    (void) d;
    return true;
}

const struct dev_class vtep_class = {
    .kind = "tunnel",
    .role = VH_ROLE_DEVICE,
    .family = DEV_FAM_PART,
    .host_section = "tunnels",
    .report = vtep_report,
    .reports = vtep_reports,
    .destroy = vtep_destroy,
};
