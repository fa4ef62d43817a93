/* models/tunnel/tnl_peek.c: reading a tunnelled frame's outer headers. */
#include "models/tunnel/tnl_peek.h"

#include <stdio.h>
#include <string.h>

#include "models/tunnel/geneve.h"
#include "models/tunnel/gre.h"
#include "models/tunnel/tnl_outer.h"
#include "models/tunnel/vxlan.h"
#include "sim/frame.h"

bool
tnl_peek(const uint8_t *frame, uint32_t len, struct tnl_view *v)
{
    struct vh_frame_info fi;
    memset(v, 0, sizeof *v);
    if (vh_frame_parse(frame, len, &fi, false) || !fi.is_ipv4
        || fi.l3_off + (uint32_t) fi.ip_total_len > len) {
        return false;
    }
    const uint8_t *l4 = frame + fi.l4_off;
    uint32_t l4_len = fi.ip_total_len - (fi.l4_off - fi.l3_off);
    uint32_t h = 0;
    v->src = fi.ip_src;
    v->dst = fi.ip_dst;
    if (fi.ip_proto == TNL_IPPROTO_GRE) {
        struct gre_hdr g;
        if (!gre_parse(l4, l4_len, &g, &h) || g.proto != TNL_ETHERTYPE_TEB) {
            return false;
        }
        v->name = "GRE";
        v->key = g.key;
        v->has_key = g.has_key;
    } else if (fi.ip_proto == VH_IPPROTO_UDP && l4_len >= VH_UDP_HLEN) {
        const uint8_t *th = l4 + VH_UDP_HLEN;
        uint32_t tl = l4_len - VH_UDP_HLEN;
        v->sport = fi.sport;
        v->dport = fi.dport;
        v->has_key = true;
        if (fi.dport == VXLAN_PORT && vxlan_parse(th, tl, &v->key)) {
            v->name = "VXLAN";
            h = VH_UDP_HLEN + VXLAN_HLEN;
        } else if (fi.dport == GENEVE_PORT) {
            struct geneve_hdr g;
            uint32_t gl;
            if (!geneve_parse(th, tl, &g, &gl)
                || g.proto != TNL_ETHERTYPE_TEB) {
                return false;
            }
            v->name = "Geneve";
            v->key = g.vni;
            h = VH_UDP_HLEN + gl;
        } else {
            return false;
        }
    } else {
        return false;
    }
    if (l4_len < h + VH_ETH_HLEN) {
        return false;
    }
    v->inner_off = fi.l4_off + h;
    v->inner_len = l4_len - h;
    return true;
}

void
tnl_describe(const uint8_t *frame, uint32_t len, char *out, size_t n)
{
    struct tnl_view v;
    char a[16], b[16], key[96];
    out[0] = '\0';
    if (!tnl_peek(frame, len, &v)) {
        return;
    }
    if (!v.has_key) {
        snprintf(key, sizeof key, "GRE without a key");
    } else if (v.sport) {
        snprintf(key, sizeof key, "%s VNI %u", v.name, v.key);
    } else if (nvgre_vsid(v.key)) {
        /* A key past 8 bits may be NVGRE's: read it as VSID and FlowID
         * too (the wire does not say which it is). */
        snprintf(key, sizeof key, "GRE key %#x (as NVGRE: VSID %u, FlowID "
                 "%u)", v.key, nvgre_vsid(v.key), v.key & 0xffu);
    } else {
        snprintf(key, sizeof key, "GRE key %u", v.key);
    }
    vh_ipv4_format(v.src, a);
    vh_ipv4_format(v.dst, b);
    if (v.sport) {
        snprintf(out, n, "%s, %s -> %s, UDP %u -> %u", key, a, b, v.sport,
                 v.dport);
    } else {
        snprintf(out, n, "%s, %s -> %s", key, a, b);
    }
}
