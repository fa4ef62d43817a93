/* models/hostnet/ipvlan.h: ipvlan on a physical NIC, in the kernel's
 * three modes.
 *
 * ipvlan, like macvlan, stacks virtual devices (slaves) on a NIC (the
 * master) and takes over its receive path, but every slave shares the
 * master's MAC: the layer tells frames apart by destination IP, not MAC
 * (one hash lookup, 'ipvlan_forward', as 'vswitch' on the core that
 * carries the frame).  The mode is the NIC's, for all its slaves (the
 * kernel keeps it per master).
 *
 * L2: a slave does its own ARP.  An ARP frame is sorted by its target
 * address; broadcasts from outside go to every slave and to the host's
 * own stack on the master; a slave's broadcast goes to the other slaves
 * and out of the NIC.  A slave's frame for the shared MAC (a sibling,
 * which answered its ARP with that MAC) is delivered inside the host to
 * the slave with the destination address; any other leaves by the NIC.
 *
 * L3: the slaves are NOARP devices (endpoint 'noarp'): a slave's stack
 * sends every packet to its own MAC, and the layer looks at the IP
 * header only.  A packet for a sibling's address is delivered to it
 * inside the host; any other crosses into the host's namespace, where
 * the host's routing sends it from its address on the master
 * (ipvlan_process_outbound: the route lookup, ip_local_out with its
 * netfilter hooks, the host's ARP for the next hop): to the LAN, to the
 * host's gateway, or to the host's own addresses through the loopback
 * device.  So a slave reaches other subnets through the host's gateway
 * without one of its own, and nothing on the wire ever sees it ARP.  A
 * slave's broadcast or multicast is dropped ("ipvlan-l3-multicast"), as
 * is anything not IPv4 ("ipvlan-l3-not-ip").  From outside, a unicast
 * IPv4 packet for a slave's address goes to it; everything else,
 * broadcasts included, goes to the host's stack alone; an ARP request for
 * a slave's address reaches the slave, which ignores it: no one answers,
 * so the outside reaches the slaves only through a route to them via the
 * host's address, as Docker's ipvlan L3 documentation asks.
 *
 * L3S: L3 with the host's netfilter on both ways (the master is an l3mdev
 * and its LOCAL_IN hook hands packets to the slave): a packet from
 * outside for a slave passes the host's PREROUTING and INPUT hooks.
 *
 * Costs, on the core that carries the packet, as 'softirq': a packet an
 * L3 or L3S slave sends through the host's routing pays 'ip_local_out'
 * (the host's route lookup and output) and 'conntrack' (the host's
 * LOCAL_OUT and POSTROUTING hooks: a Docker host tracks connections in its
 * namespace for its NAT rules); in L3S a packet from outside for a slave
 * pays 'conntrack' too.  Slaves of one NIC reach each other without the
 * host's netfilter in every mode.
 *
 * In every mode the host's own stack on the master cannot reach its
 * slaves: what it sends leaves by the NIC. */
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

enum ipvlan_mode { IPVLAN_L2, IPVLAN_L3, IPVLAN_L3S };

/* "l2", "l3", "l3s": Docker's ipvlan_mode, iproute2's "mode". */
extern const char *const ipvlan_mode_names[];

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
    enum ipvlan_mode mode;
    struct endpoint *host_ep;   /* L3, L3S: the host's address on the
                                 * master, which routes the slaves'
                                 * packets out. */
    struct port lower;          /* Joined to the NIC's host side. */
    struct port local;          /* Joined to the host's own stack on the
                                 * NIC, if it has one. */
    struct ipvlan_slave **slaves;   /* Stable addresses. */
    size_t n_slaves;
};

/* Adds a slave of address 'ip' on 'nic' of 'h', joined to 'upper'; the
 * NIC's ipvlan layer is made in 'mode' and put in its path with the
 * first (the loader gives the slaves of one NIC one mode).  In L3 and
 * L3S the host must have an address on 'nic': NULL without one. */
struct ipvlan_slave *ipvlan_add(struct world *, struct host *h,
                                struct pnic *nic, uint32_t ip,
                                enum ipvlan_mode mode, struct port *upper);

/* Whether a packet for 'ip' that a sender hands to next hop 'via' (its
 * gateway) reaches an L3 or L3S device: 'via' is a host's address on a
 * NIC whose ipvlan layer in one of those modes has a device of address
 * 'ip', which the layer takes before the host's stack sees it. */
bool ipvlan_l3_behind(const struct world *, uint32_t via, uint32_t ip);

extern const struct dev_class ipvlan_class;

#endif /* models/hostnet/ipvlan.h */
