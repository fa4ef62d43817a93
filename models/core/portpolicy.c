/* models/core/portpolicy.c: a virtual port's policy, applied to the
 * frames that cross it. */
#include "models/core/portpolicy.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/devclass.h"
#include "models/core/world.h"
#include "sim/frame.h"
#include "sim/trace.h"

const char *const portpolicy_reason_names[PP_N_REASONS] = {
    [PP_BLOCKED] = "port-blocked",
    [PP_FORGED] = "forged-transmit",
    [PP_MAC_CHANGE] = "mac-change",
    [PP_PROMISC] = "not-promiscuous",
    [PP_ACL] = "port-acl-deny",
    [PP_SHAPING] = "shaping",
};

void
portpolicy_defaults(struct port_policy *pol)
{
    memset(pol, 0, sizeof *pol);
    pol->promiscuous = true;
    pol->mac_changes = true;
    pol->forged_transmits = true;
}

void
portpolicy_vsphere_defaults(struct port_policy *pol)
{
    portpolicy_defaults(pol);
    pol->promiscuous = false;
    pol->mac_changes = false;
    pol->forged_transmits = false;
}

void
port_policy_free(struct port_policy *pol)
{
    free(pol->acl);
    pol->acl = NULL;
    pol->n_acl = 0;
}

/* --- Shaping. --- */

static void shaper_run(struct vh_sim *, void *obj, void *arg);

static void
shaper_init(struct portpolicy_shaper *s, const struct port_shaping *cfg,
            struct portpolicy_port *pp, portpolicy_resume_fn resume,
            void *ctx)
{
    memset(s, 0, sizeof *s);
    s->cfg = cfg;
    s->port = pp;
    s->resume = resume;
    s->ctx = ctx;
    vh_pktq_init(&s->q, PORTPOLICY_QUEUE_FRAMES);
    vh_timer_init(&s->timer, shaper_run, s);
    if (cfg->enabled) {
        s->burst_time = vh_bytes_time(cfg->burst_bytes, cfg->average_bps);
    }
    /* tat = peak_free = 0: a port starts quiet, its burst bonus full. */
}

/* The bytes a frame takes from the buckets: on the wire, with its FCS
 * (what a rate in bits per second counts). */
static uint64_t
shaper_bytes(const struct vh_packet *p)
{
    return (uint64_t) p->len + VH_ETH_FCS;
}

/* The earliest time the buckets let a frame of 'bytes' go: the average
 * bucket must hold min(bytes, burst) (so a frame larger than the burst
 * waits for a full bucket rather than forever), the peak bucket one
 * frame. */
static vh_time_t
shaper_ready(const struct portpolicy_shaper *s, uint64_t bytes)
{
    const struct port_shaping *c = s->cfg;
    uint64_t need = bytes < c->burst_bytes ? bytes : c->burst_bytes;
    vh_time_t t = s->tat + vh_bytes_time(need, c->average_bps);
    t = t > s->burst_time ? t - s->burst_time : 0;
    return t > s->peak_free ? t : s->peak_free;
}

/* Takes the frame's bytes from both buckets at 'now'. */
static void
shaper_take(struct portpolicy_shaper *s, uint64_t bytes, vh_time_t now)
{
    const struct port_shaping *c = s->cfg;
    vh_time_t from = s->tat > now ? s->tat : now;
    s->tat = from + vh_bytes_time(bytes, c->average_bps);
    s->peak_free = now + vh_bytes_time(bytes, c->peak_bps);
    if (!s->passed++) {
        s->first = now;
        s->first_bytes = bytes;
    }
    s->last = now;
    s->bytes += bytes;
}

static void
shaper_arm(struct world *w, struct portpolicy_shaper *s)
{
    if (s->q.head) {
        vh_timer_arm_at(&w->sim, &s->timer,
                        shaper_ready(s, shaper_bytes(s->q.head)));
    }
}

/* The head frame's time has come: it goes on, and so does every frame
 * behind it that the buckets pass at this instant. */
static void
shaper_run(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct portpolicy_shaper *s = obj;
    (void) arg;
    while (s->q.head
           && shaper_ready(s, shaper_bytes(s->q.head)) <= w->sim.now) {
        struct vh_packet *p = vh_pktq_pop(&s->q);
        shaper_take(s, shaper_bytes(p), w->sim.now);
        s->delayed++;
        s->resume(w, s->ctx, p);
    }
    shaper_arm(w, s);
}

static void
pp_drop(struct world *w, struct portpolicy_port *pp, struct vh_packet *p,
        enum portpolicy_reason why)
{
    pp->drops[why]++;
    acct_drop(w, p, pp->dev, portpolicy_reason_names[why]);
}

/* Passes 'p' through shaper 's' now, holds it, or drops it when the
 * queue is full. */
static enum portpolicy_verdict
shaper_admit(struct world *w, struct portpolicy_shaper *s,
             struct vh_packet *p)
{
    if (!s->cfg->enabled) {
        return PP_PASS;
    }
    uint64_t bytes = shaper_bytes(p);
    if (!s->q.head && shaper_ready(s, bytes) <= w->sim.now) {
        shaper_take(s, bytes, w->sim.now);
        return PP_PASS;
    }
    if (vh_pktq_full(&s->q)) {
        pp_drop(w, s->port, p, PP_SHAPING);
        return PP_DROPPED;
    }
    vh_pktq_push(&s->q, p);
    if (s->q.count > s->peak_queued) {
        s->peak_queued = s->q.count;
    }
    if (s->q.count == 1) {
        shaper_arm(w, s);
    }
    return PP_HELD;
}

/* --- The port. --- */

static void
effective_update(struct portpolicy_port *pp)
{
    pp->effective = pp->pol->mac_changes ? pp->guest : pp->mac;
}

void
portpolicy_port_init(struct portpolicy_port *pp,
                     const struct port_policy *pol, struct vh_device *dev,
                     const char *name, const struct vh_mac *mac,
                     portpolicy_resume_fn from_vm,
                     portpolicy_resume_fn to_vm, void *ctx)
{
    memset(pp, 0, sizeof *pp);
    pp->pol = pol;
    pp->name = name;
    pp->dev = dev;
    pp->mac = *mac;
    pp->guest = *mac;
    effective_update(pp);
    swacl_init(&pp->acl, pol->acl, pol->n_acl);
    shaper_init(&pp->in, &pol->ingress, pp, from_vm, ctx);
    shaper_init(&pp->out, &pol->egress, pp, to_vm, ctx);
}

void
portpolicy_port_destroy(struct portpolicy_port *pp)
{
    vh_timer_cancel(&pp->in.timer);
    vh_timer_cancel(&pp->out.timer);
    vh_pktq_purge(&pp->in.q);
    vh_pktq_purge(&pp->out.q);
    swacl_destroy(&pp->acl);
}

void
portpolicy_guest_mac(struct portpolicy_port *pp, const struct vh_mac *mac)
{
    pp->guest = *mac;
    effective_update(pp);
}

void
portpolicy_port_move(struct portpolicy_port *pp, struct vh_device *dev,
                     void *ctx)
{
    pp->dev = dev;
    pp->in.ctx = ctx;
    pp->out.ctx = ctx;
}

bool
portpolicy_sees_all(const struct portpolicy_port *pp)
{
    return pp->pol->promiscuous && !pp->pol->blocked;
}

enum portpolicy_verdict
portpolicy_from_vm(struct world *w, struct portpolicy_port *pp,
                   struct vh_packet *p)
{
    const struct port_policy *pol = pp->pol;
    if (pol->blocked) {
        pp_drop(w, pp, p, PP_BLOCKED);
        return PP_DROPPED;
    }
    if (p->len < VH_ETH_HLEN) {
        return PP_PASS;         /* Nothing to judge; the switch drops it. */
    }
    if (!pol->forged_transmits
        && !vh_mac_eq(vh_eth_src(p->data), &pp->effective)) {
        pp_drop(w, pp, p, PP_FORGED);
        return PP_DROPPED;
    }
    if (!swacl_permits(&pp->acl, 0, p)) {
        pp_drop(w, pp, p, PP_ACL);
        return PP_DROPPED;
    }
    return shaper_admit(w, &pp->in, p);
}

enum portpolicy_verdict
portpolicy_to_vm(struct world *w, struct portpolicy_port *pp,
                 struct vh_packet *p)
{
    const struct port_policy *pol = pp->pol;
    if (pol->blocked) {
        pp_drop(w, pp, p, PP_BLOCKED);
        return PP_DROPPED;
    }
    if (p->len < VH_ETH_HLEN) {
        return PP_PASS;
    }
    const struct vh_mac *dst = vh_eth_dst(p->data);
    if (!vh_mac_is_multicast(dst) && !vh_mac_eq(dst, &pp->effective)) {
        /* A refused MAC change first: it says why the guest's own
         * traffic stopped, which "not promiscuous" would hide. */
        if (!pol->mac_changes && vh_mac_eq(dst, &pp->guest)) {
            pp_drop(w, pp, p, PP_MAC_CHANGE);
            return PP_DROPPED;
        }
        if (!pol->promiscuous) {
            pp_drop(w, pp, p, PP_PROMISC);
            return PP_DROPPED;
        }
    }
    if (!swacl_permits(&pp->acl, 0, p)) {
        pp_drop(w, pp, p, PP_ACL);
        return PP_DROPPED;
    }
    return shaper_admit(w, &pp->out, p);
}

bool
portpolicy_active(const struct portpolicy_port *pp)
{
    const struct port_policy *pol = pp->pol;
    return pol->ingress.enabled || pol->egress.enabled || !pol->promiscuous
           || !pol->mac_changes || !pol->forged_transmits || pol->blocked
           || pol->n_acl;
}

/* --- Report. --- */

static void
shaper_report(const struct portpolicy_shaper *s, const char *key,
              struct report_out *out)
{
    if (!s->cfg->enabled) {
        return;
    }
    report_out_begin(out, key);
    report_out_num(out, "average_bps", (double) s->cfg->average_bps);
    report_out_num(out, "peak_bps", (double) s->cfg->peak_bps);
    report_out_num(out, "burst", (double) s->cfg->burst_bytes);
    report_out_num(out, "passed", (double) s->passed);
    report_out_num(out, "bytes", (double) s->bytes);
    report_out_num(out, "delayed", (double) s->delayed);
    report_out_num(out, "peak_queued", (double) s->peak_queued);
    /* From the first frame's start to the last one's: the bytes of all
     * but the first crossed in that time. */
    vh_time_t span = s->last - s->first;
    /* Whole bits per second: a rate is not known to a fraction of a bit. */
    report_out_num(out, "rate_bps", span ? round((double) (s->bytes
                   - s->first_bytes) * 8.0 * (double) VH_SEC / (double) span)
                   : 0.0);
    report_out_end(out);
}

void
portpolicy_report(const struct portpolicy_port *pp,
                  struct report_out *out)
{
    const struct port_policy *pol = pp->pol;
    report_out_str(out, "port", pp->name);
    if (pol->blocked) {
        report_out_str(out, "blocked", "yes");
    }
    report_out_begin(out, "security");
    report_out_str(out, "promiscuous", pol->promiscuous ? "accept" : "reject");
    report_out_str(out, "mac_changes", pol->mac_changes ? "accept" : "reject");
    report_out_str(out, "forged_transmits",
                   pol->forged_transmits ? "accept" : "reject");
    report_out_end(out);
    report_out_begin(out, "dropped");
    for (int r = 0; r < PP_N_REASONS; r++) {
        if (pp->drops[r]) {
            report_out_num(out, portpolicy_reason_names[r],
                           (double) pp->drops[r]);
        }
    }
    report_out_end(out);
    shaper_report(&pp->in, "ingress", out);
    shaper_report(&pp->out, "egress", out);
    if (pol->n_acl) {
        swacl_report(&pp->acl, out);
    }
}
