/* gui/history.h: the run as the viewer remembers it.
 *
 * The history reads a recording (a finished file, or the spool a live run
 * is writing) and keeps a window of it in memory: the hop events, each
 * packet's events in time order, and its frame bytes.  It reads forward as
 * the clock advances, only as far as the clock plus a look-ahead, so the
 * picture at a given time depends on the time alone and not on how far the
 * run was read before.  When the window would exceed its budget, or the
 * clock goes back before it, the history reloads from a keyframe: a point
 * in the file where a new block starts, with the counters of every device
 * up to there.  A long run is therefore never held whole, and any moment
 * of it can be shown again.
 *
 * Counters (frames in and out, drops by reason, cycles by category) are
 * answered for any time from the nearest keyframe plus the events after
 * it. */
#ifndef VH_GUI_HISTORY_H
#define VH_GUI_HISTORY_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record/record.h"
#include "record/scene.h"

#define GUI_MAX_CATS 16
#define GUI_NO_PKT_IDX UINT32_MAX
#define GUI_TIME_INF UINT64_MAX

/* An event as the history keeps it. */
struct gui_hev {
    vh_time_t now;              /* When announced. */
    vh_time_t time;             /* When it happens. */
    vh_time_t end;              /* SERVICE: when the work ends. */
    uint64_t cycles;
    uint32_t pkt;               /* Index of its packet in the window, or
                                 * GUI_NO_PKT_IDX for work on none. */
    uint32_t dev;               /* Device index, or GUI_NO_DEV. */
    uint32_t depth;
    uint32_t snap;              /* Frame bytes: offset + 1 in the arena. */
    int32_t core;
    uint16_t what, reason;      /* Recording string ids. */
    uint16_t queue;             /* ENQUEUE at a NIC: 1 + its receive
                                 * queue (nic's order); 0 elsewhere. */
    uint16_t iotlb_hits;        /* SERVICE of a NIC's DMA: translations */
    uint16_t iotlb_misses;      /* found in the IOTLB, and page walks. */
    uint8_t kind, cat, on_cpu;
    uint8_t slot;               /* Set by gui/track.c: 1 = host side. */
    uint8_t late;               /* Set by gui/track.c: work that belongs to
                                 * the stop before the current one. */
};

/* Where a packet was, from one event to the last one there. */
struct gui_stop {
    vh_time_t t_in;             /* First event here. */
    vh_time_t t_out;            /* Done here (never after the next t_in). */
    vh_time_t t_depart;         /* Starts moving to the next stop: the
                                 * start of the work that hands it on. */
    uint32_t dev;
    uint8_t slot;               /* 1: the host side of a guest NIC. */
    uint32_t first, last;       /* Its events, as indices into pkt->ev. */
};

struct gui_pkt {
    uint64_t id;                /* Packet id in the run. */
    int32_t flow;               /* Flow index or -1 (ARP and such). */
    uint64_t seq;
    vh_time_t born;
    uint8_t is_reply, counted;
    int32_t origin;             /* A copy's original (flooding), or -1. */
    uint32_t syn_dev;           /* A copy starts at its original's device */
    uint8_t syn_slot;           /* and slot, at 't_vis'. */
    bool has_syn;
    vh_time_t t_vis;            /* Shown from. */
    vh_time_t t_first;          /* Earliest event time. */
    vh_time_t t_last;           /* Latest event time or end of work. */
    uint8_t last_kind;          /* Kind of its latest event. */
    bool dirty;                 /* Stops need rebuilding. */
    uint32_t *ev;               /* Its events (indices into the window), */
    uint32_t n_ev, cap_ev;      /* sorted by time, then announcement. */
    struct gui_stop *stops;
    uint32_t n_stops, cap_stops;
};

/* Counters of one device. */
struct gui_ctr {
    uint64_t n[VH_HOP_N_KINDS]; /* Events by kind. */
    uint64_t cycles[GUI_MAX_CATS];
    uint32_t max_depth;
    uint64_t iotlb_hits;        /* Its DMAs' translations through the */
    uint64_t iotlb_misses;      /* IOMMU: cached, and page walks. */
};

struct gui_drop_count {
    uint32_t dev;
    uint16_t reason;
    uint64_t n;
};

/* Called to make the recording complete up to announcement time 'until'
 * (a live run runs its simulation that far and flushes).  Returns true
 * once the run has finished and written its end. */
typedef bool (*gui_advance_fn)(void *ctx, vh_time_t until);

struct gui_history;

/* Opens the recording at 'path'.  'advance' is NULL for a finished file.
 * 'budget' is the most events kept in memory (0: a default of a million).
 * Returns NULL with a message in 'err' on failure. */
struct gui_history *gui_history_open(const char *path, gui_advance_fn advance,
                                     void *ctx, size_t budget, char *err,
                                     size_t errlen);
void gui_history_free(struct gui_history *);

/* True if the recording under the history is whole (record/record.h,
 * gui_rec_complete()); a live run's spool is whole only once it ended. */
bool gui_history_complete(struct gui_history *);

const struct gui_scene *gui_history_scene(const struct gui_history *);

/* Makes the window cover time 't': every event announced up to
 * t + 'ahead' is read, and enough before 't' for the packets in flight.
 * Returns 0, or -1 if the recording is damaged (see gui_history_error). */
int gui_history_seek(struct gui_history *, vh_time_t t, vh_time_t ahead);

const char *gui_history_error(const struct gui_history *);

/* What is in the window. */
size_t gui_history_n_packets(const struct gui_history *);
struct gui_pkt *gui_history_packet(struct gui_history *, size_t i);
const struct gui_hev *gui_history_event(const struct gui_history *,
                                        uint32_t i);

/* The packet of the window with run id 'id', or -1. */
int64_t gui_history_find(const struct gui_history *, uint64_t id);

/* The packet of flow 'flow' with sequence 'seq' (and the reply flag) that
 * was not copied from another, or -1. */
int64_t gui_history_find_seq(const struct gui_history *, int32_t flow,
                             uint64_t seq, bool is_reply);

/* Rebuilds packet 'p''s stops if events were added (gui/track.c). */
void gui_history_stops(struct gui_history *, struct gui_pkt *p);

/* The frame bytes of event 'e' or, failing that, of the packet's latest
 * event at or before it that has some.  Returns the number of bytes kept
 * (0 if none) and sets '*bytes' and '*frame_len'. */
uint32_t gui_history_frame(const struct gui_history *, const struct gui_pkt *p,
                           uint32_t upto, const uint8_t **bytes,
                           uint32_t *frame_len);

/* A recording string (a service's name, a drop reason). */
const char *gui_history_string(const struct gui_history *, uint16_t id);

/* Counters of device 'dev' for events up to time 't'.  'drops' (may be
 * NULL) receives up to 'max_drops' per-reason counts; returns how many. */
size_t gui_history_counters(struct gui_history *, uint32_t dev, vh_time_t t,
                            struct gui_ctr *out, struct gui_drop_count *drops,
                            size_t max_drops);

/* The IOTLB hits and misses of the DMAs of host 'host_dev''s NICs and
 * their functions up to time 't'. */
void gui_iommu_counts(struct gui_history *, uint32_t host_dev, vh_time_t t,
                      uint64_t *hits, uint64_t *misses);

/* Busy time (ps) of every core of host 'host_dev' in [t0, t1], by
 * category: out[core * GUI_MAX_CATS + cat], for 'cores' cores. */
void gui_history_cpu(const struct gui_history *, uint32_t host_dev,
                     int cores, vh_time_t t0, vh_time_t t1, uint64_t *out);

/* Calls 'fn' for each event in the window whose time lies in (t0, t1] and
 * whose kind is in 'kinds' (VH_HOP_BIT mask). */
void gui_history_each(const struct gui_history *, vh_time_t t0, vh_time_t t1,
                      uint32_t kinds,
                      void (*fn)(void *ctx, const struct gui_hev *),
                      void *ctx);

/* The first event time after 't' (next) or before it (prev) in the
 * window, or 't' itself if there is none. */
vh_time_t gui_history_next_time(const struct gui_history *, vh_time_t t);
vh_time_t gui_history_prev_time(const struct gui_history *, vh_time_t t);

/* The latest event time known. */
vh_time_t gui_history_last_time(const struct gui_history *);

/* When the run ended, as the recording's end record says; 0 while that is
 * not known (a live run still going, a recording cut short). */
vh_time_t gui_history_run_end(struct gui_history *);

/* The most events ever read into memory at once. */
size_t gui_history_peak(const struct gui_history *);

/* Index of the category named "guest", or -1. */
int gui_history_guest_cat(const struct gui_history *);

#endif /* gui/history.h */
