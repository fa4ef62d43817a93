/* tests/test_wire.c: the cable, timed to the picosecond.
 *
 * Two bare-metal hosts joined by one 10 Gbit/s cable, no switch.  The
 * times come from the capture points at the two ends of the cable (the
 * VH_HOP_TX and VH_HOP_RX hops a pcap capture writes), and the expected
 * values from Ethernet's framing and the documented propagation delay,
 * not from the model's own constants:
 *  - a frame occupies the cable for its preamble and start delimiter (8
 *    bytes), the frame padded to 60 bytes, the FCS (4) and the
 *    inter-frame gap (12), at 0.8 ns a byte on 10 Gbit/s;
 *  - a signal takes 'wire_delay' to cross the cable, 10 ns by default
 *    (2 m, docs/calibration.md). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/world.h"
#include "sim/trace.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* Hosts a and b on one cable; a resolves b's address with one packet,
 * then sends the flow 'burst' (index 1).  The '%s'/'%d' are: the
 * burst's size, rate and count, then extra top-level keys. */
static const char wire_fmt[] =
    "{ \"name\": \"wire\", \"duration\": \"2ms\", \"seed\": 1,"
    "  \"hosts\": ["
    "   { \"name\": \"a\", \"cpu\": { \"cores\": 2, \"ghz\": 2.6 },"
    "     \"nics\": [ { \"name\": \"eth0\", \"mac\": \"02:00:00:00:00:0a\","
    "                 \"ip\": \"10.0.0.1/24\", \"link\": \"b/eth0\" } ] },"
    "   { \"name\": \"b\", \"cpu\": { \"cores\": 2, \"ghz\": 2.6 },"
    "     \"nics\": [ { \"name\": \"eth0\", \"mac\": \"02:00:00:00:00:0b\","
    "                 \"ip\": \"10.0.0.2/24\" } ] } ],"
    "  \"traffic\": ["
    "   { \"name\": \"arp\", \"from\": \"a\", \"to\": \"b\","
    "     \"rate\": \"1kpps\", \"count\": 1 },"
    "   { \"name\": \"burst\", \"from\": \"a\", \"to\": \"b\", \"size\": %d,"
    "     \"rate\": \"%s\", \"count\": %d, \"start\": \"100us\" } ] %s }";

#define BURST 1                 /* The burst's index in traffic[]. */
#define MAX_FRAMES 256

/* 10 Gbit/s: a byte every 800 ps. */
#define BYTE_PS 800ULL

/* Bytes a frame of 'size' (FCS included, as in a flow's "size")
 * occupies on the cable: preamble and SFD, the frame padded to the
 * 64-byte minimum, and the inter-frame gap. */
static uint64_t
slot_bytes(uint64_t size)
{
    return 8 + (size < 64 ? 64 : size) + 12;
}

/* When the burst's frames left a (capture point a/eth0, outward) and
 * reached b (b/eth0, inward). */
struct crossings {
    const struct vh_device *a, *b;
    vh_time_t tx[MAX_FRAMES], rx[MAX_FRAMES];
    size_t n_tx, n_rx;
};

static void
on_hop(void *ctx, const struct vh_hop *h)
{
    struct crossings *c = ctx;
    if (h->pkt->flow != BURST) {
        return;
    }
    if (h->kind == VH_HOP_TX && h->dev == c->a) {
        ck_assert_uint_lt(c->n_tx, MAX_FRAMES);
        c->tx[c->n_tx++] = h->time;
    } else if (h->kind == VH_HOP_RX && h->dev == c->b) {
        ck_assert_uint_lt(c->n_rx, MAX_FRAMES);
        c->rx[c->n_rx++] = h->time;
    }
}

static void
subscribe(struct world *w, void *ctx)
{
    struct crossings *c = ctx;
    c->a = wt_dev(w, "a/eth0");
    c->b = wt_dev(w, "b/eth0");
    ck_assert_int_eq(vh_trace_subscribe(&w->trace,
                                        VH_HOP_BIT(VH_HOP_TX)
                                        | VH_HOP_BIT(VH_HOP_RX),
                                        on_hop, c), 0);
}

/* Runs the burst and records its crossings in 'c'; every frame must have
 * crossed both ends. */
static void
run_burst(struct crossings *c, int size, const char *rate, int count,
          const char *extra)
{
    char json[4096];
    snprintf(json, sizeof json, wire_fmt, size, rate, count, extra);
    memset(c, 0, sizeof *c);
    struct wt_run r = wt_run_json(json, NULL, subscribe, c);
    ck_assert_uint_eq(r.w->flows[BURST].sent, (uint64_t) count);
    wt_run_free(&r);
    ck_assert_uint_eq(c->n_tx, (size_t) count);
    ck_assert_uint_eq(c->n_rx, (size_t) count);
}

/* Fails unless consecutive times in t[0..n) are exactly 'gap' apart. */
static void
assert_spaced(const vh_time_t *t, size_t n, vh_time_t gap, const char *what)
{
    for (size_t i = 1; i < n; i++) {
        ck_assert_msg(t[i] - t[i - 1] == gap, "%s: frames %zu and %zu are "
                      "%llu ps apart, not %llu", what, i - 1, i,
                      (unsigned long long) (t[i] - t[i - 1]),
                      (unsigned long long) gap);
    }
}

START_TEST(test_back_to_back_frames_are_one_slot_apart)
{
    /* Full-size frames: the sender's CPU makes one in about 0.7 us, the
     * cable carries one in 1.2 us, so they queue in the NIC and leave
     * back to back.  Each then starts, and arrives, exactly one slot
     * after the one before: (8 + 1518 + 12) bytes, 1230.4 ns. */
    struct crossings c;
    run_burst(&c, 1518, "2Mpps", 100, "");
    vh_time_t slot = slot_bytes(1518) * BYTE_PS;
    ck_assert_uint_eq(slot, 1230400);
    assert_spaced(c.tx, c.n_tx, slot, "leaving a");
    assert_spaced(c.rx, c.n_rx, slot, "reaching b");
}
END_TEST

/* What it takes to send a frame on a host, made free: the sender is then
 * limited by the cable alone. */
#define FREE_SENDER \
    ", \"costs\": { \"syscall\": \"0cyc\", \"stack_tx\": \"0cyc\"," \
    "  \"driver_tx\": \"0cyc\", \"mmio_write\": \"0cyc\" }"

START_TEST(test_minimum_frames_peak_at_14_88_mpps)
{
    /* 64-byte frames from a sender that costs nothing: the cable is the
     * limit, 84 bytes a frame, 67.2 ns, 14 880 952 frames a second. */
    struct crossings c;
    run_burst(&c, 64, "100Mpps", 200, FREE_SENDER);
    vh_time_t slot = slot_bytes(64) * BYTE_PS;
    ck_assert_uint_eq(slot, 67200);
    assert_spaced(c.tx, c.n_tx, slot, "leaving a");
    assert_spaced(c.rx, c.n_rx, slot, "reaching b");
    double pps = (double) (c.n_rx - 1) * (double) VH_SEC
                 / (double) (c.rx[c.n_rx - 1] - c.rx[0]);
    ck_assert_msg(llround(pps) == 14880952, "peak rate %.0f frames/s",
                  pps);
}
END_TEST

/* Time from each frame leaving a to its reaching b: the same for every
 * frame of a burst sent slowly enough not to queue. */
static vh_time_t
crossing_time(const char *extra)
{
    struct crossings c;
    run_burst(&c, 1518, "10kpps", 5, extra);
    vh_time_t d = c.rx[0] - c.tx[0];
    for (size_t i = 1; i < c.n_tx; i++) {
        ck_assert_uint_eq(c.rx[i] - c.tx[i], d);
    }
    return d;
}

START_TEST(test_far_end_sees_the_frame_after_propagation)
{
    /* The far end's capture has each frame the propagation delay later
     * than it would on a cable of no length: 10 ns with the documented
     * default, 1 us on a cable given that delay. */
    vh_time_t none = crossing_time(", \"costs\": { \"wire_delay\": "
                                   "\"0ns\" }");
    vh_time_t deflt = crossing_time("");
    vh_time_t long_ = crossing_time(", \"costs\": { \"wire_delay\": "
                                    "\"1us\" }");
    ck_assert_uint_eq(deflt - none, 10 * VH_NS);
    ck_assert_uint_eq(long_ - none, VH_US);
    /* Even on a cable of no length the frame is whole at the far end
     * only once its last bit, the FCS's, has been sent. */
    ck_assert_uint_ge(none, (8 + 1518) * BYTE_PS);
}
END_TEST

static Suite *
wire_suite(void)
{
    Suite *s = suite_create("wire");
    TCase *tc = tcase_create("cable");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_back_to_back_frames_are_one_slot_apart);
    tcase_add_test(tc, test_minimum_frames_peak_at_14_88_mpps);
    tcase_add_test(tc, test_far_end_sees_the_frame_after_propagation);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(wire_suite)
