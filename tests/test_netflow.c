/* tests/test_netflow.c: NetFlow v5 and IPFIX from OVS.
 *
 * A flow of N ms under an active timeout of T ms leaves ceil(N / T)
 * records, all but the last by the active timeout, and they count every
 * packet; without an active timeout one record when the flow goes idle;
 * IPFIX sampling one frame in N counts about 1/N of them; the shipped
 * scenario's datagrams decode in Wireshark, from the management address,
 * the template first, their packets adding up to what was sent; the
 * loader applies OVS's defaults and refuses what OVS refuses. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/config.h"
#include "models/core/flowexp.h"
#include "models/ovs/ovs_kernel.h"
#include "sim/diag.h"
#include "sim/time.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* host h: OVS bridge br0 over eth0 with vm1 and vm2; eth1 has the
 * host's address; mon collects.  vm1 sends to vm2 at 100 kpps for
 * FLOW. */
#define SCENARIO(BRKEYS, FLOW, DURATION)                                  \
    "{\"duration\": \"" DURATION "\", \"hosts\": [{\"name\": \"h\", "     \
    "\"nics\": [{\"name\": \"eth0\", \"link\": \"sw/p1\"}, {\"name\": "   \
    "\"eth1\", \"ip\": \"10.0.0.100/24\", \"link\": \"sw/p3\"}], "        \
    "\"bridges\": [{\"name\": \"br0\", \"type\": \"ovs\", \"ports\": "   \
    "[\"eth0\"]" BRKEYS "}], \"vms\": [{\"name\": \"vm1\", \"nics\": "    \
    "[{\"name\": \"eth0\", \"ip\": \"10.0.0.1/24\", \"attach\": "         \
    "{\"type\": \"ovs\", \"to\": \"br0\"}}]}, {\"name\": \"vm2\", "       \
    "\"nics\": [{\"name\": \"eth0\", \"ip\": \"10.0.0.2/24\", "           \
    "\"attach\": {\"type\": \"ovs\", \"to\": \"br0\"}}]}]}, "             \
    "{\"name\": \"mon\", \"nics\": [{\"name\": \"eth0\", \"ip\": "        \
    "\"10.0.0.200/24\", \"link\": \"sw/p2\"}]}], \"switches\": "          \
    "[{\"name\": \"sw\", \"ports\": 4}], \"traffic\": [{\"name\": "      \
    "\"f\", \"from\": \"h/vm1\", \"to\": \"h/vm2\", \"size\": 128, "      \
    "\"rate\": \"100kpps\", \"duration\": \"" FLOW "\"}]}"

static struct flowexp_stats
run_stats(const char *json, bool ipfix)
{
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    struct vh_device *d = wt_dev(r.w, "h/br0");
    struct ovs_kernel *br = VH_CONTAINER_OF(d, struct ovs_kernel, dev);
    struct flowexp *fx = ipfix ? br->flowexp.ipfix : br->flowexp.netflow;
    struct flowexp_stats s;
    ck_assert_ptr_nonnull(fx);
    flowexp_stats(fx, &s);
    wt_run_free(&r);
    return s;
}

static const struct {
    const char *flow, *active;
    unsigned records;
} timeouts[] = {
    { "7ms", "2ms", 4 },            /* ceil(7 / 2) */
    { "6500us", "3ms", 3 },         /* ceil(6.5 / 3) */
    { "3ms", "5ms", 1 },            /* Over before the first timeout. */
};

START_TEST(test_records_by_timeouts)
{
    char keys[512], json[4096];
    for (int ipfix = 0; ipfix < 2; ipfix++) {
        snprintf(keys, sizeof keys, ", \"%s\": {\"collector\": \"mon\", "
                 "\"%s\": \"%s\", %s\"inactive_timeout\": \"1ms\", "
                 "\"tick\": \"100us\"}", ipfix ? "ipfix" : "netflow",
                 ipfix ? "cache_active_timeout" : "active_timeout",
                 timeouts[_i].active, ipfix ? "\"sampling\": 1, " : "");
        snprintf(json, sizeof json, SCENARIO("%s", "%s", "12ms"), keys,
                 timeouts[_i].flow);
        struct flowexp_stats s = run_stats(json, ipfix);
        double ms = strtod(timeouts[_i].flow, NULL);
        ms /= strstr(timeouts[_i].flow, "us") ? 1000 : 1;
        /* Every frame vm1 sent, at 100 kpps, and one flow. */
        ck_assert_uint_eq(s.packets, (uint64_t) llround(ms * 100));
        ck_assert_uint_eq(s.flows, 1);
        ck_assert_uint_eq(s.records, timeouts[_i].records);
        ck_assert_uint_eq(s.records_idle, 1);
        ck_assert_uint_eq(s.records_active, timeouts[_i].records - 1);
        ck_assert_uint_eq(s.cached, 0);
        ck_assert_uint_eq(s.templates, ipfix ? 1 : 0);
    }
}
END_TEST

START_TEST(test_no_active_timeout_one_record)
{
    struct flowexp_stats s = run_stats(SCENARIO(
        ", \"netflow\": {\"collector\": \"mon\", \"active_timeout\": -1, "
        "\"inactive_timeout\": \"1ms\", \"tick\": \"100us\"}", "7ms",
        "10ms"), false);
    ck_assert_uint_eq(s.records, 1);
    ck_assert_uint_eq(s.records_idle, 1);
    /* The run ends before the flow has been idle long enough: its entry
     * is still in the cache, no record sent. */
    s = run_stats(SCENARIO(
        ", \"netflow\": {\"collector\": \"mon\", \"active_timeout\": -1, "
        "\"tick\": \"100us\"}", "7ms", "10ms"), false);
    ck_assert_uint_eq(s.records, 0);
    ck_assert_uint_eq(s.cached, 1);
}
END_TEST

START_TEST(test_ipfix_samples_one_in_n)
{
    struct flowexp_stats s = run_stats(SCENARIO(
        ", \"ipfix\": {\"collector\": \"mon\", \"sampling\": 10, "
        "\"tick\": \"100us\"}", "8ms", "10ms"), true);
    /* 800 frames offered, about 80 sampled; uncached: a record each. */
    ck_assert_uint_eq(s.pool, 800);
    ck_assert_msg(s.packets > 50 && s.packets < 110, "%llu sampled",
                  (unsigned long long) s.packets);
    ck_assert_uint_eq(s.records, s.packets);
}
END_TEST

/* --- The shipped scenario in Wireshark. --- */

/* Sums the comma-separated numbers of every line. */
static unsigned long long
sum_all(const char *s)
{
    unsigned long long t = 0;
    while (*s) {
        char *end;
        unsigned long long x = strtoull(s, &end, 10);
        if (end == s) {
            s++;
        } else {
            t += x;
            s = end;
        }
    }
    return t;
}

START_TEST(test_tshark_decodes_netflow_and_ipfix)
{
    vh_tshark_require();
    char bin[4096], scn[4096], pcap[4200], *out = NULL;
    ck_assert_ptr_nonnull(realpath(vh_test_bin(), bin));
    ck_assert_ptr_nonnull(realpath("scenarios/lldp-netflow.json", scn));
    char *dir = vh_test_tmpdir();
    int st = vh_test_sh(&out, "cd '%s' && '%s' run '%s' --json r.json",
                        dir, bin, scn);
    ck_assert_msg(st == 0, "vhsim run failed: %s", out);
    free(out);
    snprintf(pcap, sizeof pcap, "%s/traces/lldp-netflow-collector.pcap",
             dir);
    vh_tshark_assert_clean(pcap);

    /* Every datagram from host1's management address (eth1), NetFlow v5
     * to 2055 or IPFIX to 4739. */
    st = vh_test_sh(&out, "tshark -r '%s' -Y cflow -T fields -e ip.src "
                    "-e udp.dstport -e cflow.version 2>/dev/null | sort "
                    "| uniq -c | awk '{print $2, $3, $4}'", pcap);
    ck_assert_int_eq(st, 0);
    ck_assert_str_eq(out, "10.0.0.100 2055 5\n10.0.0.100 4739 10\n");
    free(out);
    /* The IPFIX template set (2) comes first, with template 256. */
    st = vh_test_sh(&out, "tshark -r '%s' -Y 'cflow.version == 10' -T "
                    "fields -e cflow.flowset_id -e cflow.template_id "
                    "2>/dev/null | head -1", pcap);
    ck_assert_str_eq(out, "2,256\t256\n");
    free(out);
    /* Records of vm1-to-vm2 in each format count its 700 packets, in
     * ceil(7 / 2) = 4 records, from OpenFlow port 2 to port 3. */
    for (int v = 5; v <= 10; v += 5) {
        st = vh_test_sh(&out, "tshark -r '%s' -Y 'cflow.version == %d' -T "
                        "fields -E occurrence=a -e cflow.srcaddr -e "
                        "cflow.dstaddr -e cflow.inputint -e "
                        "cflow.outputint -e cflow.packets 2>/dev/null | "
                        "awk -F'\\t' '{n = split($1, s, \",\"); "
                        "split($2, d, \",\"); split($3, i, \",\"); "
                        "split($4, o, \",\"); split($5, p, \",\"); "
                        "for (k = 1; k <= n; k++) if (d[k] == "
                        "\"10.0.0.2\") print s[k], i[k], o[k], p[k]}'",
                        pcap, v);
        ck_assert_int_eq(st, 0);
        unsigned lines = 0;
        for (const char *c = out; *c; c++) {
            lines += *c == '\n';
        }
        ck_assert_uint_eq(lines, 4);
        ck_assert_msg(!strncmp(out, "10.0.0.1 2 3 ", 13), "%s", out);
        /* Sum of the last field of each line. */
        unsigned long long total = 0;
        for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n")) {
            total += sum_all(strrchr(l, ' '));
        }
        ck_assert_uint_eq(total, 700);
        free(out);
    }
    vh_test_sh(NULL, "rm -r '%s'", dir);
    free(dir);
}
END_TEST

/* --- The loader. --- */

static struct cfg_scenario *
load(const char *json, struct vh_diag *d)
{
    vh_diag_init(d);
    return cfg_load_string(json, "t.json", NULL, d);
}

START_TEST(test_loader_defaults)
{
    struct vh_diag d;
    struct cfg_scenario *sc = load(SCENARIO(
        ", \"netflow\": {\"collector\": \"mon\"}, \"ipfix\": "
        "{\"collector\": \"h/vm2\"}", "1ms", "2ms"), &d);
    ck_assert_msg(sc != NULL, "%s", d.msg);
    const struct cfg_bridge *br = &sc->hosts[0].bridges[0];
    const struct cfg_flowexp *nf = br->netflow, *ix = br->ipfix;
    ck_assert_int_eq(nf->format, CFG_FLOWEXP_NETFLOW5);
    ck_assert_uint_eq(nf->active_timeout, 600 * VH_SEC);
    ck_assert_uint_eq(nf->inactive_timeout, 10 * VH_SEC);
    ck_assert_uint_eq(nf->tick, VH_SEC);
    ck_assert_uint_eq(nf->collector_port, 2055);
    ck_assert_uint_eq(nf->collector_ip, 0x0a0000c8);
    ck_assert_uint_eq(nf->sampling, 1);
    /* The management address: eth1's, not the bridge's uplink eth0. */
    ck_assert_uint_eq(nf->agent_ip, 0x0a000064);
    ck_assert_int_eq(ix->format, CFG_FLOWEXP_IPFIX);
    ck_assert_uint_eq(ix->sampling, 400);
    ck_assert(ix->uncached);
    ck_assert_uint_eq(ix->collector_port, 4739);
    ck_assert_uint_eq(ix->collector_ip, 0x0a000002);
    ck_assert_uint_eq(ix->template_interval, 600 * VH_SEC);
    cfg_free(sc);

    /* OVS's 0 is its default; -1 disables. */
    sc = load(SCENARIO(", \"netflow\": {\"collector\": \"mon\", "
                       "\"active_timeout\": 0}", "1ms", "2ms"), &d);
    ck_assert_uint_eq(sc->hosts[0].bridges[0].netflow->active_timeout,
                      600 * VH_SEC);
    cfg_free(sc);
    sc = load(SCENARIO(", \"netflow\": {\"collector\": \"mon\", "
                       "\"active_timeout\": -1}", "1ms", "2ms"), &d);
    ck_assert_uint_eq(sc->hosts[0].bridges[0].netflow->active_timeout, 0);
    cfg_free(sc);
}
END_TEST

static const struct {
    const char *keys;
    const char *want;
} refusals[] = {
    { ", \"netflow\": {\"collector\": \"nobody\"}",
      "hosts[0].bridges[0].netflow.collector" },
    { ", \"netflow\": {\"collector\": \"h\"}",
      "hosts[0].bridges[0].netflow.collector: 'h' is the host" },
    { ", \"ipfix\": {\"collector\": \"mon\", \"cache_active_timeout\": "
      "5000}", "hosts[0].bridges[0].ipfix.cache_active_timeout: at most "
      "4200 seconds" },
    { ", \"netflow\": {\"collector\": \"mon\", \"sampling\": 2}",
      "hosts[0].bridges[0].netflow: unknown key 'sampling'" },
    { ", \"netflow\": {\"collector\": \"mon\", \"agent\": \"eth0\"}",
      "hosts[0].bridges[0].netflow.agent: 'eth0' of host 'h' has no" },
    { ", \"ipfix\": {\"collector\": \"mon\", \"tick\": \"1us\"}",
      "hosts[0].bridges[0].ipfix.tick: at least 100us" },
};

START_TEST(test_loader_refusals)
{
    char json[4096];
    struct vh_diag d;
    snprintf(json, sizeof json, SCENARIO("%s", "1ms", "2ms"),
             refusals[_i].keys);
    ck_assert_ptr_null(load(json, &d));
    ck_assert_msg(strstr(d.msg, refusals[_i].want) == d.msg,
                  "got '%s', want '%s...'", d.msg, refusals[_i].want);
}
END_TEST

START_TEST(test_linux_bridge_refuses)
{
    struct vh_diag d;
    ck_assert_ptr_null(load(
        "{\"hosts\": [{\"name\": \"h\", \"nics\": [{\"name\": \"eth0\", "
        "\"ip\": \"10.0.0.1/24\"}], \"bridges\": [{\"name\": \"br0\", "
        "\"type\": \"linux-bridge\", \"ports\": [], \"netflow\": "
        "{\"collector\": \"x\"}}]}]}", &d));
    ck_assert_ptr_nonnull(strstr(d.msg, "hosts[0].bridges[0].netflow: "
                                 "'netflow' applies only to bridges of "
                                 "type ovs"));
}
END_TEST

static Suite *
netflow_suite(void)
{
    Suite *s = suite_create("netflow");
    TCase *tc = tcase_create("export");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_records_by_timeouts, 0,
                        sizeof timeouts / sizeof timeouts[0]);
    tcase_add_test(tc, test_no_active_timeout_one_record);
    tcase_add_test(tc, test_ipfix_samples_one_in_n);
    tcase_add_test(tc, test_tshark_decodes_netflow_and_ipfix);
    suite_add_tcase(s, tc);
    tc = tcase_create("loader");
    tcase_add_test(tc, test_loader_defaults);
    tcase_add_loop_test(tc, test_loader_refusals, 0,
                        sizeof refusals / sizeof refusals[0]);
    tcase_add_test(tc, test_linux_bridge_refuses);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(netflow_suite)
