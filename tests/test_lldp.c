/* tests/test_lldp.c: link discovery.
 *
 * LLDP and CDP frames read back as they were written, and a damaged one
 * is refused; on the shipped scenario Wireshark decodes them without a
 * finding (CDP's checksum good) and the report lists each NIC's
 * neighbour, and each switch port's, as lldpctl would; a VM's LLDP does
 * not cross a Linux bridge or OVS but does cross macvtap, which puts it
 * on the cable; and the same seed gives the same report. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "models/core/lldp.h"
#include "models/switch/l2switch.h"
#include "models/core/lldp_agent.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

static const struct lldp_local sw_port = {
    .chassis = { { 0x02, 0x5c, 0, 0, 0, 1 } },
    .system_name = "tor1",
    .port_mac = { { 0x02, 0x5c, 0, 0, 0, 2 } },
    .port_name = "p1",
    .port_id_name = true,
    .ttl = 120,
    .caps = LLDP_CAP_BRIDGE,
    .caps_enabled = LLDP_CAP_BRIDGE,
    .mgmt_ip = 0x0a000001,
    .ifindex = 2,
    .native_vlan = 1,
    .platform = "vhsim 802.1Q switch",
};

START_TEST(test_lldp_reads_back)
{
    uint8_t f[LLDP_FRAME_MAX];
    struct lldp_neighbor n;
    uint32_t len = lldp_build(f, &sw_port);
    ck_assert(lldp_is_lldp(f, len));
    ck_assert(!lldp_is_cdp(f, len));
    ck_assert(lldp_parse(f, len, &n));
    ck_assert_int_eq(n.proto, LLDP_PROTO_LLDP);
    ck_assert_str_eq(n.chassis_id, "mac 02:5c:00:00:00:01");
    ck_assert_str_eq(n.port_id, "ifname p1");
    ck_assert_str_eq(n.system_name, "tor1");
    ck_assert_str_eq(n.port_descr, "p1");
    ck_assert_uint_eq(n.ttl, 120);
    ck_assert_uint_eq(n.mgmt_ip, 0x0a000001);

    /* TTL before Port ID: the mandatory TLVs are out of order. */
    uint8_t g[LLDP_FRAME_MAX];
    memcpy(g, f, len);
    g[VH_ETH_HLEN + 9] = 3 << 1;
    ck_assert(!lldp_parse(g, len, &n));
    /* A length running past the frame. */
    memcpy(g, f, len);
    g[VH_ETH_HLEN + 1] = 0xff;
    ck_assert(!lldp_parse(g, len, &n));
}
END_TEST

START_TEST(test_cdp_reads_back_and_checks_its_checksum)
{
    uint8_t f[LLDP_FRAME_MAX];
    struct lldp_neighbor n;
    struct lldp_local l = sw_port;
    l.ttl = CDP_TTL_S;
    /* Names of both parities: the PDU stays even either way. */
    for (int odd = 0; odd < 2; odd++) {
        l.system_name = odd ? "tor12" : "tor1";
        uint32_t len = cdp_build(f, &l, CDP_CAP_SWITCH);
        ck_assert(lldp_is_cdp(f, len));
        ck_assert(!lldp_is_lldp(f, len));
        ck_assert_uint_eq(vh_get_be16(f + VH_ETH_TYPE_OFF) % 2, 0);
        ck_assert(lldp_parse(f, len, &n));
        ck_assert_int_eq(n.proto, LLDP_PROTO_CDP);
        ck_assert_str_eq(n.system_name, l.system_name);
        ck_assert_str_eq(n.port_id, "p1");
        ck_assert_uint_eq(n.ttl, 180);
        ck_assert_uint_eq(n.native_vlan, 1);
        ck_assert_str_eq(n.platform, "vhsim 802.1Q switch");
        ck_assert_uint_eq(n.mgmt_ip, 0x0a000001);
        f[len - 1] ^= 0x01;             /* One bit flipped. */
        ck_assert(!lldp_parse(f, len, &n));
    }
}
END_TEST

/* --- The shipped scenario. --- */

static char *
run_shipped(char **dir_out)
{
    char bin[4096], scn[4096], *out = NULL;
    ck_assert_ptr_nonnull(realpath(vh_test_bin(), bin));
    ck_assert_ptr_nonnull(realpath("scenarios/lldp-netflow.json", scn));
    char *dir = vh_test_tmpdir();
    int st = vh_test_sh(&out, "cd '%s' && '%s' run '%s' --json r.json",
                        dir, bin, scn);
    ck_assert_msg(st == 0, "vhsim run failed: %s", out);
    free(out);
    char path[4200];
    snprintf(path, sizeof path, "%s/r.json", dir);
    char *json = vh_test_slurp(path, NULL);
    ck_assert_ptr_nonnull(json);
    *dir_out = dir;
    return json;
}

static const cJSON *
named(const cJSON *list, const char *name)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, list) {
        const cJSON *n = cJSON_GetObjectItem(it, "name");
        if (!n) {
            n = cJSON_GetObjectItem(it, "port");
        }
        if (cJSON_IsString(n) && !strcmp(n->valuestring, name)) {
            return it;
        }
    }
    ck_abort_msg("no '%s'", name);
    return NULL;
}

static const char *
str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);
    ck_assert_msg(cJSON_IsString(v), "no string '%s'", key);
    return v->valuestring;
}

/* The one neighbour of 'nbrs' speaking 'proto'. */
static const cJSON *
by_proto(const cJSON *nbrs, const char *proto)
{
    const cJSON *it, *found = NULL;
    cJSON_ArrayForEach(it, nbrs) {
        if (!strcmp(str(it, "protocol"), proto)) {
            ck_assert_ptr_null(found);
            found = it;
        }
    }
    ck_assert_msg(found != NULL, "no %s neighbour", proto);
    return found;
}

START_TEST(test_report_lists_neighbors)
{
    char *dir;
    char *json = run_shipped(&dir);
    cJSON *r = cJSON_Parse(json);
    const cJSON *hosts = cJSON_GetObjectItem(r, "hosts");
    static const struct { const char *host, *nic, *port; } want[] = {
        { "host1", "eth0", "p1" }, { "host1", "eth1", "p3" },
        { "mon", "eth0", "p2" },
    };
    for (size_t i = 0; i < 3; i++) {
        const cJSON *nic = named(cJSON_GetObjectItem(named(hosts,
                                 want[i].host), "nics"), want[i].nic);
        const cJSON *nbrs = cJSON_GetObjectItem(nic, "neighbors");
        ck_assert_int_eq(cJSON_GetArraySize(nbrs), 2);
        const cJSON *l = by_proto(nbrs, "LLDP"), *c = by_proto(nbrs, "CDP");
        char port[32];
        snprintf(port, sizeof port, "ifname %s", want[i].port);
        ck_assert_str_eq(str(l, "chassis"), "tor1");
        ck_assert_str_eq(str(l, "port"), port);
        ck_assert_int_eq(cJSON_GetObjectItem(l, "ttl")->valueint, 120);
        ck_assert_str_eq(str(c, "chassis"), "tor1");
        ck_assert_str_eq(str(c, "port"), want[i].port);
        ck_assert_int_eq(cJSON_GetObjectItem(c, "ttl")->valueint, 180);
    }
    /* The switch's side: each port sees the host and NIC cabled to it,
     * and vm1's LLDPDU never arrives (OVS drops it). */
    const cJSON *sw = named(cJSON_GetObjectItem(r, "switches"), "tor1");
    const cJSON *disc = cJSON_GetObjectItem(sw, "discovery");
    static const struct { const char *port, *host, *nic; } far[] = {
        { "p1", "host1", "eth0" }, { "p2", "mon", "eth0" },
        { "p3", "host1", "eth1" },
    };
    ck_assert_int_eq(cJSON_GetArraySize(disc), 3);
    for (size_t i = 0; i < 3; i++) {
        const cJSON *nbrs = cJSON_GetObjectItem(named(disc, far[i].port),
                                                "neighbors");
        ck_assert_int_eq(cJSON_GetArraySize(nbrs), 1);
        const cJSON *l = by_proto(nbrs, "LLDP");
        ck_assert_str_eq(str(l, "chassis"), far[i].host);
        ck_assert_str_eq(str(l, "port_descr"), far[i].nic);
        ck_assert(!strncmp(str(l, "port"), "mac ", 4));
    }
    cJSON_Delete(r);
    free(json);
    vh_test_sh(NULL, "rm -r '%s'", dir);
    free(dir);
}
END_TEST

START_TEST(test_tshark_decodes_lldp_and_cdp)
{
    vh_tshark_require();
    char *dir;
    free(run_shipped(&dir));
    char pcap[4200];
    snprintf(pcap, sizeof pcap, "%s/traces/lldp-netflow-uplink.pcap", dir);
    vh_tshark_assert_clean(pcap);
    /* tor1's LLDPDU, its CDP frame (checksum good: 1), host1's LLDPDU. */
    vh_tshark_expect(pcap, 1, "-e lldp.chassis.id.mac -e lldp.port.id "
                     "-e lldp.time_to_live -e lldp.tlv.system.name",
                     "02:5c:78:8f:8f:a9\tp1\t120\ttor1\n");
    vh_tshark_expect(pcap, 2, "-e llc.oui -e cdp.version -e cdp.ttl "
                     "-e cdp.checksum.status -e cdp.deviceid -e cdp.portid "
                     "-e cdp.native_vlan",
                     "12\t2\t180\t1\ttor1\tp1\t1\n");
    vh_tshark_expect(pcap, 3, "-e eth.dst -e lldp.tlv.system.name "
                     "-e lldp.port.desc -e lldp.mgn.addr.ip4",
                     "01:80:c2:00:00:0e\thost1\teth0\t10.0.0.100\n");
    vh_test_sh(NULL, "rm -r '%s'", dir);
    free(dir);
}
END_TEST

START_TEST(test_same_seed_same_report)
{
    char *d1, *d2;
    char *a = run_shipped(&d1), *b = run_shipped(&d2);
    char *sa = strstr(a, "\"wall_s\""), *sb = strstr(b, "\"wall_s\"");
    if (sa && sb) {                     /* The one key that may differ. */
        *sa = *sb = '\0';
    }
    ck_assert_str_eq(a, b);
    ck_assert_int_eq(vh_test_sh(NULL, "cmp -s '%s/traces/lldp-netflow-"
                                "uplink.pcap' '%s/traces/lldp-netflow-"
                                "uplink.pcap'", d1, d2), 0);
    free(a);
    free(b);
    vh_test_sh(NULL, "rm -r '%s' '%s'", d1, d2);
    free(d1);
    free(d2);
}
END_TEST

/* --- What a vswitch does with a VM's LLDPDU. --- */

/* vm1 on host h, attached as 'ATTACH', sends LLDP; the switch listens. */
#define VM_LLDP(ATTACH, BRIDGES)                                          \
    "{\"duration\": \"1ms\", \"hosts\": [{\"name\": \"h\", \"nics\": ["  \
    "{\"name\": \"eth0\", \"link\": \"sw/p1\"}], \"bridges\": ["         \
    BRIDGES "], \"vms\": [{\"name\": \"vm1\", \"nics\": [{\"name\": "   \
    "\"eth0\", \"ip\": \"10.0.0.1/24\", \"lldp\": true, \"attach\": "    \
    ATTACH "}]}]}], \"switches\": [{\"name\": \"sw\", \"ports\": 2, "     \
    "\"lldp\": true}]}"

static size_t
switch_neighbors(const char *json, const char *port)
{
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    struct vh_device *d = wt_dev(r.w, port);
    struct swport *sp = VH_CONTAINER_OF(d, struct swport, dev);
    const struct lldp_entry *e[4];
    ck_assert_ptr_nonnull(sp->disc);
    size_t n = lldp_agent_neighbors(sp->disc, e, 4);
    if (n) {
        ck_assert_str_eq(e[0]->n.system_name, "vm1");
    }
    wt_run_free(&r);
    return n;
}

START_TEST(test_bridges_keep_lldp_macvtap_does_not)
{
    ck_assert_uint_eq(switch_neighbors(VM_LLDP(
        "{\"type\": \"bridge\", \"to\": \"br0\"}",
        "{\"name\": \"br0\", \"type\": \"linux-bridge\", \"ports\": "
        "[\"eth0\"]}"), "sw/p1"), 0);
    ck_assert_uint_eq(switch_neighbors(VM_LLDP(
        "{\"type\": \"ovs\", \"to\": \"br0\"}",
        "{\"name\": \"br0\", \"type\": \"ovs\", \"ports\": [\"eth0\"]}"),
        "sw/p1"), 0);
    ck_assert_uint_eq(switch_neighbors(VM_LLDP(
        "{\"type\": \"macvtap\", \"to\": \"eth0\", \"mode\": \"bridge\"}",
        ""), "sw/p1"), 1);
}
END_TEST

START_TEST(test_refusals)
{
    char *m = wt_refusal(
        "{\"duration\": \"1ms\", \"hosts\": [{\"name\": \"h\", \"nics\": "
        "[{\"name\": \"eth0\", \"link\": \"sw/p1\"}]}], \"switches\": "
        "[{\"name\": \"sw\", \"mode\": \"vntag\", \"ports\": 2, "
        "\"cdp\": true}]}", NULL);
    ck_assert_ptr_nonnull(strstr(m, "switches[0].cdp: not supported yet: "
                                 "CDP on a switch of mode 'vntag'"));
    free(m);
    m = wt_refusal("{\"duration\": \"1ms\", \"hosts\": [{\"name\": \"h\", "
                   "\"nics\": [{\"name\": \"eth0\", \"lldp\": 1}]}]}", NULL);
    ck_assert_ptr_nonnull(strstr(m, "hosts[0].nics[0].lldp"));
    free(m);
}
END_TEST

static Suite *
lldp_suite(void)
{
    Suite *s = suite_create("lldp");
    TCase *tc = tcase_create("wire");
    tcase_add_test(tc, test_lldp_reads_back);
    tcase_add_test(tc, test_cdp_reads_back_and_checks_its_checksum);
    suite_add_tcase(s, tc);
    tc = tcase_create("world");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_report_lists_neighbors);
    tcase_add_test(tc, test_tshark_decodes_lldp_and_cdp);
    tcase_add_test(tc, test_same_seed_same_report);
    tcase_add_test(tc, test_bridges_keep_lldp_macvtap_does_not);
    tcase_add_test(tc, test_refusals);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(lldp_suite)
