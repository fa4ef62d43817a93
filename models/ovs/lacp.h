/* models/ovs/lacp.h: LACPDUs (IEEE 802.1AX, formerly 802.3ad), byte-exact.
 *
 * LACP lets the two ends of several parallel links agree to use them as one
 * bond.  Each end sends LACPDUs on every member link.  In a PDU the sender
 * is the "actor" and describes itself: its system (priority and MAC, which
 * together name the box), the key of the aggregation it would put the link
 * in, and the link's port (priority and number).  It also echoes what it
 * last heard from the other end as the "partner", so each side can see
 * that the other has heard it.  A link joins the bond once both ends agree
 * on both descriptions.
 *
 * The state byte of each side carries its progress:
 *   activity         sends PDUs unprompted (active) rather than only in
 *                    reply (passive);
 *   timeout          asks the other end for fast PDUs (short timeout);
 *   aggregation      the link may join a bond (not an individual link);
 *   synchronization  the link is in the right aggregation;
 *   collecting       frames received on it are accepted;
 *   distributing     frames are sent on it;
 *   defaulted        nothing heard from the partner: its information is
 *                    an administrative default;
 *   expired          the partner's information is timing out.
 *
 * Timers: an end sends a PDU every second (fast) when its partner asked
 * for the short timeout, else every 30 s (slow).  What is heard from the
 * partner expires after three of the partner's periods (3 s or 90 s), so
 * two lost PDUs are tolerated and the third takes the link out of the bond.
 *
 * PDUs go untagged to the Slow Protocols multicast address
 * 01:80:c2:00:00:02, which bridges never forward, with EtherType 0x8809. */
#ifndef VH_MODELS_OVS_LACP_H
#define VH_MODELS_OVS_LACP_H 1

#include <stdbool.h>
#include <stdint.h>

#include "sim/frame.h"

#define LACP_ETHERTYPE 0x8809       /* Slow Protocols. */
#define LACP_SUBTYPE 1              /* LACP among the Slow Protocols. */
#define LACP_VERSION 1

/* The PDU after the Ethernet header is 110 bytes, padded with zeros
 * after the terminator TLV; the frame, without FCS, is 124. */
#define LACP_PDU_LEN 110
#define LACP_FRAME_LEN (VH_ETH_HLEN + LACP_PDU_LEN)

/* Where the TLVs lie, from the start of the frame. */
#define LACP_SUBTYPE_OFF 14
#define LACP_VERSION_OFF 15
#define LACP_ACTOR_OFF 16
#define LACP_PARTNER_OFF 36
#define LACP_COLLECTOR_OFF 56
#define LACP_TERMINATOR_OFF 72

/* TLV types and lengths (the length counts the type and length bytes). */
#define LACP_TLV_TERMINATOR 0
#define LACP_TLV_ACTOR 1
#define LACP_TLV_PARTNER 2
#define LACP_TLV_COLLECTOR 3
#define LACP_INFO_TLV_LEN 20
#define LACP_COLLECTOR_TLV_LEN 16

/* Within an actor or partner TLV, from its type byte. */
#define LACP_INFO_SYS_PRIO_OFF 2
#define LACP_INFO_SYS_ID_OFF 4
#define LACP_INFO_KEY_OFF 10
#define LACP_INFO_PORT_PRIO_OFF 12
#define LACP_INFO_PORT_OFF 14
#define LACP_INFO_STATE_OFF 16

/* State bits, least significant first as 802.1AX numbers them. */
#define LACP_STATE_ACTIVITY 0x01
#define LACP_STATE_TIMEOUT 0x02     /* Set: short timeout (fast PDUs). */
#define LACP_STATE_AGGREGATION 0x04
#define LACP_STATE_SYNCHRONIZATION 0x08
#define LACP_STATE_COLLECTING 0x10
#define LACP_STATE_DISTRIBUTING 0x20
#define LACP_STATE_DEFAULTED 0x40
#define LACP_STATE_EXPIRED 0x80

/* Periodic transmission and the timeout of the partner's information, in
 * milliseconds. */
#define LACP_FAST_PERIOD_MS 1000
#define LACP_SLOW_PERIOD_MS 30000
#define LACP_TIMEOUT_PERIODS 3

/* One side as a PDU describes it.  Host order. */
struct lacp_info {
    uint16_t sys_priority;
    struct vh_mac sys_id;       /* System MAC. */
    uint16_t key;
    uint16_t port_priority;
    uint16_t port;
    uint8_t state;              /* LACP_STATE_* bits. */
};

/* Builds an untagged LACPDU from 'src_mac' into 'buf' (at least
 * LACP_FRAME_LEN bytes).  'collector_max_delay' is in tens of
 * microseconds.  Returns the frame length, LACP_FRAME_LEN. */
uint32_t lacp_build_pdu(uint8_t *buf, const struct vh_mac *src_mac,
                        const struct lacp_info *actor,
                        const struct lacp_info *partner,
                        uint16_t collector_max_delay);

/* Parses an LACPDU of 'len' bytes: EtherType, subtype, a version of 1 or
 * later, and the actor and partner TLVs' types and lengths must be right
 * and the frame must hold the whole 110-byte PDU.  The destination MAC is
 * not checked: what reaches the parser was already addressed to it.
 * Fills 'actor' and 'partner' (either may be NULL) and returns true, or
 * returns false and fills neither. */
bool lacp_parse_pdu(const uint8_t *frame, uint32_t len,
                    struct lacp_info *actor, struct lacp_info *partner);

#endif /* models/ovs/lacp.h */
