/* sim/xmalloc.h: allocation that cannot fail.
 *
 * A simulation that runs out of memory cannot continue meaningfully, and a
 * NULL check at every allocation would hide the model in error paths that
 * never run.  These abort with a message instead.  Zero sizes allocate one
 * byte, so the result is never NULL. */
#ifndef VH_XMALLOC_H
#define VH_XMALLOC_H 1

#include <stddef.h>

void *vh_xmalloc(size_t size);
void *vh_xcalloc(size_t n, size_t size);
void *vh_xrealloc(void *p, size_t size);
char *vh_xstrdup(const char *s);

/* Like vh_xcalloc(), starting a cache line (64 bytes), for an array of a
 * type whose hot fields were laid out to share lines; free() frees it.
 * An array of a huge page (sim/hugepage.h) or more is made of whole huge
 * pages, advised as such before it is zeroed: the statistics of thousands
 * of flows, read at every packet, then take a few TLB entries instead of
 * one per flow. */
void *vh_xcalloc_lines(size_t n, size_t size);

/* Grows array 'p' of 'n' elements of 'size' bytes to hold one more, for
 * appending: v = vh_xgrow(v, n, sizeof *v); v[n++] = x; */
void *vh_xgrow(void *p, size_t n, size_t size);

#endif /* sim/xmalloc.h */
