/* models/core/world.c: building, running and freeing a world. */
#include "models/core/world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/guest/emu_nic.h"
#include "models/endpoint/endpoint.h"
#include "models/core/host.h"
#include "models/hw/hthread.h"
#include "models/hw/iommu.h"
#include "models/switch/l2switch.h"
#include "models/core/migrate.h"
#include "models/hostnet/lbridge.h"
#include "models/hostnet/macvtap.h"
#include "models/hostnet/nat.h"
#include "models/hostnet/ovs_dpdk.h"
#include "models/hw/pnic.h"
#include "models/core/port.h"
#include "models/hw/sriov.h"
#include "models/endpoint/traffic.h"
#include "models/guest/vf_driver.h"
#include "models/guest/virtio_net.h"
#include "models/guest/vm.h"
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

static void
host_add_endpoint(struct host *h, struct endpoint *ep)
{
    h->eps = vh_xgrow(h->eps, h->n_eps, sizeof *h->eps);
    h->eps[h->n_eps++] = ep;
}

/* An OVS bridge with the user-space datapath: its PMDs, and its NICs in
 * poll mode.  Its VM ports join when the VMs are built. */
static bool
host_build_dpdk(struct world *w, struct host *h, const struct cfg_bridge *cb,
                struct vh_diag *diag)
{
    struct ovs_dpdk *br = ovs_dpdk_create(w, h, cb, diag);
    if (!br) {
        return false;
    }
    h->dpdk_bridges = vh_xgrow(h->dpdk_bridges, h->n_dpdk_bridges,
                               sizeof *h->dpdk_bridges);
    h->dpdk_bridges[h->n_dpdk_bridges++] = br;
    for (size_t p = 0; p < cb->n_ports; p++) {
        struct pnic *nic = host_nic(w, h, cb->ports[p]);
        if (nic && !ovs_dpdk_add_nic(w, br, nic, diag)) {
            return false;
        }
    }
    return true;
}

/* VMDq: the pool of each virtio VM NIC on a bridge takes its interrupt
 * on the core that serves the NIC in the host: its (first) backend
 * thread's, the vhost worker or QEMU's main loop. */
static void
host_bind_vmdq(struct host *h)
{
    for (size_t v = 0; v < h->n_vms; v++) {
        struct vm *vm = h->vms[v];
        for (size_t i = 0; i < vm->n_nics; i++) {
            struct vm_nic *n = &vm->nics[i];
            struct virtio_net *vn = n->virtio;
            if (!vn || n->cfg->attach != CFG_AT_BRIDGE || !vn->n_queues
                || !vn->q[0].thread) {
                continue;
            }
            for (size_t k = 0; k < h->n_nics; k++) {
                pnic_vmdq_bind(h->nics[k], &n->cfg->mac, n->cfg->vlan,
                               vn->q[0].thread->core);
            }
        }
    }
}

static struct host *
host_build(struct world *w, const struct cfg_host *ch, struct vh_diag *diag)
{
    struct host *h = vh_xcalloc(1, sizeof *h);
    vh_devtab_add(&w->devs, &h->dev, ch->name, "host", NULL);
    h->cfg = ch;
    h->n_cores = ch->cpu.cores;
    h->cores = vh_xcalloc((size_t) h->n_cores, sizeof *h->cores);
    for (int i = 0; i < h->n_cores; i++) {
        cpu_core_init(&h->cores[i], i, ch->cpu.khz, &h->dev, &w->costs);
    }

    if (ch->iommu_enabled) {
        h->iommu = iommu_create(ch);
    }
    h->n_nics = ch->n_nics;
    h->nics = vh_xcalloc(ch->n_nics, sizeof *h->nics);
    for (size_t i = 0; i < ch->n_nics; i++) {
        h->nics[i] = pnic_create(w, h, &ch->nics[i]);
    }
    h->bridges = vh_xcalloc(ch->n_bridges, sizeof *h->bridges);
    for (size_t b = 0; b < ch->n_bridges; b++) {
        const struct cfg_bridge *cb = &ch->bridges[b];
        if (cb->type == CFG_BR_OVS && cb->datapath == CFG_DP_DPDK) {
            if (!host_build_dpdk(w, h, cb, diag)) {
                return h;
            }
            continue;
        }
        h->bridges[h->n_bridges++] = lbridge_create(w, h, cb);
    }
    for (size_t i = 0; i < ch->n_nics; i++) {
        struct pnic *nic = h->nics[i];
        const struct cfg_nic *cn = nic->cfg;
        struct lbridge *br = host_bridge_of_nic(h, cn->name);
        if (br) {
            lbridge_attach(br, &nic->stack);
        }
        if (cn->has_ip) {
            struct endpoint *ep = endpoint_create(
                h, &nic->dev, h->dev.path, &cn->mac, cn->ip, cn->prefix,
                host_app_core(h), CPU_APP, CPU_SOFTIRQ);
            ep->gateway = cn->gateway;
            host_add_endpoint(h, ep);
            if (br) {
                /* The address lives on the bridge's own port. */
                lbridge_attach(br, &ep->port);
            } else {
                port_connect(&ep->port, &nic->stack);
            }
        }
    }
    h->vms = vh_xcalloc(ch->n_vms, sizeof *h->vms);
    for (size_t v = 0; v < ch->n_vms; v++) {
        h->vms[v] = vm_build(w, h, &ch->vms[v], diag);
        h->n_vms = v + 1;
        if (diag->failed) {
            break;
        }
    }
    if (!diag->failed) {
        host_bind_vmdq(h);
    }
    return h;
}

struct host *
world_host(const struct world *w, const char *name)
{
    struct vh_device *d = vh_devtab_find_kind(&w->devs, name, "host");
    return d ? VH_CONTAINER_OF(d, struct host, dev) : NULL;
}

struct vm *
world_vm(const struct world *w, const char *path)
{
    struct vh_device *d = vh_devtab_find_kind(&w->devs, path, "vm");
    return d ? VH_CONTAINER_OF(d, struct vm, dev) : NULL;
}

/* The port at the far end of "sw/pN" or "host/nic", with its speed. */
static struct port *
world_port(struct world *w, const char *ref, uint64_t *bps)
{
    struct vh_device *d = vh_devtab_find(&w->devs, ref);
    if (d && !strcmp(d->kind, "switch-port")) {
        struct swport *sp = VH_CONTAINER_OF(d, struct swport, dev);
        *bps = sp->sw->cfg->speed_bps;
        return &sp->port;
    }
    if (d && !strcmp(d->kind, "nic")) {
        struct pnic *nic = VH_CONTAINER_OF(d, struct pnic, dev);
        *bps = nic->cfg->speed_bps;
        return &nic->wire;
    }
    return NULL;
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
            if (!cn->link || nic->wire.link) {
                continue;
            }
            uint64_t far_bps = 0;
            struct port *far = world_port(w, cn->link, &far_bps);
            if (!far) {
                return vh_diag_fail(diag, cn->jpath,
                                    "link '%s' names no port", cn->link);
            }
            uint64_t bps = cn->speed_bps;
            if (far_bps && far_bps < bps) {
                bps = far_bps;  /* Autonegotiation settles on the lower. */
            }
            port_cable(w, &nic->wire, far, bps, prop);
            far->dev->report = 1;
        }
    }
    return true;
}

/* The endpoint a traffic path names: a VM's first vNIC, or a host's
 * first addressed NIC. */
static struct endpoint *
world_endpoint(struct world *w, const char *path)
{
    struct host *h = world_host(w, path);
    if (h) {
        return h->n_eps ? h->eps[0] : NULL;
    }
    struct vm *vm = world_vm(w, path);
    return vm && vm->n_nics ? vm->nics[0].ep : NULL;
}

static struct link *
world_link_of(struct world *w, const char *path)
{
    struct vh_device *d = vh_devtab_find(&w->devs, path);
    if (!d) {
        return NULL;
    }
    for (size_t i = 0; i < w->n_links; i++) {
        struct link *l = w->links[i];
        if (l->end[0]->dev == d || l->end[1]->dev == d) {
            return l;
        }
    }
    return NULL;
}

static void
event_link(struct vh_sim *sim, void *obj, void *arg)
{
    struct link *l = obj;
    l->up = arg != NULL;
    (void) sim;
}

static void
event_vnic_link(struct vh_sim *sim, void *obj, void *arg)
{
    struct virtio_net *vn = obj;
    vn->link_up = arg != NULL;
    (void) sim;
}

static void
event_emu_link(struct vh_sim *sim, void *obj, void *arg)
{
    struct emu_nic *en = obj;
    en->link_up = arg != NULL;
    (void) sim;
}

static void
event_vf_link(struct vh_sim *sim, void *obj, void *arg)
{
    vf_driver_set_link(obj, arg != NULL);
    (void) sim;
}

static void
event_rogue_dma(struct vh_sim *sim, void *obj, void *arg)
{
    sriov_rogue_dma(world_of(sim), obj);
    (void) arg;
}

static bool
world_events(struct world *w, struct vh_diag *diag)
{
    const struct cfg_scenario *c = w->cfg;
    for (size_t i = 0; i < c->n_events; i++) {
        const struct cfg_event *e = &c->events[i];
        bool up = e->action == CFG_EV_LINK_UP;
        if (e->action == CFG_EV_MIGRATE) {
            if (!migrate_schedule(w, e, diag)) {
                return false;
            }
            continue;
        }
        if (e->action == CFG_EV_ROGUE_DMA) {
            struct sriov_vf *vf = sriov_vf_find(w, e->target);
            if (!vf) {
                char path[512];
                snprintf(path, sizeof path, "%s.target", e->jpath);
                return vh_diag_fail(diag, path, "'%s' is not a VF",
                                    e->target);
            }
            vh_schedule_at(&w->sim, e->at, event_rogue_dma, vf, NULL);
            continue;
        }
        /* A vNIC's link is the hypervisor's switch (virsh domif-setlink);
         * a NIC's or switch port's is its cable. */
        struct vm_nic *vnic = vm_nic_find(w, e->target);
        struct virtio_net *vn = vnic ? vnic->virtio : NULL;
        if (vn) {
            vh_schedule_at(&w->sim, e->at, event_vnic_link, vn,
                           up ? (void *) vn : NULL);
            continue;
        }
        struct emu_nic *en = emu_nic_of(vnic);
        if (en) {
            vh_schedule_at(&w->sim, e->at, event_emu_link, en,
                           up ? (void *) en : NULL);
            continue;
        }
        struct vf_driver *vd = vf_driver_of(vnic);
        if (vd) {
            vh_schedule_at(&w->sim, e->at, event_vf_link, vd,
                           up ? (void *) vd : NULL);
            continue;
        }
        struct link *l = world_link_of(w, e->target);
        if (!l) {
            char path[512];
            snprintf(path, sizeof path, "%s.target", e->jpath);
            return vh_diag_fail(diag, path, "'%s' has no cable to take %s "
                                "(no NIC's \"link\" names it)", e->target,
                                up ? "up" : "down");
        }
        vh_schedule_at(&w->sim, e->at, event_link, l, up ? (void *) l : NULL);
    }
    return true;
}

struct world *
world_build(const struct cfg_scenario *cfg, struct vh_diag *diag)
{
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

    w->hosts = vh_xcalloc(cfg->n_hosts, sizeof *w->hosts);
    for (size_t i = 0; i < cfg->n_hosts; i++) {
        w->hosts[w->n_hosts++] = host_build(w, &cfg->hosts[i], diag);
        if (diag->failed) {
            world_free(w);
            return NULL;
        }
    }
    w->switches = vh_xcalloc(cfg->n_switches, sizeof *w->switches);
    for (size_t i = 0; i < cfg->n_switches; i++) {
        w->switches[w->n_switches++] = l2switch_create(w, &cfg->switches[i]);
    }
    if (!world_cable(w, diag) || !world_events(w, diag)) {
        world_free(w);
        return NULL;
    }

    w->n_flows = cfg->n_flows;
    w->flows = vh_xcalloc(cfg->n_flows, sizeof *w->flows);
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
        /* A NAT network's host routes: its VMs reach out through it, and
         * a flow from outside to one of them runs to learn its fate
         * (no route to a private address, nat-no-mapping, or a port
         * forward).  Other flows between subnets could never be routed. */
        struct nat *snat = nat_of(fs->src), *dnat = nat_of(fs->dst);
        fs->dst_ip = dnat ? nat_flow_address(dnat, fs->src, fs->dst, cf)
                          : fs->dst->ip;
        if ((fs->src->ip & fs->src->netmask)
            != (fs->dst_ip & fs->src->netmask) && !snat && !dnat) {
            char path[512], a[16], b[16];
            snprintf(path, sizeof path, "%s.to", cf->jpath);
            vh_diag_fail(diag, path, "'%s' (%s) is not in the subnet of '%s' "
                         "(%s/%d); vhsim's only routers are the hosts of NAT "
                         "networks, so a flow between subnets needs one end "
                         "on one (attach type 'nat')", cf->to,
                         vh_ipv4_format(fs->dst->ip, b), cf->from,
                         vh_ipv4_format(fs->src->ip, a),
                         __builtin_popcount(fs->src->netmask));
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
world_run(struct world *w, void (*progress)(double, void *), void *ctx)
{
    vh_time_t step = w->end / 100 ? w->end / 100 : 1;
    vh_time_t until = 0;
    do {
        until = until + step > w->end ? w->end : until + step;
        vh_sim_run(&w->sim, until);
        if (progress) {
            progress((double) until / (double) w->end, ctx);
        }
    } while (until < w->end && vh_sim_live(&w->sim));
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

static void
host_free(struct host *h)
{
    for (size_t v = 0; v < h->n_vms; v++) {
        vm_free(h->vms[v]);
    }
    free(h->vms);
    nat_free(h->nat);
    macvtap_free_host(h);
    for (size_t i = 0; i < h->n_eps; i++) {
        endpoint_free(h->eps[i]);
    }
    free(h->eps);
    for (size_t b = 0; b < h->n_bridges; b++) {
        lbridge_free(h->bridges[b]);
    }
    free(h->bridges);
    for (size_t b = 0; b < h->n_dpdk_bridges; b++) {
        ovs_dpdk_free(h->dpdk_bridges[b]);
    }
    free(h->dpdk_bridges);
    free(h->polls);
    for (size_t i = 0; i < h->n_nics; i++) {
        pnic_free(h->nics[i]);
    }
    free(h->nics);
    iommu_free(h->iommu);
    free(h->cores);
    free(h);
}

void
world_free(struct world *w)
{
    if (!w) {
        return;
    }
    /* The registry points into the models: empty it first. */
    vh_devtab_destroy(&w->devs);
    for (size_t i = 0; i < w->n_hosts; i++) {
        host_free(w->hosts[i]);
    }
    free(w->hosts);
    for (size_t i = 0; i < w->n_switches; i++) {
        l2switch_free(w->switches[i]);
    }
    free(w->switches);
    for (size_t i = 0; i < w->n_links; i++) {
        free(w->links[i]);
    }
    free(w->links);
    for (size_t i = 0; i < w->n_gens; i++) {
        free(w->gens[i]);
    }
    free(w->gens);
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
