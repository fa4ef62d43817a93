/* loader/scenario_vepa.c: a switch's per-port VEPA settings.
 *
 *   vdp                true: every port forwards a VM's frames only once
 *                      the VM's VSI is associated there (VDP, 802.1Qbg);
 *                      false (the default): none does.  An extension: a
 *                      list of ports, "p1" or 1, for only those (a port
 *                      toward a bare-metal server has no VDP station, and
 *                      would drop everything it sent)
 *   reflective_relay   (extension) true: every port is a reflective relay,
 *                      sending back out what came in by it; false: none
 *                      is; or a list of ports.  Default: every port on
 *                      "vepa", none on "802.1q"
 *   static_lag         (extension) a list of ports aggregated without LACP
 *                      (Cisco's "channel-group N mode on"), as a Linux
 *                      bond in balance-xor needs of its switch: one
 *                      address table entry for the group, a flooded frame
 *                      sent by one member and never back into the group
 *
 * All three belong to the switches that l2switch builds ("802.1q" and "vepa");
 * the other modes refuse them by path.  The switch must have read
 * "mode" and "ports" first. */
#include "loader/scenario_priv.h"

#include <stdio.h>
#include <stdlib.h>

/* Reads 'key' of switch 'o' into a per-port array '*out' (left NULL when
 * the key is absent). */
static bool
port_set(struct ld *ld, const cJSON *o, const char *sp, const char *key,
         const struct cfg_switch *sw, bool **out)
{
    char path[JP_LEN];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v || cJSON_IsNull(v)) {
        return true;
    }
    jp_key(path, sp, key);
    if (sw->mode != CFG_SW_8021Q && sw->mode != CFG_SW_VEPA) {
        return vh_diag_fail(ld->diag, path, "'%s' applies only to switches "
                            "of mode 802.1q or vepa, not '%s'", key,
                            cfg_switch_mode_names[sw->mode]);
    }
    if (!cJSON_IsBool(v) && !cJSON_IsArray(v)) {
        return vh_diag_fail(ld->diag, path, "expected true, false or a list "
                            "of ports such as [\"p1\", \"p2\"], got %s",
                            ld_type_name(v));
    }
    bool *on = ld_calloc((size_t) sw->ports, sizeof *on);
    *out = on;
    if (cJSON_IsBool(v)) {
        for (int i = 0; i < sw->ports; i++) {
            on[i] = cJSON_IsTrue(v);
        }
        return true;
    }
    size_t i = 0;
    for (const cJSON *e = v->child; e; e = e->next, i++) {
        char ep[JP_LEN];
        int n;
        jp_idx(ep, path, i);
        if (!ld_switch_port(ld, e, ep, sw->ports, &n)) {
            return false;
        }
        if (on[n - 1]) {
            return vh_diag_fail(ld->diag, ep, "port p%d is listed twice", n);
        }
        on[n - 1] = true;
    }
    return true;
}

bool
ld_vepa(struct ld *ld, const cJSON *o, const char *sp, struct cfg_switch *sw)
{
    if (!port_set(ld, o, sp, "reflective_relay", sw, &sw->relay)
        || !port_set(ld, o, sp, "vdp", sw, &sw->vdp)
        || !port_set(ld, o, sp, "static_lag", sw, &sw->static_lag)) {
        return false;
    }
    /* No port with VDP is a switch without it. */
    bool any = false;
    for (int i = 0; sw->vdp && i < sw->ports; i++) {
        any |= sw->vdp[i];
    }
    if (!any) {
        free(sw->vdp);
        sw->vdp = NULL;
    }
    return true;
}
