/* models/core/host.c: building a host, and where its threads and
 * interrupts run. */
#include "models/core/host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/container/container.h"
#include "models/container/netdrv.h"
#include "models/core/defaults.h"
#include "models/core/devclass.h"
#include "models/core/world.h"
#include "models/dvs/dvswitch.h"
#include "models/endpoint/endpoint.h"
#include "models/endpoint/vlanif.h"
#include "models/guest/vm.h"
#include "models/hostnet/lbridge.h"
#include "models/hostnet/ovs_dpdk.h"
#include "models/hw/hthread.h"
#include "models/hw/iommu.h"
#include "models/hw/pnic.h"
#include "models/tunnel/vtep.h"
#include "sim/xmalloc.h"

struct vh_device *
host_dev(const struct world *w, const struct host *h, const char *name,
         const char *kind)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", h->dev.path, name);
    return vh_devtab_find_kind(&w->devs, path, kind);
}

/* Every class of NICs (a plain NIC, a VN-Tag adapter) builds a struct
 * pnic. */
struct pnic *
host_nic(const struct world *w, const struct host *h, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", h->dev.path, name);
    struct vh_device *d = vh_devtab_find(&w->devs, path);
    return d && d->cls && d->cls->family == DEV_FAM_NIC
           ? VH_CONTAINER_OF(d, struct pnic, dev) : NULL;
}

struct lbridge *
host_bridge(const struct world *w, const struct host *h, const char *name)
{
    struct vh_device *d = host_dev(w, h, name, "linux-bridge");
    return d ? VH_CONTAINER_OF(d, struct lbridge, dev) : NULL;
}

struct lbridge *
host_bridge_of_nic(const struct host *h, const char *nic)
{
    for (size_t b = 0; b < h->n_bridges; b++) {
        const struct cfg_bridge *cb = h->bridges[b]->cfg;
        for (size_t i = 0; i < cb->n_ports; i++) {
            if (!strcmp(cb->ports[i], nic)) {
                return h->bridges[b];
            }
        }
    }
    return NULL;
}

static bool
core_pinned(const struct host *h, int core)
{
    const struct cfg_host *c = h->cfg;
    if (h->polls && h->polls[core].on) {
        return true;            /* A poll-mode thread never yields it. */
    }
    for (size_t v = 0; v < c->n_vms; v++) {
        for (size_t i = 0; i < c->vms[v].n_pin; i++) {
            if (c->vms[v].pin[i] == core) {
                return true;
            }
        }
    }
    return false;
}

struct cpu_core *
host_pick_thread_core(struct host *h)
{
    for (int tries = 0; tries < h->n_cores; tries++) {
        int c = h->next_worker++ % h->n_cores;
        if (!core_pinned(h, c)) {
            return &h->cores[c];
        }
    }
    return &h->cores[h->next_worker++ % h->n_cores];
}

struct cpu_core *
host_pick_vcpu_core(struct host *h)
{
    int c = h->n_cores - 1 - (h->next_vcpu++ % h->n_cores);
    for (int k = 1; k < h->n_cores && ovs_dpdk_core_polls(h, c); k++) {
        c = h->n_cores - 1 - (h->next_vcpu++ % h->n_cores);
    }
    return &h->cores[c];
}

struct cpu_core *
host_irq_core(struct host *h, int q)
{
    if (h->cfg->cpu.irqbalance == CFG_IRQ_POWER_SAVE) {
        return &h->cores[0];
    }
    return &h->cores[q % h->n_cores];
}

struct cpu_core *
host_app_core(struct host *h)
{
    /* Away from core 0, which takes the NIC's first interrupt. */
    return &h->cores[h->n_cores > 1 ? 1 : 0];
}

void
host_adopt_thread(struct host *dst, struct hthread *th)
{
    if (th && th->host != dst) {
        th->host = dst;
        th->core = host_pick_thread_core(dst);
    }
}

/* --- Building a host. --- */

/* VMDq: the pool of each VM NIC that has one (on a Linux bridge) takes
 * its interrupt on the core that serves the NIC in the host, as its class
 * says (for virtio-net, its first backend thread's: the vhost worker or
 * QEMU's main loop). */
static void
host_bind_vmdq(struct host *h)
{
    for (size_t v = 0; v < h->n_vms; v++) {
        struct vm *vm = h->vms[v];
        for (size_t i = 0; i < vm->n_nics; i++) {
            struct vm_nic *n = &vm->nics[i];
            const struct dev_class *cls = dev_class_of(n->dev);
            struct cpu_core *core = cls->serving_core
                                    ? cls->serving_core(n) : NULL;
            if (!core || !n->attach_cls->vmdq_pools) {
                continue;
            }
            for (size_t k = 0; k < h->n_nics; k++) {
                pnic_vmdq_bind(h->nics[k], &n->cfg->mac, n->cfg->vlan, core);
            }
        }
    }
}

/* The host's own address on NIC 'nic': an endpoint on the NIC's stack
 * side, or on the bridge the NIC is enslaved to; with VLAN
 * subinterfaces, the VLAN layer joins it (models/endpoint/vlanif.h). */
static struct endpoint *
host_add_address(struct host *h, struct pnic *nic)
{
    const struct cfg_nic *cn = nic->cfg;
    struct endpoint *ep = endpoint_create(
        h, &nic->dev, h->dev.path, &cn->mac, cn->ip, cn->prefix,
        host_app_core(h), CPU_APP, CPU_SOFTIRQ);
    ep->gateway = cn->gateway;
    ep->mtu = cn->mtu ? cn->mtu : VH_DEF_MTU;
    ep->gso = cn->offloads.gso;
    ep->sw_csum = !cn->offloads.rx_csum;
    h->eps = vh_xrealloc(h->eps, (h->n_eps + 1) * sizeof *h->eps);
    h->eps[h->n_eps++] = ep;
    if (nic->master) {
        nic->master->cls->add_port(nic->master, &ep->port, false);
    } else if (!cn->n_vlans) {
        port_connect(&ep->port, &nic->stack);
    }
    return ep;
}

/* Moves the host's first 'n' addresses after the others, each group
 * keeping its order. */
static void
host_eps_rotate(struct host *h, size_t n)
{
    if (!n || n == h->n_eps) {
        return;
    }
    struct endpoint **first = vh_xmalloc(n * sizeof *first);
    memcpy(first, h->eps, n * sizeof *first);
    memmove(h->eps, h->eps + n, (h->n_eps - n) * sizeof *h->eps);
    memcpy(h->eps + h->n_eps - n, first, n * sizeof *first);
    free(first);
}

/* Builds the host's NICs, each by the class of its model. */
static bool
host_build_nics(struct world *w, struct host *h, const struct cfg_nic *nics,
                size_t n, struct vh_diag *diag)
{
    for (size_t i = 0; i < n; i++) {
        const struct dev_class *cls = dev_class_find(DEV_FAM_NIC,
                                                     nics[i].model);
        if (!cls) {
            return vh_diag_fail(diag, nics[i].jpath, "not supported yet: "
                                "NIC model '%s'", nics[i].model);
        }
        if (!cls->build(w, h, &nics[i], diag)) {
            return false;
        }
    }
    return true;
}

static bool
host_build_bridges(struct world *w, struct host *h, struct vh_diag *diag)
{
    const struct cfg_host *ch = h->cfg;
    for (size_t b = 0; b < ch->n_bridges; b++) {
        const struct cfg_bridge *cb = &ch->bridges[b];
        char value[64];
        cfg_bridge_class_value(cb, value, sizeof value);
        const struct dev_class *cls = dev_class_find(DEV_FAM_BRIDGE, value);
        if (!cls) {
            return vh_diag_fail(diag, cb->jpath, "not supported yet: bridge "
                                "'%s'", value);
        }
        if (!cls->build(w, h, cb, diag)) {
            return false;
        }
    }
    /* The host's parts of the distributed switches that span it. */
    return dvs_build_host(w, h, diag);
}

static bool
host_build(struct world *w, struct host *unused, const void *cfg,
           struct vh_diag *diag)
{
    const struct cfg_host *ch = cfg;
    struct host *h = vh_xcalloc(1, sizeof *h);
    dev_register(w, &h->dev, &host_class, NULL, ch->name);
    world_add_host(w, h);
    h->cfg = ch;
    h->n_cores = ch->cpu.cores;
    h->cores = vh_xcalloc((size_t) h->n_cores, sizeof *h->cores);
    cpu_prices_init(&h->prices, ch->cpu.khz, &w->costs);
    for (int i = 0; i < h->n_cores; i++) {
        cpu_core_init(&h->cores[i], i, &h->prices, &h->dev);
        cpu_core_set_idle(&h->cores[i], (int) ch->cpu.cstate, 0);
    }
    if (ch->iommu_enabled) {
        h->iommu = iommu_create(ch);
    }
    if (!host_build_nics(w, h, ch->nics, ch->n_nics, diag)
        || !host_build_bridges(w, h, diag)) {
        return false;
    }
    /* The addresses the bridges made (OVS internal ports) come after the
     * NICs' in the host's order (docs/scenarios.md), which picks its
     * first address. */
    size_t n_bridge_eps = h->n_eps;
    /* NICs join their bridge in NIC order, each followed by the host's
     * address on it. */
    for (size_t i = 0; i < h->n_nics; i++) {
        struct pnic *nic = h->nics[i];
        if (nic->master) {
            nic->master->cls->add_port(nic->master, &nic->stack, true);
        }
        struct endpoint *own = nic->cfg->has_ip ? host_add_address(h, nic)
                                                : NULL;
        if (own && nic->cfg->ip6.given) {
            endpoint_set_ip6(w, own, &nic->cfg->ip6.addr,
                             nic->cfg->ip6.prefix);
        }
        if (nic->cfg->n_vlans) {
            vlan_layer_build(w, h, nic, own);
        }
    }
    host_eps_rotate(h, n_bridge_eps);
    /* Tunnel ports, made with their bridges, leave from these addresses. */
    if (!vtep_bind_host(w, h, diag)) {
        return false;
    }
    for (size_t v = 0; v < ch->n_vms; v++) {
        if (!vm_build(w, h, &ch->vms[v], diag)) {
            return false;
        }
    }
    /* Container networks and containers (models/container/). */
    if ((ch->n_networks && !cnet_build_all(w, h, diag))
        || (ch->n_containers && !containers_build(w, h, diag))) {
        return false;
    }
    host_bind_vmdq(h);
    (void) unused;
    return true;
}

static struct endpoint *
host_endpoint(struct vh_device *d)
{
    struct host *h = VH_CONTAINER_OF(d, struct host, dev);
    return h->n_eps ? h->eps[0] : NULL;
}

/* What the host itself holds; its devices are freed by their classes. */
static void
host_destroy(struct vh_device *d)
{
    struct host *h = VH_CONTAINER_OF(d, struct host, dev);
    for (size_t i = 0; i < h->n_eps; i++) {
        endpoint_free(h->eps[i]);
    }
    free(h->eps);
    free(h->vms);
    free(h->bridges);
    free(h->dpdk_bridges);
    free(h->macvlans);
    free(h->ipvlans);
    free(h->cnets);
    free(h->containers);
    free(h->polls);
    free(h->nics);
    iommu_free(h->iommu);
    free(h->cores);
    free(h);
}

const struct dev_class host_class = {
    .kind = "host",
    .role = VH_ROLE_HOST,
    .family = DEV_FAM_HOST,
    .build = host_build,
    .endpoint = host_endpoint,
    .destroy = host_destroy,
};
