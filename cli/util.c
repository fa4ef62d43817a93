/* cli/util.c: what the commands share: errors, numbers, files, the
 * clock.  Apart from the dispatcher (cli/vhsim.c), so that a program that
 * runs one command links these without the others. */
#include "cli/cli.h"

#include "sim/outfile.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int
cli_write_file(const char *path, const char *text, char *err, size_t errlen)
{
    struct vh_outfile *o = vh_outfile_open(path, "w", err, errlen);
    if (!o) {
        return -1;
    }
    fputs(text, vh_outfile_stream(o));
    return vh_outfile_commit(o, err, errlen);
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
        if (!outs[i].makes_dirs && vh_outfile_check(outs[i].path, err,
                                                    sizeof err)) {
            return cli_error(VH_EXIT_USAGE, "%s: %s", outs[i].what, err);
        }
        for (size_t k = 0; k < n_in; k++) {
            if (inputs[k] && vh_same_file(outs[i].path, inputs[k])) {
                return cli_error(VH_EXIT_USAGE, "%s: '%s' is the input "
                                 "'%s'; writing it would destroy it",
                                 outs[i].what, outs[i].path, inputs[k]);
            }
        }
        for (size_t k = 0; k < i; k++) {
            if (outs[k].path && vh_same_file(outs[i].path, outs[k].path)) {
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
