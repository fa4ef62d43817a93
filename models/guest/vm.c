/* models/guest/vm.c: building a VM and choosing its NICs' two halves. */
#include "models/guest/vm.h"

#include <stdio.h>
#include <stdlib.h>

#include "models/guest/emu_nic.h"
#include "models/endpoint/endpoint.h"
#include "models/core/host.h"
#include "models/hw/hthread.h"
#include "models/hostnet/lbridge.h"
#include "models/hostnet/macvtap.h"
#include "models/hostnet/nat.h"
#include "models/hostnet/ovs_dpdk.h"
#include "models/core/port.h"
#include "models/guest/vf_driver.h"
#include "models/guest/virtio_net.h"
#include "models/core/world.h"
#include "sim/xmalloc.h"

/* The guest half: the device the guest's driver runs. */
static bool
vm_nic_device(struct world *w, struct host *h, struct vm *vm,
              struct vm_nic *n, struct vh_diag *diag)
{
    const struct cfg_vnic *cn = n->cfg;
    if (cn->attach == CFG_AT_SRIOV_VF || cn->attach == CFG_AT_PASSTHROUGH) {
        /* The guest drives the hardware itself, whatever 'model' says. */
        return vf_driver_build(w, h, vm, n, diag);
    }
    switch (cn->model) {
    case CFG_VNIC_VIRTIO: {
        struct virtio_net *vn = virtio_net_create(w, h, vm, &vm->dev, cn,
                                                  vm->vcpus[0]);
        n->virtio = vn;
        n->dev = &vn->dev;
        n->guest = &vn->guest;
        n->host = &vn->tap;
        return true;
    }
    case CFG_VNIC_E1000:
    case CFG_VNIC_RTL8139: {
        struct emu_nic *en = emu_nic_create(w, h, vm, cn);
        n->impl = en;
        n->impl_free = emu_nic_free_impl;
        n->dev = &en->dev;
        n->guest = &en->guest;
        n->host = &en->tap;
        return true;
    }
    }
    return vh_diag_fail(diag, cn->jpath, "no model for this NIC yet");
}

/* The host half: where the hypervisor joins the device to the host. */
static bool
vm_nic_attach(struct world *w, struct host *h, struct vm_nic *n,
              struct vh_diag *diag)
{
    const struct cfg_vnic *cn = n->cfg;
    if (n->virtio && n->virtio->backend == CFG_BE_VHOST_USER
        && cn->attach != CFG_AT_OVS) {
        return vh_diag_fail(diag, cn->jpath, "backend 'vhost-user' connects "
                            "the virtqueues to a user-space switch, which "
                            "has no tap to plug in here: attach it with type "
                            "'ovs' to a bridge with datapath 'dpdk'");
    }
    switch (cn->attach) {
    case CFG_AT_BRIDGE:
        lbridge_attach(host_bridge(w, h, cn->attach_to), n->host);
        return true;
    case CFG_AT_NAT:
        return nat_attach(w, h, n, diag);
    case CFG_AT_MACVTAP:
        return macvtap_attach(w, h, n, diag);
    case CFG_AT_OVS:
        return ovs_dpdk_attach(w, h, n, diag);
    case CFG_AT_SRIOV_VF:
    case CFG_AT_PASSTHROUGH:
        return true;            /* No host half: see models/guest/vf_driver.h. */
    }
    (void) w;
    return vh_diag_fail(diag, cn->jpath, "no model for this attachment yet");
}

struct vm *
vm_build(struct world *w, struct host *h, const struct cfg_vm *cv,
         struct vh_diag *diag)
{
    struct vm *vm = vh_xcalloc(1, sizeof *vm);
    char path[256];
    snprintf(path, sizeof path, "%s/%s", h->dev.path, cv->name);
    vh_devtab_add(&w->devs, &vm->dev, path, "vm", &h->dev);
    vm->host = h;
    vm->cfg = cv;
    vm->n_vcpus = cv->vcpus;
    vm->vcpus = vh_xcalloc((size_t) cv->vcpus, sizeof *vm->vcpus);
    vm->nics = vh_xcalloc(cv->n_nics, sizeof *vm->nics);
    for (int i = 0; i < cv->vcpus; i++) {
        vm->vcpus[i] = cv->pin ? &h->cores[cv->pin[i]]
                               : host_pick_vcpu_core(h);
    }
    for (size_t i = 0; i < cv->n_nics; i++) {
        struct vm_nic *n = &vm->nics[i];
        const struct cfg_vnic *cn = &cv->nics[i];
        n->cfg = cn;
        vm->n_nics = i + 1;
        if (!vm_nic_device(w, h, vm, n, diag)) {
            return vm;          /* The caller frees it. */
        }
        n->ep = endpoint_create(h, n->dev, vm->dev.path, &cn->mac, cn->ip,
                                cn->prefix, vm->vcpus[0], CPU_GUEST,
                                CPU_GUEST);
        port_connect(&n->ep->port, n->guest);
        if (n->host && !vm_nic_attach(w, h, n, diag)) {
            return vm;
        }
    }
    return vm;
}

void
vm_free(struct vm *vm)
{
    if (!vm) {
        return;
    }
    for (size_t i = 0; i < vm->n_nics; i++) {
        struct vm_nic *n = &vm->nics[i];
        virtio_net_free(n->virtio);
        if (n->impl_free) {
            n->impl_free(n->impl);
        }
        endpoint_free(n->ep);
    }
    free(vm->nics);
    free(vm->vcpus);
    hthread_free(vm->qemu_loop);
    free(vm);
}

struct vm_nic *
vm_nic_find(struct world *w, const char *path)
{
    /* Its device's parent is its VM's. */
    const struct vh_device *d = vh_devtab_find(&w->devs, path);
    const struct vh_device *up = d && d->parent >= 0
                                 ? w->devs.v[d->parent] : NULL;
    struct vm *vm = up ? world_vm(w, up->path) : NULL;
    for (size_t i = 0; vm && i < vm->n_nics; i++) {
        if (vm->nics[i].dev == d) {
            return &vm->nics[i];
        }
    }
    return NULL;
}
