/* tests/test_ipvlan.c: ipvlan's L3 and L3S modes against L2.
 *
 * What tells the modes apart, checked on small worlds:
 *   - an L3 device never ARPs: tshark finds no ARP on its eth0, its frames
 *     go to its own MAC, and on the wire only the host's address asks;
 *     an L2 device asks for itself;
 *   - the outside cannot ARP an L3 device (no one answers), and its
 *     broadcasts reach the host's stack only, never the devices;
 *   - an L3 device reaches another subnet through the host's routing and
 *     gateway, where an L2 one, without a gateway, is refused at load;
 *   - L3S tracks the packets that come in from outside, exactly one
 *     'conntrack' each more than L3; siblings are never tracked;
 *   - an L3 device reaches its host's own address (a local route), and a
 *     sender whose gateway is the host reaches an L3 device's subnet;
 *   - what an L3 device may not send (a broadcast, a frame not IPv4) is
 *     dropped with its reason, where L2 floods the broadcast;
 *   - docker-modes' ipvlan-l3 variant shows what its description says;
 *   - the loader's refusals, each naming the JSON path. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/container/container.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/hostnet/ipvlan.h"
#include "models/endpoint/endpoint.h"
#include "sim/capture.h"
#include "sim/trace.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* One LAN: host1 (eth0 10.0.0.50/24) with the devices i1 (.41) and i2
 * (.42) on eth0 in MODE, and a remote (.100), on an 802.1Q switch; then
 * FLOWS and DURATION.  Single quotes stand for double ones. */
static const char lan_fmt[] =
    "{'duration': '%s',"
    " 'hosts': ["
    "  {'name': 'host1', 'cpu': {'cores': 4},"
    "   'nics': [{'name': 'eth0', 'model': '82599', 'link': 'tor1/p1',"
    "             'mac': '02:00:00:00:00:32', 'ip': '10.0.0.50/24'}],"
    "   'containers': ["
    "    {'name': 'i1', 'network': 'ipvlan', 'parent': 'eth0',"
    "     'mode': '%s', 'ip': '10.0.0.41/24', 'cpus': [3]},"
    "    {'name': 'i2', 'network': 'ipvlan', 'parent': 'eth0',"
    "     'mode': '%s', 'ip': '10.0.0.42/24', 'cpus': [2]}]},"
    "  {'name': 'remote', 'nics': [{'name': 'eth0', 'link': 'tor1/p2',"
    "    'mac': '02:00:00:00:00:64', 'ip': '10.0.0.100/24'}]}],"
    " 'switches': [{'name': 'tor1', 'mode': '802.1q', 'ports': 4}],"
    " 'traffic': [%s]}";

/* Two subnets and a router: host1 (eth0 10.0.1.10/24, its gateway the
 * router's 10.0.1.1) with c1 (192.168.50.2) and c2 (.3) on eth0 in MODE,
 * a subnet of their own that the router sends to host1; the remote on
 * 10.0.2.0/24 behind the router. */
static const char routed_fmt[] =
    "{'duration': '3ms',"
    " 'hosts': ["
    "  {'name': 'host1', 'cpu': {'cores': 4},"
    "   'nics': [{'name': 'eth0', 'model': '82599', 'link': 'r1/p1',"
    "             'mac': '02:00:00:00:00:0a', 'ip': '10.0.1.10/24',"
    "             'gateway': '10.0.1.1'}],"
    "   'containers': ["
    "    {'name': 'c1', 'network': 'ipvlan', 'parent': 'eth0',"
    "     'mode': '%s', 'ip': '192.168.50.2/24', 'cpus': [3]},"
    "    {'name': 'c2', 'network': 'ipvlan', 'parent': 'eth0',"
    "     'mode': '%s', 'ip': '192.168.50.3/24', 'cpus': [2]}]},"
    "  {'name': 'remote', 'nics': [{'name': 'eth0', 'link': 'r1/p2',"
    "    'ip': '10.0.2.20/24', 'gateway': '10.0.2.1'}]}],"
    " 'switches': [{'name': 'r1', 'mode': 'router', 'ports': 4,"
    "   'interfaces': [{'port': 'p1', 'ip': '10.0.1.1/24'},"
    "                  {'port': 'p2', 'ip': '10.0.2.1/24'}],"
    "   'routes': [{'dst': '192.168.50.0/24', 'via': '10.0.1.10'}]}],"
    " 'traffic': [%s]}";

#define UDP(NAME, FROM, TO, COUNT, START)                               \
    "{'name': '" NAME "', 'from': '" FROM "', 'to': '" TO "',"          \
    " 'rate': '100kpps', 'count': " #COUNT ", 'start': '" START "'}"
#define PING(NAME, FROM, TO, COUNT, START)                              \
    "{'name': '" NAME "', 'from': '" FROM "', 'to': '" TO "',"          \
    " 'proto': 'icmp', 'rate': '100kpps', 'count': " #COUNT ","         \
    " 'start': '" START "'}"

/* 'json' with its single quotes made double. */
static char *
dq(char *json)
{
    for (char *p = json; *p; p++) {
        *p = *p == '\'' ? '"' : *p;
    }
    return json;
}

static char *
lan_json(const char *mode, const char *flows, const char *duration)
{
    size_t n = sizeof lan_fmt + strlen(flows) + 64;
    char *json = malloc(n);
    ck_assert_ptr_nonnull(json);
    snprintf(json, n, lan_fmt, duration, mode, mode, flows);
    return dq(json);
}

static char *
routed_json(const char *mode, const char *flows)
{
    size_t n = sizeof routed_fmt + strlen(flows) + 64;
    char *json = malloc(n);
    ck_assert_ptr_nonnull(json);
    snprintf(json, n, routed_fmt, mode, mode, flows);
    return dq(json);
}

static struct wt_run
run_json(char *json, void (*sub)(struct world *, void *), void *ctx)
{
    struct wt_run r = wt_run_json(json, NULL, sub, ctx);
    free(json);
    return r;
}

static void
caps_commit(struct wt_caps *cc)
{
    wt_caps_commit(cc);
    vh_tshark_assert_clean(cc->files[0]);
    vh_tshark_assert_clean(cc->files[1]);
}

/* The output of tshark reading 'file' with display filter 'filter' and
 * printing 'fields' (or counting the frames when 'fields' is NULL). */
static char *
tshark(const char *file, const char *filter, const char *fields)
{
    char *out = NULL;
    if (fields) {
        vh_test_sh(&out, "tshark -r %s -T fields %s -Y '%s' 2>/dev/null "
                   "| sort -u", file, fields, filter);
    } else {
        vh_test_sh(&out, "tshark -r %s -Y '%s' 2>/dev/null | wc -l", file,
                   filter);
    }
    return out;
}

static void
expect_tshark(const char *file, const char *filter, const char *fields,
              const char *want)
{
    char *got = tshark(file, filter, fields);
    ck_assert_msg(!strcmp(got, want), "%s, filter '%s': got '%s', want "
                  "'%s'", file, filter, got, want);
    free(got);
}

/* --- No ARP from an L3 device. --- */

START_TEST(test_l3_device_sends_no_arp)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    char up[512], eth0[512];
    snprintf(up, sizeof up, "%s/up.pcap", dir);
    snprintf(eth0, sizeof eth0, "%s/i1.pcap", dir);
    struct wt_caps cc = { { "host1/eth0", "host1/i1/eth0" },
                          { up, eth0 }, NULL };
    struct wt_run r = run_json(lan_json("l3",
        UDP("out", "host1/i1", "remote", 10, "10us"), "3ms"), wt_caps_open,
        &cc);
    caps_commit(&cc);
    ck_assert_uint_eq(r.w->flows[0].delivered, 10);
    /* Not a single ARP frame on i1's eth0: its packets go to its own
     * MAC, the NIC's. */
    expect_tshark(eth0, "arp", NULL, "0\n");
    expect_tshark(eth0, "udp", "-e eth.src -e eth.dst -e ip.src",
                  "02:00:00:00:00:32\t02:00:00:00:00:32\t10.0.0.41\n");
    /* On the wire only the host asks, from its own address, and i1's
     * packets leave with their source kept and the remote's MAC. */
    expect_tshark(up, "arp.opcode == 1", "-e arp.src.proto_ipv4",
                  "10.0.0.50\n");
    expect_tshark(up, "udp", "-e eth.dst -e ip.src -e ip.ttl",
                  "02:00:00:00:00:64\t10.0.0.41\t64\n");
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);

    /* In L2 the device asks for itself. */
    cc.c = NULL;
    r = run_json(lan_json("l2", UDP("out", "host1/i1", "remote", 10, "10us"),
                          "3ms"), wt_caps_open, &cc);
    caps_commit(&cc);
    ck_assert_uint_eq(r.w->flows[0].delivered, 10);
    expect_tshark(eth0, "arp.opcode == 1", "-e arp.src.proto_ipv4",
                  "10.0.0.41\n");
    expect_tshark(up, "arp.opcode == 1", "-e arp.src.proto_ipv4",
                  "10.0.0.41\n");
    wt_run_free(&r);
    free(dir);
}
END_TEST

/* A remote on the LAN asks for an L3 device's address: the request
 * reaches the device, which ignores it; the packets waiting for the
 * answer are lost, and the device's sibling still hears from its own. */
START_TEST(test_l3_device_does_not_answer_arp)
{
    struct wt_run r = run_json(lan_json("l3",
        UDP("in", "remote", "host1/i2", 5, "10us") ","
        UDP("sib", "host1/i1", "host1/i2", 5, "10us"), "4s"), NULL, NULL);
    const struct flow_stats *in = &r.w->flows[0];
    ck_assert_uint_eq(in->delivered, 0);
    ck_assert_uint_eq(vh_drops_get(&in->drops, "arp-failed"), 5);
    ck_assert_uint_eq(r.w->flows[1].delivered, 5);
    /* The remote's three requests, each handed to i2. */
    ck_assert_uint_eq(wt_dev(r.w, "host1/i2/eth0")->rx, 3 + 5);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);

    r = run_json(lan_json("l2", UDP("in", "remote", "host1/i2", 5, "10us"),
                          "4s"), NULL, NULL);
    ck_assert_uint_eq(r.w->flows[0].delivered, 5);
    wt_run_free(&r);
}
END_TEST

/* The remote's ARP broadcast for the host's own address: in L2 every
 * device gets a copy, in L3 and L3S none does. */
START_TEST(test_l3_broadcast_reaches_the_host_only)
{
    static const char *const modes[] = { "l2", "l3", "l3s" };
    static const uint64_t want[] = { 1, 0, 0 };
    for (size_t m = 0; m < 3; m++) {
        struct wt_run r = run_json(lan_json(modes[m],
            UDP("in", "remote", "host1", 5, "10us"), "3ms"), NULL, NULL);
        ck_assert_uint_eq(r.w->flows[0].delivered, 5);
        ck_assert_msg(wt_dev(r.w, "host1/i1/eth0")->rx == want[m]
                      && wt_dev(r.w, "host1/i2/eth0")->rx == want[m],
                      "mode %s: i1 got %llu, i2 %llu", modes[m],
                      (unsigned long long) wt_dev(r.w, "host1/i1/eth0")->rx,
                      (unsigned long long) wt_dev(r.w, "host1/i2/eth0")->rx);
        wt_assert_conserved(r.w, true);
        wt_run_free(&r);
    }
}
END_TEST

/* --- Across subnets. --- */

START_TEST(test_l3_reaches_another_subnet)
{
    const char *flows = PING("ping", "host1/c1", "remote", 10, "10us") ","
                        UDP("in", "remote", "host1/c2", 10, "10us");
    struct wt_run r = run_json(routed_json("l3", flows), NULL, NULL);
    ck_assert_uint_eq(r.w->flows[0].delivered, 10);
    ck_assert_uint_eq(r.w->flows[1].delivered, 10);
    /* The echo requests went through host1's gateway; the replies and
     * the remote's packets came back by the router's route to the
     * devices' subnet. */
    ck_assert_uint_eq(wt_dev(r.w, "host1/eth0")->tx, 1 + 10);
    ck_assert_uint_eq(wt_dev(r.w, "host1/c2/eth0")->rx, 10);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);

    /* In L2 a device is on its own subnet with no gateway. */
    char *json = routed_json("l2", flows);
    char *msg = wt_refusal(json, NULL);
    ck_assert_str_eq(msg, "traffic[0].to: 'remote' (10.0.2.20) is not in "
                     "the subnet of 'host1/c1' (192.168.50.2/24), which has "
                     "no gateway; a flow between subnets goes through a "
                     "router (a switch of mode router holding the sender's "
                     "\"gateway\") or a NAT network's host (attach type "
                     "'nat')");
    free(msg);
    free(json);
}
END_TEST

/* L3S takes what comes in from outside through the host's PREROUTING
 * and INPUT hooks: one 'conntrack' more per packet than L3, on the
 * receiving core; nothing more on the way out, and nothing between
 * siblings. */
START_TEST(test_l3s_tracks_what_comes_in)
{
    const char *flows = PING("ping", "host1/c1", "remote", 10, "10us") ","
                        UDP("in", "remote", "host1/c2", 10, "10us");
    struct wt_run l3 = run_json(routed_json("l3", flows), NULL, NULL);
    struct wt_run l3s = run_json(routed_json("l3s", flows), NULL, NULL);
    struct host *h3 = wt_host(l3.w, "host1"), *h3s = wt_host(l3s.w, "host1");
    ck_assert_uint_eq(l3s.w->flows[0].delivered, 10);
    ck_assert_uint_eq(l3s.w->flows[1].delivered, 10);
    uint64_t ct = cpu_cycles(&h3->cores[0], COST_CONNTRACK, 0);
    ck_assert_uint_gt(ct, 0);
    /* In: 10 echo replies and 10 UDP packets. */
    ck_assert_uint_eq(wt_host_cycles(h3s) - wt_host_cycles(h3), 20 * ct);
    ck_assert_uint_eq(wt_cat_cycles(h3s, CPU_SOFTIRQ)
                      - wt_cat_cycles(h3, CPU_SOFTIRQ), 20 * ct);
    wt_run_free(&l3);
    wt_run_free(&l3s);

    const char *sib = UDP("sib", "host1/c1", "host1/c2", 10, "10us");
    l3 = run_json(routed_json("l3", sib), NULL, NULL);
    l3s = run_json(routed_json("l3s", sib), NULL, NULL);
    ck_assert_uint_eq(l3s.w->flows[0].delivered, 10);
    ck_assert_uint_eq(wt_host_cycles(wt_host(l3s.w, "host1")),
                      wt_host_cycles(wt_host(l3.w, "host1")));
    /* Siblings meet in the layer: nothing on the wire. */
    ck_assert_uint_eq(wt_dev(l3s.w, "host1/eth0")->tx, 0);
    wt_run_free(&l3);
    wt_run_free(&l3s);
}
END_TEST

/* The host's routing costs L3 what L2 does not pay: each packet to the
 * remote pays the host's route lookup and output and its LOCAL_OUT
 * hooks, on the sender's core.  Ten packets more cost L3 that much more
 * than they cost L2 (the ARP each mode needs once cancels out). */
static uint64_t
sender_softirq(const char *mode, const char *flow)
{
    struct wt_run r = run_json(lan_json(mode, flow, "3ms"), NULL, NULL);
    uint64_t c = wt_host(r.w, "host1")->cores[3].cycles[CPU_SOFTIRQ];
    wt_run_free(&r);
    return c;
}

START_TEST(test_l3_pays_the_host_routing)
{
    const char *f10 = UDP("out", "host1/i1", "remote", 10, "10us");
    const char *f20 = UDP("out", "host1/i1", "remote", 20, "10us");
    uint64_t l2 = sender_softirq("l2", f20) - sender_softirq("l2", f10);
    uint64_t l3 = sender_softirq("l3", f20) - sender_softirq("l3", f10);
    struct wt_run r = run_json(lan_json("l3", f10, "3ms"), NULL, NULL);
    const struct cpu_core *core = &wt_host(r.w, "host1")->cores[3];
    uint64_t per = cpu_cycles(core, COST_CONNTRACK, 0)
                   + cpu_cycles(core, COST_IP_LOCAL_OUT, 0);
    wt_run_free(&r);
    ck_assert_uint_eq(l3 - l2, 10 * per);
}
END_TEST

/* A packet to the host's own address takes the host's local route:
 * through the loopback device, never on the wire. */
START_TEST(test_l3_reaches_the_host_address)
{
    struct wt_run r = run_json(lan_json("l3",
        UDP("up", "host1/i1", "host1", 10, "10us"), "3ms"), NULL, NULL);
    ck_assert_uint_eq(r.w->flows[0].delivered, 10);
    ck_assert_uint_eq(wt_dev(r.w, "host1/eth0")->tx, 0);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);
}
END_TEST

/* 'json' (freed) with the first 'from' replaced by 'to'. */
static char *
sub(char *json, const char *from, const char *to)
{
    char *at = strstr(json, from);
    ck_assert_msg(at != NULL, "'%s' not in the scenario", from);
    size_t n = strlen(json) - strlen(from) + strlen(to) + 1;
    char *r = malloc(n);
    ck_assert_ptr_nonnull(r);
    snprintf(r, n, "%.*s%s%s", (int) (at - json), json, to,
             at + strlen(from));
    free(json);
    return r;
}

/* Devices in a subnet of their own, and a remote on the LAN whose
 * gateway is host1: its packets for them reach host1's MAC, where the
 * layer takes them (no router, no ip_forward); the loader knows it. */
START_TEST(test_l3_subnet_behind_the_host)
{
    char *json = lan_json("l3",
        PING("ping", "remote", "host1/i1", 10, "10us") ","
        UDP("in", "remote", "host1/i2", 10, "10us"), "3ms");
    json = sub(json, "10.0.0.41/24", "192.168.60.41/24");
    json = sub(json, "10.0.0.42/24", "192.168.60.42/24");
    json = sub(json, "\"ip\": \"10.0.0.100/24\"",
               "\"ip\": \"10.0.0.100/24\", \"gateway\": \"10.0.0.50\"");
    struct wt_run r = run_json(json, NULL, NULL);
    ck_assert_uint_eq(r.w->flows[0].delivered, 10);
    ck_assert_uint_eq(r.w->flows[1].delivered, 10);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);
}
END_TEST

/* The host has no route to the remote (no gateway): the devices' packets
 * end at the host's address, "no-route", each counted. */
START_TEST(test_l3_without_a_host_route)
{
    char *json = routed_json("l3", UDP("out", "host1/c1", "remote", 10,
                                       "10us"));
    json = sub(json, "\"gateway\": \"10.0.1.1\"", "\"mtu\": 1500");
    struct wt_run r = run_json(json, NULL, NULL);
    const struct flow_stats *fs = &r.w->flows[0];
    ck_assert_uint_eq(fs->delivered, 0);
    ck_assert_uint_eq(vh_drops_get(&fs->drops, "no-route"), 10);
    ck_assert_uint_eq(wt_dev(r.w, "host1/eth0")->tx, 0);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);
}
END_TEST

/* --- What an L3 device may not send. --- */

/* Frames i1's stack hands its device, as a program with a raw socket
 * could: a broadcast to the LAN's broadcast address, and a frame that
 * is not IPv4.  Each drop's reason is logged. */
struct inject {
    struct world *w;
    const char *reasons[4];
    int n;
};

static void
log_drop(void *ctx, const struct vh_hop *hop)
{
    struct inject *in = ctx;
    if (in->n < 4) {
        in->reasons[in->n++] = hop->reason;
    }
}

static void
inject_now(struct vh_sim *sim, void *obj, void *arg)
{
    struct inject *in = obj;
    struct world *w = world_of(sim);
    struct vh_device *d = wt_dev(w, "host1/i1");
    struct container *c = VH_CONTAINER_OF(d, struct container, dev);
    struct vh_ip_hdr_spec spec = {
        .dst_mac = vh_mac_broadcast, .src_mac = c->ep->mac,
        .ip_src = c->ep->ip, .ip_dst = 0x0a0000ffu,     /* 10.0.0.255 */
    };
    struct vh_packet *p = vh_packet_alloc(&w->pool);
    p->len = vh_build_udp(p->data, &spec, 5000, 5000, NULL, 18);
    p->exec = &c->cpus[0]->srv;
    port_deliver(w, &c->ep->port, p);

    /* The same to its own MAC, as IPv6 (an ethertype vhsim does not
     * model). */
    p = vh_packet_alloc(&w->pool);
    spec.dst_mac = c->ep->mac;
    p->len = vh_build_udp(p->data, &spec, 5000, 5000, NULL, 18);
    p->data[12] = 0x86;
    p->data[13] = 0xdd;
    p->exec = &c->cpus[0]->srv;
    port_deliver(w, &c->ep->port, p);
    (void) in, (void) arg;
}

static void
inject_sub(struct world *w, void *ctx)
{
    struct inject *in = ctx;
    in->w = w;
    vh_trace_subscribe(&w->trace, VH_HOP_BIT(VH_HOP_DROP), log_drop, in);
    vh_schedule_at(&w->sim, 10000, inject_now, in, NULL);
}

START_TEST(test_l3_drops_broadcast_and_non_ip)
{
    struct inject in = { 0 };
    struct wt_run r = run_json(lan_json("l3", "", "3ms"), inject_sub, &in);
    ck_assert_int_eq(in.n, 2);
    ck_assert_str_eq(in.reasons[0], "ipvlan-l3-multicast");
    ck_assert_str_eq(in.reasons[1], "ipvlan-l3-not-ip");
    ck_assert_uint_eq(wt_dev(r.w, "host1/eth0/ipvlan")->drops, 2);
    ck_assert_uint_eq(wt_dev(r.w, "host1/i2/eth0")->rx, 0);
    ck_assert_uint_eq(wt_dev(r.w, "host1/eth0")->tx, 0);
    wt_run_free(&r);

    /* In L2 the broadcast goes to the sibling and the wire. */
    struct inject in2 = { 0 };
    r = run_json(lan_json("l2", "", "3ms"), inject_sub, &in2);
    ck_assert_uint_eq(wt_dev(r.w, "host1/i2/eth0")->rx, 1);
    ck_assert_uint_ge(wt_dev(r.w, "host1/eth0")->tx, 1);
    wt_run_free(&r);
}
END_TEST

/* --- The shipped scenario. --- */

/* docker-modes' ipvlan-l3 variant against its macvlan one: every flow
 * reaches its end, the private address included (no NAT); web sends
 * nothing but its flows' packets (no ARP); host1 pays the routing. */
START_TEST(test_docker_modes_ipvlan_l3)
{
    char *json = vh_test_slurp("scenarios/docker-modes.json", NULL);
    struct wt_run l3 = wt_run_json(json, "ipvlan-l3", NULL, NULL);
    struct wt_run mv = wt_run_json(json, "macvlan", NULL, NULL);
    free(json);
    for (size_t i = 0; i < l3.w->n_flows; i++) {
        const struct flow_stats *fs = &l3.w->flows[i];
        ck_assert_msg(fs->delivered == fs->sent, "flow %s: %llu of %llu",
                      fs->cfg->name, (unsigned long long) fs->delivered,
                      (unsigned long long) fs->sent);
    }
    /* out (200) and rtt (20) */
    ck_assert_uint_eq(wt_dev(l3.w, "host1/web/eth0")->tx, 220);
    ck_assert_uint_gt(wt_dev(mv.w, "host1/web/eth0")->tx, 220);
    struct host *h3 = wt_host(l3.w, "host1"), *hm = wt_host(mv.w, "host1");
    ck_assert_uint_eq(h3->vm_exits, 0);
    ck_assert_uint_gt(wt_cat_cycles(h3, CPU_SOFTIRQ),
                      wt_cat_cycles(hm, CPU_SOFTIRQ));
    wt_assert_conserved(l3.w, true);
    wt_run_free(&l3);
    wt_run_free(&mv);
}
END_TEST

/* --- Refusals. --- */

START_TEST(test_one_mode_per_parent)
{
    char *json = lan_json("l3", "", "3ms");
    char *p = strstr(json, "\"l3\", \"ip\": \"10.0.0.42");
    ck_assert_ptr_nonnull(p);
    memcpy(p, "\"l2\"", 4);
    char *msg = wt_refusal(json, NULL);
    ck_assert_str_eq(msg, "hosts[0].containers[1].mode: NIC 'eth0' already "
                     "has ipvlan devices in mode 'l3' "
                     "(hosts[0].containers[0]), and this one is 'l2'; the "
                     "kernel keeps one mode per parent NIC");
    free(msg);
    free(json);
}
END_TEST

START_TEST(test_l3_needs_the_parent_address)
{
    char *json = lan_json("l3s", "", "3ms");
    char *p = strstr(json, ", \"ip\": \"10.0.0.50/24\"");
    ck_assert_ptr_nonnull(p);
    memmove(p, p + strlen(", \"ip\": \"10.0.0.50/24\""),
            strlen(p + strlen(", \"ip\": \"10.0.0.50/24\"")) + 1);
    char *msg = wt_refusal(json, NULL);
    ck_assert_str_eq(msg, "hosts[0].containers[0].mode: not supported yet: "
                     "ipvlan mode 'l3s' on NIC 'eth0', which has no \"ip\" "
                     "(the host routes the devices' packets from its "
                     "address on the parent)");
    free(msg);
    free(json);
}
END_TEST

static Suite *
ipvlan_suite(void)
{
    Suite *s = suite_create("ipvlan");
    TCase *tc = tcase_create("l3");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_l3_device_sends_no_arp);
    tcase_add_test(tc, test_l3_device_does_not_answer_arp);
    tcase_add_test(tc, test_l3_broadcast_reaches_the_host_only);
    tcase_add_test(tc, test_l3_reaches_another_subnet);
    tcase_add_test(tc, test_l3s_tracks_what_comes_in);
    tcase_add_test(tc, test_l3_pays_the_host_routing);
    tcase_add_test(tc, test_l3_reaches_the_host_address);
    tcase_add_test(tc, test_l3_subnet_behind_the_host);
    tcase_add_test(tc, test_l3_without_a_host_route);
    tcase_add_test(tc, test_l3_drops_broadcast_and_non_ip);
    tcase_add_test(tc, test_docker_modes_ipvlan_l3);
    tcase_add_test(tc, test_one_mode_per_parent);
    tcase_add_test(tc, test_l3_needs_the_parent_address);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(ipvlan_suite)
