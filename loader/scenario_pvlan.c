/* loader/scenario_pvlan.c: private VLANs and port isolation.
 *
 * A bridge port or a VM NIC's attach takes "pvlan": {"primary": 100,
 * "secondary": 101, "type": "isolated"|"community"|"promiscuous"} (a
 * promiscuous port names no secondary, or its primary again, as vSphere
 * writes it), and on a Linux bridge "isolated": true.  A physical switch
 * takes "pvlan": {"primary": 100, "isolated": [101], "community": [102],
 * "promiscuous_ports": ["p3"]}.
 *
 * Checked here: the VIDs, that a port's pvlan does not also set its
 * "vlan" or "trunks" (the private VLAN sets them), and that no VID plays
 * two parts in one switch's domain.  Checked by the bridge models: that a
 * Linux bridge with private VLANs filters VLANs, and that the ports of
 * one bridge agree on each VID's part. */
#include "loader/scenario_priv.h"

#include <string.h>

static const char *const cfg_pvlan_type_names[] = {
    [CFG_PVLAN_ISOLATED - 1] = "isolated",
    [CFG_PVLAN_COMMUNITY - 1] = "community",
    [CFG_PVLAN_PROMISCUOUS - 1] = "promiscuous",
};

static const struct schema_key port_pvlan_keys[] = {
    { "primary", NULL }, { "secondary", NULL }, { "type", NULL },
};
static const struct schema sch_port_pvlan = SCHEMA("pvlan", port_pvlan_keys);

static const struct schema_key switch_pvlan_keys[] = {
    { "primary", NULL }, { "isolated", NULL }, { "community", NULL },
    { "promiscuous_ports", NULL },
};
static const struct schema sch_switch_pvlan = SCHEMA("switch pvlan",
                                                     switch_pvlan_keys);

#define VID_WHY "VLAN IDs 0 and 4095 are reserved"

bool
ld_port_pvlan(struct ld *ld, const cJSON *o, const char *op,
              struct cfg_pvlan *out)
{
    char pp[JP_LEN], path[JP_LEN];
    const cJSON *pv;
    long long primary = 0, secondary = 0;
    int type = 0;
    *out = (struct cfg_pvlan) { .type = CFG_PVLAN_NONE };
    if (!ld_sub(ld, o, op, "pvlan", &sch_port_pvlan, &pv, pp)) {
        return false;
    }
    if (!pv) {
        return true;
    }
    if (!ld_int(ld, pv, pp, "primary", true, 1, 4094, VID_WHY, &primary)
        || !ld_int(ld, pv, pp, "secondary", false, 1, 4094, VID_WHY,
                   &secondary)
        || !ld_enum(ld, pv, pp, "type", "private VLAN type",
                    cfg_pvlan_type_names, N_NAMES(cfg_pvlan_type_names),
                    &type)) {
        return false;
    }
    if (ld_absent_or_null(pv, "type")) {
        return vh_diag_fail(ld->diag, pp, "missing required key 'type' "
                            "(\"isolated\", \"community\" or "
                            "\"promiscuous\")");
    }
    out->type = (enum cfg_pvlan_type) (type + 1);
    out->primary = (uint16_t) primary;
    if (out->type == CFG_PVLAN_PROMISCUOUS) {
        if (secondary && secondary != primary) {
            jp_key(path, pp, "secondary");
            return vh_diag_fail(ld->diag, path, "a promiscuous port belongs "
                                "to the primary VLAN %lld and takes every "
                                "secondary; leave 'secondary' out", primary);
        }
        return true;
    }
    if (!secondary) {
        return vh_diag_fail(ld->diag, pp, "missing required key 'secondary' "
                            "(the %s VLAN this port is an access port of)",
                            cfg_pvlan_type_names[type]);
    }
    if (secondary == primary) {
        jp_key(path, pp, "secondary");
        return vh_diag_fail(ld->diag, path, "the secondary VLAN must differ "
                            "from the primary %lld", primary);
    }
    out->secondary = (uint16_t) secondary;
    if (!ld_absent_or_null(o, "vlan") || !ld_absent_or_null(o, "trunks")) {
        jp_key(path, op, !ld_absent_or_null(o, "vlan") ? "vlan" : "trunks");
        return vh_diag_fail(ld->diag, path, "a port with 'pvlan' is an "
                            "access port of its private VLAN; leave '%s' "
                            "out", !ld_absent_or_null(o, "vlan") ? "vlan"
                                                                 : "trunks");
    }
    return true;
}

/* Whether 'vid' is already in one of the lists given. */
static bool
listed(const uint16_t *a, size_t n, uint16_t vid)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] == vid) {
            return true;
        }
    }
    return false;
}

bool
ld_switch_pvlan(struct ld *ld, const cJSON *o, const char *sp,
                struct cfg_switch *sw)
{
    char pp[JP_LEN], path[JP_LEN];
    const cJSON *pv, *a;
    long long primary = 0;
    if (!ld_sub(ld, o, sp, "pvlan", &sch_switch_pvlan, &pv, pp)) {
        return false;
    }
    if (!pv) {
        return true;
    }
    if (sw->mode != CFG_SW_8021Q && sw->mode != CFG_SW_VEPA) {
        return vh_diag_fail(ld->diag, pp, "private VLANs apply to switches "
                            "of mode '802.1q' or 'vepa', not '%s'",
                            cfg_switch_mode_names[sw->mode]);
    }
    struct cfg_switch_pvlan *c = ld_calloc(1, sizeof *c);
    if (!ld_int(ld, pv, pp, "primary", true, 1, 4094, VID_WHY, &primary)
        || !ld_vlan_list(ld, pv, pp, "isolated", &c->isolated,
                         &c->n_isolated)
        || !ld_vlan_list(ld, pv, pp, "community", &c->community,
                         &c->n_community)
        || !ld_array(ld, pv, pp, "promiscuous_ports", &a)) {
        return false;
    }
    c->primary = (uint16_t) primary;
    for (size_t i = 0; i < c->n_isolated + c->n_community; i++) {
        bool iso = i < c->n_isolated;
        size_t k = iso ? i : i - c->n_isolated;
        uint16_t vid = iso ? c->isolated[k] : c->community[k];
        char lp[JP_LEN];
        jp_key(lp, pp, iso ? "isolated" : "community");
        jp_idx(path, lp, k);
        if (vid == c->primary) {
            return vh_diag_fail(ld->diag, path, "VLAN %u is the primary; a "
                                "secondary must differ from it", vid);
        }
        if (!iso && listed(c->isolated, c->n_isolated, vid)) {
            return vh_diag_fail(ld->diag, path, "VLAN %u is listed as both "
                                "isolated and community", vid);
        }
    }
    if (!c->n_isolated && !c->n_community) {
        return vh_diag_fail(ld->diag, pp, "a private VLAN needs at least one "
                            "secondary: give 'isolated' or 'community'");
    }
    size_t n = a ? (size_t) cJSON_GetArraySize(a) : 0;
    c->promiscuous = ld_calloc(n ? n : 1, sizeof *c->promiscuous);
    jp_key(path, pp, "promiscuous_ports");
    for (const cJSON *e = a ? a->child : NULL; e; e = e->next) {
        char ep[JP_LEN];
        int port;
        jp_idx(ep, path, c->n_promiscuous);
        if (!ld_switch_port(ld, e, ep, sw->ports, &port)) {
            return false;
        }
        for (size_t k = 0; k < c->n_promiscuous; k++) {
            if (c->promiscuous[k] == port) {
                return vh_diag_fail(ld->diag, ep, "port p%d is listed "
                                    "twice", port);
            }
        }
        c->promiscuous[c->n_promiscuous++] = port;
    }
    sw->pvlan = c;
    return true;
}
