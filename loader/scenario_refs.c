/* loader/scenario_refs.c: checks what no single object can check alone:
 * unique names and addresses, cables, bridge ports and what each VM NIC is
 * attached to. */
#include "loader/scenario_priv.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/hw/vic.h"
#include "sim/frame.h"
#include "sim/hash.h"
#include "sim/ip6.h"

/* ---- Names. ---- */

/* One name in a namespace, with where it was defined. */
struct named {
    const char *name;
    const char *jpath;
    const char *what;
};

/* The names defined so far in one namespace, found by a hash: a host of
 * 4,096 VMs, or a scenario of 4,096 flows, compared each name with every
 * earlier one, 8 million comparisons each. */
struct namespace {
    struct named *items;        /* In the order they were defined. */
    size_t n;
    uint32_t *index;            /* Open addressing: item + 1, 0 empty. */
    size_t mask;                /* Slots less one (a power of two). */
};

static void
ns_init(struct namespace *ns, size_t cap)
{
    size_t slots = 16;
    while (slots < 2 * cap) {
        slots *= 2;
    }
    ns->items = ld_calloc(cap ? cap : 1, sizeof *ns->items);
    ns->n = 0;
    ns->index = ld_calloc(slots, sizeof *ns->index);
    ns->mask = slots - 1;
}

static void
ns_free(struct namespace *ns)
{
    free(ns->items);
    free(ns->index);
}

/* Adds 'n' to the namespace, or fails, saying where the name was first
 * defined, if it is there already. */
static bool
ns_add(struct ld *ld, struct namespace *ns, const struct named *n,
       const char *scope)
{
    size_t i = vh_hash_str(n->name) & ns->mask;
    for (; ns->index[i]; i = (i + 1) & ns->mask) {
        const struct named *seen = &ns->items[ns->index[i] - 1];
        if (strcmp(seen->name, n->name)) {
            continue;
        }
        char path[JP_LEN];
        jp_key(path, n->jpath, "name");
        if (!strcmp(seen->what, n->what)) {
            return vh_diag_fail(ld->diag, path, "duplicate %s name '%s' "
                                "(also %s)", n->what, n->name, seen->jpath);
        }
        return vh_diag_fail(ld->diag, path, "%s name '%s' is also the name "
                            "of %s %s; %s", n->what, n->name, seen->what,
                            seen->jpath, scope);
    }
    ns->items[ns->n++] = *n;
    ns->index[i] = (uint32_t) ns->n;
    return true;
}

static bool
check_names(struct ld *ld)
{
    const struct cfg_scenario *sc = ld->sc;
    struct namespace top;
    ns_init(&top, sc->n_hosts + sc->n_switches + sc->n_flows);
    bool ok = true;
    static const char top_scope[] = "hosts, switches and flows share one "
                                    "namespace, since paths start with "
                                    "their names";
    static const char host_scope[] = "a host's NICs, bridges, VMs and "
                                     "tunnel ports must have different "
                                     "names (paths such as \"host1/eth0\" "
                                     "name any of them)";

    for (size_t i = 0; ok && i < sc->n_hosts; i++) {
        const struct cfg_host *h = &sc->hosts[i];
        struct named n = { h->name, h->jpath, "host" };
        ok = ns_add(ld, &top, &n, top_scope);
    }
    for (size_t i = 0; ok && i < sc->n_switches; i++) {
        const struct cfg_switch *s = &sc->switches[i];
        struct named n = { s->name, s->jpath, "switch" };
        ok = ns_add(ld, &top, &n, top_scope);
    }
    for (size_t i = 0; ok && i < sc->n_flows; i++) {
        const struct cfg_flow *f = &sc->flows[i];
        struct named n = { f->name, f->jpath, "flow" };
        ok = ns_add(ld, &top, &n, top_scope);
    }
    ns_free(&top);

    for (size_t i = 0; ok && i < sc->n_hosts; i++) {
        const struct cfg_host *h = &sc->hosts[i];
        size_t n_tunnels = 0;
        for (size_t j = 0; j < h->n_bridges; j++) {
            n_tunnels += h->bridges[j].n_bports;
        }
        struct namespace in;
        ns_init(&in, h->n_nics + h->n_bridges + h->n_vms + n_tunnels);
        for (size_t j = 0; ok && j < h->n_nics; j++) {
            struct named n = { h->nics[j].name, h->nics[j].jpath, "NIC" };
            ok = ns_add(ld, &in, &n, host_scope);
        }
        for (size_t j = 0; ok && j < h->n_bridges; j++) {
            struct named n = { h->bridges[j].name, h->bridges[j].jpath,
                               "bridge" };
            ok = ns_add(ld, &in, &n, host_scope);
        }
        /* A tunnel port is a device of the host's ("host1/vx0"). */
        for (size_t j = 0; ok && j < h->n_bridges; j++) {
            const struct cfg_bridge *b = &h->bridges[j];
            for (size_t m = 0; ok && m < b->n_bports; m++) {
                if (b->bports[m].type < CFG_BP_VXLAN) {
                    continue;
                }
                struct named n = { b->bports[m].name, b->bports[m].jpath,
                                   "tunnel port" };
                ok = ns_add(ld, &in, &n, host_scope);
            }
        }
        for (size_t j = 0; ok && j < h->n_vms; j++) {
            const struct cfg_vm *vm = &h->vms[j];
            struct named n = { vm->name, vm->jpath, "VM" };
            ok = ns_add(ld, &in, &n, host_scope);

            struct namespace vn;
            ns_init(&vn, vm->n_nics);
            for (size_t m = 0; ok && m < vm->n_nics; m++) {
                struct named x = { vm->nics[m].name, vm->nics[m].jpath,
                                   "VM NIC" };
                ok = ns_add(ld, &vn, &x, "");
            }
            ns_free(&vn);
        }
        ns_free(&in);
    }
    return ok;
}

/* ---- Addresses. ---- */

struct addr_use {
    const char *jpath;          /* The NIC's path. */
    bool given;                 /* Written in the file (else derived). */
    bool shares_mac;            /* A VLAN subinterface: its NIC's MAC. */
    const struct cfg_ip6 *ip6;  /* Its "ip6", or NULL. */
};

static bool
check_addresses(struct ld *ld)
{
    const struct cfg_scenario *sc = ld->sc;
    size_t n = 0;
    for (size_t i = 0; i < sc->n_hosts; i++) {
        n += sc->hosts[i].n_nics;
        for (size_t j = 0; j < sc->hosts[i].n_nics; j++) {
            n += sc->hosts[i].nics[j].n_vlans;
        }
        for (size_t j = 0; j < sc->hosts[i].n_bridges; j++) {
            n += sc->hosts[i].bridges[j].n_bports;
        }
        for (size_t j = 0; j < sc->hosts[i].n_vms; j++) {
            n += sc->hosts[i].vms[j].n_nics;
            for (size_t m = 0; m < sc->hosts[i].vms[j].n_nics; m++) {
                n += sc->hosts[i].vms[j].nics[m].n_vlans;
            }
        }
    }

    /* Gather every NIC's MAC and IP, then compare each with the earlier
     * ones: quadratic, but comparing numbers, and 4 % of 'vhsim check'
     * even for 4,096 guests. */
    struct vh_mac *macs = ld_calloc(n, sizeof *macs);
    uint32_t *ips = ld_calloc(n, sizeof *ips);
    bool *has_ip = ld_calloc(n, sizeof *has_ip);
    struct addr_use *use = ld_calloc(n, sizeof *use);
    size_t k = 0;
    for (size_t i = 0; i < sc->n_hosts; i++) {
        const struct cfg_host *h = &sc->hosts[i];
        for (size_t j = 0; j < h->n_nics; j++, k++) {
            macs[k] = h->nics[j].mac;
            ips[k] = h->nics[j].ip;
            has_ip[k] = h->nics[j].has_ip;
            use[k].jpath = h->nics[j].jpath;
            use[k].given = h->nics[j].has_mac;
            use[k].ip6 = &h->nics[j].ip6;
            /* A VLAN subinterface has its NIC's MAC, and an address of
             * its own. */
            for (size_t v = 0; v < h->nics[j].n_vlans; v++) {
                k++;
                ips[k] = h->nics[j].vlans[v].ip;
                has_ip[k] = true;
                use[k].jpath = h->nics[j].vlans[v].jpath;
                use[k].shares_mac = true;
            }
        }
        /* An OVS internal port is one of the host's interfaces, with a
         * MAC and an address of its own. */
        for (size_t j = 0; j < h->n_bridges; j++) {
            const struct cfg_bridge *br = &h->bridges[j];
            for (size_t m = 0; m < br->n_bports; m++) {
                const struct cfg_bport *bp = &br->bports[m];
                if (bp->type != CFG_BP_INTERNAL) {
                    continue;
                }
                macs[k] = bp->mac;
                ips[k] = bp->ip;
                has_ip[k] = bp->has_ip;
                use[k].jpath = bp->jpath;
                use[k].given = true;
                k++;
            }
        }
        for (size_t j = 0; j < h->n_vms; j++) {
            const struct cfg_vm *vm = &h->vms[j];
            for (size_t m = 0; m < vm->n_nics; m++, k++) {
                macs[k] = vm->nics[m].mac;
                ips[k] = vm->nics[m].ip;
                has_ip[k] = true;
                use[k].jpath = vm->nics[m].jpath;
                use[k].given = vm->nics[m].has_mac;
                use[k].ip6 = &vm->nics[m].ip6;
                for (size_t v = 0; v < vm->nics[m].n_vlans; v++) {
                    k++;
                    ips[k] = vm->nics[m].vlans[v].ip;
                    has_ip[k] = true;
                    use[k].jpath = vm->nics[m].vlans[v].jpath;
                    use[k].shares_mac = true;
                }
            }
        }
    }

    n = k;                      /* Internal ports among the bridges'. */
    bool ok = true;
    for (size_t a = 0; ok && a < n; a++) {
        for (size_t b = 0; ok && b < a; b++) {
            char path[JP_LEN], text[20];
            if (!use[a].shares_mac && !use[b].shares_mac
                && vh_mac_eq(&macs[a], &macs[b])) {
                jp_key(path, use[a].jpath, "mac");
                ok = vh_diag_fail(ld->diag, path, "MAC address %s is also "
                                  "used by %s%s",
                                  vh_mac_format(&macs[a], text),
                                  use[b].jpath, use[a].given && use[b].given
                                  ? "" : " (a NIC without \"mac\" gets one "
                                  "derived from its path; give one)");
            } else if (has_ip[a] && has_ip[b] && ips[a] == ips[b]) {
                jp_key(path, use[a].jpath, "ip");
                ok = vh_diag_fail(ld->diag, path, "IP address %s is also "
                                  "used by %s",
                                  vh_ipv4_format(ips[a], text),
                                  use[b].jpath);
            } else if (use[a].ip6 && use[a].ip6->given && use[b].ip6
                       && use[b].ip6->given
                       && vh_ip6_eq(&use[a].ip6->addr, &use[b].ip6->addr)) {
                /* Two stacks would both answer its neighbour
                 * solicitations, and each take the other's packets. */
                char text6[VH_IP6_STRLEN];
                jp_key(path, use[a].jpath, "ip6");
                ok = vh_diag_fail(ld->diag, path, "IPv6 address %s is also "
                                  "used by %s",
                                  vh_ip6_format(&use[a].ip6->addr, text6),
                                  use[b].jpath);
            }
        }
    }
    free(macs);
    free(ips);
    free(has_ip);
    free(use);
    return ok;
}

/* ---- Cables. ---- */

static struct cfg_nic *
find_nic(const struct cfg_host *h, const char *name)
{
    for (size_t i = 0; i < h->n_nics; i++) {
        if (!strcmp(h->nics[i].name, name)) {
            return &h->nics[i];
        }
    }
    return NULL;
}

/* One end of a cable: a switch port "sw/pN" or "fex1/uplink", or a NIC
 * "host/nic", and what put the cable there ("the link of host1/eth0"). */
struct cable_end {
    char end[JP_LEN];
    char by[JP_LEN + 32];
};

/* Records the cable between 'pair[0]' and 'pair[1]', put there by 'by',
 * at 'ends[*k]'; fails at 'path' if either end already has one. */
static bool
add_cable(struct ld *ld, struct cable_end *ends, size_t *k,
          const char *const pair[2], const char *by, const char *path)
{
    for (int e = 0; e < 2; e++) {
        for (size_t m = 0; m < *k; m++) {
            if (!strcmp(ends[m].end, pair[e])) {
                return vh_diag_fail(ld->diag, path, "'%s' is already "
                                    "cabled (by %s); a port takes one "
                                    "cable", pair[e], ends[m].by);
            }
        }
    }
    for (int e = 0; e < 2; e++) {
        snprintf(ends[*k].end, sizeof ends[*k].end, "%s", pair[e]);
        snprintf(ends[*k].by, sizeof ends[*k].by, "%s", by);
        (*k)++;
    }
    return true;
}

/* A port extender's "uplink": a port of a controlling bridge of its
 * kind (a fex's of a vntag switch, a pe's of an 802.1br one). */
static bool
check_uplink(struct ld *ld, const struct cfg_switch *sw,
             struct cable_end *ends, size_t *k)
{
    const struct cfg_scenario *sc = ld->sc;
    enum cfg_switch_mode parent = sw->mode == CFG_SW_PE ? CFG_SW_8021BR
                                                        : CFG_SW_VNTAG;
    char path[JP_LEN], why[512], self[JP_LEN], by[JP_LEN + 32];
    struct ref r;
    jp_key(path, sw->jpath, "uplink");
    if (!ld_resolve(sc, sw->uplink, &r, why, sizeof why)) {
        return vh_diag_fail(ld->diag, path, "%s", why);
    }
    if (r.kind != REF_PORT) {
        return vh_diag_fail(ld->diag, path, "'%s' is a %s; an uplink goes "
                            "to a port of a controlling bridge (\"n5k/p8\")",
                            sw->uplink, ld_ref_what(r.kind));
    }
    if (r.sw == sw) {
        return vh_diag_fail(ld->diag, path, "'%s' is a port of '%s' "
                            "itself; its uplink goes to its controlling "
                            "bridge", sw->uplink, sw->name);
    }
    if (r.sw->mode != parent) {
        return vh_diag_fail(ld->diag, path, "'%s' is a port of switch '%s' "
                            "of mode %s; the uplink of a %s goes to a port "
                            "of a switch of mode %s", sw->uplink,
                            r.sw->name, cfg_switch_mode_names[r.sw->mode],
                            cfg_switch_mode_names[sw->mode],
                            cfg_switch_mode_names[parent]);
    }
    snprintf(self, sizeof self, "%s/uplink", sw->name);
    snprintf(by, sizeof by, "the uplink of %s", sw->name);
    const char *pair[2] = { self, sw->uplink };
    return add_cable(ld, ends, k, pair, by, path);
}

/* Whether switch 'sw' names port 'port' of switch 'of' in its
 * "links" as the far end of its port 'from'. */
static bool
links_back(const struct cfg_switch *sw, int from, const struct cfg_switch *of,
           int port)
{
    char want[JP_LEN];
    snprintf(want, sizeof want, "%s/p%d", of->name, port);
    for (size_t k = 0; k < sw->n_links; k++) {
        if (sw->links[k].port == from && !strcmp(sw->links[k].to, want)) {
            return true;
        }
    }
    return false;
}

/* A switch's "links": each to a port of another switch. */
static bool
check_switch_links(struct ld *ld, const struct cfg_switch *sw,
                   struct cable_end *ends, size_t *k)
{
    const struct cfg_scenario *sc = ld->sc;
    for (size_t i = 0; i < sw->n_links; i++) {
        const struct cfg_swlink *l = &sw->links[i];
        char path[JP_LEN], lp[JP_LEN], why[512], self[JP_LEN];
        char by[JP_LEN + 32], port[16];
        struct ref r;
        jp_key(lp, sw->jpath, "links");
        snprintf(port, sizeof port, "p%d", l->port);
        jp_key(path, lp, port);
        if (!ld_resolve(sc, l->to, &r, why, sizeof why)) {
            return vh_diag_fail(ld->diag, path, "%s", why);
        }
        if (r.kind != REF_PORT || r.port > r.sw->ports) {
            return vh_diag_fail(ld->diag, path, "'%s' is a %s; a switch's "
                                "\"links\" go to other switches' ports "
                                "(\"spine1/p1\"); a host's NIC names its "
                                "switch port with its own \"link\"", l->to,
                                r.kind == REF_PORT ? "port extender's "
                                "uplink, which its \"uplink\" cables"
                                : ld_ref_what(r.kind));
        }
        if (r.sw == sw) {
            return vh_diag_fail(ld->diag, path, "'%s' is a port of '%s' "
                                "itself; a cable between two ports of one "
                                "switch would loop", l->to, sw->name);
        }
        /* Both switches naming each other: one cable, counted where it
         * comes first in the file. */
        if (links_back(r.sw, r.port, sw, l->port) && r.sw < sw) {
            continue;
        }
        snprintf(self, sizeof self, "%s/p%d", sw->name, l->port);
        snprintf(by, sizeof by, "the links of %s", sw->name);
        const char *pair[2] = { self, l->to };
        if (!add_cable(ld, ends, k, pair, by, path)) {
            return false;
        }
    }
    return true;
}

static bool
check_links(struct ld *ld)
{
    const struct cfg_scenario *sc = ld->sc;
    size_t n = sc->n_switches;
    for (size_t i = 0; i < sc->n_hosts; i++) {
        n += sc->hosts[i].n_nics;
    }
    for (size_t i = 0; i < sc->n_switches; i++) {
        n += sc->switches[i].n_links;
    }
    struct cable_end *ends = ld_calloc(2 * n + 1, sizeof *ends);
    size_t k = 0;
    bool ok = true;

    /* Uplinks first: a NIC's link to a port one takes is the mistake. */
    for (size_t i = 0; ok && i < sc->n_switches; i++) {
        if (sc->switches[i].uplink) {
            ok = check_uplink(ld, &sc->switches[i], ends, &k);
        }
    }
    for (size_t i = 0; ok && i < sc->n_switches; i++) {
        ok = check_switch_links(ld, &sc->switches[i], ends, &k);
    }
    for (size_t i = 0; ok && i < sc->n_hosts; i++) {
        const struct cfg_host *h = &sc->hosts[i];
        for (size_t j = 0; ok && j < h->n_nics; j++) {
            const struct cfg_nic *nic = &h->nics[j];
            char path[JP_LEN], why[512], self[JP_LEN], by[JP_LEN + 32];
            struct ref r;
            if (!nic->link) {
                continue;
            }
            jp_key(path, nic->jpath, "link");
            snprintf(self, sizeof self, "%s/%s", h->name, nic->name);
            if (!ld_resolve(sc, nic->link, &r, why, sizeof why)) {
                ok = vh_diag_fail(ld->diag, path, "%s", why);
                break;
            }
            if (r.kind != REF_PORT && r.kind != REF_NIC) {
                ok = vh_diag_fail(ld->diag, path, "'%s' is a %s; a cable "
                                  "goes to a switch port (\"tor1/p1\") or "
                                  "another host's NIC (\"host2/eth0\")",
                                  nic->link, ld_ref_what(r.kind));
                break;
            }
            if (r.kind == REF_NIC && r.nic == nic) {
                ok = vh_diag_fail(ld->diag, path, "a NIC cannot be cabled "
                                  "to itself");
                break;
            }
            /* Two NICs naming each other describe one cable: count it once,
             * at whichever comes first in the file. */
            if (r.kind == REF_NIC && r.nic->link
                && !strcmp(r.nic->link, self)
                && (r.host < h || (r.host == h && r.nic < nic))) {
                continue;
            }
            snprintf(by, sizeof by, "the link of %s", self);
            const char *pair[2] = { self, nic->link };
            ok = add_cable(ld, ends, &k, pair, by, path);
        }
    }
    free(ends);
    return ok;
}

/* ---- Bridges and attachments. ---- */

static void
nic_names(const struct cfg_host *h, const char **names)
{
    for (size_t i = 0; i < h->n_nics; i++) {
        names[i] = h->nics[i].name;
    }
}

/* "host 'host1' has no NIC 'eht0'; did you mean 'eth0'?" */
static bool
no_such_nic(struct ld *ld, const char *path, const struct cfg_host *h,
            const char *name)
{
    const char **names = ld_calloc(h->n_nics, sizeof *names);
    char list[512];
    nic_names(h, names);
    const char *guess = vh_suggest(name, names, h->n_nics);
    vh_join(names, h->n_nics, list, sizeof list);
    if (guess) {
        vh_diag_fail(ld->diag, path, "host '%s' has no NIC '%s'; did you "
                     "mean '%s'?", h->name, name, guess);
    } else if (h->n_nics) {
        vh_diag_fail(ld->diag, path, "host '%s' has no NIC '%s' (its NICs: "
                     "%s)", h->name, name, list);
    } else {
        vh_diag_fail(ld->diag, path, "host '%s' has no NIC '%s' (it has no "
                     "NICs)", h->name, name);
    }
    free(names);
    return false;
}

/* The bridge a NIC is a port of, or NULL. */
static const struct cfg_bridge *
bridge_of(const struct cfg_host *h, const char *nic)
{
    for (size_t b = 0; b < h->n_bridges; b++) {
        for (size_t p = 0; p < h->bridges[b].n_ports; p++) {
            if (!strcmp(h->bridges[b].ports[p], nic)) {
                return &h->bridges[b];
            }
        }
    }
    return NULL;
}


/* Private VLANs on a bridge's own ports: a Linux bridge needs VLAN
 * filtering for them, and only a Linux bridge isolates ports. */
static bool
check_bridge_pvlan(struct ld *ld, const struct cfg_bridge *br)
{
    for (size_t k = 0; k < br->n_bports; k++) {
        const struct cfg_bport *bp = &br->bports[k];
        char kp[JP_LEN];
        if (bp->isolated && br->type != CFG_BR_LINUX) {
            jp_key(kp, bp->jpath, "isolated");
            return vh_diag_fail(ld->diag, kp, "port isolation is a Linux "
                                "bridge's; on Open vSwitch give the port "
                                "a private VLAN ('pvlan')");
        }
        if (bp->pvlan.type != CFG_PVLAN_NONE && br->type == CFG_BR_LINUX
            && !br->vlan_filtering) {
            jp_key(kp, bp->jpath, "pvlan");
            return vh_diag_fail(ld->diag, kp, "a private VLAN needs "
                                "\"vlan_filtering\": true on bridge '%s' "
                                "(its ports are access ports of the private "
                                "VLAN's VLANs)", br->name);
        }
    }
    return true;
}

static bool
check_bridges(struct ld *ld, const struct cfg_host *h)
{
    for (size_t b = 0; b < h->n_bridges; b++) {
        const struct cfg_bridge *br = &h->bridges[b];
        for (size_t p = 0; p < br->n_ports; p++) {
            char pp[JP_LEN], ports[JP_LEN];
            jp_key(ports, br->jpath, "ports");
            jp_idx(pp, ports, p);
            if (!find_nic(h, br->ports[p])) {
                return no_such_nic(ld, pp, h, br->ports[p]);
            }
            for (size_t q = 0; q < p; q++) {
                if (!strcmp(br->ports[q], br->ports[p])) {
                    return vh_diag_fail(ld->diag, pp, "'%s' is listed "
                                        "twice", br->ports[p]);
                }
            }
            const struct cfg_bridge *other = bridge_of(h, br->ports[p]);
            if (other != br) {
                return vh_diag_fail(ld->diag, pp, "NIC '%s' is already a "
                                    "port of bridge '%s'; a NIC can be in "
                                    "one bridge only", br->ports[p],
                                    other->name);
            }
        }
        /* A Linux bridge applies its ports' VLANs only with filtering
         * on; without it, it passes every frame as it is. */
        for (size_t k = 0; br->type == CFG_BR_LINUX && !br->vlan_filtering
                           && k < br->n_bports; k++) {
            const struct cfg_bport *bp = &br->bports[k];
            char kp[JP_LEN];
            if (bp->vlan < 0 && !bp->n_trunks) {
                continue;
            }
            jp_key(kp, bp->jpath, bp->n_trunks ? "trunks" : "vlan");
            return vh_diag_fail(ld->diag, kp, "VLAN modes need "
                                "\"vlan_filtering\": true on bridge '%s' (a "
                                "Linux bridge without it passes frames "
                                "whatever their VLAN)", br->name);
        }
        if (!check_bridge_pvlan(ld, br)) {
            return false;
        }
    }
    return true;
}

static const struct cfg_bridge *
find_bridge(const struct cfg_host *h, const char *name)
{
    for (size_t b = 0; b < h->n_bridges; b++) {
        if (!strcmp(h->bridges[b].name, name)) {
            return &h->bridges[b];
        }
    }
    return NULL;
}

static bool
no_such_bridge(struct ld *ld, const char *path, const struct cfg_host *h,
               const char *name)
{
    const char **names = ld_calloc(h->n_bridges, sizeof *names);
    char list[512];
    for (size_t b = 0; b < h->n_bridges; b++) {
        names[b] = h->bridges[b].name;
    }
    const char *guess = vh_suggest(name, names, h->n_bridges);
    vh_join(names, h->n_bridges, list, sizeof list);
    if (guess) {
        vh_diag_fail(ld->diag, path, "host '%s' has no bridge '%s'; did "
                     "you mean '%s'?", h->name, name, guess);
    } else if (find_nic(h, name)) {
        vh_diag_fail(ld->diag, path, "'%s' is a NIC, not a bridge; attach "
                     "to a bridge of host '%s'%s%s", name, h->name,
                     h->n_bridges ? " such as " : "",
                     h->n_bridges ? list : " (it has none)");
    } else if (h->n_bridges) {
        vh_diag_fail(ld->diag, path, "host '%s' has no bridge '%s' (its "
                     "bridges: %s)", h->name, name, list);
    } else {
        vh_diag_fail(ld->diag, path, "host '%s' has no bridge '%s' (it has "
                     "no bridges)", h->name, name);
    }
    free(names);
    return false;
}

/* Who uses a host NIC from a VM: for passthrough, which needs it alone,
 * and to count VFs and VIFs. */
struct nic_user {
    const struct cfg_nic *nic;  /* The host NIC used. */
    const struct cfg_vnic *by;  /* The VM NIC attached to it. */
};

/* A VIC's functions are its VIFs, which only attach type vif takes, and
 * it has "vifs" of them; 'users' are the 'n' VM NICs checked before. */
static bool
check_vif(struct ld *ld, const struct cfg_vnic *vn, const struct cfg_nic *nic,
          const char *tp, const struct nic_user *users, size_t n)
{
    int vifs = vic_cfg_vifs(nic);
    if (vn->attach != CFG_AT_VIF) {
        if (vifs && (vn->attach == CFG_AT_SRIOV_VF
                     || vn->attach == CFG_AT_PASSTHROUGH)) {
            return vh_diag_fail(ld->diag, tp, "NIC '%s' is a VIC: its PCIe "
                                "functions are VIFs, which a VM NIC takes "
                                "with attach type 'vif'", nic->name);
        }
        return true;
    }
    if (!vifs) {
        return vh_diag_fail(ld->diag, tp, "NIC '%s' is a NIC of model %s, "
                            "not a VIC; attach type 'vif' takes a NIC of "
                            "model vic, whose functions are VIFs", nic->name,
                            nic->model);
    }
    int taken = 0;
    for (size_t u = 0; u < n; u++) {
        taken += users[u].nic == nic && users[u].by->attach == CFG_AT_VIF;
    }
    if (taken >= vifs) {
        return vh_diag_fail(ld->diag, tp, "NIC '%s' has no VIF left for "
                            "this VM NIC: its \"vifs\" is %d (a VIC has at "
                            "most %d)", nic->name, vifs, VIC_MAX_VIFS);
    }
    return true;
}

static bool
check_attach(struct ld *ld, const struct cfg_host *h)
{
    size_t n = 0;
    for (size_t v = 0; v < h->n_vms; v++) {
        n += h->vms[v].n_nics;
    }
    struct nic_user *users = ld_calloc(n, sizeof *users);
    size_t k = 0;
    bool ok = true;

    for (size_t v = 0; ok && v < h->n_vms; v++) {
        const struct cfg_vm *vm = &h->vms[v];
        for (size_t i = 0; ok && i < vm->n_nics; i++) {
            const struct cfg_vnic *vn = &vm->nics[i];
            char ap[JP_LEN], tp[JP_LEN];
            jp_key(ap, vn->jpath, "attach");
            jp_key(tp, ap, "to");

            if (vn->attach == CFG_AT_NAT || vn->attach == CFG_AT_DVSWITCH) {
                continue;       /* A distributed switch's: ld_dvswitches. */
            }
            if (vn->attach == CFG_AT_BRIDGE || vn->attach == CFG_AT_OVS) {
                const struct cfg_bridge *br = find_bridge(h, vn->attach_to);
                if (!br) {
                    ok = no_such_bridge(ld, tp, h, vn->attach_to);
                } else if (vn->attach == CFG_AT_BRIDGE
                           && br->type == CFG_BR_OVS) {
                    ok = vh_diag_fail(ld->diag, tp, "'%s' is an Open "
                                      "vSwitch bridge; attach to it with "
                                      "type 'ovs'", br->name);
                } else if (vn->attach == CFG_AT_OVS
                           && br->type != CFG_BR_OVS) {
                    ok = vh_diag_fail(ld->diag, tp, "'%s' is a Linux "
                                      "bridge; attach to it with type "
                                      "'bridge'", br->name);
                }
                continue;
            }

            /* macvtap, sriov-vf, passthrough, vif: a host NIC. */
            const struct cfg_nic *nic = find_nic(h, vn->attach_to);
            if (!nic) {
                ok = find_bridge(h, vn->attach_to)
                     ? vh_diag_fail(ld->diag, tp, "'%s' is a bridge; this "
                                    "attach type takes a NIC of host '%s'",
                                    vn->attach_to, h->name)
                     : no_such_nic(ld, tp, h, vn->attach_to);
                continue;
            }
            if (!check_vif(ld, vn, nic, tp, users, k)) {
                ok = false;
                continue;
            }
            bool assigned = vn->attach == CFG_AT_SRIOV_VF
                            || vn->attach == CFG_AT_PASSTHROUGH
                            || (vn->attach == CFG_AT_VIF
                                && !strcmp(vn->attach_mode, "passthrough"));
            if (assigned && !h->iommu_enabled) {
                /* VFIO maps the device's DMA with the IOMMU; without one
                 * the kernel refuses to assign the device. */
                ok = vh_diag_fail(ld->diag, ap, "assigning a device to a VM "
                                  "needs the IOMMU (Intel VT-d), which "
                                  "confines the device's DMA to the VM's "
                                  "memory; give host '%s' \"iommu\": "
                                  "{\"enabled\": true}", h->name);
                continue;
            }
            if (vn->attach == CFG_AT_SRIOV_VF) {
                if (nic->sriov_vfs == 0) {
                    ok = vh_diag_fail(ld->diag, tp, "NIC '%s' has no VFs; "
                                      "give it \"sriov\": {\"vfs\": N}",
                                      nic->name);
                    continue;
                }
                if (vn->vf >= nic->sriov_vfs) {
                    char vp[JP_LEN];
                    jp_key(vp, ap, "vf");
                    ok = vh_diag_fail(ld->diag, vp, "NIC '%s' has VFs 0 to "
                                      "%d", nic->name, nic->sriov_vfs - 1);
                    continue;
                }
                int taken = 0;
                for (size_t u = 0; ok && u < k; u++) {
                    const struct cfg_vnic *o = users[u].by;
                    if (users[u].nic != nic || o->attach != CFG_AT_SRIOV_VF) {
                        continue;
                    }
                    taken++;
                    if (vn->vf >= 0 && o->vf == vn->vf) {
                        char vp[JP_LEN];
                        jp_key(vp, ap, "vf");
                        ok = vh_diag_fail(ld->diag, vp, "VF %d of '%s' is "
                                          "already assigned to %s", vn->vf,
                                          nic->name, o->jpath);
                    }
                }
                if (ok && taken >= nic->sriov_vfs) {
                    ok = vh_diag_fail(ld->diag, tp, "all %d VFs of '%s' are "
                                      "already assigned", nic->sriov_vfs,
                                      nic->name);
                }
            }
            /* A passed-through NIC belongs to its VM alone. */
            for (size_t u = 0; ok && u < k; u++) {
                if (users[u].nic == nic
                    && (vn->attach == CFG_AT_PASSTHROUGH
                        || users[u].by->attach == CFG_AT_PASSTHROUGH)) {
                    ok = vh_diag_fail(ld->diag, tp, "NIC '%s' is passed "
                                      "through to a VM, so no other VM NIC "
                                      "can use it (also used by %s)",
                                      nic->name, users[u].by->jpath);
                }
            }
            const struct cfg_bridge *br = bridge_of(h, nic->name);
            if (ok && vn->attach == CFG_AT_PASSTHROUGH && br) {
                ok = vh_diag_fail(ld->diag, tp, "NIC '%s' is a port of "
                                  "bridge '%s'; a passed-through NIC leaves "
                                  "the host", nic->name, br->name);
            }
            if (ok && vn->attach == CFG_AT_PASSTHROUGH
                && (nic->has_ip || nic->n_vlans)) {
                ok = vh_diag_fail(ld->diag, tp, "NIC '%s' carries the "
                                  "host's address (its \"%s\"); a "
                                  "passed-through NIC leaves the host",
                                  nic->name, nic->has_ip ? "ip" : "vlans");
            }
            if (ok && vn->attach == CFG_AT_PASSTHROUGH && nic->sriov_vfs) {
                ok = vh_diag_fail(ld->diag, tp, "NIC '%s' has VFs "
                                  "(\"sriov\"); a NIC passed through to a "
                                  "VM is the guest's, with its VFs, and "
                                  "cannot offer them to the host",
                                  nic->name);
            }
            users[k].nic = nic;
            users[k].by = vn;
            k++;
        }
    }
    free(users);
    return ok;
}

bool
ld_refs(struct ld *ld)
{
    const struct cfg_scenario *sc = ld->sc;
    if (!check_names(ld) || !check_addresses(ld) || !check_links(ld)) {
        return false;
    }
    for (size_t i = 0; i < sc->n_hosts; i++) {
        if (!check_bridges(ld, &sc->hosts[i])
            || !check_attach(ld, &sc->hosts[i])) {
            return false;
        }
    }
    return ld_check_attach_nets(ld) && ld_check_underlay(ld)
           && ld_check_containers(ld);
}
