/* tests/test_migrate.c: live migration of a virtio VM between hosts. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/host.h"
#include "models/switch/l2switch.h"
#include "models/guest/vm.h"
#include "models/core/world.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* vm1 on host1 migrates to host2 at 5 ms with a 2 ms downtime, while the
 * remote sends to it at 100 kpps and it sends back at 50 kpps. */
static const char migration_json[] =
    "{ \"name\": \"mig\", \"duration\": \"20ms\","
    "  \"hosts\": ["
    "    { \"name\": \"host1\", \"cpu\": {\"cores\": 4, \"ghz\": 2.6},"
    "      \"nics\": [ {\"name\": \"eth0\", \"link\": \"tor1/p1\"} ],"
    "      \"bridges\": [ {\"name\": \"br0\", \"ports\": [\"eth0\"]} ],"
    "      \"vms\": [ {\"name\": \"vm1\", \"vcpus\": 1, \"pin\": [2],"
    "        \"nics\": [ {\"name\": \"eth0\", \"mac\": \"52:54:00:00:00:01\","
    "          \"ip\": \"10.0.0.1/24\","
    "          \"attach\": {\"type\": \"bridge\", \"to\": \"br0\"}} ]} ] },"
    "    { \"name\": \"host2\", \"cpu\": {\"cores\": 4, \"ghz\": 2.6},"
    "      \"nics\": [ {\"name\": \"eth0\", \"link\": \"tor1/p3\"} ],"
    "      \"bridges\": [ {\"name\": \"br0\", \"ports\": [\"eth0\"]} ] },"
    "    { \"name\": \"remote\", \"nics\": [ {\"name\": \"eth0\","
    "        \"ip\": \"10.0.0.100/24\", \"link\": \"tor1/p2\"} ] } ],"
    "  \"switches\": [ {\"name\": \"tor1\", \"ports\": 4} ],"
    "  \"traffic\": ["
    "    {\"name\": \"in\", \"from\": \"remote\", \"to\": \"host1/vm1\","
    "     \"proto\": \"udp\", \"rate\": \"100kpps\", \"start\": \"100us\","
    "     \"duration\": \"15ms\"},"
    "    {\"name\": \"out\", \"from\": \"host1/vm1\", \"to\": \"remote\","
    "     \"proto\": \"udp\", \"rate\": \"50kpps\", \"start\": \"100us\","
    "     \"duration\": \"15ms\"} ],"
    "  \"events\": [ {\"at\": \"5ms\", \"action\": \"migrate\","
    "    \"target\": \"host1/vm1\", \"to\": \"host2\", \"downtime\": \"2ms\"} ]"
    "}";

START_TEST(test_vm_moves_and_announces_itself)
{
    struct wt_run r = wt_run_json(migration_json, NULL, NULL, NULL);
    struct world *w = r.w;
    struct host *h1 = w->hosts[0], *h2 = w->hosts[1];
    const struct flow_stats *in = &w->flows[0], *out = &w->flows[1];

    /* The VM now lives on host2, and its exits happen there. */
    ck_assert_uint_eq(h1->n_vms, 0);
    ck_assert_uint_eq(h2->n_vms, 1);
    ck_assert_ptr_eq(h2->vms[0]->host, h2);
    ck_assert_uint_gt(h2->vm_exits, 0);

    /* During the 2 ms downtime, the frames sent to it at 100 kpps were
     * lost with the source tap (about 200), or right after, before the
     * switch learned the new place (host2's cores, idle for 5 ms, first
     * leave C6 to send the announcement: 133 us, about 13 frames more);
     * nothing else was lost. */
    uint64_t lost = vh_drops_get(&in->drops, "migration");
    ck_assert_uint_ge(lost, 150);
    ck_assert_uint_le(lost, 250);
    ck_assert_uint_le(in->drops.total, lost + 25);
    /* It is reachable again afterwards: deliveries continue to the end. */
    ck_assert_uint_gt(in->last_delivered, 14 * VH_MS);
    ck_assert_uint_gt(in->delivered, in->sent - in->drops.total - 5);

    /* The stopped VM sends nothing for 2 ms: about 100 fewer packets than
     * 50 kpps over 15 ms. */
    ck_assert_uint_le(out->sent, 750 - 80);
    ck_assert_uint_ge(out->sent, 750 - 120);
    ck_assert_uint_eq(out->drops.total, 0);

    /* The announcement taught the switch the VM's new port (p3). */
    struct vh_mac mac;
    vh_mac_parse("52:54:00:00:00:01", &mac);
    ck_assert_int_eq(l2switch_lookup(w->switches[0], &mac, w->sim.now),
                     2);
    wt_run_free(&r);
}
END_TEST

/* An unpinned VM with four vCPUs migrates to a host whose last core is an
 * OVS-DPDK poll-mode thread's: as when a VM is built there, its vCPUs
 * fill the other cores and never share the polling one. */
static const char unpinned_to_pmd_json[] =
    "{ \"name\": \"mig-pmd\", \"duration\": \"2ms\","
    "  \"hosts\": ["
    "    { \"name\": \"host1\", \"cpu\": {\"cores\": 4},"
    "      \"nics\": [ {\"name\": \"eth0\", \"link\": \"tor1/p1\"} ],"
    "      \"bridges\": [ {\"name\": \"br0\", \"ports\": [\"eth0\"]} ],"
    "      \"vms\": [ {\"name\": \"vm1\", \"vcpus\": 4,"
    "        \"nics\": [ {\"name\": \"eth0\", \"ip\": \"10.0.0.1/24\","
    "          \"attach\": {\"type\": \"bridge\", \"to\": \"br0\"}} ]} ] },"
    "    { \"name\": \"host2\", \"cpu\": {\"cores\": 4},"
    "      \"nics\": [ {\"name\": \"eth0\", \"link\": \"tor1/p2\"} ],"
    "      \"bridges\": [ {\"name\": \"br0\", \"ports\": [\"eth0\"]},"
    "        {\"name\": \"ovs0\", \"type\": \"ovs\", \"datapath\": \"dpdk\","
    "         \"pmd_cores\": [3]} ] } ],"
    "  \"switches\": [ {\"name\": \"tor1\", \"ports\": 2} ],"
    "  \"events\": [ {\"at\": \"1ms\", \"action\": \"migrate\","
    "    \"target\": \"host1/vm1\", \"to\": \"host2\", \"downtime\": \"100us\"} ]"
    "}";

START_TEST(test_unpinned_vcpus_avoid_pmd_cores)
{
    struct wt_run r = wt_run_json(unpinned_to_pmd_json, NULL, NULL, NULL);
    struct world *w = r.w;
    struct host *h2 = w->hosts[1];
    ck_assert_uint_eq(h2->n_vms, 1);
    ck_assert_ptr_nonnull(h2->polls);
    ck_assert(h2->polls[3].on);
    struct vm *vm = h2->vms[0];
    for (int i = 0; i < vm->n_vcpus; i++) {
        int c = vm->vcpus[i]->index;
        ck_assert_ptr_eq(vm->vcpus[i], &h2->cores[c]);
        ck_assert_msg(!h2->polls[c].on, "vCPU %d landed on PMD core %d", i,
                      c);
    }
    wt_run_free(&r);
}
END_TEST

/* migration_json with its events[] replaced by 'events'. */
static char *
with_events(const char *events)
{
    const char *at = strstr(migration_json, "\"events\": [");
    ck_assert_ptr_nonnull(at);
    size_t n = (size_t) (at - migration_json);
    char *s = malloc(n + strlen(events) + 64);
    sprintf(s, "%.*s\"events\": [ %s ] }", (int) n, migration_json, events);
    return s;
}

#define MIG(AT, TO, DOWN)                                               \
    "{\"at\": \"" AT "\", \"action\": \"migrate\", \"target\": "        \
    "\"host1/vm1\", \"to\": \"" TO "\", \"downtime\": \"" DOWN "\"}"

/* Each migration starts from where the VM is at its time: there and
 * back again runs, and ends where it began. */
START_TEST(test_vm_migrates_there_and_back)
{
    char *json = with_events(MIG("3ms", "host2", "1ms") ", "
                             MIG("9ms", "host1", "1ms"));
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    free(json);
    struct host *h1 = r.w->hosts[0], *h2 = r.w->hosts[1];
    ck_assert_uint_eq(h1->n_vms, 1);
    ck_assert_uint_eq(h2->n_vms, 0);
    ck_assert_ptr_eq(h1->vms[0]->host, h1);
    /* Reachable at the end, back on p1. */
    ck_assert_uint_gt(r.w->flows[0].last_delivered, 14 * VH_MS);
    struct vh_mac mac;
    vh_mac_parse("52:54:00:00:00:01", &mac);
    ck_assert_int_eq(l2switch_lookup(r.w->switches[0], &mac, r.w->sim.now),
                     0);
    wt_run_free(&r);
}
END_TEST

/* A second migration while the first is under way, or to where the VM
 * already is by then, is refused with the event that explains it. */
START_TEST(test_migration_sequence_refusals)
{
    char *json = with_events(MIG("3ms", "host2", "2ms") ", "
                             MIG("4ms", "host1", "1ms"));
    char *msg = wt_refusal(json, NULL);
    ck_assert_msg(strstr(msg, "events[1].at: VM 'host1/vm1' is still "
                              "migrating to host 'host2' (events[0]) until "
                              "5ms"), "%s", msg);
    free(msg);
    free(json);

    json = with_events(MIG("3ms", "host2", "1ms") ", "
                       MIG("8ms", "host2", "1ms"));
    msg = wt_refusal(json, NULL);
    ck_assert_msg(strstr(msg, "events[1].to: VM 'host1/vm1' is already on "
                              "host 'host2' (events[0] took it there)"),
                  "%s", msg);
    free(msg);
    free(json);

    /* Listed out of time order, judged in time order. */
    json = with_events(MIG("9ms", "host1", "1ms") ", "
                       MIG("3ms", "host2", "1ms"));
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    free(json);
    ck_assert_uint_eq(r.w->hosts[0]->n_vms, 1);
    wt_run_free(&r);
}
END_TEST

static Suite *
migrate_suite(void)
{
    Suite *s = suite_create("migrate");
    TCase *tc = tcase_create("live");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_vm_moves_and_announces_itself);
    tcase_add_test(tc, test_unpinned_vcpus_avoid_pmd_cores);
    tcase_add_test(tc, test_vm_migrates_there_and_back);
    tcase_add_test(tc, test_migration_sequence_refusals);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(migrate_suite)
