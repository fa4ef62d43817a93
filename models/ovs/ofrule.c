/* models/ovs/ofrule.c: OpenFlow rules read from, and written back as, the
 * strings ovs-ofctl add-flow takes.
 *
 * Reading goes token by token.  Before "actions=" a token is a header key
 * (table, priority...), a shorthand (ip, udp...) or a match field.  A
 * field writes some bits of the rule's match and mask and remembers which
 * token wrote them, so that a field named twice ("tp_dst=1,tp_dst=1") can
 * be told from a shorthand that agrees with a field ("udp,nw_proto=17",
 * which is fine) or disagrees with one ("tcp,nw_proto=17", which is not).
 * Prerequisites (tp_dst needs tcp, udp or icmp...) are checked once the
 * whole match is known, so fields may come in any order.  Then the
 * actions: the rest of the string, split at commas outside parentheses.
 *
 * Every message quotes the text at fault as it was written. */
#include "models/ovs/ofrule.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/diag.h"
#include "sim/frame.h"
#include "sim/xmalloc.h"

#define OFP_DEFAULT_PRIORITY 32768
#define PORT_MAX 0xff00         /* OpenFlow 1.0's OFPP_MAX: the highest
                                 * number of an ordinary port. */
#define ETH_TYPE_IP 0x0800
#define ETH_TYPE_ARP 0x0806
#define ETH_TYPE_IPV6 0x86dd
#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ICMPV6 58
#define ND_SOLICIT 135          /* ICMPv6 neighbour solicitation, */
#define ND_ADVERT 136           /* and advertisement. */
#define TABLE_CURRENT 255       /* resubmit's "this table". */

/* What separates tokens, before "actions=" and among the actions. */
static const char separators[] = ", \t\r\n";

/* --- Messages. --- */

struct parser {
    struct of_rule *rule;
    of_port_lookup_fn lookup;
    void *ctx;
    char *err;
    size_t errsize;
};

static bool fail(struct parser *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Writes the message into the caller's buffer, which snprintf truncates
 * if a long token would overflow it.  Returns false, for 'return fail()'. */
static bool
fail(struct parser *p, const char *fmt, ...)
{
    if (p->err && p->errsize) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->err, p->errsize, fmt, ap);
        va_end(ap);
    }
    return false;
}

/* "unknown WHAT 'word' (did you mean 'x'?)", the suggestion only when a
 * candidate is close enough to be a plausible typo. */
static bool
fail_unknown(struct parser *p, const char *what, const char *word,
             const char *const *names, size_t n)
{
    const char *guess = vh_suggest(word, names, n);
    if (guess) {
        return fail(p, "unknown %s '%s' (did you mean '%s'?)", what, word,
                    guess);
    }
    return fail(p, "unknown %s '%s'", what, word);
}

/* Names Open vSwitch knows that vhsim does not model: saying so is more
 * use than suggesting some other name that happens to be close. */
static bool
is_listed(const char *word, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcasecmp(word, names[i])) {
            return true;
        }
    }
    return false;
}

static const char *const unmodelled_fields[] = {
    "sctp", "sctp6", "rarp", "nw_ecn", "ip_ecn", "nw_frag", "ip_frag",
    "arp_sha", "arp_tha", "metadata", "pkt_mark", "ct_state", "ct_zone",
    "ct_mark", "tun_src", "tun_dst", "mpls", "mpls_label", "out_port",
    "out_group", "importance", "send_flow_rem", "check_overlap",
    "reset_counts", "no_packet_counts", "no_byte_counts",
};

static const char *const unmodelled_actions[] = {
    "learn", "ct", "ct_clear", "note", "bundle", "bundle_load",
    "multipath", "enqueue", "group", "meter", "push_mpls", "pop_mpls",
    "set_mpls_label", "set_mpls_ttl", "dec_mpls_ttl", "mod_nw_ecn",
    "set_tunnel64", "pop_queue", "exit", "conjunction", "move",
    "clear_actions", "write_actions", "write_metadata", "sample", "clone",
    "fin_timeout", "output_reg", "check_pkt_larger",
};

/* --- Numbers, addresses, ports. --- */

static int
digit_value(char c, int base)
{
    int d = isdigit((unsigned char) c) ? c - '0'
            : isxdigit((unsigned char) c) ? tolower((unsigned char) c)
                                            - 'a' + 10
            : -1;
    return d < base ? d : -1;
}

/* Parses all of 's' as a decimal or "0x" hexadecimal number no greater
 * than 'max'.  No octal: "010" is ten, as a reader expects. */
static bool
parse_uint(const char *s, uint64_t max, uint64_t *v)
{
    int base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s) {
        return false;
    }
    uint64_t n = 0;
    for (; *s; s++) {
        int d = digit_value(*s, base);
        if (d < 0 || n > (UINT64_MAX - (uint64_t) d) / (uint64_t) base) {
            return false;
        }
        n = n * (uint64_t) base + (uint64_t) d;
    }
    if (n > max) {
        return false;
    }
    *v = n;
    return true;
}

/* Whether 's' is written as a number (if perhaps a bad one), rather than
 * as a name: then it is never looked up as a port name. */
static bool
looks_numeric(const char *s)
{
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
    }
    if (!*s) {
        return false;
    }
    return strspn(s, "0123456789abcdefABCDEF") == strlen(s)
           && isdigit((unsigned char) s[0]);
}

static uint64_t
mac_to_u64(const struct vh_mac *m)
{
    uint64_t v = 0;
    for (int i = 0; i < VH_ETH_ALEN; i++) {
        v = v << 8 | m->b[i];
    }
    return v;
}

static bool
parse_mac(const char *s, uint64_t *v)
{
    struct vh_mac m;
    if (!vh_mac_parse(s, &m)) {
        return false;
    }
    *v = mac_to_u64(&m);
    return true;
}

static bool
parse_ip(const char *s, uint64_t *v)
{
    uint32_t a;
    if (!vh_ipv4_parse(s, &a, NULL)) {
        return false;
    }
    *v = a;
    return true;
}

/* An IPv4 mask written as a prefix length ("24") or an address
 * ("255.255.255.0"; any mask, contiguous or not, as OVS allows). */
static bool
parse_ip_mask(const char *s, uint64_t *m)
{
    uint64_t plen;
    if (strchr(s, '.')) {
        return parse_ip(s, m);
    }
    if (!parse_uint(s, 32, &plen)) {
        return false;
    }
    *m = plen ? (0xffffffffULL << (32 - plen)) & 0xffffffff : 0;
    return true;
}

/* An IPv6 address, into its 16 bytes as on the wire. */
static bool
parse_ip6(const char *s, uint8_t v[16])
{
    return inet_pton(AF_INET6, s, v) == 1;
}

/* An IPv6 mask: a prefix length ("64") or an address ("ffff:ffff::"). */
static bool
parse_ip6_mask(const char *s, uint8_t m[16])
{
    uint64_t plen;
    if (strchr(s, ':')) {
        return parse_ip6(s, m);
    }
    if (!parse_uint(s, 128, &plen)) {
        return false;
    }
    for (unsigned i = 0; i < 16; i++) {
        unsigned bits = plen > i * 8 ? (unsigned) plen - i * 8 : 0;
        m[i] = bits >= 8 ? 0xff : (uint8_t) (0xff00u >> bits);
    }
    return true;
}

/* Splits "VALUE/MASK" at its slash, in place.  Returns the mask, or NULL
 * if there is none. */
static char *
cut_mask(char *s)
{
    char *slash = strchr(s, '/');
    if (slash) {
        *slash++ = '\0';
    }
    return slash;
}

/* OpenFlow's reserved ports that ovs-ofctl also takes as an output port
 * ("output:NORMAL" is "normal").  Returns false if 's' is not one. */
static bool
reserved_port(const char *s, enum of_act_type *type)
{
    static const struct {
        const char *name;
        enum of_act_type type;
    } ports[] = {
        { "IN_PORT", OFA_IN_PORT }, { "LOCAL", OFA_LOCAL },
        { "NORMAL", OFA_NORMAL }, { "FLOOD", OFA_FLOOD },
        { "ALL", OFA_ALL }, { "CONTROLLER", OFA_CONTROLLER },
    };
    for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++) {
        if (!strcasecmp(s, ports[i].name)) {
            *type = ports[i].type;
            return true;
        }
    }
    return false;
}

/* A port by number, by the name LOCAL, or by a name 'lookup' knows.
 * 'what' names the field or action for a message. */
static bool
parse_port(struct parser *p, const char *s, const char *what,
           uint32_t *port)
{
    uint64_t n;
    if (looks_numeric(s)) {
        if (!parse_uint(s, PORT_MAX, &n) || !n) {
            return fail(p, "bad value '%s' for '%s' (expected a port name "
                        "or 1..%d)", s, what, PORT_MAX);
        }
        *port = (uint32_t) n;
        return true;
    }
    if (!strcasecmp(s, "LOCAL")) {
        *port = OFPP_LOCAL;
        return true;
    }
    uint32_t found = p->lookup && *s ? p->lookup(p->ctx, s) : 0;
    if (!found) {
        return fail(p, "unknown port '%s'", s);
    }
    *port = found;
    return true;
}

/* --- The match. --- */

/* The parts of a match a token can set.  A field sets one (vlan_tci sets
 * both VLAN ones); a shorthand sets dl_type and perhaps nw_proto. */
enum slot {
    S_IN_PORT, S_DL_SRC, S_DL_DST, S_VLAN_VID, S_VLAN_PCP, S_DL_TYPE,
    S_NW_SRC, S_NW_DST, S_NW_PROTO, S_NW_TOS, S_NW_TTL, S_TP_SRC,
    S_TP_DST, S_TUN_ID, S_IPV6_SRC, S_IPV6_DST, S_IPV6_LABEL, S_ND_TARGET,
    S_ND_SLL, S_ND_TLL,
};
#define N_SLOTS (S_ND_TLL + 1)
#define SL(S) (1u << (S))

/* What a field needs the rest of the match to say first. */
enum prereq {
    PR_NONE, PR_IP, PR_ARP, PR_IP_ARP, PR_L4, PR_TCP, PR_UDP, PR_ICMP,
    PR_IPV6, PR_IP46, PR_IP46_ARP, PR_ICMP46, PR_ICMPV6, PR_ND, PR_NS,
    PR_NA,
};

enum mkind {
    MK_INT,                     /* 0..max, perhaps with /MASK. */
    MK_PORT,
    MK_MAC,                     /* With an optional /MASK. */
    MK_IP,                      /* With an optional /PREFIX or /MASK. */
    MK_VLAN,                    /* dl_vlan: a VID, or 0xffff (no tag). */
    MK_PCP,                     /* dl_vlan_pcp: matches a tagged frame. */
    MK_TOS,                     /* nw_tos: the DSCP bits of the byte. */
    MK_DSCP,                    /* ip_dscp: the same bits, shifted. */
    MK_IP6,                     /* 16 bytes, with an optional /PREFIX or
                                 * /MASK; set by set_bits6(). */
};

struct mfield {
    const char *name;
    enum mkind kind;
    uint64_t max;               /* MK_INT. */
    bool maskable;              /* Takes "/MASK". */
    size_t off, width;          /* Where in struct ofkey, in bytes. */
    unsigned slots;
    enum prereq prereq;
};

#define KEY(M) offsetof(struct ofkey, M), sizeof ((struct ofkey *) 0)->M

static const struct mfield mfields[] = {
    { "in_port", MK_PORT, 0, false, KEY(in_port), SL(S_IN_PORT), PR_NONE },
    { "dl_src", MK_MAC, 0, true, KEY(dl_src), SL(S_DL_SRC), PR_NONE },
    { "dl_dst", MK_MAC, 0, true, KEY(dl_dst), SL(S_DL_DST), PR_NONE },
    { "dl_vlan", MK_VLAN, 0, false, KEY(vlan_tci), SL(S_VLAN_VID),
      PR_NONE },
    { "dl_vlan_pcp", MK_PCP, 0, false, KEY(vlan_tci), SL(S_VLAN_PCP),
      PR_NONE },
    { "vlan_tci", MK_INT, 0xffff, true, KEY(vlan_tci),
      SL(S_VLAN_VID) | SL(S_VLAN_PCP), PR_NONE },
    { "dl_type", MK_INT, 0xffff, false, KEY(dl_type), SL(S_DL_TYPE),
      PR_NONE },
    { "nw_src", MK_IP, 0, true, KEY(nw_src), SL(S_NW_SRC), PR_IP_ARP },
    { "nw_dst", MK_IP, 0, true, KEY(nw_dst), SL(S_NW_DST), PR_IP_ARP },
    { "nw_proto", MK_INT, 0xff, false, KEY(nw_proto), SL(S_NW_PROTO),
      PR_IP46_ARP },
    { "nw_tos", MK_TOS, 0, false, KEY(nw_tos), SL(S_NW_TOS), PR_IP46 },
    { "nw_ttl", MK_INT, 0xff, false, KEY(nw_ttl), SL(S_NW_TTL), PR_IP46 },
    { "tp_src", MK_INT, 0xffff, true, KEY(tp_src), SL(S_TP_SRC), PR_L4 },
    { "tp_dst", MK_INT, 0xffff, true, KEY(tp_dst), SL(S_TP_DST), PR_L4 },
    { "tun_id", MK_INT, 0xffffffff, true, KEY(tun_id), SL(S_TUN_ID),
      PR_NONE },
    /* The OpenFlow 1.2 names, some with narrower prerequisites. */
    { "eth_src", MK_MAC, 0, true, KEY(dl_src), SL(S_DL_SRC), PR_NONE },
    { "eth_dst", MK_MAC, 0, true, KEY(dl_dst), SL(S_DL_DST), PR_NONE },
    { "eth_type", MK_INT, 0xffff, false, KEY(dl_type), SL(S_DL_TYPE),
      PR_NONE },
    { "ip_src", MK_IP, 0, true, KEY(nw_src), SL(S_NW_SRC), PR_IP },
    { "ip_dst", MK_IP, 0, true, KEY(nw_dst), SL(S_NW_DST), PR_IP },
    { "arp_spa", MK_IP, 0, true, KEY(nw_src), SL(S_NW_SRC), PR_ARP },
    { "arp_tpa", MK_IP, 0, true, KEY(nw_dst), SL(S_NW_DST), PR_ARP },
    { "ip_proto", MK_INT, 0xff, false, KEY(nw_proto), SL(S_NW_PROTO),
      PR_IP46 },
    { "arp_op", MK_INT, 0xff, false, KEY(nw_proto), SL(S_NW_PROTO),
      PR_ARP },
    { "ip_dscp", MK_DSCP, 0, false, KEY(nw_tos), SL(S_NW_TOS), PR_IP46 },
    { "tcp_src", MK_INT, 0xffff, true, KEY(tp_src), SL(S_TP_SRC), PR_TCP },
    { "tcp_dst", MK_INT, 0xffff, true, KEY(tp_dst), SL(S_TP_DST), PR_TCP },
    { "udp_src", MK_INT, 0xffff, true, KEY(tp_src), SL(S_TP_SRC), PR_UDP },
    { "udp_dst", MK_INT, 0xffff, true, KEY(tp_dst), SL(S_TP_DST), PR_UDP },
    /* As ovs-ofctl, icmp_type and icmp_code also name ICMPv6's. */
    { "icmp_type", MK_INT, 0xff, false, KEY(tp_src), SL(S_TP_SRC),
      PR_ICMP46 },
    { "icmp_code", MK_INT, 0xff, false, KEY(tp_dst), SL(S_TP_DST),
      PR_ICMP46 },
    { "tunnel_id", MK_INT, 0xffffffff, true, KEY(tun_id), SL(S_TUN_ID),
      PR_NONE },
    /* IPv6 and neighbour discovery. */
    { "ipv6_src", MK_IP6, 0, true, KEY(ipv6_src), SL(S_IPV6_SRC),
      PR_IPV6 },
    { "ipv6_dst", MK_IP6, 0, true, KEY(ipv6_dst), SL(S_IPV6_DST),
      PR_IPV6 },
    { "ipv6_label", MK_INT, 0xfffff, true, KEY(ipv6_label),
      SL(S_IPV6_LABEL), PR_IPV6 },
    { "icmpv6_type", MK_INT, 0xff, false, KEY(tp_src), SL(S_TP_SRC),
      PR_ICMPV6 },
    { "icmpv6_code", MK_INT, 0xff, false, KEY(tp_dst), SL(S_TP_DST),
      PR_ICMPV6 },
    { "nd_target", MK_IP6, 0, true, KEY(nd_target), SL(S_ND_TARGET),
      PR_ND },
    { "nd_sll", MK_MAC, 0, true, KEY(nd_sll), SL(S_ND_SLL), PR_NS },
    { "nd_tll", MK_MAC, 0, true, KEY(nd_tll), SL(S_ND_TLL), PR_NA },
};
#define N_MFIELDS (sizeof mfields / sizeof mfields[0])

static const struct mfield *
find_mfield(const char *name)
{
    for (size_t i = 0; i < N_MFIELDS; i++) {
        if (!strcmp(name, mfields[i].name)) {
            return &mfields[i];
        }
    }
    return NULL;
}

struct shorthand {
    const char *name;
    uint16_t dl_type;
    int nw_proto;               /* -1: none. */
};

static const struct shorthand shorthands[] = {
    { "ip", ETH_TYPE_IP, -1 }, { "arp", ETH_TYPE_ARP, -1 },
    { "icmp", ETH_TYPE_IP, PROTO_ICMP }, { "tcp", ETH_TYPE_IP, PROTO_TCP },
    { "udp", ETH_TYPE_IP, PROTO_UDP }, { "ipv6", ETH_TYPE_IPV6, -1 },
    { "icmp6", ETH_TYPE_IPV6, PROTO_ICMPV6 },
    { "tcp6", ETH_TYPE_IPV6, PROTO_TCP }, { "udp6", ETH_TYPE_IPV6, PROTO_UDP },
};

enum hdr { H_TABLE, H_PRIORITY, H_IDLE, H_HARD, H_COOKIE };
#define N_HDRS (H_COOKIE + 1)

static const struct {
    const char *name;
    uint64_t max;
} hdrs[N_HDRS] = {
    [H_TABLE] = { "table", OF_N_TABLES - 1 },
    [H_PRIORITY] = { "priority", 0xffff },
    [H_IDLE] = { "idle_timeout", 0xffff },
    [H_HARD] = { "hard_timeout", 0xffff },
    [H_COOKIE] = { "cookie", UINT64_MAX },
};

/* What the match part has seen so far. */
struct matcher {
    struct parser *p;
    const char *hdr_by[N_HDRS];     /* Token that set each header key. */
    const char *slot_by[N_SLOTS];   /* Token that set each slot... */
    bool slot_named[N_SLOTS];       /* ...by its own name, or only through
                                     * a shorthand. */
    size_t slot_off[N_SLOTS];       /* Where in the key it lies. */
    struct {                        /* Fields, in the order written, for
                                     * checking prerequisites (each names
                                     * a slot no other one has, so there
                                     * are at most N_SLOTS). */
        const struct mfield *f;
        const char *tok;
    } used[N_SLOTS];
    size_t n_used;
};

/* Bytes 'f' covers of 'k', as a number: a MAC's first byte highest. */
static uint64_t
key_get(const struct ofkey *k, const struct mfield *f)
{
    const uint8_t *b = (const uint8_t *) k + f->off;
    uint64_t v = 0;
    uint16_t u16;
    uint32_t u32;

    switch (f->width) {
    case 1:
        return *b;
    case 2:
        memcpy(&u16, b, 2);
        return u16;
    case 4:
        memcpy(&u32, b, 4);
        return u32;
    default:
        for (size_t i = 0; i < f->width; i++) {
            v = v << 8 | b[i];
        }
        return v;
    }
}

static void
key_put(struct ofkey *k, const struct mfield *f, uint64_t v)
{
    uint8_t *b = (uint8_t *) k + f->off;
    uint16_t u16 = (uint16_t) v;
    uint32_t u32 = (uint32_t) v;

    switch (f->width) {
    case 1:
        *b = (uint8_t) v;
        break;
    case 2:
        memcpy(b, &u16, 2);
        break;
    case 4:
        memcpy(b, &u32, 4);
        break;
    default:
        for (size_t i = f->width; i-- > 0; v >>= 8) {
            b[i] = (uint8_t) v;
        }
        break;
    }
}

static uint64_t
width_mask(const struct mfield *f)
{
    return f->width >= 8 ? UINT64_MAX : (1ULL << (f->width * 8)) - 1;
}

/* The earlier token whose bits of the key a new one overlaps. */
static const char *
bits_owner(const struct matcher *m, const struct mfield *f)
{
    for (int s = 0; s < N_SLOTS; s++) {
        if (m->slot_by[s] && m->slot_off[s] == f->off) {
            return m->slot_by[s];
        }
    }
    return "?";
}

/* Writes 'v' under 'mask' into the rule's match for field 'f', which
 * token 'tok' set; 'named' is false for a shorthand.  A field named twice
 * is an error even with equal values (it is a slip in the rule); bits a
 * shorthand also sets need only agree. */
static bool
set_bits(struct matcher *m, const struct mfield *f, const char *tok,
         uint64_t v, uint64_t mask, bool named)
{
    struct of_rule *r = m->p->rule;

    for (int s = 0; s < N_SLOTS; s++) {
        if (f->slots & SL(s) && named && m->slot_named[s]) {
            return fail(m->p, "duplicate field: '%s' and '%s'",
                        m->slot_by[s], tok);
        }
    }
    uint64_t old_mask = key_get(&r->mask, f);
    uint64_t old = key_get(&r->match, f);
    if ((old ^ v) & old_mask & mask) {
        return fail(m->p, "'%s' conflicts with '%s'", tok, bits_owner(m, f));
    }
    /* The bits both set agree, so OR-ing in the new ones is enough. */
    key_put(&r->mask, f, old_mask | mask);
    key_put(&r->match, f, old | (v & mask));

    for (int s = 0; s < N_SLOTS; s++) {
        if (f->slots & SL(s)) {
            if (named || !m->slot_by[s]) {
                m->slot_by[s] = tok;
            }
            m->slot_named[s] |= named;
            m->slot_off[s] = f->off;
        }
    }
    if (named) {
        m->used[m->n_used].f = f;
        m->used[m->n_used].tok = tok;
        m->n_used++;
    }
    return true;
}

/* set_bits() for a 16-byte field (an IPv6 address), which does not fit
 * the 64-bit value set_bits() carries. */
static bool
set_bits6(struct matcher *m, const struct mfield *f, const char *tok,
          const uint8_t v[16], const uint8_t mask[16])
{
    struct of_rule *r = m->p->rule;
    uint8_t *kv = (uint8_t *) &r->match + f->off;
    uint8_t *km = (uint8_t *) &r->mask + f->off;
    int s = __builtin_ctz(f->slots);

    if (m->slot_named[s]) {
        return fail(m->p, "duplicate field: '%s' and '%s'", m->slot_by[s],
                    tok);
    }
    for (int i = 0; i < 16; i++) {
        km[i] |= mask[i];
        kv[i] |= v[i] & mask[i];
    }
    m->slot_by[s] = tok;
    m->slot_named[s] = true;
    m->slot_off[s] = f->off;
    m->used[m->n_used].f = f;
    m->used[m->n_used].tok = tok;
    m->n_used++;
    return true;
}

/* An IPv6 field's "ADDRESS[/MASK]" (a copy this may cut up), set. */
static bool
parse_set_ip6(struct matcher *m, const struct mfield *f, const char *tok,
              char *val)
{
    uint8_t v[16], mask[16];
    char *mstr = cut_mask(val);

    if (!parse_ip6(val, v)) {
        return fail(m->p, "bad value '%s' for '%s' (expected an IPv6 "
                    "address such as 2001:db8::1)", val, f->name);
    }
    memset(mask, 0xff, sizeof mask);
    if (mstr && !parse_ip6_mask(mstr, mask)) {
        return fail(m->p, "bad mask '%s' for '%s' (expected a prefix "
                    "length 0..128 or a mask such as ffff:ffff::)", mstr,
                    f->name);
    }
    return set_bits6(m, f, tok, v, mask);
}

static bool
bad_value(struct parser *p, const char *what, const char *s,
          const char *name, const char *expected)
{
    return fail(p, "bad %s '%s' for '%s' (expected %s)", what, s, name,
                expected);
}

/* Parses field 'f''s value 'val' (a copy this may cut up) into a value
 * and mask. */
static bool
parse_mfield(struct parser *p, const struct mfield *f, const char *tok,
             char *val, uint64_t *v, uint64_t *mask)
{
    static const char mac_text[] = "a MAC address such as "
                                   "52:54:00:00:00:01";
    char range[48];
    char *mstr = cut_mask(val);

    if (mstr && !f->maskable) {
        return fail(p, "field '%s' takes no /MASK ('%s')", f->name, tok);
    }
    /* A maskable number's full mask is its range (ipv6_label's 20 bits),
     * the others' their width: icmp_type is all of tp_src. */
    *mask = f->kind == MK_INT && f->maskable ? f->max : width_mask(f);
    switch (f->kind) {
    case MK_INT:
        snprintf(range, sizeof range, "0..%llu", (unsigned long long) f->max);
        if (!parse_uint(val, f->max, v)) {
            return bad_value(p, "value", val, f->name, range);
        }
        if (mstr && !parse_uint(mstr, f->max, mask)) {
            return bad_value(p, "mask", mstr, f->name, range);
        }
        return true;
    case MK_PORT: {
        uint32_t port;
        if (!parse_port(p, val, f->name, &port)) {
            return false;
        }
        *v = port;
        return true;
    }
    case MK_MAC:
        if (!parse_mac(val, v)) {
            return bad_value(p, "value", val, f->name, mac_text);
        }
        if (mstr && !parse_mac(mstr, mask)) {
            return bad_value(p, "mask", mstr, f->name, mac_text);
        }
        return true;
    case MK_IP:
        if (!parse_ip(val, v)) {
            return bad_value(p, "value", val, f->name,
                             "an IPv4 address A.B.C.D");
        }
        if (mstr && !parse_ip_mask(mstr, mask)) {
            return bad_value(p, "mask", mstr, f->name,
                             "a prefix length 0..32 or a mask A.B.C.D");
        }
        return true;
    case MK_VLAN:
        /* 0xffff is OpenFlow 1.0's "no tag": the whole TCI must be 0. */
        if (!parse_uint(val, 0xffff, v) || (*v > 4095 && *v != 0xffff)) {
            return bad_value(p, "value", val, f->name,
                             "0..4095, or 0xffff for no tag");
        }
        if (*v == 0xffff) {
            *v = 0;
            *mask = 0xffff;
        } else {
            *v |= OFKEY_VLAN_CFI;
            *mask = OFKEY_VLAN_CFI | 0xfff;
        }
        return true;
    case MK_PCP:
        if (!parse_uint(val, 7, v)) {
            return bad_value(p, "value", val, f->name, "0..7");
        }
        *v = OFKEY_VLAN_CFI | *v << 13;
        *mask = OFKEY_VLAN_CFI | 0xe000;
        return true;
    case MK_TOS:
        /* OVS matches only the DSCP bits of nw_tos, and refuses a value
         * with either ECN bit set rather than silently ignore it. */
        if (!parse_uint(val, 0xff, v) || *v & 3) {
            return bad_value(p, "value", val, f->name,
                             "0..255 with the 2 ECN bits clear");
        }
        *mask = 0xfc;
        return true;
    case MK_DSCP:
        if (!parse_uint(val, 63, v)) {
            return bad_value(p, "value", val, f->name, "0..63");
        }
        *v <<= 2;
        *mask = 0xfc;
        return true;
    case MK_IP6:
        break;                  /* parse_set_ip6(). */
    }
    return false;
}

static char *
dup_n(const char *s, size_t n)
{
    char *d = vh_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static bool
is_actions_key(const char *s, size_t n)
{
    return (n == 7 && !strncmp(s, "actions", 7))
           || (n == 6 && !strncmp(s, "action", 6));
}

static bool
apply_shorthand(struct matcher *m, const struct shorthand *sh,
                const char *tok)
{
    return set_bits(m, find_mfield("dl_type"), tok, sh->dl_type, 0xffff,
                    false)
           && (sh->nw_proto < 0
               || set_bits(m, find_mfield("nw_proto"), tok,
                           (uint64_t) sh->nw_proto, 0xff, false));
}

static bool
parse_header(struct matcher *m, enum hdr h, const char *tok, const char *val)
{
    struct parser *p = m->p;
    struct of_rule *r = p->rule;
    char range[32];
    uint64_t v;

    if (m->hdr_by[h]) {
        return fail(p, "duplicate field: '%s' and '%s'", m->hdr_by[h], tok);
    }
    if (strchr(val, '/')) {
        /* A cookie mask selects rules to modify or delete; a new rule
         * has just a cookie. */
        return fail(p, "field '%s' takes no /MASK ('%s')", hdrs[h].name,
                    tok);
    }
    if (!parse_uint(val, hdrs[h].max, &v)) {
        snprintf(range, sizeof range, "0..%llu",
                 (unsigned long long) hdrs[h].max);
        return bad_value(p, "value", val, hdrs[h].name,
                         h == H_COOKIE ? "a 64-bit number" : range);
    }
    m->hdr_by[h] = tok;
    switch (h) {
    case H_TABLE:
        r->table = (uint8_t) v;
        break;
    case H_PRIORITY:
        r->priority = (uint16_t) v;
        break;
    case H_IDLE:
        r->idle_timeout = (uint16_t) v;
        break;
    case H_HARD:
        r->hard_timeout = (uint16_t) v;
        break;
    case H_COOKIE:
        r->cookie = v;
        break;
    }
    return true;
}

static bool
unknown_field(struct parser *p, const char *name)
{
    const char *names[N_MFIELDS + N_HDRS + 16];
    size_t n = 0;

    if (is_listed(name, unmodelled_fields, sizeof unmodelled_fields
                                           / sizeof unmodelled_fields[0])) {
        return fail(p, "field '%s' is known to Open vSwitch but not "
                    "modelled by vhsim", name);
    }
    for (size_t i = 0; i < N_HDRS; i++) {
        names[n++] = hdrs[i].name;
    }
    for (size_t i = 0; i < sizeof shorthands / sizeof shorthands[0]; i++) {
        names[n++] = shorthands[i].name;
    }
    for (size_t i = 0; i < N_MFIELDS; i++) {
        names[n++] = mfields[i].name;
    }
    names[n++] = "actions";
    return fail_unknown(p, "field", name, names, n);
}

/* One token before "actions=": 'name' and 'val' (NULL without '=') are
 * copies of its two halves. */
static bool
parse_named(struct matcher *m, const char *tok, const char *name, char *val)
{
    struct parser *p = m->p;

    for (size_t i = 0; i < sizeof shorthands / sizeof shorthands[0]; i++) {
        if (!strcmp(name, shorthands[i].name)) {
            if (val) {
                return fail(p, "'%s' takes no value ('%s')", name, tok);
            }
            return apply_shorthand(m, &shorthands[i], tok);
        }
    }
    if (is_actions_key(name, strlen(name))) {
        return fail(p, "bad syntax '%s' (expected actions=ACTION,...)", tok);
    }

    const struct mfield *f = find_mfield(name);
    int h = -1;
    for (int i = 0; i < N_HDRS && h < 0; i++) {
        if (!strcmp(name, hdrs[i].name)) {
            h = i;
        }
    }
    if (!f && h < 0) {
        return unknown_field(p, name);
    }
    if (!val || !*val) {
        return fail(p, "field '%s' needs a value ('%s=...')", name, name);
    }
    if (h >= 0) {
        return parse_header(m, (enum hdr) h, tok, val);
    }

    if (f->kind == MK_IP6) {
        return parse_set_ip6(m, f, tok, val);
    }
    uint64_t v, mask;
    return parse_mfield(p, f, tok, val, &v, &mask)
           && set_bits(m, f, tok, v, mask, true);
}

static bool
parse_token(struct matcher *m, const char *tok)
{
    const char *eq = strchr(tok, '=');
    char *name = dup_n(tok, eq ? (size_t) (eq - tok) : strlen(tok));
    char *val = eq ? vh_xstrdup(eq + 1) : NULL;
    bool ok = parse_named(m, tok, name, val);
    free(name);
    free(val);
    return ok;
}

/* Reads the tokens before "actions=", NUL-terminating each in place in
 * 's'.  Sets '*acts' to what follows "actions=", or NULL if there is no
 * such key. */
static bool
parse_match(struct matcher *m, char *s, char **acts)
{
    *acts = NULL;
    for (;;) {
        s += strspn(s, separators);
        if (!*s) {
            return true;
        }
        size_t n = strcspn(s, separators);
        size_t name_len = strcspn(s, "=");
        if (name_len < n && is_actions_key(s, name_len)) {
            *acts = s + name_len + 1;
            return true;
        }
        char *tok = s;
        s += n;
        if (*s) {
            *s++ = '\0';
        }
        if (!parse_token(m, tok)) {
            return false;
        }
    }
}

static bool
has_dl_type(const struct of_rule *r, uint16_t type)
{
    return r->mask.dl_type == 0xffff && r->match.dl_type == type;
}

static bool
has_nw_proto(const struct of_rule *r, uint8_t proto)
{
    return has_dl_type(r, ETH_TYPE_IP) && r->mask.nw_proto == 0xff
           && r->match.nw_proto == proto;
}

static bool
has_nw_proto6(const struct of_rule *r, uint8_t proto)
{
    return has_dl_type(r, ETH_TYPE_IPV6) && r->mask.nw_proto == 0xff
           && r->match.nw_proto == proto;
}

/* IPv4's or IPv6's protocol 'proto'. */
static bool
has_nw_proto46(const struct of_rule *r, uint8_t proto)
{
    return has_nw_proto(r, proto) || has_nw_proto6(r, proto);
}

/* ICMPv6 of 'type' (with the code any, as ovs-ofctl takes it). */
static bool
has_icmp6_type(const struct of_rule *r, uint8_t type)
{
    return has_nw_proto6(r, PROTO_ICMPV6) && r->mask.tp_src == 0xffff
           && r->match.tp_src == type;
}

static bool
prereq_met(const struct of_rule *r, enum prereq pr)
{
    switch (pr) {
    case PR_NONE:
        return true;
    case PR_IP:
        return has_dl_type(r, ETH_TYPE_IP);
    case PR_ARP:
        return has_dl_type(r, ETH_TYPE_ARP);
    case PR_IP_ARP:
        return has_dl_type(r, ETH_TYPE_IP) || has_dl_type(r, ETH_TYPE_ARP);
    case PR_L4:
        return has_nw_proto46(r, PROTO_TCP) || has_nw_proto46(r, PROTO_UDP)
               || has_nw_proto(r, PROTO_ICMP)
               || has_nw_proto6(r, PROTO_ICMPV6);
    case PR_TCP:
        return has_nw_proto46(r, PROTO_TCP);
    case PR_UDP:
        return has_nw_proto46(r, PROTO_UDP);
    case PR_ICMP:
        return has_nw_proto(r, PROTO_ICMP);
    case PR_IPV6:
        return has_dl_type(r, ETH_TYPE_IPV6);
    case PR_IP46:
        return has_dl_type(r, ETH_TYPE_IP) || has_dl_type(r, ETH_TYPE_IPV6);
    case PR_IP46_ARP:
        return has_dl_type(r, ETH_TYPE_IP) || has_dl_type(r, ETH_TYPE_IPV6)
               || has_dl_type(r, ETH_TYPE_ARP);
    case PR_ICMP46:
        return has_nw_proto(r, PROTO_ICMP) || has_nw_proto6(r, PROTO_ICMPV6);
    case PR_ICMPV6:
        return has_nw_proto6(r, PROTO_ICMPV6);
    case PR_ND:
        return has_icmp6_type(r, ND_SOLICIT) || has_icmp6_type(r, ND_ADVERT);
    case PR_NS:
        return has_icmp6_type(r, ND_SOLICIT);
    case PR_NA:
        return has_icmp6_type(r, ND_ADVERT);
    }
    return false;
}

/* As OVS, a rule may match a field only where the field exists: tp_dst
 * only in a TCP, UDP or ICMP frame, and so on.  Otherwise it would match
 * whatever bytes lie there, or (in OVS) never match at all. */
static bool
check_prereqs(struct matcher *m)
{
    static const char *const needs[] = {
        [PR_NONE] = "", [PR_IP] = "ip", [PR_ARP] = "arp",
        [PR_IP_ARP] = "ip or arp",
        [PR_L4] = "tcp, udp, icmp, tcp6, udp6 or icmp6",
        [PR_TCP] = "tcp or tcp6", [PR_UDP] = "udp or udp6",
        [PR_ICMP] = "icmp", [PR_IPV6] = "ipv6", [PR_IP46] = "ip or ipv6",
        [PR_IP46_ARP] = "ip, ipv6 or arp", [PR_ICMP46] = "icmp or icmp6",
        [PR_ICMPV6] = "icmp6",
        [PR_ND] = "icmp6 with icmp_type=135 or 136",
        [PR_NS] = "icmp6 with icmp_type=135",
        [PR_NA] = "icmp6 with icmp_type=136",
    };
    for (size_t i = 0; i < m->n_used; i++) {
        enum prereq pr = m->used[i].f->prereq;
        if (!prereq_met(m->p->rule, pr)) {
            return fail(m->p, "'%s' needs %s (prerequisites not met)",
                        m->used[i].tok, needs[pr]);
        }
    }
    return true;
}

/* --- Actions. --- */

/* How an action's value is written. */
enum vkind {
    VK_INT,                     /* 0..max. */
    VK_MAC,
    VK_IP,
    VK_VID,                     /* 0..4095, perhaps with OpenFlow 1.2's
                                 * "present" bit 0x1000. */
    VK_TOS,                     /* The TOS byte, ECN bits clear. */
    VK_DSCP,                    /* 0..63, set as the TOS byte's top six
                                 * bits. */
};

/* A field an action sets, under one of its names. */
struct setter {
    const char *name;
    enum of_field field;
    enum vkind kind;
    uint64_t max;               /* VK_INT. */
};

/* set_field's names for the fields, as OVS writes them. */
static const struct setter setters[] = {
    { "eth_src", OFF_DL_SRC, VK_MAC, 0 },
    { "eth_dst", OFF_DL_DST, VK_MAC, 0 },
    { "vlan_vid", OFF_VLAN_VID, VK_VID, 0 },
    { "vlan_pcp", OFF_VLAN_PCP, VK_INT, 7 },
    { "ip_src", OFF_NW_SRC, VK_IP, 0 },
    { "ip_dst", OFF_NW_DST, VK_IP, 0 },
    { "ip_dscp", OFF_NW_TOS, VK_DSCP, 0 },
    { "nw_tos", OFF_NW_TOS, VK_TOS, 0 },
    { "nw_ttl", OFF_NW_TTL, VK_INT, 0xff },
    { "tcp_src", OFF_TP_SRC, VK_INT, 0xffff },
    { "tcp_dst", OFF_TP_DST, VK_INT, 0xffff },
    { "udp_src", OFF_TP_SRC, VK_INT, 0xffff },
    { "udp_dst", OFF_TP_DST, VK_INT, 0xffff },
    { "tp_src", OFF_TP_SRC, VK_INT, 0xffff },
    { "tp_dst", OFF_TP_DST, VK_INT, 0xffff },
    { "tun_id", OFF_TUN_ID, VK_INT, 0xffffffff },
    { "tunnel_id", OFF_TUN_ID, VK_INT, 0xffffffff },
    { "pkt_mark", OFF_PKT_MARK, VK_INT, 0xffffffff },
    /* OpenFlow 1.0 names OVS also takes. */
    { "dl_src", OFF_DL_SRC, VK_MAC, 0 },
    { "dl_dst", OFF_DL_DST, VK_MAC, 0 },
    { "dl_vlan", OFF_VLAN_VID, VK_INT, 4095 },
    { "dl_vlan_pcp", OFF_VLAN_PCP, VK_INT, 7 },
    { "nw_src", OFF_NW_SRC, VK_IP, 0 },
    { "nw_dst", OFF_NW_DST, VK_IP, 0 },
};
#define N_SETTERS (sizeof setters / sizeof setters[0])

/* load's Nicira names: bits START..START+NBITS-1 of a WIDTH-bit field
 * are one of vhsim's fields.  Only whole fields are modelled (and the
 * two parts of the TCI). */
static const struct nxm {
    const char *name;
    unsigned width, start, nbits;
    const char *setter;
} nxms[] = {
    { "NXM_OF_ETH_SRC", 48, 0, 48, "eth_src" },
    { "NXM_OF_ETH_DST", 48, 0, 48, "eth_dst" },
    { "NXM_OF_VLAN_TCI", 16, 0, 12, "vlan_vid" },
    { "NXM_OF_VLAN_TCI", 16, 13, 3, "vlan_pcp" },
    { "NXM_OF_IP_SRC", 32, 0, 32, "ip_src" },
    { "NXM_OF_IP_DST", 32, 0, 32, "ip_dst" },
    { "NXM_OF_IP_TOS", 8, 0, 8, "nw_tos" },
    { "NXM_NX_IP_TTL", 8, 0, 8, "nw_ttl" },
    { "NXM_OF_TCP_SRC", 16, 0, 16, "tcp_src" },
    { "NXM_OF_TCP_DST", 16, 0, 16, "tcp_dst" },
    { "NXM_OF_UDP_SRC", 16, 0, 16, "udp_src" },
    { "NXM_OF_UDP_DST", 16, 0, 16, "udp_dst" },
    { "NXM_NX_TUN_ID", 64, 0, 64, "tun_id" },
    { "NXM_NX_TUN_ID", 64, 0, 32, "tun_id" },
    { "NXM_NX_PKT_MARK", 32, 0, 32, "pkt_mark" },
};
#define N_NXMS (sizeof nxms / sizeof nxms[0])

enum act_kind {
    AK_SIMPLE,                  /* Just 'type'; any argument ignored. */
    AK_OUTPUT, AK_DROP, AK_MOD, AK_PUSH_VLAN, AK_SET_FIELD, AK_LOAD,
    AK_RESUBMIT, AK_GOTO_TABLE, AK_SET_QUEUE,
};

enum arg_use { ARG_NONE, ARG_MAY, ARG_MUST };

struct act_def {
    const char *name;
    enum act_kind kind;
    enum arg_use arg;
    const char *usage;          /* For "bad syntax" messages. */
    enum of_act_type type;      /* AK_SIMPLE. */
    struct setter set;          /* AK_MOD: the field it sets. */
};

static const struct act_def act_defs[] = {
    { "output", AK_OUTPUT, ARG_MUST, "output:PORT", 0, { 0 } },
    { "normal", AK_SIMPLE, ARG_NONE, "normal", OFA_NORMAL, { 0 } },
    { "flood", AK_SIMPLE, ARG_NONE, "flood", OFA_FLOOD, { 0 } },
    { "all", AK_SIMPLE, ARG_NONE, "all", OFA_ALL, { 0 } },
    { "in_port", AK_SIMPLE, ARG_NONE, "in_port", OFA_IN_PORT, { 0 } },
    { "local", AK_SIMPLE, ARG_NONE, "local", OFA_LOCAL, { 0 } },
    { "drop", AK_DROP, ARG_NONE, "drop", 0, { 0 } },
    /* Its arguments (max_len, reason...) change nothing here: there is
     * no controller. */
    { "controller", AK_SIMPLE, ARG_MAY, "controller[:MAX_LEN]",
      OFA_CONTROLLER, { 0 } },
    { "mod_vlan_vid", AK_MOD, ARG_MUST, "mod_vlan_vid:VID", 0,
      { "mod_vlan_vid", OFF_VLAN_VID, VK_INT, 4095 } },
    { "mod_vlan_pcp", AK_MOD, ARG_MUST, "mod_vlan_pcp:PCP", 0,
      { "mod_vlan_pcp", OFF_VLAN_PCP, VK_INT, 7 } },
    { "strip_vlan", AK_SIMPLE, ARG_NONE, "strip_vlan", OFA_STRIP_VLAN,
      { 0 } },
    { "pop_vlan", AK_SIMPLE, ARG_NONE, "pop_vlan", OFA_STRIP_VLAN, { 0 } },
    { "push_vlan", AK_PUSH_VLAN, ARG_MUST, "push_vlan:ETHERTYPE", 0,
      { 0 } },
    { "mod_dl_src", AK_MOD, ARG_MUST, "mod_dl_src:MAC", 0,
      { "mod_dl_src", OFF_DL_SRC, VK_MAC, 0 } },
    { "mod_dl_dst", AK_MOD, ARG_MUST, "mod_dl_dst:MAC", 0,
      { "mod_dl_dst", OFF_DL_DST, VK_MAC, 0 } },
    { "mod_nw_src", AK_MOD, ARG_MUST, "mod_nw_src:IP", 0,
      { "mod_nw_src", OFF_NW_SRC, VK_IP, 0 } },
    { "mod_nw_dst", AK_MOD, ARG_MUST, "mod_nw_dst:IP", 0,
      { "mod_nw_dst", OFF_NW_DST, VK_IP, 0 } },
    { "mod_nw_tos", AK_MOD, ARG_MUST, "mod_nw_tos:TOS", 0,
      { "mod_nw_tos", OFF_NW_TOS, VK_TOS, 0 } },
    { "mod_nw_ttl", AK_MOD, ARG_MUST, "mod_nw_ttl:TTL", 0,
      { "mod_nw_ttl", OFF_NW_TTL, VK_INT, 0xff } },
    { "mod_tp_src", AK_MOD, ARG_MUST, "mod_tp_src:PORT", 0,
      { "mod_tp_src", OFF_TP_SRC, VK_INT, 0xffff } },
    { "mod_tp_dst", AK_MOD, ARG_MUST, "mod_tp_dst:PORT", 0,
      { "mod_tp_dst", OFF_TP_DST, VK_INT, 0xffff } },
    { "set_tunnel", AK_MOD, ARG_MUST, "set_tunnel:ID", 0,
      { "set_tunnel", OFF_TUN_ID, VK_INT, 0xffffffff } },
    /* dec_ttl(ID,...) names controllers to tell: none here. */
    { "dec_ttl", AK_SIMPLE, ARG_MAY, "dec_ttl", OFA_DEC_TTL, { 0 } },
    { "set_field", AK_SET_FIELD, ARG_MUST, "set_field:VALUE->FIELD", 0,
      { 0 } },
    { "load", AK_LOAD, ARG_MUST, "load:VALUE->FIELD", 0, { 0 } },
    { "resubmit", AK_RESUBMIT, ARG_MUST,
      "resubmit:PORT or resubmit(PORT,TABLE)", 0, { 0 } },
    { "goto_table", AK_GOTO_TABLE, ARG_MUST, "goto_table:TABLE", 0,
      { 0 } },
    { "set_queue", AK_SET_QUEUE, ARG_MUST, "set_queue:QUEUE", 0, { 0 } },
};
#define N_ACT_DEFS (sizeof act_defs / sizeof act_defs[0])

static const char mac_text[] = "a MAC address such as 52:54:00:00:00:01";

/* What the action list has seen so far. */
struct acter {
    struct parser *p;
    size_t n_toks;
    const char *drop_tok;       /* "drop", if it was written. */
    const char *goto_tok;       /* "goto_table:T", if it was written. */
};

static struct of_action *
push_act(struct parser *p, enum of_act_type type)
{
    struct of_rule *r = p->rule;
    r->acts = vh_xgrow(r->acts, r->n_acts, sizeof *r->acts);
    struct of_action *a = &r->acts[r->n_acts++];
    memset(a, 0, sizeof *a);
    a->type = type;
    return a;
}

static char *
trim(char *s)
{
    s += strspn(s, " \t\r\n");
    size_t n = strlen(s);
    while (n && isspace((unsigned char) s[n - 1])) {
        s[--n] = '\0';
    }
    return s;
}

/* Parses 's' as the value 'set' takes.  load's values are numbers, so
 * with 'numbers' a MAC or an address may be one too. */
static bool
parse_set_value(struct parser *p, const struct setter *set, const char *s,
                bool numbers, uint64_t *v)
{
    char range[32];

    switch (set->kind) {
    case VK_INT:
        if (!parse_uint(s, set->max, v)) {
            snprintf(range, sizeof range, "0..%llu",
                     (unsigned long long) set->max);
            return bad_value(p, "value", s, set->name, range);
        }
        return true;
    case VK_MAC:
        if (!parse_mac(s, v)
            && !(numbers && parse_uint(s, 0xffffffffffffULL, v))) {
            return bad_value(p, "value", s, set->name, mac_text);
        }
        return true;
    case VK_IP:
        if (!parse_ip(s, v) && !(numbers && parse_uint(s, 0xffffffff, v))) {
            return bad_value(p, "value", s, set->name,
                             "an IPv4 address A.B.C.D");
        }
        return true;
    case VK_VID:
        if (!parse_uint(s, OFKEY_VLAN_CFI | 0xfff, v)) {
            return bad_value(p, "value", s, set->name, "0..4095");
        }
        *v &= 0xfff;
        return true;
    case VK_TOS:
        if (!parse_uint(s, 0xff, v) || *v & 3) {
            return bad_value(p, "value", s, set->name,
                             "0..255 with the 2 ECN bits clear");
        }
        return true;
    case VK_DSCP:
        if (!parse_uint(s, 63, v)) {
            return bad_value(p, "value", s, set->name, "0..63");
        }
        *v <<= 2;
        return true;
    }
    return false;
}

static const struct setter *
find_setter(const char *name)
{
    for (size_t i = 0; i < N_SETTERS; i++) {
        if (!strcmp(name, setters[i].name)) {
            return &setters[i];
        }
    }
    return NULL;
}

static bool
unknown_set_field(struct parser *p, const char *name, bool nxm_too)
{
    const char *names[N_SETTERS + N_NXMS];
    size_t n = 0;
    for (size_t i = 0; i < N_SETTERS; i++) {
        names[n++] = setters[i].name;
    }
    for (size_t i = 0; nxm_too && i < N_NXMS; i++) {
        names[n++] = nxms[i].name;
    }
    return fail_unknown(p, "field", name, names, n);
}

/* Reads "START..END" or "START" into a bit range. */
static bool
parse_bits(const char *s, unsigned *start, unsigned *nbits)
{
    const char *dots = strstr(s, "..");
    char *first = dup_n(s, dots ? (size_t) (dots - s) : strlen(s));
    uint64_t a, b;
    bool ok = parse_uint(first, 63, &a)
              && (dots ? parse_uint(dots + 2, 63, &b) : (b = a, true))
              && b >= a;
    free(first);
    if (ok) {
        *start = (unsigned) a;
        *nbits = (unsigned) (b - a + 1);
    }
    return ok;
}

/* load's destination: "NXM_OF_ETH_SRC[]", "NXM_OF_VLAN_TCI[0..11]", or a
 * set_field name ("eth_src", "eth_src[]"). */
static const struct setter *
find_load_dst(struct parser *p, const char *dst)
{
    char *name = vh_xstrdup(dst);
    char *bracket = strchr(name, '[');
    const struct setter *set = NULL;
    bool whole = true, known = false;
    unsigned start = 0, nbits = 0;

    if (bracket) {
        size_t len = strlen(bracket);
        *bracket = '\0';
        if (bracket[len - 1] != ']') {
            fail(p, "bad field '%s' (expected NAME[] or NAME[START..END])",
                 dst);
            goto out;
        }
        bracket[len - 1] = '\0';
        if (bracket[1]) {
            whole = false;
            if (!parse_bits(bracket + 1, &start, &nbits)) {
                fail(p, "bad field '%s' (expected NAME[] or "
                     "NAME[START..END])", dst);
                goto out;
            }
        }
    }
    for (size_t i = 0; i < N_NXMS && !set; i++) {
        const struct nxm *x = &nxms[i];
        if (!strcasecmp(name, x->name)) {
            known = true;
            if (whole ? x->start == 0 && x->nbits == x->width
                      : x->start == start && x->nbits == nbits) {
                set = find_setter(x->setter);
            }
        }
    }
    if (!set && !known) {
        set = find_setter(name);
        known = set != NULL;
        if (set && !whole) {
            set = NULL;
        }
    }
    if (!set) {
        if (known) {
            fail(p, "cannot load '%s': vhsim sets whole fields only "
                 "(NXM_OF_VLAN_TCI as [0..11] or [13..15])", dst);
        } else {
            unknown_set_field(p, name, true);
        }
    }
out:
    free(name);
    return set;
}

static bool
bad_syntax(struct parser *p, const char *tok, const struct act_def *d)
{
    return fail(p, "bad syntax '%s' (expected %s)", tok, d->usage);
}

/* set_field:VALUE->FIELD and load:VALUE->FIELD. */
static bool
parse_set_field(struct parser *p, const struct act_def *d, const char *tok,
                char *arg)
{
    char *arrow = strstr(arg, "->");
    if (!arrow || arrow == arg || !arrow[2]) {
        return bad_syntax(p, tok, d);
    }
    *arrow = '\0';
    const char *dst = arrow + 2;
    bool load = d->kind == AK_LOAD;
    const struct setter *set;

    if (load) {
        set = find_load_dst(p, dst);
    } else {
        set = find_setter(dst);
        if (!set) {
            return unknown_set_field(p, dst, false);
        }
    }
    uint64_t v;
    if (!set || !parse_set_value(p, set, arg, load, &v)) {
        return false;
    }
    struct of_action *a = push_act(p, OFA_SET_FIELD);
    a->field = set->field;
    a->value = v;
    return true;
}

/* resubmit:PORT, or resubmit(PORT,TABLE) with either left empty. */
static bool
parse_resubmit(struct parser *p, const struct act_def *d, const char *tok,
               char *arg)
{
    char *comma = strchr(arg, ',');
    char *port_s = arg, *table_s = NULL;
    uint32_t port = OFPP_NONE;
    uint64_t table = TABLE_CURRENT;

    if (comma) {
        *comma = '\0';
        table_s = trim(comma + 1);
        if (strchr(table_s, ',')) {
            return bad_syntax(p, tok, d);
        }
    }
    port_s = trim(port_s);
    if (!*port_s && (!table_s || !*table_s)) {
        return fail(p, "'%s' needs a port or a table", tok);
    }
    /* The frame's own in_port is what an empty port keeps anyway. */
    if (*port_s && strcasecmp(port_s, "in_port")
        && !parse_port(p, port_s, "resubmit", &port)) {
        return false;
    }
    if (table_s && *table_s && !parse_uint(table_s, TABLE_CURRENT, &table)) {
        return bad_value(p, "table", table_s, "resubmit",
                         "0..254, or 255 for this rule's");
    }
    struct of_action *a = push_act(p, OFA_RESUBMIT);
    a->port = port;
    a->table = (uint8_t) table;
    return true;
}

static bool
parse_goto_table(struct acter *ap, const char *tok, const char *arg)
{
    struct parser *p = ap->p;
    uint64_t t;
    char range[16];

    snprintf(range, sizeof range, "0..%d", OF_N_TABLES - 1);
    if (!parse_uint(arg, OF_N_TABLES - 1, &t)) {
        return bad_value(p, "value", arg, "goto_table", range);
    }
    /* OpenFlow forbids going back, which is what makes a pipeline of
     * goto_table end. */
    if (t <= p->rule->table) {
        return fail(p, "'%s' must go to a table after this rule's own "
                    "(table %u)", tok, (unsigned) p->rule->table);
    }
    push_act(p, OFA_GOTO_TABLE)->table = (uint8_t) t;
    ap->goto_tok = tok;
    return true;
}

static const struct act_def *
find_act(const char *name)
{
    for (size_t i = 0; i < N_ACT_DEFS; i++) {
        if (!strcasecmp(name, act_defs[i].name)) {
            return &act_defs[i];
        }
    }
    return NULL;
}

/* A word that is no action's name.  Alone ('bare'), ovs-ofctl takes a
 * port's name or number as output to it; otherwise it is unknown. */
static bool
parse_other(struct parser *p, const char *name, bool bare)
{
    uint32_t port;

    if (bare && (looks_numeric(name)
                 || (p->lookup && *name && p->lookup(p->ctx, name)))) {
        if (!parse_port(p, name, "output", &port)) {
            return false;
        }
        push_act(p, OFA_OUTPUT)->port = port;
        return true;
    }
    if (is_listed(name, unmodelled_actions, sizeof unmodelled_actions
                                            / sizeof unmodelled_actions[0])) {
        return fail(p, "action '%s' is known to Open vSwitch but not "
                    "modelled by vhsim", name);
    }
    const char *names[N_ACT_DEFS];
    for (size_t i = 0; i < N_ACT_DEFS; i++) {
        names[i] = act_defs[i].name;
    }
    return fail_unknown(p, "action", name, names, N_ACT_DEFS);
}

static bool
run_action(struct acter *ap, const struct act_def *d, const char *tok,
           char *arg)
{
    struct parser *p = ap->p;
    enum of_act_type type;
    uint64_t v;

    switch (d->kind) {
    case AK_SIMPLE:
        push_act(p, d->type);
        return true;
    case AK_OUTPUT: {
        uint32_t port;
        if (reserved_port(arg, &type)) {
            push_act(p, type);
            return true;
        }
        if (!parse_port(p, arg, "output", &port)) {
            return false;
        }
        push_act(p, OFA_OUTPUT)->port = port;
        return true;
    }
    case AK_DROP:
        ap->drop_tok = tok;
        return true;
    case AK_MOD: {
        if (!parse_set_value(p, &d->set, arg, false, &v)) {
            return false;
        }
        struct of_action *a = push_act(p, OFA_SET_FIELD);
        a->field = d->set.field;
        a->value = v;
        return true;
    }
    case AK_PUSH_VLAN:
        if (!parse_uint(arg, 0xffff, &v) || (v != 0x8100 && v != 0x88a8)) {
            return bad_value(p, "value", arg, "push_vlan",
                             "0x8100 or 0x88a8");
        }
        push_act(p, OFA_PUSH_VLAN)->value = v;
        return true;
    case AK_SET_FIELD:
    case AK_LOAD:
        return parse_set_field(p, d, tok, arg);
    case AK_RESUBMIT:
        return parse_resubmit(p, d, tok, arg);
    case AK_GOTO_TABLE:
        return parse_goto_table(ap, tok, arg);
    case AK_SET_QUEUE:
        if (!parse_uint(arg, 0xffffffff, &v)) {
            return bad_value(p, "value", arg, "set_queue", "0..4294967295");
        }
        push_act(p, OFA_SET_QUEUE)->value = v;
        return true;
    }
    return false;
}

/* One action, "name", "name:arg" or "name(arg)". */
static bool
parse_action(struct acter *ap, const char *tok)
{
    struct parser *p = ap->p;
    size_t name_len = strcspn(tok, ":(");
    size_t len = strlen(tok);
    char *name = dup_n(tok, name_len);
    char *arg = NULL;
    bool ok;

    const struct act_def *d = find_act(name);
    if (!d) {
        ok = parse_other(p, name, !tok[name_len]);
        goto out;
    }
    if (tok[name_len] == ':') {
        arg = vh_xstrdup(tok + name_len + 1);
    } else if (tok[name_len] == '(') {
        if (tok[len - 1] != ')') {
            ok = bad_syntax(p, tok, d);
            goto out;
        }
        arg = dup_n(tok + name_len + 1, len - name_len - 2);
    }
    if ((d->arg == ARG_NONE && arg) || (d->arg == ARG_MUST && !arg)
        || (d->arg == ARG_MUST && !*arg)) {
        ok = bad_syntax(p, tok, d);
        goto out;
    }
    ok = run_action(ap, d, tok, arg);
out:
    free(name);
    free(arg);
    return ok;
}

/* The action list: the rest of the rule, split at commas and spaces that
 * are not inside parentheses ("resubmit(,1)"). */
static bool
parse_actions(struct parser *p, char *s)
{
    struct acter ap = { .p = p };

    for (;;) {
        s += strspn(s, separators);
        if (!*s) {
            break;
        }
        char *tok = s;
        int depth = 0;
        bool unbalanced = false;
        while (*s && (depth > 0 || !strchr(separators, *s))) {
            if (*s == '(') {
                depth++;
            } else if (*s == ')' && --depth < 0) {
                unbalanced = true;
                depth = 0;
            }
            s++;
        }
        if (*s) {
            *s++ = '\0';
        }
        if (unbalanced || depth > 0) {
            return fail(p, "unbalanced parentheses in '%s'", tok);
        }
        /* OpenFlow runs goto_table after the actions, whatever the order
         * they are written in: OVS has it written last to say so. */
        if (ap.goto_tok) {
            return fail(p, "'%s' must be the last action", ap.goto_tok);
        }
        ap.n_toks++;
        if (!parse_action(&ap, tok)) {
            return false;
        }
    }
    if (ap.drop_tok && ap.n_toks > 1) {
        return fail(p, "'drop' must be the only action");
    }
    return true;
}

/* --- The whole rule. --- */

bool
of_rule_parse(const char *text, of_port_lookup_fn lookup, void *ctx,
              struct of_rule *rule, char *err, size_t errsize)
{
    struct parser p = {
        .rule = rule, .lookup = lookup, .ctx = ctx,
        .err = err, .errsize = errsize,
    };
    struct matcher m = { .p = &p };
    char *buf = vh_xstrdup(text ? text : "");
    char *acts;

    memset(rule, 0, sizeof *rule);
    rule->priority = OFP_DEFAULT_PRIORITY;
    if (err && errsize) {
        err[0] = '\0';
    }
    bool ok = parse_match(&m, buf, &acts) && check_prereqs(&m)
              && (acts ? parse_actions(&p, acts)
                       : fail(&p, "must specify an action (add "
                              "'actions=...')"));
    free(buf);
    if (!ok) {
        free(rule->acts);
        memset(rule, 0, sizeof *rule);
        return false;
    }
    rule->text = vh_xstrdup(text ? text : "");
    return true;
}

void
of_rule_free(struct of_rule *rule)
{
    if (rule) {
        free(rule->text);
        free(rule->acts);
        rule->text = NULL;
        rule->acts = NULL;
        rule->n_acts = 0;
    }
}

/* --- Writing a rule back. --- */

/* A string being written into a fixed buffer: what does not fit is cut
 * off, and the buffer always ends in a NUL. */
struct sbuf {
    char *buf;
    size_t size, len;
};

static void put(struct sbuf *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
put(struct sbuf *sb, const char *fmt, ...)
{
    if (sb->len >= sb->size) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(sb->buf + sb->len, sb->size - sb->len, fmt, ap);
    va_end(ap);
    if (n > 0) {
        sb->len += (size_t) n;
    }
}

static bool
mac_is_zero(const uint8_t *mac)
{
    for (int i = 0; i < VH_ETH_ALEN; i++) {
        if (mac[i]) {
            return false;
        }
    }
    return true;
}

static void
put_mac(struct sbuf *sb, const char *name, const uint8_t *mac,
        const uint8_t *mask)
{
    static const uint8_t ones[VH_ETH_ALEN] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff
    };
    char a[18], m[18];

    vh_mac_format((const struct vh_mac *) mac, a);
    if (!memcmp(mask, ones, VH_ETH_ALEN)) {
        put(sb, "%s=%s,", name, a);
    } else {
        put(sb, "%s=%s/%s,", name, a,
            vh_mac_format((const struct vh_mac *) mask, m));
    }
}

/* An address with its mask as a prefix length if it is one, else as an
 * address. */
static void
put_ip(struct sbuf *sb, const char *name, uint32_t addr, uint32_t mask)
{
    char a[16], m[16];
    uint32_t host = ~mask;

    vh_ipv4_format(addr, a);
    if (mask == 0xffffffff) {
        put(sb, "%s=%s,", name, a);
    } else if (!(host & (host + 1))) {
        put(sb, "%s=%s/%d,", name, a, 32 - __builtin_popcount(host));
    } else {
        put(sb, "%s=%s/%s,", name, a, vh_ipv4_format(mask, m));
    }
}

static void
put_int(struct sbuf *sb, const char *name, uint32_t v, uint32_t mask,
        uint32_t all)
{
    if (mask == all) {
        put(sb, "%s=%u,", name, v);
    } else {
        put(sb, "%s=0x%x/0x%x,", name, v, mask);
    }
}

static void
put_vlan(struct sbuf *sb, uint16_t tci, uint16_t mask)
{
    bool tagged = tci & OFKEY_VLAN_CFI;

    if (!mask) {
        return;
    } else if (tagged && mask == (OFKEY_VLAN_CFI | 0xfff)) {
        put(sb, "dl_vlan=%u,", tci & 0xfff);
    } else if (tagged && mask == (OFKEY_VLAN_CFI | 0xe000)) {
        put(sb, "dl_vlan_pcp=%u,", tci >> 13);
    } else if (tagged && mask == 0xffff) {
        put(sb, "dl_vlan=%u,dl_vlan_pcp=%u,", tci & 0xfff, tci >> 13);
    } else if (mask == 0xffff) {
        put(sb, "vlan_tci=0x%04x,", tci);
    } else {
        put(sb, "vlan_tci=0x%04x/0x%04x,", tci, mask);
    }
}

static void
put_port(struct sbuf *sb, uint32_t port)
{
    if (port == OFPP_LOCAL) {
        put(sb, "LOCAL");
    } else if (port == OFPP_IN_PORT) {
        put(sb, "IN_PORT");
    } else {
        put(sb, "%u", port);
    }
}

/* An IPv6 address with its mask as a prefix length if it is one. */
static void
put_ip6(struct sbuf *sb, const char *name, const uint8_t *addr,
        const uint8_t *mask)
{
    char a[INET6_ADDRSTRLEN], m[INET6_ADDRSTRLEN];
    int plen = 0;
    bool prefix = true;

    for (int i = 0; i < 16 * 8; i++) {
        bool bit = mask[i / 8] >> (7 - i % 8) & 1;
        if (bit && plen != i) {
            prefix = false;
        }
        plen += bit;
    }
    inet_ntop(AF_INET6, addr, a, sizeof a);
    if (prefix && plen == 128) {
        put(sb, "%s=%s,", name, a);
    } else if (prefix) {
        put(sb, "%s=%s/%d,", name, a, plen);
    } else {
        put(sb, "%s=%s/%s,", name, a, inet_ntop(AF_INET6, mask, m, sizeof m));
    }
}

static bool
bytes_zero(const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (b[i]) {
            return false;
        }
    }
    return true;
}

/* The match as ovs-ofctl writes it: the shorthand first, then the fields
 * in the order of the headers, each followed by a comma. */
static void
put_match(struct sbuf *sb, const struct of_rule *r)
{
    const struct ofkey *k = &r->match, *m = &r->mask;
    bool ip = has_dl_type(r, ETH_TYPE_IP);
    bool ip6 = has_dl_type(r, ETH_TYPE_IPV6);
    bool arp = has_dl_type(r, ETH_TYPE_ARP);
    bool icmp = has_nw_proto(r, PROTO_ICMP)
                || has_nw_proto6(r, PROTO_ICMPV6);
    const char *l4 = has_nw_proto(r, PROTO_ICMP) ? "icmp"
                     : has_nw_proto(r, PROTO_TCP) ? "tcp"
                     : has_nw_proto(r, PROTO_UDP) ? "udp"
                     : has_nw_proto6(r, PROTO_ICMPV6) ? "icmp6"
                     : has_nw_proto6(r, PROTO_TCP) ? "tcp6"
                     : has_nw_proto6(r, PROTO_UDP) ? "udp6" : NULL;

    if (r->priority != OFP_DEFAULT_PRIORITY) {
        put(sb, "priority=%u,", r->priority);
    }
    if (l4 || ip || ip6 || arp) {
        put(sb, "%s,", l4 ? l4 : ip ? "ip" : ip6 ? "ipv6" : "arp");
    }
    if (m->tun_id) {
        if (m->tun_id == 0xffffffff) {
            put(sb, "tun_id=0x%x,", k->tun_id);
        } else {
            put(sb, "tun_id=0x%x/0x%x,", k->tun_id, m->tun_id);
        }
    }
    if (m->in_port) {
        put(sb, "in_port=");
        put_port(sb, k->in_port);
        put(sb, ",");
    }
    put_vlan(sb, k->vlan_tci, m->vlan_tci);
    if (!mac_is_zero(m->dl_src)) {
        put_mac(sb, "dl_src", k->dl_src, m->dl_src);
    }
    if (!mac_is_zero(m->dl_dst)) {
        put_mac(sb, "dl_dst", k->dl_dst, m->dl_dst);
    }
    if (m->dl_type && !ip && !ip6 && !arp) {
        put(sb, "dl_type=0x%04x,", k->dl_type);
    }
    if (m->nw_src) {
        put_ip(sb, arp ? "arp_spa" : "nw_src", k->nw_src, m->nw_src);
    }
    if (m->nw_dst) {
        put_ip(sb, arp ? "arp_tpa" : "nw_dst", k->nw_dst, m->nw_dst);
    }
    if (!bytes_zero(m->ipv6_src, 16)) {
        put_ip6(sb, "ipv6_src", k->ipv6_src, m->ipv6_src);
    }
    if (!bytes_zero(m->ipv6_dst, 16)) {
        put_ip6(sb, "ipv6_dst", k->ipv6_dst, m->ipv6_dst);
    }
    if (m->ipv6_label == 0xfffff) {
        put(sb, "ipv6_label=0x%05x,", k->ipv6_label);
    } else if (m->ipv6_label) {
        put(sb, "ipv6_label=0x%05x/0x%05x,", k->ipv6_label, m->ipv6_label);
    }
    if (m->nw_proto && !l4) {
        put(sb, "%s=%u,", arp ? "arp_op" : "nw_proto", k->nw_proto);
    }
    if (m->nw_tos) {
        put(sb, "nw_tos=%u,", k->nw_tos);
    }
    if (m->nw_ttl) {
        put(sb, "nw_ttl=%u,", k->nw_ttl);
    }
    if (m->tp_src) {
        put_int(sb, icmp ? "icmp_type" : "tp_src", k->tp_src, m->tp_src,
                0xffff);
    }
    if (m->tp_dst) {
        put_int(sb, icmp ? "icmp_code" : "tp_dst", k->tp_dst, m->tp_dst,
                0xffff);
    }
    if (!bytes_zero(m->nd_target, 16)) {
        put_ip6(sb, "nd_target", k->nd_target, m->nd_target);
    }
    if (!mac_is_zero(m->nd_sll)) {
        put_mac(sb, "nd_sll", k->nd_sll, m->nd_sll);
    }
    if (!mac_is_zero(m->nd_tll)) {
        put_mac(sb, "nd_tll", k->nd_tll, m->nd_tll);
    }
}

static void
put_set_field(struct sbuf *sb, const struct of_action *a)
{
    unsigned long long v = (unsigned long long) a->value;
    struct vh_mac mac;
    char s[18];

    for (int i = VH_ETH_ALEN; i-- > 0; v >>= 8) {
        mac.b[i] = (uint8_t) v;
    }
    v = (unsigned long long) a->value;
    switch (a->field) {
    case OFF_DL_SRC:
        put(sb, "mod_dl_src:%s", vh_mac_format(&mac, s));
        break;
    case OFF_DL_DST:
        put(sb, "mod_dl_dst:%s", vh_mac_format(&mac, s));
        break;
    case OFF_VLAN_VID:
        put(sb, "mod_vlan_vid:%llu", v);
        break;
    case OFF_VLAN_PCP:
        put(sb, "mod_vlan_pcp:%llu", v);
        break;
    case OFF_NW_SRC:
        put(sb, "mod_nw_src:%s", vh_ipv4_format((uint32_t) v, s));
        break;
    case OFF_NW_DST:
        put(sb, "mod_nw_dst:%s", vh_ipv4_format((uint32_t) v, s));
        break;
    case OFF_NW_TOS:
        put(sb, "mod_nw_tos:%llu", v);
        break;
    case OFF_NW_TTL:
        put(sb, "mod_nw_ttl:%llu", v);
        break;
    case OFF_TP_SRC:
        put(sb, "mod_tp_src:%llu", v);
        break;
    case OFF_TP_DST:
        put(sb, "mod_tp_dst:%llu", v);
        break;
    case OFF_TUN_ID:
        put(sb, "set_field:0x%llx->tun_id", v);
        break;
    case OFF_PKT_MARK:
        put(sb, "set_field:0x%llx->pkt_mark", v);
        break;
    }
}

static void
put_action(struct sbuf *sb, const struct of_action *a)
{
    switch (a->type) {
    case OFA_OUTPUT:
        put(sb, "output:");
        put_port(sb, a->port);
        break;
    case OFA_NORMAL:
        put(sb, "NORMAL");
        break;
    case OFA_FLOOD:
        put(sb, "FLOOD");
        break;
    case OFA_ALL:
        put(sb, "ALL");
        break;
    case OFA_IN_PORT:
        put(sb, "IN_PORT");
        break;
    case OFA_LOCAL:
        put(sb, "LOCAL");
        break;
    case OFA_CONTROLLER:
        put(sb, "CONTROLLER:65535");
        break;
    case OFA_SET_FIELD:
        put_set_field(sb, a);
        break;
    case OFA_STRIP_VLAN:
        put(sb, "strip_vlan");
        break;
    case OFA_PUSH_VLAN:
        put(sb, "push_vlan:0x%04llx", (unsigned long long) a->value);
        break;
    case OFA_DEC_TTL:
        put(sb, "dec_ttl");
        break;
    case OFA_RESUBMIT:
        if (a->table == TABLE_CURRENT) {
            put(sb, "resubmit:");
            put_port(sb, a->port);
        } else if (a->port == OFPP_NONE) {
            put(sb, "resubmit(,%u)", a->table);
        } else {
            put(sb, "resubmit(");
            put_port(sb, a->port);
            put(sb, ",%u)", a->table);
        }
        break;
    case OFA_GOTO_TABLE:
        put(sb, "goto_table:%u", a->table);
        break;
    case OFA_SET_QUEUE:
        put(sb, "set_queue:%llu", (unsigned long long) a->value);
        break;
    }
}

char *
of_rule_format(const struct of_rule *r, char *buf, size_t size)
{
    struct sbuf sb = { buf, size, 0 };
    char match[1024];
    struct sbuf ms = { match, sizeof match, 0 };

    if (size) {
        buf[0] = '\0';
    }
    match[0] = '\0';
    if (r->cookie) {
        put(&sb, "cookie=0x%llx, ", (unsigned long long) r->cookie);
    }
    put(&sb, "table=%u, ", r->table);
    if (r->idle_timeout) {
        put(&sb, "idle_timeout=%u, ", r->idle_timeout);
    }
    if (r->hard_timeout) {
        put(&sb, "hard_timeout=%u, ", r->hard_timeout);
    }
    put_match(&ms, r);
    if (ms.len && ms.len < sizeof match) {
        match[ms.len - 1] = '\0';       /* The last field's comma. */
        put(&sb, "%s ", match);
    }
    put(&sb, "actions=");
    if (!r->n_acts) {
        put(&sb, "drop");
    }
    for (size_t i = 0; i < r->n_acts; i++) {
        put(&sb, "%s", i ? "," : "");
        put_action(&sb, &r->acts[i]);
    }
    return buf;
}
