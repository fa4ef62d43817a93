/* sim/packet.c: the packet pool and the few packet operations that are
 * not inline. */
#include "sim/packet.h"

#include "sim/xmalloc.h"

#include <assert.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Packets per slab.  A packet is about 2.2 KB, so a slab is about half a
 * megabyte: few enough mallocs to be invisible, small enough that a light
 * scenario does not reserve much it never uses. */
#define SLAB_PACKETS 256


void
vh_pool_init(struct vh_pool *pool)
{
    memset(pool, 0, sizeof *pool);
    pool->next_id = 1;
}

void
vh_pool_destroy(struct vh_pool *pool)
{
    for (size_t i = 0; i < pool->n_slabs; i++) {
        free(pool->slabs[i]);
    }
    free(pool->slabs);
    for (size_t i = 0; i < pool->n_bigs; i++) {
        free(pool->bigs[i]);
    }
    free(pool->bigs);
    memset(pool, 0, sizeof *pool);
}

/* Adds one slab's packets to the free list, lowest address first. */
static void
pool_add_slab(struct vh_pool *pool)
{
    struct vh_packet *slab = vh_xmalloc(SLAB_PACKETS * sizeof *slab);
    pool->slabs = vh_xgrow(pool->slabs, pool->n_slabs, sizeof *pool->slabs);
    pool->slabs[pool->n_slabs++] = slab;
    for (size_t i = SLAB_PACKETS; i-- > 0;) {
        slab[i].live = 0;
        slab[i].next = pool->free;
        pool->free = &slab[i];
    }
    pool->allocated += SLAB_PACKETS;
}

/* Hands out 'p', taken off a free list, as a fresh packet. */
static struct vh_packet *
packet_init(struct vh_pool *pool, struct vh_packet *p, uint32_t room)
{
    /* Metadata only: the frame bytes are written by whoever builds the
     * frame, and clearing 2 KB per packet would cost more than the rest
     * of the hop. */
    memset(p, 0, offsetof(struct vh_packet, buf));
    p->data = p->buf + VH_PKT_HEADROOM;
    p->flow = VH_FLOW_NONE;
    p->id = pool->next_id++;
    p->pool = pool;
    p->room = room;
    p->live = 1;
    pool->live++;
    return p;
}

struct vh_packet *
vh_packet_alloc(struct vh_pool *pool)
{
    if (!pool->free) {
        pool_add_slab(pool);
    }
    struct vh_packet *p = pool->free;
    pool->free = p->next;
    return packet_init(pool, p, VH_PKT_DATAROOM);
}

struct vh_packet *
vh_packet_alloc_room(struct vh_pool *pool, uint32_t room)
{
    assert(room <= VH_PKT_MAX_DATAROOM);
    if (room <= VH_PKT_DATAROOM) {
        return vh_packet_alloc(pool);
    }
    struct vh_packet *p = pool->big_free;
    if (p) {
        pool->big_free = p->next;
    } else {
        /* Few are live at once (one per super-frame in flight), so they
         * are made one by one and kept for reuse. */
        p = vh_xmalloc(offsetof(struct vh_packet, buf) + VH_PKT_HEADROOM
                       + VH_PKT_MAX_DATAROOM);
        pool->bigs = vh_xgrow(pool->bigs, pool->n_bigs, sizeof *pool->bigs);
        pool->bigs[pool->n_bigs++] = p;
        pool->allocated++;
    }
    return packet_init(pool, p, VH_PKT_MAX_DATAROOM);
}

void
vh_packet_free(struct vh_packet *p)
{
    if (!p) {
        return;
    }
    struct vh_pool *pool = p->pool;
    assert(pool->live > 0 && p->live);
    p->live = 0;
    if (p->room > VH_PKT_DATAROOM) {
        p->next = pool->big_free;
        pool->big_free = p;
    } else {
        p->next = pool->free;
        pool->free = p;
    }
    pool->live--;
}

void
vh_pool_foreach_live(const struct vh_pool *pool,
                     void (*fn)(const struct vh_packet *, void *), void *ctx)
{
    for (size_t s = 0; s < pool->n_slabs; s++) {
        const struct vh_packet *slab = pool->slabs[s];
        for (size_t i = 0; i < SLAB_PACKETS; i++) {
            if (slab[i].live) {
                fn(&slab[i], ctx);
            }
        }
    }
    for (size_t i = 0; i < pool->n_bigs; i++) {
        if (pool->bigs[i]->live) {
            fn(pool->bigs[i], ctx);
        }
    }
}

struct vh_packet *
vh_packet_clone(const struct vh_packet *p)
{
    struct vh_packet *q = vh_packet_alloc_room(p->pool, p->room);
    uint64_t id = q->id;

    /* Copying the whole metadata block keeps clone correct when fields
     * are added; then undo what must differ. */
    memcpy(q, p, offsetof(struct vh_packet, buf));
    q->data = q->buf + vh_packet_headroom(p);
    q->id = id;
    q->counted = 0;
    q->next = NULL;
    memcpy(q->data, p->data, p->len);
    return q;
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
