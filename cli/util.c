/* cli/util.c: what the commands share: errors, numbers, files, the
 * clock.  Apart from the dispatcher (cli/vhsim.c), so that a program that
 * runs one command links these without the others. */
#include "cli/cli.h"

#include "models/core/config.h"
#include "sim/diag.h"
#include "sim/outfile.h"
#include "sim/xmalloc.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

double
cli_wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + ts.tv_nsec / 1e9;
}

int
cli_error(int status, const char *fmt, ...)
{
    va_list ap;
    fputs("vhsim: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return status;
}

bool
cli_parse_u64(const char *s, unsigned long long *out)
{
    if (!s || !*s || *s == '-' || *s == '+') {
        return false;
    }
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end) {
        return false;
    }
    *out = v;
    return true;
}

bool
cli_is_stdio(const char *path)
{
    return path && !strcmp(path, CLI_STDIO);
}

const char *
cli_input_name(const char *file)
{
    return cli_is_stdio(file) ? "stdin" : file;
}

/* Standard input, read to its end the first time it is asked for. */
static char *stdin_text;

static bool
read_stdin(struct vh_diag *diag)
{
    if (stdin_text) {
        return true;
    }
    size_t len;
    char *buf = cfg_read_text(stdin, "standard input", &len, diag);
    if (!buf) {
        return false;
    }
    stdin_text = buf;
    return true;
}

char *
cli_read_scenario(const char *file, struct vh_diag *diag)
{
    vh_diag_init(diag);
    if (cli_is_stdio(file)) {
        if (!read_stdin(diag)) {
            return NULL;
        }
        return vh_xstrdup(stdin_text);
    }
    size_t len;
    return cfg_read_file(file, &len, diag);
}

struct cfg_scenario *
cli_cfg_load(const char *file, const char *variant, struct vh_diag *diag)
{
    if (!cli_is_stdio(file)) {
        return cfg_load(file, variant, diag);
    }
    vh_diag_init(diag);
    if (!read_stdin(diag)) {
        return NULL;
    }
    return cfg_load_string(stdin_text, cli_input_name(file), variant, diag);
}

int
cli_write_file(const char *path, const char *text, char *err, size_t errlen)
{
    if (cli_is_stdio(path)) {
        /* Not atomic: a pipe has no temporary name.  A lost write is
         * caught when standard output is flushed (cli_finish_stdout). */
        fputs(text, stdout);
        return 0;
    }
    struct vh_outfile *o = vh_outfile_open(path, "w", err, errlen);
    if (!o) {
        return -1;
    }
    fputs(text, vh_outfile_stream(o));
    return vh_outfile_commit(o, err, errlen);
}

/* The path to compare by identity for 'path': "-" is the file behind
 * standard input or output ('fd') when that is a regular file, and
 * nothing to compare otherwise (a pipe or a terminal cannot be
 * clobbered by a rename). */
static const char *
identity_path(const char *path, int fd)
{
    if (!cli_is_stdio(path)) {
        return path;
    }
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        return NULL;
    }
    return fd == STDIN_FILENO ? "/dev/stdin" : "/dev/stdout";
}

int
cli_check_outputs(const char *const *inputs, size_t n_in,
                  const struct cli_output *outs, size_t n_out)
{
    char err[512];
    for (size_t i = 0; i < n_out; i++) {
        if (!outs[i].path) {
            continue;
        }
        bool out_std = cli_is_stdio(outs[i].path);
        if (!outs[i].makes_dirs && !out_std
            && vh_outfile_check(outs[i].path, err, sizeof err)) {
            return cli_error(VH_EXIT_USAGE, "%s: %s", outs[i].what, err);
        }
        for (size_t k = 0; k < i && out_std; k++) {
            if (cli_is_stdio(outs[k].path)) {
                return cli_error(VH_EXIT_USAGE, "%s and %s cannot both go "
                                 "to standard output", outs[k].what,
                                 outs[i].what);
            }
        }
        const char *out_id = identity_path(outs[i].path, STDOUT_FILENO);
        for (size_t k = 0; k < n_in && out_id; k++) {
            const char *in_id = identity_path(inputs[k], STDIN_FILENO);
            if (in_id && vh_same_file(out_id, in_id)) {
                return cli_error(VH_EXIT_USAGE, "%s: '%s' is the input "
                                 "'%s'; writing it would destroy it",
                                 outs[i].what, outs[i].path, inputs[k]);
            }
        }
        for (size_t k = 0; k < i && out_id; k++) {
            const char *prev = identity_path(outs[k].path, STDOUT_FILENO);
            if (prev && vh_same_file(out_id, prev)) {
                return cli_error(VH_EXIT_USAGE, "%s: '%s' is the same file "
                                 "as %s ('%s'); one would replace the "
                                 "other", outs[i].what, outs[i].path,
                                 outs[k].what, outs[k].path);
            }
        }
    }
    return 0;
}

int
cli_finish_stdout(int rc)
{
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "vhsim: error writing standard output: %s\n",
                errno ? strerror(errno) : "write failed");
        return rc ? rc : VH_EXIT_FAIL;
    }
    return rc;
}

static void
on_fatal_signal(int sig)
{
    /* Leave no partial capture, recording or report behind, then die of
     * the signal, so the caller sees how the command ended. */
    vh_outfile_abort_all_signal_safe();
    signal(sig, SIG_DFL);
    raise(sig);
}

void
cli_catch_signals(void)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        signal(sigs[i], on_fatal_signal);
    }
}
