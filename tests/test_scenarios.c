/* tests/test_scenarios.c: the scenarios shipped in scenarios/ keep making
 * their point.
 *
 * Every scenario loads, runs, and runs again to the same bytes, and every
 * one of its variants holds in its buffers what it reports in flight.  The
 * comparison scenarios show the orderings the mechanisms demand, read from
 * `vhsim compare --json` as a user would. */
#include <check.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "models/core/world.h"
#include "sim/diag.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

static char bin[PATH_MAX];

static void
resolve_bin(void)
{
    if (!realpath(vh_test_bin(), bin)) {
        ck_abort_msg("vhsim binary '%s' not found", vh_test_bin());
    }
}

START_TEST(test_every_scenario_runs_twice_the_same)
{
    resolve_bin();
    char *dir = vh_test_tmpdir();
    char *out = NULL;
    /* Each scenario's report (less wall time) and captures, twice. */
    int st = vh_test_sh(&out,
        "set -e; top=$PWD; cd '%s'; for f in $top/scenarios/*.json; do "
        "  n=$(basename $f .json); mkdir -p a/$n b/$n; "
        "  (cd a/$n && '%s' run $f --json r.json --quiet); "
        "  (cd b/$n && '%s' run $f --json r.json --quiet); "
        "  sed -i /wall_s/d a/$n/r.json b/$n/r.json; "
        "  diff -r a/$n b/$n > /dev/null || { echo DIFFER $n; exit 1; }; "
        "  echo ran $n; "
        "done", dir, bin, bin);
    ck_assert_msg(st == 0, "%s", out);
    ck_assert_msg(strstr(out, "ran access-methods") && strstr(out, "ran demo")
                  && strstr(out, "ran vmdq"), "%s", out);
    free(out);
    free(dir);
}
END_TEST

/* Runs variant 'variant' (NULL: the scenario as written) of scenario
 * file 'file' in-process and checks that each flow's packets in flight,
 * as its counters leave them, are held in buffers.  Returns how many
 * packets all flows had in flight. */
static uint64_t
check_held(const char *file, const char *variant)
{
    struct vh_diag d;
    vh_diag_init(&d);
    struct cfg_scenario *cfg = cfg_load(file, variant, &d);
    ck_assert_msg(cfg != NULL, "%s: %s", file, d.msg);
    struct world *w = world_build(cfg, &d);
    ck_assert_msg(w != NULL, "%s %s: %s", file, variant ? variant : "",
                  d.msg);
    world_run(w, NULL, NULL);
    wt_assert_conserved(w, false);
    uint64_t in_flight = 0;
    for (size_t i = 0; i < w->n_flows; i++) {
        in_flight += world_in_flight(w, &w->flows[i]);
    }
    world_free(w);
    cfg_free(cfg);
    return in_flight;
}

START_TEST(test_every_scenario_holds_what_it_calls_in_flight)
{
    /* The report's sent = delivered + dropped + in_flight holds by
     * construction (in_flight is what remains); this checks in_flight
     * against the buffers the run really holds at its end. */
    glob_t g;
    ck_assert_int_eq(glob("scenarios/*.json", 0, NULL, &g), 0);
    ck_assert_int_eq(glob("scenarios/bench/*.json", GLOB_APPEND, NULL, &g),
                     0);
    uint64_t in_flight = 0;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *file = g.gl_pathv[i];
        in_flight += check_held(file, NULL);
        struct vh_diag d;
        vh_diag_init(&d);
        struct cfg_scenario *cfg = cfg_load(file, NULL, &d);
        ck_assert_ptr_nonnull(cfg);
        for (size_t v = 0; v < cfg->n_variants; v++) {
            in_flight += check_held(file, cfg->variant_names[v]);
        }
        cfg_free(cfg);
    }
    ck_assert_uint_ge(g.gl_pathc, 8);
    /* Most scenarios end with packets on their way: the check bites. */
    ck_assert_uint_gt(in_flight, 0);
    globfree(&g);
}
END_TEST

/* Whether 's' holds a CJK unified ideograph (U+4E00 to U+9FFF, UTF-8
 * E4 B8 80 to E9 BF BF): Chinese text, not an English paragraph pasted in. */
static bool
has_cjk(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (p[0] >= 0xe4 && p[0] <= 0xe9 && (p[1] & 0xc0) == 0x80
            && (p[2] & 0xc0) == 0x80 && (p[0] > 0xe4 || p[1] >= 0xb8)) {
            return true;
        }
    }
    return false;
}

/* Checks that scenario file 'file', if it has a description, has a
 * description_zh in Chinese. */
static void
check_description_zh(const char *file)
{
    char *text = vh_test_slurp(file, NULL);
    ck_assert_msg(text != NULL, "%s: cannot read", file);
    cJSON *root = cJSON_Parse(text);
    ck_assert_msg(root != NULL, "%s: not JSON", file);
    const cJSON *en = cJSON_GetObjectItemCaseSensitive(root, "description");
    if (cJSON_IsString(en)) {
        const cJSON *zh = cJSON_GetObjectItemCaseSensitive(root,
                                                           "description_zh");
        ck_assert_msg(cJSON_IsString(zh) && has_cjk(zh->valuestring),
                      "%s: has a description but no description_zh in "
                      "Chinese, which 'run --lang zh' prints instead", file);
    }
    cJSON_Delete(root);
    free(text);
}

START_TEST(test_every_description_has_a_chinese_one)
{
    /* Students read a scenario's description at the top of its report;
     * with --lang zh they get description_zh, or else the English one in
     * a Chinese report.  The shipped scenarios, the lessons and what the
     * benchmark generators write all have one. */
    char *dir = vh_test_tmpdir();
    char *out = NULL;
    int st = vh_test_sh(&out, "python3 scenarios/bench/gen_ovs.py '%s' && "
                        "python3 scenarios/bench/gen_scale.py '%s'", dir,
                        dir);
    ck_assert_msg(st == 0, "%s", out);
    char pattern[PATH_MAX];
    snprintf(pattern, sizeof pattern, "%s/*.json", dir);
    glob_t g;
    ck_assert_int_eq(glob("scenarios/*.json", 0, NULL, &g), 0);
    ck_assert_int_eq(glob("scenarios/bench/*.json", GLOB_APPEND, NULL, &g),
                     0);
    ck_assert_int_eq(glob("scenarios/lessons/*.json", GLOB_APPEND, NULL, &g),
                     0);
    ck_assert_int_eq(glob(pattern, GLOB_APPEND, NULL, &g), 0);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        check_description_zh(g.gl_pathv[i]);
    }
    ck_assert_uint_ge(g.gl_pathc, 50);
    globfree(&g);
    free(out);
    free(dir);
}
END_TEST

/* Runs `vhsim compare FILE --json` and the python3 'checks' against it:
 * r is the output, v(name) a variant's report, h(name) its first host with
 * VMs, cpp/cat/epp its cycles per packet, by category, and VM exits per
 * packet. */
static void
check_compare(const char *file, const char *checks)
{
    char *dir = vh_test_tmpdir();
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/check.py", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f,
        "import json\n"
        "r = json.load(open('c.json'))\n"
        "def v(n): return [x for x in r['variants'] if x['name'] == n][0]\n"
        "def h(n): return [x for x in v(n)['hosts'] if x.get('vms')][0]\n"
        "def cpp(n): return h(n)['cycles_per_packet']\n"
        "def cat(n, c): return h(n)['cycles_per_packet_by_category'][c]\n"
        "def epp(n): return h(n)['vm_exits_per_packet']\n"
        "%s\n"
        "print('checked')\n", checks);
    fclose(f);
    char *out = NULL;
    int st = vh_test_sh(&out, "top=$PWD; cd '%s' && '%s' compare "
                        "\"$top/%s\" --json c.json --quiet && python3 check.py",
                        dir, bin, file);
    ck_assert_msg(st == 0 && strstr(out, "checked"), "%s: %s", file, out);
    free(out);
    free(dir);
}

START_TEST(test_access_methods_orderings)
{
    resolve_bin();
    /* Host cycles per packet fall as the hypervisor does less per frame:
     * trapped register accesses, then a user-space backend, then an
     * in-kernel one, then none at all. */
    check_compare("scenarios/access-methods.json",
        "assert cpp('e1000') > cpp('virtio-qemu') > cpp('vhost-net') "
        "> cpp('sr-iov'), [cpp(n) for n in ('e1000','virtio-qemu','vhost-net','sr-iov')]\n"
        "assert cpp('rtl8139') > cpp('e1000')\n"
        "assert epp('rtl8139') > epp('e1000') > epp('vhost-net') > epp('vhost-user')\n"
        "assert epp('e1000') > 1.5 * epp('virtio-qemu')\n"
        "for n in ('sr-iov', 'passthrough'):\n"
        "  assert cat(n,'vswitch') < 10 and cat(n,'vhost') == 0 and cat(n,'qemu') == 0, n\n"
        "  assert h(n)['copies_bytes'] == 0, n\n"
        "assert cat('vhost-net','vswitch') > 500 and cat('vhost-net','vhost') > 500\n"
        "assert cat('macvtap','vswitch') < cat('vhost-net','vswitch')\n"
        "assert cat('e1000','qemu') > 0 and cat('virtio-qemu','qemu') > 0\n"
        "u = [c for c in h('vhost-user')['cpu']['cores'] if c['cycles']['poll'] > 0]\n"
        "assert u and all(c['util'] > 0.99 for c in u), u\n");
}
END_TEST

START_TEST(test_vmdq_takes_fewer_interrupts)
{
    resolve_bin();
    check_compare("scenarios/vmdq.json",
        "b, q = h('base'), h('vmdq')\n"
        "assert q['interrupts_per_s'] < b['interrupts_per_s'] / 2, (b['interrupts_per_s'], q['interrupts_per_s'])\n"
        "cb, cq = b['copies_bytes_per_packet'], q['copies_bytes_per_packet']\n"
        "assert abs(cb - cq) < 0.02 * cb, (cb, cq)   # the copy stays\n"
        "soft = lambda x: [c['cycles']['softirq'] for c in x['cpu']['cores']]\n"
        "assert soft(b)[0] > 0.9 * sum(soft(b)), soft(b)\n"
        "assert max(soft(q)) < 0.6 * sum(soft(q)), soft(q)\n");
}
END_TEST

START_TEST(test_rss_spreads_and_power_save_gathers)
{
    resolve_bin();
    check_compare("scenarios/rss-irqbalance.json",
        "def work(n):\n"
        "  s = [x for x in v(n)['hosts'] if x['name'] == 'server'][0]\n"
        "  return [c['cycles']['irq'] + c['cycles']['softirq'] for c in s['cpu']['cores']]\n"
        "assert sum(1 for x in work('base') if x > 0) == 4, work('base')\n"
        "assert sum(1 for x in work('power-save') if x > 0) == 1, work('power-save')\n"
        "assert sum(1 for x in work('one-queue') if x > 0) == 1, work('one-queue')\n");
}
END_TEST


START_TEST(test_contract_example_compares)
{
    resolve_bin();
    /* The example of the scenario format's own documentation: every
     * variant runs, and the e1000 one traps more and delivers less. */
    check_compare("scenarios/contract-example.json",
        "assert [x['name'] for x in r['variants']] == "
        "['base', 'e1000', 'vhost-net', 'sr-iov']\n"
        "for x in r['variants']:\n"
        "  assert x['flows'][0]['delivered'] > 0, x['name']\n"
        "assert epp('e1000') > epp('vhost-net') > epp('sr-iov')\n"
        "assert cpp('e1000') > cpp('vhost-net') > cpp('sr-iov')\n");
}
END_TEST

START_TEST(test_hosts_list_their_bridges)
{
    resolve_bin();
    /* Each host's bridges, as their classes report them: the NAT host's
     * virbr0 beside its br0, OVS with its datapath, none on a bare-metal
     * host.  br0 learned its three addresses (two VMs and the remote). */
    check_compare("scenarios/nat-vs-bridge.json",
        "h = [x for x in v('base')['hosts'] if x['name'] == 'host1'][0]\n"
        "b = {x['name']: x for x in h['bridges']}\n"
        "assert sorted(b) == ['br0', 'virbr0'], b\n"
        "assert all(x['type'] == 'linux-bridge' and x['datapath'] == "
        "'kernel' for x in b.values()), b\n"
        "assert b['br0']['flooded'] >= 1, b\n"
        "r2 = [x for x in v('base')['hosts'] if x['name'] == 'remote'][0]\n"
        "assert r2['bridges'] == [], r2['bridges']\n");
    check_compare("scenarios/access-methods.json",
        "b = h('vhost-user')['bridges']\n"
        "assert [(x['type'], x['datapath'], x['pmds']) for x in b] == "
        "[('ovs', 'dpdk', 1)], b\n"
        "assert h('vhost-net')['bridges'][0]['type'] == 'linux-bridge'\n");
}
END_TEST

START_TEST(test_vlans_isolate_and_tag)
{
    resolve_bin();
    /* VLAN filtering on a Linux bridge: one VLAN's VMs reach each other,
     * never another VLAN's, even in the same IP subnet; the default VLAN
     * reaches the untagged world; VLAN 10 leaves by the uplink tagged, and
     * a host without a VLAN 10 interface drops it. */
    check_compare("scenarios/vlans.json",
        "f = {x['name']: x for x in v('base')['flows']}\n"
        "assert f['same-vlan']['delivered'] == 20, f['same-vlan']\n"
        "assert f['untagged-out']['delivered'] == 20, f['untagged-out']\n"
        "for n in ('across-vlans', 'tagged-out'):\n"
        "  assert f[n]['delivered'] == 0 and f[n]['in_flight'] == 20, f[n]\n"
        "d = {x['path']: x for x in v('base')['devices']}\n"
        "assert d['host1/vm3/eth0']['rx'] == 0, d['host1/vm3/eth0']\n"
        "assert d['remote/eth0']['drops'] >= 1, d['remote/eth0']\n");
    char *dir = vh_test_tmpdir();
    char *out = NULL;
    int st = vh_test_sh(&out, "top=$PWD; cd '%s' && '%s' run "
        "\"$top/scenarios/vlans.json\" --quiet && "
        "tshark -r traces/vlans-host1-eth0.pcap -T fields -e vlan.id "
        "-e arp.src.proto_ipv4 -e ip.src | sort | uniq -c", dir, bin);
    ck_assert_msg(st == 0, "%s", out);
    /* Tagged 10: the ARP requests of vm1 and vm2, flooded in VLAN 10 to
     * the uplink; nothing of VLAN 20 leaves (vm3 never sends); vm4's
     * frames leave untagged. */
    ck_assert_msg(strstr(out, "10\t10.0.0.2\t"), "%s", out);
    ck_assert_msg(strstr(out, "10\t10.0.0.1\t"), "%s", out);
    ck_assert_msg(!strstr(out, "20\t"), "%s", out);
    ck_assert_msg(strstr(out, "20 \t\t10.0.0.4"), "%s", out);
    free(out);
    free(dir);
}
END_TEST

static Suite *
scenarios_suite(void)
{
    Suite *s = suite_create("scenarios");
    TCase *tc = tcase_create("shipped");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_every_scenario_runs_twice_the_same);
    tcase_add_test(tc, test_every_scenario_holds_what_it_calls_in_flight);
    tcase_add_test(tc, test_access_methods_orderings);
    tcase_add_test(tc, test_vmdq_takes_fewer_interrupts);
    tcase_add_test(tc, test_rss_spreads_and_power_save_gathers);
    tcase_add_test(tc, test_contract_example_compares);
    tcase_add_test(tc, test_hosts_list_their_bridges);
    tcase_add_test(tc, test_vlans_isolate_and_tag);
    suite_add_tcase(s, tc);
    TCase *zh = tcase_create("descriptions");
    tcase_add_test(zh, test_every_description_has_a_chinese_one);
    suite_add_tcase(s, zh);
    return s;
}

VH_SUITE(scenarios_suite)
