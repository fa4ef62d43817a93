/* models/tunnel/tnl_outer.h: the outer headers every IP tunnel shares.
 *
 * A tunnel carries an Ethernet frame (the inner frame) inside an IPv4
 * packet between two tunnel endpoints: outer Ethernet, outer IPv4, then
 * for UDP-based tunnels (VXLAN, Geneve) a UDP header, then the tunnel's
 * own header (models/tunnel/vxlan.h, gre.h, geneve.h), then the inner
 * frame whole, without its FCS.  Encapsulation pushes these headers in
 * front of the frame through the packet's headroom, innermost first, as
 * Linux's udp_tunnel_xmit_skb() and iptunnel_xmit() do; decapsulation
 * pulls them off again.
 *
 * The outer IPv4 header is IHL 5, TOS 0 and TTL 64 (Linux's default: the
 * route's hop limit) unless told otherwise; DF is the tunnel's choice
 * (Linux sets it for GRE and for every tunnel of Open vSwitch, and leaves
 * it clear on its vxlan and geneve devices: their "df unset" default).
 * Its checksum is computed.  The outer UDP checksum is left 0 over IPv4,
 * as Linux sends VXLAN and Geneve by default (RFC 7348 says it SHOULD be
 * 0; a receiver must accept it), or computed when the tunnel asks.
 *
 * Entropy: a UDP tunnel's outer source port is a hash of the inner flow,
 * so the frames of one flow keep one outer 5-tuple (they stay in order
 * across an ECMP fabric or a NIC's RSS queues) while different flows
 * spread.  Linux's udp_flow_src_port() scales the flow hash into
 * [min, max) as ((h ^ h << 16) * (max - min) >> 32) + min; tnl_udp_sport
 * does the same.  Linux's hash itself is the flow dissector's siphash
 * with a key drawn at boot, which no simulation can reproduce: vhsim
 * hashes the same fields (addresses, an IPv6 one folded to 32 bits as
 * sim/flow6.h does, protocol, and ports of TCP or UDP that is not a
 * fragment; the MAC addresses and EtherType of a frame that is not IP)
 * with a fixed mixing function, so runs repeat, and
 * like Linux orders the two ends first, so a flow's two directions hash
 * alike. */
#ifndef VH_MODELS_TUNNEL_OUTER_H
#define VH_MODELS_TUNNEL_OUTER_H 1

#include <stdbool.h>
#include <stdint.h>

#include "sim/frame.h"
#include "sim/packet.h"

#define TNL_IPPROTO_GRE 47
#define TNL_ETHERTYPE_TEB 0x6558    /* Transparent Ethernet Bridging: an
                                     * Ethernet frame is the payload. */

/* Bytes of the outer Ethernet, IPv4 and UDP headers. */
#define TNL_OUTER_ETH_IP (VH_ETH_HLEN + VH_IPV4_HLEN)
#define TNL_OUTER_ETH_IP_UDP (TNL_OUTER_ETH_IP + VH_UDP_HLEN)

/* Linux's default local port range (net.ipv4.ip_local_port_range
 * "32768 60999"), which a vxlan device draws its source ports from when
 * none is configured: udp_flow_src_port() takes [min, max), so 60999
 * itself never comes out. */
#define TNL_SPORT_LINUX_MIN 32768
#define TNL_SPORT_LINUX_MAX 60999

/* What an outer IPv4 header says.  Addresses host order. */
struct tnl_ipv4 {
    uint32_t src, dst;
    uint16_t id;
    bool df;
    uint8_t ttl;                /* 0: 64. */
    uint8_t tos;
};

/* Makes sure 'p' has 'n' bytes of headroom, moving the frame back within
 * its buffer if it must (skb_cow_head); the frame must fit. */
void tnl_reserve(struct vh_packet *p, uint32_t n);

/* Pushes a UDP header of 'sport' -> 'dport' in front of the frame in
 * 'p' (the UDP payload); its length covers what follows.  With
 * 'checksum', the checksum is computed over the pseudo-header of
 * 'ip' ('ip->src', 'ip->dst'), else left 0. */
void tnl_push_udp(struct vh_packet *p, const struct tnl_ipv4 *ip,
                  uint16_t sport, uint16_t dport, bool checksum);

/* Pushes an IPv4 header of protocol 'proto' (its total length covers
 * what follows) and an Ethernet header with zero addresses and
 * EtherType IPv4, which the sending stack fills in. */
void tnl_push_ipv4(struct vh_packet *p, const struct tnl_ipv4 *ip,
                   uint8_t proto);

/* The inner flow's hash (see above); never 0. */
uint32_t tnl_flow_hash(const uint8_t *frame, uint32_t len);

/* The outer UDP source port for flow hash 'hash' in [min, max), as
 * Linux's udp_flow_src_port() computes it. */
uint16_t tnl_udp_sport(uint32_t hash, uint32_t min, uint32_t max);

#endif /* models/tunnel/tnl_outer.h */
