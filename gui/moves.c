/* gui/moves.c: the scene after live migrations (gui/moves.h). */
#include "gui/moves.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


/* A phase's scene and which of its devices have edge arrays of their
 * own (the others share the recorded scene's). */
struct moved {
    struct gui_scene sc;
    uint8_t *owned;
};

static bool
is_migration(const struct gui_mark *m)
{
    return !strcmp(m->action, "migrate") && m->to && *m->to;
}

/* The migrate marks of 'sc' in the order they end (the scenario's order among
 * equal times), at most 'max', into 'idx'; returns how many. */
static size_t
migrations(const struct gui_scene *sc, size_t *idx, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < sc->n_marks && n < max; i++) {
        if (!is_migration(&sc->marks[i])) {
            continue;
        }
        size_t k = n++;
        while (k > 0 && sc->marks[idx[k - 1]].until > sc->marks[i].until) {
            idx[k] = idx[k - 1];
            k--;
        }
        idx[k] = i;
    }
    return n;
}

size_t
gui_moves_phases(const struct gui_scene *sc, vh_time_t *starts, size_t max)
{
    size_t idx[GUI_MAX_PHASES];
    size_t n = migrations(sc, idx, max > 0 ? max - 1 : 0);
    starts[0] = 0;
    for (size_t k = 0; k < n; k++) {
        starts[k + 1] = sc->marks[idx[k]].until;
    }
    return n + 1;
}

size_t
gui_moves_phase_at(const vh_time_t *starts, size_t n, vh_time_t t)
{
    size_t k = 0;
    while (k + 1 < n && starts[k + 1] <= t) {
        k++;
    }
    return k;
}

static int32_t
dev_by_path(const struct gui_scene *sc, const char *path)
{
    for (size_t i = 0; i < sc->n_devs; i++) {
        if (!strcmp(sc->devs[i].path, path)) {
            return (int32_t) i;
        }
    }
    return -1;
}

/* Whether device 'd' is 'a' or inside it. */
static bool
within(const struct gui_scene *sc, int32_t d, int32_t a)
{
    for (int depth = 0; d >= 0 && depth < 64; depth++) {
        if (d == a) {
            return true;
        }
        d = sc->devs[d].parent;
    }
    return false;
}

/* Gives device 'd' an edge array of its own, to change. */
static void
own_edges(struct moved *m, uint32_t d)
{
    if (m->owned[d]) {
        return;
    }
    struct gui_dev *dv = &m->sc.devs[d];
    struct gui_edge *e = gui_xcalloc(dv->n_edges + 1, sizeof *e);
    if (dv->n_edges) {
        memcpy(e, dv->edges, dv->n_edges * sizeof *e);
    }
    dv->edges = e;
    m->owned[d] = 1;
}

static void
add_edge(struct moved *m, uint32_t d, uint32_t to, uint8_t cable)
{
    own_edges(m, d);
    struct gui_dev *dv = &m->sc.devs[d];
    for (uint32_t i = 0; i < dv->n_edges; i++) {
        if (dv->edges[i].to == to) {
            return;
        }
    }
    dv->edges = gui_xrealloc(dv->edges, (dv->n_edges + 1) * sizeof *dv->edges);
    dv->edges[dv->n_edges++] = (struct gui_edge) { to, cable };
}

/* Moves guest 'g' from host 'src' to host 'dst'. */
static void
move_guest(struct moved *m, int32_t g, int32_t src, int32_t dst)
{
    struct gui_scene *sc = &m->sc;
    size_t src_len = strlen(sc->devs[src].path);
    const char *dst_path = sc->devs[dst].path;
    sc->devs[g].parent = dst;
    for (size_t d = 0; d < sc->n_devs; d++) {
        bool inside = within(sc, (int32_t) d, g);
        if (!inside && !within(sc, (int32_t) d, src)) {
            continue;
        }
        /* The guest's links to its old host go to the new one; the old
         * host's links to the guest go. */
        own_edges(m, (uint32_t) d);
        struct gui_dev *dv = &sc->devs[d];
        uint32_t keep = 0;
        for (uint32_t i = 0; i < dv->n_edges; i++) {
            struct gui_edge e = dv->edges[i];
            bool far_in = within(sc, (int32_t) e.to, g);
            if (inside && !far_in && within(sc, (int32_t) e.to, src)) {
                const char *rest = sc->devs[e.to].path + src_len;
                char *path = gui_xcalloc(strlen(dst_path) + strlen(rest) + 1,
                                         1);
                strcpy(path, dst_path);
                strcat(path, rest);
                int32_t to = dev_by_path(sc, path);
                free(path);
                if (to >= 0) {
                    dv->edges[keep++] = (struct gui_edge) { (uint32_t) to,
                                                            e.cable };
                }
                continue;
            }
            if (!inside && far_in) {
                continue;
            }
            dv->edges[keep++] = e;
        }
        dv->n_edges = keep;
    }
    /* Both ends know a link: the destination's devices learn theirs. */
    for (size_t d = 0; d < sc->n_devs; d++) {
        if (!within(sc, (int32_t) d, g)) {
            continue;
        }
        for (uint32_t i = 0; i < sc->devs[d].n_edges; i++) {
            struct gui_edge e = sc->devs[d].edges[i];
            if (!within(sc, (int32_t) e.to, g)) {
                add_edge(m, e.to, (uint32_t) d, e.cable);
            }
        }
    }
}

struct gui_scene *
gui_moves_scene(const struct gui_scene *sc, size_t k)
{
    struct moved *m = gui_xcalloc(1, sizeof *m);
    m->sc = *sc;
    m->sc.devs = gui_xcalloc(sc->n_devs + 1, sizeof *m->sc.devs);
    if (sc->n_devs) {
        memcpy(m->sc.devs, sc->devs, sc->n_devs * sizeof *sc->devs);
    }
    m->owned = gui_xcalloc(sc->n_devs + 1, 1);
    size_t idx[GUI_MAX_PHASES];
    size_t n = migrations(sc, idx, GUI_MAX_PHASES);
    for (size_t i = 0; i < k && i < n; i++) {
        const struct gui_mark *mk = &sc->marks[idx[i]];
        int32_t g = dev_by_path(&m->sc, mk->target);
        int32_t dst = dev_by_path(&m->sc, mk->to);
        if (g < 0 || dst < 0 || m->sc.devs[g].parent < 0
            || m->sc.devs[g].parent == dst) {
            continue;
        }
        move_guest(m, g, m->sc.devs[g].parent, dst);
    }
    return &m->sc;
}

void
gui_moves_free(struct gui_scene *sc)
{
    if (!sc) {
        return;
    }
    struct moved *m = (struct moved *) sc;
    for (size_t i = 0; i < sc->n_devs; i++) {
        if (m->owned[i]) {
            free(sc->devs[i].edges);
        }
    }
    free(sc->devs);
    free(m->owned);
    free(m);
}
