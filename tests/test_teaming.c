/* tests/test_teaming.c: a virtual switch's NIC teaming policies
 * (models/core/teaming.h), driven directly with frames, times and bytes.
 *
 * What each policy must do: keep one port (or MAC, or IP pair) on one
 * uplink; spread many over the team; on a failure move only the failed
 * uplink's traffic, to the survivors, and bring it back after; use the
 * standby list only when no active uplink is left; and for load-based
 * teaming move a port only when an uplink's mean load over a whole
 * 30 s period passed 75%, and only if that helps. */
#include <check.h>
#include <string.h>

#include "models/core/teaming.h"
#include "sim/frame.h"
#include "sim/packet.h"
#include "tests/testutil.h"

#define GBPS 1000000000ULL

static const uint64_t four_gig[4] = { GBPS, GBPS, GBPS, GBPS };

/* A UDP frame from 10.0.0.'src' (MAC ..:'src') to 10.0.0.'dst', held in
 * 'buf' and described by 'p' (only data and len are read). */
static void
udp_frame(struct vh_packet *p, uint8_t *buf, uint8_t src, uint8_t dst,
          int vlan)
{
    struct vh_ip_hdr_spec s;
    memset(&s, 0, sizeof s);
    s.src_mac = (struct vh_mac) { { 0x52, 0x54, 0, 0, 0, src } };
    s.dst_mac = (struct vh_mac) { { 0x52, 0x54, 0, 0, 1, dst } };
    s.ip_src = 0x0a000000u | src;
    s.ip_dst = 0x0a000000u | dst;
    s.vlan = vlan >= 0;
    s.vlan_tci = (uint16_t) (vlan >= 0 ? vlan : 0);
    memset(p, 0, sizeof *p);
    p->data = buf;
    p->len = vh_build_udp(buf, &s, 1000, 2000, NULL, 100);
}

START_TEST(test_teaming_names)
{
    for (int i = 0; i < TEAMING_N_POLICIES; i++) {
        enum teaming_policy p;
        const char *name = teaming_policy_name((enum teaming_policy) i);
        ck_assert(teaming_policy_from_name(name, &p));
        ck_assert_int_eq(p, i);
        ck_assert_int_eq(teaming_needs_etherchannel(p), p == TEAMING_IP);
    }
    enum teaming_policy p;
    ck_assert(teaming_policy_from_name("loadbalance_srcid", &p));
    ck_assert_int_eq(p, TEAMING_SRCID);
    ck_assert(!teaming_policy_from_name("balance-xor", &p));
    ck_assert(!teaming_policy_from_name("", &p));
}
END_TEST

/* Originating port: a port keeps its uplink whatever it sends and
 * whenever; eight ports fill four uplinks two by two. */
START_TEST(test_teaming_srcid_stable_and_spread)
{
    struct teaming t;
    teaming_init(&t, TEAMING_SRCID, 4, four_gig);
    uint8_t buf[256];
    struct vh_packet p;
    int count[4] = { 0 };
    for (uint32_t port = 0; port < 8; port++) {
        udp_frame(&p, buf, 1, 2, -1);
        int first = teaming_choose(&t, port, &p, 0);
        ck_assert_int_ge(first, 0);
        count[first]++;
        for (uint8_t d = 3; d < 40; d += 7) {
            udp_frame(&p, buf, (uint8_t) (d * 3), d, d % 2 ? 10 : -1);
            ck_assert_int_eq(teaming_choose(&t, port, &p, d * VH_SEC), first);
        }
    }
    for (int k = 0; k < 4; k++) {
        ck_assert_int_eq(count[k], 2);
    }
    teaming_destroy(&t);
}
END_TEST

/* Source MAC: one vNIC's frames to any peer leave by one uplink; four
 * MACs cover four uplinks; the port id plays no part. */
START_TEST(test_teaming_srcmac)
{
    struct teaming t;
    teaming_init(&t, TEAMING_SRCMAC, 4, four_gig);
    uint8_t buf[256];
    struct vh_packet p;
    bool seen[4] = { false };
    for (uint8_t mac = 1; mac <= 4; mac++) {
        udp_frame(&p, buf, mac, 100, -1);
        int first = teaming_choose(&t, 7, &p, 0);
        seen[first] = true;
        for (uint8_t dst = 101; dst < 120; dst++) {
            udp_frame(&p, buf, mac, dst, -1);
            ck_assert_int_eq(teaming_choose(&t, dst, &p, 0), first);
        }
    }
    for (int k = 0; k < 4; k++) {
        ck_assert(seen[k]);
    }
    teaming_destroy(&t);
}
END_TEST

/* IP hash: one VM's flows to different peers spread; a flow stays; the
 * reply direction hashes alike (xor is symmetric); a VLAN tag changes
 * nothing; the last octets decide, per vSphere's rule. */
START_TEST(test_teaming_ip_hash)
{
    struct teaming t;
    teaming_init(&t, TEAMING_IP, 2, four_gig);
    uint8_t buf[256];
    struct vh_packet p;
    int used[2] = { 0 };
    for (uint8_t dst = 20; dst < 30; dst++) {
        udp_frame(&p, buf, 5, dst, -1);
        int k = teaming_choose(&t, 1, &p, 0);
        ck_assert_int_eq(k, (5 ^ dst) % 2);
        used[k]++;
        ck_assert_int_eq(teaming_choose(&t, 1, &p, VH_SEC), k);
        udp_frame(&p, buf, dst, 5, -1);
        ck_assert_int_eq(teaming_choose(&t, 9, &p, 0), k);
        udp_frame(&p, buf, 5, dst, 100);
        ck_assert_int_eq(teaming_choose(&t, 1, &p, 0), k);
    }
    ck_assert_int_eq(used[0], 5);
    ck_assert_int_eq(used[1], 5);

    /* An ARP request is hashed on what lies where IPv4's addresses would
     * (the end of its sender MAC and start of its sender address):
     * deterministic, and within the team. */
    struct vh_mac sha = { { 0x52, 0x54, 0, 0, 0, 5 } }, zero = { { 0 } };
    memset(&p, 0, sizeof p);
    p.data = buf;
    p.len = vh_build_arp(buf, 1, &sha, 0x0a000005u, &zero, 0x0a000014u,
                         &vh_mac_broadcast);
    int k = teaming_choose(&t, 1, &p, 0);
    ck_assert(k == 0 || k == 1);
    ck_assert_int_eq(teaming_choose(&t, 2, &p, 0), k);
    teaming_destroy(&t);
}
END_TEST

/* Failover and failback: with uplink 1 of 3 down, the ports on 0 and 2
 * stay, those of 1 spread over 0 and 2; when it is back they return;
 * with none usable there is no uplink. */
START_TEST(test_teaming_failover_and_back)
{
    static const enum teaming_policy hashed[] = {
        TEAMING_SRCID, TEAMING_LOADBASED,
    };
    for (size_t i = 0; i < sizeof hashed / sizeof *hashed; i++) {
        struct teaming t;
        teaming_init(&t, hashed[i], 3, four_gig);
        uint8_t buf[256];
        struct vh_packet p;
        udp_frame(&p, buf, 1, 2, -1);
        int before[12], moved_to[3] = { 0 };
        for (uint32_t port = 0; port < 12; port++) {
            before[port] = teaming_choose(&t, port, &p, 0);
        }
        teaming_set_usable(&t, 1, false);
        for (uint32_t port = 0; port < 12; port++) {
            int k = teaming_choose(&t, port, &p, VH_SEC);
            ck_assert_int_ne(k, 1);
            ck_assert_int_ge(k, 0);
            if (before[port] != 1) {
                ck_assert_int_eq(k, before[port]);
            } else {
                moved_to[k]++;
            }
        }
        ck_assert_int_gt(moved_to[0], 0);
        ck_assert_int_gt(moved_to[2], 0);
        teaming_set_usable(&t, 1, true);
        for (uint32_t port = 0; port < 12; port++) {
            ck_assert_int_eq(teaming_choose(&t, port, &p, 2 * VH_SEC),
                             before[port]);
        }
        for (size_t k = 0; k < 3; k++) {
            teaming_set_usable(&t, k, false);
        }
        ck_assert_int_eq(teaming_choose(&t, 4, &p, 3 * VH_SEC), -1);
        teaming_destroy(&t);
    }
}
END_TEST

/* Standby: carries nothing while an active uplink is usable, everything
 * when none is. */
START_TEST(test_teaming_standby)
{
    struct teaming t;
    teaming_init(&t, TEAMING_SRCMAC, 3, four_gig);
    teaming_set_standby(&t, 2, true);
    uint8_t buf[256];
    struct vh_packet p;
    for (uint8_t mac = 0; mac < 16; mac++) {
        udp_frame(&p, buf, mac, 1, -1);
        ck_assert_int_eq(teaming_choose(&t, 0, &p, 0), mac % 2);
    }
    teaming_set_usable(&t, 0, false);
    for (uint8_t mac = 0; mac < 16; mac++) {
        udp_frame(&p, buf, mac, 1, -1);
        ck_assert_int_eq(teaming_choose(&t, 0, &p, 0), 1);
    }
    teaming_set_usable(&t, 1, false);
    for (uint8_t mac = 0; mac < 16; mac++) {
        udp_frame(&p, buf, mac, 1, -1);
        ck_assert_int_eq(teaming_choose(&t, 0, &p, 0), 2);
    }
    teaming_destroy(&t);
}
END_TEST

/* Explicit failover order: the first usable active uplink, in the
 * configured order, for every port and frame; back to it when it
 * returns. */
START_TEST(test_teaming_explicit_order)
{
    struct teaming t;
    teaming_init(&t, TEAMING_EXPLICIT, 4, four_gig);
    teaming_set_standby(&t, 0, true);     /* Order: 1, 2, 3; standby 0. */
    uint8_t buf[256];
    struct vh_packet p;
    static const int expect[] = { 1, 2, 3, 0, -1 };
    for (size_t step = 0; step < 5; step++) {
        for (uint32_t port = 0; port < 6; port++) {
            udp_frame(&p, buf, (uint8_t) port, (uint8_t) (port * 5), -1);
            ck_assert_int_eq(teaming_choose(&t, port, &p, 0), expect[step]);
        }
        if (step < 3) {
            teaming_set_usable(&t, step + 1, false);
        } else if (step == 3) {
            teaming_set_usable(&t, 0, false);
        }
    }
    teaming_set_usable(&t, 2, true);
    ck_assert_int_eq(teaming_choose(&t, 0, &p, 0), 2);
    teaming_set_usable(&t, 1, true);
    ck_assert_int_eq(teaming_choose(&t, 0, &p, 0), 1);
    teaming_destroy(&t);
}
END_TEST

/* What a switch would tell load-based teaming: port 'port' sends at
 * 'rate' b/s from 'from' to 'to', in bursts of 125 kB (a millisecond at
 * 1 Gb/s), by the uplink the team chooses.  Returns the bursts that found
 * no uplink (check's assertions are too slow for every burst). */
static int
send_at(struct teaming *t, uint32_t port, uint64_t rate, vh_time_t from,
        vh_time_t to)
{
    uint8_t buf[256];
    struct vh_packet p;
    udp_frame(&p, buf, 1, 2, -1);
    vh_time_t gap = vh_bytes_time(125000, rate);
    int lost = 0;
    for (vh_time_t now = from; now < to; now += gap) {
        int k = teaming_choose(t, port, &p, now);
        if (k < 0) {
            lost++;
            continue;
        }
        teaming_account(t, port, (size_t) k, 125000, TEAMING_TX, now);
    }
    return lost;
}

/* Ports 0, 1 and 2 send at 'rate[port]' b/s (0: silent) from 'from' to
 * 'to', interleaved second by second as a switch would see them. */
static void
run_load(struct teaming *t, const uint64_t rate[3], vh_time_t from,
         vh_time_t to)
{
    for (vh_time_t t0 = from; t0 < to; t0 += VH_SEC) {
        for (uint32_t port = 0; port < 3; port++) {
            if (rate[port]) {
                ck_assert_int_eq(send_at(t, port, rate[port], t0,
                                         t0 + VH_SEC), 0);
            }
        }
    }
}

#define MBPS 1000000ULL

/* Ports 0 and 2 share uplink 0 of two 1 Gb/s uplinks, port 1 has
 * uplink 1.  At 500 + 400 Mb/s uplink 0 is at 90%: at the end of the
 * first 30 s the busier port, 0, moves; not a moment earlier. */
START_TEST(test_teaming_loadbased_moves_above_threshold)
{
    struct teaming t;
    teaming_init(&t, TEAMING_LOADBASED, 2, four_gig);
    uint8_t buf[256];
    struct vh_packet p;
    udp_frame(&p, buf, 1, 2, -1);
    ck_assert_int_eq(teaming_choose(&t, 0, &p, 0), 0);
    ck_assert_int_eq(teaming_choose(&t, 1, &p, 0), 1);
    ck_assert_int_eq(teaming_choose(&t, 2, &p, 0), 0);
    static const uint64_t rates[3] = { 500 * MBPS, 100 * MBPS, 400 * MBPS };
    for (int s = 0; s < 30; s++) {
        vh_time_t t0 = (vh_time_t) s * VH_SEC;
        run_load(&t, rates, t0, t0 + VH_SEC);
        ck_assert_int_eq(teaming_choose(&t, 0, &p, t0 + VH_SEC - 1), 0);
    }
    ck_assert_uint_eq(teaming_moves(&t), 0);
    ck_assert_int_eq(teaming_choose(&t, 0, &p, TEAMING_LBT_PERIOD), 1);
    ck_assert_int_eq(teaming_choose(&t, 2, &p, TEAMING_LBT_PERIOD), 0);
    ck_assert_int_eq(teaming_choose(&t, 1, &p, TEAMING_LBT_PERIOD), 1);
    ck_assert_uint_eq(teaming_moves(&t), 1);

    /* Now 600 and 400 Mb/s: neither over 75%, nothing moves again. */
    run_load(&t, rates, 30 * VH_SEC, 60 * VH_SEC);
    ck_assert_int_eq(teaming_choose(&t, 0, &p, 61 * VH_SEC), 1);
    ck_assert_uint_eq(teaming_moves(&t), 1);

    /* A failed uplink takes the moved port back to where its id places
     * it; failback returns it to where it was moved. */
    teaming_set_usable(&t, 1, false);
    ck_assert_int_eq(teaming_choose(&t, 0, &p, 62 * VH_SEC), 0);
    teaming_set_usable(&t, 1, true);
    ck_assert_int_eq(teaming_choose(&t, 0, &p, 63 * VH_SEC), 1);
    teaming_destroy(&t);
}
END_TEST

/* No move below the threshold (70%), nor for a burst at line rate that
 * leaves the 30 s mean low, nor for one port alone over it (moving it
 * would only move the overload). */
START_TEST(test_teaming_loadbased_holds_below_threshold)
{
    uint8_t buf[256];
    struct vh_packet p;
    udp_frame(&p, buf, 1, 2, -1);

    struct teaming t;
    teaming_init(&t, TEAMING_LOADBASED, 2, four_gig);
    static const uint64_t under[3] = { 400 * MBPS, 0, 300 * MBPS };
    run_load(&t, under, 0, 90 * VH_SEC);
    ck_assert_int_eq(teaming_choose(&t, 0, &p, 90 * VH_SEC), 0);
    ck_assert_uint_eq(teaming_moves(&t), 0);
    teaming_destroy(&t);

    teaming_init(&t, TEAMING_LOADBASED, 2, four_gig);
    static const uint64_t burst[3] = { 600 * MBPS, 0, 400 * MBPS };
    run_load(&t, burst, 0, 10 * VH_SEC);
    ck_assert_int_eq(teaming_choose(&t, 0, &p, 30 * VH_SEC), 0);
    ck_assert_uint_eq(teaming_moves(&t), 0);
    teaming_destroy(&t);

    teaming_init(&t, TEAMING_LOADBASED, 2, four_gig);
    static const uint64_t alone[3] = { 950 * MBPS, 0, 0 };
    run_load(&t, alone, 0, 30 * VH_SEC);
    ck_assert_int_eq(teaming_choose(&t, 0, &p, 30 * VH_SEC), 0);
    ck_assert_uint_eq(teaming_moves(&t), 0);
    teaming_destroy(&t);
}
END_TEST

/* The other policies ignore load: a saturated srcid uplink keeps its
 * ports. */
START_TEST(test_teaming_only_loadbased_moves)
{
    struct teaming t;
    teaming_init(&t, TEAMING_SRCID, 2, four_gig);
    static const uint64_t over[3] = { 500 * MBPS, 0, 450 * MBPS };
    run_load(&t, over, 0, 31 * VH_SEC);
    uint8_t buf[256];
    struct vh_packet p;
    udp_frame(&p, buf, 1, 2, -1);
    ck_assert_int_eq(teaming_choose(&t, 0, &p, 31 * VH_SEC), 0);
    ck_assert_uint_eq(teaming_moves(&t), 0);
    teaming_destroy(&t);
}
END_TEST

static Suite *
teaming_suite(void)
{
    Suite *s = suite_create("teaming");
    TCase *tc = tcase_create("teaming");
    tcase_add_test(tc, test_teaming_names);
    tcase_add_test(tc, test_teaming_srcid_stable_and_spread);
    tcase_add_test(tc, test_teaming_srcmac);
    tcase_add_test(tc, test_teaming_ip_hash);
    tcase_add_test(tc, test_teaming_failover_and_back);
    tcase_add_test(tc, test_teaming_standby);
    tcase_add_test(tc, test_teaming_explicit_order);
    tcase_add_test(tc, test_teaming_loadbased_moves_above_threshold);
    tcase_add_test(tc, test_teaming_loadbased_holds_below_threshold);
    tcase_add_test(tc, test_teaming_only_loadbased_moves);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(teaming_suite)
