/* models/hostnet/nat.c: the NAT network's bridge, gateway, routing and
 * netfilter. */
#include "models/hostnet/nat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/devclass.h"
#include "models/core/defaults.h"
#include "models/hw/cpu.h"
#include "models/endpoint/endpoint.h"
#include "models/core/host.h"
#include "models/hostnet/lbridge.h"
#include "models/guest/vm.h"
#include "models/core/world.h"
#include "sim/csum.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

static bool
in_subnet(const struct nat_lan *lan, uint32_t ip)
{
    return (ip & lan->mask) == lan->net;
}

/* The private network whose subnet holds 'ip', or NULL. */
static struct nat_lan *
lan_by_addr(const struct nat *nat, uint32_t ip)
{
    for (size_t i = 0; i < nat->n_lans; i++) {
        if (in_subnet(nat->lans[i], ip)) {
            return nat->lans[i];
        }
    }
    return NULL;
}

/* --- Checksums. --- */

/* TCP's checksum field, at the same place in every segment. */
#define TCP_CSUM_OFF 16

/* After a rewrite: the IPv4 header's checksum, and the UDP (with its
 * pseudo-header) or ICMP checksum, computed afresh over the new bytes.
 * TCP's was updated as its fields changed (rewrite()). */
static void
fix_checksums(struct vh_packet *p, const struct vh_frame_info *fi)
{
    uint8_t *ip = p->data + fi->l3_off;
    uint32_t ihl = (uint32_t) (ip[0] & 0x0f) * 4;
    uint8_t *l4 = p->data + fi->l4_off;
    uint32_t l4_len = fi->ip_total_len - ihl;

    vh_ipv4_csum_update(ip);
    if (fi->ip_proto == VH_IPPROTO_UDP) {
        uint8_t ph[12];
        memcpy(ph, ip + VH_IPV4_SRC_OFF, 8);    /* Source, destination. */
        ph[8] = 0;
        ph[9] = VH_IPPROTO_UDP;
        vh_put_be16(ph + 10, (uint16_t) l4_len);
        vh_put_be16(l4 + VH_UDP_CSUM_OFF, 0);
        uint16_t c = vh_csum_fold(vh_csum_partial(l4, l4_len,
                                                  vh_csum_partial(ph, 12, 0)));
        vh_put_be16(l4 + VH_UDP_CSUM_OFF, c ? c : 0xffff);  /* 0 means "none". */
    } else if (fi->ip_proto == VH_IPPROTO_ICMP) {
        vh_put_be16(l4 + VH_ICMP_CSUM_OFF, 0);
        vh_put_be16(l4 + VH_ICMP_CSUM_OFF,
              vh_csum_fold(vh_csum_partial(l4, l4_len, 0)));
    }
}

/* The port (UDP, TCP: at the same offsets) or echo id (ICMP) at the
 * source or destination side. */
static uint8_t *
l4_id(struct vh_packet *p, const struct vh_frame_info *fi, bool src)
{
    uint8_t *l4 = p->data + fi->l4_off;
    if (fi->ip_proto == VH_IPPROTO_ICMP) {
        return l4 + VH_ICMP_ID_OFF;
    }
    return l4 + (src ? VH_UDP_SPORT_OFF : VH_UDP_DPORT_OFF);
}

/* Rewrites the source (or destination) address and port or echo id,
 * decrements the TTL, and fixes the checksums. */
static void
rewrite(struct vh_packet *p, const struct vh_frame_info *fi, bool src,
        uint32_t ip, uint16_t id)
{
    uint8_t *iph = p->data + fi->l3_off;
    uint8_t *addr = iph + (src ? VH_IPV4_SRC_OFF : VH_IPV4_DST_OFF);
    uint8_t *port = l4_id(p, fi, src);
    if (fi->ip_proto == VH_IPPROTO_TCP) {
        /* A segment may be a super-frame of up to 64 KiB (GSO, GRO), its
         * checksum whole over it: it is updated for the address (in the
         * pseudo-header) and the port that change, as the kernel's
         * nf_nat does, and the segments GSO or TSO cut from it get
         * checksums of their own. */
        uint8_t *c = p->data + fi->l4_off + TCP_CSUM_OFF;
        uint16_t sum = vh_csum_replace32(vh_get_be16(c), vh_get_be32(addr),
                                         ip);
        vh_put_be16(c, vh_csum_replace16(sum, vh_get_be16(port), id));
    }
    vh_put_be32(addr, ip);
    vh_put_be16(port, id);
    iph[VH_IPV4_TTL_OFF]--;
    fix_checksums(p, fi);
}

/* Only the TTL changes when routing without translation. */
static void
route_only(struct vh_packet *p, const struct vh_frame_info *fi)
{
    p->data[fi->l3_off + VH_IPV4_TTL_OFF]--;
    fix_checksums(p, fi);
}

/* --- Connection tracking. --- */

/* 'fi' with a TCP segment's ports: the frame parser reads UDP's only, and
 * TCP's sit at the same offsets.  Anything else is 'fi' itself. */
static const struct vh_frame_info *
with_tcp_ports(const struct vh_packet *p, const struct vh_frame_info *fi,
               struct vh_frame_info *copy)
{
    if (!fi->is_ipv4 || fi->ip_proto != VH_IPPROTO_TCP
        || (uint32_t) fi->l4_off + VH_UDP_HLEN > p->len) {
        return fi;
    }
    *copy = *fi;
    copy->sport = vh_get_be16(p->data + fi->l4_off + VH_UDP_SPORT_OFF);
    copy->dport = vh_get_be16(p->data + fi->l4_off + VH_UDP_DPORT_OFF);
    return copy;
}

static bool
conn_live(const struct nat_conn *c, vh_time_t now)
{
    vh_time_t timeout = c->proto == VH_IPPROTO_TCP
                        ? VH_DEF_CONNTRACK_TCP_TIMEOUT
                        : VH_DEF_CONNTRACK_TIMEOUT;
    return c->proto && now - c->seen <= timeout;
}

/* UDP, TCP, or an ICMP echo request (out) or reply (in): what NAT
 * handles. */
static bool
trackable(const struct vh_frame_info *fi, uint8_t echo_type)
{
    return fi->ip_proto == VH_IPPROTO_UDP || fi->ip_proto == VH_IPPROTO_TCP
           || (fi->ip_proto == VH_IPPROTO_ICMP && fi->icmp_type == echo_type);
}

static uint16_t
fi_port(const struct vh_frame_info *fi, bool src)
{
    if (fi->ip_proto == VH_IPPROTO_ICMP) {
        return fi->icmp_id;
    }
    return src ? fi->sport : fi->dport;
}

static struct nat_conn *
conn_find_out(struct nat *nat, const struct vh_frame_info *fi, vh_time_t now)
{
    uint16_t rport = fi->ip_proto != VH_IPPROTO_ICMP ? fi->dport : 0;
    for (size_t i = 0; i < nat->n_conns; i++) {
        struct nat_conn *c = &nat->conns[i];
        if (conn_live(c, now) && c->proto == fi->ip_proto
            && c->in_ip == fi->ip_src && c->in_port == fi_port(fi, true)
            && c->out_ip == fi->ip_dst && c->out_port == rport) {
            return c;
        }
    }
    return NULL;
}

static struct nat_conn *
conn_find_reply(struct nat *nat, const struct vh_frame_info *fi,
                vh_time_t now)
{
    uint16_t rport = fi->ip_proto != VH_IPPROTO_ICMP ? fi->sport : 0;
    for (size_t i = 0; i < nat->n_conns; i++) {
        struct nat_conn *c = &nat->conns[i];
        if (conn_live(c, now) && c->proto == fi->ip_proto
            && c->out_ip == fi->ip_src && c->out_port == rport
            && c->nat_port == fi_port(fi, false)) {
            return c;
        }
    }
    return NULL;
}

static bool
nat_port_taken(const struct nat *nat, uint8_t proto, uint32_t out_ip,
               uint16_t out_port, uint16_t port, vh_time_t now)
{
    for (size_t i = 0; i < nat->n_conns; i++) {
        const struct nat_conn *c = &nat->conns[i];
        if (conn_live(c, now) && c->proto == proto && c->out_ip == out_ip
            && c->out_port == out_port && c->nat_port == port) {
            return true;
        }
    }
    return false;
}

/* A free entry of the table, or a new one. */
static struct nat_conn *
conn_slot(struct nat *nat, vh_time_t now)
{
    for (size_t i = 0; i < nat->n_conns; i++) {
        if (!conn_live(&nat->conns[i], now)) {
            return &nat->conns[i];
        }
    }
    nat->conns = vh_xgrow(nat->conns, nat->n_conns, sizeof *nat->conns);
    return &nat->conns[nat->n_conns++];
}

/* A new connection: keep the VM's port (or id) if it is free towards that
 * remote endpoint, else take the next free one upward (UDP and TCP ports
 * of 1024 and above stay there, as Linux keeps a port in its range).
 * NULL when every one is taken. */
static struct nat_conn *
conn_new(struct nat *nat, const struct vh_frame_info *fi, vh_time_t now)
{
    uint8_t proto = fi->ip_proto;
    bool ports = proto != VH_IPPROTO_ICMP;
    uint16_t rport = ports ? fi->dport : 0;
    uint16_t orig = fi_port(fi, true);
    uint32_t lo = ports ? (orig >= 1024 ? 1024 : 1) : 0;
    uint32_t span = 65536 - lo;
    uint32_t port = orig, tries = 0;
    while (nat_port_taken(nat, proto, fi->ip_dst, rport, (uint16_t) port,
                          now)) {
        if (++tries == span) {
            return NULL;
        }
        port = port + 1 > 65535 ? lo : port + 1;
    }

    struct nat_conn *c = conn_slot(nat, now);
    *c = (struct nat_conn) {
        .proto = proto, .in_ip = fi->ip_src, .in_port = orig,
        .out_ip = fi->ip_dst, .out_port = rport,
        .nat_port = (uint16_t) port, .seen = now,
    };
    return c;
}

/* A connection (TCP, or UDP's pair of ports) to a published port, as
 * its first packet came in: the member answers from its own address and
 * port ('in_ip', 'in_port'), and what it sends back must leave from the
 * published one ('nat_port'), or the remote's socket would not know it. */
static void
conn_dnat(struct nat *nat, const struct vh_frame_info *fi, uint32_t in_ip,
          uint16_t in_port, vh_time_t now)
{
    struct nat_conn *c = conn_slot(nat, now);
    *c = (struct nat_conn) {
        .proto = fi->ip_proto, .dnat = true, .in_ip = in_ip,
        .in_port = in_port, .out_ip = fi->ip_src, .out_port = fi->sport,
        .nat_port = fi->dport, .seen = now,
    };
}

/* --- Forwarding. --- */

static void
nat_to_wan(struct vh_sim *sim, void *obj, void *arg)
{
    struct nat *nat = obj;
    nat->dev.tx++;
    endpoint_forward(world_of(sim), nat->wan, arg);
}

static void
nat_to_lan(struct vh_sim *sim, void *obj, void *arg)
{
    struct nat_lan *lan = obj;
    lan->nat->dev.tx++;
    endpoint_forward(world_of(sim), lan->gw, arg);
}

static void
nat_to_host(struct vh_sim *sim, void *obj, void *arg)
{
    endpoint_input(world_of(sim), obj, arg);
}

static struct cpu_core *
core_of(const struct nat *nat, const struct vh_packet *p)
{
    return cpu_exec_core(p, &nat->host->cores[0]);
}

static vh_time_t
charge(struct world *w, struct nat *nat, struct vh_packet *p,
       enum cost_id id)
{
    return cpu_charge(w, core_of(nat, p), id, 0, CPU_SOFTIRQ, p, &nat->dev);
}

static void
arrive(struct world *w, struct nat *nat, struct vh_packet *p)
{
    nat->dev.rx++;
    p->hops++;
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = &nat->dev);
}

/* Can the uplink reach 'ip' (directly or through its gateway)? */
static bool
wan_routes(const struct nat *nat, uint32_t ip)
{
    const struct endpoint *wan = nat->wan;
    return wan && ((ip & wan->netmask) == (wan->ip & wan->netmask)
                   || wan->gateway);
}

/* The host's own address 'ip': its uplink's, or its address on one of
 * its networks; NULL if 'ip' is none of them. */
static struct endpoint *
host_address(const struct nat *nat, uint32_t ip)
{
    if (nat->wan && ip == nat->wan->ip) {
        return nat->wan;
    }
    for (size_t i = 0; i < nat->n_lans; i++) {
        if (nat->lans[i]->gw->ip == ip) {
            return nat->lans[i]->gw;
        }
    }
    return NULL;
}

/* A member's packet reached its gateway's MAC: route it. */
static bool
nat_lan_input(struct world *w, struct endpoint *gw, struct vh_packet *p,
              const struct vh_frame_info *pfi)
{
    struct vh_frame_info tcp;
    const struct vh_frame_info *fi = with_tcp_ports(p, pfi, &tcp);
    struct nat_lan *lan = gw->router_ctx;
    struct nat *nat = lan->nat;
    if (fi->ip_dst == gw->ip) {
        return false;           /* For the gateway address itself. */
    }
    arrive(w, nat, p);
    charge(w, nat, p, COST_CONNTRACK);
    vh_time_t t = charge(w, nat, p, COST_IP_FORWARD);
    struct endpoint *self = host_address(nat, fi->ip_dst);
    if (self) {
        /* One of the host's own addresses: delivered locally, not
         * translated. */
        vh_schedule_at(&w->sim, t, nat_to_host, self, p);
        return true;
    }
    if (fi->ip_ttl <= 1) {
        acct_drop(w, p, &nat->dev, "ttl-exceeded");
        return true;
    }
    if (in_subnet(lan, fi->ip_dst)) {
        /* Back onto the same network: a plain route. */
        route_only(p, fi);
        vh_schedule_at(&w->sim, t, nat_to_lan, lan, p);
        return true;
    }
    struct nat_lan *other = lan_by_addr(nat, fi->ip_dst);
    if (other) {
        /* Into another private network: nothing new is let in. */
        if (lan->policy->isolated && other->policy->isolated) {
            lan->isolated++;
            acct_drop(w, p, &nat->dev, "docker-isolation");
        } else {
            acct_drop(w, p, &nat->dev, other->policy->inbound_drop);
        }
        return true;
    }
    if (!wan_routes(nat, fi->ip_dst)) {
        acct_drop(w, p, &nat->dev, "no-route");
        return true;
    }
    if (!trackable(fi, VH_ICMP_ECHO_REQUEST)) {
        acct_drop(w, p, &nat->dev, "unsupported-protocol");
        return true;
    }
    struct nat_conn *c = conn_find_out(nat, fi, w->sim.now);
    if (!c) {
        c = conn_new(nat, fi, w->sim.now);
    }
    if (!c) {
        acct_drop(w, p, &nat->dev, "nat-ports-exhausted");
        return true;
    }
    c->seen = w->sim.now;
    t = charge(w, nat, p, COST_NAT_REWRITE);
    rewrite(p, fi, true, nat->wan->ip, c->nat_port);
    if (c->dnat) {
        nat->replies++;         /* Out of a published port. */
        lan->replies++;
    } else {
        nat->masqueraded++;
        lan->masqueraded++;
    }
    vh_schedule_at(&w->sim, t, nat_to_wan, nat, p);
    return true;
}

/* The member a port forward of 'ip_proto' and 'port' leads to, with its
 * port there, and its network; NULL if none. */
static const struct nat_member *
forward_match(const struct nat *nat, uint8_t ip_proto, uint16_t port,
              uint16_t *to_port, struct nat_lan **lanp)
{
    if (ip_proto != VH_IPPROTO_UDP && ip_proto != VH_IPPROTO_TCP) {
        return NULL;            /* Forwards are of UDP or TCP ports. */
    }
    enum cfg_proto proto = ip_proto == VH_IPPROTO_TCP ? CFG_PROTO_TCP
                                                      : CFG_PROTO_UDP;
    for (size_t l = 0; l < nat->n_lans; l++) {
        struct nat_lan *lan = nat->lans[l];
        for (size_t i = 0; i < lan->n_members; i++) {
            const struct nat_member *m = &lan->members[i];
            for (size_t k = 0; k < m->n_fwd; k++) {
                const struct cfg_forward *f = &m->fwd[k];
                if (f->proto == proto && f->port == port) {
                    *to_port = f->to_port;
                    *lanp = lan;
                    return m;
                }
            }
        }
    }
    return NULL;
}

/* Is a packet to the uplink's address one of the host's own? */
static bool
for_host_app(struct world *w, const struct nat *nat,
             const struct vh_packet *p)
{
    if (p->flow < 0 || (size_t) p->flow >= w->n_flows) {
        return true;
    }
    const struct flow_stats *fs = &w->flows[p->flow];
    struct endpoint *app = p->is_reply ? fs->src : fs->dst;
    return endpoint_stack(app) == nat->wan;
}

/* A packet from the uplink side reached the host's uplink MAC. */
static bool
nat_wan_input(struct world *w, struct endpoint *wan, struct vh_packet *p,
              const struct vh_frame_info *pfi)
{
    struct vh_frame_info tcp;
    const struct vh_frame_info *fi = with_tcp_ports(p, pfi, &tcp);
    struct nat *nat = wan->router_ctx;
    bool to_host = fi->ip_dst == wan->ip;
    struct nat_lan *dst_lan = to_host ? NULL : lan_by_addr(nat, fi->ip_dst);
    if (!to_host && !dst_lan) {
        return false;           /* Not ours to route. */
    }
    arrive(w, nat, p);
    vh_time_t t = charge(w, nat, p, COST_CONNTRACK);
    if (to_host) {
        struct nat_conn *c = trackable(fi, VH_ICMP_ECHO_REPLY)
                             ? conn_find_reply(nat, fi, w->sim.now) : NULL;
        uint16_t to_port = 0;
        struct nat_lan *lan = NULL;
        const struct nat_member *m = c ? NULL
            : forward_match(nat, fi->ip_proto, fi->dport, &to_port, &lan);
        if (c) {
            lan = lan_by_addr(nat, c->in_ip);
        }
        if (lan) {
            if (fi->ip_ttl <= 1) {
                acct_drop(w, p, &nat->dev, "ttl-exceeded");
                return true;
            }
            charge(w, nat, p, COST_NAT_REWRITE);
            t = charge(w, nat, p, COST_IP_FORWARD);
            if (!c) {
                /* A new packet for a forwarded port: DNAT, tracked, so
                 * that what the member sends back leaves from the
                 * published port (conntrack's reply direction). */
                conn_dnat(nat, fi, m->ep->ip, to_port, w->sim.now);
                rewrite(p, fi, false, m->ep->ip, to_port);
                nat->forwarded++;
                lan->forwarded++;
            } else {
                c->seen = w->sim.now;
                rewrite(p, fi, false, c->in_ip, c->in_port);
                if (c->dnat) {
                    nat->forwarded++;   /* More of a published port's. */
                    lan->forwarded++;
                } else {
                    nat->replies++;
                    lan->replies++;
                }
            }
            vh_schedule_at(&w->sim, t, nat_to_lan, lan, p);
            return true;
        }
        if (for_host_app(w, nat, p)) {
            return false;       /* The host's own stack takes it. */
        }
    }
    /* A new connection from outside: only replies and forwarded ports
     * get into a private network. */
    acct_drop(w, p, &nat->dev, dst_lan ? dst_lan->policy->inbound_drop
                                       : "nat-no-mapping");
    return true;
}

/* The host's own stack sends outside the uplink's subnet: into one of its
 * networks, through the bridge. */
static bool
nat_wan_output(struct world *w, struct endpoint *wan, struct vh_packet *p,
               uint32_t dst)
{
    struct nat *nat = wan->router_ctx;
    struct nat_lan *lan = lan_by_addr(nat, dst);
    if (!lan) {
        return false;
    }
    endpoint_forward(w, lan->gw, p);
    return true;
}

static bool
no_output(struct world *w, struct endpoint *ep, struct vh_packet *p,
          uint32_t dst)
{
    (void) w, (void) ep, (void) p, (void) dst;
    return false;
}

static const struct ep_router_ops lan_ops = { nat_lan_input, no_output };
static const struct ep_router_ops wan_ops = { nat_wan_input, nat_wan_output };

/* --- Building. --- */

/* virbr0's MAC: QEMU's 52:54:00 prefix, as libvirt gives it, and three
 * bytes of an FNV-1a hash of its path, so it is the same on every run. */
static void
bridge_mac(const char *path, struct vh_mac *mac)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const char *s = path; *s; s++) {
        h ^= (unsigned char) *s;
        h *= 0x100000001b3ULL;
    }
    mac->b[0] = 0x52;
    mac->b[1] = 0x54;
    mac->b[2] = 0x00;
    mac->b[3] = (uint8_t) (h >> 40);
    mac->b[4] = (uint8_t) (h >> 32);
    mac->b[5] = (uint8_t) (h >> 24);
}

struct nat *
nat_host(struct world *w, struct host *h, const char *what,
         const char *jpath, struct vh_diag *diag)
{
    if (h->nat) {
        return h->nat;
    }
    /* The uplink: the first NIC with an address. */
    struct endpoint *wan = h->n_eps ? h->eps[0] : NULL;
    if (wan && wan->router) {
        vh_diag_fail(diag, jpath, "not supported yet: %s on a host whose "
                     "address already routes another network", what);
        return NULL;
    }
    struct nat *nat = vh_xcalloc(1, sizeof *nat);
    dev_register(w, &nat->dev, &nat_class, &h->dev, "nat");
    nat->dev.report = 1;
    nat->host = h;
    nat->wan = wan;
    if (wan) {
        endpoint_hook_router(wan, &wan_ops, nat);
    }
    h->nat = nat;
    return nat;
}

struct nat_lan *
nat_lan_add(struct nat *nat, const struct nat_policy *policy,
            struct lbridge *br, uint32_t net, int prefix, uint32_t gw_ip,
            const struct vh_mac *gw_mac)
{
    struct host *h = nat->host;
    struct nat_lan *lan = vh_xcalloc(1, sizeof *lan);
    nat->lans = vh_xgrow(nat->lans, nat->n_lans, sizeof *nat->lans);
    nat->lans[nat->n_lans++] = lan;
    lan->nat = nat;
    lan->policy = policy;
    lan->br = br;
    lan->mask = prefix ? 0xffffffffu << (32 - prefix) : 0;
    lan->net = net & lan->mask;
    lan->gw = endpoint_create(h, &br->dev, h->dev.path, gw_mac, gw_ip,
                              prefix, host_app_core(h), CPU_SOFTIRQ,
                              CPU_SOFTIRQ);
    lbridge_attach(br, &lan->gw->port);
    lan->gw->router = &lan_ops;
    lan->gw->router_ctx = lan;
    return lan;
}

void
nat_lan_member(struct nat_lan *lan, struct endpoint *ep,
               const struct cfg_forward *fwd, size_t n_fwd)
{
    lan->members = vh_xgrow(lan->members, lan->n_members,
                            sizeof *lan->members);
    lan->members[lan->n_members++] = (struct nat_member) { ep, fwd, n_fwd };
    ep->gateway = lan->gw->ip;
}

static const struct nat_policy libvirt_policy = {
    .owner = "libvirt",
    .inbound_drop = "nat-no-mapping",
    .isolated = false,
};

/* libvirt's network, made with its first VM NIC: virbr0 on the NIC's
 * subnet, the host on its first address. */
static struct nat_lan *
libvirt_create(struct world *w, struct host *h, const struct cfg_vnic *first,
               struct vh_diag *diag)
{
    char ap[512];
    snprintf(ap, sizeof ap, "%s.attach", first->jpath);
    if (!h->n_eps) {
        vh_diag_fail(diag, ap, "attach type 'nat' masquerades behind the "
                     "host's address, but no NIC of host '%s' has an "
                     "\"ip\"; give its uplink NIC one", h->dev.path);
        return NULL;
    }
    struct nat *nat = nat_host(w, h, "libvirt's NAT network", ap, diag);
    if (!nat) {
        return NULL;
    }
    nat->br_cfg.name = "virbr0";
    nat->br_cfg.jpath = first->jpath;
    nat->br_cfg.type = CFG_BR_LINUX;
    struct lbridge *br = lbridge_create(w, h, &nat->br_cfg);

    struct vh_mac mac;
    bridge_mac(br->dev.path, &mac);
    uint32_t mask = first->prefix ? 0xffffffffu << (32 - first->prefix) : 0;
    nat->libvirt = nat_lan_add(nat, &libvirt_policy, br, first->ip & mask,
                               first->prefix, (first->ip & mask) + 1, &mac);
    return nat->libvirt;
}

bool
nat_attach(struct world *w, struct host *h, struct vm_nic *n,
           struct vh_diag *diag)
{
    const struct cfg_vnic *cv = n->cfg;
    struct nat_lan *lan = h->nat ? h->nat->libvirt : NULL;
    if (!lan) {
        lan = libvirt_create(w, h, cv, diag);
        if (!lan) {
            return false;
        }
    }
    if (!in_subnet(lan, cv->ip) || cv->ip == lan->gw->ip) {
        char ip[16], gw[16];
        return vh_diag_fail(diag, cv->jpath, "host '%s''s NAT network is "
                            "%s/%d with the gateway %s; this NIC's address "
                            "must be another address of it", h->dev.path,
                            vh_ipv4_format(lan->net, ip),
                            __builtin_popcount(lan->mask),
                            vh_ipv4_format(lan->gw->ip, gw));
    }
    nat_lan_member(lan, n->ep, cv->forwards, cv->n_forwards);
    lbridge_attach(lan->br, n->host);
    return true;
}

void
nat_free(struct nat *nat)
{
    if (!nat) {
        return;
    }
    for (size_t i = 0; i < nat->n_lans; i++) {
        endpoint_free(nat->lans[i]->gw);
        free(nat->lans[i]->members);
        free(nat->lans[i]);
    }
    free(nat->lans);
    free(nat->conns);
    free(nat);
}

struct nat_lan *
nat_lan_of(const struct endpoint *ep)
{
    if (!ep) {
        return NULL;
    }
    ep = ep->stack ? ep->stack : ep;
    struct nat *nat = ep->host ? ep->host->nat : NULL;
    for (size_t l = 0; nat && l < nat->n_lans; l++) {
        struct nat_lan *lan = nat->lans[l];
        for (size_t i = 0; i < lan->n_members; i++) {
            if (lan->members[i].ep == ep) {
                return lan;
            }
        }
    }
    return NULL;
}

struct nat *
nat_of(const struct endpoint *ep)
{
    struct nat_lan *lan = nat_lan_of(ep);
    return lan ? lan->nat : NULL;
}

uint32_t
nat_flow_address(const struct nat *nat, const struct endpoint *src,
                 const struct endpoint *dst, const struct cfg_flow *cf)
{
    /* The host's networks and the host itself reach the private address
     * directly; anyone else (a bridged VM of the same host included) only
     * sees the host's. */
    const struct endpoint *st = src->stack ? src->stack : src;
    bool inside = nat_of(src) == nat;
    for (size_t i = 0; i < nat->host->n_eps && !inside; i++) {
        inside = nat->host->eps[i] == st;
    }
    if (inside || cf->proto == CFG_PROTO_ICMP) {
        return dst->ip;
    }
    const struct nat_lan *lan = nat_lan_of(dst);
    const struct endpoint *dst_stack = dst->stack ? dst->stack : dst;
    for (size_t i = 0; lan && i < lan->n_members; i++) {
        const struct nat_member *m = &lan->members[i];
        for (size_t k = 0; m->ep == dst_stack && k < m->n_fwd; k++) {
            if (m->fwd[k].proto == cf->proto
                && m->fwd[k].port == cf->dport) {
                return nat->wan->ip;
            }
        }
    }
    return dst->ip;
}

/* --- The class. --- */

static void
nat_destroy(struct vh_device *d)
{
    nat_free(VH_CONTAINER_OF(d, struct nat, dev));
}

/* Built by the first VM NIC that attaches; its virbr0 is a Linux bridge
 * of its own, registered and freed as one. */
const struct dev_class nat_class = {
    .kind = "nat",
    .role = VH_ROLE_DEVICE,
    .family = DEV_FAM_PART,
    .attach_type = "nat",
    .attach = nat_attach,
    .destroy = nat_destroy,
};
