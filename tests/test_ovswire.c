/* tests/test_ovswire.c: the wire formats the Open vSwitch model sends,
 * LACPDUs, against bytes at offsets counted from the standard (not from
 * the encoder's own #defines, so a wrong constant fails here). */
#include <check.h>
#include <string.h>

#include "models/ovs/lacp.h"
#include "sim/frame.h"
#include "tests/testutil.h"

static const struct vh_mac mac_a = { { 0x00, 0x25, 0xb5, 0x00, 0x00, 0x0a } };
static const struct vh_mac mac_b = { { 0x00, 0x25, 0xb5, 0x00, 0x00, 0x0b } };

static bool
all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

/* ---- LACP ---------------------------------------------------------- */

/* Host A's side of a bond: active, fast, aggregating, in sync. */
static struct lacp_info
actor_a(void)
{
    struct lacp_info a;
    memset(&a, 0, sizeof a);
    a.sys_priority = 0x8000;
    a.sys_id = mac_a;
    a.key = 0x1234;
    a.port_priority = 0x00ff;
    a.port = 7;
    a.state = LACP_STATE_ACTIVITY | LACP_STATE_TIMEOUT
              | LACP_STATE_AGGREGATION | LACP_STATE_SYNCHRONIZATION;
    return a;
}

/* What A heard from switch B: passive, slow, collecting and
 * distributing too. */
static struct lacp_info
partner_b(void)
{
    struct lacp_info b;
    memset(&b, 0, sizeof b);
    b.sys_priority = 0x0001;
    b.sys_id = mac_b;
    b.key = 0x0042;
    b.port_priority = 0x0080;
    b.port = 0x0203;
    b.state = LACP_STATE_AGGREGATION | LACP_STATE_SYNCHRONIZATION
              | LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING;
    return b;
}

/* The first 74 bytes of that PDU, through the terminator TLV, as 802.1AX
 * lays them out; the other 50 are reserved zeros. */
static const uint8_t kat_lacp[] = {
    /* Slow Protocols group address, source, EtherType 0x8809. */
    0x01, 0x80, 0xc2, 0x00, 0x00, 0x02, 0x00, 0x25, 0xb5, 0x00, 0x00, 0x0a,
    0x88, 0x09,
    /* Subtype LACP, version 1. */
    0x01, 0x01,
    /* Actor TLV: type 1, length 20, priority, system, key, port priority,
     * port, state 0x0f, 3 reserved. */
    0x01, 0x14, 0x80, 0x00, 0x00, 0x25, 0xb5, 0x00, 0x00, 0x0a,
    0x12, 0x34, 0x00, 0xff, 0x00, 0x07, 0x0f, 0x00, 0x00, 0x00,
    /* Partner TLV: type 2, length 20, ... state 0x3c. */
    0x02, 0x14, 0x00, 0x01, 0x00, 0x25, 0xb5, 0x00, 0x00, 0x0b,
    0x00, 0x42, 0x00, 0x80, 0x02, 0x03, 0x3c, 0x00, 0x00, 0x00,
    /* Collector TLV: type 3, length 16, max delay 50, 12 reserved. */
    0x03, 0x10, 0x00, 0x32, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    /* Terminator TLV. */
    0x00, 0x00,
};

START_TEST(test_lacp_bytes)
{
    ck_assert_uint_eq(sizeof kat_lacp, 74);
    uint8_t buf[200];
    memset(buf, 0xee, sizeof buf);
    struct lacp_info a = actor_a(), b = partner_b();
    uint32_t len = lacp_build_pdu(buf, &mac_a, &a, &b, 50);
    ck_assert_uint_eq(len, 124);
    for (size_t i = 0; i < sizeof kat_lacp; i++) {
        ck_assert_msg(buf[i] == kat_lacp[i], "byte %zu is 0x%02x, not 0x%02x",
                      i, buf[i], kat_lacp[i]);
    }
    ck_assert(all_zero(buf + 74, 124 - 74));
    ck_assert_uint_eq(buf[124], 0xee);      /* Nothing written beyond. */
}
END_TEST

START_TEST(test_lacp_state_bits)
{
    /* 802.1AX numbers the bits from the least significant, in this
     * order; tshark's flag names follow it. */
    ck_assert_uint_eq(LACP_STATE_ACTIVITY, 1 << 0);
    ck_assert_uint_eq(LACP_STATE_TIMEOUT, 1 << 1);
    ck_assert_uint_eq(LACP_STATE_AGGREGATION, 1 << 2);
    ck_assert_uint_eq(LACP_STATE_SYNCHRONIZATION, 1 << 3);
    ck_assert_uint_eq(LACP_STATE_COLLECTING, 1 << 4);
    ck_assert_uint_eq(LACP_STATE_DISTRIBUTING, 1 << 5);
    ck_assert_uint_eq(LACP_STATE_DEFAULTED, 1 << 6);
    ck_assert_uint_eq(LACP_STATE_EXPIRED, 1 << 7);
}
END_TEST

START_TEST(test_lacp_round_trip)
{
    uint8_t buf[LACP_FRAME_LEN];
    struct lacp_info a = actor_a(), b = partner_b();
    b.state |= LACP_STATE_DEFAULTED | LACP_STATE_EXPIRED;
    uint32_t len = lacp_build_pdu(buf, &mac_b, &a, &b, 0);

    struct lacp_info pa, pb;
    ck_assert(lacp_parse_pdu(buf, len, &pa, &pb));
    ck_assert_mem_eq(&pa, &a, sizeof a);
    ck_assert_mem_eq(&pb, &b, sizeof b);
    ck_assert(lacp_parse_pdu(buf, len, NULL, &pb));
    ck_assert(lacp_parse_pdu(buf, len, &pa, NULL));

    /* Swapped, as the other end would answer. */
    len = lacp_build_pdu(buf, &mac_b, &b, &a, 0);
    ck_assert(lacp_parse_pdu(buf, len, &pa, &pb));
    ck_assert_mem_eq(&pa, &b, sizeof b);
    ck_assert_mem_eq(&pb, &a, sizeof a);
}
END_TEST

START_TEST(test_lacp_parse_refuses)
{
    uint8_t good[LACP_FRAME_LEN], buf[LACP_FRAME_LEN];
    struct lacp_info a = actor_a(), b = partner_b(), out;
    lacp_build_pdu(good, &mac_a, &a, &b, 0);

    ck_assert(!lacp_parse_pdu(good, 123, &out, NULL));  /* Short. */
    ck_assert(!lacp_parse_pdu(good, 0, &out, NULL));

    /* One byte at a time: EtherType, subtype, version 0, each TLV's type
     * and length. */
    static const struct { size_t off; uint8_t val; } bad[] = {
        { 13, 0x00 }, { 14, 0x02 }, { 15, 0x00 },
        { 16, 0x02 }, { 17, 0x13 }, { 36, 0x01 }, { 37, 0x15 },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        memcpy(buf, good, sizeof buf);
        buf[bad[i].off] = bad[i].val;
        memset(&out, 0x5a, sizeof out);
        ck_assert_msg(!lacp_parse_pdu(buf, sizeof buf, &out, NULL),
                      "accepted 0x%02x at %zu", bad[i].val, bad[i].off);
        ck_assert_uint_eq(out.key, 0x5a5a);     /* Left alone. */
    }

    /* A later version keeps the layout and is read. */
    memcpy(buf, good, sizeof buf);
    buf[15] = 2;
    ck_assert(lacp_parse_pdu(buf, sizeof buf, &out, NULL));
    ck_assert_uint_eq(out.key, 0x1234);
}
END_TEST

static Suite *
ovswire_suite(void)
{
    Suite *s = suite_create("ovswire");
    TCase *tc = tcase_create("lacp");
    tcase_add_test(tc, test_lacp_bytes);
    tcase_add_test(tc, test_lacp_state_bits);
    tcase_add_test(tc, test_lacp_round_trip);
    tcase_add_test(tc, test_lacp_parse_refuses);
    suite_add_tcase(s, tc);

    return s;
}

VH_SUITE(ovswire_suite)
