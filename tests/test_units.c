/* tests/test_units.c: quantities written as strings: exact conversions of
 * good strings, and a reason for every bad one. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/rng.h"
#include "sim/units.h"
#include "tests/testutil.h"

struct time_case {
    const char *s;
    vh_time_t ps;
};

/* Expected values worked out by hand from the unit definitions. */
static const struct time_case good_times[] = {
    { "250ns", 250000 },
    { "10us", 10000000 },
    { "2.5us", 2500000 },
    { "2ms", 2000000000 },
    { "1s", 1000000000000ULL },
    { "1ps", 1 },
    { "0ns", 0 },
    { "0.001ns", 1 },
    { "1.0005ns", 1001 },       /* 1000.5 ps rounds half up. */
    { "0.4ps", 0 },
    { "0.5ps", 1 },
    { "007us", 7000000 },
    { "18000000s", 18000000000000000000ULL },
};

START_TEST(test_time_good)
{
    for (size_t i = 0; i < sizeof good_times / sizeof good_times[0]; i++) {
        const struct time_case *c = &good_times[i];
        vh_time_t t = 12345;
        char why[256] = "";
        ck_assert_msg(vh_parse_time(c->s, &t, why, sizeof why) == 0,
                      "\"%s\": %s", c->s, why);
        ck_assert_msg(t == c->ps, "\"%s\" gave %llu ps, want %llu", c->s,
                      (unsigned long long) t, (unsigned long long) c->ps);
    }

    /* Both spellings of micro: MICRO SIGN and GREEK SMALL LETTER MU. */
    vh_time_t a = 0, b = 0;
    char why[256];
    ck_assert_int_eq(vh_parse_time("3\xc2\xb5s", &a, why, sizeof why), 0);
    ck_assert_int_eq(vh_parse_time("3\xce\xbcs", &b, why, sizeof why), 0);
    ck_assert_uint_eq(a, 3 * VH_US);
    ck_assert_uint_eq(b, 3 * VH_US);
}
END_TEST

struct bad_case {
    const char *s;
    const char *why;            /* Substring the reason must contain. */
};

static const struct bad_case bad_times[] = {
    { "10", "\"10\" has no unit; write \"10us\", \"10ms\"" },
    { "0", "has no unit" },
    { "", "empty string" },
    { "-5us", "is negative" },
    { "1e3ns", "exponent; write plain decimals" },
    { "10 us", "space before its unit" },
    { " 10us", "spaces around it" },
    { "10us ", "spaces around it" },
    { "us", "does not start with a number" },
    { ".5us", "does not start with a number" },
    { "1.us", "decimal point must be followed by digits" },
    { "10sec", "unknown time unit 'sec' in \"10sec\"; did you mean 's'?" },
    { "10US", "did you mean 'us'?" },
    { "10xyz", "unknown time unit 'xyz'" },
    { "20000000s", "too long" },
    { "1234567890123456789ns", "more than 18 significant digits" },
    { "+5us", "does not start with a number" },
};

START_TEST(test_time_bad)
{
    for (size_t i = 0; i < sizeof bad_times / sizeof bad_times[0]; i++) {
        const struct bad_case *c = &bad_times[i];
        vh_time_t t;
        char why[256] = "";
        ck_assert_msg(vh_parse_time(c->s, &t, why, sizeof why) == -1,
                      "\"%s\" was accepted", c->s);
        ck_assert_msg(strstr(why, c->why), "\"%s\": got '%s', want '%s'",
                      c->s, why, c->why);
    }
}
END_TEST

START_TEST(test_link_speed)
{
    static const struct { const char *s; uint64_t bps; } good[] = {
        { "10G", 10000000000ULL }, { "10Gbps", 10000000000ULL },
        { "25Gbps", 25000000000ULL }, { "100M", 100000000ULL },
        { "1000Mbps", 1000000000ULL }, { "400G", 400000000000ULL },
        { "2.5G", 2500000000ULL }, { "1bps", 1 }, { "64kbps", 64000 },
        { "1T", 1000000000000ULL },
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        uint64_t bps = 0;
        char why[256] = "";
        ck_assert_msg(vh_parse_link_speed(good[i].s, &bps, why,
                                          sizeof why) == 0,
                      "\"%s\": %s", good[i].s, why);
        ck_assert_msg(bps == good[i].bps, "\"%s\" gave %llu", good[i].s,
                      (unsigned long long) bps);
    }

    static const struct bad_case bad[] = {
        { "10", "\"10\" has no unit" }, { "0G", "greater than zero" },
        { "10g", "did you mean 'G'?" }, { "-1G", "negative" },
        { "10Gb", "unknown link speed unit 'Gb'" }, { "1e1G", "exponent" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t bps;
        char why[256] = "";
        ck_assert_msg(vh_parse_link_speed(bad[i].s, &bps, why,
                                          sizeof why) == -1,
                      "\"%s\" was accepted", bad[i].s);
        ck_assert_msg(strstr(why, bad[i].why), "\"%s\": got '%s'",
                      bad[i].s, why);
    }
}
END_TEST

START_TEST(test_rate)
{
    static const struct { const char *s; double pps, bps; } good[] = {
        { "1Mpps", 1e6, 0 }, { "500kpps", 5e5, 0 }, { "10kpps", 1e4, 0 },
        { "2.5kpps", 2500, 0 }, { "1pps", 1, 0 }, { "2Gbps", 0, 2e9 },
        { "100Mbps", 0, 1e8 }, { "1G", 0, 1e9 }, { "0.5pps", 0.5, 0 },
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        double pps = -1, bps = -1;
        char why[256] = "";
        ck_assert_msg(vh_parse_rate(good[i].s, &pps, &bps, why,
                                    sizeof why) == 0,
                      "\"%s\": %s", good[i].s, why);
        ck_assert_msg(pps == good[i].pps && bps == good[i].bps,
                      "\"%s\" gave pps %g bps %g", good[i].s, pps, bps);
    }

    static const struct bad_case bad[] = {
        { "1000", "has no unit" }, { "0pps", "greater than zero" },
        { "0Gbps", "greater than zero" }, { "1Mbit", "unknown rate unit" },
        { "1mpps", "did you mean" }, { "", "empty" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double pps, bps;
        char why[256] = "";
        ck_assert_msg(vh_parse_rate(bad[i].s, &pps, &bps, why,
                                    sizeof why) == -1,
                      "\"%s\" was accepted", bad[i].s);
        ck_assert_msg(strstr(why, bad[i].why), "\"%s\": got '%s'",
                      bad[i].s, why);
    }
}
END_TEST

START_TEST(test_cost)
{
    struct vh_cost_value v;
    char why[256] = "";

    ck_assert_int_eq(vh_parse_cost("1200cyc", &v, why, sizeof why), 0);
    ck_assert(v.cyc == 1200 && !v.ns && !v.cyc_per_byte && !v.ns_per_byte);
    ck_assert_int_eq(vh_parse_cost("250ns", &v, why, sizeof why), 0);
    ck_assert(v.ns == 250 && !v.cyc && !v.cyc_per_byte && !v.ns_per_byte);
    ck_assert_int_eq(vh_parse_cost("1.5us", &v, why, sizeof why), 0);
    ck_assert(v.ns == 1500 && !v.cyc);
    ck_assert_int_eq(vh_parse_cost("500ps", &v, why, sizeof why), 0);
    ck_assert(v.ns == 0.5);
    ck_assert_int_eq(vh_parse_cost("0.3ns/B", &v, why, sizeof why), 0);
    ck_assert(v.ns_per_byte == 0.3 && !v.ns && !v.cyc && !v.cyc_per_byte);
    ck_assert_int_eq(vh_parse_cost("0.25cyc/B", &v, why, sizeof why), 0);
    ck_assert(v.cyc_per_byte == 0.25 && !v.cyc && !v.ns);
    ck_assert_int_eq(vh_parse_cost("0cyc", &v, why, sizeof why), 0);
    ck_assert(v.cyc == 0);

    static const struct bad_case bad[] = {
        { "1200", "\"1200\" has no unit" }, { "12cycles", "unknown cost "
          "unit 'cycles'" }, { "ns", "does not start with a number" },
        { "5cyc/b", "did you mean 'cyc/B'?" }, { "-3cyc", "negative" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        why[0] = '\0';
        ck_assert_msg(vh_parse_cost(bad[i].s, &v, why, sizeof why) == -1,
                      "\"%s\" was accepted", bad[i].s);
        ck_assert_msg(strstr(why, bad[i].why), "\"%s\": got '%s'",
                      bad[i].s, why);
    }
}
END_TEST

/* A frame's time on the wire: exact picoseconds, rounded down, the same
 * on both sides of the size where the product outgrows 64 bits. */
START_TEST(test_bytes_time)
{
    /* 84 bytes (a 64-byte frame with preamble and gap) at 10 Gbit/s. */
    ck_assert_uint_eq(vh_bytes_time(84, 10000000000ULL), 67200);
    /* 1 byte at 3 bit/s: 8/3 s, rounded down. */
    ck_assert_uint_eq(vh_bytes_time(1, 3), 2666666666666ULL);
    static const uint64_t rates[] = { 3, 1000000000ULL, 25000000000ULL,
                                      400000000000ULL, 7 };
    uint64_t edge = UINT64_MAX / (8 * VH_SEC);
    for (size_t i = 0; i < sizeof rates / sizeof *rates; i++) {
        for (uint64_t b = edge - 2; b <= edge + 2; b++) {
            unsigned __int128 want = (unsigned __int128) b * 8 * VH_SEC
                                     / rates[i];
            ck_assert_uint_eq(vh_bytes_time(b, rates[i]), (uint64_t) want);
        }
    }
}
END_TEST

/* vh_time_round is llround for the times a run computes: halves away
 * from zero, fractions, and whole values up to where doubles are only
 * even. */
START_TEST(test_time_round)
{
    static const double xs[] = { 0.0, 0.49999999999999994, 0.5, 1.5, 2.5,
                                 3333333.333333333, 1000000.5,
                                 4503599627370495.5,
                                 4503599627370497.0, 9007199254740993.0,
                                 1e18, 9.2e18 };
    for (size_t i = 0; i < sizeof xs / sizeof *xs; i++) {
        ck_assert_msg(vh_time_round(xs[i]) == (uint64_t) llround(xs[i]),
                      "%.17g", xs[i]);
    }
    struct vh_rng r;
    vh_rng_seed(&r, 3, "test/round");
    for (int i = 0; i < 100000; i++) {
        double x = ldexp(vh_rng_uniform(&r), i % 62);
        double half = floor(x) + 0.5;
        ck_assert_uint_eq(vh_time_round(x), (uint64_t) llround(x));
        ck_assert_uint_eq(vh_time_round(half), (uint64_t) llround(half));
    }
}
END_TEST

START_TEST(test_format_time)
{
    static const struct { vh_time_t ps; const char *s; } cases[] = {
        { 1250000, "1.25us" }, { 830000, "830ns" }, { 0, "0s" },
        { 2 * VH_MS, "2ms" }, { 1, "1ps" }, { 1500, "1.5ns" },
        { 999999600, "1ms" },   /* 999.9996us rounds up a unit. */
        { 1234567, "1.235us" }, { 3 * VH_SEC, "3s" }, { 999, "999ps" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[32];
        ck_assert_str_eq(vh_format_time(cases[i].ps, buf, sizeof buf),
                         cases[i].s);
    }

    /* Whatever it prints parses back to within the rounding of its three
     * decimals: half a thousandth of the unit, at most 0.05%. */
    for (vh_time_t ps = 1; ps < 100 * VH_SEC; ps = ps * 7 + 3) {
        char buf[32], why[256];
        vh_time_t back;
        vh_format_time(ps, buf, sizeof buf);
        ck_assert_msg(vh_parse_time(buf, &back, why, sizeof why) == 0,
                      "%s: %s", buf, why);
        double err = (double) (back > ps ? back - ps : ps - back);
        ck_assert_msg(err <= (double) ps * 0.0005 + 0.5,
                      "%llu printed as %s", (unsigned long long) ps, buf);
    }
}
END_TEST

static Suite *
units_suite(void)
{
    Suite *s = suite_create("units");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, test_time_good);
    tcase_add_test(tc, test_time_bad);
    tcase_add_test(tc, test_link_speed);
    tcase_add_test(tc, test_rate);
    tcase_add_test(tc, test_cost);
    tcase_add_test(tc, test_bytes_time);
    tcase_add_test(tc, test_time_round);
    tcase_add_test(tc, test_format_time);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(units_suite)
