/* sim/xmalloc.c: allocation that aborts instead of returning NULL. */
#include "sim/xmalloc.h"

#include "sim/hugepage.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
out_of_memory(size_t size)
{
    fprintf(stderr, "vhsim: out of memory (allocating %zu bytes)\n", size);
    abort();
}

void *
vh_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p) {
        out_of_memory(size);
    }
    return p;
}

void *
vh_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        out_of_memory(n * size);
    }
    return p;
}

void *
vh_xcalloc_lines(size_t n, size_t size)
{
    /* Rounded up to whole huge pages below, so no size within one of
     * SIZE_MAX can be met: refused before the rounding wraps. */
    if (size && n > (SIZE_MAX - VH_HUGE_PAGE) / size) {
        out_of_memory(SIZE_MAX);
    }
    size_t bytes = n * size != 0 ? (n * size + 63) & ~(size_t) 63 : 64;
    size_t align = 64;
    if (bytes >= VH_HUGE_PAGE) {
        /* Whole huge pages, advised before the zeroing touches them. */
        align = VH_HUGE_PAGE;
        bytes = (bytes + VH_HUGE_PAGE - 1) & ~(VH_HUGE_PAGE - 1);
    }
    void *p = aligned_alloc(align, bytes);
    if (!p) {
        out_of_memory(bytes);
    }
    if (align == VH_HUGE_PAGE) {
        vh_advise_huge(p, bytes);
    }
    return memset(p, 0, bytes);
}

void *
vh_xrealloc(void *p, size_t size)
{
    p = realloc(p, size ? size : 1);
    if (!p) {
        out_of_memory(size);
    }
    return p;
}

char *
vh_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(vh_xmalloc(n), s, n);
}

void *
vh_xgrow(void *p, size_t n, size_t size)
{
    if (size && n + 1 > SIZE_MAX / size) {
        out_of_memory(SIZE_MAX);
    }
    return vh_xrealloc(p, (n + 1) * size);
}
