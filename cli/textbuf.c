/* cli/textbuf.c: a growing text buffer and CSV fields (cli/textbuf.h). */
#include "cli/textbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report/report.h"
#include "sim/xmalloc.h"

void
textbuf_printf(struct textbuf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t) n < b->cap - b->len) {
            b->len += (size_t) n;
            return;
        }
        b->cap = 2 * b->cap + (n > 0 ? (size_t) n : 0) + 64;
        b->s = vh_xrealloc(b->s, b->cap);
    }
}

void
textbuf_csv_str(struct textbuf *b, const char *s, bool first)
{
    if (!first) {
        textbuf_printf(b, ",");
    }
    if (!s[strcspn(s, ",\"\r\n")]) {
        textbuf_printf(b, "%s", s);
        return;
    }
    textbuf_printf(b, "\"");
    for (; *s; s++) {
        textbuf_printf(b, *s == '"' ? "\"\"" : "%c", *s);
    }
    textbuf_printf(b, "\"");
}

void
textbuf_csv_num(struct textbuf *b, double v)
{
    char tmp[40];
    report_format_number(v, tmp, sizeof tmp);
    textbuf_printf(b, ",%s", tmp);
}
