/* models/container/cnet_calico.c: Calico, a routed CNI plugin.
 *
 * Calico bridges nothing: every pod is routed.  A pod gets one veth pair:
 * its eth0 holds its address as a /32 with a default route to 169.254.1.1,
 * an address nobody has; the host end ("caliXXXXXXX", no address, MAC
 * ee:ee:ee:ee:ee:ee) answers the pod's ARP for it by proxy ARP, so all
 * the pod sends reaches the host's routing.  The host holds a /32 route
 * per local pod through its cali device, and routes to the pods of the
 * other hosts in one of the pool's modes:
 *   - bgp: no encapsulation; BIRD has learned from its BGP peers which
 *     host has which pods, and the packet leaves by the host's NIC with
 *     that host as the next hop, its addresses the pods' own (the hosts
 *     are on one L2, or routers of the fabric carry the pod routes);
 *   - ipip: the packet goes into IP-in-IP (IPv4 protocol 4, RFC 2003) on
 *     tunl0, from the host's address to the other host's, which strips
 *     the outer header and routes the inner packet to its pod;
 *   - vxlan: the packet is routed into vxlan.calico, a VXLAN device of
 *     VNI 4096 on UDP port 4789 (felix's VXLANVNI and VXLANPort
 *     defaults) with a MAC of its own.  Each host's vxlan.calico holds a
 *     tunnel address from the pool, and the route to a pod of host m
 *     goes "via <m's tunnel address> dev vxlan.calico onlink", with a
 *     static neighbour entry (m's vxlan.calico MAC) and a forwarding
 *     entry (that MAC -> m's address), which felix writes from what the
 *     datastore says of m.  So the pod's packet crosses the wire as an
 *     Ethernet frame from one vxlan.calico to the other inside VXLAN,
 *     and m routes it out of its vxlan.calico to the pod's cali device.
 *     The tunnel addresses are the pool's last ones, one per host that
 *     declares the network, in hosts[] order (Calico's IPAM hands the
 *     node one address of its block; which one only shows in packets the
 *     host itself sends, and a pod may not have it).
 *
 * The pods' MTU (the veth's both ends) is the MTU of the host's address
 * less what the mode adds: 20 bytes with ipip, 50 with vxlan, nothing
 * with bgp, so that an encapsulated full packet fits the NIC (1480 and
 * 1450 over a 1500-byte NIC: Calico's MTU auto-detection, "Configure MTU
 * to maximize network performance" in Calico's documentation; a jumbo
 * underlay gives the pods jumbo MTUs).
 *
 * In vhsim the host end of each pod's veth is a stack answering ARP for
 * 169.254.1.1 with Calico's MAC (what proxy ARP answers on the wire),
 * with the host's router hooked in (models/endpoint/endpoint.h), and the
 * router also hooks the host's first address, which takes the pod
 * packets coming from the other hosts.  The pod routes of the other hosts
 * (what BGP would have told BIRD) come from the scenario: every host that
 * declares the network, with its pods.  Work: ip_forward per packet
 * routed by the host, plus tunnel_xmit / tunnel_rcv for IP-in-IP, which
 * Linux's ipip device sends and receives through the same ip_tunnel code
 * as GRE; with vxlan, the VXLAN device's own primitives (tunnel_xmit,
 * udp_tunnel, tunnel_rcv), its work 'softirq' as flannel.1's: it routes,
 * it does not bridge.  All charged on the core the packet is on. */
#include "models/container/netdrv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/container/container.h"
#include "models/container/veth.h"
#include "models/core/acct.h"
#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "models/tunnel/tnl_outer.h"
#include "models/tunnel/vtep.h"
#include "models/tunnel/vxlan.h"
#include "sim/xmalloc.h"

#define CALICO_GW 0xa9fe0101u       /* 169.254.1.1 */
#define IPPROTO_IPIP 4
#define CALICO_VNI 4096
#define CALICO_VXLAN_PORT 4789
#define CALICO_VXLAN_DEV "vxlan.calico"

static const char *const cal_keys[] = { "mode", NULL };
/* calico.yaml's default pool is IP-in-IP ("CALICO_IPV4POOL_IPIP":
 * "Always"). */
static const char *const cal_modes[] = { "ipip", "bgp", "vxlan", NULL };

enum cal_mode { CAL_IPIP, CAL_BGP, CAL_VXLAN };

/* Where a routed packet goes next: out of 'out', to 'via' (0: to the
 * destination itself). */
struct cal_hop {
    struct endpoint *out;
    uint32_t via;
};

struct cal_pod {
    uint32_t ip;
    struct cal_hop hop;         /* Out of the host end of its veth. */
};

struct cal_route {
    uint32_t ip;                /* A pod of another host... */
    struct cal_hop hop;         /* ...reached through that host. */
    struct vh_mac vtep_mac;     /* vxlan: that host's vxlan.calico. */
};

struct ccal {
    struct cnet *net;
    enum cal_mode mode;
    struct endpoint *nic;       /* The host's address. */
    struct cal_pod *pods;
    size_t n_pods;
    struct cal_route *routes;
    size_t n_routes;
    struct cal_hop out;         /* Anything else: the host's routes. */
    uint32_t mtu;               /* Its pods' veths'. */
    struct vtep *vtep;          /* vxlan: vxlan.calico... */
    struct port vport;          /* ...and the routing's side of it. */
    struct vh_mac vtep_mac;
    uint32_t tunnel_ip;         /* vxlan.calico's address. */
    uint64_t routed, encapsulated, decapsulated;
};

static const struct ep_router_ops cal_router;

static void cal_ipip_rcv(struct world *, struct endpoint *,
                         struct vh_packet *, const struct vh_frame_info *,
                         void *ctx);
static void cal_vtep_out(struct world *, struct port *, struct vh_packet *);

/* The tunnel address of the k-th host declaring network 'cn' (hosts[]
 * order): the pool's last addresses, below the broadcast one. */
static uint32_t
tunnel_ip(const struct cfg_network *cn, uint32_t k)
{
    uint32_t last = cn->subnet | ~(0xffffffffu << (32 - cn->prefix));
    return last - 1 - k;
}

/* vxlan.calico on host 'h' with its peers: what felix programs from the
 * datastore.  Refuses a pod holding a host's tunnel address. */
static bool
cal_build_vxlan(struct world *w, struct ccal *c, struct vh_diag *diag)
{
    const struct cfg_network *cn = c->net->cfg;
    struct host *h = c->net->host;
    const struct cfg_scenario *sc = w->cfg;
    uint32_t k = 0;
    for (size_t i = 0; i < sc->n_hosts; i++) {
        const struct cfg_host *ph = &sc->hosts[i];
        bool declares = false;
        for (size_t n = 0; n < ph->n_networks; n++) {
            declares |= ph->networks[n].driver == CFG_ND_CALICO
                        && !strcmp(ph->networks[n].name, cn->name);
        }
        if (!declares) {
            continue;
        }
        uint32_t tip = tunnel_ip(cn, k++);
        if (ph == h->cfg) {
            c->tunnel_ip = tip;
        }
        for (size_t j = 0; j < sc->n_hosts; j++) {
            const struct cfg_host *oh = &sc->hosts[j];
            for (size_t n = 0; n < oh->n_containers; n++) {
                const struct cfg_container *pc = &oh->containers[n];
                if (pc->mode != CFG_CTR_NET || pc->ip != tip
                    || oh->networks[pc->net].driver != CFG_ND_CALICO
                    || strcmp(oh->networks[pc->net].name, cn->name)) {
                    continue;
                }
                char path[512], a[20];
                snprintf(path, sizeof path, "%s.ip", pc->jpath);
                return vh_diag_fail(diag, path, "%s is host '%s''s "
                                    CALICO_VXLAN_DEV " tunnel address (the "
                                    "pool's last addresses, one per host); "
                                    "give the pod another",
                                    vh_ipv4_format(tip, a), ph->name);
            }
        }
    }
    struct vtep_cfg vc;
    vtep_cfg_init(&vc, VTEP_VXLAN, false);
    vc.key = CALICO_VNI;
    vc.port = CALICO_VXLAN_PORT;
    vc.local_ip = c->nic->ip;
    vc.learning = false;        /* felix writes every entry. */
    vc.cat = CPU_SOFTIRQ;
    c->vtep = vtep_create(w, h, CALICO_VXLAN_DEV, &vc, cn->jpath);
    cnet_dev_mac(h->dev.path, CALICO_VXLAN_DEV, &c->vtep_mac);
    port_init(&c->vport, cal_vtep_out, c, &c->net->dev, 0);
    port_connect(&c->vport, &c->vtep->port);
    for (size_t i = 0; i < c->n_routes; i++) {
        const struct cal_route *r = &c->routes[i];
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++) {
            seen = c->routes[j].hop.via == r->hop.via;
        }
        if (!seen) {
            vtep_add_remote(c->vtep, r->hop.via);
            vtep_fdb_add(c->vtep, &r->vtep_mac, r->hop.via);
        }
    }
    return vtep_bind(w, c->vtep, cn->jpath, diag);
}

static bool
cal_build(struct world *w, struct cnet *net, struct vh_diag *diag)
{
    const struct cfg_network *cn = net->cfg;
    struct host *h = net->host;
    struct ccal *c = vh_xcalloc(1, sizeof *c);
    net->priv = c;
    c->net = net;
    c->mode = !cn->mode || !strcmp(cn->mode, "ipip") ? CAL_IPIP
              : !strcmp(cn->mode, "bgp") ? CAL_BGP : CAL_VXLAN;
    if (!cn->prefix) {
        return vh_diag_fail(diag, cn->jpath, "missing required key "
                            "'subnet': Calico's IP pool, which its pods "
                            "take their addresses from across hosts");
    }
    if (!cn->n_members) {
        return true;
    }
    c->nic = cnet_route_underlay(net, &cal_router, c, "route its pods by",
                                 diag);
    if (!c->nic) {
        return false;
    }
    c->out.out = c->nic;
    c->mtu = c->nic->mtu - (c->mode == CAL_IPIP ? VH_IPV4_HLEN
                            : c->mode == CAL_VXLAN ? TNL_OUTER_ETH_IP_UDP
                                                     + VXLAN_HLEN : 0);
    /* The routing is between the pods' veths and this NIC: the topology
     * says so, for the GUI to draw the way. */
    vh_device_connect(&net->dev, c->nic->dev, 0);
    if (c->mode == CAL_IPIP) {
        endpoint_bind(c->nic, IPPROTO_IPIP, 0, cal_ipip_rcv, c);
    }

    /* What BGP tells this host: the pods of the others. */
    const struct cfg_scenario *sc = w->cfg;
    for (size_t i = 0; i < sc->n_hosts; i++) {
        const struct cfg_host *ph = &sc->hosts[i];
        if (ph == h->cfg) {
            continue;
        }
        for (size_t k = 0; k < ph->n_containers; k++) {
            const struct cfg_container *pc = &ph->containers[k];
            if (pc->mode != CFG_CTR_NET) {
                continue;
            }
            const struct cfg_network *pn = &ph->networks[pc->net];
            if (pn->driver != CFG_ND_CALICO || strcmp(pn->name, cn->name)) {
                continue;
            }
            if (strcmp(pn->mode ? pn->mode : cal_modes[0],
                       cn->mode ? cn->mode : cal_modes[0])) {
                char path[512];
                snprintf(path, sizeof path, "%s.mode", cn->jpath);
                return vh_diag_fail(diag, path, "calico network '%s' has "
                                    "another mode at %s; one IP pool has "
                                    "one mode on every host", cn->name,
                                    pn->jpath);
            }
            c->routes = vh_xgrow(c->routes, c->n_routes, sizeof *c->routes);
            struct cal_route *r = &c->routes[c->n_routes++];
            *r = (struct cal_route) {
                pc->ip, { c->nic, cnet_host_underlay_ip(ph) }, { { 0 } },
            };
            cnet_dev_mac(ph->name, CALICO_VXLAN_DEV, &r->vtep_mac);
        }
    }
    return c->mode != CAL_VXLAN || cal_build_vxlan(w, c, diag);
}

/* --- Routing. --- */

static struct cal_pod *
local_pod(struct ccal *c, uint32_t ip)
{
    for (size_t i = 0; i < c->n_pods; i++) {
        if (c->pods[i].ip == ip) {
            return &c->pods[i];
        }
    }
    return NULL;
}

static const struct cal_route *
remote_pod(const struct ccal *c, uint32_t ip)
{
    for (size_t i = 0; i < c->n_routes; i++) {
        if (c->routes[i].ip == ip) {
            return &c->routes[i];
        }
    }
    return NULL;
}

static vh_time_t
charge(struct world *w, const struct ccal *c, struct vh_packet *p,
       enum cost_id id)
{
    struct cpu_core *core = cpu_exec_core(p, &c->net->host->cores[0]);
    return cpu_charge(w, core, id, 0, CPU_SOFTIRQ, p, &c->net->dev);
}

static void
cal_send(struct vh_sim *sim, void *obj, void *arg)
{
    const struct cal_hop *hop = obj;
    struct world *w = world_of(sim);
    if (hop->via) {
        endpoint_forward_via(w, hop->out, arg, hop->via);
    } else {
        endpoint_forward(w, hop->out, arg);
    }
}

static void
cal_to_vtep(struct vh_sim *sim, void *obj, void *arg)
{
    struct ccal *c = obj;
    port_deliver(world_of(sim), &c->vport, arg);
}

/* Routes the IPv4 packet 'p' that reached the host by 'in': to a local
 * pod, or to the host of a remote one (in IP-in-IP with ipip), or, from
 * a pod, by the host's own routes.  False: not the network's. */
static bool
cal_route(struct world *w, struct endpoint *in, struct vh_packet *p,
          const struct vh_frame_info *fi, struct ccal *c)
{
    struct cnet *net = c->net;
    struct cal_pod *pod = local_pod(c, fi->ip_dst);
    const struct cal_route *remote = pod ? NULL : remote_pod(c, fi->ip_dst);
    const struct cal_hop *hop = pod ? &pod->hop
                                : remote ? &remote->hop : NULL;
    if (!hop) {
        if (in == c->nic) {
            return false;       /* Not a pod's: the host's own business. */
        }
        hop = &c->out;
    }
    net->dev.rx++;
    p->hops++;
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = &net->dev);
    if (fi->ip_ttl <= 1) {
        acct_drop(w, p, &net->dev, "ttl-exceeded");
        return true;
    }
    uint8_t *iph = p->data + fi->l3_off;
    vh_ipv4_dec_ttl(iph);
    vh_time_t t = charge(w, c, p, COST_IP_FORWARD);
    c->routed++;
    if (hop->via && c->mode == CAL_IPIP) {
        /* tunl0: the pod's IPv4 packet inside another, host to host. */
        t = charge(w, c, p, COST_TUNNEL_XMIT);
        struct tnl_ipv4 o = {
            .src = c->nic->ip, .dst = hop->via, .id = c->nic->next_ip_id++,
            .df = (iph[VH_IPV4_FRAG_OFF] & 0x40) != 0,
        };
        vh_packet_pull(p, fi->l3_off);
        tnl_reserve(p, TNL_OUTER_ETH_IP);
        tnl_push_ipv4(p, &o, IPPROTO_IPIP);
        c->encapsulated++;
        hop = &c->out;          /* Now to the other host itself. */
    } else if (remote && c->mode == CAL_VXLAN) {
        /* Via the other host's tunnel address on vxlan.calico, onlink:
         * its neighbour entry is that host's vxlan.calico MAC. */
        vh_eth_set_src(p->data, &c->vtep_mac);
        vh_eth_set_dst(p->data, &remote->vtep_mac);
        c->encapsulated++;
        net->dev.tx++;
        vh_schedule_at(&w->sim, t, cal_to_vtep, c, p);
        return true;
    }
    net->dev.tx++;
    vh_schedule_at(&w->sim, t, cal_send, (void *) hop, p);
    return true;
}

/* tunl0 receiving: an IP-in-IP packet for the host's address.  The outer
 * headers come off and the inner packet is routed as if it had arrived
 * (ipip_rcv, then ip_forward to the pod). */
static void
cal_ipip_rcv(struct world *w, struct endpoint *ep, struct vh_packet *p,
             const struct vh_frame_info *fi, void *ctx)
{
    struct ccal *c = ctx;
    charge(w, c, p, COST_TUNNEL_RCV);
    uint32_t ihl = (p->data[fi->l3_off] & 0x0fu) * 4;
    vh_packet_pull(p, fi->l3_off + ihl);
    uint8_t *eth = vh_packet_push(p, VH_ETH_HLEN);
    memset(eth, 0, VH_ETH_HLEN);
    vh_put_be16(eth + VH_ETH_TYPE_OFF, VH_ETHERTYPE_IPV4);
    struct vh_frame_info in;
    vh_frame_parse(p->data, p->len, &in, false);
    c->decapsulated++;
    if (!in.is_ipv4 || !local_pod(c, in.ip_dst)
        || !cal_route(w, ep, p, &in, c)) {
        acct_drop(w, p, &c->net->dev, "ipip-no-pod");
    }
}

/* A frame out of vxlan.calico: addressed to this host's vxlan.calico
 * and for one of its pods, it is routed there. */
static void
cal_vtep_out(struct world *w, struct port *port, struct vh_packet *p)
{
    struct ccal *c = port->owner;
    struct vh_frame_info fi;
    vh_frame_parse(p->data, p->len, &fi, false);
    c->decapsulated++;
    if (!fi.is_ipv4 || !vh_mac_eq(&fi.dst, &c->vtep_mac)
        || !local_pod(c, fi.ip_dst) || !cal_route(w, c->vtep->ep, p, &fi, c)) {
        acct_drop(w, p, &c->net->dev, "vxlan-no-pod");
    }
}

/* --- The router hook on the host ends and the host's address. --- */

static bool
cal_input(struct world *w, struct endpoint *ep, struct vh_packet *p,
          const struct vh_frame_info *fi)
{
    if (fi->ip_dst == ep->ip) {
        return false;           /* For the host itself. */
    }
    return cal_route(w, ep, p, fi, ep->router_ctx);
}

static bool
cal_output(struct world *w, struct endpoint *ep, struct vh_packet *p,
           uint32_t dst)
{
    (void) w, (void) ep, (void) p, (void) dst;
    return false;
}

static const struct ep_router_ops cal_router = {
    .input = cal_input,
    .output = cal_output,
};

/* --- Pods. --- */

/* Calico's MAC on every host end of a pod's veth. */
static const struct vh_mac cali_mac = {
    { 0xee, 0xee, 0xee, 0xee, 0xee, 0xee }
};

static bool
cal_join(struct world *w, struct cnet *net, struct container *c,
         struct vh_diag *diag)
{
    struct ccal *cal = net->priv;
    struct host *h = net->host;
    const struct cfg_container *cc = c->cfg;
    char name[16];
    ctr_veth_host_name(h->dev.path, cc->name, name, sizeof name);
    memcpy(name, "cali", 4);    /* Calico's prefix for the host end. */
    struct veth *v = veth_create(w, h, &c->dev, "eth0", &h->dev, name,
                                 c->cycles);
    c->ifdev = &v->end[0].dev;
    struct endpoint *ep = ctr_make_stack(c, &v->end[0].dev, &cc->mac);
    port_connect(&ep->port, &v->end[0].port);
    /* The pod's side: its address alone, everything through 169.254.1.1. */
    ep->netmask = 0xffffffffu;
    ep->gateway = CALICO_GW;
    ep->host_routed = true;
    ep->mtu = cal->mtu;

    /* The host's side: answers for 169.254.1.1, routes the rest. */
    struct endpoint *side = endpoint_create(h, &v->end[1].dev, h->dev.path,
                                            &cali_mac, CALICO_GW, 32,
                                            &h->cores[0], CPU_SOFTIRQ,
                                            CPU_SOFTIRQ);
    side->netmask = 0;          /* Its pod is on the link, whatever it is. */
    side->mtu = cal->mtu;
    endpoint_hook_router(side, &cal_router, cal);   /* Fresh: cannot fail. */
    port_connect(&side->port, &v->end[1].port);
    vh_device_connect(&net->dev, &v->end[1].dev, 0);
    cal->pods = vh_xgrow(cal->pods, cal->n_pods, sizeof *cal->pods);
    cal->pods[cal->n_pods++] = (struct cal_pod) { cc->ip, { side, 0 } };
    (void) diag;
    return true;
}

static void
cal_report(const struct cnet *net, struct report_out *out)
{
    const struct ccal *c = net->priv;
    report_out_str(out, "mode", c->mode == CAL_BGP ? "bgp"
                                : c->mode == CAL_IPIP ? "ipip" : "vxlan");
    report_out_num(out, "routes", (double) c->n_routes);
    report_out_num(out, "routed", (double) c->routed);
    if (c->vtep) {
        char a[20];
        report_out_str(out, "vtep", c->vtep->dev.path);
        report_out_str(out, "tunnel_ip", vh_ipv4_format(c->tunnel_ip, a));
    }
    if (c->mode != CAL_BGP) {
        report_out_num(out, "encapsulated", (double) c->encapsulated);
        report_out_num(out, "decapsulated", (double) c->decapsulated);
    }
}

static void
cal_destroy(struct cnet *net)
{
    struct ccal *c = net->priv;
    if (c) {
        for (size_t i = 0; i < c->n_pods; i++) {
            endpoint_free(c->pods[i].hop.out);
        }
        free(c->pods);
        free(c->routes);
        free(c);
    }
}

const struct net_driver cnet_calico_driver = {
    .name = "calico",
    .keys = cal_keys,
    .modes = cal_modes,
    .build = cal_build,
    .join = cal_join,
    .report = cal_report,
    .destroy = cal_destroy,
};
