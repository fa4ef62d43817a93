/* models/endpoint/vlanif.h: VLAN subinterfaces, as Linux's 8021q driver
 * makes them ("ip link add link eth0 name eth0.100 type vlan id 100"): a
 * stack's addresses in VLANs that its interface carries tagged.  A host
 * NIC has them on a bare-metal host or a hypervisor's own NIC; a VM NIC
 * has them in the guest, for a VM on a trunk port (a router VM, a nested
 * host).
 *
 * An interface with "vlans" gets a VLAN layer between its driver and its
 * stack.  On the way up, a frame tagged with the VID of a subinterface has
 * its tag taken off and goes to that subinterface's stack; an untagged
 * frame (or a priority-tagged one, VID 0) goes to the interface's own
 * address, if it has one; a frame of a VLAN without a subinterface is
 * dropped ("no-vlan-interface", as the kernel finds no VLAN device for
 * it).  On the way down, what a subinterface sends gets its VLAN's 802.1Q
 * tag (priority 0) and what the interface's own address sends leaves
 * untagged.  So a subinterface receives only its VLAN's frames, and two
 * subinterfaces of one interface are as apart as two hosts in different
 * VLANs.
 *
 * A subinterface has its interface's MAC, an address of its own and an
 * optional gateway; it is a device next to its interface,
 * "host2/eth0.100" or "host1/vm1/eth0.100", which traffic paths name.
 *
 * Costs.  A received frame goes once more around the kernel's generic
 * receive (__netif_receive_skb_core starts again for the VLAN device),
 * charged as netif_receive; sending through the VLAN device, which has no
 * queue of its own, is a function call on the way to the interface's.
 * Where the tag is handled depends on the device:
 *   - a host NIC inserts and strips it (VLAN offload, which every driver
 *     vhsim models has on), so neither direction touches the frame;
 *   - a guest's NIC offers no VLAN offload: virtio-net has no tag
 *     insertion or stripping (VIRTIO_NET_F_CTRL_VLAN only filters VIDs,
 *     and vhsim's device does not offer it, so every VID reaches the
 *     guest), and the emulated e1000 and rtl8139 are modelled without
 *     theirs.  The guest's kernel moves the tag in the frame's bytes
 *     (skb_vlan_untag on receive, __vlan_hwaccel_push_inside on send):
 *     vlan_tag_sw each way, on the vCPU. */
#ifndef VH_MODELS_ENDPOINT_VLANIF_H
#define VH_MODELS_ENDPOINT_VLANIF_H 1

#include <stdbool.h>
#include <stddef.h>

#include "models/core/config.h"
#include "models/core/port.h"
#include "sim/device.h"

struct world;
struct host;
struct pnic;
struct endpoint;
struct vm;
struct vm_nic;
struct vlan_layer;

struct vlanif {
    struct vh_device dev;       /* "host2/eth0.100". */
    struct vlan_layer *layer;
    const struct cfg_vlanif *cfg;
    struct endpoint *ep;        /* Its address's stack. */
    struct port port;           /* Joined to the endpoint's. */
};

struct vlan_layer {
    struct vh_device *lower_dev;    /* The interface: a host NIC or a VM
                                     * NIC. */
    bool sw_tag;                /* The tag is moved in the frame's bytes
                                 * (no VLAN offload). */
    struct port lower;          /* Joined to the interface's driver. */
    struct port untagged;       /* Joined to the interface's own address,
                                 * or to nothing. */
    size_t n_ifs;
    struct vlanif ifs[];        /* One per "vlans" entry, in order. */
};

/* Builds the VLAN layer of 'nic' of 'h' (a NIC with "vlans", in no
 * bridge) and its subinterfaces, joined to the NIC's host side; 'own' is
 * the endpoint of the NIC's own address, not yet joined to anything, or
 * NULL.  The subinterfaces' endpoints are added to the host's, after
 * 'own'. */
struct vlan_layer *vlan_layer_build(struct world *, struct host *h,
                                    struct pnic *nic, struct endpoint *own);

/* Builds the guest's VLAN layer of 'n' of 'vm' (a VM NIC with "vlans")
 * between the NIC's driver and its own address's endpoint, neither yet
 * joined to anything.  The subinterfaces' endpoints run on the VM's first
 * vCPU as its NIC's does, with its MTU and offloads; the VM frees them
 * (vlan_layer_free_endpoints). */
struct vlan_layer *vlan_layer_build_guest(struct world *, struct vm *vm,
                                          struct vm_nic *n);

/* Frees the endpoints of a guest's layer; the world frees the layer. */
void vlan_layer_free_endpoints(struct vlan_layer *);

/* A migrating VM's subinterfaces follow its NIC's endpoint 'nic_ep':
 * its host, its core and the instant it resumes. */
void vlan_layer_follow(struct vlan_layer *, const struct endpoint *nic_ep);

/* The class of subinterfaces: a traffic path naming one means its
 * endpoint. */
extern const struct dev_class vlanif_class;

#endif /* models/endpoint/vlanif.h */
