/* tests/test_l2fwd.c: the L2 forwarding core, through its interface.
 *
 * A core with four ports whose output records what left by which port,
 * driven with hand-made frames: learning and flooding, the same-port
 * rule and reflective relay, ageing, carrier, and VLANs with the tag
 * checked on the bytes that leave. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "models/core/l2fwd.h"
#include "models/core/world.h"
#include "sim/frame.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

#define N_PORTS 4
#define MAX_OUT 16

struct sent {
    size_t port;
    int vlan;                   /* Tag on the bytes that left, or -1. */
    uint32_t len;
    struct vh_mac dst;
};

struct rig {
    struct wt_run run;          /* An empty world: clock, pool, registry. */
    struct world *w;
    struct vh_device dev;
    struct vh_device port_dev[N_PORTS];
    struct port ports[N_PORTS];
    struct l2fwd l2;
    struct sent out[MAX_OUT];
    size_t n_out;
};

static vh_time_t
record(struct world *w, void *owner, size_t i, struct vh_packet *p)
{
    struct rig *r = owner;
    ck_assert_uint_lt(r->n_out, MAX_OUT);
    r->out[r->n_out++] = (struct sent) {
        .port = i, .vlan = vh_frame_vlan(p->data, p->len), .len = p->len,
        .dst = *vh_eth_dst(p->data),
    };
    vh_packet_free(p);
    (void) w;
    return (vh_time_t) (100 + i);
}

static void
rig_init(struct rig *r, const char *same_port_reason)
{
    memset(r, 0, sizeof *r);
    r->run = wt_run_json("{ \"duration\": \"1us\", \"hosts\": "
                         "[ { \"name\": \"h\" } ] }", NULL, NULL, NULL);
    r->w = r->run.w;
    vh_devtab_add(&r->w->devs, &r->dev, "sw", "test-switch", NULL);
    l2fwd_init(&r->l2, &r->dev, r, record, 300 * VH_SEC, same_port_reason);
    for (size_t i = 0; i < N_PORTS; i++) {
        char path[16];
        snprintf(path, sizeof path, "sw/p%zu", i);
        vh_devtab_add(&r->w->devs, &r->port_dev[i], path, "test-port",
                      &r->dev);
        port_init(&r->ports[i], NULL, r, &r->port_dev[i], (int) i);
        r->ports[i].carrier = true;
        ck_assert_uint_eq(l2fwd_add_port(&r->l2, &r->ports[i],
                                         &r->port_dev[i]), i);
    }
}

static void
rig_free(struct rig *r)
{
    l2fwd_destroy(&r->l2);
    wt_run_free(&r->run);
}

static void
mac(struct vh_mac *m, uint8_t last)
{
    *m = (struct vh_mac) { { 0x52, 0x54, 0, 0, 0, last } };
}

/* A 60-byte IPv4 frame from ..:src to ..:dst (0xff: broadcast), tagged
 * with 'vlan' unless it is negative. */
static struct vh_packet *
frame(struct rig *r, uint8_t dst, uint8_t src, int vlan)
{
    struct vh_packet *p = vh_packet_alloc(&r->w->pool);
    uint8_t *b = vh_packet_put(p, 60);
    memset(b, 0, 60);
    struct vh_mac d, s;
    mac(&d, dst);
    mac(&s, src);
    if (dst == 0xff) {
        d = vh_mac_broadcast;
    }
    memcpy(b, &d, 6);
    memcpy(b + 6, &s, 6);
    b[12] = 0x08;
    if (vlan >= 0) {
        vh_vlan_push(p, (uint16_t) vlan);
    }
    return p;
}

/* Offers a frame on port 'in' and returns what the forward call said. */
static vh_time_t
offer(struct rig *r, size_t in, uint8_t dst, uint8_t src, int vlan)
{
    struct vh_packet *p = frame(r, dst, src, vlan);
    if (!l2fwd_learn(r->w, &r->l2, in, p)) {
        return 0;
    }
    return l2fwd_forward(r->w, &r->l2, in, p);
}

START_TEST(test_learns_floods_then_forwards)
{
    struct rig r;
    rig_init(&r, "same-port");
    /* B is unknown: a copy to every port but the ingress. */
    ck_assert_uint_eq(offer(&r, 0, 2, 1, -1), 103);
    ck_assert_uint_eq(r.n_out, 3);
    ck_assert_uint_eq(r.out[0].port, 1);
    ck_assert_uint_eq(r.out[1].port, 2);
    ck_assert_uint_eq(r.out[2].port, 3);
    ck_assert_uint_eq(r.l2.flooded, 1);
    /* B answers from port 2: A was learned on port 0, so only there. */
    r.n_out = 0;
    ck_assert_uint_eq(offer(&r, 2, 1, 2, -1), 100);
    ck_assert_uint_eq(r.n_out, 1);
    ck_assert_uint_eq(r.out[0].port, 0);
    /* And now B is known too. */
    r.n_out = 0;
    offer(&r, 0, 2, 1, -1);
    ck_assert_uint_eq(r.n_out, 1);
    ck_assert_uint_eq(r.out[0].port, 2);
    ck_assert_uint_eq(r.l2.flooded, 1);
    /* Broadcasts always flood, and a source address that moves is
     * learned on its new port. */
    r.n_out = 0;
    offer(&r, 3, 0xff, 1, -1);
    ck_assert_uint_eq(r.n_out, 3);
    struct vh_mac a;
    mac(&a, 1);
    ck_assert_int_eq(l2fwd_lookup(&r.l2, &a, 0, r.w->sim.now), 3);
    rig_free(&r);
}
END_TEST

START_TEST(test_same_port_dropped_unless_reflective)
{
    struct rig r;
    rig_init(&r, "no-hairpin");
    offer(&r, 1, 0xff, 1, -1);          /* A behind port 1 */
    offer(&r, 1, 0xff, 2, -1);          /* B behind port 1 too */
    r.n_out = 0;
    ck_assert_uint_eq(offer(&r, 1, 2, 1, -1), 0);
    ck_assert_uint_eq(r.n_out, 0);
    /* The drop is the ingress port's, under the owner's reason. */
    ck_assert_uint_eq(r.port_dev[1].drops, 1);
    ck_assert_uint_eq(r.dev.drops, 0);

    /* A reflective relay (VEPA) turns it around, and floods include the
     * ingress port; each frame sent back counts once, at its port. */
    l2fwd_set_relay(&r.l2, 1, true);
    offer(&r, 1, 2, 1, -1);
    ck_assert_uint_eq(r.n_out, 1);
    ck_assert_uint_eq(r.out[0].port, 1);
    ck_assert_uint_eq(l2fwd_reflected(&r.l2, 1), 1);
    r.n_out = 0;
    offer(&r, 1, 0xff, 1, -1);
    ck_assert_uint_eq(r.n_out, N_PORTS);
    ck_assert_uint_eq(l2fwd_reflected(&r.l2, 1), 2);
    ck_assert_uint_eq(r.port_dev[1].drops, 1);
    rig_free(&r);
}
END_TEST

START_TEST(test_relay_is_per_port)
{
    struct rig r;
    rig_init(&r, "no-hairpin");
    l2fwd_set_relay(&r.l2, 1, true);
    offer(&r, 1, 0xff, 1, -1);          /* A and B behind port 1 */
    offer(&r, 1, 0xff, 2, -1);
    offer(&r, 2, 0xff, 3, -1);          /* C and D behind port 2 */
    offer(&r, 2, 0xff, 4, -1);
    ck_assert_uint_eq(l2fwd_reflected(&r.l2, 1), 2);
    ck_assert_uint_eq(l2fwd_reflected(&r.l2, 2), 0);
    r.n_out = 0;
    /* Port 1 relays: A reaches B by the hairpin. */
    offer(&r, 1, 2, 1, -1);
    ck_assert_uint_eq(r.n_out, 1);
    ck_assert_uint_eq(r.out[0].port, 1);
    /* Port 2 does not: C's frame for D is dropped there, and C's flood
     * skips port 2. */
    ck_assert_uint_eq(offer(&r, 2, 4, 3, -1), 0);
    ck_assert_uint_eq(r.n_out, 1);
    ck_assert_uint_eq(r.port_dev[2].drops, 1);
    r.n_out = 0;
    offer(&r, 2, 0xff, 3, -1);
    ck_assert_uint_eq(r.n_out, N_PORTS - 1);
    for (size_t k = 0; k < r.n_out; k++) {
        ck_assert_uint_ne(r.out[k].port, 2);
    }
    ck_assert_uint_eq(l2fwd_reflected(&r.l2, 1), 3);
    ck_assert_uint_eq(l2fwd_reflected(&r.l2, 2), 0);
    ck_assert_uint_eq(l2fwd_reflected(&r.l2, 0), 0);
    rig_free(&r);
}
END_TEST

START_TEST(test_floods_only_ports_with_carrier)
{
    struct rig r;
    rig_init(&r, "same-port");
    r.ports[2].carrier = false;
    r.ports[3].carrier = false;
    offer(&r, 0, 0xff, 1, -1);
    ck_assert_uint_eq(r.n_out, 1);
    ck_assert_uint_eq(r.out[0].port, 1);
    /* With no port left to flood to, the frame is dropped and counted. */
    r.ports[1].carrier = false;
    r.n_out = 0;
    offer(&r, 0, 0xff, 1, -1);
    ck_assert_uint_eq(r.n_out, 0);
    ck_assert_uint_eq(r.dev.drops, 1);
    rig_free(&r);
}
END_TEST

START_TEST(test_entries_age_out)
{
    struct rig r;
    rig_init(&r, "same-port");
    l2fwd_destroy(&r.l2);
    l2fwd_init(&r.l2, &r.dev, &r, record, 10 * VH_US, "same-port");
    for (size_t i = 0; i < N_PORTS; i++) {
        l2fwd_add_port(&r.l2, &r.ports[i], &r.port_dev[i]);
    }
    offer(&r, 2, 0xff, 1, -1);
    struct vh_mac a;
    mac(&a, 1);
    ck_assert_int_eq(l2fwd_lookup(&r.l2, &a, 0, r.w->sim.now), 2);
    ck_assert_int_eq(l2fwd_lookup(&r.l2, &a, 0,
                                  r.w->sim.now + 10 * VH_US), 2);
    ck_assert_int_eq(l2fwd_lookup(&r.l2, &a, 0,
                                  r.w->sim.now + 10 * VH_US + 1), -1);
    rig_free(&r);
}
END_TEST

START_TEST(test_vlans_filter_and_tag_on_the_bytes)
{
    struct rig r;
    rig_init(&r, "same-port");
    static uint64_t trunk_10_30[PORT_VLAN_WORDS];
    trunk_10_30[0] = 1ULL << 10 | 1ULL << 30;
    r.l2.vlan_aware = true;
    r.ports[0].vlan = (struct port_vlan) {
            .mode = PORT_VLAN_ACCESS, .tag = 10, .trunks = NULL };
    r.ports[1].vlan = (struct port_vlan) {
            .mode = PORT_VLAN_ACCESS, .tag = 20, .trunks = NULL };
    r.ports[2].vlan = (struct port_vlan) {
            .mode = PORT_VLAN_TRUNK, .tag = 30, .trunks = trunk_10_30 };
    r.ports[3].vlan = (struct port_vlan) {
            .mode = PORT_VLAN_ACCESS, .tag = 10, .trunks = NULL };

    /* Untagged on access port 0 is VLAN 10: it reaches the other VLAN 10
     * access port untagged and the trunk tagged, never VLAN 20. */
    offer(&r, 0, 0xff, 1, -1);
    ck_assert_uint_eq(r.n_out, 2);
    ck_assert_uint_eq(r.out[0].port, 2);
    ck_assert_int_eq(r.out[0].vlan, 10);
    ck_assert_uint_eq(r.out[0].len, 64);
    ck_assert_uint_eq(r.out[1].port, 3);
    ck_assert_int_eq(r.out[1].vlan, -1);
    ck_assert_uint_eq(r.out[1].len, 60);

    /* Tagged 10 on the trunk leaves the access ports untagged. */
    r.n_out = 0;
    offer(&r, 2, 0xff, 2, 10);
    ck_assert_uint_eq(r.n_out, 2);
    ck_assert_uint_eq(r.out[0].port, 0);
    ck_assert_int_eq(r.out[0].vlan, -1);
    ck_assert_uint_eq(r.out[0].len, 60);

    /* Untagged on the trunk is its native VLAN 30: nobody else carries
     * it.  A VLAN the trunk does not carry is filtered at the port. */
    r.n_out = 0;
    offer(&r, 2, 0xff, 3, -1);
    ck_assert_uint_eq(r.n_out, 0);
    ck_assert_uint_eq(r.dev.drops, 1);
    offer(&r, 2, 0xff, 3, 20);
    ck_assert_uint_eq(r.n_out, 0);
    ck_assert_uint_eq(r.port_dev[2].drops, 1);
    /* So is a tag on an access port of another VLAN. */
    offer(&r, 1, 0xff, 3, 10);
    ck_assert_uint_eq(r.port_dev[1].drops, 1);

    /* Addresses are learned per VLAN: the same MAC in VLAN 10 on port 0
     * and in VLAN 20 on port 1. */
    offer(&r, 1, 0xff, 1, -1);
    struct vh_mac a;
    mac(&a, 1);
    ck_assert_int_eq(l2fwd_lookup(&r.l2, &a, 10, r.w->sim.now), 0);
    ck_assert_int_eq(l2fwd_lookup(&r.l2, &a, 20, r.w->sim.now), 1);
    /* Unicast to it in VLAN 20 goes to port 1 only. */
    r.n_out = 0;
    offer(&r, 1, 1, 5, -1);
    ck_assert_uint_eq(r.n_out, 0);      /* port 1 is the ingress */
    ck_assert_uint_eq(r.port_dev[1].drops, 2);
    rig_free(&r);
}
END_TEST

static Suite *
l2fwd_suite(void)
{
    Suite *s = suite_create("l2fwd");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_learns_floods_then_forwards);
    tcase_add_test(tc, test_same_port_dropped_unless_reflective);
    tcase_add_test(tc, test_relay_is_per_port);
    tcase_add_test(tc, test_floods_only_ports_with_carrier);
    tcase_add_test(tc, test_entries_age_out);
    tcase_add_test(tc, test_vlans_filter_and_tag_on_the_bytes);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(l2fwd_suite)
