/* tests/fuzz/fuzz_world.c: libFuzzer target that runs the worlds it
 * builds.
 *
 * fuzz_scenario.c stops once a scenario is built; a scenario that loads
 * and builds but sends the models somewhere they break (a timed set event
 * that changes a rate under a busy generator, a migration during another,
 * a NIC with one descriptor too few) only shows when events run.  This
 * target loads the input as 'vhsim run' does, builds the world, and runs
 * it for a bounded slice: the first RUN_TIME of simulated time and at
 * most RUN_EVENTS events, then writes the report into memory and frees
 * everything.  Captures are not opened: they are files, and the run
 * writes none.
 *
 * The bounds keep each input to milliseconds under the sanitizers: the
 * first millisecond of a scenario has its ARP exchanges, its first
 * packets through every hop and its earliest timed events, which is where
 * a model meets the configuration.  Variants are left to fuzz_scenario.c,
 * which builds them; running them too would only multiply the time.
 *
 * What counts as a finding: as for fuzz_scenario.c (a crash, a leak,
 * undefined behaviour, an empty refusal), and a run whose clock goes
 * backwards or whose flows deliver or drop more packets than they sent. */
#include "models/core/config.h"
#include "models/core/world.h"
#include "report/report.h"
#include "sim/diag.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INPUT (256u << 10)
#define RUN_TIME (1 * VH_MS)
#define RUN_EVENTS 50000
#define STEP (2 * VH_US)        /* Events are counted between steps. */

/* Aborts unless every flow's packets add up: nothing delivered or dropped
 * that was not sent (ICMP counts replies, which are one per request). */
static void
check_flows(const struct world *w)
{
    for (size_t i = 0; i < w->n_flows; i++) {
        const struct flow_stats *fs = &w->flows[i];
        if (fs->delivered + fs->drops.total > fs->sent
            && !fs->xport) {
            abort();
        }
    }
}

static void
run(struct world *w)
{
    vh_time_t end = w->end < RUN_TIME ? w->end : RUN_TIME;
    vh_time_t until = 0, last = 0;
    while (until < end && vh_sim_live(&w->sim)
           && w->sim.events_run < RUN_EVENTS) {
        until = end - until > STEP ? until + STEP : end;
        vh_sim_run(&w->sim, until);
        if (w->sim.now < last) {
            abort();            /* The clock went backwards. */
        }
        last = w->sim.now;
    }
    check_flows(w);
    cJSON *report = report_json(w, 0.0);
    if (!report) {
        abort();
    }
    char *text = report_json_text(report);
    free(text);
    cJSON_Delete(report);

    /* The text report too: its tables divide by what was delivered. */
    static FILE *devnull;
    if (!devnull) {
        devnull = fopen("/dev/null", "w");
    }
    if (devnull) {
        report_print(w, devnull);
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
        vh_diag_init(&diag);
        struct world *w = world_build(cfg, &diag);
        if (w) {
            run(w);
            world_free(w);
        } else if (!diag.failed || !diag.msg[0]) {
            abort();
        }
        cfg_free(cfg);
    }
    free(text);
    return 0;
}
