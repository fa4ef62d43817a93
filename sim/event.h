/* sim/event.h: the event kernel.
 *
 * One clock and one queue of pending events.  Events run in (time, sequence)
 * order, where the sequence is the order in which they were scheduled: two
 * events at the same picosecond run first-scheduled first, so a run is a pure
 * function of its inputs.
 *
 * The near future is a 4-ary min-heap of 16-byte keys, (time, sequence and
 * slot), or with few pending a sorted run of the same keys, with each
 * event's handler and arguments waiting beside it in a slot array rather
 * than inside the heap; later events wait in time buckets and are moved
 * into the heap a bucket at a time (sim/event.c says why).  Nothing is allocated per event: every array grows by
 * doubling and is reused.
 *
 * Two events scheduled one right after the other for the same time run
 * one right after the other, so the second rides on the first's queue
 * entry instead of taking its own (sim/event.c, "Riders").
 *
 * Cancellation is lazy.  A 'struct vh_timer' remembers the sequence number
 * of its live event; re-arming or cancelling just changes that number, and a
 * stale event finds it no longer matches when it pops and does nothing.  This
 * costs one dead entry per cancel, which is cheaper than a decrease-key
 * heap with back-pointers for the timer patterns models use (interrupt
 * moderation, aging, retransmission). */
#ifndef VH_EVENT_H
#define VH_EVENT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/time.h"

struct vh_sim;

/* An event handler.  'obj' is usually the model instance, 'arg' what the
 * event is about (a packet, a queue index cast to a pointer). */
typedef void (*vh_event_fn)(struct vh_sim *sim, void *obj, void *arg);

/* The heap's entry: what events are ordered by.  'tag' is the event's
 * sequence number shifted left by the queue's 'slot_bits', with the index
 * of its slot in the low bits; sequence numbers are unique, so comparing
 * tags compares sequence numbers.  Internal to the kernel. */
struct vh_event_key {
    vh_time_t time;             /* When it runs. */
    uint64_t tag;               /* Sequence << slot_bits | slot. */
};

/* Where a pending event's handler waits.  Internal to the kernel. */
struct vh_event_slot {
    vh_event_fn fn;             /* What runs. */
    void *obj;                  /* First argument to 'fn'. */
    union {
        void *arg;              /* Second argument to 'fn'. */
        size_t next_free;       /* Free slot: the next free one. */
    };
    size_t then;                /* Slot of the event that runs right after
                                 * this one, riding on its queue entry
                                 * (see "Riders" in sim/event.c), or
                                 * SIZE_MAX. */
};

/* A block of keys of one bucket of the far set.  Internal. */
#define VH_FAR_CHUNK_KEYS 7
struct vh_far_chunk {
    uint32_t next;              /* Next chunk of the bucket, or UINT32_MAX. */
    uint32_t n;                 /* Keys used in 'keys'. */
    uint64_t pad;               /* Makes a chunk two cache lines. */
    struct vh_event_key keys[VH_FAR_CHUNK_KEYS];
};

/* Events too late for the heap: buckets of equal width over
 * [base, last], each a list of chunks of keys in no order, and an
 * overflow array for later events.  Internal; see sim/event.c. */
struct vh_far {
    uint32_t *buckets;          /* First chunk of each bucket. */
    size_t n_buckets;           /* Buckets in use, a power of two. */
    size_t buckets_cap;         /* Allocated heads. */
    size_t cur;                 /* First bucket not yet moved to the heap. */
    vh_time_t base;             /* Start of bucket 0. */
    vh_time_t last;             /* Later events go to the overflow. */
    unsigned width_bits;        /* Bucket width: 2^width_bits ps. */
    struct vh_far_chunk *chunks;/* Chunk pool. */
    size_t chunks_cap;
    uint32_t free_chunk;        /* Head of the free chunks' list. */
    struct vh_event_key *overflow;
    size_t n_overflow;
    size_t overflow_cap;
    size_t n;                   /* Events in buckets and overflow. */
    bool respread;              /* The buckets were laid out again for a
                                 * crowded one since the last layout. */
};

/* What an event of one handler will read beyond its 'obj', asked for
 * ahead of time; see vh_sim_warm().  Returns whether a later step has
 * more to ask for. */
typedef bool (*vh_event_warm_fn)(struct vh_sim *sim, const void *obj,
                                 const void *arg, int step);

/* Steps of warming: see vh_sim_warm(). */
#define VH_SIM_WARM_STEPS 8

/* Handlers with a warm function, at most this many. */
#define VH_SIM_WARM_MAX 4

/* A far event whose handler has a warm function, taking its steps
 * (sim/event.c: warm_bucket()). */
struct vh_warm_item {
    vh_event_warm_fn warm;
    const void *obj;
    const void *arg;
    bool done;                  /* 'warm' said it has no more steps. */
};

/* How a bucket of the far set was moved near (sim/event.c,
 * small_bucket_to_near()). */
enum vh_refill_kind {
    VH_REFILL_MERGED,           /* A few ascending stretches, merged. */
    VH_REFILL_INSERTED,         /* Few keys in no order, sorted. */
    VH_REFILL_HEAPED,           /* Keys in no order, made a heap. */
    VH_REFILL_LARGE,            /* More than a run holds: a heap. */
    VH_REFILL_KINDS
};

struct vh_sim {
    vh_time_t now;              /* Current simulated time. */
    uint64_t next_seq;          /* Sequence number of the next schedule. */
    uint64_t events_run;        /* Events executed so far (for reports). */
    struct vh_event_key *heap;  /* The events up to 'near_max': a 4-ary
                                 * min-heap on (time, tag), or, while
                                 * 'sorted', a run in that order whose
                                 * start moves up as events run. */
    struct vh_event_key *heap_base; /* Where the heap starts in its
                                 * allocation. */
    struct vh_event_slot *slots;/* Handlers of pending events, by slot. */
    void *heap_block;           /* The allocation 'heap' lies in. */
    size_t n_heap;              /* Entries in 'heap'. */
    bool sorted;                /* Few events: 'heap' is a sorted run. */
    size_t n_pending;           /* Events in 'heap' and in 'far', riders
                                 * included. */
    size_t heap_cap;            /* Allocated entries, and slots. */
    size_t free_slot;           /* Head of the free slots' list. */
    unsigned slot_bits;         /* log2(heap_cap): tag bits of the slot. */
    uint64_t slot_mask;         /* The slot field: 2^slot_bits - 1. */
    vh_time_t near_max;         /* Latest time that goes to the heap. */
    size_t spill_at;            /* Heap size that spreads it into 'far'. */
    struct vh_far far;          /* Events after 'near_max'. */
    bool stop;                  /* Set by vh_sim_stop(); ends vh_sim_run(). */
    size_t n_stale;             /* Entries of cancelled or re-armed timers,
                                 * still waiting to pop. */
    size_t last_slot;           /* Slot of the latest schedule, while no
                                 * event has run since; else SIZE_MAX. */
    vh_time_t last_time;        /* Its time. */
    size_t riding;              /* The next rider of the entry running
                                 * now, or SIZE_MAX. */
    struct {
        vh_event_fn fn;
        vh_event_warm_fn warm;
    } warm[VH_SIM_WARM_MAX];    /* vh_sim_warm()'s, */
    size_t n_warm;              /* this many. */
    struct vh_warm_item *wq;    /* Room for a bucket's warmed events, */
    size_t wq_cap;              /* this many. */
    uint64_t riders;            /* Events that rode on another's entry
                                 * instead of taking their own (counted
                                 * for tests and benchmarks). */
    uint64_t refills[VH_REFILL_KINDS]; /* Buckets moved near, by how
                                 * (counted for tests and benchmarks). */
};

void vh_sim_init(struct vh_sim *);
void vh_sim_destroy(struct vh_sim *);

/* Schedules fn(sim, obj, arg) at absolute time 't'.  't' earlier than
 * sim->now is a bug in the caller; it is clamped to now (and asserts in
 * debug builds).  Never fails: the heap grows as needed, and aborts with a
 * message if memory runs out, or if the sequence numbers run out (after
 * 2^40 schedules with 16 million pending, far more with fewer). */
void vh_schedule_at(struct vh_sim *, vh_time_t t, vh_event_fn fn,
                    void *obj, void *arg);

static inline void
vh_schedule_in(struct vh_sim *sim, vh_time_t delay, vh_event_fn fn,
               void *obj, void *arg)
{
    vh_schedule_at(sim, sim->now + delay, fn, obj, arg);
}

/* Runs events in order while the earliest is at or before 'until', live
 * events remain (vh_sim_live), and nobody called vh_sim_stop().  Afterwards
 * sim->now is the time of the last event run, or 'until' if live events
 * remain later (so a run can be resumed in slices for progress reports).
 * Returns the number of events run by this call. */
uint64_t vh_sim_run(struct vh_sim *, vh_time_t until);

/* Registers 'warm' for the events of 'fn'.  An event from far ahead
 * comes near with the others of its time bucket, and the kernel then
 * asks for each one's slot, 'obj' and 'arg' to be fetched into the
 * cache, all at once, before the first of them runs (sim/event.c says
 * why).  What the handler reads through 'obj' is known only to its
 * model: 'warm' prefetches that and does nothing else (it must change
 * nothing the simulation computes).  It is called up to
 * VH_SIM_WARM_STEPS times for each such event: with 'step' 0 for all of
 * the bucket's events, then with 1 for all of them, and so on.  At step
 * 0 it asks for what 'obj' points to, at step 1 for what those point
 * to, so that each step's loads wait side by side for what the step
 * before asked for.  It returns false when it has nothing more to ask
 * for at later steps, which the event then does not get (a call costs a
 * few nanoseconds, which a fast path's packets feel).  For a source's
 * timer, say: its next firing is the only thing that touches its
 * objects, each a cache miss once there are thousands of sources.
 * Registering the same 'fn' again keeps the first 'warm'; past
 * VH_SIM_WARM_MAX handlers, the rest go without. */
void vh_sim_warm(struct vh_sim *, vh_event_fn fn, vh_event_warm_fn warm);

/* Makes the current vh_sim_run() return after the running event. */
void vh_sim_stop(struct vh_sim *);

/* Pending events, including stale ones left by cancelled timers. */
static inline size_t vh_sim_pending(const struct vh_sim *sim)
{
    return sim->n_pending;
}

/* Pending events that will do something: entries less the stale ones of
 * cancelled timers.  Zero means the simulation has nothing left to do. */
static inline size_t vh_sim_live(const struct vh_sim *sim)
{
    return sim->n_pending - sim->n_stale;
}

/* Time of the earliest pending entry, VH_TIME_NEVER when empty. */
vh_time_t vh_sim_next_time(const struct vh_sim *);

/* A cancellable, re-armable timer.  Embed it in the model; it must outlive
 * any event it has armed or stay valid until the run ends. */
struct vh_timer {
    vh_event_fn fn;             /* Called as fn(sim, obj, timer). */
    void *obj;
    struct vh_sim *sim;         /* Where it was last armed. */
    uint64_t live_seq;          /* Sequence of the armed event; 0 = idle. */
    vh_time_t when;             /* Expiry of the armed event. */
};

void vh_timer_init(struct vh_timer *, vh_event_fn fn, void *obj);

/* Arms the timer to fire at 't', replacing any earlier arming. */
void vh_timer_arm_at(struct vh_sim *, struct vh_timer *, vh_time_t t);

/* Disarms it.  Harmless on an idle timer. */
void vh_timer_cancel(struct vh_timer *);

static inline bool vh_timer_armed(const struct vh_timer *t)
{
    return t->live_seq != 0;
}

#endif /* sim/event.h */
