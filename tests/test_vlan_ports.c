/* tests/test_vlan_ports.c: VLAN subinterfaces of host NICs ("vlans") and
 * the VLAN modes of a Linux bridge's NIC ports ("vlan", "trunks").
 *
 * A subinterface sends tagged and takes in only its VLAN's frames, as
 * tshark sees them on the cable; two VLANs stay apart even when their
 * addresses share a subnet; a tagged VF reaches a tagged remote host; a
 * bridge's trunk uplink carries the VLANs it lists and no other, and an
 * access uplink sends its VLAN untagged; a VLAN-aware bridge (Linux with
 * vlan_filtering, or OVS) over a PF with VFs gets its VLAN's tagged
 * frames through the embedded switch, while a VF of another VLAN still
 * sees none of them.  The loader's refusals name
 * their JSON paths; the same seed gives the same report. */
#include <check.h>
#include <cjson/cJSON.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/host.h"
#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "models/endpoint/vlanif.h"
#include "report/report.h"
#include "sim/capture.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* host1's VMs on VFs of eth0 with port VLANs 100 and 200 (vm3 in VLAN
 * 100 too, in the subnet of VLAN 200's addresses); host2 with
 * subinterfaces in VLANs 100 and 200 and an untagged address; host3 in
 * VLAN 200 only, with an address in VLAN 100's subnet.  '%s': the
 * traffic. */
static const char sub_fmt[] =
    "{'name': 'sub', 'duration': '5s', 'hosts': ["
    " {'name': 'host1', 'iommu': {'enabled': true},"
    "  'nics': [{'name': 'eth0', 'model': '82599', 'sriov': {'vfs': 4},"
    "            'link': 'tor1/p1'}],"
    "  'vms': ["
    "   {'name': 'vm1', 'nics': [{'name': 'eth0', 'ip': '10.1.0.1/24',"
    "     'vlan': 100, 'attach': {'type': 'sriov-vf', 'to': 'eth0'}}]},"
    "   {'name': 'vm2', 'nics': [{'name': 'eth0', 'ip': '10.2.0.1/24',"
    "     'vlan': 200, 'attach': {'type': 'sriov-vf', 'to': 'eth0'}}]},"
    "   {'name': 'vm3', 'nics': [{'name': 'eth0', 'ip': '10.2.0.3/24',"
    "     'vlan': 100, 'attach': {'type': 'sriov-vf', 'to': 'eth0'}}]}]},"
    " {'name': 'host2', 'nics': [{'name': 'eth0', 'ip': '10.0.0.2/24',"
    "   'link': 'tor1/p2', 'offloads': {'gro': false},"
    "   'vlans': [{'id': 100, 'ip': '10.1.0.5/24'},"
    "             {'id': 200, 'ip': '10.2.0.5/24'}]}]},"
    " {'name': 'host3', 'nics': [{'name': 'eth0', 'link': 'tor1/p3',"
    "   'vlans': [{'id': 200, 'ip': '10.1.0.9/24'}]}]}],"
    " 'switches': [{'name': 'tor1', 'mode': '802.1q', 'ports': 4}],"
    " 'traffic': [%s]}";

static char *
sub(const char *traffic)
{
    size_t n = sizeof sub_fmt + strlen(traffic);
    char *s = malloc(n);
    snprintf(s, n, sub_fmt, traffic);
    char *json = vh_test_dq(s);
    free(s);
    return json;
}

struct cap {
    const char *point;
    char file[PATH_MAX];
    struct vh_capture *c;
};

static void
cap_open(struct world *w, void *ctx)
{
    struct cap *cc = ctx;
    const char *files[] = { cc->file };
    size_t failed;
    char err[256];
    cc->c = vh_capture_open(&w->trace, &w->devs, &cc->point, files, 1,
                            &failed, err, sizeof err);
    ck_assert_msg(cc->c, "%s", err);
}

static struct wt_run
run_captured(const char *json, const char *variant, struct cap *cc)
{
    struct wt_run r = wt_run_json(json, variant, cap_open, cc);
    char err[256];
    ck_assert_msg(vh_capture_commit(cc->c, err, sizeof err) == 0, "%s", err);
    return r;
}

/* Every frame of 'pcap' as "VLAN<TAB>what", a line each. */
static char *
frames(const char *pcap, const char *filter, const char *list)
{
    char *out = NULL;
    int st = vh_test_sh(&out, "tshark -r '%s' " VH_TSHARK_PREFS " -Y '%s' "
                        "-T fields %s 2>/dev/null", pcap, filter, list);
    ck_assert_msg(st == 0, "tshark failed: %s", out);
    return out;
}

static struct vlanif *
vlanif_of(struct world *w, const char *path)
{
    return VH_CONTAINER_OF(wt_dev(w, path), struct vlanif, dev);
}

/* --- Subinterfaces. --- */

/* A tagged VF to a tagged remote host and back; ICMP to the other
 * subinterface; on host2's cable every frame of those flows carries its
 * VLAN, and host2 answers ARP in the VLAN it was asked in. */
START_TEST(test_vlan_subinterface_delivery)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    struct cap cc = { .point = "host2/eth0" };
    snprintf(cc.file, sizeof cc.file, "%s/host2.pcap", dir);
    char *json = sub(
        "{'name': 'to100', 'from': 'host1/vm1', 'to': 'host2/eth0.100',"
        " 'rate': '100kpps', 'count': 10},"
        "{'name': 'from100', 'from': 'host2/eth0.100', 'to': 'host1/vm1',"
        " 'rate': '100kpps', 'count': 10, 'start': '1ms'},"
        "{'name': 'ping200', 'from': 'host1/vm2', 'to': 'host2/eth0.200',"
        " 'proto': 'icmp', 'rate': '10kpps', 'count': 4}");
    struct wt_run r = run_captured(json, NULL, &cc);
    free(json);
    for (int i = 0; i < 3; i++) {
        ck_assert_msg(r.w->flows[i].delivered == r.w->flows[i].sent,
                      "flow %d: %llu of %llu", i,
                      (unsigned long long) r.w->flows[i].delivered,
                      (unsigned long long) r.w->flows[i].sent);
    }
    wt_assert_conserved(r.w, true);

    vh_tshark_assert_clean(cc.file);
    char *got = frames(cc.file, "udp.srcport == 10000", "-e vlan.id");
    char want[512] = "";
    for (int i = 0; i < 10; i++) {
        strcat(want, "100\n");
    }
    ck_assert_str_eq(got, want);
    free(got);
    /* What host2/eth0.100 sent, tagged too (flow 1's source port). */
    got = frames(cc.file, "udp.srcport == 10001", "-e vlan.id -e ip.src");
    want[0] = '\0';
    for (int i = 0; i < 10; i++) {
        strcat(want, "100\t10.1.0.5\n");
    }
    ck_assert_str_eq(got, want);
    free(got);
    got = frames(cc.file, "arp.opcode == 2 && arp.src.proto_ipv4 == "
                 "10.2.0.5", "-e vlan.id");
    ck_assert_str_eq(got, "200\n");
    free(got);
    got = frames(cc.file, "icmp.type == 0", "-e vlan.id -e ip.src");
    ck_assert_str_eq(got, "200\t10.2.0.5\n200\t10.2.0.5\n200\t10.2.0.5\n"
                     "200\t10.2.0.5\n");
    free(got);

    /* The subinterfaces counted what passed them; what the host's first
     * address is: the NIC's own. */
    ck_assert_uint_eq(vlanif_of(r.w, "host2/eth0.100")->dev.tx, 11);
    ck_assert_uint_eq(vlanif_of(r.w, "host2/eth0.200")->dev.tx, 5);
    ck_assert_uint_eq(wt_host(r.w, "host2")->eps[0]->ip, 0x0a000002);
    wt_run_free(&r);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* VLANs stay apart, whatever the addresses: vm3 (VLAN 100) asks for
 * 10.2.0.5, which is host2's in VLAN 200, and host3 (VLAN 200 only)
 * holds an address of VLAN 100's subnet that vm1 asks for.  Nobody
 * answers across VLANs: host2 takes vm3's request to no subinterface,
 * host3 drops vm1's for want of a VLAN 100 interface. */
START_TEST(test_vlan_isolation)
{
    char *json = sub(
        "{'name': 'x1', 'from': 'host1/vm3', 'to': 'host2/eth0.200',"
        " 'rate': '10kpps', 'count': 3},"
        "{'name': 'x2', 'from': 'host1/vm1', 'to': 'host3',"
        " 'rate': '10kpps', 'count': 3}");
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    free(json);
    for (int i = 0; i < 2; i++) {
        const struct flow_stats *fs = &r.w->flows[i];
        ck_assert_uint_eq(fs->delivered, 0);
        ck_assert_uint_eq(vh_drops_get(&fs->drops, "arp-failed"), 3);
    }
    wt_assert_conserved(r.w, true);
    /* host3's NIC dropped the requests of VLAN 100, vm1's three and
     * vm3's three; no subinterface of VLAN 200 answered anyone. */
    ck_assert_uint_eq(wt_dev(r.w, "host3/eth0")->drops, 3 + 3);
    ck_assert_uint_eq(vlanif_of(r.w, "host3/eth0.200")->dev.tx, 0);
    ck_assert_uint_eq(vlanif_of(r.w, "host2/eth0.200")->dev.tx, 0);
    wt_run_free(&r);
}
END_TEST

/* A received frame costs its subinterface one more pass of the kernel's
 * generic receive; sending costs nothing more.  host2 receives without
 * GRO, which would charge the untagged path its own per-frame work. */
START_TEST(test_vlan_subinterface_costs)
{
    char *json = sub(
        "{'name': 'to100', 'from': 'host1/vm1', 'to': 'host2/eth0.100',"
        " 'rate': '10kpps', 'count': 10}");
    struct wt_run a = wt_run_json(json, NULL, NULL, NULL);
    free(json);
    ck_assert_uint_eq(a.w->flows[0].delivered, 10);
    /* The same delivery to host2's untagged address from an untagged
     * sender on the same switch. */
    json = vh_test_dq(
        "{'name': 'plain', 'duration': '5s', 'hosts': ["
        " {'name': 'host1', 'nics': [{'name': 'eth0', 'ip': '10.0.0.1/24',"
        "   'link': 'tor1/p1'}]},"
        " {'name': 'host2', 'nics': [{'name': 'eth0', 'ip': '10.0.0.2/24',"
        "   'link': 'tor1/p2', 'offloads': {'gro': false}}]}],"
        " 'switches': [{'name': 'tor1', 'mode': '802.1q', 'ports': 4}],"
        " 'traffic': [{'name': 'f', 'from': 'host1', 'to': 'host2',"
        "   'rate': '10kpps', 'count': 10}]}");
    struct wt_run b = wt_run_json(json, NULL, NULL, NULL);
    free(json);
    ck_assert_uint_eq(b.w->flows[0].delivered, 10);
    uint64_t tagged = wt_cat_cycles(wt_host(a.w, "host2"), CPU_SOFTIRQ);
    uint64_t plain = wt_cat_cycles(wt_host(b.w, "host2"), CPU_SOFTIRQ);
    /* Ten frames and the ARP request, each one netif_receive more. */
    uint64_t one = a.w->costs.v[COST_NETIF_RECEIVE].cyc;
    ck_assert_uint_eq(tagged - plain, 11 * one);
    wt_run_free(&a);
    wt_run_free(&b);
}
END_TEST

/* --- A Linux bridge's NIC ports. --- */

/* host1's VMs on br0 in VLANs 100, 200 and 300; eth0's port in br0 is
 * '%s'; host2 has subinterfaces in all three VLANs and an untagged
 * address in VLAN 100's subnet... on another host, host3. */
static const char br_fmt[] =
    "{'name': 'br', 'duration': '5s', 'hosts': ["
    " {'name': 'host1', 'nics': [{'name': 'eth0', 'link': 'tor1/p1'}],"
    "  'bridges': [{'name': 'br0', 'type': 'linux-bridge',"
    "               'vlan_filtering': true, 'ports': [%s]}],"
    "  'vms': ["
    "   {'name': 'vm1', 'nics': [{'name': 'eth0', 'ip': '10.1.0.1/24',"
    "     'vlan': 100, 'attach': {'type': 'bridge', 'to': 'br0'}}]},"
    "   {'name': 'vm2', 'nics': [{'name': 'eth0', 'ip': '10.2.0.1/24',"
    "     'vlan': 200, 'attach': {'type': 'bridge', 'to': 'br0'}}]},"
    "   {'name': 'vm3', 'nics': [{'name': 'eth0', 'ip': '10.3.0.1/24',"
    "     'vlan': 300, 'attach': {'type': 'bridge', 'to': 'br0'}}]}]},"
    " {'name': 'host2', 'nics': [{'name': 'eth0', 'link': 'tor1/p2',"
    "   'vlans': [{'id': 100, 'ip': '10.1.0.5/24'},"
    "             {'id': 200, 'ip': '10.2.0.5/24'},"
    "             {'id': 300, 'ip': '10.3.0.5/24'}]}]},"
    " {'name': 'host3', 'nics': [{'name': 'eth0', 'ip': '10.1.0.7/24',"
    "   'link': 'tor1/p3'}]}],"
    " 'switches': [{'name': 'tor1', 'mode': '802.1q', 'ports': 4}],"
    " 'traffic': ["
    "  {'name': 'v100', 'from': 'host1/vm1', 'to': '%s', 'rate': '10kpps',"
    "   'count': 5},"
    "  {'name': 'v200', 'from': 'host1/vm2', 'to': 'host2/eth0.200',"
    "   'rate': '10kpps', 'count': 5},"
    "  {'name': 'v300', 'from': 'host1/vm3', 'to': 'host2/eth0.300',"
    "   'rate': '10kpps', 'count': 5}]}";

static char *
br(const char *port, const char *to100)
{
    size_t n = sizeof br_fmt + strlen(port) + strlen(to100);
    char *s = malloc(n);
    snprintf(s, n, br_fmt, port, to100);
    char *json = vh_test_dq(s);
    free(s);
    return json;
}

/* A trunk uplink of VLANs 100 and 200: those flows are delivered, tagged
 * on the cable; VLAN 300 never leaves the host. */
START_TEST(test_bridge_trunk_uplink)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    struct cap cc = { .point = "host1/eth0" };
    snprintf(cc.file, sizeof cc.file, "%s/uplink.pcap", dir);
    char *json = br("{'name': 'eth0', 'trunks': [100, 200]}",
                    "host2/eth0.100");
    struct wt_run r = run_captured(json, NULL, &cc);
    free(json);
    ck_assert_uint_eq(r.w->flows[0].delivered, 5);
    ck_assert_uint_eq(r.w->flows[1].delivered, 5);
    ck_assert_uint_eq(r.w->flows[2].delivered, 0);
    ck_assert_uint_eq(vh_drops_get(&r.w->flows[2].drops, "arp-failed"), 5);
    wt_assert_conserved(r.w, true);
    vh_tshark_assert_clean(cc.file);
    char *got = frames(cc.file, "frame", "-e vlan.id");
    char *p = got;
    int n100 = 0, n200 = 0;
    while (*p) {
        int vid = atoi(p);
        ck_assert_msg(vid == 100 || vid == 200, "a frame of VLAN '%.8s'", p);
        n100 += vid == 100;
        n200 += vid == 200;
        p = strchr(p, '\n') + 1;
    }
    /* Per VLAN: the ARP request and reply, five packets. */
    ck_assert_int_eq(n100, 7);
    ck_assert_int_eq(n200, 7);
    free(got);
    wt_run_free(&r);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* An access uplink of VLAN 100: vm1's frames leave untagged, so they
 * reach host3's untagged address, not host2's VLAN 100; the others'
 * VLANs stay in the host. */
START_TEST(test_bridge_access_uplink)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    struct cap cc = { .point = "host1/eth0" };
    snprintf(cc.file, sizeof cc.file, "%s/uplink.pcap", dir);
    char *json = br("{'name': 'eth0', 'vlan': 100}", "host3");
    struct wt_run r = run_captured(json, NULL, &cc);
    free(json);
    ck_assert_uint_eq(r.w->flows[0].delivered, 5);
    ck_assert_uint_eq(r.w->flows[1].delivered, 0);
    ck_assert_uint_eq(r.w->flows[2].delivered, 0);
    wt_assert_conserved(r.w, true);
    char *got = frames(cc.file, "vlan", "-e vlan.id");
    ck_assert_str_eq(got, "");
    free(got);
    got = frames(cc.file, "udp", "-e ip.dst");
    ck_assert_str_eq(got, "10.1.0.7\n10.1.0.7\n10.1.0.7\n10.1.0.7\n"
                     "10.1.0.7\n");
    free(got);
    wt_run_free(&r);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

START_TEST(test_vlan_deterministic)
{
    char *json = br("{'name': 'eth0', 'trunks': [100, 200, 300]}",
                    "host2/eth0.100");
    char *out[2];
    for (int i = 0; i < 2; i++) {
        struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
        ck_assert_uint_eq(r.w->flows[2].delivered, 5);
        cJSON *rep = report_json(r.w, 0);
        out[i] = cJSON_PrintUnformatted(rep);
        cJSON_Delete(rep);
        wt_run_free(&r);
    }
    ck_assert_str_eq(out[0], out[1]);
    free(out[0]);
    free(out[1]);
    free(json);
}
END_TEST

/* --- The loader. --- */

#define H2(VLANS)                                                       \
    "{'hosts': [{'name': 'h', 'nics': [{'name': 'eth0', 'ip': "         \
    "'10.0.0.2/24', 'vlans': " VLANS "}]}]}"

static const struct {
    const char *json;
    const char *msg;
} bad[] = {
    { H2("{}"), "hosts[0].nics[0].vlans: expected an array, got an object" },
    { H2("[{'id': 0, 'ip': '10.1.0.5/24'}]"), "hosts[0].nics[0].vlans[0].id: "
      "0 is out of range; expected 1 to 4094 (VLAN IDs 0 and 4095 are "
      "reserved)" },
    { H2("[{'id': 4095, 'ip': '10.1.0.5/24'}]"),
      "hosts[0].nics[0].vlans[0].id: 4095 is out of range" },
    { H2("[{'ip': '10.1.0.5/24'}]"), "hosts[0].nics[0].vlans[0]: missing "
      "required key 'id'" },
    { H2("[{'id': 100}]"), "hosts[0].nics[0].vlans[0]: missing required "
      "key 'ip'" },
    { H2("[{'id': 100, 'ip': '10.1.0.5/24', 'vid': 3}]"),
      "hosts[0].nics[0].vlans[0]: unknown key 'vid'; did you mean 'id'?" },
    { H2("[{'id': 100, 'ip': '10.1.0.5/24'}, {'id': 100, 'ip': "
         "'10.2.0.5/24'}]"), "hosts[0].nics[0].vlans[1].id: VLAN 100 already "
      "has a subinterface (vlans[0])" },
    { H2("[{'id': 100, 'ip': '10.0.0.5/24'}]"),
      "hosts[0].nics[0].vlans[0].ip: 10.0.0.5/24 overlaps the subnet of the "
      "NIC's own address (10.0.0.2/24)" },
    { H2("[{'id': 100, 'ip': '10.1.0.5/24'}, {'id': 200, 'ip': "
         "'10.1.0.6/16'}]"), "hosts[0].nics[0].vlans[1].ip: 10.1.0.6/16 "
      "overlaps the subnet of vlans[0] (VLAN 100)" },
    { H2("[{'id': 100, 'ip': '10.1.0.5/24', 'gateway': '10.2.0.1'}]"),
      "hosts[0].nics[0].vlans[0].gateway: the gateway 10.2.0.1 must be "
      "another address in the NIC's subnet 10.1.0.0/24" },
    { "{'hosts': [{'name': 'h', 'nics': [{'name': 'eth0', 'ip': "
      "'10.0.0.2/24', 'vlans': [{'id': 100, 'ip': '10.0.1.5/24'}]}, "
      "{'name': 'eth1', 'ip': '10.0.1.5/24'}]}]}",
      "hosts[0].nics[1].ip: IP address 10.0.1.5 is also used by "
      "hosts[0].nics[0].vlans[0]" },
    { "{'hosts': [{'name': 'h', 'nics': [{'name': 'eth0', 'vlans': "
      "[{'id': 100, 'ip': '10.1.0.5/24'}]}], 'bridges': [{'name': 'br0', "
      "'type': 'linux-bridge', 'ports': ['eth0']}]}]}",
      "hosts[0].nics[0].vlans: not supported yet: VLAN subinterfaces of a "
      "NIC enslaved to a bridge" },
    { "{'hosts': [{'name': 'h', 'nics': [{'name': 'eth0'}], 'bridges': "
      "[{'name': 'br0', 'type': 'linux-bridge', 'ports': [{'name': 'eth0', "
      "'trunks': [10]}]}]}]}",
      "hosts[0].bridges[0].ports[0].trunks: VLAN modes need "
      "\"vlan_filtering\": true on bridge 'br0'" },
    { "{'hosts': [{'name': 'h', 'nics': [{'name': 'eth0', 'vlans': "
      "[{'id': 100, 'ip': '10.1.0.5/24'}]}]}, {'name': 'g', 'nics': "
      "[{'name': 'eth0', 'ip': '10.1.0.6/24'}]}], 'traffic': [{'name': "
      "'f', 'from': 'g', 'to': 'h/eth0.200', 'rate': '1kpps'}]}",
      "traffic[0].to: host 'h' has no VLAN subinterface 'eth0.200' (eth0 "
      "has: eth0.100)" },
    { "{'hosts': [{'name': 'h', 'nics': [{'name': 'eth0', 'ip': "
      "'10.1.0.5/24'}]}, {'name': 'g', 'nics': [{'name': 'eth0', 'ip': "
      "'10.1.0.6/24'}]}], 'traffic': [{'name': 'f', 'from': 'g', 'to': "
      "'h/eth0.200', 'rate': '1kpps'}]}",
      "traffic[0].to: host 'h' has no VLAN subinterface 'eth0.200' (eth0 "
      "has none)" },
    { "{'hosts': [{'name': 'h', 'nics': [{'name': 'eth0', 'vlans': "
      "[{'id': 100, 'ip': '10.1.0.5/24'}]}]}], 'capture': [{'point': "
      "'h/eth0.100', 'file': 'x.pcap'}]}",
      "capture[0].point: 'h/eth0.100' is a VLAN subinterface, which has no "
      "wire of its own; capture on its NIC ('h/eth0')" },
};

START_TEST(test_vlan_loader_refusals)
{
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *json = vh_test_dq(bad[i].json);
        wt_assert_refused(json, bad[i].msg, i);
        free(json);
    }
}
END_TEST

/* On h: vm1 in VLAN 100 on bridge br0 over eth0, whose NIC has VFs, and
 * vm2 on a VF in VLAN 200; r with subinterfaces in both.  '%s' the
 * bridge's type and keys, '%s' vm1's attach type. */
static const char pf_fmt[] =
    "{'name': 'pf', 'duration': '2ms', 'hosts': ["
    " {'name': 'h', 'iommu': {'enabled': true},"
    "  'nics': [{'name': 'eth0', 'model': '82599', 'sriov': {'vfs': 2},"
    "            'link': 'r/eth0'}],"
    "  'bridges': [{'name': 'br0', %s, 'ports': ['eth0']}],"
    "  'vms': ["
    "   {'name': 'vm1', 'nics': [{'name': 'eth0', 'ip': '10.1.0.1/24',"
    "     'vlan': 100, 'attach': {'type': '%s', 'to': 'br0'}}]},"
    "   {'name': 'vm2', 'nics': [{'name': 'eth0', 'ip': '10.2.0.1/24',"
    "     'vlan': 200, 'attach': {'type': 'sriov-vf', 'to': 'eth0'}}]}]},"
    " {'name': 'r', 'nics': [{'name': 'eth0', 'ip': '10.0.0.100/24',"
    "  'vlans': [{'id': 100, 'ip': '10.1.0.100/24'},"
    "            {'id': 200, 'ip': '10.2.0.100/24'}]}]}],"
    " 'traffic': ["
    "  {'name': 'out', 'from': 'h/vm1', 'to': 'r/eth0.100', 'size': 64,"
    "   'rate': '10kpps', 'count': 5},"
    "  {'name': 'in', 'from': 'r/eth0.100', 'to': 'h/vm1', 'size': 64,"
    "   'rate': '10kpps', 'count': 5, 'start': '1ms'},"
    "  {'name': 'vf', 'from': 'r/eth0.200', 'to': 'h/vm2', 'size': 64,"
    "   'rate': '10kpps', 'count': 5}]}";

START_TEST(test_bridge_vlans_over_sriov_pf)
{
    static const char *const bridges[][2] = {
        { "'type': 'linux-bridge', 'vlan_filtering': true", "bridge" },
        { "'type': 'ovs'", "ovs" },
    };
    char s[4096];
    snprintf(s, sizeof s, pf_fmt, bridges[_i][0], bridges[_i][1]);
    char *json = vh_test_dq(s);
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    free(json);
    /* The PF takes VLAN 100's tagged frames (the ARP replies, and r's
     * frames to vm1) for the bridge: nothing dropped, all delivered. */
    for (size_t i = 0; i < 3; i++) {
        ck_assert_uint_eq(r.w->flows[i].delivered, 5);
        ck_assert_uint_eq(r.w->flows[i].drops.total, 0);
    }
    ck_assert_uint_eq(wt_dev(r.w, "h/eth0")->drops, 0);
    /* vm2's VF got its five frames and the ARP request for it, none of
     * VLAN 100's broadcasts. */
    ck_assert_uint_eq(wt_dev(r.w, "h/eth0/vf0")->rx, 5 + 1);
    wt_run_free(&r);
}
END_TEST

static Suite *
vlan_ports_suite(void)
{
    Suite *s = suite_create("vlan_ports");
    TCase *tc = tcase_create("subinterfaces");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_vlan_subinterface_delivery);
    tcase_add_test(tc, test_vlan_isolation);
    tcase_add_test(tc, test_vlan_subinterface_costs);
    suite_add_tcase(s, tc);
    tc = tcase_create("bridge");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_bridge_trunk_uplink);
    tcase_add_test(tc, test_bridge_access_uplink);
    tcase_add_loop_test(tc, test_bridge_vlans_over_sriov_pf, 0, 2);
    tcase_add_test(tc, test_vlan_deterministic);
    suite_add_tcase(s, tc);
    tc = tcase_create("loader");
    tcase_add_test(tc, test_vlan_loader_refusals);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(vlan_ports_suite)
