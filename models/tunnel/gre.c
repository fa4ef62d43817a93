/* models/tunnel/gre.c: the GRE header. */
#include "models/tunnel/gre.h"

#include "models/tunnel/tnl_outer.h"
#include "sim/frame.h"
#include "sim/packet.h"

uint32_t
gre_hlen(const struct gre_hdr *g)
{
    return GRE_BASE_HLEN + 4 * ((uint32_t) g->csum + g->has_key
                                + g->has_seq);
}

void
gre_push(struct vh_packet *p, const struct gre_hdr *g)
{
    uint32_t n = gre_hlen(g);
    tnl_reserve(p, n);
    uint8_t *h = vh_packet_push(p, n);
    uint16_t flags = (uint16_t) ((g->csum ? GRE_FLAG_C : 0)
                                 | (g->has_key ? GRE_FLAG_K : 0)
                                 | (g->has_seq ? GRE_FLAG_S : 0));
    vh_put_be16(h, flags);
    vh_put_be16(h + 2, g->proto);
    uint8_t *opt = h + GRE_BASE_HLEN;
    if (g->csum) {
        vh_put_be32(opt, 0);    /* Checksum and reserved, filled below. */
        opt += 4;
    }
    if (g->has_key) {
        vh_put_be32(opt, g->key);
        opt += 4;
    }
    if (g->has_seq) {
        vh_put_be32(opt, g->seq);
    }
    if (g->csum) {
        vh_put_be16(h + GRE_BASE_HLEN,
                    vh_csum_fold(vh_csum_partial(h, p->len, 0)));
    }
}

bool
gre_parse(const uint8_t *h, uint32_t len, struct gre_hdr *g, uint32_t *hlen)
{
    if (len < GRE_BASE_HLEN) {
        return false;
    }
    uint16_t flags = vh_get_be16(h);
    if ((flags & GRE_VERSION_MASK) || (flags & GRE_FLAG_R)) {
        return false;
    }
    g->csum = flags & GRE_FLAG_C;
    g->has_key = flags & GRE_FLAG_K;
    g->has_seq = flags & GRE_FLAG_S;
    g->proto = vh_get_be16(h + 2);
    g->key = g->seq = 0;
    uint32_t n = gre_hlen(g);
    if (len < n) {
        return false;
    }
    const uint8_t *opt = h + GRE_BASE_HLEN;
    if (g->csum) {
        /* Summed over the header and payload with the checksum in place,
         * a right checksum folds to 0. */
        if (vh_csum_fold(vh_csum_partial(h, len, 0)) != 0) {
            return false;
        }
        opt += 4;
    }
    if (g->has_key) {
        g->key = vh_get_be32(opt);
        opt += 4;
    }
    if (g->has_seq) {
        g->seq = vh_get_be32(opt);
    }
    *hlen = n;
    return true;
}
