/* models/switch/router.h: a hardware IPv4 router (switches[].mode
 * "router"), such as the leaf and spine switches of a routed data-centre
 * fabric; an interface with "ip6" also speaks IPv6 (router6.c: neighbour
 * and router advertisements, ping6, forwarding by such interfaces'
 * subnets and the IPv6 "routes").
 *
 * Each "interface" puts an address with its prefix on one port; a port
 * without one is unused, and drops what arrives on it ("no-interface").
 * A /31 is a valid point-to-point subnet (RFC 3021): both its addresses
 * are hosts.  The routing table holds a connected route per interface and
 * the static "routes"; a destination takes the longest prefix that
 * matches it, a connected route winning over a static route of the same
 * prefix (which the loader refuses anyway, as a mistake).
 *
 * Forwarding, store-and-forward as the 802.1q switch: a frame received
 * whole on a port waits the router's forwarding latency
 * (router_latency), then:
 *   - an 802.1Q-tagged frame is dropped ("no-vlan-interface": a routed
 *     port is untagged), a unicast frame for another MAC too (not for
 *     it), and the ingress ACL applies as on any switch ("acl-deny");
 *   - ARP: a request for the interface's address is answered, and the
 *     sender learned; a reply completes a resolution;
 *   - IPv4 to a multicast group: a router of vhsim runs no PIM and no
 *     IGMP, so a group beyond the local network control block
 *     (224.0.0.0/24, which no router forwards, such as the IGMP reports
 *     to 224.0.0.22, taken silently) is dropped ("multicast-not-routed"):
 *     the members of a group, such as the VTEPs of a multicast VXLAN
 *     underlay, must share one L2 segment;
 *   - IPv4 for one of the router's own addresses: an echo request is
 *     answered, routed back like any packet; anything else ends there;
 *   - other IPv4: a TTL of 1 or less ends the packet ("ttl-exceeded", the
 *     reason the host routers of NAT networks give too) and its sender
 *     is told with an ICMP time exceeded from the ingress interface's
 *     address (at most 1000 a second, bursts of 50, as Linux's defaults;
 *     never about an ICMP error); else the TTL is decremented and the
 *     header checksum recomputed.  The route lookup
 *     ("no-route" when nothing matches, not even a default route) gives
 *     the next hop: the destination itself on a connected subnet, or one
 *     of the route's "via" addresses.
 *
 * ECMP: a route with several "via" addresses spreads its packets over
 * them by a hash of the 5-tuple (source and destination address,
 * protocol, and the UDP or TCP ports when there are any), as switch ASICs
 * do by default; Linux hashes the addresses only unless told otherwise
 * (fib_multipath_hash_policy).  The hash takes a seed of the router's own,
 * from its name, so two routers in a row do not make the same choice
 * (hash polarization), and picks the next hop by hash-threshold (RFC
 * 2992): the hash's range is cut in as many equal regions as next hops.
 * One flow's packets always take one path, and so arrive in order.
 *
 * The next hop's MAC is resolved by ARP on the egress interface, as a
 * host stack does (models/endpoint/endpoint.h): packets wait for the
 * answer in a queue per neighbour ("arp-queue-full" past it), the request
 * is repeated every second, three times, and then what waited is dropped
 * ("arp-failed").  The packet leaves with the egress interface's MAC as
 * its source and the neighbour's as its destination, through the egress
 * port's buffer ("switch-buffer-full").
 *
 * The report lists per interface the frames routed in by it and out of
 * it with their bytes; per route and next hop the frames and bytes that
 * took it and the traffic[] flows they belonged to, so ECMP's spreading
 * is visible; the router's drops by reason. */
#ifndef VH_MODELS_SWITCH_ROUTER_H
#define VH_MODELS_SWITCH_ROUTER_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/core/config.h"
#include "models/switch/fabport.h"
#include "models/switch/swacl.h"
#include "sim/device.h"
#include "sim/event.h"
#include "sim/frame.h"
#include "sim/packet.h"
#include "sim/rng.h"
#include "sim/stats.h"

struct world;
struct router;

/* --- The configuration ("interfaces" and "routes"), read by the class
 * while the scenario loads, and kept in the switch's cfg->priv. --- */

struct router_if_cfg {
    int port;                   /* 1-based. */
    uint32_t ip;                /* Host order. */
    int prefix;                 /* 1..31. */
    bool has_ip6;               /* "ip6" given: */
    uint8_t ip6[16];            /* its address, as on the wire, */
    int prefix6;                /* and prefix length, 1..127. */
};

struct router_route_cfg {
    uint32_t dst;               /* The network, host bits clear. */
    int prefix;                 /* 0..32 (0..128 for IPv6). */
    uint32_t *via;              /* Next hops, each on a connected subnet. */
    size_t n_via;
    bool v6;                    /* An IPv6 route: 'dst6' and 'via6' hold */
    uint8_t dst6[16];           /* what 'dst' and 'via' hold for IPv4 */
    uint8_t (*via6)[16];        /* (router6.c routes by them). */
};

struct router_cfg {
    struct router_if_cfg *ifs;
    size_t n_ifs;
    struct router_route_cfg *routes;
    size_t n_routes;
};

/* The class's 'parse' and 'free_priv' (models/core/devclass.h): reads
 * "interfaces" and "routes" of a router's object into a struct
 * router_cfg. */
struct cfg_obj;
bool router_cfg_parse(struct cfg_obj *o, void **priv);
void router_cfg_free(void *priv);

/* The router's configuration if 'sw' is a router (its mode is), or
 * NULL. */
const struct router_cfg *router_cfg_of(const struct cfg_switch *sw);

/* Whether one of the routers of 'sc' has 'ip' on an interface: a host's
 * gateway there means a router will take the host's packets to other
 * subnets.  With 'where' not NULL, fills it with the JSON path of that
 * interface ("switches[1].interfaces[0]"). */
bool router_scenario_owns(const struct cfg_scenario *sc, uint32_t ip,
                          char *where, size_t where_len);

/* Whether one of the routers of 'sc' has an interface whose "ip6"
 * prefix holds 'ip6' (sixteen bytes): it advertises itself as the
 * default router on that prefix's link. */
bool router_scenario_serves6(const struct cfg_scenario *sc,
                             const uint8_t *ip6);

/* --- The model. --- */

/* A neighbour of an interface, resolved or being resolved by ARP. */
struct rt_neigh {
    struct rt_port *port;
    uint32_t ip;
    struct vh_mac mac;
    bool resolved;
    int tries;                  /* Requests sent for this resolution. */
    struct vh_timer retry;
    struct vh_pktq pending;     /* Packets waiting for the answer. */
};

/* A neighbour of an interface by IPv6, resolved or being resolved by
 * neighbour discovery (router6.c). */
struct rt_neigh6 {
    struct rt_port *port;
    uint8_t ip[16];
    struct vh_mac mac;
    bool resolved;
    int tries;                  /* Solicitations sent for this one. */
    struct vh_timer retry;
    struct vh_pktq pending;     /* Packets waiting for the answer. */
};

struct rt_port {
    struct fabport fp;          /* "leaf1/p1". */
    struct router *rt;
    const struct router_if_cfg *ifc;    /* Its interface, or NULL. */
    struct vh_mac mac;          /* Its own MAC (derived from its path). */
    struct rt_neigh **neigh;    /* Stable addresses: timers point here. */
    size_t n_neigh;
    uint64_t routed_in;         /* Packets routed that came in by it, */
    uint64_t routed_out;        /* that went out of it, */
    uint64_t bytes_out;         /* and their bytes with the FCS. */
    uint64_t arp_requests;      /* ARP requests it sent. */
    /* IPv6, when its interface has "ip6" (router6.c). */
    uint8_t ll6[16];            /* fe80:: and the EUI-64 of 'mac'. */
    struct vh_timer ra_timer;   /* The next router advertisement. */
    struct vh_rng ra_rng;       /* Its random intervals and delays. */
    vh_time_t ra_last;          /* When the last one left, */
    bool ra_any;                /* if one has. */
    uint64_t ra_sent;           /* Router advertisements sent, */
    uint64_t rs_received;       /* solicitations for them, */
    uint64_t ns_received;       /* neighbour solicitations for its */
    uint64_t na_sent;           /* addresses and the answers, */
    uint64_t echo6_replies;     /* ping6 answered. */
    uint64_t ns_sent;           /* Solicitations it sent to resolve. */
    struct rt_neigh6 **neigh6;  /* Stable addresses: timers point here. */
    size_t n_neigh6;
};

/* One next hop of a route in the forwarding table. */
struct rt_nexthop {
    uint32_t via;               /* 0: the destination itself (connected). */
    int port;                   /* 0-based egress port. */
    uint64_t frames, bytes;
    uint64_t *flows;            /* Bitmap of traffic[] flows that took it, */
    size_t n_flow_words;        /* grown as flows show up. */
};

struct rt_route {
    uint32_t dst, mask;
    int prefix;
    bool connected;
    struct rt_nexthop *nh;
    size_t n_nh;
    uint64_t frames;
};

struct router {
    struct vh_device dev;       /* "leaf1". */
    struct world *w;            /* For the flows' names in the report. */
    const struct cfg_switch *cfg;
    const struct router_cfg *rc;
    struct rt_port *ports;      /* ports[0] is "p1". */
    int n_ports;
    struct rt_route *routes;    /* Connected, then static as written. */
    size_t n_routes;
    struct rt_route **fib;      /* The same, longest prefix first. */
    size_t n_fib;
    uint32_t seed;              /* Of the ECMP hash. */
    struct swacl acl;
    struct vh_drops drops;      /* Drops at the router, by reason. */
    uint64_t routed;            /* Packets routed, */
    uint64_t routed_bytes;      /* and their bytes with the FCS. */
    uint64_t echo_replies;      /* Echo requests to it answered. */
    uint64_t time_exceeded;     /* ICMP time exceeded messages sent. */
    vh_time_t icmp_tat;         /* When the ICMP error bucket is full. */
};

/* The class, built for mode "router". */
extern const struct dev_class router_class;

/* Port "pN" (1-based) of 'rt', or NULL. */
struct rt_port *router_port(struct router *, int n);

/* The route 'dst' takes in 'rt' (longest prefix), or NULL. */
const struct rt_route *router_lookup(const struct router *rt, uint32_t dst);

/* The next hop of 'rt' that a packet with flow 'f' (sim/frame.h) takes
 * on route 'r': a hash of its 5-tuple, seeded by the router, picks among
 * the route's next hops. */
const struct rt_nexthop *router_pick(const struct router *rt,
                                     const struct rt_route *r,
                                     const struct vh_flow *f);

/* That hash, of a flow as vh_frame_flow_for_hash() (sim/flow6.h) reads
 * it, IPv4 or IPv6: an IPv6 route's next hop is picked by it too. */
uint32_t router_flow_hash(const struct router *rt, const struct vh_flow *f);

/* Sends 'p' out of 'rp' (through its egress buffer), or counts why not.
 * Takes 'p'. */
void router_port_send(struct world *, struct rt_port *rp,
                      struct vh_packet *p);

/* Drops 'p' at 'at' for 'reason', counted among the router's drops. */
void router_drop(struct world *, struct router *, struct vh_packet *p,
                 struct vh_device *at, const char *reason);

/* --- IPv6 on an interface (router6.c). --- */

/* Gives 'rp' (whose interface has "ip6") its link-local address and
 * starts its router advertisements, the first now. */
void router6_start(struct world *, struct rt_port *rp);

/* An IPv6 frame for 'rp' (its MAC or a multicast one; 'fi' what
 * vh_frame_parse() found): answered, taken, or dropped.  Takes 'p'. */
void router6_input(struct world *, struct rt_port *rp, struct vh_packet *p,
                   const struct vh_frame_info *fi);

/* Frees the port's IPv6 neighbours and what waits for them. */
void router6_destroy(struct rt_port *rp);

/* The interface's IPv6 lines of the report. */
struct report_out;
void router6_report(const struct rt_port *rp, struct report_out *out);

#endif /* models/switch/router.h */
