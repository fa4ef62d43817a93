/* models/endpoint/rdisc6.c: the default router and prefix lists of a
 * host's IPv6 interface (see rdisc6.h). */
#include "models/endpoint/rdisc6.h"

#define LIFETIME_INFINITE 0xffffffffu   /* A prefix's "forever". */

/* 'now' plus 'seconds' of lifetime, or never for the infinite one. */
static vh_time_t
expiry(vh_time_t now, uint32_t seconds)
{
    if (seconds == LIFETIME_INFINITE
        || seconds >= (VH_TIME_NEVER - now) / VH_SEC) {
        return VH_TIME_NEVER;
    }
    return now + (vh_time_t) seconds * VH_SEC;
}

/* The router's entry is made, refreshed or, for a lifetime of 0,
 * removed (RFC 4861 6.3.4).  A full list ignores a new router. */
static void
take_router(struct rdisc6 *rd, const struct vh_ip6 *src, uint16_t lifetime,
            vh_time_t now)
{
    for (size_t i = 0; i < rd->n_routers; i++) {
        if (vh_ip6_eq(&rd->routers[i].addr, src)) {
            if (lifetime) {
                rd->routers[i].until = expiry(now, lifetime);
            } else {
                rd->routers[i] = rd->routers[--rd->n_routers];
            }
            return;
        }
    }
    if (lifetime && rd->n_routers < RDISC6_MAX_ROUTERS) {
        rd->routers[rd->n_routers++] = (struct rdisc6_router) {
            .addr = *src, .until = expiry(now, lifetime),
        };
    }
}

/* An on-link prefix is added, refreshed or removed (valid lifetime 0),
 * the link-local one never (RFC 4861 6.3.4). */
static void
take_prefix(struct rdisc6 *rd, const struct vh_nd *ra, vh_time_t now)
{
    if (!(ra->prefix_flags & 0x80) || ra->prefix_len > 128
        || vh_ip6_is_link_local(&ra->prefix)) {
        return;
    }
    struct vh_ip6 p = vh_ip6_masked(&ra->prefix, ra->prefix_len);
    for (size_t i = 0; i < rd->n_prefixes; i++) {
        struct rdisc6_prefix *e = &rd->prefixes[i];
        if (e->len == ra->prefix_len && vh_ip6_eq(&e->prefix, &p)) {
            if (ra->valid_s) {
                e->until = expiry(now, ra->valid_s);
            } else {
                *e = rd->prefixes[--rd->n_prefixes];
            }
            return;
        }
    }
    if (ra->valid_s && rd->n_prefixes < RDISC6_MAX_PREFIXES) {
        rd->prefixes[rd->n_prefixes++] = (struct rdisc6_prefix) {
            .prefix = p, .len = ra->prefix_len,
            .until = expiry(now, ra->valid_s),
        };
    }
}

bool
rdisc6_take(struct rdisc6 *rd, const struct vh_ip6 *src,
            const struct vh_nd *ra, vh_time_t now)
{
    if (!vh_ip6_is_link_local(src)) {
        return false;
    }
    rd->heard = true;
    rd->advertisements++;
    take_router(rd, src, ra->router_lifetime, now);
    if (ra->has_prefix) {
        take_prefix(rd, ra, now);
    }
    return true;
}

bool
rdisc6_on_link(const struct rdisc6 *rd, const struct vh_ip6 *a,
               vh_time_t now)
{
    for (size_t i = 0; i < rd->n_prefixes; i++) {
        const struct rdisc6_prefix *e = &rd->prefixes[i];
        if (now < e->until && vh_ip6_same_prefix(a, &e->prefix, e->len)) {
            return true;
        }
    }
    return false;
}

const struct vh_ip6 *
rdisc6_router(const struct rdisc6 *rd, vh_time_t now)
{
    for (size_t i = 0; i < rd->n_routers; i++) {
        if (now < rd->routers[i].until) {
            return &rd->routers[i].addr;
        }
    }
    return NULL;
}
