/* sim/hugepage.c: the heap on huge pages (see sim/hugepage.h). */
#include "sim/hugepage.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/mman.h>
#endif

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25        /* Linux 6.1; older headers lack it. */
#endif

void
vh_advise_huge(void *p, size_t bytes)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    uintptr_t start = ((uintptr_t) p + VH_HUGE_PAGE - 1) & ~(VH_HUGE_PAGE - 1);
    uintptr_t end = ((uintptr_t) p + bytes) & ~(VH_HUGE_PAGE - 1);
    if (end > start) {
        /* Advice only: refused, the pages stay small, which costs speed,
         * never correctness. */
        (void) madvise((void *) start, end - start, MADV_HUGEPAGE);
    }
#else
    (void) p;
    (void) bytes;
#endif
}

/* The [heap] mapping's bounds from /proc/self/maps.  False if none. */
static bool
heap_bounds(uintptr_t *lo, uintptr_t *hi)
{
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f) {
        return false;
    }
    char line[512];
    bool found = false;
    while (!found && fgets(line, sizeof line, f)) {
        unsigned long a, b;
        if (strstr(line, "[heap]") && sscanf(line, "%lx-%lx", &a, &b) == 2) {
            *lo = a;
            *hi = b;
            found = true;
        }
    }
    fclose(f);
    return found;
}

/* The heap from its start up to here is advised (0: not looked up). */
static uintptr_t heap_lo, advised_to;

size_t
vh_heap_hugepages(size_t min_bytes)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    uintptr_t top = (uintptr_t) sbrk(0);
    if (top - advised_to < min_bytes && advised_to) {
        return 0;               /* The common case: a few instructions. */
    }
    if (!heap_lo) {
        uintptr_t hi;
        if (!heap_bounds(&heap_lo, &hi)) {
            advised_to = top;   /* No heap to speak of: stop looking. */
            return 0;
        }
        advised_to = heap_lo;
    }
    if (top <= advised_to || top - advised_to < min_bytes) {
        return 0;
    }
    /* Whole pages: the heap's start and top need not be aligned. */
    uintptr_t lo = advised_to & ~(uintptr_t) 4095;
    size_t len = top - lo;
    if (madvise((void *) lo, len, MADV_HUGEPAGE)) {
        advised_to = top;       /* Refused (no THP): do not ask again. */
        return 0;
    }
    /* Best effort: a kernel before 6.1 says EINVAL, and a range it cannot
     * collapse now is left to khugepaged. */
    (void) madvise((void *) lo, len, MADV_COLLAPSE);
    advised_to = top;
    return len;
#else
    (void) min_bytes;
    return 0;
#endif
}
