/* models/switch/swacl.c: first-match ingress rules over a frame's bytes. */
#include "models/switch/swacl.h"

#include <stdlib.h>

#include "models/core/devclass.h"
#include "sim/frame.h"
#include "sim/packet.h"
#include "sim/xmalloc.h"

void
swacl_init(struct swacl *acl, const struct cfg_acl_rule *rules, size_t n)
{
    acl->rules = rules;
    acl->n = n;
    acl->hits = n ? vh_xcalloc(n, sizeof *acl->hits) : NULL;
    acl->dflt = 0;
}

void
swacl_destroy(struct swacl *acl)
{
    free(acl->hits);
    acl->hits = NULL;
}

/* What the rules read of a frame, parsed once per frame. */
struct acl_key {
    const struct vh_mac *src, *dst;
    int vlan;                   /* The tag's VID, or -1 when untagged. */
    uint16_t ethertype;         /* Behind any tag. */
    bool ipv4;
    struct vh_flow flow;        /* With 'ipv4'. */
    int in_port;                /* 1-based. */
};

static void
acl_key_parse(struct acl_key *k, const struct vh_packet *p, int in_port)
{
    k->src = vh_eth_src(p->data);
    k->dst = vh_eth_dst(p->data);
    k->vlan = vh_frame_vlan(p->data, p->len);
    k->ethertype = vh_eth_type(p->data);
    if (k->vlan >= 0 && p->len >= VH_VLAN_TYPE_OFF + 2) {
        k->ethertype = vh_get_be16(p->data + VH_VLAN_TYPE_OFF);
    }
    k->ipv4 = vh_frame_flow(p->data, p->len, &k->flow);
    k->in_port = in_port;
}

static bool
acl_proto_matches(enum cfg_acl_proto proto, const struct acl_key *k)
{
    static const uint8_t ipproto[] = {
        [CFG_ACL_UDP] = VH_IPPROTO_UDP, [CFG_ACL_TCP] = VH_IPPROTO_TCP,
        [CFG_ACL_ICMP] = VH_IPPROTO_ICMP,
    };
    if (proto == CFG_ACL_ARP) {
        return k->ethertype == VH_ETHERTYPE_ARP;
    }
    return k->ipv4 && k->flow.proto == ipproto[proto];
}

/* Whether every field rule 'r' gives matches 'k'.  IP fields match only
 * IPv4 frames: an ARP or other frame has no such header to compare. */
static bool
acl_rule_matches(const struct cfg_acl_rule *r, const struct acl_key *k)
{
    unsigned m = r->match;
    return (!(m & CFG_ACL_IN_PORT) || r->in_port == k->in_port)
           && (!(m & CFG_ACL_VLAN) || r->vlan == k->vlan)
           && (!(m & CFG_ACL_SRC_MAC) || vh_mac_eq(&r->src_mac, k->src))
           && (!(m & CFG_ACL_DST_MAC) || vh_mac_eq(&r->dst_mac, k->dst))
           && (!(m & CFG_ACL_SRC_IP)
               || (k->ipv4 && (k->flow.ip_src & r->src_mask) == r->src_ip))
           && (!(m & CFG_ACL_DST_IP)
               || (k->ipv4 && (k->flow.ip_dst & r->dst_mask) == r->dst_ip))
           && (!(m & CFG_ACL_PROTO) || acl_proto_matches(r->proto, k));
}

bool
swacl_permits(struct swacl *acl, int in_port, const struct vh_packet *p)
{
    if (!acl->n || p->len < VH_ETH_HLEN) {
        return true;
    }
    struct acl_key k;
    acl_key_parse(&k, p, in_port);
    for (size_t i = 0; i < acl->n; i++) {
        if (acl_rule_matches(&acl->rules[i], &k)) {
            acl->hits[i]++;
            return acl->rules[i].action == CFG_ACL_PERMIT;
        }
    }
    acl->dflt++;
    return true;
}

void
swacl_report(const struct swacl *acl, struct report_out *out)
{
    report_out_begin_list(out, "acl");
    for (size_t i = 0; i < acl->n; i++) {
        report_out_begin_item(out);
        report_out_num(out, "rule", (double) i);
        report_out_str(out, "action",
                       cfg_acl_action_names[acl->rules[i].action]);
        report_out_num(out, "hits", (double) acl->hits[i]);
        report_out_end(out);
    }
    report_out_end(out);
    report_out_num(out, "acl_default", (double) acl->dflt);
}
