/* models/endpoint/rdisc6.h: what a host learns from router
 * advertisements (RFC 4861 section 6.3.4), as Linux does with
 * accept_ra=1 on an interface that does not forward: the default
 * routers (an advertisement's source link-local address, for its router
 * lifetime; a lifetime of 0 takes the router off the list) and the
 * on-link prefixes (a prefix information option with the L flag, for its
 * valid lifetime).  A packet for an address on no on-link prefix goes
 * to the first default router still alive; with none, the stack has no
 * route to it.
 *
 * Addresses are not configured from the prefixes (no SLAAC): an
 * interface's address is the scenario's "ip6".  The hop limit, reachable
 * time and retransmission timer an advertisement may set are not taken
 * either (radvd leaves them to the hosts).
 *
 * A host solicits (RFC 4861 section 6.3.7) when its interface comes up
 * rather than wait for the next unsolicited advertisement: Linux sends
 * its first router solicitation once its link-local address is usable
 * (at once here: duplicate address detection is optimistic), then every
 * rtr_solicit_interval (4 s) until an advertisement arrives, up to
 * MAX_RTR_SOLICITATIONS (3) as the RFC has it. */
#ifndef VH_MODELS_ENDPOINT_RDISC6_H
#define VH_MODELS_ENDPOINT_RDISC6_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/ip6.h"
#include "sim/time.h"

#define RDISC6_MAX_ROUTERS 4
#define RDISC6_MAX_PREFIXES 4
#define RDISC6_MAX_SOLICITS 3                   /* MAX_RTR_SOLICITATIONS */
#define RDISC6_SOLICIT_INTERVAL (4 * VH_SEC)    /* rtr_solicit_interval */

struct rdisc6_router {
    struct vh_ip6 addr;         /* Its link-local address. */
    vh_time_t until;            /* Its router lifetime ends then. */
};

struct rdisc6_prefix {
    struct vh_ip6 prefix;       /* Host bits clear. */
    int len;
    vh_time_t until;            /* Its valid lifetime ends then. */
};

struct rdisc6 {
    struct rdisc6_router routers[RDISC6_MAX_ROUTERS];
    size_t n_routers;
    struct rdisc6_prefix prefixes[RDISC6_MAX_PREFIXES];
    size_t n_prefixes;
    int solicits;               /* Router solicitations sent. */
    bool heard;                 /* An advertisement arrived: stop
                                 * soliciting. */
    uint64_t advertisements;    /* Advertisements taken. */
};

/* Takes the advertisement 'ra' from 'src' (already checked by
 * vh_nd_parse) at time 'now'.  Returns false if RFC 4861 section 6.1.2
 * has it ignored: a source that is not link-local. */
bool rdisc6_take(struct rdisc6 *, const struct vh_ip6 *src,
                 const struct vh_nd *ra, vh_time_t now);

/* Is 'a' on one of the prefixes advertised on link, at 'now'? */
bool rdisc6_on_link(const struct rdisc6 *, const struct vh_ip6 *a,
                    vh_time_t now);

/* The default router at 'now' (the first learnt still alive), or NULL. */
const struct vh_ip6 *rdisc6_router(const struct rdisc6 *, vh_time_t now);

#endif /* models/endpoint/rdisc6.h */
