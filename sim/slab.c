/* sim/slab.c: slabs of equal-sized objects, released when empty. */
#include "sim/slab.h"

#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define VH_SLAB_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VH_SLAB_ASAN 1
#endif
#endif

#ifdef VH_SLAB_ASAN
#include <sanitizer/asan_interface.h>
#define REDZONE 32
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n) ((void) (p), (void) (n))
#define UNPOISON(p, n) ((void) (p), (void) (n))
#define REDZONE 0
#endif

/* The most objects a slab holds: 64-byte objects in a 64 KiB slab. */
#define MAX_OBJS 1024u
#define MIN_OBJ 64u

/* The head of a slab; its objects follow, from 'base'. */
struct vh_slab {
    struct vh_slab *prev, *next;    /* In the cache's partial or full list. */
    void *free;                     /* Objects freed back, linked through
                                     * their first word. */
    uint32_t carved;                /* Objects [0, carved) were handed out at
                                     * least once; the rest never were. */
    uint32_t used;                  /* Objects in use. */
    uint64_t in_use[MAX_OBJS / 64]; /* Bit i: object i is in use. */
};

/* Objects start a cache line after the head. */
#define BASE_OFF ((sizeof(struct vh_slab) + 63) & ~(size_t) 63)

static inline uint8_t *
slab_base(struct vh_slab *s)
{
    return (uint8_t *) s + BASE_OFF;
}

static inline struct vh_slab *
slab_of(const void *obj)
{
    return (struct vh_slab *) ((uintptr_t) obj
                               & ~(uintptr_t) (VH_SLAB_BYTES - 1));
}

static void
list_push(struct vh_slab **head, struct vh_slab *s)
{
    s->prev = NULL;
    s->next = *head;
    if (*head) {
        (*head)->prev = s;
    }
    *head = s;
}

static void
list_remove(struct vh_slab **head, struct vh_slab *s)
{
    if (s->prev) {
        s->prev->next = s->next;
    } else {
        *head = s->next;
    }
    if (s->next) {
        s->next->prev = s->prev;
    }
    s->prev = s->next = NULL;
}

void
vh_slab_init(struct vh_slab_cache *c, size_t size)
{
    memset(c, 0, sizeof *c);
    size = (size + sizeof(void *) - 1) & ~(sizeof(void *) - 1);
    c->obj_size = size < MIN_OBJ ? MIN_OBJ : size;
    c->stride = c->obj_size + REDZONE;
    c->per_slab = (uint32_t) ((VH_SLAB_BYTES - BASE_OFF) / c->stride);
    assert(c->per_slab >= 8 && c->per_slab <= MAX_OBJS);
    c->stride_inv = (uint32_t) ((((uint64_t) 1 << 32) + c->stride - 1)
                                / c->stride);
    assert(((uint64_t) (c->per_slab - 1) * c->stride * c->stride_inv >> 32)
           == c->per_slab - 1);
}

/* The index of the object at 'obj' in slab 's': its offset divided by
 * the stride, as a multiplication, since a division on every allocation
 * and free costs tens of cycles.  Exact: with m = ceil(2^32 / d) and
 * e = m * d - 2^32 < d, floor(x * m / 2^32) = floor(x / d) whenever
 * x * e < 2^32, which holds as both are below a slab's 2^16 bytes. */
static inline size_t
obj_index(const struct vh_slab_cache *c, struct vh_slab *s, const void *obj)
{
    uint64_t off = (uint64_t) ((const uint8_t *) obj - slab_base(s));
    return (size_t) ((off * c->stride_inv) >> 32);
}

static void
slab_release(struct vh_slab_cache *c, struct vh_slab *s)
{
    UNPOISON(s, VH_SLAB_BYTES);
    free(s);
    c->n_slabs--;
}

static void
release_list(struct vh_slab_cache *c, struct vh_slab *s)
{
    while (s) {
        struct vh_slab *next = s->next;
        slab_release(c, s);
        s = next;
    }
}

void
vh_slab_destroy(struct vh_slab_cache *c)
{
    release_list(c, c->partial);
    release_list(c, c->full);
    if (c->spare) {
        slab_release(c, c->spare);
    }
    assert(c->n_slabs == 0);
    size_t size = c->obj_size;
    vh_slab_init(c, size);
}

/* An empty slab: the spare if there is one, else a new one. */
static struct vh_slab *
slab_empty(struct vh_slab_cache *c)
{
    struct vh_slab *s = c->spare;
    if (s) {
        c->spare = NULL;
        return s;
    }
    s = aligned_alloc(VH_SLAB_BYTES, VH_SLAB_BYTES);
    if (!s) {
        fprintf(stderr, "vhsim: out of memory (allocating %u bytes)\n",
                VH_SLAB_BYTES);
        abort();
    }
    memset(s, 0, sizeof *s);
    POISON(slab_base(s), VH_SLAB_BYTES - BASE_OFF);
    c->n_slabs++;
    return s;
}

void *
vh_slab_alloc(struct vh_slab_cache *c)
{
    struct vh_slab *s = c->partial;
    if (!s) {
        s = slab_empty(c);
        list_push(&c->partial, s);
    }

    void *obj = s->free;
    if (obj) {
        UNPOISON(obj, sizeof(void *));
        s->free = *(void **) obj;
    } else {
        assert(s->carved < c->per_slab);
        obj = slab_base(s) + (size_t) s->carved++ * c->stride;
    }
    UNPOISON(obj, c->obj_size);

    size_t i = obj_index(c, s, obj);
    s->in_use[i / 64] |= UINT64_C(1) << (i % 64);
    c->in_use++;
    if (++s->used == c->per_slab) {
        list_remove(&c->partial, s);
        list_push(&c->full, s);
    }
    return obj;
}

void
vh_slab_free(struct vh_slab_cache *c, void *obj)
{
    struct vh_slab *s = slab_of(obj);
    size_t i = obj_index(c, s, obj);
    uint64_t bit = UINT64_C(1) << (i % 64);
    assert(s->in_use[i / 64] & bit);
    s->in_use[i / 64] &= ~bit;

    if (s->used == c->per_slab) {
        list_remove(&c->full, s);
        list_push(&c->partial, s);
    }
    c->in_use--;
    if (--s->used == 0) {
        /* Empty: keep it as the spare, or give it back. */
        list_remove(&c->partial, s);
        if (c->spare) {
            slab_release(c, s);
            return;
        }
        s->free = NULL;
        s->carved = 0;
        POISON(slab_base(s), VH_SLAB_BYTES - BASE_OFF);
        c->spare = s;
        return;
    }
    *(void **) obj = s->free;
    s->free = obj;
    POISON(obj, c->obj_size);
    UNPOISON(obj, sizeof(void *));
}

static void
foreach_in(const struct vh_slab_cache *c, struct vh_slab *s,
           void (*fn)(const void *, void *), void *ctx)
{
    for (; s; s = s->next) {
        for (uint32_t w = 0; w * 64 < s->carved; w++) {
            uint64_t bits = s->in_use[w];
            while (bits) {
                uint32_t i = w * 64 + (uint32_t) __builtin_ctzll(bits);
                bits &= bits - 1;
                fn(slab_base(s) + (size_t) i * c->stride, ctx);
            }
        }
    }
}

void
vh_slab_foreach(const struct vh_slab_cache *c,
                void (*fn)(const void *obj, void *ctx), void *ctx)
{
    foreach_in(c, c->partial, fn, ctx);
    foreach_in(c, c->full, fn, ctx);
}
