/* tests/test_vic.c: the VN-Tag adapter (NIC model "vic") and its VIFs
 * (attach "vif").
 *
 * The loader's limits and refusals; the adapter never switching between
 * its own VIFs, where an SR-IOV NIC does, with the tags it puts on the
 * cable read back by tshark; what it does with each kind of frame coming
 * down, injected at its cable; whole runs through a stand-in controlling
 * bridge, in VN-Tag and in E-Tag; what each mode costs the host; the
 * report; and the same bytes from two runs. */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/core/port.h"
#include "models/core/world.h"
#include "models/guest/vf_driver.h"
#include "models/guest/vm.h"
#include "models/hw/iommu.h"
#include "models/hw/pnic.h"
#include "models/hw/sriov.h"
#include "models/hw/vic.h"
#include "models/switch/evbtag.h"
#include "models/switch/vntag.h"
#include "report/report.h"
#include "sim/capture.h"
#include "sim/frame.h"
#include "sim/packet.h"
#include "sim/trace.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* --- Scenarios. --- */

/* host1 (4 cores, IOMMU on) with NIC eth0 ('nic': its keys after the
 * name) and VMs vm1..vmN pinned to cores 2 and 3 in turn, vm i with one
 * NIC 52:54:00:00:00:0i / 10.0.0.i attached by att[i - 1]; switch tor1
 * (802.1q, 4 ports); traffic 'traffic'; 'extra' at the top level (a
 * capture, events). */
static void
scen(char *buf, size_t size, const char *nic, int n, const char *const *att,
     const char *traffic, const char *dur, const char *extra)
{
    int k = snprintf(buf, size,
        "{ \"name\": \"vic\", \"duration\": \"%s\", \"seed\": 7,"
        "  \"hosts\": [ { \"name\": \"host1\", \"cpu\": { \"cores\": 4 },"
        "    \"iommu\": { \"enabled\": true },"
        "    \"nics\": [ { \"name\": \"eth0\" %s } ],"
        "    \"vms\": [", dur, nic);
    for (int i = 0; i < n; i++) {
        k += snprintf(buf + k, size - (size_t) k,
            "%s { \"name\": \"vm%d\", \"pin\": [%d], \"nics\": [ {"
            "  \"name\": \"eth0\", \"mac\": \"52:54:00:00:00:0%d\","
            "  \"ip\": \"10.0.0.%d/24\", \"attach\": %s } ] }",
            i ? "," : "", i + 1, 2 + i % 2, i + 1, i + 1, att[i]);
    }
    snprintf(buf + k, size - (size_t) k,
        "] } ],"
        "  \"switches\": [ { \"name\": \"tor1\", \"mode\": \"802.1q\","
        "                  \"ports\": 4 } ],"
        "  \"traffic\": [ %s ] %s }", traffic, extra);
}

#define VIC_NIC(vifs) ", \"model\": \"vic\", \"vifs\": " #vifs
#define VIC_CABLED ", \"model\": \"vic\", \"link\": \"tor1/p1\""
#define STD "{ \"type\": \"vif\", \"to\": \"eth0\", \"mode\": \"standard\" }"
#define PASS "{ \"type\": \"vif\", \"to\": \"eth0\", \"mode\": \"passthrough\" }"
#define VF "{ \"type\": \"sriov-vf\", \"to\": \"eth0\" }"

/* vm1 to vm2, 'count' UDP packets at 100 kpps. */
static char *
flow12(int count)
{
    static char f[256];
    snprintf(f, sizeof f, "{ \"name\": \"f12\", \"from\": \"host1/vm1\","
             " \"to\": \"host1/vm2\", \"proto\": \"udp\","
             " \"rate\": \"100kpps\", \"count\": %d }", count);
    return f;
}

static struct vic *
vic_at(struct world *w)
{
    struct pnic *nic = host_nic(w, wt_host(w, "host1"), "eth0");
    ck_assert_ptr_nonnull(nic);
    struct vic *v = vic_of(nic);
    ck_assert_ptr_nonnull(v);
    return v;
}

/* The VIF that serves VM NIC 'path'. */
static struct sriov_vf *
vif_serving(struct vic *v, const char *path)
{
    for (int i = 0; i < v->n_vifs; i++) {
        struct sriov_vf *vf = &v->sr->vfs[i];
        if (vf->vnic && !strcmp(vf->vnic->dev->path, path)) {
            return vf;
        }
    }
    ck_abort_msg("no VIF serves %s", path);
    return NULL;
}

static const struct vic_fn_stats *
stats_of(struct vic *v, const char *path)
{
    return &v->stats[vif_serving(v, path)->fn.index];
}

static int
vif_number(struct vic *v, const char *path)
{
    return vic_fn_vif(v, &vif_serving(v, path)->fn);
}

/* --- The loader. --- */

static const struct {
    const char *nic;
    const char *att0, *att1;    /* vm2's is left out when NULL. */
    const char *extra;
    const char *msg;
} bad[] = {
    { VIC_NIC(129), STD, NULL, "",
      "hosts[0].nics[0].vifs: 129 is out of range; expected 1 to 128 (a "
      "VIC has at most 128 VIFs)" },
    { VIC_NIC(0), STD, NULL, "",
      "hosts[0].nics[0].vifs: 0 is out of range; expected 1 to 128 (a VIC "
      "has at most 128 VIFs)" },
    { ", \"model\": \"vic\", \"sriov\": { \"vfs\": 4 }", STD, NULL, "",
      "hosts[0].nics[0].sriov: a VIC has no SR-IOV VFs: its PCIe functions "
      "are its VIFs; give it \"vifs\" (1 to 128) instead" },
    { ", \"model\": \"82599\", \"vifs\": 4", STD, NULL, "",
      "hosts[0].nics[0].vifs: 'vifs' applies only to NICs of model vic" },
    { ", \"model\": \"82599\", \"sriov\": { \"vfs\": 4 }", STD, NULL, "",
      "hosts[0].vms[0].nics[0].attach.to: NIC 'eth0' is a NIC of model "
      "82599, not a VIC; attach type 'vif' takes a NIC of model vic, whose "
      "functions are VIFs" },
    { VIC_NIC(1), STD, PASS, "",
      "hosts[0].vms[1].nics[0].attach.to: NIC 'eth0' has no VIF left for "
      "this VM NIC: its \"vifs\" is 1 (a VIC has at most 128)" },
    { VIC_NIC(4), VF, NULL, "",
      "hosts[0].vms[0].nics[0].attach.to: NIC 'eth0' is a VIC: its PCIe "
      "functions are VIFs, which a VM NIC takes with attach type 'vif'" },
    { VIC_NIC(4), "{ \"type\": \"vif\", \"to\": \"eth0\", \"mode\": "
      "\"vepa\" }", NULL, "",
      "hosts[0].vms[0].nics[0].attach.mode: unknown VIF mode 'vepa' "
      "(expected one of passthrough, standard)" },
    { VIC_NIC(4), "{ \"type\": \"vif\", \"to\": \"eth0\", \"vf\": 1 }",
      NULL, "",
      "hosts[0].vms[0].nics[0].attach.vf: 'vf' applies only to attach type "
      "sriov-vf" },
    { VIC_NIC(4), "{ \"type\": \"vif\", \"to\": \"eth0\", \"vlan\": 10 }",
      NULL, "",
      "hosts[0].vms[0].nics[0].vlan: not supported yet: VLANs" },
    { VIC_NIC(4), "{ \"type\": \"bridge\", \"to\": \"eth0\", \"mode\": "
      "\"vepa\" }", NULL, "",
      "hosts[0].vms[0].nics[0].attach.mode: 'mode' applies only to attach "
      "types macvtap and vif" },
};

START_TEST(test_vic_refusals)
{
    char json[8192];
    const char *att[2] = { bad[_i].att0, bad[_i].att1 };
    scen(json, sizeof json, bad[_i].nic, att[1] ? 2 : 1, att, "", "1ms",
         bad[_i].extra);
    char *msg = wt_refusal(json, NULL);
    ck_assert_str_eq(msg, bad[_i].msg);
    free(msg);
}
END_TEST

START_TEST(test_vic_passthrough_does_not_migrate)
{
    char json[8192];
    const char *att[1] = { PASS };
    scen(json, sizeof json, VIC_NIC(4), 1, att, "", "1ms",
         ", \"events\": [ { \"at\": \"500us\", \"action\": \"migrate\","
         "  \"target\": \"host1/vm1\", \"to\": \"host2\" } ]");
    /* A second host to go to. */
    char *at = strstr(json, "] } ],");
    ck_assert_ptr_nonnull(at);
    char tail[8192];
    snprintf(tail, sizeof tail, "%s", at + 6);
    snprintf(at, sizeof json - (size_t) (at - json),
             "] }, { \"name\": \"host2\" } ],%s", tail);
    char *msg = wt_refusal(json, NULL);
    ck_assert_str_eq(msg, "events[0].target: VM 'host1/vm1' cannot be "
                     "live-migrated: its NIC hosts[0].vms[0].nics[0] is an "
                     "assigned device (a VIC's VIF in passthrough mode), "
                     "whose state lives in the hardware; detach it first");
    free(msg);
}
END_TEST

START_TEST(test_vic_passthrough_needs_the_iommu)
{
    char json[8192];
    const char *att[1] = { PASS };
    scen(json, sizeof json, VIC_NIC(4), 1, att, "", "1ms", "");
    /* The same host without its IOMMU. */
    char *at = strstr(json, "\"iommu\": { \"enabled\": true },");
    ck_assert_ptr_nonnull(at);
    memset(at, ' ', strlen("\"iommu\": { \"enabled\": true },"));
    char *msg = wt_refusal(json, NULL);
    ck_assert_msg(strstr(msg, "hosts[0].vms[0].nics[0].attach: assigning a "
                           "device to a VM needs the IOMMU") == msg,
                  "%s", msg);
    free(msg);
    /* Standard mode: the host drives the VIF, no IOMMU needed. */
    const char *std[1] = { STD };
    scen(json, sizeof json, VIC_NIC(4), 1, std, "", "1ms", "");
    at = strstr(json, "\"iommu\": { \"enabled\": true },");
    memset(at, ' ', strlen("\"iommu\": { \"enabled\": true },"));
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    wt_run_free(&r);
}
END_TEST

START_TEST(test_vic_128_vifs)
{
    /* 128 is the model's limit and is accepted; every VIF is a function
     * with its own VIF number, and the adapter's own comes after them. */
    char json[8192];
    const char *att[1] = { STD };
    scen(json, sizeof json, VIC_NIC(128), 1, att, "", "1ms", "");
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    struct vic *v = vic_at(r.w);
    ck_assert_int_eq(v->n_vifs, 128);
    ck_assert_int_eq(v->base, 1);
    ck_assert_int_eq(vic_fn_vif(v, &v->nic->pf), 129);
    ck_assert_ptr_nonnull(vic_vif_find(r.w, "host1/eth0/vif1"));
    ck_assert_ptr_nonnull(vic_vif_find(r.w, "host1/eth0/vif128"));
    ck_assert_ptr_null(vic_vif_find(r.w, "host1/eth0/vif129"));
    ck_assert_ptr_null(vic_vif_find(r.w, "host1/eth0/vif0"));
    /* The VM NIC took the first; its kind and its host half. */
    ck_assert_int_eq(vif_number(v, "host1/vm1/eth0"), 1);
    ck_assert_str_eq(wt_dev(r.w, "host1/eth0/vif1")->kind, "vif");
    ck_assert_str_eq(wt_dev(r.w, "host1/eth0")->kind, "vic");
    ck_assert_str_eq(wt_dev(r.w, "host1/eth0/vif1/macvtap")->kind,
                     "vif-macvtap");
    /* Only the VIF in use is listed among the devices. */
    ck_assert_int_eq(wt_dev(r.w, "host1/eth0/vif1")->report, 1);
    ck_assert_int_eq(wt_dev(r.w, "host1/eth0/vif2")->report, 0);
    wt_run_free(&r);
}
END_TEST

START_TEST(test_vic_vif_numbers_are_the_worlds)
{
    /* Two VICs take consecutive blocks: their VIFs and one each for
     * themselves. */
    const char *json =
        "{ \"duration\": \"1ms\", \"hosts\": ["
        "  { \"name\": \"a\", \"nics\": ["
        "    { \"name\": \"eth0\", \"model\": \"vic\", \"vifs\": 4 },"
        "    { \"name\": \"eth1\", \"model\": \"vic\" } ] },"
        "  { \"name\": \"b\", \"nics\": ["
        "    { \"name\": \"eth0\", \"model\": \"vic\", \"vifs\": 2 } ] } ] }";
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    struct vic *a0 = vic_of(host_nic(r.w, wt_host(r.w, "a"), "eth0"));
    struct vic *a1 = vic_of(host_nic(r.w, wt_host(r.w, "a"), "eth1"));
    struct vic *b0 = vic_of(host_nic(r.w, wt_host(r.w, "b"), "eth0"));
    ck_assert_int_eq(a0->base, 1);
    ck_assert_int_eq(vic_fn_vif(a0, &a0->nic->pf), 5);
    ck_assert_int_eq(a1->base, 6);
    ck_assert_int_eq(a1->n_vifs, VIC_DEF_VIFS);
    ck_assert_int_eq(vic_fn_vif(a1, &a1->nic->pf), 6 + VIC_DEF_VIFS);
    ck_assert_int_eq(b0->base, 7 + VIC_DEF_VIFS);
    ck_assert_ptr_nonnull(vic_vif_find(r.w, "a/eth1/vif6"));
    /* Every VIC's cable end extends the bridge above it. */
    ck_assert(a0->nic->wire.evb_extender);
    wt_run_free(&r);
}
END_TEST

/* --- No local switching. --- */

/* Two VMs on one adapter behind an 802.1Q switch, which never sends a
 * frame back out of the port it came in by: they cannot reach each other
 * (their ARP requests go up and are never reflected), while on an SR-IOV
 * NIC the embedded switch joins them inside the NIC.  The capture on the
 * VIC's cable is returned in 'pcap' when not NULL. */
struct cap_ctx {
    const char *file;
    struct vh_capture *cap;
};

static void
cap_setup(struct world *w, void *ctx)
{
    struct cap_ctx *c = ctx;
    const char *point = "host1/eth0";
    char err[512];
    size_t failed;
    c->cap = vh_capture_open(&w->trace, &w->devs, &point, &c->file, 1,
                             &failed, err, sizeof err);
    ck_assert_msg(c->cap != NULL, "%s", err);
}

static struct wt_run
run_two(const char *nic, const char *a0, const char *a1, const char *pcap)
{
    char json[8192];
    const char *att[2] = { a0, a1 };
    /* Long enough for the three ARP requests a second apart to fail. */
    scen(json, sizeof json, nic, 2, att, flow12(20), "4s", "");
    struct cap_ctx c = { pcap, NULL };
    struct wt_run r = wt_run_json(json, NULL, pcap ? cap_setup : NULL, &c);
    if (pcap) {
        char err[512];
        ck_assert_msg(vh_capture_commit(c.cap, err, sizeof err) == 0, "%s",
                      err);
    }
    return r;
}

START_TEST(test_vic_never_switches_locally)
{
    struct wt_run r = run_two(VIC_CABLED, STD, PASS, NULL);
    const struct flow_stats *f = &r.w->flows[0];
    struct vic *v = vic_at(r.w);
    ck_assert_uint_eq(f->delivered, 0);
    ck_assert_uint_eq(f->drops.total, 20);
    /* Lost because the bridge above would not turn vm1's request back. */
    ck_assert_uint_eq(vh_drops_get(&f->drops, "no-hairpin"), 20);
    /* Its three requests went up, tagged; nothing came down to vm2. */
    ck_assert_uint_eq(stats_of(v, "host1/vm1/eth0")->tx_frames, 3);
    ck_assert_uint_eq(stats_of(v, "host1/vm2/eth0")->rx_frames, 0);
    ck_assert_uint_eq(stats_of(v, "host1/vm2/eth0")->tx_frames, 0);
    ck_assert_uint_eq(wt_dev(r.w, "tor1/p1")->rx, 3);
    ck_assert_uint_eq(v->untagged + v->unknown + v->upstream, 0);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);

    /* The same two VMs on VFs of an SR-IOV NIC: the VEB switches. */
    r = run_two(", \"model\": \"82599\", \"sriov\": { \"vfs\": 2 },"
                " \"link\": \"tor1/p1\"", VF, VF, NULL);
    f = &r.w->flows[0];
    ck_assert_uint_eq(f->delivered, 20);
    ck_assert_uint_eq(f->drops.total, 0);
    struct sriov *sr = host_nic(r.w, wt_host(r.w, "host1"), "eth0")->sriov;
    ck_assert_uint_ge(sr->switched, 20 + 1);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);
}
END_TEST

/* Under a VEPA switch vm1's request comes back out of the port it went
 * up by, still tagged going up: the adapter drops it there, and the
 * flow's drops say so, not no-hairpin. */
START_TEST(test_vic_under_a_vepa_switch)
{
    char json[8192];
    const char *att[2] = { STD, STD };
    scen(json, sizeof json, VIC_CABLED, 2, att, flow12(20), "4s", "");
    char *m = strstr(json, "\"802.1q\"");
    ck_assert_ptr_nonnull(m);
    memcpy(m, "\"vepa\"  ", 8);
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    const struct flow_stats *f = &r.w->flows[0];
    struct vic *v = vic_at(r.w);
    ck_assert_uint_eq(f->delivered, 0);
    ck_assert_uint_eq(f->drops.total, 20);
    ck_assert_uint_eq(vh_drops_get(&f->drops, "vif-upstream"), 20);
    ck_assert_uint_eq(vh_drops_get(&f->drops, "no-hairpin"), 0);
    /* Its three requests went up and came back, each dropped. */
    ck_assert_uint_eq(stats_of(v, "host1/vm1/eth0")->tx_frames, 3);
    ck_assert_uint_eq(v->upstream, 3);
    ck_assert_uint_eq(stats_of(v, "host1/vm2/eth0")->rx_frames, 0);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);
}
END_TEST

START_TEST(test_vic_tags_on_the_cable)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    char path[4096];
    snprintf(path, sizeof path, "%s/vic.pcap", dir);
    struct wt_run r = run_two(VIC_CABLED, PASS, STD, path);
    int vif1 = vif_number(vic_at(r.w), "host1/vm1/eth0");
    wt_run_free(&r);

    vh_tshark_assert_clean(path);
    char want[128];
    snprintf(want, sizeof want, "eth:ethertype:vntag:ethertype:arp\t0\t0\t"
             "%d\t0\t52:54:00:00:00:01\t10.0.0.2\n", vif1);
    static const char f[] = "-e frame.protocols -e vntag.dir -e vntag.dst "
                            "-e vntag.src -e vntag.ptr -e eth.src "
                            "-e arp.dst.proto_ipv4";
    for (int i = 1; i <= 3; i++) {
        vh_tshark_expect(path, i, f, want);
    }
    /* Three requests and nothing else crossed the cable. */
    char *fourth = vh_tshark_fields(path, 4, "-e frame.number");
    ck_assert_str_eq(fourth, "");
    free(fourth);
    free(dir);
}
END_TEST

/* --- Frames coming down, injected at the adapter's cable end. --- */

struct inject {
    struct world *w;
    struct vic *v;
    int vif[3];                 /* Of vm1, vm2, vm3. */
    int seen[3];                /* Frames each VM NIC's device took. */
    int seen_tagged;            /* ...that still carried a VN-Tag. */
    int vif_rx_tagged;          /* Frames at a VIF still tagged. */
};

static const struct vh_mac vm_mac[3] = {
    { { 0x52, 0x54, 0, 0, 0, 1 } }, { { 0x52, 0x54, 0, 0, 0, 2 } },
    { { 0x52, 0x54, 0, 0, 0, 3 } },
};
static const struct vh_mac outside = { { 0x02, 0, 0, 0, 0, 0x99 } };

/* A UDP frame from outside to VM 'to' (or to everyone, -1), with
 * 'tag' on it unless NULL. */
static struct vh_packet *
down_frame(struct world *w, int to, const struct evb_tag *tag,
           enum evb_tag_kind kind)
{
    struct vh_ip_hdr_spec h = {
        .dst_mac = to < 0 ? vh_mac_broadcast : vm_mac[to],
        .src_mac = outside, .ip_src = 0x0a000063,
        .ip_dst = to < 0 ? 0x0a0000ff : 0x0a000001 + (uint32_t) to,
    };
    struct vh_packet *p = vh_packet_alloc(&w->pool);
    p->len = vh_build_udp(p->data, &h, 4000, 4001, NULL, 26);
    p->born = w->sim.now;
    if (tag) {
        evbtag_push(p, kind, tag);
    }
    return p;
}

static void
on_hop(void *ctx, const struct vh_hop *hop)
{
    struct inject *in = ctx;
    const struct vh_packet *p = hop->pkt;
    if (!p || p->len < VH_ETH_HLEN) {
        return;
    }
    bool tagged = vntag_present(p->data, p->len);
    if (hop->dev->cls == &vif_class) {
        in->vif_rx_tagged += tagged;
    }
    for (int i = 0; i < 3; i++) {
        char path[64];
        snprintf(path, sizeof path, "host1/vm%d/eth0", i + 1);
        if (!strcmp(hop->dev->path, path)
            && vh_mac_eq(vh_eth_src(p->data), &outside)) {
            in->seen[i]++;
            in->seen_tagged += tagged;
        }
    }
}

/* Each step hands one frame to the adapter's cable end, as the cable
 * would. */
static void
inject_step(struct vh_sim *sim, void *obj, void *arg)
{
    struct inject *in = obj;
    struct world *w = world_of(sim);
    struct pnic *nic = in->v->nic;
    int step = (int) (intptr_t) arg;
    struct evb_tag t = { .down = true };
    struct vh_packet *p;
    switch (step) {
    case 0:     /* To vm2's VIF. */
        t.dst = (uint16_t) in->vif[1];
        p = down_frame(w, 1, &t, EVB_TAG_VNTAG);
        break;
    case 1:     /* To a VIF it does not have. */
        t.dst = 999;
        p = down_frame(w, 1, &t, EVB_TAG_VNTAG);
        break;
    case 2:     /* To a VIF it has, that no VM NIC uses. */
        t.dst = (uint16_t) (in->v->base + 5);
        p = down_frame(w, 1, &t, EVB_TAG_VNTAG);
        break;
    case 3:     /* Untagged. */
        p = down_frame(w, 1, NULL, EVB_TAG_VNTAG);
        break;
    case 4:     /* A VN-Tag still going up. */
        t.down = false;
        t.src = (uint16_t) in->vif[0];
        p = down_frame(w, 1, &t, EVB_TAG_VNTAG);
        break;
    case 5:     /* An E-Tag, where the adapter speaks VN-Tag. */
        t.dst = (uint16_t) in->vif[1];
        p = down_frame(w, 1, &t, EVB_TAG_ETAG);
        break;
    case 6:     /* A flood from vm1 looped back: all but vm1. */
        t.group = true;
        t.dst = 1;
        t.looped = true;
        t.src = (uint16_t) in->vif[0];
        p = down_frame(w, -1, &t, EVB_TAG_VNTAG);
        break;
    default:    /* A flood from outside: everyone. */
        t.group = true;
        t.dst = 1;
        p = down_frame(w, -1, &t, EVB_TAG_VNTAG);
        break;
    }
    nic->wire.rx(w, &nic->wire, p);
}

static void
inject_setup(struct world *w, void *ctx)
{
    struct inject *in = ctx;
    in->w = w;
    in->v = vic_at(w);
    for (int i = 0; i < 3; i++) {
        char path[64];
        snprintf(path, sizeof path, "host1/vm%d/eth0", i + 1);
        in->vif[i] = vif_number(in->v, path);
    }
    vh_trace_subscribe(&w->trace, VH_HOP_BIT(VH_HOP_RX), on_hop, in);
    for (int s = 0; s < 8; s++) {
        vh_schedule_at(&w->sim, (vh_time_t) (s + 1) * 50 * VH_US,
                       inject_step, in, (void *) (intptr_t) s);
    }
}

START_TEST(test_vic_frames_coming_down)
{
    char json[8192];
    const char *att[3] = { PASS, STD, PASS };
    scen(json, sizeof json, VIC_NIC(8), 3, att, "", "1ms", "");
    struct inject in;
    memset(&in, 0, sizeof in);
    struct wt_run r = wt_run_json(json, NULL, inject_setup, &in);
    struct vic *v = in.v;

    /* Step 0 reached vm2, steps 6 and 7 each reached the VMs they
     * should: vm1 only the flood from outside. */
    ck_assert_int_eq(in.seen[0], 1);
    ck_assert_int_eq(in.seen[1], 3);
    ck_assert_int_eq(in.seen[2], 2);
    ck_assert_uint_eq(stats_of(v, "host1/vm1/eth0")->rx_frames, 1);
    ck_assert_uint_eq(stats_of(v, "host1/vm2/eth0")->rx_frames, 3);
    ck_assert_uint_eq(stats_of(v, "host1/vm3/eth0")->rx_frames, 2);
    /* Without the tag, at the VIF and in the guest. */
    ck_assert_int_eq(in.vif_rx_tagged, 0);
    ck_assert_int_eq(in.seen_tagged, 0);
    /* Each refusal counted once under its reason, at the adapter. */
    ck_assert_uint_eq(v->unknown, 2);
    ck_assert_uint_eq(v->untagged, 2);
    ck_assert_uint_eq(v->upstream, 1);
    ck_assert_uint_eq(wt_dev(r.w, "host1/eth0")->drops, 5);
    /* The host's own interface is not in use: no copy for it. */
    ck_assert_uint_eq(v->stats[0].rx_frames, 0);
    wt_run_free(&r);
}
END_TEST

/* --- Whole runs through a controlling bridge. --- */

/* A stand-in for the controlling bridge above the adapter, enough to
 * see the adapter work end to end: it learns each source MAC's VIF from
 * the tag a frame comes up with, sends a unicast back down to the VIF
 * of its destination, and anything else down to its port's VIF list
 * (number 1), looped, with the sender's VIF. */
struct cbridge {
    struct vh_device dev;
    struct port port;
    struct vh_pktq out;
    bool busy;
    struct { struct vh_mac mac; uint16_t vif; } fdb[8];
    int n_fdb;
    uint64_t up;                /* Frames that came up tagged. */
    uint64_t untagged;
};

static void cb_next(struct world *, struct cbridge *);

static void
cb_done(struct vh_sim *sim, void *obj, void *arg)
{
    struct cbridge *cb = obj;
    cb->busy = false;
    cb_next(world_of(sim), cb);
    (void) arg;
}

static void
cb_next(struct world *w, struct cbridge *cb)
{
    if (!cb->busy && cb->out.count) {
        cb->busy = true;
        link_transmit(w, &cb->port, vh_pktq_pop(&cb->out), cb_done, cb);
    }
}

static void
cb_rx(struct world *w, struct port *port, struct vh_packet *p)
{
    struct cbridge *cb = port->owner;
    enum evb_tag_kind kind = (enum evb_tag_kind) port->evb_tag;
    struct evb_tag t;
    if (!evbtag_pop(p, kind, &t) || t.down) {
        cb->untagged++;
        acct_drop(w, p, &cb->dev, "test-untagged");
        return;
    }
    cb->up++;
    const struct vh_mac *src = vh_eth_src(p->data);
    const struct vh_mac *dst = vh_eth_dst(p->data);
    int i;
    for (i = 0; i < cb->n_fdb && !vh_mac_eq(&cb->fdb[i].mac, src); i++) {
    }
    if (i == cb->n_fdb && i < 8) {
        cb->fdb[cb->n_fdb].mac = *src;
        cb->fdb[cb->n_fdb++].vif = t.src;
    }
    struct evb_tag d = { .down = true, .group = true, .dst = 1,
                         .looped = true, .src = t.src };
    for (i = 0; i < cb->n_fdb && !vh_mac_is_multicast(dst); i++) {
        if (vh_mac_eq(&cb->fdb[i].mac, dst)) {
            d = (struct evb_tag) { .down = true, .dst = cb->fdb[i].vif };
        }
    }
    evbtag_push(p, kind, &d);
    vh_pktq_push(&cb->out, p);
    cb_next(w, cb);
}

struct cb_ctx {
    struct cbridge cb;
    enum evb_tag_kind kind;
};

static void
cb_setup(struct world *w, void *ctx)
{
    struct cb_ctx *c = ctx;
    struct cbridge *cb = &c->cb;
    memset(cb, 0, sizeof *cb);
    vh_devtab_add(&w->devs, &cb->dev, "cb", "test-bridge", NULL);
    port_init(&cb->port, cb_rx, cb, &cb->dev, 0);
    cb->port.evb_tag = (uint8_t) c->kind;
    vh_pktq_init(&cb->out, 0);
    struct pnic *nic = host_nic(w, wt_host(w, "host1"), "eth0");
    port_cable(w, &nic->wire, &cb->port, nic->cfg->speed_bps, 0, 0);
}

/* vm1 and vm2 attached by 'a0' and 'a1' to a VIC under the stand-in
 * bridge speaking 'kind'; vm1 sends vm2 'count' packets. */
static struct wt_run
run_bridged(struct cb_ctx *c, enum evb_tag_kind kind, const char *a0,
            const char *a1, int count)
{
    char json[8192];
    const char *att[2] = { a0, a1 };
    scen(json, sizeof json, VIC_NIC(8), 2, att, flow12(count), "6ms", "");
    c->kind = kind;
    return wt_run_json(json, NULL, cb_setup, c);
}

START_TEST(test_vic_through_a_controlling_bridge)
{
    static const enum evb_tag_kind kinds[] = { EVB_TAG_VNTAG, EVB_TAG_ETAG };
    for (size_t k = 0; k < 2; k++) {
        struct cb_ctx c;
        struct wt_run r = run_bridged(&c, kinds[k], STD, PASS, 100);
        struct vic *v = vic_at(r.w);
        ck_assert_uint_eq(r.w->flows[0].delivered, 100);
        ck_assert_int_eq(v->tag, kinds[k]);
        /* Every frame went up: 100 packets, an ARP request and its
         * answer; the bridge read the tag of every one. */
        ck_assert_uint_eq(c.cb.up, 102);
        ck_assert_uint_eq(c.cb.untagged, 0);
        ck_assert_int_eq(c.cb.n_fdb, 2);
        ck_assert_int_eq(c.cb.fdb[0].vif, vif_number(v, "host1/vm1/eth0"));
        ck_assert_int_eq(c.cb.fdb[1].vif, vif_number(v, "host1/vm2/eth0"));
        /* vm1's ARP request came back looped: vm2 took it, not vm1. */
        ck_assert_uint_eq(stats_of(v, "host1/vm1/eth0")->rx_frames, 1);
        ck_assert_uint_eq(stats_of(v, "host1/vm2/eth0")->rx_frames, 101);
        ck_assert_uint_eq(stats_of(v, "host1/vm1/eth0")->tx_frames, 101);
        ck_assert_uint_eq(v->untagged + v->unknown + v->upstream, 0);
        wt_assert_conserved(r.w, true);
        vh_pktq_purge(&c.cb.out);
        wt_run_free(&r);
    }
}
END_TEST

/* --- What each mode costs. --- */

struct mode_cost {
    double host_cycles_per_pkt;
    uint64_t softirq, vswitch, vhost, irqs, copies, iotlb;
    int vif_domain;             /* vm2's VIF's IOMMU domain. */
};

static struct mode_cost
cost_of(const char *att)
{
    struct cb_ctx c;
    struct wt_run r = run_bridged(&c, EVB_TAG_VNTAG, att, att, 400);
    struct host *h = wt_host(r.w, "host1");
    struct vic *v = vic_at(r.w);
    ck_assert_uint_eq(r.w->flows[0].delivered, 400);
    struct mode_cost m = {
        .host_cycles_per_pkt = (double) wt_host_cycles(h) / 400,
        .softirq = wt_cat_cycles(h, CPU_SOFTIRQ),
        .vswitch = wt_cat_cycles(h, CPU_VSWITCH),
        .vhost = wt_cat_cycles(h, CPU_VHOST),
        .irqs = h->interrupts,
        .copies = h->copies_bytes,
        .iotlb = h->iommu->iotlb_hits + h->iommu->iotlb_misses,
        .vif_domain = iommu_domain_of(h->iommu,
                                      vif_serving(v, "host1/vm2/eth0")
                                          ->fn.rid),
    };
    ck_assert_uint_eq(h->iommu->dma_blocked, 0);
    vh_pktq_purge(&c.cb.out);
    wt_run_free(&r);
    return m;
}

START_TEST(test_vic_mode_costs)
{
    struct mode_cost std = cost_of(STD), pass = cost_of(PASS);
    /* Passthrough: the guest drives the VIF; its DMA is translated in the
     * VM's domain, and no host softirq, vswitch or vhost work, no copy. */
    ck_assert_int_gt(pass.vif_domain, IOMMU_IDENTITY);
    ck_assert_uint_gt(pass.iotlb, 400);
    ck_assert_uint_eq(pass.softirq, 0);
    ck_assert_uint_eq(pass.vswitch, 0);
    ck_assert_uint_eq(pass.vhost, 0);
    ck_assert_uint_eq(pass.copies, 0);
    /* Standard: the host drives it, in its identity domain (nothing to
     * translate); host interrupts, NAPI as softirq, macvtap's dispatch
     * and vhost's copies each way. */
    ck_assert_int_eq(std.vif_domain, IOMMU_IDENTITY);
    ck_assert_uint_eq(std.iotlb, 0);
    ck_assert_uint_gt(std.softirq, 0);
    ck_assert_uint_gt(std.vswitch, 0);
    ck_assert_uint_gt(std.vhost, 0);
    ck_assert_uint_gt(std.irqs, 0);
    ck_assert_uint_ge(std.copies, 2 * 400 * 60);
    ck_assert_msg(std.host_cycles_per_pkt > pass.host_cycles_per_pkt,
                  "standard %.0f cycles/packet, passthrough %.0f",
                  std.host_cycles_per_pkt, pass.host_cycles_per_pkt);
}
END_TEST

/* --- The report. --- */

static char *
report_text(struct world *w)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    report_print(w, f);
    fclose(f);
    return text;
}

START_TEST(test_vic_report)
{
    struct cb_ctx c;
    struct wt_run r = run_bridged(&c, EVB_TAG_VNTAG, STD, PASS, 10);
    cJSON *rep = report_json(r.w, 0);
    const cJSON *h = cJSON_GetArrayItem(
        cJSON_GetObjectItemCaseSensitive(rep, "hosts"), 0);
    const cJSON *vics = cJSON_GetObjectItemCaseSensitive(h, "vics");
    ck_assert_int_eq(cJSON_GetArraySize(vics), 1);
    const cJSON *e = cJSON_GetArrayItem(vics, 0);
#define STR(o, k) cJSON_GetObjectItemCaseSensitive(o, k)->valuestring
#define NUM(o, k) cJSON_GetObjectItemCaseSensitive(o, k)->valuedouble
    ck_assert_str_eq(STR(e, "name"), "eth0");
    ck_assert_str_eq(STR(e, "tag"), "VN-Tag");
    ck_assert_int_eq((int) NUM(e, "vif"), 9);
    const cJSON *drops = cJSON_GetObjectItemCaseSensitive(e, "drops");
    ck_assert_int_eq((int) NUM(drops, "vif-unknown"), 0);
    const cJSON *vifs = cJSON_GetObjectItemCaseSensitive(e, "vifs");
    ck_assert_int_eq(cJSON_GetArraySize(vifs), 2);
    const cJSON *v1 = cJSON_GetArrayItem(vifs, 0);
    const cJSON *v2 = cJSON_GetArrayItem(vifs, 1);
    ck_assert_int_eq((int) NUM(v1, "vif"), 1);
    ck_assert_str_eq(STR(v1, "serves"), "host1/vm1/eth0");
    ck_assert_str_eq(STR(v1, "mode"), "standard");
    ck_assert_str_eq(STR(v2, "serves"), "host1/vm2/eth0");
    ck_assert_str_eq(STR(v2, "mode"), "passthrough");
    /* vm1 sent the ARP request and 10 packets of 60 bytes and took the
     * answer; vm2 took them and sent the answer. */
    ck_assert_int_eq((int) NUM(v1, "tx_frames"), 11);
    ck_assert_int_eq((int) NUM(v1, "tx_bytes"), 11 * 60);
    ck_assert_int_eq((int) NUM(v1, "rx_frames"), 1);
    ck_assert_int_eq((int) NUM(v2, "rx_frames"), 11);
    ck_assert_int_eq((int) NUM(v2, "rx_bytes"), 11 * 60);
    ck_assert_int_eq((int) NUM(v2, "tx_frames"), 1);
    ck_assert_int_eq((int) NUM(v2, "drops"), 0);
#undef STR
#undef NUM
    cJSON_Delete(rep);
    char *text = report_text(r.w);
    ck_assert_msg(strstr(text, "\n  eth0: tag VN-Tag, vif 9, drops { "
                         "vif-untagged 0, vif-upstream 0, vif-unknown 0 }, "
                         "vifs [ { vif 1, serves host1/vm1/eth0, mode "
                         "standard,"), "%s", text);
    free(text);
    vh_pktq_purge(&c.cb.out);
    wt_run_free(&r);

    /* A host without a VIC has no such section: other reports keep
     * their bytes. */
    r = run_two(", \"model\": \"82599\", \"sriov\": { \"vfs\": 2 }", VF, VF,
                NULL);
    rep = report_json(r.w, 0);
    h = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(rep, "hosts"), 0);
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(h, "vics"));
    cJSON_Delete(rep);
    wt_run_free(&r);
}
END_TEST

START_TEST(test_vic_deterministic)
{
    char *out[2];
    for (int i = 0; i < 2; i++) {
        struct cb_ctx c;
        struct wt_run r = run_bridged(&c, EVB_TAG_VNTAG, STD, PASS, 200);
        cJSON *rep = report_json(r.w, 0);
        out[i] = cJSON_Print(rep);
        cJSON_Delete(rep);
        vh_pktq_purge(&c.cb.out);
        wt_run_free(&r);
    }
    ck_assert_str_eq(out[0], out[1]);
    free(out[0]);
    free(out[1]);
}
END_TEST

static Suite *
vic_suite(void)
{
    Suite *s = suite_create("vic");
    TCase *tc = tcase_create("loader");
    tcase_add_loop_test(tc, test_vic_refusals, 0,
                        (int) (sizeof bad / sizeof bad[0]));
    tcase_add_test(tc, test_vic_passthrough_needs_the_iommu);
    tcase_add_test(tc, test_vic_passthrough_does_not_migrate);
    tcase_add_test(tc, test_vic_128_vifs);
    tcase_add_test(tc, test_vic_vif_numbers_are_the_worlds);
    suite_add_tcase(s, tc);
    tc = tcase_create("runs");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_vic_never_switches_locally);
    tcase_add_test(tc, test_vic_under_a_vepa_switch);
    tcase_add_test(tc, test_vic_tags_on_the_cable);
    tcase_add_test(tc, test_vic_frames_coming_down);
    tcase_add_test(tc, test_vic_through_a_controlling_bridge);
    tcase_add_test(tc, test_vic_mode_costs);
    tcase_add_test(tc, test_vic_report);
    tcase_add_test(tc, test_vic_deterministic);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(vic_suite)
