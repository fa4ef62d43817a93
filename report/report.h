/* report/report.h: what a run produced, for people and for scripts.
 *
 * The JSON form carries the keys of the report contract (docs/scenarios.md,
 * "The report"); the terminal form shows the same content in
 * tables.  Both are pure functions of the world after a run, so the same
 * seed gives the same bytes; only 'wall_s' depends on the machine, and it
 * is given to a tenth of a second so short runs still compare equal (the
 * exact figure goes to standard error). */
#ifndef VH_MODELS_REPORT_H
#define VH_MODELS_REPORT_H 1

#include <stdio.h>

#include <cjson/cJSON.h>

struct world;

/* The report as a JSON tree; the caller deletes it. */
cJSON *report_json(const struct world *, double wall_s);

/* The report for a terminal. */
void report_print(const struct world *, FILE *out);

#endif /* report/report.h */
