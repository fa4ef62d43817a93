/* tests/test_vnic.c: the ways a VM's NIC reaches the host, run whole.
 *
 * One VM on a host, one remote host behind a switch, the same traffic
 * through each access method: emulated e1000 and rtl8139, virtio with
 * the QEMU, vhost-net and vhost-user backends, multi-queue virtio, and
 * OVS-DPDK's polling cores.  The tests check what the mechanisms demand
 * (orderings of cost and of VM exits, where work runs, how polling cores
 * account their time) and that every packet is accounted for. */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/guest/emu_nic.h"
#include "models/core/host.h"
#include "models/hw/hthread.h"
#include "models/hostnet/ovs_dpdk.h"
#include "report/report.h"
#include "models/guest/virtio_net.h"
#include "models/guest/vm.h"
#include "models/core/world.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* host1 (8 cores) with bridge br0 on its NIC eth0, VM vm1 (pinned from
 * core 2), and a bare-metal remote behind switch tor1.  The '%s' are: the
 * duration, the bridge, vm1's vCPUs and pins, vm1's NIC keys, more VMs,
 * the traffic, the scenario's extra keys. */
static const char vnic_fmt[] =
    "{ \"name\": \"vnic\", \"duration\": \"%s\", \"seed\": 3,"
    "  \"hosts\": ["
    "   { \"name\": \"host1\", \"cpu\": { \"cores\": 8, \"ghz\": 2.6 },"
    "     \"nics\": [ { \"name\": \"eth0\", \"model\": \"82599\","
    "                 \"link\": \"tor1/p1\" } ],"
    "     \"bridges\": [ %s ],"
    "     \"vms\": ["
    "       { \"name\": \"vm1\", %s, \"nics\": [ {"
    "           \"name\": \"eth0\", \"mac\": \"52:54:00:00:00:01\","
    "           \"ip\": \"10.0.0.1/24\", %s } ] } %s ] },"
    "   { \"name\": \"remote\", \"nics\": [ { \"name\": \"eth0\","
    "       \"mac\": \"02:00:00:00:00:64\", \"ip\": \"10.0.0.100/24\","
    "       \"link\": \"tor1/p2\" } ] } ],"
    "  \"switches\": [ { \"name\": \"tor1\", \"mode\": \"802.1q\","
    "                  \"ports\": 4 } ],"
    "  \"traffic\": [ %s ] %s }";

#define LINUX_BR "{ \"name\": \"br0\", \"type\": \"linux-bridge\"," \
                 "  \"ports\": [\"eth0\"] }"
#define DPDK_BR  "{ \"name\": \"br0\", \"type\": \"ovs\"," \
                 "  \"datapath\": \"dpdk\", \"ports\": [\"eth0\"] }"
#define ONE_VCPU "\"vcpus\": 1, \"pin\": [2]"
#define AT_BR    "\"attach\": { \"type\": \"bridge\", \"to\": \"br0\" }"
#define AT_OVS   "\"attach\": { \"type\": \"ovs\", \"to\": \"br0\" }"
#define E1000    "\"model\": \"e1000\", " AT_BR
#define RTL8139  "\"model\": \"rtl8139\", " AT_BR
#define V_QEMU   "\"backend\": \"qemu\", " AT_BR
#define V_VHOST  "\"backend\": \"vhost-net\", " AT_BR
#define V_USER   "\"backend\": \"vhost-user\", " AT_OVS

/* A UDP flow of 64-byte frames; 'dir' is "out" (vm1 to remote) or "in". */
static char *
flow(const char *name, const char *dir, const char *rate, const char *rest)
{
    bool out = !strcmp(dir, "out");
    char *s = NULL;
    if (asprintf(&s, "{ \"name\": \"%s\", \"from\": \"%s\", \"to\": \"%s\","
                 "  \"proto\": \"udp\", \"size\": 64, \"rate\": \"%s\" %s }",
                 name, out ? "host1/vm1" : "remote",
                 out ? "remote" : "host1/vm1", rate, rest) < 0) {
        abort();
    }
    return s;
}

/* The one-VM world with its blanks filled in, run to its end. */
static struct wt_run
vrun_full(const char *dur, const char *bridge, const char *vm,
          const char *nic, const char *more_vms, const char *traffic,
          const char *extra)
{
    char json[16384];
    snprintf(json, sizeof json, vnic_fmt, dur, bridge, vm, nic, more_vms,
             traffic, extra);
    return wt_run_json(json, NULL, NULL, NULL);
}

/* vm1 alone, one vCPU, NIC keys 'nic', one flow. */
static struct wt_run
vrun(const char *dur, const char *bridge, const char *nic, const char *dir,
     const char *rate, const char *rest)
{
    char *f = flow("f", dir, rate, rest);
    struct wt_run r = vrun_full(dur, bridge, ONE_VCPU, nic, "", f, "");
    free(f);
    return r;
}

/* The message the one-VM world with these parts is refused with. */
static char *
refused(const char *bridge, const char *vm, const char *nic)
{
    char json[16384];
    char *f = flow("f", "out", "10kpps", ", \"count\": 1");
    snprintf(json, sizeof json, vnic_fmt, "1ms", bridge, vm, nic, "", f, "");
    free(f);
    return wt_refusal(json, NULL);
}

static double
cycles_per_packet(const struct world *w)
{
    const struct host *h = w->hosts[0];
    ck_assert_uint_gt(h->packets, 0);
    return (double) wt_host_cycles(h) / (double) h->packets;
}

static double
exits_per_packet(const struct world *w)
{
    const struct host *h = w->hosts[0];
    ck_assert_uint_gt(h->packets, 0);
    return (double) h->vm_exits / (double) h->packets;
}

/* --- Cost and VM exits, access method against access method. --- */

START_TEST(test_host_cycles_order)
{
    /* The same 100 frames from vm1 to the remote.  e1000: a trapped tail
     * write per frame, emulated in QEMU, two copies and a tap write, and
     * register traps per interrupt.  virtio with QEMU: a kick into QEMU's
     * main loop, a system call per frame into the tap.  vhost-net: the
     * same ring work in a kernel thread, no system calls. */
    static const char *const nics[] = { E1000, V_QEMU, V_VHOST };
    double cpp[3];
    for (int i = 0; i < 3; i++) {
        struct wt_run r = vrun("3ms", LINUX_BR, nics[i], "out", "100kpps",
                               ", \"count\": 100");
        ck_assert_uint_eq(r.w->flows[0].delivered, 100);
        cpp[i] = cycles_per_packet(r.w);
        wt_run_free(&r);
    }
    ck_assert_msg(cpp[0] > cpp[1] && cpp[1] > cpp[2],
                  "cycles/packet e1000 %.0f, virtio-qemu %.0f, vhost-net "
                  "%.0f", cpp[0], cpp[1], cpp[2]);
}
END_TEST

START_TEST(test_emulated_nic_exits_far_more_than_virtio)
{
    /* At a low rate every e1000 frame costs its tail write and an
     * interrupt of several register traps, where virtio kicks once.  At a
     * high rate the vhost worker is still busy when the next frame comes,
     * so virtio's kicks stay off, while every e1000 frame still writes
     * its tail register. */
    struct wt_run e_lo = vrun("4ms", LINUX_BR, E1000, "out", "10kpps",
                              ", \"count\": 20");
    struct wt_run v_lo = vrun("4ms", LINUX_BR, V_VHOST, "out", "10kpps",
                              ", \"count\": 20");
    struct wt_run e_hi = vrun("2ms", LINUX_BR, E1000, "out", "1Mpps",
                              ", \"duration\": \"500us\"");
    struct wt_run v_hi = vrun("2ms", LINUX_BR, V_VHOST, "out", "1Mpps",
                              ", \"duration\": \"500us\"");
    double elo = exits_per_packet(e_lo.w), vlo = exits_per_packet(v_lo.w);
    /* At the high rate e1000's vCPU is saturated and some packets never
     * reach the driver (they wait for ARP, or in the qdisc): count per
     * frame each device was handed. */
    const struct vm_nic *en = &e_hi.w->hosts[0]->vms[0]->nics[0];
    const struct vm_nic *vn = &v_hi.w->hosts[0]->vms[0]->nics[0];
    double ehi = (double) e_hi.w->hosts[0]->vm_exits / (double) en->dev->tx;
    double vhi = (double) v_hi.w->hosts[0]->vm_exits / (double) vn->dev->tx;
    ck_assert_msg(elo >= 3 && elo >= 3 * vlo, "low rate: e1000 %.2f, "
                  "virtio %.2f exits/packet", elo, vlo);
    ck_assert_msg(ehi >= 1.0, "e1000 %.2f exits/packet: every frame's tail "
                  "write traps", ehi);
    ck_assert_msg(vhi < 0.5 && ehi >= 4 * vhi, "high rate: e1000 %.2f, "
                  "virtio %.3f exits/packet", ehi, vhi);
    wt_run_free(&e_lo);
    wt_run_free(&v_lo);
    wt_run_free(&e_hi);
    wt_run_free(&v_hi);
}
END_TEST

START_TEST(test_rtl8139_traps_more_than_e1000)
{
    /* rtl8139 has no interrupt mitigation, flushes its transmit write with
     * a read, and per received frame reads ChipCmd, writes CAPR and reads
     * ISR; e1000 batches interrupts and refills its ring in groups. */
    struct wt_run e_out = vrun("3ms", LINUX_BR, E1000, "out", "100kpps",
                               ", \"count\": 100");
    struct wt_run r_out = vrun("3ms", LINUX_BR, RTL8139, "out", "100kpps",
                               ", \"count\": 100");
    struct wt_run e_in = vrun("3ms", LINUX_BR, E1000, "in", "10kpps",
                              ", \"count\": 20");
    struct wt_run r_in = vrun("3ms", LINUX_BR, RTL8139, "in", "10kpps",
                              ", \"count\": 20");
    ck_assert_uint_eq(r_out.w->flows[0].delivered, 100);
    ck_assert_uint_eq(r_in.w->flows[0].delivered, 20);
    ck_assert_msg(exits_per_packet(r_out.w) > exits_per_packet(e_out.w),
                  "out: rtl8139 %.2f, e1000 %.2f",
                  exits_per_packet(r_out.w), exits_per_packet(e_out.w));
    ck_assert_msg(exits_per_packet(r_in.w) > exits_per_packet(e_in.w),
                  "in: rtl8139 %.2f, e1000 %.2f",
                  exits_per_packet(r_in.w), exits_per_packet(e_in.w));
    /* The driver copies every frame itself (bounce buffer, receive ring)
     * on top of QEMU's copies. */
    ck_assert_uint_gt(r_in.w->hosts[0]->copies_bytes,
                      e_in.w->hosts[0]->copies_bytes);
    wt_run_free(&e_out);
    wt_run_free(&r_out);
    wt_run_free(&e_in);
    wt_run_free(&r_in);
}
END_TEST

START_TEST(test_vhost_user_transmit_makes_no_exits)
{
    /* The switch polls the TX virtqueue, so the guest is never asked to
     * kick: the only interrupt is the ARP reply coming back, which the
     * busy vCPU takes without an exit (APICv posts it).  vhost-net on
     * the same traffic kicks. */
    struct wt_run u = vrun("2ms", DPDK_BR, V_USER, "out", "1Mpps",
                           ", \"duration\": \"500us\"");
    struct wt_run k = vrun("2ms", LINUX_BR, V_VHOST, "out", "1Mpps",
                           ", \"duration\": \"500us\"");
    const struct host *hu = u.w->hosts[0], *hk = k.w->hosts[0];
    ck_assert_uint_gt(u.w->flows[0].delivered, 400);
    ck_assert_uint_eq(hu->vm_exits, 0);
    ck_assert_uint_le(hu->guest_interrupts, 2);
    ck_assert_uint_gt(hk->vm_exits, hk->guest_interrupts);
    /* The NIC is polled too: no host interrupts on this host at all. */
    ck_assert_uint_eq(hu->interrupts, 0);
    wt_run_free(&u);
    wt_run_free(&k);
}
END_TEST

/* --- Polling cores. --- */

struct poll_view {
    double util;
    double work, idle;          /* poll_work, poll_idle. */
    double poll;                /* cycles.poll */
    double other;               /* Every other category. */
};

static struct poll_view
poll_view(const struct world *w)
{
    const struct host *h = w->hosts[0];
    int pc = -1;
    for (int i = 0; i < h->n_cores; i++) {
        if (h->polls && h->polls[i].on) {
            ck_assert_int_eq(pc, -1);
            pc = i;
        }
    }
    /* The default: the last core no vCPU is pinned to. */
    ck_assert_int_eq(pc, 7);
    cJSON *rep = report_json(w, 0);
    cJSON *hj = cJSON_GetArrayItem(cJSON_GetObjectItem(rep, "hosts"), 0);
    cJSON *cores = cJSON_GetObjectItem(cJSON_GetObjectItem(hj, "cpu"),
                                       "cores");
    cJSON *co = cJSON_GetArrayItem(cores, pc);
    cJSON *cyc = cJSON_GetObjectItem(co, "cycles");
    struct poll_view v;
    v.util = cJSON_GetObjectItem(co, "util")->valuedouble;
    v.work = cJSON_GetObjectItem(co, "poll_work")->valuedouble;
    v.idle = cJSON_GetObjectItem(co, "poll_idle")->valuedouble;
    v.poll = cJSON_GetObjectItem(cyc, "poll")->valuedouble;
    v.other = 0;
    for (cJSON *c = cyc->child; c; c = c->next) {
        if (strcmp(c->string, "poll")) {
            v.other += c->valuedouble;
        }
    }
    cJSON_Delete(rep);
    return v;
}

START_TEST(test_pmd_core_polls_whatever_the_load)
{
    /* Traffic both ways for the whole run, at three loads.  The PMD core
     * is always 100% busy, all of it polling; as the load rises, polls
     * that found work take the place of polls that found nothing, and the
     * total stays the core's clock times the run. */
    static const char *const rates[] = { "10kpps", "200kpps", "1Mpps" };
    struct poll_view v[3];
    for (int i = 0; i < 3; i++) {
        char *out = flow("out", "out", rates[i], "");
        char *in = flow("in", "in", rates[i], "");
        char traffic[1024];
        snprintf(traffic, sizeof traffic, "%s, %s", out, in);
        /* An event at the end keeps every run going until then. */
        struct wt_run r = vrun_full("2ms", DPDK_BR, ONE_VCPU, V_USER, "",
                                    traffic, ", \"events\": [ { \"at\": "
                                    "\"1999999ns\", \"action\": "
                                    "\"link-down\", \"target\": "
                                    "\"tor1/p2\" } ]");
        ck_assert_uint_ge(world_end_time(r.w), r.w->end - VH_NS);
        ck_assert_uint_gt(r.w->flows[0].delivered, 0);
        ck_assert_uint_gt(r.w->flows[1].delivered, 0);
        v[i] = poll_view(r.w);
        wt_run_free(&r);
        free(out);
        free(in);
    }
    double clock_total = 2e-3 * 2.6e9;
    for (int i = 0; i < 3; i++) {
        ck_assert(v[i].util == 1.0);
        ck_assert(v[i].other == 0);
        ck_assert(v[i].work + v[i].idle == v[i].poll);
        ck_assert_msg(v[i].poll > clock_total * 0.9999
                      && v[i].poll < clock_total * 1.0001,
                      "load %d: %.0f poll cycles in a run of %.0f", i,
                      v[i].poll, clock_total);
    }
    ck_assert(v[0].idle > v[1].idle && v[1].idle > v[2].idle);
    ck_assert(v[0].work < v[1].work && v[1].work < v[2].work);
}
END_TEST

START_TEST(test_pmd_wait_grows_with_its_queues)
{
    /* A frame waits for the PMD's next visit to its queue, which comes
     * after the rest of the pass.  With polls made slow (so the wait
     * dominates), the same frames to vm1 wait longer when the PMD also
     * polls three more VMs' queues. */
    static const char more[] =
        ", { \"name\": \"vm2\", \"pin\": [3], \"nics\": [ { \"name\": "
        "\"eth0\", \"ip\": \"10.0.0.2/24\", " V_USER " } ] }"
        ", { \"name\": \"vm3\", \"pin\": [4], \"nics\": [ { \"name\": "
        "\"eth0\", \"ip\": \"10.0.0.3/24\", " V_USER " } ] }"
        ", { \"name\": \"vm4\", \"pin\": [5], \"nics\": [ { \"name\": "
        "\"eth0\", \"ip\": \"10.0.0.4/24\", " V_USER " } ] }";
    static const char slow[] = ", \"costs\": { \"pmd_poll\": \"20000cyc\" }";
    char *f = flow("f", "in", "20kpps", ", \"count\": 30");
    struct wt_run few = vrun_full("4ms", DPDK_BR, ONE_VCPU, V_USER, "", f,
                                  slow);
    struct wt_run many = vrun_full("4ms", DPDK_BR, ONE_VCPU, V_USER, more, f,
                                   slow);
    free(f);
    ck_assert_uint_eq(few.w->flows[0].delivered, 30);
    ck_assert_uint_eq(many.w->flows[0].delivered, 30);
    double lf = vh_hist_mean(&few.w->flows[0].latency);
    double lm = vh_hist_mean(&many.w->flows[0].latency);
    /* Two queues against five: the pass is 2.5 times as long. */
    ck_assert_msg(lm > lf + 5000, "mean latency %.0f ns with 2 queues, "
                  "%.0f ns with 5", lf, lm);
    wt_run_free(&few);
    wt_run_free(&many);
}
END_TEST

/* --- Multi-queue virtio. --- */

START_TEST(test_multiqueue_spreads_work)
{
    /* Eight flows into a 4-vCPU VM.  With one queue pair, one vhost worker
     * does all the copying and one vCPU takes every interrupt; with four,
     * tun spreads the flows over four workers on their own cores, and
     * each queue's interrupt goes to its own vCPU. */
    char traffic[4096] = "";
    for (int i = 0; i < 8; i++) {
        char name[8];
        snprintf(name, sizeof name, "f%d", i);
        char *f = flow(name, "in", "50kpps", ", \"duration\": \"1ms\"");
        strcat(traffic, i ? ", " : "");
        strcat(traffic, f);
        free(f);
    }
    static const char vcpus[] = "\"vcpus\": 4, \"pin\": [2, 3, 4, 5]";
    struct wt_run one = vrun_full("3ms", LINUX_BR, vcpus,
                                  V_VHOST ", \"queues\": 1", "", traffic, "");
    struct wt_run four = vrun_full("3ms", LINUX_BR, vcpus,
                                   V_VHOST ", \"queues\": 4", "", traffic, "");
    const struct virtio_net *vn = four.w->hosts[0]->vms[0]->nics[0].virtio;
    ck_assert_int_eq(vn->n_queues, 4);
    int workers = 0, distinct = 0;
    for (int i = 0; i < 4; i++) {
        workers += vn->q[i].thread->wakeups > 0;
        bool seen = false;
        for (int k = 0; k < i; k++) {
            seen |= vn->q[k].thread->core == vn->q[i].thread->core;
        }
        distinct += !seen;
        ck_assert_ptr_eq(vn->q[i].vcpu, four.w->hosts[0]->vms[0]->vcpus[i]);
    }
    ck_assert_int_eq(distinct, 4);
    ck_assert_int_ge(workers, 3);

    /* Cores doing guest work, and other cores doing vhost work (a vCPU
     * core's 'vhost' cycles are the IPIs its kicks send). */
    int busy_vcpus[2] = { 0, 0 }, vhost_cores[2] = { 0, 0 };
    struct world *ws[2] = { one.w, four.w };
    for (int k = 0; k < 2; k++) {
        const struct host *h = ws[k]->hosts[0];
        for (int c = 0; c < h->n_cores; c++) {
            if (c >= 2 && c <= 5) {
                busy_vcpus[k] += h->cores[c].cycles[CPU_GUEST] > 0;
            } else {
                vhost_cores[k] += h->cores[c].cycles[CPU_VHOST] > 0;
            }
        }
        for (size_t i = 0; i < ws[k]->n_flows; i++) {
            ck_assert_uint_eq(ws[k]->flows[i].delivered,
                              ws[k]->flows[i].sent);
        }
    }
    ck_assert_int_eq(busy_vcpus[0], 1);
    ck_assert_int_eq(vhost_cores[0], 1);
    ck_assert_int_ge(busy_vcpus[1], 3);
    ck_assert_int_ge(vhost_cores[1], 3);
    wt_run_free(&one);
    wt_run_free(&four);
}
END_TEST

/* --- Every path keeps its packets. --- */

START_TEST(test_conservation_on_every_path)
{
    /* Each path overloaded both ways (out for 300 us, in for 1 ms), then
     * left to drain.
     * rtl8139's receive is offered less: with its ring full the driver
     * can finish a poll with frames left in the ring, and QEMU, which
     * stopped reading the tap, only reads again when the driver frees
     * ring space; those frames are in flight for good, and the check
     * below still finds them held. */
    static const struct { const char *nic, *br, *in_rate; } paths[] = {
        { E1000, LINUX_BR, "2Mpps" },
        { RTL8139, LINUX_BR, "2Mpps" },
        { V_QEMU, LINUX_BR, "2Mpps" },
        { V_VHOST, LINUX_BR, "2Mpps" },
        { V_VHOST ", \"queues\": 2", LINUX_BR, "2Mpps" },
        { V_USER, DPDK_BR, "2Mpps" },
    };
    uint64_t lost = 0;
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        char *out = flow("out", "out", "2Mpps",
                         ", \"duration\": \"300us\", \"pattern\": "
                         "\"poisson\"");
        char *in = flow("in", "in", paths[i].in_rate,
                        ", \"duration\": \"1ms\"");
        char traffic[1024];
        snprintf(traffic, sizeof traffic, "%s, %s", out, in);
        static const char vcpus[] = "\"vcpus\": 2, \"pin\": [2, 3]";
        struct wt_run r = vrun_full("20ms", paths[i].br, vcpus, paths[i].nic,
                                    "", traffic, "");
        ck_assert_msg(r.w->flows[0].delivered > 0
                      && r.w->flows[1].delivered > 0, "path %zu", i);
        lost += r.w->flows[0].drops.total + r.w->flows[1].drops.total;
        wt_assert_held(r.w);
        if (i != 1) {
            ck_assert_uint_eq(world_in_flight(r.w, &r.w->flows[0]), 0);
            ck_assert_uint_eq(world_in_flight(r.w, &r.w->flows[1]), 0);
        }
        wt_run_free(&r);
        free(out);
        free(in);
    }
    ck_assert_uint_gt(lost, 0);     /* The overload did overflow queues. */
}
END_TEST

START_TEST(test_emulated_link_down)
{
    /* virsh domif-setlink on an e1000: the guest's frames and the frames
     * for it are dropped while the link is down. */
    char *out = flow("out", "out", "100kpps", ", \"count\": 100");
    char *in = flow("in", "in", "100kpps", ", \"count\": 100");
    char traffic[1024];
    snprintf(traffic, sizeof traffic, "%s, %s", out, in);
    struct wt_run r = vrun_full("3ms", LINUX_BR, ONE_VCPU, E1000, "", traffic,
                                ", \"events\": [ { \"at\": \"400us\", "
                                "\"action\": \"link-down\", \"target\": "
                                "\"host1/vm1/eth0\" } ]");
    free(out);
    free(in);
    for (size_t i = 0; i < 2; i++) {
        const struct flow_stats *fs = &r.w->flows[i];
        ck_assert_uint_gt(fs->delivered, 0);
        ck_assert_uint_gt(vh_drops_get(&fs->drops, "link-down"), 0);
    }
    wt_assert_held(r.w);
    wt_run_free(&r);
}
END_TEST

/* --- What cannot be built. --- */

START_TEST(test_refusals)
{
    char *m = refused(LINUX_BR, ONE_VCPU, "\"backend\": \"vhost-user\", "
                      AT_BR);
    ck_assert_msg(strstr(m, "backend 'vhost-user'") && strstr(m, "'dpdk'"),
                  "%s", m);
    free(m);
    m = refused(DPDK_BR, ONE_VCPU, "\"model\": \"e1000\", " AT_OVS);
    ck_assert_msg(strstr(m, "vhost-user sockets"), "%s", m);
    free(m);
    m = refused(DPDK_BR, ONE_VCPU, V_VHOST);
    ck_assert_msg(strstr(m, "attach.to") && strstr(m, "Open vSwitch"),
                  "%s", m);
    free(m);
    m = refused("{ \"name\": \"br0\", \"type\": \"ovs\", \"datapath\": "
                "\"dpdk\", \"ports\": [\"eth0\"], \"pmd_cores\": [2] }",
                ONE_VCPU, V_USER);
    ck_assert_str_eq(m, "hosts[0].bridges[0].pmd_cores[0]: core 2 is "
                     "pinned to a vCPU of 'vm1'; a poll-mode thread keeps "
                     "its core busy all the time and would starve it");
    free(m);
}
END_TEST

START_TEST(test_pmd_cores_are_kept_from_other_threads)
{
    /* Two PMD cores given; unpinned vCPUs and vhost workers of other VMs
     * keep off them. */
    static const char br[] =
        "{ \"name\": \"br0\", \"type\": \"ovs\", \"datapath\": \"dpdk\","
        "  \"ports\": [\"eth0\"], \"pmd_cores\": [7, 6] }"
        ", { \"name\": \"br1\", \"type\": \"linux-bridge\" }";
    static const char more[] =
        ", { \"name\": \"vm2\", \"vcpus\": 2, \"nics\": [ { \"name\": "
        "\"eth0\", \"ip\": \"10.0.0.2/24\", \"attach\": { \"type\": "
        "\"bridge\", \"to\": \"br1\" } } ] }";
    char *f = flow("f", "in", "100kpps", ", \"count\": 50");
    struct wt_run r = vrun_full("3ms", br, ONE_VCPU, V_USER, more, f, "");
    free(f);
    const struct host *h = r.w->hosts[0];
    ck_assert(h->polls[7].on && h->polls[6].on);
    const struct vm *vm2 = h->vms[1];
    for (int i = 0; i < vm2->n_vcpus; i++) {
        ck_assert_int_lt(vm2->vcpus[i]->index, 6);
    }
    ck_assert_int_lt(vm2->nics[0].virtio->q[0].thread->core->index, 6);
    ck_assert_uint_eq(r.w->flows[0].delivered, 50);
    /* The NIC's and the vhost-user port's queues went to the two PMDs in
     * turn. */
    const struct ovs_dpdk *ob = h->dpdk_bridges[0];
    ck_assert_uint_eq(ob->pmds[0].n_rxqs, 1);
    ck_assert_uint_eq(ob->pmds[1].n_rxqs, 1);
    wt_run_free(&r);
}
END_TEST

/* Riders in a model: a vhost-net thread that has taken a frame from its
 * guest's ring hands it on and polls the rings again when that work
 * ends, two events at one time scheduled one after the other, so every
 * packet one guest sends to another through it makes at least one
 * rider. */
START_TEST(test_riders_per_packet_in_a_world)
{
    static const char json[] =
        "{ \"duration\": \"30ms\", \"hosts\": [ { \"name\": \"h\","
        "  \"cpu\": { \"cores\": 4 },"
        "  \"bridges\": [ { \"name\": \"br0\","
        "                   \"type\": \"linux-bridge\" } ],"
        "  \"vms\": ["
        "   { \"name\": \"a\", \"nics\": [ { \"name\": \"eth0\","
        "     \"ip\": \"10.0.0.1/24\", \"model\": \"virtio\","
        "     \"backend\": \"vhost-net\","
        "     \"attach\": { \"type\": \"bridge\", \"to\": \"br0\" } } ] },"
        "   { \"name\": \"b\", \"nics\": [ { \"name\": \"eth0\","
        "     \"ip\": \"10.0.0.2/24\", \"model\": \"virtio\","
        "     \"backend\": \"vhost-net\","
        "     \"attach\": { \"type\": \"bridge\", \"to\": \"br0\" } } ] } ] } ],"
        "  \"traffic\": [ { \"name\": \"f\", \"from\": \"h/a\","
        "    \"to\": \"h/b\", \"proto\": \"udp\", \"size\": 64,"
        "    \"rate\": \"10kpps\", \"count\": 200 } ] }";
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    wt_assert_conserved(r.w, true);
    ck_assert_uint_eq(r.w->flows[0].delivered, 200);
    ck_assert_uint_ge(r.w->sim.riders, 200);
    wt_run_free(&r);
}
END_TEST

static Suite *
vnic_suite(void)
{
    Suite *s = suite_create("vnic");
    TCase *tc = tcase_create("access");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_host_cycles_order);
    tcase_add_test(tc, test_emulated_nic_exits_far_more_than_virtio);
    tcase_add_test(tc, test_rtl8139_traps_more_than_e1000);
    tcase_add_test(tc, test_vhost_user_transmit_makes_no_exits);
    tcase_add_test(tc, test_pmd_core_polls_whatever_the_load);
    tcase_add_test(tc, test_pmd_wait_grows_with_its_queues);
    tcase_add_test(tc, test_multiqueue_spreads_work);
    tcase_add_test(tc, test_conservation_on_every_path);
    tcase_add_test(tc, test_emulated_link_down);
    tcase_add_test(tc, test_refusals);
    tcase_add_test(tc, test_pmd_cores_are_kept_from_other_threads);
    tcase_add_test(tc, test_riders_per_packet_in_a_world);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(vnic_suite)
