/* models/switch/vdp.h: ECP frames carrying VDP TLVs (802.1Qbg edge
 * virtual bridging), byte-exact.
 *
 * With VEPA the adjacent bridge switches a host's VMs' traffic, hairpin
 * turns included, so it is the bridge that applies each VM's VLANs and
 * policies.  It has to learn which VM sits behind which MAC before it
 * forwards the VM's frames, and it must hear again when the VM moves to
 * another host.  That is what VDP (the VSI Discovery Protocol) carries: a
 * host's hypervisor tells the bridge about each virtual station interface
 * (VSI, a VM's vNIC):
 *
 *   pre-associate    reserve what the VSI will need (say, on the host a
 *                    migrating VM is about to reach), not yet forwarding;
 *                    "with resource reservation" also holds the resources;
 *   associate        the VSI is live here: apply its profile to frames
 *                    from and to its MAC/VLAN pairs;
 *   de-associate     it is gone: forget it.
 *
 * A request names the VSI (an ID, 16 bytes, in the format the host
 * chose: a UUID, a MAC, an IP address, ...), its type, meaning the
 * profile the VSI manager (the orchestrator, itself named by a 16-byte ID
 * in a TLV of its own) defines for it, and the filter: the MAC and VLAN
 * pairs its frames use.  The bridge answers with the same TLV, the
 * response bit set and an error code in its low nibble (0 = success).
 *
 * VDP TLVs have LLDP's 2-byte header, a 7-bit type and a 9-bit length of
 * the body.  They travel in ECP (the Edge Control Protocol, EtherType
 * 0x8940) to the nearest-customer-bridge address 01:80:c2:00:00:00.  ECP
 * makes delivery reliable: each data unit has a sequence number, and the
 * receiver acknowledges it with an ECP frame of its own (operation "ack",
 * the same number, no TLVs) before the sender sends the next.  Its header
 * is a 4-bit version (1), a 2-bit operation (request or ack) and a 10-bit
 * subtype naming the protocol carried (1 = VDP), then the sequence number.
 *
 * The VSI TLV's body, in order: a status byte (request flags or response
 * flags in the high nibble, a reason or error code in the low one), the
 * VSI type ID (3 bytes) and version (1), the VSI ID format (1) and ID
 * (16), the filter format (1), the number of filter entries (2) and the
 * entries; in the MAC/VLAN format each is a MAC and a 16-bit word with a
 * PCP-significant bit, the PCP and the VLAN ID.  (Wireshark 4.0's decoder
 * follows a draft without the entry count, so it shows the entries two
 * bytes off; everything before them reads right.) */
#ifndef VH_MODELS_SWITCH_VDP_H
#define VH_MODELS_SWITCH_VDP_H 1

#include <stdbool.h>
#include <stdint.h>

#include "sim/frame.h"

#define ECP_ETHERTYPE 0x8940
#define ECP_VERSION 1
#define ECP_OP_REQUEST 0
#define ECP_OP_ACK 1
#define ECP_SUBTYPE_VDP 1

/* The ECP header, from the start of the frame. */
#define ECP_HDR_OFF 14              /* Version, operation, subtype. */
#define ECP_SEQ_OFF 16
#define ECP_ULPDU_OFF 18            /* The first VDP TLV. */
#define ECP_VER_MASK 0xf000
#define ECP_VER_SHIFT 12
#define ECP_OP_MASK 0x0c00
#define ECP_OP_SHIFT 10
#define ECP_SUBTYPE_MASK 0x03ff

/* A TLV header: type in the top 7 bits, body length in the low 9. */
#define VDP_TLV_HLEN 2
#define VDP_TLV_TYPE_SHIFT 9
#define VDP_TLV_LEN_MASK 0x01ff

/* TLV types.  1 to 4 are the VSI TLVs, which say what to do. */
#define VDP_TLV_END 0
#define VDP_PREASSOC 1
#define VDP_PREASSOC_RR 2           /* With resource reservation. */
#define VDP_ASSOC 3
#define VDP_DEASSOC 4
#define VDP_TLV_MGRID 5

#define VDP_MGRID_LEN 16
#define VDP_VSIID_LEN 16

/* Within a VSI TLV's body. */
#define VDP_STATUS_OFF 0
#define VDP_TYPEID_OFF 1            /* 3 bytes. */
#define VDP_TYPEVER_OFF 4
#define VDP_VSIID_FMT_OFF 5
#define VDP_VSIID_OFF 6
#define VDP_FILTER_FMT_OFF 22
#define VDP_NFILTERS_OFF 23
#define VDP_FILTERS_OFF 25
#define VDP_MACVID_LEN 8            /* A MAC/VLAN entry. */

/* The status byte.  A request's flags: */
#define VDP_M_BIT 0x10              /* The VSI is migrating here. */
#define VDP_S_BIT 0x20              /* ... and was suspended for it. */
#define VDP_RESPONSE 0x40           /* Set in the bridge's answer. */
/* A response's flags: */
#define VDP_HARD_ERROR 0x10         /* Do not retry. */
#define VDP_KEEP 0x20               /* Keep the previous association. */
#define VDP_CODE_MASK 0x0f          /* Reason or error; 0 = success. */

/* VSI ID formats. */
#define VDP_VSIID_IPV4 1
#define VDP_VSIID_IPV6 2
#define VDP_VSIID_MAC 3
#define VDP_VSIID_LOCAL 4
#define VDP_VSIID_UUID 5

/* Filter formats; this model builds and reads the first two. */
#define VDP_FILTER_VID 1
#define VDP_FILTER_MACVID 2
#define VDP_FILTER_GROUPVID 3
#define VDP_FILTER_GROUPMACVID 4

/* The filter entries' 16-bit word: the PCP-significant bit on top, the
 * PCP in the next three bits, the VLAN ID in the low twelve. */
#define VDP_PS 0x8000
#define VDP_PCP_MASK 0x7000
#define VDP_PCP_SHIFT 12
#define VDP_VID_MASK 0x0fff

#define VDP_MAX_FILTERS 8

/* The frame: an ECP ack is padded to the Ethernet minimum. */
#define VDP_FRAME_MAX (ECP_ULPDU_OFF + VDP_TLV_HLEN + VDP_MGRID_LEN \
                       + VDP_TLV_HLEN + VDP_FILTERS_OFF \
                       + VDP_MAX_FILTERS * VDP_MACVID_LEN + VDP_TLV_HLEN)

struct vdp_filter {
    struct vh_mac mac;          /* Unused in the VLAN-only format. */
    uint16_t vid;
    uint8_t pcp;
    bool ps;                    /* 'pcp' is significant. */
};

/* One ECP frame, host order.  A request carries the manager ID TLV and
 * one VSI TLV; an ack only 'ecp_op' and 'seq' (then 'mode' is 0). */
struct vdp_msg {
    uint8_t ecp_op;             /* ECP_OP_*. */
    uint16_t seq;
    uint8_t mode;               /* VDP_PREASSOC ... VDP_DEASSOC. */
    uint8_t status;             /* Flags | reason or error code. */
    uint8_t mgrid[VDP_MGRID_LEN];
    uint32_t type_id;           /* 24 bits. */
    uint8_t type_version;
    uint8_t vsiid_format;       /* VDP_VSIID_*. */
    uint8_t vsiid[VDP_VSIID_LEN];
    uint8_t filter_format;      /* VDP_FILTER_VID or _MACVID. */
    uint16_t n_filters;         /* <= VDP_MAX_FILTERS. */
    struct vdp_filter filters[VDP_MAX_FILTERS];
};

static inline bool
vdp_is_response(const struct vdp_msg *m)
{
    return (m->status & VDP_RESPONSE) != 0;
}

/* The group address ECP frames go to (nearest customer bridge). */
extern const struct vh_mac vdp_dst;

/* Builds the ECP frame of 'm' from 'src' into 'buf' (at least
 * VDP_FRAME_MAX bytes, or VH_ETH_MIN_FRAME for an ack).  Fields out of
 * range are asserted.  Returns the frame length. */
uint32_t vdp_build(uint8_t *buf, const struct vh_mac *src,
                   const struct vdp_msg *m);

/* Parses an ECP frame carrying VDP: EtherType, version 1, subtype VDP,
 * TLV lengths within the frame, a manager ID TLV of 16 bytes and, in a
 * request, one VSI TLV with a supported filter format and at most
 * VDP_MAX_FILTERS entries (what follows it is ignored).  Fills 'out' and
 * returns true, or returns false. */
bool vdp_parse(const uint8_t *frame, uint32_t len, struct vdp_msg *out);

#endif /* models/switch/vdp.h */
