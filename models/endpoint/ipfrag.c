/* models/endpoint/ipfrag.c: IPv4 fragments out and in. */
#include "models/endpoint/ipfrag.h"

#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/world.h"
#include "sim/packet.h"
#include "sim/xmalloc.h"

#define IPV4_DF 0x4000
#define IPV4_MF 0x2000
#define IPV4_OFF_MASK 0x1fff

/* net.ipv4.ipfrag_time: how long a datagram may take to come whole. */
#define IPFRAG_TIME (30 * VH_SEC)

static uint32_t
l3_off(const struct vh_packet *p)
{
    return vh_eth_type(p->data) == VH_ETHERTYPE_VLAN
           ? VH_ETH_HLEN + VH_VLAN_HLEN : VH_ETH_HLEN;
}

uint32_t
ipfrag_ip_len(const struct vh_packet *p)
{
    return vh_get_be16(p->data + l3_off(p) + VH_IPV4_TOTLEN_OFF);
}

bool
ipfrag_df(const struct vh_packet *p)
{
    return vh_get_be16(p->data + l3_off(p) + VH_IPV4_FRAG_OFF) & IPV4_DF;
}

/* Writes the IP header of a fragment: its length, offset and flags, and
 * the checksum again. */
static void
set_ip(uint8_t *ip, uint32_t ip_len, uint32_t off8, bool more)
{
    vh_put_be16(ip + VH_IPV4_TOTLEN_OFF, (uint16_t) ip_len);
    vh_put_be16(ip + VH_IPV4_FRAG_OFF,
                (uint16_t) ((more ? IPV4_MF : 0) | off8));
    vh_ipv4_csum_update(ip);
}

/* A frame shorter than Ethernet's minimum is padded, as the NIC pads. */
static void
pad(struct vh_packet *p)
{
    if (p->len < VH_ETH_MIN_FRAME) {
        memset(p->data + p->len, 0, VH_ETH_MIN_FRAME - p->len);
        p->len = VH_ETH_MIN_FRAME;
    }
}

size_t
ipfrag_split(struct world *w, struct vh_packet *p, uint32_t mtu,
             struct vh_packet **out)
{
    uint32_t l3 = l3_off(p);
    uint8_t *ip = p->data + l3;
    uint32_t ihl = (ip[0] & 0xfu) * 4;
    uint32_t total = vh_get_be16(ip + VH_IPV4_TOTLEN_OFF);
    uint32_t data = total - ihl;
    /* Every fragment but the last carries a multiple of 8 bytes. */
    uint32_t chunk = (mtu - ihl) & ~7u;
    size_t n = (data + chunk - 1) / chunk;
    if (n > IPFRAG_MAX) {
        n = IPFRAG_MAX;
    }
    /* Whole copies first, then each keeps its header and its slice. */
    out[0] = p;
    for (size_t i = 1; i < n; i++) {
        out[i] = acct_clone(w, p);
    }
    for (size_t i = 0; i < n; i++) {
        struct vh_packet *f = out[i];
        uint32_t off = (uint32_t) i * chunk;
        uint32_t len = data - off < chunk ? data - off : chunk;
        uint8_t *payload = f->data + l3 + ihl;
        memmove(payload, payload + off, len);
        f->len = l3 + ihl + len;
        set_ip(f->data + l3, ihl + len, off / 8, i + 1 < n);
        pad(f);
    }
    return n;
}

bool
ipfrag_is_fragment(const uint8_t *frame, const struct vh_frame_info *fi)
{
    uint16_t frag = vh_get_be16(frame + fi->l3_off + VH_IPV4_FRAG_OFF);
    return frag & (IPV4_MF | IPV4_OFF_MASK);
}

/* --- Reassembly. --- */

/* One datagram being put together.  Slots are never freed before the
 * table (their timer may have a stale event pending), only reused. */
struct ipfrag_q {
    struct ipfrag_table *t;
    bool used;
    uint32_t src, dst;
    uint16_t id;
    uint8_t proto;
    struct vh_pktq frags;       /* By offset. */
    uint32_t end;               /* Payload length, once the last fragment
                                 * (no MF) came; 0 before. */
    struct vh_timer expire;
};

struct ipfrag_table {
    struct vh_device *dev;
    struct ipfrag_q **q;
    size_t n;
};

struct ipfrag_table *
ipfrag_table_create(struct vh_device *dev)
{
    struct ipfrag_table *t = vh_xcalloc(1, sizeof *t);
    t->dev = dev;
    return t;
}

void
ipfrag_table_free(struct ipfrag_table *t)
{
    if (!t) {
        return;
    }
    for (size_t i = 0; i < t->n; i++) {
        vh_pktq_purge(&t->q[i]->frags);
        free(t->q[i]);
    }
    free(t->q);
    free(t);
}

static void
q_release(struct ipfrag_q *q)
{
    vh_timer_cancel(&q->expire);
    q->used = false;
    q->end = 0;
}

static void
q_expire(struct vh_sim *sim, void *obj, void *arg)
{
    struct ipfrag_q *q = obj;
    struct vh_packet *f;
    while ((f = vh_pktq_pop(&q->frags)) != NULL) {
        acct_drop(world_of(sim), f, q->t->dev, "reassembly-timeout");
    }
    q_release(q);
    (void) arg;
}

static struct ipfrag_q *
q_find(struct world *w, struct ipfrag_table *t, const struct vh_frame_info *fi,
       uint16_t id)
{
    struct ipfrag_q *free_q = NULL;
    for (size_t i = 0; i < t->n; i++) {
        struct ipfrag_q *q = t->q[i];
        if (!q->used) {
            free_q = free_q ? free_q : q;
        } else if (q->src == fi->ip_src && q->dst == fi->ip_dst
                   && q->id == id && q->proto == fi->ip_proto) {
            return q;
        }
    }
    if (!free_q) {
        free_q = vh_xcalloc(1, sizeof *free_q);
        free_q->t = t;
        vh_timer_init(&free_q->expire, q_expire, free_q);
        t->q = vh_xgrow(t->q, t->n, sizeof *t->q);
        t->q[t->n++] = free_q;
    }
    struct ipfrag_q *q = free_q;
    q->used = true;
    q->src = fi->ip_src;
    q->dst = fi->ip_dst;
    q->id = id;
    q->proto = fi->ip_proto;
    vh_pktq_init(&q->frags, 0);
    vh_timer_arm_at(&w->sim, &q->expire, w->sim.now + IPFRAG_TIME);
    return q;
}

/* Offset in bytes, and payload length, of a queued fragment. */
static uint32_t
frag_off(const struct vh_packet *p)
{
    return (vh_get_be16(p->data + l3_off(p) + VH_IPV4_FRAG_OFF)
            & IPV4_OFF_MASK) * 8u;
}

static uint32_t
frag_len(const struct vh_packet *p)
{
    const uint8_t *ip = p->data + l3_off(p);
    return vh_get_be16(ip + VH_IPV4_TOTLEN_OFF) - (ip[0] & 0xfu) * 4u;
}

/* Inserts 'p' in offset order; false if a fragment at that offset is
 * already there. */
static bool
q_insert(struct ipfrag_q *q, struct vh_packet *p)
{
    uint32_t off = frag_off(p);
    struct vh_packet **pp = &q->frags.head;
    while (*pp && frag_off(*pp) < off) {
        pp = &(*pp)->next;
    }
    if (*pp && frag_off(*pp) == off) {
        return false;
    }
    p->next = *pp;
    *pp = p;
    if (!p->next) {
        q->frags.tail = p;
    }
    q->frags.count++;
    return true;
}

/* Whether the bytes 0..end are all there. */
static bool
q_complete(const struct ipfrag_q *q)
{
    if (!q->end) {
        return false;
    }
    uint32_t have = 0;
    for (const struct vh_packet *f = q->frags.head; f; f = f->next) {
        if (frag_off(f) > have) {
            return false;
        }
        uint32_t e = frag_off(f) + frag_len(f);
        have = e > have ? e : have;
    }
    return have >= q->end;
}

/* Folds the fragments into the first one's buffer and ends the others. */
static struct vh_packet *
q_join(struct world *w, struct ipfrag_q *q)
{
    struct vh_packet *first = vh_pktq_pop(&q->frags);
    uint32_t l3 = l3_off(first);
    /* The whole datagram may not fit the buffer of a flooded copy. */
    uint32_t whole = l3 + (first->data[l3] & 0xfu) * 4u + q->end;
    if (whole > first->len) {
        vh_packet_reserve(first, 0, whole - first->len);
    }
    uint8_t *ip = first->data + l3;
    uint32_t ihl = (ip[0] & 0xfu) * 4;
    uint32_t have = frag_len(first);
    struct vh_packet *f;
    while ((f = vh_pktq_pop(&q->frags)) != NULL) {
        uint32_t off = frag_off(f), len = frag_len(f);
        if (off + len > have) {
            uint32_t skip = have - off;
            const uint8_t *src = f->data + l3_off(f)
                                 + (f->data[l3_off(f)] & 0xfu) * 4u;
            memcpy(ip + ihl + have, src + skip, len - skip);
            have = off + len;
        }
        acct_consume(w, f, q->t->dev);
    }
    first->len = l3 + ihl + have;
    set_ip(ip, ihl + have, 0, false);
    pad(first);
    q_release(q);
    return first;
}

struct vh_packet *
ipfrag_gather(struct world *w, struct ipfrag_table *t, struct vh_packet *p,
              const struct vh_frame_info *fi)
{
    const uint8_t *ip = p->data + fi->l3_off;
    uint16_t id = vh_get_be16(ip + VH_IPV4_ID_OFF);
    uint16_t frag = vh_get_be16(ip + VH_IPV4_FRAG_OFF);
    struct ipfrag_q *q = q_find(w, t, fi, id);
    if (!(frag & IPV4_MF)) {
        q->end = frag_off(p) + frag_len(p);
    }
    if (!q_insert(q, p)) {
        acct_consume(w, p, t->dev);     /* A copy we already have. */
        return NULL;
    }
    return q_complete(q) ? q_join(w, q) : NULL;
}
