/* models/hostnet/vif_macvtap.h: a VIF in standard mode: the host drives
 * it, and a macvtap in passthru mode joins it to a VM's vNIC.
 *
 * This is how libvirt builds Cisco's VM-FEX on KVM: the guest keeps its
 * emulated or paravirtual NIC (virtio-net with vhost-net by default), and
 * its host half is a macvtap in passthru mode whose lower device is the
 * host's netdev of a VIF of the VN-Tag adapter (models/hw/vic.h), given
 * the VM's MAC.  So every frame costs what it costs on a VF the host
 * drives, plus the hypervisor's copy:
 *   - from the cable: the VIF's interrupt ('hw_irq') on a host core and
 *     its NAPI poll as 'softirq' ('napi_poll', 'driver_rx',
 *     'netif_receive'), DMA in the host's identity domain; then macvlan's
 *     dispatch ('macvlan_forward', as 'vswitch'), which in passthru mode
 *     hands everything to the one macvtap; then the vNIC's host half (the
 *     tap's queue, the vhost worker's copy into the guest);
 *   - to the cable: the vhost worker's copy out of the guest, macvlan's
 *     dispatch, and the host driver's transmit on the VIF's queue
 *     ('driver_tx', 'mmio_write') as 'softirq'.
 * The VIF's interrupt goes to the core that serves the vNIC (its vhost
 * worker's), as a VMDq pool's does (models/hw/pnic.h), so the poll, the
 * macvtap and the worker share a core. */
#ifndef VH_MODELS_VIF_MACVTAP_H
#define VH_MODELS_VIF_MACVTAP_H 1

#include <stdbool.h>

#include "models/core/port.h"
#include "sim/device.h"
#include "sim/diag.h"

struct host;
struct pnic_queue;
struct sriov_vf;
struct vm_nic;
struct world;

struct vif_macvtap {
    struct vh_device dev;       /* "host1/eth0/vif3/macvtap". */
    struct sriov_vf *vif;
    struct pnic_queue *q;       /* The VIF's queue pair. */
    struct port lower;          /* From the VIF's NAPI poll. */
    struct port tap;            /* Joined to the vNIC's host half. */
};

/* Takes a free VIF of the VIC that VM NIC 'n''s attach.to names, drives
 * it from the host and joins the vNIC's host half to it.  Returns false
 * with 'diag' set if the NIC is no VIC or has no VIF left. */
bool vif_macvtap_attach(struct world *, struct host *h, struct vm_nic *n,
                        struct vh_diag *diag);

/* Its class (models/core/devclass.h): attach "vif" in mode "standard". */
extern const struct dev_class vif_macvtap_class;

#endif /* models/hostnet/vif_macvtap.h */
