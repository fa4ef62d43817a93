/* cli/spread_one.c: cli/spread.h for a build without MPI, a job of one
 * process.
 *
 * Started by mpirun all the same, each copy would run every run and write
 * every file, N times over; it is refused instead. */
#include "cli/spread.h"

#include <stdlib.h>

#include "cli/cli.h"

int
spread_start(void)
{
    const char *size = getenv("OMPI_COMM_WORLD_SIZE");
    const char *rank = getenv("OMPI_COMM_WORLD_RANK");
    if (size && atoi(size) > 1) {
        if (rank && atoi(rank) > 0) {
            return VH_EXIT_USAGE;       /* Rank 0 says why, once. */
        }
        return cli_error(VH_EXIT_USAGE, "this vhsim was built without MPI: "
                         "run it without mpirun, or build it where Open "
                         "MPI's mpicc is found (libopenmpi-dev)");
    }
    return 0;
}

int
spread_check_input(const char *scenario)
{
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
    return true;
}

void
spread_gather(cJSON **reports, size_t n)
{
}
