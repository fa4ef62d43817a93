/* models/hostnet/ipvlan.c: ipvlan's L2, L3 and L3S modes on a NIC. */
#include "models/hostnet/ipvlan.h"

#include <stdlib.h>

#include "models/core/acct.h"
#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "models/hw/cpu.h"
#include "models/hw/pnic.h"
#include "sim/frame.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

const char *const ipvlan_mode_names[] = { "l2", "l3", "l3s", NULL };

static struct cpu_core *
core_of(const struct ipvlan *iv, const struct vh_packet *p)
{
    return cpu_exec_core(p, iv->nic->q[0].irq_core);
}

static void
send_on(struct world *w, struct ipvlan *iv, struct port *out,
        struct vh_packet *p)
{
    iv->dev.tx++;
    port_deliver(w, out, p);
}

/* The address a frame is for: an IPv4 packet's destination, an ARP
 * frame's target; 0 for anything else. */
static uint32_t
frame_target(const struct vh_packet *p)
{
    struct vh_frame_info fi;
    if (vh_frame_parse(p->data, p->len, &fi, false)) {
        return 0;
    }
    return fi.is_arp ? fi.arp_tpa : fi.is_ipv4 ? fi.ip_dst : 0;
}

static struct ipvlan_slave *
slave_by_ip(const struct ipvlan *iv, uint32_t ip)
{
    for (size_t i = 0; ip && i < iv->n_slaves; i++) {
        if (iv->slaves[i]->ip == ip) {
            return iv->slaves[i];
        }
    }
    return NULL;
}

/* A broadcast to every slave but 'from', and to 'extra' (the wire or the
 * host's stack) when it has a peer. */
static void
flood(struct world *w, struct ipvlan *iv, const struct ipvlan_slave *from,
      struct port *extra, struct vh_packet *p)
{
    size_t n = extra && extra->peer ? 1 : 0;
    for (size_t i = 0; i < iv->n_slaves; i++) {
        n += iv->slaves[i] != from;
    }
    if (!n) {
        acct_consume(w, p, &iv->dev);
        return;
    }
    for (size_t i = 0; i < iv->n_slaves; i++) {
        if (iv->slaves[i] != from) {
            send_on(w, iv, &iv->slaves[i]->port, --n ? acct_clone(w, p) : p);
        }
    }
    if (extra && extra->peer) {
        send_on(w, iv, extra, p);
    }
}

/* --- From the NIC. --- */

/* To the host's own stack on the master, which has the frames no slave
 * takes. */
static void
to_host(struct world *w, struct ipvlan *iv, struct vh_packet *p)
{
    if (iv->local.peer) {
        send_on(w, iv, &iv->local, p);
    } else if (vh_mac_is_multicast(vh_eth_dst(p->data))) {
        acct_consume(w, p, &iv->dev);
    } else {
        acct_drop(w, p, &iv->dev, acct_not_for_me);
    }
}

static void
deliver_later(struct vh_sim *sim, void *obj, void *arg)
{
    struct ipvlan_slave *s = obj;
    send_on(world_of(sim), s->iv, &s->port, arg);
}

/* L3 and L3S (ipvlan_handle_mode_l3, and the l3mdev path of L3S): only
 * the IPv4 header (an ARP frame's target) decides; nothing is flooded. */
static void
dispatch_l3(struct world *w, struct ipvlan *iv, struct vh_packet *p)
{
    struct vh_frame_info fi;
    if (vh_frame_parse(p->data, p->len, &fi, false)) {
        to_host(w, iv, p);
        return;
    }
    if (fi.is_arp) {
        /* L3 hands it to the slave, whose NOARP stack ignores it; L3S
         * passes it to the master, which has not the address. */
        struct ipvlan_slave *s = iv->mode == IPVLAN_L3
                                 ? slave_by_ip(iv, fi.arp_tpa) : NULL;
        if (s) {
            send_on(w, iv, &s->port, p);
        } else {
            to_host(w, iv, p);
        }
        return;
    }
    struct ipvlan_slave *s = fi.is_ipv4 ? slave_by_ip(iv, fi.ip_dst) : NULL;
    if (!s) {
        to_host(w, iv, p);
        return;
    }
    if (iv->mode == IPVLAN_L3S) {
        /* The host's PREROUTING and INPUT hooks see it first. */
        vh_time_t t = cpu_charge(w, core_of(iv, p), COST_CONNTRACK, 0,
                                 CPU_SOFTIRQ, p, &iv->dev);
        vh_schedule_at(&w->sim, t, deliver_later, s, p);
        return;
    }
    send_on(w, iv, &s->port, p);
}

static void
iv_dispatch(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct ipvlan *iv = obj;
    struct vh_packet *p = arg;
    if (iv->mode != IPVLAN_L2) {
        dispatch_l3(w, iv, p);
        return;
    }
    if (vh_mac_is_multicast(vh_eth_dst(p->data))) {
        flood(w, iv, NULL, &iv->local, p);
        return;
    }
    struct ipvlan_slave *s = slave_by_ip(iv, frame_target(p));
    if (s) {
        send_on(w, iv, &s->port, p);
    } else if (iv->local.peer) {
        send_on(w, iv, &iv->local, p);
    } else {
        acct_drop(w, p, &iv->dev, acct_not_for_me);
    }
}

/* A frame enters the layer: its lookup on the carrying core, then
 * 'next'. */
static void
iv_enter(struct world *w, struct ipvlan *iv, struct vh_packet *p,
         vh_event_fn next, void *obj)
{
    iv->dev.rx++;
    p->hops++;
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = &iv->dev);
    vh_time_t t = cpu_charge(w, core_of(iv, p), COST_IPVLAN_FORWARD, 0,
                             CPU_VSWITCH, p, &iv->dev);
    vh_schedule_at(&w->sim, t, next, obj, p);
}

static void
iv_lower_rx(struct world *w, struct port *port, struct vh_packet *p)
{
    struct ipvlan *iv = port->owner;
    iv_enter(w, iv, p, iv_dispatch, iv);
}

/* --- From a slave. --- */

static void
routed_out(struct vh_sim *sim, void *obj, void *arg)
{
    struct ipvlan *iv = obj;
    iv->dev.tx++;
    endpoint_forward(world_of(sim), iv->host_ep, arg);
}

static void
routed_local(struct vh_sim *sim, void *obj, void *arg)
{
    endpoint_input(world_of(sim), obj, arg);
}

/* The host's address 'ip' (any of its interfaces'), or NULL. */
static struct endpoint *
host_address(const struct host *h, uint32_t ip)
{
    for (size_t i = 0; i < h->n_eps; i++) {
        if (h->eps[i]->ip == ip) {
            return h->eps[i];
        }
    }
    return NULL;
}

/* L3 and L3S (ipvlan_xmit_mode_l3): a sibling's address stays in the
 * layer; the rest crosses into the host's namespace and is routed there
 * (ipvlan_process_outbound). */
static void
slave_xmit_l3(struct world *w, struct ipvlan_slave *s, struct vh_packet *p)
{
    struct ipvlan *iv = s->iv;
    struct ipvlan_slave *d = slave_by_ip(iv, frame_target(p));
    if (d && d != s) {
        send_on(w, iv, &d->port, p);
        return;
    }
    struct vh_frame_info fi;
    bool ip = !vh_frame_parse(p->data, p->len, &fi, false) && fi.is_ipv4;
    if (vh_mac_is_multicast(vh_eth_dst(p->data))) {
        acct_drop(w, p, &iv->dev, "ipvlan-l3-multicast");
        return;
    }
    if (!ip) {
        acct_drop(w, p, &iv->dev, "ipvlan-l3-not-ip");
        return;
    }
    /* The host's route lookup and output, through its LOCAL_OUT and
     * POSTROUTING hooks. */
    struct cpu_core *core = core_of(iv, p);
    cpu_charge(w, core, COST_CONNTRACK, 0, CPU_SOFTIRQ, p, &iv->dev);
    vh_time_t t = cpu_charge(w, core, COST_IP_LOCAL_OUT, 0, CPU_SOFTIRQ, p,
                             &iv->dev);
    struct endpoint *self = host_address(iv->host, fi.ip_dst);
    if (self) {
        /* A local route: through the loopback device into the host's
         * own stack. */
        vh_schedule_at(&w->sim, t, routed_local, self, p);
        return;
    }
    vh_schedule_at(&w->sim, t, routed_out, iv, p);
}

static void
slave_xmit(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct ipvlan_slave *s = obj;
    struct ipvlan *iv = s->iv;
    struct vh_packet *p = arg;
    if (iv->mode != IPVLAN_L2) {
        slave_xmit_l3(w, s, p);
        return;
    }
    const struct vh_mac *dst = vh_eth_dst(p->data);
    if (vh_mac_is_multicast(dst)) {
        flood(w, iv, s, &iv->lower, p);
        return;
    }
    if (vh_mac_eq(dst, vh_eth_src(p->data))) {
        /* For the shared MAC: a sibling's address stays inside. */
        struct ipvlan_slave *d = slave_by_ip(iv, frame_target(p));
        if (d && d != s) {
            send_on(w, iv, &d->port, p);
            return;
        }
    }
    send_on(w, iv, &iv->lower, p);
}

static void
slave_rx(struct world *w, struct port *port, struct vh_packet *p)
{
    struct ipvlan_slave *s = port->owner;
    iv_enter(w, s->iv, p, slave_xmit, s);
}

/* The host's own stack on the master transmits: straight to the
 * driver. */
static void
iv_local_rx(struct world *w, struct port *port, struct vh_packet *p)
{
    struct ipvlan *iv = port->owner;
    port_deliver(w, &iv->lower, p);
}

/* --- Building. --- */

static struct ipvlan *
ipvlan_get(struct world *w, struct host *h, struct pnic *nic,
           enum ipvlan_mode mode)
{
    for (size_t i = 0; i < h->n_ipvlans; i++) {
        if (h->ipvlans[i]->nic == nic) {
            return h->ipvlans[i];
        }
    }
    struct ipvlan *iv = vh_xcalloc(1, sizeof *iv);
    h->ipvlans = vh_xgrow(h->ipvlans, h->n_ipvlans, sizeof *h->ipvlans);
    h->ipvlans[h->n_ipvlans++] = iv;
    dev_register(w, &iv->dev, &ipvlan_class, &nic->dev, "ipvlan");
    iv->dev.report = 1;
    iv->host = h;
    iv->nic = nic;
    iv->mode = mode;
    for (size_t i = 0; i < h->n_eps && !iv->host_ep; i++) {
        if (h->eps[i]->dev == &nic->dev) {
            iv->host_ep = h->eps[i];
        }
    }
    port_init(&iv->lower, iv_lower_rx, iv, &iv->dev, 0);
    port_init(&iv->local, iv_local_rx, iv, &iv->dev, 1);
    /* The host's address on the NIC now sits above the layer, which
     * passes it what no slave takes. */
    if (nic->stack.peer) {
        port_connect(&iv->local, nic->stack.peer);
    }
    port_connect(&iv->lower, &nic->stack);
    return iv;
}

struct ipvlan_slave *
ipvlan_add(struct world *w, struct host *h, struct pnic *nic, uint32_t ip,
           enum ipvlan_mode mode, struct port *upper)
{
    struct ipvlan *iv = ipvlan_get(w, h, nic, mode);
    if (iv->mode != IPVLAN_L2 && !iv->host_ep) {
        return NULL;
    }
    struct ipvlan_slave *s = vh_xcalloc(1, sizeof *s);
    iv->slaves = vh_xgrow(iv->slaves, iv->n_slaves, sizeof *iv->slaves);
    iv->slaves[iv->n_slaves] = s;
    s->iv = iv;
    s->ip = ip;
    port_init(&s->port, slave_rx, s, &iv->dev, (int) iv->n_slaves + 2);
    iv->n_slaves++;
    port_connect(&s->port, upper);
    return s;
}

bool
ipvlan_l3_behind(const struct world *w, uint32_t via, uint32_t ip)
{
    for (size_t i = 0; via && i < w->n_hosts; i++) {
        const struct host *h = w->hosts[i];
        for (size_t k = 0; k < h->n_ipvlans; k++) {
            const struct ipvlan *iv = h->ipvlans[k];
            if (iv->mode != IPVLAN_L2 && iv->host_ep
                && iv->host_ep->ip == via && slave_by_ip(iv, ip)) {
                return true;
            }
        }
    }
    return false;
}

static void
ipvlan_destroy(struct vh_device *d)
{
    struct ipvlan *iv = VH_CONTAINER_OF(d, struct ipvlan, dev);
    for (size_t i = 0; i < iv->n_slaves; i++) {
        free(iv->slaves[i]);
    }
    free(iv->slaves);
    free(iv);
}

/* Built on a NIC by its first slave. */
const struct dev_class ipvlan_class = {
    .kind = "ipvlan",
    .role = VH_ROLE_DEVICE,
    .family = DEV_FAM_PART,
    .destroy = ipvlan_destroy,
};
