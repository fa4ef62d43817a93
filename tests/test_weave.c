/* tests/test_weave.c: Weave Net's network driver, fastdp and sleeve.
 *
 * On two hosts whose NICs meet on one switch, a weave network on both:
 *   - fastdp: a pod's frames cross between the hosts in VXLAN on UDP
 *     6784 (tshark: the VNI is host1's short ID 1 | host2's 2 << 12 =
 *     8193 one way and 4098 the other, the pods' MACs and addresses
 *     inside, DF set, TTL 64, no outer UDP checksum, the inner
 *     checksums right); one flat subnet across the hosts, ARP crossing
 *     them;
 *   - fastdp's datapath: the first frame of each flow (the ARP request,
 *     its reply, the first UDP packet) misses and goes up to the router,
 *     the later ones hit the installed flow, on both hosts;
 *   - sleeve: the frames cross in the router's UDP datagrams, 6783 to
 *     6783, DF clear, the outer UDP checksum right; the payload is the
 *     sender's peer name, the frame's source and target peers, its
 *     length and the whole frame; the router's copies are counted;
 *   - ping and UDP are delivered in both modes, and sleeve costs more
 *     host cycles per packet than fastdp, its extra as 'app';
 *   - a frame the bridge floods to the router on a host with no peer is
 *     dropped for a reason ("weave-no-peer") while the pods on the host
 *     still reach each other on the bridge;
 *   - a network with another mode on another host is refused, naming
 *     the JSON path, and the command line exits 2 writing nothing;
 *   - the shipped scenario's weave variants deliver everything, weave's
 *     sleeve costing more than fastdp and fastdp more than Docker's
 *     overlay. */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/container/container.h"
#include "models/core/host.h"
#include "models/endpoint/endpoint.h"
#include "report/report.h"
#include "sim/capture.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* Two hosts (4 cores each; eth0 192.168.0.1 and .2 on switch tor1),
 * NETS1 and CONTAINERS1 on host1, NETS2 and CONTAINERS2 on host2, then
 * FLOWS.  Single quotes stand for double ones.  The cores never sleep
 * and the NICs interrupt on every frame: the times compared here are the
 * paths', not the C-states' exits or the interrupt moderation's. */
static const char world_fmt[] =
    "{'duration': '3ms',"
    " 'hosts': ["
    "  {'name': 'host1', 'cpu': {'cores': 4, 'cstate': 'poll'},"
    "   'nics': [{'name': 'eth0', 'model': '82599', 'link': 'tor1/p1',"
    "             'mac': '02:00:00:00:00:01', 'ip': '192.168.0.1/24',"
    "             'coalesce': {'adaptive-rx': false, 'rx-usecs': 0}}],"
    "   'networks': [%s], 'containers': [%s]},"
    "  {'name': 'host2', 'cpu': {'cores': 4, 'cstate': 'poll'},"
    "   'nics': [{'name': 'eth0', 'model': '82599', 'link': 'tor1/p2',"
    "             'mac': '02:00:00:00:00:02', 'ip': '192.168.0.2/24',"
    "             'coalesce': {'adaptive-rx': false, 'rx-usecs': 0}}],"
    "   'networks': [%s], 'containers': [%s]}],"
    " 'switches': [{'name': 'tor1', 'ports': 4}],"
    " 'traffic': [%s]}";

static char *
world_json(const char *n1, const char *c1, const char *n2, const char *c2,
           const char *flows)
{
    size_t n = sizeof world_fmt + strlen(n1) + strlen(c1) + strlen(n2)
               + strlen(c2) + strlen(flows) + 16;
    char *json = malloc(n);
    ck_assert_ptr_nonnull(json);
    snprintf(json, n, world_fmt, n1, c1, n2, c2, flows);
    for (char *p = json; *p; p++) {
        *p = *p == '\'' ? '"' : *p;
    }
    return json;
}

#define NET(MODE) "{'name': 'pods', 'driver': 'weave', 'mode': '" MODE "'}"
#define POD(NAME, CPU) "{'name': '" NAME "', 'network': 'pods', " \
                       "'cpus': [" #CPU "]}"
#define FLOW(NAME, PROTO, FROM, TO, RATE, COUNT)                        \
    "{'name': '" NAME "', 'proto': '" PROTO "', 'from': '" FROM "',"    \
    " 'to': '" TO "', 'size': 512, 'rate': '" RATE "', 'count': "       \
    #COUNT "}"

struct cap {
    const char *points[1];
    const char *files[1];
    struct vh_capture *c;
};

static void
cap_open(struct world *w, void *ctx)
{
    struct cap *cc = ctx;
    size_t failed;
    char err[256];
    cc->c = vh_capture_open(&w->trace, &w->devs, cc->points, cc->files, 1,
                            &failed, err, sizeof err);
    ck_assert_msg(cc->c, "%s", err);
}

/* Runs pod host1/a -> host2/b with weave in 'mode' and 'flows', host1's
 * NIC captured into DIR/eth0.pcap; every packet delivered. */
static struct wt_run
run_weave(const char *mode, const char *flows, const char *dir)
{
    static char pcap[512];
    char net[128];
    snprintf(pcap, sizeof pcap, "%s/eth0.pcap", dir);
    snprintf(net, sizeof net, NET("%s"), mode);
    char *json = world_json(net, POD("a", 1), net, POD("b", 3), flows);
    struct cap cc = { { "host1/eth0" }, { pcap }, NULL };
    struct wt_run r = wt_run_json(json, NULL, cap_open, &cc);
    free(json);
    char err[256];
    ck_assert_msg(vh_capture_commit(cc.c, err, sizeof err) == 0, "%s", err);
    for (size_t i = 0; i < r.w->n_flows; i++) {
        ck_assert_uint_eq(r.w->flows[i].delivered, r.w->flows[i].sent);
        ck_assert_uint_gt(r.w->flows[i].sent, 0);
    }
    wt_assert_conserved(r.w, true);
    return r;
}

/* The weave network's entry in host 'host''s report ('rep', kept). */
static const cJSON *
net_report(const cJSON *rep, const char *host)
{
    const cJSON *h;
    cJSON_ArrayForEach(h, cJSON_GetObjectItem(rep, "hosts")) {
        if (!strcmp(cJSON_GetObjectItem(h, "name")->valuestring, host)) {
            return cJSON_GetArrayItem(cJSON_GetObjectItem(h, "networks"), 0);
        }
    }
    ck_abort_msg("no host '%s'", host);
    return NULL;
}

static void
assert_no_vm_work(const struct host *h)
{
    ck_assert_uint_eq(h->vm_exits, 0);
    ck_assert_uint_eq(wt_cat_cycles(h, CPU_VMEXIT), 0);
    ck_assert_uint_eq(wt_cat_cycles(h, CPU_GUEST), 0);
    ck_assert_uint_eq(wt_cat_cycles(h, CPU_VHOST), 0);
}

static char *
sh(const char *fmt, const char *dir)
{
    char *out = NULL;
    vh_test_sh(&out, fmt, dir);
    return out;
}

START_TEST(test_weave_fastdp_on_the_wire)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    struct wt_run r = run_weave("fastdp", FLOW("f", "udp", "host1/a",
                                               "host2/b", "100kpps", 5),
                                dir);
    /* One subnet across hosts, weave's default range: host2's pod goes
     * on where host1's stopped; weave's MTU in the pods. */
    struct vh_device *d = wt_dev(r.w, "host2/b");
    struct container *b = VH_CONTAINER_OF(d, struct container, dev);
    ck_assert_uint_eq(b->cfg->ip, 0x0a200003);
    ck_assert_uint_eq(b->ep->mtu, 1376);
    assert_no_vm_work(wt_host(r.w, "host1"));

    char pcap[512];
    snprintf(pcap, sizeof pcap, "%s/eth0.pcap", dir);
    char *out = sh("set -o pipefail; tshark -r %s/eth0.pcap "
                   VH_TSHARK_PREFS " -d udp.port==6784,vxlan -T fields "
                   "-e _ws.expert -e _ws.malformed 2>/dev/null "
                   "| tr -d '\\t\\n'", dir);
    ck_assert_str_eq(out, "");
    free(out);
    /* The data: VXLAN to 6784, VNI 1 | 2 << 12, the pods' frame whole
     * inside; DF and TTL 64 as weave's set_tunnel action has them, the
     * outer UDP checksum 0, the inner one right. */
    out = sh("tshark -r %s/eth0.pcap " VH_TSHARK_PREFS
             " -d udp.port==6784,vxlan -T fields -e ip.src -e ip.dst "
             "-e udp.dstport -e vxlan.vni -e eth.src -e eth.dst "
             "-e ip.flags.df -e ip.ttl -e udp.checksum -e ip.checksum.status "
             "-e frame.len -Y 'vxlan && udp.dstport == 9' 2>/dev/null "
             "| sed 's/,0x[0-9a-f]*\\t/\\t/' | sort | uniq -c", dir);
    ck_assert_str_eq(out, "      5 192.168.0.1,10.32.0.2\t"
                          "192.168.0.2,10.32.0.3\t6784,9\t8193\t"
                          "02:00:00:00:00:01,02:42:0a:20:00:02\t"
                          "02:00:00:00:00:02,02:42:0a:20:00:03\t1,1\t64,64\t"
                          "0x0000\t1,1\t558\n");
    free(out);
    /* ARP crosses the hosts: the request broadcast from host1, the
     * answer back from host2 with the VNI the other way round. */
    out = sh("tshark -r %s/eth0.pcap -d udp.port==6784,vxlan -T fields "
             "-e vxlan.vni -e arp.opcode -e arp.dst.proto_ipv4 "
             "-Y 'vxlan && arp' 2>/dev/null", dir);
    ck_assert_str_eq(out, "8193\t1\t10.32.0.3\n4098\t2\t10.32.0.2\n");
    free(out);
    wt_run_free(&r);
    free(dir);
}
END_TEST

START_TEST(test_weave_fastdp_upcall_then_flow)
{
    char *dir = vh_test_tmpdir();
    /* Far apart, so that no frame misses while its flow's upcall is
     * still pending, nor waits behind the ARP exchange. */
    struct wt_run r = run_weave("fastdp", FLOW("f", "udp", "host1/a",
                                               "host2/b", "2kpps", 6),
                                dir);
    cJSON *rep = report_json(r.w, 0);
    for (int i = 0; i < 2; i++) {
        const cJSON *n = net_report(rep, i ? "host2" : "host1");
        /* The ARP request, its answer and the first UDP packet each miss
         * once and install a flow; the five later packets hit theirs. */
        ck_assert_double_eq(vh_test_num(n, "upcalls"), 3);
        ck_assert_double_eq(vh_test_num(n, "flows"), 3);
        ck_assert_double_eq(vh_test_num(n, "hits"), 5);
        ck_assert_double_eq(vh_test_num(n, "short_id"), i + 1);
        ck_assert_double_eq(vh_test_num(n, "peers"), 1);
    }
    ck_assert_double_eq(vh_test_num(net_report(rep, "host1"), "encapsulated"),
                        7);
    ck_assert_double_eq(vh_test_num(net_report(rep, "host2"), "decapsulated"),
                        7);
    cJSON_Delete(rep);
    /* The upcalls' handling is the router's, in user space. */
    ck_assert_uint_gt(wt_cat_cycles(wt_host(r.w, "host1"), CPU_APP), 0);
    wt_run_free(&r);
    free(dir);
}
END_TEST

START_TEST(test_weave_sleeve_on_the_wire)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    struct wt_run r = run_weave("sleeve", FLOW("f", "udp", "host1/a",
                                               "host2/b", "100kpps", 5),
                                dir);
    char pcap[512];
    snprintf(pcap, sizeof pcap, "%s/eth0.pcap", dir);
    vh_tshark_assert_clean(pcap);
    /* UDP 6783 to 6783 between the hosts, DF clear, checksums right; 62
     * bytes more than fastdp's inner frame of 508. */
    char *out = sh("tshark -r %s/eth0.pcap " VH_TSHARK_PREFS " -T fields "
                   "-e ip.src -e ip.dst -e udp.srcport -e udp.dstport "
                   "-e ip.flags.df -e ip.checksum.status "
                   "-e udp.checksum.status -e frame.len "
                   "-Y 'udp.port == 6783 && frame.len > 500' 2>/dev/null "
                   "| sort | uniq -c", dir);
    ck_assert_str_eq(out, "      5 192.168.0.1\t192.168.0.2\t6783\t6783\t"
                          "0\t1\t1\t570\n");
    free(out);
    /* The payload: host1's peer name, the frame's source peer (host1)
     * and target peer (host2), its length (508), then the pods' frame:
     * b's MAC, a's MAC, IPv4, from 10.32.0.2 to 10.32.0.3. */
    cJSON *rep = report_json(r.w, 0);
    char n1[20], n2[20], want[256];
    const char *p1 = cJSON_GetObjectItem(net_report(rep, "host1"),
                                         "peer_name")->valuestring;
    const char *p2 = cJSON_GetObjectItem(net_report(rep, "host2"),
                                         "peer_name")->valuestring;
    for (int i = 0, k = 0; i < 18; i += 3, k += 2) {
        memcpy(n1 + k, p1 + i, 2);
        memcpy(n2 + k, p2 + i, 2);
    }
    n1[12] = n2[12] = '\0';
    snprintf(want, sizeof want, "%s%s%s01fc" "02420a200003" "02420a200002"
             "0800" "45", n1, n1, n2);
    out = sh("tshark -r %s/eth0.pcap -T fields -e data.data "
             "-Y 'udp.port == 6783 && frame.len > 500' 2>/dev/null "
             "| cut -c1-70 | sort -u", dir);
    strcat(want, "\n");
    ck_assert_str_eq(out, want);
    free(out);
    out = sh("tshark -r %s/eth0.pcap -T fields -e data.data "
             "-Y 'udp.port == 6783 && frame.len > 500' 2>/dev/null "
             "| cut -c85-88,93-108 | sort -u", dir);
    /* TTL 64 and UDP, from 10.32.0.2 to 10.32.0.3: bridged, not
     * routed. */
    ck_assert_str_eq(out, "40110a2000020a200003\n");
    free(out);
    /* The ARP request and the five packets one way, the answer the
     * other. */
    ck_assert_double_eq(vh_test_num(net_report(rep, "host1"), "router_sent"),
                        6);
    ck_assert_double_eq(vh_test_num(net_report(rep, "host2"),
                                    "router_received"), 6);
    ck_assert_double_eq(vh_test_num(net_report(rep, "host2"), "router_sent"),
                        1);
    cJSON_Delete(rep);
    /* Each data frame copied three times by host1's router (read out of
     * the packet socket, into the datagram, sendto() into the kernel)
     * and three times by host2's (recvfrom(), out of its buffer, the
     * injecting write); the ARP frames' copies come on top. */
    struct host *h1 = wt_host(r.w, "host1"), *h2 = wt_host(r.w, "host2");
    ck_assert_uint_ge(h1->copies_bytes, 5 * (508 + 508 + 528));
    ck_assert_uint_ge(h2->copies_bytes, 5 * (528 + 528 + 508));
    assert_no_vm_work(h1);
    wt_run_free(&r);
    free(dir);
}
END_TEST

START_TEST(test_weave_sleeve_costs_more)
{
    char *dir = vh_test_tmpdir();
    const char flows[] = FLOW("u", "udp", "host1/a", "host2/b", "50kpps",
                              100) ","
                         FLOW("p", "icmp", "host1/a", "host2/b", "10kpps",
                              5);
    struct wt_run fd = run_weave("fastdp", flows, dir);
    struct wt_run sl = run_weave("sleeve", flows, dir);
    for (int i = 0; i < 2; i++) {
        const char *h = i ? "host2" : "host1";
        struct host *f = wt_host(fd.w, h), *s = wt_host(sl.w, h);
        ck_assert_uint_gt(wt_host_cycles(s), wt_host_cycles(f));
        ck_assert_uint_gt(wt_cat_cycles(s, CPU_APP),
                          wt_cat_cycles(f, CPU_APP));
        ck_assert_uint_gt(s->copies_bytes, f->copies_bytes);
    }
    /* And the round trip is longer through user space, once fastdp's
     * datapath has its flows (its first packets go up to the router,
     * which the mean would count): the quickest ping of each. */
    ck_assert_msg(sl.w->flows[1].latency.min > fd.w->flows[1].latency.min,
                  "round trip: sleeve %llu ns, fastdp %llu ns",
                  (unsigned long long) sl.w->flows[1].latency.min,
                  (unsigned long long) fd.w->flows[1].latency.min);
    wt_run_free(&fd);
    wt_run_free(&sl);
    free(dir);
}
END_TEST

START_TEST(test_weave_no_peer_drop)
{
    /* Only host1 has the network: its pods reach each other on the
     * bridge, and the ARP request the bridge also floods to the router
     * has no peer to go to. */
    for (int m = 0; m < 2; m++) {
        const char *net = m ? NET("sleeve") : NET("fastdp");
        char *json = world_json(net, POD("a", 1) "," POD("a2", 2), "", "",
                                FLOW("f", "udp", "host1/a", "host1/a2",
                                     "100kpps", 5));
        struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
        free(json);
        ck_assert_uint_eq(r.w->flows[0].delivered, 5);
        wt_assert_conserved(r.w, true);
        cJSON *rep = report_json(r.w, 0);
        const cJSON *n = net_report(rep, "host1");
        const cJSON *drops = cJSON_GetObjectItem(n, "drops");
        ck_assert_double_eq(vh_test_num(drops, "weave-no-peer"), 1);
        ck_assert_int_eq(cJSON_GetArraySize(drops), 1);
        ck_assert_double_eq(vh_test_num(n, "peers"), 0);
        cJSON_Delete(rep);
        ck_assert_uint_eq(wt_dev(r.w, "host1/networks/pods")->drops, 1);
        ck_assert_uint_eq(wt_dev(r.w, "host1/eth0")->tx, 0);
        wt_run_free(&r);
    }
}
END_TEST

START_TEST(test_weave_mixed_modes_refused)
{
    char *json = world_json(NET("fastdp"), POD("a", 1), NET("sleeve"),
                            POD("b", 3), FLOW("f", "udp", "host1/a",
                                              "host2/b", "100kpps", 5));
    char *msg = wt_refusal(json, NULL);
    ck_assert_str_eq(msg, "hosts[0].networks[0].mode: weave network 'pods' "
                     "is 'fastdp' here and 'sleeve' at "
                     "hosts[1].networks[0]; one network has one mode on "
                     "every host");
    free(msg);
    /* The command line: exit status 2, the message, no report written. */
    char *dir = vh_test_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/mixed.json", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(json, f);
    fclose(f);
    free(json);
    char *out = NULL;
    int st = vh_test_sh(&out, "b=$(realpath %s); cd %s && $b run mixed.json "
                        "--json r.json 2>&1 >/dev/null; s=$?; ls; exit $s",
                        vh_test_bin(), dir);
    ck_assert_int_eq(st, 2);
    ck_assert_msg(strstr(out, "hosts[0].networks[0].mode: weave network"),
                  "%s", out);
    ck_assert_msg(!strstr(out, "r.json"), "%s", out);
    free(out);
    free(dir);
}
END_TEST

/* --- The shipped scenario. --- */

static double
cni_cycles(const char *variant)
{
    char *json = vh_test_slurp("scenarios/cni.json", NULL);
    ck_assert_ptr_nonnull(json);
    struct wt_run r = wt_run_json(json, variant, NULL, NULL);
    free(json);
    wt_assert_conserved(r.w, true);
    for (size_t i = 0; i < r.w->n_flows; i++) {
        ck_assert_uint_eq(r.w->flows[i].delivered, r.w->flows[i].sent);
    }
    double c = (double) wt_host_cycles(wt_host(r.w, "host1"))
               + (double) wt_host_cycles(wt_host(r.w, "host2"));
    wt_run_free(&r);
    return c;
}

START_TEST(test_weave_cni_variants)
{
    double ov = cni_cycles("overlay");
    double fd = cni_cycles("weave-fastdp");
    double sl = cni_cycles("weave-sleeve");
    ck_assert_double_gt(fd, ov);
    ck_assert_double_gt(sl, fd * 1.3);
}
END_TEST

static Suite *
weave_suite(void)
{
    Suite *s = suite_create("weave");
    TCase *tc = tcase_create("driver");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_weave_fastdp_on_the_wire);
    tcase_add_test(tc, test_weave_fastdp_upcall_then_flow);
    tcase_add_test(tc, test_weave_sleeve_on_the_wire);
    tcase_add_test(tc, test_weave_sleeve_costs_more);
    tcase_add_test(tc, test_weave_no_peer_drop);
    tcase_add_test(tc, test_weave_mixed_modes_refused);
    suite_add_tcase(s, tc);
    TCase *sc = tcase_create("scenario");
    tcase_set_timeout(sc, 120);
    tcase_add_test(sc, test_weave_cni_variants);
    suite_add_tcase(s, sc);
    return s;
}

VH_SUITE(weave_suite)
