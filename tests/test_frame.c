/* tests/test_frame.c: frame builders and parsers against known bytes,
 * round trips, VLAN push/pop and malformed input. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sim/frame.h"
#include "sim/packet.h"
#include "tests/testutil.h"

static const struct vh_mac mac_a = { { 0x00, 0x25, 0xb5, 0x00, 0x00, 0x0a } };
static const struct vh_mac mac_b = { { 0x00, 0x25, 0xb5, 0x00, 0x00, 0x0b } };

/* A verified example frame: the bytes after its VN-Tag,
 * that is 802.1Q (PCP 5, VID 100) + IPv4/UDP 10.0.0.1:12345 -> 10.0.0.2:7
 * "hello", which tshark decoded with IP checksum 0x1496 and UDP checksum
 * 0x77bf both [correct].  Our builder pads to 60 bytes; the padding is not
 * part of the example. */
static const uint8_t wire_udp_vlan[] = {
    0x00, 0x25, 0xb5, 0x00, 0x00, 0x0a, 0x00, 0x25, 0xb5, 0x00, 0x00, 0x0b,
    0x81, 0x00, 0xa0, 0x64, 0x08, 0x00,
    0x45, 0x00, 0x00, 0x21, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x14, 0x96,
    0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
    0x30, 0x39, 0x00, 0x07, 0x00, 0x0d, 0x77, 0xbf,
    0x68, 0x65, 0x6c, 0x6c, 0x6f,
};

/* ICMP echo request 02:00:00:00:00:0a -> 02:00:00:00:00:0b, 192.168.1.10
 * -> 192.168.1.20, IP id 1, DF, TTL 64, echo id 0x1234 seq 1, payload
 * 00 01 02 03 04 (odd length, so the checksum's odd-byte rule matters),
 * padded to 60.  Derived with a separate python3 script: struct.pack of
 * each header and its own RFC 1071 sum (which reproduces the 0x1496 of the
 * example above). */
static const uint8_t kat_icmp[] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,
    0x08, 0x00, 0x45, 0x00, 0x00, 0x21, 0x00, 0x01, 0x40, 0x00, 0x40, 0x01,
    0xb7, 0x6c, 0xc0, 0xa8, 0x01, 0x0a, 0xc0, 0xa8, 0x01, 0x14, 0x08, 0x00,
    0xdf, 0xc6, 0x12, 0x34, 0x00, 0x01, 0x00, 0x01, 0x02, 0x03, 0x04, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* ARP request: who has 192.168.1.1, tell 192.168.1.10 (52:54:00:12:34:56),
 * broadcast, padded to 60.  Same python3 script (struct.pack '!HHBBH6s4s6s4s'
 * for the ARP body). */
static const uint8_t kat_arp[] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
    0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x52, 0x54,
    0x00, 0x12, 0x34, 0x56, 0xc0, 0xa8, 0x01, 0x0a, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0xc0, 0xa8, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static struct vh_ip_hdr_spec
wire_spec(bool vlan)
{
    struct vh_ip_hdr_spec s;
    memset(&s, 0, sizeof s);
    s.dst_mac = mac_a;
    s.src_mac = mac_b;
    s.vlan = vlan;
    s.vlan_tci = 0xa064;
    s.ip_src = 0x0a000001;
    s.ip_dst = 0x0a000002;
    s.ip_id = 0x1234;
    return s;
}

/* A packet outside any pool, its buffer in the same allocation (free()
 * releases both): only the buffer layout of sim/packet.h is needed
 * here. */
static struct vh_packet *
packet_with(const uint8_t *frame, uint32_t len)
{
    struct vh_packet *p = calloc(1, sizeof *p + VH_PKT_BUFSIZE);
    ck_assert_ptr_nonnull(p);
    p->buf = (uint8_t *) (p + 1);
    p->cap = VH_PKT_BUFSIZE;
    p->data = p->buf + VH_PKT_HEADROOM;
    memcpy(p->data, frame, len);
    p->len = len;
    return p;
}

START_TEST(test_csum_rfc1071)
{
    /* RFC 1071 section 3's worked example: 0001 f203 f4f5 f6f7 sums to
     * 0x2ddf0, which folds to 0xddf2; the checksum is its complement. */
    static const uint8_t words[] = { 0x00, 0x01, 0xf2, 0x03,
                                     0xf4, 0xf5, 0xf6, 0xf7 };
    ck_assert_uint_eq(vh_csum_partial(words, sizeof words, 0), 0x2ddf0);
    ck_assert_uint_eq(vh_csum_fold(0x2ddf0), 0x220d);

    /* An odd last byte is the high byte of a word. */
    static const uint8_t odd[] = { 0xab };
    ck_assert_uint_eq(vh_csum_partial(odd, 1, 0), 0xab00);

    /* Summing in pieces (even splits) equals summing at once. */
    ck_assert_uint_eq(vh_csum_fold(vh_csum_partial(words + 4, 4,
                                   vh_csum_partial(words, 4, 0))), 0x220d);

    /* Long runs of 0xffff must not lose carries: the sum of n words of
     * 0xffff is congruent to 0 (one's complement), so folds to 0xffff and
     * the checksum is 0. */
    static uint8_t ones[65536];
    memset(ones, 0xff, sizeof ones);
    ck_assert_uint_eq(vh_csum_fold(vh_csum_partial(ones, sizeof ones,
                                                   0xffffffffu)), 0);
}
END_TEST

/* A router's step: the TTL one less and a header checksum that still
 * verifies (folds to zero over the header), equal to the checksum a
 * header built with that TTL has; with options (IHL 6) too. */
START_TEST(test_ipv4_dec_ttl)
{
    uint8_t a[VH_PKT_DATAROOM], b[VH_PKT_DATAROOM];
    struct vh_ip_hdr_spec s = wire_spec(false);
    vh_build_udp(a, &s, 1, 2, NULL, 18);
    s.ttl = 63;
    vh_build_udp(b, &s, 1, 2, NULL, 18);
    uint8_t *ip = a + VH_ETH_HLEN;
    ck_assert_uint_eq(ip[VH_IPV4_TTL_OFF], 64);
    vh_ipv4_dec_ttl(ip);
    ck_assert_mem_eq(ip, b + VH_ETH_HLEN, VH_IPV4_HLEN);
    ck_assert_uint_eq(vh_csum_fold(vh_csum_partial(ip, VH_IPV4_HLEN, 0)), 0);

    uint8_t opt[24];
    memcpy(opt, ip, VH_IPV4_HLEN);
    opt[0] = 0x46;
    opt[20] = 148;              /* Router Alert. */
    opt[21] = 4;
    opt[22] = opt[23] = 0;
    vh_ipv4_csum_update(opt);
    ck_assert_uint_eq(vh_csum_fold(vh_csum_partial(opt, 24, 0)), 0);
    ck_assert(vh_get_be16(opt + VH_IPV4_CSUM_OFF)
              != vh_get_be16(ip + VH_IPV4_CSUM_OFF));
}
END_TEST

START_TEST(test_udp_wire_example)
{
    uint8_t buf[VH_PKT_DATAROOM];
    struct vh_ip_hdr_spec s = wire_spec(true);

    memset(buf, 0xee, sizeof buf);
    uint32_t len = vh_build_udp(buf, &s, 12345, 7,
                                (const uint8_t *) "hello", 5);
    ck_assert_uint_eq(len, 60);
    ck_assert_mem_eq(buf, wire_udp_vlan, sizeof wire_udp_vlan);
    for (uint32_t i = sizeof wire_udp_vlan; i < len; i++) {
        ck_assert_uint_eq(buf[i], 0);
    }

    /* Untagged: the same bytes without the tag. */
    s = wire_spec(false);
    len = vh_build_udp(buf, &s, 12345, 7, (const uint8_t *) "hello", 5);
    ck_assert_uint_eq(len, 60);
    ck_assert_mem_eq(buf, wire_udp_vlan, 12);
    ck_assert_mem_eq(buf + 12, wire_udp_vlan + 16, sizeof wire_udp_vlan - 16);

    struct vh_frame_info fi;
    ck_assert_int_eq(vh_frame_parse(wire_udp_vlan, sizeof wire_udp_vlan,
                                    &fi, true), 0);
    ck_assert(fi.has_vlan);
    ck_assert_uint_eq(fi.vlan_tci, 0xa064);
    ck_assert_uint_eq(fi.ethertype, VH_ETHERTYPE_IPV4);
    ck_assert_uint_eq(fi.l3_off, 18);
    ck_assert(fi.is_ipv4);
    ck_assert_uint_eq(fi.ip_src, 0x0a000001);
    ck_assert_uint_eq(fi.ip_dst, 0x0a000002);
    ck_assert_uint_eq(fi.ip_proto, VH_IPPROTO_UDP);
    ck_assert_uint_eq(fi.ip_ttl, 64);
    ck_assert_uint_eq(fi.ip_total_len, 33);
    ck_assert_uint_eq(fi.l4_off, 38);
    ck_assert_uint_eq(fi.sport, 12345);
    ck_assert_uint_eq(fi.dport, 7);
    ck_assert_uint_eq(fi.l4_len, 13);
    ck_assert(vh_mac_eq(&fi.dst, &mac_a));
    ck_assert(vh_mac_eq(&fi.src, &mac_b));
}
END_TEST

START_TEST(test_icmp_known_answer)
{
    uint8_t buf[VH_PKT_DATAROOM];
    struct vh_ip_hdr_spec s;
    memset(&s, 0, sizeof s);
    ck_assert(vh_mac_parse("02:00:00:00:00:0b", &s.dst_mac));
    ck_assert(vh_mac_parse("02:00:00:00:00:0a", &s.src_mac));
    ck_assert(vh_ipv4_parse("192.168.1.10", &s.ip_src, NULL));
    ck_assert(vh_ipv4_parse("192.168.1.20", &s.ip_dst, NULL));
    s.ip_id = 1;

    uint32_t len = vh_build_icmp_echo(buf, &s, VH_ICMP_ECHO_REQUEST,
                                      0x1234, 1, NULL, 5);
    ck_assert_uint_eq(len, sizeof kat_icmp);
    ck_assert_mem_eq(buf, kat_icmp, sizeof kat_icmp);

    struct vh_frame_info fi;
    ck_assert_int_eq(vh_frame_parse(kat_icmp, sizeof kat_icmp, &fi, true),
                     0);
    ck_assert(fi.is_ipv4 && !fi.has_vlan);
    ck_assert_uint_eq(fi.ip_proto, VH_IPPROTO_ICMP);
    ck_assert_uint_eq(fi.icmp_type, VH_ICMP_ECHO_REQUEST);
    ck_assert_uint_eq(fi.icmp_code, 0);
    ck_assert_uint_eq(fi.icmp_id, 0x1234);
    ck_assert_uint_eq(fi.icmp_seq, 1);
    ck_assert_uint_eq(fi.ip_total_len, 33);
}
END_TEST

START_TEST(test_arp_known_answer)
{
    uint8_t buf[VH_PKT_DATAROOM];
    struct vh_mac sha;
    uint32_t spa, tpa;
    ck_assert(vh_mac_parse("52:54:00:12:34:56", &sha));
    ck_assert(vh_ipv4_parse("192.168.1.10", &spa, NULL));
    ck_assert(vh_ipv4_parse("192.168.1.1", &tpa, NULL));

    memset(buf, 0xee, sizeof buf);
    uint32_t len = vh_build_arp(buf, VH_ARP_REQUEST, &sha, spa, NULL, tpa,
                                NULL);
    ck_assert_uint_eq(len, sizeof kat_arp);
    ck_assert_mem_eq(buf, kat_arp, sizeof kat_arp);

    /* Passing the zero MAC and broadcast explicitly is the same request. */
    struct vh_mac zero;
    memset(&zero, 0, sizeof zero);
    len = vh_build_arp(buf, VH_ARP_REQUEST, &sha, spa, &zero, tpa,
                       &vh_mac_broadcast);
    ck_assert_mem_eq(buf, kat_arp, sizeof kat_arp);

    struct vh_frame_info fi;
    ck_assert_int_eq(vh_frame_parse(kat_arp, sizeof kat_arp, &fi, true), 0);
    ck_assert(fi.is_arp && !fi.is_ipv4);
    ck_assert_uint_eq(fi.ethertype, VH_ETHERTYPE_ARP);
    ck_assert_uint_eq(fi.arp_op, VH_ARP_REQUEST);
    ck_assert(vh_mac_eq(&fi.arp_sha, &sha));
    ck_assert(vh_mac_eq(&fi.arp_tha, &zero));
    ck_assert(vh_mac_eq(&fi.dst, &vh_mac_broadcast));
    ck_assert_uint_eq(fi.arp_spa, spa);
    ck_assert_uint_eq(fi.arp_tpa, tpa);
}
END_TEST

START_TEST(test_round_trip_udp)
{
    static const uint32_t sizes[] = { 0, 1, 2, 17, 18, 19, 100, 1471, 1472 };
    uint8_t buf[VH_PKT_DATAROOM];

    for (int vlan = 0; vlan < 2; vlan++) {
        for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
            struct vh_ip_hdr_spec s = wire_spec(vlan);
            s.ttl = 17;
            s.vlan_tci = 0x0fff;
            uint32_t len = vh_build_udp(buf, &s, 40000, 50000, NULL,
                                        sizes[i]);
            uint32_t l2 = vlan ? 18 : 14;
            uint32_t unpadded = l2 + 28 + sizes[i];
            ck_assert_uint_eq(len, unpadded < 60 ? 60 : unpadded);

            struct vh_frame_info fi;
            ck_assert_int_eq(vh_frame_parse(buf, len, &fi, true), 0);
            ck_assert_int_eq(fi.has_vlan, vlan);
            if (vlan) {
                ck_assert_uint_eq(fi.vlan_tci, 0x0fff);
            }
            ck_assert_uint_eq(fi.l3_off, l2);
            ck_assert_uint_eq(fi.l4_off, l2 + 20);
            ck_assert_uint_eq(fi.ip_ttl, 17);
            ck_assert_uint_eq(fi.ip_total_len, 28 + sizes[i]);
            ck_assert_uint_eq(fi.l4_len, 8 + sizes[i]);
            ck_assert_uint_eq(fi.sport, 40000);
            ck_assert_uint_eq(fi.dport, 50000);
            /* The default payload is the documented pattern. */
            for (uint32_t j = 0; j < sizes[i]; j++) {
                ck_assert_uint_eq(buf[l2 + 28 + j], j & 0xff);
            }
        }
    }
}
END_TEST

START_TEST(test_round_trip_icmp_and_arp)
{
    uint8_t buf[VH_PKT_DATAROOM];
    struct vh_ip_hdr_spec s = wire_spec(true);
    struct vh_frame_info fi;

    uint32_t len = vh_build_icmp_echo(buf, &s, VH_ICMP_ECHO_REPLY, 7, 65535,
                                      (const uint8_t *) "abc", 3);
    ck_assert_int_eq(vh_frame_parse(buf, len, &fi, true), 0);
    ck_assert(fi.has_vlan && fi.is_ipv4);
    ck_assert_uint_eq(fi.icmp_type, VH_ICMP_ECHO_REPLY);
    ck_assert_uint_eq(fi.icmp_id, 7);
    ck_assert_uint_eq(fi.icmp_seq, 65535);
    ck_assert_mem_eq(buf + fi.l4_off + 8, "abc", 3);

    struct vh_mac tha;
    ck_assert(vh_mac_parse("AA:bb:Cc:00:11:22", &tha));
    len = vh_build_arp(buf, VH_ARP_REPLY, &mac_a, 0x0a000001, &tha,
                       0x0a000002, &tha);
    ck_assert_uint_eq(len, 60);
    ck_assert_int_eq(vh_frame_parse(buf, len, &fi, true), 0);
    ck_assert(fi.is_arp && !fi.has_vlan);
    ck_assert_uint_eq(fi.arp_op, VH_ARP_REPLY);
    ck_assert(vh_mac_eq(&fi.dst, &tha));
    ck_assert(vh_mac_eq(&fi.src, &mac_a));
    ck_assert(vh_mac_eq(&fi.arp_sha, &mac_a));
    ck_assert(vh_mac_eq(&fi.arp_tha, &tha));
    ck_assert_uint_eq(fi.arp_spa, 0x0a000001);
    ck_assert_uint_eq(fi.arp_tpa, 0x0a000002);
}
END_TEST

START_TEST(test_udp_zero_checksum_sent_as_ffff)
{
    uint8_t buf[VH_PKT_DATAROOM];
    struct vh_ip_hdr_spec s = wire_spec(false);
    uint8_t pl[2] = { 0, 0 };

    /* With a zero word of payload the checksum is ~S.  Putting that value
     * in the payload word makes the sum S + ~S = 0xffff, whose checksum is
     * 0, which must go on the wire as 0xffff. */
    uint32_t len = vh_build_udp(buf, &s, 1, 2, pl, 2);
    uint16_t c = (uint16_t) (buf[14 + 20 + 6] << 8 | buf[14 + 20 + 7]);
    pl[0] = (uint8_t) (c >> 8);
    pl[1] = (uint8_t) c;
    len = vh_build_udp(buf, &s, 1, 2, pl, 2);
    ck_assert_uint_eq(buf[14 + 20 + 6], 0xff);
    ck_assert_uint_eq(buf[14 + 20 + 7], 0xff);

    struct vh_frame_info fi;
    ck_assert_int_eq(vh_frame_parse(buf, len, &fi, true), 0);
}
END_TEST

START_TEST(test_payload_for_size)
{
    ck_assert_uint_eq(vh_udp_payload_for_size(64), 18);
    ck_assert_uint_eq(vh_udp_payload_for_size(1518), 1472);
    ck_assert_uint_eq(vh_udp_payload_for_size(63), 18);
    ck_assert_uint_eq(vh_udp_payload_for_size(0), 18);
    ck_assert_uint_eq(vh_icmp_payload_for_size(64), 18);
    ck_assert_uint_eq(vh_icmp_payload_for_size(1518), 1472);
    ck_assert_uint_eq(vh_icmp_payload_for_size(1), 18);

    /* Every RFC 2544-style size gives a capture exactly 4 bytes (the FCS)
     * shorter. */
    uint8_t buf[VH_PKT_DATAROOM];
    struct vh_ip_hdr_spec s = wire_spec(false);
    for (uint32_t wire = 64; wire <= 1518; wire++) {
        ck_assert_uint_eq(vh_build_udp(buf, &s, 1, 2, NULL,
                                       vh_udp_payload_for_size(wire)),
                          wire - 4);
        ck_assert_uint_eq(vh_build_icmp_echo(buf, &s, 8, 1, 2, NULL,
                                             vh_icmp_payload_for_size(wire)),
                          wire - 4);
    }
}
END_TEST

START_TEST(test_vlan_push_pop)
{
    uint8_t plain[VH_PKT_DATAROOM], tagged[VH_PKT_DATAROOM];
    struct vh_ip_hdr_spec s = wire_spec(false);
    uint32_t plain_len = vh_build_udp(plain, &s, 1, 2, NULL, 100);
    s.vlan = true;
    s.vlan_tci = 0x3123;
    uint32_t tagged_len = vh_build_udp(tagged, &s, 1, 2, NULL, 100);

    /* Pushing onto the untagged frame gives what the builder makes with a
     * tag, and moves 'data' into the headroom rather than copying. */
    struct vh_packet *p = packet_with(plain, plain_len);
    uint8_t *old_data = p->data;
    vh_vlan_push(p, 0x3123);
    ck_assert_ptr_eq(p->data, old_data - 4);
    ck_assert_uint_eq(p->len, tagged_len);
    ck_assert_mem_eq(p->data, tagged, tagged_len);

    struct vh_frame_info fi;
    ck_assert_int_eq(vh_frame_parse(p->data, p->len, &fi, true), 0);
    ck_assert(fi.has_vlan);
    ck_assert_uint_eq(fi.vlan_tci, 0x3123);

    ck_assert_int_eq(vh_vlan_pop(p), 0x3123);
    ck_assert_ptr_eq(p->data, old_data);
    ck_assert_uint_eq(p->len, plain_len);
    ck_assert_mem_eq(p->data, plain, plain_len);

    /* No tag: -1 and the frame is untouched. */
    ck_assert_int_eq(vh_vlan_pop(p), -1);
    ck_assert_uint_eq(p->len, plain_len);
    ck_assert_mem_eq(p->data, plain, plain_len);

    /* Two tags (QinQ-style stacking with 0x8100 twice) pop in order. */
    vh_vlan_push(p, 10);
    vh_vlan_push(p, 20);
    ck_assert_int_eq(vh_vlan_pop(p), 20);
    ck_assert_int_eq(vh_vlan_pop(p), 10);
    ck_assert_mem_eq(p->data, plain, plain_len);
    free(p);

    /* A minimum-size tagged frame stays at the 60-byte minimum once
     * untagged, padded with zeros. */
    s.vlan_tci = 0xffff;        /* Every TCI bit, PCP 7 DEI 1 VID 4095. */
    tagged_len = vh_build_udp(tagged, &s, 1, 2, NULL, 18);
    ck_assert_uint_eq(tagged_len, 64);
    p = packet_with(tagged, tagged_len);
    ck_assert_int_eq(vh_vlan_pop(p), 0xffff);
    ck_assert_uint_eq(p->len, 60);
    s.vlan = false;
    plain_len = vh_build_udp(plain, &s, 1, 2, NULL, 18);
    ck_assert_mem_eq(p->data, plain, plain_len);

    /* Padding: a 4-byte-payload tagged frame (60 bytes, 14 of padding)
     * becomes 60 bytes again with zeros. */
    s.vlan = true;
    tagged_len = vh_build_udp(tagged, &s, 1, 2, NULL, 4);
    ck_assert_uint_eq(tagged_len, 60);
    free(p);
    p = packet_with(tagged, tagged_len);
    memset(p->data + tagged_len, 0xee, 8);      /* Dirty tailroom. */
    ck_assert_int_eq(vh_vlan_pop(p), 0xffff);
    ck_assert_uint_eq(p->len, 60);
    for (uint32_t i = 56; i < 60; i++) {
        ck_assert_uint_eq(p->data[i], 0);
    }
    ck_assert_int_eq(vh_frame_parse(p->data, p->len, &fi, true), 0);
    ck_assert(!fi.has_vlan);
    free(p);
}
END_TEST

/* Every proper prefix of a frame whose IP datagram fills it exactly is
 * truncated and must be refused.  Each prefix is copied into a buffer of
 * exactly that size, so ASan catches any read past 'len'. */
static void
assert_every_prefix_refused(const uint8_t *frame, uint32_t len)
{
    struct vh_frame_info fi;

    for (uint32_t n = 0; n < len; n++) {
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, frame, n);
        ck_assert_msg(vh_frame_parse(copy, n, &fi, false) == -1,
                      "prefix of %u of %u bytes accepted", n, len);
        ck_assert_int_eq(vh_frame_parse(copy, n, &fi, true), -1);
        free(copy);
    }
    uint8_t *copy = malloc(len);
    memcpy(copy, frame, len);
    ck_assert_int_eq(vh_frame_parse(copy, len, &fi, true), 0);
    free(copy);
}

START_TEST(test_truncated)
{
    uint8_t buf[VH_PKT_DATAROOM];
    struct vh_ip_hdr_spec s = wire_spec(false);

    /* 26 payload bytes: 68 bytes, no padding. */
    uint32_t len = vh_build_udp(buf, &s, 1, 2, NULL, 26);
    ck_assert_uint_eq(len, 68);
    assert_every_prefix_refused(buf, len);

    s.vlan = true;
    len = vh_build_udp(buf, &s, 1, 2, NULL, 26);
    assert_every_prefix_refused(buf, len);

    len = vh_build_icmp_echo(buf, &s, 8, 1, 1, NULL, 40);
    assert_every_prefix_refused(buf, len);

    /* ARP is 42 bytes of header and 18 of padding: cut inside the header it
     * is refused, cut inside the padding it is still a whole ARP. */
    struct vh_frame_info fi;
    len = vh_build_arp(buf, VH_ARP_REQUEST, &mac_a, 1, NULL, 2, NULL);
    assert_every_prefix_refused(buf, 42);
    for (uint32_t n = 42; n <= len; n++) {
        ck_assert_int_eq(vh_frame_parse(buf, n, &fi, true), 0);
    }
}
END_TEST

/* Returns a fresh copy of a 68-byte UDP frame (26 bytes of payload). */
static uint32_t
good_udp(uint8_t *buf)
{
    struct vh_ip_hdr_spec s = wire_spec(false);
    return vh_build_udp(buf, &s, 1, 2, NULL, 26);
}

START_TEST(test_inconsistent)
{
    uint8_t buf[VH_PKT_DATAROOM];
    struct vh_frame_info fi;
    uint32_t len;

    len = good_udp(buf);
    buf[14] = 0x65;                             /* Version 6 in 0x0800. */
    ck_assert_int_eq(vh_frame_parse(buf, len, &fi, false), -1);

    len = good_udp(buf);
    buf[14] = 0x44;                             /* IHL 4 (16 bytes). */
    ck_assert_int_eq(vh_frame_parse(buf, len, &fi, false), -1);

    len = good_udp(buf);
    buf[14] = 0x4f;                             /* IHL 15: 60 > total. */
    ck_assert_int_eq(vh_frame_parse(buf, len, &fi, false), -1);

    len = good_udp(buf);
    buf[17] = 55;                               /* Total 55 > 54 here. */
    ck_assert_int_eq(vh_frame_parse(buf, len, &fi, false), -1);

    len = good_udp(buf);
    buf[17] = 19;                               /* Total < header. */
    ck_assert_int_eq(vh_frame_parse(buf, len, &fi, false), -1);

    len = good_udp(buf);
    buf[17] = 27;                               /* 7 bytes: no UDP header. */
    ck_assert_int_eq(vh_frame_parse(buf, len, &fi, false), -1);

    len = good_udp(buf);
    buf[39] = 35;                               /* UDP length > IP payload. */
    ck_assert_int_eq(vh_frame_parse(buf, len, &fi, false), -1);

    len = good_udp(buf);
    buf[39] = 7;                                /* UDP length < header. */
    ck_assert_int_eq(vh_frame_parse(buf, len, &fi, false), -1);

    len = good_udp(buf);
    buf[39] = 8;                                /* Shorter UDP length is */
    ck_assert_int_eq(vh_frame_parse(buf, len, &fi, false), 0); /* allowed. */
    ck_assert_uint_eq(fi.l4_len, 8);

    /* ARP for another hardware or protocol type. */
    len = vh_build_arp(buf, 1, &mac_a, 1, NULL, 2, NULL);
    buf[15] = 6;
    ck_assert_int_eq(vh_frame_parse(buf, len, &fi, false), -1);
    len = vh_build_arp(buf, 1, &mac_a, 1, NULL, 2, NULL);
    buf[18] = 8;                                /* hlen 8 */
    ck_assert_int_eq(vh_frame_parse(buf, len, &fi, false), -1);

    /* A VLAN tag with nothing after it. */
    len = good_udp(buf);
    buf[12] = 0x81;
    buf[13] = 0x00;
    ck_assert_int_eq(vh_frame_parse(buf, 17, &fi, false), -1);

    /* Unknown EtherTypes (here IEEE's local experimental one) are not
     * malformed, just not looked into. */
    len = good_udp(buf);
    buf[12] = 0x88;
    buf[13] = 0xb5;
    ck_assert_int_eq(vh_frame_parse(buf, len, &fi, true), 0);
    ck_assert(!fi.is_ipv4 && !fi.is_ipv6 && !fi.is_arp);
    ck_assert_uint_eq(fi.ethertype, 0x88b5);

    /* An IPv4 header behind IPv6's EtherType is inconsistent. */
    len = good_udp(buf);
    buf[12] = 0x86;
    buf[13] = 0xdd;
    ck_assert_int_eq(vh_frame_parse(buf, len, &fi, false), -1);
}
END_TEST

/* Flipping any single bit of the IP datagram must be caught by 'verify':
 * every byte of it is under the IP header checksum or the UDP/ICMP one (a
 * one's-complement sum changes whenever one bit does).  Bits in the
 * Ethernet padding are under no checksum and must not matter. */
static void
assert_bit_flips_caught(uint8_t *frame, uint32_t len, uint32_t l3,
                        uint32_t ip_len)
{
    struct vh_frame_info fi;

    for (uint32_t i = l3; i < len; i++) {
        for (int bit = 0; bit < 8; bit++) {
            frame[i] ^= (uint8_t) (1u << bit);
            int r = vh_frame_parse(frame, len, &fi, true);
            if (i < l3 + ip_len) {
                ck_assert_msg(r == -1, "flip of byte %u bit %d missed", i,
                              bit);
            } else {
                ck_assert_int_eq(r, 0);
            }
            frame[i] ^= (uint8_t) (1u << bit);
        }
    }
    ck_assert_int_eq(vh_frame_parse(frame, len, &fi, true), 0);
}

START_TEST(test_verify_checksums)
{
    uint8_t buf[VH_PKT_DATAROOM];
    struct vh_ip_hdr_spec s = wire_spec(true);
    struct vh_frame_info fi;

    uint32_t len = vh_build_udp(buf, &s, 1, 2, NULL, 3);
    assert_bit_flips_caught(buf, len, 18, 31);
    len = vh_build_icmp_echo(buf, &s, 8, 1, 2, NULL, 9);
    assert_bit_flips_caught(buf, len, 18, 37);

    /* Without 'verify' a corrupted payload is accepted. */
    len = vh_build_udp(buf, &s, 1, 2, NULL, 30);
    buf[len - 1] ^= 1;
    ck_assert_int_eq(vh_frame_parse(buf, len, &fi, false), 0);
    ck_assert_int_eq(vh_frame_parse(buf, len, &fi, true), -1);

    /* UDP checksum 0 means "none": the corrupted payload then passes. */
    buf[18 + 20 + 6] = 0;
    buf[18 + 20 + 7] = 0;
    ck_assert_int_eq(vh_frame_parse(buf, len, &fi, true), 0);
}
END_TEST

/* The builders sum their headers and payloads from the values rather
 * than from the frame they wrote: every size, with the generated
 * payload and with one given, odd and even, past the pattern's 256-byte
 * period, verifies as the receiving stack checks it. */
START_TEST(test_checksums_every_size)
{
    uint8_t buf[VH_PKT_DATAROOM], given[1500];
    struct vh_ip_hdr_spec s = wire_spec(false);
    struct vh_frame_info fi;

    for (size_t i = 0; i < sizeof given; i++) {
        given[i] = (uint8_t) (i * 131 + 7);
    }
    for (uint32_t n = 0; n <= 1472; n++) {
        s.ip_id = (uint16_t) (n * 40503u);
        s.ip_src = 0x0a000001 + n * 65599u;
        uint32_t len = vh_build_udp(buf, &s, (uint16_t) (n * 7),
                                    (uint16_t) ~n, NULL, n);
        ck_assert_msg(vh_frame_parse(buf, len, &fi, true) == 0,
                      "generated payload of %u bytes", n);
        len = vh_build_udp(buf, &s, 9, 10, given, n);
        ck_assert_msg(vh_frame_parse(buf, len, &fi, true) == 0,
                      "given payload of %u bytes", n);
    }
}
END_TEST

/* Random damage to valid frames: the parser must never read out of bounds
 * (ASan watches the exact-size copies) and whatever it accepts must be
 * self-consistent. */
START_TEST(test_mutations)
{
    uint8_t frames[4][VH_PKT_DATAROOM];
    uint32_t lens[4];
    struct vh_ip_hdr_spec s = wire_spec(false);

    lens[0] = vh_build_udp(frames[0], &s, 1, 2, NULL, 40);
    s.vlan = true;
    lens[1] = vh_build_udp(frames[1], &s, 1, 2, NULL, 3);
    lens[2] = vh_build_icmp_echo(frames[2], &s, 0, 1, 2, NULL, 50);
    lens[3] = vh_build_arp(frames[3], 2, &mac_a, 1, &mac_b, 2, &mac_b);

    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int iter = 0; iter < 20000; iter++) {
        /* xorshift64: deterministic, good enough to scatter damage. */
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int k = (int) (x & 3);
        uint32_t len = lens[k] - (uint32_t) ((x >> 8) % 8 == 0
                                             ? (x >> 16) % lens[k] : 0);
        uint8_t *f = malloc(len ? len : 1);
        memcpy(f, frames[k], len);
        for (int m = 0; m < 3 && len; m++) {
            f[(x >> (20 + 10 * m)) % len] = (uint8_t) (x >> (8 * m));
        }

        struct vh_frame_info fi;
        if (vh_frame_parse(f, len, &fi, (x >> 60) & 1) == 0) {
            ck_assert_uint_le(fi.l3_off, len);
            if (fi.is_ipv4) {
                ck_assert_uint_le(fi.l3_off + fi.ip_total_len, len);
                ck_assert_uint_le(fi.l4_off, fi.l3_off + fi.ip_total_len);
                if (fi.ip_proto == VH_IPPROTO_UDP && fi.l4_len) {
                    ck_assert_uint_le(fi.l4_off + fi.l4_len,
                                      fi.l3_off + fi.ip_total_len);
                }
            }
            if (fi.is_arp) {
                ck_assert_uint_le(fi.l3_off + VH_ARP_LEN, len);
            }
        }
        free(f);
    }
}
END_TEST

/* The flow parser: addresses, protocol and ports, past a VLAN tag; a
 * fragment's ports and anything not IPv4 are left out. */
START_TEST(test_flow)
{
    struct vh_flow f;
    ck_assert(vh_frame_flow(wire_udp_vlan, sizeof wire_udp_vlan, &f));
    ck_assert_uint_eq(f.ip_src, 0x0a000001);
    ck_assert_uint_eq(f.ip_dst, 0x0a000002);
    ck_assert_uint_eq(f.proto, VH_IPPROTO_UDP);
    ck_assert(f.has_ports);
    ck_assert_uint_eq(f.sport, 12345);
    ck_assert_uint_eq(f.dport, 7);

    ck_assert(vh_frame_flow(kat_icmp, sizeof kat_icmp, &f));
    ck_assert_uint_eq(f.ip_src, 0xc0a8010a);
    ck_assert_uint_eq(f.ip_dst, 0xc0a80114);
    ck_assert_uint_eq(f.proto, VH_IPPROTO_ICMP);
    ck_assert(!f.has_ports);

    uint8_t frag[sizeof wire_udp_vlan];
    memcpy(frag, wire_udp_vlan, sizeof frag);
    frag[VH_ETH_HLEN + VH_VLAN_HLEN + VH_IPV4_FRAG_OFF] |= 0x20;  /* MF. */
    ck_assert(vh_frame_flow(frag, sizeof frag, &f));
    ck_assert_uint_eq(f.ip_dst, 0x0a000002);
    ck_assert(!f.has_ports);
    ck_assert_uint_eq(f.sport, 0);

    ck_assert(!vh_frame_flow(kat_arp, sizeof kat_arp, &f));
    ck_assert_uint_eq(f.ip_dst, 0);
    /* Cut inside the IPv4 header: not a flow. */
    ck_assert(!vh_frame_flow(kat_icmp, VH_ETH_HLEN + VH_IPV4_HLEN - 1, &f));
    /* Cut before the ports: addresses only. */
    ck_assert(vh_frame_flow(kat_icmp, VH_ETH_HLEN + VH_IPV4_HLEN, &f));
    ck_assert_uint_eq(f.ip_src, 0xc0a8010a);
}
END_TEST

START_TEST(test_mac_parse_format)
{
    struct vh_mac m;
    char buf[18];

    ck_assert(vh_mac_parse("52:54:00:AB:cd:Ef", &m));
    static const uint8_t want[] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };
    ck_assert_mem_eq(m.b, want, 6);
    ck_assert_str_eq(vh_mac_format(&m, buf), "52:54:00:ab:cd:ef");
    ck_assert(!vh_mac_is_multicast(&m));
    ck_assert(vh_mac_is_multicast(&vh_mac_broadcast));
    ck_assert(vh_mac_parse("01:00:5e:00:00:01", &m));
    ck_assert(vh_mac_is_multicast(&m));
    ck_assert(vh_mac_parse("ff:ff:ff:ff:ff:ff", &m));
    ck_assert(vh_mac_eq(&m, &vh_mac_broadcast));

    static const char *const bad[] = {
        "", "52:54:00:00:00", "52:54:00:00:00:01:02", "52:54:00:00:00:0g",
        "5:54:00:00:00:01", "52:54:00:00:00:1", "525:4:00:00:00:01",
        "52-54-00-00-00-01", "52:54:00:00:00:01 ", " 52:54:00:00:00:01",
        "52:54:00:00:00:", "52:54::00:00:00:01", "5254.0000.0001",
        "52:54:00:00:00:01:", "+2:54:00:00:00:01",
    };
    struct vh_mac keep = mac_a;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        m = keep;
        ck_assert_msg(!vh_mac_parse(bad[i], &m), "accepted '%s'", bad[i]);
        ck_assert(vh_mac_eq(&m, &keep));      /* Untouched on failure. */
    }
}
END_TEST

START_TEST(test_ipv4_parse_format)
{
    uint32_t a;
    int plen;
    char buf[16];

    ck_assert(vh_ipv4_parse("10.0.0.1", &a, NULL));
    ck_assert_uint_eq(a, 0x0a000001);
    ck_assert(vh_ipv4_parse("255.255.255.255", &a, &plen));
    ck_assert_uint_eq(a, 0xffffffff);
    ck_assert_int_eq(plen, 32);
    ck_assert(vh_ipv4_parse("0.0.0.0/0", &a, &plen));
    ck_assert_uint_eq(a, 0);
    ck_assert_int_eq(plen, 0);
    ck_assert(vh_ipv4_parse("192.168.1.0/24", &a, &plen));
    ck_assert_uint_eq(a, 0xc0a80100);
    ck_assert_int_eq(plen, 24);
    ck_assert(vh_ipv4_parse("172.16.0.9/32", &a, &plen));
    ck_assert_int_eq(plen, 32);

    ck_assert_str_eq(vh_ipv4_format(0xc0a8010a, buf), "192.168.1.10");
    ck_assert_str_eq(vh_ipv4_format(0xffffffff, buf), "255.255.255.255");
    ck_assert_str_eq(vh_ipv4_format(0, buf), "0.0.0.0");

    static const char *const bad[] = {
        "", "1.2.3", "256.0.0.1", "1.2.3.4/33", "1.2.3.4.5", "1..2.3",
        "1.2.3.", ".1.2.3", "01.2.3.4", "1.2.3.4/", "1.2.3.4/024",
        "1.2.3.4/-1", " 1.2.3.4", "1.2.3.4 ", "1.2.3.-4", "0x1.2.3.4",
        "1.2.3.4/24/8", "1.2.3.1000", "a.b.c.d", "1.2.3.4x", "1,2,3,4",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        a = 0x01020304;
        plen = 7;
        ck_assert_msg(!vh_ipv4_parse(bad[i], &a, &plen), "accepted '%s'",
                      bad[i]);
        ck_assert_uint_eq(a, 0x01020304);
        ck_assert_int_eq(plen, 7);
    }

    /* A prefix where none is wanted is an error, not ignored. */
    ck_assert(!vh_ipv4_parse("10.0.0.0/8", &a, NULL));

    /* Format and parse are inverses. */
    for (uint64_t v = 0; v <= 0xffffffffu; v += 0x01010101u / 3) {
        ck_assert(vh_ipv4_parse(vh_ipv4_format((uint32_t) v, buf), &a,
                                NULL));
        ck_assert_uint_eq(a, v);
    }
}
END_TEST

static Suite *
frame_suite(void)
{
    Suite *s = suite_create("frame");
    TCase *tc = tcase_create("frame");
    tcase_add_test(tc, test_csum_rfc1071);
    tcase_add_test(tc, test_udp_wire_example);
    tcase_add_test(tc, test_ipv4_dec_ttl);
    tcase_add_test(tc, test_icmp_known_answer);
    tcase_add_test(tc, test_arp_known_answer);
    tcase_add_test(tc, test_round_trip_udp);
    tcase_add_test(tc, test_round_trip_icmp_and_arp);
    tcase_add_test(tc, test_udp_zero_checksum_sent_as_ffff);
    tcase_add_test(tc, test_payload_for_size);
    tcase_add_test(tc, test_vlan_push_pop);
    tcase_add_test(tc, test_truncated);
    tcase_add_test(tc, test_inconsistent);
    tcase_add_test(tc, test_verify_checksums);
    tcase_add_test(tc, test_checksums_every_size);
    tcase_add_test(tc, test_mutations);
    tcase_add_test(tc, test_flow);
    tcase_add_test(tc, test_mac_parse_format);
    tcase_add_test(tc, test_ipv4_parse_format);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(frame_suite)
