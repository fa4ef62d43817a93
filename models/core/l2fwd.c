/* models/core/l2fwd.c: learning, flooding and VLANs for every switching
 * device. */
#include "models/core/l2fwd.h"

#include <stdlib.h>

#include "models/core/acct.h"
#include "models/core/devclass.h"
#include "models/core/world.h"
#include "sim/flow6.h"
#include "sim/frame.h"
#include "sim/xmalloc.h"

void
l2fwd_init(struct l2fwd *l2, struct vh_device *dev, void *owner,
           l2fwd_output_fn output, vh_time_t ageing,
           const char *same_port_reason)
{
    *l2 = (struct l2fwd) {
        .dev = dev, .owner = owner, .output = output,
        .same_port_reason = same_port_reason,
    };
    fdb_init(&l2->fdb, ageing);
}

void
l2fwd_destroy(struct l2fwd *l2)
{
    fdb_destroy(&l2->fdb);
    free(l2->ports);
    free(l2->port_devs);
    free(l2->lag);
    free(l2->relay);
    free(l2->reflected);
    pvlan_set_destroy(&l2->pvlans);
    l2->lag = NULL;
    l2->relay = NULL;
    l2->reflected = NULL;
    l2->ports = NULL;
    l2->port_devs = NULL;
}

size_t
l2fwd_add_port(struct l2fwd *l2, struct port *port,
               struct vh_device *drop_dev)
{
    size_t n = l2->n_ports + 1;
    l2->ports = vh_xrealloc(l2->ports, n * sizeof *l2->ports);
    l2->port_devs = vh_xrealloc(l2->port_devs, n * sizeof *l2->port_devs);
    l2->ports[n - 1] = port;
    l2->port_devs[n - 1] = drop_dev;
    l2->n_ports = n;
    /* Per-port settings made already cover the new port too. */
    if (l2->lag) {
        l2->lag = vh_xrealloc(l2->lag, n * sizeof *l2->lag);
        l2->lag[n - 1] = -1;
    }
    if (l2->relay) {
        l2->relay = vh_xrealloc(l2->relay, n * sizeof *l2->relay);
        l2->reflected = vh_xrealloc(l2->reflected, n * sizeof *l2->reflected);
        l2->relay[n - 1] = false;
        l2->reflected[n - 1] = 0;
    }
    return n - 1;
}

void
l2fwd_set_lag(struct l2fwd *l2, size_t i, int lag)
{
    if (!l2->lag) {
        l2->lag = vh_xmalloc(l2->n_ports * sizeof *l2->lag);
        for (size_t k = 0; k < l2->n_ports; k++) {
            l2->lag[k] = -1;
        }
    }
    l2->lag[i] = lag;
}

void
l2fwd_add_pvlan(struct l2fwd *l2, uint16_t primary, uint16_t secondary,
                enum pvlan_type type)
{
    pvlan_add(&l2->pvlans, primary, secondary, type);
}

/* The VLAN a frame of 'vid' is learned and looked up in. */
static uint16_t
learn_vid(const struct l2fwd *l2, uint16_t vid)
{
    return pvlan_learn_vid(&l2->pvlans, vid);
}

/* Whether port 'out' may send a frame classified into 'vid'. */
static bool
vlan_permits(const struct l2fwd *l2, size_t out, uint16_t vid)
{
    return pvlan_permits(&l2->pvlans, &l2->ports[out]->vlan, vid);
}

/* Whether a frame that came in by 'in' may leave by 'out' (other than by
 * VLAN): port isolation. */
static bool
isolation_permits(const struct l2fwd *l2, size_t in, size_t out)
{
    return !(l2->ports[in]->isolated && l2->ports[out]->isolated);
}

void
l2fwd_set_relay(struct l2fwd *l2, size_t i, bool relay)
{
    if (!l2->relay) {
        l2->relay = vh_xcalloc(l2->n_ports, sizeof *l2->relay);
        l2->reflected = vh_xcalloc(l2->n_ports, sizeof *l2->reflected);
    }
    l2->relay[i] = relay;
}

uint64_t
l2fwd_reflected(const struct l2fwd *l2, size_t i)
{
    return l2->reflected ? l2->reflected[i] : 0;
}

static bool
relays(const struct l2fwd *l2, size_t i)
{
    return l2->relay && l2->relay[i];
}

/* The port that stands for port 'i''s LAG: its lowest-numbered member
 * (or 'i' itself outside a LAG). */
static size_t
lag_head(const struct l2fwd *l2, size_t i)
{
    if (!l2->lag || l2->lag[i] < 0) {
        return i;
    }
    for (size_t k = 0; k < i; k++) {
        if (l2->lag[k] == l2->lag[i]) {
            return k;
        }
    }
    return i;
}

static bool
cable_up(const struct port *p)
{
    return p->carrier && (!p->link || p->link->up);
}

/* The member of the LAG headed by 'head' that 'p' leaves by: a hash of
 * its MAC and IP addresses (an IPv6 one folded, sim/flow6.h) over the
 * members whose cable is up. */
static size_t
lag_member(const struct l2fwd *l2, size_t head, const struct vh_packet *p)
{
    if (!l2->lag || l2->lag[head] < 0) {
        return head;
    }
    uint32_t h = 2166136261u;
    struct vh_flow f;
    for (int k = 0; k < 12; k++) {
        h = (h ^ p->data[k]) * 16777619u;
    }
    if (vh_frame_flow_for_hash(p->data, p->len, &f)) {
        h = (h ^ f.ip_src) * 16777619u;
        h = (h ^ f.ip_dst) * 16777619u;
    }
    size_t n = 0;
    for (size_t k = head; k < l2->n_ports; k++) {
        n += l2->lag[k] == l2->lag[head] && cable_up(l2->ports[k]);
    }
    if (!n) {
        return head;
    }
    size_t pick = h % n;
    for (size_t k = head; k < l2->n_ports; k++) {
        if (l2->lag[k] == l2->lag[head] && cable_up(l2->ports[k])
            && pick-- == 0) {
            return k;
        }
    }
    return head;
}

void
l2fwd_forget_port(struct l2fwd *l2, size_t i)
{
    fdb_forget_port(&l2->fdb, (int) i);
}

static struct vh_device *
drop_dev(const struct l2fwd *l2, size_t i)
{
    return l2->port_devs[i] ? l2->port_devs[i] : l2->dev;
}

bool
l2fwd_learn(struct world *w, struct l2fwd *l2, size_t in,
            struct vh_packet *p)
{
    uint16_t vid = 0;
    if (l2->vlan_aware) {
        const struct port_vlan *pv = &l2->ports[in]->vlan;
        int tagged = vh_frame_vlan(p->data, p->len);
        vid = tagged > 0 ? (uint16_t) tagged : pv->tag;
        if (!port_vlan_member(pv, vid)) {
            acct_drop(w, p, drop_dev(l2, in), "vlan-filter");
            return false;
        }
    }
    p->md.vlan = vid;
    fdb_learn(&l2->fdb, vh_eth_src(p->data), learn_vid(l2, vid),
              (int) lag_head(l2, in), w->sim.now);
    return true;
}

int
l2fwd_lookup(const struct l2fwd *l2, const struct vh_mac *mac, uint16_t vid,
             vh_time_t now)
{
    return fdb_lookup(&l2->fdb, mac, learn_vid(l2, vid), now);
}

/* Whether port 'i' takes a copy of a frame of VLAN 'vid' flooded in on
 * port 'in'. */
static bool
floods_to(const struct l2fwd *l2, size_t i, size_t in, uint16_t vid)
{
    if ((i == in && !relays(l2, in)) || !l2->ports[i]->carrier) {
        return false;
    }
    if (l2->lag && l2->lag[i] >= 0
        && (lag_head(l2, i) != i || lag_head(l2, in) == i)) {
        return false;           /* One copy per LAG, never back into the
                                 * LAG it came from. */
    }
    return isolation_permits(l2, in, i)
           && (!l2->vlan_aware || vlan_permits(l2, i, vid));
}

/* Tags or untags 'p' as port 'i' carries its VLAN, then sends it. */
static vh_time_t
output(struct world *w, struct l2fwd *l2, size_t i, struct vh_packet *p)
{
    if (l2->vlan_aware) {
        const struct port_vlan *pv = &l2->ports[i]->vlan;
        bool has_tag = vh_frame_vlan(p->data, p->len) >= 0;
        if (port_vlan_tagged(pv, p->md.vlan)) {
            if (!has_tag) {
                vh_vlan_push(p, p->md.vlan);
            }
        } else if (has_tag) {
            vh_vlan_pop(p);
        }
    }
    return l2->output(w, l2->owner, lag_member(l2, i, p), p);
}

/* Sends 'p' out of every port that takes a flooded copy. */
static vh_time_t
flood(struct world *w, struct l2fwd *l2, size_t in, struct vh_packet *p)
{
    /* The last port that takes a copy gets the frame itself.  Sought
     * from the end: usually the very last port, instead of a pass over
     * every port of a bridge with thousands. */
    size_t last = l2->n_ports;
    for (size_t i = l2->n_ports; i-- > 0;) {
        if (floods_to(l2, i, in, p->md.vlan)) {
            last = i;
            break;
        }
    }
    if (last == l2->n_ports) {
        acct_drop(w, p, l2->dev, "no-other-port");
        return 0;
    }
    l2->flooded++;
    vh_time_t end = 0;
    for (size_t i = 0; i <= last; i++) {
        if (floods_to(l2, i, in, p->md.vlan)) {
            if (i == in) {
                l2->reflected[in]++;    /* Only a relay floods back. */
            }
            vh_time_t e = output(w, l2, i, i == last ? p : acct_clone(w, p));
            end = e > end ? e : end;
        }
    }
    return end;
}

vh_time_t
l2fwd_forward(struct world *w, struct l2fwd *l2, size_t in,
              struct vh_packet *p)
{
    const struct vh_mac *dst = vh_eth_dst(p->data);
    int out = vh_mac_is_multicast(dst)
              ? -1 : fdb_lookup(&l2->fdb, dst, learn_vid(l2, p->md.vlan),
                                w->sim.now);
    if (out < 0) {
        return flood(w, l2, in, p);
    }
    if (!isolation_permits(l2, in, (size_t) out)) {
        acct_drop(w, p, drop_dev(l2, in), "port-isolated");
        return 0;
    }
    if (l2->pvlans.n && !vlan_permits(l2, (size_t) out, p->md.vlan)) {
        acct_drop(w, p, drop_dev(l2, in), "pvlan");
        return 0;
    }
    if ((size_t) out == lag_head(l2, in)) {
        if (!relays(l2, in)) {
            acct_drop(w, p, drop_dev(l2, in), l2->same_port_reason);
            return 0;
        }
        l2->reflected[in]++;
    }
    return output(w, l2, (size_t) out, p);
}

void
l2fwd_report(const struct l2fwd *l2, struct report_out *out)
{
    report_out_num(out, "flooded", (double) l2->flooded);
    report_out_num(out, "learned", (double) l2->fdb.learned);
}
