/* models/ovs/ofproto.c: a bridge's OpenFlow ports, tables and NORMAL. */
#include "models/ovs/ofproto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/devclass.h"
#include "models/core/defaults.h"
#include "sim/device.h"
#include "sim/flow6.h"
#include "sim/frame.h"
#include "sim/packet.h"
#include "sim/xmalloc.h"

/* The rule a bridge without "flows" has: OVS's default flow. */
static const char default_rule[] = "priority=0,actions=normal";

/* The terminal report lists this many rules; the JSON report all. */
#define RULES_SHOWN 12

/* --- The port table, from the scenario. --- */

static bool
vnic_on_bridge(const struct cfg_vnic *vn, const struct cfg_bridge *cb)
{
    return vn->attach == CFG_AT_OVS && vn->attach_to
           && !strcmp(vn->attach_to, cb->name);
}

static void
set_vlan_mode(struct ofproto_port *p, int vlan, const uint16_t *trunks,
              size_t n_trunks)
{
    if (n_trunks) {
        for (size_t i = 0; i < n_trunks; i++) {
            p->trunks[trunks[i] / 64] |= 1ULL << (trunks[i] % 64);
        }
        if (vlan > 0) {
            /* The native VLAN travels untagged and is carried too. */
            p->trunks[vlan / 64] |= 1ULL << (vlan % 64);
        }
        p->vlan = (struct port_vlan) {
            .mode = PORT_VLAN_TRUNK,
            .tag = (uint16_t) (vlan > 0 ? vlan : 0),
            .trunks = p->trunks };
    } else if (vlan > 0) {
        p->vlan = (struct port_vlan) {
            .mode = PORT_VLAN_ACCESS, .tag = (uint16_t) vlan, .trunks = NULL };
    } else {
        /* OVS: a port with neither tag nor trunks carries every VLAN;
         * untagged frames are VLAN 0. */
        p->vlan = (struct port_vlan) {
            .mode = PORT_VLAN_TRUNK, .tag = 0, .trunks = NULL };
    }
}

/* A port with a private VLAN ("pvlan") is an access port of it, and its
 * secondary joins the bridge's domains, as the OpenFlow rules an
 * administrator writes for a PVLAN on OVS would make it behave. */
static void
set_pvlan_mode(struct ofproto *ofp, struct ofproto_port *p,
               const struct cfg_pvlan *pv)
{
    if (pv->type == CFG_PVLAN_NONE) {
        return;
    }
    bool promisc = pv->type == CFG_PVLAN_PROMISCUOUS;
    p->vlan = (struct port_vlan) {
        .mode = PORT_VLAN_ACCESS,
        .tag = promisc ? pv->primary : pv->secondary,
        .pvlan_promiscuous = promisc };
    if (!promisc) {
        pvlan_add(&ofp->pvlans, pv->primary, pv->secondary,
                  pv->type == CFG_PVLAN_ISOLATED ? PVLAN_ISOLATED
                                                 : PVLAN_COMMUNITY);
    }
}

static void
vid_set(uint64_t *vids, int vid)
{
    if (vid > 0) {
        vids[vid / 64] |= 1ULL << (vid % 64);
    }
}

void
ofproto_port_tagged_vlans(const struct ofproto *ofp,
                          const struct ofproto_port *p, uint64_t *vids)
{
    if (p->vlan.mode != PORT_VLAN_TRUNK) {
        return;                 /* An access port: untagged. */
    }
    if (p->vlan.trunks) {
        for (size_t i = 0; i < PORT_VLAN_WORDS; i++) {
            vids[i] |= p->vlan.trunks[i];
        }
        return;
    }
    for (size_t k = 0; k < ofp->n_ports; k++) {
        const struct ofproto_port *o = &ofp->ports[k];
        const struct cfg_pvlan *pv = o->cfg ? &o->cfg->pvlan
                                   : o->vnic ? &o->vnic->pvlan : NULL;
        if (o == p) {
            continue;
        }
        if (o->vlan.mode == PORT_VLAN_ACCESS) {
            vid_set(vids, o->vlan.tag);
        } else if (o->vlan.trunks) {
            for (size_t i = 0; i < PORT_VLAN_WORDS; i++) {
                vids[i] |= o->vlan.trunks[i];
            }
        }
        if (pv && pv->type != CFG_PVLAN_NONE) {
            vid_set(vids, pv->primary);
            vid_set(vids, pv->secondary);
        }
    }
}

static struct ofproto_bond *
bond_create(const struct cfg_bport *bp)
{
    struct ofproto_bond *b = vh_xcalloc(1, sizeof *b);
    b->cfg = bp;
    b->n = bp->n_members;
    b->carrier = vh_xcalloc(b->n, sizeof *b->carrier);
    b->down_since = vh_xcalloc(b->n, sizeof *b->down_since);
    b->partner = vh_xcalloc(b->n, sizeof *b->partner);
    b->active = -1;
    return b;
}

static void
bond_free(struct ofproto_bond *b)
{
    if (b) {
        free(b->carrier);
        free(b->down_since);
        free(b->partner);
        free(b);
    }
}

/* Fills the port table of bridge 'cb' (no datapath ports yet). */
static void
ports_from_cfg(struct ofproto *ofp, const struct cfg_host *ch,
               const struct cfg_bridge *cb)
{
    size_t n = cb->n_bports;
    for (size_t v = 0; v < ch->n_vms; v++) {
        for (size_t i = 0; i < ch->vms[v].n_nics; i++) {
            n += vnic_on_bridge(&ch->vms[v].nics[i], cb);
        }
    }
    ofp->ports = vh_xcalloc(n ? n : 1, sizeof *ofp->ports);
    for (size_t i = 0; i < cb->n_bports; i++) {
        struct ofproto_port *p = &ofp->ports[ofp->n_ports++];
        const struct cfg_bport *bp = &cb->bports[i];
        p->name = vh_xstrdup(bp->name);
        p->cfg = bp;
        p->ofp_port = (uint32_t) ofp->n_ports;
        set_vlan_mode(p, bp->vlan, bp->trunks, bp->n_trunks);
        set_pvlan_mode(ofp, p, &bp->pvlan);
        if (bp->type == CFG_BP_BOND) {
            p->bond = bond_create(bp);
        }
    }
    for (size_t v = 0; v < ch->n_vms; v++) {
        const struct cfg_vm *vm = &ch->vms[v];
        size_t here = 0;
        for (size_t i = 0; i < vm->n_nics; i++) {
            here += vnic_on_bridge(&vm->nics[i], cb);
        }
        for (size_t i = 0; i < vm->n_nics; i++) {
            const struct cfg_vnic *vn = &vm->nics[i];
            if (!vnic_on_bridge(vn, cb)) {
                continue;
            }
            struct ofproto_port *p = &ofp->ports[ofp->n_ports++];
            char name[256];
            snprintf(name, sizeof name, "%s.%s", vm->name, vn->name);
            p->name = vh_xstrdup(name);
            p->alias = here == 1 ? vh_xstrdup(vm->name) : NULL;
            p->vnic = vn;
            p->ofp_port = (uint32_t) ofp->n_ports;
            set_vlan_mode(p, vn->vlan, vn->trunks, vn->n_trunks);
            set_pvlan_mode(ofp, p, &vn->pvlan);
        }
    }
}

static uint32_t
port_lookup(void *ctx, const char *name)
{
    struct ofproto *ofp = ctx;
    for (size_t i = 0; i < ofp->n_ports; i++) {
        const struct ofproto_port *p = &ofp->ports[i];
        if (!strcmp(p->name, name) || (p->alias && !strcmp(p->alias, name))) {
            return p->ofp_port;
        }
    }
    if (!strcmp(name, ofp->cfg->name) || !strcmp(name, "LOCAL")) {
        return OFPP_LOCAL;
    }
    return 0;
}

static bool
load_rules(struct ofproto *ofp, const struct cfg_bridge *cb,
           struct vh_diag *diag)
{
    /* "flows": [] is a bridge after 'ovs-ofctl del-flows': no rule at
     * all, so every frame misses table 0 and is dropped. */
    size_t n = cb->flows_given ? cb->n_flows : 1;
    for (size_t i = 0; i < n; i++) {
        const char *text = cb->flows_given ? cb->flows[i] : default_rule;
        struct of_rule *r = vh_xcalloc(1, sizeof *r);
        char err[512];
        if (!of_rule_parse(text, port_lookup, ofp, r, err, sizeof err)) {
            char path[512];
            snprintf(path, sizeof path, "%s.flows[%zu]", cb->jpath, i);
            of_rule_free(r);
            free(r);
            return vh_diag_fail(diag, path, "%s", err);
        }
        of_tables_insert(&ofp->tables, r);
    }
    return true;
}

/* Resolves a mirror's port names; fails at the name's JSON path. */
static bool
mirror_ports(struct ofproto *ofp, const struct cfg_mirror *m,
             const char *key, char **names, size_t n, uint32_t **out,
             struct vh_diag *diag)
{
    *out = vh_xcalloc(n ? n : 1, sizeof **out);
    for (size_t i = 0; i < n; i++) {
        (*out)[i] = port_lookup(ofp, names[i]);
        if (!(*out)[i]) {
            char path[512];
            if (!strcmp(key, "output_port")) {
                snprintf(path, sizeof path, "%s.%s", m->jpath, key);
            } else {
                snprintf(path, sizeof path, "%s.%s[%zu]", m->jpath, key, i);
            }
            return vh_diag_fail(diag, path, "unknown port '%s' (a port of "
                                "bridge '%s': a NIC, a port object, or a "
                                "VM attached to it)", names[i],
                                ofp->cfg->name);
        }
    }
    return true;
}

static bool
load_mirrors(struct ofproto *ofp, const struct cfg_bridge *cb,
             struct vh_diag *diag)
{
    ofp->mirrors = vh_xcalloc(cb->n_mirrors ? cb->n_mirrors : 1,
                              sizeof *ofp->mirrors);
    for (size_t i = 0; i < cb->n_mirrors; i++) {
        const struct cfg_mirror *m = &cb->mirrors[i];
        struct ofproto_mirror *om = &ofp->mirrors[ofp->n_mirrors++];
        char *out[1] = { m->output };
        uint32_t *o = NULL;
        om->cfg = m;
        om->any_vlan = !m->n_select_vlan;
        for (size_t k = 0; k < m->n_select_vlan; k++) {
            om->vlans[m->select_vlan[k] / 64]
                |= 1ULL << (m->select_vlan[k] % 64);
        }
        om->n_src = m->select_all ? 0 : m->n_select_src;
        om->n_dst = m->select_all ? 0 : m->n_select_dst;
        if (!mirror_ports(ofp, m, "select_src_port", m->select_src,
                          om->n_src, &om->src, diag)
            || !mirror_ports(ofp, m, "select_dst_port", m->select_dst,
                             om->n_dst, &om->dst, diag)
            || !mirror_ports(ofp, m, "output_port", out, 1, &o, diag)) {
            free(o);
            return false;
        }
        om->out = o[0];
        free(o);
        struct ofproto_port *op = ofproto_port(ofp, om->out);
        if (op) {
            op->mirror_out = true;
        }
    }
    return true;
}

static void
ofproto_setup(struct ofproto *ofp, struct vh_device *dev,
              const struct cfg_host *ch, const struct cfg_bridge *cb)
{
    memset(ofp, 0, sizeof *ofp);
    ofp->dev = dev;
    ofp->cfg = cb;
    of_tables_init(&ofp->tables);
    fdb_init(&ofp->mac, cb->ageing ? cb->ageing : VH_DEF_FDB_AGEING);
    ports_from_cfg(ofp, ch, cb);
}

bool
ofproto_init(struct ofproto *ofp, struct vh_device *dev,
             const struct cfg_host *ch, const struct cfg_bridge *cb,
             struct vh_diag *diag)
{
    ofproto_setup(ofp, dev, ch, cb);
    return load_rules(ofp, cb, diag) && load_mirrors(ofp, cb, diag);
}

void
ofproto_destroy(struct ofproto *ofp)
{
    of_tables_destroy(&ofp->tables);
    fdb_destroy(&ofp->mac);
    pvlan_set_destroy(&ofp->pvlans);
    for (size_t i = 0; i < ofp->n_ports; i++) {
        free(ofp->ports[i].name);
        free(ofp->ports[i].alias);
        bond_free(ofp->ports[i].bond);
    }
    free(ofp->ports);
    free(ofp->local.name);
    for (size_t i = 0; i < ofp->n_mirrors; i++) {
        free(ofp->mirrors[i].src);
        free(ofp->mirrors[i].dst);
    }
    free(ofp->mirrors);
    memset(ofp, 0, sizeof *ofp);
}

bool
ofproto_check_flows(const struct cfg_host *ch, const struct cfg_bridge *cb,
                    struct vh_diag *diag)
{
    struct ofproto ofp;
    bool ok = ofproto_init(&ofp, NULL, ch, cb, diag);
    ofproto_destroy(&ofp);
    return ok;
}

struct ofproto_port *
ofproto_port(struct ofproto *ofp, uint32_t n)
{
    if (n == OFPP_LOCAL) {
        return ofp->has_local ? &ofp->local : NULL;
    }
    return n >= 1 && n <= ofp->n_ports ? &ofp->ports[n - 1] : NULL;
}

struct ofproto_port *
ofproto_port_of_vnic(struct ofproto *ofp, const struct cfg_vnic *vn)
{
    for (size_t i = 0; i < ofp->n_ports; i++) {
        if (ofp->ports[i].vnic == vn) {
            return &ofp->ports[i];
        }
    }
    return NULL;
}

struct ofproto_port *
ofproto_port_named(struct ofproto *ofp, const char *name)
{
    for (size_t i = 0; i < ofp->n_ports; i++) {
        if (ofp->ports[i].cfg && !strcmp(ofp->ports[i].name, name)) {
            return &ofp->ports[i];
        }
    }
    return NULL;
}

struct ofproto_port *
ofproto_add_local(struct ofproto *ofp)
{
    if (!ofp->has_local) {
        ofp->has_local = true;
        ofp->local.name = vh_xstrdup(ofp->cfg->name);
        ofp->local.ofp_port = OFPP_LOCAL;
        set_vlan_mode(&ofp->local, -1, NULL, 0);
    }
    return &ofp->local;
}

static bool has_output(const struct xlate_out *);
static bool acts_have_output(const struct odp_actions *);

/* --- Bonds. --- */

bool
ofproto_bond_enabled(const struct ofproto_bond *b, size_t m)
{
    return m < b->n && b->carrier[m] && b->partner[m];
}

bool
ofproto_bond_member_set(struct ofproto *ofp, struct ofproto_port *port,
                        size_t m, bool carrier, bool partner)
{
    struct ofproto_bond *b = port->bond;
    int was = b->active;
    b->carrier[m] = carrier;
    b->partner[m] = partner;
    if (b->active < 0 || !ofproto_bond_enabled(b, (size_t) b->active)) {
        /* OVS keeps the active member while it works; otherwise the
         * first member that does. */
        b->active = -1;
        for (size_t i = 0; i < b->n; i++) {
            if (ofproto_bond_enabled(b, i)) {
                b->active = (int) i;
                break;
            }
        }
    }
    ofp->reval_seq++;
    if (was >= 0 && b->active != was) {
        b->failovers++;
        return true;
    }
    return false;
}

struct ofproto_port *
ofproto_bond_of(struct ofproto *ofp, const char *nic, size_t *m)
{
    for (size_t i = 0; i < ofp->n_ports; i++) {
        const struct ofproto_bond *b = ofp->ports[i].bond;
        for (size_t k = 0; b && k < b->n; k++) {
            if (!strcmp(b->cfg->members[k], nic)) {
                *m = k;
                return &ofp->ports[i];
            }
        }
    }
    return NULL;
}

static uint32_t
mix32(uint32_t h, uint32_t v)
{
    h ^= v;
    h *= 0x9e3779b1u;
    return h ^ (h >> 15);
}

/* The member a flow with key 'k' leaves bond 'b' by, widening 'wc' by
 * what the choice looked at; -1 if no member carries traffic. */
static int
bond_choose(const struct ofproto_bond *b, const struct ofkey *k,
            struct ofkey *wc)
{
    size_t n_on = 0;
    for (size_t i = 0; i < b->n; i++) {
        n_on += ofproto_bond_enabled(b, i);
    }
    if (!n_on) {
        return -1;
    }
    if (b->cfg->bond_mode == CFG_BOND_ACTIVE_BACKUP) {
        return b->active;
    }
    uint32_t h = 0;
    if (b->cfg->bond_mode == CFG_BOND_BALANCE_TCP
        && k->dl_type == VH_ETHERTYPE_IPV4) {
        h = mix32(mix32(mix32(h, k->nw_src), k->nw_dst), k->nw_proto);
        h = mix32(h, (uint32_t) k->tp_src << 16 | k->tp_dst);
        wc->nw_src = wc->nw_dst = UINT32_MAX;
        wc->nw_proto = UINT8_MAX;
        wc->tp_src = wc->tp_dst = UINT16_MAX;
    } else if (b->cfg->bond_mode == CFG_BOND_BALANCE_TCP
               && k->dl_type == OFKEY_ETHERTYPE_IPV6) {
        /* The same 5-tuple, the addresses folded (sim/flow6.h). */
        h = mix32(mix32(mix32(h, vh_ip6_fold(k->ipv6_src)),
                        vh_ip6_fold(k->ipv6_dst)), k->nw_proto);
        h = mix32(h, (uint32_t) k->tp_src << 16 | k->tp_dst);
        memset(wc->ipv6_src, 0xff, sizeof wc->ipv6_src);
        memset(wc->ipv6_dst, 0xff, sizeof wc->ipv6_dst);
        wc->nw_proto = UINT8_MAX;
        wc->tp_src = wc->tp_dst = UINT16_MAX;
    } else {
        for (int i = 0; i < 6; i++) {
            h = mix32(h, k->dl_src[i]);
        }
        h = mix32(h, k->vlan_tci & 0x0fff);
        memset(wc->dl_src, 0xff, sizeof wc->dl_src);
        wc->vlan_tci |= OFKEY_VLAN_CFI | 0x0fff;
    }
    size_t pick = h % n_on;
    for (size_t i = 0; i < b->n; i++) {
        if (ofproto_bond_enabled(b, i) && pick-- == 0) {
            return (int) i;
        }
    }
    return -1;
}

/* Gives each output to a bond its member, as member + 1 in the port
 * number's upper 16 bits (OFPP_MEMBER), dropping outputs to a bond
 * with no member up. */
static void
bond_outputs(struct ofproto *ofp, const struct ofkey *key,
             struct xlate_out *out)
{
    size_t j = 0;
    for (size_t i = 0; i < out->acts.n; i++) {
        struct odp_action a = out->acts.a[i];
        struct ofproto_port *p = a.type == ODP_OUTPUT
                                 ? ofproto_port(ofp, a.port) : NULL;
        if (p && p->bond) {
            int m = bond_choose(p->bond, key, &out->wc);
            if (m < 0) {
                continue;
            }
            a.port |= (uint32_t) (m + 1) << 16;
        }
        out->acts.a[j++] = a;
    }
    out->acts.n = j;
}

/* --- NORMAL: the learning switch. --- */

struct normal_aux {
    struct ofproto *ofp;
    bool may_learn;
    vh_time_t now;
};

static void
normal_output(struct xlate_ctx *ctx, const struct ofproto_port *p,
              uint16_t vid)
{
    xlate_output_vlan(ctx, p->ofp_port,
                      port_vlan_tagged(&p->vlan, vid) ? vid : -1);
}

static bool
port_floods(void *aux, uint32_t n)
{
    const struct normal_aux *na = aux;
    const struct ofproto_port *p = ofproto_port(na->ofp, n);
    return p && p->up && !p->mirror_out;
}

static bool
has_port(const uint32_t *v, size_t n, uint32_t port)
{
    for (size_t i = 0; i < n; i++) {
        if (v[i] == port) {
            return true;
        }
    }
    return false;
}

static bool
outputs_to(const struct odp_actions *acts, uint32_t port)
{
    for (size_t i = 0; i < acts->n; i++) {
        if (acts->a[i].type == ODP_OUTPUT && acts->a[i].port == port) {
            return true;
        }
    }
    return false;
}

/* Whether mirror 'm' selects a frame with key 'key' whose translation
 * gave 'acts'. */
static bool
mirror_selects(struct ofproto *ofp, const struct ofproto_mirror *m,
               const struct ofkey *key, const struct odp_actions *acts)
{
    bool sel = m->cfg->select_all || has_port(m->src, m->n_src, key->in_port);
    for (size_t i = 0; !sel && i < acts->n; i++) {
        sel = acts->a[i].type == ODP_OUTPUT
              && has_port(m->dst, m->n_dst, acts->a[i].port);
    }
    if (sel && !m->any_vlan) {
        const struct ofproto_port *in = ofproto_port(ofp, key->in_port);
        uint16_t vid = key->vlan_tci & OFKEY_VLAN_CFI
                       ? key->vlan_tci & 0x0fff : in ? in->vlan.tag : 0;
        sel = m->vlans[vid / 64] >> (vid % 64) & 1;
    }
    return sel;
}

/* Puts the copies mirrors ask for first in the actions: the frame as it
 * came in, before any rewrite. */
static void
apply_mirrors(struct ofproto *ofp, const struct ofkey *key,
              struct xlate_out *out)
{
    if (!acts_have_output(&out->acts)) {
        return;                 /* Mirrors copy what the bridge forwards:
                                 * a frame it drops has nothing to show. */
    }
    for (size_t i = 0; i < ofp->n_mirrors; i++) {
        const struct ofproto_mirror *m = &ofp->mirrors[i];
        if (!m->any_vlan) {
            out->wc.vlan_tci |= OFKEY_VLAN_CFI | 0x0fff;
        }
        if (m->out == key->in_port || outputs_to(&out->acts, m->out)
            || !mirror_selects(ofp, m, key, &out->acts)) {
            continue;
        }
        struct odp_action a = { .type = ODP_OUTPUT, .port = m->out };
        odp_actions_add(&out->acts, &a);
        memmove(&out->acts.a[1], &out->acts.a[0],
                (out->acts.n - 1) * sizeof *out->acts.a);
        out->acts.a[0] = a;
    }
}

/* Whether 'mac' is one of the addresses OVS's NORMAL never forwards
 * unless other_config:forward-bpdu is set (lib/packets.c's
 * eth_addr_is_reserved): 802.1D's reserved range, which LLDP's
 * 01:80:c2:00:00:0e is in, the all-bridges and GARP addresses, and
 * Cisco's CDP/VTP/DTP, PVST+ and UplinkFast ones. */
static bool
is_reserved_multicast(const struct vh_mac *mac)
{
    static const uint8_t ieee[5] = { 0x01, 0x80, 0xc2, 0x00, 0x00 };
    static const uint8_t cisco[3][6] = {
        { 0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc },
        { 0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcd },
        { 0x01, 0x00, 0x0c, 0xcd, 0xcd, 0xcd },
    };
    if (!memcmp(mac->b, ieee, sizeof ieee)) {
        return mac->b[5] <= 0x10 || (mac->b[5] & 0xf0) == 0x20;
    }
    for (size_t i = 0; i < 3; i++) {
        if (!memcmp(mac->b, cisco[i], 6)) {
            return true;
        }
    }
    return false;
}

/* Learns the source, looks the destination up within the frame's VLAN,
 * and outputs to the learned port or floods the VLAN.  It looks at the
 * ingress port, both addresses and the VLAN: those bits join the
 * megaflow's mask, as OVS's NORMAL un-wildcards them. */
static void
normal(struct xlate_ctx *ctx, void *aux)
{
    struct normal_aux *na = aux;
    struct ofproto *ofp = na->ofp;
    const struct ofkey *f = xlate_flow(ctx);
    struct ofkey *wc = xlate_wc(ctx);
    struct ofproto_port *in = ofproto_port(ofp, f->in_port);

    memset(wc->dl_src, 0xff, sizeof wc->dl_src);
    memset(wc->dl_dst, 0xff, sizeof wc->dl_dst);
    wc->vlan_tci |= OFKEY_VLAN_CFI | 0x0fff;
    ofp->normal_drop = "no-port";
    if (!in) {
        return;
    }
    if (in->mirror_out) {
        ofp->normal_drop = "from-mirror-port";
        return;
    }
    struct vh_mac src, dst;
    memcpy(src.b, f->dl_src, 6);
    memcpy(dst.b, f->dl_dst, 6);
    if (is_reserved_multicast(&dst)) {
        ofp->normal_drop = "reserved-multicast";
        return;
    }
    bool tagged = f->vlan_tci & OFKEY_VLAN_CFI;
    uint16_t vid = tagged ? f->vlan_tci & 0x0fff : in->vlan.tag;
    if ((tagged && in->vlan.mode == PORT_VLAN_ACCESS)
        || !port_vlan_member(&in->vlan, vid)) {
        /* OVS drops a tagged frame on an access port, and a frame of a
         * VLAN a trunk does not carry. */
        ofp->normal_drop = "vlan-filter";
        return;
    }
    /* A private VLAN's secondaries learn under its primary. */
    uint16_t lvid = pvlan_learn_vid(&ofp->pvlans, vid);
    if (na->may_learn && !vh_mac_is_multicast(&src)) {
        int was = fdb_lookup(&ofp->mac, &src, lvid, na->now);
        fdb_learn(&ofp->mac, &src, lvid, (int) in->ofp_port, na->now);
        if (was != (int) in->ofp_port) {
            ofp->reval_seq++;
        }
    }
    int out = vh_mac_is_multicast(&dst) ? -1
              : fdb_lookup(&ofp->mac, &dst, lvid, na->now);
    if (out > 0) {
        struct ofproto_port *op = ofproto_port(ofp, (uint32_t) out);
        if (op == in) {
            ofp->normal_drop = "bridge-same-port";
        } else if (op && !pvlan_permits(&ofp->pvlans, &op->vlan, vid)) {
            ofp->normal_drop = "pvlan";
        } else if (op && op->up) {
            normal_output(ctx, op, vid);
        }
        return;
    }
    for (size_t i = 0; i < ofp->n_ports; i++) {
        struct ofproto_port *op = &ofp->ports[i];
        if (op != in && op->up && !op->mirror_out
            && pvlan_permits(&ofp->pvlans, &op->vlan, vid)) {
            normal_output(ctx, op, vid);
        }
    }
    if (ofp->has_local && in != &ofp->local && ofp->local.up
        && pvlan_permits(&ofp->pvlans, &ofp->local.vlan, vid)) {
        normal_output(ctx, &ofp->local, vid);
    }
}

void
ofproto_xlate(struct ofproto *ofp, const struct ofkey *key, bool may_learn,
              vh_time_t now, struct xlate_out *out)
{
    struct normal_aux na = { ofp, may_learn, now };
    struct xlate_in in = {
        .tables = &ofp->tables,
        .key = *key,
        .n_ports = (uint32_t) ofp->n_ports,
        .port_floods = port_floods,
        .normal = normal,
        .aux = &na,
    };
    xlate(&in, out);
    apply_mirrors(ofp, key, out);
    bond_outputs(ofp, key, out);
}

static bool
acts_have_output(const struct odp_actions *acts)
{
    for (size_t i = 0; i < acts->n; i++) {
        if (acts->a[i].type == ODP_OUTPUT) {
            return true;
        }
    }
    return false;
}

static bool
has_output(const struct xlate_out *out)
{
    return acts_have_output(&out->acts);
}

const char *
ofproto_drop_reason(const struct ofproto *ofp, const struct xlate_out *out)
{
    if (has_output(out)) {
        return NULL;
    }
    if (out->normal && out->drop == XLATE_RULE_DROP) {
        return ofp->normal_drop;
    }
    return xlate_drop_reason(out->drop == XLATE_OK ? XLATE_RULE_DROP
                                                   : out->drop);
}

void
ofproto_port_count(struct ofproto_port_stats *s, const struct vh_packet *p)
{
    struct vh_mac dst;
    memcpy(dst.b, p->data, sizeof dst.b);
    s->packets++;
    s->bytes += p->len;
    if (vh_mac_eq(&dst, &vh_mac_broadcast)) {
        s->bcast++;
    } else if (vh_mac_is_multicast(&dst)) {
        s->mcast++;
    }
}

void
ofproto_credit(struct of_rule *const *rules, size_t n, uint32_t bytes,
               vh_time_t now)
{
    for (size_t i = 0; i < n; i++) {
        rules[i]->n_packets++;
        rules[i]->n_bytes += bytes;
        rules[i]->used = now;
    }
}

struct expiry {
    vh_time_t now;
    size_t n;
    struct of_rule **gone;
    size_t n_gone;
};

static void
mark_rule(struct of_rule *r, void *aux)
{
    struct expiry *e = aux;
    if (r->expired) {
        return;
    }
    if ((r->idle_timeout
         && e->now - r->used >= (vh_time_t) r->idle_timeout * VH_SEC)
        || (r->hard_timeout
            && e->now - r->added >= (vh_time_t) r->hard_timeout * VH_SEC)) {
        r->expired = true;
        e->n++;
    }
}

size_t
ofproto_mark_expired(struct ofproto *ofp, vh_time_t now)
{
    struct expiry e = { .now = now };
    of_tables_foreach(&ofp->tables, mark_rule, &e);
    ofp->expired += e.n;
    return e.n;
}

static void
remove_rule(struct of_rule *r, void *aux)
{
    struct of_tables *t = aux;
    if (r->expired) {
        of_tables_remove(t, r);     /* The callback may remove its rule. */
    }
}

void
ofproto_remove_expired(struct ofproto *ofp)
{
    of_tables_foreach(&ofp->tables, remove_rule, &ofp->tables);
}

/* --- Report. --- */

struct rules_out {
    struct report_out *out;
    size_t n, shown;
};

static void
report_rule(struct of_rule *r, void *aux)
{
    struct rules_out *ro = aux;
    if (ro->n++ >= ro->shown) {
        return;
    }
    report_out_begin_item(ro->out);
    report_out_str(ro->out, "rule", r->text);
    report_out_num(ro->out, "table", r->table);
    report_out_num(ro->out, "priority", r->priority);
    report_out_num(ro->out, "n_packets", (double) r->n_packets);
    report_out_num(ro->out, "n_bytes", (double) r->n_bytes);
    report_out_end(ro->out);
}

void
ofproto_report_rules(const struct ofproto *ofp, struct report_out *out)
{
    struct rules_out ro = { out, 0, report_out_is_text(out) ? RULES_SHOWN
                                                           : SIZE_MAX };
    report_out_begin_list(out, "rules");
    of_tables_foreach(&ofp->tables, report_rule, &ro);
    report_out_end(out);
    if (ro.n > ro.shown) {
        report_out_num(out, "rules_not_shown", (double) (ro.n - ro.shown));
    }
    if (ofp->controller) {
        report_out_num(out, "to_controller", (double) ofp->controller);
    }
    if (ofp->expired) {
        report_out_num(out, "rules_expired", (double) ofp->expired);
    }
}
