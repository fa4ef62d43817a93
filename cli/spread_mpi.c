/* cli/spread_mpi.c: cli/spread.h over MPI (built when mpicc is found).
 *
 * MPI is only initialized when mpirun started this process
 * (OMPI_COMM_WORLD_SIZE in the environment): a plain 'vhsim compare'
 * would otherwise pay Open MPI's singleton start-up, and its warnings, for
 * nothing.  A report travels as the text report_json_text() makes, whose
 * numbers read back as the very doubles they were. */
#include "cli/spread.h"

#include <fcntl.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "report/report.h"
#include "sim/xmalloc.h"

static bool started;
static int rank;
static int size = 1;

/* Open MPI waits by spinning: a rank that is done, or rank 0 waiting for
 * a report, would take a core from the ranks still running (there may be
 * more ranks than cores).  Waits here sleep a millisecond between
 * looks instead. */
static void
wait_for(MPI_Request *req)
{
    int done = 0;
    MPI_Test(req, &done, MPI_STATUS_IGNORE);
    while (!done) {
        nanosleep(&(struct timespec) { 0, 1000000 }, NULL);
        MPI_Test(req, &done, MPI_STATUS_IGNORE);
    }
}

/* Every rank waits for the others here before leaving MPI, asleep. */
static void
finish(void)
{
    MPI_Request req;
    MPI_Ibarrier(MPI_COMM_WORLD, &req);
    wait_for(&req);
    MPI_Finalize();
}

/* Rank 0 speaks for the job. */
static void
silence(void)
{
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) {
        fflush(stdout);
        fflush(stderr);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        close(null);
    }
}

int
spread_start(void)
{
    if (started || !getenv("OMPI_COMM_WORLD_SIZE")) {
        return 0;
    }
    started = true;
    if (MPI_Init(NULL, NULL) != MPI_SUCCESS) {
        return cli_error(VH_EXIT_FAIL, "MPI_Init failed");
    }
    atexit(finish);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (rank) {
        silence();
    }
    return 0;
}

int
spread_check_input(const char *scenario)
{
    if (size > 1 && cli_is_stdio(scenario)) {
        return cli_error(VH_EXIT_USAGE, "under mpirun the scenario must be "
                         "a file: standard input reaches only the first "
                         "process");
    }
    return 0;
}

int
spread_rank(void)
{
    return rank;
}

int
spread_size(void)
{
    return size;
}

bool
spread_mine(size_t i)
{
    return i % (size_t) size == (size_t) rank;
}

/* A report that cannot be sent or read back: the job cannot write what
 * one process would, so it stops, every rank with it. */
static void
lost(size_t i)
{
    fprintf(stderr, "vhsim: rank %d: run %zu's report was lost in "
            "transit\n", rank, i);
    MPI_Abort(MPI_COMM_WORLD, VH_EXIT_FAIL);
}

/* A raw item (the report's seed, written as its own digits so that a
 * 64-bit seed is exact) would come back a double; it travels as a string
 * with a mark no report string starts with, and is made raw again. */
static const char raw_mark[] = "\001raw:";

static void
raw_to_wire(cJSON *item)
{
    for (cJSON *c = item->child; c; c = c->next) {
        if (cJSON_IsRaw(c)) {
            size_t len = strlen(raw_mark) + strlen(c->valuestring) + 1;
            char *text = vh_xmalloc(len);
            snprintf(text, len, "%s%s", raw_mark, c->valuestring);
            cJSON *str = cJSON_CreateString(text);
            free(text);
            str->string = c->string;
            c->string = NULL;
            cJSON_ReplaceItemViaPointer(item, c, str);
            c = str;
        } else if (c->child) {
            raw_to_wire(c);
        }
    }
}

static void
raw_from_wire(cJSON *item)
{
    for (cJSON *c = item->child; c; c = c->next) {
        if (cJSON_IsString(c)
            && !strncmp(c->valuestring, raw_mark, strlen(raw_mark))) {
            cJSON *raw = cJSON_CreateRaw(c->valuestring + strlen(raw_mark));
            raw->string = c->string;
            c->string = NULL;
            cJSON_ReplaceItemViaPointer(item, c, raw);
            c = raw;
        } else if (c->child) {
            raw_from_wire(c);
        }
    }
}

/* Every rank sends its reports in the order of the runs, and messages
 * from one sender to one receiver with one tag arrive in the order they
 * were sent, so rank 0 takes run i's from rank i % size next. */
void
spread_gather(cJSON **reports, size_t n)
{
    if (size == 1) {
        return;
    }
    if (rank) {
        for (size_t i = (size_t) rank; i < n; i += (size_t) size) {
            cJSON *copy = cJSON_Duplicate(reports[i], true);
            if (!copy) {
                lost(i);
            }
            raw_to_wire(copy);
            char *text = report_json_text(copy);
            cJSON_Delete(copy);
            if (!text) {
                lost(i);
            }
            MPI_Request req;
            MPI_Isend(text, (int) strlen(text) + 1, MPI_CHAR, 0, 0,
                      MPI_COMM_WORLD, &req);
            wait_for(&req);
            free(text);
        }
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (spread_mine(i)) {
            continue;
        }
        int from = (int) (i % (size_t) size), len;
        MPI_Status st;
        int here = 0;
        MPI_Iprobe(from, 0, MPI_COMM_WORLD, &here, &st);
        while (!here) {
            nanosleep(&(struct timespec) { 0, 1000000 }, NULL);
            MPI_Iprobe(from, 0, MPI_COMM_WORLD, &here, &st);
        }
        MPI_Get_count(&st, MPI_CHAR, &len);
        char *text = vh_xmalloc((size_t) len);
        MPI_Recv(text, len, MPI_CHAR, from, 0, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
        reports[i] = cJSON_Parse(text);
        if (!reports[i]) {
            lost(i);
        }
        raw_from_wire(reports[i]);
        free(text);
    }
}
