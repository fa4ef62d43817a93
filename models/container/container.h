/* models/container/container.h: a container: a process group on the
 * host's cores, in a network namespace.
 *
 * A container is no machine: its processes are the host's, scheduled on
 * the host's cores ("cpus", else placed as unpinned work is, from the
 * last core down), and its network stack is the host kernel's, in a
 * namespace of its own or shared.  So its packets pay what a process on
 * the host pays (the system call, the stack, a veth pair, a bridge) and
 * never a VM exit, a virtio ring or a vhost worker.  Its work is charged
 * in its name: 'app' for its application's send and receive calls, on
 * its own core; 'softirq' for its stack, which on transmit runs on its
 * core in the sending call and on receive where the packet arrives (the
 * NET_RX softirq of the core that took it from the NIC or the veth, as
 * in Linux); every cycle so charged is also counted in the container's
 * own ledger, which the report lists per container.
 *
 * Its "network" says which namespace it is in (Docker's modes):
 *   - a network (Docker's default "bridge", a networks[] name, "macvlan"
 *     or "ipvlan"): a namespace of its own with one interface, eth0, that
 *     the network's driver makes (models/container/netdrv.h);
 *   - "host": the host's namespace; its application uses the host's own
 *     stack on the host's first addressed NIC, no veth and no NAT;
 *   - "container:NAME": NAME's namespace, as a Kubernetes pod's
 *     containers share one: the same interface and address, and traffic
 *     between the two goes over the loopback device without ever leaving
 *     the namespace;
 *   - "none": a namespace with only a loopback interface (the loader
 *     refuses flows to or from it).
 * A container on the host's namespace or another's is an application on
 * that stack (endpoint_create_app, models/endpoint/endpoint.h).
 *
 * Devices: the container is "HOST/NAME", a guest in the picture, and its
 * interface "HOST/NAME/eth0" its child (a veth end, a macvlan or an
 * ipvlan device).  The host end of a veth pair is "HOST/vethXXXXXXX":
 * Docker names it "veth" and seven random hex digits; vhsim takes them
 * from a hash of the container's path, so they are the same every run. */
#ifndef VH_MODELS_CONTAINER_H
#define VH_MODELS_CONTAINER_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/core/config.h"
#include "models/core/port.h"
#include "models/hw/cpu.h"
#include "sim/device.h"
#include "sim/diag.h"

struct cnet;
struct endpoint;
struct host;
struct world;

struct container {
    struct vh_device dev;       /* "host1/web". */
    struct host *host;
    const struct cfg_container *cfg;
    struct cpu_core **cpus;     /* Where its processes run; its
                                 * application on the first. */
    size_t n_cpus;
    struct endpoint *ep;        /* What a traffic path naming it means: the
                                 * stack of its own namespace (made by its
                                 * network's driver), or its application
                                 * on the stack it shares; NULL with only
                                 * a loopback interface.  Freed with it. */
    struct vh_device *ifdev;    /* Its interface, "host1/web/eth0", or
                                 * NULL. */
    struct cnet *net;           /* Its network, or NULL. */
    struct container *owner;    /* Whose namespace it shares, or NULL. */
    uint64_t cycles[CPU_N_CATS];    /* Cycles charged in its name. */
};

/* An interface that a driver stacks on a host NIC for a container
 * (macvlan, ipvlan): a device of its own, "HOST/NAME/eth0", between the
 * driver's port ('lower') and the container's stack ('upper'), where
 * captures see the container's frames.  It costs nothing: the driver
 * charges its dispatch. */
struct ctr_if {
    struct vh_device dev;
    struct port lower;
    struct port upper;
};

/* Registers container 'c''s interface as an instance of 'cls' (whose
 * 'destroy' is ctr_if_destroy) and joins 'upper' to 'stack_port'. */
struct ctr_if *ctr_if_create(struct world *, struct container *c,
                             const struct dev_class *cls,
                             struct port *stack_port);
void ctr_if_destroy(struct vh_device *);

/* Makes the stack of container 'c''s own namespace on interface 'ifdev':
 * its address and MAC from its config, its application on its first
 * core; work in its name counted in its ledger. */
struct endpoint *ctr_make_stack(struct container *c, struct vh_device *ifdev,
                                const struct vh_mac *mac);

/* Builds the containers of host 'h' (its NICs, VMs and networks built),
 * in the order of its containers[], and keeps them in h->containers. */
bool containers_build(struct world *, struct host *h, struct vh_diag *diag);

/* The name of the host end of container 'ctr''s veth pair on host
 * 'host': "veth" and seven hex digits ('buf' of at least 12 bytes). */
void ctr_veth_host_name(const char *host, const char *ctr, char *buf,
                        size_t len);

/* Docker's MAC for a container at 'ip': 02:42 and the address's four
 * bytes (as Docker gave them before its version 26). */
void ctr_default_mac(uint32_t ip, struct vh_mac *mac);

/* The container behind published port path "HOST:PORT" (a flow's "to"):
 * its stack; NULL if no container of HOST publishes PORT. */
struct endpoint *ctr_published_endpoint(struct world *, const char *path);

/* The class of containers (models/core/devclass.h). */
extern const struct dev_class container_class;

#endif /* models/container/container.h */
