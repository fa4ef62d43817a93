/* tests/test_conventions.c: the command line and the report as a Unix
 * user and a script expect them.
 *
 * '-' is standard input as the scenario and standard output for --json
 * and --csv; '--' ends the options; short options and both spellings of
 * a long option's value work; a mistyped option gets a hint; a successful
 * run says nothing on stderr unless asked (--verbose).  The JSON report
 * carries every number exactly as computed (rounding happens once, in the
 * tables), a latency never measured is null (and "-" in tables), and the
 * report names its schema. */
#include <check.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli/compare.h"
#include "report/report.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

#define DEMO "scenarios/demo.json"

static char bin[PATH_MAX];
static char top[PATH_MAX];

/* A fresh directory; 'bin' and 'top' set to the binary and the tree. */
static char *
fresh(void)
{
    if (!realpath(vh_test_bin(), bin)) {
        ck_abort_msg("vhsim binary '%s' not found", vh_test_bin());
    }
    ck_assert_ptr_nonnull(getcwd(top, sizeof top));
    char *dir = vh_test_tmpdir();
    ck_assert_ptr_nonnull(dir);
    return dir;
}

static void
done(char *dir)
{
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}

/* Writes demo.json, without its captures (so runs write nothing but what
 * a test asks for), and short.json, the same cut to 15us: every flow has
 * sent its first packets and none has delivered one. */
static void
put_scenarios(const char *dir)
{
    int st = vh_test_sh(NULL, "cd '%s' && python3 -c \"import json\n"
                        "d=json.load(open('%s/" DEMO "'))\n"
                        "d.pop('capture')\n"
                        "json.dump(d,open('demo.json','w'),indent=1)\n"
                        "d['duration']='15us'\n"
                        "json.dump(d,open('short.json','w'),indent=1)\"",
                        dir, top);
    ck_assert_int_eq(st, 0);
}

/* The scenario from standard input: check, run, explain and compare read
 * it, and the reports are those of the file itself. */
START_TEST(test_scenario_from_stdin)
{
    char *dir = fresh();
    put_scenarios(dir);
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && cat demo.json | '%s' check -",
                        dir, bin);
    ck_assert_msg(st == 0 && !strncmp(out, "stdin: ok: 2 hosts", 18),
                  "exit %d: %.3000s", st, out);
    free(out);
    st = vh_test_sh(&out, "cd '%s' && '%s' run - -q -o - <demo.json "
                    "| python3 -m json.tool >piped.json && '%s' run "
                    "demo.json -q --json file.json && python3 -c \"import "
                    "json\na=json.load(open('piped.json'))\n"
                    "b=json.load(open('file.json'))\n"
                    "a.pop('wall_s'); b.pop('wall_s')\n"
                    "assert a==b\nprint('same')\"", dir, bin, bin);
    ck_assert_msg(st == 0 && strstr(out, "same"), "exit %d: %.3000s", st, out);
    free(out);
    /* explain and compare: the same as from the file; compare loads each
     * variant from the one reading of standard input. */
    st = vh_test_sh(&out, "cd '%s' && '%s' explain - <demo.json >a.txt && "
                    "'%s' explain demo.json >b.txt && cmp a.txt b.txt && "
                    "'%s' compare - -c - <demo.json >a.csv && '%s' compare "
                    "demo.json -c b.csv && cmp a.csv b.csv && "
                    "test $(wc -l <a.csv) = 10 && echo same", dir, bin, bin,
                    bin, bin);
    ck_assert_msg(st == 0 && strstr(out, "same"), "exit %d: %.3000s", st, out);
    free(out);
    /* A scenario with no name of its own is named after where it came
     * from. */
    st = vh_test_sh(&out, "cd '%s' && python3 -c \"import json,sys\n"
                    "d=json.load(open('demo.json'))\nd.pop('name')\n"
                    "json.dump(d,sys.stdout)\" | '%s' run -q -o - - | "
                    "grep '\"scenario\"'", dir, bin);
    ck_assert_msg(st == 0 && strstr(out, "\"scenario\":\t\"stdin\""),
                  "exit %d: %.3000s", st, out);
    free(out);
    /* Bad input from standard input: named as such, exit 2. */
    st = vh_test_sh(&out, "echo '{\"hosts\": 3}' | '%s' check - 2>&1", bin);
    ck_assert_msg(st == 2 && !strncmp(out, "vhsim: stdin: hosts", 19),
                  "exit %d: %.3000s", st, out);
    free(out);
    done(dir);
}
END_TEST

/* --json - and --csv -: the JSON or CSV alone on standard output, with no
 * text report around it; both at once is refused. */
START_TEST(test_outputs_to_stdout)
{
    char *dir = fresh();
    put_scenarios(dir);
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && '%s' run demo.json --json - "
                        ">r.json 2>err && test ! -s err && python3 -c "
                        "\"import json\nr=json.load(open('r.json'))\n"
                        "assert r['scenario']=='demo'\nprint('ok')\" && "
                        "test ! -e ./-", dir, bin);
    ck_assert_msg(st == 0 && strstr(out, "ok"), "exit %d: %.3000s", st, out);
    free(out);
    st = vh_test_sh(&out, "cd '%s' && '%s' compare demo.json --csv=- "
                    ">c.csv && head -c 8 c.csv && test ! -e ./-", dir, bin);
    ck_assert_msg(st == 0 && !strcmp(out, "variant,"), "exit %d: %.3000s", st,
                  out);
    free(out);
    st = vh_test_sh(&out, "cd '%s' && '%s' compare demo.json -o - -c - "
                    "2>&1", dir, bin);
    ck_assert_msg(st == 2 && strstr(out, "cannot both go to standard "
                                        "output"), "exit %d: %.3000s", st, out);
    free(out);
    /* Standard output redirected to the scenario itself: still refused
     * before anything is written (>> leaves the file as it was). */
    st = vh_test_sh(&out, "cd '%s' && '%s' run demo.json -q -o - "
                    ">>demo.json 2>err; echo \"st=$?\"; cat err; "
                    "'%s' check -q demo.json && echo intact", dir, bin, bin);
    ck_assert_msg(strstr(out, "st=2") && strstr(out, "is the input")
                  && strstr(out, "intact"), "%.3000s", out);
    free(out);
    /* And the scenario read from standard input is an input too. */
    st = vh_test_sh(&out, "cd '%s' && '%s' run - -q -o demo.json "
                    "<demo.json 2>&1; echo \"st=$?\"", dir, bin);
    ck_assert_msg(strstr(out, "st=2") && strstr(out, "is the input"), "%s",
                  out);
    free(out);
    done(dir);
}
END_TEST

/* '--' ends the options: a scenario named "-x.json" runs; without it,
 * "-x.json" is options. */
START_TEST(test_double_dash_ends_options)
{
    char *dir = fresh();
    put_scenarios(dir);
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && cp demo.json ./-x.json && "
                        "'%s' run -q -- -x.json && '%s' check -- -x.json",
                        dir, bin, bin);
    ck_assert_msg(st == 0 && strstr(out, "-x.json: ok"), "exit %d: %.3000s", st,
                  out);
    free(out);
    st = vh_test_sh(&out, "cd '%s' && '%s' run -x.json 2>&1", dir, bin);
    ck_assert_msg(st == 2 && strstr(out, "unknown option '-x'"),
                  "exit %d: %.3000s", st, out);
    free(out);
    done(dir);
}
END_TEST

/* Every spelling of an option is the same option, before or after the
 * scenario: --seed=7, --seed 7, -s 7, -s7 and grouped with -q. */
START_TEST(test_option_spellings)
{
    char *dir = fresh();
    put_scenarios(dir);
    static const char *const forms[] = {
        "--seed=7 --json=r.json --quiet", "demo.json --seed 7 --json r.json "
        "--quiet", "-s 7 -o r.json -q", "-qs7 -or.json", "--se 7 --js r.json "
        "--qu",
    };
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        char *out = NULL;
        int st = vh_test_sh(&out, "cd '%s' && rm -f r.json && '%s' run %s "
                            "%s && grep '\"seed\"' r.json", dir, bin,
                            i == 1 ? "" : "demo.json", forms[i]);
        ck_assert_msg(st == 0 && strstr(out, "\"seed\":\t7,"),
                      "'%s': exit %d: %.3000s", forms[i], st, out);
        free(out);
    }
    done(dir);
}
END_TEST

/* A mistyped long option is named with what it probably meant, in every
 * command; usage errors exit 2. */
START_TEST(test_mistyped_option_hint)
{
    static const struct {
        const char *args, *want;
    } cases[] = {
        { "run " DEMO " --jsn r.json",
          "unknown option '--jsn'; did you mean '--json'?" },
        { "run " DEMO " --seeed=3",
          "unknown option '--seeed'; did you mean '--seed'?" },
        { "check " DEMO " --varient x",
          "unknown option '--varient'; did you mean '--variant'?" },
        { "explain " DEMO " --paket 2",
          "unknown option '--paket'; did you mean '--packet'?" },
        { "compare " DEMO " --cvs x.csv",
          "unknown option '--cvs'; did you mean '--csv'?" },
        { "gui " DEMO " --folow", "unknown option '--folow'; did you mean "
          "'--follow'?" },
        { "run " DEMO " --json", "--json needs a value" },
        { "run " DEMO " -s", "-s needs a value" },
        { "run " DEMO " --quiet=yes", "--quiet takes no value" },
        { "run " DEMO " -z", "unknown option '-z'" },
        { "run " DEMO " " DEMO, "one scenario at a time" },
        { "run " DEMO " -s -1", "--seed takes a non-negative integer" },
        { "run " DEMO " --record -", "--record: name a file" },
        { "gui " DEMO " --s 3", "option '--s' is ambiguous: --seed, "
          "--speed, --select, --size, --screenshot?" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *out = NULL;
        int st = vh_test_sh(&out, "'%s' %s 2>&1", vh_test_bin(),
                            cases[i].args);
        ck_assert_msg(st == 2 && !strncmp(out, "vhsim: ", 7)
                      && strstr(out, cases[i].want),
                      "vhsim %s: exit %d: %.3000s", cases[i].args, st, out);
        free(out);
    }
}
END_TEST

/* Every command's --help lists the short options it takes. */
START_TEST(test_help_lists_short_options)
{
    static const struct {
        const char *cmd, *want[4];
    } cases[] = {
        { "run", { "-o, --json", "-s, --seed", "-q, --quiet", "-v, --verbose" } },
        { "check", { "-q, --quiet", "-h, --help" } },
        { "explain", { "-s, --seed", "-h, --help" } },
        { "compare", { "-o, --json", "-c, --csv", "-s, --seed", "-v, --verbose" } },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *out = NULL;
        int st = vh_test_sh(&out, "'%s' %s -h", vh_test_bin(), cases[i].cmd);
        ck_assert_msg(st == 0, "%s -h: exit %d", cases[i].cmd, st);
        for (size_t k = 0; k < 4 && cases[i].want[k]; k++) {
            ck_assert_msg(strstr(out, cases[i].want[k]), "%s -h lacks '%s':"
                          "\n%.3000s", cases[i].cmd, cases[i].want[k], out);
        }
        free(out);
    }
}
END_TEST

/* A successful run is silent on stderr; --verbose adds the wall time and
 * event rate there, and the report is the same either way. */
START_TEST(test_quiet_stderr_unless_verbose)
{
    char *dir = fresh();
    put_scenarios(dir);
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && '%s' run demo.json >a.txt 2>err "
                        "&& '%s' compare demo.json >c.txt 2>>err && "
                        "'%s' check demo.json >/dev/null 2>>err && "
                        "'%s' explain demo.json >/dev/null 2>>err && "
                        "wc -c <err", dir, bin, bin, bin, bin);
    ck_assert_msg(st == 0 && !strcmp(out, "0\n"), "stderr of a successful "
                  "run: exit %d: %.3000s", st, out);
    free(out);
    st = vh_test_sh(&out, "cd '%s' && '%s' run demo.json -v >b.txt && "
                    "cmp a.txt b.txt && '%s' compare demo.json --verbose "
                    ">/dev/null", dir, bin, bin);
    ck_assert_msg(st == 0 && strstr(out, "s wall, ") && strstr(out, " events, ")
                  && strstr(out, " M events/s\n")
                  && strstr(out, "vhsim: 3 runs, "), "exit %d: %.3000s", st, out);
    free(out);
    done(dir);
}
END_TEST

/* Compares every number of two JSON trees of the same shape exactly;
 * counts in '*fine' the numbers that six decimals would change. */
static void
same_numbers(const cJSON *a, const cJSON *b, const char *where, int *fine)
{
    ck_assert_msg(b != NULL, "%s: missing in the text", where);
    if (cJSON_IsNumber(a)) {
        ck_assert_msg(cJSON_IsNumber(b) && a->valuedouble == b->valuedouble,
                      "%s: %.17g in the report, %.17g in its text", where,
                      a->valuedouble, cJSON_IsNumber(b) ? b->valuedouble
                                                        : NAN);
        double r = round(a->valuedouble * 1e6) / 1e6;
        *fine += r != a->valuedouble;
        return;
    }
    const cJSON *ca = a->child, *cb = b->child;
    for (; ca; ca = ca->next, cb = cb ? cb->next : NULL) {
        char sub[256];
        snprintf(sub, sizeof sub, "%s.%s", where,
                 ca->string ? ca->string : "[]");
        same_numbers(ca, cb, sub, fine);
    }
}

static char *
slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* The JSON's numbers are the figures computed, to the last bit (cJSON's
 * own printing gives 15 digits and counts above 2^31 with an exponent);
 * some of them are ones that rounding to six decimals would change. */
START_TEST(test_json_numbers_exact)
{
    struct wt_run r = wt_run_json(slurp(DEMO), NULL, NULL, NULL);
    cJSON *rep = report_json(r.w, 0);
    char *text = report_json_text(rep);
    ck_assert_ptr_nonnull(text);
    cJSON *back = cJSON_Parse(text);
    ck_assert_msg(back != NULL, "the report does not parse:\n%s", text);
    int fine = 0;
    same_numbers(rep, back, "report", &fine);
    ck_assert_msg(fine > 0, "no number finer than six decimals");
    /* Big counts are written with every digit. */
    char num[40];
    report_format_number(12345678901234567.0, num, sizeof num);
    ck_assert_str_eq(num, "12345678901234568");
    report_format_number(0.1 + 0.2, num, sizeof num);
    ck_assert_str_eq(num, "0.30000000000000004");
    cJSON_Delete(back);
    free(text);
    cJSON_Delete(rep);
    wt_run_free(&r);
}
END_TEST

/* The compare table rounds the exact figure once: 0.00171 VM exits per
 * packet reads "0.00171", not the "0.00200" of a rounded report. */
START_TEST(test_table_rounds_once)
{
    struct wt_run r = wt_run_json(slurp(DEMO), NULL, NULL, NULL);
    cJSON *rep = report_json(r.w, 0);
    cJSON *h = cJSON_GetArrayItem(cJSON_GetObjectItem(rep, "hosts"), 0);
    cJSON_SetNumberValue(cJSON_GetObjectItem(h, "vm_exits_per_packet"),
                         0.0017142857);
    struct compare_run run = { "base", rep, NULL };
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    compare_print(&run, 1, 0, f);
    fclose(f);
    const char *row = strstr(buf, "VM exits/packet");
    ck_assert_msg(row && !strncmp(row + strcspn(row, "0"), "0.00171\n", 8),
                  "%s", buf);
    free(buf);
    cJSON_Delete(rep);
    wt_run_free(&r);
}
END_TEST

/* A flow that delivered nothing has no latency: null in the JSON (each
 * key present), "-" in the run's and compare's tables, empty in CSV. */
START_TEST(test_null_latency)
{
    char *dir = fresh();
    put_scenarios(dir);
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && '%s' run short.json -o r.json "
                        ">r.txt && '%s' compare short.json -o c.json -c c.csv "
                        ">c.txt && python3 -c \"import json,csv\n"
                        "for f in json.load(open('r.json'))['flows']:\n"
                        "  assert f['sent']>0 and f['delivered']==0, f\n"
                        "  assert f['latency_ns']=={k:None for k in "
                        "('min','p50','p99','max','mean')}, f\n"
                        "for v in json.load(open('c.json'))['variants']:\n"
                        "  assert all(f['latency_ns']['p50'] is None for f "
                        "in v['flows'])\n"
                        "for row in csv.DictReader(open('c.csv')):\n"
                        "  assert row['latency_p50_ns']==''==row["
                        "'latency_max_ns'], row\n"
                        "print('ok')\" && grep -c 'vm1-to-remote .* -  *-  *-$'"
                        " r.txt && grep -c '^  latency p50  *-  *-  *-$' c.txt",
                        dir, bin, bin);
    ck_assert_msg(st == 0 && !strcmp(out, "ok\n1\n3\n"), "exit %d: %.3000s", st,
                  out);
    free(out);
    done(dir);
}
END_TEST

/* The report names its schema, first; compare's runs carry it too. */
START_TEST(test_report_schema)
{
    char *dir = fresh();
    put_scenarios(dir);
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && '%s' run demo.json -q -o - | "
                        "sed -n 2p && '%s' compare demo.json -q -o - | "
                        "grep -c '\"schema\":\t1,'", dir, bin, bin);
    ck_assert_msg(st == 0 && !strcmp(out, "\t\"schema\":\t1,\n3\n"),
                  "exit %d: %.3000s", st, out);
    free(out);
    done(dir);
}
END_TEST

/* A scenario is read up to CFG_TEXT_MAX (16 MiB) and no further, from a
 * file or standard input: /dev/zero is refused at once with exit 2, not
 * read until memory runs out; a NUL byte is no JSON. */
START_TEST(test_input_size_limit)
{
    char *dir = fresh();
    char *out = NULL;
    int st = vh_test_sh(&out, "timeout 60 '%s' check /dev/zero",
                        bin);
    ck_assert_msg(st == 2 && strstr(out, "'/dev/zero' is "
                  "larger than 16 MiB: not a scenario"), "exit %d: %s", st,
                  out);
    free(out);
    st = vh_test_sh(&out, "head -c 17000000 /dev/zero "
                    "| '%s' run - -q", bin);
    ck_assert_msg(st == 2 && strstr(out, "larger than 16 MiB"),
                  "exit %d: %s", st, out);
    free(out);
    st = vh_test_sh(&out, "cd '%s' && printf '{\\n\\0}' >nul.json && "
                    "'%s' check nul.json", dir, bin);
    ck_assert_msg(st == 2 && strstr(out, "holds a NUL byte"),
                  "exit %d: %s", st, out);
    free(out);
    done(dir);
}
END_TEST

static Suite *
conventions_suite(void)
{
    Suite *s = suite_create("conventions");
    TCase *tc = tcase_create("conventions");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_scenario_from_stdin);
    tcase_add_test(tc, test_outputs_to_stdout);
    tcase_add_test(tc, test_double_dash_ends_options);
    tcase_add_test(tc, test_option_spellings);
    tcase_add_test(tc, test_mistyped_option_hint);
    tcase_add_test(tc, test_help_lists_short_options);
    tcase_add_test(tc, test_quiet_stderr_unless_verbose);
    tcase_add_test(tc, test_json_numbers_exact);
    tcase_add_test(tc, test_table_rounds_once);
    tcase_add_test(tc, test_null_latency);
    tcase_add_test(tc, test_report_schema);
    tcase_add_test(tc, test_input_size_limit);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(conventions_suite)
