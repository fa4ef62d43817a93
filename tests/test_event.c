/* tests/test_event.c: the event kernel's ordering, run/stop semantics,
 * timers and determinism, and the queue against references: sorted, and
 * at depth with timers re-armed and cancelled. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Riders: an event scheduled right after another for the same time,
 * with nothing run in between, rides on the other's queue entry.  The
 * order must be exactly (time, sequence) all the same, also when a run
 * stops between an entry's event and its rider, and when a rider is a
 * timer the entry's event cancels. */
struct ride {
    struct log log;
    uint64_t stop_on;           /* Id of the event that stops the run. */
    struct vh_timer timer;      /* Armed as a rider of event 7. */
    int timer_fired;
};

static void
ride_event(struct vh_sim *sim, void *obj, void *arg)
{
    struct ride *r = obj;
    uint64_t id = (uint64_t) (uintptr_t) arg;
    record(sim, &r->log, arg);
    if (id == r->stop_on) {
        vh_sim_stop(sim);
    }
    if (id == 2) {
        /* Event 3 rides on this one's entry: it is next, at once. */
        ck_assert_uint_eq(vh_sim_next_time(sim), sim->now);
        vh_schedule_in(sim, 5, ride_event, r, id_arg(20));
        vh_schedule_in(sim, 5, ride_event, r, id_arg(21));
    }
    if (id == 7) {
        vh_timer_cancel(&r->timer);
    }
}

static void
ride_timer(struct vh_sim *sim, void *obj, void *arg)
{
    struct ride *r = obj;
    r->timer_fired++;
}

/* Schedules the riders' scenario: ids 1..6, plus 7 with the timer riding
 * on it; returns how many of them ride. */
static uint64_t
ride_setup(struct vh_sim *sim, struct ride *r, uint64_t stop_on)
{
    vh_sim_init(sim);
    log_init(&r->log, 16);
    r->stop_on = stop_on;
    r->timer_fired = 0;
    vh_timer_init(&r->timer, ride_timer, r);
    vh_schedule_at(sim, 5, ride_event, r, id_arg(1));
    vh_schedule_at(sim, 7, ride_event, r, id_arg(2));
    vh_schedule_at(sim, 7, ride_event, r, id_arg(3));   /* Rides on 2. */
    vh_schedule_at(sim, 9, ride_event, r, id_arg(4));
    vh_schedule_at(sim, 7, ride_event, r, id_arg(5));   /* Its own entry, */
    vh_schedule_at(sim, 7, ride_event, r, id_arg(6));   /* 6 rides on 5. */
    vh_schedule_at(sim, 11, ride_event, r, id_arg(7));
    vh_timer_arm_at(sim, &r->timer, 11);                 /* Rides on 7. */
    return sim->riders;
}

static const uint64_t ride_order[] = { 1, 2, 3, 5, 6, 4, 7, 20, 21 };

START_TEST(test_riders_keep_order)
{
    struct vh_sim sim;
    struct ride r;
    size_t n = sizeof ride_order / sizeof ride_order[0];

    ck_assert_uint_eq(ride_setup(&sim, &r, 0), 3);
    ck_assert_uint_eq(vh_sim_pending(&sim), 8);
    ck_assert_uint_eq(vh_sim_run(&sim, VH_TIME_NEVER), n);
    ck_assert_uint_eq(sim.riders, 4);   /* And 21 rode on 20. */
    ck_assert_uint_eq(r.log.n, n);
    for (size_t k = 0; k < n; k++) {
        ck_assert_uint_eq(r.log.id[k], ride_order[k]);
    }
    /* The timer rode on 7, which cancelled it: it never fired, and its
     * dead entry is not counted as run. */
    ck_assert_int_eq(r.timer_fired, 0);
    ck_assert_uint_eq(vh_sim_pending(&sim), 0);
    ck_assert_uint_eq(sim.events_run, n);
    log_free(&r.log);
    vh_sim_destroy(&sim);
}
END_TEST

START_TEST(test_riders_across_stop)
{
    size_t n = sizeof ride_order / sizeof ride_order[0];
    /* Stop at every event in turn, then resume: the order is the same. */
    for (size_t at = 0; at < n; at++) {
        struct vh_sim sim;
        struct ride r;
        ride_setup(&sim, &r, ride_order[at]);
        ck_assert_uint_eq(vh_sim_run(&sim, VH_TIME_NEVER), at + 1);
        if (ride_order[at] == 2) {
            /* Event 3 was riding on 2: it is still pending, and next. */
            ck_assert_uint_eq(vh_sim_next_time(&sim), 7);
        }
        vh_sim_run(&sim, VH_TIME_NEVER);
        ck_assert_uint_eq(r.log.n, n);
        for (size_t k = 0; k < n; k++) {
            ck_assert_uint_eq(r.log.id[k], ride_order[k]);
        }
        ck_assert_uint_eq(vh_sim_pending(&sim), 0);
        log_free(&r.log);
        vh_sim_destroy(&sim);
    }
}
END_TEST

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

/* --- The queue at depth, with timers, against a reference heap. ---
 *
 * Hundreds of thousands of events pending, so the kernel's far set is in
 * play (buckets, overflow, spills, growth of every array), with delays
 * from zero to far away and to VH_TIME_NEVER, and timers re-armed and
 * cancelled all along.  A plain binary heap of (time, id), id being the
 * kernel's sequence number, holds every entry the kernel holds, dead ones
 * included; each event that runs must be the reference's least live
 * entry, the dead ones before it having popped silently. */

struct ref_key {
    vh_time_t time;
    uint64_t id;
};

struct depth_check {
    struct vh_rng rng;
    struct ref_key *ref;        /* Binary min-heap. */
    size_t n_ref, ref_cap;
    uint8_t *dead;              /* By id: cancelled or re-armed. */
    size_t dead_cap;
    struct vh_timer *timers;
    uint64_t *timer_id;         /* Id of each timer's live arming. */
    size_t n_timers;
    uint64_t budget;            /* Schedules left. */
    uint64_t ran, wrong, wrong_next;
    /* The small walk (test_queue_small_walk): delays mostly short, the
     * number of successors steered towards 'target' entries, a burst
     * of same-time events now and then, and runs stopped at random. */
    bool small;
    size_t target;
    uint64_t bursts, stops;
    /* The sources (test_queue_periodic_sources): each event fires again
     * 'period' later, or, while 'jitter', at a random time from half a
     * period to one and a half later, and now and then takes a short
     * step as well. */
    vh_time_t period;
    bool jitter;
};

static bool
ref_less(const struct ref_key *a, const struct ref_key *b)
{
    return a->time < b->time || (a->time == b->time && a->id < b->id);
}

static void
ref_push(struct depth_check *d, vh_time_t t, uint64_t id)
{
    if (d->n_ref == d->ref_cap) {
        d->ref_cap *= 2;
        d->ref = realloc(d->ref, d->ref_cap * sizeof *d->ref);
        ck_assert(d->ref);
    }
    if (id >= d->dead_cap) {
        size_t cap = d->dead_cap * 2 > id + 1 ? d->dead_cap * 2 : id + 1;
        d->dead = realloc(d->dead, cap);
        ck_assert(d->dead);
        memset(d->dead + d->dead_cap, 0, cap - d->dead_cap);
        d->dead_cap = cap;
    }
    struct ref_key k = { t, id };
    size_t i = d->n_ref++;
    while (i > 0 && ref_less(&k, &d->ref[(i - 1) / 2])) {
        d->ref[i] = d->ref[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    d->ref[i] = k;
}

static struct ref_key
ref_pop(struct depth_check *d)
{
    struct ref_key top = d->ref[0];
    struct ref_key k = d->ref[--d->n_ref];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= d->n_ref) {
            break;
        }
        if (c + 1 < d->n_ref && ref_less(&d->ref[c + 1], &d->ref[c])) {
            c++;
        }
        if (!ref_less(&d->ref[c], &k)) {
            break;
        }
        d->ref[i] = d->ref[c];
        i = c;
    }
    if (d->n_ref) {
        d->ref[i] = k;
    }
    return top;
}

static vh_time_t
draw_time(struct depth_check *d, vh_time_t now)
{
    uint64_t r = vh_rng_below(&d->rng, 100);
    if (d->small) {
        return r < 20 ? now
               : r < 99 ? now + vh_rng_below(&d->rng, 2000)
               : now + vh_rng_below(&d->rng, 50000000);
    }
    if (r < 15) {
        return now;                             /* Same picosecond. */
    } else if (r < 60) {
        return now + vh_rng_below(&d->rng, 2000);
    } else if (r < 95) {
        return now + vh_rng_below(&d->rng, 50000000);
    } else if (r < 99) {
        return now + vh_rng_below(&d->rng, 1000000000000ULL);
    }
    return VH_TIME_NEVER;
}

static void depth_event(struct vh_sim *, void *obj, void *arg);
static void depth_timer(struct vh_sim *, void *obj, void *arg);

static void
depth_schedule_at(struct vh_sim *sim, struct depth_check *d, vh_time_t t)
{
    uint64_t id = sim->next_seq;
    ref_push(d, t, id);
    vh_schedule_at(sim, t, depth_event, d, id_arg(id));
}

static void
depth_schedule(struct vh_sim *sim, struct depth_check *d)
{
    vh_time_t t = draw_time(d, sim->now);
    uint64_t id = sim->next_seq;
    ref_push(d, t, id);
    vh_schedule_at(sim, t, depth_event, d, id_arg(id));
}

static void
depth_arm(struct vh_sim *sim, struct depth_check *d, size_t i)
{
    struct vh_timer *t = &d->timers[i];
    vh_time_t when = draw_time(d, sim->now);
    if (vh_timer_armed(t)) {
        d->dead[d->timer_id[i]] = 1;
    }
    vh_timer_arm_at(sim, t, when);
    d->timer_id[i] = t->live_seq;
    ref_push(d, when, t->live_seq);
}

/* Checks that the event (now, id) is the reference's least live entry,
 * and that vh_sim_next_time() then sees the reference's least entry,
 * dead or alive. */
static void
depth_check_run(struct vh_sim *sim, struct depth_check *d, uint64_t id)
{
    while (d->n_ref && d->dead[d->ref[0].id]) {
        ref_pop(d);
    }
    struct ref_key k = d->n_ref ? ref_pop(d)
                       : (struct ref_key) { VH_TIME_NEVER, 0 };
    if (k.id != id || k.time != sim->now) {
        d->wrong++;
    }
    vh_time_t next = d->n_ref ? d->ref[0].time : VH_TIME_NEVER;
    if (vh_sim_next_time(sim) != next) {
        d->wrong_next++;
    }
    d->ran++;
}

/* One step of random work: zero to two successors, and now and then a
 * timer re-armed or cancelled. */
static void
depth_work(struct vh_sim *sim, struct depth_check *d)
{
    uint64_t n = vh_rng_below(&d->rng, 3);
    if (d->small) {
        n = vh_rng_below(&d->rng, d->n_ref < d->target ? 4 : 2);
        if (vh_rng_below(&d->rng, 2000) == 0 && d->budget > 300) {
            /* All ride on the first: more slots taken than the arrays
             * have, with few entries in the queue. */
            for (int i = 0; i < 300; i++, d->budget--) {
                depth_schedule_at(sim, d, sim->now);
            }
            d->bursts++;
        }
        if (vh_rng_below(&d->rng, 300) == 0) {
            vh_sim_stop(sim);   /* Maybe with riders left behind. */
            d->stops++;
        }
    }
    for (uint64_t i = 0; i < n && d->budget > 0; i++, d->budget--) {
        depth_schedule(sim, d);
    }
    uint64_t r = vh_rng_below(&d->rng, 8);
    size_t which = vh_rng_below(&d->rng, d->n_timers);
    if (r == 0 && d->budget > 0) {
        d->budget--;
        depth_arm(sim, d, which);
    } else if (r == 1 && vh_timer_armed(&d->timers[which])) {
        d->dead[d->timer_id[which]] = 1;
        vh_timer_cancel(&d->timers[which]);
    }
}

/* A packet's step: it only has to come in order. */
static void
step_event(struct vh_sim *sim, void *obj, void *arg)
{
    depth_check_run(sim, obj, (uint64_t) (uintptr_t) arg);
}

/* A source's firing: its next one, and a packet's step now and then. */
static void
source_work(struct vh_sim *sim, struct depth_check *d)
{
    if (d->budget == 0) {
        return;
    }
    d->budget--;
    vh_time_t next = d->jitter
        ? sim->now + d->period / 2 + vh_rng_below(&d->rng, d->period)
        : sim->now + d->period;
    depth_schedule_at(sim, d, next);
    if (vh_rng_below(&d->rng, 4) == 0 && d->budget > 0) {
        d->budget--;
        vh_time_t t = sim->now + vh_rng_below(&d->rng, 3000);
        uint64_t id = sim->next_seq;
        ref_push(d, t, id);
        vh_schedule_at(sim, t, step_event, d, id_arg(id));
    }
}

static void
depth_event(struct vh_sim *sim, void *obj, void *arg)
{
    struct depth_check *d = obj;
    depth_check_run(sim, d, (uint64_t) (uintptr_t) arg);
    if (d->period) {
        source_work(sim, d);
    } else {
        depth_work(sim, d);
    }
}

static void
depth_timer(struct vh_sim *sim, void *obj, void *arg)
{
    struct depth_check *d = obj;
    size_t i = (size_t) ((struct vh_timer *) arg - d->timers);
    depth_check_run(sim, d, d->timer_id[i]);
    depth_work(sim, d);
}

/* Sets up 'd' (whose counts and budget the caller has filled in) and
 * 'sim': the reference's arrays, 'n_timers' timers armed, and 'start'
 * events scheduled. */
static void
depth_begin(struct depth_check *d, struct vh_sim *sim, uint64_t seed,
            const char *stream, int start)
{
    d->ref_cap = d->dead_cap = 1024;
    d->ref = malloc(d->ref_cap * sizeof *d->ref);
    d->dead = calloc(d->dead_cap, 1);
    d->timers = calloc(d->n_timers, sizeof *d->timers);
    d->timer_id = calloc(d->n_timers, sizeof *d->timer_id);
    ck_assert(d->ref && d->dead && d->timers && d->timer_id);
    vh_sim_init(sim);
    vh_rng_seed(&d->rng, seed, stream);
    for (size_t i = 0; i < d->n_timers; i++) {
        vh_timer_init(&d->timers[i], depth_timer, d);
        depth_arm(sim, d, i);
    }
    for (int i = 0; i < start; i++) {
        depth_schedule(sim, d);
    }
}

static void
depth_end(struct depth_check *d, struct vh_sim *sim)
{
    free(d->ref);
    free(d->dead);
    free(d->timers);
    free(d->timer_id);
    vh_sim_destroy(sim);
}

/* The queue kept small, around where it changes between a sorted run
 * and a heap: the number of entries steered to targets below, around
 * and above both thresholds (SORTED_MIN and SORTED_MAX in sim/event.c,
 * 48 and 96) in turn, with riders, bursts that take more
 * slots than the array has while the run is short, and runs stopped
 * between an entry and its riders. */
START_TEST(test_queue_small_walk)
{
    enum { BUDGET = 400000, TIMERS = 4, PHASE = 3000 };
    static const size_t targets[] = { 3, 30, 60, 120, 200, 10, 50, 110 };
    struct depth_check d = {
        .n_timers = TIMERS, .budget = BUDGET, .small = true,
    };
    struct vh_sim sim;

    depth_begin(&d, &sim, 13, "test/small", 5);
    size_t sizes_seen[3] = { 0 };   /* Runs ending at <= 32, 33..127 and
                                     * >= 128 entries. */
    while (vh_sim_live(&sim) || d.budget > 0) {
        d.target = targets[d.ran / PHASE % (sizeof targets
                                            / sizeof targets[0])];
        if (!vh_sim_live(&sim)) {
            d.budget--;
            depth_schedule(&sim, &d);   /* Start the walk again. */
        }
        vh_sim_run(&sim, VH_TIME_NEVER);
        sizes_seen[d.n_ref <= 32 ? 0 : d.n_ref < 128 ? 1 : 2]++;
    }

    ck_assert_uint_eq(d.wrong, 0);
    ck_assert_uint_eq(d.wrong_next, 0);
    ck_assert_uint_gt(d.ran, BUDGET / 2);
    ck_assert_uint_gt(d.bursts, 10);
    ck_assert_uint_gt(d.stops, 100);
    ck_assert_uint_gt(sizes_seen[0], 10);
    ck_assert_uint_gt(sizes_seen[1], 10);
    ck_assert_uint_gt(sizes_seen[2], 10);
    ck_assert_uint_eq(sim.events_run, d.ran);
    depth_end(&d, &sim);
}
END_TEST

/* A thousand sources firing a period apart at phases of their own, as
 * a world of sources is: its far buckets hold a few ascending stretches
 * each, which become runs by a merge; then the same sources with their
 * periods jittered, whose buckets are in no order and become runs by
 * insertion, or heaps.  Every event must still come in the reference's
 * order, through every way a bucket is moved near. */
START_TEST(test_queue_periodic_sources)
{
    enum { SOURCES = 1000, BUDGET = 400000 };
    struct depth_check d = {
        .n_timers = 1, .budget = BUDGET, .period = 1666667,
    };
    struct vh_sim sim;

    depth_begin(&d, &sim, 14, "test/sources", 0);
    /* Phases in four groups, as flows that start in waves have: in
     * order within a group, the groups interleaved. */
    for (int i = 0; i < SOURCES; i++) {
        vh_time_t phase = (vh_time_t) (i % 4) * 411 + (vh_time_t) (i / 4)
                          * (d.period / (SOURCES / 4));
        depth_schedule_at(&sim, &d, phase);
    }
    vh_sim_run(&sim, 100 * d.period);
    uint64_t merged = sim.refills[VH_REFILL_MERGED];
    uint64_t other = sim.refills[VH_REFILL_INSERTED]
                     + sim.refills[VH_REFILL_HEAPED];
    d.jitter = true;
    while (vh_sim_live(&sim)) {
        vh_sim_run(&sim, VH_TIME_NEVER);
    }

    ck_assert_uint_eq(d.wrong, 0);
    ck_assert_uint_eq(d.wrong_next, 0);
    ck_assert_uint_eq(d.budget, 0);
    ck_assert_uint_eq(sim.events_run, d.ran);
    /* The steady sources' buckets were merged, nearly all of them. */
    ck_assert_uint_gt(merged, 1000);
    ck_assert_uint_gt(merged, 9 * other);
    /* The jittered ones took the other ways. */
    ck_assert_uint_gt(sim.refills[VH_REFILL_INSERTED], 100);
    ck_assert_uint_gt(sim.refills[VH_REFILL_HEAPED], 100);
    depth_end(&d, &sim);
}
END_TEST

START_TEST(test_queue_at_depth)
{
    enum { START = 300000, BUDGET = 700000, TIMERS = 5000 };
    struct depth_check d = { .n_timers = TIMERS, .budget = BUDGET };
    struct vh_sim sim;

    depth_begin(&d, &sim, 12, "test/depth", START);
    /* In slices, so runs that stop short of the queue's end are tried. */
    vh_time_t until = 0;
    while (vh_sim_live(&sim)) {
        until += 40000000;
        vh_sim_run(&sim, until < 4000000000ULL ? until : VH_TIME_NEVER);
    }

    ck_assert_uint_eq(d.wrong, 0);
    ck_assert_uint_eq(d.wrong_next, 0);
    ck_assert_uint_eq(d.budget, 0);
    ck_assert_uint_gt(d.ran, START + BUDGET / 2);
    while (d.n_ref && d.dead[d.ref[0].id]) {
        ref_pop(&d);
    }
    ck_assert_uint_eq(d.n_ref, 0);
    ck_assert_uint_eq(sim.events_run, d.ran);
    depth_end(&d, &sim);
}
END_TEST

/* --- Warming (vh_sim_warm). --- */

#define WARM_LOG_MAX 32768
#define WARM_SHORT_LAST 2

/* What the warm function saw: for each call, the event's id and the
 * step, in call order; and how many of its events had run by then. */
struct warm_log {
    struct log ran;             /* The events, as record() logs them. */
    size_t n;
    uint64_t id[WARM_LOG_MAX];
    int step[WARM_LOG_MAX];
    size_t ran_at[WARM_LOG_MAX];
};

static struct warm_log *warm_seen;

static bool
warm_note(struct vh_sim *sim, const void *obj, const void *arg, int step)
{
    struct warm_log *wl = warm_seen;
    (void) sim;
    ck_assert_ptr_eq(obj, &wl->ran);
    if (wl->n < WARM_LOG_MAX) {
        wl->id[wl->n] = (uint64_t) (uintptr_t) arg;
        wl->step[wl->n] = step;
        wl->ran_at[wl->n] = wl->ran.n;
    }
    wl->n++;
    /* Events 2, 6, 10... have nothing to ask for after step 2. */
    return (uintptr_t) arg % 4 == 0 || step < WARM_SHORT_LAST;
}

static bool
warm_other(struct vh_sim *sim, const void *obj, const void *arg, int step)
{
    (void) sim, (void) obj, (void) arg, (void) step;
    ck_abort_msg("a second warm function for the same handler was called");
    return false;
}

/* Another handler, registered with no warm function. */
static void
record_too(struct vh_sim *sim, void *obj, void *arg)
{
    record(sim, obj, arg);
}

/* Events that come from far ahead (a queue deep enough to spread them
 * into time buckets) are warmed before they run: each one once per step,
 * its steps in order (up to the one after which its warm function said
 * it had no more), only for the handler registered, and with its own
 * obj and arg; and every step-k call of a bucket before its step-k+1
 * calls.  The order the events run in is what
 * it is without warming. */
START_TEST(test_warm_far_events)
{
    enum { N = 6000 };          /* Above the heap's spill size. */
    static struct warm_log wl;
    struct log plain;
    struct vh_sim sim, ref;

    memset(&wl, 0, sizeof wl);
    warm_seen = &wl;
    log_init(&wl.ran, 2 * N);
    log_init(&plain, 2 * N);
    vh_sim_init(&sim);
    vh_sim_init(&ref);
    struct vh_rng rng;
    vh_rng_seed(&rng, 7, "test/warm");
    for (uint64_t i = 0; i < N; i++) {
        vh_time_t t = 1000 + vh_rng_below(&rng, 100000000);
        /* Even ids are warmed; odd ones run 'record_too'. */
        vh_schedule_at(&sim, t, i & 1 ? record_too : record, &wl.ran,
                       id_arg(i));
        vh_schedule_at(&ref, t, i & 1 ? record_too : record, &plain,
                       id_arg(i));
    }
    /* Registered once all are scheduled, so that every call comes from
     * a bucket moved near as the run goes (the spills while scheduling
     * move the whole heap back to the far set, and it would be warmed
     * again). */
    vh_sim_warm(&sim, record, warm_note);
    vh_sim_warm(&sim, record, warm_other);      /* Kept: the first. */
    vh_sim_run(&sim, VH_TIME_NEVER);
    vh_sim_run(&ref, VH_TIME_NEVER);

    /* The same events, in the same order. */
    ck_assert_uint_eq(wl.ran.n, N);
    ck_assert_uint_eq(plain.n, N);
    ck_assert_mem_eq(wl.ran.id, plain.id, N * sizeof *plain.id);

    /* Every even event warmed once per step, in step order, before it
     * ran; no odd one; and a bucket's calls step by step. */
    ck_assert_uint_le(wl.n, WARM_LOG_MAX);
    static size_t calls[N][VH_SIM_WARM_STEPS];
    static int last_step[N];
    static size_t pos[N];
    memset(calls, 0, sizeof calls);
    for (uint64_t i = 0; i < N; i++) {
        last_step[i] = -1;
    }
    for (uint64_t i = 0; i < N; i++) {
        pos[wl.ran.id[i]] = i;
    }
    size_t wrong = 0;
    for (size_t k = 0; k < wl.n; k++) {
        uint64_t id = wl.id[k];
        int step = wl.step[k];
        wrong += id & 1;
        wrong += step < 0 || step >= VH_SIM_WARM_STEPS;
        wrong += wl.ran_at[k] > pos[id];       /* Not after it ran. */
        wrong += step != last_step[id] + 1;     /* In order. */
        wrong += id % 4 == 2 && step > WARM_SHORT_LAST;
        last_step[id] = step;
        calls[id][step]++;
        /* A batch's steps in order: no call of an earlier step after
         * this one until another bucket comes near, i.e. until an event
         * has run. */
        if (k > 0 && wl.ran_at[k - 1] == wl.ran_at[k]) {
            wrong += step < wl.step[k - 1];
        }
    }
    size_t warmed = 0;
    for (uint64_t i = 0; i < N; i += 2) {
        size_t all = 1;
        int last = i % 4 == 2 ? WARM_SHORT_LAST : VH_SIM_WARM_STEPS - 1;
        for (int s = 0; s <= last; s++) {
            all &= calls[i][s] == 1;
        }
        warmed += all;
    }
    ck_assert_uint_eq(wrong, 0);
    /* Nearly all: those in the heap when the warm function was
     * registered run unwarmed. */
    ck_assert_uint_gt(warmed, N / 2 * 9 / 10);
    vh_sim_destroy(&sim);
    vh_sim_destroy(&ref);
    log_free(&wl.ran);
    log_free(&plain);
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
    tcase_add_test(tc, test_riders_keep_order);
    tcase_add_test(tc, test_riders_across_stop);
    tcase_add_test(tc, test_timer_fires_once);
    tcase_add_test(tc, test_timer_rearm_replaces);
    tcase_add_test(tc, test_timer_cancel);
    tcase_add_test(tc, test_live_count_skips_stale_entries);
    tcase_add_test(tc, test_timer_rearm_from_handler);
    tcase_add_test(tc, test_determinism);
    tcase_add_test(tc, test_heap_vs_sorted);
    tcase_add_test(tc, test_heap_interleaved);
    tcase_add_test(tc, test_warm_far_events);
    suite_add_tcase(s, tc);

    /* Over a million events checked against a reference, which takes
     * seconds under the sanitizers. */
    TCase *depth = tcase_create("depth");
    tcase_add_test(depth, test_queue_at_depth);
    tcase_add_test(depth, test_queue_small_walk);
    tcase_add_test(depth, test_queue_periodic_sources);
    tcase_set_timeout(depth, 120);
    suite_add_tcase(s, depth);
    return s;
}

VH_SUITE(event_suite)
