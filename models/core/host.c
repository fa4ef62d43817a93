/* models/core/host.c: where a host's threads and interrupts run. */
#include "models/core/host.h"

#include "models/guest/vm.h"
#include "models/hostnet/ovs_dpdk.h"

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
