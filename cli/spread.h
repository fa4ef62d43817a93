/* cli/spread.h: the runs of a study shared among the processes of an MPI
 * job.
 *
 * 'mpirun -np N vhsim compare S' starts N copies of vhsim.  Each loads and
 * checks the same input, so each knows the same list of runs; run i is
 * done by rank i % N, and the reports go to rank 0, which writes exactly
 * what one process alone would have written.  The other ranks write
 * nothing: their standard output and error go to /dev/null, since every
 * message they could print (a refused input, say) rank 0 prints too.
 *
 * Without MPI (a build where mpicc was not found: cli/spread_one.c, or a
 * vhsim not started by mpirun) the job is a world of one and every call
 * is free, so the commands need no #ifdef. */
#ifndef VH_CLI_SPREAD_H
#define VH_CLI_SPREAD_H 1

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

/* Joins the MPI job when vhsim was started by mpirun, once per process
 * (later calls do nothing).  Returns 0, or VH_EXIT_USAGE after saying why
 * a job of several ranks cannot be shared (a build without MPI). */
int spread_start(void);

/* mpirun gives standard input to rank 0 alone, so a scenario read from
 * it ('-') cannot be shared: returns VH_EXIT_USAGE after saying so when
 * 'scenario' is "-" in a job of several ranks, else 0. */
int spread_check_input(const char *scenario);

/* This process's rank and the number of ranks (0 and 1 without a job). */
int spread_rank(void);
int spread_size(void);

/* Whether run 'i' of a study is this rank's to do. */
bool spread_mine(size_t i);

/* Brings to rank 0 the reports of the runs the other ranks did.  On entry
 * reports[i] is the report of run i where spread_mine(i), NULL elsewhere;
 * every rank calls it with the same 'n'.  On return rank 0 has all of
 * them, each equal to the one its rank made (numbers to the last bit);
 * the other ranks are left as they were. */
void spread_gather(cJSON **reports, size_t n);

#endif /* cli/spread.h */
