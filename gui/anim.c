/* gui/anim.c: a frame's dots, queues, drops and CPU bars. */
#include "gui/anim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gui/track.h"

void
gui_frame_init(struct gui_frame *f)
{
    memset(f, 0, sizeof *f);
}

void
gui_frame_free(struct gui_frame *f)
{
    free(f->dots);
    free(f->waiting);
    free(f->shown);
    free(f->rxq);
    free(f->rxq_flow);
    free(f->flashes);
    free(f->turns);
    free(f->cpu);
    free(f->cores);
    gui_frame_init(f);
}

bool
gui_anim_flow_shown(const struct gui_anim_opts *o, int32_t flow)
{
    if (flow < 0) {
        return !(o->hidden_flows >> 31 & 1);
    }
    return flow >= 31 || !(o->hidden_flows >> flow & 1);
}

void
gui_polyline_at(const float (*pts)[2], uint32_t n, float frac, float *x,
                float *y)
{
    float total = 0;
    for (uint32_t i = 1; i < n; i++) {
        total += hypotf(pts[i][0] - pts[i - 1][0], pts[i][1] - pts[i - 1][1]);
    }
    float want = total * (frac < 0 ? 0 : frac > 1 ? 1 : frac);
    for (uint32_t i = 1; i < n; i++) {
        float seg = hypotf(pts[i][0] - pts[i - 1][0],
                           pts[i][1] - pts[i - 1][1]);
        if (want <= seg || i == n - 1) {
            float u = seg > 0 ? want / seg : 0;
            u = u > 1 ? 1 : u;
            *x = pts[i - 1][0] + (pts[i][0] - pts[i - 1][0]) * u;
            *y = pts[i - 1][1] + (pts[i][1] - pts[i - 1][1]) * u;
            return;
        }
        want -= seg;
    }
    *x = pts[0][0];
    *y = pts[0][1];
}

static struct gui_dot *
push_dot(struct gui_frame *f)
{
    if (f->n_dots == f->cap_dots) {
        f->cap_dots = f->cap_dots ? f->cap_dots * 2 : 1024;
        f->dots = gui_xrealloc(f->dots, f->cap_dots * sizeof *f->dots);
    }
    struct gui_dot *d = &f->dots[f->n_dots++];
    memset(d, 0, sizeof *d);
    d->to = -1;
    return d;
}

/* A packet at a node, before it gets its place in the queue lane. */
struct waiter {
    int32_t node;
    uint8_t serving;
    vh_time_t since;
    uint64_t id;
    size_t dot;
};

static int
waiter_cmp(const void *a_, const void *b_)
{
    const struct waiter *a = a_, *b = b_;
    if (a->node != b->node) {
        return a->node < b->node ? -1 : 1;
    }
    if (a->serving != b->serving) {
        return a->serving ? -1 : 1;         /* Served first in line. */
    }
    if (a->since != b->since) {
        return a->since < b->since ? -1 : 1;
    }
    return a->id < b->id ? -1 : a->id > b->id;
}

struct flash_ctx {
    struct gui_frame *f;
    const struct gui_layout *l;
    const struct gui_anim_opts *o;
    struct gui_history *h;
};

static void
flash_drop(void *ctx_, const struct gui_hev *e)
{
    struct flash_ctx *c = ctx_;
    struct gui_frame *f = c->f;
    if (e->pkt == GUI_NO_PKT_IDX || e->dev == GUI_NO_DEV
        || !gui_anim_flow_shown(c->o,
                                gui_history_packet(c->h, e->pkt)->flow)) {
        return;
    }
    int32_t node = gui_layout_node_of(c->l, e->dev, e->slot);
    if (node < 0) {
        return;
    }
    for (size_t i = 0; i < f->n_flashes; i++) {
        if (f->flashes[i].node == node && f->flashes[i].reason == e->reason) {
            f->flashes[i].count++;
            if (e->time > f->flashes[i].last) {
                f->flashes[i].last = e->time;
            }
            return;
        }
    }
    if (f->n_flashes == f->cap_flashes) {
        f->cap_flashes = f->cap_flashes ? f->cap_flashes * 2 : 16;
        f->flashes = gui_xrealloc(f->flashes,
                                  f->cap_flashes * sizeof *f->flashes);
    }
    f->flashes[f->n_flashes++] = (struct gui_flash) {
        node, e->reason, 1, e->time
    };
}

/* Whether stop 'k' of 'p' (0 < k < n_stops - 1) is a switch turning the
 * packet back: it came from one of the switch's ports and leaves by the
 * same port.  A switch here is a device at the top (no host) whose port
 * the packet came by. */
static bool
stop_is_turn(const struct gui_scene *sc, const struct gui_pkt *p, uint32_t k)
{
    const struct gui_stop *a = &p->stops[k - 1], *b = &p->stops[k];
    if (a->dev != p->stops[k + 1].dev || a->dev >= sc->n_devs
        || b->dev >= sc->n_devs) {
        return false;
    }
    const struct gui_dev *port = &sc->devs[a->dev];
    return port->parent == (int32_t) b->dev && sc->devs[b->dev].parent < 0;
}

/* Counts the hairpin turns of packet 'p' made in (t - linger, t]: the
 * time of a turn is when the packet leaves the switch, back toward the
 * port it came by. */
static void
note_turns(struct gui_frame *f, struct gui_layout *l,
           const struct gui_scene *sc, const struct gui_pkt *p, vh_time_t t,
           vh_time_t linger)
{
    for (uint32_t k = 1; k + 1 < p->n_stops; k++) {
        vh_time_t when = p->stops[k].t_depart;
        if (when > t || when + linger < t || !stop_is_turn(sc, p, k)) {
            continue;
        }
        int32_t node = gui_layout_node_of(l, p->stops[k - 1].dev, 0);
        int32_t peer = k >= 2 ? gui_layout_node_of(l, p->stops[k - 2].dev,
                                                   p->stops[k - 2].slot)
                              : -1;
        if (node < 0) {
            continue;
        }
        size_t i = 0;
        while (i < f->n_turns && f->turns[i].node != node) {
            i++;
        }
        if (i == f->n_turns) {
            if (f->n_turns == f->cap_turns) {
                f->cap_turns = f->cap_turns ? f->cap_turns * 2 : 8;
                f->turns = gui_xrealloc(f->turns,
                                        f->cap_turns * sizeof *f->turns);
            }
            /* Where the frame came in: the end of its route at the
             * port (the cable), else the port's middle. */
            const struct gui_box *b = &l->nodes[node].box;
            float x = b->x + b->w / 2, y = b->y;
            if (peer >= 0 && peer != node) {
                const float (*pts)[2];
                uint32_t n = gui_layout_path(l, node, peer, &pts);
                x = pts[0][0];
                y = pts[0][1];
                (void) n;
            }
            f->turns[f->n_turns++] = (struct gui_turn) { node, 0, 0, x, y };
        }
        f->turns[i].count++;
        if (when > f->turns[i].last) {
            f->turns[i].last = when;
        }
    }
}

/* A core that a poll-mode thread owns (the host's note, "polling
 * cores|7 8", from the scene) spins for the whole window: what its work
 * on packets leaves of 'window' (ps) is polling that found nothing, which
 * the trace does not carry, one event per empty poll being too many.  It
 * is added to the poll category of 'out' (the host's cores' busy time by
 * category), so that the bar shows the 100% the report counts. */
static void
fill_polling(const struct gui_scene *sc, uint32_t host_dev, int cores,
             vh_time_t window, uint64_t *out)
{
    const char *note = host_dev < sc->n_devs ? sc->devs[host_dev].note : NULL;
    if (!note || strncmp(note, "polling cores|", 14)) {
        return;
    }
    int poll = -1;
    for (size_t k = 0; k < sc->n_cats && k < GUI_MAX_CATS; k++) {
        if (!strcmp(sc->cats[k], "poll")) {
            poll = (int) k;
        }
    }
    if (poll < 0) {
        return;
    }
    for (const char *p = note + 14; *p;) {
        char *end;
        long c = strtol(p, &end, 10);
        if (end == p) {
            break;
        }
        p = end;
        if (c < 0 || c >= cores) {
            continue;
        }
        uint64_t *cat = out + (size_t) c * GUI_MAX_CATS;
        uint64_t busy = 0;
        for (int k = 0; k < GUI_MAX_CATS; k++) {
            busy += cat[k];
        }
        if (busy < window) {
            cat[poll] += window - busy;
        }
    }
}

/* Counts packet 'p', at stop 's' with latest event 'cur', in the NIC
 * receive queue box it waits in, if any: its latest queueing there named
 * a queue (sim/trace.h), and no work has been done on it since but the
 * interrupt (the NAPI poll, in softirq or a guest's vCPU, takes it out
 * of the ring). */
static void
count_rx_queue(struct gui_frame *f, const struct gui_history *h,
               const struct gui_layout *l, const struct gui_pkt *p,
               const struct gui_stop *s, uint32_t cur, int irq_cat)
{
    uint16_t q = 0;
    if (cur < s->first || cur > s->last) {
        return;
    }
    for (uint32_t k = cur + 1; k-- > s->first;) {
        const struct gui_hev *e = gui_history_event(h, p->ev[k]);
        if (e->kind == VH_HOP_ENQUEUE) {
            q = e->queue;
            break;
        }
        if (e->kind == VH_HOP_SERVICE && e->on_cpu && e->cat != irq_cat) {
            return;
        }
    }
    if (!q) {
        return;
    }
    /* A VF's queue is drawn in its NIC's row. */
    const struct gui_scene *sc = l->sc;
    int32_t nic = (int32_t) s->dev;
    if (strncmp(sc->devs[nic].note, "rx queues|", 10)
        && sc->devs[nic].parent >= 0) {
        nic = sc->devs[nic].parent;
    }
    int32_t rest = -1;
    for (size_t i = 0; i < l->n_nodes; i++) {
        const struct gui_node *n = &l->nodes[i];
        if (n->type != GUI_N_QUEUE || n->dev != nic) {
            continue;
        }
        if (n->count == q - 1) {
            f->rxq[i]++;
            f->rxq_flow[i] = p->flow;
            return;
        }
        if (n->count < 0) {
            rest = (int32_t) i;
        }
    }
    if (rest >= 0) {
        f->rxq[rest]++;
        f->rxq_flow[rest] = p->flow;
    }
}

void
gui_anim_frame(struct gui_frame *f, struct gui_history *h,
               struct gui_layout *l, vh_time_t t,
               const struct gui_anim_opts *o)
{
    f->t = t;
    f->linger = o->linger;
    f->n_dots = 0;
    f->n_flashes = 0;
    f->n_turns = 0;
    f->moving = f->serving = 0;
    const struct gui_scene *scn = gui_history_scene(h);
    if (f->n_nodes != l->n_nodes) {
        free(f->waiting);
        free(f->shown);
        free(f->rxq);
        free(f->rxq_flow);
        f->n_nodes = l->n_nodes;
        f->waiting = gui_xcalloc(l->n_nodes, sizeof *f->waiting);
        f->shown = gui_xcalloc(l->n_nodes, sizeof *f->shown);
        f->rxq = gui_xcalloc(l->n_nodes, sizeof *f->rxq);
        f->rxq_flow = gui_xcalloc(l->n_nodes, sizeof *f->rxq_flow);
    }
    if (l->n_nodes) {           /* An empty scene has no arrays. */
        memset(f->waiting, 0, l->n_nodes * sizeof *f->waiting);
        memset(f->shown, 0, l->n_nodes * sizeof *f->shown);
        memset(f->rxq, 0, l->n_nodes * sizeof *f->rxq);
    }
    int irq_cat = -1;
    for (size_t k = 0; k < scn->n_cats; k++) {
        if (!strcmp(scn->cats[k], "irq")) {
            irq_cat = (int) k;
        }
    }

    struct waiter *w = NULL;
    size_t nw = 0, capw = 0;
    size_t np = gui_history_n_packets(h);
    for (size_t i = 0; i < np; i++) {
        struct gui_pkt *p = gui_history_packet(h, i);
        if (p->t_vis > t || !gui_anim_flow_shown(o, p->flow)) {
            continue;
        }
        if (p->t_last + o->linger < t && p->last_kind != VH_HOP_ENQUEUE) {
            continue;
        }
        struct gui_where wh;
        gui_track_at(h, p, t, o->linger, o->min_move, &wh);
        if (wh.state == GUI_W_GONE) {
            continue;
        }
        note_turns(f, l, scn, p, t, o->linger);
        const struct gui_stop *s = &p->stops[wh.stop];
        int32_t from = gui_layout_node_of(l, s->dev, s->slot);
        if (from < 0) {
            continue;
        }
        if (wh.state == GUI_W_MOVING) {
            const struct gui_stop *n = &p->stops[wh.next];
            int32_t to = gui_layout_node_of(l, n->dev, n->slot);
            if (to >= 0 && to != from) {
                const float (*pts)[2];
                uint32_t k = gui_layout_path(l, from, to, &pts);
                struct gui_dot *d = push_dot(f);
                gui_polyline_at(pts, k, wh.frac, &d->x, &d->y);
                d->pkt = (uint32_t) i;
                d->flow = p->flow;
                d->reply = p->is_reply;
                d->state = GUI_DOT_MOVING;
                d->node = from;
                d->to = to;
                d->slow = l->nodes[from].type == GUI_N_THREAD
                          || l->nodes[to].type == GUI_N_THREAD;
                f->moving++;
                continue;
            }
            /* Both ends drawn as one node (folded): it waits there. */
        }
        struct gui_dot *d = push_dot(f);
        d->pkt = (uint32_t) i;
        d->flow = p->flow;
        d->reply = p->is_reply;
        d->node = from;
        if (wh.ended) {
            d->state = wh.end_kind == VH_HOP_DROP ? GUI_DOT_DROPPED
                                                  : GUI_DOT_DELIVERED;
            d->age = o->linger ? (float) ((double) (t - wh.end_time)
                                          / (double) o->linger) : 1.0f;
        } else {
            d->state = wh.serving ? GUI_DOT_SERVING : GUI_DOT_WAITING;
            f->serving += wh.serving;
            count_rx_queue(f, h, l, p, s, wh.cur, irq_cat);
        }
        if (nw == capw) {
            capw = capw ? capw * 2 : 256;
            w = gui_xrealloc(w, capw * sizeof *w);
        }
        w[nw++] = (struct waiter) {
            from, (uint8_t) (d->state == GUI_DOT_SERVING), s->t_in, p->id,
            f->n_dots - 1
        };
    }

    /* Line the dots at each node up in its queue lane, served first. */
    if (nw) {
        qsort(w, nw, sizeof *w, waiter_cmp);
    }
    for (size_t i = 0; i < nw;) {
        int32_t node = w[i].node;
        int room = gui_layout_queue_room(l, node);
        size_t j = i;
        while (j < nw && w[j].node == node) {
            j++;
        }
        if ((int) (j - i) > room && room > 4) {
            room -= 3;          /* Leave space for the "+N". */
        }
        j = i;
        int pos = 0;
        for (; j < nw && w[j].node == node; j++, pos++) {
            struct gui_dot *d = &f->dots[w[j].dot];
            f->waiting[node]++;
            if (pos < room) {
                gui_layout_queue_slot(l, node, pos, &d->x, &d->y);
                f->shown[node]++;
            } else {
                /* Not drawn: counted in the lane's "+N". */
                d->x = NAN;
                d->y = NAN;
            }
        }
        i = j;
    }
    free(w);

    /* Drops to flash. */
    struct flash_ctx fc = { f, l, o, h };
    vh_time_t t0 = t > o->linger ? t - o->linger : 0;
    gui_history_each(h, t0, t, VH_HOP_BIT(VH_HOP_DROP), flash_drop, &fc);

    /* CPU cores. */
    const struct gui_scene *sc = gui_history_scene(h);
    if (f->n_hosts != sc->n_hosts) {
        free(f->cpu);
        free(f->cores);
        f->n_hosts = sc->n_hosts;
        size_t total = 0;
        f->cores = gui_xcalloc(sc->n_hosts, sizeof *f->cores);
        for (size_t i = 0; i < sc->n_hosts; i++) {
            f->cores[i] = sc->hosts[i].cores > 0 ? sc->hosts[i].cores : 1;
            total += (size_t) f->cores[i] * GUI_MAX_CATS;
        }
        f->cpu = gui_xcalloc(total, sizeof *f->cpu);
    }
    f->cpu_window = o->cpu_window;
    vh_time_t c0 = t > o->cpu_window ? t - o->cpu_window : 0;
    uint64_t *out = f->cpu;
    for (size_t i = 0; i < sc->n_hosts; i++) {
        gui_history_cpu(h, sc->hosts[i].dev, f->cores[i], c0, t, out);
        fill_polling(sc, sc->hosts[i].dev, f->cores[i], t - c0, out);
        out += (size_t) f->cores[i] * GUI_MAX_CATS;
    }
    if (t - c0 < o->cpu_window) {
        f->cpu_window = t - c0;
    }
}
