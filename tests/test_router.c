/* tests/test_router.c: switches of mode router, the IP underlay.
 *
 * What a router does to a packet, read from captures with tshark: the
 * TTL one less per router, both MACs rewritten, the header checksum
 * still right, next hops found by ARP.  ECMP: one flow's packets always
 * take one next hop, many flows spread over all of them, and two routers
 * do not make the same choice.  Every packet ends counted: delivered, or
 * dropped with the reason ("no-route", "ttl-exceeded", "arp-failed").
 * The loader's refusals, each naming its JSON path; the shipped
 * leaf-spine scenario shows what its description says; the same seed
 * gives the same report. */
#include <check.h>
#include <cjson/cJSON.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/host.h"
#include "models/core/world.h"
#include "models/hw/pnic.h"
#include "models/switch/router.h"
#include "report/report.h"
#include "sim/capture.h"
#include "sim/frame.h"
#include "sim/packet.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

#define LEAF_SPINE "scenarios/leaf-spine.json"

/* h1 -- p1 r1 p2 -- p2 r2 p1 -- h2, and h3 on r1's p3.  '%s': the
 * duration, h2's address, r1's routes, r2's routes, the traffic. */
static const char two_fmt[] =
    "{'name': 'two', 'duration': '%s', 'hosts': ["
    " {'name': 'h1', 'nics': [{'name': 'eth0', 'ip': '192.168.1.10/24',"
    "   'gateway': '192.168.1.1', 'link': 'r1/p1'}]},"
    " {'name': 'h2', 'nics': [{'name': 'eth0', 'ip': '%s',"
    "   'gateway': '192.168.2.1', 'link': 'r2/p1'}]},"
    " {'name': 'h3', 'nics': [{'name': 'eth0', 'ip': '10.9.0.3/24',"
    "   'link': 'r1/p3'}]}],"
    " 'switches': ["
    " {'name': 'r1', 'mode': 'router', 'ports': 4,"
    "  'interfaces': [{'port': 'p1', 'ip': '192.168.1.1/24'},"
    "                 {'port': 'p2', 'ip': '172.16.0.1/31'},"
    "                 {'port': 'p3', 'ip': '10.9.0.1/24'}],"
    "  'routes': [%s], 'links': {'p2': 'r2/p2'}},"
    " {'name': 'r2', 'mode': 'router', 'ports': 4,"
    "  'interfaces': [{'port': 'p1', 'ip': '192.168.2.1/24'},"
    "                 {'port': 'p2', 'ip': '172.16.0.0/31'}],"
    "  'routes': [%s]}],"
    " 'traffic': [%s]}";

#define R1_TO_H2 "{'dst': '192.168.2.0/24', 'via': '172.16.0.0'}"
#define R2_TO_H1 "{'dst': '192.168.1.0/24', 'via': '172.16.0.1'}"
#define UDP(COUNT, RATE)                                                \
    "{'name': 'f', 'from': 'h1', 'to': 'h2', 'proto': 'udp', 'size': 128," \
    " 'rate': '" RATE "', 'count': " #COUNT "}"

static char *
two(const char *duration, const char *h2ip, const char *r1, const char *r2,
    const char *traffic)
{
    size_t n = sizeof two_fmt + strlen(duration) + strlen(h2ip) + strlen(r1)
               + strlen(r2) + strlen(traffic);
    char *s = malloc(n);
    snprintf(s, n, two_fmt, duration, h2ip, r1, r2, traffic);
    char *json = vh_test_dq(s);
    free(s);
    return json;
}

/* Captures every frame crossing the 'n' points into their files. */
struct caps {
    const char *points[3];
    char files[3][PATH_MAX];
    size_t n;
    struct vh_capture *c;
};

static void
caps_open(struct world *w, void *ctx)
{
    struct caps *cc = ctx;
    const char *files[3];
    size_t failed;
    char err[256];
    for (size_t i = 0; i < cc->n; i++) {
        files[i] = cc->files[i];
    }
    cc->c = vh_capture_open(&w->trace, &w->devs, cc->points, files, cc->n,
                            &failed, err, sizeof err);
    ck_assert_msg(cc->c, "%s", err);
}

static struct wt_run
run_captured(const char *json, const char *variant, struct caps *cc)
{
    struct wt_run r = wt_run_json(json, variant, cc ? caps_open : NULL, cc);
    if (cc) {
        char err[256];
        ck_assert_msg(vh_capture_commit(cc->c, err, sizeof err) == 0, "%s",
                      err);
    }
    return r;
}

static struct router *
router_of(struct world *w, const char *name)
{
    return VH_CONTAINER_OF(wt_dev(w, name), struct router, dev);
}

static char *
mac_of_port(struct router *rt, int n, char *buf)
{
    return vh_mac_format(&router_port(rt, n)->mac, buf);
}

static char *
mac_of_host(struct world *w, const char *host, char *buf)
{
    return vh_mac_format(&wt_host(w, host)->nics[0]->cfg->mac, buf);
}

/* Fields 'list' of the frames of 'pcap' that 'filter' keeps, a line
 * each (occurrences joined by commas); the caller frees. */
static char *
fields(const char *pcap, const char *filter, const char *list)
{
    char *out = NULL;
    int st = vh_test_sh(&out, "tshark -r '%s' " VH_TSHARK_PREFS " -Y '%s' "
                        "-T fields -E occurrence=a -E aggregator=, %s "
                        "2>/dev/null", pcap, filter, list);
    ck_assert_msg(st == 0, "tshark failed: %s", out);
    return out;
}

static uint64_t
drops_of(const struct vh_drops *d, const char *reason)
{
    return vh_drops_get(d, reason);
}

/* --- Forwarding, as a capture shows it. --- */

START_TEST(test_router_routes_across_two_hops)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    struct caps cc = { .points = { "r1/p2", "h2/eth0" }, .n = 2 };
    snprintf(cc.files[0], PATH_MAX, "%s/r1p2.pcap", dir);
    snprintf(cc.files[1], PATH_MAX, "%s/h2.pcap", dir);
    char *json = two("1ms", "192.168.2.10/24", R1_TO_H2, R2_TO_H1,
                     UDP(3, "10kpps"));
    struct wt_run r = run_captured(json, NULL, &cc);
    free(json);
    ck_assert_uint_eq(r.w->flows[0].delivered, 3);
    wt_assert_conserved(r.w, true);

    struct router *r1 = router_of(r.w, "r1"), *r2 = router_of(r.w, "r2");
    char r1p2[18], r2p2[18], r2p1[18], h2[18], want[256];
    mac_of_port(r1, 2, r1p2);
    mac_of_port(r2, 2, r2p2);
    mac_of_port(r2, 1, r2p1);
    mac_of_host(r.w, "h2", h2);

    /* Between the routers: r1 asks for its next hop, r2 answers, and
     * the packets follow from r1's MAC to r2's with the TTL one less. */
    vh_tshark_assert_clean(cc.files[0]);
    snprintf(want, sizeof want, "1\t%s\t172.16.0.1\t172.16.0.0\n", r1p2);
    vh_tshark_expect(cc.files[0], 1, "-e arp.opcode -e arp.src.hw_mac "
                     "-e arp.src.proto_ipv4 -e arp.dst.proto_ipv4", want);
    snprintf(want, sizeof want, "2\t%s\t172.16.0.0\n", r2p2);
    vh_tshark_expect(cc.files[0], 2, "-e arp.opcode -e arp.src.hw_mac "
                     "-e arp.src.proto_ipv4", want);
    snprintf(want, sizeof want, "%s\t%s\t192.168.1.10\t192.168.2.10\t63\t1\n",
             r1p2, r2p2);
    vh_tshark_expect(cc.files[0], 3, "-e eth.src -e eth.dst -e ip.src "
                     "-e ip.dst -e ip.ttl -e ip.checksum.status", want);

    /* At the destination: from r2's MAC on that subnet, TTL 62, the
     * header checksum recomputed (tshark verified it: status 1). */
    vh_tshark_assert_clean(cc.files[1]);
    char *got = fields(cc.files[1], "udp", "-e eth.src -e eth.dst -e ip.ttl "
                       "-e ip.checksum.status -e udp.checksum.status");
    snprintf(want, sizeof want, "%s\t%s\t62\t1\t1\n", r2p1, h2);
    char all[1024];
    snprintf(all, sizeof all, "%s%s%s", want, want, want);
    ck_assert_str_eq(got, all);
    free(got);

    /* The counters agree: each router routed the three packets once. */
    ck_assert_uint_eq(r1->routed, 3);
    ck_assert_uint_eq(r2->routed, 3);
    ck_assert_uint_eq(router_port(r1, 1)->routed_in, 3);
    ck_assert_uint_eq(router_port(r1, 2)->routed_out, 3);
    ck_assert_uint_eq(router_port(r1, 2)->arp_requests, 1);
    wt_run_free(&r);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* ICMP across the routers: the echo request out, the reply back through
 * the same two routers (r2's route back to h1). */
/* A capture of a whole router takes each frame as it enters one of its
 * ports, as a switch's does: as many frames as its ports received. */
START_TEST(test_router_capture_whole)
{
    vh_tshark_require();
    char *json = two("1ms", "192.168.2.20/24", R1_TO_H2, R2_TO_H1,
                     UDP(20, "100kpps"));
    char *dir = vh_test_tmpdir();
    struct caps cc = { .points = { "r1" }, .n = 1 };
    snprintf(cc.files[0], sizeof cc.files[0], "%s/r1.pcap", dir);
    struct wt_run r = run_captured(json, NULL, &cc);
    ck_assert_uint_eq(r.w->flows[0].delivered, 20);
    uint64_t rx = 0;
    for (int i = 1; i <= 4; i++) {
        char port[16];
        snprintf(port, sizeof port, "r1/p%d", i);
        const struct vh_device *d = vh_devtab_find(&r.w->devs, port);
        ck_assert_ptr_nonnull(d);
        rx += d->rx;
    }
    wt_run_free(&r);
    ck_assert_uint_ge(rx, 21);
    ck_assert_uint_eq((uint64_t) vh_tshark_count(cc.files[0], NULL), rx);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
    free(json);
}
END_TEST

START_TEST(test_router_ping_round_trip)
{
    char *json = two("1ms", "192.168.2.10/24", R1_TO_H2, R2_TO_H1,
                     "{'name': 'p', 'from': 'h1', 'to': 'h2', 'proto': "
                     "'icmp', 'rate': '10kpps', 'count': 4}");
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    free(json);
    ck_assert_uint_eq(r.w->flows[0].delivered, 4);
    wt_assert_conserved(r.w, true);
    ck_assert_uint_eq(router_of(r.w, "r1")->routed, 8);
    ck_assert_uint_eq(router_of(r.w, "r2")->routed, 8);
    wt_run_free(&r);
}
END_TEST

/* --- ECMP. --- */

/* h1 on leaf1, which reaches h2's subnet through two spines; h2 on
 * leaf2, which reaches back through both.  '%s': the traffic. */
static const char fabric_fmt[] =
    "{'name': 'fabric', 'duration': '20ms', 'hosts': ["
    " {'name': 'h1', 'nics': [{'name': 'eth0', 'ip': '192.168.1.10/24',"
    "   'gateway': '192.168.1.1', 'link': 'leaf1/p1'}]},"
    " {'name': 'h2', 'nics': [{'name': 'eth0', 'ip': '192.168.2.10/24',"
    "   'gateway': '192.168.2.1', 'link': 'leaf2/p1'}]}],"
    " 'switches': ["
    " {'name': 'leaf1', 'mode': 'router', 'ports': 8,"
    "  'interfaces': [{'port': 'p1', 'ip': '192.168.1.1/24'},"
    "   {'port': 'p7', 'ip': '172.16.0.1/31'},"
    "   {'port': 'p8', 'ip': '172.16.0.3/31'}],"
    "  'routes': [{'dst': '192.168.2.0/24',"
    "              'via': ['172.16.0.0', '172.16.0.2']}],"
    "  'links': {'p7': 'spine1/p1', 'p8': 'spine2/p1'}},"
    " {'name': 'leaf2', 'mode': 'router', 'ports': 8,"
    "  'interfaces': [{'port': 'p1', 'ip': '192.168.2.1/24'},"
    "   {'port': 'p7', 'ip': '172.16.1.1/31'},"
    "   {'port': 'p8', 'ip': '172.16.1.3/31'}],"
    "  'routes': [{'dst': '192.168.1.0/24',"
    "              'via': ['172.16.1.0', '172.16.1.2']}],"
    "  'links': {'p7': 'spine1/p2', 'p8': 'spine2/p2'}},"
    " {'name': 'spine1', 'mode': 'router', 'ports': 2,"
    "  'interfaces': [{'port': 'p1', 'ip': '172.16.0.0/31'},"
    "   {'port': 'p2', 'ip': '172.16.1.0/31'}],"
    "  'routes': [{'dst': '192.168.1.0/24', 'via': '172.16.0.1'},"
    "             {'dst': '192.168.2.0/24', 'via': '172.16.1.1'}]},"
    " {'name': 'spine2', 'mode': 'router', 'ports': 2,"
    "  'interfaces': [{'port': 'p1', 'ip': '172.16.0.2/31'},"
    "   {'port': 'p2', 'ip': '172.16.1.2/31'}],"
    "  'routes': [{'dst': '192.168.1.0/24', 'via': '172.16.0.3'},"
    "             {'dst': '192.168.2.0/24', 'via': '172.16.1.3'}]}],"
    " 'traffic': [%s]}";

static char *
fabric(const char *traffic)
{
    size_t n = sizeof fabric_fmt + strlen(traffic);
    char *s = malloc(n);
    snprintf(s, n, fabric_fmt, traffic);
    char *json = vh_test_dq(s);
    free(s);
    return json;
}

/* The static route of 'rt' to 'dst' (a network, host order). */
static const struct rt_route *
route_to(const struct router *rt, uint32_t dst)
{
    const struct rt_route *r = router_lookup(rt, dst);
    ck_assert_ptr_nonnull(r);
    ck_assert(!r->connected);
    return r;
}

/* The choice itself: the same 5-tuple always picks the same next hop;
 * a thousand flows differing only in their source port spread evenly
 * (within four standard deviations of a fair split); so do flows
 * differing only in the source address; and leaf2, whose seed differs,
 * picks independently of leaf1 (no hash polarization). */
START_TEST(test_router_ecmp_choice)
{
    char *json = fabric("");
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    free(json);
    const struct router *l1 = router_of(r.w, "leaf1");
    const struct router *l2 = router_of(r.w, "leaf2");
    const struct rt_route *r1 = route_to(l1, 0xc0a80200);
    const struct rt_route *r2 = route_to(l2, 0xc0a80100);
    ck_assert_uint_eq(r1->n_nh, 2);

    int by_port[2] = { 0, 0 }, by_src[2] = { 0, 0 }, same = 0;
    for (int i = 0; i < 1000; i++) {
        struct vh_flow f = { 0xc0a8010a, 0xc0a8020a, VH_IPPROTO_UDP, true,
                             (uint16_t) (10000 + i), 9 };
        const struct rt_nexthop *a = router_pick(l1, r1, &f);
        ck_assert_ptr_eq(router_pick(l1, r1, &f), a);
        by_port[a - r1->nh]++;
        const struct rt_nexthop *b = router_pick(l2, r2, &f);
        same += (a - r1->nh) == (b - r2->nh);

        struct vh_flow g = { 0x0a000000u + (uint32_t) i, 0xc0a8020a,
                             VH_IPPROTO_UDP, true, 10000, 9 };
        by_src[router_pick(l1, r1, &g) - r1->nh]++;
    }
    ck_assert_msg(by_port[0] > 436 && by_port[0] < 564, "%d / %d",
                  by_port[0], by_port[1]);
    ck_assert_msg(by_src[0] > 436 && by_src[0] < 564, "%d / %d", by_src[0],
                  by_src[1]);
    ck_assert_msg(same > 436 && same < 564, "leaf2 agreed %d times", same);
    wt_run_free(&r);
}
END_TEST

/* Whether packets of traffic[] flow 'flow' took 'nh'. */
static bool
took(const struct rt_nexthop *nh, int flow)
{
    return (size_t) flow / 64 < nh->n_flow_words
           && (nh->flows[flow / 64] >> (flow % 64) & 1);
}

/* In a run: one 5-tuple's 200 packets all take one spine; 64 tuples
 * (a flow with concurrent_flows) take both; the report lists, per next
 * hop, the flows that took it. */
START_TEST(test_router_ecmp_in_a_run)
{
    char *json = fabric(
        "{'name': 'one', 'from': 'h1', 'to': 'h2', 'proto': 'udp',"
        " 'rate': '100kpps', 'count': 200, 'sport': 4000},"
        "{'name': 'many', 'from': 'h1', 'to': 'h2', 'proto': 'udp',"
        " 'rate': '100kpps', 'count': 640, 'sport': 5000, 'start': '3ms',"
        " 'concurrent_flows': 64}");
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    free(json);
    ck_assert_uint_eq(r.w->flows[0].delivered, 200);
    ck_assert_uint_eq(r.w->flows[1].delivered, 640);
    wt_assert_conserved(r.w, true);

    const struct router *l1 = router_of(r.w, "leaf1");
    const struct rt_route *rt = route_to(l1, 0xc0a80200);
    const struct rt_nexthop *a = &rt->nh[0], *b = &rt->nh[1];
    /* "one" is flow 0: on exactly one next hop. */
    bool on_a = took(a, 0), on_b = took(b, 0);
    ck_assert_msg(on_a != on_b, "flow 'one' on %s", on_a ? "both" : "none");
    /* "many" is flow 1: on both, neither with less than a quarter. */
    ck_assert(took(a, 1) && took(b, 1));
    uint64_t many_a = a->frames - (on_a ? 200 : 0);
    uint64_t many_b = b->frames - (on_b ? 200 : 0);
    ck_assert_uint_eq(many_a + many_b, 640);
    ck_assert_msg(many_a > 160 && many_b > 160, "%llu / %llu",
                  (unsigned long long) many_a, (unsigned long long) many_b);
    /* The spines carried what the leaf sent them. */
    ck_assert_uint_eq(router_of(r.w, "spine1")->routed, a->frames);
    ck_assert_uint_eq(router_of(r.w, "spine2")->routed, b->frames);
    wt_run_free(&r);
}
END_TEST

/* The report of the same scenario and seed is the same, byte for byte. */
static char *
report_text(const char *json)
{
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    cJSON *rep = report_json(r.w, 0);
    char *s = cJSON_PrintUnformatted(rep);
    cJSON_Delete(rep);
    wt_run_free(&r);
    return s;
}

START_TEST(test_router_deterministic)
{
    char *json = fabric(
        "{'name': 'many', 'from': 'h1', 'to': 'h2', 'proto': 'udp',"
        " 'rate': '1Mpps', 'count': 500, 'pattern': 'poisson',"
        " 'concurrent_flows': 50}");
    char *a = report_text(json), *b = report_text(json);
    ck_assert_str_eq(a, b);
    ck_assert(strstr(a, "\"next_hops\""));
    free(a);
    free(b);
    free(json);
}
END_TEST

/* --- Drops, each with its reason. --- */

START_TEST(test_router_no_route)
{
    /* r1 has no route to h2's subnet, though h1's gateway is r1. */
    char *json = two("1ms", "192.168.2.10/24", "", R2_TO_H1,
                     UDP(10, "100kpps"));
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    free(json);
    const struct flow_stats *fs = &r.w->flows[0];
    ck_assert_uint_eq(fs->sent, 10);
    ck_assert_uint_eq(vh_drops_get(&fs->drops, "no-route"), 10);
    ck_assert_uint_eq(fs->delivered, 0);
    struct router *r1 = router_of(r.w, "r1");
    ck_assert_uint_eq(drops_of(&r1->drops, "no-route"), 10);
    ck_assert_uint_eq(r1->routed, 0);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);
}
END_TEST

/* r2 sends h2's upper half back to r1 by a more specific route than its
 * connected one, so the packets loop until their TTL runs out: 63
 * routers forward each, the 64th drops it and tells h1. */
#define LOOP "{'dst': '192.168.2.128/25', 'via': '172.16.0.1'}"

START_TEST(test_router_ttl_runs_out_in_a_loop)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    struct caps cc = { .points = { "h1/eth0" }, .n = 1 };
    snprintf(cc.files[0], PATH_MAX, "%s/h1.pcap", dir);
    char *json = two("1ms", "192.168.2.200/24", R1_TO_H2,
                     R2_TO_H1 ", " LOOP, UDP(20, "100kpps"));
    struct wt_run r = run_captured(json, NULL, &cc);
    free(json);
    const struct flow_stats *fs = &r.w->flows[0];
    ck_assert_uint_eq(vh_drops_get(&fs->drops, "ttl-exceeded"), 20);
    ck_assert_uint_eq(fs->drops.total, 20);
    wt_assert_conserved(r.w, true);
    struct router *r1 = router_of(r.w, "r1"), *r2 = router_of(r.w, "r2");
    /* 63 forwards of each packet, and its time exceeded's two hops back
     * to h1 (r2, where the TTL ran out, then r1). */
    ck_assert_uint_eq(r1->routed + r2->routed, 20 * (63 + 2));
    ck_assert_uint_eq(drops_of(&r2->drops, "ttl-exceeded"), 20);
    ck_assert_uint_eq(r2->time_exceeded, 20);

    /* h1 gets each: type 11 code 0 from r2's address toward r1, quoting
     * the packet as it arrived there, TTL 1 (which tshark notes, so the
     * capture is not "clean": nothing in it is malformed, though). */
    char *bad = fields(cc.files[0], "_ws.malformed || _ws.expert.severity "
                       ">= warning", "-e frame.number");
    ck_assert_str_eq(bad, "");
    free(bad);
    char *got = fields(cc.files[0], "icmp", "-e ip.src -e icmp.type "
                       "-e icmp.code -e icmp.checksum.status -e ip.ttl");
    const char *line = "172.16.0.0,192.168.1.10\t11\t0\t1\t63,1\n";
    char want[2048] = "";
    for (int i = 0; i < 20; i++) {
        strcat(want, line);
    }
    ck_assert_str_eq(got, want);
    free(got);
    wt_run_free(&r);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* A flood of expiring packets earns the sender no flood of errors: a
 * burst of 50, then one a millisecond. */
START_TEST(test_router_time_exceeded_is_rate_limited)
{
    char *json = two("20ms", "192.168.2.200/24", R1_TO_H2,
                     R2_TO_H1 ", " LOOP, UDP(300, "1Mpps"));
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    free(json);
    ck_assert_uint_eq(vh_drops_get(&r.w->flows[0].drops, "ttl-exceeded"),
                      300);
    uint64_t sent = router_of(r.w, "r2")->time_exceeded;
    ck_assert_msg(sent >= 50 && sent <= 51, "%llu time exceeded sent",
                  (unsigned long long) sent);
    wt_run_free(&r);
}
END_TEST

/* The next hop (on p3's subnet) never answers: three requests a second
 * apart, then the packets waiting for it are dropped. */
START_TEST(test_router_next_hop_never_answers)
{
    char *json = two("5s", "192.168.2.10/24",
                     "{'dst': '192.168.2.0/24', 'via': '10.9.0.2'}",
                     R2_TO_H1, UDP(5, "100kpps"));
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    free(json);
    const struct flow_stats *fs = &r.w->flows[0];
    ck_assert_uint_eq(vh_drops_get(&fs->drops, "arp-failed"), 5);
    struct router *r1 = router_of(r.w, "r1");
    ck_assert_uint_eq(router_port(r1, 3)->arp_requests, 3);
    ck_assert_uint_eq(drops_of(&r1->drops, "arp-failed"), 5);
    ck_assert_uint_eq(router_port(r1, 3)->routed_out, 5);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);
}
END_TEST

/* --- What the router answers itself. --- */

/* An echo request from h1 to r1's address, handed to r1's p1 as if its
 * cable had just delivered it. */
struct inject {
    struct world *w;
    struct port *port;
};

static void
inject_echo(struct vh_sim *sim, void *obj, void *arg)
{
    struct inject *in = obj;
    struct world *w = world_of(sim);
    struct vh_packet *p = vh_packet_alloc(&w->pool);
    struct vh_ip_hdr_spec spec = {
        .dst_mac = router_port(router_of(w, "r1"), 1)->mac,
        .src_mac = wt_host(w, "h1")->nics[0]->cfg->mac,
        .ip_src = 0xc0a8010a, .ip_dst = 0xc0a80101, .ip_id = 7,
    };
    p->len = vh_build_icmp_echo(p->data, &spec, VH_ICMP_ECHO_REQUEST, 0x42,
                                3, NULL, 32);
    p->born = w->sim.now;
    in->port->rx(w, in->port, p);
    (void) arg;
}

START_TEST(test_router_answers_echo_to_itself)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    struct caps cc = { .points = { "r1/p1" }, .n = 1 };
    snprintf(cc.files[0], PATH_MAX, "%s/r1p1.pcap", dir);
    char *json = two("1ms", "192.168.2.10/24", R1_TO_H2, R2_TO_H1, "");
    struct vh_diag d;
    vh_diag_init(&d);
    struct cfg_scenario *c = cfg_load_string(json, "t.json", NULL, &d);
    ck_assert_msg(c, "%s", d.msg);
    struct world *w = world_build(c, &d);
    ck_assert_msg(w, "%s", d.msg);
    caps_open(w, &cc);
    struct fabport *fp = VH_CONTAINER_OF(wt_dev(w, "r1/p1"), struct fabport,
                                         dev);
    struct inject in = { w, &fp->port };
    vh_schedule_at(&w->sim, 10 * VH_US, inject_echo, &in, NULL);
    world_run(w, NULL, NULL);
    char err[256];
    ck_assert_msg(vh_capture_commit(cc.c, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(router_of(w, "r1")->echo_replies, 1);

    /* r1 finds h1 by ARP, then answers from the address asked. */
    vh_tshark_assert_clean(cc.files[0]);
    vh_tshark_expect(cc.files[0], 1, "-e arp.opcode -e arp.src.proto_ipv4 "
                     "-e arp.dst.proto_ipv4", "1\t192.168.1.1\t192.168.1.10\n");
    vh_tshark_expect(cc.files[0], 2, "-e arp.opcode", "2\n");
    vh_tshark_expect(cc.files[0], 3, "-e ip.src -e ip.dst -e icmp.type "
                     "-e icmp.ident -e icmp.seq",
                     "192.168.1.1\t192.168.1.10\t0\t66\t3\n");
    world_free(w);
    cfg_free(c);
    free(json);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* --- The loader. --- */

#define RT(KEYS)                                                        \
    "{'switches': [{'name': 'r', 'mode': 'router', 'ports': 4" KEYS "}]}"
#define IFS "'interfaces': [{'port': 'p1', 'ip': '10.0.0.1/24'}, " \
            "{'port': 'p2', 'ip': '172.16.0.1/31'}]"

static const struct {
    const char *json;
    const char *msg;
} bad[] = {
    { RT(", 'interfaces': {}"), "switches[0].interfaces: expected an array, "
      "got an object" },
    { RT(", 'interfaces': [{'port': 'p9', 'ip': '10.0.0.1/24'}]"),
      "switches[0].interfaces[0].port: port 9 is out of range; this switch "
      "has ports p1 to p4" },
    { RT(", 'interfaces': [{'ip': '10.0.0.1/24'}]"),
      "switches[0].interfaces[0]: missing required key 'port'" },
    { RT(", 'interfaces': [{'port': 'p1', 'ipp': '10.0.0.1/24'}]"),
      "switches[0].interfaces[0]: unknown key 'ipp'; did you mean 'ip'?" },
    { RT(", 'interfaces': [{'port': 'p1', 'ip': '10.0.0.1'}]"),
      "switches[0].interfaces[0].ip: malformed address '10.0.0.1' "
      "(expected an IPv4 address with its prefix length, such as "
      "\"172.16.0.1/31\")" },
    { RT(", 'interfaces': [{'port': 'p1', 'ip': '10.0.0.0/24'}]"),
      "switches[0].interfaces[0].ip: '10.0.0.0/24' is the network address "
      "of its /24 subnet, not a host address" },
    { RT(", 'interfaces': [{'port': 'p1', 'ip': '10.0.0.1/32'}]"),
      "switches[0].interfaces[0].ip: '10.0.0.1/32': a /32 has no "
      "neighbour to route to" },
    { RT(", 'interfaces': [{'port': 'p1', 'ip': '10.0.0.1/24'}, "
         "{'port': 'p1', 'ip': '10.0.1.1/24'}]"),
      "switches[0].interfaces[1].port: port p1 already has an interface "
      "(interfaces[0])" },
    { RT(", 'interfaces': [{'port': 'p1', 'ip': '10.0.0.1/24'}, "
         "{'port': 'p2', 'ip': '10.0.0.129/25'}]"),
      "switches[0].interfaces[1].ip: 10.0.0.128/25 overlaps the subnet of "
      "interfaces[0] (10.0.0.0/24)" },
    { RT(", " IFS ", 'routes': [{'dst': '192.168.2.5/24', 'via': "
         "'172.16.0.0'}]"),
      "switches[0].routes[0].dst: '192.168.2.5/24' has host bits set; the "
      "network is 192.168.2.0/24" },
    { RT(", " IFS ", 'routes': [{'dst': '192.168.2.0/24'}]"),
      "switches[0].routes[0]: missing required key 'via'" },
    { RT(", " IFS ", 'routes': [{'dst': '192.168.2.0/24', 'via': []}]"),
      "switches[0].routes[0].via: expected a next-hop address or a list of "
      "them, got an empty list" },
    { RT(", " IFS ", 'routes': [{'dst': '192.168.2.0/24', 'via': "
         "'10.9.9.9'}]"),
      "switches[0].routes[0].via: next hop 10.9.9.9 is on none of the "
      "router's subnets" },
    { RT(", " IFS ", 'routes': [{'dst': '192.168.2.0/24', 'via': "
         "['172.16.0.0', '10.0.0.1']}]"),
      "switches[0].routes[0].via[1]: next hop 10.0.0.1 is the router's own "
      "address (interfaces[0])" },
    { RT(", " IFS ", 'routes': [{'dst': '192.168.2.0/24', 'via': "
         "['172.16.0.0', 7]}]"),
      "switches[0].routes[0].via[1]: expected a next-hop address, got a "
      "number" },
    { RT(", " IFS ", 'routes': [{'dst': '192.168.2.0/24', 'via': "
         "['172.16.0.0', '172.16.0.0']}]"),
      "switches[0].routes[0].via[1]: next hop 172.16.0.0 is listed twice" },
    { RT(", " IFS ", 'routes': [{'dst': '192.168.2.0/24', 'via': "
         "'10.0.0.255'}]"),
      "switches[0].routes[0].via: next hop 10.0.0.255 is the broadcast "
      "address of the subnet of interfaces[0]" },
    { RT(", " IFS ", 'routes': [{'dst': '10.0.0.0/24', 'via': "
         "'172.16.0.0'}]"),
      "switches[0].routes[0].dst: 10.0.0.0/24 is the subnet of "
      "interfaces[0], a connected route that always wins" },
    { RT(", " IFS ", 'routes': [{'dst': '0.0.0.0/0', 'via': '172.16.0.0'}, "
         "{'dst': '0.0.0.0/0', 'via': '10.0.0.2'}]"),
      "switches[0].routes[1].dst: 0.0.0.0/0 already has a route "
      "(routes[0]); list every equal-cost next hop in one route's \"via\"" },
    { "{'switches': [{'name': 's', 'mode': '802.1q', 'ports': 4, " IFS "}]}",
      "switches[0].interfaces: 'interfaces' applies only to switches of "
      "mode router" },
    { RT(", 'links': {'p9': 'x/p1'}"),
      "switches[0].links.p9: port 9 is out of range; this switch has ports "
      "p1 to p4" },
    { RT(", 'links': ['p1']"),
      "switches[0].links: expected an object from this switch's ports to "
      "other switches' ports" },
    { RT(", 'links': {'p1': 'r/p2'}"),
      "switches[0].links.p1: 'r/p2' is a port of 'r' itself" },
    { "{'hosts': [{'name': 'h', 'nics': [{'name': 'eth0', 'ip': "
      "'10.0.0.9/24'}]}], 'switches': [{'name': 'r', 'mode': 'router', "
      "'ports': 4, 'links': {'p1': 'h/eth0'}}]}",
      "switches[0].links.p1: 'h/eth0' is a host NIC; a switch's \"links\" "
      "go to other switches' ports" },
    { "{'switches': [{'name': 'a', 'mode': 'router', 'ports': 4, "
      "'links': {'p1': 'b/p1'}}, {'name': 'b', 'mode': '802.1q', 'ports': 4,"
      " 'links': {'p2': 'a/p1'}}]}",
      "switches[1].links.p2: 'a/p1' is already cabled (by the links of a)" },
    { "{'hosts': [{'name': 'h', 'nics': [{'name': 'eth0', 'ip': "
      "'10.0.0.1/24', 'link': 'r/p1'}]}], 'switches': [{'name': 'r', "
      "'mode': 'router', 'ports': 4, " IFS "}]}",
      "switches[0].interfaces[0].ip: IP address 10.0.0.1 is also used by "
      "hosts[0].nics[0]" },
    /* IPv6 alike: a host's address, then another router's. */
    { "{'hosts': [{'name': 'h', 'nics': [{'name': 'eth0', 'ip': "
      "'10.0.0.9/24', 'ip6': '2001:db8:1::1/64', 'link': 'r/p1'}]}], "
      "'switches': [{'name': 'r', 'mode': 'router', 'ports': 4, "
      "'interfaces': [{'port': 'p1', 'ip': '10.0.0.1/24', "
      "'ip6': '2001:db8:1::1/64'}]}]}",
      "switches[0].interfaces[0].ip6: IPv6 address 2001:db8:1::1 is also "
      "used by hosts[0].nics[0]" },
    { "{'switches': [{'name': 'a', 'mode': 'router', 'ports': 4, "
      "'interfaces': [{'port': 'p1', 'ip': '10.0.0.1/24', "
      "'ip6': '2001:db8:1::1/64'}], 'links': {'p1': 'b/p1'}}, "
      "{'name': 'b', 'mode': 'router', 'ports': 4, "
      "'interfaces': [{'port': 'p1', 'ip': '10.0.0.2/24', "
      "'ip6': '2001:db8:1::1/64'}]}]}",
      "switches[1].interfaces[0].ip6: IPv6 address 2001:db8:1::1 is also "
      "used by switches[0].interfaces[0]" },
};

START_TEST(test_router_loader_refusals)
{
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *json = vh_test_dq(bad[i].json);
        wt_assert_refused(json, bad[i].msg, i);
        free(json);
    }
}
END_TEST

/* A flow between subnets runs when a router holds the sender's gateway,
 * and is refused, naming why, when nothing could route it. */
START_TEST(test_flows_between_subnets_need_a_router)
{
    char *json = two("1ms", "192.168.2.10/24", R1_TO_H2, R2_TO_H1,
                     UDP(1, "1kpps"));
    /* h1's gateway on no router. */
    char *s = strstr(json, "192.168.1.1\"");
    ck_assert_ptr_nonnull(s);
    memcpy(s, "192.168.1.9\"", 12);
    char *msg = wt_refusal(json, NULL);
    ck_assert_msg(strstr(msg, "traffic[0].to: 'h2' (192.168.2.10) is not in "
                         "the subnet of 'h1' (192.168.1.10/24), whose "
                         "gateway 192.168.1.9 is no router's interface"),
                  "%s", msg);
    free(msg);
    free(json);

    /* An ICMP flow needs the way back too: h2 without a gateway. */
    json = two("1ms", "192.168.2.10/24", R1_TO_H2, R2_TO_H1,
               "{'name': 'p', 'from': 'h1', 'to': 'h2', 'proto': 'icmp', "
               "'rate': '1kpps', 'count': 1}");
    static const char gw[] = "\"gateway\": \"192.168.2.1\", ";
    s = strstr(json, gw);
    ck_assert_ptr_nonnull(s);
    memmove(s, s + strlen(gw), strlen(s + strlen(gw)) + 1);
    msg = wt_refusal(json, NULL);
    ck_assert_msg(strstr(msg, "traffic[0].to: 'h1' (192.168.1.10) is not in "
                         "the subnet of 'h2' (192.168.2.10/24) for the echo "
                         "replies, which has no gateway"), "%s", msg);
    free(msg);
    free(json);
}
END_TEST

/* Refused on the command line: exit status 2, the path on stderr, and
 * nothing written. */
START_TEST(test_router_refusal_writes_nothing)
{
    char *dir = vh_test_tmpdir();
    char *json = vh_test_dq(RT(", 'interfaces': [{'port': 'p1', 'ip': "
                               "'10.0.0.1/33'}]"));
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/bad.json", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(json, f);
    fclose(f);
    char *out = NULL, bin[PATH_MAX];
    ck_assert(realpath(vh_test_bin(), bin));
    int st = vh_test_sh(&out, "cd '%s' && '%s' run bad.json --json r.json",
                        dir, bin);
    ck_assert_int_eq(st, 2);
    ck_assert_msg(strstr(out, "switches[0].interfaces[0].ip"), "%s", out);
    free(out);
    st = vh_test_sh(&out, "ls -A '%s'", dir);
    ck_assert_str_eq(out, "bad.json\n");
    free(out);
    free(json);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* --- The shipped scenario. --- */

static const cJSON *
named(const cJSON *arr, const char *name)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, arr) {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "name");
        if (cJSON_IsString(n) && !strcmp(n->valuestring, name)) {
            return e;
        }
    }
    ck_abort_msg("no '%s'", name);
    return NULL;
}

static cJSON *
leaf_spine(const char *variant)
{
    char *json = vh_test_slurp(LEAF_SPINE, NULL);
    ck_assert_ptr_nonnull(json);
    struct wt_run r = wt_run_json(json, variant, NULL, NULL);
    free(json);
    wt_assert_conserved(r.w, true);
    cJSON *rep = report_json(r.w, 0);
    wt_run_free(&r);
    return rep;
}

/* What its description says: every flow under one of leaf1's next hops,
 * the spines' bytes roughly balanced; with a single path, spine2 idle
 * and latency ten times higher. */
START_TEST(test_leaf_spine_scenario)
{
    cJSON *base = leaf_spine(NULL), *single = leaf_spine("single-path");
    const cJSON *sw = cJSON_GetObjectItemCaseSensitive(base, "switches");
    const cJSON *route = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
        named(sw, "leaf1"), "routes"), 4);
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(route, "dst")
                     ->valuestring, "192.168.2.0/24");
    const cJSON *nhs = cJSON_GetObjectItemCaseSensitive(route, "next_hops");
    ck_assert_int_eq(cJSON_GetArraySize(nhs), 2);
    int seen[16] = { 0 };
    const cJSON *nh;
    cJSON_ArrayForEach(nh, nhs) {
        const cJSON *f;
        ck_assert(vh_test_num(nh, "frames") > 0);
        cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(nh, "flows")) {
            int k = (f->valuestring[0] == 'b') * 8 + atoi(f->valuestring + 1)
                    - 1;
            seen[k]++;
        }
    }
    for (int k = 0; k < 16; k++) {
        ck_assert_msg(seen[k] == 1, "flow %d on %d next hops", k, seen[k]);
    }
    double s1 = vh_test_num(named(sw, "spine1"), "routed_bytes");
    double s2 = vh_test_num(named(sw, "spine2"), "routed_bytes");
    ck_assert_msg(s1 > 0.5 * s2 && s2 > 0.5 * s1, "%g / %g", s1, s2);
    ck_assert_double_eq(s1 + s2, 16 * 120 * 1518.0);

    const cJSON *sw1 = cJSON_GetObjectItemCaseSensitive(single, "switches");
    ck_assert_double_eq(vh_test_num(named(sw1, "spine2"), "routed"), 0);
    const cJSON *fb = named(cJSON_GetObjectItemCaseSensitive(base, "flows"),
                            "a1");
    const cJSON *fs = named(cJSON_GetObjectItemCaseSensitive(single,
                                                             "flows"), "a1");
    double p50b = vh_test_num(cJSON_GetObjectItemCaseSensitive(fb,
                                                               "latency_ns"),
                              "p50");
    double p50s = vh_test_num(cJSON_GetObjectItemCaseSensitive(fs,
                                                               "latency_ns"),
                              "p50");
    ck_assert_msg(p50s > 5 * p50b, "p50 %g ns with ECMP, %g without", p50b,
                  p50s);
    cJSON_Delete(base);
    cJSON_Delete(single);
}
END_TEST

static Suite *
router_suite(void)
{
    Suite *s = suite_create("router");
    TCase *tc = tcase_create("forwarding");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_router_routes_across_two_hops);
    tcase_add_test(tc, test_router_ping_round_trip);
    tcase_add_test(tc, test_router_capture_whole);
    tcase_add_test(tc, test_router_answers_echo_to_itself);
    suite_add_tcase(s, tc);
    tc = tcase_create("ecmp");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_router_ecmp_choice);
    tcase_add_test(tc, test_router_ecmp_in_a_run);
    tcase_add_test(tc, test_router_deterministic);
    tcase_add_test(tc, test_leaf_spine_scenario);
    suite_add_tcase(s, tc);
    tc = tcase_create("drops");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_router_no_route);
    tcase_add_test(tc, test_router_ttl_runs_out_in_a_loop);
    tcase_add_test(tc, test_router_time_exceeded_is_rate_limited);
    tcase_add_test(tc, test_router_next_hop_never_answers);
    suite_add_tcase(s, tc);
    tc = tcase_create("loader");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_router_loader_refusals);
    tcase_add_test(tc, test_flows_between_subnets_need_a_router);
    tcase_add_test(tc, test_router_refusal_writes_nothing);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(router_suite)
