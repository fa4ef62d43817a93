/* sim/lang.c: the catalog behind vh_tr(). */
#include "sim/lang.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tr_entry {
    const char *en;
    const char *zh;
};

/* Each area keeps its own file of TR("English", "中文") lines, so that
 * the report, the GUI and the labs can grow their texts apart. */
static struct tr_entry catalog[] = {
#define TR(EN, ZH) { EN, ZH },
#include "sim/lang/report.def"
#include "sim/lang/gui.def"
#include "sim/lang/lab.def"
#include "sim/lang/step.def"
#undef TR
};
static const size_t n_catalog = sizeof catalog / sizeof catalog[0];

/* The texts of a packet's steps again, for vh_tr_step() to recognise
 * formatted ones by their English format. */
static const struct tr_entry steps[] = {
#define TR(EN, ZH) { EN, ZH },
#include "sim/lang/step.def"
#undef TR
};
static const size_t n_steps = sizeof steps / sizeof steps[0];
static int catalog_sorted;

/* Report keys and drop reasons, glossed apart from the catalog: a key
 * ("dropped", "policed") may also be a word of a sentence elsewhere. */
static struct tr_entry glossary[] = {
#define GLOSS(KEY, ZH) { KEY, ZH },
#include "sim/lang/gloss.def"
#undef GLOSS
};
static const size_t n_glossary = sizeof glossary / sizeof glossary[0];
static int glossary_sorted;

static enum vh_lang current = VH_LANG_EN;

void
vh_lang_set(enum vh_lang lang)
{
    current = lang;
}

enum vh_lang
vh_lang_get(void)
{
    return current;
}

int
vh_lang_parse(const char *name, enum vh_lang *out)
{
    if (!name || !*name) {
        return -1;
    }
    if (!strncmp(name, "zh", 2) && (name[2] == '\0' || name[2] == '_'
                                    || name[2] == '-' || name[2] == '.')) {
        *out = VH_LANG_ZH;
        return 0;
    }
    if (!strncmp(name, "en", 2) && (name[2] == '\0' || name[2] == '_'
                                    || name[2] == '-' || name[2] == '.')) {
        *out = VH_LANG_EN;
        return 0;
    }
    if (!strcmp(name, "C") || !strcmp(name, "POSIX")
        || !strncmp(name, "C.", 2)) {
        *out = VH_LANG_EN;
        return 0;
    }
    return -1;
}

enum vh_lang
vh_lang_from_env(void)
{
    static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v) {
            enum vh_lang lang;
            /* The first variable set decides, as in setlocale(). */
            return vh_lang_parse(v, &lang) == 0 ? lang : VH_LANG_EN;
        }
    }
    return VH_LANG_EN;
}

static int
entry_cmp(const void *a_, const void *b_)
{
    const struct tr_entry *a = a_, *b = b_;
    return strcmp(a->en, b->en);
}

static const struct tr_entry *
lookup(const char *en)
{
    if (!catalog_sorted) {
        qsort(catalog, n_catalog, sizeof catalog[0], entry_cmp);
        catalog_sorted = 1;
    }
    struct tr_entry key = { en, NULL };
    return bsearch(&key, catalog, n_catalog, sizeof catalog[0], entry_cmp);
}

const char *
vh_tr(const char *en)
{
    if (current != VH_LANG_ZH || !en) {
        return en;
    }
    const struct tr_entry *e = lookup(en);
    return e ? e->zh : en;
}

/* The length of the printf conversion at 'f' (which is at a '%', not
 * "%%").  '*digits' says whether it prints an integer. */
static size_t
conversion(const char *f, int *digits)
{
    size_t n = 1 + strspn(f + 1, "-+ #0123456789.*hlzjtL");
    *digits = f[n] && strchr("diouxX", f[n]) != NULL;
    return n + (f[n] != '\0');
}

enum { STEP_ARGS = 4 };

/* Whether 't' is what format 'f' prints, its conversions standing for
 * the texts 'arg[n...]' (of 'len[n...]' bytes) found.  A %s takes any
 * non-empty text, tried shortest first; an integer's, only digits. */
static int
match_step(const char *t, const char *f, const char **arg, size_t *len,
           size_t n, size_t *n_out)
{
    while (*f && (*f != '%' || f[1] == '%')) {
        size_t lit = f[0] == '%';
        if (*t != f[lit]) {
            return 0;
        }
        t++, f += 1 + lit;
    }
    if (!*f) {
        *n_out = n;
        return !*t;
    }
    int digits;
    f += conversion(f, &digits);
    if (n == STEP_ARGS || *f == '%') {
        return 0;               /* Two conversions side by side. */
    }
    const char *last = t + strlen(t);
    for (const char *end = t + 1; end <= last; end++) {
        if (digits && (end[-1] < '0' || end[-1] > '9')) {
            return 0;
        }
        arg[n] = t, len[n] = (size_t) (end - t);
        if (match_step(end, f, arg, len, n + 1, n_out)) {
            return 1;
        }
    }
    return 0;
}

/* Whether 'text' is English format 'fmt' formatted; then writes 'zh'
 * into 'buf' with each conversion replaced by what 'text' has there, in
 * order (lang_missing.sh keeps the conversions of both alike).  A text a
 * %s stands for that is a step of its own is translated too ("weave
 * router: ..."); rules and names are not, whatever they spell. */
static int
fill_step(const char *text, const char *fmt, const char *zh, char *buf,
          size_t size)
{
    const char *arg[STEP_ARGS];
    size_t len[STEP_ARGS], n;
    if (!match_step(text, fmt, arg, len, 0, &n)) {
        return 0;
    }
    size_t o = 0, k = 0;
    for (const char *z = zh; *z && o + 1 < size;) {
        if (*z == '%' && z[1] == '%') {
            buf[o++] = '%', z += 2;
        } else if (*z == '%') {
            int digits;
            z += conversion(z, &digits);
            if (k == n) {
                return 0;
            }
            /* The argument as the English had it, whatever its length
             * (a megaflow is longer than any step): only one short
             * enough to be a step is looked up as one. */
            const char *s = arg[k];
            size_t l = len[k];
            char one[128];
            if (l < sizeof one) {
                memcpy(one, s, l);
                one[l] = '\0';
                for (size_t i = 0; i < n_steps; i++) {
                    if (!strcmp(steps[i].en, one)) {
                        s = steps[i].zh, l = strlen(s);
                    }
                }
            }
            k++;
            l = o + l < size - 1 ? l : size - 1 - o;
            memcpy(buf + o, s, l);
            o += l;
        } else {
            buf[o++] = *z++;
        }
    }
    buf[o] = '\0';
    return 1;
}

const char *
vh_tr_step(const char *text, char *buf, size_t size)
{
    if (current != VH_LANG_ZH || !text || !size) {
        return text;
    }
    const struct tr_entry *e = lookup(text);
    if (e) {
        return e->zh;
    }
    for (size_t i = 0; i < n_steps; i++) {
        if (strchr(steps[i].en, '%')
            && fill_step(text, steps[i].en, steps[i].zh, buf, size)) {
            return buf;
        }
    }
    return text;
}

int
vh_tr_has(const char *en)
{
    return en && lookup(en) != NULL;
}

static const struct tr_entry *
gloss_lookup(const char *key)
{
    if (!glossary_sorted) {
        qsort(glossary, n_glossary, sizeof glossary[0], entry_cmp);
        glossary_sorted = 1;
    }
    struct tr_entry k = { key, NULL };
    return bsearch(&k, glossary, n_glossary, sizeof glossary[0], entry_cmp);
}

const char *
vh_gloss(const char *key)
{
    if (current != VH_LANG_ZH || !key) {
        return key;
    }
    const struct tr_entry *e = gloss_lookup(key);
    return e ? e->zh : key;
}

const char *
vh_gloss_reason(const char *reason, char *buf, size_t size)
{
    const char *zh = vh_gloss(reason);
    if (zh == reason) {
        return reason;
    }
    snprintf(buf, size, "%s (%s)", zh, reason);
    return buf;
}

int
vh_gloss_has(const char *key)
{
    return key && gloss_lookup(key) != NULL;
}

/* Decodes one UTF-8 code point at 's', returning its length (1 for a
 * byte that does not start a valid sequence, which then counts as one
 * column). */
static size_t
utf8_next(const unsigned char *s, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t n = (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3
             : (s[0] & 0xf8) == 0xf0 ? 4 : 1;
    if (n == 1) {
        *cp = s[0];
        return 1;
    }
    uint32_t v = s[0] & (0x7f >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *cp = s[0];
            return 1;
        }
        v = v << 6 | (s[i] & 0x3f);
    }
    *cp = v;
    return n;
}

/* East Asian Wide and Fullwidth ranges that Chinese text uses. */
static int
is_wide(uint32_t cp)
{
    return (cp >= 0x1100 && cp <= 0x115f)
        || (cp >= 0x2e80 && cp <= 0x303e)
        || (cp >= 0x3041 && cp <= 0x33ff)
        || (cp >= 0x3400 && cp <= 0x4dbf)
        || (cp >= 0x4e00 && cp <= 0x9fff)
        || (cp >= 0xa000 && cp <= 0xa4cf)
        || (cp >= 0xac00 && cp <= 0xd7a3)
        || (cp >= 0xf900 && cp <= 0xfaff)
        || (cp >= 0xfe30 && cp <= 0xfe4f)
        || (cp >= 0xff00 && cp <= 0xff60)
        || (cp >= 0xffe0 && cp <= 0xffe6)
        || (cp >= 0x20000 && cp <= 0x3fffd);
}

size_t
vh_text_width(const char *s)
{
    size_t w = 0;
    const unsigned char *p = (const unsigned char *) s;
    while (*p) {
        uint32_t cp;
        p += utf8_next(p, &cp);
        w += is_wide(cp) ? 2 : 1;
    }
    return w;
}

const char *
vh_pad(char *buf, size_t size, const char *s, size_t width, int right)
{
    if (!size) {
        return buf;
    }
    size_t len = strlen(s), w = vh_text_width(s);
    size_t fill = w < width ? width - w : 0;
    if (len + fill + 1 > size) {
        fill = len + 1 < size ? size - 1 - len : 0;
        if (len + 1 > size) {
            len = size - 1;
        }
    }
    if (right) {
        memset(buf, ' ', fill);
        memcpy(buf + fill, s, len);
    } else {
        memcpy(buf, s, len);
        memset(buf + len, ' ', fill);
    }
    buf[len + fill] = '\0';
    return buf;
}
