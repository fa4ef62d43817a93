/* models/core/costs.c: the calibration table, its defaults, and checked
 * overrides by name. */
#include "models/core/costs.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/diag.h"

/* The largest value of each part of a cost (see parse_for_kind). */
#define COST_MAX_CYC 1e9
#define COST_MAX_NS 1e8
#define COST_MAX_CYC_PER_BYTE 1e6
#define COST_MAX_NS_PER_BYTE 1e5

const struct cost_info cost_table[COST_N] = {
#define COST(ID, NAME, KIND, DEFAULT, DOC) \
    [COST_##ID] = { NAME, COST_KIND_##KIND, DEFAULT, DOC },
#include "models/core/calibration.def"
#undef COST
};

/* A COUNT primitive is a plain whole number: budgets count frames, and a
 * fraction of a frame means nothing. */
static int
parse_count(const char *s, struct vh_cost_value *out, char *why,
            size_t why_len)
{
    uint64_t v = 0;
    const char *p = s;

    memset(out, 0, sizeof *out);
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (uint64_t) (*p - '0');
        if (v > UINT32_MAX) {
            snprintf(why, why_len, "\"%s\" is too large (at most %u)",
                     s, (unsigned) UINT32_MAX);
            return -1;
        }
    }
    if (p == s || *p) {
        snprintf(why, why_len, "\"%s\" is not a plain whole number; a "
                 "count takes no unit, such as \"64\"", s);
        return -1;
    }
    if (v == 0) {
        /* A budget of no frames would stop the loop it bounds forever. */
        snprintf(why, why_len, "a budget of 0 frames would never make "
                 "progress; it must be at least 1");
        return -1;
    }
    out->cyc = (double) v;
    return 0;
}

/* Parses 'value' for a primitive of 'kind'. */
static int
parse_for_kind(const struct cost_info *ci, const char *value,
               struct vh_cost_value *out, char *why, size_t why_len)
{
    if (ci->kind == COST_KIND_COUNT) {
        return parse_count(value, out, why, why_len);
    }
    if (vh_parse_cost(value, out, why, why_len)) {
        return -1;
    }
    /* What a core's price (32-bit cycles at up to 10 GHz) and a
     * hardware time (64-bit picoseconds) hold, with room to spare: more
     * would wrap silently.  No real primitive comes near. */
    if (out->cyc > COST_MAX_CYC || out->ns > COST_MAX_NS
        || out->cyc_per_byte > COST_MAX_CYC_PER_BYTE
        || out->ns_per_byte > COST_MAX_NS_PER_BYTE) {
        snprintf(why, why_len, "\"%s\" is more than one primitive can cost "
                 "(at most %.0fcyc or %.0fms per job, %.0fcyc/B or "
                 "%.0fus/B)", value, COST_MAX_CYC, COST_MAX_NS / 1e6,
                 COST_MAX_CYC_PER_BYTE, COST_MAX_NS_PER_BYTE / 1e3);
        memset(out, 0, sizeof *out);
        return -1;
    }
    if (ci->kind == COST_KIND_TIME && (out->cyc || out->cyc_per_byte
                                       || strstr(value, "cyc"))) {
        /* Hardware time does not depend on any core's clock, so cycles
         * would have no meaning. */
        snprintf(why, why_len, "'%s' is time spent in hardware, not on a "
                 "CPU, so \"%s\" in cycles does not fit; write a time such "
                 "as \"500ns\" or a per-byte time such as \"0.3ns/B\"",
                 ci->name, value);
        memset(out, 0, sizeof *out);
        return -1;
    }
    return 0;
}

void
costs_defaults(struct costs *c)
{
    for (size_t i = 0; i < COST_N; i++) {
        char why[256];
        if (parse_for_kind(&cost_table[i], cost_table[i].default_value,
                           &c->v[i], why, sizeof why)) {
            /* The table is part of the program; a bad default is a bug
             * that every run would hit, so stop at once. */
            fprintf(stderr, "models/core/calibration.def: %s: %s\n",
                    cost_table[i].name, why);
            abort();
        }
    }
}

int
costs_set(struct costs *c, const char *name, const char *value,
          char *why, size_t why_len)
{
    for (size_t i = 0; i < COST_N; i++) {
        if (!strcmp(cost_table[i].name, name)) {
            struct vh_cost_value v;
            if (parse_for_kind(&cost_table[i], value, &v, why, why_len)) {
                return -2;
            }
            c->v[i] = v;
            return 0;
        }
    }

    const char *names[COST_N];
    for (size_t i = 0; i < COST_N; i++) {
        names[i] = cost_table[i].name;
    }
    const char *guess = vh_suggest(name, names, COST_N);
    if (guess) {
        snprintf(why, why_len, "unknown cost '%s'; did you mean '%s'?",
                 name, guess);
    } else {
        snprintf(why, why_len, "unknown cost '%s' (the primitives are "
                 "listed in models/core/calibration.def)", name);
    }
    return -1;
}
