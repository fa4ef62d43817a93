/* tests/test_costs.c: the calibration table's defaults and checked
 * overrides. */
#include <check.h>
#include <string.h>

#include "models/core/config.h"
#include "models/core/costs.h"
#include "models/core/world.h"
#include "models/hw/cpu.h"
#include "tests/testutil.h"

START_TEST(test_defaults)
{
    struct costs c;
    memset(&c, 0xff, sizeof c);
    costs_defaults(&c);         /* Aborts if any default does not parse. */

    /* The defaults are the table's strings, each read as an override of
     * its own primitive would be; and each fits its kind.  (The values
     * themselves are calibrated elsewhere and change, so they are not
     * repeated here.) */
    for (size_t i = 0; i < COST_N; i++) {
        const struct cost_info *ci = &cost_table[i];
        const struct vh_cost_value *v = &c.v[i];
        struct costs fresh;
        char why[256] = "";
        memset(&fresh, 0, sizeof fresh);
        ck_assert_ptr_nonnull(ci->name);
        ck_assert_ptr_nonnull(ci->doc);
        ck_assert_msg(costs_set(&fresh, ci->name, ci->default_value, why,
                                sizeof why) == 0, "%s: %s", ci->name, why);
        ck_assert_msg(!memcmp(&fresh.v[i], v, sizeof *v), "%s", ci->name);
        ck_assert_msg(v->cyc >= 0 && v->ns >= 0 && v->cyc_per_byte >= 0
                      && v->ns_per_byte >= 0, "%s", ci->name);
        if (ci->kind == COST_KIND_TIME) {
            ck_assert_msg(!v->cyc && !v->cyc_per_byte, "%s", ci->name);
        } else if (ci->kind == COST_KIND_COUNT) {
            ck_assert_msg(v->cyc == (double) cost_count(&c, (enum cost_id) i)
                          && !v->ns && !v->cyc_per_byte && !v->ns_per_byte,
                          "%s", ci->name);
        }
        for (size_t j = 0; j < i; j++) {
            ck_assert_msg(strcmp(cost_table[j].name, ci->name), "%s twice",
                          ci->name);
        }
    }
}
END_TEST

/* The cycles a core at 'khz' charges for primitive 'id' on 'bytes'. */
static uint64_t
core_cycles(const struct costs *c, uint64_t khz, enum cost_id id,
            uint32_t bytes)
{
    struct cpu_prices prices;
    struct cpu_core core;
    cpu_prices_init(&prices, khz, c);
    cpu_core_init(&core, 0, &prices, NULL);
    return cpu_cycles(&core, id, bytes);
}

/* The prices the simulation charges: a core's cycles, the world's
 * hardware times. */
START_TEST(test_arithmetic)
{
    struct costs c;
    char why[256];
    memset(&c, 0, sizeof c);

    /* 1200 cycles are 1200 cycles at any clock; 500 ns are 1300 cycles at
     * 2.6 GHz (500 x 2.6); 0.25 cyc/B over 1500 bytes adds 375. */
    ck_assert_int_eq(costs_set(&c, "vmexit", "1200cyc", why, sizeof why), 0);
    ck_assert_uint_eq(core_cycles(&c, 2600000, COST_VMEXIT, 0), 1200);
    ck_assert_uint_eq(core_cycles(&c, 1000000, COST_VMEXIT, 0), 1200);
    ck_assert_int_eq(costs_set(&c, "vmexit", "500ns", why, sizeof why), 0);
    ck_assert_uint_eq(core_cycles(&c, 2600000, COST_VMEXIT, 0), 1300);
    ck_assert_int_eq(costs_set(&c, "copy_byte", "0.25cyc/B", why,
                               sizeof why), 0);
    ck_assert_uint_eq(core_cycles(&c, 2600000, COST_COPY_BYTE, 1500), 375);

    /* Hardware: 0.3 ns/B for 1000 bytes is 300 ns; 1 us is 1 us. */
    struct vh_diag d;
    struct cfg_scenario *sc = cfg_load_string(
        "{ \"costs\": { \"pcie_byte\": \"0.3ns/B\","
        "             \"pcie_latency\": \"1us\" },"
        "  \"hosts\": [ { \"name\": \"h\" } ] }", "hw.json", NULL, &d);
    ck_assert_msg(sc != NULL, "%s", d.msg);
    struct world *w = world_build(sc, &d);
    ck_assert_msg(w != NULL, "%s", d.msg);
    ck_assert_uint_eq(hw_time(w, COST_PCIE_BYTE, 1000), 300 * VH_NS);
    ck_assert_uint_eq(hw_time(w, COST_PCIE_LATENCY, 0), VH_US);
    world_free(w);
    cfg_free(sc);
}
END_TEST

START_TEST(test_set)
{
    struct costs c;
    char why[256];
    costs_defaults(&c);

    ck_assert_int_eq(costs_set(&c, "vmexit", "2000cyc", why, sizeof why), 0);
    ck_assert(c.v[COST_VMEXIT].cyc == 2000);
    /* A CPU cost may be a time: converted with the core's clock. */
    ck_assert_int_eq(costs_set(&c, "vmexit", "500ns", why, sizeof why), 0);
    ck_assert(c.v[COST_VMEXIT].cyc == 0 && c.v[COST_VMEXIT].ns == 500);
    ck_assert_uint_eq(core_cycles(&c, 2600000, COST_VMEXIT, 0), 1300);
    /* An override replaces the whole value. */
    ck_assert_int_eq(costs_set(&c, "copy_byte", "0.1ns/B", why, sizeof why),
                     0);
    ck_assert(c.v[COST_COPY_BYTE].cyc_per_byte == 0);
    ck_assert(c.v[COST_COPY_BYTE].ns_per_byte == 0.1);
    ck_assert_int_eq(costs_set(&c, "pcie_latency", "1us", why, sizeof why),
                     0);
    ck_assert(c.v[COST_PCIE_LATENCY].ns == 1000);
    ck_assert_int_eq(costs_set(&c, "napi_budget", "32", why, sizeof why), 0);
    ck_assert_uint_eq(cost_count(&c, COST_NAPI_BUDGET), 32);
}
END_TEST

START_TEST(test_set_bad)
{
    static const struct {
        const char *name, *value;
        int rc;
        const char *why;
    } cases[] = {
        { "vmexti", "100cyc", -1, "unknown cost 'vmexti'; did you mean "
          "'vmexit'?" },
        { "bogus_thing", "1cyc", -1, "unknown cost 'bogus_thing' (the "
          "primitives are listed" },
        { "pcie_latency", "100cyc", -2, "'pcie_latency' is time spent in "
          "hardware" },
        { "pcie_byte", "1cyc/B", -2, "time spent in hardware" },
        { "wire_delay", "0cyc", -2, "time spent in hardware" },
        { "napi_budget", "64cyc", -2, "not a plain whole number" },
        { "napi_budget", "1.5", -2, "not a plain whole number" },
        { "napi_budget", "-1", -2, "not a plain whole number" },
        { "napi_budget", "99999999999", -2, "too large" },
        { "vmexit", "1200", -2, "\"1200\" has no unit" },
        { "vmexit", "fast", -2, "does not start with a number" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct costs c, before;
        char why[256] = "";
        costs_defaults(&c);
        before = c;
        int rc = costs_set(&c, cases[i].name, cases[i].value, why,
                           sizeof why);
        ck_assert_msg(rc == cases[i].rc, "%s=%s: rc %d", cases[i].name,
                      cases[i].value, rc);
        ck_assert_msg(strstr(why, cases[i].why), "%s=%s: got '%s'",
                      cases[i].name, cases[i].value, why);
        ck_assert_msg(!memcmp(&c, &before, sizeof c), "%s=%s changed the "
                      "table", cases[i].name, cases[i].value);
    }
}
END_TEST

static Suite *
costs_suite(void)
{
    Suite *s = suite_create("costs");
    TCase *tc = tcase_create("costs");
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_arithmetic);
    tcase_add_test(tc, test_set);
    tcase_add_test(tc, test_set_bad);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(costs_suite)
