/* cli/scene.c: the scene a recording starts with, taken from a built
 * world and its scenario.  Kept apart from cli/cmd_gui.c because 'vhsim
 * run --record' needs it too, and vhsim does not link the GUI. */
#include "cli/scene.h"

#include <stdio.h>
#include <string.h>

#include "models/core/config.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/guest/vm.h"
#include "models/hostnet/ovs_dpdk.h"
#include "models/hw/cpu.h"
#include "models/hw/iommu.h"
#include "models/hw/pnic.h"
#include "models/hw/sriov.h"
#include "models/ovs/ovs_kernel.h"

/* What to call the host side of a guest NIC: who does the work, and a
 * word on how (the layout shows "who" in the box and "how" under it). */
static const char *
backend_note(const struct cfg_vnic *n)
{
    if (n->attach == CFG_AT_SRIOV_VF) {
        return "direct|a VF of the NIC";
    }
    if (n->attach == CFG_AT_PASSTHROUGH) {
        return "direct|the whole NIC";
    }
    if (n->model == CFG_VNIC_E1000) {
        return "QEMU|e1000 model";
    }
    if (n->model == CFG_VNIC_RTL8139) {
        return "QEMU|rtl8139 model";
    }
    switch (n->backend) {
    case CFG_BE_VHOST_NET: return "vhost-net|in the kernel";
    case CFG_BE_VHOST_USER: return "vhost-user|user space";
    case CFG_BE_QEMU: return "QEMU|virtio model";
    case CFG_BE_NONE: break;
    }
    return "host side";
}

/* Open vSwitch on the kernel datapath works in two places: the bridge
 * is openvswitch.ko's datapath, and its handler and revalidator threads
 * belong to ovs-vswitchd, in user space.  The topology has them all as
 * devices of the bridge; the notes say which half each is, so that the
 * GUI can draw the threads in user space and the upcall going up to
 * them. */
static void
ovs_kernel_notes(struct gui_scene *sc, const struct world *w)
{
    for (size_t i = 0; i < w->devs.n; i++) {
        const struct vh_device *d = w->devs.v[i];
        if (d->cls == &ovs_dpdk_class) {
            /* The userspace datapath: the switch is ovs-vswitchd itself,
             * its poll-mode threads on cores of their own. */
            gui_scene_set_note(sc, d->id, "user space datapath|"
                               "ovs-vswitchd's poll-mode threads");
            continue;
        }
        if (d->cls != &ovs_kernel_class) {
            continue;
        }
        const struct ovs_kernel *br =
            VH_CONTAINER_OF(d, const struct ovs_kernel, dev);
        gui_scene_set_note(sc, d->id, "kernel datapath|openvswitch.ko");
        for (int k = 0; k < br->n_handlers; k++) {
            gui_scene_set_note(sc, br->handlers[k].dev.id,
                               "ovs-vswitchd|handler thread");
        }
        for (int k = 0; k < br->n_revalidators; k++) {
            gui_scene_set_note(sc, br->revalidator_devs[k].id,
                               "ovs-vswitchd|revalidator thread");
        }
    }
}

/* The cores of host 'd' that a poll-mode thread owns (OVS-DPDK's PMDs):
 * they spin whether or not there is work, and the GUI draws them 100%
 * busy polling, as the report counts them.  The note is "polling
 * cores|7 8". */
static void
polling_note(struct gui_scene *sc, const struct world *w,
             const struct vh_device *d)
{
    const struct host *h = VH_CONTAINER_OF(d, const struct host, dev);
    if (strcmp(d->kind, "host") || !h->polls) {
        return;
    }
    char note[512] = "polling cores|";
    size_t len = strlen(note);
    for (int c = 0; c < h->n_cores && len + 12 < sizeof note; c++) {
        if (h->polls[c].on) {
            len += (size_t) snprintf(note + len, sizeof note - len, "%s%d",
                                     note[len - 1] == '|' ? "" : " ", c);
        }
    }
    gui_scene_set_note(sc, d->id, note);
}

/* The last part of a device path: "vm1" for "host1/vm1". */
static const char *
last_part(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* The VM whose NIC has the VMDq pool 'q' of 'nic', or NULL. */
static const struct vm *
pool_owner(const struct host *h, struct pnic *nic,
           const struct pnic_queue *q)
{
    for (size_t v = 0; v < h->n_vms; v++) {
        const struct vm *vm = h->vms[v];
        for (size_t i = 0; i < vm->n_nics; i++) {
            const struct cfg_vnic *c = vm->nics[i].cfg;
            if (pnic_vmdq_queue(nic, &c->mac, c->vlan) == q) {
                return vm;
            }
        }
    }
    return NULL;
}

/* A NIC's receive queues, in the order the trace numbers them (RSS
 * queues, VMDq pools, one per VF), each as NAME@CORE: "q0@0 q1@1" for
 * RSS, the VM's name for its pool ("vm1@5"), the VF's name for a VF's
 * queue; CORE is where its interrupt and NAPI poll run, "g" when that is
 * a vCPU (the driver is in a guest), "-" for a function no driver has
 * (a VF not assigned). */
static void
queues_note(struct gui_scene *sc, const struct host *h, struct pnic *nic)
{
    char note[1024] = "rx queues|";
    size_t len = strlen(note);
    for (int i = 0; i < nic->n_all && len + 40 < sizeof note; i++) {
        const struct pnic_queue *q = &nic->q[i];
        char name[32];
        if (q->fn != &nic->pf) {
            snprintf(name, sizeof name, "%s", last_part(q->fn->dev->path));
        } else if (q->pool) {
            const struct vm *vm = pool_owner(h, nic, q);
            snprintf(name, sizeof name, "%s",
                     vm ? last_part(vm->dev.path) : "pool");
        } else {
            snprintf(name, sizeof name, "q%d", i);
        }
        char core[8];
        if (!q->irq_core || !q->fn->enabled) {
            snprintf(core, sizeof core, "-");
        } else if (q->cat == CPU_GUEST) {
            snprintf(core, sizeof core, "g");
        } else {
            snprintf(core, sizeof core, "%d", q->irq_core->index);
        }
        len += (size_t) snprintf(note + len, sizeof note - len, "%s%s@%s",
                                 i ? " " : "", name, core);
    }
    gui_scene_set_note(sc, nic->dev.id, note);
}

/* The host's IOMMU domains, each with the PCIe functions whose requester
 * IDs point at it: "identity:eth0;vm1:vf0;vm2:vf1" ('sc''s host info
 * says it; "" for a host without an IOMMU). */
static void
iommu_note(struct gui_scene *sc, const struct host *h)
{
    const struct iommu *mmu = h->iommu;
    if (!mmu) {
        return;
    }
    char note[1024] = "";
    size_t len = 0;
    for (size_t d = 0; d < mmu->n_domains && len + 64 < sizeof note; d++) {
        const struct iommu_domain *dom = &mmu->domains[d];
        const char *name = "identity";
        if (!dom->identity) {
            name = "domain";
            for (size_t v = 0; v < h->n_vms; v++) {
                if (dom->owner == h->vms[v]) {
                    name = last_part(h->vms[v]->dev.path);
                }
            }
            if (dom->owner == h) {
                name = "containers";
            }
        }
        len += (size_t) snprintf(note + len, sizeof note - len, "%s%s:",
                                 len ? ";" : "", name);
        bool first = true;
        for (size_t k = 0; k < h->n_nics; k++) {
            const struct pnic *nic = h->nics[k];
            for (int i = 0; i < nic->n_all && len + 40 < sizeof note; i++) {
                const struct pnic_fn *fn = nic->q[i].fn;
                if (fn->first_q != i
                    || iommu_domain_of(mmu, fn->rid) != dom->id) {
                    continue;   /* One entry per function, in its domain. */
                }
                len += (size_t) snprintf(note + len, sizeof note - len,
                                         "%s%s", first ? "" : ",",
                                         last_part(fn->dev->path));
                first = false;
            }
        }
    }
    gui_scene_set_iommu(sc, h->dev.id, note);
}

void
cli_gui_scene(struct gui_scene *sc, const struct world *w,
              const struct cfg_scenario *cfg, const char *variant)
{
    gui_scene_init(sc);
    sc->name = gui_xstrdup(cfg->name);
    sc->variant = gui_xstrdup(variant ? variant : "base");
    sc->duration = w->end;
    gui_scene_set_topology(sc, &w->devs);
    for (size_t i = 0; i < cfg->n_hosts; i++) {
        const struct cfg_host *h = &cfg->hosts[i];
        const struct vh_device *d = vh_devtab_find(&w->devs, h->name);
        if (d) {
            gui_scene_add_host(sc, d->id, h->cpu.cores);
            polling_note(sc, w, d);
            const struct host *hm = VH_CONTAINER_OF(d, const struct host, dev);
            if (!strcmp(d->kind, "host")) {
                for (size_t k = 0; k < hm->n_nics; k++) {
                    queues_note(sc, hm, hm->nics[k]);
                }
                iommu_note(sc, hm);
            }
        }
        for (size_t v = 0; v < h->n_vms; v++) {
            const struct cfg_vm *vm = &h->vms[v];
            for (size_t k = 0; k < vm->n_nics; k++) {
                char path[512];
                snprintf(path, sizeof path, "%s/%s/%s", h->name, vm->name,
                         vm->nics[k].name);
                const struct vh_device *nd = vh_devtab_find(&w->devs, path);
                if (nd) {
                    gui_scene_set_note(sc, nd->id, backend_note(&vm->nics[k]));
                }
            }
        }
    }
    ovs_kernel_notes(sc, w);
    /* A switch's mode (802.1q, vepa, router...) decides what it does with
     * a frame between two VMs of one port: the picture says it. */
    for (size_t i = 0; i < cfg->n_switches; i++) {
        const struct cfg_switch *sw = &cfg->switches[i];
        const struct vh_device *d = vh_devtab_find(&w->devs, sw->name);
        if (d) {
            char note[64];
            snprintf(note, sizeof note, "switch mode|%s",
                     cfg_switch_mode_names[sw->mode]);
            gui_scene_set_note(sc, d->id, note);
        }
    }
    /* A container's network as the scenario writes it ("host",
     * "container:web", "none", a network's name): where its stack is,
     * which its box says when it has no interface of its own. */
    for (size_t i = 0; i < cfg->n_hosts; i++) {
        const struct cfg_host *h = &cfg->hosts[i];
        for (size_t k = 0; k < h->n_containers; k++) {
            const struct cfg_container *ct = &h->containers[k];
            char path[512], note[300];
            snprintf(path, sizeof path, "%s/%s", h->name, ct->name);
            const struct vh_device *cd = vh_devtab_find(&w->devs, path);
            if (cd) {
                snprintf(note, sizeof note, "network|%s",
                         ct->network ? ct->network : "bridge");
                gui_scene_set_note(sc, cd->id, note);
            }
        }
    }
    for (size_t i = 0; i < cfg->n_flows; i++) {
        const struct cfg_flow *f = &cfg->flows[i];
        gui_scene_add_flow(sc, f->name, f->from, f->to,
                           cfg_flow_proto_label(f));
    }
    for (int k = 0; k < CPU_N_CATS; k++) {
        gui_scene_add_cat(sc, cpu_cat_names[k]);
    }
    for (size_t i = 0; i < cfg->n_events; i++) {
        const struct cfg_event *e = &cfg->events[i];
        gui_scene_add_mark(sc, e->at, cfg_event_action_names[e->action],
                           e->target, e->to, e->at + e->downtime);
    }
}
