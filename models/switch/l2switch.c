/* models/switch/l2switch.c: store-and-forward learning switch. */
#include "models/switch/l2switch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/lldp_agent.h"
#include "models/core/devclass.h"
#include "models/core/defaults.h"
#include "models/core/world.h"
#include "models/ovs/lacp.h"
#include "models/switch/vdp_bridge.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

static void swport_send_next(struct world *, struct swport *);

static void
swport_tx_done(struct vh_sim *sim, void *obj, void *arg)
{
    struct swport *sp = obj;
    sp->busy = false;
    swport_send_next(world_of(sim), sp);
    (void) arg;
}

static void
swport_send_next(struct world *w, struct swport *sp)
{
    if (sp->busy || !sp->egress.count) {
        return;
    }
    sp->busy = true;
    link_transmit(w, &sp->port, vh_pktq_pop(&sp->egress), swport_tx_done,
                  sp);
}

static void
swport_enqueue(struct world *w, struct swport *sp, struct vh_packet *p)
{
    if (!sp->port.link) {
        acct_drop(w, p, &sp->dev, "no-cable");
        return;
    }
    if (vh_pktq_full(&sp->egress)) {
        acct_drop(w, p, &sp->dev, "switch-buffer-full");
        return;
    }
    vh_pktq_push(&sp->egress, p);
    VH_TRACE(&w->trace, VH_HOP_ENQUEUE, .time = w->sim.now, .pkt = p,
             .dev = &sp->dev, .depth = sp->egress.count);
    swport_send_next(w, sp);
}

/* The switch transmits on a port: into its egress buffer. */
static vh_time_t
l2switch_output(struct world *w, void *owner, size_t i, struct vh_packet *p)
{
    struct l2switch *sw = owner;
    sw->dev.tx++;
    swport_enqueue(w, &sw->ports[i], p);
    return 0;
}

static void
l2switch_forward(struct vh_sim *sim, void *obj, void *arg)
{
    struct l2switch *sw = obj;
    struct vh_packet *p = arg;
    l2fwd_forward(world_of(sim), &sw->l2, p->in_port, p);
}

/* A LACPDU on port 'sp': the port joins the LAG of the ports whose
 * partner is the same system and key, and answers while the partner does
 * not yet list the switch in sync. */
static void
swport_lacp(struct world *w, struct swport *sp, struct vh_packet *p)
{
    struct l2switch *sw = sp->sw;
    struct lacp_info actor, partner;
    sw->lacp_rx++;
    if (!lacp_parse_pdu(p->data, p->len, &actor, &partner)) {
        acct_drop(w, p, &sp->dev, "bad-lacpdu");
        return;
    }
    int i = sp->port.index;
    sp->lacp = true;
    sp->lacp_sys = actor.sys_id;
    sp->lacp_key = actor.key;
    int lag = i;
    for (int k = 0; k < sw->n_ports; k++) {
        const struct swport *o = &sw->ports[k];
        if (o->lacp && o->lacp_key == actor.key
            && vh_mac_eq(&o->lacp_sys, &actor.sys_id)) {
            lag = k;
            break;
        }
    }
    l2fwd_set_lag(&sw->l2, (size_t) i, lag);
    if (!(partner.state & LACP_STATE_SYNCHRONIZATION)
        || !vh_mac_eq(&partner.sys_id, &sw->sys_id)) {
        struct lacp_info me = {
            .sys_priority = 32768, .sys_id = sw->sys_id,
            .key = (uint16_t) (lag + 1), .port_priority = 32768,
            .port = (uint16_t) (i + 1),
            .state = LACP_STATE_ACTIVITY | LACP_STATE_AGGREGATION
                     | LACP_STATE_SYNCHRONIZATION | LACP_STATE_COLLECTING
                     | LACP_STATE_DISTRIBUTING,
        };
        struct vh_packet *r = vh_packet_alloc(&w->pool);
        r->len = lacp_build_pdu(r->data, &sw->sys_id, &me, &actor, 0);
        sw->lacp_tx++;
        sw->dev.tx++;
        swport_enqueue(w, sp, r);
    }
    acct_consume(w, p, &sp->dev);
}

/* --- VDP. --- */

static void
l2switch_ecp_send(struct world *w, void *owner, int port, struct vh_packet *p)
{
    struct l2switch *sw = owner;
    sw->dev.tx++;
    swport_enqueue(w, &sw->ports[port], p);
}

/* An ECP frame, looked at once the switch has it whole: its control plane
 * acknowledges it and acts on its VDP request. */
static void
swport_ecp(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct swport *sp = obj;
    struct vh_packet *p = arg;
    if (!vdp_bridge_input(sp->sw->vdp, sp->port.index, p)) {
        acct_drop(w, p, &sp->dev, "bad-vdp");
        return;
    }
    acct_consume(w, p, &sp->dev);
}

bool
l2switch_acl_permits(struct l2switch *sw, int in_port,
                     const struct vh_packet *p)
{
    return swacl_permits(&sw->acl, in_port, p);
}

/* --- Link discovery. --- */

/* 01:80:c2:00:00:00 to 0f: 802.1D's reserved addresses, which no bridge
 * forwards. */
static bool
is_link_local(const struct vh_packet *p)
{
    static const uint8_t prefix[5] = { 0x01, 0x80, 0xc2, 0x00, 0x00 };
    return p->len >= VH_ETH_HLEN && !memcmp(p->data, prefix, 5)
           && p->data[5] <= 0x0f;
}

/* The port's agent sends a frame: if it has a cable. */
static void
swport_disc_send(struct world *w, void *ctx, struct vh_packet *p)
{
    struct swport *sp = ctx;
    if (!sp->port.link) {
        vh_packet_free(p);      /* Nobody to tell. */
        return;
    }
    sp->sw->dev.tx++;
    swport_enqueue(w, sp, p);
}

/* A discovery frame, looked at once the switch has it whole. */
static void
swport_disc_input(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct swport *sp = obj;
    struct vh_packet *p = arg;
    if (!lldp_agent_input(sp->disc, p)) {
        acct_drop(w, p, &sp->dev, "bad-lldpdu");
        return;
    }
    acct_consume(w, p, &sp->dev);
}

/* Whether 'p' is a discovery frame the switch takes in or filters:
 * LLDP and every other frame to a reserved address, and CDP where the
 * switch speaks it.  Takes 'p' if so. */
static bool
swport_disc_rx(struct world *w, struct swport *sp, struct vh_packet *p)
{
    bool cdp = sp->sw->cfg->cdp && lldp_is_cdp(p->data, p->len);
    if (!cdp && !is_link_local(p)) {
        return false;
    }
    if (sp->disc && (cdp || lldp_is_lldp(p->data, p->len))) {
        vh_schedule_in(&w->sim, hw_time(w, COST_SWITCH_LATENCY, 0),
                       swport_disc_input, sp, p);
    } else {
        acct_drop(w, p, &sp->dev, "link-local");
    }
    return true;
}

static void
swport_disc_init(struct world *w, struct l2switch *sw, struct swport *sp,
                 int i)
{
    const struct cfg_switch *cfg = sw->cfg;
    if (!cfg->lldp && !cfg->cdp) {
        return;
    }
    struct vh_mac mac = sw->sys_id;
    mac.b[5] = (uint8_t) (mac.b[5] + i + 1);
    struct lldp_local l = {
        .chassis = sw->sys_id,
        .system_name = cfg->name,
        .port_mac = mac,
        .port_name = sp->name,
        .port_id_name = true,
        .caps = LLDP_CAP_BRIDGE,
        .caps_enabled = LLDP_CAP_BRIDGE,
        .native_vlan = 1,       /* A port's default VLAN. */
        .platform = cfg->mode == CFG_SW_VEPA ? "vhsim VEPA switch"
                    : "vhsim 802.1Q switch",
    };
    sp->disc = vh_xcalloc(1, sizeof *sp->disc);
    lldp_agent_init(sp->disc, w, &l, cfg->lldp, cfg->cdp, CDP_CAP_SWITCH,
                    swport_disc_send, sp);
}

/* A whole frame has been received on a port (counted and captured). */
static void
swport_rx(struct world *w, struct port *port, struct vh_packet *p)
{
    struct swport *sp = port->owner;
    struct l2switch *sw = sp->sw;

    sw->dev.rx++;
    p->in_port = (uint16_t) port->index;
    p->hops++;
    if (p->len >= VH_ETH_HLEN && vh_eth_type(p->data) == LACP_ETHERTYPE) {
        swport_lacp(w, sp, p);      /* Slow protocols are never bridged. */
        return;
    }
    if (p->len >= VH_ETH_HLEN && vh_eth_type(p->data) == ECP_ETHERTYPE) {
        /* To the nearest-bridge address, which no bridge forwards. */
        if (!sw->vdp || !vdp_bridge_port_on(sw->vdp, port->index)) {
            acct_drop(w, p, &sp->dev, "ecp-without-vdp");
            return;
        }
        vh_schedule_in(&w->sim, hw_time(w, COST_SWITCH_LATENCY, 0),
                       swport_ecp, sp, p);
        return;
    }
    if (swport_disc_rx(w, sp, p)) {
        return;
    }
    if (sw->vdp && !vdp_bridge_admits(sw->vdp, port->index, p)) {
        acct_drop(w, p, &sp->dev, "vdp-not-associated");
        return;
    }
    if (!l2switch_acl_permits(sw, port->index + 1, p)) {
        acct_drop(w, p, &sp->dev, "acl-deny");
        return;
    }
    if (!l2fwd_learn(w, &sw->l2, (size_t) port->index, p)) {
        return;
    }
    vh_time_t lat = hw_time(w, COST_SWITCH_LATENCY, 0);
    VH_TRACE(&w->trace, VH_HOP_SERVICE, .time = w->sim.now,
             .end = w->sim.now + lat, .pkt = p, .dev = &sw->dev);
    vh_schedule_in(&w->sim, lat, l2switch_forward, sw, p);
}

/* A private VLAN domain makes the switch VLAN-aware: every port a trunk
 * of every VLAN (untagged frames in VLAN 0, as before), but the
 * promiscuous ports, access ports of the primary that take every
 * secondary's frames untagged. */
static void
l2switch_set_pvlan(struct l2switch *sw, const struct cfg_switch_pvlan *pv)
{
    sw->l2.vlan_aware = true;
    for (size_t i = 0; i < pv->n_isolated; i++) {
        l2fwd_add_pvlan(&sw->l2, pv->primary, pv->isolated[i],
                        PVLAN_ISOLATED);
    }
    for (size_t i = 0; i < pv->n_community; i++) {
        l2fwd_add_pvlan(&sw->l2, pv->primary, pv->community[i],
                        PVLAN_COMMUNITY);
    }
    for (size_t i = 0; i < pv->n_promiscuous; i++) {
        struct swport *sp = &sw->ports[pv->promiscuous[i] - 1];
        sp->port.vlan = (struct port_vlan) {
            .mode = PORT_VLAN_ACCESS, .tag = pv->primary,
            .pvlan_promiscuous = true };
    }
}

struct l2switch *
l2switch_create(struct world *w, const struct cfg_switch *cfg)
{
    struct l2switch *sw = vh_xcalloc(1, sizeof *sw);
    dev_register(w, &sw->dev, &l2switch_class, NULL, cfg->name);
    sw->dev.report = 1;
    sw->cfg = cfg;
    uint32_t h = 2166136261u;
    for (const char *c = sw->dev.path; *c; c++) {
        h = (h ^ (uint8_t) *c) * 16777619u;
    }
    sw->sys_id = (struct vh_mac) { { 0x02, 0x5c, (uint8_t) (h >> 24),
                                     (uint8_t) (h >> 16), (uint8_t) (h >> 8),
                                     (uint8_t) h } };
    /* 802.1Q forbids reflection: a frame whose destination sits behind
     * the port it came from is filtered there.  VEPA is a reflective
     * relay (802.1Qbg). */
    l2fwd_init(&sw->l2, &sw->dev, sw, l2switch_output, VH_DEF_FDB_AGEING,
               "no-hairpin");
    swacl_init(&sw->acl, cfg->acl, cfg->n_acl);
    sw->n_ports = cfg->ports;
    sw->ports = vh_xcalloc((size_t) cfg->ports, sizeof *sw->ports);
    for (int i = 0; i < cfg->ports; i++) {
        struct swport *sp = &sw->ports[i];
        snprintf(sp->name, sizeof sp->name, "p%d", i + 1);
        dev_register(w, &sp->dev, &swport_class, &sw->dev, sp->name);
        sp->sw = sw;
        port_init(&sp->port, swport_rx, sp, &sp->dev, i);
        l2fwd_add_port(&sw->l2, &sp->port, &sp->dev);
        vh_pktq_init(&sp->egress, (uint32_t) (cfg->port_buffer
                                              ? cfg->port_buffer
                                              : VH_DEF_SWITCH_PORT_BUFFER));
        if (cfg->static_lag && cfg->static_lag[i]) {
            /* The group is numbered by its first port, as LACP's are. */
            int first = 0;
            while (!cfg->static_lag[first]) {
                first++;
            }
            l2fwd_set_lag(&sw->l2, (size_t) i, first);
        }
        bool relay = cfg->relay ? cfg->relay[i] : cfg->mode == CFG_SW_VEPA;
        if (relay) {
            l2fwd_set_relay(&sw->l2, (size_t) i, true);
        }
        swport_disc_init(w, sw, sp, i);
    }
    if (cfg->pvlan) {
        l2switch_set_pvlan(sw, cfg->pvlan);
    }
    if (cfg->vdp) {
        sw->vdp = vdp_bridge_create(w, sw, l2switch_ecp_send, &sw->sys_id,
                                    cfg->vdp, cfg->ports);
    }
    return sw;
}

struct swport *
l2switch_port(struct l2switch *sw, int n)
{
    return n >= 1 && n <= sw->n_ports ? &sw->ports[n - 1] : NULL;
}

int
l2switch_lookup(const struct l2switch *sw, const struct vh_mac *mac,
                vh_time_t now)
{
    return l2fwd_lookup(&sw->l2, mac, 0, now);
}

void
l2switch_free(struct l2switch *sw)
{
    if (!sw) {
        return;
    }
    l2fwd_destroy(&sw->l2);
    vdp_bridge_free(sw->vdp);
    swacl_destroy(&sw->acl);
    for (int i = 0; i < sw->n_ports; i++) {
        if (sw->ports[i].disc) {
            lldp_agent_destroy(sw->ports[i].disc);
            free(sw->ports[i].disc);
        }
    }
    free(sw->ports);
    free(sw);
}

/* --- The classes. --- */

static bool
l2switch_build(struct world *w, struct host *h, const void *cfg,
               struct vh_diag *diag)
{
    world_add_switch(w, l2switch_create(w, cfg));
    (void) h;
    (void) diag;
    return true;
}

static void
l2switch_destroy(struct vh_device *d)
{
    l2switch_free(VH_CONTAINER_OF(d, struct l2switch, dev));
}

static const char *const l2switch_modes[] = { "802.1q", "vepa", NULL };

/* Frames sent back out of their ingress port, on all ports. */
static uint64_t
reflected(const struct l2switch *sw)
{
    uint64_t n = 0;
    for (int i = 0; i < sw->n_ports; i++) {
        n += l2fwd_reflected(&sw->l2, (size_t) i);
    }
    return n;
}

/* A switch has more to say than its device counters with an ACL, with
 * VDP, or once it has reflected frames. */
static bool
l2switch_reports(const struct vh_device *d)
{
    const struct l2switch *sw = VH_CONTAINER_OF(d, const struct l2switch,
                                                dev);
    return sw->cfg->n_acl > 0 || sw->vdp || reflected(sw) > 0
           || sw->cfg->lldp || sw->cfg->cdp;
}

/* Per port that reflected frames, how many. */
static void
report_relays(const struct l2switch *sw, struct report_out *out)
{
    if (!reflected(sw)) {
        return;
    }
    report_out_begin_list(out, "reflected");
    for (int i = 0; i < sw->n_ports; i++) {
        if (l2fwd_reflected(&sw->l2, (size_t) i)) {
            char port[16];
            snprintf(port, sizeof port, "p%d", i + 1);
            report_out_begin_item(out);
            report_out_str(out, "port", port);
            report_out_num(out, "frames",
                           (double) l2fwd_reflected(&sw->l2, (size_t) i));
            report_out_end(out);
        }
    }
    report_out_end(out);
}

/* Per port with a cable, what LLDP and CDP heard there. */
static void
report_neighbors(const struct l2switch *sw, struct report_out *out)
{
    if (!sw->cfg->lldp && !sw->cfg->cdp) {
        return;
    }
    report_out_begin_list(out, "discovery");
    for (int i = 0; i < sw->n_ports; i++) {
        const struct swport *sp = &sw->ports[i];
        if (!sp->disc || !sp->port.link) {
            continue;
        }
        report_out_begin_item(out);
        report_out_str(out, "port", sp->name);
        lldp_agent_report(sp->disc, out);
        report_out_end(out);
    }
    report_out_end(out);
}

/* Its mode and, per ACL rule, the frames the rule decided; "default":
 * those no rule matched, permitted.  Then, per relay port, the frames
 * reflected; VDP's associations. */
static void
l2switch_report(const struct vh_device *d, struct report_out *out)
{
    const struct l2switch *sw = VH_CONTAINER_OF(d, const struct l2switch,
                                                dev);
    const struct cfg_switch *cfg = sw->cfg;
    report_out_str(out, "mode", cfg_switch_mode_names[cfg->mode]);
    swacl_report(&sw->acl, out);
    report_relays(sw, out);
    if (sw->vdp) {
        vdp_bridge_report(sw->vdp, out);
    }
    report_neighbors(sw, out);
}

const struct dev_class l2switch_class = {
    .kind = "switch",
    .role = VH_ROLE_SWITCHING,
    .family = DEV_FAM_SWITCH,
    .accepts = l2switch_modes,
    .build = l2switch_build,
    .top_section = "switches",
    .reports = l2switch_reports,
    .report = l2switch_report,
    .destroy = l2switch_destroy,
};

static struct port *
swport_wire(struct vh_device *d, uint64_t *bps)
{
    struct swport *sp = VH_CONTAINER_OF(d, struct swport, dev);
    *bps = sp->sw->cfg->speed_bps;
    return &sp->port;
}

static bool
swport_has_link(const struct vh_device *d)
{
    return VH_CONTAINER_OF(d, const struct swport, dev)->port.link != NULL;
}

static void
swport_set_link(struct world *w, struct vh_device *d, bool up)
{
    port_set_link(&VH_CONTAINER_OF(d, struct swport, dev)->port, up);
    (void) w;
}

const struct dev_class swport_class = {
    .kind = "switch-port",
    .role = VH_ROLE_DEVICE,
    .family = DEV_FAM_PART,
    .wire = swport_wire,
    .has_link = swport_has_link,
    .set_link = swport_set_link,
};
