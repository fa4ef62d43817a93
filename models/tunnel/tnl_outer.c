/* models/tunnel/tnl_outer.c: outer IPv4 and UDP headers, and entropy. */
#include "models/tunnel/tnl_outer.h"

#include <assert.h>
#include <string.h>

#include "sim/flow6.h"
#include "sim/hash.h"

#define DEFAULT_TTL 64

void
tnl_reserve(struct vh_packet *p, uint32_t n)
{
    /* Moves the frame back so that 'n' bytes fit in front of it, to a
     * larger buffer if need be. */
    vh_packet_reserve(p, n, 0);
}

void
tnl_push_udp(struct vh_packet *p, const struct tnl_ipv4 *ip, uint16_t sport,
             uint16_t dport, bool checksum)
{
    tnl_reserve(p, VH_UDP_HLEN);
    uint8_t *u = vh_packet_push(p, VH_UDP_HLEN);
    uint16_t len = (uint16_t) p->len;
    vh_put_be16(u + VH_UDP_SPORT_OFF, sport);
    vh_put_be16(u + VH_UDP_DPORT_OFF, dport);
    vh_put_be16(u + VH_UDP_LEN_OFF, len);
    vh_put_be16(u + VH_UDP_CSUM_OFF, 0);
    if (!checksum) {
        return;
    }
    uint8_t pseudo[12];
    vh_put_be32(pseudo, ip->src);
    vh_put_be32(pseudo + 4, ip->dst);
    pseudo[8] = 0;
    pseudo[9] = VH_IPPROTO_UDP;
    vh_put_be16(pseudo + 10, len);
    uint16_t c = vh_csum_fold(vh_csum_partial(u, len,
                              vh_csum_partial(pseudo, sizeof pseudo, 0)));
    /* A computed 0 is sent as all ones: 0 means "no checksum". */
    vh_put_be16(u + VH_UDP_CSUM_OFF, c ? c : 0xffff);
}

void
tnl_push_ipv4(struct vh_packet *p, const struct tnl_ipv4 *o, uint8_t proto)
{
    tnl_reserve(p, TNL_OUTER_ETH_IP);
    uint8_t *ip = vh_packet_push(p, VH_IPV4_HLEN);
    vh_ipv4_put(ip, o->tos, (uint16_t) p->len, o->id, o->df,
                o->ttl ? o->ttl : DEFAULT_TTL, proto, o->src, o->dst);

    uint8_t *eth = vh_packet_push(p, VH_ETH_HLEN);
    memset(eth, 0, 2 * VH_ETH_ALEN);
    vh_put_be16(eth + VH_ETH_TYPE_OFF, VH_ETHERTYPE_IPV4);
}

uint32_t
tnl_flow_hash(const uint8_t *frame, uint32_t len)
{
    struct vh_flow f;
    uint32_t h;
    if (vh_frame_flow_for_hash(frame, len, &f)) {
        /* Both directions of a flow hash alike, as Linux orders the
         * addresses and ports first (__flow_hash_consistentify). */
        bool swap = f.ip_src > f.ip_dst
                    || (f.ip_src == f.ip_dst && f.sport > f.dport);
        uint32_t a = swap ? f.ip_dst : f.ip_src;
        uint32_t b = swap ? f.ip_src : f.ip_dst;
        uint16_t pa = swap ? f.dport : f.sport;
        uint16_t pb = swap ? f.sport : f.dport;
        h = vh_hash_finish(a);
        h = vh_hash_finish(h ^ b);
        h = vh_hash_finish(h ^ f.proto);
        h = vh_hash_finish(h ^ ((uint32_t) pa << 16 | pb));
    } else if (len >= VH_ETH_HLEN) {
        /* Not IP: the MAC addresses and the EtherType, as Linux falls
         * back to for an Ethernet payload without a flow. */
        h = vh_hash_finish(vh_get_be32(frame));
        h = vh_hash_finish(h ^ vh_get_be32(frame + 4));
        h = vh_hash_finish(h ^ vh_get_be32(frame + 8));
        h = vh_hash_finish(h ^ vh_eth_type(frame));
    } else {
        h = 0;
    }
    return h ? h : 1;
}

uint16_t
tnl_udp_sport(uint32_t hash, uint32_t min, uint32_t max)
{
    hash ^= hash << 16;
    return (uint16_t) ((((uint64_t) hash * (max - min)) >> 32) + min);
}
