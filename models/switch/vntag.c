/* models/switch/vntag.c: pushing, reading and popping VN-Tags. */
#include "models/switch/vntag.h"

#include <assert.h>
#include <string.h>

#include "sim/packet.h"

uint32_t
vntag_word(const struct vntag *t)
{
    assert(t->dst <= VNTAG_DST_MAX);
    assert(t->src <= VNTAG_SRC_MAX);
    assert(t->version <= VNTAG_VER_MAX);
    return (t->dir ? VNTAG_DIR : 0)
           | (t->ptr ? VNTAG_PTR : 0)
           | (uint32_t) t->dst << VNTAG_DST_SHIFT
           | (t->looped ? VNTAG_LOOPED : 0)
           | (uint32_t) t->version << VNTAG_VER_SHIFT
           | t->src;
}

struct vntag
vntag_from_word(uint32_t word)
{
    struct vntag t;

    memset(&t, 0, sizeof t);
    t.dir = (word & VNTAG_DIR) != 0;
    t.ptr = (word & VNTAG_PTR) != 0;
    t.dst = (uint16_t) ((word & VNTAG_DST_MASK) >> VNTAG_DST_SHIFT);
    t.looped = (word & VNTAG_LOOPED) != 0;
    t.version = (uint8_t) ((word & VNTAG_VER_MASK) >> VNTAG_VER_SHIFT);
    t.src = (uint16_t) (word & VNTAG_SRC_MASK);
    return t;
}

bool
vntag_present(const uint8_t *frame, uint32_t len)
{
    /* The EtherType behind the tag must be there too. */
    return len >= VH_ETH_HLEN + VNTAG_HLEN
           && vh_get_be16(frame + VNTAG_TPID_OFF) == VNTAG_ETHERTYPE;
}

bool
vntag_read(const uint8_t *frame, uint32_t len, struct vntag *out)
{
    if (!vntag_present(frame, len)) {
        return false;
    }
    *out = vntag_from_word(vh_get_be32(frame + VNTAG_WORD_OFF));
    return true;
}

void
vntag_push(struct vh_packet *p, const struct vntag *t)
{
    uint32_t word = vntag_word(t);
    uint8_t *tag = vh_tag_open(p, VNTAG_HLEN);
    vh_put_be16(tag, VNTAG_ETHERTYPE);
    vh_put_be32(tag + (VNTAG_WORD_OFF - VNTAG_TPID_OFF), word);
}

bool
vntag_pop(struct vh_packet *p, struct vntag *out)
{
    struct vntag t;

    if (!vntag_read(p->data, p->len, &t)) {
        return false;
    }
    if (out) {
        *out = t;
    }
    vh_tag_close(p, VNTAG_HLEN);
    return true;
}
