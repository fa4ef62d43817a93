/* models/container/netdrv.h: the drivers of container networks.
 *
 * A container with a namespace of its own is on a network, and the
 * network's driver decides what the container's interface is and where
 * its frames go, as Docker's and CNI's network drivers do:
 *
 *   - bridge (cnet_bridge.c): one end of a veth pair in the container,
 *     the other a port of the network's Linux bridge (docker0 for the
 *     default network, br-NAME for a user-defined one), the host's
 *     address on the bridge as the gateway, and the host routing the
 *     network to the outside with iptables' MASQUERADE and DNAT
 *     (models/hostnet/nat.h);
 *   - macvlan (cnet_macvlan.c): a macvlan device of its own on a host
 *     NIC, with its own MAC, in one of the kernel's modes
 *     (models/hostnet/macvtap.h);
 *   - ipvlan (cnet_ipvlan.c): an ipvlan device on a host NIC, sharing the
 *     NIC's MAC; the kernel sorts frames out by destination IP
 *     (models/hostnet/ipvlan.h);
 *   - overlay (cnet_overlay.c): Docker's VXLAN network across hosts, a
 *     bridge and a VXLAN device per host;
 *   - calico (cnet_calico.c): routed pods, a veth and a /32 each, the
 *     hosts routing them directly (bgp), in IP-in-IP (ipip) or through
 *     vxlan.calico (vxlan);
 *   - flannel (cnet_flannel.c): a /24 per host on cni0, the other hosts'
 *     routed through flannel.1 (vxlan), to their hosts (host-gw), or
 *     through flanneld in user space (udp);
 *   - sriov (cnet_sriov.c): a VF of a host NIC per container, driven by
 *     the host kernel's VF driver in the container's namespace;
 *   - weave (cnet_weave.c): one L2 subnet across hosts on a "weave"
 *     bridge per host, carried between hosts in VXLAN by an Open vSwitch
 *     datapath the weave router programs (fastdp), or by the router
 *     itself in user space over UDP (sleeve).
 *
 * A driver is one file in this folder: one constant 'struct net_driver'
 * and one line in models/container/netdrivers.def.  The loader accepts a
 * network "driver" (and the keys and modes that go with it) only when a
 * driver of that name exists, and refuses the contract's others as not
 * supported yet, naming the JSON path (every driver of the contract has
 * its file now).
 *
 * Life cycle: the host builds its networks after its VMs
 * (cnet_build_all, from models/core/host.c): each network registers a
 * device, "HOST/networks/NAME", whose class lists it in the host's
 * report under "networks", and its driver's 'build' makes what the
 * network has of its own (a bridge, the routing).  Then each container
 * in a namespace of its own joins its network with 'join', in the order
 * of containers[], which makes its interface, its stack and whatever
 * joins the two (models/container/container.h).  The world frees the
 * network's device, and with it the driver's state ('destroy'). */
#ifndef VH_MODELS_NETDRV_H
#define VH_MODELS_NETDRV_H 1

#include <stdbool.h>
#include <stddef.h>

#include "models/core/config.h"
#include "sim/device.h"
#include "sim/diag.h"

struct container;
struct host;
struct report_out;
struct world;

/* A network of a host, as built. */
struct cnet {
    struct vh_device dev;       /* "host1/networks/appnet". */
    const struct net_driver *drv;
    const struct cfg_network *cfg;
    struct host *host;
    void *priv;                 /* The driver's own state. */
    struct container **members; /* Containers joined, in join order. */
    size_t n_members;
};

struct net_driver {
    const char *name;           /* The "driver" it builds: "bridge". */
    const char *const *keys;    /* Keys of its networks[] objects beyond
                                 * "name", "driver", "subnet" and
                                 * "gateway" ("parent", "mode"),
                                 * NULL-terminated; NULL for none.  A
                                 * container whose "network" names the
                                 * driver itself ("macvlan") takes them
                                 * too. */
    const char *const *modes;   /* With "mode" among 'keys': its values,
                                 * NULL-terminated, the default first. */
    const char *const *refused_modes;   /* Values of 'modes' with no model
                                         * yet, refused as not supported
                                         * yet; NULL for none. */
    bool needs_parent;          /* A "parent" NIC is required. */
    bool subnet_default;        /* Without "subnet" it takes the next free
                                 * one of Docker's default pools
                                 * (172.18.0.0/16, 172.19.0.0/16...);
                                 * else containers give their "ip". */
    bool publishes;             /* Its containers may "publish" ports. */

    /* Builds what network 'net' has of its own, once the host's NICs,
     * bridges and VMs are built.  False with 'diag' set if the host
     * cannot have it. */
    bool (*build)(struct world *, struct cnet *net, struct vh_diag *diag);

    /* Gives container 'c' (its device registered, its cores placed) its
     * interface and stack on network 'net': sets c->ep and c->ifdev. */
    bool (*join)(struct world *, struct cnet *net, struct container *c,
                 struct vh_diag *diag);

    /* The driver's keys in the network's entry of the host's report. */
    void (*report)(const struct cnet *net, struct report_out *out);

    /* Frees what 'build' and 'join' made that the world does not free as
     * devices of their own. */
    void (*destroy)(struct cnet *net);
};

/* The drivers, in the order of models/container/netdrivers.def. */
extern const struct net_driver *const net_drivers[];
extern const size_t n_net_drivers;

/* The driver named 'name', or NULL if none is written yet. */
const struct net_driver *net_driver_find(const char *name);

/* Whether 'drv' takes key 'key' of a networks[] object. */
bool net_driver_has_key(const struct net_driver *drv, const char *key);

/* Builds every network of host 'h' (h->cfg->networks), in order, and
 * keeps them in h->cnets. */
bool cnet_build_all(struct world *, struct host *h, struct vh_diag *diag);

/* Adds 'c' to the members of 'net'. */
void cnet_add_member(struct cnet *net, struct container *c);

/* The class of a network's device (models/core/devclass.h). */
extern const struct dev_class cnet_class;

/* --- Helpers the drivers share. --- */

/* The address a host's networks across hosts leave from: its first NIC
 * with an "ip" (host order), or 0. */
struct cfg_host;
uint32_t cnet_host_underlay_ip(const struct cfg_host *);

/* The endpoint of 'net''s host on its underlay address, with router 'ops'
 * (state 'ctx') hooked into it.  NULL with 'diag' set when the host has
 * no address ("... needs an address of host 'H' to 'purpose': give one of
 * its NICs an "ip"") or another network routes that address already
 * (not supported yet). */
struct endpoint;
struct ep_router_ops;
struct endpoint *cnet_route_underlay(struct cnet *net,
                                     const struct ep_router_ops *ops,
                                     void *ctx, const char *purpose,
                                     struct vh_diag *diag);

/* A MAC for device 'kind' of host 'host' ("flannel.1", "vxlan.calico"):
 * locally administered, its second byte the kind's first letter, the
 * rest a hash of the two, as stable from run to run as the names are
 * (the kernel draws such a device's MAC at random). */
struct vh_mac;
void cnet_dev_mac(const char *host, const char *kind, struct vh_mac *mac);

/* Joins container 'c' of 'net' to bridge 'br' as Docker and the CNI
 * bridge plugins do: a veth pair named after it, its end eth0 in the
 * container's namespace with the container's stack on it, the host end a
 * port of 'br'.  Returns the container's stack. */
struct lbridge;
struct endpoint *cnet_join_bridge(struct world *, struct cnet *net,
                                  struct container *c, struct lbridge *br);

#endif /* models/container/netdrv.h */
