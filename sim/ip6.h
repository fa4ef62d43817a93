/* sim/ip6.h: IPv6 addresses, the IPv6 header and neighbour discovery.
 *
 * The address type itself ('struct vh_ip6', sixteen bytes in network
 * order) lives in sim/frame.h beside the MAC, since the frame parser
 * reports IPv6 addresses; here are its text forms (RFC 4291 section 2.2
 * to read, RFC 5952 to write), the addresses derived from others (a
 * solicited-node group, its 33:33 MAC, a link-local address from a MAC
 * by modified EUI-64), the 40-byte header and the pseudo-header sum of
 * RFC 8200 section 8.1, and the ICMPv6 messages of neighbour discovery
 * (RFC 4861): router and neighbour solicitations and advertisements with
 * their source/target link-layer address and prefix information options.
 * ICMPv6 echo is built by vh_build_icmp_echo() with an IPv6 spec.
 *
 * Builders write a whole Ethernet frame (padded to 60 bytes) into a
 * buffer of a packet's data room and return its length.  ND messages go
 * with hop limit 255, as RFC 4861 requires and receivers check. */
#ifndef VH_IP6_H
#define VH_IP6_H 1

#include <stdbool.h>
#include <stdint.h>

#include "sim/frame.h"

#define VH_IPV6_HLEN 40
#define VH_IPV6_PLEN_OFF 4      /* Payload length. */
#define VH_IPV6_NEXT_OFF 6      /* Next header. */
#define VH_IPV6_HOPS_OFF 7      /* Hop limit. */
#define VH_IPV6_SRC_OFF 8
#define VH_IPV6_DST_OFF 24

/* Extension headers a parser walks past to the upper layer (RFC 8200
 * section 4). */
#define VH_IP6_EXT_HOPOPTS 0
#define VH_IP6_EXT_ROUTING 43
#define VH_IP6_EXT_FRAGMENT 44
#define VH_IP6_EXT_DSTOPTS 60

#define VH_IP6_STRLEN 46        /* INET6_ADDRSTRLEN: text form and NUL. */

#define VH_ICMP6_ECHO_REQUEST 128
#define VH_ICMP6_ECHO_REPLY 129
#define VH_ICMP6_RS 133         /* Router solicitation. */
#define VH_ICMP6_RA 134         /* Router advertisement. */
#define VH_ICMP6_NS 135         /* Neighbour solicitation. */
#define VH_ICMP6_NA 136         /* Neighbour advertisement. */

#define VH_ND_HOP_LIMIT 255

/* Flags of a neighbour advertisement (the first byte of its reserved
 * word). */
#define VH_NA_ROUTER 0x80
#define VH_NA_SOLICITED 0x40
#define VH_NA_OVERRIDE 0x20

/* ND option types. */
#define VH_ND_OPT_SLLA 1        /* Source link-layer address. */
#define VH_ND_OPT_TLLA 2        /* Target link-layer address. */
#define VH_ND_OPT_PREFIX 3      /* Prefix information. */

extern const struct vh_ip6 vh_ip6_any;          /* :: */
extern const struct vh_ip6 vh_ip6_all_nodes;    /* ff02::1 */
extern const struct vh_ip6 vh_ip6_all_routers;  /* ff02::2 */

static inline bool
vh_ip6_eq(const struct vh_ip6 *a, const struct vh_ip6 *b)
{
    return !memcmp(a->b, b->b, sizeof a->b);
}

static inline bool
vh_ip6_is_any(const struct vh_ip6 *a)
{
    return vh_ip6_eq(a, &vh_ip6_any);
}

static inline bool
vh_ip6_is_multicast(const struct vh_ip6 *a)
{
    return a->b[0] == 0xff;
}

static inline bool
vh_ip6_is_link_local(const struct vh_ip6 *a)
{
    return a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80;
}

/* Do 'a' and 'b' share their first 'prefix' bits (0..128)? */
bool vh_ip6_same_prefix(const struct vh_ip6 *a, const struct vh_ip6 *b,
                        int prefix);

/* 'a' with every bit past the first 'prefix' cleared. */
struct vh_ip6 vh_ip6_masked(const struct vh_ip6 *a, int prefix);

/* Parses an address in any form RFC 4291 allows ("2001:db8::5",
 * "::ffff:10.0.0.1", full eight groups), with a "/prefix" (0..128) when
 * 'prefix' is not NULL (absent: *prefix = 128).  Refuses anything else,
 * zone indices included. */
bool vh_ip6_parse(const char *s, struct vh_ip6 *out, int *prefix);

/* Formats as RFC 5952 says: lower case, no leading zeros, the longest
 * run of two or more zero groups (the first of equal ones) as "::".
 * 'buf' holds VH_IP6_STRLEN bytes. */
char *vh_ip6_format(const struct vh_ip6 *, char *buf);

/* The solicited-node group of 'a': ff02::1:ff and its last 24 bits. */
struct vh_ip6 vh_ip6_solicited_node(const struct vh_ip6 *a);

/* The MAC an IPv6 multicast group is sent to: 33:33 and its last 32
 * bits (RFC 2464 section 7). */
struct vh_mac vh_ip6_multicast_mac(const struct vh_ip6 *group);

/* Is 'mac' a 33:33 one, an IPv6 group's? */
static inline bool
vh_mac_is_ip6_multicast(const struct vh_mac *mac)
{
    return mac->b[0] == 0x33 && mac->b[1] == 0x33;
}

/* The link-local address fe80::/64 of an interface with 'mac': its
 * modified EUI-64 identifier (the universal/local bit flipped, ff:fe in
 * the middle; RFC 4291 appendix A), as Linux forms it. */
struct vh_ip6 vh_ip6_link_local(const struct vh_mac *mac);

/* The one's-complement sum (not folded) of the IPv6 pseudo-header of an
 * upper-layer packet of 'l4_len' bytes of 'proto'. */
uint32_t vh_ip6_pseudo_sum(const struct vh_ip6 *src, const struct vh_ip6 *dst,
                           uint8_t proto, uint32_t l4_len);

/* Writes a 40-byte IPv6 header at 'ip': version 6, traffic class and
 * flow label 0, 'payload_len', next header 'next', 'hop_limit'. */
void vh_ip6_put(uint8_t *ip, uint16_t payload_len, uint8_t next,
                uint8_t hop_limit, const struct vh_ip6 *src,
                const struct vh_ip6 *dst);

/* A neighbour discovery message, as built or parsed. */
struct vh_nd {
    uint8_t type;               /* VH_ICMP6_NS, _NA, _RS or _RA. */
    struct vh_ip6 target;       /* NS, NA: the address asked about. */
    uint8_t na_flags;           /* NA: VH_NA_*. */
    bool has_lladdr;            /* The SLLA (NS, RS, RA) or TLLA (NA) */
    struct vh_mac lladdr;       /* option. */
    /* RA. */
    uint8_t cur_hop_limit;
    uint16_t router_lifetime;   /* Seconds; 0: not a default router. */
    uint32_t reachable_ms, retrans_ms;
    bool has_prefix;            /* One prefix information option. */
    struct vh_ip6 prefix;
    uint8_t prefix_len;
    uint8_t prefix_flags;       /* 0x80 on-link, 0x40 autonomous. */
    uint32_t valid_s, preferred_s;
};

/* Builds the ND message 'nd' from 'src' to 'dst' in a frame from
 * 'src_mac' to 'dst_mac': the options its type carries (the link-layer
 * address when 'nd->has_lladdr'; an RA's prefix when 'nd->has_prefix'),
 * hop limit 255, the checksum over the pseudo-header.  Returns the
 * frame length. */
uint32_t vh_build_nd(uint8_t *buf, const struct vh_mac *dst_mac,
                     const struct vh_mac *src_mac, const struct vh_ip6 *src,
                     const struct vh_ip6 *dst, const struct vh_nd *nd);

/* Reads the ND message of the ICMPv6 packet 'fi' parsed (icmp_type
 * 133..136) into 'out'.  Returns false if it is malformed as RFC 4861
 * section 7.1.1 says receivers must check: hop limit not 255, code not
 * 0, too short, an option of length 0 or running past the end, a target
 * that is multicast. */
bool vh_nd_parse(const uint8_t *frame, const struct vh_frame_info *fi,
                 struct vh_nd *out);

#endif /* sim/ip6.h */
