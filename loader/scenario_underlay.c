/* loader/scenario_underlay.c: what a routed underlay needs checked across
 * objects, once every host and switch is loaded: no router interface
 * takes an address that a host, a VM or another router already has (ARP
 * would find two owners, and which answers first would decide where
 * packets go).  A router's own keys are checked as it reads them
 * (models/switch/router_cfg.c). */
#include "loader/scenario_priv.h"

#include <stdio.h>

#include "models/switch/router.h"

/* The path of an address of a host, a VM or a VLAN subinterface equal to
 * 'ip', or NULL. */
static const char *
host_owner(const struct cfg_scenario *sc, uint32_t ip)
{
    for (size_t i = 0; i < sc->n_hosts; i++) {
        const struct cfg_host *h = &sc->hosts[i];
        for (size_t j = 0; j < h->n_nics; j++) {
            const struct cfg_nic *n = &h->nics[j];
            if (n->has_ip && n->ip == ip) {
                return n->jpath;
            }
            for (size_t k = 0; k < n->n_vlans; k++) {
                if (n->vlans[k].ip == ip) {
                    return n->vlans[k].jpath;
                }
            }
        }
        for (size_t v = 0; v < h->n_vms; v++) {
            for (size_t k = 0; k < h->vms[v].n_nics; k++) {
                const struct cfg_vnic *vn = &h->vms[v].nics[k];
                if (vn->ip == ip) {
                    return vn->jpath;
                }
                for (size_t m = 0; m < vn->n_vlans; m++) {
                    if (vn->vlans[m].ip == ip) {
                        return vn->vlans[m].jpath;
                    }
                }
            }
        }
    }
    return NULL;
}

bool
ld_check_underlay(struct ld *ld)
{
    const struct cfg_scenario *sc = ld->sc;
    for (size_t i = 0; i < sc->n_switches; i++) {
        const struct router_cfg *rc = router_cfg_of(&sc->switches[i]);
        for (size_t k = 0; rc && k < rc->n_ifs; k++) {
            char path[JP_LEN], ifp[JP_LEN], a[16], other[JP_LEN];
            uint32_t ip = rc->ifs[k].ip;
            snprintf(ifp, sizeof ifp, "%s.interfaces[%zu]",
                     sc->switches[i].jpath, k);
            jp_key(path, ifp, "ip");
            const char *owner = host_owner(sc, ip);
            for (size_t j = 0; !owner && j < i; j++) {
                const struct router_cfg *o = router_cfg_of(&sc->switches[j]);
                for (size_t m = 0; o && m < o->n_ifs && !owner; m++) {
                    if (o->ifs[m].ip == ip) {
                        snprintf(other, sizeof other, "%s.interfaces[%zu]",
                                 sc->switches[j].jpath, m);
                        owner = other;
                    }
                }
            }
            if (owner) {
                return vh_diag_fail(ld->diag, path, "IP address %s is also "
                                    "used by %s", vh_ipv4_format(ip, a),
                                    owner);
            }
        }
    }
    return true;
}
