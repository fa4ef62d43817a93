/* tests/test_dpdk_tnl.c: tunnel ports on Open vSwitch's user-space (dpdk)
 * datapath, OVS's native tunnelling.
 *
 * VM to VM across two hosts over OVS-DPDK and vhost-user, through every
 * tunnel type and across a routed underlay; the wire decoded by tshark
 * and compared byte for byte with the kernel datapath's tunnel port for
 * the same flow; the PMD cores taking no interrupt and running no
 * softirq; one recirculation per tunnelled packet received; one
 * 'pmd_tnl' per push or pop and none of the kernel tunnels' work; host
 * cycles per packet below the kernel datapath's; the tunnel's drops;
 * the same seed giving the same report; and what the builder refuses. */
#include <check.h>
#include <cjson/cJSON.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/host.h"
#include "models/core/world.h"
#include "models/hostnet/ovs_dpdk.h"
#include "models/hw/cpu.h"
#include "models/tunnel/vtep.h"
#include "report/report.h"
#include "sim/trace.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

#define OVERLAY "scenarios/overlay.json"

#define TUNNEL(TYPE, REMOTE, KEY)                                       \
    "{ \"name\": \"tun0\", \"type\": \"" TYPE "\", \"remote_ip\": \""  \
    REMOTE "\", \"key\": " #KEY " }"

static const char default_traffic[] =
    "[ { \"name\": \"f1\", \"from\": \"host1/vm1\", \"to\": \"host2/vm2\","
    "    \"proto\": \"udp\", \"size\": 256, \"rate\": \"50kpps\","
    "    \"count\": 40 },"
    "  { \"name\": \"ping\", \"from\": \"host2/vm2\", \"to\": \"host1/vm1\","
    "    \"proto\": \"icmp\", \"rate\": \"10kpps\", \"count\": 5 } ]";

/* Two hosts on one switch, each with an OVS bridge br0 holding its VM
 * and tunnel port 'port1' or 'port2'.  'dpdk': the user-space datapath,
 * with the NIC (and its address) a port of the bridge and the VM on
 * vhost-user; else the kernel datapath with vhost-net.  'extra_ports' is
 * added to host1's bridge ports, 'nic_ip' replaces the NICs' "ip" key
 * (with its comma). */
struct two_hosts {
    bool dpdk;
    const char *port1, *port2;
    const char *extra_ports;
    const char *nic_ip;
    const char *traffic;
    const char *capture;
};

static char *
two_hosts_json(const struct two_hosts *c)
{
    char host[2][2048], ip[64];
    for (int i = 0; i < 2; i++) {
        snprintf(ip, sizeof ip, "\"ip\": \"192.168.0.%d/24\",", i + 1);
        snprintf(host[i], sizeof host[i],
                 "{ \"name\": \"host%d\", \"cpu\": { \"cores\": 4 },"
                 "  \"nics\": [ { \"name\": \"eth0\", %s"
                 "    \"link\": \"tor1/p%d\" } ],"
                 "  \"bridges\": [ { \"name\": \"br0\", \"type\": \"ovs\","
                 "    \"datapath\": \"%s\", \"ports\": [ %s%s %s ] } ],"
                 "  \"vms\": [ { \"name\": \"vm%d\", \"nics\": [ {"
                 "    \"name\": \"eth0\", \"mac\": \"52:54:00:00:00:0%d\","
                 "    \"ip\": \"10.0.0.%d/24\", \"model\": \"virtio\","
                 "    \"backend\": \"%s\", \"attach\": { \"type\":"
                 "    \"ovs\", \"to\": \"br0\" } } ] } ] }",
                 i + 1, c->nic_ip && !i ? c->nic_ip : ip, i + 1,
                 c->dpdk ? "dpdk" : "kernel", c->dpdk ? "\"eth0\", " : "",
                 i ? c->port2 : c->port1,
                 !i && c->extra_ports ? c->extra_ports : "", i + 1, i + 1,
                 i + 1, c->dpdk ? "vhost-user" : "vhost-net");
    }
    size_t n = strlen(host[0]) + strlen(host[1]) + 4096;
    char *json = malloc(n);
    snprintf(json, n,
             "{ \"name\": \"t\", \"seed\": 1, \"duration\": \"3ms\","
             "  \"hosts\": [ %s, %s ],"
             "  \"switches\": [ { \"name\": \"tor1\", \"mode\": \"802.1q\","
             "                    \"ports\": 4 } ],"
             "  \"traffic\": %s %s }", host[0], host[1],
             c->traffic ? c->traffic : default_traffic,
             c->capture ? c->capture : "");
    return json;
}

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
    ck_abort_msg("no '%s' in the report", name);
    return NULL;
}

static const cJSON *
flow(const cJSON *rep, const char *name)
{
    return named(cJSON_GetObjectItemCaseSensitive(rep, "flows"), name);
}

static const cJSON *
host_section(const cJSON *rep, const char *host, const char *section,
             const char *name)
{
    const cJSON *h = named(cJSON_GetObjectItemCaseSensitive(rep, "hosts"),
                           host);
    return named(cJSON_GetObjectItemCaseSensitive(h, section), name);
}

static double
count(const cJSON *t, const char *dir, const char *what)
{
    return vh_test_num(cJSON_GetObjectItemCaseSensitive(t, dir), what);
}

/* Host work: every cycle but the guests' own, less the polls of a PMD
 * core that found nothing. */
static uint64_t
host_work(const struct host *h)
{
    uint64_t n = wt_host_cycles(h) - wt_cat_cycles(h, CPU_GUEST);
    for (int c = 0; c < h->n_cores; c++) {
        if (ovs_dpdk_core_polls(h, c)) {
            n -= h->polls[c].idle_cycles;
        }
    }
    return n;
}

struct outcome {
    cJSON *rep;
    uint64_t work[2];           /* host_work of host1 and host2. */
    uint64_t pmd_irq_softirq;   /* On PMD cores, both hosts. */
    uint64_t interrupts[2];
};

static struct outcome
run(const struct two_hosts *c)
{
    char *json = two_hosts_json(c);
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    struct outcome o = { 0 };
    wt_assert_held(r.w);
    for (int i = 0; i < 2; i++) {
        struct host *h = wt_host(r.w, i ? "host2" : "host1");
        o.work[i] = host_work(h);
        o.interrupts[i] = h->interrupts;
        for (int k = 0; k < h->n_cores; k++) {
            if (ovs_dpdk_core_polls(h, k)) {
                o.pmd_irq_softirq += h->cores[k].cycles[CPU_IRQ]
                                     + h->cores[k].cycles[CPU_SOFTIRQ];
            }
        }
    }
    o.rep = report_json(r.w, 0);
    wt_run_free(&r);
    free(json);
    return o;
}

/* Every tunnel type: UDP one way and ping the other cross, each frame
 * encapsulated by one host's PMD and popped by the other's, once; every
 * popped frame recirculated once; no PMD core takes an interrupt or runs
 * a softirq, and no host takes an interrupt at all. */
START_TEST(test_dpdk_tnl_vm_to_vm)
{
    static const struct { const char *type; const char *p1, *p2; } t[] = {
        { "vxlan", TUNNEL("vxlan", "192.168.0.2", 5001),
          TUNNEL("vxlan", "192.168.0.1", 5001) },
        { "nvgre", TUNNEL("nvgre", "192.168.0.2", 5001),
          TUNNEL("nvgre", "192.168.0.1", 5001) },
        { "gre", TUNNEL("gre", "192.168.0.2", 7),
          TUNNEL("gre", "192.168.0.1", 7) },
        { "geneve", TUNNEL("geneve", "192.168.0.2", 5001),
          TUNNEL("geneve", "192.168.0.1", 5001) },
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        struct two_hosts c = { .dpdk = true, .port1 = t[i].p1,
                               .port2 = t[i].p2 };
        struct outcome o = run(&c);
        const char *what = t[i].type;
        ck_assert_msg(vh_test_num(flow(o.rep, "f1"), "delivered") == 40
                      && vh_test_num(flow(o.rep, "ping"), "delivered") == 5,
                      "%s: not every packet crossed", what);
        const cJSON *t1 = host_section(o.rep, "host1", "tunnels", "tun0");
        const cJSON *t2 = host_section(o.rep, "host2", "tunnels", "tun0");
        double out1 = count(t1, "encapsulated", "frames");
        ck_assert_msg(out1 >= 45 && out1 <= 47, "%s: %g", what, out1);
        ck_assert(out1 == count(t2, "decapsulated", "frames"));
        ck_assert(count(t1, "encapsulated", "bytes")
                  == count(t2, "decapsulated", "bytes"));
        ck_assert(count(t2, "encapsulated", "frames")
                  == count(t1, "decapsulated", "frames"));
        ck_assert_int_eq(cJSON_GetArraySize(
            cJSON_GetObjectItemCaseSensitive(t1, "drops")), 0);
        for (int h = 0; h < 2; h++) {
            const char *host = h ? "host2" : "host1";
            const cJSON *br = host_section(o.rep, host, "bridges", "br0");
            const cJSON *tn = h ? t2 : t1;
            ck_assert_msg(vh_test_num(br, "recirculations")
                          == count(tn, "decapsulated", "frames"),
                          "%s, %s: %g recirculations for %g frames popped",
                          what, host, vh_test_num(br, "recirculations"),
                          count(tn, "decapsulated", "frames"));
            ck_assert_msg(o.interrupts[h] == 0, "%s, %s: %llu interrupts",
                          what, host,
                          (unsigned long long) o.interrupts[h]);
        }
        ck_assert_msg(o.pmd_irq_softirq == 0, "%s: %llu irq and softirq "
                      "cycles on PMD cores", what,
                      (unsigned long long) o.pmd_irq_softirq);
        cJSON_Delete(o.rep);
    }
}
END_TEST

/* The same scenario on the kernel datapath costs the hosts more cycles
 * per packet: softirqs, tunnel devices, the stack and vhost-net's kicks
 * against the PMD's push, pop and second lookup. */
START_TEST(test_dpdk_tnl_cheaper_than_kernel)
{
    struct two_hosts c = { .dpdk = true,
                           .port1 = TUNNEL("vxlan", "192.168.0.2", 5001),
                           .port2 = TUNNEL("vxlan", "192.168.0.1", 5001) };
    struct outcome d = run(&c);
    c.dpdk = false;
    struct outcome k = run(&c);
    double pkts = vh_test_num(flow(d.rep, "f1"), "delivered")
                  + 2 * vh_test_num(flow(d.rep, "ping"), "delivered");
    ck_assert(pkts == vh_test_num(flow(k.rep, "f1"), "delivered")
                      + 2 * vh_test_num(flow(k.rep, "ping"), "delivered"));
    for (int h = 0; h < 2; h++) {
        ck_assert_msg(d.work[h] / pkts < k.work[h] / pkts,
                      "host%d: %.0f cycles per packet on dpdk, %.0f on the "
                      "kernel datapath", h + 1, d.work[h] / pkts,
                      k.work[h] / pkts);
    }
    cJSON_Delete(d.rep);
    cJSON_Delete(k.rep);
}
END_TEST

static double
drops_of(const cJSON *o, const char *reason)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(o, "drops"), reason);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* More packets than an ARP queue holds (100): when the first ARP request
 * is lost the overflow is dropped, for the reason the request was. */
static const char overflow_traffic[] =
    "[ { \"name\": \"f1\", \"from\": \"host1/vm1\", \"to\": \"host2/vm2\","
    "    \"proto\": \"udp\", \"size\": 256, \"rate\": \"100kpps\","
    "    \"count\": 150 } ]";

/* The tunnel's drops, taken by the PMD: a key the far host has no
 * tunnel for is dropped there as the kernel's handler drops it (the
 * senders' ARP requests first, so their flows fail for that reason);
 * and the overlay scenario's full-size frames do not fit the NIC once
 * encapsulated, on this datapath as on the others. */
START_TEST(test_dpdk_tnl_drops)
{
    struct two_hosts c = { .dpdk = true,
                           .port1 = TUNNEL("vxlan", "192.168.0.2", 5001),
                           .port2 = TUNNEL("vxlan", "192.168.0.1", 5002),
                           .traffic = overflow_traffic };
    struct outcome o = run(&c);
    const cJSON *t2 = host_section(o.rep, "host2", "tunnels", "tun0");
    ck_assert(vh_test_num(flow(o.rep, "f1"), "delivered") == 0);
    ck_assert_msg(drops_of(flow(o.rep, "f1"), "tunnel-unknown-key") > 0,
                  "f1 fails for another reason");
    ck_assert(drops_of(t2, "tunnel-unknown-key") >= 1);
    ck_assert(count(t2, "decapsulated", "frames") == 0);
    ck_assert(vh_test_num(host_section(o.rep, "host2", "bridges", "br0"),
                  "recirculations") == 0);
    cJSON_Delete(o.rep);

    char *json = vh_test_slurp(OVERLAY, NULL);
    ck_assert_ptr_nonnull(json);
    struct wt_run r = wt_run_json(json, "ovs-dpdk-vxlan", NULL, NULL);
    wt_assert_held(r.w);
    cJSON *rep = report_json(r.w, 0);
    wt_run_free(&r);
    free(json);
    ck_assert(vh_test_num(flow(rep, "big"), "dropped") == 20);
    ck_assert(drops_of(flow(rep, "big"), "tunnel-mtu-exceeded") == 20);
    ck_assert(drops_of(host_section(rep, "host1", "tunnels", "tun0"),
                       "tunnel-mtu-exceeded") == 20);
    ck_assert(vh_test_num(flow(rep, "f1"), "delivered") == 200);
    cJSON_Delete(rep);
}
END_TEST

/* The work charged in a run, by name. */
struct charges {
    uint64_t tnl[2];            /* 'pmd_tnl' on host1's and host2's PMD
                                 * cores, as their poll work. */
    uint64_t tnl_elsewhere;     /* 'pmd_tnl' anywhere else. */
    uint64_t kernel_tunnel;     /* The kernel tunnels' primitives. */
    uint64_t tx_pmd[2];         /* 'pmd_tx' by a PMD, by the main thread */
    uint64_t tx_tap[2];         /* (what the host's stack sent). */
};

static void
count_charges(void *ctx, const struct vh_hop *hop)
{
    struct charges *ch = ctx;
    if (!hop->on_cpu || !hop->what || !hop->dev) {
        return;
    }
    int h = !strncmp(hop->dev->path, "host2/", 6);
    if (!strcmp(hop->what, "pmd_tnl")) {
        if (hop->category == CPU_POLL && hop->core == 3) {
            ch->tnl[h]++;
        } else {
            ch->tnl_elsewhere++;
        }
    } else if (!strcmp(hop->what, "pmd_tx")) {
        if (hop->category == CPU_POLL) {
            ch->tx_pmd[h]++;
        } else {
            ch->tx_tap[h]++;
        }
    } else if (!strcmp(hop->what, "tunnel_xmit")
               || !strcmp(hop->what, "tunnel_rcv")
               || !strcmp(hop->what, "udp_tunnel")) {
        ch->kernel_tunnel++;
    }
}

static void
subscribe_charges(struct world *w, void *ctx)
{
    vh_trace_subscribe(&w->trace, VH_HOP_BIT(VH_HOP_SERVICE), count_charges,
                       ctx);
}

/* Each push and each pop is one 'pmd_tnl' on the PMD's core (core 3, the
 * default: the last core no vCPU is pinned to), and none of the kernel
 * tunnels' work is done anywhere. */
START_TEST(test_dpdk_tnl_costs)
{
    struct two_hosts c = { .dpdk = true,
                           .port1 = TUNNEL("vxlan", "192.168.0.2", 5001),
                           .port2 = TUNNEL("vxlan", "192.168.0.1", 5001) };
    char *json = two_hosts_json(&c);
    struct charges ch = { { 0, 0 }, 0, 0, { 0, 0 }, { 0, 0 } };
    struct wt_run r = wt_run_json(json, NULL, subscribe_charges, &ch);
    cJSON *rep = report_json(r.w, 0);
    wt_run_free(&r);
    for (int h = 0; h < 2; h++) {
        const cJSON *t = host_section(rep, h ? "host2" : "host1", "tunnels",
                                      "tun0");
        uint64_t n = (uint64_t) (count(t, "encapsulated", "frames")
                                 + count(t, "decapsulated", "frames"));
        ck_assert_msg(n > 40 && ch.tnl[h] == n, "host%d: %llu pmd_tnl for "
                      "%llu pushes and pops", h + 1,
                      (unsigned long long) ch.tnl[h],
                      (unsigned long long) n);
    }
    ck_assert_uint_eq(ch.tnl_elsewhere, 0);
    ck_assert_uint_eq(ch.kernel_tunnel, 0);
    cJSON_Delete(rep);
    free(json);
}
END_TEST

/* Hosts in two subnets, one router between them: the header template's
 * outer MAC is the gateway's (the neighbour cache holds the next hop,
 * not the remote), and the router forwards the outer packets. */
START_TEST(test_dpdk_tnl_routed)
{
    char host[2][1024];
    for (int i = 0; i < 2; i++) {
        snprintf(host[i], sizeof host[i],
                 "{ \"name\": \"host%d\", \"cpu\": { \"cores\": 4 },"
                 "  \"nics\": [ { \"name\": \"eth0\", \"ip\":"
                 "    \"192.168.%d.2/24\", \"gateway\": \"192.168.%d.1\","
                 "    \"link\": \"r1/p%d\" } ],"
                 "  \"bridges\": [ { \"name\": \"br0\", \"type\": \"ovs\","
                 "    \"datapath\": \"dpdk\", \"ports\": [ \"eth0\","
                 "    { \"name\": \"tun0\", \"type\": \"vxlan\","
                 "      \"remote_ip\": \"192.168.%d.2\", \"key\": 5001 } ] } ],"
                 "  \"vms\": [ { \"name\": \"vm%d\", \"nics\": [ {"
                 "    \"name\": \"eth0\", \"mac\": \"52:54:00:00:00:0%d\","
                 "    \"ip\": \"10.0.0.%d/24\", \"model\": \"virtio\","
                 "    \"backend\": \"vhost-user\", \"attach\": { \"type\":"
                 "    \"ovs\", \"to\": \"br0\" } } ] } ] }",
                 i + 1, i + 1, i + 1, i + 1, 2 - i, i + 1, i + 1, i + 1);
    }
    char json[4096];
    snprintf(json, sizeof json,
             "{ \"name\": \"t\", \"seed\": 1, \"duration\": \"3ms\","
             "  \"hosts\": [ %s, %s ],"
             "  \"switches\": [ { \"name\": \"r1\", \"mode\": \"router\","
             "    \"ports\": 2, \"interfaces\": ["
             "      { \"port\": \"p1\", \"ip\": \"192.168.1.1/24\" },"
             "      { \"port\": \"p2\", \"ip\": \"192.168.2.1/24\" } ] } ],"
             "  \"traffic\": %s }", host[0], host[1], default_traffic);
    struct charges ch = { { 0, 0 }, 0, 0, { 0, 0 }, { 0, 0 } };
    struct wt_run r = wt_run_json(json, NULL, subscribe_charges, &ch);
    wt_assert_held(r.w);
    cJSON *rep = report_json(r.w, 0);
    wt_run_free(&r);
    ck_assert(vh_test_num(flow(rep, "f1"), "delivered") == 40);
    /* Host1's PMD sent f1's frames itself: only the first waited for
     * ARP in the host's stack and left by the tap. */
    ck_assert_msg(ch.tx_pmd[0] >= 40 && ch.tx_tap[0] <= 3,
                  "host1: %llu frames sent by the PMD, %llu by the tap",
                  (unsigned long long) ch.tx_pmd[0],
                  (unsigned long long) ch.tx_tap[0]);
    ck_assert(vh_test_num(flow(rep, "ping"), "delivered") == 5);
    const cJSON *t2 = host_section(rep, "host2", "tunnels", "tun0");
    ck_assert(vh_test_num(host_section(rep, "host2", "bridges", "br0"),
                  "recirculations") == count(t2, "decapsulated", "frames"));
    cJSON_Delete(rep);
}
END_TEST

/* --- Captures. --- */

static char *
write_and_run(const char *json, const char *variant)
{
    char bin[PATH_MAX], top[PATH_MAX];
    ck_assert_msg(realpath(vh_test_bin(), bin) && realpath(".", top),
                  "vhsim binary '%s' not found", vh_test_bin());
    char *dir = vh_test_tmpdir();
    char *out = NULL;
    int st;
    if (json) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/s.json", dir);
        FILE *f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fputs(json, f);
        fclose(f);
        st = vh_test_sh(&out, "cd '%s' && '%s' run s.json --quiet", dir,
                        bin);
    } else {
        st = vh_test_sh(&out, "cd '%s' && '%s' run '%s/" OVERLAY "' "
                        "--variant %s --quiet", dir, bin, top, variant);
    }
    ck_assert_msg(st == 0, "vhsim run failed (%d): %s", st, out);
    free(out);
    return dir;
}

static char *
sh_out(const char *fmt, const char *dir, const char *pcap)
{
    char *out = NULL;
    int st = vh_test_sh(&out, fmt, dir, pcap);
    ck_assert_msg(st == 0, "tshark failed: %s", out);
    return out;
}

/* The overlay scenario's ovs-dpdk-vxlan variant: host1's NIC shows every
 * frame of vm1 in outer Ethernet, IPv4 (DF, as OVS sets it) and UDP to
 * 4789 with a zero checksum, VNI 5001, the VMs' addresses inside, and
 * tshark finds nothing wrong; the tunnel port's capture shows the inner
 * frames alone. */
START_TEST(test_dpdk_tnl_wire)
{
    vh_tshark_require();
    char *dir = write_and_run(NULL, "ovs-dpdk-vxlan");
    char pcap[PATH_MAX + 64];
    snprintf(pcap, sizeof pcap, "%s/traces/overlay-host1-eth0.pcap", dir);
    vh_tshark_assert_clean(pcap);
    snprintf(pcap, sizeof pcap, "%s/traces/overlay-host1-tun0.pcap", dir);
    vh_tshark_assert_clean(pcap);
    /* The outer headers of what vm1 sends: its ARP request, 280 UDP
     * frames (the 20 'big' ones do not fit) and 10 pings. */
    char *got = sh_out("tshark -r '%s/traces/%s' " VH_TSHARK_PREFS
                       " -Y 'vxlan && ip.src == 192.168.1.10' -T fields "
                       "-E occurrence=f -e vxlan.vni -e udp.dstport "
                       "-e udp.checksum -e ip.flags.df -e ip.ttl -e ip.dst "
                       "2>/dev/null | LC_ALL=C sort | uniq -c",
                       dir, "overlay-host1-eth0.pcap");
    ck_assert_msg(!strcmp(got, "    291 5001\t4789\t0x0000\t1\t64\t"
                          "192.168.2.10\n"), "got:\n%s", got);
    free(got);
    /* The inner frames: the VMs' addresses. */
    got = sh_out("tshark -r '%s/traces/%s' -Y 'vxlan && ip.src == "
                 "192.168.1.10 && !arp' -T fields -E occurrence=l -e ip.src "
                 "-e ip.dst -e ip.proto 2>/dev/null | LC_ALL=C sort | "
                 "uniq -c", dir, "overlay-host1-eth0.pcap");
    ck_assert_msg(!strcmp(got, "     10 10.0.0.1\t10.0.0.2\t1\n"
                          "    280 10.0.0.1\t10.0.0.2\t17\n"),
                  "got:\n%s", got);
    free(got);
    got = sh_out("tshark -r '%s/traces/%s' -T fields -e frame.protocols "
                 "2>/dev/null | LC_ALL=C sort | uniq -c", dir,
                 "overlay-host1-tun0.pcap");
    ck_assert_msg(!strcmp(got, "      2 eth:ethertype:arp\n"
                          "     20 eth:ethertype:ip:icmp:data\n"
                          "    280 eth:ethertype:ip:udp:data\n"),
                  "got:\n%s", got);
    free(got);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* One UDP flow through the kernel datapath's tunnel port and through the
 * PMD's tnl_push: host1's NIC sends the same bytes, frame for frame
 * (outer MACs, IP ID, source port from the inner flow's hash, VNI), once
 * the first frames are past (the kernel datapath's upcalls let the third
 * and fourth of them overtake the first two). */
START_TEST(test_dpdk_tnl_same_bytes_as_kernel)
{
    vh_tshark_require();
    static const char one_flow[] =
        "[ { \"name\": \"f1\", \"from\": \"host1/vm1\", \"to\":"
        "    \"host2/vm2\", \"proto\": \"udp\", \"size\": 300,"
        "    \"rate\": \"20kpps\", \"count\": 20 } ]";
    static const char capture[] =
        ", \"capture\": [ { \"point\": \"host1/eth0\", \"file\":"
        "  \"traces/eth0.pcap\" } ]";
    char *hex[2];
    for (int i = 0; i < 2; i++) {
        struct two_hosts c = { .dpdk = i == 1,
                               .port1 = TUNNEL("vxlan", "192.168.0.2", 5001),
                               .port2 = TUNNEL("vxlan", "192.168.0.1", 5001),
                               .traffic = one_flow, .capture = capture };
        char *json = two_hosts_json(&c);
        char *dir = write_and_run(json, NULL);
        hex[i] = sh_out("tshark -r '%s/traces/%s' -Y 'ip.src == "
                        "192.168.0.1' -x 2>/dev/null | awk 'BEGIN { RS = "
                        "\"\"; ORS = \"\\n\\n\" } NR > 5'", dir,
                        "eth0.pcap");
        vh_test_sh(NULL, "rm -rf '%s'", dir);
        free(dir);
        free(json);
    }
    /* vm1's ARP and its 20 frames, less 5. */
    ck_assert_msg(strlen(hex[0]) > 16 * 1000, "too little:\n%.2000s",
                  hex[0]);
    size_t at = 0;
    while (hex[0][at] && hex[0][at] == hex[1][at]) {
        at++;
    }
    ck_assert_msg(!hex[0][at] && !hex[1][at], "the captures differ at:\n"
                  "kernel: %.300s\ndpdk:   %.300s", hex[0] + at, hex[1] + at);
    free(hex[0]);
    free(hex[1]);
}
END_TEST

/* Same seed, same report, byte for byte. */
START_TEST(test_dpdk_tnl_determinism)
{
    struct two_hosts c = { .dpdk = true,
                           .port1 = TUNNEL("geneve", "192.168.0.2", 5001),
                           .port2 = TUNNEL("geneve", "192.168.0.1", 5001) };
    struct outcome a = run(&c), b = run(&c);
    char *sa = cJSON_Print(a.rep), *sb = cJSON_Print(b.rep);
    ck_assert_str_eq(sa, sb);
    free(sa);
    free(sb);
    cJSON_Delete(a.rep);
    cJSON_Delete(b.rep);
}
END_TEST

static void
expect_refusal(const char *json, const char *want)
{
    char *msg = wt_refusal(json, NULL);
    ck_assert_msg(strstr(msg, want) != NULL, "refused with '%s', not '%s'",
                  msg, want);
    free(msg);
}

/* A tunnel port needs a NIC of its bridge with an address; a key is one
 * tunnel's on that address; the other port types stay refused. */
START_TEST(test_dpdk_tnl_refusals)
{
    struct two_hosts c = { .dpdk = true,
                           .port1 = TUNNEL("vxlan", "192.168.0.2", 5001),
                           .port2 = TUNNEL("vxlan", "192.168.0.1", 5001),
                           .nic_ip = "" };
    char *json = two_hosts_json(&c);
    expect_refusal(json, "hosts[0].bridges[0].ports[1]: a tunnel port of "
                   "Open vSwitch's dpdk datapath sends from the address of a "
                   "DPDK NIC");
    free(json);
    c.nic_ip = NULL;
    c.port1 = TUNNEL("vxlan", "192.168.0.2", 5001);
    c.extra_ports = ", { \"name\": \"tun1\", \"type\": \"vxlan\", "
                    "\"remote_ip\": \"192.168.0.2\", \"key\": 5001 }";
    json = two_hosts_json(&c);
    expect_refusal(json, "hosts[0].bridges[0].ports[2]: host1/tun0 already "
                   "takes key 5001 on this address");
    free(json);
    c.extra_ports = NULL;
    c.port1 = "{ \"name\": \"p0\", \"type\": \"internal\" }";
    json = two_hosts_json(&c);
    expect_refusal(json, "hosts[0].bridges[0].ports[1].type: not supported "
                   "yet: ports of type 'internal' on Open vSwitch's dpdk "
                   "datapath");
    free(json);
}
END_TEST

static Suite *
dpdk_tnl_suite(void)
{
    Suite *s = suite_create("dpdk_tunnel");
    TCase *tc = tcase_create("runs");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_dpdk_tnl_vm_to_vm);
    tcase_add_test(tc, test_dpdk_tnl_cheaper_than_kernel);
    tcase_add_test(tc, test_dpdk_tnl_costs);
    tcase_add_test(tc, test_dpdk_tnl_drops);
    tcase_add_test(tc, test_dpdk_tnl_routed);
    tcase_add_test(tc, test_dpdk_tnl_determinism);
    tcase_add_test(tc, test_dpdk_tnl_refusals);
    suite_add_tcase(s, tc);
    tc = tcase_create("captures");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_dpdk_tnl_wire);
    tcase_add_test(tc, test_dpdk_tnl_same_bytes_as_kernel);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(dpdk_tnl_suite)
