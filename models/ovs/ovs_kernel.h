/* models/ovs/ovs_kernel.h: Open vSwitch with the kernel datapath.
 *
 * The fast path runs in the host kernel (openvswitch.ko), on the core that
 * carries the frame: a NIC's softirq core, or the vhost worker or QEMU
 * thread that pushed it out of a VM.  It extracts the frame's flow key and
 * searches its megaflow cache mask by mask (models/ovs/megaflow.h).  A hit
 * runs the cached actions there and then.
 *
 * A miss is an upcall: the kernel copies the frame and its key into a
 * netlink message for one of ovs-vswitchd's handler threads (the one of
 * the core that took the frame), which sleeps in user space until the
 * message comes.
 * The handler translates the flow through the OpenFlow tables
 * (models/ovs/ofproto.h), installs the resulting megaflow in the kernel
 * and sends the frame back to be executed.  Later frames of the flow stay
 * in the kernel.  Frames that miss while their flow's upcall is pending
 * upcall too and queue behind it; a handler's socket holds a bounded
 * number, and a frame that finds it full is lost (ovs-dpctl's "lost").
 *
 * Revalidator threads dump the datapath flows every "max-revalidator"
 * (500 ms), or at once when the MAC learning table changed (a flow that
 * flooded may now have a port to go to): they delete flows idle longer
 * than "max-idle" (10 s; 100 ms while the datapath holds more than
 * "flow-limit" flows), re-translate the rest when something changed, and
 * fix or delete those whose result differs.  Handlers install no flow
 * while the datapath is at its limit; the frame is still executed.
 *
 * Threads: with per-CPU dispatch (Linux 5.14 and OVS 2.16 on) there is a
 * handler per core and an upcall goes to the one of the core that took
 * the frame; vhsim runs handler i on core i + 1 (modulo the cores), where
 * it does not hold up the softirq work of core i, which Linux would let
 * preempt it.  Revalidators are handlers / 4 + 1, run from the last core
 * down.  "n-handler-threads" and "n-revalidator-threads" override the
 * counts.
 *
 * Ports beyond NICs and taps: an internal port is an endpoint of the
 * host's stack; a patch port joins a patch port of another bridge; a
 * bond's members are datapath ports of one OpenFlow port, whose carrier
 * the bond watches (failover, learning packets) and which speak LACP; a
 * tunnel port (vxlan, gre, geneve, nvgre) is a tunnel endpoint with its
 * key fixed (OVS's options:key=N), models/tunnel/vtep.h: frames that
 * come out of it carry its key as the flow's tun_id, which rules match,
 * and what is output to it leaves with its own key (a set_field to
 * tun_id does not change it, as with a fixed key in OVS); a port may
 * police what it receives and shape what it sends (models/ovs/qos.h).
 *
 * With "sflow", every frame whose actions run (a hit here, or a miss back
 * from its handler) first runs OVS's sample action on the core that runs
 * them (models/ovs/sflow_agent.h); the agent sends its datagrams from
 * handler 0's core. */
#ifndef VH_MODELS_OVS_KERNEL_H
#define VH_MODELS_OVS_KERNEL_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/core/config.h"
#include "models/core/port.h"
#include "models/ovs/megaflow.h"
#include "models/ovs/ofproto.h"
#include "models/ovs/ovs_flowexp.h"
#include "models/ovs/qos.h"
#include "models/ovs/revalidate.h"
#include "sim/device.h"
#include "sim/event.h"
#include "sim/packet.h"

struct host;
struct hthread;
struct endpoint;
struct ovs_kernel;
struct portpolicy_port;
struct sflow_agent;
struct vtep;

/* A datapath port: the bridge side of a member (a NIC's host side, a
 * VM's tap, an internal port's stack). */
struct ovsk_port {
    struct port port;           /* 'index': the OpenFlow port number. */
    struct ofproto_port *ofp;
    struct ovsk_port **members; /* A bond: its members' ports (this one
                                 * is joined to nothing). */
    int member;                 /* A bond member: its index; else -1. */
    struct pnic *nic;           /* A NIC port or bond member: the NIC. */
    struct policer *policer;    /* Ingress policing, or NULL. */
    struct htb *htb;            /* Egress shaping (QoS), or NULL. */
    struct portpolicy_port *policy; /* A VM's port: its attach "policy"
                                     * (models/core/portpolicy.h), or
                                     * NULL. */
    struct vh_device dev;       /* Internal ports: "host1/mgmt", a netdev
                                 * of the host. */
    struct endpoint *ep;        /* Internal ports: the host's stack. */
    struct port wire, stack;    /* Internal ports: the netdev's bridge
                                 * side (joined to 'port') and its stack
                                 * side (to 'ep'), where frames cross it
                                 * and its captures see them. */
    struct vtep *vtep;          /* Tunnel ports: the tunnel. */
};

/* One handler thread and its netlink socket's queue of upcalls. */
struct ovsk_handler {
    struct vh_device dev;       /* "host1/br-int/handler0": where its work
                                 * is shown. */
    struct ovs_kernel *br;
    struct hthread *thread;
    struct vh_pktq queue;       /* Upcalled frames, oldest first. */
    struct cpu_core *waker;     /* The core of the last upcall sent. */
    uint32_t rmem;              /* Bytes of its socket's buffer they take
                                 * (VH_DEF_OVS_UPCALL_RCVBUF at most). */
    uint64_t upcalls;           /* Handled. */
};

struct ovs_kernel {
    struct vh_device dev;       /* "host1/br-int". */
    struct host *host;
    const struct cfg_bridge *cfg;
    struct ofproto ofp;
    struct megaflow_cache mc;
    struct ovsk_port **ports;   /* By OpenFlow port: ports[n - 1]. */
    size_t n_ports;
    struct ovsk_port *local;    /* OFPP_LOCAL, or NULL. */
    struct ovsk_handler *handlers;
    int n_handlers;
    struct cpu_core **revalidator_cores;
    struct vh_device *revalidator_devs;     /* "host1/br-int/revalidator0". */
    int n_revalidators;
    struct vh_timer revalidate;
    uint64_t reval_seen;    /* ofp.reval_seq at the last pass. */
    /* ovs-dpctl show: lookups. */
    uint64_t hit, missed, lost;
    uint64_t masks_visited;     /* Over every lookup, hits and misses. */
    uint64_t flow_limit_hits;   /* Upcalls that installed no flow. */
    struct reval_stats reval;
    struct vh_timer lacp;       /* The next LACPDUs on bond members. */
    struct vh_mac sys_id;       /* The bridge's LACP system ID. */
    uint64_t lacp_tx, lacp_rx;
    uint64_t learning_packets;  /* Sent on failovers. */
    struct sflow_agent *sflow;  /* With "sflow", or NULL. */
    struct ovs_flowexp flowexp; /* "netflow", "ipfix". */
};

extern const struct dev_class ovs_kernel_class;
extern const struct dev_class ovs_internal_class;
extern const struct dev_class ovs_thread_class;

#endif /* models/ovs/ovs_kernel.h */
