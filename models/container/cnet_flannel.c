/* models/container/cnet_flannel.c: flannel, a CNI plugin that gives each
 * host a subnet of the cluster's network.
 *
 * flanneld leases every host a /24 of the network ("Network":
 * "10.244.0.0/16", "SubnetLen": 24; here host k of those declaring it
 * in hosts[] order gets the k-th /24).  On each host the CNI bridge
 * plugin makes cni0, a Linux bridge holding the host's first address of
 * its /24 (10.244.k.1), and a veth per pod on it; pods take the /24's
 * next addresses and route everything else through cni0's address.  The
 * host routes the other hosts' /24s by the backend ("mode"):
 *   - vxlan (flannel's default): through flannel.1, a VXLAN device of
 *     VNI 1 on UDP port 8472 (the Linux kernel's old default port, which
 *     flannel keeps), which is routed, not bridged: the route to
 *     10.244.m.0/24 goes via 10.244.m.0 on flannel.1, whose neighbour
 *     entry is host m's flannel.1 MAC and whose forwarding entry for that
 *     MAC is host m's address; flanneld writes all three from the leases
 *     and vhsim reads them from the scenario.  So a pod's packet crosses
 *     the wire as an Ethernet frame from one flannel.1 to the other,
 *     inside VXLAN;
 *   - host-gw: no encapsulation, a route to each /24 via its host's
 *     address (the hosts must share a LAN);
 *   - udp: flannel's first backend, in user space.  The route to the
 *     network goes to flannel0, a TUN device whose reader is flanneld:
 *     the kernel queues the packet to it (tun_xmit) and wakes it;
 *     flanneld read()s the IP packet (tap_read and a copy to user space),
 *     finds the host of its /24, and sendto()s it as the payload of a UDP
 *     datagram to that host's flanneld on port 8285 (a system call, a
 *     copy back into the kernel, the UDP stack: stack_tx).  There the
 *     datagram reaches flanneld's socket (stack_rx), wakes it, and
 *     flanneld recvfrom()s it (a copy out) and write()s the inner packet
 *     into its flannel0 (tap_write and a copy in), whence the kernel
 *     routes it to cni0.  Two wake-ups, four copies and four system calls
 *     per packet beyond the kernel backends: flanneld's work is 'app' on
 *     its own core (a thread placed as unpinned host threads are).
 *
 * The pods' MTU, and cni0's, is what flanneld writes to subnet.env
 * (FLANNEL_MTU) for the CNI plugin: the MTU of the host's address less
 * the backend's overhead, 50 bytes for vxlan, 28 (IPv4 and UDP) for
 * udp, nothing for host-gw: 1450 and 1472 over a 1500-byte NIC.
 *
 * Work: ip_forward on each host that routes the packet (the sender's on
 * its way to flannel.1 or the NIC, the receiver's from the NIC or
 * flannel.1 to cni0), plus the VXLAN device's own primitives (its work
 * counted as 'softirq': flannel.1 routes, it does not bridge), and the
 * bridge on cni0. */
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
#include "models/hostnet/lbridge.h"
#include "models/tunnel/tnl_outer.h"
#include "models/tunnel/vtep.h"
#include "models/tunnel/vxlan.h"
#include "sim/xmalloc.h"

static const char *const fl_keys[] = { "mode", NULL };
static const char *const fl_modes[] = { "vxlan", "host-gw", "udp", NULL };

#define FLANNEL_VNI 1
#define FLANNEL_PORT 8472
#define FLANNEL_UDP_PORT 8285   /* flanneld's udp backend. */

enum fl_mode { FL_VXLAN, FL_HOSTGW, FL_UDP };

/* Another host's lease: its /24, its address, its flannel.1's MAC. */
struct cfl;
struct fl_lease {
    struct cfl *f;
    uint32_t block;
    uint32_t host_ip;
    struct vh_mac vtep_mac;
};

struct cfl {
    struct cnet *net;
    enum fl_mode mode;
    uint32_t block;             /* This host's /24. */
    struct cfg_bridge br_cfg;
    struct lbridge *br;         /* cni0. */
    struct endpoint *cni0;      /* The host's address on it. */
    struct endpoint *nic;       /* The host's address on the LAN. */
    uint32_t mtu;               /* FLANNEL_MTU: cni0's and its pods'. */
    struct vtep *vtep;          /* flannel.1 (vxlan). */
    struct port vport;          /* The routing's side of flannel.1. */
    struct vh_mac vtep_mac;
    struct fl_lease *leases;
    size_t n_leases;
    struct cpu_core *flanneld;  /* udp: flanneld's core. */
    uint64_t routed;
    uint64_t to_user, from_user;    /* udp: packets through flanneld. */
};

static const struct ep_router_ops fl_router;

static void fl_vtep_out(struct world *, struct port *, struct vh_packet *);
static bool fl_route(struct world *, struct endpoint *, struct vh_packet *,
                     const struct vh_frame_info *, struct cfl *);
static void fl_udp_send(struct vh_sim *, void *, void *);
static void fl_udp_out(struct vh_sim *, void *, void *);
static void fl_udp_deliver(struct vh_sim *, void *, void *);
static void fl_udp_rcv(struct world *, struct endpoint *, struct vh_packet *,
                       const struct vh_frame_info *, void *ctx);

static bool
fl_build(struct world *w, struct cnet *net, struct vh_diag *diag)
{
    const struct cfg_network *cn = net->cfg;
    struct host *h = net->host;
    struct cfl *f = vh_xcalloc(1, sizeof *f);
    net->priv = f;
    f->net = net;
    f->mode = !cn->mode || !strcmp(cn->mode, "vxlan") ? FL_VXLAN
              : !strcmp(cn->mode, "host-gw") ? FL_HOSTGW : FL_UDP;
    if (!cn->prefix || cn->prefix >= 24) {
        return vh_diag_fail(diag, cn->jpath, "a flannel network needs a "
                            "\"subnet\" wider than /24: flanneld leases "
                            "each host a /24 of it");
    }
    f->block = cn->gateway & 0xffffff00u;   /* The loader's lease. */

    /* cni0 and the host's address on it. */
    f->br_cfg.name = "cni0";
    f->br_cfg.jpath = cn->jpath;
    f->br_cfg.type = CFG_BR_LINUX;
    f->br = lbridge_create(w, h, &f->br_cfg);
    struct vh_mac mac;
    cnet_dev_mac(h->dev.path, "cni0", &mac);
    f->cni0 = endpoint_create(h, &f->br->dev, h->dev.path, &mac,
                              cn->gateway, 24, &h->cores[0], CPU_SOFTIRQ,
                              CPU_SOFTIRQ);
    endpoint_hook_router(f->cni0, &fl_router, f);   /* Fresh: cannot fail. */
    lbridge_attach(f->br, &f->cni0->port);

    f->nic = cnet_route_underlay(net, &fl_router, f, "reach the others by",
                                 diag);
    if (!f->nic) {
        return false;
    }
    f->mtu = f->nic->mtu - (f->mode == FL_VXLAN ? TNL_OUTER_ETH_IP_UDP
                                                  + VXLAN_HLEN
                            : f->mode == FL_UDP ? VH_IPV4_HLEN + VH_UDP_HLEN
                                                : 0);
    f->cni0->mtu = f->mtu;

    /* The other hosts' leases, as flanneld reads them from the store. */
    const struct cfg_scenario *sc = w->cfg;
    for (size_t i = 0; i < sc->n_hosts; i++) {
        const struct cfg_host *ph = &sc->hosts[i];
        for (size_t k = 0; ph != h->cfg && k < ph->n_networks; k++) {
            const struct cfg_network *pn = &ph->networks[k];
            if (pn->driver != CFG_ND_FLANNEL || strcmp(pn->name, cn->name)) {
                continue;
            }
            if (strcmp(pn->mode ? pn->mode : fl_modes[0],
                       cn->mode ? cn->mode : fl_modes[0])
                || pn->subnet != cn->subnet || pn->prefix != cn->prefix) {
                char path[512];
                snprintf(path, sizeof path, "%s.mode", cn->jpath);
                return vh_diag_fail(diag, path, "flannel network '%s' has "
                                    "another mode or subnet at %s; one "
                                    "network has one backend and one subnet "
                                    "on every host", cn->name, pn->jpath);
            }
            f->leases = vh_xgrow(f->leases, f->n_leases, sizeof *f->leases);
            struct fl_lease *l = &f->leases[f->n_leases++];
            l->f = f;
            l->block = pn->gateway & 0xffffff00u;
            l->host_ip = cnet_host_underlay_ip(ph);
            char path[160];
            snprintf(path, sizeof path, "%s", ph->name);
            cnet_dev_mac(path, "flannel.1", &l->vtep_mac);
        }
    }
    if (f->mode == FL_VXLAN) {
        struct vtep_cfg vc;
        vtep_cfg_init(&vc, VTEP_VXLAN, false);
        vc.key = FLANNEL_VNI;
        vc.port = FLANNEL_PORT;
        vc.local_ip = f->nic->ip;
        vc.learning = false;
        vc.cat = CPU_SOFTIRQ;
        f->vtep = vtep_create(w, h, "flannel.1", &vc, cn->jpath);
        cnet_dev_mac(h->dev.path, "flannel.1", &f->vtep_mac);
        port_init(&f->vport, fl_vtep_out, f, &net->dev, 0);
        port_connect(&f->vport, &f->vtep->port);
        for (size_t i = 0; i < f->n_leases; i++) {
            vtep_add_remote(f->vtep, f->leases[i].host_ip);
            vtep_fdb_add(f->vtep, &f->leases[i].vtep_mac,
                         f->leases[i].host_ip);
        }
        return vtep_bind(w, f->vtep, cn->jpath, diag);
    }
    if (f->mode == FL_UDP) {
        f->flanneld = host_pick_thread_core(h);
        endpoint_bind(f->nic, VH_IPPROTO_UDP, FLANNEL_UDP_PORT, fl_udp_rcv,
                      f);
    }
    return true;
}

/* --- Routing. --- */

static const struct fl_lease *
lease_of(const struct cfl *f, uint32_t ip)
{
    for (size_t i = 0; i < f->n_leases; i++) {
        if ((ip & 0xffffff00u) == f->leases[i].block) {
            return &f->leases[i];
        }
    }
    return NULL;
}

static void
fl_to_cni0(struct vh_sim *sim, void *obj, void *arg)
{
    struct cfl *f = obj;
    endpoint_forward(world_of(sim), f->cni0, arg);
}

static void
fl_to_vtep(struct vh_sim *sim, void *obj, void *arg)
{
    struct cfl *f = obj;
    port_deliver(world_of(sim), &f->vport, arg);
}

static void
fl_udp_out(struct vh_sim *sim, void *obj, void *arg)
{
    struct cfl *f = obj;
    endpoint_forward(world_of(sim), f->nic, arg);
}

static void
fl_to_host(struct vh_sim *sim, void *obj, void *arg)
{
    const struct fl_lease *l = obj;
    endpoint_forward_via(world_of(sim), l->f->nic, arg, l->host_ip);
}

/* flanneld's user-space copy of 'p' ('to_user': into its buffer, else
 * back into the kernel), on its core. */
static vh_time_t
fl_copy(struct world *w, struct cfl *f, struct vh_packet *p)
{
    f->net->host->copies_bytes += p->len;
    cpu_charge(w, f->flanneld, COST_COPY_FIXED, 0, CPU_APP, p, &f->net->dev);
    return cpu_charge(w, f->flanneld, COST_COPY_BYTE, p->len, CPU_APP, p,
                      &f->net->dev);
}

/* flanneld, woken: read() from flannel0, then sendto() the other host's
 * flanneld. */
static void
fl_udp_send(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    const struct fl_lease *l = obj;
    struct cfl *f = l->f;
    struct vh_packet *p = arg;
    p->exec = &f->flanneld->srv;
    /* flannel0 is a TUN device: flanneld reads the bare IP packet. */
    vh_packet_pull(p, VH_ETH_HLEN);
    cpu_charge(w, f->flanneld, COST_TAP_READ, 0, CPU_APP, p, &f->net->dev);
    fl_copy(w, f, p);
    cpu_charge(w, f->flanneld, COST_SYSCALL, 0, CPU_APP, p, &f->net->dev);
    fl_copy(w, f, p);
    struct tnl_ipv4 o = {
        .src = f->nic->ip, .dst = l->host_ip, .id = f->nic->next_ip_id++,
    };
    tnl_reserve(p, TNL_OUTER_ETH_IP_UDP);
    tnl_push_udp(p, &o, FLANNEL_UDP_PORT, FLANNEL_UDP_PORT, true);
    tnl_push_ipv4(p, &o, VH_IPPROTO_UDP);
    vh_time_t t = cpu_charge(w, f->flanneld, COST_STACK_TX, 0, CPU_APP, p,
                             &f->net->dev);
    f->to_user++;
    vh_schedule_at(&w->sim, t, fl_udp_out, f, p);
}

/* flanneld's datagram arrived: its socket wakes it; it recvfrom()s it
 * and write()s the inner packet into flannel0. */
static void
fl_udp_rcv(struct world *w, struct endpoint *ep, struct vh_packet *p,
           const struct vh_frame_info *fi, void *ctx)
{
    struct cfl *f = ctx;
    struct cpu_core *core = cpu_exec_core(p, &f->net->host->cores[0]);
    (void) ep;
    cpu_charge(w, core, COST_STACK_RX, 0, CPU_SOFTIRQ, p, &f->net->dev);
    vh_time_t t = cpu_wake_thread(w, core, CPU_SOFTIRQ, f->flanneld,
                                  CPU_APP, &f->net->host->interrupts, p,
                                  &f->net->dev);
    uint32_t ihl = (p->data[fi->l3_off] & 0x0fu) * 4;
    vh_packet_pull(p, fi->l3_off + ihl + VH_UDP_HLEN);
    vh_schedule_at(&w->sim, t, fl_udp_deliver, f, p);
}

static void
fl_udp_deliver(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct cfl *f = obj;
    struct vh_packet *p = arg;
    p->exec = &f->flanneld->srv;
    cpu_charge(w, f->flanneld, COST_SYSCALL, 0, CPU_APP, p, &f->net->dev);
    fl_copy(w, f, p);
    cpu_charge(w, f->flanneld, COST_TAP_WRITE, 0, CPU_APP, p, &f->net->dev);
    fl_copy(w, f, p);
    f->from_user++;
    /* Out of flannel0 into the stack, which routes it to cni0. */
    cpu_charge(w, f->flanneld, COST_NETIF_RECEIVE, 0, CPU_SOFTIRQ, p,
               &f->net->dev);
    uint8_t *eth = vh_packet_push(p, VH_ETH_HLEN);
    memset(eth, 0, VH_ETH_HLEN);
    vh_put_be16(eth + VH_ETH_TYPE_OFF, VH_ETHERTYPE_IPV4);
    struct vh_frame_info in;
    vh_frame_parse(p->data, p->len, &in, false);
    if (!in.is_ipv4 || (in.ip_dst & 0xffffff00u) != f->block
        || !fl_route(w, f->nic, p, &in, f)) {
        acct_drop(w, p, &f->net->dev, "flannel-no-route");
    }
}

/* Routes 'p' (parsed as 'fi'), which reached the host by 'in', as the
 * host's routing table says.  False: not for the network. */
static bool
fl_route(struct world *w, struct endpoint *in, struct vh_packet *p,
         const struct vh_frame_info *fi, struct cfl *f)
{
    struct cnet *net = f->net;
    bool local = (fi->ip_dst & 0xffffff00u) == f->block;
    const struct fl_lease *l = local ? NULL : lease_of(f, fi->ip_dst);
    if (!local && !l) {
        return false;           /* The host's other routes. */
    }
    if (local && in == f->cni0) {
        return false;           /* On the bridge already. */
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
    struct cpu_core *core = cpu_exec_core(p, &net->host->cores[0]);
    vh_time_t t = cpu_charge(w, core, COST_IP_FORWARD, 0, CPU_SOFTIRQ, p,
                             &net->dev);
    f->routed++;
    net->dev.tx++;
    if (local) {
        vh_schedule_at(&w->sim, t, fl_to_cni0, f, p);
    } else if (f->mode == FL_VXLAN) {
        /* Via 10.244.m.0 on flannel.1: the neighbour is the other
         * flannel.1. */
        vh_eth_set_src(p->data, &f->vtep_mac);
        vh_eth_set_dst(p->data, &l->vtep_mac);
        vh_schedule_at(&w->sim, t, fl_to_vtep, f, p);
    } else if (f->mode == FL_HOSTGW) {
        vh_schedule_at(&w->sim, t, fl_to_host, (void *) l, p);
    } else {
        /* To flannel0: queued to flanneld, which is woken. */
        t = cpu_charge(w, core, COST_TUN_XMIT, 0, CPU_SOFTIRQ, p,
                       &net->dev);
        t = cpu_wake_thread(w, core, CPU_SOFTIRQ, f->flanneld, CPU_APP,
                            &net->host->interrupts, p, &net->dev);
        vh_schedule_at(&w->sim, t, fl_udp_send, (void *) l, p);
    }
    return true;
}

/* A frame out of flannel.1: route it to its pod. */
static void
fl_vtep_out(struct world *w, struct port *port, struct vh_packet *p)
{
    struct cfl *f = port->owner;
    struct vh_frame_info fi;
    vh_frame_parse(p->data, p->len, &fi, false);
    if (!fi.is_ipv4 || !vh_mac_eq(&fi.dst, &f->vtep_mac)
        || (fi.ip_dst & 0xffffff00u) != f->block
        || !fl_route(w, f->vtep->ep, p, &fi, f)) {
        acct_drop(w, p, &f->net->dev, "flannel-no-route");
    }
}

static bool
fl_input(struct world *w, struct endpoint *ep, struct vh_packet *p,
         const struct vh_frame_info *fi)
{
    if (fi->ip_dst == ep->ip) {
        return false;
    }
    return fl_route(w, ep, p, fi, ep->router_ctx);
}

static bool
fl_output(struct world *w, struct endpoint *ep, struct vh_packet *p,
          uint32_t dst)
{
    (void) w, (void) ep, (void) p, (void) dst;
    return false;
}

static const struct ep_router_ops fl_router = {
    .input = fl_input,
    .output = fl_output,
};

/* --- Pods. --- */

static bool
fl_join(struct world *w, struct cnet *net, struct container *c,
        struct vh_diag *diag)
{
    struct cfl *f = net->priv;
    struct endpoint *ep = cnet_join_bridge(w, net, c, f->br);
    ep->gateway = f->cni0->ip;
    ep->host_routed = true;
    ep->mtu = f->mtu;
    (void) diag;
    return true;
}

static void
fl_report(const struct cnet *net, struct report_out *out)
{
    const struct cfl *f = net->priv;
    char a[20], text[32];
    report_out_str(out, "mode", f->mode == FL_VXLAN ? "vxlan"
                                : f->mode == FL_HOSTGW ? "host-gw" : "udp");
    snprintf(text, sizeof text, "%s/24", vh_ipv4_format(f->block, a));
    report_out_str(out, "lease", text);
    report_out_str(out, "bridge", f->br->dev.path);
    report_out_num(out, "routed", (double) f->routed);
    if (f->vtep) {
        report_out_str(out, "vtep", f->vtep->dev.path);
    }
    if (f->mode == FL_UDP) {
        report_out_num(out, "flanneld_core", (double) f->flanneld->index);
        report_out_num(out, "flanneld_sent", (double) f->to_user);
        report_out_num(out, "flanneld_received", (double) f->from_user);
    }
}

static void
fl_destroy(struct cnet *net)
{
    struct cfl *f = net->priv;
    if (f) {
        if (f->cni0) {
            endpoint_free(f->cni0);
        }
        free(f->leases);
        free(f);
    }
}

const struct net_driver cnet_flannel_driver = {
    .name = "flannel",
    .keys = fl_keys,
    .modes = fl_modes,
    .build = fl_build,
    .join = fl_join,
    .report = fl_report,
    .destroy = fl_destroy,
};
