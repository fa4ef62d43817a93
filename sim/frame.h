/* sim/frame.h: building and parsing real frames.
 *
 * Ethernet II, 802.1Q, ARP, IPv4, UDP and ICMP echo, with correct lengths
 * and checksums, byte-for-byte what a Linux host would put on the wire (no
 * FCS; short frames are padded to 60 bytes as a NIC would, so a 64-byte
 * frame on the wire is 60 bytes in a capture).
 *
 * Builders write into a caller-provided buffer that is large enough (a
 * packet's data room) and return the frame length.  Parsers never read past
 * 'len' and report malformed input instead of trusting length fields.
 * All multi-byte fields are big-endian on the wire; the structs below hold
 * host-order values. */
#ifndef VH_FRAME_H
#define VH_FRAME_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define VH_ETH_ALEN 6
#define VH_ETH_HLEN 14
#define VH_VLAN_HLEN 4
#define VH_ETH_MIN_FRAME 60      /* Without FCS. */
#define VH_ETH_FCS 4
#define VH_IPV4_HLEN 20
#define VH_UDP_HLEN 8
#define VH_ICMP_HLEN 8
#define VH_ARP_LEN 28

/* Where fields lie: in the Ethernet header and an 802.1Q tag after it,
 * from the start of the frame; in the IPv4, UDP and ICMP headers, from the
 * start of each. */
#define VH_ETH_DST_OFF 0
#define VH_ETH_SRC_OFF 6
#define VH_ETH_TYPE_OFF 12
#define VH_VLAN_TCI_OFF 14
#define VH_VLAN_TYPE_OFF 16     /* The EtherType behind the tag. */
#define VH_IPV4_TOTLEN_OFF 2
#define VH_IPV4_ID_OFF 4
#define VH_IPV4_FRAG_OFF 6      /* Flags and fragment offset. */
#define VH_IPV4_TTL_OFF 8
#define VH_IPV4_PROTO_OFF 9
#define VH_IPV4_CSUM_OFF 10
#define VH_IPV4_SRC_OFF 12
#define VH_IPV4_DST_OFF 16
#define VH_UDP_SPORT_OFF 0
#define VH_UDP_DPORT_OFF 2
#define VH_UDP_LEN_OFF 4
#define VH_UDP_CSUM_OFF 6
#define VH_ICMP_CSUM_OFF 2
#define VH_ICMP_ID_OFF 4        /* Echo request and reply. */
#define VH_ICMP_SEQ_OFF 6

#define VH_ETHERTYPE_IPV4 0x0800
#define VH_ETHERTYPE_ARP 0x0806
#define VH_ETHERTYPE_VLAN 0x8100
#define VH_ETHERTYPE_RARP 0x8035
#define VH_ETHERTYPE_IPV6 0x86dd

#define VH_IPPROTO_ICMP 1
#define VH_IPPROTO_TCP 6
#define VH_IPPROTO_UDP 17
#define VH_IPPROTO_ICMPV6 58

#define VH_ICMP_ECHO_REPLY 0
#define VH_ICMP_ECHO_REQUEST 8

#define VH_ARP_REQUEST 1
#define VH_ARP_REPLY 2

struct vh_mac {
    uint8_t b[VH_ETH_ALEN];
};

/* An IPv6 address, in network byte order as on the wire (sim/ip6.h has
 * its text forms and the addresses derived from it). */
struct vh_ip6 {
    uint8_t b[16];
};

extern const struct vh_mac vh_mac_broadcast;

static inline bool vh_mac_is_multicast(const struct vh_mac *m)
{
    return m->b[0] & 1;           /* Broadcast included. */
}

/* Inline: every switching step compares MACs, and a memcmp of six
 * bytes known at compile time is two loads and compares. */
static inline bool
vh_mac_eq(const struct vh_mac *a, const struct vh_mac *b)
{
    return !memcmp(a->b, b->b, VH_ETH_ALEN);
}

/* The destination and source MAC of a frame (at least VH_ETH_HLEN bytes)
 * in place, and their rewriting. */
static inline const struct vh_mac *
vh_eth_dst(const uint8_t *frame)
{
    return (const struct vh_mac *) (frame + VH_ETH_DST_OFF);
}

static inline const struct vh_mac *
vh_eth_src(const uint8_t *frame)
{
    return (const struct vh_mac *) (frame + VH_ETH_SRC_OFF);
}

static inline void
vh_eth_set_dst(uint8_t *frame, const struct vh_mac *mac)
{
    memcpy(frame + VH_ETH_DST_OFF, mac->b, VH_ETH_ALEN);
}

static inline void
vh_eth_set_src(uint8_t *frame, const struct vh_mac *mac)
{
    memcpy(frame + VH_ETH_SRC_OFF, mac->b, VH_ETH_ALEN);
}

/* The EtherType right after the MACs (0x8100 for a tagged frame). */
static inline uint16_t
vh_eth_type(const uint8_t *frame)
{
    return (uint16_t) (frame[VH_ETH_TYPE_OFF] << 8
                       | frame[VH_ETH_TYPE_OFF + 1]);
}

/* Big-endian (network order) fields in a frame's bytes. */
static inline uint16_t
vh_get_be16(const uint8_t *p)
{
    return (uint16_t) ((p[0] << 8) | p[1]);
}

static inline uint32_t
vh_get_be32(const uint8_t *p)
{
    return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16)
           | ((uint32_t) p[2] << 8) | p[3];
}

static inline void
vh_put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t) (v >> 8);
    p[1] = (uint8_t) v;
}

static inline void
vh_put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t) (v >> 24);
    p[1] = (uint8_t) (v >> 16);
    p[2] = (uint8_t) (v >> 8);
    p[3] = (uint8_t) v;
}

/* The MAC as a 48-bit number, its first byte the most significant
 * (the order it is written in): a key for tables. */
static inline uint64_t
vh_mac_u64(const struct vh_mac *m)
{
    return (uint64_t) vh_get_be16(m->b) << 32 | vh_get_be32(m->b + 2);
}

/* Parses "52:54:00:00:00:01" (exactly six two-digit hex groups). */
bool vh_mac_parse(const char *s, struct vh_mac *out);

/* Formats as "52:54:00:00:00:01"; 'buf' holds at least 18 bytes. */
char *vh_mac_format(const struct vh_mac *, char *buf);

/* Parses a dotted-quad IPv4 address, with an optional "/prefix" (0..32)
 * when 'prefix' is not NULL (absent: *prefix = 32).  Addresses are host
 * order. */
bool vh_ipv4_parse(const char *s, uint32_t *addr, int *prefix);
char *vh_ipv4_format(uint32_t addr, char *buf);   /* buf >= 16 bytes */

/* RFC 1071 one's-complement sum of 'len' bytes added to 'sum' (not folded,
 * not complemented).  An odd last byte counts as the high byte of a word. */
uint32_t vh_csum_partial(const void *data, size_t len, uint32_t sum);

/* Folds and complements a partial sum into the 16-bit checksum value. */
uint16_t vh_csum_fold(uint32_t sum);

/* What a parser found.  Offsets are from the start of the frame. */
struct vh_frame_info {
    struct vh_mac dst, src;
    bool has_vlan;
    uint16_t vlan_tci;          /* PCP(3) DEI(1) VID(12). */
    uint16_t ethertype;         /* After any VLAN tag. */
    uint16_t l3_off;            /* First byte after the Ethernet/VLAN header. */

    /* IPv4 (ethertype 0x0800). */
    bool is_ipv4;
    uint32_t ip_src, ip_dst;
    uint8_t ip_proto;           /* IPv6: the next header (no extension
                                 * headers are parsed). */
    uint8_t ip_ttl;             /* IPv6: the hop limit. */
    uint16_t ip_total_len;      /* IPv6: 40 + the payload length. */
    uint16_t l4_off;

    /* IPv6 (ethertype 0x86dd): the addresses; the fields above say the
     * rest.  ICMPv6 fills 'icmp_type' and 'icmp_code', and for echo
     * (128, 129) the identifier and sequence. */
    bool is_ipv6;
    struct vh_ip6 ip6_src, ip6_dst;

    /* UDP. */
    uint16_t sport, dport;
    uint16_t l4_len;            /* UDP length field (header + payload). */

    /* ICMP echo. */
    uint8_t icmp_type, icmp_code;
    uint16_t icmp_id, icmp_seq;

    /* ARP (ethernet/IPv4 only). */
    bool is_arp;
    uint16_t arp_op;
    struct vh_mac arp_sha, arp_tha;
    uint32_t arp_spa, arp_tpa;
};

/* Parses Ethernet, an optional 802.1Q tag, and IPv4 with UDP or ICMP, or
 * ARP.  Returns 0, or -1 if the frame is truncated or inconsistent (the
 * fields parsed so far are still filled).  With 'verify' true, also checks
 * the IPv4 header checksum and the UDP and ICMP checksums and returns -1 if
 * any is wrong. */
int vh_frame_parse(const uint8_t *frame, uint32_t len,
                   struct vh_frame_info *out, bool verify);

/* The addressing of an IP frame being built.  'vlan_tci' is used when
 * 'vlan' is true.  With 'v6', the frame is IPv6 between 'ip6_src' and
 * 'ip6_dst' (a 40-byte header; 'ip_id' unused, 'ttl' the hop limit) and
 * its UDP, TCP or ICMPv6 checksum covers the IPv6 pseudo-header. */
struct vh_ip_hdr_spec {
    struct vh_mac dst_mac, src_mac;
    bool vlan;
    uint16_t vlan_tci;
    uint32_t ip_src, ip_dst;
    uint16_t ip_id;
    uint8_t ttl;                /* 0 means 64. */
    bool v6;
    struct vh_ip6 ip6_src, ip6_dst;
};

/* Writes Ethernet [+VLAN] and the IPv4 or IPv6 header 'spec' says for
 * 'l4_len' bytes of protocol 'proto'; returns the L4 header's offset. */
uint32_t vh_put_eth_ip(uint8_t *buf, const struct vh_ip_hdr_spec *spec,
                       uint8_t proto, uint32_t l4_len);

/* The one's-complement sum of the pseudo-header of an L4 segment of
 * 'l4_len' bytes of 'proto' between the addresses of 'spec': IPv4's
 * (RFC 768) or IPv6's (RFC 8200 section 8.1). */
uint32_t vh_pseudo_sum_spec(const struct vh_ip_hdr_spec *spec, uint8_t proto,
                            uint32_t l4_len);

/* Computes the header checksum of the IPv4 header at 'ip' again, over
 * as many bytes as its IHL says: after a field of it changed. */
void vh_ipv4_csum_update(uint8_t *ip);

/* A router's step on the IPv4 header at 'ip': the TTL one less, the
 * checksum updated.  The caller has checked the TTL is above 1. */
void vh_ipv4_dec_ttl(uint8_t *ip);

/* Writes a 20-byte IPv4 header (no options) at 'ip', its checksum
 * computed: version, 'tos', 'total_len', 'id', the DF bit, 'ttl',
 * 'proto', and the addresses (host order). */
void vh_ipv4_put(uint8_t *ip, uint8_t tos, uint16_t total_len, uint16_t id,
                 bool df, uint8_t ttl, uint8_t proto, uint32_t src,
                 uint32_t dst);

/* Builds Ethernet [+VLAN] + IPv4 + UDP with 'payload_len' payload bytes.
 * The payload is 'payload' if not NULL, else a deterministic pattern.
 * Checksums computed.  Pads to 60 bytes.  Returns the frame length. */
uint32_t vh_build_udp(uint8_t *buf, const struct vh_ip_hdr_spec *,
                      uint16_t sport, uint16_t dport,
                      const uint8_t *payload, uint32_t payload_len);

/* Builds an ICMP echo request (type 8) or reply (type 0).  With
 * 'spec->v6' it is ICMPv6's echo of the same meaning (128 or 129), its
 * checksum over the pseudo-header. */
uint32_t vh_build_icmp_echo(uint8_t *buf, const struct vh_ip_hdr_spec *,
                            uint8_t type, uint16_t id, uint16_t seq,
                            const uint8_t *payload, uint32_t payload_len);

/* Builds an ARP request (tha zero, dst broadcast) or reply. */
uint32_t vh_build_arp(uint8_t *buf, uint16_t op,
                      const struct vh_mac *sha, uint32_t spa,
                      const struct vh_mac *tha, uint32_t tpa,
                      const struct vh_mac *eth_dst);

/* What a flow hash reads of a frame: its IPv4 addresses and protocol,
 * and the ports of TCP or UDP that is not a fragment (a fragment's ports
 * may be absent).  Host order. */
struct vh_flow {
    uint32_t ip_src, ip_dst;
    uint8_t proto;
    bool has_ports;
    uint16_t sport, dport;      /* 0 without ports. */
};

/* The one flow parser, for RSS, tun's and the guest's queue choice and
 * whoever else hashes or addresses a flow: fills 'out' from an Ethernet
 * frame, skipping an 802.1Q tag, and returns true; returns false (and
 * zeroes 'out') if the frame is not IPv4 with a sane header.  Lighter
 * than vh_frame_parse(): it checks no lengths beyond what it reads. */
bool vh_frame_flow(const uint8_t *frame, uint32_t len, struct vh_flow *out);

/* Whether 'frame' is an ARP request, and then the address it asks for
 * in '*tpa' (host order). */
bool vh_frame_arp_request(const uint8_t *frame, uint32_t len, uint32_t *tpa);

/* The 802.1Q VLAN ID of 'frame', or -1 if it is untagged (or too short to
 * tell). */
int vh_frame_vlan(const uint8_t *frame, uint32_t len);

/* Builds the broadcast RARP request ("who is MAC? tell MAC", opcode 3)
 * that QEMU sends for a VM after live migration, so switches learn where
 * the VM's MAC now lives.  Returns the frame length (60). */
uint32_t vh_build_rarp_announce(uint8_t *buf, const struct vh_mac *mac);

/* Inserts an 802.1Q tag after the source MAC of the frame in 'p' using its
 * headroom (sim/packet.h), or removes it.  Pop returns the TCI, or -1 if
 * the frame had no tag. */
struct vh_packet;
void vh_vlan_push(struct vh_packet *p, uint16_t tci);

/* What every tag after the source MAC (802.1Q, VN-Tag, E-Tag) does to
 * the frame in 'p': vh_tag_open() makes 'n' bytes of room between the
 * MACs and the EtherType, in the headroom, and returns where they start
 * (the caller writes the tag there; the old EtherType becomes the one
 * behind it); vh_tag_close() takes 'n' bytes there out again and pads a
 * frame left shorter than the minimum, as a bridge stripping a tag
 * does. */
uint8_t *vh_tag_open(struct vh_packet *p, uint32_t n);
void vh_tag_close(struct vh_packet *p, uint32_t n);
int vh_vlan_pop(struct vh_packet *p);

/* Payload bytes that make an untagged UDP frame 'wire_size' bytes long on
 * the wire including FCS (RFC 2544 sizes).  Sizes below 64 act as 64.
 * Likewise for ICMP echo. */
uint32_t vh_udp_payload_for_size(uint32_t wire_size);
uint32_t vh_icmp_payload_for_size(uint32_t wire_size);

/* The same for IPv6, whose header is 20 bytes longer: a frame of the
 * same wire size carries 20 bytes less payload. */
uint32_t vh_udp6_payload_for_size(uint32_t wire_size);
uint32_t vh_icmp6_payload_for_size(uint32_t wire_size);

#endif /* sim/frame.h */
