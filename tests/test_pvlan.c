/* tests/test_pvlan.c: private VLANs and port isolation.
 *
 * Who reaches whom, for every pair of port types, on a Linux bridge and
 * on Open vSwitch alike (RFC 5517's table); the same across hosts through
 * a switch whose trunks carry the secondaries' tags, as tshark reads them
 * on the cable; Linux's isolated ports; and the loader's refusals, at
 * their JSON paths. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/core/world.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* The ports of the table: two isolated (101), two of community 102, one
 * of community 103, one promiscuous. */
static const struct {
    const char *vm;
    const char *pvlan;
} ports[] = {
    { "iso1", "'secondary': 101, 'type': 'isolated'" },
    { "iso2", "'secondary': 101, 'type': 'isolated'" },
    { "ca1", "'secondary': 102, 'type': 'community'" },
    { "ca2", "'secondary': 102, 'type': 'community'" },
    { "cb1", "'secondary': 103, 'type': 'community'" },
    { "pro", "'type': 'promiscuous'" },
};
#define N_PORTS (sizeof ports / sizeof ports[0])

/* RFC 5517: may a ping from ports[i] to ports[j] be answered? */
static bool
reaches(size_t i, size_t j)
{
    const char *a = ports[i].vm, *b = ports[j].vm;
    if (!strcmp(a, "pro") || !strcmp(b, "pro")) {
        return true;
    }
    return a[0] == 'c' && b[0] == 'c' && a[1] == b[1];
}

/* Every ordered pair of ports pings, on one host whose VMs attach to
 * 'attach' ("bridge" or "ovs"). */
static char *
table_json(const char *attach)
{
    static char buf[20480];
    char vms[8192] = "", traffic[8192] = "";
    size_t vl = 0, tl = 0;
    for (size_t i = 0; i < N_PORTS; i++) {
        vl += (size_t) snprintf(vms + vl, sizeof vms - vl,
            "%s{'name': '%s', 'nics': [{'name': 'eth0', "
            "'ip': '10.0.0.%zu/24', 'attach': {'type': '%s', 'to': 'br0', "
            "'pvlan': {'primary': 100, %s}}}]}", i ? "," : "", ports[i].vm,
            i + 1, attach, ports[i].pvlan);
        for (size_t j = 0; j < N_PORTS; j++) {
            if (i == j) {
                continue;
            }
            tl += (size_t) snprintf(traffic + tl, sizeof traffic - tl,
                "%s{'name': '%s-%s', 'from': 'h/%s', 'to': 'h/%s', "
                "'proto': 'icmp', 'rate': '10kpps', 'count': 3}",
                tl ? "," : "", ports[i].vm, ports[j].vm, ports[i].vm,
                ports[j].vm);
        }
    }
    snprintf(buf, sizeof buf,
             "{'name': 't', 'duration': '3ms', 'hosts': [{'name': 'h', "
             "'bridges': [{'name': 'br0', 'type': '%s'%s}], 'vms': [%s]}], "
             "'traffic': [%s]}",
             !strcmp(attach, "ovs") ? "ovs" : "linux-bridge",
             !strcmp(attach, "ovs") ? "" : ", 'vlan_filtering': true",
             vms, traffic);
    return vh_test_dq(buf);
}

static void
check_table(const char *attach)
{
    char *json = table_json(attach);
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    size_t f = 0;
    for (size_t i = 0; i < N_PORTS; i++) {
        for (size_t j = 0; j < N_PORTS; j++) {
            if (i == j) {
                continue;
            }
            const struct flow_stats *fs = &r.w->flows[f++];
            bool got = fs->delivered > 0;
            ck_assert_msg(got == reaches(i, j), "%s: %s -> %s: %s, "
                          "delivered %llu of %llu", attach, ports[i].vm,
                          ports[j].vm, reaches(i, j) ? "must reach"
                                                     : "must not reach",
                          (unsigned long long) fs->delivered,
                          (unsigned long long) fs->sent);
            if (got) {
                ck_assert_uint_eq(fs->delivered, fs->sent);
            }
        }
    }
    wt_assert_held(r.w);
    wt_run_free(&r);
    free(json);
}

START_TEST(test_pvlan_table_linux_bridge)
{
    check_table("bridge");
}
END_TEST

START_TEST(test_pvlan_table_ovs)
{
    check_table("ovs");
}
END_TEST

/* The shipped scenario: across hosts, through tor1's trunks, with the
 * router on a promiscuous switch port. */
START_TEST(test_pvlan_across_hosts)
{
    static const struct {
        const char *flow;
        bool reaches;
    } want[] = {
        { "web1-gw", true }, { "web1-router", true },
        { "web1-web2", false }, { "web1-web3", false },
        { "app1-app2", true }, { "app1-web1", false }, { "gw-web2", true },
    };
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    char *out = NULL;
    char top[4096];
    ck_assert(getcwd(top, sizeof top));
    int st = vh_test_sh(&out, "bin=$(realpath '%s') && cd '%s' && \"$bin\" "
                        "run '%s/scenarios/pvlan.json' --json r.json -q && "
                        "python3 -c \"import json; "
                        "r=json.load(open('r.json')); print(' '.join("
                        "'%%s=%%d' %% (f['name'], f['delivered']) for f in "
                        "r['flows']))\"", vh_test_bin(), dir, top);
    ck_assert_msg(st == 0, "%s", out);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char key[64];
        snprintf(key, sizeof key, "%s=%s", want[i].flow,
                 want[i].reaches ? "10" : "0");
        ck_assert_msg(strstr(out, key), "want %s in: %s", key, out);
    }
    free(out);
    /* The trunk carries each frame tagged with the VLAN it was sent in:
     * web1's ARP requests in isolated 101, app1's in community 102, the
     * router's replies (from a promiscuous port) in the primary 100. */
    char cap[4200];
    snprintf(cap, sizeof cap, "%s/traces/pvlan-host1-eth0.pcap", dir);
    vh_tshark_assert_clean(cap);
    static const struct {
        const char *filter, *vids;
    } tags[] = {
        { "arp.opcode == 1 && arp.src.proto_ipv4 == 10.0.0.11", "101" },
        { "arp.opcode == 1 && arp.src.proto_ipv4 == 10.0.0.21", "102" },
        { "icmp.type == 0 && ip.src == 10.0.0.254", "100" },
    };
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
        st = vh_test_sh(&out, "tshark -r '%s' -Y '%s' -T fields -e vlan.id "
                        "2>/dev/null | sort -u | tr '\\n' ' '", cap,
                        tags[i].filter);
        ck_assert_msg(st == 0, "%s", out);
        char expect[16];
        snprintf(expect, sizeof expect, "%s ", tags[i].vids);
        ck_assert_msg(!strcmp(out, expect), "%s: VLANs '%s', want '%s'",
                      tags[i].filter, out, expect);
        free(out);
    }
    /* The router, on a promiscuous access port, sees them untagged. */
    snprintf(cap, sizeof cap, "%s/traces/pvlan-router.pcap", dir);
    st = vh_test_sh(&out, "tshark -r '%s' -Y vlan 2>/dev/null | wc -l",
                    cap);
    ck_assert_msg(st == 0 && atoi(out) == 0, "tagged at the router: %s",
                  out);
    free(out);
    free(dir);
}
END_TEST

/* Linux's 'isolated on': isolated ports do not reach each other, but do
 * reach the others, and an isolated uplink keeps isolated VMs off the
 * wire. */
START_TEST(test_port_isolation)
{
    char *json = vh_test_dq(
        "{'name': 'iso', 'duration': '3ms', 'hosts': ["
        " {'name': 'h', 'nics': [{'name': 'eth0', 'link': 'sw/p1'}],"
        "  'bridges': [{'name': 'br0', 'type': 'linux-bridge', 'ports': "
        "   [{'name': 'eth0', 'isolated': true}]}],"
        "  'vms': ["
        "   {'name': 'a', 'nics': [{'name': 'eth0', 'ip': '10.0.0.1/24',"
        "    'attach': {'type': 'bridge', 'to': 'br0', 'isolated': true}}]},"
        "   {'name': 'b', 'nics': [{'name': 'eth0', 'ip': '10.0.0.2/24',"
        "    'attach': {'type': 'bridge', 'to': 'br0', 'isolated': true}}]},"
        "   {'name': 'c', 'nics': [{'name': 'eth0', 'ip': '10.0.0.3/24',"
        "    'attach': {'type': 'bridge', 'to': 'br0'}}]}]},"
        " {'name': 'r', 'nics': [{'name': 'eth0', 'ip': '10.0.0.9/24',"
        "   'link': 'sw/p2'}]}],"
        " 'switches': [{'name': 'sw', 'mode': '802.1q', 'ports': 2}],"
        " 'traffic': ["
        "  {'name': 'a-b', 'from': 'h/a', 'to': 'h/b', 'proto': 'icmp',"
        "   'rate': '10kpps', 'count': 3},"
        "  {'name': 'a-c', 'from': 'h/a', 'to': 'h/c', 'proto': 'icmp',"
        "   'rate': '10kpps', 'count': 3},"
        "  {'name': 'c-b', 'from': 'h/c', 'to': 'h/b', 'proto': 'icmp',"
        "   'rate': '10kpps', 'count': 3},"
        "  {'name': 'a-r', 'from': 'h/a', 'to': 'r', 'proto': 'icmp',"
        "   'rate': '10kpps', 'count': 3},"
        "  {'name': 'c-r', 'from': 'h/c', 'to': 'r', 'proto': 'icmp',"
        "   'rate': '10kpps', 'count': 3}]}");
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    static const uint64_t want[] = { 0, 3, 3, 0, 3 };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        ck_assert_msg(r.w->flows[i].delivered == want[i], "flow %zu: "
                      "delivered %llu, want %llu", i,
                      (unsigned long long) r.w->flows[i].delivered,
                      (unsigned long long) want[i]);
    }
    wt_assert_held(r.w);
    wt_run_free(&r);
    free(json);
}
END_TEST

static const char host_fmt[] =
    "{'hosts': [{'name': 'h', 'nics': [{'name': 'eth0', 'link': 'sw/p1'}],"
    " 'bridges': [{'name': 'br0', 'type': '%s'%s}],"
    " 'vms': [{'name': 'v', 'nics': [{'name': 'eth0', 'ip': '10.0.0.1/24',"
    "  %s 'attach': {'type': '%s', 'to': 'br0'%s}}]}]}],"
    " 'switches': [{'name': 'sw', 'mode': '%s', 'ports': 4%s}]}";

static const struct {
    const char *br, *br_extra, *nic_extra, *attach, *attach_extra;
    const char *sw_mode, *sw_extra;
    const char *msg;
} bad[] = {
    { "linux-bridge", "", "", "bridge",
      ", 'pvlan': {'primary': 100, 'secondary': 101, 'type': 'isolated'}",
      "802.1q", "",
      "hosts[0].vms[0].nics[0].attach.pvlan: a private VLAN needs "
      "\"vlan_filtering\": true on bridge 'br0'" },
    { "linux-bridge", ", 'vlan_filtering': true, 'ports': [{'name': "
      "'eth0', 'pvlan': {'primary': 100, 'type': 'promiscuous'}}]", "",
      "bridge", "", "802.1q", "", NULL },
    { "linux-bridge", ", 'ports': [{'name': 'eth0', 'pvlan': {'primary': "
      "100, 'type': 'promiscuous'}}]", "", "bridge", "", "802.1q", "",
      "hosts[0].bridges[0].ports[0].pvlan: a private VLAN needs "
      "\"vlan_filtering\": true on bridge 'br0'" },
    { "ovs", "", "", "ovs", ", 'isolated': true", "802.1q", "",
      "hosts[0].vms[0].nics[0].attach.isolated: port isolation is a Linux "
      "bridge's" },
    { "ovs", ", 'ports': [{'name': 'eth0', 'isolated': true}]", "", "ovs",
      "", "802.1q", "",
      "hosts[0].bridges[0].ports[0].isolated: port isolation is a Linux "
      "bridge's" },
    { "ovs", "", "'vlan': 5,", "ovs",
      ", 'pvlan': {'primary': 100, 'secondary': 101, 'type': 'isolated'}",
      "802.1q", "",
      "hosts[0].vms[0].nics[0].vlan: a port with 'pvlan' is an access port "
      "of its private VLAN; leave 'vlan' out" },
    { "ovs", "", "", "ovs",
      ", 'pvlan': {'primary': 100, 'secondary': 101, 'type': "
      "'promiscuous'}", "802.1q", "",
      "hosts[0].vms[0].nics[0].attach.pvlan.secondary: a promiscuous port "
      "belongs to the primary VLAN 100" },
    { "ovs", "", "", "ovs",
      ", 'pvlan': {'primary': 100, 'secondary': 100, 'type': 'isolated'}",
      "802.1q", "",
      "hosts[0].vms[0].nics[0].attach.pvlan.secondary: the secondary VLAN "
      "must differ from the primary 100" },
    { "ovs", "", "", "ovs", ", 'pvlan': {'primary': 100, 'type': "
      "'community'}", "802.1q", "",
      "hosts[0].vms[0].nics[0].attach.pvlan: missing required key "
      "'secondary'" },
    { "ovs", "", "", "ovs", ", 'pvlan': {'primary': 100, 'secondary': "
      "101}", "802.1q", "",
      "hosts[0].vms[0].nics[0].attach.pvlan: missing required key 'type'" },
    { "ovs", "", "", "ovs", ", 'pvlan': {'primary': 4095, 'secondary': "
      "101, 'type': 'isolated'}", "802.1q", "",
      "hosts[0].vms[0].nics[0].attach.pvlan.primary:" },
    { "ovs", "", "", "ovs", ", 'pvlan': {'primary': 100, 'secondary': "
      "101, 'type': 'private'}", "802.1q", "",
      "hosts[0].vms[0].nics[0].attach.pvlan.type:" },
    { "ovs", "", "", "ovs", "", "802.1q",
      ", 'pvlan': {'primary': 100, 'isolated': [101], 'community': [101]}",
      "switches[0].pvlan.community[0]: VLAN 101 is listed as both isolated "
      "and community" },
    { "ovs", "", "", "ovs", "", "802.1q",
      ", 'pvlan': {'primary': 100, 'isolated': [101], "
      "'promiscuous_ports': ['p9']}",
      "switches[0].pvlan.promiscuous_ports[0]: port 9 is out of range" },
    { "ovs", "", "", "ovs", "", "802.1q", ", 'pvlan': {'primary': 100}",
      "switches[0].pvlan: a private VLAN needs at least one secondary" },
    { "ovs", "", "", "ovs", "", "802.1q",
      ", 'pvlan': {'primary': 100, 'isolated': [100]}",
      "switches[0].pvlan.isolated[0]: VLAN 100 is the primary" },
    { "ovs", "", "", "ovs", "", "802.1q",
      ", 'pvlan': {'primary': 100, 'isolated': [101], 'secondary': 5}",
      "switches[0].pvlan: unknown key 'secondary'" },
};

START_TEST(test_pvlan_refusals)
{
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char s[4096];
        snprintf(s, sizeof s, host_fmt, bad[i].br, bad[i].br_extra,
                 bad[i].nic_extra, bad[i].attach, bad[i].attach_extra,
                 bad[i].sw_mode, bad[i].sw_extra);
        char *json = vh_test_dq(s);
        wt_assert_refused(json, bad[i].msg, i);
        free(json);
    }
}
END_TEST

static Suite *
pvlan_suite(void)
{
    Suite *s = suite_create("pvlan");
    TCase *tc = tcase_create("pvlan");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_pvlan_table_linux_bridge);
    tcase_add_test(tc, test_pvlan_table_ovs);
    tcase_add_test(tc, test_pvlan_across_hosts);
    tcase_add_test(tc, test_port_isolation);
    tcase_add_test(tc, test_pvlan_refusals);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(pvlan_suite)
