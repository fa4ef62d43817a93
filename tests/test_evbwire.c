/* tests/test_evbwire.c: the tags and control frames of edge virtual
 * bridging (VN-Tag, 802.1BR E-Tag, ECP with VDP) against bytes written
 * out by hand from the formats (not from the encoders' own #defines, so a
 * wrong constant fails here), then read back by tshark from a capture. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/switch/etag.h"
#include "models/switch/vdp.h"
#include "models/switch/vntag.h"
#include "sim/frame.h"
#include "sim/packet.h"
#include "sim/pcapw.h"
#include "tests/testutil.h"

static const struct vh_mac mac_a = { { 0x00, 0x25, 0xb5, 0x00, 0x00, 0x0a } };
static const struct vh_mac mac_b = { { 0x00, 0x25, 0xb5, 0x00, 0x00, 0x0b } };

/* A packet holding a copy of 'len' bytes. */
static struct vh_packet *
packet_of(struct vh_pool *pool, const uint8_t *bytes, uint32_t len)
{
    struct vh_packet *p = vh_packet_alloc(pool);
    memcpy(vh_packet_put(p, len), bytes, len);
    return p;
}

/* A VLAN-tagged UDP frame 10.0.0.1:5000 -> 10.0.0.2:'dport', padded to
 * the minimum when short. */
static uint32_t
build_tagged_udp(uint8_t *buf, uint16_t tci, uint16_t dport,
                 uint32_t payload_len)
{
    struct vh_ip_hdr_spec s;
    memset(&s, 0, sizeof s);
    s.dst_mac = mac_a;
    s.src_mac = mac_b;
    s.vlan = true;
    s.vlan_tci = tci;
    s.ip_src = 0x0a000001;
    s.ip_dst = 0x0a000002;
    s.ip_id = 0x1234;
    return vh_build_udp(buf, &s, 5000, dport, NULL, payload_len);
}

/* ---- VN-Tag -------------------------------------------------------- */

/* From the bridge (d=1) to VIF 0x123, from VIF 0x045, on a frame tagged
 * PCP 5 VLAN 100 holding IPv4/UDP 10.0.0.1:12345 -> 10.0.0.2:7 "hello". */
static const uint8_t kat_vntag[] = {
    0x00, 0x25, 0xb5, 0x00, 0x00, 0x0a, 0x00, 0x25, 0xb5, 0x00, 0x00, 0x0b,
    /* EtherType 0x8926; d=1 p=0 dst=0x123; l=0 ver=0 src=0x045. */
    0x89, 0x26, 0x81, 0x23, 0x00, 0x45,
    /* 802.1Q PCP 5 VID 100, IPv4. */
    0x81, 0x00, 0xa0, 0x64, 0x08, 0x00,
    0x45, 0x00, 0x00, 0x21, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x14, 0x96,
    0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
    0x30, 0x39, 0x00, 0x07, 0x00, 0x0d, 0x77, 0xbf,
    0x68, 0x65, 0x6c, 0x6c, 0x6f,
};
#define KAT_TAG_OFF 12
#define KAT_VNTAG_LEN 6

/* 'kat' without the 'taglen' bytes of its tag at offset 12. */
static uint32_t
untagged(uint8_t *out, const uint8_t *kat, uint32_t len, uint32_t taglen)
{
    memcpy(out, kat, KAT_TAG_OFF);
    memcpy(out + KAT_TAG_OFF, kat + KAT_TAG_OFF + taglen,
           len - KAT_TAG_OFF - taglen);
    return len - taglen;
}

START_TEST(test_vntag_bytes)
{
    struct vh_pool pool;
    vh_pool_init(&pool);
    uint8_t plain[sizeof kat_vntag];
    uint32_t plen = untagged(plain, kat_vntag, sizeof kat_vntag,
                             KAT_VNTAG_LEN);
    struct vh_packet *p = packet_of(&pool, plain, plen);

    struct vntag t = { .dir = true, .dst = 0x123, .src = 0x045 };
    vntag_push(p, &t);
    ck_assert_uint_eq(p->len, sizeof kat_vntag);
    for (size_t i = 0; i < sizeof kat_vntag; i++) {
        ck_assert_msg(p->data[i] == kat_vntag[i],
                      "byte %zu is 0x%02x, not 0x%02x",
                      i, p->data[i], kat_vntag[i]);
    }
    vh_packet_free(p);
    vh_pool_destroy(&pool);
}
END_TEST

START_TEST(test_vntag_word)
{
    /* Every field at its largest, d=0 and the reserved bit clear: the
     * bytes 7f ff 9f ff. */
    struct vntag t = { .dir = false, .ptr = true, .dst = 16383,
                       .looped = true, .version = 1, .src = 4095 };
    ck_assert_uint_eq(vntag_word(&t), 0x7fff9fffu);
    struct vntag r = vntag_from_word(0x7fff9fffu);
    ck_assert_mem_eq(&r, &t, sizeof t);

    /* One field at a time, at the bit positions of the format. */
    struct vntag z = { .dir = false };
    ck_assert_uint_eq(vntag_word(&z), 0);
    z.dir = true;
    ck_assert_uint_eq(vntag_word(&z), 0x80000000u);
    z = (struct vntag) { .ptr = true };
    ck_assert_uint_eq(vntag_word(&z), 0x40000000u);
    z = (struct vntag) { .dst = 1 };
    ck_assert_uint_eq(vntag_word(&z), 0x00010000u);
    z = (struct vntag) { .looped = true };
    ck_assert_uint_eq(vntag_word(&z), 0x00008000u);
    z = (struct vntag) { .version = 3 };
    ck_assert_uint_eq(vntag_word(&z), 0x00003000u);
    z = (struct vntag) { .src = 1 };
    ck_assert_uint_eq(vntag_word(&z), 0x00000001u);

    /* The reserved bit is not a field. */
    r = vntag_from_word(0x00004000u);
    ck_assert_mem_eq(&r, &((struct vntag) { .dir = false }), sizeof r);
}
END_TEST

START_TEST(test_vntag_round_trip)
{
    struct vh_pool pool;
    vh_pool_init(&pool);
    uint8_t buf[256];
    uint32_t len = build_tagged_udp(buf, 0x2064, 7000, 100);
    struct vh_packet *p = packet_of(&pool, buf, len);
    ck_assert(!vntag_present(p->data, p->len));

    struct vntag t = { .dir = false, .ptr = false, .dst = 0,
                       .looped = false, .version = 0, .src = 17 }, r;
    vntag_push(p, &t);
    ck_assert_uint_eq(p->len, len + 6);
    ck_assert(vntag_present(p->data, p->len));
    ck_assert(vntag_read(p->data, p->len, &r));
    ck_assert_mem_eq(&r, &t, sizeof t);
    /* The VLAN tag is behind the VN-Tag, whole. */
    ck_assert_uint_eq(vh_get_be16(p->data + 18), 0x8100);
    ck_assert_uint_eq(vh_get_be16(p->data + 20), 0x2064);
    ck_assert_mem_eq(p->data + 18, buf + 12, len - 12);

    memset(&r, 0x5a, sizeof r);
    ck_assert(vntag_pop(p, &r));
    ck_assert_mem_eq(&r, &t, sizeof t);
    ck_assert_uint_eq(p->len, len);
    ck_assert_mem_eq(p->data, buf, len);
    ck_assert_int_eq(vh_frame_vlan(p->data, p->len), 100);

    /* Nothing to pop now: the frame stays as it is. */
    ck_assert(!vntag_pop(p, NULL));
    ck_assert_uint_eq(p->len, len);
    ck_assert_mem_eq(p->data, buf, len);

    /* A 57-byte tagged frame is a runt without its tag: padded to 60. */
    vh_packet_free(p);
    p = packet_of(&pool, kat_vntag, sizeof kat_vntag);
    ck_assert(vntag_pop(p, NULL));
    ck_assert_uint_eq(p->len, 60);
    uint8_t plain[60] = { 0 };
    untagged(plain, kat_vntag, sizeof kat_vntag, KAT_VNTAG_LEN);
    ck_assert_mem_eq(p->data, plain, 60);

    /* Too short to hold the EtherType behind the tag. */
    ck_assert(!vntag_present(kat_vntag, 19));
    ck_assert(vntag_present(kat_vntag, 20));
    vh_packet_free(p);
    vh_pool_destroy(&pool);
}
END_TEST

/* ---- E-Tag --------------------------------------------------------- */

/* E-PCP 3, ingress E-CID 0x01/0x012, E-CID 0x02/0x345, over a frame
 * tagged VLAN 200 holding IPv4: the first 28 bytes. */
static const uint8_t kat_etag[] = {
    0x00, 0x25, 0xb5, 0x00, 0x00, 0x0a, 0x00, 0x25, 0xb5, 0x00, 0x00, 0x0b,
    0x89, 0x3f, 0x60, 0x12, 0x03, 0x45, 0x01, 0x02,
    0x81, 0x00, 0x00, 0xc8, 0x08, 0x00, 0x45, 0x00,
};
#define KAT_ETAG_LEN 8

static struct etag
etag_kat(void)
{
    struct etag t = { .pcp = 3, .in_ecid_base = 0x012, .in_ecid_ext = 0x01,
                      .ecid_base = 0x345, .ecid_ext = 0x02 };
    return t;
}

/* Field by field: the struct has padding, which memcmp would read. */
static bool
etag_eq(const struct etag *a, const struct etag *b)
{
    return a->pcp == b->pcp && a->dei == b->dei
           && a->in_ecid_base == b->in_ecid_base
           && a->in_ecid_ext == b->in_ecid_ext && a->grp == b->grp
           && a->ecid_base == b->ecid_base && a->ecid_ext == b->ecid_ext;
}

START_TEST(test_etag_bytes)
{
    struct vh_pool pool;
    vh_pool_init(&pool);
    uint8_t buf[256];
    uint32_t len = build_tagged_udp(buf, 200, 7000, 5);
    ck_assert_mem_eq(buf, kat_etag, 12);
    ck_assert_mem_eq(buf + 12, kat_etag + 20, 8);
    struct vh_packet *p = packet_of(&pool, buf, len);

    struct etag t = etag_kat();
    ck_assert_uint_eq(etag_ecid(&t), 9029);
    ck_assert_uint_eq(etag_in_ecid(&t), 4114);
    etag_push(p, &t);
    ck_assert_uint_eq(p->len, len + 8);
    for (size_t i = 0; i < sizeof kat_etag; i++) {
        ck_assert_msg(p->data[i] == kat_etag[i],
                      "byte %zu is 0x%02x, not 0x%02x",
                      i, p->data[i], kat_etag[i]);
    }
    ck_assert_mem_eq(p->data + 20, buf + 12, len - 12);

    /* GRP 1 and the largest E-CID: 00 00 1f ff 00 3f. */
    uint8_t tci[6];
    struct etag g = { .grp = 1 };
    etag_set_ecid(&g, 262143);
    etag_put(tci, &g);
    static const uint8_t kat_grp[] = { 0x00, 0x00, 0x1f, 0xff, 0x00, 0x3f };
    ck_assert_mem_eq(tci, kat_grp, sizeof tci);
    struct etag r = etag_get(kat_grp);
    ck_assert(etag_eq(&r, &g));

    /* The other fields, one at a time. */
    struct etag z = { .dei = true };
    etag_put(tci, &z);
    ck_assert_mem_eq(tci, ((uint8_t[]) { 0x10, 0, 0, 0, 0, 0 }), 6);
    z = (struct etag) { .pcp = 7 };
    etag_put(tci, &z);
    ck_assert_mem_eq(tci, ((uint8_t[]) { 0xe0, 0, 0, 0, 0, 0 }), 6);
    z = (struct etag) { .grp = 3 };
    etag_set_in_ecid(&z, 0xabcde);
    etag_put(tci, &z);
    ck_assert_mem_eq(tci, ((uint8_t[]) { 0x0c, 0xde, 0x30, 0, 0xab, 0 }), 6);

    /* Reserved bits are not fields. */
    r = etag_get((uint8_t[]) { 0, 0, 0xc0, 0, 0, 0 });
    ck_assert(etag_eq(&r, &((struct etag) { .pcp = 0 })));
    vh_packet_free(p);
    vh_pool_destroy(&pool);
}
END_TEST

START_TEST(test_etag_round_trip)
{
    struct vh_pool pool;
    vh_pool_init(&pool);
    uint8_t buf[256];
    uint32_t len = build_tagged_udp(buf, 0x00c8, 7000, 0);
    ck_assert_uint_eq(len, 60);
    struct vh_packet *p = packet_of(&pool, buf, len);
    ck_assert(!etag_present(p->data, p->len));

    struct etag t = etag_kat(), r;
    etag_push(p, &t);
    ck_assert(etag_present(p->data, p->len));
    ck_assert(!vntag_present(p->data, p->len));
    ck_assert(etag_read(p->data, p->len, &r));
    ck_assert(etag_eq(&r, &t));
    memset(&r, 0x5a, sizeof r);
    ck_assert(etag_pop(p, &r));
    ck_assert(etag_eq(&r, &t));
    ck_assert_uint_eq(p->len, len);
    ck_assert_mem_eq(p->data, buf, len);
    ck_assert_int_eq(vh_frame_vlan(p->data, p->len), 200);
    ck_assert(!etag_pop(p, NULL));
    ck_assert_mem_eq(p->data, buf, len);

    /* Too short to hold the EtherType behind the tag. */
    ck_assert(!etag_present(kat_etag, 21));
    ck_assert(etag_present(kat_etag, 22));
    vh_packet_free(p);
    vh_pool_destroy(&pool);
}
END_TEST

/* ---- ECP and VDP --------------------------------------------------- */

static const struct vh_mac vm_mac = { { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 } };

/* The host asks the bridge to associate a VM's vNIC: manager 10.0.0.9
 * (as an IPv4-mapped IPv6 address), type 0x123456 version 1, a UUID, and
 * the VM's MAC on VLAN 100. */
static struct vdp_msg
assoc_request(void)
{
    struct vdp_msg m;
    memset(&m, 0, sizeof m);
    m.ecp_op = ECP_OP_REQUEST;
    m.seq = 7;
    m.mode = VDP_ASSOC;
    static const uint8_t mgrid[16] = { [10] = 0xff, [11] = 0xff,
                                       [12] = 10, [15] = 9 };
    memcpy(m.mgrid, mgrid, sizeof mgrid);
    m.type_id = 0x123456;
    m.type_version = 1;
    m.vsiid_format = VDP_VSIID_UUID;
    for (int i = 0; i < 16; i++) {
        m.vsiid[i] = (uint8_t) (0xa0 + i);
    }
    m.filter_format = VDP_FILTER_MACVID;
    m.n_filters = 1;
    m.filters[0].mac = vm_mac;
    m.filters[0].vid = 100;
    return m;
}

static const uint8_t kat_assoc[] = {
    /* Nearest-customer-bridge group address, the host, EtherType. */
    0x01, 0x80, 0xc2, 0x00, 0x00, 0x00, 0x00, 0x25, 0xb5, 0x00, 0x00, 0x0a,
    0x89, 0x40,
    /* ECP version 1, request, subtype VDP; sequence 7. */
    0x10, 0x01, 0x00, 0x07,
    /* Manager ID TLV: type 5, length 16. */
    0x0a, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 9,
    /* Associate TLV: type 3, length 33; status 0; type 0x123456 v1;
     * UUID format and ID; MAC/VID filter, 1 entry, the MAC, VID 100. */
    0x06, 0x21, 0x00, 0x12, 0x34, 0x56, 0x01, 0x05,
    0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
    0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
    0x02, 0x00, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x00, 0x64,
    /* End TLV. */
    0x00, 0x00,
};

START_TEST(test_vdp_bytes)
{
    uint8_t buf[VDP_FRAME_MAX + 16];
    memset(buf, 0xee, sizeof buf);
    struct vdp_msg m = assoc_request();
    uint32_t len = vdp_build(buf, &mac_a, &m);
    ck_assert_uint_eq(len, sizeof kat_assoc);
    for (size_t i = 0; i < sizeof kat_assoc; i++) {
        ck_assert_msg(buf[i] == kat_assoc[i], "byte %zu is 0x%02x, not 0x%02x",
                      i, buf[i], kat_assoc[i]);
    }
    ck_assert_uint_eq(buf[len], 0xee);

    /* The bridge's answer: the same TLV with the response bit. */
    m.status = VDP_RESPONSE;
    m.seq = 0x0100;
    len = vdp_build(buf, &mac_b, &m);
    ck_assert_mem_eq(buf + 6, mac_b.b, 6);
    ck_assert_uint_eq(vh_get_be16(buf + 16), 0x0100);
    ck_assert_uint_eq(buf[38], 0x40);

    /* De-associate: type 4. */
    m = assoc_request();
    m.mode = VDP_DEASSOC;
    vdp_build(buf, &mac_a, &m);
    ck_assert_uint_eq(buf[36], 0x08);
    ck_assert_uint_eq(buf[37], 0x21);

    /* An ECP ack: operation 1, no TLVs, padded. */
    struct vdp_msg ack = { .ecp_op = ECP_OP_ACK, .seq = 7 };
    memset(buf, 0xee, sizeof buf);
    len = vdp_build(buf, &mac_b, &ack);
    ck_assert_uint_eq(len, 60);
    static const uint8_t kat_ack[] = {
        0x01, 0x80, 0xc2, 0x00, 0x00, 0x00, 0x00, 0x25, 0xb5, 0x00, 0x00,
        0x0b, 0x89, 0x40, 0x14, 0x01, 0x00, 0x07,
    };
    ck_assert_mem_eq(buf, kat_ack, sizeof kat_ack);
    for (uint32_t i = sizeof kat_ack; i < 60; i++) {
        ck_assert_uint_eq(buf[i], 0);
    }
}
END_TEST

START_TEST(test_vdp_round_trip)
{
    uint8_t buf[VDP_FRAME_MAX];
    struct vdp_msg m = assoc_request(), r;
    m.status = VDP_M_BIT | VDP_S_BIT;
    m.n_filters = VDP_MAX_FILTERS;
    for (int i = 0; i < VDP_MAX_FILTERS; i++) {
        m.filters[i].mac = vm_mac;
        m.filters[i].mac.b[5] = (uint8_t) i;
        m.filters[i].vid = (uint16_t) (4095 - i);
        m.filters[i].pcp = (uint8_t) (i & 7);
        m.filters[i].ps = i & 1;
    }
    uint32_t len = vdp_build(buf, &mac_a, &m);
    ck_assert_uint_eq(len, VDP_FRAME_MAX);
    ck_assert(vdp_parse(buf, len, &r));
    ck_assert_mem_eq(&r, &m, sizeof m);

    /* The VLAN-only format: 2-byte entries. */
    m = assoc_request();
    m.mode = VDP_PREASSOC_RR;
    m.filter_format = VDP_FILTER_VID;
    memset(&m.filters[0].mac, 0, sizeof m.filters[0].mac);
    m.filters[0].pcp = 5;
    m.filters[0].ps = true;
    len = vdp_build(buf, &mac_a, &m);
    ck_assert_uint_eq(vh_get_be16(buf + 36), 2 << 9 | 27);
    ck_assert_uint_eq(vh_get_be16(buf + 36 + 2 + 25), 0xd064);
    ck_assert(vdp_parse(buf, len, &r));
    ck_assert_mem_eq(&r, &m, sizeof m);

    struct vdp_msg ack;
    memset(&ack, 0, sizeof ack);    /* Padding too, for the memcmp. */
    ack.ecp_op = ECP_OP_ACK;
    ack.seq = 0xfffe;
    len = vdp_build(buf, &mac_b, &ack);
    ck_assert(vdp_parse(buf, len, &r));
    ck_assert_mem_eq(&r, &ack, sizeof ack);
}
END_TEST

START_TEST(test_vdp_parse_refuses)
{
    uint8_t good[VDP_FRAME_MAX], buf[VDP_FRAME_MAX];
    struct vdp_msg m = assoc_request(), out;
    uint32_t len = vdp_build(good, &mac_a, &m);

    ck_assert(!vdp_parse(good, 17, &out));
    ck_assert(!vdp_parse(good, len - 3, &out));    /* Cut in the TLV. */
    static const struct { size_t off; uint8_t val; } bad[] = {
        { 13, 0x41 },               /* EtherType. */
        { 14, 0x20 },               /* Version 2. */
        { 15, 0x02 },               /* Subtype PE-CSP. */
        { 14, 0x18 },               /* Operation 2. */
        { 19, 0x0f },               /* Manager ID of 15 bytes. */
        { 18, 0x00 }, { 19, 0x00 }, /* No TLV at all. */
        { 37, 0x24 },               /* Beyond the frame. */
        { 37, 0x18 },               /* Too short for its body. */
        { 60, 0x03 },               /* Group format. */
        { 62, 0x09 },               /* 9 entries... */
        { 62, 0x02 },               /* ...or 2 in the room for 1. */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        memcpy(buf, good, len);
        buf[bad[i].off] = bad[i].val;
        if (bad[i].off == 18) {
            buf[19] = 0;
        }
        ck_assert_msg(!vdp_parse(buf, len, &out), "accepted 0x%02x at %zu",
                      bad[i].val, bad[i].off);
    }
    ck_assert(vdp_parse(good, len, &out));
    ck_assert_uint_eq(out.filters[0].vid, 100);
}
END_TEST

/* ---- tshark -------------------------------------------------------- */


static void
write_packet(struct vh_pcapw *w, int n, const struct vh_packet *p)
{
    ck_assert_int_eq(vh_pcapw_write(w, (uint64_t) n * 1000000, p->data,
                                    p->len), 0);
}

/* Writes 'path':
 *   1    the VN-Tag example, from the bridge;
 *   2    to the bridge (d=0) from VIF 17, over VLAN 100;
 *   3    from the bridge to VIF list 16383, looped, version 1, src 4095;
 *   4    the E-Tag example, a whole frame;
 *   5    E-Tag GRP 1, E-CID 262143, untagged;
 *   6    VDP associate request, 7 its ECP ack;
 *   8    the associate response, 9 its ack;
 *   10   de-associate request. */
static void
write_capture(const char *path)
{
    char err[256];
    struct vh_pcapw *w = vh_pcapw_open(path, err, sizeof err);
    ck_assert_msg(w, "%s", err);
    struct vh_pool pool;
    vh_pool_init(&pool);

    struct vh_packet *p = packet_of(&pool, kat_vntag, sizeof kat_vntag);
    write_packet(w, 1, p);
    vh_packet_free(p);

    uint8_t buf[VDP_FRAME_MAX + 256];
    uint32_t len = build_tagged_udp(buf, 100, 7000, 30);
    p = packet_of(&pool, buf, len);
    vntag_push(p, &(struct vntag) { .src = 17 });
    write_packet(w, 2, p);
    vh_packet_free(p);

    p = packet_of(&pool, buf, len);
    vntag_push(p, &(struct vntag) { .dir = true, .ptr = true, .dst = 16383,
                                    .looped = true, .version = 1,
                                    .src = 4095 });
    write_packet(w, 3, p);
    vh_packet_free(p);

    len = build_tagged_udp(buf, 200, 7000, 30);
    p = packet_of(&pool, buf, len);
    struct etag t = etag_kat();
    etag_push(p, &t);
    write_packet(w, 4, p);
    vh_packet_free(p);

    struct vh_ip_hdr_spec s;
    memset(&s, 0, sizeof s);
    s.dst_mac = mac_a;
    s.src_mac = mac_b;
    s.ip_src = 0x0a000001;
    s.ip_dst = 0x0a000002;
    len = vh_build_udp(buf, &s, 5000, 7001, NULL, 30);
    p = packet_of(&pool, buf, len);
    t = (struct etag) { .grp = 1 };
    etag_set_ecid(&t, 262143);
    etag_push(p, &t);
    write_packet(w, 5, p);
    vh_packet_free(p);

    struct vdp_msg m = assoc_request();
    struct vdp_msg ack = { .ecp_op = ECP_OP_ACK, .seq = 7 };
    len = vdp_build(buf, &mac_a, &m);
    ck_assert_int_eq(vh_pcapw_write(w, 6000000, buf, len), 0);
    len = vdp_build(buf, &mac_b, &ack);
    ck_assert_int_eq(vh_pcapw_write(w, 7000000, buf, len), 0);

    m.seq = 0x0100;
    m.status = VDP_RESPONSE;
    len = vdp_build(buf, &mac_b, &m);
    ck_assert_int_eq(vh_pcapw_write(w, 8000000, buf, len), 0);
    ack.seq = 0x0100;
    len = vdp_build(buf, &mac_a, &ack);
    ck_assert_int_eq(vh_pcapw_write(w, 9000000, buf, len), 0);

    m = assoc_request();
    m.seq = 8;
    m.mode = VDP_DEASSOC;
    len = vdp_build(buf, &mac_a, &m);
    ck_assert_int_eq(vh_pcapw_write(w, 10000000, buf, len), 0);

    ck_assert_msg(vh_pcapw_commit(w, err, sizeof err) == 0, "%s", err);
    vh_pool_destroy(&pool);
}

START_TEST(test_tshark_decodes)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    char path[4096];
    snprintf(path, sizeof path, "%s/evbwire.pcap", dir);
    write_capture(path);

    /* No expert finding at all, and nothing malformed. */
    vh_tshark_assert_clean(path);

    static const char vn[] = "-e vntag.dir -e vntag.ptr -e vntag.dst "
                             "-e vntag.looped -e vntag.version -e vntag.src "
                             "-e vntag.etype -e vlan.id";
    vh_tshark_expect(path, 1, "-e frame.protocols",
                  "eth:ethertype:vntag:ethertype:vlan:ethertype:ip:udp:"
                  "echo\n");
    vh_tshark_expect(path, 1, vn, "1\t0\t291\t0\t0\t69\t0x8100\t100\n");
    vh_tshark_expect(path, 2, vn, "0\t0\t0\t0\t0\t17\t0x8100\t100\n");
    vh_tshark_expect(path, 3, vn, "1\t1\t16383\t1\t1\t4095\t0x8100\t100\n");
    vh_tshark_expect(path, 2, "-e frame.protocols -e udp.dstport",
                  "eth:ethertype:vntag:ethertype:vlan:ethertype:ip:udp:"
                  "data\t7000\n");

    static const char et[] = "-e etag.pcp -e etag.dei -e etag.iecid_base "
                             "-e etag.iecid_ext -e etag.group "
                             "-e etag.ecid_base -e etag.ecid_ext "
                             "-e etag.etype";
    vh_tshark_expect(path, 4, "-e frame.protocols -e vlan.id",
                  "eth:ethertype:etag:ethertype:vlan:ethertype:ip:udp:"
                  "data\t200\n");
    vh_tshark_expect(path, 4, et,
                  "3\t0\t0x0012\t0x01\t0\t0x0345\t0x02\t0x8100\n");
    vh_tshark_expect(path, 5, et, "0\t0\t0x0000\t0x00\t1\t0x0fff\t0x3f\t0x0800\n");
    vh_tshark_expect(path, 5, "-e frame.protocols",
                  "eth:ethertype:etag:ethertype:ip:udp:data\n");

    static const char ecp[] = "-e eth.dst -e ecp.ver -e ecp.op "
                              "-e ecp.subtype -e ecp.seqno";
    vh_tshark_expect(path, 6, ecp, "01:80:c2:00:00:00\t1\t0x0000\t0x0001\t7\n");
    vh_tshark_expect(path, 7, ecp, "01:80:c2:00:00:00\t1\t0x0001\t0x0001\t7\n");
    vh_tshark_expect(path, 8, ecp, "01:80:c2:00:00:00\t1\t0x0000\t0x0001\t256\n");
    vh_tshark_expect(path, 9, ecp, "01:80:c2:00:00:00\t1\t0x0001\t0x0001\t256\n");
    static const char vdp[] = "-e vdp21.tlvtype -e vdp21.tlvlen "
                              "-e vdp21.manager_id -e vdp21.vsitypeid "
                              "-e vdp21.vsiversion -e vdp21.vsiidformat "
                              "-e vdp21.VSIID -e vdp21.filterformat";
    static const char vsi[] = "\t::ffff:10.0.0.9\t0x123456\t0x01\t0x05\t"
                              "a0:a1:a2:a3:a4:a5:a6:a7:a8:a9:aa:ab:ac:ad:"
                              "ae:af\t0x02\n";
    char want[256];
    snprintf(want, sizeof want, "5,3\t16,33%s", vsi);
    vh_tshark_expect(path, 6, vdp, want);
    vh_tshark_expect(path, 8, vdp, want);
    snprintf(want, sizeof want, "5,4\t16,33%s", vsi);
    vh_tshark_expect(path, 10, vdp, want);
    vh_tshark_expect(path, 6, "-e frame.protocols -e vdp21.assoc.flags.req_rsp "
                  "-e vdp21.assoc.reason",
                  "eth:ethertype:ecp21:vdp21\t0\t0x00\n");
    vh_tshark_expect(path, 8, "-e vdp21.assoc.flags.req_rsp "
                  "-e vdp21.assoc.flags.hard_error -e vdp21.assoc.error",
                  "1\t0\t0x00\n");
    /* tshark 4.0 decodes a draft of VDP without the entry count, so it
     * reads the MAC two bytes early: the count 00 01, then the first four
     * bytes of the VM's MAC.  Which pins where both are. */
    vh_tshark_expect(path, 6, "-e vdp21.assoc.mac_id", "00:01:52:54:00:12\n");
    vh_test_sh(NULL, "rm -r '%s'", dir);
    free(dir);
}
END_TEST

static Suite *
evbwire_suite(void)
{
    Suite *s = suite_create("evbwire");
    TCase *tc = tcase_create("vntag");
    tcase_add_test(tc, test_vntag_bytes);
    tcase_add_test(tc, test_vntag_word);
    tcase_add_test(tc, test_vntag_round_trip);
    suite_add_tcase(s, tc);

    tc = tcase_create("etag");
    tcase_add_test(tc, test_etag_bytes);
    tcase_add_test(tc, test_etag_round_trip);
    suite_add_tcase(s, tc);

    tc = tcase_create("vdp");
    tcase_add_test(tc, test_vdp_bytes);
    tcase_add_test(tc, test_vdp_round_trip);
    tcase_add_test(tc, test_vdp_parse_refuses);
    suite_add_tcase(s, tc);

    tc = tcase_create("tshark");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_tshark_decodes);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(evbwire_suite)
