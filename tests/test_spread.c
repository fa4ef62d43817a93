/* tests/test_spread.c: 'vhsim compare' and 'vhsim sweep' spread over the
 * ranks of an MPI job (cli/spread.h).
 *
 * What a job of N ranks writes must be what one process writes, byte for
 * byte: the table, the JSON (less wall_s, the one figure of the machine)
 * and the CSV, with variants, with --seeds, with a refused variant, and
 * for a sweep over a grid.  Each comparison runs the one-process command
 * and 'mpirun -np N' of the same command in the same directory.  With no
 * mpirun on $PATH, or a vhsim built without MPI (the sanitizer build),
 * the job cases say so and pass; --seeds itself is checked either way. */
#include <check.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "tests/testutil.h"

#define DEMO "scenarios/demo.json"

/* mpirun as root in a container: allowed, several ranks on few cores
 * allowed, and only the shared-memory transport between them (no probing
 * of network interfaces, nothing on stderr). */
#define MPIRUN "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 " \
    "OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none " \
    "OMPI_MCA_rmaps_base_oversubscribe=1 mpirun"

static char bin[PATH_MAX];
static char top[PATH_MAX];

/* A fresh directory holding demo.json without its captures and, in
 * bad.json, the same with a variant refused when its world is built. */
static char *
fresh(void)
{
    if (!realpath(vh_test_bin(), bin)) {
        ck_abort_msg("vhsim binary '%s' not found", vh_test_bin());
    }
    ck_assert_ptr_nonnull(getcwd(top, sizeof top));
    char *dir = vh_test_tmpdir();
    ck_assert_ptr_nonnull(dir);
    int st = vh_test_sh(NULL, "cd '%s' && python3 -c \"import json\n"
                        "d=json.load(open('%s/" DEMO "'))\n"
                        "d.pop('capture')\n"
                        "json.dump(d,open('demo.json','w'),indent=1)\n"
                        "d['variants'].insert(1,{'name':'wrong-subnet',"
                        "'set':{'host1/vm1/eth0.ip':'10.0.1.1/24'}})\n"
                        "json.dump(d,open('bad.json','w'),indent=1)\"",
                        dir, top);
    ck_assert_int_eq(st, 0);
    return dir;
}

static void
done(char *dir)
{
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}

/* Whether an MPI job can be run with this vhsim; says why not if not. */
static bool
have_mpi(const char *dir)
{
    char *out = NULL;
    if (vh_test_sh(NULL, "command -v mpirun >/dev/null")) {
        printf("spread: mpirun not found, MPI cases skipped (install "
               "openmpi-bin and libopenmpi-dev, then rebuild)\n");
        return false;
    }
    int st = vh_test_sh(&out, "cd '%s' && " MPIRUN " -np 2 '%s' compare "
                        "demo.json -q", dir, bin);
    bool ok = st == 0;
    if (!ok && out && strstr(out, "built without MPI")) {
        printf("spread: %s was built without MPI, MPI cases skipped\n",
               bin);
    } else {
        ck_assert_msg(ok, "mpirun failed (%d): %s", st, out ? out : "");
    }
    free(out);
    return ok;
}

/* Runs "vhsim ARGS" alone and in a job of 'ranks', each writing a.* and
 * b.* (the table, -o JSON, -c CSV), and checks that the job's outputs
 * are the lone process's and that it printed nothing on stderr. */
static void
same_bytes(const char *dir, int ranks, const char *args)
{
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && '%s' %s -o a.json -c a.csv >a.txt "
                        "&& " MPIRUN " -np %d '%s' %s -o b.json -c b.csv "
                        ">b.txt 2>b.err && sed -i '/\"wall_s\"/d' a.json "
                        "b.json && cmp a.txt b.txt && cmp a.json b.json && "
                        "cmp a.csv b.csv && test ! -s b.err && "
                        "test -s a.txt && test -s a.csv", dir, bin, args,
                        ranks, bin, args);
    ck_assert_msg(st == 0, "'%s' on %d ranks differs from one process: %s",
                  args, ranks, out ? out : "");
    free(out);
}

/* Three columns over two ranks: rank 1 runs one, rank 0 two, and the
 * header (read from the first column) and the refused column's place come
 * out the same. */
START_TEST(test_compare_job_equals_one_process)
{
    char *dir = fresh();
    if (have_mpi(dir)) {
        same_bytes(dir, 2, "compare demo.json");
        same_bytes(dir, 3, "compare demo.json");
        same_bytes(dir, 2, "compare bad.json");
        /* A first column another rank ran, with a 64-bit seed (written
         * as its digits: it must arrive as them). */
        same_bytes(dir, 2, "compare demo.json --only vm1-on-e1000,slow-cpu "
                   "-s 18446744073709551615");
        /* Standard input reaches rank 0 alone: refused, not waited on. */
        char *out = NULL;
        int st = vh_test_sh(&out, "cd '%s' && timeout 120 env " MPIRUN
                            " -np 2 '%s' compare - <demo.json", dir, bin);
        ck_assert_msg(st != 0 && strstr(out, "vhsim: under mpirun the "
                                        "scenario must be a file"), "%s",
                      out);
        free(out);
    }
    done(dir);
}
END_TEST

START_TEST(test_seeds_job_equals_one_process)
{
    char *dir = fresh();
    if (have_mpi(dir)) {
        same_bytes(dir, 2, "compare demo.json --seeds 1..4");
        same_bytes(dir, 3, "compare bad.json --seeds 3");
    }
    done(dir);
}
END_TEST

START_TEST(test_sweep_job_equals_one_process)
{
    char *dir = fresh();
    if (have_mpi(dir)) {
        same_bytes(dir, 3, "sweep demo.json --set vm1-to-remote.size=64,512 "
                   "--variant all --seeds 1..2");
    }
    done(dir);
}
END_TEST

/* The number at 'path' ("variants/0/flows/1/latency_ns/p50") of a JSON
 * file. */
static double
json_num(const char *file, const char *path)
{
    size_t len;
    char *text = vh_test_slurp(file, &len);
    ck_assert_ptr_nonnull(text);
    cJSON *root = cJSON_Parse(text);
    free(text);
    ck_assert_ptr_nonnull(root);
    const cJSON *it = root;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *save, *tok = strtok_r(buf, "/", &save); tok && it;
         tok = strtok_r(NULL, "/", &save)) {
        it = cJSON_IsArray(it) ? cJSON_GetArrayItem(it, atoi(tok))
                               : cJSON_GetObjectItemCaseSensitive(it, tok);
    }
    ck_assert_msg(cJSON_IsNumber(it), "%s: no number at %s", file, path);
    double v = it->valuedouble;
    cJSON_Delete(root);
    return v;
}

/* compare --seeds A..B: each column is the mean of the runs 'compare
 * --seed S' makes, figure by figure; one seed is that seed's run. */
START_TEST(test_seeds_are_the_mean_of_the_runs)
{
    char *dir = fresh();
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && for s in 5 6 7; do '%s' compare "
                        "demo.json -q -s $s -o s$s.json || exit 1; done && "
                        "'%s' compare demo.json -q --seeds 5..7 -o m.json && "
                        "'%s' compare demo.json --seeds 6..6 -c one.csv "
                        ">one.txt && '%s' compare demo.json -s 6 -c six.csv "
                        ">six.txt && cmp one.csv six.csv && "
                        "cmp one.txt six.txt", dir, bin, bin, bin, bin);
    ck_assert_msg(st == 0, "%s", out);
    free(out);
    st = vh_test_sh(&out, "cd '%s' && '%s' compare demo.json --seeds 5..7 "
                    "| head -n 1", dir, bin);
    ck_assert_msg(strstr(out, "seed 5..7, 3 runs"), "header: %s", out);
    free(out);
    static const char *const figures[] = {
        "variants/0/flows/0/latency_ns/p50",
        "variants/1/flows/1/latency_ns/p99",
        "variants/2/flows/0/sent",
    };
    for (size_t f = 0; f < sizeof figures / sizeof *figures; f++) {
        double sum = 0, v[3];
        for (int s = 0; s < 3; s++) {
            char file[PATH_MAX];
            snprintf(file, sizeof file, "%s/s%d.json", dir, s + 5);
            sum += v[s] = json_num(file, figures[f]);
        }
        char file[PATH_MAX];
        snprintf(file, sizeof file, "%s/m.json", dir);
        double mean = json_num(file, figures[f]);
        ck_assert_msg(fabs(mean - sum / 3) <= 1e-12 * fabs(mean),
                      "%s: %.17g, the runs %g %g %g", figures[f], mean,
                      v[0], v[1], v[2]);
    }
    done(dir);
}
END_TEST

START_TEST(test_seeds_bad_input)
{
    char *dir = fresh();
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && '%s' compare demo.json -s 3 "
                        "--seeds 1..2 -o x.json; echo \"rc=$?\"; ls", dir,
                        bin);
    ck_assert_int_eq(st, 0);
    ck_assert_msg(strstr(out, "--seed and --seeds") && strstr(out, "rc=2")
                  && !strstr(out, "x.json"), "%s", out);
    free(out);
    st = vh_test_sh(&out, "cd '%s' && '%s' compare demo.json --seeds 4..2; "
                    "echo \"rc=$?\"", dir, bin);
    ck_assert_msg(strstr(out, "--seeds '4..2': an empty range")
                  && strstr(out, "rc=2"), "%s", out);
    free(out);
    done(dir);
}
END_TEST

/* vhsim itself loads none of Open MPI's libraries, which would cost
 * every command's start some 3 ms: under mpirun it becomes vhsim-mpi
 * (cli/spread_one.c), which the job cases above run through it. */
START_TEST(test_vhsim_loads_no_mpi)
{
    char *out = NULL;
    if (!realpath(vh_test_bin(), bin)) {
        ck_abort_msg("vhsim binary '%s' not found", vh_test_bin());
    }
    int st = vh_test_sh(&out, "ldd '%s'", bin);
    ck_assert_msg(st == 0, "ldd '%s' failed: %s", bin, out ? out : "");
    ck_assert_msg(strstr(out, "libcjson") != NULL, "ldd said: %s", out);
    ck_assert_msg(strstr(out, "libmpi") == NULL,
                  "%s links Open MPI: %s", bin, out);
    free(out);
}
END_TEST

static Suite *
spread_suite(void)
{
    Suite *s = suite_create("spread");
    TCase *tc = tcase_create("mpi");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_compare_job_equals_one_process);
    tcase_add_test(tc, test_seeds_job_equals_one_process);
    tcase_add_test(tc, test_sweep_job_equals_one_process);
    tcase_add_test(tc, test_seeds_are_the_mean_of_the_runs);
    tcase_add_test(tc, test_seeds_bad_input);
    tcase_add_test(tc, test_vhsim_loads_no_mpi);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(spread_suite)
