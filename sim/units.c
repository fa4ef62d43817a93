/* sim/units.c: parses the quantities that scenarios write as strings.
 *
 * Numbers are plain decimals ("2.5", "10", "0.3"): no sign, no exponent, a
 * digit on both sides of any decimal point.  They are read as an integer
 * mantissa and a count of fraction digits, so "2.5us" is exactly 2500000 ps
 * and "10G" exactly 10^10 bit/s, with no binary floating point in between.
 * Every message written into 'why' quotes the input, so a caller can print
 * "JSONPATH: why" and the user sees what was read. */
#include "sim/units.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sim/diag.h"

/* A decimal number as read: value = mant / 10^frac. */
struct decimal {
    uint64_t mant;
    int frac;
};

/* 18 significant digits keep mant * 10^12 (the largest unit scale) inside
 * 128 bits with room to spare. */
#define MAX_DIGITS 18

static void
say(char *why, size_t len, const char *fmt, ...)
{
    if (why && len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, len, fmt, ap);
        va_end(ap);
    }
}

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Reads the number at the start of 's'.  On success stores it in 'd' and
 * the rest (the unit) in '*unit', and returns true.  On failure writes a
 * reason mentioning 'example' (such as "10us"). */
static bool
read_decimal(const char *s, struct decimal *d, const char **unit,
             const char *what, const char *example, char *why, size_t len)
{
    const char *p = s;
    int digits = 0;

    if (*s == '\0') {
        say(why, len, "empty string; expected %s such as \"%s\"",
            what, example);
        return false;
    }
    if (*s == '-') {
        say(why, len, "\"%s\" is negative; %s is never negative", s, what);
        return false;
    }
    if (*s == ' ' || *s == '\t' || s[strlen(s) - 1] == ' '
        || s[strlen(s) - 1] == '\t') {
        say(why, len, "\"%s\" has spaces around it; write it without "
            "spaces, such as \"%s\"", s, example);
        return false;
    }
    if (!is_digit(*s)) {
        say(why, len, "\"%s\" does not start with a number; expected %s "
            "such as \"%s\"", s, what, example);
        return false;
    }

    d->mant = 0;
    d->frac = 0;
    for (; is_digit(*p); p++) {
        if (d->mant == 0 && *p == '0') {
            continue;           /* Leading zeros are not significant. */
        }
        if (++digits > MAX_DIGITS) {
            say(why, len, "\"%s\" has more than %d significant digits",
                s, MAX_DIGITS);
            return false;
        }
        d->mant = d->mant * 10 + (uint64_t) (*p - '0');
    }
    if (*p == '.') {
        p++;
        if (!is_digit(*p)) {
            say(why, len, "\"%s\": a decimal point must be followed by "
                "digits", s);
            return false;
        }
        for (; is_digit(*p); p++) {
            if (d->mant == 0 && *p == '0') {
                d->frac++;      /* Leading zeros of "0.005". */
                continue;
            }
            if (++digits > MAX_DIGITS) {
                say(why, len, "\"%s\" has more than %d significant digits",
                    s, MAX_DIGITS);
                return false;
            }
            d->mant = d->mant * 10 + (uint64_t) (*p - '0');
            d->frac++;
        }
    }
    if ((*p == 'e' || *p == 'E')
        && (is_digit(p[1]) || p[1] == '-' || p[1] == '+')) {
        say(why, len, "\"%s\" has an exponent; write plain decimals, "
            "such as \"%s\"", s, example);
        return false;
    }
    if (*p == ' ' || *p == '\t') {
        const char *u = p + strspn(p, " \t");
        say(why, len, "\"%s\" has a space before its unit; write \"%.*s%s\"",
            s, (int) (p - s), s, u);
        return false;
    }
    *unit = p;
    return true;
}

static unsigned __int128
pow10_128(int n)
{
    unsigned __int128 r = 1;
    while (n-- > 0) {
        r *= 10;
    }
    return r;
}

/* d * scale rounded to the nearest integer (halves up), if it fits in 64
 * bits. */
static bool
scale_exact(const struct decimal *d, uint64_t scale, uint64_t *out)
{
    unsigned __int128 num = (unsigned __int128) d->mant * scale;
    unsigned __int128 den = pow10_128(d->frac);
    unsigned __int128 q = (num + den / 2) / den;
    if (q > UINT64_MAX) {
        return false;
    }
    *out = (uint64_t) q;
    return true;
}

/* d * scale as a double, from exact integers where possible. */
static double
scale_double(const struct decimal *d, double scale)
{
    double den = 1.0;
    for (int i = 0; i < d->frac; i++) {
        den *= 10.0;
    }
    return (double) d->mant * scale / den;
}

struct unit {
    const char *name;
    uint64_t scale;
};

static const struct unit time_units[] = {
    { "ps", VH_PS }, { "ns", VH_NS }, { "us", VH_US },
    { "\xc2\xb5s", VH_US },     /* MICRO SIGN U+00B5. */
    { "\xce\xbcs", VH_US },     /* GREEK SMALL LETTER MU U+03BC. */
    { "ms", VH_MS }, { "s", VH_SEC },
};

static const struct unit *
find_unit(const struct unit *units, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(units[i].name, name)) {
            return &units[i];
        }
    }
    return NULL;
}

/* Writes "unknown UNIT unit 'x' in "s"; did you mean 'y'? expected LIST". */
static void
unknown_unit(const char *s, const char *unit, const char *what,
             const char *const *names, size_t n, const char *list,
             char *why, size_t len)
{
    const char *guess = vh_suggest(unit, names, n);
    if (guess) {
        say(why, len, "unknown %s unit '%s' in \"%s\"; did you mean '%s'? "
            "(expected %s)", what, unit, s, guess, list);
    } else {
        say(why, len, "unknown %s unit '%s' in \"%s\" (expected %s)",
            what, unit, s, list);
    }
}

int
vh_parse_time(const char *s, vh_time_t *out, char *why, size_t why_len)
{
    static const char *const names[] = { "ps", "ns", "us", "ms", "s" };
    static const char list[] = "ps, ns, us, ms or s";
    struct decimal d;
    const char *unit;

    if (!read_decimal(s, &d, &unit, "a time", "10us", why, why_len)) {
        return -1;
    }
    if (*unit == '\0') {
        say(why, why_len, "\"%s\" has no unit; write \"%sus\", \"%sms\" or "
            "another of %s", s, s, s, list);
        return -1;
    }
    const struct unit *u = find_unit(time_units, sizeof time_units
                                     / sizeof time_units[0], unit);
    if (!u) {
        unknown_unit(s, unit, "time", names, 5, list, why, why_len);
        return -1;
    }
    if (!scale_exact(&d, u->scale, out)) {
        say(why, why_len, "\"%s\" is too long a time (the limit is about "
            "213 days)", s);
        return -1;
    }
    return 0;
}

/* Bit-rate prefixes shared by link speeds and traffic rates. */
static const struct unit bit_units[] = {
    { "bps", 1 },
    { "K", 1000 }, { "k", 1000 }, { "Kbps", 1000 }, { "kbps", 1000 },
    { "M", 1000000 }, { "Mbps", 1000000 },
    { "G", 1000000000 }, { "Gbps", 1000000000 },
    { "T", 1000000000000ULL }, { "Tbps", 1000000000000ULL },
};
static const char *const bit_names[] = {
    "bps", "K", "k", "Kbps", "kbps", "M", "Mbps", "G", "Gbps", "T", "Tbps",
};

int
vh_parse_link_speed(const char *s, uint64_t *bps, char *why, size_t why_len)
{
    static const char list[] = "bps, K, M, G or T, optionally followed by "
                               "bps";
    struct decimal d;
    const char *unit;

    if (!read_decimal(s, &d, &unit, "a link speed", "10G", why, why_len)) {
        return -1;
    }
    if (*unit == '\0') {
        say(why, why_len, "\"%s\" has no unit; write \"%sG\", \"%sM\" or "
            "\"%sGbps\"", s, s, s, s);
        return -1;
    }
    const struct unit *u = find_unit(bit_units, sizeof bit_units
                                     / sizeof bit_units[0], unit);
    if (!u) {
        unknown_unit(s, unit, "link speed", bit_names,
                     sizeof bit_names / sizeof bit_names[0], list,
                     why, why_len);
        return -1;
    }
    if (!scale_exact(&d, u->scale, bps)) {
        say(why, why_len, "\"%s\" is too fast a link", s);
        return -1;
    }
    if (*bps == 0) {
        say(why, why_len, "\"%s\": a link speed must be greater than zero",
            s);
        return -1;
    }
    return 0;
}

static const struct unit pps_units[] = {
    { "pps", 1 }, { "kpps", 1000 }, { "Kpps", 1000 },
    { "Mpps", 1000000 }, { "Gpps", 1000000000 },
};

int
vh_parse_rate(const char *s, double *pps, double *bps, char *why,
              size_t why_len)
{
    static const char *const names[] = {
        "pps", "kpps", "Kpps", "Mpps", "Gpps",
        "bps", "kbps", "Kbps", "Mbps", "Gbps", "Tbps", "K", "k", "M", "G",
        "T",
    };
    static const char list[] = "pps, kpps, Mpps, Gpps for packets or bps, "
                               "kbps, Mbps, Gbps for bits per second";
    struct decimal d;
    const char *unit;

    if (!read_decimal(s, &d, &unit, "a rate", "1Mpps", why, why_len)) {
        return -1;
    }
    if (*unit == '\0') {
        say(why, why_len, "\"%s\" has no unit; write \"%spps\" for packets "
            "per second, or use kpps, Mpps or Gbps (e.g. \"1Mpps\")", s, s);
        return -1;
    }
    *pps = 0;
    *bps = 0;
    const struct unit *u = find_unit(pps_units, sizeof pps_units
                                     / sizeof pps_units[0], unit);
    if (u) {
        *pps = scale_double(&d, (double) u->scale);
    } else if ((u = find_unit(bit_units, sizeof bit_units
                              / sizeof bit_units[0], unit)) != NULL) {
        *bps = scale_double(&d, (double) u->scale);
    } else {
        unknown_unit(s, unit, "rate", names, sizeof names / sizeof names[0],
                     list, why, why_len);
        return -1;
    }
    if (d.mant == 0) {
        *pps = *bps = 0;
        say(why, why_len, "\"%s\": a rate must be greater than zero", s);
        return -1;
    }
    return 0;
}

int
vh_parse_cost(const char *s, struct vh_cost_value *out, char *why,
              size_t why_len)
{
    /* Scales to nanoseconds, as numerator / denominator. */
    static const struct { const char *name; double ns; } tunits[] = {
        { "ps", 0.001 }, { "ns", 1 }, { "us", 1e3 }, { "\xc2\xb5s", 1e3 },
        { "\xce\xbcs", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
    };
    static const char *const names[] = {
        "cyc", "cyc/B", "ps", "ns", "us", "ms", "s", "ns/B", "ps/B",
    };
    static const char list[] = "cyc, ns, us, ps, cyc/B or ns/B";
    struct decimal d;
    const char *unit;

    memset(out, 0, sizeof *out);
    if (!read_decimal(s, &d, &unit, "a cost", "1200cyc", why, why_len)) {
        return -1;
    }
    if (*unit == '\0') {
        say(why, why_len, "\"%s\" has no unit; write \"%scyc\", \"%sns\" or "
            "a per-byte cost such as \"%scyc/B\"", s, s, s, s);
        return -1;
    }
    if (!strcmp(unit, "cyc")) {
        out->cyc = scale_double(&d, 1);
        return 0;
    }
    if (!strcmp(unit, "cyc/B")) {
        out->cyc_per_byte = scale_double(&d, 1);
        return 0;
    }
    size_t ulen = strlen(unit);
    bool per_byte = ulen > 2 && !strcmp(unit + ulen - 2, "/B");
    for (size_t i = 0; i < sizeof tunits / sizeof tunits[0]; i++) {
        size_t n = strlen(tunits[i].name);
        if (ulen == n + (per_byte ? 2 : 0)
            && !strncmp(unit, tunits[i].name, n)) {
            double ns = scale_double(&d, 1) * tunits[i].ns;
            if (per_byte) {
                out->ns_per_byte = ns;
            } else {
                out->ns = ns;
            }
            return 0;
        }
    }
    unknown_unit(s, unit, "cost", names, sizeof names / sizeof names[0],
                 list, why, why_len);
    return -1;
}

char *
vh_format_time(vh_time_t ps, char *buf, size_t len)
{
    static const struct unit units[] = {
        { "s", VH_SEC }, { "ms", VH_MS }, { "us", VH_US }, { "ns", VH_NS },
        { "ps", VH_PS },
    };
    const size_t n = sizeof units / sizeof units[0];
    size_t i = 0;

    if (ps == 0) {
        snprintf(buf, len, "0s");
        return buf;
    }
    while (i < n - 1 && ps < units[i].scale) {
        i++;
    }
    /* Three decimals at most, rounded; rounding up to 1000 of a unit moves
     * to the next larger unit ("999.9996us" reads "1ms"). */
    unsigned __int128 milli = ((unsigned __int128) ps * 1000
                               + units[i].scale / 2) / units[i].scale;
    if (milli >= 1000000 && i > 0) {
        i--;
        milli = ((unsigned __int128) ps * 1000 + units[i].scale / 2)
                / units[i].scale;
    }
    uint64_t whole = (uint64_t) (milli / 1000);
    unsigned frac = (unsigned) (milli % 1000);
    if (frac == 0) {
        snprintf(buf, len, "%" PRIu64 "%s", whole, units[i].name);
    } else {
        char f[4];
        snprintf(f, sizeof f, "%03u", frac);
        for (int k = 2; k > 0 && f[k] == '0'; k--) {
            f[k] = '\0';
        }
        snprintf(buf, len, "%" PRIu64 ".%s%s", whole, f, units[i].name);
    }
    return buf;
}
