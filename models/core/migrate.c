/* models/core/migrate.c: stop, move, resume, announce. */
#include "models/core/migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/devclass.h"
#include "models/hw/cpu.h"
#include "models/endpoint/endpoint.h"
#include "models/endpoint/vlanif.h"
#include "models/core/host.h"
#include "models/guest/vcpu.h"
#include "models/hw/hthread.h"
#include "models/hostnet/vdp_station.h"
#include "models/guest/vm.h"
#include "models/core/world.h"
#include "sim/frame.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

/* QEMU's self-announce schedule, relative to the resume. */
static const vh_time_t announce_at[] = {
    0, 50 * VH_MS, 200 * VH_MS, 450 * VH_MS, 800 * VH_MS,
};
#define N_ANNOUNCE (sizeof announce_at / sizeof announce_at[0])

struct migration {
    const struct cfg_event *ev;
    struct vm *vm;
    struct host *dst;
    vh_time_t resumed;
    size_t announced;           /* Rounds sent. */
};

/* One round of announcements: a RARP per vNIC, written into the tap by
 * QEMU on the destination. */
static void
migrate_announce(struct vh_sim *sim, void *obj, void *arg)
{
    struct migration *m = obj;
    struct vm *vm = m->vm;
    for (size_t i = 0; i < vm->n_nics; i++) {
        struct vm_nic *n = &vm->nics[i];
        dev_class_of(n->dev)->migrate_announce(world_of(sim), n);
    }
    if (++m->announced < N_ANNOUNCE) {
        vh_schedule_at(sim, m->resumed + announce_at[m->announced],
                       migrate_announce, m, NULL);
    }
    (void) arg;
}

static void
host_remove_vm(struct host *h, struct vm *vm)
{
    for (size_t i = 0; i < h->n_vms; i++) {
        if (h->vms[i] == vm) {
            memmove(&h->vms[i], &h->vms[i + 1],
                    (h->n_vms - i - 1) * sizeof *h->vms);
            h->n_vms--;
            return;
        }
    }
}

static void
host_add_vm(struct host *h, struct vm *vm)
{
    h->vms = vh_xgrow(h->vms, h->n_vms, sizeof *h->vms);
    h->vms[h->n_vms++] = vm;
}

/* The end of the downtime: the VM runs on the destination. */
static void
migrate_resume(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct migration *m = obj;
    struct vm *vm = m->vm;
    struct host *src = vm->host, *dst = m->dst;

    /* The vCPUs: pinned ones keep their core number where it exists. */
    for (int i = 0; i < vm->n_vcpus; i++) {
        const struct cfg_vm *cv = vm->cfg;
        vm->vcpus[i] = cv->pin && cv->pin[i] < dst->n_cores
                       ? &dst->cores[cv->pin[i]] : host_pick_vcpu_core(dst);
        vcpu_core_init(vm->vcpus[i], dst);
    }
    host_adopt_thread(dst, vm->qemu_loop);
    for (size_t i = 0; i < vm->n_nics; i++) {
        struct vm_nic *n = &vm->nics[i];
        n->ep->host = dst;
        n->ep->app_core = vm->vcpus[0];
        vlan_layer_follow(n->vlans, n->ep);
        dev_class_of(n->dev)->migrate_move(w, n, src, dst);
    }
    host_remove_vm(src, vm);
    host_add_vm(dst, vm);
    vm->host = dst;
    vm->dev.parent = (int32_t) dst->dev.id;
    /* The destination's VDP station associates the VM's VSIs with its
     * switch port, in the same instant as the first announcement. */
    for (size_t i = 0; i < vm->n_nics; i++) {
        vdp_migrate_resume(w, &vm->nics[i], dst);
    }

    m->resumed = sim->now;
    m->announced = 0;
    migrate_announce(sim, m, NULL);
    (void) arg;
}

/* The start of the stop-and-copy phase. */
static void
migrate_stop(struct vh_sim *sim, void *obj, void *arg)
{
    struct migration *m = obj;
    vh_time_t resume = sim->now + m->ev->downtime;
    for (size_t i = 0; i < m->vm->n_nics; i++) {
        struct vm_nic *n = &m->vm->nics[i];
        dev_class_of(n->dev)->migrate_stop(world_of(sim), n);
        n->ep->resume_at = resume;
        vlan_layer_follow(n->vlans, n->ep);
        /* VDP: the source de-associates the VM's VSIs, the destination
         * pre-associates them. */
        vdp_migrate_stop(world_of(sim), n, m->vm->host, m->dst);
    }
    vh_schedule_at(sim, resume, migrate_resume, m, NULL);
    (void) arg;
}

bool
migrate_schedule(struct world *w, const struct cfg_event *e,
                 struct vh_diag *diag)
{
    struct vm *vm = world_vm(w, e->target);
    struct host *dst = world_host(w, e->to);
    char path[512];
    snprintf(path, sizeof path, "%s.target", e->jpath);
    if (!vm || !dst) {
        return vh_diag_fail(diag, path, "no VM '%s' or host '%s' to migrate "
                            "it to", e->target, e->to);
    }
    for (size_t i = 0; i < vm->n_nics; i++) {
        const struct vm_nic *n = &vm->nics[i];
        const struct dev_class *cls = dev_class_of(n->dev);
        if (!cls->migrate_move || !n->attach_cls->detach_vnic) {
            return vh_diag_fail(diag, path, "not supported yet: migrating "
                                "a VM whose NIC %s is a %s attached by '%s'",
                                n->dev->path, cls->kind,
                                n->attach_cls->attach_type);
        }
        const char *why = cls->migrate_refusal ? cls->migrate_refusal(n)
                                               : NULL;
        if (why) {
            return vh_diag_fail(diag, path, "%s", why);
        }
        if (n->attach_cls->prepare_vnic
            && !n->attach_cls->prepare_vnic(w, dst, n, diag)) {
            return false;
        }
    }
    struct migration *m = vh_xcalloc(1, sizeof *m);
    m->ev = e;
    m->vm = vm;
    m->dst = dst;
    world_keep(w, m);
    vh_schedule_at(&w->sim, e->at, migrate_stop, m, NULL);
    return true;
}
