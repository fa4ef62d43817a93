/* tests/test_ofclassify.c: the Open vSwitch model's classification path:
 * flow keys from real frames, the tuple space classifier (against a
 * linear search over the same rules), translation through the tables
 * into datapath actions and wildcards, and running those actions on
 * frames.
 *
 * Rules are built by hand here (the rule parser is tested on its own);
 * the tables own them and free them with of_rule_free().
 *
 * The property that makes a megaflow cache correct is tested on random
 * rule sets: any key that agrees with a translated key on the bits of its
 * wildcards must translate to the same actions through the same rules. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/ovs/classifier.h"
#include "models/ovs/flowkey.h"
#include "models/ovs/odp.h"
#include "models/ovs/ofrule.h"
#include "models/ovs/xlate.h"
#include "sim/frame.h"
#include "sim/packet.h"
#include "sim/rng.h"
#include "tests/testutil.h"

static const struct vh_mac mac_a = { { 0x00, 0x25, 0xb5, 0x00, 0x00, 0x0a } };
static const struct vh_mac mac_b = { { 0x00, 0x25, 0xb5, 0x00, 0x00, 0x0b } };

#define IP(a, b, c, d) ((uint32_t) (a) << 24 | (uint32_t) (b) << 16 \
                        | (uint32_t) (c) << 8 | (uint32_t) (d))

/* Frames. */

static struct vh_ip_hdr_spec
spec(bool vlan, uint16_t tci)
{
    struct vh_ip_hdr_spec s;
    memset(&s, 0, sizeof s);
    s.dst_mac = mac_a;
    s.src_mac = mac_b;
    s.vlan = vlan;
    s.vlan_tci = tci;
    s.ip_src = IP(10, 0, 0, 1);
    s.ip_dst = IP(10, 0, 0, 2);
    s.ip_id = 0x1234;
    return s;
}

static uint32_t
udp_frame(uint8_t *buf, bool vlan, uint16_t tci)
{
    struct vh_ip_hdr_spec s = spec(vlan, tci);
    return vh_build_udp(buf, &s, 12345, 9999, NULL, 18);
}

static struct ofkey
udp_key(uint32_t in_port)
{
    uint8_t buf[256];
    struct ofkey k;
    ofkey_extract(buf, udp_frame(buf, false, 0), in_port, &k);
    return k;
}

/* Rules. */

static struct of_rule *
rule_new(uint8_t table, uint16_t priority)
{
    struct of_rule *r = calloc(1, sizeof *r);
    ck_assert_ptr_nonnull(r);
    r->table = table;
    r->priority = priority;
    return r;
}

static void
act_add(struct of_rule *r, struct of_action a)
{
    r->acts = realloc(r->acts, (r->n_acts + 1) * sizeof *r->acts);
    ck_assert_ptr_nonnull(r->acts);
    r->acts[r->n_acts++] = a;
}

static void
act_type(struct of_rule *r, enum of_act_type type)
{
    act_add(r, (struct of_action) { .type = type });
}

static void
act_output(struct of_rule *r, uint32_t port)
{
    act_add(r, (struct of_action) { .type = OFA_OUTPUT, .port = port });
}

static void
act_set(struct of_rule *r, enum of_field field, uint64_t value)
{
    act_add(r, (struct of_action) {
        .type = OFA_SET_FIELD, .field = field, .value = value,
    });
}

static void
act_resubmit(struct of_rule *r, uint32_t port, uint8_t table)
{
    act_add(r, (struct of_action) {
        .type = OFA_RESUBMIT, .port = port, .table = table,
    });
}

static void
act_goto(struct of_rule *r, uint8_t table)
{
    act_add(r, (struct of_action) { .type = OFA_GOTO_TABLE,
                                    .table = table });
}

/* Matches: set a field's value and mask together (each evaluated once:
 * they may be random draws). */
#define MATCH(R, FIELD, VALUE, MASK)                                    \
    do {                                                                \
        __typeof__((R)->mask.FIELD) mask_ = (MASK);                     \
        (R)->match.FIELD = (VALUE) & mask_;                             \
        (R)->mask.FIELD = mask_;                                        \
    } while (0)

static void
match_mac(uint8_t *match, uint8_t *mask, const struct vh_mac *m)
{
    memcpy(match, m->b, VH_ETH_ALEN);
    memset(mask, 0xff, VH_ETH_ALEN);
}

static uint64_t
mac_u64(const struct vh_mac *m)
{
    uint64_t v = 0;
    for (int i = 0; i < VH_ETH_ALEN; i++) {
        v = v << 8 | m->b[i];
    }
    return v;
}

/* Flow keys. */

START_TEST(test_extract_udp)
{
    uint8_t buf[256];
    struct ofkey k;
    uint32_t len = udp_frame(buf, false, 0);

    ofkey_extract(buf, len, 7, &k);
    ck_assert_uint_eq(k.in_port, 7);
    ck_assert_uint_eq(k.vlan_tci, 0);
    ck_assert_uint_eq(k.dl_type, 0x0800);
    ck_assert_mem_eq(k.dl_src, mac_b.b, 6);
    ck_assert_mem_eq(k.dl_dst, mac_a.b, 6);
    ck_assert_uint_eq(k.nw_src, IP(10, 0, 0, 1));
    ck_assert_uint_eq(k.nw_dst, IP(10, 0, 0, 2));
    ck_assert_uint_eq(k.nw_proto, 17);
    ck_assert_uint_eq(k.nw_tos, 0);
    ck_assert_uint_eq(k.nw_ttl, 64);
    ck_assert_uint_eq(k.nw_frag, 0);
    ck_assert_uint_eq(k.tp_src, 12345);
    ck_assert_uint_eq(k.tp_dst, 9999);
    ck_assert_uint_eq(k.tun_id, 0);
    ck_assert_uint_eq(k.pkt_mark, 0);
    ck_assert_uint_eq(k.pad, 0);

    /* TOS and TTL are read from their bytes. */
    buf[VH_ETH_HLEN + 1] = 0xb8;
    buf[VH_ETH_HLEN + VH_IPV4_TTL_OFF] = 3;
    ofkey_extract(buf, len, 7, &k);
    ck_assert_uint_eq(k.nw_tos, 0xb8);
    ck_assert_uint_eq(k.nw_ttl, 3);
}
END_TEST

START_TEST(test_extract_icmp)
{
    uint8_t buf[256];
    struct ofkey k;
    struct vh_ip_hdr_spec s = spec(false, 0);

    s.ttl = 9;
    uint32_t len = vh_build_icmp_echo(buf, &s, VH_ICMP_ECHO_REQUEST, 0x77,
                                      1, NULL, 8);
    ofkey_extract(buf, len, 2, &k);
    ck_assert_uint_eq(k.dl_type, 0x0800);
    ck_assert_uint_eq(k.nw_proto, 1);
    ck_assert_uint_eq(k.nw_ttl, 9);
    ck_assert_uint_eq(k.tp_src, 8);        /* type */
    ck_assert_uint_eq(k.tp_dst, 0);        /* code */

    len = vh_build_icmp_echo(buf, &s, VH_ICMP_ECHO_REPLY, 0x77, 1, NULL, 8);
    buf[VH_ETH_HLEN + VH_IPV4_HLEN + 1] = 3;    /* A code, unchecked. */
    ofkey_extract(buf, len, 2, &k);
    ck_assert_uint_eq(k.tp_src, 0);
    ck_assert_uint_eq(k.tp_dst, 3);
}
END_TEST

START_TEST(test_extract_arp)
{
    uint8_t buf[256];
    struct ofkey k;
    uint32_t len = vh_build_arp(buf, VH_ARP_REQUEST, &mac_b,
                                IP(192, 168, 1, 10), NULL,
                                IP(192, 168, 1, 1), NULL);

    ofkey_extract(buf, len, 1, &k);
    ck_assert_uint_eq(k.dl_type, 0x0806);
    ck_assert_mem_eq(k.dl_dst, vh_mac_broadcast.b, 6);
    ck_assert_mem_eq(k.dl_src, mac_b.b, 6);
    ck_assert_uint_eq(k.nw_src, IP(192, 168, 1, 10));
    ck_assert_uint_eq(k.nw_dst, IP(192, 168, 1, 1));
    ck_assert_uint_eq(k.nw_proto, 1);
    ck_assert_uint_eq(k.nw_ttl, 0);
    ck_assert_uint_eq(k.tp_src, 0);
    ck_assert_uint_eq(k.tp_dst, 0);

    len = vh_build_arp(buf, VH_ARP_REPLY, &mac_a, IP(192, 168, 1, 1),
                       &mac_b, IP(192, 168, 1, 10), &mac_b);
    ofkey_extract(buf, len, 1, &k);
    ck_assert_uint_eq(k.nw_proto, 2);
    ck_assert_uint_eq(k.nw_src, IP(192, 168, 1, 1));
    ck_assert_uint_eq(k.nw_dst, IP(192, 168, 1, 10));
    ck_assert_mem_eq(k.dl_dst, mac_b.b, 6);

    /* The opcode's low byte only. */
    buf[VH_ETH_HLEN + 6] = 0x01;
    buf[VH_ETH_HLEN + 7] = 0x02;
    ofkey_extract(buf, len, 1, &k);
    ck_assert_uint_eq(k.nw_proto, 2);
}
END_TEST

START_TEST(test_extract_tagged)
{
    uint8_t buf[256];
    struct ofkey k;

    /* PCP 5, VID 100. */
    ofkey_extract(buf, udp_frame(buf, true, 0xa064), 3, &k);
    ck_assert_uint_eq(k.vlan_tci, 0xa064 | OFKEY_VLAN_CFI);
    ck_assert_uint_eq(k.dl_type, 0x0800);
    ck_assert_uint_eq(k.nw_src, IP(10, 0, 0, 1));
    ck_assert_uint_eq(k.tp_src, 12345);
    ck_assert_uint_eq(k.tp_dst, 9999);

    /* A priority tag (VID 0, PCP 0) still reads as tagged. */
    ofkey_extract(buf, udp_frame(buf, true, 0), 3, &k);
    ck_assert_uint_eq(k.vlan_tci, OFKEY_VLAN_CFI);
    ck_assert_uint_eq(k.dl_type, 0x0800);
    ck_assert_uint_eq(k.tp_dst, 9999);
}
END_TEST

START_TEST(test_extract_fragments_and_truncation)
{
    uint8_t buf[256];
    struct ofkey k;
    uint32_t len = udp_frame(buf, false, 0);
    uint8_t *ip = buf + VH_ETH_HLEN;

    /* A later fragment: no ports. */
    ip[VH_IPV4_FRAG_OFF] = 0x00;
    ip[VH_IPV4_FRAG_OFF + 1] = 0x10;
    ofkey_extract(buf, len, 1, &k);
    ck_assert_uint_eq(k.nw_frag, 1);
    ck_assert_uint_eq(k.nw_proto, 17);
    ck_assert_uint_eq(k.nw_src, IP(10, 0, 0, 1));
    ck_assert_uint_eq(k.tp_src, 0);
    ck_assert_uint_eq(k.tp_dst, 0);

    /* The first fragment (more fragments, offset 0) has its ports. */
    ip[VH_IPV4_FRAG_OFF] = 0x20;
    ip[VH_IPV4_FRAG_OFF + 1] = 0x00;
    ofkey_extract(buf, len, 1, &k);
    ck_assert_uint_eq(k.nw_frag, 0);
    ck_assert_uint_eq(k.tp_dst, 9999);

    /* Cut short: what is there is read, the rest stays zero. */
    ofkey_extract(buf, 10, 4, &k);
    struct ofkey want = { .in_port = 4 };
    ck_assert(ofkey_eq(&k, &want));
    ofkey_extract(buf, VH_ETH_HLEN + 10, 4, &k);
    ck_assert_uint_eq(k.dl_type, 0x0800);
    ck_assert_mem_eq(k.dl_dst, mac_a.b, 6);
    ck_assert_uint_eq(k.nw_src, 0);
    ck_assert_uint_eq(k.nw_proto, 0);
    ofkey_extract(buf, VH_ETH_HLEN + VH_IPV4_HLEN + 2, 4, &k);
    ck_assert_uint_eq(k.nw_dst, IP(10, 0, 0, 2));
    ck_assert_uint_eq(k.tp_src, 0);         /* Needs both ports. */
}
END_TEST

START_TEST(test_key_operations)
{
    struct ofkey a = udp_key(1), b = udp_key(2), m, x;

    ck_assert(!ofkey_eq(&a, &b));
    memset(&m, 0, sizeof m);
    m.nw_src = UINT32_MAX;
    m.tp_dst = UINT16_MAX;
    ck_assert(ofkey_eq_masked(&a, &b, &m));
    ck_assert_uint_eq(ofkey_hash_masked(&a, &m, 5),
                      ofkey_hash_masked(&b, &m, 5));
    ck_assert_uint_ne(ofkey_hash_masked(&a, &m, 5),
                      ofkey_hash_masked(&a, &m, 6));
    m.in_port = 1;
    ck_assert(!ofkey_eq_masked(&a, &b, &m));
    ck_assert_uint_ne(ofkey_hash_masked(&a, &m, 5),
                      ofkey_hash_masked(&b, &m, 5));

    ofkey_and(&x, &a, &m);
    ck_assert_uint_eq(x.in_port, 1);
    ck_assert_uint_eq(x.nw_src, a.nw_src);
    ck_assert_uint_eq(x.tp_dst, 9999);
    ck_assert_uint_eq(x.tp_src, 0);
    ck_assert_uint_eq(x.dl_type, 0);
    ck_assert(ofkey_eq_masked(&a, &x, &m));      /* 'b' masked already */
    ck_assert(!ofkey_is_zero(&x));

    struct ofkey z;
    memset(&z, 0, sizeof z);
    ck_assert(ofkey_is_zero(&z));
    z.pad = 1;
    ck_assert(!ofkey_is_zero(&z));
    memset(&z, 0, sizeof z);
    z.dl_type = 0xffff;
    ofkey_or(&z, &m);
    ck_assert_uint_eq(z.dl_type, 0xffff);
    ck_assert_uint_eq(z.nw_src, UINT32_MAX);
    ck_assert_uint_eq(z.in_port, 1);
    ck_assert_uint_eq(z.tp_src, 0);

    /* The hash spreads keys that differ in a few low bits: 8192 such
     * keys in 1024 buckets, none far above the mean of 8. */
    static unsigned buckets[1024];
    memset(&m, 0xff, sizeof m);
    for (uint32_t i = 0; i < 8192; i++) {
        x = a;
        x.nw_dst = IP(10, 0, (i >> 8) & 0x1f, i & 0xff);
        buckets[ofkey_hash_masked(&x, &m, 0) & 1023]++;
    }
    for (int i = 0; i < 1024; i++) {
        ck_assert_uint_lt(buckets[i], 30);
    }
}
END_TEST

START_TEST(test_key_format)
{
    char buf[512];
    uint8_t frame[256];
    struct ofkey k = udp_key(3), m;

    memset(&m, 0, sizeof m);
    m.in_port = UINT32_MAX;
    memset(m.dl_dst, 0xff, 6);
    m.dl_type = 0xffff;
    m.nw_src = 0xffffff00;
    m.nw_proto = 0xff;
    m.nw_frag = 0xff;
    m.tp_dst = 0xffff;
    ck_assert_str_eq(ofkey_format(&k, &m, buf, sizeof buf),
                     "in_port(3),eth(dst=00:25:b5:00:00:0a),"
                     "eth_type(0x0800),ipv4(src=10.0.0.0/255.255.255.0,"
                     "proto=17,frag=no),udp(dst=9999)");

    m.tp_dst = 0xff00;
    memset(m.dl_dst, 0, 6);
    m.dl_src[0] = 0x01;
    ck_assert_str_eq(ofkey_format(&k, &m, buf, sizeof buf),
                     "in_port(3),eth(src=00:00:00:00:00:00/"
                     "01:00:00:00:00:00),eth_type(0x0800),"
                     "ipv4(src=10.0.0.0/255.255.255.0,proto=17,frag=no),"
                     "udp(dst=9984/0xff00)");

    ck_assert_str_eq(ofkey_format(&k, NULL, buf, sizeof buf),
                     "in_port(3),skb_mark(0),eth(src=00:25:b5:00:00:0b,"
                     "dst=00:25:b5:00:00:0a),eth_type(0x0800),"
                     "ipv4(src=10.0.0.1,dst=10.0.0.2,proto=17,tos=0,ttl=64,"
                     "frag=no),udp(src=12345,dst=9999)");

    ofkey_extract(frame, udp_frame(frame, true, 0xa064), 2, &k);
    k.tun_id = 5;
    memset(&m, 0, sizeof m);
    m.tun_id = UINT32_MAX;
    m.vlan_tci = 0xffff;
    m.dl_type = 0xffff;
    m.nw_dst = UINT32_MAX;
    ck_assert_str_eq(ofkey_format(&k, &m, buf, sizeof buf),
                     "tunnel(tun_id=0x5),eth_type(0x8100),"
                     "vlan(vid=100,pcp=5),encap(eth_type(0x0800),"
                     "ipv4(dst=10.0.0.2))");

    struct vh_ip_hdr_spec s = spec(false, 0);
    ofkey_extract(frame, vh_build_icmp_echo(frame, &s, 8, 1, 1, NULL, 0), 1,
                  &k);
    memset(&m, 0, sizeof m);
    m.dl_type = 0xffff;
    m.nw_proto = 0xff;
    m.tp_src = 0xffff;
    ck_assert_str_eq(ofkey_format(&k, &m, buf, sizeof buf),
                     "eth_type(0x0800),ipv4(proto=1),icmp(type=8)");

    ofkey_extract(frame, vh_build_arp(frame, 1, &mac_a, IP(1, 2, 3, 4), NULL,
                                      IP(1, 2, 3, 5), NULL), 1, &k);
    ck_assert_str_eq(ofkey_format(&k, NULL, buf, sizeof buf),
                     "in_port(1),skb_mark(0),eth(src=00:25:b5:00:00:0a,"
                     "dst=ff:ff:ff:ff:ff:ff),eth_type(0x0806),"
                     "arp(sip=1.2.3.4,tip=1.2.3.5,op=1)");

    /* A short buffer holds the beginning, terminated. */
    memset(buf, 'x', sizeof buf);
    ofkey_format(&k, NULL, buf, 12);
    ck_assert_str_eq(buf, "in_port(1),");
}
END_TEST

/* Classifier. */

/* A rule matching IPv4 ('ip') plus whatever the caller adds. */
static struct of_rule *
ip_rule(struct of_tables *ts, uint8_t table, uint16_t priority)
{
    struct of_rule *r = rule_new(table, priority);
    MATCH(r, dl_type, 0x0800, 0xffff);
    (void) ts;
    return r;
}

START_TEST(test_priorities_and_masks)
{
    struct of_tables ts;
    struct ofkey k = udp_key(1), wc;
    unsigned n_sub = 0;

    of_tables_init(&ts);
    struct of_rule *any_ip = ip_rule(&ts, 0, 10);
    struct of_rule *to_host = ip_rule(&ts, 0, 20);
    MATCH(to_host, nw_dst, IP(10, 0, 0, 2), UINT32_MAX);
    struct of_rule *to_net = ip_rule(&ts, 0, 15);
    MATCH(to_net, nw_dst, IP(10, 0, 0, 0), 0xffffff00);
    struct of_rule *port = ip_rule(&ts, 0, 30);
    MATCH(port, nw_proto, 17, 0xff);
    MATCH(port, tp_dst, 80, 0xffff);
    ck_assert(!of_tables_insert(&ts, any_ip));
    ck_assert(!of_tables_insert(&ts, to_host));
    ck_assert(!of_tables_insert(&ts, to_net));
    ck_assert(!of_tables_insert(&ts, port));
    ck_assert_uint_eq(of_tables_n_rules(&ts), 4);
    ck_assert_uint_eq(ts.t[0].n_subs, 4);
    ck_assert_uint_eq(ts.t[0].n_rules, 4);

    memset(&wc, 0, sizeof wc);
    ck_assert_ptr_eq(of_tables_lookup(&ts, 0, &k, &wc, &n_sub), to_host);
    /* Port 80 (priority 30) was looked for and missed; to_host (20) then
     * beat the rest without their subtables being visited. */
    ck_assert_uint_eq(n_sub, 2);
    ck_assert_uint_eq(wc.tp_dst, 0xffff);
    ck_assert_uint_eq(wc.nw_dst, UINT32_MAX);
    ck_assert_uint_eq(wc.in_port, 0);

    k.tp_dst = 80;
    n_sub = 0;
    memset(&wc, 0, sizeof wc);
    ck_assert_ptr_eq(of_tables_lookup(&ts, 0, &k, &wc, &n_sub), port);
    ck_assert_uint_eq(n_sub, 1);
    ck_assert_uint_eq(wc.nw_dst, 0);

    k.tp_dst = 81;
    k.nw_dst = IP(10, 0, 0, 3);
    ck_assert_ptr_eq(of_tables_lookup(&ts, 0, &k, NULL, NULL), to_net);
    k.nw_dst = IP(10, 0, 1, 3);
    n_sub = 0;
    ck_assert_ptr_eq(of_tables_lookup(&ts, 0, &k, NULL, &n_sub), any_ip);
    ck_assert_uint_eq(n_sub, 4);
    k.dl_type = 0x0806;
    ck_assert_ptr_null(of_tables_lookup(&ts, 0, &k, NULL, NULL));
    /* Another table, and one that does not exist. */
    ck_assert_ptr_null(of_tables_lookup(&ts, 1, &k, NULL, NULL));
    ck_assert_ptr_null(of_tables_lookup(&ts, 255, &k, NULL, NULL));
    of_tables_destroy(&ts);
}
END_TEST

START_TEST(test_equal_priorities_first_added_wins)
{
    struct of_tables ts;
    struct ofkey k = udp_key(1);

    /* a (in_port) and b (nw_src) overlap at one priority; c, above them
     * in b's subtable but not matching, puts that subtable first.  The
     * lookup finds b first, and must still visit a's subtable, whose best
     * equals b's priority, to find that a was added earlier. */
    of_tables_init(&ts);
    struct of_rule *a = rule_new(0, 10);
    MATCH(a, in_port, 1, UINT32_MAX);
    struct of_rule *b = rule_new(0, 10);
    MATCH(b, nw_src, IP(10, 0, 0, 1), UINT32_MAX);
    struct of_rule *c = rule_new(0, 20);
    MATCH(c, nw_src, IP(10, 9, 9, 9), UINT32_MAX);
    of_tables_insert(&ts, a);
    of_tables_insert(&ts, b);
    of_tables_insert(&ts, c);
    ck_assert_uint_lt(a->seq, b->seq);
    ck_assert_ptr_eq(of_tables_lookup(&ts, 0, &k, NULL, NULL), a);
    of_tables_destroy(&ts);

    /* Added the other way round, the other one wins. */
    of_tables_init(&ts);
    b = rule_new(0, 10);
    MATCH(b, nw_src, IP(10, 0, 0, 1), UINT32_MAX);
    a = rule_new(0, 10);
    MATCH(a, in_port, 1, UINT32_MAX);
    c = rule_new(0, 20);
    MATCH(c, in_port, 9, UINT32_MAX);
    of_tables_insert(&ts, b);
    of_tables_insert(&ts, a);
    of_tables_insert(&ts, c);
    ck_assert_ptr_eq(of_tables_lookup(&ts, 0, &k, NULL, NULL), b);

    /* Within one subtable and one match too. */
    struct of_rule *d = rule_new(0, 10);
    MATCH(d, nw_src, IP(10, 0, 0, 0), 0xffffff00);
    struct of_rule *e = rule_new(0, 11);
    MATCH(e, nw_src, IP(10, 0, 0, 0), 0xffffff00);
    of_tables_insert(&ts, d);
    ck_assert_ptr_eq(of_tables_lookup(&ts, 0, &k, NULL, NULL), b);
    of_tables_insert(&ts, e);
    ck_assert_ptr_eq(of_tables_lookup(&ts, 0, &k, NULL, NULL), e);
    of_tables_destroy(&ts);
}
END_TEST

START_TEST(test_replace_and_remove)
{
    struct of_tables ts;
    struct ofkey k = udp_key(1);

    of_tables_init(&ts);
    struct of_rule *r1 = rule_new(0, 10);
    MATCH(r1, nw_dst, IP(10, 0, 0, 2), UINT32_MAX);
    act_output(r1, 1);
    struct of_rule *other = rule_new(0, 10);
    MATCH(other, in_port, 1, UINT32_MAX);
    ck_assert(!of_tables_insert(&ts, r1));
    ck_assert(!of_tables_insert(&ts, other));
    uint64_t seq = r1->seq;

    /* Same table, priority, match and mask: replaced, keeping its rank
     * among its equals (so it still beats 'other'). */
    struct of_rule *r2 = rule_new(0, 10);
    r2->text = strdup("replacement");
    MATCH(r2, nw_dst, IP(10, 0, 0, 2), UINT32_MAX);
    act_output(r2, 2);
    ck_assert(of_tables_insert(&ts, r2));
    ck_assert_uint_eq(of_tables_n_rules(&ts), 2);
    ck_assert_uint_eq(r2->seq, seq);
    ck_assert_ptr_eq(of_tables_lookup(&ts, 0, &k, NULL, NULL), r2);

    /* Another priority, another mask, another table: all new rules. */
    struct of_rule *r3 = rule_new(0, 11);
    MATCH(r3, nw_dst, IP(10, 0, 0, 2), UINT32_MAX);
    struct of_rule *r4 = rule_new(0, 10);
    MATCH(r4, nw_dst, IP(10, 0, 0, 2), 0xffffff0f);
    struct of_rule *r5 = rule_new(1, 10);
    MATCH(r5, nw_dst, IP(10, 0, 0, 2), UINT32_MAX);
    ck_assert(!of_tables_insert(&ts, r3));
    ck_assert(!of_tables_insert(&ts, r4));
    ck_assert(!of_tables_insert(&ts, r5));
    ck_assert_uint_eq(of_tables_n_rules(&ts), 5);
    ck_assert_uint_eq(ts.t[0].n_rules, 4);
    ck_assert_uint_eq(ts.t[1].n_rules, 1);
    ck_assert_ptr_eq(of_tables_lookup(&ts, 0, &k, NULL, NULL), r3);
    ck_assert_ptr_eq(of_tables_lookup(&ts, 1, &k, NULL, NULL), r5);

    /* Removing the best uncovers the next, and the subtables left follow
     * their new highest priorities. */
    of_tables_remove(&ts, r3);
    ck_assert_ptr_eq(of_tables_lookup(&ts, 0, &k, NULL, NULL), r2);
    of_tables_remove(&ts, r2);
    ck_assert_ptr_eq(of_tables_lookup(&ts, 0, &k, NULL, NULL), other);
    ck_assert_uint_eq(ts.t[0].n_subs, 2);
    of_tables_remove(&ts, other);
    ck_assert_ptr_eq(of_tables_lookup(&ts, 0, &k, NULL, NULL), r4);
    of_tables_remove(&ts, r4);
    ck_assert_ptr_null(of_tables_lookup(&ts, 0, &k, NULL, NULL));
    ck_assert_uint_eq(ts.t[0].n_subs, 0);
    ck_assert_uint_eq(ts.t[0].n_rules, 0);
    ck_assert_uint_eq(of_tables_n_rules(&ts), 1);
    of_tables_destroy(&ts);
}
END_TEST

/* A subtable's highest priority falls when its best rule goes: the
 * lookup must then visit it after the subtable that now outranks it, and
 * stop before it when that one matches. */
START_TEST(test_removal_reorders_subtables)
{
    struct of_tables ts;
    struct ofkey k = udp_key(1), wc;
    unsigned n_sub = 0;

    of_tables_init(&ts);
    struct of_rule *hi = rule_new(0, 100);
    MATCH(hi, in_port, 9, UINT32_MAX);
    struct of_rule *lo = rule_new(0, 5);
    MATCH(lo, in_port, 1, UINT32_MAX);
    struct of_rule *mid = rule_new(0, 50);
    MATCH(mid, nw_src, IP(10, 0, 0, 1), UINT32_MAX);
    of_tables_insert(&ts, hi);
    of_tables_insert(&ts, lo);
    of_tables_insert(&ts, mid);
    ck_assert_ptr_eq(of_tables_lookup(&ts, 0, &k, NULL, &n_sub), mid);
    ck_assert_uint_eq(n_sub, 2);

    of_tables_remove(&ts, hi);
    n_sub = 0;
    memset(&wc, 0, sizeof wc);
    ck_assert_ptr_eq(of_tables_lookup(&ts, 0, &k, &wc, &n_sub), mid);
    ck_assert_uint_eq(n_sub, 1);
    ck_assert_uint_eq(wc.in_port, 0);
    ck_assert_uint_eq(wc.nw_src, UINT32_MAX);
    of_tables_destroy(&ts);
}
END_TEST

struct dump {
    struct of_rule *seen[16];
    size_t n;
    struct of_tables *remove_from;
};

static void
dump_one(struct of_rule *r, void *aux)
{
    struct dump *d = aux;
    ck_assert_uint_lt(d->n, 16);
    d->seen[d->n++] = r;
    if (d->remove_from) {
        of_tables_remove(d->remove_from, r);
    }
}

START_TEST(test_foreach_in_dump_order)
{
    struct of_tables ts;
    struct of_rule *r[7];
    static const struct { uint8_t table; uint16_t prio; uint32_t port; }
    spec_[7] = {
        { 2, 5, 1 }, { 0, 10, 1 }, { 0, 30, 2 }, { 0, 10, 3 },
        { 1, 7, 1 }, { 0, 30, 4 }, { 0, 10, 5 },
    };
    /* By table, then descending priority, then order of insertion. */
    static const int order[7] = { 2, 5, 1, 3, 6, 4, 0 };

    of_tables_init(&ts);
    for (int i = 0; i < 7; i++) {
        r[i] = rule_new(spec_[i].table, spec_[i].prio);
        /* Masks differ so rules of a priority lie in several subtables. */
        MATCH(r[i], in_port, spec_[i].port, i % 2 ? 0xff : 0xffff);
        of_tables_insert(&ts, r[i]);
    }
    struct dump d = { .n = 0 };
    of_tables_foreach(&ts, dump_one, &d);
    ck_assert_uint_eq(d.n, 7);
    for (int i = 0; i < 7; i++) {
        ck_assert_ptr_eq(d.seen[i], r[order[i]]);
    }

    /* The callback may remove the rule it is given. */
    d = (struct dump) { .remove_from = &ts };
    of_tables_foreach(&ts, dump_one, &d);
    ck_assert_uint_eq(d.n, 7);
    ck_assert_uint_eq(of_tables_n_rules(&ts), 0);
    of_tables_destroy(&ts);
}
END_TEST

/* The reference the classifier is held to: every rule of the table,
 * one by one. */
static struct of_rule *
linear_lookup(struct of_rule **rules, size_t n, uint8_t table,
              const struct ofkey *k)
{
    struct of_rule *best = NULL;
    for (size_t i = 0; i < n; i++) {
        struct of_rule *r = rules[i];
        if (r && r->table == table
            && ofkey_eq_masked(k, &r->match, &r->mask)
            && (!best || r->priority > best->priority
                || (r->priority == best->priority && r->seq < best->seq))) {
            best = r;
        }
    }
    return best;
}

/* Whether inserting 'r' should replace one of 'rules' (as the tables
 * will free it, it is forgotten here). */
static bool
forget_replaced(struct of_rule **rules, size_t n, const struct of_rule *r)
{
    for (size_t j = 0; j < n; j++) {
        struct of_rule *o = rules[j];
        if (o && o != r && o->table == r->table
            && o->priority == r->priority && ofkey_eq(&o->mask, &r->mask)
            && ofkey_eq_masked(&o->match, &r->match, &r->mask)) {
            rules[j] = NULL;
            return true;
        }
    }
    return false;
}

static size_t
count_rules(struct of_rule **rules, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++) {
        c += rules[i] != NULL;
    }
    return c;
}

/* 10,000 rules: exact 5-tuple-like matches under one mask, prefixes
 * under 24 more (/9 to /32, at lower priorities), and catch-alls.  Every
 * lookup must agree with a linear search, including after half of the
 * rules are removed; and a lookup visits subtables, not rules. */
START_TEST(test_ten_thousand_rules)
{
    enum { N = 10000, N_KEYS = 3000 };
    struct of_tables ts;
    struct vh_rng rng;
    struct of_rule **rules = calloc(N, sizeof *rules);

    ck_assert_ptr_nonnull(rules);
    vh_rng_seed(&rng, 42, "ofclassify/10k");
    of_tables_init(&ts);
    for (int i = 0; i < N; i++) {
        struct of_rule *r;
        if (i < 8000) {
            r = rule_new(0, (uint16_t) (1000 + i % 97));
            MATCH(r, dl_type, 0x0800, 0xffff);
            MATCH(r, nw_proto, 17, 0xff);
            MATCH(r, nw_dst, IP(10, (i >> 8) & 0xff, i & 0xff, 1),
                  UINT32_MAX);
            MATCH(r, tp_dst, 1000 + i % 7, 0xffff);
        } else if (i < N - 2) {
            int plen = 9 + (int) vh_rng_below(&rng, 24);
            uint32_t m = UINT32_MAX << (32 - plen);
            r = rule_new(0, (uint16_t) (100 + vh_rng_below(&rng, 50)));
            MATCH(r, dl_type, 0x0800, 0xffff);
            MATCH(r, nw_dst, IP(10, vh_rng_below(&rng, 40),
                                vh_rng_below(&rng, 256), 1), m);
        } else {
            r = rule_new(0, (uint16_t) (N - 1 - i));    /* Catch-alls. */
        }
        /* Prefix rules repeat (all /9s are 10.0.0.0/9): those replace. */
        bool replaces = i >= 8000 && forget_replaced(rules, (size_t) i, r);
        rules[i] = r;
        ck_assert_int_eq(of_tables_insert(&ts, r), replaces);
    }
    ck_assert_uint_eq(of_tables_n_rules(&ts), count_rules(rules, N));
    ck_assert_uint_gt(of_tables_n_rules(&ts), 9000);
    ck_assert_uint_le(ts.t[0].n_subs, 26);

    unsigned n_sub = 0, hits_exact = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < N_KEYS; i++) {
            struct ofkey k = udp_key(1);
            uint32_t j = (uint32_t) vh_rng_below(&rng, 8000 + 200);
            k.nw_dst = IP(10, (j >> 8) & 0xff, j & 0xff,
                          vh_rng_below(&rng, 4) ? 1 : 2);
            k.tp_dst = (uint16_t) (1000 + (vh_rng_below(&rng, 4)
                                           ? j % 7 : vh_rng_below(&rng, 8)));
            struct of_rule *want = linear_lookup(rules, N, 0, &k);
            struct of_rule *got = of_tables_lookup(&ts, 0, &k, NULL, &n_sub);
            ck_assert_ptr_eq(got, want);
            hits_exact += got && got->priority >= 1000;
        }
        /* Take out every other rule (the first catch-all included). */
        for (int i = 0; i < N && !pass; i += 2) {
            if (rules[i]) {
                of_tables_remove(&ts, rules[i]);
                rules[i] = NULL;
            }
        }
        ck_assert_uint_eq(of_tables_n_rules(&ts), count_rules(rules, N));
    }
    ck_assert_uint_gt(hits_exact, N_KEYS / 4);     /* Not all misses. */
    ck_assert_uint_le(n_sub, 2 * N_KEYS * 26);
    of_tables_destroy(&ts);
    free(rules);
}
END_TEST

/* Random rules, random removals, and keys from a small space so rules
 * overlap: the classifier against the linear search, and its wildcards
 * against keys that agree with them. */
START_TEST(test_classifier_matches_linear_search)
{
    enum { N = 300 };
    struct vh_rng rng;
    struct of_rule *rules[N];

    vh_rng_seed(&rng, 7, "ofclassify/cls");
    for (int round = 0; round < 20; round++) {
        struct of_tables ts;
        of_tables_init(&ts);
        for (int i = 0; i < N; i++) {
            struct of_rule *r = rule_new((uint8_t) vh_rng_below(&rng, 2),
                                         (uint16_t) vh_rng_below(&rng, 8));
            if (vh_rng_below(&rng, 2)) {
                MATCH(r, in_port, 1 + vh_rng_below(&rng, 3), UINT32_MAX);
            }
            if (vh_rng_below(&rng, 2)) {
                MATCH(r, nw_src, IP(10, 0, 0, vh_rng_below(&rng, 4)),
                      vh_rng_below(&rng, 2) ? UINT32_MAX : 0xfffffffe);
            }
            if (vh_rng_below(&rng, 2)) {
                MATCH(r, tp_dst, vh_rng_below(&rng, 4), 0x3);
            }
            bool replaces = forget_replaced(rules, (size_t) i, r);
            rules[i] = r;
            ck_assert_int_eq(of_tables_insert(&ts, r), replaces);
        }
        ck_assert_uint_eq(of_tables_n_rules(&ts), count_rules(rules, N));
        for (int i = 0; i < N; i += 3) {
            if (rules[i]) {
                of_tables_remove(&ts, rules[i]);
                rules[i] = NULL;
            }
        }
        for (int i = 0; i < 200; i++) {
            struct ofkey k = udp_key(1 + (uint32_t) vh_rng_below(&rng, 3));
            k.nw_src = IP(10, 0, 0, vh_rng_below(&rng, 4));
            k.tp_dst = (uint16_t) vh_rng_below(&rng, 4);
            uint8_t t = (uint8_t) vh_rng_below(&rng, 2);
            struct ofkey wc;
            memset(&wc, 0, sizeof wc);
            struct of_rule *got = of_tables_lookup(&ts, t, &k, &wc, NULL);
            ck_assert_ptr_eq(got, linear_lookup(rules, N, t, &k));
            for (int v = 0; v < 10; v++) {
                struct ofkey k2;
                for (int w = 0; w < OFKEY_WORDS; w++) {
                    k2.w[w] = (k.w[w] & wc.w[w])
                              | (vh_rng_next(&rng) & ~wc.w[w]);
                }
                ck_assert_ptr_eq(of_tables_lookup(&ts, t, &k2, NULL, NULL),
                                 got);
            }
        }
        of_tables_destroy(&ts);
    }
}
END_TEST

/* Translation. */

struct xrig {
    struct of_tables ts;
    struct xlate_in in;
    struct xlate_out out;
    char buf[512];
};

static void
xrig_init(struct xrig *x, uint32_t n_ports)
{
    memset(x, 0, sizeof *x);
    of_tables_init(&x->ts);
    x->in.tables = &x->ts;
    x->in.n_ports = n_ports;
    xlate_out_init(&x->out);
}

static void
xrig_destroy(struct xrig *x)
{
    xlate_out_destroy(&x->out);
    of_tables_destroy(&x->ts);
}

/* A rule of 'table' at 'priority' that matches every frame: it goes into
 * the tables at once (its actions may be added after, not its match). */
static struct of_rule *
xrule(struct xrig *x, uint8_t table, uint16_t priority)
{
    struct of_rule *r = rule_new(table, priority);
    of_tables_insert(&x->ts, r);
    return r;
}

/* A rule matching in_port 'port' and, when 'dl_dst' is not NULL, that
 * destination MAC. */
static struct of_rule *
xrule_in(struct xrig *x, uint8_t table, uint16_t priority, uint32_t port,
         const struct vh_mac *dl_dst)
{
    struct of_rule *r = rule_new(table, priority);
    if (port) {
        MATCH(r, in_port, port, UINT32_MAX);
    }
    if (dl_dst) {
        match_mac(r->match.dl_dst, r->mask.dl_dst, dl_dst);
    }
    of_tables_insert(&x->ts, r);
    return r;
}

/* Translates 'k' and returns the datapath actions, as printed. */
static const char *
xrun(struct xrig *x, const struct ofkey *k)
{
    x->in.key = *k;
    xlate(&x->in, &x->out);
    return odp_actions_format(&x->out.acts, x->buf, sizeof x->buf);
}

START_TEST(test_xlate_output)
{
    struct xrig x;
    struct ofkey k = udp_key(1);

    xrig_init(&x, 4);
    struct of_rule *r = xrule_in(&x, 0, 10, 1, NULL);
    act_output(r, 2);
    act_output(r, 1);           /* The ingress: skipped. */
    act_output(r, 5);           /* No such port: skipped. */
    act_output(r, 3);
    ck_assert_str_eq(xrun(&x, &k), "2,3");
    ck_assert_int_eq(x.out.drop, XLATE_OK);
    ck_assert_uint_eq(x.out.n_rules, 1);
    ck_assert_ptr_eq(x.out.rules[0], r);
    ck_assert_uint_eq(x.out.n_lookups, 1);
    ck_assert_uint_eq(x.out.n_subtables, 1);
    ck_assert(!x.out.controller);
    ck_assert(!x.out.normal);

    /* The megaflow: in_port and dl_type always; nw_frag for IPv4; the
     * rest wildcarded. */
    struct ofkey want;
    memset(&want, 0, sizeof want);
    want.in_port = UINT32_MAX;
    want.dl_type = 0xffff;
    want.nw_frag = 0xff;
    ck_assert(ofkey_eq(&x.out.wc, &want));

    /* Back out of the ingress only with in_port, and to LOCAL. */
    act_type(r, OFA_IN_PORT);
    act_type(r, OFA_LOCAL);
    ck_assert_str_eq(xrun(&x, &k), "2,3,1,LOCAL");

    /* The same output reused: cleared first. */
    k.in_port = 2;
    ck_assert_str_eq(xrun(&x, &k), "drop");
    ck_assert_int_eq(x.out.drop, XLATE_NO_MATCH);
    ck_assert_uint_eq(x.out.n_rules, 0);
    ck_assert_uint_eq(x.out.n_lookups, 1);
    xrig_destroy(&x);
}
END_TEST

static bool
floods_not_3(void *aux, uint32_t port)
{
    (void) aux;
    return port != 3;
}

START_TEST(test_xlate_flood_and_all)
{
    struct xrig x;
    struct ofkey k = udp_key(2);

    xrig_init(&x, 5);
    struct of_rule *r = xrule(&x, 0, 10);
    act_type(r, OFA_FLOOD);
    ck_assert_str_eq(xrun(&x, &k), "1,3,4,5");
    x.in.port_floods = floods_not_3;
    ck_assert_str_eq(xrun(&x, &k), "1,4,5");
    r->acts[0].type = OFA_ALL;
    ck_assert_str_eq(xrun(&x, &k), "1,3,4,5");
    k.in_port = 5;
    ck_assert_str_eq(xrun(&x, &k), "1,2,3,4");
    xrig_destroy(&x);
}
END_TEST

START_TEST(test_xlate_misses_and_drops)
{
    struct xrig x;
    struct ofkey k = udp_key(1);

    xrig_init(&x, 4);
    ck_assert_str_eq(xrun(&x, &k), "drop");
    ck_assert_int_eq(x.out.drop, XLATE_NO_MATCH);
    ck_assert_str_eq(xlate_drop_reason(x.out.drop), "no-rule-matched");

    /* A rule without actions drops. */
    struct of_rule *r0 = xrule(&x, 0, 10);
    ck_assert_str_eq(xrun(&x, &k), "drop");
    ck_assert_int_eq(x.out.drop, XLATE_RULE_DROP);
    ck_assert_uint_eq(x.out.n_rules, 1);

    /* A miss after resubmit returns to the next action... */
    act_resubmit(r0, OFPP_NONE, 1);
    ck_assert_str_eq(xrun(&x, &k), "drop");
    ck_assert_int_eq(x.out.drop, XLATE_RULE_DROP);
    act_output(r0, 3);
    ck_assert_str_eq(xrun(&x, &k), "3");
    ck_assert_uint_eq(x.out.n_lookups, 2);
    ck_assert_uint_eq(x.out.n_rules, 1);

    /* ...but a miss after goto_table is a miss of the pipeline. */
    free(r0->acts);
    r0->acts = NULL;
    r0->n_acts = 0;
    act_goto(r0, 1);
    ck_assert_str_eq(xrun(&x, &k), "drop");
    ck_assert_int_eq(x.out.drop, XLATE_NO_MATCH);
    ck_assert_uint_eq(x.out.n_lookups, 2);

    /* An output before the miss: forwarded all the same. */
    r0->acts[0] = (struct of_action) { .type = OFA_OUTPUT, .port = 2 };
    act_goto(r0, 1);
    ck_assert_str_eq(xrun(&x, &k), "2");
    ck_assert_int_eq(x.out.drop, XLATE_OK);

    /* The controller: none, so dropped with that reason. */
    r0->acts[0] = (struct of_action) { .type = OFA_CONTROLLER };
    r0->acts[1] = (struct of_action) { .type = OFA_SET_QUEUE, .value = 3 };
    ck_assert_str_eq(xrun(&x, &k),
                     "userspace(controller),set(skb_priority(0x3))");
    ck_assert(x.out.controller);
    ck_assert_int_eq(x.out.drop, XLATE_CONTROLLER);
    ck_assert_str_eq(xlate_drop_reason(XLATE_CONTROLLER), "no-controller");
    ck_assert_str_eq(xlate_drop_reason(XLATE_RULE_DROP), "rule-drop");
    ck_assert_str_eq(xlate_drop_reason(XLATE_TOO_DEEP), "resubmit-depth");
    ck_assert_str_eq(xlate_drop_reason(XLATE_TTL), "ttl-expired");
    xrig_destroy(&x);
}
END_TEST

START_TEST(test_xlate_resubmit)
{
    struct xrig x;
    struct ofkey k = udp_key(1);

    /* Table 0 rewrites dl_dst and resubmits to table 1, which matches
     * on the rewritten dl_dst, then outputs once more itself. */
    xrig_init(&x, 4);
    struct of_rule *r0 = xrule_in(&x, 0, 10, 1, NULL);
    act_set(r0, OFF_DL_DST, mac_u64(&mac_b));
    act_resubmit(r0, OFPP_NONE, 1);
    act_output(r0, 3);
    struct of_rule *r1 = xrule_in(&x, 1, 10, 0, &mac_b);
    act_output(r1, 2);
    ck_assert_str_eq(xrun(&x, &k), "set(eth(dst=00:25:b5:00:00:0b)),2,3");
    ck_assert_uint_eq(x.out.n_rules, 2);
    ck_assert_ptr_eq(x.out.rules[0], r0);
    ck_assert_ptr_eq(x.out.rules[1], r1);
    ck_assert_uint_eq(x.out.n_lookups, 2);
    /* dl_dst is rewritten: its own value decides whether a set is
     * needed, so it is part of the megaflow. */
    ck_assert_mem_eq(x.out.wc.dl_dst, "\xff\xff\xff\xff\xff\xff", 6);

    /* The frame already has that dl_dst: nothing to set. */
    memcpy(k.dl_dst, mac_b.b, 6);
    ck_assert_str_eq(xrun(&x, &k), "2,3");

    /* resubmit(4,1): table 1 sees in_port 4, so output:4 is the ingress
     * there and output:1 is not. */
    r0->acts[1].port = 4;
    of_tables_remove(&x.ts, r1);
    r1 = xrule_in(&x, 1, 10, 4, NULL);
    act_output(r1, 4);
    act_output(r1, 1);
    /* Back in table 0 the frame came by port 1 again. */
    act_output(r0, 1);
    act_output(r0, 4);
    ck_assert_str_eq(xrun(&x, &k), "1,3,4");
    ck_assert_ptr_eq(x.out.rules[1], r1);

    /* resubmit(,255): the current table again. */
    r0->acts[1] = (struct of_action) { .type = OFA_RESUBMIT,
                                       .port = 4, .table = 255 };
    struct of_rule *r0b = xrule_in(&x, 0, 5, 4, NULL);
    act_output(r0b, 2);
    ck_assert_str_eq(xrun(&x, &k), "2,3,4");
    ck_assert_ptr_eq(x.out.rules[1], r0b);
    xrig_destroy(&x);
}
END_TEST

START_TEST(test_xlate_resubmit_limits)
{
    struct xrig x;
    struct ofkey k = udp_key(1);

    /* A rule that resubmits to its own table nests until the limit;
     * the frame is dropped, its earlier output too. */
    xrig_init(&x, 4);
    struct of_rule *r = xrule(&x, 0, 10);
    act_output(r, 2);
    act_resubmit(r, OFPP_NONE, 0);
    ck_assert_str_eq(xrun(&x, &k), "drop");
    ck_assert_int_eq(x.out.drop, XLATE_TOO_DEEP);
    ck_assert_uint_eq(x.out.n_lookups, XLATE_MAX_DEPTH + 1);
    ck_assert_uint_eq(x.out.n_rules, XLATE_MAX_DEPTH + 1);
    ck_assert_ptr_eq(x.out.rules[XLATE_MAX_DEPTH], r);

    /* Twice to itself: a tree 2^64 lookups big, cut at the total. */
    act_resubmit(r, OFPP_NONE, 0);
    ck_assert_str_eq(xrun(&x, &k), "drop");
    ck_assert_int_eq(x.out.drop, XLATE_TOO_DEEP);
    ck_assert_uint_le(x.out.n_lookups, XLATE_MAX_RESUBMITS + 1);
    xrig_destroy(&x);
}
END_TEST

START_TEST(test_xlate_goto_table)
{
    struct xrig x;
    struct ofkey k = udp_key(1);

    /* Table 0 rewrites nw_src and goes to table 2, which looks up the
     * rewritten address; goto_table takes effect after the rule's other
     * actions, whatever their order. */
    xrig_init(&x, 4);
    struct of_rule *r0 = xrule(&x, 0, 10);
    act_goto(r0, 2);
    act_set(r0, OFF_NW_SRC, IP(10, 0, 0, 9));
    struct of_rule *r2 = rule_new(2, 10);
    MATCH(r2, nw_src, IP(10, 0, 0, 9), UINT32_MAX);
    of_tables_insert(&x.ts, r2);
    act_output(r2, 2);
    struct of_rule *r1 = xrule(&x, 1, 10);
    act_output(r1, 4);
    ck_assert_str_eq(xrun(&x, &k), "set(ipv4(src=10.0.0.9)),2");
    ck_assert_uint_eq(x.out.n_rules, 2);
    ck_assert_ptr_eq(x.out.rules[1], r2);
    ck_assert_uint_eq(x.out.wc.nw_src, UINT32_MAX);

    /* Backwards (to the table itself) is refused: it would loop. */
    struct of_rule *r2b = xrule_in(&x, 2, 20, 1, NULL);
    act_output(r2b, 3);
    act_goto(r2b, 2);
    ck_assert_str_eq(xrun(&x, &k), "set(ipv4(src=10.0.0.9)),3");
    ck_assert_uint_eq(x.out.n_lookups, 2);
    xrig_destroy(&x);
}
END_TEST

struct normal_seen {
    int calls;
    uint16_t tci;
    uint32_t in_port;
};

/* A stand-in for the bridge's learning switch: out of port 3 tagged 10
 * and port 4 untagged, having looked at the destination MAC. */
static void
normal_cb(struct xlate_ctx *ctx, void *aux)
{
    struct normal_seen *seen = aux;
    const struct ofkey *flow = xlate_flow(ctx);

    seen->calls++;
    seen->tci = flow->vlan_tci;
    seen->in_port = flow->in_port;
    memset(xlate_wc(ctx)->dl_dst, 0xff, 6);
    xlate_output_vlan(ctx, 3, 10);
    xlate_output_vlan(ctx, 4, -1);
}

START_TEST(test_xlate_normal)
{
    struct xrig x;
    struct normal_seen seen = { 0 };
    struct ofkey k = udp_key(1);

    xrig_init(&x, 4);
    x.in.normal = normal_cb;
    x.in.aux = &seen;
    struct of_rule *r = xrule(&x, 0, 10);
    act_set(r, OFF_VLAN_PCP, 2);
    act_type(r, OFA_NORMAL);
    act_output(r, 2);
    /* NORMAL sees the flow as rewritten (PCP 2 pushed a tag); each of
     * its outputs has the tag it asked for; the output after it has the
     * rule's. */
    ck_assert_str_eq(xrun(&x, &k), "push_vlan(vid=10,pcp=2),3,pop_vlan,4,"
                     "push_vlan(vid=0,pcp=2),2");
    ck_assert_int_eq(seen.calls, 1);
    ck_assert_uint_eq(seen.tci, OFKEY_VLAN_CFI | 2 << 13);
    ck_assert_uint_eq(seen.in_port, 1);
    ck_assert(x.out.normal);
    ck_assert_mem_eq(x.out.wc.dl_dst, "\xff\xff\xff\xff\xff\xff", 6);
    ck_assert_uint_eq(x.out.wc.vlan_tci, 0xffff);

    /* No callback: NORMAL outputs nothing. */
    x.in.normal = NULL;
    r->acts[2].port = 1;
    ck_assert_str_eq(xrun(&x, &k), "drop");
    ck_assert(x.out.normal);
    ck_assert_int_eq(x.out.drop, XLATE_RULE_DROP);
    xrig_destroy(&x);
}
END_TEST

START_TEST(test_xlate_vlan)
{
    struct xrig x;
    uint8_t buf[256];
    struct ofkey untagged = udp_key(1), tagged;

    ofkey_extract(buf, udp_frame(buf, true, 0x6005), 1, &tagged);
    xrig_init(&x, 4);
    struct of_rule *r = xrule(&x, 0, 10);
    act_set(r, OFF_VLAN_VID, 10);
    act_output(r, 2);
    ck_assert_str_eq(xrun(&x, &untagged), "push_vlan(vid=10,pcp=0),2");
    ck_assert_uint_eq(x.out.wc.vlan_tci, 0xffff);
    /* The tag's PCP (3) is kept. */
    ck_assert_str_eq(xrun(&x, &tagged), "set(vlan(vid=10,pcp=3)),2");
    tagged.vlan_tci = OFKEY_VLAN_CFI | 3 << 13 | 10;
    ck_assert_str_eq(xrun(&x, &tagged), "2");

    r->acts[0] = (struct of_action) { .type = OFA_STRIP_VLAN };
    ck_assert_str_eq(xrun(&x, &tagged), "pop_vlan,2");
    ck_assert_str_eq(xrun(&x, &untagged), "2");
    ck_assert_uint_eq(x.out.wc.vlan_tci & OFKEY_VLAN_CFI, OFKEY_VLAN_CFI);

    r->acts[0] = (struct of_action) { .type = OFA_PUSH_VLAN,
                                      .value = 0x8100 };
    ck_assert_str_eq(xrun(&x, &untagged), "push_vlan(vid=0,pcp=0),2");
    ck_assert_str_eq(xrun(&x, &tagged), "2");

    /* Strip then set: the frame's tag rewritten, not popped and pushed. */
    r->acts[0] = (struct of_action) { .type = OFA_STRIP_VLAN };
    act_set(r, OFF_VLAN_VID, 7);
    act_output(r, 3);
    ck_assert_str_eq(xrun(&x, &tagged), "pop_vlan,2,push_vlan(vid=7,pcp=0),3");
    xrig_destroy(&x);
}
END_TEST

START_TEST(test_xlate_rewrites)
{
    struct xrig x;
    uint8_t buf[256];
    struct ofkey k = udp_key(1), arp;

    xrig_init(&x, 4);
    struct of_rule *r = xrule(&x, 0, 10);
    act_set(r, OFF_NW_TOS, 0xb8);           /* DSCP only: ECN stays. */
    act_set(r, OFF_TP_DST, 53);
    act_set(r, OFF_TP_SRC, 12345);          /* Already so: no set. */
    act_set(r, OFF_DL_SRC, mac_u64(&mac_a));
    act_set(r, OFF_TUN_ID, 0x42);
    act_output(r, 2);
    act_set(r, OFF_NW_TTL, 9);              /* After the last output. */
    k.nw_tos = 0x01;
    ck_assert_str_eq(xrun(&x, &k),
                     "set(eth(src=00:25:b5:00:00:0a)),set(ipv4(tos=0xb9)),"
                     "set(tp(dst=53)),set(tunnel(tun_id=0x42)),2");
    ck_assert_uint_eq(x.out.wc.nw_tos, 0xff);
    ck_assert_uint_eq(x.out.wc.tp_dst, 0xffff);
    ck_assert_uint_eq(x.out.wc.nw_proto, 0xff);
    ck_assert_uint_eq(x.out.wc.nw_src, 0);

    /* A later fragment has no ports; ARP has no IPv4 header. */
    k.nw_frag = 1;
    ck_assert_str_eq(xrun(&x, &k),
                     "set(eth(src=00:25:b5:00:00:0a)),set(ipv4(tos=0xb9)),"
                     "set(tunnel(tun_id=0x42)),2");
    ofkey_extract(buf, vh_build_arp(buf, 1, &mac_b, 1, NULL, 2, NULL), 1,
                  &arp);
    ck_assert_str_eq(xrun(&x, &arp),
                     "set(eth(src=00:25:b5:00:00:0a)),"
                     "set(tunnel(tun_id=0x42)),2");
    ck_assert_uint_eq(x.out.wc.nw_frag, 0);
    xrig_destroy(&x);
}
END_TEST

START_TEST(test_xlate_dec_ttl)
{
    struct xrig x;
    struct ofkey k = udp_key(1);

    xrig_init(&x, 4);
    struct of_rule *r = xrule(&x, 0, 10);
    act_output(r, 3);
    act_type(r, OFA_DEC_TTL);
    act_output(r, 2);
    ck_assert_str_eq(xrun(&x, &k), "3,set(ipv4(ttl=63)),2");
    ck_assert_uint_eq(x.out.wc.nw_ttl, 0xff);

    /* TTL 1: translation stops there; what was output before stays. */
    k.nw_ttl = 1;
    ck_assert_str_eq(xrun(&x, &k), "3");
    ck_assert_int_eq(x.out.drop, XLATE_OK);
    r->acts[0].port = 1;
    ck_assert_str_eq(xrun(&x, &k), "drop");
    ck_assert_int_eq(x.out.drop, XLATE_TTL);
    k.nw_ttl = 0;
    ck_assert_str_eq(xrun(&x, &k), "drop");
    ck_assert_int_eq(x.out.drop, XLATE_TTL);
    k.nw_ttl = 2;
    ck_assert_str_eq(xrun(&x, &k), "set(ipv4(ttl=1)),2");
    xrig_destroy(&x);
}
END_TEST

/* The megaflow property, on random rule sets. */

/* Keys and rule values come from a small space, so that random rules
 * overlap each other and the keys: two to four values a field. */
static uint32_t
pick(struct vh_rng *rng, const uint32_t *v, size_t n)
{
    return v[vh_rng_below(rng, n)];
}

#define PICK(RNG, ...)                                                  \
    pick(RNG, (const uint32_t[]) { __VA_ARGS__ },                       \
         sizeof (const uint32_t[]) { __VA_ARGS__ } / sizeof (uint32_t))

static void
random_mac(struct vh_rng *rng, uint8_t *mac)
{
    static const uint8_t base[6] = { 0x02, 0, 0, 0, 0, 0 };
    memcpy(mac, base, 6);
    mac[5] = (uint8_t) PICK(rng, 1, 2, 3);
}

static struct ofkey
random_key(struct vh_rng *rng)
{
    struct ofkey k;
    memset(&k, 0, sizeof k);
    k.in_port = PICK(rng, 1, 2, 3, 4);
    k.dl_type = (uint16_t) PICK(rng, 0x0800, 0x0800, 0x0806);
    k.vlan_tci = (uint16_t) PICK(rng, 0, 0, OFKEY_VLAN_CFI | 1,
                                 OFKEY_VLAN_CFI | 2,
                                 OFKEY_VLAN_CFI | 1 << 13 | 1);
    random_mac(rng, k.dl_src);
    random_mac(rng, k.dl_dst);
    k.nw_src = IP(10, 0, PICK(rng, 0, 1), PICK(rng, 1, 2));
    k.nw_dst = IP(10, 0, PICK(rng, 0, 1), PICK(rng, 1, 2));
    k.nw_proto = (uint8_t) PICK(rng, 1, 6, 17);
    k.nw_tos = (uint8_t) PICK(rng, 0, 4, 5);
    k.nw_ttl = (uint8_t) PICK(rng, 1, 2, 64);
    k.nw_frag = (uint8_t) PICK(rng, 0, 0, 0, 1);
    k.tp_src = (uint16_t) PICK(rng, 1, 2, 80);
    k.tp_dst = (uint16_t) PICK(rng, 1, 2, 80);
    k.tun_id = PICK(rng, 0, 1);
    k.pkt_mark = PICK(rng, 0, 1);
    return k;
}

static bool
coin(struct vh_rng *rng, unsigned in)
{
    return vh_rng_below(rng, in) == 0;
}

/* A match on about a third of the fields, some under partial masks,
 * with values from a random key. */
static void
random_match(struct vh_rng *rng, struct of_rule *r)
{
    struct ofkey v = random_key(rng);

    if (coin(rng, 3)) {
        MATCH(r, in_port, v.in_port, UINT32_MAX);
    }
    if (coin(rng, 3)) {
        MATCH(r, dl_type, v.dl_type, 0xffff);
    }
    if (coin(rng, 4)) {
        MATCH(r, vlan_tci, v.vlan_tci,
              PICK(rng, 0xffff, OFKEY_VLAN_CFI, 0x0fff, 0xe000));
    }
    if (coin(rng, 4)) {
        memcpy(r->match.dl_dst, v.dl_dst, 6);
        memset(r->mask.dl_dst, 0xff, 6);
        if (coin(rng, 2)) {
            memset(r->mask.dl_dst, 0, 5);   /* The last byte only. */
            memset(r->match.dl_dst, 0, 5);
        }
    }
    if (coin(rng, 3)) {
        MATCH(r, nw_src, v.nw_src, PICK(rng, UINT32_MAX, 0xffffff00,
                                        0xfffffffe));
    }
    if (coin(rng, 4)) {
        MATCH(r, nw_dst, v.nw_dst, UINT32_MAX);
    }
    if (coin(rng, 3)) {
        MATCH(r, nw_proto, v.nw_proto, 0xff);
    }
    if (coin(rng, 6)) {
        MATCH(r, nw_tos, v.nw_tos, 0xfc);
    }
    if (coin(rng, 6)) {
        MATCH(r, nw_ttl, v.nw_ttl, 0xff);
    }
    if (coin(rng, 4)) {
        MATCH(r, tp_src, v.tp_src, 0xffff);
    }
    if (coin(rng, 3)) {
        MATCH(r, tp_dst, v.tp_dst, PICK(rng, 0xffff, 0x00ff, 0xfffe));
    }
    if (coin(rng, 6)) {
        MATCH(r, tun_id, v.tun_id, UINT32_MAX);
    }
    if (coin(rng, 6)) {
        MATCH(r, pkt_mark, v.pkt_mark, UINT32_MAX);
    }
    if (coin(rng, 8)) {
        MATCH(r, nw_frag, v.nw_frag, 0xff);
    }
}

static void
random_set(struct vh_rng *rng, struct of_rule *r)
{
    struct ofkey v = random_key(rng);
    enum of_field f = (enum of_field) vh_rng_below(rng, OFF_PKT_MARK + 1);
    uint64_t value = 0;

    switch (f) {
    case OFF_DL_SRC:
        value = 0x020000000000ULL | v.dl_src[5];
        break;
    case OFF_DL_DST:
        value = 0x020000000000ULL | v.dl_dst[5];
        break;
    case OFF_VLAN_VID:
        value = PICK(rng, 1, 2);
        break;
    case OFF_VLAN_PCP:
        value = PICK(rng, 0, 1);
        break;
    case OFF_NW_SRC:
        value = v.nw_src;
        break;
    case OFF_NW_DST:
        value = v.nw_dst;
        break;
    case OFF_NW_TOS:
        value = v.nw_tos;
        break;
    case OFF_NW_TTL:
        value = v.nw_ttl;
        break;
    case OFF_TP_SRC:
        value = v.tp_src;
        break;
    case OFF_TP_DST:
        value = v.tp_dst;
        break;
    case OFF_TUN_ID:
        value = v.tun_id;
        break;
    case OFF_PKT_MARK:
        value = v.pkt_mark;
        break;
    }
    act_set(r, f, value);
}

static void
random_action(struct vh_rng *rng, struct of_rule *r)
{
    static const enum of_act_type simple[] = {
        OFA_NORMAL, OFA_FLOOD, OFA_ALL, OFA_IN_PORT, OFA_LOCAL,
        OFA_CONTROLLER, OFA_STRIP_VLAN, OFA_PUSH_VLAN, OFA_DEC_TTL,
    };

    switch (vh_rng_below(rng, 6)) {
    case 0:
    case 1:
        act_output(r, 1 + (uint32_t) vh_rng_below(rng, 5));
        break;
    case 2:
        random_set(rng, r);
        break;
    case 3: {
        /* Mostly forward; at times the same table or any (loops are
         * cut by the limits). */
        uint8_t t = (uint8_t) (r->table < 3 && !coin(rng, 5)
                               ? r->table + 1 + vh_rng_below(rng,
                                                             3 - r->table)
                               : PICK(rng, 255, 0, 1, 2, 3));
        act_resubmit(r, coin(rng, 3) ? 1 + (uint32_t) vh_rng_below(rng, 4)
                                     : OFPP_NONE, t);
        break;
    }
    case 4:
        if (r->table < 3) {
            act_goto(r, (uint8_t) (r->table + 1
                                   + vh_rng_below(rng, 3 - r->table)));
        } else {
            act_add(r, (struct of_action) { .type = OFA_SET_QUEUE,
                                            .value = 1 });
        }
        break;
    default:
        act_type(r, simple[vh_rng_below(rng, sizeof simple
                                             / sizeof *simple)]);
        break;
    }
}

/* Half the rules in table 0, where every translation starts; now and
 * then a catch-all among them. */
static void
random_rules(struct vh_rng *rng, struct of_tables *ts)
{
    size_t n = 4 + vh_rng_below(rng, 36);
    for (size_t i = 0; i < n; i++) {
        uint8_t table = (uint8_t) (coin(rng, 2) ? 0 : vh_rng_below(rng, 4));
        struct of_rule *r = rule_new(table,
                                     (uint16_t) PICK(rng, 10, 20, 30, 40));
        if (!coin(rng, 8)) {
            random_match(rng, r);
        }
        size_t n_acts = vh_rng_below(rng, 5);
        for (size_t j = 0; j < n_acts; j++) {
            random_action(rng, r);
        }
        of_tables_insert(ts, r);
    }
}

/* NORMAL as a learning switch would be: out by a port chosen from the
 * destination MAC, tagged or not by its low bit, having said so in the
 * wildcards. */
static void
prop_normal(struct xlate_ctx *ctx, void *aux)
{
    const struct ofkey *f = xlate_flow(ctx);
    uint32_t port = 1 + f->dl_dst[5] % 4;

    (void) aux;
    xlate_wc(ctx)->dl_dst[5] = 0xff;
    if (port != f->in_port) {
        xlate_output_vlan(ctx, port, f->dl_dst[5] & 1 ? 7 : -1);
    }
}

static bool
prop_floods(void *aux, uint32_t port)
{
    (void) aux;
    return port != 2;
}

/* What a translation produced, kept to compare the next ones with (its
 * first XRESULT_RULES rules). */
enum { XRESULT_RULES = 64 };
struct xresult {
    struct odp_actions acts;
    struct ofkey wc;
    struct of_rule *rules[XRESULT_RULES];
    size_t n_rules;
    unsigned n_lookups;
    enum xlate_drop drop;
    bool controller, normal;
};

static void
xresult_save(struct xresult *r, const struct xlate_out *out)
{
    odp_actions_copy(&r->acts, &out->acts);
    r->wc = out->wc;
    size_t n = out->n_rules < XRESULT_RULES ? out->n_rules : XRESULT_RULES;
    if (n) {
        memcpy(r->rules, out->rules, n * sizeof *r->rules);
    }
    r->n_rules = out->n_rules;
    r->n_lookups = out->n_lookups;
    r->drop = out->drop;
    r->controller = out->controller;
    r->normal = out->normal;
}

static void
xresult_check(const struct xresult *r, const struct xlate_out *out,
              const struct ofkey *k1, const struct ofkey *k2)
{
    char b[5][512];

    if (!odp_actions_eq(&r->acts, &out->acts)) {
        ck_abort_msg("%s -> %s\nbut %s -> %s\nmegaflow %s",
                     ofkey_format(k1, NULL, b[0], sizeof b[0]),
                     odp_actions_format(&r->acts, b[1], sizeof b[1]),
                     ofkey_format(k2, NULL, b[2], sizeof b[2]),
                     odp_actions_format(&out->acts, b[3], sizeof b[3]),
                     ofkey_format(k1, &r->wc, b[4], sizeof b[4]));
    }
    ck_assert_uint_eq(out->n_rules, r->n_rules);
    size_t n = r->n_rules < XRESULT_RULES ? r->n_rules : XRESULT_RULES;
    for (size_t i = 0; i < n; i++) {
        ck_assert_ptr_eq(out->rules[i], r->rules[i]);
    }
    ck_assert_uint_eq(out->n_lookups, r->n_lookups);
    ck_assert_int_eq(out->drop, r->drop);
    ck_assert_int_eq(out->controller, r->controller);
    ck_assert_int_eq(out->normal, r->normal);
    /* The same decisions looked at the same bits. */
    ck_assert(ofkey_eq(&out->wc, &r->wc));
}

START_TEST(test_megaflow_property)
{
    enum { SETS = 200, PACKETS = 50, VARIANTS = 20 };
    struct vh_rng rng;
    struct xrig x;
    struct xresult res;
    unsigned n_p1 = 0, n_wild = 0, n_output = 0, n_rewrite = 0;
    unsigned n_chain = 0, n_differ = 0, n_variants = 0;
    unsigned drops[XLATE_TTL + 1] = { 0 };
    struct ofkey all;

    memset(&all, 0xff, sizeof all);
    all.pad = 0;
    odp_actions_init(&res.acts);
    vh_rng_seed(&rng, 2024, "ofclassify/megaflow");
    for (int set = 0; set < SETS; set++) {
        xrig_init(&x, 4);
        x.in.normal = prop_normal;
        x.in.port_floods = prop_floods;
        random_rules(&rng, &x.ts);
        for (int p = 0; p < PACKETS; p++) {
            struct ofkey k1 = random_key(&rng);
            x.in.key = k1;
            xlate(&x.in, &x.out);
            xresult_save(&res, &x.out);

            ck_assert_uint_eq(res.wc.in_port, UINT32_MAX);
            n_p1++;
            n_wild += !ofkey_eq_masked(&res.wc, &all, &all);
            n_output += res.drop == XLATE_OK;
            n_chain += res.n_lookups > 1;
            drops[res.drop]++;
            for (size_t i = 0; i < res.acts.n; i++) {
                if (res.acts.a[i].type != ODP_OUTPUT) {
                    n_rewrite++;
                    break;
                }
            }

            for (int v = 0; v < VARIANTS; v++) {
                /* Half the variants take their other bits from the
                 * small space, where the rules' values are; half from
                 * anywhere. */
                struct ofkey k2, noise = random_key(&rng);
                for (int w = 0; w < OFKEY_WORDS; w++) {
                    uint64_t bits = v % 2 ? noise.w[w] : vh_rng_next(&rng);
                    k2.w[w] = (k1.w[w] & res.wc.w[w]) | (bits & ~res.wc.w[w]);
                }
                n_variants++;
                n_differ += !ofkey_eq(&k1, &k2);
                x.in.key = k2;
                xlate(&x.in, &x.out);
                xresult_check(&res, &x.out, &k1, &k2);
            }
        }
        xrig_destroy(&x);
    }
    odp_actions_destroy(&res.acts);

    /* Not vacuous: most megaflows leave bits out, most variants differ
     * from their key, and the rule sets forward, rewrite, chain tables
     * and end in every way often enough. */
    ck_assert_uint_gt(n_wild, n_p1 * 9 / 10);
    ck_assert_uint_gt(n_differ, n_variants * 9 / 10);
    ck_assert_uint_gt(n_output, n_p1 / 4);
    ck_assert_uint_gt(n_rewrite, n_p1 / 15);
    ck_assert_uint_gt(n_chain, n_p1 / 5);
    ck_assert_uint_gt(drops[XLATE_NO_MATCH], n_p1 / 10);
    ck_assert_uint_gt(drops[XLATE_RULE_DROP], n_p1 / 10);
    ck_assert_uint_gt(drops[XLATE_CONTROLLER], n_p1 / 200);
    ck_assert_uint_gt(drops[XLATE_TOO_DEEP], n_p1 / 200);
    ck_assert_uint_gt(drops[XLATE_TTL], 0);
}
END_TEST

/* Datapath actions. */

static void
add_act(struct odp_actions *acts, enum odp_act_type type,
        enum of_field field, uint32_t port, uint64_t value)
{
    struct odp_action a = {
        .type = type, .field = field, .port = port, .value = value,
    };
    odp_actions_add(acts, &a);
}

START_TEST(test_odp_lists)
{
    struct odp_actions a, b;
    char buf[256];

    odp_actions_init(&a);
    odp_actions_init(&b);
    ck_assert_str_eq(odp_actions_format(&a, buf, sizeof buf), "drop");
    ck_assert(odp_actions_eq(&a, &b));

    add_act(&a, ODP_PUSH_VLAN, 0, 0, OFKEY_VLAN_CFI | 10);
    add_act(&a, ODP_OUTPUT, 0, 2, 0);
    add_act(&a, ODP_OUTPUT, 0, 3, 0);
    ck_assert_str_eq(odp_actions_format(&a, buf, sizeof buf),
                     "push_vlan(vid=10,pcp=0),2,3");
    ck_assert(!odp_actions_eq(&a, &b));
    odp_actions_copy(&b, &a);
    ck_assert(odp_actions_eq(&a, &b));
    ck_assert_uint_eq(b.n, 3);
    b.a[1].port = 4;
    ck_assert(!odp_actions_eq(&a, &b));
    b.a[1].port = 2;
    b.a[1].value = 99;          /* Unused by an output. */
    ck_assert(odp_actions_eq(&a, &b));
    b.a[0].value = OFKEY_VLAN_CFI | 11;
    ck_assert(!odp_actions_eq(&a, &b));

    odp_actions_clear(&a);
    add_act(&a, ODP_SET_FIELD, OFF_NW_SRC, 0, IP(10, 0, 0, 9));
    add_act(&a, ODP_OUTPUT, 0, 1, 0);
    ck_assert_str_eq(odp_actions_format(&a, buf, sizeof buf),
                     "set(ipv4(src=10.0.0.9)),1");
    odp_actions_copy(&b, &a);
    b.a[0].field = OFF_NW_DST;
    ck_assert(!odp_actions_eq(&a, &b));
    ck_assert_str_eq(odp_actions_format(&b, buf, sizeof buf),
                     "set(ipv4(dst=10.0.0.9)),1");

    odp_actions_clear(&a);
    add_act(&a, ODP_USERSPACE, 0, 0, 0);
    ck_assert_str_eq(odp_actions_format(&a, buf, sizeof buf),
                     "userspace(controller)");
    add_act(&a, ODP_POP_VLAN, 0, 0, 0);
    add_act(&a, ODP_SET_VLAN, 0, 0, OFKEY_VLAN_CFI | 5 << 13 | 7);
    add_act(&a, ODP_SET_FIELD, OFF_DL_DST, 0, 0x0225b500000aULL);
    add_act(&a, ODP_SET_FIELD, OFF_NW_TTL, 0, 63);
    add_act(&a, ODP_SET_QUEUE, 0, 0, 2);
    add_act(&a, ODP_OUTPUT, 0, OFPP_LOCAL, 0);
    ck_assert_str_eq(odp_actions_format(&a, buf, sizeof buf),
                     "userspace(controller),pop_vlan,set(vlan(vid=7,pcp=5)),"
                     "set(eth(dst=02:25:b5:00:00:0a)),set(ipv4(ttl=63)),"
                     "set(skb_priority(0x2)),LOCAL");
    ck_assert_str_eq(odp_actions_format(&a, buf, 9), "userspac");
    odp_actions_destroy(&a);
    odp_actions_destroy(&b);
}
END_TEST

struct sent_frame {
    uint32_t port, queue;
    bool was_p;
    uint8_t bytes[256];
    uint32_t len;
    struct vh_pkt_meta md;
};

struct sink {
    struct vh_packet *p;        /* The frame handed to odp_execute(). */
    struct sent_frame out[64];
    size_t n;
};

/* Records each frame sent, checks it still verifies, and frees it. */
static void
sink_output(void *ctx, uint32_t port, uint32_t queue, struct vh_packet *p)
{
    struct sink *s = ctx;
    struct vh_frame_info fi;

    ck_assert_uint_lt(s->n, 64);
    ck_assert_uint_le(p->len, 256);
    ck_assert_int_eq(vh_frame_parse(p->data, p->len, &fi, true), 0);
    struct sent_frame *f = &s->out[s->n++];
    f->port = port;
    f->queue = queue;
    f->was_p = p == s->p;
    memcpy(f->bytes, p->data, p->len);
    f->len = p->len;
    f->md = p->md;
    vh_packet_free(p);
}

static struct vh_packet *
packet_of(struct vh_pool *pool, const uint8_t *frame, uint32_t len)
{
    struct vh_packet *p = vh_packet_alloc(pool);
    memcpy(vh_packet_put(p, len), frame, len);
    return p;
}

/* Runs 'acts' on 'frame'; the frames sent are in 's'. */
static size_t
run_on(struct vh_pool *pool, const struct odp_actions *acts,
       const uint8_t *frame, uint32_t len, struct sink *s)
{
    bool ctl = true;
    memset(s, 0, sizeof *s);
    s->p = packet_of(pool, frame, len);
    size_t n = odp_execute(acts, s->p, sink_output, NULL, s, &ctl);
    ck_assert_uint_eq(n, s->n);
    ck_assert(!ctl);
    return n;
}

/* Every rewrite of a UDP frame, checked against the frame built with
 * the new values from the start: byte for byte, checksums included. */
START_TEST(test_odp_rewrites_udp)
{
    struct vh_pool pool;
    struct vh_rng rng;
    struct odp_actions acts;
    struct sink s;
    uint8_t in[256], want[256];

    vh_pool_init(&pool);
    odp_actions_init(&acts);
    vh_rng_seed(&rng, 5, "ofclassify/odp");
    for (int i = 0; i < 300; i++) {
        bool tagged = i % 3 == 0;
        struct vh_ip_hdr_spec a = spec(tagged, 0x2005), b = a;
        a.ttl = (uint8_t) (1 + vh_rng_below(&rng, 255));
        b.src_mac = mac_a;
        b.dst_mac = mac_b;
        b.ip_src = (uint32_t) vh_rng_next(&rng);
        b.ip_dst = (uint32_t) vh_rng_next(&rng);
        b.ttl = (uint8_t) (1 + vh_rng_below(&rng, 255));
        uint16_t sport = (uint16_t) vh_rng_next(&rng);
        uint16_t dport = (uint16_t) vh_rng_next(&rng);
        uint32_t len = vh_build_udp(in, &a, 12345, 9999, NULL, 18 + i % 5);
        uint32_t want_len = vh_build_udp(want, &b, sport, dport, NULL,
                                         18 + i % 5);

        odp_actions_clear(&acts);
        add_act(&acts, ODP_SET_FIELD, OFF_DL_SRC, 0, mac_u64(&mac_a));
        add_act(&acts, ODP_SET_FIELD, OFF_DL_DST, 0, mac_u64(&mac_b));
        add_act(&acts, ODP_SET_FIELD, OFF_NW_SRC, 0, b.ip_src);
        add_act(&acts, ODP_SET_FIELD, OFF_NW_DST, 0, b.ip_dst);
        add_act(&acts, ODP_SET_FIELD, OFF_NW_TTL, 0, b.ttl);
        add_act(&acts, ODP_SET_FIELD, OFF_TP_SRC, 0, sport);
        add_act(&acts, ODP_SET_FIELD, OFF_TP_DST, 0, dport);
        add_act(&acts, ODP_OUTPUT, 0, 1, 0);
        ck_assert_uint_eq(run_on(&pool, &acts, in, len, &s), 1);
        ck_assert_uint_eq(s.out[0].len, want_len);
        ck_assert_mem_eq(s.out[0].bytes, want, want_len);
        ck_assert(s.out[0].was_p);
    }

    /* A rewrite whose UDP checksum comes out 0 sends 0xffff, 0 meaning
     * "none": find the source address that does that. */
    struct vh_ip_hdr_spec a = spec(false, 0), b = a;
    uint32_t len = vh_build_udp(in, &a, 1, 2, NULL, 18);
    uint32_t want_len = 0;
    for (uint32_t lo = 0; lo < 0x10000; lo++) {
        b.ip_src = (a.ip_src & 0xffff0000) | lo;
        want_len = vh_build_udp(want, &b, 1, 2, NULL, 18);
        if (vh_get_be16(want + VH_ETH_HLEN + VH_IPV4_HLEN + VH_UDP_CSUM_OFF)
            == 0xffff) {
            break;
        }
    }
    ck_assert_uint_eq(vh_get_be16(want + VH_ETH_HLEN + VH_IPV4_HLEN
                            + VH_UDP_CSUM_OFF), 0xffff);
    odp_actions_clear(&acts);
    add_act(&acts, ODP_SET_FIELD, OFF_NW_SRC, 0, b.ip_src);
    add_act(&acts, ODP_OUTPUT, 0, 1, 0);
    run_on(&pool, &acts, in, len, &s);
    ck_assert_mem_eq(s.out[0].bytes, want, want_len);

    /* TOS: the byte, and the header checksum (the frame verifies). */
    len = udp_frame(in, false, 0);
    odp_actions_clear(&acts);
    add_act(&acts, ODP_SET_FIELD, OFF_NW_TOS, 0, 0xb9);
    add_act(&acts, ODP_OUTPUT, 0, 1, 0);
    run_on(&pool, &acts, in, len, &s);
    ck_assert_uint_eq(s.out[0].bytes[VH_ETH_HLEN + 1], 0xb9);
    in[VH_ETH_HLEN + 1] = 0xb9;
    ck_assert_mem_eq(s.out[0].bytes, in, VH_ETH_HLEN + VH_IPV4_CSUM_OFF);
    ck_assert_mem_eq(s.out[0].bytes + VH_ETH_HLEN + VH_IPV4_CSUM_OFF + 2,
                     in + VH_ETH_HLEN + VH_IPV4_CSUM_OFF + 2,
                     len - VH_ETH_HLEN - VH_IPV4_CSUM_OFF - 2);

    /* Metadata: the tunnel key and the mark. */
    odp_actions_clear(&acts);
    add_act(&acts, ODP_SET_FIELD, OFF_TUN_ID, 0, 77);
    add_act(&acts, ODP_SET_FIELD, OFF_PKT_MARK, 0, 5);
    add_act(&acts, ODP_OUTPUT, 0, 1, 0);
    len = udp_frame(in, false, 0);
    run_on(&pool, &acts, in, len, &s);
    ck_assert_uint_eq(s.out[0].md.tun_key, 77);
    ck_assert_uint_eq(s.out[0].md.mark, 5);
    ck_assert_mem_eq(s.out[0].bytes, in, len);

    odp_actions_destroy(&acts);
    ck_assert_uint_eq(pool.live, 0);
    vh_pool_destroy(&pool);
}
END_TEST

START_TEST(test_odp_vlan)
{
    struct vh_pool pool;
    struct odp_actions acts;
    struct sink s;
    uint8_t untagged[256], tagged[256], want[256];

    vh_pool_init(&pool);
    odp_actions_init(&acts);
    uint32_t ulen = udp_frame(untagged, false, 0);
    uint32_t tlen = udp_frame(tagged, true, 0xa00a);   /* PCP 5, VID 10 */

    /* Pushed as the tag a builder writes: CFI is "present" in the key,
     * not a bit on the wire. */
    add_act(&acts, ODP_PUSH_VLAN, 0, 0, OFKEY_VLAN_CFI | 0xa00a);
    add_act(&acts, ODP_OUTPUT, 0, 1, 0);
    run_on(&pool, &acts, untagged, ulen, &s);
    ck_assert_uint_eq(s.out[0].len, tlen);
    ck_assert_mem_eq(s.out[0].bytes, tagged, tlen);

    odp_actions_clear(&acts);
    add_act(&acts, ODP_POP_VLAN, 0, 0, 0);
    add_act(&acts, ODP_OUTPUT, 0, 1, 0);
    run_on(&pool, &acts, tagged, tlen, &s);
    ck_assert_uint_eq(s.out[0].len, ulen);
    ck_assert_mem_eq(s.out[0].bytes, untagged, ulen);

    odp_actions_clear(&acts);
    add_act(&acts, ODP_SET_VLAN, 0, 0, OFKEY_VLAN_CFI | 0x6007);
    add_act(&acts, ODP_OUTPUT, 0, 1, 0);
    run_on(&pool, &acts, tagged, tlen, &s);
    uint32_t wlen = udp_frame(want, true, 0x6007);
    ck_assert_uint_eq(s.out[0].len, wlen);
    ck_assert_mem_eq(s.out[0].bytes, want, wlen);
    /* No tag to rewrite: unchanged. */
    run_on(&pool, &acts, untagged, ulen, &s);
    ck_assert_mem_eq(s.out[0].bytes, untagged, ulen);

    odp_actions_destroy(&acts);
    ck_assert_uint_eq(pool.live, 0);
    vh_pool_destroy(&pool);
}
END_TEST

START_TEST(test_odp_outputs)
{
    struct vh_pool pool;
    struct odp_actions acts;
    struct sink s;
    uint8_t in[256];
    uint32_t len = udp_frame(in, false, 0);

    vh_pool_init(&pool);
    odp_actions_init(&acts);
    add_act(&acts, ODP_OUTPUT, 0, 1, 0);
    add_act(&acts, ODP_SET_FIELD, OFF_NW_DST, 0, IP(10, 9, 9, 9));
    add_act(&acts, ODP_OUTPUT, 0, 2, 0);
    add_act(&acts, ODP_SET_QUEUE, 0, 0, 5);
    add_act(&acts, ODP_OUTPUT, 0, 3, 0);
    add_act(&acts, ODP_SET_FIELD, OFF_NW_SRC, 0, IP(10, 8, 8, 8));
    ck_assert_uint_eq(run_on(&pool, &acts, in, len, &s), 3);
    ck_assert_uint_eq(s.out[0].port, 1);
    ck_assert_uint_eq(s.out[1].port, 2);
    ck_assert_uint_eq(s.out[2].port, 3);
    ck_assert_uint_eq(s.out[0].queue, 0);
    ck_assert_uint_eq(s.out[1].queue, 0);
    ck_assert_uint_eq(s.out[2].queue, 5);
    /* Copies first, the frame itself last. */
    ck_assert(!s.out[0].was_p);
    ck_assert(!s.out[1].was_p);
    ck_assert(s.out[2].was_p);
    ck_assert_mem_eq(s.out[0].bytes, in, len);
    struct vh_frame_info fi;
    vh_frame_parse(s.out[1].bytes, s.out[1].len, &fi, true);
    ck_assert_uint_eq(fi.ip_dst, IP(10, 9, 9, 9));
    ck_assert_uint_eq(fi.ip_src, IP(10, 0, 0, 1));
    vh_frame_parse(s.out[2].bytes, s.out[2].len, &fi, true);
    ck_assert_uint_eq(fi.ip_src, IP(10, 0, 0, 1));    /* Not sent. */
    ck_assert_uint_eq(pool.live, 0);

    /* No output: the frame stays with the caller, untouched. */
    bool ctl = false;
    odp_actions_clear(&acts);
    add_act(&acts, ODP_SET_FIELD, OFF_NW_DST, 0, IP(10, 9, 9, 9));
    add_act(&acts, ODP_USERSPACE, 0, 0, 0);
    struct vh_packet *p = packet_of(&pool, in, len);
    memset(&s, 0, sizeof s);
    ck_assert_uint_eq(odp_execute(&acts, p, sink_output, NULL, &s, &ctl), 0);
    ck_assert(ctl);
    ck_assert_uint_eq(s.n, 0);
    ck_assert_uint_eq(p->len, len);
    ck_assert_mem_eq(p->data, in, len);
    ck_assert_uint_eq(odp_execute(&acts, p, sink_output, NULL, &s, NULL), 0);
    vh_packet_free(p);

    odp_actions_destroy(&acts);
    ck_assert_uint_eq(pool.live, 0);
    vh_pool_destroy(&pool);
}
END_TEST

/* The TCP checksum of the segment at 'l4', summed afresh. */
static uint16_t
tcp_csum(const uint8_t *ip, const uint8_t *l4, uint16_t l4_len)
{
    uint8_t ph[12];
    memcpy(ph, ip + VH_IPV4_SRC_OFF, 8);
    ph[8] = 0;
    ph[9] = VH_IPPROTO_TCP;
    ph[10] = (uint8_t) (l4_len >> 8);
    ph[11] = (uint8_t) l4_len;
    return vh_csum_fold(vh_csum_partial(l4, l4_len,
                                        vh_csum_partial(ph, 12, 0)));
}

/* Checksums in the cases a builder does not make: a UDP datagram sent
 * without one, ICMP (whose sum has no pseudo-header), TCP, and a later
 * fragment (no L4 header to touch). */
START_TEST(test_odp_checksum_cases)
{
    struct vh_pool pool;
    struct odp_actions acts;
    struct sink s;
    struct vh_frame_info fi;
    uint8_t in[256];
    uint32_t len = udp_frame(in, false, 0);
    uint8_t *ip = in + VH_ETH_HLEN, *l4 = ip + VH_IPV4_HLEN;

    vh_pool_init(&pool);
    odp_actions_init(&acts);
    add_act(&acts, ODP_SET_FIELD, OFF_NW_SRC, 0, IP(172, 16, 0, 1));
    add_act(&acts, ODP_SET_FIELD, OFF_TP_DST, 0, 7);
    add_act(&acts, ODP_OUTPUT, 0, 1, 0);

    l4[VH_UDP_CSUM_OFF] = l4[VH_UDP_CSUM_OFF + 1] = 0;
    run_on(&pool, &acts, in, len, &s);
    ck_assert_uint_eq(vh_get_be16(s.out[0].bytes + VH_ETH_HLEN + VH_IPV4_HLEN
                            + VH_UDP_CSUM_OFF), 0);
    ck_assert_int_eq(vh_frame_parse(s.out[0].bytes, len, &fi, true), 0);
    ck_assert_uint_eq(fi.dport, 7);

    struct vh_ip_hdr_spec sp = spec(true, 5);
    len = vh_build_icmp_echo(in, &sp, 8, 1, 2, NULL, 9);
    uint16_t icmp_sum = vh_get_be16(in + VH_ETH_HLEN + VH_VLAN_HLEN
                              + VH_IPV4_HLEN + VH_ICMP_CSUM_OFF);
    run_on(&pool, &acts, in, len, &s);
    ck_assert_int_eq(vh_frame_parse(s.out[0].bytes, len, &fi, true), 0);
    ck_assert_uint_eq(fi.ip_src, IP(172, 16, 0, 1));
    ck_assert_uint_eq(vh_get_be16(s.out[0].bytes + VH_ETH_HLEN + VH_VLAN_HLEN
                            + VH_IPV4_HLEN + VH_ICMP_CSUM_OFF), icmp_sum);
    ck_assert_uint_eq(fi.icmp_seq, 2);      /* Not a port. */

    /* TCP: a UDP frame made into a 20-byte TCP header and 12 bytes. */
    len = udp_frame(in, false, 0);
    ip[VH_IPV4_PROTO_OFF] = VH_IPPROTO_TCP;
    ip[VH_IPV4_CSUM_OFF] = ip[VH_IPV4_CSUM_OFF + 1] = 0;
    uint16_t c = vh_csum_fold(vh_csum_partial(ip, VH_IPV4_HLEN, 0));
    ip[VH_IPV4_CSUM_OFF] = (uint8_t) (c >> 8);
    ip[VH_IPV4_CSUM_OFF + 1] = (uint8_t) c;
    uint16_t seg = (uint16_t) (vh_get_be16(ip + VH_IPV4_TOTLEN_OFF)
                               - VH_IPV4_HLEN);
    l4[12] = 0x50;                          /* Data offset 5. */
    l4[16] = l4[17] = 0;
    c = tcp_csum(ip, l4, seg);
    l4[16] = (uint8_t) (c >> 8);
    l4[17] = (uint8_t) c;
    run_on(&pool, &acts, in, len, &s);
    const uint8_t *oip = s.out[0].bytes + VH_ETH_HLEN;
    ck_assert_uint_eq(vh_get_be16(oip + VH_IPV4_HLEN + 2), 7);
    ck_assert_uint_eq(tcp_csum(oip, oip + VH_IPV4_HLEN, seg), 0);

    /* A later fragment: the address changes, the bytes where ports
     * would be do not. */
    len = udp_frame(in, false, 0);
    ip[VH_IPV4_FRAG_OFF + 1] = 0x40;
    ip[VH_IPV4_CSUM_OFF] = ip[VH_IPV4_CSUM_OFF + 1] = 0;
    c = vh_csum_fold(vh_csum_partial(ip, VH_IPV4_HLEN, 0));
    ip[VH_IPV4_CSUM_OFF] = (uint8_t) (c >> 8);
    ip[VH_IPV4_CSUM_OFF + 1] = (uint8_t) c;
    run_on(&pool, &acts, in, len, &s);
    ck_assert_int_eq(vh_frame_parse(s.out[0].bytes, len, &fi, true), 0);
    ck_assert_uint_eq(fi.ip_src, IP(172, 16, 0, 1));
    ck_assert_mem_eq(s.out[0].bytes + VH_ETH_HLEN + VH_IPV4_HLEN, l4,
                     len - VH_ETH_HLEN - VH_IPV4_HLEN);

    /* ARP: no IPv4 header, nothing rewritten. */
    len = vh_build_arp(in, 1, &mac_a, IP(1, 1, 1, 1), NULL, IP(1, 1, 1, 2),
                       NULL);
    run_on(&pool, &acts, in, len, &s);
    ck_assert_mem_eq(s.out[0].bytes, in, len);

    odp_actions_destroy(&acts);
    ck_assert_uint_eq(pool.live, 0);
    vh_pool_destroy(&pool);
}
END_TEST

/* What the actions do to a key, as the datapath should do to the frame
 * the key was read from. */
static void
apply_to_key(const struct odp_action *a, struct ofkey *k)
{
    bool ip = k->dl_type == VH_ETHERTYPE_IPV4;
    bool ports = ip && !k->nw_frag
                 && (k->nw_proto == VH_IPPROTO_UDP
                     || k->nw_proto == VH_IPPROTO_TCP);

    switch (a->type) {
    case ODP_SET_FIELD:
        switch (a->field) {
        case OFF_DL_SRC:
        case OFF_DL_DST:
            for (int i = 0; i < 6; i++) {
                uint8_t *m = a->field == OFF_DL_SRC ? k->dl_src : k->dl_dst;
                m[i] = (uint8_t) (a->value >> (8 * (5 - i)));
            }
            break;
        case OFF_NW_SRC:
            k->nw_src = ip ? (uint32_t) a->value : k->nw_src;
            break;
        case OFF_NW_DST:
            k->nw_dst = ip ? (uint32_t) a->value : k->nw_dst;
            break;
        case OFF_NW_TOS:
            k->nw_tos = ip ? (uint8_t) a->value : k->nw_tos;
            break;
        case OFF_NW_TTL:
            k->nw_ttl = ip ? (uint8_t) a->value : k->nw_ttl;
            break;
        case OFF_TP_SRC:
            k->tp_src = ports ? (uint16_t) a->value : k->tp_src;
            break;
        case OFF_TP_DST:
            k->tp_dst = ports ? (uint16_t) a->value : k->tp_dst;
            break;
        case OFF_TUN_ID:
            k->tun_id = (uint32_t) a->value;
            break;
        case OFF_PKT_MARK:
            k->pkt_mark = (uint32_t) a->value;
            break;
        case OFF_VLAN_VID:
        case OFF_VLAN_PCP:
            ck_abort_msg("VLAN set as a field");
        }
        break;
    case ODP_PUSH_VLAN:
    case ODP_SET_VLAN:
        k->vlan_tci = (uint16_t) a->value;
        break;
    case ODP_POP_VLAN:
        k->vlan_tci = 0;
        break;
    case ODP_OUTPUT:
    case ODP_USERSPACE:
    case ODP_SET_QUEUE:
        break;
    }
}

/* A real frame of the small value space, and its packet's metadata. */
static uint32_t
random_frame(struct vh_rng *rng, uint8_t *buf, struct vh_pkt_meta *md)
{
    struct ofkey v = random_key(rng);
    struct vh_ip_hdr_spec sp;

    memset(&sp, 0, sizeof sp);
    memcpy(sp.src_mac.b, v.dl_src, 6);
    memcpy(sp.dst_mac.b, v.dl_dst, 6);
    sp.vlan = v.vlan_tci != 0;
    sp.vlan_tci = v.vlan_tci & ~OFKEY_VLAN_CFI;
    sp.ip_src = v.nw_src;
    sp.ip_dst = v.nw_dst;
    sp.ttl = v.nw_ttl;
    memset(md, 0, sizeof *md);
    md->tun_key = v.tun_id;
    md->mark = v.pkt_mark;
    switch (vh_rng_below(rng, 4)) {
    case 0:
        return vh_build_arp(buf, (uint16_t) (1 + vh_rng_below(rng, 2)),
                            &sp.src_mac, v.nw_src, NULL, v.nw_dst, NULL);
    case 1:
        return vh_build_icmp_echo(buf, &sp, 8, 1, 1, NULL, 4);
    default:
        return vh_build_udp(buf, &sp, v.tp_src, v.tp_dst, NULL,
                            (uint32_t) vh_rng_below(rng, 40));
    }
}

/* Translation and execution together: real frames through random rule
 * sets; every frame sent verifies, and reads back as the key the actions
 * before its output describe. */
START_TEST(test_translated_actions_on_frames)
{
    struct vh_rng rng;
    struct vh_pool pool;
    struct xrig x;
    struct sink s;
    uint8_t frame[256];
    unsigned n_sent = 0, n_rewritten = 0;

    vh_pool_init(&pool);
    vh_rng_seed(&rng, 99, "ofclassify/frames");
    for (int set = 0; set < 60; set++) {
        xrig_init(&x, 4);
        x.in.normal = prop_normal;
        random_rules(&rng, &x.ts);
        for (int f = 0; f < 40; f++) {
            struct vh_pkt_meta md;
            uint32_t len = random_frame(&rng, frame, &md);
            struct ofkey k;
            ofkey_extract(frame, len, 1 + (uint32_t) vh_rng_below(&rng, 4),
                          &k);
            k.tun_id = md.tun_key;
            k.pkt_mark = md.mark;
            x.in.key = k;
            xlate(&x.in, &x.out);

            memset(&s, 0, sizeof s);
            s.p = packet_of(&pool, frame, len);
            s.p->md = md;
            size_t n = odp_execute(&x.out.acts, s.p, sink_output, NULL, &s, NULL);
            if (!n) {
                vh_packet_free(s.p);
            }

            struct ofkey want = k;
            size_t o = 0;
            for (size_t i = 0; i < x.out.acts.n; i++) {
                const struct odp_action *a = &x.out.acts.a[i];
                apply_to_key(a, &want);
                if (a->type != ODP_OUTPUT) {
                    continue;
                }
                struct ofkey got;
                ck_assert_uint_lt(o, s.n);
                ofkey_extract(s.out[o].bytes, s.out[o].len, k.in_port,
                              &got);
                got.tun_id = s.out[o].md.tun_key;
                got.pkt_mark = s.out[o].md.mark;
                ck_assert_uint_eq(s.out[o].port, a->port);
                if (!ofkey_eq(&got, &want)) {
                    char b[2][512];
                    ck_abort_msg("sent %s\nwant %s",
                                 ofkey_format(&got, NULL, b[0], 512),
                                 ofkey_format(&want, NULL, b[1], 512));
                }
                n_rewritten += !ofkey_eq(&got, &k);
                o++;
            }
            ck_assert_uint_eq(o, s.n);
            n_sent += (unsigned) o;
        }
        xrig_destroy(&x);
    }
    ck_assert_uint_gt(n_sent, 1000);
    ck_assert_uint_gt(n_rewritten, 200);
    ck_assert_uint_eq(pool.live, 0);
    vh_pool_destroy(&pool);
}
END_TEST

static Suite *
ofclassify_suite(void)
{
    Suite *s = suite_create("ofclassify");

    TCase *tc = tcase_create("flowkey");
    tcase_add_test(tc, test_extract_udp);
    tcase_add_test(tc, test_extract_icmp);
    tcase_add_test(tc, test_extract_arp);
    tcase_add_test(tc, test_extract_tagged);
    tcase_add_test(tc, test_extract_fragments_and_truncation);
    tcase_add_test(tc, test_key_operations);
    tcase_add_test(tc, test_key_format);
    suite_add_tcase(s, tc);

    tc = tcase_create("classifier");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_priorities_and_masks);
    tcase_add_test(tc, test_equal_priorities_first_added_wins);
    tcase_add_test(tc, test_replace_and_remove);
    tcase_add_test(tc, test_removal_reorders_subtables);
    tcase_add_test(tc, test_foreach_in_dump_order);
    tcase_add_test(tc, test_ten_thousand_rules);
    tcase_add_test(tc, test_classifier_matches_linear_search);
    suite_add_tcase(s, tc);

    tc = tcase_create("xlate");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_xlate_output);
    tcase_add_test(tc, test_xlate_flood_and_all);
    tcase_add_test(tc, test_xlate_misses_and_drops);
    tcase_add_test(tc, test_xlate_resubmit);
    tcase_add_test(tc, test_xlate_resubmit_limits);
    tcase_add_test(tc, test_xlate_goto_table);
    tcase_add_test(tc, test_xlate_normal);
    tcase_add_test(tc, test_xlate_vlan);
    tcase_add_test(tc, test_xlate_rewrites);
    tcase_add_test(tc, test_xlate_dec_ttl);
    tcase_add_test(tc, test_megaflow_property);
    suite_add_tcase(s, tc);

    tc = tcase_create("odp");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_odp_lists);
    tcase_add_test(tc, test_odp_rewrites_udp);
    tcase_add_test(tc, test_odp_vlan);
    tcase_add_test(tc, test_odp_outputs);
    tcase_add_test(tc, test_odp_checksum_cases);
    tcase_add_test(tc, test_translated_actions_on_frames);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(ofclassify_suite)
