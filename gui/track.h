/* gui/track.h: where a packet is at a given time.
 *
 * A packet's events, in time order, become a list of stops: the devices
 * it was at, with when it got there and when it left.  Between two stops
 * it is moving along the line between them.  The work that hands a packet
 * on (a copy into the bridge, a frame's serialization on the wire) counts
 * as the move, so the dot travels while that work is done instead of
 * jumping when it ends.
 *
 * On a guest's NIC the stop also says which side the packet is on: the
 * guest's (its driver, the guest stack) or the host's (the hypervisor,
 * QEMU, a vhost worker), told by the cycle category of the work and by
 * where the packet came from. */
#ifndef VH_GUI_TRACK_H
#define VH_GUI_TRACK_H 1

#include <stdbool.h>
#include <stdint.h>

#include "gui/history.h"

enum gui_where_state {
    GUI_W_GONE,                 /* Not shown at this time. */
    GUI_W_AT,                   /* At stop 'stop'. */
    GUI_W_MOVING,               /* From stop 'stop' to stop 'next'. */
};

struct gui_where {
    enum gui_where_state state;
    uint32_t stop, next;
    float frac;                 /* MOVING: share of the way done. */
    bool serving;               /* AT: work on it is under way. */
    uint32_t serv;              /* That work's index in pkt->ev. */
    bool ended;                 /* AT: delivered or dropped before now. */
    uint8_t end_kind;           /* VH_HOP_DELIVER or VH_HOP_DROP. */
    vh_time_t end_time;
    uint32_t cur;               /* Index in pkt->ev of its latest event at
                                 * or before the time (0 if none). */
};

/* Where packet 'p' is at time 't'.  'linger' is how long a delivered or
 * dropped packet stays shown after its end.  'min_move' is the shortest
 * time a move between stops is drawn over: a packet handed on at no cost
 * (in the model, instantly) is shown moving during the last 'min_move'
 * before it arrives, after waiting where it was. */
void gui_track_at(struct gui_history *, struct gui_pkt *p, vh_time_t t,
                  vh_time_t linger, vh_time_t min_move,
                  struct gui_where *out);

#endif /* gui/track.h */
