/* models/hostnet/nat.h: a libvirt-style NAT network ("default", virbr0)
 * in a host.
 *
 * VMs attached with type "nat" share a private Linux bridge, virbr0, that
 * no physical NIC is enslaved to.  The host's own interface on it is the
 * VMs' default gateway: it holds the first host address of their subnet
 * (192.168.122.1 for libvirt's 192.168.122.0/24) and answers ARP for it.
 * With ip_forward on, the host routes between virbr0 and its uplink (its
 * first NIC with an "ip"), and netfilter rewrites what crosses:
 *
 *  - Outbound, connection tracking records each new flow (protocol,
 *    private address and port or ICMP echo id, remote address and port)
 *    and source NAT masquerades it behind the uplink's address.  The port
 *    (or echo id) is kept when no other connection to the same remote
 *    endpoint uses it, and otherwise the next free one upward is taken, so
 *    the choice is deterministic.  The IPv4 header checksum (the TTL drops
 *    by one) and the UDP or ICMP checksum are recomputed.
 *  - A packet from outside to the uplink's address that answers a tracked
 *    connection is translated back and routed through virbr0 to its VM.
 *  - Nothing else gets in: a new inbound packet for the private network is
 *    rejected ("nat-no-mapping"), as libvirt's FORWARD rules do, unless a
 *    port forward (the attach object's "forward") translates the
 *    destination.  Packets to the uplink's address that neither answer a
 *    connection nor match a forward belong to the host's own applications
 *    when a flow addresses the host, and are otherwise "nat-no-mapping".
 *
 * The work runs on the core that carries the packet (the vhost worker on
 * the way out, the NIC's softirq core on the way in), as 'softirq':
 * conntrack per packet, ip_forward per routed packet, nat_rewrite per
 * rewritten one.  The bridge's own work is 'vswitch' as for any bridge.
 *
 * Simplifications, written down: replies of port-forwarded traffic are not
 * tracked (vhsim's UDP flows are one-way); connection entries expire
 * after 30 s without traffic (Linux's UDP and ICMP defaults), checked when
 * looked up. */
#ifndef VH_MODELS_NAT_H
#define VH_MODELS_NAT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/core/config.h"
#include "sim/device.h"
#include "sim/frame.h"
#include "sim/time.h"

struct endpoint;
struct host;
struct lbridge;
struct vm_nic;
struct world;

/* One tracked connection, as its VM sent it and as the outside sees it. */
struct nat_conn {
    uint8_t proto;              /* VH_IPPROTO_UDP or _ICMP; 0 = free. */
    uint32_t in_ip;             /* The VM's private address. */
    uint16_t in_port;           /* Its source port, or its echo id. */
    uint32_t out_ip;            /* The remote address. */
    uint16_t out_port;          /* The remote port (0 for ICMP). */
    uint16_t nat_port;          /* Source port or echo id after NAT. */
    vh_time_t seen;             /* Last packet either way. */
};

/* A VM NIC on the network and its port forwards. */
struct nat_member {
    struct endpoint *ep;
    const struct cfg_vnic *cfg;
};

struct nat {
    struct vh_device dev;       /* "host1/nat": forwarding and netfilter. */
    struct host *host;
    struct cfg_bridge br_cfg;   /* virbr0's settings. */
    struct lbridge *br;         /* virbr0 ("host1/virbr0"). */
    struct endpoint *lan;       /* The host on virbr0: the gateway. */
    struct endpoint *wan;       /* The host on its uplink. */
    uint32_t net, mask;         /* The private subnet. */
    struct nat_member *members;
    size_t n_members;
    struct nat_conn *conns;
    size_t n_conns;
    uint64_t masqueraded;       /* Packets source-NATed on the way out. */
    uint64_t replies;           /* Replies translated back in. */
    uint64_t forwarded;         /* Packets of port forwards let in. */
};

/* Joins VM NIC 'n' (its guest stack already built) to host 'h''s NAT
 * network, creating the network with its first NIC.  Returns false with
 * 'diag' set if the host has no uplink address or the NIC does not fit. */
bool nat_attach(struct world *, struct host *h, struct vm_nic *n,
                struct vh_diag *diag);
void nat_free(struct nat *);   /* Not its bridge: the world frees it. */

extern const struct dev_class nat_class;

/* The NAT network whose VM 'ep' is, or NULL. */
struct nat *nat_of(const struct endpoint *ep);

/* The destination address that 'src' puts in the packets of flow 'cf' to
 * 'dst', a VM on NAT network 'nat': the uplink's address when a port
 * forward matches the flow's protocol and destination port and 'src' is
 * neither on the network nor the host itself, else the VM's private
 * address. */
uint32_t nat_flow_address(const struct nat *, const struct endpoint *src,
                          const struct endpoint *dst,
                          const struct cfg_flow *cf);

#endif /* models/hostnet/nat.h */
