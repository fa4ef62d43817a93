/* tests/test_models.c: the models of the bridged virtio path, run whole.
 *
 * Each test builds a small world from a scenario string, runs it, and
 * checks what physics and the protocols demand: learning and flooding,
 * no hairpin on an 802.1Q switch, every packet accounted for under
 * overload, nothing leaked, and orderings of cost and latency. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/endpoint/endpoint.h"
#include "models/core/host.h"
#include "models/switch/l2switch.h"
#include "models/hostnet/lbridge.h"
#include "models/guest/virtio_net.h"
#include "models/guest/vm.h"
#include "models/core/world.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* A host with two VMs on a bridge, cabled to a switch with a bare-metal
 * remote.  '%s' takes the traffic array, then extra top-level keys. */
static const char two_vms_fmt[] =
    "{ \"name\": \"t\", \"duration\": \"%s\", \"seed\": 7,"
    "  \"hosts\": ["
    "   { \"name\": \"host1\", \"cpu\": { \"cores\": 4, \"ghz\": 2.6 },"
    "     \"nics\": [ { \"name\": \"eth0\", \"model\": \"82599\","
    "                 \"link\": \"tor1/p1\" } ],"
    "     \"bridges\": [ { \"name\": \"br0\", \"type\": \"linux-bridge\","
    "                      \"ports\": [\"eth0\"] %s } ],"
    "     \"vms\": ["
    "       { \"name\": \"vm1\", \"vcpus\": 1, \"pin\": [2], \"nics\": [ {"
    "           \"name\": \"eth0\", \"mac\": \"52:54:00:00:00:01\","
    "           \"ip\": \"10.0.0.1/24\", \"model\": \"virtio\","
    "           \"backend\": \"vhost-net\","
    "           \"attach\": { \"type\": \"bridge\", \"to\": \"br0\" } } ] },"
    "       { \"name\": \"vm2\", \"vcpus\": 1, \"pin\": [3], \"nics\": [ {"
    "           \"name\": \"eth0\", \"mac\": \"52:54:00:00:00:02\","
    "           \"ip\": \"10.0.0.2/24\","
    "           \"attach\": { \"type\": \"bridge\", \"to\": \"br0\" } } ] } ] },"
    "   { \"name\": \"remote\", \"nics\": [ { \"name\": \"eth0\","
    "       \"mac\": \"02:00:00:00:00:64\", \"ip\": \"10.0.0.100/24\","
    "       \"link\": \"tor1/p2\" } ] } ],"
    "  \"switches\": [ { \"name\": \"tor1\", \"mode\": \"802.1q\","
    "                  \"ports\": 4 } ],"
    "  \"traffic\": [ %s ] %s }";

/* The two-VM world with its blanks filled in, run to its end. */
static struct wt_run
run_scenario(const char *duration, const char *bridge_extra,
             const char *traffic, const char *extra)
{
    char json[8192];
    snprintf(json, sizeof json, two_vms_fmt, duration, bridge_extra, traffic,
             extra);
    return wt_run_json(json, NULL, NULL, NULL);
}

static struct vm *
find_vm(struct world *w, const char *name)
{
    struct host *h = w->hosts[0];
    for (size_t i = 0; i < h->n_vms; i++) {
        if (!strcmp(h->vms[i]->cfg->name, name)) {
            return h->vms[i];
        }
    }
    return NULL;
}

START_TEST(test_bridge_learns_and_floods)
{
    struct wt_run r = run_scenario("2ms", "",
        "{ \"name\": \"f1\", \"from\": \"host1/vm1\", \"to\": \"remote\","
        "  \"proto\": \"udp\", \"size\": 64, \"rate\": \"100kpps\","
        "  \"count\": 20 }", "");
    struct world *w = r.w;
    struct lbridge *br = w->hosts[0]->bridges[0];
    struct vm *vm1 = find_vm(w, "vm1"), *vm2 = find_vm(w, "vm2");
    struct vh_mac m1, mr;
    vh_mac_parse("52:54:00:00:00:01", &m1);
    vh_mac_parse("02:00:00:00:00:64", &mr);

    ck_assert_uint_eq(w->flows[0].delivered, 20);
    /* vm1's ARP request was a broadcast: flooded to vm2 and the uplink. */
    ck_assert_uint_ge(lbridge_flooded(br), 1);
    /* Learned: vm1 behind its tap's port, the remote behind the NIC's. */
    int p_vm1 = lbridge_lookup(br, &m1, w->sim.now);
    int p_rem = lbridge_lookup(br, &mr, w->sim.now);
    ck_assert_int_ge(p_vm1, 0);
    ck_assert_int_ge(p_rem, 0);
    ck_assert_ptr_eq(lbridge_port(br, (size_t) p_vm1)->peer,
                     vm1->nics[0].host);
    ck_assert_int_ne(p_vm1, p_rem);
    /* Once learned, unicast data never reaches vm2: it saw only the one
     * broadcast, an ARP request for another address, which it ignored
     * without counting a drop. */
    ck_assert_uint_eq(vm2->nics[0].dev->rx, 1);
    ck_assert_uint_eq(vm2->nics[0].dev->drops, 0);
    wt_assert_conserved(w, true);
    wt_run_free(&r);
}
END_TEST

START_TEST(test_switch_has_no_hairpin)
{
    /* The bridge forgets vm1 quickly (ageing 20us) while the switch still
     * knows vm1 is behind p1.  vm2's later frames to vm1 are then flooded
     * by the bridge, and the copy sent up to the switch must not come
     * back: it is filtered at p1.  The copy inside the host arrives, so
     * the flow loses nothing. */
    struct wt_run r = run_scenario("3ms", ", \"ageing\": \"20us\"",
        "{ \"name\": \"a\", \"from\": \"host1/vm1\", \"to\": \"remote\","
        "  \"proto\": \"udp\", \"rate\": \"100kpps\", \"count\": 2 },"
        "{ \"name\": \"b\", \"from\": \"host1/vm2\", \"to\": \"host1/vm1\","
        "  \"proto\": \"udp\", \"rate\": \"10kpps\", \"count\": 5,"
        "  \"start\": \"500us\" }", "");
    struct world *w = r.w;
    struct swport *p1 = l2switch_port(w->switches[0], 1);
    ck_assert_uint_ge(p1->dev.drops, 1);
    ck_assert_uint_eq(w->flows[1].delivered, 5);
    ck_assert_uint_eq(w->flows[1].drops.total, 0);
    wt_assert_conserved(w, true);
    wt_run_free(&r);
}
END_TEST

START_TEST(test_overload_conserves_packets)
{
    /* The remote blasts 1500-byte frames at vm1 far faster than one vhost
     * worker can copy them, and vm1 blasts the remote too: queues overflow
     * (for 3 ms, beyond what rings and qdiscs hold) and every loss must
     * carry a reason. */
    struct wt_run r = run_scenario("8ms", "",
        "{ \"name\": \"in\", \"from\": \"remote\", \"to\": \"host1/vm1\","
        "  \"proto\": \"udp\", \"size\": 1500, \"rate\": \"5Mpps\","
        "  \"duration\": \"3ms\" },"
        "{ \"name\": \"out\", \"from\": \"host1/vm2\", \"to\": \"remote\","
        "  \"proto\": \"udp\", \"size\": 64, \"rate\": \"5Mpps\","
        "  \"pattern\": \"poisson\", \"duration\": \"3ms\" }", "");
    struct world *w = r.w;
    uint64_t drops = w->flows[0].drops.total + w->flows[1].drops.total;
    ck_assert_uint_gt(drops, 0);
    ck_assert_uint_gt(w->flows[0].delivered, 0);
    /* The run stopped once everything drained, before its duration. */
    ck_assert_uint_lt(world_end_time(w), w->end);
    wt_assert_conserved(w, true);
    wt_run_free(&r);
}
END_TEST

START_TEST(test_unfinished_run_counts_in_flight)
{
    struct wt_run r = run_scenario("30us", "",
        "{ \"name\": \"f\", \"from\": \"host1/vm1\", \"to\": \"remote\","
        "  \"proto\": \"udp\", \"rate\": \"1Mpps\" }", "");
    struct world *w = r.w;
    const struct flow_stats *fs = &w->flows[0];
    ck_assert_uint_gt(fs->sent, 0);
    ck_assert_uint_eq(world_end_time(w), w->end);
    ck_assert_uint_gt(world_in_flight(w, fs), 0);
    ck_assert_uint_eq(fs->delivered + fs->drops.total
                      + world_in_flight(w, fs), fs->sent);
    wt_assert_conserved(w, false);
    wt_run_free(&r);
}
END_TEST

START_TEST(test_vm_to_vm_is_faster_than_via_the_wire)
{
    struct wt_run r = run_scenario("2ms", "",
        "{ \"name\": \"local\", \"from\": \"host1/vm1\", \"to\": \"host1/vm2\","
        "  \"proto\": \"udp\", \"rate\": \"10kpps\", \"count\": 10,"
        "  \"start\": \"200us\" },"
        "{ \"name\": \"wire\", \"from\": \"host1/vm1\", \"to\": \"remote\","
        "  \"proto\": \"udp\", \"rate\": \"10kpps\", \"count\": 10,"
        "  \"start\": \"250us\" }", "");
    struct world *w = r.w;
    uint64_t local = vh_hist_percentile(&w->flows[0].latency, 50);
    uint64_t wire = vh_hist_percentile(&w->flows[1].latency, 50);
    ck_assert_uint_gt(local, 0);
    ck_assert_msg(local < wire, "local p50 %llu ns >= wire p50 %llu ns",
                  (unsigned long long) local, (unsigned long long) wire);
    wt_run_free(&r);
}
END_TEST

START_TEST(test_batching_reduces_exits_per_packet)
{
    /* At a low rate every frame finds the vhost worker asleep and kicks
     * it; at a high rate the worker is still busy and notifications stay
     * off, so VM exits per packet fall.  Nothing in the model says so:
     * it follows from the timing. */
    struct wt_run lo = run_scenario("3ms", "",
        "{ \"name\": \"f\", \"from\": \"host1/vm1\", \"to\": \"remote\","
        "  \"proto\": \"udp\", \"rate\": \"20kpps\", \"count\": 40,"
        "  \"start\": \"100us\" }", "");
    struct wt_run hi = run_scenario("3ms", "",
        "{ \"name\": \"f\", \"from\": \"host1/vm1\", \"to\": \"remote\","
        "  \"proto\": \"udp\", \"rate\": \"2Mpps\", \"count\": 2000,"
        "  \"start\": \"100us\" }", "");
    double lo_exits = (double) lo.w->hosts[0]->vm_exits
                      / (double) lo.w->flows[0].sent;
    double hi_exits = (double) hi.w->hosts[0]->vm_exits
                      / (double) hi.w->flows[0].sent;
    ck_assert_msg(lo_exits >= 0.9, "low rate: %.2f exits/packet", lo_exits);
    ck_assert_msg(hi_exits < lo_exits / 2, "high rate %.3f vs low %.3f",
                  hi_exits, lo_exits);
    wt_run_free(&lo);
    wt_run_free(&hi);
}
END_TEST

START_TEST(test_larger_frames_cost_more_copying)
{
    struct wt_run small = run_scenario("2ms", "",
        "{ \"name\": \"f\", \"from\": \"host1/vm1\", \"to\": \"remote\","
        "  \"proto\": \"udp\", \"size\": 64, \"rate\": \"50kpps\","
        "  \"count\": 50 }", "");
    struct wt_run big = run_scenario("2ms", "",
        "{ \"name\": \"f\", \"from\": \"host1/vm1\", \"to\": \"remote\","
        "  \"proto\": \"udp\", \"size\": 1500, \"rate\": \"50kpps\","
        "  \"count\": 50 }", "");
    ck_assert_uint_gt(big.w->hosts[0]->copies_bytes,
                      small.w->hosts[0]->copies_bytes * 10);
    ck_assert_uint_gt(big.w->hosts[0]->cores[0].cycles[CPU_VHOST]
                      + big.w->hosts[0]->cores[1].cycles[CPU_VHOST],
                      small.w->hosts[0]->cores[0].cycles[CPU_VHOST]
                      + small.w->hosts[0]->cores[1].cycles[CPU_VHOST]);
    wt_run_free(&small);
    wt_run_free(&big);
}
END_TEST

START_TEST(test_ping_round_trip)
{
    struct wt_run r = run_scenario("2ms", "",
        "{ \"name\": \"p\", \"from\": \"remote\", \"to\": \"host1/vm2\","
        "  \"proto\": \"icmp\", \"rate\": \"10kpps\", \"count\": 5 }", "");
    const struct flow_stats *fs = &r.w->flows[0];
    ck_assert_uint_eq(fs->sent, 5);
    ck_assert_uint_eq(fs->delivered, 5);
    /* A round trip crosses the wire twice: at least four serializations
     * of a 98-byte frame at 10 Gbit/s and two switch hops. */
    ck_assert_uint_gt(fs->latency.min, 2 * 600);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);
}
END_TEST

START_TEST(test_link_down_drops_with_reason)
{
    /* A cable taken down (the host's NIC) and a vNIC's link taken down by
     * the hypervisor (virsh domif-setlink) both lose what follows, with the
     * reason named; what went before was delivered. */
    static const char *const targets[] = { "host1/eth0", "host1/vm1/eth0" };
    for (size_t i = 0; i < sizeof targets / sizeof *targets; i++) {
        char events[256];
        snprintf(events, sizeof events, ", \"events\": [ { \"at\": "
                 "\"300us\", \"action\": \"link-down\", \"target\": "
                 "\"%s\" } ]", targets[i]);
        struct wt_run r = run_scenario("2ms", "",
            "{ \"name\": \"f\", \"from\": \"host1/vm1\", \"to\": \"remote\","
            "  \"proto\": \"udp\", \"rate\": \"100kpps\", \"count\": 100 }",
            events);
        const struct flow_stats *fs = &r.w->flows[0];
        ck_assert_msg(fs->delivered > 0, "%s: nothing delivered", targets[i]);
        ck_assert_msg(vh_drops_get(&fs->drops, "link-down") > 0,
                      "%s: no link-down drops", targets[i]);
        wt_assert_conserved(r.w, true);
        wt_run_free(&r);
    }
}
END_TEST

START_TEST(test_arp_gives_up_after_three_tries)
{
    /* The remote's cable is down from the start: nobody answers vm1's ARP
     * requests.  Like Linux, vm1 asks three times a second apart, then the
     * packets it held fail. */
    struct wt_run r = run_scenario("4s", "",
        "{ \"name\": \"f\", \"from\": \"host1/vm1\", \"to\": \"remote\","
        "  \"proto\": \"udp\", \"rate\": \"100kpps\", \"count\": 5 }",
        ", \"events\": [ { \"at\": \"0ns\", \"action\": \"link-down\","
        "  \"target\": \"tor1/p2\" } ]");
    const struct flow_stats *fs = &r.w->flows[0];
    const struct endpoint *ep = fs->src;
    ck_assert_uint_eq(ep->arp_requests, 3);
    ck_assert_uint_eq(vh_drops_get(&fs->drops, "arp-failed"), 5);
    /* The last request went out at 2 s; giving up comes 1 s later. */
    ck_assert_uint_ge(world_end_time(r.w), 3 * VH_SEC);
    ck_assert_uint_lt(world_end_time(r.w), 3 * VH_SEC + VH_MS);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);
}
END_TEST



/* An ARP reply that gives the remote's address a new MAC, as after a
 * replaced machine or a failover, reaches vm1's stack at 5 ms. */
static const struct vh_mac moved_mac = { { 0x02, 0, 0, 0, 0, 0x99 } };

static void
arp_moves_remote(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct endpoint *ep = obj;
    struct vh_packet *p = vh_packet_alloc(&w->pool);
    p->len = vh_build_arp(p->data, VH_ARP_REPLY, &moved_mac,
                          0x0a000064, &ep->mac, ep->ip, &ep->mac);
    ep->port.rx(w, &ep->port, p);
    (void) arg;
}

static void
schedule_arp_move(struct world *w, void *ctx)
{
    vh_schedule_at(&w->sim, 5 * VH_MS, arp_moves_remote, w->flows[0].src,
                   NULL);
    (void) ctx;
}

START_TEST(test_neighbour_new_mac_is_used)
{
    /* Once vm1 learns the new MAC, its packets go there: the bridge and
     * the switch do not know it, flood, and nobody takes them; the
     * remote, whose own MAC they no longer carry, does not either. */
    char json[8192];
    snprintf(json, sizeof json, two_vms_fmt, "10ms", "",
             "{ \"name\": \"f\", \"from\": \"host1/vm1\", \"to\": "
             "\"remote\", \"proto\": \"udp\", \"rate\": \"100kpps\" }",
             "");
    struct wt_run r = wt_run_json(json, NULL, schedule_arp_move, NULL);
    const struct flow_stats *fs = &r.w->flows[0];
    ck_assert_uint_ge(fs->sent, 990);
    /* Delivered until 5 ms, give or take the packets on the way. */
    ck_assert_uint_ge(fs->delivered, 480);
    ck_assert_uint_le(fs->delivered, 510);
    ck_assert_uint_ge(fs->drops.total, fs->sent - fs->delivered - 10);
    ck_assert_uint_le(fs->last_delivered, 5 * VH_MS + 100 * VH_US);
    wt_assert_conserved(r.w, false);
    wt_run_free(&r);
}
END_TEST

/* True if devices at paths 'a' and 'b' are adjacent, by cable or not. */
static bool
adjacent(struct world *w, const char *a, const char *b, int cable)
{
    const struct vh_device *da = wt_dev(w, a);
    const struct vh_device *db = wt_dev(w, b);
    for (uint32_t i = 0; i < da->n_edges; i++) {
        if (da->edges[i].to == db->id) {
            return da->edges[i].cable == cable;
        }
    }
    return false;
}

START_TEST(test_topology_is_recorded)
{
    struct wt_run r = run_scenario("100us", "",
        "{ \"name\": \"f\", \"from\": \"host1/vm1\", \"to\": \"remote\","
        "  \"proto\": \"udp\", \"rate\": \"10kpps\", \"count\": 1 }", "");
    struct world *w = r.w;
    ck_assert(adjacent(w, "host1/br0", "host1/eth0", 0));
    ck_assert(adjacent(w, "host1/br0", "host1/vm1/eth0", 0));
    ck_assert(adjacent(w, "host1/br0", "host1/vm2/eth0", 0));
    ck_assert(adjacent(w, "host1/eth0", "tor1/p1", 1));
    ck_assert(adjacent(w, "tor1/p2", "remote/eth0", 1));
    ck_assert(!adjacent(w, "host1/vm1/eth0", "host1/eth0", 0));
    ck_assert(!adjacent(w, "tor1/p3", "host1/eth0", 1));
    wt_run_free(&r);
}
END_TEST

START_TEST(test_same_seed_same_run)
{
    const char *traffic =
        "{ \"name\": \"f\", \"from\": \"host1/vm1\", \"to\": \"remote\","
        "  \"proto\": \"udp\", \"rate\": \"300kpps\", \"pattern\": \"poisson\","
        "  \"count\": 300 }";
    struct wt_run a = run_scenario("3ms", "", traffic, "");
    struct wt_run b = run_scenario("3ms", "", traffic, "");
    ck_assert_uint_eq(a.w->sim.events_run, b.w->sim.events_run);
    ck_assert_uint_eq(world_end_time(a.w), world_end_time(b.w));
    ck_assert_uint_eq(a.w->flows[0].latency.max, b.w->flows[0].latency.max);
    ck_assert_uint_eq(a.w->hosts[0]->vm_exits, b.w->hosts[0]->vm_exits);
    wt_run_free(&a);
    wt_run_free(&b);
}
END_TEST

START_TEST(test_fdb_ageing_and_moves)
{
    struct fdb f;
    struct vh_mac a, b;
    vh_mac_parse("02:00:00:00:00:0a", &a);
    vh_mac_parse("02:00:00:00:00:0b", &b);
    fdb_init(&f, 100 * VH_US);
    ck_assert_int_eq(fdb_lookup(&f, &a, 0, 0), -1);
    fdb_learn(&f, &a, 0, 3, 10 * VH_US);
    ck_assert_int_eq(fdb_lookup(&f, &a, 0, 50 * VH_US), 3);
    ck_assert_int_eq(fdb_lookup(&f, &a, 7, 50 * VH_US), -1);   /* VLAN */
    ck_assert_int_eq(fdb_lookup(&f, &a, 0, 111 * VH_US), -1);  /* aged */
    fdb_learn(&f, &a, 0, 5, 120 * VH_US);                      /* moved */
    ck_assert_int_eq(fdb_lookup(&f, &a, 0, 121 * VH_US), 5);
    fdb_learn(&f, &vh_mac_broadcast, 0, 1, 0);                 /* ignored */
    ck_assert_int_eq(fdb_lookup(&f, &vh_mac_broadcast, 0, 0), -1);
    /* Growth keeps every entry. */
    for (int i = 0; i < 1000; i++) {
        struct vh_mac m = { { 0x02, 0, 0, 0, (uint8_t) (i >> 8),
                              (uint8_t) i } };
        fdb_learn(&f, &m, 0, i, 200 * VH_US);
    }
    for (int i = 0; i < 1000; i++) {
        struct vh_mac m = { { 0x02, 0, 0, 0, (uint8_t) (i >> 8),
                              (uint8_t) i } };
        ck_assert_int_eq(fdb_lookup(&f, &m, 0, 201 * VH_US), i);
    }
    (void) b;
    fdb_destroy(&f);
}
END_TEST

static Suite *
models_suite(void)
{
    Suite *s = suite_create("models");
    TCase *tc = tcase_create("bridged-virtio");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_fdb_ageing_and_moves);
    tcase_add_test(tc, test_bridge_learns_and_floods);
    tcase_add_test(tc, test_switch_has_no_hairpin);
    tcase_add_test(tc, test_overload_conserves_packets);
    tcase_add_test(tc, test_unfinished_run_counts_in_flight);
    tcase_add_test(tc, test_vm_to_vm_is_faster_than_via_the_wire);
    tcase_add_test(tc, test_batching_reduces_exits_per_packet);
    tcase_add_test(tc, test_larger_frames_cost_more_copying);
    tcase_add_test(tc, test_ping_round_trip);
    tcase_add_test(tc, test_link_down_drops_with_reason);
    tcase_add_test(tc, test_same_seed_same_run);
    tcase_add_test(tc, test_topology_is_recorded);
    tcase_add_test(tc, test_arp_gives_up_after_three_tries);
    tcase_add_test(tc, test_neighbour_new_mac_is_used);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(models_suite)
