/* tests/test_dvs.c: the distributed switch.
 *
 * The loader's refusals at their JSON paths; port groups' VLANs (an
 * access port reaches only its VLAN, a trunking port's VM sees tagged
 * frames, as tshark reads them); private VLANs through the switch
 * (RFC 5517's table); blocked port groups; the uplink each teaming policy
 * picks, and a failover with the frames lost before the switch noticed;
 * a port that keeps its id, policy and counters when its VM migrates;
 * the same run twice giving the same report. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/world.h"
#include "models/dvs/dvswitch.h"
#include "models/guest/vm.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

static struct dvs_local *
local_of(struct world *w, const char *path)
{
    return VH_CONTAINER_OF(wt_dev(w, path), struct dvs_local, dev);
}

static struct dvswitch *
switch_of(struct world *w, const char *name)
{
    return VH_CONTAINER_OF(wt_dev(w, name), struct dvswitch, dev);
}

/* One VM NIC of a host, in port group 'pg', address 10.0.0.N. */
#define VM(NAME, N, PG)                                                    \
    "{'name': '" NAME "', 'nics': [{'name': 'eth0', "                      \
    "'mac': '52:54:00:00:00:0" #N "', 'ip': '10.0.0." #N "/24', "         \
    "'attach': {'type': 'dvswitch', 'to': 'dvs1', 'portgroup': '" PG "'}}]}"

/* Two hosts, each with uplinks eth1 and eth2 to tor1; 'VMS1' on host1,
 * 'VMS2' on host2; the switch's 'TEAM' and 'GROUPS'; 'REST' after. */
#define TWO_HOSTS(VMS1, VMS2, TEAM, GROUPS, REST)                          \
    "{'name': 't', 'duration': '4ms', 'hosts': ["                          \
    " {'name': 'host1', 'cpu': {'cores': 4}, 'nics': ["                    \
    "   {'name': 'eth1', 'link': 'tor1/p1'},"                              \
    "   {'name': 'eth2', 'link': 'tor1/p2'}], 'vms': [" VMS1 "]},"         \
    " {'name': 'host2', 'cpu': {'cores': 4}, 'nics': ["                    \
    "   {'name': 'eth1', 'link': 'tor1/p3'},"                              \
    "   {'name': 'eth2', 'link': 'tor1/p4'}], 'vms': [" VMS2 "]}],"        \
    " 'switches': [{'name': 'tor1', 'ports': 4}],"                         \
    " 'dvswitches': [{'name': 'dvs1', 'hosts': ['host1', 'host2'],"        \
    "   'uplinks': ['eth1', 'eth2'], 'teaming': '" TEAM "',"               \
    "   'portgroups': [" GROUPS "]}]" REST "}"

#define GROUPS_VLAN                                                        \
    "{'name': 'web', 'vlan': 10}, {'name': 'db', 'vlan': 20},"             \
    "{'name': 'trunk', 'trunks': [10, 20]}, {'name': 'off', 'vlan': 10,"   \
    " 'blocked': true}"

/* --- Refusals. --- */

/* 'json' with 'from' replaced by 'to' once (both in single quotes);
 * frees 'json'. */
static char *
replace_once(char *json, const char *from, const char *to)
{
    char *f = vh_test_dq(from), *t = vh_test_dq(to);
    char *at = strstr(json, f);
    ck_assert_msg(at != NULL, "no '%s' in the scenario", f);
    size_t n = strlen(json) - strlen(f) + strlen(t) + 1;
    char *r = malloc(n);
    snprintf(r, n, "%.*s%s%s", (int) (at - json), json, t, at + strlen(f));
    free(json);
    free(f);
    free(t);
    return r;
}

/* The base scenario, with 'from' replaced by 'to' once. */
static char *
patched(const char *from, const char *to)
{
    char *json = vh_test_dq(TWO_HOSTS(VM("a", 1, "web"), VM("b", 2, "web"),
                                      "loadbalance_srcid", GROUPS_VLAN, ""));
    return replace_once(json, from, to);
}

static const struct {
    const char *from, *to, *want;
} patches[] = {
    { "'teaming'", "'vsm': 'host2', 'teaming'",
      "dvswitches[0].vsm: 'vsm' applies only to flavor n1kv" },
    { "'teaming'", "'flavor': 'n1kv', 'vsm': 'host2/b', 'teaming'",
      "dvswitches[0].vsm: host 'host1' has no management address" },
    { "'teaming'", "'lldp': 'both', 'teaming'",
      "dvswitches[0].lldp: expected" },
    { "'teaming'", "'netflow': {'collector': 'host2/b'}, 'teaming'",
      "dvswitches[0].netflow: host 'host1' has no management address" },
    { "'teaming'", "'netflow': {'collector': 'mon', 'engine_id': 3}, "
      "'teaming'", "dvswitches[0].netflow.engine_id: a NetFlow v5 field" },
    { "'teaming'", "'netflow': {'collector': 'mon', 'version': 9}, "
      "'teaming'", "dvswitches[0].netflow.version: 9: expected 5" },
    { "'teaming'", "'netflow': {'collector': 'host2/b', 'agent': 'eth1'}, "
      "'teaming'",
      "dvswitches[0].netflow.agent: a distributed switch's records leave "
      "from each host's management address" },
    { "{'name': 'web', 'vlan': 10}",
      "{'name': 'web', 'vlan': 10, 'shaping': {'average': '100Mbps', "
      "'peak': '50Mbps'}}",
      "dvswitches[0].portgroups[0].shaping.peak: peak 50000000 bit/s is "
      "below average" },
    { "{'name': 'web', 'vlan': 10}",
      "{'name': 'web', 'vlan': 10, 'trunks': [10]}",
      "dvswitches[0].portgroups[0].trunks: a port group is an access port" },
    { "'loadbalance_srcid'", "'roundrobin'",
      "dvswitches[0].teaming: unknown teaming policy 'roundrobin'" },
    { "['eth1', 'eth2']", "['eth1', 'eth9']",
      "dvswitches[0].uplinks[1]: host 'host1' has no NIC 'eth9'" },
    { "['host1', 'host2']", "['host1', 'host3']",
      "dvswitches[0].hosts[1]: no host 'host3'" },
    { "['host1', 'host2']", "['host1']",
      "hosts[1].vms[0].nics[0].attach.to: distributed switch 'dvs1' does "
      "not span host 'host2'" },
    { "'portgroup': 'web'}}]}]},", "'portgroup': 'www'}}]}]},",
      "hosts[0].vms[0].nics[0].attach.portgroup: distributed switch 'dvs1' "
      "has no port group 'www'" },
    { "'to': 'dvs1', 'portgroup': 'web'}}]}]},", "'to': 'dvs1'}}]}]},",
      "hosts[0].vms[0].nics[0].attach: missing required key 'portgroup'" },
    { "'ip': '10.0.0.1/24', ", "'ip': '10.0.0.1/24', 'vlan': 5, ",
      "hosts[0].vms[0].nics[0].vlan: a distributed switch's port takes its "
      "VLAN from its port group" },
    { "{'name': 'eth1', 'link': 'tor1/p1'}",
      "{'name': 'eth1', 'link': 'tor1/p1', 'ip': '10.9.0.1/24'}",
      "dvswitches[0].uplinks[0]: NIC 'eth1' of host 'host1' has an "
      "address" },
    { "'to': 'dvs1', 'portgroup': 'web'}}]}]},",
      "'to': 'dvs9', 'portgroup': 'web'}}]}]},",
      "hosts[0].vms[0].nics[0].attach.to: no distributed switch 'dvs9'" },
    { "{'name': 'db', 'vlan': 20}", "{'name': 'web'}",
      "dvswitches[0].portgroups[1].name: port group 'web' is already "
      "declared" },
};

START_TEST(test_refusals_at_their_paths)
{
    char *json = patched(patches[_i].from, patches[_i].to);
    char *msg = wt_refusal(json, NULL);
    ck_assert_msg(strstr(msg, patches[_i].want) == msg, "got '%s', want "
                  "'%s...'", msg, patches[_i].want);
    free(msg);
    free(json);
    /* And the command line says so with exit status 2. */
    if (_i == 0) {
        char *dir = vh_test_tmpdir();
        char path[512];
        snprintf(path, sizeof path, "%s/t.json", dir);
        json = patched(patches[0].from, patches[0].to);
        FILE *f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fputs(json, f);
        fclose(f);
        free(json);
        char *out = NULL;
        int rc = vh_test_sh(&out, "%s check %s 2>&1", vh_test_bin(), path);
        ck_assert_int_eq(rc, 2);
        ck_assert_ptr_nonnull(strstr(out, patches[0].want));
        free(out);
        free(dir);
    }
}
END_TEST

/* --- VLANs, trunks, blocking. --- */

/* On host1: a and b in web (VLAN 10), c in db (20), t a trunk of both,
 * x in the blocked group; on host2: d in web.  Pings: a-b, a-d (across
 * the uplinks), a-c, a-x, x-a. */
static const char vlan_json[] = TWO_HOSTS(
    VM("a", 1, "web") "," VM("b", 2, "web") "," VM("c", 3, "db") ","
    VM("t", 4, "trunk") "," VM("x", 5, "off"),
    VM("d", 6, "web"), "loadbalance_srcid", GROUPS_VLAN,
    ", 'traffic': ["
    " {'name': 'a-b', 'from': 'host1/a', 'to': 'host1/b', 'proto': 'icmp',"
    "  'rate': '10kpps', 'count': 5},"
    " {'name': 'a-d', 'from': 'host1/a', 'to': 'host2/d', 'proto': 'icmp',"
    "  'rate': '10kpps', 'count': 5},"
    " {'name': 'a-c', 'from': 'host1/a', 'to': 'host1/c', 'proto': 'icmp',"
    "  'rate': '10kpps', 'count': 5},"
    " {'name': 'a-x', 'from': 'host1/a', 'to': 'host1/x', 'proto': 'icmp',"
    "  'rate': '10kpps', 'count': 5},"
    " {'name': 'x-a', 'from': 'host1/x', 'to': 'host1/a', 'proto': 'icmp',"
    "  'rate': '10kpps', 'count': 5}],"
    " 'capture': [{'point': 'host1/t/eth0', 'file': 'trunk.pcap'},"
    "             {'point': 'host1/eth1', 'file': 'uplink.pcap'}]");

START_TEST(test_vlans_and_blocking)
{
    char *json = vh_test_dq(vlan_json);
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    struct world *w = r.w;
    /* Same VLAN: on one host, and across hosts by the uplinks. */
    ck_assert_uint_eq(w->flows[0].delivered, 5);
    ck_assert_uint_eq(w->flows[1].delivered, 5);
    /* Another VLAN: never. */
    ck_assert_uint_eq(w->flows[2].delivered, 0);
    /* A blocked port takes nothing and sends nothing. */
    ck_assert_uint_eq(w->flows[3].delivered, 0);
    ck_assert_uint_eq(w->flows[4].delivered, 0);
    struct dvswitch *sw = switch_of(w, "dvs1");
    ck_assert_uint_eq(sw->n_ports, 6);
    const struct dvs_port *x = sw->ports[4];
    ck_assert_str_eq(x->pg->name, "off");
    ck_assert_uint_gt(x->pp.drops[PP_BLOCKED], 0);
    /* What it sent came into the port and went no further. */
    ck_assert_uint_eq(x->tx, 0);
    ck_assert_uint_ge(x->pp.drops[PP_BLOCKED], x->rx);
    wt_assert_held(w);
    wt_run_free(&r);
    free(json);
}
END_TEST

START_TEST(test_trunk_vm_sees_tags)
{
    vh_tshark_require();
    char *json = vh_test_dq(vlan_json);
    char *dir = vh_test_run_scenario(json, "");
    char pcap[600];
    /* a's ARP requests reach the trunking VM tagged with web's VLAN. */
    snprintf(pcap, sizeof pcap, "%s/trunk.pcap", dir);
    char *out = vh_tshark_out(pcap, "-Y 'arp && vlan.id == 10' "
                              "-T fields -e arp.src.proto_ipv4");
    ck_assert_msg(strstr(out, "10.0.0.1") != NULL, "trunk saw: %s", out);
    free(out);
    /* Nothing reaches it untagged. */
    out = vh_tshark_out(pcap, "-Y '!vlan' -T fields -e frame.number");
    ck_assert_str_eq(out, "");
    free(out);
    /* On the uplink, a's pings to d are tagged 10. */
    snprintf(pcap, sizeof pcap, "%s/uplink.pcap", dir);
    vh_tshark_assert_clean(pcap);
    out = vh_tshark_out(pcap, "-Y 'icmp.type == 8 && ip.dst == 10.0.0.6' "
                        "-T fields -e vlan.id");
    ck_assert_msg(!strncmp(out, "10\n", 3), "uplink: %s", out);
    free(out);
    free(dir);
    free(json);
}
END_TEST

/* Promiscuous mode: m's port group accepts it, n's rejects it (vSphere's
 * default); both are in VLAN 10 with a and b, which ping each other.
 * m's VM is handed a copy of every unicast frame between them, n's only
 * what is flooded (the ARP requests). */
START_TEST(test_promiscuous_port_sees_unicast)
{
    char *json = vh_test_dq(TWO_HOSTS(
        VM("a", 1, "web") "," VM("b", 2, "web") "," VM("m", 3, "mon") ","
        VM("n", 4, "web"), "", "loadbalance_srcid",
        "{'name': 'web', 'vlan': 10}, {'name': 'mon', 'vlan': 10,"
        " 'security': {'promiscuous': true}}",
        ", 'traffic': [{'name': 'a-b', 'from': 'host1/a', 'to': 'host1/b',"
        " 'proto': 'icmp', 'rate': '10kpps', 'count': 5}]"));
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    struct world *w = r.w;
    ck_assert_uint_eq(w->flows[0].delivered, 5);
    struct dvswitch *sw = switch_of(w, "dvs1");
    const struct dvs_port *m = sw->ports[2], *n = sw->ports[3];
    /* n: a's ARP request, broadcast. m: that, b's ARP reply and the
     * five requests and five replies. */
    ck_assert_uint_eq(n->tx, 1);
    ck_assert_uint_eq(m->tx, 1 + 1 + 10);
    wt_run_free(&r);
    free(json);
}
END_TEST

/* --- Private VLANs. --- */

static const struct {
    const char *vm, *pg;
} pv_ports[] = {
    { "iso1", "iso" }, { "iso2", "iso" }, { "ca1", "com" }, { "ca2", "com" },
    { "pro", "pro" },
};
#define N_PV (sizeof pv_ports / sizeof pv_ports[0])

static bool
pv_reaches(size_t i, size_t j)
{
    const char *a = pv_ports[i].pg, *b = pv_ports[j].pg;
    return !strcmp(a, "pro") || !strcmp(b, "pro")
           || (!strcmp(a, "com") && !strcmp(b, "com"));
}

START_TEST(test_pvlan_table)
{
    char vms[4096] = "", traffic[8192] = "", buf[16384];
    size_t vl = 0, tl = 0;
    for (size_t i = 0; i < N_PV; i++) {
        vl += (size_t) snprintf(vms + vl, sizeof vms - vl,
            "%s{'name': '%s', 'nics': [{'name': 'eth0', 'ip': "
            "'10.0.0.%zu/24', 'attach': {'type': 'dvswitch', 'to': 'dvs1', "
            "'portgroup': '%s'}}]}", i ? "," : "", pv_ports[i].vm, i + 1,
            pv_ports[i].pg);
        for (size_t j = 0; j < N_PV; j++) {
            if (i != j) {
                tl += (size_t) snprintf(traffic + tl, sizeof traffic - tl,
                    "%s{'name': '%s-%s', 'from': 'h/%s', 'to': 'h/%s', "
                    "'proto': 'icmp', 'rate': '10kpps', 'count': 3}",
                    tl ? "," : "", pv_ports[i].vm, pv_ports[j].vm,
                    pv_ports[i].vm, pv_ports[j].vm);
            }
        }
    }
    snprintf(buf, sizeof buf,
             "{'name': 't', 'duration': '3ms', 'hosts': [{'name': 'h', "
             "'nics': [{'name': 'eth1'}], 'vms': [%s]}], "
             "'dvswitches': [{'name': 'dvs1', 'hosts': ['h'], "
             "'uplinks': ['eth1'], 'portgroups': ["
             "{'name': 'iso', 'pvlan': {'primary': 100, 'secondary': 101, "
             "'type': 'isolated'}},"
             "{'name': 'com', 'pvlan': {'primary': 100, 'secondary': 102, "
             "'type': 'community'}},"
             "{'name': 'pro', 'pvlan': {'primary': 100, "
             "'type': 'promiscuous'}}]}], 'traffic': [%s]}", vms, traffic);
    char *json = vh_test_dq(buf);
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    size_t f = 0;
    for (size_t i = 0; i < N_PV; i++) {
        for (size_t j = 0; j < N_PV; j++) {
            if (i == j) {
                continue;
            }
            const struct flow_stats *fs = &r.w->flows[f++];
            ck_assert_msg((fs->delivered > 0) == pv_reaches(i, j),
                          "%s -> %s: delivered %llu", pv_ports[i].vm,
                          pv_ports[j].vm,
                          (unsigned long long) fs->delivered);
        }
    }
    wt_assert_held(r.w);
    wt_run_free(&r);
    free(json);
}
END_TEST

/* --- Teaming. --- */

/* Four VMs on host1 (ports 0..3, MACs ..:01 to ..:04) send 10, 20, 40
 * and 80 frames to d on host2, so each split of them over the two
 * uplinks shows in the uplinks' counts; 'TEAM' picks their uplinks. */
#define TEAM_JSON(TEAM)                                                    \
    TWO_HOSTS(VM("a", 1, "web") "," VM("b", 2, "web") ","                  \
              VM("c", 3, "web") "," VM("e", 4, "web"),                     \
              VM("d", 6, "web"), TEAM, "{'name': 'web', 'vlan': 10}",      \
              ", 'traffic': [" FLOW("a", "10") "," FLOW("b", "20") ","     \
              FLOW("c", "40") "," FLOW("e", "80") "]")
#define FLOW(V, N)                                                         \
    "{'name': '" V "', 'from': 'host1/" V "', 'to': 'host2/d',"           \
    " 'proto': 'udp', 'size': 100, 'rate': '50kpps', 'start': '100us',"   \
    " 'count': " N "}"

/* Runs TEAM_JSON with 'team': host1's uplinks' frame counts. */
static void
run_team(const char *team, uint64_t tx[2])
{
    char json[8192];
    snprintf(json, sizeof json, TEAM_JSON("%s"), team);
    char *j = vh_test_dq(json);
    struct wt_run r = wt_run_json(j, NULL, NULL, NULL);
    static const uint64_t count[] = { 10, 20, 40, 80 };
    for (size_t f = 0; f < 4; f++) {
        ck_assert_uint_eq(r.w->flows[f].delivered, count[f]);
    }
    struct dvs_local *lp = local_of(r.w, "host1/dvs1");
    tx[0] = lp->uplinks[0].tx;
    tx[1] = lp->uplinks[1].tx;
    wt_run_free(&r);
    free(j);
}

START_TEST(test_teaming_policies)
{
    uint64_t tx[2];
    /* Originating port: ports 0 and 2 (a, c) by eth1, 1 and 3 (b, e) by
     * eth2, each VM's frames and its one ARP request. */
    run_team("loadbalance_srcid", tx);
    ck_assert_uint_eq(tx[0], 10 + 40 + 2);
    ck_assert_uint_eq(tx[1], 20 + 80 + 2);
    /* Source MAC: the last octets 1..4 mod 2, so the odd ones (a, c) by
     * eth2. */
    run_team("loadbalance_srcmac", tx);
    ck_assert_uint_eq(tx[0], 20 + 80 + 2);
    ck_assert_uint_eq(tx[1], 10 + 40 + 2);
    /* Explicit failover order: all by the first. */
    run_team("failover_explicit", tx);
    ck_assert_uint_eq(tx[0], 150 + 4);
    ck_assert_uint_eq(tx[1], 0);
    /* Physical NIC load: as originating port until a 30 s period ends. */
    run_team("loadbalance_loadbased", tx);
    ck_assert_uint_eq(tx[0], 10 + 40 + 2);
    ck_assert_uint_eq(tx[1], 20 + 80 + 2);
}
END_TEST

/* IP hash: one VM's flows to two peers leave by different uplinks, the
 * last octets xor'ed: 1 ^ 6 = 7 (eth2), 1 ^ 7 = 6 (eth1). */
START_TEST(test_teaming_ip_hash_splits_a_vm)
{
    char *json = vh_test_dq(TWO_HOSTS(
        VM("a", 1, "web"), VM("d", 6, "web") "," VM("f", 7, "web"),
        "loadbalance_ip", "{'name': 'web', 'vlan': 10}",
        ", 'traffic': [{'name': 'ad', 'from': 'host1/a', 'to': 'host2/d',"
        " 'proto': 'udp', 'rate': '50kpps', 'start': '100us', 'count': 10},"
        " {'name': 'af', 'from': 'host1/a', 'to': 'host2/f',"
        " 'proto': 'udp', 'rate': '50kpps', 'start': '100us',"
        " 'count': 30}]"));
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    ck_assert_uint_eq(r.w->flows[0].delivered, 10);
    ck_assert_uint_eq(r.w->flows[1].delivered, 30);
    struct dvs_local *lp = local_of(r.w, "host1/dvs1");
    /* Plus a's two ARP requests, which hash as they may. */
    ck_assert_uint_ge(lp->uplinks[0].tx, 30);
    ck_assert_uint_le(lp->uplinks[0].tx, 32);
    ck_assert_uint_ge(lp->uplinks[1].tx, 10);
    ck_assert_uint_le(lp->uplinks[1].tx, 12);
    ck_assert_uint_eq(lp->uplinks[0].tx + lp->uplinks[1].tx, 42);
    wt_run_free(&r);
    free(json);
}
END_TEST

/* a's port (0) leaves by eth1, which goes down at 200 ms; the switch
 * reads link status every 500 ms, so a's frames go into the dead link
 * until then, and are lost; after, they leave by eth2. */
START_TEST(test_failover_counts_lost)
{
    char *json = vh_test_dq(TWO_HOSTS(
        VM("a", 1, "web"), VM("d", 6, "web"), "loadbalance_srcid",
        "{'name': 'web', 'vlan': 10}",
        ", 'duration': '900ms', 'traffic': [{'name': 'a', "
        "'from': 'host1/a', 'to': 'host2/d', 'proto': 'udp', 'size': 100, "
        "'rate': '1kpps', 'start': '1ms', 'duration': '850ms'}],"
        " 'events': [{'at': '200ms', 'action': 'link-down', "
        "'target': 'host1/eth1'}]"));
    /* The duration given twice: keep the later. */
    char *first = strstr(json, "\"duration\": \"4ms\", ");
    ck_assert_ptr_nonnull(first);
    memmove(first, first + strlen("\"duration\": \"4ms\", "),
            strlen(first + strlen("\"duration\": \"4ms\", ")) + 1);
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    struct dvs_local *lp = local_of(r.w, "host1/dvs1");
    const struct dvs_uplink *u0 = &lp->uplinks[0], *u1 = &lp->uplinks[1];
    const struct flow_stats *fs = &r.w->flows[0];
    /* 200 ms to 500 ms at 1 kpps: about 300 frames into the dead link. */
    ck_assert_uint_ge(u0->lost, 295);
    ck_assert_uint_le(u0->lost, 305);
    ck_assert_uint_eq(u0->failovers, 1);
    ck_assert(!u0->usable);
    ck_assert_uint_eq(vh_drops_get(&fs->drops, "link-down"), u0->lost);
    /* Then eth2 carries the rest, delivered. */
    ck_assert_uint_ge(u1->tx, 345);
    ck_assert_uint_eq(fs->delivered + fs->drops.total, fs->sent);
    ck_assert_uint_gt(fs->last_delivered, 800 * VH_MS);
    wt_run_free(&r);
    free(json);
}
END_TEST

/* --- Migration. --- */

/* a (port 0, blocked group 'off' for 'b') migrates from host1 to host2
 * at 2 ms while d sends to it. */
static const char mig_json[] = TWO_HOSTS(
    VM("a", 1, "web") "," VM("x", 5, "off"), VM("d", 6, "web"),
    "loadbalance_srcid", GROUPS_VLAN,
    ", 'traffic': [{'name': 'in', 'from': 'host2/d', 'to': 'host1/a',"
    "  'proto': 'udp', 'size': 100, 'rate': '20kpps', 'start': '100us',"
    "  'duration': '3800us'},"
    " {'name': 'blk', 'from': 'host1/x', 'to': 'host2/d', 'proto': 'udp',"
    "  'rate': '5kpps', 'start': '100us', 'duration': '3800us'}],"
    " 'events': [{'at': '1500us', 'action': 'migrate', 'target': 'host1/a',"
    "  'to': 'host2', 'downtime': '500us'},"
    " {'at': '1500us', 'action': 'migrate', 'target': 'host1/x',"
    "  'to': 'host2', 'downtime': '500us'}]");

START_TEST(test_port_follows_migrating_vm)
{
    char *json = vh_test_dq(mig_json);
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    struct world *w = r.w;
    struct dvswitch *sw = switch_of(w, "dvs1");
    /* Still three ports: a's and x's kept theirs. */
    ck_assert_uint_eq(sw->n_ports, 3);
    const struct dvs_port *a = sw->ports[0], *x = sw->ports[1];
    ck_assert_uint_eq(a->id, 0);
    ck_assert_str_eq(a->nic_path, "host1/a/eth0");
    ck_assert_str_eq(a->hosts, "host1 -> host2");
    ck_assert_ptr_eq(a->local, local_of(w, "host2/dvs1"));
    /* Its counters run on: what it took on both hosts, one count. */
    const struct flow_stats *in = &w->flows[0];
    ck_assert_uint_gt(in->delivered, 40);
    ck_assert_uint_ge(a->tx, in->delivered);
    /* Deliveries before and after the move. */
    ck_assert_uint_lt(in->first_delivered, 1500 * VH_US);
    ck_assert_uint_gt(in->last_delivered, 3 * VH_MS);
    /* The policy came along: x is still blocked on host2, and its
     * frames there count on the same port. */
    ck_assert_str_eq(x->hosts, "host1 -> host2");
    ck_assert_uint_eq(w->flows[1].delivered, 0);
    struct vh_device *d1 = wt_dev(w, "host1/dvs1");
    struct vh_device *d2 = wt_dev(w, "host2/dvs1");
    ck_assert_ptr_nonnull(d2->drop_reasons);
    uint64_t on2 = vh_drops_get(d2->drop_reasons, "port-blocked");
    ck_assert_uint_gt(on2, 0);
    ck_assert_uint_eq(x->pp.drops[PP_BLOCKED],
                      vh_drops_get(d1->drop_reasons, "port-blocked") + on2);
    /* host1's part has no port left that takes frames. */
    struct dvs_local *l1 = local_of(w, "host1/dvs1");
    for (size_t i = 1; i < l1->l2.n_ports; i++) {
        ck_assert_ptr_null(l1->l2_ports[i]);
    }
    wt_run_free(&r);
    free(json);
}
END_TEST

/* a's port group shapes what it sends to 40 Mbit/s (peak the same, a
 * burst of one frame); a sends 1000-byte frames at 160 Mbit/s for 3 ms
 * and migrates to host2 at 2 ms.  The shaper holds the excess and lets
 * it go at the average, before, during and after the move: the policy
 * and its state are the port's. */
START_TEST(test_shaping_follows_migrating_vm)
{
    char *json = vh_test_dq(TWO_HOSTS(
        VM("a", 1, "slow"), VM("d", 6, "slow"), "loadbalance_srcid",
        "{'name': 'slow', 'vlan': 10, 'shaping': {'average': '40Mbps',"
        " 'peak': '40Mbps', 'burst': 1000}}",
        ", 'duration': '20ms', 'traffic': [{'name': 'a', 'from': 'host1/a',"
        " 'to': 'host2/d', 'proto': 'udp', 'size': 1000, 'rate': '20kpps',"
        " 'start': '100us', 'duration': '3ms'}],"
        " 'events': [{'at': '2ms', 'action': 'migrate', 'target':"
        " 'host1/a', 'to': 'host2', 'downtime': '500us'}]"));
    char *first = strstr(json, "\"duration\": \"4ms\", ");
    ck_assert_ptr_nonnull(first);
    memmove(first, first + strlen("\"duration\": \"4ms\", "),
            strlen(first + strlen("\"duration\": \"4ms\", ")) + 1);
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    struct world *w = r.w;
    const struct dvs_port *a = switch_of(w, "dvs1")->ports[0];
    const struct portpolicy_shaper *in = &a->pp.in;
    ck_assert_str_eq(a->hosts, "host1 -> host2");
    ck_assert_ptr_eq(a->pp.dev, &local_of(w, "host2/dvs1")->dev);
    /* Frames waited, none was dropped, and they passed at the average:
     * 1000 bytes every 200 us, whichever host the port was on. */
    ck_assert_uint_gt(in->delayed, 20);
    ck_assert_uint_eq(a->pp.drops[PP_SHAPING], 0);
    ck_assert_uint_ge(in->passed, 40);
    double bps = (double) (in->bytes - in->first_bytes) * 8
                 / ((double) (in->last - in->first) / VH_SEC);
    ck_assert_msg(bps > 39.0e6 && bps < 41.0e6, "shaped to %.0f bit/s", bps);
    ck_assert_uint_gt(in->last, 3 * VH_MS);
    wt_run_free(&r);
    free(json);
}
END_TEST

/* --- Link discovery. --- */

/* With "lldp", each uplink advertises its host (its name, the uplink as
 * the port, the management address of its first NIC with an address
 * that is no uplink) and lists the upstream switch's port it hears. */
START_TEST(test_lldp_from_uplinks)
{
    vh_tshark_require();
    char *json = patched("'teaming'", "'lldp': true, 'teaming'");
    json = replace_once(json, "{'name': 'tor1', ",
                        "{'name': 'tor1', 'lldp': true, ");
    json = replace_once(json, "{'name': 'eth2', 'link': 'tor1/p2'}",
                        "{'name': 'eth2', 'link': 'tor1/p2'}, "
                        "{'name': 'eth0', 'ip': '192.168.1.1/24'}");
    json = replace_once(json, "'switches'", "'capture': [{'point': "
                        "'host1/eth1', 'file': 'up.pcap'}], 'switches'");
    char *json2 = json;
    struct wt_run r = wt_run_json(json2, NULL, NULL, NULL);
    struct dvs_local *lp = local_of(r.w, "host1/dvs1");
    for (size_t k = 0; k < 2; k++) {
        const struct lldp_entry *e[2];
        ck_assert_uint_eq(lldp_agent_neighbors(lp->uplinks[k].lldp, e, 2),
                          1);
        ck_assert_str_eq(e[0]->n.system_name, "tor1");
        ck_assert_str_eq(e[0]->n.port_id, k ? "ifname p2" : "ifname p1");
    }
    wt_run_free(&r);
    char *dir = vh_test_run_scenario(json2, "");
    char pcap[600];
    snprintf(pcap, sizeof pcap, "%s/up.pcap", dir);
    vh_tshark_assert_clean(pcap);
    char *out = vh_tshark_out(pcap, "-Y 'lldp.tlv.system.name == \"host1\"' "
                              "-T fields -e lldp.port.id "
                              "-e lldp.mgn.addr.ip4");
    ck_assert_str_eq(out, "eth1\t192.168.1.1\n");
    free(out);
    free(dir);
    free(json2);
}
END_TEST

/* With "cdp" (and no "lldp"), each uplink sends CDP instead: a switch
 * named after its host, the uplink as its port; the upstream switch,
 * running CDP too, becomes its neighbour. */
START_TEST(test_cdp_from_uplinks)
{
    vh_tshark_require();
    char *json = patched("'teaming'", "'cdp': true, 'teaming'");
    json = replace_once(json, "{'name': 'tor1', ",
                        "{'name': 'tor1', 'cdp': true, ");
    json = replace_once(json, "'switches'", "'capture': [{'point': "
                        "'host1/eth1', 'file': 'up.pcap'}], 'switches'");
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    struct dvs_local *lp = local_of(r.w, "host1/dvs1");
    const struct lldp_entry *e[2];
    ck_assert_uint_eq(lldp_agent_neighbors(lp->uplinks[0].lldp, e, 2), 1);
    ck_assert_str_eq(e[0]->n.system_name, "tor1");
    wt_run_free(&r);
    char *dir = vh_test_run_scenario(json, "");
    char pcap[600];
    snprintf(pcap, sizeof pcap, "%s/up.pcap", dir);
    vh_tshark_assert_clean(pcap);
    char *out = vh_tshark_out(pcap, "-Y 'cdp.deviceid == \"host1\"' "
                              "-T fields -e cdp.portid");
    ck_assert_msg(strncmp(out, "eth1\n", 5) == 0, "%s", out);
    free(out);
    out = vh_tshark_out(pcap, "-Y 'lldp' -T fields -e frame.number");
    ck_assert_str_eq(out, "");
    free(out);
    free(dir);
    free(json);
}
END_TEST

/* --- Flow export. --- */

/* 'json' (mig_json's layout) with a management network: eth0 on each
 * host with an address, and a host 'mon' there whose NIC is captured to
 * 'pcap'; frees 'json'. */
static char *
with_mgmt_net(char *json, const char *pcap)
{
    char cap[256];
    json = replace_once(json, "'ports': 4", "'ports': 8");
    json = replace_once(json, "{'name': 'eth2', 'link': 'tor1/p2'}",
                        "{'name': 'eth2', 'link': 'tor1/p2'}, {'name': "
                        "'eth0', 'ip': '192.168.1.1/24', 'link': "
                        "'tor1/p5'}");
    json = replace_once(json, "{'name': 'eth2', 'link': 'tor1/p4'}",
                        "{'name': 'eth2', 'link': 'tor1/p4'}, {'name': "
                        "'eth0', 'ip': '192.168.1.2/24', 'link': "
                        "'tor1/p6'}");
    snprintf(cap, sizeof cap, "]}, {'name': 'mon', 'nics': [{'name': "
             "'eth0', 'ip': '192.168.1.100/24', 'link': 'tor1/p7'}]}], "
             "'capture': [{'point': 'mon/eth0', 'file': '%s'}], "
             "'switches'", pcap);
    return replace_once(json, "]}], 'switches'", cap);
}

/* Flow records from each host's part, from its management address
 * (eth0, not an uplink): d on host2 sends to a on host1; a migrates to
 * host2 at 1500 us.  host1 reports the flow coming in by the uplinks
 * (interface 32768) to port 0, host2 from port 2 to the uplinks, and
 * after the move from port 2 to port 0, both on host2.  By default the
 * records are IPFIX (version 10), as vSphere sends them; "version": 5
 * makes them NetFlow v5, with the same interfaces. */
START_TEST(test_netflow_from_each_host)
{
    vh_tshark_require();
    static const struct {
        const char *key;        /* Added to the netflow object. */
        const char *version;    /* What tshark reads in cflow.version. */
    } cases[] = { { "", "10" }, { ", 'version': 5", "5" } };
    for (size_t c = 0; c < 2; c++) {
        char *json = with_mgmt_net(vh_test_dq(mig_json), "nf.pcap");
        char key[200];
        snprintf(key, sizeof key, "'netflow': {'collector': 'mon', "
                 "'active_timeout': '1ms', 'tick': '1ms'%s}, 'teaming'",
                 cases[c].key);
        json = replace_once(json, "'teaming'", key);
        char *dir = vh_test_run_scenario(json, "");
        char pcap[600];
        snprintf(pcap, sizeof pcap, "%s/nf.pcap", dir);
        vh_tshark_assert_clean(pcap);
        char *out = vh_tshark_out(pcap, "-Y 'cflow && cflow.srcaddr == "
                                  "10.0.0.6' -T fields -e cflow.version "
                                  "-e ip.src -e cflow.inputint "
                                  "-e cflow.outputint");
        char want[3][80];
        snprintf(want[0], 80, "%s\t192.168.1.1\t32768\t0\n",
                 cases[c].version);
        snprintf(want[1], 80, "%s\t192.168.1.2\t2\t32768\n",
                 cases[c].version);
        snprintf(want[2], 80, "%s\t192.168.1.2\t2\t0\n", cases[c].version);
        for (int k = 0; k < 3; k++) {
            ck_assert_msg(strstr(out, want[k]) != NULL, "%s: %s", want[k],
                          out);
        }
        ck_assert_msg(strstr(out, "192.168.1.1\t2\t0\n") == NULL, "%s", out);
        free(out);
        free(dir);
        free(json);
    }
}
END_TEST

/* --- The Nexus 1000V flavour. --- */

/* The supervisor is 'mon'.  At the start each host's VEM sends it a
 * heartbeat and a port attach per port it has (host1: a and x; host2:
 * d), which it answers; a and x come up on host2 at the end of their
 * downtime (2 ms), and host2's VEM attaches them there. */
START_TEST(test_n1kv_control_traffic)
{
    vh_tshark_require();
    char *json = with_mgmt_net(vh_test_dq(mig_json), "vsm.pcap");
    json = replace_once(json, "'teaming'", "'flavor': 'n1kv', 'vsm': "
                        "'mon', 'teaming'");
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    struct dvswitch *sw = switch_of(r.w, "dvs1");
    struct dvs_local *l1 = local_of(r.w, "host1/dvs1");
    struct dvs_local *l2 = local_of(r.w, "host2/dvs1");
    ck_assert_uint_eq(sw->vsm.heartbeats_rx, 2);
    ck_assert_uint_eq(sw->vsm.attach_rx, 3 + 2);
    ck_assert_uint_eq(sw->vsm.profiles_tx, 3 + 2);
    ck_assert_uint_eq(l1->vem.attach_tx, 2);
    ck_assert_uint_eq(l2->vem.attach_tx, 1 + 2);
    ck_assert_uint_eq(l1->vem.profiles_rx, 2);
    ck_assert_uint_eq(l2->vem.profiles_rx, 3);
    ck_assert_uint_eq(l1->vem.heartbeats_rx, 1);
    /* The data path is the same: d's frames reach a on either host. */
    ck_assert_uint_gt(r.w->flows[0].last_delivered, 3 * VH_MS);
    wt_run_free(&r);

    char *dir = vh_test_run_scenario(json, "");
    char pcap[600];
    snprintf(pcap, sizeof pcap, "%s/vsm.pcap", dir);
    vh_tshark_assert_clean(pcap);
    /* From both hosts' management addresses to the VSM's port 4785, and
     * back; host2's attaches after the move come at 2 ms. */
    char *out = vh_tshark_out(pcap, "-Y 'udp.dstport == 4785 && "
                              "ip.dst == 192.168.1.100' -T fields "
                              "-e ip.src");
    size_t from1 = 0, from2 = 0;
    for (const char *l = out; l && *l; l = strchr(l, '\n')) {
        l += *l == '\n';
        from1 += !strncmp(l, "192.168.1.1\n", 12);
        from2 += !strncmp(l, "192.168.1.2\n", 12);
    }
    ck_assert_uint_eq(from1, 1 + 2);    /* Heartbeat, two attaches. */
    ck_assert_uint_eq(from2, 1 + 1 + 2);
    free(out);
    free(dir);
    free(json);
}
END_TEST

/* Without "vsm" (the contract's keys alone) a Nexus 1000V loads and
 * runs with no supervisor: hosts with no management address are fine,
 * nothing is sent to or from a VSM, and the data path is a vds's. */
START_TEST(test_n1kv_without_vsm)
{
    uint64_t delivered[2];
    for (int n1kv = 0; n1kv < 2; n1kv++) {
        char *json = vh_test_dq(mig_json);
        if (n1kv) {
            json = replace_once(json, "'teaming'",
                                "'flavor': 'n1kv', 'teaming'");
        }
        struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
        struct dvswitch *sw = switch_of(r.w, "dvs1");
        ck_assert(sw->cfg->n1kv == n1kv);
        ck_assert_ptr_null(sw->cfg->vsm);
        ck_assert_ptr_null(sw->vsm_ep);
        ck_assert_uint_eq(local_of(r.w, "host1/dvs1")->vem.heartbeats_tx, 0);
        ck_assert_uint_eq(local_of(r.w, "host2/dvs1")->vem.attach_tx, 0);
        delivered[n1kv] = r.w->flows[0].delivered;
        wt_run_free(&r);
        free(json);
    }
    ck_assert_uint_gt(delivered[0], 40);
    ck_assert_uint_eq(delivered[1], delivered[0]);
}
END_TEST

/* --- Determinism. --- */

START_TEST(test_same_seed_same_report)
{
    char *json = vh_test_dq(mig_json);
    char *d1 = vh_test_run_scenario(json, "--json report.json");
    char *d2 = vh_test_run_scenario(json, "--json report.json");
    char p1[600], p2[600];
    snprintf(p1, sizeof p1, "%s/report.json", d1);
    snprintf(p2, sizeof p2, "%s/report.json", d2);
    size_t n1, n2;
    char *a = vh_test_slurp(p1, &n1), *b = vh_test_slurp(p2, &n2);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(strstr(a, "\"dvswitches\""));
    ck_assert_uint_eq(n1, n2);
    ck_assert(!memcmp(a, b, n1));
    free(a);
    free(b);
    free(d1);
    free(d2);
    free(json);
}
END_TEST

static Suite *
dvs_suite(void)
{
    Suite *s = suite_create("dvs");
    TCase *tc = tcase_create("dvs");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_refusals_at_their_paths, 0,
                        (int) (sizeof patches / sizeof patches[0]));
    tcase_add_test(tc, test_vlans_and_blocking);
    tcase_add_test(tc, test_trunk_vm_sees_tags);
    tcase_add_test(tc, test_pvlan_table);
    tcase_add_test(tc, test_promiscuous_port_sees_unicast);
    tcase_add_test(tc, test_teaming_policies);
    tcase_add_test(tc, test_teaming_ip_hash_splits_a_vm);
    tcase_add_test(tc, test_failover_counts_lost);
    tcase_add_test(tc, test_port_follows_migrating_vm);
    tcase_add_test(tc, test_shaping_follows_migrating_vm);
    tcase_add_test(tc, test_lldp_from_uplinks);
    tcase_add_test(tc, test_cdp_from_uplinks);
    tcase_add_test(tc, test_netflow_from_each_host);
    tcase_add_test(tc, test_n1kv_control_traffic);
    tcase_add_test(tc, test_n1kv_without_vsm);
    tcase_add_test(tc, test_same_seed_same_report);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(dvs_suite)
