/* sim/event.c: the event queue, the clock and lazily cancelled timers.
 *
 * The queue has two parts: a heap of the events up to 'near_max', from
 * which events run, and the far set of all later ones, kept in time
 * buckets (see "The far set" below).  Every event in the heap is earlier
 * than every event in the far set.  With few events in it, the heap is
 * kept as a sorted run instead (see "The sorted run" below).
 *
 * The heap is a 4-ary min-heap of 16-byte keys, (time, tag), where the tag
 * is the sequence number with the index of the event's slot in its low
 * bits.  The handler and its two arguments wait in that slot, outside the
 * heap, and never move while the event is pending.  Why this shape:
 *
 *   - Sift-down, the whole cost of a pop, moves and compares keys only.
 *     At 16 bytes, a node's four children fill exactly one 64-byte cache
 *     line (the array is placed so that they start on a line), so each
 *     level of a descent costs one line instead of the three that four
 *     40-byte events straddle.
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
#include "sim/hugepage.h"
#include "sim/xmalloc.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARITY 4
#define PAD (ARITY - 1)             /* Sentinel keys past the capacity. */
#define INITIAL_BITS 8
#define INITIAL_CAP ((size_t) 1 << INITIAL_BITS)
#define LINE 64
#define NONE SIZE_MAX               /* End of a slot list. */
#define NO_CHUNK UINT32_MAX         /* End of a chunk list. */

/* The far set (see "The far set" below).  A heap larger than SPILL_MIN
 * is spread into buckets of about PER_BUCKET events each, 2^MIN_BUCKET_BITS
 * to 2^MAX_BUCKET_BITS of them; the bucket width comes from a sample of
 * SAMPLE event times.  PER_BUCKET: 4 left too many bucket tails for the
 * caches at depth, 64 too deep a heap; 16 to 32 measured best.
 *
 * SPILL_MIN: a simulation's pending events are mostly its sources'
 * timers, due a period ahead, and its packets' next steps, due within
 * microseconds.  With a hundred or more pending, a heap of them all sinks
 * every key through four levels or more, where buckets take a timer with
 * an append and leave the heap a bucket's thirty-odd events, a sorted
 * run.  At 4,096, the bound this had before, 64 guests ran at 0.61 of
 * the CPU per packet with 128 and 256 guests at 0.59; in the hold model,
 * whose events are all due within a microsecond, 1,000 pending run
 * better from a heap (1.65 against 1.98 times a binary heap's rate),
 * and at 96 or less 100 pending ran at 0.72 of a binary heap's rate.
 * RESPREAD_MIN: a bucket about to move with more events than this lays
 * the buckets out again (see near_refill()). */
#define SPILL_MIN 128
#define RESPREAD_MIN 4096
#define PER_BUCKET 32
#define MIN_BUCKET_BITS 4
#define MAX_BUCKET_BITS 18
#define SAMPLE 64

/* From this size on the queue's arrays ask for 2 MB pages: at depth,
 * nearly every access lands on a different 4 KB page, and a miss in the
 * TLB costs as much as the cache miss itself. */
#define HUGE_PAGE VH_HUGE_PAGE
#define HUGE_FROM HUGE_PAGE

static void
advise_huge(void *p, size_t bytes)
{
    if (bytes >= HUGE_FROM) {
        vh_advise_huge(p, bytes);
    }
}

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
    return sim->slot_mask;
}

/* True if 'seq' does not fit above 'bits' slot bits with room to spare
 * for the sentinel's tag. */
static inline bool
seq_exhausted(uint64_t seq, unsigned bits)
{
    return (seq + 1) >> (64 - bits) != 0;
}

static void __attribute__((noreturn, cold))
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

/* 'tag' with its slot field widened from 'old_bits' to 'bits'. */
static inline uint64_t
reencode(uint64_t tag, unsigned old_bits, unsigned bits)
{
    uint64_t slot = tag & (((uint64_t) 1 << old_bits) - 1);
    return (tag >> old_bits << bits) | slot;
}

static void far_reencode(struct vh_sim *, unsigned old_bits, unsigned bits);
static inline bool root_vacant(const struct vh_sim *);

/* Doubles the capacity: a new, line-aligned key array; the slot array
 * twice as long with the new slots on the free list; and one more
 * slot bit in every tag, which keeps the order since the sequence numbers
 * above the slot bits are unique.  Called when every slot is in use, with
 * the root vacant or not. */
static void
heap_grow(struct vh_sim *sim)
{
    size_t old_cap = sim->heap_cap;
    size_t cap = old_cap ? old_cap * 2 : INITIAL_CAP;
    unsigned old_bits = sim->slot_bits;
    unsigned bits = old_cap ? old_bits + 1 : INITIAL_BITS;
    size_t bytes = (HEAD_PAD + cap + PAD) * sizeof(struct vh_event_key);
    size_t align = bytes >= HUGE_FROM ? HUGE_PAGE : LINE;
    void *block;

    if (seq_exhausted(sim->next_seq, bits)) {
        die_seq_exhausted();
    }
    if (posix_memalign(&block, align, bytes)) {
        fprintf(stderr, "vhsim: out of memory (allocating %zu bytes)\n",
                bytes);
        abort();
    }
    advise_huge(block, bytes);
    struct vh_event_key *h = (struct vh_event_key *) block + HEAD_PAD;
    /* With the root vacant (tag 0, which re-encodes to 0) the entries
     * are at 0..n_heap, otherwise at 0..n_heap - 1; a sorted run moves
     * to the start of the new array. */
    size_t used = sim->heap ? sim->n_heap + root_vacant(sim) : 0;
    for (size_t i = 0; i < used; i++) {
        h[i].time = sim->heap[i].time;
        h[i].tag = reencode(sim->heap[i].tag, old_bits, bits);
    }
    for (size_t i = used; i < cap + PAD; i++) {
        h[i] = sentinel;
    }
    free(sim->heap_block);
    sim->heap_block = block;
    sim->heap = sim->heap_base = h;
    far_reencode(sim, old_bits, bits);

    sim->slots = vh_xrealloc(sim->slots, cap * sizeof *sim->slots);
    advise_huge(sim->slots, cap * sizeof *sim->slots);
    for (size_t i = cap; i-- > old_cap;) {
        sim->slots[i].next_free = sim->free_slot;
        sim->free_slot = i;
    }
    sim->heap_cap = cap;
    sim->slot_bits = bits;
    sim->slot_mask = ((uint64_t) 1 << bits) - 1;
}

void
vh_sim_init(struct vh_sim *sim)
{
    memset(sim, 0, sizeof *sim);
    /* Sequence 0 means "idle" to a timer, and a tag of 0 a vacant root,
     * so real events start at 1. */
    sim->next_seq = 1;
    sim->free_slot = SIZE_MAX;
    sim->near_max = VH_TIME_NEVER;
    sim->spill_at = SPILL_MIN;
    sim->far.free_chunk = NO_CHUNK;
    sim->last_slot = NONE;
    sim->riding = NONE;
    heap_grow(sim);
    sim->sorted = true;
}

void
vh_sim_destroy(struct vh_sim *sim)
{
    free(sim->heap_block);
    free(sim->slots);
    free(sim->far.buckets);
    free(sim->far.chunks);
    free(sim->far.overflow);
    free(sim->wq);
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

/* Fills the hole at 'i' with 'key', moving the least child up into
 * the hole until 'key' fits.
 *
 * Positions are byte addresses rather than indices: the children of the
 * key at address h start at 4 * (h - base) + base + sizeof key, a single
 * address computation, which shortens the chain of dependent instructions
 * from one level to the next.  The tournament between the four children
 * selects with masks, because the compiler turns '?:' on addresses into
 * branches here. */
static inline __attribute__((always_inline)) void
sift_down_from(struct vh_event_key *heap, size_t n, size_t i,
               struct vh_event_key key)
{
    const uint64_t t = key.time, s = key.tag;
    const uintptr_t sz = sizeof(struct vh_event_key);
    const uintptr_t base = (uintptr_t) heap;
    const uintptr_t end = (uintptr_t) (heap + n);
    uintptr_t hole = base + i * sz;
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

static inline __attribute__((always_inline)) void
sift_down(struct vh_event_key *heap, size_t n, struct vh_event_key key)
{
    sift_down_from(heap, n, 0, key);
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
    return !sim->sorted && sim->heap[0].tag == 0;
}

/* Floyd's heapify of the 'n' keys at 'h', which came in any order. */
static void
heapify(struct vh_event_key *h, size_t n)
{
    for (size_t i = n / ARITY + 1; i-- > 0;) {
        if (i < n) {
            sift_down_from(h, n, i, h[i]);
        }
    }
}

/* --- The sorted run. ---
 *
 * With a few events pending, as in a simulation of a handful of
 * devices, a heap spends its whole descent on every event: each pop
 * sinks a key through all its levels.  Up to SORTED_MAX events are kept
 * instead as a run sorted by (time, sequence), whose first key is the
 * next event.  A pop moves the run's start up by one, with no key
 * moved; a schedule shifts the keys on the shorter side of its place by
 * one, those before it down or those after it up, which with about
 * twenty pending is a few keys (measured: see docs/architecture.md,
 * "The event queue").  A model's next step is mostly due soon, before
 * nearly all that is pending, so it lands near the front and moves few
 * keys even in a run of a hundred; and a bucket the far set hands over
 * holds some thirty events, so with the run's limit at 96 a world of
 * thousands of sources runs mostly from a run rather than a heap.
 *
 * A sorted array is also a valid heap, so a run that grows past
 * SORTED_MAX becomes the heap by being moved to the array's start; a
 * heap that shrinks to SORTED_MIN is sorted back into a run.  The gap
 * between the two keeps a queue that hovers around one size from
 * converting at every event.  The run moves about within the array's
 * first SORTED_SLIDE keys, and is moved back to their middle when it
 * reaches either end; the sentinels the heap needs are written back
 * beyond it only when it becomes a heap again. */
#define SORTED_MAX 96
#define SORTED_MIN 48
#define SORTED_SLIDE INITIAL_CAP

_Static_assert(SORTED_SLIDE <= INITIAL_CAP && SORTED_MAX < SORTED_SLIDE,
               "the run slides inside the smallest array");

/* Turns the run into the heap: a sorted array already is one. */
static void
sorted_to_heap(struct vh_sim *sim)
{
    struct vh_event_key *base = sim->heap_base;
    size_t n = sim->n_heap;
    memmove(base, sim->heap, n * sizeof *base);
    for (size_t i = n; i < SORTED_SLIDE; i++) {
        base[i] = sentinel;
    }
    sim->heap = base;
    sim->sorted = false;
}

/* Turns a heap of at most SORTED_MIN keys, root occupied, into a run:
 * an insertion sort on the full key. */
static void
heap_to_sorted(struct vh_sim *sim)
{
    struct vh_event_key *h = sim->heap;
    for (size_t i = 1; i < sim->n_heap; i++) {
        struct vh_event_key k = h[i];
        size_t j = i;
        while (j > 0 && key_less(k.time, k.tag, h[j - 1].time, h[j - 1].tag)) {
            h[j] = h[j - 1];
            j--;
        }
        h[j] = k;
    }
    sim->sorted = true;
}

/* Puts the newest key into the run, after every key not later in time
 * (all of them have earlier sequence numbers).  The run has room.  The
 * keys on the shorter side of the new one move: those before it down
 * by one, or those after it up, so the run has space kept free on both
 * sides; when the side it grows into is used up, it is moved back to
 * the middle of the space. */
static void sorted_recentre_insert(struct vh_sim *, struct vh_event_key);

static inline void
sorted_insert(struct vh_sim *sim, struct vh_event_key key)
{
    struct vh_event_key *h = sim->heap;
    struct vh_event_key *lo = sim->heap_base;
    size_t n = sim->n_heap;
    if (n == 0) {
        /* Pops have moved the empty run up: it starts again mid-way. */
        h = sim->heap = lo + SORTED_SLIDE / 2;
        *h = key;
        sim->n_heap = 1;
        return;
    }
    bool front = key.time < h[n / 2].time;
    if (front ? h == lo : h + n == lo + SORTED_SLIDE) {
        sorted_recentre_insert(sim, key);
        return;
    }
    sim->n_heap = n + 1;
    size_t i;
    if (front) {
        /* Stops at the old h[n / 2] at the latest, which is later. */
        h = --sim->heap;
        for (i = 0; h[i + 1].time <= key.time; i++) {
            h[i] = h[i + 1];
        }
    } else {
        /* Stops at h[n / 2] at the latest, which is not later. */
        for (i = n; h[i - 1].time > key.time; i--) {
            h[i] = h[i - 1];
        }
    }
    h[i] = key;
}

/* The run has reached the end of its space on the side 'key' goes to:
 * moves it back to the middle, then inserts.  Out of line, and called
 * last, so that sorted_insert()'s common case keeps nothing across a
 * call. */
static void __attribute__((noinline))
sorted_recentre_insert(struct vh_sim *sim, struct vh_event_key key)
{
    size_t n = sim->n_heap;
    struct vh_event_key *mid = sim->heap_base + (SORTED_SLIDE - n) / 2;
    memmove(mid, sim->heap, n * sizeof *mid);
    sim->heap = mid;
    sorted_insert(sim, key);
}

/* --- The far set. ---
 *
 * A heap pays for its depth at every pop: at 100,000 pending a descent is
 * nine levels, most of them cache misses.  So only the near future is
 * kept in the heap, the events up to 'near_max', and the rest waits in
 * buckets of equal width laid over time, each a list of chunks of keys
 * in no order; events beyond the last bucket wait in one overflow array.
 * A schedule into the far set is an append.  When the heap runs empty,
 * the next non-empty bucket is moved into it whole, as a sorted run or
 * a heap (see small_bucket_to_near()), and 'near_max' becomes the
 * bucket's end; when the buckets are used up, the overflow is spread
 * over new buckets.  This is a calendar queue with one
 * tier and an overflow, much like the first rung of a ladder queue (Tang,
 * Goh and Thng, 2005).
 *
 * The order is exact: every event in the heap is earlier than every
 * event in the far set, buckets partition time, and within the heap the
 * full key (time, sequence) decides, so events run in the same order, and
 * every output is the same byte for byte, as with one heap.
 *
 * The heap stays small (a bucket and what arrives before its end), so it
 * stays in the nearest caches; the far set costs one append per schedule
 * and one sequential read per event when its bucket moves.  Chunks rather than
 * a list through the slots: walking a list is one dependent cache miss
 * per event, reading a chunk is two lines for seven.  Bucket width
 * follows the events: a power of two picked so that the quarter of a
 * sample of times nearest the start spans a quarter of the buckets,
 * which holds up against a few timers far away (or at VH_TIME_NEVER).
 *
 * Two things re-spread events.  A heap that grows past 'spill_at',
 * because many events were scheduled before the current bucket's end, is
 * moved back to the far set with it; 'spill_at' is twice what the heap
 * was last filled with, so events all at the same time cannot make it
 * spill over and over.  And a bucket about to move that holds more than
 * RESPREAD_MIN events means the buckets were laid out for fewer events than
 * there are now (as when a scenario schedules a million events before it
 * runs): the buckets are laid out again, at most once per layout. */

/* Gives every key of the far set one more slot bit; see heap_grow(). */
static void
far_reencode(struct vh_sim *sim, unsigned old_bits, unsigned bits)
{
    struct vh_far *f = &sim->far;
    for (size_t b = f->cur; b < f->n_buckets; b++) {
        for (uint32_t c = f->buckets[b]; c != NO_CHUNK;
             c = f->chunks[c].next) {
            struct vh_far_chunk *ch = &f->chunks[c];
            for (uint32_t i = 0; i < ch->n; i++) {
                ch->keys[i].tag = reencode(ch->keys[i].tag, old_bits, bits);
            }
        }
    }
    for (size_t i = 0; i < f->n_overflow; i++) {
        f->overflow[i].tag = reencode(f->overflow[i].tag, old_bits, bits);
    }
}

static uint32_t
chunk_alloc(struct vh_far *f)
{
    if (f->free_chunk == NO_CHUNK) {
        size_t old = f->chunks_cap;
        size_t cap = old ? old * 2 : 64;
        if (cap >= NO_CHUNK) {
            fprintf(stderr, "vhsim: too many pending events\n");
            abort();
        }
        f->chunks = vh_xrealloc(f->chunks, cap * sizeof *f->chunks);
        advise_huge(f->chunks, cap * sizeof *f->chunks);
        for (size_t i = cap; i-- > old;) {
            f->chunks[i].next = f->free_chunk;
            f->free_chunk = (uint32_t) i;
        }
        f->chunks_cap = cap;
    }
    uint32_t c = f->free_chunk;
    f->free_chunk = f->chunks[c].next;
    return c;
}

static inline void
chunk_free(struct vh_far *f, uint32_t c)
{
    f->chunks[c].next = f->free_chunk;
    f->free_chunk = c;
}

static inline void
bucket_add(struct vh_far *f, size_t b, struct vh_event_key key)
{
    uint32_t c = f->buckets[b];
    if (c == NO_CHUNK || f->chunks[c].n == VH_FAR_CHUNK_KEYS) {
        uint32_t nc = chunk_alloc(f);
        f->chunks[nc].next = c;
        f->chunks[nc].n = 0;
        f->buckets[b] = nc;
        c = nc;
    }
    struct vh_far_chunk *ch = &f->chunks[c];
    ch->keys[ch->n++] = key;
}

static inline void
overflow_add(struct vh_far *f, struct vh_event_key key)
{
    if (f->n_overflow == f->overflow_cap) {
        f->overflow_cap = f->overflow_cap ? f->overflow_cap * 2 : 256;
        f->overflow = vh_xrealloc(f->overflow,
                                  f->overflow_cap * sizeof *f->overflow);
        advise_huge(f->overflow, f->overflow_cap * sizeof *f->overflow);
    }
    f->overflow[f->n_overflow++] = key;
}

/* Puts 'key' into its bucket or the overflow.  Its time is later than
 * near_max, so it is at or after the current bucket. */
static inline void
far_insert(struct vh_far *f, struct vh_event_key key)
{
    if (key.time <= f->last) {
        bucket_add(f, (size_t) ((key.time - f->base) >> f->width_bits), key);
    } else {
        overflow_add(f, key);
    }
    f->n++;
}

static unsigned
log2_ceil(uint64_t x)
{
    return x <= 1 ? 0 : 64 - (unsigned) __builtin_clzll(x - 1);
}

static int
cmp_time(const void *a_, const void *b_)
{
    vh_time_t a = *(const vh_time_t *) a_, b = *(const vh_time_t *) b_;
    return a < b ? -1 : a > b;
}

/* Spreads the overflow over a new set of buckets starting at its
 * earliest event.  The old buckets are all used up. */
static void
far_rebuild(struct vh_far *f)
{
    size_t n = f->n_overflow;
    vh_time_t sample[SAMPLE];
    f->respread = false;
    size_t n_sample = 0, step = n / SAMPLE + 1;
    vh_time_t min = VH_TIME_NEVER;

    for (size_t i = 0; i < n; i++) {
        vh_time_t t = f->overflow[i].time;
        min = t < min ? t : min;
    }
    for (size_t i = 0; i < n && n_sample < SAMPLE; i += step) {
        sample[n_sample++] = f->overflow[i].time;
    }
    qsort(sample, n_sample, sizeof *sample, cmp_time);

    unsigned bbits = log2_ceil(n / PER_BUCKET);
    bbits = bbits < MIN_BUCKET_BITS ? MIN_BUCKET_BITS
            : bbits > MAX_BUCKET_BITS ? MAX_BUCKET_BITS : bbits;
    size_t nb = (size_t) 1 << bbits;
    vh_time_t q = sample[n_sample / 4];
    vh_time_t span = q > min ? q - min : 1;
    /* The first quarter of the times over the first quarter of the
     * buckets: width = span / (nb / 4). */
    unsigned wbits = log2_ceil(span) + 2;
    wbits = wbits > bbits ? wbits - bbits : 0;
    if (wbits > 63 - bbits) {
        wbits = 63 - bbits;
    }

    if (nb > f->buckets_cap) {
        free(f->buckets);
        f->buckets = vh_xmalloc(nb * sizeof *f->buckets);
        f->buckets_cap = nb;
    }
    for (size_t i = 0; i < nb; i++) {
        f->buckets[i] = NO_CHUNK;
    }
    uint64_t reach = (uint64_t) nb << wbits;
    f->n_buckets = nb;
    f->cur = 0;
    f->base = min;
    f->last = min > VH_TIME_NEVER - reach ? VH_TIME_NEVER : min + reach - 1;
    f->width_bits = wbits;

    /* Keys that stay in the overflow are compacted to its front. */
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        struct vh_event_key key = f->overflow[i];
        if (key.time <= f->last) {
            bucket_add(f, (size_t) ((key.time - min) >> wbits), key);
        } else {
            f->overflow[kept++] = key;
        }
    }
    f->n_overflow = kept;
}

/* Empties the buckets not yet used into the overflow. */
static void
buckets_to_overflow(struct vh_far *f)
{
    for (; f->cur < f->n_buckets; f->cur++) {
        uint32_t c = f->buckets[f->cur];
        f->buckets[f->cur] = NO_CHUNK;
        while (c != NO_CHUNK) {
            struct vh_far_chunk *ch = &f->chunks[c];
            uint32_t next = ch->next;
            for (uint32_t i = 0; i < ch->n; i++) {
                overflow_add(f, ch->keys[i]);
            }
            chunk_free(f, c);
            c = next;
        }
    }
}

static size_t
bucket_size(const struct vh_far *f, size_t b)
{
    size_t n = 0;
    for (uint32_t c = f->buckets[b]; c != NO_CHUNK; c = f->chunks[c].next) {
        n += f->chunks[c].n;
    }
    return n;
}

/* Warming (vh_sim_warm).  What a handler reads through its object is
 * cold when thousands of sources take turns, and read one pointer after
 * another: each miss waits for the one before.  A warm function asks for
 * those lines a step at a time, one pointer deeper per step, each step
 * for all of the bucket's events before the next: a step's loads then
 * wait side by side for what the step before brought, and the first
 * event's lines have had the rest of the bucket's calls to arrive.
 * (Spread instead over the events that run before, each step a couple
 * of events ahead of the next, the lines came closer to their use, but
 * 1,000 containers ran at 1.07 to 1.10 of the CPU per packet: the
 * bookkeeping as events become due costs more than their handlers'
 * misses.) */

/* Lists the events of the 'n' keys at 'h' whose handlers have warm
 * functions and gives them their steps, step by step, each event until
 * its warm function says it has no more. */
static void
warm_bucket(struct vh_sim *sim, const struct vh_event_key *h, size_t n)
{
    if (n > sim->wq_cap) {
        sim->wq_cap = n > 2 * sim->wq_cap ? n : 2 * sim->wq_cap;
        free(sim->wq);
        sim->wq = vh_xmalloc(sim->wq_cap * sizeof *sim->wq);
    }
    uint64_t mask = slot_mask(sim);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const struct vh_event_slot *es = &sim->slots[h[i].tag & mask];
        for (size_t k = 0; k < sim->n_warm; k++) {
            if (sim->warm[k].fn == es->fn) {
                sim->wq[m++] = (struct vh_warm_item) {
                    sim->warm[k].warm, es->obj, es->arg, false
                };
                break;
            }
        }
    }
    size_t left = m;
    for (int step = 0; left && step < VH_SIM_WARM_STEPS; step++) {
        for (size_t i = 0; i < m; i++) {
            struct vh_warm_item *it = &sim->wq[i];
            if (!it->done && !it->warm(sim, it->obj, it->arg, step)) {
                it->done = true;
                left--;
            }
        }
    }
}

/* A bucket of at most SORTED_MAX keys.  Read oldest chunk first, its
 * keys come in a few ascending stretches: each chunk holds its keys in
 * the order they were scheduled, and a source schedules its next firing
 * a period ahead, in the order its firings come, so the sources of one
 * phase append in time order and a bucket interleaves a few phases
 * (1,000 containers: three or four stretches in a bucket of fifty).
 * Such a bucket becomes a run at once, by a merge of its stretches:
 * log2(k) passes over the keys for k stretches.  Made a heap instead, as
 * any bucket was before, it was sorted back into a run by insertion as
 * soon as it had shrunk to SORTED_MIN, and an insertion sort moves
 * every key of a later stretch past the rest of the earlier ones,
 * hundreds of moves per bucket; 1,000 containers ran at 0.96 of the CPU
 * per packet with the merge.  Keys in no order to speak of (more than
 * one stretch in RUN_STRETCH keys), as a model whose events are all due
 * at random within a bucket's width schedules them, are sorted by
 * insertion if there are at most SORTED_MIN of them, which the run loop
 * would do to their heap at once anyway, and otherwise still make a
 * heap: with every bucket merged into a run (by a merge that still
 * branched on its side), the hold model at 1,000 and 10,000 pending fell
 * from 1.58 and 2.22 times a binary heap's rate to 1.07 and 1.55.  The
 * stretches are counted without a branch for the same reason: counted
 * with one, 1.39 and 1.96, against 1.50 and 2.12 without (both before
 * small buckets in no order were sorted by insertion). */
#define RUN_STRETCH 4
#define RUN_CHUNKS ((SORTED_MAX + VH_FAR_CHUNK_KEYS - 1) / VH_FAR_CHUNK_KEYS)

/* Merges the ascending a[0..na) and b[0..nb) into out. */
static void
merge_keys(const struct vh_event_key *a, size_t na,
           const struct vh_event_key *b, size_t nb, struct vh_event_key *out)
{
    size_t i = 0, j = 0;
    while (i < na && j < nb) {
        /* Which side is taken is a coin toss where stretches interleave:
         * selected, not branched on. */
        bool take_b = key_less(b[j].time, b[j].tag, a[i].time, a[i].tag);
        const struct vh_event_key *from = take_b ? &b[j] : &a[i];
        *out++ = *from;
        j += take_b;
        i += !take_b;
    }
    memcpy(out, a + i, (na - i) * sizeof *out);
    memcpy(out + (na - i), b + j, (nb - j) * sizeof *out);
}

/* Sorts the 'n' keys at 'src', which are 'n_runs' ascending stretches
 * starting at start[0..n_runs) (start[n_runs] == n), by merging
 * neighbouring stretches pass after pass, using 'tmp' (room for 'n') as
 * the other buffer.  Returns where the sorted keys are: 'src' or 'tmp'. */
static struct vh_event_key *
merge_stretches(struct vh_event_key *src, struct vh_event_key *tmp,
                size_t n, size_t *start, size_t n_runs)
{
    while (n_runs > 1) {
        size_t r = 0, w = 0;
        for (; r + 1 < n_runs; r += 2) {
            merge_keys(src + start[r], start[r + 1] - start[r],
                       src + start[r + 1], start[r + 2] - start[r + 1],
                       tmp + start[r]);
            start[w++] = start[r];
        }
        if (r < n_runs) {
            memcpy(tmp + start[r], src + start[r],
                   (n - start[r]) * sizeof *tmp);
            start[w++] = start[r];
        }
        start[w] = n;
        n_runs = w;
        struct vh_event_key *t = src;
        src = tmp;
        tmp = t;
    }
    return src;
}

/* Sorts the 'n' keys at 'src' into 'dst' by insertion. */
static void
insertion_sort_into(struct vh_event_key *dst,
                    const struct vh_event_key *src, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct vh_event_key key = src[i];
        size_t j = i;
        while (j > 0 && key_less(key.time, key.tag,
                                 dst[j - 1].time, dst[j - 1].tag)) {
            dst[j] = dst[j - 1];
            j--;
        }
        dst[j] = key;
    }
}

/* Moves the bucket whose first chunk is 'c' into the empty heap, as a
 * run or, for keys in no order, a heap (see above), and returns how
 * many keys it held; or returns 0, changing nothing, for a bucket of
 * more than SORTED_MAX keys. */
static size_t
small_bucket_to_near(struct vh_sim *sim, uint32_t c)
{
    struct vh_far *f = &sim->far;
    uint32_t list[RUN_CHUNKS];
    size_t k = 0, n = 0;
    for (; c != NO_CHUNK; c = f->chunks[c].next) {
        n += f->chunks[c].n;
        if (k == RUN_CHUNKS || n > SORTED_MAX) {
            return 0;
        }
        list[k++] = c;
    }

    /* The keys oldest first, and where each ascending stretch starts. */
    struct vh_event_key keys[SORTED_MAX], tmp[SORTED_MAX];
    size_t start[SORTED_MAX + 1], n_runs = 0, m = 0;
    while (k-- > 0) {
        const struct vh_far_chunk *ch = &f->chunks[list[k]];
        for (uint32_t i = 0; i < ch->n; i++, m++) {
            /* Counted without a branch: in keys in no order, whether
             * one starts a stretch is a coin toss. */
            struct vh_event_key key = ch->keys[i];
            keys[m] = key;
            start[n_runs] = m;
            n_runs += m == 0 || key_less(key.time, key.tag,
                                         keys[m - 1].time, keys[m - 1].tag);
        }
        chunk_free(f, list[k]);
    }
    start[n_runs] = n;

    /* A run is centred in its space, as sorted_recentre_insert() leaves
     * it, and needs no sentinels; an empty heap's keys are all sentinels
     * already. */
    struct vh_event_key *run = sim->heap_base + (SORTED_SLIDE - n) / 2;
    if (n_runs * RUN_STRETCH <= n) {
        memcpy(run, merge_stretches(keys, tmp, n, start, n_runs),
               n * sizeof *run);
        sim->refills[VH_REFILL_MERGED]++;
    } else if (n <= SORTED_MIN) {
        insertion_sort_into(run, keys, n);
        sim->refills[VH_REFILL_INSERTED]++;
    } else {
        if (sim->sorted) {
            sorted_to_heap(sim);    /* Empty: this only writes sentinels. */
        }
        struct vh_event_key *h = sim->heap;
        memcpy(h, keys, n * sizeof *h);
        heapify(h, n);
        sim->refills[VH_REFILL_HEAPED]++;
        return n;
    }
    sim->heap = run;
    sim->sorted = true;
    return n;
}

/* Moves the next non-empty bucket into the empty heap.  Only called with
 * events in the far set. */
static void
near_refill(struct vh_sim *sim)
{
    struct vh_far *f = &sim->far;
    assert(sim->n_heap == 0 && f->n > 0);
    for (;;) {
        while (f->cur < f->n_buckets && f->buckets[f->cur] == NO_CHUNK) {
            f->cur++;
        }
        if (f->cur == f->n_buckets) {
            far_rebuild(f);
        } else if (!f->respread && f->width_bits > 0
                   && bucket_size(f, f->cur) > RESPREAD_MIN) {
            /* Buckets laid out for fewer events, or for other times, than
             * there are now: lay them out again, once per layout, so that
             * a crowd that no width can split is not spread over and over. */
            buckets_to_overflow(f);
            far_rebuild(f);
            f->respread = true;
        } else {
            break;
        }
    }
    size_t b = f->cur++;
    uint32_t c = f->buckets[b];
    f->buckets[b] = NO_CHUNK;
    /* The bucket's last picosecond, written so as not to overflow when
     * the buckets reach VH_TIME_NEVER. */
    vh_time_t first = f->base + ((uint64_t) b << f->width_bits);
    vh_time_t width = (vh_time_t) 1 << f->width_bits;
    sim->near_max = f->last - first < width ? f->last : first + width - 1;

    size_t n = small_bucket_to_near(sim, c);
    if (n == 0) {
        if (sim->sorted) {
            sorted_to_heap(sim);    /* Empty: this only writes sentinels. */
        }
        while (c != NO_CHUNK) {
            struct vh_far_chunk *ch = &f->chunks[c];
            uint32_t next = ch->next;
            memcpy(&sim->heap[n], ch->keys, ch->n * sizeof *sim->heap);
            n += ch->n;
            chunk_free(f, c);
            c = next;
        }
        heapify(sim->heap, n);
        sim->refills[VH_REFILL_LARGE]++;
    }
    struct vh_event_key *h = sim->heap;
    f->n -= n;
    sim->n_heap = n;
    /* Their handlers lie anywhere in the slot array: ask for them all
     * now, so that they arrive while the first ones run. */
    uint64_t mask = slot_mask(sim);
    for (size_t i = 0; i < n; i++) {
        __builtin_prefetch(&sim->slots[h[i].tag & mask]);
    }
    /* And what they run on: a far event is mostly a source's timer,
     * whose generator no packet has touched since its last firing, or,
     * under a flood, a copy's next step behind a core's backlog, whose
     * packet millions of others have pushed out of the caches since.
     * The slots are on their way, so these loads wait for them side by
     * side rather than one at a time in the run loop.  An argument below
     * the first page is a number cast to a pointer (a queue index), not
     * worth a page walk. */
    for (size_t i = 0; i < n; i++) {
        const struct vh_event_slot *es = &sim->slots[h[i].tag & mask];
        __builtin_prefetch(es->obj);
        if ((uintptr_t) es->arg >= 4096) {
            __builtin_prefetch(es->arg);
        }
    }
    /* And, for the handlers that said how (vh_sim_warm), what they read
     * through their object. */
    if (sim->n_warm) {
        warm_bucket(sim, h, n);
    }
    if (f->n == 0) {
        /* Nothing left far away: the heap takes everything again. */
        sim->near_max = VH_TIME_NEVER;
    }
    sim->spill_at = 2 * n > SPILL_MIN ? 2 * n : SPILL_MIN;
}

/* Moves the whole heap, and the buckets not yet used, into the
 * overflow, so that the next refill spreads them all over new buckets.
 * Only called with the root occupied. */
static void
near_spill(struct vh_sim *sim)
{
    struct vh_far *f = &sim->far;
    for (size_t i = 0; i < sim->n_heap; i++) {
        overflow_add(f, sim->heap[i]);
        sim->heap[i] = sentinel;
    }
    f->n += sim->n_heap;
    sim->n_heap = 0;
    buckets_to_overflow(f);
    near_refill(sim);
}

/* Earliest time in the far set, VH_TIME_NEVER when it is empty.  Slow
 * (it walks a bucket or the overflow), and only needed by
 * vh_sim_next_time(). */
static vh_time_t
far_min(const struct vh_sim *sim)
{
    const struct vh_far *f = &sim->far;
    vh_time_t min = VH_TIME_NEVER;
    for (size_t b = f->cur; b < f->n_buckets; b++) {
        if (f->buckets[b] != NO_CHUNK) {
            for (uint32_t c = f->buckets[b]; c != NO_CHUNK;
                 c = f->chunks[c].next) {
                for (uint32_t i = 0; i < f->chunks[c].n; i++) {
                    vh_time_t t = f->chunks[c].keys[i].time;
                    min = t < min ? t : min;
                }
            }
            return min;
        }
    }
    for (size_t i = 0; i < f->n_overflow; i++) {
        min = f->overflow[i].time < min ? f->overflow[i].time : min;
    }
    return min;
}

/* --- Riders. ---
 *
 * Two events scheduled one right after the other, with nothing run in
 * between, for the same time, have consecutive sequence numbers: no
 * other event can come between them in the (time, sequence) order, since
 * whatever is scheduled later gets a later number, and whatever was
 * already pending at that time has an earlier one.  So the second need
 * not be ordered at all: it rides on the first's queue entry, linked from
 * its slot ('then'), and the run loop calls it as soon as the first
 * returns.  That is one heap insertion and one removal less, and the
 * order, and so every output, is exactly what it would be otherwise.
 * A model step that ends by handing on to two others at once makes
 * such pairs at every packet: a vhost thread that has taken a frame from
 * a guest's ring hands it on (backend_tx_done) and polls the rings again
 * (hthread_run) when the same work ends.
 *
 * 'last_slot' is the latest schedule's slot while no event has run since
 * (the run loop forgets it before each event).  Each rider still takes a
 * sequence number, so a timer's identity (its armed sequence) and every
 * later number are as they would be. */

/* vh_schedule_at() with no free slot: grows the slot array first. */
static void __attribute__((noinline))
schedule_grow(struct vh_sim *sim, vh_time_t t, vh_event_fn fn, void *obj,
              void *arg)
{
    heap_grow(sim);
    vh_schedule_at(sim, t, fn, obj, arg);
}

void
vh_schedule_at(struct vh_sim *sim, vh_time_t t, vh_event_fn fn,
               void *obj, void *arg)
{
    assert(t >= sim->now);
    t = t < sim->now ? sim->now : t;
    if (sim->free_slot == NONE) {
        schedule_grow(sim, t, fn, obj, arg);
        return;
    }
    uint64_t seq = sim->next_seq++;
    if (seq_exhausted(seq, sim->slot_bits)) {
        die_seq_exhausted();
    }
    size_t slot = sim->free_slot;
    struct vh_event_slot *es = &sim->slots[slot];
    sim->free_slot = es->next_free;
    es->fn = fn;
    es->obj = obj;
    es->arg = arg;
    es->then = NONE;
    sim->n_pending++;

    size_t prev = sim->last_slot;
    sim->last_slot = slot;
    if (prev != NONE && t == sim->last_time) {
        sim->slots[prev].then = slot;       /* A rider; see above. */
        sim->riders++;
        return;
    }
    sim->last_time = t;

    struct vh_event_key key = { t, seq << sim->slot_bits | slot };
    if (t > sim->near_max) {
        far_insert(&sim->far, key);
    } else if (sim->sorted && sim->n_heap < SORTED_MAX) {
        sorted_insert(sim, key);
    } else if (sim->sorted) {
        sorted_to_heap(sim);
        sift_up(sim->heap, sim->n_heap++, key);
    } else if (root_vacant(sim)) {
        sift_down(sim->heap, ++sim->n_heap, key);
    } else {
        sift_up(sim->heap, sim->n_heap++, key);
        if (sim->n_heap > sim->spill_at) {
            /* Many events scheduled at once, as when a scenario is
             * loaded: spread them before the heap gets deep. */
            near_spill(sim);
        }
    }
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

/* Puts 'slot', the first of the riders left when a run stopped, back
 * in the queue under the sequence number 'seq' of the entry they rode
 * on: unique, since that entry is gone, and with 'now' it orders before
 * every other pending event, as the riders must. */
static void
requeue_riders(struct vh_sim *sim, uint64_t seq, size_t slot)
{
    struct vh_event_key key = { sim->now, seq << sim->slot_bits | slot };
    if (sim->sorted && sim->heap > sim->heap_base) {
        sim->heap--;            /* Room before the run. */
        sim->n_heap++;
    } else if (sim->sorted && sim->n_heap < SORTED_MAX) {
        struct vh_event_key *h = sim->heap;
        memmove(h + 1, h, sim->n_heap++ * sizeof *h);
    } else if (sim->sorted) {
        sorted_to_heap(sim);
        requeue_riders(sim, seq, slot);
        return;
    } else if (root_vacant(sim)) {
        sim->n_heap++;
    } else {
        /* It goes to the root: every key below moves down a level along
         * the path from the end (sift_up()'s rule, made for the newest
         * sequence, would stop under an equal time). */
        size_t i = sim->n_heap++;
        while (i > 0) {
            size_t parent = (i - 1) / ARITY;
            sim->heap[i] = sim->heap[parent];
            i = parent;
        }
    }
    sim->heap[0] = key;
}

void
vh_sim_warm(struct vh_sim *sim, vh_event_fn fn, vh_event_warm_fn warm)
{
    for (size_t k = 0; k < sim->n_warm; k++) {
        if (sim->warm[k].fn == fn) {
            return;
        }
    }
    if (sim->n_warm < VH_SIM_WARM_MAX) {
        sim->warm[sim->n_warm].fn = fn;
        sim->warm[sim->n_warm++].warm = warm;
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
    while (sim->n_pending > sim->n_stale) {
        if (sim->n_heap == 0) {
            near_refill(sim);
        } else if (sim->sorted) {
            /* Nothing to do: the run's first key is next. */
        } else if (sim->n_heap > sim->spill_at) {
            near_spill(sim);
        } else if (sim->n_heap <= SORTED_MIN) {
            heap_to_sorted(sim);
        }
        struct vh_event_key *root = &sim->heap[0];
        if (root->time > until) {
            if (until > sim->now) {
                sim->now = until;
            }
            break;
        }
        size_t slot = root->tag & slot_mask(sim);
        uint64_t seq = root->tag >> sim->slot_bits;
        sim->now = root->time;
        sim->n_heap--;
        if (sim->sorted) {
            sim->heap++;
        } else if (sim->n_heap) {
            root->tag = 0;
        } else {
            /* The last event of the heap: no vacancy, so that the next
             * loop finds the heap empty and refills it from 'far'. */
            *root = sentinel;
        }
        /* The entry's event, then its riders, all at 'now'.  The root
         * stays vacant through them all, for whichever schedules first. */
        do {
            struct vh_event_slot *es = &sim->slots[slot];
            vh_event_fn fn = es->fn;
            void *obj = es->obj;
            void *arg = es->arg;
            slot = es->then;
            es->next_free = sim->free_slot;
            sim->free_slot = (size_t) (es - sim->slots);
            sim->n_pending--;
            sim->events_run++;
            sim->last_slot = NONE;
            sim->riding = slot;
            fn(sim, obj, arg);
        } while (slot != NONE && !sim->stop);
        sim->riding = NONE;
        if (slot != NONE) {
            /* Stopped with riders left: they go back in as an entry of
             * their own that orders where the one just run did, first of
             * all, so that the next run starts with them. */
            requeue_riders(sim, seq, slot);
        }
        if (!sim->sorted) {
            if (root_vacant(sim)) {
                refill_root(sim);
            }
            /* The next event's slot is anywhere in the slot array; ask
             * for it now rather than stall on it at the top of the loop.
             * (A run's few slots are in the cache anyway.) */
            __builtin_prefetch(&sim->slots[sim->heap[0].tag
                                           & slot_mask(sim)]);
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
    const struct vh_event_key *h = sim->heap;
    if (sim->riding != NONE) {
        return sim->now;        /* A rider of the running entry is next. */
    }
    if (sim->sorted) {
        return sim->n_heap ? h[0].time : far_min(sim);
    }
    if (root_vacant(sim)) {
        /* The least child of the vacant root; sentinels past the end have
         * time VH_TIME_NEVER. */
        vh_time_t a = h[1].time < h[2].time ? h[1].time : h[2].time;
        vh_time_t b = h[3].time < h[4].time ? h[3].time : h[4].time;
        return a < b ? a : b;
    }
    return sim->n_heap ? h[0].time : far_min(sim);
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
