/* tests/testutil.h: the test driver's registration and shared helpers.
 *
 * Each tests/test_*.c file defines one or more Check suites and registers
 * them with VH_SUITE(make_fn); tests/check_main.c runs every registered
 * suite.  No central list to edit. */
#ifndef VH_TESTUTIL_H
#define VH_TESTUTIL_H 1

#include <check.h>
#include <stddef.h>

typedef Suite *(*vh_suite_fn)(void);

void vh_register_suite(vh_suite_fn fn);

#define VH_SUITE(FN)                                                    \
    static void register_##FN(void) __attribute__((constructor));      \
    static void register_##FN(void) { vh_register_suite(FN); }

/* Check keeps a suite's name to itself, so the suites' suite_create()
 * calls go through the driver, which notes the name: that is how
 * './build/vhsim_tests NAME' picks the suites whose name contains NAME. */
Suite *vh_suite_create(const char *name);
#define suite_create(name) vh_suite_create(name)

/* Path of the vhsim binary under test ($VHSIM_BIN, default ./vhsim). */
const char *vh_test_bin(void);

/* Runs a bash command, capturing stdout+stderr into a malloc'ed string
 * (*out, may be NULL to discard).  Returns the exit status (0..255), or -1
 * if it could not run or was killed by a signal. */
int vh_test_sh(char **out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Reads a whole file; NULL if it cannot. *len gets its size. */
char *vh_test_slurp(const char *path, size_t *len);

/* A fresh directory under $TMPDIR for one test's files; caller frees. */
char *vh_test_tmpdir(void);

/* 's' with its single quotes made double: scenarios written in C with
 * single quotes, for legibility, as the JSON they stand for (caller
 * frees). */
char *vh_test_dq(const char *s);

/* Writes scenario 'json' as s.json in a fresh directory and runs
 * "vhsim run s.json --quiet ARGS" there, failing the test if the run
 * fails.  Returns the directory, where the run wrote its outputs (caller
 * frees). */
char *vh_test_run_scenario(const char *json, const char *args);

/* The number under 'key' in JSON object 'o' (a report's), failing the
 * test if there is none. */
struct cJSON;
double vh_test_num(const struct cJSON *o, const char *key);

/* Reading a capture back with tshark (tests/tshark.c).  Checksums are
 * verified.  vh_tshark_require() fails the test, saying to install it,
 * when tshark is missing; vh_tshark_assert_clean() fails it on any
 * expert finding or malformed frame; vh_tshark_fields() gives the -T
 * fields line of frame 'n' (occurrences joined by commas; caller frees),
 * and vh_tshark_expect() compares it with 'want'. */
#define VH_TSHARK_PREFS "-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE"
void vh_tshark_require(void);
void vh_tshark_assert_clean(const char *path);
char *vh_tshark_fields(const char *path, int n, const char *list);
void vh_tshark_expect(const char *path, int n, const char *list,
                      const char *want);
/* The output of "tshark -r PATH ARGS" with the IP, UDP and TCP checksums
 * verified, failing the test if tshark fails (caller frees). */
char *vh_tshark_out(const char *path, const char *args);
/* How many frames of capture 'path' match display filter 'filter' (all
 * its frames for NULL), checksums verified. */
long vh_tshark_count(const char *path, const char *filter);
/* Fails unless every IPv4 and TCP checksum of 'path' verifies, nothing is
 * malformed and tshark's expert finds no error or warning (TCP's notes
 * and chats are normal); 'decode_as' is more tshark options, such as
 * "-d tcp.port==8080,data" for a port tshark would take for HTTP. */
void vh_tshark_assert_tcp_clean(const char *path, const char *decode_as);

#endif /* tests/testutil.h */
