/* sim/pcapw.c: capture files written through libpcap, published only when
 * complete. */
#include "sim/pcapw.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A signal handler may only touch lock-free atomics (C11 7.14.1.1). */
_Static_assert(ATOMIC_POINTER_LOCK_FREE == 2,
               "the open-writer list needs lock-free atomic pointers");

struct vh_pcapw {
    _Atomic(struct vh_pcapw *) next;    /* Next on the open-writer list. */
    char *path;                 /* Final name, given at open. */
    char *tmp;                  /* Temporary name; never changes while the
                                 * writer is on the list. */
    pcap_t *pd;                 /* Dead handle: carries linktype, snaplen
                                 * and timestamp precision. */
    pcap_dumper_t *dumper;      /* Writes to 'tmp'. */
    uint64_t frames;            /* Frames written. */
    int write_errno;            /* First write error, 0 if none. */
};

/* Open writers, newest first.  Only the main flow of the program changes
 * the list; a signal handler may walk it at any point, so every link is
 * stored only once the writer it leads to is complete. */
static _Atomic(struct vh_pcapw *) open_writers;

static void
list_add(struct vh_pcapw *w)
{
    atomic_store(&w->next, atomic_load(&open_writers));
    atomic_store(&open_writers, w);
}

static void
list_remove(struct vh_pcapw *w)
{
    _Atomic(struct vh_pcapw *) *link = &open_writers;
    struct vh_pcapw *cur;

    while ((cur = atomic_load(link)) != NULL) {
        if (cur == w) {
            atomic_store(link, atomic_load(&w->next));
            return;
        }
        link = &cur->next;
    }
}

static bool
list_has_path(const char *path)
{
    for (struct vh_pcapw *w = atomic_load(&open_writers); w;
         w = atomic_load(&w->next)) {
        if (!strcmp(w->path, path)) {
            return true;
        }
    }
    return false;
}

void
vh_pcapw_abort_all_signal_safe(void)
{
    int saved_errno = errno;    /* The interrupted code may be reading it. */

    for (struct vh_pcapw *w = atomic_load(&open_writers); w;
         w = atomic_load(&w->next)) {
        unlink(w->tmp);
    }
    errno = saved_errno;
}

static void
writer_free(struct vh_pcapw *w)
{
    free(w->path);
    free(w->tmp);
    free(w);
}

/* Closes the file (if still open), removes the temporary, takes the writer
 * off the list and frees it.  Unlinking before leaving the list means an
 * interrupt at any point still finds the temporary. */
static void
writer_discard(struct vh_pcapw *w)
{
    if (w->dumper) {
        pcap_dump_close(w->dumper);
    }
    if (w->pd) {
        pcap_close(w->pd);
    }
    unlink(w->tmp);
    list_remove(w);
    writer_free(w);
}

struct vh_pcapw *
vh_pcapw_open(const char *path, char *err, size_t errlen)
{
    struct stat st;

    if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: is a directory, not a capture file",
                 path);
        return NULL;
    }
    /* Two writers would share one temporary name and clobber each other. */
    if (list_has_path(path)) {
        snprintf(err, errlen, "%s: already being written by this run",
                 path);
        return NULL;
    }

    struct vh_pcapw *w = calloc(1, sizeof *w);
    size_t tmp_size = strlen(path) + 32;
    if (w) {
        w->path = strdup(path);
        w->tmp = malloc(tmp_size);
    }
    if (!w || !w->path || !w->tmp) {
        snprintf(err, errlen, "%s: out of memory", path);
        if (w) {
            writer_free(w);
        }
        return NULL;
    }
    snprintf(w->tmp, tmp_size, "%s.tmp.%ld", path, (long) getpid());

    /* On the list before the file exists, so there is no moment when an
     * interrupt could miss it. */
    list_add(w);

    FILE *f = fopen(w->tmp, "wb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot create %s: %s",
                 path, w->tmp, strerror(errno));
        list_remove(w);
        writer_free(w);
        return NULL;
    }
    w->pd = pcap_open_dead_with_tstamp_precision(DLT_EN10MB,
                                                 VH_PCAPW_SNAPLEN,
                                                 PCAP_TSTAMP_PRECISION_NANO);
    if (!w->pd) {
        snprintf(err, errlen, "%s: libpcap could not start a capture",
                 path);
        fclose(f);
        writer_discard(w);
        return NULL;
    }
    w->dumper = pcap_dump_fopen(w->pd, f);
    if (!w->dumper) {
        snprintf(err, errlen, "%s: %s", path, pcap_geterr(w->pd));
        fclose(f);
        writer_discard(w);
        return NULL;
    }
    return w;
}

int
vh_pcapw_write(struct vh_pcapw *w, uint64_t time_ps,
               const uint8_t *frame, uint32_t len)
{
    if (w->write_errno || len > VH_PCAPW_SNAPLEN) {
        return -1;
    }

    uint64_t ns = time_ps / 1000;
    struct pcap_pkthdr h;
    memset(&h, 0, sizeof h);
    h.ts.tv_sec = (time_t) (ns / 1000000000u);
    h.ts.tv_usec = (suseconds_t) (ns % 1000000000u);  /* Nanoseconds, given
                                                       * NANO precision. */
    h.caplen = h.len = len;

    errno = 0;
    pcap_dump((u_char *) w->dumper, &h, frame);
    /* pcap_dump() returns nothing; the stream's error flag tells.  Stdio
     * buffers, so a failure may surface a few frames late or at commit. */
    if (ferror(pcap_dump_file(w->dumper))) {
        w->write_errno = errno ? errno : EIO;
        return -1;
    }
    w->frames++;
    return 0;
}

int
vh_pcapw_commit(struct vh_pcapw *w, char *err, size_t errlen)
{
    errno = 0;
    if (!w->write_errno && (pcap_dump_flush(w->dumper) != 0
                            || ferror(pcap_dump_file(w->dumper)))) {
        w->write_errno = errno ? errno : EIO;
    }
    if (w->write_errno) {
        snprintf(err, errlen, "%s: cannot write %s: %s",
                 w->path, w->tmp, strerror(w->write_errno));
        writer_discard(w);
        return -1;
    }

    /* Everything was flushed above, so closing has nothing left to fail
     * on (pcap_dump_close() could not report it anyway). */
    pcap_dump_close(w->dumper);
    w->dumper = NULL;
    pcap_close(w->pd);
    w->pd = NULL;

    if (rename(w->tmp, w->path)) {
        snprintf(err, errlen, "%s: cannot rename %s to it: %s",
                 w->path, w->tmp, strerror(errno));
        writer_discard(w);
        return -1;
    }
    /* Off the list only after the rename: an interrupt in between then
     * merely fails to unlink a name that no longer exists. */
    list_remove(w);
    writer_free(w);
    return 0;
}

void
vh_pcapw_abort(struct vh_pcapw *w)
{
    if (w) {
        writer_discard(w);
    }
}

uint64_t
vh_pcapw_frames(const struct vh_pcapw *w)
{
    return w->frames;
}
