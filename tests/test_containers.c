/* tests/test_containers.c: containers, their namespaces and Docker's
 * network modes.
 *
 * What each mode must do, checked on small worlds:
 *   - every mode delivers, with the container's work charged in its name
 *     ('app' for its system calls on its own core, 'softirq' for its
 *     stack and veth) and no VM exit, virtio or vhost work anywhere;
 *   - a veth pair hands a frame to its peer on the core that sent it,
 *     without a wake-up or an interrupt in between;
 *   - MASQUERADE and the DNAT of a published port rewrite addresses and
 *     ports, as tshark reads them on the host's NIC and on the
 *     container's eth0, for UDP and for TCP (whose connection to a
 *     published port answers from it, checksums verified);
 *   - two user-defined networks are isolated (the drop names Docker's
 *     isolation) while containers of one reach each other;
 *   - container:NAME shares NAME's namespace: the same address, and their
 *     traffic goes over loopback, never on docker0;
 *   - macvlan siblings in bridge mode reach each other without the NIC,
 *     and in vepa mode only through a reflecting switch; ipvlan siblings
 *     share the NIC's MAC and are told apart by address;
 *   - addresses are allocated in order, Docker's way;
 *   - the loader refuses what is wrong with the JSON path, and 'none';
 *   - the shipped scenarios say what their descriptions say;
 *   - the same seed gives the same report. */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/container/container.h"
#include "models/container/netdrv.h"
#include "models/core/host.h"
#include "models/endpoint/endpoint.h"
#include "models/endpoint/tcp.h"
#include "models/hostnet/nat.h"
#include "report/report.h"
#include "sim/capture.h"
#include "sim/trace.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* host1 (4 cores; eth0 with the host's address, eth1 without), a remote
 * whose gateway is host1, and a switch of MODE; then NETWORKS,
 * CONTAINERS and FLOWS.  Single quotes stand for double ones. */
static const char world_fmt[] =
    "{'duration': '3ms',"
    " 'hosts': ["
    "  {'name': 'host1', 'cpu': {'cores': 4},"
    "   'nics': [{'name': 'eth0', 'model': '82599', 'link': 'tor1/p1',"
    "             'mac': '02:00:00:00:00:32', 'ip': '10.0.0.50/24'},"
    "            {'name': 'eth1', 'model': '82599', 'link': 'tor1/p3'}],"
    "   'networks': [%s], 'containers': [%s]},"
    "  {'name': 'remote', 'nics': [{'name': 'eth0', 'link': 'tor1/p2',"
    "    'mac': '02:00:00:00:00:64', 'ip': '10.0.0.100/24',"
    "    'gateway': '10.0.0.50'}]}],"
    " 'switches': [{'name': 'tor1', 'mode': '%s', 'ports': 8}],"
    " 'traffic': [%s]}";

static char *
world_json(const char *networks, const char *containers, const char *flows,
           const char *mode)
{
    size_t n = sizeof world_fmt + strlen(networks) + strlen(containers)
               + strlen(flows) + 16;
    char *json = malloc(n);
    ck_assert_ptr_nonnull(json);
    snprintf(json, n, world_fmt, networks, containers,
             mode ? mode : "802.1q", flows);
    for (char *p = json; *p; p++) {
        *p = *p == '\'' ? '"' : *p;
    }
    return json;
}

/* A flow NAME from FROM to TO of COUNT udp packets, from START. */
#define FLOW(NAME, FROM, TO, COUNT, START)                              \
    "{'name': '" NAME "', 'from': '" FROM "', 'to': '" TO "',"          \
    " 'rate': '100kpps', 'count': " #COUNT ", 'start': '" START "'}"

static struct wt_run
run(const char *networks, const char *containers, const char *flows,
    const char *mode, void (*sub)(struct world *, void *), void *ctx)
{
    char *json = world_json(networks, containers, flows, mode);
    struct wt_run r = wt_run_json(json, NULL, sub, ctx);
    free(json);
    return r;
}

static struct container *
ctr(struct world *w, const char *path)
{
    struct vh_device *d = wt_dev(w, path);
    ck_assert_ptr_eq(d->cls, &container_class);
    return VH_CONTAINER_OF(d, struct container, dev);
}

/* Fails unless nothing on 'h' is VM work: no exit, guest, QEMU or vhost
 * cycles on any core, no VM exit counted. */
static void
assert_no_vm_work(const struct host *h)
{
    ck_assert_uint_eq(h->vm_exits, 0);
    ck_assert_uint_eq(h->guest_interrupts, 0);
    ck_assert_uint_eq(wt_cat_cycles(h, CPU_VMEXIT), 0);
    ck_assert_uint_eq(wt_cat_cycles(h, CPU_GUEST), 0);
    ck_assert_uint_eq(wt_cat_cycles(h, CPU_QEMU), 0);
    ck_assert_uint_eq(wt_cat_cycles(h, CPU_VHOST), 0);
}

/* A container's ledger has only 'app' and 'softirq'; its 'app' is its
 * system calls, 'calls' of them, and the scheduler's switches to it when
 * a packet woke it, and all of it ran on its own core. */
static void
assert_ledger(const struct container *c, uint64_t calls)
{
    for (int k = 0; k < CPU_N_CATS; k++) {
        if (k != CPU_APP && k != CPU_SOFTIRQ) {
            ck_assert_msg(!c->cycles[k], "%s: %llu %s cycles", c->dev.path,
                          (unsigned long long) c->cycles[k],
                          cpu_cat_names[k]);
        }
    }
    ck_assert_uint_eq(c->cycles[CPU_APP], calls * 250       /* syscall */
                      + c->ep->wakeups * 2500);     /* thread_wakeup */
    ck_assert_uint_gt(c->cycles[CPU_SOFTIRQ], 0);
}

/* --- The modes deliver, with the work where it belongs. --- */

START_TEST(test_bridge_mode_costs)
{
    struct wt_run r = run("",
        "{'name': 'web', 'publish': ['8080:9/udp'], 'cpus': [3]}",
        FLOW("out", "host1/web", "remote", 20, "10us") ","
        FLOW("in", "remote", "host1:8080", 20, "1ms"), NULL, NULL, NULL);
    struct world *w = r.w;
    wt_assert_conserved(w, true);
    ck_assert_uint_eq(w->flows[0].delivered, 20);
    ck_assert_uint_eq(w->flows[1].delivered, 20);
    struct host *h = wt_host(w, "host1");
    assert_no_vm_work(h);
    struct container *web = ctr(w, "host1/web");
    /* Twenty sends and twenty receive calls, on core 3 and only there:
     * core 3's application work is all web's. */
    assert_ledger(web, 40);
    ck_assert_uint_eq(h->cores[3].cycles[CPU_APP], web->cycles[CPU_APP]);
    for (int c = 0; c < 3; c++) {
        ck_assert_uint_eq(h->cores[c].cycles[CPU_APP], 0);
    }
    ck_assert_uint_eq(web->ep->packets, 40);
    /* docker0 switched both ways; the host routed and rewrote them. */
    ck_assert_uint_gt(wt_cat_cycles(h, CPU_VSWITCH), 0);
    ck_assert_uint_eq(h->nat->masqueraded, 20);
    ck_assert_uint_eq(h->nat->forwarded, 20);
    wt_run_free(&r);
}
END_TEST

/* Records the CPU work of one packet: its primitives and cores. */
struct work_log {
    int flow;
    uint64_t seq;
    char what[64][24];
    int core[64];
    int cat[64];
    int n;
};

static void
log_work(void *ctx, const struct vh_hop *hop)
{
    struct work_log *l = ctx;
    if (hop->kind != VH_HOP_SERVICE || !hop->on_cpu || !hop->pkt
        || hop->pkt->flow != l->flow || hop->pkt->seq != l->seq
        || l->n == 64 || !hop->what) {
        return;
    }
    snprintf(l->what[l->n], sizeof l->what[l->n], "%s", hop->what);
    l->core[l->n] = hop->core;
    l->cat[l->n] = hop->category;
    l->n++;
}

static void
subscribe_log(struct world *w, void *ctx)
{
    vh_trace_subscribe(&w->trace, VH_HOP_BIT(VH_HOP_SERVICE), log_work, ctx);
}

static int
find_work(const struct work_log *l, const char *what, int from)
{
    for (int i = from; i < l->n; i++) {
        if (!strcmp(l->what[i], what)) {
            return i;
        }
    }
    return -1;
}

/* A frame crosses the veth pair in the softirq that sent it: the peer's
 * receive and the bridge run on the sender's core, with no wake-up, no
 * IPI and no interrupt in between. */
START_TEST(test_veth_hands_over_on_the_same_core)
{
    struct work_log l = { .flow = 0, .seq = 5 };
    struct wt_run r = run("", "{'name': 'web', 'cpus': [2]}",
                          FLOW("out", "host1/web", "remote", 10, "10us"),
                          NULL, subscribe_log, &l);
    ck_assert_uint_eq(r.w->flows[0].delivered, 10);
    int x = find_work(&l, "veth_xmit", 0);
    ck_assert_int_ge(x, 0);
    ck_assert_int_eq(l.core[x], 2);
    ck_assert_int_eq(l.cat[x], CPU_SOFTIRQ);
    ck_assert_str_eq(l.what[x + 1], "netif_receive");
    ck_assert_int_eq(l.core[x + 1], 2);
    ck_assert_str_eq(l.what[x + 2], "bridge_fdb");
    ck_assert_int_eq(l.core[x + 2], 2);
    /* The whole way out of the host is on core 2, and nothing woke (the
     * remote's receive interrupt, after the driver, is the remote's). */
    int out = find_work(&l, "driver_tx", 0);
    ck_assert_int_ge(out, 0);
    for (int i = 0; i <= out; i++) {
        ck_assert_msg(strcmp(l.what[i], "thread_wakeup")
                      && strcmp(l.what[i], "ipi")
                      && strcmp(l.what[i], "hw_irq"), "%s", l.what[i]);
        ck_assert_int_eq(l.core[i], 2);
    }
    /* The application's call first, then the stack. */
    ck_assert_str_eq(l.what[0], "syscall");
    ck_assert_int_eq(l.cat[0], CPU_APP);
    ck_assert_str_eq(l.what[1], "stack_tx");
    ck_assert_int_eq(l.cat[1], CPU_SOFTIRQ);
    wt_run_free(&r);
}
END_TEST

/* --- NAT, as tshark reads it. --- */

START_TEST(test_masquerade_and_publish_on_the_wire)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    char up[512], eth0[512];
    snprintf(up, sizeof up, "%s/up.pcap", dir);
    snprintf(eth0, sizeof eth0, "%s/web.pcap", dir);
    struct wt_caps cc = { { "host1/eth0", "host1/web/eth0" },
                          { up, eth0 }, NULL };
    struct wt_run r = run("",
        "{'name': 'web', 'publish': ['8080:9/udp'], 'cpus': [3]}",
        FLOW("out", "host1/web", "remote", 3, "10us") ","
        FLOW("in", "remote", "host1:8080", 3, "1ms"), NULL, wt_caps_open, &cc);
    wt_caps_commit(&cc);
    ck_assert_uint_eq(r.w->flows[1].delivered, 3);
    vh_tshark_assert_clean(up);
    vh_tshark_assert_clean(eth0);
    static const char f[] = "-e ip.src -e ip.dst -e udp.srcport "
                            "-e udp.dstport -e ip.ttl";

    /* On the uplink: host1's ARP for the remote, the remote's answer,
     * then web's packets masqueraded behind 10.0.0.50 (port kept, TTL
     * one less), then the remote's ARP for its gateway and its packets to
     * the published port. */
    vh_tshark_expect(up, 3, f, "10.0.0.50\t10.0.0.100\t10000\t9\t63\n");
    vh_tshark_expect(up, 5, f, "10.0.0.50\t10.0.0.100\t10000\t9\t63\n");
    vh_tshark_expect(up, 8, f, "10.0.0.100\t10.0.0.50\t10001\t8080\t64\n");
    /* In web's namespace: its own packets as it sent them, and the
     * published ones after DNAT: to 172.17.0.2, port 9, from the remote
     * itself (Docker's DNAT keeps the source). */
    vh_tshark_expect(eth0, 3, f, "172.17.0.2\t10.0.0.100\t10000\t9\t64\n");
    char *all = NULL;
    vh_test_sh(&all, "tshark -r %s -T fields -e ip.src -e ip.dst "
               "-e udp.dstport -Y 'udp.dstport == 9 && ip.dst == "
               "172.17.0.2' 2>/dev/null", eth0);
    ck_assert_str_eq(all, "10.0.0.100\t172.17.0.2\t9\n"
                          "10.0.0.100\t172.17.0.2\t9\n"
                          "10.0.0.100\t172.17.0.2\t9\n");
    free(all);
    /* No frame leaves host1 with a private address. */
    vh_test_sh(&all, "tshark -r %s -T fields -e ip.src -Y 'ip.src == "
               "172.16.0.0/12' 2>/dev/null | wc -l", up);
    ck_assert_str_eq(all, "0\n");
    free(all);
    wt_run_free(&r);
    free(dir);
}
END_TEST

/* The remote reaches the published port; the container's own address,
 * routed to host1, is dropped as Docker drops it, and the conntrack
 * table lists the container's connection. */
START_TEST(test_private_address_not_reached)
{
    struct wt_run r = run("",
        "{'name': 'web', 'publish': ['8080:9/udp']}",
        FLOW("out", "host1/web", "remote", 5, "10us") ","
        FLOW("direct", "remote", "host1/web", 5, "1ms") ","
        FLOW("in", "remote", "host1:8080", 5, "2ms"), NULL, NULL, NULL);
    struct world *w = r.w;
    wt_assert_conserved(w, true);
    ck_assert_uint_eq(w->flows[1].delivered, 0);
    ck_assert_uint_eq(vh_drops_get(&w->flows[1].drops,
                                   "docker-direct-access"), 5);
    ck_assert_uint_eq(w->flows[2].delivered, 5);
    struct nat *nat = wt_host(w, "host1")->nat;
    ck_assert_uint_eq(nat->n_conns, 2);
    ck_assert_uint_eq(nat->conns[0].in_ip, 0xac110002u);
    ck_assert_uint_eq(nat->conns[0].out_ip, 0x0a000064u);
    ck_assert(!nat->conns[0].dnat);
    /* The published port's, tracked from its first packet in. */
    ck_assert(nat->conns[1].dnat);
    ck_assert_uint_eq(nat->conns[1].in_ip, 0xac110002u);
    ck_assert_uint_eq(nat->conns[1].in_port, 9);
    ck_assert_uint_eq(nat->conns[1].nat_port, 8080);
    wt_run_free(&r);
}
END_TEST

/* UDP request/response to a published port: the container's replies
 * leave the host from the published port, as conntrack's reply
 * direction undoes the DNAT, not from the container's own (9), which
 * the remote never addressed. */
START_TEST(test_published_udp_replies_from_published_port)
{
    vh_tshark_require();
    char *json = vh_test_dq(
        "{ 'name': 'pubrr', 'duration': '2ms', 'hosts': ["
        "  { 'name': 'host1', 'nics': [ { 'name': 'eth0',"
        "    'ip': '10.0.0.50/24', 'link': 'r/eth0' } ],"
        "    'containers': [ { 'name': 'web', 'network': 'bridge',"
        "      'publish': ['8080:9/udp'] } ] },"
        "  { 'name': 'r', 'nics': [ { 'name': 'eth0',"
        "    'ip': '10.0.0.100/24' } ] } ],"
        "  'traffic': [ { 'name': 'rr', 'from': 'r', 'to': 'host1:8080',"
        "    'pattern': 'rr', 'count': 5 } ],"
        "  'capture': [ { 'point': 'host1/eth0', 'file': 'up.pcap' } ] }");
    char *dir = vh_test_run_scenario(json, "");
    char up[4096];
    snprintf(up, sizeof up, "%s/up.pcap", dir);
    ck_assert_int_eq(vh_tshark_count(up, "udp.srcport == 10000 && "
                                     "udp.dstport == 8080"), 5);
    ck_assert_int_eq(vh_tshark_count(up, "ip.src == 10.0.0.50 && "
                                     "udp.srcport == 8080 && "
                                     "udp.dstport == 10000"), 5);
    ck_assert_int_eq(vh_tshark_count(up, "udp.port == 9"), 0);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
    free(json);
}
END_TEST

/* TCP both ways: the remote streams to a port web publishes (Docker's
 * default protocol, tcp), web streams to the remote.  Every byte
 * arrives; the remote's connection is DNATed to web's port 9 and web's
 * segments of it leave from the published port, its own masqueraded
 * behind the host; on the uplink no private address and no port 9 of
 * the host's; the uplink's and docker0's captures decode with checksums
 * verified. */
START_TEST(test_tcp_masquerade_and_publish)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    char up[512], br[512];
    snprintf(up, sizeof up, "%s/up.pcap", dir);
    snprintf(br, sizeof br, "%s/docker0.pcap", dir);
    struct wt_caps cc = { { "host1/eth0", "host1/docker0" },
                          { up, br }, NULL };
    struct wt_run r = run("", "{'name': 'web', 'publish': ['8080:9']}",
        "{'name': 'in', 'from': 'remote', 'to': 'host1:8080',"
        " 'proto': 'tcp', 'bytes': 200000},"
        "{'name': 'out', 'from': 'host1/web', 'to': 'remote',"
        " 'proto': 'tcp', 'bytes': 200000, 'start': '10us'}",
        NULL, wt_caps_open, &cc);
    wt_caps_commit(&cc);
    struct world *w = r.w;
    wt_assert_conserved(w, true);
    ck_assert_uint_eq(w->flows[0].xport->goodput_bytes, 200000);
    ck_assert_uint_eq(w->flows[1].xport->goodput_bytes, 200000);
    const struct nat *nat = wt_host(w, "host1")->nat;
    size_t dnat = 0;
    for (size_t i = 0; i < nat->n_conns; i++) {
        const struct nat_conn *c = &nat->conns[i];
        ck_assert_uint_eq(c->proto, VH_IPPROTO_TCP);
        ck_assert_uint_eq(c->in_ip, 0xac110002u);
        if (c->dnat) {
            dnat++;
            ck_assert_uint_eq(c->in_port, 9);
            ck_assert_uint_eq(c->nat_port, 8080);
        }
    }
    ck_assert_uint_eq(nat->n_conns, 2);
    ck_assert_uint_eq(dnat, 1);

    vh_tshark_assert_tcp_clean(up, "-d tcp.port==8080,data");
    vh_tshark_assert_tcp_clean(br, "-d tcp.port==8080,data");
    ck_assert_int_eq(vh_tshark_count(up, "ip.addr == 172.16.0.0/12"), 0);
    ck_assert_int_eq(vh_tshark_count(up, "ip.src == 10.0.0.50 && "
                                  "tcp.srcport == 9"), 0);
    ck_assert_int_eq(vh_tshark_count(up, "ip.src == 10.0.0.50 && "
                                  "tcp.srcport == 8080 && "
                                  "tcp.flags.syn == 1 && "
                                  "tcp.flags.ack == 1"), 1);
    ck_assert_int_eq(vh_tshark_count(up, "tcp.flags.fin == 1"), 4);
    /* On docker0: the remote's segments at web's port 9, from the
     * remote itself, some merged by GRO and translated whole. */
    ck_assert_int_eq(vh_tshark_count(br, "tcp.port == 8080"), 0);
    ck_assert_int_gt(vh_tshark_count(br, "ip.src == 10.0.0.100 && "
                                  "ip.dst == 172.17.0.2 && "
                                  "tcp.dstport == 9 && "
                                  "frame.len > 1514"), 0);
    ck_assert_int_eq(vh_tshark_count(br, "tcp.flags.fin == 1"), 4);
    wt_run_free(&r);
    free(dir);
}
END_TEST

/* A TCP connection to a container's own address is dropped as UDP's
 * is, by the rule Docker adds against direct access. */
START_TEST(test_tcp_private_address_not_reached)
{
    struct wt_run r = run("", "{'name': 'web', 'publish': ['8080:9']}",
        "{'name': 'direct', 'from': 'remote', 'to': 'host1/web',"
        " 'proto': 'tcp', 'bytes': 100000}", NULL, NULL, NULL);
    struct world *w = r.w;
    wt_assert_conserved(w, true);
    ck_assert_uint_eq(w->flows[0].delivered, 0);
    ck_assert_uint_eq(w->flows[0].xport->goodput_bytes, 0);
    ck_assert_uint_gt(vh_drops_get(&w->flows[0].drops,
                                   "docker-direct-access"), 0);
    ck_assert_uint_eq(wt_host(w, "host1")->nat->n_conns, 0);
    wt_run_free(&r);
}
END_TEST

/* The container port each delivered packet of flow 'n' reached, by
 * flow index (after the host's DNAT). */
struct dports {
    uint16_t of[4];
};

static void
log_dport(void *ctx, const struct vh_hop *hop)
{
    struct dports *d = ctx;
    struct vh_flow f;
    if (hop->kind == VH_HOP_DELIVER && hop->pkt->flow >= 0
        && hop->pkt->flow < 4
        && vh_frame_flow(hop->pkt->data, hop->pkt->len, &f)) {
        d->of[hop->pkt->flow] = f.dport;
    }
}

static void
subscribe_dports(struct world *w, void *ctx)
{
    vh_trace_subscribe(&w->trace, VH_HOP_BIT(VH_HOP_DELIVER), log_dport,
                       ctx);
}

/* Docker's port ranges: "8080-8081:9-10" publishes 8080 to 9 and 8081
 * to 10; "9000-9002:7" binds the range's first free port, 9000, to 7
 * (and 9001 is not published). */
START_TEST(test_publish_port_ranges)
{
    struct dports d = { { 0 } };
    struct wt_run r = run("",
        "{'name': 'web', 'publish': ['8080-8081:9-10/udp', "
        "                            '9000-9002:7/udp']}",
        FLOW("a", "remote", "host1:8080", 3, "10us") ","
        FLOW("b", "remote", "host1:8081", 3, "500us") ","
        FLOW("c", "remote", "host1:9000", 3, "1ms"), NULL,
        subscribe_dports, &d);
    wt_assert_conserved(r.w, true);
    for (int i = 0; i < 3; i++) {
        ck_assert_uint_eq(r.w->flows[i].delivered, 3);
    }
    ck_assert_uint_eq(d.of[0], 9);
    ck_assert_uint_eq(d.of[1], 10);
    ck_assert_uint_eq(d.of[2], 7);
    wt_run_free(&r);

    char *json = world_json("", "{'name': 'web', 'publish': "
                            "['9000-9002:7/udp']}",
                            FLOW("x", "remote", "host1:9001", 3, "10us"),
                            NULL);
    char *err = wt_refusal(json, NULL);
    ck_assert_msg(err && strstr(err, "9001"), "got '%s'", err);
    free(err);
    free(json);
}
END_TEST

/* Every Docker host has a 172.17.0.2: another host's container is
 * reached through a port it publishes, and a flow to its private address
 * ends at whoever has that address nearer, never at it. */
START_TEST(test_private_addresses_repeat_across_hosts)
{
    static const char json_sq[] =
        "{'duration': '2ms',"
        " 'hosts': ["
        "  {'name': 'h1', 'nics': [{'name': 'eth0', 'link': 'sw/p1',"
        "    'ip': '10.0.0.50/24'}],"
        "   'containers': [{'name': 'web', 'publish': ['8080:9/udp']}]},"
        "  {'name': 'h2', 'nics': [{'name': 'eth0', 'link': 'sw/p2',"
        "    'ip': '10.0.0.60/24'}],"
        "   'containers': [{'name': 'web', 'publish': ['8080:9/udp']}]}],"
        " 'switches': [{'name': 'sw', 'ports': 4}],"
        " 'traffic': ["
        FLOW("pub", "h1/web", "h2:8080", 10, "10us") ","
        FLOW("priv", "h2/web", "h1/web", 10, "1ms") "]}";
    char *json = strdup(json_sq);
    for (char *p = json; *p; p++) {
        *p = *p == '\'' ? '"' : *p;
    }
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    free(json);
    struct world *w = r.w;
    wt_assert_conserved(w, true);
    ck_assert_uint_eq(ctr(w, "h1/web")->ep->ip, ctr(w, "h2/web")->ep->ip);
    /* Masqueraded by h1, translated by h2's DNAT. */
    ck_assert_uint_eq(w->flows[0].delivered, 10);
    ck_assert_uint_eq(wt_host(w, "h1")->nat->masqueraded, 10);
    ck_assert_uint_eq(wt_host(w, "h2")->nat->forwarded, 10);
    /* h2/web's own address: the packets never leave it (its one frame
     * out is its answer to the gateway's ARP, for 'pub'). */
    ck_assert_uint_eq(w->flows[1].delivered, 0);
    ck_assert_uint_eq(vh_drops_get(&w->flows[1].drops, "wrong-host"), 10);
    ck_assert_uint_eq(wt_dev(w, "h2/web/eth0")->tx, 1);
    wt_run_free(&r);
}
END_TEST

/* --- Isolation. --- */

START_TEST(test_user_networks_isolated)
{
    struct wt_run r = run(
        "{'name': 'n1', 'subnet': '172.20.0.0/16'},"
        "{'name': 'n2', 'subnet': '172.21.0.0/16'}",
        "{'name': 'a1', 'network': 'n1'}, {'name': 'b1', 'network': 'n1'},"
        "{'name': 'a2', 'network': 'n2'}",
        FLOW("same", "host1/a1", "host1/b1", 10, "10us") ","
        FLOW("across", "host1/a1", "host1/a2", 10, "1ms") ","
        FLOW("back", "host1/a2", "host1/b1", 10, "2ms"), NULL, NULL, NULL);
    struct world *w = r.w;
    wt_assert_conserved(w, true);
    ck_assert_uint_eq(w->flows[0].delivered, 10);
    for (int f = 1; f <= 2; f++) {
        ck_assert_uint_eq(w->flows[f].delivered, 0);
        ck_assert_uint_eq(vh_drops_get(&w->flows[f].drops,
                                       "docker-isolation"), 10);
    }
    /* Both ways the host dropped them, counted on the sending side's
     * network; nothing of 'across' reached br-n2, which saw only a2's
     * own: its ARP for the gateway, the answer, its 10 packets. */
    struct host *h = wt_host(w, "host1");
    ck_assert_uint_eq(h->nat->lans[0]->isolated, 10);
    ck_assert_uint_eq(h->nat->lans[1]->isolated, 10);
    ck_assert_uint_eq(wt_dev(w, "host1/nat")->drops, 20);
    ck_assert_uint_eq(wt_dev(w, "host1/br-n2")->rx, 12);
    wt_run_free(&r);
}
END_TEST

/* --- Shared namespaces. --- */

START_TEST(test_shared_namespace_over_loopback)
{
    struct wt_run r = run("",
        "{'name': 'web', 'cpus': [3]}, {'name': 'side', 'cpus': [2],"
        " 'network': 'container:web'}",
        FLOW("lo", "host1/side", "host1/web", 20, "10us"), NULL, NULL,
        NULL);
    struct world *w = r.w;
    wt_assert_conserved(w, true);
    ck_assert_uint_eq(w->flows[0].delivered, 20);
    struct container *web = ctr(w, "host1/web"), *side = ctr(w,
                                                            "host1/side");
    /* One namespace: one stack, one address, and side has no interface
     * of its own. */
    ck_assert_ptr_eq(side->ep->stack, web->ep);
    ck_assert_uint_eq(side->ep->ip, web->ep->ip);
    ck_assert_ptr_null(side->ifdev);
    ck_assert_ptr_null(vh_devtab_find(&w->devs, "host1/side/eth0"));
    /* Nothing reached the interface, the veth or docker0. */
    ck_assert_uint_eq(wt_dev(w, "host1/web/eth0")->tx, 0);
    ck_assert_uint_eq(wt_dev(w, "host1/web/eth0")->rx, 0);
    ck_assert_uint_eq(wt_dev(w, "host1/docker0")->rx, 0);
    /* side's sends on its core, web's receive calls on its own. */
    assert_ledger(side, 20);
    uint64_t woke = web->ep->wakeups * 2500;   /* thread_wakeup */
    ck_assert_uint_gt(woke, 0);
    ck_assert_uint_eq(web->cycles[CPU_APP], 20 * 250 + woke);
    ck_assert_uint_eq(wt_host(w, "host1")->cores[2].cycles[CPU_APP],
                      20 * 250);
    ck_assert_uint_eq(wt_host(w, "host1")->cores[3].cycles[CPU_APP],
                      20 * 250 + woke);
    assert_no_vm_work(wt_host(w, "host1"));
    wt_run_free(&r);
}
END_TEST

/* The loopback's frames carry 127.0.0.1 both ways. */
static void
check_lo_addresses(void *ctx, const struct vh_hop *hop)
{
    int *seen = ctx;
    if (hop->kind != VH_HOP_ARRIVE || !hop->what
        || strcmp(hop->what, "loopback")) {
        return;
    }
    struct vh_flow f;
    vh_frame_flow(hop->pkt->data, hop->pkt->len, &f);
    ck_assert_uint_eq(f.ip_src, 0x7f000001u);
    ck_assert_uint_eq(f.ip_dst, 0x7f000001u);
    (*seen)++;
}

static void
subscribe_lo(struct world *w, void *ctx)
{
    vh_trace_subscribe(&w->trace, VH_HOP_BIT(VH_HOP_ARRIVE),
                       check_lo_addresses, ctx);
}

START_TEST(test_pod_ping_over_loopback)
{
    int seen = 0;
    struct wt_run r = run("",
        "{'name': 'web'}, {'name': 'side', 'network': 'container:web'}",
        "{'name': 'p', 'from': 'host1/side', 'to': 'host1/web', "
        " 'proto': 'icmp', 'rate': '10kpps', 'count': 4}", NULL,
        subscribe_lo, &seen);
    ck_assert_uint_eq(r.w->flows[0].delivered, 4);
    ck_assert_int_eq(seen, 8);          /* Requests and replies. */
    ck_assert_uint_eq(wt_dev(r.w, "host1/docker0")->rx, 0);
    wt_run_free(&r);
}
END_TEST

/* --- The host's namespace. --- */

START_TEST(test_host_mode)
{
    struct wt_run r = run("", "{'name': 'h', 'network': 'host', "
                              "'cpus': [1]}",
                          FLOW("in", "remote", "host1/h", 10, "10us") ","
                          FLOW("out", "host1/h", "remote", 10, "1ms"), NULL,
                          NULL, NULL);
    struct world *w = r.w;
    wt_assert_conserved(w, true);
    ck_assert_uint_eq(w->flows[0].delivered, 10);
    ck_assert_uint_eq(w->flows[1].delivered, 10);
    struct host *h = wt_host(w, "host1");
    struct container *c = ctr(w, "host1/h");
    /* The host's stack: its address, no veth, no bridge, no NAT. */
    ck_assert_ptr_eq(c->ep->stack, h->eps[0]);
    ck_assert_uint_eq(c->ep->ip, 0x0a000032u);
    ck_assert_ptr_null(c->ifdev);
    ck_assert_ptr_null(vh_devtab_find(&w->devs, "host1/docker0"));
    ck_assert_ptr_null(h->nat);
    assert_ledger(c, 20);
    ck_assert_uint_eq(h->cores[1].cycles[CPU_APP],
                      20 * 250 + c->ep->wakeups * 2500);
    assert_no_vm_work(h);
    wt_run_free(&r);
}
END_TEST

/* --- macvlan and ipvlan. --- */

static const char mv_pair[] =
    "{'name': 'm1', 'network': 'macvlan', 'parent': 'eth1', 'mode': '%s',"
    " 'ip': '10.0.0.31/24'},"
    "{'name': 'm2', 'network': 'macvlan', 'parent': 'eth1', 'mode': '%s',"
    " 'ip': '10.0.0.32/24'}";

static struct wt_run
run_mv(const char *mode, const char *sw)
{
    char ctrs[512];
    snprintf(ctrs, sizeof ctrs, mv_pair, mode, mode);
    return run("", ctrs, FLOW("sib", "host1/m1", "host1/m2", 10, "10us") ","
                         FLOW("in", "remote", "host1/m2", 10, "1ms"),
               sw, NULL, NULL);
}

START_TEST(test_macvlan_bridge_siblings_skip_the_nic)
{
    struct wt_run r = run_mv("bridge", NULL);
    struct world *w = r.w;
    wt_assert_conserved(w, true);
    ck_assert_uint_eq(w->flows[0].delivered, 10);
    ck_assert_uint_eq(w->flows[1].delivered, 10);
    /* Out of eth1 went only m1's ARP broadcast (a broadcast leaves as
     * well) and m2's answer to the remote's: no packet of sib. */
    ck_assert_uint_eq(wt_dev(w, "host1/eth1")->tx, 2);
    /* Each has its own MAC, Docker's from its address. */
    ck_assert_str_eq(vh_mac_format(&ctr(w, "host1/m1")->ep->mac,
                                   (char[20]) { 0 }), "02:42:0a:00:00:1f");
    assert_no_vm_work(wt_host(w, "host1"));
    wt_run_free(&r);
}
END_TEST

/* In vepa mode a sibling is reached only through a switch that reflects:
 * the frames go out and come back in. */
START_TEST(test_macvlan_vepa_needs_the_switch)
{
    struct wt_run r = run_mv("vepa", "vepa");
    ck_assert_uint_eq(r.w->flows[0].delivered, 10);
    /* ARP request and reply, and the 10 packets, each out and back. */
    ck_assert_uint_ge(wt_dev(r.w, "host1/eth1")->tx, 12);
    ck_assert_uint_ge(wt_dev(r.w, "host1/eth1")->rx, 12 + 10);
    wt_run_free(&r);

    /* An 802.1Q switch never sends a frame back where it came from. */
    r = run_mv("vepa", NULL);
    ck_assert_uint_eq(r.w->flows[0].delivered, 0);
    ck_assert_uint_eq(r.w->flows[1].delivered, 10);
    wt_run_free(&r);
}
END_TEST

START_TEST(test_ipvlan_l2)
{
    struct wt_run r = run("",
        "{'name': 'i1', 'network': 'ipvlan', 'parent': 'eth1',"
        " 'ip': '10.0.0.41/24'},"
        "{'name': 'i2', 'network': 'ipvlan', 'parent': 'eth1',"
        " 'ip': '10.0.0.42/24'}",
        FLOW("in", "remote", "host1/i1", 10, "10us") ","
        FLOW("sib", "host1/i1", "host1/i2", 10, "1ms"), NULL, NULL, NULL);
    struct world *w = r.w;
    wt_assert_conserved(w, true);
    ck_assert_uint_eq(w->flows[0].delivered, 10);
    ck_assert_uint_eq(w->flows[1].delivered, 10);
    /* Both have eth1's MAC; the layer told them apart by address. */
    const struct cfg_nic *nic = &w->cfg->hosts[0].nics[1];
    ck_assert(vh_mac_eq(&ctr(w, "host1/i1")->ep->mac, &nic->mac));
    ck_assert(vh_mac_eq(&ctr(w, "host1/i2")->ep->mac, &nic->mac));
    /* Out of eth1 went only i1's answer to the remote's ARP and its
     * broadcast for i2: no packet of sib. */
    ck_assert_uint_eq(wt_dev(w, "host1/eth1")->tx, 2);
    ck_assert_uint_gt(wt_dev(w, "host1/eth1/ipvlan")->rx, 20);
    wt_run_free(&r);
}
END_TEST

/* --- Addresses. --- */

START_TEST(test_address_allocation)
{
    char *json = world_json(
        "{'name': 'u1'}, {'name': 'u2', 'subnet': '10.20.0.0/24',"
        " 'gateway': '10.20.0.254'}, {'name': 'u3'}",
        "{'name': 'c1'}, {'name': 'c2', 'ip': '172.17.0.2'}, {'name': 'c3'},"
        "{'name': 'd1', 'network': 'u1'}, {'name': 'd2', 'network': 'u2'},"
        "{'name': 'd3', 'network': 'u3'}, {'name': 'c4'}",
        "", NULL);
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    free(json);
    const struct cfg_host *h = &r.cfg->hosts[0];
    static const uint32_t want[] = {
        0xac110003u,    /* c1: .2 is c2's, given */
        0xac110002u,    /* c2 */
        0xac110004u,    /* c3 */
        0xac120002u,    /* d1: u1 took 172.18.0.0/16 */
        0x0a140001u,    /* d2: .1, the gateway being .254 */
        0xac130002u,    /* d3: u3 took 172.19.0.0/16 */
        0xac110005u,    /* c4 */
    };
    for (size_t i = 0; i < 7; i++) {
        ck_assert_msg(h->containers[i].ip == want[i], "%s: %08x",
                      h->containers[i].name, h->containers[i].ip);
    }
    ck_assert_uint_eq(h->networks[0].subnet, 0xac120000u);
    ck_assert_uint_eq(h->networks[0].gateway, 0xac120001u);
    ck_assert_uint_eq(h->networks[2].subnet, 0xac130000u);
    /* Docker's default network is made after networks[]. */
    ck_assert_str_eq(h->networks[3].name, "bridge");
    ck_assert_str_eq(h->networks[3].bridge, "docker0");
    char mac[20];
    ck_assert_str_eq(vh_mac_format(&h->containers[0].mac, mac),
                     "02:42:ac:11:00:03");
    /* The host's report: its count, and each container. */
    cJSON *rep = report_json(r.w, 0);
    const cJSON *hj = cJSON_GetArrayItem(cJSON_GetObjectItem(rep, "hosts"),
                                         0);
    ck_assert_int_eq(cJSON_GetObjectItem(hj, "containers")->valueint, 7);
    const cJSON *list = cJSON_GetObjectItem(hj, "container_list");
    ck_assert_int_eq(cJSON_GetArraySize(list), 7);
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 4),
                                         "ip")->valuestring, "10.20.0.1");
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(hj,
                                                            "networks")), 4);
    cJSON_Delete(rep);
    wt_run_free(&r);
}
END_TEST

/* --- Refusals. --- */

struct refusal {
    const char *networks, *containers, *flows;
    const char *want;
};

static const struct refusal refusals[] = {
    { "{'name': 'ov1', 'driver': 'overlay', 'subnet': '10.10.0.0/24'}",
      "", "",
      "hosts[0].networks[0]: missing required key 'vni': an overlay "
      "network is told apart on the wire by its VXLAN network identifier" },
    { "{'name': 'pods', 'driver': 'calico', 'mode': 'vxlan',"
      " 'subnet': '10.244.0.0/16'}",
      "{'name': 'a', 'network': 'pods', 'ip': '10.244.255.254'}", "",
      "hosts[0].containers[0].ip: 10.244.255.254 is host 'host1''s "
      "vxlan.calico tunnel address (the pool's last addresses, one per "
      "host); give the pod another" },
    /* One address, one router: whichever of the two networks is built
     * second is refused, never quietly takes the other's packets. */
    { "{'name': 'pods', 'driver': 'calico', 'mode': 'bgp',"
      " 'subnet': '10.244.0.0/16'}",
      "{'name': 'a', 'network': 'pods'}, {'name': 'd', 'network': 'bridge'}",
      "", "hosts[0].containers[1]: not supported yet: a Docker bridge "
      "network on a host whose address already routes another network" },
    { "{'name': 'app', 'subnet': '172.18.0.0/16'}, {'name': 'pods',"
      " 'driver': 'flannel', 'subnet': '10.244.0.0/16'}",
      "{'name': 'd', 'network': 'app'}, {'name': 'a', 'network': 'pods'}",
      "", "hosts[0].networks[1]: not supported yet: a flannel network on a "
      "host whose address already routes another network" },
    { "{'name': 'f', 'driver': 'flannel', 'subnet': '10.244.0.0/24'}", "",
      "", "hosts[0].networks[0]: a flannel network needs a \"subnet\" "
      "wider than /24: flanneld leases each host a /24 of it" },
    { "{'name': 's', 'driver': 'sriov', 'parent': 'eth0'}", "", "",
      "hosts[0].networks[0].parent: NIC 'eth0' has no SR-IOV; give it "
      "\"sriov\": {\"vfs\": N} (the sriov driver hands each container "
      "one of its VFs)" },
    { "{'name': 'x', 'driver': 'brige'}", "", "",
      "hosts[0].networks[0].driver: unknown network driver 'brige'; did "
      "you mean 'bridge'? (expected one of bridge, calico, flannel, ipvlan, "
      "macvlan, overlay, sriov, weave)" },
    { "{'name': 'x', 'vni': 5}", "", "",
      "hosts[0].networks[0].vni: 'vni' does not apply to networks of "
      "driver bridge" },
    { "{'name': 'bridge'}", "", "",
      "hosts[0].networks[0].name: 'bridge' is a predefined network (a "
      "container's \"network\": \"bridge\" means it); give this one another "
      "name" },
    { "{'name': 'x', 'subnet': '172.20.0.1/16'}", "", "",
      "hosts[0].networks[0].subnet: '172.20.0.1/16' has host bits set; the "
      "network is \"172.20.0.0/16\"" },
    { "{'name': 'x', 'subnet': '10.0.0.0/16'}", "", "",
      "hosts[0].networks[0].subnet: network 'x' (10.0.0.0/16) overlaps the "
      "subnet of NIC hosts[0].nics[0] (10.0.0.50/24); the host could not "
      "route between them" },
    { "", "{'name': 'c', 'network': 'bridg'}", "",
      "hosts[0].containers[0].network: host 'host1' has no network named "
      "'bridg'; did you mean 'bridge'?" },
    { "", "{'name': 'c', 'network': 'container:c'}", "",
      "hosts[0].containers[0].network: 'container:c' leads back to "
      "container 'c' itself; a chain of container:NAME must end at a "
      "container with a namespace of its own" },
    { "", "{'name': 'c', 'publish': ['8080-8081:9-11']}", "",
      "hosts[0].containers[0].publish[0]: '8080-8081:9-11': 2 host ports "
      "for 3 container ports; a range of container ports needs as many host "
      "ports (Docker: \"invalid ranges specified\")" },
    { "", "{'name': 'c', 'publish': ['8081-8080:9']}", "",
      "hosts[0].containers[0].publish[0]: '8081-8080:9': '8081-8080' is not "
      "a port (1 to 65535) or a range of them (\"8080-8081\")" },
    { "", "{'name': 'c', 'publish': ['8080:9/sctp']}", "",
      "hosts[0].containers[0].publish[0]: '8080:9/sctp': unknown protocol "
      "'sctp'; expected udp or tcp" },
    { "", "{'name': 'c', 'publish': ['10.0.0.99:8080:9']}", "",
      "hosts[0].containers[0].publish[0]: 10.0.0.99 is not the address of "
      "host 'host1''s uplink (hosts[0].nics[0], its first NIC with an "
      "\"ip\"), the only one vhsim publishes on" },
    { "", "{'name': 'c', 'network': 'host', 'publish': ['80:80']}", "",
      "hosts[0].containers[0].publish: 'publish' applies only to a "
      "container with a namespace of its own on a network; with "
      "\"network\": \"host\" it uses the host's addresses and ports (Docker "
      "discards published ports then)" },
    { "", "{'name': 'c', 'ip': '172.17.0.1'}", "",
      "hosts[0].containers[0].ip: 172.17.0.1 is network 'bridge''s "
      "gateway" },
    { "", "{'name': 'c', 'network': 'macvlan', 'parent': 'eth1'}", "",
      "hosts[0].containers[0]: missing required key 'ip': network "
      "'macvlan@eth1' has no \"subnet\" to take an address from (a macvlan "
      "container is on its parent's LAN; give it an address there)" },
    { "", "{'name': 'c', 'network': 'macvlan', 'parent': 'eth1',"
      " 'ip': '10.0.0.100/24'}", "",
      "hosts[0].containers[0].ip: IP address 10.0.0.100 is also used by "
      "hosts[1].nics[0]" },
    { "", "{'name': 'c', 'network': 'ipvlan', 'parent': 'eth1',"
      " 'mode': 'l3', 'ip': '10.0.0.40/24'}", "",
      "hosts[0].containers[0].mode: not supported yet: ipvlan mode 'l3' on "
      "NIC 'eth1', which has no \"ip\" (the host routes the devices' "
      "packets from its address on the parent)" },
    { "", "{'name': 'c', 'cpus': [4]}", "",
      "hosts[0].containers[0].cpus[0]: core 4 does not exist; host 'host1' "
      "has cores 0 to 3" },
    { "", "{'name': 'eth0'}", "",
      "hosts[0].containers[0].name: container name 'eth0' is also the name "
      "of NIC hosts[0].nics[0]; a host's NICs, bridges, VMs and containers "
      "must have different names (paths such as \"host1/web\" name any of "
      "them)" },
    { "", "{'name': 'n', 'network': 'none'}",
      FLOW("f", "host1/n", "remote", 1, "10us"),
      "traffic[0].from: container 'host1/n' has network none: only a "
      "loopback interface, so it cannot send or receive" },
    { "", "{'name': 'n', 'network': 'none'}, {'name': 'p',"
      " 'network': 'container:n'}", FLOW("f", "remote", "host1/p", 1,
                                         "10us"),
      "traffic[0].to: container 'host1/p' shares the namespace of a "
      "container with network none: only a loopback interface, so it "
      "cannot send or receive" },
    { "", "{'name': 'c', 'publish': ['8080:9/udp']}",
      FLOW("f", "remote", "host1:8081", 1, "10us"),
      "traffic[0].to: no container of host 'host1' publishes port 8081 "
      "(published: 8080/udp)" },
    { "", "{'name': 'c', 'publish': ['8080:9']}",
      FLOW("f", "remote", "host1:8080", 1, "10us"),
      "traffic[0].to: port 8080 of host 'host1' is published for tcp, and "
      "this flow is udp" },
    { "", "{'name': 'c', 'publish': ['8080:9/udp']}",
      FLOW("f", "host1:8080", "remote", 1, "10us"),
      "traffic[0].from: 'host1:8080' is a published port: where a flow "
      "goes to, not where it comes from; name the container "
      "(\"host1/c\")" },
};

START_TEST(test_refusals)
{
    const struct refusal *t = &refusals[_i];
    char *json = world_json(t->networks, t->containers, t->flows, NULL);
    char *msg = wt_refusal(json, NULL);
    ck_assert_str_eq(msg, t->want);
    free(msg);
    free(json);
}
END_TEST

/* A config bent past the loader's check is refused by the world too,
 * never built as another driver. */
START_TEST(test_world_refuses_a_driver_without_model)
{
    char *json = world_json("{'name': 'ov1'}", "{'name': 'c', "
                            "'network': 'ov1'}", "", NULL);
    struct vh_diag d;
    vh_diag_init(&d);
    struct cfg_scenario *sc = cfg_load_string(json, "t.json", NULL, &d);
    free(json);
    ck_assert_msg(sc != NULL, "%s", d.msg);
    sc->hosts[0].networks[0].driver = CFG_ND_SRIOV;
    sc->hosts[0].networks[0].drv = NULL;
    struct world *w = world_build(sc, &d);
    ck_assert_ptr_null(w);
    ck_assert_str_eq(d.msg, "hosts[0].networks[0].driver: not supported "
                     "yet: network driver 'sriov'");
    cfg_free(sc);
}
END_TEST

/* --- The shipped scenarios. --- */

static cJSON *
run_report(const char *file, const char *variant)
{
    char *json = vh_test_slurp(file, NULL);
    ck_assert_ptr_nonnull(json);
    struct wt_run r = wt_run_json(json, variant, NULL, NULL);
    free(json);
    wt_assert_conserved(r.w, true);
    cJSON *rep = report_json(r.w, 0);
    wt_run_free(&r);
    return rep;
}

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

static double
flow_num(const cJSON *rep, const char *flow, const char *key)
{
    return cJSON_GetObjectItem(named(cJSON_GetObjectItem(rep, "flows"),
                                     flow), key)->valuedouble;
}

static double
host_num(const cJSON *rep, const char *key)
{
    return cJSON_GetObjectItem(named(cJSON_GetObjectItem(rep, "hosts"),
                                     "host1"), key)->valuedouble;
}

static double
p50(const cJSON *rep, const char *flow)
{
    const cJSON *f = named(cJSON_GetObjectItem(rep, "flows"), flow);
    return cJSON_GetObjectItem(cJSON_GetObjectItem(f, "latency_ns"),
                               "p50")->valuedouble;
}

static double
rtt_p50(const cJSON *rep)
{
    return p50(rep, "rtt");
}

static double
c2c_p50(const cJSON *rep)
{
    return p50(rep, "c2c");
}

START_TEST(test_docker_modes_scenario)
{
    static const char *const variants[] = {
        NULL, "host", "container", "macvlan", "user-defined", "vm",
    };
    cJSON *rep[6];
    for (int i = 0; i < 6; i++) {
        rep[i] = run_report("scenarios/docker-modes.json", variants[i]);
        ck_assert_double_eq(flow_num(rep[i], "out", "delivered"), 200);
        ck_assert_double_eq(flow_num(rep[i], "in", "delivered"), 200);
        ck_assert_double_eq(flow_num(rep[i], "rtt", "delivered"), 20);
    }
    /* The published port is reached, the private address is not. */
    const cJSON *direct = named(cJSON_GetObjectItem(rep[0], "flows"),
                                "direct");
    ck_assert_int_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(direct,
                                                             "drops"),
                                         "docker-direct-access")->valueint,
                     20);
    /* Containers never exit; the VM does. */
    for (int i = 0; i < 5; i++) {
        ck_assert_double_eq(host_num(rep[i], "vm_exits"), 0);
    }
    ck_assert_double_gt(host_num(rep[5], "vm_exits_per_packet"), 0.1);
    /* Per packet: the VM costs more than Docker's bridge, which costs
     * more than the host's own stack or macvlan; a round trip likewise. */
    double cpp[6];
    for (int i = 0; i < 6; i++) {
        cpp[i] = host_num(rep[i], "cycles_per_packet");
    }
    ck_assert_double_gt(cpp[5], cpp[0]);
    ck_assert_double_gt(cpp[0], cpp[1]);
    ck_assert_double_gt(cpp[0], cpp[3]);
    ck_assert_double_gt(rtt_p50(rep[5]), rtt_p50(rep[0]));
    ck_assert_double_gt(rtt_p50(rep[0]), rtt_p50(rep[1]));
    /* user-defined: client on docker0 cannot reach web on appnet. */
    ck_assert_double_eq(flow_num(rep[4], "c2c", "delivered"), 0);
    /* container: c2c over loopback is quicker than across docker0. */
    ck_assert_double_eq(flow_num(rep[2], "c2c", "delivered"), 100);
    ck_assert_double_lt(c2c_p50(rep[2]), c2c_p50(rep[0]));
    for (int i = 0; i < 6; i++) {
        cJSON_Delete(rep[i]);
    }
}
END_TEST

START_TEST(test_density_scenario)
{
    cJSON *rep = run_report("scenarios/density.json", NULL);
    ck_assert_double_eq(host_num(rep, "containers"), 1000);
    const cJSON *h = named(cJSON_GetObjectItem(rep, "hosts"), "host1");
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(h,
                                                            "container_list")),
                     1000);
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItem(rep, "flows")) {
        ck_assert_double_eq(cJSON_GetObjectItem(f, "delivered")->valuedouble,
                            cJSON_GetObjectItem(f, "sent")->valuedouble);
    }
    ck_assert_double_eq(host_num(rep, "vm_exits"), 0);
    cJSON_Delete(rep);
}
END_TEST

/* --- Determinism. --- */

START_TEST(test_same_seed_same_report)
{
    char *out[2];
    for (int i = 0; i < 2; i++) {
        char *json = vh_test_slurp("scenarios/docker-modes.json", NULL);
        struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
        free(json);
        cJSON *rep = report_json(r.w, 0);
        out[i] = cJSON_PrintUnformatted(rep);
        cJSON_Delete(rep);
        wt_run_free(&r);
    }
    ck_assert_str_eq(out[0], out[1]);
    free(out[0]);
    free(out[1]);
}
END_TEST

static Suite *
containers_suite(void)
{
    Suite *s = suite_create("containers");
    TCase *tc = tcase_create("modes");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_bridge_mode_costs);
    tcase_add_test(tc, test_veth_hands_over_on_the_same_core);
    tcase_add_test(tc, test_masquerade_and_publish_on_the_wire);
    tcase_add_test(tc, test_tcp_masquerade_and_publish);
    tcase_add_test(tc, test_tcp_private_address_not_reached);
    tcase_add_test(tc, test_private_address_not_reached);
    tcase_add_test(tc, test_published_udp_replies_from_published_port);
    tcase_add_test(tc, test_publish_port_ranges);
    tcase_add_test(tc, test_private_addresses_repeat_across_hosts);
    tcase_add_test(tc, test_user_networks_isolated);
    tcase_add_test(tc, test_shared_namespace_over_loopback);
    tcase_add_test(tc, test_pod_ping_over_loopback);
    tcase_add_test(tc, test_host_mode);
    tcase_add_test(tc, test_macvlan_bridge_siblings_skip_the_nic);
    tcase_add_test(tc, test_macvlan_vepa_needs_the_switch);
    tcase_add_test(tc, test_ipvlan_l2);
    tcase_add_test(tc, test_address_allocation);
    tcase_add_test(tc, test_world_refuses_a_driver_without_model);
    tcase_add_loop_test(tc, test_refusals, 0,
                        (int) (sizeof refusals / sizeof refusals[0]));
    suite_add_tcase(s, tc);
    TCase *sc = tcase_create("scenarios");
    tcase_set_timeout(sc, 120);
    tcase_add_test(sc, test_docker_modes_scenario);
    tcase_add_test(sc, test_density_scenario);
    tcase_add_test(sc, test_same_seed_same_report);
    suite_add_tcase(s, sc);
    return s;
}

VH_SUITE(containers_suite)
