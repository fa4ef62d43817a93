/* tests/test_cni.c: container networks across hosts: Docker's overlay
 * driver and the CNI plugins.
 *
 * On two hosts whose NICs meet on one switch:
 *   - overlay: a container on host1 reaches one on host2 through the
 *     network's VXLAN (tshark reads vxlan.vni as the network's "vni" on
 *     host1's NIC, the inner addresses from the network's subnet,
 *     allocated in order across the hosts); the encapsulation is charged
 *     on the sender's core and the decapsulation on the receiving NIC's
 *     softirq core, with no VM work anywhere; the VTEP's remotes and
 *     forwarding entries are the other host and its containers;
 *   - calico: a pod's packets are routed by its host (its only neighbour
 *     is 169.254.1.1, answered by Calico's ee:ee:ee:ee:ee:ee, and the
 *     TTL goes down once per routing host); ipip puts them in IPv4
 *     protocol 4 between the hosts' addresses (20 bytes more on the
 *     wire), bgp sends them as they are to the other host's MAC, and
 *     costs the least; vxlan carries them between the hosts'
 *     vxlan.calico devices (VNI 4096 on UDP 4789, the inner frame from
 *     one vxlan.calico MAC to the other, the outer source port one per
 *     inner flow), pings answered the same way back;
 *   - flannel: each host has its /24 and cni0 at its .1; vxlan carries
 *     the pods' packets between the hosts' flannel.1 devices (VNI 1, UDP
 *     8472, the inner frame from one flannel.1's MAC to the other's),
 *     host-gw sends them as they are to the other host, udp through
 *     flanneld in user space: UDP 8285 between the hosts with the pod's
 *     IP packet as payload, two wake-ups and four copies per packet,
 *     flanneld's work as 'app' on its own core;
 *   - sriov: a pod takes a VF of its host's NIC: its frames go on the
 *     wire as it sent them (no host routes them), the VF's DMA is
 *     translated in a DMA domain of the host kernel (not the PF's
 *     identity domain, not a VM's), two pods of one host meet in the
 *     NIC's embedded switch, never on the cable, at fewer host cycles
 *     than a bridge network's veths and bridge; the loader and the
 *     world refuse a parent without VFs, too many pods, and a VF out of
 *     range, another pod's or a VM's, naming the JSON path, and the
 *     command line exits 2 and writes nothing;
 *   - scenarios/cni.json shows what its description says: every packet
 *     delivered, the bytes on the wire (none added by routing, 20 by
 *     IP-in-IP, 50 by VXLAN), the cycles per packet and the round trip
 *     least with Calico BGP, the cycles most with flannel's user-space
 *     udp backend (over half again any other), its round trip longest. */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/container/container.h"
#include "models/container/netdrv.h"
#include "models/core/host.h"
#include "models/endpoint/endpoint.h"
#include "models/endpoint/tcp.h"
#include "models/hw/iommu.h"
#include "models/hw/pnic.h"
#include "models/hw/sriov.h"
#include "models/tunnel/vtep.h"
#include "report/report.h"
#include "sim/capture.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* Two hosts (4 cores each; eth0 192.168.0.1 and .2 on switch tor1),
 * host NETWORKS on both, CONTAINERS1 on host1, CONTAINERS2 on host2,
 * then FLOWS.  Single quotes stand for double ones. */
static const char world_fmt[] =
    "{'duration': '2ms',"
    " 'hosts': ["
    "  {'name': 'host1', 'cpu': {'cores': 4},"
    "   'nics': [{'name': 'eth0', 'model': '82599', 'link': 'tor1/p1',"
    "             'mac': '02:00:00:00:00:01', 'ip': '192.168.0.1/24'}],"
    "   'networks': [%s], 'containers': [%s]},"
    "  {'name': 'host2', 'cpu': {'cores': 4},"
    "   'nics': [{'name': 'eth0', 'model': '82599', 'link': 'tor1/p2',"
    "             'mac': '02:00:00:00:00:02', 'ip': '192.168.0.2/24'}],"
    "   'networks': [%s], 'containers': [%s]}],"
    " 'switches': [{'name': 'tor1', 'ports': 4}],"
    " 'traffic': [%s]}";

static char *
world_json(const char *nets, const char *c1, const char *c2,
           const char *flows)
{
    size_t n = sizeof world_fmt + 2 * strlen(nets) + strlen(c1)
               + strlen(c2) + strlen(flows) + 16;
    char *json = malloc(n);
    ck_assert_ptr_nonnull(json);
    snprintf(json, n, world_fmt, nets, c1, nets, c2, flows);
    for (char *p = json; *p; p++) {
        *p = *p == '\'' ? '"' : *p;
    }
    return json;
}

#define FLOW(NAME, FROM, TO, COUNT)                                     \
    "{'name': '" NAME "', 'from': '" FROM "', 'to': '" TO "',"          \
    " 'size': 512, 'rate': '100kpps', 'count': " #COUNT "}"

struct cap {
    const char *points[1];
    const char *files[1];
    struct vh_capture *c;
};

static void
cap_open(struct world *w, void *ctx)
{
    struct cap *cc = ctx;
    size_t failed;
    char err[256];
    cc->c = vh_capture_open(&w->trace, &w->devs, cc->points, cc->files, 1,
                            &failed, err, sizeof err);
    ck_assert_msg(cc->c, "%s", err);
}

static struct container *
ctr(struct world *w, const char *path)
{
    struct vh_device *d = wt_dev(w, path);
    ck_assert_ptr_eq(d->cls, &container_class);
    return VH_CONTAINER_OF(d, struct container, dev);
}

static void
assert_no_vm_work(const struct host *h)
{
    ck_assert_uint_eq(h->vm_exits, 0);
    ck_assert_uint_eq(wt_cat_cycles(h, CPU_VMEXIT), 0);
    ck_assert_uint_eq(wt_cat_cycles(h, CPU_GUEST), 0);
    ck_assert_uint_eq(wt_cat_cycles(h, CPU_VHOST), 0);
}

static const char ov_net[] =
    "{'name': 'ov1', 'driver': 'overlay', 'vni': 4097,"
    " 'subnet': '10.10.0.0/24'}";

START_TEST(test_overlay_across_hosts)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    char pcap[512];
    snprintf(pcap, sizeof pcap, "%s/eth0.pcap", dir);
    struct cap cc = { { "host1/eth0" }, { pcap }, NULL };
    char *json = world_json(ov_net,
                            "{'name': 'a', 'network': 'ov1', 'cpus': [1]},"
                            "{'name': 'a2', 'network': 'ov1', 'cpus': [2]}",
                            "{'name': 'b', 'network': 'ov1', 'cpus': [3]}",
                            FLOW("f", "host1/a", "host2/b", 5));
    struct wt_run r = wt_run_json(json, NULL, cap_open, &cc);
    free(json);
    char err[256];
    ck_assert_msg(vh_capture_commit(cc.c, err, sizeof err) == 0, "%s", err);
    struct world *w = r.w;
    ck_assert_uint_eq(w->flows[0].delivered, 5);
    wt_assert_conserved(w, true);

    /* One subnet across hosts: host2's first container goes on where
     * host1's stopped. */
    ck_assert_uint_eq(ctr(w, "host2/b")->cfg->ip, 0x0a0a0004);

    /* The remotes and entries Docker's control plane would install. */
    struct vh_device *d = wt_dev(w, "host1/vx-001001-ov1");
    ck_assert_ptr_eq(d->cls, &vtep_class);
    struct vtep *v1 = VH_CONTAINER_OF(d, struct vtep, dev);
    ck_assert_uint_eq(v1->n_remotes, 1);
    ck_assert_uint_eq(v1->remotes[0], 0xc0a80002);
    ck_assert_uint_eq(v1->n_fdb, 1);
    ck_assert(!v1->fdb[0].learned);
    ck_assert_uint_eq(v1->encap.frames, 5 + 1);     /* And one ARP. */

    /* On the wire: VXLAN to port 4789 with the network's VNI, the inner
     * packet between the containers' addresses. */
    vh_tshark_assert_clean(pcap);
    char *out = NULL;
    vh_test_sh(&out, "tshark -r %s -T fields -e ip.src -e ip.dst "
               "-e udp.dstport -e vxlan.vni -e frame.len "
               "-Y 'vxlan && udp.dstport == 4789 && ip.dst == 10.10.0.4' "
               "2>/dev/null | sort | uniq -c", pcap);
    ck_assert_str_eq(out, "      5 192.168.0.1,10.10.0.2\t"
                          "192.168.0.2,10.10.0.4\t4789,9\t4097\t558\n");
    free(out);

    /* The costs: the containers' ledgers hold only their own work, the
     * encapsulation ran on a's core (the veth hands over inside its
     * sending call), the decapsulation on host2's NIC core; no VM. */
    struct host *h1 = wt_host(w, "host1"), *h2 = wt_host(w, "host2");
    assert_no_vm_work(h1);
    assert_no_vm_work(h2);
    struct container *a = ctr(w, "host1/a"), *b = ctr(w, "host2/b");
    ck_assert_uint_gt(a->cycles[CPU_APP], 0);
    ck_assert_uint_gt(b->cycles[CPU_SOFTIRQ], 0);
    ck_assert_uint_gt(h1->cores[1].cycles[CPU_VSWITCH], 0);
    ck_assert_uint_eq(h1->cores[2].cycles[CPU_VSWITCH], 0);
    ck_assert_uint_eq(h2->cores[3].cycles[CPU_VSWITCH], 0);
    ck_assert_uint_gt(h2->cores[0].cycles[CPU_VSWITCH], 0);
    wt_run_free(&r);
    free(dir);
}
END_TEST

static const char cal_fmt[] =
    "{'name': 'pods', 'driver': 'calico', 'mode': '%s',"
    " 'subnet': '10.244.0.0/16'}";

/* Runs pod host1/a -> host2/b on calico in 'mode', capturing host1's
 * NIC into DIR/eth0.pcap. */
static struct wt_run
run_calico(const char *mode, const char *dir)
{
    static char pcap[1][512];
    snprintf(pcap[0], sizeof pcap[0], "%s/eth0.pcap", dir);
    char net[128];
    snprintf(net, sizeof net, cal_fmt, mode);
    char *json = world_json(net,
                            "{'name': 'a', 'network': 'pods', 'cpus': [1]}",
                            "{'name': 'b', 'network': 'pods', 'cpus': [3]}",
                            FLOW("f", "host1/a", "host2/b", 5));
    struct cap cc = { { "host1/eth0" }, { pcap[0] }, NULL };
    struct wt_run r = wt_run_json(json, NULL, cap_open, &cc);
    free(json);
    char err[256];
    ck_assert_msg(vh_capture_commit(cc.c, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(r.w->flows[0].delivered, 5);
    wt_assert_conserved(r.w, true);
    vh_tshark_assert_clean(pcap[0]);
    return r;
}

static char *
fields(const char *dir, const char *filter, const char *f)
{
    char *out = NULL;
    vh_test_sh(&out, "tshark -r %s/eth0.pcap -T fields %s -Y '%s' "
               "2>/dev/null | sort | uniq -c", dir, f, filter);
    return out;
}

START_TEST(test_calico_ipip_and_bgp)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    struct wt_run ipip = run_calico("ipip", dir);
    /* IP-in-IP between the hosts; inside, the pods' packet, routed once
     * (TTL 63); 20 bytes more than bgp's frame below. */
    char *out = fields(dir, "ip.proto == 4",
                       "-e ip.src -e ip.dst -e ip.proto -e ip.ttl "
                       "-e frame.len");
    ck_assert_str_eq(out, "      5 192.168.0.1,10.244.0.2\t"
                          "192.168.0.2,10.244.0.3\t4,17\t64,63\t528\n");
    free(out);
    struct host *h1 = wt_host(ipip.w, "host1");
    uint64_t ipip_cycles = wt_host_cycles(h1)
                           + wt_host_cycles(wt_host(ipip.w, "host2"));
    assert_no_vm_work(h1);

    struct wt_run bgp = run_calico("bgp", dir);
    /* No encapsulation: the pods' addresses on the wire, to host2's
     * MAC (the next hop BGP taught), 20 bytes less. */
    out = fields(dir, "udp.dstport == 9",
                 "-e eth.dst -e ip.src -e ip.dst -e ip.proto -e ip.ttl "
                 "-e frame.len");
    ck_assert_str_eq(out, "      5 02:00:00:00:00:02\t10.244.0.2\t"
                          "10.244.0.3\t17\t63\t508\n");
    free(out);
    /* The pod's neighbour: 169.254.1.1 at Calico's MAC, by proxy ARP. */
    struct vh_device *d = wt_dev(bgp.w, "host1/a");
    struct container *a = VH_CONTAINER_OF(d, struct container, dev);
    ck_assert_uint_eq(a->ep->n_arp, 1);
    ck_assert_uint_eq(a->ep->arp[0]->ip, 0xa9fe0101);
    ck_assert_uint_eq(a->ep->arp[0]->mac.b[0], 0xee);
    uint64_t bgp_cycles = wt_host_cycles(wt_host(bgp.w, "host1"))
                          + wt_host_cycles(wt_host(bgp.w, "host2"));
    /* Encapsulating and decapsulating cost; routing alone does not. */
    ck_assert_uint_lt(bgp_cycles, ipip_cycles);
    wt_run_free(&ipip);
    wt_run_free(&bgp);
    free(dir);
}
END_TEST

/* Calico's VXLAN mode: two UDP flows of pod a (sports 10000 and 10001)
 * and a ping, host1 to host2. */
START_TEST(test_calico_vxlan)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    char pcap[512];
    snprintf(pcap, sizeof pcap, "%s/eth0.pcap", dir);
    char net[128];
    snprintf(net, sizeof net, cal_fmt, "vxlan");
    char *json = world_json(net,
                            "{'name': 'a', 'network': 'pods', 'cpus': [1]}",
                            "{'name': 'b', 'network': 'pods', 'cpus': [3]}",
                            FLOW("f", "host1/a", "host2/b", 5) ","
                            "{'name': 'g', 'from': 'host1/a',"
                            " 'to': 'host2/b', 'sport': 10001, 'size': 512,"
                            " 'rate': '100kpps', 'count': 5},"
                            "{'name': 'ping', 'from': 'host1/a',"
                            " 'to': 'host2/b', 'proto': 'icmp',"
                            " 'rate': '10kpps', 'count': 3,"
                            " 'start': '1ms'}");
    struct cap cc = { { "host1/eth0" }, { pcap }, NULL };
    struct wt_run r = wt_run_json(json, NULL, cap_open, &cc);
    free(json);
    char err[256];
    ck_assert_msg(vh_capture_commit(cc.c, err, sizeof err) == 0, "%s", err);
    struct world *w = r.w;
    for (size_t i = 0; i < w->n_flows; i++) {
        ck_assert_uint_eq(w->flows[i].delivered, w->flows[i].sent);
    }
    ck_assert_uint_eq(w->flows[2].delivered, 3);   /* Replies came back. */
    wt_assert_conserved(w, true);
    vh_tshark_assert_clean(pcap);

    /* VXLAN with Calico's VNI on 4789 between the hosts' addresses; the
     * pods' packet inside, routed once (TTL 63). */
    char *out = fields(dir, "vxlan.vni == 4096 && udp.dstport == 4789 "
                       "&& udp.port == 9",
                       "-e ip.src -e ip.dst -e vxlan.vni -e ip.ttl "
                       "-e frame.len");
    ck_assert_str_eq(out, "     10 192.168.0.1,10.244.0.2\t"
                          "192.168.0.2,10.244.0.3\t4096\t64,63\t558\n");
    free(out);
    /* The ping's requests out and its replies in, the same way. */
    out = fields(dir, "vxlan.vni == 4096 && icmp",
                 "-e ip.src -e ip.dst -e icmp.type");
    ck_assert_str_eq(out, "      3 192.168.0.1,10.244.0.2\t"
                          "192.168.0.2,10.244.0.3\t8\n"
                          "      3 192.168.0.2,10.244.0.3\t"
                          "192.168.0.1,10.244.0.2\t0\n");
    free(out);
    /* The outer source port is the inner flow's hash: one per flow, and
     * the two UDP flows' differ. */
    out = fields(dir, "vxlan && udp.port == 9",
                 "-e udp.srcport");
    unsigned p1 = 0, p2 = 0;
    ck_assert_msg(sscanf(out, "      5 %u,10000\n      5 %u,10001\n", &p1,
                         &p2) == 2,
                  "%s", out);
    ck_assert_uint_ne(p1, p2);
    free(out);
    /* Inside, a frame from host1's vxlan.calico to host2's: the route's
     * neighbour, not the pods' MACs; the VTEP's one entry is host2's. */
    struct vtep *v1 = VH_CONTAINER_OF(wt_dev(w, "host1/vxlan.calico"),
                                      struct vtep, dev);
    struct vtep *v2 = VH_CONTAINER_OF(wt_dev(w, "host2/vxlan.calico"),
                                      struct vtep, dev);
    ck_assert_uint_eq(v1->cfg.key, 4096);
    ck_assert_uint_eq(v1->n_fdb, 1);
    ck_assert_uint_eq(v1->fdb[0].remote, 0xc0a80002);
    ck_assert_uint_eq(v1->n_remotes, 1);
    vh_test_sh(&out, "tshark -r %s -T fields -e eth.src -e eth.dst "
               "-Y 'vxlan && icmp.type == 8' 2>/dev/null | sort -u", pcap);
    struct vh_mac own;
    cnet_dev_mac("host1", "vxlan.calico", &own);
    char want[128], m1[20], m2[20];
    snprintf(want, sizeof want, "02:00:00:00:00:01,%s\t"
             "02:00:00:00:00:02,%s\n", vh_mac_format(&own, m1),
             vh_mac_format(&v1->fdb[0].mac, m2));
    ck_assert_str_eq(out, want);
    free(out);
    ck_assert_uint_eq(v1->encap.frames, 5 + 5 + 3);  /* No ARP across. */
    ck_assert_uint_eq(v2->decap.frames, 5 + 5 + 3);
    /* Routed devices: softirq, no VM, no bridge. */
    struct host *h1 = wt_host(w, "host1");
    assert_no_vm_work(h1);
    ck_assert_uint_eq(wt_cat_cycles(h1, CPU_VSWITCH), 0);
    wt_run_free(&r);
    free(dir);
}
END_TEST

static const char fl_fmt[] =
    "{'name': 'pods', 'driver': 'flannel', 'mode': '%s',"
    " 'subnet': '10.244.0.0/16'}";

static struct wt_run
run_flannel(const char *mode, const char *dir)
{
    static char pcap[512];
    snprintf(pcap, sizeof pcap, "%s/eth0.pcap", dir);
    char net[128];
    snprintf(net, sizeof net, fl_fmt, mode);
    char *json = world_json(net,
                            "{'name': 'a', 'network': 'pods', 'cpus': [1]}",
                            "{'name': 'b', 'network': 'pods', 'cpus': [3]}",
                            FLOW("f", "host1/a", "host2/b", 5));
    struct cap cc = { { "host1/eth0" }, { pcap }, NULL };
    struct wt_run r = wt_run_json(json, NULL, cap_open, &cc);
    free(json);
    char err[256];
    ck_assert_msg(vh_capture_commit(cc.c, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(r.w->flows[0].delivered, 5);
    wt_assert_conserved(r.w, true);
    vh_tshark_assert_clean(pcap);
    return r;
}

START_TEST(test_flannel_vxlan_and_host_gw)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    struct wt_run vx = run_flannel("vxlan", dir);
    /* Leases: host2's pod in the second /24. */
    ck_assert_uint_eq(ctr(vx.w, "host1/a")->cfg->ip, 0x0af40002);
    ck_assert_uint_eq(ctr(vx.w, "host2/b")->cfg->ip, 0x0af40102);
    ck_assert_uint_eq(ctr(vx.w, "host1/a")->ep->gateway, 0x0af40001);
    /* VXLAN on flannel's port, VNI 1; inside, a frame between the two
     * flannel.1 devices (not the pods' MACs: flannel.1 routes). */
    char *out = NULL;
    vh_test_sh(&out, "tshark -r %s/eth0.pcap -d udp.port==8472,vxlan "
               "-T fields -e ip.src -e ip.dst -e udp.dstport -e vxlan.vni "
               "-e ip.ttl -e frame.len -Y 'vxlan' 2>/dev/null | sort | "
               "uniq -c", dir);
    ck_assert_str_eq(out, "      5 192.168.0.1,10.244.0.2\t"
                          "192.168.0.2,10.244.1.2\t8472,9\t1\t64,63\t"
                          "558\n");
    free(out);
    struct vh_device *d = wt_dev(vx.w, "host1/flannel.1");
    struct vtep *v = VH_CONTAINER_OF(d, struct vtep, dev);
    ck_assert_uint_eq(v->n_fdb, 1);
    vh_test_sh(&out, "tshark -r %s/eth0.pcap -d udp.port==8472,vxlan "
               "-T fields -e eth.dst -Y 'vxlan' 2>/dev/null | sort -u",
               dir);
    char want[64];
    snprintf(want, sizeof want, "02:00:00:00:00:02,%02x:%02x:%02x:%02x:"
             "%02x:%02x\n", v->fdb[0].mac.b[0], v->fdb[0].mac.b[1],
             v->fdb[0].mac.b[2], v->fdb[0].mac.b[3], v->fdb[0].mac.b[4],
             v->fdb[0].mac.b[5]);
    ck_assert_str_eq(out, want);
    free(out);
    /* Routed devices' work is softirq, not a bridge's port. */
    assert_no_vm_work(wt_host(vx.w, "host1"));
    uint64_t vx_cycles = wt_host_cycles(wt_host(vx.w, "host1"));

    struct wt_run gw = run_flannel("host-gw", dir);
    vh_test_sh(&out, "tshark -r %s/eth0.pcap -T fields -e eth.dst "
               "-e ip.src -e ip.dst -e ip.ttl -e frame.len -Y "
               "'udp.dstport == 9' 2>/dev/null | sort | uniq -c", dir);
    ck_assert_str_eq(out, "      5 02:00:00:00:00:02\t10.244.0.2\t"
                          "10.244.1.2\t63\t508\n");
    free(out);
    ck_assert_uint_lt(wt_host_cycles(wt_host(gw.w, "host1")), vx_cycles);

    struct wt_run udp = run_flannel("udp", dir);
    vh_test_sh(&out, "tshark -r %s/eth0.pcap -d udp.port==8285,ip "
               "-T fields -e ip.src -e ip.dst -e udp.srcport -e udp.dstport "
               "-e ip.ttl -e frame.len -Y 'udp.srcport == 8285' "
               "2>/dev/null | sort | uniq -c", dir);
    ck_assert_str_eq(out, "      5 192.168.0.1,10.244.0.2\t"
                          "192.168.0.2,10.244.1.2\t8285,10000\t8285,9\t"
                          "64,63\t"
                          "536\n");
    free(out);
    struct host *u1 = wt_host(udp.w, "host1"), *u2 = wt_host(udp.w, "host2");
    /* Two copies of the 494-byte IP packet on each side, four in all:
     * read() and sendto() by host1's flanneld, recvfrom() and write() by
     * host2's. */
    ck_assert_uint_eq(u1->copies_bytes, 5 * (2 * 494));
    ck_assert_uint_eq(u2->copies_bytes, 5 * (2 * 494));
    ck_assert_uint_gt(wt_cat_cycles(u1, CPU_APP),
                      wt_cat_cycles(wt_host(vx.w, "host1"), CPU_APP));
    ck_assert_uint_gt(wt_host_cycles(u1), vx_cycles);
    wt_run_free(&udp);
    wt_run_free(&vx);
    wt_run_free(&gw);
    free(dir);
}
END_TEST

/* --- The SR-IOV CNI plugin. --- */

#define SR_NET "{'name': 'pods', 'driver': 'sriov', 'parent': 'eth0'," \
               " 'subnet': '10.244.0.0/16'}"

/* host1 (its "iommu" IOMMU1, its eth0's "sriov" SRIOV1, VMS, NETWORKS,
 * CONTAINERS) and host2 (an IOMMU, 4 VFs, pod b on SR_NET), then
 * FLOWS. */
static const char sr_fmt[] =
    "{'duration': '2ms',"
    " 'hosts': ["
    "  {'name': 'host1', 'cpu': {'cores': 4}%s,"
    "   'nics': [{'name': 'eth0', 'model': '82599', 'link': 'tor1/p1',"
    "             'mac': '02:00:00:00:00:01', 'ip': '192.168.0.1/24'%s}],"
    "   'vms': [%s], 'networks': [%s], 'containers': [%s]},"
    "  {'name': 'host2', 'cpu': {'cores': 4}, 'iommu': {'enabled': true},"
    "   'nics': [{'name': 'eth0', 'model': '82599', 'link': 'tor1/p2',"
    "             'mac': '02:00:00:00:00:02', 'ip': '192.168.0.2/24',"
    "             'sriov': {'vfs': 4}}],"
    "   'networks': [" SR_NET "],"
    "   'containers': [{'name': 'b', 'network': 'pods', 'cpus': [3]}]}],"
    " 'switches': [{'name': 'tor1', 'ports': 4}],"
    " 'traffic': [%s]}";

#define IOMMU ", 'iommu': {'enabled': true}"
#define VFS(N) ", 'sriov': {'vfs': " #N "}"

static char *
sr_json(const char *iommu, const char *sriov, const char *vms,
        const char *nets, const char *ctrs, const char *flows)
{
    size_t n = sizeof sr_fmt + strlen(iommu) + strlen(sriov) + strlen(vms)
               + strlen(nets) + strlen(ctrs) + strlen(flows) + 16;
    char *json = malloc(n);
    ck_assert_ptr_nonnull(json);
    snprintf(json, n, sr_fmt, iommu, sriov, vms, nets, ctrs, flows);
    for (char *p = json; *p; p++) {
        *p = *p == '\'' ? '"' : *p;
    }
    return json;
}

static const char ping_ab[] =
    "{'name': 'ping', 'from': 'host1/a', 'to': 'host2/b', 'proto': 'icmp',"
    " 'rate': '10kpps', 'count': 3, 'start': '1ms'}";

START_TEST(test_sriov_across_hosts)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    char pcap[512], flows[512];
    snprintf(pcap, sizeof pcap, "%s/eth0.pcap", dir);
    snprintf(flows, sizeof flows, "%s, %s",
             FLOW("f", "host1/a", "host2/b", 5), ping_ab);
    char *json = sr_json(IOMMU, VFS(4), "", SR_NET,
                         "{'name': 'a', 'network': 'pods', 'cpus': [1]}",
                         flows);
    struct cap cc = { { "host1/eth0" }, { pcap }, NULL };
    struct wt_run r = wt_run_json(json, NULL, cap_open, &cc);
    free(json);
    char err[256];
    ck_assert_msg(vh_capture_commit(cc.c, err, sizeof err) == 0, "%s", err);
    struct world *w = r.w;
    ck_assert_uint_eq(w->flows[0].delivered, 5);
    ck_assert_uint_eq(w->flows[1].delivered, 3);
    wt_assert_conserved(w, true);
    vh_tshark_assert_clean(pcap);

    /* On the wire as the pod sent it: between the pods' MACs and
     * addresses, TTL 64 (no host routed it), no byte added. */
    char *out = fields(dir, "udp.dstport == 9",
                       "-e eth.src -e eth.dst -e ip.src -e ip.dst "
                       "-e ip.ttl -e frame.len");
    ck_assert_str_eq(out, "      5 02:42:0a:f4:00:02\t02:42:0a:f4:00:03\t"
                          "10.244.0.2\t10.244.0.3\t64\t508\n");
    free(out);

    /* Pod a drives host1's first VF, in the host kernel's DMA domain: a
     * translated one, neither the PF's identity domain nor a VM's. */
    struct host *h1 = wt_host(w, "host1");
    struct vh_device *d = wt_dev(w, "host1/eth0/vf0");
    struct sriov_vf *vf = VH_CONTAINER_OF(d, struct sriov_vf, dev);
    ck_assert(vf->assigned);
    ck_assert(vh_mac_eq(&vf->fn.mac, &ctr(w, "host1/a")->cfg->mac));
    ck_assert_ptr_eq(ctr(w, "host1/a")->ifdev, wt_dev(w, "host1/a/eth0"));
    int dom = iommu_domain_of(h1->iommu, vf->fn.rid);
    ck_assert_int_gt(dom, IOMMU_IDENTITY);
    ck_assert(!h1->iommu->domains[dom].identity);
    ck_assert_int_eq(iommu_domain_of(h1->iommu, vf->sr->nic->pf.rid),
                     IOMMU_IDENTITY);
    /* Every DMA of the VF translated (the PF's are not): a descriptor and
     * a buffer for each of the 8 frames sent, 3 replies and an ARP
     * answer received. */
    ck_assert_uint_ge(h1->iommu->iotlb_hits + h1->iommu->iotlb_misses,
                      2 * (5 + 3 + 3 + 1));
    ck_assert_uint_gt(h1->iommu->iotlb_misses, 0);
    ck_assert_uint_eq(h1->iommu->dma_blocked, 0);

    /* No VM, no bridge, no routing: softirq in the pod's name, the VF's
     * interrupts on the host. */
    assert_no_vm_work(h1);
    ck_assert_uint_eq(wt_cat_cycles(h1, CPU_VSWITCH), 0);
    ck_assert_uint_gt(ctr(w, "host1/a")->cycles[CPU_SOFTIRQ], 0);
    ck_assert_uint_gt(ctr(w, "host2/b")->cycles[CPU_SOFTIRQ], 0);
    ck_assert_uint_gt(h1->interrupts, 0);
    wt_run_free(&r);
    free(dir);
}
END_TEST

/* A host's cycles per packet of a flow of 200 at 1 Mpps from host1/a1
 * to host1/a2 on network NET: all of them ('total'), and the host's own,
 * outside the two containers' ledgers ('own'); 'switched' gets the
 * frames the NIC switched inside. */
struct same_host {
    double total, own;
    uint64_t switched;
};

static struct same_host
same_host(const char *net, const char *dir)
{
    char pcap[512];
    snprintf(pcap, sizeof pcap, "%s/eth0.pcap", dir);
    char *json = sr_json("", VFS(2), "", net,
                         "{'name': 'a1', 'network': 'pods', 'cpus': [1]},"
                         "{'name': 'a2', 'network': 'pods', 'cpus': [2]}",
                         "{'name': 'f', 'from': 'host1/a1',"
                         " 'to': 'host1/a2', 'size': 512, 'rate': '1Mpps',"
                         " 'count': 200}");
    struct cap cc = { { "host1/eth0" }, { pcap }, NULL };
    struct wt_run r = wt_run_json(json, NULL, cap_open, &cc);
    free(json);
    char err[256];
    ck_assert_msg(vh_capture_commit(cc.c, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(r.w->flows[0].delivered, 200);
    wt_assert_conserved(r.w, true);
    struct host *h = wt_host(r.w, "host1");
    struct pnic *nic = host_nic(r.w, h, "eth0");
    uint64_t all = wt_host_cycles(h), pods = 0;
    for (size_t i = 0; i < h->n_containers; i++) {
        for (int k = 0; k < CPU_N_CATS; k++) {
            pods += h->containers[i]->cycles[k];
        }
    }
    struct same_host res = {
        (double) all / 200, (double) (all - pods) / 200,
        nic->sriov->switched,
    };
    wt_run_free(&r);
    return res;
}

START_TEST(test_sriov_same_host)
{
    char *dir = vh_test_tmpdir();
    /* Without an IOMMU too: the VFs' DMA goes untranslated. */
    struct same_host sr = same_host(SR_NET, dir);
    /* Through the NIC's embedded switch, never the cable: all 200 frames
     * (and the ARP answer) switched inside. */
    ck_assert_uint_ge(sr.switched, 200 + 1);
    char *out = NULL;
    vh_test_sh(&out, "tshark -r %s/eth0.pcap -Y udp 2>/dev/null | wc -l",
               dir);
    ck_assert_str_eq(out, "0\n");
    free(out);
    /* A bridge network between the same two: a veth pair each and the
     * bridge.  The VF driver's work (doorbell, descriptors, interrupts)
     * is less than the veths' and the bridge's; and of the host's own,
     * outside the pods' ledgers, the VFs leave a fraction: interrupts
     * and the poll's fixed cost, against the bridge's per frame. */
    struct same_host br = same_host("{'name': 'pods',"
                                    " 'subnet': '10.244.0.0/16'}", dir);
    ck_assert_uint_eq(br.switched, 0);
    ck_assert_msg(sr.total < br.total * 0.85, "sriov %.0f, bridge %.0f",
                  sr.total, br.total);
    ck_assert_msg(sr.own * 3 < br.own, "sriov %.0f, bridge %.0f", sr.own,
                  br.own);
    free(dir);
}
END_TEST

struct sr_refusal {
    const char *iommu, *sriov, *vms, *nets, *ctrs;
    const char *want;
};

#define POD(N) "{'name': '" N "', 'network': 'pods'}"

static const struct sr_refusal sr_refusals[] = {
    { IOMMU, VFS(4), "", "{'name': 'pods', 'driver': 'sriov',"
      " 'subnet': '10.244.0.0/16'}", POD("a"),
      "hosts[0].networks[0]: missing required key 'parent'" },
    { IOMMU, "", "", SR_NET, POD("a"),
      "hosts[0].networks[0].parent: NIC 'eth0' has no SR-IOV; give it "
      "\"sriov\": {\"vfs\": N} (the sriov driver hands each container one "
      "of its VFs)" },
    { IOMMU, VFS(2), "", SR_NET, POD("a") "," POD("c") "," POD("d"),
      "hosts[0].containers[2]: NIC 'eth0' has 2 VFs (its \"sriov.vfs\"), "
      "all taken by the VMs and containers before this one" },
    { IOMMU, VFS(2), "{'name': 'vm1', 'nics': [{'name': 'eth0',"
      " 'ip': '192.168.0.9/24', 'attach': {'type': 'sriov-vf',"
      " 'to': 'eth0'}}]}", SR_NET, POD("a") "," POD("c"),
      "hosts[0].containers[1]: NIC 'eth0' has 2 VFs (its \"sriov.vfs\"), "
      "all taken by the VMs and containers before this one" },
    { IOMMU, VFS(2), "", SR_NET,
      "{'name': 'a', 'network': 'pods', 'vf': 2}",
      "hosts[0].containers[0].vf: NIC 'eth0' has VFs 0 to 1" },
    { IOMMU, VFS(2), "", SR_NET,
      "{'name': 'a', 'network': 'pods', 'vf': 1},"
      "{'name': 'c', 'network': 'pods', 'vf': 1}",
      "hosts[0].containers[1].vf: VF 1 of 'eth0' is already "
      "hosts[0].containers[0]'s" },
    /* A VF for a VM or a pod, never both: asked for by both... */
    { IOMMU, VFS(4), "{'name': 'vm1', 'nics': [{'name': 'eth0',"
      " 'ip': '192.168.0.9/24', 'attach': {'type': 'sriov-vf',"
      " 'to': 'eth0', 'vf': 1}}]}", SR_NET,
      "{'name': 'a', 'network': 'pods', 'vf': 1}",
      "hosts[0].containers[0].vf: VF 1 of 'eth0' is assigned to "
      "hosts[0].vms[0].nics[0]; a VF goes to a VM or a container, not "
      "both" },
    /* ...or taken by the VM first as the next free one. */
    { IOMMU, VFS(4), "{'name': 'vm1', 'nics': [{'name': 'eth0',"
      " 'ip': '192.168.0.9/24', 'attach': {'type': 'sriov-vf',"
      " 'to': 'eth0'}}]}", SR_NET,
      "{'name': 'a', 'network': 'pods', 'vf': 0}",
      "hosts[0].containers[0].vf: VF 0 of 'eth0' is assigned to "
      "hosts[0].vms[0].nics[0]; a VF goes to a VM or a container, not "
      "both" },
    { IOMMU, VFS(4), "", SR_NET, "{'name': 'a', 'vf': 0}",
      "hosts[0].containers[0].vf: 'vf' applies only to a container on an "
      "sriov network" },
};

START_TEST(test_sriov_refusals)
{
    const struct sr_refusal *t = &sr_refusals[_i];
    char *json = sr_json(t->iommu, t->sriov, t->vms, t->nets, t->ctrs, "");
    char *msg = wt_refusal(json, NULL);
    ck_assert_str_eq(msg, t->want);
    free(msg);
    free(json);
}
END_TEST

/* A network that spans hosts has one driver wherever it is declared:
 * another such driver under its name on the next host is refused at
 * that driver, not later as the address the two allocators both handed
 * out.  A local bridge network of the same name is another network, and
 * loads. */
struct drv_mismatch {
    const char *net1, *net2;
    const char *want;           /* NULL: it loads. */
};

static const struct drv_mismatch drv_mismatches[] = {
    { "{'name': 'pods', 'driver': 'flannel', 'mode': 'vxlan',"
      " 'subnet': '10.244.0.0/16'}",
      "{'name': 'pods', 'driver': 'calico', 'subnet': '10.244.0.0/16'}",
      "hosts[1].networks[0].driver: network 'pods' is 'calico' here and "
      "'flannel' at hosts[0].networks[0]; a network that spans hosts has "
      "one driver on every host (or give the other one another name)" },
    { "{'name': 'pods', 'driver': 'weave', 'mode': 'fastdp',"
      " 'subnet': '10.244.0.0/16'}",
      "{'name': 'pods', 'driver': 'overlay', 'vni': 4097,"
      " 'subnet': '10.244.0.0/16'}",
      "hosts[1].networks[0].driver: network 'pods' is 'overlay' here and "
      "'weave' at hosts[0].networks[0]; a network that spans hosts has "
      "one driver on every host (or give the other one another name)" },
    { "{'name': 'pods', 'driver': 'bridge', 'subnet': '10.244.0.0/16'}",
      "{'name': 'pods', 'driver': 'calico', 'subnet': '10.244.0.0/16'}",
      NULL },
};

START_TEST(test_network_driver_mismatch_refused)
{
    const struct drv_mismatch *t = &drv_mismatches[_i];
    char json[2048];
    snprintf(json, sizeof json, world_fmt, t->net1, POD("a"), t->net2,
             POD("b"), "");
    for (char *p = json; *p; p++) {
        *p = *p == '\'' ? '"' : *p;
    }
    if (!t->want) {
        struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
        wt_run_free(&r);
        return;
    }
    char *msg = wt_refusal(json, NULL);
    ck_assert_str_eq(msg, t->want);
    free(msg);
}
END_TEST

/* On the command line: exit status 2, the path on stderr, nothing
 * written. */
START_TEST(test_sriov_refusal_writes_nothing)
{
    char *dir = vh_test_tmpdir();
    char *json = sr_json(IOMMU, "", "", SR_NET, POD("a"), "");
    char path[1024];
    snprintf(path, sizeof path, "%s/bad.json", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(json, f);
    fclose(f);
    free(json);
    char *out = NULL, bin[4096];
    ck_assert(realpath(vh_test_bin(), bin));
    int st = vh_test_sh(&out, "cd '%s' && '%s' run bad.json --json r.json "
                        "2>&1", dir, bin);
    ck_assert_int_eq(st, 2);
    ck_assert_msg(strstr(out, "hosts[0].networks[0].parent: NIC 'eth0' has "
                         "no SR-IOV"), "%s", out);
    free(out);
    vh_test_sh(&out, "ls -A '%s'", dir);
    ck_assert_str_eq(out, "bad.json\n");
    free(out);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* --- The shipped scenario. --- */

static const cJSON *
named(const cJSON *arr, const char *name)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, arr) {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "name");
        if (cJSON_IsString(n) && !strcmp(n->valuestring, name)) {
            return e;
        }
    }
    ck_abort_msg("no '%s'", name);
    return NULL;
}

struct cni_result {
    double cycles, bytes, rtt;
};

static struct cni_result
cni_variant(const char *variant)
{
    char *json = vh_test_slurp("scenarios/cni.json", NULL);
    ck_assert_ptr_nonnull(json);
    struct wt_run r = wt_run_json(json, variant, NULL, NULL);
    free(json);
    wt_assert_conserved(r.w, true);
    for (size_t i = 0; i < r.w->n_flows; i++) {
        ck_assert_uint_eq(r.w->flows[i].delivered, r.w->flows[i].sent);
    }
    assert_no_vm_work(wt_host(r.w, "host1"));
    cJSON *rep = report_json(r.w, 0);
    wt_run_free(&r);
    const cJSON *h = named(cJSON_GetObjectItem(rep, "hosts"), "host1");
    const cJSON *f = named(cJSON_GetObjectItem(rep, "flows"), "rtt");
    struct cni_result res = {
        cJSON_GetObjectItem(h, "cycles_per_packet")->valuedouble,
        cJSON_GetObjectItem(h, "uplink_bytes_per_packet")->valuedouble,
        cJSON_GetObjectItem(cJSON_GetObjectItem(f, "latency_ns"),
                            "p50")->valuedouble,
    };
    cJSON_Delete(rep);
    return res;
}

START_TEST(test_cni_scenario)
{
    struct cni_result bgp = cni_variant(NULL);
    struct cni_result ipip = cni_variant("calico-ipip");
    struct cni_result cvx = cni_variant("calico-vxlan");
    struct cni_result hostgw = cni_variant("flannel-host-gw");
    struct cni_result fvx = cni_variant("flannel-vxlan");
    struct cni_result ov = cni_variant("overlay");
    struct cni_result udp = cni_variant("flannel-udp");
    struct cni_result sr = cni_variant("sriov");
    /* Bytes on the wire: none added by routing, 20 by IP-in-IP, 50 by
     * VXLAN. */
    ck_assert_double_eq(hostgw.bytes, bgp.bytes);
    ck_assert_double_gt(ipip.bytes, bgp.bytes);
    ck_assert_double_gt(fvx.bytes, ipip.bytes);
    ck_assert_double_gt(ov.bytes, ipip.bytes);
    ck_assert_double_eq(cvx.bytes, fvx.bytes);
    ck_assert_double_eq(sr.bytes, bgp.bytes);
    /* Cycles: BGP the least; VXLAN the most, flannel's above the
     * overlay's (it routes as well). */
    const struct cni_result *others[] = { &ipip, &hostgw, &fvx, &ov };
    for (size_t i = 0; i < 4; i++) {
        ck_assert_double_gt(others[i]->cycles, bgp.cycles);
        ck_assert_double_gt(others[i]->rtt, bgp.rtt);
    }
    ck_assert_double_gt(ov.cycles, ipip.cycles);
    ck_assert_double_gt(ov.cycles, hostgw.cycles);
    ck_assert_double_gt(fvx.cycles, ov.cycles);
    /* Calico's VXLAN: IP-in-IP's routing with UDP tunnel work on top, and
     * no bridge, so below flannel's. */
    ck_assert_double_gt(cvx.cycles, ipip.cycles);
    ck_assert_double_lt(cvx.cycles, fvx.cycles);
    ck_assert_double_gt(cvx.rtt, bgp.rtt);
    /* A VF per pod: nothing of the host's between the pod and the NIC
     * but the VF driver, the fewest cycles and the shortest round trip. */
    ck_assert_double_lt(sr.cycles, bgp.cycles);
    ck_assert_double_lt(sr.rtt, bgp.rtt);
    /* User space: by far the most cycles and the longest round trip. */
    const struct cni_result *all[] = { &bgp, &ipip, &hostgw, &fvx, &ov,
                                       &cvx, &sr };
    for (size_t i = 0; i < 7; i++) {
        ck_assert_double_gt(udp.cycles, all[i]->cycles * 1.5);
        ck_assert_double_gt(udp.rtt, all[i]->rtt);
    }
}
END_TEST

/* The MTU each driver gives its pods, over 1500-byte NICs and 9000-byte
 * ones: the NIC's less the encapsulation for Calico and flannel, which
 * derive it from the NIC; Docker's overlay 1500 less VXLAN's 50 whatever
 * the NIC; weave its fixed 1376.  Over each, a TCP stream of 100,000
 * bytes arrives whole with nothing dropped (its segments fit), and UDP
 * datagrams of 1518-byte frames, longer than the pod's MTU, leave the
 * pod in fragments and are all delivered. */
static const struct {
    const char *net;
    uint32_t mtu, jumbo_mtu;
} pod_mtus[] = {
    { "{'name': 'pods', 'driver': 'overlay', 'vni': 4097,"
      " 'subnet': '10.10.0.0/24'}", 1450, 1450 },
    { "{'name': 'pods', 'driver': 'calico', 'mode': 'ipip',"
      " 'subnet': '10.244.0.0/16'}", 1480, 8980 },
    { "{'name': 'pods', 'driver': 'calico', 'mode': 'vxlan',"
      " 'subnet': '10.244.0.0/16'}", 1450, 8950 },
    { "{'name': 'pods', 'driver': 'calico', 'mode': 'bgp',"
      " 'subnet': '10.244.0.0/16'}", 1500, 9000 },
    { "{'name': 'pods', 'driver': 'flannel', 'mode': 'vxlan',"
      " 'subnet': '10.244.0.0/16'}", 1450, 8950 },
    { "{'name': 'pods', 'driver': 'flannel', 'mode': 'udp',"
      " 'subnet': '10.244.0.0/16'}", 1472, 8972 },
    { "{'name': 'pods', 'driver': 'flannel', 'mode': 'host-gw',"
      " 'subnet': '10.244.0.0/16'}", 1500, 9000 },
    { "{'name': 'pods', 'driver': 'weave', 'mode': 'fastdp'}", 1376, 1376 },
};

START_TEST(test_pod_mtu_fits_the_tunnel)
{
    for (int jumbo = 0; jumbo < 2; jumbo++) {
        char *json = world_json(pod_mtus[_i].net,
                                "{'name': 'a', 'network': 'pods'}",
                                "{'name': 'b', 'network': 'pods'}",
                                "{'name': 'tcp', 'from': 'host1/a',"
                                " 'to': 'host2/b', 'proto': 'tcp',"
                                " 'bytes': 100000},"
                                "{'name': 'big', 'from': 'host1/a',"
                                " 'to': 'host2/b', 'size': 1518,"
                                " 'rate': '20kpps', 'count': 10}");
        if (jumbo) {
            /* Both NICs' "model": "82599" gain "mtu": 9000. */
            const char *m = "\"model\": \"82599\",";
            for (int k = 0; k < 2; k++) {
                char *at = strstr(json, m);
                for (int s = 0; s < k; s++) {
                    at = strstr(at + 1, m);
                }
                ck_assert_ptr_nonnull(at);
                size_t n = strlen(json) + 32;
                char *j = malloc(n);
                snprintf(j, n, "%.*s\"mtu\": 9000, %s",
                         (int) (at - json) + (int) strlen(m), json,
                         at + strlen(m));
                free(json);
                json = j;
            }
        }
        struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
        free(json);
        uint32_t want = jumbo ? pod_mtus[_i].jumbo_mtu : pod_mtus[_i].mtu;
        ck_assert_uint_eq(ctr(r.w, "host1/a")->ep->mtu, want);
        ck_assert_uint_eq(ctr(r.w, "host2/b")->ep->mtu, want);
        const struct flow_stats *tcp = &r.w->flows[0], *big = &r.w->flows[1];
        ck_assert_uint_eq(tcp->drops.total, 0);
        ck_assert_uint_eq(tcp->delivered, tcp->sent);
        ck_assert_uint_eq(tcp->xport->goodput_bytes, 100000);
        ck_assert_uint_eq(big->drops.total, 0);
        ck_assert_uint_eq(big->delivered, 10);
        wt_assert_conserved(r.w, true);
        wt_run_free(&r);
    }
}
END_TEST

static Suite *
cni_suite(void)
{
    Suite *s = suite_create("cni");
    TCase *tc = tcase_create("drivers");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_overlay_across_hosts);
    tcase_add_test(tc, test_calico_ipip_and_bgp);
    tcase_add_test(tc, test_calico_vxlan);
    tcase_add_test(tc, test_flannel_vxlan_and_host_gw);
    tcase_add_loop_test(tc, test_pod_mtu_fits_the_tunnel, 0,
                        (int) (sizeof pod_mtus / sizeof pod_mtus[0]));
    tcase_add_test(tc, test_sriov_across_hosts);
    tcase_add_test(tc, test_sriov_same_host);
    tcase_add_test(tc, test_sriov_refusal_writes_nothing);
    tcase_add_loop_test(tc, test_sriov_refusals, 0,
                        (int) (sizeof sr_refusals / sizeof sr_refusals[0]));
    tcase_add_loop_test(tc, test_network_driver_mismatch_refused, 0,
                        (int) (sizeof drv_mismatches
                               / sizeof drv_mismatches[0]));
    suite_add_tcase(s, tc);
    TCase *sc = tcase_create("scenario");
    tcase_set_timeout(sc, 120);
    tcase_add_test(sc, test_cni_scenario);
    suite_add_tcase(s, sc);
    return s;
}

VH_SUITE(cni_suite)
