/* models/tunnel/geneve.c: the Geneve header. */
#include "models/tunnel/geneve.h"

#include <assert.h>
#include <string.h>

#include "models/tunnel/tnl_outer.h"
#include "sim/frame.h"
#include "sim/packet.h"

/* Whether one of the options in 'opts' is critical. */
static bool
any_critical(const uint8_t *opts, uint32_t len)
{
    uint32_t off = 0;
    while (off + 4 <= len) {
        if (opts[off + 2] & GENEVE_OPT_CRITICAL) {
            return true;
        }
        off += 4 + 4 * (opts[off + 3] & 0x1fu);
    }
    return false;
}

void
geneve_push(struct vh_packet *p, uint32_t vni, const uint8_t *opts,
            uint32_t opt_len, bool oam)
{
    assert(opt_len % 4 == 0 && opt_len <= GENEVE_OPT_MAX);
    uint32_t n = GENEVE_BASE_HLEN + opt_len;
    tnl_reserve(p, n);
    uint8_t *h = vh_packet_push(p, n);
    h[0] = (uint8_t) (opt_len / 4);     /* Version 0. */
    h[1] = (uint8_t) ((oam ? GENEVE_FLAG_O : 0)
                      | (opts && any_critical(opts, opt_len)
                         ? GENEVE_FLAG_C : 0));
    vh_put_be16(h + 2, TNL_ETHERTYPE_TEB);
    vh_put_be32(h + 4, (vni & GENEVE_VNI_MAX) << 8);
    if (opt_len) {
        memcpy(h + GENEVE_BASE_HLEN, opts, opt_len);
    }
}

bool
geneve_parse(const uint8_t *h, uint32_t len, struct geneve_hdr *g,
             uint32_t *hlen)
{
    if (len < GENEVE_BASE_HLEN || (h[0] >> 6) != 0) {
        return false;
    }
    g->opt_len = 4u * (h[0] & 0x3fu);
    g->oam = h[1] & GENEVE_FLAG_O;
    g->critical = h[1] & GENEVE_FLAG_C;
    g->proto = vh_get_be16(h + 2);
    g->vni = vh_get_be32(h + 4) >> 8;
    if (len < GENEVE_BASE_HLEN + g->opt_len) {
        return false;
    }
    *hlen = GENEVE_BASE_HLEN + g->opt_len;
    return true;
}
