/* tests/check_main.c: runs every suite registered with VH_SUITE. */
#include <check.h>
#include <cjson/cJSON.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "tests/testutil.h"

#define MAX_SUITES 128

static vh_suite_fn suites[MAX_SUITES];
static int n_suites;

/* The name given to the last suite created (see testutil.h). */
static const char *last_suite_name;

Suite *
vh_suite_create(const char *name)
{
    last_suite_name = name;
    return (suite_create)(name);
}

void
vh_register_suite(vh_suite_fn fn)
{
    if (n_suites == MAX_SUITES) {
        fprintf(stderr, "too many test suites; raise MAX_SUITES\n");
        abort();
    }
    suites[n_suites++] = fn;
}

const char *
vh_test_bin(void)
{
    const char *b = getenv("VHSIM_BIN");
    return b && *b ? b : "./vhsim";
}

int
vh_test_sh(char **out, const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);

    /* Through bash (tests use its process substitution), passing the
     * command in the environment so it needs no quoting here. */
    setenv("VH_TEST_CMD", cmd, 1);
    FILE *f = popen("bash -c \"$VH_TEST_CMD\" 2>&1", "r");
    if (!f) {
        return -1;
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 1024) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    buf[len] = '\0';
    int st = pclose(f);
    if (out) {
        *out = buf;
    } else {
        free(buf);
    }
    if (st == -1 || !WIFEXITED(st)) {
        return -1;
    }
    return WEXITSTATUS(st);
}

char *
vh_test_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t) sz + 1);
    size_t got = fread(buf, 1, (size_t) sz, f);
    fclose(f);
    buf[got] = '\0';
    if (len) {
        *len = got;
    }
    return buf;
}

char *
vh_test_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char tmpl[512];
    snprintf(tmpl, sizeof tmpl, "%s/vhsim-test-XXXXXX",
             base && *base ? base : "/tmp");
    char *d = mkdtemp(tmpl);
    return d ? strdup(d) : NULL;
}

char *
vh_test_dq(const char *s)
{
    char *r = strdup(s);
    for (char *p = r; *p; p++) {
        *p = *p == '\'' ? '"' : *p;
    }
    return r;
}

double
vh_test_num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    ck_assert_msg(cJSON_IsNumber(v), "no number '%s'", key);
    return v->valuedouble;
}

char *
vh_test_run_scenario(const char *json, const char *args)
{
    char bin[PATH_MAX];
    ck_assert_msg(realpath(vh_test_bin(), bin) != NULL,
                  "vhsim binary '%s' not found", vh_test_bin());
    char *dir = vh_test_tmpdir();
    ck_assert_ptr_nonnull(dir);
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/s.json", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(json, f);
    fclose(f);
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && '%s' run s.json --quiet %s", dir,
                        bin, args);
    ck_assert_msg(st == 0, "vhsim run failed (%d): %s", st, out);
    free(out);
    return dir;
}

int
main(int argc, char **argv)
{
    /* The programs the tests run write English, whatever the locale of
     * whoever runs the tests: expected outputs are English. */
    setenv("LC_ALL", "C", 1);
    /* Optional argument: run only suites whose name contains it. */
    const char *only = argc > 1 ? argv[1] : NULL;
    SRunner *sr = NULL;
    for (int i = 0; i < n_suites; i++) {
        last_suite_name = NULL;
        Suite *s = suites[i]();
        if (only && !(last_suite_name && strstr(last_suite_name, only))) {
            srunner_free(srunner_create(s));    /* Frees the suite. */
            continue;
        }
        if (!sr) {
            sr = srunner_create(s);
        } else {
            srunner_add_suite(sr, s);
        }
    }
    if (!sr) {
        if (only) {
            fprintf(stderr, "no test suite's name contains '%s'\n", only);
        } else {
            fprintf(stderr, "no test suites registered\n");
        }
        return 1;
    }
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
