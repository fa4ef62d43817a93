/* tests/test_install.c: 'make install', the man page and bash completion.
 *
 * An installed vhsim runs an installed scenario from anywhere; the man page
 * has a section for every command the program lists; the completion offers
 * commands, each command's options and the variant names of the scenario
 * on the command line. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/testutil.h"

START_TEST(test_make_install)
{
    char *dir = vh_test_tmpdir();
    char *out = NULL;
    int st = vh_test_sh(&out, "make -s install DESTDIR='%s/root' PREFIX=/usr "
                        "2>&1", dir);
    ck_assert_msg(st == 0, "make install: %s", out);
    free(out);
    static const char *const files[] = {
        "usr/bin/vhsim", "usr/bin/vhsim-gui",
        "usr/share/vhsim/scenarios/demo.json",
        "usr/share/vhsim/scenarios/evb.json",
        "usr/share/vhsim/lessons/01-access-methods.json",
        "usr/share/doc/vhsim/scenarios.md", "usr/share/man/man1/vhsim.1",
        "usr/share/bash-completion/completions/vhsim",
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        ck_assert_msg(vh_test_sh(NULL, "test -s '%s/root/%s'", dir,
                                 files[i]) == 0, "%s not installed",
                      files[i]);
    }
    /* From another directory, with nothing of the source tree. */
    st = vh_test_sh(&out, "mkdir '%s/work' && cd '%s/work' && "
                    "'%s/root/usr/bin/vhsim' run "
                    "'%s/root/usr/share/vhsim/scenarios/demo.json' --quiet "
                    "&& ls traces 2>&1", dir, dir, dir, dir);
    ck_assert_msg(st == 0 && strstr(out, ".pcap"), "%s", out);
    free(out);
    /* The installed lessons, found beside the installed program. */
    st = vh_test_sh(&out, "cd '%s/work' && '%s/root/usr/bin/vhsim' lab "
                    "--list && '%s/root/usr/bin/vhsim' lab --key 04 "
                    ">/dev/null 2>&1", dir, dir, dir);
    ck_assert_msg(st == 0 && strstr(out, "usr/share/vhsim/lessons:")
                  && strstr(out, "04-vmdq"), "%s", out);
    free(out);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* Every command 'vhsim --help' lists has its section in the man page. */
START_TEST(test_man_page_covers_commands)
{
    char *help = NULL;
    ck_assert_int_eq(vh_test_sh(&help, "'%s' --help", vh_test_bin()), 0);
    size_t n = 0;
    char *save = NULL;
    for (char *line = strtok_r(help, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char cmd[32];
        /* "  run SCENARIO      run a scenario: ..." */
        if (!strncmp(line, "  ", 2) && line[2] != ' '
            && sscanf(line, "%31s", cmd) == 1
            && !strncmp(line + 2 + strlen(cmd), " SCENARIO", 9)) {
            ck_assert_msg(vh_test_sh(NULL, "grep -qx '.TP' docs/vhsim.1 && "
                                     "grep -A1 -x '.TP' docs/vhsim.1 | "
                                     "grep -qx '.B %s'", cmd) == 0,
                          "docs/vhsim.1 has no section for '%s'", cmd);
            n++;
        }
    }
    ck_assert_uint_ge(n, 5);
    free(help);
}
END_TEST

/* Completion replies for the words given, as bash computes them. */
static char *
complete(const char *words, int cword)
{
    char *out = NULL;
    int st = vh_test_sh(&out, "source docs/vhsim.bash-completion && "
                        "COMP_WORDS=(%s) && COMP_CWORD=%d && _vhsim && "
                        "printf '%%s\\n' \"${COMPREPLY[@]}\" | sort | tr "
                        "'\\n' ' '", words, cword);
    ck_assert_msg(st == 0, "%s", out);
    return out;
}

START_TEST(test_bash_completion)
{
    char *r = complete("vhsim ex", 1);
    ck_assert_str_eq(r, "explain ");
    free(r);
    r = complete("vhsim compare x.json --o", 3);
    ck_assert_str_eq(r, "--only ");
    free(r);
    r = complete("vhsim run scenarios/evb.json --variant vn", 4);
    ck_assert_str_eq(r, "vntag vntag-fex vntag-passthrough ");
    free(r);
    r = complete("vhsim explain scenarios/evb.json --flow f", 4);
    ck_assert_str_eq(r, "f12 f3 ");
    free(r);
}
END_TEST

static Suite *
install_suite(void)
{
    Suite *s = suite_create("install");
    TCase *tc = tcase_create("install");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_make_install);
    tcase_add_test(tc, test_man_page_covers_commands);
    tcase_add_test(tc, test_bash_completion);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(install_suite)
