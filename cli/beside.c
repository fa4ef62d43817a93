/* cli/beside.c: the programs that vhsim hands a command to, found in
 * its own directory.
 *
 * vhsim-gui (the gui command, which alone loads SDL) and vhsim-mpi (what
 * vhsim becomes under mpirun, which alone loads Open MPI) are installed
 * beside vhsim; vhsim execs them, so that arguments, standard streams,
 * signals and exit status are theirs. */
#include "cli/cli.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

bool
cli_beside(const char *argv0, const char *name, char *out, size_t len)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
    } else if (argv0 && strchr(argv0, '/') && strlen(argv0) < sizeof self) {
        snprintf(self, sizeof self, "%s", argv0);
    } else {
        return false;
    }
    /* Both have a '/'; cutting there also drops the " (deleted)" Linux
     * appends when the binary was rebuilt while it ran. */
    *strrchr(self, '/') = '\0';
    return snprintf(out, len, "%s/%s", self, name) < (int) len;
}

const char *
cli_exec_failure(int err)
{
    switch (err) {
    case ENOENT:
    case ENOTDIR:
        return "it does not exist";
    case EACCES:
        return "it is not executable";
    default:
        return strerror(err);
    }
}
