/* cli/scene.c: the scene a recording starts with, taken from a built
 * world and its scenario.  Kept apart from cli/cmd_gui.c because 'vhsim
 * run --record' needs it too, and vhsim does not link the GUI. */
#include "cli/scene.h"

#include <stdio.h>
#include <string.h>

#include "models/core/config.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/hostnet/ovs_dpdk.h"
#include "models/hw/cpu.h"
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
                           cfg_proto_names[f->proto]);
    }
    for (int k = 0; k < CPU_N_CATS; k++) {
        gui_scene_add_cat(sc, cpu_cat_names[k]);
    }
    for (size_t i = 0; i < cfg->n_events; i++) {
        const struct cfg_event *e = &cfg->events[i];
        gui_scene_add_mark(sc, e->at, cfg_event_action_names[e->action],
                           e->target);
    }
}
