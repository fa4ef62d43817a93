/* models/core/devclass.c: the class table and what is done over it. */
#include "models/core/devclass.h"

#include <stdlib.h>
#include <string.h>

#include "models/core/world.h"
#include "sim/xmalloc.h"

#define DEV_CLASS(NAME) extern const struct dev_class NAME;
#include "models/core/devclasses.def"
#undef DEV_CLASS

const struct dev_class *const dev_classes[] = {
#define DEV_CLASS(NAME) &NAME,
#include "models/core/devclasses.def"
#undef DEV_CLASS
};
const size_t n_dev_classes = sizeof dev_classes / sizeof dev_classes[0];

void
dev_register(struct world *w, struct vh_device *d,
             const struct dev_class *cls, const struct vh_device *parent,
             const char *name)
{
    if (parent) {
        vh_devtab_add_child(&w->devs, d, parent, name, cls->kind);
    } else {
        vh_devtab_add(&w->devs, d, name, cls->kind, NULL);
    }
    d->role = cls->role;
    d->cls = cls;
}

const struct dev_class *
dev_class_find(enum dev_family family, const char *value)
{
    for (size_t i = 0; i < n_dev_classes; i++) {
        const struct dev_class *c = dev_classes[i];
        if (c->family != family || !c->accepts) {
            continue;
        }
        for (const char *const *a = c->accepts; *a; a++) {
            if (!strcmp(*a, value)) {
                return c;
            }
        }
    }
    return NULL;
}

const struct dev_class *
dev_class_for_attach_mode(const char *type, const char *mode)
{
    for (size_t i = 0; i < n_dev_classes; i++) {
        const struct dev_class *c = dev_classes[i];
        if (c->attach_type && !strcmp(c->attach_type, type)
            && (!mode || !c->attach_mode || !strcmp(c->attach_mode, mode))) {
            return c;
        }
    }
    return NULL;
}

const struct dev_class *
dev_class_for_attach(const char *type)
{
    return dev_class_for_attach_mode(type, NULL);
}

void
dev_destroy_all(struct world *w)
{
    /* The registry points into the instances, so it is emptied first,
     * from a copy of its list. */
    size_t n = w->devs.n;
    struct vh_device **v = vh_xmalloc((n ? n : 1) * sizeof *v);
    if (n) {
        memcpy(v, w->devs.v, n * sizeof *v);
    }
    vh_devtab_destroy(&w->devs);
    for (size_t i = n; i-- > 0;) {
        if (v[i]->cls && v[i]->cls->destroy) {
            v[i]->cls->destroy(v[i]);
        }
    }
    free(v);
}
