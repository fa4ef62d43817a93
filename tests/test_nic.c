/* tests/test_nic.c: the physical NIC's queues and what rides on them:
 * RSS and irqbalance, VMDq, SR-IOV with its embedded switch, passthrough
 * and the IOMMU.
 *
 * The Toeplitz hash is checked against Microsoft's published
 * verification table; the rest runs small worlds and checks what the
 * mechanisms demand: where interrupts land, that a VF's frames never meet
 * the host's bridge, its copies or (VF to VF) the cable, that a spoofed
 * frame and a stray DMA are stopped, and the orderings of cost. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/endpoint/endpoint.h"
#include "models/core/host.h"
#include "models/hw/hthread.h"
#include "models/hw/iommu.h"
#include "models/switch/l2switch.h"
#include "models/hw/pnic.h"
#include "models/hw/sriov.h"
#include "models/guest/virtio_net.h"
#include "models/guest/vm.h"
#include "models/core/world.h"
#include "sim/frame.h"
#include "sim/rss.h"
#include "sim/trace.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* ---- Known answers: Toeplitz. ---- */

/* Microsoft, "Verifying the RSS Hash Calculation" (Windows driver
 * documentation; the same table is in the Intel 82599 datasheet, section
 * 7.1.2.8.3), with the standard 40-byte key. */
static const struct {
    uint8_t dst[4];
    uint16_t dport;
    uint8_t src[4];
    uint16_t sport;
    uint32_t ipv4;              /* Hash of the addresses. */
    uint32_t ipv4_tcp;          /* Hash of addresses and ports. */
} ms_table[] = {
    { { 161, 142, 100, 80 }, 1766, { 66, 9, 149, 187 }, 2794,
      0x323e8fc2, 0x51ccc178 },
    { { 65, 69, 140, 83 }, 4739, { 199, 92, 111, 2 }, 14230,
      0xd718262a, 0xc626b0ea },
    { { 12, 22, 207, 184 }, 38024, { 24, 19, 198, 95 }, 12898,
      0xd2d0a5de, 0x5c2b394a },
    { { 209, 142, 163, 6 }, 2217, { 38, 27, 205, 30 }, 48228,
      0x82989176, 0xafc7327f },
    { { 202, 188, 127, 2 }, 1303, { 153, 39, 163, 191 }, 44251,
      0x5d1809c5, 0x10e828a2 },
};

static uint32_t
ip4(const uint8_t a[4])
{
    return (uint32_t) a[0] << 24 | (uint32_t) a[1] << 16
           | (uint32_t) a[2] << 8 | a[3];
}

START_TEST(test_toeplitz_known_answers)
{
    for (size_t i = 0; i < sizeof ms_table / sizeof ms_table[0]; i++) {
        uint8_t in[12];
        memcpy(in, ms_table[i].src, 4);
        memcpy(in + 4, ms_table[i].dst, 4);
        in[8] = (uint8_t) (ms_table[i].sport >> 8);
        in[9] = (uint8_t) ms_table[i].sport;
        in[10] = (uint8_t) (ms_table[i].dport >> 8);
        in[11] = (uint8_t) ms_table[i].dport;
        ck_assert_uint_eq(vh_toeplitz(vh_rss_default_key, VH_RSS_KEY_LEN,
                                      in, 8), ms_table[i].ipv4);
        ck_assert_uint_eq(vh_toeplitz(vh_rss_default_key, VH_RSS_KEY_LEN,
                                      in, 12), ms_table[i].ipv4_tcp);
    }
}
END_TEST

/* The same answers from real frames: TCP and UDP hash the four-tuple,
 * a fragment and ICMP the addresses, ARP nothing. */
START_TEST(test_rss_frame_input)
{
    for (size_t i = 0; i < sizeof ms_table / sizeof ms_table[0]; i++) {
        uint8_t buf[256];
        struct vh_ip_hdr_spec spec = {
            .ip_src = ip4(ms_table[i].src), .ip_dst = ip4(ms_table[i].dst),
            .vlan = i % 2 == 1, .vlan_tci = 7,
        };
        uint32_t len = vh_build_udp(buf, &spec, ms_table[i].sport,
                                    ms_table[i].dport, NULL, 18);
        uint32_t h = 0;
        uint32_t l3 = VH_ETH_HLEN + (spec.vlan ? VH_VLAN_HLEN : 0);
        ck_assert(vh_rss_hash_frame(vh_rss_default_key, buf, len, &h));
        ck_assert_uint_eq(h, ms_table[i].ipv4_tcp);
        buf[l3 + 9] = 6;        /* Now it is TCP (ports in place). */
        ck_assert(vh_rss_hash_frame(vh_rss_default_key, buf, len, &h));
        ck_assert_uint_eq(h, ms_table[i].ipv4_tcp);
        buf[l3 + 6] |= 0x20;    /* A first fragment: no ports. */
        ck_assert(vh_rss_hash_frame(vh_rss_default_key, buf, len, &h));
        ck_assert_uint_eq(h, ms_table[i].ipv4);
        buf[l3 + 6] &= (uint8_t) ~0x20;
        buf[l3 + 9] = 1;        /* ICMP. */
        ck_assert(vh_rss_hash_frame(vh_rss_default_key, buf, len, &h));
        ck_assert_uint_eq(h, ms_table[i].ipv4);
    }
    uint8_t arp[64];
    struct vh_mac a = { { 2, 0, 0, 0, 0, 1 } }, z = { { 0 } };
    uint32_t len = vh_build_arp(arp, VH_ARP_REQUEST, &a, 0x0a000001, &z,
                                0x0a000002, &vh_mac_broadcast);
    uint32_t h = 12345;
    ck_assert(!vh_rss_hash_frame(vh_rss_default_key, arp, len, &h));
    ck_assert_uint_eq(h, 12345);
}
END_TEST

/* ---- RSS and irqbalance. ---- */

/* A bare-metal server with a 4-queue NIC; 8 UDP flows from a remote with
 * different source ports. */
static void
rss_json(char *buf, size_t len, int queues, const char *irqbalance)
{
    char flows[2048] = "";
    for (int i = 0; i < 8; i++) {
        char f[256];
        snprintf(f, sizeof f, "%s{ \"name\": \"f%d\", \"from\": \"remote\","
                 " \"to\": \"server\", \"rate\": \"50kpps\", \"count\": 50,"
                 " \"sport\": %d, \"start\": \"%dus\" }", i ? ", " : "", i,
                 20000 + 7 * i, i);
        strcat(flows, f);
    }
    snprintf(buf, len,
        "{ \"name\": \"rss\", \"duration\": \"3ms\","
        "  \"hosts\": ["
        "   { \"name\": \"server\", \"cpu\": { \"cores\": 4,"
        "       \"irqbalance\": \"%s\" },"
        "     \"nics\": [ { \"name\": \"eth0\", \"model\": \"82599\","
        "       \"queues\": %d, \"ip\": \"10.0.0.1/24\","
        "       \"link\": \"tor1/p1\" } ] },"
        "   { \"name\": \"remote\", \"nics\": [ { \"name\": \"eth0\","
        "       \"ip\": \"10.0.0.100/24\", \"link\": \"tor1/p2\" } ] } ],"
        "  \"switches\": [ { \"name\": \"tor1\", \"ports\": 4 } ],"
        "  \"traffic\": [ %s ] }", irqbalance, queues, flows);
}

/* Each flow's frames land in the queue its hash selects, through the
 * indirection table filled round robin: the NIC's per-queue counts are
 * what the hash of each flow's 4-tuple predicts. */
START_TEST(test_rss_spreads_flows_by_hash)
{
    char json[8192];
    rss_json(json, sizeof json, 4, "performance");
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    struct world *w = r.w;
    struct pnic *nic = wt_host(w, "server")->nics[0];
    uint64_t expect[4] = { 0 };
    for (size_t i = 0; i < w->n_flows; i++) {
        const struct cfg_flow *cf = w->flows[i].cfg;
        uint8_t in[12] = { 10, 0, 0, 100, 10, 0, 0, 1 };
        in[8] = (uint8_t) (cf->sport >> 8);
        in[9] = (uint8_t) cf->sport;
        in[10] = (uint8_t) (cf->dport >> 8);
        in[11] = (uint8_t) cf->dport;
        uint32_t h = vh_toeplitz(vh_rss_default_key, VH_RSS_KEY_LEN, in, 12);
        expect[(h & 127) % 4] += w->flows[i].delivered;
        ck_assert_uint_eq(w->flows[i].delivered, 50);
    }
    int used = 0;
    for (int q = 0; q < 4; q++) {
        /* Queue 0 also takes the frames RSS does not hash (ARP). */
        if (q == 0) {
            ck_assert_uint_ge(nic->q[q].rx_frames, expect[q]);
            ck_assert_uint_le(nic->q[q].rx_frames, expect[q] + 2);
        } else {
            ck_assert_uint_eq(nic->q[q].rx_frames, expect[q]);
        }
        used += expect[q] > 0;
    }
    ck_assert_int_ge(used, 3);
    wt_assert_conserved(w, true);
    wt_run_free(&r);
}
END_TEST

/* irqbalance performance: queue q's vector on core q, so interrupts and
 * the NAPI work spread; power-save: everything on core 0. */
START_TEST(test_irqbalance_modes)
{
    char json[8192];
    rss_json(json, sizeof json, 4, "performance");
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    struct host *h = wt_host(r.w, "server");
    struct pnic *nic = h->nics[0];
    for (int q = 0; q < 4; q++) {
        ck_assert_ptr_eq(nic->q[q].irq_core, &h->cores[q]);
        if (nic->q[q].rx_frames) {
            ck_assert_uint_gt(h->cores[q].cycles[CPU_IRQ], 0);
            ck_assert_uint_gt(h->cores[q].cycles[CPU_SOFTIRQ], 0);
        }
    }
    uint64_t irqs_perf = h->interrupts;
    wt_run_free(&r);

    rss_json(json, sizeof json, 4, "power-save");
    r = wt_run_json(json, NULL, NULL, NULL);
    h = wt_host(r.w, "server");
    ck_assert_uint_gt(h->cores[0].cycles[CPU_IRQ], 0);
    for (int c = 1; c < 4; c++) {
        ck_assert_uint_eq(h->cores[c].cycles[CPU_IRQ], 0);
        ck_assert_uint_eq(h->cores[c].cycles[CPU_SOFTIRQ], 0);
    }
    /* Still one vector per queue: gathering them moves, not merges. */
    ck_assert_uint_ge(h->interrupts, irqs_perf - irqs_perf / 4);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);
}
END_TEST

/* XPS: the server's application runs on core 1, so its frames leave by
 * queue 1, whose vector is on core 1. */
START_TEST(test_xps_picks_the_senders_queue)
{
    static const char json[] =
        "{ \"duration\": \"2ms\","
        "  \"hosts\": ["
        "   { \"name\": \"server\", \"cpu\": { \"cores\": 4 },"
        "     \"nics\": [ { \"name\": \"eth0\", \"queues\": 4,"
        "       \"ip\": \"10.0.0.1/24\", \"link\": \"tor1/p1\" } ] },"
        "   { \"name\": \"remote\", \"nics\": [ { \"name\": \"eth0\","
        "       \"ip\": \"10.0.0.100/24\", \"link\": \"tor1/p2\" } ] } ],"
        "  \"switches\": [ { \"name\": \"tor1\", \"ports\": 4 } ],"
        "  \"traffic\": [ { \"name\": \"f\", \"from\": \"server\","
        "    \"to\": \"remote\", \"rate\": \"100kpps\", \"count\": 40 } ] }";
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    struct pnic *nic = wt_host(r.w, "server")->nics[0];
    ck_assert_uint_eq(r.w->flows[0].delivered, 40);
    ck_assert_uint_ge(nic->q[1].tx_frames, 40);
    ck_assert_uint_eq(nic->q[2].tx_frames + nic->q[3].tx_frames, 0);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);
}
END_TEST

/* ---- VMDq. ---- */

/* Three VMs pinned to cores 5..7 of an 8-core host behind a bridge on
 * eth0; the remote sends to each.  Their vhost workers sit on cores 0..2
 * (unpinned threads skip pinned cores). */
static const char vmdq_json[] =
    "{ \"duration\": \"3ms\", \"seed\": 3,"
    "  \"hosts\": ["
    "   { \"name\": \"host1\", \"cpu\": { \"cores\": 8 },"
    "     \"nics\": [ { \"name\": \"eth0\", \"model\": \"82599\","
    "                 \"coalesce\": { \"adaptive-rx\": false },"
    "                 \"link\": \"tor1/p1\" } ],"
    "     \"bridges\": [ { \"name\": \"br0\", \"ports\": [\"eth0\"] } ],"
    "     \"vms\": ["
    "      { \"name\": \"vm1\", \"pin\": [5], \"nics\": [ { \"name\": \"eth0\","
    "          \"mac\": \"52:54:00:00:00:01\", \"ip\": \"10.0.0.1/24\","
    "          \"attach\": { \"type\": \"bridge\", \"to\": \"br0\" } } ] },"
    "      { \"name\": \"vm2\", \"pin\": [6], \"nics\": [ { \"name\": \"eth0\","
    "          \"mac\": \"52:54:00:00:00:02\", \"ip\": \"10.0.0.2/24\","
    "          \"attach\": { \"type\": \"bridge\", \"to\": \"br0\" } } ] },"
    "      { \"name\": \"vm3\", \"pin\": [7], \"nics\": [ { \"name\": \"eth0\","
    "          \"mac\": \"52:54:00:00:00:03\", \"ip\": \"10.0.0.3/24\","
    "          \"attach\": { \"type\": \"bridge\", \"to\": \"br0\" } } ] } ] },"
    "   { \"name\": \"remote\", \"nics\": [ { \"name\": \"eth0\","
    "       \"mac\": \"02:00:00:00:00:64\", \"ip\": \"10.0.0.100/24\","
    "       \"link\": \"tor1/p2\" } ] } ],"
    "  \"switches\": [ { \"name\": \"tor1\", \"ports\": 4 } ],"
    "  \"traffic\": ["
    "    { \"name\": \"a\", \"from\": \"remote\", \"to\": \"host1/vm1\","
    "      \"rate\": \"100kpps\", \"count\": 150 },"
    "    { \"name\": \"b\", \"from\": \"remote\", \"to\": \"host1/vm2\","
    "      \"rate\": \"100kpps\", \"count\": 150, \"start\": \"3us\" },"
    "    { \"name\": \"c\", \"from\": \"remote\", \"to\": \"host1/vm3\","
    "      \"rate\": \"100kpps\", \"count\": 150, \"start\": \"6us\" } ],"
    "  \"variants\": [ { \"name\": \"vmdq\","
    "                  \"set\": { \"host1/eth0.vmdq\": true } } ] }";

START_TEST(test_vmdq_takes_fewer_interrupts)
{
    struct wt_run one = wt_run_json(vmdq_json, NULL, NULL, NULL);
    struct wt_run vq = wt_run_json(vmdq_json, "vmdq", NULL, NULL);
    struct host *h1 = wt_host(one.w, "host1");
    struct host *hv = wt_host(vq.w, "host1");
    struct pnic *nic = hv->nics[0];

    for (size_t i = 0; i < 3; i++) {
        ck_assert_uint_eq(one.w->flows[i].delivered, 150);
        ck_assert_uint_eq(vq.w->flows[i].delivered, 150);
    }
    /* A pool per VM, its vector on the VM's vhost worker's core. */
    for (size_t v = 0; v < 3; v++) {
        struct vm_nic *n = &hv->vms[v]->nics[0];
        struct pnic_queue *q = pnic_vmdq_queue(nic, &n->cfg->mac, -1);
        ck_assert_ptr_nonnull(q);
        struct cpu_core *worker = n->virtio->q[0].thread->core;
        ck_assert_ptr_eq(q->irq_core, worker);
        ck_assert_uint_ge(q->rx_frames, 150);
        ck_assert_uint_gt(worker->cycles[CPU_SOFTIRQ], 0);
    }
    /* Fewer interrupts (hardware ones and IPIs), and core 0 no longer
     * does every VM's softirq work.  The NIC keeps a fixed throttle:
     * an adaptive one would batch the single queue's three flows more
     * than each pool's one, which is not what this compares. */
    ck_assert_uint_lt(hv->interrupts, h1->interrupts);
    ck_assert_uint_lt(hv->cores[0].cycles[CPU_SOFTIRQ],
                      h1->cores[0].cycles[CPU_SOFTIRQ]);
    ck_assert_uint_lt(hv->cores[0].cycles[CPU_VSWITCH],
                      h1->cores[0].cycles[CPU_VSWITCH]);
    /* Without VMDq the softirq work of all three VMs piles on core 0. */
    ck_assert_uint_gt(h1->cores[0].cycles[CPU_SOFTIRQ],
                      2 * (h1->cores[1].cycles[CPU_SOFTIRQ]
                           + h1->cores[2].cycles[CPU_SOFTIRQ]));
    /* The hypervisor still copies every frame. */
    ck_assert_uint_eq(hv->copies_bytes, h1->copies_bytes);
    wt_assert_conserved(one.w, true);
    wt_assert_conserved(vq.w, true);
    wt_run_free(&one);
    wt_run_free(&vq);
}
END_TEST

/* ---- SR-IOV. ---- */

/* host1: eth0 with 4 VFs, bridged (br0) for a virtio VM, vm2; vm1 and
 * vm3 hold VFs.  Extra host keys, vm1's attach and traffic vary. */
static void
sriov_json(char *buf, size_t len, const char *iommu, const char *vm1_attach,
           const char *traffic, const char *extra)
{
    snprintf(buf, len,
        "{ \"duration\": \"3ms\", \"seed\": 5,"
        "  \"hosts\": ["
        "   { \"name\": \"host1\", \"cpu\": { \"cores\": 4 },"
        "     \"iommu\": { \"enabled\": true %s },"
        "     \"nics\": [ { \"name\": \"eth0\", \"model\": \"82599\","
        "                 \"link\": \"tor1/p1\", \"sriov\": { \"vfs\": 4 } } ],"
        "     \"bridges\": [ { \"name\": \"br0\", \"ports\": [\"eth0\"] } ],"
        "     \"vms\": ["
        "      { \"name\": \"vm1\", \"pin\": [2], \"nics\": [ {"
        "          \"name\": \"eth0\", \"mac\": \"52:54:00:00:00:01\","
        "          \"ip\": \"10.0.0.1/24\", \"attach\": %s } ] },"
        "      { \"name\": \"vm2\", \"pin\": [3], \"nics\": [ {"
        "          \"name\": \"eth0\", \"mac\": \"52:54:00:00:00:02\","
        "          \"ip\": \"10.0.0.2/24\","
        "          \"attach\": { \"type\": \"bridge\", \"to\": \"br0\" } } ] },"
        "      { \"name\": \"vm3\", \"pin\": [3], \"nics\": [ {"
        "          \"name\": \"eth0\", \"mac\": \"52:54:00:00:00:03\","
        "          \"ip\": \"10.0.0.3/24\", \"attach\": { \"type\":"
        "          \"sriov-vf\", \"to\": \"eth0\", \"vf\": 1 } } ] } ] },"
        "   { \"name\": \"remote\", \"nics\": [ { \"name\": \"eth0\","
        "       \"mac\": \"02:00:00:00:00:64\", \"ip\": \"10.0.0.100/24\","
        "       \"link\": \"tor1/p2\" } ] } ],"
        "  \"switches\": [ { \"name\": \"tor1\", \"ports\": 4 } ],"
        "  \"traffic\": [ %s ] %s }", iommu, vm1_attach, traffic, extra);
}

static const char vf0_attach[] =
    "{ \"type\": \"sriov-vf\", \"to\": \"eth0\", \"vf\": 0 }";
static const char bridge_attach[] =
    "{ \"type\": \"bridge\", \"to\": \"br0\" }";
static const char both_ways[] =
    "{ \"name\": \"out\", \"from\": \"host1/vm1\", \"to\": \"remote\","
    "  \"rate\": \"200kpps\", \"count\": 300 },"
    "{ \"name\": \"in\", \"from\": \"remote\", \"to\": \"host1/vm1\","
    "  \"rate\": \"200kpps\", \"count\": 300, \"start\": \"2us\" }";

/* What the hops of flow packets cost at host1, by category, and where
 * they went. */
struct flow_watch {
    uint64_t cycles[CPU_N_CATS];
    uint64_t bridge_hops;       /* Hops at a Linux bridge. */
    uint64_t wire_hops;         /* RX/TX at a NIC's or switch port's
                                 * capture point. */
    uint64_t blocked;           /* "iommu-blocked" drops. */
};

static void
watch_hop(void *ctx, const struct vh_hop *h)
{
    struct flow_watch *fw = ctx;
    if (h->kind == VH_HOP_DROP && !strcmp(h->reason, "iommu-blocked")) {
        fw->blocked++;
    }
    if (!h->pkt || h->pkt->flow < 0 || !h->dev
        || strncmp(h->dev->path, "host1", 5)) {
        return;                 /* Flow packets at host1 only. */
    }
    if (h->kind == VH_HOP_SERVICE && h->on_cpu) {
        fw->cycles[h->category] += h->cycles;
    }
    if (!strcmp(h->dev->kind, "linux-bridge")) {
        fw->bridge_hops++;
    }
    if ((h->kind == VH_HOP_RX || h->kind == VH_HOP_TX)
        && (!strcmp(h->dev->kind, "nic")
            || !strcmp(h->dev->kind, "switch-port"))) {
        fw->wire_hops++;
    }
}

static void
subscribe_watch(struct world *w, void *ctx)
{
    vh_trace_subscribe(&w->trace, VH_HOP_ALL, watch_hop, ctx);
}

/* A VF's frames go from the guest to the NIC and back without the host:
 * no bridge, no vhost, no host softirq, no copy. */
START_TEST(test_vf_path_skips_the_host)
{
    char json[8192];
    sriov_json(json, sizeof json, "", vf0_attach, both_ways, "");
    struct flow_watch fw = { { 0 }, 0, 0, 0 };
    struct wt_run r = wt_run_json(json, NULL, subscribe_watch, &fw);
    struct host *h = wt_host(r.w, "host1");
    ck_assert_uint_eq(r.w->flows[0].delivered, 300);
    ck_assert_uint_eq(r.w->flows[1].delivered, 300);
    ck_assert_uint_eq(fw.bridge_hops, 0);
    ck_assert_uint_eq(fw.cycles[CPU_VSWITCH], 0);
    ck_assert_uint_eq(fw.cycles[CPU_VHOST], 0);
    ck_assert_uint_eq(fw.cycles[CPU_QEMU], 0);
    /* Host cycles for the flow are the guest's own work and, on receive,
     * the exits its interrupts cause. */
    ck_assert_uint_gt(fw.cycles[CPU_GUEST], 0);
    ck_assert_uint_eq(fw.cycles[CPU_SOFTIRQ], 0);
    /* Only vm2 (virtio, on the bridge) could have copied: the ARP
     * broadcasts it saw.  Far less than the flows' bytes. */
    ck_assert_uint_lt(h->copies_bytes, 600 * 60 / 20);
    ck_assert_uint_eq(h->iommu->dma_blocked, 0);
    ck_assert_uint_gt(h->iommu->iotlb_hits + h->iommu->iotlb_misses, 0);
    ck_assert_uint_ge(wt_dev(r.w, "host1/eth0/vf0")->tx, 300);
    ck_assert_uint_ge(wt_dev(r.w, "host1/eth0/vf0")->rx, 300);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);
}
END_TEST

/* vm1 (VF 0) to vm3 (VF 1) crosses the NIC's embedded switch: no flow
 * frame is seen on the cable, and the switch port counts none. */
START_TEST(test_vf_to_vf_stays_in_the_nic)
{
    char json[8192];
    sriov_json(json, sizeof json, "", vf0_attach,
               "{ \"name\": \"v2v\", \"from\": \"host1/vm1\","
               "  \"to\": \"host1/vm3\", \"rate\": \"100kpps\","
               "  \"count\": 200 },"
               "{ \"name\": \"ping\", \"from\": \"host1/vm3\","
               "  \"to\": \"host1/vm1\", \"proto\": \"icmp\","
               "  \"rate\": \"10kpps\", \"count\": 5 }", "");
    struct flow_watch fw = { { 0 }, 0, 0, 0 };
    struct wt_run r = wt_run_json(json, NULL, subscribe_watch, &fw);
    struct world *w = r.w;
    struct sriov *sr = wt_host(w, "host1")->nics[0]->sriov;
    ck_assert_uint_eq(w->flows[0].delivered, 200);
    ck_assert_uint_eq(w->flows[1].delivered, 5);
    ck_assert_uint_eq(fw.wire_hops, 0);
    ck_assert_uint_ge(sr->switched, 200 + 10);
    /* The cable saw the ARP broadcasts only (the VEB also sends them out,
     * as it must for addresses behind the cable). */
    struct swport *p1 = l2switch_port(w->switches[0], 1);
    ck_assert_uint_le(p1->dev.rx, 2);
    wt_assert_conserved(w, true);
    wt_run_free(&r);
}
END_TEST

/* Before the run: hands vm1's NIC one UDP frame from source MAC
 * 'src_mac' (a string), addressed to the remote. */
static void
inject_frame(struct world *w, void *src_mac)
{
    struct vm_nic *n = &wt_host(w, "host1")->vms[0]->nics[0];
    struct vh_ip_hdr_spec spec = { .ip_src = 0x0a000001,
                                   .ip_dst = 0x0a000064 };
    vh_mac_parse(src_mac, &spec.src_mac);
    vh_mac_parse("02:00:00:00:00:64", &spec.dst_mac);
    struct vh_packet *p = vh_packet_alloc(&w->pool);
    p->len = vh_build_udp(p->data, &spec, 1000, 9, NULL, 18);
    port_deliver(w, &n->ep->port, p);
}

/* A VF that sends with a source MAC not its own is stopped in the NIC. */
START_TEST(test_anti_spoof)
{
    static char own[] = "52:54:00:00:00:01", other[] = "52:54:00:aa:bb:cc";
    char json[8192];
    sriov_json(json, sizeof json, "", vf0_attach, "", "");
    for (int spoof = 0; spoof < 2; spoof++) {
        struct wt_run r = wt_run_json(json, NULL, inject_frame,
                                      spoof ? other : own);
        struct world *w = r.w;
        struct sriov_vf *vf = sriov_vf_find(w, "host1/eth0/vf0");
        struct swport *p1 = l2switch_port(w->switches[0], 1);
        ck_assert_uint_eq(vf->spoofed, (uint64_t) spoof);
        ck_assert_uint_eq(vf->dev.drops, (uint64_t) spoof);
        ck_assert_uint_eq(p1->dev.rx, (uint64_t) !spoof);
        ck_assert_uint_eq(w->pool.live, 0);
        wt_run_free(&r);
    }
}
END_TEST

/* A VF's DMA outside its domain is blocked and counted, and nothing the
 * other VMs do changes. */
START_TEST(test_rogue_dma_is_blocked)
{
    static const char traffic[] =
        "{ \"name\": \"v3\", \"from\": \"host1/vm3\", \"to\": \"remote\","
        "  \"rate\": \"100kpps\", \"count\": 200 },"
        "{ \"name\": \"v2\", \"from\": \"remote\", \"to\": \"host1/vm2\","
        "  \"rate\": \"100kpps\", \"count\": 200 }";
    char calm[8192], rogue[8192];
    sriov_json(calm, sizeof calm, "", vf0_attach, traffic, "");
    sriov_json(rogue, sizeof rogue, "", vf0_attach, traffic,
               ", \"events\": [ { \"at\": \"500us\", \"action\":"
               " \"rogue-dma\", \"target\": \"host1/eth0/vf0\" },"
               " { \"at\": \"700us\", \"action\": \"rogue-dma\","
               " \"target\": \"host1/eth0/vf2\" } ]");
    struct flow_watch fa = { { 0 }, 0, 0, 0 }, fb = { { 0 }, 0, 0, 0 };
    struct wt_run a = wt_run_json(calm, NULL, subscribe_watch, &fa);
    struct wt_run b = wt_run_json(rogue, NULL, subscribe_watch, &fb);
    struct host *ha = wt_host(a.w, "host1"), *hb = wt_host(b.w, "host1");

    /* One by an assigned VF (outside its VM's memory), one by a VF no VM
     * holds (no domain at all): both blocked. */
    ck_assert_uint_eq(ha->iommu->dma_blocked, 0);
    ck_assert_uint_eq(hb->iommu->dma_blocked, 2);
    ck_assert_uint_eq(fb.blocked, 2);
    ck_assert_uint_eq(wt_dev(b.w, "host1/eth0/vf0")->drops, 1);
    ck_assert_uint_eq(wt_dev(b.w, "host1/eth0/vf2")->drops, 1);
    /* Everything else is exactly as without the attempts. */
    for (size_t i = 0; i < a.w->n_flows; i++) {
        const struct flow_stats *x = &a.w->flows[i], *y = &b.w->flows[i];
        ck_assert_uint_eq(x->delivered, y->delivered);
        ck_assert_uint_eq(x->latency.max, y->latency.max);
        ck_assert_uint_eq(x->last_delivered, y->last_delivered);
    }
    static const char *const others[] = {
        "host1/vm2/eth0", "host1/vm3/eth0", "host1/eth0/vf1", "host1/br0",
    };
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        struct vh_device *x = wt_dev(a.w, others[i]);
        struct vh_device *y = wt_dev(b.w, others[i]);
        ck_assert_uint_eq(x->rx, y->rx);
        ck_assert_uint_eq(x->tx, y->tx);
        ck_assert_uint_eq(x->drops, y->drops);
    }
    ck_assert_uint_eq(wt_host_cycles(ha), wt_host_cycles(hb));
    wt_assert_conserved(a.w, true);
    wt_assert_conserved(b.w, true);
    wt_run_free(&a);
    wt_run_free(&b);
}
END_TEST

/* With 2 MiB pages a ring's buffers share one IOTLB entry: misses fall,
 * for the same number of translations. */
START_TEST(test_iotlb_misses_fall_with_2m_pages)
{
    char j4[8192], j2[8192];
    sriov_json(j4, sizeof j4, "", vf0_attach, both_ways, "");
    sriov_json(j2, sizeof j2, ", \"page_size\": \"2M\"", vf0_attach,
               both_ways, "");
    struct wt_run a = wt_run_json(j4, NULL, NULL, NULL);
    struct wt_run b = wt_run_json(j2, NULL, NULL, NULL);
    const struct iommu *ia = wt_host(a.w, "host1")->iommu;
    const struct iommu *ib = wt_host(b.w, "host1")->iommu;
    ck_assert_uint_eq(ia->iotlb_hits + ia->iotlb_misses,
                      ib->iotlb_hits + ib->iotlb_misses);
    ck_assert_uint_gt(ia->iotlb_misses, 10 * ib->iotlb_misses);
    /* A walk delays its DMA: receive latency can only improve. */
    ck_assert_uint_le(vh_hist_percentile(&b.w->flows[1].latency, 50),
                      vh_hist_percentile(&a.w->flows[1].latency, 50));
    wt_assert_conserved(a.w, true);
    wt_assert_conserved(b.w, true);
    wt_run_free(&a);
    wt_run_free(&b);
}
END_TEST

/* Host cycles per packet: vhost-net (exits, a worker, two copies, the
 * bridge) costs more than a VF for the same traffic; posted interrupts
 * take the VF's last exits away. */
START_TEST(test_cost_ordering_vhost_over_sriov)
{
    char jv[8192], jf[8192], jp[8192];
    sriov_json(jv, sizeof jv, "", bridge_attach, both_ways, "");
    sriov_json(jf, sizeof jf, "", vf0_attach, both_ways, "");
    sriov_json(jp, sizeof jp, ", \"posted_interrupts\": true", vf0_attach,
               both_ways, "");
    struct wt_run v = wt_run_json(jv, NULL, NULL, NULL);
    struct wt_run f = wt_run_json(jf, NULL, NULL, NULL);
    struct wt_run p = wt_run_json(jp, NULL, NULL, NULL);
    struct host *hv = wt_host(v.w, "host1");
    struct host *hf = wt_host(f.w, "host1");
    struct host *hp = wt_host(p.w, "host1");
    for (size_t i = 0; i < 2; i++) {
        ck_assert_uint_eq(v.w->flows[i].delivered, 300);
        ck_assert_uint_eq(f.w->flows[i].delivered, 300);
        ck_assert_uint_eq(p.w->flows[i].delivered, 300);
    }
    ck_assert_uint_eq(hv->packets, hf->packets);
    ck_assert_uint_gt(wt_host_cycles(hv), wt_host_cycles(hf));
    ck_assert_uint_gt(wt_host_cycles(hf), wt_host_cycles(hp));
    ck_assert_uint_gt(hv->vm_exits, hf->vm_exits);
    /* vm1 alone runs on core 2: its VF's interrupts exit there unless
     * they are posted; posted, only a vCPU that had halted exits (its
     * HLT), and no host interrupt reaches the core while it polls. */
    ck_assert_uint_gt(hf->cores[2].cycles[CPU_VMEXIT], 0);
    ck_assert_uint_lt(4 * hp->cores[2].cycles[CPU_VMEXIT],
                      hf->cores[2].cycles[CPU_VMEXIT]);
    ck_assert_uint_eq(hp->cores[2].cycles[CPU_IRQ], 0);
    ck_assert_uint_lt(hp->vm_exits, hf->vm_exits);
    ck_assert_uint_lt(hp->interrupts, hf->interrupts);
    /* With the VF, vhost work is left only for vm2's broadcasts. */
    ck_assert_uint_lt(20 * wt_cat_cycles(hf, CPU_VHOST),
                      wt_cat_cycles(hv, CPU_VHOST));
    wt_assert_conserved(v.w, true);
    wt_assert_conserved(f.w, true);
    wt_assert_conserved(p.w, true);
    wt_run_free(&v);
    wt_run_free(&f);
    wt_run_free(&p);
}
END_TEST

/* A VF's link state (ip link set eth0 vf 0 state disable): frames to
 * and from the guest are lost while it is down, and only then. */
START_TEST(test_vf_link_state)
{
    char json[8192];
    sriov_json(json, sizeof json, "", vf0_attach, both_ways,
               ", \"events\": ["
               " { \"at\": \"400us\", \"action\": \"link-down\","
               "   \"target\": \"host1/vm1/eth0\" },"
               " { \"at\": \"900us\", \"action\": \"link-up\","
               "   \"target\": \"host1/vm1/eth0\" } ]");
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    for (size_t i = 0; i < 2; i++) {
        const struct flow_stats *fs = &r.w->flows[i];
        ck_assert_uint_gt(fs->delivered, 0);
        ck_assert_uint_eq(fs->drops.n, 1);
        ck_assert_str_eq(fs->drops.reason[0], "link-down");
        /* 200 kpps for the 500us it was down, give or take one. */
        ck_assert_uint_ge(fs->drops.total, 99);
        ck_assert_uint_le(fs->drops.total, 101);
    }
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);
}
END_TEST

/* ---- Passthrough. ---- */

static const char pt_json[] =
    "{ \"duration\": \"2ms\","
    "  \"hosts\": ["
    "   { \"name\": \"host1\", \"iommu\": { \"enabled\": true },"
    "     \"nics\": [ { \"name\": \"eth0\", \"link\": \"tor1/p1\","
    "                   \"queues\": 2 } ],"
    "     \"vms\": [ { \"name\": \"vm1\", \"vcpus\": 2, \"nics\": [ {"
    "       \"name\": \"eth0\", \"ip\": \"10.0.0.1/24\","
    "       \"attach\": { \"type\": \"passthrough\", \"to\": \"eth0\" } } ] } ] },"
    "   { \"name\": \"remote\", \"nics\": [ { \"name\": \"eth0\","
    "       \"ip\": \"10.0.0.100/24\", \"link\": \"tor1/p2\" } ] } ],"
    "  \"switches\": [ { \"name\": \"tor1\", \"ports\": 4 } ],"
    "  \"traffic\": ["
    "    { \"name\": \"out\", \"from\": \"host1/vm1\", \"to\": \"remote\","
    "      \"rate\": \"100kpps\", \"count\": 100 },"
    "    { \"name\": \"in\", \"from\": \"remote\", \"to\": \"host1/vm1\","
    "      \"rate\": \"100kpps\", \"count\": 100, \"sport\": 4000 } ] }";

/* The guest drives the whole NIC: its queues' NAPI runs on the vCPUs as
 * 'guest', the host copies nothing and switches nothing. */
START_TEST(test_passthrough)
{
    struct flow_watch fw = { { 0 }, 0, 0, 0 };
    struct wt_run r = wt_run_json(pt_json, NULL, subscribe_watch, &fw);
    struct host *h = wt_host(r.w, "host1");
    struct pnic *nic = h->nics[0];
    struct vm *vm = h->vms[0];
    ck_assert_uint_eq(r.w->flows[0].delivered, 100);
    ck_assert_uint_eq(r.w->flows[1].delivered, 100);
    ck_assert_uint_eq(h->copies_bytes, 0);
    ck_assert_uint_eq(wt_cat_cycles(h, CPU_SOFTIRQ), 0);
    ck_assert_uint_eq(wt_cat_cycles(h, CPU_VSWITCH), 0);
    ck_assert_uint_eq(fw.cycles[CPU_VHOST], 0);
    for (int q = 0; q < 2; q++) {
        ck_assert_ptr_eq(nic->q[q].irq_core, vm->vcpus[q]);
        ck_assert_int_eq(nic->q[q].cat, CPU_GUEST);
    }
    /* The PF's DMA is the VM's now: translated in its domain. */
    ck_assert_int_gt(iommu_domain_of(h->iommu, nic->pf.rid), 0);
    ck_assert_uint_gt(h->iommu->iotlb_hits + h->iommu->iotlb_misses, 0);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);
}
END_TEST

/* ---- Refusals. ---- */

static const struct {
    const char *json;
    const char *msg;
} refusals[] = {
    /* More VFs than the model has. */
    { "{ \"hosts\": [ { \"name\": \"h\", \"nics\": [ { \"name\": \"eth0\","
      "  \"model\": \"i350\", \"sriov\": { \"vfs\": 9 } } ] } ] }",
      "hosts[0].nics[0].sriov.vfs: the i350 supports at most 8 VFs" },
    { "{ \"hosts\": [ { \"name\": \"h\", \"nics\": [ { \"name\": \"eth0\","
      "  \"model\": \"82599\", \"sriov\": { \"vfs\": 65 } } ] } ] }",
      "the 82599 supports at most 64 VFs" },
    /* VT-d off. */
    { "{ \"hosts\": [ { \"name\": \"h\", \"nics\": [ { \"name\": \"eth0\","
      "  \"sriov\": { \"vfs\": 2 } } ], \"vms\": [ { \"name\": \"vm\","
      "  \"nics\": [ { \"name\": \"eth0\", \"ip\": \"10.0.0.1/24\","
      "  \"attach\": { \"type\": \"sriov-vf\", \"to\": \"eth0\" } } ] } ] } ] }",
      "needs the IOMMU (Intel VT-d)" },
    { "{ \"hosts\": [ { \"name\": \"h\", \"nics\": [ { \"name\": \"eth0\" } ],"
      "  \"vms\": [ { \"name\": \"vm\", \"nics\": [ { \"name\": \"eth0\","
      "  \"ip\": \"10.0.0.1/24\", \"attach\": { \"type\": \"passthrough\","
      "  \"to\": \"eth0\" } } ] } ] } ] }",
      "needs the IOMMU (Intel VT-d)" },
    { "{ \"hosts\": [ { \"name\": \"h\", \"iommu\": {"
      "  \"posted_interrupts\": true } } ] }",
      "hosts[0].iommu.posted_interrupts: posted interrupts are delivered by "
      "the IOMMU's interrupt remapping (VT-d)" },
    /* A NIC passed to two VMs. */
    { "{ \"hosts\": [ { \"name\": \"h\", \"iommu\": { \"enabled\": true },"
      "  \"nics\": [ { \"name\": \"eth0\" } ], \"vms\": ["
      "  { \"name\": \"a\", \"nics\": [ { \"name\": \"eth0\","
      "    \"ip\": \"10.0.0.1/24\", \"attach\": { \"type\": \"passthrough\","
      "    \"to\": \"eth0\" } } ] },"
      "  { \"name\": \"b\", \"nics\": [ { \"name\": \"eth0\","
      "    \"ip\": \"10.0.0.2/24\", \"attach\": { \"type\": \"passthrough\","
      "    \"to\": \"eth0\" } } ] } ] } ] }",
      "NIC 'eth0' is passed through to a VM, so no other VM NIC can use it" },
    /* A passed-through NIC cannot keep the host's address. */
    { "{ \"hosts\": [ { \"name\": \"h\", \"iommu\": { \"enabled\": true },"
      "  \"nics\": [ { \"name\": \"eth0\", \"ip\": \"10.0.0.9/24\" } ],"
      "  \"vms\": [ { \"name\": \"a\", \"nics\": [ { \"name\": \"eth0\","
      "    \"ip\": \"10.0.0.1/24\", \"attach\": { \"type\": \"passthrough\","
      "    \"to\": \"eth0\" } } ] } ] } ] }",
      "carries the host's address" },
    /* VF paths and the rogue DMA event. */
    { "{ \"duration\": \"1ms\", \"hosts\": [ { \"name\": \"h\","
      "  \"iommu\": { \"enabled\": true }, \"nics\": [ { \"name\": \"eth0\","
      "  \"sriov\": { \"vfs\": 2 } } ] } ], \"events\": [ { \"at\": \"1us\","
      "  \"action\": \"rogue-dma\", \"target\": \"h/eth0/vf2\" } ] }",
      "events[0].target: NIC 'h/eth0' has VFs vf0 to vf1; 'vf2' is not one" },
    { "{ \"duration\": \"1ms\", \"hosts\": [ { \"name\": \"h\","
      "  \"iommu\": { \"enabled\": true }, \"nics\": [ { \"name\": \"eth0\","
      "  \"sriov\": { \"vfs\": 2 } } ] } ], \"events\": [ { \"at\": \"1us\","
      "  \"action\": \"rogue-dma\", \"target\": \"h/eth0\" } ] }",
      "'h/eth0' is a host NIC; a rogue DMA is attempted by a VF" },
    { "{ \"duration\": \"1ms\", \"hosts\": [ { \"name\": \"h\","
      "  \"nics\": [ { \"name\": \"eth0\", \"sriov\": { \"vfs\": 2 } } ] } ],"
      "  \"events\": [ { \"at\": \"1us\", \"action\": \"rogue-dma\","
      "  \"target\": \"h/eth0/vf1\" } ] }",
      "host 'h' has no IOMMU, so nothing would stop the VF's write" },
    /* A VLAN is a VF's or a bridge port's; macvtap has none yet. */
    { "{ \"hosts\": [ { \"name\": \"h\", \"nics\": [ { \"name\": \"eth0\" } ],"
      "  \"vms\": [ { \"name\": \"vm\", \"nics\": [ { \"name\": \"eth0\","
      "  \"ip\": \"10.0.0.1/24\", \"vlan\": 10, \"attach\": { \"type\":"
      "  \"macvtap\", \"to\": \"eth0\" } } ] } ] } ] }",
      "not supported yet: VLANs" },
};

START_TEST(test_refusals)
{
    struct vh_diag d;
    vh_diag_init(&d);
    struct cfg_scenario *sc = cfg_load_string(refusals[_i].json, "t.json",
                                              NULL, &d);
    ck_assert_msg(sc == NULL, "case %d loaded", _i);
    ck_assert_msg(strstr(d.msg, refusals[_i].msg) != NULL,
                  "case %d:\n  got:  %s\n  want: %s", _i, d.msg,
                  refusals[_i].msg);
}
END_TEST

/* A VF in a VLAN hears only its VLAN: vm1 (VLAN 10) and vm3 (VLAN 10)
 * talk inside the NIC with tagged frames on the cable side, while vm3
 * cannot reach the untagged remote. */
START_TEST(test_vf_vlan)
{
    char json[8192];
    sriov_json(json, sizeof json, "",
               "{ \"type\": \"sriov-vf\", \"to\": \"eth0\", \"vf\": 0 },"
               " \"vlan\": 10",
               "{ \"name\": \"same\", \"from\": \"host1/vm1\","
               "  \"to\": \"host1/vm3\", \"rate\": \"50kpps\", \"count\": 20 }",
               "");
    /* vm3 is untagged in the template: same VLAN needs it tagged too. */
    char *at = strstr(json, "\"ip\": \"10.0.0.3/24\",");
    ck_assert_ptr_nonnull(at);
    char fixed[8300];
    size_t head = (size_t) (at - json);
    snprintf(fixed, sizeof fixed, "%.*s\"vlan\": 10, %s", (int) head, json,
             at);
    struct wt_run r = wt_run_json(fixed, NULL, NULL, NULL);
    ck_assert_uint_eq(r.w->flows[0].delivered, 20);
    /* Nothing reached vm2, untagged behind the PF, not even the ARP
     * broadcast of VLAN 10. */
    ck_assert_uint_eq(wt_dev(r.w, "host1/vm2/eth0")->rx, 0);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);

    r = wt_run_json(json, NULL, NULL, NULL);
    /* vm1 in VLAN 10, vm3 untagged: the ARP never gets an answer. */
    ck_assert_uint_eq(r.w->flows[0].delivered, 0);
    ck_assert_uint_eq(wt_dev(r.w, "host1/vm3/eth0")->rx, 0);
    wt_run_free(&r);
}
END_TEST

static Suite *
nic_suite(void)
{
    Suite *s = suite_create("nic");
    TCase *tc = tcase_create("rss");
    tcase_add_test(tc, test_toeplitz_known_answers);
    tcase_add_test(tc, test_rss_frame_input);
    tcase_add_test(tc, test_rss_spreads_flows_by_hash);
    tcase_add_test(tc, test_irqbalance_modes);
    tcase_add_test(tc, test_xps_picks_the_senders_queue);
    suite_add_tcase(s, tc);
    tc = tcase_create("vmdq");
    tcase_add_test(tc, test_vmdq_takes_fewer_interrupts);
    suite_add_tcase(s, tc);
    tc = tcase_create("sriov");
    tcase_add_test(tc, test_vf_path_skips_the_host);
    tcase_add_test(tc, test_vf_to_vf_stays_in_the_nic);
    tcase_add_test(tc, test_anti_spoof);
    tcase_add_test(tc, test_rogue_dma_is_blocked);
    tcase_add_test(tc, test_iotlb_misses_fall_with_2m_pages);
    tcase_add_test(tc, test_cost_ordering_vhost_over_sriov);
    tcase_add_test(tc, test_vf_link_state);
    tcase_add_test(tc, test_passthrough);
    tcase_add_test(tc, test_vf_vlan);
    tcase_add_loop_test(tc, test_refusals, 0,
                        (int) (sizeof refusals / sizeof refusals[0]));
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(nic_suite)
