/* tests/test_ofparse.c: OpenFlow rules in ovs-ofctl's syntax.
 *
 * A table of rules that must parse, each with the whole match and mask
 * it must give (so a stray bit fails too) and its actions; a table of
 * rules that must not, each with its exact message; writing rules back
 * and reading what was written; and the edges: a short error buffer,
 * what a failed parse leaves behind. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "models/ovs/ofrule.h"
#include "tests/testutil.h"

/* The ports a rule may name, and the context the parser must hand the
 * lookup back. */
static int lookup_ctx;

static uint32_t
lookup(void *ctx, const char *name)
{
    static const struct {
        const char *name;
        uint32_t port;
    } ports[] = {
        { "vm1", 1 }, { "vm2", 2 }, { "eth0", 3 }, { "vm1.eth0", 4 },
    };
    ck_assert_ptr_eq(ctx, &lookup_ctx);
    for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++) {
        if (!strcmp(name, ports[i].name)) {
            return ports[i].port;
        }
    }
    return 0;
}

static bool
parse(const char *text, struct of_rule *r, char *err, size_t errsize)
{
    return of_rule_parse(text, lookup, &lookup_ctx, r, err, errsize);
}

#define MAX_ACTS 6
#define TCI(VID, PCP) (OFKEY_VLAN_CFI | (VID) | (PCP) << 13)

struct good {
    const char *text;
    uint8_t table;
    uint16_t priority;
    struct ofkey match, mask;
    size_t n_acts;
    struct of_action acts[MAX_ACTS];
};

/* A key or mask with nothing set. */
#define ANY { .in_port = 0 }

/* Shorthands for the expected actions. */
#define NO_ACTS { { .port = 0 } }  /* With n_acts 0: not looked at. */
#define OUT(P) { .type = OFA_OUTPUT, .port = (P) }
#define ACT(T) { .type = (T) }
#define SET(F, V) { .type = OFA_SET_FIELD, .field = (F), .value = (V) }
#define RESUB(P, T) { .type = OFA_RESUBMIT, .port = (P), .table = (T) }

static const struct good goods[] = {
    { "table=0,priority=200,udp,tp_dst=9999,actions=drop", 0, 200,
      { .dl_type = 0x0800, .nw_proto = 17, .tp_dst = 9999 },
      { .dl_type = 0xffff, .nw_proto = 0xff, .tp_dst = 0xffff }, 0, NO_ACTS },
    /* The header's second example, across lines as a scenario may. */
    { "priority=10,in_port=vm1,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,"
      "\n    actions=mod_vlan_vid:10,resubmit(,1)", 0, 10,
      { .in_port = 1, .dl_dst = { 1 } },
      { .in_port = 0xffffffff, .dl_dst = { 1 } }, 2,
      { SET(OFF_VLAN_VID, 10), RESUB(OFPP_NONE, 1) } },
    /* No priority: OpenFlow's default, 32768. */
    { "actions=normal", 0, 32768, ANY, ANY, 1, { ACT(OFA_NORMAL) } },
    { "in_port=2 actions=output:vm1.eth0", 0, 32768,
      { .in_port = 2 }, { .in_port = 0xffffffff }, 1, { OUT(4) } },
    { "in_port=LOCAL,actions=dec_ttl(1,2)", 0, 32768,
      { .in_port = OFPP_LOCAL }, { .in_port = 0xffffffff }, 1,
      { ACT(OFA_DEC_TTL) } },
    { "dl_vlan=0xffff,actions=drop", 0, 32768,
      { .vlan_tci = 0 }, { .vlan_tci = 0xffff }, 0, NO_ACTS },
    { "dl_vlan=10,actions=drop", 0, 32768,
      { .vlan_tci = TCI(10, 0) }, { .vlan_tci = 0x1fff }, 0, NO_ACTS },
    { "dl_vlan=10 dl_vlan_pcp=5 actions=strip_vlan,FLOOD", 0, 32768,
      { .vlan_tci = TCI(10, 5) }, { .vlan_tci = 0xffff }, 2,
      { ACT(OFA_STRIP_VLAN), ACT(OFA_FLOOD) } },
    { "vlan_tci=0x1000/0x1000,actions=pop_vlan", 0, 32768,
      { .vlan_tci = 0x1000 }, { .vlan_tci = 0x1000 }, 1,
      { ACT(OFA_STRIP_VLAN) } },
    { "ip,nw_src=10.1.2.3/24,nw_dst=192.168.7.7/255.255.0.0,"
      "actions=dec_ttl,output:3", 0, 32768,
      { .dl_type = 0x0800, .nw_src = 0x0a010200, .nw_dst = 0xc0a80000 },
      { .dl_type = 0xffff, .nw_src = 0xffffff00, .nw_dst = 0xffff0000 },
      2, { ACT(OFA_DEC_TTL), OUT(3) } },
    { "arp,arp_tpa=10.0.0.1,arp_op=1,actions=all", 0, 32768,
      { .dl_type = 0x0806, .nw_dst = 0x0a000001, .nw_proto = 1 },
      { .dl_type = 0xffff, .nw_dst = 0xffffffff, .nw_proto = 0xff }, 1,
      { ACT(OFA_ALL) } },
    { "arp,nw_src=10.0.0.2,actions=local", 0, 32768,
      { .dl_type = 0x0806, .nw_src = 0x0a000002 },
      { .dl_type = 0xffff, .nw_src = 0xffffffff }, 1, { ACT(OFA_LOCAL) } },
    { "tcp,tp_src=0x1234/0xfff0,tcp_dst=80,actions=in_port", 0, 32768,
      { .dl_type = 0x0800, .nw_proto = 6, .tp_src = 0x1230, .tp_dst = 80 },
      { .dl_type = 0xffff, .nw_proto = 0xff, .tp_src = 0xfff0,
        .tp_dst = 0xffff }, 1, { ACT(OFA_IN_PORT) } },
    { "icmp,icmp_type=8,icmp_code=0,actions=controller", 0, 32768,
      { .dl_type = 0x0800, .nw_proto = 1, .tp_src = 8 },
      { .dl_type = 0xffff, .nw_proto = 0xff, .tp_src = 0xffff,
        .tp_dst = 0xffff }, 1, { ACT(OFA_CONTROLLER) } },
    /* nw_tos matches the DSCP bits only, as in OVS. */
    { "ip,nw_tos=184,nw_ttl=64,actions=controller:100", 0, 32768,
      { .dl_type = 0x0800, .nw_tos = 184, .nw_ttl = 64 },
      { .dl_type = 0xffff, .nw_tos = 0xfc, .nw_ttl = 0xff }, 1,
      { ACT(OFA_CONTROLLER) } },
    { "ip,ip_dscp=46,actions=mod_nw_tos:8,mod_nw_ttl:3", 0, 32768,
      { .dl_type = 0x0800, .nw_tos = 184 },
      { .dl_type = 0xffff, .nw_tos = 0xfc }, 2,
      { SET(OFF_NW_TOS, 8), SET(OFF_NW_TTL, 3) } },
    /* Prerequisites met by fields rather than a shorthand. */
    { "dl_type=0x0800,nw_proto=17,udp_dst=53,"
      "actions=mod_tp_dst:5353,mod_tp_src:1", 0, 32768,
      { .dl_type = 0x0800, .nw_proto = 17, .tp_dst = 53 },
      { .dl_type = 0xffff, .nw_proto = 0xff, .tp_dst = 0xffff }, 2,
      { SET(OFF_TP_DST, 5353), SET(OFF_TP_SRC, 1) } },
    /* ...and by a shorthand written after the field. */
    { "tp_dst=80,tcp,actions=drop", 0, 32768,
      { .dl_type = 0x0800, .nw_proto = 6, .tp_dst = 80 },
      { .dl_type = 0xffff, .nw_proto = 0xff, .tp_dst = 0xffff }, 0, NO_ACTS },
    /* A shorthand and a field that agree. */
    { "udp,nw_proto=17,ip,actions=drop", 0, 32768,
      { .dl_type = 0x0800, .nw_proto = 17 },
      { .dl_type = 0xffff, .nw_proto = 0xff }, 0, NO_ACTS },
    { "tun_id=0x1205/0xff,dl_src=52:54:00:00:00:01,"
      "actions=set_field:10->vlan_vid,set_field:3->vlan_pcp", 0, 32768,
      { .tun_id = 5, .dl_src = { 0x52, 0x54, 0, 0, 0, 1 } },
      { .tun_id = 0xff, .dl_src = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
      2, { SET(OFF_VLAN_VID, 10), SET(OFF_VLAN_PCP, 3) } },
    /* Stored masked. */
    { "eth_src=52:54:00:AB:CD:EF/FF:FF:FF:00:00:00,actions=drop", 0, 32768,
      { .dl_src = { 0x52, 0x54, 0 } },
      { .dl_src = { 0xff, 0xff, 0xff } }, 0, NO_ACTS },
    { "priority=65535,table=254,tunnel_id=7,actions=drop", 254, 65535,
      { .tun_id = 7 }, { .tun_id = 0xffffffff }, 0, NO_ACTS },
    { "priority=0,eth_type=0x88cc,table=3,actions=goto_table:7", 3, 0,
      { .dl_type = 0x88cc }, { .dl_type = 0xffff }, 1,
      { { .type = OFA_GOTO_TABLE, .table = 7 } } },
    { "actions=set_field:52:54:00:00:00:02->eth_dst,"
      "set_field:10.0.0.9->ip_src,set_field:46->ip_dscp,"
      "set_field:0x10->tun_id,set_field:7->pkt_mark,"
      "set_field:0x1005->vlan_vid", 0, 32768, ANY, ANY, 6,
      { SET(OFF_DL_DST, 0x525400000002ULL), SET(OFF_NW_SRC, 0x0a000009),
        SET(OFF_NW_TOS, 184), SET(OFF_TUN_ID, 16), SET(OFF_PKT_MARK, 7),
        SET(OFF_VLAN_VID, 5) } },
    { "actions=load:0x525400000003->NXM_OF_ETH_SRC[],"
      "load:5->NXM_OF_VLAN_TCI[0..11],load:0xa000001->NXM_OF_IP_DST[],"
      "load:9->NXM_NX_TUN_ID[0..31],load:2->tcp_dst", 0, 32768, ANY, ANY,
      5, { SET(OFF_DL_SRC, 0x525400000003ULL), SET(OFF_VLAN_VID, 5),
           SET(OFF_NW_DST, 0x0a000001), SET(OFF_TUN_ID, 9),
           SET(OFF_TP_DST, 2) } },
    { "actions=push_vlan:0x88a8,mod_vlan_vid:20,"
      "mod_dl_src:52:54:00:00:00:09,mod_nw_dst:10.0.0.7,set_queue:2,"
      "mod_vlan_pcp:7", 0, 32768, ANY, ANY, 6,
      { { .type = OFA_PUSH_VLAN, .value = 0x88a8 },
        SET(OFF_VLAN_VID, 20), SET(OFF_DL_SRC, 0x525400000009ULL),
        SET(OFF_NW_DST, 0x0a000007),
        { .type = OFA_SET_QUEUE, .value = 2 }, SET(OFF_VLAN_PCP, 7) } },
    { "actions=resubmit:vm2,resubmit(1,2),resubmit(in_port,3),"
      "resubmit(vm1,), resubmit( , 4 )", 0, 32768, ANY, ANY, 5,
      { RESUB(2, 255), RESUB(1, 2), RESUB(OFPP_NONE, 3), RESUB(1, 255),
        RESUB(OFPP_NONE, 4) } },
    /* A port alone is output to it; reserved ports are their actions. */
    { "actions=vm2,7,LOCAL,output:NORMAL,output:in_port,Output:eth0", 0,
      32768, ANY, ANY, 6,
      { OUT(2), OUT(7), ACT(OFA_LOCAL), ACT(OFA_NORMAL), ACT(OFA_IN_PORT),
        OUT(3) } },
    { "priority=1 actions=", 0, 1, ANY, ANY, 0, NO_ACTS },
    { "action=drop", 0, 32768, ANY, ANY, 0, NO_ACTS },
    { "  cookie=5,,idle_timeout=1 actions=set_tunnel:0x99", 0, 32768,
      ANY, ANY, 1, { SET(OFF_TUN_ID, 0x99) } },
};

static void
check_acts(size_t i, const struct of_rule *r, const struct good *g)
{
    ck_assert_msg(r->n_acts == g->n_acts, "rule %zu: %zu actions, not %zu",
                  i, r->n_acts, g->n_acts);
    for (size_t j = 0; j < g->n_acts; j++) {
        const struct of_action *a = &r->acts[j], *e = &g->acts[j];
        ck_assert_msg(a->type == e->type && a->port == e->port
                      && a->table == e->table && a->value == e->value
                      && (a->type != OFA_SET_FIELD || a->field == e->field),
                      "rule %zu action %zu: type %d field %d port %u "
                      "table %u value 0x%llx, not type %d field %d port %u "
                      "table %u value 0x%llx", i, j, a->type, a->field,
                      a->port, a->table, (unsigned long long) a->value,
                      e->type, e->field, e->port, e->table,
                      (unsigned long long) e->value);
    }
}

static void
check_key(size_t i, const char *what, const struct ofkey *got,
          const struct ofkey *want)
{
    for (int w = 0; w < OFKEY_WORDS; w++) {
        ck_assert_msg(got->w[w] == want->w[w],
                      "rule %zu: %s word %d is 0x%016llx, not 0x%016llx",
                      i, what, w, (unsigned long long) got->w[w],
                      (unsigned long long) want->w[w]);
    }
}

START_TEST(test_good_rules)
{
    const struct good *g = &goods[_i];
    struct of_rule r;
    char err[256];

    ck_assert_msg(parse(g->text, &r, err, sizeof err),
                  "rule %d \"%s\": %s", _i, g->text, err);
    ck_assert_str_eq(r.text, g->text);
    ck_assert_uint_eq(r.table, g->table);
    ck_assert_uint_eq(r.priority, g->priority);
    check_key((size_t) _i, "match", &r.match, &g->match);
    check_key((size_t) _i, "mask", &r.mask, &g->mask);
    check_acts((size_t) _i, &r, g);
    ck_assert_uint_eq(r.n_packets + r.n_bytes + r.seq, 0);
    of_rule_free(&r);
}
END_TEST

START_TEST(test_header_keys)
{
    struct of_rule r;
    char err[256];

    ck_assert_msg(parse("cookie=0xfedcba9876543210,idle_timeout=10,"
                        "hard_timeout=65535,table=9,actions=drop",
                        &r, err, sizeof err), "%s", err);
    ck_assert_uint_eq(r.cookie, 0xfedcba9876543210ULL);
    ck_assert_uint_eq(r.idle_timeout, 10);
    ck_assert_uint_eq(r.hard_timeout, 65535);
    ck_assert_uint_eq(r.table, 9);
    ck_assert_uint_eq(r.priority, 32768);
    of_rule_free(&r);

    ck_assert_msg(parse("cookie=42 actions=drop", &r, err, sizeof err),
                  "%s", err);
    ck_assert_uint_eq(r.cookie, 42);
    ck_assert_uint_eq(r.idle_timeout + r.hard_timeout, 0);
    of_rule_free(&r);
}
END_TEST

struct bad {
    const char *text;
    const char *msg;
};

static const struct bad bads[] = {
    /* Names, with a suggestion when one is close. */
    { "nw_sorc=10.0.0.1,actions=drop",
      "unknown field 'nw_sorc' (did you mean 'nw_src'?)" },
    { "TCP,actions=drop", "unknown field 'TCP' (did you mean 'tcp'?)" },
    { "xyzzy=1,actions=drop", "unknown field 'xyzzy'" },
    { "ip,actions=outptu:1",
      "unknown action 'outptu' (did you mean 'output'?)" },
    { "actions=outptu", "unknown action 'outptu' (did you mean 'output'?)" },
    { "actions=flod", "unknown action 'flod' (did you mean 'flood'?)" },
    { "actions=frobnicate", "unknown action 'frobnicate'" },
    { "actions=set_field:1->eth_sorc",
      "unknown field 'eth_sorc' (did you mean 'eth_src'?)" },
    { "actions=load:1->NXM_OF_ETH_SCR[]",
      "unknown field 'NXM_OF_ETH_SCR' (did you mean 'NXM_OF_ETH_SRC'?)" },
    { "sctp6,actions=drop",
      "field 'sctp6' is known to Open vSwitch but not modelled by vhsim" },
    { "actions=learn(table=1)",
      "action 'learn' is known to Open vSwitch but not modelled by vhsim" },
    /* Values out of range or badly written. */
    { "priority=65536,actions=drop",
      "bad value '65536' for 'priority' (expected 0..65535)" },
    { "table=255,actions=drop",
      "bad value '255' for 'table' (expected 0..254)" },
    { "idle_timeout=-1,actions=drop",
      "bad value '-1' for 'idle_timeout' (expected 0..65535)" },
    { "udp,tp_dst=x,actions=drop",
      "bad value 'x' for 'tp_dst' (expected 0..65535)" },
    { "udp,udp_dst=70000,actions=drop",
      "bad value '70000' for 'udp_dst' (expected 0..65535)" },
    { "udp,tp_src=1/0x10000,actions=drop",
      "bad mask '0x10000' for 'tp_src' (expected 0..65535)" },
    { "dl_src=52:54:00:00:00,actions=drop",
      "bad value '52:54:00:00:00' for 'dl_src' (expected a MAC address "
      "such as 52:54:00:00:00:01)" },
    { "dl_dst=01:00:00:00:00:00/zz,actions=drop",
      "bad mask 'zz' for 'dl_dst' (expected a MAC address such as "
      "52:54:00:00:00:01)" },
    { "ip,nw_src=10.0.0.256,actions=drop",
      "bad value '10.0.0.256' for 'nw_src' (expected an IPv4 address "
      "A.B.C.D)" },
    { "ip,nw_dst=10.0.0.0/33,actions=drop",
      "bad mask '33' for 'nw_dst' (expected a prefix length 0..32 or a "
      "mask A.B.C.D)" },
    { "dl_vlan=4096,actions=drop",
      "bad value '4096' for 'dl_vlan' (expected 0..4095, or 0xffff for no "
      "tag)" },
    { "ip,nw_tos=3,actions=drop",
      "bad value '3' for 'nw_tos' (expected 0..255 with the 2 ECN bits "
      "clear)" },
    { "ip,ip_dscp=64,actions=drop",
      "bad value '64' for 'ip_dscp' (expected 0..63)" },
    { "cookie=0x1/0xff,actions=drop",
      "field 'cookie' takes no /MASK ('cookie=0x1/0xff')" },
    { "udp,nw_proto=17/0xff,actions=drop",
      "field 'nw_proto' takes no /MASK ('nw_proto=17/0xff')" },
    { "tp_dst,actions=drop", "field 'tp_dst' needs a value ('tp_dst=...')" },
    { "udp=1,actions=drop", "'udp' takes no value ('udp=1')" },
    { "actions=mod_vlan_vid:4096",
      "bad value '4096' for 'mod_vlan_vid' (expected 0..4095)" },
    { "actions=mod_nw_tos:2",
      "bad value '2' for 'mod_nw_tos' (expected 0..255 with the 2 ECN bits "
      "clear)" },
    { "actions=push_vlan:0x0800",
      "bad value '0x0800' for 'push_vlan' (expected 0x8100 or 0x88a8)" },
    { "actions=set_field:52:54:00:00:00->eth_src",
      "bad value '52:54:00:00:00' for 'eth_src' (expected a MAC address "
      "such as 52:54:00:00:00:01)" },
    { "actions=set_queue:x",
      "bad value 'x' for 'set_queue' (expected 0..4294967295)" },
    { "actions=goto_table:255",
      "bad value '255' for 'goto_table' (expected 0..254)" },
    { "actions=resubmit(,256)",
      "bad table '256' for 'resubmit' (expected 0..254, or 255 for this "
      "rule's)" },
    { "actions=output:0",
      "bad value '0' for 'output' (expected a port name or 1..65280)" },
    { "in_port=65281,actions=drop",
      "bad value '65281' for 'in_port' (expected a port name or "
      "1..65280)" },
    /* Prerequisites. */
    { "tp_dst=9999,actions=drop",
      "'tp_dst=9999' needs tcp, udp, icmp, tcp6, udp6 or icmp6 (prerequisites not met)" },
    { "nw_src=10.0.0.1,actions=drop",
      "'nw_src=10.0.0.1' needs ip or arp (prerequisites not met)" },
    { "arp,nw_tos=4,actions=drop",
      "'nw_tos=4' needs ip or ipv6 (prerequisites not met)" },
    { "udp,tcp_dst=80,actions=drop",
      "'tcp_dst=80' needs tcp or tcp6 (prerequisites not met)" },
    { "ip,arp_spa=10.0.0.1,actions=drop",
      "'arp_spa=10.0.0.1' needs arp (prerequisites not met)" },
    { "ip,nw_proto=99,tp_src=1,actions=drop",
      "'tp_src=1' needs tcp, udp, icmp, tcp6, udp6 or icmp6 (prerequisites not met)" },
    { "dl_type=0x0800,icmp_type=3,actions=drop",
      "'icmp_type=3' needs icmp or icmp6 (prerequisites not met)" },
    /* Fields that clash. */
    { "udp,tcp,actions=drop", "'tcp' conflicts with 'udp'" },
    { "tcp,nw_proto=17,actions=drop", "'nw_proto=17' conflicts with 'tcp'" },
    { "udp,tp_dst=1,udp_dst=1,actions=drop",
      "duplicate field: 'tp_dst=1' and 'udp_dst=1'" },
    { "udp,nw_proto=17,ip_proto=17,actions=drop",
      "duplicate field: 'nw_proto=17' and 'ip_proto=17'" },
    { "nw_proto=17,udp,ip_proto=17,actions=drop",
      "duplicate field: 'nw_proto=17' and 'ip_proto=17'" },
    { "table=1,table=1,actions=drop",
      "duplicate field: 'table=1' and 'table=1'" },
    { "vlan_tci=0x1005,dl_vlan=5,actions=drop",
      "duplicate field: 'vlan_tci=0x1005' and 'dl_vlan=5'" },
    { "dl_vlan=0xffff,dl_vlan_pcp=3,actions=drop",
      "'dl_vlan_pcp=3' conflicts with 'dl_vlan=0xffff'" },
    /* Ports. */
    { "in_port=vm9,actions=drop", "unknown port 'vm9'" },
    { "actions=output:vm9", "unknown port 'vm9'" },
    { "actions=resubmit(vm9,1)", "unknown port 'vm9'" },
    /* The action list. */
    { "table=1,actions=goto_table:1",
      "'goto_table:1' must go to a table after this rule's own (table 1)" },
    { "table=2,actions=goto_table:1",
      "'goto_table:1' must go to a table after this rule's own (table 2)" },
    { "actions=goto_table:2,output:1", "'goto_table:2' must be the last "
      "action" },
    { "actions=drop,output:1", "'drop' must be the only action" },
    { "actions=output:1,drop", "'drop' must be the only action" },
    { "actions=set_field:1", "bad syntax 'set_field:1' (expected "
      "set_field:VALUE->FIELD)" },
    { "actions=load:1->NXM_OF_ETH_SRC[0..15]",
      "cannot load 'NXM_OF_ETH_SRC[0..15]': vhsim sets whole fields only "
      "(NXM_OF_VLAN_TCI as [0..11] or [13..15])" },
    { "actions=load:1->NXM_OF_ETH_SRC[47..0]",
      "bad field 'NXM_OF_ETH_SRC[47..0]' (expected NAME[] or "
      "NAME[START..END])" },
    { "actions=resubmit(,)", "'resubmit(,)' needs a port or a table" },
    { "actions=resubmit(1,2,3)", "bad syntax 'resubmit(1,2,3)' (expected "
      "resubmit:PORT or resubmit(PORT,TABLE))" },
    { "actions=resubmit(,1", "unbalanced parentheses in 'resubmit(,1'" },
    { "actions=normal:1", "bad syntax 'normal:1' (expected normal)" },
    { "actions=output", "bad syntax 'output' (expected output:PORT)" },
    { "actions", "bad syntax 'actions' (expected actions=ACTION,...)" },
    /* No actions at all. */
    { "priority=10,udp", "must specify an action (add 'actions=...')" },
    { "", "must specify an action (add 'actions=...')" },
};

START_TEST(test_bad_rules)
{
    const struct bad *b = &bads[_i];
    struct of_rule r;
    char err[256];

    memset(err, 'x', sizeof err);
    ck_assert_msg(!parse(b->text, &r, err, sizeof err),
                  "rule %d \"%s\" parsed", _i, b->text);
    ck_assert_msg(!strcmp(err, b->msg), "rule %d \"%s\":\n  got  %s\n"
                  "  want %s", _i, b->text, err, b->msg);
    /* Nothing is left to free, nor anything half-made. */
    ck_assert_ptr_null(r.text);
    ck_assert_ptr_null(r.acts);
    ck_assert_uint_eq(r.n_acts, 0);
    of_rule_free(&r);
}
END_TEST

/* A message longer than the caller's buffer is cut off, never written
 * past its end; no buffer at all is fine too. */
START_TEST(test_short_err)
{
    char text[400], want[512], err[24];
    struct of_rule r;

    memset(text, 'q', 300);
    strcpy(text + 300, "=1,actions=drop");
    snprintf(want, sizeof want, "unknown field '%.300s'", text);

    memset(err, '#', sizeof err);
    ck_assert(!parse(text, &r, err, 20));
    ck_assert_uint_eq(strlen(err), 19);
    ck_assert(!strncmp(err, want, 19));
    ck_assert_int_eq(err[20], '#');

    ck_assert(!parse(text, &r, NULL, 0));
    ck_assert(!parse(text, &r, err, 0));
    ck_assert_int_eq(err[20], '#');
}
END_TEST

/* Formatting: exact text for a few rules. */
static const struct {
    const char *text, *fmt;
} fmts[] = {
    { "table=0,priority=200,udp,tp_dst=9999,actions=drop",
      "table=0, priority=200,udp,tp_dst=9999 actions=drop" },
    { "priority=10,in_port=vm1,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,"
      "actions=mod_vlan_vid:10,resubmit(,1)",
      "table=0, priority=10,in_port=1,dl_dst=01:00:00:00:00:00/"
      "01:00:00:00:00:00 actions=mod_vlan_vid:10,resubmit(,1)" },
    { "actions=normal", "table=0, actions=NORMAL" },
    { "table=3,cookie=0x1f,idle_timeout=10,hard_timeout=20,"
      "eth_type=0x88cc,actions=goto_table:7",
      "cookie=0x1f, table=3, idle_timeout=10, hard_timeout=20, "
      "dl_type=0x88cc actions=goto_table:7" },
    { "ip,nw_src=10.1.2.3/24,nw_dst=10.9.8.7/255.0.255.0,nw_tos=8,"
      "actions=output:vm2,LOCAL,resubmit:3,resubmit(4,5)",
      "table=0, ip,nw_src=10.1.2.0/24,nw_dst=10.0.8.0/255.0.255.0,nw_tos=8 "
      "actions=output:2,LOCAL,resubmit:3,resubmit(4,5)" },
    { "arp,arp_spa=10.0.0.1,arp_op=2,dl_vlan=5,actions=flood",
      "table=0, arp,dl_vlan=5,arp_spa=10.0.0.1,arp_op=2 actions=FLOOD" },
    { "icmp,icmp_type=0,tun_id=9,in_port=LOCAL,dl_vlan=0xffff,"
      "actions=mod_nw_src:1.2.3.4,set_field:0x3->pkt_mark",
      "table=0, icmp,tun_id=0x9,in_port=LOCAL,vlan_tci=0x0000,icmp_type=0 "
      "actions=mod_nw_src:1.2.3.4,set_field:0x3->pkt_mark" },
};

START_TEST(test_format)
{
    struct of_rule r;
    char err[256], buf[512];

    ck_assert_msg(parse(fmts[_i].text, &r, err, sizeof err), "%s", err);
    ck_assert_str_eq(of_rule_format(&r, buf, sizeof buf), fmts[_i].fmt);

    /* Cut off, not overrun, in a short buffer. */
    memset(buf, '#', sizeof buf);
    of_rule_format(&r, buf, 12);
    ck_assert_uint_eq(strlen(buf), 11);
    ck_assert(!strncmp(buf, fmts[_i].fmt, 11));
    ck_assert_int_eq(buf[12], '#');
    of_rule_free(&r);
}
END_TEST

/* What of_rule_format() writes reads back as the same rule. */
START_TEST(test_round_trip)
{
    struct of_rule r, again;
    char err[256], buf[1024];

    ck_assert(parse(goods[_i].text, &r, err, sizeof err));
    of_rule_format(&r, buf, sizeof buf);
    ck_assert_msg(parse(buf, &again, err, sizeof err), "rule %d \"%s\" "
                  "written as \"%s\": %s", _i, goods[_i].text, buf, err);
    ck_assert_uint_eq(again.table, r.table);
    ck_assert_uint_eq(again.priority, r.priority);
    ck_assert_uint_eq(again.cookie, r.cookie);
    ck_assert_uint_eq(again.idle_timeout, r.idle_timeout);
    ck_assert_uint_eq(again.hard_timeout, r.hard_timeout);
    check_key((size_t) _i, "match again", &again.match, &r.match);
    check_key((size_t) _i, "mask again", &again.mask, &r.mask);
    struct good g = { .n_acts = r.n_acts };
    ck_assert_uint_le(r.n_acts, MAX_ACTS);
    for (size_t j = 0; j < r.n_acts; j++) {
        g.acts[j] = r.acts[j];
    }
    check_acts((size_t) _i, &again, &g);
    of_rule_free(&again);
    of_rule_free(&r);
}
END_TEST

/* Without a lookup, numbers and LOCAL still name ports. */
START_TEST(test_no_lookup)
{
    struct of_rule r;
    char err[256];

    ck_assert(of_rule_parse("in_port=LOCAL,actions=5", NULL, NULL, &r, err,
                            sizeof err));
    ck_assert_uint_eq(r.match.in_port, OFPP_LOCAL);
    ck_assert_uint_eq(r.acts[0].port, 5);
    of_rule_free(&r);
    ck_assert(!of_rule_parse("in_port=vm1,actions=drop", NULL, NULL, &r,
                             err, sizeof err));
    ck_assert_str_eq(err, "unknown port 'vm1'");
}
END_TEST

static Suite *
ofparse_suite(void)
{
    Suite *s = suite_create("ofparse");
    TCase *tc = tcase_create("ofparse");
    tcase_add_loop_test(tc, test_good_rules, 0,
                        (int) (sizeof goods / sizeof goods[0]));
    tcase_add_test(tc, test_header_keys);
    tcase_add_loop_test(tc, test_bad_rules, 0,
                        (int) (sizeof bads / sizeof bads[0]));
    tcase_add_test(tc, test_short_err);
    tcase_add_loop_test(tc, test_format, 0,
                        (int) (sizeof fmts / sizeof fmts[0]));
    tcase_add_loop_test(tc, test_round_trip, 0,
                        (int) (sizeof goods / sizeof goods[0]));
    tcase_add_test(tc, test_no_lookup);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(ofparse_suite)
