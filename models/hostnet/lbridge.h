/* models/hostnet/lbridge.h: the Linux bridge in a host kernel.
 *
 * A software learning switch: a frame that enters on one port is looked up
 * in the forwarding database and sent out of the port its destination was
 * learned on, or flooded to every other port when the destination is
 * unknown, broadcast or multicast.  The work runs on the core that carries
 * the frame (the NIC's softirq core, or the vhost worker that pushed it out
 * of a VM), charged as 'vswitch'.
 *
 * A VM's port may carry a policy (its attach "policy",
 * models/core/portpolicy.h): frames from the VM meet it once the bridge's
 * work on them is done, before the bridge learns their source; frames to
 * the VM, as the bridge hands them over. */
#ifndef VH_MODELS_LBRIDGE_H
#define VH_MODELS_LBRIDGE_H 1

#include <stddef.h>
#include <stdint.h>

#include "models/core/config.h"
#include "models/core/l2fwd.h"
#include "models/core/port.h"
#include "sim/device.h"

struct bond;
struct host;
struct lbridge_polport;
struct portpolicy_port;
struct world;

/* A NIC port with VLAN modes of its own (the bridge's "ports" entry
 * with "vlan" or "trunks", as 'bridge vlan add dev eth1 vid 10 pvid
 * untagged' sets them): "vlan" alone makes it an access port of that
 * VLAN; "trunks" carries those VLANs tagged, untagged frames belonging
 * to "vlan" if given, else to the default PVID 1. */
struct lbridge_nicport {
    const struct vh_device *nic;
    bool has_vlan;              /* 'vlan' is set (with vlan_filtering). */
    bool isolated;              /* "isolated": true. */
    struct port_vlan vlan;
    uint64_t trunks[PORT_VLAN_WORDS];
};

struct lbridge {
    struct vh_device dev;       /* "host1/br0". */
    struct host *host;
    const struct cfg_bridge *cfg;
    struct l2fwd l2;            /* Learning, flooding, VLANs; its ports
                                 * are the bridge-side ports, in attach
                                 * order. */
    uint64_t trunks[PORT_VLAN_WORDS];   /* With vlan_filtering: the VLANs
                                         * its uplinks carry tagged, those
                                         * of its VM ports, unless... */
    struct lbridge_nicport *nicports;   /* ...the port says otherwise. */
    size_t n_nicports;
    struct bond **bonds;        /* Its "bond" ports (models/hostnet/bond.h),
                                 * each one uplink port of the bridge. */
    size_t n_bonds;
    struct lbridge_polport **policies;  /* By port number: the policy of
                                         * the VM NIC joined there (its
                                         * attach "policy"), or NULL. */
    size_t n_policies;          /* Entries of 'policies'. */
};

struct lbridge *lbridge_create(struct world *, struct host *,
                               const struct cfg_bridge *);
void lbridge_free(struct lbridge *);

/* Removes the port joined to 'member' (a VM's tap leaving the host): the
 * port no longer takes or floods frames and the addresses learned on it
 * are forgotten. */
void lbridge_detach(struct lbridge *, struct port *member);

/* Adds a port and joins it directly to 'member' (a NIC's host side, a
 * tap, an endpoint).  Returns the bridge-side port.  With vlan_filtering
 * the port is an access port of VLAN 1, Linux's default_pvid, until its
 * VLAN is set. */
struct port *lbridge_attach(struct lbridge *, struct port *member);

/* The number of ports, and the bridge-side port 'i'. */
size_t lbridge_n_ports(const struct lbridge *);
struct port *lbridge_port(const struct lbridge *, size_t i);

/* The port number 'mac' was learned on (VLAN 0), or -1. */
int lbridge_lookup(const struct lbridge *, const struct vh_mac *mac,
                   vh_time_t now);

/* The policy state of port number 'i', or NULL if it has none. */
const struct portpolicy_port *lbridge_port_policy(const struct lbridge *,
                                                  size_t i);

/* Frames flooded for lack of a learned destination. */
uint64_t lbridge_flooded(const struct lbridge *);

extern const struct dev_class lbridge_class;

#endif /* models/hostnet/lbridge.h */
