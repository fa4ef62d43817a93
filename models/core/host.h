/* models/core/host.h: a physical server: cores, NICs, bridges, VMs.
 *
 * A bare-metal endpoint is the same thing with no bridges or VMs: its NIC
 * with an "ip" makes the host itself an endpoint. */
#ifndef VH_MODELS_HOST_H
#define VH_MODELS_HOST_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/core/config.h"
#include "models/hw/cpu.h"
#include "sim/device.h"

struct pnic;
struct lbridge;
struct vm;
struct endpoint;
struct iommu;
struct nat;
struct macvlan;
struct ipvlan;
struct ovs_dpdk;
struct cnet;
struct container;
struct world;

/* A core given to a poll-mode thread (a user-space switch): the thread
 * spins whether or not there is work, so time no job holds the core is
 * polling that found nothing (models/hostnet/ovs_dpdk.h). */
struct host_poll {
    bool on;                    /* A poll-mode thread owns the core. */
    uint64_t idle_cycles;       /* Cycles of polls charged that found
                                 * nothing (more is added in the report
                                 * for the time no job held the core). */
};

struct host {
    struct vh_device dev;       /* "host1". */
    const struct cfg_host *cfg;
    struct cpu_core *cores;
    int n_cores;
    struct cpu_prices prices;   /* What its cores charge, at its clock. */
    struct pnic **nics;
    size_t n_nics;
    struct lbridge **bridges;
    size_t n_bridges;
    struct vm **vms;
    size_t n_vms;
    struct endpoint **eps;      /* The host's own endpoints (NICs or
                                 * bridges with an IP). */
    size_t n_eps;

    struct nat *nat;            /* Its NAT network (virbr0), or NULL. */
    struct macvlan **macvlans;  /* One per NIC with macvtaps on it. */
    size_t n_macvlans;
    struct ipvlan **ipvlans;    /* One per NIC with ipvlan devices. */
    size_t n_ipvlans;

    struct cnet **cnets;        /* Its container networks, in the order
                                 * of its config's (models/container/). */
    size_t n_cnets;
    struct container **containers;
    size_t n_containers;

    struct ovs_dpdk **dpdk_bridges; /* OVS bridges with datapath dpdk. */
    size_t n_dpdk_bridges;
    struct host_poll *polls;    /* Per core; NULL if no core polls. */

    struct iommu *iommu;        /* NULL if the host has none. */

    int next_worker;            /* Round robin for unpinned kernel threads. */
    int next_vcpu;              /* Round robin for unpinned vCPUs. */

    /* Counters for the report. */
    uint64_t interrupts;        /* Hardware interrupts taken by host cores. */
    uint64_t guest_interrupts;  /* Virtual interrupts injected into guests. */
    uint64_t vm_exits;
    uint64_t copies_bytes;      /* Bytes copied by software on the path. */
    uint64_t packets;           /* Flow packets sent or received by the
                                 * host's endpoints (for cycles/packet). */
};

/* What host 'h' calls 'name' in the scenario: its device "HOST/NAME" of
 * kind 'kind' in the world's device registry, or NULL; its NIC, or its
 * Linux bridge, of that name, or NULL. */
struct vh_device *host_dev(const struct world *, const struct host *,
                           const char *name, const char *kind);
struct pnic *host_nic(const struct world *, const struct host *,
                      const char *name);
struct lbridge *host_bridge(const struct world *, const struct host *,
                            const char *name);

/* The Linux bridge that has NIC 'nic' of 'h' as a port, or NULL. */
struct lbridge *host_bridge_of_nic(const struct host *, const char *nic);

/* The core for a kernel thread that nobody pinned (a vhost worker):
 * cores neither pinned to any vCPU nor polling, in round robin; all cores
 * if every one is. */
struct cpu_core *host_pick_thread_core(struct host *);

/* The core for a vCPU that nobody pinned: cores fill from the last one
 * down, away from core 0 and its interrupts, in round robin over the
 * host's unpinned vCPUs, skipping the cores of poll-mode threads unless
 * every core has one.  Building a VM and migrating one to the host both
 * place its vCPUs with this. */
struct cpu_core *host_pick_vcpu_core(struct host *);

/* The core the interrupt of NIC queue 'q' is delivered to, per the
 * host's irqbalance mode. */
struct cpu_core *host_irq_core(struct host *, int q);

/* Moves host thread 'th' (may be NULL) of a migrating VM to host 'dst',
 * onto a core picked as for a new unpinned thread there. */
struct hthread;
void host_adopt_thread(struct host *dst, struct hthread *th);

/* The class of hosts (models/core/devclass.h): building one builds its
 * cores, NICs, bridges and VMs. */
extern const struct dev_class host_class;

/* The core an application of a bare-metal host runs on. */
struct cpu_core *host_app_core(struct host *);

#endif /* models/core/host.h */
