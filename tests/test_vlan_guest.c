/* tests/test_vlan_guest.c: VLAN subinterfaces in guests ("vlans" on a VM
 * NIC), for a VM on a trunk port of Open vSwitch or of a Linux bridge
 * with VLAN filtering (trunk mode to a VM).
 *
 * The VM talks on two VLANs to a peer in each: its frames carry their
 * tags on its NIC, as tshark reads them, and each subinterface takes in
 * only its VLAN; a VLAN the trunk carries and the guest has no
 * subinterface for is dropped there ("no-vlan-interface").  The guest
 * moves the tag in the frame's bytes (no VLAN offload), which costs it
 * exactly that primitive each way and one more generic receive.  The
 * shipped scenario (scenarios/vlan-trunk-vm.json) does what its
 * description says.  The loader's refusals name their JSON paths and exit
 * with status 2. */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/host.h"
#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "models/endpoint/vlanif.h"
#include "sim/stats.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* Host h's bridge br0 (Open vSwitch, or a Linux bridge with VLAN
 * filtering); vm1, a router VM, on a trunk of VLANs 10, 20 and 30 with
 * subinterfaces in 10 and 20; vm2 in access VLAN 10, vm3 in 20, vm4 and
 * vm5 in 30.  '%s' after the bridge: its type and options; then vm1's
 * NIC; then the traffic. */
static const char trunk_fmt[] =
    "{'name': 'gvlan', 'duration': '20ms', 'hosts': [{'name': 'h',"
    " 'bridges': [{'name': 'br0', %s}], 'vms': ["
    " {'name': 'vm1', 'nics': [%s]},"
    " {'name': 'vm2', 'nics': [{'name': 'eth0', 'ip': '10.10.0.2/24',"
    "   'attach': {'type': '%s', 'to': 'br0', 'vlan': 10}}]},"
    " {'name': 'vm3', 'nics': [{'name': 'eth0', 'ip': '10.20.0.3/24',"
    "   'attach': {'type': '%s', 'to': 'br0', 'vlan': 20}}]},"
    " {'name': 'vm4', 'nics': [{'name': 'eth0', 'ip': '10.30.0.4/24',"
    "   'attach': {'type': '%s', 'to': 'br0', 'vlan': 30}}]},"
    " {'name': 'vm5', 'nics': [{'name': 'eth0', 'ip': '10.30.0.5/24',"
    "   'attach': {'type': '%s', 'to': 'br0', 'vlan': 30}}]}]}],"
    " 'traffic': [%s]}";

/* vm1's NIC on the trunk, with its two subinterfaces. */
#define TRUNK_NIC(AT)                                                    \
    "{'name': 'eth0', 'ip': '10.0.0.1/24', 'attach': {'type': '" AT "',"  \
    " 'to': 'br0', 'trunks': [10, 20, 30]}, 'vlans': ["                  \
    " {'id': 10, 'ip': '10.10.0.1/24'}, {'id': 20, 'ip': '10.20.0.1/24'}]}"

static char *
scenario(bool ovs, const char *vm1_nic, const char *traffic)
{
    const char *at = ovs ? "ovs" : "bridge";
    const char *br = ovs ? "'type': 'ovs'"
                         : "'type': 'linux-bridge', 'vlan_filtering': true";
    size_t n = sizeof trunk_fmt + strlen(br) + strlen(vm1_nic)
               + strlen(traffic) + 4 * 8;
    char *s = malloc(n);
    snprintf(s, n, trunk_fmt, br, vm1_nic, at, at, at, at, traffic);
    char *json = vh_test_dq(s);
    free(s);
    return json;
}

static const char two_vlans[] =
    "{'name': 'to10', 'from': 'h/vm2', 'to': 'h/vm1/eth0.10',"
    " 'rate': '10kpps', 'count': 10},"
    "{'name': 'from10', 'from': 'h/vm1/eth0.10', 'to': 'h/vm2',"
    " 'rate': '10kpps', 'count': 5, 'start': '2ms'},"
    "{'name': 'ping20', 'from': 'h/vm1/eth0.20', 'to': 'h/vm3',"
    " 'proto': 'icmp', 'rate': '10kpps', 'count': 4},"
    "{'name': 'in30', 'from': 'h/vm4', 'to': 'h/vm5',"
    " 'rate': '10kpps', 'count': 3}";

/* Every frame of 'pcap' that 'filter' keeps, as the fields of 'list'. */
static char *
frames(const char *pcap, const char *filter, const char *list)
{
    char args[512];
    snprintf(args, sizeof args, "-Y '%s' -T fields %s", filter, list);
    return vh_tshark_out(pcap, args);
}

static char *
repeat(const char *line, int n)
{
    /* Room for the terminator even when n is 0 (an empty answer). */
    char *s = calloc((size_t) n * strlen(line) + 1, 1);
    for (int i = 0; i < n; i++) {
        strcat(s, line);
    }
    return s;
}

static void
expect_frames(const char *pcap, const char *filter, const char *list,
              const char *line, int n)
{
    char *got = frames(pcap, filter, list);
    char *want = repeat(line, n);
    ck_assert_msg(!strcmp(got, want), "%s:\n got: '%s'\nwant: '%s'", filter,
                  got, want);
    free(got);
    free(want);
}

/* UDP both ways on VLAN 10 and a ping on VLAN 20, from the VM's two
 * subinterfaces to its two peers; on the VM's NIC every frame carries
 * its VLAN's tag, the guest answers ARP in the VLAN it was asked in, and
 * VLAN 30's frames, which the trunk carries, die in the guest for want
 * of a subinterface. */
START_TEST(test_guest_vlans_on_trunk)
{
    vh_tshark_require();
    bool ovs = _i == 1;
    char *json = scenario(ovs, ovs ? TRUNK_NIC("ovs") : TRUNK_NIC("bridge"),
                          two_vlans);
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    for (int i = 0; i < 4; i++) {
        ck_assert_msg(r.w->flows[i].delivered == r.w->flows[i].sent
                      && r.w->flows[i].sent > 0, "flow %d: %llu of %llu", i,
                      (unsigned long long) r.w->flows[i].delivered,
                      (unsigned long long) r.w->flows[i].sent);
    }
    wt_assert_conserved(r.w, true);
    struct vlanif *v10 = VH_CONTAINER_OF(wt_dev(r.w, "h/vm1/eth0.10"),
                                         struct vlanif, dev);
    struct vlanif *v20 = VH_CONTAINER_OF(wt_dev(r.w, "h/vm1/eth0.20"),
                                         struct vlanif, dev);
    /* Ten datagrams and vm2's ARP request in; five datagrams and the ARP
     * reply out (the request taught the guest vm2's MAC).  Four echo
     * requests and their ARP request out, the replies and an ARP reply
     * in. */
    ck_assert_uint_eq(v10->dev.rx, 11);
    ck_assert_uint_eq(v10->dev.tx, 6);
    ck_assert_uint_eq(v20->dev.tx, 5);
    ck_assert_uint_eq(v20->dev.rx, 5);
    /* vm4's ARP broadcast reached vm1 tagged 30, and stopped there. */
    const struct vh_device *nic = wt_dev(r.w, "h/vm1/eth0");
    ck_assert_ptr_nonnull(nic->drop_reasons);
    ck_assert_uint_eq(vh_drops_get(nic->drop_reasons, "no-vlan-interface"),
                      1);
    wt_run_free(&r);

    /* The same, captured on the VM's NIC by the command line. */
    char *with_cap = malloc(strlen(json) + 128);
    strcpy(with_cap, json);
    strcpy(with_cap + strlen(with_cap) - 1,
           ", \"capture\": [{\"point\": \"h/vm1/eth0\", "
           "\"file\": \"vm1.pcap\"}]}");
    char *dir = vh_test_run_scenario(with_cap, "");
    char pcap[PATH_MAX];
    snprintf(pcap, sizeof pcap, "%s/vm1.pcap", dir);
    vh_tshark_assert_clean(pcap);
    expect_frames(pcap, "udp && ip.dst == 10.10.0.1", "-e vlan.id", "10\n",
                  10);
    expect_frames(pcap, "udp && ip.src == 10.10.0.1", "-e vlan.id", "10\n",
                  5);
    expect_frames(pcap, "icmp.type == 8", "-e vlan.id -e ip.src",
                  "20\t10.20.0.1\n", 4);
    expect_frames(pcap, "icmp.type == 0", "-e vlan.id -e ip.src",
                  "20\t10.20.0.3\n", 4);
    expect_frames(pcap, "arp.opcode == 2 && arp.src.proto_ipv4 == 10.10.0.1",
                  "-e vlan.id", "10\n", 1);
    expect_frames(pcap, "arp.src.proto_ipv4 == 10.30.0.4", "-e vlan.id",
                  "30\n", 1);
    /* Nothing left the VM untagged. */
    expect_frames(pcap, "!vlan", "-e frame.number", "", 0);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
    free(with_cap);
    free(json);
}
END_TEST

/* The guest's drivers offer no VLAN offload, so its 8021q moves the tag
 * in the frame's bytes: against the same VM on an access port of VLAN 10
 * with that address untagged, each frame the subinterface receives costs
 * the guest one vlan_tag_sw and one more netif_receive, and each it sends
 * one vlan_tag_sw. */
START_TEST(test_guest_vlan_costs)
{
    bool ovs = _i == 1;
    const char *traffic =
        "{'name': 'to10', 'from': 'h/vm2', 'to': 'h/vm1', 'rate': '10kpps',"
        " 'count': 10}";
    char nic[512];
    snprintf(nic, sizeof nic,
             "{'name': 'eth0', 'ip': '10.10.0.1/24', 'attach': {'type': "
             "'%s', 'to': 'br0', 'vlan': 10}}", ovs ? "ovs" : "bridge");
    char *plain = scenario(ovs, nic, traffic);
    char *trunk = scenario(ovs, ovs ? TRUNK_NIC("ovs") : TRUNK_NIC("bridge"),
                           "{'name': 'to10', 'from': 'h/vm2', 'to': "
                           "'h/vm1/eth0.10', 'rate': '10kpps', 'count': 10}");
    struct wt_run a = wt_run_json(plain, NULL, NULL, NULL);
    struct wt_run b = wt_run_json(trunk, NULL, NULL, NULL);
    ck_assert_uint_eq(a.w->flows[0].delivered, 10);
    ck_assert_uint_eq(b.w->flows[0].delivered, 10);
    uint64_t pa = wt_cat_cycles(wt_host(a.w, "h"), CPU_GUEST);
    uint64_t pb = wt_cat_cycles(wt_host(b.w, "h"), CPU_GUEST);
    uint64_t tag = b.w->costs.v[COST_VLAN_TAG_SW].cyc;
    uint64_t rx = b.w->costs.v[COST_NETIF_RECEIVE].cyc;
    /* In: ten datagrams and the ARP request; out: the ARP reply. */
    ck_assert_uint_eq(pb - pa, 11 * (tag + rx) + 1 * tag);
    wt_run_free(&a);
    wt_run_free(&b);
    free(plain);
    free(trunk);
}
END_TEST

/* The shipped scenario says what its description says: every flow
 * delivered to and from the router VM's two subinterfaces, and lab1's
 * one ARP request of VLAN 30 dropped in the guest. */
START_TEST(test_guest_vlan_shipped)
{
    size_t len;
    char *json = vh_test_slurp("scenarios/vlan-trunk-vm.json", &len);
    ck_assert_ptr_nonnull(json);
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    for (size_t i = 0; i < r.w->n_flows; i++) {
        ck_assert_uint_gt(r.w->flows[i].sent, 0);
        ck_assert_uint_eq(r.w->flows[i].delivered, r.w->flows[i].sent);
    }
    wt_assert_conserved(r.w, true);
    const struct vh_device *nic = wt_dev(r.w, "host1/gw/eth0");
    ck_assert_uint_eq(nic->drops, 1);
    ck_assert_uint_eq(vh_drops_get(nic->drop_reasons, "no-vlan-interface"),
                      1);
    wt_run_free(&r);
    free(json);
}
END_TEST

/* vm1's subinterface in VLAN 10 and the remote's, across two bridges
 * that pass tagged frames as they are; vm1 migrates from host1 to host2
 * at 5 ms with a 2 ms downtime. */
static const char migration_fmt[] =
    "{'name': 'mig', 'duration': '20ms', 'hosts': ["
    " {'name': 'host1', 'nics': [{'name': 'eth0', 'link': 'tor1/p1'}],"
    "  'bridges': [{'name': 'br0', 'ports': ['eth0']}],"
    "  'vms': [{'name': 'vm1', 'vcpus': 1, 'nics': [{'name': 'eth0',"
    "   'ip': '10.0.0.1/24', 'attach': {'type': 'bridge', 'to': 'br0'},"
    "   'vlans': [{'id': 10, 'ip': '10.10.0.1/24'}]}]}]},"
    " {'name': 'host2', 'nics': [{'name': 'eth0', 'link': 'tor1/p3'}],"
    "  'bridges': [{'name': 'br0', 'ports': ['eth0']}]},"
    " {'name': 'remote', 'nics': [{'name': 'eth0', 'ip': '10.0.0.100/24',"
    "   'link': 'tor1/p2', 'vlans': [{'id': 10, 'ip': '10.10.0.100/24'}]}]}],"
    " 'switches': [{'name': 'tor1', 'ports': 4}],"
    " 'traffic': ["
    "  {'name': 'in', 'from': 'remote/eth0.10', 'to': 'host1/vm1/eth0.10',"
    "   'rate': '100kpps', 'start': '100us', 'duration': '15ms'},"
    "  {'name': 'out', 'from': 'host1/vm1/eth0.10', 'to': 'remote/eth0.10',"
    "   'rate': '50kpps', 'start': '100us', 'duration': '15ms'}],"
    " 'events': [{'at': '5ms', 'action': 'migrate', 'target': 'host1/vm1',"
    "  'to': 'host2', 'downtime': '2ms'}]}";

/* The guest's subinterface migrates with its NIC: it sends nothing
 * while the VM is stopped, then sends and receives from host2, on
 * host2's cores. */
START_TEST(test_guest_vlan_migrates)
{
    char *json = vh_test_dq(migration_fmt);
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    const struct flow_stats *in = &r.w->flows[0], *out = &r.w->flows[1];
    struct host *h2 = wt_host(r.w, "host2");
    ck_assert_uint_eq(h2->n_vms, 1);
    /* 50 kpps for 15 ms less the 2 ms downtime: about 650. */
    ck_assert_uint_le(out->sent, 750 - 80);
    ck_assert_uint_ge(out->sent, 750 - 120);
    ck_assert_uint_eq(out->drops.total, 0);
    ck_assert_uint_gt(in->last_delivered, 14 * VH_MS);
    ck_assert_uint_gt(out->last_delivered, 14 * VH_MS);
    struct vlanif *v = VH_CONTAINER_OF(wt_dev(r.w, "host1/vm1/eth0.10"),
                                       struct vlanif, dev);
    ck_assert_ptr_eq(v->ep->host, h2);
    ck_assert_uint_gt(wt_cat_cycles(h2, CPU_GUEST), 0);
    wt_run_free(&r);
    free(json);
}
END_TEST

/* --- The loader. --- */

#define VM(VLANS)                                                       \
    "{'hosts': [{'name': 'h', 'bridges': [{'name': 'br0', 'type': "     \
    "'ovs'}], 'vms': [{'name': 'vm1', 'nics': [{'name': 'eth0', 'ip': " \
    "'10.0.0.1/24', 'attach': {'type': 'ovs', 'to': 'br0', 'trunks': "  \
    "[10, 20]}, 'vlans': " VLANS "}]}]}]}"

static const struct {
    const char *json;
    const char *msg;
} bad[] = {
    { VM("[{'id': 4095, 'ip': '10.1.0.1/24'}]"),
      "hosts[0].vms[0].nics[0].vlans[0].id: 4095 is out of range; expected "
      "1 to 4094 (VLAN IDs 0 and 4095 are reserved)" },
    { VM("[{'id': 0, 'ip': '10.1.0.1/24'}]"),
      "hosts[0].vms[0].nics[0].vlans[0].id: 0 is out of range" },
    { VM("[{'id': 10, 'ip': '10.1.0.1/24'}, {'id': 10, 'ip': "
         "'10.2.0.1/24'}]"),
      "hosts[0].vms[0].nics[0].vlans[1].id: VLAN 10 already has a "
      "subinterface (vlans[0])" },
    { VM("[{'id': 10, 'ip': '10.0.0.9/24'}]"),
      "hosts[0].vms[0].nics[0].vlans[0].ip: 10.0.0.9/24 overlaps the subnet "
      "of the NIC's own address (10.0.0.1/24)" },
    { VM("[{'id': 10}]"),
      "hosts[0].vms[0].nics[0].vlans[0]: missing required key 'ip'" },
    { VM("[{'id': 10, 'ip': '10.1.0.1/24'}, {'id': 20, 'ip': "
         "'10.1.0.1/24'}]"),
      "hosts[0].vms[0].nics[0].vlans[1].ip: 10.1.0.1/24 overlaps the subnet "
      "of vlans[0] (VLAN 10)" },
    { "{'hosts': [{'name': 'h', 'nics': [{'name': 'eth0', 'ip': "
      "'10.1.0.1/24'}], 'vms': [{'name': 'vm1', 'nics': [{'name': 'eth0', "
      "'ip': '10.0.0.1/24', 'attach': {'type': 'bridge', 'to': 'br0'}, "
      "'vlans': [{'id': 10, 'ip': '10.1.0.1/24'}]}]}], 'bridges': [{'name': "
      "'br0', 'type': 'linux-bridge'}]}]}",
      "IP address 10.1.0.1 is also used by" },
    { "{'hosts': [{'name': 'h', 'bridges': [{'name': 'br0', 'type': "
      "'linux-bridge'}], 'vms': [{'name': 'vm1', 'nics': [{'name': 'eth0', "
      "'ip': '10.0.0.1/24', 'attach': {'type': 'bridge', 'to': 'br0'}, "
      "'vlans': [{'id': 10, 'ip': '10.1.0.1/24'}]}]}, {'name': 'vm2', "
      "'nics': [{'name': 'eth0', 'ip': '10.1.0.2/24', 'attach': {'type': "
      "'bridge', 'to': 'br0'}}]}]}], 'traffic': [{'name': 'f', 'from': 'h/vm2', "
      "'to': 'h/vm1/eth0.20', 'rate': '1kpps'}]}",
      "traffic[0].to: VM 'h/vm1' has no VLAN subinterface 'eth0.20' (eth0 "
      "has: eth0.10)" },
    { "{'hosts': [{'name': 'h', 'bridges': [{'name': 'br0', 'type': "
      "'linux-bridge'}], 'vms': [{'name': 'vm1', 'nics': [{'name': 'eth0', "
      "'ip': '10.0.0.1/24', 'attach': {'type': 'bridge', 'to': 'br0'}, "
      "'vlans': [{'id': 10, 'ip': '10.1.0.1/24'}]}]}]}], 'capture': [{'point': 'h/vm1/eth0.10', "
      "'file': 'x.pcap'}]}",
      "capture[0].point: 'h/vm1/eth0.10' is a VLAN subinterface, which has "
      "no wire of its own; capture on its NIC ('h/vm1/eth0')" },
};

START_TEST(test_guest_vlan_refusals)
{
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *json = vh_test_dq(bad[i].json);
        wt_assert_refused(json, bad[i].msg, i);
        free(json);
    }
}
END_TEST

/* The command line refuses a bad "vlans" with status 2, naming the
 * path, and writes nothing. */
START_TEST(test_guest_vlan_refusal_exit)
{
    char *dir = vh_test_tmpdir();
    char *json = vh_test_dq(VM("[{'id': 10, 'ip': '10.1.0.1/24'}, {'id': 10, "
                               "'ip': '10.2.0.1/24'}]"));
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/s.json", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(json, f);
    fclose(f);
    char bin[PATH_MAX];
    ck_assert_ptr_nonnull(realpath(vh_test_bin(), bin));
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && '%s' run s.json --json r.json "
                        "2>&1; echo \"status $?\"; ls", dir, bin);
    ck_assert_msg(strstr(out, "hosts[0].vms[0].nics[0].vlans[1].id"),
                  "%s", out);
    ck_assert_msg(strstr(out, "status 2\n"), "%s", out);
    ck_assert_msg(!strstr(out, "r.json"), "%s", out);
    (void) st;
    free(out);
    free(json);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

static Suite *
vlan_guest_suite(void)
{
    Suite *s = suite_create("vlan_guest");
    TCase *tc = tcase_create("trunk");
    tcase_set_timeout(tc, 120);
    /* 0: a Linux bridge with VLAN filtering; 1: Open vSwitch. */
    tcase_add_loop_test(tc, test_guest_vlans_on_trunk, 0, 2);
    tcase_add_loop_test(tc, test_guest_vlan_costs, 0, 2);
    tcase_add_test(tc, test_guest_vlan_shipped);
    tcase_add_test(tc, test_guest_vlan_migrates);
    suite_add_tcase(s, tc);
    tc = tcase_create("loader");
    tcase_add_test(tc, test_guest_vlan_refusals);
    tcase_add_test(tc, test_guest_vlan_refusal_exit);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(vlan_guest_suite)
