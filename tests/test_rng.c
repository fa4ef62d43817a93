/* tests/test_rng.c: the generator against its published reference
 * outputs, stream independence, and the distributions' moments. */
#include <check.h>
#include <math.h>
#include <stdint.h>

#include "sim/rng.h"
#include "tests/testutil.h"

START_TEST(test_reference_vector)
{
    /* Outputs of Blackman and Vigna's reference xoshiro256** from the
     * state {1, 2, 3, 4}, as published in other implementations' test
     * suites (e.g. Rust's rand_xoshiro). */
    static const uint64_t expect[] = {
        11520ULL, 0ULL, 1509978240ULL, 1215971899390074240ULL,
        1216172134540287360ULL, 607988272756665600ULL,
        16172922978634559625ULL, 8476171486693032832ULL,
        10595114339597558777ULL, 2904607092377533576ULL,
    };
    struct vh_rng r = { .s = { 1, 2, 3, 4 } };
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        ck_assert_uint_eq(vh_rng_next(&r), expect[i]);
    }
}
END_TEST

START_TEST(test_same_seed_same_sequence)
{
    struct vh_rng a, b;
    vh_rng_seed(&a, 42, "traffic/f1");
    vh_rng_seed(&b, 42, "traffic/f1");
    for (int i = 0; i < 1000; i++) {
        ck_assert_uint_eq(vh_rng_next(&a), vh_rng_next(&b));
    }
}
END_TEST

/* Average number of differing bits between two streams' outputs; two
 * unrelated streams differ in 32 of 64 on average. */
static double
mean_bit_distance(struct vh_rng *a, struct vh_rng *b, int n)
{
    long bits = 0;
    for (int i = 0; i < n; i++) {
        bits += __builtin_popcountll(vh_rng_next(a) ^ vh_rng_next(b));
    }
    return (double) bits / n;
}

START_TEST(test_streams_differ)
{
    struct vh_rng a, b;

    /* Different names, same seed. */
    vh_rng_seed(&a, 1, "traffic/f1");
    vh_rng_seed(&b, 1, "traffic/f2");
    ck_assert_double_eq_tol(mean_bit_distance(&a, &b, 4000), 32.0, 0.5);

    /* Adjacent seeds, same name: must not be near-copies. */
    vh_rng_seed(&a, 1, "a");
    vh_rng_seed(&b, 2, "a");
    ck_assert_double_eq_tol(mean_bit_distance(&a, &b, 4000), 32.0, 0.5);

    /* The very first words too, where weak seeding shows most. */
    for (uint64_t seed = 0; seed < 64; seed++) {
        vh_rng_seed(&a, seed, "x");
        vh_rng_seed(&b, seed + 1, "x");
        int d = __builtin_popcountll(vh_rng_next(&a) ^ vh_rng_next(&b));
        ck_assert_int_ge(d, 12);
        ck_assert_int_le(d, 52);
    }

    /* A seed chosen to cancel the name's hash (FNV-1a 64 of "a" and of
     * "foobar" are published test vectors) must not reproduce another
     * stream, as it would if seed and hash were merely XORed. */
    vh_rng_seed(&a, 0xaf63dc4c8601ec8cULL ^ 0x85944171f73967e8ULL, "a");
    vh_rng_seed(&b, 0, "foobar");
    ck_assert_double_eq_tol(mean_bit_distance(&a, &b, 4000), 32.0, 0.5);

    /* Empty name and seed 0 still make a working generator. */
    vh_rng_seed(&a, 0, "");
    uint64_t x = vh_rng_next(&a), y = vh_rng_next(&a);
    ck_assert(x != 0 || y != 0);
    ck_assert_uint_ne(x, y);
}
END_TEST

START_TEST(test_uniform_moments)
{
    enum { N = 1000000 };
    struct vh_rng r;
    double sum = 0, sum2 = 0;

    vh_rng_seed(&r, 5, "test/uniform");
    int bad = 0;
    for (int i = 0; i < N; i++) {
        double u = vh_rng_uniform(&r);
        bad += !(u >= 0.0 && u < 1.0);
        /* 53 bits: u * 2^53 is a whole number. */
        bad += ldexp(u, 53) != floor(ldexp(u, 53));
        sum += u;
        sum2 += u * u;
    }
    ck_assert_int_eq(bad, 0);
    double mean = sum / N;
    double var = sum2 / N - mean * mean;
    /* Standard errors: 0.00029 for the mean, 0.00009 for the variance. */
    ck_assert_double_eq_tol(mean, 0.5, 0.002);
    ck_assert_double_eq_tol(var, 1.0 / 12.0, 0.0008);
}
END_TEST

START_TEST(test_below_range_and_uniformity)
{
    struct vh_rng r;
    vh_rng_seed(&r, 9, "test/below");

    int bad = 0;
    for (int i = 0; i < 1000; i++) {
        bad += vh_rng_below(&r, 1) != 0;
        bad += vh_rng_below(&r, 3) >= 3;
        bad += vh_rng_below(&r, UINT64_MAX) == UINT64_MAX;
    }
    ck_assert_int_eq(bad, 0);

    /* Chi-square over ten cells: 9 degrees of freedom, whose 99.9th
     * percentile is 27.88. */
    enum { CELLS = 10, DRAWS = 200000 };
    uint64_t count[CELLS] = { 0 };
    for (int i = 0; i < DRAWS; i++) {
        count[vh_rng_below(&r, CELLS)]++;
    }
    double expect = (double) DRAWS / CELLS, chi2 = 0;
    for (int c = 0; c < CELLS; c++) {
        double d = (double) count[c] - expect;
        chi2 += d * d / expect;
    }
    ck_assert_double_lt(chi2, 27.88);

    /* n = 3 * 2^62 is where shortcuts show.  Plain 'x % n' returns
     * values below 2^62 half the time instead of a third; the high word
     * of x * n without rejection returns multiples of 3 half the time
     * instead of a third. */
    uint64_t n = 3ULL << 62, low = 0, triple = 0;
    for (int i = 0; i < DRAWS; i++) {
        uint64_t v = vh_rng_below(&r, n);
        bad += v >= n;
        low += v < (1ULL << 62);
        triple += v % 3 == 0;
    }
    ck_assert_int_eq(bad, 0);
    ck_assert_double_eq_tol((double) low / DRAWS, 1.0 / 3.0, 0.005);
    ck_assert_double_eq_tol((double) triple / DRAWS, 1.0 / 3.0, 0.005);
}
END_TEST

START_TEST(test_exp_mean)
{
    enum { N = 1000000 };
    struct vh_rng r;
    const double mean = 250.0;
    double sum = 0;
    long above = 0;
    int bad = 0;

    vh_rng_seed(&r, 11, "test/exp");
    for (int i = 0; i < N; i++) {
        double x = vh_rng_exp(&r, mean);
        bad += !(x >= 0.0 && isfinite(x));
        sum += x;
        above += x > mean;
    }
    ck_assert_int_eq(bad, 0);
    /* Standard error of the mean: 250 / 1000 = 0.25. */
    ck_assert_double_eq_tol(sum / N, mean, 1.5);
    /* P(X > mean) = 1/e for any exponential. */
    ck_assert_double_eq_tol((double) above / N, exp(-1.0), 0.003);
}
END_TEST

static Suite *
rng_suite(void)
{
    Suite *s = suite_create("rng");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_reference_vector);
    tcase_add_test(tc, test_same_seed_same_sequence);
    tcase_add_test(tc, test_streams_differ);
    tcase_add_test(tc, test_uniform_moments);
    tcase_add_test(tc, test_below_range_and_uniformity);
    tcase_add_test(tc, test_exp_mean);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(rng_suite)
