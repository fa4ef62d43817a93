/* models/ovs/flowkey.c: extracting, masking, hashing and printing flow
 * keys.
 *
 * Every operation but extraction and printing goes over the words of the
 * key, so it costs the same whatever the fields are, and a mask is
 * applied without knowing which fields it covers.  (Hashing alone looks
 * at whether the IPv6 words are set: see ofkey_hash_masked().) */
#include "models/ovs/flowkey.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sim/hash.h"
#include "models/ovs/ovsfmt.h"
#include "sim/frame.h"
#include "sim/ip6.h"

#define IPV4_FRAG_OFF_MASK 0x1fff

/* The L4 fields of an IPv4 packet whose header starts at 'l4', with
 * 'room' bytes of it in the frame. */
static void
extract_l4(const uint8_t *l4, uint32_t room, struct ofkey *key)
{
    switch (key->nw_proto) {
    case VH_IPPROTO_UDP:
    case VH_IPPROTO_TCP:
        if (room >= 4) {
            key->tp_src = vh_get_be16(l4);
            key->tp_dst = vh_get_be16(l4 + 2);
        }
        break;
    case VH_IPPROTO_ICMP:
        if (room >= 2) {
            key->tp_src = l4[0];
            key->tp_dst = l4[1];
        }
        break;
    default:
        break;
    }
}

static void
extract_ipv4(const uint8_t *ip, uint32_t room, struct ofkey *key)
{
    if (room < VH_IPV4_HLEN || ip[0] >> 4 != 4) {
        return;
    }
    uint32_t ihl = (ip[0] & 0xfu) * 4;
    if (ihl < VH_IPV4_HLEN || ihl > room) {
        return;
    }
    key->nw_tos = ip[1];
    key->nw_ttl = ip[VH_IPV4_TTL_OFF];
    key->nw_proto = ip[VH_IPV4_PROTO_OFF];
    key->nw_src = vh_get_be32(ip + VH_IPV4_SRC_OFF);
    key->nw_dst = vh_get_be32(ip + VH_IPV4_DST_OFF);

    /* A later fragment carries no L4 header, only more of the payload:
     * its first bytes are not ports. */
    if (vh_get_be16(ip + VH_IPV4_FRAG_OFF) & IPV4_FRAG_OFF_MASK) {
        key->nw_frag = 1;
        return;
    }
    extract_l4(ip + ihl, room - ihl, key);
}

/* A neighbour solicitation's or advertisement's target, and its
 * link-layer address option, from the ICMPv6 message at 'icmp' (RFC 4861
 * 4.3, 4.4: the target at byte 8, options from byte 24 in units of 8
 * bytes).  A malformed option ends the walk with what was found, as an
 * option of length 0 makes OVS give up on the options. */
static void
extract_nd(const uint8_t *icmp, uint32_t room, struct ofkey *key)
{
    if (room < 24 || icmp[1] != 0) {
        return;
    }
    memcpy(key->nd_target, icmp + 8, 16);
    for (uint32_t off = 24; off + 8 <= room;) {
        uint32_t olen = icmp[off + 1] * 8u;
        if (!olen || off + olen > room) {
            return;
        }
        if (icmp[off] == VH_ND_OPT_SLLA && olen == 8
            && icmp[0] == VH_ICMP6_NS) {
            memcpy(key->nd_sll, icmp + off + 2, VH_ETH_ALEN);
        } else if (icmp[off] == VH_ND_OPT_TLLA && olen == 8
                   && icmp[0] == VH_ICMP6_NA) {
            memcpy(key->nd_tll, icmp + off + 2, VH_ETH_ALEN);
        }
        off += olen;
    }
}

/* The fixed header, then the extension headers up to the upper-layer
 * protocol.  A later fragment stops there: its ports are not there. */
static void
extract_ipv6(const uint8_t *ip, uint32_t room, struct ofkey *key)
{
    if (room < VH_IPV6_HLEN || ip[0] >> 4 != 6) {
        return;
    }
    key->nw_tos = (uint8_t) ((ip[0] & 0xfu) << 4 | ip[1] >> 4);
    key->ipv6_label = (uint32_t) (ip[1] & 0xfu) << 16
                      | (uint32_t) ip[2] << 8 | ip[3];
    key->nw_ttl = ip[VH_IPV6_HOPS_OFF];
    memcpy(key->ipv6_src, ip + VH_IPV6_SRC_OFF, 16);
    memcpy(key->ipv6_dst, ip + VH_IPV6_DST_OFF, 16);

    uint8_t next = ip[VH_IPV6_NEXT_OFF];
    uint32_t off = VH_IPV6_HLEN;
    for (;;) {
        if (next == VH_IP6_EXT_HOPOPTS || next == VH_IP6_EXT_ROUTING
            || next == VH_IP6_EXT_DSTOPTS) {
            if (off + 8 > room) {
                return;
            }
            uint32_t hlen = (ip[off + 1] + 1u) * 8;
            next = ip[off];
            off += hlen;
        } else if (next == VH_IP6_EXT_FRAGMENT) {
            if (off + 8 > room) {
                return;
            }
            next = ip[off];
            bool later = (vh_get_be16(ip + off + 2) & 0xfff8) != 0;
            off += 8;
            if (later) {
                key->nw_proto = next;
                key->nw_frag = 1;
                return;
            }
        } else {
            break;
        }
    }
    key->nw_proto = next;
    if (off > room) {
        return;
    }
    const uint8_t *l4 = ip + off;
    room -= off;
    if (next == VH_IPPROTO_ICMPV6) {
        if (room >= 2) {
            key->tp_src = l4[0];
            key->tp_dst = l4[1];
        }
        if (l4[0] == VH_ICMP6_NS || l4[0] == VH_ICMP6_NA) {
            extract_nd(l4, room, key);
        }
    } else {
        extract_l4(l4, room, key);
    }
}

/* Only Ethernet/IPv4 ARP has the addresses the key has room for. */
static void
extract_arp(const uint8_t *arp, uint32_t room, struct ofkey *key)
{
    if (room < VH_ARP_LEN || vh_get_be16(arp) != 1
        || vh_get_be16(arp + 2) != VH_ETHERTYPE_IPV4
        || arp[4] != VH_ETH_ALEN || arp[5] != 4) {
        return;
    }
    key->nw_proto = (uint8_t) vh_get_be16(arp + 6);
    key->nw_src = vh_get_be32(arp + 14);
    key->nw_dst = vh_get_be32(arp + 24);
}

void
ofkey_extract(const uint8_t *frame, uint32_t len, uint32_t in_port,
              struct ofkey *key)
{
    memset(key, 0, sizeof *key);
    key->in_port = in_port;
    if (len < VH_ETH_HLEN) {
        return;
    }
    memcpy(key->dl_dst, frame + VH_ETH_DST_OFF, VH_ETH_ALEN);
    memcpy(key->dl_src, frame + VH_ETH_SRC_OFF, VH_ETH_ALEN);

    uint32_t l3 = VH_ETH_HLEN;
    uint16_t type = vh_eth_type(frame);
    if (type == VH_ETHERTYPE_VLAN) {
        if (len < VH_ETH_HLEN + VH_VLAN_HLEN) {
            return;
        }
        /* The CFI bit is always set so that VID 0 with PCP 0, a priority
         * tag, still reads as "tagged". */
        key->vlan_tci = vh_get_be16(frame + VH_VLAN_TCI_OFF) | OFKEY_VLAN_CFI;
        type = vh_get_be16(frame + VH_VLAN_TYPE_OFF);
        l3 += VH_VLAN_HLEN;
    }
    key->dl_type = type;

    switch (type) {
    case VH_ETHERTYPE_IPV4:
        extract_ipv4(frame + l3, len - l3, key);
        break;
    case VH_ETHERTYPE_ARP:
        extract_arp(frame + l3, len - l3, key);
        break;
    case OFKEY_ETHERTYPE_IPV6:
        extract_ipv6(frame + l3, len - l3, key);
        break;
    default:
        break;
    }
}

void
ofkey_and(struct ofkey *dst, const struct ofkey *a, const struct ofkey *mask)
{
    for (int i = 0; i < OFKEY_WORDS; i++) {
        dst->w[i] = a->w[i] & mask->w[i];
    }
}

void
ofkey_or(struct ofkey *dst, const struct ofkey *src)
{
    for (int i = 0; i < OFKEY_WORDS; i++) {
        dst->w[i] |= src->w[i];
    }
}

bool
ofkey_eq_masked(const struct ofkey *a, const struct ofkey *b,
                const struct ofkey *mask)
{
    uint64_t diff = 0;
    for (int i = 0; i < OFKEY_WORDS; i++) {
        diff |= (a->w[i] ^ b->w[i]) & mask->w[i];
    }
    return !diff;
}

bool
ofkey_eq(const struct ofkey *a, const struct ofkey *b)
{
    uint64_t diff = 0;
    for (int i = 0; i < OFKEY_WORDS; i++) {
        diff |= a->w[i] ^ b->w[i];
    }
    return !diff;
}

bool
ofkey_is_zero(const struct ofkey *k)
{
    uint64_t any = 0;
    for (int i = 0; i < OFKEY_WORDS; i++) {
        any |= k->w[i];
    }
    return !any;
}

/* MurmurHash3 (sim/hash.h) over the key's words, then its length, so
 * keys differing in few bits (as a table's masked matches often do) land
 * in unrelated buckets. */
static inline uint32_t
hash_finish(uint32_t h, uint32_t n_bytes)
{
    return vh_hash_finish(h ^ n_bytes);
}

uint32_t
ofkey_hash_masked(const struct ofkey *key, const struct ofkey *mask,
                  uint32_t basis)
{
    uint32_t h = basis;
    uint64_t v6 = 0;
    for (int i = 0; i < OFKEY_V4_WORDS; i++) {
        uint64_t w = key->w[i] & mask->w[i];
        h = vh_hash_add(h, (uint32_t) w);
        h = vh_hash_add(h, (uint32_t) (w >> 32));
    }
    for (int i = OFKEY_V4_WORDS; i < OFKEY_WORDS; i++) {
        v6 |= key->w[i] & mask->w[i];
    }
    if (!v6) {
        return hash_finish(h, OFKEY_V4_WORDS * 8);
    }
    for (int i = OFKEY_V4_WORDS; i < OFKEY_WORDS; i++) {
        uint64_t w = key->w[i] & mask->w[i];
        h = vh_hash_add(h, (uint32_t) w);
        h = vh_hash_add(h, (uint32_t) (w >> 32));
    }
    return hash_finish(h, sizeof *key);
}

/* Printing. */

/* Starts field 'name' of a "section(a=1,b=2)", with its comma. */
static void
fmt_field(struct ovsfmt *f, bool *first, const char *name)
{
    ovsfmt_add(f, "%s%s=", *first ? "" : ",", name);
    *first = false;
}

static void
fmt_mac(struct ovsfmt *f, bool *first, const char *name, const uint8_t *v,
        const uint8_t *m)
{
    static const uint8_t all[VH_ETH_ALEN] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff
    };
    static const uint8_t none[VH_ETH_ALEN];
    char b1[18], b2[18];

    if (!memcmp(m, none, VH_ETH_ALEN)) {
        return;
    }
    fmt_field(f, first, name);
    struct vh_mac mv, mm;
    for (int i = 0; i < VH_ETH_ALEN; i++) {
        mv.b[i] = v[i] & m[i];
        mm.b[i] = m[i];
    }
    ovsfmt_add(f, "%s", vh_mac_format(&mv, b1));
    if (memcmp(m, all, VH_ETH_ALEN)) {
        ovsfmt_add(f, "/%s", vh_mac_format(&mm, b2));
    }
}

static void
fmt_ip(struct ovsfmt *f, bool *first, const char *name, uint32_t v, uint32_t m)
{
    char b1[16], b2[16];

    if (!m) {
        return;
    }
    fmt_field(f, first, name);
    ovsfmt_add(f, "%s", vh_ipv4_format(v & m, b1));
    if (m != UINT32_MAX) {
        ovsfmt_add(f, "/%s", vh_ipv4_format(m, b2));
    }
}

/* A number, in decimal, with its mask in hex when partial; 'all' is the
 * field's full mask. */
static void
fmt_num(struct ovsfmt *f, bool *first, const char *name, uint32_t v,
        uint32_t m, uint32_t all)
{
    if (!m) {
        return;
    }
    fmt_field(f, first, name);
    ovsfmt_add(f, "%" PRIu32, v & m);
    if (m != all) {
        ovsfmt_add(f, "/%#" PRIx32, m);
    }
}

static void
fmt_hex(struct ovsfmt *f, bool *first, const char *name, uint32_t v,
        uint32_t m, uint32_t all)
{
    if (!m) {
        return;
    }
    fmt_field(f, first, name);
    ovsfmt_add(f, "%#" PRIx32, v & m);
    if (m != all) {
        ovsfmt_add(f, "/%#" PRIx32, m);
    }
}

static bool
mac_masked(const uint8_t *m)
{
    for (int i = 0; i < VH_ETH_ALEN; i++) {
        if (m[i]) {
            return true;
        }
    }
    return false;
}

static bool
ipv4_masked(const struct ofkey *m)
{
    return m->nw_src || m->nw_dst || m->nw_proto || m->nw_tos || m->nw_ttl
           || m->nw_frag;
}

/* frag() of ipv4() or ipv6(), when matched.  The key cannot tell a
 * first fragment from a whole packet, so only "no" and "later" of OVS's
 * three values appear. */
static void
fmt_frag(struct ovsfmt *f, bool *first, const struct ofkey *k,
         const struct ofkey *m)
{
    if (m->nw_frag) {
        fmt_field(f, first, "frag");
        ovsfmt_add(f, "%s", k->nw_frag & m->nw_frag ? "later" : "no");
    }
}

/* The transport part behind ipv4() or ipv6(), when its ports are
 * matched: udp(), tcp(), the family's ICMP ('icmp_name', for protocol
 * 'icmp_proto', with type and code), or l4() when the protocol is not
 * matched. */
static void
fmt_l4(struct ovsfmt *f, const struct ofkey *k, const struct ofkey *m,
       uint8_t icmp_proto, const char *icmp_name)
{
    if (!m->tp_src && !m->tp_dst) {
        return;
    }
    const char *name = "l4", *src = "src", *dst = "dst";
    uint8_t proto = k->nw_proto & m->nw_proto;
    if (proto == VH_IPPROTO_UDP) {
        name = "udp";
    } else if (proto == VH_IPPROTO_TCP) {
        name = "tcp";
    } else if (proto == icmp_proto) {
        name = icmp_name;
        src = "type";
        dst = "code";
    }
    bool first = true;
    ovsfmt_add(f, ",%s(", name);
    fmt_num(f, &first, src, k->tp_src, m->tp_src, 0xffff);
    fmt_num(f, &first, dst, k->tp_dst, m->tp_dst, 0xffff);
    ovsfmt_add(f, ")");
}

static void
fmt_ipv4(struct ovsfmt *f, const struct ofkey *k, const struct ofkey *m)
{
    bool first = true;

    ovsfmt_add(f, ",ipv4(");
    fmt_ip(f, &first, "src", k->nw_src, m->nw_src);
    fmt_ip(f, &first, "dst", k->nw_dst, m->nw_dst);
    fmt_num(f, &first, "proto", k->nw_proto, m->nw_proto, 0xff);
    fmt_hex(f, &first, "tos", k->nw_tos, m->nw_tos, 0xff);
    fmt_num(f, &first, "ttl", k->nw_ttl, m->nw_ttl, 0xff);
    fmt_frag(f, &first, k, m);
    ovsfmt_add(f, ")");
    fmt_l4(f, k, m, VH_IPPROTO_ICMP, "icmp");
}

static void
fmt_arp(struct ovsfmt *f, const struct ofkey *k, const struct ofkey *m)
{
    bool first = true;

    ovsfmt_add(f, ",arp(");
    fmt_ip(f, &first, "sip", k->nw_src, m->nw_src);
    fmt_ip(f, &first, "tip", k->nw_dst, m->nw_dst);
    fmt_num(f, &first, "op", k->nw_proto, m->nw_proto, 0xff);
    ovsfmt_add(f, ")");
}

static bool
bytes_zero(const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (b[i]) {
            return false;
        }
    }
    return true;
}

/* An IPv6 address under its mask, "/MASK" written as an address when
 * partial, as ovs-dpctl does. */
static void
fmt_ip6(struct ovsfmt *f, bool *first, const char *name, const uint8_t *v,
        const uint8_t *m)
{
    uint8_t vm[16];
    char b[INET6_ADDRSTRLEN];

    if (bytes_zero(m, 16)) {
        return;
    }
    fmt_field(f, first, name);
    for (int i = 0; i < 16; i++) {
        vm[i] = v[i] & m[i];
    }
    ovsfmt_add(f, "%s", inet_ntop(AF_INET6, vm, b, sizeof b));
    bool all = true;
    for (int i = 0; i < 16; i++) {
        all &= m[i] == 0xff;
    }
    if (!all) {
        ovsfmt_add(f, "/%s", inet_ntop(AF_INET6, m, b, sizeof b));
    }
}

static bool
ipv6_masked(const struct ofkey *m)
{
    return ipv4_masked(m) || m->ipv6_label
           || !bytes_zero(m->ipv6_src, 16) || !bytes_zero(m->ipv6_dst, 16);
}

static bool
nd_masked(const struct ofkey *m)
{
    return !bytes_zero(m->nd_target, 16) || mac_masked(m->nd_sll)
           || mac_masked(m->nd_tll);
}

static void
fmt_ipv6(struct ovsfmt *f, const struct ofkey *k, const struct ofkey *m)
{
    bool first = true;

    ovsfmt_add(f, ",ipv6(");
    fmt_ip6(f, &first, "src", k->ipv6_src, m->ipv6_src);
    fmt_ip6(f, &first, "dst", k->ipv6_dst, m->ipv6_dst);
    fmt_hex(f, &first, "label", k->ipv6_label, m->ipv6_label, 0xfffff);
    fmt_num(f, &first, "proto", k->nw_proto, m->nw_proto, 0xff);
    fmt_hex(f, &first, "tclass", k->nw_tos, m->nw_tos, 0xff);
    fmt_num(f, &first, "hlimit", k->nw_ttl, m->nw_ttl, 0xff);
    fmt_frag(f, &first, k, m);
    ovsfmt_add(f, ")");
    fmt_l4(f, k, m, VH_IPPROTO_ICMPV6, "icmpv6");
    if (nd_masked(m)) {
        first = true;
        ovsfmt_add(f, ",nd(");
        fmt_ip6(f, &first, "target", k->nd_target, m->nd_target);
        fmt_mac(f, &first, "sll", k->nd_sll, m->nd_sll);
        fmt_mac(f, &first, "tll", k->nd_tll, m->nd_tll);
        ovsfmt_add(f, ")");
    }
}

/* eth_type() and what lies behind it: ipv4() or ipv6() and its L4, or
 * arp(). */
static void
fmt_l3(struct ovsfmt *f, const struct ofkey *k, const struct ofkey *m,
       bool first)
{
    if (m->dl_type) {
        ovsfmt_add(f, "%seth_type(0x%04x", first ? "" : ",",
                   (unsigned) (k->dl_type & m->dl_type));
        if (m->dl_type != 0xffff) {
            ovsfmt_add(f, "/0x%04x", (unsigned) m->dl_type);
        }
        ovsfmt_add(f, ")");
    }
    if ((k->dl_type & m->dl_type) == VH_ETHERTYPE_ARP) {
        if (ipv4_masked(m)) {
            fmt_arp(f, k, m);
        }
    } else if ((k->dl_type & m->dl_type) == OFKEY_ETHERTYPE_IPV6) {
        if (ipv6_masked(m) || m->tp_src || m->tp_dst || nd_masked(m)) {
            fmt_ipv6(f, k, m);
        }
    } else if (ipv4_masked(m) || m->tp_src || m->tp_dst) {
        fmt_ipv4(f, k, m);
    }
}

char *
ofkey_format(const struct ofkey *key, const struct ofkey *mask,
             char *buf, size_t size)
{
    struct ofkey all;
    struct ovsfmt f;
    bool first = true;

    ovsfmt_init(&f, buf, size);
    if (!mask) {
        memset(&all, 0xff, sizeof all);
        mask = &all;
    }
    const struct ofkey *m = mask;

    /* Like the datapath's, a key without a tunnel has no tunnel() at
     * all, rather than tun_id=0. */
    if (key->tun_id & m->tun_id) {
        ovsfmt_add(&f, "tunnel(tun_id=%#" PRIx32, key->tun_id & m->tun_id);
        if (m->tun_id != UINT32_MAX) {
            ovsfmt_add(&f, "/%#" PRIx32, m->tun_id);
        }
        ovsfmt_add(&f, ")");
        first = false;
    }
    if (m->in_port) {
        ovsfmt_add(&f, "%sin_port(%" PRIu32, first ? "" : ",",
                   key->in_port & m->in_port);
        if (m->in_port != UINT32_MAX) {
            ovsfmt_add(&f, "/%#" PRIx32, m->in_port);
        }
        ovsfmt_add(&f, ")");
        first = false;
    }
    if (m->pkt_mark) {
        ovsfmt_add(&f, "%sskb_mark(%#" PRIx32, first ? "" : ",",
                   key->pkt_mark & m->pkt_mark);
        if (m->pkt_mark != UINT32_MAX) {
            ovsfmt_add(&f, "/%#" PRIx32, m->pkt_mark);
        }
        ovsfmt_add(&f, ")");
        first = false;
    }
    if (mac_masked(m->dl_src) || mac_masked(m->dl_dst)) {
        bool efirst = true;
        ovsfmt_add(&f, "%seth(", first ? "" : ",");
        fmt_mac(&f, &efirst, "src", key->dl_src, m->dl_src);
        fmt_mac(&f, &efirst, "dst", key->dl_dst, m->dl_dst);
        ovsfmt_add(&f, ")");
        first = false;
    }

    /* A tagged key is printed as the datapath shows one: the tag, then
     * the rest inside encap().  An untagged key shows no vlan() even when
     * its mask requires "untagged", as in ovs-dpctl. */
    if (key->vlan_tci & m->vlan_tci & OFKEY_VLAN_CFI) {
        bool vfirst = true;
        uint16_t tci = key->vlan_tci & m->vlan_tci;
        ovsfmt_add(&f, "%seth_type(0x8100),vlan(", first ? "" : ",");
        fmt_num(&f, &vfirst, "vid", tci & 0xfffu, m->vlan_tci & 0xfffu,
                0xfff);
        fmt_num(&f, &vfirst, "pcp", (unsigned) tci >> 13,
                (unsigned) m->vlan_tci >> 13, 7);
        ovsfmt_add(&f, "),encap(");
        fmt_l3(&f, key, m, true);
        ovsfmt_add(&f, ")");
    } else {
        fmt_l3(&f, key, m, first);
    }
    return buf;
}
