/* tests/bench_kernel.c: how fast the event kernel runs, as a ratio to a
 * plain binary heap timed in the same process.
 *
 * Absolute events per second depend on the machine and on what else it is
 * doing; the ratio to a textbook heap doing the same pops and pushes on the
 * same machine at the same moment is what says whether the kernel is
 * doing its job.
 *
 * Workloads:
 *   hold    the classic hold model: each event schedules one successor at
 *           now + a random delay, with a fixed number pending.
 *   timers  models' timer pattern: each event re-arms one timer (leaving
 *           a dead entry behind) and cancels another, on top of a hold
 *           model; timers that do fire re-arm themselves.
 *
 * Usage: bench_kernel [EVENTS [PENDING]] */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sim/event.h"
#include "sim/rng.h"

#define SEED 20240601
#define DELAY_BITS 20               /* Delays up to about 1 us. */

static double
wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
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
    double t0 = wall();
    vh_sim_run(&sim, VH_TIME_NEVER);
    double t1 = wall();
    if (sim.events_run != events) {
        fprintf(stderr, "bench: ran %"PRIu64" events, expected %"PRIu64"\n",
                sim.events_run, events);
        exit(1);
    }
    *last = sim.now;
    vh_sim_destroy(&sim);
    return t1 - t0;
}

/* --- The reference: a textbook binary min-heap of bare 64-bit keys. ---
 *
 * It does the same pops and pushes with the same delays, so the smallest
 * key follows exactly the same path as the kernel's clock: the kernel's
 * final time must equal the last key popped here. */

struct ref_heap {
    uint64_t *a;
    size_t n;
};

static void
ref_push(struct ref_heap *h, uint64_t k)
{
    size_t i = h->n++;
    while (i > 0 && h->a[(i - 1) / 2] > k) {
        h->a[i] = h->a[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->a[i] = k;
}

static uint64_t
ref_pop(struct ref_heap *h)
{
    uint64_t top = h->a[0];
    uint64_t k = h->a[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n) {
            break;
        }
        if (c + 1 < h->n && h->a[c + 1] < h->a[c]) {
            c++;
        }
        if (k <= h->a[c]) {
            break;
        }
        h->a[i] = h->a[c];
        i = c;
    }
    h->a[i] = k;
    return top;
}

static double
bench_reference(uint64_t events, size_t pending, uint64_t *last)
{
    struct ref_heap h = { .a = malloc((pending + 1) * sizeof(uint64_t)) };
    struct vh_rng rng;

    if (!h.a) {
        perror("bench");
        exit(1);
    }
    vh_rng_seed(&rng, SEED, "bench/hold");
    for (size_t i = 0; i < pending; i++) {
        ref_push(&h, draw_delay(&rng));
    }
    double t0 = wall();
    uint64_t now = 0;
    for (uint64_t i = 0; i < events; i++) {
        now = ref_pop(&h);
        ref_push(&h, now + draw_delay(&rng));
    }
    double t1 = wall();
    *last = now;
    free(h.a);
    return t1 - t0;
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
    double t0 = wall();
    vh_sim_run(&sim, VH_TIME_NEVER);
    double t1 = wall();

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

int
main(int argc, char **argv)
{
    uint64_t events = argc > 1 ? strtoull(argv[1], NULL, 10) : 20000000;
    size_t pending = argc > 2 ? strtoull(argv[2], NULL, 10) : 10000;
    vh_time_t last_kernel;
    uint64_t last_ref;

    if (events == 0 || pending == 0) {
        fprintf(stderr, "usage: %s [EVENTS [PENDING]] (both > 0)\n",
                argv[0]);
        return 2;
    }

    double tk = bench_hold(events, pending, &last_kernel);
    double tr = bench_reference(events, pending, &last_ref);
    if (last_kernel != last_ref) {
        fprintf(stderr, "bench: kernel ended at %"PRIu64" ps but the "
                "reference at %"PRIu64" ps\n", last_kernel, last_ref);
        return 1;
    }
    double rk = (double) events / tk, rr = (double) events / tr;
    printf("kernel: %"PRIu64" events in %.2f s = %.1f M events/s "
           "(hold model, %zu pending)\n", events, tk, rk / 1e6, pending);
    printf("reference: binary heap of uint64 keys, same pops and pushes: "
           "%.1f M/s; kernel = %.2f times the reference\n",
           rr / 1e6, rk / rr);
    bench_timers(events / 4, pending / 10 ? pending / 10 : 1);
    return 0;
}
