/* tests/test_unbuilt.c: keys the scenario format defines for
 * features with no model yet are refused as "not supported yet" at their
 * own path, not as unknown keys (loader/scenario_json.c). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/config.h"
#include "sim/diag.h"
#include "tests/testutil.h"

/* A host with a NIC, a bridge and a VM on it, a switch, and a flow;
 * %s is spliced in at the marked place of each case. */
#define BASE(TOP, NIC, PORT, VNIC, ATTACH, SW, FLOW)                       \
    "{ \"duration\": \"1ms\"" TOP ", \"hosts\": [ { \"name\": \"h\","     \
    " \"nics\": [ { \"name\": \"eth0\", \"link\": \"sw/p1\"" NIC " } ],"   \
    " \"bridges\": [ { \"name\": \"br0\", \"type\": \"linux-bridge\","     \
    "   \"ports\": [ \"eth0\"" PORT " ] } ],"                              \
    " \"vms\": [ { \"name\": \"vm1\", \"nics\": [ { \"name\": \"eth0\", \"ip\": \"10.0.0.1/24\"" \
    VNIC ", \"attach\": { \"type\": \"bridge\", \"to\": \"br0\"" ATTACH    \
    " } } ] } ] },"                                                        \
    " { \"name\": \"r\", \"nics\": [ { \"name\": \"eth0\","                \
    "   \"ip\": \"10.0.0.2/24\", \"link\": \"sw/p2\" } ] } ],"             \
    " \"switches\": [ { \"name\": \"sw\", \"ports\": 4" SW " } ],"         \
    " \"traffic\": [ { \"name\": \"f\", \"from\": \"h/vm1\", \"to\": \"r\"," \
    "   \"rate\": \"1kpps\"" FLOW " } ] }"

static const struct {
    const char *json;
    const char *want;
} cases[] = {
    { BASE("", ", \"vlans\": [ { \"id\": 5, \"ip\": \"10.1.0.1/24\", "
           "\"ip6\": \"2001:db8::5/64\" } ]", "", "", "", "", ""),
      "hosts[0].nics[0].vlans[0].ip6: not supported yet: IPv6 on VLAN "
      "subinterfaces" },
    { BASE("", "", "", "", "", "", ", \"family\": 6, \"pcap\": \"x.pcap\""),
      "traffic[0].family: not supported yet: replaying a capture over "
      "IPv6" },
};

START_TEST(test_unbuilt_refused_by_name)
{
    struct vh_diag d;
    vh_diag_init(&d);
    struct cfg_scenario *sc = cfg_load_string(cases[_i].json, "t.json", NULL,
                                              &d);
    ck_assert_ptr_null(sc);
    ck_assert_msg(strstr(d.msg, cases[_i].want) == d.msg, "got '%s', want "
                  "'%s...'", d.msg, cases[_i].want);
}
END_TEST

/* A key no format defines is still unknown, with a guess. */
START_TEST(test_unknown_still_unknown)
{
    struct vh_diag d;
    vh_diag_init(&d);
    struct cfg_scenario *sc = cfg_load_string(
        BASE("", ", \"offload\": true", "", "", "", "", ""), "t.json", NULL,
        &d);
    ck_assert_ptr_null(sc);
    ck_assert_msg(strstr(d.msg, "hosts[0].nics[0]: unknown key 'offload'")
                  == d.msg, "%s", d.msg);
}
END_TEST

static Suite *
unbuilt_suite(void)
{
    Suite *s = suite_create("unbuilt");
    TCase *tc = tcase_create("loader");
    tcase_add_loop_test(tc, test_unbuilt_refused_by_name, 0,
                        (int) (sizeof cases / sizeof *cases));
    tcase_add_test(tc, test_unknown_still_unknown);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(unbuilt_suite)
