/* gui/app.h: the viewer: clock, controls and the window's event loop.
 *
 * An app shows one variant, or up to four sharing one clock (compare
 * mode): in a row, a column or two by two, whichever shows them larger,
 * all at one scale, each with its live counters.  Everything a key or a click does is a function here
 * that takes plain coordinates and key codes, so tests drive it without a
 * display; the SDL event loop only translates events into these calls.
 * Headless output (a screenshot at a time, a numbered sequence of frames)
 * draws with the same code onto a software renderer. */
#ifndef VH_GUI_APP_H
#define VH_GUI_APP_H 1

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>

#include "gui/anim.h"
#include "gui/font.h"
#include "gui/history.h"
#include "gui/inspect.h"
#include "gui/layout.h"
#include "gui/moves.h"
#include "gui/render.h"
#include "gui/view.h"

#define GUI_MAX_SIDES 4         /* Variants compared at once. */
#define GUI_RATES_WINDOW (20 * VH_US)   /* Compare mode's counters
                                         * average over this much
                                         * simulated time. */
#define GUI_AHEAD (50 * VH_US)  /* Read this far past the clock. */
#define GUI_DEFAULT_SPEED 1e6   /* Picoseconds per wall second: one
                                 * microsecond of the run per second. */

/* One variant on screen. */
struct gui_side {
    struct gui_history *h;      /* Owned. */
    struct gui_layout *l;       /* The layout of the current phase. */
    /* One layout per phase of the run's migrations (gui/moves.h), so a
     * migrated VM is drawn on the host it runs on: the phase's scene
     * (owned; NULL for phase 0, the recorded one), its layout, and the
     * time it starts. */
    struct gui_scene *phase_sc[GUI_MAX_PHASES];
    struct gui_layout *phase_l[GUI_MAX_PHASES];
    vh_time_t phase_at[GUI_MAX_PHASES];
    size_t n_phases, phase;
    uint8_t *expanded;          /* Per device: a host's folded guests are
                                 * shown. */
    struct gui_frame frame;
    struct gui_view view;
    bool user_view;             /* Moved by hand: do not refit. */
    int64_t sel_pkt;            /* The selected packet in this window. */
    int32_t sel_node;           /* The selected device's node. */
    char title[96];
    SDL_Rect strip;             /* Compare mode: its title and live
                                 * counters, above its picture. */
};

struct gui_app {
    struct gui_side side[GUI_MAX_SIDES];
    int n_sides;
    SDL_Renderer *r;
    struct gui_font *font;
    struct gui_draw draw;
    int w, h;                   /* Window size in pixels. */

    vh_time_t t;                /* The clock, shared by the sides. */
    double t_frac;              /* Sub-picosecond remainder of ticks. */
    double speed;               /* Simulated ps per wall second. */
    bool paused;
    bool skip_idle;             /* Hurry when nothing moves. */
    bool idle_now;              /* This frame hurried. */
    bool follow;
    bool help;
    bool quit;
    uint32_t hidden_flows;      /* As in struct gui_anim_opts. */

    /* Selection, by identity, so it holds across reloads and sides. */
    int sel_side;               /* Side whose inspector is shown. */
    char sel_path[256];         /* Selected device, "" if none. */
    bool sel_back;              /* Its host side (a backend box). */
    bool sel_proc;              /* The process in user space whose threads
                                 * it has (ovs-vswitchd for a bridge). */
    bool sel_fold;              /* The selection is a fold group. */
    bool has_pkt;
    int32_t pkt_flow;
    uint64_t pkt_seq;
    uint8_t pkt_reply;
    uint64_t pkt_id;            /* For packets of no flow. */

    /* Mouse. */
    int drag;                   /* 0 none, 1 panning, 2 scrubbing. */
    int drag_side;
    int mx, my, down_x, down_y;

    struct gui_lines lines;     /* Inspector text. */
    bool panel;                 /* The inspector is open. */
    bool stacked;               /* Sides one above the other. */
    int grid_cols;              /* Sides per row (compare mode). */
    char err[256];
};

/* Sets up 'app' to draw on 'r' ('w' x 'h' pixels) with 'font'.  Sides
 * are added with gui_app_add_side(). */
void gui_app_init(struct gui_app *, SDL_Renderer *r, struct gui_font *font,
                  int w, int h);
void gui_app_free(struct gui_app *);

/* Adds a side showing history 'h' (taken); 'title' names it in compare
 * mode.  Returns 0, or -1 if there is no room. */
int gui_app_add_side(struct gui_app *, struct gui_history *h,
                     const char *title);

/* The end of the timeline: when the run ended (the latest of the sides'),
 * or, while that is not known, the scenario's duration or the last
 * event. */
vh_time_t gui_app_end(const struct gui_app *);

void gui_app_resize(struct gui_app *, int w, int h);

/* Moves the clock to 't' and recomputes the frames.  Returns 0, or -1 if
 * a recording is damaged (app->err says why). */
int gui_app_set_time(struct gui_app *, vh_time_t t);

/* Advances the clock by 'wall_s' seconds of wall time at the current
 * speed, unless paused. */
int gui_app_tick(struct gui_app *, double wall_s);

/* Draws the current frame (without presenting it). */
void gui_app_draw(struct gui_app *);

/* Input.  Keys are SDL key codes. */
void gui_app_key(struct gui_app *, SDL_Keycode key);
void gui_app_mouse_down(struct gui_app *, int x, int y);
void gui_app_mouse_move(struct gui_app *, int x, int y);
void gui_app_mouse_up(struct gui_app *, int x, int y);
void gui_app_wheel(struct gui_app *, int x, int y, float steps);

/* A click at window point (x, y): selects a packet, a device, expands a
 * fold, or scrubs the timeline. */
void gui_app_click(struct gui_app *, int x, int y);

/* Window point of world point (wx, wy) on side 's'. */
void gui_app_to_screen(const struct gui_app *, int s, float wx, float wy,
                       float *x, float *y);

/* Reads the drawn frame as RGB rows ('w' * 3 bytes each) into a buffer
 * the caller frees.  Returns NULL on failure. */
uint8_t *gui_app_pixels(struct gui_app *);

/* Runs the interactive window until the user quits.  'win' is the window
 * 'app->r' draws on. */
void gui_app_loop(struct gui_app *, SDL_Window *win);

/* Draws the frame at 't' and writes it as a PNG.  Returns 0 or -1. */
int gui_app_screenshot(struct gui_app *, vh_time_t t, const char *path);

/* Writes frames t0, t0 + step, ... up to t1 as DIR/frame-00001.png...
 * where step is the speed divided by 'fps'.  Returns the number written,
 * or -1. */
long gui_app_frames(struct gui_app *, const char *dir, vh_time_t t0,
                    vh_time_t t1, double fps);

/* Overlays (gui/overlay.c). */
void gui_overlay_draw(struct gui_app *);
int gui_overlay_timeline_hit(const struct gui_app *, int x, int y,
                             vh_time_t *t);
void gui_overlay_world_area(const struct gui_app *, SDL_Rect *out);

/* Lines (1 or 2) a compare-mode strip 'w' pixels wide needs for its
 * title and the widest counters it may show. */
int gui_overlay_strip_lines(const struct gui_app *, int w);

#endif /* gui/app.h */
