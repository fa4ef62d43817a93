/* sim/outfile.h: the files a command writes, published only when complete,
 * never in place of what they should not replace.
 *
 * Every output (a capture, a recording, a JSON or CSV report) goes the
 * same way:
 *   - a regular file (or a name not there yet) is written under a
 *     temporary name beside it ("PATH.tmp.PID") and renamed to PATH by a
 *     successful commit, so an error, a crash or an interrupted run never
 *     leaves a truncated file under the final name;
 *   - a symbolic link is followed: the file it points to is replaced, the
 *     link stays a link;
 *   - anything else that exists (a FIFO, a terminal, /dev/stdout, a
 *     socket) is written through, in place: renaming over it would
 *     replace a device with a regular file;
 *   - a directory is refused.
 * Open outputs are on a process-wide list that a signal handler may walk,
 * so SIGINT, SIGTERM, SIGHUP and SIGQUIT leave no temporary behind
 * (vh_outfile_abort_all_signal_safe()).
 *
 * Commands also compare their outputs with their inputs and with each
 * other before they run anything (vh_same_file()): by the file's identity
 * (device and inode) when it exists, by its resolved directory and name
 * when it does not, so "traces/./x.pcap" and "traces/x.pcap" are one
 * file.  Not thread-safe; vhsim writes from one thread. */
#ifndef VH_OUTFILE_H
#define VH_OUTFILE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct vh_outfile;

/* Opens the output 'path' ('mode' as fopen's, "w" or "wb").  Returns it,
 * or NULL with a message naming 'path' in 'err'. */
struct vh_outfile *vh_outfile_open(const char *path, const char *mode,
                                   char *err, size_t errlen);

/* The stream to write to. */
FILE *vh_outfile_stream(struct vh_outfile *);

/* For writers whose library closes the stream itself (libpcap's
 * pcap_dump_close()): the stream is gone, commit only publishes. */
void vh_outfile_stream_closed(struct vh_outfile *);

/* Flushes and closes the stream (unless closed already), checks that
 * every write reached the file, and publishes it under its name.  Returns
 * 0, or -1 with a message in 'err'; on failure nothing is left under the
 * final name that was not there before.  Frees the output either way. */
int vh_outfile_commit(struct vh_outfile *, char *err, size_t errlen);

/* Closes and removes the temporary and frees the output (a written-through
 * output keeps what it got).  NULL is allowed. */
void vh_outfile_abort(struct vh_outfile *);

/* Unlinks the temporary of every open output and does nothing else, so a
 * signal handler may call it (unlink() is async-signal-safe, the list is
 * read through lock-free atomics). */
void vh_outfile_abort_all_signal_safe(void);

/* Whether paths 'a' and 'b' name the same file (see above).  Either may
 * not exist yet. */
bool vh_same_file(const char *a, const char *b);

/* Checks, before a run, that output 'path' can be written: its directory
 * exists and is writable, and it is not a directory.  Returns 0, or -1
 * with a message in 'err'. */
int vh_outfile_check(const char *path, char *err, size_t errlen);

#endif /* sim/outfile.h */
