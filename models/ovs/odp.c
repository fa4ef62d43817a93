/* models/ovs/odp.c: datapath action lists, and running them on frames.
 *
 * Rewrites keep every checksum right by updating it for the bytes that
 * changed (RFC 1624), as the kernel's csum_replace does, rather than
 * summing the packet again: the frame's other bytes are never read, and
 * a checksum that was wrong stays wrong, as on a real datapath. */
#include "models/ovs/odp.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "models/ovs/ovsfmt.h"
#include "sim/csum.h"
#include "sim/frame.h"
#include "sim/packet.h"
#include "sim/xmalloc.h"

#define IPV4_FRAG_OFF_MASK 0x1fff
#define TCP_CSUM_OFF 16
#define TCP_MIN_HLEN 20

void
odp_actions_init(struct odp_actions *acts)
{
    acts->a = NULL;
    acts->n = acts->cap = 0;
}

void
odp_actions_destroy(struct odp_actions *acts)
{
    free(acts->a);
    odp_actions_init(acts);
}

void
odp_actions_clear(struct odp_actions *acts)
{
    acts->n = 0;
}

void
odp_actions_add(struct odp_actions *acts, const struct odp_action *a)
{
    if (acts->n == acts->cap) {
        acts->cap = acts->cap ? acts->cap * 2 : 8;
        acts->a = vh_xrealloc(acts->a, acts->cap * sizeof *acts->a);
    }
    acts->a[acts->n++] = *a;
}

/* 'dst' must have been initialized; its actions are replaced. */
void
odp_actions_copy(struct odp_actions *dst, const struct odp_actions *src)
{
    odp_actions_clear(dst);
    for (size_t i = 0; i < src->n; i++) {
        odp_actions_add(dst, &src->a[i]);
    }
}

/* Compares only the members an action of its type uses, so that what a
 * maker left in the others does not matter. */
static bool
odp_action_eq(const struct odp_action *a, const struct odp_action *b)
{
    if (a->type != b->type) {
        return false;
    }
    switch (a->type) {
    case ODP_OUTPUT:
        return a->port == b->port;
    case ODP_SET_FIELD:
        return a->field == b->field && a->value == b->value;
    case ODP_PUSH_VLAN:
    case ODP_SET_VLAN:
    case ODP_SET_QUEUE:
        return a->value == b->value;
    case ODP_POP_VLAN:
    case ODP_USERSPACE:
        return true;
    }
    return false;
}

bool
odp_actions_eq(const struct odp_actions *a, const struct odp_actions *b)
{
    if (a->n != b->n) {
        return false;
    }
    for (size_t i = 0; i < a->n; i++) {
        if (!odp_action_eq(&a->a[i], &b->a[i])) {
            return false;
        }
    }
    return true;
}

/* A MAC address held in the low 48 bits of a value, its first byte the
 * most significant (as it is written). */
static struct vh_mac
mac_from_u64(uint64_t v)
{
    struct vh_mac m;
    for (int i = 0; i < VH_ETH_ALEN; i++) {
        m.b[i] = (uint8_t) (v >> (8 * (VH_ETH_ALEN - 1 - i)));
    }
    return m;
}

static void
format_set_field(struct ovsfmt *f, enum of_field field, uint64_t v)
{
    char b[18];

    switch (field) {
    case OFF_DL_SRC:
    case OFF_DL_DST: {
        struct vh_mac m = mac_from_u64(v);
        ovsfmt_add(f, "set(eth(%s=%s))", field == OFF_DL_SRC ? "src" : "dst",
                   vh_mac_format(&m, b));
        break;
    }
    case OFF_VLAN_VID:
        ovsfmt_add(f, "set(vlan(vid=%" PRIu64 "))", v);
        break;
    case OFF_VLAN_PCP:
        ovsfmt_add(f, "set(vlan(pcp=%" PRIu64 "))", v);
        break;
    case OFF_NW_SRC:
    case OFF_NW_DST:
        ovsfmt_add(f, "set(ipv4(%s=%s))", field == OFF_NW_SRC ? "src" : "dst",
                   vh_ipv4_format((uint32_t) v, b));
        break;
    case OFF_NW_TOS:
        ovsfmt_add(f, "set(ipv4(tos=%#" PRIx64 "))", v);
        break;
    case OFF_NW_TTL:
        ovsfmt_add(f, "set(ipv4(ttl=%" PRIu64 "))", v);
        break;
    case OFF_TP_SRC:
    case OFF_TP_DST:
        /* The action does not say whether the frame is UDP or TCP: it
         * rewrites either. */
        ovsfmt_add(f, "set(tp(%s=%" PRIu64 "))",
                   field == OFF_TP_SRC ? "src" : "dst", v);
        break;
    case OFF_TUN_ID:
        ovsfmt_add(f, "set(tunnel(tun_id=%#" PRIx64 "))", v);
        break;
    case OFF_PKT_MARK:
        ovsfmt_add(f, "set(skb_mark(%#" PRIx64 "))", v);
        break;
    }
}

static void
format_action(struct ovsfmt *f, const struct odp_action *a)
{
    switch (a->type) {
    case ODP_OUTPUT:
        if (a->port == OFPP_LOCAL) {
            ovsfmt_add(f, "LOCAL");
        } else {
            ovsfmt_add(f, "%" PRIu32, a->port);
        }
        break;
    case ODP_SET_FIELD:
        format_set_field(f, a->field, a->value);
        break;
    case ODP_PUSH_VLAN:
    case ODP_SET_VLAN:
        ovsfmt_add(f, a->type == ODP_PUSH_VLAN ? "push_vlan(vid=%u,pcp=%u)"
                                                : "set(vlan(vid=%u,pcp=%u))",
                   (unsigned) (a->value & 0xfff),
                   (unsigned) (a->value >> 13) & 7);
        break;
    case ODP_POP_VLAN:
        ovsfmt_add(f, "pop_vlan");
        break;
    case ODP_USERSPACE:
        ovsfmt_add(f, "userspace(controller)");
        break;
    case ODP_SET_QUEUE:
        ovsfmt_add(f, "set(skb_priority(%#" PRIx64 "))", a->value);
        break;
    }
}

char *
odp_actions_format(const struct odp_actions *acts, char *buf, size_t size)
{
    struct ovsfmt f;

    ovsfmt_init(&f, buf, size);
    if (!acts->n) {
        ovsfmt_add(&f, "drop");
    }
    for (size_t i = 0; i < acts->n; i++) {
        if (i) {
            ovsfmt_add(&f, ",");
        }
        format_action(&f, &acts->a[i]);
    }
    return buf;
}

/* Executing. */

/* Where the IPv4 and L4 headers of a frame lie, found again for each
 * rewrite because a VLAN push or pop before it moves them. */
struct ip_geom {
    uint8_t *ip;                /* NULL: not IPv4 (or too short). */
    uint8_t *l4;                /* NULL: no L4 header (a later fragment,
                                 * or cut short). */
    uint32_t l4_room;
    uint8_t proto;
};

static void
find_ipv4(struct vh_packet *p, struct ip_geom *g)
{
    memset(g, 0, sizeof *g);
    if (p->len < VH_ETH_HLEN) {
        return;
    }
    uint32_t l3 = VH_ETH_HLEN;
    uint16_t type = vh_eth_type(p->data);
    if (type == VH_ETHERTYPE_VLAN) {
        if (p->len < VH_ETH_HLEN + VH_VLAN_HLEN) {
            return;
        }
        type = vh_get_be16(p->data + VH_VLAN_TYPE_OFF);
        l3 += VH_VLAN_HLEN;
    }
    uint8_t *ip = p->data + l3;
    uint32_t room = p->len - l3;
    if (type != VH_ETHERTYPE_IPV4 || room < VH_IPV4_HLEN || ip[0] >> 4 != 4) {
        return;
    }
    uint32_t ihl = (ip[0] & 0xfu) * 4;
    if (ihl < VH_IPV4_HLEN || ihl > room) {
        return;
    }
    g->ip = ip;
    g->proto = ip[VH_IPV4_PROTO_OFF];

    /* Ethernet padding is not part of the segment. */
    uint16_t total = vh_get_be16(ip + VH_IPV4_TOTLEN_OFF);
    if (total < room) {
        room = total;
    }
    if (!(vh_get_be16(ip + VH_IPV4_FRAG_OFF) & IPV4_FRAG_OFF_MASK) && room > ihl) {
        g->l4 = ip + ihl;
        g->l4_room = room - ihl;
    }
}

/* The L4 checksum field of 'g', or NULL if the frame has none that covers
 * the addresses and ports (not UDP or TCP, or UDP sent without one). */
static uint8_t *
l4_csum(const struct ip_geom *g)
{
    if (!g->l4) {
        return NULL;
    }
    if (g->proto == VH_IPPROTO_UDP && g->l4_room >= VH_UDP_HLEN) {
        uint8_t *c = g->l4 + VH_UDP_CSUM_OFF;
        return vh_get_be16(c) ? c : NULL;
    }
    if (g->proto == VH_IPPROTO_TCP && g->l4_room >= TCP_MIN_HLEN) {
        return g->l4 + TCP_CSUM_OFF;
    }
    return NULL;
}

/* Stores a recomputed L4 checksum: a UDP checksum of 0 would mean "none",
 * so it goes as its one's-complement twin 0xffff (RFC 768). */
static void
l4_csum_store(const struct ip_geom *g, uint8_t *c, uint16_t csum)
{
    if (!csum && g->proto == VH_IPPROTO_UDP) {
        csum = 0xffff;
    }
    vh_put_be16(c, csum);
}

static void
set_ipv4_addr(const struct ip_geom *g, size_t off, uint32_t addr)
{
    uint8_t *f = g->ip + off;
    uint32_t old = vh_get_be32(f);
    uint8_t *ipc = g->ip + VH_IPV4_CSUM_OFF;

    vh_put_be32(f, addr);
    vh_put_be16(ipc, vh_csum_replace32(vh_get_be16(ipc), old, addr));
    /* The addresses are in the pseudo-header UDP and TCP sum. */
    uint8_t *c = l4_csum(g);
    if (c) {
        l4_csum_store(g, c, vh_csum_replace32(vh_get_be16(c), old, addr));
    }
}

/* A byte of the IPv4 header (TOS, TTL), covered by the header checksum
 * as half of a 16-bit word. */
static void
set_ipv4_byte(const struct ip_geom *g, size_t off, uint8_t v)
{
    uint8_t *word = g->ip + (off & ~(size_t) 1);
    uint16_t old = vh_get_be16(word);
    uint8_t *ipc = g->ip + VH_IPV4_CSUM_OFF;

    g->ip[off] = v;
    vh_put_be16(ipc, vh_csum_replace16(vh_get_be16(ipc), old,
                                       vh_get_be16(word)));
}

static void
set_l4_port(const struct ip_geom *g, size_t off, uint16_t port)
{
    if (!g->l4 || g->l4_room < 4
        || (g->proto != VH_IPPROTO_UDP && g->proto != VH_IPPROTO_TCP)) {
        return;
    }
    uint16_t old = vh_get_be16(g->l4 + off);
    uint8_t *c = l4_csum(g);

    vh_put_be16(g->l4 + off, port);
    if (c) {
        l4_csum_store(g, c, vh_csum_replace16(vh_get_be16(c), old, port));
    }
}

/* Fields a frame does not have are left alone, as the datapath ignores a
 * set action whose header is absent. */
static void
execute_set_field(struct vh_packet *p, enum of_field field, uint64_t v)
{
    struct ip_geom g;
    struct vh_mac mac;

    switch (field) {
    case OFF_DL_SRC:
    case OFF_DL_DST:
        if (p->len >= VH_ETH_HLEN) {
            mac = mac_from_u64(v);
            if (field == OFF_DL_SRC) {
                vh_eth_set_src(p->data, &mac);
            } else {
                vh_eth_set_dst(p->data, &mac);
            }
        }
        return;
    case OFF_TUN_ID:
        p->md.tun_key = (uint32_t) v;
        return;
    case OFF_PKT_MARK:
        p->md.mark = (uint32_t) v;
        return;
    case OFF_VLAN_VID:
    case OFF_VLAN_PCP:
        return;                 /* Tags have actions of their own. */
    case OFF_NW_SRC:
    case OFF_NW_DST:
    case OFF_NW_TOS:
    case OFF_NW_TTL:
    case OFF_TP_SRC:
    case OFF_TP_DST:
        break;
    }

    find_ipv4(p, &g);
    if (!g.ip) {
        return;
    }
    switch (field) {
    case OFF_NW_SRC:
        set_ipv4_addr(&g, VH_IPV4_SRC_OFF, (uint32_t) v);
        break;
    case OFF_NW_DST:
        set_ipv4_addr(&g, VH_IPV4_DST_OFF, (uint32_t) v);
        break;
    case OFF_NW_TOS:
        set_ipv4_byte(&g, 1, (uint8_t) v);
        break;
    case OFF_NW_TTL:
        set_ipv4_byte(&g, VH_IPV4_TTL_OFF, (uint8_t) v);
        break;
    case OFF_TP_SRC:
        set_l4_port(&g, VH_UDP_SPORT_OFF, (uint16_t) v);
        break;
    case OFF_TP_DST:
        set_l4_port(&g, VH_UDP_DPORT_OFF, (uint16_t) v);
        break;
    case OFF_DL_SRC:
    case OFF_DL_DST:
    case OFF_VLAN_VID:
    case OFF_VLAN_PCP:
    case OFF_TUN_ID:
    case OFF_PKT_MARK:
        break;
    }
}

/* The TCI as it goes on the wire: the CFI bit of a key's TCI means "a tag
 * is present", and the wire's bit in its place (DEI) stays clear, as the
 * kernel datapath writes it. */
static uint16_t
wire_tci(uint64_t value)
{
    return (uint16_t) (value & ~(uint64_t) OFKEY_VLAN_CFI);
}

static void
execute_set_vlan(struct vh_packet *p, uint16_t tci)
{
    if (p->len >= VH_ETH_HLEN + VH_VLAN_HLEN
        && vh_eth_type(p->data) == VH_ETHERTYPE_VLAN) {
        vh_put_be16(p->data + VH_VLAN_TCI_OFF, tci);
    }
}

size_t
odp_execute(const struct odp_actions *acts, struct vh_packet *p,
            odp_output_fn output, odp_clone_fn clone, void *ctx,
            bool *to_controller)
{
    size_t last = SIZE_MAX;     /* Index of the last output. */
    bool controller = false;

    for (size_t i = 0; i < acts->n; i++) {
        if (acts->a[i].type == ODP_OUTPUT) {
            last = i;
        } else if (acts->a[i].type == ODP_USERSPACE) {
            controller = true;
        }
    }
    if (to_controller) {
        *to_controller = controller;
    }
    if (last == SIZE_MAX) {
        return 0;               /* The caller drops it as it was. */
    }

    /* Actions after the last output could change nothing anyone sees. */
    uint32_t queue = 0;
    size_t n_out = 0;
    for (size_t i = 0; i <= last; i++) {
        const struct odp_action *a = &acts->a[i];
        switch (a->type) {
        case ODP_OUTPUT:
            n_out++;
            output(ctx, a->port, queue,
                   i == last ? p : clone ? clone(ctx, p) : vh_packet_clone(p));
            break;
        case ODP_SET_FIELD:
            execute_set_field(p, a->field, a->value);
            break;
        case ODP_PUSH_VLAN:
            vh_vlan_push(p, wire_tci(a->value));
            break;
        case ODP_POP_VLAN:
            vh_vlan_pop(p);
            break;
        case ODP_SET_VLAN:
            execute_set_vlan(p, wire_tci(a->value));
            break;
        case ODP_USERSPACE:
            break;
        case ODP_SET_QUEUE:
            queue = (uint32_t) a->value;
            break;
        }
    }
    return n_out;
}
