/* gui/app.c: the viewer's state, its controls and the event loop. */
#include "gui/app.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gui/png.h"
#include "gui/track.h"

#define IDLE_HURRY 25.0         /* Speed-up while nothing moves. */

void
gui_app_init(struct gui_app *a, SDL_Renderer *r, struct gui_font *font,
             int w, int h)
{
    memset(a, 0, sizeof *a);
    a->r = r;
    a->font = font;
    gui_draw_init(&a->draw, r, font);
    a->speed = GUI_DEFAULT_SPEED;
    a->skip_idle = true;
    gui_app_resize(a, w, h);
}

/* Lays out every phase of side 'sd' and picks the one of time 't';
 * 'compact' in compare mode. */
static void
side_layout(struct gui_side *sd, vh_time_t t, bool compact)
{
    const struct gui_scene *sc = gui_history_scene(sd->h);
    sd->n_phases = gui_moves_phases(sc, sd->phase_at, GUI_MAX_PHASES);
    for (size_t k = 0; k < sd->n_phases; k++) {
        sd->phase_sc[k] = k ? gui_moves_scene(sc, k) : NULL;
        sd->phase_l[k] = gui_layout_new_for(k ? sd->phase_sc[k] : sc,
                                            sd->expanded, compact);
    }
    sd->phase = gui_moves_phase_at(sd->phase_at, sd->n_phases, t);
    sd->l = sd->phase_l[sd->phase];
}

static void
side_layout_free(struct gui_side *sd)
{
    for (size_t k = 0; k < sd->n_phases; k++) {
        gui_layout_free(sd->phase_l[k]);
        gui_moves_free(sd->phase_sc[k]);
        sd->phase_l[k] = NULL;
        sd->phase_sc[k] = NULL;
    }
    sd->n_phases = 0;
    sd->l = NULL;
}

/* Turns side 'sd' to the phase of time 't'; true if it changed.  (The
 * selection is kept by path, and found again in the new layout.) */
static bool
side_phase(struct gui_side *sd, vh_time_t t)
{
    size_t k = gui_moves_phase_at(sd->phase_at, sd->n_phases, t);
    if (k == sd->phase) {
        return false;
    }
    sd->phase = k;
    sd->l = sd->phase_l[k];
    return true;
}

void
gui_app_free(struct gui_app *a)
{
    for (int s = 0; s < a->n_sides; s++) {
        struct gui_side *sd = &a->side[s];
        side_layout_free(sd);
        gui_frame_free(&sd->frame);
        free(sd->expanded);
        gui_history_free(sd->h);
    }
    gui_lines_free(&a->lines);
    gui_draw_free(&a->draw);
    a->n_sides = 0;
}

/* Viewport of side 's' of 'n' in 'area', in a grid 'cols' wide. */
static SDL_Rect
side_rect(const SDL_Rect *area, int n, int s, int cols)
{
    int rows = (n + cols - 1) / cols;
    int col = s % cols, row = s / cols;
    int w = area->w / cols, h = area->h / rows;
    return (SDL_Rect) { area->x + col * w, area->y + row * h,
                        col == cols - 1 ? area->w - col * w : w,
                        row == rows - 1 ? area->h - row * h : h };
}

/* Height of a side's strip in compare mode, 'w' pixels wide: its title
 * and counters, on two lines when one would not hold them (three
 * variants in a row). */
static int
strip_h(const struct gui_app *a, int w)
{
    if (a->n_sides < 2) {
        return 0;
    }
    return gui_overlay_strip_lines(a, w) > 1 ? (int) (50 * a->draw.ui)
                                             : (int) (30 * a->draw.ui);
}

/* The zoom that shows every side whole in a grid 'cols' wide. */
static float
grid_zoom(const struct gui_app *a, const SDL_Rect *area, int cols)
{
    float z = 1e9f;
    for (int s = 0; s < a->n_sides; s++) {
        struct gui_view v;
        v.vp = side_rect(area, a->n_sides, s, cols);
        int sh = strip_h(a, v.vp.w);
        v.vp.y += sh;
        v.vp.h -= sh;
        gui_view_fit(&v, &a->side[s].l->bounds, 1e9f);
        z = fminf(z, v.zoom);
    }
    return z;
}

static void
place_views(struct gui_app *a)
{
    SDL_Rect area;
    gui_overlay_world_area(a, &area);
    if (a->panel) {
        /* The inspector takes the right of the window, the pictures the
         * rest. */
        area.w -= (int) gui_inspect_width(&a->draw, area.w);
    }
    /* Variants go in a row, a column, or two by two, whichever shows them
     * larger; all at the scale of the smallest, so that the same device
     * is the same size in each and sizes can be compared. */
    int cols = 1;
    float common = 2.0f * a->draw.ui;
    if (a->n_sides > 1) {
        float best = -1;
        for (int c = 1; c <= a->n_sides; c++) {
            if (c > 1 && c < a->n_sides && c != 2) {
                continue;
            }
            float z = grid_zoom(a, &area, c);
            if (z > best) {
                best = z;
                cols = c;
            }
        }
        common = fminf(common, best);
    }
    a->grid_cols = cols;
    a->stacked = a->n_sides > 1 && cols == 1;
    /* Below this the picture's labels would be unreadable on a
     * projector: they keep a floor size, cut to their boxes. */
    a->draw.min_text_px = a->n_sides > 1 ? (int) (11 * a->draw.ui + 0.5f)
                                         : 0;
    for (int s = 0; s < a->n_sides; s++) {
        struct gui_side *sd = &a->side[s];
        SDL_Rect r = side_rect(&area, a->n_sides, s, cols);
        int sh = strip_h(a, r.w);
        sd->strip = (SDL_Rect) { r.x, r.y, r.w, sh };
        r.y += sh;
        r.h -= sh;
        sd->view.vp = r;
        if (!sd->user_view) {
            gui_view_fit(&sd->view, &sd->l->bounds, common);
        }
    }
}

int
gui_app_add_side(struct gui_app *a, struct gui_history *h, const char *title)
{
    if (a->n_sides == GUI_MAX_SIDES) {
        return -1;
    }
    struct gui_side *sd = &a->side[a->n_sides++];
    memset(sd, 0, sizeof *sd);
    sd->h = h;
    const struct gui_scene *sc = gui_history_scene(h);
    sd->expanded = gui_xcalloc(sc->n_devs + 1, 1);
    side_layout(sd, a->t, a->n_sides > 1);
    if (a->n_sides == 2) {
        /* Compare mode from now on: the first side is laid out again,
         * compact like the others. */
        side_layout_free(&a->side[0]);
        side_layout(&a->side[0], a->t, true);
    }
    gui_frame_init(&sd->frame);
    sd->sel_pkt = -1;
    sd->sel_node = -1;
    snprintf(sd->title, sizeof sd->title, "%s", title ? title : sc->variant);
    place_views(a);
    return 0;
}

vh_time_t
gui_app_end(const struct gui_app *a)
{
    /* When every run has ended, the latest end; until then (a live run
     * still going, a recording cut short) the scenario's duration. */
    vh_time_t end = 1;
    for (int s = 0; s < a->n_sides; s++) {
        struct gui_history *h = a->side[s].h;
        vh_time_t ran = gui_history_run_end(h);
        vh_time_t last = gui_history_last_time(h);
        if (!ran) {
            ran = gui_history_scene(h)->duration;
            ran = last > ran ? last : ran;
        }
        end = ran > end ? ran : end;
    }
    return end;
}

void
gui_app_resize(struct gui_app *a, int w, int h)
{
    a->w = w;
    a->h = h;
    a->draw.ui = (float) h / 720.0f;
    if (a->draw.ui < 0.75f) {
        a->draw.ui = 0.75f;
    }
    place_views(a);
}

static struct gui_anim_opts
anim_opts(const struct gui_app *a)
{
    struct gui_anim_opts o;
    o.linger = (vh_time_t) (a->speed * 1.2);
    o.min_move = (vh_time_t) (a->speed * 0.3);
    o.cpu_window = (vh_time_t) (a->speed * 1.0);
    if (o.cpu_window < 100 * VH_NS) {
        o.cpu_window = 100 * VH_NS;
    }
    o.hidden_flows = a->hidden_flows;
    return o;
}

/* The box of the process whose threads switch 'dev' has, or 'other'. */
static int32_t
proc_of(const struct gui_layout *l, int32_t dev, int32_t other)
{
    for (size_t n = 0; n < l->n_nodes; n++) {
        if (l->nodes[n].type == GUI_N_PROC && l->nodes[n].dev == dev) {
            return (int32_t) n;
        }
    }
    return other;
}

/* Finds the selected packet and device again in each side's window. */
static void
resolve_selection(struct gui_app *a)
{
    for (int s = 0; s < a->n_sides; s++) {
        struct gui_side *sd = &a->side[s];
        sd->sel_pkt = -1;
        if (a->has_pkt) {
            if (a->pkt_flow >= 0) {
                sd->sel_pkt = gui_history_find_seq(sd->h, a->pkt_flow,
                                                   a->pkt_seq, a->pkt_reply);
            } else if (s == a->sel_side) {
                sd->sel_pkt = gui_history_find(sd->h, a->pkt_id);
            }
        }
        sd->sel_node = -1;
        if (*a->sel_path) {
            const struct gui_scene *sc = gui_history_scene(sd->h);
            for (size_t i = 0; i < sc->n_devs; i++) {
                if (!strcmp(sc->devs[i].path, a->sel_path)) {
                    sd->sel_node = a->sel_back && sd->l->dev_back[i] >= 0
                                   ? sd->l->dev_back[i] : sd->l->dev_node[i];
                    if (a->sel_proc) {
                        sd->sel_node = proc_of(sd->l, (int32_t) i,
                                               sd->sel_node);
                    }
                    break;
                }
            }
        }
    }
}

static const struct gui_dot *
dot_of(const struct gui_side *sd, int64_t pkt)
{
    for (size_t i = 0; i < sd->frame.n_dots; i++) {
        if ((int64_t) sd->frame.dots[i].pkt == pkt
            && !isnan(sd->frame.dots[i].x)) {
            return &sd->frame.dots[i];
        }
    }
    return NULL;
}

static void
build_inspector(struct gui_app *a)
{
    a->lines.n = 0;
    if (a->sel_side >= a->n_sides) {
        return;
    }
    struct gui_side *sd = &a->side[a->sel_side];
    struct gui_anim_opts o = anim_opts(a);
    if (a->has_pkt && sd->sel_pkt >= 0) {
        gui_inspect_packet(&a->lines, sd->h, (uint32_t) sd->sel_pkt, a->t,
                           o.linger, o.min_move);
    } else if (sd->sel_node >= 0) {
        gui_inspect_node(&a->lines, sd->h, sd->l, &sd->frame, sd->sel_node,
                         a->t);
    }
    if (a->n_sides > 1) {
        gui_inspect_variant(&a->lines, sd->title);
    }
}

int
gui_app_set_time(struct gui_app *a, vh_time_t t)
{
    vh_time_t end = gui_app_end(a);
    a->t = t > end ? end : t;
    struct gui_anim_opts o = anim_opts(a);
    bool moved = false;
    for (int s = 0; s < a->n_sides; s++) {
        moved |= side_phase(&a->side[s], a->t);
    }
    if (moved) {
        /* A host may have grown or shrunk with the guest it gained or
         * lost: the picture is fitted again. */
        place_views(a);
    }
    for (int s = 0; s < a->n_sides; s++) {
        struct gui_side *sd = &a->side[s];
        if (gui_history_seek(sd->h, a->t, GUI_AHEAD)) {
            snprintf(a->err, sizeof a->err, "%s",
                     gui_history_error(sd->h));
            return -1;
        }
        gui_anim_frame(&sd->frame, sd->h, sd->l, a->t, &o);
    }
    if (a->t > gui_app_end(a)) {
        /* Getting there ended a live run earlier than its duration: the
         * timeline now stops at that end, and so does the time. */
        return gui_app_set_time(a, a->t);
    }
    resolve_selection(a);
    if (a->follow) {
        for (int s = 0; s < a->n_sides; s++) {
            struct gui_side *sd = &a->side[s];
            const struct gui_dot *d = sd->sel_pkt >= 0
                                      ? dot_of(sd, sd->sel_pkt) : NULL;
            if (d) {
                float k = a->paused ? 1.0f : 0.25f;
                sd->view.cx += (d->x - sd->view.cx) * k;
                sd->view.cy += (d->y - sd->view.cy) * k;
                sd->user_view = true;
            }
        }
    }
    build_inspector(a);
    bool panel = a->lines.n > 0;
    if (panel != a->panel) {
        a->panel = panel;
        place_views(a);
    }
    return 0;
}

int
gui_app_tick(struct gui_app *a, double wall_s)
{
    if (a->paused) {
        a->idle_now = false;
        return gui_app_set_time(a, a->t);
    }
    bool idle = a->skip_idle;
    for (int s = 0; s < a->n_sides && idle; s++) {
        idle = !a->side[s].frame.moving && !a->side[s].frame.serving;
    }
    a->idle_now = idle;
    double step = a->speed * wall_s * (idle ? IDLE_HURRY : 1.0) + a->t_frac;
    vh_time_t whole = (vh_time_t) step;
    a->t_frac = step - (double) whole;
    vh_time_t end = gui_app_end(a);
    vh_time_t t = a->t + whole;
    if (t >= end) {
        t = end;
        a->paused = true;
    }
    return gui_app_set_time(a, t);
}

void
gui_app_draw(struct gui_app *a)
{
    SDL_SetRenderDrawColor(a->r, 0xfa, 0xfa, 0xf7, 255);
    SDL_RenderClear(a->r);
    a->draw.n_texts = 0;
    a->draw.n_dropped = 0;
    for (int s = 0; s < a->n_sides; s++) {
        struct gui_side *sd = &a->side[s];
        struct gui_highlight hl = { sd->sel_node, sd->sel_pkt, -1, -1 };
        if (sd->sel_pkt >= 0) {
            struct gui_pkt *p = gui_history_packet(sd->h,
                                                   (size_t) sd->sel_pkt);
            struct gui_where w;
            gui_track_at(sd->h, p, a->t, anim_opts(a).linger,
                         anim_opts(a).min_move, &w);
            if (w.state == GUI_W_AT && w.serving) {
                const struct gui_hev *e = gui_history_event(sd->h,
                                                            p->ev[w.serv]);
                if (e->on_cpu && e->dev != GUI_NO_DEV) {
                    hl.core_host = (int32_t) gui_scene_root(
                        gui_history_scene(sd->h), e->dev);
                    hl.core = e->core;
                }
            }
        }
        gui_render_world(&a->draw, &sd->view, sd->l, &sd->frame, sd->h, &hl);
    }
    gui_overlay_draw(a);
    gui_font_end_frame(a->font);
}

static int
side_at(const struct gui_app *a, int x, int y)
{
    for (int s = 0; s < a->n_sides; s++) {
        const SDL_Rect *vp = &a->side[s].view.vp;
        if (x >= vp->x && x < vp->x + vp->w && y >= vp->y
            && y < vp->y + vp->h) {
            return s;
        }
    }
    return 0;
}

static void
step_event(struct gui_app *a, bool forward)
{
    a->paused = true;
    struct gui_side *sd = &a->side[a->sel_side < a->n_sides ? a->sel_side
                                                            : 0];
    vh_time_t t = a->t;
    if (a->has_pkt && sd->sel_pkt >= 0) {
        /* The selected packet's own hops. */
        struct gui_pkt *p = gui_history_packet(sd->h, (size_t) sd->sel_pkt);
        vh_time_t best = t;
        for (uint32_t i = 0; i < p->n_ev; i++) {
            vh_time_t et = gui_history_event(sd->h, p->ev[i])->time;
            if (forward && et > t && (best == t || et < best)) {
                best = et;
            } else if (!forward && et < t && (best == t || et > best)) {
                best = et;
            }
        }
        t = best;
    } else {
        t = forward ? gui_history_next_time(sd->h, t)
                    : gui_history_prev_time(sd->h, t);
    }
    gui_app_set_time(a, t);
}

static void
refit(struct gui_app *a)
{
    for (int s = 0; s < a->n_sides; s++) {
        a->side[s].user_view = false;
    }
    a->follow = false;
    place_views(a);
}

void
gui_app_key(struct gui_app *a, SDL_Keycode key)
{
    switch (key) {
    case SDLK_SPACE:
        a->paused = !a->paused;
        if (!a->paused && a->t >= gui_app_end(a)) {
            gui_app_set_time(a, 0);
        }
        break;
    case SDLK_RIGHT:
        step_event(a, true);
        break;
    case SDLK_LEFT:
        step_event(a, false);
        break;
    case SDLK_PLUS:
    case SDLK_EQUALS:
    case SDLK_KP_PLUS:
        a->speed = fmin(a->speed * 2, 1e12);
        break;
    case SDLK_MINUS:
    case SDLK_KP_MINUS:
        a->speed = fmax(a->speed / 2, 1);
        break;
    case SDLK_f:
        a->follow = a->has_pkt && !a->follow;
        break;
    case SDLK_h:
    case SDLK_F1:
        a->help = !a->help;
        break;
    case SDLK_i:
        a->skip_idle = !a->skip_idle;
        break;
    case SDLK_r:
        refit(a);
        break;
    case SDLK_HOME:
        gui_app_set_time(a, 0);
        break;
    case SDLK_END:
        gui_app_set_time(a, gui_app_end(a));
        break;
    case SDLK_ESCAPE:
        if (a->help) {
            a->help = false;
        } else {
            a->quit = true;
        }
        break;
    case SDLK_q:
        a->quit = true;
        break;
    default:
        if (key >= SDLK_1 && key <= SDLK_9) {
            a->hidden_flows ^= 1u << (key - SDLK_1);
        } else if (key == SDLK_0) {
            a->hidden_flows ^= 1u << 31;
        }
        break;
    }
    gui_app_set_time(a, a->t);
}

void
gui_app_to_screen(const struct gui_app *a, int s, float wx, float wy,
                  float *x, float *y)
{
    *x = gui_view_x(&a->side[s].view, wx);
    *y = gui_view_y(&a->side[s].view, wy);
}

static void
relayout(struct gui_app *a, int s)
{
    struct gui_side *sd = &a->side[s];
    side_layout_free(sd);
    side_layout(sd, a->t, a->n_sides > 1);
    /* Fitted again with the others: in compare mode a group unfolded
     * on one side changes the scale of all, which stays one. */
    place_views(a);
}

void
gui_app_click(struct gui_app *a, int x, int y)
{
    vh_time_t t;
    if (gui_overlay_timeline_hit(a, x, y, &t)) {
        gui_app_set_time(a, t);
        return;
    }
    SDL_Rect area;
    gui_overlay_world_area(a, &area);
    if (y < area.y || y >= area.y + area.h) {
        return;
    }
    int s = side_at(a, x, y);
    struct gui_side *sd = &a->side[s];
    float wx = gui_view_wx(&sd->view, (float) x);
    float wy = gui_view_wy(&sd->view, (float) y);

    /* A packet: the nearest dot within reach. */
    float reach = fmaxf(8.0f, 9 * sd->view.zoom) / sd->view.zoom;
    const struct gui_dot *best = NULL;
    float best_d = reach * reach;
    for (size_t i = 0; i < sd->frame.n_dots; i++) {
        const struct gui_dot *d = &sd->frame.dots[i];
        if (isnan(d->x)) {
            continue;
        }
        float dd = (d->x - wx) * (d->x - wx) + (d->y - wy) * (d->y - wy);
        if (dd <= best_d) {
            best_d = dd;
            best = d;
        }
    }
    a->sel_side = s;
    if (best) {
        const struct gui_pkt *p = gui_history_packet(sd->h, best->pkt);
        a->has_pkt = true;
        a->pkt_flow = p->origin >= 0 ? -1 : p->flow;
        a->pkt_seq = p->seq;
        a->pkt_reply = p->is_reply;
        a->pkt_id = p->id;
        *a->sel_path = '\0';
        gui_app_set_time(a, a->t);
        return;
    }
    a->has_pkt = false;
    a->follow = false;
    int32_t n = gui_layout_hit(sd->l, wx, wy);
    *a->sel_path = '\0';
    if (n >= 0 && (sd->l->nodes[n].type == GUI_N_FOLD
                   || (sd->l->nodes[n].type == GUI_N_BACKEND
                       && sd->l->nodes[n].dev < 0))) {
        const struct gui_node *host = &sd->l->nodes[sd->l->nodes[n].host];
        sd->expanded[host->dev] = !sd->expanded[host->dev];
        relayout(a, s);
    } else if (n >= 0 && sd->l->nodes[n].dev >= 0) {
        snprintf(a->sel_path, sizeof a->sel_path, "%s",
                 gui_history_scene(sd->h)->devs[sd->l->nodes[n].dev].path);
        a->sel_back = sd->l->nodes[n].type == GUI_N_BACKEND;
        a->sel_proc = sd->l->nodes[n].type == GUI_N_PROC;
    }
    gui_app_set_time(a, a->t);
}

void
gui_app_mouse_down(struct gui_app *a, int x, int y)
{
    vh_time_t t;
    a->down_x = a->mx = x;
    a->down_y = a->my = y;
    if (gui_overlay_timeline_hit(a, x, y, &t)) {
        a->drag = 2;
        gui_app_set_time(a, t);
    } else {
        a->drag = 1;
        a->drag_side = side_at(a, x, y);
    }
}

void
gui_app_mouse_move(struct gui_app *a, int x, int y)
{
    if (a->drag == 1 && (abs(x - a->down_x) > 3 || abs(y - a->down_y) > 3)) {
        struct gui_side *sd = &a->side[a->drag_side];
        sd->view.cx -= (float) (x - a->mx) / sd->view.zoom;
        sd->view.cy -= (float) (y - a->my) / sd->view.zoom;
        sd->user_view = true;
        a->follow = false;
    } else if (a->drag == 2) {
        vh_time_t t;
        if (gui_overlay_timeline_hit(a, x, a->h - 1, &t)) {
            gui_app_set_time(a, t);
        }
    }
    a->mx = x;
    a->my = y;
}

void
gui_app_mouse_up(struct gui_app *a, int x, int y)
{
    if (a->drag == 1 && abs(x - a->down_x) <= 3 && abs(y - a->down_y) <= 3) {
        gui_app_click(a, x, y);
    }
    a->drag = 0;
}

void
gui_app_wheel(struct gui_app *a, int x, int y, float steps)
{
    struct gui_side *sd = &a->side[side_at(a, x, y)];
    gui_view_zoom_at(&sd->view, (float) x, (float) y, powf(1.15f, steps));
    sd->user_view = true;
}

uint8_t *
gui_app_pixels(struct gui_app *a)
{
    uint8_t *buf = gui_xmalloc((size_t) a->w * (size_t) a->h * 3);
    if (SDL_RenderReadPixels(a->r, NULL, SDL_PIXELFORMAT_RGB24, buf,
                             a->w * 3)) {
        snprintf(a->err, sizeof a->err, "reading pixels: %s", SDL_GetError());
        free(buf);
        return NULL;
    }
    return buf;
}

int
gui_app_screenshot(struct gui_app *a, vh_time_t t, const char *path)
{
    if (gui_app_set_time(a, t)) {
        return -1;
    }
    gui_app_draw(a);
    uint8_t *px = gui_app_pixels(a);
    if (!px) {
        return -1;
    }
    int rc = gui_png_write(path, px, a->w, a->h, (size_t) a->w * 3, a->err,
                           sizeof a->err);
    free(px);
    return rc;
}

long
gui_app_frames(struct gui_app *a, const char *dir, vh_time_t t0,
               vh_time_t t1, double fps)
{
    if (mkdir(dir, 0777) && errno != EEXIST) {
        snprintf(a->err, sizeof a->err, "cannot create '%s': %s", dir,
                 strerror(errno));
        return -1;
    }
    double step = a->speed / (fps > 0 ? fps : 30);
    if (step < 1) {
        step = 1;
    }
    long n = 0;
    for (double t = (double) t0; t <= (double) t1 + 0.5; t += step) {
        char path[4096];
        snprintf(path, sizeof path, "%s/frame-%05ld.png", dir, n + 1);
        if (gui_app_screenshot(a, (vh_time_t) t, path)) {
            return -1;
        }
        n++;
    }
    return n;
}

void
gui_app_loop(struct gui_app *a, SDL_Window *win)
{
    Uint64 freq = SDL_GetPerformanceFrequency();
    Uint64 last = SDL_GetPerformanceCounter();
    gui_app_set_time(a, a->t);
    while (!a->quit) {
        SDL_Event e;
        while (SDL_PollEvent(&e)) {
            switch (e.type) {
            case SDL_QUIT:
                a->quit = true;
                break;
            case SDL_KEYDOWN:
                gui_app_key(a, e.key.keysym.sym);
                break;
            case SDL_MOUSEBUTTONDOWN:
                if (e.button.button == SDL_BUTTON_LEFT) {
                    gui_app_mouse_down(a, e.button.x, e.button.y);
                }
                break;
            case SDL_MOUSEBUTTONUP:
                if (e.button.button == SDL_BUTTON_LEFT) {
                    gui_app_mouse_up(a, e.button.x, e.button.y);
                }
                break;
            case SDL_MOUSEMOTION:
                gui_app_mouse_move(a, e.motion.x, e.motion.y);
                break;
            case SDL_MOUSEWHEEL: {
                int mx, my;
                SDL_GetMouseState(&mx, &my);
                gui_app_wheel(a, mx, my, e.wheel.preciseY);
                break;
            }
            case SDL_WINDOWEVENT:
                if (e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
                    int w, h;
                    SDL_GetRendererOutputSize(a->r, &w, &h);
                    gui_app_resize(a, w, h);
                }
                break;
            default:
                break;
            }
        }
        Uint64 now = SDL_GetPerformanceCounter();
        double dt = (double) (now - last) / (double) freq;
        last = now;
        if (dt > 0.1) {
            dt = 0.1;           /* After a stall, do not leap ahead. */
        }
        if (gui_app_tick(a, dt)) {
            fprintf(stderr, "vhsim: %s\n", a->err);
            break;
        }
        gui_app_draw(a);
        SDL_RenderPresent(a->r);
        Uint64 spent = SDL_GetPerformanceCounter() - now;
        double ms = 1000.0 * (double) spent / (double) freq;
        if (ms < 15) {
            SDL_Delay((Uint32) (16 - ms));
        }
    }
    (void) win;
}
