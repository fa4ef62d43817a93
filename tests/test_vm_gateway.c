/* tests/test_vm_gateway.c: a VM NIC's "gateway".
 *
 *   - a VM behind a Linux bridge in rack 1 reaches a host in rack 2
 *     through a router: it asks ARP for its gateway, its packets leave
 *     for the router's MAC, and arrive routed once (TTL 63), as tshark
 *     reads them on both sides;
 *   - the same across the shipped leaf-spine fabric (leaf, spine, leaf);
 *   - without the gateway the loader says why the flow cannot go;
 *   - a gateway off the NIC's subnet, the NIC's own address, or on a NIC
 *     of attach type nat (whose gateway is libvirt's) is refused, naming
 *     the JSON path. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/world.h"
#include "sim/capture.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* host1 (eth0 in br0, no address of its own) with vm1 (10.0.1.20/24,
 * then GATEWAY and ATTACH) on rack 1's subnet; h2 on rack 2's,
 * 10.0.2.0/24; the router r1 between them.  Single quotes stand for
 * double ones. */
static const char world_fmt[] =
    "{'duration': '3ms',"
    " 'hosts': ["
    "  {'name': 'host1', 'cpu': {'cores': 4},"
    "   'nics': [{'name': 'eth0', 'model': '82599', 'link': 'r1/p1'%s}],"
    "   'bridges': [{'name': 'br0', 'type': 'linux-bridge',"
    "                'ports': ['eth0']}],"
    "   'vms': [{'name': 'vm1', 'pin': [2], 'nics': [{'name': 'eth0',"
    "     'mac': '52:54:00:00:00:14', 'ip': '10.0.1.20/24'%s,"
    "     'attach': %s}]}]},"
    "  {'name': 'h2', 'nics': [{'name': 'eth0', 'link': 'r1/p2',"
    "    'mac': '02:00:00:00:02:14', 'ip': '10.0.2.20/24',"
    "    'gateway': '10.0.2.1'}]}],"
    " 'switches': [{'name': 'r1', 'mode': 'router', 'ports': 4,"
    "   'interfaces': [{'port': 'p1', 'ip': '10.0.1.1/24'},"
    "                  {'port': 'p2', 'ip': '10.0.2.1/24'}]}],"
    " 'traffic': ["
    "  {'name': 'ping', 'from': 'host1/vm1', 'to': 'h2', 'proto': 'icmp',"
    "   'rate': '100kpps', 'count': 10, 'start': '10us'},"
    "  {'name': 'in', 'from': 'h2', 'to': 'host1/vm1',"
    "   'rate': '100kpps', 'count': 10, 'start': '500us'}]}";

#define BRIDGED "{'type': 'bridge', 'to': 'br0'}"
#define GW(IP) ", 'gateway': '" IP "'"

static char *
world_json(const char *nic_extra, const char *gateway, const char *attach)
{
    size_t n = sizeof world_fmt + strlen(nic_extra) + strlen(gateway)
               + strlen(attach);
    char *json = malloc(n);
    ck_assert_ptr_nonnull(json);
    snprintf(json, n, world_fmt, nic_extra, gateway, attach);
    for (char *p = json; *p; p++) {
        *p = *p == '\'' ? '"' : *p;
    }
    return json;
}

/* The distinct lines tshark prints of 'file' for 'filter' and 'fields'. */
static void
expect_fields(const char *file, const char *filter, const char *fields,
              const char *want)
{
    char *got = NULL;
    vh_test_sh(&got, "tshark -r %s -T fields %s -Y '%s' 2>/dev/null "
               "| sort -u", file, fields, filter);
    ck_assert_msg(!strcmp(got, want), "%s, filter '%s': got '%s', want "
                  "'%s'", file, filter, got, want);
    free(got);
}

START_TEST(test_vm_reaches_another_rack)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    char up[512], far[512];
    snprintf(up, sizeof up, "%s/host1.pcap", dir);
    snprintf(far, sizeof far, "%s/h2.pcap", dir);
    struct wt_caps cc = { { "host1/eth0", "h2/eth0" }, { up, far }, NULL };
    char *json = world_json("", GW("10.0.1.1"), BRIDGED);
    struct wt_run r = wt_run_json(json, NULL, wt_caps_open, &cc);
    free(json);
    wt_caps_commit(&cc);
    vh_tshark_assert_clean(up);
    vh_tshark_assert_clean(far);
    ck_assert_uint_eq(r.w->flows[0].delivered, 10);
    ck_assert_uint_eq(r.w->flows[1].delivered, 10);
    wt_assert_conserved(r.w, true);

    /* The guest asks for its gateway, and only for it... */
    expect_fields(up, "arp.opcode == 1 && arp.src.proto_ipv4 == 10.0.1.20",
                  "-e arp.dst.proto_ipv4", "10.0.1.1\n");
    /* ...and sends its echo requests to the router's MAC, which is the
     * one that answered. */
    char *rmac = NULL;
    vh_test_sh(&rmac, "tshark -r %s -T fields -e arp.src.hw_mac -Y "
               "'arp.opcode == 2 && arp.src.proto_ipv4 == 10.0.1.1' "
               "2>/dev/null | sort -u", up);
    ck_assert_uint_eq(strlen(rmac), 18);
    char want[64];
    snprintf(want, sizeof want, "%.17s\t64\n", rmac);
    free(rmac);
    expect_fields(up, "icmp.type == 8 && eth.src == 52:54:00:00:00:14",
                  "-e eth.dst -e ip.ttl", want);
    /* In rack 2 they arrive routed once. */
    expect_fields(far, "icmp.type == 8", "-e ip.src -e ip.dst -e ip.ttl",
                  "10.0.1.20\t10.0.2.20\t63\n");
    /* The way back: h2's packets reach the guest through the same router. */
    expect_fields(up, "udp && ip.dst == 10.0.1.20",
                  "-e ip.src -e ip.ttl", "10.0.2.20\t63\n");
    wt_run_free(&r);
    free(dir);
}
END_TEST

START_TEST(test_vm_without_gateway_refused)
{
    char *json = world_json("", "", BRIDGED);
    char *msg = wt_refusal(json, NULL);
    ck_assert_str_eq(msg, "traffic[0].to: 'h2' (10.0.2.20) is not in the "
                     "subnet of 'host1/vm1' (10.0.1.20/24), which has no "
                     "gateway; a flow between subnets goes through a router "
                     "(a switch of mode router holding the sender's "
                     "\"gateway\") or a NAT network's host (attach type "
                     "'nat')");
    free(msg);
    free(json);
}
END_TEST

/* 'json' (freed) with the first 'from' replaced by 'to'. */
static char *
sub(char *json, const char *from, const char *to)
{
    char *at = strstr(json, from);
    ck_assert_msg(at != NULL, "'%s' not in the scenario", from);
    size_t n = strlen(json) - strlen(from) + strlen(to) + 1;
    char *r = malloc(n);
    ck_assert_ptr_nonnull(r);
    snprintf(r, n, "%.*s%s%s", (int) (at - json), json, to,
             at + strlen(from));
    free(json);
    return r;
}

/* The shipped leaf-spine fabric with a VM behind a Linux bridge on h11
 * (rack 1), GATEWAY its NIC's extra keys, pinging h21 in rack 2 across
 * leaf1, a spine and leaf2. */
static char *
leaf_spine_vm(const char *gateway)
{
    char *json = vh_test_slurp("scenarios/leaf-spine.json", NULL);
    ck_assert_ptr_nonnull(json);
    char vm[512];
    snprintf(vm, sizeof vm, "\"link\": \"leaf1/p1\" } ],"
             " \"bridges\": [ { \"name\": \"br0\", \"type\": "
             "\"linux-bridge\", \"ports\": [\"eth0\"] } ],"
             " \"vms\": [ { \"name\": \"vm1\", \"pin\": [2],"
             " \"nics\": [ { \"name\": \"eth0\", \"ip\": "
             "\"192.168.1.20/25\"%s, \"attach\": { \"type\": "
             "\"bridge\", \"to\": \"br0\" } } ] } ] }", gateway);
    json = sub(json, "\"link\": \"leaf1/p1\" } ] }", vm);
    return sub(json, "\"traffic\": [",
               "\"traffic\": [ { \"name\": \"vmping\", \"from\": "
               "\"h11/vm1\", \"to\": \"h21\", \"proto\": \"icmp\","
               " \"rate\": \"10kpps\", \"count\": 10 },");
}

START_TEST(test_vm_across_the_leaf_spine)
{
    char *json = leaf_spine_vm(", \"gateway\": \"192.168.1.1\"");
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    free(json);
    const struct flow_stats *fs = &r.w->flows[0];
    ck_assert_str_eq(fs->cfg->name, "vmping");
    ck_assert_uint_eq(fs->delivered, 10);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);

    json = leaf_spine_vm("");
    char *msg = wt_refusal(json, NULL);
    ck_assert_msg(strstr(msg, "traffic[0].to: 'h21' (192.168.2.10) is not "
                         "in the subnet of 'h11/vm1' (192.168.1.20/25), "
                         "which has no gateway") == msg, "%s", msg);
    free(msg);
    free(json);
}
END_TEST

static const struct {
    const char *nic_extra, *gateway, *attach, *want;
} refusals[] = {
    { "", GW("10.0.2.1"), BRIDGED,
      "hosts[0].vms[0].nics[0].gateway: the gateway 10.0.2.1 must be "
      "another address in the NIC's subnet 10.0.1.0/24" },
    { "", GW("10.0.1.20"), BRIDGED,
      "hosts[0].vms[0].nics[0].gateway: the gateway 10.0.1.20 must be "
      "another address in the NIC's subnet 10.0.1.0/24" },
    { "", GW("10.0.1"), BRIDGED,
      "hosts[0].vms[0].nics[0].gateway: malformed IPv4 address '10.0.1' "
      "(expected a dotted quad such as \"10.0.0.1\")" },
    { ", 'ip': '10.0.1.10/24'", GW("10.0.1.1"), "{'type': 'nat'}",
      "hosts[0].vms[0].nics[0].gateway: a NIC of attach type nat has "
      "libvirt's gateway, the host's address on virbr0; leave \"gateway\" "
      "out" },
};

START_TEST(test_vm_gateway_refusals)
{
    char *json = world_json(refusals[_i].nic_extra, refusals[_i].gateway,
                            refusals[_i].attach);
    char *msg = wt_refusal(json, NULL);
    ck_assert_str_eq(msg, refusals[_i].want);
    free(msg);
    free(json);
}
END_TEST

static Suite *
vm_gateway_suite(void)
{
    Suite *s = suite_create("vm_gateway");
    TCase *tc = tcase_create("gateway");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_vm_reaches_another_rack);
    tcase_add_test(tc, test_vm_without_gateway_refused);
    tcase_add_test(tc, test_vm_across_the_leaf_spine);
    tcase_add_loop_test(tc, test_vm_gateway_refusals, 0,
                        (int) (sizeof refusals / sizeof refusals[0]));
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(vm_gateway_suite)
