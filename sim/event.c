/* sim/event.c: the event queue, the clock and lazily cancelled timers.
 *
 * The queue is a 4-ary min-heap of 'struct vh_event' values ordered by
 * (time, seq).  A 4-ary heap is half as deep as a binary one and keeps a
 * node's children side by side, so a pop touches fewer cache lines.  The
 * least of four children is picked without branches: in a busy simulation
 * each comparison is a coin toss, and a mispredicted branch costs more than
 * the comparison itself.
 *
 * Every slot past the last entry, including PAD slots beyond the capacity,
 * holds a sentinel that orders after any real event, so sift-down reads
 * all four children of a node without asking how many exist.
 *
 * The run loop leaves the running event's slot at the root vacant until
 * the handler returns; see root_vacant() below. */
#include "sim/event.h"
#include "sim/xmalloc.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define ARITY 4
#define PAD (ARITY - 1)             /* Sentinel slots past the capacity. */
#define INITIAL_CAP 256

/* Greater than every real event: a real one at VH_TIME_NEVER still has a
 * sequence number below UINT64_MAX. */
static const struct vh_event sentinel = {
    .time = UINT64_MAX, .seq = UINT64_MAX,
};

/* True if (ta, sa) orders before (tb, sb).  As one 128-bit comparison
 * this is a compare and a subtract-with-borrow, with no branch. */
static inline bool
key_less(uint64_t ta, uint64_t sa, uint64_t tb, uint64_t sb)
{
    return (((unsigned __int128) ta << 64) | sa)
           < (((unsigned __int128) tb << 64) | sb);
}

static void
heap_grow(struct vh_sim *sim)
{
    size_t cap = sim->heap_cap ? sim->heap_cap * 2 : INITIAL_CAP;
    struct vh_event *h = vh_xrealloc(sim->heap, (cap + PAD) * sizeof *h);
    for (size_t i = sim->heap_cap; i < cap + PAD; i++) {
        h[i] = sentinel;
    }
    sim->heap = h;
    sim->heap_cap = cap;
}

void
vh_sim_init(struct vh_sim *sim)
{
    memset(sim, 0, sizeof *sim);
    /* Sequence 0 means "idle" to a timer, so real events start at 1. */
    sim->next_seq = 1;
    heap_grow(sim);
}

void
vh_sim_destroy(struct vh_sim *sim)
{
    free(sim->heap);
    memset(sim, 0, sizeof *sim);
}

/* Places 'ev' at 'i' (a hole) or above it.  'ev' carries the newest
 * sequence number of all, so it only moves above a parent that is strictly
 * later in time; ties keep the parent on top, which is what keeps
 * same-time events in FIFO order. */
static inline void
sift_up(struct vh_event *heap, size_t i, const struct vh_event *ev)
{
    vh_time_t t = ev->time;
    while (i > 0) {
        size_t parent = (i - 1) / ARITY;
        if (heap[parent].time <= t) {
            break;
        }
        heap[i] = heap[parent];
        i = parent;
    }
    heap[i] = *ev;
}

/* Entries above this index stay in the L1 cache while the simulation
 * runs (the top five levels, 341 entries, are under 14 KB), so fetching
 * them ahead is wasted work. */
#define PREFETCH_FROM 341

/* Asks for the sixteen grandchildren of the four children at 'c' (640
 * contiguous bytes) while the children are still being compared, so the
 * next level's loads find them in L1 instead of waiting on L2. */
static inline void
prefetch_grandchildren(uintptr_t base, uintptr_t end, uintptr_t c)
{
    const uintptr_t sz = sizeof(struct vh_event);
    uintptr_t g = ARITY * (c - base) + base + sz;
    if (g >= base + PREFETCH_FROM * sz && g < end) {
        /* Written out: a loop here is not unrolled at -O2. */
        const char *p = (const char *) g;
        __builtin_prefetch(p);
        __builtin_prefetch(p + 64);
        __builtin_prefetch(p + 128);
        __builtin_prefetch(p + 192);
        __builtin_prefetch(p + 256);
        __builtin_prefetch(p + 320);
        __builtin_prefetch(p + 384);
        __builtin_prefetch(p + 448);
        __builtin_prefetch(p + 512);
        __builtin_prefetch(p + 576);
        __builtin_prefetch(p + ARITY * ARITY * sz - 1);
    }
}

/* Fills the hole at the root with 'ev', moving the least child up into
 * the hole until 'ev' fits.
 *
 * Positions are byte addresses rather than indices: the children of the
 * entry at address h start at 4 * (h - base) + base + sizeof entry, a
 * single address computation, which shortens the chain of dependent
 * instructions from one level to the next.  The tournament between the
 * four children selects with masks, because the compiler turns '?:' on
 * addresses into branches here. */
static inline __attribute__((always_inline)) void
sift_down(struct vh_event *heap, size_t n, const struct vh_event *ev)
{
    const uint64_t t = ev->time, s = ev->seq;
    const uintptr_t sz = sizeof(struct vh_event);
    const uintptr_t base = (uintptr_t) heap;
    const uintptr_t end = (uintptr_t) (heap + n);
    uintptr_t hole = base;
    for (;;) {
        uintptr_t c = ARITY * (hole - base) + base + sz;
        if (c >= end) {
            break;
        }
        prefetch_grandchildren(base, end, c);

        const struct vh_event *ch = (const struct vh_event *) c;
        uint64_t t0 = ch[0].time, s0 = ch[0].seq;
        uint64_t t1 = ch[1].time, s1 = ch[1].seq;
        uint64_t t2 = ch[2].time, s2 = ch[2].seq;
        uint64_t t3 = ch[3].time, s3 = ch[3].seq;

        uintptr_t x = -(uintptr_t) key_less(t1, s1, t0, s0);
        uintptr_t y = -(uintptr_t) key_less(t3, s3, t2, s2);
        uint64_t ta = x ? t1 : t0, sa = x ? s1 : s0;
        uint64_t tb = y ? t3 : t2, sb = y ? s3 : s2;
        uintptr_t pa = c + (sz & x);
        uintptr_t pb = c + 2 * sz + (sz & y);
        uintptr_t z = -(uintptr_t) key_less(tb, sb, ta, sa);
        uintptr_t pm = pa ^ ((pa ^ pb) & z);
        const struct vh_event *m = (const struct vh_event *) pm;

        if (!key_less(m->time, m->seq, t, s)) {
            break;
        }
        *(struct vh_event *) hole = *m;
        hole = pm;
    }
    *(struct vh_event *) hole = *ev;
}

/* While an event runs, its slot at the root is left vacant (marked by
 * sequence number 0, which no real event has) instead of being refilled
 * from the end of the heap.  Most handlers schedule a successor; the first
 * one goes straight into the vacant root and sinks to its place, which
 * saves a whole sift-up and the mispredicted branches that come with it.
 * If the handler schedules nothing, the run loop refills the root from the
 * end as usual.  With the root vacant, the real entries are at
 * 1..n_heap. */
static inline bool
root_vacant(const struct vh_sim *sim)
{
    return sim->heap[0].seq == 0;
}

void
vh_schedule_at(struct vh_sim *sim, vh_time_t t, vh_event_fn fn,
               void *obj, void *arg)
{
    assert(t >= sim->now);
    t = t < sim->now ? sim->now : t;
    struct vh_event ev = {
        .time = t, .seq = sim->next_seq++, .fn = fn, .obj = obj, .arg = arg,
    };
    if (root_vacant(sim)) {
        /* No growth check: the vacant root is the room. */
        sift_down(sim->heap, ++sim->n_heap, &ev);
        return;
    }
    if (sim->n_heap == sim->heap_cap) {
        heap_grow(sim);
    }
    sift_up(sim->heap, sim->n_heap++, &ev);
}

/* Fills a vacant root from the last entry.  The last entry's slot becomes
 * a sentinel again. */
static inline void
refill_root(struct vh_sim *sim)
{
    size_t n = sim->n_heap;
    struct vh_event last = sim->heap[n];
    sim->heap[n] = sentinel;
    if (n > 0) {
        sift_down(sim->heap, n, &last);
    }
}

uint64_t
vh_sim_run(struct vh_sim *sim, vh_time_t until)
{
    uint64_t start = sim->events_run;

    assert(!root_vacant(sim));  /* Not called from inside a handler. */
    /* A stop applies to the run it was called in; the flag stays set
     * afterwards so the caller can tell a stop from a drained queue. */
    sim->stop = false;
    /* Entries left only by cancelled timers do nothing: once they are all
     * that remains, the simulation is over and the clock stays at the last
     * event that did something. */
    while (sim->n_heap > sim->n_stale) {
        struct vh_event *root = &sim->heap[0];
        if (root->time > until) {
            if (until > sim->now) {
                sim->now = until;
            }
            break;
        }
        vh_event_fn fn = root->fn;
        void *obj = root->obj;
        void *arg = root->arg;
        sim->now = root->time;
        root->seq = 0;
        sim->n_heap--;
        sim->events_run++;
        fn(sim, obj, arg);
        if (root_vacant(sim)) {
            refill_root(sim);
        }
        if (sim->stop) {
            break;
        }
    }
    return sim->events_run - start;
}

void
vh_sim_stop(struct vh_sim *sim)
{
    sim->stop = true;
}

vh_time_t
vh_sim_next_time(const struct vh_sim *sim)
{
    const struct vh_event *h = sim->heap;
    if (root_vacant(sim)) {
        /* The least child of the vacant root; sentinels past the end have
         * time VH_TIME_NEVER, which is the answer for an empty queue. */
        vh_time_t a = h[1].time < h[2].time ? h[1].time : h[2].time;
        vh_time_t b = h[3].time < h[4].time ? h[3].time : h[4].time;
        return a < b ? a : b;
    }
    return sim->n_heap ? h[0].time : VH_TIME_NEVER;
}

/* The event behind every timer.  'arg' is the sequence number the timer
 * had when armed; if the timer has since been re-armed or cancelled the
 * numbers differ and this entry is dead.  A dead entry is not an executed
 * event, so it is taken back out of the count. */
static void
timer_fire(struct vh_sim *sim, void *obj, void *arg)
{
    struct vh_timer *t = obj;
    if (t->live_seq != (uint64_t) (uintptr_t) arg) {
        sim->events_run--;
        sim->n_stale--;
        return;
    }
    /* Idle before the call, so the handler may arm it again. */
    t->live_seq = 0;
    t->fn(sim, t->obj, t);
}

void
vh_timer_init(struct vh_timer *t, vh_event_fn fn, void *obj)
{
    t->fn = fn;
    t->obj = obj;
    t->sim = NULL;
    t->live_seq = 0;
    t->when = 0;
}

void
vh_timer_arm_at(struct vh_sim *sim, struct vh_timer *t, vh_time_t when)
{
    /* The sequence number travels in a pointer; on a 32-bit host it would
     * wrap after 4 billion schedules and could then match a dead entry. */
    _Static_assert(sizeof(void *) >= sizeof(uint64_t),
                   "timer sequence numbers need 64-bit pointers");
    uint64_t seq = sim->next_seq;
    if (t->live_seq) {
        sim->n_stale++;         /* The earlier arming's entry is now dead. */
    }
    vh_schedule_at(sim, when, timer_fire, t, (void *) (uintptr_t) seq);
    t->live_seq = seq;
    t->sim = sim;
    t->when = when < sim->now ? sim->now : when;
}

void
vh_timer_cancel(struct vh_timer *t)
{
    if (t->live_seq) {
        t->sim->n_stale++;
    }
    t->live_seq = 0;
}
