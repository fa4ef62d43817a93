/* models/core/costs.h: the calibration table and the scenario's overrides.
 *
 * The primitives themselves are listed in models/core/calibration.def.  Each
 * host turns them into its cores' prices once (cpu_prices_init; models
 * charge them with cpu_charge), and the world turns the hardware ones into
 * times once (hw_time, models/core/world.h); nothing else in vhsim knows a
 * cost. */
#ifndef VH_MODELS_COSTS_H
#define VH_MODELS_COSTS_H 1

#include <stddef.h>
#include <stdint.h>

#include "sim/time.h"
#include "sim/units.h"

enum cost_kind { COST_KIND_CPU, COST_KIND_TIME, COST_KIND_COUNT };

enum cost_id {
#define COST(ID, NAME, KIND, DEFAULT, DOC) COST_##ID,
#include "models/core/calibration.def"
#undef COST
    COST_N
};

struct costs {
    struct vh_cost_value v[COST_N];
};

/* Static description of one primitive. */
struct cost_info {
    const char *name;
    enum cost_kind kind;
    const char *default_value;
    const char *doc;
};

extern const struct cost_info cost_table[COST_N];

/* Fills 'c' with the defaults. */
void costs_defaults(struct costs *c);

/* Overrides primitive 'name' with the string 'value' ("1200cyc", "250ns",
 * "0.3ns/B", or a plain number for COUNT primitives).  Returns 0; -1 if
 * there is no such primitive; -2 if the value's unit does not fit the
 * primitive's kind or does not parse.  On failure 'why' says what was
 * wrong (with a did-you-mean for names). */
int costs_set(struct costs *c, const char *name, const char *value,
              char *why, size_t why_len);

/* A COUNT primitive's value. */
static inline uint32_t
cost_count(const struct costs *c, enum cost_id id)
{
    return (uint32_t) c->v[id].cyc;
}

#endif /* models/core/costs.h */
