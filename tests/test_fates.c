/* tests/test_fates.c: the one fate of a flooded packet, and the packets
 * still in flight.
 *
 * Flooding copies a packet; models/core/acct.h counts the copies as one
 * packet, dropped only if no copy is delivered, and then under the most
 * telling reason a copy was dropped for.  A copy that reached an interface
 * it was not addressed to ("not-for-me") is how flooding normally ends and
 * tells nothing; any other reason does, and the first one given stands.
 * The tests build floods whose copies die for two reasons, in each order
 * in time (checked on the trace bus), and read the reason the flow
 * reports.
 *
 * A run stopped under overload, with floods under way, must hold in its
 * buffers exactly the packets its counters call in flight. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/world.h"
#include "sim/trace.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* host1 with vm1 and vm2 on bridge br0 over eth0, which forgets what it
 * learned after 20 us, so that frames to a station quiet for longer are
 * flooded; eth0 is cabled to port 1 of 802.1Q switch tor1, the remote to
 * port 2.  The blanks are the duration, the cores vm1 and vm2 are pinned
 * to, the traffic and extra top-level keys. */
static const char fates_fmt[] =
    "{ \"name\": \"fates\", \"duration\": \"%s\", \"seed\": 7,"
    "  \"hosts\": ["
    "   { \"name\": \"host1\", \"cpu\": { \"cores\": 4, \"ghz\": 2.6 },"
    "     \"nics\": [ { \"name\": \"eth0\", \"model\": \"82599\","
    "                 \"link\": \"tor1/p1\" } ],"
    "     \"bridges\": [ { \"name\": \"br0\", \"type\": \"linux-bridge\","
    "                      \"ports\": [\"eth0\"], \"ageing\": \"20us\" } ],"
    "     \"vms\": ["
    "       { \"name\": \"vm1\", \"vcpus\": 1, \"pin\": [%d], \"nics\": [ {"
    "           \"name\": \"eth0\", \"mac\": \"52:54:00:00:00:01\","
    "           \"ip\": \"10.0.0.1/24\","
    "           \"attach\": { \"type\": \"bridge\", \"to\": \"br0\" } } ] },"
    "       { \"name\": \"vm2\", \"vcpus\": 1, \"pin\": [%d], \"nics\": [ {"
    "           \"name\": \"eth0\", \"mac\": \"52:54:00:00:00:02\","
    "           \"ip\": \"10.0.0.2/24\","
    "           \"attach\": { \"type\": \"bridge\","
    "                       \"to\": \"br0\" } } ] } ] },"
    "   { \"name\": \"remote\", \"nics\": [ { \"name\": \"eth0\","
    "       \"mac\": \"02:00:00:00:00:64\", \"ip\": \"10.0.0.100/24\","
    "       \"link\": \"tor1/p2\" } ] } ],"
    "  \"switches\": [ { \"name\": \"tor1\", \"mode\": \"802.1q\","
    "                  \"ports\": 4 } ],"
    "  \"traffic\": [ %s ] %s }";

#define FLOODED 1               /* The flooded flow's index in traffic[]. */
#define N_PKTS 5                /* Its packets. */

/* The reasons the copies of each of the flooded flow's packets were
 * dropped for, in the order the drops happened. */
struct copy_drops {
    const char *reason[N_PKTS][2];
    int n[N_PKTS];
};

static void
on_drop(void *ctx, const struct vh_hop *h)
{
    struct copy_drops *d = ctx;
    const struct vh_packet *p = h->pkt;
    if (p->flow != FLOODED) {
        return;
    }
    ck_assert_msg(p->family != NULL, "packet %llu was dropped uncopied, "
                  "for %s", (unsigned long long) p->seq, h->reason);
    ck_assert_uint_lt(p->seq, N_PKTS);
    ck_assert_int_lt(d->n[p->seq], 2);
    d->reason[p->seq][d->n[p->seq]++] = h->reason;
}

static void
subscribe(struct world *w, void *ctx)
{
    ck_assert_int_eq(vh_trace_subscribe(&w->trace, VH_HOP_BIT(VH_HOP_DROP),
                                        on_drop, ctx), 0);
}

/* Runs the flood described by 'traffic' and 'extra' (flow FLOODED sends
 * N_PKTS packets, each flooded in two copies).  Every copy must be
 * dropped, first for 'first' and then for 'second', and the flow must
 * report all its packets dropped for 'expect' alone. */
static void
check_flood(const char *traffic, const char *extra, const char *first,
            const char *second, const char *expect)
{
    char json[8192];
    snprintf(json, sizeof json, fates_fmt, "5ms", 2, 3, traffic, extra);
    struct copy_drops d;
    memset(&d, 0, sizeof d);
    struct wt_run r = wt_run_json(json, NULL, subscribe, &d);
    const struct flow_stats *fs = &r.w->flows[FLOODED];
    for (int i = 0; i < N_PKTS; i++) {
        ck_assert_msg(d.n[i] == 2 && !strcmp(d.reason[i][0], first)
                      && !strcmp(d.reason[i][1], second),
                      "packet %d: %d copies dropped, first for %s, then %s "
                      "(the scenario means %s, then %s)", i, d.n[i],
                      d.n[i] > 0 ? d.reason[i][0] : "-",
                      d.n[i] > 1 ? d.reason[i][1] : "-", first, second);
    }
    ck_assert_uint_eq(fs->sent, N_PKTS);
    ck_assert_uint_eq(fs->delivered, 0);
    char got[256] = "";
    for (size_t k = 0; k < fs->drops.n; k++) {
        size_t len = strlen(got);
        snprintf(got + len, sizeof got - len, " %s %llu",
                 fs->drops.reason[k],
                 (unsigned long long) fs->drops.count[k]);
    }
    ck_assert_msg(fs->drops.total == N_PKTS
                  && vh_drops_get(&fs->drops, expect) == N_PKTS,
                  "the flow reports%s; expected %s %d", got, expect,
                  N_PKTS);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);
}

/* vm2 learns the remote's address (flow 0), then the remote's cable goes
 * down at 1 ms; from 1.5 ms vm2 sends N_PKTS packets to the remote (flow
 * 1).  br0 has forgotten the remote by then and floods each: one copy
 * reaches vm1, which drops it as not for it; the other crosses the
 * switch, which drops it at the remote's port, "link-down". */
#define TO_DEAD_REMOTE                                                  \
    "{ \"name\": \"arp\", \"from\": \"host1/vm2\", \"to\": \"remote\","  \
    "  \"rate\": \"1kpps\", \"count\": 1 },"                            \
    "{ \"name\": \"f\", \"from\": \"host1/vm2\", \"to\": \"remote\","    \
    "  \"rate\": \"10kpps\", \"count\": 5, \"start\": \"1500us\" }"
#define REMOTE_DOWN                                                     \
    "\"events\": [ { \"at\": \"1ms\", \"action\": \"link-down\","       \
    "  \"target\": \"tor1/p2\" } ]"

START_TEST(test_telling_reason_beats_not_for_me_dropped_later)
{
    /* vm1 takes 38 us to receive a frame (virtio_rx made slow), so the
     * switch's link-down comes first and vm1's not-for-me after it: the
     * later not-for-me must not replace it. */
    check_flood(TO_DEAD_REMOTE, ", " REMOTE_DOWN ", \"costs\": { "
                "\"virtio_rx\": \"100000cyc\" }", "link-down",
                acct_not_for_me, "link-down");
}
END_TEST

START_TEST(test_telling_reason_beats_not_for_me_dropped_earlier)
{
    /* The switch takes 300 us to forward (switch_latency made slow:
     * longer than vm1's wakeup from C6), so vm1's not-for-me comes first
     * and the switch's link-down after it: the later, telling reason
     * must replace it. */
    check_flood(TO_DEAD_REMOTE, ", " REMOTE_DOWN ", \"costs\": { "
                "\"switch_latency\": \"300us\" }", acct_not_for_me,
                "link-down", "link-down");
}
END_TEST

START_TEST(test_first_telling_reason_stands)
{
    /* vm1 first sends to the remote, so the switch learns it behind port
     * 1; vm2 learns vm1's address; then vm1's link is taken down (virsh
     * domif-setlink) and vm2 sends to it.  br0 has forgotten vm1 and
     * floods: the copy for vm1's tap is dropped at once, "link-down", and
     * the copy sent up to the switch is sent back toward port 1, which an
     * 802.1Q switch refuses, "no-hairpin", a few microseconds later.  The
     * first reason stands. */
    check_flood(
        "{ \"name\": \"arp\", \"from\": \"host1/vm2\", \"to\": \"host1/vm1\","
        "  \"rate\": \"1kpps\", \"count\": 1, \"start\": \"100us\" },"
        "{ \"name\": \"f\", \"from\": \"host1/vm2\", \"to\": \"host1/vm1\","
        "  \"rate\": \"10kpps\", \"count\": 5, \"start\": \"1500us\" },"
        "{ \"name\": \"teach\", \"from\": \"host1/vm1\", \"to\": \"remote\","
        "  \"rate\": \"1kpps\", \"count\": 1 }",
        ", \"events\": [ { \"at\": \"1ms\", \"action\": \"link-down\","
        "  \"target\": \"host1/vm1/eth0\" } ]", "link-down", "no-hairpin",
        "link-down");
}
END_TEST

START_TEST(test_overload_holds_what_is_in_flight)
{
    /* Both ways overloaded for the whole run, with vhost workers made
     * slow (vhost_desc 5000 cycles) so that the taps overflow too, the
     * NIC's driver too (driver_rx 600 cycles) so that its ring does, and
     * br0, which keeps forgetting, flooding: when the run stops, what
     * the counters leave in flight for each flow must be in the buffers,
     * the copies of one packet counted once (wt_assert_conserved checks
     * it).  The vCPUs are pinned to cores 0 and 1 so that the workers
     * take cores 2 and 3, away from the NIC's interrupt on core 0. */
    char json[8192];
    snprintf(json, sizeof json, fates_fmt, "6ms", 0, 1,
        "{ \"name\": \"in\", \"from\": \"remote\", \"to\": \"host1/vm1\","
        "  \"size\": 1500, \"rate\": \"5Mpps\" },"
        "{ \"name\": \"out\", \"from\": \"host1/vm2\", \"to\": \"remote\","
        "  \"rate\": \"5Mpps\", \"pattern\": \"poisson\" }",
        ", \"costs\": { \"vhost_desc\": \"5000cyc\","
        " \"driver_rx\": \"600cyc\" }");
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    struct world *w = r.w;
    wt_assert_conserved(w, false);
    uint64_t alive[2];
    wt_count_alive(w, alive);
    for (int i = 0; i < 2; i++) {
        const struct flow_stats *fs = &w->flows[i];
        ck_assert_msg(fs->delivered > 0 && fs->drops.total > 0
                      && alive[i] > 0, "flow %s: delivered %llu, dropped "
                      "%llu, held %llu", fs->cfg->name,
                      (unsigned long long) fs->delivered,
                      (unsigned long long) fs->drops.total,
                      (unsigned long long) alive[i]);
    }
    /* The queues on the way overflowed, the tap among them, and flooded
     * copies are among what is held. */
    ck_assert_uint_gt(vh_drops_get(&w->flows[0].drops, "tap-queue-full"), 0);
    ck_assert_uint_gt(vh_drops_get(&w->flows[0].drops, "rx-ring-full"), 0);
    ck_assert_uint_gt(vh_drops_get(&w->flows[1].drops, "qdisc-full"), 0);
    ck_assert_uint_gt(w->families_live, 0);
    wt_run_free(&r);
}
END_TEST

static Suite *
fates_suite(void)
{
    Suite *s = suite_create("fates");
    TCase *tc = tcase_create("flood");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_telling_reason_beats_not_for_me_dropped_later);
    tcase_add_test(tc, test_telling_reason_beats_not_for_me_dropped_earlier);
    tcase_add_test(tc, test_first_telling_reason_stands);
    tcase_add_test(tc, test_overload_holds_what_is_in_flight);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(fates_suite)
