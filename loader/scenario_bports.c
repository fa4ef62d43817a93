/* loader/scenario_bports.c: the entries of a bridge's "ports", VLAN trunk
 * lists, and an OVS bridge's "other_config".
 *
 * A port is a host NIC's name, or an object: a NIC with its VLAN mode
 * ({"name": "eth1", "trunks": [10, 20]}), or a port of a "type" of its
 * own: "internal" (the host's address on the bridge), "patch" (to a port
 * of another bridge, "peer"), "bond" (host NICs as "members"), or a
 * tunnel ("vxlan", "gre", "geneve", "nvgre" with "remote_ip", "key" and
 * "ttl"; a vxlan port also "ageing").
 * Every port object may carry "vlan", "trunks" and OVS's
 * "ingress_policing_rate" (kbps) and "ingress_policing_burst" (kb).
 *
 * other_config takes OVS's own spellings and units where they have one
 * ("max-idle" in milliseconds as a number or numeric string), and also a
 * time with its unit ("10s"). */
#include "loader/scenario_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/defaults.h"

/* Keys of a port object, and the types each applies to (a bit per enum
 * cfg_bport_type; 0: all). */
struct bport_key {
    const char *name;
    unsigned types;
};

#define BP(T) (1u << (T))
static const struct bport_key bport_keys[] = {
    { "name", 0 }, { "type", 0 }, { "vlan", 0 }, { "trunks", 0 },
    { "ingress_policing_rate", 0 }, { "ingress_policing_burst", 0 },
    { "qos", 0 }, { "pvlan", BP(CFG_BP_NIC) }, { "isolated", BP(CFG_BP_NIC) },
    { "ip", BP(CFG_BP_INTERNAL) }, { "mac", BP(CFG_BP_INTERNAL) },
    { "peer", BP(CFG_BP_PATCH) },
    { "members", BP(CFG_BP_BOND) }, { "bond_mode", BP(CFG_BP_BOND) },
    { "lacp", BP(CFG_BP_BOND) }, { "bond_downdelay", BP(CFG_BP_BOND) },
    { "miimon", BP(CFG_BP_BOND) },
    { "remote_ip", BP(CFG_BP_VXLAN) | BP(CFG_BP_GRE) | BP(CFG_BP_GENEVE)
                   | BP(CFG_BP_NVGRE) },
    { "key", BP(CFG_BP_VXLAN) | BP(CFG_BP_GRE) | BP(CFG_BP_GENEVE)
             | BP(CFG_BP_NVGRE) },
    { "ttl", BP(CFG_BP_VXLAN) | BP(CFG_BP_GRE) | BP(CFG_BP_GENEVE)
             | BP(CFG_BP_NVGRE) },
    { "ageing", BP(CFG_BP_VXLAN) },
};

bool
ld_vlan_list(struct ld *ld, const cJSON *o, const char *op, const char *key,
             uint16_t **out, size_t *n)
{
    const cJSON *a;
    char path[JP_LEN];
    *out = NULL;
    *n = 0;
    if (!ld_array(ld, o, op, key, &a) || !a) {
        return !ld->diag->failed;
    }
    jp_key(path, op, key);
    size_t len = (size_t) cJSON_GetArraySize(a);
    if (!len) {
        return vh_diag_fail(ld->diag, path, "give at least one VLAN (leave "
                            "'%s' out to carry every VLAN)", key);
    }
    *out = ld_calloc(len, sizeof **out);
    for (const cJSON *e = a->child; e; e = e->next) {
        char ep[JP_LEN];
        jp_idx(ep, path, *n);
        if (!cJSON_IsNumber(e) || e->valuedouble != (double) (int) e->valuedouble) {
            return vh_diag_fail(ld->diag, ep, "expected a VLAN ID (a whole "
                                "number), got %s", ld_type_name(e));
        }
        int v = (int) e->valuedouble;
        if (v < 1 || v > 4094) {
            return vh_diag_fail(ld->diag, ep, "VLAN %d is out of range "
                                "1..4094 (VLAN IDs 0 and 4095 are "
                                "reserved)", v);
        }
        for (size_t k = 0; k < *n; k++) {
            if ((*out)[k] == v) {
                return vh_diag_fail(ld->diag, ep, "VLAN %d is listed twice",
                                    v);
            }
        }
        (*out)[(*n)++] = (uint16_t) v;
    }
    return true;
}

static bool
bport_check_keys(struct ld *ld, const cJSON *o, const char *pp,
                 enum cfg_bport_type type)
{
    const char *names[N_NAMES(bport_keys)];
    for (size_t i = 0; i < N_NAMES(bport_keys); i++) {
        names[i] = bport_keys[i].name;
    }
    for (const cJSON *c = o->child; c; c = c->next) {
        for (size_t i = 0; i < N_NAMES(bport_keys); i++) {
            if (!strcmp(bport_keys[i].name, c->string)
                && bport_keys[i].types && !(bport_keys[i].types & BP(type))) {
                char kp[JP_LEN];
                jp_key(kp, pp, c->string);
                return vh_diag_fail(ld->diag, kp, "'%s' does not apply to a "
                                    "port of type '%s'", c->string,
                                    cfg_bport_type_names[type]);
            }
        }
    }
    return ld_keys_names(ld, o, pp, "bridge port", names,
                         N_NAMES(bport_keys));
}

static bool
bport_members(struct ld *ld, const cJSON *o, const char *pp,
              struct cfg_bport *bp)
{
    const cJSON *a;
    char path[JP_LEN];
    if (!ld_array(ld, o, pp, "members", &a)) {
        return false;
    }
    if (!a || cJSON_GetArraySize(a) < 2) {
        jp_key(path, pp, "members");
        return vh_diag_fail(ld->diag, a ? path : pp, "a bond needs "
                            "'members': at least two host NICs");
    }
    jp_key(path, pp, "members");
    bp->members = ld_calloc((size_t) cJSON_GetArraySize(a),
                            sizeof *bp->members);
    for (const cJSON *e = a->child; e; e = e->next) {
        char ep[JP_LEN];
        jp_idx(ep, path, bp->n_members);
        if (!cJSON_IsString(e)) {
            return vh_diag_fail(ld->diag, ep, "expected a NIC name (a "
                                "string), got %s", ld_type_name(e));
        }
        bp->members[bp->n_members++] = ld_strdup(e->valuestring);
    }
    return true;
}

static const char *const qos_keys[] = { "type", "max-rate", "queues" };
static const char *const queue_keys[] = { "id", "min-rate", "max-rate" };

/* "qos": {"type": "linux-htb", "max-rate": "1G", "queues": [{"id": 1,
 * "min-rate": "100M", "max-rate": "500M"}]}, OVS's QoS and Queue
 * tables' other_config in one object. */
static bool
bport_qos(struct ld *ld, const cJSON *o, const char *pp, struct cfg_bport *bp)
{
    static const char *const types[] = { "linux-htb" };
    const cJSON *q, *queues;
    char qp[JP_LEN], path[JP_LEN];
    int type = 0;
    jp_key(qp, pp, "qos");
    q = cJSON_GetObjectItemCaseSensitive(o, "qos");
    if (!q || cJSON_IsNull(q)) {
        return true;
    }
    bp->qos = ld_calloc(1, sizeof *bp->qos);
    if (!ld_is_object(ld, q, qp)
        || !ld_keys_names(ld, q, qp, "qos", qos_keys, N_NAMES(qos_keys))
        || !ld_enum(ld, q, qp, "type", "QoS type", types, 1, &type)
        || !ld_speed(ld, q, qp, "max-rate", &bp->qos->max_bps)
        || !ld_array(ld, q, qp, "queues", &queues)) {
        return false;
    }
    if (ld_absent_or_null(q, "type")) {
        return vh_diag_fail(ld->diag, qp, "missing required key 'type' "
                            "(\"linux-htb\")");
    }
    size_t n = queues ? (size_t) cJSON_GetArraySize(queues) : 0;
    bp->qos->queues = ld_calloc(n ? n : 1, sizeof *bp->qos->queues);
    jp_key(path, qp, "queues");
    for (const cJSON *e = queues ? queues->child : NULL; e; e = e->next) {
        struct cfg_qos_queue *cq = &bp->qos->queues[bp->qos->n_queues];
        char ep[JP_LEN];
        long long id = -1;
        jp_idx(ep, path, bp->qos->n_queues);
        if (!ld_is_object(ld, e, ep)
            || !ld_keys_names(ld, e, ep, "queue", queue_keys,
                              N_NAMES(queue_keys))
            || !ld_int(ld, e, ep, "id", true, 0, 0xffffffffLL, NULL, &id)
            || !ld_speed(ld, e, ep, "min-rate", &cq->min_bps)
            || !ld_speed(ld, e, ep, "max-rate", &cq->max_bps)) {
            return false;
        }
        cq->id = (uint32_t) id;
        for (size_t k = 0; k < bp->qos->n_queues; k++) {
            if (bp->qos->queues[k].id == cq->id) {
                return vh_diag_fail(ld->diag, ep, "queue %u is listed twice",
                                    cq->id);
            }
        }
        if (cq->max_bps && cq->min_bps > cq->max_bps) {
            return vh_diag_fail(ld->diag, ep, "min-rate is above max-rate");
        }
        bp->qos->n_queues++;
    }
    return true;
}

static bool
bport_object(struct ld *ld, const cJSON *o, const char *pp,
             const char *hname, struct cfg_bport *bp)
{
    int type = CFG_BP_NIC, mode = CFG_BOND_ACTIVE_BACKUP, lacp = CFG_LACP_OFF;
    long long vlan = -1, rate = 0, burst = 0, key = 0, ttl = 0;
    char *s = NULL;
    if (!ld_enum(ld, o, pp, "type", "port type", cfg_bport_type_names,
                 N_NAMES(cfg_bport_type_names), &type)
        || !bport_check_keys(ld, o, pp, (enum cfg_bport_type) type)
        || !ld_name(ld, o, pp, &bp->name)
        || !ld_int(ld, o, pp, "vlan", false, 1, 4094,
                   "VLAN IDs 0 and 4095 are reserved", &vlan)
        || !ld_vlan_list(ld, o, pp, "trunks", &bp->trunks, &bp->n_trunks)
        || !ld_int(ld, o, pp, "ingress_policing_rate", false, 0,
                   1000000000, NULL, &rate)
        || !ld_int(ld, o, pp, "ingress_policing_burst", false, 0,
                   1000000000, NULL, &burst)
        || !ld_str(ld, o, pp, "peer", type == CFG_BP_PATCH, &bp->peer)
        || !ld_enum(ld, o, pp, "bond_mode", "bond mode", cfg_bond_mode_names,
                    N_NAMES(cfg_bond_mode_names), &mode)
        || !ld_enum(ld, o, pp, "lacp", "LACP mode", cfg_lacp_names,
                    N_NAMES(cfg_lacp_names), &lacp)
        || !ld_int(ld, o, pp, "key", false, 0, 0xffffffffLL, NULL, &key)
        || !ld_int(ld, o, pp, "ttl", false, 1, 255, NULL, &ttl)
        || !ld_time(ld, o, pp, "ageing", false, &bp->ageing)
        || !ld_time(ld, o, pp, "bond_downdelay", false,
                    &bp->bond_downdelay)
        || !ld_time(ld, o, pp, "miimon", false, &bp->miimon)
        || !ld_bool(ld, o, pp, "isolated", &bp->isolated)
        || !ld_port_pvlan(ld, o, pp, &bp->pvlan)) {
        return false;
    }
    bp->type = (enum cfg_bport_type) type;
    bp->vlan = (int) vlan;
    bp->policing_rate_kbps = (uint64_t) rate;
    bp->policing_burst_kb = (uint64_t) burst;
    bp->bond_mode = (enum cfg_bond_mode) mode;
    bp->lacp = (enum cfg_lacp) lacp;
    bp->key = (uint32_t) key;
    bp->ttl = (uint8_t) ttl;
    bp->has_key = !ld_absent_or_null(o, "key");
    if ((bp->type == CFG_BP_BOND && !bport_members(ld, o, pp, bp))
        || !bport_qos(ld, o, pp, bp)) {
        return false;
    }
    if (bp->type == CFG_BP_INTERNAL) {
        bool has_mac = false;
        if (!ld_load_mac(ld, o, pp, &bp->mac, &has_mac)
            || !ld_load_ip(ld, o, pp, false, &bp->ip, &bp->prefix,
                           &bp->has_ip)) {
            return false;
        }
        if (!has_mac) {
            char spath[JP_LEN];
            snprintf(spath, sizeof spath, "%s/%s", hname, bp->name);
            ld_derive_mac(spath, false, &bp->mac);
        }
    }
    if (bp->type >= CFG_BP_VXLAN) {
        bool has_ip = false;
        int prefix = 32;
        if (!ld_str(ld, o, pp, "remote_ip", true, &s)) {
            return false;
        }
        if (!vh_ipv4_parse(s, &bp->remote_ip, &prefix) || prefix != 32) {
            char kp[JP_LEN];
            jp_key(kp, pp, "remote_ip");
            free(s);
            return vh_diag_fail(ld->diag, kp, "expected an IPv4 address "
                                "such as \"192.168.0.2\"");
        }
        free(s);
        (void) has_ip;
        uint8_t top = (uint8_t) (bp->remote_ip >> 24);
        if (!bp->remote_ip || bp->remote_ip == 0xffffffffu || top == 127
            || (top >= 240)) {
            char kp[JP_LEN];
            jp_key(kp, pp, "remote_ip");
            return vh_diag_fail(ld->diag, kp, "expected the far end's "
                                "address, not 0.0.0.0, a broadcast, a "
                                "loopback or a reserved address");
        }
        if (bp->type == CFG_BP_NVGRE && key > 0xffffff) {
            char kp[JP_LEN];
            jp_key(kp, pp, "key");
            return vh_diag_fail(ld->diag, kp, "an NVGRE key is the 24-bit "
                                "VSID: at most 16777215");
        }
        if ((bp->type == CFG_BP_VXLAN || bp->type == CFG_BP_GENEVE)
            && key > 0xffffff) {
            char kp[JP_LEN];
            jp_key(kp, pp, "key");
            return vh_diag_fail(ld->diag, kp, "a %s key is the 24-bit VNI: "
                                "at most 16777215",
                                cfg_bport_type_names[bp->type]);
        }
    }
    return true;
}

/* What a tunnel port may ask of its kind of bridge.  'ageing' is a Linux
 * vxlan device's: Open vSwitch's tunnel ports learn nothing.  A multicast
 * group as remote_ip (224.0.0.0/4): a Linux vxlan device joins it (flood
 * and learn); Open vSwitch's tunnel ports take only a unicast remote
 * (ovs-vswitchd refuses the interface), and Linux's geneve device refuses
 * a multicast remote; gretap's groups are refused as not supported yet
 * (loader/scenario_support.c). */
static bool
bport_on_bridge(struct ld *ld, const char *pp, const struct cfg_bridge *br,
                const struct cfg_bport *bp)
{
    char kp[JP_LEN], a[16];
    if (br->type == CFG_BR_OVS && bp->ageing) {
        jp_key(kp, pp, "ageing");
        return vh_diag_fail(ld->diag, kp, "'ageing' applies only to a vxlan "
                            "port of a linux-bridge (an Open vSwitch tunnel "
                            "port learns nothing)");
    }
    if (bp->type < CFG_BP_VXLAN || (bp->remote_ip >> 28) != 14) {
        return true;
    }
    jp_key(kp, pp, "remote_ip");
    vh_ipv4_format(bp->remote_ip, a);
    if (br->type == CFG_BR_OVS) {
        return vh_diag_fail(ld->diag, kp, "%s is a multicast group, and an "
                            "Open vSwitch tunnel port takes only a unicast "
                            "remote_ip (ovs-vswitchd refuses a group); for "
                            "a multicast underlay use a vxlan port of a "
                            "linux-bridge", a);
    }
    if (bp->type == CFG_BP_GENEVE) {
        return vh_diag_fail(ld->diag, kp, "%s is a multicast group, and a "
                            "geneve tunnel takes only a unicast remote_ip "
                            "(as Linux's geneve device does); a multicast "
                            "underlay is vxlan's", a);
    }
    return true;
}

bool
ld_bridge_ports(struct ld *ld, const cJSON *ports, const char *path,
                const char *hname, struct cfg_bridge *br)
{
    size_t n = (size_t) cJSON_GetArraySize(ports);
    size_t n_nics = n;
    for (const cJSON *p = ports ? ports->child : NULL; p; p = p->next) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(p, "members");
        n_nics += cJSON_IsArray(m) ? (size_t) cJSON_GetArraySize(m) : 0;
    }
    br->bports = ld_calloc(n, sizeof *br->bports);
    br->ports = ld_calloc(n_nics, sizeof *br->ports);
    size_t i = 0;
    for (const cJSON *p = ports ? ports->child : NULL; p; p = p->next, i++) {
        struct cfg_bport *bp = &br->bports[i];
        char pp[JP_LEN];
        jp_idx(pp, path, i);
        br->n_bports = i + 1;
        bp->jpath = ld_strdup(pp);
        bp->vlan = -1;
        if (cJSON_IsString(p)) {
            bp->name = ld_strdup(p->valuestring);
        } else if (cJSON_IsObject(p)) {
            if (!bport_object(ld, p, pp, hname, bp)
                || !bport_on_bridge(ld, pp, br, bp)) {
                return false;
            }
        } else {
            return vh_diag_fail(ld->diag, pp, "expected a NIC name or a port "
                                "object, got %s", ld_type_name(p));
        }
        for (size_t k = 0; k < i; k++) {
            if (!strcmp(br->bports[k].name, bp->name)) {
                return vh_diag_fail(ld->diag, pp, "port '%s' is listed "
                                    "twice", bp->name);
            }
        }
        if (bp->type == CFG_BP_NIC) {
            br->ports[br->n_ports++] = ld_strdup(bp->name);
        }
        /* A bond's members are host NICs enslaved to the bridge too:
         * they must exist and belong to no other bridge. */
        for (size_t k = 0; k < bp->n_members; k++) {
            br->ports[br->n_ports++] = ld_strdup(bp->members[k]);
        }
    }
    return true;
}

/* An other_config value that is a number, a numeric string (OVS keeps
 * every other_config value as a string), or absent. */
static bool
other_count(struct ld *ld, const cJSON *oc, const char *op, const char *key,
            long long lo, long long hi, long long *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(oc, key);
    char path[JP_LEN];
    if (!v || cJSON_IsNull(v)) {
        return true;
    }
    jp_key(path, op, key);
    double d;
    char *end = NULL;
    if (cJSON_IsNumber(v)) {
        d = v->valuedouble;
    } else if (cJSON_IsString(v)) {
        errno = 0;
        d = strtod(v->valuestring, &end);
        if (end == v->valuestring || *end) {
            return vh_diag_fail(ld->diag, path, "expected a whole number, "
                                "got \"%s\"", v->valuestring);
        }
    } else {
        return vh_diag_fail(ld->diag, path, "expected a whole number, got "
                            "%s", ld_type_name(v));
    }
    if (d != (double) (long long) d || d < (double) lo || d > (double) hi) {
        return vh_diag_fail(ld->diag, path, "%g is out of range %lld..%lld",
                            d, lo, hi);
    }
    *out = (long long) d;
    return true;
}

/* A time: "10s" or OVS's milliseconds as a number or numeric string. */
static bool
other_time(struct ld *ld, const cJSON *oc, const char *op, const char *key,
           vh_time_t min, vh_time_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(oc, key);
    char path[JP_LEN], why[256];
    if (!v || cJSON_IsNull(v)) {
        return true;
    }
    jp_key(path, op, key);
    long long ms = -1;
    if (cJSON_IsString(v) && vh_parse_time(v->valuestring, out, why,
                                           sizeof why) == 0) {
        /* A time with its unit. */
        if (!ld_time_in_range(ld, path, v->valuestring, *out)) {
            return false;
        }
    } else if (!other_count(ld, oc, op, key, 0, 86400000LL, &ms)) {
        ld->diag->failed = false;
        return vh_diag_fail(ld->diag, path, "expected a time such as "
                            "\"10s\", or milliseconds as OVS writes it");
    } else {
        *out = (vh_time_t) ms * VH_MS;
    }
    if (*out < min) {
        return vh_diag_fail(ld->diag, path, "at least %llu ms",
                            (unsigned long long) (min / VH_MS));
    }
    return true;
}

static const char *const other_keys[] = {
    "max-idle", "flow-limit", "emc-insert-inv-prob", "smc-enable",
    "n-handler-threads", "n-revalidator-threads", "max-revalidator",
};

bool
ld_ovs_other(struct ld *ld, const cJSON *o, const char *bp,
             struct cfg_ovs_other *oth)
{
    const cJSON *oc;
    char op[JP_LEN];
    long long limit = VH_DEF_OVS_FLOW_LIMIT, inv = VH_DEF_OVS_EMC_INV_PROB;
    long long nh = 0, nr = 0;
    oth->max_idle = VH_DEF_OVS_MAX_IDLE;
    oth->max_revalidator = VH_DEF_OVS_MAX_REVALIDATOR;
    jp_key(op, bp, "other_config");
    oc = cJSON_GetObjectItemCaseSensitive(o, "other_config");
    if (!oc || cJSON_IsNull(oc)) {
        oth->flow_limit = (uint32_t) limit;
        oth->emc_insert_inv_prob = (uint32_t) inv;
        return true;
    }
    if (!ld_is_object(ld, oc, op)
        || !ld_keys_names(ld, oc, op, "other_config", other_keys,
                          N_NAMES(other_keys))
        || !other_time(ld, oc, op, "max-idle", VH_MS, &oth->max_idle)
        || !other_time(ld, oc, op, "max-revalidator", VH_MS,
                       &oth->max_revalidator)
        || !other_count(ld, oc, op, "flow-limit", 1, 10000000, &limit)
        || !other_count(ld, oc, op, "emc-insert-inv-prob", 0, 4294967295LL,
                        &inv)
        || !other_count(ld, oc, op, "n-handler-threads", 1, 1024, &nh)
        || !other_count(ld, oc, op, "n-revalidator-threads", 1, 1024, &nr)) {
        return false;
    }
    const cJSON *smc = cJSON_GetObjectItemCaseSensitive(oc, "smc-enable");
    if (smc && !cJSON_IsNull(smc)) {
        if (cJSON_IsBool(smc)) {
            oth->smc_enable = cJSON_IsTrue(smc);
        } else if (cJSON_IsString(smc) && (!strcmp(smc->valuestring, "true")
                                           || !strcmp(smc->valuestring,
                                                      "false"))) {
            oth->smc_enable = !strcmp(smc->valuestring, "true");
        } else {
            char path[JP_LEN];
            jp_key(path, op, "smc-enable");
            return vh_diag_fail(ld->diag, path, "expected true or false");
        }
    }
    oth->flow_limit = (uint32_t) limit;
    oth->emc_insert_inv_prob = (uint32_t) inv;
    oth->n_handlers = (int) nh;
    oth->n_revalidators = (int) nr;
    return true;
}

/* --- Mirrors. --- */

static bool
name_list(struct ld *ld, const cJSON *o, const char *op, const char *key,
          char ***out, size_t *n)
{
    const cJSON *a;
    char path[JP_LEN];
    *out = NULL;
    *n = 0;
    if (!ld_array(ld, o, op, key, &a) || !a) {
        return !ld->diag->failed;
    }
    jp_key(path, op, key);
    *out = ld_calloc((size_t) cJSON_GetArraySize(a) + 1, sizeof **out);
    for (const cJSON *e = a->child; e; e = e->next) {
        char ep[JP_LEN];
        jp_idx(ep, path, *n);
        if (!cJSON_IsString(e)) {
            return vh_diag_fail(ld->diag, ep, "expected a port name (a "
                                "string), got %s", ld_type_name(e));
        }
        (*out)[(*n)++] = ld_strdup(e->valuestring);
    }
    return true;
}

static const char *const mirror_keys[] = {
    "name", "select_src_port", "select_dst_port", "select_all",
    "select_vlan", "output_port",
};

static bool
load_mirror(struct ld *ld, const cJSON *o, const char *mp,
            struct cfg_mirror *m)
{
    m->jpath = ld_strdup(mp);
    if (!ld_is_object(ld, o, mp)
        || !ld_keys_names(ld, o, mp, "mirror", mirror_keys,
                          N_NAMES(mirror_keys))
        || !ld_name(ld, o, mp, &m->name)
        || !name_list(ld, o, mp, "select_src_port", &m->select_src,
                      &m->n_select_src)
        || !name_list(ld, o, mp, "select_dst_port", &m->select_dst,
                      &m->n_select_dst)
        || !ld_bool(ld, o, mp, "select_all", &m->select_all)
        || !ld_vlan_list(ld, o, mp, "select_vlan", &m->select_vlan,
                         &m->n_select_vlan)
        || !ld_str(ld, o, mp, "output_port", true, &m->output)) {
        return false;
    }
    if (!m->select_all && !m->n_select_src && !m->n_select_dst
        && !m->n_select_vlan) {
        return vh_diag_fail(ld->diag, mp, "a mirror selects nothing: give "
                            "select_src_port, select_dst_port, select_vlan "
                            "or \"select_all\": true");
    }
    return true;
}

bool
ld_mirrors(struct ld *ld, const cJSON *o, const char *bp,
           struct cfg_bridge *br)
{
    const cJSON *a;
    char path[JP_LEN];
    if (!ld_array(ld, o, bp, "mirrors", &a) || !a) {
        return !ld->diag->failed;
    }
    jp_key(path, bp, "mirrors");
    br->mirrors = ld_calloc((size_t) cJSON_GetArraySize(a) + 1,
                            sizeof *br->mirrors);
    for (const cJSON *e = a->child; e; e = e->next) {
        char mp[JP_LEN];
        jp_idx(mp, path, br->n_mirrors);
        if (!load_mirror(ld, e, mp, &br->mirrors[br->n_mirrors++])) {
            return false;
        }
    }
    return true;
}
