/* sim/pcapw.c: capture files written through libpcap, published only when
 * complete. */
#include "sim/pcapw.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/outfile.h"
#include "sim/pcaplib.h"

struct vh_pcapw {
    const struct vh_pcaplib *pcap;  /* libpcap's functions. */
    struct vh_outfile *out;     /* The file, published on commit. */
    char *path;                 /* For messages. */
    pcap_t *pd;                 /* Dead handle: carries linktype, snaplen
                                 * and timestamp precision. */
    pcap_dumper_t *dumper;      /* Writes to the output's stream. */
    uint64_t frames;            /* Frames written. */
    int write_errno;            /* First write error, 0 if none. */
};

static void
writer_free(struct vh_pcapw *w)
{
    free(w->path);
    free(w);
}

/* Closes the file, removes the temporary and frees the writer. */
static void
writer_discard(struct vh_pcapw *w)
{
    if (w->dumper) {
        w->pcap->dump_close(w->dumper);
        vh_outfile_stream_closed(w->out);
    }
    if (w->pd) {
        w->pcap->close(w->pd);
    }
    vh_outfile_abort(w->out);
    writer_free(w);
}

struct vh_pcapw *
vh_pcapw_open(const char *path, char *err, size_t errlen)
{
    char why[512];
    const struct vh_pcaplib *pcap = vh_pcaplib(why, sizeof why);
    if (!pcap) {
        snprintf(err, errlen, "%s: %s", path, why);
        return NULL;
    }
    struct vh_pcapw *w = calloc(1, sizeof *w);
    if (!w || !(w->path = strdup(path))) {
        snprintf(err, errlen, "%s: out of memory", path);
        free(w);
        return NULL;
    }
    w->pcap = pcap;
    w->out = vh_outfile_open(path, "wb", why, sizeof why);
    if (!w->out) {
        snprintf(err, errlen, "%s", why);
        writer_free(w);
        return NULL;
    }
    w->pd = pcap->open_dead_with_tstamp_precision(DLT_EN10MB,
                                                  VH_PCAPW_SNAPLEN,
                                                  PCAP_TSTAMP_PRECISION_NANO);
    if (!w->pd) {
        snprintf(err, errlen, "%s: libpcap could not start a capture",
                 path);
        writer_discard(w);
        return NULL;
    }
    w->dumper = pcap->dump_fopen(w->pd, vh_outfile_stream(w->out));
    if (!w->dumper) {
        snprintf(err, errlen, "%s: %s", path, pcap->geterr(w->pd));
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
    w->pcap->dump((u_char *) w->dumper, &h, frame);
    /* pcap_dump() returns nothing; the stream's error flag tells.  Stdio
     * buffers, so a failure may surface a few frames late or at commit. */
    if (ferror(w->pcap->dump_file(w->dumper))) {
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
    if (!w->write_errno && (w->pcap->dump_flush(w->dumper) != 0
                            || ferror(w->pcap->dump_file(w->dumper)))) {
        w->write_errno = errno ? errno : EIO;
    }
    if (w->write_errno) {
        snprintf(err, errlen, "cannot write '%s': %s", w->path,
                 strerror(w->write_errno));
        writer_discard(w);
        return -1;
    }
    /* Everything was flushed above, so closing has nothing left to fail
     * on (pcap_dump_close() could not report it anyway). */
    w->pcap->dump_close(w->dumper);
    w->dumper = NULL;
    vh_outfile_stream_closed(w->out);
    w->pcap->close(w->pd);
    w->pd = NULL;
    int rc = vh_outfile_commit(w->out, err, errlen);
    writer_free(w);
    return rc;
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
