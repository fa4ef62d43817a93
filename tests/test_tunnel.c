/* tests/test_tunnel.c: VXLAN, NVGRE, GRE and Geneve tunnels.
 *
 * The wire formats against the bytes of the verified examples, written out
 * here by hand (from the formats, not from the encoders' #defines), then
 * read back by tshark; the outer source port's formula and its entropy;
 * and whole runs: VM to VM across two hosts through every tunnel type, on
 * Linux bridges and on Open vSwitch, with their captures decoded by
 * tshark; an unknown key or remote dropped with its reason; the MTU that
 * encapsulation breaks and the lowered inner MTU (or jumbo underlay) that
 * mends it; costs that come from the tunnel's primitives on the core that
 * carries the packet; the same seed giving the same bytes; and what the
 * loader refuses. */
#include <check.h>
#include <cjson/cJSON.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/world.h"
#include "models/hw/cpu.h"
#include "models/tunnel/geneve.h"
#include "models/tunnel/gre.h"
#include "models/tunnel/tnl_outer.h"
#include "models/tunnel/tnl_peek.h"
#include "models/tunnel/vtep.h"
#include "models/tunnel/vxlan.h"
#include "report/report.h"
#include "sim/frame.h"
#include "sim/packet.h"
#include "sim/pcapw.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

#define OVERLAY "scenarios/overlay.json"

/* ---- The wire ------------------------------------------------------ */

/* The inner frame of the examples: 02:00:00:00:00:0a -> ...:0b, IPv4
 * 192.168.1.10 -> 192.168.1.20 (ID 1), ICMP echo request id 1 seq 1 with
 * 8 bytes of data: 50 bytes, not padded (it is inside another frame). */
static struct vh_packet *
inner_frame(struct vh_pool *pool)
{
    struct vh_ip_hdr_spec s;
    memset(&s, 0, sizeof s);
    s.dst_mac = (struct vh_mac) { { 0x02, 0, 0, 0, 0, 0x0b } };
    s.src_mac = (struct vh_mac) { { 0x02, 0, 0, 0, 0, 0x0a } };
    s.ip_src = 0xc0a8010a;
    s.ip_dst = 0xc0a80114;
    s.ip_id = 1;
    struct vh_packet *p = vh_packet_alloc(pool);
    vh_build_icmp_echo(p->data, &s, VH_ICMP_ECHO_REQUEST, 1, 1, NULL, 8);
    p->len = 50;
    return p;
}

/* The outer IPv4 header of the examples: 172.16.0.1 -> 172.16.0.2, ID
 * 0x1234, DF, TTL 64. */
static const struct tnl_ipv4 outer_ip = {
    .src = 0xac100001, .dst = 0xac100002, .id = 0x1234, .df = true,
};

/* The outer MACs a capture shows (the stack fills them in a run). */
static void
set_macs(struct vh_packet *p)
{
    static const struct vh_mac a = { { 0x02, 0, 0, 0, 0, 0x01 } };
    static const struct vh_mac b = { { 0x02, 0, 0, 0, 0, 0x02 } };
    vh_eth_set_dst(p->data, &b);
    vh_eth_set_src(p->data, &a);
}

static void
assert_bytes(const uint8_t *got, const uint8_t *want, size_t n,
             const char *what)
{
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(got[i] == want[i], "%s: byte %zu is 0x%02x, not 0x%02x",
                      what, i, got[i], want[i]);
    }
}

/* VXLAN VNI 5001, source port 49152: from the outer EtherType to the end
 * of the VXLAN header. */
static const uint8_t kat_vxlan[] = {
    0x08, 0x00,
    0x45, 0x00, 0x00, 0x56, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0xd0, 0x3f,
    0xac, 0x10, 0x00, 0x01, 0xac, 0x10, 0x00, 0x02,
    0xc0, 0x00, 0x12, 0xb5, 0x00, 0x42, 0x00, 0x00,
    0x08, 0x00, 0x00, 0x00, 0x00, 0x13, 0x89, 0x00,
};

static struct vh_packet *
vxlan_example(struct vh_pool *pool, bool csum)
{
    struct vh_packet *p = inner_frame(pool);
    vxlan_push(p, 5001);
    tnl_push_udp(p, &outer_ip, 0xc000, VXLAN_PORT, csum);
    tnl_push_ipv4(p, &outer_ip, VH_IPPROTO_UDP);
    set_macs(p);
    return p;
}

START_TEST(test_tunnel_vxlan_bytes)
{
    struct vh_pool pool;
    vh_pool_init(&pool);
    struct vh_packet *inner = inner_frame(&pool);
    struct vh_packet *p = vxlan_example(&pool, false);
    ck_assert_uint_eq(p->len, 50 + 50);     /* 50 bytes of overhead. */
    assert_bytes(p->data + 12, kat_vxlan, sizeof kat_vxlan, "VXLAN");
    ck_assert_mem_eq(p->data + 50, inner->data, 50);
    uint32_t vni = 0;
    ck_assert(vxlan_parse(p->data + 42, 58, &vni));
    ck_assert_uint_eq(vni, 5001);
    /* Without the I flag the VNI is not valid. */
    p->data[42] = 0;
    ck_assert(!vxlan_parse(p->data + 42, 58, &vni));
    ck_assert(!vxlan_parse(kat_vxlan + 30, 7, &vni));
    vh_packet_free(p);
    vh_packet_free(inner);
    vh_pool_destroy(&pool);
}
END_TEST

/* NVGRE VSID 0x012345, FlowID 0x7f. */
static const uint8_t kat_nvgre[] = {
    0x08, 0x00,
    0x45, 0x00, 0x00, 0x4e, 0x12, 0x34, 0x40, 0x00, 0x40, 0x2f, 0xd0, 0x29,
    0xac, 0x10, 0x00, 0x01, 0xac, 0x10, 0x00, 0x02,
    0x20, 0x00, 0x65, 0x58, 0x01, 0x23, 0x45, 0x7f,
    0x02, 0x00, 0x00, 0x00, 0x00, 0x0b,
};

static struct vh_packet *
nvgre_example(struct vh_pool *pool)
{
    struct vh_packet *p = inner_frame(pool);
    struct gre_hdr g = { .has_key = true, .proto = 0x6558,
                         .key = nvgre_key(0x012345, 0x7f) };
    gre_push(p, &g);
    tnl_push_ipv4(p, &outer_ip, 47);
    set_macs(p);
    return p;
}

START_TEST(test_tunnel_nvgre_bytes)
{
    struct vh_pool pool;
    vh_pool_init(&pool);
    struct vh_packet *p = nvgre_example(&pool);
    ck_assert_uint_eq(p->len, 50 + 42);
    assert_bytes(p->data + 12, kat_nvgre, sizeof kat_nvgre, "NVGRE");
    struct gre_hdr g;
    uint32_t hlen = 0;
    ck_assert(gre_parse(p->data + 34, p->len - 34, &g, &hlen));
    ck_assert_uint_eq(hlen, 8);
    ck_assert(g.has_key && !g.csum && !g.has_seq);
    ck_assert_uint_eq(g.proto, 0x6558);
    ck_assert_uint_eq(nvgre_vsid(g.key), 0x012345);
    ck_assert_uint_eq(g.key & 0xff, 0x7f);
    vh_packet_free(p);
    vh_pool_destroy(&pool);
}
END_TEST

/* GRE's optional fields in their order: checksum and reserved, key,
 * sequence number; the checksum covers the header and the payload. */
static const uint8_t kat_gre_cks[] = {
    0xb0, 0x00, 0x65, 0x58, 0xde, 0x60, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x07,
};

static struct vh_packet *
gre_example(struct vh_pool *pool, bool csum, bool key, bool seq)
{
    struct vh_packet *p = inner_frame(pool);
    struct gre_hdr g = { .csum = csum, .has_key = key, .has_seq = seq,
                         .proto = 0x6558, .key = 42, .seq = 7 };
    gre_push(p, &g);
    tnl_push_ipv4(p, &outer_ip, 47);
    set_macs(p);
    return p;
}

START_TEST(test_tunnel_gre_fields)
{
    struct vh_pool pool;
    vh_pool_init(&pool);
    struct vh_packet *p = gre_example(&pool, true, true, true);
    assert_bytes(p->data + 34, kat_gre_cks, sizeof kat_gre_cks, "GRE C+K+S");
    struct gre_hdr g;
    uint32_t hlen = 0, len = p->len - 34;
    ck_assert(gre_parse(p->data + 34, len, &g, &hlen));
    ck_assert_uint_eq(hlen, 16);
    ck_assert(g.csum && g.has_key && g.has_seq);
    ck_assert_uint_eq(g.key, 42);
    ck_assert_uint_eq(g.seq, 7);
    /* One bit of the payload changed: the checksum no longer holds. */
    p->data[p->len - 1] ^= 1;
    ck_assert(!gre_parse(p->data + 34, len, &g, &hlen));
    vh_packet_free(p);

    /* Linux's gretap without a key: the bare 4 bytes. */
    p = gre_example(&pool, false, false, false);
    static const uint8_t bare[] = { 0x00, 0x00, 0x65, 0x58, 0x02, 0x00 };
    assert_bytes(p->data + 34, bare, sizeof bare, "GRE");
    ck_assert_uint_eq(p->len, 50 + 38);
    ck_assert(gre_parse(p->data + 34, p->len - 34, &g, &hlen));
    ck_assert_uint_eq(hlen, 4);
    ck_assert(!g.has_key);
    /* Version 1 (PPTP's) and the routing bit are not ours. */
    p->data[35] = 1;
    ck_assert(!gre_parse(p->data + 34, p->len - 34, &g, &hlen));
    p->data[35] = 0;
    p->data[34] = 0x40;
    ck_assert(!gre_parse(p->data + 34, p->len - 34, &g, &hlen));
    vh_packet_free(p);
    vh_pool_destroy(&pool);
}
END_TEST

/* Geneve VNI 100 with one 4-byte option of class 0x0102 (OVN), type 1,
 * over UDP 49154 -> 6081 with its checksum computed. */
static const uint8_t kat_geneve[] = {
    0xc0, 0x02, 0x17, 0xc1, 0x00, 0x4a, 0x58, 0x64,
    0x02, 0x00, 0x65, 0x58, 0x00, 0x00, 0x64, 0x00,
    0x01, 0x02, 0x01, 0x01, 0xde, 0xad, 0xbe, 0xef,
    0x02, 0x00, 0x00,
};
static const uint8_t geneve_opt[] = { 0x01, 0x02, 0x01, 0x01,
                                      0xde, 0xad, 0xbe, 0xef };

static struct vh_packet *
geneve_example(struct vh_pool *pool, const uint8_t *opt, uint32_t optlen)
{
    struct vh_packet *p = inner_frame(pool);
    geneve_push(p, 100, opt, optlen, false);
    tnl_push_udp(p, &outer_ip, 0xc002, GENEVE_PORT, true);
    tnl_push_ipv4(p, &outer_ip, VH_IPPROTO_UDP);
    set_macs(p);
    return p;
}

START_TEST(test_tunnel_geneve_bytes)
{
    struct vh_pool pool;
    vh_pool_init(&pool);
    struct vh_packet *p = geneve_example(&pool, geneve_opt,
                                         sizeof geneve_opt);
    assert_bytes(p->data + 34, kat_geneve, sizeof kat_geneve, "Geneve");
    struct geneve_hdr g;
    uint32_t hlen = 0;
    ck_assert(geneve_parse(p->data + 42, p->len - 42, &g, &hlen));
    ck_assert_uint_eq(g.vni, 100);
    ck_assert_uint_eq(g.opt_len, 8);
    ck_assert_uint_eq(hlen, 16);
    ck_assert(!g.critical && !g.oam);
    vh_packet_free(p);

    /* A critical option (type 0x80 set) sets the C bit. */
    uint8_t crit[sizeof geneve_opt];
    memcpy(crit, geneve_opt, sizeof crit);
    crit[2] = 0x81;
    p = geneve_example(&pool, crit, sizeof crit);
    ck_assert_uint_eq(p->data[43], 0x40);
    ck_assert(geneve_parse(p->data + 42, p->len - 42, &g, &hlen));
    ck_assert(g.critical);
    vh_packet_free(p);

    /* Without options: the 8-byte base header, 50 bytes in all. */
    p = geneve_example(&pool, NULL, 0);
    ck_assert_uint_eq(p->len, 50 + 50);
    ck_assert_uint_eq(p->data[42], 0);
    p->data[42] = 0x40;         /* Version 1. */
    ck_assert(!geneve_parse(p->data + 42, p->len - 42, &g, &hlen));
    vh_packet_free(p);
    vh_pool_destroy(&pool);
}
END_TEST

/* udp_flow_src_port: ((h ^ h << 16) * (max - min) >> 32) + min, worked
 * out by hand for a few hashes over Linux's default range. */
START_TEST(test_tunnel_sport_formula)
{
    /* 0x00010000 << 16 is 0 in 32 bits: 65536 * 28231 >> 32 = 0. */
    ck_assert_uint_eq(tnl_udp_sport(0x00010000, 32768, 60999), 32768);
    /* 0x80000000: half the range, 28231 / 2 = 14115. */
    ck_assert_uint_eq(tnl_udp_sport(0x80000000, 32768, 60999), 46883);
    /* 0x0000ffff ^ 0xffff0000 = 0xffffffff: the top, 28230. */
    ck_assert_uint_eq(tnl_udp_sport(0x0000ffff, 32768, 60999), 60998);
    /* Geneve's range, 1 to 65534. */
    ck_assert_uint_eq(tnl_udp_sport(0x80000000, 1, 65535), 32768);
    for (uint32_t h = 1; h; h = h * 3 + 7) {
        uint16_t s = tnl_udp_sport(h, TNL_SPORT_LINUX_MIN,
                                   TNL_SPORT_LINUX_MAX);
        ck_assert(s >= 32768 && s <= 60998);
        if (h > 0x40000000) {
            break;
        }
    }
}
END_TEST

/* The flow hash: one value per 5-tuple, the same both ways, different
 * for different flows. */
START_TEST(test_tunnel_flow_hash)
{
    uint8_t a[128], b[128];
    struct vh_ip_hdr_spec s;
    memset(&s, 0, sizeof s);
    s.ip_src = 0x0a000001;
    s.ip_dst = 0x0a000002;
    uint32_t seen[64];
    size_t distinct = 0;
    for (uint16_t port = 10000; port < 10064; port++) {
        uint32_t la = vh_build_udp(a, &s, port, 9, NULL, 18);
        uint32_t h = tnl_flow_hash(a, la);
        ck_assert_uint_ne(h, 0);
        /* Same flow, another packet (another IP ID): same hash. */
        s.ip_id++;
        ck_assert_uint_eq(tnl_flow_hash(a, vh_build_udp(a, &s, port, 9, NULL,
                                                        18)), h);
        /* The reply direction hashes alike. */
        struct vh_ip_hdr_spec r = s;
        r.ip_src = s.ip_dst;
        r.ip_dst = s.ip_src;
        ck_assert_uint_eq(tnl_flow_hash(b, vh_build_udp(b, &r, 9, port,
                                                        NULL, 18)), h);
        uint16_t sp = tnl_udp_sport(h, TNL_SPORT_LINUX_MIN,
                                    TNL_SPORT_LINUX_MAX);
        bool dup = false;
        for (size_t k = 0; k < distinct; k++) {
            dup |= seen[k] == sp;
        }
        if (!dup) {
            seen[distinct++] = sp;
        }
    }
    /* 64 flows over 28231 ports: a collision or two at most. */
    ck_assert_uint_ge(distinct, 62);
    /* A frame that is not IPv4 still hashes (by its addresses). */
    uint32_t la = vh_build_arp(a, VH_ARP_REQUEST, &s.src_mac, 1, &s.dst_mac,
                               2, &vh_mac_broadcast);
    ck_assert_uint_ne(tnl_flow_hash(a, la), 0);
}
END_TEST

/* Writes the examples to a capture and has tshark read them back: every
 * checksum right (IPv4, the outer UDP ones computed or zero, GRE's, the
 * inner ICMP), the keys where the formats put them, the inner frame
 * dissected. */
START_TEST(test_tunnel_tshark_wire)
{
    vh_tshark_require();
    struct vh_pool pool;
    vh_pool_init(&pool);
    char *dir = vh_test_tmpdir();
    char path[PATH_MAX], err[256];
    snprintf(path, sizeof path, "%s/tunnels.pcap", dir);
    struct vh_pcapw *w = vh_pcapw_open(path, err, sizeof err);
    ck_assert_msg(w, "%s", err);
    struct vh_packet *f[] = {
        vxlan_example(&pool, false), vxlan_example(&pool, true),
        nvgre_example(&pool), gre_example(&pool, true, true, true),
        gre_example(&pool, false, false, false),
        geneve_example(&pool, geneve_opt, sizeof geneve_opt),
    };
    for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
        ck_assert_int_eq(vh_pcapw_write(w, (i + 1) * 1000000, f[i]->data,
                                        f[i]->len), 0);
        vh_packet_free(f[i]);
    }
    ck_assert_msg(vh_pcapw_commit(w, err, sizeof err) == 0, "%s", err);
    vh_tshark_assert_clean(path);

    static const char inner[] = "eth:ethertype:ip:icmp:data";
    char want[256];
    snprintf(want, sizeof want, "eth:ethertype:ip:udp:vxlan:%s\t5001\t0x0000"
             "\t3\n", inner);
    vh_tshark_expect(path, 1, "-e frame.protocols -e vxlan.vni "
                     "-e udp.checksum -e udp.checksum.status", want);
    vh_tshark_expect(path, 2, "-e vxlan.vni -e udp.checksum.status "
                     "-e eth.src", "5001\t1\t02:00:00:00:00:01,"
                     "02:00:00:00:00:0a\n");
    snprintf(want, sizeof want, "eth:ethertype:ip:gre:%s\t0x0123457f\t"
             "0x6558\n", inner);
    vh_tshark_expect(path, 3, "-e frame.protocols -e gre.key -e gre.proto",
                     want);
    vh_tshark_expect(path, 4, "-e gre.checksum -e gre.checksum.status "
                     "-e gre.key -e gre.sequence_number",
                     "0xde60\t1\t0x0000002a\t7\n");
    vh_tshark_expect(path, 5, "-e gre.flags_and_version -e gre.key "
                     "-e icmp.checksum.status", "0x0000\t\t1\n");
    snprintf(want, sizeof want, "eth:ethertype:ip:udp:geneve:%s\t0x000064\t"
             "0x6558\t1\n", inner);
    vh_tshark_expect(path, 6, "-e frame.protocols -e geneve.vni "
                     "-e geneve.proto_type -e udp.checksum.status", want);
    /* The display filters that select NVGRE's VSID. */
    char *out = NULL;
    int st = vh_test_sh(&out, "tshark -r '%s' -Y '{gre.key & 0xffffff00} "
                        "== 0x01234500' -T fields -e frame.number "
                        "2>/dev/null", path);
    ck_assert_msg(st == 0 && !strcmp(out, "3\n"), "NVGRE filter: %s", out);
    free(out);

    /* tnl_peek reads what tshark reads. */
    struct vh_packet *p = vxlan_example(&pool, false);
    struct tnl_view v;
    ck_assert(tnl_peek(p->data, p->len, &v));
    ck_assert_str_eq(v.name, "VXLAN");
    ck_assert_uint_eq(v.key, 5001);
    ck_assert_uint_eq(v.inner_off, 50);
    ck_assert_uint_eq(v.inner_len, 50);
    vh_packet_free(p);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
    vh_pool_destroy(&pool);
}
END_TEST

/* ---- Runs ---------------------------------------------------------- */

static const cJSON *
named(const cJSON *arr, const char *name)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, arr) {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "name");
        if (cJSON_IsString(n) && !strcmp(n->valuestring, name)) {
            return e;
        }
    }
    ck_abort_msg("no '%s' in the report", name);
    return NULL;
}

/* The report of a run of 'json' (variant 'variant'), after checking that
 * every packet is accounted for. */
static cJSON *
run_report(const char *json, const char *variant)
{
    struct wt_run r = wt_run_json(json, variant, NULL, NULL);
    wt_assert_held(r.w);
    cJSON *rep = report_json(r.w, 0);
    wt_run_free(&r);
    return rep;
}

static cJSON *
overlay_report(const char *variant)
{
    char *json = vh_test_slurp(OVERLAY, NULL);
    ck_assert_ptr_nonnull(json);
    cJSON *rep = run_report(json, variant);
    free(json);
    return rep;
}

static const cJSON *
flow(const cJSON *rep, const char *name)
{
    return named(cJSON_GetObjectItemCaseSensitive(rep, "flows"), name);
}

static double
flow_drops(const cJSON *rep, const char *name, const char *reason)
{
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(flow(rep, name),
                                                      "drops");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(d, reason);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* The report's entry of tunnel 'name' of host 'host'. */
static const cJSON *
tunnel(const cJSON *rep, const char *host, const char *name)
{
    const cJSON *h = named(cJSON_GetObjectItemCaseSensitive(rep, "hosts"),
                           host);
    return named(cJSON_GetObjectItemCaseSensitive(h, "tunnels"), name);
}

static double
tunnel_count(const cJSON *t, const char *dir, const char *what)
{
    return vh_test_num(cJSON_GetObjectItemCaseSensitive(t, dir), what);
}

static double
tunnel_drops(const cJSON *t, const char *reason)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(t, "drops"), reason);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* A scenario of two hosts on one switch, each with a bridge of 'bridge'
 * ("linux-bridge" or "ovs") holding its VM and tunnel port 'port1' or
 * 'port2' (a port object, in JSON); 'nic' and 'vnic' add keys to both
 * hosts' NIC and VM NIC; the traffic is 'traffic' (a JSON array). */
struct two_hosts {
    const char *bridge;
    const char *port1, *port2;
    const char *nic, *vnic;
    const char *bridge_extra;
    const char *traffic;
};

#define TUNNEL(TYPE, REMOTE, KEY)                                       \
    "{ \"name\": \"tun0\", \"type\": \"" TYPE "\", \"remote_ip\": \""  \
    REMOTE "\", \"key\": " #KEY " }"

static const char default_traffic[] =
    "[ { \"name\": \"f1\", \"from\": \"host1/vm1\", \"to\": \"host2/vm2\","
    "    \"proto\": \"udp\", \"size\": 256, \"rate\": \"50kpps\","
    "    \"count\": 40 },"
    "  { \"name\": \"ping\", \"from\": \"host2/vm2\", \"to\": \"host1/vm1\","
    "    \"proto\": \"icmp\", \"rate\": \"10kpps\", \"count\": 5 } ]";

/* More packets than an ARP queue holds (100): when the first ARP request
 * is lost the overflow is dropped, for the reason the request was. */
static const char overflow_traffic[] =
    "[ { \"name\": \"f1\", \"from\": \"host1/vm1\", \"to\": \"host2/vm2\","
    "    \"proto\": \"udp\", \"size\": 256, \"rate\": \"100kpps\","
    "    \"count\": 150 } ]";

static char *
two_hosts_json(const struct two_hosts *c)
{
    bool ovs = !strcmp(c->bridge, "ovs");
    char host[2][2048];
    for (int i = 0; i < 2; i++) {
        snprintf(host[i], sizeof host[i],
                 "{ \"name\": \"host%d\", \"cpu\": { \"cores\": 4 },"
                 "  \"nics\": [ { \"name\": \"eth0\", \"ip\": "
                 "\"192.168.0.%d/24\", %s \"link\": \"tor1/p%d\" } ],"
                 "  \"bridges\": [ { \"name\": \"br0\", \"type\": \"%s\", %s"
                 "    \"ports\": [ %s ] } ],"
                 "  \"vms\": [ { \"name\": \"vm%d\", \"nics\": [ {"
                 "    \"name\": \"eth0\", \"mac\": \"52:54:00:00:00:0%d\","
                 "    \"ip\": \"10.0.0.%d/24\", %s \"attach\": { \"type\":"
                 "    \"%s\", \"to\": \"br0\" } } ] } ] }",
                 i + 1, i + 1, c->nic ? c->nic : "", i + 1, c->bridge,
                 c->bridge_extra ? c->bridge_extra : "",
                 i ? c->port2 : c->port1, i + 1, i + 1, i + 1,
                 c->vnic ? c->vnic : "", ovs ? "ovs" : "bridge");
    }
    size_t n = strlen(host[0]) + strlen(host[1]) + 4096;
    char *json = malloc(n);
    snprintf(json, n,
             "{ \"name\": \"t\", \"seed\": 1, \"duration\": \"3ms\","
             "  \"hosts\": [ %s, %s ],"
             "  \"switches\": [ { \"name\": \"tor1\", \"mode\": \"802.1q\","
             "                    \"ports\": 4 } ],"
             "  \"traffic\": %s }", host[0], host[1],
             c->traffic ? c->traffic : default_traffic);
    return json;
}

static cJSON *
two_hosts_report(const struct two_hosts *c)
{
    char *json = two_hosts_json(c);
    cJSON *rep = run_report(json, NULL);
    free(json);
    return rep;
}

/* Every tunnel type, on Linux bridges and on OVS: the frames cross, each
 * encapsulated by one host and decapsulated by the other, once. */
START_TEST(test_tunnel_every_type_vm_to_vm)
{
    static const struct { const char *type; const char *p1, *p2; } t[] = {
        { "vxlan", TUNNEL("vxlan", "192.168.0.2", 5001),
          TUNNEL("vxlan", "192.168.0.1", 5001) },
        { "nvgre", TUNNEL("nvgre", "192.168.0.2", 5001),
          TUNNEL("nvgre", "192.168.0.1", 5001) },
        { "gre", TUNNEL("gre", "192.168.0.2", 7),
          TUNNEL("gre", "192.168.0.1", 7) },
        { "geneve", TUNNEL("geneve", "192.168.0.2", 5001),
          TUNNEL("geneve", "192.168.0.1", 5001) },
    };
    static const char *const bridges[] = { "linux-bridge", "ovs" };
    for (size_t b = 0; b < 2; b++) {
        for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
            struct two_hosts c = { .bridge = bridges[b], .port1 = t[i].p1,
                                   .port2 = t[i].p2 };
            cJSON *rep = two_hosts_report(&c);
            const char *what = t[i].type;
            ck_assert_msg(vh_test_num(flow(rep, "f1"), "delivered") == 40
                          && vh_test_num(flow(rep, "ping"), "delivered") == 5,
                          "%s on %s: not every packet crossed", what,
                          bridges[b]);
            const cJSON *t1 = tunnel(rep, "host1", "tun0");
            const cJSON *t2 = tunnel(rep, "host2", "tun0");
            const cJSON *ty = cJSON_GetObjectItemCaseSensitive(t1, "type");
            ck_assert_str_eq(ty->valuestring, what);
            /* 40 + 5 replies + ARP one way, 5 requests + ARP back. */
            double out1 = tunnel_count(t1, "encapsulated", "frames");
            ck_assert_msg(out1 >= 45 && out1 <= 47, "%s: %g", what, out1);
            ck_assert(out1 == tunnel_count(t2, "decapsulated", "frames"));
            ck_assert(tunnel_count(t1, "encapsulated", "bytes")
                      == tunnel_count(t2, "decapsulated", "bytes"));
            ck_assert(tunnel_count(t2, "encapsulated", "frames")
                      == tunnel_count(t1, "decapsulated", "frames"));
            ck_assert_int_eq(cJSON_GetArraySize(
                cJSON_GetObjectItemCaseSensitive(t1, "drops")), 0);
            const cJSON *lip = cJSON_GetObjectItemCaseSensitive(t1,
                                                                "local_ip");
            ck_assert_str_eq(lip->valuestring, "192.168.0.1");
            ck_assert_int_eq((int) vh_test_num(t1, "mtu"),
                             strstr(what, "gre") ? 1458 : 1450);
            cJSON_Delete(rep);
        }
    }
}
END_TEST

/* A key the far host has no tunnel for is dropped there, and so is a GRE
 * packet from a host that is not the tunnel's remote; the senders' ARP
 * requests are the first lost, so their flows fail for the same reason. */
START_TEST(test_tunnel_unknown_key_and_remote)
{
    struct two_hosts c = { .bridge = "linux-bridge",
                           .port1 = TUNNEL("vxlan", "192.168.0.2", 5001),
                           .port2 = TUNNEL("vxlan", "192.168.0.1", 5002),
                           .traffic = overflow_traffic };
    cJSON *rep = two_hosts_report(&c);
    ck_assert(vh_test_num(flow(rep, "f1"), "delivered") == 0);
    ck_assert_msg(flow_drops(rep, "f1", "tunnel-unknown-key") > 0,
                  "f1 fails for another reason");
    const cJSON *t2 = tunnel(rep, "host2", "tun0");
    ck_assert(tunnel_drops(t2, "tunnel-unknown-key") >= 1);
    ck_assert(tunnel_count(t2, "decapsulated", "frames") == 0);
    cJSON_Delete(rep);

    /* The same on OVS, whose tunnel port's key is fixed. */
    c.bridge = "ovs";
    rep = two_hosts_report(&c);
    ck_assert(flow_drops(rep, "f1", "tunnel-unknown-key") > 0);
    cJSON_Delete(rep);

    c.bridge = "linux-bridge";
    c.port1 = TUNNEL("gre", "192.168.0.2", 7);
    c.port2 = TUNNEL("gre", "192.168.0.9", 7);
    rep = two_hosts_report(&c);
    ck_assert(flow_drops(rep, "f1", "tunnel-unknown-remote") > 0);
    ck_assert(tunnel_drops(tunnel(rep, "host2", "tun0"),
                           "tunnel-unknown-remote") >= 1);
    cJSON_Delete(rep);

    /* NVGRE matches on the VSID: another VSID is another key. */
    c.port1 = TUNNEL("nvgre", "192.168.0.2", 5001);
    c.port2 = TUNNEL("nvgre", "192.168.0.1", 5002);
    rep = two_hosts_report(&c);
    ck_assert(flow_drops(rep, "f1", "tunnel-unknown-key") > 0);
    cJSON_Delete(rep);
}
END_TEST

/* The interface a container network uses: a VTEP with several remotes
 * floods to each (head-end replication) and, learning where each inner
 * source came from, then sends a host's frames to that host alone. */
static void
add_third_remote(struct world *w, void *ctx)
{
    struct vh_device *d = wt_dev(w, "host1/tun0");
    struct vtep *v = VH_CONTAINER_OF(d, struct vtep, dev);
    ck_assert(v->cfg.learning);     /* A Linux vxlan device's default. */
    vtep_add_remote(v, 0xc0a80003);
    (void) ctx;
}

START_TEST(test_tunnel_flood_and_learn)
{
    char host[3][1024];
    static const char *const remote[] = { "192.168.0.2", "192.168.0.1",
                                          "192.168.0.1" };
    for (int i = 0; i < 3; i++) {
        snprintf(host[i], sizeof host[i],
                 "{ \"name\": \"host%d\", \"nics\": [ { \"name\": \"eth0\","
                 "  \"ip\": \"192.168.0.%d/24\", \"link\": \"tor1/p%d\" } ],"
                 "  \"bridges\": [ { \"name\": \"br0\", \"ports\": [ {"
                 "    \"name\": \"tun0\", \"type\": \"vxlan\","
                 "    \"remote_ip\": \"%s\", \"key\": 5001 } ] } ],"
                 "  \"vms\": [ { \"name\": \"vm%d\", \"nics\": [ {"
                 "    \"name\": \"eth0\", \"ip\": \"10.0.0.%d/24\","
                 "    \"attach\": { \"type\": \"bridge\", \"to\": \"br0\" }"
                 "  } ] } ] }", i + 1, i + 1, i + 1, remote[i], i + 1,
                 i + 1);
    }
    char json[4096];
    snprintf(json, sizeof json,
             "{ \"name\": \"t\", \"duration\": \"3ms\","
             "  \"hosts\": [ %s, %s, %s ],"
             "  \"switches\": [ { \"name\": \"tor1\", \"ports\": 4 } ],"
             "  \"traffic\": [ { \"name\": \"f1\", \"from\": \"host1/vm1\","
             "    \"to\": \"host3/vm3\", \"size\": 128,"
             "    \"rate\": \"50kpps\", \"count\": 40 } ] }",
             host[0], host[1], host[2]);
    struct wt_run r = wt_run_json(json, NULL, add_third_remote, NULL);
    wt_assert_conserved(r.w, true);
    cJSON *rep = report_json(r.w, 0);
    ck_assert(vh_test_num(flow(rep, "f1"), "delivered") == 40);
    /* vm1's ARP request went to both; all the rest to host3 only. */
    ck_assert(tunnel_count(tunnel(rep, "host2", "tun0"), "decapsulated",
                           "frames") == 1);
    ck_assert(tunnel_count(tunnel(rep, "host3", "tun0"), "decapsulated",
                           "frames") == 41);
    cJSON_Delete(rep);
    wt_run_free(&r);
}
END_TEST

/* OVS: frames out of a tunnel carry its key as tun_id, which a rule
 * matches; a rule for another tun_id does not see them. */
START_TEST(test_tunnel_ovs_tun_id)
{
    struct two_hosts c = { .bridge = "ovs",
                           .port1 = TUNNEL("vxlan", "192.168.0.2", 5001),
                           .port2 = TUNNEL("vxlan", "192.168.0.1", 5001),
                           .bridge_extra =
                               "\"flows\": [ \"priority=100,in_port=tun0,"
                               "tun_id=5001,actions=normal\", \"priority=100,"
                               "in_port=tun0,actions=drop\", \"priority=50,"
                               "actions=normal\" ]," };
    cJSON *rep = two_hosts_report(&c);
    ck_assert(vh_test_num(flow(rep, "f1"), "delivered") == 40);
    const cJSON *h2 = named(cJSON_GetObjectItemCaseSensitive(rep, "hosts"),
                            "host2");
    const cJSON *br = named(cJSON_GetObjectItemCaseSensitive(h2, "bridges"),
                            "br0");
    const cJSON *rules = cJSON_GetObjectItemCaseSensitive(br, "rules");
    const cJSON *by_id = NULL, *other = NULL, *e;
    cJSON_ArrayForEach(e, rules) {
        const char *text = cJSON_GetObjectItemCaseSensitive(e, "rule")
                           ->valuestring;
        if (strstr(text, "tun_id")) {
            by_id = e;
        } else if (strstr(text, "in_port=tun0")) {
            other = e;
        }
    }
    ck_assert_ptr_nonnull(by_id);
    ck_assert_ptr_nonnull(other);
    ck_assert(vh_test_num(by_id, "n_packets") >= 40);
    ck_assert(vh_test_num(other, "n_packets") == 0);
    cJSON_Delete(rep);

    /* The rule asks for a tun_id the tunnel does not carry: its frames
     * fall to the drop rule. */
    c.bridge_extra = "\"flows\": [ \"priority=100,in_port=tun0,tun_id=9,"
                     "actions=normal\", \"priority=100,in_port=tun0,"
                     "actions=drop\", \"priority=50,actions=normal\" ],";
    rep = two_hosts_report(&c);
    ck_assert(vh_test_num(flow(rep, "f1"), "delivered") == 0);
    cJSON_Delete(rep);
}
END_TEST

/* An inner VLAN tag may cross VXLAN, never NVGRE. */
START_TEST(test_tunnel_nvgre_refuses_tags)
{
    struct two_hosts c = { .bridge = "linux-bridge",
                           .port1 = TUNNEL("nvgre", "192.168.0.2", 5001),
                           .port2 = TUNNEL("nvgre", "192.168.0.1", 5001),
                           .vnic = "\"vlan\": 10,",
                           .bridge_extra = "\"vlan_filtering\": true,",
                           .traffic = overflow_traffic };
    cJSON *rep = two_hosts_report(&c);
    ck_assert(vh_test_num(flow(rep, "f1"), "delivered") == 0);
    ck_assert(flow_drops(rep, "f1", "nvgre-inner-vlan") > 0);
    ck_assert(tunnel_drops(tunnel(rep, "host1", "tun0"),
                           "nvgre-inner-vlan") >= 1);
    cJSON_Delete(rep);
    c.port1 = TUNNEL("vxlan", "192.168.0.2", 5001);
    c.port2 = TUNNEL("vxlan", "192.168.0.1", 5001);
    rep = two_hosts_report(&c);
    ck_assert(vh_test_num(flow(rep, "f1"), "delivered") == 150);
    cJSON_Delete(rep);
}
END_TEST

/* 1518-byte frames do not fit a 1500-byte underlay once encapsulated:
 * dropped, with the reason, on every type; a VM MTU of 1450 (the VM's or
 * its bridge's) or jumbo frames on the underlay bring them through. */
START_TEST(test_tunnel_mtu)
{
    static const char *const drop_variants[] = {
        NULL, "nvgre", "gre", "geneve", "ovs-vxlan",
    };
    for (size_t i = 0; i < sizeof drop_variants / sizeof *drop_variants;
         i++) {
        cJSON *rep = overlay_report(drop_variants[i]);
        const char *v = drop_variants[i] ? drop_variants[i] : "base";
        ck_assert_msg(vh_test_num(flow(rep, "big"), "delivered") == 0
                      && flow_drops(rep, "big", "tunnel-mtu-exceeded") == 20,
                      "%s: big frames not dropped for the MTU", v);
        ck_assert(tunnel_drops(tunnel(rep, "host1", "tun0"),
                               "tunnel-mtu-exceeded") == 20);
        ck_assert(vh_test_num(flow(rep, "f1"), "delivered") == 200);
        cJSON_Delete(rep);
    }
    static const char *const fixed[] = { "inner-mtu", "jumbo" };
    for (size_t i = 0; i < 2; i++) {
        cJSON *rep = overlay_report(fixed[i]);
        ck_assert_msg(vh_test_num(flow(rep, "big"), "delivered") == 20
                      && vh_test_num(flow(rep, "big"), "dropped") == 0,
                      "%s: big frames lost", fixed[i]);
        const cJSON *t = tunnel(rep, "host1", "tun0");
        ck_assert(tunnel_drops(t, "tunnel-mtu-exceeded") == 0);
        /* Lowered inner MTU: each big packet is two frames in the
         * tunnel; jumbo frames: one. */
        ck_assert_int_eq((int) vh_test_num(t, "mtu"), i ? 8950 : 1450);
        cJSON_Delete(rep);
    }
    /* The bridge's MTU is its VM NICs' default, as libvirt hands a
     * network's MTU to its guests. */
    char *json = vh_test_slurp(OVERLAY, NULL);
    ck_assert_ptr_nonnull(json);
    char *mod = malloc(strlen(json) + 64);
    char *p = json, *o = mod, *at;
    static const char needle[] = "\"type\": \"linux-bridge\",";
    int bridges = 0;
    while ((at = strstr(p, needle)) != NULL) {
        memcpy(o, p, (size_t) (at - p));
        o += at - p;
        o += sprintf(o, "%s \"mtu\": 1450,", needle);
        p = at + strlen(needle);
        bridges++;
    }
    strcpy(o, p);
    ck_assert_int_eq(bridges, 2);
    cJSON *rep = run_report(mod, NULL);
    ck_assert(vh_test_num(flow(rep, "big"), "delivered") == 20);
    cJSON_Delete(rep);
    free(mod);
    free(json);
}
END_TEST

/* The tunnel's work comes from its primitives: a UDP tunnel costs
 * udp_tunnel more than GRE per frame each way, nothing else differs; and
 * it is charged on the core that carries the frame: the vhost worker's
 * on the way in, the NIC's softirq core on the way out. */
START_TEST(test_tunnel_costs)
{
    struct two_hosts vx = { .bridge = "linux-bridge",
                            .port1 = TUNNEL("vxlan", "192.168.0.2", 7),
                            .port2 = TUNNEL("vxlan", "192.168.0.1", 7) };
    struct two_hosts gre = { .bridge = "linux-bridge",
                             .port1 = TUNNEL("gre", "192.168.0.2", 7),
                             .port2 = TUNNEL("gre", "192.168.0.1", 7) };
    char *jv = two_hosts_json(&vx), *jg = two_hosts_json(&gre);
    struct wt_run rv = wt_run_json(jv, NULL, NULL, NULL);
    struct wt_run rg = wt_run_json(jg, NULL, NULL, NULL);
    wt_assert_conserved(rv.w, true);
    wt_assert_conserved(rg.w, true);
    cJSON *rep = report_json(rv.w, 0);
    const cJSON *t1 = tunnel(rep, "host1", "tun0");
    double frames = tunnel_count(t1, "encapsulated", "frames")
                    + tunnel_count(t1, "decapsulated", "frames");
    uint64_t cv = wt_cat_cycles(wt_host(rv.w, "host1"), CPU_VSWITCH);
    uint64_t cg = wt_cat_cycles(wt_host(rg.w, "host1"), CPU_VSWITCH);
    ck_assert_msg(cv - cg == (uint64_t) frames * 200,
                  "VXLAN %llu, GRE %llu vswitch cycles over %g frames",
                  (unsigned long long) cv, (unsigned long long) cg, frames);
    cJSON_Delete(rep);
    wt_run_free(&rv);
    wt_run_free(&rg);
    free(jv);
    free(jg);

    /* Where: explain's hops of f1's first packet. */
    char bin[PATH_MAX];
    ck_assert(realpath(vh_test_bin(), bin) != NULL);
    char *out = NULL;
    int st = vh_test_sh(&out, "'%s' explain " OVERLAY, bin);
    ck_assert_msg(st == 0, "vhsim explain failed: %s", out);
    int vhost = -1, xmit = -1, rx = -1, rcv = -1;
    for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n")) {
        int core;
        const char *c = strstr(l, "core ");
        if (!c || sscanf(c, "core %d", &core) != 1) {
            continue;
        }
        if (strstr(l, "host1/vm1/eth0") && strstr(l, "vhost_desc")) {
            vhost = core;
        } else if (strstr(l, "host1/tun0") && strstr(l, "tunnel_xmit")) {
            xmit = core;
            ck_assert(strstr(l, "vswitch") != NULL);
        } else if (strstr(l, "host2/eth0") && strstr(l, "driver_rx")) {
            rx = core;
        } else if (strstr(l, "host2/tun0") && strstr(l, "tunnel_rcv")) {
            rcv = core;
        }
    }
    free(out);
    ck_assert_msg(vhost >= 0 && xmit == vhost, "worker core %d, "
                  "encapsulation on %d", vhost, xmit);
    ck_assert_msg(rx >= 0 && rcv == rx, "NIC poll on core %d, "
                  "decapsulation on %d", rx, rcv);
}
END_TEST

/* ---- Captures, by the vhsim program ------------------------------- */

/* Runs variant 'variant' of overlay.json in a fresh directory (returned;
 * the caller removes and frees it), with a JSON report r.json; both
 * captures are checked to decode cleanly. */
static char *
run_overlay(const char *variant, const char *extra)
{
    char bin[PATH_MAX], top[PATH_MAX], pcap[PATH_MAX + 64];
    ck_assert_msg(realpath(vh_test_bin(), bin) && realpath(".", top),
                  "vhsim binary '%s' not found", vh_test_bin());
    char *dir = vh_test_tmpdir();
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && '%s' run '%s/" OVERLAY "' "
                        "--variant %s --json r.json --quiet %s", dir, bin,
                        top, variant, extra ? extra : "");
    ck_assert_msg(st == 0, "vhsim run failed (%d): %s", st, out);
    free(out);
    snprintf(pcap, sizeof pcap, "%s/traces/overlay-host1-eth0.pcap", dir);
    vh_tshark_assert_clean(pcap);
    snprintf(pcap, sizeof pcap, "%s/traces/overlay-host1-tun0.pcap", dir);
    vh_tshark_assert_clean(pcap);
    return dir;
}

/* tshark's -T fields lines of 'pcap' in 'dir' for 'list'. */
static char *
fields(const char *dir, const char *pcap, const char *list)
{
    char *out = NULL;
    int st = vh_test_sh(&out, "tshark -r '%s/traces/%s' " VH_TSHARK_PREFS
                        " -T fields -E occurrence=a -E aggregator=, %s "
                        "2>/dev/null | LC_ALL=C sort | uniq -c | "
                        "sed 's/^ *\\([0-9]*\\) /\\1\\t/'", dir, pcap,
                        list);
    ck_assert_msg(st == 0, "tshark failed: %s", out);
    return out;
}

static void
expect_fields(const char *dir, const char *pcap, const char *list,
              const char *want, const char *variant)
{
    char *got = fields(dir, pcap, list);
    ck_assert_msg(!strcmp(got, want), "%s, %s, %s:\ngot:\n%swant:\n%s",
                  variant, pcap, list, got, want);
    free(got);
}

/* Every variant's capture of host1's NIC: the outer headers as each
 * encapsulation has them (key, DF as Linux or OVS sets it, TTL 64 on the
 * way out and 61 on the way in, after leaf2, a spine and leaf1 each took
 * one off), the inner frame dissected; the tunnel port's capture: the
 * inner frames alone.  The two plain ARP frames are host1 asking for its
 * gateway, leaf1. */
START_TEST(test_tunnel_captures)
{
    vh_tshark_require();
    static const struct {
        const char *variant;
        const char *want;       /* Counted protocol, key, DF, TTL lines. */
    } t[] = {
        { "base",
          "2\teth:ethertype:arp\t\t\t\n"
          "1\teth:ethertype:ip:udp:vxlan:eth:ethertype:arp\t5001\t0\t61\n"
          "1\teth:ethertype:ip:udp:vxlan:eth:ethertype:arp\t5001\t0\t64\n"
          "10\teth:ethertype:ip:udp:vxlan:eth:ethertype:ip:icmp:data\t5001"
          "\t0,1\t61,64\n"
          "10\teth:ethertype:ip:udp:vxlan:eth:ethertype:ip:icmp:data\t5001"
          "\t0,1\t64,64\n"
          "280\teth:ethertype:ip:udp:vxlan:eth:ethertype:ip:udp:data\t5001"
          "\t0,1\t64,64\n" },
        { "ovs-vxlan",
          "2\teth:ethertype:arp\t\t\t\n"
          "1\teth:ethertype:ip:udp:vxlan:eth:ethertype:arp\t5001\t1\t61\n"
          "1\teth:ethertype:ip:udp:vxlan:eth:ethertype:arp\t5001\t1\t64\n"
          "10\teth:ethertype:ip:udp:vxlan:eth:ethertype:ip:icmp:data\t5001"
          "\t1,1\t61,64\n"
          "10\teth:ethertype:ip:udp:vxlan:eth:ethertype:ip:icmp:data\t5001"
          "\t1,1\t64,64\n"
          "280\teth:ethertype:ip:udp:vxlan:eth:ethertype:ip:udp:data\t5001"
          "\t1,1\t64,64\n" },
        { "geneve",
          "2\teth:ethertype:arp\t\t\t\n"
          "1\teth:ethertype:ip:udp:geneve:eth:ethertype:arp\t0x001389\t0\t61\n"
          "1\teth:ethertype:ip:udp:geneve:eth:ethertype:arp\t0x001389\t0\t64\n"
          "10\teth:ethertype:ip:udp:geneve:eth:ethertype:ip:icmp:data\t0x001389"
          "\t0,1\t61,64\n"
          "10\teth:ethertype:ip:udp:geneve:eth:ethertype:ip:icmp:data\t0x001389"
          "\t0,1\t64,64\n"
          "280\teth:ethertype:ip:udp:geneve:eth:ethertype:ip:udp:data\t0x001389"
          "\t0,1\t64,64\n" },
        { "gre",
          "2\teth:ethertype:arp\t\t\t\n"
          "1\teth:ethertype:ip:gre:eth:ethertype:arp\t0x00000007\t1\t61\n"
          "1\teth:ethertype:ip:gre:eth:ethertype:arp\t0x00000007\t1\t64\n"
          "10\teth:ethertype:ip:gre:eth:ethertype:ip:icmp:data\t0x00000007"
          "\t1,1\t61,64\n"
          "10\teth:ethertype:ip:gre:eth:ethertype:ip:icmp:data\t0x00000007"
          "\t1,1\t64,64\n"
          "280\teth:ethertype:ip:gre:eth:ethertype:ip:udp:data\t0x00000007"
          "\t1,1\t64,64\n" },
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        char *dir = run_overlay(t[i].variant, NULL);
        const char *key = strstr(t[i].variant, "gre") ? "-e gre.key"
                          : strstr(t[i].variant, "geneve") ? "-e geneve.vni"
                          : "-e vxlan.vni";
        char list[128];
        snprintf(list, sizeof list, "-e frame.protocols %s -e ip.flags.df "
                 "-e ip.ttl", key);
        expect_fields(dir, "overlay-host1-eth0.pcap", list, t[i].want,
                      t[i].variant);
        /* The tunnel port's own capture: the same frames, plain. */
        expect_fields(dir, "overlay-host1-tun0.pcap", "-e frame.protocols",
                      "2\teth:ethertype:arp\n"
                      "20\teth:ethertype:ip:icmp:data\n"
                      "280\teth:ethertype:ip:udp:data\n", t[i].variant);
        vh_test_sh(NULL, "rm -rf '%s'", dir);
        free(dir);
    }
    /* NVGRE: one VSID, 5001, whatever the FlowID; no key of another. */
    char *dir = run_overlay("nvgre", NULL);
    expect_fields(dir, "overlay-host1-eth0.pcap", "-Y gre -e gre.proto",
                  "302\t0x6558\n", "nvgre");
    expect_fields(dir, "overlay-host1-eth0.pcap", "-Y '{gre.key & "
                  "0xffffff00} == 0x00138900' -e gre.proto",
                  "302\t0x6558\n", "nvgre");
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* The outer source port: one per inner flow, the 8 flows of 'many' on 8
 * different ports, all in Linux's range (Geneve's: 1 to 65534). */
START_TEST(test_tunnel_entropy)
{
    vh_tshark_require();
    static const char *const variants[] = { "base", "geneve" };
    for (size_t v = 0; v < 2; v++) {
        char *dir = run_overlay(variants[v], NULL);
        /* Outer source port, inner source port, of 'many''s frames
         * (256 bytes on the wire inside, so 302 outside). */
        char *out = fields(dir, "overlay-host1-eth0.pcap",
                           "-Y 'frame.len == 302' -e udp.srcport");
        unsigned outer[16], inner[16];
        size_t n = 0;
        for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n")) {
            unsigned count, o, in;
            ck_assert_msg(sscanf(l, "%u\t%u,%u", &count, &o, &in) == 3,
                          "line '%s'", l);
            ck_assert_uint_eq(count, 10);   /* 80 packets, 8 flows. */
            ck_assert(n < 16);
            if (v == 0) {
                ck_assert(o >= 32768 && o <= 60998);
            } else {
                ck_assert(o >= 1 && o <= 65534);
            }
            for (size_t k = 0; k < n; k++) {
                /* One outer port per inner flow, and no two alike. */
                ck_assert_msg(inner[k] != in && outer[k] != o,
                              "flows %u and %u share port %u", inner[k], in,
                              o);
            }
            outer[n] = o;
            inner[n++] = in;
        }
        ck_assert_uint_eq(n, 8);
        free(out);
        vh_test_sh(NULL, "rm -rf '%s'", dir);
        free(dir);
    }
}
END_TEST

/* The entropy at work on the leaf-spine underlay: leaf1's two
 * equal-cost next hops toward rack 2 (spine1 172.16.0.0, spine2
 * 172.16.0.2) both carry frames of 'many' with VXLAN and Geneve, whose
 * outer source port follows the inner flow; with GRE and NVGRE the
 * outer 5-tuple has no ports, every flow hashes alike, and one spine
 * carries everything while the other carries nothing. */
START_TEST(test_tunnel_ecmp_spread)
{
    static const struct {
        const char *variant;
        bool spread;
    } t[] = {
        { NULL, true }, { "geneve", true }, { "gre", false },
        { "nvgre", false },
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        cJSON *rep = overlay_report(t[i].variant);
        const cJSON *leaf1 = named(
            cJSON_GetObjectItemCaseSensitive(rep, "switches"), "leaf1");
        const cJSON *route = NULL, *r;
        cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(leaf1,
                                                               "routes")) {
            const cJSON *dst = cJSON_GetObjectItemCaseSensitive(r, "dst");
            if (cJSON_IsString(dst)
                && !strcmp(dst->valuestring, "192.168.2.0/24")) {
                route = r;
            }
        }
        ck_assert_ptr_nonnull(route);
        const cJSON *hops = cJSON_GetObjectItemCaseSensitive(route,
                                                             "next_hops");
        ck_assert_int_eq(cJSON_GetArraySize(hops), 2);
        int used = 0, with_many = 0;
        double total = 0;
        const cJSON *hop;
        cJSON_ArrayForEach(hop, hops) {
            double frames = vh_test_num(hop, "frames");
            total += frames;
            used += frames > 0;
            const cJSON *f;
            cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(hop,
                                                                   "flows")) {
                with_many += !strcmp(f->valuestring, "many");
            }
        }
        /* Every delivered frame of vm1 crossed the fabric once. */
        ck_assert(total >= 290);
        ck_assert_msg(used == (t[i].spread ? 2 : 1) &&
                      with_many == (t[i].spread ? 2 : 1),
                      "%s: %d next hops used, 'many' on %d",
                      t[i].variant ? t[i].variant : "base", used,
                      with_many);
        cJSON_Delete(rep);
    }
}
END_TEST

/* The lowered inner MTU in the capture: each big packet leaves vm1 in
 * two fragments (MF on the first), each in its own VXLAN frame; with
 * jumbo frames the whole 1514-byte frame rides in one 1564-byte frame. */
START_TEST(test_tunnel_mtu_captures)
{
    vh_tshark_require();
    char *dir = run_overlay("inner-mtu", NULL);
    /* The inner IP header's flags, the last occurrence. */
    char *out = NULL;
    int st = vh_test_sh(&out, "tshark -r '%s/traces/overlay-host1-eth0.pcap'"
                        " -T fields -E occurrence=l -e ip.flags.mf "
                        "-e frame.len 2>/dev/null | LC_ALL=C sort | uniq -c "
                        "| sed 's/^ *\\([0-9]*\\) /\\1\\t/'", dir);
    ck_assert_int_eq(st, 0);
    ck_assert_msg(strstr(out, "20\t1\t1508\n") != NULL, "%s", out);
    free(out);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);

    dir = run_overlay("jumbo", NULL);
    expect_fields(dir, "overlay-host1-eth0.pcap", "-Y 'frame.len > 1514' "
                  "-e frame.len -e vxlan.vni", "20\t1564\t5001\n", "jumbo");
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* The same seed gives the same report and the same bytes; another seed
 * still runs cleanly. */
START_TEST(test_tunnel_determinism)
{
    char *a = run_overlay("base", NULL);
    char *b = run_overlay("base", NULL);
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && sed -i '/wall_s/d' r.json && "
                        "cd '%s' && sed -i '/wall_s/d' r.json && "
                        "cmp '%s/r.json' '%s/r.json' && "
                        "cmp '%s/traces/overlay-host1-eth0.pcap' "
                        "'%s/traces/overlay-host1-eth0.pcap' && "
                        "cmp '%s/traces/overlay-host1-tun0.pcap' "
                        "'%s/traces/overlay-host1-tun0.pcap'", a, b, a, b, a,
                        b, a, b);
    ck_assert_msg(st == 0, "runs differ: %s", out);
    free(out);
    vh_test_sh(NULL, "rm -rf '%s' '%s'", a, b);
    free(a);
    free(b);
    char *c = run_overlay("ovs-vxlan", "--seed 7");
    vh_test_sh(NULL, "rm -rf '%s'", c);
    free(c);
}
END_TEST

/* ---- What the loader refuses -------------------------------------- */

static void
expect_refusal(const char *json, const char *want)
{
    char *msg = wt_refusal(json, NULL);
    ck_assert_msg(strstr(msg, want) != NULL, "refused with '%s', not '%s'",
                  msg, want);
    free(msg);
}

START_TEST(test_tunnel_refusals)
{
    struct two_hosts c = { .bridge = "linux-bridge",
                           .port1 = TUNNEL("vxlan", "192.168.0.2", 5001),
                           .port2 = TUNNEL("vxlan", "192.168.0.1", 5001) };
    /* A tunnel named like the host's NIC. */
    c.port1 = "{ \"name\": \"eth0\", \"type\": \"vxlan\", \"remote_ip\": "
              "\"192.168.0.2\", \"key\": 1 }";
    char *json = two_hosts_json(&c);
    expect_refusal(json, "hosts[0].bridges[0].ports[0].name: tunnel port "
                   "name 'eth0' is also the name of NIC");
    free(json);
    /* No address reaches the remote. */
    c.port1 = TUNNEL("vxlan", "10.9.9.9", 5001);
    json = two_hosts_json(&c);
    expect_refusal(json, "hosts[0].bridges[0].ports[0]: the tunnel's outer "
                   "packets leave from an address of host 'host1', and none "
                   "reaches 10.9.9.9");
    free(json);
    /* The far end is another host, one address of it. */
    c.port1 = TUNNEL("vxlan", "192.168.0.1", 5001);
    json = two_hosts_json(&c);
    expect_refusal(json, "hosts[0].bridges[0].ports[0]: remote_ip "
                   "192.168.0.1 is an address of host 'host1' itself");
    free(json);
    /* A group is vxlan's only (tests/test_vxlan_mcast.c). */
    c.port1 = TUNNEL("gre", "239.1.1.1", 5001);
    json = two_hosts_json(&c);
    expect_refusal(json, "hosts[0].bridges[0].ports[0].remote_ip: not "
                   "supported yet: a multicast group as the remote_ip of a "
                   "gre port");
    free(json);
    c.port1 = TUNNEL("vxlan", "255.255.255.255", 5001);
    json = two_hosts_json(&c);
    expect_refusal(json, "hosts[0].bridges[0].ports[0].remote_ip: expected "
                   "the far end's address");
    free(json);
    /* One key, one tunnel per address and port. */
    c.port1 = TUNNEL("vxlan", "192.168.0.2", 5001) ", { \"name\": \"tun1\","
              " \"type\": \"vxlan\", \"remote_ip\": \"192.168.0.2\","
              " \"key\": 5001 }";
    json = two_hosts_json(&c);
    expect_refusal(json, "hosts[0].bridges[0].ports[1]: host1/tun0 already "
                   "takes key 5001 on this address");
    free(json);
    /* 24-bit keys. */
    c.port1 = TUNNEL("geneve", "192.168.0.2", 16777216);
    json = two_hosts_json(&c);
    expect_refusal(json, "hosts[0].bridges[0].ports[0].key: a geneve key is "
                   "the 24-bit VNI");
    free(json);
    c.port1 = TUNNEL("vxlan", "192.168.0.2", 5001);
    /* MTUs. */
    c.nic = "\"mtu\": 9216,";
    json = two_hosts_json(&c);
    expect_refusal(json, "hosts[0].nics[0].mtu: 9216 is out of range; "
                   "expected 576 to 9000");
    free(json);
    c.nic = NULL;
    c.vnic = "\"mtu\": 500,";
    json = two_hosts_json(&c);
    expect_refusal(json, "hosts[0].vms[0].nics[0].mtu: 500 is out of range");
    free(json);
    c.vnic = NULL;
    /* OVS's dpdk datapath sends from the address of a NIC of its own
     * (tests/test_dpdk_tnl.c runs it). */
    c.bridge = "ovs";
    c.bridge_extra = "\"datapath\": \"dpdk\",";
    json = two_hosts_json(&c);
    expect_refusal(json, "hosts[0].bridges[0].ports[0]: a tunnel port of "
                   "Open vSwitch's dpdk datapath sends from the address of "
                   "a DPDK NIC");
    free(json);

    /* The program: exit status 2, nothing written. */
    c.bridge = "linux-bridge";
    c.bridge_extra = NULL;
    c.port1 = TUNNEL("vxlan", "10.9.9.9", 5001);
    json = two_hosts_json(&c);
    char *dir = vh_test_tmpdir();
    char path[PATH_MAX], bin[PATH_MAX];
    ck_assert(realpath(vh_test_bin(), bin) != NULL);
    snprintf(path, sizeof path, "%s/bad.json", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(json, f);
    fclose(f);
    char *out = NULL;
    vh_test_sh(&out, "cd '%s' && '%s' run bad.json --json r.json; "
               "echo \"status $?\"; ls", dir, bin);
    ck_assert_msg(strstr(out, "status 2") && !strstr(out, "r.json"),
                  "%s", out);
    free(out);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
    free(json);
}
END_TEST

static Suite *
tunnel_suite(void)
{
    Suite *s = suite_create("tunnel");
    TCase *tc = tcase_create("wire");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_tunnel_vxlan_bytes);
    tcase_add_test(tc, test_tunnel_nvgre_bytes);
    tcase_add_test(tc, test_tunnel_gre_fields);
    tcase_add_test(tc, test_tunnel_geneve_bytes);
    tcase_add_test(tc, test_tunnel_sport_formula);
    tcase_add_test(tc, test_tunnel_flow_hash);
    tcase_add_test(tc, test_tunnel_tshark_wire);
    suite_add_tcase(s, tc);
    tc = tcase_create("runs");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_tunnel_every_type_vm_to_vm);
    tcase_add_test(tc, test_tunnel_unknown_key_and_remote);
    tcase_add_test(tc, test_tunnel_flood_and_learn);
    tcase_add_test(tc, test_tunnel_ovs_tun_id);
    tcase_add_test(tc, test_tunnel_nvgre_refuses_tags);
    tcase_add_test(tc, test_tunnel_mtu);
    tcase_add_test(tc, test_tunnel_costs);
    tcase_add_test(tc, test_tunnel_refusals);
    suite_add_tcase(s, tc);
    tc = tcase_create("captures");
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, test_tunnel_captures);
    tcase_add_test(tc, test_tunnel_entropy);
    tcase_add_test(tc, test_tunnel_ecmp_spread);
    tcase_add_test(tc, test_tunnel_mtu_captures);
    tcase_add_test(tc, test_tunnel_determinism);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(tunnel_suite)
