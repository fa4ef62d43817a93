/* sim/diag.c: keeps the first load-time error and suggests fixes for
 * misspelled names. */
#include "sim/diag.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
vh_diag_init(struct vh_diag *d)
{
    d->failed = false;
    d->msg[0] = '\0';
}

bool
vh_diag_fail(struct vh_diag *d, const char *path, const char *fmt, ...)
{
    if (d->failed) {
        return false;
    }
    d->failed = true;

    size_t n = 0;
    if (path && *path) {
        int w = snprintf(d->msg, sizeof d->msg, "%s: ", path);
        n = w < 0 ? 0 : (size_t) w;
        if (n >= sizeof d->msg) {
            return false;
        }
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->msg + n, sizeof d->msg - n, fmt, ap);
    va_end(ap);
    return false;
}

/* Words longer than this are not typos worth a suggestion, and the limit
 * keeps the distance table on the stack. */
#define MAX_WORD 128

/* Levenshtein distance (insertions, deletions, substitutions, each 1)
 * between 'a' and 'b', ignoring ASCII case.  Two rows of the usual dynamic
 * programming table suffice. */
static size_t
edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t prev[MAX_WORD + 1], cur[MAX_WORD + 1];

    for (size_t j = 0; j <= lb; j++) {
        prev[j] = j;
    }
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1]
                         + (tolower((unsigned char) a[i - 1])
                            != tolower((unsigned char) b[j - 1]));
            size_t del = prev[j] + 1;
            size_t ins = cur[j - 1] + 1;
            size_t m = sub < del ? sub : del;
            cur[j] = m < ins ? m : ins;
        }
        memcpy(prev, cur, (lb + 1) * sizeof prev[0]);
    }
    return prev[lb];
}

const char *
vh_suggest(const char *word, const char *const *candidates, size_t n)
{
    size_t len = strlen(word);
    if (len == 0 || len > MAX_WORD) {
        return NULL;
    }
    /* A plausible typo is at most 2 edits away, or a third of the word's
     * length for long words.  It must also keep at least one character of
     * the word: replacing every letter is a different word, not a typo
     * ("ab" is not a misspelling of "cd"). */
    size_t limit = len / 3 > 2 ? len / 3 : 2;
    if (limit >= len) {
        limit = len - 1;
    }

    const char *best = NULL;
    size_t best_d = limit + 1;
    for (size_t i = 0; i < n; i++) {
        if (!candidates[i] || strlen(candidates[i]) > MAX_WORD) {
            continue;
        }
        size_t d = edit_distance(word, candidates[i]);
        if (d < best_d) {
            best = candidates[i];
            best_d = d;
        }
    }
    return best;
}

char *
vh_join(const char *const *items, size_t n, char *buf, size_t len)
{
    static const char more[] = "...";
    size_t used = 0;

    if (len == 0) {
        return buf;
    }
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *sep = i ? ", " : "";
        size_t need = strlen(sep) + strlen(items[i]);
        /* Room must remain for ", ..." unless this is the last item. */
        size_t reserve = i + 1 < n ? strlen(", ") + strlen(more) : 0;
        if (used + need + reserve + 1 > len) {
            const char *tail = i ? ", ..." : more;
            if (used + strlen(tail) + 1 <= len) {
                strcpy(buf + used, tail);
            } else if (len > strlen(more)) {
                /* Not even the ellipsis fits after what we have: cut back
                 * to make room for it. */
                strcpy(buf + len - 1 - strlen(more), more);
            }
            return buf;
        }
        memcpy(buf + used, sep, strlen(sep));
        memcpy(buf + used + strlen(sep), items[i], strlen(items[i]));
        used += need;
        buf[used] = '\0';
    }
    return buf;
}
