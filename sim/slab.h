/* sim/slab.h: a cache of equal-sized objects carved from slabs that go
 * back to the system when they empty.
 *
 * A flood makes many short-lived copies at once and then none: the memory
 * its peak needed must not stay held for the rest of the run.  Objects are
 * carved from aligned blocks (slabs) of VH_SLAB_BYTES; each slab keeps its
 * own free list and count, so freeing an object finds its slab by masking
 * the address, and a slab whose last object is freed is released (but one
 * empty slab is kept, so that a count swinging around a slab boundary does
 * not call malloc and free at every packet).
 *
 * A slab marks which of its objects are in use, so the objects a cache
 * has handed out can be walked (vh_slab_foreach) for checks at the end of
 * a run.  Under AddressSanitizer a free object is poisoned and objects are
 * kept apart by poisoned red zones, so a use after vh_slab_free() or a
 * write past an object's end is reported where it happens. */
#ifndef VH_SLAB_H
#define VH_SLAB_H 1

#include <stddef.h>
#include <stdint.h>

/* Slabs are aligned to their size, a power of two. */
#define VH_SLAB_BYTES 65536u

struct vh_slab;

struct vh_slab_cache {
    size_t obj_size;            /* Bytes per object, pointer-aligned. */
    size_t stride;              /* From one object to the next: obj_size,
                                 * and a poisoned red zone under
                                 * AddressSanitizer. */
    uint32_t per_slab;          /* Objects a slab holds. */
    uint32_t stride_inv;        /* ceil(2^32 / stride): an object's index
                                 * is its offset times this, >> 32. */
    struct vh_slab *partial;    /* Slabs with a free object (first is
                                 * where the next object comes from). */
    struct vh_slab *full;       /* Slabs with every object in use. */
    struct vh_slab *spare;      /* One empty slab kept for reuse. */
    size_t n_slabs;             /* Slabs held, the spare included. */
    uint64_t in_use;            /* Objects handed out, not yet freed. */
};

/* Prepares 'c' for objects of 'size' bytes, from 64 to an eighth of a
 * slab.  Holds no memory until the first allocation. */
void vh_slab_init(struct vh_slab_cache *c, size_t size);

/* Releases every slab.  Objects still in use become invalid. */
void vh_slab_destroy(struct vh_slab_cache *c);

/* An object of the cache's size, contents undefined.  Never fails (aborts
 * with a message when memory is exhausted). */
void *vh_slab_alloc(struct vh_slab_cache *c);

/* Returns 'obj', which came from vh_slab_alloc() on 'c'. */
void vh_slab_free(struct vh_slab_cache *c, void *obj);

/* Bytes of memory the cache holds now. */
static inline size_t vh_slab_bytes(const struct vh_slab_cache *c)
{
    return c->n_slabs * (size_t) VH_SLAB_BYTES;
}

/* Calls 'fn(obj, ctx)' for every object in use, in no particular order.
 * 'fn' must not allocate from or free to 'c'. */
void vh_slab_foreach(const struct vh_slab_cache *c,
                     void (*fn)(const void *obj, void *ctx), void *ctx);

#endif /* sim/slab.h */
