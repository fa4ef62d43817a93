/* cli/lab.h: what 'vhsim lab' (cli/cmd_lab.c) reads from a lesson's runs
 * (cli/lab_runs.c).
 *
 * A lesson's questions are decided by numbers of the run's JSON report:
 * the same report 'vhsim run --json' writes, of the base scenario or of
 * one of its variants.  Each run is made once, when a question first
 * needs it, and kept for the others. */
#ifndef VH_CLI_LAB_H
#define VH_CLI_LAB_H 1

#include <stdbool.h>
#include <stddef.h>

struct cfg_lesson;
struct cfg_question;
struct cfg_figure;
struct lab_runs;

/* The runs of lesson file 'file' ("-": standard input), none made yet. */
struct lab_runs *lab_runs_new(const char *file);
void lab_runs_free(struct lab_runs *);

/* The value of observable 'fig' of question 'q': 'fig->pointer' in the
 * report of variant 'variant' (NULL: fig->variant), divided by the
 * question's 'per' figure if it has one (read in the same variant for a
 * question of kind 'variant').  On success returns 0 with the value in
 * '*v' and, in 'shown', how it was found ("/flows/0/sent = 400").
 * Otherwise returns VH_EXIT_USAGE with 'why' saying, at the question's
 * JSON path, what the pointer did not reach (a scenario that does not
 * load has been reported already). */
int lab_value(struct lab_runs *, const struct cfg_question *q,
              const char *variant, double *v, char *shown, size_t shown_len,
              char *why, size_t why_len);

/* The numbers a lab prints: up to six significant digits, no exponent
 * below a million. */
void lab_format_number(double v, char *buf, size_t len);

#endif /* cli/lab.h */
