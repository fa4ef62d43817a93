/* models/guest/vf_driver.h: a guest's driver for an assigned PCIe function.
 *
 * With SR-IOV (attach "sriov-vf") the guest drives a VF of a host NIC,
 * and with attach "vif" in mode "passthrough" a VIF of a VN-Tag adapter
 * the same way (models/hw/vic.h); with passthrough (attach
 * "passthrough") it drives the whole NIC's PF.  Either way the hypervisor is out of the data path:
 *   - transmit: the driver fills a descriptor in its ring, in guest
 *     memory, and rings the doorbell, a register in the function's BAR
 *     mapped into the guest: a plain MMIO write, no VM exit
 *     ('driver_tx' + 'mmio_write' on the vCPU, as 'guest');
 *   - the NIC reads descriptor and frame from guest memory by DMA, which
 *     the IOMMU translates in the VM's domain (models/hw/iommu.h), and writes
 *     received frames there the same way: no host copy, no bridge, no
 *     vswitch;
 *   - the function's MSI-X interrupt: without posted interrupts it is a
 *     host interrupt on the core running the vCPU (VFIO's handler,
 *     'hw_irq'), which makes the vCPU exit ('vmexit'), and KVM injects it
 *     ('virq_inject') before the guest takes it ('guest_irq'); with VT-d
 *     posted interrupts ("iommu": {"posted_interrupts": true}) the IOMMU
 *     posts it to the running vCPU, which takes it without leaving the
 *     guest ('guest_irq' only);
 *   - the guest's NAPI poll ('napi_poll', then 'driver_rx' and
 *     'netif_receive' per frame, 'driver_tx_clean' per sent frame) runs on
 *     the vCPU as 'guest'.
 * The driver's rings and buffers lie at fixed guest-physical addresses, a
 * region per queue carved from the VM's domain, so DMA touches real pages
 * and the IOTLB sees the access pattern of a ring. */
#ifndef VH_MODELS_VF_DRIVER_H
#define VH_MODELS_VF_DRIVER_H 1

#include <stdbool.h>

#include "models/core/port.h"
#include "sim/device.h"
#include "sim/diag.h"

struct world;
struct host;
struct vm;
struct vm_nic;
struct pnic;
struct pnic_fn;
struct sriov_vf;
struct cpu_core;

struct vf_driver {
    struct vh_device dev;       /* "host1/vm1/eth0". */
    struct host *host;
    struct vm *vm;
    struct pnic *nic;           /* The NIC of the function. */
    struct pnic_fn *fn;         /* A VF's, or the PF (passthrough). */
    struct sriov_vf *vf;        /* NULL for passthrough. */
    struct cpu_core *vcpu;      /* Where the driver sends from. */
    struct port guest;          /* To the guest's stack. */
    struct port nic_side;       /* Frames from the function's NAPI. */
    bool posted;                /* Interrupts are posted (no exit). */
    bool link_up;               /* The function's link as the guest sees
                                 * it: a VF's link state ("ip link set eth0
                                 * vf N state disable"), or the NIC's. */
};

/* Builds the driver of VM NIC 'n' of 'vm' (attach sriov-vf, vif in mode
 * passthrough, or passthrough), registered as an instance of its
 * attachment's class: takes the VF, the VIF or the NIC, puts its queues
 * in the guest, maps them in the VM's IOMMU domain.  Fills n->dev and
 * n->guest; n->host stays NULL.  Returns false with 'diag' set if the
 * function is not available. */
bool vf_driver_build(struct world *, struct host *, struct vm *,
                     struct vm_nic *n, struct vh_diag *diag);

/* The classes of the drivers (models/core/devclass.h): a VF's, attached
 * with "sriov-vf", a VIC's VIF's, attached with "vif" in mode
 * "passthrough" (models/hw/vic.h), and a whole NIC's, attached with
 * "passthrough".  Their link events set the function's link as the guest
 * sees it: while it is down, frames the guest sends and frames for the
 * guest are dropped ("link-down"). */
extern const struct dev_class vf_driver_class;
extern const struct dev_class vif_driver_class;
extern const struct dev_class pf_driver_class;

#endif /* models/guest/vf_driver.h */
