/* models/hostnet/lldpd.c: lldpd's packet sockets on host NICs. */
#include "models/hostnet/lldpd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/core/lldp_agent.h"
#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "models/guest/vm.h"
#include "models/hw/cpu.h"
#include "models/hw/pnic.h"
#include "sim/diag.h"
#include "sim/xmalloc.h"

/* lldpd on one NIC: "host1/eth0/lldpd", or a guest's on a VM NIC,
 * "host1/vm1/eth0/lldpd". */
struct lldpd {
    struct vh_device dev;
    struct pnic *nic;           /* A host NIC's, or NULL... */
    struct vm_nic *vnic;        /* ...a VM NIC's. */
    struct cpu_core *core;      /* A host core, or the guest's vCPU. */
    struct lldp_agent agent;
};

static void
lldpd_send(struct world *w, void *ctx, struct vh_packet *p)
{
    struct lldpd *ld = ctx;
    struct pnic *nic = ld->nic;
    enum cpu_cat cat = nic ? CPU_APP : CPU_GUEST;
    p->exec = &ld->core->srv;
    /* sendto() on the packet socket: the call, the frame copied in. */
    cpu_charge(w, ld->core, COST_SYSCALL, 0, cat, p, &ld->dev);
    cpu_charge(w, ld->core, COST_COPY_FIXED, 0, cat, p, &ld->dev);
    cpu_charge(w, ld->core, COST_COPY_BYTE, p->len, cat, p, &ld->dev);
    ld->dev.tx++;
    if (nic) {
        pnic_driver_xmit(w, &nic->q[nic->xps[ld->core->index]], ld->core,
                         CPU_APP, p, &ld->dev);
    } else {
        /* Into the guest's driver, as its stack's frames go. */
        p->hops++;
        port_deliver(w, &ld->vnic->ep->port, p);
    }
}

static void
lldpd_input(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct lldpd *ld = obj;
    struct vh_packet *p = arg;
    if (!lldp_agent_input(&ld->agent, p)) {
        acct_drop(w, p, &ld->dev, "bad-lldpdu");
        return;
    }
    acct_consume(w, p, &ld->dev);
}

/* A discovery frame reached the socket: lldpd wakes and reads it. */
static void
lldpd_rx(struct world *w, void *ctx, struct vh_packet *p)
{
    struct lldpd *ld = ctx;
    ld->dev.rx++;
    p->exec = &ld->core->srv;
    cpu_charge(w, ld->core, COST_COPY_FIXED, 0, CPU_APP, p, &ld->dev);
    cpu_charge(w, ld->core, COST_COPY_BYTE, p->len, CPU_APP, p, &ld->dev);
    cpu_charge(w, ld->core, COST_THREAD_WAKEUP, 0, CPU_APP, p, &ld->dev);
    vh_time_t t = cpu_charge(w, ld->core, COST_SYSCALL, 0, CPU_APP, p,
                             &ld->dev);
    vh_schedule_at(&w->sim, t, lldpd_input, ld, p);
}

static bool
is_discovery(const uint8_t *frame, uint32_t len)
{
    return lldp_is_lldp(frame, len) || lldp_is_cdp(frame, len);
}

static void
lldpd_start(struct world *w, struct host *h, struct pnic *nic, size_t i)
{
    struct lldpd *ld = vh_xcalloc(1, sizeof *ld);
    dev_register(w, &ld->dev, &lldpd_class, &nic->dev, "lldpd");
    ld->nic = nic;
    ld->core = host_pick_thread_core(h);
    uint16_t caps = LLDP_CAP_STATION
                    | (h->cfg->n_bridges ? LLDP_CAP_BRIDGE : 0);
    struct lldp_local l = {
        .chassis = h->nics[0]->pf.mac,
        .system_name = h->cfg->name,
        .port_mac = nic->pf.mac,
        .port_name = nic->cfg->name,
        .caps = caps,
        .caps_enabled = caps,
        .mgmt_ip = h->n_eps ? h->eps[0]->ip : 0,
        .ifindex = (uint32_t) i + 2,    /* After lo, ifindex 1. */
        .platform = "Linux (vhsim host)",
    };
    lldp_agent_init(&ld->agent, w, &l, true, false, 0, lldpd_send, ld);
    nic->lldp = &ld->agent;
    pnic_agent_bind(nic, &(struct pnic_agent) { 0, lldpd_rx, ld,
                                                is_discovery });
}

/* A guest's lldpd on VM NIC 'n' of 'vm': it sends; nothing reaches it
 * (see the header). */
static void
guest_lldpd_start(struct world *w, struct vm *vm, struct vm_nic *n, size_t i)
{
    struct lldpd *ld = vh_xcalloc(1, sizeof *ld);
    dev_register(w, &ld->dev, &lldpd_class, n->dev, "lldpd");
    ld->vnic = n;
    ld->core = vm->vcpus[0];
    struct lldp_local l = {
        .chassis = vm->nics[0].cfg->mac,
        .system_name = vm->cfg->name,
        .port_mac = n->cfg->mac,
        .port_name = n->cfg->name,
        .caps = LLDP_CAP_STATION,
        .caps_enabled = LLDP_CAP_STATION,
        .mgmt_ip = vm->nics[0].cfg->ip,
        .ifindex = (uint32_t) i + 2,
        .platform = "Linux (vhsim guest)",
    };
    lldp_agent_init(&ld->agent, w, &l, true, false, 0, lldpd_send, ld);
}

bool
lldpd_build(struct world *w, struct vh_diag *diag)
{
    for (size_t hi = 0; hi < w->n_hosts; hi++) {
        struct host *h = w->hosts[hi];
        for (size_t i = 0; i < h->n_nics; i++) {
            struct pnic *nic = h->nics[i];
            if (!nic->cfg->lldp) {
                continue;
            }
            const char *why = pnic_no_kernel_driver(nic);
            if (why) {
                char path[512];
                snprintf(path, sizeof path, "%s.lldp", nic->cfg->jpath);
                return vh_diag_fail(diag, path, "lldpd cannot run on %s, "
                                    "which %s: it needs the kernel's "
                                    "driver", nic->dev.path, why);
            }
            if (nic->n_agents == PNIC_MAX_AGENTS) {
                char path[512];
                snprintf(path, sizeof path, "%s.lldp", nic->cfg->jpath);
                return vh_diag_fail(diag, path, "not supported yet: LLDP "
                                    "beside %d other agents on %s",
                                    PNIC_MAX_AGENTS, nic->dev.path);
            }
            lldpd_start(w, h, nic, i);
        }
        for (size_t v = 0; v < h->n_vms; v++) {
            struct vm *vm = h->vms[v];
            for (size_t i = 0; i < vm->n_nics; i++) {
                if (vm->nics[i].cfg->lldp && vm->nics[i].ep) {
                    guest_lldpd_start(w, vm, &vm->nics[i], i);
                }
            }
        }
    }
    return true;
}

static void
lldpd_destroy(struct vh_device *d)
{
    struct lldpd *ld = VH_CONTAINER_OF(d, struct lldpd, dev);
    lldp_agent_destroy(&ld->agent);
    free(ld);
}

const struct dev_class lldpd_class = {
    .kind = "lldpd",
    .role = VH_ROLE_DEVICE,
    .family = DEV_FAM_PART,
    .destroy = lldpd_destroy,
};
