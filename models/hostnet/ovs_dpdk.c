/* models/hostnet/ovs_dpdk.c: the user-space datapath's poll-mode threads and
 * their learning switch. */
#include "models/hostnet/ovs_dpdk.h"
#include "models/hostnet/ovs_dpdk_tnl.h"

#include <stdio.h>
#include <stdlib.h>

#include "models/core/acct.h"
#include "models/core/cfgobj.h"
#include "models/core/devclass.h"
#include "models/core/defaults.h"
#include "models/hw/cpu.h"
#include "models/core/host.h"
#include "models/hw/pnic.h"
#include "models/guest/virtio_net.h"
#include "models/guest/vm.h"
#include "models/ovs/ovs_flowexp.h"
#include "models/ovs/sflow_agent.h"
#include "models/core/world.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

/* NETDEV_MAX_BURST: frames one visit takes from a queue. */
#define PMD_BURST 32

static void pmd_visit(struct vh_sim *, void *obj, void *arg);

/* Time one visit takes on the PMD's core. */
static vh_time_t
pmd_visit_time(const struct pmd *pmd)
{
    uint64_t cyc = pmd->core->price[COST_PMD_POLL].fixed;
    return (vh_time_t) (((unsigned __int128) cyc
                         * pmd->core->ps_per_cycle_q32) >> 32);
}

static uint32_t
rxq_pending(const struct ovs_dpdk *br, const struct pmd_rxq *rq)
{
    const struct ovs_port *op = br->ports[rq->port];
    return op->nic ? pnic_poll_rx_pending(op->nic, rq->q)
                   : virtio_net_vu_tx_pending(op->vn, rq->q);
}

/* --- When an idle PMD finds a frame. --- */

/* A frame is waiting in 'rq' of an idle PMD.  The PMD is somewhere in its
 * round of visits; it reaches this queue at its next visit, once the rest
 * of the pass is done. */
static void
pmd_notice(struct world *w, struct pmd *pmd, struct pmd_rxq *rq)
{
    if (pmd->busy) {
        return;
    }
    vh_time_t tv = pmd_visit_time(pmd);
    vh_time_t pass = tv * pmd->n_rxqs;
    size_t ahead = (rq->pos + pmd->n_rxqs - pmd->pos) % pmd->n_rxqs;
    vh_time_t at = pmd->origin + ahead * tv;
    vh_time_t now = w->sim.now;
    if (at < now && pass) {
        at += (now - at + pass - 1) / pass * pass;
    }
    if (!vh_timer_armed(&pmd->wake) || at < pmd->wake.when) {
        pmd->wake_pos = rq->pos;
        vh_timer_arm_at(&w->sim, &pmd->wake, at);
    }
}

static void
pmd_wake(struct vh_sim *sim, void *obj, void *arg)
{
    struct pmd *pmd = obj;
    pmd->busy = true;
    pmd->pos = pmd->wake_pos;
    pmd->empty_run = 0;
    pmd_visit(sim, pmd, NULL);
    (void) arg;
}

/* A whole round found nothing: the PMD goes back to polling without
 * events.  Its next visit, to 'pos', starts at 'end'. */
static void
pmd_go_idle(struct world *w, struct pmd *pmd, vh_time_t end)
{
    struct ovs_dpdk *br = pmd->br;
    pmd->busy = false;
    pmd->origin = end;
    /* A frame that came in behind the PMD during the round is seen on
     * its next visit. */
    for (size_t i = 0; i < pmd->n_rxqs; i++) {
        if (rxq_pending(br, pmd->rxqs[i])) {
            pmd_notice(w, pmd, pmd->rxqs[i]);
        }
    }
}

/* --- Forwarding. --- */

static struct pmd *
pmd_of_core(struct ovs_dpdk *br, const struct vh_packet *p)
{
    for (int i = 0; i < br->n_pmds; i++) {
        if (&br->pmds[i].core->srv == p->exec) {
            return &br->pmds[i];
        }
    }
    return &br->pmds[0];
}

static void
nic_out(struct vh_sim *sim, void *obj, void *arg)
{
    struct ovs_dpdk *br = obj;
    struct vh_packet *p = arg;
    struct pmd *pmd = pmd_of_core(br, p);
    struct pnic *nic = br->ports[p->in_port]->nic;
    /* Each PMD has its own TX queue on every NIC. */
    pnic_poll_tx(world_of(sim), nic, pmd->index % nic->n_queues, p);
}

static void
guest_out(struct vh_sim *sim, void *obj, void *arg)
{
    struct ovs_dpdk *br = obj;
    struct vh_packet *p = arg;
    struct pmd *pmd = pmd_of_core(br, p);
    struct virtio_net *vn = br->ports[p->in_port]->vn;
    virtio_net_vu_rx_done(world_of(sim), vn, pmd->index % vn->n_queues, p,
                          pmd->core, CPU_POLL);
}

/* Sends 'p' out of port 'out' from 'pmd'.  Returns when the PMD's work
 * for it ends.  Takes 'p'. */
static vh_time_t
pmd_output(struct world *w, struct pmd *pmd, size_t out, struct vh_packet *p)
{
    struct ovs_dpdk *br = pmd->br;
    struct ovs_port *op = br->ports[out];
    struct cpu_core *c = pmd->core;
    vh_time_t t;

    /* From here the frame's port index names its way out. */
    p->in_port = (uint16_t) out;
    br->dev.tx++;
    if (op->vtep) {
        return ovs_dpdk_tnl_output(w, pmd, op, p);
    }
    if (op->nic) {
        t = cpu_charge(w, c, COST_PMD_TX, 0, CPU_POLL, p, &br->dev);
        vh_schedule_at(&w->sim, t, nic_out, br, p);
        return t;
    }
    /* rte_vhost_enqueue_burst(): a buffer the guest posted, the copy into
     * it, the used ring. */
    const char *why = virtio_net_vu_rx_take(op->vn,
                                            pmd->index % op->vn->n_queues);
    if (why) {
        acct_drop(w, p, &op->vn->dev, why);
        return w->sim.now;
    }
    cpu_charge(w, c, COST_VHOST_USER_DESC, 0, CPU_POLL, p, &br->dev);
    cpu_charge(w, c, COST_COPY_FIXED, 0, CPU_POLL, p, &br->dev);
    t = cpu_charge(w, c, COST_COPY_BYTE, p->len, CPU_POLL, p, &br->dev);
    br->host->copies_bytes += p->len;
    vh_schedule_at(&w->sim, t, guest_out, br, p);
    return t;
}

/* --- Classification: EMC, SMC, dpcls, upcall. --- */

static const struct ofkey all_bits = { .w = { UINT64_MAX, UINT64_MAX,
                                              UINT64_MAX, UINT64_MAX,
                                              UINT64_MAX, UINT64_MAX } };

static void request_revalidation(struct world *, struct ovs_dpdk *);

struct pmd_exec {
    struct world *w;
    struct pmd *pmd;
    vh_time_t end;              /* When the PMD's work for the frame
                                 * ends. */
};

static void
exec_output(void *ctx, uint32_t port, uint32_t queue, struct vh_packet *p)
{
    struct pmd_exec *ex = ctx;
    struct ofproto_port *op = ofproto_port(&ex->pmd->br->ofp, port);
    (void) queue;
    if (!op || !op->dp) {
        acct_drop(ex->w, p, &ex->pmd->br->dev, "port-down");
        return;
    }
    struct ovs_port *dp = op->dp;
    ofproto_port_count(&op->tx, p);
    vh_time_t t = pmd_output(ex->w, ex->pmd, (size_t) dp->port.index, p);
    ex->end = t > ex->end ? t : ex->end;
}

static struct vh_packet *
exec_clone(void *ctx, struct vh_packet *p)
{
    struct pmd_exec *ex = ctx;
    return acct_clone(ex->w, p);
}

/* Announces, for 'vhsim explain', which cache found the frame. */
static void
decide(struct world *w, struct pmd *pmd, const struct vh_packet *p,
       const char *what)
{
    VH_TRACE(&w->trace, VH_HOP_DECIDE, .time = w->sim.now, .pkt = p,
             .dev = &pmd->br->dev, .what = what);
}

/* The PMD's dpcls for frames from port 'port'. */
static struct megaflow_cache *
pmd_dpcls(struct pmd *pmd, size_t port)
{
    while (pmd->n_dpcls <= port) {
        pmd->dpcls = vh_xgrow(pmd->dpcls, pmd->n_dpcls, sizeof *pmd->dpcls);
        megaflow_init(&pmd->dpcls[pmd->n_dpcls++]);
    }
    return &pmd->dpcls[port];
}

/* Megaflows the PMD holds, over all its ports; and at peak, summed. */
static size_t
pmd_flows(const struct pmd *pmd, bool peak)
{
    size_t n = 0;
    for (size_t i = 0; i < pmd->n_dpcls; i++) {
        n += peak ? pmd->dpcls[i].peak_flows : pmd->dpcls[i].n_flows;
    }
    return n;
}

/* An upcall run by the PMD: translate, install in its dpcls.  Returns the
 * new flow, or NULL (the datapath is full) with 'xo' still holding the
 * actions to run. */
static struct dp_flow *
pmd_upcall(struct world *w, struct pmd *pmd, struct megaflow_cache *dpcls,
           const struct ofkey *key, struct vh_packet *p,
           struct xlate_out *xo, const char **why)
{
    struct ovs_dpdk *br = pmd->br;
    struct cpu_core *c = pmd->core;
    uint64_t moves = br->ofp.reval_seq;
    pmd->upcalls++;
    decide(w, pmd, p, "EMC and dpcls miss: upcall in the PMD thread");
    ofproto_xlate(&br->ofp, key, true, w->sim.now, xo);
    cpu_charge(w, c, COST_OVS_XLATE, 0, CPU_POLL, p, &br->dev);
    if (xo->n_subtables) {
        cpu_charge_n(w, c, COST_OVS_CLS_SUBTABLE, xo->n_subtables, CPU_POLL,
                     p, &br->dev);
    }
    if (br->ofp.reval_seq != moves) {
        request_revalidation(w, br);
    }
    if (w->trace.mask & VH_HOP_BIT(VH_HOP_DECIDE)) {
        char buf[600];
        for (size_t i = 0; i < xo->n_rules; i++) {
            snprintf(buf, sizeof buf, "table %u matched: %s",
                     (unsigned) xo->rules[i]->table, xo->rules[i]->text);
            decide(w, pmd, p, buf);
        }
    }
    *why = ofproto_drop_reason(&br->ofp, xo);
    size_t flows = pmd_flows(pmd, false);
    if (flows >= br->cfg->other.flow_limit) {
        return NULL;
    }
    cpu_charge(w, c, COST_DPCLS_INSERT, 0, CPU_POLL, p, &br->dev);
    struct dp_flow *f = megaflow_insert(dpcls, key, &xo->wc, &xo->acts,
                                        xo->rules, xo->n_rules, *why,
                                        w->sim.now);
    size_t now_flows = 0;
    for (int i = 0; i < br->n_pmds; i++) {
        now_flows += pmd_flows(&br->pmds[i], false);
    }
    if (now_flows > br->peak_flows) {
        br->peak_flows = now_flows;     /* At one time, over all PMDs. */
    }
    if (flows == 0) {
        request_revalidation(w, br);
    }
    return f;
}

/* OVS's emc_probabilistic_insert(): megaflow 'f' goes into the EMC
 * under 'key' one time in emc-insert-inv-prob, after a dpcls hit and
 * after an upcall alike, so that many short flows do not thrash it. */
static void
emc_maybe_insert(struct pmd *pmd, const struct ofkey *key, uint32_t hash,
                 struct dp_flow *f)
{
    uint32_t inv = pmd->br->cfg->other.emc_insert_inv_prob;
    if (f && inv && vh_rng_below(&pmd->br->rng, inv) == 0) {
        emc_insert(&pmd->emc, key, hash, f);
    }
}

/* Finds the megaflow of 'key' through the PMD's caches, charging each
 * probe; NULL means an upcall is needed. */
static struct dp_flow *
pmd_lookup(struct world *w, struct pmd *pmd, struct megaflow_cache *dpcls,
           const struct ofkey *key, uint32_t hash, struct vh_packet *p)
{
    struct ovs_dpdk *br = pmd->br;
    struct cpu_core *c = pmd->core;
    const struct cfg_ovs_other *oc = &br->cfg->other;
    struct dp_flow *f = NULL;
    if (oc->emc_insert_inv_prob) {
        f = emc_lookup(&pmd->emc, key, hash);
        if (f) {
            pmd->emc_hits++;
            decide(w, pmd, p, "exact-match cache (EMC) hit");
            return f;
        }
        cpu_charge(w, c, COST_EMC_MISS, 0, CPU_POLL, p, &br->dev);
    }
    if (oc->smc_enable) {
        cpu_charge(w, c, COST_SMC_LOOKUP, 0, CPU_POLL, p, &br->dev);
        f = smc_lookup(&pmd->smc, key, hash);
        if (f) {
            pmd->smc_hits++;
            decide(w, pmd, p, "signature match cache (SMC) hit");
        }
    }
    if (!f) {
        unsigned n;
        f = megaflow_lookup(dpcls, key, &n);
        if (n) {
            cpu_charge_n(w, c, COST_OVS_MASK_PROBE, n, CPU_POLL, p,
                         &br->dev);
        }
        if (f) {
            pmd->megaflow_hits++;
            pmd->subtables_on_hit += n;
            if (w->trace.mask & VH_HOP_BIT(VH_HOP_DECIDE)) {
                char buf[96];
                snprintf(buf, sizeof buf, "EMC miss, megaflow (dpcls) hit "
                         "in subtable %zu of %zu", f->mask->index + 1,
                         dpcls->n_masks);
                decide(w, pmd, p, buf);
            }
            if (oc->smc_enable) {
                smc_insert(&pmd->smc, hash, f);
            }
        }
    }
    emc_maybe_insert(pmd, key, hash, f);
    return f;
}

/* Classifies 'p' (taken) from port 'in' and runs its actions.  Returns
 * when the PMD's work for it ends. */
static vh_time_t
pmd_switch(struct world *w, struct pmd *pmd, struct ovs_port *in,
           struct vh_packet *p, vh_time_t t)
{
    struct ovs_dpdk *br = pmd->br;
    struct ofkey key;
    vh_time_t end;
    if (in->policer && !policer_admit(in->policer, w->sim.now, p->len)) {
        /* The netdev's policer runs as the frame is received, before
         * any lookup. */
        acct_drop(w, p, &br->dev, "policed");
        return t;
    }
    if (in == br->phy && ovs_dpdk_tnl_input(w, pmd, p, t, &end)) {
        return end;
    }
    ofkey_extract(p->data, p->len, in->ofp->ofp_port, &key);
    if (in->vtep) {
        key.tun_id = p->md.tun_key;     /* A recirculation after tnl_pop. */
    }
    p->in_port = (uint16_t) in->ofp->ofp_port;
    ofproto_port_count(&in->ofp->rx, p);
    uint32_t hash = ofkey_hash_masked(&key, &all_bits, 0);
    struct megaflow_cache *dpcls = pmd_dpcls(pmd, (size_t) in->port.index);
    struct dp_flow *f = pmd_lookup(w, pmd, dpcls, &key, hash, p);
    struct xlate_out xo;
    const struct odp_actions *acts;
    const char *why;
    bool have_xo = false;
    if (f) {
        if (w->trace.mask & VH_HOP_BIT(VH_HOP_DECIDE)) {
            char buf[600];
            for (size_t i = 0; i < f->n_rules; i++) {
                snprintf(buf, sizeof buf, "cached from table %u: %s",
                         (unsigned) f->rules[i]->table, f->rules[i]->text);
                decide(w, pmd, p, buf);
            }
        }
        f->packets++;
        f->bytes += p->len;
        f->used = w->sim.now;
        ofproto_credit(f->rules, f->n_rules, p->len, w->sim.now);
        acts = &f->acts;
        why = f->drop_reason;
    } else {
        xlate_out_init(&xo);
        have_xo = true;
        f = pmd_upcall(w, pmd, dpcls, &key, p, &xo, &why);
        ofproto_credit(xo.rules, xo.n_rules, p->len, w->sim.now);
        emc_maybe_insert(pmd, &key, hash, f);
        acts = f ? &f->acts : &xo.acts;
    }
    if (br->sflow) {
        sflow_agent_sample(w, br->sflow, pmd->core, CPU_POLL, p,
                           in->ofp->ofp_port, sflow_agent_output(acts));
    }
    ovs_flowexp_account(w, &br->flowexp, pmd->core, CPU_POLL, p,
                        in->ofp->ofp_port, acts);
    struct pmd_exec ex = { w, pmd, w->sim.now };
    bool ctl = false;
    if (!odp_execute(acts, p, exec_output, exec_clone, &ex, &ctl)) {
        acct_drop(w, p, &br->dev, why ? why : "rule-drop");
    }
    br->ofp.controller += ctl;
    if (have_xo) {
        xlate_out_destroy(&xo);
    }
    return ex.end > t ? ex.end : t;
}

vh_time_t
ovs_dpdk_switch(struct world *w, struct pmd *pmd, struct ovs_port *in,
                struct vh_packet *p, vh_time_t t)
{
    return pmd_switch(w, pmd, in, p, t);
}

void
ovs_dpdk_nic_send(struct world *w, struct pmd *pmd, struct ovs_port *out,
                  struct vh_packet *p, vh_time_t at)
{
    p->in_port = (uint16_t) out->port.index;
    p->exec = &pmd->core->srv;
    vh_schedule_at(&w->sim, at, nic_out, pmd->br, p);
}

/* Takes one frame from 'rq', switches it, and sends it.  Returns when the
 * PMD's work for it ends. */
static vh_time_t
pmd_rx_one(struct world *w, struct pmd *pmd, struct pmd_rxq *rq)
{
    struct ovs_dpdk *br = pmd->br;
    struct ovs_port *in = br->ports[rq->port];
    struct cpu_core *c = pmd->core;
    struct vh_packet *p;

    if (in->nic) {
        p = pnic_poll_rx(in->nic, rq->q);
    } else {
        p = virtio_net_vu_tx_take(in->vn, rq->q);
    }
    p->exec = &c->srv;
    p->hops++;
    pmd->frames++;
    br->dev.rx++;
    VH_TRACE(&w->trace, VH_HOP_RX, .time = w->sim.now, .pkt = p,
             .dev = &br->dev);
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = &br->dev);
    if (in->nic) {
        cpu_charge(w, c, COST_PMD_RX, 0, CPU_POLL, p, &br->dev);
    } else {
        /* rte_vhost_dequeue_burst(): the descriptor chain, and a copy out
         * of guest memory into an mbuf. */
        cpu_charge(w, c, COST_VHOST_USER_DESC, 0, CPU_POLL, p, &br->dev);
        cpu_charge(w, c, COST_COPY_FIXED, 0, CPU_POLL, p, &br->dev);
        cpu_charge(w, c, COST_COPY_BYTE, p->len, CPU_POLL, p, &br->dev);
        br->host->copies_bytes += p->len;
    }
    vh_time_t t = cpu_charge(w, c, COST_PMD_CLASSIFY, 0, CPU_POLL, p,
                             &br->dev);
    vh_time_t e = pmd_switch(w, pmd, in, p, t);
    return e > t ? e : t;
}

/* One visit of a busy PMD to its next queue. */
static void
pmd_visit(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct pmd *pmd = obj;
    struct ovs_dpdk *br = pmd->br;
    struct cpu_core *c = pmd->core;
    struct pmd_rxq *rq = pmd->rxqs[pmd->pos];

    pmd->pos = (pmd->pos + 1) % pmd->n_rxqs;
    pmd->busy_visits++;
    vh_time_t t = cpu_charge(w, c, COST_PMD_POLL, 0, CPU_POLL, NULL,
                             &br->dev);
    uint32_t n = rxq_pending(br, rq);
    if (!n) {
        br->host->polls[c->index].idle_cycles
            += c->price[COST_PMD_POLL].fixed;
        if (++pmd->empty_run >= pmd->n_rxqs) {
            pmd_go_idle(w, pmd, t);
            return;
        }
        vh_schedule_at(sim, t, pmd_visit, pmd, NULL);
        return;
    }
    pmd->empty_run = 0;
    for (uint32_t i = 0; i < n && i < PMD_BURST; i++) {
        vh_time_t e = pmd_rx_one(w, pmd, rq);
        t = e > t ? e : t;
    }
    vh_schedule_at(sim, t, pmd_visit, pmd, NULL);
    (void) arg;
}

/* --- Revalidation. --- */

static void
purge_caches(void *aux)
{
    struct pmd *pmd = aux;
    emc_purge_dead(&pmd->emc);
    smc_purge_dead(&pmd->smc);
}

/* ovs-vswitchd's revalidators dump the flows of every PMD's dpcls (they
 * run on the host's other cores; their cycles are not charged to the
 * PMDs). */
static void
revalidate_ev(struct vh_sim *sim, void *obj, void *arg)
{
    struct ovs_dpdk *br = obj;
    const struct cfg_ovs_other *oc = &br->cfg->other;
    vh_time_t now = sim->now;
    bool relearn = br->ofp.reval_seq != br->reval_seen;
    size_t left = 0;
    br->reval_seen = br->ofp.reval_seq;
    br->reval.passes++;
    ofproto_mark_expired(&br->ofp, now);
    for (int i = 0; i < br->n_pmds; i++) {
        struct pmd *pmd = &br->pmds[i];
        vh_time_t idle = pmd_flows(pmd, false) > oc->flow_limit
                         ? VH_DEF_OVS_OVERLIMIT_IDLE : oc->max_idle;
        for (size_t k = 0; k < pmd->n_dpcls; k++) {
            ovs_revalidate(&pmd->dpcls[k], &br->ofp, now, idle, relearn,
                           purge_caches, pmd, &br->reval);
        }
        left += pmd_flows(pmd, false);
    }
    ofproto_remove_expired(&br->ofp);
    if (left) {
        vh_timer_arm_at(sim, &br->revalidate, now + oc->max_revalidator);
    }
    (void) arg;
}

static void
request_revalidation(struct world *w, struct ovs_dpdk *br)
{
    bool urgent = br->ofp.reval_seq != br->reval_seen;
    vh_time_t at = urgent ? w->sim.now
                          : w->sim.now + br->cfg->other.max_revalidator;
    if (!vh_timer_armed(&br->revalidate) || at < br->revalidate.when) {
        vh_timer_arm_at(&w->sim, &br->revalidate, at);
    }
}

/* --- Ports and queues. --- */

static struct pmd_rxq *
find_rxq(struct ovs_dpdk *br, const struct pnic *nic,
         const struct virtio_net *vn, int q)
{
    for (size_t i = 0; i < br->n_rxqs; i++) {
        struct pmd_rxq *rq = br->rxqs[i];
        const struct ovs_port *op = br->ports[rq->port];
        if (rq->q == q && ((nic && op->nic == nic) || (vn && op->vn == vn))) {
            return rq;
        }
    }
    return NULL;
}

static void
nic_ready(struct world *w, void *ctx, struct pnic *nic, int q)
{
    struct pmd_rxq *rq = find_rxq(ctx, nic, NULL, q);
    if (rq) {
        pmd_notice(w, rq->pmd, rq);
    }
}

static void
guest_ready(struct world *w, void *ctx, struct virtio_net *vn, int q)
{
    struct pmd_rxq *rq = find_rxq(ctx, NULL, vn, q);
    if (rq) {
        pmd_notice(w, rq->pmd, rq);
    }
}

static int
add_port(struct ovs_dpdk *br, struct pnic *nic, struct virtio_net *vn,
         struct ofproto_port *ofp)
{
    struct ovs_port *op = vh_xcalloc(1, sizeof *op);
    op->nic = nic;
    op->vn = vn;
    op->ofp = ofp;
    ofp->dp = op;
    ofp->up = true;
    uint64_t rate = ofp->cfg ? ofp->cfg->policing_rate_kbps
                    : ofp->vnic ? ofp->vnic->policing_rate_kbps : 0;
    if (rate) {
        op->policer = vh_xmalloc(sizeof *op->policer);
        policer_init(op->policer, rate, ofp->cfg
                     ? ofp->cfg->policing_burst_kb
                     : ofp->vnic->policing_burst_kb);
    }
    /* A DPDK port is owned by the PMDs, not joined to a peer: nothing is
     * plugged into it, and it always has carrier. */
    port_init(&op->port, NULL, br, &br->dev, (int) br->n_ports);
    op->port.carrier = true;
    br->ports = vh_xgrow(br->ports, br->n_ports, sizeof *br->ports);
    br->ports[br->n_ports] = op;
    return (int) br->n_ports++;
}

/* Gives queue 'q' of port 'port' to the next PMD, round robin. */
static void
add_rxq(struct ovs_dpdk *br, int port, int q)
{
    struct pmd_rxq *rq = vh_xcalloc(1, sizeof *rq);
    br->rxqs = vh_xgrow(br->rxqs, br->n_rxqs, sizeof *br->rxqs);
    struct pmd *pmd = &br->pmds[br->n_rxqs % (size_t) br->n_pmds];
    br->rxqs[br->n_rxqs++] = rq;
    pmd->rxqs = vh_xgrow(pmd->rxqs, pmd->n_rxqs, sizeof *pmd->rxqs);
    rq->port = port;
    rq->q = q;
    rq->pmd = pmd;
    rq->pos = pmd->n_rxqs;
    pmd->rxqs[pmd->n_rxqs++] = rq;
}

bool
ovs_dpdk_add_nic(struct world *w, struct ovs_dpdk *br, struct pnic *nic,
                 struct vh_diag *diag)
{
    (void) w;
    int port = add_port(br, nic, NULL,
                        ofproto_port_named(&br->ofp, nic->cfg->name));
    /* Nothing plugs into a DPDK port, but frames pass between the NIC
     * and the switch all the same: the topology says so, for the GUI. */
    vh_device_connect(&br->dev, &nic->dev, 0);
    /* Its address is the tunnels' (OVS's br-phy), or refused. */
    if (nic->cfg->has_ip
        && !ovs_dpdk_tnl_take_phy(br, br->ports[port], diag)) {
        return false;
    }
    struct pnic_poller poller = { nic_ready, br };
    pnic_set_poller(nic, &poller);
    for (int q = 0; q < nic->n_queues; q++) {
        add_rxq(br, port, q);
    }
    return true;
}

void
ovs_dpdk_add_vhost_user(struct world *w, struct ovs_dpdk *br,
                        struct virtio_net *vn, struct ofproto_port *ofp)
{
    (void) w;
    int port = add_port(br, NULL, vn, ofp);
    vh_device_connect(&br->dev, &vn->dev, 0);
    virtio_net_set_poller(vn, guest_ready, br);
    for (int q = 0; q < vn->n_queues; q++) {
        add_rxq(br, port, q);
    }
}

struct ovs_dpdk *
ovs_dpdk_find(const struct world *w, const struct host *h, const char *name)
{
    struct vh_device *d = host_dev(w, h, name, "ovs-dpdk");
    return d ? VH_CONTAINER_OF(d, struct ovs_dpdk, dev) : NULL;
}

bool
ovs_dpdk_attach(struct world *w, struct host *h, struct vm_nic *n,
                struct vh_diag *diag)
{
    const struct cfg_vnic *cn = n->cfg;
    struct ovs_dpdk *br = ovs_dpdk_find(w, h, cn->attach_to);
    char path[512];
    snprintf(path, sizeof path, "%s.attach.to", cn->jpath);
    if (!br) {
        return vh_diag_fail(diag, path, "'%s' is not an Open vSwitch bridge "
                            "with datapath 'dpdk'", cn->attach_to);
    }
    if (cn->policy || cn->has_guest_mac) {
        snprintf(path, sizeof path, "%s.%s", cn->jpath, cn->policy
                 ? "attach.policy" : "guest_mac");
        return vh_diag_fail(diag, path, "not supported yet: a port policy "
                            "or a guest's own MAC on Open vSwitch's DPDK "
                            "datapath ('%s'); the kernel datapath and the "
                            "Linux bridge take them", cn->attach_to);
    }
    if (!n->virtio || n->virtio->backend != CFG_BE_VHOST_USER) {
        return vh_diag_fail(diag, path, "'%s' runs Open vSwitch's user-space "
                            "datapath, whose ports to VMs are vhost-user "
                            "sockets: give this NIC model 'virtio' with "
                            "backend 'vhost-user'", cn->attach_to);
    }
    /* Its VLAN mode ('tag' or 'trunks') is its OpenFlow port's. */
    ovs_dpdk_add_vhost_user(w, br, n->virtio,
                            ofproto_port_of_vnic(&br->ofp, cn));
    return true;
}

/* --- Life cycle. --- */

bool
ovs_dpdk_core_polls(const struct host *h, int c)
{
    return h->polls && c >= 0 && c < h->n_cores && h->polls[c].on;
}

/* The VM whose vCPU is pinned to core 'c', or NULL. */
static const struct cfg_vm *
pinned_vm(const struct cfg_host *ch, int c)
{
    for (size_t v = 0; v < ch->n_vms; v++) {
        for (size_t i = 0; i < ch->vms[v].n_pin; i++) {
            if (ch->vms[v].pin[i] == c) {
                return &ch->vms[v];
            }
        }
    }
    return NULL;
}

/* What the class reads of its own keys (ovs_dpdk_parse). */
struct ovs_dpdk_config {
    int *pmd_cores;             /* "pmd_cores": distinct host cores of its
                                 * poll-mode threads; NULL for the
                                 * default. */
    size_t n_pmd_cores;
};

static const struct ovs_dpdk_config no_config;

static const struct ovs_dpdk_config *
config_of(const struct cfg_bridge *cfg)
{
    return cfg->priv ? cfg->priv : &no_config;
}

/* The cores for the PMDs, checked; fills 'cores' (n entries). */
static bool
pmd_cores(struct host *h, const struct cfg_bridge *cfg, int *cores,
          size_t *n, struct vh_diag *diag)
{
    const struct ovs_dpdk_config *oc = config_of(cfg);
    char path[512];
    if (oc->n_pmd_cores) {
        for (size_t i = 0; i < oc->n_pmd_cores; i++) {
            int c = oc->pmd_cores[i];
            const struct cfg_vm *vm = pinned_vm(h->cfg, c);
            snprintf(path, sizeof path, "%s.pmd_cores[%zu]", cfg->jpath, i);
            if (vm) {
                return vh_diag_fail(diag, path, "core %d is pinned to a vCPU "
                                    "of '%s'; a poll-mode thread keeps its "
                                    "core busy all the time and would starve "
                                    "it", c, vm->name);
            }
            if (ovs_dpdk_core_polls(h, c)) {
                return vh_diag_fail(diag, path, "core %d already runs a "
                                    "poll-mode thread of another bridge", c);
            }
            cores[i] = c;
        }
        *n = oc->n_pmd_cores;
        return true;
    }
    for (int c = h->n_cores - 1; c >= 0; c--) {
        if (!pinned_vm(h->cfg, c) && !ovs_dpdk_core_polls(h, c)) {
            cores[0] = c;
            *n = 1;
            return true;
        }
    }
    return vh_diag_fail(diag, cfg->jpath, "no core left for a poll-mode "
                        "thread: every core of '%s' is pinned to a vCPU or "
                        "polls already; give 'pmd_cores'", h->cfg->name);
}

/* ovs-vswitchd's main thread: on the first core no PMD polls (core 0
 * when every core does). */
static struct cpu_core *
main_thread_core(struct host *h)
{
    for (int c = 0; c < h->n_cores; c++) {
        if (!ovs_dpdk_core_polls(h, c)) {
            return &h->cores[c];
        }
    }
    return &h->cores[0];
}

struct ovs_dpdk *
ovs_dpdk_create(struct world *w, struct host *h, const struct cfg_bridge *cfg,
                struct vh_diag *diag)
{
    int *cores = vh_xcalloc((size_t) h->n_cores
                            + config_of(cfg)->n_pmd_cores, sizeof *cores);
    size_t n = 0;
    if (!pmd_cores(h, cfg, cores, &n, diag)) {
        free(cores);
        return NULL;
    }
    struct ovs_dpdk *br = vh_xcalloc(1, sizeof *br);
    dev_register(w, &br->dev, &ovs_dpdk_class, &h->dev, cfg->name);
    br->dev.report = 1;
    br->host = h;
    br->cfg = cfg;
    if (!ofproto_init(&br->ofp, &br->dev, h->cfg, cfg, diag)) {
        free(cores);
        return NULL;            /* Registered: the world frees it. */
    }
    char stream[512];
    snprintf(stream, sizeof stream, "%s/emc", br->dev.path);
    vh_rng_seed(&br->rng, w->cfg->seed, stream);
    vh_timer_init(&br->revalidate, revalidate_ev, br);
    if (!h->polls) {
        h->polls = vh_xcalloc((size_t) h->n_cores, sizeof *h->polls);
    }
    br->n_pmds = (int) n;
    br->pmds = vh_xcalloc(n, sizeof *br->pmds);
    for (size_t i = 0; i < n; i++) {
        struct pmd *pmd = &br->pmds[i];
        pmd->br = br;
        pmd->index = (int) i;
        pmd->core = &h->cores[cores[i]];
        vh_timer_init(&pmd->wake, pmd_wake, pmd);
        emc_init(&pmd->emc, VH_DEF_OVS_EMC_ENTRIES);
        if (cfg->other.smc_enable) {
            smc_init(&pmd->smc, VH_DEF_OVS_SMC_ENTRIES);
        }
        h->polls[cores[i]].on = true;
        h->cores[cores[i]].never_idle = true;   /* It spins: no C-state. */
    }
    free(cores);
    if (cfg->sflow) {
        br->sflow = sflow_agent_create(w, h, &br->dev, &br->ofp, cfg,
                                       main_thread_core(h));
    }
    ovs_flowexp_create(w, h, &br->dev, cfg, main_thread_core(h),
                       &br->flowexp);
    return br;
}

void
ovs_dpdk_free(struct ovs_dpdk *br)
{
    if (!br) {
        return;
    }
    for (int i = 0; i < br->n_pmds; i++) {
        free(br->pmds[i].rxqs);
        emc_destroy(&br->pmds[i].emc);
        smc_destroy(&br->pmds[i].smc);
        for (size_t k = 0; k < br->pmds[i].n_dpcls; k++) {
            megaflow_destroy(&br->pmds[i].dpcls[k]);
        }
        free(br->pmds[i].dpcls);
    }
    free(br->pmds);
    for (size_t i = 0; i < br->n_rxqs; i++) {
        free(br->rxqs[i]);
    }
    free(br->rxqs);
    for (size_t i = 0; i < br->n_ports; i++) {
        free(br->ports[i]->policer);
        free(br->ports[i]);
    }
    free(br->ports);
    ofproto_destroy(&br->ofp);
    free(br);
}

/* --- The class. --- */

/* The switch, its PMDs, and its NICs in poll mode.  Its VM ports join
 * when the VMs are built. */
static bool
ovs_dpdk_build(struct world *w, struct host *h, const void *cfg,
               struct vh_diag *diag)
{
    const struct cfg_bridge *cb = cfg;
    struct ovs_dpdk *br = ovs_dpdk_create(w, h, cb, diag);
    if (!br) {
        return false;
    }
    h->dpdk_bridges = vh_xrealloc(h->dpdk_bridges, (h->n_dpdk_bridges + 1)
                                  * sizeof *h->dpdk_bridges);
    h->dpdk_bridges[h->n_dpdk_bridges++] = br;
    for (size_t p = 0; p < cb->n_ports; p++) {
        struct pnic *nic = host_nic(w, h, cb->ports[p]);
        if (nic && !ovs_dpdk_add_nic(w, br, nic, diag)) {
            return false;
        }
    }
    if (!ovs_dpdk_tnl_build(w, br, diag)) {
        return false;
    }
    for (size_t i = 0; i < br->ofp.n_ports; i++) {
        struct ofproto_port *ofp = &br->ofp.ports[i];
        if (ofp->cfg && ofp->cfg->type >= CFG_BP_VXLAN) {
            int k = add_port(br, NULL, NULL, ofp);
            br->ports[k]->vtep = ovs_dpdk_tnl_port(w, br, ofp->cfg);
        }
    }
    return true;
}

/* The host's own address on the NIC that holds the tunnels' joins the
 * bridge's LOCAL port. */
static struct port *
ovs_dpdk_add_member(struct vh_device *d, struct port *member, bool uplink)
{
    return ovs_dpdk_tnl_add_port(VH_CONTAINER_OF(d, struct ovs_dpdk, dev),
                                 member, uplink);
}

static void
ovs_dpdk_destroy(struct vh_device *d)
{
    ovs_dpdk_free(VH_CONTAINER_OF(d, struct ovs_dpdk, dev));
}

/* In the host's "bridges", with its poll-mode threads. */
static void
ovs_dpdk_report(const struct vh_device *d, struct report_out *out)
{
    const struct ovs_dpdk *br = VH_CONTAINER_OF(d, const struct ovs_dpdk,
                                                dev);
    report_out_str(out, "type", "ovs");
    report_out_str(out, "datapath", "dpdk");
    report_out_num(out, "pmds", br->n_pmds);
    uint64_t emc = 0, smc = 0, mf = 0, up = 0, sub = 0, flows = 0;
    uint64_t masks = 0, frames = 0, work = 0;
    for (int i = 0; i < br->n_pmds; i++) {
        const struct pmd *pmd = &br->pmds[i];
        emc += pmd->emc_hits;
        smc += pmd->smc_hits;
        mf += pmd->megaflow_hits;
        up += pmd->upcalls;
        sub += pmd->subtables_on_hit;
        flows += pmd_flows(pmd, false);

        for (size_t k = 0; k < pmd->n_dpcls; k++) {
            masks += pmd->dpcls[k].n_masks;
        }
        frames += pmd->frames;
        work += pmd->core->cycles[CPU_POLL]
                - br->host->polls[pmd->core->index].idle_cycles;
    }
    report_out_begin(out, "lookups");
    report_out_num(out, "hit", (double) (emc + smc + mf));
    report_out_num(out, "missed", (double) up);
    report_out_num(out, "lost", 0);
    report_out_end(out);
    report_out_begin(out, "datapath_flows");
    report_out_num(out, "end", (double) flows);
    report_out_num(out, "peak", (double) br->peak_flows);
    report_out_end(out);
    report_out_num(out, "emc_hits", (double) emc);
    report_out_num(out, "smc_hits", (double) smc);
    report_out_num(out, "megaflow_hits", (double) mf);
    report_out_num(out, "upcalls", (double) up);
    report_out_num(out, "avg_subtable_lookups_per_megaflow_hit",
                   mf ? (double) (sub * 100 / mf) / 100.0 : 0);
    report_out_num(out, "subtables", (double) masks);
    /* pmd-stats-show's "avg processing cycles per packet": the PMDs'
     * cycles on frames, idle polls left out. */
    report_out_num(out, "processing_cycles_per_packet",
                   frames ? (double) (work / frames) : 0);
    ovs_dpdk_tnl_report(br, out);
    report_out_begin(out, "revalidator");
    report_out_num(out, "passes", (double) br->reval.passes);
    report_out_num(out, "expired", (double) br->reval.expired);
    report_out_num(out, "new_actions", (double) br->reval.fixed);
    report_out_num(out, "deleted", (double) br->reval.deleted);
    report_out_end(out);
    if (br->sflow) {
        sflow_agent_report(br->sflow, out);
    }
    ovs_flowexp_report(&br->flowexp, out);
    ofproto_report_rules(&br->ofp, out);
}

/* "pmd_cores": distinct cores of the host, at least one. */
static bool
ovs_dpdk_parse(struct cfg_obj *o, void **priv)
{
    long long *v;
    size_t n;
    if (!cfg_obj_int_list(o, "pmd_cores", "a host core number", &v, &n)) {
        return false;
    }
    if (!cfg_obj_has(o, "pmd_cores")) {
        return true;
    }
    struct ovs_dpdk_config *oc = vh_xcalloc(1, sizeof *oc);
    *priv = oc;
    oc->pmd_cores = vh_xcalloc(n ? n : 1, sizeof *oc->pmd_cores);
    bool ok = n > 0 || cfg_obj_fail(o, "pmd_cores", -1, "give at least one "
                                    "core (or leave 'pmd_cores' out for "
                                    "the default)");
    int cores = cfg_obj_host_cores(o);
    for (size_t i = 0; ok && i < n; i++) {
        if (v[i] < 0 || v[i] >= cores) {
            ok = cfg_obj_fail(o, "pmd_cores", (long) i, "core %lld does not "
                              "exist; the host has cores 0 to %d", v[i],
                              cores - 1);
            break;
        }
        oc->pmd_cores[i] = (int) v[i];
        oc->n_pmd_cores = i + 1;
        for (size_t k = 0; ok && k < i; k++) {
            if (oc->pmd_cores[k] == oc->pmd_cores[i]) {
                ok = cfg_obj_fail(o, "pmd_cores", (long) i, "core %d is "
                                  "listed twice", oc->pmd_cores[i]);
            }
        }
    }
    free(v);
    return ok;
}

static void
ovs_dpdk_free_config(void *priv)
{
    struct ovs_dpdk_config *oc = priv;
    free(oc->pmd_cores);
    free(oc);
}

static const char *const ovs_dpdk_keys[] = { "pmd_cores", NULL };

static const char *const ovs_dpdk_types[] = { "ovs/dpdk", NULL };

const struct dev_class ovs_dpdk_class = {
    .kind = "ovs-dpdk",
    .role = VH_ROLE_SWITCHING,
    .family = DEV_FAM_BRIDGE,
    .accepts = ovs_dpdk_types,
    .described = "bridges of type ovs with datapath dpdk",
    .keys = ovs_dpdk_keys,
    .parse = ovs_dpdk_parse,
    .free_priv = ovs_dpdk_free_config,
    .attach_type = "ovs",
    .build = ovs_dpdk_build,
    .attach = ovs_dpdk_attach,
    .add_port = ovs_dpdk_add_member,
    .host_section = "bridges",
    .report = ovs_dpdk_report,
    .destroy = ovs_dpdk_destroy,
};
