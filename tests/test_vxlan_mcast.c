/* tests/test_vxlan_mcast.c: VXLAN over a multicast underlay (flood and
 * learn, RFC 7348 section 4.2).
 *
 * The IGMPv3 join against bytes written out by hand from RFC 3376 and
 * RFC 2113, then decoded by tshark; scenarios/vxlan-mcast.json's captures:
 * each host's join, the first ARP request to the group with the group's
 * MAC and TTL 1, the reply and the echoes unicast to the learnt VTEP, the
 * third host reached by the flood only; the learnt entries in the report
 * and their ageing; a routed underlay that drops the group's packets with
 * its reason; and what the loader refuses (a group on Open vSwitch, on
 * geneve, gre and nvgre). */
#include <check.h>
#include <cjson/cJSON.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/defaults.h"
#include "models/core/world.h"
#include "models/endpoint/igmp.h"
#include "models/tunnel/vtep.h"
#include "report/report.h"
#include "sim/frame.h"
#include "sim/packet.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

#define MCAST "scenarios/vxlan-mcast.json"

/* ---- The join on the wire ------------------------------------------ */

/* 192.168.0.1 joins 239.1.1.1: from the EtherType to the group record's
 * end.  IPv4: IHL 6, TOS 0xc0, length 40, ID 0, DF, TTL 1, protocol 2,
 * checksum, the addresses, Router Alert (148, length 4, value 0).  IGMP:
 * type 0x22, checksum, one record: CHANGE_TO_EXCLUDE_MODE (4), no
 * auxiliary data, no sources, the group. */
static const uint8_t kat_join[] = {
    0x08, 0x00,
    0x46, 0xc0, 0x00, 0x28, 0x00, 0x00, 0x40, 0x00, 0x01, 0x02, 0x43, 0x50,
    0xc0, 0xa8, 0x00, 0x01, 0xe0, 0x00, 0x00, 0x16,
    0x94, 0x04, 0x00, 0x00,
    0x22, 0x00, 0xe9, 0xfb, 0x00, 0x00, 0x00, 0x01,
    0x04, 0x00, 0x00, 0x00, 0xef, 0x01, 0x01, 0x01,
};

START_TEST(test_mcast_join_bytes)
{
    static const struct vh_mac src = { { 0x02, 0, 0, 0, 0, 0x01 } };
    static const uint8_t all_routers[] = { 0x01, 0x00, 0x5e, 0, 0, 0x16 };
    uint8_t f[VH_PKT_DATAROOM];
    memset(f, 0xaa, sizeof f);
    uint32_t len = igmp_build_join(f, &src, 0xc0a80001, 0xef010101);
    ck_assert_uint_eq(len, VH_ETH_MIN_FRAME);
    ck_assert_mem_eq(f, all_routers, 6);
    ck_assert_mem_eq(f + 6, src.b, 6);
    for (size_t i = 0; i < sizeof kat_join; i++) {
        ck_assert_msg(f[12 + i] == kat_join[i], "byte %zu is 0x%02x, not "
                      "0x%02x", 12 + i, f[12 + i], kat_join[i]);
    }
    for (uint32_t i = 12 + sizeof kat_join; i < len; i++) {
        ck_assert_uint_eq(f[i], 0);     /* Padding. */
    }
    /* Both checksums sum to zero over what they cover. */
    ck_assert_uint_eq(vh_csum_fold(vh_csum_partial(f + 14, 24, 0)), 0);
    ck_assert_uint_eq(vh_csum_fold(vh_csum_partial(f + 38, 16, 0)), 0);

    /* The group's MAC: 01:00:5e and the low 23 bits, so 239.129.1.1
     * shares 239.1.1.1's. */
    static const uint8_t g[] = { 0x01, 0x00, 0x5e, 0x01, 0x01, 0x01 };
    struct vh_mac m = igmp_group_mac(0xef010101);
    ck_assert_mem_eq(m.b, g, 6);
    m = igmp_group_mac(0xef810101);
    ck_assert_mem_eq(m.b, g, 6);
    ck_assert(igmp_is_group(0xe0000000) && igmp_is_group(0xefffffff));
    ck_assert(!igmp_is_group(0xdfffffff) && !igmp_is_group(0xf0000000));
    ck_assert(igmp_is_link_local(0xe0000016));
    ck_assert(!igmp_is_link_local(0xe0000116));
}
END_TEST

/* ---- The scenario's captures --------------------------------------- */

/* Runs vxlan-mcast.json in a fresh directory (returned; the caller
 * removes and frees it) with a JSON report r.json; every capture decodes
 * cleanly. */
static char *
run_mcast(void)
{
    char bin[PATH_MAX], top[PATH_MAX], pcap[PATH_MAX + 64];
    ck_assert_msg(realpath(vh_test_bin(), bin) && realpath(".", top),
                  "vhsim binary '%s' not found", vh_test_bin());
    char *dir = vh_test_tmpdir();
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && '%s' run '%s/" MCAST "' "
                        "--json r.json --quiet", dir, bin, top);
    ck_assert_msg(st == 0, "vhsim run failed (%d): %s", st, out);
    free(out);
    static const char *const caps[] = { "host1-eth0", "host3-eth0",
                                        "host1-vx0" };
    for (size_t i = 0; i < 3; i++) {
        snprintf(pcap, sizeof pcap, "%s/traces/vxlan-mcast-%s.pcap", dir,
                 caps[i]);
        vh_tshark_assert_clean(pcap);
    }
    return dir;
}

/* tshark's fields 'list' of every frame of capture 'cap' in 'dir' that
 * 'filter' keeps, one line each, in capture order. */
static char *
lines(const char *dir, const char *cap, const char *filter, const char *list)
{
    char *out = NULL;
    int st = vh_test_sh(&out, "tshark -r '%s/traces/vxlan-mcast-%s.pcap' "
                        VH_TSHARK_PREFS " -Y '%s' -T fields -E occurrence=a "
                        "-E aggregator=, %s 2>/dev/null", dir, cap, filter,
                        list);
    ck_assert_msg(st == 0, "tshark failed: %s", out);
    return out;
}

static void
expect_lines(const char *dir, const char *cap, const char *filter,
             const char *list, const char *want)
{
    char *got = lines(dir, cap, filter, list);
    ck_assert_msg(!strcmp(got, want), "%s, %s:\ngot:\n%swant:\n%s", cap,
                  filter, got, want);
    free(got);
}

START_TEST(test_mcast_captures)
{
    vh_tshark_require();
    char *dir = run_mcast();
    /* The joins come first: host1's own, then the others' that the
     * switch floods (no snooping).  TTL 1, Router Alert, to 224.0.0.22's
     * MAC, a CHANGE_TO_EXCLUDE record for the group. */
    static const char joins[] =
        "192.168.0.1\t01:00:5e:00:00:16\t1\t20\t4\t239.1.1.1\n"
        "192.168.0.2\t01:00:5e:00:00:16\t1\t20\t4\t239.1.1.1\n"
        "192.168.0.3\t01:00:5e:00:00:16\t1\t20\t4\t239.1.1.1\n";
    char *first = lines(dir, "host1-eth0", "frame.number <= 3",
                        "-e ip.src -e eth.dst -e ip.ttl -e ip.opt.type.number "
                        "-e igmp.record_type -e igmp.maddr");
    ck_assert_msg(!strcmp(first, joins), "got:\n%s", first);
    free(first);

    /* Inside VXLAN 42: the ARP request to the group, once; the reply
     * and the echoes unicast between the two VTEPs that talk, TTL 64. */
    static const char list[] = "-e ip.src -e ip.dst -e eth.dst -e ip.ttl "
                               "-e arp.opcode -e icmp.type";
    expect_lines(dir, "host1-eth0", "vxlan.vni == 42 && arp", list,
                 "192.168.0.1\t239.1.1.1\t"
                 "01:00:5e:01:01:01,ff:ff:ff:ff:ff:ff\t1\t1\t\n"
                 "192.168.0.2\t192.168.0.1\t"
                 "02:44:dc:b2:91:96,52:54:00:00:00:01\t64\t2\t\n");
    char *echo = lines(dir, "host1-eth0", "vxlan && icmp",
                       "-e ip.dst -e ip.ttl");
    size_t n = 0;
    for (char *l = echo; (l = strstr(l, "\n")) != NULL; l++) {
        n++;
    }
    ck_assert_uint_eq(n, 20);       /* 10 requests and 10 replies. */
    ck_assert_msg(!strstr(echo, "239.1.1.1") && !strstr(echo, "\t1\n"),
                  "an echo went to the group:\n%s", echo);
    free(echo);

    /* Host3 joined too: it gets the flood, and no unicast. */
    expect_lines(dir, "host3-eth0", "vxlan", list,
                 "192.168.0.1\t239.1.1.1\t"
                 "01:00:5e:01:01:01,ff:ff:ff:ff:ff:ff\t1\t1\t\n");
    expect_lines(dir, "host3-eth0", "igmp", "-e ip.src",
                 "192.168.0.3\n192.168.0.1\n192.168.0.2\n");
    /* The VTEP's own capture: the inner frames, no outer headers. */
    expect_lines(dir, "host1-vx0", "frame.number == 1",
                 "-e frame.protocols -e eth.dst",
                 "eth:ethertype:arp\tff:ff:ff:ff:ff:ff\n");
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* ---- The report, learning and ageing -------------------------------- */

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

static const cJSON *
tunnel(const cJSON *rep, const char *host)
{
    const cJSON *h = named(cJSON_GetObjectItemCaseSensitive(rep, "hosts"),
                           host);
    return named(cJSON_GetObjectItemCaseSensitive(h, "tunnels"), "vx0");
}

static double
count(const cJSON *t, const char *dir)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(t, dir);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, "frames");
    ck_assert(cJSON_IsNumber(v));
    return v->valuedouble;
}

/* The "learned" list of tunnel 't' as "MAC>REMOTE " pairs. */
static void
learned(const cJSON *t, char *buf, size_t n)
{
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(t, "learned");
    const cJSON *e;
    ck_assert(cJSON_IsArray(l));
    buf[0] = 0;
    cJSON_ArrayForEach(e, l) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(e, "mac");
        const cJSON *r = cJSON_GetObjectItemCaseSensitive(e, "remote_ip");
        size_t k = strlen(buf);
        snprintf(buf + k, n - k, "%s>%s ", m->valuestring, r->valuestring);
    }
}

START_TEST(test_mcast_learned)
{
    char *json = vh_test_slurp(MCAST, NULL);
    ck_assert_ptr_nonnull(json);
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    wt_assert_held(r.w);
    cJSON *rep = report_json(r.w, 0);
    char buf[256];

    const cJSON *f = named(cJSON_GetObjectItemCaseSensitive(rep, "flows"),
                           "ping");
    ck_assert_double_eq(cJSON_GetObjectItemCaseSensitive(f, "delivered")
                        ->valuedouble, 10);
    learned(tunnel(rep, "host1"), buf, sizeof buf);
    ck_assert_str_eq(buf, "52:54:00:00:00:02>192.168.0.2 ");
    learned(tunnel(rep, "host2"), buf, sizeof buf);
    ck_assert_str_eq(buf, "52:54:00:00:00:01>192.168.0.1 ");
    /* Host3 saw vm1's flooded request: it knows vm1, not vm2. */
    learned(tunnel(rep, "host3"), buf, sizeof buf);
    ck_assert_str_eq(buf, "52:54:00:00:00:01>192.168.0.1 ");
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(tunnel(rep, "host3"),
                     "remote_ip")->valuestring, "239.1.1.1");
    /* One packet to the group reached both other hosts: host1 sent 11
     * (the request and 10 echoes), host2 and host3 took the request. */
    ck_assert_double_eq(count(tunnel(rep, "host1"), "encapsulated"), 11);
    ck_assert_double_eq(count(tunnel(rep, "host2"), "decapsulated"), 11);
    ck_assert_double_eq(count(tunnel(rep, "host3"), "decapsulated"), 1);
    ck_assert_double_eq(count(tunnel(rep, "host3"), "encapsulated"), 0);
    /* Each host's NIC took the group's packets to its stack and let the
     * others' IGMP reports (to 224.0.0.22, a group no host joined) go by
     * its multicast filter: nothing reached a stack that did not want
     * it. */
    static const char *const nics[] = { "host1/eth0", "host2/eth0",
                                        "host3/eth0" };
    for (size_t i = 0; i < 3; i++) {
        ck_assert_msg(wt_dev(r.w, nics[i])->drops == 0, "%s dropped %llu",
                      nics[i],
                      (unsigned long long) wt_dev(r.w, nics[i])->drops);
    }

    /* Ageing: the learnt entry holds for 300 s after its last frame, and
     * then frames to it go to the group again; a static one stays. */
    struct vtep *v = VH_CONTAINER_OF(wt_dev(r.w, "host1/vx0"), struct vtep,
                                     dev);
    static const struct vh_mac vm2 = { { 0x52, 0x54, 0, 0, 0, 0x02 } };
    static const struct vh_mac other = { { 0x52, 0x54, 0, 0, 0, 0x09 } };
    vh_time_t now = r.w->sim.now, seen = 0;
    for (size_t i = 0; i < v->n_fdb; i++) {
        if (vh_mac_eq(&v->fdb[i].mac, &vm2)) {
            seen = v->fdb[i].seen;      /* vm2's last reply. */
        }
    }
    ck_assert_uint_gt(seen, 0);
    ck_assert_uint_eq(vtep_fdb_lookup(v, &vm2, now), 0xc0a80002);
    ck_assert_uint_eq(vtep_fdb_lookup(v, &vm2, seen + VH_DEF_FDB_AGEING - 1),
                      0xc0a80002);
    ck_assert_uint_eq(vtep_fdb_lookup(v, &vm2, seen + VH_DEF_FDB_AGEING), 0);
    ck_assert_uint_eq(vtep_fdb_learned(v, now), 1);
    ck_assert_uint_eq(vtep_fdb_learned(v, seen + VH_DEF_FDB_AGEING), 0);
    vtep_fdb_add(v, &other, 0xc0a80003);
    ck_assert_uint_eq(vtep_fdb_lookup(v, &other, now + 10 * VH_DEF_FDB_AGEING),
                      0xc0a80003);
    cJSON_Delete(rep);
    wt_run_free(&r);
    free(json);
}
END_TEST

/* Two hosts in two subnets behind one router: the router runs no PIM,
 * so the group's packets stop there, counted; the IGMP reports to
 * 224.0.0.22 it takes silently. */
static const char routed[] =
    "{ \"name\": \"routed\", \"seed\": 1, \"duration\": \"10ms\","
    "  \"hosts\": ["
    "  { \"name\": \"host1\", \"nics\": [ { \"name\": \"eth0\","
    "      \"ip\": \"192.168.1.10/24\", \"gateway\": \"192.168.1.1\","
    "      \"link\": \"r1/p1\" } ],"
    "    \"bridges\": [ { \"name\": \"br0\", \"type\": \"linux-bridge\","
    "      \"ports\": [ { \"name\": \"vx0\", \"type\": \"vxlan\","
    "                     \"remote_ip\": \"239.1.1.1\", \"key\": 42 } ] } ],"
    "    \"vms\": [ { \"name\": \"vm1\", \"nics\": [ { \"name\": \"eth0\","
    "      \"mac\": \"52:54:00:00:00:01\", \"ip\": \"10.0.0.1/24\","
    "      \"attach\": { \"type\": \"bridge\", \"to\": \"br0\" } } ] } ] },"
    "  { \"name\": \"host2\", \"nics\": [ { \"name\": \"eth0\","
    "      \"ip\": \"192.168.2.10/24\", \"gateway\": \"192.168.2.1\","
    "      \"link\": \"r1/p2\" } ],"
    "    \"bridges\": [ { \"name\": \"br0\", \"type\": \"linux-bridge\","
    "      \"ports\": [ { \"name\": \"vx0\", \"type\": \"vxlan\","
    "                     \"remote_ip\": \"239.1.1.1\", \"key\": 42 } ] } ],"
    "    \"vms\": [ { \"name\": \"vm2\", \"nics\": [ { \"name\": \"eth0\","
    "      \"mac\": \"52:54:00:00:00:02\", \"ip\": \"10.0.0.2/24\","
    "      \"attach\": { \"type\": \"bridge\", \"to\": \"br0\" } } ] } ] } ],"
    "  \"switches\": [ { \"name\": \"r1\", \"mode\": \"router\","
    "    \"ports\": 4, \"interfaces\": ["
    "      { \"port\": \"p1\", \"ip\": \"192.168.1.1/24\" },"
    "      { \"port\": \"p2\", \"ip\": \"192.168.2.1/24\" } ] } ],"
    "  \"traffic\": [ { \"name\": \"ping\", \"from\": \"host1/vm1\","
    "    \"to\": \"host2/vm2\", \"proto\": \"icmp\", \"rate\": \"1kpps\","
    "    \"count\": 3 } ] }";

START_TEST(test_mcast_not_routed)
{
    struct wt_run r = wt_run_json(routed, NULL, NULL, NULL);
    wt_assert_held(r.w);
    cJSON *rep = report_json(r.w, 0);
    const cJSON *sw = named(cJSON_GetObjectItemCaseSensitive(rep,
                                                             "switches"),
                            "r1");
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(sw, "drops");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(d,
                                                      "multicast-not-routed");
    /* vm1's one ARP request in 10 ms (it asks again after a second). */
    ck_assert_msg(cJSON_IsNumber(v) && v->valuedouble == 1,
                  "router drops: %s", cJSON_PrintUnformatted(d));
    ck_assert_uint_eq(cJSON_GetArraySize(d), 1);    /* Nothing else. */
    ck_assert_double_eq(count(tunnel(rep, "host2"), "decapsulated"), 0);
    const cJSON *f = named(cJSON_GetObjectItemCaseSensitive(rep, "flows"),
                           "ping");
    ck_assert_double_eq(cJSON_GetObjectItemCaseSensitive(f, "delivered")
                        ->valuedouble, 0);
    cJSON_Delete(rep);
    wt_run_free(&r);
}
END_TEST

/* ---- What the loader refuses ---------------------------------------- */

/* vxlan-mcast.json with the first 'from' in it (in host1) made 'to'. */
static char *
edited(const char *from, const char *to)
{
    char *json = vh_test_slurp(MCAST, NULL);
    ck_assert_ptr_nonnull(json);
    char *at = strstr(json, from);
    ck_assert_ptr_nonnull(at);
    size_t n = strlen(json) + strlen(to) + 1;
    char *out = malloc(n);
    snprintf(out, n, "%.*s%s%s", (int) (at - json), json, to,
             at + strlen(from));
    free(json);
    return out;
}

/* 'json' (freed) with every 'from' replaced by 'to'. */
static char *
replace_all(char *json, const char *from, const char *to)
{
    size_t n = 0;
    for (const char *p = json; (p = strstr(p, from)) != NULL; p++) {
        n++;
    }
    char *out = malloc(strlen(json) + n * strlen(to) + 1);
    char *o = out;
    const char *p = json, *hit;
    while ((hit = strstr(p, from)) != NULL) {
        memcpy(o, p, (size_t) (hit - p));
        o += hit - p;
        o = stpcpy(o, to);
        p = hit + strlen(from);
    }
    strcpy(o, p);
    free(json);
    return out;
}

static void
expect_refusal(const char *json, const char *want)
{
    char *msg = wt_refusal(json, NULL);
    ck_assert_msg(strstr(msg, want) != NULL, "refused with '%s', not '%s'",
                  msg, want);
    free(msg);
}

START_TEST(test_mcast_refusals)
{
    static const char port[] = "{ \"name\": \"vx0\", \"type\": \"vxlan\"";
    char *json = edited(port, "{ \"name\": \"vx0\", \"type\": \"geneve\"");
    expect_refusal(json, "hosts[0].bridges[0].ports[0].remote_ip: 239.1.1.1 "
                   "is a multicast group, and a geneve tunnel takes only a "
                   "unicast remote_ip");
    free(json);
    json = edited(port, "{ \"name\": \"vx0\", \"type\": \"gre\"");
    expect_refusal(json, "hosts[0].bridges[0].ports[0].remote_ip: not "
                   "supported yet: a multicast group as the remote_ip of a "
                   "gre port (only vxlan ports take one)");
    free(json);
    json = edited(port, "{ \"name\": \"vx0\", \"type\": \"nvgre\"");
    expect_refusal(json, "not supported yet: a multicast group as the "
                   "remote_ip of a nvgre port");
    free(json);

    /* Open vSwitch: refused by the vhsim program, status 2, nothing
     * written. */
    json = edited("\"type\": \"linux-bridge\"", "\"type\": \"ovs\"");
    char bin[PATH_MAX], path[PATH_MAX + 16];
    ck_assert(realpath(vh_test_bin(), bin));
    char *dir = vh_test_tmpdir();
    snprintf(path, sizeof path, "%s/ovs.json", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(json, f);
    fclose(f);
    char *out = NULL;
    vh_test_sh(&out, "cd '%s' && '%s' run ovs.json --json r.json 2>&1; "
               "echo \"status $?\"; ls", dir, bin);
    ck_assert_msg(strstr(out, "hosts[0].bridges[0].ports[0].remote_ip: "
                         "239.1.1.1 is a multicast group, and an Open "
                         "vSwitch tunnel port takes only a unicast "
                         "remote_ip") && strstr(out, "status 2")
                  && !strstr(out, "r.json") && !strstr(out, "traces")
                  && !strstr(out, "not supported yet"), "%s", out);
    free(out);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
    free(json);
}
END_TEST

/* Writes 'json' to a fresh directory (returned) and runs it there with
 * the vhsim program; every capture decodes cleanly. */
static char *
run_file(const char *json)
{
    char bin[PATH_MAX], path[PATH_MAX + 16];
    ck_assert(realpath(vh_test_bin(), bin));
    char *dir = vh_test_tmpdir();
    snprintf(path, sizeof path, "%s/s.json", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(json, f);
    fclose(f);
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && '%s' run s.json --json r.json "
                        "--quiet && for p in traces/*.pcap; do echo $p; "
                        "done", dir, bin);
    ck_assert_msg(st == 0, "vhsim run failed (%d): %s", st, out);
    for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n")) {
        snprintf(path, sizeof path, "%s/%s", dir, l);
        vh_tshark_assert_clean(path);
    }
    free(out);
    return dir;
}

/* "ttl" on the port (8; Wireshark notes a unicast TTL under 5): every
 * outer packet carries it, to the group as to a
 * learnt VTEP (Linux's vxlan_xmit_one falls back to 1 for a group only
 * when none is set). */
#define E8 "192.168.0.2,10.0.0.2\t8,64\n"     /* Outer, inner. */

START_TEST(test_mcast_ttl)
{
    vh_tshark_require();
    char *json = edited("\"remote_ip\": \"239.1.1.1\", \"key\": 42",
                        "\"remote_ip\": \"239.1.1.1\", \"key\": 42, "
                        "\"ttl\": 8");
    char *dir = run_file(json);
    expect_lines(dir, "host1-eth0", "vxlan && ip.src == 192.168.0.1",
                 "-e ip.dst -e ip.ttl",
                 "239.1.1.1\t8\n"
                 E8 E8 E8 E8 E8 E8 E8 E8 E8 E8);
    /* host2's port has no ttl: 1 to the group (it sent nothing there),
     * 64 unicast. */
    char *got = lines(dir, "host1-eth0", "vxlan && ip.src == 192.168.0.2",
                      "-e ip.ttl");
    ck_assert_msg(!strstr(got, "8,") && strstr(got, "64,64\n"), "%s", got);
    free(got);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
    free(json);

    json = edited("\"key\": 42", "\"key\": 42, \"ttl\": 0");
    expect_refusal(json, "hosts[0].bridges[0].ports[0].ttl: 0 is out of "
                   "range");
    free(json);
}
END_TEST

/* "ageing": once host1's entry for vm2 has aged out, the next echo
 * request to vm2 (whose MAC vm1's ARP cache still has) is unknown
 * unicast again, and goes to the group: host3 sees it; the reply teaches
 * host1 again. */
START_TEST(test_mcast_ageing)
{
    vh_tshark_require();
    char *a = edited("\"remote_ip\": \"239.1.1.1\", \"key\": 42",
                     "\"remote_ip\": \"239.1.1.1\", \"key\": 42, "
                     "\"ageing\": \"500us\"");
    const char *from = "\"count\": 10, \"start\": \"100us\" }";
    char *at = strstr(a, from);
    ck_assert_ptr_nonnull(at);
    size_t n = strlen(a) + 512;
    char *json = malloc(n);
    snprintf(json, n, "%.*s\"count\": 2, \"start\": \"100us\" },"
             " { \"name\": \"later\", \"from\": \"host1/vm1\","
             " \"to\": \"host2/vm2\", \"proto\": \"icmp\","
             " \"rate\": \"10kpps\", \"count\": 2,"
             " \"start\": \"1500us\" }%s", (int) (at - a), a,
             at + strlen(from));
    free(a);
    /* Cores that never sleep: 'later''s first reply must be back, and
     * learnt, before its second request leaves 100 us on, which a core
     * waking from C6 after the quiet millisecond would not allow. */
    json = replace_all(json, "\"ghz\": 2.6 }",
                       "\"ghz\": 2.6, \"cstate\": \"poll\" }");
    char *dir = run_file(json);
    /* host1's echoes: the first two unicast (learnt from the ARP reply);
     * 'later''s first to the group (aged out), its second unicast. */
    expect_lines(dir, "host1-eth0", "vxlan && icmp.type == 8",
                 "-e ip.dst -e ip.ttl -e icmp.seq",
                 "192.168.0.2,10.0.0.2\t64,64\t0\n"
                 "192.168.0.2,10.0.0.2\t64,64\t1\n"
                 "239.1.1.1,10.0.0.2\t1,64\t0\n"
                 "192.168.0.2,10.0.0.2\t64,64\t1\n");
    expect_lines(dir, "host3-eth0", "vxlan", "-e ip.dst -e icmp.type",
                 "239.1.1.1\t\n" "239.1.1.1,10.0.0.2\t8\n");
    char *rep = NULL;
    vh_test_sh(&rep, "cat '%s/r.json'", dir);
    cJSON *r = cJSON_Parse(rep);
    ck_assert_ptr_nonnull(r);
    const cJSON *f = named(cJSON_GetObjectItemCaseSensitive(r, "flows"),
                           "later");
    ck_assert_double_eq(cJSON_GetObjectItemCaseSensitive(f, "delivered")
                        ->valuedouble, 2);
    char buf[256];
    learned(tunnel(r, "host1"), buf, sizeof buf);
    ck_assert_str_eq(buf, "52:54:00:00:00:02>192.168.0.2 ");
    cJSON_Delete(r);
    free(rep);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
    free(json);

    json = edited("\"type\": \"linux-bridge\"", "\"type\": \"ovs\"");
    char *j2 = NULL;
    at = strstr(json, "\"remote_ip\": \"239.1.1.1\"");
    n = strlen(json) + 64;
    j2 = malloc(n);
    snprintf(j2, n, "%.*s\"remote_ip\": \"192.168.0.2\", \"ageing\": "
             "\"10s\"%s", (int) (at - json), json,
             at + strlen("\"remote_ip\": \"239.1.1.1\""));
    expect_refusal(j2, "hosts[0].bridges[0].ports[0].ageing: 'ageing' "
                   "applies only to a vxlan port of a linux-bridge");
    free(j2);
    free(json);
}
END_TEST

static Suite *
vxlan_mcast_suite(void)
{
    Suite *s = suite_create("vxlan_mcast");
    TCase *tc = tcase_create("mcast");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_mcast_join_bytes);
    tcase_add_test(tc, test_mcast_learned);
    tcase_add_test(tc, test_mcast_not_routed);
    tcase_add_test(tc, test_mcast_refusals);
    tcase_add_test(tc, test_mcast_captures);
    tcase_add_test(tc, test_mcast_ttl);
    tcase_add_test(tc, test_mcast_ageing);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(vxlan_mcast_suite)
