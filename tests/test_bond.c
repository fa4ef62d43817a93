/* tests/test_bond.c: Linux bonding on a Linux bridge.
 *
 * A bond of two NICs (eth1, eth2) on br0, cabled to one switch; two VMs
 * send to a remote host and eth1's cable is cut at 52 ms.  The tests
 * check what the bonding driver must do: the layer2 hash keeps a flow on
 * one member and spreads flows over both; miimon's period decides how
 * long the bond sends into the dead link, and every frame lost is
 * counted; 802.3ad's LACPDUs, as tshark reads them, bring the switch's
 * ports into one aggregation; keys of the wrong kind of bond are refused
 * at their paths. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/world.h"
#include "models/hostnet/bond.h"
#include "models/hostnet/bond_alb.h"
#include "models/hw/pnic.h"
#include "sim/capture.h"
#include "sim/frame.h"
#include "sim/stats.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* %s: the bridge's type; %s: the bond's extra keys; %s, twice: how the
 * VMs attach to it; %s: the switch's extra keys (a bond in balance-xor
 * needs its ports in a static aggregation).  10 kpps from each
 * VM, from 1 ms (after LACP has settled) for 150 ms. */
static const char bond_fmt[] =
    "{ \"duration\": \"200ms\","
    "  \"hosts\": [ { \"name\": \"h\", \"cpu\": { \"cores\": 4 },"
    "    \"nics\": [ { \"name\": \"eth1\", \"link\": \"tor1/p1\","
    "                  \"ip\": \"10.0.0.10/24\" },"
    "                { \"name\": \"eth2\", \"link\": \"tor1/p2\" } ],"
    "    \"bridges\": [ { \"name\": \"br0\", \"type\": \"%s\","
    "      \"ports\": [ { \"name\": \"bond0\", \"type\": \"bond\","
    "                     \"members\": [\"eth1\", \"eth2\"] %s } ] } ],"
    "    \"vms\": [ { \"name\": \"vm1\", \"nics\": [ { \"name\": \"eth0\","
    "        \"ip\": \"10.0.0.1/24\", \"mac\": \"52:54:00:00:00:01\","
    "        \"attach\": { \"type\": \"%s\", \"to\": \"br0\" } } ] },"
    "               { \"name\": \"vm2\", \"nics\": [ { \"name\": \"eth0\","
    "        \"ip\": \"10.0.0.2/24\", \"mac\": \"52:54:00:00:00:02\","
    "        \"attach\": { \"type\": \"%s\", \"to\": \"br0\" } } ] } ] },"
    "   { \"name\": \"remote\", \"nics\": [ { \"name\": \"eth0\","
    "       \"ip\": \"10.0.0.100/24\", \"link\": \"tor1/p3\" } ] } ],"
    "  \"switches\": [ { \"name\": \"tor1\", \"mode\": \"802.1q\","
    "                   \"ports\": 4 %s } ],"
    "  \"traffic\": ["
    "    { \"name\": \"a\", \"from\": \"h/vm1\", \"to\": \"remote\","
    "      \"size\": 512, \"rate\": \"10kpps\", \"duration\": \"150ms\","
    "      \"start\": \"1ms\" },"
    "    { \"name\": \"b\", \"from\": \"h/vm2\", \"to\": \"remote\","
    "      \"size\": 512, \"rate\": \"10kpps\", \"duration\": \"150ms\","
    "      \"start\": \"1ms\" } ],"
    "  \"events\": [ { \"at\": \"52ms\", \"action\": \"link-down\","
    "                 \"target\": \"h/eth1\" } ] }";

static const char static_lag[] = ", \"static_lag\": [\"p1\", \"p2\"]";

static char *
scenario_sw(const char *bridge, const char *extra, const char *sw)
{
    const char *attach = strcmp(bridge, "ovs") ? "bridge" : "ovs";
    size_t n = sizeof bond_fmt + strlen(bridge) + strlen(extra)
               + strlen(sw) + 16;
    char *json = malloc(n);
    snprintf(json, n, bond_fmt, bridge, extra, attach, attach, sw);
    return json;
}

/* The switch aggregates p1 and p2 statically for balance-xor. */
static char *
scenario(const char *bridge, const char *extra)
{
    return scenario_sw(bridge, extra,
                       strstr(extra, "balance-xor") ? static_lag : "");
}

static struct wt_run
run_bond(const char *extra, void (*subscribe)(struct world *, void *),
         void *ctx)
{
    char *json = scenario("linux-bridge", extra);
    struct wt_run r = wt_run_json(json, NULL, subscribe, ctx);
    free(json);
    return r;
}

static struct bond *
bond_of(struct world *w)
{
    return VH_CONTAINER_OF(wt_dev(w, "h/bond0"), struct bond, dev);
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

/* A frame from 'src' to 'dst' of EtherType 'type', as the hash reads it. */
static void
frame(uint8_t *f, uint8_t src, uint8_t dst, uint16_t type)
{
    memset(f, 0, 64);
    memcpy(f, (uint8_t[6]) { 0x02, 0, 0, 0, 0, dst }, 6);
    memcpy(f + 6, (uint8_t[6]) { 0x02, 0, 0, 0, 0, src }, 6);
    f[12] = (uint8_t) (type >> 8);
    f[13] = (uint8_t) type;
}

/* balance-xor: the member is a function of the frame's addresses, the
 * same for every frame of a flow; sixteen senders to one receiver use
 * both members, half each, and so do the two VMs, whose MACs differ in
 * their last bit; after the cut every flow takes the survivor. */
START_TEST(test_xor_hash_keeps_flows_and_spreads_them)
{
    struct wt_run r = run_bond(", \"bond_mode\": \"balance-xor\"", NULL,
                               NULL);
    struct bond *b = bond_of(r.w);
    uint8_t f[64];
    int on[2] = { 0, 0 };
    /* After the run eth1 is down: only eth2 is usable. */
    for (uint8_t s = 0; s < 16; s++) {
        frame(f, s, 0x64, 0x0800);
        ck_assert_int_eq(bond_choose(b, f, 64), 1);
    }
    /* With both members up, the hash decides; the choice does not move
     * between frames of one flow. */
    b->members[0].up = true;
    for (uint8_t s = 0; s < 16; s++) {
        frame(f, s, 0x64, 0x0800);
        int k = bond_choose(b, f, 64);
        ck_assert_int_ge(k, 0);
        ck_assert_int_eq(bond_choose(b, f, 64), k);
        ck_assert_int_eq(k, (int) (bond_l2_hash(f, 64) % 2));
        on[k]++;
    }
    ck_assert_int_eq(on[0], 8);
    ck_assert_int_eq(on[1], 8);

    /* In the run both links carried the VMs' frames before the cut, and
     * eth2 carried all of them after it. */
    ck_assert_uint_gt(b->members[0].tx, 400);
    ck_assert_uint_gt(b->members[1].tx, 400);
    ck_assert_uint_eq(b->failovers, 1);
    wt_assert_conserved(r.w, false);
    wt_run_free(&r);
}
END_TEST

/* balance-xor against a switch that does not aggregate its ports: a
 * VM's broadcast ARP leaves by one member and the switch floods it back
 * by the other; the bond takes it (every member is in use) and the bridge
 * learns the VM behind the bond, so the remote's answer never reaches the
 * VM and its packets wait for it in vain.  This is why the mode needs
 * the switch's static aggregation. */
START_TEST(test_xor_without_switch_aggregation_loses_the_vms)
{
    char *json = scenario_sw("linux-bridge",
                             ", \"bond_mode\": \"balance-xor\"", "");
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    free(json);
    ck_assert_uint_eq(r.w->flows[0].delivered, 0);
    ck_assert_uint_eq(r.w->flows[1].delivered, 0);
    ck_assert_uint_gt(vh_drops_get(wt_dev(r.w, "h/br0")->drop_reasons,
                                   "bridge-same-port"), 0);
    wt_assert_conserved(r.w, false);
    wt_run_free(&r);
}
END_TEST

/* active-backup: the cut at 52 ms is noticed at the next miimon poll;
 * every frame sent into eth1 meanwhile is lost as link-down (two flows at
 * 10 kpps), and none after.  A shorter miimon loses less. */
START_TEST(test_active_backup_loses_until_miimon_notices)
{
    struct wt_run r = run_bond("", NULL, NULL);
    struct bond *b = bond_of(r.w);
    ck_assert_uint_eq(b->failovers, 1);
    ck_assert_int_eq(b->active, 1);
    ck_assert(!b->members[0].up);
    /* 100 ms poll: 48 ms x 20 kpps = 960 frames lost. */
    uint64_t lost = lost_to(r.w, "link-down");
    ck_assert_msg(lost >= 956 && lost <= 964, "lost %llu",
                  (unsigned long long) lost);
    ck_assert_uint_eq(lost, r.w->flows[0].drops.total
                      + r.w->flows[1].drops.total);
    /* The switch floods the remote's ARP to both members; the backup
     * drops its copy. */
    ck_assert_uint_gt(vh_drops_get(b->dev.drop_reasons,
                                   "bond-backup-member"),
                      0);
    /* The host's address announced itself from eth2 after the failover. */
    ck_assert_uint_eq(b->garp_tx, 1);
    wt_assert_conserved(r.w, false);
    wt_run_free(&r);

    r = run_bond(", \"miimon\": \"10ms\"", NULL, NULL);
    lost = lost_to(r.w, "link-down");       /* 8 ms x 20 kpps = 160. */
    ck_assert_msg(lost >= 156 && lost <= 164, "lost %llu",
                  (unsigned long long) lost);
    ck_assert_uint_eq(bond_of(r.w)->failovers, 1);
    wt_run_free(&r);

    /* downdelay keeps the dead member in use for 30 ms more: the poll at
     * 60 ms starts it, the one at 90 ms ends it. */
    r = run_bond(", \"miimon\": \"10ms\", \"bond_downdelay\": \"30ms\"",
                 NULL, NULL);
    lost = lost_to(r.w, "link-down");       /* 38 ms x 20 kpps = 760. */
    ck_assert_msg(lost >= 756 && lost <= 764, "lost %llu",
                  (unsigned long long) lost);
    wt_run_free(&r);
}
END_TEST

/* 802.3ad: the bond and the switch exchange LACPDUs on each member (the
 * bond's first says it has no partner yet, the switch's answer is in
 * sync, and the bond's reply names it), both members enter the
 * aggregation and carry flows; tshark decodes each PDU cleanly. */
START_TEST(test_8023ad_forms_aggregation_by_lacp)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/eth2.pcap", dir);
    struct wt_caps cc = { { "h/eth2" }, { path }, NULL };
    struct wt_run r = run_bond(", \"bond_mode\": \"802.3ad\"", wt_caps_open,
                               &cc);
    wt_caps_commit(&cc);
    struct bond *b = bond_of(r.w);
    ck_assert_uint_eq(b->lacp_tx, 4);   /* Two per member. */
    ck_assert_uint_eq(b->lacp_rx, 2);   /* The switch's answer on each. */
    ck_assert(b->members[1].in_sync);
    ck_assert(!b->members[0].in_sync);  /* Out with its cable. */
    ck_assert_uint_gt(b->members[0].tx, 400);
    ck_assert_uint_gt(b->members[1].tx, 400);
    /* The switch stops using eth1's port with its link: nothing to the
     * VMs is lost on it, only what the bond sent before miimon. */
    ck_assert_uint_eq(lost_to(r.w, "bond-no-member"), 0);

    vh_tshark_assert_clean(path);
    static const char f[] = "-e frame.protocols -e lacp.actor.sysid "
                            "-e lacp.actor.port -e lacp.actor.state "
                            "-e lacp.partner.state";
    char mac[32];
    const uint8_t *m = b->sys_id.b;
    snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
             m[2], m[3], m[4], m[5]);
    char want[256];
    /* Active, aggregatable, defaulted; no partner yet. */
    snprintf(want, sizeof want, "eth:ethertype:slow:lacp\t%s\t2\t0x45\t"
             "0x00\n", mac);
    vh_tshark_expect(path, 1, f, want);
    /* The switch: in sync, collecting, distributing. */
    vh_tshark_expect(path, 2, "-e lacp.actor.state -e lacp.partner.port",
                     "0x3d\t2\n");
    /* The bond's answer: in the aggregation now, partner in sync. */
    snprintf(want, sizeof want, "eth:ethertype:slow:lacp\t%s\t2\t0x3d\t"
             "0x3d\n", mac);
    vh_tshark_expect(path, 3, f, want);
    wt_run_free(&r);
    free(dir);
}
END_TEST

/* --- balance-alb. --- */

/* The host's own address (10.0.0.10, on eth1) above a balance-alb bond;
 * two peers, r1 and r2, beside a VM.  %s: the run's length; %s: the
 * traffic; %s: the events. */
static const char alb_fmt[] =
    "{ \"duration\": \"%s\","
    "  \"hosts\": [ { \"name\": \"h\", \"cpu\": { \"cores\": 4 },"
    "    \"nics\": [ { \"name\": \"eth1\", \"link\": \"tor1/p1\","
    "                  \"ip\": \"10.0.0.10/24\" },"
    "                { \"name\": \"eth2\", \"link\": \"tor1/p2\" } ],"
    "    \"bridges\": [ { \"name\": \"br0\", \"type\": \"linux-bridge\","
    "      \"ports\": [ { \"name\": \"bond0\", \"type\": \"bond\","
    "                     \"members\": [\"eth1\", \"eth2\"],"
    "                     \"bond_mode\": \"balance-alb\" } ] } ],"
    "    \"vms\": [ { \"name\": \"vm1\", \"nics\": [ { \"name\": \"eth0\","
    "        \"ip\": \"10.0.0.1/24\", \"mac\": \"52:54:00:00:00:01\","
    "        \"attach\": { \"type\": \"bridge\", \"to\": \"br0\" } } ] } ] },"
    "   { \"name\": \"r1\", \"nics\": [ { \"name\": \"eth0\","
    "       \"ip\": \"10.0.0.100/24\", \"link\": \"tor1/p3\" } ] },"
    "   { \"name\": \"r2\", \"nics\": [ { \"name\": \"eth0\","
    "       \"ip\": \"10.0.0.101/24\", \"link\": \"tor1/p4\" } ] } ],"
    "  \"switches\": [ { \"name\": \"tor1\", \"mode\": \"802.1q\","
    "                   \"ports\": 4 } ],"
    "  \"traffic\": [ %s ], \"events\": [ %s ] }";

/* r1 and r2 each send to the host's address from 1 ms. */
static const char alb_rx_traffic[] =
    "{ \"name\": \"a\", \"from\": \"r1\", \"to\": \"h\", \"size\": 512,"
    "  \"rate\": \"10kpps\", \"duration\": \"150ms\", \"start\": \"1ms\" },"
    "{ \"name\": \"b\", \"from\": \"r2\", \"to\": \"h\", \"size\": 512,"
    "  \"rate\": \"10kpps\", \"duration\": \"150ms\", \"start\": \"2ms\" }";

static char *
alb_scenario(const char *duration, const char *traffic, const char *events)
{
    size_t n = sizeof alb_fmt + strlen(duration) + strlen(traffic)
               + strlen(events);
    char *json = malloc(n);
    snprintf(json, n, alb_fmt, duration, traffic, events);
    return json;
}

static void
mac_str(const struct vh_mac *m, char *buf)
{
    snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m->b[0], m->b[1],
             m->b[2], m->b[3], m->b[4], m->b[5]);
}

/* Receive load balancing: the host answers r1's ARP request by eth1 and
 * r2's by eth2, each reply naming the MAC of the member it leaves by
 * (tshark reads them), so each peer's frames come in by its own member;
 * the broadcast requests reach both members and only the active one
 * takes them. */
START_TEST(test_alb_spreads_peers_by_arp)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    char p1[512], p2[512];
    snprintf(p1, sizeof p1, "%s/eth1.pcap", dir);
    snprintf(p2, sizeof p2, "%s/eth2.pcap", dir);
    struct wt_caps cc = { { "h/eth1", "h/eth2" }, { p1, p2 }, NULL };
    char *json = alb_scenario("200ms", alb_rx_traffic, "");
    struct wt_run r = wt_run_json(json, NULL, wt_caps_open, &cc);
    free(json);
    wt_caps_commit(&cc);
    struct bond *b = bond_of(r.w);
    ck_assert_uint_eq(b->alb->n_clients, 2);
    ck_assert_int_ne(b->alb->clients[0].member, b->alb->clients[1].member);
    /* Each peer's 1500 frames came in by its member. */
    ck_assert_uint_eq(r.w->flows[0].delivered, 1500);
    ck_assert_uint_eq(r.w->flows[1].delivered, 1500);
    ck_assert_uint_ge(b->members[0].rx, 1500);
    ck_assert_uint_ge(b->members[1].rx, 1500);
    ck_assert_uint_gt(vh_drops_get(b->dev.drop_reasons,
                                   "bond-inactive-member"), 0);

    vh_tshark_assert_clean(p1);
    vh_tshark_assert_clean(p2);
    char m1[18], m2[18], want[128];
    mac_str(&b->members[0].nic->cfg->mac, m1);
    mac_str(&b->members[1].nic->cfg->mac, m2);
    static const char arp_replies[] =
        "-Y \"arp.opcode == 2 && arp.src.proto_ipv4 == 10.0.0.10\" "
        "-T fields -e eth.src -e arp.src.hw_mac -e arp.dst.proto_ipv4";
    char *out = vh_tshark_out(p1, arp_replies);
    snprintf(want, sizeof want, "%s\t%s\t10.0.0.100\n", m1, m1);
    ck_assert_str_eq(out, want);
    free(out);
    out = vh_tshark_out(p2, arp_replies);
    snprintf(want, sizeof want, "%s\t%s\t10.0.0.101\n", m2, m2);
    ck_assert_str_eq(out, want);
    free(out);
    /* r2's frames to the host are addressed to eth2's MAC. */
    out = vh_tshark_out(p2, "-Y \"udp && ip.src == 10.0.0.101\" "
                        "-T fields -e eth.dst");
    snprintf(want, sizeof want, "%s\n", m2);
    ck_assert_msg(!strncmp(out, want, strlen(want)), "%.40s", out);
    free(out);
    wt_assert_conserved(r.w, false);
    wt_run_free(&r);
    free(dir);
}
END_TEST

/* Failover: eth1's cable is cut at 52 ms and miimon sees it at 100 ms.
 * Until then the switch sends r1's frames (for eth1's MAC, the bond's)
 * into the dead link, lost as link-down and counted; r2, on eth2, loses
 * nothing.  Then eth2 becomes active and takes the bond's MAC, says so
 * with a learning frame, and tells both peers by two ARP replies each
 * where the host's address is now; r1's frames come in by eth2. */
START_TEST(test_alb_failover_moves_mac_and_peers)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    char p1[512], p2[512];
    snprintf(p1, sizeof p1, "%s/eth1.pcap", dir);
    snprintf(p2, sizeof p2, "%s/eth2.pcap", dir);
    struct wt_caps cc = { { "h/eth1", "h/eth2" }, { p1, p2 }, NULL };
    char *json = alb_scenario("200ms", alb_rx_traffic,
                              "{ \"at\": \"52ms\", \"action\": \"link-down\","
                              "  \"target\": \"h/eth1\" }");
    struct wt_run r = wt_run_json(json, NULL, wt_caps_open, &cc);
    free(json);
    wt_caps_commit(&cc);
    struct bond *b = bond_of(r.w);
    ck_assert_int_eq(b->active, 1);
    ck_assert_uint_eq(b->failovers, 1);
    ck_assert(vh_mac_eq(&b->alb->mac[1], &b->sys_id));
    ck_assert(vh_mac_eq(&b->alb->mac[0], &b->members[1].nic->cfg->mac));
    ck_assert_uint_eq(b->alb->learning_tx, 2);
    ck_assert_uint_eq(b->alb->arp_updates, 4);

    /* 48 ms of r1's 10 kpps lost, counted; r2 untouched. */
    uint64_t lost = vh_drops_get(&r.w->flows[0].drops, "link-down");
    ck_assert_msg(lost >= 476 && lost <= 484, "lost %llu",
                  (unsigned long long) lost);
    ck_assert_uint_eq(r.w->flows[0].drops.total, lost);
    ck_assert_uint_eq(r.w->flows[0].delivered + lost, 1500);
    ck_assert_uint_eq(r.w->flows[1].delivered, 1500);
    wt_assert_conserved(r.w, false);

    /* Not vh_tshark_assert_clean(p2): Wireshark rightly warns of a
     * duplicate address when 10.0.0.10 moves from one MAC to another. */
    char bond_mac[18], want[256];
    mac_str(&b->sys_id, bond_mac);
    char *out = vh_tshark_out(p2, "-Y \"eth.type == 0x9000\" "
                              "-T fields -e eth.src -e eth.dst");
    snprintf(want, sizeof want, "%s\t%s\n", bond_mac, bond_mac);
    ck_assert_msg(!strncmp(out, want, strlen(want)), "%s", out);
    free(out);
    out = vh_tshark_out(p2, "-Y \"arp.opcode == 2 && frame.time_epoch "
                        "> 0.09\" -T fields -e arp.src.hw_mac "
                        "-e arp.dst.proto_ipv4");
    snprintf(want, sizeof want, "%s\t10.0.0.100\n%s\t10.0.0.100\n"
             "%s\t10.0.0.101\n%s\t10.0.0.101\n", bond_mac, bond_mac,
             bond_mac, bond_mac);
    ck_assert_str_eq(out, want);
    free(out);
    /* r1's frames come in by eth2 after the failover. */
    out = vh_tshark_out(p2, "-Y \"udp && ip.src == 10.0.0.100\" "
                        "-T fields -e frame.time_epoch");
    double first = atof(out);
    ck_assert_msg(first >= 0.1 && first < 0.101, "first at %.40s", out);
    free(out);
    wt_run_free(&r);
    free(dir);
}
END_TEST

/* Transmit load balancing: the VM sends to r1 and to r2.  No member has
 * a load until the first rebalance at 10 s, so both destinations go by
 * eth1; after it each carries its rate, and the second goes by eth2,
 * with eth2's MAC as its source. */
START_TEST(test_alb_spreads_destinations_after_rebalance)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    char p2[512];
    snprintf(p2, sizeof p2, "%s/eth2.pcap", dir);
    struct wt_caps cc = { { "h/eth2" }, { p2 }, NULL };
    char *json = alb_scenario(
        "12s",
        "{ \"name\": \"a\", \"from\": \"h/vm1\", \"to\": \"r1\","
        "  \"size\": 512, \"rate\": \"1kpps\", \"duration\": \"11s\" },"
        "{ \"name\": \"b\", \"from\": \"h/vm1\", \"to\": \"r2\","
        "  \"size\": 512, \"rate\": \"1kpps\", \"duration\": \"11s\" }", "");
    struct wt_run r = wt_run_json(json, NULL, wt_caps_open, &cc);
    free(json);
    wt_caps_commit(&cc);
    struct bond *b = bond_of(r.w);
    ck_assert_uint_eq(b->alb->rebalances, 1);
    ck_assert_uint_eq(r.w->flows[0].delivered, 11000);
    ck_assert_uint_eq(r.w->flows[1].delivered, 11000);
    /* 10 s of both on eth1, then one second each. */
    ck_assert_uint_ge(b->members[0].tx, 20000);
    ck_assert_uint_ge(b->members[1].tx, 990);
    ck_assert_uint_le(b->members[1].tx, 1010);

    char m2[18], want[64];
    mac_str(&b->members[1].nic->cfg->mac, m2);
    char *out = vh_tshark_out(p2, "-Y udp -T fields "
                              "-e frame.time_epoch -e eth.src");
    double first = atof(out);
    ck_assert_msg(first >= 10.0 && first < 10.01, "first at %.40s", out);
    snprintf(want, sizeof want, "\t%s\n", m2);
    char *eol = strchr(out, '\n');
    ck_assert_msg(eol && !strncmp(eol - strlen(m2) - 1, want, strlen(want)),
                  "%.60s lacks %s", out, m2);
    free(out);
    wt_assert_conserved(r.w, false);
    wt_run_free(&r);
    free(dir);
}
END_TEST

static void
assert_refused(const char *bridge, const char *extra, const char *path,
               const char *words)
{
    char *json = scenario(bridge, extra);
    char *msg = wt_refusal(json, NULL);
    ck_assert_msg(strstr(msg, path) && strstr(msg, words),
                  "refusal '%s' lacks '%s' or '%s'", msg, path, words);
    free(msg);
    free(json);
}

/* Each kind of bond refuses the other's modes and keys, at the key's
 * path. */
START_TEST(test_wrong_bond_keys_refused_at_their_paths)
{
    static const char port[] = "hosts[0].bridges[0].ports[0]";
    char p[128];
    snprintf(p, sizeof p, "%s.bond_mode", port);
    assert_refused("linux-bridge", ", \"bond_mode\": \"balance-tcp\"", p,
                   "Open vSwitch's");
    assert_refused("ovs", ", \"bond_mode\": \"802.3ad\"", p,
                   "Linux bonding's");
    assert_refused("ovs", ", \"bond_mode\": \"balance-alb\"", p,
                   "Linux bonding's");
    snprintf(p, sizeof p, "%s.lacp", port);
    assert_refused("linux-bridge", ", \"lacp\": \"active\"", p,
                   "802.3ad");
    snprintf(p, sizeof p, "%s.miimon", port);
    assert_refused("ovs", ", \"miimon\": \"10ms\"", p, "Linux bonding");
}
END_TEST

static Suite *
bond_suite(void)
{
    Suite *s = suite_create("bond");
    TCase *tc = tcase_create("bond");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_xor_hash_keeps_flows_and_spreads_them);
    tcase_add_test(tc, test_xor_without_switch_aggregation_loses_the_vms);
    tcase_add_test(tc, test_active_backup_loses_until_miimon_notices);
    tcase_add_test(tc, test_8023ad_forms_aggregation_by_lacp);
    tcase_add_test(tc, test_wrong_bond_keys_refused_at_their_paths);
    tcase_add_test(tc, test_alb_spreads_peers_by_arp);
    tcase_add_test(tc, test_alb_failover_moves_mac_and_peers);
    tcase_add_test(tc, test_alb_spreads_destinations_after_rebalance);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(bond_suite)
