/* models/core/world.c: building, running and freeing a world. */
#include "models/core/world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/container/container.h"
#include "models/core/acct.h"
#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/core/migrate.h"
#include "models/core/port.h"
#include "models/core/timedset.h"
#include "models/endpoint/endpoint.h"
#include "models/endpoint/traffic.h"
#include "models/hostnet/ipvlan.h"
#include "models/hostnet/nat.h"
#include "models/hostnet/lldpd.h"
#include "models/hostnet/lldpd.h"
#include "models/hostnet/vdp_station.h"
#include "models/guest/vm.h"
#include "models/hw/pnic.h"
#include "models/switch/router.h"
#include "sim/xmalloc.h"

void
world_keep(struct world *w, void *p)
{
    w->kept = vh_xgrow(w->kept, w->n_kept, sizeof *w->kept);
    w->kept[w->n_kept++] = p;
}

void
world_add_link(struct world *w, struct link *l)
{
    w->links = vh_xgrow(w->links, w->n_links, sizeof *w->links);
    w->links[w->n_links++] = l;
}

void
world_add_host(struct world *w, struct host *h)
{
    w->hosts = vh_xgrow(w->hosts, w->n_hosts, sizeof *w->hosts);
    w->hosts[w->n_hosts++] = h;
}

void
world_add_switch(struct world *w, struct l2switch *sw)
{
    w->switches = vh_xgrow(w->switches, w->n_switches, sizeof *w->switches);
    w->switches[w->n_switches++] = sw;
}

struct host *
world_host(const struct world *w, const char *name)
{
    struct vh_device *d = vh_devtab_find(&w->devs, name);
    return d && d->cls == &host_class
           ? VH_CONTAINER_OF(d, struct host, dev) : NULL;
}

struct vm *
world_vm(const struct world *w, const char *path)
{
    struct vh_device *d = vh_devtab_find(&w->devs, path);
    return d && d->cls == &vm_class ? VH_CONTAINER_OF(d, struct vm, dev)
                                    : NULL;
}

/* The port a cable's end "sw/pN" or "host/nic" names, with its speed. */
static struct port *
world_wire(struct world *w, const char *ref, uint64_t *bps)
{
    struct vh_device *d = vh_devtab_find(&w->devs, ref);
    return d && d->cls && d->cls->wire ? d->cls->wire(d, bps) : NULL;
}

/* Switches' "links" to each other's ports (a cable two switches both
 * name is laid once; the loader checked both ends). */
static bool
world_cable_switches(struct world *w, vh_time_t prop, struct vh_diag *diag)
{
    for (size_t i = 0; i < w->cfg->n_switches; i++) {
        const struct cfg_switch *cs = &w->cfg->switches[i];
        for (size_t k = 0; k < cs->n_links; k++) {
            char self[512];
            uint64_t bps = 0, far_bps = 0;
            snprintf(self, sizeof self, "%s/p%d", cs->name,
                     cs->links[k].port);
            struct port *near = world_wire(w, self, &bps);
            struct port *far = world_wire(w, cs->links[k].to, &far_bps);
            if (!near || !far) {
                return vh_diag_fail(diag, cs->jpath, "links: '%s' names no "
                                    "port", cs->links[k].to);
            }
            if (near->link) {
                continue;
            }
            port_cable(w, near, far, bps, far_bps, prop);
            near->dev->report = 1;
            far->dev->report = 1;
        }
    }
    return true;
}

static bool
world_cable(struct world *w, struct vh_diag *diag)
{
    vh_time_t prop = hw_time(w, COST_WIRE_DELAY, 0);
    for (size_t hi = 0; hi < w->n_hosts; hi++) {
        struct host *h = w->hosts[hi];
        for (size_t i = 0; i < h->n_nics; i++) {
            struct pnic *nic = h->nics[i];
            const struct cfg_nic *cn = nic->cfg;
            uint64_t bps = 0, far_bps = 0;
            struct port *near = world_wire(w, nic->dev.path, &bps);
            if (!cn->link || near->link) {
                continue;
            }
            struct port *far = world_wire(w, cn->link, &far_bps);
            if (!far) {
                return vh_diag_fail(diag, cn->jpath,
                                    "link '%s' names no port", cn->link);
            }
            port_cable(w, near, far, bps, far_bps, prop);
            far->dev->report = 1;
        }
    }
    /* A port extender's fabric port, "fex1/uplink", to its controlling
     * bridge (the loader checked both ends). */
    for (size_t i = 0; i < w->cfg->n_switches; i++) {
        const struct cfg_switch *cs = &w->cfg->switches[i];
        char self[512];
        uint64_t bps = 0, far_bps = 0;
        if (!cs->uplink) {
            continue;
        }
        snprintf(self, sizeof self, "%s/uplink", cs->name);
        struct port *near = world_wire(w, self, &bps);
        struct port *far = world_wire(w, cs->uplink, &far_bps);
        if (!near || !far || near->link || far->link) {
            return vh_diag_fail(diag, cs->jpath, "uplink '%s' names no free "
                                "port", cs->uplink);
        }
        port_cable(w, near, far, bps, far_bps, prop);
        near->dev->report = 1;
        far->dev->report = 1;
    }
    return world_cable_switches(w, prop, diag);
}

/* The endpoint a traffic path names: a VM's first vNIC, a container's
 * stack, a host's first addressed NIC, or the container behind a port the
 * host publishes ("host1:8080"). */
static struct endpoint *
world_endpoint(struct world *w, const char *path)
{
    if (strchr(path, ':')) {
        return ctr_published_endpoint(w, path);
    }
    struct vh_device *d = vh_devtab_find(&w->devs, path);
    return d && d->cls && d->cls->endpoint ? d->cls->endpoint(d) : NULL;
}

/* --- Scenario events. --- */

/* A link event, as the device's class takes it: a NIC's or a switch
 * port's cable, a VM NIC's link as its guest sees it (virsh
 * domif-setlink), a VF's link state. */
struct link_event {
    struct vh_device *dev;
    bool up;
};

static void
event_link(struct vh_sim *sim, void *obj, void *arg)
{
    struct link_event *e = obj;
    e->dev->cls->set_link(world_of(sim), e->dev, e->up);
    (void) arg;
}

static void
event_rogue_dma(struct vh_sim *sim, void *obj, void *arg)
{
    struct vh_device *d = obj;
    d->cls->rogue_dma(world_of(sim), d);
    (void) arg;
}

static bool
schedule_link(struct world *w, const struct cfg_event *e, bool up,
              struct vh_diag *diag)
{
    struct vh_device *d = vh_devtab_find(&w->devs, e->target);
    const struct dev_class *cls = d ? d->cls : NULL;
    char path[512];
    snprintf(path, sizeof path, "%s.target", e->jpath);
    if (!cls || !cls->set_link || (cls->has_link && !cls->has_link(d))) {
        return vh_diag_fail(diag, path, "'%s' has no cable to take %s "
                            "(no NIC's \"link\" names it)", e->target,
                            up ? "up" : "down");
    }
    struct link_event *le = vh_xmalloc(sizeof *le);
    *le = (struct link_event) { d, up };
    world_keep(w, le);
    vh_schedule_at(&w->sim, e->at, event_link, le, NULL);
    return true;
}

static bool
world_events(struct world *w, struct vh_diag *diag)
{
    const struct cfg_scenario *c = w->cfg;
    for (size_t i = 0; i < c->n_events; i++) {
        const struct cfg_event *e = &c->events[i];
        char path[512];
        snprintf(path, sizeof path, "%s.target", e->jpath);
        switch (e->action) {
        case CFG_EV_LINK_DOWN:
        case CFG_EV_LINK_UP:
            if (!schedule_link(w, e, e->action == CFG_EV_LINK_UP, diag)) {
                return false;
            }
            break;
        case CFG_EV_MIGRATE:
            if (!migrate_schedule(w, e, diag)) {
                return false;
            }
            break;
        case CFG_EV_ROGUE_DMA: {
            struct vh_device *d = vh_devtab_find(&w->devs, e->target);
            if (!d || !d->cls || !d->cls->rogue_dma) {
                return vh_diag_fail(diag, path, "'%s' is not a VF",
                                    e->target);
            }
            vh_schedule_at(&w->sim, e->at, event_rogue_dma, d, NULL);
            break;
        }
        case CFG_EV_SET:
            if (!timedset_schedule(w, e, diag)) {
                return false;
            }
            break;
        }
    }
    return true;
}

static bool
world_build_switches(struct world *w, struct vh_diag *diag)
{
    const struct cfg_scenario *cfg = w->cfg;
    for (size_t i = 0; i < cfg->n_switches; i++) {
        const struct cfg_switch *cs = &cfg->switches[i];
        const char *mode = cfg_switch_mode_names[cs->mode];
        const struct dev_class *cls = dev_class_find(DEV_FAM_SWITCH, mode);
        if (!cls) {
            char path[512];
            snprintf(path, sizeof path, "%s.mode", cs->jpath);
            return vh_diag_fail(diag, path, "not supported yet: switch mode "
                                "'%s'", mode);
        }
        if (!cls->build(w, NULL, cs, diag)) {
            return false;
        }
    }
    return true;
}

/* Whether endpoint 'a' reaches address 'ip': on its subnet, through
 * its own host's routing (a routed CNI pod), through a gateway that a
 * router (a switch of mode router) holds, or through a gateway that is
 * the host of an ipvlan L3 device of that address. */
static bool
world_reaches(const struct world *w, const struct endpoint *a, uint32_t ip)
{
    return (a->ip & a->netmask) == (ip & a->netmask) || a->host_routed
           || (a->gateway && router_scenario_owns(w->cfg, a->gateway, NULL,
                                                  0))
           || ipvlan_l3_behind(w, a->gateway, ip);
}

/* A flow between subnets needs a router on its way (an ICMP flow, on
 * the way back too): the hosts of NAT networks are taken care of by the
 * caller; otherwise the sender's gateway must be a router's interface.
 * Where the packets then go is the routers' business, and what they
 * cannot route they drop with a reason ("no-route"). */
static bool
world_flow_routable(const struct world *w, const struct flow_stats *fs,
                    struct vh_diag *diag)
{
    const struct cfg_flow *cf = fs->cfg;
    const struct endpoint *from = fs->src, *to = fs->dst;
    bool back = cf->proto != CFG_PROTO_ICMP
                || world_reaches(w, to, from->ip);
    if (world_reaches(w, from, fs->dst_ip) && back) {
        return true;
    }
    if (!back) {
        const struct endpoint *t = from;
        from = to;
        to = t;
    }
    char path[512], a[16], b[16], g[16], gw[64];
    const char *sender = back ? cf->from : cf->to;
    snprintf(path, sizeof path, "%s.to", cf->jpath);
    if (from->gateway) {
        snprintf(gw, sizeof gw, "whose gateway %s is no router's interface",
                 vh_ipv4_format(from->gateway, g));
    } else {
        snprintf(gw, sizeof gw, "which has no gateway");
    }
    return vh_diag_fail(diag, path, "'%s' (%s) is not in the subnet of '%s' "
                        "(%s/%d)%s, %s; a flow between subnets goes through "
                        "a router (a switch of mode router holding the "
                        "sender's \"gateway\") or a NAT network's host "
                        "(attach type 'nat')", back ? cf->to : cf->from,
                        vh_ipv4_format(to->ip, b), sender,
                        vh_ipv4_format(from->ip, a),
                        __builtin_popcount(from->netmask),
                        back ? "" : " for the echo replies", gw);
}

/* A flow of family 6 runs between two IPv6 addresses on one link, or
 * between prefixes through routers that advertise themselves on them
 * (the endpoints learn their default router from the advertisements):
 * what is not built yet (NAT, fragments) is refused at its path. */
static bool
world_flow6_ok(const struct world *w, const struct flow_stats *fs, bool nat,
               struct vh_diag *diag)
{
    const struct cfg_flow *cf = fs->cfg;
    const struct endpoint *from = endpoint_stack(fs->src);
    const struct endpoint *to = endpoint_stack(fs->dst);
    char path[512], a[VH_IP6_STRLEN], b[VH_IP6_STRLEN], g[VH_IP6_STRLEN];
    snprintf(path, sizeof path, "%s.family", cf->jpath);
    if (!from->has_ip6 || !to->has_ip6) {
        return vh_diag_fail(diag, path, "'%s' has no IPv6 address: give "
                            "its NIC an \"ip6\" beside its \"ip\"",
                            from->has_ip6 ? cf->to : cf->from);
    }
    if (nat) {
        return vh_diag_fail(diag, path, "not supported yet: IPv6 through "
                            "NAT");
    }
    if (from != to && !vh_ip6_same_prefix(&from->ip6, &to->ip6,
                                          from->prefix6)) {
        /* Off link, the sender's packets go to the router advertising
         * itself on its prefix; echo replies and TCP's segments back
         * need one on the receiver's too. */
        bool back = cf->proto == CFG_PROTO_ICMP || cf->proto == CFG_PROTO_TCP;
        const struct endpoint *lone =
            !router_scenario_serves6(w->cfg, from->ip6.b) ? from
            : back && !router_scenario_serves6(w->cfg, to->ip6.b) ? to
            : NULL;
        if (lone) {
            struct vh_ip6 net = vh_ip6_masked(&lone->ip6, lone->prefix6);
            return vh_diag_fail(diag, path, "no IPv6 router on %s's link "
                                "('%s' is %s/%d, '%s' %s/%d, in other "
                                "prefixes): give a router interface (a "
                                "switch of mode router) an \"ip6\" in "
                                "%s/%d", lone == from ? cf->from : cf->to,
                                cf->from, vh_ip6_format(&from->ip6, a),
                                from->prefix6, cf->to,
                                vh_ip6_format(&to->ip6, b), to->prefix6,
                                vh_ip6_format(&net, g), lone->prefix6);
        }
    }
    uint32_t mtu = from->mtu < to->mtu ? from->mtu : to->mtu;
    if (cf->size - VH_ETH_HLEN - VH_ETH_FCS > mtu) {
        snprintf(path, sizeof path, "%s.size", cf->jpath);
        return vh_diag_fail(diag, path, "not supported yet: IPv6 "
                            "fragments (a %u-byte frame carries a packet "
                            "longer than the MTU %u)", cf->size, mtu);
    }
    return true;
}

struct world *
world_build(const struct cfg_scenario *cfg, struct vh_diag *diag)
{
    if (!cfg->n_hosts && !cfg->n_switches) {
        /* It would run, to nothing, and report nothing. */
        vh_diag_fail(diag, "hosts", "nothing to simulate: the scenario has "
                     "no hosts and no switches");
        return NULL;
    }
    struct world *w = vh_xcalloc(1, sizeof *w);
    vh_sim_init(&w->sim);
    vh_pool_init(&w->pool);
    vh_trace_init(&w->trace);
    vh_devtab_init(&w->devs);
    w->costs = cfg->costs;
    for (int id = 0; id < COST_N; id++) {
        const struct vh_cost_value *v = &w->costs.v[id];
        w->hw_fixed[id] = (vh_time_t) (v->ns * 1000 + 0.5);
        w->hw_per_kib[id] = (vh_time_t) (v->ns_per_byte * 1000 * 1024 + 0.5);
    }
    w->cfg = cfg;
    w->end = cfg->duration;

    for (size_t i = 0; i < cfg->n_hosts; i++) {
        if (!host_class.build(w, NULL, &cfg->hosts[i], diag)) {
            world_free(w);
            return NULL;
        }
    }
    if (!world_build_switches(w, diag) || !world_cable(w, diag)
        || !vdp_stations_build(w, diag) || !lldpd_build(w, diag)
        || !world_events(w, diag)) {
        world_free(w);
        return NULL;
    }
    w->n_flows = cfg->n_flows;
    w->flows = vh_xcalloc_lines(cfg->n_flows, sizeof *w->flows);
    w->gens = vh_xcalloc(cfg->n_flows, sizeof *w->gens);
    for (size_t i = 0; i < cfg->n_flows; i++) {
        struct flow_stats *fs = &w->flows[i];
        const struct cfg_flow *cf = &cfg->flows[i];
        fs->cfg = cf;
        fs->index = (int) i;
        vh_drops_init(&fs->drops);
        vh_hist_init(&fs->latency);
        fs->src = world_endpoint(w, cf->from);
        fs->dst = world_endpoint(w, cf->to);
        if (!fs->src || !fs->dst) {
            vh_diag_fail(diag, cf->jpath, "'%s' is not an endpoint with an "
                         "address", fs->src ? cf->to : cf->from);
            world_free(w);
            return NULL;
        }
        fs->loopback = endpoint_stack(fs->dst) == endpoint_stack(fs->src);
        /* A NAT network's host routes: its VMs reach out through it, and
         * a flow from outside to one of them runs to learn its fate
         * (no route to a private address, nat-no-mapping, or a port
         * forward).  Other flows between subnets could never be routed. */
        struct nat *snat = nat_of(fs->src), *dnat = nat_of(fs->dst);
        if (cf->family == 6) {
            if (!world_flow6_ok(w, fs, snat || dnat, diag)) {
                world_free(w);
                return NULL;
            }
            fs->dst_ip6 = endpoint_stack(fs->dst)->ip6;
            continue;
        }
        fs->dst_ip = dnat ? nat_flow_address(dnat, fs->src, fs->dst, cf)
                          : fs->dst->ip;
        if (!snat && !dnat && !world_flow_routable(w, fs, diag)) {
            world_free(w);
            return NULL;
        }
    }
    for (size_t i = 0; i < cfg->n_flows; i++) {
        w->gens[w->n_gens++] = traffic_start(w, &w->flows[i]);
    }
    return w;
}

void
world_run_until(struct world *w, vh_time_t stop,
                void (*progress)(double, void *), void *ctx)
{
    vh_time_t step = w->end / 100 ? w->end / 100 : 1;
    vh_time_t until = w->sim.now;
    stop = stop < w->end ? stop : w->end;
    if (until >= stop && until > 0) {
        return;                 /* Already there (a duration of 0 still
                                 * runs what is due at time 0). */
    }
    do {
        until = until + step > stop ? stop : until + step;
        vh_sim_run(&w->sim, until);
        if (progress) {
            progress((double) until / (double) w->end, ctx);
        }
    } while (until < stop && vh_sim_live(&w->sim));
}

void
world_run(struct world *w, void (*progress)(double, void *), void *ctx)
{
    world_run_until(w, w->end, progress, ctx);
}

vh_time_t
world_end_time(const struct world *w)
{
    return w->sim.now;
}

uint64_t
world_in_flight(const struct world *w, const struct flow_stats *fs)
{
    (void) w;
    return fs->sent - fs->delivered - fs->drops.total;
}

void
world_free(struct world *w)
{
    if (!w) {
        return;
    }
    /* Every model instance is a registered device its class frees; the
     * registry (which points into them) goes after. */
    dev_destroy_all(w);
    free(w->hosts);
    free(w->switches);
    for (size_t i = 0; i < w->n_links; i++) {
        free(w->links[i]);
    }
    free(w->links);
    for (size_t i = 0; i < w->n_gens; i++) {
        free(w->gens[i]);
    }
    free(w->gens);
    for (size_t i = 0; i < w->n_flows; i++) {
        vh_hist_destroy(&w->flows[i].latency);
    }
    free(w->flows);
    for (size_t i = 0; i < w->n_kept; i++) {
        free(w->kept[i]);
    }
    free(w->kept);
    acct_free_all(w);
    vh_sim_destroy(&w->sim);
    vh_pool_destroy(&w->pool);
    free(w);
}
