/* tests/test_outputs.c: what the commands write, and what they must not
 * destroy.
 *
 * Outputs are checked against the inputs and each other by the file they
 * name, not by their spelling, before anything runs; a symbolic link is
 * written through to its target, a FIFO or a device in place; a missing
 * directory is said before the run; and a run ended by a signal leaves
 * no temporary file behind. */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/testutil.h"

/* A directory with the demo scenario as s.json, and the absolute vhsim. */
static char *
setup(char *bin)
{
    ck_assert(realpath(vh_test_bin(), bin) != NULL);
    char *dir = vh_test_tmpdir();
    ck_assert_int_eq(vh_test_sh(NULL, "cp scenarios/demo.json '%s/s.json'",
                                dir), 0);
    return dir;
}

static void
teardown(char *dir)
{
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}

/* Runs 'cmd' (with %s for vhsim) in 'dir'; returns its status and output. */
static int
in_dir(const char *dir, const char *bin, const char *cmd, char **out)
{
    char full[8192];
    snprintf(full, sizeof full, cmd, bin);
    return vh_test_sh(out, "cd '%s' && %s 2>&1", dir, full);
}

START_TEST(test_output_is_an_input)
{
    char bin[PATH_MAX];
    char *dir = setup(bin);
    static const struct {
        const char *cmd;
        const char *msg;
    } cases[] = {
        { "'%s' run s.json --json s.json", "--json: 's.json' is the input "
          "'s.json'; writing it would destroy it" },
        { "'%s' run s.json --record ./s.json", "--record: './s.json' is the "
          "input 's.json'" },
        { "'%s' compare s.json --csv ../$(basename $PWD)/s.json",
          "--csv: '../" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *out = NULL;
        int st = in_dir(dir, bin, cases[i].cmd, &out);
        ck_assert_msg(st == 2 && strstr(out, cases[i].msg), "%s: exit %d: %s",
                      cases[i].cmd, st, out);
        free(out);
    }
    /* The scenario is intact: it still loads as the demo. */
    ck_assert_int_eq(vh_test_sh(NULL, "cmp -s scenarios/demo.json "
                                "'%s/s.json'", dir), 0);
    teardown(dir);
}
END_TEST

START_TEST(test_outputs_that_are_one_file)
{
    char bin[PATH_MAX];
    char *dir = setup(bin);
    char *out = NULL;
    /* The demo captures to traces/demo-host1-eth0.pcap... */
    int st = in_dir(dir, bin, "mkdir -p traces && '%s' run s.json --json "
                    "traces/./demo-host1-eth0.pcap", &out);
    ck_assert_msg(st == 2 && strstr(out, "is the same file as --json"),
                  "exit %d: %s", st, out);
    free(out);
    st = in_dir(dir, bin, "'%s' run s.json --json r.json --record ./r.json",
                &out);
    ck_assert_msg(st == 2 && strstr(out, "--record: './r.json' is the same "
                                         "file as --json ('r.json')"),
                  "exit %d: %s", st, out);
    free(out);
    teardown(dir);
}
END_TEST

/* A missing directory is said before the run: no capture is committed
 * before the report fails. */
START_TEST(test_missing_directory_before_the_run)
{
    char bin[PATH_MAX];
    char *dir = setup(bin);
    char *out = NULL;
    int st = in_dir(dir, bin, "'%s' run s.json --json nodir/r.json", &out);
    ck_assert_msg(st == 2 && strstr(out, "--json: cannot write "
                                         "'nodir/r.json': directory 'nodir' "
                                         "does not exist"), "exit %d: %s",
                  st, out);
    free(out);
    ck_assert_int_ne(vh_test_sh(NULL, "test -e '%s/traces'", dir), 0);
    teardown(dir);
}
END_TEST

/* Through a symbolic link, into a FIFO: the link stays a link, the FIFO a
 * FIFO, and the data reaches what they point to. */
START_TEST(test_links_and_fifos_written_through)
{
    char bin[PATH_MAX];
    char *dir = setup(bin);
    char *out = NULL;
    int st = in_dir(dir, bin, "mkdir real && ln -s real/r.json link.json && "
                    "'%s' run s.json --quiet --json link.json && test -L "
                    "link.json && grep -q '\"scenario\"' real/r.json && echo "
                    "ok-link", &out);
    ck_assert_msg(st == 0 && strstr(out, "ok-link"), "exit %d: %s", st, out);
    free(out);
    st = in_dir(dir, bin, "mkfifo f && (cat f > got.json &) && '%s' run "
                "s.json --quiet --json f && sleep 0.2 && test -p f && grep -q "
                "'\"scenario\"' got.json && ls | grep -c tmp; echo done",
                &out);
    ck_assert_msg(st == 0 && strstr(out, "0\ndone"), "exit %d: %s", st, out);
    free(out);
    teardown(dir);
}
END_TEST

/* A run ended by SIGHUP or SIGQUIT leaves no temporary: not the
 * captures', the recording's, nor the report's. */
START_TEST(test_signals_leave_no_temporaries)
{
    char bin[PATH_MAX];
    char *dir = setup(bin);
    /* A long run: the demo for 3 s at a high rate. */
    ck_assert_int_eq(vh_test_sh(NULL, "cd '%s' && sed -e 's/\"duration\": "
                                "\"2ms\"/\"duration\": \"3s\"/' -e "
                                "'s/\"count\": 100/\"count\": 3000000/' "
                                "s.json > long.json && grep -q 3s long.json",
                                dir), 0);
    static const char *const sigs[] = { "HUP", "QUIT", "INT", "TERM" };
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        char *out = NULL;
        char cmd[512];
        snprintf(cmd, sizeof cmd, "timeout -s %s 0.5 '%%s' run long.json "
                 "--quiet --json r.json --record r.vhrec; echo \"st=$?\"; "
                 "find . -name '*.tmp.*' | wc -l", sigs[i]);
        int st = in_dir(dir, bin, cmd, &out);
        ck_assert_msg(st == 0 && !strstr(out, "st=0") && strstr(out, "\n0\n"),
                      "SIG%s: %s", sigs[i], out);
        free(out);
    }
    teardown(dir);
}
END_TEST

static Suite *
outputs_suite(void)
{
    Suite *s = suite_create("outputs");
    TCase *tc = tcase_create("outputs");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_output_is_an_input);
    tcase_add_test(tc, test_outputs_that_are_one_file);
    tcase_add_test(tc, test_missing_directory_before_the_run);
    tcase_add_test(tc, test_links_and_fifos_written_through);
    tcase_add_test(tc, test_signals_leave_no_temporaries);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(outputs_suite)
