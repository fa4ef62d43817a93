/* models/guest/vm.h: a virtual machine: vCPUs on host cores and its NICs.
 *
 * Each VM NIC has two halves.  The guest half is a device driver the
 * guest's stack (an endpoint) talks to: virtio-net, an emulated e1000, or
 * the VF driver of an assigned device.  The host half, when there is one,
 * is where the hypervisor joins the device to the host's networking: a
 * tap on a bridge, a macvtap on a NIC, a vhost-user port on a user-space
 * switch.  vm_build() asks the device classes for both
 * (models/core/devclass.h): the class of the NIC's model builds the guest
 * half (or, for an assigned device, the attachment's class does), and the
 * class of its attach.type joins the host half. */
#ifndef VH_MODELS_VM_H
#define VH_MODELS_VM_H 1

#include <stdbool.h>
#include <stddef.h>

#include "models/core/config.h"
#include "sim/device.h"

struct host;
struct world;
struct cpu_core;
struct port;
struct endpoint;
struct virtio_net;
struct hthread;
struct dev_class;
struct vlan_layer;

struct vm_nic {
    const struct cfg_vnic *cfg;
    struct vh_device *dev;      /* "host1/vm1/eth0". */
    struct endpoint *ep;        /* The guest stack on it. */
    struct port *guest;         /* The driver side, joined to 'ep'. */
    struct port *host;          /* The host side to attach, or NULL. */
    struct virtio_net *virtio;  /* The device, when it is virtio-net. */
    const struct dev_class *attach_cls;   /* The kind of device its
                                           * attach.type joins it to. */
    struct vlan_layer *vlans;   /* The guest's VLAN subinterfaces
                                 * (models/endpoint/vlanif.h), or NULL. */
};

struct vm {
    struct vh_device dev;       /* "host1/vm1". */
    struct host *host;
    const struct cfg_vm *cfg;
    struct cpu_core **vcpus;    /* Host core each vCPU runs on. */
    int n_vcpus;
    struct vm_nic *nics;
    size_t n_nics;
    struct hthread *qemu_loop;  /* QEMU's main loop, once a device needs
                                 * it (models/guest/qemu.h). */
};

/* Builds VM 'cv' of host 'h', with its NICs joined to the host, and adds
 * it to the host.  Returns false with 'diag' set if a NIC cannot be
 * built.  The VM and its NICs are registered devices that the world
 * frees. */
bool vm_build(struct world *, struct host *h, const struct cfg_vm *cv,
              struct vh_diag *diag);

extern const struct dev_class vm_class;

#endif /* models/guest/vm.h */
