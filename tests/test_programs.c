/* tests/test_programs.c: vhsim and vhsim-gui, the two programs.
 *
 * vhsim must start without SDL: ldd of the binary under test names no SDL
 * library.  'vhsim gui' runs the vhsim-gui beside it, so the checks here
 * work on a copy of vhsim alone in a fresh directory: with no vhsim-gui
 * there it exits 2 saying what it looked for and how to build it; with one
 * that is not executable, the same; with a stand-in script, the script
 * gets the arguments after "gui" and standard input, and its exit status
 * and the signal that kills it are vhsim's. */
#include <check.h>
#include <cjson/cJSON.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/testutil.h"

/* A stand-in for vhsim-gui: prints its arguments in brackets, then its
 * input, then exits 7, or dies of SIGTERM if its first argument says so. */
/* A stand-in for vhsim-gui that prints its arguments: the language vhsim
 * chose comes first, then what followed "gui". */
static const char fake_gui[] =
    "#!/bin/sh\n"
    "[ \"$2\" = die ] && kill -TERM $$\n"
    "printf '[%s]' \"$@\"; echo; cat; exit 7\n";

/* Copies the vhsim under test alone into a fresh directory; returns the
 * directory (caller frees). */
static char *
lone_vhsim(void)
{
    char bin[PATH_MAX];
    if (!realpath(vh_test_bin(), bin)) {
        ck_abort_msg("vhsim binary '%s' not found", vh_test_bin());
    }
    char *dir = vh_test_tmpdir();
    ck_assert_ptr_nonnull(dir);
    ck_assert_int_eq(vh_test_sh(NULL, "cp '%s' '%s/vhsim'", bin, dir), 0);
    return dir;
}

static void
put_fake_gui(const char *dir, const char *mode)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/vhsim-gui", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(fake_gui, f);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(vh_test_sh(NULL, "chmod %s '%s'", mode, path), 0);
}

START_TEST(test_vhsim_links_no_sdl)
{
    char *out = NULL;
    int st = vh_test_sh(&out, "ldd '%s'", vh_test_bin());
    ck_assert_msg(st == 0, "ldd failed: %s", out);
    /* ldd did list the libraries: libc at least. */
    ck_assert_msg(strstr(out, "libc.so"), "%s", out);
    const char *sdl = strcasestr(out, "sdl");
    if (sdl) {
        /* The line that names it; the whole list is too long to report. */
        const char *start = sdl;
        while (start > out && start[-1] != '\n') {
            start--;
        }
        ck_abort_msg("%s links SDL: %.*s", vh_test_bin(),
                     (int) strcspn(start, "\n"), start);
    }
    free(out);
}
END_TEST

START_TEST(test_gui_missing)
{
    char *dir = lone_vhsim();
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && ./vhsim gui x.json", dir);
    ck_assert_msg(st == 2, "exit %d: %s", st, out);
    char want[PATH_MAX + 32];
    snprintf(want, sizeof want, "'%s/vhsim-gui'", dir);
    ck_assert_msg(strstr(out, want), "no %s in: %s", want, out);
    ck_assert_msg(strstr(out, "does not exist"), "%s", out);
    ck_assert_msg(strstr(out, "make vhsim-gui"), "%s", out);
    free(out);

    /* There but not executable. */
    put_fake_gui(dir, "a-x");
    st = vh_test_sh(&out, "cd '%s' && ./vhsim gui x.json", dir);
    ck_assert_msg(st == 2, "exit %d: %s", st, out);
    ck_assert_msg(strstr(out, want) && strstr(out, "not executable")
                  && strstr(out, "make vhsim-gui"), "%s", out);
    free(out);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

START_TEST(test_gui_passes_everything_through)
{
    char *dir = lone_vhsim();
    put_fake_gui(dir, "a+x");
    char *out = NULL;
    /* Run from another directory: vhsim-gui is found beside vhsim, not
     * in the working directory. */
    int st = vh_test_sh(&out, "cd / && echo from-stdin | '%s/vhsim' gui "
                        "'a b' --seed '' 2>&1", dir);
    ck_assert_msg(st == 7, "exit %d: %s", st, out);
    ck_assert_msg(strstr(out, "[--lang=en][a b][--seed][]\nfrom-stdin\n"),
                  "%s", out);
    free(out);

    /* A signal that ends the GUI ends vhsim: it is the same process. */
    st = vh_test_sh(&out, "'%s/vhsim' gui die </dev/null; echo \"st=$?\"",
                    dir);
    ck_assert_msg(st == 0 && strstr(out, "st=143"), "%s", out);
    free(out);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* Output that never reached standard output is a failure: a report piped
 * to a full disk must not look like a success. */
START_TEST(test_stdout_write_errors_fail)
{
    static const char *const cmds[] = {
        "check scenarios/demo.json", "run scenarios/demo.json",
        "--help", "run --help", "compare scenarios/access-methods.json "
        "--only base",
    };
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
        char *out = NULL;
        int st = vh_test_sh(&out, "'%s' %s 2>&1 >/dev/full", vh_test_bin(),
                            cmds[i]);
        ck_assert_msg(st == 1 && strstr(out, "vhsim: error writing "
                                             "standard output"),
                      "vhsim %s > /dev/full: exit %d: %s", cmds[i], st, out);
        free(out);
    }
    /* Nothing to write, nothing lost. */
    int st = vh_test_sh(NULL, "'%s' run scenarios/demo.json --quiet "
                        ">/dev/full", vh_test_bin());
    ck_assert_int_eq(st, 0);
}
END_TEST

/* Without a display the window cannot be shown: say so, do not run
 * unseen until killed. */
START_TEST(test_gui_without_display)
{
    char *out = NULL;
    int st = vh_test_sh(&out, "env -u DISPLAY -u WAYLAND_DISPLAY -u "
                        "SDL_VIDEODRIVER timeout 60 '%s' gui "
                        "scenarios/demo.json 2>&1", vh_test_bin());
    ck_assert_msg(st == 1 && strstr(out, "vhsim: no display to open a "
                                         "window on"), "exit %d: %s", st,
                  out);
    free(out);
}
END_TEST

/* A --speed or --fps slip that would write millions of pictures is
 * refused before anything is written. */
START_TEST(test_gui_frames_bounded)
{
    char *dir = vh_test_tmpdir();
    char *out = NULL;
    int st = vh_test_sh(&out, "'%s' gui scenarios/demo.json --frames "
                        "'%s/fr' --to 1ms --speed 1ps 2>&1", vh_test_bin(),
                        dir);
    ck_assert_msg(st == 2 && strstr(out, "--frames would write 1000000001 "
                                         "pictures"), "exit %d: %s", st, out);
    free(out);
    st = vh_test_sh(NULL, "test -e '%s/fr'", dir);
    ck_assert_msg(st != 0, "the frames directory was created");
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* Seeds are written exactly, however large: the seed a report gives
 * reproduces its run. */
START_TEST(test_seed_written_exactly)
{
    char bin[PATH_MAX];
    ck_assert(realpath(vh_test_bin(), bin) != NULL);
    char *dir = vh_test_tmpdir();
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && '%s' run '%s/scenarios/demo.json' "
                        "--quiet --seed 18446744073709551615 --json a.json "
                        "&& seed=$(sed -n 's/^.\"seed\":.\\([0-9]*\\),$/\\1/p' "
                        "a.json) && echo \"seed=$seed\" && '%s' run "
                        "'%s/scenarios/demo.json' --quiet --seed \"$seed\" "
                        "--json b.json && diff <(grep -v wall_s a.json) "
                        "<(grep -v wall_s b.json) && echo same", dir,
                        bin, getcwd((char[4096]) { 0 }, 4096),
                        bin, getcwd((char[4096]) { 0 }, 4096));
    ck_assert_msg(st == 0 && strstr(out, "seed=18446744073709551615\n")
                  && strstr(out, "same"), "exit %d: %s", st, out);
    free(out);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* The report of 'file' in 'dir', parsed (the test fails if it is not). */
static cJSON *
report_in(const char *dir, const char *file)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    char *text = vh_test_slurp(path, NULL);
    ck_assert_msg(text != NULL, "no %s", path);
    cJSON *r = cJSON_Parse(text);
    ck_assert_msg(r != NULL, "%s is not JSON", path);
    free(text);
    return r;
}

/* --steady-from measures the stretch from its time to the end, inside
 * the same run, and changes nothing else in the report: the events, sent
 * and delivered packets it counts in bridge_flood are those of the whole
 * run less those of a run that ends at the mark, and all four flows
 * deliver there.  The mark is a nanosecond past a time the flows send
 * at, since a run sends nothing at its very end. */
START_TEST(test_steady_from_measures_the_tail)
{
    char bin[PATH_MAX], top[PATH_MAX];
    ck_assert(realpath(vh_test_bin(), bin) != NULL);
    ck_assert(getcwd(top, sizeof top) != NULL);
    char *dir = vh_test_tmpdir();
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && S='%s/scenarios/bench/"
                        "bridge_flood.json' && '%s' run \"$S\" --quiet "
                        "--json whole.json && '%s' run \"$S\" --quiet "
                        "--steady-from 100000001ns --json steady.json -v && "
                        "sed 's/\"duration\": \"400ms\"/\"duration\": "
                        "\"100000001ns\"/' \"$S\" >head.json && '%s' run head.json "
                        "--quiet --json head.out.json", dir, top, bin, bin,
                        bin);
    ck_assert_msg(st == 0, "exit %d: %s", st, out);
    ck_assert_msg(strstr(out, "vhsim: from 100ms on: "), "%s", out);

    cJSON *whole = report_in(dir, "whole.json");
    cJSON *steady = report_in(dir, "steady.json");
    cJSON *head = report_in(dir, "head.out.json");
    cJSON *m = cJSON_DetachItemFromObjectCaseSensitive(steady, "steady");
    ck_assert_ptr_nonnull(m);
    cJSON_DeleteItemFromObjectCaseSensitive(whole, "wall_s");
    cJSON_DeleteItemFromObjectCaseSensitive(steady, "wall_s");
    ck_assert_msg(cJSON_Compare(whole, steady, true),
                  "the report differs beside 'steady'");

    double events = vh_test_num(whole, "events") - vh_test_num(head, "events");
    double sent = 0, delivered = 0;
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(whole, "flows")) {
        sent += vh_test_num(f, "sent");
        delivered += vh_test_num(f, "delivered");
    }
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(head, "flows")) {
        sent -= vh_test_num(f, "sent");
        delivered -= vh_test_num(f, "delivered");
    }
    ck_assert_double_eq(vh_test_num(m, "from_ns"), 100000001);
    ck_assert_double_eq(vh_test_num(m, "to_ns"),
                        vh_test_num(whole, "sim_time_ns"));
    ck_assert_double_eq(vh_test_num(m, "events"), events);
    ck_assert_double_eq(vh_test_num(m, "sent"), sent);
    ck_assert_double_eq(vh_test_num(m, "delivered"), delivered);
    ck_assert_double_eq(vh_test_num(m, "flows"), 4);
    ck_assert_double_eq(vh_test_num(m, "flows_delivering"), 4);
    ck_assert(vh_test_num(m, "cpu_s") > 0);
    ck_assert(vh_test_num(m, "cpu_ns_per_delivered") > 0);

    /* A mark at or past the end measures nothing: refused, exit 2. */
    free(out);
    st = vh_test_sh(&out, "'%s' run '%s/scenarios/bench/bridge_flood.json' "
                    "--quiet --steady-from 400ms 2>&1", bin, top);
    ck_assert_msg(st == 2 && strstr(out, "--steady-from 400ms: the run ends "
                                    "at 400ms"), "exit %d: %s", st, out);
    cJSON_Delete(m);
    cJSON_Delete(whole);
    cJSON_Delete(steady);
    cJSON_Delete(head);
    free(out);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* --version names the libraries a result may depend on. */
START_TEST(test_version_names_libraries)
{
    static const char *const forms[] = { "--version", "-V", "version" };
    for (size_t i = 0; i < 3; i++) {
        char *out = NULL;
        int st = vh_test_sh(&out, "'%s' %s", vh_test_bin(), forms[i]);
        ck_assert_msg(st == 0 && !strncmp(out, "vhsim ", 6)
                      && strstr(out, "\ncJSON 1.") && strstr(out, "libpcap"),
                      "%s: %s", forms[i], out);
        free(out);
    }
}
END_TEST

static Suite *
programs_suite(void)
{
    Suite *s = suite_create("programs");
    TCase *tc = tcase_create("programs");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_vhsim_links_no_sdl);
    tcase_add_test(tc, test_gui_missing);
    tcase_add_test(tc, test_gui_passes_everything_through);
    tcase_add_test(tc, test_stdout_write_errors_fail);
    tcase_add_test(tc, test_gui_without_display);
    tcase_add_test(tc, test_gui_frames_bounded);
    tcase_add_test(tc, test_seed_written_exactly);
    tcase_add_test(tc, test_version_names_libraries);
    tcase_add_test(tc, test_steady_from_measures_the_tail);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(programs_suite)
