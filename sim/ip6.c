/* sim/ip6.c: IPv6 addresses, header and neighbour discovery messages. */
#include "sim/ip6.h"

#include <stdio.h>
#include <string.h>

const struct vh_ip6 vh_ip6_any;
const struct vh_ip6 vh_ip6_all_nodes = {
    { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }
};
const struct vh_ip6 vh_ip6_all_routers = {
    { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 }
};

bool
vh_ip6_same_prefix(const struct vh_ip6 *a, const struct vh_ip6 *b,
                   int prefix)
{
    struct vh_ip6 ma = vh_ip6_masked(a, prefix);
    struct vh_ip6 mb = vh_ip6_masked(b, prefix);
    return vh_ip6_eq(&ma, &mb);
}

struct vh_ip6
vh_ip6_masked(const struct vh_ip6 *a, int prefix)
{
    struct vh_ip6 m = *a;
    for (int i = 0; i < 16; i++) {
        int keep = prefix - i * 8;
        if (keep <= 0) {
            m.b[i] = 0;
        } else if (keep < 8) {
            m.b[i] &= (uint8_t) (0xff << (8 - keep));
        }
    }
    return m;
}

static int
hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Reads up to four hex digits at '*sp' into '*v'; false if none. */
static bool
parse_group(const char **sp, uint16_t *v)
{
    const char *s = *sp;
    unsigned int n = 0;
    int digits = 0;
    while (digits < 4 && hexval(*s) >= 0) {
        n = n << 4 | (unsigned int) hexval(*s++);
        digits++;
    }
    if (!digits || hexval(*s) >= 0) {
        return false;
    }
    *v = (uint16_t) n;
    *sp = s;
    return true;
}

/* The address part, up to 'end': groups, at most one "::", and an
 * embedded dotted quad as the last 32 bits. */
static bool
parse_addr(const char *s, const char *end, struct vh_ip6 *out)
{
    uint16_t g[8];
    int n = 0, gap = -1;

    if (s[0] == ':' && s[1] == ':') {
        gap = 0;
        s += 2;
    } else if (s[0] == ':') {
        return false;
    }
    while (s < end) {
        if (n == 8) {
            return false;
        }
        /* A dotted quad ends the address and takes two groups. */
        const char *colon = memchr(s, ':', (size_t) (end - s));
        const char *dot = memchr(s, '.', (size_t) (end - s));
        if (dot && !colon) {
            char quad[16];
            uint32_t v4;
            size_t l = (size_t) (end - s);
            if (n > 6 || l >= sizeof quad) {
                return false;
            }
            memcpy(quad, s, l);
            quad[l] = '\0';
            if (!vh_ipv4_parse(quad, &v4, NULL)) {
                return false;
            }
            g[n++] = (uint16_t) (v4 >> 16);
            g[n++] = (uint16_t) v4;
            s = end;
            break;
        }
        if (!parse_group(&s, &g[n])) {
            return false;
        }
        n++;
        if (s == end) {
            break;
        }
        if (*s != ':') {
            return false;
        }
        s++;
        if (*s == ':') {
            if (gap >= 0) {
                return false;       /* A second "::". */
            }
            gap = n;
            s++;
        } else if (s == end) {
            return false;           /* A trailing single ':'. */
        }
    }
    if (gap < 0 ? n != 8 : n > 7) {
        return false;
    }
    memset(out, 0, sizeof *out);
    int zeros = 8 - n;
    for (int i = 0, j = 0; i < 8; i++) {
        uint16_t v = 0;
        if (gap >= 0 && i >= gap && i < gap + zeros) {
            v = 0;
        } else {
            v = g[j++];
        }
        out->b[2 * i] = (uint8_t) (v >> 8);
        out->b[2 * i + 1] = (uint8_t) v;
    }
    return true;
}

bool
vh_ip6_parse(const char *s, struct vh_ip6 *out, int *prefix)
{
    const char *slash = strchr(s, '/');
    const char *end = slash ? slash : s + strlen(s);
    struct vh_ip6 a;

    if (end == s || !parse_addr(s, end, &a)) {
        return false;
    }
    int p = 128;
    if (slash) {
        if (!prefix) {
            return false;
        }
        const char *d = slash + 1;
        int n = 0, digits = 0;
        while (*d >= '0' && *d <= '9' && digits < 4) {
            n = n * 10 + (*d++ - '0');
            digits++;
        }
        if (!digits || *d || n > 128 || (digits > 1 && slash[1] == '0')) {
            return false;
        }
        p = n;
    }
    *out = a;
    if (prefix) {
        *prefix = p;
    }
    return true;
}

char *
vh_ip6_format(const struct vh_ip6 *a, char *buf)
{
    uint16_t g[8];
    for (int i = 0; i < 8; i++) {
        g[i] = (uint16_t) (a->b[2 * i] << 8 | a->b[2 * i + 1]);
    }
    /* The longest run of at least two zero groups; the first wins a
     * tie (RFC 5952 section 4.2). */
    int best = -1, best_len = 1;
    for (int i = 0; i < 8;) {
        if (g[i]) {
            i++;
            continue;
        }
        int j = i;
        while (j < 8 && !g[j]) {
            j++;
        }
        if (j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j;
    }
    char *p = buf;
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            *p++ = ':';
            if (i == 0) {
                *p++ = ':';
            }
            i += best_len - 1;
            continue;
        }
        p += sprintf(p, "%x", g[i]);
        if (i < 7) {
            *p++ = ':';
        }
    }
    *p = '\0';
    return buf;
}

struct vh_ip6
vh_ip6_solicited_node(const struct vh_ip6 *a)
{
    struct vh_ip6 s = { { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff } };
    memcpy(s.b + 13, a->b + 13, 3);
    return s;
}

struct vh_mac
vh_ip6_multicast_mac(const struct vh_ip6 *group)
{
    struct vh_mac m = { { 0x33, 0x33 } };
    memcpy(m.b + 2, group->b + 12, 4);
    return m;
}

struct vh_ip6
vh_ip6_link_local(const struct vh_mac *mac)
{
    struct vh_ip6 a = { { 0xfe, 0x80 } };
    a.b[8] = mac->b[0] ^ 0x02;
    a.b[9] = mac->b[1];
    a.b[10] = mac->b[2];
    a.b[11] = 0xff;
    a.b[12] = 0xfe;
    a.b[13] = mac->b[3];
    a.b[14] = mac->b[4];
    a.b[15] = mac->b[5];
    return a;
}

uint32_t
vh_ip6_pseudo_sum(const struct vh_ip6 *src, const struct vh_ip6 *dst,
                  uint8_t proto, uint32_t l4_len)
{
    uint8_t ph[8];
    vh_put_be32(ph, l4_len);
    ph[4] = ph[5] = ph[6] = 0;
    ph[7] = proto;
    uint32_t sum = vh_csum_partial(src->b, 16, 0);
    sum = vh_csum_partial(dst->b, 16, sum);
    return vh_csum_partial(ph, sizeof ph, sum);
}

void
vh_ip6_put(uint8_t *ip, uint16_t payload_len, uint8_t next,
           uint8_t hop_limit, const struct vh_ip6 *src,
           const struct vh_ip6 *dst)
{
    vh_put_be32(ip, 6u << 28);  /* Version; traffic class, flow label 0. */
    vh_put_be16(ip + VH_IPV6_PLEN_OFF, payload_len);
    ip[VH_IPV6_NEXT_OFF] = next;
    ip[VH_IPV6_HOPS_OFF] = hop_limit;
    memcpy(ip + VH_IPV6_SRC_OFF, src->b, 16);
    memcpy(ip + VH_IPV6_DST_OFF, dst->b, 16);
}

/* The fixed part of each message after the ICMPv6 type, code and
 * checksum (RFC 4861 section 4). */
static uint32_t
nd_fixed_len(uint8_t type)
{
    switch (type) {
    case VH_ICMP6_RS:
        return 4;               /* Reserved. */
    case VH_ICMP6_RA:
        return 12;              /* Hop limit, flags, lifetime, timers. */
    default:
        return 20;              /* NS, NA: flags/reserved, target. */
    }
}

uint32_t
vh_build_nd(uint8_t *buf, const struct vh_mac *dst_mac,
            const struct vh_mac *src_mac, const struct vh_ip6 *src,
            const struct vh_ip6 *dst, const struct vh_nd *nd)
{
    uint8_t m[128];
    uint32_t n = 4 + nd_fixed_len(nd->type);

    memset(m, 0, sizeof m);
    m[0] = nd->type;
    switch (nd->type) {
    case VH_ICMP6_RA:
        m[4] = nd->cur_hop_limit;
        vh_put_be16(m + 6, nd->router_lifetime);
        vh_put_be32(m + 8, nd->reachable_ms);
        vh_put_be32(m + 12, nd->retrans_ms);
        break;
    case VH_ICMP6_NA:
        m[4] = nd->na_flags;
        memcpy(m + 8, nd->target.b, 16);
        break;
    case VH_ICMP6_NS:
        memcpy(m + 8, nd->target.b, 16);
        break;
    default:
        break;
    }
    if (nd->has_lladdr) {
        m[n] = nd->type == VH_ICMP6_NA ? VH_ND_OPT_TLLA : VH_ND_OPT_SLLA;
        m[n + 1] = 1;           /* In units of 8 bytes. */
        memcpy(m + n + 2, nd->lladdr.b, VH_ETH_ALEN);
        n += 8;
    }
    if (nd->type == VH_ICMP6_RA && nd->has_prefix) {
        m[n] = VH_ND_OPT_PREFIX;
        m[n + 1] = 4;
        m[n + 2] = nd->prefix_len;
        m[n + 3] = nd->prefix_flags;
        vh_put_be32(m + n + 4, nd->valid_s);
        vh_put_be32(m + n + 8, nd->preferred_s);
        struct vh_ip6 p = vh_ip6_masked(&nd->prefix, nd->prefix_len);
        memcpy(m + n + 16, p.b, 16);
        n += 32;
    }
    struct vh_ip_hdr_spec spec = {
        .dst_mac = *dst_mac, .src_mac = *src_mac, .ttl = VH_ND_HOP_LIMIT,
        .v6 = true, .ip6_src = *src, .ip6_dst = *dst,
    };
    uint32_t l4 = vh_put_eth_ip(buf, &spec, VH_IPPROTO_ICMPV6, n);
    uint32_t sum = vh_pseudo_sum_spec(&spec, VH_IPPROTO_ICMPV6, n);
    vh_put_be16(m + 2, vh_csum_fold(vh_csum_partial(m, n, sum)));
    memcpy(buf + l4, m, n);
    uint32_t len = l4 + n;
    if (len < VH_ETH_MIN_FRAME) {
        memset(buf + len, 0, VH_ETH_MIN_FRAME - len);
        len = VH_ETH_MIN_FRAME;
    }
    return len;
}

bool
vh_nd_parse(const uint8_t *frame, const struct vh_frame_info *fi,
            struct vh_nd *out)
{
    memset(out, 0, sizeof *out);
    if (!fi->is_ipv6 || fi->ip_proto != VH_IPPROTO_ICMPV6
        || fi->ip_ttl != VH_ND_HOP_LIMIT || fi->icmp_code != 0
        || fi->icmp_type < VH_ICMP6_RS || fi->icmp_type > VH_ICMP6_NA) {
        return false;
    }
    const uint8_t *m = frame + fi->l4_off;
    uint32_t len = fi->ip_total_len - VH_IPV6_HLEN;
    uint32_t n = 4 + nd_fixed_len(fi->icmp_type);
    if (len < n) {
        return false;
    }
    out->type = fi->icmp_type;
    switch (out->type) {
    case VH_ICMP6_RA:
        out->cur_hop_limit = m[4];
        out->router_lifetime = vh_get_be16(m + 6);
        out->reachable_ms = vh_get_be32(m + 8);
        out->retrans_ms = vh_get_be32(m + 12);
        break;
    case VH_ICMP6_NA:
    case VH_ICMP6_NS:
        out->na_flags = out->type == VH_ICMP6_NA ? m[4] : 0;
        memcpy(out->target.b, m + 8, 16);
        if (vh_ip6_is_multicast(&out->target)) {
            return false;
        }
        break;
    default:
        break;
    }
    while (n < len) {
        if (len - n < 8 || m[n + 1] == 0 || m[n + 1] * 8u > len - n) {
            return false;
        }
        uint8_t type = m[n];
        uint32_t olen = m[n + 1] * 8u;
        if ((type == VH_ND_OPT_SLLA && out->type != VH_ICMP6_NA)
            || (type == VH_ND_OPT_TLLA && out->type == VH_ICMP6_NA)) {
            out->has_lladdr = true;
            memcpy(out->lladdr.b, m + n + 2, VH_ETH_ALEN);
        } else if (type == VH_ND_OPT_PREFIX && out->type == VH_ICMP6_RA
                   && olen == 32 && !out->has_prefix) {
            out->has_prefix = true;
            out->prefix_len = m[n + 2];
            out->prefix_flags = m[n + 3];
            out->valid_s = vh_get_be32(m + n + 4);
            out->preferred_s = vh_get_be32(m + n + 8);
            memcpy(out->prefix.b, m + n + 16, 16);
        }
        n += olen;
    }
    return true;
}
