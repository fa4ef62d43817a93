/* models/switch/router_cfg.c: a router's "interfaces" and "routes", read
 * and checked while the scenario loads (models/core/cfgobj.h).
 *
 *   interfaces  [{ "port": "p1", "ip": "192.168.1.1/24",
 *               "ip6": "2001:db8:1::1/64" }, ...]: one address with its
 *               prefix per port, and perhaps an IPv6 one beside it; two
 *               interfaces may not share a port or overlap in their
 *               subnets
 *   routes      [{ "dst": "192.168.2.0/24", "via": "172.16.0.0" or
 *               ["172.16.0.0", "172.16.0.2"] }, ...]: 'dst' a network
 *               (no host bits; "0.0.0.0/0" is the default route), each
 *               'via' another address on a connected subnet; the same in
 *               IPv6 ("2001:db8:9::/64" via "2001:db8:a::2"), the
 *               subnets those of the interfaces' "ip6"
 *
 * Everything a router could only discover while running (a next hop that
 * never answers ARP, a destination no route covers) is left to the run,
 * which counts it; what is plainly a mistake in the file fails here with
 * its JSON path. */
#include "models/switch/router.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/cfgobj.h"
#include "models/core/devclass.h"

static uint32_t
mask_of(int prefix)
{
    return prefix ? 0xffffffffu << (32 - prefix) : 0;
}

/* "a.b.c.d/len" with the prefix required; 'what' says what it is for
 * messages. */
static bool
parse_prefixed(struct cfg_obj *o, const char *key, const char *s,
               const char *example, uint32_t *ip, int *prefix)
{
    int p = -1;
    if (!strchr(s, '/') || !vh_ipv4_parse(s, ip, &p) || p < 0) {
        return cfg_obj_fail(o, key, -1, "malformed address '%s' (expected "
                            "an IPv4 address with its prefix length, such "
                            "as \"%s\")", s, example);
    }
    *prefix = p;
    return true;
}

struct parse_ctx {
    struct router_cfg *rc;
    int ports;
};

static const char *const if_keys[] = { "port", "ip", "ip6", NULL };

/* Whether the first 'plen' bits of 'a' and 'b' agree. */
static bool
prefix6_eq(const uint8_t *a, const uint8_t *b, int plen)
{
    for (int i = 0; i < plen; i++) {
        if ((a[i / 8] ^ b[i / 8]) >> (7 - i % 8) & 1) {
            return false;
        }
    }
    return true;
}

/* Whether every bit of 'a' past the first 'plen' is clear. */
static bool
host_bits6_zero(const uint8_t *a, int plen)
{
    for (int i = plen; i < 128; i++) {
        if (a[i / 8] >> (7 - i % 8) & 1) {
            return false;
        }
    }
    return true;
}

/* "ADDR/LEN" in IPv6 into 'a' and '*plen'; false if it is not that. */
static bool
split_prefix6(const char *s, uint8_t a[16], long *plen)
{
    char addr[64];
    const char *slash = strchr(s, '/');
    char *end = NULL;
    *plen = slash ? strtol(slash + 1, &end, 10) : -1;
    size_t alen = slash ? (size_t) (slash - s) : 0;
    if (!slash || alen >= sizeof addr || end == slash + 1 || *end
        || *plen < 0 || *plen > 128) {
        return false;
    }
    memcpy(addr, s, alen);
    addr[alen] = '\0';
    return inet_pton(AF_INET6, addr, a) == 1;
}

/* "ip6": an IPv6 address with its prefix length, of a kind an interface
 * can be given (the link-local address the port derives from its MAC
 * itself), on a subnet no other interface of the router has. */
static bool
parse_if6(struct cfg_obj *o, struct parse_ctx *ctx, size_t i,
          struct router_if_cfg *ifc)
{
    static const uint8_t zero[16];
    char *s = NULL;
    if (!cfg_obj_has(o, "ip6")) {
        return true;
    }
    if (!cfg_obj_str(o, "ip6", true, &s)) {
        free(s);
        return false;
    }
    long plen;
    bool ok = split_prefix6(s, ifc->ip6, &plen);
    if (!ok) {
        ok = cfg_obj_fail(o, "ip6", -1, "malformed address '%s' (expected "
                          "an IPv6 address with its prefix length, such as "
                          "\"2001:db8:1::1/64\")", s);
    } else if (!memcmp(ifc->ip6, zero, 15)
               && (ifc->ip6[15] == 0 || ifc->ip6[15] == 1)) {
        ok = cfg_obj_fail(o, "ip6", -1, "'%s' is not a unicast address "
                          "(the unspecified address and the loopback are "
                          "not)", s);
    } else if (ifc->ip6[0] == 0xff) {
        ok = cfg_obj_fail(o, "ip6", -1, "'%s' is a multicast address; an "
                          "interface's address is unicast", s);
    } else if (ifc->ip6[0] == 0xfe && (ifc->ip6[1] & 0xc0) == 0x80) {
        ok = cfg_obj_fail(o, "ip6", -1, "'%s' is link-local: each port "
                          "makes its own fe80:: address from its MAC; give "
                          "the interface a global or unique local address",
                          s);
    } else if (plen == 0 || plen == 128) {
        ok = cfg_obj_fail(o, "ip6", -1, "'%s': an interface's subnet holds "
                          "more than its own address and less than every "
                          "address; give a prefix length 1..127 (64 for "
                          "hosts to configure themselves from its router "
                          "advertisements)", s);
    } else if (host_bits6_zero(ifc->ip6, (int) plen)) {
        ok = cfg_obj_fail(o, "ip6", -1, "'%s' is the subnet-router anycast "
                          "address of its /%ld (no host bits set), not an "
                          "interface's address", s, plen);
    }
    for (size_t k = 0; ok && k < i; k++) {
        const struct router_if_cfg *o2 = &ctx->rc->ifs[k];
        int m = o2->prefix6 < plen ? o2->prefix6 : (int) plen;
        if (o2->has_ip6 && prefix6_eq(o2->ip6, ifc->ip6, m)) {
            ok = cfg_obj_fail(o, "ip6", -1, "'%s' overlaps the IPv6 subnet "
                              "of interfaces[%zu]; two interfaces of a "
                              "router are on different subnets", s, k);
        }
    }
    free(s);
    ifc->has_ip6 = ok;
    ifc->prefix6 = (int) plen;
    return ok;
}
static const char *const route_keys[] = { "dst", "via", NULL };

static bool
parse_if(struct cfg_obj *o, size_t i, void *ctx_)
{
    struct parse_ctx *ctx = ctx_;
    struct router_if_cfg *ifc = &ctx->rc->ifs[i];
    char *s = NULL, a[16];
    uint32_t ip = 0;
    int prefix = 0;

    if (!cfg_obj_switch_port(o, "port", true, ctx->ports, &ifc->port)
        || !cfg_obj_str(o, "ip", true, &s)) {
        free(s);
        return false;
    }
    bool ok = parse_prefixed(o, "ip", s, "172.16.0.1/31", &ip, &prefix);
    uint32_t mask = mask_of(prefix), host = ip & ~mask;
    if (ok && (ip == 0 || (ip >> 24) == 127 || (ip >> 28) >= 14)) {
        ok = cfg_obj_fail(o, "ip", -1, "'%s' is not a host address (zero, "
                          "loopback, multicast and reserved addresses are "
                          "not)", s);
    } else if (ok && prefix > 31) {
        ok = cfg_obj_fail(o, "ip", -1, "'%s': a /32 has no neighbour to "
                          "route to; an interface's subnet holds at least "
                          "two addresses (a /31 between two routers, RFC "
                          "3021)", s);
    } else if (ok && prefix < 31 && (host == 0 || host == ~mask)) {
        ok = cfg_obj_fail(o, "ip", -1, "'%s' is the %s address of its /%d "
                          "subnet, not a host address", s,
                          host ? "broadcast" : "network", prefix);
    } else if (ok && prefix == 0) {
        ok = cfg_obj_fail(o, "ip", -1, "'%s': an interface's subnet cannot "
                          "be every address; give its prefix length", s);
    }
    free(s);
    if (!ok) {
        return false;
    }
    for (size_t k = 0; k < i; k++) {
        const struct router_if_cfg *o2 = &ctx->rc->ifs[k];
        uint32_t m = mask_of(o2->prefix < prefix ? o2->prefix : prefix);
        if (o2->port == ifc->port) {
            return cfg_obj_fail(o, "port", -1, "port p%d already has an "
                                "interface (interfaces[%zu]); give each "
                                "port one address", ifc->port, k);
        }
        if ((o2->ip & m) == (ip & m)) {
            char b[16];
            return cfg_obj_fail(o, "ip", -1, "%s/%d overlaps the subnet of "
                                "interfaces[%zu] (%s/%d); two interfaces "
                                "of a router are on different subnets",
                                vh_ipv4_format(ip & mask, a), prefix, k,
                                vh_ipv4_format(o2->ip & mask_of(o2->prefix),
                                               b), o2->prefix);
        }
    }
    ifc->ip = ip;
    ifc->prefix = prefix;
    return parse_if6(o, ctx, i, ifc);
}

/* The interface whose subnet holds 'ip', or -1. */
static int
if_of(const struct router_cfg *rc, uint32_t ip)
{
    for (size_t k = 0; k < rc->n_ifs; k++) {
        uint32_t m = mask_of(rc->ifs[k].prefix);
        if ((rc->ifs[k].ip & m) == (ip & m)) {
            return (int) k;
        }
    }
    return -1;
}

static bool
parse_via(struct cfg_obj *o, long idx, const char *s,
          const struct router_cfg *rc, uint32_t *out)
{
    uint32_t ip = 0;
    int p = -1;
    if (strchr(s, '/') || !vh_ipv4_parse(s, &ip, &p)) {
        return cfg_obj_fail(o, "via", idx, "malformed next hop '%s' "
                            "(expected an IPv4 address without a prefix, "
                            "such as \"172.16.0.0\")", s);
    }
    int k = if_of(rc, ip);
    if (k < 0) {
        return cfg_obj_fail(o, "via", idx, "next hop %s is on none of the "
                            "router's subnets; a next hop is a neighbour "
                            "on the subnet of one of its \"interfaces\"", s);
    }
    const struct router_if_cfg *ifc = &rc->ifs[k];
    uint32_t m = mask_of(ifc->prefix), host = ip & ~m;
    if (ip == ifc->ip) {
        return cfg_obj_fail(o, "via", idx, "next hop %s is the router's own "
                            "address (interfaces[%d])", s, k);
    }
    if (ifc->prefix < 31 && (host == 0 || host == ~m)) {
        return cfg_obj_fail(o, "via", idx, "next hop %s is the %s address "
                            "of the subnet of interfaces[%d]", s,
                            host ? "broadcast" : "network", k);
    }
    *out = ip;
    return true;
}

/* An IPv6 next hop: an address on the IPv6 subnet of an interface, not
 * the router's own. */
static bool
parse_via6(struct cfg_obj *o, long idx, const char *s,
           const struct router_cfg *rc, uint8_t out[16])
{
    if (strchr(s, '/') || inet_pton(AF_INET6, s, out) != 1) {
        return cfg_obj_fail(o, "via", idx, "malformed next hop '%s' "
                            "(expected an IPv6 address without a prefix, "
                            "such as \"2001:db8:a::2\", for an IPv6 "
                            "route)", s);
    }
    for (size_t k = 0; k < rc->n_ifs; k++) {
        const struct router_if_cfg *ifc = &rc->ifs[k];
        if (ifc->has_ip6 && prefix6_eq(ifc->ip6, out, ifc->prefix6)) {
            if (!memcmp(ifc->ip6, out, 16)) {
                return cfg_obj_fail(o, "via", idx, "next hop %s is the "
                                    "router's own address (interfaces[%zu])",
                                    s, k);
            }
            return true;
        }
    }
    return cfg_obj_fail(o, "via", idx, "next hop %s is on none of the "
                        "router's IPv6 subnets; a next hop is a neighbour "
                        "on the subnet of one of its interfaces' \"ip6\"",
                        s);
}

/* A route whose "dst" is an IPv6 network ('s'). */
static bool
parse_route6(struct cfg_obj *o, struct parse_ctx *ctx, size_t i,
             const char *s)
{
    struct router_cfg *rc = ctx->rc;
    struct router_route_cfg *r = &rc->routes[i];
    char **via = NULL;
    size_t n_via = 0;
    long plen;

    r->v6 = true;
    if (!split_prefix6(s, r->dst6, &plen)) {
        return cfg_obj_fail(o, "dst", -1, "malformed network '%s' (expected "
                            "an IPv4 or IPv6 network with its prefix "
                            "length, such as \"2001:db8:9::/64\")", s);
    }
    if (!host_bits6_zero(r->dst6, (int) plen)) {
        return cfg_obj_fail(o, "dst", -1, "'%s' has host bits set", s);
    }
    r->prefix = (int) plen;
    for (size_t k = 0; k < rc->n_ifs; k++) {
        const struct router_if_cfg *ifc = &rc->ifs[k];
        if (ifc->has_ip6 && ifc->prefix6 == plen
            && prefix6_eq(ifc->ip6, r->dst6, (int) plen)) {
            return cfg_obj_fail(o, "dst", -1, "'%s' is the IPv6 subnet of "
                                "interfaces[%zu], a connected route that "
                                "always wins; a static route for it would "
                                "never be used", s, k);
        }
    }
    for (size_t k = 0; k < i; k++) {
        if (rc->routes[k].v6 && rc->routes[k].prefix == plen
            && !memcmp(rc->routes[k].dst6, r->dst6, 16)) {
            return cfg_obj_fail(o, "dst", -1, "'%s' already has a route "
                                "(routes[%zu]); list every equal-cost next "
                                "hop in one route's \"via\"", s, k);
        }
    }
    if (!cfg_obj_strs(o, "via", true, "a next-hop address", &via, &n_via)) {
        return false;
    }
    r->via6 = calloc(n_via ? n_via : 1, sizeof *r->via6);
    bool ok = r->via6 != NULL;
    bool single = !cfg_obj_has(o, "via") || n_via == 1;
    for (size_t k = 0; ok && k < n_via; k++) {
        long idx = single ? -1 : (long) k;
        ok = parse_via6(o, idx, via[k], rc, r->via6[k]);
        for (size_t j = 0; ok && j < k; j++) {
            if (!memcmp(r->via6[j], r->via6[k], 16)) {
                ok = cfg_obj_fail(o, "via", idx, "next hop %s is listed "
                                  "twice", via[k]);
            }
        }
        r->n_via = ok ? k + 1 : k;
    }
    for (size_t k = 0; k < n_via; k++) {
        free(via[k]);
    }
    free(via);
    return ok;
}

static bool
parse_route(struct cfg_obj *o, size_t i, void *ctx_)
{
    struct parse_ctx *ctx = ctx_;
    struct router_cfg *rc = ctx->rc;
    struct router_route_cfg *r = &rc->routes[i];
    char *s = NULL, **via = NULL, a[16];
    size_t n_via = 0;
    uint32_t dst = 0;
    int prefix = 0;

    if (!cfg_obj_str(o, "dst", true, &s)) {
        return false;
    }
    if (strchr(s, ':')) {
        bool ok6 = parse_route6(o, ctx, i, s);
        free(s);
        return ok6;
    }
    bool ok = parse_prefixed(o, "dst", s, "192.168.2.0/24", &dst, &prefix);
    if (ok && (dst & ~mask_of(prefix))) {
        ok = cfg_obj_fail(o, "dst", -1, "'%s' has host bits set; the network "
                          "is %s/%d", s, vh_ipv4_format(dst & mask_of(prefix),
                                                        a), prefix);
    }
    free(s);
    if (!ok) {
        return false;
    }
    for (size_t k = 0; k < rc->n_ifs; k++) {
        const struct router_if_cfg *ifc = &rc->ifs[k];
        if (ifc->prefix == prefix
            && (ifc->ip & mask_of(prefix)) == dst) {
            return cfg_obj_fail(o, "dst", -1, "%s/%d is the subnet of "
                                "interfaces[%zu], a connected route that "
                                "always wins; a static route for it would "
                                "never be used", vh_ipv4_format(dst, a),
                                prefix, k);
        }
    }
    for (size_t k = 0; k < i; k++) {
        if (!rc->routes[k].v6 && rc->routes[k].dst == dst
            && rc->routes[k].prefix == prefix) {
            return cfg_obj_fail(o, "dst", -1, "%s/%d already has a route "
                                "(routes[%zu]); list every equal-cost next "
                                "hop in one route's \"via\"",
                                vh_ipv4_format(dst, a), prefix, k);
        }
    }
    r->dst = dst;
    r->prefix = prefix;
    if (!cfg_obj_strs(o, "via", true, "a next-hop address", &via, &n_via)) {
        return false;
    }
    r->via = calloc(n_via, sizeof *r->via);
    bool single = !cfg_obj_has(o, "via") || n_via == 1;
    for (size_t k = 0; ok && k < n_via; k++) {
        long idx = single ? -1 : (long) k;
        ok = parse_via(o, idx, via[k], rc, &r->via[k]);
        for (size_t j = 0; ok && j < k; j++) {
            if (r->via[j] == r->via[k]) {
                ok = cfg_obj_fail(o, "via", idx, "next hop %s is listed "
                                  "twice", via[k]);
            }
        }
        r->n_via = ok ? k + 1 : k;
    }
    for (size_t k = 0; k < n_via; k++) {
        free(via[k]);
    }
    free(via);
    return ok;
}

void
router_cfg_free(void *priv)
{
    struct router_cfg *rc = priv;
    if (!rc) {
        return;
    }
    for (size_t i = 0; i < rc->n_routes; i++) {
        free(rc->routes[i].via);
        free(rc->routes[i].via6);
    }
    free(rc->routes);
    free(rc->ifs);
    free(rc);
}

bool
router_cfg_parse(struct cfg_obj *o, void **priv)
{
    long long ports = 1;
    struct router_cfg *rc = calloc(1, sizeof *rc);
    struct parse_ctx ctx = { rc, 0 };
    size_t n_ifs = 0, n_routes = 0;

    if (!rc) {
        abort();
    }
    *priv = rc;
    /* "ports" was read with the switch's other keys. */
    if (!cfg_obj_int(o, "ports", 1, 1024, NULL, &ports)
        || !cfg_obj_count(o, "interfaces", &n_ifs)
        || !cfg_obj_count(o, "routes", &n_routes)) {
        return false;
    }
    ctx.ports = (int) ports;
    rc->ifs = calloc(n_ifs ? n_ifs : 1, sizeof *rc->ifs);
    rc->routes = calloc(n_routes ? n_routes : 1, sizeof *rc->routes);
    if (!rc->ifs || !rc->routes) {
        abort();
    }
    /* Interfaces first, all of them: a route's next hops are checked
     * against their subnets. */
    rc->n_ifs = n_ifs;
    if (!cfg_obj_each(o, "interfaces", "interface", if_keys, parse_if,
                      &ctx)) {
        return false;
    }
    rc->n_routes = n_routes;
    return cfg_obj_each(o, "routes", "route", route_keys, parse_route,
                        &ctx);
}

const struct router_cfg *
router_cfg_of(const struct cfg_switch *sw)
{
    return sw->cls == &router_class ? sw->priv : NULL;
}

bool
router_scenario_owns(const struct cfg_scenario *sc, uint32_t ip, char *where,
                     size_t where_len)
{
    for (size_t i = 0; i < sc->n_switches; i++) {
        const struct router_cfg *rc = router_cfg_of(&sc->switches[i]);
        for (size_t k = 0; rc && k < rc->n_ifs; k++) {
            if (rc->ifs[k].ip == ip) {
                if (where) {
                    snprintf(where, where_len, "%s.interfaces[%zu]",
                             sc->switches[i].jpath, k);
                }
                return true;
            }
        }
    }
    return false;
}

bool
router_scenario_serves6(const struct cfg_scenario *sc, const uint8_t *ip6)
{
    for (size_t i = 0; i < sc->n_switches; i++) {
        const struct router_cfg *rc = router_cfg_of(&sc->switches[i]);
        for (size_t k = 0; rc && k < rc->n_ifs; k++) {
            const struct router_if_cfg *ifc = &rc->ifs[k];
            int bits = ifc->prefix6;
            if (!ifc->has_ip6 || memcmp(ifc->ip6, ip6, (size_t) bits / 8)) {
                continue;
            }
            uint8_t mask = (uint8_t) (0xff00 >> (bits % 8));
            if (bits % 8 == 0 || !((ifc->ip6[bits / 8] ^ ip6[bits / 8])
                                   & mask)) {
                return true;
            }
        }
    }
    return false;
}
