/* tests/test_ovswire.c: the wire formats the Open vSwitch model sends,
 * LACPDUs and sFlow datagrams, against bytes at offsets counted from the
 * standards (not from the encoders' own #defines, so a wrong constant
 * fails here), then read back by tshark from a capture file. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/ovs/lacp.h"
#include "models/ovs/sflow.h"
#include "sim/frame.h"
#include "sim/pcapw.h"
#include "tests/testutil.h"

static const struct vh_mac mac_a = { { 0x00, 0x25, 0xb5, 0x00, 0x00, 0x0a } };
static const struct vh_mac mac_b = { { 0x00, 0x25, 0xb5, 0x00, 0x00, 0x0b } };

static uint32_t
be32(const uint8_t *p)
{
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16
           | (uint32_t) p[2] << 8 | p[3];
}

static uint64_t
be64(const uint8_t *p)
{
    return (uint64_t) be32(p) << 32 | be32(p + 4);
}

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

/* ---- sFlow --------------------------------------------------------- */

#define AGENT_IP 0x0a000001u        /* 10.0.0.1 */

/* A real UDP frame 192.168.1.10:5000 -> 192.168.1.20:'dport' with
 * 'payload_len' bytes, as a VM would send it. */
static uint32_t
build_sampled(uint8_t *buf, uint16_t dport, uint32_t payload_len)
{
    struct vh_ip_hdr_spec s;
    memset(&s, 0, sizeof s);
    vh_mac_parse("52:54:00:00:00:02", &s.dst_mac);
    vh_mac_parse("52:54:00:00:00:01", &s.src_mac);
    vh_ipv4_parse("192.168.1.10", &s.ip_src, NULL);
    vh_ipv4_parse("192.168.1.20", &s.ip_dst, NULL);
    s.ip_id = dport;
    return vh_build_udp(buf, &s, 5000, dport, NULL, payload_len);
}

static struct sflow_flow_sample
flow_sample(const uint8_t *frame, uint32_t len)
{
    struct sflow_flow_sample fs;
    memset(&fs, 0, sizeof fs);
    fs.seq = 17;
    fs.source_ifindex = 3;
    fs.sampling_rate = 400;
    fs.sample_pool = 6800;
    fs.drops = 2;
    fs.input_ifindex = 3;
    fs.output_ifindex = 5;
    fs.frame = frame;
    fs.frame_len = len;
    return fs;
}

static struct sflow_if_counters
if_counters(void)
{
    struct sflow_if_counters c;
    memset(&c, 0, sizeof c);
    c.ifindex = 5;
    c.iftype = SFLOW_IFTYPE_ETHERNET;
    c.ifspeed = 10000000000ull;
    c.ifdirection = SFLOW_IFDIR_FULL_DUPLEX;
    c.ifstatus = SFLOW_IFSTATUS_ADMIN_UP | SFLOW_IFSTATUS_OPER_UP;
    c.in_octets = 0x123456789aull;
    c.in_ucast = 1001;
    c.in_mcast = 1002;
    c.in_bcast = 1003;
    c.in_discards = 1004;
    c.in_errors = 1005;
    c.in_unknown_protos = 1006;
    c.out_octets = 0xfedcba9876ull;
    c.out_ucast = 2001;
    c.out_mcast = 2002;
    c.out_bcast = 2003;
    c.out_discards = 2004;
    c.out_errors = 2005;
    c.promiscuous = 1;
    return c;
}

START_TEST(test_sflow_bytes)
{
    /* 61 bytes (19 of payload), so the header needs 3 bytes of padding. */
    uint8_t frame[128];
    uint32_t flen = build_sampled(frame, 7000, 19);
    ck_assert_uint_eq(flen, 61);

    uint8_t buf[SFLOW_DGRAM_MAX + 16];
    memset(buf, 0xee, sizeof buf);
    struct sflow_dgram d;
    sflow_dgram_begin(&d, buf, sizeof buf, AGENT_IP, 9, 42, 123456);
    ck_assert_uint_eq(sflow_dgram_end(&d), 28);
    ck_assert_uint_eq(be32(buf + 24), 0);

    struct sflow_flow_sample fs = flow_sample(frame, flen);
    ck_assert(sflow_dgram_add_flow(&d, &fs));
    struct sflow_if_counters c = if_counters();
    ck_assert(sflow_dgram_add_counters(&d, 8, &c));
    ck_assert_uint_eq(sflow_dgram_end(&d), 272);
    ck_assert_uint_eq(buf[272], 0xee);

    /* Datagram header. */
    ck_assert_uint_eq(be32(buf + 0), 5);            /* Version. */
    ck_assert_uint_eq(be32(buf + 4), 1);            /* IPv4. */
    ck_assert_uint_eq(be32(buf + 8), AGENT_IP);
    ck_assert_uint_eq(be32(buf + 12), 9);           /* Sub-agent. */
    ck_assert_uint_eq(be32(buf + 16), 42);          /* Sequence. */
    ck_assert_uint_eq(be32(buf + 20), 123456);      /* Uptime. */
    ck_assert_uint_eq(be32(buf + 24), 2);           /* Samples. */

    /* Flow sample, 0:1, 120 bytes after its length word. */
    const uint8_t *f = buf + 28;
    ck_assert_uint_eq(be32(f + 0), 1);
    ck_assert_uint_eq(be32(f + 4), 120);
    ck_assert_uint_eq(be32(f + 8), 17);             /* Sequence. */
    ck_assert_uint_eq(be32(f + 12), 3);             /* Source 0:3. */
    ck_assert_uint_eq(be32(f + 16), 400);           /* Rate. */
    ck_assert_uint_eq(be32(f + 20), 6800);          /* Pool. */
    ck_assert_uint_eq(be32(f + 24), 2);             /* Drops. */
    ck_assert_uint_eq(be32(f + 28), 3);             /* Input. */
    ck_assert_uint_eq(be32(f + 32), 5);             /* Output. */
    ck_assert_uint_eq(be32(f + 36), 1);             /* Records. */
    ck_assert_uint_eq(be32(f + 40), 1);             /* Raw header 0:1. */
    ck_assert_uint_eq(be32(f + 44), 80);            /* 16 + 64. */
    ck_assert_uint_eq(be32(f + 48), 1);             /* Ethernet. */
    ck_assert_uint_eq(be32(f + 52), 65);            /* With FCS. */
    ck_assert_uint_eq(be32(f + 56), 4);             /* Stripped. */
    ck_assert_uint_eq(be32(f + 60), 61);            /* Header length. */
    ck_assert_mem_eq(f + 64, frame, 61);
    ck_assert(all_zero(f + 64 + 61, 3));

    /* Counter sample, 0:2, 108 bytes after its length word. */
    const uint8_t *k = buf + 28 + 128;
    ck_assert_uint_eq(be32(k + 0), 2);
    ck_assert_uint_eq(be32(k + 4), 108);
    ck_assert_uint_eq(be32(k + 8), 8);              /* Sequence. */
    ck_assert_uint_eq(be32(k + 12), 5);             /* Source 0:5. */
    ck_assert_uint_eq(be32(k + 16), 1);             /* Records. */
    ck_assert_uint_eq(be32(k + 20), 1);             /* Generic 0:1. */
    ck_assert_uint_eq(be32(k + 24), 88);
    const uint8_t *g = k + 28;
    ck_assert_uint_eq(be32(g + 0), 5);              /* ifIndex. */
    ck_assert_uint_eq(be32(g + 4), 6);              /* ifType. */
    ck_assert_uint_eq(be64(g + 8), 10000000000ull); /* ifSpeed. */
    ck_assert_uint_eq(be32(g + 16), 1);             /* Full duplex. */
    ck_assert_uint_eq(be32(g + 20), 3);             /* Admin, oper up. */
    ck_assert_uint_eq(be64(g + 24), 0x123456789aull);
    for (uint32_t i = 0; i < 6; i++) {
        ck_assert_uint_eq(be32(g + 32 + 4 * i), 1001 + i);
    }
    ck_assert_uint_eq(be64(g + 56), 0xfedcba9876ull);
    for (uint32_t i = 0; i < 5; i++) {
        ck_assert_uint_eq(be32(g + 64 + 4 * i), 2001 + i);
    }
    ck_assert_uint_eq(be32(g + 84), 1);             /* Promiscuous. */
}
END_TEST

START_TEST(test_sflow_header_is_capped)
{
    uint8_t frame[1100];
    uint32_t flen = build_sampled(frame, 7000, 1000);
    ck_assert_uint_eq(flen, 1042);

    uint8_t buf[SFLOW_DGRAM_MAX];
    struct sflow_dgram d;
    sflow_dgram_begin(&d, buf, sizeof buf, AGENT_IP, 0, 1, 0);
    struct sflow_flow_sample fs = flow_sample(frame, flen);
    fs.output_ifindex = SFLOW_IF_UNKNOWN;
    ck_assert(sflow_dgram_add_flow(&d, &fs));
    ck_assert_uint_eq(sflow_dgram_end(&d), 28 + 8 + 56 + 128);
    ck_assert_uint_eq(be32(buf + 28 + 4), 56 + 128);
    ck_assert_uint_eq(be32(buf + 28 + 32), 0x3fffffff);
    ck_assert_uint_eq(be32(buf + 28 + 44), 16 + 128);
    ck_assert_uint_eq(be32(buf + 28 + 52), 1046);   /* The whole frame. */
    ck_assert_uint_eq(be32(buf + 28 + 60), 128);
    ck_assert_mem_eq(buf + 28 + 64, frame, 128);
}
END_TEST

START_TEST(test_sflow_fills_then_refuses)
{
    uint8_t frame[1100];
    uint32_t flen = build_sampled(frame, 7000, 1000);
    uint8_t buf[4096];
    struct sflow_dgram d;
    sflow_dgram_begin(&d, buf, sizeof buf, AGENT_IP, 0, 1, 0);
    struct sflow_flow_sample fs = flow_sample(frame, flen);

    /* 192-byte samples after a 28-byte header: 7 fit in 1400 bytes. */
    int n = 0;
    while (sflow_dgram_add_flow(&d, &fs)) {
        n++;
        ck_assert_int_le(n, 100);
    }
    ck_assert_int_eq(n, 7);
    ck_assert_uint_eq(sflow_dgram_end(&d), 28 + 7 * 192);
    ck_assert_uint_eq(be32(buf + 24), 7);

    /* Nor does a 116-byte counter sample in the 28 bytes left; after
     * six flow samples it does, once. */
    struct sflow_if_counters c = if_counters();
    ck_assert(!sflow_dgram_add_counters(&d, 1, &c));
    ck_assert_uint_eq(sflow_dgram_end(&d), 28 + 7 * 192);
    sflow_dgram_begin(&d, buf, sizeof buf, AGENT_IP, 0, 2, 0);
    for (int i = 0; i < 6; i++) {
        ck_assert(sflow_dgram_add_flow(&d, &fs));
    }
    ck_assert(sflow_dgram_add_counters(&d, 1, &c));
    ck_assert(!sflow_dgram_add_counters(&d, 2, &c));
    ck_assert_uint_eq(sflow_dgram_end(&d), 28 + 6 * 192 + 116);
    ck_assert_uint_eq(be32(buf + 24), 7);

    /* A smaller buffer is its own limit. */
    sflow_dgram_begin(&d, buf, 28 + 191, AGENT_IP, 0, 1, 0);
    ck_assert(!sflow_dgram_add_flow(&d, &fs));
    ck_assert_uint_eq(sflow_dgram_end(&d), 28);
    ck_assert_uint_eq(be32(buf + 24), 0);
}
END_TEST

/* What an agent sets beyond the defaults: OVS's bridge sampler as the
 * source (2:1000), a header size of its own, and the sequence number and
 * uptime stamped when the datagram is sent. */
START_TEST(test_sflow_agent_fields)
{
    uint8_t frame[1600];
    uint32_t flen = build_sampled(frame, 7000, 1500);
    uint8_t buf[SFLOW_DGRAM_MAX];
    struct sflow_dgram d;
    sflow_dgram_begin(&d, buf, sizeof buf, AGENT_IP, 0, 0, 0);

    struct sflow_flow_sample fs = flow_sample(frame, flen);
    fs.source_class = SFLOW_SOURCE_ENTITY;
    fs.source_ifindex = 1000;
    fs.header_max = 201;                /* Padded to 204. */
    ck_assert(sflow_dgram_add_flow(&d, &fs));
    ck_assert_uint_eq(sflow_dgram_end(&d), 28 + 8 + 56 + 204);
    ck_assert_uint_eq(be32(buf + 28 + 12), 2u << 24 | 1000);
    ck_assert_uint_eq(be32(buf + 28 + 60), 201);
    ck_assert_mem_eq(buf + 28 + 64, frame, 201);
    ck_assert(all_zero(buf + 28 + 64 + 201, 3));

    /* Stamping rewrites the sequence number and uptime only. */
    sflow_dgram_stamp(&d, 77, 4321);
    ck_assert_uint_eq(be32(buf + 16), 77);
    ck_assert_uint_eq(be32(buf + 20), 4321);
    ck_assert_uint_eq(be32(buf + 24), 1);
    ck_assert_uint_eq(be32(buf + 8), AGENT_IP);

    /* Any size asked is held to what fits one sample in a datagram. */
    sflow_dgram_begin(&d, buf, sizeof buf, AGENT_IP, 0, 1, 0);
    fs.header_max = 5000;
    ck_assert(sflow_dgram_add_flow(&d, &fs));
    ck_assert_uint_eq(be32(buf + 28 + 60), SFLOW_HEADER_LIMIT);
    ck_assert_uint_eq(sflow_dgram_end(&d), SFLOW_DGRAM_MAX);
    ck_assert(!sflow_dgram_add_flow(&d, &fs));
}
END_TEST

/* The collector's side of the sFlow frame: 10.0.0.1:50000 -> 10.0.0.9. */
static struct vh_ip_hdr_spec
collector_spec(void)
{
    struct vh_ip_hdr_spec s;
    memset(&s, 0, sizeof s);
    s.dst_mac = mac_b;
    s.src_mac = mac_a;
    s.ip_src = AGENT_IP;
    s.ip_dst = 0x0a000009;
    s.ip_id = 1;
    return s;
}

START_TEST(test_sflow_frame)
{
    uint8_t buf[SFLOW_DGRAM_MAX];
    struct sflow_dgram d;
    sflow_dgram_begin(&d, buf, sizeof buf, AGENT_IP, 0, 1, 0);

    uint8_t frame[SFLOW_FRAME_MAX];
    struct vh_ip_hdr_spec spec = collector_spec();
    uint32_t len = sflow_build_frame(frame, &spec, 50000, &d);
    /* Above the 60-byte minimum, so not padded. */
    ck_assert_uint_eq(len, 14 + 20 + 8 + 28);

    struct vh_frame_info fi;
    ck_assert_int_eq(vh_frame_parse(frame, len, &fi, true), 0);
    ck_assert_uint_eq(fi.sport, 50000);
    ck_assert_uint_eq(fi.dport, 6343);
    ck_assert_uint_eq(fi.l4_len, 8 + 28);
    ck_assert_mem_eq(frame + fi.l4_off + 8, buf, 28);
}
END_TEST

/* ---- tshark -------------------------------------------------------- */


/* Writes 'path': the two ends' LACPDUs, then one sFlow datagram holding
 * two flow samples (a short and a long UDP frame) and a counter sample. */
static void
write_capture(const char *path)
{
    char err[256];
    struct vh_pcapw *w = vh_pcapw_open(path, err, sizeof err);
    ck_assert_msg(w, "%s", err);

    uint8_t frame[SFLOW_FRAME_MAX];
    struct lacp_info a = actor_a(), b = partner_b();
    uint32_t len = lacp_build_pdu(frame, &mac_a, &a, &b, 50);
    ck_assert_int_eq(vh_pcapw_write(w, 1000000, frame, len), 0);
    len = lacp_build_pdu(frame, &mac_b, &b, &a, 0);
    ck_assert_int_eq(vh_pcapw_write(w, 2000000, frame, len), 0);

    uint8_t dgram[SFLOW_DGRAM_MAX];
    struct sflow_dgram d;
    sflow_dgram_begin(&d, dgram, sizeof dgram, AGENT_IP, 0, 42, 123456);
    uint8_t s1[128], s2[1100];
    struct sflow_flow_sample fs = flow_sample(s1, build_sampled(s1, 7000,
                                                                19));
    ck_assert(sflow_dgram_add_flow(&d, &fs));
    fs = flow_sample(s2, build_sampled(s2, 7001, 1000));
    fs.seq = 18;
    fs.input_ifindex = 4;
    ck_assert(sflow_dgram_add_flow(&d, &fs));
    struct sflow_if_counters c = if_counters();
    ck_assert(sflow_dgram_add_counters(&d, 8, &c));
    struct vh_ip_hdr_spec spec = collector_spec();
    len = sflow_build_frame(frame, &spec, 50000, &d);
    ck_assert_int_eq(vh_pcapw_write(w, 3000000, frame, len), 0);

    ck_assert_msg(vh_pcapw_commit(w, err, sizeof err) == 0, "%s", err);
}

START_TEST(test_tshark_decodes)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    char path[4096];
    snprintf(path, sizeof path, "%s/ovswire.pcap", dir);
    write_capture(path);

    /* No expert finding at all, and nothing malformed. */
    vh_tshark_assert_clean(path);

    vh_tshark_expect(path, 1, "-e frame.protocols",
                  "eth:ethertype:slow:lacp\n");
    vh_tshark_expect(path, 1, "-e lacp.version -e lacp.actor.sys_priority "
                  "-e lacp.actor.sysid -e lacp.actor.key "
                  "-e lacp.actor.port_priority -e lacp.actor.port "
                  "-e lacp.actor.state",
                  "0x01\t32768\t00:25:b5:00:00:0a\t4660\t255\t7\t0x0f\n");
    vh_tshark_expect(path, 1, "-e lacp.partner.sys_priority "
                  "-e lacp.partner.sysid -e lacp.partner.key "
                  "-e lacp.partner.port_priority -e lacp.partner.port "
                  "-e lacp.partner.state -e lacp.collector.max_delay",
                  "1\t00:25:b5:00:00:0b\t66\t128\t515\t0x3c\t50\n");
    vh_tshark_expect(path, 1, "-e lacp.actor.state.activity "
                  "-e lacp.actor.state.timeout "
                  "-e lacp.partner.state.distributing "
                  "-e lacp.partner.state.defaulted",
                  "1\t1\t1\t0\n");
    /* The other end's PDU, actor and partner swapped. */
    vh_tshark_expect(path, 2, "-e eth.src -e lacp.actor.sysid "
                  "-e lacp.actor.port -e lacp.partner.sysid "
                  "-e lacp.partner.port",
                  "00:25:b5:00:00:0b\t00:25:b5:00:00:0b\t515\t"
                  "00:25:b5:00:00:0a\t7\n");

    vh_tshark_expect(path, 3, "-e frame.protocols",
                  "eth:ethertype:ip:udp:sflow:eth:ethertype:ip:udp:data:"
                  "eth:ethertype:ip:udp:data\n");
    vh_tshark_expect(path, 3, "-e sflow_245.version -e sflow_245.agent "
                  "-e sflow_245.sequence_number -e sflow_245.sysuptime "
                  "-e sflow_245.numsamples",
                  "5\t10.0.0.1\t42\t123456\t3\n");
    vh_tshark_expect(path, 3, "-e sflow.flow_sample.sequence_number "
                  "-e sflow.flow_sample.sampling_rate "
                  "-e sflow.flow_sample.sample_pool "
                  "-e sflow.flow_sample.dropped_packets "
                  "-e sflow.flow_sample.input_interface "
                  "-e sflow.flow_sample.output_interface",
                  "17,18\t400,400\t6800,6800\t2,2\t3,4\t"
                  "0x00000005,0x00000005\n");
    vh_tshark_expect(path, 3, "-e sflow_245.header_protocol "
                  "-e sflow_245.header.frame_length "
                  "-e sflow_245.header.payload_stripped "
                  "-e sflow_245.header.sampled_header_length",
                  "1,1\t65,1046\t4,4\t61,128\n");
    /* The sampled headers decode as the VMs' IPv4/UDP frames, behind the
     * outer agent -> collector one. */
    vh_tshark_expect(path, 3, "-e ip.src -e ip.dst -e udp.dstport",
                  "10.0.0.1,192.168.1.10,192.168.1.10\t"
                  "10.0.0.9,192.168.1.20,192.168.1.20\t"
                  "6343,7000,7001\n");
    vh_tshark_expect(path, 3, "-e sflow.counters_sample.sequence_number "
                  "-e sflow.counters_sample.source_id_index "
                  "-e sflow_245.ifindex -e sflow_245.iftype "
                  "-e sflow_245.ifspeed -e sflow_245.ifdirection "
                  "-e sflow_245.ifadmin_status -e sflow_245.ifoper_status",
                  "8\t5\t5\t6\t10000000000\t1\t1\t1\n");
    vh_tshark_expect(path, 3, "-e sflow_245.ifinoct -e sflow_245.ifinpkt "
                  "-e sflow_245.ifinunk -e sflow_245.ifoutoct "
                  "-e sflow_245.ifoutpkt -e sflow_245.ifouterr "
                  "-e sflow_245.ifpromisc",
                  "78187493530\t1001\t1006\t1094624909430\t2001\t2005"
                  "\t1\n");
    vh_test_sh(NULL, "rm -r '%s'", dir);
    free(dir);
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

    tc = tcase_create("sflow");
    tcase_add_test(tc, test_sflow_bytes);
    tcase_add_test(tc, test_sflow_header_is_capped);
    tcase_add_test(tc, test_sflow_fills_then_refuses);
    tcase_add_test(tc, test_sflow_frame);
    tcase_add_test(tc, test_sflow_agent_fields);
    suite_add_tcase(s, tc);

    tc = tcase_create("tshark");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_tshark_decodes);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(ovswire_suite)
