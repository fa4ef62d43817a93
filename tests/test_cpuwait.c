/* tests/test_cpuwait.c: applications blocked on a busy core.
 *
 * A sender that finds its core busy waits in the core's list and is woken
 * once, first come first served: the events the kernel runs per packet
 * must not grow with the number of flows sharing the core, and blocked
 * senders must get the core in the order they asked for it. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/world.h"
#include "models/hw/cpu.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* A bare-metal sender with 'n' UDP flows to one receiver, each offered
 * far more than its core can send, for 2 ms: the core is always busy and
 * every flow is blocked most of the time. */
static char *
flows_json(int n)
{
    size_t cap = 4096 + (size_t) n * 200;
    char *s = malloc(cap);
    int k = snprintf(s, cap,
        "{ \"name\": \"wait\", \"duration\": \"2ms\", \"seed\": 3,"
        "  \"hosts\": ["
        "   { \"name\": \"a\", \"cpu\": { \"cores\": 1 },"
        "     \"nics\": [ { \"name\": \"eth0\", \"ip\": \"10.0.0.1/24\","
        "                 \"link\": \"b/eth0\" } ] },"
        "   { \"name\": \"b\", \"cpu\": { \"cores\": 2 },"
        "     \"nics\": [ { \"name\": \"eth0\", \"ip\": \"10.0.0.2/24\" } ] } ],"
        "  \"traffic\": [");
    for (int i = 0; i < n; i++) {
        k += snprintf(s + k, cap - (size_t) k,
                      "%s{ \"name\": \"f%d\", \"from\": \"a\", \"to\": \"b\","
                      "  \"rate\": \"2Mpps\", \"sport\": %d }",
                      i ? "," : "", i, 20000 + i);
    }
    snprintf(s + k, cap - (size_t) k, "] }");
    return s;
}

static double
events_per_sent(int n, uint64_t *sent_out)
{
    char *json = flows_json(n);
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    free(json);
    uint64_t sent = 0;
    for (size_t i = 0; i < r.w->n_flows; i++) {
        sent += r.w->flows[i].sent;
    }
    double e = (double) r.w->sim.events_run / (double) sent;
    *sent_out = sent;
    wt_run_free(&r);
    return e;
}

/* The core sends as much with 4 flows as with 256, for the same work per
 * packet: blocked senders do not each poll the core. */
START_TEST(test_events_per_packet_do_not_grow_with_flows)
{
    uint64_t sent4, sent256;
    double e4 = events_per_sent(4, &sent4);
    double e256 = events_per_sent(256, &sent256);
    ck_assert_uint_gt(sent4, 1000);
    ck_assert_msg(sent256 * 10 >= sent4 * 9 && sent256 * 9 <= sent4 * 10,
                  "sent %llu with 4 flows, %llu with 256",
                  (unsigned long long) sent4, (unsigned long long) sent256);
    ck_assert_msg(e256 < e4 * 1.2, "%.2f events per packet with 4 flows, "
                  "%.2f with 256", e4, e256);
}
END_TEST

/* Blocked senders take turns: with the core always busy, flows of the
 * same offered rate send the same number of packets, give or take one. */
START_TEST(test_blocked_senders_take_turns)
{
    char *json = flows_json(8);
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    free(json);
    uint64_t lo = UINT64_MAX, hi = 0;
    for (size_t i = 0; i < r.w->n_flows; i++) {
        uint64_t s = r.w->flows[i].sent;
        lo = s < lo ? s : lo;
        hi = s > hi ? s : hi;
    }
    ck_assert_uint_gt(lo, 100);
    ck_assert_msg(hi - lo <= 1, "flows sent between %llu and %llu",
                  (unsigned long long) lo, (unsigned long long) hi);
    wt_assert_held(r.w);
    wt_run_free(&r);
}
END_TEST

/* The list itself: waiters are called in the order they began to wait,
 * each only once the core is free again. */
struct order {
    struct cpu_core *core;
    int called[4];
    int n;
    vh_time_t at[4];
};

static struct order ord;

static void
take_core(struct vh_sim *sim, void *obj, void *arg)
{
    int id = (int) (intptr_t) obj;
    ord.called[ord.n] = id;
    ord.at[ord.n++] = sim->now;
    vh_server_take(&ord.core->srv, sim->now, 1000);   /* 1 ns of work. */
    (void) arg;
}

START_TEST(test_waiters_first_come_first_served)
{
    struct vh_sim sim;
    struct cpu_core core;
    memset(&core, 0, sizeof core);
    vh_sim_init(&sim);
    vh_server_init(&core.srv);
    memset(&ord, 0, sizeof ord);
    ord.core = &core;
    vh_server_take(&core.srv, 0, 5000);     /* Busy until 5 ns. */
    struct cpu_waiter w[3];
    for (int i = 0; i < 3; i++) {
        w[i] = (struct cpu_waiter) { .fn = take_core,
                                     .obj = (void *) (intptr_t) (i + 1) };
    }
    cpu_wait(&sim, &core, &w[2]);
    cpu_wait(&sim, &core, &w[0]);
    cpu_wait(&sim, &core, &w[1]);
    vh_sim_run(&sim, VH_TIME_NEVER);
    ck_assert_int_eq(ord.n, 3);
    ck_assert_int_eq(ord.called[0], 3);
    ck_assert_int_eq(ord.called[1], 1);
    ck_assert_int_eq(ord.called[2], 2);
    ck_assert_uint_eq(ord.at[0], 5000);
    ck_assert_uint_eq(ord.at[1], 6000);
    ck_assert_uint_eq(ord.at[2], 7000);
    /* Three calls, three wake events: one per release of the core. */
    ck_assert_uint_eq(sim.events_run, 3);
    vh_sim_destroy(&sim);
}
END_TEST

static Suite *
cpuwait_suite(void)
{
    Suite *s = suite_create("cpuwait");
    TCase *tc = tcase_create("wait");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_waiters_first_come_first_served);
    tcase_add_test(tc, test_blocked_senders_take_turns);
    tcase_add_test(tc, test_events_per_packet_do_not_grow_with_flows);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(cpuwait_suite)
