/* tests/test_event.c: the event kernel's ordering, run/stop semantics,
 * timers and determinism, and the heap against a sorted reference. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim/event.h"
#include "sim/rng.h"
#include "tests/testutil.h"

/* A log of which events ran, and when. */
struct log {
    size_t n;
    size_t cap;
    uint64_t *id;
    vh_time_t *time;
};

static void
log_init(struct log *l, size_t cap)
{
    l->n = 0;
    l->cap = cap;
    l->id = malloc(cap * sizeof *l->id);
    l->time = malloc(cap * sizeof *l->time);
    ck_assert(l->id && l->time);
}

static void
log_free(struct log *l)
{
    free(l->id);
    free(l->time);
}

/* Handler: records 'arg' as the event's id.  Events past the log's
 * capacity are counted but not kept, so a test that checks 'n' notices.
 * (Check's assertions cost a system call each in fork mode, so loops
 * that run 10^5 times count failures and assert once.) */
static void
record(struct vh_sim *sim, void *obj, void *arg)
{
    struct log *l = obj;
    if (l->n < l->cap) {
        l->id[l->n] = (uint64_t) (uintptr_t) arg;
        l->time[l->n] = sim->now;
    }
    l->n++;
}

static void *
id_arg(uint64_t id)
{
    return (void *) (uintptr_t) id;
}

START_TEST(test_order_time_then_fifo)
{
    struct vh_sim sim;
    struct log l;
    enum { N = 1000 };

    vh_sim_init(&sim);
    log_init(&l, N);
    /* Ten distinct times, a hundred events at each, scheduled in an order
     * that interleaves the times. */
    for (uint64_t i = 0; i < N; i++) {
        vh_schedule_at(&sim, (i * 7) % 10 * VH_NS, record, &l, id_arg(i));
    }
    ck_assert_uint_eq(vh_sim_pending(&sim), N);
    ck_assert_uint_eq(vh_sim_next_time(&sim), 0);
    ck_assert_uint_eq(vh_sim_run(&sim, VH_TIME_NEVER), N);
    ck_assert_uint_eq(l.n, N);
    size_t bad = 0;
    for (size_t k = 0; k < N; k++) {
        /* Each event ran at its own time, with the clock there. */
        bad += l.time[k] != l.id[k] * 7 % 10 * VH_NS;
        if (k > 0) {
            /* Time never goes back; equal times keep scheduling order. */
            bad += l.time[k - 1] > l.time[k];
            bad += l.time[k - 1] == l.time[k] && l.id[k - 1] > l.id[k];
        }
    }
    ck_assert_uint_eq(bad, 0);
    ck_assert_uint_eq(sim.now, 9 * VH_NS);
    ck_assert_uint_eq(vh_sim_pending(&sim), 0);
    ck_assert_uint_eq(vh_sim_next_time(&sim), VH_TIME_NEVER);
    log_free(&l);
    vh_sim_destroy(&sim);
}
END_TEST

/* Event 0 schedules event 100 at the current time from inside its
 * handler; it must run after the events already waiting at that time. */
struct zero_delay {
    struct log log;
};

static void
schedule_now(struct vh_sim *sim, void *obj, void *arg)
{
    struct zero_delay *z = obj;
    record(sim, &z->log, arg);
    if ((uintptr_t) arg == 0) {
        /* While this handler runs, the others are still pending. */
        ck_assert_uint_eq(vh_sim_pending(sim), 4);
        ck_assert_uint_eq(vh_sim_next_time(sim), 5 * VH_NS);
        vh_schedule_in(sim, 0, schedule_now, z, id_arg(100));
        ck_assert_uint_eq(vh_sim_pending(sim), 5);
        vh_schedule_in(sim, 0, schedule_now, z, id_arg(101));
    }
}

START_TEST(test_zero_delay_runs_after_waiting_events)
{
    struct vh_sim sim;
    struct zero_delay z;
    static const uint64_t expect[] = { 0, 1, 2, 3, 100, 101, 4 };

    vh_sim_init(&sim);
    log_init(&z.log, 16);
    for (uint64_t i = 0; i < 4; i++) {
        vh_schedule_at(&sim, 5 * VH_NS, schedule_now, &z, id_arg(i));
    }
    vh_schedule_at(&sim, 6 * VH_NS, schedule_now, &z, id_arg(4));
    vh_sim_run(&sim, VH_TIME_NEVER);
    ck_assert_uint_eq(z.log.n, 7);
    for (size_t k = 0; k < 7; k++) {
        ck_assert_uint_eq(z.log.id[k], expect[k]);
    }
    log_free(&z.log);
    vh_sim_destroy(&sim);
}
END_TEST

START_TEST(test_run_until_boundary)
{
    struct vh_sim sim;
    struct log l;

    vh_sim_init(&sim);
    log_init(&l, 16);
    vh_schedule_at(&sim, 10, record, &l, id_arg(10));
    vh_schedule_at(&sim, 20, record, &l, id_arg(20));
    vh_schedule_at(&sim, 30, record, &l, id_arg(30));

    /* Events exactly at 'until' run. */
    ck_assert_uint_eq(vh_sim_run(&sim, 20), 2);
    ck_assert_uint_eq(l.n, 2);
    ck_assert_uint_eq(l.id[1], 20);
    /* A later event is still queued, so the clock stands at 'until'. */
    ck_assert_uint_eq(sim.now, 20);

    ck_assert_uint_eq(vh_sim_run(&sim, 25), 0);
    ck_assert_uint_eq(sim.now, 25);
    ck_assert_uint_eq(vh_sim_next_time(&sim), 30);

    /* A smaller 'until' never moves the clock back. */
    ck_assert_uint_eq(vh_sim_run(&sim, 15), 0);
    ck_assert_uint_eq(sim.now, 25);

    /* Drained: the clock stays at the last event, not at 'until'. */
    ck_assert_uint_eq(vh_sim_run(&sim, 1000), 1);
    ck_assert_uint_eq(sim.now, 30);
    ck_assert_uint_eq(vh_sim_run(&sim, 2000), 0);
    ck_assert_uint_eq(sim.now, 30);
    ck_assert_uint_eq(sim.events_run, 3);

    /* schedule_in is relative to the clock. */
    vh_schedule_in(&sim, 5, record, &l, id_arg(35));
    ck_assert_uint_eq(vh_sim_next_time(&sim), 35);
    log_free(&l);
    vh_sim_destroy(&sim);
}
END_TEST

START_TEST(test_run_in_slices)
{
    struct vh_sim sim;
    struct log l;
    enum { N = 100 };

    vh_sim_init(&sim);
    log_init(&l, N);
    for (uint64_t i = N; i > 0; i--) {
        vh_schedule_at(&sim, i * VH_NS, record, &l, id_arg(i));
    }
    uint64_t total = 0;
    for (vh_time_t t = 7 * VH_NS; vh_sim_pending(&sim); t += 7 * VH_NS) {
        uint64_t ran = vh_sim_run(&sim, t);
        ck_assert_uint_le(ran, 7);
        total += ran;
        ck_assert_uint_eq(total, l.n);
    }
    ck_assert_uint_eq(total, N);
    for (size_t k = 0; k < N; k++) {
        ck_assert_uint_eq(l.id[k], k + 1);
    }
    log_free(&l);
    vh_sim_destroy(&sim);
}
END_TEST

struct stopper {
    int calls;
    int stop_at;
};

static void
count_and_stop(struct vh_sim *sim, void *obj, void *arg)
{
    struct stopper *s = obj;
    if (++s->calls == s->stop_at) {
        vh_sim_stop(sim);
    }
}

START_TEST(test_stop)
{
    struct vh_sim sim;
    struct stopper s = { .calls = 0, .stop_at = 3 };

    vh_sim_init(&sim);
    for (int i = 1; i <= 10; i++) {
        vh_schedule_at(&sim, (vh_time_t) i * 100, count_and_stop, &s, NULL);
    }
    /* Stops after the running event, well before 'until'. */
    ck_assert_uint_eq(vh_sim_run(&sim, VH_TIME_NEVER), 3);
    ck_assert_int_eq(s.calls, 3);
    ck_assert_uint_eq(sim.now, 300);
    ck_assert_uint_eq(vh_sim_pending(&sim), 7);
    ck_assert(sim.stop);

    /* The stop belonged to that run; the next one carries on. */
    ck_assert_uint_eq(vh_sim_run(&sim, VH_TIME_NEVER), 7);
    ck_assert_int_eq(s.calls, 10);
    ck_assert_uint_eq(sim.now, 1000);
    ck_assert(!sim.stop);
    vh_sim_destroy(&sim);
}
END_TEST

/* --- Timers. --- */

struct tick {
    struct vh_timer timer;
    struct log log;
    int rearm_left;             /* Re-arms the handler still does. */
    vh_time_t period;
    void *last_arg;
};

static void
tick_fired(struct vh_sim *sim, void *obj, void *arg)
{
    struct tick *t = obj;
    /* The timer is idle while its handler runs. */
    ck_assert(!vh_timer_armed(&t->timer));
    t->last_arg = arg;
    record(sim, &t->log, id_arg(sim->now));
    if (t->rearm_left > 0) {
        t->rearm_left--;
        vh_timer_arm_at(sim, &t->timer, sim->now + t->period);
        ck_assert(vh_timer_armed(&t->timer));
        ck_assert_uint_eq(t->timer.when, sim->now + t->period);
    }
}

static void
tick_init(struct tick *t)
{
    vh_timer_init(&t->timer, tick_fired, t);
    log_init(&t->log, 64);
    t->rearm_left = 0;
    t->period = 0;
    t->last_arg = NULL;
}

START_TEST(test_timer_fires_once)
{
    struct vh_sim sim;
    struct tick t;

    vh_sim_init(&sim);
    tick_init(&t);
    ck_assert(!vh_timer_armed(&t.timer));
    vh_timer_arm_at(&sim, &t.timer, 100);
    ck_assert(vh_timer_armed(&t.timer));
    ck_assert_uint_eq(t.timer.when, 100);
    ck_assert_uint_eq(vh_sim_run(&sim, VH_TIME_NEVER), 1);
    ck_assert_uint_eq(t.log.n, 1);
    ck_assert_uint_eq(t.log.time[0], 100);
    /* Handlers get the timer itself as 'arg'. */
    ck_assert_ptr_eq(t.last_arg, &t.timer);
    ck_assert(!vh_timer_armed(&t.timer));
    log_free(&t.log);
    vh_sim_destroy(&sim);
}
END_TEST

START_TEST(test_timer_rearm_replaces)
{
    struct vh_sim sim;
    struct tick t;

    vh_sim_init(&sim);
    tick_init(&t);

    /* Earlier replaces later... */
    vh_timer_arm_at(&sim, &t.timer, 100);
    vh_timer_arm_at(&sim, &t.timer, 50);
    /* ...and later replaces earlier. */
    vh_timer_arm_at(&sim, &t.timer, 200);
    ck_assert_uint_eq(t.timer.when, 200);
    ck_assert_uint_eq(vh_sim_pending(&sim), 3);

    /* Only the last arming runs; dead entries are not counted as run. */
    ck_assert_uint_eq(vh_sim_run(&sim, VH_TIME_NEVER), 1);
    ck_assert_uint_eq(t.log.n, 1);
    ck_assert_uint_eq(t.log.time[0], 200);
    ck_assert_uint_eq(sim.events_run, 1);
    ck_assert_uint_eq(vh_sim_pending(&sim), 0);

    /* Re-arming at the very time of a dead entry still fires once. */
    vh_timer_arm_at(&sim, &t.timer, 300);
    vh_timer_cancel(&t.timer);
    vh_timer_arm_at(&sim, &t.timer, 300);
    vh_sim_run(&sim, VH_TIME_NEVER);
    ck_assert_uint_eq(t.log.n, 2);
    ck_assert_uint_eq(t.log.time[1], 300);
    log_free(&t.log);
    vh_sim_destroy(&sim);
}
END_TEST

START_TEST(test_timer_cancel)
{
    struct vh_sim sim;
    struct tick t;

    vh_sim_init(&sim);
    tick_init(&t);
    vh_timer_cancel(&t.timer);          /* Idle: harmless. */
    vh_timer_arm_at(&sim, &t.timer, 100);
    vh_timer_cancel(&t.timer);
    ck_assert(!vh_timer_armed(&t.timer));
    /* The dead entry stays queued, but counts as nothing to do: the run
     * ends at once and the clock does not move to it. */
    ck_assert_uint_eq(vh_sim_pending(&sim), 1);
    ck_assert_uint_eq(vh_sim_live(&sim), 0);
    ck_assert_uint_eq(vh_sim_run(&sim, VH_TIME_NEVER), 0);
    ck_assert_uint_eq(t.log.n, 0);
    ck_assert_uint_eq(sim.now, 0);
    log_free(&t.log);
    vh_sim_destroy(&sim);
}
END_TEST

START_TEST(test_live_count_skips_stale_entries)
{
    struct vh_sim sim;
    struct tick t;

    vh_sim_init(&sim);
    tick_init(&t);
    vh_timer_arm_at(&sim, &t.timer, 100);
    vh_timer_arm_at(&sim, &t.timer, 200);       /* Re-arm: 100 is dead. */
    ck_assert_uint_eq(vh_sim_pending(&sim), 2);
    ck_assert_uint_eq(vh_sim_live(&sim), 1);
    ck_assert_uint_eq(vh_sim_run(&sim, VH_TIME_NEVER), 1);
    ck_assert_uint_eq(t.log.n, 1);
    ck_assert_uint_eq(sim.now, 200);
    ck_assert_uint_eq(vh_sim_pending(&sim), 0);
    ck_assert_uint_eq(vh_sim_live(&sim), 0);
    /* Arm, then cancel after another event: the run ends with that event,
     * not at the dead timer's time. */
    vh_timer_arm_at(&sim, &t.timer, 1000);
    vh_timer_arm_at(&sim, &t.timer, 900);
    vh_timer_cancel(&t.timer);
    ck_assert_uint_eq(vh_sim_live(&sim), 0);
    ck_assert_uint_eq(vh_sim_run(&sim, VH_TIME_NEVER), 0);
    ck_assert_uint_eq(sim.now, 200);
    log_free(&t.log);
    vh_sim_destroy(&sim);
}
END_TEST

START_TEST(test_timer_rearm_from_handler)
{
    struct vh_sim sim;
    struct tick t;

    vh_sim_init(&sim);
    tick_init(&t);
    t.rearm_left = 4;
    t.period = 10;
    vh_timer_arm_at(&sim, &t.timer, 10);
    ck_assert_uint_eq(vh_sim_run(&sim, VH_TIME_NEVER), 5);
    ck_assert_uint_eq(t.log.n, 5);
    for (size_t k = 0; k < 5; k++) {
        ck_assert_uint_eq(t.log.time[k], 10 * (k + 1));
    }
    ck_assert(!vh_timer_armed(&t.timer));
    log_free(&t.log);
    vh_sim_destroy(&sim);
}
END_TEST

/* --- Determinism. --- */

/* A small randomized model: each agent's event schedules 0 to 3
 * successors (some at zero delay), re-arms or cancels its timer, and
 * folds (time, agent, kind) into a trace hash. */
#define N_AGENTS 16

struct world;

struct agent {
    struct world *w;
    int idx;
    struct vh_rng rng;
    struct vh_timer timer;
};

struct world {
    struct agent agents[N_AGENTS];
    uint64_t hash;
    uint64_t budget;            /* Successors still allowed. */
};

static void
fold(struct world *w, vh_time_t t, uint64_t x)
{
    w->hash = (w->hash ^ t) * 0x100000001b3ULL;
    w->hash = (w->hash ^ x) * 0x100000001b3ULL;
}

static void agent_event(struct vh_sim *, void *obj, void *arg);

static void
agent_timer(struct vh_sim *sim, void *obj, void *arg)
{
    struct agent *a = obj;
    fold(a->w, sim->now, 1000 + (uint64_t) a->idx);
}

static void
agent_event(struct vh_sim *sim, void *obj, void *arg)
{
    struct agent *a = obj;
    struct world *w = a->w;
    fold(w, sim->now, (uint64_t) a->idx);

    uint64_t n = vh_rng_below(&a->rng, 4);
    for (uint64_t i = 0; i < n && w->budget > 0; i++, w->budget--) {
        struct agent *to = &w->agents[vh_rng_below(&a->rng, N_AGENTS)];
        vh_time_t d = vh_rng_below(&a->rng, 4) == 0
                      ? 0 : vh_rng_below(&a->rng, 1000);
        vh_schedule_in(sim, d, agent_event, to, NULL);
    }
    if (vh_rng_below(&a->rng, 4) == 0) {
        vh_timer_cancel(&a->timer);
    } else {
        vh_timer_arm_at(sim, &a->timer, sim->now + vh_rng_below(&a->rng,
                                                                 2000));
    }
}

static uint64_t
run_world(uint64_t seed, uint64_t *events)
{
    struct world *w = calloc(1, sizeof *w);
    struct vh_sim sim;

    ck_assert(w);
    vh_sim_init(&sim);
    w->hash = 0xcbf29ce484222325ULL;
    w->budget = 50000;
    for (int i = 0; i < N_AGENTS; i++) {
        struct agent *a = &w->agents[i];
        char name[32];
        snprintf(name, sizeof name, "agent/%d", i);
        a->w = w;
        a->idx = i;
        vh_rng_seed(&a->rng, seed, name);
        vh_timer_init(&a->timer, agent_timer, a);
        vh_schedule_at(&sim, (vh_time_t) i, agent_event, a, NULL);
    }
    vh_sim_run(&sim, VH_TIME_NEVER);
    *events = sim.events_run;
    uint64_t h = w->hash;
    vh_sim_destroy(&sim);
    free(w);
    return h;
}

START_TEST(test_determinism)
{
    uint64_t e1, e2, e3;
    uint64_t h1 = run_world(7, &e1);
    uint64_t h2 = run_world(7, &e2);
    uint64_t h3 = run_world(8, &e3);

    ck_assert_uint_gt(e1, 10000);
    ck_assert_uint_eq(h1, h2);
    ck_assert_uint_eq(e1, e2);
    /* The trace depends on the random draws, so the comparison above is
     * not comparing two constants. */
    ck_assert_uint_ne(h1, h3);
}
END_TEST

/* --- The heap against references. --- */

struct key {
    vh_time_t time;
    uint64_t id;                /* Scheduling order. */
};

static int
key_cmp(const void *a_, const void *b_)
{
    const struct key *a = a_, *b = b_;
    if (a->time != b->time) {
        return a->time < b->time ? -1 : 1;
    }
    return a->id < b->id ? -1 : a->id > b->id;
}

START_TEST(test_heap_vs_sorted)
{
    enum { N = 100000 };
    struct key *ref = malloc(N * sizeof *ref);
    struct vh_sim sim;
    struct vh_rng rng;
    struct log l;

    ck_assert(ref);
    vh_sim_init(&sim);
    vh_rng_seed(&rng, 1, "test/heap");
    log_init(&l, N);
    for (uint64_t i = 0; i < N; i++) {
        /* A narrow range so that many events share a time, plus the
         * extremes of the time range. */
        vh_time_t t = i % 1000 == 0 ? VH_TIME_NEVER - (i / 1000 & 1)
                      : vh_rng_below(&rng, N / 8);
        ref[i].time = t;
        ref[i].id = i;
        vh_schedule_at(&sim, t, record, &l, id_arg(i));
    }
    qsort(ref, N, sizeof *ref, key_cmp);
    ck_assert_uint_eq(vh_sim_run(&sim, VH_TIME_NEVER), N);
    ck_assert_uint_eq(l.n, N);
    size_t first_bad = N;
    for (size_t k = 0; k < N && first_bad == N; k++) {
        if (l.id[k] != ref[k].id || l.time[k] != ref[k].time) {
            first_bad = k;
        }
    }
    ck_assert_msg(first_bad == N, "order differs from the sorted "
                  "reference at position %zu", first_bad);
    free(ref);
    log_free(&l);
    vh_sim_destroy(&sim);
}
END_TEST

/* Events scheduled while the simulation runs, checked against a plain
 * list searched for its minimum each time. */
struct interleave {
    struct vh_rng rng;
    struct key *pending;        /* The reference queue, unordered. */
    size_t n_pending;
    uint64_t next_id;
    uint64_t budget;
    uint64_t checked;           /* Events that matched the reference. */
};

static void interleave_event(struct vh_sim *, void *obj, void *arg);

static void
interleave_schedule(struct vh_sim *sim, struct interleave *x, vh_time_t t)
{
    x->pending[x->n_pending].time = t;
    x->pending[x->n_pending].id = x->next_id;
    x->n_pending++;
    vh_schedule_at(sim, t, interleave_event, x, id_arg(x->next_id));
    x->next_id++;
}

static void
interleave_event(struct vh_sim *sim, void *obj, void *arg)
{
    struct interleave *x = obj;
    size_t best = 0;
    for (size_t i = 1; i < x->n_pending; i++) {
        if (key_cmp(&x->pending[i], &x->pending[best]) < 0) {
            best = i;
        }
    }
    if (x->pending[best].id == (uint64_t) (uintptr_t) arg
        && x->pending[best].time == sim->now) {
        x->checked++;
    }
    x->pending[best] = x->pending[--x->n_pending];

    /* Zero to three successors, a quarter of them at zero delay. */
    uint64_t n = vh_rng_below(&x->rng, 4);
    for (uint64_t i = 0; i < n && x->budget > 0; i++, x->budget--) {
        vh_time_t d = vh_rng_below(&x->rng, 4) == 0
                      ? 0 : vh_rng_below(&x->rng, 100);
        interleave_schedule(sim, x, sim->now + d);
    }
}

START_TEST(test_heap_interleaved)
{
    enum { BUDGET = 30000, START = 500 };
    struct interleave x = {
        .pending = malloc((BUDGET + START) * sizeof(struct key)),
        .budget = BUDGET,
    };
    struct vh_sim sim;

    ck_assert(x.pending);
    vh_sim_init(&sim);
    vh_rng_seed(&x.rng, 3, "test/interleave");
    for (int i = 0; i < START; i++) {
        interleave_schedule(&sim, &x, vh_rng_below(&x.rng, 50));
    }
    vh_sim_run(&sim, VH_TIME_NEVER);
    ck_assert_uint_eq(x.checked, x.next_id);
    ck_assert_uint_eq(x.n_pending, 0);
    ck_assert_uint_gt(x.checked, BUDGET / 2);
    free(x.pending);
    vh_sim_destroy(&sim);
}
END_TEST

static Suite *
event_suite(void)
{
    Suite *s = suite_create("event");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_order_time_then_fifo);
    tcase_add_test(tc, test_zero_delay_runs_after_waiting_events);
    tcase_add_test(tc, test_run_until_boundary);
    tcase_add_test(tc, test_run_in_slices);
    tcase_add_test(tc, test_stop);
    tcase_add_test(tc, test_timer_fires_once);
    tcase_add_test(tc, test_timer_rearm_replaces);
    tcase_add_test(tc, test_timer_cancel);
    tcase_add_test(tc, test_live_count_skips_stale_entries);
    tcase_add_test(tc, test_timer_rearm_from_handler);
    tcase_add_test(tc, test_determinism);
    tcase_add_test(tc, test_heap_vs_sorted);
    tcase_add_test(tc, test_heap_interleaved);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(event_suite)
