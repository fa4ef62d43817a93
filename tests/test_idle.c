/* tests/test_idle.c: the idle path, which sets latency at light load.
 *
 * NIC interrupt moderation against ixgbe's algorithm worked by hand; then
 * scenarios/latency.json, whose pings come 10 ms apart (every core on the
 * way has gone idle) after a UDP stream of a frame every 100 us (vm1's
 * vCPU still halt-polls): the access methods' order, and what each idle
 * setting adds, to the nanosecond, from the primitives that say so. */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/config.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/hw/cpu.h"
#include "models/hw/iommu.h"
#include "models/hw/itr.h"
#include "models/hw/pnic.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

#define LATENCY "scenarios/latency.json"

/* --- Moderation, by hand. --- */

static struct cfg_nic
coalesce(bool adaptive, int usecs)
{
    struct cfg_nic c;
    memset(&c, 0, sizeof c);
    c.adaptive_rx = adaptive;
    c.rx_usecs = usecs;
    return c;
}

static void
count(struct itr_dir *d, uint32_t n, uint32_t bytes)
{
    for (uint32_t i = 0; i < n; i++) {
        itr_count(d, bytes);
    }
}

START_TEST(test_itr_fixed)
{
    struct itr it;
    struct cfg_nic c = coalesce(false, 50);
    itr_init(&it, &c, 7 * VH_US);
    ck_assert_uint_eq(it.gap, 50 * VH_US);
    count(&it.rx, 500, 64);
    itr_update(&it, 0);
    ck_assert_uint_eq(it.gap, 50 * VH_US);      /* Fixed: no update. */
    c = coalesce(false, 0);
    itr_init(&it, &c, 7 * VH_US);
    ck_assert_uint_eq(it.gap, 0);               /* Per frame. */
    c = coalesce(false, -1);
    itr_init(&it, &c, 7 * VH_US);
    ck_assert_uint_eq(it.gap, 7 * VH_US);       /* The primitive's. */
}
END_TEST

/* ixgbe_update_itr() step by step, each figure from the driver's
 * formula: (size * 40 + 2720) for frames to 316 bytes, (size * 5 + 22420)
 * from 1085, halved in latency mode, rounded up to 2 us in 512ths. */
START_TEST(test_itr_adaptive_by_hand)
{
    struct itr it;
    struct cfg_nic c = coalesce(true, -1);
    itr_init(&it, &c, 50 * VH_US);
    ck_assert_uint_eq(it.gap, 50 * VH_US);      /* ixgbe's 20K start. */

    /* The first update finds no recent one: sparse, 10 us. */
    count(&it.rx, 1, 98);
    itr_update(&it, 100 * VH_US);
    ck_assert_uint_eq(it.gap, 10 * VH_US);

    /* A ping each way within the tick: latency mode by size,
     * (98 * 40 + 2720) / 2 = 3320, 7 x 512ths: 14 us. */
    count(&it.rx, 1, 98);
    count(&it.tx, 1, 98);
    itr_update(&it, 300 * VH_US);
    ck_assert_uint_eq(it.gap, 14 * VH_US);

    /* 300 frames of 64 bytes in: bulk, 64 * 40 + 2720 = 5280, 11 x 512ths:
     * 22 us; nothing out: that direction creeps up 2 us, to 16, and the
     * vector takes the smaller. */
    count(&it.rx, 300, 64);
    itr_update(&it, 500 * VH_US);
    ck_assert_uint_eq(it.gap, 16 * VH_US);

    /* 300 frames of 1500 bytes each way: 1500 * 5 + 22420 = 29920, 59 x
     * 512ths: 118 us. */
    count(&it.rx, 300, 1500);
    count(&it.tx, 300, 1500);
    itr_update(&it, 700 * VH_US);
    ck_assert_uint_eq(it.gap, 118 * VH_US);

    /* 60 each way: the "goldilocks" zone keeps it; 120: halved. */
    count(&it.rx, 60, 1500);
    count(&it.tx, 60, 1500);
    itr_update(&it, 900 * VH_US);
    ck_assert_uint_eq(it.gap, 118 * VH_US);
    count(&it.rx, 120, 1500);
    count(&it.tx, 120, 1500);
    itr_update(&it, 950 * VH_US);
    ck_assert_uint_eq(it.gap, 59 * VH_US);

    /* Two ticks later: stale, back to 10 us. */
    count(&it.rx, 1, 1500);
    itr_update(&it, 3 * VH_MS);
    ck_assert_uint_eq(it.gap, 10 * VH_US);

    /* In latency mode the gap may rise at once but comes down 2 us a
     * time: one 1500-byte frame each way, 29920 / 2 = 14960, 30 x
     * 512ths: 60 us; then pings would want 14 us, and get 58. */
    count(&it.rx, 1, 1500);
    count(&it.tx, 1, 1500);
    itr_update(&it, 3 * VH_MS + 100 * VH_US);
    ck_assert_uint_eq(it.gap, 60 * VH_US);
    count(&it.rx, 1, 98);
    count(&it.tx, 1, 98);
    itr_update(&it, 3 * VH_MS + 200 * VH_US);
    ck_assert_uint_eq(it.gap, 58 * VH_US);
}
END_TEST

/* --- scenarios/latency.json. --- */

static char *
latency_json(void)
{
    size_t len;
    char *json = vh_test_slurp(LATENCY, &len);
    ck_assert_msg(json != NULL, "cannot read " LATENCY);
    return json;
}

struct lat {
    uint64_t ping_min, udp_min;     /* ns */
    double ping_mean;
    uint64_t exits, guest_irqs, packets;
};

static struct lat
run_variant(const char *json, const char *variant)
{
    struct wt_run r = wt_run_json(json, variant, NULL, NULL);
    struct lat l;
    const struct flow_stats *ping = &r.w->flows[0], *udp = &r.w->flows[1];
    ck_assert_uint_eq(ping->delivered, 14);
    ck_assert_uint_eq(udp->delivered, 500);
    l.ping_min = ping->latency.min;
    l.ping_mean = vh_hist_mean(&ping->latency);
    l.udp_min = udp->latency.min;
    struct host *h = wt_host(r.w, "host1");
    l.exits = h->vm_exits;
    l.guest_irqs = h->guest_interrupts;
    l.packets = h->packets;
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);
    return l;
}

/* Nanoseconds primitive 'id' takes on host1's 2.6 GHz cores. */
static uint64_t
cost_ns(const char *json, enum cost_id id)
{
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    uint64_t ns;
    if (cost_table[id].kind == COST_KIND_CPU) {
        const struct cpu_core *c = &wt_host(r.w, "host1")->cores[0];
        ns = (uint64_t) (((unsigned __int128) cpu_cycles(c, id, 0)
                          * c->ps_per_cycle_q32) >> 32) / 1000;
    } else {
        ns = hw_time(r.w, id, 0) / VH_NS;
    }
    wt_run_free(&r);
    return ns;
}

static void
assert_near(uint64_t got, uint64_t want, const char *what)
{
    uint64_t d = got > want ? got - want : want - got;
    ck_assert_msg(d <= 2, "%s: %llu ns, expected %llu", what,
                  (unsigned long long) got, (unsigned long long) want);
}

/* At light load, the ping round trip grows with what each method wakes:
 * bare metal (the host's own stack), a VF (the vCPU), vhost-net (the
 * worker, then the vCPU), QEMU's backend (its main loop in user space),
 * e1000 (trapped register accesses and INTx). */
START_TEST(test_idle_access_ordering)
{
    char *json = latency_json();
    static const char *const order[] = {
        "bare-metal", "sr-iov", "base", "virtio-qemu", "e1000",
    };
    double prev = 0;
    for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
        struct lat l = run_variant(json, order[i]);
        ck_assert_msg(l.ping_mean > prev, "%s: %.0f ns, not above %.0f",
                      order[i], l.ping_mean, prev);
        prev = l.ping_mean;
    }
    free(json);
}
END_TEST

/* halt_poll_ns 0: the vCPU thread sleeps as soon as it halts, so a UDP
 * frame 100 us after the last finds it asleep where it was polling: the
 * rescheduling interrupt on its core, the switch to its thread and the
 * core's exit from C1 (the IPI is the sender's, in parallel).  The pings,
 * 10 ms apart, found it asleep anyway. */
START_TEST(test_idle_halt_poll_zero_costs_the_wakeup)
{
    char *json = latency_json();
    struct lat b = run_variant(json, NULL);
    struct lat z = run_variant(json, "halt-poll-0");
    uint64_t want = cost_ns(json, COST_HW_IRQ)
                    + cost_ns(json, COST_THREAD_WAKEUP)
                    + cost_ns(json, COST_C1_EXIT);
    assert_near(z.udp_min - b.udp_min, want, "halt_poll_ns 0, UDP");
    ck_assert_uint_eq(z.ping_min, b.ping_min);
    free(json);
}
END_TEST

/* C6 allowed: the NIC's core and the vCPU's core, idle 10 ms, each leave
 * C6 instead of C1; and the worker's core, idle while the vCPU's core
 * wakes (over 20 us), is in C1E instead of C1 when the reply's kick comes.
 * The exit latencies add up to the difference exactly. */
START_TEST(test_idle_c6_costs_the_exit_latency)
{
    char *json = latency_json();
    struct lat b = run_variant(json, NULL);
    struct lat c = run_variant(json, "c6");
    uint64_t c1 = cost_ns(json, COST_C1_EXIT);
    uint64_t want = 2 * (cost_ns(json, COST_C6_EXIT) - c1)
                    + (cost_ns(json, COST_C1E_EXIT) - c1);
    assert_near(c.ping_min - b.ping_min, want, "C6, ping");
    free(json);
}
END_TEST

/* APICv off: every guest interrupt's EOI exits (and a busy vCPU's
 * interrupt is kicked in and waits for a window), so there is at least
 * one more exit per guest interrupt; the halted vCPU of a ping pays just
 * the EOI exit. */
START_TEST(test_idle_apicv_off_adds_eoi_exits)
{
    char *json = latency_json();
    struct lat b = run_variant(json, NULL);
    struct lat o = run_variant(json, "apicv-off");
    ck_assert_uint_eq(o.guest_irqs, b.guest_irqs);
    ck_assert_uint_ge(o.exits, b.exits + o.guest_irqs);
    ck_assert_uint_gt(o.exits * b.packets, b.exits * o.packets);
    assert_near(o.ping_min - b.ping_min, cost_ns(json, COST_VMEXIT)
                + cost_ns(json, COST_APIC_EOI), "APICv off, ping");
    free(json);
}
END_TEST

/* Bare metal, pings 10 ms apart.  The pinger's send completion interrupts
 * first; the reply comes back within the gap that interrupt opened, so
 * with a fixed throttle it waits for the gap's end: the round trip grows
 * 1 us per us of rx-usecs.  rx-usecs 0 (a frame, an interrupt) does not
 * hold it; the adaptive default's 10 us for sparse traffic, a little. */
static const char itr_json[] =
    "{ \"name\": \"itr\", \"duration\": \"100ms\", \"seed\": 1,"
    "  \"hosts\": ["
    "   { \"name\": \"a\", \"cpu\": { \"cstate\": \"poll\" },"
    "     \"nics\": [ { \"name\": \"eth0\", \"model\": \"82599\","
    "       \"ip\": \"10.0.0.1/24\", \"link\": \"sw/p1\" } ] },"
    "   { \"name\": \"b\", \"cpu\": { \"cstate\": \"poll\" },"
    "     \"nics\": [ { \"name\": \"eth0\", \"model\": \"82599\","
    "       \"ip\": \"10.0.0.2/24\", \"link\": \"sw/p2\" } ] } ],"
    "  \"switches\": [ { \"name\": \"sw\", \"ports\": 4 } ],"
    "  \"traffic\": [ { \"name\": \"ping\", \"from\": \"a\", \"to\": \"b\","
    "    \"proto\": \"icmp\", \"rate\": \"100pps\", \"count\": 9,"
    "    \"start\": \"10ms\" } ],"
    "  \"variants\": ["
    "   { \"name\": \"0\", \"set\": { \"a/eth0.coalesce\":"
    "       { \"adaptive-rx\": false, \"rx-usecs\": 0 } } },"
    "   { \"name\": \"50\", \"set\": { \"a/eth0.coalesce\":"
    "       { \"adaptive-rx\": false, \"rx-usecs\": 50 } } },"
    "   { \"name\": \"80\", \"set\": { \"a/eth0.coalesce\":"
    "       { \"adaptive-rx\": false, \"rx-usecs\": 80 } } } ] }";

static uint64_t
itr_rtt(const char *variant, uint64_t *irqs)
{
    struct wt_run r = wt_run_json(itr_json, variant, NULL, NULL);
    const struct flow_stats *f = &r.w->flows[0];
    ck_assert_uint_eq(f->delivered, 9);
    /* The first ping pays the ARP exchange; the others are alike. */
    uint64_t rtt = f->latency.min;
    *irqs = wt_host(r.w, "a")->interrupts;
    wt_run_free(&r);
    return rtt;
}

START_TEST(test_idle_rx_usecs)
{
    uint64_t i0, i50, i80, ia;
    uint64_t r0 = itr_rtt("0", &i0);
    uint64_t r50 = itr_rtt("50", &i50);
    uint64_t r80 = itr_rtt("80", &i80);
    uint64_t ra = itr_rtt(NULL, &ia);
    ck_assert_uint_eq(r80 - r50, 30000);
    ck_assert_uint_gt(r50, 50000);
    ck_assert_uint_lt(r0, 50000 - 10000);
    /* Adaptive: 10 us, a little longer than the reply takes here. */
    ck_assert_uint_gt(ra, r0);
    ck_assert_uint_lt(ra, r50);
    /* A longer gap never makes more interrupts (in the ARP exchange it
     * makes one fewer: two causes share one). */
    ck_assert_uint_ge(i0, i50);
    ck_assert_uint_ge(i50, i80);
}
END_TEST

/* 'vhsim explain' names every cost of the idle path by its primitive;
 * its last hops are the receiving application's: the stack queues the
 * packet, wakes the application asleep in its receive call, which
 * returns with it. */
static void
explain_has(const char *variant, const char *const *want, size_t n)
{
    char bin[PATH_MAX];
    ck_assert(realpath(vh_test_bin(), bin) != NULL);
    char *out = NULL;
    int st = vh_test_sh(&out, "'%s' explain " LATENCY " --flow ping "
                        "--packet 3 --variant %s", bin, variant);
    ck_assert_msg(st == 0, "explain failed (%d): %s", st, out);
    const char *at = out;
    for (size_t i = 0; i < n; i++) {
        const char *hit = strstr(at, want[i]);
        ck_assert_msg(hit != NULL, "%s: explain lacks, in order, '%s' "
                      "after:\n%.1500s", variant, want[i], at);
        at = hit;
    }
    const char *end = strstr(out, "DELIVERED");
    ck_assert_ptr_nonnull(end);
    const char *line[4] = { end, NULL, NULL, NULL };
    for (int k = 1; k < 4; k++) {
        const char *q = line[k - 1];
        while (q > out && q[-1] != '\n') {
            q--;
        }
        ck_assert(q > out);
        for (q--; q > out && q[-1] != '\n'; q--) {
        }
        line[k] = q;
    }
    static const char *const last[] = { "stack_rx", "thread_wakeup",
                                         "syscall" };
    for (int k = 0; k < 3; k++) {
        const char *nl = strchr(line[3 - k], '\n');
        ck_assert_msg(nl && memmem(line[3 - k], (size_t) (nl - line[3 - k]),
                                   last[k], strlen(last[k])),
                      "%s: the hop %d before delivery is not %s:\n%.600s",
                      variant, 3 - k, last[k], line[3]);
    }
    free(out);
}

START_TEST(test_idle_explain_names_primitives)
{
    /* The NIC's core wakes from C1 for the interrupt, wakes the vhost
     * worker on its core, which wakes the vCPU's thread: IPI, interrupt,
     * C1 exit of that core, scheduler, HLT exit, then the guest. */
    static const char *const base[] = {
        "c1_exit", "hw_irq", "thread_wakeup", "ipi", "c1_exit", "hw_irq",
        "thread_wakeup", "hlt_exit", "guest_irq", "DELIVERED",
    };
    explain_has("base", base, sizeof base / sizeof *base);
    static const char *const c6[] = {
        "c6_exit", "hw_irq", "c6_exit", "hlt_exit", "c1e_exit",
    };
    explain_has("c6", c6, sizeof c6 / sizeof *c6);
    static const char *const apicv[] = {
        "hlt_exit", "guest_irq", "vmexit (EOI)", "apic_eoi",
    };
    explain_has("apicv-off", apicv, sizeof apicv / sizeof *apicv);
}
END_TEST

/* Same seed, same output, byte for byte, every variant. */
START_TEST(test_idle_deterministic)
{
    char bin[PATH_MAX];
    ck_assert(realpath(vh_test_bin(), bin) != NULL);
    char *dir = vh_test_tmpdir();
    char *out = NULL;
    int st = vh_test_sh(&out, "top=$PWD; cd '%s' && for i in 1 2; do "
                        "'%s' compare \"$top/" LATENCY "\" --json c$i.json "
                        "--csv c$i.csv > t$i.txt || exit 9; "
                        "sed -i '/wall_s/d' c$i.json; done && "
                        "cmp c1.json c2.json && cmp c1.csv c2.csv && "
                        "cmp t1.txt t2.txt && echo same", dir, bin);
    ck_assert_msg(st == 0 && strstr(out, "same"), "%s", out);
    free(out);
    free(dir);
}
END_TEST

/* Each key of the idle path is checked at its JSON path; the CLI exits 2
 * and writes nothing. */
START_TEST(test_idle_keys_refused)
{
    static const struct {
        const char *from, *to, *msg;
    } bad[] = {
        { "\"cstate\": \"C1\" },", "\"cstate\": \"C3\" },",
          "hosts[0].cpu.cstate: unknown C-state 'C3'" },
        { "\"halt_poll_ns\": 200000", "\"halt_poll_ns\": \"200us\"",
          "hosts[0].halt_poll_ns: expected a whole number" },
        { "\"halt_poll_ns\": 200000", "\"halt_poll_ns\": -5",
          "hosts[0].halt_poll_ns: -5 is out of range" },
        { "\"apicv\": true", "\"apicv\": 1",
          "hosts[0].apicv: expected true or false" },
        { "\"speed\": \"10G\", \"sriov\"",
          "\"coalesce\": { \"rx-usecs\": 2000 }, \"speed\": \"10G\", "
          "\"sriov\"",
          "hosts[0].nics[0].coalesce[\"rx-usecs\"]: 2000 is out of range" },
        { "\"speed\": \"10G\", \"sriov\"",
          "\"coalesce\": { \"tx-usecs\": 5 }, \"speed\": \"10G\", "
          "\"sriov\"",
          "hosts[0].nics[0].coalesce: unknown key 'tx-usecs'" },
        { "\"speed\": \"10G\", \"sriov\"",
          "\"coalesce\": { \"adaptive-rx\": \"on\" }, \"speed\": \"10G\", "
          "\"sriov\"",
          "hosts[0].nics[0].coalesce[\"adaptive-rx\"]: expected true or "
          "false" },
    };
    char *json = latency_json();
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *at = strstr(json, bad[i].from);
        ck_assert_msg(at != NULL, "case %zu: '%s' not in " LATENCY, i,
                      bad[i].from);
        size_t pre = (size_t) (at - json);
        size_t n = strlen(json) + strlen(bad[i].to) + 1;
        char *b = malloc(n);
        snprintf(b, n, "%.*s%s%s", (int) pre, json, bad[i].to,
                 at + strlen(bad[i].from));
        wt_assert_refused(b, bad[i].msg, i);
        free(b);
    }
    free(json);

    char bin[PATH_MAX];
    ck_assert(realpath(vh_test_bin(), bin) != NULL);
    char *dir = vh_test_tmpdir();
    char *out = NULL;
    int st = vh_test_sh(&out, "top=$PWD; cd '%s' && sed 's/\"cstate\": "
                        "\"C1\" },/\"cstate\": \"C7\" },/' \"$top/" LATENCY
                        "\" > bad.json && '%s' run bad.json --json r.json",
                        dir, bin);
    ck_assert_int_eq(st, 2);
    ck_assert_msg(strstr(out, "hosts[0].cpu.cstate"), "%s", out);
    free(out);
    st = vh_test_sh(&out, "cd '%s' && ls -A r.json traces 2>/dev/null | "
                    "wc -l", dir);
    ck_assert_msg(atoi(out) == 0, "a refused scenario left files behind");
    free(out);
    free(dir);
}
END_TEST

/* An IOTLB miss holds the NIC's DMA engine for the walk: with one IOTLB
 * entry every DMA of the VF misses, and the engine's busy time holds
 * every walk besides the bytes. */
START_TEST(test_iotlb_miss_holds_the_dma_engine)
{
    char *json = latency_json();
    static const char from[] = "\"posted_interrupts\": true }";
    static const char to[] = "\"posted_interrupts\": true, "
                             "\"iotlb_entries\": 1 }";
    char *at = strstr(json, from);
    ck_assert_ptr_nonnull(at);
    size_t n = strlen(json) + sizeof to;
    char *b = malloc(n);
    snprintf(b, n, "%.*s%s%s", (int) (at - json), json, to,
             at + strlen(from));
    struct wt_run r = wt_run_json(b, "sr-iov", NULL, NULL);
    struct host *h = wt_host(r.w, "host1");
    ck_assert_ptr_nonnull(h->iommu);
    ck_assert_uint_gt(h->iommu->iotlb_misses, 1000);
    vh_time_t busy = 0;
    for (size_t i = 0; i < h->n_nics; i++) {
        busy += h->nics[i]->pcie.busy;
    }
    ck_assert_uint_ge(busy, h->iommu->iotlb_misses
                            * hw_time(r.w, COST_IOTLB_MISS, 0));
    wt_run_free(&r);
    free(b);
    free(json);
}
END_TEST

static Suite *
idle_suite(void)
{
    Suite *s = suite_create("idle");
    TCase *tc = tcase_create("moderation");
    tcase_add_test(tc, test_itr_fixed);
    tcase_add_test(tc, test_itr_adaptive_by_hand);
    tcase_add_test(tc, test_idle_rx_usecs);
    suite_add_tcase(s, tc);
    tc = tcase_create("latency");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_idle_access_ordering);
    tcase_add_test(tc, test_idle_halt_poll_zero_costs_the_wakeup);
    tcase_add_test(tc, test_idle_c6_costs_the_exit_latency);
    tcase_add_test(tc, test_idle_apicv_off_adds_eoi_exits);
    tcase_add_test(tc, test_idle_explain_names_primitives);
    tcase_add_test(tc, test_idle_deterministic);
    tcase_add_test(tc, test_idle_keys_refused);
    tcase_add_test(tc, test_iotlb_miss_holds_the_dma_engine);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(idle_suite)
