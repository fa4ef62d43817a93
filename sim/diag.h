/* sim/diag.h: load-time errors that name where the problem is.
 *
 * The scenario loader stops at the first problem and reports it as
 *
 *     scenario.json: hosts[0].vms[1].nics[0].model: unknown model 'virtoi';
 *     did you mean 'virtio'? (expected one of e1000, rtl8139, virtio)
 *
 * The message is kept in the diag; the caller prints it and exits with
 * status 2.  Nothing here prints or exits by itself. */
#ifndef VH_DIAG_H
#define VH_DIAG_H 1

#include <stdbool.h>
#include <stddef.h>

struct vh_diag {
    bool failed;                /* An error was recorded. */
    char msg[1024];             /* "JSONPATH: what was wrong ..." */
};

void vh_diag_init(struct vh_diag *);

/* Records the first error only: later calls are ignored once 'failed' is
 * set, so the message is about the root cause.  'path' is the JSON path of
 * the offending value ("" for the top level).  Returns false so loaders can
 * write 'return vh_diag_fail(...)'. */
bool vh_diag_fail(struct vh_diag *, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The candidate closest to 'word' by edit distance if it is close enough to
 * be a plausible typo (distance at most 2, or a third of the word, and
 * always less than the word's length), else NULL.  Case-insensitive; ties
 * go to the earlier candidate. */
const char *vh_suggest(const char *word, const char *const *candidates,
                       size_t n);

/* Writes "a, b, c" into 'buf' (truncated with "..." if it does not fit).
 * Returns 'buf'. */
char *vh_join(const char *const *items, size_t n, char *buf, size_t len);

#endif /* sim/diag.h */
