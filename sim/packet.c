/* sim/packet.c: the packet pool, buffer classes, and the few packet
 * operations that are not inline. */
#include "sim/packet.h"

#include "sim/xmalloc.h"

#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint32_t class_bytes[VH_PKT_N_CLASSES] = VH_PKT_CLASS_BYTES;

/* The smallest room a clone gets past its headroom: a minimum frame
 * (60 bytes without FCS) with a tag, which a bridge may pad in place. */
#define CLONE_MIN_ROOM 64

/* Everything a packet carries but its buffer. */
#define META_BYTES offsetof(struct vh_packet, buf)

void
vh_pool_init(struct vh_pool *pool)
{
    memset(pool, 0, sizeof *pool);
    pool->next_id = 1;
    vh_slab_init(&pool->packets, sizeof(struct vh_packet));
    for (int c = 0; c < VH_PKT_N_SLAB_CLASSES; c++) {
        vh_slab_init(&pool->bufs[c], class_bytes[c]);
    }
}

static void
free_big_buffer(const struct vh_packet *p, void *ctx)
{
    (void) ctx;
    if (p->buf_class >= VH_PKT_N_SLAB_CLASSES) {
        free(p->buf);
    }
}

void
vh_pool_destroy(struct vh_pool *pool)
{
    vh_pool_foreach_live(pool, free_big_buffer, NULL);
    vh_slab_destroy(&pool->packets);
    for (int c = 0; c < VH_PKT_N_SLAB_CLASSES; c++) {
        vh_slab_destroy(&pool->bufs[c]);
    }
    memset(pool, 0, sizeof *pool);
}

size_t
vh_pool_bytes(const struct vh_pool *pool)
{
    size_t n = vh_slab_bytes(&pool->packets) + pool->big_bytes;
    for (int c = 0; c < VH_PKT_N_SLAB_CLASSES; c++) {
        n += vh_slab_bytes(&pool->bufs[c]);
    }
    return n;
}

/* The smallest class of at least 'bytes' bytes. */
static int
class_for(uint32_t bytes)
{
    for (int c = 0; c < VH_PKT_N_CLASSES; c++) {
        if (bytes <= class_bytes[c]) {
            return c;
        }
    }
    fprintf(stderr, "vhsim: a packet buffer of %u bytes was asked for; "
            "the largest is %u\n", bytes, class_bytes[VH_PKT_N_CLASSES - 1]);
    abort();
}

/* Gives 'p' a buffer of class 'c' (its old one, if any, is the caller's
 * to release). */
static void
buffer_get(struct vh_pool *pool, struct vh_packet *p, int c)
{
    if (c < VH_PKT_N_SLAB_CLASSES) {
        p->buf = vh_slab_alloc(&pool->bufs[c]);
    } else {
        p->buf = vh_xmalloc(class_bytes[c]);
        pool->big_bytes += class_bytes[c];
    }
    p->cap = class_bytes[c];
    p->buf_class = (uint8_t) c;
}

static void
buffer_put(struct vh_pool *pool, uint8_t *buf, int c)
{
    if (c < VH_PKT_N_SLAB_CLASSES) {
        vh_slab_free(&pool->bufs[c], buf);
    } else {
        free(buf);
        pool->big_bytes -= class_bytes[c];
    }
}

/* A packet with fresh metadata and a buffer of class 'c', 'data' not
 * set. */
static struct vh_packet *
packet_get(struct vh_pool *pool, int c)
{
    struct vh_packet *p = vh_slab_alloc(&pool->packets);

    /* Metadata only: the frame bytes are written by whoever builds the
     * frame, and clearing the buffer would cost more than the rest of
     * the hop. */
    memset(p, 0, META_BYTES);
    buffer_get(pool, p, c);
    p->flow = VH_FLOW_NONE;
    p->id = pool->next_id++;
    p->pool = pool;
    p->live = 1;
    pool->live++;
    return p;
}

struct vh_packet *
vh_packet_alloc_room(struct vh_pool *pool, uint32_t room)
{
    assert(room <= VH_PKT_ROOM_MAX);
    struct vh_packet *p = packet_get(pool, class_for(VH_PKT_HEADROOM + room));
    p->data = p->buf + VH_PKT_HEADROOM;
    return p;
}

void
vh_packet_orphan(struct vh_packet *p)
{
    struct vh_tx_owner *o = p->owner;
    if (o) {
        p->owner = NULL;
        o->wmem -= p->owner_bytes;
        o->done(o, p->owner_bytes);
    }
}

int
vh_tx_owner_queue(struct vh_packet *p, const void *dev, int pick)
{
    struct vh_tx_owner *o = p->owner;
    if (!o) {
        return pick;
    }
    if (o->txq_dev == dev && o->wmem > p->owner_bytes) {
        return o->txq;
    }
    o->txq_dev = dev;
    o->txq = pick;
    return pick;
}

void
vh_packet_free(struct vh_packet *p)
{
    if (!p) {
        return;
    }
    struct vh_pool *pool = p->pool;
    assert(pool->live > 0 && p->live);
    vh_packet_orphan(p);
    p->live = 0;
    buffer_put(pool, p->buf, p->buf_class);
    vh_slab_free(&pool->packets, p);
    pool->live--;
}

static void
visit_live(const void *obj, void *ctx_)
{
    const struct {
        void (*fn)(const struct vh_packet *, void *);
        void *ctx;
    } *ctx = ctx_;
    const struct vh_packet *p = obj;
    assert(p->live);
    ctx->fn(p, ctx->ctx);
}

void
vh_pool_foreach_live(const struct vh_pool *pool,
                     void (*fn)(const struct vh_packet *, void *), void *ctx)
{
    struct {
        void (*fn)(const struct vh_packet *, void *);
        void *ctx;
    } visit = { fn, ctx };
    vh_slab_foreach(&pool->packets, visit_live, &visit);
}

struct vh_packet *
vh_packet_clone(const struct vh_packet *p)
{
    size_t head = vh_packet_headroom(p);
    uint32_t room = p->len > CLONE_MIN_ROOM ? p->len : CLONE_MIN_ROOM;
    struct vh_packet *q = packet_get(p->pool,
                                     class_for((uint32_t) head + room));
    uint64_t id = q->id;

    /* Copying the whole metadata block keeps clone correct when fields
     * are added; then undo what must differ. */
    memcpy(q, p, META_BYTES);
    q->data = q->buf + head;
    q->id = id;
    q->counted = 0;
    q->next = NULL;
    q->owner = NULL;
    memcpy(q->data, p->data, p->len);
    return q;
}

void
vh_packet_reserve(struct vh_packet *p, uint32_t head, uint32_t tail)
{
    if (vh_packet_headroom(p) >= head && vh_packet_tailroom(p) >= tail) {
        return;
    }
    /* The headroom to keep: what is asked, and what the frame has up to
     * the usual amount, which a tag pushed later will want. */
    size_t have = vh_packet_headroom(p);
    size_t keep = have < VH_PKT_HEADROOM ? have : VH_PKT_HEADROOM;
    keep = keep > head ? keep : head;
    if (keep + p->len + tail <= p->cap) {
        /* The buffer is big enough: slide the frame back to leave 'head'
         * in front, or forward, keeping as much headroom as the tail
         * leaves. */
        size_t most = p->cap - p->len - tail;
        size_t to = have < most ? have : most;
        to = to > head ? to : head;
        memmove(p->buf + to, p->data, p->len);
        p->data = p->buf + to;
        return;
    }
    uint32_t new_head = head > VH_PKT_HEADROOM ? head : VH_PKT_HEADROOM;
    uint8_t *old = p->buf;
    int old_class = p->buf_class;
    buffer_get(p->pool, p, class_for(new_head + p->len + tail));
    memcpy(p->buf + new_head, p->data, p->len);
    p->data = p->buf + new_head;
    buffer_put(p->pool, old, old_class);
}

uint8_t *
vh_packet_push(struct vh_packet *p, uint32_t n)
{
    assert(vh_packet_headroom(p) >= n);
    p->data -= n;
    p->len += n;
    return p->data;
}

uint8_t *
vh_packet_pull(struct vh_packet *p, uint32_t n)
{
    assert(p->len >= n);
    p->data += n;
    p->len -= n;
    return p->data;
}

uint32_t
vh_pktq_purge(struct vh_pktq *q)
{
    uint32_t n = 0;
    struct vh_packet *p;
    while ((p = vh_pktq_pop(q)) != NULL) {
        vh_packet_free(p);
        n++;
    }
    return n;
}
