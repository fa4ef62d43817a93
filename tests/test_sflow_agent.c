/* tests/test_sflow_agent.c: sFlow on OVS bridges.
 *
 * The datapath samples one frame in N: over many frames the count of
 * samples is near pool / N (and, the draws being seeded, exactly the
 * same on every run); every datagram reaches the collector as control
 * traffic, never a drop; the counter pollers run on time; the DPDK
 * datapath samples too; the loader resolves the agent and collector
 * addresses; and the datagrams of the shipped scenario decode in tshark
 * as a collector would read them. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "models/core/config.h"
#include "models/hostnet/ovs_dpdk.h"
#include "models/ovs/odp.h"
#include "models/ovs/ovs_kernel.h"
#include "models/ovs/sflow.h"
#include "models/ovs/sflow_agent.h"
#include "sim/frame.h"
#include "sim/trace.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* host1: an OVS bridge with sFlow 'SF' (datapath 'DP') on its uplink
 * eth0, vm1 and vm2 on it; host2, the collector, across a switch.  vm1
 * sends 'COUNT' frames to vm2 at 100 kpps.  host1's address is on eth0
 * (the bridge's LOCAL port) with the kernel datapath, and on a NIC of its
 * own, eth1, with DPDK, which takes eth0 from the kernel. */
#define HOST_ADDR_ON_BRIDGE                                               \
    "{'name': 'eth0', 'ip': '10.0.0.100/24', 'link': 'sw/p1'}"
#define HOST_ADDR_APART                                                   \
    "{'name': 'eth0', 'link': 'sw/p1'}, {'name': 'eth1', "                \
    "'ip': '10.0.0.100/24', 'link': 'sw/p3'}"
#define SCENARIO(NICS, DP, VNIC_EXTRA, PMD, SF, DURATION, COUNT)          \
    "{'duration': '" DURATION "', 'hosts': ["                             \
    "{'name': 'host1', 'nics': [" NICS "], "                              \
    "'bridges': [{'name': 'br0', 'type': 'ovs', "                         \
    "'datapath': '" DP "', 'ports': ['eth0']" PMD ", 'sflow': " SF "}], " \
    "'vms': [{'name': 'vm1', 'nics': [{'name': 'eth0', 'ip': "            \
    "'10.0.0.1/24'" VNIC_EXTRA ", 'attach': {'type': 'ovs', 'to': "      \
    "'br0'}}]}, {'name': 'vm2', 'nics': [{'name': 'eth0', 'ip': "        \
    "'10.0.0.2/24'" VNIC_EXTRA ", 'attach': {'type': 'ovs', 'to': "      \
    "'br0'}}]}]}, "                                                       \
    "{'name': 'host2', 'nics': [{'name': 'eth0', 'ip': '10.0.0.200/24', " \
    "'link': 'sw/p2'}]}], "                                               \
    "'switches': [{'name': 'sw', 'ports': 4}], "                          \
    "'traffic': [{'name': 'f', 'from': 'host1/vm1', 'to': 'host1/vm2', "  \
    "'size': 128, 'rate': '100kpps', 'count': " COUNT "}]}"

#define KERNEL(SF, DURATION, COUNT)                                       \
    SCENARIO(HOST_ADDR_ON_BRIDGE, "kernel", "", "", SF, DURATION, COUNT)

static struct wt_run
run(const char *json, void (*subscribe)(struct world *, void *), void *ctx)
{
    char *text = vh_test_dq(json);
    struct wt_run r = wt_run_json(text, NULL, subscribe, ctx);
    free(text);
    return r;
}

static struct sflow_agent_stats
kernel_stats(struct world *w, struct ovs_kernel **brp)
{
    struct vh_device *d = wt_dev(w, "host1/br0");
    struct ovs_kernel *br = VH_CONTAINER_OF(d, struct ovs_kernel, dev);
    struct sflow_agent_stats s;
    ck_assert_ptr_nonnull(br->sflow);
    sflow_agent_stats(br->sflow, &s);
    if (brp) {
        *brp = br;
    }
    return s;
}

/* --- What reaches the collector. --- */

struct collector_watch {
    uint64_t delivered;         /* sFlow datagrams taken in by host2. */
    uint64_t dropped;           /* sFlow datagrams dropped anywhere. */
};

static bool
is_sflow(const struct vh_packet *p)
{
    struct vh_frame_info fi;
    return p->flow == VH_FLOW_NONE
           && !vh_frame_parse(p->data, p->len, &fi, false) && fi.is_ipv4
           && fi.ip_proto == VH_IPPROTO_UDP && fi.dport == SFLOW_PORT;
}

static void
watch_hop(void *ctx, const struct vh_hop *hop)
{
    struct collector_watch *cw = ctx;
    if (!is_sflow(hop->pkt)) {
        return;
    }
    if (hop->kind == VH_HOP_DROP) {
        cw->dropped++;
    } else if (!strcmp(hop->dev->path, "host2/eth0")) {
        cw->delivered++;
    }
}

static void
subscribe_watch(struct world *w, void *ctx)
{
    vh_trace_subscribe(&w->trace, VH_HOP_BIT(VH_HOP_DELIVER)
                       | VH_HOP_BIT(VH_HOP_DROP), watch_hop, ctx);
}

/* 20000 frames, one in 10 sampled: about 2000 samples, within a few
 * standard deviations (sqrt(n p (1 - p)), 42 here), and exactly the
 * same number on every run of the seed.  Every datagram but one still
 * in flight at the end reaches the collector, and none is dropped. */
START_TEST(test_samples_one_in_n)
{
    struct collector_watch cw = { 0, 0 };
    struct wt_run r = run(KERNEL("{'sampling': 10, 'collector': 'host2', "
                                 "'polling': '10ms', 'flush': '1ms'}",
                                 "205ms", "20000"),
                          subscribe_watch, &cw);
    struct ovs_kernel *br;
    struct sflow_agent_stats s = kernel_stats(r.w, &br);

    /* The pool is every frame whose actions the datapath ran: its hits
     * and its upcalls that were not lost. */
    ck_assert_uint_eq(s.pool, br->hit + br->missed - br->lost);
    ck_assert_uint_ge(s.pool, 20000);
    double expect = (double) s.pool / 10;
    double sigma = sqrt((double) s.pool * 0.1 * 0.9);
    ck_assert_msg(fabs((double) s.samples - expect) < 4 * sigma,
                  "%llu samples of %llu frames, 1 in 10",
                  (unsigned long long) s.samples,
                  (unsigned long long) s.pool);
    ck_assert_uint_eq(s.samples, 2056);

    /* Polled at 0, 10ms ... 200ms: 21 rounds of eth0, vm1, vm2, LOCAL. */
    ck_assert_uint_eq(s.counter_samples, 21 * 4);
    ck_assert_uint_eq(cw.dropped, 0);
    ck_assert_uint_le(cw.delivered, s.datagrams);
    ck_assert_uint_ge(cw.delivered + 1, s.datagrams);
    ck_assert_uint_gt(s.datagrams, 200);
    wt_assert_conserved(r.w, false);
    ck_assert_uint_eq(r.w->flows[0].drops.total, 0);
    wt_run_free(&r);
}
END_TEST

/* With sampling 1 every frame is a sample, on the DPDK datapath too,
 * where the PMD pays for each sample's upcall. */
START_TEST(test_dpdk_samples_every_frame)
{
    struct collector_watch cw = { 0, 0 };
    struct wt_run r = run(SCENARIO(HOST_ADDR_APART, "dpdk",
                                   ", 'backend': 'vhost-user'",
                                   ", 'pmd_cores': [3]",
                                   "{'sampling': 1, 'collector': 'host2', "
                                   "'polling': 0, 'flush': '1ms'}",
                                   "3ms", "100"),
                          subscribe_watch, &cw);
    struct vh_device *d = wt_dev(r.w, "host1/br0");
    struct ovs_dpdk *br = VH_CONTAINER_OF(d, struct ovs_dpdk, dev);
    struct sflow_agent_stats s;
    ck_assert_ptr_nonnull(br->sflow);
    sflow_agent_stats(br->sflow, &s);
    ck_assert_uint_ge(s.pool, 100);
    ck_assert_uint_eq(s.samples, s.pool);
    ck_assert_uint_eq(s.counter_samples, 0);     /* 'polling': 0. */
    ck_assert_uint_gt(s.datagrams, 0);
    ck_assert_uint_gt(cw.delivered, 0);
    ck_assert_uint_eq(cw.dropped, 0);
    wt_run_free(&r);
}
END_TEST

/* Without a sampling rate OVS samples 1 in 400; with the default
 * one-second flush, a short run sends only full datagrams and reports
 * the rest pending. */
START_TEST(test_defaults_gather_until_full)
{
    struct wt_run r = run(KERNEL("{'collector': 'host2'}", "5ms", "100"),
                          NULL, NULL);
    struct sflow_agent_stats s = kernel_stats(r.w, NULL);
    ck_assert_uint_eq(s.counter_samples, 4);     /* Only at the start. */
    ck_assert_uint_eq(s.samples, 2);             /* Of about 100. */
    ck_assert_uint_eq(s.datagrams, 0);
    ck_assert_uint_eq(s.pending, s.samples + s.counter_samples);
    wt_run_free(&r);
}
END_TEST

/* --- The output port a flow sample names. --- */

START_TEST(test_output_port)
{
    struct odp_actions acts;
    struct odp_action out = { .type = ODP_OUTPUT, .port = 3 };
    struct odp_action push = { .type = ODP_PUSH_VLAN, .value = 0x100a };
    odp_actions_init(&acts);
    ck_assert_uint_eq(sflow_agent_output(&acts), 0x40000000u | 256);
    odp_actions_add(&acts, &push);
    odp_actions_add(&acts, &out);
    ck_assert_uint_eq(sflow_agent_output(&acts), 3);
    out.port = 4;
    odp_actions_add(&acts, &out);
    ck_assert_uint_eq(sflow_agent_output(&acts), 0x80000000u | 2);
    odp_actions_destroy(&acts);
}
END_TEST

/* --- The loader. --- */

static struct cfg_scenario *
load(const char *json)
{
    struct vh_diag d;
    char *text = vh_test_dq(json);
    struct cfg_scenario *sc = cfg_load_string(text, "tests/t.json", NULL,
                                              &d);
    free(text);
    ck_assert_msg(sc != NULL, "%s", d.msg);
    return sc;
}

START_TEST(test_loader_defaults_and_addresses)
{
    struct cfg_scenario *sc = load(KERNEL("{'collector': 'host2'}", "5ms",
                                          "10"));
    const struct cfg_sflow *cs = sc->hosts[0].bridges[0].sflow;
    uint32_t ip;
    ck_assert_ptr_nonnull(cs);
    ck_assert_str_eq(cs->jpath, "hosts[0].bridges[0].sflow");
    ck_assert_uint_eq(cs->sampling, 400);
    ck_assert_uint_eq(cs->header, 128);
    ck_assert_uint_eq(cs->polling, 30 * VH_SEC);
    ck_assert_uint_eq(cs->flush, VH_SEC);
    ck_assert_uint_eq(cs->collector_port, 6343);
    ck_assert_ptr_null(cs->agent);
    vh_ipv4_parse("10.0.0.100", &ip, NULL);
    ck_assert_uint_eq(cs->agent_ip, ip);
    vh_ipv4_parse("10.0.0.200", &ip, NULL);
    ck_assert_uint_eq(cs->collector_ip, ip);
    cfg_free(sc);

    /* OVS writes the polling interval in seconds; a VM can collect; the
     * agent is named by its interface. */
    sc = load(KERNEL("{'sampling': 1, 'polling': 20, 'header': 64, "
                     "'collector': 'host1/vm2', 'agent': 'eth0', "
                     "'collector_port': 9999, 'flush': '250us'}", "5ms",
                     "10"));
    cs = sc->hosts[0].bridges[0].sflow;
    ck_assert_uint_eq(cs->sampling, 1);
    ck_assert_uint_eq(cs->header, 64);
    ck_assert_uint_eq(cs->polling, 20 * VH_SEC);
    ck_assert_uint_eq(cs->flush, 250 * VH_US);
    ck_assert_uint_eq(cs->collector_port, 9999);
    ck_assert_str_eq(cs->agent, "eth0");
    vh_ipv4_parse("10.0.0.2", &ip, NULL);
    ck_assert_uint_eq(cs->collector_ip, ip);
    cfg_free(sc);
}
END_TEST

/* The contract's bridge: the internal port mgmt (10.0.0.254/24) and the
 * host's own NIC eth4 (192.168.0.1/24, with 'GW'); the collector host2
 * at 'CIP'. */
#define AGENT_SCN(GW, CIP)                                                \
    "{'hosts': [{'name': 'host1', 'nics': [{'name': 'eth0', "             \
    "'link': 'sw/p1'}, {'name': 'eth4', 'ip': '192.168.0.1/24'" GW ", "   \
    "'link': 'sw/p3'}], 'bridges': [{'name': 'br-int', 'type': 'ovs', "   \
    "'ports': ['eth0', {'name': 'mgmt', 'type': 'internal', "             \
    "'ip': '10.0.0.254/24'}], 'sflow': {'sampling': 64, "                 \
    "'collector': 'host2'}}]}, {'name': 'host2', 'nics': [{'name': "      \
    "'eth0', 'ip': '" CIP "', 'link': 'sw/p2'}]}], "                      \
    "'switches': [{'name': 'sw', 'ports': 4}]}"

/* Without "agent", the agent address is the host's first from which
 * the collector is reachable, as OVS takes the address its route to
 * the collector leaves from: in the collector's subnet, whichever of
 * the NIC and the internal port that is; else the first with a
 * gateway. */
START_TEST(test_default_agent_reaches_the_collector)
{
    static const struct { const char *json, *agent; } cases[] = {
        { AGENT_SCN("", "192.168.0.2/24"), "192.168.0.1" },
        { AGENT_SCN("", "10.0.0.100/24"), "10.0.0.254" },
        { AGENT_SCN(", 'gateway': '192.168.0.254'", "172.16.0.9/24"),
          "192.168.0.1" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct cfg_scenario *sc = load(cases[i].json);
        uint32_t ip;
        vh_ipv4_parse(cases[i].agent, &ip, NULL);
        ck_assert_msg(sc->hosts[0].bridges[0].sflow->agent_ip == ip,
                      "case %zu", i);
        cfg_free(sc);
    }
    /* Reachable from none: refused, naming the first address. */
    struct vh_diag d;
    char *text = vh_test_dq(AGENT_SCN("", "172.16.0.9/24"));
    ck_assert_ptr_null(cfg_load_string(text, "t.json", NULL, &d));
    ck_assert_str_eq(d.msg, "hosts[0].bridges[0].sflow.collector: "
                     "'host2' (172.16.0.9) is not in the subnet of the "
                     "agent address 192.168.0.1/24 ('eth4'), which has no "
                     "gateway to reach it");
    free(text);
}
END_TEST

/* --- tshark, on the shipped scenario. --- */


/* tshark's fields of the sFlow frames of 'pcap', one line per frame. */
static char *
sflow_fields(const char *pcap, const char *list)
{
    char *out = NULL;
    /* Datagrams only, not those that carry one of the agent's own
     * datagrams sampled on its way out through the bridge (OVS samples
     * those too), whose nested fields would mix with theirs. */
    int st = vh_test_sh(&out, "tshark -r '%s' " VH_TSHARK_PREFS " -Y "
                        "'sflow && count(sflow_245.version) == 1' "
                        "-T fields -E occurrence=a -E aggregator=, %s "
                        "2>/dev/null", pcap, list);
    ck_assert_msg(st == 0, "tshark failed: %s", out);
    return out;
}

/* Every comma- or newline-separated number in 's', in order; returns how
 * many (at most 'max'). */
static size_t
numbers(const char *s, unsigned long long *v, size_t max)
{
    size_t n = 0;
    while (*s && n < max) {
        char *end;
        unsigned long long x = strtoull(s, &end, 0);
        if (end == s) {
            s++;
            continue;
        }
        v[n++] = x;
        s = end;
    }
    return n;
}

static double
report_num(const char *json, const char *key)
{
    cJSON *root = cJSON_Parse(json);
    ck_assert_ptr_nonnull(root);
    cJSON *hosts = cJSON_GetObjectItem(root, "hosts");
    cJSON *br = cJSON_GetArrayItem(
        cJSON_GetObjectItem(cJSON_GetArrayItem(hosts, 0), "bridges"), 0);
    cJSON *v = cJSON_GetObjectItem(cJSON_GetObjectItem(br, "sflow"), key);
    ck_assert_msg(cJSON_IsNumber(v), "no sflow.%s in the report", key);
    double d = v->valuedouble;
    cJSON_Delete(root);
    return d;
}

START_TEST(test_tshark_reads_the_collector_capture)
{
    if (vh_test_sh(NULL, "command -v tshark") != 0) {
        ck_abort_msg("tshark is required (make deps installs it)");
    }
    char bin[4096], scn[4096], pcap[4096], *out = NULL;
    if (!realpath(vh_test_bin(), bin)) {
        ck_abort_msg("vhsim binary '%s' not found", vh_test_bin());
    }
    ck_assert_ptr_nonnull(realpath("scenarios/ovs-sflow.json", scn));
    char *dir = vh_test_tmpdir();
    int st = vh_test_sh(&out, "cd '%s' && '%s' run '%s' --json r.json",
                        dir, bin, scn);
    ck_assert_msg(st == 0, "vhsim run failed: %s", out);
    free(out);
    snprintf(pcap, sizeof pcap, "%s/traces/ovs-sflow-collector.pcap", dir);

    /* No expert finding, nothing malformed, outer or sampled. */
    st = vh_test_sh(&out, "set -o pipefail; tshark -r '%s' " VH_TSHARK_PREFS
                    " -T fields -e _ws.expert -e _ws.malformed 2>/dev/null "
                    "| tr -d '\\t\\n'", pcap);
    ck_assert_msg(st == 0 && !strcmp(out, ""), "expert findings: %s", out);
    free(out);

    /* From the agent, host1's address, to the collector's port 6343; each
     * sampled header decodes as the VMs' Ethernet/IPv4/UDP frames. */
    out = sflow_fields(pcap, "-e ip.src -e udp.srcport -e udp.dstport "
                       "-e sflow_245.agent -e frame.protocols");
    char *line = strtok(out, "\n");
    size_t datagrams = 0, headers = 0;
    for (; line; line = strtok(NULL, "\n"), datagrams++) {
        ck_assert_msg(!strncmp(line, "10.0.0.100,", 11), "%s", line);
        ck_assert_msg(strstr(line, "\t32768,") && strstr(line, "\t6343,"),
                      "%s", line);
        const char *sf = strstr(line, "\t10.0.0.100\teth:ethertype:ip:udp:"
                                "sflow");
        ck_assert_msg(sf, "%s", line);
        for (sf = strstr(sf, ":sflow"); (sf = strstr(sf + 1, ":eth:"));) {
            ck_assert_msg(!strncmp(sf, ":eth:ethertype:ip:udp:", 22), "%s",
                          line);
            headers++;
        }
    }
    free(out);
    ck_assert_uint_ge(datagrams, 5);

    /* Datagrams numbered upwards, their uptime in ms never going back. */
    unsigned long long v[4096], u[4096];
    /* The outer datagram's, not those of datagrams sampled inside it. */
    out = sflow_fields(pcap, "-E occurrence=f -e sflow_245.sequence_number");
    size_t n = numbers(out, v, 4096);
    free(out);
    ck_assert_uint_eq(n, datagrams);
    ck_assert_uint_ge(v[0], 1);
    for (size_t i = 1; i < n; i++) {
        ck_assert_uint_gt(v[i], v[i - 1]);
    }
    out = sflow_fields(pcap, "-E occurrence=f -e sflow_245.sysuptime");
    ck_assert_uint_eq(numbers(out, u, 4096), n);
    free(out);
    for (size_t i = 1; i < n; i++) {
        ck_assert_uint_ge(u[i], u[i - 1]);
    }
    ck_assert_uint_le(u[n - 1], 10);

    /* Flow samples: OVS's bridge sampler 2:1000, 1 in 64, numbered from
     * 1 with the pool growing, as many as the report's samples but those
     * of the datagram still on its way when the run ended. */
    out = sflow_fields(pcap, "-e sflow.flow_sample.sequence_number");
    size_t k = numbers(out, v, 4096);
    free(out);
    ck_assert_uint_gt(k, 10);
    ck_assert_uint_eq(headers, k);
    ck_assert_uint_ge(v[0], 1);
    for (size_t i = 1; i < k; i++) {
        ck_assert_uint_gt(v[i], v[i - 1]);
    }
    double samples = 0;
    char *json = NULL;
    char rpath[4200];
    snprintf(rpath, sizeof rpath, "%s/r.json", dir);
    json = vh_test_slurp(rpath, NULL);
    ck_assert_ptr_nonnull(json);
    samples = report_num(json, "samples");
    ck_assert_uint_le(k, (unsigned long long) samples);
    ck_assert_uint_ge(report_num(json, "datagrams"), n);
    free(json);
    out = sflow_fields(pcap, "-e sflow.flow_sample.sampling_rate");
    ck_assert_uint_eq(numbers(out, u, 4096), k);
    free(out);
    for (size_t i = 0; i < k; i++) {
        ck_assert_uint_eq(u[i], 64);
    }
    out = sflow_fields(pcap, "-e sflow.flow_sample.sample_pool");
    ck_assert_uint_eq(numbers(out, u, 4096), k);
    free(out);
    for (size_t i = 1; i < k; i++) {
        ck_assert_uint_gt(u[i], u[i - 1]);
    }
    /* About 64 frames per sample. */
    ck_assert_msg(u[k - 1] > 16 * k && u[k - 1] < 256 * k,
                  "pool %llu after %zu samples", u[k - 1], k);
    out = sflow_fields(pcap, "-e sflow.flow_sample.source_id_class");
    ck_assert_uint_eq(numbers(out, u, 4096), k);
    free(out);
    out = sflow_fields(pcap, "-e sflow.flow_sample.index");
    ck_assert_uint_eq(numbers(out, v, 4096), k);
    free(out);
    for (size_t i = 0; i < k; i++) {
        ck_assert_uint_eq(u[i], 2);
        ck_assert_uint_eq(v[i], 1000);
    }
    out = sflow_fields(pcap, "-e sflow_245.header.sampled_header_length");
    ck_assert_uint_eq(numbers(out, u, 4096), k);
    free(out);
    for (size_t i = 0; i < k; i++) {
        ck_assert_uint_eq(u[i], 128);
    }

    /* Counter samples of every port, every 2ms: eth0, vm1, vm2, LOCAL. */
    out = sflow_fields(pcap, "-e sflow.counters_sample.source_id_index");
    size_t c = numbers(out, v, 4096);
    free(out);
    ck_assert_uint_ge(c, 16);
    ck_assert_uint_eq(c % 4, 0);
    for (size_t i = 0; i < c; i++) {
        static const unsigned long long port[] = { 1, 2, 3, 65534 };
        ck_assert_uint_eq(v[i], port[i % 4]);
    }
    /* vm1's port takes in ever more. */
    out = sflow_fields(pcap, "-e sflow_245.ifinoct");
    ck_assert_uint_eq(numbers(out, u, 4096), c);
    free(out);
    for (size_t i = 1 + 4; i < c; i += 4) {
        ck_assert_uint_gt(u[i], u[i - 4]);
    }

    vh_test_sh(NULL, "rm -r '%s'", dir);
    free(dir);
}
END_TEST

static Suite *
sflow_agent_suite(void)
{
    Suite *s = suite_create("sflow_agent");
    TCase *tc = tcase_create("sampling");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_samples_one_in_n);
    tcase_add_test(tc, test_dpdk_samples_every_frame);
    tcase_add_test(tc, test_defaults_gather_until_full);
    tcase_add_test(tc, test_output_port);
    suite_add_tcase(s, tc);

    tc = tcase_create("loader");
    tcase_add_test(tc, test_loader_defaults_and_addresses);
    tcase_add_test(tc, test_default_agent_reaches_the_collector);
    suite_add_tcase(s, tc);

    tc = tcase_create("tshark");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_tshark_reads_the_collector_capture);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(sflow_agent_suite)
