/* gui/render.c: panels, boxes, links, dots and CPU bars. */
#include "gui/render.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gui/track.h"
#include "sim/lang.h"

#define RGB(r, g, b) ((SDL_Color) { r, g, b, 255 })

static const SDL_Color flow_palette[] = {
    RGB(0x00, 0x72, 0xb2), RGB(0xe6, 0x9f, 0x00), RGB(0x00, 0x9e, 0x73),
    RGB(0xcc, 0x79, 0xa7), RGB(0xd5, 0x5e, 0x00), RGB(0x56, 0xb4, 0xe9),
    RGB(0x7f, 0x3c, 0x8d), RGB(0x8c, 0x6d, 0x31), RGB(0x1b, 0x78, 0x37),
    RGB(0xe7, 0x29, 0x8a),
};
#define N_FLOW_COLORS (sizeof flow_palette / sizeof *flow_palette)

static const SDL_Color ink = RGB(0x1a, 0x1a, 0x1a);
static const SDL_Color ink_soft = RGB(0x55, 0x60, 0x6c);
static const SDL_Color drop_red = RGB(0xd6, 0x27, 0x28);
static const SDL_Color highlight = RGB(0xff, 0xa8, 0x00);
static const SDL_Color user_ink = RGB(0x86, 0x4a, 0x86);

SDL_Color
gui_slow_color(void)
{
    return RGB(0xa2, 0x3c, 0xa2);
}

SDL_Color
gui_flow_color(int32_t flow)
{
    if (flow < 0) {
        return RGB(0x80, 0x80, 0x80);
    }
    return flow_palette[(size_t) flow % N_FLOW_COLORS];
}

SDL_Color
gui_cat_color(const char *cat)
{
    static const struct {
        const char *name;
        SDL_Color c;
    } cats[] = {
        { "guest", RGB(0x4c, 0x78, 0xa8) },
        { "vmexit", RGB(0xe4, 0x57, 0x56) },
        { "qemu", RGB(0xf5, 0x85, 0x18) },
        { "vhost", RGB(0x72, 0xb7, 0xb2) },
        { "softirq", RGB(0x54, 0xa2, 0x4b) },
        { "irq", RGB(0xee, 0xca, 0x3b) },
        { "vswitch", RGB(0xb2, 0x79, 0xa2) },
        { "poll", RGB(0xff, 0x9d, 0xa6) },
        { "app", RGB(0x9d, 0x75, 0x5d) },
    };
    for (size_t i = 0; i < sizeof cats / sizeof *cats; i++) {
        if (!strcmp(cats[i].name, cat)) {
            return cats[i].c;
        }
    }
    return RGB(0xba, 0xb0, 0xac);
}

/* Dot sprites, one texture per colour, size and style, so that thousands
 * of dots are plain unscaled copies. */
struct sprite {
    uint32_t rgba;
    int size, style;
    SDL_Texture *tex;
};

struct sprites {
    struct sprite v[96];
    size_t n;
};

void
gui_draw_init(struct gui_draw *d, SDL_Renderer *r, struct gui_font *font)
{
    memset(d, 0, sizeof *d);
    d->r = r;
    d->font = font;
    d->ui = 1;
    d->sprites = gui_xcalloc(1, sizeof(struct sprites));
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
}

static void
sprites_clear(struct sprites *s)
{
    for (size_t i = 0; i < s->n; i++) {
        SDL_DestroyTexture(s->v[i].tex);
    }
    s->n = 0;
}

void
gui_draw_free(struct gui_draw *d)
{
    if (d->sprites) {
        sprites_clear(d->sprites);
        free(d->sprites);
    }
    d->sprites = NULL;
}

static SDL_Texture *
make_sprite(SDL_Renderer *r, int size, SDL_Color c, int style)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, size, size, 32,
                                                    SDL_PIXELFORMAT_ARGB8888);
    if (!s) {
        return NULL;
    }
    float rad = (float) size / 2;
    float ring = fmaxf(1.5f, (float) size / 5);
    uint32_t *px = s->pixels;
    for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
            float dx = (float) x + 0.5f - rad, dy = (float) y + 0.5f - rad;
            float dist = sqrtf(dx * dx + dy * dy);
            float cover = fminf(1, fmaxf(0, rad - dist + 0.5f));
            SDL_Color k = c;
            if (style == GUI_DOT_RINGED && dist > rad - ring) {
                k = RGB(0x10, 0x10, 0x10);
            } else if (style == GUI_DOT_HOLLOW && dist < rad - ring) {
                k = RGB(0xff, 0xff, 0xff);
            }
            uint32_t a = (uint32_t) (cover * 255 + 0.5f);
            px[y * (s->pitch / 4) + x] = a << 24 | (uint32_t) k.r << 16
                                         | (uint32_t) k.g << 8 | k.b;
        }
    }
    SDL_Texture *t = SDL_CreateTextureFromSurface(r, s);
    SDL_FreeSurface(s);
    if (t) {
        SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
    }
    return t;
}

void
gui_dot(struct gui_draw *d, float x, float y, int size, SDL_Color c,
        int style)
{
    struct sprites *s = d->sprites;
    uint32_t rgba = (uint32_t) c.r << 24 | (uint32_t) c.g << 16
                    | (uint32_t) c.b << 8 | c.a;
    SDL_Texture *tex = NULL;
    for (size_t i = 0; i < s->n; i++) {
        if (s->v[i].rgba == rgba && s->v[i].size == size
            && s->v[i].style == style) {
            tex = s->v[i].tex;
            break;
        }
    }
    if (!tex) {
        if (s->n == sizeof s->v / sizeof *s->v) {
            sprites_clear(s);
        }
        tex = make_sprite(d->r, size, c, style);
        if (!tex) {
            return;
        }
        s->v[s->n++] = (struct sprite) { rgba, size, style, tex };
    }
    SDL_Rect dst = { (int) lroundf(x - (float) size / 2),
                     (int) lroundf(y - (float) size / 2), size, size };
    SDL_RenderCopy(d->r, tex, NULL, &dst);
}

void
gui_fill(struct gui_draw *d, float x, float y, float w, float h, SDL_Color c)
{
    SDL_SetRenderDrawColor(d->r, c.r, c.g, c.b, c.a);
    SDL_FRect r = { x, y, w, h };
    SDL_RenderFillRectF(d->r, &r);
}

void
gui_frame_rect(struct gui_draw *d, float x, float y, float w, float h,
               float t, SDL_Color c)
{
    if (t < 1) {
        t = 1;
    }
    gui_fill(d, x, y, w, t, c);
    gui_fill(d, x, y + h - t, w, t, c);
    gui_fill(d, x, y + t, t, h - 2 * t, c);
    gui_fill(d, x + w - t, y + t, t, h - 2 * t, c);
}

void
gui_line(struct gui_draw *d, float x0, float y0, float x1, float y1, float t,
         SDL_Color c)
{
    if (t < 1) {
        t = 1;
    }
    if (fabsf(x0 - x1) < 0.01f || fabsf(y0 - y1) < 0.01f) {
        float x = fminf(x0, x1), y = fminf(y0, y1);
        float w = fabsf(x1 - x0), h = fabsf(y1 - y0);
        if (w < 0.01f) {
            gui_fill(d, x - t / 2, y - t / 2, t, h + t, c);
        } else {
            gui_fill(d, x - t / 2, y - t / 2, w + t, t, c);
        }
        return;
    }
    float dx = x1 - x0, dy = y1 - y0, len = hypotf(dx, dy);
    float nx = -dy / len * t / 2, ny = dx / len * t / 2;
    SDL_Vertex v[4];
    float xs[4] = { x0 + nx, x0 - nx, x1 - nx, x1 + nx };
    float ys[4] = { y0 + ny, y0 - ny, y1 - ny, y1 + ny };
    for (int i = 0; i < 4; i++) {
        v[i].position = (SDL_FPoint) { xs[i], ys[i] };
        v[i].color = c;
        v[i].tex_coord = (SDL_FPoint) { 0, 0 };
    }
    int idx[6] = { 0, 1, 2, 0, 2, 3 };
    SDL_RenderGeometry(d->r, NULL, v, 4, idx, 6);
}

/* Colours of a node by type: fill, border. */
static void
node_colors(enum gui_node_type t, SDL_Color *fill, SDL_Color *border)
{
    switch (t) {
    case GUI_N_GUEST:
        *fill = RGB(0xff, 0xff, 0xff);
        *border = RGB(0x3d, 0x5f, 0x86);
        break;
    case GUI_N_PORT:
        *fill = RGB(0xf2, 0xf6, 0xfb);
        *border = RGB(0x3d, 0x5f, 0x86);
        break;
    case GUI_N_BACKEND:
        *fill = RGB(0xff, 0xf6, 0xe6);
        *border = RGB(0xa8, 0x74, 0x2c);
        break;
    case GUI_N_MID:
        *fill = RGB(0xf3, 0xfa, 0xf0);
        *border = RGB(0x3f, 0x7f, 0x3f);
        break;
    case GUI_N_HW:
        *fill = RGB(0xf3, 0xf1, 0xfb);
        *border = RGB(0x5e, 0x4f, 0x9a);
        break;
    case GUI_N_SWITCH:
    case GUI_N_OTHER:
        *fill = RGB(0xf1, 0xf1, 0xef);
        *border = RGB(0x50, 0x50, 0x50);
        break;
    case GUI_N_FOLD:
        *fill = RGB(0xfb, 0xfb, 0xfb);
        *border = RGB(0x8a, 0x8a, 0x8a);
        break;
    case GUI_N_PROC:
        *fill = RGB(0xfd, 0xf9, 0xfd);
        *border = user_ink;
        break;
    case GUI_N_THREAD:
        *fill = RGB(0xff, 0xff, 0xff);
        *border = user_ink;
        break;
    case GUI_N_QUEUE:
        *fill = RGB(0xff, 0xff, 0xff);
        *border = RGB(0x8f, 0x83, 0xc2);
        break;
    case GUI_N_IOMMU:
        *fill = RGB(0xf3, 0xf1, 0xfb);
        *border = RGB(0x5e, 0x4f, 0x9a);
        break;
    case GUI_N_HOST:
    case GUI_N_CPU:
        *fill = RGB(0xff, 0xff, 0xff);
        *border = RGB(0x90, 0x90, 0x90);
        break;
    }
}

static SDL_Color
band_color(const char *caption)
{
    if (!strcmp(caption, "guests") || strstr(caption, "containers")) {
        return RGB(0xe4, 0xee, 0xf8);
    }
    if (!strcmp(caption, "hypervisor")) {
        return RGB(0xf8, 0xee, 0xdf);
    }
    if (!strcmp(caption, "host kernel")) {
        return RGB(0xe7, 0xf2, 0xe3);
    }
    if (!strcmp(caption, gui_band_user)) {
        return RGB(0xf4, 0xea, 0xf4);
    }
    return RGB(0xec, 0xe9, 0xf5);
}

struct ctx {
    struct gui_draw *d;
    const struct gui_view *v;
    struct gui_layout *l;
    float z;                    /* Zoom. */
};

static float
sx(const struct ctx *c, float x)
{
    return gui_view_x(c->v, x);
}

static float
sy(const struct ctx *c, float y)
{
    return gui_view_y(c->v, y);
}

static int
px(const struct ctx *c, float units)
{
    return (int) lroundf(units * c->z);
}

static void
world_box(const struct ctx *c, const struct gui_box *b, SDL_Color fill,
          SDL_Color border, float thick)
{
    float x = sx(c, b->x), y = sy(c, b->y);
    float w = b->w * c->z, h = b->h * c->z;
    gui_fill(c->d, x, y, w, h, fill);
    gui_frame_rect(c->d, x, y, w, h, fmaxf(1, thick * c->z), border);
}

static void
world_text(const struct ctx *c, enum gui_font_style st, float units,
           SDL_Color col, float x, float y, enum gui_align al, float max_w,
           const char *s)
{
    /* The layout's labels are English (tests and the inspector match
     * them); they are put in the reader's language only when drawn. */
    int size = px(c, units);
    if (size < c->d->min_text_px) {
        /* Too small to read: a name is drawn at the floor size; the grey
         * second lines (kinds, captions, core numbers) are left out, as
         * at the floor they would run into the names. */
        if (col.r == ink_soft.r && col.g == ink_soft.g && col.b == ink_soft.b) {
            return;
        }
        size = c->d->min_text_px;
    }
    gui_text(c->d->font, st, size, col, sx(c, x), sy(c, y), al,
             max_w * c->z, vh_tr(s));
}

/* Units at the bottom of a box taken by its queue lane. */
#define LANE_UNITS 13.0f
/* A switching device with ports along its top writes its name and kind
 * under them, from this far below its top (world units): its ports' row
 * (38) and a gap. */
#define PORT_ROW_UNITS 44.0f

static bool
is_soft(SDL_Color col)
{
    return col.r == ink_soft.r && col.g == ink_soft.g && col.b == ink_soft.b;
}

/* The label of node 'node', as world_text() draws it; but while labels
 * have a floor size (compare mode, the picture small) it must stay
 * whole inside 'room', the part of the node's box that is free for it.
 * It is drawn at its size or, when that is under the floor, at the
 * floor; if it is then too wide or too tall for its room it is tried a
 * pixel smaller down to the floor, moved up or aside within the room,
 * and at last left out: a reader can click the box for its name, while a
 * name cut to "vh..." or running over its neighbours tells nothing. */
static void
box_text(const struct ctx *c, enum gui_font_style st, float units,
         SDL_Color col, float x, float y, enum gui_align al, float max_w,
         const char *s, const struct gui_box *room, int32_t node)
{
    struct gui_draw *d = c->d;
    int floor = d->min_text_px;
    if (floor <= 0 || !*s) {
        world_text(c, st, units, col, x, y, al, max_w, s);
        return;
    }
    int size = px(c, units);
    if (size < floor && is_soft(col)) {
        return;                 /* A grey second line: detail. */
    }
    size = size < floor ? floor : size;
    const char *t = vh_tr(s);
    float ax = sx(c, room->x), ay = sy(c, room->y);
    float aw = room->w * c->z, ah = room->h * c->z;
    float limit = max_w > 0 && max_w * c->z < aw ? max_w * c->z : aw;
    int w, h;
    for (;;) {
        gui_text_size(d->font, st, size, t, &w, &h);
        if ((float) w <= limit && (float) h <= ah) {
            break;
        }
        if (size <= floor) {
            d->n_dropped++;
            return;
        }
        size--;
    }
    float tx = sx(c, x) - (al == GUI_CENTER ? (float) w / 2
                           : al == GUI_RIGHT ? (float) w : 0);
    tx = fmaxf(ax, fminf(tx, ax + aw - (float) w));
    float ty = fmaxf(ay, fminf(sy(c, y), ay + ah - (float) h));
    gui_text(d->font, st, size, col, tx, ty, GUI_LEFT, 0, t);
    if (d->n_texts < GUI_MAX_TEXTS) {
        d->texts[d->n_texts++] = (struct gui_text_rect) {
            tx, ty, (float) w, (float) h, ax, ay, aw, ah, node };
    }
}

/* The index of node 'n' in its layout. */
static int32_t
node_index(const struct ctx *c, const struct gui_node *n)
{
    return (int32_t) (n - c->l->nodes);
}

/* The free part of node 'i''s box from 'top' down: to its queue lane,
 * or to the first box inside it below 'top' (a guest's NICs, a NIC's
 * receive queues). */
static struct gui_box
room_from(const struct ctx *c, int32_t i, float top, bool lane)
{
    const struct gui_layout *l = c->l;
    const struct gui_box *b = &l->nodes[i].box;
    float bottom = b->y + b->h - (lane ? LANE_UNITS : 0);
    for (size_t j = (size_t) i + 1; j < l->n_nodes; j++) {
        const struct gui_node *k = &l->nodes[j];
        if (k->parent == i && k->box.y >= top && k->box.y < bottom) {
            bottom = k->box.y;
        }
    }
    return (struct gui_box) { b->x + 1, top, b->w - 2,
                              bottom > top ? bottom - top : 0 };
}

static void
draw_hosts(const struct ctx *c)
{
    const struct gui_layout *l = c->l;
    for (size_t i = 0; i < l->n_nodes; i++) {
        const struct gui_node *n = &l->nodes[i];
        if (n->type != GUI_N_HOST) {
            continue;
        }
        world_box(c, &n->box, RGB(0xf6, 0xf8, 0xfa), RGB(0x7d, 0x90, 0xa6),
                  2);
        float th = l->title_h;
        struct gui_box title = { n->box.x, n->box.y, n->box.w, th };
        world_box(c, &title, RGB(0xd3, 0xdf, 0xeb), RGB(0x7d, 0x90, 0xa6),
                  2);
        struct gui_box name = { n->box.x + 4, n->box.y, n->box.w * 0.62f,
                                th };
        struct gui_box kind = { n->box.x + n->box.w * 0.63f, n->box.y,
                                n->box.w * 0.37f - 4, th };
        box_text(c, GUI_BOLD, 17, ink, n->box.x + 10, n->box.y + 5,
                 GUI_LEFT, n->box.w * 0.6f, n->label, &name,
                 node_index(c, n));
        box_text(c, GUI_SANS, 12, ink_soft, n->box.x + n->box.w - 10,
                 n->box.y + 8, GUI_RIGHT, n->box.w * 0.35f, n->sub, &kind,
                 node_index(c, n));
    }
    /* Bands: a tinted stripe and a caption on the left. */
    for (size_t i = 0; i < l->n_bands; i++) {
        const struct gui_band *b = &l->bands[i];
        const struct gui_box *hb = &l->nodes[b->host].box;
        float right = hb->x + hb->w - 6;
        for (size_t k = 0; k < l->n_nodes; k++) {
            if (l->nodes[k].type == GUI_N_CPU && l->nodes[k].host == b->host) {
                right = l->nodes[k].box.x - 8;
            }
        }
        struct gui_box sb = { hb->x + 6, b->y0 - 8, right - hb->x - 6,
                              b->y1 - b->y0 + 16 };
        gui_fill(c->d, sx(c, sb.x), sy(c, sb.y), sb.w * c->z, sb.h * c->z,
                 band_color(b->caption));
        if (l->compact) {
            continue;           /* No column for captions. */
        }
        /* A caption of two lines ("VMs and\ncontainers") is centred as
         * one. */
        const char *nl = strchr(b->caption, '\n');
        float ty = (b->y0 + b->y1) / 2 - 8;
        if (nl) {
            char first[32];
            snprintf(first, sizeof first, "%.*s", (int) (nl - b->caption),
                     b->caption);
            world_text(c, GUI_SANS, 12, ink_soft, hb->x + 12, ty - 8,
                       GUI_LEFT, 80, first);
            world_text(c, GUI_SANS, 12, ink_soft, hb->x + 12, ty + 8,
                       GUI_LEFT, 80, nl + 1);
        } else {
            world_text(c, GUI_SANS, 12, ink_soft, hb->x + 12, ty, GUI_LEFT,
                       80, b->caption);
        }
    }
    /* Processes in user space hold their threads, and the lines up to
     * the threads run inside them: drawn here, before the lines. */
    for (size_t i = 0; i < l->n_nodes; i++) {
        const struct gui_node *n = &l->nodes[i];
        if (n->type != GUI_N_PROC) {
            continue;
        }
        SDL_Color fill, border;
        node_colors(n->type, &fill, &border);
        world_box(c, &n->box, fill, border, 2);
        struct gui_box name = { n->box.x + 2, n->box.y, n->box.w * 0.61f,
                                24 };
        struct gui_box kind = { n->box.x + n->box.w * 0.62f, n->box.y,
                                n->box.w * 0.38f - 2, 24 };
        box_text(c, GUI_BOLD, 13, user_ink, n->box.x + 8, n->box.y + 4,
                 GUI_LEFT, n->box.w * 0.6f, n->label, &name,
                 node_index(c, n));
        box_text(c, GUI_SANS, 11, ink_soft, n->box.x + n->box.w - 8,
                 n->box.y + 6, GUI_RIGHT, n->box.w * 0.38f, n->sub, &kind,
                 node_index(c, n));
    }
}

/* True if the scenario's events have taken device 'dev''s link down by
 * time 't' (and not up again). */
static bool
link_down(const struct gui_scene *sc, int32_t dev, vh_time_t t)
{
    if (dev < 0) {
        return false;
    }
    bool down = false;
    vh_time_t last = 0;
    for (size_t i = 0; i < sc->n_marks; i++) {
        const struct gui_mark *m = &sc->marks[i];
        if (m->at > t || m->at < last || strcmp(m->target,
                                                sc->devs[dev].path)) {
            continue;
        }
        if (!strcmp(m->action, "link-down")) {
            down = true;
            last = m->at;
        } else if (!strcmp(m->action, "link-up")) {
            down = false;
            last = m->at;
        }
    }
    return down;
}

/* A line drawn in dashes. */
static void
dashed(struct gui_draw *d, float x0, float y0, float x1, float y1, float t,
       float dash, SDL_Color col)
{
    float len = hypotf(x1 - x0, y1 - y0);
    if (len < 1) {
        return;
    }
    for (float u = 0; u < len; u += 2 * dash) {
        float v = fminf(u + dash, len);
        gui_line(d, x0 + (x1 - x0) * u / len, y0 + (y1 - y0) * u / len,
                 x0 + (x1 - x0) * v / len, y0 + (y1 - y0) * v / len, t, col);
    }
}

static void
draw_routes(const struct ctx *c, const struct gui_scene *sc, vh_time_t now)
{
    const struct gui_layout *l = c->l;
    for (size_t i = 0; i < l->n_routes; i++) {
        const struct gui_route *r = &l->routes[i];
        SDL_Color col = r->cable ? RGB(0x33, 0x33, 0x33)
                                 : RGB(0x86, 0x8e, 0x96);
        float t = fmaxf(1, (r->cable ? 3.5f : 2.0f) * c->z);
        /* A cable taken down by a scenario event: red dashes. */
        bool down = r->cable && (link_down(sc, l->nodes[r->a].dev, now)
                                 || link_down(sc, l->nodes[r->b].dev, now));
        if (r->upcall) {
            /* Up to user space: the slow path. */
            col = gui_slow_color();
            col.a = 150;
        }
        for (uint32_t p = 1; p < r->n; p++) {
            float ax = sx(c, r->pts[p - 1][0]), ay = sy(c, r->pts[p - 1][1]);
            float bx = sx(c, r->pts[p][0]), by = sy(c, r->pts[p][1]);
            if (r->upcall || r->control) {
                dashed(c->d, ax, ay, bx, by, t, fmaxf(3, 5 * c->z), col);
            } else if (down) {
                dashed(c->d, ax, ay, bx, by, t, fmaxf(4, 8 * c->z), drop_red);
            } else {
                gui_line(c->d, ax, ay, bx, by, t, col);
            }
        }
    }
}

static int
host_index(const struct gui_scene *sc, int32_t dev)
{
    for (size_t i = 0; i < sc->n_hosts; i++) {
        if ((int32_t) sc->hosts[i].dev == dev) {
            return (int) i;
        }
    }
    return -1;
}

static void
draw_cpu(const struct ctx *c, const struct gui_node *n,
         const struct gui_frame *f, struct gui_history *h,
         const struct gui_highlight *hl)
{
    const struct gui_scene *sc = gui_history_scene(h);
    world_box(c, &n->box, RGB(0xff, 0xff, 0xff), RGB(0x98, 0x98, 0x98), 1);
    char head[48];
    int total = gui_scene_host_cores(sc, (uint32_t) n->dev);
    snprintf(head, sizeof head, total > 32 ? vh_tr("CPU cores (32 of %d)")
                                           : vh_tr("CPU cores"), total);
    struct gui_box room = { n->box.x + 1, n->box.y, n->box.w - 2, 24 };
    box_text(c, GUI_BOLD, 12, ink, n->box.x + 8, n->box.y + 5, GUI_LEFT,
             n->box.w - 12, head, &room, node_index(c, n));
    int hi = host_index(sc, n->dev);
    if (hi < 0 || (size_t) hi >= f->n_hosts) {
        return;
    }
    const uint64_t *busy = f->cpu;
    for (int i = 0; i < hi; i++) {
        busy += (size_t) f->cores[i] * GUI_MAX_CATS;
    }
    int cores = f->cores[hi];
    int bars = cores > 32 ? 32 : cores;
    float bx = n->box.x + 24, bw = n->box.w - 32, top = n->box.y + 24;
    for (int k = 0; k < bars; k++) {
        float y = top + (float) k * 12;
        gui_fill(c->d, sx(c, bx), sy(c, y), bw * c->z, 9 * c->z,
                 RGB(0xec, 0xec, 0xec));
        float x = bx;
        for (size_t cat = 0; cat < sc->n_cats && cat < GUI_MAX_CATS; cat++) {
            uint64_t b = busy[(size_t) k * GUI_MAX_CATS + cat];
            if (!b || !f->cpu_window) {
                continue;
            }
            float share = (float) ((double) b / (double) f->cpu_window);
            float w = fminf(share, (bx + bw - x) / bw) * bw;
            gui_fill(c->d, sx(c, x), sy(c, y), w * c->z, 9 * c->z,
                     gui_cat_color(sc->cats[cat]));
            x += w;
        }
        if (hl->core_host == n->dev && hl->core == k) {
            gui_frame_rect(c->d, sx(c, bx - 2), sy(c, y - 2),
                           (bw + 4) * c->z, 13 * c->z, fmaxf(2, 1.5f * c->z),
                           ink);
        }
        char num[16];
        snprintf(num, sizeof num, "%d", k);
        world_text(c, GUI_SANS, 9, ink_soft, bx - 4, y - 1, GUI_RIGHT, 0,
                   num);
    }
}

/* A receive queue: its name, where its interrupt goes, and a bar that
 * fills with the frames written to it and not yet polled (full at 8),
 * in the colour of the flow of the latest: where RSS or VMDq put it. */
static void
draw_queue(const struct ctx *c, const struct gui_node *n,
           const struct gui_frame *f, size_t i)
{
    const struct gui_box *b = &n->box;
    float maxw = b->w - 4;
    struct gui_box room = { b->x + 1, b->y, b->w - 2, b->h - 8 };
    box_text(c, GUI_SANS, 10, ink, b->x + b->w / 2, b->y + 1, GUI_CENTER,
             maxw, n->label, &room, node_index(c, n));
    char sub[48];
    if (!strncmp(n->sub, "core ", 5)) {
        snprintf(sub, sizeof sub, vh_tr("core %s"), n->sub + 5);
    } else {
        snprintf(sub, sizeof sub, "%s", vh_tr(n->sub));
    }
    struct gui_box below = { b->x + 1, b->y + 12, b->w - 2, b->h - 20 };
    box_text(c, GUI_SANS, 9, ink_soft, b->x + b->w / 2, b->y + 12,
             GUI_CENTER, maxw, sub, &below, node_index(c, n));
    uint32_t k = i < f->n_nodes ? f->rxq[i] : 0;
    float bw = b->w - 6;
    gui_fill(c->d, sx(c, b->x + 3), sy(c, b->y + b->h - 7), bw * c->z,
             4 * c->z, RGB(0xe2, 0xe4, 0xe6));
    if (k) {
        float share = k >= 8 ? 1.0f : (float) k / 8.0f;
        gui_fill(c->d, sx(c, b->x + 3), sy(c, b->y + b->h - 7),
                 bw * share * c->z, 4 * c->z,
                 gui_flow_color(f->rxq_flow[i]));
    }
}

/* The IOMMU: its domains, each with the PCIe functions whose requester
 * IDs it maps, and the IOTLB's hits and misses (page walks) from the
 * start of the run to now, as the report counts them at the end. */
static void
draw_iommu(const struct ctx *c, const struct gui_node *n,
           const struct gui_frame *f, struct gui_history *h)
{
    const struct gui_scene *sc = gui_history_scene(h);
    const struct gui_box *b = &n->box;
    float maxw = b->w - 12;
    struct gui_box room = { b->x + 1, b->y, b->w - 2, 24 };
    box_text(c, GUI_BOLD, 14, ink, b->x + b->w / 2, b->y + 4, GUI_CENTER,
             maxw, n->label, &room, node_index(c, n));
    if (px(c, 11) < c->d->min_text_px) {
        return;                 /* Domains and IOTLB: detail, too small. */
    }
    const char *note = gui_scene_host_iommu(sc, (uint32_t) n->dev);
    float y = b->y + 24;
    for (const char *p = note; p && *p;) {
        size_t len = strcspn(p, ";");
        size_t colon = strcspn(p, ":");
        char line[160], who[64];
        snprintf(who, sizeof who, "%.*s", (int) (colon < len ? colon : len),
                 p);
        const char *fns = colon < len ? p + colon + 1 : "";
        int nf = colon < len ? (int) (len - colon - 1) : 0;
        if (!strcmp(who, "identity")) {
            snprintf(line, sizeof line, vh_tr("identity: %.*s"), nf, fns);
        } else {
            snprintf(line, sizeof line, vh_tr("domain %s: %.*s"), who, nf,
                     fns);
        }
        gui_text(c->d->font, GUI_SANS, px(c, 11), ink, sx(c, b->x + 6),
                 sy(c, y), GUI_LEFT, maxw * c->z, line);
        y += 15;
        p += len + (p[len] == ';');
    }
    uint64_t hits, misses;
    gui_iommu_counts(h, (uint32_t) n->dev, f->t, &hits, &misses);
    char line[96];
    snprintf(line, sizeof line, vh_tr("IOTLB: %llu hits, %llu misses"),
             (unsigned long long) hits, (unsigned long long) misses);
    gui_text(c->d->font, GUI_SANS, px(c, 11), ink,
             sx(c, b->x + 6), sy(c, y), GUI_LEFT, maxw * c->z, line);
}

static void
draw_nodes(const struct ctx *c, const struct gui_frame *f,
           struct gui_history *h, const struct gui_highlight *hl)
{
    const struct gui_layout *l = c->l;
    for (size_t i = 0; i < l->n_nodes; i++) {
        const struct gui_node *n = &l->nodes[i];
        if (n->type == GUI_N_HOST || n->type == GUI_N_PROC) {
            continue;           /* Drawn with the panels. */
        }
        if (n->type == GUI_N_CPU) {
            draw_cpu(c, n, f, h, hl);
            continue;
        }
        if (n->type == GUI_N_QUEUE || n->type == GUI_N_IOMMU) {
            SDL_Color fill, border;
            node_colors(n->type, &fill, &border);
            world_box(c, &n->box, fill, border, 1.5f);
            if (n->type == GUI_N_QUEUE) {
                draw_queue(c, n, f, i);
            } else {
                draw_iommu(c, n, f, h);
            }
            if ((int32_t) i == hl->node) {
                const struct gui_box *b = &n->box;
                gui_frame_rect(c->d, sx(c, b->x - 3), sy(c, b->y - 3),
                               (b->w + 6) * c->z, (b->h + 6) * c->z,
                               fmaxf(2, 3 * c->z), highlight);
            }
            continue;
        }
        SDL_Color fill, border;
        node_colors(n->type, &fill, &border);
        world_box(c, &n->box, fill, border, n->type == GUI_N_PORT ? 1.5f : 2);
        const struct gui_box *b = &n->box;
        /* Has ports along its top? Then the label goes under them. */
        bool ported = i + 1 < l->n_nodes && l->nodes[i + 1].parent
                      == (int32_t) i && l->nodes[i + 1].type == GUI_N_PORT
                      && n->type != GUI_N_GUEST;
        float ly = b->y + (ported ? PORT_ROW_UNITS + 4 : 5);
        float maxw = b->w - 8;
        switch (n->type) {
        case GUI_N_GUEST: {
            struct gui_box name = room_from(c, (int32_t) i, b->y, false);
            struct gui_box kind = room_from(c, (int32_t) i, b->y + 34, false);
            box_text(c, GUI_BOLD, 15, ink, b->x + b->w / 2, b->y + 5,
                     GUI_CENTER, maxw, n->label, &name, (int32_t) i);
            box_text(c, GUI_SANS, 11, ink_soft, b->x + b->w / 2, b->y + 34,
                     GUI_CENTER, maxw, n->sub, &kind, (int32_t) i);
            break;
        }
        case GUI_N_PORT: {
            struct gui_box name = room_from(c, (int32_t) i, b->y, true);
            box_text(c, GUI_SANS, 13, ink, b->x + b->w / 2, b->y + 5,
                     GUI_CENTER, maxw, n->label, &name, (int32_t) i);
            break;
        }
        case GUI_N_FOLD: {
            struct gui_box name = room_from(c, (int32_t) i, b->y, true);
            struct gui_box kind = room_from(c, (int32_t) i, b->y + 34, true);
            box_text(c, GUI_BOLD, 15, ink, b->x + b->w / 2, b->y + 14,
                     GUI_CENTER, maxw, n->label, &name, (int32_t) i);
            box_text(c, GUI_SANS, 11, ink_soft, b->x + b->w / 2, b->y + 36,
                     GUI_CENTER, maxw, n->sub, &kind, (int32_t) i);
            break;
        }
        case GUI_N_BACKEND: {
            /* "vhost-user" is a word too long for the box at 12: a
             * smaller size rather than "vhost-u...". */
            int tw, th;
            gui_text_size(c->d->font, GUI_BOLD, px(c, 12), vh_tr(n->label),
                          &tw, &th);
            struct gui_box name = room_from(c, (int32_t) i, b->y, true);
            struct gui_box kind = room_from(c, (int32_t) i, b->y + 19, true);
            box_text(c, GUI_BOLD, (float) tw > maxw * c->z ? 10 : 12, ink,
                     b->x + b->w / 2, b->y + 3, GUI_CENTER, maxw, n->label,
                     &name, (int32_t) i);
            box_text(c, GUI_SANS, 10, ink_soft, b->x + b->w / 2, b->y + 19,
                     GUI_CENTER, maxw, n->sub, &kind, (int32_t) i);
            break;
        }
        case GUI_N_THREAD: {
            /* A folded box says how many threads it stands for. */
            struct gui_box name = room_from(c, (int32_t) i, b->y, true);
            struct gui_box kind = room_from(c, (int32_t) i, b->y + 15, true);
            box_text(c, GUI_SANS, 12, ink, b->x + b->w / 2,
                     b->y + (*n->sub ? 2 : 7), GUI_CENTER, maxw, n->label,
                     &name, (int32_t) i);
            box_text(c, GUI_SANS, 10, ink_soft, b->x + b->w / 2, b->y + 15,
                     GUI_CENTER, maxw, n->sub, &kind, (int32_t) i);
            break;
        }
        case GUI_N_QUEUE:
        case GUI_N_IOMMU:
        case GUI_N_PROC:
        case GUI_N_HOST:
        case GUI_N_MID:
        case GUI_N_HW:
        case GUI_N_SWITCH:
        case GUI_N_OTHER:
        case GUI_N_CPU: {
            struct gui_box name = room_from(c, (int32_t) i, ly - 3, true);
            struct gui_box kind = room_from(c, (int32_t) i, ly + 17, true);
            box_text(c, GUI_BOLD, 14, ink, b->x + b->w / 2, ly,
                     GUI_CENTER, maxw, n->label, &name, (int32_t) i);
            box_text(c, GUI_SANS, 11, ink_soft, b->x + b->w / 2, ly + 17,
                     GUI_CENTER, maxw, n->sub, &kind, (int32_t) i);
            break;
        }
        }
        if (n->type != GUI_N_GUEST) {
            /* The queue lane: where waiting packets line up. */
            gui_fill(c->d, sx(c, b->x + 2), sy(c, b->y + b->h - 13),
                     (b->w - 4) * c->z, 11 * c->z, RGB(0xe2, 0xe4, 0xe6));
            gui_fill(c->d, sx(c, b->x + 2), sy(c, b->y + b->h - 13),
                     (b->w - 4) * c->z, fmaxf(1, 0.8f * c->z),
                     RGB(0xc4, 0xc8, 0xcc));
        }
        if ((int32_t) i == hl->node) {
            gui_frame_rect(c->d, sx(c, b->x - 3), sy(c, b->y - 3),
                           (b->w + 6) * c->z, (b->h + 6) * c->z,
                           fmaxf(2, 3 * c->z), highlight);
        }
    }
    if (hl->node >= 0 && (l->nodes[hl->node].type == GUI_N_HOST
                          || l->nodes[hl->node].type == GUI_N_PROC)) {
        const struct gui_box *b = &l->nodes[hl->node].box;
        gui_frame_rect(c->d, sx(c, b->x - 3), sy(c, b->y - 3),
                       (b->w + 6) * c->z, (b->h + 6) * c->z,
                       fmaxf(2, 3 * c->z), highlight);
    }
}

static int
dot_size(const struct ctx *c)
{
    int s = (int) lroundf(9 * c->z);
    return s < 5 ? 5 : s > 22 ? 22 : s;
}


/* Where a label 'w' x 'h' pixels goes beside the point (x, y), 'gap'
 * away: above right, above left, below right or below left, the first
 * that covers no device box the point is not in; above right if all
 * do.  A label must not hide what the class is looking at. */
static void
label_spot(const struct ctx *c, float x, float y, float gap, float w,
           float h, float *lx, float *ly)
{
    const float cand[4][2] = {
        { x + gap, y - h - 4 }, { x - gap - w, y - h - 4 },
        { x + gap, y + 4 }, { x - gap - w, y + 4 },
    };
    for (int k = 0; k < 4; k++) {
        float ax = cand[k][0] - 3, ay = cand[k][1] - 1;
        bool clear = true;
        for (size_t i = 0; i < c->l->n_nodes && clear; i++) {
            const struct gui_node *n = &c->l->nodes[i];
            if (n->type == GUI_N_HOST || n->type == GUI_N_PROC) {
                continue;       /* Panels: everything is in one. */
            }
            float bx = sx(c, n->box.x), by = sy(c, n->box.y);
            float bw = n->box.w * c->z, bh = n->box.h * c->z;
            bool holds = x >= bx && x <= bx + bw && y >= by && y <= by + bh;
            clear = holds || ax + w <= bx || ax >= bx + bw || ay + h <= by
                    || ay >= by + bh;
        }
        if (clear) {
            *lx = cand[k][0];
            *ly = cand[k][1];
            return;
        }
    }
    *lx = cand[0][0];
    *ly = cand[0][1];
}

static void
draw_dots(const struct ctx *c, const struct gui_frame *f,
          struct gui_history *h, const struct gui_highlight *hl)
{
    int size = dot_size(c);
    const struct gui_dot *sel = NULL;
    for (size_t i = 0; i < f->n_dots; i++) {
        const struct gui_dot *d = &f->dots[i];
        if (isnan(d->x)) {
            continue;
        }
        float x = sx(c, d->x), y = sy(c, d->y);
        if (x < c->v->vp.x - 20 || y < c->v->vp.y - 20
            || x > c->v->vp.x + c->v->vp.w + 20
            || y > c->v->vp.y + c->v->vp.h + 20) {
            continue;
        }
        SDL_Color col = gui_flow_color(d->flow);
        if ((int64_t) d->pkt == hl->pkt) {
            sel = d;
        }
        switch (d->state) {
        case GUI_DOT_DELIVERED: {
            /* A ring that widens and fades. */
            int s2 = size + (int) (d->age * (float) size * 0.8f);
            col.a = (uint8_t) (255 * (1 - d->age));
            gui_dot(c->d, x, y, s2 | 1, col, GUI_DOT_HOLLOW);
            break;
        }
        case GUI_DOT_DROPPED: {
            SDL_Color red = drop_red;
            red.a = (uint8_t) (255 * (1 - d->age * 0.7f));
            float k = (float) size * 0.7f;
            gui_line(c->d, x - k, y - k, x + k, y + k, fmaxf(2, size / 4.0f),
                     red);
            gui_line(c->d, x - k, y + k, x + k, y - k, fmaxf(2, size / 4.0f),
                     red);
            break;
        }
        case GUI_DOT_SERVING:
            gui_dot(c->d, x, y, size + 2, col, GUI_DOT_RINGED);
            break;
        case GUI_DOT_MOVING:
        case GUI_DOT_WAITING:
            if (d->slow) {
                /* On its way up to ovs-vswitchd or back: a halo in the
                 * slow path's colour. */
                SDL_Color halo = gui_slow_color();
                halo.a = 140;
                gui_dot(c->d, x, y, (size * 2) | 1, halo, GUI_DOT_SOLID);
            }
            gui_dot(c->d, x, y, size, col,
                    d->reply ? GUI_DOT_HOLLOW : GUI_DOT_SOLID);
            break;
        }
    }
    /* Lanes with more packets than room: the count of the rest. */
    for (size_t n = 0; n < f->n_nodes; n++) {
        if (f->waiting[n] > f->shown[n]) {
            const struct gui_box *b = &c->l->nodes[n].box;
            char s[24];
            snprintf(s, sizeof s, "+%u", f->waiting[n] - f->shown[n]);
            float tw = 8 * (float) strlen(s);
            gui_fill(c->d, sx(c, b->x + b->w - tw - 6),
                     sy(c, b->y + b->h - 14),
                     (tw + 4) * c->z, 13 * c->z, RGB(0xff, 0xff, 0xff));
            world_text(c, GUI_BOLD, 11, ink, b->x + b->w - 4, b->y + b->h - 14,
                       GUI_RIGHT, 0, s);
        }
    }
    if (sel) {
        float x = sx(c, sel->x), y = sy(c, sel->y);
        int ring = size * 2 + 6;
        gui_frame_rect(c->d, x - (float) ring / 2, y - (float) ring / 2,
                       (float) ring, (float) ring, 2, ink);
        const struct gui_pkt *p = gui_history_packet(h, sel->pkt);
        const struct gui_scene *sc = gui_history_scene(h);
        char s[96];
        if (p->flow >= 0 && (size_t) p->flow < sc->n_flows) {
            snprintf(s, sizeof s, "%s #%llu%s", sc->flows[p->flow].name,
                     (unsigned long long) p->seq,
                     p->is_reply ? vh_tr(" reply") : "");
        } else {
            snprintf(s, sizeof s, vh_tr("packet %llu"),
                     (unsigned long long) p->id);
        }
        int fpx = (int) (13 * c->d->ui);
        int tw, th;
        gui_text_size(c->d->font, GUI_BOLD, fpx, s, &tw, &th);
        float tx, ty;
        label_spot(c, x, y, (float) ring / 2 + 4, (float) tw + 6,
                   (float) th + 2, &tx, &ty);
        gui_fill(c->d, tx - 3, ty - 1, (float) tw + 6, (float) th + 2,
                 RGB(0xff, 0xf4, 0xc8));
        gui_text(c->d->font, GUI_BOLD, fpx, ink, tx, ty, GUI_LEFT, 0, s);
    }
}

/* Whether the rectangles (x, y, w, h) and 'b' (window pixels) overlap. */
static bool
rects_meet(float x, float y, float w, float h, float bx, float by, float bw,
           float bh)
{
    return x < bx + bw && x + w > bx && y < by + bh && y + h > by;
}

/* Whether a label at (x, y, w, h) about node 'node' is clear: inside the
 * viewport, off every device's box (the panels and the boxes holding
 * 'node' excepted, as a label may sit in its own VM or NIC, though not
 * over the name a switch holding 'node' writes under its ports) and off
 * the labels placed before it. */
static bool
label_clear(const struct ctx *c, int32_t node, float x, float y, float w,
            float h)
{
    const SDL_Rect *vp = &c->v->vp;
    if (x < (float) vp->x || y < (float) vp->y
        || x + w > (float) (vp->x + vp->w) || y + h > (float) (vp->y + vp->h)) {
        return false;
    }
    for (size_t i = 0; i < c->l->n_nodes; i++) {
        const struct gui_node *n = &c->l->nodes[i];
        if (n->type == GUI_N_HOST || n->type == GUI_N_PROC) {
            continue;
        }
        if (gui_layout_encloses(c->l, (int32_t) i, node)) {
            bool ported = i + 1 < c->l->n_nodes
                          && c->l->nodes[i + 1].parent == (int32_t) i
                          && c->l->nodes[i + 1].type == GUI_N_PORT
                          && n->type != GUI_N_GUEST;
            float top = n->box.y + PORT_ROW_UNITS;
            if (ported && (int32_t) i != node
                && rects_meet(x, y, w, h, sx(c, n->box.x), sy(c, top),
                              n->box.w * c->z,
                              (n->box.y + n->box.h - top) * c->z)) {
                return false;
            }
            continue;
        }
        if (rects_meet(x, y, w, h, sx(c, n->box.x), sy(c, n->box.y),
                       n->box.w * c->z, n->box.h * c->z)) {
            return false;
        }
    }
    for (int i = 0; i < c->d->n_placed; i++) {
        const struct gui_label_rect *r = &c->d->placed[i];
        if (rects_meet(x, y, w, h, r->x, r->y, r->w, r->h)) {
            return false;
        }
    }
    return true;
}

/* Where a label of w x h pixels about node 'node' goes: the first clear
 * spot of 'pref' (x, y pairs, the places the picture wants), else the
 * nearest clear one around the device's box, above and below first and
 * farther out in steps, else 'pref[0]'.  The spot is remembered so the
 * next label keeps off it. */
static void
place_label(const struct ctx *c, int32_t node, const float (*pref)[2],
            int n_pref, float w, float h, float *lx, float *ly)
{
    const struct gui_box *b = &c->l->nodes[node].box;
    float bx = sx(c, b->x), by = sy(c, b->y);
    float bw = b->w * c->z, bh = b->h * c->z;
    float mx = bx + bw / 2 - w / 2, my = by + bh / 2 - h / 2;
    bool found = false;
    for (int k = 0; k < n_pref && !found; k++) {
        if (label_clear(c, node, pref[k][0], pref[k][1], w, h)) {
            *lx = pref[k][0];
            *ly = pref[k][1];
            found = true;
        }
    }
    for (int ring = 0; ring < 8 && !found; ring++) {
        float g = 4 + (float) ring * (h + 2);
        const float around[8][2] = {
            { mx, by - g - h }, { mx, by + bh + g },
            { bx + bw + g, my }, { bx - g - w, my },
            { bx + bw + g, by - g - h }, { bx - g - w, by - g - h },
            { bx + bw + g, by + bh + g }, { bx - g - w, by + bh + g },
        };
        for (int k = 0; k < 8 && !found; k++) {
            if (label_clear(c, node, around[k][0], around[k][1], w, h)) {
                *lx = around[k][0];
                *ly = around[k][1];
                found = true;
            }
        }
    }
    if (!found) {
        *lx = pref[0][0];
        *ly = pref[0][1];
    }
    if (c->d->n_placed < GUI_MAX_PLACED) {
        c->d->placed[c->d->n_placed++] = (struct gui_label_rect) {
            *lx, *ly, w, h, node,
        };
    }
}

static void
draw_flashes(const struct ctx *c, const struct gui_frame *f,
             struct gui_history *h, vh_time_t linger)
{
    for (size_t i = 0; i < f->n_flashes; i++) {
        const struct gui_flash *fl = &f->flashes[i];
        const struct gui_box *b = &c->l->nodes[fl->node].box;
        float age = linger ? (float) ((double) (f->t - fl->last)
                                      / (double) linger) : 1;
        SDL_Color red = drop_red;
        red.a = (uint8_t) (255 * (1 - 0.6f * fminf(age, 1)));
        float grow = 4 + 6 * fminf(age, 1);
        gui_frame_rect(c->d, sx(c, b->x - grow), sy(c, b->y - grow),
                       (b->w + 2 * grow) * c->z, (b->h + 2 * grow) * c->z,
                       fmaxf(2, 3 * c->z), red);
        char s[128];
        char glossed[128];
        const char *why = vh_gloss_reason(gui_history_string(h, fl->reason),
                                          glossed, sizeof glossed);
        if (fl->count > 1) {
            snprintf(s, sizeof s, vh_tr("\xc3\x97 dropped: %s \xc3\x97%u"),
                     *why ? why : "?", fl->count);
        } else {
            snprintf(s, sizeof s, vh_tr("\xc3\x97 dropped: %s"),
                     *why ? why : "?");
        }
        int fpx = px(c, 13);
        if (fpx < (int) (11 * c->d->ui)) {
            fpx = (int) (11 * c->d->ui);
        }
        int tw, th;
        gui_text_size(c->d->font, GUI_BOLD, fpx, s, &tw, &th);
        /* Centred above the burst, where it was always drawn, unless a
         * device is there. */
        float w = (float) tw + 8, hh = (float) th + 2;
        const float above[1][2] = {
            { sx(c, b->x + b->w / 2) - w / 2, sy(c, b->y - grow) - hh - 2 },
        };
        float lx, ly;
        place_label(c, fl->node, above, 1, w, hh, &lx, &ly);
        gui_fill(c->d, lx, ly, w, hh, RGB(0xff, 0xff, 0xff));
        gui_frame_rect(c->d, lx, ly, w, hh, 1, red);
        gui_text(c->d->font, GUI_BOLD, fpx, drop_red, lx + 4, ly + 1,
                 GUI_LEFT, 0, s);
    }
}

/* A hairpin turn: a U drawn over the port, down the cable into it and
 * back up, with the number of frames turned within the linger. */
static void
draw_turns(const struct ctx *c, const struct gui_frame *f, vh_time_t linger)
{
    static const SDL_Color amber = RGB(0xe0, 0x7b, 0x00);
    for (size_t i = 0; i < f->n_turns; i++) {
        const struct gui_turn *tn = &f->turns[i];
        const struct gui_box *b = &c->l->nodes[tn->node].box;
        float age = linger ? (float) ((double) (f->t - tn->last)
                                      / (double) linger) : 1;
        SDL_Color col = amber;
        col.a = (uint8_t) (255 * (1 - 0.5f * fminf(age, 1)));
        float cx = sx(c, tn->x), top = sy(c, fminf(tn->y, b->y));
        float r = fmaxf(8, b->w * 0.2f * c->z), leg = 1.8f * r;
        float th = fmaxf(2, 2.5f * c->z);
        float bottom = top - 3;             /* The U's lowest point. */
        /* The two legs, then the bend as short chords. */
        gui_line(c->d, cx - r, bottom - r - leg, cx - r, bottom - r, th, col);
        gui_line(c->d, cx + r, bottom - r, cx + r, bottom - r - leg, th, col);
        const int steps = 10;
        for (int k = 0; k < steps; k++) {
            float a0 = (float) M_PI * (float) k / steps;
            float a1 = (float) M_PI * (float) (k + 1) / steps;
            gui_line(c->d, cx - r * cosf(a0), bottom - r + r * sinf(a0),
                     cx - r * cosf(a1), bottom - r + r * sinf(a1), th, col);
        }
        /* Arrowheads: down on the way in, up on the way back. */
        float ah = 0.6f * r, ay0 = bottom - r - leg * 0.4f;
        gui_line(c->d, cx - r, ay0, cx - r - ah * 0.7f, ay0 - ah, th, col);
        gui_line(c->d, cx - r, ay0, cx - r + ah * 0.7f, ay0 - ah, th, col);
        float ay1 = bottom - r - leg;
        gui_line(c->d, cx + r, ay1, cx + r - ah * 0.7f, ay1 + ah, th, col);
        gui_line(c->d, cx + r, ay1, cx + r + ah * 0.7f, ay1 + ah, th, col);
        char s[64];
        if (tn->count > 1) {
            snprintf(s, sizeof s, vh_tr("hairpin \xc3\x97%u"), tn->count);
        } else {
            snprintf(s, sizeof s, "%s", vh_tr("hairpin"));
        }
        int fpx = px(c, 12);
        if (fpx < (int) (11 * c->d->ui)) {
            fpx = (int) (11 * c->d->ui);
        }
        int tw, tht;
        gui_text_size(c->d->font, GUI_BOLD, fpx, s, &tw, &tht);
        /* Beside the U, right then left, unless a device is there. */
        float w = (float) tw + 6, hh = (float) tht + 2;
        float ly0 = bottom - r - leg / 2 - hh / 2;
        const float beside[2][2] = {
            { cx + r + ah, ly0 }, { cx - r - ah - w, ly0 },
        };
        float lx, ly;
        place_label(c, tn->node, beside, 2, w, hh, &lx, &ly);
        gui_fill(c->d, lx, ly, w, hh, RGB(0xff, 0xff, 0xff));
        gui_text(c->d->font, GUI_BOLD, fpx, amber, lx + 3, ly + 1, GUI_LEFT,
                 0, s);
    }
}

void
gui_render_world(struct gui_draw *d, const struct gui_view *v,
                 struct gui_layout *l, const struct gui_frame *f,
                 struct gui_history *h, const struct gui_highlight *hl)
{
    struct ctx c = { d, v, l, v->zoom };
    d->n_placed = 0;
    SDL_RenderSetClipRect(d->r, &v->vp);
    draw_hosts(&c);
    draw_routes(&c, gui_history_scene(h), f->t);
    draw_nodes(&c, f, h, hl);
    draw_dots(&c, f, h, hl);
    draw_flashes(&c, f, h, f->linger);
    draw_turns(&c, f, f->linger);
    SDL_RenderSetClipRect(d->r, NULL);
}
