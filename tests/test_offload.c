/* tests/test_offload.c: segmentation and receive offloads (TSO, GSO,
 * GRO, rx-checksum) on a VM behind vhost-net and a bridge, sending a TCP
 * stream to a bare-metal host.
 *
 * A capture on the VM's NIC sees the super-frames TCP built; one on the
 * host's NIC (the wire) sees each cut into ceil(len / MSS) frames of at
 * most 1514 bytes; tshark decodes both without a bad checksum or a
 * malformed frame.  With offloads, the stream's goodput is higher and the
 * host's cycles per byte lower than without; rx-checksum off costs the
 * receiver cycles; bad values are refused at their JSON path. */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/config.h"
#include "models/core/defaults.h"
#include "models/core/host.h"
#include "models/hw/pnic.h"
#include "models/core/world.h"
#include "models/endpoint/tcp.h"
#include "sim/diag.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

#define MSS 1448                /* 1500 - 20 - 20 - 12 of timestamps. */

/* Host h runs VM vm1 (virtio, vhost-net, on bridge br0 over NIC eth0);
 * remote r takes the stream.  VNIC, NIC and REMOTE are spliced into the
 * VM's NIC, h's NIC and r's NIC; FLOW into the flow. */
#define SCEN(VNIC, NIC, REMOTE, FLOW)                                      \
    "{ \"name\": \"off\", \"duration\": \"3ms\", \"hosts\": ["             \
    "{ \"name\": \"h\", \"cpu\": { \"cores\": 4, \"cstate\": \"poll\" },"  \
    "  \"iommu\": { \"enabled\": true },"                                \
    "  \"nics\": [ { \"name\": \"eth0\", \"model\": \"82599\","            \
    "    \"link\": \"sw/p1\"" NIC " } ],"                                  \
    "  \"bridges\": [ { \"name\": \"br0\", \"type\": \"linux-bridge\","    \
    "    \"ports\": [\"eth0\"] } ],"                                       \
    "  \"vms\": [ { \"name\": \"vm1\", \"vcpus\": 2, \"nics\": [ {"        \
    "    \"name\": \"eth0\", \"ip\": \"10.0.0.1/24\"" VNIC                 \
    "  } ] } ] },"                                                         \
    "{ \"name\": \"r\", \"cpu\": { \"cores\": 4, \"cstate\": \"poll\" },"  \
    "  \"nics\": [ { \"name\": \"eth0\", \"model\": \"82599\","            \
    "    \"ip\": \"10.0.0.2/24\", \"link\": \"sw/p2\"" REMOTE " } ] } ],"  \
    "\"switches\": [ { \"name\": \"sw\", \"ports\": 4 } ],"                \
    "\"capture\": [ { \"point\": \"h/vm1/eth0\", \"file\": \"vnic.pcap\" }," \
    "  { \"point\": \"h/eth0\", \"file\": \"wire.pcap\" } ],"             \
    "\"traffic\": [ { \"name\": \"s\", \"from\": \"h/vm1\", \"to\": \"r\"," \
    "  \"proto\": \"tcp\"" FLOW " } ] }"

/* The VM's NIC: virtio on the bridge, a VF, or rtl8139 on the bridge. */
#define ON_BRIDGE ", \"attach\": { \"type\": \"bridge\", \"to\": \"br0\" }"
#define VIRTIO ", \"model\": \"virtio\"" ON_BRIDGE
#define VF ", \"attach\": { \"type\": \"sriov-vf\", \"to\": \"eth0\" }"
#define SRIOV ", \"sriov\": { \"vfs\": 2 }"

#define OFF ", \"offloads\": { \"tso\": false, \"gso\": false, \"gro\": false }"
#define STREAM ", \"bytes\": 400000"

static long
tshark_long(const char *pcap, const char *args)
{
    char *out = vh_tshark_out(pcap, args);
    long n = strtol(out, NULL, 10);
    free(out);
    return n;
}

static long
count(const char *pcap, const char *filter)
{
    char args[512];
    snprintf(args, sizeof args, "-Y '%s' | wc -l", filter);
    return tshark_long(pcap, args);
}

/* The frames the VM's data segments become on the wire: the sum over
 * the VM NIC's capture of ceil(tcp.len / MSS). */
static long
wire_frames_expected(const char *pcap)
{
    char args[512];
    snprintf(args, sizeof args, "-Y 'ip.src == 10.0.0.1 && tcp.len > 0' "
             "-T fields -e tcp.len | awk '{ n += int(($1 + %d) / %d) } "
             "END { print n + 0 }'", MSS - 1, MSS);
    return tshark_long(pcap, args);
}

static void
assert_decodes(const char *pcap)
{
    ck_assert_int_eq(count(pcap, "_ws.malformed || ip.checksum.status == 0 "
                           "|| tcp.checksum.status == 0"), 0);
    ck_assert_int_gt(count(pcap, "tcp"), 0);
}

/* The VM's NIC sees super-frames; the wire sees each as ceil(len / MSS)
 * frames of at most 1514 bytes; tshark decodes both. */
START_TEST(test_offload_capture_points)
{
    vh_tshark_require();
    char *dir = vh_test_run_scenario(SCEN(VIRTIO, "", "", STREAM), "");
    char vnic[PATH_MAX], wire[PATH_MAX];
    snprintf(vnic, sizeof vnic, "%s/vnic.pcap", dir);
    snprintf(wire, sizeof wire, "%s/wire.pcap", dir);
    assert_decodes(vnic);
    assert_decodes(wire);
    long supers = count(vnic, "ip.src == 10.0.0.1 && tcp.len > 1448");
    ck_assert_int_gt(supers, 0);
    /* Never beyond 64 KiB of IPv4 packet (gso_max_size). */
    ck_assert_int_eq(count(vnic, "ip.len > 65535"), 0);
    ck_assert_int_eq(count(wire, "frame.len > 1514"), 0);
    long want = wire_frames_expected(vnic);
    ck_assert_int_gt(want, supers);
    ck_assert_int_eq(count(wire, "ip.src == 10.0.0.1 && tcp.len > 0"),
                     want);
    /* Every byte of the stream crossed the wire once, in MSS pieces. */
    ck_assert_int_eq(count(wire, "ip.src == 10.0.0.1 && tcp.len == 1448"),
                     400000 / MSS);
    free(dir);
}
END_TEST

/* A ring's size matters only when the ring fills: with rings longer than
 * the window on both NICs, 3,000 descriptors (no power of two: the slots
 * come by division) and 4,096 (by mask) give the same report and captures
 * to the byte, TSO's jobs of many frames per descriptor and the IOMMU's
 * mappings of each slot's buffer included. */
#define RINGS(N) ", \"tx_ring\": " #N ", \"rx_ring\": " #N
START_TEST(test_offload_ring_size_unfilled)
{
    char *d1 = vh_test_run_scenario(SCEN(VIRTIO, RINGS(4096), RINGS(4096),
                                         STREAM), "--json r.json");
    char *d2 = vh_test_run_scenario(SCEN(VIRTIO, RINGS(3000), RINGS(3000),
                                         STREAM), "--json r.json");
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && sed -i '/wall_s/d' r.json && "
                        "cd '%s' && sed -i '/wall_s/d' r.json && "
                        "cmp '%s/r.json' '%s/r.json' && "
                        "cmp '%s/wire.pcap' '%s/wire.pcap' && "
                        "cmp '%s/vnic.pcap' '%s/vnic.pcap'", d1, d2, d1, d2,
                        d1, d2, d1, d2);
    ck_assert_msg(st == 0, "runs differ: %s", out);
    free(out);
    vh_test_sh(NULL, "rm -rf '%s' '%s'", d1, d2);
    free(d1);
    free(d2);
}
END_TEST

/* Offloads off: both captures see the same frames, none above 1514. */
START_TEST(test_offload_off_same_frames)
{
    vh_tshark_require();
    char *dir = vh_test_run_scenario(SCEN(VIRTIO OFF, OFF, OFF, STREAM), "");
    char vnic[PATH_MAX], wire[PATH_MAX];
    snprintf(vnic, sizeof vnic, "%s/vnic.pcap", dir);
    snprintf(wire, sizeof wire, "%s/wire.pcap", dir);
    ck_assert_int_eq(count(vnic, "frame.len > 1514"), 0);
    ck_assert_int_eq(count(vnic, "ip.src == 10.0.0.1 && tcp.len > 0"),
                     count(wire, "ip.src == 10.0.0.1 && tcp.len > 0"));
    free(dir);
}
END_TEST

static uint64_t
host_cycles(const struct world *w, const char *name)
{
    for (size_t i = 0; i < w->n_hosts; i++) {
        const struct host *h = w->hosts[i];
        if (strcmp(h->dev.path, name)) {
            continue;
        }
        uint64_t c = 0;
        for (int k = 0; k < h->n_cores; k++) {
            for (int cat = 0; cat < CPU_N_CATS; cat++) {
                c += h->cores[k].cycles[cat];
            }
        }
        return c;
    }
    ck_abort_msg("no host %s", name);
    return 0;
}

struct stream_result {
    double goodput;             /* Bytes per ns. */
    double host_cpb;            /* Host h's cycles per goodput byte. */
    uint64_t remote_cycles;
};

static struct stream_result
stream(const char *json)
{
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    const struct flow_stats *fs = &r.w->flows[0];
    struct stream_result s;
    ck_assert_uint_gt(fs->xport->goodput_bytes, 0);
    s.goodput = (double) fs->xport->goodput_bytes
                / (double) (fs->xport->last_goodput - fs->cfg->start);
    s.host_cpb = (double) host_cycles(r.w, "h")
                 / (double) fs->xport->goodput_bytes;
    s.remote_cycles = host_cycles(r.w, "r");
    wt_assert_conserved(r.w, false);
    wt_run_free(&r);
    return s;
}

/* vhost-net: with offloads, more goodput and fewer cycles per byte. */
START_TEST(test_offload_vhost_net_better)
{
    struct stream_result on = stream(SCEN(VIRTIO, "", "", ", \"duration\": \"2ms\""));
    struct stream_result off = stream(SCEN(VIRTIO OFF, OFF, OFF,
                                           ", \"duration\": \"2ms\""));
    ck_assert_msg(on.goodput > off.goodput, "goodput %g not above %g",
                  on.goodput, off.goodput);
    ck_assert_msg(on.host_cpb < off.host_cpb, "cycles/byte %g not below %g",
                  on.host_cpb, off.host_cpb);
}
END_TEST

/* A VF: with its TSO and the remote's GRO, fewer cycles per byte. */
START_TEST(test_offload_vf_cheaper)
{
    const char *on_json = SCEN(VF, SRIOV, "", STREAM);
    const char *off_json = SCEN(VF OFF, SRIOV OFF, OFF, STREAM);
    struct stream_result on = stream(on_json);
    struct stream_result off = stream(off_json);
    ck_assert_msg(on.host_cpb < off.host_cpb, "cycles/byte %g not below %g",
                  on.host_cpb, off.host_cpb);
}
END_TEST

/* A VF whose ring fills with whole super-frames: its driver stops the
 * queue and the qdisc holds what TCP sends, TCP Small Queues keeps the
 * socket from piling more below it, so nothing is dropped or sent twice,
 * and TSO carries at least the goodput of 1518-byte frames. */
START_TEST(test_offload_vf_goodput_not_lower)
{
    struct stream_result g[2];
    for (int on = 0; on < 2; on++) {
        const char *json = on ? SCEN(VF, SRIOV, "", ", \"duration\": \"2ms\"")
                              : SCEN(VF OFF, SRIOV OFF, OFF,
                                     ", \"duration\": \"2ms\"");
        struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
        const struct flow_stats *fs = &r.w->flows[0];
        ck_assert_uint_eq(vh_drops_get(&fs->drops, "tx-ring-full"), 0);
        ck_assert_uint_eq(fs->drops.total, 0);
        ck_assert_uint_eq(fs->xport->retransmits, 0);
        /* TSQ: what waits below the socket, in the VF's ring and its
         * qdisc, stays within tcp_limit_output_bytes (1 MiB) and one
         * frame more. */
        const struct pnic *nic = r.w->hosts[0]->nics[0];
        uint64_t frame = on ? 65536 : 1514;
        for (int i = 0; i < nic->n_all; i++) {
            uint64_t below = (uint64_t) nic->q[i].qdisc.peak * frame;
            if (nic->q[i].qdisc.peak) {
                below += (uint64_t) nic->tx_ring * frame;
            }
            ck_assert_msg(below <= (1u << 20) + frame,
                          "queue %d: %llu bytes below the socket", i,
                          (unsigned long long) below);
        }
        wt_run_free(&r);
        g[on] = stream(json);
    }
    ck_assert_msg(g[1].goodput >= g[0].goodput, "goodput %g below %g",
                  g[1].goodput, g[0].goodput);
}
END_TEST

/* UDP does not wait for completions: a VF's guest sending 1518-byte
 * frames faster than the 10 Gb/s line fills its ring, then the qdisc up
 * to txqueuelen, and only then drops, as "qdisc-full". */
START_TEST(test_offload_udp_flood_qdisc_full)
{
    char json[4096];
    snprintf(json, sizeof json, "%s",
             SCEN(VF, SRIOV, "", ", \"size\": 1518, \"rate\": \"2Mpps\""));
    char *proto = strstr(json, "\"proto\": \"tcp\"");
    ck_assert_ptr_nonnull(proto);
    memcpy(proto + strlen("\"proto\": \""), "udp", 3);
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    const struct flow_stats *fs = &r.w->flows[0];
    uint64_t qdrops = vh_drops_get(&fs->drops, "qdisc-full");
    ck_assert_uint_gt(qdrops, 0);
    ck_assert_uint_eq(vh_drops_get(&fs->drops, "tx-ring-full"), 0);
    ck_assert_uint_eq(fs->drops.total, qdrops);
    /* The queue that dropped had 1000 frames waiting. */
    const struct pnic *nic = r.w->hosts[0]->nics[0];
    uint64_t drops = 0;
    uint32_t peak = 0;
    for (int i = 0; i < nic->n_all; i++) {
        drops += nic->q[i].qdisc.drops;
        if (nic->q[i].qdisc.peak > peak) {
            peak = nic->q[i].qdisc.peak;
        }
    }
    ck_assert_uint_eq(drops, qdrops);
    ck_assert_uint_eq(peak, VH_DEF_TXQUEUELEN);
    wt_run_free(&r);
}
END_TEST

/* Without rx-checksum, the receiver sums every byte in software. */
START_TEST(test_offload_rx_checksum_costs)
{
    struct stream_result hw = stream(SCEN(VIRTIO, "", "", STREAM));
    struct stream_result sw = stream(SCEN(VIRTIO, "",
        ", \"offloads\": { \"rx-checksum\": false }", STREAM));
    ck_assert_uint_gt(sw.remote_cycles, hw.remote_cycles);
}
END_TEST

#define VM_OFFLOADS(X) SCEN(VIRTIO ", \"offloads\": " X, "", "", STREAM)
static const struct {
    const char *json;
    const char *msg;
} bad[] = {
    { VM_OFFLOADS("{ \"tso\": \"on\" }"),
      "hosts[0].vms[0].nics[0].offloads.tso: expected true or false" },
    { VM_OFFLOADS("true"),
      "hosts[0].vms[0].nics[0].offloads: expected an object" },
    { VM_OFFLOADS("{ \"lro\": true }"),
      "hosts[0].vms[0].nics[0].offloads: unknown key 'lro'" },
    { SCEN(", \"model\": \"rtl8139\"" ON_BRIDGE
           ", \"offloads\": { \"tso\": true }", "", "", STREAM),
      "hosts[0].vms[0].nics[0].offloads.tso: rtl8139 has no tso (ethtool "
      "shows it [fixed] off)" },
    { SCEN(VIRTIO, ", \"offloads\": { \"gro\": 1 }", "", STREAM),
      "hosts[0].nics[0].offloads.gro: expected true or false" },
};

START_TEST(test_offload_refusals)
{
    struct vh_diag d;
    vh_diag_init(&d);
    struct cfg_scenario *sc = cfg_load_string(bad[_i].json, "t.json", NULL,
                                              &d);
    ck_assert_ptr_null(sc);
    ck_assert_msg(strstr(d.msg, bad[_i].msg) == d.msg, "got '%s', want "
                  "'%s...'", d.msg, bad[_i].msg);
}
END_TEST

/* The defaults, as the drivers set them. */
START_TEST(test_offload_defaults)
{
    struct vh_diag d;
    vh_diag_init(&d);
    struct cfg_scenario *sc = cfg_load_string(
        SCEN(", \"model\": \"rtl8139\"" ON_BRIDGE, "", "", STREAM), "t.json", NULL, &d);
    ck_assert_msg(sc != NULL, "%s", d.msg);
    const struct cfg_offloads *v = &sc->hosts[0].vms[0].nics[0].offloads;
    const struct cfg_offloads *n = &sc->hosts[0].nics[0].offloads;
    ck_assert(!v->tso && v->gso && v->gro && !v->rx_csum);
    ck_assert(n->tso && n->gso && n->gro && n->rx_csum);
    cfg_free(sc);
}
END_TEST

static Suite *
offload_suite(void)
{
    Suite *s = suite_create("offload");
    TCase *tc = tcase_create("runs");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_offload_capture_points);
    tcase_add_test(tc, test_offload_off_same_frames);
    tcase_add_test(tc, test_offload_vhost_net_better);
    tcase_add_test(tc, test_offload_vf_cheaper);
    tcase_add_test(tc, test_offload_vf_goodput_not_lower);
    tcase_add_test(tc, test_offload_udp_flood_qdisc_full);
    tcase_add_test(tc, test_offload_rx_checksum_costs);
    tcase_add_test(tc, test_offload_ring_size_unfilled);
    suite_add_tcase(s, tc);
    TCase *tl = tcase_create("loader");
    tcase_add_loop_test(tl, test_offload_refusals, 0,
                        (int) (sizeof bad / sizeof *bad));
    tcase_add_test(tl, test_offload_defaults);
    suite_add_tcase(s, tl);
    return s;
}

VH_SUITE(offload_suite)
