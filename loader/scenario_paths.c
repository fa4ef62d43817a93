/* loader/scenario_paths.c: scenario paths ("host1/vm1/eth0", "tor1/p2"):
 * resolving them over the loaded structs for flows, captures and events,
 * and over the raw JSON tree for variants, which change the tree before it
 * is loaded. */
#include "loader/scenario_priv.h"
#include "sim/units.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Paths have at most three parts ("host/vm/nic", "host/nic/vf0"); a
 * fourth is an error. */
#define MAX_PARTS 4

/* Splits a copy of 'path' at '/' into parts; returns their number, or 0
 * with 'why' set if a part is empty. */
static size_t
split(const char *path, char *copy, size_t copy_len, char **parts,
      char *why, size_t why_len)
{
    size_t n = 0;
    snprintf(copy, copy_len, "%s", path);
    char *p = copy;
    for (;;) {
        char *slash = strchr(p, '/');
        if (slash) {
            *slash = '\0';
        }
        if (!*p) {
            snprintf(why, why_len, "'%s' is not a valid path (an empty "
                     "part; paths look like \"host1/vm1/eth0\")", path);
            return 0;
        }
        if (n == MAX_PARTS) {
            break;
        }
        parts[n++] = p;
        if (!slash) {
            break;
        }
        p = slash + 1;
    }
    return n;
}

/* "no host or switch named 'x'; did you mean 'y'?" with the candidates. */
static void
not_found(const char *what, const char *name, const char *where,
          const char *const *names, size_t n, char *why, size_t why_len)
{
    const char *guess = vh_suggest(name, names, n);
    char list[400];
    vh_join(names, n, list, sizeof list);
    if (guess) {
        snprintf(why, why_len, "%s%s has no %s named '%s'; did you mean "
                 "'%s'?", where ? "" : "the scenario", where ? where : "",
                 what, name, guess);
    } else {
        snprintf(why, why_len, "%s%s has no %s named '%s' (%s%s)",
                 where ? "" : "the scenario", where ? where : "", what,
                 name, n ? "it has: " : "it has none", n ? list : "");
    }
}

const char *
ld_ref_what(enum ref_kind k)
{
    switch (k) {
    case REF_HOST: return "host";
    case REF_VM: return "VM";
    case REF_NIC: return "host NIC";
    case REF_BRIDGE: return "bridge";
    case REF_VNIC: return "VM NIC";
    case REF_SWITCH: return "switch";
    case REF_PORT: return "switch port";
    case REF_VF: return "VF";
    case REF_VLANIF: return "VLAN subinterface";
    case REF_TUNNEL: return "tunnel port";
    case REF_INTERNAL: return "internal port";
    case REF_CONTAINER: return "container";
    case REF_CTR_IF: return "container's interface";
    case REF_CTR_DEV: return "device of a container network";
    case REF_PUBLISHED: return "published port";
    }
    return "?";
}

static bool
resolve_port(const struct cfg_switch *sw, const char *part, struct ref *r,
             char *why, size_t why_len)
{
    const char *d = part + 1;
    long n = 0;
    if (sw->uplink && !strcmp(part, "uplink")) {
        r->kind = REF_PORT;         /* A port extender's fabric port. */
        r->port = sw->ports + 1;
        return true;
    }
    bool digits = part[0] == 'p' && *d >= '1' && *d <= '9';
    for (; digits && *d; d++) {
        if (*d < '0' || *d > '9' || n > 100000) {
            digits = false;
            break;
        }
        n = n * 10 + (*d - '0');
    }
    if (!digits) {
        snprintf(why, why_len, "switch '%s' has ports named p1 to p%d%s; "
                 "'%s' is not one", sw->name, sw->ports,
                 sw->uplink ? " and uplink" : "", part);
        return false;
    }
    if (n > sw->ports) {
        snprintf(why, why_len, "switch '%s' has ports p1 to p%d; there is "
                 "no '%s'", sw->name, sw->ports, part);
        return false;
    }
    r->kind = REF_PORT;
    r->port = (int) n;
    return true;
}

/* The host's NIC, bridge, VM, VLAN subinterface, tunnel or internal
 * port, or container named 'part', or a device its containers' networks
 * make: the first found in that order. */
static bool
find_in_host(struct cfg_host *h, const char *part, struct ref *r)
{
    for (size_t i = 0; i < h->n_nics; i++) {
        if (!strcmp(h->nics[i].name, part)) {
            r->kind = REF_NIC;
            r->nic = &h->nics[i];
            return true;
        }
    }
    for (size_t i = 0; i < h->n_bridges; i++) {
        if (!strcmp(h->bridges[i].name, part)) {
            r->kind = REF_BRIDGE;
            r->bridge = &h->bridges[i];
            return true;
        }
    }
    for (size_t i = 0; i < h->n_vms; i++) {
        if (!strcmp(h->vms[i].name, part)) {
            r->kind = REF_VM;
            r->vm = &h->vms[i];
            return true;
        }
    }
    if ((r->vlanif = ld_find_vlanif(h, part, &r->nic)) != NULL) {
        r->kind = REF_VLANIF;
        return true;
    }
    for (size_t i = 0; i < h->n_bridges; i++) {
        for (size_t j = 0; j < h->bridges[i].n_bports; j++) {
            struct cfg_bport *bp = &h->bridges[i].bports[j];
            if (bp->type >= CFG_BP_VXLAN && !strcmp(bp->name, part)) {
                r->kind = REF_TUNNEL;
                r->bridge = &h->bridges[i];
                r->tunnel = bp;
                return true;
            }
            if (bp->type == CFG_BP_INTERNAL && !strcmp(bp->name, part)) {
                r->kind = REF_INTERNAL;
                r->bridge = &h->bridges[i];
                r->iport = bp;
                return true;
            }
        }
    }
    for (size_t i = 0; i < h->n_containers; i++) {
        if (!strcmp(h->containers[i].name, part)) {
            r->kind = REF_CONTAINER;
            r->ctr = &h->containers[i];
            return true;
        }
    }
    if (ld_container_dev(h, part)) {
        r->kind = REF_CTR_DEV;
        return true;
    }
    return false;
}

/* When 'part' names a VLAN subinterface ("eth0.30") of 'nic' (named
 * 'nic_name', with 'n_vlans' subinterfaces) that it does not have, says
 * so in 'why', as a subinterface of 'where', listing the ones the NIC
 * has, and returns true. */
static bool
vlanif_not_found(const char *where, const char *nic_name,
                 const struct cfg_vlanif *vlans, size_t n_vlans,
                 const char *part, char *why, size_t why_len)
{
    const char *dot = strrchr(part, '.');
    size_t len = dot ? (size_t) (dot - part) : 0;
    if (!dot || strlen(nic_name) != len || strncmp(nic_name, part, len)) {
        return false;
    }
    char list[256] = "";
    size_t used = 0;
    for (size_t v = 0; v < n_vlans && used < sizeof list; v++) {
        int w = snprintf(list + used, sizeof list - used, "%s%s.%u",
                         v ? ", " : "", nic_name, vlans[v].id);
        used += w > 0 ? (size_t) w : 0;
    }
    snprintf(why, why_len, "%s has no VLAN subinterface '%s' (%s%s%s)",
             where, part, nic_name, n_vlans ? " has: " : " has none", list);
    return true;
}

/* find_in_host(), or false with a message in 'why' that lists the names
 * there are (gathered only then: a path resolves once per flow, and a
 * host can have thousands of VMs). */
static bool
resolve_in_host(struct cfg_host *h, const char *part, struct ref *r,
                char *why, size_t why_len)
{
    if (find_in_host(h, part, r)) {
        return true;
    }
    char host_where[128];
    snprintf(host_where, sizeof host_where, "host '%s'", h->name);
    for (size_t i = 0; i < h->n_nics; i++) {
        if (vlanif_not_found(host_where, h->nics[i].name, h->nics[i].vlans,
                             h->nics[i].n_vlans, part, why, why_len)) {
            return false;
        }
    }
    size_t n = h->n_nics + h->n_bridges + h->n_vms + h->n_containers;
    for (size_t i = 0; i < h->n_bridges; i++) {
        n += h->bridges[i].n_bports;
    }
    const char **names = ld_calloc(n + 1, sizeof *names);
    size_t k = 0;
    for (size_t i = 0; i < h->n_nics; i++) {
        names[k++] = h->nics[i].name;
    }
    for (size_t i = 0; i < h->n_bridges; i++) {
        names[k++] = h->bridges[i].name;
    }
    for (size_t i = 0; i < h->n_vms; i++) {
        names[k++] = h->vms[i].name;
    }
    bool tunnels = false;
    for (size_t i = 0; i < h->n_bridges; i++) {
        for (size_t j = 0; j < h->bridges[i].n_bports; j++) {
            if (h->bridges[i].bports[j].type >= CFG_BP_VXLAN
                || h->bridges[i].bports[j].type == CFG_BP_INTERNAL) {
                tunnels = true;
                names[k++] = h->bridges[i].bports[j].name;
            }
        }
    }
    for (size_t i = 0; i < h->n_containers; i++) {
        names[k++] = h->containers[i].name;
    }
    char where[128], what[96];
    snprintf(where, sizeof where, "host '%s'", h->name);
    snprintf(what, sizeof what, "NIC, bridge%s VM%s%s%s",
             tunnels || h->n_containers ? "," : " or",
             tunnels ? (h->n_containers ? ", port" : " or port") : "",
             h->n_containers ? " or container" : "", "");
    not_found(what, part, where, names, k, why, why_len);
    free(names);
    return false;
}

/* "vfN" below a NIC: one of its SR-IOV virtual functions. */
static bool
resolve_vf(const struct cfg_host *h, struct ref *r, const char *part,
           char *why, size_t why_len)
{
    const struct cfg_nic *nic = r->nic;
    const char *d = part + 2;
    long n = 0;
    bool digits = !strncmp(part, "vf", 2) && *d >= '0' && *d <= '9'
                  && (d[0] != '0' || !d[1]);
    for (; digits && *d; d++) {
        if (*d < '0' || *d > '9' || n > 100000) {
            digits = false;
            break;
        }
        n = n * 10 + (*d - '0');
    }
    if (!nic->sriov_vfs) {
        snprintf(why, why_len, "'%s/%s/%s': NIC '%s' has no VFs (only a "
                 "NIC with \"sriov\" has parts, \"vf0\" to \"vfN\")",
                 h->name, nic->name, part, nic->name);
        return false;
    }
    if (!digits || n >= nic->sriov_vfs) {
        snprintf(why, why_len, "NIC '%s/%s' has VFs vf0 to vf%d; '%s' is "
                 "not one", h->name, nic->name, nic->sriov_vfs - 1, part);
        return false;
    }
    r->kind = REF_VF;
    r->vf = (int) n;
    return true;
}

bool
ld_resolve(const struct cfg_scenario *sc, const char *path, struct ref *r,
           char *why, size_t why_len)
{
    char copy[JP_LEN];
    char *parts[MAX_PARTS];
    size_t n = split(path, copy, sizeof copy, parts, why, why_len);

    memset(r, 0, sizeof *r);
    if (!n) {
        return false;
    }
    if (n > 3) {
        snprintf(why, why_len, "'%s' has too many parts; paths look like "
                 "\"host1\", \"host1/vm1\" or \"host1/vm1/eth0\"", path);
        return false;
    }

    for (size_t i = 0; i < sc->n_switches; i++) {
        struct cfg_switch *sw = &sc->switches[i];
        if (strcmp(sw->name, parts[0])) {
            continue;
        }
        r->sw = sw;
        r->kind = REF_SWITCH;
        if (n == 1) {
            return true;
        }
        if (n > 2) {
            snprintf(why, why_len, "'%s': a switch port has no parts", path);
            return false;
        }
        return resolve_port(sw, parts[1], r, why, why_len);
    }

    struct cfg_host *h = NULL;
    for (size_t i = 0; i < sc->n_hosts && !h; i++) {
        if (!strcmp(sc->hosts[i].name, parts[0])) {
            h = &sc->hosts[i];
        }
    }
    if (!h) {
        size_t m = sc->n_hosts + sc->n_switches;
        const char **names = ld_calloc(m, sizeof *names);
        for (size_t i = 0; i < sc->n_hosts; i++) {
            names[i] = sc->hosts[i].name;
        }
        for (size_t i = 0; i < sc->n_switches; i++) {
            names[sc->n_hosts + i] = sc->switches[i].name;
        }
        not_found("host or switch", parts[0], NULL, names, m, why, why_len);
        free(names);
        return false;
    }
    r->host = h;
    r->kind = REF_HOST;
    if (n == 1) {
        return true;
    }
    if (!resolve_in_host(h, parts[1], r, why, why_len)) {
        return false;
    }
    if (n == 2) {
        return true;
    }
    if (r->kind == REF_NIC) {
        return resolve_vf(h, r, parts[2], why, why_len);
    }
    if (r->kind == REF_CONTAINER) {
        /* Its one interface, in a namespace of its own on a network. */
        if (r->ctr->mode == CFG_CTR_NET && !strcmp(parts[2], "eth0")) {
            r->kind = REF_CTR_IF;
            return true;
        }
        snprintf(why, why_len, "container '%s/%s' has %s; '%s' is not "
                 "one", parts[0], parts[1], r->ctr->mode == CFG_CTR_NET
                 ? "one interface, \"eth0\"" : "no interface of its own",
                 parts[2]);
        return false;
    }
    if (r->kind != REF_VM) {
        snprintf(why, why_len, "'%s/%s' is a %s; only a VM (\"host/vm/"
                 "nic\"), a container (\"host/ctr/eth0\") and a NIC with "
                 "VFs (\"host/nic/vf0\") have parts",
                 parts[0], parts[1], ld_ref_what(r->kind));
        return false;
    }
    struct cfg_vm *vm = r->vm;
    const char **names = ld_calloc(vm->n_nics, sizeof *names);
    for (size_t i = 0; i < vm->n_nics; i++) {
        names[i] = vm->nics[i].name;
        if (!strcmp(names[i], parts[2])) {
            free(names);
            r->kind = REF_VNIC;
            r->vnic = &vm->nics[i];
            return true;
        }
    }
    if ((r->vlanif = ld_find_vm_vlanif(vm, parts[2], &r->vnic)) != NULL) {
        free(names);
        r->kind = REF_VLANIF;
        return true;
    }
    char where[160];
    snprintf(where, sizeof where, "VM '%s/%s'", h->name, vm->name);
    for (size_t i = 0; i < vm->n_nics; i++) {
        if (vlanif_not_found(where, vm->nics[i].name, vm->nics[i].vlans,
                             vm->nics[i].n_vlans, parts[2], why, why_len)) {
            free(names);
            return false;
        }
    }
    not_found("NIC", parts[2], where, names, vm->n_nics, why, why_len);
    free(names);
    return false;
}

/* ---- Flows, captures, events. ---- */

/* "HOST:PORT": the container that publishes PORT on HOST. */
static bool
check_published(struct ld *ld, const char *kp, const char *path,
                struct ref *r)
{
    char host[128], why[512];
    int port;
    memset(r, 0, sizeof *r);
    if (!ld_published_path(path, host, sizeof host, &port)) {
        return vh_diag_fail(ld->diag, kp, "'%s': a \":port\" suffix names a "
                            "port a host publishes (\"host1:8080\"), after "
                            "a host's name", path);
    }
    if (port < 0) {
        return vh_diag_fail(ld->diag, kp, "'%s': '%s' is not a port (1 to "
                            "65535)", path, strchr(path, ':') + 1);
    }
    if (!ld_resolve(ld->sc, host, r, why, sizeof why)) {
        return vh_diag_fail(ld->diag, kp, "%s", why);
    }
    if (r->kind != REF_HOST) {
        return vh_diag_fail(ld->diag, kp, "'%s' is a %s; a published port "
                            "is a host's (\"host1:8080\")", host,
                            ld_ref_what(r->kind));
    }
    char list[256] = "";
    size_t len = 0;
    for (size_t i = 0; i < r->host->n_containers; i++) {
        struct cfg_container *c = &r->host->containers[i];
        for (size_t k = 0; k < c->n_publish; k++) {
            if (c->publish[k].host_port == port) {
                r->kind = REF_PUBLISHED;
                r->ctr = c;
                r->pub = &c->publish[k];
                r->port = port;
                return true;
            }
            len += (size_t) snprintf(list + len, len < sizeof list
                                     ? sizeof list - len : 0, "%s%u/%s",
                                     len ? ", " : "",
                                     c->publish[k].host_port,
                                     cfg_proto_names[c->publish[k].proto]);
        }
    }
    return vh_diag_fail(ld->diag, kp, "no container of host '%s' publishes "
                        "port %d (%s%s)", host, port, *list ? "published: "
                        : "none publishes a port", list);
}

bool
ld_check_endpoint(struct ld *ld, const char *kp, const char *path,
                  const char *what, struct ref *r)
{
    char why[512];

    if (strchr(path, ':')) {
        return check_published(ld, kp, path, r);
    }
    if (!ld_resolve(ld->sc, path, r, why, sizeof why)) {
        return vh_diag_fail(ld->diag, kp, "%s", why);
    }
    if (r->kind == REF_CONTAINER) {
        const struct cfg_container *c = r->ctr;
        const struct cfg_container *ns = c->mode == CFG_CTR_SHARED
                                         ? &r->host->containers[c->share]
                                         : c;
        if (ns->mode == CFG_CTR_NONE) {
            return vh_diag_fail(ld->diag, kp, "container '%s' %s network "
                                "none: only a loopback interface, so it "
                                "cannot send or receive", path,
                                ns == c ? "has" : "shares the namespace of "
                                "a container with");
        }
        if (ns->mode == CFG_CTR_HOST) {
            bool addressed = false;
            for (size_t i = 0; i < r->host->n_nics; i++) {
                addressed |= r->host->nics[i].has_ip;
            }
            if (!addressed) {
                return vh_diag_fail(ld->diag, kp, "container '%s' uses host "
                                    "'%s''s network, and no NIC of the "
                                    "host has an \"ip\"", path,
                                    r->host->name);
            }
        }
        return true;
    }
    if (r->kind == REF_VM) {
        if (!r->vm->n_nics) {
            return vh_diag_fail(ld->diag, kp, "VM '%s' has no NICs, so it "
                                "cannot send or receive", path);
        }
        return true;
    }
    if (r->kind == REF_VLANIF) {
        return true;
    }
    if (r->kind == REF_INTERNAL) {
        if (r->iport->has_ip) {
            return true;
        }
        return vh_diag_fail(ld->diag, kp, "internal port '%s' has no "
                            "\"ip\", so the host cannot send or receive "
                            "through it", path);
    }
    if (r->kind == REF_HOST) {
        struct ld_addr first;
        if (ld_host_first_addr(r->host, &first)) {
            return true;
        }
        return vh_diag_fail(ld->diag, kp, "host '%s' has no NIC or internal "
                            "port with an \"ip\", so it cannot send or "
                            "receive; give one of its NICs an address, or "
                            "name one of its VMs (\"%s/vm\")", path, path);
    }
    return vh_diag_fail(ld->diag, kp, "'%s' is a %s; %s", path,
                        ld_ref_what(r->kind), what);
}

/* Whether 'path' names a bridge a host builds without the scenario
 * listing it: libvirt's virbr0, made with the first VM NIC attached with
 * type nat ("host1/virbr0"). */
static bool
implicit_bridge(const struct cfg_scenario *sc, const char *path)
{
    size_t hl = strcspn(path, "/");
    if (strcmp(path + hl, "/virbr0")) {
        return false;
    }
    for (size_t h = 0; h < sc->n_hosts; h++) {
        const struct cfg_host *host = &sc->hosts[h];
        if (strlen(host->name) != hl || strncmp(host->name, path, hl)) {
            continue;
        }
        for (size_t v = 0; v < host->n_vms; v++) {
            for (size_t n = 0; n < host->vms[v].n_nics; n++) {
                if (host->vms[v].nics[n].attach == CFG_AT_NAT) {
                    return true;
                }
            }
        }
    }
    return false;
}

static bool
check_endpoint(struct ld *ld, const struct cfg_flow *f, const char *key,
               const char *path, struct ref *r)
{
    char kp[JP_LEN];
    jp_key(kp, f->jpath, key);
    return ld_check_endpoint(ld, kp, path, "a flow goes between VMs "
                             "(\"host/vm\"), containers (\"host/ctr\"), "
                             "ports containers publish (\"host:8080\"), "
                             "hosts with an IP (\"host\"), hosts' VLAN "
                             "subinterfaces (\"host/eth0.100\") and OVS "
                             "internal ports (\"host/mgmt\")", r);
}

/* Whether destination host 'dst' of migration 'e' can take VM NIC 'v', a
 * macvtap: a NIC of the same name, in no bridge, without a passthru
 * macvtap; and 'v' itself is not one (it owns its NIC, and the NIC stays
 * behind). */
static bool
migrate_macvtap_ok(struct ld *ld, const struct cfg_event *e,
                   const struct cfg_host *dst, const struct cfg_vnic *v)
{
    char path[JP_LEN];
    static const char passthru[] = "passthru";
    jp_key(path, e->jpath, "target");
    if (v->attach_mode && !strcmp(v->attach_mode, passthru)) {
        return vh_diag_fail(ld->diag, path, "not supported yet: migrating "
                            "a VM whose NIC %s is a passthru macvtap",
                            v->jpath);
    }
    jp_key(path, e->jpath, "to");
    bool nic = false;
    for (size_t i = 0; i < dst->n_nics; i++) {
        nic |= !strcmp(dst->nics[i].name, v->attach_to);
    }
    if (!nic) {
        return vh_diag_fail(ld->diag, path, "host '%s' has no NIC '%s' for "
                            "the macvtap of %s to join after migrating",
                            dst->name, v->attach_to, v->jpath);
    }
    for (size_t b = 0; b < dst->n_bridges; b++) {
        for (size_t k = 0; k < dst->bridges[b].n_ports; k++) {
            if (!strcmp(dst->bridges[b].ports[k], v->attach_to)) {
                return vh_diag_fail(ld->diag, path, "NIC '%s' of host '%s' "
                                    "is a port of bridge '%s'; the macvtap "
                                    "of %s cannot join it after migrating",
                                    v->attach_to, dst->name,
                                    dst->bridges[b].name, v->jpath);
            }
        }
    }
    for (size_t m = 0; m < dst->n_vms; m++) {
        for (size_t k = 0; k < dst->vms[m].n_nics; k++) {
            const struct cfg_vnic *o = &dst->vms[m].nics[k];
            if (o->attach == CFG_AT_MACVTAP && o->attach_mode
                && !strcmp(o->attach_mode, passthru)
                && !strcmp(o->attach_to, v->attach_to)) {
                return vh_diag_fail(ld->diag, path, "NIC '%s' of host '%s' "
                                    "is owned by the passthru macvtap of "
                                    "%s; the macvtap of %s cannot join it "
                                    "after migrating", v->attach_to,
                                    dst->name, o->jpath, v->jpath);
            }
        }
    }
    return true;
}

/* The host VM 'e->target' is on when migration 'e' starts: its own, or
 * the destination of the latest migration of the same VM before it (by
 * time, then by order in events[]), which '*prev' receives (NULL if
 * none). */
static const char *
migration_origin(const struct cfg_scenario *sc, const struct cfg_event *e,
                 const struct cfg_event **prev)
{
    *prev = NULL;
    for (size_t j = 0; j < sc->n_events; j++) {
        const struct cfg_event *o = &sc->events[j];
        if (o == e || o->action != CFG_EV_MIGRATE
            || strcmp(o->target, e->target)
            || o->at > e->at || (o->at == e->at && o > e)) {
            continue;
        }
        if (!*prev || o->at > (*prev)->at
            || (o->at == (*prev)->at && o > *prev)) {
            *prev = o;
        }
    }
    if (*prev) {
        return (*prev)->to;
    }
    /* The host part of "host1/vm1". */
    static char host[128];
    snprintf(host, sizeof host, "%.*s", (int) strcspn(e->target, "/"),
             e->target);
    return host;
}

static bool
check_event(struct ld *ld, const struct cfg_event *e)
{
    char path[JP_LEN], why[512];
    struct ref r;

    if (!e->target) {
        return true;            /* A 'set' event needs no target. */
    }
    jp_key(path, e->jpath, "target");
    if (!ld_resolve(ld->sc, e->target, &r, why, sizeof why)) {
        return vh_diag_fail(ld->diag, path, "%s", why);
    }
    switch (e->action) {
    case CFG_EV_LINK_DOWN:
    case CFG_EV_LINK_UP:
        if (r.kind != REF_NIC && r.kind != REF_VNIC && r.kind != REF_PORT) {
            return vh_diag_fail(ld->diag, path, "'%s' is a %s; a link event "
                                "targets a NIC (\"host1/eth0\", "
                                "\"host1/vm1/eth0\") or a switch port "
                                "(\"tor1/p1\")", e->target,
                                ld_ref_what(r.kind));
        }
        return true;
    case CFG_EV_MIGRATE: {
        if (r.kind != REF_VM) {
            return vh_diag_fail(ld->diag, path, "'%s' is a %s; only a VM "
                                "migrates", e->target, ld_ref_what(r.kind));
        }
        struct ref to;
        jp_key(path, e->jpath, "to");
        if (!ld_resolve(ld->sc, e->to, &to, why, sizeof why)) {
            return vh_diag_fail(ld->diag, path, "%s", why);
        }
        if (to.kind != REF_HOST) {
            return vh_diag_fail(ld->diag, path, "'%s' is a %s; a VM migrates "
                                "to a host", e->to, ld_ref_what(to.kind));
        }
        /* Where the VM is when this migration starts: its own host, or
         * where an earlier migration took it. */
        const struct cfg_event *prev = NULL;
        const char *now_on = migration_origin(ld->sc, e, &prev);
        if (prev && e->at < prev->at + prev->downtime) {
            char t[32];
            vh_format_time(prev->at + prev->downtime, t, sizeof t);
            jp_key(path, e->jpath, "at");
            return vh_diag_fail(ld->diag, path, "VM '%s' is still migrating "
                                "to host '%s' (%s) until %s; a migration "
                                "starts once the one before has ended",
                                e->target, prev->to, prev->jpath, t);
        }
        if (!strcmp(now_on, e->to)) {
            return vh_diag_fail(ld->diag, path, "VM '%s' is already on host "
                                "'%s'%s%s%s", e->target, e->to,
                                prev ? " (" : "", prev ? prev->jpath : "",
                                prev ? " took it there)" : "");
        }
        jp_key(path, e->jpath, "target");
        for (size_t i = 0; i < r.vm->n_nics; i++) {
            const struct cfg_vnic *v = &r.vm->nics[i];
            bool vif = v->attach == CFG_AT_VIF
                       && !strcmp(v->attach_mode, "passthrough");
            if (v->attach == CFG_AT_SRIOV_VF
                || v->attach == CFG_AT_PASSTHROUGH || vif) {
                /* The device's state (rings, registers, DMA in flight)
                 * lives in the NIC, where the hypervisor cannot copy it. */
                return vh_diag_fail(ld->diag, path, "VM '%s' cannot be "
                                    "live-migrated: its NIC %s is an "
                                    "assigned device (%s), whose state lives "
                                    "in the hardware; detach it first",
                                    e->target, v->jpath,
                                    v->attach == CFG_AT_SRIOV_VF
                                        ? "an SR-IOV VF"
                                    : vif ? "a VIC's VIF in passthrough mode"
                                    : "passthrough");
            }
        }
        for (size_t i = 0; i < r.vm->n_nics; i++) {
            const struct cfg_vnic *v = &r.vm->nics[i];
            if (v->model != CFG_VNIC_VIRTIO || v->backend == CFG_BE_VHOST_USER
                || (v->attach != CFG_AT_BRIDGE
                    && v->attach != CFG_AT_MACVTAP
                    && v->attach != CFG_AT_DVSWITCH)) {
                return vh_diag_fail(ld->diag, path, "not supported yet: "
                                    "migrating a VM whose NIC %s is not "
                                    "virtio-net with vhost-net or QEMU on "
                                    "a Linux bridge, a macvtap or a "
                                    "distributed switch", v->jpath);
            }
            if (v->attach == CFG_AT_DVSWITCH) {
                /* Its port stays on the switch: the switch must span
                 * the destination. */
                const struct cfg_dvswitch *d
                    = ld_find_dvswitch(ld->sc, v->attach_to);
                if (d && !ld_dvswitch_spans(d, e->to)) {
                    jp_key(path, e->jpath, "to");
                    return vh_diag_fail(ld->diag, path, "distributed "
                                        "switch '%s' does not span host "
                                        "'%s', so %s would lose its port "
                                        "there; add the host to its "
                                        "'hosts'", d->name, e->to,
                                        v->jpath);
                }
                continue;
            }
            if (v->attach == CFG_AT_MACVTAP) {
                if (!migrate_macvtap_ok(ld, e, to.host, v)) {
                    return false;
                }
                continue;
            }
            bool found = false;
            for (size_t b = 0; b < to.host->n_bridges; b++) {
                found |= !strcmp(to.host->bridges[b].name, v->attach_to);
            }
            if (!found) {
                jp_key(path, e->jpath, "to");
                return vh_diag_fail(ld->diag, path, "host '%s' has no bridge "
                                    "'%s' for %s to join after migrating",
                                    e->to, v->attach_to, v->jpath);
            }
        }
        return true;
    }
    case CFG_EV_SET:
        return true;
    case CFG_EV_ROGUE_DMA:
        if (r.kind != REF_VF) {
            return vh_diag_fail(ld->diag, path, "'%s' is a %s; a rogue DMA "
                                "is attempted by a VF (\"host1/eth0/vf1\")",
                                e->target, ld_ref_what(r.kind));
        }
        if (!r.host->iommu_enabled) {
            return vh_diag_fail(ld->diag, path, "host '%s' has no IOMMU, so "
                                "nothing would stop the VF's write to "
                                "memory that is not its own; give it "
                                "\"iommu\": {\"enabled\": true} to see it "
                                "blocked", r.host->name);
        }
        return true;
    }
    return true;
}

/* The address of the host's own interface 'r' names, if it is one. */
static bool
ref_iface_ip(const struct ref *r, uint32_t *ip)
{
    if (r->kind == REF_INTERNAL && r->iport->has_ip) {
        *ip = r->iport->ip;
        return true;
    }
    if (r->kind == REF_VLANIF && r->nic) {
        *ip = r->vlanif->ip;
        return true;
    }
    return false;
}

/* Whether two traffic endpoints are one address of one host by two
 * names: the host ("host1") and its first address's interface
 * ("host1/mgmt", "host1/eth0.100"). */
static bool
same_host_addr(const struct ref *a, const struct ref *b)
{
    const struct ref *host = a->kind == REF_HOST ? a : b;
    const struct ref *iface = host == a ? b : a;
    struct ld_addr first;
    uint32_t ip;
    return host->kind == REF_HOST && iface->host == host->host
           && ref_iface_ip(iface, &ip)
           && ld_host_first_addr(host->host, &first) && first.ip == ip;
}

bool
ld_endpoints(struct ld *ld)
{
    const struct cfg_scenario *sc = ld->sc;
    char path[JP_LEN], why[512];

    for (size_t i = 0; i < sc->n_flows; i++) {
        const struct cfg_flow *f = &sc->flows[i];
        struct ref a, b;
        if (!check_endpoint(ld, f, "from", f->from, &a)
            || !check_endpoint(ld, f, "to", f->to, &b)) {
            return false;
        }
        if (a.kind == REF_PUBLISHED) {
            jp_key(path, f->jpath, "from");
            return vh_diag_fail(ld->diag, path, "'%s' is a published port: "
                                "where a flow goes to, not where it comes "
                                "from; name the container (\"%s/%s\")",
                                f->from, a.host->name, a.ctr->name);
        }
        if (b.kind == REF_PUBLISHED && b.pub->proto != f->proto) {
            jp_key(path, f->jpath, "to");
            return vh_diag_fail(ld->diag, path, "port %d of host '%s' is "
                                "published for %s, and this flow is %s",
                                b.port, b.host->name,
                                cfg_proto_names[b.pub->proto],
                                cfg_proto_names[f->proto]);
        }
        if ((a.kind == b.kind && a.host == b.host && a.vm == b.vm
             && a.ctr == b.ctr && a.vlanif == b.vlanif && a.iport == b.iport)
            || same_host_addr(&a, &b)) {
            jp_key(path, f->jpath, "to");
            return vh_diag_fail(ld->diag, path, "a flow needs two different "
                                "endpoints; it goes from '%s' to itself",
                                f->from);
        }
    }
    for (size_t i = 0; i < sc->n_captures; i++) {
        const struct cfg_capture *c = &sc->captures[i];
        struct ref r;
        jp_key(path, c->jpath, "point");
        if (!ld_resolve(sc, c->point, &r, why, sizeof why)
            && !implicit_bridge(sc, c->point)) {
            return vh_diag_fail(ld->diag, path, "%s", why);
        }
        if (r.kind == REF_VLANIF) {
            char nic[JP_LEN];
            snprintf(nic, sizeof nic, "%s/%s%s%s", r.host->name,
                     r.nic ? "" : r.vm->name, r.nic ? "" : "/",
                     r.nic ? r.nic->name : r.vnic->name);
            return vh_diag_fail(ld->diag, path, "'%s' is a VLAN "
                                "subinterface, which has no wire of its "
                                "own; capture on its NIC ('%s'), where "
                                "its frames carry their tag", c->point,
                                nic);
        }
    }
    for (size_t i = 0; i < sc->n_events; i++) {
        if (!check_event(ld, &sc->events[i])) {
            return false;
        }
    }
    return true;
}

/* ---- The raw tree, for variants. ---- */

/* The element of array 'key' of 'obj' whose "name" is 'name'. */
static cJSON *
find_named(cJSON *obj, const char *key, const char *name)
{
    cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, key);
    cJSON *e;
    cJSON_ArrayForEach(e, arr) {
        cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "name");
        if (cJSON_IsObject(e) && cJSON_IsString(n)
            && !strcmp(n->valuestring, name)) {
            return e;
        }
    }
    return NULL;
}

/* A VM's NIC named 'name': its "name", or for one without, the default
 * the loader gives it ("eth" and its place in the VM's nics[]). */
static cJSON *
find_vnic(cJSON *vm, const char *name)
{
    cJSON *arr = cJSON_GetObjectItemCaseSensitive(vm, "nics");
    cJSON *e;
    size_t i = 0;
    cJSON_ArrayForEach(e, arr) {
        cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "name");
        char def[32];
        snprintf(def, sizeof def, "eth%zu", i++);
        if (cJSON_IsObject(e) && !strcmp(cJSON_IsString(n) ? n->valuestring
                                         : n ? "" : def, name)) {
            return e;
        }
    }
    return NULL;
}

/* Appends the names in array 'key' of 'obj' to 'names'. */
static size_t
add_names(cJSON *obj, const char *key, const char **names, size_t n,
          size_t max)
{
    cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, key);
    cJSON *e;
    cJSON_ArrayForEach(e, arr) {
        cJSON *nm = cJSON_GetObjectItemCaseSensitive(e, "name");
        if (n < max && cJSON_IsString(nm)) {
            names[n++] = nm->valuestring;
        }
    }
    return n;
}

cJSON *
ld_raw_resolve(cJSON *root, const char *path, const struct schema **sch,
               char *why, size_t why_len)
{
    enum { MAX_NAMES = 256 };
    const char *names[MAX_NAMES];
    char copy[JP_LEN], where[160];
    char *parts[MAX_PARTS];
    size_t n = split(path, copy, sizeof copy, parts, why, why_len), k;
    cJSON *o;

    if (!n) {
        return NULL;
    }
    if (n > 3) {
        snprintf(why, why_len, "'%s' has too many parts", path);
        return NULL;
    }
    if ((o = find_named(root, "hosts", parts[0])) != NULL) {
        *sch = &sch_host;
    } else if ((o = find_named(root, "switches", parts[0])) != NULL) {
        *sch = &sch_switch;
    } else if ((o = find_named(root, "traffic", parts[0])) != NULL) {
        *sch = &sch_flow;
    } else {
        k = add_names(root, "hosts", names, 0, MAX_NAMES);
        k = add_names(root, "switches", names, k, MAX_NAMES);
        k = add_names(root, "traffic", names, k, MAX_NAMES);
        not_found("host, switch or flow", parts[0], NULL, names, k, why,
                  why_len);
        return NULL;
    }
    if (n == 1) {
        return o;
    }
    if (*sch != &sch_host) {
        snprintf(why, why_len, "'%s': only hosts and VMs have parts that a "
                 "variant can change", path);
        return NULL;
    }
    cJSON *host = o;
    if ((o = find_named(host, "nics", parts[1])) != NULL) {
        *sch = &sch_nic;
    } else if ((o = find_named(host, "bridges", parts[1])) != NULL) {
        *sch = &sch_bridge;
    } else if ((o = find_named(host, "vms", parts[1])) != NULL) {
        *sch = &sch_vm;
    } else if ((o = find_named(host, "containers", parts[1])) != NULL) {
        *sch = &sch_container;
    } else {
        k = add_names(host, "nics", names, 0, MAX_NAMES);
        k = add_names(host, "bridges", names, k, MAX_NAMES);
        k = add_names(host, "vms", names, k, MAX_NAMES);
        size_t before = k;
        k = add_names(host, "containers", names, k, MAX_NAMES);
        snprintf(where, sizeof where, "host '%s'", parts[0]);
        not_found(k > before ? "NIC, bridge, VM or container"
                  : "NIC, bridge or VM", parts[1], where, names, k, why,
                  why_len);
        return NULL;
    }
    if (n == 2) {
        return o;
    }
    if (*sch != &sch_vm) {
        snprintf(why, why_len, "'%s/%s' is a %s; only a VM has parts",
                 parts[0], parts[1], (*sch)->what);
        return NULL;
    }
    cJSON *vm = o;
    if ((o = find_vnic(vm, parts[2])) != NULL) {
        *sch = &sch_vnic;
        return o;
    }
    char defaults[MAX_NAMES][32];
    k = 0;
    cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(vm, "nics")) {
        cJSON *nm = cJSON_GetObjectItemCaseSensitive(e, "name");
        if (k < MAX_NAMES) {
            snprintf(defaults[k], sizeof defaults[k], "eth%zu", k);
            names[k] = cJSON_IsString(nm) ? nm->valuestring : defaults[k];
            k++;
        }
    }
    snprintf(where, sizeof where, "VM '%s/%s'", parts[0], parts[1]);
    not_found("NIC", parts[2], where, names, k, why, why_len);
    return NULL;
}

/* Splits "PATH.a.b" into the object PATH names, its schema, and the field
 * components; checks each component against the schema. */
static cJSON *
parse_set_key(cJSON *root, const char *key, char *copy, char **fields,
              size_t *n_fields, char *why, size_t why_len)
{
    const struct schema *sch;

    snprintf(copy, JP_LEN, "%s", key);
    if (!strcmp(copy, "duration")) {
        /* The one top-level key a variant may change: a lab may need a
         * longer run for one variant to show its effect. */
        fields[0] = copy;
        *n_fields = 1;
        return root;
    }
    char *dot = strchr(copy, '.');
    if (!dot || dot == copy || !dot[1]) {
        snprintf(why, why_len, "'%s' is not of the form PATH.field (such as "
                 "\"host1/vm1/eth0.model\")", key);
        return NULL;
    }
    *dot = '\0';
    cJSON *o = ld_raw_resolve(root, copy, &sch, why, why_len);
    if (!o) {
        return NULL;
    }

    *n_fields = 0;
    const struct schema *s = sch;
    for (char *f = dot + 1; f; ) {
        char *next = strchr(f, '.');
        if (next) {
            *next++ = '\0';
        }
        if (!s) {
            snprintf(why, why_len, "'%s' has no fields",
                     fields[*n_fields - 1]);
            return NULL;
        }
        const char *names[64];
        const struct schema_key *hit = NULL;
        size_t n_names = 0;
        for (size_t i = 0; i < s->n && i < 32; i++) {
            names[n_names++] = s->keys[i].name;
            if (!strcmp(s->keys[i].name, f)) {
                hit = &s->keys[i];
            }
        }
        /* The object's own fields may also be the keys a device class
         * reads (a VIC's "vifs"), which have no nested schema here. */
        bool class_key = false;
        if (s == sch) {
            size_t k = ld_class_keys(s, names + n_names, 64 - n_names);
            for (size_t i = n_names; i < n_names + k; i++) {
                class_key |= !strcmp(names[i], f);
            }
            n_names += k;
        }
        if (!hit && !class_key) {
            const char *guess = vh_suggest(f, names, n_names);
            if (guess) {
                snprintf(why, why_len, "a %s has no field '%s'; did you "
                         "mean '%s'?", s->what, f, guess);
            } else {
                char list[600];
                vh_join(names, n_names, list, sizeof list);
                snprintf(why, why_len, "a %s has no field '%s' (expected "
                         "one of %s)", s->what, f, list);
            }
            return NULL;
        }
        if (!strcmp(f, "name") && s == sch) {
            snprintf(why, why_len, "a variant cannot rename things: paths "
                     "elsewhere in the scenario use the names");
            return NULL;
        }
        fields[(*n_fields)++] = f;
        if (*n_fields == MAX_PARTS && next) {
            snprintf(why, why_len, "'%s' is nested too deeply", key);
            return NULL;
        }
        s = hit ? hit->sub : NULL;
        f = next;
    }
    return o;
}

bool
ld_check_set_key(cJSON *root, const char *key, char *why, size_t why_len)
{
    char copy[JP_LEN];
    char *fields[MAX_PARTS];
    size_t n;
    return parse_set_key(root, key, copy, fields, &n, why, why_len) != NULL;
}

bool
ld_apply_one(cJSON *root, const char *key, const cJSON *value, char *why,
             size_t why_len)
{
    char copy[JP_LEN];
    char *fields[MAX_PARTS];
    size_t n;
    cJSON *o = parse_set_key(root, key, copy, fields, &n, why, why_len);
    if (!o) {
        return false;
    }
    /* Walk to the object that holds the last field, creating nested
     * objects ("cpu" for "host1.cpu.cores") that are not there yet. */
    for (size_t i = 0; i + 1 < n; i++) {
        cJSON *sub = cJSON_GetObjectItemCaseSensitive(o, fields[i]);
        if (!sub || cJSON_IsNull(sub)) {
            if (cJSON_IsNull(value)) {
                return true;    /* Removing from what is not there. */
            }
            cJSON_DeleteItemFromObjectCaseSensitive(o, fields[i]);
            sub = cJSON_AddObjectToObject(o, fields[i]);
        } else if (!cJSON_IsObject(sub)) {
            snprintf(why, why_len, "'%s' is %s, not an object", fields[i],
                     ld_type_name(sub));
            return false;
        }
        o = sub;
    }
    const char *last = fields[n - 1];
    /* Every copy of a repeated key goes, so none is left behind. */
    while (cJSON_GetObjectItemCaseSensitive(o, last)) {
        cJSON_DeleteItemFromObjectCaseSensitive(o, last);
    }
    if (!cJSON_IsNull(value)) {
        cJSON *dup = cJSON_Duplicate(value, true);
        if (!dup) {
            snprintf(why, why_len, "out of memory");
            return false;
        }
        cJSON_AddItemToObject(o, last, dup);
    }
    return true;
}

bool
ld_apply_variant(cJSON *root, const char *name, struct vh_diag *diag)
{
    enum { MAX_NAMES = 256 };
    const char *names[MAX_NAMES];
    cJSON *variants = cJSON_GetObjectItemCaseSensitive(root, "variants");
    cJSON *v, *hit = NULL;
    size_t n = 0, idx = 0, hit_idx = 0;
    char why[512], list[512];

    if (!strcmp(name, "base")) {
        return true;            /* The scenario as written, as compare
                                 * calls it. */
    }
    if (!cJSON_IsArray(variants) || !cJSON_GetArraySize(variants)) {
        return vh_diag_fail(diag, "variants", "the scenario defines no "
                            "variants, so there is no variant '%s'", name);
    }
    cJSON_ArrayForEach(v, variants) {
        cJSON *nm = cJSON_GetObjectItemCaseSensitive(v, "name");
        if (cJSON_IsString(nm)) {
            if (n < MAX_NAMES) {
                names[n++] = nm->valuestring;
            }
            if (!hit && !strcmp(nm->valuestring, name)) {
                hit = v;
                hit_idx = idx;
            }
        }
        idx++;
    }
    if (!hit) {
        const char *guess = vh_suggest(name, names, n);
        vh_join(names, n, list, sizeof list);
        if (guess) {
            return vh_diag_fail(diag, "variants", "no variant named '%s'; "
                                "did you mean '%s'? (the variants: %s)",
                                name, guess, list);
        }
        return vh_diag_fail(diag, "variants", "no variant named '%s' (the "
                            "variants: %s)", name, list);
    }

    char vp[JP_LEN], sp[JP_LEN];
    jp_idx(vp, "variants", hit_idx);
    jp_key(sp, vp, "set");
    cJSON *set = cJSON_GetObjectItemCaseSensitive(hit, "set");
    if (!cJSON_IsObject(set)) {
        return vh_diag_fail(diag, sp, "expected an object of \"PATH.field\": "
                            "value pairs");
    }
    /* Apply a copy of the changes: they are part of the tree they change,
     * and the loaded variants[] must still read as written. */
    cJSON *changes = cJSON_Duplicate(set, true);
    bool ok = changes != NULL;
    cJSON *c;
    cJSON_ArrayForEach(c, changes) {
        if (ok && !ld_apply_one(root, c->string, c, why, sizeof why)) {
            char kp[JP_LEN];
            jp_key(kp, sp, c->string);
            ok = vh_diag_fail(diag, kp, "%s", why);
        }
    }
    cJSON_Delete(changes);
    return ok;
}
