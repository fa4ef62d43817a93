/* gui/view.h: the camera: which part of the world a viewport shows.
 *
 * A viewport is a rectangle of the window; the camera puts world point
 * (cx, cy) at its centre, 'zoom' pixels per world unit.  Fitting chooses
 * the zoom that shows the whole layout, capped so that a small topology
 * is not blown up past readable proportions. */
#ifndef VH_GUI_VIEW_H
#define VH_GUI_VIEW_H 1

#include <SDL.h>

#include "gui/layout.h"

struct gui_view {
    float cx, cy;               /* World point at the viewport's centre. */
    float zoom;                 /* Pixels per world unit. */
    SDL_Rect vp;                /* Viewport, in window pixels. */
};

static inline float
gui_view_x(const struct gui_view *v, float x)
{
    return (x - v->cx) * v->zoom + (float) v->vp.x + (float) v->vp.w / 2;
}

static inline float
gui_view_y(const struct gui_view *v, float y)
{
    return (y - v->cy) * v->zoom + (float) v->vp.y + (float) v->vp.h / 2;
}

static inline float
gui_view_wx(const struct gui_view *v, float sx)
{
    return (sx - (float) v->vp.x - (float) v->vp.w / 2) / v->zoom + v->cx;
}

static inline float
gui_view_wy(const struct gui_view *v, float sy)
{
    return (sy - (float) v->vp.y - (float) v->vp.h / 2) / v->zoom + v->cy;
}

/* Shows all of 'b' in the viewport, at most 'max_zoom' pixels per unit. */
static inline void
gui_view_fit(struct gui_view *v, const struct gui_box *b, float max_zoom)
{
    float m = 24.0f;            /* Margin in world units. */
    float zx = (float) v->vp.w / (b->w + 2 * m);
    float zy = (float) v->vp.h / (b->h + 2 * m);
    v->zoom = zx < zy ? zx : zy;
    if (v->zoom > max_zoom) {
        v->zoom = max_zoom;
    }
    v->cx = b->x + b->w / 2;
    v->cy = b->y + b->h / 2;
}

/* Zooms by 'factor' keeping the world point under (sx, sy) in place. */
static inline void
gui_view_zoom_at(struct gui_view *v, float sx, float sy, float factor)
{
    float wx = gui_view_wx(v, sx), wy = gui_view_wy(v, sy);
    v->zoom *= factor;
    if (v->zoom < 0.05f) {
        v->zoom = 0.05f;
    }
    if (v->zoom > 20.0f) {
        v->zoom = 20.0f;
    }
    v->cx = wx - (sx - (float) v->vp.x - (float) v->vp.w / 2) / v->zoom;
    v->cy = wy - (sy - (float) v->vp.y - (float) v->vp.h / 2) / v->zoom;
}

#endif /* gui/view.h */
