/* loader/scenario_portpolicy.c: a port's policy (models/core/portpolicy.h
 * says what each key does): a VM NIC's attach "policy" (an extension),
 * and the same keys on a distributed switch's port group.
 *
 *   "shaping"   {"average", "peak", "burst"}: from the VM (ingress), or
 *               {"ingress": {...}, "egress": {...}}
 *   "security"  {"promiscuous", "mac_changes", "forged_transmits"}
 *   "blocked"   true or false
 *   "acl"       a switch's ACL rules, without "in_port"
 *
 * and a VM NIC's "guest_mac" (an extension): the MAC the guest set on
 * the NIC, which the MAC-changes and forged-transmits settings judge. */
#include "loader/scenario_priv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/portpolicy.h"
#include "sim/frame.h"

const char *const port_policy_keys[PORT_POLICY_N_KEYS] = {
    "shaping", "security", "blocked", "acl",
};

static const char *const shaping_keys[] = { "average", "peak", "burst" };
static const char *const direction_keys[] = { "ingress", "egress" };
static const char *const security_keys[] = {
    "promiscuous", "mac_changes", "forged_transmits",
};

/* vSphere's burst size is set in kilobytes, 102400 of them by default;
 * the scenario counts whole bytes, and this default, 100 KiB, keeps a
 * burst a burst at the rates a lesson shows (at 100 Mbit/s it lasts some
 * 8 ms rather than 8 s). */
#define PORT_DEF_BURST_BYTES 102400
#define PORT_MAX_BURST_BYTES (1LL << 40)

/* One direction's three numbers, object 'o' at 'op'. */
static bool
load_shaping(struct ld *ld, const cJSON *o, const char *op,
             struct port_shaping *s)
{
    char path[JP_LEN];
    long long burst = PORT_DEF_BURST_BYTES;
    if (!ld_is_object(ld, o, op)
        || !ld_keys_names(ld, o, op, "shaping", shaping_keys,
                          N_NAMES(shaping_keys))) {
        return false;
    }
    if (ld_absent_or_null(o, "average")) {
        return vh_diag_fail(ld->diag, op, "missing required key 'average' "
                            "(the bandwidth allowed over time, such as "
                            "\"100Mbps\")");
    }
    s->average_bps = 0;
    if (!ld_speed(ld, o, op, "average", &s->average_bps)) {
        return false;
    }
    s->peak_bps = s->average_bps;
    if (!ld_speed(ld, o, op, "peak", &s->peak_bps)
        || !ld_int(ld, o, op, "burst", false, 1, PORT_MAX_BURST_BYTES,
                   "bytes", &burst)) {
        return false;
    }
    if (s->peak_bps < s->average_bps) {
        jp_key(path, op, "peak");
        return vh_diag_fail(ld->diag, path, "peak %" PRIu64 " bit/s is "
                            "below average %" PRIu64 " bit/s (the peak is "
                            "the most a port may send while it spends its "
                            "burst, never less than the average)",
                            s->peak_bps, s->average_bps);
    }
    s->burst_bytes = (uint64_t) burst;
    s->enabled = true;
    return true;
}

/* "shaping": one direction's keys (ingress), or "ingress" and "egress". */
static bool
load_shaping_key(struct ld *ld, const cJSON *obj, const char *op,
                 struct port_policy *pol)
{
    char sp[JP_LEN], dp[JP_LEN];
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(obj, "shaping");
    if (!o || cJSON_IsNull(o)) {
        return true;
    }
    jp_key(sp, op, "shaping");
    if (!ld_is_object(ld, o, sp)) {
        return false;
    }
    bool by_direction = false, flat = false;
    for (const cJSON *k = o->child; k; k = k->next) {
        bool dir = false;
        for (size_t i = 0; i < N_NAMES(direction_keys); i++) {
            dir |= !strcmp(k->string, direction_keys[i]);
        }
        by_direction |= dir;
        flat |= !dir;
    }
    if (!by_direction) {
        return load_shaping(ld, o, sp, &pol->ingress);
    }
    if (flat) {
        return vh_diag_fail(ld->diag, sp, "give either \"average\", "
                            "\"peak\" and \"burst\" (traffic from the VM) "
                            "or \"ingress\" and \"egress\", not both");
    }
    const cJSON *in = cJSON_GetObjectItemCaseSensitive(o, "ingress");
    const cJSON *out = cJSON_GetObjectItemCaseSensitive(o, "egress");
    if (in && !cJSON_IsNull(in)) {
        jp_key(dp, sp, "ingress");
        if (!load_shaping(ld, in, dp, &pol->ingress)) {
            return false;
        }
    }
    if (out && !cJSON_IsNull(out)) {
        jp_key(dp, sp, "egress");
        if (!load_shaping(ld, out, dp, &pol->egress)) {
            return false;
        }
    }
    return true;
}

static bool
load_security(struct ld *ld, const cJSON *obj, const char *op,
              struct port_policy *pol)
{
    char sp[JP_LEN];
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(obj, "security");
    if (!o || cJSON_IsNull(o)) {
        return true;
    }
    jp_key(sp, op, "security");
    return ld_is_object(ld, o, sp)
           && ld_keys_names(ld, o, sp, "security", security_keys,
                            N_NAMES(security_keys))
           && ld_bool(ld, o, sp, "promiscuous", &pol->promiscuous)
           && ld_bool(ld, o, sp, "mac_changes", &pol->mac_changes)
           && ld_bool(ld, o, sp, "forged_transmits", &pol->forged_transmits);
}

bool
ld_port_policy(struct ld *ld, const cJSON *obj, const char *op,
               struct port_policy *pol)
{
    return load_shaping_key(ld, obj, op, pol)
           && load_security(ld, obj, op, pol)
           && ld_bool(ld, obj, op, "blocked", &pol->blocked)
           && ld_acl_rules(ld, obj, op, 0, &pol->acl, &pol->n_acl);
}

bool
ld_guest_mac(struct ld *ld, const cJSON *o, const char *vp,
             struct cfg_vnic *vn)
{
    char path[JP_LEN];
    char *s = NULL;
    if (!ld_str(ld, o, vp, "guest_mac", false, &s)) {
        return false;
    }
    if (!s) {
        return true;
    }
    jp_key(path, vp, "guest_mac");
    struct vh_mac m;
    if (!vh_mac_parse(s, &m)) {
        vh_diag_fail(ld->diag, path, "malformed MAC address '%s' (expected "
                     "six two-digit hex groups such as "
                     "\"52:54:00:00:00:01\")", s);
    } else if (vh_mac_is_multicast(&m)
               || !(m.b[0] | m.b[1] | m.b[2] | m.b[3] | m.b[4] | m.b[5])) {
        vh_diag_fail(ld->diag, path, "MAC address '%s' cannot be a NIC's "
                     "own (it is multicast or all zeros)", s);
    } else if (vn->attach != CFG_AT_BRIDGE && vn->attach != CFG_AT_OVS) {
        /* A VF or macvtap filters on the MAC the host gave it: that the
         * guest changes it there is not modelled. */
        vh_diag_fail(ld->diag, path, "not supported yet: a guest's own MAC "
                     "on attach type '%s' (only 'bridge' and 'ovs')",
                     cfg_attach_names[vn->attach]);
    }
    free(s);
    if (ld->diag->failed) {
        return false;
    }
    vn->guest_mac = m;
    vn->has_guest_mac = true;
    return true;
}
