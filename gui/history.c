/* gui/history.c: a window of the recording in memory, with keyframes. */
#include "gui/history.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_BUDGET 1000000
#define KF_EVENTS 16384         /* Events between keyframes, at least. */

/* What one event adds to the counters. */
struct contrib {
    vh_time_t time;
    uint64_t cycles;
    uint32_t dev;
    uint16_t reason;
    uint16_t iotlb_hits, iotlb_misses;
    uint8_t kind, cat, on_cpu;
    uint8_t tally;              /* A count event: 'cycles' more frames. */
};

struct keyframe {
    uint64_t off;               /* Recording offset of a block start. */
    uint64_t g;                 /* Index of the first event after it. */
    vh_time_t now;              /* That event's announcement time. */
    struct gui_ctr *ctr;        /* Per device: every event before 'g'. */
    struct gui_drop_count *drops;
    size_t n_drops;
    struct contrib *pending;    /* Events before 'g' that happen after */
    size_t n_pending;           /* 'now': subtracted when asked earlier. */
};

struct gui_history {
    struct gui_scene sc;
    struct gui_rec_reader *rd;
    gui_advance_fn advance;
    void *advance_ctx;
    vh_time_t advanced_to;
    bool finished;              /* The live run has ended. */
    bool end_read;              /* 'run_end' is read, or was not there. */
    vh_time_t run_end;
    char err[256];

    /* Reading. */
    struct gui_rec_item next;   /* Decoded, not yet ingested. */
    bool has_next;
    uint64_t next_off;          /* Where 'next' came from. */
    uint32_t next_idx;
    vh_time_t cutoff;           /* Every event announced by then is in. */
    uint64_t g_next;            /* Index of the next event to ingest. */
    uint64_t g_max;             /* Events counted so far (first pass). */

    /* The window. */
    uint64_t g_base;            /* Index of ev[0]. */
    struct gui_hev *ev;
    size_t n_ev, cap_ev, peak;
    struct gui_pkt *pk;
    size_t n_pk, cap_pk;
    uint64_t *map_key;          /* Packet id + 1 -> index, open address. */
    uint32_t *map_val;
    size_t map_cap, map_n;
    uint64_t *fam_key;          /* Identity hash -> packet, for copies. */
    uint32_t *fam_val;
    size_t fam_cap, fam_n;
    uint8_t *snaps;
    size_t n_snaps, cap_snaps;
    size_t budget;

    /* Keyframes and the running counters of the first pass. */
    struct keyframe *kf;
    size_t n_kf, cap_kf;
    uint64_t kf_every;
    struct gui_ctr *run;
    struct gui_drop_count *run_drops;
    size_t n_run_drops, cap_run_drops;
    struct contrib *heap;       /* Min-heap on time: future events. */
    size_t n_heap, cap_heap;

    vh_time_t max_ahead;        /* Largest time - now seen. */
    vh_time_t max_service;      /* Longest work seen. */
    vh_time_t last_time;
    uint32_t *root;             /* Per device: its top-level ancestor. */
    int guest_cat;
};

static size_t
hash64(uint64_t x, size_t cap)
{
    x ^= x >> 31;
    x *= 0x9e3779b97f4a7c15ULL;
    x ^= x >> 29;
    return (size_t) x & (cap - 1);
}

/* A small open-addressed map of uint64 keys (never 0) to indices. */
static void
map_put(uint64_t **keys, uint32_t **vals, size_t *cap, size_t *n,
        uint64_t key, uint32_t val)
{
    if ((*n + 1) * 2 > *cap) {
        size_t old_cap = *cap;
        uint64_t *ok = *keys;
        uint32_t *ov = *vals;
        *cap = old_cap ? old_cap * 2 : 1024;
        *keys = gui_xcalloc(*cap, sizeof **keys);
        *vals = gui_xcalloc(*cap, sizeof **vals);
        *n = 0;
        for (size_t i = 0; i < old_cap; i++) {
            if (ok[i]) {
                map_put(keys, vals, cap, n, ok[i], ov[i]);
            }
        }
        free(ok);
        free(ov);
    }
    size_t i = hash64(key, *cap);
    while ((*keys)[i] && (*keys)[i] != key) {
        i = (i + 1) & (*cap - 1);
    }
    if (!(*keys)[i]) {
        (*n)++;
    }
    (*keys)[i] = key;
    (*vals)[i] = val;
}

static int64_t
map_get(const uint64_t *keys, const uint32_t *vals, size_t cap, uint64_t key)
{
    if (!cap) {
        return -1;
    }
    size_t i = hash64(key, cap);
    while (keys[i]) {
        if (keys[i] == key) {
            return vals[i];
        }
        i = (i + 1) & (cap - 1);
    }
    return -1;
}

static uint64_t
family_key(int32_t flow, uint64_t seq, vh_time_t born, uint8_t reply)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    uint64_t parts[4] = { (uint64_t) (uint32_t) flow, seq, born, reply };
    for (int i = 0; i < 4; i++) {
        h ^= parts[i];
        h *= 0x100000001b3ULL;
        h ^= h >> 29;
    }
    return h ? h : 1;
}

static void
window_clear(struct gui_history *h)
{
    for (size_t i = 0; i < h->n_pk; i++) {
        free(h->pk[i].ev);
        free(h->pk[i].stops);
    }
    h->n_pk = 0;
    h->n_ev = 0;
    h->n_snaps = 0;
    if (h->map_cap) {
        memset(h->map_key, 0, h->map_cap * sizeof *h->map_key);
    }
    h->map_n = 0;
    if (h->fam_cap) {
        memset(h->fam_key, 0, h->fam_cap * sizeof *h->fam_key);
    }
    h->fam_n = 0;
    h->g_base = h->g_next;
}

static struct gui_ctr *
ctr_copy(const struct gui_history *h, const struct gui_ctr *src)
{
    size_t n = h->sc.n_devs ? h->sc.n_devs : 1;
    struct gui_ctr *c = gui_xcalloc(n, sizeof *c);
    if (src && h->sc.n_devs) {
        memcpy(c, src, h->sc.n_devs * sizeof *c);
    }
    return c;
}

static void
heap_push(struct gui_history *h, struct contrib c)
{
    if (h->n_heap == h->cap_heap) {
        h->cap_heap = h->cap_heap ? h->cap_heap * 2 : 256;
        h->heap = gui_xrealloc(h->heap, h->cap_heap * sizeof *h->heap);
    }
    size_t i = h->n_heap++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (h->heap[p].time <= c.time) {
            break;
        }
        h->heap[i] = h->heap[p];
        i = p;
    }
    h->heap[i] = c;
}

static void
heap_pop(struct gui_history *h)
{
    struct contrib last = h->heap[--h->n_heap];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        vh_time_t mt = last.time;
        if (l < h->n_heap && h->heap[l].time < mt) {
            m = l;
            mt = h->heap[l].time;
        }
        if (r < h->n_heap && h->heap[r].time < mt) {
            m = r;
        }
        if (m == i) {
            break;
        }
        h->heap[i] = h->heap[m];
        i = m;
    }
    if (h->n_heap) {
        h->heap[i] = last;
    }
}

static void
add_drop(struct gui_drop_count **v, size_t *n, size_t *cap, uint32_t dev,
         uint16_t reason, int64_t delta)
{
    for (size_t i = 0; i < *n; i++) {
        if ((*v)[i].dev == dev && (*v)[i].reason == reason) {
            (*v)[i].n += (uint64_t) delta;
            return;
        }
    }
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *v = gui_xrealloc(*v, *cap * sizeof **v);
    }
    (*v)[(*n)++] = (struct gui_drop_count) { dev, reason, (uint64_t) delta };
}

static void
ctr_apply(struct gui_ctr *c, const struct contrib *x, int sign)
{
    /* A count event (record/record.h) brings the device's in or out to
     * what the report counts; every other event counts one. */
    c->n[x->kind] += (uint64_t) ((int64_t) sign
                                 * (x->tally ? (int64_t) x->cycles : 1));
    if (x->kind == VH_HOP_SERVICE && x->on_cpu && x->cat < GUI_MAX_CATS) {
        c->cycles[x->cat] += (uint64_t) ((int64_t) sign * (int64_t) x->cycles);
    }
    c->iotlb_hits += (uint64_t) ((int64_t) sign * x->iotlb_hits);
    c->iotlb_misses += (uint64_t) ((int64_t) sign * x->iotlb_misses);
}

static void
make_keyframe(struct gui_history *h, uint64_t off, vh_time_t now)
{
    while (h->n_heap && h->heap[0].time <= now) {
        heap_pop(h);
    }
    if (h->n_kf == h->cap_kf) {
        h->cap_kf = h->cap_kf ? h->cap_kf * 2 : 64;
        h->kf = gui_xrealloc(h->kf, h->cap_kf * sizeof *h->kf);
    }
    struct keyframe *k = &h->kf[h->n_kf++];
    k->off = off;
    k->g = h->g_next;
    k->now = now;
    k->ctr = ctr_copy(h, h->run);
    k->n_drops = h->n_run_drops;
    k->drops = gui_xcalloc(k->n_drops, sizeof *k->drops);
    if (k->n_drops) {
        memcpy(k->drops, h->run_drops, k->n_drops * sizeof *k->drops);
    }
    k->n_pending = h->n_heap;
    k->pending = gui_xcalloc(h->n_heap, sizeof *k->pending);
    if (h->n_heap) {
        memcpy(k->pending, h->heap, h->n_heap * sizeof *k->pending);
    }
}

static struct contrib
contrib_of(const struct gui_rec_item *it)
{
    return (struct contrib) {
        .time = it->time, .cycles = it->cycles, .dev = it->dev,
        .reason = it->reason, .kind = it->kind, .cat = it->cat,
        .on_cpu = it->on_cpu, .iotlb_hits = it->iotlb_hits,
        .iotlb_misses = it->iotlb_misses, .tally = it->tally,
    };
}

/* First pass: counters and global extremes. */
static void
count_event(struct gui_history *h, const struct gui_rec_item *it)
{
    if (it->time - it->now > h->max_ahead && it->time > it->now) {
        h->max_ahead = it->time - it->now;
    }
    if (it->end - it->time > h->max_service) {
        h->max_service = it->end - it->time;
    }
    if (it->end > h->last_time) {
        h->last_time = it->end;
    }
    if (it->dev >= h->sc.n_devs) {
        return;
    }
    struct contrib c = contrib_of(it);
    ctr_apply(&h->run[it->dev], &c, 1);
    if (it->kind == VH_HOP_ENQUEUE && it->depth > h->run[it->dev].max_depth) {
        h->run[it->dev].max_depth = it->depth;
    }
    if (it->kind == VH_HOP_DROP) {
        add_drop(&h->run_drops, &h->n_run_drops, &h->cap_run_drops, it->dev,
                 it->reason, 1);
    }
    if (it->time > it->now) {
        heap_push(h, c);
    }
}

/* Whether devices 'a' and 'b' are one, joined, or parts of one. */
static bool
adjacent(const struct gui_scene *sc, uint32_t a, uint32_t b)
{
    if (a >= sc->n_devs || b >= sc->n_devs) {
        return false;
    }
    const struct gui_dev *da = &sc->devs[a], *db = &sc->devs[b];
    if (a == b || da->parent == (int32_t) b || db->parent == (int32_t) a
        || (da->parent >= 0 && da->parent == db->parent
            && sc->devs[da->parent].role != VH_ROLE_HOST)) {
        return true;
    }
    for (uint32_t e = 0; e < da->n_edges; e++) {
        uint32_t o = da->edges[e].to;
        if (o == b || (int32_t) o == db->parent
            || sc->devs[o].parent == (int32_t) b) {
            return true;
        }
    }
    return false;
}

/* Whether packet 'op''s latest stop up to the time of 'it' is next to
 * the device of 'it': where a copy of it could have been made. */
static bool
same_place(struct gui_history *h, struct gui_pkt *op,
           const struct gui_rec_item *it)
{
    gui_history_stops(h, op);
    for (uint32_t s = op->n_stops; s-- > 0;) {
        const struct gui_stop *st = &op->stops[s];
        if (st->t_in <= it->time) {
            return adjacent(&h->sc, st->dev, it->dev);
        }
    }
    return false;
}

static uint32_t
new_packet(struct gui_history *h, const struct gui_rec_item *it)
{
    if (h->n_pk == h->cap_pk) {
        h->cap_pk = h->cap_pk ? h->cap_pk * 2 : 1024;
        h->pk = gui_xrealloc(h->pk, h->cap_pk * sizeof *h->pk);
    }
    uint32_t i = (uint32_t) h->n_pk++;
    struct gui_pkt *p = &h->pk[i];
    memset(p, 0, sizeof *p);
    p->id = it->pkt;
    p->flow = it->has_meta ? it->flow : -1;
    p->seq = it->seq;
    p->born = it->born;
    p->is_reply = it->is_reply;
    p->counted = it->counted;
    p->origin = -1;
    p->t_vis = it->time;
    p->t_first = it->time;
    p->t_last = it->end;
    map_put(&h->map_key, &h->map_val, &h->map_cap, &h->map_n, it->pkt + 1, i);

    /* A copy made by flooding shares its original's identity; it is shown
     * leaving from where the original was when it was made. */
    if (it->has_meta) {
        uint64_t fk = family_key(p->flow, p->seq, p->born, p->is_reply);
        int64_t o = map_get(h->fam_key, h->fam_val, h->fam_cap, fk);
        /* Frames of no flow (ARP) all have sequence 0: two hosts'
         * requests born at the same instant share the key without one
         * being a copy of the other.  A copy is made where its original
         * is, so it starts there or next to it. */
        if (o >= 0 && (uint32_t) o != i && p->flow < 0
            && !same_place(h, &h->pk[o], it)) {
            o = -1;
        }
        if (o >= 0 && (uint32_t) o != i) {
            struct gui_pkt *op = &h->pk[o];
            gui_history_stops(h, op);
            for (uint32_t s = op->n_stops; s-- > 0;) {
                const struct gui_stop *st = &op->stops[s];
                if (st->t_in <= it->time) {
                    p->origin = (int32_t) o;
                    p->has_syn = true;
                    p->syn_dev = st->dev;
                    p->syn_slot = st->slot;
                    vh_time_t dep = st->t_depart;
                    p->t_vis = dep >= st->t_in && dep <= it->time ? dep
                                                                  : it->time;
                    break;
                }
            }
        } else if (o < 0) {
            map_put(&h->fam_key, &h->fam_val, &h->fam_cap, &h->fam_n, fk, i);
        }
    }
    return i;
}

static void
ingest(struct gui_history *h, const struct gui_rec_item *it)
{
    if (h->g_next >= h->g_max) {
        count_event(h, it);
        h->g_max = h->g_next + 1;
    }
    h->g_next++;
    /* Work for no packet in particular (a poll, a timer) still keeps a
     * core busy; it is kept, so that window index = event index - g_base. */
    int64_t pi = -1;
    if (it->pkt != GUI_NO_PKT) {
        pi = map_get(h->map_key, h->map_val, h->map_cap, it->pkt + 1);
        if (pi < 0) {
            pi = new_packet(h, it);
        }
    }
    if (h->n_ev == h->cap_ev) {
        h->cap_ev = h->cap_ev ? h->cap_ev * 2 : 4096;
        h->ev = gui_xrealloc(h->ev, h->cap_ev * sizeof *h->ev);
    }
    uint32_t ei = (uint32_t) h->n_ev++;
    if (h->n_ev > h->peak) {
        h->peak = h->n_ev;
    }
    struct gui_hev *e = &h->ev[ei];
    memset(e, 0, sizeof *e);
    e->now = it->now;
    e->time = it->time;
    e->end = it->end;
    e->cycles = it->cycles;
    e->pkt = pi < 0 ? GUI_NO_PKT_IDX : (uint32_t) pi;
    e->dev = it->dev < h->sc.n_devs ? it->dev : GUI_NO_DEV;
    e->depth = it->depth;
    e->core = it->core;
    e->what = it->what;
    e->reason = it->reason;
    e->queue = it->queue;
    e->iotlb_hits = it->iotlb_hits;
    e->iotlb_misses = it->iotlb_misses;
    e->kind = it->kind;
    e->cat = it->cat;
    e->on_cpu = it->on_cpu;
    if (it->snap) {
        size_t need = 6 + it->snap_len;
        if (h->n_snaps + need > h->cap_snaps) {
            h->cap_snaps = h->cap_snaps ? h->cap_snaps * 2 : 65536;
            while (h->cap_snaps < h->n_snaps + need) {
                h->cap_snaps *= 2;
            }
            h->snaps = gui_xrealloc(h->snaps, h->cap_snaps);
        }
        uint8_t *s = h->snaps + h->n_snaps;
        memcpy(s, &it->frame_len, 4);
        uint16_t sl = (uint16_t) it->snap_len;
        memcpy(s + 4, &sl, 2);
        memcpy(s + 6, it->snap, it->snap_len);
        e->snap = (uint32_t) h->n_snaps + 1;
        h->n_snaps += need;
    }

    if (pi < 0) {
        return;
    }
    struct gui_pkt *p = &h->pk[pi];
    if (p->n_ev == p->cap_ev) {
        p->cap_ev = p->cap_ev ? p->cap_ev * 2 : 16;
        p->ev = gui_xrealloc(p->ev, p->cap_ev * sizeof *p->ev);
    }
    /* Insert in time order; equal times keep announcement order. */
    uint32_t k = p->n_ev++;
    while (k > 0 && h->ev[p->ev[k - 1]].time > e->time) {
        p->ev[k] = p->ev[k - 1];
        k--;
    }
    p->ev[k] = ei;
    if (e->time < p->t_first) {
        p->t_first = e->time;
        if (!p->has_syn) {
            p->t_vis = e->time;
        }
    }
    if (e->end > p->t_last) {
        p->t_last = e->end;
    }
    p->last_kind = h->ev[p->ev[p->n_ev - 1]].kind;
    p->dirty = true;
}

static void
reload(struct gui_history *h, size_t k)
{
    h->g_next = h->kf[k].g;
    window_clear(h);
    gui_rec_seek(h->rd, h->kf[k].off, 0);
    h->has_next = false;
    h->cutoff = 0;
}

struct gui_history *
gui_history_open(const char *path, gui_advance_fn advance, void *ctx,
                 size_t budget, char *err, size_t errlen)
{
    struct gui_history *h = gui_xcalloc(1, sizeof *h);
    h->rd = gui_rec_open(path, &h->sc, err, errlen);
    if (!h->rd) {
        free(h);
        return NULL;
    }
    h->advance = advance;
    h->advance_ctx = ctx;
    h->budget = budget ? budget : DEFAULT_BUDGET;
    size_t nd = h->sc.n_devs;
    /* Keyframes close enough together for the window to start near where
     * it should, far enough apart to cost little memory. */
    h->kf_every = KF_EVENTS * (nd > 32 ? nd / 32 : 1);
    if (h->kf_every > h->budget / 4) {
        h->kf_every = h->budget / 4 > 4096 ? h->budget / 4 : 4096;
    }
    h->run = ctr_copy(h, NULL);
    h->root = gui_xcalloc(nd + 1, sizeof *h->root);
    for (size_t i = 0; i < nd; i++) {
        h->root[i] = gui_scene_root(&h->sc, (uint32_t) i);
    }
    h->guest_cat = -1;
    for (size_t i = 0; i < h->sc.n_cats; i++) {
        if (!strcmp(h->sc.cats[i], "guest")) {
            h->guest_cat = (int) i;
        }
    }
    uint64_t off;
    uint32_t idx;
    gui_rec_tell(h->rd, &off, &idx);
    make_keyframe(h, off, 0);
    return h;
}

void
gui_history_free(struct gui_history *h)
{
    if (!h) {
        return;
    }
    window_clear(h);
    free(h->ev);
    free(h->pk);
    free(h->map_key);
    free(h->map_val);
    free(h->fam_key);
    free(h->fam_val);
    free(h->snaps);
    for (size_t i = 0; i < h->n_kf; i++) {
        free(h->kf[i].ctr);
        free(h->kf[i].drops);
        free(h->kf[i].pending);
    }
    free(h->kf);
    free(h->run);
    free(h->run_drops);
    free(h->heap);
    free(h->root);
    gui_rec_close(h->rd);
    gui_scene_free(&h->sc);
    free(h);
}

const struct gui_scene *
gui_history_scene(const struct gui_history *h)
{
    return &h->sc;
}

const char *
gui_history_error(const struct gui_history *h)
{
    return h->err;
}

/* How far before a time the window should reach, so that the packets in
 * flight then have their past: half the budget, at the event rate seen so
 * far. */
static vh_time_t
back_time(const struct gui_history *h)
{
    vh_time_t span = h->last_time ? h->last_time : 1;
    double rate = (double) h->g_max / (double) span;     /* Per ps. */
    if (rate <= 0) {
        return GUI_TIME_INF / 4;
    }
    double back = (double) (h->budget / 2) / rate;
    return back > (double) (GUI_TIME_INF / 4) ? GUI_TIME_INF / 4
                                               : (vh_time_t) back;
}

/* The keyframe to start a window for time 't' from: the latest one at
 * least back_time() before it. */
static size_t
choose_kf(const struct gui_history *h, vh_time_t t)
{
    vh_time_t back = back_time(h);
    vh_time_t from = t > back ? t - back : 0;
    for (size_t i = h->n_kf; i-- > 0;) {
        if (h->kf[i].now <= from) {
            return i;
        }
    }
    return 0;
}

int
gui_history_seek(struct gui_history *h, vh_time_t t, vh_time_t ahead)
{
    vh_time_t c = t + ahead < t ? GUI_TIME_INF - 1 : t + ahead;
    size_t k = choose_kf(h, t);
    bool before = h->n_ev && t < h->ev[0].now;
    bool over = h->n_ev > h->budget && h->kf[k].g > h->g_base;
    if (h->kf[k].g < h->g_base || (before && h->g_base > 0) || over) {
        reload(h, k);
    }
    if (h->cutoff >= c) {
        return 0;
    }
    if (h->advance && !h->finished && h->advanced_to < c) {
        h->finished = h->advance(h->advance_ctx, c);
        h->advanced_to = c;
    }
    for (;;) {
        if (!h->has_next) {
            gui_rec_tell(h->rd, &h->next_off, &h->next_idx);
            int rc = gui_rec_next(h->rd, &h->next);
            if (rc < 0) {
                snprintf(h->err, sizeof h->err, "%s", gui_rec_error(h->rd));
                return -1;
            }
            if (rc == 0) {
                break;
            }
            h->has_next = true;
        }
        if (h->next.now > c) {
            break;
        }
        if (h->next_idx == 0) {
            /* A block starts here: a place to come back to. */
            if (h->g_next >= h->g_max
                && h->g_next >= h->kf[h->n_kf - 1].g + h->kf_every) {
                make_keyframe(h, h->next_off, h->next.now);
            }
            /* Far before 't' with the window full: what is in it will
             * not be shown, so start afresh here.  (The event rate, hence
             * how far back is far, is known better as reading goes.) */
            if (h->n_ev > h->budget && h->next.now + back_time(h) < t) {
                window_clear(h);
            }
        }
        ingest(h, &h->next);
        h->has_next = false;
    }
    if (c > h->cutoff) {
        h->cutoff = c;
    }
    return 0;
}

size_t
gui_history_n_packets(const struct gui_history *h)
{
    return h->n_pk;
}

struct gui_pkt *
gui_history_packet(struct gui_history *h, size_t i)
{
    return &h->pk[i];
}

const struct gui_hev *
gui_history_event(const struct gui_history *h, uint32_t i)
{
    return &h->ev[i];
}

int64_t
gui_history_find(const struct gui_history *h, uint64_t id)
{
    return map_get(h->map_key, h->map_val, h->map_cap, id + 1);
}

int64_t
gui_history_find_seq(const struct gui_history *h, int32_t flow, uint64_t seq,
                     bool is_reply)
{
    for (size_t i = 0; i < h->n_pk; i++) {
        const struct gui_pkt *p = &h->pk[i];
        if (p->flow == flow && p->seq == seq && p->is_reply == is_reply
            && p->origin < 0) {
            return (int64_t) i;
        }
    }
    return -1;
}

uint32_t
gui_history_frame(const struct gui_history *h, const struct gui_pkt *p,
                  uint32_t upto, const uint8_t **bytes, uint32_t *frame_len)
{
    if (!p->n_ev) {
        return 0;
    }
    if (upto >= p->n_ev) {
        upto = p->n_ev - 1;
    }
    for (uint32_t i = upto + 1; i-- > 0;) {
        const struct gui_hev *e = &h->ev[p->ev[i]];
        if (e->snap) {
            const uint8_t *s = h->snaps + e->snap - 1;
            uint16_t sl;
            memcpy(frame_len, s, 4);
            memcpy(&sl, s + 4, 2);
            *bytes = s + 6;
            return sl;
        }
    }
    return 0;
}

const char *
gui_history_string(const struct gui_history *h, uint16_t id)
{
    return gui_rec_string(h->rd, id);
}

/* Index of the first event announced at or after 't'. */
static size_t
first_at(const struct gui_history *h, vh_time_t t)
{
    size_t lo = 0, hi = h->n_ev;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (h->ev[mid].now < t) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static vh_time_t
sub_sat(vh_time_t a, vh_time_t b)
{
    return a > b ? a - b : 0;
}

size_t
gui_history_counters(struct gui_history *h, uint32_t dev, vh_time_t t,
                     struct gui_ctr *out, struct gui_drop_count *drops,
                     size_t max_drops)
{
    memset(out, 0, sizeof *out);
    if (dev >= h->sc.n_devs) {
        return 0;
    }
    /* The latest keyframe at or before 't' whose events are in memory. */
    const struct keyframe *k = NULL;
    for (size_t i = h->n_kf; i-- > 0;) {
        if (h->kf[i].now <= t && h->kf[i].g >= h->g_base
            && h->kf[i].g <= h->g_next) {
            k = &h->kf[i];
            break;
        }
    }
    if (!k) {
        return 0;
    }
    *out = k->ctr[dev];
    struct gui_drop_count *dv = NULL;
    size_t nd = 0, cap = 0;
    for (size_t i = 0; i < k->n_drops; i++) {
        if (k->drops[i].dev == dev) {
            add_drop(&dv, &nd, &cap, dev, k->drops[i].reason,
                     (int64_t) k->drops[i].n);
        }
    }
    for (size_t i = 0; i < k->n_pending; i++) {
        const struct contrib *c = &k->pending[i];
        if (c->dev == dev && c->time > t) {
            ctr_apply(out, c, -1);
            if (c->kind == VH_HOP_DROP) {
                add_drop(&dv, &nd, &cap, dev, c->reason, -1);
            }
        }
    }
    for (size_t i = (size_t) (k->g - h->g_base); i < h->n_ev; i++) {
        const struct gui_hev *e = &h->ev[i];
        if (e->now > t) {
            break;
        }
        if (e->dev != dev || e->time > t) {
            continue;
        }
        struct contrib c = {
            .time = e->time, .cycles = e->cycles, .dev = e->dev,
            .reason = e->reason, .kind = e->kind, .cat = e->cat,
            .on_cpu = e->on_cpu, .iotlb_hits = e->iotlb_hits,
            .iotlb_misses = e->iotlb_misses,
            .tally = (e->kind == VH_HOP_RX || e->kind == VH_HOP_TX)
                     && e->pkt == GUI_NO_PKT_IDX,
        };
        ctr_apply(out, &c, 1);
        if (e->kind == VH_HOP_ENQUEUE && e->depth > out->max_depth) {
            out->max_depth = e->depth;
        }
        if (e->kind == VH_HOP_DROP) {
            add_drop(&dv, &nd, &cap, dev, e->reason, 1);
        }
    }
    size_t n = 0;
    for (size_t i = 0; i < nd; i++) {
        if (dv[i].n && drops && n < max_drops) {
            drops[n++] = dv[i];
        }
    }
    free(dv);
    return n;
}

void
gui_history_cpu(const struct gui_history *h, uint32_t host_dev, int cores,
                vh_time_t t0, vh_time_t t1, uint64_t *out)
{
    memset(out, 0, (size_t) cores * GUI_MAX_CATS * sizeof *out);
    size_t i = first_at(h, sub_sat(t0, h->max_ahead + h->max_service));
    for (; i < h->n_ev && h->ev[i].now <= t1; i++) {
        const struct gui_hev *e = &h->ev[i];
        if (e->kind != VH_HOP_SERVICE || !e->on_cpu || e->dev == GUI_NO_DEV
            || h->root[e->dev] != host_dev || e->core < 0 || e->core >= cores
            || e->cat >= GUI_MAX_CATS) {
            continue;
        }
        vh_time_t a = e->time > t0 ? e->time : t0;
        vh_time_t b = e->end < t1 ? e->end : t1;
        if (b > a) {
            out[(size_t) e->core * GUI_MAX_CATS + e->cat] += b - a;
        }
    }
}

void
gui_history_each(const struct gui_history *h, vh_time_t t0, vh_time_t t1,
                 uint32_t kinds, void (*fn)(void *, const struct gui_hev *),
                 void *ctx)
{
    size_t i = first_at(h, sub_sat(t0, h->max_ahead));
    for (; i < h->n_ev && h->ev[i].now <= t1; i++) {
        const struct gui_hev *e = &h->ev[i];
        if ((kinds >> e->kind & 1) && e->time > t0 && e->time <= t1) {
            fn(ctx, e);
        }
    }
}

vh_time_t
gui_history_next_time(const struct gui_history *h, vh_time_t t)
{
    vh_time_t best = GUI_TIME_INF;
    for (size_t i = first_at(h, sub_sat(t, h->max_ahead)); i < h->n_ev; i++) {
        const struct gui_hev *e = &h->ev[i];
        if (e->now > best) {
            break;
        }
        if (e->time > t && e->time < best) {
            best = e->time;
        }
    }
    return best == GUI_TIME_INF ? t : best;
}

vh_time_t
gui_history_prev_time(const struct gui_history *h, vh_time_t t)
{
    vh_time_t best = 0;
    bool found = false;
    for (size_t i = first_at(h, t + 1); i-- > 0;) {
        const struct gui_hev *e = &h->ev[i];
        if (found && e->now + h->max_ahead < best) {
            break;
        }
        if (e->time < t && (!found || e->time > best)) {
            best = e->time;
            found = true;
        }
    }
    return found ? best : t;
}

vh_time_t
gui_history_last_time(const struct gui_history *h)
{
    return h->last_time;
}

size_t
gui_history_peak(const struct gui_history *h)
{
    return h->peak;
}

int
gui_history_guest_cat(const struct gui_history *h)
{
    return h->guest_cat;
}

vh_time_t
gui_history_run_end(struct gui_history *h)
{
    /* A recording's end record is read once; a live run's, once it ended
     * (before that the spool has none). */
    if (!h->end_read && (!h->advance || h->finished)) {
        h->end_read = true;
        if (!gui_rec_complete(h->rd, &h->run_end)) {
            h->run_end = 0;
        }
    }
    return h->run_end;
}

bool
gui_history_complete(struct gui_history *h)
{
    return gui_rec_complete(h->rd, NULL);
}

void
gui_iommu_counts(struct gui_history *h, uint32_t host_dev, vh_time_t t,
                 uint64_t *hits, uint64_t *misses)
{
    const struct gui_scene *sc = gui_history_scene(h);
    *hits = *misses = 0;
    for (size_t i = 0; i < sc->n_devs; i++) {
        /* A NIC (its note lists its queues) or one of its functions. */
        const struct gui_dev *d = &sc->devs[i];
        bool nic = d->note && !strncmp(d->note, "rx queues|", 10);
        bool fn = d->parent >= 0 && sc->devs[d->parent].note
                  && !strncmp(sc->devs[d->parent].note, "rx queues|", 10);
        if ((!nic && !fn) || gui_scene_root(sc, (uint32_t) i) != host_dev) {
            continue;
        }
        struct gui_ctr c;
        gui_history_counters(h, (uint32_t) i, t, &c, NULL, 0);
        *hits += c.iotlb_hits;
        *misses += c.iotlb_misses;
    }
}
