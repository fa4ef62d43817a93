/* models/endpoint/endpoint.h: the network stack of a guest or a
 * bare-metal host.
 *
 * An endpoint owns one IPv4 address on one interface.  It resolves
 * neighbours with ARP before its first IP packet to them, holding packets
 * meanwhile and asking again every second, three times, before the held
 * packets fail ("arp-failed"), as Linux does.  A packet for an address
 * outside its subnet goes to its default gateway (resolved by ARP like
 * any neighbour), or fails at once ("no-route") when it has none.  It
 * answers ARP requests and ICMP echo requests, and is where a flow's
 * packets are created and delivered.
 *
 * An IPv4 packet longer than the interface's MTU ('mtu', 1500 unless the
 * scenario lowers or raises it) leaves in fragments, and fragments that
 * arrive are put back together before anything else looks at the packet
 * (models/endpoint/ipfrag.h).
 *
 * Kernel code of the host's own may bind a protocol, and for UDP a port,
 * of the endpoint's address (endpoint_bind): the packets for it go to
 * that code instead of to a socket, as a tunnel's receive handler takes
 * GRE or its UDP port in Linux (gre_rcv, a UDP tunnel's encap_rcv).
 *
 * A host that routes (the host of a NAT network) hooks a router into its
 * endpoints: the router sees every IPv4 packet that reaches the
 * interface's MAC before the endpoint's own stack does, and every packet
 * the stack sends outside its subnet, and may take either.  Its work is
 * charged to the core it runs on: the vCPU for a guest (as 'guest'), or for
 * a bare-metal host the application's core on transmit ('app') and the
 * receive core ('softirq').
 *
 * A network namespace has one stack, but a container sharing another's
 * namespace (Docker's container:NAME, a pod) or the host's (network
 * host) is an application of its own on it: an endpoint made with
 * endpoint_create_app() has its own core, categories and counters and
 * uses the other endpoint's stack for everything else (address, ARP,
 * interface, router).  A packet between two applications of one stack
 * never reaches the interface: it goes through the loopback device, as
 * does every packet to 127.0.0.0/8.  Which application a packet reaches
 * is its flow's (vhsim's flows stand for sockets).
 *
 * An interface may also hold an IPv6 address beside its IPv4 one
 * (endpoint_set_ip6), and then its link-local fe80:: address formed
 * from its MAC.  Flows of family 6 go over IPv6: neighbours are found
 * by neighbour discovery (RFC 4861) instead of ARP, in the same cache,
 * with the same costs, queue, retries and drop reasons ("nd-failed",
 * "nd-queue-full"), a neighbour solicitation going to the target's
 * solicited-node group.  The stack answers solicitations for its
 * addresses and ICMPv6 echo requests.  Duplicate address detection is
 * optimistic (RFC 4429, Linux's optimistic_dad): the address is used at
 * once and the probe (a solicitation from ::) goes out at time zero,
 * since vhsim never gives two interfaces one address.  Unless a router
 * is hooked into it, the stack solicits routers at time zero and takes
 * router advertisements (models/endpoint/rdisc6.h): an IPv6 packet for
 * an address outside its prefix and the advertised ones goes to the
 * default router's link-local address, resolved by ND like any
 * neighbour (an advertisement's source link-layer option resolves it
 * at once, as Linux's ndisc_router_discovery does), or fails at once
 * ("no-route", Linux's ENETUNREACH) while no router is known.  IPv6 is
 * never fragmented (a flow's frames fit the MTU).
 *
 * An interface may join IPv4 multicast groups (models/endpoint/igmp.h):
 * it then takes their packets, and the stack sends to a group without
 * ARP, to the group's MAC, out of its own interface whatever the subnet
 * (the multicast route of the device). */
#ifndef VH_MODELS_ENDPOINT_H
#define VH_MODELS_ENDPOINT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/hw/cpu.h"
#include "models/core/port.h"
#include "sim/device.h"
#include "sim/event.h"
#include "sim/frame.h"
#include "models/endpoint/rdisc6.h"
#include "sim/ip6.h"
#include "sim/packet.h"

struct host;
struct world;
struct flow_stats;

struct arp_entry {
    struct endpoint *ep;
    bool v6;                    /* An IPv6 neighbour: 'ip6', not 'ip'. */
    struct vh_ip6 ip6;
    uint32_t ip;
    struct vh_mac mac;
    bool resolved;
    int tries;                  /* Requests sent for this resolution. */
    size_t slot;                /* Its index in the endpoint's arp[] and
                                 * neigh[]. */
    struct vh_timer retry;      /* Next request, or giving up. */
    struct vh_pktq pending;     /* Waiting for the answer. */
    const char *blame;          /* Why the answer cannot come, when the
                                 * network knows (endpoint_arp_blame). */
};

struct vh_frame_info;

/* A neighbour as the send path reads it (endpoint->neigh), kept beside
 * its entry: the common case, an answer known, reads this and nothing
 * else. */
struct ep_neigh {
    uint64_t key;               /* Its IPv4 address, or above every one
                                 * for an IPv6 neighbour. */
    struct vh_mac mac;          /* The answer, once 'resolved'. */
    bool resolved;
};

/* A router hooked into an endpoint (see above).  Each returns true when it
 * took the packet (and so owns it). */
struct ep_router_ops {
    /* An IPv4 packet reached the interface's MAC; 'fi' is its parse. */
    bool (*input)(struct world *, struct endpoint *, struct vh_packet *,
                  const struct vh_frame_info *fi);
    /* The endpoint's own stack sends to 'dst', outside its subnet. */
    bool (*output)(struct world *, struct endpoint *, struct vh_packet *,
                   uint32_t dst);
};

/* A receiver bound to the endpoint's address (endpoint_bind): it takes
 * the IPv4 packet 'p' (parsed as 'fi') and ends it. */
typedef void (*ep_bound_fn)(struct world *, struct endpoint *,
                            struct vh_packet *p,
                            const struct vh_frame_info *fi, void *ctx);

struct ep_binding {
    uint8_t proto;              /* IPv4 protocol: 17 (UDP), 47 (GRE)... */
    uint16_t port;              /* UDP's destination port; 0 otherwise. */
    ep_bound_fn input;
    void *ctx;
};

struct ipfrag_table;

struct endpoint {
    /* What an IPv4 packet sent or received reads, in the first lines (an
     * endpoint starts a line): with thousands of guests each endpoint is
     * cold by its next packet, and every line the hot fields spread over
     * is one more miss. */
    struct endpoint *stack;     /* An application on that endpoint's
                                 * stack (see above); NULL: its own. */
    struct cpu_core *app_core;
    struct vh_device *dev;      /* The interface ("host1/vm1/eth0"). */
    struct ep_neigh *neigh;     /* arp[i] as a lookup reads it: this one
                                 * array rather than every entry it
                                 * passes, and the answer too once there
                                 * is one. */
    uint32_t n_arp;             /* Entries in 'neigh' and 'arp'. */
    uint32_t ip;
    uint32_t netmask;
    uint32_t gateway;           /* Next hop outside the subnet, or 0. */
    uint32_t mtu;               /* The interface's MTU: the longest IPv4
                                 * packet it sends whole; 1500 unless set
                                 * after endpoint_create. */
    uint32_t last_hop;          /* The IPv4 next hop of the last packet */
    struct vh_mac last_mac;     /* sent, and its answer (0: none yet):
                                 * most packets go where the last one
                                 * went, and then not even 'neigh' is
                                 * read. */
    vh_time_t resume_at;        /* Stopped (a migrating VM) until then. */
    enum cpu_cat app_cat;
    enum cpu_cat rx_cat;
    enum cpu_cat tx_cat;        /* The stack's work when its application
                                 * sends (stack_tx, the ARP it needs, the
                                 * loopback); 'app_cat' unless set. */
    uint16_t next_ip_id;
    struct vh_mac mac;
    bool gso;                   /* Its TCP builds super-frames (the
                                 * interface's "gso"; models/endpoint/
                                 * offload.h); false unless set after
                                 * endpoint_create. */
    bool sw_csum;               /* The interface does not verify received
                                 * checksums ("rx-checksum" off): the
                                 * stack does, per byte. */
    bool app_rx;                /* The application's receive call runs on
                                 * 'app_core' as 'app_cat' once the stack
                                 * has the packet (a process of its own),
                                 * not on the receiving core as 'rx_cat'. */
    bool host_routed;           /* Its gateway is the host it runs on,
                                 * which routes what it sends (a Calico
                                 * or flannel pod). */
    bool noarp;                 /* The interface does no ARP (Linux's
                                 * IFF_NOARP, an ipvlan device in L3
                                 * mode): every destination is on link,
                                 * its frames go to the interface's own
                                 * MAC, and ARP frames are ignored. */
    uint32_t n_binds;           /* Of 'binds' (here, where it packs). */
    const struct ep_router_ops *router;     /* Or NULL. */
    uint64_t *cycles;           /* Per category, the cycles charged in its
                                 * name (a container's); NULL: not kept. */
    uint64_t packets;           /* Flow packets its application sent or
                                 * received. */
    struct ep_binding *binds;   /* endpoint_bind's, in binding order. */
    vh_time_t recv_done;        /* Its application's last receive call
                                 * ended then; later, it sleeps in the
                                 * next one until a packet wakes it. */
    uint64_t wakeups;           /* Times a packet woke its application. */
    struct host *host;
    struct port port;           /* Joined to the interface's driver; its
                                 * per-frame fields in one line. */

    /* Read on rarer paths. */
    struct arp_entry **arp;     /* Stable addresses: timers point here. */
    const char *owner_path;     /* The VM or host ("host1/vm1"). */
    void *router_ctx;           /* The router's own state. */
    struct ipfrag_table *frags; /* Reassembly, made at the first
                                 * fragment. */
    uint32_t *groups;           /* IPv4 groups joined on the interface
                                 * (models/endpoint/igmp.h). */
    size_t n_groups;

    /* IPv6 and counters (cold for IPv4 flows). */
    uint64_t arp_requests;      /* ARP requests sent. */
    bool has_ip6;               /* endpoint_set_ip6 gave it IPv6. */
    struct vh_ip6 ip6;
    int prefix6;
    struct vh_ip6 ll6;          /* Its link-local address (EUI-64). */
    uint64_t nd_solicits;       /* Neighbour solicitations sent,
                                 * the DAD probe included. */
    struct rdisc6 rd6;          /* Routers and prefixes advertised. */
    struct vh_timer rs_timer;   /* The next router solicitation. */
};

_Static_assert(offsetof(struct endpoint, port) % 64 + PORT_HOT_BYTES <= 64,
               "an endpoint's port reads one line per frame");
_Static_assert(offsetof(struct endpoint, last_mac) + sizeof(struct vh_mac)
               <= 64, "the last answer is in the endpoint's first line");

/* Creates an endpoint on interface 'dev' of 'owner_path'.  The caller
 * joins ep->port to the interface. */
struct endpoint *endpoint_create(struct host *, struct vh_device *dev,
                                 const char *owner_path,
                                 const struct vh_mac *mac, uint32_t ip,
                                 int prefix, struct cpu_core *app_core,
                                 enum cpu_cat app_cat, enum cpu_cat rx_cat);
void endpoint_free(struct endpoint *);

/* Gives 'ep' the IPv6 address 'addr'/'prefix' beside its IPv4 one, and
 * its link-local address; its DAD probe leaves at time zero. */
void endpoint_set_ip6(struct world *, struct endpoint *,
                      const struct vh_ip6 *addr, int prefix);

/* Is 'a' an IPv6 address of the stack of 'ep' (its own, link-local or
 * ::1)? */
bool endpoint_is_local6(const struct endpoint *ep, const struct vh_ip6 *a);

/* Creates an application of device 'dev' (a container) on the stack of
 * 'stack': its sends run on 'app_core' as 'app' and its receive calls
 * there too, its stack work as 'softirq'; both are counted in 'cycles'
 * (may be NULL). */
struct endpoint *endpoint_create_app(struct endpoint *stack,
                                     struct vh_device *dev,
                                     const char *owner_path,
                                     struct cpu_core *app_core,
                                     uint64_t *cycles);

/* The endpoint whose stack 'ep' uses: 'ep' itself, or its 'stack'. */
static inline struct endpoint *
endpoint_stack(struct endpoint *ep)
{
    return ep->stack ? ep->stack : ep;
}

/* The application sends packet number 'seq' of flow 'fs' to 'dst_ip'. */
void endpoint_send(struct world *, struct endpoint *, struct flow_stats *fs,
                   uint64_t seq);

/* A program of the host's own sends 'len' bytes of 'payload' (copied)
 * in one UDP datagram from port 'sport' to 'dst_ip':'dport': control
 * traffic of no flow, such as ovs-vswitchd's sFlow datagrams.  Its send
 * call and the stack's transmit are charged on 'core' as 'cat', to
 * device 'by' (the program's); the packet then leaves as the
 * application's do, the next hop resolved by ARP.  Whoever receives it
 * takes it in as a UDP packet of no flow: nothing is counted. */
void endpoint_send_udp(struct world *, struct endpoint *, uint32_t dst_ip,
                       uint16_t sport, uint16_t dport,
                       const uint8_t *payload, uint32_t len,
                       struct cpu_core *core, enum cpu_cat cat,
                       const struct vh_device *by);

/* The stack of 'ep' sends the IPv4 packet 'p' it built (its source MAC
 * the interface's): over loopback to itself, through the router hook
 * outside its subnet, else to the next hop resolved by ARP, in
 * fragments if longer than the MTU.  Transports of their own (TCP,
 * models/endpoint/tcp.h) send this way.  Takes 'p'. */
void endpoint_output(struct world *, struct endpoint *, struct vh_packet *p);

/* Charges primitive 'id' on 'core' as 'cat' in the name of 'ep' (and in
 * its ledger when it keeps one, as a container's does); returns when
 * the work is done. */
vh_time_t endpoint_charge(struct world *, struct endpoint *,
                          struct cpu_core *core, enum cost_id id,
                          enum cpu_cat cat, const struct vh_packet *p);

/* The data the stack ('ep', on 'core') queued at 'at' on the socket of
 * 'app' finds the application asleep in its receive call if its core
 * has been idle since that call returned (it found its socket empty and
 * blocked), and wakes it through the scheduler: an IPI from the stack's
 * core when the application runs on another ('app_core'; and the
 * interrupt there), then the switch to it, as 'cat'.  Within one busy
 * spell (a NAPI poll's batch) the socket is read in one go: no wakeup.
 * The caller sets app->recv_done when the receive call returns. */
void endpoint_app_wake(struct world *, struct endpoint *ep,
                       struct endpoint *app, struct cpu_core *core,
                       struct cpu_core *app_core, enum cpu_cat cat,
                       vh_time_t at, const struct vh_packet *p);

/* A router sends the IPv4 packet 'p' out of this interface: its source MAC
 * becomes the interface's, and its destination MAC the next hop's (the
 * destination, or the gateway outside the subnet), resolved by ARP.  The
 * interface's router hook is not consulted.  Takes 'p'. */
void endpoint_forward(struct world *, struct endpoint *, struct vh_packet *p);

/* endpoint_forward() to next hop 'via' (a route's gateway, such as
 * another host that routes the destination's subnet) rather than to the
 * destination itself; 'via' outside the interface's subnet goes to the
 * interface's gateway. */
void endpoint_forward_via(struct world *, struct endpoint *,
                          struct vh_packet *p, uint32_t via);

/* A router hands the IPv4 packet 'p' to this endpoint's own stack, as if
 * the interface had received it.  Takes 'p'. */
void endpoint_input(struct world *, struct endpoint *, struct vh_packet *p);

/* Binds protocol 'proto' (and, for UDP, destination port 'port'; 0 for
 * other protocols) of the endpoint's address to 'input': the IPv4
 * packets for the address with that protocol and port go there, on the
 * core that received them, once any fragments are put together, after
 * the router hook had its look.  A protocol and port is bound once;
 * endpoint_bound() says to whom ('ctx', or NULL), and endpoint_unbind()
 * frees it. */
void endpoint_bind(struct endpoint *, uint8_t proto, uint16_t port,
                   ep_bound_fn input, void *ctx);
void *endpoint_bound(const struct endpoint *, uint8_t proto, uint16_t port);
void endpoint_unbind(struct endpoint *, uint8_t proto, uint16_t port);

/* Hooks router 'ops' (with its state 'ctx') into 'ep'.  An interface has
 * one router: returns false, changing nothing, when another is hooked
 * already, so that two networks routed by one address are refused rather
 * than one silently taking the other's packets. */
bool endpoint_hook_router(struct endpoint *, const struct ep_router_ops *ops,
                          void *ctx);

/* The network knows why 'ep' will get no answer to its ARP requests for
 * 'ip' (a copy of the request was filtered on its way, for 'reason').
 * Packets held for 'ip' that are then dropped because the resolution
 * failed or its queue overflowed carry 'reason' rather than the generic
 * "arp-failed" or "arp-queue-full".  An answer clears it. */
void endpoint_arp_blame(struct endpoint *ep, uint32_t ip,
                        const char *reason);

#endif /* models/endpoint/endpoint.h */
