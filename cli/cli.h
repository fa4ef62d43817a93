/* cli/cli.h: the command line, on top of sim/ and models/.
 *
 * Exit status: 0 success, 1 a run-time failure (a file that cannot be
 * written), 2 bad input (a usage error or a scenario that does not load),
 * 130 interrupted. */
#ifndef VH_CLI_H
#define VH_CLI_H 1

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define VH_EXIT_OK 0
#define VH_EXIT_FAIL 1
#define VH_EXIT_USAGE 2
#define VH_EXIT_INTERRUPTED 130

#define VH_VERSION "0.1"

int vhsim_main(int argc, char **argv);

int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_lab(int argc, char **argv);

/* 'vhsim gui': runs vhsim-gui, found in the running program's directory
 * ('argv0' is vhsim's argv[0], used when /proc/self/exe cannot be read),
 * with the arguments after argv[0] ("gui").  Returns only if it could not
 * be started, with VH_EXIT_USAGE after saying what was looked for. */
int cmd_gui_exec(const char *argv0, int argc, char **argv);

struct world;
struct cfg_scenario;
struct vh_diag;

/* The file name "-" stands for standard input as the scenario, and for
 * standard output as --json or --csv. */
#define CLI_STDIO "-"

/* Whether 'path' is "-". */
bool cli_is_stdio(const char *path);

/* What messages call the scenario 'file': "stdin" for "-". */
const char *cli_input_name(const char *file);

/* cfg_load(), with "-" as standard input: read once, to its end (at most
 * CFG_TEXT_MAX bytes), and kept, so a command may load several variants
 * of it.  The scenario is then named "stdin", and relative paths in it
 * are relative to the working directory. */
struct cfg_scenario *cli_cfg_load(const char *file, const char *variant,
                                  struct vh_diag *diag);

/* The scenario's text, as cli_cfg_load() reads it ("-": standard input,
 * read once and kept).  NULL, with 'diag' saying why, if it cannot be
 * read.  The caller frees it. */
char *cli_read_scenario(const char *file, struct vh_diag *diag);

/* Loads 'file' (with variant 'variant' applied, if not NULL, and the seed
 * '*seed' if 'seed' is not NULL) and builds its world.  On failure prints
 * the error naming the file and JSON path, and returns NULL (exit status
 * VH_EXIT_USAGE).  The caller frees both with world_free and cfg_free. */
struct world *cli_load_world(const char *file, const char *variant,
                             const uint64_t *seed,
                             struct cfg_scenario **cfgp);

/* Seconds on a monotonic clock, for timing runs and pacing progress. */
double cli_wall_now(void);

/* Writes into 'out' the path of program 'name' in the directory of the
 * running vhsim: its real path (/proc/self/exe), so that a symbolic link
 * to vhsim finds it too, or else 'argv0' when that names a path (NULL:
 * no fallback).  False if neither says where the program is. */
bool cli_beside(const char *argv0, const char *name, char *out, size_t len);

/* Why execv() failed with 'err', in words that say what to do. */
const char *cli_exec_failure(int err);

/* Prints "vhsim: " and the message to stderr.  Returns 'status'. */
int cli_error(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Parses a non-negative decimal integer; false if 's' is not one. */
bool cli_parse_u64(const char *s, unsigned long long *out);

/* Writes 'text' to 'path' atomically (temporary file, then rename), or
 * to standard output if 'path' is "-". */
int cli_write_file(const char *path, const char *text, char *err,
                   size_t errlen);

/* From here on SIGINT, SIGTERM, SIGHUP and SIGQUIT remove every output's
 * temporary (sim/outfile.h) before ending the program. */
void cli_catch_signals(void);

/* An output a command will write: 'what' names it in messages
 * ("--json", "capture[2].file"); 'makes_dirs' when the writer creates
 * missing directories itself (captures). */
struct cli_output {
    const char *what;
    const char *path;           /* NULL: not written this time. */
    bool makes_dirs;
};

/* Before anything runs: every output's directory exists (unless it makes
 * its own) and can be written, no output is one of the 'inputs', and no
 * two outputs are one file, by identity (sim/outfile.h: vh_same_file).
 * "-" is standard input or output: two outputs cannot both be standard
 * output, and standard input or output redirected from or to a regular
 * file counts as that file.  Returns 0, or VH_EXIT_USAGE after saying
 * which. */
int cli_check_outputs(const char *const *inputs, size_t n_in,
                      const struct cli_output *outs, size_t n_out);

/* Flushes standard output at the end of the program and returns 'rc',
 * or VH_EXIT_FAIL after saying so on standard error if anything written
 * there was lost (a full disk, a closed pipe): a report that did not
 * reach its file is a failure, whatever the command's own status. */
int cli_finish_stdout(int rc);

#endif /* cli/cli.h */
