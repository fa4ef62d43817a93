/* loader/scenario_acl.c: a switch's "acl", its ordered ingress rules.
 *
 * The contract's rule keys are all read here: "action" ("permit" or
 * "deny", required) and any of "src_mac", "dst_mac", "src_ip", "dst_ip",
 * "proto", "vlan" and "in_port".  Choices the contract leaves open:
 *   src_ip, dst_ip    a dotted quad, or (extension) a network with a
 *                     /prefix, "10.0.1.0/24", whose host bits are clear;
 *                     they match IPv4 frames only
 *   proto             "udp", "tcp", "icmp" (IPv4 protocols) or, an
 *                     extension, "arp" (by EtherType)
 *   vlan              1..4094, the VID of the frame's 802.1Q tag; an
 *                     untagged frame has none and never matches
 *   in_port           "p3", or the number 3: a port of this switch
 *   a rule with no match key matches every frame (a catch-all).
 * The switch must have read "ports" first: in_port is checked against
 * it.  A port's own ACL (a VM NIC's or a port group's "policy",
 * loader/scenario_portpolicy.c) takes the same rules without in_port. */
#include "loader/scenario_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const rule_keys[] = {
    "action", "src_mac", "dst_mac", "src_ip", "dst_ip", "proto", "vlan",
    "in_port",
};

/* Reads MAC 'key' of rule 'o'.  Any address may be matched, so a
 * broadcast or multicast one is allowed, unlike a NIC's own. */
static bool
acl_mac(struct ld *ld, const cJSON *o, const char *rp, const char *key,
        unsigned bit, struct vh_mac *out, unsigned *match)
{
    char path[JP_LEN];
    char *s = NULL;
    if (!ld_str(ld, o, rp, key, false, &s)) {
        return false;
    }
    if (!s) {
        return true;
    }
    jp_key(path, rp, key);
    bool ok = vh_mac_parse(s, out);
    if (!ok) {
        vh_diag_fail(ld->diag, path, "malformed MAC address '%s' (expected "
                     "six two-digit hex groups such as "
                     "\"52:54:00:00:00:01\")", s);
    }
    free(s);
    *match |= ok ? bit : 0;
    return ok;
}

/* Reads IPv4 address or network 'key' of rule 'o'. */
static bool
acl_ip(struct ld *ld, const cJSON *o, const char *rp, const char *key,
       unsigned bit, uint32_t *addr, uint32_t *mask, unsigned *match)
{
    char path[JP_LEN];
    char *s = NULL;
    if (!ld_str(ld, o, rp, key, false, &s)) {
        return false;
    }
    if (!s) {
        return true;
    }
    jp_key(path, rp, key);
    uint32_t a = 0;
    int p = 32;
    if (!vh_ipv4_parse(s, &a, &p)) {
        vh_diag_fail(ld->diag, path, "malformed IPv4 address '%s' (expected "
                     "a dotted quad, or a network such as \"10.0.1.0/24\")",
                     s);
    } else {
        uint32_t m = p ? UINT32_MAX << (32 - p) : 0;
        /* "10.0.0.5/24" is most likely a NIC's address pasted in: say
         * which network it would mean rather than guess. */
        if (a & ~m) {
            char net[16];
            vh_diag_fail(ld->diag, path, "'%s' has host bits set; the "
                         "network is \"%s/%d\"", s,
                         vh_ipv4_format(a & m, net), p);
        }
        *addr = a;
        *mask = m;
    }
    free(s);
    if (ld->diag->failed) {
        return false;
    }
    *match |= bit;
    return true;
}

bool
ld_switch_port(struct ld *ld, const cJSON *v, const char *path, int ports,
               int *out)
{
    long n = 0;
    if (cJSON_IsString(v)) {
        const char *s = v->valuestring;
        char *end = NULL;
        if (s[0] == 'p' && s[1] >= '1' && s[1] <= '9') {
            n = strtol(s + 1, &end, 10);
        }
        if (!end || *end) {
            return vh_diag_fail(ld->diag, path, "malformed port '%s' "
                                "(expected a port of this switch, \"p1\" "
                                "to \"p%d\", or its number)", s, ports);
        }
    } else if (cJSON_IsNumber(v) && v->valuedouble == (long) v->valuedouble) {
        n = (long) v->valuedouble;
    } else {
        return vh_diag_fail(ld->diag, path, "expected a port such as \"p1\" "
                            "or a port number, got %s", ld_type_name(v));
    }
    if (n < 1 || n > ports) {
        return vh_diag_fail(ld->diag, path, "port %ld is out of range; this "
                            "switch has ports p1 to p%d", n, ports);
    }
    *out = (int) n;
    return true;
}

/* Reads "in_port": "pN" or N, a port of a switch with 'ports' ports. */
static bool
acl_in_port(struct ld *ld, const cJSON *o, const char *rp, int ports,
            struct cfg_acl_rule *r)
{
    char path[JP_LEN];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "in_port");
    if (!v || cJSON_IsNull(v)) {
        return true;
    }
    jp_key(path, rp, "in_port");
    if (!ports) {
        return vh_diag_fail(ld->diag, path, "a port's own ACL has no "
                            "\"in_port\": every frame it sees crosses that "
                            "port");
    }
    if (!ld_switch_port(ld, v, path, ports, &r->in_port)) {
        return false;
    }
    r->match |= CFG_ACL_IN_PORT;
    return true;
}

static bool
acl_rule(struct ld *ld, const cJSON *o, const char *rp, int ports,
         struct cfg_acl_rule *r)
{
    int action = -1, proto = -1;
    long long vlan = -1;
    if (!ld_is_object(ld, o, rp)
        || !ld_keys_names(ld, o, rp, "ACL rule", rule_keys,
                          N_NAMES(rule_keys))) {
        return false;
    }
    if (ld_absent_or_null(o, "action")) {
        return vh_diag_fail(ld->diag, rp, "missing required key 'action' "
                            "(\"permit\" or \"deny\")");
    }
    if (!ld_enum(ld, o, rp, "action", "ACL action", cfg_acl_action_names,
                 N_NAMES(cfg_acl_action_names), &action)
        || !acl_mac(ld, o, rp, "src_mac", CFG_ACL_SRC_MAC, &r->src_mac,
                    &r->match)
        || !acl_mac(ld, o, rp, "dst_mac", CFG_ACL_DST_MAC, &r->dst_mac,
                    &r->match)
        || !acl_ip(ld, o, rp, "src_ip", CFG_ACL_SRC_IP, &r->src_ip,
                   &r->src_mask, &r->match)
        || !acl_ip(ld, o, rp, "dst_ip", CFG_ACL_DST_IP, &r->dst_ip,
                   &r->dst_mask, &r->match)
        || !ld_enum(ld, o, rp, "proto", "ACL protocol", cfg_acl_proto_names,
                    N_NAMES(cfg_acl_proto_names), &proto)
        || !ld_int(ld, o, rp, "vlan", false, 1, 4094, NULL, &vlan)
        || !acl_in_port(ld, o, rp, ports, r)) {
        return false;
    }
    r->action = (enum cfg_acl_action) action;
    if (proto >= 0) {
        r->proto = (enum cfg_acl_proto) proto;
        r->match |= CFG_ACL_PROTO;
    }
    if (vlan >= 0) {
        r->vlan = (uint16_t) vlan;
        r->match |= CFG_ACL_VLAN;
    }
    /* An ARP frame has no IPv4 header, so such a rule would never match:
     * refused, as a rule that can never decide anything is a mistake. */
    if (proto == CFG_ACL_ARP
        && (r->match & (CFG_ACL_SRC_IP | CFG_ACL_DST_IP))) {
        return vh_diag_fail(ld->diag, rp, "a rule with proto 'arp' cannot "
                            "match src_ip or dst_ip (they are IPv4 "
                            "header fields; ARP frames have none)");
    }
    return true;
}

bool
ld_acl_rules(struct ld *ld, const cJSON *o, const char *op, int ports,
             struct cfg_acl_rule **rules, size_t *n)
{
    const cJSON *arr;
    if (!ld_array(ld, o, op, "acl", &arr)) {
        return false;
    }
    if (!arr || !cJSON_GetArraySize(arr)) {
        return true;            /* No rule: no ACL, everything passes. */
    }
    char ap[JP_LEN];
    jp_key(ap, op, "acl");
    *n = (size_t) cJSON_GetArraySize(arr);
    *rules = ld_calloc(*n, sizeof **rules);
    size_t i = 0;
    for (const cJSON *r = arr->child; r; r = r->next, i++) {
        char rp[JP_LEN];
        jp_idx(rp, ap, i);
        if (!acl_rule(ld, r, rp, ports, &(*rules)[i])) {
            return false;
        }
    }
    return true;
}

bool
ld_acl(struct ld *ld, const cJSON *o, const char *sp, struct cfg_switch *sw)
{
    return ld_acl_rules(ld, o, sp, sw->ports, &sw->acl, &sw->n_acl);
}
