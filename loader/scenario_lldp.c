/* loader/scenario_lldp.c: link discovery keys.
 *
 *   "lldp": true     on a host NIC (lldpd runs LLDP on it) or a switch
 *                    (LLDP on every port)
 *   "cdp": true      on a switch (Cisco's CDP on every port)
 *
 * A host NIC's "lldp" is read with its other keys (scenario_hosts.c);
 * the world refuses it on a NIC the host's kernel does not drive
 * (models/hostnet/lldpd.c).  Here, a switch's: only the learning
 * switches (modes 802.1q and vepa) have the control plane that runs
 * them. */
#include "loader/scenario_priv.h"

bool
ld_switch_discovery(struct ld *ld, const cJSON *o, const char *sp,
                    struct cfg_switch *sw)
{
    static const char *const keys[] = { "lldp", "cdp" };
    bool *fields[] = { &sw->lldp, &sw->cdp };
    char path[JP_LEN];
    for (size_t i = 0; i < N_NAMES(keys); i++) {
        if (!ld_bool(ld, o, sp, keys[i], fields[i])) {
            return false;
        }
        if (*fields[i] && sw->mode != CFG_SW_8021Q
            && sw->mode != CFG_SW_VEPA) {
            jp_key(path, sp, keys[i]);
            return vh_diag_fail(ld->diag, path, "not supported yet: %s on "
                                "a switch of mode '%s' (modes 802.1q and "
                                "vepa run it)", i ? "CDP" : "LLDP",
                                cfg_switch_mode_names[sw->mode]);
        }
    }
    return true;
}
