/* models/switch/vdp_bridge.c: VSI states per port, responses, the gate. */
#include "models/switch/vdp_bridge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/devclass.h"
#include "models/core/world.h"
#include "sim/xmalloc.h"

static void
bport_send(struct world *w, void *ctx, struct vh_packet *p)
{
    struct vdp_bport *bp = ctx;
    bp->br->send(w, bp->br->owner, bp->index, p);
}

struct vdp_bridge *
vdp_bridge_create(struct world *w, void *owner, vdp_bridge_send_fn send,
                  const struct vh_mac *mac, const bool *on, int n_ports)
{
    struct vdp_bridge *br = vh_xcalloc(1, sizeof *br);
    br->owner = owner;
    br->send = send;
    br->n_ports = n_ports;
    br->ports = vh_xcalloc((size_t) n_ports, sizeof *br->ports);
    for (int i = 0; i < n_ports; i++) {
        struct vdp_bport *bp = &br->ports[i];
        bp->br = br;
        bp->index = i;
        bp->on = on[i];
        ecp_init(&bp->ecp, w, mac, bport_send, bp);
    }
    return br;
}

void
vdp_bridge_free(struct vdp_bridge *br)
{
    if (!br) {
        return;
    }
    for (int i = 0; i < br->n_ports; i++) {
        ecp_destroy(&br->ports[i].ecp);
        free(br->ports[i].vsis);
    }
    free(br->ports);
    free(br);
}

bool
vdp_bridge_port_on(const struct vdp_bridge *br, int port)
{
    return port >= 0 && port < br->n_ports && br->ports[port].on;
}

static struct vdp_vsi *
vsi_by_id(struct vdp_bport *bp, const uint8_t *id)
{
    for (size_t i = 0; i < bp->n_vsis; i++) {
        if (!memcmp(bp->vsis[i].req.vsiid, id, VDP_VSIID_LEN)) {
            return &bp->vsis[i];
        }
    }
    return NULL;
}

/* Acts on request 'm' on port 'bp' and answers it. */
static void
vdp_request(struct world *w, struct vdp_bport *bp, const struct vdp_msg *m)
{
    struct vdp_bridge *br = bp->br;
    struct vdp_vsi *v = vsi_by_id(bp, m->vsiid);
    if (m->mode == VDP_DEASSOC) {
        if (v) {
            size_t i = (size_t) (v - bp->vsis);
            memmove(v, v + 1, (--bp->n_vsis - i) * sizeof *v);
        }
        br->deassociates++;
    } else {
        if (!v) {
            if (bp->n_vsis == bp->cap) {
                bp->cap = bp->cap ? 2 * bp->cap : 4;
                bp->vsis = vh_xrealloc(bp->vsis, bp->cap * sizeof *bp->vsis);
            }
            v = &bp->vsis[bp->n_vsis++];
            memset(v, 0, sizeof *v);
        }
        if (v->req.mode != m->mode) {
            v->since = w->sim.now;
        }
        v->req = *m;
        if (m->mode == VDP_ASSOC) {
            br->associates++;
        } else {
            br->preassociates++;
        }
    }
    struct vdp_msg r = *m;
    r.status = VDP_RESPONSE;    /* Success. */
    ecp_submit(&bp->ecp, &r);
}

bool
vdp_bridge_input(struct vdp_bridge *br, int port, const struct vh_packet *p)
{
    struct vdp_msg m;
    if (!vdp_parse(p->data, p->len, &m)) {
        return false;
    }
    struct vdp_bport *bp = &br->ports[port];
    /* A response from a station has no meaning for a bridge: only its
     * data unit is acknowledged. */
    if (ecp_input(&bp->ecp, &m) && !vdp_is_response(&m)) {
        vdp_request(bp->ecp.w, bp, &m);
    }
    return true;
}

static bool
filter_matches(const struct vdp_msg *req, const struct vh_mac *mac,
               uint16_t vid)
{
    for (uint16_t k = 0; k < req->n_filters; k++) {
        const struct vdp_filter *f = &req->filters[k];
        if (f->vid == vid && (req->filter_format == VDP_FILTER_VID
                              || vh_mac_eq(&f->mac, mac))) {
            return true;
        }
    }
    return false;
}

const struct vdp_vsi *
vdp_bridge_find(const struct vdp_bridge *br, int port,
                const struct vh_mac *mac, uint16_t vid)
{
    const struct vdp_bport *bp = &br->ports[port];
    for (size_t i = 0; i < bp->n_vsis; i++) {
        if (filter_matches(&bp->vsis[i].req, mac, vid)) {
            return &bp->vsis[i];
        }
    }
    return NULL;
}

bool
vdp_bridge_admits(const struct vdp_bridge *br, int port,
                  const struct vh_packet *p)
{
    if (!br->ports[port].on) {
        return true;
    }
    int tag = vh_frame_vlan(p->data, p->len);
    const struct vdp_vsi *v = vdp_bridge_find(br, port, vh_eth_src(p->data),
                                              tag > 0 ? (uint16_t) tag : 0);
    return v && v->req.mode == VDP_ASSOC;
}

static const char *
state_name(uint8_t mode)
{
    switch (mode) {
    case VDP_PREASSOC: return "pre-associated";
    case VDP_PREASSOC_RR: return "pre-associated-rr";
    case VDP_ASSOC: return "associated";
    default: return "?";
    }
}

void
vdp_bridge_report(const struct vdp_bridge *br, struct report_out *out)
{
    report_out_begin(out, "vdp");
    report_out_num(out, "preassociates", (double) br->preassociates);
    report_out_num(out, "associates", (double) br->associates);
    report_out_num(out, "deassociates", (double) br->deassociates);
    report_out_begin_list(out, "vsis");
    for (int i = 0; i < br->n_ports; i++) {
        const struct vdp_bport *bp = &br->ports[i];
        for (size_t k = 0; k < bp->n_vsis; k++) {
            const struct vdp_msg *m = &bp->vsis[k].req;
            char port[16], mac[18];
            snprintf(port, sizeof port, "p%d", i + 1);
            report_out_begin_item(out);
            report_out_str(out, "port", port);
            if (m->filter_format == VDP_FILTER_MACVID && m->n_filters) {
                report_out_str(out, "mac", vh_mac_format(&m->filters[0].mac,
                                                         mac));
            }
            report_out_num(out, "vlan", m->n_filters ? m->filters[0].vid : 0);
            report_out_str(out, "state", state_name(m->mode));
            report_out_num(out, "since_ns",
                           (double) (bp->vsis[k].since / VH_NS));
            report_out_end(out);
        }
    }
    report_out_end(out);
    report_out_end(out);
}
