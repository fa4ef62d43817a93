/* sim/device.c: the registry of named devices.
 *
 * Lookups by path happen while a scenario is built and when a capture or
 * report names a device, never per packet, so a linear scan over a few
 * hundred entries is plenty; the array itself is the creation order. */
#include "sim/device.h"
#include "sim/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
vh_devtab_init(struct vh_devtab *tab)
{
    tab->v = NULL;
    tab->n = 0;
    tab->cap = 0;
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
    for (size_t i = 0; i < tab->n; i++) {
        if (!strcmp(tab->v[i]->path, path)) {
            return tab->v[i];
        }
    }
    return NULL;
}

struct vh_device *
vh_devtab_find_kind(const struct vh_devtab *tab, const char *path,
                    const char *kind)
{
    for (size_t i = 0; i < tab->n; i++) {
        if (!strcmp(tab->v[i]->path, path)
            && !strcmp(tab->v[i]->kind, kind)) {
            return tab->v[i];
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
