/* cli/opts.c: getopt_long for every command (cli/opts.h). */
#include "cli/opts.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sim/diag.h"
#include "sim/lang.h"
#include "sim/xmalloc.h"

static const struct cli_opt *
find_key(const struct cli_opt *opts, size_t n, int key)
{
    for (size_t i = 0; i < n; i++) {
        if (opts[i].key == key) {
            return &opts[i];
        }
    }
    return NULL;
}

/* An unknown long option, as typed ("--jsn=x" is "--jsn"): say so, and
 * which option it probably meant. */
static int
unknown_long(const char *arg, const struct cli_opt *opts, size_t n)
{
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int) strcspn(arg, "="), arg);
    const char **names = vh_xcalloc(n + 1, sizeof *names);
    char (*buf)[64] = vh_xcalloc(n + 1, sizeof *buf);
    for (size_t i = 0; i < n; i++) {
        snprintf(buf[i], sizeof buf[i], "--%s", opts[i].name);
        names[i] = buf[i];
    }
    names[n] = "--help";
    /* A prefix of several options is not unknown, only too short. */
    size_t len = strlen(name), n_pre = 0;
    char pre[256] = "";
    for (size_t i = 0; len > 2 && i <= n; i++) {
        if (!strncmp(names[i], name, len)) {
            size_t used = strlen(pre);
            snprintf(pre + used, sizeof pre - used, "%s%s",
                     n_pre++ ? ", " : "", names[i]);
        }
    }
    if (n_pre > 1) {
        free(names);
        free(buf);
        return cli_error(VH_EXIT_USAGE, "option '%s' is ambiguous: %s?",
                         name, pre);
    }
    const char *s = vh_suggest(name, names, n + 1);
    int rc = s ? cli_error(VH_EXIT_USAGE, "unknown option '%s'; did you "
                           "mean '%s'? (see '--help')", name, s)
               : cli_error(VH_EXIT_USAGE, "unknown option '%s' (see "
                           "'--help')", name);
    free(names);
    free(buf);
    return rc;
}

/* The option as the user wrote it, for messages: "--json" or "-o". */
static void
spelled(const char *arg, const struct cli_opt *o, char *out, size_t len)
{
    if (arg && !strncmp(arg, "--", 2)) {
        snprintf(out, len, "--%s", o->name);
    } else {
        snprintf(out, len, "-%c", o->key);
    }
}

int
cli_parse_opts(int argc, char **argv, const char *usage,
               const struct cli_opt *opts, size_t n, cli_opt_fn *fn,
               void *ctx, const char **operand)
{
    enum { HELP = 'h' };
    struct option *lo = vh_xcalloc(n + 2, sizeof *lo);
    /* ':' first: a missing value is told apart from an unknown option. */
    char *shorts = vh_xcalloc(2 * n + 3, 1);
    size_t k = 0;
    shorts[k++] = ':';
    shorts[k++] = 'h';
    for (size_t i = 0; i < n; i++) {
        lo[i] = (struct option) {
            opts[i].name, opts[i].has_arg ? required_argument : no_argument,
            NULL, opts[i].key,
        };
        if (opts[i].key < CLI_LONG_ONLY) {
            shorts[k++] = (char) opts[i].key;
            if (opts[i].has_arg) {
                shorts[k++] = ':';
            }
        }
    }
    lo[n] = (struct option) { "help", no_argument, NULL, HELP };

    int rc = 0;
    optind = 0;                 /* Start afresh, GNU's way. */
    opterr = 0;                 /* The messages are ours. */
    int c;
    while (!rc && (c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
        const char *arg = optind > 0 && optind <= argc ? argv[optind - 1]
                                                       : NULL;
        const struct cli_opt *o;
        char name[72];
        if (c == HELP) {
            fputs(usage, stdout);
            rc = -1;
        } else if (c == ':') {
            o = find_key(opts, n, optopt);
            if (o) {
                spelled(arg, o, name, sizeof name);
            } else {
                snprintf(name, sizeof name, "-%c", optopt);
            }
            rc = cli_error(VH_EXIT_USAGE, "%s needs a value", name);
        } else if (c == '?') {
            o = optopt ? find_key(opts, n, optopt) : NULL;
            if (o || optopt == HELP) {
                /* Only a long option can be given a value it does not
                 * take: "--quiet=yes". */
                rc = cli_error(VH_EXIT_USAGE, "--%s takes no value",
                               o ? o->name : "help");
            } else if (optopt) {
                rc = cli_error(VH_EXIT_USAGE, "unknown option '-%c' (see "
                               "'--help')", optopt);
            } else {
                rc = unknown_long(arg ? arg : "?", opts, n);
            }
        } else {
            rc = fn(ctx, c, optarg);
        }
    }
    if (!rc) {
        if (optind >= argc) {
            fputs(usage, stderr);
            rc = VH_EXIT_USAGE;
        } else if (optind + 1 < argc) {
            rc = cli_error(VH_EXIT_USAGE, "one scenario at a time ('%s' and "
                           "'%s')", argv[optind], argv[optind + 1]);
        } else {
            *operand = argv[optind];
        }
    }
    free(lo);
    free(shorts);
    return rc;
}

int
cli_opt_u64(const char *name, const char *val, unsigned long long *out)
{
    if (!cli_parse_u64(val, out)) {
        return cli_error(VH_EXIT_USAGE, "%s takes a non-negative integer "
                         "(at most 18446744073709551615), not '%s'", name,
                         val);
    }
    return 0;
}

int
cli_opt_seeds(const char *arg, unsigned long long **seeds, size_t *n)
{
    unsigned long long a = 1, b;
    const char *dots = strstr(arg, "..");
    if (dots) {
        char first[64];
        snprintf(first, sizeof first, "%.*s", (int) (dots - arg), arg);
        if (!cli_parse_u64(first, &a) || !cli_parse_u64(dots + 2, &b)) {
            return cli_error(VH_EXIT_USAGE, "--seeds '%s': expected A..B or "
                             "N (non-negative integers)", arg);
        }
    } else if (!cli_parse_u64(arg, &b)) {
        return cli_error(VH_EXIT_USAGE, "--seeds '%s': expected A..B or N "
                         "(non-negative integers)", arg);
    } else if (b == 0) {
        return cli_error(VH_EXIT_USAGE, "--seeds 0: no seeds (N runs seeds "
                         "1 to N)");
    }
    if (a > b) {
        return cli_error(VH_EXIT_USAGE, "--seeds '%s': an empty range", arg);
    }
    if (b - a >= 1000000) {
        return cli_error(VH_EXIT_USAGE, "--seeds '%s': more than a million "
                         "seeds", arg);
    }
    *n = (size_t) (b - a + 1);
    *seeds = vh_xcalloc(*n, sizeof **seeds);
    for (size_t i = 0; i < *n; i++) {
        (*seeds)[i] = a + i;
    }
    return 0;
}

int
cli_take_lang(int *argc, char **argv)
{
    enum vh_lang lang = vh_lang_from_env();
    int out = 1;
    int rc = 0;
    bool ended = false;
    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        bool lang_opt = false;
        if (!ended && !strcmp(a, "--")) {
            ended = true;
        } else if (!ended && !strcmp(a, "--lang")) {
            lang_opt = true;
            if (i + 1 < *argc) {
                val = argv[++i];
            }
        } else if (!ended && !strncmp(a, "--lang=", 7)) {
            lang_opt = true;
            val = a + 7;
        }
        if (!lang_opt) {
            argv[out++] = argv[i];
            continue;
        }
        if (rc) {
            continue;
        }
        if (!val) {
            rc = cli_error(VH_EXIT_USAGE, "--lang needs a value (zh or en)");
        } else if (strcmp(val, "zh") && strcmp(val, "en")) {
            rc = cli_error(VH_EXIT_USAGE, "--lang: unknown language '%s' "
                           "(zh or en)", val);
        } else {
            vh_lang_parse(val, &lang);
        }
    }
    argv[out] = NULL;
    *argc = out;
    vh_lang_set(lang);
    return rc;
}
