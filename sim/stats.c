/* sim/stats.c: log-linear histograms and drop-reason tallies. */
#include "sim/stats.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xmalloc.h"

/* Bucket layout.  Values below VH_HIST_SUB have a bucket each.  A larger
 * value whose most significant bit is b (b >= VH_HIST_SUB_BITS) falls in
 * the group for b, which covers [2^b, 2^(b+1)) in VH_HIST_SUB equal
 * sub-buckets of width 2^(b - VH_HIST_SUB_BITS).  Group b starts at bucket
 * (b - VH_HIST_SUB_BITS + 1) * VH_HIST_SUB, so the exact buckets and the
 * groups tile 0..2^64 without gaps, and the last group (b = 63) ends well
 * inside VH_HIST_BUCKETS. */
static unsigned
bucket_of(uint64_t v)
{
    if (v < VH_HIST_SUB) {
        return (unsigned) v;
    }
    unsigned b = 63 - (unsigned) __builtin_clzll(v);
    unsigned shift = b - VH_HIST_SUB_BITS;
    unsigned sub = (unsigned) (v >> shift) - VH_HIST_SUB;
    return (shift + 1) * VH_HIST_SUB + sub;
}

/* Smallest value in bucket 'i' and the bucket's width. */
static void
bucket_range(unsigned i, uint64_t *low, uint64_t *width)
{
    if (i < VH_HIST_SUB) {
        *low = i;
        *width = 1;
        return;
    }
    unsigned shift = i / VH_HIST_SUB - 1;
    uint64_t sub = i % VH_HIST_SUB;
    *low = (VH_HIST_SUB + sub) << shift;
    *width = 1ULL << shift;
}

void
vh_hist_init(struct vh_hist *h)
{
    memset(h, 0, sizeof *h);
    h->min = UINT64_MAX;
    h->base = VH_HIST_GROUPS;
}

void
vh_hist_destroy(struct vh_hist *h)
{
    free(h->outside);
    h->outside = NULL;
}

/* The first group of a window around group 'g': from 16 times smaller
 * to 8 to 16 times larger, within the 64 groups. */
static unsigned
window_base(unsigned g)
{
    unsigned base = g > VH_HIST_WINDOW / 2 ? g - VH_HIST_WINDOW / 2 : 0;
    return base < VH_HIST_GROUPS - VH_HIST_WINDOW
           ? base : VH_HIST_GROUPS - VH_HIST_WINDOW;
}

/* Moves the window to be around group 'g': the counts it held go to the
 * buckets outside, and those of its new groups come in from there. */
static void
window_move(struct vh_hist *h, unsigned g)
{
    enum { N = VH_HIST_WINDOW * VH_HIST_SUB };
    unsigned base = window_base(g);
    uint64_t *old = h->outside + h->base * VH_HIST_SUB;
    uint64_t *new = h->outside + base * VH_HIST_SUB;
    for (unsigned i = 0; i < N; i++) {
        old[i] += h->window[i];
    }
    for (unsigned i = 0; i < N; i++) {
        h->window[i] = new[i];
        new[i] = 0;
    }
    h->base = (uint8_t) base;
}

/* 'n' samples in bucket 'b' of group 'g', outside the window or before
 * the first count placed it. */
static void
add_outside(struct vh_hist *h, unsigned b, unsigned g, uint64_t n)
{
    if (h->base == VH_HIST_GROUPS) {
        h->base = (uint8_t) window_base(g);
        h->window[b - h->base * VH_HIST_SUB] += n;
        return;
    }
    if (!h->outside) {
        h->outside = vh_xcalloc(VH_HIST_BUCKETS, sizeof *h->outside);
    }
    if (h->strikes + n < VH_HIST_MOVE_AFTER) {
        h->strikes = (uint16_t) (h->strikes + n);
        h->outside[b] += n;
        return;
    }
    window_move(h, g);
    h->strikes = 0;
    h->window[b - h->base * VH_HIST_SUB] += n;
}

/* Counts the run in its bucket and ends it. */
static void
run_flush(struct vh_hist *h)
{
    if (!h->run) {
        return;
    }
    unsigned b = h->run_bucket;
    unsigned g = b / VH_HIST_SUB;
    if (g - h->base < VH_HIST_WINDOW) {    /* Wraps below the base. */
        h->window[b - h->base * VH_HIST_SUB] += h->run;
        h->strikes = 0;
    } else {
        add_outside(h, b, g, h->run);
    }
    h->run = 0;
}

void
vh_hist_add(struct vh_hist *h, uint64_t value)
{
    h->sum_lo += value;
    h->sum_hi += h->sum_lo < value;     /* The carry. */
    if (value < h->min) {
        h->min = value;
    }
    if (value > h->max) {
        h->max = value;
    }
    unsigned b = bucket_of(value);
    if (b == h->run_bucket && h->run < UINT32_MAX) {
        h->run++;
        return;
    }
    run_flush(h);
    h->run_bucket = (uint16_t) b;
    h->run = 1;
}

/* The count of bucket 'i', wherever it is kept. */
static uint64_t
bucket_count(const struct vh_hist *h, unsigned i)
{
    unsigned g = i / VH_HIST_SUB;
    uint64_t n = h->outside ? h->outside[i] : 0;
    if (g - h->base < VH_HIST_WINDOW) {
        n += h->window[i - h->base * VH_HIST_SUB];
    }
    return i == h->run_bucket ? n + h->run : n;
}

uint64_t
vh_hist_count(const struct vh_hist *h)
{
    uint64_t n = h->run;
    for (unsigned i = 0; i < VH_HIST_WINDOW * VH_HIST_SUB; i++) {
        n += h->window[i];
    }
    for (unsigned i = 0; h->outside && i < VH_HIST_BUCKETS; i++) {
        n += h->outside[i];
    }
    return n;
}

uint64_t
vh_hist_percentile(const struct vh_hist *h, double p)
{
    uint64_t count = vh_hist_count(h);
    if (!count) {
        return 0;
    }
    if (!(p > 0)) {             /* Also catches NaN. */
        return h->min;
    }
    if (p >= 100) {
        return h->max;
    }

    /* p * count first: for whole percentiles the product is exact, where
     * p / 100 is not (0.99 * 100000 rounds to 98999.99...). */
    uint64_t rank = (uint64_t) ceil(p * (double) count / 100.0);
    if (rank < 1) {
        rank = 1;
    }
    if (rank > count) {
        rank = count;
    }

    uint64_t seen = 0;
    for (unsigned i = 0; i < VH_HIST_BUCKETS; i++) {
        seen += bucket_count(h, i);
        if (seen >= rank) {
            /* The middle of the bucket: at most half a bucket, 1/64 of
             * the value, from any sample in it. */
            uint64_t low, width;
            bucket_range(i, &low, &width);
            uint64_t v = low + (width - 1) / 2;
            return v < h->min ? h->min : v > h->max ? h->max : v;
        }
    }
    return h->max;              /* Not reached: the buckets sum to count. */
}

double
vh_hist_mean(const struct vh_hist *h)
{
    /* Divided in long double, whose 64-bit mantissa holds any sum
     * below 2^64 exactly. */
    unsigned __int128 sum = (unsigned __int128) h->sum_hi << 64 | h->sum_lo;
    uint64_t count = vh_hist_count(h);
    return count ? (double) ((long double) sum / count) : 0.0;
}

void
vh_drops_init(struct vh_drops *d)
{
    memset(d, 0, sizeof *d);
}

/* Index of 'reason' in the table, or -1. */
static int
drops_find(const struct vh_drops *d, const char *reason)
{
    for (size_t i = 0; i < d->n; i++) {
        if (d->reason[i] == reason || !strcmp(d->reason[i], reason)) {
            return (int) i;
        }
    }
    return -1;
}

void
vh_drops_add(struct vh_drops *d, const char *reason)
{
    vh_drops_add_n(d, reason, 1);
}

void
vh_drops_add_n(struct vh_drops *d, const char *reason, uint64_t n)
{
    int i = drops_find(d, reason);
    if (i < 0) {
        /* The last slot is kept for "other", so the table never has to
         * give up a reason it already reports. */
        if (d->n < VH_DROPS_MAX - 1) {
            i = (int) d->n++;
            d->reason[i] = reason;
        } else {
            i = drops_find(d, "other");
            if (i < 0) {
                i = (int) d->n++;
                d->reason[i] = "other";
            }
        }
    }
    d->count[i] += n;
    d->total += n;
}

uint64_t
vh_drops_get(const struct vh_drops *d, const char *reason)
{
    int i = drops_find(d, reason);
    return i < 0 ? 0 : d->count[i];
}
