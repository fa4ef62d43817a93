/* tests/test_vdp.c: VEPA completed, per-port reflective relay and VDP.
 *
 * The loader's refusals, by path; the gate (a VM's frame reaches the
 * switch before its association and is dropped, one after is forwarded;
 * a switch without VDP forwards both); the association itself as tshark
 * reads it from the host NIC's cable; ECP's retransmissions when the
 * cable is down; a migration, de-associated at the source port and
 * associated at the destination in that order, traffic flowing again;
 * reflective relay on one port only; and the same bytes on every run. */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/host.h"
#include "models/core/world.h"
#include "models/guest/vm.h"
#include "models/hostnet/vdp_station.h"
#include "models/hw/pnic.h"
#include "models/switch/l2switch.h"
#include "models/switch/vdp_bridge.h"
#include "report/report.h"
#include "sim/capture.h"
#include "sim/frame.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

static const struct vh_mac vm1_mac = { { 0x52, 0x54, 0, 0, 0, 1 } };
static const struct vh_mac remote_mac = { { 0x52, 0x54, 0, 0, 0, 0x64 } };

/* --- The loader. --- */

#define SW(keys)                                                        \
    "{'switches': [{'name': 'tor1', 'mode': 'vepa', 'ports': 4" keys "}]}"

/* Two hosts with macvtap VMs; vm1 (on host1, 'MODE') migrates to host2,
 * whose NICs and bridges are 'H2'. */
#define MIG(MODE, H2)                                                   \
    "{'hosts': [ { 'name': 'host1', 'nics': [ { 'name': 'eth0' } ],"    \
    "  'vms': [ { 'name': 'vm1', 'nics': [ { 'name': 'eth0',"           \
    "    'ip': '10.0.0.1/24',"                                           \
    "    'attach': { 'type': 'macvtap', 'to': 'eth0', 'mode': '" MODE   \
    "' } } ] } ] }, { 'name': 'host2', " H2 " } ],"                     \
    " 'events': [ { 'at': '1ms', 'action': 'migrate',"                  \
    "   'target': 'host1/vm1', 'to': 'host2' } ] }"

static const struct {
    const char *json;
    const char *msg;
} bad[] = {
    { SW(", 'vdp': 'yes'"), "switches[0].vdp: expected true, false or a "
      "list of ports such as [\"p1\", \"p2\"], got a string" },
    { SW(", 'vdp': ['p5']"), "switches[0].vdp[0]: port 5 is out of range; "
      "this switch has ports p1 to p4" },
    { SW(", 'vdp': [1, 'p1']"), "switches[0].vdp[1]: port p1 is listed "
      "twice" },
    { SW(", 'reflective_relay': ['eth1']"), "switches[0].reflective_relay"
      "[0]: malformed port 'eth1' (expected a port of this switch, \"p1\" "
      "to \"p4\", or its number)" },
    { SW(", 'reflective_relay': 2"), "switches[0].reflective_relay: "
      "expected true, false or a list of ports such as [\"p1\", \"p2\"], "
      "got a number" },
    { SW(", 'reflective-relay': true"), "switches[0]: unknown key "
      "'reflective-relay'; did you mean 'reflective_relay'?" },
    { MIG("passthru", "'nics': [ { 'name': 'eth0' } ]"),
      "events[0].target: not supported yet: migrating a VM whose NIC "
      "hosts[0].vms[0].nics[0] is a passthru macvtap" },
    { MIG("vepa", "'nics': [ { 'name': 'eth1' } ]"),
      "events[0].to: host 'host2' has no NIC 'eth0' for the macvtap of "
      "hosts[0].vms[0].nics[0] to join after migrating" },
    { MIG("vepa", "'nics': [ { 'name': 'eth0' } ], 'bridges': [ { 'name': "
          "'br0', 'ports': ['eth0'] } ]"),
      "events[0].to: NIC 'eth0' of host 'host2' is a port of bridge "
      "'br0'; the macvtap of hosts[0].vms[0].nics[0] cannot join it after "
      "migrating" },
    /* No kernel driver for lldpad's socket on the NIC. */
    { "{'hosts': [ { 'name': 'host1', 'cpu': {'cores': 4},"
      "  'nics': [ { 'name': 'eth0', 'link': 'tor1/p1' } ],"
      "  'bridges': [ { 'name': 'br0', 'type': 'ovs', 'datapath': 'dpdk',"
      "                 'ports': ['eth0'] } ],"
      "  'vms': [ { 'name': 'vm1', 'nics': [ { 'name': 'eth0',"
      "    'ip': '10.0.0.1/24', 'backend': 'vhost-user',"
      "    'attach': { 'type': 'ovs', 'to': 'br0' } } ] } ] } ],"
      " 'switches': [ { 'name': 'tor1', 'mode': 'vepa', 'ports': 4,"
      "                 'vdp': true } ] }",
      "hosts[0].nics[0].link: not supported yet: VDP on host1/eth0, which "
      "is driven by a DPDK poll-mode driver (lldpad needs the kernel's "
      "driver)" },
    { "{'hosts': [ { 'name': 'host1', 'iommu': {'enabled': true},"
      "  'nics': [ { 'name': 'eth0', 'link': 'tor1/p1' } ],"
      "  'vms': [ { 'name': 'vm1', 'nics': [ { 'name': 'eth0',"
      "    'ip': '10.0.0.1/24',"
      "    'attach': { 'type': 'passthrough', 'to': 'eth0' } } ] } ] } ],"
      " 'switches': [ { 'name': 'tor1', 'mode': 'vepa', 'ports': 4,"
      "                 'vdp': ['p1'] } ] }",
      "hosts[0].nics[0].link: not supported yet: VDP on host1/eth0, which "
      "is passed through to a guest (lldpad needs the kernel's driver)" },
};

START_TEST(test_vdp_refusals)
{
    char *json = vh_test_dq(bad[_i].json);
    char *msg = wt_refusal(json, NULL);
    ck_assert_msg(!strcmp(msg, bad[_i].msg), "\n got: %s\nwant: %s", msg,
                  bad[_i].msg);
    free(msg);
    free(json);
}
END_TEST

START_TEST(test_vdp_loaded)
{
    struct vh_diag d;
    vh_diag_init(&d);
    char *json = vh_test_dq("{'switches': ["
        "{'name': 'a', 'mode': 'vepa', 'ports': 3, 'vdp': true},"
        "{'name': 'b', 'mode': '802.1q', 'ports': 3, 'vdp': ['p3', 1],"
        " 'reflective_relay': [2]},"
        "{'name': 'c', 'mode': 'vepa', 'ports': 3, 'vdp': false,"
        " 'reflective_relay': false},"
        "{'name': 'd', 'mode': 'vepa', 'ports': 3, 'vdp': []}]}");
    struct cfg_scenario *c = cfg_load_string(json, "t.json", NULL, &d);
    ck_assert_msg(c, "%s", d.msg);
    const struct cfg_switch *s = c->switches;
    ck_assert(s[0].vdp && s[0].vdp[0] && s[0].vdp[1] && s[0].vdp[2]);
    ck_assert_ptr_null(s[0].relay);         /* The mode's default. */
    ck_assert(s[1].vdp[0] && !s[1].vdp[1] && s[1].vdp[2]);
    ck_assert(!s[1].relay[0] && s[1].relay[1] && !s[1].relay[2]);
    /* No port with VDP is no VDP; no relay is said so, port by port. */
    ck_assert_ptr_null(s[2].vdp);
    ck_assert(s[2].relay && !s[2].relay[0] && !s[2].relay[1]);
    ck_assert_ptr_null(s[3].vdp);
    cfg_free(c);
    free(json);
}
END_TEST

/* --- ECP on its own. --- */

/* Two ECP ends joined back to back; 'lose_b' of b's next frames are
 * lost on the way. */
struct pair {
    struct world *w;
    struct ecp_end a, b;
    int lose_b;
    struct vdp_msg got[8];      /* What b's upper layer was handed. */
    int n_got;
    uint16_t seqs[8];           /* Sequence numbers of a's requests. */
    int n_seqs;
    vh_time_t sent_at[8];
};

static void
to_b(struct world *w, void *ctx, struct vh_packet *p)
{
    struct pair *pr = ctx;
    struct vdp_msg m;
    ck_assert(vdp_parse(p->data, p->len, &m));
    vh_packet_free(p);
    if (m.ecp_op == ECP_OP_REQUEST) {
        ck_assert_int_lt(pr->n_seqs, 8);
        pr->sent_at[pr->n_seqs] = w->sim.now;
        pr->seqs[pr->n_seqs++] = m.seq;
    }
    if (ecp_input(&pr->b, &m)) {
        ck_assert_int_lt(pr->n_got, 8);
        pr->got[pr->n_got++] = m;
    }
}

static void
to_a(struct world *w, void *ctx, struct vh_packet *p)
{
    struct pair *pr = ctx;
    struct vdp_msg m;
    ck_assert(vdp_parse(p->data, p->len, &m));
    vh_packet_free(p);
    if (pr->lose_b > 0) {
        pr->lose_b--;
        return;
    }
    ecp_input(&pr->a, &m);
    (void) w;
}

START_TEST(test_ecp_retransmits_and_drops_duplicates)
{
    struct wt_run r = wt_run_json("{ \"duration\": \"1us\", \"hosts\": "
                                  "[ { \"name\": \"h\" } ] }", NULL, NULL,
                                  NULL);
    struct pair pr;
    memset(&pr, 0, sizeof pr);
    pr.w = r.w;
    ecp_init(&pr.a, r.w, &vm1_mac, to_b, &pr);
    ecp_init(&pr.b, r.w, &remote_mac, to_a, &pr);
    /* The number before the wrap: the next are 0xffff, then 1. */
    pr.a.seq = 0xfffe;
    pr.lose_b = 1;              /* The first acknowledgement. */
    struct vdp_msg m;
    memset(&m, 0, sizeof m);
    m.mode = VDP_ASSOC;
    m.filter_format = VDP_FILTER_MACVID;
    m.n_filters = 1;
    m.filters[0].mac = vm1_mac;
    m.vsiid[0] = 1;
    ecp_submit(&pr.a, &m);
    m.vsiid[0] = 2;
    ecp_submit(&pr.a, &m);
    /* One unit out at a time: the second waits for the first's ack. */
    ck_assert_int_eq(pr.n_seqs, 1);
    ck_assert_uint_eq(ecp_pending(&pr.a), 2);
    vh_sim_run(&r.w->sim, 100 * VH_MS);
    /* The first went twice, an ack timeout apart; b took it once and
     * acknowledged it twice; then the second, numbered past 0. */
    ck_assert_int_eq(pr.n_seqs, 3);
    ck_assert_uint_eq(pr.seqs[0], 0xffff);
    ck_assert_uint_eq(pr.seqs[1], 0xffff);
    ck_assert_uint_eq(pr.seqs[2], 1);
    ck_assert_uint_eq(pr.sent_at[1] - pr.sent_at[0], ECP_ACK_TIMEOUT);
    ck_assert_int_eq(pr.n_got, 2);
    ck_assert_uint_eq(pr.got[0].vsiid[0], 1);
    ck_assert_uint_eq(pr.got[1].vsiid[0], 2);
    ck_assert_uint_eq(pr.a.sent, 3);
    ck_assert_uint_eq(pr.a.retransmitted, 1);
    ck_assert_uint_eq(pr.a.acked, 2);
    ck_assert_uint_eq(pr.b.received, 2);
    ck_assert_uint_eq(pr.b.duplicates, 1);
    ck_assert_uint_eq(ecp_pending(&pr.a), 0);
    ecp_destroy(&pr.a);
    ecp_destroy(&pr.b);
    wt_run_free(&r);
}
END_TEST

/* --- Runs. --- */

/* host1's vm1 (a macvtap in VEPA mode on eth0, cabled to tor1/p1) and a
 * bare-metal remote on p2; tor1 is a vepa switch with keys '%s'.  Then
 * the traffic '%s', events '%s', and the run's duration '%s'. */
static const char gate_fmt[] =
    "{ 'name': 'vdp', 'seed': 3, 'duration': '%s',"
    "  'hosts': ["
    "   { 'name': 'host1', 'cpu': { 'cores': 4 },"
    "     'nics': [ { 'name': 'eth0', 'link': 'tor1/p1' } ],"
    "     'vms': [ { 'name': 'vm1', 'pin': [2], 'nics': [ {"
    "       'name': 'eth0', 'mac': '52:54:00:00:00:01',"
    "       'ip': '10.0.0.1/24', 'attach': { 'type': 'macvtap',"
    "       'to': 'eth0', 'mode': 'vepa' } } ] } ] },"
    "   { 'name': 'remote', 'nics': [ { 'name': 'eth0',"
    "       'mac': '52:54:00:00:00:64', 'ip': '10.0.0.100/24',"
    "       'link': 'tor1/p2' } ] } ],"
    "  'switches': [ { 'name': 'tor1', 'mode': 'vepa', 'ports': 4 %s } ],"
    "  'traffic': [ %s ], 'events': [ %s ] }";

static struct wt_run
run_gate(const char *duration, const char *sw, const char *traffic,
         const char *events, void (*subscribe)(struct world *, void *),
         void *ctx)
{
    char fmt[sizeof gate_fmt * 2], json[8192];
    snprintf(fmt, sizeof fmt, "%s", gate_fmt);
    char *q = vh_test_dq(fmt);
    snprintf(json, sizeof json, q, duration, sw, traffic, events);
    free(q);
    char *j = vh_test_dq(json);
    struct wt_run r = wt_run_json(j, NULL, subscribe, ctx);
    free(j);
    return r;
}

/* What a test records: frames dropped at the switch, and the frames it
 * injects. */
#define MAX_SEEN 64
struct seen {
    struct world *w;
    struct {
        vh_time_t time;
        const char *dev;
        const char *reason;
        struct vh_mac src;
    } drops[MAX_SEEN];
    int n_drops;
};

static void
on_drop(void *ctx, const struct vh_hop *h)
{
    struct seen *s = ctx;
    if (strncmp(h->dev->path, "tor1", 4) || s->n_drops == MAX_SEEN) {
        return;
    }
    s->drops[s->n_drops].time = h->time;
    s->drops[s->n_drops].dev = h->dev->path;
    s->drops[s->n_drops].reason = h->reason;
    s->drops[s->n_drops].src = *vh_eth_src(h->pkt->data);
    s->n_drops++;
}

/* A UDP frame from vm1 to the remote, handed to tor1/p1 whole, as if
 * the cable had just brought it. */
static void
inject(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct swport *sp = l2switch_port(w->switches[0], 1);
    struct vh_ip_hdr_spec s;
    memset(&s, 0, sizeof s);
    s.src_mac = vm1_mac;
    s.dst_mac = remote_mac;
    s.ip_src = 0x0a000001;
    s.ip_dst = 0x0a000064;
    struct vh_packet *p = vh_packet_alloc(&w->pool);
    p->len = vh_build_udp(p->data, &s, 7000, 9, NULL, 18);
    sp->port.rx(w, &sp->port, p);
    (void) obj;
    (void) arg;
}

/* Injects one frame at time 0, before any association can have reached
 * the switch, and one at 1 ms, long after. */
static void
subscribe_gate(struct world *w, void *ctx)
{
    struct seen *s = ctx;
    s->w = w;
    vh_trace_subscribe(&w->trace, VH_HOP_BIT(VH_HOP_DROP), on_drop, s);
    vh_schedule_at(&w->sim, 0, inject, NULL, NULL);
    vh_schedule_at(&w->sim, VH_MS, inject, NULL, NULL);
}

START_TEST(test_vdp_gates_until_associated)
{
    struct seen s;
    memset(&s, 0, sizeof s);
    struct wt_run r = run_gate("3ms", ", 'vdp': ['p1']", "", "",
                               subscribe_gate, &s);
    struct l2switch *sw = r.w->switches[0];
    /* The frame at 0 is dropped at p1, for the reason; the one at 1 ms
     * crosses to the remote's port. */
    ck_assert_int_eq(s.n_drops, 1);
    ck_assert_uint_eq(s.drops[0].time, 0);
    ck_assert_str_eq(s.drops[0].dev, "tor1/p1");
    ck_assert_str_eq(s.drops[0].reason, "vdp-not-associated");
    ck_assert(vh_mac_eq(&s.drops[0].src, &vm1_mac));
    ck_assert_uint_eq(wt_dev(r.w, "tor1/p2")->tx, 1);
    /* Associated in between, from the host's one request. */
    const struct vdp_vsi *v = vdp_bridge_find(sw->vdp, 0, &vm1_mac, 0);
    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(v->req.mode, VDP_ASSOC);
    ck_assert_uint_gt(v->since, 0);
    ck_assert_uint_lt(v->since, VH_MS);
    ck_assert_uint_eq(sw->vdp->associates, 1);
    /* The remote's port has no VDP: nothing to associate there. */
    ck_assert(!vdp_bridge_port_on(sw->vdp, 1));
    ck_assert_uint_eq(sw->vdp->ports[1].n_vsis, 0);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);

    /* Without VDP both frames cross, and the host runs no station. */
    memset(&s, 0, sizeof s);
    r = run_gate("3ms", "", "", "", subscribe_gate, &s);
    ck_assert_int_eq(s.n_drops, 0);
    ck_assert_uint_eq(wt_dev(r.w, "tor1/p2")->tx, 2);
    ck_assert_ptr_null(r.w->switches[0]->vdp);
    ck_assert_ptr_null(vdp_station_of(wt_host(r.w, "host1")->nics[0]));
    wt_run_free(&r);
}
END_TEST

static const char flow_1ms[] =
    "{ 'name': 'out', 'from': 'host1/vm1', 'to': 'remote',"
    "  'proto': 'udp', 'rate': '100kpps', 'count': 50, 'start': '1ms' }";

START_TEST(test_vdp_traffic_after_association)
{
    struct wt_run r = run_gate("5ms", ", 'vdp': ['p1']", flow_1ms, "",
                               NULL, NULL);
    struct host *h1 = wt_host(r.w, "host1");
    struct vdp_station *st = vdp_station_of(h1->nics[0]);
    ck_assert_ptr_nonnull(st);
    /* One VSI, vm1's, confirmed by the switch's response; one request
     * and one response each way, no retransmission. */
    ck_assert_uint_eq(st->n_vsis, 1);
    ck_assert_ptr_eq(st->vsis[0].n, &h1->vms[0]->nics[0]);
    ck_assert(st->vsis[0].confirmed);
    ck_assert_uint_lt(st->vsis[0].requested, st->vsis[0].answered);
    ck_assert_uint_eq(st->requests, 1);
    ck_assert_uint_eq(st->responses, 1);
    ck_assert_uint_eq(st->ecp.sent, 1);
    ck_assert_uint_eq(st->ecp.retransmitted, 0);
    ck_assert_uint_eq(st->ecp.acked, 1);
    ck_assert_uint_eq(st->ecp.received, 1);
    ck_assert_uint_eq(st->ecp.errors, 0);
    /* Request and ack out, ack and response in. */
    ck_assert_uint_eq(st->dev.tx, 2);
    ck_assert_uint_eq(st->dev.rx, 2);
    /* The flow starts after: every packet arrives. */
    ck_assert_uint_eq(r.w->flows[0].delivered, 50);
    ck_assert_uint_eq(r.w->flows[0].drops.total, 0);
    /* lldpad's work is the host's, under 'app'. */
    ck_assert_uint_gt(wt_cat_cycles(h1, CPU_APP), 0);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);

    /* With VDP on every port, the bare-metal remote's port drops what
     * the remote sends, its ARP reply first: nobody associates it. */
    struct seen s;
    memset(&s, 0, sizeof s);
    r = run_gate("5ms", ", 'vdp': true", flow_1ms, "", subscribe_gate, &s);
    ck_assert_uint_eq(r.w->flows[0].delivered, 0);
    int at_p2 = 0;
    for (int i = 0; i < s.n_drops; i++) {
        ck_assert_str_eq(s.drops[i].reason, "vdp-not-associated");
        at_p2 += !strcmp(s.drops[i].dev, "tor1/p2");
        if (!strcmp(s.drops[i].dev, "tor1/p2")) {
            ck_assert(vh_mac_eq(&s.drops[i].src, &remote_mac));
        }
    }
    ck_assert_int_gt(at_p2, 0);
    wt_run_free(&r);
}
END_TEST

START_TEST(test_vdp_retransmits_until_acknowledged)
{
    /* The cable is down for the first two transmissions (at about 0 and
     * 2.56 ms, the ack timeout later); the third, at 5.12 ms, gets
     * through. */
    struct wt_run r = run_gate("20ms", ", 'vdp': ['p1']", "",
        "{ 'at': '0ms', 'action': 'link-down', 'target': 'tor1/p1' },"
        "{ 'at': '4ms', 'action': 'link-up', 'target': 'tor1/p1' }",
        NULL, NULL);
    struct vdp_station *st = vdp_station_of(wt_host(r.w, "host1")->nics[0]);
    ck_assert_uint_eq(st->ecp.sent, 3);
    ck_assert_uint_eq(st->ecp.retransmitted, 2);
    ck_assert_uint_eq(st->ecp.errors, 0);
    ck_assert(st->vsis[0].confirmed);
    const struct vdp_vsi *v = vdp_bridge_find(r.w->switches[0]->vdp, 0,
                                              &vm1_mac, 0);
    ck_assert_ptr_nonnull(v);
    /* (The station's core, idle since the last try, first leaves C6.) */
    ck_assert_uint_ge(v->since, 2 * ECP_ACK_TIMEOUT);
    ck_assert_uint_lt(v->since, 2 * ECP_ACK_TIMEOUT + 20 * VH_US
                                + hw_time(r.w, COST_C6_EXIT, 0));
    wt_run_free(&r);

    /* Down for good: 1 + 3 transmissions, then an error, and nothing
     * associated. */
    r = run_gate("20ms", ", 'vdp': ['p1']", "",
        "{ 'at': '0ms', 'action': 'link-down', 'target': 'tor1/p1' }",
        NULL, NULL);
    st = vdp_station_of(wt_host(r.w, "host1")->nics[0]);
    ck_assert_uint_eq(st->ecp.sent, 1 + ECP_MAX_RETRIES);
    ck_assert_uint_eq(st->ecp.retransmitted, ECP_MAX_RETRIES);
    ck_assert_uint_eq(st->ecp.errors, 1);
    ck_assert_uint_eq(ecp_pending(&st->ecp), 0);
    ck_assert(!st->vsis[0].confirmed);
    ck_assert_uint_eq(r.w->switches[0]->vdp->ports[0].n_vsis, 0);
    /* Each transmission was lost on the way out, and said so. */
    ck_assert_uint_eq(wt_dev(r.w, "host1/eth0")->drops, 1 + ECP_MAX_RETRIES);
    wt_run_free(&r);
}
END_TEST

/* --- The capture. --- */

/* Frame 'n' (1-based) of classic pcap file 'path', in '*len' bytes;
 * NULL if there is none.  Points into 'file'. */
static const uint8_t *
pcap_frame(const char *file, size_t size, int n, uint32_t *len)
{
    size_t off = 24;
    for (int i = 1; off + 16 <= size; i++) {
        uint32_t incl;
        memcpy(&incl, file + off + 8, 4);
        if (i == n) {
            *len = incl;
            return (const uint8_t *) file + off + 16;
        }
        off += 16 + incl;
    }
    return NULL;
}

struct cap {
    const char *points[3];
    const char *files[3];
    size_t n;
    struct vh_capture *c;
};

static void
subscribe_capture(struct world *w, void *ctx)
{
    struct cap *c = ctx;
    char err[256];
    size_t failed;
    c->c = vh_capture_open(&w->trace, &w->devs, c->points, c->files, c->n,
                           &failed, err, sizeof err);
    ck_assert_msg(c->c, "%s", err);
}

static void
commit_capture(struct cap *c)
{
    char err[256];
    ck_assert_msg(vh_capture_commit(c->c, err, sizeof err) == 0, "%s", err);
}

/* vm1 on VLAN 100 of a VLAN-filtering Linux bridge on host1's eth0, to
 * an 802.1Q switch with VDP; its frames leave host1 tagged. */
static const char vlan_json[] =
    "{ 'name': 'vdp-vlan', 'seed': 3, 'duration': '3ms',"
    "  'hosts': ["
    "   { 'name': 'host1', 'cpu': { 'cores': 4 },"
    "     'nics': [ { 'name': 'eth0', 'link': 'tor1/p1' } ],"
    "     'bridges': [ { 'name': 'br0', 'ports': ['eth0'],"
    "                    'vlan_filtering': true } ],"
    "     'vms': [ { 'name': 'vm1', 'pin': [2], 'nics': [ {"
    "       'name': 'eth0', 'mac': '52:54:00:00:00:01', 'vlan': 100,"
    "       'ip': '10.0.0.1/24', 'attach': { 'type': 'bridge',"
    "       'to': 'br0' } } ] } ] } ],"
    "  'switches': [ { 'name': 'tor1', 'mode': '802.1q', 'ports': 4,"
    "                  'vdp': true } ] }";

START_TEST(test_vdp_capture_decodes)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    char path[4096];
    snprintf(path, sizeof path, "%s/host1-eth0.pcap", dir);
    struct cap c = { { "host1/eth0" }, { path }, 1, NULL };
    char *json = vh_test_dq(vlan_json);
    struct wt_run r = wt_run_json(json, NULL, subscribe_capture, &c);
    commit_capture(&c);
    struct vdp_station *st = vdp_station_of(wt_host(r.w, "host1")->nics[0]);
    ck_assert_uint_eq(st->vsis[0].req.filters[0].vid, 100);

    /* Nothing tshark finds wrong, and exactly the four frames of one
     * association: the host's request, the switch's ack, its response,
     * the host's ack. */
    vh_tshark_assert_clean(path);
    char *out = NULL;
    ck_assert_int_eq(vh_test_sh(&out, "tshark -r '%s' " VH_TSHARK_PREFS
                                " 2>/dev/null | wc -l", path), 0);
    ck_assert_int_eq(atoi(out), 4);
    free(out);

    static const char ecp[] = "-e frame.protocols -e eth.dst -e eth.src "
                              "-e ecp.ver -e ecp.op -e ecp.subtype "
                              "-e ecp.seqno";
    char want[512], host[18], sw[18], id[64];
    vh_mac_format(&st->nic->pf.mac, host);
    vh_mac_format(&r.w->switches[0]->sys_id, sw);
    snprintf(want, sizeof want, "eth:ethertype:ecp21:vdp21\t"
             "01:80:c2:00:00:00\t%s\t1\t0x0000\t0x0001\t1\n", host);
    vh_tshark_expect(path, 1, ecp, want);
    snprintf(want, sizeof want, "eth:ethertype:ecp21:data\t"
             "01:80:c2:00:00:00\t%s\t1\t0x0001\t0x0001\t1\n", sw);
    vh_tshark_expect(path, 2, ecp, want);
    snprintf(want, sizeof want, "eth:ethertype:ecp21:vdp21\t"
             "01:80:c2:00:00:00\t%s\t1\t0x0000\t0x0001\t1\n", sw);
    vh_tshark_expect(path, 3, ecp, want);
    snprintf(want, sizeof want, "eth:ethertype:ecp21:data\t"
             "01:80:c2:00:00:00\t%s\t1\t0x0001\t0x0001\t1\n", host);
    vh_tshark_expect(path, 4, ecp, want);

    /* The Associate and its response: the manager, type, version, the
     * VSI's UUID, the MAC/VLAN format. */
    int k = 0;
    for (int i = 0; i < VDP_VSIID_LEN; i++) {
        k += snprintf(id + k, sizeof id - (size_t) k, i ? ":%02x" : "%02x",
                      st->vsis[0].req.vsiid[i]);
    }
    static const char vdp[] = "-e vdp21.tlvtype -e vdp21.manager_id "
                              "-e vdp21.vsitypeid -e vdp21.vsiversion "
                              "-e vdp21.vsiidformat -e vdp21.VSIID "
                              "-e vdp21.filterformat "
                              "-e vdp21.assoc.flags.req_rsp";
    snprintf(want, sizeof want, "5,3\t::ffff:127.0.0.1\t0x000001\t0x01\t"
             "0x05\t%s\t0x02\t0\n", id);
    vh_tshark_expect(path, 1, vdp, want);
    snprintf(want, sizeof want, "5,3\t::ffff:127.0.0.1\t0x000001\t0x01\t"
             "0x05\t%s\t0x02\t1\n", id);
    vh_tshark_expect(path, 3, vdp, want);
    /* tshark 4.0 reads a draft without the entry count: the count 00 01,
     * then four bytes of the MAC, as the MAC; the MAC's last two as the
     * VID.  Pinned, so that both are where the standard puts them. */
    vh_tshark_expect(path, 1, "-e vdp21.assoc.mac_id -e vdp21.vidstr.vid",
                     "00:01:52:54:00:00\t0x0001\n");
    /* Where they are: the entry after the count, the VM's MAC and VLAN
     * 100 (0x064), the same in the response. */
    size_t size;
    char *file = vh_test_slurp(path, &size);
    ck_assert_ptr_nonnull(file);
    for (int n = 1; n <= 3; n += 2) {
        uint32_t len;
        const uint8_t *f = pcap_frame(file, size, n, &len);
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_ge(len, 71);
        const uint8_t *body = f + ECP_ULPDU_OFF + VDP_TLV_HLEN
                              + VDP_MGRID_LEN + VDP_TLV_HLEN;
        ck_assert_uint_eq(vh_get_be16(body + VDP_NFILTERS_OFF), 1);
        ck_assert_mem_eq(body + VDP_FILTERS_OFF, vm1_mac.b, 6);
        ck_assert_uint_eq(vh_get_be16(body + VDP_FILTERS_OFF + 6), 100);
    }
    free(file);
    /* And the switch took it so: vm1 on VLAN 100 at p1. */
    ck_assert_ptr_nonnull(vdp_bridge_find(r.w->switches[0]->vdp, 0,
                                          &vm1_mac, 100));
    wt_run_free(&r);
    free(json);
    vh_test_sh(NULL, "rm -r '%s'", dir);
    free(dir);
}
END_TEST

/* --- Migration. --- */

/* vm1 and vm2 on host1 (tor1/p1), vm3 on host2 (tor1/p2), all on
 * macvtaps in VEPA mode, tor1 a vepa switch with VDP; vm1 sends to vm2
 * and to vm3 and migrates to host2 at 5 ms with a 1 ms downtime. */
static const char mig_json[] =
    "{ 'name': 'vdp-mig', 'seed': 3, 'duration': '12ms',"
    "  'hosts': ["
    "   { 'name': 'host1', 'cpu': { 'cores': 4 },"
    "     'nics': [ { 'name': 'eth0', 'link': 'tor1/p1' } ],"
    "     'vms': ["
    "       { 'name': 'vm1', 'pin': [2], 'nics': [ { 'name': 'eth0',"
    "         'mac': '52:54:00:00:00:01', 'ip': '10.0.0.1/24',"
    "         'attach': { 'type': 'macvtap', 'to': 'eth0' } } ] },"
    "       { 'name': 'vm2', 'pin': [3], 'nics': [ { 'name': 'eth0',"
    "         'mac': '52:54:00:00:00:02', 'ip': '10.0.0.2/24',"
    "         'attach': { 'type': 'macvtap', 'to': 'eth0' } } ] } ] },"
    "   { 'name': 'host2', 'cpu': { 'cores': 4 },"
    "     'nics': [ { 'name': 'eth0', 'link': 'tor1/p2' } ],"
    "     'vms': ["
    "       { 'name': 'vm3', 'pin': [3], 'nics': [ { 'name': 'eth0',"
    "         'mac': '52:54:00:00:00:03', 'ip': '10.0.0.3/24',"
    "         'attach': { 'type': 'macvtap', 'to': 'eth0' } } ] } ] } ],"
    "  'switches': [ { 'name': 'tor1', 'mode': 'vepa', 'ports': 4,"
    "                  'vdp': true } ],"
    "  'traffic': ["
    "    { 'name': 'v12', 'from': 'host1/vm1', 'to': 'host1/vm2',"
    "      'proto': 'udp', 'rate': '50kpps', 'start': '1ms',"
    "      'duration': '10ms' },"
    "    { 'name': 'v13', 'from': 'host1/vm1', 'to': 'host2/vm3',"
    "      'proto': 'udp', 'rate': '50kpps', 'start': '1ms',"
    "      'duration': '10ms' } ],"
    "  'events': [ { 'at': '5ms', 'action': 'migrate',"
    "    'target': 'host1/vm1', 'to': 'host2', 'downtime': '1ms' } ] }";

/* A VDP request a host sent, as tshark and the bytes say. */
struct req {
    double time;
    char type[8];               /* tshark's TLV types: "5,3". */
    uint8_t status;
    uint8_t vsiid[VDP_VSIID_LEN];
};

/* The VDP requests that 'host' sent in capture 'path', at most 4, into
 * 'out'; returns how many.  tshark 4.0 decodes no Pre-Associate body, so
 * the status and VSI ID come from the frame's bytes. */
static int
host_requests(const char *path, const struct vh_mac *host, struct req *out)
{
    char mac[18], *txt = NULL;
    vh_mac_format(host, mac);
    ck_assert_int_eq(vh_test_sh(&txt, "tshark -r '%s' " VH_TSHARK_PREFS
                                " -Y 'ecp.op == 0 && eth.src == %s' -T "
                                "fields -E occurrence=a -E aggregator=, "
                                "-e frame.number -e frame.time_epoch "
                                "-e vdp21.tlvtype 2>/dev/null", path, mac),
                     0);
    size_t size;
    char *file = vh_test_slurp(path, &size);
    ck_assert_ptr_nonnull(file);
    int n = 0, num;
    const char *l = txt;
    for (; n < 4 && sscanf(l, "%d\t%lf\t%7s", &num, &out[n].time,
                           out[n].type) == 3; n++) {
        uint32_t len;
        const uint8_t *f = pcap_frame(file, size, num, &len);
        ck_assert_ptr_nonnull(f);
        const uint8_t *body = f + ECP_ULPDU_OFF + VDP_TLV_HLEN
                              + VDP_MGRID_LEN + VDP_TLV_HLEN;
        out[n].status = body[VDP_STATUS_OFF];
        memcpy(out[n].vsiid, body + VDP_VSIID_OFF, VDP_VSIID_LEN);
        l = strchr(l, '\n');
        if (!l) {
            n++;
            break;
        }
        l++;
    }
    free(file);
    free(txt);
    return n;
}

START_TEST(test_vdp_migration_moves_the_association)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    char p1[4096], p2[4096];
    snprintf(p1, sizeof p1, "%s/host1.pcap", dir);
    snprintf(p2, sizeof p2, "%s/host2.pcap", dir);
    struct cap c = { { "host1/eth0", "host2/eth0" }, { p1, p2 }, 2, NULL };
    char *json = vh_test_dq(mig_json);
    struct wt_run r = wt_run_json(json, NULL, subscribe_capture, &c);
    commit_capture(&c);
    struct world *w = r.w;
    struct l2switch *sw = w->switches[0];
    struct vdp_station *s1 = vdp_station_of(wt_host(w, "host1")->nics[0]);
    struct vdp_station *s2 = vdp_station_of(wt_host(w, "host2")->nics[0]);

    /* In the switch: vm1 is gone from p1 and associated on p2 since it
     * resumed; vm2 and vm3 stay where they were. */
    ck_assert_ptr_null(vdp_bridge_find(sw->vdp, 0, &vm1_mac, 0));
    const struct vdp_vsi *v = vdp_bridge_find(sw->vdp, 1, &vm1_mac, 0);
    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(v->req.mode, VDP_ASSOC);
    ck_assert(v->req.status & VDP_M_BIT);
    /* (host2's core, idle until then, first leaves C6.) */
    ck_assert_uint_ge(v->since, 6 * VH_MS);
    ck_assert_uint_lt(v->since, 6 * VH_MS + 20 * VH_US
                                + hw_time(w, COST_C6_EXIT, 0));
    ck_assert_uint_eq(sw->vdp->ports[0].n_vsis, 1);
    ck_assert_uint_eq(sw->vdp->ports[1].n_vsis, 2);
    ck_assert_uint_eq(sw->vdp->associates, 4);
    ck_assert_uint_eq(sw->vdp->preassociates, 1);
    ck_assert_uint_eq(sw->vdp->deassociates, 1);
    ck_assert_uint_eq(s1->n_vsis, 1);       /* vm2 only. */
    ck_assert_uint_eq(s2->n_vsis, 2);

    /* On the cables, in order: host1 de-associates vm1 at 5 ms while
     * host2 pre-associates it (with the M bit: migrating here); host2
     * associates it at 6 ms, M bit again.  The VSI ID is the one vm1 had
     * on host1. */
    vh_tshark_assert_clean(p1);
    vh_tshark_assert_clean(p2);
    struct req de[4], pre[4];
    ck_assert_int_eq(host_requests(p1, &s1->nic->pf.mac, de), 3);
    ck_assert_int_eq(host_requests(p2, &s2->nic->pf.mac, pre), 3);
    const uint8_t *vm1_id = s2->vsis[1].req.vsiid;
    ck_assert_ptr_eq(s2->vsis[1].n->dev, wt_dev(w, "host1/vm1/eth0"));
    /* host1: two Associates at 0 (vm1 first), the De-Associate. */
    ck_assert_str_eq(de[0].type, "5,3");
    ck_assert_mem_eq(de[0].vsiid, vm1_id, VDP_VSIID_LEN);
    ck_assert_str_eq(de[2].type, "5,4");
    ck_assert_mem_eq(de[2].vsiid, vm1_id, VDP_VSIID_LEN);
    ck_assert(!(de[2].status & VDP_M_BIT));
    /* host2: vm3's Associate at 0, then vm1's Pre-Associate and
     * Associate. */
    ck_assert_str_eq(pre[1].type, "5,1");
    ck_assert_str_eq(pre[2].type, "5,3");
    for (int i = 1; i <= 2; i++) {
        ck_assert_mem_eq(pre[i].vsiid, vm1_id, VDP_VSIID_LEN);
        ck_assert(pre[i].status & VDP_M_BIT);
    }
    /* Each within 10 us of its moment, or 133 us more where the
     * station's core had slept into C6 and leaves it first. */
    double c6 = (double) hw_time(w, COST_C6_EXIT, 0) / VH_SEC;
    ck_assert(de[2].time >= 0.005 && de[2].time < 0.00501 + c6);
    ck_assert(pre[1].time >= 0.005 && pre[1].time < 0.00501 + c6);
    ck_assert(pre[2].time >= 0.006 && pre[2].time < 0.00601 + c6);

    /* The first announcement raced the association and lost: dropped at
     * p2; what vm1 sends after arrives.  Both flows keep going after the
     * move, vm1 -> vm3 now by the hairpin on p2. */
    ck_assert_uint_eq(wt_dev(w, "tor1/p2")->drops, 1);
    for (size_t i = 0; i < w->n_flows; i++) {
        const struct flow_stats *fs = &w->flows[i];
        ck_assert_uint_gt(fs->last_delivered, 7 * VH_MS);
        ck_assert_uint_eq(fs->delivered + fs->drops.total
                          + world_in_flight(w, fs), fs->sent);
        for (size_t k = 0; k < fs->drops.n; k++) {
            ck_assert_str_ne(fs->drops.reason[k], "vdp-not-associated");
        }
    }
    ck_assert_uint_gt(l2fwd_reflected(&sw->l2, 1), 0);
    wt_assert_conserved(w, false);
    wt_run_free(&r);
    free(json);
    vh_test_sh(NULL, "rm -r '%s'", dir);
    free(dir);
}
END_TEST

/* --- Reflective relay per port. --- */

/* vm1 and vm2 behind p1, vm3 and vm4 behind p2, macvtaps in VEPA mode;
 * tor1 relays on p1 only.  vm1 -> vm2 and vm3 -> vm4, 20 packets each. */
static const char relay_json[] =
    "{ 'name': 'relay', 'seed': 3, 'duration': '3ms',"
    "  'hosts': ["
    "   { 'name': 'host1', 'cpu': { 'cores': 4 },"
    "     'nics': [ { 'name': 'eth0', 'link': 'tor1/p1' } ],"
    "     'vms': ["
    "       { 'name': 'vm1', 'pin': [2], 'nics': [ { 'name': 'eth0',"
    "         'ip': '10.0.0.1/24', 'attach': { 'type': 'macvtap',"
    "         'to': 'eth0' } } ] },"
    "       { 'name': 'vm2', 'pin': [3], 'nics': [ { 'name': 'eth0',"
    "         'ip': '10.0.0.2/24', 'attach': { 'type': 'macvtap',"
    "         'to': 'eth0' } } ] } ] },"
    "   { 'name': 'host2', 'cpu': { 'cores': 4 },"
    "     'nics': [ { 'name': 'eth0', 'link': 'tor1/p2' } ],"
    "     'vms': ["
    "       { 'name': 'vm3', 'pin': [2], 'nics': [ { 'name': 'eth0',"
    "         'ip': '10.0.0.3/24', 'attach': { 'type': 'macvtap',"
    "         'to': 'eth0' } } ] },"
    "       { 'name': 'vm4', 'pin': [3], 'nics': [ { 'name': 'eth0',"
    "         'ip': '10.0.0.4/24', 'attach': { 'type': 'macvtap',"
    "         'to': 'eth0' } } ] } ] } ],"
    "  'switches': [ { 'name': 'tor1', 'mode': 'vepa', 'ports': 4,"
    "                  'reflective_relay': ['p1'] } ],"
    "  'traffic': ["
    "    { 'name': 'v12', 'from': 'host1/vm1', 'to': 'host1/vm2',"
    "      'proto': 'udp', 'rate': '100kpps', 'count': 20 },"
    "    { 'name': 'v34', 'from': 'host2/vm3', 'to': 'host2/vm4',"
    "      'proto': 'udp', 'rate': '100kpps', 'count': 20 } ] }";

START_TEST(test_relay_on_one_port)
{
    char *json = vh_test_dq(relay_json);
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    struct world *w = r.w;
    struct l2switch *sw = w->switches[0];
    /* Behind p1, the hairpin; behind p2, the 802.1Q rule: vm3's ARP
     * request for vm4 never comes back, and its packets wait for the
     * answer. */
    ck_assert_uint_eq(w->flows[0].delivered, 20);
    ck_assert_uint_eq(w->flows[1].delivered, 0);
    ck_assert_uint_eq(world_in_flight(w, &w->flows[1]), 20);
    /* Everything host1 sends is for a VM behind p1, so every frame p1
     * took in went back out by it, and each counted once; p2 sent none
     * back: all it sent host2 is vm1's ARP broadcast. */
    ck_assert_uint_gt(wt_dev(w, "tor1/p1")->rx, 20);
    ck_assert_uint_eq(l2fwd_reflected(&sw->l2, 0),
                      wt_dev(w, "tor1/p1")->rx);
    ck_assert_uint_eq(l2fwd_reflected(&sw->l2, 1), 0);
    ck_assert_uint_gt(wt_dev(w, "tor1/p2")->rx, 0);
    ck_assert_uint_eq(wt_dev(w, "tor1/p2")->tx, 1);

    /* The report lists p1 alone, with that count. */
    cJSON *rep = report_json(w, 0);
    const cJSON *e = cJSON_GetArrayItem(
        cJSON_GetObjectItemCaseSensitive(rep, "switches"), 0);
    const cJSON *refl = cJSON_GetObjectItemCaseSensitive(e, "reflected");
    ck_assert_int_eq(cJSON_GetArraySize(refl), 1);
    const cJSON *p = cJSON_GetArrayItem(refl, 0);
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(p, "port")
                     ->valuestring, "p1");
    ck_assert_uint_eq((uint64_t) cJSON_GetObjectItemCaseSensitive(p,
                          "frames")->valuedouble,
                      l2fwd_reflected(&sw->l2, 0));
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(e, "vdp"));
    cJSON_Delete(rep);
    wt_assert_conserved(w, false);
    wt_run_free(&r);
    free(json);
}
END_TEST

/* --- The report and determinism. --- */

static char *
report_text(const char *json)
{
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    cJSON *rep = report_json(r.w, 0);
    char *s = cJSON_Print(rep);
    cJSON_Delete(rep);
    wt_run_free(&r);
    return s;
}

START_TEST(test_vdp_report_and_determinism)
{
    char *json = vh_test_dq(mig_json);
    char *a = report_text(json), *b = report_text(json);
    ck_assert_str_eq(a, b);
    cJSON *rep = cJSON_Parse(a);
    const cJSON *e = cJSON_GetArrayItem(
        cJSON_GetObjectItemCaseSensitive(rep, "switches"), 0);
    const cJSON *vdp = cJSON_GetObjectItemCaseSensitive(e, "vdp");
    ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(vdp, "associates")
                     ->valueint, 4);
    ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(vdp, "deassociates")
                     ->valueint, 1);
    /* Port by port: vm2 on p1; vm3, then vm1 on p2. */
    const cJSON *vsis = cJSON_GetObjectItemCaseSensitive(vdp, "vsis");
    ck_assert_int_eq(cJSON_GetArraySize(vsis), 3);
    static const char *const want[][3] = {
        { "p1", "52:54:00:00:00:02", "associated" },
        { "p2", "52:54:00:00:00:03", "associated" },
        { "p2", "52:54:00:00:00:01", "associated" },
    };
    for (int i = 0; i < 3; i++) {
        const cJSON *v = cJSON_GetArrayItem(vsis, i);
        ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(v, "port")
                         ->valuestring, want[i][0]);
        ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(v, "mac")
                         ->valuestring, want[i][1]);
        ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(v, "state")
                         ->valuestring, want[i][2]);
        ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(v, "vlan")
                         ->valueint, 0);
    }
    ck_assert_int_ge(cJSON_GetObjectItemCaseSensitive(
                         cJSON_GetArrayItem(vsis, 2), "since_ns")
                     ->valuedouble, 6e6);
    /* The stations are devices of their NICs. */
    const cJSON *devs = cJSON_GetObjectItemCaseSensitive(rep, "devices");
    int stations = 0;
    for (const cJSON *d = devs->child; d; d = d->next) {
        stations += !strcmp(cJSON_GetObjectItemCaseSensitive(d, "kind")
                            ->valuestring, "vdp-station");
    }
    ck_assert_int_eq(stations, 2);
    cJSON_Delete(rep);
    free(a);
    free(b);
    free(json);
}
END_TEST

static Suite *
vdp_suite(void)
{
    Suite *s = suite_create("vdp");
    TCase *tc = tcase_create("loader");
    tcase_add_loop_test(tc, test_vdp_refusals, 0,
                        (int) (sizeof bad / sizeof bad[0]));
    tcase_add_test(tc, test_vdp_loaded);
    suite_add_tcase(s, tc);
    tc = tcase_create("ecp");
    tcase_add_test(tc, test_ecp_retransmits_and_drops_duplicates);
    suite_add_tcase(s, tc);
    tc = tcase_create("runs");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_vdp_gates_until_associated);
    tcase_add_test(tc, test_vdp_traffic_after_association);
    tcase_add_test(tc, test_vdp_retransmits_until_acknowledged);
    tcase_add_test(tc, test_vdp_capture_decodes);
    tcase_add_test(tc, test_vdp_migration_moves_the_association);
    tcase_add_test(tc, test_relay_on_one_port);
    tcase_add_test(tc, test_vdp_report_and_determinism);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(vdp_suite)
