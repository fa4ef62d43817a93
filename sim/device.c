/* sim/device.c: the registry of named devices.
 *
 * Lookups by path happen while a scenario is built and when a capture or
 * report names a device, never per packet, so a linear scan over a few
 * hundred entries is plenty; the array itself is the creation order. */
#include "sim/device.h"

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
    }
    free(tab->v);
    vh_devtab_init(tab);
}

static void
oom(void)
{
    fprintf(stderr, "vhsim: out of memory registering a device\n");
    abort();
}

uint32_t
vh_devtab_add(struct vh_devtab *tab, struct vh_device *dev,
              const char *path, const char *kind,
              const struct vh_device *parent)
{
    if (tab->n == tab->cap) {
        size_t cap = tab->cap ? tab->cap * 2 : 64;
        struct vh_device **v = realloc(tab->v, cap * sizeof *v);
        if (!v) {
            oom();
        }
        tab->v = v;
        tab->cap = cap;
    }
    char *copy = strdup(path);
    if (!copy) {
        oom();
    }
    dev->id = (uint32_t) tab->n;
    dev->parent = parent ? (int32_t) parent->id : -1;
    dev->path = copy;
    dev->kind = kind;
    tab->v[tab->n++] = dev;
    return dev->id;
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
