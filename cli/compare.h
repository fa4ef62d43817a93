/* cli/compare.h: the outputs of 'vhsim compare', from finished reports.
 *
 * 'vhsim compare' runs the base scenario and its variants one after
 * another and keeps each run's JSON report (report/report.h).  The table
 * and the CSV are both read from those reports, so they show exactly what
 * the JSON says. */
#ifndef VH_CLI_COMPARE_H
#define VH_CLI_COMPARE_H 1

#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

/* One finished run. */
struct compare_run {
    const char *name;           /* "base" or the variant's name. */
    cJSON *report;              /* report_json() of that run, or for a
                                 * refused one { "name", "refused" }. */
    const char *refused;        /* Why it could not run; NULL if it ran. */
};

/* Prints the runs side by side: one column per run, one row per metric.
 * Columns that do not fit in 'width' characters (0: no limit) continue in
 * a further block below, with the row labels repeated. */
void compare_print(const struct compare_run *, size_t n, int width,
                   FILE *out);

/* The runs as CSV, one row per (run, flow), header first; the columns
 * are described in the definition.  The caller frees the text. */
char *compare_csv(const struct compare_run *, size_t n);

/* The mean of 'n' reports of one run under different seeds, as a report
 * of the same form: every number the mean across the runs (a key missing
 * from a run's object counts 0, a null is left out), everything else the
 * first run's.  The caller deletes it. */
cJSON *compare_mean(cJSON *const *reports, size_t n);

/* Accessors shared by the table and the CSV: a number (0 if absent), a
 * string ("" if absent). */
double compare_num(const cJSON *, const char *key);
const char *compare_str(const cJSON *, const char *key);

/* The host whose counters go with flow 'flow' of 'report': the host of
 * the flow's source if it runs VMs, else that of its destination if it
 * does, else the source's.  NULL if neither is a host of the report. */
const cJSON *compare_flow_host(const cJSON *report, const cJSON *flow);

#endif /* cli/compare.h */
