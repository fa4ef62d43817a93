/* record/record.h: recordings of a run, written and read as a stream.
 *
 * A recording is the scene (record/scene.h) followed by every hop event of
 * the trace bus, in the order they were announced, in blocks of a few
 * thousand events.  The writer is a trace subscriber that never holds more
 * than one block; the reader decodes one event at a time and can jump back
 * to any block it has passed, so a viewer can step backwards through a run
 * far larger than memory.  Each block is self-contained (its packets' flow,
 * sequence and frame bytes are repeated in it), which is what makes those
 * jumps possible.  The byte format is documented in docs/gui.md.
 *
 * 'vhsim run --record' writes recordings and the GUI reads them, so the
 * format lives here rather than in gui/: the vhsim program links it
 * without the GUI's libraries.  The names keep the gui_ prefix of the
 * code that reads them. */
#ifndef VH_RECORD_RECORD_H
#define VH_RECORD_RECORD_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "record/scene.h"
#include "sim/trace.h"

#define GUI_REC_MAGIC "VHSIMREC"
#define GUI_REC_VERSION 6
#define GUI_REC_SNAPLEN 128     /* Frame bytes kept per snapshot: enough
                                 * for Ethernet, tags, IP, UDP and one
                                 * tunnel with its inner headers. */
#define GUI_REC_MAX_RECORD (64u << 20)  /* Larger records are damage: a
                                         * block holds a few thousand
                                         * events. */
#define GUI_NO_DEV UINT32_MAX
#define GUI_NO_PKT UINT64_MAX

/* One decoded hop event. */
struct gui_rec_item {
    vh_time_t now;              /* Simulation clock when it was announced. */
    vh_time_t time;             /* When it happens (>= now for work that a
                                 * busy core starts later). */
    vh_time_t end;              /* SERVICE: end of the work; else 'time'. */
    uint64_t pkt;               /* Packet id, or GUI_NO_PKT. */
    uint64_t cycles;            /* SERVICE on a core. */
    uint32_t dev;               /* Device index, or GUI_NO_DEV. */
    uint32_t depth;             /* ENQUEUE: queue length after it. */
    int32_t core;               /* SERVICE on a core: core in its host. */
    uint16_t what;              /* String id (gui_rec_string), 0 = none. */
    uint16_t reason;            /* DROP: string id. */
    uint16_t queue;             /* ENQUEUE at a NIC: 1 + its receive
                                 * queue; 0 elsewhere. */
    uint16_t iotlb_hits;        /* SERVICE of a NIC's DMA: IOTLB hits */
    uint16_t iotlb_misses;      /* and page walks (sim/trace.h). */
    uint8_t kind;               /* enum vh_hop_kind. */
    uint8_t cat;                /* Cycle category. */
    uint8_t on_cpu;
    uint8_t tally;              /* A count event: RX or TX with no packet,
                                 * 'cycles' frames more (two's complement)
                                 * than the hops at 'dev' said. */

    /* The packet's identity: present the first time a block mentions it. */
    bool has_meta;
    int32_t flow;
    uint64_t seq;
    vh_time_t born;
    uint8_t is_reply;
    uint8_t counted;

    /* Frame bytes, present when they changed since the packet's previous
     * event in this block.  'snap' points into the reader and is valid
     * until the next call. */
    const uint8_t *snap;
    uint32_t snap_len;
    uint32_t frame_len;
};

/* Writing. */

struct gui_rec_writer;

/* Starts a recording on 'f' (which the writer does not close) for 'sc'.
 * '*clock' is read at each event as its announcement time (the
 * simulation's 'now').  Never returns NULL; write errors are reported by
 * gui_rec_finish(). */
struct gui_rec_writer *gui_rec_writer_new(FILE *f, const struct gui_scene *sc,
                                          const vh_time_t *clock);

/* Has the writer keep the recording's in/out counts of each device equal
 * to the counters the report reads ('devs', the world's registry, whose
 * index is the scene's): a switch or bridge counts at its ports' hops,
 * not at hops of its own.  After each hop the writer compares the hop's
 * device and those enclosing it, and every device at the end of each
 * block and of the run, and writes a count event for any difference. */
void gui_rec_watch_counters(struct gui_rec_writer *, const struct vh_devtab *);

/* The trace subscriber: subscribe with 'ctx' = the writer. */
void gui_rec_hop(void *ctx, const struct vh_hop *);

/* Writes the block in progress and flushes 'f', so a reader of the same
 * file sees every event announced so far.  Returns 0 or -1 on an error. */
int gui_rec_flush(struct gui_rec_writer *);

/* Writes the end record, flushes, frees the writer.  Returns 0, or -1 if
 * any write failed (then 'err' says why). */
int gui_rec_finish(struct gui_rec_writer *, char *err, size_t errlen);

/* Reading. */

struct gui_rec_reader;

/* True if the file at 'path' starts with the recording magic. */
bool gui_rec_is_recording(const char *path);

/* Opens a recording and reads its scene into 'sc'.  Returns NULL with a
 * message in 'err' if the file is not a recording or is damaged. */
struct gui_rec_reader *gui_rec_open(const char *path, struct gui_scene *sc,
                                    char *err, size_t errlen);
void gui_rec_close(struct gui_rec_reader *);

/* Decodes the next event.  Returns 1, or 0 when no complete event is there
 * yet (the end of what a live writer has flushed, or of the file), or -1
 * if the data is damaged ('err' set).  Calling again after 0 picks up
 * whatever was written since. */
int gui_rec_next(struct gui_rec_reader *, struct gui_rec_item *out);

/* True if the whole recording is there: its records run to an end
 * record that closes the file.  A recording whose run was cut short (a
 * killed 'vhsim run --record', a full disk) has none.  '*end', if not
 * NULL, receives the clock the end record gives.  Reads only record
 * headers; the reader's position is unchanged. */
bool gui_rec_complete(struct gui_rec_reader *, vh_time_t *end);

/* True once the end record has been read. */
bool gui_rec_at_end(const struct gui_rec_reader *);

/* The file offset of the block that the next event comes from, and the
 * index of that event in it; gui_rec_seek() returns there.  Only offsets
 * the reader has passed are valid. */
void gui_rec_tell(const struct gui_rec_reader *, uint64_t *block_off,
                  uint32_t *index);
int gui_rec_seek(struct gui_rec_reader *, uint64_t block_off, uint32_t index);

/* String 'id' (a service's "what", a drop's reason), or "" if unknown. */
const char *gui_rec_string(const struct gui_rec_reader *, uint16_t id);

/* The message of the last error. */
const char *gui_rec_error(const struct gui_rec_reader *);

#endif /* record/record.h */
