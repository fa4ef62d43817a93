/* models/hostnet/ipvlan.h: ipvlan on a physical NIC, in L2 mode.
 *
 * ipvlan, like macvlan, stacks virtual devices (slaves) on a NIC (the
 * master) and takes over its receive path, but every slave shares the
 * master's MAC: the layer tells frames apart by destination IP, not MAC
 * (one hash lookup, 'ipvlan_forward', as 'vswitch' on the core that
 * carries the frame).  An ARP frame is sorted by its target address.  In
 * L2 mode a slave does its own ARP: broadcasts from outside go to every
 * slave and to the host's own stack on the master; a slave's broadcast
 * goes to the other slaves and out of the NIC.  A slave's frame for the
 * shared MAC (a sibling, which answered its ARP with that MAC) is
 * delivered inside the host to the slave with the destination address;
 * any other leaves by the NIC.  As with macvlan, the host's own stack on
 * the master cannot reach its slaves (their address has the master's
 * MAC, and the master sends it out).
 *
 * L3 and L3S modes (the slaves route through the master, no ARP, no
 * broadcast) are not modelled; the loader refuses them. */
#ifndef VH_MODELS_IPVLAN_H
#define VH_MODELS_IPVLAN_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/core/port.h"
#include "sim/device.h"

struct endpoint;
struct host;
struct pnic;
struct world;
struct ipvlan;

/* One slave: a container's ipvlan device. */
struct ipvlan_slave {
    struct ipvlan *iv;
    struct port port;           /* Joined to what is above it. */
    uint32_t ip;                /* Its address (host order). */
};

/* A NIC's ipvlan layer: "host1/eth0/ipvlan". */
struct ipvlan {
    struct vh_device dev;
    struct host *host;
    struct pnic *nic;           /* The master. */
    struct port lower;          /* Joined to the NIC's host side. */
    struct port local;          /* Joined to the host's own stack on the
                                 * NIC, if it has one. */
    struct ipvlan_slave **slaves;   /* Stable addresses. */
    size_t n_slaves;
};

/* Adds a slave of address 'ip' on 'nic' of 'h', joined to 'upper'; the
 * NIC's ipvlan layer is made and put in its path with the first. */
struct ipvlan_slave *ipvlan_add(struct world *, struct host *h,
                                struct pnic *nic, uint32_t ip,
                                struct port *upper);

extern const struct dev_class ipvlan_class;

#endif /* models/hostnet/ipvlan.h */
