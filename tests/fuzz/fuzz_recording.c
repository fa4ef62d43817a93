/* tests/fuzz/fuzz_recording.c: libFuzzer target for the recording reader.
 *
 * The input is a recording file's bytes.  The reader takes a path (it
 * seeks back to blocks it has passed, as the GUI does when stepping
 * backwards), so the bytes are put in a memory file and read through
 * /proc/self/fd: the real reader with all its checks, no temporary on
 * disk.  The target does what the GUI does with a recording: open it,
 * decode every event, ask whether it is complete, jump back to the first
 * block and decode again, close. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE     /* memfd_create; the Makefile defines it too. */
#endif
#include "record/record.h"
#include "record/scene.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Events decoded per input at most, so that a long valid recording does
 * not make one run slow. */
#define MAX_EVENTS 100000

static int mfd = -1;
static char path[64];

static void
decode_all(struct gui_rec_reader *r)
{
    struct gui_rec_item it;
    for (int i = 0; i < MAX_EVENTS; i++) {
        int rc = gui_rec_next(r, &it);
        if (rc < 0) {
            if (!gui_rec_error(r)[0]) {
                abort();        /* Damaged, but says nothing. */
            }
            return;
        }
        if (rc == 0) {
            return;
        }
        /* Touch what the viewer reads: strings and frame bytes. */
        (void) gui_rec_string(r, it.what);
        (void) gui_rec_string(r, it.reason);
        volatile uint8_t sink = 0;
        for (uint32_t b = 0; b < it.snap_len; b++) {
            sink ^= it.snap[b];
        }
        (void) sink;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (mfd < 0) {
        mfd = memfd_create("fuzz-recording", 0);
        if (mfd < 0) {
            perror("memfd_create");
            abort();
        }
        snprintf(path, sizeof path, "/proc/self/fd/%d", mfd);
    }
    if (ftruncate(mfd, 0) || pwrite(mfd, data, size, 0) != (ssize_t) size) {
        abort();
    }

    struct gui_scene sc;
    char err[512] = "";
    struct gui_rec_reader *r = gui_rec_open(path, &sc, err, sizeof err);
    if (!r) {
        if (!err[0]) {
            abort();
        }
        return 0;
    }
    uint64_t first_off;
    uint32_t first_idx;
    gui_rec_tell(r, &first_off, &first_idx);
    decode_all(r);
    vh_time_t end;
    (void) gui_rec_complete(r, &end);
    (void) gui_rec_at_end(r);
    if (gui_rec_seek(r, first_off, first_idx) == 0) {
        decode_all(r);
    }
    gui_rec_close(r);
    gui_scene_free(&sc);
    return 0;
}
