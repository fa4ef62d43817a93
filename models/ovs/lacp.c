/* models/ovs/lacp.c: building and parsing LACPDUs. */
#include "models/ovs/lacp.h"

#include <string.h>

/* 01:80:c2:00:00:02, the Slow Protocols group address. */
static const struct vh_mac lacp_dst = {
    { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x02 }
};

/* Writes an actor or partner TLV at 'tlv'; its three reserved bytes must
 * already be zero. */
static void
put_info(uint8_t *tlv, uint8_t type, const struct lacp_info *info)
{
    tlv[0] = type;
    tlv[1] = LACP_INFO_TLV_LEN;
    vh_put_be16(tlv + LACP_INFO_SYS_PRIO_OFF, info->sys_priority);
    memcpy(tlv + LACP_INFO_SYS_ID_OFF, info->sys_id.b, VH_ETH_ALEN);
    vh_put_be16(tlv + LACP_INFO_KEY_OFF, info->key);
    vh_put_be16(tlv + LACP_INFO_PORT_PRIO_OFF, info->port_priority);
    vh_put_be16(tlv + LACP_INFO_PORT_OFF, info->port);
    tlv[LACP_INFO_STATE_OFF] = info->state;
}

uint32_t
lacp_build_pdu(uint8_t *buf, const struct vh_mac *src_mac,
               const struct lacp_info *actor,
               const struct lacp_info *partner,
               uint16_t collector_max_delay)
{
    /* Zeroing first leaves every reserved byte, and the terminator TLV
     * (type 0, length 0), right without writing them one by one. */
    memset(buf, 0, LACP_FRAME_LEN);
    vh_eth_set_dst(buf, &lacp_dst);
    vh_eth_set_src(buf, src_mac);
    vh_put_be16(buf + VH_ETH_TYPE_OFF, LACP_ETHERTYPE);
    buf[LACP_SUBTYPE_OFF] = LACP_SUBTYPE;
    buf[LACP_VERSION_OFF] = LACP_VERSION;

    put_info(buf + LACP_ACTOR_OFF, LACP_TLV_ACTOR, actor);
    put_info(buf + LACP_PARTNER_OFF, LACP_TLV_PARTNER, partner);

    uint8_t *coll = buf + LACP_COLLECTOR_OFF;
    coll[0] = LACP_TLV_COLLECTOR;
    coll[1] = LACP_COLLECTOR_TLV_LEN;
    vh_put_be16(coll + 2, collector_max_delay);
    return LACP_FRAME_LEN;
}

/* Whether the TLV at 'tlv' is an actor or partner TLV of 'type'. */
static bool
info_tlv_ok(const uint8_t *tlv, uint8_t type)
{
    return tlv[0] == type && tlv[1] == LACP_INFO_TLV_LEN;
}

static void
get_info(const uint8_t *tlv, struct lacp_info *info)
{
    memset(info, 0, sizeof *info);
    info->sys_priority = vh_get_be16(tlv + LACP_INFO_SYS_PRIO_OFF);
    memcpy(info->sys_id.b, tlv + LACP_INFO_SYS_ID_OFF, VH_ETH_ALEN);
    info->key = vh_get_be16(tlv + LACP_INFO_KEY_OFF);
    info->port_priority = vh_get_be16(tlv + LACP_INFO_PORT_PRIO_OFF);
    info->port = vh_get_be16(tlv + LACP_INFO_PORT_OFF);
    info->state = tlv[LACP_INFO_STATE_OFF];
}

bool
lacp_parse_pdu(const uint8_t *frame, uint32_t len,
               struct lacp_info *actor, struct lacp_info *partner)
{
    /* Later versions of 802.1AX keep the actor and partner TLVs where
     * version 1 has them, so only a version 0 is refused. */
    if (len < LACP_FRAME_LEN
        || vh_eth_type(frame) != LACP_ETHERTYPE
        || frame[LACP_SUBTYPE_OFF] != LACP_SUBTYPE
        || frame[LACP_VERSION_OFF] < LACP_VERSION
        || !info_tlv_ok(frame + LACP_ACTOR_OFF, LACP_TLV_ACTOR)
        || !info_tlv_ok(frame + LACP_PARTNER_OFF, LACP_TLV_PARTNER)) {
        return false;
    }
    if (actor) {
        get_info(frame + LACP_ACTOR_OFF, actor);
    }
    if (partner) {
        get_info(frame + LACP_PARTNER_OFF, partner);
    }
    return true;
}
