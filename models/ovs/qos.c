/* models/ovs/qos.c: token buckets for policing and HTB shaping. */
#include "models/ovs/qos.h"

#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/world.h"
#include "sim/xmalloc.h"

#define HTB_QUEUE_LEN 1000      /* Linux's default txqueuelen. */
#define HTB_MIN_BURST_BITS (1518 * 8)

void
policer_init(struct policer *pl, uint64_t kbps, uint64_t kb)
{
    memset(pl, 0, sizeof *pl);
    pl->rate_bps = kbps * 1000;
    pl->burst_bits = (kb ? kb : 8000) * 1000;
    pl->tokens = (double) pl->burst_bits;
}

static void
refill(double *tokens, uint64_t bps, double cap, vh_time_t from,
       vh_time_t to)
{
    *tokens += (double) bps * (double) (to - from) / (double) VH_SEC;
    if (*tokens > cap) {
        *tokens = cap;
    }
}

bool
policer_admit(struct policer *pl, vh_time_t now, uint32_t len)
{
    refill(&pl->tokens, pl->rate_bps, (double) pl->burst_bits, pl->last,
           now);
    pl->last = now;
    double bits = (double) (len + 4) * 8;   /* The FCS counts. */
    if (pl->tokens < bits) {
        pl->dropped++;
        return false;
    }
    pl->tokens -= bits;
    return true;
}

/* A bucket holds one millisecond of its rate, at least one frame. */
static double
burst_of(uint64_t bps)
{
    double b = (double) bps / 1000.0;
    return b < HTB_MIN_BURST_BITS ? HTB_MIN_BURST_BITS : b;
}

static void htb_run(struct vh_sim *, void *obj, void *arg);

void
htb_init(struct htb *h, const struct cfg_qos *q, htb_xmit_fn xmit, void *ctx,
         struct vh_device *dev)
{
    memset(h, 0, sizeof *h);
    h->dev = dev;
    h->max_bps = q->max_bps;
    h->tokens = burst_of(h->max_bps);
    h->xmit = xmit;
    h->ctx = ctx;
    /* Queue 0 takes frames no set_queue named; when it is not
     * configured it is a class with no guarantee up to the port's
     * rate. */
    bool has0 = false;
    for (size_t i = 0; i < q->n_queues; i++) {
        has0 |= q->queues[i].id == 0;
    }
    h->n_cls = q->n_queues + !has0;
    h->cls = vh_xcalloc(h->n_cls, sizeof *h->cls);
    for (size_t i = 0; i < h->n_cls; i++) {
        struct htb_class *c = &h->cls[i];
        if (i < q->n_queues) {
            c->id = q->queues[i].id;
            c->min_bps = q->queues[i].min_bps;
            c->max_bps = q->queues[i].max_bps ? q->queues[i].max_bps
                                              : h->max_bps;
        } else {
            c->max_bps = h->max_bps;
        }
        c->min_tokens = burst_of(c->min_bps);
        c->max_tokens = burst_of(c->max_bps);
        vh_pktq_init(&c->q, HTB_QUEUE_LEN);
    }
    vh_timer_init(&h->timer, htb_run, h);
}

void
htb_destroy(struct htb *h)
{
    for (size_t i = 0; i < h->n_cls; i++) {
        vh_pktq_purge(&h->cls[i].q);
    }
    free(h->cls);
    h->cls = NULL;
}

static struct htb_class *
class_of(struct htb *h, uint32_t queue)
{
    for (size_t i = 0; i < h->n_cls; i++) {
        if (h->cls[i].id == queue) {
            return &h->cls[i];
        }
    }
    for (size_t i = 0; i < h->n_cls; i++) {
        if (h->cls[i].id == 0) {
            return &h->cls[i];
        }
    }
    return &h->cls[h->n_cls - 1];
}

static void
refill_all(struct htb *h, vh_time_t now)
{
    refill(&h->tokens, h->max_bps, burst_of(h->max_bps), h->last, now);
    for (size_t i = 0; i < h->n_cls; i++) {
        struct htb_class *c = &h->cls[i];
        refill(&c->min_tokens, c->min_bps, burst_of(c->min_bps), h->last,
               now);
        refill(&c->max_tokens, c->max_bps, burst_of(c->max_bps), h->last,
               now);
    }
    h->last = now;
}

/* The class whose head frame may go now: first one within its
 * guaranteed rate, else one that may borrow (within its own ceiling and
 * the port's), round robin among equals. */
static struct htb_class *
sendable(struct htb *h)
{
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k < h->n_cls; k++) {
            struct htb_class *c = &h->cls[(h->rr + k) % h->n_cls];
            if (!c->q.count) {
                continue;
            }
            double bits = (double) (c->q.head->len + 4) * 8;
            bool ok = pass == 0 ? c->min_tokens >= bits && h->tokens >= bits
                                : c->max_tokens >= bits && h->tokens >= bits;
            if (ok) {
                h->rr = (h->rr + k + 1) % h->n_cls;
                return c;
            }
        }
    }
    return NULL;
}

/* How long until some queued frame may go. */
static vh_time_t
wait_time(const struct htb *h)
{
    vh_time_t best = VH_TIME_NEVER;
    for (size_t i = 0; i < h->n_cls; i++) {
        const struct htb_class *c = &h->cls[i];
        if (!c->q.count) {
            continue;
        }
        double bits = (double) (c->q.head->len + 4) * 8;
        double need = bits - c->max_tokens;
        double need_port = bits - h->tokens;
        double t1 = need > 0 ? need / (double) c->max_bps : 0;
        double t2 = need_port > 0 ? need_port / (double) h->max_bps : 0;
        double t = (t1 > t2 ? t1 : t2) * (double) VH_SEC;
        vh_time_t tt = (vh_time_t) t + 1;
        best = tt < best ? tt : best;
    }
    return best;
}

static void
htb_send(struct world *w, struct htb *h)
{
    refill_all(h, w->sim.now);
    struct htb_class *c;
    while ((c = sendable(h)) != NULL) {
        struct vh_packet *p = vh_pktq_pop(&c->q);
        double bits = (double) (p->len + 4) * 8;
        c->min_tokens -= bits;
        c->max_tokens -= bits;
        h->tokens -= bits;
        c->sent++;
        h->xmit(w, h->ctx, p);
    }
    vh_time_t wait = wait_time(h);
    if (wait != VH_TIME_NEVER && !vh_timer_armed(&h->timer)) {
        vh_timer_arm_at(&w->sim, &h->timer, w->sim.now + wait);
    }
}

static void
htb_run(struct vh_sim *sim, void *obj, void *arg)
{
    htb_send(world_of(sim), obj);
    (void) arg;
}

void
htb_enqueue(struct world *w, struct htb *h, uint32_t queue,
            struct vh_packet *p)
{
    struct htb_class *c = class_of(h, queue);
    if (vh_pktq_full(&c->q)) {
        c->dropped++;
        acct_drop(w, p, h->dev, "qdisc-full");
        return;
    }
    vh_pktq_push(&c->q, p);
    htb_send(w, h);
}
