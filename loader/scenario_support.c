/* loader/scenario_support.c: what the scenario contract allows but the
 * simulator cannot run yet.
 *
 * The loader parses and checks all of it into the config structs, so that
 * nothing is silently ignored; this one function then refuses what has no
 * model yet, naming the place.  When a feature gets its model, delete its
 * lines here and nothing else. */
#include "loader/scenario_priv.h"

#include <stdio.h>

static bool
unsupported(struct ld *ld, const char *jpath, const char *key,
            const char *what)
{
    char path[JP_LEN];
    if (key) {
        jp_key(path, jpath, key);
    } else {
        snprintf(path, sizeof path, "%s", jpath);
    }
    return vh_diag_fail(ld->diag, path, "not supported yet: %s", what);
}

bool
ld_check_supported(struct ld *ld)
{
    static const char *const attaches[] = {
        "bridge", "ovs", "nat", "macvtap", "sriov-vf", "passthrough",
    };
    static const char *const sw_modes[] = {
        "802.1q", "vepa", "vntag", "802.1br",
    };
    const struct cfg_scenario *sc = ld->sc;
    char what[128];

    for (size_t i = 0; i < sc->n_hosts; i++) {
        const struct cfg_host *h = &sc->hosts[i];
        for (size_t j = 0; j < h->n_bridges; j++) {
            const struct cfg_bridge *b = &h->bridges[j];
            if (b->type == CFG_BR_OVS && b->datapath == CFG_DP_KERNEL) {
                return unsupported(ld, b->jpath, "datapath",
                                   "Open vSwitch kernel datapath");
            }
            if (b->vlan_filtering) {
                return unsupported(ld, b->jpath, "vlan_filtering", "VLANs");
            }
        }
        for (size_t j = 0; j < h->n_vms; j++) {
            const struct cfg_vm *vm = &h->vms[j];
            for (size_t k = 0; k < vm->n_nics; k++) {
                const struct cfg_vnic *v = &vm->nics[k];
                if (v->attach == CFG_AT_SRIOV_VF
                    || v->attach == CFG_AT_PASSTHROUGH) {
                    /* The guest drives the hardware (models/guest/vf_driver.h):
                     * 'model', 'backend' and 'queues' are not used, and a
                     * VF's port VLAN is set in the NIC (models/hw/sriov.h). */
                    if (v->vlan >= 0 && v->attach == CFG_AT_PASSTHROUGH) {
                        return unsupported(ld, v->jpath, "vlan", "VLANs");
                    }
                    continue;
                }
                if (v->attach != CFG_AT_BRIDGE && v->attach != CFG_AT_NAT
                    && v->attach != CFG_AT_MACVTAP
                    && v->attach != CFG_AT_OVS) {
                    snprintf(what, sizeof what, "attach type '%s'",
                             attaches[v->attach]);
                    return unsupported(ld, v->jpath, "attach", what);
                }
                if (v->vlan >= 0) {
                    return unsupported(ld, v->jpath, "vlan", "VLANs");
                }
            }
        }
        /* No structs for these yet: see struct ld_host_extra. */
        if (ld->hx[i].n_containers) {
            return unsupported(ld, h->jpath, "containers", "containers");
        }
        if (ld->hx[i].n_networks) {
            return unsupported(ld, h->jpath, "networks",
                               "container networks");
        }
    }
    for (size_t i = 0; i < sc->n_switches; i++) {
        const struct cfg_switch *s = &sc->switches[i];
        if (s->mode != CFG_SW_8021Q && s->mode != CFG_SW_VEPA) {
            snprintf(what, sizeof what, "switch mode '%s'",
                     sw_modes[s->mode]);
            return unsupported(ld, s->jpath, "mode", what);
        }
    }
    for (size_t i = 0; i < sc->n_flows; i++) {
        const struct cfg_flow *f = &sc->flows[i];
        if (f->proto == CFG_PROTO_TCP) {
            return unsupported(ld, f->jpath, "proto", "TCP flows");
        }
        if (f->pattern == CFG_PAT_BURST) {
            return unsupported(ld, f->jpath, "pattern",
                               "the burst traffic pattern");
        }
        if (f->pcap) {
            return unsupported(ld, f->jpath, "pcap", "replaying a capture");
        }
    }
    for (size_t i = 0; i < sc->n_events; i++) {
        const struct cfg_event *e = &sc->events[i];
        if (e->action == CFG_EV_SET) {
            return unsupported(ld, e->jpath, "action", "timed 'set' events");
        }
    }
    return true;
}
