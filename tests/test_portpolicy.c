/* tests/test_portpolicy.c: a VM port's policy (models/core/portpolicy.h).
 *
 * Shaping holds the average over a long run, lets a quiet port's burst
 * bonus through at the peak and no faster, and drops what overflows its
 * queue as "shaping"; forged transmits, MAC changes and promiscuous mode
 * each stop the frames vSphere says they stop, and only those; the port
 * ACL's first matching rule decides; a blocked port passes nothing; the
 * same on the Linux bridge and on Open vSwitch.  A VM on an OVS trunk
 * port sees its VLANs' frames tagged (tshark on its NIC's capture).  The
 * loader refuses bad policies at their JSON paths, with exit status 2
 * from the command line, and a run is the same twice. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/core/portpolicy.h"
#include "models/core/world.h"
#include "models/core/host.h"
#include "models/hostnet/lbridge.h"
#include "sim/frame.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* Three VMs on one bridge of type 'br' ("linux-bridge" or "ovs"), each
 * NIC's attach extra keys ('a1'..'a3', may be ""), NIC extra keys of vm1
 * ('n1'), the bridge's extra keys, and the flows. */
static char *
world_json(const char *br, const char *br_extra, const char *n1,
           const char *a1, const char *a2, const char *a3,
           const char *duration, const char *traffic)
{
    static char buf[8192];
    const char *at = strcmp(br, "ovs") ? "bridge" : "ovs";
    snprintf(buf, sizeof buf,
        "{'name': 't', 'duration': '%s', 'hosts': [{'name': 'h', "
        "'cpu': {'cores': 4}, "
        "'bridges': [{'name': 'br0', 'type': '%s'%s}], 'vms': ["
        "{'name': 'vm1', 'nics': [{'name': 'eth0', 'ip': '10.0.0.1/24', "
        "'mac': '52:54:00:00:00:01'%s, "
        "'attach': {'type': '%s', 'to': 'br0'%s}}]},"
        "{'name': 'vm2', 'nics': [{'name': 'eth0', 'ip': '10.0.0.2/24', "
        "'mac': '52:54:00:00:00:02', "
        "'attach': {'type': '%s', 'to': 'br0'%s}}]},"
        "{'name': 'vm3', 'nics': [{'name': 'eth0', 'ip': '10.0.0.3/24', "
        "'mac': '52:54:00:00:00:03', "
        "'attach': {'type': '%s', 'to': 'br0'%s}}]}]}], "
        "'traffic': [%s]}",
        duration, br, br_extra, n1, at, a1, at, a2, at, a3, traffic);
    return vh_test_dq(buf);
}

static const char *const bridges[] = { "linux-bridge", "ovs" };

/* The rate at which a flow's packets arrived, from the first to the last
 * (the first packet's bytes came before the span). */
static double
arrival_bps(const struct flow_stats *fs)
{
    ck_assert_uint_gt(fs->delivered, 1);
    double span = (double) (fs->last_delivered - fs->first_delivered)
                  / (double) VH_SEC;
    double one = (double) fs->bytes_delivered / (double) fs->delivered;
    return ((double) fs->bytes_delivered - one) * 8.0 / span;
}

/* 300 Mbit/s of 1000-byte frames into a port shaped to 100 Mbit/s
 * average, 200 peak, a 100 KiB burst: over 400 ms the arrivals hold the
 * average (plus the one burst, spread over the run), the queue fills and
 * the rest is dropped as "shaping", every packet accounted for. */
START_TEST(test_shaping_holds_average)
{
    const char *br = bridges[_i];
    char *json = world_json(br, "", "",
        ", 'policy': {'shaping': {'average': '100Mbps', 'peak': '200Mbps', "
        "'burst': 102400}}", "", "", "420ms",
        "{'name': 'f', 'from': 'h/vm1', 'to': 'h/vm2', 'proto': 'udp', "
        "'size': 1000, 'rate': '300Mbps', 'start': '10ms'}");
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    const struct flow_stats *fs = &r.w->flows[0];
    double span = (double) (fs->last_delivered - fs->first_delivered)
                  / (double) VH_SEC;
    double want = 100e6 + 102400 * 8.0 / span;
    double got = arrival_bps(fs);
    ck_assert_msg(got > want * 0.99 && got < want * 1.01,
                  "%s: %.0f bit/s arrived, want %.0f", br, got, want);
    uint64_t shaped = vh_drops_get(&fs->drops, "shaping");
    ck_assert_msg(shaped > fs->sent / 2, "%s: %llu of %llu dropped as "
                  "shaping", br, (unsigned long long) shaped,
                  (unsigned long long) fs->sent);
    /* What is neither delivered nor dropped waits in the full queue. */
    uint64_t flight = fs->sent - fs->delivered - shaped;
    ck_assert_uint_le(flight, PORTPOLICY_QUEUE_FRAMES + 8);
    ck_assert_uint_ge(flight, PORTPOLICY_QUEUE_FRAMES - 8);
    if (!strcmp(br, "linux-bridge")) {
        /* The port's own counters say the same: what it passed (the
         * packets, a few still on their way to vm2 at the end, and vm1's
         * ARP request), most of it after a wait, and what it dropped. */
        struct lbridge *lb = wt_host(r.w, "h")->bridges[0];
        const struct portpolicy_port *pp = NULL;
        for (size_t i = 0; i < lbridge_n_ports(lb) && !pp; i++) {
            pp = lbridge_port_policy(lb, i);
        }
        ck_assert_ptr_nonnull(pp);
        ck_assert_uint_ge(pp->in.passed, fs->delivered + 1);
        ck_assert_uint_le(pp->in.passed, fs->delivered + 4);
        ck_assert_uint_gt(pp->in.delayed, pp->in.passed * 9 / 10);
        ck_assert_uint_le(pp->in.delayed, pp->in.passed);
        ck_assert_uint_eq(pp->in.peak_queued, PORTPOLICY_QUEUE_FRAMES);
        ck_assert_uint_eq(pp->drops[PP_SHAPING], shaped);
        ck_assert_uint_eq(pp->out.passed, 0);
    }
    wt_assert_held(r.w);
    wt_run_free(&r);
    free(json);
}
END_TEST

/* 150 frames at 300 Mbit/s after a quiet spell: with a 100 KiB burst
 * bonus all of them pass at the peak, 200 Mbit/s (not at the sender's
 * 300); with a burst of two frames they pass at the average. */
START_TEST(test_shaping_burst_at_peak)
{
    const char *br = bridges[_i];
    static const struct {
        const char *burst;
        double bps;
    } cases[] = { { "102400", 200e6 }, { "2100", 100e6 } };
    for (size_t c = 0; c < 2; c++) {
        char a1[256];
        snprintf(a1, sizeof a1, ", 'policy': {'shaping': {'average': "
                 "'100Mbps', 'peak': '200Mbps', 'burst': %s}}",
                 cases[c].burst);
        char *json = world_json(br, "", "", a1, "", "", "40ms",
            "{'name': 'f', 'from': 'h/vm1', 'to': 'h/vm2', 'proto': 'udp', "
            "'size': 1000, 'rate': '300Mbps', 'start': '10ms', "
            "'count': 150}");
        struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
        const struct flow_stats *fs = &r.w->flows[0];
        ck_assert_uint_eq(fs->delivered, fs->sent);
        double got = arrival_bps(fs);
        ck_assert_msg(got > cases[c].bps * 0.98 && got < cases[c].bps * 1.02,
                      "%s burst %s: %.0f bit/s, want %.0f", br,
                      cases[c].burst, got, cases[c].bps);
        wt_run_free(&r);
        free(json);
    }
}
END_TEST

/* Egress shaping, on what the switch sends the VM.  Without a "peak" the
 * peak is the average, so the burst bonus cannot raise the rate: the
 * arrivals keep to the average from the first frame. */
START_TEST(test_shaping_egress)
{
    const char *br = bridges[_i];
    char *json = world_json(br, "", "", "",
        ", 'policy': {'shaping': {'egress': {'average': '50Mbps'}}}", "",
        "60ms",
        "{'name': 'f', 'from': 'h/vm1', 'to': 'h/vm2', 'proto': 'udp', "
        "'size': 1000, 'rate': '400Mbps', 'start': '10ms', 'count': 2000}");
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    const struct flow_stats *fs = &r.w->flows[0];
    double want = 50e6;
    double got = arrival_bps(fs);
    ck_assert_msg(got > want * 0.99 && got < want * 1.01,
                  "%s: %.0f bit/s, want %.0f", br, got, want);
    ck_assert_uint_gt(vh_drops_get(&fs->drops, "shaping"), 0);
    wt_assert_held(r.w);
    wt_run_free(&r);
    free(json);
}
END_TEST

/* Two flows, vm1 to vm2 and vm2 to vm1, under vm1's port 'policy' and
 * NIC keys 'n1': how many of each arrived, and why the others did not. */
struct two_way {
    uint64_t out, back;         /* Delivered, of 20 each. */
    uint64_t out_why, back_why; /* Dropped for the reason asked. */
};

static struct two_way
two_way(const char *br, const char *n1, const char *policy,
        const char *why)
{
    char a1[512];
    snprintf(a1, sizeof a1, ", 'policy': %s", policy);
    char *json = world_json(br, "", n1, a1, "", "", "10ms",
        "{'name': 'out', 'from': 'h/vm1', 'to': 'h/vm2', 'proto': 'udp', "
        "'rate': '10kpps', 'count': 20, 'start': '1ms'},"
        "{'name': 'back', 'from': 'h/vm2', 'to': 'h/vm1', 'proto': 'udp', "
        "'rate': '10kpps', 'count': 20, 'start': '1ms'}");
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    struct two_way t = {
        r.w->flows[0].delivered, r.w->flows[1].delivered,
        vh_drops_get(&r.w->flows[0].drops, why),
        vh_drops_get(&r.w->flows[1].drops, why),
    };
    wt_assert_held(r.w);
    wt_run_free(&r);
    free(json);
    return t;
}

#define GUEST_MAC ", 'guest_mac': '02:00:00:00:00:99'"

/* The guest set its MAC to another.  Everything accepted: it talks.
 * Forged transmits rejected (MAC changes accepted): the change is the
 * port's effective MAC, so its frames are no forgery and it still talks;
 * with both rejected the change is refused and its frames, from the new
 * MAC, are forged: nothing leaves it.  MAC changes rejected alone: it
 * sends, but frames to its new MAC are dropped as "mac-change". */
START_TEST(test_security_mac)
{
    const char *br = bridges[_i];
    struct two_way t;
    t = two_way(br, GUEST_MAC, "{}", "forged-transmit");
    ck_assert_uint_eq(t.out, 20);
    ck_assert_uint_eq(t.back, 20);
    t = two_way(br, GUEST_MAC, "{'security': {'forged_transmits': false}}",
                "forged-transmit");
    ck_assert_uint_eq(t.out, 20);
    ck_assert_uint_eq(t.back, 20);
    t = two_way(br, GUEST_MAC, "{'security': {'forged_transmits': false, "
                "'mac_changes': false}}", "forged-transmit");
    ck_assert_uint_eq(t.out, 0);
    ck_assert_uint_eq(t.out_why, 20);
    ck_assert_uint_eq(t.back, 0);
    t = two_way(br, GUEST_MAC, "{'security': {'mac_changes': false}}",
                "mac-change");
    ck_assert_uint_eq(t.out, 20);
    ck_assert_uint_eq(t.back, 0);
    ck_assert_uint_eq(t.back_why, 20);
    /* Without a change of MAC, rejecting both changes nothing. */
    t = two_way(br, "", "{'security': {'forged_transmits': false, "
                "'mac_changes': false, 'promiscuous': false}}",
                "forged-transmit");
    ck_assert_uint_eq(t.out, 20);
    ck_assert_uint_eq(t.back, 20);
}
END_TEST

/* The policy state of vm3's port on the Linux bridge. */
static const struct portpolicy_port *
vm3_port(struct world *w)
{
    struct lbridge *lb = wt_host(w, "h")->bridges[0];
    for (size_t i = 0; i < lbridge_n_ports(lb); i++) {
        if (lbridge_port_policy(lb, i)) {
            return lbridge_port_policy(lb, i);
        }
    }
    ck_abort_msg("vm3's port has no policy");
    return NULL;
}

/* With its FDB entries ageing at once, the bridge floods vm1's unicast to
 * vm2 to every port: vm3's port, promiscuous Reject, holds the copies
 * back ("not-promiscuous"); with Accept vm3's NIC receives them.  vm2
 * gets every frame either way. */
START_TEST(test_security_promiscuous)
{
    static const struct {
        const char *promisc;
        bool sees;
    } cases[] = { { "false", false }, { "true", true } };
    for (size_t c = 0; c < 2; c++) {
        char a3[256];
        snprintf(a3, sizeof a3, ", 'policy': {'security': {'promiscuous': "
                 "%s}, 'blocked': false}", cases[c].promisc);
        char *json = world_json("linux-bridge", ", 'ageing': '1us'", "", "",
            "", a3, "10ms",
            "{'name': 'f', 'from': 'h/vm1', 'to': 'h/vm2', 'proto': 'udp', "
            "'rate': '10kpps', 'count': 20, 'start': '1ms'}");
        struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
        ck_assert_uint_eq(r.w->flows[0].delivered, 20);
        const struct portpolicy_port *pp = vm3_port(r.w);
        uint64_t rx = wt_dev(r.w, "h/vm3/eth0")->rx;
        if (cases[c].sees) {
            ck_assert_uint_eq(pp->drops[PP_PROMISC], 0);
            ck_assert_uint_ge(rx, 20);
        } else {
            ck_assert_uint_ge(pp->drops[PP_PROMISC], 20);
            ck_assert_uint_lt(rx, 5);   /* ARP broadcasts only. */
        }
        wt_assert_held(r.w);
        wt_run_free(&r);
        free(json);
    }
}
END_TEST

/* The first matching rule decides: a permit of UDP to vm2 before a deny
 * of everything to vm2 lets UDP through and stops ICMP; the other order
 * stops both.  Frames to the VM are judged too: a deny of vm2's address
 * as source stops vm2's flow into vm1. */
START_TEST(test_acl_first_match)
{
    const char *br = bridges[_i];
    static const struct {
        const char *acl;
        uint64_t udp, icmp, back;
    } cases[] = {
        { "[{'action': 'permit', 'proto': 'udp', 'dst_ip': '10.0.0.2'},"
          " {'action': 'deny', 'dst_ip': '10.0.0.2'}]", 20, 0, 20 },
        { "[{'action': 'deny', 'dst_ip': '10.0.0.2'},"
          " {'action': 'permit', 'proto': 'udp', 'dst_ip': '10.0.0.2'}]",
          0, 0, 20 },
        { "[{'action': 'deny', 'src_ip': '10.0.0.3'}]", 20, 20, 0 },
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char a1[512];
        snprintf(a1, sizeof a1, ", 'policy': {'acl': %s}", cases[c].acl);
        char *json = world_json(br, "", "", a1, "", "", "10ms",
            "{'name': 'u', 'from': 'h/vm1', 'to': 'h/vm2', 'proto': 'udp', "
            "'rate': '10kpps', 'count': 20, 'start': '1ms'},"
            "{'name': 'i', 'from': 'h/vm1', 'to': 'h/vm2', 'proto': 'icmp', "
            "'rate': '10kpps', 'count': 20, 'start': '1ms'},"
            "{'name': 'b', 'from': 'h/vm3', 'to': 'h/vm1', 'proto': 'udp', "
            "'rate': '10kpps', 'count': 20, 'start': '1ms'}");
        struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
        const struct flow_stats *f = r.w->flows;
        ck_assert_msg(f[0].delivered == cases[c].udp
                      && f[1].delivered == cases[c].icmp
                      && f[2].delivered == cases[c].back,
                      "%s case %zu: udp %llu icmp %llu back %llu", br, c,
                      (unsigned long long) f[0].delivered,
                      (unsigned long long) f[1].delivered,
                      (unsigned long long) f[2].delivered);
        for (size_t k = 0; k < 3; k++) {
            ck_assert_uint_eq(f[k].sent - f[k].delivered,
                              vh_drops_get(&f[k].drops, "port-acl-deny"));
        }
        wt_assert_held(r.w);
        wt_run_free(&r);
        free(json);
    }
}
END_TEST

/* A blocked port passes nothing either way: not even ARP, so vm1's
 * requests and vm2's to it are dropped at the port, and neither flow
 * gets a packet out; the other VMs still talk. */
START_TEST(test_blocked)
{
    const char *br = bridges[_i];
    char *json = world_json(br, "", "", ", 'policy': {'blocked': true}", "",
        "", "10ms",
        "{'name': 'o', 'from': 'h/vm1', 'to': 'h/vm2', 'proto': 'udp', "
        "'rate': '10kpps', 'count': 20, 'start': '1ms'},"
        "{'name': 'b', 'from': 'h/vm2', 'to': 'h/vm1', 'proto': 'udp', "
        "'rate': '10kpps', 'count': 20, 'start': '1ms'},"
        "{'name': 'x', 'from': 'h/vm2', 'to': 'h/vm3', 'proto': 'udp', "
        "'rate': '10kpps', 'count': 20, 'start': '1ms'}");
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    const struct flow_stats *f = r.w->flows;
    ck_assert_uint_eq(f[0].delivered, 0);
    ck_assert_uint_eq(f[1].delivered, 0);
    ck_assert_uint_eq(f[2].delivered, 20);
    const struct vh_device *d = wt_dev(r.w, "h/br0");
    ck_assert_ptr_nonnull(d->drop_reasons);
    ck_assert_uint_ge(vh_drops_get(d->drop_reasons, "port-blocked"), 2);
    wt_assert_held(r.w);
    wt_run_free(&r);
    free(json);
}
END_TEST

/* A VM on a trunk port of VLANs 10 and 20 (OVS, or a Linux bridge with
 * VLAN filtering) sees vm2's ARP requests (vm2 on access VLAN 10) tagged
 * with VLAN 10 on its NIC. */
START_TEST(test_trunk_to_vm_tagged)
{
    vh_tshark_require();
    bool ovs = _i == 1;
    const char *at = ovs ? "ovs" : "bridge";
    char buf[2048];
    snprintf(buf, sizeof buf,
        "{'name': 't', 'duration': '3ms', 'hosts': [{'name': 'h', "
        "'bridges': [{'name': 'br0', 'type': '%s'%s}], 'vms': ["
        "{'name': 'vm1', 'nics': [{'name': 'eth0', 'ip': '10.0.0.1/24', "
        "'attach': {'type': '%s', 'to': 'br0', 'trunks': [10, 20]}}]},"
        "{'name': 'vm2', 'nics': [{'name': 'eth0', 'ip': '10.0.0.2/24', "
        "'attach': {'type': '%s', 'to': 'br0', 'vlan': 10}}]},"
        "{'name': 'vm3', 'nics': [{'name': 'eth0', 'ip': '10.0.0.3/24', "
        "'attach': {'type': '%s', 'to': 'br0', 'vlan': 10}}]}]}], "
        "'traffic': [{'name': 'p', 'from': 'h/vm2', 'to': 'h/vm3', "
        "'proto': 'icmp', 'rate': '10kpps', 'count': 3}], "
        "'capture': [{'point': 'h/vm1/eth0', 'file': 'vm1.pcap'}]}",
        ovs ? "ovs" : "linux-bridge", ovs ? "" : ", 'vlan_filtering': true",
        at, at, at);
    char *json = vh_test_dq(buf);
    char *dir = vh_test_run_scenario(json, "");
    char cap[4200];
    snprintf(cap, sizeof cap, "%s/vm1.pcap", dir);
    vh_tshark_assert_clean(cap);
    char *out = vh_tshark_out(cap, "-Y 'arp.opcode == 1' -T fields "
                              "-e vlan.id -e arp.src.proto_ipv4");
    ck_assert_msg(strstr(out, "10\t10.0.0.2"), "ARP on the trunk: '%s'",
                  out);
    free(out);
    free(dir);
    free(json);
}
END_TEST

/* What the resume functions were handed, in order. */
struct resumed {
    struct world *w;
    vh_time_t at[16];
    void *ctx[16];
    size_t n;
};

static struct resumed resumed;

static void
record_resume(struct world *w, void *ctx, struct vh_packet *p)
{
    if (resumed.n < 16) {
        resumed.at[resumed.n] = w->sim.now;
        resumed.ctx[resumed.n] = ctx;
    }
    resumed.n++;
    vh_packet_free(p);
}

/* A 1000-byte frame on the wire (996 without the FCS) from 'src' to
 * 'dst'. */
static struct vh_packet *
frame(struct world *w, const struct vh_mac *src, const struct vh_mac *dst)
{
    struct vh_packet *p = vh_packet_alloc(&w->pool);
    memset(p->data, 0, 996);
    memcpy(p->data, dst->b, 6);
    memcpy(p->data + 6, src->b, 6);
    p->data[12] = 0x08;
    p->len = 996;
    return p;
}

/* The hooks as a switch of its own (the distributed switch) calls them,
 * with no bridge in between: 8 Mbit/s average, 16 peak, a 3000-byte
 * burst.  Eight frames at once: the first passes, the others come back
 * through the resume function at the peak's spacing (0.5 ms) while the
 * bonus lasts, then at the average's (1 ms); a move while they wait
 * sends the rest to the new context.  A frame from another MAC is
 * forged; after the guest changes its MAC (refused), its frames are
 * forged too and frames to its new MAC are a "mac-change". */
START_TEST(test_hooks_directly)
{
    char *json = world_json("linux-bridge", "", "", "", "", "", "1ms", "");
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    struct world *w = r.w;
    struct port_policy pol;
    portpolicy_vsphere_defaults(&pol);
    pol.ingress = (struct port_shaping) { true, 8000000, 16000000, 3000 };
    struct vh_mac mac = { { 0x52, 0x54, 0, 0, 0, 0x01 } };
    struct vh_mac peer = { { 0x52, 0x54, 0, 0, 0, 0x02 } };
    struct vh_mac other = { { 0x02, 0, 0, 0, 0, 0x99 } };
    struct vh_device *dev = wt_dev(w, "h/br0");
    struct portpolicy_port pp;
    int ctx1, ctx2;
    portpolicy_port_init(&pp, &pol, dev, "h/vm1/eth0", &mac, record_resume,
                         record_resume, &ctx1);
    memset(&resumed, 0, sizeof resumed);
    vh_time_t t0 = w->sim.now;
    struct vh_packet *p = frame(w, &mac, &peer);
    ck_assert_int_eq(portpolicy_from_vm(w, &pp, p), PP_PASS);
    vh_packet_free(p);          /* A pass leaves the frame to the caller. */
    for (int i = 1; i < 8; i++) {
        ck_assert_int_eq(portpolicy_from_vm(w, &pp, frame(w, &mac, &peer)),
                         PP_HELD);
    }
    vh_sim_run(&w->sim, t0 + 1200 * VH_US);
    portpolicy_port_move(&pp, dev, &ctx2);
    vh_sim_run(&w->sim, t0 + 10 * VH_MS);
    static const unsigned at_us[7] = { 500, 1000, 1500, 2000, 3000, 4000,
                                       5000 };
    ck_assert_uint_eq(resumed.n, 7);
    for (size_t i = 0; i < 7; i++) {
        ck_assert_msg(resumed.at[i] - t0 == at_us[i] * VH_US,
                      "frame %zu at %llu ps, want %u us", i + 1,
                      (unsigned long long) (resumed.at[i] - t0), at_us[i]);
        ck_assert_ptr_eq(resumed.ctx[i], i < 2 ? (void *) &ctx1
                                               : (void *) &ctx2);
    }
    ck_assert_uint_eq(pp.in.passed, 8);
    ck_assert_uint_eq(pp.in.delayed, 7);
    ck_assert_int_eq(portpolicy_from_vm(w, &pp, frame(w, &other, &peer)),
                     PP_DROPPED);
    ck_assert_uint_eq(pp.drops[PP_FORGED], 1);
    portpolicy_guest_mac(&pp, &other);
    ck_assert_int_eq(portpolicy_from_vm(w, &pp, frame(w, &other, &peer)),
                     PP_DROPPED);
    ck_assert_uint_eq(pp.drops[PP_FORGED], 2);
    ck_assert_int_eq(portpolicy_to_vm(w, &pp, frame(w, &peer, &other)),
                     PP_DROPPED);
    ck_assert_uint_eq(pp.drops[PP_MAC_CHANGE], 1);
    p = frame(w, &peer, &mac);
    ck_assert_int_eq(portpolicy_to_vm(w, &pp, p), PP_PASS);
    vh_packet_free(p);
    portpolicy_port_destroy(&pp);
    wt_run_free(&r);
    free(json);
}
END_TEST

static const struct {
    const char *policy;         /* vm1's attach "policy" or NIC keys. */
    const char *msg;            /* NULL: must load. */
} bad[] = {
    { "'policy': {'shaping': {'average': '100Mbps', 'peak': '1G', "
      "'burst': 4096}, 'security': {'promiscuous': true}, 'blocked': false, "
      "'acl': [{'action': 'deny', 'proto': 'icmp'}]}", NULL },
    { "'policy': {'shaping': {'peak': '1G'}}",
      "hosts[0].vms[0].nics[0].attach.policy.shaping: missing required "
      "key 'average'" },
    { "'policy': {'shaping': {'average': '100Mbps', 'peak': '50Mbps'}}",
      "hosts[0].vms[0].nics[0].attach.policy.shaping.peak: peak 50000000 "
      "bit/s is below average 100000000 bit/s" },
    { "'policy': {'shaping': {'average': '100Mbps', 'burst': 0}}",
      "hosts[0].vms[0].nics[0].attach.policy.shaping.burst:" },
    { "'policy': {'shaping': {'average': '1G', 'egress': {'average': '1G'}}}",
      "hosts[0].vms[0].nics[0].attach.policy.shaping: give either" },
    { "'policy': {'shaping': {'ingress': {'average': '1G', 'rate': 1}}}",
      "hosts[0].vms[0].nics[0].attach.policy.shaping.ingress: unknown key "
      "'rate'" },
    { "'policy': {'security': {'promiscous': false}}",
      "hosts[0].vms[0].nics[0].attach.policy.security: unknown key "
      "'promiscous'; did you mean 'promiscuous'?" },
    { "'policy': {'security': {'promiscuous': 'no'}}",
      "hosts[0].vms[0].nics[0].attach.policy.security.promiscuous:" },
    { "'policy': {'blocked': 1}",
      "hosts[0].vms[0].nics[0].attach.policy.blocked:" },
    { "'policy': {'acl': [{'action': 'deny', 'in_port': 'p1'}]}",
      "hosts[0].vms[0].nics[0].attach.policy.acl[0].in_port: a port's own "
      "ACL has no \"in_port\"" },
    { "'policy': {'acl': [{'proto': 'udp'}]}",
      "hosts[0].vms[0].nics[0].attach.policy.acl[0]: missing required key "
      "'action'" },
    { "'policy': {'shape': {}}",
      "hosts[0].vms[0].nics[0].attach.policy: unknown key 'shape'" },
    { "'policy': []", "hosts[0].vms[0].nics[0].attach.policy:" },
    { "'trunks': [10]", "hosts[0].vms[0].nics[0].trunks: VLAN trunks to a "
      "VM need \"vlan_filtering\": true on bridge 'br0'" },
};

START_TEST(test_refusals)
{
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char a1[1024];
        snprintf(a1, sizeof a1, ", %s", bad[i].policy);
        char *json = world_json("linux-bridge", "", "", a1, "", "", "1ms",
                                "");
        wt_assert_refused(json, bad[i].msg, i);
        free(json);
    }
}
END_TEST

/* From the command line: exit status 2, the path, no report written. */
START_TEST(test_refusal_exit_status)
{
    char *dir = vh_test_tmpdir();
    char *json = world_json("linux-bridge", "", "",
        ", 'policy': {'shaping': {'average': '1G', 'peak': '1M'}}", "", "",
        "1ms", "");
    char path[4200];
    snprintf(path, sizeof path, "%s/s.json", dir);
    FILE *f = fopen(path, "w");
    ck_assert(f);
    fputs(json, f);
    fclose(f);
    char *out = NULL;
    int st = vh_test_sh(&out, "bin=$(realpath '%s') && cd '%s' && "
                        "\"$bin\" run s.json --json r.json", vh_test_bin(),
                        dir);
    ck_assert_msg(st == 2, "exit %d: %s", st, out);
    ck_assert_msg(strstr(out, "hosts[0].vms[0].nics[0].attach.policy."
                         "shaping.peak"), "%s", out);
    free(out);
    st = vh_test_sh(&out, "test -e '%s/r.json'", dir);
    ck_assert_msg(st != 0, "a report was written");
    free(out);
    free(json);
    free(dir);
}
END_TEST

/* The shipped scenario, every variant, twice: the same bytes, less the
 * wall time the report gives (which a slow sanitizer build or a busy
 * machine moves past its rounding). */
START_TEST(test_deterministic)
{
    char *out = NULL, *dir = vh_test_tmpdir();
    char top[4096];
    ck_assert(getcwd(top, sizeof top));
    int st = vh_test_sh(&out, "bin=$(realpath '%s') && cd '%s' && "
                        "for v in '' shaped secure acl blocked aged; do "
                        "for i in 1 2; do \"$bin\" run '%s/scenarios/"
                        "port-policy.json' ${v:+--variant $v} "
                        "--json r$i.json -q || exit 1; "
                        "sed -i '/\"wall_s\"/d' r$i.json; done; "
                        "cmp r1.json r2.json || exit 1; done",
                        vh_test_bin(), dir, top);
    ck_assert_msg(st == 0, "%s", out);
    free(out);
    free(dir);
}
END_TEST

static Suite *
portpolicy_suite(void)
{
    Suite *s = suite_create("portpolicy");
    TCase *tc = tcase_create("portpolicy");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, test_shaping_holds_average, 0, 2);
    tcase_add_loop_test(tc, test_shaping_burst_at_peak, 0, 2);
    tcase_add_loop_test(tc, test_shaping_egress, 0, 2);
    tcase_add_loop_test(tc, test_security_mac, 0, 2);
    tcase_add_test(tc, test_security_promiscuous);
    tcase_add_loop_test(tc, test_acl_first_match, 0, 2);
    tcase_add_loop_test(tc, test_blocked, 0, 2);
    tcase_add_loop_test(tc, test_trunk_to_vm_tagged, 0, 2);
    tcase_add_test(tc, test_hooks_directly);
    tcase_add_test(tc, test_refusals);
    tcase_add_test(tc, test_refusal_exit_status);
    tcase_add_test(tc, test_deterministic);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(portpolicy_suite)
