/* models/hostnet/ovs_dpdk.h: Open vSwitch with the user-space (DPDK)
 * datapath, a polling switch for vhost-user ports.
 *
 * The switch runs poll-mode threads (PMDs), each alone on a host core
 * ("pmd_cores").  A PMD never sleeps: it visits its receive queues in
 * turn, forever, paying 'pmd_poll' per visit whether it finds frames or
 * not.  Its queues are the NICs' receive queues (the NIC is driven by a
 * poll-mode driver: no interrupts) and the TX virtqueues of vhost-user
 * VM NICs (the guest never kicks: the PMD will look anyway).  Queues are
 * spread over the PMDs round robin, in the order ports are added.
 *
 * A visit that finds frames takes up to a burst of 32 (NETDEV_MAX_BURST):
 * from a NIC, 'pmd_rx' each; from a guest, the vhost library's descriptor
 * work and a copy out of guest memory.  Each frame is then classified,
 * 'pmd_classify' each (parse, exact-match cache hit, action), in the
 * PMD's own caches: its exact-match cache (models/ovs/emc.h), then, if
 * "smc-enable", its signature match cache, then the dpcls of megaflows
 * it keeps for the frame's ingress port ('ovs_mask_probe' per subtable;
 * models/ovs/megaflow.h).  A frame no
 * cache knows is an upcall run by the PMD itself: the OpenFlow tables
 * translate it (models/ovs/ofproto.h), the megaflow is installed in this
 * PMD's dpcls, and the frame goes on; no netlink, no handler thread.  A
 * flow found in the dpcls enters the EMC with probability 1 in
 * "emc-insert-inv-prob".  Frames are then sent: to a
 * NIC with 'pmd_tx', into a guest by copying into a buffer it posted and,
 * only if the guest has interrupts on, writing the queue's callfd
 * ('eventfd_signal', then KVM's injection; the vCPU exits to take it).
 *
 * Timing: a frame that lands in a queue while its PMD is idle waits for
 * the PMD's next visit to that queue, which comes when the rest of the
 * current pass is done: the PMD's visits are spaced 'pmd_poll' apart, its
 * pass is (queues x pmd_poll) long.  Empty visits are not simulated one
 * by one while the PMD is idle: the time no frame holds a PMD core is
 * accounted afterwards as polls that found nothing (host_poll), so the
 * core shows 100% busy, all of it 'poll', split into work and idle.
 *
 * With "sflow", the PMD runs OVS's sample action on each frame before its
 * other actions (models/ovs/sflow_agent.h), and a sampled frame's upcall
 * is the PMD's work too; ovs-vswitchd's main thread, which sends the
 * datagrams, runs on the first core no PMD polls.
 *
 * Tunnel ports (vxlan, gre, geneve, nvgre) are OVS's native tunnelling,
 * done by the PMDs themselves (models/hostnet/ovs_dpdk_tnl.h): the
 * NIC of the bridge that has an "ip" holds the tunnels' address, as
 * OVS's "br-phy" bridge does, and the PMD pushes the outer headers on
 * the way out and pops them on the way in, recirculating the inner
 * frame through its caches as received by the tunnel port. */
#ifndef VH_MODELS_OVS_DPDK_H
#define VH_MODELS_OVS_DPDK_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/core/config.h"
#include "models/core/port.h"
#include "models/ovs/emc.h"
#include "models/ovs/megaflow.h"
#include "models/ovs/ofproto.h"
#include "models/ovs/ovs_flowexp.h"
#include "models/ovs/qos.h"
#include "models/ovs/revalidate.h"
#include "sim/rng.h"
#include "sim/device.h"
#include "sim/event.h"
#include "sim/time.h"

struct host;
struct world;
struct pnic;
struct virtio_net;
struct cpu_core;
struct ovs_dpdk;
struct pmd;
struct sflow_agent;
struct vtep;
struct endpoint;

/* A port of the switch: a NIC, a vhost-user VM NIC or a tunnel. */
struct ovs_port {
    struct port port;           /* Its carrier. */
    struct pnic *nic;           /* One of these three. */
    struct virtio_net *vn;
    struct vtep *vtep;          /* Its configuration, address, counters:
                                 * the PMDs push and pop its headers. */
    struct ofproto_port *ofp;   /* Its OpenFlow port. */
    struct policer *policer;    /* Ingress policing (the DPDK netdev's
                                 * rte_meter), or NULL. */
};

/* One receive queue a PMD polls. */
struct pmd_rxq {
    int port;                   /* Index in the switch's ports. */
    int q;                      /* Queue number on that port. */
    struct pmd *pmd;
    size_t pos;                 /* Place in the PMD's round. */
};

struct pmd {
    struct ovs_dpdk *br;
    int index;
    struct cpu_core *core;
    struct pmd_rxq **rxqs;      /* Its round of queues. */
    size_t n_rxqs;
    bool busy;                  /* Visits are being simulated. */
    size_t pos;                 /* Busy: the next queue to visit. */
    size_t empty_run;           /* Busy: consecutive empty visits. */
    vh_time_t origin;           /* Idle: a pass started at queue 0 then. */
    struct vh_timer wake;       /* Idle: the visit that will find work. */
    size_t wake_pos;
    uint64_t frames;            /* Frames it received. */
    uint64_t busy_visits;       /* Visits simulated while busy. */
    struct emc emc;
    struct smc smc;             /* Empty unless "smc-enable". */
    struct megaflow_cache *dpcls;   /* One per ingress port, by port
                                     * index (OVS 2.6 on). */
    size_t n_dpcls;
    /* ovs-appctl dpif-netdev/pmd-stats-show. */
    uint64_t emc_hits, smc_hits, megaflow_hits, upcalls;
    uint64_t subtables_on_hit;  /* dpcls subtables visited by hits. */
    uint64_t recirculations;    /* Passes after a tnl_pop. */
};

struct ovs_dpdk {
    struct vh_device dev;       /* "host1/br0". */
    struct host *host;
    const struct cfg_bridge *cfg;
    struct ofproto ofp;         /* Ports, tables, NORMAL. */
    struct vh_rng rng;          /* EMC insertion draws. */
    struct vh_timer revalidate;
    uint64_t reval_seen;
    struct reval_stats reval;
    size_t peak_flows;          /* Most megaflows held at one time. */
    struct ovs_port **ports;
    size_t n_ports;
    struct pmd *pmds;
    int n_pmds;
    struct pmd_rxq **rxqs;      /* Every queue, in the order added. */
    size_t n_rxqs;
    struct sflow_agent *sflow;  /* With "sflow", or NULL. */
    struct ovs_flowexp flowexp; /* "netflow", "ipfix". */
    /* Native tunnelling (models/hostnet/ovs_dpdk_tnl.h). */
    struct ovs_port *phy;       /* The NIC that holds the tunnels' address,
                                 * or NULL. */
    struct endpoint *ep;        /* That address: the host's stack on it. */
    struct port local;          /* Joined to 'ep': OVS's LOCAL port of
                                 * br-phy, the tap to the host's kernel. */
    struct cpu_core *main_core; /* ovs-vswitchd's main thread, which polls
                                 * that tap. */
};

/* Builds the switch and claims its PMD cores: the cores in "pmd_cores",
 * or by default the last core that no VM pins a vCPU to.  Refuses (NULL,
 * 'diag' set) a PMD core that a vCPU is pinned to. */
struct ovs_dpdk *ovs_dpdk_create(struct world *, struct host *,
                                 const struct cfg_bridge *,
                                 struct vh_diag *diag);
void ovs_dpdk_free(struct ovs_dpdk *);

/* Adds a NIC (put in poll mode) as a port.  Refuses a NIC whose address
 * the host uses: a DPDK-bound NIC is gone from the kernel. */
bool ovs_dpdk_add_nic(struct world *, struct ovs_dpdk *, struct pnic *,
                      struct vh_diag *diag);

/* Adds a vhost-user VM NIC as the datapath side of OpenFlow port
 * 'ofp'. */
void ovs_dpdk_add_vhost_user(struct world *, struct ovs_dpdk *,
                             struct virtio_net *, struct ofproto_port *ofp);

/* Attaches VM NIC 'n' (attach type "ovs") to the DPDK bridge it names;
 * refuses a NIC that is not virtio with backend vhost-user. */
struct vm_nic;
bool ovs_dpdk_attach(struct world *, struct host *, struct vm_nic *n,
                     struct vh_diag *diag);

/* Host 'h''s DPDK bridge named 'name', or NULL. */
struct ovs_dpdk *ovs_dpdk_find(const struct world *, const struct host *h,
                               const char *name);

extern const struct dev_class ovs_dpdk_class;

/* Whether core 'c' of host 'h' belongs to a PMD of any switch. */
bool ovs_dpdk_core_polls(const struct host *h, int c);

#endif /* models/hostnet/ovs_dpdk.h */
