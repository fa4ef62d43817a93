/* models/core/host.c: where a host's threads and interrupts run. */
#include "models/core/host.h"

#include <stdio.h>
#include <string.h>

#include "models/core/world.h"
#include "models/guest/vm.h"
#include "models/hostnet/lbridge.h"
#include "models/hostnet/ovs_dpdk.h"
#include "models/hw/pnic.h"

struct vh_device *
host_dev(const struct world *w, const struct host *h, const char *name,
         const char *kind)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", h->dev.path, name);
    return vh_devtab_find_kind(&w->devs, path, kind);
}

struct pnic *
host_nic(const struct world *w, const struct host *h, const char *name)
{
    struct vh_device *d = host_dev(w, h, name, "nic");
    return d ? VH_CONTAINER_OF(d, struct pnic, dev) : NULL;
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
