/* models/switch/etag.c: pushing, reading and popping 802.1BR E-Tags. */
#include "models/switch/etag.h"

#include <assert.h>
#include <string.h>

#include "sim/packet.h"

void
etag_set_ecid(struct etag *t, uint32_t ecid)
{
    assert(ecid <= ETAG_ECID_MAX);
    t->ecid_base = (uint16_t) (ecid & ETAG_BASE_MASK);
    t->ecid_ext = (uint8_t) (ecid >> 12);
}

void
etag_set_in_ecid(struct etag *t, uint32_t ecid)
{
    assert(ecid <= ETAG_ECID_MAX);
    t->in_ecid_base = (uint16_t) (ecid & ETAG_BASE_MASK);
    t->in_ecid_ext = (uint8_t) (ecid >> 12);
}

void
etag_put(uint8_t *tci, const struct etag *t)
{
    assert(t->pcp <= ETAG_PCP_MAX);
    assert(t->grp <= ETAG_GRP_MAX);
    assert(t->in_ecid_base <= ETAG_BASE_MAX);
    assert(t->ecid_base <= ETAG_BASE_MAX);
    vh_put_be16(tci, (uint16_t) (t->pcp << ETAG_PCP_SHIFT
                                 | (t->dei ? ETAG_DEI : 0)
                                 | t->in_ecid_base));
    vh_put_be16(tci + 2, (uint16_t) (t->grp << ETAG_GRP_SHIFT
                                     | t->ecid_base));
    tci[4] = t->in_ecid_ext;
    tci[5] = t->ecid_ext;
}

struct etag
etag_get(const uint8_t *tci)
{
    struct etag t;
    uint16_t w0 = vh_get_be16(tci), w1 = vh_get_be16(tci + 2);

    memset(&t, 0, sizeof t);
    t.pcp = (uint8_t) ((w0 & ETAG_PCP_MASK) >> ETAG_PCP_SHIFT);
    t.dei = (w0 & ETAG_DEI) != 0;
    t.in_ecid_base = w0 & ETAG_BASE_MASK;
    t.grp = (uint8_t) ((w1 & ETAG_GRP_MASK) >> ETAG_GRP_SHIFT);
    t.ecid_base = w1 & ETAG_BASE_MASK;
    t.in_ecid_ext = tci[4];
    t.ecid_ext = tci[5];
    return t;
}

bool
etag_present(const uint8_t *frame, uint32_t len)
{
    /* The EtherType behind the tag must be there too. */
    return len >= VH_ETH_HLEN + ETAG_HLEN
           && vh_get_be16(frame + ETAG_TPID_OFF) == ETAG_ETHERTYPE;
}

bool
etag_read(const uint8_t *frame, uint32_t len, struct etag *out)
{
    if (!etag_present(frame, len)) {
        return false;
    }
    *out = etag_get(frame + ETAG_PCP_OFF);
    return true;
}

void
etag_push(struct vh_packet *p, const struct etag *t)
{
    /* Checked before the frame moves, so a bad tag leaves it as it was. */
    uint8_t tci[ETAG_HLEN - 2];
    etag_put(tci, t);

    uint8_t *tag = vh_tag_open(p, ETAG_HLEN);
    vh_put_be16(tag, ETAG_ETHERTYPE);
    memcpy(tag + 2, tci, sizeof tci);
}

bool
etag_pop(struct vh_packet *p, struct etag *out)
{
    struct etag t;

    if (!etag_read(p->data, p->len, &t)) {
        return false;
    }
    if (out) {
        *out = t;
    }
    vh_tag_close(p, ETAG_HLEN);
    return true;
}
