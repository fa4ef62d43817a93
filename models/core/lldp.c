/* models/core/lldp.c: LLDP and CDP frames. */
#include "models/core/lldp.h"

#include <stdio.h>
#include <string.h>

const struct vh_mac lldp_dst = { { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e } };
const struct vh_mac cdp_dst = { { 0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc } };

/* LLDP TLV types. */
enum {
    TLV_END = 0, TLV_CHASSIS_ID = 1, TLV_PORT_ID = 2, TLV_TTL = 3,
    TLV_PORT_DESCR = 4, TLV_SYSTEM_NAME = 5, TLV_SYSTEM_DESCR = 6,
    TLV_SYSTEM_CAPS = 7,
    TLV_MGMT_ADDR = 8,
};
#define CHASSIS_MAC 4               /* Chassis ID subtype: MAC address. */
#define PORT_MAC 3                  /* Port ID subtypes: MAC address, */
#define PORT_IFNAME 5               /* interface name. */
#define ADDR_IPV4 1                 /* IANA address families. */
#define IFNUM_IFINDEX 2             /* Interface numbering: ifIndex. */

/* CDP TLV types. */
enum {
    CDP_DEVICE_ID = 1, CDP_ADDRESSES = 2, CDP_PORT_ID = 3,
    CDP_CAPABILITIES = 4, CDP_PLATFORM = 6, CDP_NATIVE_VLAN = 10,
    CDP_DUPLEX = 11,
};
#define LLC_SNAP_LEN 8

/* --- LLDP. --- */

static uint8_t *
tlv(uint8_t *p, unsigned type, const void *value, size_t len)
{
    vh_put_be16(p, (uint16_t) (type << 9 | (len & 0x1ff)));
    if (len) {
        memcpy(p + 2, value, len);
    }
    return p + 2 + len;
}

static size_t
bounded(const char *s, size_t max)
{
    size_t n = strlen(s);
    return n < max ? n : max;
}

uint32_t
lldp_build(uint8_t *buf, const struct lldp_local *l)
{
    uint8_t v[64], *p;
    memset(buf, 0, VH_ETH_MIN_FRAME);
    vh_eth_set_dst(buf, &lldp_dst);
    vh_eth_set_src(buf, &l->port_mac);
    vh_put_be16(buf + VH_ETH_TYPE_OFF, LLDP_ETHERTYPE);
    p = buf + VH_ETH_HLEN;

    v[0] = CHASSIS_MAC;
    memcpy(v + 1, l->chassis.b, VH_ETH_ALEN);
    p = tlv(p, TLV_CHASSIS_ID, v, 1 + VH_ETH_ALEN);
    size_t n = bounded(l->port_name, 32);
    if (l->port_id_name) {
        v[0] = PORT_IFNAME;
        memcpy(v + 1, l->port_name, n);
        p = tlv(p, TLV_PORT_ID, v, 1 + n);
    } else {
        v[0] = PORT_MAC;
        memcpy(v + 1, l->port_mac.b, VH_ETH_ALEN);
        p = tlv(p, TLV_PORT_ID, v, 1 + VH_ETH_ALEN);
    }
    vh_put_be16(v, l->ttl);
    p = tlv(p, TLV_TTL, v, 2);
    p = tlv(p, TLV_PORT_DESCR, l->port_name, n);
    p = tlv(p, TLV_SYSTEM_NAME, l->system_name,
            bounded(l->system_name, 255));
    p = tlv(p, TLV_SYSTEM_DESCR, l->platform, bounded(l->platform, 255));
    vh_put_be16(v, l->caps);
    vh_put_be16(v + 2, l->caps_enabled);
    p = tlv(p, TLV_SYSTEM_CAPS, v, 4);
    if (l->mgmt_ip) {
        v[0] = 5;                       /* Subtype and address. */
        v[1] = ADDR_IPV4;
        vh_put_be32(v + 2, l->mgmt_ip);
        v[6] = IFNUM_IFINDEX;
        vh_put_be32(v + 7, l->ifindex);
        v[11] = 0;                      /* No OID. */
        p = tlv(p, TLV_MGMT_ADDR, v, 12);
    }
    p = tlv(p, TLV_END, NULL, 0);
    uint32_t len = (uint32_t) (p - buf);
    return len < VH_ETH_MIN_FRAME ? VH_ETH_MIN_FRAME : len;
}

/* --- CDP. --- */

static uint8_t *
cdp_tlv(uint8_t *p, uint16_t type, const void *value, size_t len)
{
    vh_put_be16(p, type);
    vh_put_be16(p + 2, (uint16_t) (4 + len));
    memcpy(p + 4, value, len);
    return p + 4 + len;
}

uint32_t
cdp_build(uint8_t *buf, const struct lldp_local *l, uint32_t cdp_caps)
{
    static const uint8_t llc_snap[LLC_SNAP_LEN] = {
        0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00,
    };
    uint8_t v[16];
    memset(buf, 0, VH_ETH_MIN_FRAME);
    vh_eth_set_dst(buf, &cdp_dst);
    vh_eth_set_src(buf, &l->port_mac);
    memcpy(buf + VH_ETH_HLEN, llc_snap, LLC_SNAP_LEN);
    uint8_t *pdu = buf + VH_ETH_HLEN + LLC_SNAP_LEN, *p = pdu + 4;
    pdu[0] = CDP_VERSION;
    pdu[1] = (uint8_t) l->ttl;

    p = cdp_tlv(p, CDP_DEVICE_ID, l->system_name,
                bounded(l->system_name, 64));
    if (l->mgmt_ip) {
        vh_put_be32(v, 1);              /* One address: */
        v[4] = 1;                       /* NLPID, */
        v[5] = 1;                       /* one byte of it: */
        v[6] = 0xcc;                    /* IP; */
        vh_put_be16(v + 7, 4);          /* four bytes of address. */
        vh_put_be32(v + 9, l->mgmt_ip);
        p = cdp_tlv(p, CDP_ADDRESSES, v, 13);
    }
    p = cdp_tlv(p, CDP_PORT_ID, l->port_name, bounded(l->port_name, 32));
    vh_put_be32(v, cdp_caps);
    p = cdp_tlv(p, CDP_CAPABILITIES, v, 4);
    p = cdp_tlv(p, CDP_PLATFORM, l->platform, bounded(l->platform, 64));
    if (l->native_vlan) {
        vh_put_be16(v, l->native_vlan);
        p = cdp_tlv(p, CDP_NATIVE_VLAN, v, 2);
    }
    /* Cisco's checksum and Wireshark's differ on a PDU of odd length
     * (where the last byte goes); Duplex, one byte, is sent when it
     * makes the PDU even, so that every reader agrees. */
    if ((p - pdu) & 1) {
        v[0] = 1;                       /* Full duplex. */
        p = cdp_tlv(p, CDP_DUPLEX, v, 1);
    }
    size_t pdu_len = (size_t) (p - pdu);
    vh_put_be16(pdu + 2, vh_csum_fold(vh_csum_partial(pdu, pdu_len, 0)));
    uint32_t len = (uint32_t) (p - buf);
    vh_put_be16(buf + VH_ETH_TYPE_OFF,
                (uint16_t) (len - VH_ETH_HLEN));    /* 802.3 length. */
    return len < VH_ETH_MIN_FRAME ? VH_ETH_MIN_FRAME : len;
}

/* --- Reading. --- */

bool
lldp_is_lldp(const uint8_t *frame, uint32_t len)
{
    return len >= VH_ETH_HLEN && vh_eth_type(frame) == LLDP_ETHERTYPE;
}

bool
lldp_is_cdp(const uint8_t *frame, uint32_t len)
{
    return len >= VH_ETH_HLEN + LLC_SNAP_LEN + 4
           && vh_mac_eq(vh_eth_dst(frame), &cdp_dst)
           && vh_get_be16(frame + VH_ETH_TYPE_OFF) <= 1500
           && frame[VH_ETH_HLEN] == 0xaa
           && vh_get_be16(frame + VH_ETH_HLEN + 6) == 0x2000;
}

static void
copy_str(char *dst, size_t cap, const uint8_t *src, size_t len)
{
    size_t n = len < cap - 1 ? len : cap - 1;
    for (size_t i = 0; i < n; i++) {
        dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? (char) src[i] : '?';
    }
    dst[n] = '\0';
}

static void
mac_str(char *dst, size_t cap, const uint8_t *b)
{
    struct vh_mac m;
    char s[18];
    memcpy(m.b, b, VH_ETH_ALEN);
    snprintf(dst, cap, "mac %s", vh_mac_format(&m, s));
}

static bool
parse_lldp(const uint8_t *frame, uint32_t len, struct lldp_neighbor *n)
{
    const uint8_t *p = frame + VH_ETH_HLEN, *end = frame + len;
    int seen = 0;                       /* Mandatory TLVs in order. */
    while (p + 2 <= end) {
        unsigned type = vh_get_be16(p) >> 9, tl = vh_get_be16(p) & 0x1ff;
        const uint8_t *v = p + 2;
        if (v + tl > end) {
            return false;
        }
        if (type == TLV_END) {
            return seen == 3;
        }
        if (seen < 3 && type != (unsigned) seen + 1) {
            return false;
        }
        switch (type) {
        case TLV_CHASSIS_ID:
        case TLV_PORT_ID: {
            char *out = type == TLV_CHASSIS_ID ? n->chassis_id : n->port_id;
            size_t cap = sizeof n->chassis_id;
            if (tl < 2) {
                return false;
            }
            if ((v[0] == CHASSIS_MAC && type == TLV_CHASSIS_ID)
                || (v[0] == PORT_MAC && type == TLV_PORT_ID)) {
                if (tl != 1 + VH_ETH_ALEN) {
                    return false;
                }
                mac_str(out, cap, v + 1);
            } else {
                char s[32];
                copy_str(s, sizeof s, v + 1, tl - 1);
                snprintf(out, cap, "%s %s", type == TLV_PORT_ID
                         && v[0] == PORT_IFNAME ? "ifname" : "local", s);
            }
            seen++;
            break;
        }
        case TLV_TTL:
            if (tl != 2) {
                return false;
            }
            n->ttl = vh_get_be16(v);
            seen++;
            break;
        case TLV_PORT_DESCR:
            copy_str(n->port_descr, sizeof n->port_descr, v, tl);
            break;
        case TLV_SYSTEM_NAME:
            copy_str(n->system_name, sizeof n->system_name, v, tl);
            break;
        case TLV_SYSTEM_DESCR:
            copy_str(n->platform, sizeof n->platform, v, tl);
            break;
        case TLV_MGMT_ADDR:
            if (tl >= 6 && v[0] == 5 && v[1] == ADDR_IPV4) {
                n->mgmt_ip = vh_get_be32(v + 2);
            }
            break;
        default:
            break;
        }
        p = v + tl;
    }
    return false;                       /* No End TLV. */
}

static bool
parse_cdp(const uint8_t *frame, uint32_t len, struct lldp_neighbor *n)
{
    uint32_t l802 = vh_get_be16(frame + VH_ETH_TYPE_OFF);
    if (VH_ETH_HLEN + l802 > len || l802 < LLC_SNAP_LEN + 4) {
        return false;
    }
    const uint8_t *pdu = frame + VH_ETH_HLEN + LLC_SNAP_LEN;
    size_t pdu_len = l802 - LLC_SNAP_LEN;
    if (vh_csum_fold(vh_csum_partial(pdu, pdu_len, 0)) != 0) {
        return false;
    }
    n->proto = LLDP_PROTO_CDP;
    n->ttl = pdu[1];
    const uint8_t *p = pdu + 4, *end = pdu + pdu_len;
    bool device = false, port = false;
    while (p + 4 <= end) {
        uint16_t type = vh_get_be16(p), tl = vh_get_be16(p + 2);
        if (tl < 4 || p + tl > end) {
            return false;
        }
        const uint8_t *v = p + 4;
        size_t vl = tl - 4u;
        switch (type) {
        case CDP_DEVICE_ID:
            copy_str(n->system_name, sizeof n->system_name, v, vl);
            copy_str(n->chassis_id, sizeof n->chassis_id, v, vl);
            device = true;
            break;
        case CDP_PORT_ID:
            copy_str(n->port_id, sizeof n->port_id, v, vl);
            copy_str(n->port_descr, sizeof n->port_descr, v, vl);
            port = true;
            break;
        case CDP_ADDRESSES:
            if (vl >= 13 && vh_get_be32(v) >= 1 && v[6] == 0xcc) {
                n->mgmt_ip = vh_get_be32(v + 9);
            }
            break;
        case CDP_PLATFORM:
            copy_str(n->platform, sizeof n->platform, v, vl);
            break;
        case CDP_NATIVE_VLAN:
            if (vl == 2) {
                n->native_vlan = vh_get_be16(v);
            }
            break;
        default:
            break;
        }
        p += tl;
    }
    return device && port;
}

bool
lldp_parse(const uint8_t *frame, uint32_t len, struct lldp_neighbor *n)
{
    memset(n, 0, sizeof *n);
    if (lldp_is_lldp(frame, len)) {
        n->proto = LLDP_PROTO_LLDP;
        return parse_lldp(frame, len, n);
    }
    return lldp_is_cdp(frame, len) && parse_cdp(frame, len, n);
}
