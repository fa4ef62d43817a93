/* tests/bench_kernel.c: how fast the event kernel runs, as a ratio to a
 * plain binary heap timed in the same process.
 *
 * Absolute events per second depend on the machine and on what else it is
 * doing; the ratio to a textbook heap doing the same pops and pushes on the
 * same machine at nearly the same moment is what says whether the kernel
 * is doing its job.  Runs are timed on the thread's CPU clock, so time the
 * process spends waiting for a core on a shared machine does not count;
 * what other processes do to the caches still does, which is why the two
 * sides alternate and the figure is a median of pair ratios.
 *
 * Workloads:
 *   hold    the classic hold model: each event schedules one successor at
 *           now + a random delay, with a fixed number pending, at depths
 *           from 10 to 1,000,000; one line per depth,
 *             queue depth=N ratio_median=R min=R max=R pairs=P ...
 *           then the rate at 10,000 pending as "kernel: ... M events/s".
 *   timers  models' timer pattern: each event re-arms one timer (leaving
 *           a dead entry behind) and cancels another, on top of a hold
 *           model; timers that do fire re-arm themselves.
 *
 * Usage: bench_kernel [PAIRS] */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sim/event.h"
#include "sim/rng.h"

#define SEED 20240601
#define DELAY_BITS 20               /* Delays up to about 1 us. */

static double
cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static inline vh_time_t
draw_delay(struct vh_rng *rng)
{
    return (vh_rng_next(rng) >> (64 - DELAY_BITS)) + 1;
}

/* --- Hold model on the kernel. --- */

struct hold {
    struct vh_rng rng;
    uint64_t left;                  /* Events still to run. */
};

static void
hold_fn(struct vh_sim *sim, void *obj, void *arg)
{
    struct hold *h = obj;
    vh_schedule_in(sim, draw_delay(&h->rng), hold_fn, h, arg);
    if (--h->left == 0) {
        vh_sim_stop(sim);
    }
}

static double
bench_hold(uint64_t events, size_t pending, vh_time_t *last)
{
    struct vh_sim sim;
    struct hold h;

    vh_sim_init(&sim);
    vh_rng_seed(&h.rng, SEED, "bench/hold");
    h.left = events;
    for (size_t i = 0; i < pending; i++) {
        vh_schedule_at(&sim, draw_delay(&h.rng), hold_fn, &h, NULL);
    }
    double t0 = cpu_seconds();
    vh_sim_run(&sim, VH_TIME_NEVER);
    double t1 = cpu_seconds();
    if (sim.events_run != events) {
        fprintf(stderr, "bench: ran %"PRIu64" events, expected %"PRIu64"\n",
                sim.events_run, events);
        exit(1);
    }
    *last = sim.now;
    vh_sim_destroy(&sim);
    return t1 - t0;
}

/* --- The reference: a plain binary min-heap of (time, seq, pointer). ---
 *
 * What a simulator written from a textbook would use: entries ordered by
 * time, then by scheduling order, each carrying a pointer to its event.
 * It does the same pops and pushes with the same delays but runs no
 * handler, which favours it slightly.  The smallest key follows exactly
 * the same path as the kernel's clock, so the kernel's final time must
 * equal the last time popped here. */

struct ref_entry {
    uint64_t time;
    uint64_t seq;
    void *event;
};

struct ref_heap {
    struct ref_entry *a;
    size_t n;
};

static inline int
ref_before(const struct ref_entry *x, const struct ref_entry *y)
{
    return x->time < y->time || (x->time == y->time && x->seq < y->seq);
}

static void
ref_push(struct ref_heap *h, struct ref_entry e)
{
    size_t i = h->n++;
    while (i > 0 && ref_before(&e, &h->a[(i - 1) / 2])) {
        h->a[i] = h->a[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->a[i] = e;
}

static struct ref_entry
ref_pop(struct ref_heap *h)
{
    struct ref_entry top = h->a[0];
    struct ref_entry e = h->a[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n) {
            break;
        }
        if (c + 1 < h->n && ref_before(&h->a[c + 1], &h->a[c])) {
            c++;
        }
        if (!ref_before(&h->a[c], &e)) {
            break;
        }
        h->a[i] = h->a[c];
        i = c;
    }
    h->a[i] = e;
    return top;
}

static double
bench_reference(uint64_t events, size_t pending, uint64_t *last)
{
    struct ref_heap h = {
        .a = malloc((pending + 1) * sizeof(struct ref_entry)),
    };
    struct vh_rng rng;
    uint64_t seq = 1;

    if (!h.a) {
        perror("bench");
        exit(1);
    }
    vh_rng_seed(&rng, SEED, "bench/hold");
    for (size_t i = 0; i < pending; i++) {
        struct ref_entry e = { draw_delay(&rng), seq++, &h };
        ref_push(&h, e);
    }
    double t0 = cpu_seconds();
    uint64_t now = 0;
    for (uint64_t i = 0; i < events; i++) {
        struct ref_entry e = ref_pop(&h);
        now = e.time;
        e.time = now + draw_delay(&rng);
        e.seq = seq++;
        ref_push(&h, e);
    }
    double t1 = cpu_seconds();
    *last = now;
    free(h.a);
    return t1 - t0;
}

/* --- Paired runs. ---
 *
 * At each depth the kernel (A) and the reference (B) run in turn, A, B,
 * A, B..., so that whatever else the machine does at a given moment
 * weighs on both halves of a pair alike.  Each pair gives one ratio,
 * reference time / kernel time (above 1: the kernel is faster); the
 * median of the ratios is the figure, the extremes show the spread. */

#define MAX_PAIRS 51

static int
cmp_double(const void *a_, const void *b_)
{
    double a = *(const double *) a_, b = *(const double *) b_;
    return a < b ? -1 : a > b;
}

static double
median(double *v, int n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Runs 'pairs' pairs at 'pending' and prints one line for the depth.
 * Returns the median kernel rate in events per second. */
static double
paired(size_t pending, uint64_t events, int pairs)
{
    double ratio[MAX_PAIRS], tk[MAX_PAIRS], tr[MAX_PAIRS];

    for (int i = 0; i < pairs; i++) {
        vh_time_t last_kernel;
        uint64_t last_ref;
        tk[i] = bench_hold(events, pending, &last_kernel);
        tr[i] = bench_reference(events, pending, &last_ref);
        if (last_kernel != last_ref) {
            fprintf(stderr, "bench: kernel ended at %"PRIu64" ps but the "
                    "reference at %"PRIu64" ps\n", last_kernel, last_ref);
            exit(1);
        }
        ratio[i] = tr[i] / tk[i];
    }
    double r_med = median(ratio, pairs);
    double r_min = ratio[0], r_max = ratio[pairs - 1];
    double k_rate = (double) events / median(tk, pairs);
    double r_rate = (double) events / median(tr, pairs);
    printf("queue depth=%zu ratio_median=%.2f min=%.2f max=%.2f "
           "pairs=%d kernel_meps=%.1f reference_meps=%.1f\n",
           pending, r_med, r_min, r_max, pairs, k_rate / 1e6, r_rate / 1e6);
    fflush(stdout);
    return k_rate;
}

/* --- Timers. --- */

#define N_TIMERS 10000
#define TIMEOUT (16ULL << DELAY_BITS)   /* Far beyond a typical re-arm. */

struct timer_bench {
    struct vh_rng rng;
    struct vh_timer timers[N_TIMERS];
    uint64_t left;                  /* Driver events still to run. */
    uint64_t fired;                 /* Timers that expired for real. */
};

static void
timer_expired(struct vh_sim *sim, void *obj, void *arg)
{
    struct timer_bench *b = obj;
    struct vh_timer *t = arg;
    b->fired++;
    vh_timer_arm_at(sim, t, sim->now + TIMEOUT);
}

static void
timer_driver(struct vh_sim *sim, void *obj, void *arg)
{
    struct timer_bench *b = obj;
    uint64_t r = vh_rng_next(&b->rng);
    struct vh_timer *rearm = &b->timers[(r & 0xffffffff) % N_TIMERS];
    struct vh_timer *cancel = &b->timers[(r >> 32) % N_TIMERS];

    vh_timer_arm_at(sim, rearm, sim->now + TIMEOUT);
    vh_timer_cancel(cancel);
    vh_schedule_in(sim, draw_delay(&b->rng), timer_driver, b, arg);
    if (--b->left == 0) {
        vh_sim_stop(sim);
    }
}

static void
bench_timers(uint64_t drivers, size_t pending)
{
    struct timer_bench *b = malloc(sizeof *b);
    struct vh_sim sim;

    if (!b) {
        perror("bench");
        exit(1);
    }
    vh_sim_init(&sim);
    vh_rng_seed(&b->rng, SEED, "bench/timers");
    b->left = drivers;
    b->fired = 0;
    for (size_t i = 0; i < N_TIMERS; i++) {
        vh_timer_init(&b->timers[i], timer_expired, b);
        vh_timer_arm_at(&sim, &b->timers[i], draw_delay(&b->rng) * 16);
    }
    for (size_t i = 0; i < pending; i++) {
        vh_schedule_at(&sim, draw_delay(&b->rng), timer_driver, b, NULL);
    }
    uint64_t seq0 = sim.next_seq;
    double t0 = cpu_seconds();
    vh_sim_run(&sim, VH_TIME_NEVER);
    double t1 = cpu_seconds();

    /* Every schedule is one push; every push but those still pending was
     * popped, live or dead. */
    uint64_t pushes = sim.next_seq - seq0;
    uint64_t pops = pushes + (N_TIMERS + pending) - vh_sim_pending(&sim);
    double s = t1 - t0;
    printf("timers: %"PRIu64" re-arms and %"PRIu64" cancels, "
           "%"PRIu64" entries popped (%"PRIu64" live) in %.2f s = "
           "%.1f M arm+cancel/s, %.1f M entries/s\n",
           drivers, drivers, pops, sim.events_run, s,
           (double) drivers / s / 1e6, (double) pops / s / 1e6);
    vh_sim_destroy(&sim);
    free(b);
}

/* Depths and events per timed run: enough events that a run lasts a
 * tenth of a second or more, few enough that the whole table takes well
 * under a minute. */
static const struct {
    size_t pending;
    uint64_t events;
} depths[] = {
    { 10, 4000000 },
    { 100, 4000000 },
    { 1000, 2000000 },
    { 10000, 2000000 },
    { 100000, 1000000 },
    { 1000000, 1000000 },
};

int
main(int argc, char **argv)
{
    int pairs = argc > 1 ? atoi(argv[1]) : 5;

    if (pairs < 1 || pairs > MAX_PAIRS) {
        fprintf(stderr, "usage: %s [PAIRS] (1 to %d, default 5)\n",
                argv[0], MAX_PAIRS);
        return 2;
    }
    printf("hold model: pop one event, push one at now + 1..%llu ps; "
           "reference: binary heap of (time, seq, pointer); "
           "ratio = reference time / kernel time, %d pairs per depth\n",
           1ULL << DELAY_BITS, pairs);
    double rate10k = 0;
    for (size_t i = 0; i < sizeof depths / sizeof depths[0]; i++) {
        double r = paired(depths[i].pending, depths[i].events, pairs);
        if (depths[i].pending == 10000) {
            rate10k = r;
        }
    }
    /* The rate at 10,000 pending, in the form tests/bench.sh reads. */
    printf("kernel: hold model at 10000 pending = %.1f M events/s\n",
           rate10k / 1e6);
    bench_timers(2000000, 1000);
    return 0;
}
