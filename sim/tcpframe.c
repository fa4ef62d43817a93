/* sim/tcpframe.c: TCP segments with Linux's option layout. */
#include "sim/tcpframe.h"

#include <assert.h>

#include "sim/ip6.h"

#define OPT_EOL 0
#define OPT_NOP 1
#define OPT_MSS 2
#define OPT_WSCALE 3
#define OPT_SACK_PERM 4
#define OPT_SACK 5
#define OPT_TS 8

/* Writes the options of 'h' at 'o'; returns their length (a multiple of
 * four, as the data offset counts words). */
static uint32_t
put_options(uint8_t *o, const struct vh_tcp_hdr *h)
{
    uint32_t n = 0;
    bool syn = h->flags & VH_TCP_SYN;

    if (syn && h->mss) {
        o[n++] = OPT_MSS;
        o[n++] = 4;
        vh_put_be16(o + n, h->mss);
        n += 2;
    }
    if (h->has_ts) {
        if (syn && h->sack_ok) {
            o[n++] = OPT_SACK_PERM;
            o[n++] = 2;
        } else {
            o[n++] = OPT_NOP;
            o[n++] = OPT_NOP;
        }
        o[n++] = OPT_TS;
        o[n++] = 10;
        vh_put_be32(o + n, h->tsval);
        vh_put_be32(o + n + 4, h->tsecr);
        n += 8;
    } else if (syn && h->sack_ok) {
        o[n++] = OPT_NOP;
        o[n++] = OPT_NOP;
        o[n++] = OPT_SACK_PERM;
        o[n++] = 2;
    }
    if (syn && h->wscale >= 0) {
        o[n++] = OPT_NOP;
        o[n++] = OPT_WSCALE;
        o[n++] = 3;
        o[n++] = (uint8_t) h->wscale;
    }
    if (!syn && h->n_sack) {
        o[n++] = OPT_NOP;
        o[n++] = OPT_NOP;
        o[n++] = OPT_SACK;
        o[n++] = (uint8_t) (2 + 8 * h->n_sack);
        for (int i = 0; i < h->n_sack; i++) {
            vh_put_be32(o + n, h->sack[i][0]);
            vh_put_be32(o + n + 4, h->sack[i][1]);
            n += 8;
        }
    }
    assert(n % 4 == 0 && n <= 40);
    return n;
}

uint32_t
vh_build_tcp(uint8_t *buf, const struct vh_ip_hdr_spec *spec,
             const struct vh_tcp_hdr *h, uint64_t stream_off)
{
    uint8_t opts[40];
    uint32_t optlen = put_options(opts, h);
    uint32_t hlen = VH_TCP_HLEN + optlen;
    uint32_t l4_len = hlen + h->payload_len;
    uint32_t l4 = vh_put_eth_ip(buf, spec, VH_IPPROTO_TCP, l4_len);

    uint8_t *t = buf + l4;
    vh_put_be16(t, h->sport);
    vh_put_be16(t + 2, h->dport);
    vh_put_be32(t + 4, h->seq);
    vh_put_be32(t + 8, h->ack);
    t[12] = (uint8_t) ((hlen / 4) << 4);
    t[13] = h->flags;
    vh_put_be16(t + 14, h->win);
    vh_put_be16(t + 16, 0);
    vh_put_be16(t + 18, 0);             /* Urgent pointer. */
    memcpy(t + VH_TCP_HLEN, opts, optlen);
    for (uint32_t i = 0; i < h->payload_len; i++) {
        t[hlen + i] = (uint8_t) (stream_off + i);
    }

    uint32_t sum = vh_pseudo_sum_spec(spec, VH_IPPROTO_TCP, l4_len);
    vh_put_be16(t + 16, vh_csum_fold(vh_csum_partial(t, l4_len, sum)));

    uint32_t len = l4 + l4_len;
    if (len < VH_ETH_MIN_FRAME) {
        memset(buf + len, 0, VH_ETH_MIN_FRAME - len);
        len = VH_ETH_MIN_FRAME;
    }
    return len;
}

/* Reads the options in 'o' ('n' bytes) into 'out'. */
static int
parse_options(const uint8_t *o, uint32_t n, struct vh_tcp_hdr *out)
{
    uint32_t i = 0;
    while (i < n) {
        uint8_t kind = o[i];
        if (kind == OPT_EOL) {
            break;
        }
        if (kind == OPT_NOP) {
            i++;
            continue;
        }
        if (i + 1 >= n || o[i + 1] < 2 || i + o[i + 1] > n) {
            return -1;
        }
        uint8_t len = o[i + 1];
        const uint8_t *v = o + i + 2;
        switch (kind) {
        case OPT_MSS:
            if (len == 4) {
                out->mss = vh_get_be16(v);
            }
            break;
        case OPT_WSCALE:
            if (len == 3) {
                out->wscale = (int8_t) (v[0] > 14 ? 14 : v[0]);
            }
            break;
        case OPT_SACK_PERM:
            out->sack_ok = len == 2;
            break;
        case OPT_TS:
            if (len == 10) {
                out->has_ts = true;
                out->tsval = vh_get_be32(v);
                out->tsecr = vh_get_be32(v + 4);
            }
            break;
        case OPT_SACK:
            for (uint32_t k = 0; k + 8 <= (uint32_t) len - 2
                 && out->n_sack < VH_TCP_MAX_SACK; k += 8) {
                out->sack[out->n_sack][0] = vh_get_be32(v + k);
                out->sack[out->n_sack][1] = vh_get_be32(v + k + 4);
                out->n_sack++;
            }
            break;
        default:
            break;
        }
        i += len;
    }
    return 0;
}

/* The pseudo-header sum of a segment of 'l4_len' bytes in the IPv4 or
 * IPv6 packet 'fi'. */
static uint32_t
tcp_pseudo(const struct vh_frame_info *fi, uint32_t l4_len)
{
    struct vh_ip_hdr_spec spec = {
        .ip_src = fi->ip_src, .ip_dst = fi->ip_dst,
        .v6 = fi->is_ipv6, .ip6_src = fi->ip6_src, .ip6_dst = fi->ip6_dst,
    };
    return vh_pseudo_sum_spec(&spec, VH_IPPROTO_TCP, l4_len);
}

int
vh_tcp_parse(const uint8_t *frame, uint32_t len,
             const struct vh_frame_info *fi, struct vh_tcp_hdr *out,
             bool verify)
{
    memset(out, 0, sizeof *out);
    out->wscale = -1;
    if (!(fi->is_ipv4 || fi->is_ipv6) || fi->ip_proto != VH_IPPROTO_TCP
        || fi->l4_off > len) {
        return -1;
    }
    uint32_t ihl = fi->l4_off - fi->l3_off;
    if (fi->ip_total_len < ihl + VH_TCP_HLEN
        || fi->l3_off + (uint32_t) fi->ip_total_len > len) {
        return -1;
    }
    uint32_t l4_len = fi->ip_total_len - ihl;
    const uint8_t *t = frame + fi->l4_off;
    uint32_t hlen = (uint32_t) (t[12] >> 4) * 4;
    if (hlen < VH_TCP_HLEN || hlen > l4_len) {
        return -1;
    }
    out->sport = vh_get_be16(t);
    out->dport = vh_get_be16(t + 2);
    out->seq = vh_get_be32(t + 4);
    out->ack = vh_get_be32(t + 8);
    out->flags = t[13];
    out->win = vh_get_be16(t + 14);
    out->hdr_len = (uint16_t) hlen;
    out->payload_len = l4_len - hlen;
    out->payload_off = (uint16_t) (fi->l4_off + hlen);
    if (parse_options(t + VH_TCP_HLEN, hlen - VH_TCP_HLEN, out)) {
        return -1;
    }
    if (verify) {
        uint32_t sum = tcp_pseudo(fi, l4_len);
        if (vh_csum_fold(vh_csum_partial(t, l4_len, sum)) != 0) {
            return -1;
        }
    }
    return 0;
}

uint32_t
vh_tcp_mss_for(uint32_t frame_size, uint32_t mtu)
{
    uint32_t by_frame = frame_size - VH_ETH_FCS - VH_ETH_HLEN;
    uint32_t ip = by_frame < mtu ? by_frame : mtu;
    return ip - VH_IPV4_HLEN - VH_TCP_HLEN;
}

uint32_t
vh_tcp6_mss_for(uint32_t frame_size, uint32_t mtu)
{
    return vh_tcp_mss_for(frame_size, mtu) - (VH_IPV6_HLEN - VH_IPV4_HLEN);
}

/* The TCP checksum of the segment at 't' ('l4_len' bytes) of packet
 * 'fi'. */
static void
tcp_csum_put(uint8_t *t, uint32_t l4_len, const struct vh_frame_info *fi)
{
    vh_put_be16(t + 16, 0);
    uint32_t sum = tcp_pseudo(fi, l4_len);
    vh_put_be16(t + 16, vh_csum_fold(vh_csum_partial(t, l4_len, sum)));
}

/* Writes the length of the IP packet at 'ip' carrying 'l4_len' bytes:
 * IPv4's total length (and its header checksum), IPv6's payload
 * length. */
static void
ip_set_len(uint8_t *ip, const struct vh_frame_info *fi, uint32_t l4_len)
{
    if (fi->is_ipv6) {
        vh_put_be16(ip + VH_IPV6_PLEN_OFF, (uint16_t) l4_len);
        return;
    }
    vh_put_be16(ip + VH_IPV4_TOTLEN_OFF, (uint16_t) (VH_IPV4_HLEN + l4_len));
    vh_ipv4_csum_update(ip);
}

uint32_t
vh_tcp_gso_segment(uint8_t *out, const uint8_t *super,
                   const struct vh_frame_info *fi, const struct vh_tcp_hdr *h,
                   uint32_t mss, uint32_t i)
{
    uint32_t n = (h->payload_len + mss - 1) / mss;
    uint32_t off = i * mss;
    uint32_t len = h->payload_len - off < mss ? h->payload_len - off : mss;
    uint32_t hdrs = h->payload_off;
    bool last = i + 1 == n;

    memcpy(out, super, hdrs);
    memcpy(out + hdrs, super + hdrs + off, len);
    uint8_t *ip = out + fi->l3_off;
    uint32_t l4_len = h->hdr_len + len;
    if (fi->is_ipv4) {
        vh_put_be16(ip + VH_IPV4_ID_OFF,
                    (uint16_t) (vh_get_be16(ip + VH_IPV4_ID_OFF) + i));
    }
    ip_set_len(ip, fi, l4_len);

    uint8_t *t = out + fi->l4_off;
    vh_put_be32(t + 4, h->seq + off);
    uint8_t flags = t[13];
    if (!last) {
        flags &= (uint8_t) ~(VH_TCP_FIN | VH_TCP_PSH);
    }
    if (i) {
        flags &= (uint8_t) ~0x80;       /* CWR. */
    }
    t[13] = flags;
    tcp_csum_put(t, l4_len, fi);

    uint32_t flen = hdrs + len;
    if (flen < VH_ETH_MIN_FRAME) {
        memset(out + flen, 0, VH_ETH_MIN_FRAME - flen);
        flen = VH_ETH_MIN_FRAME;
    }
    return flen;
}

bool
vh_tcp_gro_can_merge(const uint8_t *held, const struct vh_frame_info *hfi,
                     const struct vh_tcp_hdr *hh, uint32_t held_len,
                     const uint8_t *seg, const struct vh_frame_info *sfi,
                     const struct vh_tcp_hdr *sh, uint32_t max)
{
    uint32_t held_ip = held_len - hfi->l3_off;
    if (hfi->ip_src != sfi->ip_src || hfi->ip_dst != sfi->ip_dst
        || hfi->is_ipv6 != sfi->is_ipv6
        || !vh_ip6_eq(&hfi->ip6_src, &sfi->ip6_src)
        || !vh_ip6_eq(&hfi->ip6_dst, &sfi->ip6_dst)
        || hh->sport != sh->sport || hh->dport != sh->dport
        || hfi->has_vlan != sfi->has_vlan
        || (hh->flags & (VH_TCP_PSH | VH_TCP_FIN | VH_TCP_SYN | VH_TCP_RST))
        || (sh->flags & ~(VH_TCP_ACK | VH_TCP_PSH)) != 0
        || !sh->payload_len || !hh->payload_len
        || sh->seq != hh->seq + hh->payload_len || sh->ack != hh->ack
        || sh->win != hh->win || sh->hdr_len != hh->hdr_len
        || held_ip + sh->payload_len > max) {
        return false;
    }
    /* Options byte for byte (timestamps, SACK blocks). */
    return !memcmp(held + hfi->l4_off + VH_TCP_HLEN,
                   seg + sfi->l4_off + VH_TCP_HLEN, sh->hdr_len - VH_TCP_HLEN);
}

void
vh_tcp_gro_finish(uint8_t *frame, uint32_t len,
                  const struct vh_frame_info *fi, bool psh)
{
    uint8_t *ip = frame + fi->l3_off;
    uint32_t l4_len = len - fi->l4_off;
    ip_set_len(ip, fi, l4_len);
    uint8_t *t = frame + fi->l4_off;
    if (psh) {
        t[13] |= VH_TCP_PSH;
    }
    tcp_csum_put(t, l4_len, fi);
}
