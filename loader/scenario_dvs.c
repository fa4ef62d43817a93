/* loader/scenario_dvs.c: distributed switches ("dvswitches").
 *
 * A distributed switch is declared once, at the top, with the hosts it
 * spans and the NICs that are its uplinks on each of them; its port
 * groups carry the policy of the ports that join them.  VM NICs attach
 * with {"type": "dvswitch", "to": "dvs1", "portgroup": "web"}.
 *
 * Checked here, once the hosts are loaded: the names, that every uplink
 * is a NIC of every host of the switch, used by nothing else (no bridge,
 * no other distributed switch, no address of the host's own on it), the
 * port groups' VLAN settings, and that each VM NIC attached names a
 * switch spanning its host and one of the switch's port groups.  What
 * has no model yet is refused as not supported yet at its path. */
#include "loader/scenario_priv.h"

#include <stdlib.h>

#include "models/core/portpolicy.h"
#include <string.h>

static const struct schema_key dvs_keys[] = {
    { "name", NULL }, { "flavor", NULL }, { "hosts", NULL },
    { "uplinks", NULL }, { "teaming", NULL }, { "lldp", NULL }, { "cdp", NULL },
    { "netflow", NULL }, { "portgroups", NULL }, { "vsm", NULL },
};
static const struct schema sch_dvs = SCHEMA("distributed switch", dvs_keys);

static const struct schema_key portgroup_keys[] = {
    { "name", NULL }, { "vlan", NULL }, { "trunks", NULL },
    { "pvlan", NULL }, { "blocked", NULL }, { "shaping", NULL },
    { "security", NULL }, { "acl", NULL },
};
static const struct schema sch_portgroup = SCHEMA("port group",
                                                  portgroup_keys);

static const char *const flavor_names[] = { "vds", "n1kv" };

void
ld_free_dvswitches(struct cfg_scenario *sc)
{
    for (size_t i = 0; sc->dvswitches && i < sc->n_dvswitches; i++) {
        struct cfg_dvswitch *d = &sc->dvswitches[i];
        free(d->name);
        free(d->jpath);
        free(d->vsm);
        for (size_t k = 0; d->hosts && k < d->n_hosts; k++) {
            free(d->hosts[k]);
        }
        free(d->hosts);
        for (size_t k = 0; d->uplinks && k < d->n_uplinks; k++) {
            free(d->uplinks[k]);
        }
        free(d->uplinks);
        for (size_t k = 0; d->portgroups && k < d->n_portgroups; k++) {
            free(d->portgroups[k].name);
            free(d->portgroups[k].jpath);
            free(d->portgroups[k].trunks);
            if (d->portgroups[k].policy) {
                port_policy_free(d->portgroups[k].policy);
                free(d->portgroups[k].policy);
            }
        }
        free(d->portgroups);
        ld_free_flowexp(d->netflow);
        free(d->netflow_hosts);
    }
    free(sc->dvswitches);
}

const struct cfg_dvswitch *
ld_find_dvswitch(const struct cfg_scenario *sc, const char *name)
{
    for (size_t i = 0; name && i < sc->n_dvswitches; i++) {
        if (sc->dvswitches[i].name
            && !strcmp(sc->dvswitches[i].name, name)) {
            return &sc->dvswitches[i];
        }
    }
    return NULL;
}

bool
ld_dvswitch_spans(const struct cfg_dvswitch *d, const char *host)
{
    return ld_name_in(d->hosts, d->n_hosts, host);
}

/* A required, non-empty array of distinct strings under 'key'. */
static bool
load_names(struct ld *ld, const cJSON *o, const char *op, const char *key,
           const char *what, char ***out, size_t *n)
{
    char path[JP_LEN];
    const cJSON *arr;
    if (!ld_array(ld, o, op, key, &arr)) {
        return false;
    }
    jp_key(path, op, key);
    if (!arr || !cJSON_GetArraySize(arr)) {
        return vh_diag_fail(ld->diag, arr ? path : op, "%s key '%s' (%s)",
                            arr ? "empty" : "missing required", key, what);
    }
    *n = (size_t) cJSON_GetArraySize(arr);
    *out = ld_calloc(*n, sizeof **out);
    size_t i = 0;
    for (const cJSON *v = arr->child; v; v = v->next, i++) {
        char ip[JP_LEN];
        jp_idx(ip, path, i);
        if (!cJSON_IsString(v)) {
            return vh_diag_fail(ld->diag, ip, "expected a name (a string), "
                                "got %s", ld_type_name(v));
        }
        for (size_t k = 0; k < i; k++) {
            if (!strcmp((*out)[k], v->valuestring)) {
                return vh_diag_fail(ld->diag, ip, "'%s' is listed twice",
                                    v->valuestring);
            }
        }
        (*out)[i] = ld_strdup(v->valuestring);
    }
    return true;
}

static bool
load_portgroup(struct ld *ld, const cJSON *o, const char *gp,
               struct cfg_portgroup *pg)
{
    char path[JP_LEN];
    long long vlan = -1;
    pg->jpath = ld_strdup(gp);
    pg->vlan = -1;
    if (!ld_is_object(ld, o, gp) || !ld_keys(ld, o, gp, &sch_portgroup)
        || !ld_name(ld, o, gp, &pg->name)
        || !ld_int(ld, o, gp, "vlan", false, 1, 4094,
                   "VLAN IDs 0 and 4095 are reserved", &vlan)
        || !ld_vlan_list(ld, o, gp, "trunks", &pg->trunks, &pg->n_trunks)
        || !ld_port_pvlan(ld, o, gp, &pg->pvlan)) {
        return false;
    }
    /* Shaping, security, blocking and the port ACL, from vSphere's
     * defaults for a distributed port group (security all Reject). */
    pg->policy = ld_calloc(1, sizeof *pg->policy);
    portpolicy_vsphere_defaults(pg->policy);
    if (!ld_port_policy(ld, o, gp, pg->policy)) {
        return false;
    }
    pg->vlan = (int) vlan;
    if (vlan >= 0 && pg->n_trunks) {
        jp_key(path, gp, "trunks");
        return vh_diag_fail(ld->diag, path, "a port group is an access "
                            "port of its 'vlan' or a trunk of its "
                            "'trunks' (vSphere's VLAN type), not both");
    }
    return true;
}

/* Each VID plays one part in the switch's private VLANs: a secondary
 * belongs to one primary, as one type, and is no primary itself. */
static bool
check_pvlans(struct ld *ld, const struct cfg_dvswitch *d)
{
    char path[JP_LEN];
    for (size_t g = 0; g < d->n_portgroups; g++) {
        const struct cfg_pvlan *a = &d->portgroups[g].pvlan;
        if (a->type == CFG_PVLAN_NONE) {
            continue;
        }
        for (size_t k = 0; k < d->n_portgroups; k++) {
            const struct cfg_pvlan *b = &d->portgroups[k].pvlan;
            bool clash = false;
            if (b->type == CFG_PVLAN_NONE) {
                continue;
            }
            if (a->secondary && a->secondary == b->secondary) {
                clash = a->primary != b->primary || a->type != b->type;
            }
            clash |= a->secondary && a->secondary == b->primary;
            if (clash) {
                jp_key(path, d->portgroups[g].jpath, "pvlan");
                return vh_diag_fail(ld->diag, path, "VLAN %u plays another "
                                    "part in the private VLAN of %s",
                                    a->secondary, d->portgroups[k].jpath);
            }
        }
    }
    return true;
}

/* Every uplink is a NIC of every host of the switch, and nothing else's. */
static bool
check_uplinks(struct ld *ld, const struct cfg_dvswitch *d, size_t di)
{
    char path[JP_LEN], up[JP_LEN];
    for (size_t k = 0; k < d->n_hosts; k++) {
        const struct cfg_host *h = NULL;
        for (size_t i = 0; i < ld->sc->n_hosts; i++) {
            if (!strcmp(ld->sc->hosts[i].name, d->hosts[k])) {
                h = &ld->sc->hosts[i];
            }
        }
        char hp[JP_LEN];
        jp_key(hp, d->jpath, "hosts");
        jp_idx(path, hp, k);
        if (!h) {
            return vh_diag_fail(ld->diag, path, "no host '%s'", d->hosts[k]);
        }
        for (size_t u = 0; u < d->n_uplinks; u++) {
            const struct cfg_nic *nic = NULL;
            for (size_t i = 0; i < h->n_nics; i++) {
                if (!strcmp(h->nics[i].name, d->uplinks[u])) {
                    nic = &h->nics[i];
                }
            }
            char ups[JP_LEN];
            jp_key(ups, d->jpath, "uplinks");
            jp_idx(up, ups, u);
            if (!nic) {
                return vh_diag_fail(ld->diag, up, "host '%s' has no NIC "
                                    "'%s'; a distributed switch's uplinks "
                                    "are NICs of every host it spans",
                                    h->name, d->uplinks[u]);
            }
            if (nic->has_ip || nic->n_vlans) {
                return vh_diag_fail(ld->diag, up, "NIC '%s' of host '%s' "
                                    "has an address of the host's own; an "
                                    "uplink of a distributed switch carries "
                                    "only its ports' traffic (give the "
                                    "host's address to another NIC)",
                                    nic->name, h->name);
            }
            if (nic->sriov_vfs) {
                return vh_diag_fail(ld->diag, up, "not supported yet: "
                                    "SR-IOV VFs on an uplink of a "
                                    "distributed switch");
            }
            for (size_t b = 0; b < h->n_bridges; b++) {
                const struct cfg_bridge *br = &h->bridges[b];
                for (size_t p = 0; p < br->n_bports; p++) {
                    const struct cfg_bport *bp = &br->bports[p];
                    bool used = !strcmp(bp->name, d->uplinks[u]);
                    for (size_t m = 0; m < bp->n_members; m++) {
                        used |= !strcmp(bp->members[m], d->uplinks[u]);
                    }
                    if (used) {
                        return vh_diag_fail(ld->diag, up, "NIC '%s' of "
                                            "host '%s' is already a port of "
                                            "bridge '%s'", nic->name,
                                            h->name, br->name);
                    }
                }
                if (!strcmp(br->name, d->name)) {
                    jp_key(path, d->jpath, "name");
                    return vh_diag_fail(ld->diag, path, "host '%s' has a "
                                        "bridge named '%s' too; a "
                                        "distributed switch's local part "
                                        "takes its name there", h->name,
                                        d->name);
                }
            }
            for (size_t o = 0; o < di; o++) {
                const struct cfg_dvswitch *e = &ld->sc->dvswitches[o];
                if (ld_dvswitch_spans(e, h->name)) {
                    for (size_t x = 0; x < e->n_uplinks; x++) {
                        if (!strcmp(e->uplinks[x], d->uplinks[u])) {
                            return vh_diag_fail(ld->diag, up, "NIC '%s' "
                                                "of host '%s' is already "
                                                "an uplink of distributed "
                                                "switch '%s'", nic->name,
                                                h->name, e->name);
                        }
                    }
                }
            }
        }
    }
    return true;
}

static bool
load_dvswitch(struct ld *ld, const cJSON *o, const char *dp, size_t di,
              struct cfg_dvswitch *d)
{
    char path[JP_LEN], gp[JP_LEN];
    int flavor = 0, teaming = CFG_TEAM_SRCID;
    const cJSON *groups;
    d->jpath = ld_strdup(dp);
    if (!ld_is_object(ld, o, dp) || !ld_keys(ld, o, dp, &sch_dvs)
        || !ld_name(ld, o, dp, &d->name)
        || !ld_enum(ld, o, dp, "flavor", "distributed switch flavor",
                    flavor_names, N_NAMES(flavor_names), &flavor)
        || !ld_enum(ld, o, dp, "teaming", "teaming policy",
                    cfg_dvs_teaming_names, N_NAMES(cfg_dvs_teaming_names),
                    &teaming)) {
        return false;
    }
    d->teaming = (enum cfg_dvs_teaming) teaming;
    for (size_t k = 0; k < di; k++) {
        if (!strcmp(ld->sc->dvswitches[k].name, d->name)) {
            jp_key(path, dp, "name");
            return vh_diag_fail(ld->diag, path, "distributed switch '%s' "
                                "is already declared (%s)", d->name,
                                ld->sc->dvswitches[k].jpath);
        }
    }
    d->n1kv = flavor == 1;
    if (!ld_str(ld, o, dp, "vsm", false, &d->vsm)) {
        return false;
    }
    /* Without "vsm" no supervisor is modelled: the VEMs switch by the
     * port profiles as configured, with no control traffic. */
    if (!d->n1kv && d->vsm) {
        jp_key(path, dp, "vsm");
        return vh_diag_fail(ld->diag, path, "'vsm' applies only to flavor "
                            "n1kv (the Nexus 1000V's supervisor)");
    }
    if (!ld_bool(ld, o, dp, "lldp", &d->lldp)
        || !ld_bool(ld, o, dp, "cdp", &d->cdp)
        || !ld_dvs_netflow(ld, o, dp, &d->netflow)
        || !load_names(ld, o, dp, "hosts", "the hosts the switch spans",
                    &d->hosts, &d->n_hosts)
        || !load_names(ld, o, dp, "uplinks", "the host NICs that carry its "
                       "traffic out, on every host", &d->uplinks,
                       &d->n_uplinks)
        || !check_uplinks(ld, d, di)
        || !ld_array(ld, o, dp, "portgroups", &groups)) {
        return false;
    }
    if (!groups || !cJSON_GetArraySize(groups)) {
        jp_key(path, dp, "portgroups");
        return vh_diag_fail(ld->diag, groups ? path : dp, "%s key "
                            "'portgroups' (the port groups VM NICs join)",
                            groups ? "empty" : "missing required");
    }
    d->n_portgroups = (size_t) cJSON_GetArraySize(groups);
    d->portgroups = ld_calloc(d->n_portgroups, sizeof *d->portgroups);
    jp_key(path, dp, "portgroups");
    size_t i = 0;
    for (const cJSON *g = groups->child; g; g = g->next, i++) {
        jp_idx(gp, path, i);
        if (!load_portgroup(ld, g, gp, &d->portgroups[i])) {
            return false;
        }
        for (size_t k = 0; k < i; k++) {
            if (!strcmp(d->portgroups[k].name, d->portgroups[i].name)) {
                char np[JP_LEN];
                jp_key(np, gp, "name");
                return vh_diag_fail(ld->diag, np, "port group '%s' is "
                                    "already declared (%s)",
                                    d->portgroups[i].name,
                                    d->portgroups[k].jpath);
            }
        }
    }
    return check_pvlans(ld, d);
}

const struct ld_addr *
ld_dvs_mgmt(const struct cfg_dvswitch *d, const struct cfg_host *h,
            const struct ld_addr *addrs, size_t n)
{
    for (size_t a = 0; a < n; a++) {
        bool nic = false, uplink = false;
        for (size_t x = 0; x < h->n_nics; x++) {
            nic |= !strcmp(h->nics[x].name, addrs[a].name);
        }
        for (size_t u = 0; u < d->n_uplinks; u++) {
            uplink |= !strcmp(d->uplinks[u], addrs[a].name);
        }
        if (nic && !uplink) {
            return &addrs[a];
        }
    }
    return NULL;
}

bool
ld_dvs_vsm_refs(struct ld *ld)
{
    const struct cfg_scenario *sc = ld->sc;
    for (size_t i = 0; i < sc->n_dvswitches; i++) {
        const struct cfg_dvswitch *d = &sc->dvswitches[i];
        char path[JP_LEN];
        jp_key(path, d->jpath, "vsm");
        for (size_t k = 0; d->vsm && k < d->n_hosts; k++) {
            const struct cfg_host *h = NULL;
            for (size_t j = 0; j < sc->n_hosts; j++) {
                if (!strcmp(sc->hosts[j].name, d->hosts[k])) {
                    h = &sc->hosts[j];
                }
            }
            struct ld_addr *addrs = ld_calloc(ld_max_addrs(h),
                                              sizeof *addrs);
            size_t n = ld_host_addrs(h, addrs);
            const struct ld_addr *mgmt = ld_dvs_mgmt(d, h, addrs, n);
            uint32_t ip;
            bool ok = mgmt
                      ? ld_collector_addr(ld, h, path, d->vsm, "a supervisor",
                                          "VEM", mgmt, &ip)
                      : vh_diag_fail(ld->diag, path, "host '%s' has no "
                                     "management address for its VEM to "
                                     "reach the supervisor from: give one "
                                     "of its NICs that is not an uplink an "
                                     "\"ip\"", h->name);
            free(addrs);
            if (!ok) {
                return false;
            }
        }
    }
    return true;
}

/* Each VM NIC attached to a distributed switch names one spanning its
 * host, and one of its port groups. */
static bool
check_attached(struct ld *ld)
{
    char path[JP_LEN];
    for (size_t h = 0; h < ld->sc->n_hosts; h++) {
        const struct cfg_host *ch = &ld->sc->hosts[h];
        for (size_t v = 0; v < ch->n_vms; v++) {
            for (size_t i = 0; i < ch->vms[v].n_nics; i++) {
                const struct cfg_vnic *vn = &ch->vms[v].nics[i];
                if (vn->attach != CFG_AT_DVSWITCH) {
                    continue;
                }
                const struct cfg_dvswitch *d
                    = ld_find_dvswitch(ld->sc, vn->attach_to);
                char ap[JP_LEN];
                jp_key(ap, vn->jpath, "attach");
                jp_key(path, ap, "to");
                if (!d) {
                    return vh_diag_fail(ld->diag, path, "no distributed "
                                        "switch '%s' (in the scenario's "
                                        "\"dvswitches\")", vn->attach_to);
                }
                if (!ld_dvswitch_spans(d, ch->name)) {
                    return vh_diag_fail(ld->diag, path, "distributed "
                                        "switch '%s' does not span host "
                                        "'%s'; add it to the switch's "
                                        "'hosts'", d->name, ch->name);
                }
                bool found = false;
                for (size_t g = 0; g < d->n_portgroups; g++) {
                    found |= !strcmp(d->portgroups[g].name, vn->portgroup);
                }
                if (!found) {
                    jp_key(path, ap, "portgroup");
                    return vh_diag_fail(ld->diag, path, "distributed "
                                        "switch '%s' has no port group "
                                        "'%s'", d->name, vn->portgroup);
                }
            }
        }
    }
    return true;
}

bool
ld_dvswitches(struct ld *ld, const cJSON *root)
{
    struct cfg_scenario *sc = ld->sc;
    const cJSON *arr;
    if (!ld_array_max(ld, root, "", "dvswitches", LD_MAX_SWITCHES,
                      "distributed switches", &arr)) {
        return false;
    }
    sc->n_dvswitches = (size_t) cJSON_GetArraySize(arr);
    sc->dvswitches = ld_calloc(sc->n_dvswitches, sizeof *sc->dvswitches);
    size_t i = 0;
    for (const cJSON *d = arr ? arr->child : NULL; d; d = d->next, i++) {
        char dp[JP_LEN];
        jp_idx(dp, "dvswitches", i);
        if (!load_dvswitch(ld, d, dp, i, &sc->dvswitches[i])) {
            return false;
        }
    }
    return check_attached(ld);
}
