/* models/ovs/ovsfmt.c: appending to a fixed-size text buffer. */
#include "models/ovs/ovsfmt.h"

#include <stdarg.h>
#include <stdio.h>

void
ovsfmt_init(struct ovsfmt *f, char *buf, size_t size)
{
    f->buf = buf;
    f->size = size;
    f->len = 0;
    if (size) {
        buf[0] = '\0';
    }
}

void
ovsfmt_add(struct ovsfmt *f, const char *format, ...)
{
    if (f->len + 1 >= f->size) {
        return;                 /* Full (or no room at all). */
    }
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(f->buf + f->len, f->size - f->len, format, ap);
    va_end(ap);
    if (n > 0) {
        f->len += (size_t) n;
        if (f->len >= f->size) {
            f->len = f->size - 1;
        }
    }
}
