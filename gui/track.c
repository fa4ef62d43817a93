/* gui/track.c: a packet's stops, and its place at a time. */
#include "gui/track.h"

#include <string.h>

static bool
is_terminal(uint8_t kind)
{
    return kind == VH_HOP_DELIVER || kind == VH_HOP_DROP
           || kind == VH_HOP_CONSUME;
}

/* Which side of a guest NIC event 'e' happens on, given the stop the
 * packet was at before ('cur', or NULL). */
static uint8_t
slot_of(const struct gui_history *h, const struct gui_scene *sc,
        const struct gui_hev *e, const struct gui_stop *cur)
{
    if (!gui_scene_is_guest_port(sc, e->dev)) {
        return 0;
    }
    int32_t g = sc->devs[e->dev].parent;
    if (g >= 0 && !strcmp(sc->devs[g].kind, "container")) {
        return 0;               /* A container has no host side: its
                                 * stack's work, on the host's cores, is
                                 * its own. */
    }
    switch (e->kind) {
    case VH_HOP_SERVICE:
        return e->on_cpu && (int) e->cat != gui_history_guest_cat(h) ? 1 : 0;
    case VH_HOP_RX:
    case VH_HOP_TX:
    case VH_HOP_DELIVER:
        return 0;
    default:
        break;
    }
    if (cur && cur->dev == e->dev) {
        return cur->slot;
    }
    if (cur && cur->dev < sc->n_devs
        && (sc->devs[cur->dev].parent == sc->devs[e->dev].parent
            || (int32_t) cur->dev == sc->devs[e->dev].parent)) {
        return 0;               /* From inside the same guest. */
    }
    return cur ? 1 : 0;         /* From outside: the host side. */
}

/* True if work 'e' continues stop 'prev' rather than bringing the packet
 * back: it follows without a gap, on the same core and device, work done
 * earlier at that stop (a vCPU finishing its exit after the backend has
 * already passed the packet on). */
static bool
is_late_work(const struct gui_history *h, const struct gui_pkt *p,
             uint32_t upto, const struct gui_hev *e)
{
    if (!e->on_cpu) {
        return false;
    }
    for (uint32_t i = 0; i < upto; i++) {
        const struct gui_hev *x = gui_history_event(h, p->ev[i]);
        if (x->kind == VH_HOP_SERVICE && x->on_cpu && x->core == e->core
            && x->end == e->time && x->dev == e->dev && x->slot == e->slot) {
            return true;
        }
    }
    return false;
}

static struct gui_stop *
push_stop(struct gui_pkt *p)
{
    if (p->n_stops == p->cap_stops) {
        p->cap_stops = p->cap_stops ? p->cap_stops * 2 : 8;
        p->stops = gui_xrealloc(p->stops, p->cap_stops * sizeof *p->stops);
    }
    struct gui_stop *s = &p->stops[p->n_stops++];
    memset(s, 0, sizeof *s);
    return s;
}

/* Whether 'p' stopped at ('dev', 'slot') before its current stop. */
static bool
visited_before(const struct gui_pkt *p, uint32_t dev, uint8_t slot, bool syn)
{
    for (uint32_t k = syn ? 1 : 0; k + 1 < p->n_stops; k++) {
        if (p->stops[k].dev == dev && p->stops[k].slot == slot) {
            return true;
        }
    }
    return false;
}

void
gui_history_stops(struct gui_history *h, struct gui_pkt *p)
{
    if (!p->dirty) {
        return;
    }
    p->dirty = false;
    p->n_stops = 0;
    const struct gui_scene *sc = gui_history_scene(h);
    bool syn = p->has_syn;
    if (syn) {
        struct gui_stop *s = push_stop(p);
        s->dev = p->syn_dev;
        s->slot = p->syn_slot;
        s->t_in = s->t_out = s->t_depart = p->t_vis;
        s->first = 1;           /* Empty range: no events of its own. */
        s->last = 0;
    }
    for (uint32_t i = 0; i < p->n_ev; i++) {
        struct gui_hev *e = (struct gui_hev *) gui_history_event(h, p->ev[i]);
        e->late = 0;
        struct gui_stop *cur = p->n_stops > (syn ? 1u : 0u)
                               ? &p->stops[p->n_stops - 1] : NULL;
        if (e->dev == GUI_NO_DEV) {
            if (cur) {
                cur->last = i;
            }
            e->slot = cur ? cur->slot : 0;
            continue;
        }
        uint8_t slot = slot_of(h, sc, e, cur);
        e->slot = slot;
        if (cur && cur->dev == e->dev && cur->slot == slot) {
            cur->last = i;
            continue;
        }
        if (cur && e->kind == VH_HOP_SERVICE
            && p->n_stops >= (syn ? 3u : 2u)) {
            const struct gui_stop *prev = &p->stops[p->n_stops - 2];
            if (prev->dev == e->dev && prev->slot == slot
                && is_late_work(h, p, i, e)) {
                e->late = 1;
                cur->last = i;
                continue;
            }
        }
        if (cur && e->kind == VH_HOP_SERVICE
            && visited_before(p, e->dev, slot, syn)) {
            /* CPU work for the packet booked where it was long ago (a
             * kick's IPI queued behind a busy vCPU): the packet does not
             * go back for it. */
            e->late = 1;
            cur->last = i;
            continue;
        }
        struct gui_stop *s = push_stop(p);
        s->dev = e->dev;
        s->slot = slot;
        s->t_in = e->time;
        s->first = s->last = i;
    }
    /* When each stop is done, and when the packet starts to leave it. */
    for (uint32_t k = syn ? 1 : 0; k < p->n_stops; k++) {
        struct gui_stop *s = &p->stops[k];
        vh_time_t out = s->t_in;
        const struct gui_hev *last = NULL;
        for (uint32_t i = s->first; i <= s->last; i++) {
            const struct gui_hev *e = gui_history_event(h, p->ev[i]);
            if (e->late) {
                continue;
            }
            vh_time_t t = e->end > e->time ? e->end : e->time;
            out = t > out ? t : out;
            last = e;
        }
        vh_time_t next_in = k + 1 < p->n_stops ? p->stops[k + 1].t_in
                                               : GUI_TIME_INF;
        s->t_out = out < next_in ? out : next_in;
        s->t_depart = s->t_out;
        if (last && last->kind == VH_HOP_SERVICE && k + 1 < p->n_stops
            && last->time >= s->t_in && last->time < s->t_out) {
            s->t_depart = last->time;
        }
    }
}

void
gui_track_at(struct gui_history *h, struct gui_pkt *p, vh_time_t t,
             vh_time_t linger, vh_time_t min_move, struct gui_where *w)
{
    memset(w, 0, sizeof *w);
    w->state = GUI_W_GONE;
    gui_history_stops(h, p);
    if (!p->n_stops || t < p->stops[0].t_in) {
        return;
    }
    uint32_t k = 0;
    while (k + 1 < p->n_stops && p->stops[k + 1].t_in <= t) {
        k++;
    }
    const struct gui_stop *s = &p->stops[k];
    uint32_t cur = 0;
    for (uint32_t i = 0; i < p->n_ev; i++) {
        if (gui_history_event(h, p->ev[i])->time <= t) {
            cur = i;
        }
    }
    w->cur = cur;
    if (k + 1 < p->n_stops) {
        const struct gui_stop *n = &p->stops[k + 1];
        /* Work that hands the packet on is the move itself; a packet
         * handed on for free waits, then moves for 'min_move'. */
        vh_time_t early = n->t_in > min_move ? n->t_in - min_move : 0;
        vh_time_t dep;
        if (s->t_depart < s->t_out) {
            dep = s->t_depart < early ? s->t_depart : early;
        } else {
            dep = s->t_out > early ? s->t_out : early;
        }
        dep = dep < s->t_in ? s->t_in : dep;
        if (t > dep) {
            w->state = GUI_W_MOVING;
            w->stop = k;
            w->next = k + 1;
            vh_time_t span = n->t_in - dep;
            w->frac = span ? (float) ((double) (t - dep) / (double) span)
                           : 1.0f;
            return;
        }
    }
    w->state = GUI_W_AT;
    w->stop = k;
    if (k + 1 == p->n_stops) {
        /* The last stop known: delivered, dropped, waiting in a queue, or
         * gone without a word (consumed, as an answered ARP request). */
        const struct gui_hev *le = gui_history_event(h, p->ev[p->n_ev - 1]);
        if (is_terminal(p->last_kind)) {
            if (t >= le->time) {
                if (t > le->time + linger) {
                    w->state = GUI_W_GONE;
                    return;
                }
                w->ended = true;
                w->end_kind = p->last_kind;
                w->end_time = le->time;
            }
        } else if (p->last_kind != VH_HOP_ENQUEUE && t > s->t_out) {
            w->state = GUI_W_GONE;
            return;
        }
    }
    for (uint32_t i = s->first; i <= s->last && i < p->n_ev; i++) {
        const struct gui_hev *e = gui_history_event(h, p->ev[i]);
        if (e->kind == VH_HOP_SERVICE && !e->late && e->time <= t
            && t < e->end) {
            w->serving = true;
            w->serv = i;
        }
    }
}
