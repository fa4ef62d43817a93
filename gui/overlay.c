/* gui/overlay.c: screen furniture: status bar, legend, timeline, help,
 * titles of the sides in compare mode, and the inspector's place. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gui/app.h"
#include "gui/rates.h"
#include "sim/lang.h"
#include "sim/units.h"

#define RGB(r, g, b) ((SDL_Color) { r, g, b, 255 })

static const SDL_Color ink = RGB(0x1a, 0x1a, 0x1a);
static const SDL_Color soft = RGB(0x55, 0x60, 0x6c);
static const SDL_Color bar_bg = RGB(0x25, 0x2c, 0x34);
static const SDL_Color bar_ink = RGB(0xf2, 0xf2, 0xf2);

static float
status_h(const struct gui_app *a)
{
    return 30 * a->draw.ui;
}

static int legend_rows(const struct gui_app *a);

/* The legend takes a second row, for the cycle categories, when one row
 * cannot hold them all with the flows and the keys: it is never cut. */
static float
legend_h(const struct gui_app *a)
{
    return 28 * a->draw.ui * (float) legend_rows(a);
}

static float
timeline_h(const struct gui_app *a)
{
    return 50 * a->draw.ui;
}

void
gui_overlay_world_area(const struct gui_app *a, SDL_Rect *out)
{
    int top = (int) status_h(a);
    int bottom = a->h - (int) (legend_h(a) + timeline_h(a));
    out->x = 0;
    out->y = top;
    out->w = a->w;
    out->h = bottom > top ? bottom - top : 1;
}

/* The timeline's bar, in window pixels. */
static void
timeline_geom(const struct gui_app *a, float *x0, float *x1, float *y)
{
    float ui = a->draw.ui;
    *x0 = 20 * ui;
    *x1 = (float) a->w - 20 * ui;
    *y = (float) a->h - timeline_h(a) + 14 * ui;
}

int
gui_overlay_timeline_hit(const struct gui_app *a, int x, int y, vh_time_t *t)
{
    if ((float) y < (float) a->h - timeline_h(a)) {
        return 0;
    }
    float x0, x1, by;
    timeline_geom(a, &x0, &x1, &by);
    float u = ((float) x - x0) / (x1 - x0);
    u = u < 0 ? 0 : u > 1 ? 1 : u;
    *t = (vh_time_t) ((double) u * (double) gui_app_end(a));
    return 1;
}

static void
draw_status(struct gui_app *a)
{
    struct gui_draw *d = &a->draw;
    float ui = d->ui;
    gui_fill(d, 0, 0, (float) a->w, status_h(a), bar_bg);
    const struct gui_scene *sc = gui_history_scene(a->side[0].h);
    char left[160], mid[64], right[200], sp[32];
    snprintf(left, sizeof left, "vhsim \xc2\xb7 %s", sc->name);
    char tb[32];
    snprintf(mid, sizeof mid, "t = %s", vh_format_time(a->t, tb, sizeof tb));
    vh_format_time((vh_time_t) (a->speed + 0.5), sp, sizeof sp);
    snprintf(right, sizeof right, "%s  %s/s%s%s  \xc2\xb7  %s",
             a->paused ? vh_tr("\xe2\x9d\x9a\xe2\x9d\x9a paused")
                       : vh_tr("\xe2\x96\xb6 playing"),
             sp, a->idle_now ? vh_tr("  (nothing moving: hurrying)") : "",
             a->follow ? vh_tr("  \xc2\xb7 following") : "",
             vh_tr("h: help"));
    int px = (int) (15 * ui + 0.5f);
    float ty = 6 * ui;
    gui_text(d->font, GUI_BOLD, px, bar_ink, 12 * ui, ty, GUI_LEFT,
             (float) a->w * 0.3f, left);
    gui_text(d->font, GUI_BOLD, (int) (17 * ui + 0.5f), RGB(0xff, 0xd8, 0x6b),
             (float) a->w * 0.42f, 4 * ui, GUI_CENTER, 0, mid);
    gui_text(d->font, GUI_SANS, px, bar_ink, (float) a->w - 12 * ui, ty,
             GUI_RIGHT, (float) a->w * 0.42f, right);
}

/* True if a side shows a switch's threads in user space, and so the
 * slow path. */
static bool
any_upcall(const struct gui_app *a)
{
    for (int s = 0; s < a->n_sides; s++) {
        const struct gui_layout *l = a->side[s].l;
        for (size_t i = 0; l && i < l->n_routes; i++) {
            if (l->routes[i].upcall) {
                return true;
            }
        }
    }
    return false;
}

static const char slow_key[] = "upcall: slow path";

/* Width of the legend's entries after the flows. */
static float
keys_w(const struct gui_app *a, int px, bool slow)
{
    static const char *const keys[] = { "0 ARP/other", "reply",
                                        "being worked on", slow_key };
    float w = 0;
    for (size_t i = 0; i < sizeof keys / sizeof *keys - !slow; i++) {
        int tw, th;
        gui_text_size(a->draw.font, GUI_SANS, px, vh_tr(keys[i]), &tw, &th);
        w += (float) tw + 30 * a->draw.ui;
    }
    return w;
}

/* Width of the flows' entries (at most nine, each cut at 220 units). */
static float
flows_w(const struct gui_app *a, int px)
{
    const struct gui_scene *sc = gui_history_scene(a->side[0].h);
    float w = 0;
    for (size_t f = 0; f < sc->n_flows && f < 9; f++) {
        char s[96];
        int tw, th;
        snprintf(s, sizeof s, "%zu %s", f + 1, sc->flows[f].name);
        gui_text_size(a->draw.font, GUI_SANS, px, s, &tw, &th);
        w += 30 * a->draw.ui + fminf((float) tw, 220 * a->draw.ui);
    }
    return w;
}

/* Width of the cycle categories' entries. */
static float
cats_w(const struct gui_app *a, int px)
{
    const struct gui_scene *sc = gui_history_scene(a->side[0].h);
    float w = 0;
    for (size_t k = 0; k < sc->n_cats; k++) {
        int tw, th;
        gui_text_size(a->draw.font, GUI_SANS, px, vh_tr(sc->cats[k]), &tw,
                      &th);
        w += (float) tw + 24 * a->draw.ui;
    }
    return w;
}

static int
legend_rows(const struct gui_app *a)
{
    if (!a->draw.font || !a->n_sides || !a->side[0].h) {
        return 1;
    }
    float ui = a->draw.ui;
    int px = (int) (13 * ui + 0.5f), cpx = (int) (12 * ui + 0.5f);
    float need = 24 * ui + flows_w(a, px) + keys_w(a, px, any_upcall(a))
                 + 36 * ui + cats_w(a, cpx);
    return need > (float) a->w ? 2 : 1;
}

static void
draw_legend(struct gui_app *a)
{
    struct gui_draw *d = &a->draw;
    float ui = d->ui;
    float y = (float) a->h - timeline_h(a) - legend_h(a);
    gui_fill(d, 0, y, (float) a->w, legend_h(a), RGB(0xf0, 0xf0, 0xec));
    gui_fill(d, 0, y, (float) a->w, 1, RGB(0xc8, 0xc8, 0xc8));
    const struct gui_scene *sc = gui_history_scene(a->side[0].h);
    int px = (int) (13 * ui + 0.5f);
    float x = 12 * ui, ty = y + 6 * ui;
    bool slow = any_upcall(a);
    /* The flows, as many as leave room for the other entries. */
    float flows_end = (float) a->w - 12 * ui - keys_w(a, px, slow);
    for (size_t f = 0; f < sc->n_flows && f < 9; f++) {
        bool hidden = a->hidden_flows >> f & 1;
        SDL_Color c = gui_flow_color((int32_t) f);
        if (hidden) {
            c = RGB(0xc8, 0xc8, 0xc8);
        }
        char s[96];
        snprintf(s, sizeof s, "%zu %s", f + 1, sc->flows[f].name);
        int tw, th;
        gui_text_size(d->font, GUI_SANS, px, s, &tw, &th);
        if (x + 30 * ui + fminf((float) tw, 220 * ui) > flows_end) {
            x += (float) gui_text(d->font, GUI_SANS, px, soft, x, ty,
                                  GUI_LEFT, 0, "\xe2\x80\xa6") + 14 * ui;
            break;
        }
        gui_dot(d, x + 6 * ui, ty + 8 * ui, (int) (12 * ui) | 1, c,
                GUI_DOT_SOLID);
        x += 16 * ui;
        x += (float) gui_text(d->font, GUI_SANS, px, hidden ? soft : ink, x,
                              ty, GUI_LEFT, 220 * ui, s) + 14 * ui;
    }
    bool ctl_hidden = a->hidden_flows >> 31 & 1;
    gui_dot(d, x + 6 * ui, ty + 8 * ui, (int) (12 * ui) | 1,
            ctl_hidden ? RGB(0xdd, 0xdd, 0xdd) : gui_flow_color(-1),
            GUI_DOT_SOLID);
    x += 16 * ui;
    x += (float) gui_text(d->font, GUI_SANS, px, ctl_hidden ? soft : ink, x,
                          ty, GUI_LEFT, 0, vh_tr("0 ARP/other")) + 14 * ui;
    gui_dot(d, x + 6 * ui, ty + 8 * ui, (int) (12 * ui) | 1,
            gui_flow_color(0), GUI_DOT_HOLLOW);
    x += 16 * ui;
    x += (float) gui_text(d->font, GUI_SANS, px, ink, x, ty, GUI_LEFT, 0,
                          vh_tr("reply")) + 14 * ui;
    gui_dot(d, x + 6 * ui, ty + 8 * ui, (int) (13 * ui) | 1,
            gui_flow_color(0), GUI_DOT_RINGED);
    x += 16 * ui;
    x += (float) gui_text(d->font, GUI_SANS, px, ink, x, ty, GUI_LEFT, 0,
                          vh_tr("being worked on")) + 14 * ui;
    if (slow) {
        /* A packet going up to a thread in user space, or back. */
        SDL_Color halo = gui_slow_color();
        halo.a = 140;
        gui_dot(d, x + 6 * ui, ty + 8 * ui, (int) (20 * ui) | 1, halo,
                GUI_DOT_SOLID);
        gui_dot(d, x + 6 * ui, ty + 8 * ui, (int) (10 * ui) | 1,
                gui_flow_color(0), GUI_DOT_SOLID);
        x += 18 * ui;
        x += (float) gui_text(d->font, GUI_SANS, px, ink, x, ty, GUI_LEFT, 0,
                              vh_tr(slow_key)) + 14 * ui;
    }

    /* Cycle categories at the right, as many as there is room for, in
     * order: on the flows' row when it has room, else on a row of their
     * own. */
    int cpx = (int) (12 * ui + 0.5f);
    if (legend_rows(a) > 1) {
        x = 0;
        ty += 28 * ui;
    }
    float room = (float) a->w - 12 * ui - (x + 36 * ui);
    float need = 0;
    size_t fit = 0;
    for (size_t k = 0; k < sc->n_cats; k++) {
        int tw, th;
        gui_text_size(d->font, GUI_SANS, cpx, vh_tr(sc->cats[k]), &tw, &th);
        if (need + (float) tw + 24 * ui > room) {
            break;
        }
        need += (float) tw + 24 * ui;
        fit++;
    }
    float cx = (float) a->w - 12 * ui - need;
    for (size_t k = 0; k < fit; k++) {
        gui_fill(d, cx, ty + 3 * ui, 10 * ui, 10 * ui,
                 gui_cat_color(sc->cats[k]));
        cx += 14 * ui;
        cx += (float) gui_text(d->font, GUI_SANS, cpx, ink, cx, ty + 1 * ui,
                               GUI_LEFT, 0, vh_tr(sc->cats[k])) + 10 * ui;
    }
}

static void
draw_timeline(struct gui_app *a)
{
    struct gui_draw *d = &a->draw;
    float ui = d->ui;
    float top = (float) a->h - timeline_h(a);
    gui_fill(d, 0, top, (float) a->w, timeline_h(a), RGB(0xfa, 0xfa, 0xf8));
    float x0, x1, y;
    timeline_geom(a, &x0, &x1, &y);
    vh_time_t end = gui_app_end(a);
    gui_fill(d, x0, y, x1 - x0, 8 * ui, RGB(0xd4, 0xd8, 0xdd));
    float cur = x0 + (x1 - x0) * (float) ((double) a->t / (double) end);
    gui_fill(d, x0, y, cur - x0, 8 * ui, RGB(0x4c, 0x78, 0xa8));
    /* Ticks with round times (1, 2, 2.5 or 5 times a power of ten, at
     * most 8 steps), and the run's end, which is seldom round, at the
     * right; a tick too close to it goes without its label. */
    char s[96];
    int px = (int) (11 * ui + 0.5f);
    vh_time_t step = 1;
    for (vh_time_t p10 = 1;; p10 *= 10) {
        static const vh_time_t m[] = { 10, 20, 25, 50 };
        size_t k = 0;
        while (k < 4 && m[k] * p10 / 10 * 8 < end) {
            k++;
        }
        if (k < 4) {
            step = m[k] * p10 / 10;
            break;
        }
    }
    int ew, eh;
    vh_format_time(end, s, sizeof s);
    gui_text_size(d->font, GUI_SANS, px, s, &ew, &eh);
    gui_fill(d, x1, y + 8 * ui, 1, 5 * ui, soft);
    gui_text(d->font, GUI_SANS, px, soft, x1, y + 14 * ui, GUI_RIGHT, 0, s);
    for (vh_time_t t = 0; t < end; t += step) {
        float x = x0 + (x1 - x0) * (float) ((double) t / (double) end);
        gui_fill(d, x, y + 8 * ui, 1, 5 * ui, soft);
        vh_format_time(t, s, sizeof s);
        int tw, th;
        gui_text_size(d->font, GUI_SANS, px, s, &tw, &th);
        if (t == 0 || x + (float) tw / 2 + 10 * ui < x1 - (float) ew) {
            gui_text(d->font, GUI_SANS, px, soft, x, y + 14 * ui,
                     t ? GUI_CENTER : GUI_LEFT, 0, s);
        }
    }
    /* Scenario events: a mark each, labelled where the label has room
     * (marks close together keep only the first label). */
    const struct gui_scene *sc = gui_history_scene(a->side[0].h);
    float free_x = 0;
    for (size_t i = 0; i < sc->n_marks; i++) {
        float x = x0 + (x1 - x0) * (float) ((double) sc->marks[i].at
                                            / (double) end);
        SDL_Color c = RGB(0xd6, 0x27, 0x28);
        gui_fill(d, x - 1.5f * ui, y - 8 * ui, 3 * ui, 20 * ui, c);
        /* A migration says where to: the picture moves the VM there. */
        snprintf(s, sizeof s, "%s %s%s%s", sc->marks[i].action,
                 sc->marks[i].target, *sc->marks[i].to ? " \xe2\x86\x92 " : "",
                 sc->marks[i].to);
        int tw, th;
        gui_text_size(d->font, GUI_BOLD, px, s, &tw, &th);
        if (x + 4 * ui + (float) tw > x1 && x - 4 * ui - (float) tw >= free_x) {
            /* Near the end: the label ends at its mark instead of running
             * off the window. */
            gui_text(d->font, GUI_BOLD, px, c, x - 4 * ui, y - 12 * ui,
                     GUI_RIGHT, 0, s);
            free_x = x + 8 * ui;
        } else if (x + 4 * ui >= free_x) {
            gui_text(d->font, GUI_BOLD, px, c, x + 4 * ui, y - 12 * ui,
                     GUI_LEFT, 0, s);
            free_x = x + 4 * ui + (float) tw + 8 * ui;
        }
    }
    /* The cursor. */
    gui_fill(d, cur - 2 * ui, y - 5 * ui, 4 * ui, 18 * ui, ink);
}

static void
draw_help(struct gui_app *a)
{
    static const char *const lines[][2] = {
        { "space", "pause / play" },
        { "\xe2\x86\x92  \xe2\x86\x90", "next / previous hop event (of the "
          "selected packet, if any)" },
        { "+  -", "faster / slower (time dilation)" },
        { "click", "a packet: its headers and hops; a device: its counters" },
        { "f", "follow the selected packet" },
        { "1 \xe2\x80\xa6 9, 0", "show or hide a flow; 0: ARP and other "
          "frames" },
        { "wheel, drag", "zoom, pan   (r: fit the view again)" },
        { "timeline", "click or drag to jump; red marks are scenario events" },
        { "i", "hurry through stretches where nothing moves" },
        { "Home  End", "start / end of the run" },
        { "h  F1", "this help" },
        { "q  Esc", "quit" },
    };
    struct gui_draw *d = &a->draw;
    float ui = d->ui;
    int px = (int) (16 * ui + 0.5f);
    float lh = (float) px * 1.5f;
    float w = fminf((float) a->w - 40 * ui, 760 * ui);
    float h = lh * (float) (sizeof lines / sizeof *lines + 2) + 20 * ui;
    float x = ((float) a->w - w) / 2, y = ((float) a->h - h) / 2;
    gui_fill(d, x, y, w, h, (SDL_Color) { 0xff, 0xff, 0xff, 245 });
    gui_frame_rect(d, x, y, w, h, 2, ink);
    gui_text(d->font, GUI_BOLD, (int) (19 * ui), ink, x + 20 * ui,
             y + 12 * ui, GUI_LEFT, 0, vh_tr("Keys and mouse"));
    float ty = y + 14 * ui + lh * 1.4f;
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        gui_text(d->font, GUI_BOLD, px, ink, x + 20 * ui, ty, GUI_LEFT,
                 150 * ui, vh_tr(lines[i][0]));
        gui_text(d->font, GUI_SANS, px, ink, x + 180 * ui, ty, GUI_LEFT,
                 w - 200 * ui, vh_tr(lines[i][1]));
        ty += lh;
    }
}

/* Sizes of a strip's text. */
static int
strip_title_px(const struct gui_app *a)
{
    return (int) (15 * a->draw.ui + 0.5f);
}

static int
strip_counter_px(const struct gui_app *a)
{
    return (int) (13 * a->draw.ui + 0.5f);
}

int
gui_overlay_strip_lines(const struct gui_app *a, int w)
{
    struct gui_draw *d = (struct gui_draw *) &a->draw;
    float ui = d->ui;
    int title = 0;
    for (int s = 0; s < a->n_sides; s++) {
        int tw, th;
        gui_text_size(d->font, GUI_BOLD, strip_title_px(a),
                      a->side[s].title, &tw, &th);
        title = tw > title ? tw : title;
    }
    /* The widest counters: every figure at its longest. */
    struct gui_rates most = { .exits_s = 9.9e6, .irqs_s = 9.9e6,
                              .delivered = 1, .cycles_per_pkt = 99999,
                              .gbps = 99.999 };
    char line[200];
    gui_rates_format(&most, line, sizeof line);
    int lw, lh;
    gui_text_size(d->font, GUI_SANS, strip_counter_px(a), line, &lw, &lh);
    return (float) (title + lw) + 50 * ui > (float) w ? 2 : 1;
}

/* Compare mode: above each side's picture, its name and its counters
 * (gui/rates.h), live, so that the difference between the variants is
 * read while the packets move; a line between the sides.  In a narrow
 * strip the counters take two lines, split between two of them. */
static void
draw_strip(struct gui_app *a, int s)
{
    struct gui_draw *d = &a->draw;
    float ui = d->ui;
    const struct gui_side *sd = &a->side[s];
    const SDL_Rect *r = &sd->strip;
    gui_fill(d, (float) r->x, (float) r->y, (float) r->w, (float) r->h,
             RGB(0xe9, 0xec, 0xf0));
    int px = strip_title_px(a), cpx = strip_counter_px(a);
    int tw, th;
    gui_text_size(d->font, GUI_BOLD, px, sd->title, &tw, &th);
    float tx = (float) r->x + 6 * ui, ty = (float) r->y + 4 * ui;
    gui_fill(d, tx, ty - 1 * ui, (float) tw + 14 * ui, 24 * ui, bar_bg);
    gui_text(d->font, GUI_BOLD, px, bar_ink, tx + 7 * ui, ty + 1 * ui,
             GUI_LEFT, 0, sd->title);
    struct gui_rates rt;
    gui_rates_at(sd->h, a->t, GUI_RATES_WINDOW, &rt);
    char line[200];
    gui_rates_format(&rt, line, sizeof line);
    float cx = tx + (float) tw + 24 * ui;
    float room = (float) (r->x + r->w) - cx - 6 * ui;
    char *second = NULL;
    if ((float) r->h > 40 * ui) {
        /* Two lines: split at the gap between two counters nearest the
         * middle. */
        size_t len = strlen(line), best = 0;
        for (char *p = strstr(line, "   "); p; p = strstr(p + 3, "   ")) {
            size_t at = (size_t) (p - line);
            size_t off = at > len / 2 ? at - len / 2 : len / 2 - at;
            size_t boff = best > len / 2 ? best - len / 2 : len / 2 - best;
            if (!best || off < boff) {
                best = at;
            }
        }
        if (best) {
            line[best] = '\0';
            second = line + best + 3;
        }
    }
    gui_text(d->font, GUI_SANS, cpx, ink, cx, ty + 3 * ui, GUI_LEFT, room,
             line);
    if (second) {
        gui_text(d->font, GUI_SANS, cpx, ink, cx, ty + 23 * ui, GUI_LEFT,
                 room, second);
    }
    SDL_Color rule = RGB(0x25, 0x2c, 0x34);
    if (r->x > 0) {
        gui_fill(d, (float) r->x - 1, (float) r->y, 2,
                 (float) (sd->view.vp.y + sd->view.vp.h - r->y), rule);
    }
    if (r->y > (int) status_h(a) + 1) {
        gui_fill(d, (float) r->x, (float) r->y - 1, (float) r->w, 2, rule);
    }
}

void
gui_overlay_draw(struct gui_app *a)
{
    struct gui_draw *d = &a->draw;
    if (a->n_sides > 1) {
        for (int s = 0; s < a->n_sides; s++) {
            draw_strip(a, s);
        }
    }
    if (a->lines.n && a->sel_side < a->n_sides) {
        SDL_Rect area;
        gui_overlay_world_area(a, &area);
        gui_inspect_draw(d, &area, &a->lines);
    }
    draw_status(a);
    draw_legend(a);
    draw_timeline(a);
    if (a->help) {
        draw_help(a);
    }
}
