/* tests/test_ovs_ports.c: Open vSwitch's ports beyond plain NICs and VM
 * taps: bonds with LACP and failover, mirrors, policing and HTB queues,
 * patch ports, internal ports, and rules that time out.
 *
 * Each test runs a small scenario and checks what the mechanism must do:
 * how many frames a failover loses, which link a flow takes, how many
 * frames a token bucket lets through, what a mirror copies. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/config.h"
#include "models/core/devclass.h"
#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "models/hw/pnic.h"
#include "models/ovs/ovs_kernel.h"
#include "sim/capture.h"
#include "sim/frame.h"
#include "sim/stats.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* Two NICs bonded on br0 to tor1, two VMs, a remote host.  %s is the
 * bond's extra keys; the flows are vm1 (two of them) and vm2 to remote,
 * 100 kpps each for 4 ms from 100 us (after LACP has settled: frames a
 * bond sends before its partner answers are lost, as in OVS); eth1 goes
 * down at 2 ms. */
static const char bond_fmt[] =
    "{ \"duration\": \"5ms\","
    "  \"hosts\": [ { \"name\": \"h\", \"cpu\": { \"cores\": 4 },"
    "    \"nics\": [ { \"name\": \"eth1\", \"link\": \"tor1/p1\" },"
    "                { \"name\": \"eth2\", \"link\": \"tor1/p2\" } ],"
    "    \"bridges\": [ { \"name\": \"br0\", \"type\": \"ovs\","
    "      \"ports\": [ { \"name\": \"bond0\", \"type\": \"bond\","
    "                     \"members\": [\"eth1\", \"eth2\"] %s } ] } ],"
    "    \"vms\": [ { \"name\": \"vm1\", \"nics\": [ { \"name\": \"eth0\","
    "        \"ip\": \"10.0.0.1/24\","
    "        \"attach\": { \"type\": \"ovs\", \"to\": \"br0\" } } ] },"
    "               { \"name\": \"vm2\", \"nics\": [ { \"name\": \"eth0\","
    "        \"ip\": \"10.0.0.2/24\","
    "        \"attach\": { \"type\": \"ovs\", \"to\": \"br0\" } } ] } ] },"
    "   { \"name\": \"remote\", \"nics\": [ { \"name\": \"eth0\","
    "       \"ip\": \"10.0.0.100/24\", \"link\": \"tor1/p3\" } ] } ],"
    "  \"switches\": [ { \"name\": \"tor1\", \"mode\": \"802.1q\","
    "                   \"ports\": 4 } ],"
    "  \"traffic\": ["
    "    { \"name\": \"a\", \"from\": \"h/vm1\", \"to\": \"remote\","
    "      \"size\": 512, \"rate\": \"100kpps\", \"duration\": \"4ms\","
    "      \"start\": \"100us\", \"sport\": 5001 },"
    "    { \"name\": \"b\", \"from\": \"h/vm1\", \"to\": \"remote\","
    "      \"size\": 512, \"rate\": \"100kpps\", \"duration\": \"4ms\","
    "      \"start\": \"100us\", \"sport\": 5002 },"
    "    { \"name\": \"c\", \"from\": \"h/vm2\", \"to\": \"remote\","
    "      \"size\": 512, \"rate\": \"100kpps\", \"duration\": \"4ms\","
    "      \"start\": \"100us\", \"sport\": 5003 } ],"
    "  \"events\": [ { \"at\": \"2ms\", \"action\": \"link-down\","
    "                 \"target\": \"h/eth1\" } ] }";

static struct wt_run
run_bond(const char *extra)
{
    char json[sizeof bond_fmt + 256];
    snprintf(json, sizeof json, bond_fmt, extra);
    return wt_run_json(json, NULL, NULL, NULL);
}

static struct ovs_kernel *
bridge(struct world *w, const char *path)
{
    return VH_CONTAINER_OF(wt_dev(w, path), struct ovs_kernel, dev);
}

static uint64_t
lost_to(const struct world *w, const char *reason)
{
    uint64_t n = 0;
    for (size_t i = 0; i < w->n_flows; i++) {
        n += vh_drops_get(&w->flows[i].drops, reason);
    }
    return n;
}

static const struct ofproto_bond *
bond_of(struct ovs_kernel *br)
{
    return br->ofp.ports[0].bond;
}

/* Active-backup: only the active member carries frames until it fails;
 * the frames sent into it during bond_downdelay are lost, each counted,
 * and none after. */
START_TEST(test_active_backup_fails_over_after_downdelay)
{
    struct wt_run r = run_bond(", \"bond_downdelay\": \"300us\"");
    struct ovs_kernel *br = bridge(r.w, "h/br0");
    const struct ofproto_bond *b = bond_of(br);
    ck_assert_uint_eq(b->failovers, 1);
    ck_assert_int_eq(b->active, 1);
    /* 3 flows x 100 kpps x 300 us = 90 frames sent into the dead link
     * (within a frame or two of each flow's phase). */
    uint64_t lost = lost_to(r.w, "link-down");
    ck_assert_msg(lost >= 84 && lost <= 96, "lost %llu",
                  (unsigned long long) lost);
    ck_assert_uint_eq(lost, r.w->flows[0].drops.total
                      + r.w->flows[1].drops.total
                      + r.w->flows[2].drops.total);
    /* Before the failover nothing left by eth2 but what the switch
     * flooded back is not counted: its transmitted frames all follow
     * 2 ms. */
    ck_assert_uint_gt(br->learning_packets, 0);
    wt_assert_conserved(r.w, false);
    wt_run_free(&r);

    /* Without the delay the bond notices at once: nothing is lost. */
    r = run_bond("");
    ck_assert_uint_eq(lost_to(r.w, "link-down"), 0);
    ck_assert_uint_eq(bond_of(bridge(r.w, "h/br0"))->failovers, 1);
    wt_run_free(&r);
}
END_TEST

/* balance-tcp with LACP: the switch answers the LACPDUs, every member
 * joins, flows spread over both links by their ports. */
START_TEST(test_balance_tcp_with_lacp_spreads_flows)
{
    struct wt_run r = run_bond(", \"bond_mode\": \"balance-tcp\", "
                               "\"lacp\": \"active\"");
    struct ovs_kernel *br = bridge(r.w, "h/br0");
    ck_assert_uint_ge(br->lacp_tx, 2);      /* One per member at least. */
    ck_assert_uint_ge(br->lacp_rx, 2);      /* And the switch's answers. */
    /* Before the cut, both links carried the VMs' frames. */
    struct pnic *e1 = VH_CONTAINER_OF(wt_dev(r.w, "h/eth1"), struct pnic,
                                      dev);
    struct pnic *e2 = VH_CONTAINER_OF(wt_dev(r.w, "h/eth2"), struct pnic,
                                      dev);
    ck_assert_uint_gt(e1->dev.tx, 50);
    ck_assert_uint_gt(e2->dev.tx, 50);
    wt_assert_conserved(r.w, false);
    wt_run_free(&r);
}
END_TEST

/* Active-backup with LACP: the switch has formed an aggregation of both
 * links and hashes remote's pings onto one of them, which may be the
 * backup; once LACP has negotiated OVS admits frames on any enabled
 * member, so every ping is answered.  (The MACs, derived from the
 * paths, make the switch pick the backup, eth2, for this pair.) */
START_TEST(test_active_backup_with_lacp_takes_frames_on_either_member)
{
    static const char json[] =
        "{ \"duration\": \"3ms\","
        "  \"hosts\": [ { \"name\": \"host1\", \"cpu\": { \"cores\": 4 },"
        "    \"nics\": [ { \"name\": \"eth1\", \"link\": \"tor1/p1\" },"
        "                { \"name\": \"eth2\", \"link\": \"tor1/p2\" } ],"
        "    \"bridges\": [ { \"name\": \"br0\", \"type\": \"ovs\","
        "      \"ports\": [ { \"name\": \"bond0\", \"type\": \"bond\","
        "         \"members\": [\"eth1\", \"eth2\"], \"lacp\": \"active\","
        "         \"bond_mode\": \"active-backup\" } ] } ],"
        "    \"vms\": [ { \"name\": \"vm1\", \"nics\": [ { \"name\": "
        "      \"eth0\", \"ip\": \"10.0.0.1/24\", \"attach\": { \"type\":"
        "      \"ovs\", \"to\": \"br0\" } } ] } ] },"
        "   { \"name\": \"remote\", \"nics\": [ { \"name\": \"eth0\","
        "       \"ip\": \"10.0.0.100/24\", \"link\": \"tor1/p3\" } ] } ],"
        "  \"switches\": [ { \"name\": \"tor1\", \"mode\": \"802.1q\","
        "                   \"ports\": 4 } ],"
        "  \"traffic\": [ { \"name\": \"p\", \"from\": \"remote\","
        "    \"to\": \"host1/vm1\", \"proto\": \"icmp\", \"rate\": \"10kpps\","
        "    \"count\": 20, \"start\": \"20us\" } ] }";
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    const struct ofproto_bond *b = bond_of(bridge(r.w, "host1/br0"));
    ck_assert(ofproto_bond_enabled(b, 0));
    ck_assert(ofproto_bond_enabled(b, 1));
    ck_assert_int_eq(b->active, 0);
    /* The switch sent the pings by the backup member, eth2. */
    ck_assert_uint_ge(wt_dev(r.w, "host1/eth2")->rx, 20);
    ck_assert_uint_eq(r.w->flows[0].delivered, 20);
    ck_assert_uint_eq(lost_to(r.w, "bond-backup-member"), 0);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);
}
END_TEST

/* LACP with a partner that never answers: OVS keeps the members out of
 * the bond, and nothing leaves. */
START_TEST(test_lacp_without_partner_keeps_members_out)
{
    static const char json[] =
        "{ \"duration\": \"1ms\","
        "  \"hosts\": [ { \"name\": \"h\","
        "    \"nics\": [ { \"name\": \"eth1\" }, { \"name\": \"eth2\" } ],"
        "    \"bridges\": [ { \"name\": \"br0\", \"type\": \"ovs\","
        "      \"ports\": [ { \"name\": \"bond0\", \"type\": \"bond\","
        "         \"members\": [\"eth1\", \"eth2\"], \"lacp\": \"active\","
        "         \"bond_mode\": \"balance-tcp\" } ] } ],"
        "    \"vms\": [ { \"name\": \"vm1\", \"nics\": [ { \"name\": "
        "      \"eth0\", \"ip\": \"10.0.0.1/24\", \"attach\": { \"type\":"
        "      \"ovs\", \"to\": \"br0\" } } ] } ] } ] }";
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    const struct ofproto_bond *b = bond_of(bridge(r.w, "h/br0"));
    ck_assert(!ofproto_bond_enabled(b, 0));
    ck_assert(!ofproto_bond_enabled(b, 1));
    ck_assert_int_eq(b->active, -1);
    wt_run_free(&r);
}
END_TEST

/* host1 has no address but the internal port mgmt of br0 (plus, in
 * %s, more NICs); vm1 on br0; remote across tor1 by br0's uplink eth0.
 * The second %s is the traffic. */
static const char internal_fmt[] =
    "{'duration': '3ms',"
    " 'hosts': [ {'name': 'host1', 'cpu': {'cores': 4},"
    "   'nics': [ {'name': 'eth0', 'link': 'tor1/p1'} %s ],"
    "   'bridges': [ {'name': 'br0', 'type': 'ovs', 'ports': ['eth0',"
    "     {'name': 'mgmt', 'type': 'internal', 'ip': '10.0.0.254/24'},"
    "     {'name': 'm2', 'type': 'internal'} ]} ],"
    "   'vms': [ {'name': 'vm1', 'nics': [ {'name': 'eth0',"
    "     'ip': '10.0.0.1/24', 'attach': {'type': 'ovs', 'to': 'br0'}} ]} ]},"
    "  {'name': 'remote', 'nics': [ {'name': 'eth0',"
    "     'ip': '10.0.0.100/24', 'link': 'tor1/p2'} ]} ],"
    " 'switches': [ {'name': 'tor1', 'ports': 4} ],"
    " 'traffic': [ %s ] }";

static char *
internal_json(const char *nics, const char *traffic)
{
    char buf[sizeof internal_fmt + 1024];
    snprintf(buf, sizeof buf, internal_fmt, nics, traffic);
    return vh_test_dq(buf);
}

struct cap_ctx {
    const char *file;
    struct vh_capture *cap;
};

static void
cap_mgmt(struct world *w, void *ctx)
{
    struct cap_ctx *c = ctx;
    const char *point = "host1/mgmt";
    char err[512];
    size_t failed;
    c->cap = vh_capture_open(&w->trace, &w->devs, &point, &c->file, 1,
                             &failed, err, sizeof err);
    ck_assert_msg(c->cap != NULL, "%s", err);
}

/* How many lines of 'text' are 'line'. */
static size_t
count_lines(const char *text, const char *line)
{
    size_t n = 0, len = strlen(line);
    for (const char *l = text; *l;) {
        size_t end = strcspn(l, "\n");
        n += end == len && !strncmp(l, line, len);
        l += end + (l[end] != '\0');
    }
    return n;
}

/* The internal port's address is the host's: pings from "host1" go
 * through it into the bridge and out of its uplink to remote, pings
 * from "host1/mgmt" reach a VM on the same bridge, a VM reaches
 * "host1", and all are answered; a capture on the port shows them as
 * the host's stack sent and took them, and decodes cleanly. */
START_TEST(test_internal_port_is_a_host_endpoint)
{
    char *json = internal_json("",
        "{'name': 'h2r', 'from': 'host1', 'to': 'remote', 'proto': 'icmp',"
        " 'rate': '10kpps', 'count': 5},"
        "{'name': 'h2v', 'from': 'host1/mgmt', 'to': 'host1/vm1',"
        " 'proto': 'icmp', 'rate': '10kpps', 'count': 5},"
        "{'name': 'v2h', 'from': 'host1/vm1', 'to': 'host1',"
        " 'rate': '100kpps', 'count': 10}");
    char *dir = vh_test_tmpdir();
    char pcap[512];
    snprintf(pcap, sizeof pcap, "%s/mgmt.pcap", dir);
    struct cap_ctx c = { pcap, NULL };
    struct wt_run r = wt_run_json(json, NULL, cap_mgmt, &c);
    char err[512];
    ck_assert_msg(vh_capture_commit(c.cap, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(r.w->flows[0].delivered, 5);
    ck_assert_uint_eq(r.w->flows[1].delivered, 5);
    ck_assert_uint_eq(r.w->flows[2].delivered, 10);
    for (size_t i = 0; i < 3; i++) {
        ck_assert_uint_eq(r.w->flows[i].drops.total, 0);
    }
    /* The host's stack took the replies and vm1's frames by the port. */
    ck_assert_uint_ge(wt_dev(r.w, "host1/mgmt")->rx, 20);
    ck_assert_uint_ge(wt_dev(r.w, "host1/mgmt")->tx, 10);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);
    free(json);

    vh_tshark_require();
    vh_tshark_assert_clean(pcap);
    char *out = vh_tshark_out(pcap, "-Y icmp -T fields -e ip.src -e ip.dst "
                              "-e icmp.type");
    size_t req_r = count_lines(out, "10.0.0.254\t10.0.0.100\t8");
    size_t req_v = count_lines(out, "10.0.0.254\t10.0.0.1\t8");
    size_t rep = count_lines(out, "10.0.0.100\t10.0.0.254\t0")
                 + count_lines(out, "10.0.0.1\t10.0.0.254\t0");
    ck_assert_msg(req_r == 5 && req_v == 5 && rep == 10, "%s", out);
    free(out);
    free(dir);
}
END_TEST

/* The host's first address is its NICs' before its internal ports', so
 * "host1" is eth1's address when eth1 has one; an internal port without
 * an address, or one that is "host1" under another name, is refused. */
START_TEST(test_internal_port_in_the_host_order)
{
    char *json = internal_json(
        ", {'name': 'eth1', 'ip': '192.168.0.1/24'}",
        "{'name': 'v', 'from': 'host1/vm1', 'to': 'host1/mgmt',"
        " 'rate': '100kpps', 'count': 10}");
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    struct vh_device *h = wt_dev(r.w, "host1");
    uint32_t ip;
    vh_ipv4_parse("192.168.0.1", &ip, NULL);
    ck_assert_uint_eq(h->cls->endpoint(h)->ip, ip);
    ck_assert_uint_eq(r.w->flows[0].delivered, 10);
    wt_run_free(&r);
    free(json);

    static const struct { const char *nics, *flow, *msg; } bad[] = {
        { "", "{'name': 'v', 'from': 'host1/vm1', 'to': 'host1/m2',"
              " 'rate': '1kpps', 'count': 1}",
          "traffic[0].to: internal port 'host1/m2' has no \"ip\", so the "
          "host cannot send or receive through it" },
        { "", "{'name': 'v', 'from': 'host1', 'to': 'host1/mgmt',"
              " 'rate': '1kpps', 'count': 1}",
          "traffic[0].to: a flow needs two different endpoints; it goes "
          "from 'host1' to itself" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct vh_diag d;
        json = internal_json(bad[i].nics, bad[i].flow);
        struct cfg_scenario *sc = cfg_load_string(json, "t.json", NULL, &d);
        ck_assert_msg(sc == NULL, "case %zu loaded", i);
        ck_assert_msg(strstr(d.msg, bad[i].msg), "case %zu: %s", i, d.msg);
        free(json);
    }
}
END_TEST

/* Two VMs, one remote, one IDS VM mirroring vm1's frames. */
static const char mirror_json[] =
    "{ \"duration\": \"3ms\","
    "  \"hosts\": [ { \"name\": \"h\", \"cpu\": { \"cores\": 4 },"
    "    \"nics\": [ { \"name\": \"eth0\", \"link\": \"tor1/p1\" } ],"
    "    \"bridges\": [ { \"name\": \"br0\", \"type\": \"ovs\","
    "      \"ports\": [\"eth0\"],"
    "      \"mirrors\": [ { \"name\": \"m\", \"select_src_port\": [\"vm1\"],"
    "                       \"output_port\": \"ids\" } ] } ],"
    "    \"vms\": [ { \"name\": \"vm1\", \"nics\": [ { \"name\": \"eth0\","
    "        \"ip\": \"10.0.0.1/24\","
    "        \"attach\": { \"type\": \"ovs\", \"to\": \"br0\" } } ] },"
    "               { \"name\": \"vm2\", \"nics\": [ { \"name\": \"eth0\","
    "        \"ip\": \"10.0.0.2/24\","
    "        \"attach\": { \"type\": \"ovs\", \"to\": \"br0\" } } ] },"
    "               { \"name\": \"ids\", \"nics\": [ { \"name\": \"eth0\","
    "        \"ip\": \"10.0.0.9/24\","
    "        \"attach\": { \"type\": \"ovs\", \"to\": \"br0\" } } ] } ] },"
    "   { \"name\": \"remote\", \"nics\": [ { \"name\": \"eth0\","
    "       \"ip\": \"10.0.0.100/24\", \"link\": \"tor1/p2\" } ] } ],"
    "  \"switches\": [ { \"name\": \"tor1\", \"mode\": \"802.1q\","
    "                   \"ports\": 4 } ],"
    "  \"traffic\": ["
    "    { \"name\": \"v1\", \"from\": \"h/vm1\", \"to\": \"remote\","
    "      \"rate\": \"20kpps\", \"count\": 30 },"
    "    { \"name\": \"v2\", \"from\": \"h/vm2\", \"to\": \"remote\","
    "      \"rate\": \"20kpps\", \"count\": 25 } ] }";

/* The IDS VM receives a copy of each frame vm1 sends (its ARP request
 * and its 30 UDP frames), none of vm2's, and the originals all arrive. */
START_TEST(test_mirror_copies_selected_port_only)
{
    struct wt_run r = wt_run_json(mirror_json, NULL, NULL, NULL);
    ck_assert_uint_eq(r.w->flows[0].delivered, 30);
    ck_assert_uint_eq(r.w->flows[1].delivered, 25);
    const struct vh_device *ids = wt_dev(r.w, "h/ids/eth0");
    ck_assert_uint_eq(ids->rx, 31);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);
}
END_TEST

/* vm1 sends 1250-byte frames at 10 kpps through a 20 Mbps policer with
 * a 200 kb burst: at most burst + rate x time gets through. */
START_TEST(test_policer_passes_rate_plus_burst)
{
    static const char json[] =
        "{ \"duration\": \"10ms\","
        "  \"hosts\": [ { \"name\": \"h\", \"cpu\": { \"cores\": 4 },"
        "    \"nics\": [ { \"name\": \"eth0\", \"link\": \"tor1/p1\" } ],"
        "    \"bridges\": [ { \"name\": \"br0\", \"type\": \"ovs\","
        "      \"ports\": [\"eth0\"] } ],"
        "    \"vms\": [ { \"name\": \"vm1\", \"nics\": [ { \"name\": "
        "      \"eth0\", \"ip\": \"10.0.0.1/24\", \"attach\": { \"type\":"
        "      \"ovs\", \"to\": \"br0\", \"ingress_policing_rate\": 20000,"
        "      \"ingress_policing_burst\": 200 } } ] } ] },"
        "   { \"name\": \"remote\", \"nics\": [ { \"name\": \"eth0\","
        "       \"ip\": \"10.0.0.100/24\", \"link\": \"tor1/p2\" } ] } ],"
        "  \"switches\": [ { \"name\": \"tor1\", \"mode\": \"802.1q\","
        "                   \"ports\": 4 } ],"
        "  \"traffic\": [ { \"name\": \"f\", \"from\": \"h/vm1\","
        "    \"to\": \"remote\", \"size\": 1250, \"rate\": \"10kpps\","
        "    \"count\": 90 } ] }";
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    const struct flow_stats *f = &r.w->flows[0];
    /* 200 kb of burst is 20 frames of 10,000 bits (1250 bytes, the FCS
     * counts); 20 Mbps refills 2,000 frames a second, 18 over the 9 ms
     * the flow sends: 38, give or take the ARP frame and one frame's
     * rounding. */
    ck_assert_msg(f->delivered >= 35 && f->delivered <= 39,
                  "delivered %llu", (unsigned long long) f->delivered);
    ck_assert_uint_eq(vh_drops_get(&f->drops, "policed"),
                      f->sent - f->delivered);
    wt_run_free(&r);
}
END_TEST

/* The DPDK datapath polices as the NIC's frames are received: 64-byte
 * frames (512 bits, FCS included, as OVS's policer counts them) at 1 Mpps
 * through 100 Mbps and 100 kb of burst for 3 ms: 195.3 kframes/s, 586 in
 * 3 ms, plus 195 of burst, 781 (less a frame or two of timing).  Both
 * hosts keep to C1: waking from C6 for the first ARP exchange would take
 * 133 us per core, in which the sender's ARP queue overflows at 1 Mpps. */
START_TEST(test_dpdk_policer_passes_rate_plus_burst)
{
    static const char json[] =
        "{ \"duration\": \"5ms\","
        "  \"hosts\": [ { \"name\": \"h\","
        "    \"cpu\": { \"cores\": 4, \"cstate\": \"C1\" },"
        "    \"nics\": [ { \"name\": \"eth0\", \"link\": \"tor1/p1\" } ],"
        "    \"bridges\": [ { \"name\": \"br0\", \"type\": \"ovs\","
        "      \"datapath\": \"dpdk\", \"pmd_cores\": [3], \"ports\": ["
        "        { \"name\": \"eth0\", \"ingress_policing_rate\": 100000,"
        "          \"ingress_policing_burst\": 100 } ] } ],"
        "    \"vms\": [ { \"name\": \"vm1\", \"pin\": [1], \"nics\": [ {"
        "      \"name\": \"eth0\", \"ip\": \"10.0.0.1/24\", \"backend\":"
        "      \"vhost-user\", \"attach\": { \"type\": \"ovs\","
        "      \"to\": \"br0\" } } ] } ] },"
        "   { \"name\": \"remote\", \"cpu\": { \"cstate\": \"C1\" },"
        "     \"nics\": [ { \"name\": \"eth0\","
        "       \"ip\": \"10.0.0.100/24\", \"link\": \"tor1/p2\" } ] } ],"
        "  \"switches\": [ { \"name\": \"tor1\", \"mode\": \"802.1q\","
        "                   \"ports\": 4 } ],"
        "  \"traffic\": [ { \"name\": \"f\", \"from\": \"remote\","
        "    \"to\": \"h/vm1\", \"size\": 64, \"rate\": \"1Mpps\","
        "    \"duration\": \"3ms\", \"start\": \"1ms\" } ] }";
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    const struct flow_stats *f = &r.w->flows[0];
    ck_assert_msg(f->delivered >= 765 && f->delivered <= 785,
                  "delivered %llu", (unsigned long long) f->delivered);
    ck_assert_uint_eq(vh_drops_get(&f->drops, "policed"),
                      f->sent - f->delivered);
    wt_run_free(&r);
}
END_TEST

/* Two bridges joined by patch ports: vm1 on br-int reaches the remote
 * host through br-ex. */
START_TEST(test_patch_ports_join_bridges)
{
    static const char json[] =
        "{ \"duration\": \"2ms\","
        "  \"hosts\": [ { \"name\": \"h\", \"cpu\": { \"cores\": 4 },"
        "    \"nics\": [ { \"name\": \"eth0\", \"link\": \"tor1/p1\" } ],"
        "    \"bridges\": ["
        "      { \"name\": \"br-ex\", \"type\": \"ovs\", \"ports\": ["
        "          \"eth0\", { \"name\": \"ex-int\", \"type\": \"patch\","
        "                      \"peer\": \"int-ex\" } ] },"
        "      { \"name\": \"br-int\", \"type\": \"ovs\", \"ports\": ["
        "          { \"name\": \"int-ex\", \"type\": \"patch\","
        "            \"peer\": \"ex-int\" } ] } ],"
        "    \"vms\": [ { \"name\": \"vm1\", \"nics\": [ { \"name\": "
        "      \"eth0\", \"ip\": \"10.0.0.1/24\", \"attach\": { \"type\":"
        "      \"ovs\", \"to\": \"br-int\" } } ] } ] },"
        "   { \"name\": \"remote\", \"nics\": [ { \"name\": \"eth0\","
        "       \"ip\": \"10.0.0.100/24\", \"link\": \"tor1/p2\" } ] } ],"
        "  \"switches\": [ { \"name\": \"tor1\", \"mode\": \"802.1q\","
        "                   \"ports\": 4 } ],"
        "  \"traffic\": [ { \"name\": \"ping\", \"from\": \"h/vm1\","
        "    \"to\": \"remote\", \"proto\": \"icmp\", \"rate\": \"10kpps\","
        "    \"count\": 5 } ] }";
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    ck_assert_uint_eq(r.w->flows[0].delivered, 5);
    /* Each bridge switched every frame once. */
    ck_assert_uint_ge(bridge(r.w, "h/br-ex")->dev.rx, 10);
    ck_assert_uint_ge(bridge(r.w, "h/br-int")->dev.rx, 10);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);
}
END_TEST

/* A drop rule with idle_timeout=1 stops dropping once idle for a
 * second: the early flow is dropped, the late one delivered. */
START_TEST(test_idle_timeout_removes_rule)
{
    static const char json[] =
        "{ \"duration\": \"3s\","
        "  \"hosts\": [ { \"name\": \"h\", \"cpu\": { \"cores\": 4 },"
        "    \"nics\": [ { \"name\": \"eth0\", \"link\": \"tor1/p1\" } ],"
        "    \"bridges\": [ { \"name\": \"br0\", \"type\": \"ovs\","
        "      \"ports\": [\"eth0\"], \"flows\": ["
        "        \"priority=100,udp,idle_timeout=1,actions=drop\","
        "        \"priority=0,actions=normal\" ] } ],"
        "    \"vms\": [ { \"name\": \"vm1\", \"nics\": [ { \"name\": "
        "      \"eth0\", \"ip\": \"10.0.0.1/24\", \"attach\": { \"type\":"
        "      \"ovs\", \"to\": \"br0\" } } ] } ] },"
        "   { \"name\": \"remote\", \"nics\": [ { \"name\": \"eth0\","
        "       \"ip\": \"10.0.0.100/24\", \"link\": \"tor1/p2\" } ] } ],"
        "  \"switches\": [ { \"name\": \"tor1\", \"mode\": \"802.1q\","
        "                   \"ports\": 4 } ],"
        "  \"traffic\": ["
        "    { \"name\": \"early\", \"from\": \"h/vm1\", \"to\": \"remote\","
        "      \"rate\": \"1kpps\", \"count\": 5 },"
        "    { \"name\": \"late\", \"from\": \"h/vm1\", \"to\": \"remote\","
        "      \"rate\": \"1kpps\", \"count\": 5, \"start\": \"2500ms\" } ] }";
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    ck_assert_uint_eq(vh_drops_get(&r.w->flows[0].drops, "rule-drop"), 5);
    ck_assert_uint_eq(r.w->flows[1].delivered, 5);
    ck_assert_uint_eq(bridge(r.w, "h/br0")->ofp.expired, 1);
    wt_run_free(&r);
}
END_TEST

static Suite *
ovs_ports_suite(void)
{
    Suite *s = suite_create("ovs_ports");
    TCase *tc = tcase_create("ports");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_active_backup_fails_over_after_downdelay);
    tcase_add_test(tc, test_balance_tcp_with_lacp_spreads_flows);
    tcase_add_test(tc, test_lacp_without_partner_keeps_members_out);
    tcase_add_test(tc, test_internal_port_is_a_host_endpoint);
    tcase_add_test(tc, test_internal_port_in_the_host_order);
    tcase_add_test(tc, test_active_backup_with_lacp_takes_frames_on_either_member);
    tcase_add_test(tc, test_mirror_copies_selected_port_only);
    tcase_add_test(tc, test_policer_passes_rate_plus_burst);
    tcase_add_test(tc, test_dpdk_policer_passes_rate_plus_burst);
    tcase_add_test(tc, test_patch_ports_join_bridges);
    tcase_add_test(tc, test_idle_timeout_removes_rule);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(ovs_ports_suite)
