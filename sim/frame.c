/* sim/frame.c: builds and parses the real frames packets carry.
 *
 * Everything here works on plain byte buffers; the only contact with packet
 * buffers is the VLAN push/pop, which uses the packet's headroom so a tag is
 * inserted without copying the payload. */
#include "sim/frame.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "sim/ip6.h"
#include "sim/packet.h"

const struct vh_mac vh_mac_broadcast = {
    { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }
};

#define IPV4_DF 0x4000
#define IPV4_MF 0x2000
#define IPV4_FRAG_OFF_MASK 0x1fff
#define DEFAULT_TTL 64

static int
hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    } else if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool
vh_mac_parse(const char *s, struct vh_mac *out)
{
    struct vh_mac m;

    for (int i = 0; i < VH_ETH_ALEN; i++) {
        /* Checking s[0] before reading s[1] keeps us inside the string. */
        int hi = hex_digit(s[0]);
        int lo = hi < 0 ? -1 : hex_digit(s[1]);
        if (lo < 0) {
            return false;
        }
        m.b[i] = (uint8_t) (hi << 4 | lo);
        s += 2;
        if (*s++ != (i < VH_ETH_ALEN - 1 ? ':' : '\0')) {
            return false;
        }
    }
    *out = m;
    return true;
}

char *
vh_mac_format(const struct vh_mac *m, char *buf)
{
    snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
             m->b[0], m->b[1], m->b[2], m->b[3], m->b[4], m->b[5]);
    return buf;
}

/* Parses a decimal number of at most 'max_digits' digits at '*sp' into
 * '*v', advancing '*sp'.  Leading zeros are refused ("010" means 8 to
 * inet_aton() and 10 to a human), except for "0" itself. */
static bool
parse_decimal(const char **sp, int max_digits, unsigned int *v)
{
    const char *s = *sp;
    unsigned int n = 0;
    int digits = 0;

    while (*s >= '0' && *s <= '9') {
        if (++digits > max_digits) {
            return false;
        }
        n = n * 10 + (unsigned int) (*s++ - '0');
    }
    if (!digits || (digits > 1 && **sp == '0')) {
        return false;
    }
    *sp = s;
    *v = n;
    return true;
}

bool
vh_ipv4_parse(const char *s, uint32_t *addr, int *prefix)
{
    uint32_t a = 0;
    unsigned int v;

    for (int i = 0; i < 4; i++) {
        if (!parse_decimal(&s, 3, &v) || v > 255) {
            return false;
        }
        a = a << 8 | v;
        if (i < 3 && *s++ != '.') {
            return false;
        }
    }

    int plen = 32;
    if (*s == '/') {
        s++;
        if (!prefix || !parse_decimal(&s, 2, &v) || v > 32) {
            return false;
        }
        plen = (int) v;
    }
    if (*s != '\0') {
        return false;
    }
    *addr = a;
    if (prefix) {
        *prefix = plen;
    }
    return true;
}

char *
vh_ipv4_format(uint32_t addr, char *buf)
{
    snprintf(buf, 16, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff,
             (addr >> 8) & 0xff, addr & 0xff);
    return buf;
}

uint32_t
vh_csum_partial(const void *data, size_t len, uint32_t sum)
{
    const uint8_t *p = data;
    uint64_t s = sum;           /* 64 bits: no carry is lost on long data. */

    for (; len >= 2; p += 2, len -= 2) {
        s += vh_get_be16(p);
    }
    if (len) {
        s += (uint32_t) p[0] << 8;
    }
    /* End-around carry keeps the value congruent in one's complement. */
    while (s >> 32) {
        s = (s & 0xffffffffu) + (s >> 32);
    }
    return (uint32_t) s;
}

uint16_t
vh_csum_fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t) ~sum;
}

/* The one's-complement sum of the IPv4 pseudo-header of an L4 segment. */
static uint32_t
pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto, uint16_t l4_len)
{
    /* Its six 16-bit words, summed as vh_csum_partial() would sum them
     * laid out in network order: the same value, with no carry to fold
     * (six words cannot reach 2^32). */
    return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff)
           + proto + l4_len;
}

/* Writes the Ethernet (and optional 802.1Q) header; returns its length. */
static uint32_t
put_eth(uint8_t *buf, const struct vh_mac *dst, const struct vh_mac *src,
        bool vlan, uint16_t tci, uint16_t ethertype)
{
    vh_eth_set_dst(buf, dst);
    vh_eth_set_src(buf, src);
    if (vlan) {
        vh_put_be16(buf + VH_ETH_TYPE_OFF, VH_ETHERTYPE_VLAN);
        vh_put_be16(buf + VH_VLAN_TCI_OFF, tci);
        vh_put_be16(buf + VH_VLAN_TYPE_OFF, ethertype);
        return VH_ETH_HLEN + VH_VLAN_HLEN;
    }
    vh_put_be16(buf + VH_ETH_TYPE_OFF, ethertype);
    return VH_ETH_HLEN;
}

uint32_t
vh_put_eth_ip(uint8_t *buf, const struct vh_ip_hdr_spec *spec,
              uint8_t proto, uint32_t l4_len)
{
    uint8_t ttl = spec->ttl ? spec->ttl : DEFAULT_TTL;
    uint32_t l3 = put_eth(buf, &spec->dst_mac, &spec->src_mac, spec->vlan,
                          spec->vlan_tci, spec->v6 ? VH_ETHERTYPE_IPV6
                                                   : VH_ETHERTYPE_IPV4);
    if (spec->v6) {
        assert(l4_len <= 0xffff);
        vh_ip6_put(buf + l3, (uint16_t) l4_len, proto, ttl, &spec->ip6_src,
                   &spec->ip6_dst);
        return l3 + VH_IPV6_HLEN;
    }
    assert(l4_len <= 0xffff - VH_IPV4_HLEN);
    /* Don't fragment: what Linux sends with PMTU discovery. */
    vh_ipv4_put(buf + l3, 0, (uint16_t) (VH_IPV4_HLEN + l4_len), spec->ip_id,
                true, ttl, proto, spec->ip_src, spec->ip_dst);
    return l3 + VH_IPV4_HLEN;
}

uint32_t
vh_pseudo_sum_spec(const struct vh_ip_hdr_spec *spec, uint8_t proto,
                   uint32_t l4_len)
{
    return spec->v6 ? vh_ip6_pseudo_sum(&spec->ip6_src, &spec->ip6_dst, proto,
                                        l4_len)
                    : pseudo_sum(spec->ip_src, spec->ip_dst, proto,
                                 (uint16_t) l4_len);
}

void
vh_ipv4_csum_update(uint8_t *ip)
{
    uint32_t ihl = (uint32_t) (ip[0] & 0x0fu) * 4;
    vh_put_be16(ip + VH_IPV4_CSUM_OFF, 0);
    vh_put_be16(ip + VH_IPV4_CSUM_OFF,
                vh_csum_fold(vh_csum_partial(ip, ihl, 0)));
}

void
vh_ipv4_dec_ttl(uint8_t *ip)
{
    ip[VH_IPV4_TTL_OFF]--;
    vh_ipv4_csum_update(ip);
}

void
vh_ipv4_put(uint8_t *ip, uint8_t tos, uint16_t total_len, uint16_t id,
            bool df, uint8_t ttl, uint8_t proto, uint32_t src, uint32_t dst)
{
    ip[0] = 0x45;               /* Version 4, IHL 5: no options. */
    ip[1] = tos;                /* DSCP/ECN. */
    vh_put_be16(ip + VH_IPV4_TOTLEN_OFF, total_len);
    vh_put_be16(ip + VH_IPV4_ID_OFF, id);
    vh_put_be16(ip + VH_IPV4_FRAG_OFF, df ? IPV4_DF : 0);
    ip[VH_IPV4_TTL_OFF] = ttl;
    ip[VH_IPV4_PROTO_OFF] = proto;
    vh_put_be32(ip + VH_IPV4_SRC_OFF, src);
    vh_put_be32(ip + VH_IPV4_DST_OFF, dst);
    /* The header's ten words summed from the values just written rather
     * than read back: a wide load of bytes just stored one by one waits
     * for the stores to reach the cache.  The same sum, with no carry
     * to fold (ten words cannot reach 2^32). */
    uint32_t sum = (0x45u << 8 | tos) + total_len + id + (df ? IPV4_DF : 0)
                   + ((uint32_t) ttl << 8 | proto)
                   + (src >> 16) + (src & 0xffff)
                   + (dst >> 16) + (dst & 0xffff);
    vh_put_be16(ip + VH_IPV4_CSUM_OFF, vh_csum_fold(sum));
}

static void
put_payload(uint8_t *dst, const uint8_t *payload, uint32_t len)
{
    if (payload) {
        memcpy(dst, payload, len);
    } else {
        for (uint32_t i = 0; i < len; i++) {
            dst[i] = (uint8_t) i;
        }
    }
}

/* What vh_csum_partial() of 'len' bytes of put_payload()'s payload
 * gives, computed without reading it back (see vh_ipv4_put): from
 * 'payload' when there is one, else from the pattern 0, 1, ... 255, 0,
 * whose 256-byte period sums to PATTERN_PERIOD_SUM. */
#define PATTERN_PERIOD_SUM 4177920u

static uint32_t
payload_sum(const uint8_t *payload, uint32_t len)
{
    if (payload) {
        return vh_csum_partial(payload, len, 0);
    }
    /* The last, partial period's bytes are 0, 1, ... r - 1: the even ones
     * (0 to 2k - 2) lead their 16-bit words and sum to k(k - 1), the odd
     * ones (1 to 2m - 1) end them and sum to m^2.  A loop over the bytes
     * was 1 % of a run of small frames. */
    uint64_t r = len % 256, k = (r + 1) / 2, m = r / 2;
    uint64_t evens = k ? k * (k - 1) : 0;
    uint64_t s = (uint64_t) (len / 256) * PATTERN_PERIOD_SUM
                 + evens * 256 + m * m;
    while (s >> 32) {
        s = (s & 0xffffffffu) + (s >> 32);
    }
    return (uint32_t) s;
}

/* Zero-pads a frame of 'len' bytes to the Ethernet minimum, as the sending
 * NIC does; returns the padded length. */
static uint32_t
pad_frame(uint8_t *buf, uint32_t len)
{
    if (len < VH_ETH_MIN_FRAME) {
        memset(buf + len, 0, VH_ETH_MIN_FRAME - len);
        return VH_ETH_MIN_FRAME;
    }
    return len;
}

uint32_t
vh_build_udp(uint8_t *buf, const struct vh_ip_hdr_spec *spec,
             uint16_t sport, uint16_t dport,
             const uint8_t *payload, uint32_t payload_len)
{
    uint32_t l4_len = VH_UDP_HLEN + payload_len;
    uint32_t l4 = vh_put_eth_ip(buf, spec, VH_IPPROTO_UDP, l4_len);
    uint8_t *udp = buf + l4;

    vh_put_be16(udp + VH_UDP_SPORT_OFF, sport);
    vh_put_be16(udp + VH_UDP_DPORT_OFF, dport);
    vh_put_be16(udp + VH_UDP_LEN_OFF, (uint16_t) l4_len);
    vh_put_be16(udp + VH_UDP_CSUM_OFF, 0);
    put_payload(udp + VH_UDP_HLEN, payload, payload_len);

    /* The header's words and the payload's sum, none of it read back
     * from the frame (see vh_ipv4_put); the payload starts at an even
     * offset, so its words are the segment's. */
    uint64_t s = (uint64_t) vh_pseudo_sum_spec(spec, VH_IPPROTO_UDP, l4_len)
                 + sport + dport + l4_len
                 + payload_sum(payload, payload_len);
    while (s >> 32) {
        s = (s & 0xffffffffu) + (s >> 32);
    }
    uint16_t csum = vh_csum_fold((uint32_t) s);
    /* 0 on the wire means "no checksum", so a computed 0 goes as its
     * one's-complement twin (RFC 768). */
    vh_put_be16(udp + VH_UDP_CSUM_OFF, csum ? csum : 0xffff);
    return pad_frame(buf, l4 + l4_len);
}

uint32_t
vh_build_icmp_echo(uint8_t *buf, const struct vh_ip_hdr_spec *spec,
                   uint8_t type, uint16_t id, uint16_t seq,
                   const uint8_t *payload, uint32_t payload_len)
{
    uint32_t l4_len = VH_ICMP_HLEN + payload_len;
    uint32_t l4 = vh_put_eth_ip(buf, spec, spec->v6 ? VH_IPPROTO_ICMPV6
                                                    : VH_IPPROTO_ICMP, l4_len);
    uint8_t *icmp = buf + l4;

    if (spec->v6) {
        type = type == VH_ICMP_ECHO_REQUEST ? VH_ICMP6_ECHO_REQUEST
                                            : VH_ICMP6_ECHO_REPLY;
    }
    icmp[0] = type;
    icmp[1] = 0;
    vh_put_be16(icmp + VH_ICMP_CSUM_OFF, 0);
    vh_put_be16(icmp + VH_ICMP_ID_OFF, id);
    vh_put_be16(icmp + VH_ICMP_SEQ_OFF, seq);
    put_payload(icmp + VH_ICMP_HLEN, payload, payload_len);
    /* ICMPv6 sums the pseudo-header too (RFC 4443 section 2.3). */
    uint32_t sum = spec->v6 ? vh_pseudo_sum_spec(spec, VH_IPPROTO_ICMPV6,
                                                 l4_len)
                            : 0;
    vh_put_be16(icmp + VH_ICMP_CSUM_OFF,
          vh_csum_fold(vh_csum_partial(icmp, l4_len, sum)));
    return pad_frame(buf, l4 + l4_len);
}

/* A NULL 'tha' means all zeros (a request), a NULL 'eth_dst' broadcast. */
uint32_t
vh_build_arp(uint8_t *buf, uint16_t op,
             const struct vh_mac *sha, uint32_t spa,
             const struct vh_mac *tha, uint32_t tpa,
             const struct vh_mac *eth_dst)
{
    static const struct vh_mac zero_mac;
    uint32_t l3 = put_eth(buf, eth_dst ? eth_dst : &vh_mac_broadcast, sha,
                          false, 0, VH_ETHERTYPE_ARP);
    uint8_t *arp = buf + l3;

    vh_put_be16(arp, 1);                      /* Hardware type: Ethernet. */
    vh_put_be16(arp + 2, VH_ETHERTYPE_IPV4);  /* Protocol type. */
    arp[4] = VH_ETH_ALEN;
    arp[5] = 4;
    vh_put_be16(arp + 6, op);
    memcpy(arp + 8, sha->b, VH_ETH_ALEN);
    vh_put_be32(arp + 14, spa);
    memcpy(arp + 18, (tha ? tha : &zero_mac)->b, VH_ETH_ALEN);
    vh_put_be32(arp + 24, tpa);
    return pad_frame(buf, l3 + VH_ARP_LEN);
}

static int
parse_udp(const uint8_t *udp, uint32_t l4_len, struct vh_frame_info *out,
          bool verify)
{
    if (l4_len < VH_UDP_HLEN) {
        return -1;
    }
    out->sport = vh_get_be16(udp + VH_UDP_SPORT_OFF);
    out->dport = vh_get_be16(udp + VH_UDP_DPORT_OFF);
    out->l4_len = vh_get_be16(udp + VH_UDP_LEN_OFF);
    /* Like Linux, a UDP length shorter than the IP payload is accepted
     * (the rest is ignored); a longer one is a truncated datagram. */
    if (out->l4_len < VH_UDP_HLEN || out->l4_len > l4_len) {
        return -1;
    }
    /* IPv6 has no checksum-less UDP (RFC 8200 section 8.1). */
    if (verify && (vh_get_be16(udp + VH_UDP_CSUM_OFF) != 0
                   || out->is_ipv6)) {
        uint32_t sum = out->is_ipv6
            ? vh_ip6_pseudo_sum(&out->ip6_src, &out->ip6_dst, VH_IPPROTO_UDP,
                                out->l4_len)
            : pseudo_sum(out->ip_src, out->ip_dst, VH_IPPROTO_UDP,
                         out->l4_len);
        if (vh_csum_fold(vh_csum_partial(udp, out->l4_len, sum)) != 0) {
            return -1;
        }
    }
    return 0;
}

static int
parse_icmp(const uint8_t *icmp, uint32_t l4_len, struct vh_frame_info *out,
           bool verify)
{
    if (l4_len < VH_ICMP_HLEN) {
        return -1;
    }
    out->icmp_type = icmp[0];
    out->icmp_code = icmp[1];
    bool echo = out->is_ipv6
        ? icmp[0] == VH_ICMP6_ECHO_REQUEST || icmp[0] == VH_ICMP6_ECHO_REPLY
        : icmp[0] == VH_ICMP_ECHO_REQUEST || icmp[0] == VH_ICMP_ECHO_REPLY;
    if (echo) {
        out->icmp_id = vh_get_be16(icmp + VH_ICMP_ID_OFF);
        out->icmp_seq = vh_get_be16(icmp + VH_ICMP_SEQ_OFF);
    }
    uint32_t sum = out->is_ipv6
        ? vh_ip6_pseudo_sum(&out->ip6_src, &out->ip6_dst, VH_IPPROTO_ICMPV6,
                            l4_len)
        : 0;
    if (verify && vh_csum_fold(vh_csum_partial(icmp, l4_len, sum)) != 0) {
        return -1;
    }
    return 0;
}

static int
parse_ipv4(const uint8_t *frame, uint32_t len, struct vh_frame_info *out,
           bool verify)
{
    uint32_t room = len - out->l3_off;
    const uint8_t *ip = frame + out->l3_off;

    if (room < VH_IPV4_HLEN || ip[0] >> 4 != 4) {
        return -1;
    }
    out->is_ipv4 = true;
    out->ip_total_len = vh_get_be16(ip + VH_IPV4_TOTLEN_OFF);
    out->ip_ttl = ip[VH_IPV4_TTL_OFF];
    out->ip_proto = ip[VH_IPV4_PROTO_OFF];
    out->ip_src = vh_get_be32(ip + VH_IPV4_SRC_OFF);
    out->ip_dst = vh_get_be32(ip + VH_IPV4_DST_OFF);

    uint32_t ihl = (ip[0] & 0xfu) * 4;
    /* Bytes past the total length are Ethernet padding, not IP. */
    if (ihl < VH_IPV4_HLEN || out->ip_total_len < ihl
        || out->ip_total_len > room) {
        return -1;
    }
    out->l4_off = (uint16_t) (out->l3_off + ihl);
    if (verify && vh_csum_fold(vh_csum_partial(ip, ihl, 0)) != 0) {
        return -1;
    }

    /* A fragment's L4 header is absent or its checksum covers bytes that
     * are not here, so only the IP layer of a fragment is parsed. */
    uint16_t frag = vh_get_be16(ip + VH_IPV4_FRAG_OFF);
    if (frag & (IPV4_MF | IPV4_FRAG_OFF_MASK)) {
        return 0;
    }

    uint32_t l4_len = out->ip_total_len - ihl;
    const uint8_t *l4 = ip + ihl;
    switch (out->ip_proto) {
    case VH_IPPROTO_UDP:
        return parse_udp(l4, l4_len, out, verify);
    case VH_IPPROTO_ICMP:
        return parse_icmp(l4, l4_len, out, verify);
    default:
        return 0;
    }
}

/* IPv6 without extension headers: what the endpoints send.  A header
 * the stack does not parse leaves the next header in 'ip_proto' and
 * nothing after it read. */
static int
parse_ipv6(const uint8_t *frame, uint32_t len, struct vh_frame_info *out,
           bool verify)
{
    uint32_t room = len - out->l3_off;
    const uint8_t *ip = frame + out->l3_off;

    if (room < VH_IPV6_HLEN || ip[0] >> 4 != 6) {
        return -1;
    }
    out->is_ipv6 = true;
    uint32_t plen = vh_get_be16(ip + VH_IPV6_PLEN_OFF);
    out->ip_proto = ip[VH_IPV6_NEXT_OFF];
    out->ip_ttl = ip[VH_IPV6_HOPS_OFF];
    memcpy(out->ip6_src.b, ip + VH_IPV6_SRC_OFF, 16);
    memcpy(out->ip6_dst.b, ip + VH_IPV6_DST_OFF, 16);
    if (plen > room - VH_IPV6_HLEN) {
        return -1;
    }
    out->ip_total_len = (uint16_t) (VH_IPV6_HLEN + plen);
    out->l4_off = (uint16_t) (out->l3_off + VH_IPV6_HLEN);
    const uint8_t *l4 = ip + VH_IPV6_HLEN;
    switch (out->ip_proto) {
    case VH_IPPROTO_UDP:
        return parse_udp(l4, plen, out, verify);
    case VH_IPPROTO_ICMPV6:
        return parse_icmp(l4, plen, out, verify);
    default:
        return 0;
    }
}

/* Only Ethernet/IPv4 ARP exists on the links we model, so any other
 * hardware or protocol type counts as inconsistent. */
static int
parse_arp(const uint8_t *frame, uint32_t len, struct vh_frame_info *out)
{
    const uint8_t *arp = frame + out->l3_off;

    if (len - out->l3_off < VH_ARP_LEN
        || vh_get_be16(arp) != 1 || vh_get_be16(arp + 2) != VH_ETHERTYPE_IPV4
        || arp[4] != VH_ETH_ALEN || arp[5] != 4) {
        return -1;
    }
    out->is_arp = true;
    out->arp_op = vh_get_be16(arp + 6);
    memcpy(out->arp_sha.b, arp + 8, VH_ETH_ALEN);
    out->arp_spa = vh_get_be32(arp + 14);
    memcpy(out->arp_tha.b, arp + 18, VH_ETH_ALEN);
    out->arp_tpa = vh_get_be32(arp + 24);
    return 0;
}

int
vh_frame_parse(const uint8_t *frame, uint32_t len,
               struct vh_frame_info *out, bool verify)
{
    memset(out, 0, sizeof *out);
    if (len < VH_ETH_HLEN) {
        return -1;
    }
    out->dst = *vh_eth_dst(frame);
    out->src = *vh_eth_src(frame);
    out->ethertype = vh_eth_type(frame);
    out->l3_off = VH_ETH_HLEN;
    if (out->ethertype == VH_ETHERTYPE_VLAN) {
        if (len < VH_ETH_HLEN + VH_VLAN_HLEN) {
            return -1;
        }
        out->has_vlan = true;
        out->vlan_tci = vh_get_be16(frame + VH_VLAN_TCI_OFF);
        out->ethertype = vh_get_be16(frame + VH_VLAN_TYPE_OFF);
        out->l3_off = VH_ETH_HLEN + VH_VLAN_HLEN;
    }

    switch (out->ethertype) {
    case VH_ETHERTYPE_IPV4:
        return parse_ipv4(frame, len, out, verify);
    case VH_ETHERTYPE_ARP:
        return parse_arp(frame, len, out);
    case VH_ETHERTYPE_IPV6:
        return parse_ipv6(frame, len, out, verify);
    default:
        return 0;               /* Not ours to look into; not malformed. */
    }
}

uint8_t *
vh_tag_open(struct vh_packet *p, uint32_t n)
{
    assert(vh_packet_headroom(p) >= n);
    assert(p->len >= VH_ETH_HLEN);

    /* Slide the two MACs back; the old EtherType stays where it is and
     * becomes the inner one. */
    memmove(p->data - n, p->data, 2 * VH_ETH_ALEN);
    p->data -= n;
    p->len += n;
    return p->data + 2 * VH_ETH_ALEN;
}

void
vh_tag_close(struct vh_packet *p, uint32_t n)
{
    memmove(p->data + n, p->data, 2 * VH_ETH_ALEN);
    p->data += n;
    p->len -= n;
    /* A minimum-size tagged frame would be a runt once untagged; a bridge
     * pads it back to the minimum (802.1Q), and so do we. */
    if (p->len < VH_ETH_MIN_FRAME) {
        vh_packet_reserve(p, 0, VH_ETH_MIN_FRAME - p->len);
        p->len = pad_frame(p->data, p->len);
    }
}

void
vh_vlan_push(struct vh_packet *p, uint16_t tci)
{
    uint8_t *tag = vh_tag_open(p, VH_VLAN_HLEN);
    vh_put_be16(tag, VH_ETHERTYPE_VLAN);
    vh_put_be16(tag + 2, tci);
}

int
vh_vlan_pop(struct vh_packet *p)
{
    if (p->len < VH_ETH_HLEN + VH_VLAN_HLEN
        || vh_eth_type(p->data) != VH_ETHERTYPE_VLAN) {
        return -1;
    }
    uint16_t tci = vh_get_be16(p->data + VH_VLAN_TCI_OFF);
    vh_tag_close(p, VH_VLAN_HLEN);
    return tci;
}

static uint32_t
payload_for_size(uint32_t wire_size, uint32_t l4_hlen)
{
    uint32_t overhead = VH_ETH_FCS + VH_ETH_HLEN + VH_IPV4_HLEN + l4_hlen;

    if (wire_size < VH_ETH_MIN_FRAME + VH_ETH_FCS) {
        wire_size = VH_ETH_MIN_FRAME + VH_ETH_FCS;
    }
    return wire_size > overhead ? wire_size - overhead : 0;
}

uint32_t
vh_udp_payload_for_size(uint32_t wire_size)
{
    return payload_for_size(wire_size, VH_UDP_HLEN);
}

uint32_t
vh_icmp_payload_for_size(uint32_t wire_size)
{
    return payload_for_size(wire_size, VH_ICMP_HLEN);
}

/* IPv6's 40-byte header leaves 20 bytes less than IPv4's. */
static uint32_t
payload6_for_size(uint32_t wire_size, uint32_t l4_hlen)
{
    uint32_t p = payload_for_size(wire_size, l4_hlen);
    uint32_t extra = VH_IPV6_HLEN - VH_IPV4_HLEN;
    return p > extra ? p - extra : 0;
}

uint32_t
vh_udp6_payload_for_size(uint32_t wire_size)
{
    return payload6_for_size(wire_size, VH_UDP_HLEN);
}

uint32_t
vh_icmp6_payload_for_size(uint32_t wire_size)
{
    return payload6_for_size(wire_size, VH_ICMP_HLEN);
}

uint32_t
vh_build_rarp_announce(uint8_t *buf, const struct vh_mac *mac)
{
    /* The layout of ARP (RFC 903 reuses it) with opcode 3, reverse
     * request, sender and target hardware address both the VM's, and no
     * protocol addresses: what QEMU's qemu_announce_self() sends. */
    memset(buf, 0, VH_ETH_MIN_FRAME);
    vh_eth_set_dst(buf, &vh_mac_broadcast);
    vh_eth_set_src(buf, mac);
    vh_put_be16(buf + VH_ETH_TYPE_OFF, VH_ETHERTYPE_RARP);
    uint8_t *a = buf + VH_ETH_HLEN;
    a[1] = 1;                           /* Hardware: Ethernet. */
    a[2] = 0x08;                        /* Protocol: IPv4. */
    a[4] = VH_ETH_ALEN;
    a[5] = 4;
    a[7] = 3;                           /* Reverse request. */
    memcpy(a + 8, mac->b, VH_ETH_ALEN);
    memcpy(a + 18, mac->b, VH_ETH_ALEN);
    return VH_ETH_MIN_FRAME;
}

bool
vh_frame_flow(const uint8_t *frame, uint32_t len, struct vh_flow *out)
{
    memset(out, 0, sizeof *out);
    if (len < VH_ETH_HLEN) {
        return false;
    }
    uint32_t l3 = VH_ETH_HLEN;
    uint16_t type = vh_eth_type(frame);
    if (type == VH_ETHERTYPE_VLAN) {
        if (len < VH_VLAN_TYPE_OFF + 2) {
            return false;
        }
        l3 += VH_VLAN_HLEN;
        type = vh_get_be16(frame + VH_VLAN_TYPE_OFF);
    }
    const uint8_t *ip = frame + l3;
    if (type != VH_ETHERTYPE_IPV4 || len < l3 + VH_IPV4_HLEN
        || ip[0] >> 4 != 4) {
        return false;
    }
    uint32_t ihl = (ip[0] & 0xfu) * 4;
    if (ihl < VH_IPV4_HLEN || len < l3 + ihl) {
        return false;
    }
    out->ip_src = vh_get_be32(ip + VH_IPV4_SRC_OFF);
    out->ip_dst = vh_get_be32(ip + VH_IPV4_DST_OFF);
    out->proto = ip[VH_IPV4_PROTO_OFF];
    uint16_t frag = vh_get_be16(ip + VH_IPV4_FRAG_OFF);
    if ((out->proto == VH_IPPROTO_TCP || out->proto == VH_IPPROTO_UDP)
        && !(frag & (IPV4_MF | IPV4_FRAG_OFF_MASK)) && len >= l3 + ihl + 4) {
        out->has_ports = true;
        out->sport = vh_get_be16(ip + ihl + VH_UDP_SPORT_OFF);
        out->dport = vh_get_be16(ip + ihl + VH_UDP_DPORT_OFF);
    }
    return true;
}

int
vh_frame_vlan(const uint8_t *frame, uint32_t len)
{
    if (len < VH_ETH_HLEN + VH_VLAN_HLEN
        || vh_eth_type(frame) != VH_ETHERTYPE_VLAN) {
        return -1;
    }
    return vh_get_be16(frame + VH_VLAN_TCI_OFF) & 0xfff;
}

bool
vh_frame_arp_request(const uint8_t *frame, uint32_t len, uint32_t *tpa)
{
    struct vh_frame_info fi;
    if (vh_frame_parse(frame, len, &fi, false) || !fi.is_arp
        || fi.arp_op != VH_ARP_REQUEST) {
        return false;
    }
    *tpa = fi.arp_tpa;
    return true;
}
