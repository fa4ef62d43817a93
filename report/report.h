/* report/report.h: what a run produced, for people and for scripts.
 *
 * The JSON form carries the keys of the report contract (docs/scenarios.md,
 * "The report"); the terminal form shows the same content in
 * tables.  Both are pure functions of the world after a run, so the same
 * seed gives the same bytes; only 'wall_s' depends on the machine, and it
 * is given to a tenth of a second so short runs still compare equal (the
 * exact figure goes to standard error with 'vhsim run --verbose').
 *
 * Numbers are rounded once, where people read them: the JSON carries
 * every figure at full precision, the tables round it.  A latency that
 * was not measured (nothing delivered) is null in JSON and "-" in a
 * table, never 0. */
#ifndef VH_MODELS_REPORT_H
#define VH_MODELS_REPORT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

struct world;

/* The report's "schema": raised when a key changes meaning or goes away
 * (new keys do not raise it). */
#define REPORT_SCHEMA 1

/* The report as a JSON tree; the caller deletes it. */
cJSON *report_json(const struct world *, double wall_s);

/* The report (or any tree of reports, as 'vhsim compare' writes) as
 * JSON text with a final newline, every number exact: the shortest text
 * that reads back as the same double, counts with all their digits.
 * NULL if memory ran out; the caller frees it with free(). */
char *report_json_text(const cJSON *);

/* One number as report_json_text() writes it (40 bytes are enough). */
void report_format_number(double v, char *buf, size_t len);

/* The report for a terminal. */
void report_print(const struct world *, FILE *out);

/* A CPU category's name ("softirq", a key of the JSON report) as the
 * text tables print it, in the chosen language (sim/lang.h). */
const char *report_cat_text(const char *key);

/* Writes 'text' into a column 'width' terminal columns wide, left- or
 * right-aligned, counting a Chinese character as two columns (printf's
 * widths count bytes).  Text wider than the column is written whole. */
void report_cell(FILE *out, const char *text, int width, bool right);

#endif /* report/report.h */
