/* tests/test_ovs.c: Open vSwitch's behaviour, whole worlds at a time.
 *
 * The unit tests of models/ovs/ (test_ofparse, test_ofclassify) check the
 * parts; these check what a user of the simulator sees when the parts
 * work together in a host: rules applied to every frame whether it took
 * the slow path or the cache; rule counters that count what was switched;
 * one upcall per megaflow, and so per flow only when the rules look at
 * what tells flows apart; the first frame of a flow paying for its
 * upcall; the handler socket's bound; flow-limit, max-idle and
 * revalidation after MAC learning; VLANs; the DPDK datapath's EMC;
 * 'vhsim explain'; determinism; and, as a property over random rule
 * sets, that the cached actions of a megaflow are the actions the tables
 * give a frame translated afresh.
 *
 * Most tests build a small scenario from a template (struct scn), run it
 * in-process and read the JSON report as report_json() writes it, the
 * keys a user reads.  JSON is written with single quotes; they become
 * double quotes before loading. */
#include <check.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "models/core/world.h"
#include "models/ovs/xlate.h"
#include "report/report.h"
#include "sim/rng.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* ---- The scenario template. ---- */

/* host1 (4 cores at 2.6 GHz; it and the remote kept to C1: these tests
 * measure OVS's paths, which a 133 us wake from C6 of a core idle at a
 * flow's start would blur) with NIC eth0 (82599) cabled to port 1 of
 * 802.1Q switch tor1, and bridge br0 (OVS, kernel datapath, eth0 its
 * port 1) with 'vms' VMs (vm1, vm2, ... on OpenFlow ports 2, 3, ...),
 * their NICs' MACs 52:54:00:00:00:0N and addresses 10.0.0.N/24; a
 * bare-metal host 'remote' (02:00:00:00:00:64, 10.0.0.100/24) on port 2
 * of tor1.  Strings are JSON fragments in single quotes. */
struct scn {
    const char *duration;       /* Default "5ms". */
    const char *rules;          /* Items of br0's "flows"; NULL: none
                                 * (OVS's default NORMAL rule). */
    const char *other;          /* Members of br0's "other_config". */
    const char *eth0;           /* br0's entry for eth0; NULL: 'eth0'. */
    int vms;                    /* Default 2. */
    int vlan[3];                /* VM NIC N's "vlan"; 0: none. */
    int queues;                 /* host1/eth0's queues; 0: default. */
    bool linux_bridge;          /* br0 a Linux bridge instead. */
    bool dpdk;                  /* br0 on the DPDK datapath, its PMD on
                                 * core 3, VM NIC N vhost-user with its
                                 * vCPU pinned to core N - 1. */
    const char *traffic;        /* Items of "traffic". */
    const char *extra;          /* More top-level members, after a
                                 * comma. */
};

/* The scenario 's' as JSON text (double quotes); the caller frees it. */
static char *
scn_json(const struct scn *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    fprintf(f, "{ 'name': 'ovs-test', 'duration': '%s', 'seed': 3,"
            " 'hosts': [ { 'name': 'host1',"
            "   'cpu': { 'cores': 4, 'ghz': 2.6, 'cstate': 'C1' },"
            "   'nics': [ { 'name': 'eth0', 'model': '82599',"
            "               'link': 'tor1/p1'",
            s->duration ? s->duration : "5ms");
    if (s->queues) {
        fprintf(f, ", 'queues': %d", s->queues);
    }
    fprintf(f, " } ], 'bridges': [ { 'name': 'br0', 'ports': [ %s ]",
            s->eth0 ? s->eth0 : "'eth0'");
    if (s->linux_bridge) {
        fprintf(f, ", 'type': 'linux-bridge'");
    } else if (s->dpdk) {
        fprintf(f, ", 'type': 'ovs', 'datapath': 'dpdk', 'pmd_cores': [3]");
    } else {
        fprintf(f, ", 'type': 'ovs', 'datapath': 'kernel'");
    }
    if (s->rules) {
        fprintf(f, ", 'flows': [ %s ]", s->rules);
    }
    if (s->other) {
        fprintf(f, ", 'other_config': { %s }", s->other);
    }
    fprintf(f, " } ], 'vms': [");
    int vms = s->vms ? s->vms : 2;
    for (int i = 1; i <= vms; i++) {
        fprintf(f, "%s { 'name': 'vm%d', ", i > 1 ? "," : "", i);
        if (s->dpdk) {
            fprintf(f, "'pin': [%d], ", i - 1);
        }
        fprintf(f, "'nics': [ { 'name': 'eth0',"
                " 'mac': '52:54:00:00:00:%02x', 'ip': '10.0.0.%d/24',"
                " 'attach': { 'type': '%s', 'to': 'br0' }", i, i,
                s->linux_bridge ? "bridge" : "ovs");
        if (s->dpdk) {
            fprintf(f, ", 'backend': 'vhost-user'");
        }
        if (s->vlan[i - 1]) {
            fprintf(f, ", 'vlan': %d", s->vlan[i - 1]);
        }
        fprintf(f, " } ] }");
    }
    fprintf(f, " ] },"
            " { 'name': 'remote', 'cpu': { 'cstate': 'C1' },"
            "   'nics': [ { 'name': 'eth0',"
            "   'mac': '02:00:00:00:00:64', 'ip': '10.0.0.100/24',"
            "   'link': 'tor1/p2' } ] } ],"
            " 'switches': [ { 'name': 'tor1', 'mode': '802.1q',"
            "                 'ports': 4 } ],"
            " 'traffic': [ %s ] %s%s }",
            s->traffic, s->extra ? ", " : "", s->extra ? s->extra : "");
    fclose(f);
    for (char *p = buf; *p; p++) {
        if (*p == '\'') {
            *p = '"';
        }
    }
    return buf;
}

/* A run of 's', its JSON text and its report. */
struct ovs_run {
    char *json;
    struct wt_run r;
    cJSON *rep;                 /* report_json() after the run. */
    const cJSON *br;            /* host1's bridges[0]. */
};

static struct ovs_run
run_scn(const struct scn *s)
{
    struct ovs_run o;
    o.json = scn_json(s);
    o.r = wt_run_json(o.json, NULL, NULL, NULL);
    o.rep = report_json(o.r.w, 0);
    ck_assert_ptr_nonnull(o.rep);
    const cJSON *h = cJSON_GetArrayItem(cJSON_GetObjectItem(o.rep, "hosts"),
                                        0);
    ck_assert_str_eq(cJSON_GetObjectItem(h, "name")->valuestring, "host1");
    o.br = cJSON_GetArrayItem(cJSON_GetObjectItem(h, "bridges"), 0);
    ck_assert_ptr_nonnull(o.br);
    return o;
}

static void
ovs_run_free(struct ovs_run *o)
{
    cJSON_Delete(o->rep);
    wt_run_free(&o->r);
    free(o->json);
}

/* The number at 'path' ("lookups.missed") under 'o'; fails the test if
 * there is none. */
static double
jnum(const cJSON *o, const char *path)
{
    char key[128];
    const char *p = path;
    while (o && *p) {
        size_t n = strcspn(p, ".");
        ck_assert_uint_lt(n, sizeof key);
        memcpy(key, p, n);
        key[n] = '\0';
        o = cJSON_GetObjectItemCaseSensitive(o, key);
        p += n + (p[n] == '.');
    }
    ck_assert_msg(o && cJSON_IsNumber(o), "no number at %s", path);
    return o->valuedouble;
}

/* The item of list 'list' of 'o' whose 'key' is 'value'. */
static const cJSON *
jfind(const cJSON *o, const char *list, const char *key, const char *value)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(o, list)) {
        const cJSON *k = cJSON_GetObjectItem(it, key);
        if (cJSON_IsString(k) && !strcmp(k->valuestring, value)) {
            return it;
        }
    }
    ck_abort_msg("no %s with %s '%s'", list, key, value);
    return NULL;
}

static const cJSON *
flow_of(const struct ovs_run *o, const char *name)
{
    return jfind(o->rep, "flows", "name", name);
}

/* Frames of flow 'name' dropped for 'reason' (0 if none were). */
static double
drops_of(const struct ovs_run *o, const char *name, const char *reason)
{
    const cJSON *d = cJSON_GetObjectItem(flow_of(o, name), "drops");
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(d, reason);
    return n ? n->valuedouble : 0;
}

static double
rule_packets(const struct ovs_run *o, const char *rule)
{
    return jnum(jfind(o->br, "rules", "rule", rule), "n_packets");
}

static double
dev_rx(const struct ovs_run *o, const char *path)
{
    return jnum(jfind(o->rep, "devices", "path", path), "rx");
}

/* Every flow of the report has sent = delivered + dropped + in_flight,
 * and its drop reasons add up to 'dropped'. */
static void
assert_flows_add_up(const struct ovs_run *o)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItem(o->rep, "flows")) {
        const char *name = cJSON_GetObjectItem(f, "name")->valuestring;
        double sent = jnum(f, "sent"), del = jnum(f, "delivered");
        double drop = jnum(f, "dropped"), inf = jnum(f, "in_flight");
        ck_assert_msg(sent == del + drop + inf, "flow %s: sent %.0f, "
                      "delivered %.0f + dropped %.0f + in flight %.0f",
                      name, sent, del, drop, inf);
        double reasons = 0;
        const cJSON *r;
        cJSON_ArrayForEach(r, cJSON_GetObjectItem(f, "drops")) {
            reasons += r->valuedouble;
        }
        ck_assert_msg(reasons == drop, "flow %s: reasons %.0f, dropped "
                      "%.0f", name, reasons, drop);
    }
    wt_assert_conserved(o->r.w, false);
}

/* A rule that makes every megaflow match the UDP source port, and so
 * each new source port a megaflow of its own (an ACL against spoofed DNS
 * replies, as in scenarios/ovs-fast-slow-path.json); NORMAL for the
 * rest. */
#define ACL_RULES "'priority=300,udp,tp_src=53,actions=drop', " \
                  "'priority=0,actions=normal'"

/* ---- 1. Rules are applied, never ignored. ---- */

START_TEST(test_rule_drops_its_flow_only)
{
    struct scn s = {
        .rules = "'udp,tp_dst=9999,actions=drop', "
                 "'priority=0,actions=normal'",
        .traffic =
            "{ 'name': 'blocked', 'from': 'remote', 'to': 'host1/vm1',"
            "  'rate': '20kpps', 'count': 30, 'dport': 9999 },"
            "{ 'name': 'allowed', 'from': 'remote', 'to': 'host1/vm1',"
            "  'rate': '20kpps', 'count': 30, 'dport': 5000 }",
    };
    struct ovs_run o = run_scn(&s);
    /* Every frame of the blocked flow is dropped by the rule, the later
     * ones from the cache as much as the first from the tables. */
    ck_assert_int_eq(jnum(flow_of(&o, "blocked"), "sent"), 30);
    ck_assert_int_eq(jnum(flow_of(&o, "blocked"), "delivered"), 0);
    ck_assert_int_eq(drops_of(&o, "blocked", "rule-drop"), 30);
    ck_assert_int_eq(jnum(flow_of(&o, "allowed"), "delivered"), 30);
    ck_assert_int_eq(jnum(flow_of(&o, "allowed"), "dropped"), 0);
    ck_assert_int_eq(rule_packets(&o, "udp,tp_dst=9999,actions=drop"), 30);
    ck_assert_int_gt(jnum(o.br, "lookups.hit"), 50);
    /* vm1 never sees a frame to port 9999: 30 UDP and an ARP request. */
    ck_assert_int_eq(dev_rx(&o, "host1/vm1/eth0"), 31);
    assert_flows_add_up(&o);
    ovs_run_free(&o);
}
END_TEST

/* Flow 'f': 30 UDP frames from the remote host to vm1. */
#define FLOW_F_TO_VM1                                                   \
    "{ 'name': 'f', 'from': 'remote', 'to': 'host1/vm1',"               \
    "  'rate': '20kpps', 'count': 30 }"

START_TEST(test_no_rule_matched_drops)
{
    /* Only ARP has a rule: addresses resolve, and every UDP frame finds
     * no rule in table 0 and is dropped, cached or not. */
    struct scn s = {
        .rules = "'arp,actions=normal'",
        .traffic = FLOW_F_TO_VM1,
    };
    struct ovs_run o = run_scn(&s);
    const cJSON *f = flow_of(&o, "f");
    ck_assert_int_eq(jnum(f, "sent"), 30);
    ck_assert_int_eq(jnum(f, "delivered"), 0);
    ck_assert_int_eq(drops_of(&o, "f", "no-rule-matched"), 30);
    ck_assert_int_eq(rule_packets(&o, "arp,actions=normal"), 2);
    ck_assert_int_eq(dev_rx(&o, "host1/vm1/eth0"), 1);      /* The ARP. */
    assert_flows_add_up(&o);
    ovs_run_free(&o);
}
END_TEST

/* "flows": [] is a bridge whose rules were all deleted ('ovs-ofctl
 * del-flows'): on either datapath every frame, ARP first, misses table 0
 * and is dropped, and nothing reaches the guest.  Without "flows" the
 * default NORMAL rule switches the same traffic. */
START_TEST(test_empty_flows_drop_everything)
{
    for (int dpdk = 0; dpdk < 2; dpdk++) {
        for (int empty = 0; empty < 2; empty++) {
            struct scn s = {
                .rules = empty ? "" : NULL,
                .dpdk = dpdk,
                .traffic = FLOW_F_TO_VM1,
            };
            struct ovs_run o = run_scn(&s);
            const cJSON *f = flow_of(&o, "f");
            ck_assert_int_eq(jnum(f, "sent"), 30);
            ck_assert_int_eq(jnum(f, "delivered"), empty ? 0 : 30);
            const cJSON *br = jfind(o.rep, "devices", "path", "host1/br0");
            const cJSON *why = cJSON_GetObjectItem(
                cJSON_GetObjectItem(br, "drop_reasons"), "no-rule-matched");
            ck_assert_msg(empty ? why && why->valuedouble > 0 : !why,
                          "dpdk %d, empty %d: br0's no-rule-matched drops",
                          dpdk, empty);
            ck_assert_int_eq(dev_rx(&o, "host1/vm1/eth0"), empty ? 0 : 31);
            assert_flows_add_up(&o);
            ovs_run_free(&o);
        }
    }
}
END_TEST

/* Resubmits nest as deep as OVS lets them: a chain of 40 tables, each
 * resubmitting to the next, switches every frame and credits every rule
 * on the way; a rule that resubmits to its own table is cut at the limit
 * and its frames dropped for that reason, without taking the run down. */
START_TEST(test_resubmit_chain_and_loop)
{
    enum { CHAIN = 40 };
    char rules[CHAIN * 48 + 64];
    size_t n = 0;
    for (int i = 0; i < CHAIN; i++) {
        n += (size_t) snprintf(rules + n, sizeof rules - n,
                               "'table=%d,actions=resubmit(,%d)', ", i,
                               i + 1);
    }
    snprintf(rules + n, sizeof rules - n, "'table=%d,actions=normal'",
             CHAIN);
    struct scn chain = {
        .rules = rules,
        .traffic = "{ 'name': 'f', 'from': 'remote', 'to': 'host1/vm1',"
                   "  'rate': '20kpps', 'count': 30 }",
    };
    struct ovs_run o = run_scn(&chain);
    ck_assert_int_eq(jnum(flow_of(&o, "f"), "delivered"), 30);
    double first = rule_packets(&o, "table=0,actions=resubmit(,1)");
    ck_assert_int_ge(first, 30);
    char last[64];
    snprintf(last, sizeof last, "table=%d,actions=resubmit(,%d)", CHAIN - 1,
             CHAIN);
    ck_assert_int_eq(rule_packets(&o, last), first);
    assert_flows_add_up(&o);
    ovs_run_free(&o);

    struct scn loop = {
        .rules = "'priority=10,udp,actions=resubmit(,0)', "
                 "'priority=0,actions=normal'",
        .traffic = chain.traffic,
    };
    o = run_scn(&loop);
    ck_assert_int_eq(jnum(flow_of(&o, "f"), "delivered"), 0);
    ck_assert_int_eq(drops_of(&o, "f", "resubmit-depth"), 30);
    /* A translation credits the rule once per level it matched at:
     * XLATE_MAX_DEPTH levels, and the one the limit cut. */
    double loops = rule_packets(&o, "priority=10,udp,actions=resubmit(,0)");
    ck_assert_int_eq((long) loops % (XLATE_MAX_DEPTH + 1), 0);
    ck_assert_int_ge(loops, XLATE_MAX_DEPTH + 1);
    assert_flows_add_up(&o);
    ovs_run_free(&o);
}
END_TEST

/* ---- 2. Rule counters count what each rule switched. ---- */

START_TEST(test_rule_counters_count_every_frame)
{
    /* Three flows, each matching one rule; ARP its own.  A rule's
     * n_packets must be the frames of its flows, whether they went up to
     * a handler or hit a cached megaflow, and over the single table the
     * counters add up to the frames that entered the bridge. */
    struct scn s = {
        .rules = "'arp,actions=normal',"
                 "'udp,tp_dst=5000,actions=normal',"
                 "'udp,tp_dst=5001,actions=normal',"
                 "'priority=0,actions=drop'",
        .traffic =
            "{ 'name': 'a', 'from': 'remote', 'to': 'host1/vm1',"
            "  'rate': '20kpps', 'count': 30, 'dport': 5000 },"
            "{ 'name': 'b', 'from': 'host1/vm2', 'to': 'host1/vm1',"
            "  'rate': '10kpps', 'count': 20, 'dport': 5001 },"
            "{ 'name': 'c', 'from': 'remote', 'to': 'host1/vm2',"
            "  'rate': '10kpps', 'count': 10, 'dport': 7 }",
    };
    struct ovs_run o = run_scn(&s);
    ck_assert_int_eq(jnum(flow_of(&o, "a"), "delivered"), 30);
    ck_assert_int_eq(jnum(flow_of(&o, "b"), "delivered"), 20);
    ck_assert_int_eq(drops_of(&o, "c", "rule-drop"), 10);
    ck_assert_int_eq(rule_packets(&o, "udp,tp_dst=5000,actions=normal"), 30);
    ck_assert_int_eq(rule_packets(&o, "udp,tp_dst=5001,actions=normal"), 20);
    ck_assert_int_eq(rule_packets(&o, "priority=0,actions=drop"), 10);
    double sum = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItem(o.br, "rules")) {
        sum += jnum(r, "n_packets");
    }
    double rx = dev_rx(&o, "host1/br0");
    double hit = jnum(o.br, "lookups.hit");
    double missed = jnum(o.br, "lookups.missed");
    ck_assert_msg(sum == rx && sum == hit + missed, "rules counted %.0f "
                  "frames; %.0f entered br0; lookups %.0f hit + %.0f missed",
                  sum, rx, hit, missed);
    ck_assert_int_gt(hit, 40);              /* Most came from the cache. */
    /* Bytes too: 60 bytes a UDP frame (64 less the FCS). */
    ck_assert_int_eq(jnum(jfind(o.br, "rules", "rule",
                                "udp,tp_dst=5000,actions=normal"),
                          "n_bytes"), 30 * 60);
    ovs_run_free(&o);
}
END_TEST

/* ---- 3. Upcalls: one per megaflow. ---- */

/* 'many' cycles through 50 UDP source ports, two frames each, after
 * 'warm' resolved vm1's address. */
#define FIFTY_FLOWS                                                     \
    "{ 'name': 'warm', 'from': 'remote', 'to': 'host1/vm1',"            \
    "  'rate': '10kpps', 'count': 1, 'sport': 7000 },"                  \
    "{ 'name': 'many', 'from': 'remote', 'to': 'host1/vm1',"            \
    "  'rate': '20kpps', 'count': 100, 'start': '1ms',"                 \
    "  'concurrent_flows': 50, 'sport': 20000 }"

START_TEST(test_upcall_per_flow_when_rules_look_at_ports)
{
    /* With a rule on the UDP source port every new port is a megaflow
     * miss: 50 flows, 50 upcalls (and one each for the warm-up frame, the
     * ARP request and its reply); their second frames hit. */
    struct scn s = { .rules = ACL_RULES, .traffic = FIFTY_FLOWS,
                     .duration = "8ms" };
    struct ovs_run o = run_scn(&s);
    double missed = jnum(o.br, "lookups.missed");
    ck_assert_msg(missed >= 50 && missed <= 53, "missed %.0f", missed);
    ck_assert_int_ge(jnum(o.br, "lookups.hit"), 50);
    ck_assert_int_ge(jnum(o.br, "datapath_flows.peak"), 50);
    ck_assert_int_eq(jnum(flow_of(&o, "many"), "delivered"), 100);
    ovs_run_free(&o);
}
END_TEST

START_TEST(test_upcall_shared_when_rules_do_not)
{
    /* NORMAL looks at addresses, not ports: the same 50 flows between the
     * same two MACs share the warm-up's megaflow.  One upcall for the UDP
     * traffic and two for ARP. */
    struct scn s = { .traffic = FIFTY_FLOWS, .duration = "8ms" };
    struct ovs_run o = run_scn(&s);
    double missed = jnum(o.br, "lookups.missed");
    ck_assert_msg(missed <= 3, "missed %.0f", missed);
    ck_assert_int_ge(jnum(o.br, "lookups.hit"), 98);
    ck_assert_int_le(jnum(o.br, "datapath_flows.peak"), 3);
    ck_assert_int_eq(jnum(flow_of(&o, "many"), "delivered"), 100);
    ovs_run_free(&o);
}
END_TEST

/* ---- 4. The first frame pays for the upcall. ---- */

/* 'm' starts at 1 ms from a new source port, once 'warm' has resolved
 * vm1's address: only the rules make its first frame new. */
#define FIRST_FRAME                                                     \
    "{ 'name': 'warm', 'from': 'remote', 'to': 'host1/vm1',"            \
    "  'rate': '10kpps', 'count': 2, 'sport': 7000 },"                  \
    "{ 'name': 'm', 'from': 'remote', 'to': 'host1/vm1',"               \
    "  'rate': '20kpps', 'count': 50, 'start': '1ms', 'sport': 7001 }"

/* Flow 'm''s latency in ns: its p50, and its max less its p50. */
struct first_frame {
    double p50, extra;
};

static struct first_frame
first_frame(bool linux_bridge, const char *extra)
{
    struct scn s = { .rules = linux_bridge ? NULL : ACL_RULES,
                     .linux_bridge = linux_bridge, .traffic = FIRST_FRAME,
                     .extra = extra };
    struct ovs_run o = run_scn(&s);
    const cJSON *m = flow_of(&o, "m");
    ck_assert_int_eq(jnum(m, "delivered"), 50);
    struct first_frame ff = {
        .p50 = jnum(m, "latency_ns.p50"),
        .extra = jnum(m, "latency_ns.max") - jnum(m, "latency_ns.p50"),
    };
    ovs_run_free(&o);
    return ff;
}

START_TEST(test_first_frame_slower_on_ovs_only)
{
    /* The first frame goes up to a handler: its translation, the flow
     * put and the execute take several microseconds more than the kernel
     * fast path the rest take.  A Linux bridge treats every frame the
     * same.  (On both, the first frame also finds vm1's vCPU asleep after
     * 1 ms without work, the rest find it halt-polling: a wakeup of about
     * 3 us.) */
    struct first_frame ovs = first_frame(false, NULL);
    struct first_frame lb = first_frame(true, NULL);
    ck_assert_msg(ovs.extra > 5000, "OVS: max - p50 = %.0f ns", ovs.extra);
    ck_assert_msg(lb.extra < 4000 && lb.extra + 5000 < ovs.extra,
                  "Linux bridge: max - p50 = %.0f ns, OVS %.0f ns",
                  lb.extra, ovs.extra);
    /* The translation is on the first frame's way and no other's: made
     * 100 us long instead of 8000 cycles (3 us), it delays the first
     * frame by 97 us more (less the few us of vm1's wakeup, which the
     * wait overlaps) and leaves the steady state as it was. */
    struct first_frame slow = first_frame(false, "'costs': { 'ovs_xlate': "
                                          "'100us' }");
    ck_assert_msg(slow.extra >= ovs.extra + 90000
                  && slow.p50 == ovs.p50, "OVS with a 100 us translation: "
                  "p50 %.0f ns, max - p50 %.0f ns; with the default, %.0f "
                  "and %.0f", slow.p50, slow.extra, ovs.p50, ovs.extra);
}
END_TEST

/* ---- 5. The handler socket's bound. ---- */

START_TEST(test_upcall_storm_overflows_handler_socket)
{
    /* One handler thread (on core 0) for four receive queues: the
     * softirqs on cores 1 to 3 queue 1 Mpps of new flows (each a
     * megaflow of its own, by the ACL) to its socket faster than it
     * translates them, until the socket's 8 MiB are full and upcalls are
     * lost.  Every lost upcall is a frame of the storm dropped
     * "upcall-lost", and every frame is accounted for. */
    struct scn s = {
        .rules = ACL_RULES,
        .other = "'n-handler-threads': 1",
        .queues = 4,
        .duration = "6ms",
        .traffic =
            "{ 'name': 'warm', 'from': 'remote', 'to': 'host1/vm1',"
            "  'rate': '10kpps', 'count': 1, 'sport': 7000 },"
            "{ 'name': 'storm', 'from': 'remote', 'to': 'host1/vm1',"
            "  'rate': '1Mpps', 'start': '500us',"
            "  'concurrent_flows': 100000, 'sport': 20000 }",
    };
    struct ovs_run o = run_scn(&s);
    double lost = jnum(o.br, "lookups.lost");
    ck_assert_msg(lost > 0, "no upcall lost");
    ck_assert_int_eq(jnum(o.br, "handler_threads"), 1);
    double upcall_lost = drops_of(&o, "storm", "upcall-lost")
                         + drops_of(&o, "warm", "upcall-lost");
    ck_assert_msg(upcall_lost == lost, "lookups.lost %.0f, flows' "
                  "upcall-lost %.0f", lost, upcall_lost);
    ck_assert_int_gt(jnum(flow_of(&o, "storm"), "delivered"), 0);
    assert_flows_add_up(&o);
    ovs_run_free(&o);
}
END_TEST

/* ---- 6. flow-limit. ---- */

START_TEST(test_flow_limit_caps_datapath_flows)
{
    /* 50 megaflows wanted, 10 allowed: the handlers stop installing at
     * the limit but still execute each frame, so everything is delivered
     * and the frames of flows left out keep missing. */
    struct scn s = {
        .rules = ACL_RULES,
        .other = "'flow-limit': 10",
        .duration = "12ms",
        .traffic =
            "{ 'name': 'many', 'from': 'remote', 'to': 'host1/vm1',"
            "  'rate': '20kpps', 'count': 200, 'concurrent_flows': 50,"
            "  'sport': 20000 }",
    };
    struct ovs_run o = run_scn(&s);
    ck_assert_int_le(jnum(o.br, "datapath_flows.peak"), 10);
    ck_assert_int_eq(jnum(flow_of(&o, "many"), "delivered"), 200);
    double missed = jnum(o.br, "lookups.missed");
    ck_assert_msg(missed > 100, "missed %.0f of 200 frames in 50 flows",
                  missed);
    ck_assert_int_gt(jnum(o.br, "flow_limit_hits"), 0);
    assert_flows_add_up(&o);
    ovs_run_free(&o);
}
END_TEST

/* ---- 7. max-idle. ---- */

START_TEST(test_idle_flows_expire)
{
    /* 20 flows stop at 2 ms; with max-idle 5 ms and a dump every 1 ms
     * their megaflows are gone by 8 ms, so the same 5-tuple sent again at
     * 10 ms misses again. */
    struct scn s = {
        .rules = ACL_RULES,
        .other = "'max-idle': '5ms', 'max-revalidator': '1ms'",
        .duration = "14ms",
        .traffic =
            "{ 'name': 'early', 'from': 'remote', 'to': 'host1/vm1',"
            "  'rate': '20kpps', 'count': 40, 'concurrent_flows': 20,"
            "  'sport': 20000 },"
            "{ 'name': 'again', 'from': 'remote', 'to': 'host1/vm1',"
            "  'rate': '20kpps', 'count': 5, 'start': '10ms',"
            "  'sport': 20000 }",
    };
    struct ovs_run o = run_scn(&s);
    ck_assert_int_gt(jnum(o.br, "revalidator.expired"), 0);
    double peak = jnum(o.br, "datapath_flows.peak");
    double end = jnum(o.br, "datapath_flows.end");
    ck_assert_msg(peak >= 20 && end < peak, "datapath flows: peak %.0f, "
                  "end %.0f", peak, end);
    /* 20 flows, ARP both ways, and 'again''s first frame. */
    ck_assert_int_eq(jnum(o.br, "lookups.missed"), 23);
    ck_assert_int_eq(jnum(flow_of(&o, "again"), "delivered"), 5);
    ovs_run_free(&o);
}
END_TEST

START_TEST(test_busy_flows_do_not_expire)
{
    /* The same dumps leave alone a flow that keeps sending. */
    struct scn s = {
        .rules = ACL_RULES,
        .other = "'max-idle': '5ms', 'max-revalidator': '1ms'",
        .duration = "14ms",
        .traffic =
            "{ 'name': 'steady', 'from': 'remote', 'to': 'host1/vm1',"
            "  'rate': '20kpps', 'duration': '13ms', 'sport': 20000 }",
    };
    struct ovs_run o = run_scn(&s);
    ck_assert_int_ge(jnum(o.br, "revalidator.passes"), 10);
    /* The two ARP megaflows, idle since the start, expire; the flow's
     * stays and never misses again: as many misses as without expiry
     * (its first frames, which may come together while the first upcall
     * is pending, and ARP). */
    ck_assert_int_eq(jnum(o.br, "revalidator.expired"), 2);
    ck_assert_int_eq(jnum(o.br, "datapath_flows.end"), 1);
    double missed = jnum(o.br, "lookups.missed");
    ovs_run_free(&o);
    s.other = "'max-revalidator': '1ms'";
    o = run_scn(&s);
    ck_assert_int_eq(jnum(o.br, "revalidator.expired"), 0);
    ck_assert_int_eq(jnum(o.br, "lookups.missed"), (long) missed);
    ovs_run_free(&o);
}
END_TEST

/* ---- 8. Revalidation after MAC learning. ---- */

START_TEST(test_learning_revalidates_flooding_megaflow)
{
    /* ARP is flooded by a rule of its own, so NORMAL learns nothing from
     * it: vm1's frames to vm2 find vm2 unknown and the megaflow installed
     * floods them, to vm3 too.  At 2 ms vm2 starts sending: NORMAL learns
     * where it is, the revalidators re-translate the flooding megaflow at
     * once and give it vm2's port alone.  vm3 sees the first 40 or so
     * frames of vm1's 100 and no more. */
    struct scn s = {
        .rules = "'arp,actions=flood', 'priority=0,actions=normal'",
        .vms = 3,
        .duration = "8ms",
        .traffic =
            "{ 'name': 'f', 'from': 'host1/vm1', 'to': 'host1/vm2',"
            "  'rate': '20kpps', 'count': 100 },"
            "{ 'name': 'back', 'from': 'host1/vm2', 'to': 'host1/vm1',"
            "  'rate': '20kpps', 'count': 10, 'start': '2ms' }",
    };
    struct ovs_run o = run_scn(&s);
    ck_assert_int_eq(jnum(flow_of(&o, "f"), "delivered"), 100);
    ck_assert_int_eq(jnum(flow_of(&o, "back"), "delivered"), 10);
    ck_assert_int_gt(jnum(o.br, "revalidator.new_actions"), 0);
    double vm3 = dev_rx(&o, "host1/vm3/eth0");
    /* 20 kpps for 2 ms is 40 frames, and the ARP request and reply. */
    ck_assert_msg(vm3 >= 30 && vm3 <= 45, "vm3 received %.0f frames", vm3);
    ovs_run_free(&o);
}
END_TEST

/* ---- 9. VLANs. ---- */

static char bin[PATH_MAX];

static void
resolve_bin(void)
{
    if (!realpath(vh_test_bin(), bin)) {
        ck_abort_msg("vhsim binary '%s' not found", vh_test_bin());
    }
}

/* Writes 'json' to DIR/NAME.json and runs it there with the binary,
 * the report to DIR/NAME.r.json. */
static void
run_bin(const char *dir, const char *name, const char *json)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(json, f);
    fclose(f);
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && '%s' run %s.json --json %s.r.json "
                        "--quiet", dir, bin, name, name);
    ck_assert_msg(st == 0, "vhsim run %s: %s", name, out);
    free(out);
}

/* Fails unless tshark decodes each of the 'n' captures 'pcaps' (paths
 * in 'dir') with checksums checked and no expert warning or error, and
 * each holds a frame.  The captures are read in parallel. */
static void
assert_decode_cleanly(const char *dir, const char *const *pcaps, size_t n)
{
    char list[2048] = "";
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        len += snprintf(list + len, sizeof list - len, " '%s'", pcaps[i]);
    }
    ck_assert_uint_lt(len, sizeof list);
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && i=0; for f in%s; do i=$((i+1)); "
        "  { tshark -r \"$f\" -o ip.check_checksum:TRUE "
        "    -o udp.check_checksum:TRUE -q -z expert >x$i.txt 2>&1; "
        "    echo \"== $f: status $? size $(stat -c %%s \"$f\")\" >>x$i.txt; "
        "  } & done; wait; cat x*.txt; rm -f x*.txt", dir, list);
    ck_assert_msg(st == 0, "%s", out);
    ck_assert_msg(!strstr(out, "Errors") && !strstr(out, "Warns")
                  && !strstr(out, "Malformed"), "expert findings:\n%s", out);
    for (size_t i = 0; i < n; i++) {
        char want[512];
        snprintf(want, sizeof want, "== %s: status 0 size ", pcaps[i]);
        const char *p = strstr(out, want);
        ck_assert_msg(p, "tshark failed on %s:\n%s", pcaps[i], out);
        /* More than the 24-byte pcap header: a frame at least. */
        ck_assert_msg(atol(p + strlen(want)) > 24, "%s is empty", pcaps[i]);
    }
    free(out);
}

START_TEST(test_vlans_access_and_trunk)
{
    /* vm1 and vm2 on access ports of VLAN 10, vm3 of VLAN 20; eth0 a
     * trunk of 10 and 20.  vm1 reaches vm2, never vm3 (its ARP request
     * is flooded in VLAN 10 alone); what vm1 sends out of eth0 is tagged
     * 10, and nothing of VLAN 20 or untagged leaves. */
    resolve_bin();
    struct scn s = {
        .vms = 3,
        .vlan = { 10, 10, 20 },
        .eth0 = "{ 'name': 'eth0', 'trunks': [10, 20] }",
        .duration = "4ms",
        .traffic =
            "{ 'name': 'same', 'from': 'host1/vm1', 'to': 'host1/vm2',"
            "  'rate': '20kpps', 'count': 20 },"
            "{ 'name': 'across', 'from': 'host1/vm1', 'to': 'host1/vm3',"
            "  'rate': '20kpps', 'count': 20 },"
            "{ 'name': 'out', 'from': 'host1/vm1', 'to': 'remote',"
            "  'rate': '20kpps', 'count': 20 }",
    };
    struct ovs_run o = run_scn(&s);
    ck_assert_int_eq(jnum(flow_of(&o, "same"), "delivered"), 20);
    ck_assert_int_eq(jnum(flow_of(&o, "across"), "delivered"), 0);
    ck_assert_int_eq(dev_rx(&o, "host1/vm3/eth0"), 0);
    ck_assert_int_eq(jnum(flow_of(&o, "out"), "delivered"), 0);
    assert_flows_add_up(&o);

    ovs_run_free(&o);

    /* The same, run by the binary in a directory of its own, with a
     * capture on the uplink. */
    s.extra = "'capture': [ { 'point': 'host1/eth0', 'file': 'eth0.pcap' } ]";
    char *json = scn_json(&s);
    char *dir = vh_test_tmpdir();
    run_bin(dir, "vlans", json);
    free(json);
    /* Each frame of vm1's: its VLAN, and the address it asks for. */
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && tshark -r eth0.pcap -Y "
                        "'eth.src == 52:54:00:00:00:01' -T fields -e vlan.id "
                        "-e arp.dst.proto_ipv4 2>/dev/null | sort", dir);
    ck_assert_msg(st == 0, "tshark: %s", out);
    /* vm1's ARP requests for vm2, vm3 and the remote, all in VLAN 10;
     * no frame leaves untagged or in VLAN 20. */
    ck_assert_msg(!strcmp(out, "10\t10.0.0.100\n10\t10.0.0.2\n"
                               "10\t10.0.0.3\n"), "vm1's frames on eth0:\n%s",
                  out);
    free(out);
    st = vh_test_sh(&out, "cd '%s' && tshark -r eth0.pcap -T fields "
                    "-e vlan.id 2>/dev/null | sort | uniq -c", dir);
    ck_assert_msg(st == 0 && !strstr(out, "20\n") && strstr(out, " 10\n"),
                  "VLANs on eth0:\n%s", out);
    ck_assert_msg(!strstr(out, " \n"), "untagged frames on eth0:\n%s", out);
    free(out);
    const char *pcap[] = { "eth0.pcap" };
    assert_decode_cleanly(dir, pcap, 1);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* ---- 10. The DPDK datapath's exact-match cache. ---- */

/* scenarios/ovs-dpdk-emc.json, shorter: 1 Mpps of 64-byte UDP from the
 * remote to vm1 (vhost-user) through a DPDK bridge with one PMD, for 50
 * ms: 50,000 frames, in one flow or cycling through 1,000 or 20,000. */
static const char dpdk_json[] =
    "{ 'name': 'emc', 'duration': '52ms', 'seed': 1,"
    "  'hosts': [ { 'name': 'host1',"
    "    'cpu': { 'cores': 4, 'ghz': 2.6, 'cstate': 'C1' },"
    "    'nics': [ { 'name': 'eth0', 'model': '82599', 'link': 'tor1/p1' } ],"
    "    'bridges': [ { 'name': 'br0', 'type': 'ovs', 'datapath': 'dpdk',"
    "                   'ports': ['eth0'], 'pmd_cores': [3] } ],"
    "    'vms': [ { 'name': 'vm1', 'pin': [1], 'nics': [ { 'name': 'eth0',"
    "      'ip': '10.0.0.1/24', 'backend': 'vhost-user',"
    "      'attach': { 'type': 'ovs', 'to': 'br0' } } ] } ] },"
    "   { 'name': 'remote', 'cpu': { 'cstate': 'C1' },"
    "     'nics': [ { 'name': 'eth0',"
    "      'ip': '10.0.0.100/24', 'link': 'tor1/p2' } ] } ],"
    "  'switches': [ { 'name': 'tor1', 'mode': '802.1q', 'ports': 4 } ],"
    "  'traffic': [ { 'name': 'load', 'from': 'remote', 'to': 'host1/vm1',"
    "    'size': 64, 'rate': '1Mpps', 'duration': '50ms', 'start': '1ms',"
    "    'sport': 10000 } ],"
    "  'variants': [ { 'name': 'flows-1000',"
    "                  'set': { 'load.concurrent_flows': 1000 } },"
    "                { 'name': 'flows-20000',"
    "                  'set': { 'load.concurrent_flows': 20000 } },"
    "                { 'name': 'rare-insert',"
    "                  'set': { 'load.concurrent_flows': 10,"
    "                           'load.duration': '5ms',"
    "                           'host1/br0.other_config':"
    "                             { 'emc-insert-inv-prob': 100000 } } } ] }";

struct emc_figures {
    double frames, emc, megaflow, upcalls, cycles;
};

static struct emc_figures
run_emc(const char *variant)
{
    char *json = strdup(dpdk_json);
    for (char *p = json; *p; p++) {
        if (*p == '\'') {
            *p = '"';
        }
    }
    struct wt_run r = wt_run_json(json, variant, NULL, NULL);
    cJSON *rep = report_json(r.w, 0);
    const cJSON *h = cJSON_GetArrayItem(cJSON_GetObjectItem(rep, "hosts"), 0);
    const cJSON *br = cJSON_GetArrayItem(cJSON_GetObjectItem(h, "bridges"), 0);
    ck_assert_str_eq(cJSON_GetObjectItem(br, "datapath")->valuestring,
                     "dpdk");
    const cJSON *load = cJSON_GetArrayItem(cJSON_GetObjectItem(rep, "flows"),
                                           0);
    struct emc_figures e = {
        .frames = jnum(load, "sent"),
        .emc = jnum(br, "emc_hits"),
        .megaflow = jnum(br, "megaflow_hits"),
        .upcalls = jnum(br, "upcalls"),
        .cycles = jnum(br, "processing_cycles_per_packet"),
    };
    ck_assert_int_eq(jnum(load, "delivered"), e.frames);
    cJSON_Delete(rep);
    wt_run_free(&r);
    free(json);
    return e;
}

START_TEST(test_emc_holds_one_flow_not_twenty_thousand)
{
    struct emc_figures one = run_emc(NULL);
    struct emc_figures some = run_emc("flows-1000");
    struct emc_figures many = run_emc("flows-20000");
    ck_assert_int_eq(one.frames, 50000);
    ck_assert_int_eq(some.frames, 50000);
    ck_assert_int_eq(many.frames, 50000);
    /* One flow: after its upcall the dpcls finds it until it enters the
     * EMC, 1 time in 100 (some hundred frames at most); then every frame
     * hits the EMC. */
    ck_assert_msg(one.emc >= one.frames - 1000 && one.megaflow <= 1000,
                  "1 flow: emc %.0f megaflow %.0f of %.0f", one.emc,
                  one.megaflow, one.frames);
    /* 1,000 flows fit in the EMC's 8192 entries, but a flow found in the
     * dpcls enters it 1 time in 100: over its 50 frames a flow is in it
     * for about a fifth of them (1 - (1 - 0.99^50) / 0.5 = 0.21). */
    ck_assert_msg(some.emc > 0.12 * some.frames
                  && some.emc < 0.32 * some.frames
                  && some.emc + some.megaflow >= some.frames - 2,
                  "1000 flows: emc %.0f megaflow %.0f of %.0f", some.emc,
                  some.megaflow, some.frames);
    /* 20,000 flows, each seen every 20 ms, more than the EMC holds: an
     * entry is taken by other flows long before its flow comes back, so
     * the dpcls finds nearly all in the one megaflow NORMAL made. */
    ck_assert_msg(many.emc <= many.frames / 50
                  && many.megaflow >= many.frames - 2 - many.emc,
                  "20000 flows: emc %.0f megaflow %.0f of %.0f", many.emc,
                  many.megaflow, many.frames);
    ck_assert_msg(one.upcalls <= 3 && some.upcalls <= 3 && many.upcalls <= 3,
                  "upcalls %.0f, %.0f and %.0f", one.upcalls, some.upcalls,
                  many.upcalls);
    /* A dpcls hit costs more than an EMC hit. */
    ck_assert_msg(many.cycles > one.cycles * 1.2
                  && some.cycles > one.cycles && many.cycles > some.cycles,
                  "cycles per packet: %.0f with 1 flow, %.0f with 1000, "
                  "%.0f with 20000", one.cycles, some.cycles, many.cycles);
}
END_TEST

/* emc-insert-inv-prob 100000: a flow enters the EMC 1 time in 100,000,
 * after an upcall as after a dpcls hit (OVS's handle_packet_upcall
 * inserts probabilistically too), so ten flows of 5,000 frames are
 * nearly all megaflow hits, none of them EMC hits from their upcalls. */
START_TEST(test_emc_insert_after_upcall_is_probabilistic)
{
    struct emc_figures e = run_emc("rare-insert");
    ck_assert_int_eq(e.frames, 5000);
    ck_assert_msg(e.upcalls >= 1 && e.emc <= e.frames / 100
                  && e.megaflow >= e.frames - e.upcalls - e.emc,
                  "emc %.0f megaflow %.0f upcalls %.0f of %.0f", e.emc,
                  e.megaflow, e.upcalls, e.frames);
}
END_TEST

/* ---- 11. vhsim explain. ---- */

START_TEST(test_explain_shows_slow_and_fast_path)
{
    resolve_bin();
    char *out = NULL;
    int st = vh_test_sh(&out, "'%s' explain scenarios/ovs-fast-slow-path.json"
                        " --flow mouse-000", bin);
    ck_assert_msg(st == 0, "%s", out);
    const char *want[] = {
        "megaflow cache miss", "upcall", "host1/br-int/handler",
        "table 0 matched", "installs megaflow", "DELIVERED",
    };
    const char *at = out;
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        /* In the order the packet meets them. */
        const char *p = strstr(at, want[i]);
        ck_assert_msg(p, "no '%s' (in order) in:\n%s", want[i], out);
        at = p;
    }
    ck_assert_msg(!strstr(out, "megaflow cache hit"), "%s", out);
    free(out);
    /* Its first frames may leave together once ARP is answered, and
     * miss together; later ones hit. */
    st = vh_test_sh(&out, "'%s' explain scenarios/ovs-fast-slow-path.json"
                    " --flow elephant --packet 5", bin);
    ck_assert_msg(st == 0, "%s", out);
    ck_assert_msg(strstr(out, "megaflow cache hit"), "%s", out);
    ck_assert_msg(!strstr(out, "upcall") && !strstr(out, "handler"),
                  "a later packet went up:\n%s", out);
    free(out);
}
END_TEST

/* ---- 12. Determinism and captures. ---- */

START_TEST(test_ovs_scenarios_repeat_and_decode)
{
    /* Each OVS scenario twice with the same seed: the same report (less
     * the wall time) and the same capture bytes.  The two without
     * captures get some: the bridge and the uplink. */
    resolve_bin();
    char *dir = vh_test_tmpdir();
    char *out = NULL;
    int st = vh_test_sh(&out,
        "set -e; top=$PWD; cd '%s'; "
        "python3 - \"$top\" <<'PY'\n"
        "import json, sys\n"
        "top = sys.argv[1]\n"
        "for n, pts in (('ovs-fast-slow-path', None),\n"
        "               ('ovs-vs-linux-bridge', ['host1/br0', 'host1/eth0']),\n"
        "               ('ovs-dpdk-emc', ['host1/eth0'])):\n"
        "    s = json.load(open('%%s/scenarios/%%s.json' %% (top, n)))\n"
        "    if pts:\n"
        "        s['capture'] = [{'point': p, 'file': 'traces/%%s-%%d.pcap'\n"
        "                         %% (n, i)} for i, p in enumerate(pts)]\n"
        "    json.dump(s, open(n + '.json', 'w'))\n"
        "PY\n"
        "for n in ovs-fast-slow-path ovs-vs-linux-bridge ovs-dpdk-emc; do "
        "  for k in a b; do mkdir -p $k/$n; "
        "    (cd $k/$n && '%s' run ../../$n.json --json r.json --quiet); "
        "    sed -i /wall_s/d $k/$n/r.json; done; "
        "  diff -r a/$n b/$n > /dev/null || { echo DIFFER $n; exit 1; }; "
        "  echo same $n; "
        "done; cd a && ls */traces/*.pcap",
        dir, bin);
    ck_assert_msg(st == 0, "%s", out);
    ck_assert_msg(strstr(out, "same ovs-fast-slow-path")
                  && strstr(out, "same ovs-vs-linux-bridge")
                  && strstr(out, "same ovs-dpdk-emc"), "%s", out);
    free(out);
    char sub[PATH_MAX];
    snprintf(sub, sizeof sub, "%s/a", dir);
    const char *pcaps[] = {
        "ovs-fast-slow-path/traces/ovs-fast-slow-path-br-int.pcap",
        "ovs-vs-linux-bridge/traces/ovs-vs-linux-bridge-0.pcap",
        "ovs-vs-linux-bridge/traces/ovs-vs-linux-bridge-1.pcap",
        "ovs-dpdk-emc/traces/ovs-dpdk-emc-0.pcap",
    };
    assert_decode_cleanly(sub, pcaps, sizeof pcaps / sizeof *pcaps);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

static int
count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++) {
        n += *s == '\n';
    }
    return n;
}

/* The shipped VLAN, mirror and bond scenarios' captures: clean in
 * tshark, with the tags and the LACPDUs where they should be. */
START_TEST(test_vlan_mirror_and_bond_captures_decode)
{
    resolve_bin();
    char *dir = vh_test_tmpdir();
    char *out = NULL;
    int st = vh_test_sh(&out, "set -e; top=$PWD; cd '%s'; "
        "'%s' run \"$top/scenarios/ovs-vlan-mirror.json\" --quiet; "
        "'%s' run \"$top/scenarios/ovs-bond-failover.json\" --quiet",
        dir, bin, bin);
    ck_assert_msg(st == 0, "%s", out);
    free(out);
    const char *pcaps[] = {
        "traces/ovs-vlan-mirror-host1-eth0.pcap",
        "traces/ovs-vlan-mirror-ids.pcap",
        "traces/ovs-bond-failover-eth1.pcap",
        "traces/ovs-bond-failover-eth2.pcap",
    };
    assert_decode_cleanly(dir, pcaps, sizeof pcaps / sizeof *pcaps);

    /* The uplink carries VLANs 10 and 20 tagged and nothing untagged
     * but what no VLAN owns; the mirror's copies came in untagged. */
    st = vh_test_sh(&out, "cd '%s' && tshark -r %s -Y udp -T fields "
                    "-e vlan.id 2>/dev/null | sort | uniq -c | awk '{print $2\":\"$1}' "
                    "| tr '\\n' ' '", dir, pcaps[0]);
    ck_assert_msg(st == 0 && !strcmp(out, "10:20 20:20 "), "uplink: '%s'",
                  out);
    free(out);
    st = vh_test_sh(&out, "cd '%s' && tshark -r %s -Y 'udp && vlan' "
                    "2>/dev/null | wc -l", dir, pcaps[1]);
    ck_assert_msg(st == 0 && atoi(out) == 0, "tagged copies: %s", out);
    free(out);
    /* LACPDUs from the host's bond and the switch's answers, on each
     * member. */
    for (int i = 2; i < 4; i++) {
        st = vh_test_sh(&out, "cd '%s' && tshark -r %s -Y lacp -T fields "
                        "-e lacp.actor.sysid 2>/dev/null | sort -u | wc -l", dir,
                        pcaps[i]);
        ck_assert_msg(st == 0 && atoi(out) == 2, "%s: %s LACP systems",
                      pcaps[i], out);
        free(out);
    }
    /* After an active-backup failover, a learning packet (RARP) for each
     * VM's address leaves by the new active member, untagged: the bond
     * carries every VLAN and the VMs' addresses were learned in none. */
    st = vh_test_sh(&out, "cd '%s' && '%s' run \"$OLDPWD/scenarios/"
                    "ovs-bond-failover.json\" --variant active-backup "
                    "--quiet && tshark -r %s -Y 'arp.opcode == 3' -T fields "
                    "-e vlan.id -e arp.src.hw_mac 2>/dev/null | sort",
                    dir, bin, pcaps[3]);
    ck_assert_msg(st == 0 && count_lines(out) == 2 && out[0] == '\t'
                  && strstr(out, "\n\t") != NULL, "RARPs: '%s'", out);
    free(out);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* ---- 13. Cached actions are the tables' actions. ---- */

/* A random rule set for br0 (ports eth0, vm1, vm2, vm3) and random
 * traffic among vm1..vm3 and the remote, both drawn from 'seed'. */
struct prop_case {
    char rules[2048];
    char traffic[2048];
};

static const char *const prop_ports[] = { "eth0", "vm1", "vm2", "vm3" };
static const char *const prop_ends[] = { "remote", "host1/vm1", "host1/vm2",
                                         "host1/vm3" };

static uint64_t
pick(struct vh_rng *rng, uint64_t n)
{
    return vh_rng_below(rng, n);
}

static void
prop_make(uint64_t seed, struct prop_case *c)
{
    static const unsigned tp_dsts[] = { 5000, 5001, 9999 };
    static const unsigned tp_srcs[] = { 7000, 7001, 7002 };
    struct vh_rng rng;
    vh_rng_seed(&rng, seed, "test_ovs/prop");
    size_t n = 0;
    int n_rules = 1 + (int) pick(&rng, 6);
    c->rules[0] = '\0';
    if (pick(&rng, 4)) {
        /* Usually ARP passes, so that most flows get to send. */
        n += snprintf(c->rules, sizeof c->rules,
                      "'priority=1000,arp,actions=normal', ");
    }
    for (int i = 0; i < n_rules; i++) {
        char m[256] = "";
        size_t ml = 0;
        ml += snprintf(m + ml, sizeof m - ml, "priority=%u",
                       (unsigned) pick(&rng, 400));
        uint64_t type = pick(&rng, 6);
        const char *types[] = { "", ",ip", ",arp", ",udp", ",icmp",
                                ",ip,nw_proto=17" };
        ml += snprintf(m + ml, sizeof m - ml, "%s", types[type]);
        bool l4 = type == 3 || type == 5;
        if (l4 && pick(&rng, 2)) {
            ml += snprintf(m + ml, sizeof m - ml, ",tp_dst=%u",
                           tp_dsts[pick(&rng, 3)]);
        }
        if (l4 && pick(&rng, 3) == 0) {
            ml += snprintf(m + ml, sizeof m - ml, ",tp_src=%u",
                           tp_srcs[pick(&rng, 3)]);
        }
        if (type != 0 && type != 2 && pick(&rng, 4) == 0) {
            ml += snprintf(m + ml, sizeof m - ml, ",nw_dst=10.0.0.%u",
                           (unsigned) (1 + pick(&rng, 3)));
        }
        if (pick(&rng, 3) == 0) {
            ml += snprintf(m + ml, sizeof m - ml, ",in_port=%s",
                           prop_ports[pick(&rng, 4)]);
        }
        char a[128];
        switch (pick(&rng, 6)) {
        case 0:
            snprintf(a, sizeof a, "drop");
            break;
        case 1:
        case 2:
            snprintf(a, sizeof a, "normal");
            break;
        case 3:
            snprintf(a, sizeof a, "output:%s", prop_ports[pick(&rng, 4)]);
            break;
        case 4:
            snprintf(a, sizeof a, "mod_vlan_vid:%u,normal",
                     (unsigned) (10 + pick(&rng, 2) * 10));
            break;
        default:
            snprintf(a, sizeof a, "mod_vlan_vid:%u,output:%s",
                     (unsigned) (10 + pick(&rng, 2) * 10),
                     prop_ports[pick(&rng, 4)]);
            break;
        }
        n += snprintf(c->rules + n, sizeof c->rules - n, "%s'%s,actions=%s'",
                      i ? ", " : "", m, a);
    }
    if (pick(&rng, 4)) {
        /* Usually a fallback, as OVS's default rule is. */
        n += snprintf(c->rules + n, sizeof c->rules - n,
                      ", 'priority=0,actions=normal'");
    }
    ck_assert_uint_lt(n, sizeof c->rules);

    n = 0;
    int n_flows = 2 + (int) pick(&rng, 4);
    for (int i = 0; i < n_flows; i++) {
        size_t from = pick(&rng, 4);
        size_t to = (from + 1 + pick(&rng, 3)) % 4;
        bool icmp = pick(&rng, 5) == 0;
        n += snprintf(c->traffic + n, sizeof c->traffic - n,
                      "%s{ 'name': 'f%d', 'from': '%s', 'to': '%s',"
                      " 'proto': '%s', 'rate': '10kpps', 'count': %u,"
                      " 'start': '%uus'",
                      i ? ", " : "", i, prop_ends[from], prop_ends[to],
                      icmp ? "icmp" : "udp",
                      (unsigned) (3 + pick(&rng, 8)),
                      (unsigned) (pick(&rng, 20) * 100));
        if (!icmp) {
            n += snprintf(c->traffic + n, sizeof c->traffic - n,
                          ", 'sport': %u, 'dport': %u",
                          tp_srcs[pick(&rng, 3)], tp_dsts[pick(&rng, 3)]);
        }
        n += snprintf(c->traffic + n, sizeof c->traffic - n, " }");
    }
    ck_assert_uint_lt(n, sizeof c->traffic);
}

/* Drop reasons the bridge gives, deciding about a frame as it arrives:
 * they do not depend on the timing. */
static const char *const bridge_reasons[] = {
    "rule-drop", "no-rule-matched", "no-controller", "resubmit-depth",
    "ttl-expired", "vlan-filter", "bridge-same-port", "no-port",
    "port-down", "upcall-lost",
};

/* What a run did with each flow: its counters, its frames the bridge
 * dropped by reason, and those dropped elsewhere (sent where they were
 * not wanted: "not-for-me", "no-vlan-interface", "no-hairpin"...) in
 * all.  Those are counted together: a flooded frame whose copies all
 * fail is dropped for the reason its first copy to fail was, which
 * depends on which copy got there first. */
static void
prop_fates(const struct ovs_run *o, char *buf, size_t size)
{
    size_t n = 0;
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItem(o->rep, "flows")) {
        const char *name = cJSON_GetObjectItem(f, "name")->valuestring;
        double dropped = jnum(f, "dropped");
        n += snprintf(buf + n, size - n, "%s: sent %.0f delivered %.0f "
                      "in flight %.0f dropped", name, jnum(f, "sent"),
                      jnum(f, "delivered"), jnum(f, "in_flight"));
        for (size_t i = 0; i < sizeof bridge_reasons / sizeof *bridge_reasons;
             i++) {
            double k = drops_of(o, name, bridge_reasons[i]);
            if (k) {
                n += snprintf(buf + n, size - n, " %s %.0f",
                              bridge_reasons[i], k);
                dropped -= k;
            }
        }
        n += snprintf(buf + n, size - n, " elsewhere %.0f\n", dropped);
    }
    ck_assert_uint_lt(n, size);
}

/* The frames each endpoint's NIC received, to help read a failure: not
 * compared, as extra flooded copies may differ with the timing (see
 * below). */
static void
prop_devices(const struct ovs_run *o, char *buf, size_t size)
{
    const char *devs[] = { "host1/vm1/eth0", "host1/vm2/eth0",
                           "host1/vm3/eth0", "remote/eth0" };
    size_t n = 0;
    for (size_t i = 0; i < sizeof devs / sizeof *devs; i++) {
        n += snprintf(buf + n, size - n, "%s rx %.0f; ", devs[i],
                      dev_rx(o, devs[i]));
    }
    ck_assert_uint_lt(n, size);
}

/* Runs 'cases' random cases on the kernel datapath or, with 'dpdk', the
 * user-space one, each twice: as it is, where most frames hit cached
 * megaflows (and on DPDK the EMC), and with flow-limit 1, where the
 * datapath holds one flow and nearly every frame is translated through
 * the tables afresh.  A megaflow whose mask left out a bit the tables
 * looked at, or whose actions were not the tables', gives some frame
 * another frame's fate: the runs then differ.  Only the flows' fates are
 * compared: where NORMAL is still learning, a frame that hits a flooding
 * megaflow in the first run may be translated a few microseconds later
 * in the second, after the address was learned, and sent to its port
 * alone; the copy it no longer floods was nobody's, so the fates agree
 * while the NICs' counts do not. */
static void
prop_check(bool dpdk, int cases)
{
    int compared = 0;
    for (uint64_t seed = 1; seed <= (uint64_t) cases; seed++) {
        struct prop_case c;
        prop_make(seed, &c);
        struct scn s = {
            .vms = 3, .duration = "6ms", .rules = c.rules,
            .traffic = c.traffic, .dpdk = dpdk,
        };
        struct ovs_run cached = run_scn(&s);
        s.other = "'flow-limit': 1";
        struct ovs_run fresh = run_scn(&s);
        char a[4096], b[4096], da[512], db[512];
        prop_fates(&cached, a, sizeof a);
        prop_fates(&fresh, b, sizeof b);
        prop_devices(&cached, da, sizeof da);
        prop_devices(&fresh, db, sizeof db);
        ck_assert_msg(!strcmp(a, b), "%s case %llu: rules [%s]\ntraffic "
                      "[%s]\ncached:\n%s%s\nfresh:\n%s%s",
                      dpdk ? "dpdk" : "kernel", (unsigned long long) seed,
                      c.rules, c.traffic, a, da, b, db);
        /* The first run did use its cache, the second hardly. */
        double hit1 = jnum(cached.br, "lookups.hit");
        double hit2 = jnum(fresh.br, "lookups.hit");
        ck_assert_msg(hit2 <= hit1, "case %llu: hits %.0f cached, %.0f "
                      "fresh", (unsigned long long) seed, hit1, hit2);
        compared += hit1 > hit2;
        ck_assert_int_le(jnum(fresh.br, "datapath_flows.peak"), 1);
        assert_flows_add_up(&cached);
        assert_flows_add_up(&fresh);
        ovs_run_free(&cached);
        ovs_run_free(&fresh);
    }
    /* Most cases cached something the second run translated. */
    ck_assert_int_ge(compared, cases / 2);
}

START_TEST(test_cached_actions_equal_table_actions)
{
    prop_check(false, 300);
}
END_TEST

START_TEST(test_dpdk_cached_actions_equal_table_actions)
{
    /* The same through the EMC and the per-port dpcls. */
    prop_check(true, 300);
}
END_TEST

/* ---- The benchmark scenarios. ---- */

START_TEST(test_bench_scenarios_do_what_they_say)
{
    /* scenarios/bench/gen_ovs.py writes what 'make bench' runs: every
     * file loads, the rule sets have the rules they are named for, and
     * (run for 10 ms) the one-rule set makes one IPv4 mask while the
     * 100- and 10,000-rule sets make ten more, their frames searching
     * about ten masks each. */
    resolve_bin();
    char *dir = vh_test_tmpdir();
    char *out = NULL;
    int st = vh_test_sh(&out,
        "set -e; top=$PWD; cd '%s'; python3 $top/scenarios/bench/gen_ovs.py ."
        " && for f in ovs_rules_1 ovs_rules_100 ovs_rules_10000 ovs_emc; do "
        "  '%s' check $f.json >/dev/null; done; "
        "python3 - <<'PY'\n"
        "import json, subprocess\n"
        "for n in (1, 100, 10000):\n"
        "    s = json.load(open('ovs_rules_%%d.json' %% n))\n"
        "    assert len(s['hosts'][0]['bridges'][0]['flows']) == n, n\n"
        "    s['duration'] = '10ms'\n"
        "    json.dump(s, open('short.json', 'w'))\n"
        "    subprocess.run(['%s', 'run', 'short.json', '--quiet', '--json',\n"
        "                    'r.json'], check=True)\n"
        "    r = json.load(open('r.json'))\n"
        "    b = r['hosts'][0]['bridges'][0]\n"
        "    assert r['flows'][0]['delivered'] > 2900, r['flows']\n"
        "    print(n, b['masks']['peak'], b['masks']['visited_per_packet'])\n"
        "PY\n", dir, bin, bin);
    ck_assert_msg(st == 0, "%s", out);
    int n, masks;
    double visited;
    const char *p = out;
    for (int i = 0; i < 3; i++) {
        ck_assert_msg(sscanf(p, "%d %d %lf", &n, &masks, &visited) == 3,
                      "%s", out);
        if (n == 1) {
            ck_assert_msg(masks == 2 && visited < 2.1, "%s", out);
        } else {
            ck_assert_msg(masks == 11 && visited > 9, "%s", out);
        }
        p = strchr(p, '\n') + 1;
    }
    free(out);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* ---- Counters that once counted the wrong thing. ---- */

/* The report's to_controller of a run of 's'. */
static double
to_controller(const struct scn *s)
{
    struct ovs_run o = run_scn(s);
    ck_assert_int_eq(drops_of(&o, "f", "no-controller"), 30);
    const cJSON *n = cJSON_GetObjectItem(o.br, "to_controller");
    double v = n ? n->valuedouble : 0;
    ovs_run_free(&o);
    return v;
}

START_TEST(test_to_controller_counts_every_frame)
{
    /* A rule sends UDP to port 6633 to the controller: 30 frames, the
     * first translated in an upcall, the other 29 by the megaflow, whose
     * userspace action sends each up as well.  All 30 are dropped
     * "no-controller", and to_controller counts frames, not
     * translations: 30 on both datapaths. */
    struct scn s = {
        .rules = "'udp,tp_dst=6633,actions=controller',"
                 "'priority=0,actions=normal'",
        .traffic =
            "{ 'name': 'f', 'from': 'remote', 'to': 'host1/vm1',"
            "  'rate': '20kpps', 'count': 30, 'dport': 6633 }",
    };
    double kernel = to_controller(&s);
    s.dpdk = true;
    double dpdk = to_controller(&s);
    ck_assert_msg(kernel == 30 && dpdk == 30, "to_controller: %.0f on the "
                  "kernel datapath, %.0f on DPDK; 30 frames went to the "
                  "controller", kernel, dpdk);
}
END_TEST

START_TEST(test_revalidator_passes_count_dumps)
{
    /* One flow for 9 ms with a dump every 1 ms: the revalidators make
     * the same passes on both datapaths, though DPDK's dump covers a
     * dpcls per ingress port and PMD: passes count dumps. */
    struct scn s = {
        .vms = 3, .duration = "10ms", .other = "'max-revalidator': '1ms'",
        .traffic = "{ 'name': 'f', 'from': 'remote', 'to': 'host1/vm1',"
                   "  'rate': '20kpps', 'duration': '9ms' }",
    };
    struct ovs_run o = run_scn(&s);
    double kernel = jnum(o.br, "revalidator.passes");
    ovs_run_free(&o);
    s.dpdk = true;
    o = run_scn(&s);
    double dpdk = jnum(o.br, "revalidator.passes");
    ovs_run_free(&o);
    ck_assert_msg(kernel >= 9 && kernel <= 12 && dpdk == kernel,
                  "revalidator.passes in 10 ms, one dump a millisecond: "
                  "%.0f on the kernel datapath, %.0f on DPDK", kernel, dpdk);
}
END_TEST

START_TEST(test_dpdk_peak_is_a_peak)
{
    /* 20 flows from the remote to vm1 until 2 ms, and from 10 ms 20
     * flows from vm2 to the remote; with max-idle 5 ms the first 20
     * megaflows (and the two of ARP) are gone before the second 20 come,
     * so the datapath never holds more than 22 at once, on either
     * datapath: DPDK's peak is of its flows at one time, not a sum of
     * each dpcls's own peak. */
    struct scn s = {
        .rules = ACL_RULES,
        .other = "'max-idle': '5ms', 'max-revalidator': '1ms'",
        .duration = "14ms",
        .traffic =
            "{ 'name': 'a', 'from': 'remote', 'to': 'host1/vm1',"
            "  'rate': '20kpps', 'count': 40, 'concurrent_flows': 20,"
            "  'sport': 20000 },"
            "{ 'name': 'b', 'from': 'host1/vm2', 'to': 'remote',"
            "  'rate': '20kpps', 'count': 40, 'concurrent_flows': 20,"
            "  'sport': 30000, 'start': '10ms' }",
    };
    struct ovs_run o = run_scn(&s);
    double kernel = jnum(o.br, "datapath_flows.peak");
    ck_assert_int_eq(jnum(o.br, "revalidator.expired"), 22);
    ovs_run_free(&o);
    s.dpdk = true;
    o = run_scn(&s);
    double dpdk = jnum(o.br, "datapath_flows.peak");
    ck_assert_int_eq(jnum(o.br, "revalidator.expired"), 22);
    ck_assert_int_eq(jnum(o.br, "datapath_flows.end"), 22);
    ovs_run_free(&o);
    ck_assert_msg(kernel == 22 && dpdk == 22, "datapath_flows.peak: %.0f "
                  "on the kernel datapath, %.0f on DPDK; never more than 22 "
                  "flows at once", kernel, dpdk);
}
END_TEST

static Suite *
ovs_suite(void)
{
    Suite *s = suite_create("ovs");
    TCase *tc = tcase_create("kernel");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_rule_drops_its_flow_only);
    tcase_add_test(tc, test_no_rule_matched_drops);
    tcase_add_test(tc, test_empty_flows_drop_everything);
    tcase_add_test(tc, test_resubmit_chain_and_loop);
    tcase_add_test(tc, test_rule_counters_count_every_frame);
    tcase_add_test(tc, test_upcall_per_flow_when_rules_look_at_ports);
    tcase_add_test(tc, test_upcall_shared_when_rules_do_not);
    tcase_add_test(tc, test_first_frame_slower_on_ovs_only);
    tcase_add_test(tc, test_upcall_storm_overflows_handler_socket);
    tcase_add_test(tc, test_flow_limit_caps_datapath_flows);
    tcase_add_test(tc, test_idle_flows_expire);
    tcase_add_test(tc, test_busy_flows_do_not_expire);
    tcase_add_test(tc, test_learning_revalidates_flooding_megaflow);
    tcase_add_test(tc, test_vlans_access_and_trunk);
    tcase_add_test(tc, test_cached_actions_equal_table_actions);
    suite_add_tcase(s, tc);
    tc = tcase_create("dpdk");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_emc_holds_one_flow_not_twenty_thousand);
    tcase_add_test(tc, test_emc_insert_after_upcall_is_probabilistic);
    tcase_add_test(tc, test_dpdk_cached_actions_equal_table_actions);
    suite_add_tcase(s, tc);
    tc = tcase_create("counters");
    tcase_add_test(tc, test_to_controller_counts_every_frame);
    tcase_add_test(tc, test_revalidator_passes_count_dumps);
    tcase_add_test(tc, test_dpdk_peak_is_a_peak);
    suite_add_tcase(s, tc);
    tc = tcase_create("cli");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_explain_shows_slow_and_fast_path);
    tcase_add_test(tc, test_ovs_scenarios_repeat_and_decode);
    tcase_add_test(tc, test_vlan_mirror_and_bond_captures_decode);
    tcase_add_test(tc, test_bench_scenarios_do_what_they_say);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(ovs_suite)
