/* models/hostnet/nat.h: the host routing its private networks to the
 * outside with NAT: libvirt's default network (virbr0) and Docker's
 * bridge networks (docker0, br-NAME).
 *
 * A private network is a Linux bridge that no physical NIC is enslaved
 * to, with the host's own interface on it as its members' default
 * gateway: libvirt's virbr0 holds the first host address of the VMs'
 * subnet (192.168.122.1 for libvirt's 192.168.122.0/24), Docker's
 * docker0 172.17.0.1 for its containers' 172.17.0.0/16.  With ip_forward
 * on, the host routes between these networks and its uplink (its first
 * NIC with an "ip"), and netfilter rewrites what crosses, with one
 * connection-tracking table for the whole host, as the kernel has:
 *
 *  - Outbound, connection tracking records each new flow (protocol,
 *    private address and port or ICMP echo id, remote address and port)
 *    and source NAT masquerades it behind the uplink's address.  The port
 *    (or echo id) is kept when no other connection to the same remote
 *    endpoint uses it, and otherwise the next free one upward is taken, so
 *    the choice is deterministic.  The IPv4 header checksum (the TTL drops
 *    by one) and the UDP or ICMP checksum are recomputed; TCP's, which
 *    may cover a 64 KiB super-frame, is updated for the words that
 *    changed (RFC 1624), as the kernel's nf_nat does.
 *  - A packet from outside to the uplink's address that answers a tracked
 *    connection is translated back and routed through the bridge to its
 *    member.
 *  - Nothing else gets in, unless a port forward translates the
 *    destination: libvirt's attach "forward", Docker's "publish" (its
 *    DNAT rules in the DOCKER chain).  A new inbound packet for a
 *    member's private address is dropped as the network's manager makes
 *    the host drop it: libvirt's FORWARD rules reject it
 *    ("nat-no-mapping"); Docker's drop direct routed access to a
 *    container's address ("docker-direct-access", the rule Docker 28
 *    added in the raw table; before it the FORWARD chain's DROP policy
 *    did the same for ports not published).  A TCP connection through a
 *    forward is tracked from its first packet, so its member's segments
 *    leave from the forwarded port, as the remote addressed them.
 *    Packets to the uplink's address that neither answer a connection
 *    nor match a forward belong to the host's own applications when a
 *    flow addresses the host, and are otherwise "nat-no-mapping".
 *  - Between two private networks nothing new is forwarded: two of
 *    Docker's bridge networks are kept apart by its DOCKER-ISOLATION
 *    chains ("docker-isolation"); into any other network the destination
 *    network's inbound rule applies.
 *
 * The work runs on the core that carries the packet (the vhost worker or
 * the container's core on the way out, the NIC's softirq core on the way
 * in), as 'softirq': conntrack per packet, ip_forward per routed packet,
 * nat_rewrite per rewritten one.  The bridges' own work is 'vswitch' as
 * for any bridge.
 *
 * Simplifications, written down: UDP through a port forward is not
 * tracked, so a member's UDP reply leaves masqueraded from its own port;
 * connection entries expire after 30 s without traffic (Linux's UDP and
 * ICMP defaults), a TCP one after 5 days (established; TCP's states, FIN,
 * RST and TIME_WAIT, are not followed), checked when looked up; the
 * host's own packets to a forwarded port of its own address are not
 * translated (Docker's OUTPUT-chain DNAT and its userland proxy are not
 * modelled). */
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

/* One tracked connection, as its VM sent it and as the outside sees it;
 * or (dnat) a TCP connection from outside to a forwarded port, as its
 * member answers it and as the outside addressed it. */
struct nat_conn {
    uint8_t proto;              /* VH_IPPROTO_UDP, _TCP or _ICMP; 0 =
                                 * free. */
    bool dnat;                  /* Made by a port forward. */
    uint32_t in_ip;             /* The VM's private address. */
    uint16_t in_port;           /* Its source port, or its echo id (dnat:
                                 * its forwarded port). */
    uint32_t out_ip;            /* The remote address. */
    uint16_t out_port;          /* The remote port (0 for ICMP). */
    uint16_t nat_port;          /* Source port or echo id after NAT (dnat:
                                 * the port forwarded). */
    vh_time_t seen;             /* Last packet either way. */
};

/* A member of a private network: its stack, and the ports forwarded to
 * it (UDP and TCP ones). */
struct nat_member {
    struct endpoint *ep;
    const struct cfg_forward *fwd;
    size_t n_fwd;
};

/* What the manager of a private network made the host's rules say. */
struct nat_policy {
    const char *owner;          /* "libvirt", "docker". */
    const char *inbound_drop;   /* The reason a new packet from elsewhere
                                 * to a member's own address is dropped. */
    bool isolated;              /* Kept apart from the other isolated
                                 * networks ("docker-isolation"). */
};

/* One private network. */
struct nat_lan {
    struct nat *nat;
    const struct nat_policy *policy;
    struct lbridge *br;         /* "host1/virbr0", "host1/docker0". */
    struct endpoint *gw;        /* The host on the bridge: the gateway. */
    uint32_t net, mask;         /* The private subnet. */
    struct nat_member *members;
    size_t n_members;
    uint64_t masqueraded;       /* Its packets source-NATed going out, */
    uint64_t replies;           /* replies translated back in to it, */
    uint64_t forwarded;         /* packets of its port forwards let in, */
    uint64_t isolated;          /* and packets between it and another
                                 * isolated network dropped. */
};

struct nat {
    struct vh_device dev;       /* "host1/nat": forwarding and netfilter. */
    struct host *host;
    struct endpoint *wan;       /* The host on its uplink, or NULL when no
                                 * NIC has an address (then nothing of its
                                 * networks is routed out). */
    struct nat_lan **lans;      /* In the order they were made. */
    size_t n_lans;
    struct nat_lan *libvirt;    /* libvirt's network, or NULL. */
    struct cfg_bridge br_cfg;   /* virbr0's settings. */
    struct nat_conn *conns;     /* The host's connection table. */
    size_t n_conns;
    uint64_t masqueraded;       /* Packets source-NATed on the way out. */
    uint64_t replies;           /* Replies translated back in. */
    uint64_t forwarded;         /* Packets of port forwards let in. */
};

/* Joins VM NIC 'n' (its guest stack already built) to host 'h''s libvirt
 * NAT network, creating the network with its first NIC.  Returns false
 * with 'diag' set if the host has no uplink address or the NIC does not
 * fit. */
bool nat_attach(struct world *, struct host *h, struct vm_nic *n,
                struct vh_diag *diag);
void nat_free(struct nat *);   /* Not its bridges: the world frees them. */

extern const struct dev_class nat_class;

/* The host's router, "HOST/nat", made (and hooked into the uplink) on
 * first use by the NAT network 'what' ("a Docker bridge network") at
 * 'jpath'.  NULL with 'diag' set when another network (Calico's,
 * flannel's) routes the uplink's address already. */
struct nat *nat_host(struct world *, struct host *h, const char *what,
                     const char *jpath, struct vh_diag *diag);

/* Adds a private network on bridge 'br' (already built): 'net'/'prefix'
 * with the host's address 'gw_ip' and 'gw_mac' on the bridge, under the
 * rules of 'policy'. */
struct nat_lan *nat_lan_add(struct nat *, const struct nat_policy *policy,
                            struct lbridge *br, uint32_t net, int prefix,
                            uint32_t gw_ip, const struct vh_mac *gw_mac);

/* Makes 'ep' (its stack joined to the network's bridge) a member of
 * 'lan', with its 'n_fwd' port forwards (kept, not copied), and its
 * default route the network's gateway. */
void nat_lan_member(struct nat_lan *, struct endpoint *ep,
                    const struct cfg_forward *fwd, size_t n_fwd);

/* The NAT router whose private network 'ep' (or the stack it is an
 * application of) is on, or NULL; and that network. */
struct nat *nat_of(const struct endpoint *ep);
struct nat_lan *nat_lan_of(const struct endpoint *ep);

/* The destination address that 'src' puts in the packets of flow 'cf' to
 * 'dst', a member of a private network of 'nat': the uplink's address when
 * a port forward matches the flow's protocol and destination port and
 * 'src' is neither on one of the host's networks nor the host itself,
 * else the member's private address. */
uint32_t nat_flow_address(const struct nat *, const struct endpoint *src,
                          const struct endpoint *dst,
                          const struct cfg_flow *cf);

#endif /* models/hostnet/nat.h */
