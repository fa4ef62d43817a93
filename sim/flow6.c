/* sim/flow6.c: an IPv6 frame's flow, by byte offsets (RFC 8200). */
#include "sim/flow6.h"

#include <string.h>

#include "sim/ip6.h"


bool
vh_frame_flow6(const uint8_t *frame, uint32_t len, struct vh_flow6 *out)
{
    memset(out, 0, sizeof *out);
    if (len < VH_ETH_HLEN) {
        return false;
    }
    uint32_t off = VH_ETH_HLEN;
    uint16_t type = vh_eth_type(frame);
    if (type == VH_ETHERTYPE_VLAN) {
        if (len < VH_ETH_HLEN + VH_VLAN_HLEN) {
            return false;
        }
        type = vh_get_be16(frame + VH_VLAN_TYPE_OFF);
        off += VH_VLAN_HLEN;
    }
    if (type != VH_ETHERTYPE_IPV6 || len < off + VH_IPV6_HLEN
        || frame[off] >> 4 != 6) {
        return false;
    }
    const uint8_t *ip = frame + off;
    memcpy(out->src, ip + VH_IPV6_SRC_OFF, 16);
    memcpy(out->dst, ip + VH_IPV6_DST_OFF, 16);

    uint8_t next = ip[VH_IPV6_NEXT_OFF];
    off += VH_IPV6_HLEN;
    for (;;) {
        if (next == VH_IP6_EXT_HOPOPTS || next == VH_IP6_EXT_ROUTING
            || next == VH_IP6_EXT_DSTOPTS) {
            if (off + 8 > len) {
                break;
            }
            uint32_t hlen = (frame[off + 1] + 1u) * 8;
            next = frame[off];
            off += hlen;
        } else if (next == VH_IP6_EXT_FRAGMENT) {
            if (off + 8 > len) {
                break;
            }
            next = frame[off];
            if (vh_get_be16(frame + off + 2) & 0xfff8) {
                out->proto = next;
                return true;    /* A later fragment: no ports here. */
            }
            off += 8;
        } else {
            break;
        }
    }
    out->proto = next;
    if ((next == VH_IPPROTO_UDP || next == VH_IPPROTO_TCP)
        && off + 4 <= len) {
        out->has_ports = true;
        out->sport = vh_get_be16(frame + off);
        out->dport = vh_get_be16(frame + off + 2);
    }
    return true;
}

uint32_t
vh_ip6_fold(const uint8_t addr[16])
{
    return vh_get_be32(addr) ^ vh_get_be32(addr + 4) ^ vh_get_be32(addr + 8)
           ^ vh_get_be32(addr + 12);
}

bool
vh_frame_flow_for_hash(const uint8_t *frame, uint32_t len,
                       struct vh_flow *out)
{
    struct vh_flow6 f6;
    if (vh_frame_flow(frame, len, out)) {
        return true;
    }
    if (!vh_frame_flow6(frame, len, &f6)) {
        return false;
    }
    out->ip_src = vh_ip6_fold(f6.src);
    out->ip_dst = vh_ip6_fold(f6.dst);
    out->proto = f6.proto;
    out->has_ports = f6.has_ports;
    out->sport = f6.sport;
    out->dport = f6.dport;
    return true;
}
