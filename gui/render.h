/* gui/render.h: drawing one variant's world with SDL.
 *
 * Host panels with their bands, devices as labelled boxes with a queue
 * lane along the bottom, links as lines (cables thicker), packets as dots
 * in their flow's colour (an echo reply hollow, work in progress ringed),
 * drops as a red burst with the reason, and each host's CPU cores as bars
 * split by cycle category.  A process in a host's user space (ovs-vswitchd)
 * is a box holding its threads; the lines from its switch up to them are
 * dashed in the slow path's colour, and a packet moving on them has a halo
 * of that colour.  The colours are chosen to stay apart on a
 * projector and for the common kinds of colour blindness. */
#ifndef VH_GUI_RENDER_H
#define VH_GUI_RENDER_H 1

#include <SDL.h>
#include <stdint.h>

#include "gui/anim.h"
#include "gui/font.h"
#include "gui/history.h"
#include "gui/layout.h"
#include "gui/view.h"

/* A label drawn beside a device (a drop's reason, a hairpin turn's
 * count), in window pixels. */
struct gui_label_rect {
    float x, y, w, h;
    int32_t node;               /* The device it is about. */
};

#define GUI_MAX_PLACED 64

/* A device's name or caption as drawn in compare mode, and the part of
 * its box it had to stay in, in window pixels. */
struct gui_text_rect {
    float x, y, w, h;           /* The text's line box. */
    float ax, ay, aw, ah;       /* The room it was given. */
    int32_t node;
};

#define GUI_MAX_TEXTS 1024

struct gui_draw {
    SDL_Renderer *r;
    struct gui_font *font;
    float ui;                   /* Scale of screen furniture: window
                                 * height / 720. */
    void *sprites;              /* Dot textures by colour and size. */
    int min_text_px;            /* Labels are never drawn smaller (0: no
                                 * floor); a label that then does not fit
                                 * its box is left out. */
    /* The drop and hairpin labels the last gui_render_world() placed,
     * each clear of every device's box but those that hold its own
     * device, and of the others (when the viewport has room). */
    struct gui_label_rect placed[GUI_MAX_PLACED];
    int n_placed;
    /* While labels have a floor size (compare mode), the ones drawn since
     * 'n_texts' was last set to 0 (gui_app_draw() does, once a frame):
     * each whole, inside its room; a label that does not fit its room at
     * the floor size is left out, never cut.  'n_dropped' counts those. */
    struct gui_text_rect texts[GUI_MAX_TEXTS];
    int n_texts;
    int n_dropped;
};

/* What to emphasise. */
struct gui_highlight {
    int32_t node;               /* Selected node, or -1. */
    int64_t pkt;                /* Selected packet (window index), or -1. */
    int32_t core_host;          /* Host device and core doing work on the */
    int32_t core;               /* selected packet, or -1. */
};

void gui_draw_init(struct gui_draw *, SDL_Renderer *, struct gui_font *);
void gui_draw_free(struct gui_draw *);

SDL_Color gui_flow_color(int32_t flow);
SDL_Color gui_cat_color(const char *cat);

/* The colour of the slow path: the lines up to a switch's threads in
 * user space, and the halo of a packet moving on them. */
SDL_Color gui_slow_color(void);

/* Draws the world of one variant in 'v''s viewport (clipped to it). */
void gui_render_world(struct gui_draw *, const struct gui_view *v,
                      struct gui_layout *, const struct gui_frame *,
                      struct gui_history *, const struct gui_highlight *);

/* Screen-space helpers shared by the overlays. */
void gui_fill(struct gui_draw *, float x, float y, float w, float h,
              SDL_Color c);
void gui_frame_rect(struct gui_draw *, float x, float y, float w, float h,
                    float t, SDL_Color c);
void gui_line(struct gui_draw *, float x0, float y0, float x1, float y1,
              float t, SDL_Color c);

/* A dot of 'size' pixels centred at (x, y). */
void gui_dot(struct gui_draw *, float x, float y, int size, SDL_Color c,
             int style);

enum {
    GUI_DOT_SOLID,
    GUI_DOT_HOLLOW,             /* Echo replies. */
    GUI_DOT_RINGED,             /* Being worked on. */
};

#endif /* gui/render.h */
