/* sim/stats.h: latency histograms and drop-reason tallies.
 *
 * The histogram is log-linear (as in HdrHistogram): values are binned by
 * their most significant bit, and each power of two is split into
 * VH_HIST_SUB equal sub-buckets, so any percentile is within 1/VH_HIST_SUB
 * (about 3%) of the true value, for values from 1 to 2^63.  min and max
 * are exact.
 *
 * All 2,048 buckets would take 16 KiB, and a run of thousands of flows
 * keeps one histogram per flow.  A flow's latencies stay within a few
 * powers of two of each other, so the histogram holds a window of
 * VH_HIST_WINDOW powers of two itself, placed around its first sample;
 * the buckets outside the window are allocated only when a sample falls
 * there.  A first packet that waited for ARP can be far from the rest:
 * after VH_HIST_MOVE_AFTER samples in a row outside, the window moves to
 * where they fall, so that a flow's steady samples again write one line
 * next to its head.  Samples in a row in one bucket, as a flow's steady
 * packets are, are counted in the head until one falls elsewhere, so
 * that most samples write the head alone.  Where a count is kept changes
 * nothing that is computed. */
#ifndef VH_STATS_H
#define VH_STATS_H 1

#include <stddef.h>
#include <stdint.h>

#define VH_HIST_SUB_BITS 5
#define VH_HIST_SUB (1u << VH_HIST_SUB_BITS)
#define VH_HIST_GROUPS 64       /* One per power of two; the first also
                                 * holds 0..VH_HIST_SUB - 1 exactly. */
#define VH_HIST_BUCKETS (VH_HIST_GROUPS * VH_HIST_SUB)
#define VH_HIST_WINDOW 8        /* Groups kept in the histogram: 2 KiB. */
#define VH_HIST_MOVE_AFTER 64

struct vh_hist {
    /* The head, 40 bytes that every sample writes: a flow's statistics
     * keep it in one cache line with the flow's delivery counters. */
    uint64_t min;               /* Exact; UINT64_MAX when empty. */
    uint64_t max;               /* Exact; 0 when empty. */
    uint64_t sum_lo;            /* The exact sum, for the mean, as 96 */
    uint32_t sum_hi;            /* bits: exact for 2^32 samples of any
                                 * size, and latencies, below 2^54 ns,
                                 * would take 2^42. */
    /* The latest samples that fell in one bucket in a row, counted here
     * rather than in the bucket until a sample falls in another: a
     * flow's steady latency lands in one bucket packet after packet, and
     * then only this line is written. */
    uint32_t run;               /* Samples in the run (0: none). */
    uint16_t run_bucket;        /* Their bucket. */
    uint16_t strikes;           /* Samples in a row outside the window. */
    uint8_t base;               /* First group in 'window';
                                 * VH_HIST_GROUPS until the first count
                                 * leaves the run. */
    /* The counts of groups base .. base + VH_HIST_WINDOW - 1. */
    uint64_t window[VH_HIST_WINDOW * VH_HIST_SUB];
    uint64_t *outside;          /* VH_HIST_BUCKETS counts, for the buckets
                                 * outside the window; NULL until a
                                 * sample falls there. */
};

_Static_assert(VH_HIST_BUCKETS <= UINT16_MAX, "a bucket fits run_bucket");

void vh_hist_init(struct vh_hist *);
/* Frees the buckets outside the window, if a sample needed them. */
void vh_hist_destroy(struct vh_hist *);
void vh_hist_add(struct vh_hist *, uint64_t value);

/* Samples added.  Counted from the buckets, so not free: read it once
 * per report, not per sample. */
uint64_t vh_hist_count(const struct vh_hist *);

/* The value at percentile 'p' (0..100): the representative value of the
 * bucket that holds the ceil(p/100 * count)-th smallest sample, clamped to
 * [min, max].  p = 0 gives min, p = 100 gives max.  0 when empty. */
uint64_t vh_hist_percentile(const struct vh_hist *, double p);

double vh_hist_mean(const struct vh_hist *);

/* Per-reason drop counts.  Reasons are static strings compared by content,
 * kept in first-seen order so reports are stable. */
#define VH_DROPS_MAX 24

struct vh_drops {
    uint64_t total;
    size_t n;
    const char *reason[VH_DROPS_MAX];
    uint64_t count[VH_DROPS_MAX];
};

void vh_drops_init(struct vh_drops *);

/* Counts one drop for 'reason' (a string that outlives the run).  Past
 * VH_DROPS_MAX - 1 distinct reasons, further ones count under "other",
 * which takes the last entry. */
void vh_drops_add(struct vh_drops *, const char *reason);

/* Counts 'n' drops for 'reason' at once, as vh_drops_add() 'n' times. */
void vh_drops_add_n(struct vh_drops *, const char *reason, uint64_t n);

uint64_t vh_drops_get(const struct vh_drops *, const char *reason);

#endif /* sim/stats.h */
