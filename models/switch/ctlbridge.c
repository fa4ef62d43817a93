/* models/switch/ctlbridge.c: forwarding by MAC to (port, VIF). */
#include "models/switch/ctlbridge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/defaults.h"
#include "models/core/devclass.h"
#include "models/core/world.h"
#include "sim/frame.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

/* The FDB holds one int per address: the port (0-based) and the VIF it
 * was learned at, VIF 0 for a plain port. */
#define CB_FDB_VIFS (EVB_VIF_MAX + 1)

static int
cb_fdb_encode(int port, int vif)
{
    return port * CB_FDB_VIFS + vif;
}

/* Sends 'p' down port 'j' to an extender, tagged with 't'. */
static void
cb_send_tagged(struct world *w, struct ctlbridge *cb, int j,
               struct vh_packet *p, const struct evb_tag *t)
{
    evbtag_push(p, cb->tag, t);
    cb->dev.tx++;
    fabport_send(w, &cb->ports[j].fp, p);
}

static void
cb_send_plain(struct world *w, struct ctlbridge *cb, int j,
              struct vh_packet *p)
{
    cb->dev.tx++;
    fabport_send(w, &cb->ports[j].fp, p);
}

/* Whether port 'j' takes a copy of a frame flooded in on port 'in'. */
static bool
cb_floods_to(const struct ctlbridge *cb, int j, int in)
{
    const struct fabport *fp = &cb->ports[j].fp;
    return fp->port.carrier && (j != in || fabport_extended(fp));
}

/* A copy to every port with carrier but a plain ingress: one per
 * extended port, for its VIF list, looped back to its source VIF on the
 * ingress port; an untagged one to each plain port. */
static void
cb_flood(struct world *w, struct ctlbridge *cb, int in, int src_vif,
         struct vh_packet *p)
{
    int last = -1;
    for (int j = 0; j < cb->n_ports; j++) {
        if (cb_floods_to(cb, j, in)) {
            last = j;
        }
    }
    if (last < 0) {
        acct_drop(w, p, &cb->dev, "no-other-port");
        return;
    }
    for (int j = 0; j <= last; j++) {
        if (!cb_floods_to(cb, j, in)) {
            continue;
        }
        struct vh_packet *c = j == last ? p : acct_clone(w, p);
        if (fabport_extended(&cb->ports[j].fp)) {
            struct evb_tag t = {
                .down = true, .group = true, .dst = (uint16_t) (j + 1),
                .src = (uint16_t) src_vif, .looped = j == in,
            };
            if (j == in) {
                cb->ports[j].reflected++;
            }
            cb_send_tagged(w, cb, j, c, &t);
        } else {
            cb_send_plain(w, cb, j, c);
        }
    }
}

/* The frame has waited its forwarding latency: untag it, let the ACL
 * judge it, learn its source and send it on. */
static void
cb_forward(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct ctlbridge *cb = obj;
    struct vh_packet *p = arg;
    int in = p->in_port;
    struct cb_port *ip = &cb->ports[in];
    int src_vif = 0;

    if (fabport_extended(&ip->fp)) {
        struct evb_tag t;
        if (!evbtag_pop(p, cb->tag, &t)) {
            acct_drop(w, p, &ip->fp.dev, "vif-untagged");
            return;
        }
        if ((cb->tag == EVB_TAG_VNTAG && t.down) || !t.src
            || t.src > EVB_VIF_MAX) {
            acct_drop(w, p, &ip->fp.dev, "vif-bad-tag");
            return;
        }
        src_vif = t.src;
    }
    if (p->len < VH_ETH_HLEN) {
        acct_drop(w, p, &ip->fp.dev, "runt");
        return;
    }
    if (!swacl_permits(&cb->acl, in + 1, p)) {
        acct_drop(w, p, &ip->fp.dev, "acl-deny");
        return;
    }
    const struct vh_mac *src = vh_eth_src(p->data);
    if (src_vif) {
        struct cb_vif *v = &cb->vifs[src_vif];
        v->port = in + 1;
        v->mac = *src;
        v->rx++;
    }
    if (!vh_mac_is_multicast(src)) {
        fdb_learn(&cb->fdb, src, 0, cb_fdb_encode(in, src_vif), w->sim.now);
    }

    const struct vh_mac *dst = vh_eth_dst(p->data);
    int e = vh_mac_is_multicast(dst) ? -1
            : fdb_lookup(&cb->fdb, dst, 0, w->sim.now);
    if (e < 0) {
        cb_flood(w, cb, in, src_vif, p);
        return;
    }
    int j = e / CB_FDB_VIFS, dst_vif = e % CB_FDB_VIFS;
    if (j == in && dst_vif == src_vif) {
        /* Both behind the same VIF, or the same plain port: the frame
         * never goes back where it came from. */
        acct_drop(w, p, &ip->fp.dev, "no-hairpin");
        return;
    }
    if (!dst_vif) {
        cb_send_plain(w, cb, j, p);
        return;
    }
    struct evb_tag t = {
        .down = true, .dst = (uint16_t) dst_vif, .src = (uint16_t) src_vif,
    };
    if (j == in) {
        ip->reflected++;
    }
    cb->vifs[dst_vif].tx++;
    cb_send_tagged(w, cb, j, p, &t);
}

/* A whole frame has been received on a port (counted and captured). */
static void
cb_port_rx(struct world *w, struct port *port, struct vh_packet *p)
{
    struct cb_port *cp = fabport_of(port)->owner;
    struct ctlbridge *cb = cp->cb;

    cb->dev.rx++;
    p->in_port = (uint16_t) port->index;
    p->hops++;
    vh_time_t lat = hw_time(w, COST_SWITCH_LATENCY, 0);
    VH_TRACE(&w->trace, VH_HOP_SERVICE, .time = w->sim.now,
             .end = w->sim.now + lat, .pkt = p, .dev = &cb->dev);
    vh_schedule_in(&w->sim, lat, cb_forward, cb, p);
}

static struct ctlbridge *
ctlbridge_create(struct world *w, const struct cfg_switch *cfg)
{
    struct ctlbridge *cb = vh_xcalloc(1, sizeof *cb);
    dev_register(w, &cb->dev, &ctlbridge_class, NULL, cfg->name);
    cb->dev.report = 1;
    cb->cfg = cfg;
    cb->tag = cfg->mode == CFG_SW_8021BR ? EVB_TAG_ETAG : EVB_TAG_VNTAG;
    fdb_init(&cb->fdb, VH_DEF_FDB_AGEING);
    swacl_init(&cb->acl, cfg->acl, cfg->n_acl);
    cb->vifs = vh_xcalloc(CB_FDB_VIFS, sizeof *cb->vifs);
    cb->n_ports = cfg->ports;
    cb->ports = vh_xcalloc((size_t) cfg->ports, sizeof *cb->ports);
    int buffer = cfg->port_buffer ? cfg->port_buffer
                                  : VH_DEF_SWITCH_PORT_BUFFER;
    for (int i = 0; i < cfg->ports; i++) {
        struct cb_port *cp = &cb->ports[i];
        char name[16];
        snprintf(name, sizeof name, "p%d", i + 1);
        cp->cb = cb;
        fabport_init(w, &cp->fp, &cb->dev, name, i, cb_port_rx, cp,
                     cfg->speed_bps, buffer);
        /* Whatever extender is cabled here learns the tag from this. */
        cp->fp.port.evb_tag = (uint8_t) cb->tag;
    }
    return cb;
}

struct cb_port *
ctlbridge_port(struct ctlbridge *cb, int n)
{
    return n >= 1 && n <= cb->n_ports ? &cb->ports[n - 1] : NULL;
}

const struct cb_vif *
ctlbridge_vif(const struct ctlbridge *cb, int vif)
{
    return vif >= 1 && vif <= EVB_VIF_MAX ? &cb->vifs[vif] : NULL;
}

/* --- The class. --- */

/* "p8" of "n5k/p8". */
static const char *
port_name(const struct fabport *fp)
{
    const char *slash = strrchr(fp->dev.path, '/');
    return slash ? slash + 1 : fp->dev.path;
}

static bool
ctlbridge_build(struct world *w, struct host *h, const void *cfg,
                struct vh_diag *diag)
{
    ctlbridge_create(w, cfg);
    (void) h;
    (void) diag;
    return true;
}

static void
ctlbridge_destroy(struct vh_device *d)
{
    struct ctlbridge *cb = VH_CONTAINER_OF(d, struct ctlbridge, dev);
    fdb_destroy(&cb->fdb);
    swacl_destroy(&cb->acl);
    free(cb->vifs);
    free(cb->ports);
    free(cb);
}

static bool
ctlbridge_reports(const struct vh_device *d)
{
    (void) d;
    return true;
}

/* Its mode and tag; per cabled port, whether an extender is behind it
 * and the frames reflected to it; per VIF heard, its port, MAC and
 * frames; the ACL's hits when it has one. */
static void
ctlbridge_report(const struct vh_device *d, struct report_out *out)
{
    const struct ctlbridge *cb = VH_CONTAINER_OF(d, const struct ctlbridge,
                                                 dev);
    report_out_str(out, "mode", cfg_switch_mode_names[cb->cfg->mode]);
    report_out_str(out, "tag", evb_tag_name(cb->tag));
    report_out_begin_list(out, "ports");
    for (int i = 0; i < cb->n_ports; i++) {
        const struct cb_port *cp = &cb->ports[i];
        if (!cp->fp.port.link) {
            continue;
        }
        report_out_begin_item(out);
        report_out_str(out, "port", port_name(&cp->fp));
        report_out_str(out, "extended",
                       fabport_extended(&cp->fp) ? "yes" : "no");
        report_out_num(out, "reflected", (double) cp->reflected);
        report_out_end(out);
    }
    report_out_end(out);
    report_out_begin_list(out, "vifs");
    for (int v = 1; v <= EVB_VIF_MAX; v++) {
        const struct cb_vif *e = &cb->vifs[v];
        if (!e->port) {
            continue;
        }
        char mac[18];
        report_out_begin_item(out);
        report_out_num(out, "vif", v);
        report_out_str(out, "port",
                       port_name(&cb->ports[e->port - 1].fp));
        report_out_str(out, "mac", vh_mac_format(&e->mac, mac));
        report_out_num(out, "rx", (double) e->rx);
        report_out_num(out, "tx", (double) e->tx);
        report_out_end(out);
    }
    report_out_end(out);
    if (cb->acl.n) {
        swacl_report(&cb->acl, out);
    }
}

static const char *const ctlbridge_modes[] = { "vntag", "802.1br", NULL };

const struct dev_class ctlbridge_class = {
    .kind = "controlling-bridge",
    .role = VH_ROLE_SWITCHING,
    .family = DEV_FAM_SWITCH,
    .accepts = ctlbridge_modes,
    .described = "switches of mode vntag or 802.1br",
    .build = ctlbridge_build,
    .top_section = "switches",
    .reports = ctlbridge_reports,
    .report = ctlbridge_report,
    .destroy = ctlbridge_destroy,
};
