/* gui/layout.c: placing hosts, guests, switches and their links.
 *
 * The work is done in passes: decide each device's place from its role and
 * parent; size the boxes; place each host's bands left to right (guests in
 * order, the rows below near the mean position of what they connect to);
 * stack hosts side by side and switches in a row beneath; then draw the
 * routes.  Nothing here measures text: box sizes come from counts and
 * fixed dimensions, so positions do not depend on the font. */
#include "gui/layout.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/lang.h"

/* Dimensions in world units. */
#define PAD 14.0f               /* Inside a panel. */
#define GAP 18.0f               /* Between boxes of one row. */
#define TITLE_H 30.0f           /* A host panel's title bar, */
#define TITLE_H_COMPACT 48.0f   /* (in compare mode: a quarter of the
                                 * window shrinks a world unit to a
                                 * third of a pixel, and the host's name
                                 * must still fit at the smallest
                                 * readable size). */
#define BAND_W 92.0f            /* Captions at the left of a host panel. */
#define PORT_W 78.0f
#define PORT_H 38.0f
#define PORT_GAP 10.0f
#define GUEST_TITLE 28.0f       /* A guest's name, above its NICs */
#define GUEST_TITLE_COMPACT 40.0f   /* (in compare mode). */
#define GUEST_MIN_W 120.0f
#define BACK_GAP 26.0f          /* Between a guest and its backends. */
#define BACK_H 48.0f
#define ROW_GAP 34.0f           /* Between bands. */
#define NODE_MIN_W 120.0f
#define NODE_H 50.0f
#define FOLD_W 120.0f
#define PICTURE_BELOW_GUESTS 380.0f /* About: the kernel and hardware rows,
                                     * the host's title, the switches. */
#define HOST_GAP 40.0f
#define CPU_W 150.0f            /* The CPU column: one bar per core, */
#define CPU_W_COMPACT 104.0f    /* (in compare mode) */
#define CPU_HEAD 24.0f          /* under a caption, */
#define CPU_PITCH 12.0f         /* a bar every 12 units. */
#define CPU_MAX_BARS 32
#define LANE 12.0f              /* Queue lane at the bottom of a box. */
#define DOT_PITCH 10.0f
#define EXTENDER_ROW_GAP 130   /* From the row of port extenders down to
                                 * the row of the other switches. */
#define SWITCH_SHOW_ALL 4       /* Switches with more ports show only the
                                 * cabled ones. */
#define THREAD_W 88.0f          /* A thread of a user-space process, */
#define THREAD_H 40.0f
#define THREAD_GAP 8.0f
#define THREAD_FOLD_W 120.0f    /* or a job's threads folded, in a row */
#define JOB_GAP 18.0f           /* inside the process's box, a wider gap
                                 * between jobs. */
#define PROC_TITLE 24.0f
#define PROC_PAD 8.0f
#define USER_GAP 44.0f          /* Under the user-space band: room for
                                 * the guests' lines to turn and, below
                                 * them, the lines up to the threads, */
#define LANE_PITCH 8.0f         /* one lane per process. */
#define QUEUE_W 50.0f           /* A NIC's receive queue box, */
#define QUEUE_H 30.0f
#define QUEUE_GAP 6.0f          /* in a row above the NIC's lane. */
#define IOMMU_W 190.0f          /* The IOMMU: a title, a line per domain, */
#define IOMMU_HEAD 24.0f        /* the IOTLB's line. */
#define IOMMU_LINE 15.0f

const char gui_band_user[] = "user space";

enum role {
    R_HIDDEN,                   /* Drawn as its nearest shown ancestor. */
    R_HOST, R_GUEST, R_GPORT, R_MID, R_HW, R_SWITCH, R_OTHER, R_EPORT,
    R_THREAD,                   /* A host switch's thread in user space. */
};

struct ctx {
    const struct gui_scene *sc;
    struct gui_layout *l;
    enum role *role;
    int32_t *pair;              /* Per device: for the host end of a veth
                                 * pair, the container's end, drawn for
                                 * both; else -1. */
    float core_lane;            /* Bottom of the row of switches above the
                                 * core row (spines), or 0 if none. */
    size_t cap_nodes, cap_routes;
};

/* Whether device 'i' or one of its direct parts (a bridge's ports) is
 * joined to anything. */
static bool
linked(const struct gui_scene *sc, size_t i)
{
    if (sc->devs[i].n_edges) {
        return true;
    }
    for (size_t k = i + 1; k < sc->n_devs; k++) {
        if (sc->devs[k].parent == (int32_t) i && sc->devs[k].n_edges) {
            return true;
        }
    }
    return false;
}

static bool
is_container(const struct gui_scene *sc, uint32_t dev)
{
    return dev < sc->n_devs && !strcmp(sc->devs[dev].kind, "container");
}

/* Whether device 'i' has an edge inside its host to a device of role
 * 'r' (or a part of one). */
static bool
edge_to_role(const struct ctx *c, uint32_t i, enum role r)
{
    const struct gui_scene *sc = c->sc;
    for (uint32_t k = i; k < sc->n_devs; k++) {
        if (k != i && sc->devs[k].parent != (int32_t) i) {
            continue;
        }
        for (uint32_t e = 0; e < sc->devs[k].n_edges; e++) {
            uint32_t o = sc->devs[k].edges[e].to;
            int32_t op = sc->devs[o].parent;
            if (!sc->devs[k].edges[e].cable
                && (c->role[o] == r || (op >= 0 && c->role[op] == r))) {
                return true;
            }
        }
    }
    return false;
}

/* The NIC host 'h' routes out of through its NAT: the first one cabled to
 * the outside that no bridge or tunnel of the host holds; -1 if none. */
static int32_t
nat_uplink(const struct ctx *c, uint32_t h)
{
    const struct gui_scene *sc = c->sc;
    for (uint32_t i = h + 1; i < sc->n_devs; i++) {
        const struct gui_dev *d = &sc->devs[i];
        if (d->parent != (int32_t) h || c->role[i] != R_HW) {
            continue;
        }
        bool cabled = false, held = false;
        for (uint32_t e = 0; e < d->n_edges; e++) {
            cabled |= d->edges[e].cable;
            held |= !d->edges[e].cable;
        }
        if (cabled && !held) {
            return (int32_t) i;
        }
    }
    return -1;
}

/* The next bridge of host 'h' from device 'from' on whose traffic leaves
 * through the host's routing: joined to something, but to no NIC. */
static int32_t
nat_next_bridge(const struct ctx *c, uint32_t h, uint32_t from)
{
    const struct gui_scene *sc = c->sc;
    for (uint32_t i = from > h ? from : h + 1; i < sc->n_devs; i++) {
        if (sc->devs[i].parent == (int32_t) h && c->role[i] == R_MID
            && sc->devs[i].role == VH_ROLE_SWITCHING
            && linked(sc, i) && !edge_to_role(c, i, R_HW)) {
            return (int32_t) i;
        }
    }
    return -1;
}

static void
classify(struct ctx *c)
{
    const struct gui_scene *sc = c->sc;
    /* Parents before their children: registered so, but a guest that
     * migrated (gui/moves.h) has a host registered after it. */
    size_t *order = gui_xcalloc(sc->n_devs + 1, sizeof *order);
    uint8_t *depth = gui_xcalloc(sc->n_devs + 1, 1);
    for (size_t i = 0; i < sc->n_devs; i++) {
        int32_t p = sc->devs[i].parent;
        while (p >= 0 && (size_t) p < sc->n_devs && depth[i] < 64) {
            depth[i]++;
            p = sc->devs[p].parent;
        }
    }
    size_t n_order = 0;
    for (uint8_t k = 0; k <= 64; k++) {
        for (size_t i = 0; i < sc->n_devs; i++) {
            if (depth[i] == k) {
                order[n_order++] = i;
            }
        }
    }
    for (size_t o = 0; o < n_order; o++) {
        size_t i = order[o];
        const struct gui_dev *d = &sc->devs[i];
        int32_t p = d->parent;
        if (p < 0 || (size_t) p >= sc->n_devs || depth[i] >= 64) {
            /* A parent that is not a device, or a loop of them: treated
             * as top level. */
            if (d->role == VH_ROLE_HOST) {
                c->role[i] = R_HOST;
            } else if (d->role == VH_ROLE_SWITCHING) {
                c->role[i] = R_SWITCH;
            } else {
                c->role[i] = R_OTHER;
            }
            continue;
        }
        enum role pr = c->role[p];
        if (pr == R_HOST) {
            c->role[i] = d->role == VH_ROLE_GUEST ? R_GUEST
                         : d->role == VH_ROLE_HW ? R_HW : R_MID;
            if (c->role[i] == R_MID && !linked(sc, i)) {
                /* A bridge nothing is joined to (a variant took its
                 * ports away) carries no packet; drawn, it would sit
                 * in the way of the lines from the guests down to the
                 * NICs and seem to be on their path. */
                c->role[i] = R_HIDDEN;
            }
        } else if (pr == R_HW && d->role != VH_ROLE_HW
                   && c->role[sc->devs[p].parent] == R_HOST) {
            /* Software on a NIC (a macvlan, an ipvlan): the NIC's
             * driver hands it frames, but it is the kernel's, and is
             * drawn in the kernel's band, joined to its NIC. */
            c->role[i] = R_MID;
        } else if (pr == R_GUEST) {
            c->role[i] = R_GPORT;
        } else if (pr == R_MID && gui_dev_thread_of(d, NULL, 0)) {
            c->role[i] = R_THREAD;
        } else if (pr == R_MID || pr == R_HW || pr == R_SWITCH
                   || pr == R_OTHER) {
            c->role[i] = R_EPORT;
        } else {
            c->role[i] = R_HIDDEN;
        }
    }
    free(order);
    free(depth);
    /* The host end of a veth pair is half of the link from a container to
     * its bridge: the picture draws the pair as that link, from the
     * container's interface, rather than a box per container in the
     * kernel's row (a thousand of them on a dense host). */
    for (size_t i = 0; i < sc->n_devs; i++) {
        c->pair[i] = -1;
        const struct gui_dev *d = &sc->devs[i];
        if (c->role[i] != R_MID || d->role != VH_ROLE_DEVICE
            || d->parent < 0 || c->role[d->parent] != R_HOST) {
            continue;
        }
        for (uint32_t e = 0; e < d->n_edges; e++) {
            uint32_t o = d->edges[e].to;
            if (!d->edges[e].cable && c->role[o] == R_GPORT
                && is_container(sc, (uint32_t) sc->devs[o].parent)) {
                c->role[i] = R_HIDDEN;
                c->pair[i] = (int32_t) o;
                break;
            }
        }
    }
    /* A NAT nothing is cabled to is the host's routing between its
     * bridges and a NIC: drawn, with lines to them, so the way out of
     * docker0 or virbr0 shows. */
    for (size_t i = 0; i < sc->n_devs; i++) {
        if (c->role[i] == R_HIDDEN && !strcmp(sc->devs[i].kind, "nat")
            && sc->devs[i].parent >= 0
            && c->role[sc->devs[i].parent] == R_HOST
            && nat_uplink(c, (uint32_t) sc->devs[i].parent) >= 0
            && nat_next_bridge(c, (uint32_t) sc->devs[i].parent, 0) >= 0) {
            c->role[i] = R_MID;
        }
    }
}

static int32_t
add_node(struct ctx *c, enum gui_node_type type, int32_t dev, int32_t parent,
         int32_t host, float w, float h)
{
    struct gui_layout *l = c->l;
    if (l->n_nodes == c->cap_nodes) {
        c->cap_nodes = c->cap_nodes ? c->cap_nodes * 2 : 64;
        l->nodes = gui_xrealloc(l->nodes, c->cap_nodes * sizeof *l->nodes);
    }
    struct gui_node *n = &l->nodes[l->n_nodes];
    memset(n, 0, sizeof *n);
    n->type = type;
    n->dev = dev;
    n->parent = parent;
    n->host = host;
    n->box.w = w;
    n->box.h = h;
    if (dev >= 0 && type != GUI_N_CPU) {
        const struct gui_dev *d = &c->sc->devs[dev];
        snprintf(n->label, sizeof n->label, "%s", gui_dev_name(d));
        if (type == GUI_N_MID || type == GUI_N_HW || type == GUI_N_SWITCH
            || type == GUI_N_OTHER) {
            snprintf(n->sub, sizeof n->sub, "%s", d->kind);
        }
        const char *bar = d->note ? strchr(d->note, '|') : NULL;
        if (type == GUI_N_SWITCH && bar
            && !strncmp(d->note, "switch mode|", 12)) {
            /* "switch, vepa": its mode is what it does with frames. */
            snprintf(n->sub, sizeof n->sub, "%s, %s", d->kind, bar + 1);
        }
        if (type == GUI_N_MID && bar) {
            /* What the scenario calls it says more than the kind: "kernel
             * datapath" (the kind stays in the inspector). */
            snprintf(n->sub, sizeof n->sub, "%.*s", (int) (bar - d->note),
                     d->note);
        }
    }
    return (int32_t) l->n_nodes++;
}

/* Children of 'dev' with role 'r', in registry order (a migrated guest
 * may come before its new host). */
static size_t
children(const struct ctx *c, uint32_t dev, enum role r, uint32_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i < c->sc->n_devs; i++) {
        int32_t p = c->sc->devs[i].parent;
        /* A host's kernel devices include those on its NICs (macvlan). */
        bool on_nic = r == R_MID && p >= 0 && c->role[p] == R_HW
                      && c->sc->devs[p].parent == (int32_t) dev;
        if ((p == (int32_t) dev || on_nic) && c->role[i] == r) {
            if (out) {
                out[n] = (uint32_t) i;
            }
            n++;
        }
    }
    return n;
}

/* Items of one row to be placed near their desired centres. */
struct item {
    int32_t node;
    float want;                 /* Desired centre x. */
    int order;                  /* Tie-break: registry order. */
};

static int
item_cmp(const void *a_, const void *b_)
{
    const struct item *a = a_, *b = b_;
    if (a->want != b->want) {
        return a->want < b->want ? -1 : 1;
    }
    return a->order - b->order;
}

/* Places the nodes of a row at 'y', in order of desired centre, without
 * overlap, as close as a uniform shift allows; never left of 'x0'.
 * Returns the right edge. */
static float
place_row(struct gui_layout *l, struct item *it, size_t n, float x0, float y)
{
    if (!n) {
        return x0;
    }
    qsort(it, n, sizeof *it, item_cmp);
    float x = x0;
    float disp = 0;
    for (size_t i = 0; i < n; i++) {
        struct gui_box *b = &l->nodes[it[i].node].box;
        float want_left = it[i].want - b->w / 2;
        b->x = i == 0 ? want_left : fmaxf(want_left, x);
        x = b->x + b->w + GAP;
        disp += it[i].want - (b->x + b->w / 2);
        b->y = y;
    }
    /* A uniform shift toward the desired centres, then keep it right of
     * x0. */
    float shift = disp / (float) n;
    float left = l->nodes[it[0].node].box.x + shift;
    if (left < x0) {
        shift += x0 - left;
    }
    float right = x0;
    for (size_t i = 0; i < n; i++) {
        struct gui_box *b = &l->nodes[it[i].node].box;
        b->x += shift;
        right = fmaxf(right, b->x + b->w);
    }
    return right;
}

static float
cx(const struct gui_layout *l, int32_t n)
{
    return l->nodes[n].box.x + l->nodes[n].box.w / 2;
}

/* Mean centre x of the nodes linked to device 'dev' that are already
 * placed in rows above ('placed[node]'), or 'fallback'. */
static float
want_x(const struct ctx *c, uint32_t dev, const uint8_t *placed,
       float fallback)
{
    const struct gui_layout *l = c->l;
    const struct gui_dev *d = &c->sc->devs[dev];
    float sum = 0;
    int n = 0;
    int32_t seen[64];
    int n_seen = 0;
    /* Links of the device and of its ports, each node counted once (a
     * fold group stands for many guests but is one box). */
    for (size_t k = dev; k < c->sc->n_devs; k++) {
        if (k != dev && c->sc->devs[k].parent != (int32_t) dev) {
            continue;
        }
        const struct gui_dev *e = k == dev ? d : &c->sc->devs[k];
        for (uint32_t j = 0; j < e->n_edges; j++) {
            uint32_t to = e->edges[j].to;
            if (c->pair[to] >= 0) {
                /* A veth's host end: where its container is. */
                to = (uint32_t) c->pair[to];
            }
            int32_t node = l->dev_back[to] >= 0 ? l->dev_back[to]
                                                : l->dev_node[to];
            if (node < 0 || !placed[node]) {
                continue;
            }
            bool dup = false;
            for (int q = 0; q < n_seen; q++) {
                dup |= seen[q] == node;
            }
            if (dup) {
                continue;
            }
            if (n_seen < 64) {
                seen[n_seen++] = node;
            }
            sum += cx(l, node);
            n++;
        }
    }
    /* The NIC a NAT routes out of goes under the NAT. */
    for (size_t k = 0; c->role[dev] == R_HW && d->parent >= 0
                       && k < c->sc->n_devs; k++) {
        if (c->sc->devs[k].parent == d->parent && c->role[k] == R_MID
            && !strcmp(c->sc->devs[k].kind, "nat")
            && nat_uplink(c, (uint32_t) d->parent) == (int32_t) dev
            && l->dev_node[k] >= 0 && placed[l->dev_node[k]]) {
            sum += cx(l, l->dev_node[k]);
            n++;
        }
    }
    return n ? sum / (float) n : fallback;
}

/* Ports of node 'parent' (device 'dev'), along the top edge inside it.
 * Returns how many were shown; the rest are counted in '*hidden'. */
static size_t
add_ports(struct ctx *c, int32_t parent, uint32_t dev, int32_t host,
          bool only_cabled, int *hidden)
{
    size_t n = children(c, dev, R_EPORT, NULL);
    uint32_t *v = gui_xcalloc(n, sizeof *v);
    children(c, dev, R_EPORT, v);
    size_t shown = 0;
    *hidden = 0;
    for (size_t i = 0; i < n; i++) {
        if (only_cabled && !c->sc->devs[v[i]].n_edges) {
            c->l->dev_node[v[i]] = parent;
            (*hidden)++;
            continue;
        }
        int32_t pn = add_node(c, GUI_N_PORT, (int32_t) v[i], parent, host,
                              PORT_W, PORT_H);
        c->l->dev_node[v[i]] = pn;
        shown++;
    }
    free(v);
    return shown;
}

/* Sizes a node that carries 'n_ports' ports on its top edge. */
static void
size_with_ports(struct gui_box *b, size_t n_ports, float min_w, float h)
{
    float pw = n_ports ? (float) n_ports * (PORT_W + PORT_GAP) - PORT_GAP
                         + 2 * PAD : 0;
    b->w = fmaxf(min_w, pw);
    b->h = n_ports ? h + PORT_H + 8 : h;
}

/* Moves node 'n' and the ports just after it (its children) so that its
 * box starts at (x, y). */
static void
move_with_ports(struct gui_layout *l, int32_t n, float x, float y)
{
    struct gui_box *b = &l->nodes[n].box;
    b->x = x;
    b->y = y;
    size_t k = 0;
    for (size_t i = (size_t) n + 1; i < l->n_nodes
         && l->nodes[i].parent == n && l->nodes[i].type == GUI_N_PORT; i++) {
        k++;
    }
    float span = k ? (float) k * (PORT_W + PORT_GAP) - PORT_GAP : 0;
    float px = x + (b->w - span) / 2;
    for (size_t i = 0; i < k; i++) {
        struct gui_box *pb = &l->nodes[n + 1 + (int32_t) i].box;
        pb->x = px + (float) i * (PORT_W + PORT_GAP);
        pb->y = y + 6;
    }
}

/* After place_row() moved only the parents, bring their ports along. */
static void
settle_ports(struct gui_layout *l, const struct item *it, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct gui_box b = l->nodes[it[i].node].box;
        move_with_ports(l, it[i].node, b.x, b.y);
    }
}

static void
add_band(struct gui_layout *l, size_t *cap, int32_t host, float y0, float y1,
         const char *caption)
{
    if (l->n_bands == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        l->bands = gui_xrealloc(l->bands, *cap * sizeof *l->bands);
    }
    l->bands[l->n_bands++] = (struct gui_band) { host, y0, y1, caption };
}

static void
translate_from(struct gui_layout *l, size_t first, float dx, float dy)
{
    for (size_t i = first; i < l->n_nodes; i++) {
        l->nodes[i].box.x += dx;
        l->nodes[i].box.y += dy;
    }
}

/* Adds a node of 'type' for each of the 'n' devices 'devs' of host node
 * 'hn', sized to its ports, and fills 'it' with each node and the x it
 * would like (above or below what it connects to among 'placed'; from
 * 'clear' rightward, one after the other, for those joined to nothing
 * placed).  Returns the height of the tallest. */
static float
row_nodes(struct ctx *c, enum gui_node_type type, const uint32_t *devs,
          size_t n, int32_t hn, const uint8_t *placed, float clear,
          struct item *it)
{
    struct gui_layout *l = c->l;
    float h = 0;
    int n_free = 0;
    for (size_t i = 0; i < n; i++) {
        int32_t nd = add_node(c, type, (int32_t) devs[i], hn, hn, 0, 0);
        l->dev_node[devs[i]] = nd;
        /* In compare mode a NIC's 64 VFs would set the scale of every
         * picture: like a switch, it shows the ports in use. */
        int hidden;
        bool in_use = l->compact
                      && children(c, devs[i], R_EPORT, NULL) > SWITCH_SHOW_ALL;
        size_t np = add_ports(c, nd, devs[i], hn, in_use, &hidden);
        size_with_ports(&l->nodes[nd].box, np, NODE_MIN_W, NODE_H);
        if (hidden) {
            char what[sizeof l->nodes[nd].sub];
            memcpy(what, l->nodes[nd].sub, sizeof what);
            snprintf(l->nodes[nd].sub, sizeof l->nodes[nd].sub,
                     vh_tr("%s, %d unused ports"), what, hidden);
        }
        h = fmaxf(h, l->nodes[nd].box.h);
        float want = want_x(c, devs[i], placed, NAN);
        if (isnan(want)) {
            /* Joined to nothing above: out of the way of the lines that
             * come down past this row, right of them. */
            want = clear + (float) n_free++ * 150;
        }
        it[i] = (struct item) { nd, want, (int) i };
    }
    return h;
}

/* The receive queues NIC 'd''s note lists ("rx queues|q0@0 vm1@5"; see
 * cli/scene.c), 0 if it lists none; 'i'-th token into 'name', 'core'
 * when 'i' >= 0. */
static int
note_queue(const struct gui_dev *d, int i, char *name, size_t nn,
           char *core, size_t nc)
{
    if (!d->note || strncmp(d->note, "rx queues|", 10)) {
        return 0;
    }
    int n = 0;
    for (const char *p = d->note + 10; *p;) {
        while (*p == ' ') {
            p++;
        }
        if (!*p) {
            break;
        }
        size_t len = strcspn(p, " ");
        if (n == i) {
            size_t at = strcspn(p, "@");
            at = at < len ? at : len;
            snprintf(name, nn, "%.*s", (int) at, p);
            snprintf(core, nc, "%.*s", at < len ? (int) (len - at - 1) : 0,
                     p + at + (at < len));
        }
        n++;
        p += len;
    }
    return n;
}

/* Room for NIC node 'nd''s row of receive queues: a wider, taller box. */
static void
size_queues(struct ctx *c, int32_t nd)
{
    struct gui_node *n = &c->l->nodes[nd];
    int nq = note_queue(&c->sc->devs[n->dev], -1, NULL, 0, NULL, 0);
    if (!nq) {
        return;
    }
    int shown = nq < GUI_QUEUES_SHOWN ? nq : GUI_QUEUES_SHOWN;
    n->box.w = fmaxf(n->box.w, (float) shown * (QUEUE_W + QUEUE_GAP)
                               - QUEUE_GAP + 2 * PAD);
    n->box.h += QUEUE_H + 4;
}

/* Adds NIC node 'nd''s receive queue boxes in a row just above its
 * queue lane, once the NIC has its place. */
static void
add_queues(struct ctx *c, int32_t nd)
{
    uint32_t dev = (uint32_t) c->l->nodes[nd].dev;
    int32_t host = c->l->nodes[nd].host;
    const struct gui_dev *d = &c->sc->devs[dev];
    int nq = note_queue(d, -1, NULL, 0, NULL, 0);
    int shown = nq < GUI_QUEUES_SHOWN ? nq : GUI_QUEUES_SHOWN;
    for (int i = 0; i < shown; i++) {
        int32_t qn = add_node(c, GUI_N_QUEUE, (int32_t) dev, nd, host,
                              QUEUE_W, QUEUE_H);
        struct gui_node *q = &c->l->nodes[qn];
        const struct gui_box *b = &c->l->nodes[nd].box;
        float span = (float) shown * (QUEUE_W + QUEUE_GAP) - QUEUE_GAP;
        q->box.x = b->x + (b->w - span) / 2 + (float) i * (QUEUE_W
                                                            + QUEUE_GAP);
        q->box.y = b->y + b->h - LANE - 2 - QUEUE_H - 2;
        char core[16];
        note_queue(d, i, q->label, sizeof q->label, core, sizeof core);
        q->count = i;
        if (i == shown - 1 && shown < nq) {
            q->count = -1;
            snprintf(q->label, sizeof q->label, "+%d", nq - shown + 1);
            snprintf(q->sub, sizeof q->sub, "queues");
        } else if (!strcmp(core, "g")) {
            snprintf(q->sub, sizeof q->sub, "vCPU");
        } else if (!strcmp(core, "-")) {
            snprintf(q->sub, sizeof q->sub, "unused");
        } else {
            snprintf(q->sub, sizeof q->sub, "core %s", core);
        }
    }
}

/* The domains of an IOMMU note ("identity:eth0;vm1:vf0"). */
static int
iommu_domains(const char *note)
{
    int n = note && *note ? 1 : 0;
    for (const char *p = note; p && *p; p++) {
        n += *p == ';';
    }
    return n;
}

/* "handler0..63" for the threads handler0 to handler63: the first name
 * and the last one's number when the two share their stem. */
static void
fold_label(char *out, size_t n, const char *first, const char *last)
{
    size_t a = strlen(first), b = strlen(last);
    size_t sa = a, sb = b;
    while (sa > 0 && isdigit((unsigned char) first[sa - 1])) {
        sa--;
    }
    while (sb > 0 && isdigit((unsigned char) last[sb - 1])) {
        sb--;
    }
    bool stem = sa == sb && sa < a && sb < b && !strncmp(first, last, sa);
    snprintf(out, n, "%s..%s", first, stem ? last + sb : last);
}

/* The threads of one job of a switch's process ("handler thread"). */
struct job {
    const char *how;
    uint32_t *devs;
    size_t n;
    bool folded;
    float w;                    /* Width of its boxes side by side. */
};

/* Adds the boxes of job 'jb' inside process node 'pn' from (x, y) on:
 * one per thread, or one for all of them when folded.  Returns the right
 * edge. */
static float
add_job(struct ctx *c, const struct job *jb, int32_t pn, int32_t hn, float x,
        float y)
{
    struct gui_layout *l = c->l;
    const struct gui_scene *sc = c->sc;
    if (jb->folded) {
        int32_t tn = add_node(c, GUI_N_THREAD, (int32_t) jb->devs[0], pn, hn,
                              THREAD_FOLD_W, THREAD_H);
        struct gui_node *t = &l->nodes[tn];
        t->box.x = x;
        t->box.y = y;
        t->count = (int) jb->n;
        fold_label(t->label, sizeof t->label,
                   gui_dev_name(&sc->devs[jb->devs[0]]),
                   gui_dev_name(&sc->devs[jb->devs[jb->n - 1]]));
        snprintf(t->sub, sizeof t->sub, "%zu threads", jb->n);
        for (size_t i = 0; i < jb->n; i++) {
            l->dev_node[jb->devs[i]] = tn;
        }
        return x + THREAD_FOLD_W;
    }
    for (size_t i = 0; i < jb->n; i++) {
        int32_t tn = add_node(c, GUI_N_THREAD, (int32_t) jb->devs[i], pn, hn,
                              THREAD_W, THREAD_H);
        l->nodes[tn].box.x = x;
        l->nodes[tn].box.y = y;
        l->nodes[tn].count = 1;
        l->dev_node[jb->devs[i]] = tn;
        x += THREAD_W + THREAD_GAP;
    }
    return x - THREAD_GAP;
}

/* Folds the jobs with the most threads, one by one, until the 'nj' jobs
 * 'jobs' fit in a row 'budget' wide.  One row, not one per job, so that
 * the line down from each thread to its switch passes no other thread's
 * box. */
static void
fold_jobs(struct job *jobs, size_t nj, float budget)
{
    for (;;) {
        float row = 0;
        size_t most = nj;
        for (size_t j = 0; j < nj; j++) {
            struct job *jb = &jobs[j];
            jb->w = jb->folded ? THREAD_FOLD_W
                    : (float) jb->n * (THREAD_W + THREAD_GAP) - THREAD_GAP;
            row += jb->w + (j ? JOB_GAP : 0);
            if (!jb->folded && jb->n > 1
                && (most == nj || jb->n >= jobs[most].n)) {
                most = j;
            }
        }
        if (row <= budget || most == nj) {
            return;
        }
        jobs[most].folded = true;
    }
}

/* Adds the box of the user-space process whose threads switch 'sw' has,
 * with the threads inside in a row, its top-left corner at (0, 0).
 * Returns its node, or -1 if the switch has no thread.  'named': say
 * which switch it is for. */
static int32_t
add_proc(struct ctx *c, uint32_t sw, int32_t hn, bool named)
{
    struct gui_layout *l = c->l;
    const struct gui_scene *sc = c->sc;
    size_t nt = children(c, sw, R_THREAD, NULL);
    if (!nt) {
        return -1;
    }
    uint32_t *v = gui_xcalloc(nt, sizeof *v);
    children(c, sw, R_THREAD, v);
    struct job *jobs = gui_xcalloc(nt, sizeof *jobs);
    size_t nj = 0;
    for (size_t i = 0; i < nt; i++) {
        const char *how = gui_dev_note_how(&sc->devs[v[i]]);
        size_t j = 0;
        while (j < nj && strcmp(jobs[j].how, how)) {
            j++;
        }
        if (j == nj) {
            jobs[nj].how = how;
            jobs[nj].devs = gui_xcalloc(nt, sizeof *jobs[nj].devs);
            nj++;
        }
        jobs[j].devs[jobs[j].n++] = v[i];
    }
    /* Compare mode has a quarter of the room: each job in one box. */
    fold_jobs(jobs, nj, l->compact ? 0 : GUI_THREAD_ROW_BUDGET);

    int32_t pn = add_node(c, GUI_N_PROC, (int32_t) sw, hn, hn, 0, 0);
    char who[48];
    gui_dev_thread_of(&sc->devs[v[0]], who, sizeof who);
    snprintf(l->nodes[pn].label, sizeof l->nodes[pn].label, "%s", who);
    if (named) {
        /* Several switches with threads: say whose these are. */
        snprintf(l->nodes[pn].sub, sizeof l->nodes[pn].sub, "for %s",
                 gui_dev_name(&sc->devs[sw]));
    }
    float x = PROC_PAD;
    for (size_t j = 0; j < nj; j++) {
        x = add_job(c, &jobs[j], pn, hn, x + (j ? JOB_GAP : 0), PROC_TITLE);
        free(jobs[j].devs);
    }
    l->nodes[pn].box.w = fmaxf(x + PROC_PAD, NODE_MIN_W);
    l->nodes[pn].box.h = PROC_TITLE + THREAD_H + PROC_PAD;
    free(jobs);
    free(v);
    return pn;
}

/* Moves process node 'pn' and its threads (the nodes just after it) so
 * that its box starts at (x, y). */
static void
move_proc(struct gui_layout *l, int32_t pn, float x, float y)
{
    float dx = x - l->nodes[pn].box.x, dy = y - l->nodes[pn].box.y;
    l->nodes[pn].box.x = x;
    l->nodes[pn].box.y = y;
    for (size_t i = (size_t) pn + 1; i < l->n_nodes
         && l->nodes[i].parent == pn; i++) {
        l->nodes[i].box.x += dx;
        l->nodes[i].box.y += dy;
    }
}

/* The x extents, widened by half a gap, of the boxes among nodes [first,
 * end) that lines leave downwards from: the host sides of guest NICs,
 * NICs that reach the hardware directly, folded guests.  A process's box
 * in the band below must stay clear of them, or a guest's line would
 * seem to end in it. */
static size_t
columns(const struct gui_layout *l, size_t first, size_t end,
        float (*out)[2])
{
    size_t n = 0;
    for (size_t i = first; i < end; i++) {
        const struct gui_node *nd = &l->nodes[i];
        bool down = nd->type == GUI_N_BACKEND || nd->type == GUI_N_FOLD
                    || (nd->type == GUI_N_PORT && nd->dev >= 0
                        && l->dev_back[nd->dev] < 0);
        if (down) {
            out[n][0] = nd->box.x - GAP / 2;
            out[n][1] = nd->box.x + nd->box.w + GAP / 2;
            n++;
        }
    }
    return n;
}

/* Places process boxes at 'y' in order of desired centre, each as near
 * it as it can be without overlapping the one before or any of the 'nc'
 * columns 'cols', never left of 'x0'.  Returns the right edge. */
static float
place_clear(struct gui_layout *l, struct item *it, size_t n, float x0,
            float y, const float (*cols)[2], size_t nc)
{
    qsort(it, n, sizeof *it, item_cmp);
    float cursor = x0, right = x0;
    for (size_t i = 0; i < n; i++) {
        float w = l->nodes[it[i].node].box.w;
        float want = it[i].want - w / 2;
        float best = cursor;
        for (size_t k = 0; k < nc; k++) {
            best = fmaxf(best, cols[k][1]);     /* Right of all: clear. */
        }
        /* The other candidates: where it wants to be, and just beside
         * each column. */
        for (size_t k = 0; k < 2 * nc + 2; k++) {
            float x = k == 0 ? want : k == 1 ? cursor
                      : k % 2 ? cols[(k - 2) / 2][0] - w
                      : cols[(k - 2) / 2][1];
            bool ok = x >= cursor;
            for (size_t q = 0; q < nc && ok; q++) {
                ok = x >= cols[q][1] || x + w <= cols[q][0];
            }
            if (ok && (fabsf(x - want) < fabsf(best - want)
                       || (fabsf(x - want) == fabsf(best - want)
                           && x < best))) {
                best = x;
            }
        }
        move_proc(l, it[i].node, best, y);
        cursor = best + w + GAP;
        right = fmaxf(right, best + w);
    }
    return right;
}

/* Lays out the user-space band of host node 'hn' at 'y': the box of the
 * process of each of the 'nm' switches 'mids' that has threads ('n_procs'
 * of them), above its switch, clear of the lines that come down from the
 * guests' nodes [gfirst, gend).  Widens '*content_w' to it.  Returns how
 * far the rows below must move down. */
static float
user_row(struct ctx *c, int32_t hn, const uint32_t *mids, size_t nm,
         int n_procs, size_t gfirst, size_t gend, float left, float y,
         float *content_w, size_t *band_cap)
{
    struct gui_layout *l = c->l;
    struct item *it = gui_xcalloc(nm + 1, sizeof *it);
    size_t n = 0;
    for (size_t i = 0; i < nm; i++) {
        int32_t pn = add_proc(c, mids[i], hn, n_procs > 1);
        if (pn >= 0) {
            it[n] = (struct item) { pn, cx(l, l->dev_node[mids[i]]), (int) i };
            n++;
        }
    }
    float (*cols)[2] = gui_xcalloc(gend - gfirst + 1, sizeof *cols);
    size_t nc = columns(l, gfirst, gend, cols);
    float right = place_clear(l, it, n, left, y, (const float (*)[2]) cols,
                              nc);
    float h = 0;
    for (size_t i = 0; i < n; i++) {
        h = fmaxf(h, l->nodes[it[i].node].box.h);
    }
    add_band(l, band_cap, hn, y, y + h, gui_band_user);
    *content_w = fmaxf(*content_w, right - left);
    free(cols);
    free(it);
    return h + USER_GAP + LANE_PITCH * (float) (n - 1);
}

/* Lays out one host panel with its top-left corner at (0, 0); returns the
 * panel's node. */
static int32_t
layout_host(struct ctx *c, uint32_t hdev, int n_guest_hosts,
            const uint8_t *expanded, size_t *band_cap)
{
    struct gui_layout *l = c->l;
    const struct gui_scene *sc = c->sc;
    /* A guest's name above its NICs: in compare mode, where it is drawn
     * at the floor size, a taller strip for it. */
    const float guest_title = l->compact ? GUEST_TITLE_COMPACT : GUEST_TITLE;
    const float guest_h = guest_title + PORT_H + 8.0f;
    int32_t hn = add_node(c, GUI_N_HOST, (int32_t) hdev, -1, -1, 0, 0);
    l->nodes[hn].host = hn;
    l->dev_node[hdev] = hn;
    int cores = gui_scene_host_cores(sc, hdev);
    snprintf(l->nodes[hn].sub, sizeof l->nodes[hn].sub,
             cores == 1 ? vh_tr("%d core") : vh_tr("%d cores"), cores);

    size_t ng = children(c, hdev, R_GUEST, NULL);
    uint32_t *guests = gui_xcalloc(ng, sizeof *guests);
    children(c, hdev, R_GUEST, guests);
    size_t nm = children(c, hdev, R_MID, NULL);
    uint32_t *mids = gui_xcalloc(nm, sizeof *mids);
    children(c, hdev, R_MID, mids);
    size_t nh = children(c, hdev, R_HW, NULL);
    uint32_t *hws = gui_xcalloc(nh, sizeof *hws);
    children(c, hdev, R_HW, hws);

    /* Switches with threads in user space, and how many. */
    int n_procs = 0;
    for (size_t i = 0; i < nm; i++) {
        n_procs += children(c, mids[i], R_THREAD, NULL) > 0;
    }
    bool captions = ng || n_procs;
    float left = captions && !c->l->compact ? BAND_W : PAD;
    float y = c->l->title_h + PAD;
    float content_w = 0;
    bool any_port = false;     /* Some guest NIC has a host side. */

    /* Guests: widths, then how many fit in the row budget. */
    float budget = fmaxf(GUI_GUEST_ROW_BUDGET
                         / (float) (n_guest_hosts ? n_guest_hosts : 1),
                         GUI_GUEST_ROW_MIN);
    float *gw = gui_xcalloc(ng, sizeof *gw);
    float total = 0;
    size_t n_ctr = 0;           /* Guests that are containers. */
    for (size_t i = 0; i < ng; i++) {
        size_t np = children(c, guests[i], R_GPORT, NULL);
        /* Is there a host side to draw (a NIC not reaching the hardware
         * directly)? */
        for (size_t k = guests[i] + 1; k < sc->n_devs; k++) {
            const char *note = sc->devs[k].note;
            any_port |= sc->devs[k].parent == (int32_t) guests[i]
                        && c->role[k] == R_GPORT
                        && !is_container(sc, guests[i])
                        && strncmp(note ? note : "", "direct", 6) != 0;
        }
        n_ctr += is_container(sc, guests[i]);
        float pw = (float) np * (PORT_W + PORT_GAP) - PORT_GAP + 2 * 10;
        gw[i] = fmaxf(GUEST_MIN_W, pw);
        total += gw[i] + (i ? GAP : 0);
    }
    /* A container is a guest too, but one with no hypervisor: the band
     * says which kinds it holds. */
    const char *gcap = !n_ctr ? "guests" : n_ctr == ng ? "containers"
                                                       : "VMs and\ncontainers";
    bool exp = expanded && expanded[hdev];
    size_t shown = ng;
    bool fold = false;
    if (total > budget && ng <= GUI_GUEST_UNFOLDED) {
        /* Few enough to show each: as many per row as make the whole
         * picture (the rows under the guests, the CPU column and the
         * switches below, roughly) largest on a 16:9 screen. */
        float cell = guest_h + (any_port ? BACK_GAP + BACK_H : 0) + GAP;
        float avg = total / (float) ng + GAP;
        float best = 0;
        for (size_t cols = 1; cols <= ng; cols++) {
            size_t rows = (ng + cols - 1) / cols;
            float w = (float) cols * avg + BAND_W + CPU_W + 4 * PAD;
            float h = (float) rows * cell + PICTURE_BELOW_GUESTS;
            float scale = fminf(16.0f / w, 9.0f / h);
            if (scale > best) {
                best = scale;
                budget = fmaxf(GUI_GUEST_ROW_MIN, (float) cols * avg);
            }
        }
    } else if (total > budget) {
        fold = true;
        if (!exp) {
            float w = FOLD_W;
            shown = 0;
            while (shown < ng && w + GAP + gw[shown] <= budget) {
                w += GAP + gw[shown];
                shown++;
            }
            if (!shown) {
                shown = 1;
            }
        }
    }
    float cell_h = guest_h + (any_port ? BACK_GAP + BACK_H : 0);
    if (exp && fold) {
        /* All guests shown: rows as wide as make the block about as wide
         * as a 16:9 screen is, relative to its height. */
        float avg = (total + FOLD_W) / (float) (ng + 1) + GAP;
        float cols = ceilf(sqrtf((float) (ng + 1) * (cell_h + GAP) / avg
                                 * 16.0f / 9.0f));
        budget = fmaxf(budget, cols * avg);
    }
    float gx = 0, gy = y;
    float row_h = 0;
    size_t first_guest_node = l->n_nodes;
    for (size_t i = 0; i < shown; i++) {
        if (gx > 0 && gx + gw[i] > budget) {
            gx = 0;
            gy += cell_h + GAP;
            add_band(l, band_cap, hn, gy, gy + guest_h, gcap);
            if (any_port) {
                add_band(l, band_cap, hn, gy + guest_h + BACK_GAP,
                         gy + guest_h + BACK_GAP + BACK_H, "hypervisor");
            }
        }
        int32_t gn = add_node(c, GUI_N_GUEST, (int32_t) guests[i], hn, hn,
                              gw[i], guest_h);
        l->dev_node[guests[i]] = gn;
        l->nodes[gn].box.x = left + gx;
        l->nodes[gn].box.y = gy;
        size_t np = children(c, guests[i], R_GPORT, NULL);
        const char *gnote = sc->devs[guests[i]].note;
        if (!np && gnote && !strncmp(gnote, "network|", 8)) {
            /* No interface of its own: say whose stack it uses. */
            const char *net = gnote + 8;
            char *sub = l->nodes[gn].sub;
            if (!strcmp(net, "host")) {
                snprintf(sub, sizeof l->nodes[gn].sub, "%s",
                         vh_tr("host's network"));
            } else if (!strncmp(net, "container:", 10)) {
                snprintf(sub, sizeof l->nodes[gn].sub, vh_tr("%s's namespace"),
                         net + 10);
            } else if (!strcmp(net, "none")) {
                snprintf(sub, sizeof l->nodes[gn].sub, "%s",
                         vh_tr("loopback only"));
            } else {
                snprintf(sub, sizeof l->nodes[gn].sub, vh_tr("network %s"),
                         net);
            }
        }
        uint32_t *ports = gui_xcalloc(np, sizeof *ports);
        children(c, guests[i], R_GPORT, ports);
        float span = np ? (float) np * (PORT_W + PORT_GAP) - PORT_GAP : 0;
        float px = left + gx + (gw[i] - span) / 2;
        for (size_t k = 0; k < np; k++) {
            int32_t pn = add_node(c, GUI_N_PORT, (int32_t) ports[k], gn, hn,
                                  PORT_W, PORT_H);
            l->dev_node[ports[k]] = pn;
            l->nodes[pn].box.x = px + (float) k * (PORT_W + PORT_GAP);
            l->nodes[pn].box.y = gy + guest_title;
            const char *note = sc->devs[ports[k]].note;
            if ((note && !strncmp(note, "direct", 6))
                || is_container(sc, guests[i])) {
                /* Straight to the hardware, or a container's interface
                 * (its veth's other end is in the host's kernel, where
                 * the bridge is): no host side to draw. */
                continue;
            }
            int32_t bn = add_node(c, GUI_N_BACKEND, (int32_t) ports[k], hn,
                                  hn, PORT_W, BACK_H);
            l->dev_back[ports[k]] = bn;
            l->nodes[bn].box.x = l->nodes[pn].box.x;
            l->nodes[bn].box.y = gy + guest_h + BACK_GAP;
            const char *bar = note ? strchr(note, '|') : NULL;
            if (!note || !*note) {
                snprintf(l->nodes[bn].label, sizeof l->nodes[bn].label,
                         "host side");
            } else if (bar) {
                snprintf(l->nodes[bn].label, sizeof l->nodes[bn].label,
                         "%.*s", (int) (bar - note), note);
                snprintf(l->nodes[bn].sub, sizeof l->nodes[bn].sub, "%s",
                         bar + 1);
            } else {
                snprintf(l->nodes[bn].label, sizeof l->nodes[bn].label, "%s",
                         note);
            }
        }
        free(ports);
        gx += gw[i] + GAP;
        content_w = fmaxf(content_w, gx - GAP);
        row_h = gy + cell_h - y;
    }
    if (fold) {
        if (gx > 0 && gx + FOLD_W > budget && exp) {
            gx = 0;
            gy += cell_h + GAP;
            add_band(l, band_cap, hn, gy, gy + guest_h, gcap);
        }
        int32_t fn = add_node(c, GUI_N_FOLD, -1, hn, hn, FOLD_W, guest_h);
        struct gui_node *f = &l->nodes[fn];
        f->box.x = left + gx;
        f->box.y = gy;
        f->count = (int) (ng - shown);
        f->expanded = exp;
        if (exp) {
            snprintf(f->label, sizeof f->label, vh_tr("fold %zu"), ng);
            snprintf(f->sub, sizeof f->sub, "%s", vh_tr("show fewer"));
        } else {
            /* "+996 containers" is wider than the box: the noun goes
             * to the second line. */
            snprintf(f->label, sizeof f->label, "+%zu %s", ng - shown,
                     n_ctr == ng ? vh_tr("more") : vh_tr("guests"));
            snprintf(f->sub, sizeof f->sub, "%s",
                     n_ctr == ng ? vh_tr("containers: click")
                                 : vh_tr("click to show"));
        }
        /* The host sides of the folded guests' NICs, as one box. */
        int32_t fbn = fn;
        if (!exp && any_port) {
            fbn = add_node(c, GUI_N_BACKEND, -1, hn, hn, PORT_W, BACK_H);
            l->nodes[fbn].box.x = left + gx + (FOLD_W - PORT_W) / 2;
            l->nodes[fbn].box.y = gy + guest_h + BACK_GAP;
            snprintf(l->nodes[fbn].label, sizeof l->nodes[fbn].label,
                     vh_tr("+%zu more"), ng - shown);
            snprintf(l->nodes[fbn].sub, sizeof l->nodes[fbn].sub,
                     "%s", vh_tr("host sides"));
            l->nodes[fbn].count = (int) (ng - shown);
        }
        for (size_t i = shown; i < ng; i++) {
            l->dev_node[guests[i]] = fn;
            for (size_t k = guests[i] + 1; k < sc->n_devs; k++) {
                if (sc->devs[k].parent == (int32_t) guests[i]) {
                    l->dev_node[k] = fn;
                    l->dev_back[k] = fbn;
                }
            }
        }
        gx += FOLD_W + GAP;
        content_w = fmaxf(content_w, gx - GAP);
        row_h = gy + cell_h - y;
    }
    size_t end_guest_nodes = l->n_nodes;
    if (ng) {
        add_band(l, band_cap, hn, y, y + guest_h, gcap);
        if (any_port) {
            add_band(l, band_cap, hn, y + guest_h + BACK_GAP,
                     y + guest_h + BACK_GAP + BACK_H, "hypervisor");
        }
        y += row_h + ROW_GAP;
    }

    uint8_t *placed = gui_xcalloc(l->n_nodes + 2 * sc->n_devs + 64, 1);
    for (size_t i = first_guest_node; i < end_guest_nodes; i++) {
        placed[i] = 1;
    }

    /* Host kernel row. */
    struct item *it = gui_xcalloc(nm + nh + 1, sizeof *it);
    size_t first_mid = l->n_nodes;
    /* A switch that no guest reaches goes right of the lines that pass
     * its row on their way down to the hardware (a VF's, a macvtap's):
     * under one of them it would seem to be on its path.  So does a NIC
     * that nothing in the host is joined to. */
    float clear = left;
    {
        float (*cols)[2] = gui_xcalloc(end_guest_nodes - first_guest_node
                                       + 1, sizeof *cols);
        size_t nc = columns(l, first_guest_node, end_guest_nodes, cols);
        for (size_t k = 0; k < nc; k++) {
            clear = fmaxf(clear, cols[k][1] + NODE_MIN_W / 2);
        }
        free(cols);
    }
    float mid_h = row_nodes(c, GUI_N_MID, mids, nm, hn, placed, clear, it);
    if (nm) {
        float right = place_row(l, it, nm, left, y);
        settle_ports(l, it, nm);
        for (size_t i = 0; i < nm; i++) {
            placed[it[i].node] = 1;
        }
        content_w = fmaxf(content_w, right - left);
        if (n_procs) {
            /* User space goes between the guests and the kernel: the
             * kernel row moves down to make room. */
            float dy = user_row(c, hn, mids, nm, n_procs, first_guest_node,
                                end_guest_nodes, left, y, &content_w,
                                band_cap);
            for (size_t i = first_mid; i < l->n_nodes; i++) {
                if (l->nodes[i].type != GUI_N_PROC
                    && l->nodes[i].type != GUI_N_THREAD) {
                    l->nodes[i].box.y += dy;
                }
            }
            y += dy;
        }
        /* OVS-DPDK is a process: a row holding only such switches is
         * user space, not the kernel. */
        bool all_user = true;
        for (size_t i = 0; i < nm; i++) {
            const char *note = sc->devs[mids[i]].note;
            all_user &= note && !strncmp(note, "user space", 10);
        }
        add_band(l, band_cap, hn, y, y + mid_h,
                 all_user ? gui_band_user : "host kernel");
        y += mid_h + ROW_GAP;
    }

    /* NIC hardware row. */
    float hw_h = row_nodes(c, GUI_N_HW, hws, nh, hn, placed, clear, it);
    for (size_t i = 0; i < nh; i++) {
        size_queues(c, it[i].node);
        hw_h = fmaxf(hw_h, l->nodes[it[i].node].box.h);
    }
    if (nh) {
        float right = place_row(l, it, nh, left, y);
        settle_ports(l, it, nh);
        for (size_t i = 0; i < nh; i++) {
            add_queues(c, it[i].node);
        }
        /* The IOMMU sits beside the NICs whose DMA it translates. */
        const char *mmu = gui_scene_host_iommu(sc, hdev);
        if (mmu) {
            int nd = iommu_domains(mmu);
            float ih = IOMMU_HEAD + (float) (nd + 1) * IOMMU_LINE + 6;
            int32_t in = add_node(c, GUI_N_IOMMU, (int32_t) hdev, hn, hn,
                                  IOMMU_W, ih);
            snprintf(l->nodes[in].label, sizeof l->nodes[in].label,
                     "IOMMU");
            l->nodes[in].count = nd;
            l->nodes[in].box.x = right + GAP;
            l->nodes[in].box.y = y;
            right += GAP + IOMMU_W;
            hw_h = fmaxf(hw_h, ih);
        }
        content_w = fmaxf(content_w, right - left);
        if (captions) {
            add_band(l, band_cap, hn, y, y + hw_h, "hardware");
        }
        y += hw_h;
    } else if (nm) {
        y -= ROW_GAP;
    } else if (ng) {
        y -= ROW_GAP;
    }
    free(it);
    free(placed);

    /* CPU column at the right, beside the rows under the guests. */
    int bars = cores < 1 ? 1 : cores > CPU_MAX_BARS ? CPU_MAX_BARS : cores;
    float cpu_w = c->l->compact ? CPU_W_COMPACT : CPU_W;
    float cpu_h = CPU_HEAD + (float) bars * CPU_PITCH + 8;
    int32_t cn = add_node(c, GUI_N_CPU, (int32_t) hdev, hn, hn, cpu_w, cpu_h);
    snprintf(l->nodes[cn].label, sizeof l->nodes[cn].label, "CPU");
    float cpu_top = c->l->title_h + PAD + (ng ? guest_h + BACK_GAP : 0);
    float bottom = fmaxf(y, cpu_top + cpu_h);
    l->nodes[cn].box.x = left + content_w + GAP + 6;
    l->nodes[cn].box.y = cpu_top;

    struct gui_node *h = &l->nodes[hn];
    h->box.x = 0;
    h->box.y = 0;
    h->box.w = left + content_w + GAP + 6 + cpu_w + PAD;
    h->box.h = bottom + PAD;
    free(gw);
    free(guests);
    free(mids);
    free(hws);
    return hn;
}

static void
add_route(struct ctx *c, int32_t a, int32_t b, uint8_t cable, float lane)
{
    struct gui_layout *l = c->l;
    for (size_t i = 0; i < l->n_routes; i++) {
        struct gui_route *r = &l->routes[i];
        if ((r->a == a && r->b == b) || (r->a == b && r->b == a)) {
            r->cable |= cable;
            return;
        }
    }
    if (l->n_routes == c->cap_routes) {
        c->cap_routes = c->cap_routes ? c->cap_routes * 2 : 32;
        l->routes = gui_xrealloc(l->routes, c->cap_routes * sizeof *l->routes);
    }
    struct gui_route *r = &l->routes[l->n_routes++];
    memset(r, 0, sizeof *r);
    r->a = a;
    r->b = b;
    r->cable = cable;
    struct gui_box A = l->nodes[a].box, B = l->nodes[b].box;
    float ax = A.x + A.w / 2, bx = B.x + B.w / 2;
    bool flip = false;
    if (B.y + B.h <= A.y) {
        struct gui_box t = A;
        A = B;
        B = t;
        float tx = ax;
        ax = bx;
        bx = tx;
        flip = true;
    }
    if (A.y + A.h <= B.y) {
        float y0 = A.y + A.h, y1 = B.y;
        /* A line that skips a row (a VF's, from the guest to the NIC)
         * turns just above its lower end, in the gap over that row: it
         * crosses the row it skips straight down, where nothing is
         * placed, rather than along it. */
        float ym = lane > 0 ? lane
                   : y1 - y0 > 2 * ROW_GAP ? y1 - ROW_GAP * 0.3f
                   : (y0 + y1) / 2;
        if (fabsf(ax - bx) < 0.5f) {
            r->n = 2;
            r->pts[0][0] = ax, r->pts[0][1] = y0;
            r->pts[1][0] = bx, r->pts[1][1] = y1;
        } else {
            r->n = 4;
            r->pts[0][0] = ax, r->pts[0][1] = y0;
            r->pts[1][0] = ax, r->pts[1][1] = ym;
            r->pts[2][0] = bx, r->pts[2][1] = ym;
            r->pts[3][0] = bx, r->pts[3][1] = y1;
        }
    } else if (lane > 0) {
        /* Side by side with a lane below both: down, across, up. */
        r->n = 4;
        r->pts[0][0] = ax, r->pts[0][1] = A.y + A.h;
        r->pts[1][0] = ax, r->pts[1][1] = lane;
        r->pts[2][0] = bx, r->pts[2][1] = lane;
        r->pts[3][0] = bx, r->pts[3][1] = B.y + B.h;
    } else {
        float ay = A.y + A.h / 2, by = B.y + B.h / 2;
        bool left_to_right = ax <= bx;
        r->n = 2;
        r->pts[0][0] = left_to_right ? A.x + A.w : A.x;
        r->pts[0][1] = ay;
        r->pts[1][0] = left_to_right ? B.x : B.x + B.w;
        r->pts[1][1] = by;
    }
    if (flip) {
        for (uint32_t i = 0; i < r->n / 2; i++) {
            float t0 = r->pts[i][0], t1 = r->pts[i][1];
            r->pts[i][0] = r->pts[r->n - 1 - i][0];
            r->pts[i][1] = r->pts[r->n - 1 - i][1];
            r->pts[r->n - 1 - i][0] = t0;
            r->pts[r->n - 1 - i][1] = t1;
        }
    }
}

/* The node at which device 'dev' connects to device 'other': a guest NIC
 * meets the outside world through its backend. */
static int32_t
attach_node(const struct ctx *c, uint32_t dev, uint32_t other)
{
    const struct gui_layout *l = c->l;
    if (l->dev_back[dev] >= 0 && c->role[dev] == R_GPORT
        && c->sc->devs[other].parent != c->sc->devs[dev].parent) {
        return l->dev_back[dev];
    }
    return l->dev_node[dev];
}

/* The user-space band of host node 'host', or NULL. */
static const struct gui_band *
user_band(const struct gui_layout *l, int32_t host)
{
    for (size_t i = 0; i < l->n_bands; i++) {
        if (l->bands[i].host == host && host >= 0
            && l->bands[i].caption == gui_band_user) {
            return &l->bands[i];
        }
    }
    return NULL;
}

/* Where a line between nodes 'a' and 'b' turns when one is above a
 * host's user-space band and the other below: in the gap under the band,
 * not in it, where a process's box could be.  0 for elsewhere. */
static float
crossing_lane(const struct gui_layout *l, int32_t a, int32_t b)
{
    int32_t h = l->nodes[a].host;
    const struct gui_band *u = h == l->nodes[b].host ? user_band(l, h)
                                                     : NULL;
    if (!u) {
        return 0;
    }
    const struct gui_box *A = &l->nodes[a].box, *B = &l->nodes[b].box;
    bool down = A->y + A->h <= u->y0 && B->y >= u->y1;
    bool up = B->y + B->h <= u->y0 && A->y >= u->y1;
    return down || up ? u->y1 + 15 : 0;
}

/* The line from switch node 'sw' up to thread node 't', the way an upcall
 * goes: up from the switch's top edge where it is nearest to the thread,
 * along the gap under the user-space band (below where the guests' lines
 * turn), up into the thread's box. */
static void
add_thread_route(struct ctx *c, int32_t sw, int32_t t, float lane)
{
    struct gui_layout *l = c->l;
    for (size_t i = 0; i < l->n_routes; i++) {
        if (l->routes[i].a == sw && l->routes[i].b == t) {
            return;             /* Folded threads share a box. */
        }
    }
    if (l->n_routes == c->cap_routes) {
        c->cap_routes = c->cap_routes ? c->cap_routes * 2 : 32;
        l->routes = gui_xrealloc(l->routes, c->cap_routes * sizeof *l->routes);
    }
    struct gui_route *r = &l->routes[l->n_routes++];
    memset(r, 0, sizeof *r);
    r->a = sw;
    r->b = t;
    r->upcall = 1;
    const struct gui_box *S = &l->nodes[sw].box, *T = &l->nodes[t].box;
    float tx = T->x + T->w / 2;
    float sx = fminf(fmaxf(tx, S->x + 12), S->x + S->w - 12);
    r->pts[0][0] = sx, r->pts[0][1] = S->y;
    if (fabsf(sx - tx) < 0.5f) {
        r->n = 2;
    } else {
        r->n = 4;
        r->pts[1][0] = sx, r->pts[1][1] = lane;
        r->pts[2][0] = tx, r->pts[2][1] = lane;
    }
    r->pts[r->n - 1][0] = tx, r->pts[r->n - 1][1] = T->y + T->h;
}

static void
make_routes(struct ctx *c, float lane_top)
{
    struct gui_layout *l = c->l;
    const struct gui_scene *sc = c->sc;
    /* A guest NIC and its backend. */
    for (size_t i = 0; i < sc->n_devs; i++) {
        int32_t b = l->dev_back[i];
        int32_t p = l->dev_node[i];
        if (b >= 0 && p >= 0 && b != p) {
            add_route(c, p, b, 0, 0);
        }
    }
    int lanes = 0, core_lanes = 0;
    for (size_t i = 0; i < sc->n_devs; i++) {
        const struct gui_dev *d = &sc->devs[i];
        for (uint32_t e = 0; e < d->n_edges; e++) {
            uint32_t j = d->edges[e].to;
            if (j <= i) {
                continue;
            }
            int32_t a = attach_node(c, (uint32_t) i, j);
            int32_t b = attach_node(c, j, (uint32_t) i);
            if (a < 0 || b < 0 || a == b) {
                continue;
            }
            bool across = gui_scene_root(sc, (uint32_t) i)
                          != gui_scene_root(sc, j);
            float lane = 0;
            uint32_t ri = gui_scene_root(sc, (uint32_t) i);
            uint32_t rj = gui_scene_root(sc, j);
            if (across && c->core_lane > 0 && c->role[ri] == R_SWITCH
                && c->role[rj] == R_SWITCH
                && (l->nodes[a].box.y > c->core_lane)
                   != (l->nodes[b].box.y > c->core_lane)) {
                /* A leaf to a spine: a lane of its own under the leaves. */
                lane = c->core_lane + 16 + (float) (core_lanes % 8) * 12;
                core_lanes++;
            } else if (across) {
                lane = lane_top + 14 + (float) (lanes % 8) * 10;
                lanes++;
            } else {
                lane = crossing_lane(l, a, b);
            }
            add_route(c, a, b, d->edges[e].cable, lane);
        }
    }
    /* A distributed switch and its part on each host ("host1/dvs1"): the
     * switch holds the one configuration the parts run, and no frame
     * passes between them, so the line is a dashed control line in the
     * lane under the hosts. */
    for (size_t i = 0; i < sc->n_devs; i++) {
        int32_t g = l->dev_node[i];
        if (g < 0 || strcmp(sc->devs[i].kind, "dvswitch")) {
            continue;
        }
        size_t nlen = strlen(sc->devs[i].path);
        for (size_t j = 0; j < sc->n_devs; j++) {
            const struct gui_dev *d = &sc->devs[j];
            size_t plen = strlen(d->path);
            int32_t part = l->dev_node[j];
            if (part < 0 || part == g || strcmp(d->kind, "dvswitch-local")
                || plen <= nlen || d->path[plen - nlen - 1] != '/'
                || strcmp(d->path + plen - nlen, sc->devs[i].path)) {
                continue;
            }
            size_t before = l->n_routes;
            add_route(c, part, g, 0, lane_top + 14 + (float) (lanes % 8) * 10);
            lanes++;
            if (l->n_routes > before) {
                l->routes[before].control = 1;
            }
        }
    }
    /* Software on a NIC and the NIC. */
    for (size_t i = 0; i < sc->n_devs; i++) {
        int32_t p = sc->devs[i].parent;
        if (c->role[i] == R_MID && p >= 0 && c->role[p] == R_HW
            && l->dev_node[i] >= 0 && l->dev_node[p] >= 0) {
            add_route(c, l->dev_node[i], l->dev_node[p], 0, 0);
        }
    }
    /* A NAT: from the bridges behind it to the NIC it routes out of. */
    for (size_t i = 0; i < sc->n_devs; i++) {
        if (c->role[i] != R_MID || strcmp(sc->devs[i].kind, "nat")) {
            continue;
        }
        uint32_t h = (uint32_t) sc->devs[i].parent;
        int32_t up = nat_uplink(c, h);
        int32_t nn = l->dev_node[i];
        if (up >= 0 && l->dev_node[up] >= 0) {
            add_route(c, nn, l->dev_node[up], 0, 0);
        }
        for (int32_t b = nat_next_bridge(c, h, 0); b >= 0;
             b = nat_next_bridge(c, h, (uint32_t) b + 1)) {
            if (l->dev_node[b] >= 0 && l->dev_node[b] != nn) {
                add_route(c, l->dev_node[b], nn, 0, 0);
            }
        }
    }
    /* A switch and its threads in user space, each process's lines in a
     * lane of their own. */
    for (size_t i = 0; i < sc->n_devs; i++) {
        if (c->role[i] != R_THREAD) {
            continue;
        }
        int32_t t = l->dev_node[i];
        int32_t sw = l->dev_node[sc->devs[i].parent];
        const struct gui_band *u = t >= 0 ? user_band(l, l->nodes[t].host)
                                          : NULL;
        if (!u || sw < 0 || sw == t) {
            continue;
        }
        int k = 0;
        for (int32_t p = 0; p < l->nodes[t].parent; p++) {
            k += l->nodes[p].type == GUI_N_PROC
                 && l->nodes[p].host == l->nodes[t].host;
        }
        add_thread_route(c, sw, t, u->y1 + 28 + LANE_PITCH * (float) k);
    }
}

struct path_entry {
    int32_t a, b;
    uint32_t n;
    bool drawn;                 /* Along drawn lines, not a straight jump. */
    float (*pts)[2];
};

struct path_cache {
    struct path_entry *v;
    size_t n, cap;
};

/* Whether top-level switch 'sw' is cabled only to other switches, as a
 * spine of a leaf-spine fabric is: it is drawn a row below the switches
 * the hosts are cabled to. */
static bool
is_core(const struct ctx *c, uint32_t sw)
{
    const struct gui_scene *sc = c->sc;
    bool to_switch = false;
    for (uint32_t k = sw; k < sc->n_devs; k++) {
        if (k != sw && sc->devs[k].parent != (int32_t) sw) {
            continue;
        }
        for (uint32_t e = 0; e < sc->devs[k].n_edges; e++) {
            if (!sc->devs[k].edges[e].cable) {
                continue;
            }
            uint32_t r = gui_scene_root(sc, sc->devs[k].edges[e].to);
            if (r == sw || c->role[r] != R_SWITCH) {
                return false;
            }
            to_switch = true;
        }
    }
    return to_switch;
}

struct gui_layout *
gui_layout_new(const struct gui_scene *sc, const uint8_t *expanded)
{
    return gui_layout_new_for(sc, expanded, false);
}

struct gui_layout *
gui_layout_new_for(const struct gui_scene *sc, const uint8_t *expanded,
                   bool compact)
{
    struct gui_layout *l = gui_xcalloc(1, sizeof *l);
    l->sc = sc;
    l->compact = compact;
    l->title_h = compact ? TITLE_H_COMPACT : TITLE_H;
    l->dev_node = gui_xmalloc((sc->n_devs + 1) * sizeof *l->dev_node);
    l->dev_back = gui_xmalloc((sc->n_devs + 1) * sizeof *l->dev_back);
    for (size_t i = 0; i < sc->n_devs; i++) {
        l->dev_node[i] = -1;
        l->dev_back[i] = -1;
    }
    l->paths = gui_xcalloc(1, sizeof(struct path_cache));
    struct ctx c = { .sc = sc, .l = l };
    c.role = gui_xcalloc(sc->n_devs + 1, sizeof *c.role);
    c.pair = gui_xcalloc(sc->n_devs + 1, sizeof *c.pair);
    classify(&c);
    size_t band_cap = 0;

    int n_guest_hosts = 0;
    for (size_t i = 0; i < sc->n_devs; i++) {
        if (c.role[i] == R_HOST && children(&c, (uint32_t) i, R_GUEST, NULL)) {
            n_guest_hosts++;
        }
    }
    /* Hosts, left to right. */
    float x = 0, hosts_bottom = 0;
    for (size_t i = 0; i < sc->n_devs; i++) {
        if (c.role[i] != R_HOST) {
            continue;
        }
        size_t first = l->n_nodes;
        size_t first_band = l->n_bands;
        int32_t hn = layout_host(&c, (uint32_t) i, n_guest_hosts, expanded,
                                 &band_cap);
        translate_from(l, first, x, 0);
        (void) first_band;
        x += l->nodes[hn].box.w + HOST_GAP;
        hosts_bottom = fmaxf(hosts_bottom, l->nodes[hn].box.h);
    }

    /* Devices under no host and no switch keep their parent's node. */
    /* Switches and other top-level devices, in a row below. */
    int cables = 0;
    for (size_t i = 0; i < sc->n_devs; i++) {
        for (uint32_t e = 0; e < sc->devs[i].n_edges; e++) {
            cables += sc->devs[i].edges[e].cable
                      && sc->devs[i].edges[e].to > i;
        }
    }
    float lane_top = hosts_bottom;
    float row_y = hosts_bottom + 40 + (float) (cables < 8 ? cables : 8) * 10;
    size_t n_top = 0;
    for (size_t i = 0; i < sc->n_devs; i++) {
        n_top += c.role[i] == R_SWITCH || c.role[i] == R_OTHER;
    }
    struct item *it = gui_xcalloc(n_top + 1, sizeof *it);
    uint8_t *placed = gui_xcalloc(l->n_nodes + 4 * sc->n_devs + 64, 1);
    for (size_t i = 0; i < l->n_nodes; i++) {
        placed[i] = 1;
    }
    /* Port extenders (a fabric extender, an 802.1BR port extender) get a
     * row of their own between the hosts and the other switches: they
     * extend their controlling bridge toward the servers, so the picture
     * reads server, extender, bridge, the way frames go up the fabric.
     * Without extenders there is one row. */
    bool tiers = false;
    for (size_t i = 0; i < sc->n_devs; i++) {
        tiers |= c.role[i] == R_SWITCH
                 && !strcmp(sc->devs[i].kind, "port-extender");
    }
    /* Without extenders, switches cabled only to switches (the spines of
     * a leaf-spine fabric) get a row under those the hosts are cabled to
     * (the leaves), so the picture reads host, leaf, spine. */
    uint8_t *tier_of = gui_xcalloc(sc->n_devs + 1, 1);
    bool have_edge = false, have_core = false;
    for (size_t i = 0; i < sc->n_devs; i++) {
        if (c.role[i] != R_SWITCH && c.role[i] != R_OTHER) {
            continue;
        }
        if (tiers) {
            tier_of[i] = c.role[i] == R_SWITCH
                         && !strcmp(sc->devs[i].kind, "port-extender") ? 0 : 1;
        } else if (c.role[i] == R_SWITCH && is_core(&c, (uint32_t) i)) {
            tier_of[i] = 2;
            have_core = true;
        } else {
            tier_of[i] = 1;
            have_edge = true;
        }
    }
    if (!have_edge) {
        for (size_t i = 0; i < sc->n_devs; i++) {
            tier_of[i] = tier_of[i] == 2 ? 1 : tier_of[i];
        }
        have_core = false;
    }
    float row_bottom = 0;
    for (int tier = tiers ? 0 : 1; tier < (have_core ? 3 : 2); tier++) {
        size_t k = 0;
        size_t first_new = l->n_nodes;
        for (size_t i = 0; i < sc->n_devs; i++) {
            if (c.role[i] != R_SWITCH && c.role[i] != R_OTHER) {
                continue;
            }
            if (tier_of[i] != tier) {
                continue;
            }
            enum gui_node_type t = c.role[i] == R_SWITCH ? GUI_N_SWITCH
                                                         : GUI_N_OTHER;
            int32_t sn = add_node(&c, t, (int32_t) i, -1, -1, 0, 0);
            l->dev_node[i] = sn;
            size_t np = children(&c, (uint32_t) i, R_EPORT, NULL);
            int hidden = 0;
            size_t shown = add_ports(&c, sn, (uint32_t) i, -1,
                                     np > SWITCH_SHOW_ALL, &hidden);
            size_with_ports(&l->nodes[sn].box, shown, 160, NODE_H);
            if (hidden) {
                char what[sizeof l->nodes[sn].sub];
                memcpy(what, l->nodes[sn].sub, sizeof what);
                snprintf(l->nodes[sn].sub, sizeof l->nodes[sn].sub,
                         vh_tr("%s, %d unused ports"), what,
                         hidden);
            }
            /* Where the cables come from. */
            float sum = 0;
            int n = 0;
            for (size_t p = i; p < sc->n_devs; p++) {
                if (p != i && sc->devs[p].parent != (int32_t) i) {
                    continue;
                }
                for (uint32_t e = 0; e < sc->devs[p].n_edges; e++) {
                    int32_t o = l->dev_node[sc->devs[p].edges[e].to];
                    if (o >= 0 && placed[o]) {
                        sum += cx(l, o);
                        n++;
                    }
                }
            }
            it[k] = (struct item) { sn, n ? sum / (float) n
                                          : (float) k * 300, (int) k };
            k++;
        }
        float y = row_y + (tiers && tier == 1 ? EXTENDER_ROW_GAP : 0);
        if (tier == 2) {
            /* Room under the row above for a lane per cable. */
            c.core_lane = row_bottom;
            y = row_bottom + EXTENDER_ROW_GAP;
        }
        place_row(l, it, k, 0, y);
        settle_ports(l, it, k);
        /* The next row's cables come from these too. */
        for (size_t i = first_new; i < l->n_nodes; i++) {
            placed[i] = 1;
            row_bottom = fmaxf(row_bottom, l->nodes[i].box.y
                                           + l->nodes[i].box.h);
        }
    }
    free(tier_of);
    free(it);
    free(placed);

    /* The host end of a veth pair: where its container's end is. */
    for (size_t i = 0; i < sc->n_devs; i++) {
        if (c.pair[i] >= 0) {
            l->dev_node[i] = l->dev_node[c.pair[i]];
        }
    }
    /* Hidden devices: their nearest shown ancestor. */
    for (size_t i = 0; i < sc->n_devs; i++) {
        if (l->dev_node[i] >= 0) {
            continue;
        }
        int32_t p = sc->devs[i].parent;
        for (size_t guard = 0; p >= 0 && guard < sc->n_devs; guard++) {
            if (l->dev_node[p] >= 0) {
                l->dev_node[i] = l->dev_node[p];
                break;
            }
            p = sc->devs[p].parent;
        }
    }
    make_routes(&c, lane_top);

    /* Bounds. */
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    for (size_t i = 0; i < l->n_nodes; i++) {
        struct gui_box b = l->nodes[i].box;
        if (i == 0 || b.x < x0) {
            x0 = b.x;
        }
        if (i == 0 || b.y < y0) {
            y0 = b.y;
        }
        x1 = fmaxf(x1, b.x + b.w);
        y1 = fmaxf(y1, b.y + b.h);
    }
    for (size_t i = 0; i < l->n_routes; i++) {
        for (uint32_t p = 0; p < l->routes[i].n; p++) {
            x0 = fminf(x0, l->routes[i].pts[p][0]);
            x1 = fmaxf(x1, l->routes[i].pts[p][0]);
            y1 = fmaxf(y1, l->routes[i].pts[p][1]);
        }
    }
    l->bounds = (struct gui_box) { x0, y0, x1 - x0, y1 - y0 };
    free(c.pair);
    free(c.role);
    return l;
}

void
gui_layout_free(struct gui_layout *l)
{
    if (!l) {
        return;
    }
    struct path_cache *pc = l->paths;
    for (size_t i = 0; i < pc->n; i++) {
        free(pc->v[i].pts);
    }
    free(pc->v);
    free(pc);
    free(l->nodes);
    free(l->dev_node);
    free(l->dev_back);
    free(l->routes);
    free(l->bands);
    free(l);
}

int32_t
gui_layout_node_of(const struct gui_layout *l, uint32_t dev, bool host_side)
{
    if (dev >= l->sc->n_devs) {
        return -1;
    }
    if (host_side && l->dev_back[dev] >= 0) {
        return l->dev_back[dev];
    }
    return l->dev_node[dev];
}

static bool
inside(const struct gui_box *b, float x, float y)
{
    return x >= b->x && x < b->x + b->w && y >= b->y && y < b->y + b->h;
}

int32_t
gui_layout_hit(const struct gui_layout *l, float x, float y)
{
    /* Later nodes are drawn on top of earlier ones. */
    for (size_t i = l->n_nodes; i-- > 0;) {
        if (inside(&l->nodes[i].box, x, y)) {
            return (int32_t) i;
        }
    }
    return -1;
}

void
gui_layout_anchor(const struct gui_layout *l, int32_t n, float *x, float *y)
{
    const struct gui_node *nd = &l->nodes[n];
    const struct gui_box *b = &nd->box;
    bool holds = false;
    for (size_t i = 0; i < l->n_nodes && !holds; i++) {
        /* A NIC's queue row is under its label: the NIC stays a box. */
        holds = l->nodes[i].parent == n && l->nodes[i].type != GUI_N_QUEUE;
    }
    *x = b->x + b->w / 2;
    *y = b->y + b->h / 2;
    if (!holds) {
        return;
    }
    switch (nd->type) {
    case GUI_N_HOST:
        *x = b->x + 40;
        *y = b->y + l->title_h / 2;
        break;
    case GUI_N_GUEST:
        *y = b->y + (l->compact ? GUEST_TITLE_COMPACT : GUEST_TITLE) / 2;
        break;
    case GUI_N_PROC:
        *y = b->y + PROC_TITLE / 2;
        break;
    case GUI_N_PORT:
    case GUI_N_BACKEND:
    case GUI_N_MID:
    case GUI_N_HW:
    case GUI_N_SWITCH:
    case GUI_N_OTHER:
    case GUI_N_FOLD:
    case GUI_N_CPU:
    case GUI_N_THREAD:
    case GUI_N_QUEUE:
    case GUI_N_IOMMU:
        /* Ports along the top; the label under them. */
        *y = b->y + PORT_H + 10 + 10;
        break;
    }
}

bool
gui_layout_encloses(const struct gui_layout *l, int32_t a, int32_t b)
{
    for (int32_t p = l->nodes[b].parent; p >= 0; p = l->nodes[p].parent) {
        if (p == a) {
            return true;
        }
    }
    return false;
}

static void
centre(const struct gui_layout *l, int32_t n, float *x, float *y)
{
    *x = l->nodes[n].box.x + l->nodes[n].box.w / 2;
    *y = l->nodes[n].box.y + l->nodes[n].box.h / 2;
}

/* Appends the route between adjacent nodes a and b (drawn or a parent
 * link) to 'out', oriented from a to b. */
static void
append_hop(const struct gui_layout *l, int32_t a, int32_t b,
           float (**out)[2], uint32_t *n, size_t *cap)
{
    float tmp[8][2];
    uint32_t k = 0;
    for (size_t i = 0; i < l->n_routes && !k; i++) {
        const struct gui_route *r = &l->routes[i];
        if (r->a == a && r->b == b) {
            memcpy(tmp, r->pts, sizeof tmp);
            k = r->n;
        } else if (r->a == b && r->b == a) {
            for (uint32_t p = 0; p < r->n; p++) {
                tmp[p][0] = r->pts[r->n - 1 - p][0];
                tmp[p][1] = r->pts[r->n - 1 - p][1];
            }
            k = r->n;
        }
    }
    if (!k) {
        centre(l, a, &tmp[0][0], &tmp[0][1]);
        centre(l, b, &tmp[1][0], &tmp[1][1]);
        k = 2;
    }
    for (uint32_t p = 0; p < k; p++) {
        if (*n && fabsf((*out)[*n - 1][0] - tmp[p][0]) < 0.01f
            && fabsf((*out)[*n - 1][1] - tmp[p][1]) < 0.01f) {
            continue;
        }
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 16;
            *out = gui_xrealloc(*out, *cap * sizeof **out);
        }
        (*out)[*n][0] = tmp[p][0];
        (*out)[*n][1] = tmp[p][1];
        (*n)++;
    }
}

/* Neighbours of node 'n' for path finding: route ends and parent/child. */
static size_t
neighbours(const struct gui_layout *l, int32_t n, int32_t *out, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < l->n_routes && k < max; i++) {
        if (l->routes[i].a == n) {
            out[k++] = l->routes[i].b;
        } else if (l->routes[i].b == n) {
            out[k++] = l->routes[i].a;
        }
    }
    int32_t p = l->nodes[n].parent;
    if (p >= 0 && k < max && l->nodes[n].type == GUI_N_PORT) {
        out[k++] = p;
    }
    for (size_t i = 0; i < l->n_nodes && k < max; i++) {
        if (l->nodes[i].parent == n && l->nodes[i].type == GUI_N_PORT) {
            out[k++] = (int32_t) i;
        }
    }
    return k;
}

/* The cached path from 'a' to 'b', found on first use. */
static const struct path_entry *
path_of(struct gui_layout *l, int32_t a, int32_t b)
{
    struct path_cache *pc = l->paths;
    for (size_t i = 0; i < pc->n; i++) {
        if (pc->v[i].a == a && pc->v[i].b == b) {
            return &pc->v[i];
        }
    }
    /* Breadth-first search, at most four hops: packets move between
     * neighbours; a longer way is drawn straight. */
    enum { MAXN = 64, DEPTH = 4 };
    int32_t *prev = gui_xmalloc(l->n_nodes * sizeof *prev);
    int32_t *queue = gui_xmalloc(l->n_nodes * sizeof *queue);
    int *depth = gui_xmalloc(l->n_nodes * sizeof *depth);
    for (size_t i = 0; i < l->n_nodes; i++) {
        prev[i] = -2;
    }
    size_t qh = 0, qt = 0;
    queue[qt++] = a;
    prev[a] = -1;
    depth[a] = 0;
    bool found = a == b;
    while (qh < qt && !found) {
        int32_t u = queue[qh++];
        if (depth[u] >= DEPTH) {
            continue;
        }
        int32_t nb[MAXN];
        size_t k = neighbours(l, u, nb, MAXN);
        for (size_t i = 0; i < k; i++) {
            int32_t v = nb[i];
            if (prev[v] != -2) {
                continue;
            }
            prev[v] = u;
            depth[v] = depth[u] + 1;
            queue[qt++] = v;
            if (v == b) {
                found = true;
                break;
            }
        }
    }
    float (*out)[2] = NULL;
    uint32_t n = 0;
    size_t cap = 0;
    if (found && a != b) {
        int32_t chain[DEPTH + 2];
        int len = 0;
        for (int32_t v = b; v != -1 && len < DEPTH + 2; v = prev[v]) {
            chain[len++] = v;
        }
        for (int i = len - 1; i > 0; i--) {
            append_hop(l, chain[i], chain[i - 1], &out, &n, &cap);
        }
    }
    bool drawn = a == b || n >= 2;
    if (n < 2) {
        free(out);
        out = gui_xmalloc(2 * sizeof *out);
        centre(l, a, &out[0][0], &out[0][1]);
        centre(l, b, &out[1][0], &out[1][1]);
        n = 2;
    }
    free(prev);
    free(queue);
    free(depth);
    if (pc->n == pc->cap) {
        pc->cap = pc->cap ? pc->cap * 2 : 64;
        pc->v = gui_xrealloc(pc->v, pc->cap * sizeof *pc->v);
    }
    pc->v[pc->n] = (struct path_entry) { a, b, n, drawn, out };
    return &pc->v[pc->n++];
}

uint32_t
gui_layout_path(struct gui_layout *l, int32_t a, int32_t b,
                const float (**pts)[2])
{
    const struct path_entry *pe = path_of(l, a, b);
    *pts = (const float (*)[2]) pe->pts;
    return pe->n;
}

bool
gui_layout_path_drawn(struct gui_layout *l, int32_t a, int32_t b)
{
    return path_of(l, a, b)->drawn;
}

void
gui_layout_queue_slot(const struct gui_layout *l, int32_t n, int i, float *x,
                      float *y)
{
    const struct gui_box *b = &l->nodes[n].box;
    *x = b->x + 8 + (float) i * DOT_PITCH;
    *y = b->y + b->h - LANE / 2 - 1;
}

int
gui_layout_queue_room(const struct gui_layout *l, int32_t n)
{
    const struct gui_box *b = &l->nodes[n].box;
    int room = (int) ((b->w - 16) / DOT_PITCH) + 1;
    return room < 1 ? 1 : room;
}
