/* models/endpoint/offload.c: cutting TCP super-frames into segments
 * (TSO, GSO) and merging segments into them (GRO). */
#include "models/endpoint/offload.h"

#include <assert.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/world.h"
#include "sim/tcpframe.h"

size_t
offload_segment(struct world *w, struct vh_packet *p, struct vh_packet **segs)
{
    struct vh_frame_info fi;
    struct vh_tcp_hdr h;
    uint32_t mss = p->md.gso_size;

    p->md.gso_size = 0;
    segs[0] = p;
    if (vh_frame_parse(p->data, p->len, &fi, false)
        || vh_tcp_parse(p->data, p->len, &fi, &h, false)
        || h.payload_len <= mss) {
        return 1;
    }
    size_t n = (h.payload_len + mss - 1) / mss;
    /* TCP (seg_cap) and GRO never build more. */
    assert(n <= OFFLOAD_MAX_SEGS);
    uint32_t room = h.payload_off + mss;
    /* Each segment counts for itself in its flow, numbered after the
     * first; a flooded copy's family counts its fate once, so there the
     * first keeps the whole count. */
    unsigned weight = p->family ? 0 : 1;
    /* The later segments first, while 'p' still holds the whole. */
    for (size_t i = n; i-- > 0;) {
        struct vh_packet *s = vh_packet_alloc_room(&w->pool, room);
        s->len = vh_tcp_gso_segment(s->data, p->data, &fi, &h, mss,
                                    (uint32_t) i);
        if (i == 0) {
            memcpy(p->data, s->data, s->len);
            p->len = s->len;
            vh_packet_free(s);
            break;
        }
        s->flow = p->flow;
        if (p->counted > weight) {
            s->counted = (uint8_t) weight;
            p->counted = (uint8_t) (p->counted - weight);
        }
        s->seq = p->seq + i;
        s->born = p->born;
        s->exec = p->exec;
        s->hops = p->hops;
        s->in_port = p->in_port;
        s->is_reply = p->is_reply;
        s->md = p->md;
        segs[i] = s;
    }
    /* The socket hears of the whole once its last segment is done. */
    segs[n - 1]->owner = p->owner;
    segs[n - 1]->owner_bytes = p->owner_bytes;
    if (n > 1) {
        p->owner = NULL;
    }
    return n;
}

size_t
offload_gso(struct world *w, struct vh_packet *p, struct cpu_core *core,
            enum cpu_cat cat, const struct vh_device *dev,
            struct vh_packet **segs, vh_time_t *done)
{
    size_t n = offload_segment(w, p, segs);
    *done = cpu_charge_n(w, core, COST_GSO_SEGMENT, (uint32_t) n, cat, p,
                         dev);
    return n;
}

/* --- GRO. --- */

/* Whether 'p' could start a held frame: TCP with data and no flag that
 * ends a flow's run. */
/* An untagged IPv4 frame that is not TCP, from two fields: most frames
 * a UDP flow's receiver sees, which GRO then need not parse whole.
 * Anything else is left to the parse. */
static bool
plainly_not_tcp(const struct vh_packet *p)
{
    return p->len >= VH_ETH_HLEN + VH_IPV4_HLEN
           && vh_eth_type(p->data) == VH_ETHERTYPE_IPV4
           && p->data[VH_ETH_HLEN + VH_IPV4_PROTO_OFF] != VH_IPPROTO_TCP;
}

static bool
gro_holdable(const struct vh_packet *p, struct vh_frame_info *fi,
             struct vh_tcp_hdr *h)
{
    return !offload_is_super(p)
           && !plainly_not_tcp(p)
           && !vh_frame_parse(p->data, p->len, fi, false)
           && (fi->is_ipv4 || fi->is_ipv6)
           && fi->ip_proto == VH_IPPROTO_TCP
           && !vh_tcp_parse(p->data, p->len, fi, h, false)
           && h->payload_len
           && !(h->flags & ~(VH_TCP_ACK | VH_TCP_PSH));
}

struct vh_packet *
gro_flush(struct gro_cell *g)
{
    struct vh_packet *p = g->held;
    if (!p) {
        return NULL;
    }
    g->held = NULL;
    if (g->segs > 1) {
        struct vh_frame_info fi;
        vh_frame_parse(p->data, p->len, &fi, false);
        vh_tcp_gro_finish(p->data, p->len, &fi, g->psh);
    } else {
        p->md.gso_size = 0;
    }
    return p;
}

struct vh_packet *
gro_receive(struct world *w, struct gro_cell *g, struct vh_packet *p,
            struct cpu_core *core, enum cpu_cat cat,
            const struct vh_device *dev, struct vh_packet **also)
{
    struct vh_frame_info fi, hfi;
    struct vh_tcp_hdr h, hh;

    *also = NULL;
    cpu_charge(w, core, COST_GRO_RECEIVE, 0, cat, p, dev);
    if (!gro_holdable(p, &fi, &h)) {
        /* Another kind of frame: what is held goes up first, in order. */
        struct vh_packet *f = gro_flush(g);
        if (f) {
            *also = p;
            return f;
        }
        return p;
    }
    struct vh_packet *held = g->held;
    if (held && !p->family && !held->family && !g->ended
        && h.payload_len <= held->md.gso_size) {
        /* The held frame's headers as its first segment had them: the
         * totals are written only when it is flushed. */
        vh_frame_parse(held->data, held->len, &hfi, false);
        hfi.ip_total_len = (uint16_t) (held->len - hfi.l3_off);
        if (!vh_tcp_parse(held->data, held->len, &hfi, &hh, false)
            && vh_tcp_gro_can_merge(held->data, &hfi, &hh, held->len,
                                    p->data, &fi, &h, OFFLOAD_GSO_MAX_IP)
            && g->segs < OFFLOAD_MAX_SEGS) {
            memcpy(vh_packet_put(held, h.payload_len),
                   p->data + h.payload_off, h.payload_len);
            g->segs++;
            g->psh = h.flags & VH_TCP_PSH;
            /* A short segment ends the run (tcp_gro_receive flushes
             * after it), so every segment but the last is gso_size. */
            g->ended = h.payload_len < held->md.gso_size;
            /* The merged frame counts the segment from now on. */
            held->counted = (uint8_t) (held->counted + p->counted);
            p->counted = 0;
            acct_consume(w, p, (struct vh_device *) dev);
            return NULL;
        }
    }
    /* 'p' starts a new held frame; its buffer grows as segments are
     * appended (vh_packet_put). */
    struct vh_packet *f = gro_flush(g);
    p->len = h.payload_off + h.payload_len;     /* No Ethernet padding. */
    p->md.gso_size = (uint16_t) h.payload_len;
    g->held = p;
    g->segs = 1;
    g->psh = h.flags & VH_TCP_PSH;
    g->ended = false;
    return f;
}
