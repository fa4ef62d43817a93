/* gui/inspect.h: the inspector panel.
 *
 * Clicking a device shows its counters at the current time (frames in
 * and out, deliveries, drops by reason, packets waiting there, the
 * deepest queue seen) and the CPU cycles spent on it by category; a host
 * shows each core's load.  Clicking a packet shows its flow, where it is
 * and what is being done to it, its headers layer by layer as they are
 * at that moment, and its hops with the time and cycles of each.
 *
 * The text is built as a list of lines (testable without a screen) and
 * drawn in a panel. */
#ifndef VH_GUI_INSPECT_H
#define VH_GUI_INSPECT_H 1

#include <SDL.h>
#include <stddef.h>

#include "gui/anim.h"
#include "gui/font.h"
#include "gui/history.h"
#include "gui/layout.h"
#include "gui/render.h"

struct gui_line {
    enum gui_font_style style;
    SDL_Color color;
    int indent;                 /* In steps of a few pixels. */
    bool marker;                /* Drawn with a highlight: the current hop. */
    bool hop;                   /* A row of the hop list, which scrolls. */
    SDL_Color swatch;           /* A colour square before the text, if its */
    bool has_swatch;            /* 'has_swatch'. */
    uint8_t cell[3];            /* A hop row: where its device, kind and
                                 * detail columns start in 'text'; 0 for
                                 * a line drawn as one string. */
    char text[200];
};

struct gui_lines {
    struct gui_line *v;
    size_t n, cap;
};

void gui_lines_free(struct gui_lines *);

/* Lines describing node 'node' at time 't'. */
void gui_inspect_node(struct gui_lines *, struct gui_history *,
                      struct gui_layout *, const struct gui_frame *,
                      int32_t node, vh_time_t t);

/* Lines describing packet 'pkt' (window index) at time 't'. */
void gui_inspect_packet(struct gui_lines *, struct gui_history *,
                        uint32_t pkt, vh_time_t t, vh_time_t linger,
                        vh_time_t min_move);

/* Puts a first line saying which variant the lines are about, for
 * compare mode, where the inspector shows one of several. */
void gui_inspect_variant(struct gui_lines *, const char *variant);

/* Width of the panel in a window area 'area_w' pixels wide. */
float gui_inspect_width(const struct gui_draw *, int area_w);

/* Draws 'lines' in a panel along the right edge of 'area'; a long hop
 * list keeps the current hop in view. */
void gui_inspect_draw(struct gui_draw *, const SDL_Rect *area,
                      const struct gui_lines *);

#endif /* gui/inspect.h */
