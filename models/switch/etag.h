/* models/switch/etag.h: the 802.1BR E-Tag, byte-exact.
 *
 * 802.1BR standardizes what the VN-Tag does: a "port extender" (a
 * fabric extender, or a NIC's virtual functions) forwards nothing itself
 * and hands every frame to its "controlling bridge", and a tag says which
 * extended port the frame belongs to.  Each extended port, and each group
 * of ports a multicast reaches, has an E-channel identifier (E-CID).  The
 * tag sits right after the source MAC, before any S-tag or C-tag, and is
 * 8 bytes with its EtherType 0x893F:
 *
 *   E-PCP, E-DEI         priority and drop eligibility, as in 802.1Q;
 *   ingress E-CID        going down, the extended port the frame came in
 *                        by, so a multicast sent back down is not
 *                        delivered to its own sender (the VN-Tag's
 *                        looped bit and source VIF in one); zero going up;
 *   GRP                  0 if the E-CID names one port, 1-3 if it names
 *                        a multicast group of ports;
 *   E-CID                going up, the port the frame came in by; going
 *                        down, the port or group it goes to.
 *
 * Each E-CID is 20 bits sent in two pieces: a 12-bit base in the first
 * four bytes and an 8-bit extension in the next two, so the whole value
 * is ext << 12 | base.  Two bits before GRP are reserved (zero). */
#ifndef VH_MODELS_SWITCH_ETAG_H
#define VH_MODELS_SWITCH_ETAG_H 1

#include <stdbool.h>
#include <stdint.h>

#include "sim/frame.h"

#define ETAG_ETHERTYPE 0x893f
#define ETAG_HLEN 8                 /* TPID and the 6-byte TCI. */

/* From the start of the frame. */
#define ETAG_TPID_OFF 12
#define ETAG_PCP_OFF 14             /* E-PCP, E-DEI, ingress E-CID base. */
#define ETAG_GRP_OFF 16             /* Reserved, GRP, E-CID base. */
#define ETAG_IN_EXT_OFF 18          /* Ingress E-CID extension. */
#define ETAG_EXT_OFF 19             /* E-CID extension. */
#define ETAG_TYPE_OFF 20            /* The EtherType behind the tag. */

/* Bits of the two 16-bit words. */
#define ETAG_PCP_MASK 0xe000
#define ETAG_PCP_SHIFT 13
#define ETAG_DEI 0x1000
#define ETAG_RESV_MASK 0xc000
#define ETAG_GRP_MASK 0x3000
#define ETAG_GRP_SHIFT 12
#define ETAG_BASE_MASK 0x0fff

#define ETAG_PCP_MAX 7
#define ETAG_GRP_MAX 3
#define ETAG_BASE_MAX 0x0fff
#define ETAG_ECID_MAX 0xfffff       /* 20 bits: ext << 12 | base. */

/* The tag's fields, host order. */
struct etag {
    uint8_t pcp;                /* <= ETAG_PCP_MAX. */
    bool dei;
    uint16_t in_ecid_base;      /* <= ETAG_BASE_MAX. */
    uint8_t in_ecid_ext;
    uint8_t grp;                /* <= ETAG_GRP_MAX; 0 = one port. */
    uint16_t ecid_base;         /* <= ETAG_BASE_MAX. */
    uint8_t ecid_ext;
};

/* The 20-bit E-CIDs of a tag, and setting them from such values. */
static inline uint32_t
etag_ecid(const struct etag *t)
{
    return (uint32_t) t->ecid_ext << 12 | t->ecid_base;
}

static inline uint32_t
etag_in_ecid(const struct etag *t)
{
    return (uint32_t) t->in_ecid_ext << 12 | t->in_ecid_base;
}

void etag_set_ecid(struct etag *t, uint32_t ecid);
void etag_set_in_ecid(struct etag *t, uint32_t ecid);

/* Writes the 6 bytes after the TPID (fields out of range are asserted),
 * and reads them (the reserved bits are ignored). */
void etag_put(uint8_t *tci, const struct etag *t);
struct etag etag_get(const uint8_t *tci);

/* Whether the 'len' bytes of 'frame' hold a whole E-Tag behind the
 * source MAC. */
bool etag_present(const uint8_t *frame, uint32_t len);

/* Reads the tag of a frame into 'out' and returns true, or returns false
 * if it carries none. */
bool etag_read(const uint8_t *frame, uint32_t len, struct etag *out);

/* Inserts an E-Tag after the source MAC of the frame in 'p' using its
 * headroom (asserted to suffice). */
struct vh_packet;
void etag_push(struct vh_packet *p, const struct etag *t);

/* Removes the frame's E-Tag, filling 'out' if not NULL, and returns true;
 * returns false, and changes nothing, if it has none.  A frame left
 * shorter than the Ethernet minimum is padded back to it. */
bool etag_pop(struct vh_packet *p, struct etag *out);

#endif /* models/switch/etag.h */
