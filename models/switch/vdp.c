/* models/switch/vdp.c: building and parsing ECP frames with VDP TLVs. */
#include "models/switch/vdp.h"

#include <assert.h>
#include <string.h>

const struct vh_mac vdp_dst = { { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 } };

static void
put_tlv_hdr(uint8_t *p, uint8_t type, uint16_t len)
{
    vh_put_be16(p, (uint16_t) (type << VDP_TLV_TYPE_SHIFT | len));
}

/* Bytes of a filter entry in 'format', 0 if unsupported. */
static uint32_t
entry_len(uint8_t format)
{
    return format == VDP_FILTER_MACVID ? VDP_MACVID_LEN
           : format == VDP_FILTER_VID ? 2 : 0;
}

uint32_t
vdp_build(uint8_t *buf, const struct vh_mac *src, const struct vdp_msg *m)
{
    assert(m->ecp_op == ECP_OP_REQUEST || m->ecp_op == ECP_OP_ACK);
    memset(buf, 0, VH_ETH_MIN_FRAME);
    vh_eth_set_dst(buf, &vdp_dst);
    vh_eth_set_src(buf, src);
    vh_put_be16(buf + VH_ETH_TYPE_OFF, ECP_ETHERTYPE);
    vh_put_be16(buf + ECP_HDR_OFF,
                (uint16_t) (ECP_VERSION << ECP_VER_SHIFT
                            | m->ecp_op << ECP_OP_SHIFT | ECP_SUBTYPE_VDP));
    vh_put_be16(buf + ECP_SEQ_OFF, m->seq);
    if (m->ecp_op == ECP_OP_ACK) {
        return VH_ETH_MIN_FRAME;
    }

    assert(m->mode >= VDP_PREASSOC && m->mode <= VDP_DEASSOC);
    assert(m->type_id <= 0xffffff);
    assert(m->n_filters <= VDP_MAX_FILTERS);
    uint32_t elen = entry_len(m->filter_format);
    assert(elen);

    uint8_t *p = buf + ECP_ULPDU_OFF;
    put_tlv_hdr(p, VDP_TLV_MGRID, VDP_MGRID_LEN);
    memcpy(p + VDP_TLV_HLEN, m->mgrid, VDP_MGRID_LEN);
    p += VDP_TLV_HLEN + VDP_MGRID_LEN;

    uint32_t body = VDP_FILTERS_OFF + m->n_filters * elen;
    put_tlv_hdr(p, m->mode, (uint16_t) body);
    uint8_t *b = p + VDP_TLV_HLEN;
    b[VDP_STATUS_OFF] = m->status;
    b[VDP_TYPEID_OFF] = (uint8_t) (m->type_id >> 16);
    vh_put_be16(b + VDP_TYPEID_OFF + 1, (uint16_t) m->type_id);
    b[VDP_TYPEVER_OFF] = m->type_version;
    b[VDP_VSIID_FMT_OFF] = m->vsiid_format;
    memcpy(b + VDP_VSIID_OFF, m->vsiid, VDP_VSIID_LEN);
    b[VDP_FILTER_FMT_OFF] = m->filter_format;
    vh_put_be16(b + VDP_NFILTERS_OFF, m->n_filters);
    uint8_t *e = b + VDP_FILTERS_OFF;
    for (uint16_t i = 0; i < m->n_filters; i++) {
        const struct vdp_filter *f = &m->filters[i];
        assert(f->pcp <= 7 && f->vid <= VDP_VID_MASK);
        if (m->filter_format == VDP_FILTER_MACVID) {
            memcpy(e, f->mac.b, VH_ETH_ALEN);
            e += VH_ETH_ALEN;
        }
        vh_put_be16(e, (uint16_t) ((f->ps ? VDP_PS : 0)
                                   | f->pcp << VDP_PCP_SHIFT | f->vid));
        e += 2;
    }
    put_tlv_hdr(e, VDP_TLV_END, 0);     /* Ends the list. */
    e += VDP_TLV_HLEN;
    uint32_t len = (uint32_t) (e - buf);
    return len < VH_ETH_MIN_FRAME ? VH_ETH_MIN_FRAME : len;
}

/* Reads a VSI TLV's body of 'len' bytes into 'out'. */
static bool
parse_vsi(const uint8_t *b, uint32_t len, struct vdp_msg *out)
{
    if (len < VDP_FILTERS_OFF) {
        return false;
    }
    out->status = b[VDP_STATUS_OFF];
    out->type_id = (uint32_t) b[VDP_TYPEID_OFF] << 16
                   | vh_get_be16(b + VDP_TYPEID_OFF + 1);
    out->type_version = b[VDP_TYPEVER_OFF];
    out->vsiid_format = b[VDP_VSIID_FMT_OFF];
    memcpy(out->vsiid, b + VDP_VSIID_OFF, VDP_VSIID_LEN);
    out->filter_format = b[VDP_FILTER_FMT_OFF];
    out->n_filters = vh_get_be16(b + VDP_NFILTERS_OFF);

    uint32_t elen = entry_len(out->filter_format);
    if (!elen || out->n_filters > VDP_MAX_FILTERS
        || len < VDP_FILTERS_OFF + out->n_filters * elen) {
        return false;
    }
    const uint8_t *e = b + VDP_FILTERS_OFF;
    for (uint16_t i = 0; i < out->n_filters; i++) {
        struct vdp_filter *f = &out->filters[i];
        if (out->filter_format == VDP_FILTER_MACVID) {
            memcpy(f->mac.b, e, VH_ETH_ALEN);
            e += VH_ETH_ALEN;
        }
        uint16_t w = vh_get_be16(e);
        f->ps = (w & VDP_PS) != 0;
        f->pcp = (uint8_t) ((w & VDP_PCP_MASK) >> VDP_PCP_SHIFT);
        f->vid = w & VDP_VID_MASK;
        e += 2;
    }
    return true;
}

bool
vdp_parse(const uint8_t *frame, uint32_t len, struct vdp_msg *out)
{
    if (len < ECP_ULPDU_OFF || vh_eth_type(frame) != ECP_ETHERTYPE) {
        return false;
    }
    uint16_t hdr = vh_get_be16(frame + ECP_HDR_OFF);
    if ((hdr & ECP_VER_MASK) >> ECP_VER_SHIFT != ECP_VERSION
        || (hdr & ECP_SUBTYPE_MASK) != ECP_SUBTYPE_VDP) {
        return false;
    }
    struct vdp_msg m;
    memset(&m, 0, sizeof m);
    m.ecp_op = (uint8_t) ((hdr & ECP_OP_MASK) >> ECP_OP_SHIFT);
    m.seq = vh_get_be16(frame + ECP_SEQ_OFF);
    if (m.ecp_op == ECP_OP_ACK) {
        *out = m;
        return true;
    }
    if (m.ecp_op != ECP_OP_REQUEST) {
        return false;
    }

    /* TLVs until the end TLV, the end of the frame, or the VSI TLV. */
    uint32_t off = ECP_ULPDU_OFF;
    bool have_mgrid = false;
    while (off + VDP_TLV_HLEN <= len) {
        uint16_t th = vh_get_be16(frame + off);
        uint8_t type = (uint8_t) (th >> VDP_TLV_TYPE_SHIFT);
        uint32_t tlen = th & VDP_TLV_LEN_MASK;
        const uint8_t *body = frame + off + VDP_TLV_HLEN;
        if (type == VDP_TLV_END || off + VDP_TLV_HLEN + tlen > len) {
            break;
        }
        if (type == VDP_TLV_MGRID) {
            if (tlen != VDP_MGRID_LEN) {
                return false;
            }
            memcpy(m.mgrid, body, VDP_MGRID_LEN);
            have_mgrid = true;
        } else if (type >= VDP_PREASSOC && type <= VDP_DEASSOC) {
            m.mode = type;
            if (!have_mgrid || !parse_vsi(body, tlen, &m)) {
                return false;
            }
            *out = m;
            return true;
        }
        off += VDP_TLV_HLEN + tlen;
    }
    return false;
}
