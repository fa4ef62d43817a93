/* models/ovs/ofrule.h: OpenFlow rules, as ovs-ofctl add-flow writes them.
 *
 * A rule lives in one table (0..254) at one priority (0..65535) and has a
 * match (a key under a mask, models/ovs/flowkey.h) and a list of actions.
 * Scenarios give rules as ovs-ofctl add-flow strings; ofrule_parse() reads
 * one, in OVS's syntax:
 *
 *   table=0,priority=200,udp,tp_dst=9999,actions=drop
 *   priority=10,in_port=vm1,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,
 *       actions=mod_vlan_vid:10,resubmit(,1)
 *
 * Fields are separated by commas or spaces, "name=value"; "actions=" (or
 * "action=") takes the rest of the string.  A rule with no actions, or
 * "actions=drop", drops.
 *
 * Matches: in_port, dl_src, dl_dst (with /MASK), dl_vlan (0xffff: no
 * tag), dl_vlan_pcp, vlan_tci (with /MASK), dl_type, the shorthands ip,
 * arp, icmp, udp, tcp, nw_src, nw_dst (A.B.C.D[/prefix or /mask]),
 * nw_proto, nw_tos, nw_ttl, tp_src, tp_dst (with /MASK), tun_id, and the
 * OF1.2 names OVS also takes for them (eth_src, ip_src, udp_dst...).
 *
 * Actions: output:PORT, normal, flood, all, in_port, local, drop,
 * controller[:...], mod_vlan_vid:V, mod_vlan_pcp:P, strip_vlan (pop_vlan),
 * push_vlan:ETHERTYPE, mod_dl_src:MAC, mod_dl_dst:MAC, mod_nw_src:IP,
 * mod_nw_dst:IP, mod_nw_tos:TOS, mod_tp_src:N, mod_tp_dst:N, dec_ttl,
 * set_field:VALUE->FIELD, load:VALUE->FIELD (for the same fields),
 * resubmit(PORT,TABLE) and resubmit:PORT, goto_table:T, set_queue:Q. */
#ifndef VH_MODELS_OVS_OFRULE_H
#define VH_MODELS_OVS_OFRULE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/ovs/flowkey.h"

#define OF_N_TABLES 255         /* Tables 0..254, as OpenFlow 1.3. */

/* Port numbers with a meaning of their own (OpenFlow's reserved ports). */
#define OFPP_NONE 0             /* No port (resubmit's default "in_port"). */
#define OFPP_IN_PORT 0xfff8
#define OFPP_LOCAL 0xfffe       /* The bridge's own internal port. */

/* Fields an action sets (set_field, load, mod_*). */
enum of_field {
    OFF_DL_SRC, OFF_DL_DST, OFF_VLAN_VID, OFF_VLAN_PCP, OFF_NW_SRC,
    OFF_NW_DST, OFF_NW_TOS, OFF_NW_TTL, OFF_TP_SRC, OFF_TP_DST,
    OFF_TUN_ID, OFF_PKT_MARK,
};

enum of_act_type {
    OFA_OUTPUT,                 /* 'port'. */
    OFA_NORMAL,                 /* The L2 learning switch. */
    OFA_FLOOD,                  /* Every port but the ingress (and ports
                                 * that do not flood). */
    OFA_ALL,                    /* Every port but the ingress. */
    OFA_IN_PORT,                /* Back out of the ingress port. */
    OFA_LOCAL,                  /* The bridge's internal port. */
    OFA_CONTROLLER,             /* To the controller: there is none, so
                                 * counted and dropped. */
    OFA_SET_FIELD,              /* 'field' = 'value' (mod_* too; a VLAN
                                 * VID set on an untagged frame pushes a
                                 * tag, as mod_vlan_vid does). */
    OFA_STRIP_VLAN,
    OFA_PUSH_VLAN,              /* 'value': the TPID, 0x8100 or 0x88a8. */
    OFA_DEC_TTL,
    OFA_RESUBMIT,               /* 'port' (OFPP_NONE: keep), 'table'
                                 * (-1 as 255: the current table). */
    OFA_GOTO_TABLE,             /* 'table', after this rule's actions. */
    OFA_SET_QUEUE,              /* 'value': the egress queue. */
};

struct of_action {
    enum of_act_type type;
    enum of_field field;        /* OFA_SET_FIELD. */
    uint32_t port;              /* OFA_OUTPUT, OFA_RESUBMIT. */
    uint8_t table;              /* OFA_RESUBMIT (255: current),
                                 * OFA_GOTO_TABLE. */
    uint64_t value;             /* OFA_SET_FIELD (a MAC in the low 48
                                 * bits, an IPv4 address host order...),
                                 * OFA_PUSH_VLAN, OFA_SET_QUEUE. */
};

/* Added with the parser (models/ovs/ofrule.c), to say what it writes:
 *
 * OFA_SET_FIELD's 'value' by field: OFF_VLAN_VID the VID alone, 0..4095
 * (set_field's "present" bit 0x1000 is dropped); OFF_VLAN_PCP 0..7;
 * OFF_NW_TOS a TOS byte whose 2 ECN bits are zero, as OVS requires of
 * mod_nw_tos (ip_dscp=D is written D << 2): it sets the frame's DSCP
 * and keeps its ECN; OFF_TUN_ID and OFF_PKT_MARK 32 bits.
 *
 * OFA_RESUBMIT: "resubmit(in_port,T)" is read as port OFPP_NONE, which
 * means the same thing; OFPP_IN_PORT is never written there.
 *
 * A match on nw_tos (or ip_dscp) has mask 0xfc: as in OVS it matches
 * the DSCP bits only (of the TOS byte, or of IPv6's traffic class).  An
 * IPv6 address (ipv6_src, ipv6_dst, nd_target) is matched as its 16
 * bytes under a mask from a prefix or an address; ipv6_label's full mask
 * is 0xfffff.  A rule with no actions has 'acts' NULL. */

struct of_rule {
    char *text;                 /* The rule as written. */
    uint8_t table;
    uint16_t priority;          /* Default 32768, as ovs-ofctl. */
    uint16_t idle_timeout;      /* Seconds; 0: none. */
    uint16_t hard_timeout;
    uint64_t cookie;
    struct ofkey match;         /* Already masked. */
    struct ofkey mask;
    struct of_action *acts;
    size_t n_acts;
    /* Kept by whoever runs the rule (models/ovs/classifier.h). */
    uint64_t n_packets;
    uint64_t n_bytes;
    uint64_t added;             /* When it was added, and last matched */
    uint64_t used;              /* (simulated time), for its timeouts. */
    bool expired;               /* Its timeout passed: it leaves its table
                                 * once no cached flow points at it. */
    uint64_t seq;               /* Order of insertion: breaks ties between
                                 * overlapping rules of one priority. */
};

/* Resolves a port name written in a rule ("eth0", "vm1", "vm1.eth0") to
 * its OpenFlow number; returns 0 if there is no such port. */
typedef uint32_t (*of_port_lookup_fn)(void *ctx, const char *name);

/* Parses 'text' into 'rule' (whose 'text' becomes a copy of it).  Port
 * names go through 'lookup' (numbers are taken as they are).  On an
 * error returns false with a message in 'err' that quotes the offending
 * token and, for an unknown field or action name, suggests the nearest
 * known one: "unknown field 'nw_sorc' (did you mean 'nw_src'?)".
 *
 * (Added with the parser:) 'lookup' may be NULL, leaving numbers and
 * LOCAL.  The message is cut to fit 'errsize' bytes; 'err' may be NULL.
 * 'rule' is the caller's, on the stack or not: on an error it is left
 * zeroed, holding nothing to free. */
bool of_rule_parse(const char *text, of_port_lookup_fn lookup, void *ctx,
                   struct of_rule *rule, char *err, size_t errsize);

/* (Added with the parser:) frees what 'rule' holds, its text and
 * actions, and not 'rule' itself, which of_rule_parse() was handed: an
 * owner that allocated the struct calls free() on it after this. */
void of_rule_free(struct of_rule *);

/* Writes 'rule' as ovs-ofctl dump-flows prints it, without its
 * counters: "table=0, priority=200,udp,tp_dst=9999 actions=drop".
 * Returns 'buf'. */
char *of_rule_format(const struct of_rule *, char *buf, size_t size);

#endif /* models/ovs/ofrule.h */
