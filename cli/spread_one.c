/* cli/spread_one.c: cli/spread.h in vhsim, a job of one process.
 *
 * vhsim links no MPI: Open MPI's libraries would add some 3 ms to the
 * start of every command, most of which never see mpirun.  Started by mpirun, it
 * becomes vhsim-mpi instead, the same program with the job over MPI
 * (cli/spread_mpi.c), found beside it and run with this process's own
 * arguments.  Where there is none (a build without Open MPI, the
 * sanitizer build of the tests), each copy would run every run and write
 * every file, N times over; a job of several ranks is refused instead. */
#include "cli/spread.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "sim/xmalloc.h"

#define MPI_PROGRAM "vhsim-mpi"

/* The arguments this process was started with, from /proc/self/cmdline
 * (argv as main() got it, before vhsim took its options out), NULL-
 * terminated in one allocation, or NULL if they cannot be read. */
static char **
own_args(void)
{
    FILE *f = fopen("/proc/self/cmdline", "r");
    if (!f) {
        return NULL;
    }
    size_t len = 0, cap = 4096;
    char *text = vh_xmalloc(cap);
    size_t got;
    while ((got = fread(text + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            cap *= 2;
            text = vh_xrealloc(text, cap);
        }
    }
    fclose(f);
    if (len && text[len - 1] != '\0') {
        text[len++] = '\0';    /* The loop leaves len < cap. */
    }
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        n += text[i] == '\0';
    }
    if (!n) {
        free(text);
        return NULL;
    }
    /* The pointers first, then the strings, so that one free() does. */
    char **args = vh_xmalloc((n + 1) * sizeof *args + len);
    char *copy = memcpy((char *) (args + n + 1), text, len);
    free(text);
    for (size_t i = 0, k = 0; k < n; k++) {
        args[k] = copy + i;
        i += strlen(copy + i) + 1;
    }
    args[n] = NULL;
    return args;
}

int
spread_start(void)
{
    const char *size = getenv("OMPI_COMM_WORLD_SIZE");
    const char *rank = getenv("OMPI_COMM_WORLD_RANK");
    if (!size || atoi(size) <= 1) {
        return 0;
    }
    char path[PATH_MAX];
    char **args;
    if (cli_beside(NULL, MPI_PROGRAM, path, sizeof path)
        && (args = own_args()) != NULL) {
        fflush(stdout);
        execv(path, args);
        int err = errno;
        free(args);
        if (err != ENOENT) {
            if (rank && atoi(rank) > 0) {
                return VH_EXIT_USAGE;
            }
            return cli_error(VH_EXIT_USAGE, "cannot run %s under mpirun: "
                             "%s", path, cli_exec_failure(err));
        }
    }
    if (rank && atoi(rank) > 0) {
        return VH_EXIT_USAGE;           /* Rank 0 says why, once. */
    }
    return cli_error(VH_EXIT_USAGE, "this vhsim was built without MPI (no "
                     MPI_PROGRAM " beside it): run it without mpirun, or "
                     "build it where Open MPI's mpicc is found "
                     "(libopenmpi-dev)");
}

int
spread_check_input(const char *scenario)
{
    (void) scenario;
    return 0;
}

int
spread_rank(void)
{
    return 0;
}

int
spread_size(void)
{
    return 1;
}

bool
spread_mine(size_t i)
{
    (void) i;
    return true;
}

void
spread_gather(cJSON **reports, size_t n)
{
    (void) reports;
    (void) n;
}
