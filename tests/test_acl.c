/* tests/test_acl.c: a switch's ingress ACL (the scenario's "acl").
 *
 * The loader's refusals, each with its JSON path; the matching of every
 * field on frames built by hand; and whole runs that show the teaching
 * point: an ACL on the upstream switch sees VM-to-VM traffic only when
 * the host sends it out (macvtap in VEPA mode, with a reflective relay),
 * never when a Linux bridge in the host switches it (VEB). */
#include <check.h>
#include <math.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/world.h"
#include "models/switch/l2switch.h"
#include "report/report.h"
#include "sim/frame.h"
#include "sim/packet.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* --- The loader. --- */

#define SW_ACL(rules)                                                   \
    "{'switches': [{'name': 'tor1', 'mode': 'vepa', 'ports': 8, "      \
    "'acl': " rules "}]}"

static const struct {
    const char *json;
    const char *msg;
} bad[] = {
    { SW_ACL("{}"), "switches[0].acl: expected an array, got an object" },
    { SW_ACL("[5]"), "switches[0].acl[0]: expected an object, got a "
      "number (5)" },
    { SW_ACL("[{'src_ip': '10.0.0.1'}]"), "switches[0].acl[0]: missing "
      "required key 'action' (\"permit\" or \"deny\")" },
    { SW_ACL("[{'action': 'drop'}]"), "switches[0].acl[0].action: unknown "
      "ACL action 'drop' (expected one of deny, permit)" },
    { SW_ACL("[{'action': 'deny', 'src-ip': '10.0.0.1'}]"),
      "switches[0].acl[0]: unknown key 'src-ip'; did you mean 'src_ip'?" },
    { SW_ACL("[{'action': 'deny'}, {'action': 'deny', 'prot': 'udp'}]"),
      "switches[0].acl[1]: unknown key 'prot'; did you mean 'proto'?" },
    { SW_ACL("[{'action': 'deny', 'src_mac': '52:54:00:00:01'}]"),
      "switches[0].acl[0].src_mac: malformed MAC address '52:54:00:00:01' "
      "(expected six two-digit hex groups such as \"52:54:00:00:00:01\")" },
    { SW_ACL("[{'action': 'deny', 'dst_ip': '10.0.0.256'}]"),
      "switches[0].acl[0].dst_ip: malformed IPv4 address '10.0.0.256' "
      "(expected a dotted quad, or a network such as \"10.0.1.0/24\")" },
    { SW_ACL("[{'action': 'deny', 'src_ip': '10.0.0.5/24'}]"),
      "switches[0].acl[0].src_ip: '10.0.0.5/24' has host bits set; the "
      "network is \"10.0.0.0/24\"" },
    { SW_ACL("[{'action': 'deny', 'proto': 'udpp'}]"),
      "switches[0].acl[0].proto: unknown ACL protocol 'udpp'; did you mean "
      "'udp'? (expected one of arp, icmp, tcp, udp)" },
    { SW_ACL("[{'action': 'deny', 'proto': 'arp', 'src_ip': "
             "'10.0.0.1'}]"),
      "switches[0].acl[0]: a rule with proto 'arp' cannot match src_ip or "
      "dst_ip (they are IPv4 header fields; ARP frames have none)" },
    { SW_ACL("[{'action': 'deny', 'vlan': 0}]"),
      "switches[0].acl[0].vlan: 0 is out of range; expected 1 to 4094" },
    { SW_ACL("[{'action': 'deny', 'vlan': 4095}]"),
      "switches[0].acl[0].vlan: 4095 is out of range; expected 1 to 4094" },
    { SW_ACL("[{'action': 'deny', 'in_port': 'p9'}]"),
      "switches[0].acl[0].in_port: port 9 is out of range; this switch "
      "has ports p1 to p8" },
    { SW_ACL("[{'action': 'deny', 'in_port': 0}]"),
      "switches[0].acl[0].in_port: port 0 is out of range; this switch "
      "has ports p1 to p8" },
    { SW_ACL("[{'action': 'deny', 'in_port': 'eth1'}]"),
      "switches[0].acl[0].in_port: malformed port 'eth1' (expected a port "
      "of this switch, \"p1\" to \"p8\", or its number)" },
    { SW_ACL("[{'action': 'deny', 'in_port': true}]"),
      "switches[0].acl[0].in_port: expected a port such as \"p1\" or a "
      "port number, got a boolean" },
};

START_TEST(test_acl_refusals)
{
    char *json = vh_test_dq(bad[_i].json);
    struct vh_diag d;
    vh_diag_init(&d);
    struct cfg_scenario *sc = cfg_load_string(json, "t.json", NULL, &d);
    ck_assert_ptr_null(sc);
    ck_assert_str_eq(d.msg, bad[_i].msg);
    free(json);
}
END_TEST

START_TEST(test_acl_loaded)
{
    char *json = vh_test_dq(SW_ACL("[{'action': 'permit', 'in_port': 'p3', "
                                   "'vlan': 10}, {'action': 'deny', 'src_ip': "
                                   "'10.0.1.0/24', 'dst_mac': "
                                   "'ff:ff:ff:ff:ff:ff', 'in_port': 8}, "
                                   "{'action': 'deny'}]"));
    struct vh_diag d;
    vh_diag_init(&d);
    struct cfg_scenario *sc = cfg_load_string(json, "t.json", NULL, &d);
    ck_assert_msg(sc != NULL, "%s", d.msg);
    const struct cfg_switch *sw = &sc->switches[0];
    ck_assert_uint_eq(sw->n_acl, 3);
    ck_assert_int_eq(sw->acl[0].action, CFG_ACL_PERMIT);
    ck_assert_uint_eq(sw->acl[0].match, CFG_ACL_IN_PORT | CFG_ACL_VLAN);
    ck_assert_int_eq(sw->acl[0].in_port, 3);
    ck_assert_uint_eq(sw->acl[0].vlan, 10);
    ck_assert_int_eq(sw->acl[1].action, CFG_ACL_DENY);
    ck_assert_uint_eq(sw->acl[1].src_ip, 0x0a000100);
    ck_assert_uint_eq(sw->acl[1].src_mask, 0xffffff00);
    ck_assert_int_eq(sw->acl[1].in_port, 8);
    ck_assert(vh_mac_eq(&sw->acl[1].dst_mac, &vh_mac_broadcast));
    ck_assert_uint_eq(sw->acl[2].match, 0);     /* Matches everything. */
    cfg_free(sc);
    free(json);

    /* "acl": [] is no ACL at all. */
    json = vh_test_dq(SW_ACL("[]"));
    sc = cfg_load_string(json, "t.json", NULL, &d);
    ck_assert_msg(sc != NULL, "%s", d.msg);
    ck_assert_uint_eq(sc->switches[0].n_acl, 0);
    ck_assert_ptr_null(sc->switches[0].acl);
    cfg_free(sc);
    free(json);
}
END_TEST

/* --- Matching, on frames built by hand. --- */

static const struct vh_mac mac1 = { { 0x52, 0x54, 0, 0, 0, 1 } };
static const struct vh_mac mac2 = { { 0x52, 0x54, 0, 0, 0, 2 } };

/* A UDP frame 10.0.0.1 -> 10.0.0.2 from mac1 to mac2, tagged with VID
 * 'vid' unless it is 0. */
static void
udp_frame(struct vh_packet *p, uint8_t *buf, uint16_t vid)
{
    struct vh_ip_hdr_spec h = {
        .dst_mac = mac2, .src_mac = mac1, .vlan = vid != 0,
        .vlan_tci = vid, .ip_src = 0x0a000001, .ip_dst = 0x0a000002,
    };
    memset(p, 0, sizeof *p);
    p->data = buf;
    p->len = vh_build_udp(buf, &h, 1000, 2000, NULL, 18);
}

/* A switch with the rules 'acl', as far as l2switch_acl_permits() reads
 * it. */
struct acl_sw {
    struct cfg_switch cfg;
    struct l2switch sw;
    uint64_t hits[8];
};

static void
acl_sw_init(struct acl_sw *a, struct cfg_acl_rule *acl, size_t n)
{
    memset(a, 0, sizeof *a);
    a->cfg.ports = 8;
    a->cfg.acl = acl;
    a->cfg.n_acl = n;
    a->sw.cfg = &a->cfg;
    a->sw.acl = (struct swacl) { .rules = acl, .n = n, .hits = a->hits };
}

START_TEST(test_acl_fields_match)
{
    uint8_t buf[256];
    struct vh_packet p;
    struct cfg_acl_rule r[] = {
        { .action = CFG_ACL_DENY, .match = CFG_ACL_VLAN, .vlan = 10 },
        { .action = CFG_ACL_DENY, .match = CFG_ACL_IN_PORT, .in_port = 3 },
        { .action = CFG_ACL_DENY, .match = CFG_ACL_SRC_MAC
          | CFG_ACL_PROTO, .src_mac = mac2, .proto = CFG_ACL_UDP },
        { .action = CFG_ACL_DENY, .match = CFG_ACL_DST_IP
          | CFG_ACL_PROTO, .dst_ip = 0x0a000000, .dst_mask = 0xffffff00,
          .proto = CFG_ACL_UDP },
    };
    struct acl_sw a;
    acl_sw_init(&a, r, 4);

    /* Tagged VID 10: the first rule, even behind the tag the rest would
     * match too. */
    udp_frame(&p, buf, 10);
    ck_assert(!l2switch_acl_permits(&a.sw, 3, &p));
    ck_assert_uint_eq(a.hits[0], 1);
    /* Another VID, on port 3: the second. */
    udp_frame(&p, buf, 11);
    ck_assert(!l2switch_acl_permits(&a.sw, 3, &p));
    ck_assert_uint_eq(a.hits[1], 1);
    /* Source MAC mac1 is not mac2: rule 2 passes it to rule 3, whose
     * network holds 10.0.0.2, read behind the tag. */
    ck_assert(!l2switch_acl_permits(&a.sw, 1, &p));
    ck_assert_uint_eq(a.hits[2], 0);
    ck_assert_uint_eq(a.hits[3], 1);
    /* Untagged: no VID, so rule 0 never matches an untagged frame. */
    udp_frame(&p, buf, 0);
    ck_assert(!l2switch_acl_permits(&a.sw, 1, &p));
    ck_assert_uint_eq(a.hits[0], 1);
    ck_assert_uint_eq(a.hits[3], 2);

    /* Another network: nothing matches, the default permits. */
    r[3].dst_ip = 0x0a000100;
    ck_assert(l2switch_acl_permits(&a.sw, 1, &p));
    ck_assert_uint_eq(a.sw.acl.dflt, 1);
}
END_TEST

START_TEST(test_acl_arp_and_ip_fields)
{
    uint8_t buf[256];
    struct vh_packet p = { .data = buf };
    p.len = vh_build_arp(buf, VH_ARP_REQUEST, &mac1, 0x0a000001, NULL,
                         0x0a000002, &vh_mac_broadcast);
    struct cfg_acl_rule r[] = {
        /* An IP field never matches an ARP frame, though the addresses
         * in its body are the same. */
        { .action = CFG_ACL_DENY, .match = CFG_ACL_SRC_IP,
          .src_ip = 0x0a000001, .src_mask = UINT32_MAX },
        { .action = CFG_ACL_PERMIT, .match = CFG_ACL_PROTO
          | CFG_ACL_DST_MAC, .proto = CFG_ACL_ARP,
          .dst_mac = vh_mac_broadcast },
        { .action = CFG_ACL_DENY },
    };
    struct acl_sw a;
    acl_sw_init(&a, r, 3);
    ck_assert(l2switch_acl_permits(&a.sw, 1, &p));
    ck_assert_uint_eq(a.hits[0], 0);
    ck_assert_uint_eq(a.hits[1], 1);
    /* Tagged, it is still ARP: the EtherType is read behind the tag. */
    memmove(buf + VH_ETH_TYPE_OFF + VH_VLAN_HLEN, buf + VH_ETH_TYPE_OFF,
            p.len - VH_ETH_TYPE_OFF);
    vh_put_be16(buf + VH_ETH_TYPE_OFF, VH_ETHERTYPE_VLAN);
    vh_put_be16(buf + VH_VLAN_TCI_OFF, 20);
    p.len += VH_VLAN_HLEN;
    ck_assert(l2switch_acl_permits(&a.sw, 1, &p));
    ck_assert_uint_eq(a.hits[1], 2);
    /* UDP is not ARP: the catch-all denies it. */
    udp_frame(&p, buf, 0);
    r[0].src_ip = 0x0a000009;
    ck_assert(!l2switch_acl_permits(&a.sw, 1, &p));
    ck_assert_uint_eq(a.hits[2], 1);
}
END_TEST

/* --- Whole runs. --- */

/* host1's bridges ('%s') and two VMs, attached by '%s' (an attach
 * object, twice), cabled through eth0 to tor1/p1, a switch of mode '%s'
 * with ACL '%s'; a remote on p2.  vm1 and vm2 send each other 20 UDP
 * packets. */
static const char run_fmt[] =
    "{ \"name\": \"acl\", \"duration\": \"3ms\", \"seed\": 5,"
    "  \"hosts\": ["
    "   { \"name\": \"host1\", \"cpu\": { \"cores\": 4 },"
    "     \"nics\": [ { \"name\": \"eth0\", \"link\": \"tor1/p1\" } ],"
    "     \"bridges\": [ %s ],"
    "     \"vms\": ["
    "       { \"name\": \"vm1\", \"pin\": [2], \"nics\": [ {"
    "           \"name\": \"eth0\", \"mac\": \"52:54:00:00:00:01\","
    "           \"ip\": \"10.0.0.1/24\", \"attach\": %s } ] },"
    "       { \"name\": \"vm2\", \"pin\": [3], \"nics\": [ {"
    "           \"name\": \"eth0\", \"mac\": \"52:54:00:00:00:02\","
    "           \"ip\": \"10.0.0.2/24\", \"attach\": %s } ] } ] },"
    "   { \"name\": \"remote\", \"nics\": [ { \"name\": \"eth0\","
    "       \"ip\": \"10.0.0.100/24\", \"link\": \"tor1/p2\" } ] } ],"
    "  \"switches\": [ { \"name\": \"tor1\", \"mode\": \"%s\","
    "                  \"ports\": 4, \"acl\": %s } ],"
    "  \"traffic\": ["
    "    { \"name\": \"f12\", \"from\": \"host1/vm1\","
    "      \"to\": \"host1/vm2\", \"proto\": \"udp\", \"rate\": \"100kpps\","
    "      \"count\": 20 },"
    "    { \"name\": \"f21\", \"from\": \"host1/vm2\","
    "      \"to\": \"host1/vm1\", \"proto\": \"udp\", \"rate\": \"100kpps\","
    "      \"count\": 20 } ] }";

static const char vepa_att[] =
    "{ \"type\": \"macvtap\", \"to\": \"eth0\", \"mode\": \"vepa\" }";
static const char veb_att[] = "{ \"type\": \"bridge\", \"to\": \"br0\" }";
static const char veb_br[] =
    "{ \"name\": \"br0\", \"type\": \"linux-bridge\", \"ports\": [\"eth0\"] }";

/* The contract's example rule: no UDP from vm1 to vm2. */
static const char deny_12[] =
    "[ { \"action\": \"deny\", \"src_ip\": \"10.0.0.1\","
    "    \"dst_ip\": \"10.0.0.2\", \"proto\": \"udp\" } ]";

/* With 'vepa', the VMs are on macvtaps in VEPA mode and tor1 is a
 * reflective relay; else they are on a Linux bridge (a VEB) and tor1 an
 * 802.1Q switch, as such a host's port would be: a reflective relay would
 * send the bridge's own floods back into it, and br0 would learn its VMs
 * on eth0. */
static struct wt_run
run_acl(bool vepa, const char *acl)
{
    char json[8192];
    const char *att = vepa ? vepa_att : veb_att;
    snprintf(json, sizeof json, run_fmt, vepa ? "" : veb_br, att, att,
             vepa ? "vepa" : "802.1q", acl);
    return wt_run_json(json, NULL, NULL, NULL);
}

static struct l2switch *
tor1(struct wt_run *r)
{
    ck_assert_uint_eq(r->w->n_switches, 1);
    return r->w->switches[0];
}

START_TEST(test_acl_vepa_denies_vm_to_vm)
{
    struct wt_run r = run_acl(true, deny_12);
    const struct flow_stats *f12 = &r.w->flows[0], *f21 = &r.w->flows[1];
    /* Every vm1 -> vm2 packet came up the cable and stopped at p1. */
    ck_assert_uint_eq(f12->delivered, 0);
    ck_assert_uint_eq(f12->drops.total, 20);
    ck_assert_uint_eq(vh_drops_get(&f12->drops, "acl-deny"), 20);
    /* The other way is not the rule's: it came back by the hairpin. */
    ck_assert_uint_eq(f21->delivered, 20);
    ck_assert_uint_eq(f21->drops.total, 0);
    ck_assert_uint_eq(tor1(&r)->acl.hits[0], 20);
    /* Counted at the port the frames came in by, and nowhere else. */
    ck_assert_uint_eq(wt_dev(r.w, "tor1/p1")->drops, 20);
    ck_assert_uint_eq(tor1(&r)->dev.drops, 0);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);
}
END_TEST

START_TEST(test_acl_veb_never_sees_vm_to_vm)
{
    /* The same rule behind a Linux bridge: br0 switches vm1 -> vm2 inside
     * host1, and the switch's ACL cannot stop what never reaches it. */
    struct wt_run r = run_acl(false, deny_12);
    ck_assert_uint_eq(r.w->flows[0].delivered, 20);
    ck_assert_uint_eq(r.w->flows[1].delivered, 20);
    ck_assert_uint_eq(tor1(&r)->acl.hits[0], 0);
    /* Only the ARP broadcasts the bridge flooded out of eth0 arrived,
     * and no rule matched them. */
    ck_assert_uint_gt(tor1(&r)->acl.dflt, 0);
    ck_assert_uint_eq(tor1(&r)->acl.dflt, tor1(&r)->dev.rx);
    ck_assert_uint_eq(wt_dev(r.w, "tor1/p1")->drops, 0);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);
}
END_TEST

/* The bytes the cables of host1's NICs carried, out and in, as the
 * report gives them. */
static void
uplink_bytes(const struct world *w, double *out, double *in)
{
    cJSON *rep = report_json(w, 0);
    const cJSON *h = cJSON_GetArrayItem(
        cJSON_GetObjectItemCaseSensitive(rep, "hosts"), 0);
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(h, "name")->valuestring,
                     "host1");
    *out = cJSON_GetObjectItemCaseSensitive(h, "uplink_tx_bytes")->valuedouble;
    *in = cJSON_GetObjectItemCaseSensitive(h, "uplink_rx_bytes")->valuedouble;
    ck_assert(cJSON_GetObjectItemCaseSensitive(h, "uplink_bytes")->valuedouble
              == *out + *in);
    cJSON_Delete(rep);
}

/* The chapter's first measurement: VM-to-VM traffic of one host crosses
 * the host's cable twice with VEPA (out, and back by the hairpin) and
 * never with a VEB; only the first ARP broadcast leaves a VEB host. */
START_TEST(test_uplink_bytes_vepa_twice_veb_never)
{
    double out, in;
    struct wt_run r = run_acl(true, "[]");
    const struct flow_stats *f12 = &r.w->flows[0], *f21 = &r.w->flows[1];
    ck_assert_uint_eq(f12->delivered + f21->delivered, 40);
    double data = 40.0 * f12->cfg->size;   /* Wire sizes, with the FCS. */
    uplink_bytes(r.w, &out, &in);
    ck_assert_msg(out >= data && in >= data, "VEPA: %.0f out, %.0f in for "
                  "%.0f bytes of VM-to-VM frames", out, in, data);
    /* Beyond the data, only the ARP exchanges: each VM's request and its
     * answer, minimum frames (64 bytes with the FCS), each way. */
    ck_assert_msg(out - data >= 64 && out - data <= 4 * 64
                  && fmod(out - data, 64) == 0 && in - data >= 64
                  && in - data <= 4 * 64 && fmod(in - data, 64) == 0,
                  "VEPA: %.0f out, %.0f in", out, in);
    wt_run_free(&r);

    r = run_acl(false, "[]");
    ck_assert_uint_eq(r.w->flows[0].delivered + r.w->flows[1].delivered, 40);
    uplink_bytes(r.w, &out, &in);
    ck_assert_msg(out + in <= 4 * 64, "VEB: %.0f out, %.0f in", out, in);
    wt_run_free(&r);
}
END_TEST

START_TEST(test_acl_first_match_decides)
{
    /* A permit before the deny wins... */
    struct wt_run r = run_acl(true,
        "[ { \"action\": \"permit\", \"src_ip\": \"10.0.0.0/24\" },"
        "  { \"action\": \"deny\", \"src_ip\": \"10.0.0.1\","
        "    \"proto\": \"udp\" } ]");
    ck_assert_uint_eq(r.w->flows[0].delivered, 20);
    ck_assert_uint_eq(tor1(&r)->acl.hits[0], 40);
    ck_assert_uint_eq(tor1(&r)->acl.hits[1], 0);
    wt_run_free(&r);

    /* ...and after it, loses. */
    r = run_acl(true,
        "[ { \"action\": \"deny\", \"src_ip\": \"10.0.0.1\","
        "    \"proto\": \"udp\" },"
        "  { \"action\": \"permit\", \"src_ip\": \"10.0.0.0/24\" } ]");
    ck_assert_uint_eq(r.w->flows[0].delivered, 0);
    ck_assert_uint_eq(r.w->flows[1].delivered, 20);
    ck_assert_uint_eq(tor1(&r)->acl.hits[0], 20);
    ck_assert_uint_eq(tor1(&r)->acl.hits[1], 20);
    wt_run_free(&r);
}
END_TEST

START_TEST(test_acl_in_port_and_default_deny)
{
    /* ARP passes; UDP only from port 1 to vm2's MAC; the catch-all
     * denies the rest: vm2's replies to vm1 as well. */
    struct wt_run r = run_acl(true,
        "[ { \"action\": \"permit\", \"proto\": \"arp\" },"
        "  { \"action\": \"permit\", \"in_port\": \"p1\","
        "    \"dst_mac\": \"52:54:00:00:00:02\" },"
        "  { \"action\": \"deny\" } ]");
    ck_assert_uint_eq(r.w->flows[0].delivered, 20);
    ck_assert_uint_eq(r.w->flows[1].delivered, 0);
    ck_assert_uint_eq(vh_drops_get(&r.w->flows[1].drops, "acl-deny"), 20);
    ck_assert_uint_eq(tor1(&r)->acl.hits[1], 20);
    ck_assert_uint_eq(tor1(&r)->acl.hits[2], 20);
    ck_assert_uint_eq(tor1(&r)->acl.dflt, 0);
    wt_run_free(&r);

    /* The same permit on port 2 (the remote's) lets nothing of host1's
     * through. */
    r = run_acl(true,
        "[ { \"action\": \"permit\", \"proto\": \"arp\" },"
        "  { \"action\": \"permit\", \"in_port\": 2 },"
        "  { \"action\": \"deny\" } ]");
    ck_assert_uint_eq(r.w->flows[0].delivered, 0);
    ck_assert_uint_eq(tor1(&r)->acl.hits[1], 0);
    ck_assert_uint_eq(tor1(&r)->acl.hits[2], 40);
    wt_run_free(&r);
}
END_TEST

START_TEST(test_acl_report)
{
    struct wt_run r = run_acl(true, deny_12);
    cJSON *rep = report_json(r.w, 0);
    const cJSON *sws = cJSON_GetObjectItemCaseSensitive(rep, "switches");
    ck_assert_int_eq(cJSON_GetArraySize(sws), 1);
    const cJSON *sw = cJSON_GetArrayItem(sws, 0);
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(sw, "name")
                     ->valuestring, "tor1");
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(sw, "mode")
                     ->valuestring, "vepa");
    const cJSON *rule = cJSON_GetArrayItem(
        cJSON_GetObjectItemCaseSensitive(sw, "acl"), 0);
    ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(rule, "rule")
                     ->valueint, 0);
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(rule, "action")
                     ->valuestring, "deny");
    ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(rule, "hits")
                     ->valueint, 20);
    cJSON_Delete(rep);

    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    report_print(r.w, f);
    fclose(f);
    ck_assert_msg(strstr(text, "\nSwitches\n  tor1: mode vepa, acl [ { "
                           "rule 0, action deny, hits 20 } ]"), "%s", text);
    free(text);
    wt_run_free(&r);

    /* Two rules: the list's items are separated as its keys are. */
    r = run_acl(true, "[ { \"action\": \"permit\", \"proto\": \"arp\" },"
                      "  { \"action\": \"deny\", \"src_ip\": \"10.0.0.1\" } ]");
    f = open_memstream(&text, &len);
    report_print(r.w, f);
    fclose(f);
    ck_assert_msg(strstr(text, "acl [ { rule 0, action permit, hits "),
                  "%s", text);
    ck_assert_msg(strstr(text, " }, { rule 1, action deny, hits 20 } ], "
                               "acl_default "), "%s", text);
    free(text);
    wt_run_free(&r);

    /* Without rules (nor reflections, nor VDP), no section: other
     * reports keep their bytes. */
    r = run_acl(false, "[]");
    rep = report_json(r.w, 0);
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(rep, "switches"));
    cJSON_Delete(rep);
    wt_run_free(&r);
}
END_TEST

static Suite *
acl_suite(void)
{
    Suite *s = suite_create("acl");
    TCase *tc = tcase_create("loader");
    tcase_add_loop_test(tc, test_acl_refusals, 0,
                        (int) (sizeof bad / sizeof bad[0]));
    tcase_add_test(tc, test_acl_loaded);
    suite_add_tcase(s, tc);
    tc = tcase_create("match");
    tcase_add_test(tc, test_acl_fields_match);
    tcase_add_test(tc, test_acl_arp_and_ip_fields);
    suite_add_tcase(s, tc);
    tc = tcase_create("runs");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_acl_vepa_denies_vm_to_vm);
    tcase_add_test(tc, test_acl_veb_never_sees_vm_to_vm);
    tcase_add_test(tc, test_uplink_bytes_vepa_twice_veb_never);
    tcase_add_test(tc, test_acl_first_match_decides);
    tcase_add_test(tc, test_acl_in_port_and_default_deny);
    tcase_add_test(tc, test_acl_report);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(acl_suite)
