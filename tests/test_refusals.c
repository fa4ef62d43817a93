/* tests/test_refusals.c: what has no model is refused by the models too.
 *
 * The loader refuses what vhsim cannot run yet before anything is built
 * (loader/scenario_support.c).  These tests take a scenario the loader
 * accepted, change its config as a loader without that check would have
 * let through, and build the world: each must be refused at the JSON path
 * with "not supported yet", never run as something else (a 'set' event as
 * a link change, a VN-Tag switch as an 802.1Q one, TCP as UDP, a burst as
 * constant rate, OVS's kernel datapath as a Linux bridge). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/config.h"
#include "models/core/world.h"
#include "sim/diag.h"
#include "tests/testutil.h"

static const char base_json[] =
    "{ \"duration\": \"1ms\","
    "  \"hosts\": ["
    "   { \"name\": \"host1\", \"cpu\": { \"cores\": 4 },"
    "     \"nics\": [ { \"name\": \"eth0\", \"model\": \"82599\","
    "                   \"link\": \"tor1/p1\" } ],"
    "     \"bridges\": [ { \"name\": \"br0\", \"type\": \"linux-bridge\","
    "                      \"ports\": [\"eth0\"] } ],"
    "     \"vms\": [ { \"name\": \"vm1\", \"nics\": [ { \"name\": \"eth0\","
    "       \"ip\": \"10.0.0.1/24\","
    "       \"attach\": { \"type\": \"bridge\", \"to\": \"br0\" } } ] } ] },"
    "   { \"name\": \"remote\", \"nics\": [ { \"name\": \"eth0\","
    "       \"ip\": \"10.0.0.100/24\", \"link\": \"tor1/p2\" } ] } ],"
    "  \"switches\": [ { \"name\": \"tor1\", \"mode\": \"802.1q\","
    "                   \"ports\": 4 } ],"
    "  \"traffic\": [ { \"name\": \"f1\", \"from\": \"host1/vm1\","
    "                  \"to\": \"remote\", \"proto\": \"udp\","
    "                  \"rate\": \"10kpps\", \"count\": 3 } ],"
    "  \"events\": [ { \"at\": \"500us\", \"action\": \"link-down\","
    "                 \"target\": \"host1/eth0\" } ] }";

/* Loads the base scenario, lets 'bend' change its config, builds it, and
 * returns the refusal (caller frees); fails if the world builds. */
static char *
refusal(void (*bend)(struct cfg_scenario *))
{
    struct vh_diag d;
    vh_diag_init(&d);
    struct cfg_scenario *sc = cfg_load_string(base_json, "t.json", NULL, &d);
    ck_assert_msg(sc != NULL, "base scenario: %s", d.msg);
    bend(sc);
    struct world *w = world_build(sc, &d);
    if (w) {
        world_free(w);
    }
    ck_assert_msg(w == NULL, "the world was built");
    cfg_free(sc);
    return strdup(d.msg);
}

static void
expect(void (*bend)(struct cfg_scenario *), const char *want)
{
    char *msg = refusal(bend);
    ck_assert_msg(strstr(msg, want) != NULL, "got '%s', want '%s'", msg,
                  want);
    free(msg);
}

static void to_ovs_kernel(struct cfg_scenario *sc)
{
    sc->hosts[0].bridges[0].type = CFG_BR_OVS;
    sc->hosts[0].bridges[0].datapath = CFG_DP_KERNEL;
}

START_TEST(test_models_refuse_what_they_lack)
{
    /* The loader refuses the mismatch; a config bent past it is still
     * refused, not followed. */
    expect(to_ovs_kernel, "attach.to: 'br0' is not a Linux bridge");
}
END_TEST

START_TEST(test_loader_names_a_bad_rule_and_its_token)
{
    char *out = NULL;
    int st = vh_test_sh(&out, "'%s' check /dev/stdin <<'EOF'\n"
        "{ \"hosts\": [ { \"name\": \"h\", \"cpu\": { \"cores\": 4 },"
        "  \"nics\": [ { \"name\": \"eth0\" } ],"
        "  \"bridges\": [ { \"name\": \"br0\", \"type\": \"ovs\","
        "    \"datapath\": \"dpdk\", \"ports\": [\"eth0\"],"
        "    \"flows\": [\"priority=0,actions=normal\","
        "                \"udp,nw_sorc=10.0.0.1,actions=drop\"] } ] } ] }\n"
        "EOF", vh_test_bin());
    ck_assert_int_eq(st, 2);
    ck_assert_msg(strstr(out, "hosts[0].bridges[0].flows[1]: unknown field "
                         "'nw_sorc' (did you mean 'nw_src'?)"), "%s", out);
    free(out);
}
END_TEST

START_TEST(test_vlan_needs_vlan_filtering)
{
    char *out = NULL;
    int st = vh_test_sh(&out, "'%s' check /dev/stdin <<'EOF'\n"
        "{ \"hosts\": [ { \"name\": \"h\","
        "  \"bridges\": [ { \"name\": \"br0\" } ],"
        "  \"vms\": [ { \"name\": \"a\", \"nics\": [ { \"name\": \"eth0\","
        "    \"ip\": \"10.0.0.1/24\", \"vlan\": 10,"
        "    \"attach\": { \"type\": \"bridge\", \"to\": \"br0\" } } ] } ]"
        " } ] }\n"
        "EOF", vh_test_bin());
    ck_assert_int_eq(st, 2);
    ck_assert_msg(strstr(out, "hosts[0].vms[0].nics[0].vlan: VLAN 10 needs "
                         "\"vlan_filtering\": true on bridge 'br0'"),
                  "%s", out);
    free(out);
}
END_TEST

static Suite *
refusals_suite(void)
{
    Suite *s = suite_create("refusals");
    TCase *tc = tcase_create("by construction");
    tcase_add_test(tc, test_models_refuse_what_they_lack);
    tcase_add_test(tc, test_loader_names_a_bad_rule_and_its_token);
    tcase_add_test(tc, test_vlan_needs_vlan_filtering);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(refusals_suite)
