/* tests/fuzz/fuzz_scenario.c: libFuzzer target for the scenario loader.
 *
 * The input is a scenario's text.  It goes through the loader exactly as
 * 'vhsim check' takes it (every validation, every variant tried), and
 * whatever loads is built into a world, because the models refuse things
 * too and they do it in world_build().  The world is not run: a valid
 * scenario may ask for hours of simulated traffic, and a fuzz input that
 * takes seconds is a timeout, not a finding.
 *
 * What counts as a finding: a crash, a leak, undefined behaviour, or a
 * refusal whose message names no JSON path's worth of text (an empty
 * diagnostic would leave the user with "error: " and nothing else). */
#include "models/core/config.h"
#include "models/core/world.h"
#include "sim/diag.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Scenarios are read whole; anything far beyond the largest shipped one
 * only makes each run slower without reaching new code. */
#define MAX_INPUT (256u << 10)

static void
build(const struct cfg_scenario *cfg)
{
    struct vh_diag diag;
    vh_diag_init(&diag);
    struct world *w = world_build(cfg, &diag);
    if (w) {
        world_free(w);
    } else if (!diag.failed || !diag.msg[0]) {
        abort();                /* Refused without saying why. */
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_INPUT) {
        return -1;
    }
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';

    struct vh_diag diag;
    struct cfg_scenario *cfg = cfg_load_string(text, "fuzz.json", NULL,
                                               &diag);
    if (!cfg) {
        if (!diag.failed || !diag.msg[0]) {
            abort();
        }
    } else {
        build(cfg);
        /* Each variant is a scenario of its own: load and build the
         * first few the way 'vhsim compare' would. */
        for (size_t i = 0; i < cfg->n_variants && i < 4; i++) {
            struct cfg_scenario *v = cfg_load_string(
                text, "fuzz.json", cfg->variant_names[i], &diag);
            if (v) {
                build(v);
                cfg_free(v);
            } else if (!diag.failed || !diag.msg[0]) {
                abort();
            }
        }
        cfg_free(cfg);
    }
    free(text);
    return 0;
}
