/* models/guest/vm.c: building a VM and choosing its NICs' two halves. */
#include "models/guest/vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/defaults.h"
#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/core/port.h"
#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "models/endpoint/vlanif.h"
#include "models/guest/vcpu.h"
#include "models/hostnet/ovs_dpdk.h"
#include "models/hw/hthread.h"
#include "sim/xmalloc.h"

/* The guest half: the device the guest's driver runs, of the class its
 * model names, or of the attachment's class when the guest drives an
 * assigned device itself (models/core/devclass.h). */
static bool
vm_nic_device(struct world *w, struct host *h, struct vm *vm,
              struct vm_nic *n, struct vh_diag *diag)
{
    const struct cfg_vnic *cn = n->cfg;
    const struct dev_class *cls = n->attach_cls;
    if (!cls->assigned) {
        const char *model = cfg_vnic_model_names[cn->model];
        cls = dev_class_find(DEV_FAM_VNIC, model);
        if (!cls || !cls->build_vnic) {
            return vh_diag_fail(diag, cn->jpath, "not supported yet: NIC "
                                "model '%s'", model);
        }
    }
    return cls->build_vnic(w, h, vm, n, diag);
}

/* The class a VM NIC joins: the class of the device its attach.to names
 * when that class takes this attach type (both of Open vSwitch's
 * datapaths take "ovs"), or else the one class that does in the NIC's
 * attach mode (a VIF is driven by the guest or by the host). */
static const struct dev_class *
attach_class(const struct world *w, const struct host *h,
             const struct cfg_vnic *cn, const char *type)
{
    if (cn->attach_to) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", h->dev.path, cn->attach_to);
        const struct vh_device *d = vh_devtab_find(&w->devs, path);
        if (d && d->cls && d->cls->attach_type
            && !strcmp(d->cls->attach_type, type)) {
            return d->cls;
        }
    }
    return dev_class_for_attach_mode(type, cn->attach_mode);
}

bool
vm_build(struct world *w, struct host *h, const struct cfg_vm *cv,
         struct vh_diag *diag)
{
    struct vm *vm = vh_xcalloc(1, sizeof *vm);
    dev_register(w, &vm->dev, &vm_class, &h->dev, cv->name);
    h->vms = vh_xrealloc(h->vms, (h->n_vms + 1) * sizeof *h->vms);
    h->vms[h->n_vms++] = vm;
    vm->host = h;
    vm->cfg = cv;
    vm->n_vcpus = cv->vcpus;
    vm->vcpus = vh_xcalloc((size_t) cv->vcpus, sizeof *vm->vcpus);
    vm->nics = vh_xcalloc(cv->n_nics, sizeof *vm->nics);
    for (int i = 0; i < cv->vcpus; i++) {
        vm->vcpus[i] = cv->pin ? &h->cores[cv->pin[i]]
                               : host_pick_vcpu_core(h);
        vcpu_core_init(vm->vcpus[i], h);
    }
    for (size_t i = 0; i < cv->n_nics; i++) {
        struct vm_nic *n = &vm->nics[i];
        const struct cfg_vnic *cn = &cv->nics[i];
        n->cfg = cn;
        vm->n_nics = i + 1;
        const char *type = cfg_attach_names[cn->attach];
        n->attach_cls = attach_class(w, h, cn, type);
        if (!n->attach_cls) {
            return vh_diag_fail(diag, cn->jpath, "not supported yet: "
                                "attach type '%s'", type);
        }
        if (!vm_nic_device(w, h, vm, n, diag)) {
            return false;       /* The world frees what was built. */
        }
        /* The guest's stack uses the MAC the guest set, if it set one. */
        const struct vh_mac *mac = cn->has_guest_mac ? &cn->guest_mac
                                                     : &cn->mac;
        n->ep = endpoint_create(h, n->dev, vm->dev.path, mac, cn->ip,
                                cn->prefix, vm->vcpus[0], CPU_GUEST,
                                CPU_GUEST);
        n->ep->mtu = cn->mtu ? cn->mtu : VH_DEF_MTU;
        n->ep->gso = cn->offloads.gso;
        n->ep->sw_csum = !cn->offloads.rx_csum;
        n->ep->gateway = cn->gateway;
        if (cn->ip6.given) {
            endpoint_set_ip6(w, n->ep, &cn->ip6.addr, cn->ip6.prefix);
        }
        if (cn->n_vlans) {
            /* The guest's 8021q sits between its driver and its stacks. */
            n->vlans = vlan_layer_build_guest(w, vm, n);
        } else {
            port_connect(&n->ep->port, n->guest);
        }
        if (n->host && !n->attach_cls->attach(w, h, n, diag)) {
            return false;
        }
    }
    return true;
}

/* The NICs' devices are registered on their own and freed by their
 * classes; the VM frees what it holds of them. */
static void
vm_destroy(struct vh_device *d)
{
    struct vm *vm = VH_CONTAINER_OF(d, struct vm, dev);
    for (size_t i = 0; i < vm->n_nics; i++) {
        endpoint_free(vm->nics[i].ep);
        vlan_layer_free_endpoints(vm->nics[i].vlans);
    }
    free(vm->nics);
    free(vm->vcpus);
    hthread_free(vm->qemu_loop);
    free(vm);
}

static struct endpoint *
vm_endpoint(struct vh_device *d)
{
    struct vm *vm = VH_CONTAINER_OF(d, struct vm, dev);
    return vm->n_nics ? vm->nics[0].ep : NULL;
}

const struct dev_class vm_class = {
    .kind = "vm",
    .role = VH_ROLE_GUEST,
    .family = DEV_FAM_GUEST,
    .endpoint = vm_endpoint,
    .destroy = vm_destroy,
};
