/* models/endpoint/vlanif.h: VLAN subinterfaces of a host NIC, as Linux's
 * 8021q driver makes them ("ip link add link eth0 name eth0.100 type vlan
 * id 100"): the host's addresses in VLANs that its NIC's cable carries
 * tagged, on a bare-metal host or a hypervisor's own NIC.
 *
 * A NIC with "vlans" gets a VLAN layer between its driver and the host's
 * stack.  On the way up, a frame tagged with the VID of a subinterface has
 * its tag taken off and goes to that subinterface's stack; an untagged
 * frame (or a priority-tagged one, VID 0) goes to the NIC's own address,
 * if it has one; a frame of a VLAN without a subinterface is dropped
 * ("no-vlan-interface", as the kernel finds no VLAN device for it).  On
 * the way down, what a subinterface sends gets its VLAN's 802.1Q tag
 * (priority 0) and what the NIC's own address sends leaves untagged.  So
 * a subinterface receives only its VLAN's frames, and two subinterfaces
 * of one NIC are as apart as two hosts in different VLANs.
 *
 * A subinterface has its NIC's MAC, an address of its own and an optional
 * gateway; it is a device of its host, "host2/eth0.100", which traffic
 * paths name.
 *
 * Costs.  The NIC inserts and strips the tag (VLAN offload, which every
 * driver vhsim models has on), so neither direction copies a byte.  A
 * received frame goes once more around the kernel's generic receive
 * (__netif_receive_skb_core starts again for the VLAN device), charged as
 * netif_receive on the receiving core (softirq); sending through the VLAN
 * device, which has no queue of its own, is a function call on the way to
 * the NIC's, and costs nothing more. */
#ifndef VH_MODELS_ENDPOINT_VLANIF_H
#define VH_MODELS_ENDPOINT_VLANIF_H 1

#include <stddef.h>

#include "models/core/config.h"
#include "models/core/port.h"
#include "sim/device.h"

struct world;
struct host;
struct pnic;
struct endpoint;
struct vlan_layer;

struct vlanif {
    struct vh_device dev;       /* "host2/eth0.100". */
    struct vlan_layer *layer;
    const struct cfg_vlanif *cfg;
    struct endpoint *ep;        /* Its address's stack. */
    struct port port;           /* Joined to the endpoint's. */
};

struct vlan_layer {
    struct pnic *nic;
    struct port lower;          /* Joined to the NIC's host side. */
    struct port untagged;       /* Joined to the NIC's own address, or
                                 * to nothing. */
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

/* The class of subinterfaces: a traffic path naming one means its
 * endpoint. */
extern const struct dev_class vlanif_class;

#endif /* models/endpoint/vlanif.h */
