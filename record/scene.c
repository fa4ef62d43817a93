/* record/scene.c: the topology and scenario facts the GUI draws from. */
#include "record/scene.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xmalloc.h"

void *
gui_xmalloc(size_t n)
{
    return vh_xmalloc(n);
}

void *
gui_xcalloc(size_t n, size_t size)
{
    return vh_xcalloc(n, size);
}

void *
gui_xrealloc(void *p, size_t n)
{
    return vh_xrealloc(p, n);
}

char *
gui_xstrdup(const char *s)
{
    return vh_xstrdup(s ? s : "");
}

void
gui_scene_init(struct gui_scene *sc)
{
    memset(sc, 0, sizeof *sc);
}

void
gui_scene_free(struct gui_scene *sc)
{
    for (size_t i = 0; i < sc->n_devs; i++) {
        free(sc->devs[i].path);
        free(sc->devs[i].kind);
        free(sc->devs[i].note);
        free(sc->devs[i].edges);
    }
    free(sc->devs);
    for (size_t i = 0; i < sc->n_hosts; i++) {
        free(sc->hosts[i].iommu);
    }
    free(sc->hosts);
    for (size_t i = 0; i < sc->n_flows; i++) {
        free(sc->flows[i].name);
        free(sc->flows[i].from);
        free(sc->flows[i].to);
        free(sc->flows[i].proto);
    }
    free(sc->flows);
    for (size_t i = 0; i < sc->n_cats; i++) {
        free(sc->cats[i]);
    }
    free(sc->cats);
    for (size_t i = 0; i < sc->n_marks; i++) {
        free(sc->marks[i].action);
        free(sc->marks[i].target);
        free(sc->marks[i].to);
    }
    free(sc->marks);
    free(sc->name);
    free(sc->variant);
    gui_scene_init(sc);
}

void
gui_scene_set_topology(struct gui_scene *sc, const struct vh_devtab *tab)
{
    sc->devs = gui_xcalloc(tab->n, sizeof *sc->devs);
    sc->n_devs = tab->n;
    for (size_t i = 0; i < tab->n; i++) {
        const struct vh_device *d = tab->v[i];
        struct gui_dev *g = &sc->devs[i];
        g->path = gui_xstrdup(d->path);
        g->kind = gui_xstrdup(d->kind);
        g->role = d->role;
        g->parent = d->parent;
        g->note = gui_xstrdup("");
        g->n_edges = d->n_edges;
        g->edges = gui_xcalloc(d->n_edges, sizeof *g->edges);
        for (uint32_t e = 0; e < d->n_edges; e++) {
            g->edges[e].to = d->edges[e].to;
            g->edges[e].cable = d->edges[e].cable;
        }
    }
}

void
gui_scene_add_host(struct gui_scene *sc, uint32_t dev, int cores)
{
    sc->hosts = gui_xrealloc(sc->hosts, (sc->n_hosts + 1) * sizeof *sc->hosts);
    sc->hosts[sc->n_hosts++] = (struct gui_host_info) {
        dev, cores, gui_xstrdup("")
    };
}

void
gui_scene_set_iommu(struct gui_scene *sc, uint32_t dev, const char *iommu)
{
    for (size_t i = 0; i < sc->n_hosts; i++) {
        if (sc->hosts[i].dev == dev) {
            free(sc->hosts[i].iommu);
            sc->hosts[i].iommu = gui_xstrdup(iommu);
        }
    }
}

const char *
gui_scene_host_iommu(const struct gui_scene *sc, uint32_t dev)
{
    for (size_t i = 0; i < sc->n_hosts; i++) {
        if (sc->hosts[i].dev == dev) {
            return sc->hosts[i].iommu && *sc->hosts[i].iommu
                   ? sc->hosts[i].iommu : NULL;
        }
    }
    return NULL;
}

void
gui_scene_add_flow(struct gui_scene *sc, const char *name, const char *from,
                   const char *to, const char *proto)
{
    sc->flows = gui_xrealloc(sc->flows, (sc->n_flows + 1) * sizeof *sc->flows);
    sc->flows[sc->n_flows++] = (struct gui_flow_info) {
        gui_xstrdup(name), gui_xstrdup(from), gui_xstrdup(to),
        gui_xstrdup(proto)
    };
}

void
gui_scene_add_cat(struct gui_scene *sc, const char *name)
{
    sc->cats = gui_xrealloc(sc->cats, (sc->n_cats + 1) * sizeof *sc->cats);
    sc->cats[sc->n_cats++] = gui_xstrdup(name);
}

void
gui_scene_add_mark(struct gui_scene *sc, vh_time_t at, const char *action,
                   const char *target, const char *to, vh_time_t until)
{
    sc->marks = gui_xrealloc(sc->marks, (sc->n_marks + 1) * sizeof *sc->marks);
    sc->marks[sc->n_marks++] = (struct gui_mark) {
        at, gui_xstrdup(action), gui_xstrdup(target),
        gui_xstrdup(to ? to : ""), until < at ? at : until,
    };
}

const char *
gui_dev_name(const struct gui_dev *d)
{
    const char *s = strrchr(d->path, '/');
    return s ? s + 1 : d->path;
}

int
gui_scene_host_cores(const struct gui_scene *sc, uint32_t dev)
{
    for (size_t i = 0; i < sc->n_hosts; i++) {
        if (sc->hosts[i].dev == dev) {
            return sc->hosts[i].cores;
        }
    }
    return 0;
}

uint32_t
gui_scene_root(const struct gui_scene *sc, uint32_t dev)
{
    /* Bounded walk: a malformed recording must not loop forever. */
    for (size_t guard = 0; guard < sc->n_devs; guard++) {
        int32_t p = sc->devs[dev].parent;
        if (p < 0 || (size_t) p >= sc->n_devs) {
            break;
        }
        dev = (uint32_t) p;
    }
    return dev;
}

void
gui_scene_set_note(struct gui_scene *sc, uint32_t dev, const char *note)
{
    if (dev < sc->n_devs) {
        free(sc->devs[dev].note);
        sc->devs[dev].note = gui_xstrdup(note);
    }
}

bool
gui_dev_is_guest(const struct gui_dev *d)
{
    return d->role == VH_ROLE_GUEST;
}

bool
gui_scene_is_guest_port(const struct gui_scene *sc, uint32_t dev)
{
    if (dev >= sc->n_devs) {
        return false;
    }
    int32_t p = sc->devs[dev].parent;
    return p >= 0 && (size_t) p < sc->n_devs
           && gui_dev_is_guest(&sc->devs[p]);
}

const char *
gui_dev_note_how(const struct gui_dev *d)
{
    const char *bar = d->note ? strchr(d->note, '|') : NULL;
    return bar ? bar + 1 : "";
}

bool
gui_dev_thread_of(const struct gui_dev *d, char *proc, size_t n)
{
    static const char suffix[] = " thread";
    const char *how = gui_dev_note_how(d);
    size_t len = strlen(how), sl = sizeof suffix - 1;
    if (len < sl || strcmp(how + len - sl, suffix) != 0) {
        return false;
    }
    if (proc && n) {
        size_t who = (size_t) (how - 1 - d->note);
        snprintf(proc, n, "%.*s", (int) who, d->note);
    }
    return true;
}
