/* models/ovs/ovsfmt.h: appending to a fixed-size text buffer.
 *
 * The Open vSwitch model prints keys and action lists into buffers its
 * callers size; a short buffer truncates the text (always terminated)
 * instead of overflowing, so a printer need not check each step. */
#ifndef VH_MODELS_OVS_OVSFMT_H
#define VH_MODELS_OVS_OVSFMT_H 1

#include <stddef.h>

struct ovsfmt {
    char *buf;
    size_t size;
    size_t len;                 /* Never more than size - 1. */
};

/* Starts an empty text in 'buf' (which may be of size 0). */
void ovsfmt_init(struct ovsfmt *, char *buf, size_t size);

void ovsfmt_add(struct ovsfmt *, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

#endif /* models/ovs/ovsfmt.h */
