/* gui/rates.c: compare mode's live counters, from the hop events. */
#include "gui/rates.h"

#include <stdio.h>
#include <string.h>

#include "sim/lang.h"
#include "sim/trace.h"

struct tally {
    const struct gui_history *h;
    int irq_cat;
    struct gui_rates *r;
};

static void
count(void *ctx, const struct gui_hev *e)
{
    struct tally *t = ctx;
    const struct gui_history *h = t->h;
    if (e->kind == VH_HOP_SERVICE) {
        if (!e->on_cpu) {
            return;
        }
        t->r->cycles += e->cycles;
        t->r->irqs += e->cat == t->irq_cat;
        t->r->exits += !strcmp(gui_history_string(h, e->what), "vmexit");
        return;
    }
    /* Delivered: its bytes are the frame's as last seen. */
    t->r->delivered++;
    if (e->pkt != GUI_NO_PKT_IDX) {
        struct gui_pkt *p = gui_history_packet((struct gui_history *) h,
                                               e->pkt);
        const uint8_t *bytes;
        uint32_t len = 0;
        if (p->n_ev && gui_history_frame(h, p, p->n_ev - 1, &bytes, &len)) {
            t->r->bytes += len;
        }
    }
}

void
gui_rates_at(const struct gui_history *h, vh_time_t t, vh_time_t window,
             struct gui_rates *out)
{
    memset(out, 0, sizeof *out);
    vh_time_t t0 = t > window ? t - window : 0;
    out->window = t - t0;
    if (!out->window) {
        return;
    }
    const struct gui_scene *sc = gui_history_scene(h);
    struct tally tl = { h, -1, out };
    for (size_t k = 0; k < sc->n_cats; k++) {
        if (!strcmp(sc->cats[k], "irq")) {
            tl.irq_cat = (int) k;
        }
    }
    gui_history_each(h, t0, t, VH_HOP_BIT(VH_HOP_SERVICE)
                     | VH_HOP_BIT(VH_HOP_DELIVER), count, &tl);
    double secs = (double) out->window / (double) VH_SEC;
    out->exits_s = (double) out->exits / secs;
    out->irqs_s = (double) out->irqs / secs;
    out->gbps = (double) out->bytes * 8 / secs / 1e9;
    out->cycles_per_pkt = out->delivered
                          ? (double) out->cycles / (double) out->delivered
                          : 0;
}

/* "1.25M", "30.0k", "812". */
static const char *
si(double v, char *buf, size_t n)
{
    if (v >= 1e6) {
        snprintf(buf, n, "%.2fM", v / 1e6);
    } else if (v >= 1e3) {
        snprintf(buf, n, "%.1fk", v / 1e3);
    } else {
        snprintf(buf, n, "%.0f", v);
    }
    return buf;
}

void
gui_rates_format(const struct gui_rates *r, char *buf, size_t n)
{
    char a[24], b[24], c[24];
    if (r->delivered) {
        snprintf(c, sizeof c, "%.0f", r->cycles_per_pkt);
    } else {
        snprintf(c, sizeof c, "-");
    }
    snprintf(buf, n, vh_tr("VM exits/s %s   interrupts/s %s   "
                           "cycles/packet %s   %.3f Gbps"),
             si(r->exits_s, a, sizeof a), si(r->irqs_s, b, sizeof b), c,
             r->gbps);
}
