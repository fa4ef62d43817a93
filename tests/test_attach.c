/* tests/test_attach.c: host-side attachments: the NAT network and macvtap.
 *
 * Each test runs a small world and reads the frames as they cross a
 * device (a recorder on the trace bus, as a capture would see them, or
 * a capture itself, read back with tshark, for TCP's super-frames):
 * what NAT must put on the wire and what it must keep out, which macvtap
 * modes keep VM-to-VM frames in the host, lose them at the switch, or get
 * them back by reflection, and that every packet is accounted for. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/hw/cpu.h"
#include "models/endpoint/endpoint.h"
#include "models/core/host.h"
#include "models/switch/l2switch.h"
#include "models/hostnet/macvtap.h"
#include "models/hostnet/nat.h"
#include "models/hw/pnic.h"
#include "models/core/world.h"
#include "models/endpoint/tcp.h"
#include "sim/capture.h"
#include "sim/frame.h"
#include "sim/trace.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* --- Running a scenario and recording frames at one device. --- */

struct seen {
    enum vh_hop_kind kind;      /* VH_HOP_RX or VH_HOP_TX. */
    int32_t flow;
    uint64_t id;
    uint32_t len;
    uint8_t data[1600];
};

struct recorder {
    const char *at;             /* Path of the device to record, or NULL. */
    uint32_t dev;               /* Its id, once the world is built. */
    struct seen *v;
    size_t n;
};

static void
record_hop(void *ctx, const struct vh_hop *h)
{
    struct recorder *r = ctx;
    if (!h->dev || h->dev->id != r->dev) {
        return;
    }
    r->v = realloc(r->v, (r->n + 1) * sizeof *r->v);
    ck_assert_ptr_nonnull(r->v);
    struct seen *s = &r->v[r->n++];
    s->kind = h->kind;
    s->flow = h->pkt->flow;
    s->id = h->pkt->id;
    s->len = h->pkt->len;
    ck_assert_uint_le(s->len, sizeof s->data);
    memcpy(s->data, h->pkt->data, s->len);
}

/* Subscribes the two recorders at 'rec' that have a device to record. */
static void
subscribe_recorders(struct world *w, void *rec_)
{
    struct recorder *rec = rec_;
    for (int i = 0; i < 2; i++) {
        if (rec[i].at) {
            rec[i].dev = wt_dev(w, rec[i].at)->id;
            vh_trace_subscribe(&w->trace, VH_HOP_BIT(VH_HOP_RX)
                               | VH_HOP_BIT(VH_HOP_TX), record_hop, &rec[i]);
        }
    }
}

struct run {
    struct wt_run wt;
    struct recorder rec[2];
};

/* Loads 'json', builds it, records RX/TX frames at devices 'at0' and
 * 'at1' (either may be NULL), and runs it. */
static struct run
run_json(const char *json, const char *at0, const char *at1)
{
    struct run r;
    memset(&r, 0, sizeof r);
    r.rec[0].at = at0;
    r.rec[1].at = at1;
    r.wt = wt_run_json(json, NULL, subscribe_recorders, r.rec);
    return r;
}

static void
run_free(struct run *r)
{
    wt_run_free(&r->wt);
    free(r->rec[0].v);
    free(r->rec[1].v);
}

/* 'json' with its first 'from' replaced by 'to', in 'out'. */
static void
subst(char *out, size_t size, const char *json, const char *from,
      const char *to)
{
    const char *at = strstr(json, from);
    ck_assert_ptr_nonnull(at);
    snprintf(out, size, "%.*s%s%s", (int) (at - json), json, to,
             at + strlen(from));
}

static uint32_t
ip(const char *s)
{
    uint32_t a;
    ck_assert(vh_ipv4_parse(s, &a, NULL));
    return a;
}

/* --- NAT. --- */

/* host1's VMs on its NAT network, its eth0 (10.0.0.10) cabled to tor1,
 * and a remote on the same switch.  '%s': vm1's attach extras, the
 * remote's NIC extras, the traffic. */
static const char nat_fmt[] =
    "{ \"name\": \"nat\", \"duration\": \"3ms\", \"seed\": 3,"
    "  \"hosts\": ["
    "   { \"name\": \"host1\", \"cpu\": { \"cores\": 4 },"
    "     \"nics\": [ { \"name\": \"eth0\", \"ip\": \"10.0.0.10/24\","
    "                 \"link\": \"tor1/p1\" } ],"
    "     \"vms\": ["
    "       { \"name\": \"vm1\", \"pin\": [2], \"nics\": [ {"
    "           \"name\": \"eth0\", \"ip\": \"192.168.122.10/24\","
    "           \"attach\": { \"type\": \"nat\" %s } } ] },"
    "       { \"name\": \"vm2\", \"pin\": [3], \"nics\": [ {"
    "           \"name\": \"eth0\", \"ip\": \"192.168.122.11/24\","
    "           \"attach\": { \"type\": \"nat\" } } ] } ] },"
    "   { \"name\": \"remote\", \"nics\": [ { \"name\": \"eth0\","
    "       \"ip\": \"10.0.0.100/24\", \"link\": \"tor1/p2\" %s } ] } ],"
    "  \"switches\": [ { \"name\": \"tor1\", \"ports\": 4 } ],"
    "  \"traffic\": [ %s ] }";

static struct run
run_nat(const char *attach_extra, const char *remote_extra,
        const char *traffic, const char *at0, const char *at1)
{
    char json[8192];
    snprintf(json, sizeof json, nat_fmt, attach_extra, remote_extra,
             traffic);
    return run_json(json, at0, at1);
}

START_TEST(test_nat_masquerades_outbound)
{
    struct run r = run_nat("", "",
        "{ \"name\": \"u\", \"from\": \"host1/vm1\", \"to\": \"remote\","
        "  \"proto\": \"udp\", \"rate\": \"50kpps\", \"count\": 20 },"
        "{ \"name\": \"p\", \"from\": \"host1/vm2\", \"to\": \"remote\","
        "  \"proto\": \"icmp\", \"rate\": \"20kpps\", \"count\": 5 }",
        "host1/eth0", "host1/vm1/eth0");
    struct world *w = r.wt.w;
    ck_assert_uint_eq(w->flows[0].delivered, 20);
    ck_assert_uint_eq(w->flows[1].delivered, 5);    /* Echo replies. */

    /* On the uplink every IPv4 frame out carries the host's address, and
     * every one in is addressed to it; checksums verify. */
    size_t out = 0, in = 0, requests = 0, replies = 0;
    for (size_t i = 0; i < r.rec[0].n; i++) {
        const struct seen *s = &r.rec[0].v[i];
        struct vh_frame_info fi;
        ck_assert_int_eq(vh_frame_parse(s->data, s->len, &fi, true), 0);
        if (!fi.is_ipv4) {
            continue;
        }
        if (s->kind == VH_HOP_TX) {
            out++;
            ck_assert_uint_eq(fi.ip_src, ip("10.0.0.10"));
            ck_assert_uint_eq(fi.ip_dst, ip("10.0.0.100"));
            ck_assert_uint_eq(fi.ip_ttl, 63);   /* Routed once. */
            if (fi.ip_proto == VH_IPPROTO_UDP) {
                /* The port was free: masquerading keeps it. */
                ck_assert_uint_eq(fi.sport, 10000);
            } else {
                requests++;
                ck_assert_uint_eq(fi.icmp_type, VH_ICMP_ECHO_REQUEST);
                ck_assert_uint_eq(fi.icmp_id, 0x101);
            }
        } else {
            in++;
            ck_assert_uint_eq(fi.ip_dst, ip("10.0.0.10"));
            ck_assert_uint_eq(fi.icmp_type, VH_ICMP_ECHO_REPLY);
            replies++;
        }
    }
    ck_assert_uint_eq(out, 25);
    ck_assert_uint_eq(requests, 5);
    ck_assert_uint_eq(in, 5);
    ck_assert_uint_eq(replies, 5);
    /* The VM's side of it: still its private addresses. */
    ck_assert_uint_eq(w->hosts[0]->nat->masqueraded, 25);
    ck_assert_uint_eq(w->hosts[0]->nat->replies, 5);
    wt_assert_conserved(w, true);
    run_free(&r);
}
END_TEST

START_TEST(test_nat_reply_is_translated_back)
{
    /* The remote pings nobody; vm1 pings the remote and the replies come
     * back to vm1's private address and original echo id. */
    struct run r = run_nat("", "",
        "{ \"name\": \"p\", \"from\": \"host1/vm1\", \"to\": \"remote\","
        "  \"proto\": \"icmp\", \"rate\": \"20kpps\", \"count\": 4 }",
        "host1/vm1/eth0", NULL);
    size_t replies = 0;
    for (size_t i = 0; i < r.rec[0].n; i++) {
        const struct seen *s = &r.rec[0].v[i];
        struct vh_frame_info fi;
        ck_assert_int_eq(vh_frame_parse(s->data, s->len, &fi, true), 0);
        if (s->kind == VH_HOP_RX && fi.is_ipv4) {
            ck_assert_uint_eq(fi.ip_dst, ip("192.168.122.10"));
            ck_assert_uint_eq(fi.ip_src, ip("10.0.0.100"));
            ck_assert_uint_eq(fi.icmp_id, 0x100);
            replies++;
        }
    }
    ck_assert_uint_eq(replies, 4);
    ck_assert_uint_eq(r.wt.w->flows[0].delivered, 4);
    wt_assert_conserved(r.wt.w, true);
    run_free(&r);
}
END_TEST

START_TEST(test_nat_conflicting_ports_are_remapped)
{
    /* Both VMs send from port 5000 to the same remote port: the second
     * connection cannot keep it behind the one shared address. */
    struct run r = run_nat("", "",
        "{ \"name\": \"a\", \"from\": \"host1/vm1\", \"to\": \"remote\","
        "  \"proto\": \"udp\", \"rate\": \"20kpps\", \"count\": 3,"
        "  \"sport\": 5000 },"
        "{ \"name\": \"b\", \"from\": \"host1/vm2\", \"to\": \"remote\","
        "  \"proto\": \"udp\", \"rate\": \"20kpps\", \"count\": 3,"
        "  \"sport\": 5000, \"start\": \"500us\" }",
        "host1/eth0", NULL);
    int seen_a = 0, seen_b = 0;
    for (size_t i = 0; i < r.rec[0].n; i++) {
        const struct seen *s = &r.rec[0].v[i];
        struct vh_frame_info fi;
        ck_assert_int_eq(vh_frame_parse(s->data, s->len, &fi, true), 0);
        if (s->kind != VH_HOP_TX || !fi.is_ipv4) {
            continue;
        }
        ck_assert_uint_eq(fi.ip_src, ip("10.0.0.10"));
        if (s->flow == 0) {
            ck_assert_uint_eq(fi.sport, 5000);
            seen_a++;
        } else {
            ck_assert_uint_eq(fi.sport, 5001);
            seen_b++;
        }
    }
    ck_assert_int_eq(seen_a, 3);
    ck_assert_int_eq(seen_b, 3);
    wt_assert_conserved(r.wt.w, true);
    run_free(&r);
}
END_TEST

START_TEST(test_nat_inbound_has_no_route)
{
    /* From outside, the VM's private address is unreachable: the remote
     * has no route to 192.168.122.0/24. */
    struct run r = run_nat("", "",
        "{ \"name\": \"in\", \"from\": \"remote\", \"to\": \"host1/vm1\","
        "  \"proto\": \"udp\", \"rate\": \"50kpps\", \"count\": 10 }",
        NULL, NULL);
    const struct flow_stats *fs = &r.wt.w->flows[0];
    ck_assert_uint_eq(fs->delivered, 0);
    ck_assert_uint_eq(vh_drops_get(&fs->drops, "no-route"), 10);
    wt_assert_conserved(r.wt.w, true);
    run_free(&r);
}
END_TEST

START_TEST(test_nat_inbound_is_rejected_by_the_host)
{
    /* With the host as its gateway, the remote's packets reach host1,
     * which routes only replies into the private network. */
    struct run r = run_nat("", ", \"gateway\": \"10.0.0.10\"",
        "{ \"name\": \"in\", \"from\": \"remote\", \"to\": \"host1/vm1\","
        "  \"proto\": \"udp\", \"rate\": \"50kpps\", \"count\": 10 }",
        "host1/vm1/eth0", NULL);
    const struct flow_stats *fs = &r.wt.w->flows[0];
    ck_assert_uint_eq(fs->delivered, 0);
    ck_assert_uint_eq(vh_drops_get(&fs->drops, "nat-no-mapping"), 10);
    ck_assert_uint_eq(r.wt.w->hosts[0]->nat->dev.drops, 10);
    for (size_t i = 0; i < r.rec[0].n; i++) {
        ck_assert_int_lt(r.rec[0].v[i].flow, 0);    /* None reached it. */
    }
    wt_assert_conserved(r.wt.w, true);
    run_free(&r);
}
END_TEST

START_TEST(test_nat_port_forward_lets_in)
{
    struct run r = run_nat(
        ", \"forward\": [ { \"proto\": \"udp\", \"port\": 8080,"
        "                   \"to_port\": 9 } ]", "",
        "{ \"name\": \"in\", \"from\": \"remote\", \"to\": \"host1/vm1\","
        "  \"proto\": \"udp\", \"rate\": \"50kpps\", \"count\": 10,"
        "  \"dport\": 8080 },"
        "{ \"name\": \"other\", \"from\": \"remote\", \"to\": \"host1/vm1\","
        "  \"proto\": \"udp\", \"rate\": \"50kpps\", \"count\": 10,"
        "  \"dport\": 8081 }",
        "host1/eth0", "host1/vm1/eth0");
    struct world *w = r.wt.w;
    ck_assert_uint_eq(w->flows[0].delivered, 10);
    ck_assert_uint_eq(w->flows[0].dst_ip, ip("10.0.0.10"));
    /* No forward for 8081: the remote must use the private address. */
    ck_assert_uint_eq(vh_drops_get(&w->flows[1].drops, "no-route"), 10);
    size_t outside = 0, inside = 0;
    for (size_t i = 0; i < r.rec[0].n; i++) {
        const struct seen *s = &r.rec[0].v[i];
        struct vh_frame_info fi;
        ck_assert_int_eq(vh_frame_parse(s->data, s->len, &fi, true), 0);
        if (s->kind == VH_HOP_RX && fi.is_ipv4) {
            ck_assert_uint_eq(fi.ip_dst, ip("10.0.0.10"));
            ck_assert_uint_eq(fi.dport, 8080);
            outside++;
        }
    }
    for (size_t i = 0; i < r.rec[1].n; i++) {
        const struct seen *s = &r.rec[1].v[i];
        struct vh_frame_info fi;
        ck_assert_int_eq(vh_frame_parse(s->data, s->len, &fi, true), 0);
        if (s->kind == VH_HOP_RX && fi.is_ipv4) {
            ck_assert_uint_eq(fi.ip_dst, ip("192.168.122.10"));
            ck_assert_uint_eq(fi.ip_src, ip("10.0.0.100"));
            ck_assert_uint_eq(fi.dport, 9);
            inside++;
        }
    }
    ck_assert_uint_eq(outside, 10);
    ck_assert_uint_eq(inside, 10);
    wt_assert_conserved(w, true);
    run_free(&r);
}
END_TEST

/* --- TCP through NAT. --- */

static uint64_t
goodput(const struct world *w, size_t i)
{
    ck_assert_ptr_nonnull(w->flows[i].xport);
    return w->flows[i].xport->goodput_bytes;
}

/* vm1 streams to the remote, masqueraded; the remote streams to vm1's
 * forwarded TCP port.  Every byte arrives both ways; outside, only the
 * host's address and ports are seen (the SYN-ACK of the forwarded
 * connection comes from 8443, as the remote addressed it), inside only
 * the VM's; the super-frames NAT rewrote keep good checksums. */
START_TEST(test_nat_tcp_both_ways)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    char up[512], vm[512];
    snprintf(up, sizeof up, "%s/up.pcap", dir);
    snprintf(vm, sizeof vm, "%s/vm1.pcap", dir);
    struct wt_caps cc = { { "host1/eth0", "host1/vm1/eth0" },
                          { up, vm }, NULL };
    char json[8192];
    snprintf(json, sizeof json, nat_fmt,
             ", \"forward\": [ { \"proto\": \"tcp\", \"port\": 8443,"
             "                   \"to_port\": 443 } ]", "",
             "{ \"name\": \"out\", \"from\": \"host1/vm1\","
             "  \"to\": \"remote\", \"proto\": \"tcp\", \"bytes\": 300000 },"
             "{ \"name\": \"in\", \"from\": \"remote\", \"to\": \"host1/vm1\","
             "  \"proto\": \"tcp\", \"dport\": 8443, \"bytes\": 200000 }");
    struct wt_run r = wt_run_json(json, NULL, wt_caps_open, &cc);
    wt_caps_commit(&cc);
    struct world *w = r.w;
    ck_assert_uint_eq(goodput(w, 0), 300000);
    ck_assert_uint_eq(goodput(w, 1), 200000);
    ck_assert_uint_eq(w->flows[1].dst_ip, ip("10.0.0.10"));
    wt_assert_conserved(w, true);

    /* The connection table: vm1's masqueraded connection, and the
     * remote's to the forward, whose replies leave from 8443. */
    const struct nat *nat = w->hosts[0]->nat;
    ck_assert_uint_eq(nat->n_conns, 2);
    const struct nat_conn *m = &nat->conns[0], *d = &nat->conns[1];
    if (m->dnat) {
        const struct nat_conn *t = m;
        m = d;
        d = t;
    }
    ck_assert(!m->dnat && d->dnat);
    ck_assert_uint_eq(m->proto, VH_IPPROTO_TCP);
    ck_assert_uint_eq(m->in_ip, ip("192.168.122.10"));
    ck_assert_uint_eq(m->nat_port, m->in_port);     /* Kept: free. */
    ck_assert_uint_eq(d->in_ip, ip("192.168.122.10"));
    ck_assert_uint_eq(d->in_port, 443);
    ck_assert_uint_eq(d->nat_port, 8443);
    ck_assert_uint_gt(nat->masqueraded, 0);
    ck_assert_uint_gt(nat->forwarded, 0);
    ck_assert_uint_gt(nat->replies, 0);

    vh_tshark_assert_tcp_clean(up, "");
    vh_tshark_assert_tcp_clean(vm, "");
    /* Outside: never the private address nor the VM's port 443. */
    ck_assert_int_eq(vh_tshark_count(up, "ip.addr == 192.168.122.0/24"), 0);
    ck_assert_int_eq(vh_tshark_count(up, "tcp.port == 443"), 0);
    ck_assert_int_gt(vh_tshark_count(up, "ip.src == 10.0.0.10 && "
                                  "tcp.dstport == 9 && tcp.len > 0"), 0);
    ck_assert_int_eq(vh_tshark_count(up, "ip.src == 10.0.0.10 && "
                                  "tcp.srcport == 8443 && "
                                  "tcp.flags.syn == 1 && "
                                  "tcp.flags.ack == 1"), 1);
    /* Both connections closed both ways, through the translation. */
    ck_assert_int_eq(vh_tshark_count(up, "tcp.flags.fin == 1"), 4);
    ck_assert_int_eq(vh_tshark_count(vm, "tcp.flags.fin == 1"), 4);
    /* Inside: the remote's segments at port 443, its address kept, some
     * of them merged by GRO and translated whole. */
    ck_assert_int_eq(vh_tshark_count(vm, "tcp.port == 8443"), 0);
    ck_assert_int_gt(vh_tshark_count(vm, "ip.src == 10.0.0.100 && "
                                  "ip.dst == 192.168.122.10 && "
                                  "tcp.dstport == 443 && "
                                  "frame.len > 1514"), 0);
    wt_run_free(&r);
    free(dir);
}
END_TEST

/* A TCP connection to a port with no TCP forward (8080 forwards UDP) is
 * addressed to the VM's private address, and the host rejects it as it
 * rejects UDP's: nothing is let in. */
START_TEST(test_nat_tcp_without_forward_rejected)
{
    struct run r = run_nat(
        ", \"forward\": [ { \"proto\": \"udp\", \"port\": 8080,"
        "                   \"to_port\": 9 } ]",
        ", \"gateway\": \"10.0.0.10\"",
        "{ \"name\": \"in\", \"from\": \"remote\", \"to\": \"host1/vm1\","
        "  \"proto\": \"tcp\", \"dport\": 8080, \"bytes\": 100000 }",
        NULL, NULL);
    struct world *w = r.wt.w;
    const struct flow_stats *fs = &w->flows[0];
    ck_assert_uint_eq(fs->dst_ip, ip("192.168.122.10"));
    ck_assert_uint_eq(fs->delivered, 0);
    ck_assert_uint_eq(goodput(w, 0), 0);
    ck_assert_uint_gt(vh_drops_get(&fs->drops, "nat-no-mapping"), 0);
    ck_assert_uint_eq(w->hosts[0]->nat->n_conns, 0);
    wt_assert_conserved(w, true);
    run_free(&r);
}
END_TEST

START_TEST(test_nat_host_and_neighbours)
{
    /* Around the NAT network: a VM beside it on a bridge (reached
     * through the host, translated), another NAT VM (reached directly on
     * virbr0), and the host itself both ways (routed, not translated). */
    static const char json[] =
        "{ \"name\": \"n\", \"duration\": \"3ms\","
        "  \"hosts\": ["
        "   { \"name\": \"host1\", \"cpu\": { \"cores\": 4 },"
        "     \"nics\": [ { \"name\": \"eth0\", \"ip\": \"10.0.0.10/24\","
        "                 \"link\": \"tor1/p1\" } ],"
        "     \"bridges\": [ { \"name\": \"br0\", \"ports\": [\"eth0\"] } ],"
        "     \"vms\": ["
        "       { \"name\": \"vm1\", \"pin\": [2], \"nics\": [ {"
        "           \"name\": \"eth0\", \"ip\": \"192.168.122.10/24\","
        "           \"attach\": { \"type\": \"nat\" } } ] },"
        "       { \"name\": \"vm2\", \"pin\": [3], \"nics\": [ {"
        "           \"name\": \"eth0\", \"ip\": \"192.168.122.11/24\","
        "           \"attach\": { \"type\": \"nat\" } } ] },"
        "       { \"name\": \"vm3\", \"pin\": [3], \"nics\": [ {"
        "           \"name\": \"eth0\", \"ip\": \"10.0.0.3/24\","
        "           \"attach\": { \"type\": \"bridge\", \"to\": \"br0\" } } ] } ] },"
        "   { \"name\": \"remote\", \"nics\": [ { \"name\": \"eth0\","
        "       \"ip\": \"10.0.0.100/24\", \"link\": \"tor1/p2\" } ] } ],"
        "  \"switches\": [ { \"name\": \"tor1\", \"ports\": 4 } ],"
        "  \"traffic\": ["
        "   { \"name\": \"a\", \"from\": \"host1/vm1\", \"to\": \"host1/vm3\","
        "     \"proto\": \"icmp\", \"rate\": \"10kpps\", \"count\": 5 },"
        "   { \"name\": \"b\", \"from\": \"host1/vm1\", \"to\": \"host1/vm2\","
        "     \"proto\": \"icmp\", \"rate\": \"10kpps\", \"count\": 5 },"
        "   { \"name\": \"c\", \"from\": \"host1/vm1\", \"to\": \"host1\","
        "     \"proto\": \"icmp\", \"rate\": \"10kpps\", \"count\": 5 },"
        "   { \"name\": \"d\", \"from\": \"host1\", \"to\": \"host1/vm2\","
        "     \"proto\": \"icmp\", \"rate\": \"10kpps\", \"count\": 5 } ] }";
    struct run r = run_json(json, "host1/vm3/eth0", NULL);
    for (size_t i = 0; i < 4; i++) {
        ck_assert_msg(r.wt.w->flows[i].delivered == 5, "flow %zu: %llu", i,
                      (unsigned long long) r.wt.w->flows[i].delivered);
    }
    /* vm3 sees vm1 as the host's address. */
    size_t requests = 0;
    for (size_t i = 0; i < r.rec[0].n; i++) {
        const struct seen *s = &r.rec[0].v[i];
        struct vh_frame_info fi;
        ck_assert_int_eq(vh_frame_parse(s->data, s->len, &fi, true), 0);
        if (s->kind == VH_HOP_RX && fi.is_ipv4) {
            ck_assert_uint_eq(fi.ip_src, ip("10.0.0.10"));
            requests++;
        }
    }
    ck_assert_uint_eq(requests, 5);
    wt_assert_conserved(r.wt.w, true);
    run_free(&r);
}
END_TEST

START_TEST(test_nat_costs_routing_and_translation)
{
    /* The same VM-to-remote traffic through a bridge and through NAT: NAT
     * adds connection tracking, routing and rewriting per packet, on the
     * vhost worker's core, as softirq. */
    static const char bridged[] =
        "{ \"name\": \"br\", \"duration\": \"3ms\","
        "  \"hosts\": ["
        "   { \"name\": \"host1\", \"cpu\": { \"cores\": 4 },"
        "     \"nics\": [ { \"name\": \"eth0\", \"link\": \"tor1/p1\" } ],"
        "     \"bridges\": [ { \"name\": \"br0\", \"ports\": [\"eth0\"] } ],"
        "     \"vms\": [ { \"name\": \"vm1\", \"pin\": [2], \"nics\": [ {"
        "       \"name\": \"eth0\", \"ip\": \"10.0.0.1/24\","
        "       \"attach\": { \"type\": \"bridge\", \"to\": \"br0\" } } ] } ] },"
        "   { \"name\": \"remote\", \"nics\": [ { \"name\": \"eth0\","
        "       \"ip\": \"10.0.0.100/24\", \"link\": \"tor1/p2\" } ] } ],"
        "  \"switches\": [ { \"name\": \"tor1\", \"ports\": 4 } ],"
        "  \"traffic\": [ { \"name\": \"u\", \"from\": \"host1/vm1\","
        "    \"to\": \"remote\", \"rate\": \"50kpps\", \"count\": 50 } ] }";
    struct run b = run_json(bridged, NULL, NULL);
    struct run n = run_nat("", "",
        "{ \"name\": \"u\", \"from\": \"host1/vm1\", \"to\": \"remote\","
        "  \"rate\": \"50kpps\", \"count\": 50 }", NULL, NULL);
    ck_assert_uint_eq(b.wt.w->flows[0].delivered, 50);
    ck_assert_uint_eq(n.wt.w->flows[0].delivered, 50);
    uint64_t cb = wt_host_cycles(b.wt.w->hosts[0]);
    uint64_t cn = wt_host_cycles(n.wt.w->hosts[0]);
    ck_assert_msg(cn > cb, "NAT %llu cycles, bridge %llu",
                  (unsigned long long) cn, (unsigned long long) cb);
    wt_assert_conserved(b.wt.w, true);
    wt_assert_conserved(n.wt.w, true);
    run_free(&b);
    run_free(&n);
}
END_TEST

START_TEST(test_nat_refusals)
{
    char base[8192], json[8192];
    /* No address on the uplink: nothing to masquerade behind. */
    snprintf(base, sizeof base, nat_fmt, "", "",
             "{ \"name\": \"u\", \"from\": \"host1/vm1\","
             "  \"to\": \"host1/vm2\", \"rate\": \"1kpps\","
             "  \"count\": 1 }");
    subst(json, sizeof json, base, "\"ip\": \"10.0.0.10/24\",", "");
    char *msg = wt_refusal(json, NULL);
    ck_assert_msg(strstr(msg, "hosts[0].vms[0].nics[0].attach")
                  && strstr(msg, "host1/eth0"), "%s", msg);
    free(msg);

    /* A forward on anything but NAT. */
    msg = wt_refusal(
        "{ \"hosts\": [ { \"name\": \"h\", \"nics\": [ { \"name\": \"eth0\" } ],"
        "  \"bridges\": [ { \"name\": \"br0\", \"ports\": [\"eth0\"] } ],"
        "  \"vms\": [ { \"name\": \"v\", \"nics\": [ { \"name\": \"eth0\","
        "    \"ip\": \"10.0.0.1/24\", \"attach\": { \"type\": \"bridge\","
        "    \"to\": \"br0\", \"forward\": [ { \"proto\": \"udp\","
        "    \"port\": 80 } ] } } ] } ] } ] }", NULL);
    ck_assert_msg(strstr(msg, "attach.forward")
                  && strstr(msg, "only to attach type nat"), "%s", msg);
    free(msg);

    /* The gateway address belongs to the host. */
    subst(json, sizeof json, base, "192.168.122.11/", "192.168.122.1/");
    msg = wt_refusal(json, NULL);
    ck_assert_msg(strstr(msg, "hosts[0].vms[1].nics[0].ip")
                  && strstr(msg, "gateway"), "%s", msg);
    free(msg);

    /* Between subnets with no NAT anywhere, nothing could route. */
    msg = wt_refusal(
        "{ \"hosts\": [ { \"name\": \"a\", \"nics\": [ { \"name\": \"eth0\","
        "    \"ip\": \"10.0.0.1/24\", \"gateway\": \"10.0.0.254\","
        "    \"link\": \"b/eth0\" } ] },"
        "  { \"name\": \"b\", \"nics\": [ { \"name\": \"eth0\","
        "    \"ip\": \"10.0.1.1/24\" } ] } ],"
        "  \"traffic\": [ { \"name\": \"f\", \"from\": \"a\", \"to\": \"b\","
        "    \"rate\": \"1kpps\", \"count\": 1 } ] }", NULL);
    ck_assert_msg(strstr(msg, "traffic[0].to")
                  && strstr(msg, "is not in the subnet of"), "%s", msg);
    free(msg);
}
END_TEST

/* --- macvtap. --- */

/* host1's two VMs on macvtaps over eth0 (no bridge), cabled to tor1 with
 * a remote.  '%s': extra keys of host1's eth0, extra keys of host1, vm1's
 * attach, vm2's attach, the switch mode, the traffic. */
static const char mvt_fmt[] =
    "{ \"name\": \"mvt\", \"duration\": \"%s\", \"seed\": 5,"
    "  \"hosts\": ["
    "   { \"name\": \"host1\", \"cpu\": { \"cores\": 4 },"
    "     \"nics\": [ { \"name\": \"eth0\", %s \"link\": \"tor1/p1\" } ],"
    "     %s"
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
    "                  \"ports\": 4 } ],"
    "  \"traffic\": [ %s ] }";

static void
mvt_json(char *json, size_t size, const char *duration, const char *nic_x,
         const char *host_x, const char *m1, const char *m2, const char *sw,
         const char *traffic)
{
    char a1[128], a2[128];
    snprintf(a1, sizeof a1, "{ \"type\": \"macvtap\", \"to\": \"eth0\","
             " \"mode\": \"%s\" }", m1);
    snprintf(a2, sizeof a2, "{ \"type\": \"macvtap\", \"to\": \"eth0\","
             " \"mode\": \"%s\" }", m2);
    snprintf(json, size, mvt_fmt, duration, nic_x, host_x, a1, a2, sw,
             traffic);
}

static struct run
run_mvt(const char *m1, const char *m2, const char *sw, const char *traffic,
        const char *at0, const char *at1)
{
    char json[8192];
    mvt_json(json, sizeof json, "3ms", "", "", m1, m2, sw, traffic);
    return run_json(json, at0, at1);
}

static const char vm1_to_vm2[] =
    "{ \"name\": \"f\", \"from\": \"host1/vm1\", \"to\": \"host1/vm2\","
    "  \"proto\": \"udp\", \"rate\": \"100kpps\", \"count\": 20 }";

/* Flow packets recorded in direction 'kind'. */
static size_t
flow_frames(const struct recorder *r, enum vh_hop_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++) {
        n += r->v[i].kind == kind && r->v[i].flow >= 0;
    }
    return n;
}

START_TEST(test_macvtap_bridge_mode_stays_inside)
{
    struct run r = run_mvt("bridge", "bridge", "802.1q", vm1_to_vm2,
                           "host1/eth0", NULL);
    struct world *w = r.wt.w;
    ck_assert_uint_eq(w->flows[0].delivered, 20);
    /* Only vm1's ARP broadcast went out (bridge mode also sends
     * broadcasts to the wire); not one data frame did. */
    ck_assert_uint_eq(flow_frames(&r.rec[0], VH_HOP_TX), 0);
    ck_assert_uint_eq(flow_frames(&r.rec[0], VH_HOP_RX), 0);
    ck_assert_uint_eq(w->hosts[0]->nics[0]->dev.tx, 1);
    wt_assert_conserved(w, true);
    run_free(&r);
}
END_TEST

START_TEST(test_macvtap_vepa_without_hairpin_loses_frames)
{
    /* Everything leaves by the NIC and an 802.1Q switch never sends it
     * back: vm1's ARP request for vm2 is lost there, and with it every
     * packet waiting for the answer.  The first hundred wait in the ARP
     * queue; the rest are dropped, and the report says why. */
    struct run r = run_mvt("vepa", "vepa", "802.1q",
        "{ \"name\": \"f\", \"from\": \"host1/vm1\", \"to\": \"host1/vm2\","
        "  \"proto\": \"udp\", \"rate\": \"500kpps\", \"count\": 300 }",
        "tor1/p1", NULL);
    struct world *w = r.wt.w;
    const struct flow_stats *fs = &w->flows[0];
    ck_assert_uint_eq(fs->delivered, 0);
    ck_assert_uint_eq(vh_drops_get(&fs->drops, "no-hairpin"), 200);
    ck_assert_uint_eq(world_in_flight(w, fs), 100);
    /* The request went in at p1 and never came back out of it. */
    size_t in = 0, out = 0;
    for (size_t i = 0; i < r.rec[0].n; i++) {
        struct vh_frame_info fi;
        vh_frame_parse(r.rec[0].v[i].data, r.rec[0].v[i].len, &fi, false);
        if (fi.is_arp && fi.arp_tpa == ip("10.0.0.2")) {
            in += r.rec[0].v[i].kind == VH_HOP_RX;
            out += r.rec[0].v[i].kind == VH_HOP_TX;
        }
    }
    ck_assert_uint_eq(in, 1);
    ck_assert_uint_eq(out, 0);
    wt_assert_conserved(w, false);
    run_free(&r);
}
END_TEST

START_TEST(test_macvtap_vepa_with_reflective_relay)
{
    struct run r = run_mvt("vepa", "vepa", "vepa", vm1_to_vm2, "tor1/p1",
                           "host1/eth0");
    struct world *w = r.wt.w;
    ck_assert_uint_eq(w->flows[0].delivered, 20);
    /* Each data frame crosses the cable twice: into p1 and back out of
     * it, the same packet in both directions. */
    ck_assert_uint_eq(flow_frames(&r.rec[0], VH_HOP_RX), 20);
    ck_assert_uint_eq(flow_frames(&r.rec[0], VH_HOP_TX), 20);
    ck_assert_uint_eq(flow_frames(&r.rec[1], VH_HOP_TX), 20);
    ck_assert_uint_eq(flow_frames(&r.rec[1], VH_HOP_RX), 20);
    for (size_t i = 0; i < r.rec[0].n; i++) {
        const struct seen *a = &r.rec[0].v[i];
        if (a->flow < 0 || a->kind != VH_HOP_RX) {
            continue;
        }
        bool back = false;
        for (size_t k = i + 1; k < r.rec[0].n && !back; k++) {
            const struct seen *b = &r.rec[0].v[k];
            back = b->kind == VH_HOP_TX && b->id == a->id
                   && b->len == a->len && !memcmp(a->data, b->data, a->len);
        }
        ck_assert_msg(back, "frame %llu was not reflected unchanged",
                      (unsigned long long) a->id);
    }
    wt_assert_conserved(w, true);
    run_free(&r);
}
END_TEST

START_TEST(test_macvtap_private_drops_reflected_siblings)
{
    struct run r = run_mvt("private", "private", "vepa", vm1_to_vm2, NULL,
                           NULL);
    struct world *w = r.wt.w;
    const struct flow_stats *fs = &w->flows[0];
    ck_assert_uint_eq(fs->delivered, 0);
    struct macvlan *mv = w->hosts[0]->macvlans[0];
    ck_assert_uint_ge(mv->dev.drops, 1);    /* The reflected request. */
    /* Nothing answered: the held packets are still waiting (a run under
     * the three ARP seconds), and none was dropped for another reason. */
    ck_assert_uint_eq(fs->drops.total,
                      vh_drops_get(&fs->drops, "macvtap-private"));
    ck_assert_uint_eq(world_in_flight(w, fs), 20);
    wt_assert_conserved(w, false);
    run_free(&r);
}
END_TEST

START_TEST(test_macvtap_private_reason_when_arp_gives_up)
{
    char json[8192];
    mvt_json(json, sizeof json, "4s", "", "", "private", "private", "vepa",
             vm1_to_vm2);
    struct run r = run_json(json, NULL, NULL);
    const struct flow_stats *fs = &r.wt.w->flows[0];
    ck_assert_uint_eq(vh_drops_get(&fs->drops, "macvtap-private"), 20);
    wt_assert_conserved(r.wt.w, true);
    run_free(&r);
}
END_TEST

START_TEST(test_macvtap_modes_reach_the_remote)
{
    static const char *const modes[] = { "vepa", "bridge", "private" };
    for (size_t i = 0; i < 3; i++) {
        struct run r = run_mvt(modes[i], modes[i], "802.1q",
            "{ \"name\": \"out\", \"from\": \"host1/vm1\", \"to\": \"remote\","
            "  \"proto\": \"udp\", \"rate\": \"50kpps\", \"count\": 10 },"
            "{ \"name\": \"ping\", \"from\": \"remote\", \"to\": \"host1/vm2\","
            "  \"proto\": \"icmp\", \"rate\": \"20kpps\", \"count\": 5 }",
            NULL, NULL);
        ck_assert_uint_eq(r.wt.w->flows[0].delivered, 10);
        ck_assert_uint_eq(r.wt.w->flows[1].delivered, 5);
        wt_assert_conserved(r.wt.w, true);
        run_free(&r);
    }
}
END_TEST

START_TEST(test_macvtap_passthru)
{
    char json[8192];
    mvt_json(json, sizeof json, "3ms", "", "", "passthru", "vepa", "802.1q",
             "");
    char *msg = wt_refusal(json, NULL);
    ck_assert_msg(strstr(msg, "hosts[0].vms[1].nics[0].attach.to")
                  && strstr(msg, "passthru"), "%s", msg);
    free(msg);

    /* Alone on its NIC, it takes every frame; vm2 is on a bridge over
     * another NIC. */
    mvt_json(json, sizeof json, "3ms", "",
             "\"bridges\": [ { \"name\": \"br1\", \"ports\": [] } ],",
             "passthru", "x", "802.1q",
             "{ \"name\": \"p\", \"from\": \"remote\", \"to\": \"host1/vm1\","
             "  \"proto\": \"icmp\", \"rate\": \"20kpps\", \"count\": 5 }");
    char alone[8192];
    subst(alone, sizeof alone, json, "{ \"type\": \"macvtap\", \"to\": "
          "\"eth0\", \"mode\": \"x\" }",
          "{ \"type\": \"bridge\", \"to\": \"br1\" }");
    struct run r = run_json(alone, NULL, NULL);
    ck_assert_uint_eq(r.wt.w->flows[0].delivered, 5);
    wt_assert_conserved(r.wt.w, true);
    run_free(&r);
}
END_TEST

START_TEST(test_macvtap_refused_on_a_bridge_port)
{
    char *msg = wt_refusal(
        "{ \"hosts\": [ { \"name\": \"h\", \"nics\": [ { \"name\": \"eth0\" } ],"
        "  \"bridges\": [ { \"name\": \"br0\", \"ports\": [\"eth0\"] } ],"
        "  \"vms\": [ { \"name\": \"v\", \"nics\": [ { \"name\": \"eth0\","
        "    \"ip\": \"10.0.0.1/24\", \"attach\": { \"type\": \"macvtap\","
        "    \"to\": \"eth0\" } } ] } ] } ] }", NULL);
    ck_assert_msg(strstr(msg, "hosts[0].vms[0].nics[0].attach.to")
                  && strstr(msg, "bridge 'br0'"), "%s", msg);
    free(msg);
}
END_TEST

START_TEST(test_macvtap_cheaper_than_bridge)
{
    /* The same traffic both ways between vm1 and the remote, once through
     * a Linux bridge and once through macvtap: the macvlan's lookup costs
     * less than the bridge's FDB and forwarding, so the host spends fewer
     * cycles per packet, and fewer on switching in particular. */
    static const char traffic[] =
        "{ \"name\": \"out\", \"from\": \"host1/vm1\", \"to\": \"remote\","
        "  \"proto\": \"udp\", \"rate\": \"50kpps\", \"count\": 50 },"
        "{ \"name\": \"in\", \"from\": \"remote\", \"to\": \"host1/vm1\","
        "  \"proto\": \"udp\", \"rate\": \"50kpps\", \"count\": 50 }";
    static const char bridged[] =
        "{ \"type\": \"bridge\", \"to\": \"br0\" }";
    char json[8192];
    mvt_json(json, sizeof json, "3ms", "", "", "vepa", "vepa", "802.1q",
             traffic);
    struct run m = run_json(json, NULL, NULL);
    snprintf(json, sizeof json, mvt_fmt, "3ms", "",
             "\"bridges\": [ { \"name\": \"br0\", \"ports\": [\"eth0\"] } ],",
             bridged, bridged, "802.1q", traffic);
    struct run b = run_json(json, NULL, NULL);

    for (int i = 0; i < 2; i++) {
        ck_assert_uint_eq(m.wt.w->flows[i].delivered, 50);
        ck_assert_uint_eq(b.wt.w->flows[i].delivered, 50);
    }
    const struct host *hm = m.wt.w->hosts[0], *hb = b.wt.w->hosts[0];
    ck_assert_uint_eq(hb->n_macvlans, 0);
    ck_assert_uint_eq(hm->n_bridges, 0);
    uint64_t sw_m = wt_cat_cycles(hm, CPU_VSWITCH);
    uint64_t sw_b = wt_cat_cycles(hb, CPU_VSWITCH);
    ck_assert_uint_gt(sw_m, 0);
    ck_assert_msg(sw_m < sw_b, "switching: macvtap %llu, bridge %llu",
                  (unsigned long long) sw_m, (unsigned long long) sw_b);
    ck_assert_msg(wt_host_cycles(hm) < wt_host_cycles(hb),
                  "host: macvtap %llu, bridge %llu",
                  (unsigned long long) wt_host_cycles(hm),
                  (unsigned long long) wt_host_cycles(hb));
    wt_assert_conserved(m.wt.w, true);
    wt_assert_conserved(b.wt.w, true);
    run_free(&m);
    run_free(&b);
}
END_TEST

START_TEST(test_host_address_above_macvlan)
{
    /* The host keeps its own address on a NIC that carries macvtaps: what
     * no macvtap claims goes up to the host's stack. */
    char json[8192];
    mvt_json(json, sizeof json, "3ms", "\"ip\": \"10.0.0.10/24\",", "",
             "vepa", "vepa", "802.1q",
             "{ \"name\": \"p\", \"from\": \"remote\", \"to\": \"host1\","
             "  \"proto\": \"icmp\", \"rate\": \"20kpps\", \"count\": 5 },"
             "{ \"name\": \"u\", \"from\": \"remote\", \"to\": \"host1/vm2\","
             "  \"proto\": \"udp\", \"rate\": \"20kpps\", \"count\": 5 }");
    struct run r = run_json(json, NULL, NULL);
    ck_assert_uint_eq(r.wt.w->flows[0].delivered, 5);
    ck_assert_uint_eq(r.wt.w->flows[1].delivered, 5);
    wt_assert_conserved(r.wt.w, true);
    run_free(&r);
}
END_TEST

static Suite *
attach_suite(void)
{
    Suite *s = suite_create("attach");
    TCase *tc = tcase_create("nat");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_nat_masquerades_outbound);
    tcase_add_test(tc, test_nat_reply_is_translated_back);
    tcase_add_test(tc, test_nat_conflicting_ports_are_remapped);
    tcase_add_test(tc, test_nat_inbound_has_no_route);
    tcase_add_test(tc, test_nat_inbound_is_rejected_by_the_host);
    tcase_add_test(tc, test_nat_port_forward_lets_in);
    tcase_add_test(tc, test_nat_tcp_both_ways);
    tcase_add_test(tc, test_nat_tcp_without_forward_rejected);
    tcase_add_test(tc, test_nat_host_and_neighbours);
    tcase_add_test(tc, test_nat_costs_routing_and_translation);
    tcase_add_test(tc, test_nat_refusals);
    suite_add_tcase(s, tc);
    tc = tcase_create("macvtap");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_macvtap_bridge_mode_stays_inside);
    tcase_add_test(tc, test_macvtap_vepa_without_hairpin_loses_frames);
    tcase_add_test(tc, test_macvtap_vepa_with_reflective_relay);
    tcase_add_test(tc, test_macvtap_private_drops_reflected_siblings);
    tcase_add_test(tc, test_macvtap_private_reason_when_arp_gives_up);
    tcase_add_test(tc, test_macvtap_modes_reach_the_remote);
    tcase_add_test(tc, test_macvtap_passthru);
    tcase_add_test(tc, test_macvtap_refused_on_a_bridge_port);
    tcase_add_test(tc, test_macvtap_cheaper_than_bridge);
    tcase_add_test(tc, test_host_address_above_macvlan);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(attach_suite)
