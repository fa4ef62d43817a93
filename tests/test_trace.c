/* tests/test_trace.c: the trace bus's gating and dispatch, and the device
 * registry it names devices from. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sim/device.h"
#include "sim/trace.h"
#include "tests/testutil.h"

/* A subscriber that remembers what it saw. */
struct seen {
    int calls;
    enum vh_hop_kind kind;
    vh_time_t time;
    const char *reason;
    uint32_t depth;
    int order;                  /* Value of calls_so_far at the last call. */
};

static int calls_so_far;              /* Orders calls across subscribers. */

static void
remember(void *ctx, const struct vh_hop *hop)
{
    struct seen *s = ctx;
    s->calls++;
    s->kind = hop->kind;
    s->time = hop->time;
    s->reason = hop->reason;
    s->depth = hop->depth;
    s->order = ++calls_so_far;
}

START_TEST(test_no_subscriber_evaluates_nothing)
{
    struct vh_trace_bus bus;
    int evaluated = 0;

    vh_trace_init(&bus);
    ck_assert_uint_eq(bus.mask, 0);
    for (int k = 0; k < VH_HOP_N_KINDS; k++) {
        VH_TRACE(&bus, (enum vh_hop_kind) k, .time = 1,
                 .depth = (uint32_t) ++evaluated);
    }
    ck_assert_int_eq(evaluated, 0);
}
END_TEST

START_TEST(test_mask_gates_by_kind)
{
    struct vh_trace_bus bus;
    struct seen s = { 0 };
    int evaluated = 0;

    vh_trace_init(&bus);
    ck_assert_int_eq(vh_trace_subscribe(&bus, VH_HOP_BIT(VH_HOP_DROP),
                                        remember, &s), 0);
    ck_assert(vh_trace_wants(&bus, VH_HOP_DROP));
    ck_assert(!vh_trace_wants(&bus, VH_HOP_ENQUEUE));

    /* Nobody wants ENQUEUE: its initializers are not evaluated. */
    VH_TRACE(&bus, VH_HOP_ENQUEUE, .depth = (uint32_t) ++evaluated);
    ck_assert_int_eq(evaluated, 0);
    ck_assert_int_eq(s.calls, 0);

    /* DROP is wanted: evaluated once, delivered once, with the fields
     * given and the defaults for the rest. */
    VH_TRACE(&bus, VH_HOP_DROP, .time = 42 * VH_NS, .reason = "no-route",
             .depth = (uint32_t) ++evaluated);
    ck_assert_int_eq(evaluated, 1);
    ck_assert_int_eq(s.calls, 1);
    ck_assert_int_eq(s.kind, VH_HOP_DROP);
    ck_assert_uint_eq(s.time, 42 * VH_NS);
    ck_assert_str_eq(s.reason, "no-route");
    ck_assert_uint_eq(s.depth, 1);
}
END_TEST

START_TEST(test_dispatch_only_to_wanting_subscribers)
{
    struct vh_trace_bus bus;
    struct seen a = { 0 }, b = { 0 };

    vh_trace_init(&bus);
    vh_trace_subscribe(&bus, VH_HOP_BIT(VH_HOP_DROP)
                       | VH_HOP_BIT(VH_HOP_DELIVER), remember, &a);
    vh_trace_subscribe(&bus, VH_HOP_BIT(VH_HOP_DELIVER), remember, &b);
    ck_assert_uint_eq(bus.mask, VH_HOP_BIT(VH_HOP_DROP)
                                | VH_HOP_BIT(VH_HOP_DELIVER));

    VH_TRACE(&bus, VH_HOP_DROP, .reason = "ttl");
    ck_assert_int_eq(a.calls, 1);
    ck_assert_int_eq(b.calls, 0);

    /* Both want DELIVER; they are called in subscription order. */
    VH_TRACE(&bus, VH_HOP_DELIVER, .time = 7);
    ck_assert_int_eq(a.calls, 2);
    ck_assert_int_eq(b.calls, 1);
    ck_assert_int_eq(a.kind, VH_HOP_DELIVER);
    ck_assert_uint_eq(b.time, 7);
    ck_assert_int_lt(a.order, b.order);

    VH_TRACE(&bus, VH_HOP_ARRIVE, .time = 8);
    ck_assert_int_eq(a.calls, 2);
    ck_assert_int_eq(b.calls, 1);

    /* Dispatching directly also filters by kind. */
    struct vh_hop hop = { .kind = VH_HOP_SERVICE, .core = 3 };
    vh_trace_dispatch(&bus, &hop);
    ck_assert_int_eq(a.calls + b.calls, 3);
}
END_TEST

START_TEST(test_subscriber_limit)
{
    struct vh_trace_bus bus;
    struct seen s[VH_TRACE_MAX_SUBS + 1];

    memset(s, 0, sizeof s);
    vh_trace_init(&bus);
    for (int i = 0; i < VH_TRACE_MAX_SUBS; i++) {
        ck_assert_int_eq(vh_trace_subscribe(&bus, VH_HOP_ALL, remember,
                                            &s[i]), 0);
    }
    ck_assert_int_eq(vh_trace_subscribe(&bus, VH_HOP_ALL, remember,
                                        &s[VH_TRACE_MAX_SUBS]), -1);
    VH_TRACE(&bus, VH_HOP_TX);
    for (int i = 0; i < VH_TRACE_MAX_SUBS; i++) {
        ck_assert_int_eq(s[i].calls, 1);
    }
    ck_assert_int_eq(s[VH_TRACE_MAX_SUBS].calls, 0);

    /* Bits beyond the last kind do not leak into the mask. */
    vh_trace_init(&bus);
    vh_trace_subscribe(&bus, UINT32_MAX, remember, &s[0]);
    ck_assert_uint_eq(bus.mask, VH_HOP_ALL);
}
END_TEST

START_TEST(test_devtab)
{
    struct vh_devtab tab;
    struct vh_device host, br, port;
    char path[32];

    memset(&host, 0, sizeof host);
    memset(&br, 0, sizeof br);
    memset(&port, 0, sizeof port);
    vh_devtab_init(&tab);
    ck_assert_ptr_null(vh_devtab_find(&tab, "host1"));

    ck_assert_uint_eq(vh_devtab_add(&tab, &host, "host1", "host", NULL), 0);
    /* The path is copied: the caller's buffer may change afterwards. */
    strcpy(path, "host1/br0");
    ck_assert_uint_eq(vh_devtab_add(&tab, &br, path, "linux-bridge", &host),
                      1);
    strcpy(path, "garbage");
    ck_assert_uint_eq(vh_devtab_add(&tab, &port, "host1/br0/p1",
                                    "bridge-port", &br), 2);

    ck_assert_uint_eq(tab.n, 3);
    ck_assert_ptr_eq(tab.v[0], &host);      /* Creation order. */
    ck_assert_ptr_eq(tab.v[2], &port);
    ck_assert_int_eq(host.parent, -1);
    ck_assert_int_eq(br.parent, 0);
    ck_assert_int_eq(port.parent, 1);
    ck_assert_str_eq(br.kind, "linux-bridge");
    ck_assert_ptr_eq(vh_devtab_find(&tab, "host1/br0"), &br);
    ck_assert_ptr_eq(vh_devtab_find(&tab, "host1"), &host);
    ck_assert_ptr_null(vh_devtab_find(&tab, "garbage"));
    ck_assert_ptr_null(vh_devtab_find(&tab, "host1/br"));
    ck_assert_ptr_eq(vh_devtab_find_kind(&tab, "host1/br0", "linux-bridge"),
                     &br);
    ck_assert_ptr_null(vh_devtab_find_kind(&tab, "host1/br0", "ovs-dpdk"));
    ck_assert_ptr_null(vh_devtab_find_kind(&tab, "host1/br", "linux-bridge"));
    vh_devtab_destroy(&tab);
    ck_assert_uint_eq(tab.n, 0);
}
END_TEST

/* A model registers below its parent and finds itself around the device
 * it embeds. */
START_TEST(test_devtab_container_of)
{
    struct model {
        int before;
        struct vh_device dev;
    } m = { 0 };
    struct vh_device host = { 0 };
    struct vh_devtab tab;
    vh_devtab_init(&tab);
    vh_devtab_add(&tab, &host, "host1", "host", NULL);
    vh_devtab_add_child(&tab, &m.dev, &host, "eth0", "nic");
    ck_assert_str_eq(m.dev.path, "host1/eth0");
    ck_assert_int_eq(m.dev.parent, (int32_t) host.id);
    struct vh_device *d = vh_devtab_find_kind(&tab, "host1/eth0", "nic");
    ck_assert_ptr_eq(VH_CONTAINER_OF(d, struct model, dev), &m);
    vh_devtab_destroy(&tab);
}
END_TEST

/* 'prefix' and 'i' as a path, "h/p" and 7 making "h/p7", in 'path'. */
static const char *
numbered(char path[32], const char *prefix, int i)
{
    snprintf(path, 32, "%s%d", prefix, i);
    return path;
}

/* Devices may share a path when their kinds differ (a VM and the guest
 * stack inside it, say).  A lookup by path finds the first registered,
 * and one by path and kind the first of that kind, however the two are
 * interleaved with other devices and however often the index grew in
 * between. */
START_TEST(test_devtab_shared_paths)
{
    enum { N = 3000 };
    static struct vh_device dev[N];
    struct vh_devtab tab;
    char path[32];

    /* Paths h/p0 .. h/p999, each registered three times: as "a" first,
     * then as "b" a thousand devices later, then as "a" again. */
    vh_devtab_init(&tab);
    for (int i = 0; i < N; i++) {
        vh_devtab_add(&tab, &dev[i], numbered(path, "h/p", i % 1000),
                      i / 1000 == 1 ? "b" : "a", NULL);
    }
    for (int k = 0; k < 1000; k++) {
        numbered(path, "h/p", k);
        ck_assert_ptr_eq(vh_devtab_find(&tab, path), &dev[k]);
        ck_assert_ptr_eq(vh_devtab_find_kind(&tab, path, "a"), &dev[k]);
        ck_assert_ptr_eq(vh_devtab_find_kind(&tab, path, "b"),
                         &dev[1000 + k]);
        ck_assert_ptr_null(vh_devtab_find_kind(&tab, path, "c"));
    }
    ck_assert_ptr_null(vh_devtab_find(&tab, "h/p1000"));
    ck_assert_ptr_null(vh_devtab_find(&tab, "h/p"));
    ck_assert_ptr_null(vh_devtab_find(&tab, ""));
    vh_devtab_destroy(&tab);
    ck_assert_ptr_null(vh_devtab_find(&tab, "h/p0"));
}
END_TEST

START_TEST(test_devtab_many)
{
    enum { N = 1000 };
    static struct vh_device dev[N];
    struct vh_devtab tab;
    char path[32];

    vh_devtab_init(&tab);
    for (int i = 0; i < N; i++) {
        ck_assert_uint_eq(vh_devtab_add(&tab, &dev[i],
                                        numbered(path, "tor1/p", i),
                                        "switch-port", i ? &dev[0] : NULL),
                          (uint32_t) i);
    }
    for (int i = N - 1; i >= 0; i -= 37) {
        ck_assert_ptr_eq(vh_devtab_find(&tab, numbered(path, "tor1/p", i)),
                         &dev[i]);
        ck_assert_uint_eq(dev[i].id, (uint32_t) i);
    }
    vh_devtab_destroy(&tab);
}
END_TEST

static Suite *
trace_suite(void)
{
    Suite *s = suite_create("trace");
    TCase *tc = tcase_create("bus");
    tcase_add_test(tc, test_no_subscriber_evaluates_nothing);
    tcase_add_test(tc, test_mask_gates_by_kind);
    tcase_add_test(tc, test_dispatch_only_to_wanting_subscribers);
    tcase_add_test(tc, test_subscriber_limit);
    suite_add_tcase(s, tc);
    tc = tcase_create("devtab");
    tcase_add_test(tc, test_devtab);
    tcase_add_test(tc, test_devtab_container_of);
    tcase_add_test(tc, test_devtab_many);
    tcase_add_test(tc, test_devtab_shared_paths);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(trace_suite)
