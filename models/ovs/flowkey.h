/* models/ovs/flowkey.h: the fields Open vSwitch classifies a frame by.
 *
 * An OpenFlow rule matches a frame's key under a mask; the datapath's
 * megaflow cache stores keys under the mask that classification consulted
 * (ovs-vswitchd's "wildcards").  So one struct serves as a key, a rule's
 * match, and a mask: in a mask, a bit set means "this bit matters".
 *
 * The struct is fourteen 64-bit words with no padding holes, so masking,
 * hashing and comparing go word by word (OVS's miniflow does the same over
 * its own layout).  The first six hold what an IPv4 or ARP frame has, the
 * other eight IPv6's addresses and neighbour discovery's fields.  Every
 * field is in host byte order but the IPv6 addresses, kept as the 16
 * bytes of the wire.
 *
 * As in OVS: an ARP frame's sender and target IPv4 addresses are nw_src
 * and nw_dst and its opcode is nw_proto; an ICMP frame's type and code are
 * tp_src and tp_dst; vlan_tci is 0 for an untagged frame and has the
 * CFI bit (0x1000, OVS's "tag present") set for a tagged one.  For IPv6,
 * nw_proto is the protocol after the extension headers (hop-by-hop,
 * routing, destination options, fragment), nw_tos the traffic class,
 * nw_ttl the hop limit; ICMPv6's type and code are tp_src and tp_dst, and
 * a neighbour solicitation or advertisement (type 135, 136, code 0) adds
 * its target address and its source or target link-layer address
 * option. */
#ifndef VH_MODELS_OVS_FLOWKEY_H
#define VH_MODELS_OVS_FLOWKEY_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OFKEY_WORDS 14
#define OFKEY_V4_WORDS 6     /* The words before the IPv6 fields. */
#define OFKEY_VLAN_CFI 0x1000   /* In vlan_tci: the frame has a tag. */
#define OFKEY_ETHERTYPE_IPV6 0x86dd

struct ofkey {
    union {
        struct {
            uint32_t in_port;       /* OpenFlow port number, from 1. */
            uint16_t vlan_tci;      /* PCP(3) CFI(1) VID(12); 0 untagged. */
            uint16_t dl_type;       /* After the tag; ARP 0x0806... */
            uint8_t dl_src[6];
            uint8_t dl_dst[6];
            uint32_t nw_src;        /* IPv4, or ARP spa. */
            uint32_t nw_dst;        /* IPv4, or ARP tpa. */
            uint8_t nw_proto;       /* IPv4 protocol, or ARP opcode. */
            uint8_t nw_tos;         /* DSCP and ECN, as the TOS byte. */
            uint8_t nw_ttl;
            uint8_t nw_frag;        /* 1 if a fragment (not the first). */
            uint16_t tp_src;        /* UDP/TCP ports, ICMP type. */
            uint16_t tp_dst;        /* ICMP code. */
            uint32_t tun_id;        /* Tunnel key it arrived by (VNI). */
            uint32_t pkt_mark;      /* Metadata a rule may set (unused
                                     * by the parser; kept zero). */
            uint32_t ipv6_label;    /* Flow label (20 bits). */
            uint8_t ipv6_src[16];   /* As on the wire. */
            uint8_t ipv6_dst[16];
            uint8_t nd_target[16];  /* NS/NA target address. */
            uint8_t nd_sll[6];      /* NS source link-layer option. */
            uint8_t nd_tll[6];      /* NA target link-layer option. */
            uint32_t pad;           /* Always zero. */
        };
        uint64_t w[OFKEY_WORDS];
    };
};

_Static_assert(sizeof(struct ofkey) == OFKEY_WORDS * 8,
               "struct ofkey must be whole words without holes");

/* Fills 'key' from an Ethernet frame (no FCS) that arrived on OpenFlow
 * port 'in_port'.  Fields the frame does not have stay zero (a truncated
 * header leaves the rest zero too). */
void ofkey_extract(const uint8_t *frame, uint32_t len, uint32_t in_port,
                   struct ofkey *key);

/* dst = a & mask, word by word. */
void ofkey_and(struct ofkey *dst, const struct ofkey *a,
               const struct ofkey *mask);

/* dst |= src, word by word (widening a wildcard mask). */
void ofkey_or(struct ofkey *dst, const struct ofkey *src);

/* Whether (a & mask) == (b & mask).  'b' may already be masked. */
bool ofkey_eq_masked(const struct ofkey *a, const struct ofkey *b,
                     const struct ofkey *mask);

bool ofkey_eq(const struct ofkey *a, const struct ofkey *b);
bool ofkey_is_zero(const struct ofkey *);

/* A hash of (key & mask), with 'basis' mixed in.  The IPv6 words count
 * only when one of them is set, so an IPv4 or ARP key hashes as it did
 * before the key had them. */
uint32_t ofkey_hash_masked(const struct ofkey *key, const struct ofkey *mask,
                           uint32_t basis);

/* Writes 'key' under 'mask' as ovs-dpctl dump-flows shows a megaflow:
 * "in_port(2),eth(src=..,dst=..),eth_type(0x0800),ipv4(src=..,proto=17),
 * udp(dst=9999)", fields whose mask is zero left out, partial masks
 * written "/MASK".  A NULL mask means every bit.  Returns 'buf'. */
char *ofkey_format(const struct ofkey *key, const struct ofkey *mask,
                   char *buf, size_t size);

#endif /* models/ovs/flowkey.h */
