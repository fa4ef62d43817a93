/* models/core/teaming.c: vSphere's teaming policies. */
#include "models/core/teaming.h"

#include <stdlib.h>
#include <string.h>

#include "sim/frame.h"
#include "sim/packet.h"
#include "sim/xmalloc.h"

static const char *const policy_names[TEAMING_N_POLICIES] = {
    [TEAMING_SRCID] = "loadbalance_srcid",
    [TEAMING_SRCMAC] = "loadbalance_srcmac",
    [TEAMING_IP] = "loadbalance_ip",
    [TEAMING_LOADBASED] = "loadbalance_loadbased",
    [TEAMING_EXPLICIT] = "failover_explicit",
};

bool
teaming_policy_from_name(const char *name, enum teaming_policy *out)
{
    for (int i = 0; i < TEAMING_N_POLICIES; i++) {
        if (!strcmp(name, policy_names[i])) {
            *out = (enum teaming_policy) i;
            return true;
        }
    }
    return false;
}

const char *
teaming_policy_name(enum teaming_policy p)
{
    return (unsigned) p < TEAMING_N_POLICIES ? policy_names[p] : "?";
}

bool
teaming_needs_etherchannel(enum teaming_policy p)
{
    return p == TEAMING_IP;
}

void
teaming_init(struct teaming *t, enum teaming_policy policy, size_t n_uplinks,
             const uint64_t *bps)
{
    memset(t, 0, sizeof *t);
    t->policy = policy;
    t->n_uplinks = n_uplinks;
    t->uplinks = vh_xcalloc(n_uplinks ? n_uplinks : 1, sizeof *t->uplinks);
    for (size_t k = 0; k < n_uplinks; k++) {
        t->uplinks[k].bps = bps[k];
        t->uplinks[k].usable = true;
    }
}

void
teaming_destroy(struct teaming *t)
{
    free(t->uplinks);
    free(t->ports);
    memset(t, 0, sizeof *t);
}

void
teaming_set_usable(struct teaming *t, size_t k, bool usable)
{
    if (k < t->n_uplinks) {
        t->uplinks[k].usable = usable;
    }
}

void
teaming_set_standby(struct teaming *t, size_t k, bool standby)
{
    if (k < t->n_uplinks) {
        t->uplinks[k].standby = standby;
    }
}

uint64_t
teaming_moves(const struct teaming *t)
{
    return t->moves;
}

/* --- The failover order. --- */

/* The list frames are spread over: the active uplinks while one of them
 * is usable, else the standby ones. */
static bool
use_standby(const struct teaming *t)
{
    for (size_t k = 0; k < t->n_uplinks; k++) {
        if (!t->uplinks[k].standby && t->uplinks[k].usable) {
            return false;
        }
    }
    return true;
}

/* The index of the 'i'th uplink of list 'standby' (of its usable ones
 * only if 'usable_only'), or -1. */
static int
nth_uplink(const struct teaming *t, bool standby, bool usable_only, size_t i)
{
    for (size_t k = 0; k < t->n_uplinks; k++) {
        const struct teaming_uplink *u = &t->uplinks[k];
        if (u->standby == standby && (u->usable || !usable_only) && i-- == 0) {
            return (int) k;
        }
    }
    return -1;
}

static size_t
count_uplinks(const struct teaming *t, bool standby, bool usable_only)
{
    size_t n = 0;
    for (size_t k = 0; k < t->n_uplinks; k++) {
        const struct teaming_uplink *u = &t->uplinks[k];
        n += u->standby == standby && (u->usable || !usable_only);
    }
    return n;
}

/* Hash 'h' placed on the team: on the uplink it maps to among all of the
 * list's uplinks while that one is usable (so a failure moves only the
 * failed uplink's traffic), else among the usable ones. */
static int
place(const struct teaming *t, uint32_t h)
{
    bool standby = use_standby(t);
    size_t n_ok = count_uplinks(t, standby, true);
    if (!n_ok) {
        return -1;
    }
    int home = nth_uplink(t, standby, false,
                          h % count_uplinks(t, standby, false));
    if (t->uplinks[home].usable) {
        return home;
    }
    return nth_uplink(t, standby, true, h % n_ok);
}

/* --- The hashes. --- */

/* The last octet of the source MAC. */
static uint32_t
srcmac_hash(const struct vh_packet *p)
{
    return p->len >= VH_ETH_HLEN ? p->data[11] : 0;
}

/* A frame's byte at 'off', or 0 beyond its end. */
static uint32_t
byte_at(const struct vh_packet *p, uint32_t off)
{
    return off < p->len ? p->data[off] : 0;
}

/* The last octets of the source and destination addresses xor'ed.  For
 * IPv4, and for any frame that is not IP, the octets are where IPv4's
 * addresses lie (bytes 15 and 19 after the EtherType); for IPv6, the last
 * of each 16-byte address.  VLAN tags are skipped. */
static uint32_t
ip_hash(const struct vh_packet *p)
{
    if (p->len < VH_ETH_HLEN) {
        return 0;
    }
    uint32_t l3 = 12;
    uint16_t type = vh_get_be16(p->data + l3);
    while ((type == 0x8100 || type == 0x88a8) && l3 + 6 <= p->len) {
        l3 += 4;
        type = vh_get_be16(p->data + l3);
    }
    l3 += 2;
    if (type == 0x86dd) {
        return byte_at(p, l3 + 23) ^ byte_at(p, l3 + 39);
    }
    return byte_at(p, l3 + 15) ^ byte_at(p, l3 + 19);
}

/* --- Load-based teaming. --- */

static struct teaming_port *
find_port(const struct teaming *t, uint32_t id)
{
    for (size_t i = 0; i < t->n_ports; i++) {
        if (t->ports[i].id == id) {
            return &t->ports[i];
        }
    }
    return NULL;
}

static struct teaming_port *
get_port(struct teaming *t, uint32_t id)
{
    struct teaming_port *tp = find_port(t, id);
    if (tp) {
        return tp;
    }
    if (t->n_ports == t->cap_ports) {
        t->cap_ports = t->cap_ports ? 2 * t->cap_ports : 8;
        t->ports = vh_xrealloc(t->ports, t->cap_ports * sizeof *t->ports);
    }
    tp = &t->ports[t->n_ports++];
    tp->id = id;
    tp->moved_to = -1;
    tp->bytes = 0;
    return tp;
}

/* The uplink a port is on: where it was moved while that is usable and
 * still active, else where its port id places it. */
static int
port_uplink(const struct teaming *t, uint32_t id)
{
    const struct teaming_port *tp = find_port(t, id);
    if (tp && tp->moved_to >= 0 && !use_standby(t)) {
        const struct teaming_uplink *u = &t->uplinks[tp->moved_to];
        if (u->usable && !u->standby) {
            return tp->moved_to;
        }
    }
    return place(t, id);
}

/* An uplink's load over the period: the busier direction. */
static uint64_t
uplink_load(const struct teaming_uplink *u)
{
    return u->bytes[TEAMING_TX] > u->bytes[TEAMING_RX]
           ? u->bytes[TEAMING_TX] : u->bytes[TEAMING_RX];
}

static bool
overloaded(const struct teaming_uplink *u, uint64_t load)
{
    unsigned __int128 bits = (unsigned __int128) load * 8 * VH_SEC * 100;
    unsigned __int128 cap = (unsigned __int128) u->bps * TEAMING_LBT_PERIOD
                            * TEAMING_LBT_THRESHOLD_PCT;
    return bits > cap;
}

/* The end of a period: from each uplink whose mean load passed the
 * threshold, the busiest of its ports moves to the least loaded other
 * usable active uplink, if it is lighter there than it leaves. */
static void
rebalance(struct teaming *t)
{
    size_t n = t->n_uplinks;
    uint64_t *load = vh_xcalloc(n ? n : 1, sizeof *load);
    for (size_t k = 0; k < n; k++) {
        load[k] = uplink_load(&t->uplinks[k]);
    }
    for (size_t k = 0; k < n; k++) {
        const struct teaming_uplink *u = &t->uplinks[k];
        if (!u->usable || !overloaded(u, load[k])) {
            continue;
        }
        struct teaming_port *busiest = NULL;
        for (size_t i = 0; i < t->n_ports; i++) {
            struct teaming_port *tp = &t->ports[i];
            if (port_uplink(t, tp->id) == (int) k && tp->bytes
                && (!busiest || tp->bytes > busiest->bytes)) {
                busiest = tp;
            }
        }
        int to = -1;
        for (size_t j = 0; j < n; j++) {
            const struct teaming_uplink *v = &t->uplinks[j];
            if (j != k && v->usable && !v->standby
                && (to < 0 || load[j] < load[to])) {
                to = (int) j;
            }
        }
        if (!busiest || to < 0 || load[to] + busiest->bytes >= load[k]) {
            continue;
        }
        busiest->moved_to = to;
        load[to] += busiest->bytes;
        load[k] -= busiest->bytes < load[k] ? busiest->bytes : load[k];
        t->moves++;
    }
    free(load);
}

/* Ends the period if 'now' is past it; the periods after it saw no
 * bytes, so there is nothing to judge in them. */
static void
roll(struct teaming *t, vh_time_t now)
{
    if (t->policy != TEAMING_LOADBASED
        || now < t->period_start + TEAMING_LBT_PERIOD) {
        return;
    }
    rebalance(t);
    t->period_start += (now - t->period_start) / TEAMING_LBT_PERIOD
                       * TEAMING_LBT_PERIOD;
    for (size_t k = 0; k < t->n_uplinks; k++) {
        t->uplinks[k].bytes[TEAMING_TX] = 0;
        t->uplinks[k].bytes[TEAMING_RX] = 0;
    }
    for (size_t i = 0; i < t->n_ports; i++) {
        t->ports[i].bytes = 0;
    }
}

void
teaming_account(struct teaming *t, uint32_t port_id, size_t k,
                uint32_t bytes, enum teaming_dir dir, vh_time_t now)
{
    if (t->policy != TEAMING_LOADBASED || k >= t->n_uplinks) {
        return;
    }
    roll(t, now);
    t->uplinks[k].bytes[dir] += bytes;
    get_port(t, port_id)->bytes += bytes;
}

/* --- The choice. --- */

int
teaming_choose(struct teaming *t, uint32_t port_id, const struct vh_packet *p,
               vh_time_t now)
{
    switch (t->policy) {
    case TEAMING_SRCID:
        return place(t, port_id);
    case TEAMING_SRCMAC:
        return place(t, srcmac_hash(p));
    case TEAMING_IP:
        return place(t, ip_hash(p));
    case TEAMING_LOADBASED:
        roll(t, now);
        return port_uplink(t, port_id);
    case TEAMING_EXPLICIT:
        return nth_uplink(t, use_standby(t), true, 0);
    }
    return -1;
}
