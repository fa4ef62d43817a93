/* sim/event.c: the event queue, the clock and lazily cancelled timers.
 *
 * The queue is a 4-ary min-heap of 16-byte keys, (time, tag), where the tag
 * is the sequence number with the index of the event's slot in its low
 * bits.  The handler and its two arguments wait in that slot, outside the
 * heap, and never move while the event is pending.  Why this shape:
 *
 *   - Sift-down, the whole cost of a pop, moves and compares keys only.
 *     At 16 bytes, a node's four children fill exactly one 64-byte cache
 *     line (the array is placed so that they start on a line), so each
 *     level of a descent costs one line instead of the three that four
 *     40-byte events straddle, and a million pending keys take 16 MB
 *     instead of 40.
 *   - A 4-ary heap is half as deep as a binary one, so a descent touches
 *     half as many lines; with the children in one line, comparing four
 *     costs no more memory traffic than comparing two.
 *   - The least of four children is picked without branches: in a busy
 *     simulation each comparison is a coin toss, and a mispredicted
 *     branch costs more than the comparison itself.
 *
 * Slots are reused last-freed first, so the slot of the event that just
 * ran, still in cache, is the one its successor takes.
 *
 * Every key past the last entry, including PAD keys beyond the capacity,
 * is a sentinel that orders after any real event, so sift-down reads all
 * four children of a node without asking how many exist.
 *
 * The run loop leaves the running event's key at the root vacant until
 * the handler returns; see root_vacant() below. */
#include "sim/event.h"
#include "sim/xmalloc.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define ARITY 4
#define PAD (ARITY - 1)             /* Sentinel keys past the capacity. */
#define INITIAL_BITS 8
#define INITIAL_CAP ((size_t) 1 << INITIAL_BITS)
#define LINE 64

/* From this size on the key array asks for 2 MB pages: a descent through
 * a deep heap lands on a different 4 KB page at every level, and a miss
 * in the TLB costs as much as the cache miss itself. */
#define HUGE_PAGE ((size_t) 2 << 20)
#define HUGE_FROM HUGE_PAGE

/* Keys before heap[0] in the allocation, so that heap[1], and with it
 * every group of four siblings heap[4i + 1 .. 4i + 4], starts a line. */
#define HEAD_PAD (LINE / sizeof(struct vh_event_key) - 1)

_Static_assert(sizeof(struct vh_event_key) * ARITY == LINE,
               "four sibling keys fill one cache line");

/* Greater than every real event: a real one at VH_TIME_NEVER still has a
 * tag below UINT64_MAX (see seq_exhausted()). */
static const struct vh_event_key sentinel = {
    .time = UINT64_MAX, .tag = UINT64_MAX,
};

static inline uint64_t
slot_mask(const struct vh_sim *sim)
{
    return ((uint64_t) 1 << sim->slot_bits) - 1;
}

/* True if 'seq' does not fit above 'bits' slot bits with room to spare
 * for the sentinel's tag. */
static inline bool
seq_exhausted(uint64_t seq, unsigned bits)
{
    return (seq + 1) >> (64 - bits) != 0;
}

static void
die_seq_exhausted(void)
{
    fprintf(stderr, "vhsim: event sequence numbers exhausted\n");
    abort();
}

/* True if (ta, sa) orders before (tb, sb).  As one 128-bit comparison
 * this is a compare and a subtract-with-borrow, with no branch. */
static inline bool
key_less(uint64_t ta, uint64_t sa, uint64_t tb, uint64_t sb)
{
    return (((unsigned __int128) ta << 64) | sa)
           < (((unsigned __int128) tb << 64) | sb);
}

/* Doubles the capacity: a new, line-aligned key array; the slot array
 * twice as long with the new slots on the free list; and one more slot
 * bit in every tag, which keeps the order since the sequence numbers
 * above the slot bits are unique.  Only called with the root occupied
 * (entries at 0..n_heap - 1) and every slot in use. */
static void
heap_grow(struct vh_sim *sim)
{
    size_t old_cap = sim->heap_cap;
    size_t cap = old_cap ? old_cap * 2 : INITIAL_CAP;
    unsigned old_bits = sim->slot_bits;
    unsigned bits = old_cap ? old_bits + 1 : INITIAL_BITS;
    size_t bytes = (HEAD_PAD + cap + PAD) * sizeof(struct vh_event_key);
    void *block;

    if (seq_exhausted(sim->next_seq, bits)) {
        die_seq_exhausted();
    }
    size_t align = bytes >= HUGE_FROM ? HUGE_PAGE : LINE;
    if (posix_memalign(&block, align, bytes)) {
        fprintf(stderr, "vhsim: out of memory (allocating %zu bytes)\n",
                bytes);
        abort();
    }
#ifdef MADV_HUGEPAGE
    if (bytes >= HUGE_FROM) {
        /* Advice only: without it the kernel may still back the block
         * with small pages, which costs speed, never correctness. */
        madvise(block, bytes, MADV_HUGEPAGE);
    }
#endif
    struct vh_event_key *h = (struct vh_event_key *) block + HEAD_PAD;
    uint64_t old_mask = ((uint64_t) 1 << old_bits) - 1;
    for (size_t i = 0; i < sim->n_heap; i++) {
        uint64_t tag = sim->heap[i].tag;
        h[i].time = sim->heap[i].time;
        h[i].tag = (tag >> old_bits << bits) | (tag & old_mask);
    }
    for (size_t i = sim->n_heap; i < cap + PAD; i++) {
        h[i] = sentinel;
    }
    free(sim->heap_block);
    sim->heap_block = block;
    sim->heap = h;

    sim->slots = vh_xrealloc(sim->slots, cap * sizeof *sim->slots);
    for (size_t i = cap; i-- > old_cap;) {
        sim->slots[i].next_free = sim->free_slot;
        sim->free_slot = i;
    }
    sim->heap_cap = cap;
    sim->slot_bits = bits;
}

void
vh_sim_init(struct vh_sim *sim)
{
    memset(sim, 0, sizeof *sim);
    /* Sequence 0 means "idle" to a timer, and a tag of 0 a vacant root,
     * so real events start at 1. */
    sim->next_seq = 1;
    sim->free_slot = SIZE_MAX;
    heap_grow(sim);
}

void
vh_sim_destroy(struct vh_sim *sim)
{
    free(sim->heap_block);
    free(sim->slots);
    memset(sim, 0, sizeof *sim);
}

/* Places 'key' at 'i' (a hole) or above it.  'key' carries the newest
 * sequence number of all, so it only moves above a parent that is strictly
 * later in time; ties keep the parent on top, which is what keeps
 * same-time events in FIFO order. */
static inline void
sift_up(struct vh_event_key *heap, size_t i, struct vh_event_key key)
{
    vh_time_t t = key.time;
    while (i > 0) {
        size_t parent = (i - 1) / ARITY;
        if (heap[parent].time <= t) {
            break;
        }
        heap[i] = heap[parent];
        i = parent;
    }
    heap[i] = key;
}

/* Keys above this index stay in the L1 cache while the simulation runs
 * (the top five levels, 341 keys, are under 6 KB), so fetching them ahead
 * is wasted work. */
#define PREFETCH_FROM 341

/* Asks for the sixteen grandchildren of the four children at 'c' (four
 * whole lines) while the children are still being compared, so the next
 * level's loads find them in L1 instead of waiting on L2 or memory. */
static inline void
prefetch_grandchildren(uintptr_t base, uintptr_t end, uintptr_t c)
{
    const uintptr_t sz = sizeof(struct vh_event_key);
    uintptr_t g = ARITY * (c - base) + base + sz;
    if (g >= base + PREFETCH_FROM * sz && g < end) {
        const char *p = (const char *) g;
        __builtin_prefetch(p);
        __builtin_prefetch(p + LINE);
        __builtin_prefetch(p + 2 * LINE);
        __builtin_prefetch(p + 3 * LINE);
    }
}

/* Fills the hole at the root with 'key', moving the least child up into
 * the hole until 'key' fits.
 *
 * Positions are byte addresses rather than indices: the children of the
 * key at address h start at 4 * (h - base) + base + sizeof key, a single
 * address computation, which shortens the chain of dependent instructions
 * from one level to the next.  The tournament between the four children
 * selects with masks, because the compiler turns '?:' on addresses into
 * branches here. */
static inline __attribute__((always_inline)) void
sift_down(struct vh_event_key *heap, size_t n, struct vh_event_key key)
{
    const uint64_t t = key.time, s = key.tag;
    const uintptr_t sz = sizeof(struct vh_event_key);
    const uintptr_t base = (uintptr_t) heap;
    const uintptr_t end = (uintptr_t) (heap + n);
    uintptr_t hole = base;
    for (;;) {
        uintptr_t c = ARITY * (hole - base) + base + sz;
        if (c >= end) {
            break;
        }
        prefetch_grandchildren(base, end, c);

        const struct vh_event_key *ch = (const struct vh_event_key *) c;
        uint64_t t0 = ch[0].time, s0 = ch[0].tag;
        uint64_t t1 = ch[1].time, s1 = ch[1].tag;
        uint64_t t2 = ch[2].time, s2 = ch[2].tag;
        uint64_t t3 = ch[3].time, s3 = ch[3].tag;

        uintptr_t x = -(uintptr_t) key_less(t1, s1, t0, s0);
        uintptr_t y = -(uintptr_t) key_less(t3, s3, t2, s2);
        uint64_t ta = x ? t1 : t0, sa = x ? s1 : s0;
        uint64_t tb = y ? t3 : t2, sb = y ? s3 : s2;
        uintptr_t pa = c + (sz & x);
        uintptr_t pb = c + 2 * sz + (sz & y);
        uintptr_t z = -(uintptr_t) key_less(tb, sb, ta, sa);
        uintptr_t pm = pa ^ ((pa ^ pb) & z);
        const struct vh_event_key *m = (const struct vh_event_key *) pm;

        if (!key_less(m->time, m->tag, t, s)) {
            break;
        }
        *(struct vh_event_key *) hole = *m;
        hole = pm;
    }
    *(struct vh_event_key *) hole = key;
}

/* While an event runs, its key at the root is left vacant (marked by tag
 * 0, which no real event has) instead of being refilled from the end of
 * the heap.  Most handlers schedule a successor; the first one goes
 * straight into the vacant root and sinks to its place, which saves a
 * whole sift-up and the mispredicted branches that come with it.  If the
 * handler schedules nothing, the run loop refills the root from the end
 * as usual.  With the root vacant, the real entries are at 1..n_heap. */
static inline bool
root_vacant(const struct vh_sim *sim)
{
    return sim->heap[0].tag == 0;
}

void
vh_schedule_at(struct vh_sim *sim, vh_time_t t, vh_event_fn fn,
               void *obj, void *arg)
{
    assert(t >= sim->now);
    t = t < sim->now ? sim->now : t;
    uint64_t seq = sim->next_seq++;
    if (seq_exhausted(seq, sim->slot_bits)) {
        die_seq_exhausted();
    }
    if (root_vacant(sim)) {
        /* No growth check: the vacant root's slot is free. */
        size_t slot = sim->free_slot;
        struct vh_event_slot *es = &sim->slots[slot];
        sim->free_slot = es->next_free;
        es->fn = fn;
        es->obj = obj;
        es->arg = arg;
        struct vh_event_key key = { t, seq << sim->slot_bits | slot };
        sift_down(sim->heap, ++sim->n_heap, key);
        return;
    }
    if (sim->n_heap == sim->heap_cap) {
        heap_grow(sim);
    }
    size_t slot = sim->free_slot;
    struct vh_event_slot *es = &sim->slots[slot];
    sim->free_slot = es->next_free;
    es->fn = fn;
    es->obj = obj;
    es->arg = arg;
    struct vh_event_key key = { t, seq << sim->slot_bits | slot };
    sift_up(sim->heap, sim->n_heap++, key);
}

/* Fills a vacant root from the last entry.  The last entry's key becomes
 * a sentinel again. */
static inline void
refill_root(struct vh_sim *sim)
{
    size_t n = sim->n_heap;
    struct vh_event_key last = sim->heap[n];
    sim->heap[n] = sentinel;
    if (n > 0) {
        sift_down(sim->heap, n, last);
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
        struct vh_event_key *root = &sim->heap[0];
        if (root->time > until) {
            if (until > sim->now) {
                sim->now = until;
            }
            break;
        }
        size_t slot = root->tag & slot_mask(sim);
        struct vh_event_slot *es = &sim->slots[slot];
        vh_event_fn fn = es->fn;
        void *obj = es->obj;
        void *arg = es->arg;
        es->next_free = sim->free_slot;
        sim->free_slot = slot;
        sim->now = root->time;
        root->tag = 0;
        sim->n_heap--;
        sim->events_run++;
        fn(sim, obj, arg);
        if (root_vacant(sim)) {
            refill_root(sim);
        }
        /* The next event's slot is anywhere in the slot array; ask for
         * it now rather than stall on it at the top of the loop. */
        __builtin_prefetch(&sim->slots[sim->heap[0].tag & slot_mask(sim)]);
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
    const struct vh_event_key *h = sim->heap;
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
