/* tests/worldtest.h: building and inspecting whole worlds in tests.
 *
 * Tests that run a scenario share the same steps: load it from a string,
 * build it, run it, check that every packet is accounted for, find a host
 * or a device by name, and add up where the host's cycles went.  These
 * helpers do those steps once.  Each fails the running Check test (with
 * a message saying why) instead of returning an error, so a caller reads
 * as the behaviour it checks. */
#ifndef VH_TESTS_WORLDTEST_H
#define VH_TESTS_WORLDTEST_H 1

#include <stdbool.h>
#include <stdint.h>

#include "models/hw/cpu.h"
#include "models/core/world.h"

struct host;

/* A scenario and the world built from it; 'cfg' must outlive 'w'. */
struct wt_run {
    struct cfg_scenario *cfg;   /* The loaded scenario. */
    struct world *w;            /* The world, after its run. */
};

/* Loads scenario 'json' (with variant 'variant' applied, unless it is
 * NULL), builds its world, calls 'subscribe' (unless NULL) with the world
 * and 'ctx' before anything runs, so that it can attach trace subscribers
 * or inject packets, then runs the world to its end.  A scenario that
 * fails to load or build fails the test with the loader's message.  The
 * caller releases the result with wt_run_free(). */
struct wt_run wt_run_json(const char *json, const char *variant,
                          void (*subscribe)(struct world *, void *),
                          void *ctx);

/* Frees the world and then the scenario of 'r'. */
void wt_run_free(struct wt_run *r);

/* The message scenario 'json' (variant 'variant', may be NULL) is refused
 * with, whether the loader or the world builder refuses it.  A scenario
 * that builds fails the test.  The caller frees the string. */
char *wt_refusal(const char *json, const char *variant);

/* Case 'i' of a table of refusals: fails the test unless 'json' is
 * refused with a message holding 'want'.  With 'want' NULL, the case is
 * the table's control: it must load and run. */
void wt_assert_refused(const char *json, const char *want, size_t i);

/* Fills alive[i], for each flow i of 'w', with the packets of the flow
 * that still hold a buffer in the pool: counted by visiting the buffers,
 * apart from the sent, delivered and dropped counters.  The copies of one
 * flooded packet count once, and not at all once one was delivered. */
void wt_count_alive(const struct world *w, uint64_t *alive);

/* Fails the test unless every flow of 'w' accounts for its packets: the
 * drop reasons add up to the drop total, delivered plus dropped never
 * exceeds sent, and the rest, in flight, is what wt_count_alive() finds
 * held.  With 'drained' (the run ended because nothing was left to do),
 * nothing may be in flight, no packet buffer may be live and no flood
 * family unsettled. */
void wt_assert_conserved(const struct world *w, bool drained);

/* Like wt_assert_conserved(w, false), for a run that stopped with some
 * packets stuck for good: every live packet buffer must be one of the
 * flows' packets in flight, and no flood family may be unsettled. */
void wt_assert_held(const struct world *w);

/* The host named 'name'; fails the test if there is none. */
struct host *wt_host(struct world *w, const char *name);

/* The device at scenario path 'path' ("host1/eth0/vf0"); fails the test
 * if there is none. */
struct vh_device *wt_dev(struct world *w, const char *path);

/* Cycles spent on all of host 'h''s cores, every category together. */
uint64_t wt_host_cycles(const struct host *h);

/* Cycles of category 'cat' spent on all of host 'h''s cores. */
uint64_t wt_cat_cycles(const struct host *h, enum cpu_cat cat);

/* Captures at up to four points of a run: wt_caps_open, with the struct
 * as its context, is the hook wt_run_json() calls once the world is
 * built; wt_caps_commit() writes the files after the run.  The points
 * are those before the first NULL. */
struct vh_capture;
struct wt_caps {
    const char *points[4];
    const char *files[4];
    struct vh_capture *c;
};
void wt_caps_open(struct world *, void *caps);
void wt_caps_commit(struct wt_caps *);

#endif /* tests/worldtest.h */
