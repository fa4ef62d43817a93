/* tests/test_stats.c: histogram percentiles against exact order
 * statistics, and the drop-reason table. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim/rng.h"
#include "sim/stats.h"
#include "tests/testutil.h"

/* The histogram is big (2 KiB of buckets); keep it off the stack. */
static struct vh_hist *
hist_new(void)
{
    struct vh_hist *h = malloc(sizeof *h);
    ck_assert_ptr_nonnull(h);
    vh_hist_init(h);
    return h;
}

static void
hist_free(struct vh_hist *h)
{
    vh_hist_destroy(h);
    free(h);
}

/* |got - want| <= want / 32, the histogram's promised resolution. */
static void
assert_close(uint64_t got, uint64_t want)
{
    uint64_t diff = got > want ? got - want : want - got;
    ck_assert_msg(diff * VH_HIST_SUB <= want,
                  "got %llu, want %llu within 1/%u",
                  (unsigned long long) got, (unsigned long long) want,
                  VH_HIST_SUB);
}

START_TEST(test_empty)
{
    struct vh_hist *h = hist_new();
    ck_assert_uint_eq(vh_hist_count(h), 0);
    ck_assert_uint_eq(h->min, UINT64_MAX);
    ck_assert_uint_eq(h->max, 0);
    ck_assert_uint_eq(vh_hist_percentile(h, 0), 0);
    ck_assert_uint_eq(vh_hist_percentile(h, 50), 0);
    ck_assert_uint_eq(vh_hist_percentile(h, 100), 0);
    ck_assert_double_eq(vh_hist_mean(h), 0.0);
    hist_free(h);
}
END_TEST

START_TEST(test_uniform_1_to_100000)
{
    struct vh_hist *h = hist_new();
    /* Added in a scrambled order; the result must not depend on it. */
    for (uint64_t i = 0; i < 100000; i++) {
        vh_hist_add(h, (i * 7919) % 100000 + 1);
    }
    ck_assert_uint_eq(vh_hist_count(h), 100000);
    ck_assert_uint_eq(h->min, 1);
    ck_assert_uint_eq(h->max, 100000);
    ck_assert_uint_eq(vh_hist_percentile(h, 0), 1);
    ck_assert_uint_eq(vh_hist_percentile(h, 100), 100000);
    /* The k-th smallest of 1..100000 is k. */
    assert_close(vh_hist_percentile(h, 50), 50000);
    assert_close(vh_hist_percentile(h, 90), 90000);
    assert_close(vh_hist_percentile(h, 99), 99000);
    assert_close(vh_hist_percentile(h, 99.9), 99900);
    assert_close(vh_hist_percentile(h, 1), 1000);
    ck_assert_double_eq_tol(vh_hist_mean(h), 50000.5, 1e-9);
    hist_free(h);
}
END_TEST

START_TEST(test_small_values_exact)
{
    struct vh_hist *h = hist_new();
    /* 0..31 once each: below VH_HIST_SUB every value has its own bucket,
     * so percentiles are exact order statistics. */
    for (uint64_t v = 0; v < 32; v++) {
        vh_hist_add(h, 31 - v);
    }
    /* ceil(p/100 * 32)-th smallest, and the k-th smallest is k - 1. */
    ck_assert_uint_eq(vh_hist_percentile(h, 50), 15);
    ck_assert_uint_eq(vh_hist_percentile(h, 25), 7);
    ck_assert_uint_eq(vh_hist_percentile(h, 26), 8);   /* ceil(8.32) */
    ck_assert_uint_eq(vh_hist_percentile(h, 99), 31);
    ck_assert_uint_eq(vh_hist_percentile(h, 0.1), 0);
    ck_assert_uint_eq(vh_hist_percentile(h, 0), 0);
    ck_assert_double_eq_tol(vh_hist_mean(h), 15.5, 1e-12);
    hist_free(h);
}
END_TEST

START_TEST(test_single_value_is_exact)
{
    struct vh_hist *h = hist_new();
    /* One sample: clamping to [min, max] makes every percentile exact
     * even though the bucket is 32768 wide here. */
    vh_hist_add(h, 1000003);
    ck_assert_uint_eq(vh_hist_percentile(h, 0), 1000003);
    ck_assert_uint_eq(vh_hist_percentile(h, 37.5), 1000003);
    ck_assert_uint_eq(vh_hist_percentile(h, 100), 1000003);
    ck_assert_double_eq(vh_hist_mean(h), 1000003.0);
    hist_free(h);
}
END_TEST

static int
u64_cmp(const void *a_, const void *b_)
{
    uint64_t a = *(const uint64_t *) a_, b = *(const uint64_t *) b_;
    return a < b ? -1 : a > b;
}

START_TEST(test_wide_range_vs_exact)
{
    enum { N = 100000 };
    uint64_t *v = malloc(N * sizeof *v);
    struct vh_hist *h = hist_new();
    struct vh_rng r;

    ck_assert_ptr_nonnull(v);
    vh_rng_seed(&r, 4, "test/hist");
    /* Log-uniform from 1 to about 2^60: every bucket group gets used. */
    for (int i = 0; i < N; i++) {
        v[i] = (uint64_t) exp(vh_rng_uniform(&r) * 41.5);
        vh_hist_add(h, v[i]);
    }
    qsort(v, N, sizeof *v, u64_cmp);
    ck_assert_uint_eq(h->min, v[0]);
    ck_assert_uint_eq(h->max, v[N - 1]);
    for (int p = 1; p < 100; p++) {
        /* The ceil(p/100 * N)-th smallest, 1-based. */
        size_t rank = (size_t) ((uint64_t) p * N / 100);
        assert_close(vh_hist_percentile(h, p), v[rank - 1]);
    }
    free(v);
    hist_free(h);
}
END_TEST

/* Where the counts are kept (the window placed by the first sample, or
 * the buckets outside it) must not change any result: the same samples
 * in three orders, which place the window at the small values, at the
 * large ones, and in the middle, give the same percentiles and mean. */
START_TEST(test_window_placement_does_not_matter)
{
    enum { N = 20000 };
    uint64_t *v = malloc(N * sizeof *v);
    struct vh_hist *h[3] = { hist_new(), hist_new(), hist_new() };
    struct vh_rng r;

    ck_assert_ptr_nonnull(v);
    vh_rng_seed(&r, 9, "test/hist-window");
    for (int i = 0; i < N; i++) {
        v[i] = (uint64_t) exp(vh_rng_uniform(&r) * 28.0);  /* 1 .. 2^40 */
    }
    qsort(v, N, sizeof *v, u64_cmp);
    unsigned first_base[3] = { VH_HIST_GROUPS, VH_HIST_GROUPS,
                               VH_HIST_GROUPS };
    for (int i = 0; i < N; i++) {
        vh_hist_add(h[0], v[i]);                        /* Smallest first. */
        vh_hist_add(h[1], v[N - 1 - i]);                /* Largest first. */
        vh_hist_add(h[2], v[(N / 2 + i) % N]);          /* Median first. */
        for (int k = 0; k < 3; k++) {
            if (first_base[k] == VH_HIST_GROUPS) {
                first_base[k] = h[k]->base;
            }
        }
    }
    /* Each window was first placed where its order starts. */
    ck_assert_uint_lt(first_base[0], first_base[2]);
    ck_assert_uint_lt(first_base[2], first_base[1]);
    ck_assert_uint_eq(vh_hist_count(h[1]), N);
    ck_assert_uint_eq(vh_hist_count(h[2]), N);
    for (int k = 0; k <= 200; k++) {
        uint64_t want = vh_hist_percentile(h[0], k / 2.0);
        ck_assert_uint_eq(vh_hist_percentile(h[1], k / 2.0), want);
        ck_assert_uint_eq(vh_hist_percentile(h[2], k / 2.0), want);
    }
    ck_assert_double_eq(vh_hist_mean(h[1]), vh_hist_mean(h[0]));
    ck_assert_double_eq(vh_hist_mean(h[2]), vh_hist_mean(h[0]));
    for (int i = 0; i < 3; i++) {
        hist_free(h[i]);
    }
    free(v);
}
END_TEST

/* Latencies within a factor of 16 below and 8 above the first sample
 * stay in the histogram's own 2 KiB; only a sample beyond takes the
 * buckets outside it, once it is counted in its bucket. */
START_TEST(test_window_memory)
{
    struct vh_hist *h = hist_new();
    vh_hist_add(h, 20000);
    for (uint64_t x = 20000 / 16; x < 20000 * 8; x += 97) {
        vh_hist_add(h, x);
    }
    ck_assert_ptr_null(h->outside);
    vh_hist_add(h, 20000 * 1024);
    vh_hist_add(h, 20000);      /* Ends the far sample's run. */
    ck_assert_ptr_nonnull(h->outside);
    ck_assert_uint_eq(vh_hist_percentile(h, 100), 20000 * 1024);
    hist_free(h);
}
END_TEST

/* A first sample far from the rest, as a first packet that waited for
 * ARP is: after VH_HIST_MOVE_AFTER samples in a row outside the window,
 * the window moves to them, so that later ones are counted in it again,
 * and nothing computed changes: the same samples with the far one last
 * (the window placed at the steady values from the start) give the same
 * results. */
START_TEST(test_window_moves_to_the_steady_state)
{
    enum { N = 1000 };
    struct vh_hist *moved = hist_new(), *placed = hist_new();
    uint64_t far = 3000000000ULL, v[N];

    for (int i = 0; i < N; i++) {
        v[i] = 20000 + (uint64_t) (i * 37 % 5000);
    }
    vh_hist_add(moved, far);
    for (int i = 0; i < VH_HIST_MOVE_AFTER - 1; i++) {
        vh_hist_add(moved, v[i]);
    }
    /* One short of moving: the window is still at the far sample. */
    unsigned far_base = moved->base;
    ck_assert_uint_gt(far_base, 10);
    for (int i = VH_HIST_MOVE_AFTER - 1; i < N; i++) {
        vh_hist_add(moved, v[i]);
    }
    ck_assert_uint_lt(moved->base, far_base);
    ck_assert_uint_eq(moved->strikes, 0);
    /* Everything counted since the move is in the window: the buckets
     * outside hold the first samples only. */
    uint64_t outside = 0;
    for (unsigned i = 0; i < VH_HIST_BUCKETS; i++) {
        outside += moved->outside[i];
    }
    ck_assert_uint_eq(outside, 1);

    for (int i = 0; i < N; i++) {
        vh_hist_add(placed, v[i]);
    }
    vh_hist_add(placed, far);
    ck_assert_uint_eq(placed->base, moved->base);
    for (int k = 0; k <= 200; k++) {
        ck_assert_uint_eq(vh_hist_percentile(moved, k / 2.0),
                          vh_hist_percentile(placed, k / 2.0));
    }
    ck_assert_double_eq(vh_hist_mean(moved), vh_hist_mean(placed));
    hist_free(moved);
    hist_free(placed);
}
END_TEST

/* Samples in a row in one bucket are counted in the head until one
 * falls in another bucket; whatever has not reached its bucket yet is
 * counted all the same. */
START_TEST(test_runs_count_before_they_end)
{
    struct vh_hist *h = hist_new();
    uint64_t low = 20000, high = 900000;

    for (int i = 0; i < 1000; i++) {
        vh_hist_add(h, low + (uint64_t) (i % 3));       /* One bucket. */
    }
    /* All 1,000 still in the run. */
    ck_assert_uint_eq(vh_hist_count(h), 1000);
    assert_close(vh_hist_percentile(h, 50), low);
    vh_hist_add(h, high);
    ck_assert_uint_eq(vh_hist_count(h), 1001);
    assert_close(vh_hist_percentile(h, 99.9), low);
    ck_assert_uint_eq(vh_hist_percentile(h, 100), high);
    for (int i = 0; i < 3000; i++) {
        vh_hist_add(h, high);
    }
    /* Now 1,000 low and 3,001 high, the high ones in the run. */
    ck_assert_uint_eq(vh_hist_count(h), 4001);
    assert_close(vh_hist_percentile(h, 24.9), low);        /* 997th */
    assert_close(vh_hist_percentile(h, 25.1), high);       /* 1,005th */
    ck_assert_double_eq_tol(vh_hist_mean(h),
                            (1000.0 * low + 999 + 3001.0 * high) / 4001,
                            1e-6);
    for (int i = 0; i < 2000; i++) {
        vh_hist_add(h, low);
    }
    /* 3,000 low, 2,000 of them in the run, below the 3,001 high ones:
     * the 2,401st smallest is low only if the run counts. */
    ck_assert_uint_eq(vh_hist_count(h), 6001);
    assert_close(vh_hist_percentile(h, 40), low);
    assert_close(vh_hist_percentile(h, 50.1), high);
    hist_free(h);
}
END_TEST

START_TEST(test_extremes)
{
    struct vh_hist *h = hist_new();
    vh_hist_add(h, UINT64_MAX);
    vh_hist_add(h, 1ULL << 63);
    vh_hist_add(h, 0);
    ck_assert_uint_eq(h->min, 0);
    ck_assert_uint_eq(h->max, UINT64_MAX);
    ck_assert_uint_eq(vh_hist_percentile(h, 100), UINT64_MAX);
    ck_assert_uint_eq(vh_hist_percentile(h, 30), 0);
    assert_close(vh_hist_percentile(h, 60), 1ULL << 63);
    /* The sum does not wrap. */
    ck_assert_double_eq_tol(vh_hist_mean(h),
                            (18446744073709551615.0 + 9223372036854775808.0)
                            / 3, 1e6);
    hist_free(h);
}
END_TEST

START_TEST(test_drops)
{
    struct vh_drops d;
    char copy[] = "ring-full";

    vh_drops_init(&d);
    ck_assert_uint_eq(vh_drops_get(&d, "ring-full"), 0);
    vh_drops_add(&d, "ring-full");
    vh_drops_add(&d, "no-route");
    vh_drops_add(&d, "ring-full");
    vh_drops_add(&d, "ttl");
    vh_drops_add(&d, "no-route");
    /* Compared by content, not by address. */
    vh_drops_add(&d, copy);

    ck_assert_uint_eq(d.total, 6);
    ck_assert_uint_eq(d.n, 3);
    ck_assert_str_eq(d.reason[0], "ring-full");
    ck_assert_str_eq(d.reason[1], "no-route");
    ck_assert_str_eq(d.reason[2], "ttl");
    ck_assert_uint_eq(d.count[0], 3);
    ck_assert_uint_eq(d.count[1], 2);
    ck_assert_uint_eq(d.count[2], 1);
    ck_assert_uint_eq(vh_drops_get(&d, "no-route"), 2);
    ck_assert_uint_eq(vh_drops_get(&d, "unknown"), 0);
}
END_TEST

START_TEST(test_drops_overflow)
{
    static char names[40][16];
    struct vh_drops d;

    vh_drops_init(&d);
    for (int i = 0; i < 40; i++) {
        snprintf(names[i], sizeof names[i], "r%d", i);
        vh_drops_add(&d, names[i]);
        vh_drops_add(&d, names[i]);
    }
    /* The first VH_DROPS_MAX - 1 keep their own entries, in order; the
     * rest share "other" in the last entry. */
    ck_assert_uint_eq(d.n, VH_DROPS_MAX);
    ck_assert_uint_eq(d.total, 80);
    for (int i = 0; i < VH_DROPS_MAX - 1; i++) {
        ck_assert_str_eq(d.reason[i], names[i]);
        ck_assert_uint_eq(d.count[i], 2);
    }
    ck_assert_str_eq(d.reason[VH_DROPS_MAX - 1], "other");
    ck_assert_uint_eq(vh_drops_get(&d, "other"),
                      2 * (40 - (VH_DROPS_MAX - 1)));
    ck_assert_uint_eq(vh_drops_get(&d, names[39]), 0);
    /* A reason already listed still counts under its own name. */
    vh_drops_add(&d, names[0]);
    ck_assert_uint_eq(vh_drops_get(&d, names[0]), 3);
}
END_TEST

static Suite *
stats_suite(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_empty);
    tcase_add_test(tc, test_uniform_1_to_100000);
    tcase_add_test(tc, test_small_values_exact);
    tcase_add_test(tc, test_single_value_is_exact);
    tcase_add_test(tc, test_wide_range_vs_exact);
    tcase_add_test(tc, test_window_placement_does_not_matter);
    tcase_add_test(tc, test_window_memory);
    tcase_add_test(tc, test_window_moves_to_the_steady_state);
    tcase_add_test(tc, test_runs_count_before_they_end);
    tcase_add_test(tc, test_extremes);
    tcase_add_test(tc, test_drops);
    tcase_add_test(tc, test_drops_overflow);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(stats_suite)
