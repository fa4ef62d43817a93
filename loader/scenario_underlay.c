/* loader/scenario_underlay.c: what a routed underlay needs checked across
 * objects, once every host and switch is loaded: no router interface
 * takes an address that a host, a VM or another router already has, IPv4
 * or IPv6 (ARP or neighbour discovery would find two owners, and which
 * answers first would decide where packets go).  A router's own keys
 * are checked as it reads them (models/switch/router_cfg.c). */
#include "loader/scenario_priv.h"

#include <stdio.h>
#include <string.h>

#include "models/switch/router.h"
#include "sim/ip6.h"

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

/* The path of a host's or a VM's NIC whose "ip6" is 'ip6', or NULL.
 * (The loader takes "ip6" on those alone.) */
static const char *
host_owner6(const struct cfg_scenario *sc, const struct vh_ip6 *ip6)
{
    for (size_t i = 0; i < sc->n_hosts; i++) {
        const struct cfg_host *h = &sc->hosts[i];
        for (size_t j = 0; j < h->n_nics; j++) {
            if (h->nics[j].ip6.given && vh_ip6_eq(&h->nics[j].ip6.addr, ip6)) {
                return h->nics[j].jpath;
            }
        }
        for (size_t v = 0; v < h->n_vms; v++) {
            for (size_t k = 0; k < h->vms[v].n_nics; k++) {
                const struct cfg_vnic *vn = &h->vms[v].nics[k];
                if (vn->ip6.given && vh_ip6_eq(&vn->ip6.addr, ip6)) {
                    return vn->jpath;
                }
            }
        }
    }
    return NULL;
}

/* Refuses interface 'k' of router 'i' when its "ip6" is a host's or an
 * earlier router interface's. */
static bool
check_if6(struct ld *ld, size_t i, size_t k)
{
    const struct cfg_scenario *sc = ld->sc;
    const struct router_if_cfg *rif = &router_cfg_of(&sc->switches[i])->ifs[k];
    if (!rif->has_ip6) {
        return true;
    }
    struct vh_ip6 ip6;
    memcpy(ip6.b, rif->ip6, sizeof ip6.b);
    char path[JP_LEN], ifp[JP_LEN], other[JP_LEN], text[VH_IP6_STRLEN];
    const char *owner = host_owner6(sc, &ip6);
    for (size_t j = 0; !owner && j <= i; j++) {
        const struct router_cfg *o = router_cfg_of(&sc->switches[j]);
        size_t end = j < i ? (o ? o->n_ifs : 0) : k;
        for (size_t m = 0; m < end && !owner; m++) {
            if (o->ifs[m].has_ip6 && !memcmp(o->ifs[m].ip6, ip6.b, 16)) {
                snprintf(other, sizeof other, "%s.interfaces[%zu]",
                         sc->switches[j].jpath, m);
                owner = other;
            }
        }
    }
    if (!owner) {
        return true;
    }
    snprintf(ifp, sizeof ifp, "%s.interfaces[%zu]", sc->switches[i].jpath, k);
    jp_key(path, ifp, "ip6");
    return vh_diag_fail(ld->diag, path, "IPv6 address %s is also used by %s",
                        vh_ip6_format(&ip6, text), owner);
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
            if (!check_if6(ld, i, k)) {
                return false;
            }
        }
    }
    return true;
}
