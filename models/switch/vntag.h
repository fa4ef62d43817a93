/* models/switch/vntag.h: the VN-Tag (Cisco's interface virtualization
 * tag, the forerunner of 802.1BR), byte-exact.
 *
 * A fabric extender (FEX) or a NIC that virtualizes its ports (an
 * "interface virtualizer") has no forwarding table of its own: every
 * frame goes up to the controlling bridge, which switches it and sends it
 * back down.  Both ends must say which virtual interface (VIF) a frame
 * came from or is going to, so they put a tag behind the source MAC, as
 * an 802.1Q tag would sit, with EtherType 0x8926 and a 32-bit word:
 *
 *   d     direction: 0 going up to the bridge, 1 coming down from it;
 *   p     pointer: 0 if 'dst' names one VIF, 1 if it names a VIF list
 *         (the set of VIFs a multicast or flood goes to, which the
 *         extender replicates to);
 *   dst   the destination VIF, or VIF list, 14 bits (meaningful coming
 *         down; zero going up);
 *   l     looped: the bridge sends a flood back down to the extender the
 *         sender sits behind, and l tells the extender not to deliver it
 *         to 'src' again;
 *   ver   version, 0 today (2 bits);
 *   src   the VIF the frame entered by, 12 bits.
 *
 * One bit between l and ver is reserved (zero).  Whatever EtherType the
 * frame had (0x8100 for a VLAN-tagged one) follows the tag, so pushing a
 * VN-Tag onto a tagged frame keeps its 802.1Q tag inside.  Some decoders
 * read 'dst' as 12 bits: values below 4096 read the same everywhere. */
#ifndef VH_MODELS_SWITCH_VNTAG_H
#define VH_MODELS_SWITCH_VNTAG_H 1

#include <stdbool.h>
#include <stdint.h>

#include "sim/frame.h"

#define VNTAG_ETHERTYPE 0x8926
#define VNTAG_HLEN 6                /* TPID and the 32-bit word. */

/* From the start of the frame. */
#define VNTAG_TPID_OFF 12
#define VNTAG_WORD_OFF 14
#define VNTAG_TYPE_OFF 18           /* The EtherType behind the tag. */

/* Bits of the word. */
#define VNTAG_DIR 0x80000000u
#define VNTAG_PTR 0x40000000u
#define VNTAG_DST_MASK 0x3fff0000u
#define VNTAG_DST_SHIFT 16
#define VNTAG_LOOPED 0x00008000u
#define VNTAG_RESERVED 0x00004000u
#define VNTAG_VER_MASK 0x00003000u
#define VNTAG_VER_SHIFT 12
#define VNTAG_SRC_MASK 0x00000fffu

#define VNTAG_DST_MAX 0x3fff
#define VNTAG_SRC_MAX 0x0fff
#define VNTAG_VER_MAX 3

/* The tag's fields, host order. */
struct vntag {
    bool dir;                   /* d: 1 = from the bridge. */
    bool ptr;                   /* p: 1 = 'dst' is a VIF list. */
    uint16_t dst;               /* VIF or VIF list, <= VNTAG_DST_MAX. */
    bool looped;                /* l. */
    uint8_t version;            /* <= VNTAG_VER_MAX. */
    uint16_t src;               /* Source VIF, <= VNTAG_SRC_MAX. */
};

/* The 32-bit word of 't' (fields out of range are asserted), and the
 * fields of a word (the reserved bit is ignored). */
uint32_t vntag_word(const struct vntag *t);
struct vntag vntag_from_word(uint32_t word);

/* Whether the 'len' bytes of 'frame' hold a whole VN-Tag behind the
 * source MAC. */
bool vntag_present(const uint8_t *frame, uint32_t len);

/* Reads the tag of a frame into 'out' and returns true, or returns false
 * if it carries none. */
bool vntag_read(const uint8_t *frame, uint32_t len, struct vntag *out);

/* Inserts a VN-Tag after the source MAC of the frame in 'p' using its
 * headroom (asserted to suffice), as vh_vlan_push() does an 802.1Q tag. */
struct vh_packet;
void vntag_push(struct vh_packet *p, const struct vntag *t);

/* Removes the frame's VN-Tag, filling 'out' if not NULL, and returns
 * true; returns false, and changes nothing, if it has none.  A frame left
 * shorter than the Ethernet minimum is padded back to it. */
bool vntag_pop(struct vh_packet *p, struct vntag *out);

#endif /* models/switch/vntag.h */
