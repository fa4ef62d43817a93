/* loader/scenario_containers.c: a host's container networks and
 * containers.
 *
 *   networks[]         name, driver (default "bridge"), subnet, and the
 *                      driver's own keys (models/container/netdrv.h:
 *                      "parent" and "mode" for macvlan and ipvlan);
 *                      extension "gateway": the network's gateway
 *                      address, default the subnet's first
 *   containers[]       name, network (default "bridge"), cpus, ip, mac,
 *                      parent and mode (network "macvlan" or "ipvlan"),
 *                      publish, vf (an sriov network: the parent's VF)
 *
 * A driver with no model yet would be refused before its keys, as a
 * switch mode without a class is.
 *
 * Beside networks[] the loader makes the networks a container's
 * "network" names without defining them: "bridge", Docker's default
 * network (docker0, 172.17.0.0/16, the gateway 172.17.0.1), and a
 * "macvlan" or "ipvlan" network per parent NIC ("macvlan@eth0", as
 * iproute2 writes a device stacked on another).  Addresses are
 * allocated as Docker's IPAM does: a container without "ip" takes the
 * next free address of its network's subnet in containers[] order,
 * after the gateway and skipping the addresses others were given; a
 * bridge network without "subnet" takes the next free /16 of Docker's
 * default pool (172.18.0.0/16, 172.19.0.0/16, ...). */
#include "loader/scenario_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/container/container.h"
#include "models/container/netdrv.h"
#include "sim/frame.h"

/* Docker's default network and its pools. */
#define DOCKER0_NET 0xac110000u         /* 172.17.0.0 */
#define DOCKER0_PREFIX 16
#define DOCKER_POOL_FIRST 0xac120000u   /* 172.18.0.0 */
#define DOCKER_POOL_LAST 0xac1f0000u    /* 172.31.0.0 */
#define WEAVE_NET 0x0a200000u           /* 10.32.0.0 */
#define WEAVE_PREFIX 12

/* The names a user-defined network may not take: Docker's predefined
 * networks, and the words "network" already gives a meaning. */
static const char *const reserved_nets[] = {
    "bridge", "host", "none", "macvlan", "ipvlan",
};

static uint32_t
mask_of(int prefix)
{
    return prefix ? 0xffffffffu << (32 - prefix) : 0;
}

/* "172.18.0.0/16": a network, host bits clear. */
static bool
load_subnet(struct ld *ld, const cJSON *o, const char *op, uint32_t *net,
            int *prefix)
{
    char path[JP_LEN], text[20];
    char *s = NULL;
    if (!ld_str(ld, o, op, "subnet", false, &s)) {
        return false;
    }
    if (!s) {
        return true;
    }
    jp_key(path, op, "subnet");
    uint32_t a = 0;
    int p = -1;
    bool ok = vh_ipv4_parse(s, &a, &p) && strchr(s, '/');
    if (!ok) {
        vh_diag_fail(ld->diag, path, "malformed subnet '%s' (expected a "
                     "network such as \"172.18.0.0/16\")", s);
    } else if (p < 8 || p > 30) {
        vh_diag_fail(ld->diag, path, "a /%d network leaves %s; give a "
                     "prefix length from 8 to 30", p,
                     p > 30 ? "no address for containers after the "
                     "gateway" : "too many addresses to be one network");
    } else if (a & ~mask_of(p)) {
        vh_diag_fail(ld->diag, path, "'%s' has host bits set; the network "
                     "is \"%s/%d\"", s, vh_ipv4_format(a & mask_of(p), text),
                     p);
    }
    free(s);
    if (ld->diag->failed) {
        return false;
    }
    *net = a;
    *prefix = p;
    return true;
}

/* A driver's "mode": one of its list, the default when absent. */
static bool
load_mode(struct ld *ld, const cJSON *o, const char *op,
          const struct net_driver *drv, char **out)
{
    char path[JP_LEN];
    char *s = NULL;
    if (!ld_str(ld, o, op, "mode", false, &s) || !s) {
        return !ld->diag->failed;
    }
    jp_key(path, op, "mode");
    size_t n = 0;
    bool known = false;
    while (drv->modes[n]) {
        known |= !strcmp(drv->modes[n++], s);
    }
    if (!known) {
        char list[256];
        const char *guess = vh_suggest(s, drv->modes, n);
        vh_join(drv->modes, n, list, sizeof list);
        vh_diag_fail(ld->diag, path, "unknown %s mode '%s'%s%s%s; expected "
                     "one of %s", drv->name, s, guess ? " (did you mean '"
                     : "", guess ? guess : "", guess ? "'?)" : "", list);
        free(s);
        return false;
    }
    for (const char *const *r = drv->refused_modes; r && *r; r++) {
        if (!strcmp(*r, s)) {
            vh_diag_fail(ld->diag, path, "not supported yet: %s mode '%s'",
                         drv->name, s);
            free(s);
            return false;
        }
    }
    *out = s;
    return true;
}

/* Keys of 'o' that the network's driver does not take. */
static bool
driver_keys(struct ld *ld, const cJSON *o, const char *op,
            const struct net_driver *drv, const char *const *generic,
            size_t n_generic, const char *whose)
{
    for (const cJSON *c = o->child; c; c = c->next) {
        bool ok = net_driver_has_key(drv, c->string);
        for (size_t i = 0; i < n_generic && !ok; i++) {
            ok = !strcmp(generic[i], c->string);
        }
        if (!ok) {
            char path[JP_LEN];
            jp_key(path, op, c->string);
            return vh_diag_fail(ld->diag, path, "'%s' does not apply to %s "
                                "of driver %s", c->string, whose, drv->name);
        }
    }
    return true;
}

static bool
load_network(struct ld *ld, const cJSON *o, const char *np,
             struct cfg_network *net)
{
    static const char *const generic[] = {
        "name", "driver", "subnet", "gateway",
    };
    char path[JP_LEN];
    int driver = CFG_ND_BRIDGE;
    long long vni = 0;

    net->jpath = ld_strdup(np);
    if (!ld_is_object(ld, o, np)
        || !ld_enum(ld, o, np, "driver", "network driver",
                    cfg_netdriver_names, N_NAMES(cfg_netdriver_names),
                    &driver)) {
        return false;
    }
    net->driver = (enum cfg_netdriver) driver;
    net->drv = net_driver_find(cfg_netdriver_names[driver]);
    if (!net->drv) {
        /* Before its keys: a driver without a model has no list of them
         * yet, and the driver is what to say. */
        jp_key(path, np, "driver");
        return vh_diag_fail(ld->diag, path, "not supported yet: network "
                            "driver '%s'", cfg_netdriver_names[driver]);
    }
    if (!ld_keys(ld, o, np, &sch_network)
        || !driver_keys(ld, o, np, net->drv, generic, N_NAMES(generic),
                        "networks")
        || !ld_name(ld, o, np, &net->name)
        || !load_subnet(ld, o, np, &net->subnet, &net->prefix)
        || !ld_str(ld, o, np, "parent", net->drv->needs_parent,
                   &net->parent)
        || (net->drv->modes && !load_mode(ld, o, np, net->drv, &net->mode))
        || !ld_int(ld, o, np, "vni", false, 1, 16777215, "a VNI has 24 "
                   "bits", &vni)) {
        return false;
    }
    net->vni = (uint32_t) vni;
    if (net->driver == CFG_ND_WEAVE && !net->prefix) {
        net->subnet = WEAVE_NET;    /* Weave's default IPALLOC_RANGE. */
        net->prefix = WEAVE_PREFIX;
    }
    for (size_t i = 0; i < N_NAMES(reserved_nets); i++) {
        if (!strcmp(net->name, reserved_nets[i])) {
            jp_key(path, np, "name");
            return vh_diag_fail(ld->diag, path, "'%s' is a predefined "
                                "network (a container's \"network\": "
                                "\"%s\" means it); give this one another "
                                "name", net->name, net->name);
        }
    }
    char *gws = NULL;
    if (!ld_str(ld, o, np, "gateway", false, &gws)) {
        return false;
    }
    if (gws) {
        uint32_t gw = 0, m = mask_of(net->prefix);
        int p = 32;
        char a[20], b[20];
        jp_key(path, np, "gateway");
        if (!vh_ipv4_parse(gws, &gw, &p) || strchr(gws, '/')) {
            vh_diag_fail(ld->diag, path, "malformed gateway '%s' (expected "
                         "an address such as \"172.18.0.1\")", gws);
        } else if (!net->prefix) {
            vh_diag_fail(ld->diag, path, "a gateway needs the network's "
                         "\"subnet\"");
        } else if ((gw & m) != net->subnet || gw == net->subnet
                   || gw == (net->subnet | ~m)) {
            vh_diag_fail(ld->diag, path, "gateway %s is not a host address "
                         "of the network's subnet %s/%d",
                         vh_ipv4_format(gw, a),
                         vh_ipv4_format(net->subnet, b), net->prefix);
        }
        free(gws);
        if (ld->diag->failed) {
            return false;
        }
        net->gateway = gw;
    }
    if (net->driver == CFG_ND_BRIDGE) {
        /* Docker's "br-" and the network's id; vhsim uses its name, as
         * com.docker.network.bridge.name would, cut to Linux's 15. */
        char br[16];
        snprintf(br, sizeof br, "br-%.12s", net->name);
        net->bridge = ld_strdup(br);
    }
    return true;
}

/* Whether a network of driver 'd' spans hosts: one name, one subnet and
 * one address allocator for every host that declares it. */
static bool
spans_hosts(enum cfg_netdriver d)
{
    return d == CFG_ND_OVERLAY || d == CFG_ND_CALICO || d == CFG_ND_FLANNEL
           || d == CFG_ND_WEAVE || d == CFG_ND_SRIOV;
}

/* A network that spans hosts is one network wherever it is declared: a
 * host before 'host' naming 'net' with another such driver is refused
 * here, at the driver, before the two allocators hand out the same
 * addresses and the error would be about those.  A local network (a
 * bridge, macvlan or ipvlan) of the same name is another network. */
static bool
same_driver_across_hosts(struct ld *ld, const struct cfg_host *host,
                         const struct cfg_network *net, const char *np)
{
    for (const struct cfg_host *o = ld->sc->hosts; o < host; o++) {
        for (size_t k = 0; k < o->n_networks; k++) {
            const struct cfg_network *on = &o->networks[k];
            if (strcmp(on->name, net->name) || on->driver == net->driver
                || !spans_hosts(on->driver) || !spans_hosts(net->driver)) {
                continue;
            }
            char path[JP_LEN];
            jp_key(path, np, "driver");
            return vh_diag_fail(ld->diag, path, "network '%s' is '%s' here "
                                "and '%s' at %s; a network that spans hosts "
                                "has one driver on every host (or give the "
                                "other one another name)", net->name,
                                cfg_netdriver_names[net->driver],
                                cfg_netdriver_names[on->driver], on->jpath);
        }
    }
    return true;
}

bool
ld_networks(struct ld *ld, const cJSON *h, const char *hp,
            struct cfg_host *host)
{
    const cJSON *arr;
    char ap[JP_LEN];
    if (!ld_array(ld, h, hp, "networks", &arr)) {
        return false;
    }
    jp_key(ap, hp, "networks");
    host->n_networks = (size_t) cJSON_GetArraySize(arr);
    host->networks = ld_calloc(host->n_networks, sizeof *host->networks);
    size_t i = 0;
    for (const cJSON *c = arr ? arr->child : NULL; c; c = c->next, i++) {
        char np[JP_LEN];
        jp_idx(np, ap, i);
        if (!load_network(ld, c, np, &host->networks[i])) {
            return false;
        }
        for (size_t k = 0; k < i; k++) {
            if (!strcmp(host->networks[k].name, host->networks[i].name)) {
                char path[JP_LEN];
                jp_key(path, np, "name");
                return vh_diag_fail(ld->diag, path, "duplicate network name "
                                    "'%s' (also %s)", host->networks[i].name,
                                    host->networks[k].jpath);
            }
        }
        if (!same_driver_across_hosts(ld, host, &host->networks[i], np)) {
            return false;
        }
    }
    return true;
}

/* --- Containers. --- */

/* The network named 'name' of 'host', or -1. */
static long
find_network(const struct cfg_host *host, const char *name)
{
    for (size_t i = 0; i < host->n_networks; i++) {
        if (!strcmp(host->networks[i].name, name)) {
            return (long) i;
        }
    }
    return -1;
}

/* A network the loader makes for the container at 'cp': Docker's default
 * network, or a macvlan or ipvlan one on 'parent'. */
static size_t
implicit_network(struct cfg_host *host, enum cfg_netdriver d,
                 const char *parent, const char *cp)
{
    char name[96];
    if (d == CFG_ND_BRIDGE) {
        snprintf(name, sizeof name, "bridge");
    } else {
        snprintf(name, sizeof name, "%s@%s", cfg_netdriver_names[d], parent);
    }
    long i = find_network(host, name);
    if (i >= 0) {
        return (size_t) i;
    }
    host->networks = realloc(host->networks, (host->n_networks + 1)
                                             * sizeof *host->networks);
    if (!host->networks) {
        abort();
    }
    struct cfg_network *net = &host->networks[host->n_networks];
    memset(net, 0, sizeof *net);
    net->name = ld_strdup(name);
    net->jpath = ld_strdup(cp);
    net->driver = d;
    net->drv = net_driver_find(cfg_netdriver_names[d]);
    net->implicit = true;
    if (d == CFG_ND_BRIDGE) {
        net->subnet = DOCKER0_NET;
        net->prefix = DOCKER0_PREFIX;
        net->bridge = ld_strdup("docker0");
    } else {
        net->parent = ld_strdup(parent);
    }
    return host->n_networks++;
}

/* A port of a mapping, or a range "LO-HI" of them: false if 's' is
 * neither. */
static bool
parse_port_range(const char *s, long *lo, long *hi)
{
    char *end = NULL;
    if (!*s || *s == '-') {
        return false;
    }
    *lo = strtol(s, &end, 10);
    *hi = *lo;
    if (*end == '-') {
        const char *h = end + 1;
        if (!*h) {
            return false;
        }
        *hi = strtol(h, &end, 10);
    }
    return !*end && *lo >= 1 && *hi <= 65535 && *lo <= *hi;
}

/* "publish": Docker's "[IP:]HOST:CONTAINER[/PROTO]", where HOST and
 * CONTAINER may be ranges of as many ports ("8080-8081:9-10" publishes
 * 8080 to 9 and 8081 to 10), or HOST a range and CONTAINER one port, of
 * which Docker binds the first free host port (here the first). */
static bool
load_publish(struct ld *ld, const cJSON *o, const char *cp,
             struct cfg_container *c)
{
    const cJSON *arr;
    char path[JP_LEN];
    if (!ld_array(ld, o, cp, "publish", &arr) || !arr) {
        return !ld->diag->failed;
    }
    jp_key(path, cp, "publish");
    size_t cap = 0;
    c->n_publish = 0;
    size_t i = 0;
    for (const cJSON *e = arr->child; e; e = e->next, i++) {
        char ep[JP_LEN];
        jp_idx(ep, path, i);
        if (!cJSON_IsString(e)) {
            return vh_diag_fail(ld->diag, ep, "expected a port mapping such "
                                "as \"8080:9/udp\", got %s",
                                ld_type_name(e));
        }
        const char *s = e->valuestring;
        struct cfg_publish pub = { .proto = CFG_PROTO_TCP };  /* Docker's
                                                               * default. */
        char buf[80], *parts[4];
        size_t n = 0;
        snprintf(buf, sizeof buf, "%s", s);
        char *slash = strchr(buf, '/');
        if (slash) {
            *slash = '\0';
            if (!strcmp(slash + 1, "udp")) {
                pub.proto = CFG_PROTO_UDP;
            } else if (strcmp(slash + 1, "tcp")) {
                return vh_diag_fail(ld->diag, ep, "'%s': unknown protocol "
                                    "'%s'; expected udp or tcp", s,
                                    slash + 1);
            }
        }
        for (char *p = buf; p && n < 4; ) {
            parts[n++] = p;
            p = strchr(p, ':');
            if (p) {
                *p++ = '\0';
            }
        }
        if (n < 2 || n > 3) {
            return vh_diag_fail(ld->diag, ep, "'%s' is not a port mapping: "
                                "expected HOST:CONTAINER[/PROTO] or "
                                "IP:HOST:CONTAINER[/PROTO], such as "
                                "\"8080:9/udp\"%s", s, n == 1
                                ? " (a container port alone lets Docker "
                                "pick the host's port; give it)" : "");
        }
        if (n == 3) {
            int prefix = 32;
            if (!vh_ipv4_parse(parts[0], &pub.host_ip, &prefix)
                || strchr(parts[0], '/')) {
                return vh_diag_fail(ld->diag, ep, "'%s': '%s' is not an "
                                    "IPv4 address of the host", s,
                                    parts[0]);
            }
        }
        long lo[2], hi[2];
        for (size_t k = 0; k < 2; k++) {
            if (!parse_port_range(parts[n - 2 + k], &lo[k], &hi[k])) {
                return vh_diag_fail(ld->diag, ep, "'%s': '%s' is not a port "
                                    "(1 to 65535) or a range of them "
                                    "(\"8080-8081\")", s, parts[n - 2 + k]);
            }
        }
        long count = hi[1] - lo[1] + 1;
        if (count > 1 && hi[0] - lo[0] + 1 != count) {
            return vh_diag_fail(ld->diag, ep, "'%s': %ld host ports for %ld "
                                "container ports; a range of container "
                                "ports needs as many host ports (Docker: "
                                "\"invalid ranges specified\")", s,
                                hi[0] - lo[0] + 1, count);
        }
        for (long k = 0; k < count; k++) {
            pub.host_port = (uint16_t) (lo[0] + k);
            pub.ctr_port = (uint16_t) (lo[1] + k);
            for (size_t m = 0; m < c->n_publish; m++) {
                if (c->publish[m].host_port == pub.host_port
                    && c->publish[m].proto == pub.proto) {
                    return vh_diag_fail(ld->diag, ep, "host port %u/%s is "
                                        "published twice", pub.host_port,
                                        cfg_proto_names[pub.proto]);
                }
            }
            if (c->n_publish == cap) {
                cap = cap ? 2 * cap : 4;
                struct cfg_publish *more = realloc(c->publish,
                                                   cap * sizeof *more);
                if (!more) {
                    return vh_diag_fail(ld->diag, ep, "out of memory");
                }
                c->publish = more;
            }
            c->publish[c->n_publish++] = pub;
        }
    }
    return true;
}

static bool
load_cpus(struct ld *ld, const cJSON *o, const char *cp,
          const struct cfg_host *host, struct cfg_container *c)
{
    const cJSON *arr;
    char path[JP_LEN];
    if (!ld_array(ld, o, cp, "cpus", &arr) || !arr) {
        return !ld->diag->failed;
    }
    jp_key(path, cp, "cpus");
    c->n_cpus = (size_t) cJSON_GetArraySize(arr);
    if (!c->n_cpus) {
        return vh_diag_fail(ld->diag, path, "an empty list of cores; leave "
                            "\"cpus\" out to let the host place the "
                            "container");
    }
    c->cpus = ld_calloc(c->n_cpus, sizeof *c->cpus);
    size_t i = 0;
    for (const cJSON *e = arr->child; e; e = e->next, i++) {
        char ep[JP_LEN];
        jp_idx(ep, path, i);
        double d = cJSON_IsNumber(e) ? e->valuedouble : -1;
        if (!cJSON_IsNumber(e) || d != floor(d)) {
            return vh_diag_fail(ld->diag, ep, "expected a host core number, "
                                "got %s", ld_type_name(e));
        }
        if (d < 0 || d >= host->cpu.cores) {
            return vh_diag_fail(ld->diag, ep, "core %.15g does not exist; "
                                "host '%s' has cores 0 to %d", d, host->name,
                                host->cpu.cores - 1);
        }
        c->cpus[i] = (int) d;
        for (size_t k = 0; k < i; k++) {
            if (c->cpus[k] == c->cpus[i]) {
                return vh_diag_fail(ld->diag, ep, "core %d is listed twice",
                                    c->cpus[i]);
            }
        }
    }
    return true;
}

/* Reads a container's "network" and what goes with it. */
static bool
load_ctr_network(struct ld *ld, const cJSON *o, const char *cp,
                 struct cfg_host *host, struct cfg_container *c)
{
    static const char *const mv_keys[] = { "parent", "mode" };
    char path[JP_LEN];
    const char *nw = c->network;
    bool stacked = !strcmp(nw, "macvlan") || !strcmp(nw, "ipvlan");

    jp_key(path, cp, "network");
    for (size_t k = 0; k < N_NAMES(mv_keys) && !stacked; k++) {
        if (!ld_absent_or_null(o, mv_keys[k])) {
            char kp[JP_LEN];
            jp_key(kp, cp, mv_keys[k]);
            return vh_diag_fail(ld->diag, kp, "'%s' applies only to a "
                                "container whose \"network\" is macvlan or "
                                "ipvlan (a network of networks[] has its "
                                "own)", mv_keys[k]);
        }
    }
    if (!strcmp(nw, "host")) {
        c->mode = CFG_CTR_HOST;
        return true;
    }
    if (!strcmp(nw, "none")) {
        c->mode = CFG_CTR_NONE;
        return true;
    }
    if (!strncmp(nw, "container:", 10)) {
        c->mode = CFG_CTR_SHARED;
        if (!nw[10]) {
            return vh_diag_fail(ld->diag, path, "'container:' names no "
                                "container; write \"container:NAME\"");
        }
        return true;            /* Resolved once all are loaded. */
    }
    c->mode = CFG_CTR_NET;
    if (!strcmp(nw, "bridge")) {
        c->net = implicit_network(host, CFG_ND_BRIDGE, NULL, cp);
        return true;
    }
    if (stacked) {
        enum cfg_netdriver d = nw[0] == 'm' ? CFG_ND_MACVLAN : CFG_ND_IPVLAN;
        const struct net_driver *drv = net_driver_find(cfg_netdriver_names[d]);
        if (!drv) {
            return vh_diag_fail(ld->diag, path, "not supported yet: network "
                                "driver '%s'", nw);
        }
        if (!ld_str(ld, o, cp, "parent", true, &c->parent)
            || !load_mode(ld, o, cp, drv, &c->mode_name)) {
            return false;
        }
        c->net = implicit_network(host, d, c->parent, cp);
        return true;
    }
    long i = find_network(host, nw);
    if (i < 0 || host->networks[i].implicit) {
        size_t n = N_NAMES(reserved_nets) + host->n_networks;
        const char **names = ld_calloc(n + 1, sizeof *names);
        size_t k = 0;
        for (size_t r = 0; r < N_NAMES(reserved_nets); r++) {
            names[k++] = reserved_nets[r];
        }
        for (size_t r = 0; r < host->n_networks; r++) {
            if (!host->networks[r].implicit) {
                names[k++] = host->networks[r].name;
            }
        }
        const char *guess = vh_suggest(nw, names, k);
        char list[400];
        vh_join(names, k, list, sizeof list);
        if (guess) {
            vh_diag_fail(ld->diag, path, "host '%s' has no network named "
                         "'%s'; did you mean '%s'?", host->name, nw, guess);
        } else {
            vh_diag_fail(ld->diag, path, "host '%s' has no network named "
                         "'%s' (expected one of %s, or \"container:NAME\")",
                         host->name, nw, list);
        }
        free(names);
        return false;
    }
    c->net = (size_t) i;
    return true;
}

static bool
load_container(struct ld *ld, const cJSON *o, const char *cp,
               struct cfg_host *host, struct cfg_container *c)
{
    char path[JP_LEN];
    bool has_ip = false;

    c->jpath = ld_strdup(cp);
    if (!ld_is_object(ld, o, cp) || !ld_keys(ld, o, cp, &sch_container)
        || !ld_name(ld, o, cp, &c->name)
        || !ld_str(ld, o, cp, "network", false, &c->network)) {
        return false;
    }
    if (!c->network) {
        c->network = ld_strdup("bridge");   /* Docker's default. */
    }
    if (!load_ctr_network(ld, o, cp, host, c)
        || !load_cpus(ld, o, cp, host, c)
        || !ld_load_ip(ld, o, cp, false, &c->ip, &c->prefix, &has_ip)
        || !ld_load_mac(ld, o, cp, &c->mac, &c->has_mac)
        || !load_publish(ld, o, cp, c)) {
        return false;
    }
    c->ip_given = has_ip;
    long long vf = -1;
    if (!ld_int(ld, o, cp, "vf", false, 0, 255, "a NIC has at most 256 VFs",
                &vf)) {
        return false;
    }
    c->vf = (int) vf;
    if (vf >= 0 && (c->mode != CFG_CTR_NET
                    || host->networks[c->net].driver != CFG_ND_SRIOV)) {
        jp_key(path, cp, "vf");
        return vh_diag_fail(ld->diag, path, "'vf' applies only to a "
                            "container on an sriov network");
    }
    const char *key = c->mode == CFG_CTR_NET ? NULL
                      : has_ip ? "ip" : c->has_mac ? "mac"
                      : c->n_publish ? "publish" : NULL;
    if (key) {
        jp_key(path, cp, key);
        return vh_diag_fail(ld->diag, path, "'%s' applies only to a "
                            "container with a namespace of its own on a "
                            "network; with \"network\": \"%s\" it %s", key,
                            c->network, c->mode == CFG_CTR_HOST
                            ? "uses the host's addresses and ports (Docker "
                              "discards published ports then)"
                            : c->mode == CFG_CTR_NONE
                            ? "has only a loopback interface"
                            : "shares the other container's interface");
    }
    if (c->n_publish && !host->networks[c->net].drv->publishes) {
        jp_key(path, cp, "publish");
        return vh_diag_fail(ld->diag, path, "'publish' applies only to "
                            "containers on a bridge network (network '%s' "
                            "is %s: its containers are reached at their "
                            "own addresses)", host->networks[c->net].name,
                            host->networks[c->net].drv->name);
    }
    return true;
}

/* container:NAME, resolved to the container that owns the namespace. */
static bool
resolve_shared(struct ld *ld, struct cfg_host *host, size_t i)
{
    struct cfg_container *c = &host->containers[i];
    char path[JP_LEN];
    jp_key(path, c->jpath, "network");
    size_t at = i;
    for (size_t hops = 0; host->containers[at].mode == CFG_CTR_SHARED;
         hops++) {
        const char *want = host->containers[at].network + 10;
        size_t k = 0;
        while (k < host->n_containers
               && strcmp(host->containers[k].name, want)) {
            k++;
        }
        if (k == host->n_containers) {
            const char **names = ld_calloc(host->n_containers + 1,
                                           sizeof *names);
            for (size_t m = 0; m < host->n_containers; m++) {
                names[m] = host->containers[m].name;
            }
            const char *guess = vh_suggest(want, names, host->n_containers);
            vh_diag_fail(ld->diag, path, "host '%s' has no container named "
                         "'%s'%s%s%s", host->name, want,
                         guess ? "; did you mean '" : "",
                         guess ? guess : "", guess ? "'?" : "");
            free(names);
            return false;
        }
        if (k == i || hops > host->n_containers) {
            return vh_diag_fail(ld->diag, path, "'%s' leads back to "
                                "container '%s' itself; a chain of "
                                "container:NAME must end at a container "
                                "with a namespace of its own", c->network,
                                c->name);
        }
        at = k;
    }
    c->share = at;
    return true;
}

/* The first free /16 of Docker's pool for a bridge network without
 * "subnet". */
static bool
default_subnet(struct ld *ld, struct cfg_host *host, struct cfg_network *net)
{
    for (uint32_t s = DOCKER_POOL_FIRST; s <= DOCKER_POOL_LAST;
         s += 1u << 16) {
        bool used = false;
        for (size_t i = 0; i < host->n_networks && !used; i++) {
            const struct cfg_network *o = &host->networks[i];
            used = o->prefix && (s & mask_of(o->prefix)) == o->subnet;
        }
        for (size_t i = 0; i < host->n_nics && !used; i++) {
            const struct cfg_nic *n = &host->nics[i];
            used = n->has_ip && (n->ip & mask_of(16)) == s;
        }
        if (!used) {
            net->subnet = s;
            net->prefix = 16;
            return true;
        }
    }
    return vh_diag_fail(ld->diag, net->jpath, "Docker's default address "
                        "pool (172.17.0.0/16 to 172.31.0.0/16) is used up; "
                        "give the network a \"subnet\"");
}

/* Addresses: the gateway, then what containers gave, then the rest in
 * order. */
static bool
allocate(struct ld *ld, struct cfg_host *host, size_t ni)
{
    struct cfg_network *net = &host->networks[ni];
    char path[JP_LEN], a[20], b[20];
    uint32_t mask = mask_of(net->prefix);
    if (net->prefix && !net->gateway) {
        net->gateway = net->subnet + 1;
    }
    uint32_t last = net->subnet | ~mask;   /* The broadcast address. */
    for (size_t i = 0; i < host->n_containers; i++) {
        struct cfg_container *c = &host->containers[i];
        if (c->mode != CFG_CTR_NET || c->net != ni) {
            continue;
        }
        net->n_members++;
        if (!c->ip_given) {
            continue;
        }
        jp_key(path, c->jpath, "ip");
        if (!net->prefix) {
            continue;           /* On the parent's LAN: its own /prefix. */
        }
        if ((c->ip & mask) != net->subnet) {
            return vh_diag_fail(ld->diag, path, "%s is not in network "
                                "'%s''s subnet %s/%d",
                                vh_ipv4_format(c->ip, a), net->name,
                                vh_ipv4_format(net->subnet, b), net->prefix);
        }
        if (c->ip == net->gateway) {
            return vh_diag_fail(ld->diag, path, "%s is network '%s''s "
                                "gateway", vh_ipv4_format(c->ip, a),
                                net->name);
        }
        c->prefix = net->prefix;
        for (size_t k = 0; k < i; k++) {
            const struct cfg_container *o = &host->containers[k];
            if (o->mode == CFG_CTR_NET && o->net == ni && o->ip_given
                && o->ip == c->ip) {
                return vh_diag_fail(ld->diag, path, "%s is also the address "
                                    "of %s", vh_ipv4_format(c->ip, a),
                                    o->jpath);
            }
        }
    }
    uint32_t next = net->subnet + 1;
    if (net->driver == CFG_ND_FLANNEL && net->prefix && net->prefix < 24) {
        /* flanneld leases each host a /24 of the network (SubnetLen 24),
         * in the order of hosts[] here; cni0 holds its first address. */
        uint32_t k = 0;
        for (const struct cfg_host *o = ld->sc->hosts; o < host; o++) {
            for (size_t i = 0; i < o->n_networks; i++) {
                k += o->networks[i].driver == CFG_ND_FLANNEL
                     && !strcmp(o->networks[i].name, net->name);
            }
        }
        uint32_t block = net->subnet + (k << 8);
        if ((block & mask) != net->subnet) {
            return vh_diag_fail(ld->diag, net->jpath, "network '%s' (%s/%d) "
                                "has no /24 left for this host", net->name,
                                vh_ipv4_format(net->subnet, a), net->prefix);
        }
        net->gateway = block + 1;
        next = block + 2;
        mask = 0xffffff00u;
        last = block | 0xffu;
    }
    if (net->driver == CFG_ND_OVERLAY || net->driver == CFG_ND_CALICO
        || net->driver == CFG_ND_SRIOV || net->driver == CFG_ND_WEAVE) {
        /* One subnet across hosts: go on where the hosts before this one
         * stopped, as Docker's one allocator for the swarm does. */
        for (struct cfg_host *o = ld->sc->hosts; o < host; o++) {
            for (size_t k = 0; k < o->n_containers; k++) {
                const struct cfg_container *oc = &o->containers[k];
                if (oc->mode == CFG_CTR_NET
                    && o->networks[oc->net].driver == net->driver
                    && !strcmp(o->networks[oc->net].name, net->name)
                    && oc->ip >= next) {
                    next = oc->ip + 1;
                }
            }
        }
    }
    for (size_t i = 0; i < host->n_containers; i++) {
        struct cfg_container *c = &host->containers[i];
        if (c->mode != CFG_CTR_NET || c->net != ni || c->ip_given) {
            continue;
        }
        if (!net->prefix) {
            jp_key(path, c->jpath, "ip");
            return vh_diag_fail(ld->diag, c->jpath, "missing required key "
                                "'ip': network '%s' has no \"subnet\" to "
                                "take an address from (a %s container is "
                                "on its parent's LAN; give it an address "
                                "there)", net->name, net->drv->name);
        }
        for (;;) {
            bool taken = next == net->gateway;
            for (size_t k = 0; k < host->n_containers && !taken; k++) {
                const struct cfg_container *o = &host->containers[k];
                taken = o->mode == CFG_CTR_NET && o->net == ni
                        && o->ip_given && o->ip == next;
            }
            if (!taken) {
                break;
            }
            next++;
        }
        if (next >= last) {
            return vh_diag_fail(ld->diag, c->jpath, "network '%s' (%s/%d) "
                                "has no address left for this container",
                                net->name, vh_ipv4_format(net->subnet, a),
                                net->prefix);
        }
        c->ip = next++;
        c->prefix = net->driver == CFG_ND_FLANNEL ? 24 : net->prefix;
    }
    return true;
}

bool
ld_containers(struct ld *ld, const cJSON *h, const char *hp,
              struct cfg_host *host)
{
    const cJSON *arr;
    char ap[JP_LEN];
    if (!ld_array(ld, h, hp, "containers", &arr)) {
        return false;
    }
    jp_key(ap, hp, "containers");
    if (!ld_count_total(ld, arr, ap, &ld->n_containers, LD_MAX_CONTAINERS,
                        "containers")) {
        return false;
    }
    host->n_containers = (size_t) cJSON_GetArraySize(arr);
    host->containers = ld_calloc(host->n_containers,
                                 sizeof *host->containers);
    size_t i = 0;
    for (const cJSON *c = arr ? arr->child : NULL; c; c = c->next, i++) {
        char cp[JP_LEN];
        jp_idx(cp, ap, i);
        if (!load_container(ld, c, cp, host, &host->containers[i])) {
            return false;
        }
    }
    for (i = 0; i < host->n_containers; i++) {
        if (host->containers[i].mode == CFG_CTR_SHARED
            && !resolve_shared(ld, host, i)) {
            return false;
        }
    }
    for (size_t n = 0; n < host->n_networks; n++) {
        struct cfg_network *net = &host->networks[n];
        if (!net->prefix && net->drv && net->drv->subnet_default
            && !default_subnet(ld, host, net)) {
            return false;
        }
        if (!allocate(ld, host, n)) {
            return false;
        }
    }
    for (i = 0; i < host->n_containers; i++) {
        struct cfg_container *c = &host->containers[i];
        if (c->mode == CFG_CTR_NET && !c->has_mac) {
            ctr_default_mac(c->ip, &c->mac);
        }
    }
    return true;
}

void
ld_free_containers(struct cfg_host *h)
{
    for (size_t i = 0; h->networks && i < h->n_networks; i++) {
        struct cfg_network *n = &h->networks[i];
        free(n->name);
        free(n->jpath);
        free(n->bridge);
        free(n->parent);
        free(n->mode);
    }
    free(h->networks);
    for (size_t i = 0; h->containers && i < h->n_containers; i++) {
        struct cfg_container *c = &h->containers[i];
        free(c->name);
        free(c->jpath);
        free(c->network);
        free(c->cpus);
        free(c->parent);
        free(c->mode_name);
        free(c->publish);
    }
    free(h->containers);
}

/* --- Checks across objects. --- */

static bool
overlap(uint32_t a, int pa, uint32_t b, int pb)
{
    int p = pa < pb ? pa : pb;
    return p && (a & mask_of(p)) == (b & mask_of(p));
}

/* Names: a host's containers among its NICs, bridges and VMs (paths
 * such as "host1/web" name any of them), and the bridges its networks
 * make. */
static bool
check_ctr_names(struct ld *ld, const struct cfg_host *h)
{
    for (size_t i = 0; i < h->n_containers; i++) {
        const struct cfg_container *c = &h->containers[i];
        char path[JP_LEN];
        jp_key(path, c->jpath, "name");
        for (size_t k = 0; k < i; k++) {
            if (!strcmp(h->containers[k].name, c->name)) {
                return vh_diag_fail(ld->diag, path, "duplicate container "
                                    "name '%s' (also %s)", c->name,
                                    h->containers[k].jpath);
            }
        }
        const char *what = NULL, *where = NULL;
        for (size_t k = 0; k < h->n_nics && !what; k++) {
            if (!strcmp(h->nics[k].name, c->name)) {
                what = "NIC", where = h->nics[k].jpath;
            }
        }
        for (size_t k = 0; k < h->n_bridges && !what; k++) {
            if (!strcmp(h->bridges[k].name, c->name)) {
                what = "bridge", where = h->bridges[k].jpath;
            }
        }
        for (size_t k = 0; k < h->n_vms && !what; k++) {
            if (!strcmp(h->vms[k].name, c->name)) {
                what = "VM", where = h->vms[k].jpath;
            }
        }
        for (size_t k = 0; k < h->n_networks && !what; k++) {
            if (h->networks[k].bridge
                && !strcmp(h->networks[k].bridge, c->name)) {
                what = "the Linux bridge of network",
                where = h->networks[k].name;
            }
        }
        if (what) {
            return vh_diag_fail(ld->diag, path, "container name '%s' is "
                                "also the name of %s %s; a host's NICs, "
                                "bridges, VMs and containers must have "
                                "different names (paths such as "
                                "\"host1/web\" name any of them)", c->name,
                                what, where);
        }
    }
    for (size_t i = 0; i < h->n_networks; i++) {
        const struct cfg_network *n = &h->networks[i];
        if (!n->bridge) {
            continue;
        }
        const char *clash = NULL;
        for (size_t k = 0; k < h->n_nics && !clash; k++) {
            clash = strcmp(h->nics[k].name, n->bridge) ? NULL
                    : h->nics[k].jpath;
        }
        for (size_t k = 0; k < h->n_bridges && !clash; k++) {
            clash = strcmp(h->bridges[k].name, n->bridge) ? NULL
                    : h->bridges[k].jpath;
        }
        for (size_t k = 0; k < h->n_vms && !clash; k++) {
            clash = strcmp(h->vms[k].name, n->bridge) ? NULL
                    : h->vms[k].jpath;
        }
        for (size_t k = 0; k < i && !clash; k++) {
            clash = h->networks[k].bridge
                    && !strcmp(h->networks[k].bridge, n->bridge)
                    ? h->networks[k].jpath : NULL;
        }
        if (clash) {
            return vh_diag_fail(ld->diag, n->jpath, "network '%s' makes the "
                                "Linux bridge '%s', which is also the name "
                                "of %s; rename one", n->name, n->bridge,
                                clash);
        }
    }
    return true;
}

/* The PF 'nic' of sriov network i of host 'h': it has VFs, is not
 * passed through, and has one for each pod on it besides the VMs' (the
 * VFs a pod asks for by "vf" exist and are nobody else's). */
static bool
check_sriov_parent(struct ld *ld, const struct cfg_host *h, size_t i,
                   const struct cfg_nic *nic)
{
    const struct cfg_network *n = &h->networks[i];
    char path[JP_LEN];
    jp_key(path, n->jpath, "parent");
    if (!nic->sriov_vfs) {
        return vh_diag_fail(ld->diag, path, "NIC '%s' has no SR-IOV; give "
                            "it \"sriov\": {\"vfs\": N} (the sriov driver "
                            "hands each container one of its VFs)",
                            nic->name);
    }
    int taken = 0;
    for (size_t v = 0; v < h->n_vms; v++) {
        for (size_t k = 0; k < h->vms[v].n_nics; k++) {
            const struct cfg_vnic *vn = &h->vms[v].nics[k];
            if (strcmp(vn->attach_to, nic->name)) {
                continue;
            }
            if (vn->attach == CFG_AT_PASSTHROUGH) {
                return vh_diag_fail(ld->diag, path, "NIC '%s' is passed "
                                    "through to a VM (%s), VFs and all",
                                    nic->name, vn->jpath);
            }
            taken += vn->attach == CFG_AT_SRIOV_VF;
        }
    }
    for (size_t k = 0; k < h->n_containers; k++) {
        const struct cfg_container *c = &h->containers[k];
        if (c->mode != CFG_CTR_NET
            || h->networks[c->net].driver != CFG_ND_SRIOV
            || strcmp(h->networks[c->net].parent, nic->name)) {
            continue;
        }
        if (++taken > nic->sriov_vfs) {
            return vh_diag_fail(ld->diag, c->jpath, "NIC '%s' has %d VFs "
                                "(its \"sriov.vfs\"), all taken by the VMs "
                                "and containers before this one",
                                nic->name, nic->sriov_vfs);
        }
        if (c->vf < 0) {
            continue;
        }
        char vp[JP_LEN];
        jp_key(vp, c->jpath, "vf");
        if (c->vf >= nic->sriov_vfs) {
            return vh_diag_fail(ld->diag, vp, "NIC '%s' has VFs 0 to %d",
                                nic->name, nic->sriov_vfs - 1);
        }
        for (size_t v = 0; v < h->n_vms; v++) {
            for (size_t m = 0; m < h->vms[v].n_nics; m++) {
                const struct cfg_vnic *vn = &h->vms[v].nics[m];
                if (vn->attach == CFG_AT_SRIOV_VF && vn->vf == c->vf
                    && !strcmp(vn->attach_to, nic->name)) {
                    return vh_diag_fail(ld->diag, vp, "VF %d of '%s' is "
                                        "assigned to %s; a VF goes to a VM "
                                        "or a container, not both", c->vf,
                                        nic->name, vn->jpath);
                }
            }
        }
        for (size_t o = 0; o < k; o++) {
            const struct cfg_container *oc = &h->containers[o];
            if (oc->mode == CFG_CTR_NET && oc->vf == c->vf
                && h->networks[oc->net].driver == CFG_ND_SRIOV
                && !strcmp(h->networks[oc->net].parent, nic->name)) {
                return vh_diag_fail(ld->diag, vp, "VF %d of '%s' is "
                                    "already %s's", c->vf, nic->name,
                                    oc->jpath);
            }
        }
    }
    return true;
}

/* The mode a macvlan or ipvlan container's device is in: its own, its
 * network's, or the driver's default. */
static const char *
ctr_mode(const struct cfg_host *h, const struct cfg_container *c)
{
    const struct cfg_network *net = &h->networks[c->net];
    return c->mode_name ? c->mode_name : net->mode ? net->mode
                                                   : net->drv->modes[0];
}

/* The kernel keeps one ipvlan mode per parent NIC (a new device in
 * another mode would switch its siblings too); L3 and L3S route through
 * the host's address on the parent. */
static bool
check_ipvlan_modes(struct ld *ld, const struct cfg_host *h)
{
    for (size_t i = 0; i < h->n_containers; i++) {
        const struct cfg_container *c = &h->containers[i];
        if (c->mode != CFG_CTR_NET
            || h->networks[c->net].driver != CFG_ND_IPVLAN) {
            continue;
        }
        const char *parent = h->networks[c->net].parent;
        const char *mode = ctr_mode(h, c);
        char path[JP_LEN];
        if (c->mode_name) {
            jp_key(path, c->jpath, "mode");
        } else {
            snprintf(path, sizeof path, "%s", c->jpath);
        }
        for (size_t k = 0; k < i; k++) {
            const struct cfg_container *o = &h->containers[k];
            if (o->mode == CFG_CTR_NET
                && h->networks[o->net].driver == CFG_ND_IPVLAN
                && !strcmp(h->networks[o->net].parent, parent)
                && strcmp(ctr_mode(h, o), mode)) {
                return vh_diag_fail(ld->diag, path, "NIC '%s' already has "
                                    "ipvlan devices in mode '%s' (%s), and "
                                    "this one is '%s'; the kernel keeps one "
                                    "mode per parent NIC", parent,
                                    ctr_mode(h, o), o->jpath, mode);
            }
        }
        const struct cfg_nic *nic = NULL;
        for (size_t k = 0; k < h->n_nics && !nic; k++) {
            nic = strcmp(h->nics[k].name, parent) ? NULL : &h->nics[k];
        }
        if (strcmp(mode, "l2") && nic && !nic->has_ip) {
            return vh_diag_fail(ld->diag, path, "not supported yet: ipvlan "
                                "mode '%s' on NIC '%s', which has no "
                                "\"ip\" (the host routes the devices' "
                                "packets from its address on the parent)",
                                mode, parent);
        }
    }
    return true;
}

/* The parents of macvlan, ipvlan and sriov networks. */
static bool
check_parents(struct ld *ld, const struct cfg_host *h)
{
    for (size_t i = 0; i < h->n_networks; i++) {
        const struct cfg_network *n = &h->networks[i];
        if (!n->parent) {
            continue;
        }
        char path[JP_LEN];
        jp_key(path, n->jpath, "parent");
        const struct cfg_nic *nic = NULL;
        for (size_t k = 0; k < h->n_nics && !nic; k++) {
            nic = strcmp(h->nics[k].name, n->parent) ? NULL : &h->nics[k];
        }
        if (!nic) {
            const char **names = ld_calloc(h->n_nics + 1, sizeof *names);
            for (size_t k = 0; k < h->n_nics; k++) {
                names[k] = h->nics[k].name;
            }
            const char *guess = vh_suggest(n->parent, names, h->n_nics);
            vh_diag_fail(ld->diag, path, "host '%s' has no NIC '%s'%s%s%s",
                         h->name, n->parent, guess ? "; did you mean '"
                         : "", guess ? guess : "", guess ? "'?" : "");
            free(names);
            return false;
        }
        if (n->driver == CFG_ND_SRIOV) {
            if (!check_sriov_parent(ld, h, i, nic)) {
                return false;
            }
            continue;           /* VFs are no rx_handler of the PF's. */
        }
        for (size_t b = 0; b < h->n_bridges; b++) {
            for (size_t k = 0; k < h->bridges[b].n_ports; k++) {
                if (!strcmp(h->bridges[b].ports[k], n->parent)) {
                    return vh_diag_fail(ld->diag, path, "NIC '%s' is a port "
                                        "of bridge '%s'; a NIC with %s "
                                        "devices on it cannot also be in a "
                                        "bridge", n->parent,
                                        h->bridges[b].name, n->drv->name);
                }
            }
        }
        /* One rx_handler per device: macvlan and ipvlan (and a VM's
         * macvtap, which is macvlan) cannot share a NIC. */
        for (size_t k = 0; k < h->n_networks; k++) {
            const struct cfg_network *o = &h->networks[k];
            if (k != i && o->parent && !strcmp(o->parent, n->parent)
                && o->driver != n->driver) {
                return vh_diag_fail(ld->diag, path, "NIC '%s' already has "
                                    "%s devices (network '%s'); a NIC "
                                    "takes macvlan or ipvlan devices, not "
                                    "both", n->parent, o->drv->name, o->name);
            }
        }
        for (size_t v = 0; v < h->n_vms; v++) {
            for (size_t k = 0; k < h->vms[v].n_nics; k++) {
                const struct cfg_vnic *vn = &h->vms[v].nics[k];
                if (vn->attach != CFG_AT_MACVTAP
                    || strcmp(vn->attach_to, n->parent)) {
                    continue;
                }
                if (n->driver != CFG_ND_MACVLAN) {
                    return vh_diag_fail(ld->diag, path, "NIC '%s' already "
                                        "has a VM's macvtap (%s); a NIC "
                                        "takes macvlan or ipvlan devices, "
                                        "not both", n->parent, vn->jpath);
                }
                if (vn->attach_mode && !strcmp(vn->attach_mode, "passthru")) {
                    return vh_diag_fail(ld->diag, path, "NIC '%s' is owned "
                                        "by the passthru macvtap of %s",
                                        n->parent, vn->jpath);
                }
            }
        }
    }
    if (!check_ipvlan_modes(ld, h)) {
        return false;
    }
    /* A passthru macvlan owns its NIC alone. */
    for (size_t i = 0; i < h->n_containers; i++) {
        const struct cfg_container *c = &h->containers[i];
        if (c->mode != CFG_CTR_NET
            || h->networks[c->net].driver != CFG_ND_MACVLAN
            || strcmp(ctr_mode(h, c), "passthru")) {
            continue;
        }
        const char *parent = h->networks[c->net].parent;
        for (size_t k = 0; k < h->n_containers; k++) {
            const struct cfg_container *o = &h->containers[k];
            if (k != i && o->mode == CFG_CTR_NET
                && h->networks[o->net].driver == CFG_ND_MACVLAN
                && !strcmp(h->networks[o->net].parent, parent)) {
                return vh_diag_fail(ld->diag, c->jpath, "a passthru macvlan "
                                    "owns NIC '%s' alone, and %s is on it "
                                    "too", parent, o->jpath);
            }
        }
        for (size_t v = 0; v < h->n_vms; v++) {
            for (size_t k = 0; k < h->vms[v].n_nics; k++) {
                const struct cfg_vnic *vn = &h->vms[v].nics[k];
                if (vn->attach == CFG_AT_MACVTAP
                    && !strcmp(vn->attach_to, parent)) {
                    return vh_diag_fail(ld->diag, c->jpath, "a passthru "
                                        "macvlan owns NIC '%s' alone, and "
                                        "the macvtap of %s is on it too",
                                        parent, vn->jpath);
                }
            }
        }
    }
    return true;
}

/* A bridge network's subnet is the host's to route: it may not overlap
 * the host's NICs' subnets, another of its networks, or libvirt's. */
static bool
check_subnets(struct ld *ld, const struct cfg_host *h)
{
    char a[20], b[20];
    for (size_t i = 0; i < h->n_networks; i++) {
        const struct cfg_network *n = &h->networks[i];
        if (n->driver != CFG_ND_BRIDGE) {
            continue;
        }
        char path[JP_LEN];
        if (n->implicit) {
            snprintf(path, sizeof path, "%s", n->jpath);
        } else {
            jp_key(path, n->jpath, "subnet");
        }
        for (size_t k = 0; k < h->n_nics; k++) {
            const struct cfg_nic *nic = &h->nics[k];
            if (nic->has_ip && overlap(n->subnet, n->prefix, nic->ip,
                                       nic->prefix)) {
                return vh_diag_fail(ld->diag, path, "network '%s' (%s/%d) "
                                    "overlaps the subnet of NIC %s (%s/%d); "
                                    "the host could not route between them",
                                    n->name, vh_ipv4_format(n->subnet, a),
                                    n->prefix, nic->jpath,
                                    vh_ipv4_format(nic->ip, b), nic->prefix);
            }
        }
        for (size_t k = 0; k < i; k++) {
            const struct cfg_network *o = &h->networks[k];
            if (o->driver == CFG_ND_BRIDGE
                && overlap(n->subnet, n->prefix, o->subnet, o->prefix)) {
                return vh_diag_fail(ld->diag, path, "network '%s' (%s/%d) "
                                    "overlaps network '%s' (%s/%d)",
                                    n->name, vh_ipv4_format(n->subnet, a),
                                    n->prefix, o->name,
                                    vh_ipv4_format(o->subnet, b), o->prefix);
            }
        }
        for (size_t v = 0; v < h->n_vms; v++) {
            for (size_t k = 0; k < h->vms[v].n_nics; k++) {
                const struct cfg_vnic *vn = &h->vms[v].nics[k];
                if (vn->attach == CFG_AT_NAT
                    && overlap(n->subnet, n->prefix, vn->ip, vn->prefix)) {
                    return vh_diag_fail(ld->diag, path, "network '%s' "
                                        "(%s/%d) overlaps libvirt's NAT "
                                        "network of %s", n->name,
                                        vh_ipv4_format(n->subnet, a),
                                        n->prefix, vn->jpath);
                }
            }
        }
    }
    return true;
}

/* Published ports: on the host's uplink address, each once. */
static bool
check_publish(struct ld *ld, const struct cfg_host *h)
{
    const struct cfg_nic *up = NULL;
    for (size_t k = 0; k < h->n_nics && !up; k++) {
        up = h->nics[k].has_ip ? &h->nics[k] : NULL;
    }
    for (size_t i = 0; i < h->n_containers; i++) {
        const struct cfg_container *c = &h->containers[i];
        for (size_t j = 0; j < c->n_publish; j++) {
            const struct cfg_publish *p = &c->publish[j];
            char path[JP_LEN], ep[JP_LEN], a[20];
            jp_key(path, c->jpath, "publish");
            jp_idx(ep, path, j);
            if (!up) {
                return vh_diag_fail(ld->diag, ep, "host '%s' has no NIC "
                                    "with an \"ip\" to publish a port on",
                                    h->name);
            }
            if (p->host_ip && p->host_ip != up->ip) {
                return vh_diag_fail(ld->diag, ep, "%s is not the address "
                                    "of host '%s''s uplink (%s, its first "
                                    "NIC with an \"ip\"), the only one "
                                    "vhsim publishes on",
                                    vh_ipv4_format(p->host_ip, a), h->name,
                                    up->jpath);
            }
            for (size_t k = 0; k <= i; k++) {
                const struct cfg_container *o = &h->containers[k];
                for (size_t m = 0; m < (k == i ? j : o->n_publish); m++) {
                    if (o->publish[m].host_port == p->host_port
                        && o->publish[m].proto == p->proto) {
                        return vh_diag_fail(ld->diag, ep, "host port %u/%s "
                                            "is already published by %s",
                                            p->host_port,
                                            cfg_proto_names[p->proto],
                                            o->jpath);
                    }
                }
            }
        }
    }
    return true;
}

/* Containers on a NIC's LAN (macvlan, ipvlan) have addresses there: no
 * other NIC, VM NIC or such container may use the same. */
static bool
check_lan_addresses(struct ld *ld)
{
    const struct cfg_scenario *sc = ld->sc;
    char path[JP_LEN], text[20];
    for (size_t hi = 0; hi < sc->n_hosts; hi++) {
        const struct cfg_host *h = &sc->hosts[hi];
        for (size_t i = 0; i < h->n_containers; i++) {
            const struct cfg_container *c = &h->containers[i];
            if (c->mode != CFG_CTR_NET
                || h->networks[c->net].driver == CFG_ND_BRIDGE) {
                continue;
            }
            bool ipvlan = h->networks[c->net].driver == CFG_ND_IPVLAN;
            if (ipvlan && c->has_mac) {
                jp_key(path, c->jpath, "mac");
                return vh_diag_fail(ld->diag, path, "an ipvlan device has "
                                    "its parent NIC's MAC; leave \"mac\" "
                                    "out");
            }
            jp_key(path, c->jpath, "ip");
            const char *clash = NULL, *mclash = NULL;
            for (size_t hj = 0; hj < sc->n_hosts; hj++) {
                const struct cfg_host *o = &sc->hosts[hj];
                for (size_t k = 0; k < o->n_nics; k++) {
                    if (o->nics[k].has_ip && o->nics[k].ip == c->ip) {
                        clash = o->nics[k].jpath;
                    }
                    if (!ipvlan && vh_mac_eq(&o->nics[k].mac, &c->mac)) {
                        mclash = o->nics[k].jpath;
                    }
                }
                for (size_t v = 0; v < o->n_vms; v++) {
                    for (size_t k = 0; k < o->vms[v].n_nics; k++) {
                        if (o->vms[v].nics[k].ip == c->ip) {
                            clash = o->vms[v].nics[k].jpath;
                        }
                        if (!ipvlan
                            && vh_mac_eq(&o->vms[v].nics[k].mac, &c->mac)) {
                            mclash = o->vms[v].nics[k].jpath;
                        }
                    }
                }
                for (size_t k = 0; k < o->n_containers; k++) {
                    const struct cfg_container *x = &o->containers[k];
                    if ((hj < hi || (hj == hi && k < i))
                        && x->mode == CFG_CTR_NET
                        && o->networks[x->net].driver != CFG_ND_BRIDGE) {
                        if (x->ip == c->ip) {
                            clash = x->jpath;
                        }
                        if (!ipvlan && vh_mac_eq(&x->mac, &c->mac)) {
                            mclash = x->jpath;
                        }
                    }
                }
            }
            if (clash) {
                return vh_diag_fail(ld->diag, path, "IP address %s is also "
                                    "used by %s", vh_ipv4_format(c->ip, text),
                                    clash);
            }
            if (mclash) {
                jp_key(path, c->jpath, "mac");
                return vh_diag_fail(ld->diag, path, "MAC address %s is also "
                                    "used by %s", vh_mac_format(&c->mac, text),
                                    mclash);
            }
        }
    }
    return true;
}

bool
ld_check_containers(struct ld *ld)
{
    const struct cfg_scenario *sc = ld->sc;
    for (size_t i = 0; i < sc->n_hosts; i++) {
        const struct cfg_host *h = &sc->hosts[i];
        if (!check_ctr_names(ld, h) || !check_parents(ld, h)
            || !check_subnets(ld, h) || !check_publish(ld, h)) {
            return false;
        }
    }
    return check_lan_addresses(ld);
}

/* --- Paths. --- */

bool
ld_container_dev(const struct cfg_host *h, const char *name)
{
    for (size_t i = 0; i < h->n_networks; i++) {
        if (h->networks[i].bridge && !strcmp(h->networks[i].bridge, name)) {
            return true;
        }
    }
    if (strncmp(name, "veth", 4) || strlen(name) != 11) {
        return false;
    }
    for (size_t i = 0; i < h->n_containers; i++) {
        const struct cfg_container *c = &h->containers[i];
        char veth[16];
        if (c->mode == CFG_CTR_NET
            && h->networks[c->net].driver == CFG_ND_BRIDGE) {
            ctr_veth_host_name(h->name, c->name, veth, sizeof veth);
            if (!strcmp(veth, name)) {
                return true;
            }
        }
    }
    return false;
}

bool
ld_published_path(const char *path, char *host, size_t len, int *port)
{
    const char *colon = strchr(path, ':');
    if (!colon || strchr(path, '/') || colon == path) {
        return false;
    }
    char *end = NULL;
    long v = strtol(colon + 1, &end, 10);
    if (!colon[1] || *end || v < 1 || v > 65535) {
        *port = -1;
    } else {
        *port = (int) v;
    }
    snprintf(host, len, "%.*s", (int) (colon - path), path);
    return true;
}
