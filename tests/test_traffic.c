/* tests/test_traffic.c: how a flow's packets are spaced in time: bursts
 * (pattern "burst") and the replay of a capture ("pcap"). */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/world.h"
#include "sim/packet.h"
#include "sim/trace.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* Two bare-metal hosts cabled NIC to NIC: 'a' (10.0.0.1) sends flow
 * 'flow' (a JSON object's keys, after the name) to 'b' (10.0.0.2). */
static char *
pair_json(const char *flow)
{
    char *json = NULL;
    int n = asprintf(&json,
        "{ \"name\": \"pair\", \"seed\": 1, \"duration\": \"2ms\","
        "  \"hosts\": ["
        "    { \"name\": \"a\", \"cpu\": { \"cores\": 2, \"ghz\": 2.6 },"
        "      \"nics\": [ { \"name\": \"eth0\", \"model\": \"82599\","
        "                    \"ip\": \"10.0.0.1/24\", \"link\": \"b/eth0\" } ] },"
        "    { \"name\": \"b\", \"cpu\": { \"cores\": 2, \"ghz\": 2.6 },"
        "      \"nics\": [ { \"name\": \"eth0\", \"model\": \"82599\","
        "                    \"ip\": \"10.0.0.2/24\" } ] } ],"
        "  \"traffic\": [ { \"name\": \"f\", \"from\": \"a\", \"to\": \"b\", %s } ] }",
        flow);
    ck_assert_int_gt(n, 0);
    return json;
}

/* When each delivered packet of the run was sent, by sequence number. */
struct births {
    vh_time_t at[256];
    size_t n;
};

static void
log_birth(void *ctx, const struct vh_hop *hop)
{
    struct births *b = ctx;
    if (hop->kind == VH_HOP_DELIVER && hop->pkt->seq < 256) {
        b->at[hop->pkt->seq] = hop->pkt->born;
        if (hop->pkt->seq + 1 > b->n) {
            b->n = hop->pkt->seq + 1;
        }
    }
}

static void
subscribe_births(struct world *w, void *ctx)
{
    vh_trace_subscribe(&w->trace, VH_HOP_BIT(VH_HOP_DELIVER), log_birth,
                       ctx);
}

/* A burst is 'burst' packets back to back, one burst every 1/rate: the
 * first packets of bursts k and k+1 are 100 us apart at 10 kpps (after
 * the first burst, which waits for ARP), and the packets within a burst
 * follow each other as fast as the sender's core sends, far closer. */
START_TEST(test_burst_spacing)
{
    struct births b = { .n = 0 };
    char *json = pair_json("\"rate\": \"10kpps\", \"count\": 20, "
                           "\"pattern\": \"burst\", \"burst\": 5");
    struct wt_run r = wt_run_json(json, NULL, subscribe_births, &b);
    wt_assert_conserved(r.w, true);
    ck_assert_uint_eq(r.w->flows[0].sent, 20);
    ck_assert_uint_eq(r.w->flows[0].delivered, 20);
    ck_assert_uint_eq(b.n, 20);
    vh_time_t within = b.at[6] - b.at[5];
    ck_assert(within > 0 && within < 5 * VH_US);
    for (size_t k = 5; k < 20; k++) {
        if (k % 5) {
            /* Back to back: the same gap each time, the sender's cost. */
            ck_assert_int_eq(b.at[k] - b.at[k - 1], within);
        } else if (k >= 10) {
            ck_assert_int_eq(b.at[k] - b.at[k - 5], 100 * VH_US);
        }
    }
    /* The second burst starts on the schedule, 1/rate after the first
     * was due. */
    ck_assert_int_eq(b.at[5], 100 * VH_US);
    wt_run_free(&r);
    free(json);

    /* With burst 1, the pattern is cbr's. */
    struct births c = { .n = 0 };
    json = pair_json("\"rate\": \"10kpps\", \"count\": 4, "
                     "\"pattern\": \"burst\", \"burst\": 1");
    r = wt_run_json(json, NULL, subscribe_births, &c);
    ck_assert_int_eq(c.at[3] - c.at[2], 100 * VH_US);
    wt_run_free(&r);
    free(json);
}
END_TEST

static const struct {
    const char *flow;
    const char *error;
} bad_flows[] = {
    { "\"rate\": \"10kpps\", \"burst\": 4",
      "traffic[0].burst: 'burst' is the packets of one burst of pattern "
      "\"burst\"; this flow's pattern is \"cbr\"" },
    { "\"rate\": \"10kpps\", \"pattern\": \"burst\", \"burst\": 0",
      "traffic[0].burst: " },
};

START_TEST(test_burst_refusals)
{
    char *json = pair_json(bad_flows[_i].flow);
    char *err = wt_refusal(json, NULL);
    ck_assert_msg(err && strstr(err, bad_flows[_i].error), "got '%s'",
                  err ? err : "(accepted)");
    free(err);
    free(json);
}
END_TEST

static Suite *
traffic_suite(void)
{
    Suite *s = suite_create("traffic");
    TCase *tc = tcase_create("burst");
    tcase_add_test(tc, test_burst_spacing);
    tcase_add_loop_test(tc, test_burst_refusals, 0,
                        (int) (sizeof bad_flows / sizeof *bad_flows));
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(traffic_suite)
