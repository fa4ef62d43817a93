/* cli/opts.h: the options of every command, parsed one way.
 *
 * Each command lists its options in a table and gets them back one by one
 * through a callback.  Parsing is getopt_long's, with the GNU conventions
 * users expect: options and the scenario in any order, "--" ends the
 * options (so a scenario named "-x.json" can be given), "--opt=value" and
 * "--opt value", short options that may be grouped ("-qs 7"), and
 * unambiguous prefixes of long ones.  What goes wrong is said in one
 * line naming the option, with a hint for a mistyped long option; --help
 * and -h print the command's usage to standard output. */
#ifndef VH_CLI_OPTS_H
#define VH_CLI_OPTS_H 1

#include <stdbool.h>
#include <stddef.h>

/* Keys of options with no short form start here, past every character. */
#define CLI_LONG_ONLY 256

struct cli_opt {
    const char *name;           /* "json" for --json. */
    int key;                    /* 'o' for -o, or CLI_LONG_ONLY + n. */
    bool has_arg;
};

/* Called for each option given, in order: 'key' from the table, 'val' its
 * value (NULL for an option without one).  Returns 0, or an exit status
 * after saying what is wrong. */
typedef int cli_opt_fn(void *ctx, int key, const char *val);

/* Parses argv[1..argc-1] by the 'n' options of 'opts' (--help and -h are
 * added).  The one operand left, the scenario, goes to '*operand'; none
 * prints 'usage' to standard error.  Returns 0; -1 after printing 'usage'
 * for --help (the command then exits 0); or VH_EXIT_USAGE, or what 'fn'
 * returned, after saying what is wrong.  Reorders argv. */
int cli_parse_opts(int argc, char **argv, const char *usage,
                   const struct cli_opt *opts, size_t n, cli_opt_fn *fn,
                   void *ctx, const char **operand);

/* Parses the value of option 'name' ("--seed") as a non-negative 64-bit
 * integer.  Returns 0, or VH_EXIT_USAGE after saying what it is not. */
int cli_opt_u64(const char *name, const char *val, unsigned long long *out);

/* Parses a --seeds value: "A..B" (seeds A to B) or "N" (1 to N), at most
 * a million.  Returns 0 with *seeds (the caller frees) and *n set, or
 * VH_EXIT_USAGE after saying what is wrong. */
int cli_opt_seeds(const char *val, unsigned long long **seeds, size_t *n);

/* The language of what students read (sim/lang.h), an option of every
 * command: takes each "--lang LANG" and "--lang=LANG" out of argv (up to
 * a "--"), wherever it stands ("vhsim --lang zh run x.json" and "vhsim
 * run x.json --lang zh" alike), so no command's own table lists it, and
 * sets the language: the last one given, else the locale's
 * (vh_lang_from_env).  Returns 0, or VH_EXIT_USAGE after saying that the
 * language is not "zh" or "en" (nothing is then run or written). */
int cli_take_lang(int *argc, char **argv);

/* The line each command's --help gives the option. */
#define CLI_LANG_HELP \
    "      --lang zh|en    the language of the text output (default: the\n" \
    "                      locale's; JSON and CSV stay English)\n"

#endif /* cli/opts.h */
