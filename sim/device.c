/* sim/device.c: the registry of named devices.
 *
 * Lookups by path happen while a scenario is built and when a capture or
 * report names a device, never per packet; but a world of 4,096 guests
 * has 8,194 devices and looks up two per flow, 33 million comparisons
 * for a linear scan and most of its build time.  So paths are also indexed by a hash;
 * the array itself stays the creation order, and a lookup still finds
 * the first device registered with a path, as the scan did. */
#include "sim/device.h"
#include "sim/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
vh_devtab_init(struct vh_devtab *tab)
{
    memset(tab, 0, sizeof *tab);
}

/* FNV-1a, 64 bits: paths are short, and only the build hashes them. */
static uint64_t
path_hash(const char *path)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (const unsigned char *c = (const unsigned char *) path; *c; c++) {
        h = (h ^ *c) * 0x100000001b3u;
    }
    return h;
}

/* The slot holding 'path', or the empty slot where it would go. */
static size_t
slot_of(const struct vh_devtab *tab, const char *path)
{
    size_t mask = tab->n_slots - 1;
    size_t i = (size_t) path_hash(path) & mask;
    while (tab->slots[i] && strcmp(tab->v[tab->slots[i] - 1]->path, path)) {
        i = (i + 1) & mask;
    }
    return i;
}

/* Indexes device 'id', registered after every device already indexed:
 * it ends its path's list. */
static void
index_add(struct vh_devtab *tab, uint32_t id)
{
    size_t i = slot_of(tab, tab->v[id]->path);
    tab->same_next[id] = 0;
    if (!tab->slots[i]) {
        tab->slots[i] = id + 1;
        return;
    }
    uint32_t last = tab->slots[i] - 1;
    while (tab->same_next[last]) {
        last = tab->same_next[last] - 1;
    }
    tab->same_next[last] = id + 1;
}

/* Doubles the index past twice the devices, indexing them again in
 * creation order. */
static void
index_grow(struct vh_devtab *tab)
{
    free(tab->slots);
    tab->n_slots = tab->n_slots ? tab->n_slots * 2 : 128;
    tab->slots = vh_xcalloc(tab->n_slots, sizeof *tab->slots);
    for (size_t id = 0; id < tab->n; id++) {
        index_add(tab, (uint32_t) id);
    }
}

void
vh_devtab_destroy(struct vh_devtab *tab)
{
    for (size_t i = 0; i < tab->n; i++) {
        free(tab->v[i]->path);
        tab->v[i]->path = NULL;
        free(tab->v[i]->edges);
        tab->v[i]->edges = NULL;
        free(tab->v[i]->drop_reasons);
        tab->v[i]->drop_reasons = NULL;
        tab->v[i]->n_edges = 0;
    }
    free(tab->v);
    free(tab->slots);
    free(tab->same_next);
    vh_devtab_init(tab);
}

uint32_t
vh_devtab_add(struct vh_devtab *tab, struct vh_device *dev,
              const char *path, const char *kind,
              const struct vh_device *parent)
{
    if (tab->n == tab->cap) {
        size_t cap = tab->cap ? tab->cap * 2 : 64;
        tab->v = vh_xrealloc(tab->v, cap * sizeof *tab->v);
        tab->same_next = vh_xrealloc(tab->same_next,
                                     cap * sizeof *tab->same_next);
        tab->cap = cap;
    }
    char *copy = vh_xstrdup(path);
    dev->id = (uint32_t) tab->n;
    dev->edges = NULL;
    dev->n_edges = 0;
    dev->parent = parent ? (int32_t) parent->id : -1;
    dev->path = copy;
    dev->kind = kind;
    dev->role = VH_ROLE_DEVICE;
    dev->cls = NULL;
    tab->v[tab->n++] = dev;
    if (2 * tab->n > tab->n_slots) {
        index_grow(tab);        /* Indexes 'dev' with the others. */
    } else {
        index_add(tab, dev->id);
    }
    return dev->id;
}

uint32_t
vh_devtab_add_child(struct vh_devtab *tab, struct vh_device *dev,
                    const struct vh_device *parent, const char *name,
                    const char *kind)
{
    size_t n = strlen(parent->path) + 1 + strlen(name) + 1;
    char *path = vh_xmalloc(n);
    snprintf(path, n, "%s/%s", parent->path, name);
    uint32_t id = vh_devtab_add(tab, dev, path, kind, parent);
    free(path);
    return id;
}

struct vh_device *
vh_devtab_find(const struct vh_devtab *tab, const char *path)
{
    if (!tab->n_slots) {
        return NULL;
    }
    uint32_t id = tab->slots[slot_of(tab, path)];
    return id ? tab->v[id - 1] : NULL;
}

struct vh_device *
vh_devtab_find_kind(const struct vh_devtab *tab, const char *path,
                    const char *kind)
{
    for (struct vh_device *d = vh_devtab_find(tab, path); d;
         d = tab->same_next[d->id] ? tab->v[tab->same_next[d->id] - 1]
                                   : NULL) {
        if (!strcmp(d->kind, kind)) {
            return d;
        }
    }
    return NULL;
}

static void
add_edge(struct vh_device *from, const struct vh_device *to, int cable)
{
    for (uint32_t i = 0; i < from->n_edges; i++) {
        if (from->edges[i].to == to->id) {
            from->edges[i].cable |= (uint8_t) (cable != 0);
            return;
        }
    }
    from->edges = vh_xgrow(from->edges, from->n_edges, sizeof *from->edges);
    from->edges[from->n_edges++] = (struct vh_device_edge) {
        to->id, (uint8_t) (cable != 0)
    };
}

void
vh_device_connect(struct vh_device *a, struct vh_device *b, int cable)
{
    if (a == b) {
        return;
    }
    add_edge(a, b, cable);
    add_edge(b, a, cable);
}
