/* models/hostnet/ovs_dpdk_tnl.h: Open vSwitch's native tunnelling, the
 * user-space datapath's own tunnel code.
 *
 * The kernel datapath hands a frame for a tunnel port to Linux's tunnel
 * device, which encapsulates it and sends it through the host's IP stack
 * (models/tunnel/vtep.h).  The user-space datapath has no kernel on its
 * way: its poll-mode threads (PMDs) push and pop the outer headers
 * themselves, in the same pass that received the frame.
 *
 * The tunnels' address.  In OVS the host's underlay address sits on a
 * bridge of its own ("br-phy") whose port is the DPDK NIC; OVS builds
 * each tunnel port's header template from its route to the remote (out
 * by br-phy) and its neighbour cache.  vhsim folds br-phy into the
 * bridge that holds the tunnel ports: the bridge's one NIC with an "ip"
 * holds the address (the host's stack keeps it, on the bridge's LOCAL
 * port: OVS's tap to the kernel, polled by ovs-vswitchd's main thread,
 * which runs on the first core no PMD polls).  What that NIC receives
 * for the address (its MAC, or ARP for its IP) is not switched by the
 * OpenFlow tables: tunnel packets are popped, the rest goes up the tap
 * to the host's stack (ARP, ICMP), whose answers leave by the NIC.
 *
 * Sending (tnl_push): a frame whose actions output to a tunnel port
 * passes the tunnel's checks (vtep_xmit_begin: the MTU with the
 * encapsulation, NVGRE's tag rule); the PMD charges 'pmd_tnl', pushes the
 * header (vtep_encap: byte for byte what the kernel datapath's tunnel
 * port sends), fills the outer Ethernet addresses from the neighbour
 * cache, and sends it out of the NIC ('pmd_tx'): no system call, no
 * softirq, no interrupt.  The neighbour cache is the host's ARP table on
 * the address.  OVS drops a frame whose next hop it does not know yet
 * and has an ARP request sent; vhsim hands such a frame to the host's
 * stack instead, which holds it until the answer comes and sends it by
 * the tap, as the kernel datapath's tunnels do: the first frames of a
 * flow are not lost to a one-second retry in a run of milliseconds.
 *
 * Receiving (tnl_pop): an IPv4 packet for the address, of a tunnel's UDP
 * port or GRE, matches the flow OVS installs for it (in_port the NIC, to
 * the address and port: tnl_pop), which the PMD finds in its exact-match
 * cache as it does for any long-lived flow ('pmd_classify', counted with
 * the EMC hits).  The PMD charges 'pmd_tnl', reads the header and finds
 * the tunnel of its key (vtep_decap: the same checks and drop reasons as
 * the kernel's receive handler), pulls the outer headers, and
 * recirculates the inner frame: a second pass through its caches
 * ('pmd_classify', then on an EMC miss the SMC and the dpcls of the
 * tunnel port) with in_port the tunnel port and its key as tun_id, then
 * the flow's actions (an output to a vhost-user VM, say).  Each pass
 * after a pop counts as a recirculation (pmd-stats-show's "packet
 * recirculations").
 *
 * Not modelled: OVS's header template holds IP ID 0; vhsim keeps the
 * tunnel's counting IP ID, and the outer UDP source port the kernel
 * datapath's hash, so the two datapaths' captures can be compared byte
 * for byte. */
#ifndef VH_MODELS_OVS_DPDK_TNL_H
#define VH_MODELS_OVS_DPDK_TNL_H 1

#include <stdbool.h>

#include "models/hostnet/ovs_dpdk.h"
#include "sim/diag.h"
#include "sim/packet.h"
#include "sim/time.h"

struct report_out;

/* Whether bridge 'cb' has tunnel ports. */
bool ovs_dpdk_tnl_wanted(const struct cfg_bridge *cb);

/* NIC port 'op' of 'br', whose NIC has an "ip": takes it as the tunnels'
 * address when the bridge has tunnel ports and no such NIC yet; else
 * refuses, naming the NIC. */
bool ovs_dpdk_tnl_take_phy(struct ovs_dpdk *br, struct ovs_port *op,
                           struct vh_diag *diag);

/* Makes the tunnel ports of 'br' once its NICs are its ports; refuses
 * tunnel ports without a NIC to hold their address. */
bool ovs_dpdk_tnl_build(struct world *, struct ovs_dpdk *br,
                        struct vh_diag *diag);

/* The VTEP of tunnel port 'bp' of 'br' (made after ovs_dpdk_tnl_build),
 * leaving from the tunnels' address. */
struct vtep *ovs_dpdk_tnl_port(struct world *, struct ovs_dpdk *br,
                               const struct cfg_bport *bp);

/* The host's stack on the tunnels' address joins the bridge's LOCAL
 * port (the device class's add_port); the NIC's own stack side joins
 * nothing (a DPDK NIC has none). */
struct port *ovs_dpdk_tnl_add_port(struct ovs_dpdk *br, struct port *member,
                                   bool uplink);

/* tnl_push: 'p' (taken) leaves by tunnel port 'op' from 'pmd'.  Returns
 * when the PMD's work for it ends. */
vh_time_t ovs_dpdk_tnl_output(struct world *, struct pmd *pmd,
                              struct ovs_port *op, struct vh_packet *p);

/* A frame from the NIC that holds the address, classified by time 't':
 * takes it (and sets '*end') if it is for the address (tnl_pop and the
 * recirculation, or up to the host's stack); false: the OpenFlow tables
 * switch it. */
bool ovs_dpdk_tnl_input(struct world *, struct pmd *pmd,
                        struct vh_packet *p, vh_time_t t, vh_time_t *end);

/* Recirculations, with tunnel ports only. */
void ovs_dpdk_tnl_report(const struct ovs_dpdk *br, struct report_out *out);

/* From the datapath, for the above: classifies 'p' (taken) as received
 * by port 'in' and runs its actions; returns when the work ends. */
vh_time_t ovs_dpdk_switch(struct world *, struct pmd *pmd,
                          struct ovs_port *in, struct vh_packet *p,
                          vh_time_t t);

/* Sends 'p' (taken) out of NIC port 'out' on 'pmd''s transmit queue at
 * time 'at'. */
void ovs_dpdk_nic_send(struct world *, struct pmd *pmd, struct ovs_port *out,
                       struct vh_packet *p, vh_time_t at);

#endif /* models/hostnet/ovs_dpdk_tnl.h */
