/* models/switch/pextender.c: host ports up, the tag's VIF down. */
#include "models/switch/pextender.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/cfgobj.h"
#include "models/core/defaults.h"
#include "models/core/devclass.h"
#include "models/core/world.h"
#include "sim/frame.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

static void
pe_send(struct world *w, struct pextender *pe, struct pe_port *pp,
        struct vh_packet *p)
{
    pe->dev.tx++;
    fabport_send(w, &pp->fp, p);
}

/* A frame a host port received, after the extender's latency: up, with
 * the host port's VIF unless an adapter behind it tagged it already. */
static void
pe_from_host(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct pe_port *hp = obj;
    struct pextender *pe = hp->pe;
    struct vh_packet *p = arg;
    int k = (int) (hp - pe->hosts);

    if (fabport_extended(&hp->fp)) {
        struct evb_tag t;
        if (!evbtag_read(p, pe->tag, &t)) {
            acct_drop(w, p, &hp->fp.dev, "vif-untagged");
            return;
        }
        if ((pe->tag == EVB_TAG_VNTAG && t.down) || !t.src
            || t.src > EVB_VIF_MAX) {
            acct_drop(w, p, &hp->fp.dev, "vif-bad-tag");
            return;
        }
        if (pe->acl.n) {
            /* The rules see the frame as the adapter's VIF sent it. */
            evbtag_pop(p, pe->tag, NULL);
            bool ok = swacl_permits(&pe->acl, k + 1, p);
            evbtag_push(p, pe->tag, &t);
            if (!ok) {
                acct_drop(w, p, &hp->fp.dev, "acl-deny");
                return;
            }
        }
        pe->behind[t.src] = (uint16_t) (k + 1);
    } else {
        if (!swacl_permits(&pe->acl, k + 1, p)) {
            acct_drop(w, p, &hp->fp.dev, "acl-deny");
            return;
        }
        struct evb_tag t = { .src = hp->vif };
        evbtag_push(p, pe->tag, &t);
    }
    hp->up++;
    pe->uplink.up++;
    pe_send(w, pe, &pe->uplink, p);
}

/* Whether host port 'k' takes a copy of a flood tagged 't'. */
static bool
pe_floods_to(const struct pextender *pe, int k, const struct evb_tag *t)
{
    const struct pe_port *hp = &pe->hosts[k];
    if (!hp->fp.port.carrier) {
        return false;
    }
    return fabport_extended(&hp->fp) || !t->looped || t->src != hp->vif;
}

/* A copy of a flood for each host port that takes one: untagged, or as
 * it came when an adapter behind the port fans it out. */
static void
pe_flood(struct world *w, struct pextender *pe, const struct evb_tag *t,
         struct vh_packet *p)
{
    int last = -1;
    bool carrier = false;
    for (int k = 0; k < pe->n_hosts; k++) {
        carrier |= pe->hosts[k].fp.port.carrier;
        if (pe_floods_to(pe, k, t)) {
            last = k;
        }
    }
    if (last < 0) {
        acct_drop(w, p, &pe->uplink.fp.dev,
                  carrier ? "vif-looped" : "no-other-port");
        return;
    }
    for (int k = 0; k <= last; k++) {
        if (!pe_floods_to(pe, k, t)) {
            continue;
        }
        struct pe_port *hp = &pe->hosts[k];
        struct vh_packet *c = k == last ? p : acct_clone(w, p);
        if (!fabport_extended(&hp->fp)) {
            evbtag_pop(c, pe->tag, NULL);
        }
        hp->down++;
        pe_send(w, pe, hp, c);
    }
}

/* A frame from the controlling bridge, after the extender's latency:
 * to the host port or adapter its tag names. */
static void
pe_from_uplink(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct pextender *pe = obj;
    struct vh_packet *p = arg;
    struct vh_device *at = &pe->uplink.fp.dev;
    struct evb_tag t;

    if (!evbtag_read(p, pe->tag, &t)) {
        acct_drop(w, p, at, "vif-untagged");
        return;
    }
    if (pe->tag == EVB_TAG_VNTAG && !t.down) {
        acct_drop(w, p, at, "vif-bad-tag");
        return;
    }
    if (t.group) {
        pe_flood(w, pe, &t, p);
        return;
    }
    int first = pe->hosts[0].vif;
    if (t.dst >= first && t.dst < first + pe->n_hosts) {
        struct pe_port *hp = &pe->hosts[t.dst - first];
        if (t.looped && t.src == t.dst) {
            acct_drop(w, p, at, "vif-looped");
            return;
        }
        evbtag_pop(p, pe->tag, NULL);
        hp->down++;
        pe_send(w, pe, hp, p);
    } else if (t.dst <= EVB_VIF_MAX && pe->behind[t.dst]) {
        struct pe_port *hp = &pe->hosts[pe->behind[t.dst] - 1];
        hp->down++;
        pe_send(w, pe, hp, p);
    } else {
        acct_drop(w, p, at, "vif-unknown");
    }
}

/* A whole frame has been received on a port (counted and captured). */
static void
pe_port_rx(struct world *w, struct port *port, struct vh_packet *p)
{
    struct pe_port *pp = fabport_of(port)->owner;
    struct pextender *pe = pp->pe;

    pe->dev.rx++;
    p->in_port = (uint16_t) port->index;
    p->hops++;
    if (pp == &pe->uplink) {
        pp->down++;
    }
    vh_time_t lat = hw_time(w, COST_FEX_LATENCY, 0);
    VH_TRACE(&w->trace, VH_HOP_SERVICE, .time = w->sim.now,
             .end = w->sim.now + lat, .pkt = p, .dev = &pe->dev);
    if (pp == &pe->uplink) {
        vh_schedule_in(&w->sim, lat, pe_from_uplink, pe, p);
    } else {
        vh_schedule_in(&w->sim, lat, pe_from_host, pp, p);
    }
}

struct pe_port *
pextender_port(struct pextender *pe, int n)
{
    return n >= 1 && n <= pe->n_hosts ? &pe->hosts[n - 1] : NULL;
}

/* --- The class. --- */

static bool
pextender_build(struct world *w, struct host *h, const void *c,
                struct vh_diag *diag)
{
    const struct cfg_switch *cfg = c;
    int first = evb_vif_alloc(w, cfg->ports);
    if (first < 0) {
        char path[512];
        snprintf(path, sizeof path, "%s.ports", cfg->jpath);
        return vh_diag_fail(diag, path, "a port extender takes a VIF for "
                            "each host port, and the %d VIF numbers (1 to "
                            "%d) have run out", EVB_VIF_MAX, EVB_VIF_MAX);
    }
    struct pextender *pe = vh_xcalloc(1, sizeof *pe);
    dev_register(w, &pe->dev, &pextender_class, NULL, cfg->name);
    pe->dev.report = 1;
    pe->cfg = cfg;
    pe->tag = cfg->mode == CFG_SW_PE ? EVB_TAG_ETAG : EVB_TAG_VNTAG;
    swacl_init(&pe->acl, cfg->acl, cfg->n_acl);
    pe->behind = vh_xcalloc(EVB_VIF_MAX + 1, sizeof *pe->behind);
    pe->n_hosts = cfg->ports;
    pe->hosts = vh_xcalloc((size_t) cfg->ports, sizeof *pe->hosts);
    int buffer = cfg->port_buffer ? cfg->port_buffer
                                  : VH_DEF_SWITCH_PORT_BUFFER;
    for (int i = 0; i < cfg->ports; i++) {
        struct pe_port *hp = &pe->hosts[i];
        char name[16];
        snprintf(name, sizeof name, "p%d", i + 1);
        hp->pe = pe;
        hp->vif = (uint16_t) (first + i);
        fabport_init(w, &hp->fp, &pe->dev, name, i, pe_port_rx, hp,
                     cfg->speed_bps, buffer);
        /* An adapter cabled here learns the tag from this. */
        hp->fp.port.evb_tag = (uint8_t) pe->tag;
    }
    pe->uplink.pe = pe;
    fabport_init(w, &pe->uplink.fp, &pe->dev, "uplink", cfg->ports,
                 pe_port_rx, &pe->uplink, cfg->speed_bps, buffer);
    pe->uplink.fp.port.evb_extender = true;
    (void) h;
    return true;
}

static void
pextender_destroy(struct vh_device *d)
{
    struct pextender *pe = VH_CONTAINER_OF(d, struct pextender, dev);
    swacl_destroy(&pe->acl);
    free(pe->behind);
    free(pe->hosts);
    free(pe);
}

static const char *const pextender_keys[] = { "uplink", NULL };

/* "uplink" is read with the switch's other keys (config.h); an extender
 * cannot do without it. */
static bool
pextender_parse(struct cfg_obj *o, void **priv)
{
    *priv = NULL;
    if (!cfg_obj_has(o, "uplink")) {
        return cfg_obj_fail(o, "uplink", -1, "missing: a port extender is "
                            "cabled by its uplink to a port of its "
                            "controlling bridge, such as \"n5k/p8\"");
    }
    return true;
}

/* It keeps nothing of its own: 'priv' is always NULL. */
static void
pextender_free_priv(void *priv)
{
    free(priv);
}

static bool
pextender_reports(const struct vh_device *d)
{
    (void) d;
    return true;
}

/* Its mode and tag; the frames its uplink carried each way; per cabled
 * host port, its VIF and the frames it sent up and delivered. */
static void
pextender_report(const struct vh_device *d, struct report_out *out)
{
    const struct pextender *pe = VH_CONTAINER_OF(d, const struct pextender,
                                                 dev);
    report_out_str(out, "mode", cfg_switch_mode_names[pe->cfg->mode]);
    report_out_str(out, "tag", evb_tag_name(pe->tag));
    report_out_begin(out, "uplink");
    report_out_str(out, "to", pe->cfg->uplink ? pe->cfg->uplink : "");
    report_out_num(out, "up", (double) pe->uplink.up);
    report_out_num(out, "down", (double) pe->uplink.down);
    report_out_end(out);
    report_out_begin_list(out, "ports");
    for (int i = 0; i < pe->n_hosts; i++) {
        const struct pe_port *hp = &pe->hosts[i];
        if (!hp->fp.port.link) {
            continue;
        }
        char name[16];
        snprintf(name, sizeof name, "p%d", i + 1);
        report_out_begin_item(out);
        report_out_str(out, "port", name);
        report_out_num(out, "vif", hp->vif);
        report_out_num(out, "up", (double) hp->up);
        report_out_num(out, "down", (double) hp->down);
        report_out_end(out);
    }
    report_out_end(out);
    if (pe->acl.n) {
        swacl_report(&pe->acl, out);
    }
}

static const char *const pextender_modes[] = { "fex", "pe", NULL };

const struct dev_class pextender_class = {
    .kind = "port-extender",
    .role = VH_ROLE_SWITCHING,
    .family = DEV_FAM_SWITCH,
    .accepts = pextender_modes,
    .described = "switches of mode fex or pe",
    .keys = pextender_keys,
    .parse = pextender_parse,
    .free_priv = pextender_free_priv,
    .build = pextender_build,
    .top_section = "switches",
    .reports = pextender_reports,
    .report = pextender_report,
    .destroy = pextender_destroy,
};
