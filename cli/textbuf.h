/* cli/textbuf.h: a growing text buffer, and CSV fields written into it,
 * for the commands that write tables and CSV files (compare, sweep). */
#ifndef VH_CLI_TEXTBUF_H
#define VH_CLI_TEXTBUF_H 1

#include <stdbool.h>
#include <stddef.h>

/* Zero-initialized, it is empty; 's' is NUL-terminated once anything was
 * written, and the caller frees it. */
struct textbuf {
    char *s;
    size_t len, cap;
};

/* Appends printf-style text. */
void textbuf_printf(struct textbuf *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Appends CSV field 's', after a comma unless it is the row's 'first',
 * quoted (RFC 4180) when it holds a comma, a quote or a line break. */
void textbuf_csv_str(struct textbuf *, const char *s, bool first);

/* Appends a comma and number 'v' as the JSON report writes it
 * (report_format_number), so a CSV is rounded nowhere. */
void textbuf_csv_num(struct textbuf *, double v);

#endif /* cli/textbuf.h */
