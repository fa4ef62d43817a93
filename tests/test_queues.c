/* tests/test_queues.c: the tap's queue holds exactly what Linux's does.
 *
 * Frames the host's bridge sends to a VM wait in the VM's tap until the
 * backend (the vhost-net worker, or QEMU's main loop) reads them; a frame
 * that finds the queue full is dropped, "tap-queue-full".  A tap is an
 * Ethernet device, so Linux gives it the default transmit queue length,
 * 1000 frames (ether_setup(), DEFAULT_TX_QUEUE_LEN; tun's own 500 is set
 * before and overwritten), and tun sizes the tap's ring to it.
 *
 * The tests make the backend so slow that it is still busy with the first
 * frame of a burst when the last one arrives: the burst then fills the
 * queue to exactly its limit and every later frame is dropped, so the
 * counts follow from the limit alone. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/world.h"
#include "sim/trace.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* Linux's default txqueuelen, which a tap gets. */
#define TAP_LIMIT 1000

/* Frames in the burst. */
#define BURST 1500

/* host1 with vm1 on bridge br0 over eth0, cabled to a bare-metal remote.
 * The remote resolves vm1's address with one packet (flow 0), then sends
 * BURST frames to it at 1 Mpps (flow 1).  vm1's vCPU is pinned to core 0
 * so that its backend thread goes to core 1: on core 0, where the NIC's
 * interrupt lands, the slow backend would starve the NIC's receive and
 * the frames would be lost there instead.  The '%s' are vm1's NIC keys
 * and the primitive that makes vm1's backend slow. */
static const char tapq_fmt[] =
    "{ \"name\": \"tapq\", \"duration\": \"8s\", \"seed\": 1,"
    "  \"hosts\": ["
    "   { \"name\": \"host1\", \"cpu\": { \"cores\": 4, \"ghz\": 2.6 },"
    "     \"nics\": [ { \"name\": \"eth0\", \"link\": \"remote/eth0\" } ],"
    "     \"bridges\": [ { \"name\": \"br0\", \"type\": \"linux-bridge\","
    "                      \"ports\": [\"eth0\"] } ],"
    "     \"vms\": [ { \"name\": \"vm1\", \"vcpus\": 1, \"pin\": [0],"
    "       \"nics\": [ { \"name\": \"eth0\", \"ip\": \"10.0.0.1/24\", %s,"
    "         \"attach\": { \"type\": \"bridge\", \"to\": \"br0\" } } ] } ] },"
    "   { \"name\": \"remote\", \"nics\": [ { \"name\": \"eth0\","
    "       \"ip\": \"10.0.0.100/24\" } ] } ],"
    "  \"traffic\": ["
    "   { \"name\": \"arp\", \"from\": \"remote\", \"to\": \"host1/vm1\","
    "     \"rate\": \"1kpps\", \"count\": 1 },"
    "   { \"name\": \"burst\", \"from\": \"remote\", \"to\": \"host1/vm1\","
    "     \"rate\": \"1Mpps\", \"count\": %d, \"start\": \"40ms\" } ],"
    "  \"costs\": { \"%s\": \"10000000cyc\" } }";

/* The deepest queue the burst's frames were put in at vm1's NIC. */
struct depth {
    const struct vh_device *nic;
    uint32_t max;
};

static void
on_enqueue(void *ctx, const struct vh_hop *h)
{
    struct depth *d = ctx;
    if (h->dev == d->nic && h->pkt->flow == 1 && h->depth > d->max) {
        d->max = h->depth;
    }
}

static void
subscribe(struct world *w, void *ctx)
{
    struct depth *d = ctx;
    d->nic = wt_dev(w, "host1/vm1/eth0");
    ck_assert_int_eq(vh_trace_subscribe(&w->trace,
                                        VH_HOP_BIT(VH_HOP_ENQUEUE),
                                        on_enqueue, d), 0);
}

START_TEST(test_tap_queue_holds_txqueuelen_frames)
{
    /* Each backend reads the tap with a primitive of its own, made to
     * take 3.8 ms a frame (10 million cycles at 2.6 GHz): longer than the
     * 1.5 ms the burst lasts.  The backend takes the first frame at once;
     * the next TAP_LIMIT fill the queue; the rest find it full.  Then the
     * backend drains the queue, and all it held is delivered. */
    static const struct { const char *nic, *slow; } paths[] = {
        { "\"backend\": \"vhost-net\"", "vhost_desc" },
        { "\"backend\": \"qemu\"", "tap_read" },
        { "\"model\": \"e1000\"", "tap_read" },
    };
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        char json[4096];
        snprintf(json, sizeof json, tapq_fmt, paths[i].nic, BURST,
                 paths[i].slow);
        struct depth d = { 0 };
        struct wt_run r = wt_run_json(json, NULL, subscribe, &d);
        const struct flow_stats *fs = &r.w->flows[1];
        ck_assert_msg(fs->sent == BURST, "%s: sent %llu", paths[i].nic,
                      (unsigned long long) fs->sent);
        ck_assert_msg(d.max == TAP_LIMIT, "%s: the tap held at most %u",
                      paths[i].nic, d.max);
        ck_assert_msg(fs->delivered == 1 + TAP_LIMIT,
                      "%s: delivered %llu", paths[i].nic,
                      (unsigned long long) fs->delivered);
        ck_assert_msg(vh_drops_get(&fs->drops, "tap-queue-full")
                      == BURST - 1 - TAP_LIMIT && fs->drops.total
                      == BURST - 1 - TAP_LIMIT, "%s: %llu dropped, %llu "
                      "for tap-queue-full", paths[i].nic,
                      (unsigned long long) fs->drops.total,
                      (unsigned long long) vh_drops_get(&fs->drops,
                                                        "tap-queue-full"));
        /* Drained: the run ended before its duration. */
        ck_assert_uint_lt(world_end_time(r.w), r.w->end);
        wt_assert_conserved(r.w, true);
        wt_run_free(&r);
    }
}
END_TEST

static Suite *
queues_suite(void)
{
    Suite *s = suite_create("queues");
    TCase *tc = tcase_create("tap");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_tap_queue_holds_txqueuelen_frames);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(queues_suite)
