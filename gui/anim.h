/* gui/anim.h: what is on screen at one instant of simulated time.
 *
 * From the history and the layout, a frame lists every packet shown (a
 * dot: moving along a line between two devices, or waiting or being
 * worked on at one, lined up in that device's queue lane), how many wait
 * at each device, the drops to flash and each host's CPU cores busy by
 * cycle category.  It is pure computation, with no drawing, so tests can
 * ask where a packet is without a screen. */
#ifndef VH_GUI_ANIM_H
#define VH_GUI_ANIM_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gui/history.h"
#include "gui/layout.h"

enum gui_dot_state {
    GUI_DOT_MOVING,
    GUI_DOT_WAITING,            /* Queued, or ready and not yet served. */
    GUI_DOT_SERVING,            /* Work on it is under way. */
    GUI_DOT_DELIVERED,          /* Reached its application. */
    GUI_DOT_DROPPED,
};

struct gui_dot {
    float x, y;                 /* World position. */
    uint32_t pkt;               /* Index in the history's window. */
    int32_t flow;
    enum gui_dot_state state;
    int32_t node;               /* Where it is (moving: where from). */
    int32_t to;                 /* Moving: where to; else -1. */
    float age;                  /* Delivered/dropped: 0..1 of the linger. */
    uint8_t reply;
    uint8_t slow;               /* Moving up to a thread in user space or
                                 * back down from it: an upcall, the slow
                                 * path. */
};

/* Drops at one node within the linger, by reason. */
struct gui_flash {
    int32_t node;
    uint16_t reason;            /* History string id. */
    uint32_t count;
    vh_time_t last;             /* The latest of them. */
};

/* Frames a switch sent back out of the port they came in by (a hairpin
 * turn: VEPA's reflective relay, a controlling bridge returning a frame
 * to the extender it came from) within the linger, per port. */
struct gui_turn {
    int32_t node;               /* The port. */
    uint32_t count;
    vh_time_t last;             /* The latest turn. */
    float x, y;                 /* World position where the frames came
                                 * in: the end of the cable at the port. */
};

struct gui_anim_opts {
    vh_time_t linger;           /* How long ends and drops stay shown. */
    vh_time_t min_move;         /* Shortest drawn move (gui/track.h). */
    vh_time_t cpu_window;       /* CPU bars average over this. */
    uint32_t hidden_flows;      /* Bit f: flow f hidden (f < 31); bit 31:
                                 * frames of no flow (ARP) hidden. */
};

struct gui_frame {
    vh_time_t t;
    struct gui_dot *dots;
    size_t n_dots, cap_dots;
    uint32_t *waiting;          /* Per node: packets waiting or served. */
    uint32_t *shown;            /* Per node: of those, how many drawn. */
    uint32_t *rxq;              /* Per node: a NIC receive queue's frames
                                 * (written, not yet taken by the poll). */
    int32_t *rxq_flow;          /* Per node: the flow of the latest of
                                 * them (RSS steering shows as colour). */
    size_t n_nodes;
    struct gui_flash *flashes;
    size_t n_flashes, cap_flashes;
    struct gui_turn *turns;
    size_t n_turns, cap_turns;
    uint64_t *cpu;              /* Per host (scene order): cores *
                                 * GUI_MAX_CATS busy picoseconds. */
    int *cores;                 /* Per host: cores. */
    size_t n_hosts;
    vh_time_t cpu_window;
    vh_time_t linger;           /* As in the options. */
    size_t moving, serving;     /* Counts, for "is anything happening". */
};

void gui_frame_init(struct gui_frame *);
void gui_frame_free(struct gui_frame *);

/* Fills 'f' for time 't'.  The history must already cover 't'
 * (gui_history_seek). */
void gui_anim_frame(struct gui_frame *f, struct gui_history *,
                    struct gui_layout *, vh_time_t t,
                    const struct gui_anim_opts *);

/* True if a packet of flow 'flow' is drawn under 'o'. */
bool gui_anim_flow_shown(const struct gui_anim_opts *o, int32_t flow);

/* Point at share 'frac' (0..1) of the length of polyline 'pts'. */
void gui_polyline_at(const float (*pts)[2], uint32_t n, float frac,
                     float *x, float *y);

#endif /* gui/anim.h */
