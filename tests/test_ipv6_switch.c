/* tests/test_ipv6_switch.c: IPv6 on the switching side: Open vSwitch's
 * flow keys and rules over IPv6 fields, RSS's Toeplitz hash over the IPv6
 * 5-tuple, the 5-tuple hashes of ECMP and the others, and the router
 * switch's IPv6 interfaces (neighbour advertisements, router
 * advertisements).
 *
 * The frames are built here byte by byte, as the RFCs lay them out, so
 * that the parsers are checked against the wire format rather than
 * against a builder sharing their mistakes. */
#include <arpa/inet.h>
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/ovs/classifier.h"
#include "models/ovs/flowkey.h"
#include "models/ovs/ofrule.h"
#include "models/guest/virtio_net.h"
#include "models/switch/fabport.h"
#include "models/switch/router.h"
#include "sim/flow6.h"
#include "sim/frame.h"
#include "sim/hash.h"
#include "sim/packet.h"
#include "sim/rng.h"
#include "sim/rss.h"
#include "sim/capture.h"
#include "sim/trace.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* --- Frames. --- */

static const uint8_t mac_a[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x0a };
static const uint8_t mac_b[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x0b };

static void
addr6(const char *s, uint8_t out[16])
{
    ck_assert_int_eq(inet_pton(AF_INET6, s, out), 1);
}

/* Ethernet and the fixed IPv6 header (RFC 8200 3): version 6, traffic
 * class 'tc', flow label 'label', 'plen' bytes of payload behind it.
 * Returns where the payload starts. */
static uint32_t
put_eth_ip6(uint8_t *f, uint8_t tc, uint32_t label, uint16_t plen,
            uint8_t next, uint8_t hlim, const char *src, const char *dst)
{
    memcpy(f, mac_a, 6);
    memcpy(f + 6, mac_b, 6);
    f[12] = 0x86;
    f[13] = 0xdd;
    uint8_t *ip = f + 14;
    ip[0] = (uint8_t) (0x60 | tc >> 4);
    ip[1] = (uint8_t) ((tc & 0xf) << 4 | (label >> 16 & 0xf));
    ip[2] = (uint8_t) (label >> 8);
    ip[3] = (uint8_t) label;
    ip[4] = (uint8_t) (plen >> 8);
    ip[5] = (uint8_t) plen;
    ip[6] = next;
    ip[7] = hlim;
    addr6(src, ip + 8);
    addr6(dst, ip + 24);
    return 14 + 40;
}

/* A UDP datagram of 8 bytes of payload, behind a hop-by-hop options
 * header (8 bytes: next header, length 0, a PadN option). */
static uint32_t
udp6_hbh_frame(uint8_t *f, const char *src, const char *dst, uint16_t sport,
               uint16_t dport)
{
    uint32_t off = put_eth_ip6(f, 0xb8, 0x12345, 8 + 16, 0, 64, src, dst);
    uint8_t *h = f + off;
    memset(h, 0, 8);
    h[0] = 17;                  /* Next: UDP. */
    h[1] = 0;                   /* (0 + 1) * 8 bytes. */
    h[2] = 1;                   /* PadN, */
    h[3] = 4;                   /* of 4 bytes. */
    uint8_t *u = h + 8;
    memset(u, 0, 16);
    u[0] = (uint8_t) (sport >> 8);
    u[1] = (uint8_t) sport;
    u[2] = (uint8_t) (dport >> 8);
    u[3] = (uint8_t) dport;
    u[5] = 16;
    return off + 8 + 16;
}

/* A UDP datagram of 8 bytes of payload, its checksum over the IPv6
 * pseudo-header (RFC 8200 8.1: mandatory over IPv6). */
static uint32_t
udp6_frame(uint8_t *f, const char *src, const char *dst, uint16_t sport,
           uint16_t dport)
{
    uint32_t off = put_eth_ip6(f, 0, 0, 16, 17, 64, src, dst);
    uint8_t *u = f + off;
    memset(u, 0, 16);
    u[0] = (uint8_t) (sport >> 8);
    u[1] = (uint8_t) sport;
    u[2] = (uint8_t) (dport >> 8);
    u[3] = (uint8_t) dport;
    u[5] = 16;
    uint8_t ph[8] = { 0, 0, 0, 16, 0, 0, 0, 17 };
    uint32_t sum = vh_csum_partial(f + 14 + 8, 32, 0);
    sum = vh_csum_partial(ph, 8, sum);
    uint16_t c = vh_csum_fold(vh_csum_partial(u, 16, sum));
    vh_put_be16(u + 6, c ? c : 0xffff);
    return off + 16;
}

/* A neighbour solicitation (type 135) for 'target' with a source
 * link-layer address option, or an advertisement (136) with a target
 * link-layer address option (RFC 4861 4.3, 4.4). */
static uint32_t
nd_frame(uint8_t *f, uint8_t type, const char *src, const char *dst,
         const char *target, const uint8_t lladdr[6])
{
    uint32_t off = put_eth_ip6(f, 0, 0, 32, 58, 255, src, dst);
    uint8_t *m = f + off;
    memset(m, 0, 32);
    m[0] = type;
    addr6(target, m + 8);
    m[24] = type == 135 ? 1 : 2;
    m[25] = 1;
    memcpy(m + 26, lladdr, 6);
    return off + 32;
}

/* --- OVS flow keys. --- */

START_TEST(test_extract_ipv6_past_extension_header)
{
    uint8_t f[128];
    struct ofkey k;
    uint8_t a[16];

    ofkey_extract(f, udp6_hbh_frame(f, "2001:db8:1::5", "2001:db8:2::7",
                                    40000, 53), 3, &k);
    ck_assert_uint_eq(k.dl_type, 0x86dd);
    ck_assert_uint_eq(k.nw_proto, 17);      /* Not 0, the hop-by-hop. */
    ck_assert_uint_eq(k.nw_tos, 0xb8);
    ck_assert_uint_eq(k.ipv6_label, 0x12345);
    ck_assert_uint_eq(k.nw_ttl, 64);
    ck_assert_uint_eq(k.tp_src, 40000);
    ck_assert_uint_eq(k.tp_dst, 53);
    addr6("2001:db8:1::5", a);
    ck_assert_mem_eq(k.ipv6_src, a, 16);
    addr6("2001:db8:2::7", a);
    ck_assert_mem_eq(k.ipv6_dst, a, 16);
    ck_assert_uint_eq(k.nw_src, 0);
    ck_assert_uint_eq(k.nw_dst, 0);

    /* The header cut short: the addresses are read, the ports are not. */
    ofkey_extract(f, 14 + 40 + 4, 3, &k);
    ck_assert_uint_eq(k.tp_dst, 0);
    ck_assert_mem_eq(k.ipv6_dst, a, 16);
}
END_TEST

START_TEST(test_extract_ipv6_later_fragment)
{
    uint8_t f[128];
    struct ofkey k;

    /* A fragment header (RFC 8200 4.5) at offset 1480: no UDP header in
     * this fragment, so no ports, and nw_frag says why. */
    uint32_t off = put_eth_ip6(f, 0, 0, 8 + 16, 44, 64, "2001:db8::1",
                               "2001:db8::2");
    memset(f + off, 0, 24);
    f[off] = 17;
    f[off + 2] = (uint8_t) ((1480 >> 8) & 0xff);
    f[off + 3] = (uint8_t) (1480 & 0xf8);
    f[off + 8] = 0x9c;          /* Payload bytes, not a port. */
    ofkey_extract(f, off + 24, 1, &k);
    ck_assert_uint_eq(k.nw_proto, 17);
    ck_assert_uint_eq(k.nw_frag, 1);
    ck_assert_uint_eq(k.tp_src, 0);

    /* The first fragment (offset 0) has its ports. */
    f[off + 2] = 0;
    f[off + 3] = 1;             /* M flag: more fragments. */
    f[off + 8] = 0x9c;
    f[off + 9] = 0x40;
    ofkey_extract(f, off + 24, 1, &k);
    ck_assert_uint_eq(k.nw_frag, 0);
    ck_assert_uint_eq(k.tp_src, 0x9c40);
}
END_TEST

START_TEST(test_extract_neighbour_discovery)
{
    uint8_t f[128];
    struct ofkey k;
    uint8_t t[16];
    static const uint8_t zero[6];

    addr6("2001:db8::1", t);
    ofkey_extract(f, nd_frame(f, 135, "2001:db8::5", "ff02::1:ff00:1",
                              "2001:db8::1", mac_b), 2, &k);
    ck_assert_uint_eq(k.nw_proto, 58);
    ck_assert_uint_eq(k.tp_src, 135);
    ck_assert_uint_eq(k.tp_dst, 0);
    ck_assert_uint_eq(k.nw_ttl, 255);
    ck_assert_mem_eq(k.nd_target, t, 16);
    ck_assert_mem_eq(k.nd_sll, mac_b, 6);
    ck_assert_mem_eq(k.nd_tll, zero, 6);

    ofkey_extract(f, nd_frame(f, 136, "2001:db8::1", "2001:db8::5",
                              "2001:db8::1", mac_a), 2, &k);
    ck_assert_uint_eq(k.tp_src, 136);
    ck_assert_mem_eq(k.nd_target, t, 16);
    ck_assert_mem_eq(k.nd_tll, mac_a, 6);
    ck_assert_mem_eq(k.nd_sll, zero, 6);

    /* An option of length 0 is malformed: the walk stops, with what came
     * before it. */
    uint32_t n = nd_frame(f, 135, "2001:db8::5", "ff02::1:ff00:1",
                          "2001:db8::1", mac_b);
    f[n - 8 + 1] = 0;
    ofkey_extract(f, n, 2, &k);
    ck_assert_mem_eq(k.nd_target, t, 16);
    ck_assert_mem_eq(k.nd_sll, zero, 6);
}
END_TEST

START_TEST(test_ipv4_key_hash_unchanged_by_ipv6_words)
{
    /* A key without IPv6 fields hashes over its first words only; one
     * with them must hash differently when they differ. */
    uint8_t f[128];
    struct ofkey a, b, all;
    memset(&all, 0xff, sizeof all);
    ofkey_extract(f, udp6_frame(f, "2001:db8::1", "2001:db8::2", 1, 2), 1,
                  &a);
    ofkey_extract(f, udp6_frame(f, "2001:db8::1", "2001:db8::3", 1, 2), 1,
                  &b);
    ck_assert_uint_ne(ofkey_hash_masked(&a, &all, 0),
                      ofkey_hash_masked(&b, &all, 0));
    ck_assert(!ofkey_eq(&a, &b));
    /* An IPv4 key: MurmurHash3 over its six words and their length, as
     * it was before the IPv6 words (so cached placements, and results,
     * of IPv4 scenarios stay where they were). */
    struct vh_ip_hdr_spec sp;
    memset(&sp, 0, sizeof sp);
    sp.ip_src = 0x0a000001;
    sp.ip_dst = 0x0a000002;
    struct ofkey v4;
    ofkey_extract(f, vh_build_udp(f, &sp, 1000, 2000, NULL, 18), 1, &v4);
    uint32_t h = 7;
    for (int i = 0; i < OFKEY_V4_WORDS; i++) {
        h = vh_hash_add(h, (uint32_t) v4.w[i]);
        h = vh_hash_add(h, (uint32_t) (v4.w[i] >> 32));
    }
    ck_assert_uint_eq(ofkey_hash_masked(&v4, &all, 7),
                      vh_hash_finish(h ^ (OFKEY_V4_WORDS * 8)));
}
END_TEST

START_TEST(test_key_format_ipv6)
{
    uint8_t f[128];
    struct ofkey k, m;
    char buf[512];

    ofkey_extract(f, udp6_frame(f, "2001:db8:1::5", "2001:db8:2::7", 40000,
                                53), 4, &k);
    memset(&m, 0, sizeof m);
    m.in_port = UINT32_MAX;
    m.dl_type = 0xffff;
    m.nw_proto = 0xff;
    memset(m.ipv6_src, 0xff, 6);
    m.tp_dst = 0xffff;
    ofkey_format(&k, &m, buf, sizeof buf);
    ck_assert_str_eq(buf, "in_port(4),eth_type(0x86dd),ipv6(src=2001:db8:1::"
                     "/ffff:ffff:ffff::,proto=17),udp(dst=53)");

    ofkey_extract(f, nd_frame(f, 135, "2001:db8::5", "ff02::1:ff00:1",
                              "2001:db8::1", mac_b), 2, &k);
    memset(&m, 0, sizeof m);
    m.dl_type = 0xffff;
    m.nw_proto = 0xff;
    m.tp_src = 0xffff;
    memset(m.nd_target, 0xff, 16);
    memset(m.nd_sll, 0xff, 6);
    ofkey_format(&k, &m, buf, sizeof buf);
    ck_assert_str_eq(buf, "eth_type(0x86dd),ipv6(proto=58),icmpv6(type=135),"
                     "nd(target=2001:db8::1,sll=52:54:00:00:00:0b)");
}
END_TEST

/* --- OVS rules. --- */

static struct of_rule *
rule(const char *text)
{
    struct of_rule *r = calloc(1, sizeof *r);
    char err[256];
    ck_assert_ptr_nonnull(r);
    if (!of_rule_parse(text, NULL, NULL, r, err, sizeof err)) {
        ck_abort_msg("'%s': %s", text, err);
    }
    return r;
}

static const char *
rule_error(const char *text)
{
    static char err[256];
    struct of_rule r;
    ck_assert_msg(!of_rule_parse(text, NULL, NULL, &r, err, sizeof err),
                  "'%s' parsed", text);
    return err;
}

START_TEST(test_rules_parse_and_print)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "ipv6,actions=drop", "ipv6" },
        { "udp6,ipv6_src=2001:db8:1::/48,tp_dst=53,actions=drop",
          "udp6,ipv6_src=2001:db8:1::/48,tp_dst=53" },
        { "dl_type=0x86dd,ipv6_dst=2001:db8::1,ipv6_label=0x12345,"
          "actions=drop", "ipv6,ipv6_dst=2001:db8::1,ipv6_label=0x12345" },
        { "ipv6,ipv6_label=0x00010/0xf0,actions=drop",
          "ipv6,ipv6_label=0x00010/0x000f0" },
        { "tcp6,nw_tos=184,nw_ttl=64,tcp_dst=80,actions=drop",
          "tcp6,nw_tos=184,nw_ttl=64,tp_dst=80" },
        { "icmp6,icmpv6_type=135,nd_target=2001:db8::1,"
          "nd_sll=52:54:00:00:00:0b,actions=drop",
          "icmp6,icmp_type=135,nd_target=2001:db8::1,"
          "nd_sll=52:54:00:00:00:0b" },
        { "icmp6,icmp_type=136,icmp_code=0,nd_tll=52:54:00:00:00:0a,"
          "actions=drop",
          "icmp6,icmp_type=136,icmp_code=0,nd_tll=52:54:00:00:00:0a" },
        { "ipv6,nw_proto=58,ipv6_src=2001:db8::/ffff:0:ffff::,actions=drop",
          "icmp6,ipv6_src=2001::/ffff:0:ffff::" },
    };
    char buf[512], want[512];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct of_rule *r = rule(cases[i].in);
        of_rule_format(r, buf, sizeof buf);
        snprintf(want, sizeof want, "%s actions=drop", cases[i].out);
        ck_assert_msg(strstr(buf, want), "rule %zu printed as '%s', want "
                      "'%s' in it", i, buf, want);
        /* What was printed reads back as the same match. */
        struct of_rule *again = rule(strstr(buf, cases[i].out));
        ck_assert(ofkey_eq(&again->match, &r->match));
        ck_assert(ofkey_eq(&again->mask, &r->mask));
        of_rule_free(again);
        free(again);
        of_rule_free(r);
        free(r);
    }
}
END_TEST

START_TEST(test_rules_refused)
{
    static const struct {
        const char *in, *err;
    } cases[] = {
        { "ipv6_src=2001:db8::1,actions=drop",
          "'ipv6_src=2001:db8::1' needs ipv6 (prerequisites not met)" },
        { "ip,ipv6_dst=2001:db8::1,actions=drop",
          "'ipv6_dst=2001:db8::1' needs ipv6 (prerequisites not met)" },
        { "ipv6,ipv6_src=2001:db8::zz,actions=drop",
          "bad value '2001:db8::zz' for 'ipv6_src' (expected an IPv6 "
          "address such as 2001:db8::1)" },
        { "ipv6,ipv6_src=2001:db8::/129,actions=drop",
          "bad mask '129' for 'ipv6_src' (expected a prefix length 0..128 "
          "or a mask such as ffff:ffff::)" },
        { "ipv6,ipv6_src=::1,ipv6_src=::2,actions=drop",
          "duplicate field: 'ipv6_src=::1' and 'ipv6_src=::2'" },
        { "ipv6,ipv6_label=0x100000,actions=drop",
          "bad value '0x100000' for 'ipv6_label' (expected 0..1048575)" },
        { "icmp6,nd_target=2001:db8::1,actions=drop",
          "'nd_target=2001:db8::1' needs icmp6 with icmp_type=135 or 136 "
          "(prerequisites not met)" },
        { "icmp6,icmp_type=135,nd_tll=52:54:00:00:00:01,actions=drop",
          "'nd_tll=52:54:00:00:00:01' needs icmp6 with icmp_type=136 "
          "(prerequisites not met)" },
        { "icmp,icmpv6_type=128,actions=drop",
          "'icmpv6_type=128' needs icmp6 (prerequisites not met)" },
        { "ipv6,nw_src=10.0.0.1,actions=drop",
          "'nw_src=10.0.0.1' needs ip or arp (prerequisites not met)" },
        { "tcp6,nw_proto=17,actions=drop",
          "'nw_proto=17' conflicts with 'tcp6'" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_str_eq(rule_error(cases[i].in), cases[i].err);
    }
}
END_TEST

/* A table of IPv6 rules, classifying crafted frames: the right rule
 * wins, and the wildcards the lookup returns are exact enough that a
 * megaflow built from them never covers a frame that another rule
 * would take. */
START_TEST(test_classify_ipv6)
{
    struct of_tables t;
    of_tables_init(&t);
    struct of_rule *nd = rule("priority=300,icmp6,icmp_type=135,"
                              "nd_target=2001:db8::1,actions=drop");
    struct of_rule *dns = rule("priority=200,udp6,ipv6_src=2001:db8:1::/48,"
                               "tp_dst=53,actions=output:2");
    struct of_rule *v6 = rule("priority=100,ipv6,actions=output:3");
    struct of_rule *v4 = rule("priority=50,ip,actions=output:4");
    of_tables_insert(&t, nd);
    of_tables_insert(&t, dns);
    of_tables_insert(&t, v6);
    of_tables_insert(&t, v4);

    uint8_t f[128];
    struct ofkey k, wc, k2;

    memset(&wc, 0, sizeof wc);
    ofkey_extract(f, udp6_frame(f, "2001:db8:1::5", "2001:db8:2::7", 40000,
                                53), 1, &k);
    ck_assert_ptr_eq(of_tables_lookup(&t, 0, &k, &wc, NULL), dns);

    /* Outside the /48: the plain ipv6 rule, and the wildcards hold the
     * prefix's bits, so the megaflow for this frame cannot take a frame
     * from inside it. */
    memset(&wc, 0, sizeof wc);
    ofkey_extract(f, udp6_frame(f, "2001:db8:9::5", "2001:db8:2::7", 40000,
                                53), 1, &k);
    ck_assert_ptr_eq(of_tables_lookup(&t, 0, &k, &wc, NULL), v6);
    ofkey_extract(f, udp6_frame(f, "2001:db8:1::5", "2001:db8:2::7", 40000,
                                53), 1, &k2);
    ck_assert(!ofkey_eq_masked(&k, &k2, &wc));
    /* ...while a frame from elsewhere outside it, to another address, is
     * (its source port is not: the ND rule's subtable, visited first,
     * holds ICMPv6's type, which is where the port lies). */
    ofkey_extract(f, udp6_frame(f, "2001:db8:9::77", "2001:db8:2::8",
                                40000, 53), 1, &k2);
    ck_assert(ofkey_eq_masked(&k, &k2, &wc));
    ck_assert_ptr_eq(of_tables_lookup(&t, 0, &k2, NULL, NULL), v6);

    /* Neighbour discovery by its target. */
    ofkey_extract(f, nd_frame(f, 135, "2001:db8::5", "ff02::1:ff00:1",
                              "2001:db8::1", mac_b), 1, &k);
    ck_assert_ptr_eq(of_tables_lookup(&t, 0, &k, NULL, NULL), nd);
    ofkey_extract(f, nd_frame(f, 135, "2001:db8::5", "ff02::1:ff00:2",
                              "2001:db8::2", mac_b), 1, &k);
    ck_assert_ptr_eq(of_tables_lookup(&t, 0, &k, NULL, NULL), v6);
    ofkey_extract(f, nd_frame(f, 136, "2001:db8::1", "2001:db8::5",
                              "2001:db8::1", mac_a), 1, &k);
    ck_assert_ptr_eq(of_tables_lookup(&t, 0, &k, NULL, NULL), v6);

    of_tables_destroy(&t);
}
END_TEST

/* The property that makes the megaflow cache correct, over IPv6 fields:
 * random rules on source and destination prefixes, the label, the
 * protocol, the ports and ND's target; random frames classified with
 * their wildcards; then any key that agrees with one on the bits of its
 * wildcards (the rest flipped at random) must match the same rule. */
START_TEST(test_megaflow_property_ipv6)
{
    struct vh_rng rng;
    vh_rng_seed(&rng, 7, "ipv6sw/megaflow");
    struct of_tables t;
    of_tables_init(&t);
    static const char *const nets[] = { "2001:db8::", "2001:db8:1::",
                                        "2001:db8:1:2::", "fd00::" };
    char text[256];
    for (int i = 0; i < 60; i++) {
        const char *net = nets[vh_rng_below(&rng, 4)];
        int plen = 16 + (int) vh_rng_below(&rng, 60);
        switch (vh_rng_below(&rng, 5)) {
        case 0:
            snprintf(text, sizeof text, "priority=%d,ipv6,ipv6_src=%s/%d,"
                     "actions=drop", (int) vh_rng_below(&rng, 100), net,
                     plen);
            break;
        case 1:
            snprintf(text, sizeof text, "priority=%d,udp6,ipv6_dst=%s/%d,"
                     "tp_dst=%d,actions=drop", (int) vh_rng_below(&rng, 100),
                     net, plen, (int) vh_rng_below(&rng, 4));
            break;
        case 2:
            snprintf(text, sizeof text, "priority=%d,ipv6,ipv6_label=%#x/"
                     "0xf,actions=drop", (int) vh_rng_below(&rng, 100),
                     (unsigned) vh_rng_below(&rng, 16));
            break;
        case 3:
            snprintf(text, sizeof text, "priority=%d,icmp6,icmp_type=135,"
                     "nd_target=%s1/%d,actions=drop",
                     (int) vh_rng_below(&rng, 100), net, plen + 40);
            break;
        default:
            snprintf(text, sizeof text, "priority=%d,tcp6,tp_src=%d/0x3,"
                     "actions=drop", (int) vh_rng_below(&rng, 100),
                     (int) vh_rng_below(&rng, 4));
            break;
        }
        of_tables_insert(&t, rule(text));
    }
    for (int i = 0; i < 2000; i++) {
        struct ofkey k, wc, k2;
        memset(&k, 0, sizeof k);
        k.dl_type = 0x86dd;
        k.nw_proto = (uint8_t[]) { 6, 17, 58 }[vh_rng_below(&rng, 3)];
        inet_pton(AF_INET6, nets[vh_rng_below(&rng, 4)], k.ipv6_src);
        inet_pton(AF_INET6, nets[vh_rng_below(&rng, 4)], k.ipv6_dst);
        k.ipv6_src[15] = (uint8_t) vh_rng_below(&rng, 4);
        k.ipv6_dst[7] = (uint8_t) vh_rng_below(&rng, 2);
        k.ipv6_label = (uint32_t) vh_rng_below(&rng, 32);
        k.tp_src = (uint16_t) (k.nw_proto == 58 ? 135 : vh_rng_below(&rng, 8));
        k.tp_dst = (uint16_t) vh_rng_below(&rng, 4);
        if (k.nw_proto == 58) {
            memcpy(k.nd_target, k.ipv6_dst, 16);
            k.nd_target[15] = 1;
        }
        memset(&wc, 0, sizeof wc);
        const struct of_rule *r = of_tables_lookup(&t, 0, &k, &wc, NULL);
        for (int j = 0; j < 8; j++) {
            k2 = k;
            for (int w = 0; w < OFKEY_WORDS; w++) {
                k2.w[w] ^= vh_rng_next(&rng) & ~wc.w[w];
            }
            ck_assert(ofkey_eq_masked(&k, &k2, &wc));
            ck_assert_ptr_eq(of_tables_lookup(&t, 0, &k2, NULL, NULL), r);
        }
    }
    of_tables_destroy(&t);
}
END_TEST

/* --- RSS and the other flow hashes. --- */

/* A TCP segment's first 20 bytes (RFC 9293 3.1), or with 'proto' 58 an
 * ICMPv6 echo request: what RSS hashes over addresses only. */
static uint32_t
l4_frame(uint8_t *f, uint8_t proto, const char *src, uint16_t sport,
         const char *dst, uint16_t dport)
{
    uint32_t off = put_eth_ip6(f, 0, 0, 20, proto, 64, src, dst);
    uint8_t *t = f + off;
    memset(t, 0, 20);
    if (proto == 6) {
        t[0] = (uint8_t) (sport >> 8);
        t[1] = (uint8_t) sport;
        t[2] = (uint8_t) (dport >> 8);
        t[3] = (uint8_t) dport;
        t[12] = 5 << 4;
        t[13] = 0x02;           /* SYN. */
    } else {
        t[0] = 128;
    }
    return off + 20;
}

/* Microsoft's "Verifying the RSS Hash Calculation": the IPv6 test
 * values for the default key, over the addresses only and over the
 * addresses and TCP ports. */
START_TEST(test_rss_ipv6_verification_vectors)
{
    static const struct {
        const char *dst;
        uint16_t dport;
        const char *src;
        uint16_t sport;
        uint32_t ip_only, with_tcp;
    } v[] = {
        { "3ffe:2501:200:3::1", 1766, "3ffe:2501:200:1fff::7", 2794,
          0x2cc18cd5, 0x40207d3d },
        { "ff02::1", 4739, "3ffe:501:8::260:97ff:fe40:efab", 14230,
          0x0f0c461c, 0xdde51bbf },
        { "fe80::200:f8ff:fe21:67cf", 38024,
          "3ffe:1900:4545:3:200:f8ff:fe21:67cf", 44251,
          0x4b61e985, 0x02d1feef },
    };
    uint8_t f[128];
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint32_t h = 0;
        uint32_t n = l4_frame(f, 6, v[i].src, v[i].sport, v[i].dst,
                              v[i].dport);
        ck_assert(vh_rss_hash_frame(vh_rss_default_key, f, n, &h));
        ck_assert_msg(h == v[i].with_tcp, "vector %zu TCP: %#x", i, h);
        n = l4_frame(f, 58, v[i].src, v[i].sport, v[i].dst, v[i].dport);
        ck_assert(vh_rss_hash_frame(vh_rss_default_key, f, n, &h));
        ck_assert_msg(h == v[i].ip_only, "vector %zu IPv6: %#x", i, h);
    }
}
END_TEST

START_TEST(test_flow_for_hash)
{
    uint8_t f[128];
    struct vh_flow a, b;
    struct vh_flow6 f6;

    /* Past the hop-by-hop header to the ports. */
    uint32_t n = udp6_hbh_frame(f, "2001:db8:1::5", "2001:db8:2::7", 40000,
                                53);
    ck_assert(vh_frame_flow6(f, n, &f6));
    ck_assert_uint_eq(f6.proto, 17);
    ck_assert(f6.has_ports);
    ck_assert_uint_eq(f6.sport, 40000);
    ck_assert_uint_eq(f6.dport, 53);
    ck_assert(!vh_frame_flow(f, n, &a));
    ck_assert(vh_frame_flow_for_hash(f, n, &a));
    ck_assert_uint_eq(a.ip_src, 0x20010db8u ^ 0x00010000u ^ 5u);
    ck_assert_uint_eq(a.dport, 53);

    /* An IPv4 frame: what vh_frame_flow() gives, unchanged. */
    struct vh_ip_hdr_spec sp;
    memset(&sp, 0, sizeof sp);
    sp.ip_src = 0x0a000001;
    sp.ip_dst = 0x0a000002;
    n = vh_build_udp(f, &sp, 1000, 2000, NULL, 18);
    ck_assert(vh_frame_flow(f, n, &a));
    ck_assert(vh_frame_flow_for_hash(f, n, &b));
    ck_assert_mem_eq(&a, &b, sizeof a);

    /* ARP is neither. */
    memset(f, 0, 60);
    f[12] = 0x08;
    f[13] = 0x06;
    ck_assert(!vh_frame_flow_for_hash(f, 60, &a));
    ck_assert(!vh_frame_flow6(f, 60, &f6));
}
END_TEST

/* A guest's multi-queue choice over IPv6 flows differing only in their
 * source port: every queue gets its share (within four standard
 * deviations of a fair split), where before every IPv6 frame took
 * queue 0. */
START_TEST(test_queue_hash_spreads_ipv6)
{
    uint8_t f[128];
    int per_q[4] = { 0 };
    for (int i = 0; i < 1000; i++) {
        struct vh_packet p;
        memset(&p, 0, sizeof p);
        p.data = f;
        p.len = udp6_frame(f, "2001:db8:1::5", "2001:db8:2::7",
                           (uint16_t) (20000 + i), 5001);
        per_q[vnet_flow_queue(&p, 4)]++;
    }
    for (int q = 0; q < 4; q++) {
        ck_assert_msg(per_q[q] > 250 - 55 && per_q[q] < 250 + 55,
                      "queue %d took %d of 1000", q, per_q[q]);
    }
}
END_TEST

/* ECMP over IPv6 flows: a route with two next hops, and a thousand
 * IPv6 flows differing only in their source address's last word, and a
 * thousand only in their source port, each spread evenly over both
 * (within four standard deviations of a fair split), each flow always
 * on the same one.  (Before the addresses were folded into the hash,
 * every IPv6 frame hashed alike.) */
START_TEST(test_ecmp_hash_spreads_ipv6)
{
    static const char json[] =
        "{ \"name\": \"e\", \"duration\": \"1ms\", \"switches\": [ {"
        "  \"name\": \"r1\", \"mode\": \"router\", \"ports\": 8,"
        "  \"interfaces\": [ { \"port\": \"p1\", \"ip\": \"10.0.1.1/24\" },"
        "  { \"port\": \"p7\", \"ip\": \"172.16.0.1/31\" },"
        "  { \"port\": \"p8\", \"ip\": \"172.16.0.3/31\" } ],"
        "  \"routes\": [ { \"dst\": \"10.0.2.0/24\", \"via\": "
        "  [\"172.16.0.0\", \"172.16.0.2\"] } ] } ] }";
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    const struct router *rt = VH_CONTAINER_OF(wt_dev(r.w, "r1"),
                                              struct router, dev);
    const struct rt_route *route = router_lookup(rt, 0x0a000205);
    ck_assert_ptr_nonnull(route);
    ck_assert_uint_eq(route->n_nh, 2);

    int by_src[2] = { 0, 0 }, by_port[2] = { 0, 0 };
    uint8_t f[128];
    char src[64];
    struct vh_flow fl;
    for (int i = 0; i < 1000; i++) {
        snprintf(src, sizeof src, "2001:db8:1::%x", i + 1);
        uint32_t n = udp6_frame(f, src, "2001:db8:2::7", 40000, 53);
        ck_assert(vh_frame_flow_for_hash(f, n, &fl));
        const struct rt_nexthop *a = router_pick(rt, route, &fl);
        ck_assert_ptr_eq(router_pick(rt, route, &fl), a);
        by_src[a - route->nh]++;

        n = udp6_frame(f, "2001:db8:1::5", "2001:db8:2::7",
                       (uint16_t) (20000 + i), 53);
        ck_assert(vh_frame_flow_for_hash(f, n, &fl));
        by_port[router_pick(rt, route, &fl) - route->nh]++;
    }
    ck_assert_msg(by_src[0] > 436 && by_src[0] < 564, "%d / %d", by_src[0],
                  by_src[1]);
    ck_assert_msg(by_port[0] > 436 && by_port[0] < 564, "%d / %d",
                  by_port[0], by_port[1]);
    wt_run_free(&r);
}
END_TEST

/* --- The router switch. --- */

/* A router with "ip6" 'ip6' on p1, h1 cabled to it, and 2001:db8:2::1/64
 * on p2, h2 cabled to it. */
static char *
router_json(const char *duration, const char *ip6)
{
    char *json = NULL;
    int n = asprintf(&json,
        "{ \"name\": \"ra\", \"duration\": \"%s\", \"seed\": 1,"
        "  \"hosts\": [ { \"name\": \"h1\", \"nics\": [ { \"name\": "
        "    \"eth0\", \"ip\": \"192.168.1.10/24\", \"gateway\": "
        "    \"192.168.1.1\", \"link\": \"r1/p1\" } ] },"
        "    { \"name\": \"h2\", \"nics\": [ { \"name\": "
        "    \"eth0\", \"ip\": \"192.168.2.10/24\", \"gateway\": "
        "    \"192.168.2.1\", \"link\": \"r1/p2\" } ] } ],"
        "  \"switches\": [ { \"name\": \"r1\", \"mode\": \"router\","
        "    \"ports\": 2, \"interfaces\": [ { \"port\": \"p1\", "
        "    \"ip\": \"192.168.1.1/24\", \"ip6\": \"%s\" }, { \"port\": "
        "    \"p2\", \"ip\": \"192.168.2.1/24\", \"ip6\": "
        "    \"2001:db8:2::1/64\" } ] } ] }",
        duration, ip6);
    ck_assert_int_gt(n, 0);
    return json;
}

/* A capture of r1/p1 into 'path', and the drops at the router. */
struct rt_watch {
    const char *path;
    const char *point;          /* Default r1/p1. */
    struct vh_capture *c;
    char drops[256];
    vh_event_fn inject;         /* Called at 5 s, if set. */
};

static void
log_drop6(void *ctx, const struct vh_hop *h)
{
    struct rt_watch *rw = ctx;
    size_t n = strlen(rw->drops);
    if (!strncmp(h->dev->path, "r1", 2)) {
        snprintf(rw->drops + n, sizeof rw->drops - n, "%s %s\n",
                 h->dev->path, h->reason);
    }
}

static void
watch_router(struct world *w, void *ctx)
{
    struct rt_watch *rw = ctx;
    const char *points[1] = { rw->point ? rw->point : "r1/p1" };
    const char *files[1] = { rw->path };
    size_t failed;
    char err[256];
    rw->c = vh_capture_open(&w->trace, &w->devs, points, files, 1, &failed,
                            err, sizeof err);
    ck_assert_msg(rw->c, "%s", err);
    vh_trace_subscribe(&w->trace, VH_HOP_BIT(VH_HOP_DROP), log_drop6, rw);
    if (rw->inject) {
        vh_schedule_at(&w->sim, 5 * VH_SEC, rw->inject, NULL, NULL);
    }
}

/* Runs 'json' watched by 'rw'; returns r1's port p1's counters copied
 * out before the world goes. */
static struct rt_port
run_router(const char *json, struct rt_watch *rw)
{
    struct wt_run r = wt_run_json(json, NULL, watch_router, rw);
    char err[256];
    ck_assert_msg(vh_capture_commit(rw->c, err, sizeof err) == 0, "%s", err);
    struct rt_port copy = *router_port(
        VH_CONTAINER_OF(wt_dev(r.w, "r1"), struct router, dev), 1);
    wt_run_free(&r);
    return copy;
}

/* Unsolicited advertisements: at once, then 16 s apart for the first
 * three (RFC 4861 6.2.4), each a valid RA of the interface's /64 from
 * the port's link-local address, which tshark decodes without a
 * warning. */
START_TEST(test_router_advertisements)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    char pcap[512];
    snprintf(pcap, sizeof pcap, "%s/ra.pcap", dir);
    char *json = router_json("40s", "2001:db8:1::1/64");
    struct rt_watch rw = { .path = pcap };
    struct rt_port rp = run_router(json, &rw);
    free(json);
    ck_assert_uint_eq(rp.ra_sent, 3);

    vh_tshark_assert_clean(pcap);
    static const char *const at[] = { "0.000000000", "16.000000000",
                                      "32.000000000" };
    char want[512];
    for (int i = 0; i < 3; i++) {
        snprintf(want, sizeof want, "%s\tfe80::1a:23ff:feb7:6a2e\tff02::1\t"
                 "255\t134\t64\t1800\t02:1a:23:b7:6a:2e\t2001:db8:1::\t64"
                 "\t1\t1\t86400\t14400\n", at[i]);
        vh_tshark_expect(pcap, i + 1, "-e frame.time_relative -e ipv6.src "
                         "-e ipv6.dst -e ipv6.hlim -e icmpv6.type "
                         "-e icmpv6.nd.ra.cur_hop_limit "
                         "-e icmpv6.nd.ra.router_lifetime "
                         "-e icmpv6.opt.linkaddr -e icmpv6.opt.prefix "
                         "-e icmpv6.opt.prefix.length "
                         "-e icmpv6.opt.prefix.flag.l "
                         "-e icmpv6.opt.prefix.flag.a "
                         "-e icmpv6.opt.prefix.valid_lifetime "
                         "-e icmpv6.opt.prefix.preferred_lifetime", want);
    }
    char *frames = vh_tshark_out(pcap, "-T fields -e frame.number");
    ck_assert_str_eq(frames, "1\n2\n3\n");
    free(frames);

    /* A /48: on-link, but hosts cannot form addresses from it (SLAAC
     * takes a /64). */
    json = router_json("1s", "2001:db8:1::1/48");
    struct rt_watch rw48 = { .path = pcap };
    run_router(json, &rw48);
    free(json);
    vh_tshark_expect(pcap, 1, "-e icmpv6.opt.prefix "
                     "-e icmpv6.opt.prefix.length -e icmpv6.opt.prefix.flag.l "
                     "-e icmpv6.opt.prefix.flag.a", "2001:db8:1::\t48\t1\t0\n");
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* Sets the ICMPv6 checksum of frame 'f', over the pseudo-header. */
static void
icmp6_csum(uint8_t *f)
{
    uint32_t plen = (uint32_t) f[14 + 4] << 8 | f[14 + 5];
    uint8_t ph[8] = { 0, 0, (uint8_t) (plen >> 8), (uint8_t) plen,
                      0, 0, 0, 58 };
    f[14 + 40 + 2] = f[14 + 40 + 3] = 0;
    uint32_t sum = vh_csum_partial(f + 14 + 8, 32, 0);
    sum = vh_csum_partial(ph, 8, sum);
    sum = vh_csum_partial(f + 14 + 40, plen, sum);
    vh_put_be16(f + 14 + 40 + 2, vh_csum_fold(sum));
}

/* Hands frame 'f' to port 'port' of the world as if its cable brought it. */
static void
hand_in(struct world *w, const char *port, const uint8_t *f, uint32_t n)
{
    struct fabport *fp = VH_CONTAINER_OF(wt_dev(w, port), struct fabport,
                                         dev);
    struct vh_packet *p = vh_packet_alloc(&w->pool);
    memcpy(p->data, f, n);
    p->len = n;
    p->born = w->sim.now;
    fp->port.rx(w, &fp->port, p);
}

/* Frames handed to r1/p1 at 5 s, as a host would send them. */
static void
inject_nd(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    static const uint8_t router_mac[6] = { 0x02, 0x1a, 0x23, 0xb7, 0x6a,
                                           0x2e };
    uint8_t f[256];
    uint32_t n;
    (void) obj;
    (void) arg;

    for (int i = 0; i < 6; i++) {
        switch (i) {
        case 0:     /* Address resolution of the router's address. */
            n = nd_frame(f, 135, "2001:db8:1::5", "ff02::1:ff00:1",
                         "2001:db8:1::1", mac_b);
            f[0] = 0x33, f[1] = 0x33, f[2] = 0xff, f[3] = 0, f[4] = 0;
            f[5] = 1;
            break;
        case 1:     /* Duplicate address detection of its link-local. */
            n = nd_frame(f, 135, "::", "ff02::1:ffb7:6a2e",
                         "fe80::1a:23ff:feb7:6a2e", mac_b);
            f[0] = 0x33, f[1] = 0x33, f[2] = 0xff, f[3] = 0xb7;
            f[4] = 0x6a, f[5] = 0x2e;
            n -= 8;                 /* No source link-layer option. */
            f[14 + 5] = 24;
            break;
        case 2:     /* Someone else's address: no answer. */
            n = nd_frame(f, 135, "2001:db8:1::5", "ff02::1:ff00:9",
                         "2001:db8:1::9", mac_b);
            f[0] = 0x33, f[1] = 0x33, f[2] = 0xff, f[3] = 0, f[4] = 0;
            f[5] = 9;
            break;
        case 3:     /* A router solicitation, to all routers. */
            n = nd_frame(f, 133, "fe80::5", "ff02::2", "::", mac_b);
            memset(f + 14 + 40 + 8, 0, 16);     /* RS has no target. */
            f[0] = 0x33, f[1] = 0x33, f[2] = 0, f[3] = 0, f[4] = 0;
            f[5] = 2;
            f[14 + 40 + 24] = 1;                /* Its SLL option. */
            break;
        case 4:     /* ping6 to the router. */
            n = l4_frame(f, 58, "2001:db8:1::5", 0, "2001:db8:1::1", 0);
            memcpy(f, router_mac, 6);
            f[14 + 40 + 5] = 0x12;              /* Identifier, */
            f[14 + 40 + 7] = 7;                 /* sequence. */
            break;
        default:    /* To another network: not routed. */
            n = udp6_frame(f, "2001:db8:1::5", "2001:db8:7::7", 1, 2);
            memcpy(f, router_mac, 6);
            break;
        }
        if (f[14 + 6] == 58) {
            icmp6_csum(f);
        }
        hand_in(w, "r1/p1", f, n);
    }
}

/* What the router answers, in the capture of its port after the 5 s
 * mark: the solicitation for its address with a solicited advertisement
 * to the solicitor, the duplicate address detection of its link-local
 * with one to all nodes, nothing for another's address, the router
 * solicitation with an advertisement within half a second (and at least
 * 3 s after the one at 0 s), and ping6 with its echo reply; the frame
 * for another network is dropped as not routed. */
START_TEST(test_router_answers_solicitations)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    char pcap[512];
    snprintf(pcap, sizeof pcap, "%s/nd.pcap", dir);
    char *json = router_json("10s", "2001:db8:1::1/64");
    struct rt_watch rw = { .path = pcap, .inject = inject_nd };
    struct rt_port rp = run_router(json, &rw);
    free(json);
    ck_assert_uint_eq(rp.ns_received, 2);
    ck_assert_uint_eq(rp.na_sent, 2);
    ck_assert_uint_eq(rp.rs_received, 1);
    ck_assert_uint_eq(rp.ra_sent, 2);
    ck_assert_uint_eq(rp.echo6_replies, 1);
    /* The frame for another network: no route to it. */
    ck_assert_str_eq(rw.drops, "r1 no-route\n");

    vh_tshark_assert_clean(pcap);
    char *out = vh_tshark_out(pcap, "-Y 'eth.src == 02:1a:23:b7:6a:2e' "
                              "-T fields -e ipv6.src -e ipv6.dst "
                              "-e icmpv6.type -e icmpv6.nd.na.flag.r "
                              "-e icmpv6.nd.na.flag.s -e icmpv6.nd.na.flag.o "
                              "-e icmpv6.nd.na.target_address -e icmpv6.opt.linkaddr "
                              "-e icmpv6.echo.identifier "
                              "-e icmpv6.echo.sequence_number");
    ck_assert_str_eq(out,
        /* The RA at 0 s. */
        "fe80::1a:23ff:feb7:6a2e\tff02::1\t134\t\t\t\t\t"
        "02:1a:23:b7:6a:2e\t\t\n"
        "2001:db8:1::1\t2001:db8:1::5\t136\t1\t1\t1\t2001:db8:1::1\t"
        "02:1a:23:b7:6a:2e\t\t\n"
        "fe80::1a:23ff:feb7:6a2e\tff02::1\t136\t1\t0\t1\t"
        "fe80::1a:23ff:feb7:6a2e\t02:1a:23:b7:6a:2e\t\t\n"
        "2001:db8:1::1\t2001:db8:1::5\t129\t\t\t\t\t\t0x0012\t7\n"
        "fe80::1a:23ff:feb7:6a2e\tff02::1\t134\t\t\t\t\t"
        "02:1a:23:b7:6a:2e\t\t\n");
    free(out);
    out = vh_tshark_out(pcap, "-Y 'icmpv6.type == 134' -T fields "
                        "-e frame.time_relative");
    double t0, t1;
    ck_assert_int_eq(sscanf(out, "%lf %lf", &t0, &t1), 2);
    ck_assert(t0 == 0.0);
    ck_assert_msg(t1 > 5.0 && t1 <= 5.5 + 1e-3, "solicited RA at %f", t1);
    free(out);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* --- The loader. --- */

/* A router whose second interface has 'ip6'. */
static char *
router2_json(const char *ip6)
{
    char *json = NULL;
    int n = asprintf(&json,
        "{ \"name\": \"r\", \"duration\": \"1ms\", \"switches\": [ {"
        "  \"name\": \"r1\", \"mode\": \"router\", \"ports\": 2,"
        "  \"interfaces\": [ { \"port\": \"p1\", \"ip\": "
        "  \"192.168.1.1/24\", \"ip6\": \"2001:db8:1::1/64\" },"
        "  { \"port\": \"p2\", \"ip\": \"192.168.2.1/24\", \"ip6\": %s"
        "  } ] } ] }", ip6);
    ck_assert_int_gt(n, 0);
    return json;
}

START_TEST(test_loader_router_ip6)
{
    static const struct {
        const char *ip6, *err;
    } bad[] = {
        { "\"2001:db8:2::1\"", "malformed address '2001:db8:2::1' (expected "
          "an IPv6 address with its prefix length, such as "
          "\"2001:db8:1::1/64\")" },
        { "\"2001:db8:2::1/64/64\"", "malformed address" },
        { "\"fe80::1/64\"", "'fe80::1/64' is link-local" },
        { "\"ff02::1/64\"", "'ff02::1/64' is a multicast address" },
        { "\"::1/64\"", "'::1/64' is not a unicast address" },
        { "\"2001:db8:2::/64\"", "subnet-router anycast address of its /64" },
        { "\"2001:db8:2::1/128\"", "give a prefix length 1..127" },
        { "\"2001:db8:1:0:8000::1/65\"", "overlaps the IPv6 subnet of "
          "interfaces[0]" },
        { "64", "switches[0].interfaces[1].ip6" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *json = router2_json(bad[i].ip6);
        char *err = wt_refusal(json, NULL);
        ck_assert_msg(strstr(err, "switches[0].interfaces[1].ip6")
                      && strstr(err, bad[i].err), "%s: %s", bad[i].ip6,
                      err);
        free(err);
        free(json);
    }
    /* Accepted: two /64s, and a /48 (advertised on-link only). */
    char *json = router2_json("\"2001:db8:2::1/64\"");
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    wt_run_free(&r);
    free(json);
    json = router2_json("\"2001:db8:2::1/48\"");
    r = wt_run_json(json, NULL, NULL, NULL);
    wt_run_free(&r);
    free(json);
}
END_TEST

/* From the command line: a rule or an address that is wrong stops the
 * run with exit status 2, its JSON path in the message, and nothing
 * written. */
START_TEST(test_cli_refusals)
{
    char *dir = vh_test_tmpdir();
    char *out = NULL, bin[4096];
    ck_assert(realpath(vh_test_bin(), bin));
    char *json = router2_json("\"fe80::2/64\"");
    char path[600];
    snprintf(path, sizeof path, "%s/r.json", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(json, f);
    fclose(f);
    free(json);
    int st = vh_test_sh(&out, "cd '%s' && '%s' run r.json", dir, bin);
    ck_assert_int_eq(st, 2);
    ck_assert_msg(strstr(out, "switches[0].interfaces[1].ip6: 'fe80::2/64' "
                         "is link-local"), "%s", out);
    free(out);

    snprintf(path, sizeof path, "%s/o.json", dir);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("{ \"name\": \"o\", \"duration\": \"1ms\", \"hosts\": [ {"
          "  \"name\": \"host1\", \"nics\": [ { \"name\": \"eth0\" } ],"
          "  \"bridges\": [ { \"name\": \"br0\", \"type\": \"ovs\","
          "  \"ports\": [\"eth0\"], \"flows\": ["
          "  \"ipv6,ipv6_src=2001:db8::/32,actions=normal\","
          "  \"udp6,ipv6_dst=2001:db8::/129,actions=drop\" ] } ] } ] }", f);
    fclose(f);
    st = vh_test_sh(&out, "cd '%s' && '%s' run o.json", dir, bin);
    ck_assert_int_eq(st, 2);
    ck_assert_msg(strstr(out, "hosts[0].bridges[0].flows[1]: bad mask '129' "
                         "for 'ipv6_dst'"), "%s", out);
    free(out);
    st = vh_test_sh(&out, "ls '%s'", dir);
    ck_assert_str_eq(out, "o.json\nr.json\n");
    free(out);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* At 5 s, packets from h1's side through r1 (to a neighbour that answers
 * at 5.5 s, one that never does, one with a hop limit of 1, one with no
 * route); the answer handed to p2 at 5.5 s. */
static void inject_na(struct vh_sim *, void *obj, void *arg);

static void
inject_forward(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    static const uint8_t p1_mac[6] = { 0x02, 0x1a, 0x23, 0xb7, 0x6a, 0x2e };
    static const char *const to[] = { "2001:db8:2::8", "2001:db8:2::9",
                                      "2001:db8:2::8", "2001:db8:7::7" };
    uint8_t f[128];
    (void) obj;
    (void) arg;
    for (int i = 0; i < 4; i++) {
        uint32_t n = udp6_frame(f, "2001:db8:1::5", to[i], 1000,
                                (uint16_t) (2000 + i));
        memcpy(f, p1_mac, 6);
        if (i == 2) {
            f[14 + 7] = 1;      /* Hop limit. */
        }
        hand_in(w, "r1/p1", f, n);
    }
    vh_schedule_at(&w->sim, w->sim.now + VH_SEC / 2, inject_na, NULL, NULL);
}

static const uint8_t mac_c[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x0c };

static void
inject_na(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    const struct rt_port *p2 = router_port(
        VH_CONTAINER_OF(wt_dev(w, "r1"), struct router, dev), 2);
    uint8_t f[128];
    (void) obj;
    (void) arg;
    uint32_t n = nd_frame(f, 136, "2001:db8:2::8", "2001:db8:2::1",
                          "2001:db8:2::8", mac_c);
    memcpy(f, p2->mac.b, 6);
    memcpy(f + 6, mac_c, 6);
    f[14 + 40 + 4] = 0x40 | 0x20;   /* Solicited, override. */
    icmp6_csum(f);
    hand_in(w, "r1/p2", f, n);
}

/* Forwarding between the two subnets, in r1/p2's capture: the
 * solicitation for each next hop (to its solicited-node group, from
 * p2's address, with p2's MAC), the packet that waited leaving once the
 * answer came, its hop limit one less and its MACs rewritten; the
 * neighbour that never answers solicited three times, a second apart,
 * and its packet dropped after the third (nd-failed); the hop limit of 1
 * and the address no route covers dropped at once. */
START_TEST(test_router_forwards_ipv6)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    char pcap[512];
    snprintf(pcap, sizeof pcap, "%s/p2.pcap", dir);
    char *json = router_json("10s", "2001:db8:1::1/64");
    struct rt_watch rw = { .path = pcap, .point = "r1/p2",
                           .inject = inject_forward };
    struct rt_port rp = run_router(json, &rw);
    free(json);
    ck_assert_uint_eq(rp.routed_in, 2);
    ck_assert_str_eq(rw.drops, "r1 hop-limit-exceeded\nr1 no-route\n"
                     "r1 nd-failed\n");

    vh_tshark_assert_clean(pcap);
    char *out = vh_tshark_out(pcap, "-Y 'eth.src != 52:54:00:00:00:0c' "
                              "-T fields -e frame.time_relative -e eth.dst "
                              "-e ipv6.src -e ipv6.dst -e ipv6.hlim "
                              "-e icmpv6.type -e icmpv6.nd.ns.target_address "
                              "-e icmpv6.opt.linkaddr -e udp.dstport");
    int n = 0;
    char *line = out;
    double t[8];
    char rest[8][256];
    while (line && *line && n < 8) {
        char *nl = strchr(line, '\n');
        ck_assert_int_eq(sscanf(line, "%lf\t%255[^\n]", &t[n], rest[n]), 2);
        n++;
        line = nl ? nl + 1 : NULL;
    }
    ck_assert_int_eq(n, 6);
    /* The RA at 0 s. */
    ck_assert(t[0] == 0.0);
    ck_assert(strstr(rest[0], "\tff02::1\t255\t134\t"));
    /* Solicitations for ::8 and ::9, right after 5 s. */
    ck_assert(t[1] > 5.0 && t[1] < 5.001);
    ck_assert_msg(strstr(rest[1], "33:33:ff:00:00:08\t2001:db8:2::1\t"
                         "ff02::1:ff00:8\t255\t135\t2001:db8:2::8\t"),
                  "%s", rest[1]);
    ck_assert(t[2] > 5.0 && t[2] < 5.001);
    ck_assert_msg(strstr(rest[2], "33:33:ff:00:00:09\t2001:db8:2::1\t"
                         "ff02::1:ff00:9\t255\t135\t2001:db8:2::9\t"),
                  "%s", rest[2]);
    /* The packet that waited for ::8, once its answer came. */
    ck_assert(t[3] > 5.5 && t[3] < 5.501);
    ck_assert_msg(!strcmp(rest[3], "52:54:00:00:00:0c\t2001:db8:1::5\t"
                          "2001:db8:2::8\t63\t\t\t\t2000"), "%s", rest[3]);
    /* ::9 asked again at 6 s and 7 s. */
    ck_assert(t[4] > 6.0 && t[4] < 6.001);
    ck_assert(t[5] > 7.0 && t[5] < 7.001);
    ck_assert(strstr(rest[5], "\t135\t2001:db8:2::9\t"));
    free(out);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* A router with an IPv6 route of two next hops, one on p7's subnet, one
 * on p8's. */
static const char ecmp6_json[] =
    "{ \"name\": \"e6\", \"duration\": \"10s\", \"switches\": [ {"
    "  \"name\": \"r1\", \"mode\": \"router\", \"ports\": 8,"
    "  \"interfaces\": [ { \"port\": \"p1\", \"ip\": \"10.0.1.1/24\","
    "    \"ip6\": \"2001:db8:1::1/64\" },"
    "  { \"port\": \"p7\", \"ip\": \"172.16.0.1/31\","
    "    \"ip6\": \"2001:db8:a::1/64\" },"
    "  { \"port\": \"p8\", \"ip\": \"172.16.0.3/31\","
    "    \"ip6\": \"2001:db8:b::1/64\" } ],"
    "  \"routes\": [ { \"dst\": \"0.0.0.0/0\", \"via\": \"172.16.0.0\" },"
    "    { \"dst\": \"2001:db8:9::/48\", \"via\": "
    "    [\"2001:db8:a::2\", \"2001:db8:b::2\"] },"
    "    { \"dst\": \"2001:db8:9:5::/64\", \"via\": \"2001:db8:b::3\" },"
    "    { \"dst\": \"::/0\", \"via\": \"2001:db8:a::7\" } ] } ] }";

/* At 5 s: 200 flows to 2001:db8:9::7 differing in their source port,
 * one to 2001:db8:9:5::7 (the longer prefix), one to 2001:db8:77::1 (the
 * default route), one to p8's own subnet (connected). */
static void
inject_ecmp6(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    const struct rt_port *p1 = router_port(
        VH_CONTAINER_OF(wt_dev(w, "r1"), struct router, dev), 1);
    uint8_t f[128];
    (void) obj;
    (void) arg;
    for (int i = 0; i < 203; i++) {
        const char *dst = i < 200 ? "2001:db8:9::7" : i == 200
                          ? "2001:db8:9:5::7" : i == 201 ? "2001:db8:77::1"
                          : "2001:db8:b::9";
        uint32_t n = udp6_frame(f, "2001:db8:1::5", dst,
                                (uint16_t) (30000 + i), 53);
        memcpy(f, p1->mac.b, 6);
        hand_in(w, "r1/p1", f, n);
    }
}

static void
ecmp6_subscribe(struct world *w, void *ctx)
{
    (void) ctx;
    vh_schedule_at(&w->sim, 5 * VH_SEC, inject_ecmp6, NULL, NULL);
}

/* Which next hop each packet took shows in the neighbours the router
 * tried to resolve: both of the /48's next hops, on their own ports (the
 * flows spread over them), the /64's own, the default route's; and the
 * connected destination itself. */
START_TEST(test_router_ipv6_routes)
{
    struct wt_run r = wt_run_json(ecmp6_json, NULL, ecmp6_subscribe, NULL);
    struct router *rt = VH_CONTAINER_OF(wt_dev(r.w, "r1"), struct router,
                                        dev);
    const struct rt_port *p7 = router_port(rt, 7), *p8 = router_port(rt, 8);
    char a[64], got[512] = "";
    for (int k = 0; k < 2; k++) {
        const struct rt_port *rp = k ? p8 : p7;
        for (size_t i = 0; i < rp->n_neigh6; i++) {
            size_t n = strlen(got);
            snprintf(got + n, sizeof got - n, "%s %s %u\n",
                     k ? "p8" : "p7",
                     inet_ntop(AF_INET6, rp->neigh6[i]->ip, a, sizeof a),
                     rp->neigh6[i]->pending.count);
        }
    }
    /* All waited in vain: nothing answers; each asked three times. */
    ck_assert_str_eq(got, "p7 2001:db8:a::2 0\np7 2001:db8:a::7 0\n"
                     "p8 2001:db8:b::2 0\np8 2001:db8:b::3 0\n"
                     "p8 2001:db8:b::9 0\n");
    ck_assert_uint_eq(p7->ns_sent, 6);
    ck_assert_uint_eq(p8->ns_sent, 9);
    ck_assert_uint_eq(p7->routed_out + p8->routed_out, 203);
    ck_assert_msg(p7->routed_out > 100 - 30 && p7->routed_out < 101 + 30,
                  "p7 %llu, p8 %llu", (unsigned long long) p7->routed_out,
                  (unsigned long long) p8->routed_out);
    /* 100 wait for one neighbour at most: the rest of the larger share
     * is dropped at once. */
    uint64_t over = (p7->routed_out > 101 ? p7->routed_out - 101 : 0)
                    + (p8->routed_out > 102 ? p8->routed_out - 102 : 0);
    ck_assert_uint_eq(vh_drops_get(&rt->drops, "nd-queue-full"), over);
    ck_assert_uint_eq(vh_drops_get(&rt->drops, "nd-failed"), 203 - over);
    wt_run_free(&r);

    /* Refusals, at their paths. */
    static const struct {
        const char *route, *err;
    } bad[] = {
        { "{ \"dst\": \"2001:db8:9::1/48\", \"via\": \"2001:db8:a::2\" }",
          "routes[0].dst: '2001:db8:9::1/48' has host bits set" },
        { "{ \"dst\": \"2001:db8:9::/48\", \"via\": \"2001:db8:c::2\" }",
          "routes[0].via: next hop 2001:db8:c::2 is on none of the "
          "router's IPv6 subnets" },
        { "{ \"dst\": \"2001:db8:9::/48\", \"via\": \"10.0.1.7\" }",
          "routes[0].via: malformed next hop '10.0.1.7'" },
        { "{ \"dst\": \"2001:db8:9::/48\", \"via\": [\"2001:db8:a::2\","
          " \"2001:db8:a::1\"] }",
          "routes[0].via[1]: next hop 2001:db8:a::1 is the router's own "
          "address" },
        { "{ \"dst\": \"2001:db8:a::/64\", \"via\": \"2001:db8:b::2\" }",
          "routes[0].dst: '2001:db8:a::/64' is the IPv6 subnet of "
          "interfaces[0]" },
        { "{ \"dst\": \"2001:db8:9::/129\", \"via\": \"2001:db8:b::2\" }",
          "routes[0].dst: malformed network '2001:db8:9::/129'" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char json[1024];
        snprintf(json, sizeof json,
                 "{ \"name\": \"e6\", \"switches\": [ { \"name\": \"r1\","
                 "  \"mode\": \"router\", \"ports\": 8, \"interfaces\": ["
                 "  { \"port\": \"p7\", \"ip\": \"172.16.0.1/31\","
                 "    \"ip6\": \"2001:db8:a::1/64\" },"
                 "  { \"port\": \"p8\", \"ip\": \"172.16.0.3/31\","
                 "    \"ip6\": \"2001:db8:b::1/64\" } ],"
                 "  \"routes\": [ %s ] } ] }", bad[i].route);
        char *err = wt_refusal(json, NULL);
        ck_assert_msg(strstr(err, bad[i].err), "%zu: %s", i, err);
        free(err);
    }
}
END_TEST

static Suite *
ipv6sw_suite(void)
{
    Suite *s = suite_create("ipv6sw");

    TCase *tc = tcase_create("ovs");
    tcase_add_test(tc, test_extract_ipv6_past_extension_header);
    tcase_add_test(tc, test_extract_ipv6_later_fragment);
    tcase_add_test(tc, test_extract_neighbour_discovery);
    tcase_add_test(tc, test_ipv4_key_hash_unchanged_by_ipv6_words);
    tcase_add_test(tc, test_key_format_ipv6);
    tcase_add_test(tc, test_rules_parse_and_print);
    tcase_add_test(tc, test_rules_refused);
    tcase_add_test(tc, test_classify_ipv6);
    tcase_add_test(tc, test_megaflow_property_ipv6);
    suite_add_tcase(s, tc);

    tc = tcase_create("hash");
    tcase_add_test(tc, test_rss_ipv6_verification_vectors);
    tcase_add_test(tc, test_flow_for_hash);
    tcase_add_test(tc, test_queue_hash_spreads_ipv6);
    tcase_add_test(tc, test_ecmp_hash_spreads_ipv6);
    suite_add_tcase(s, tc);

    tc = tcase_create("router");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_router_advertisements);
    tcase_add_test(tc, test_router_answers_solicitations);
    tcase_add_test(tc, test_router_forwards_ipv6);
    tcase_add_test(tc, test_router_ipv6_routes);
    suite_add_tcase(s, tc);

    tc = tcase_create("loader");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_loader_router_ip6);
    tcase_add_test(tc, test_cli_refusals);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(ipv6sw_suite)
