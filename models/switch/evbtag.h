/* models/switch/evbtag.h: the tag of edge virtual bridging, whichever of
 * the two wire formats carries it.
 *
 * A port extender (a VN-Tag adapter's virtual interfaces, a fabric
 * extender, an 802.1BR port extender) switches nothing: every frame goes
 * up to the controlling bridge, which forwards it and sends it back down.
 * Between the two, a tag says which virtual interface (VIF; an "extended
 * port" with its E-CID in 802.1BR) the frame came from going up, and
 * which it goes to coming down.  Cisco's VN-Tag (models/switch/vntag.h)
 * and the IEEE's E-Tag (models/switch/etag.h) carry the same five facts:
 *
 *   down     0 going up to the bridge, 1 coming down from it;
 *   group    coming down: 'dst' names a VIF list (a multicast group of
 *            extended ports, which the extender fans out to), not one VIF;
 *   dst      coming down: the VIF or list;
 *   src      the VIF the frame entered by (going up: always; coming
 *            down: when 'looped');
 *   looped   coming down: the frame is a flood sent back to the extender
 *            its sender sits behind, which must not deliver it to 'src'.
 *
 * VN-Tag writes them as d, p, dst, l and src.  The E-Tag's E-CID is
 * 'src' going up and 'dst' coming down (GRP 1 for a list), and its
 * ingress E-CID is 'src' coming down when 'looped' (zero otherwise), as
 * 802.1BR filters a multicast's own sender.
 *
 * VIF numbers are the controlling bridge's, one space for everything
 * behind it: a VN-Tag adapter takes a block of them when it is built
 * (its VIFs, then its own host interface), a fabric extender one per
 * host port.  The bridge keeps one VIF list per port, "every VIF behind
 * this port", whose number is the port's. */
#ifndef VH_MODELS_SWITCH_EVBTAG_H
#define VH_MODELS_SWITCH_EVBTAG_H 1

#include <stdbool.h>
#include <stdint.h>

struct vh_packet;
struct world;

enum evb_tag_kind {
    EVB_TAG_NONE,               /* Not a port extender's port. */
    EVB_TAG_VNTAG,              /* Cisco VN-Tag, 0x8926. */
    EVB_TAG_ETAG,               /* 802.1BR E-Tag, 0x893F. */
};

struct evb_tag {
    bool down;
    bool group;
    uint16_t dst;
    uint16_t src;
    bool looped;
};

/* The highest VIF number a tag can carry going up (VN-Tag's source VIF
 * is 12 bits; the E-CID has more). */
#define EVB_VIF_MAX 4095

/* The kind's name: "VN-Tag", "E-Tag". */
const char *evb_tag_name(enum evb_tag_kind);

/* Inserts the tag after the source MAC of the frame in 'p' (before any
 * 802.1Q tag, which stays inside), in the kind's format. */
void evbtag_push(struct vh_packet *p, enum evb_tag_kind, const struct evb_tag *);

/* Reads the frame's tag of 'kind' into 'out' (if not NULL) and returns
 * true, or returns false if the frame carries none of that kind. */
bool evbtag_read(const struct vh_packet *p, enum evb_tag_kind kind,
                 struct evb_tag *out);

/* Like evbtag_read(), and takes the tag off the frame. */
bool evbtag_pop(struct vh_packet *p, enum evb_tag_kind kind,
                struct evb_tag *out);

/* Takes 'n' consecutive VIF numbers of the world's space and returns the
 * first, or -1 if fewer than 'n' are left (the space ends at
 * EVB_VIF_MAX). */
int evb_vif_alloc(struct world *, int n);

#endif /* models/switch/evbtag.h */
