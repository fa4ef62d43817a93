/* tests/test_packet.c: packet buffers, headroom, clones, the pool and
 * packet queues, and the allocation helpers they grow with. */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/packet.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

START_TEST(test_fresh_packet)
{
    struct vh_pool pool;
    vh_pool_init(&pool);

    struct vh_packet *a = vh_packet_alloc(&pool);
    struct vh_packet *b = vh_packet_alloc(&pool);
    ck_assert_uint_eq(a->id, 1);
    ck_assert_uint_eq(b->id, 2);
    ck_assert_uint_eq(a->len, 0);
    ck_assert_uint_eq(vh_packet_headroom(a), VH_PKT_HEADROOM);
    ck_assert_int_eq(a->flow, VH_FLOW_NONE);
    ck_assert_ptr_eq(a->pool, &pool);
    ck_assert_ptr_null(a->exec);
    ck_assert_uint_eq(a->hops + a->in_port + a->is_reply + a->counted, 0);
    ck_assert_uint_eq(pool.live, 2);

    /* Metadata left behind by an earlier user is gone. */
    a->hops = 7;
    a->flow = 3;
    a->born = 99;
    vh_packet_free(a);
    struct vh_packet *c = vh_packet_alloc(&pool);
    ck_assert_ptr_eq(c, a);             /* Reused from the free list. */
    ck_assert_uint_eq(c->id, 3);
    ck_assert_uint_eq(c->hops, 0);
    ck_assert_int_eq(c->flow, VH_FLOW_NONE);
    ck_assert_uint_eq(c->born, 0);

    vh_packet_free(NULL);               /* Allowed, changes nothing. */
    ck_assert_uint_eq(pool.live, 2);
    vh_packet_free(b);
    vh_packet_free(c);
    ck_assert_uint_eq(pool.live, 0);
    vh_pool_destroy(&pool);
}
END_TEST

START_TEST(test_put_push_pull)
{
    struct vh_pool pool;
    vh_pool_init(&pool);
    struct vh_packet *p = vh_packet_alloc(&pool);

    uint8_t *eth = vh_packet_put(p, 14);
    ck_assert_ptr_eq(eth, p->data);
    for (int i = 0; i < 14; i++) {
        eth[i] = (uint8_t) (0xa0 + i);
    }
    uint8_t *payload = vh_packet_put(p, 4);
    ck_assert_ptr_eq(payload, p->data + 14);
    memcpy(payload, "\x01\x02\x03\x04", 4);
    ck_assert_uint_eq(p->len, 18);

    /* Pushing a 4-byte tag moves the start back without moving bytes. */
    uint8_t *tag = vh_packet_push(p, 4);
    ck_assert_ptr_eq(tag, p->data);
    ck_assert_ptr_eq(tag + 4, eth);
    ck_assert_uint_eq(p->len, 22);
    ck_assert_uint_eq(vh_packet_headroom(p), VH_PKT_HEADROOM - 4);
    ck_assert_uint_eq(p->data[4], 0xa0);
    ck_assert_uint_eq(p->data[21], 0x04);

    /* Pulling it off restores the frame. */
    uint8_t *start = vh_packet_pull(p, 4);
    ck_assert_ptr_eq(start, eth);
    ck_assert_uint_eq(p->len, 18);
    ck_assert_uint_eq(vh_packet_headroom(p), VH_PKT_HEADROOM);

    /* The whole headroom can be used. */
    vh_packet_push(p, VH_PKT_HEADROOM);
    ck_assert_uint_eq(vh_packet_headroom(p), 0);
    ck_assert_ptr_eq(p->data, p->buf);
    vh_packet_free(p);
    vh_pool_destroy(&pool);
}
END_TEST

START_TEST(test_clone_independent)
{
    struct vh_pool pool;
    vh_pool_init(&pool);
    struct vh_packet *p = vh_packet_alloc(&pool);

    uint8_t *d = vh_packet_put(p, 60);
    for (int i = 0; i < 60; i++) {
        d[i] = (uint8_t) i;
    }
    vh_packet_push(p, 8);
    memset(p->data, 0xee, 8);
    p->flow = 5;
    p->seq = 1234;
    p->born = 777 * VH_NS;
    p->hops = 3;
    p->in_port = 2;
    p->is_reply = 1;
    p->counted = 1;

    struct vh_packet *q = vh_packet_clone(p);
    ck_assert_ptr_ne(q, p);
    ck_assert_uint_ne(q->id, p->id);
    ck_assert_uint_eq(q->id, 2);
    ck_assert_uint_eq(q->counted, 0);
    ck_assert_uint_eq(vh_packet_headroom(q), vh_packet_headroom(p));
    ck_assert_ptr_eq(q->data, q->buf + vh_packet_headroom(p));
    ck_assert_uint_eq(q->len, p->len);
    ck_assert_int_eq(memcmp(q->data, p->data, p->len), 0);
    ck_assert_int_eq(q->flow, 5);
    ck_assert_uint_eq(q->seq, 1234);
    ck_assert_uint_eq(q->born, 777 * VH_NS);
    ck_assert_uint_eq(q->hops, 3);
    ck_assert_uint_eq(q->in_port, 2);
    ck_assert_uint_eq(q->is_reply, 1);
    ck_assert_ptr_eq(q->pool, &pool);
    ck_assert_uint_eq(pool.live, 2);

    /* Changing one leaves the other alone. */
    q->data[10] = 0x55;
    vh_packet_pull(q, 8);
    q->hops++;
    ck_assert_uint_eq(p->data[10], 2);
    ck_assert_uint_eq(p->len, 68);
    ck_assert_uint_eq(p->hops, 3);

    /* Freeing the original leaves the clone intact. */
    vh_packet_free(p);
    ck_assert_uint_eq(q->data[59], 59);
    vh_packet_free(q);
    ck_assert_uint_eq(pool.live, 0);
    vh_pool_destroy(&pool);
}
END_TEST

/* Writes a pattern that depends on each byte's place in the frame. */
static void
fill(struct vh_packet *p, uint32_t from, uint32_t n)
{
    for (uint32_t i = from; i < from + n; i++) {
        p->data[i] = (uint8_t) (i * 7 + i / 251);
    }
}

static bool
filled(const struct vh_packet *p, uint32_t from, uint32_t n)
{
    for (uint32_t i = from; i < from + n; i++) {
        if (p->data[i] != (uint8_t) (i * 7 + i / 251)) {
            return false;
        }
    }
    return true;
}

START_TEST(test_alloc_room_by_class)
{
    struct vh_pool pool;
    vh_pool_init(&pool);

    /* Each frame size gets the smallest buffer with the headroom and it;
     * the whole room is writable (AddressSanitizer checks the ends). */
    static const struct {
        uint32_t room;
        uint32_t cap;
    } cases[] = {
        { 60, 256 },                    /* Minimum frame. */
        { 128, 256 },
        { 129, 512 },                   /* A TCP ACK with options, tagged. */
        { 1518, VH_PKT_BUFSIZE },       /* Full-size standard frame. */
        { VH_PKT_DATAROOM, VH_PKT_BUFSIZE },
        { 9022, VH_PKT_HEADROOM + VH_PKT_ROOM_JUMBO },  /* Tagged jumbo. */
        { 14 + 4 + 65535, VH_PKT_HEADROOM + VH_PKT_ROOM_MAX },
        { VH_PKT_ROOM_MAX, VH_PKT_HEADROOM + VH_PKT_ROOM_MAX },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct vh_packet *p = vh_packet_alloc_room(&pool, cases[i].room);
        ck_assert_uint_eq(p->cap, cases[i].cap);
        ck_assert_uint_eq(vh_packet_headroom(p), VH_PKT_HEADROOM);
        ck_assert_uint_eq(vh_packet_tailroom(p),
                          cases[i].cap - VH_PKT_HEADROOM);
        ck_assert_ptr_eq(vh_packet_put(p, cases[i].room), p->data);
        fill(p, 0, cases[i].room);
        vh_packet_push(p, VH_PKT_HEADROOM);
        ck_assert_ptr_eq(p->data, p->buf);
        vh_packet_pull(p, VH_PKT_HEADROOM);
        ck_assert(filled(p, 0, cases[i].room));
        vh_packet_free(p);
    }
    /* The default is a full-size standard frame. */
    struct vh_packet *d = vh_packet_alloc(&pool);
    ck_assert_uint_eq(d->cap, VH_PKT_BUFSIZE);
    vh_packet_free(d);
    ck_assert_uint_eq(pool.live, 0);
    vh_pool_destroy(&pool);
}
END_TEST

START_TEST(test_put_grows_to_larger_class)
{
    struct vh_pool pool;
    vh_pool_init(&pool);
    struct vh_packet *p = vh_packet_alloc_room(&pool, 60);
    p->flow = 9;
    p->seq = 42;
    uint64_t id = p->id;
    vh_packet_put(p, 60);
    fill(p, 0, 60);
    vh_packet_push(p, 4);               /* A tag in front. */
    fill(p, 0, 64);

    /* Beyond the 256-byte class, then beyond the standard frame, then to
     * a super-frame: the frame and metadata move along. */
    static const uint32_t grow[] = { 100, 1400, 8000, 55000 };
    uint32_t len = 64;
    for (size_t i = 0; i < sizeof grow / sizeof *grow; i++) {
        uint8_t *tail = vh_packet_put(p, grow[i]);
        ck_assert_ptr_eq(tail, p->data + len);
        fill(p, len, grow[i]);
        len += grow[i];
        ck_assert_uint_eq(p->len, len);
        ck_assert(filled(p, 0, len));
        ck_assert_uint_ge(vh_packet_headroom(p), VH_PKT_HEADROOM - 4);
    }
    ck_assert_uint_eq(p->cap, VH_PKT_HEADROOM + VH_PKT_ROOM_MAX);
    ck_assert_uint_eq(p->id, id);
    ck_assert_int_eq(p->flow, 9);
    ck_assert_uint_eq(p->seq, 42);
    ck_assert_uint_eq(pool.live, 1);
    vh_packet_free(p);
    ck_assert_uint_eq(pool.live, 0);
    vh_pool_destroy(&pool);
}
END_TEST

START_TEST(test_reserve_head_and_tail)
{
    struct vh_pool pool;
    vh_pool_init(&pool);
    struct vh_packet *p = vh_packet_alloc_room(&pool, 60);
    vh_packet_put(p, 60);
    fill(p, 0, 60);

    /* Room that is there: nothing moves. */
    uint8_t *data = p->data;
    vh_packet_reserve(p, VH_PKT_HEADROOM, 256 - VH_PKT_HEADROOM - 60);
    ck_assert_ptr_eq(p->data, data);

    /* More headroom than is in front, but the buffer holds it: the frame
     * slides back (an outer header on a frame pulled short of headroom). */
    vh_packet_pull(p, 0);
    vh_packet_reserve(p, 150, 0);
    ck_assert_uint_eq(p->cap, 256);
    ck_assert_uint_eq(vh_packet_headroom(p), 150);
    ck_assert(filled(p, 0, 60));

    /* More tail room than is left after that headroom: it slides forward,
     * keeping what headroom the tail leaves... */
    vh_packet_reserve(p, 0, 60);
    ck_assert_uint_eq(p->cap, 256);
    ck_assert_uint_eq(vh_packet_tailroom(p), 60);
    ck_assert_uint_eq(vh_packet_headroom(p), 256 - 60 - 60);
    ck_assert(filled(p, 0, 60));

    /* ...but not below the usual headroom, which a tag pushed later
     * needs: then it takes a larger class. */
    vh_packet_reserve(p, 0, 100);
    ck_assert_uint_eq(p->cap, 512);
    ck_assert_uint_eq(vh_packet_headroom(p), VH_PKT_HEADROOM);
    ck_assert_uint_ge(vh_packet_tailroom(p), 100);
    ck_assert(filled(p, 0, 60));

    /* More than the buffer holds: a larger class again. */
    vh_packet_reserve(p, 200, 400);
    ck_assert_uint_ge(vh_packet_headroom(p), 200);
    ck_assert_uint_ge(vh_packet_tailroom(p), 400);
    ck_assert_uint_eq(p->cap, VH_PKT_BUFSIZE);
    ck_assert(filled(p, 0, 60));
    vh_packet_free(p);
    vh_pool_destroy(&pool);
}
END_TEST

START_TEST(test_clone_takes_smallest_class)
{
    struct vh_pool pool;
    vh_pool_init(&pool);

    /* The frame's size decides, not the original's buffer. */
    static const struct {
        uint32_t len;
        uint32_t cap;
    } cases[] = {
        { 42, 256 },        /* Room left for padding to a minimum frame. */
        { 60, 256 },
        { 300, 512 },
        { 1514, VH_PKT_BUFSIZE },
        { 9018, VH_PKT_HEADROOM + VH_PKT_ROOM_JUMBO },
        { 65549, VH_PKT_HEADROOM + VH_PKT_ROOM_MAX },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct vh_packet *p = vh_packet_alloc_room(&pool, VH_PKT_ROOM_MAX);
        vh_packet_put(p, cases[i].len);
        fill(p, 0, cases[i].len);
        struct vh_packet *q = vh_packet_clone(p);
        ck_assert_uint_eq(q->cap, cases[i].cap);
        ck_assert_uint_eq(vh_packet_headroom(q), VH_PKT_HEADROOM);
        ck_assert_uint_ge(vh_packet_tailroom(q) + q->len, 64);
        ck_assert_uint_eq(q->len, cases[i].len);
        ck_assert(filled(q, 0, cases[i].len));
        vh_packet_free(p);
        vh_packet_free(q);
    }
    vh_pool_destroy(&pool);
}
END_TEST

/* The memory a flood holds: 'senders' stations each broadcast a 60-byte
 * frame (an ARP request) that a bridge copies to every other port, all
 * copies alive at once as they are in the ports' queues. */
static size_t
flood_bytes_per_packet(struct vh_pool *pool, int senders, int ports,
                       struct vh_packet **held)
{
    size_t n = 0;
    for (int s = 0; s < senders; s++) {
        struct vh_packet *p = vh_packet_alloc_room(pool, 60);
        vh_packet_put(p, 60);
        fill(p, 0, 60);
        for (int i = 1; i < ports; i++) {
            held[n++] = vh_packet_clone(p);
        }
        held[n++] = p;
    }
    ck_assert_uint_eq(pool->live, n);
    return vh_pool_bytes(pool) / n;
}

START_TEST(test_flood_memory_per_packet)
{
    enum { SENDERS = 64, PORTS = 64, N = SENDERS * PORTS };
    struct vh_pool pool;
    vh_pool_init(&pool);
    struct vh_packet **held = vh_xcalloc(N, sizeof *held);

    /* At most 512 bytes of memory per 64-byte packet alive, buffer,
     * metadata and slab heads together. */
    size_t per = flood_bytes_per_packet(&pool, SENDERS, PORTS, held);
    ck_assert_uint_le(per, 512);

    /* The peak does not stay: once the copies are delivered, the pool
     * keeps at most one empty slab per cache. */
    for (int i = 0; i < N; i++) {
        vh_packet_free(held[i]);
    }
    ck_assert_uint_le(vh_pool_bytes(&pool),
                      (1 + VH_PKT_N_SLAB_CLASSES) * VH_SLAB_BYTES);

    /* Freed in another order than allocated (every other copy first),
     * the slabs still empty and go back. */
    per = flood_bytes_per_packet(&pool, SENDERS, PORTS, held);
    ck_assert_uint_le(per, 512);
    for (int pass = 0; pass < 2; pass++) {
        for (int i = pass; i < N; i += 2) {
            vh_packet_free(held[i]);
        }
    }
    ck_assert_uint_eq(pool.live, 0);
    ck_assert_uint_le(vh_pool_bytes(&pool),
                      (1 + VH_PKT_N_SLAB_CLASSES) * VH_SLAB_BYTES);
    free(held);
    vh_pool_destroy(&pool);
}
END_TEST

/* The pool at its fullest during a run: how many packets were alive and
 * the bytes it held then. */
struct pool_peak {
    const struct vh_pool *pool;
    uint64_t live;
    size_t bytes;
};

static void
note_peak(void *ctx, const struct vh_hop *hop)
{
    struct pool_peak *pk = ctx;
    const struct vh_pool *pool = hop->pkt ? hop->pkt->pool : pk->pool;
    if (pool && pool->live > pk->live) {
        pk->pool = pool;
        pk->live = pool->live;
        pk->bytes = vh_pool_bytes(pool);
    }
}

static void
watch_pool(struct world *w, void *ctx)
{
    vh_trace_subscribe(&w->trace, VH_HOP_BIT(VH_HOP_ARRIVE)
                       | VH_HOP_BIT(VH_HOP_ENQUEUE), note_peak, ctx);
}

START_TEST(test_world_flood_memory)
{
    /* 64 guests on one Linux bridge start sending at the same instant:
     * each one's first ARP request is flooded to the 63 other taps, and
     * the copies wait in the bridge's, taps' and guests' queues at once.
     * At the fullest, at most 512 bytes of pool per live packet. */
    enum { VMS = 64 };
    char *json = vh_xmalloc(VMS * 400 + 2000);
    int n = sprintf(json, "{\"name\": \"flood\", \"duration\": \"3ms\", "
                    "\"hosts\": [{\"name\": \"h\", \"cpu\": {\"cores\": 8},"
                    " \"bridges\": [{\"name\": \"br0\", \"type\": "
                    "\"linux-bridge\", \"ports\": []}], \"vms\": [");
    for (int i = 1; i <= VMS; i++) {
        n += sprintf(json + n, "%s{\"name\": \"vm%d\", \"nics\": [{\"name\":"
                     " \"eth0\", \"mac\": \"52:54:00:00:00:%02x\", \"ip\": "
                     "\"10.0.0.%d/24\", \"model\": \"virtio\", \"attach\": "
                     "{\"type\": \"bridge\", \"to\": \"br0\"}}]}",
                     i > 1 ? ", " : "", i, i, i);
    }
    n += sprintf(json + n, "]}], \"traffic\": [");
    for (int i = 1; i <= VMS; i++) {
        n += sprintf(json + n, "%s{\"name\": \"f%d\", \"from\": \"h/vm%d\", \"to\": \"h/vm%d\","
                     " \"size\": 64, \"rate\": \"10kpps\"}",
                     i > 1 ? ", " : "", i, i, i % VMS + 1);
    }
    sprintf(json + n, "]}");

    struct pool_peak pk = { 0 };
    struct wt_run r = wt_run_json(json, NULL, watch_pool, &pk);
    ck_assert_uint_ge(pk.live, 4 * VMS);     /* Copies piled up. */
    /* Under AddressSanitizer every object has a red zone after it: the
     * same layout, scaled by what a minimum frame's two objects then
     * take. */
    const struct vh_pool *pool = pk.pool;
    size_t limit = 512 * (pool->packets.stride + pool->bufs[0].stride)
                   / (pool->packets.obj_size + pool->bufs[0].obj_size);
    ck_assert_msg(pk.bytes / pk.live <= limit, "%zu bytes for %" PRIu64
                  " live packets", pk.bytes, pk.live);
    wt_assert_conserved(r.w, false);
    wt_run_free(&r);
    free(json);
}
END_TEST

START_TEST(test_pool_reuse)
{
    enum { N = 300 };
    struct vh_pool pool;
    struct vh_packet *p[N];

    vh_pool_init(&pool);
    for (int i = 0; i < N; i++) {
        p[i] = vh_packet_alloc(&pool);
        ck_assert_uint_eq(p[i]->id, (uint64_t) i + 1);
    }
    ck_assert_uint_eq(pool.live, N);
    size_t held = vh_pool_bytes(&pool);
    ck_assert_uint_ge(held, N * (sizeof **p + VH_PKT_BUFSIZE));
    /* Distinct buffers that do not overlap. */
    for (int i = 1; i < N; i++) {
        ck_assert_ptr_ne(p[i], p[i - 1]);
        ck_assert_ptr_ne(p[i]->buf, p[i - 1]->buf);
    }

    for (int i = 0; i < N; i++) {
        vh_packet_free(p[i]);
    }
    ck_assert_uint_eq(pool.live, 0);
    /* Empty slabs went back, but one per cache kept for the next. */
    ck_assert_uint_le(vh_pool_bytes(&pool),
                      (1 + VH_PKT_N_SLAB_CLASSES) * VH_SLAB_BYTES);

    /* Later rounds hold no more than the first, and ids keep counting. */
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < N; i++) {
            p[i] = vh_packet_alloc(&pool);
        }
        ck_assert_uint_eq(p[N - 1]->id, (uint64_t) (round + 2) * N);
        ck_assert_uint_eq(pool.live, N);
        ck_assert_uint_eq(vh_pool_bytes(&pool), held);
        for (int i = 0; i < N; i++) {
            vh_packet_free(p[i]);
        }
    }
    ck_assert_uint_eq(pool.live, 0);
    vh_pool_destroy(&pool);
}
END_TEST

/* Adds the id of each packet visited to the sum in 'ctx'. */
static void
sum_ids(const struct vh_packet *p, void *ctx)
{
    *(uint64_t *) ctx += p->id;
}

START_TEST(test_pool_visits_what_is_live)
{
    /* More than one slab's worth, every third freed, then a clone: the
     * visit sees the packets held and only those. */
    enum { N = 700 };
    struct vh_pool pool;
    struct vh_packet *p[N];
    vh_pool_init(&pool);
    uint64_t expect = 0;
    for (int i = 0; i < N; i++) {
        p[i] = vh_packet_alloc(&pool);
    }
    for (int i = 0; i < N; i++) {
        if (i % 3 == 0) {
            vh_packet_free(p[i]);
        } else {
            expect += p[i]->id;
        }
    }
    struct vh_packet *c = vh_packet_clone(p[1]);
    expect += c->id;
    uint64_t sum = 0;
    vh_pool_foreach_live(&pool, sum_ids, &sum);
    ck_assert_uint_eq(sum, expect);
    ck_assert_uint_eq(pool.live, N - (N + 2) / 3 + 1);

    for (int i = 0; i < N; i++) {
        if (i % 3 != 0) {
            vh_packet_free(p[i]);
        }
    }
    vh_packet_free(c);
    sum = 0;
    vh_pool_foreach_live(&pool, sum_ids, &sum);
    ck_assert_uint_eq(sum, 0);
    vh_pool_destroy(&pool);
}
END_TEST

START_TEST(test_pktq)
{
    struct vh_pool pool;
    struct vh_pktq q;
    struct vh_packet *p[5];

    vh_pool_init(&pool);
    vh_pktq_init(&q, 3);
    ck_assert_ptr_null(vh_pktq_pop(&q));
    for (int i = 0; i < 3; i++) {
        ck_assert(!vh_pktq_full(&q));
        p[i] = vh_packet_alloc(&pool);
        vh_pktq_push(&q, p[i]);
    }
    ck_assert(vh_pktq_full(&q));
    ck_assert_uint_eq(q.count, 3);

    /* First in, first out; a pop makes room again. */
    ck_assert_ptr_eq(vh_pktq_pop(&q), p[0]);
    ck_assert(!vh_pktq_full(&q));
    p[3] = vh_packet_alloc(&pool);
    vh_pktq_push(&q, p[3]);
    ck_assert_ptr_eq(vh_pktq_pop(&q), p[1]);
    ck_assert_ptr_eq(vh_pktq_pop(&q), p[2]);
    ck_assert_ptr_eq(vh_pktq_pop(&q), p[3]);
    ck_assert_ptr_null(vh_pktq_pop(&q));
    ck_assert_uint_eq(q.count, 0);
    ck_assert_ptr_null(q.tail);
    for (int i = 0; i < 4; i++) {
        vh_packet_free(p[i]);
    }

    /* Unlimited queue; purge frees everything and says how much. */
    vh_pktq_init(&q, 0);
    for (int i = 0; i < 1000; i++) {
        vh_pktq_push(&q, vh_packet_alloc(&pool));
        ck_assert(!vh_pktq_full(&q));
    }
    ck_assert_uint_eq(pool.live, 1000);
    ck_assert_uint_eq(vh_pktq_purge(&q), 1000);
    ck_assert_uint_eq(pool.live, 0);
    ck_assert_uint_eq(q.count, 0);
    ck_assert_ptr_null(q.head);
    ck_assert_uint_eq(vh_pktq_purge(&q), 0);
    vh_pool_destroy(&pool);
}
END_TEST

START_TEST(test_xgrow_appends)
{
    uint32_t *v = NULL;
    size_t n = 0;
    for (uint32_t i = 0; i < 1000; i++) {
        v = vh_xgrow(v, n, sizeof *v);
        v[n++] = i * 7;
    }
    for (uint32_t i = 0; i < 1000; i++) {
        ck_assert_uint_eq(v[i], i * 7);
    }
    free(v);

    char *s = vh_xstrdup("host1/eth0");
    ck_assert_str_eq(s, "host1/eth0");
    free(s);
    /* Zero sizes still give a pointer to free. */
    void *z = vh_xcalloc(0, sizeof *v);
    ck_assert_ptr_nonnull(z);
    free(z);
}
END_TEST

static Suite *
packet_suite(void)
{
    Suite *s = suite_create("packet");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_fresh_packet);
    tcase_add_test(tc, test_put_push_pull);
    tcase_add_test(tc, test_clone_independent);
    tcase_add_test(tc, test_alloc_room_by_class);
    tcase_add_test(tc, test_put_grows_to_larger_class);
    tcase_add_test(tc, test_reserve_head_and_tail);
    tcase_add_test(tc, test_clone_takes_smallest_class);
    tcase_add_test(tc, test_flood_memory_per_packet);
    tcase_add_test(tc, test_world_flood_memory);
    tcase_add_test(tc, test_pool_reuse);
    tcase_add_test(tc, test_pool_visits_what_is_live);
    tcase_add_test(tc, test_pktq);
    tcase_add_test(tc, test_xgrow_appends);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(packet_suite)
