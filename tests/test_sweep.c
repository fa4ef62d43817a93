/* tests/test_sweep.c: 'vhsim sweep', end to end, and its statistics.
 *
 * A small scenario (a VM behind a Linux bridge and a bare-metal peer; f1
 * Poisson so seeds differ, f2 constant-rate with a fixed count so some
 * figures do not) is swept over f1's size.  The checks are what a sweep
 * must guarantee: a cell is exactly the report of 'vhsim run' on the
 * scenario edited by hand, the means and intervals are those of the
 * seeds' rows, the CSV has a row per (point, seed, flow) and per (point,
 * flow), the same arguments give the same bytes, the plot is drawn, and
 * bad input is refused with status 2 before anything is written. */
#include <check.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/sweep.h"
#include "tests/testutil.h"

static char bin[PATH_MAX];

/* '%d' is f1's size. */
static const char scenario_fmt[] =
    "{\n"
    "  \"name\": \"sw\", \"seed\": 3, \"duration\": \"2ms\",\n"
    "  \"hosts\": [\n"
    "    { \"name\": \"host1\", \"cpu\": { \"cores\": 4, \"ghz\": 2.6 },\n"
    "      \"nics\": [ { \"name\": \"eth0\", \"model\": \"82599\",\n"
    "                  \"speed\": \"10G\", \"link\": \"tor1/p1\" } ],\n"
    "      \"bridges\": [ { \"name\": \"br0\", \"ports\": [\"eth0\"] } ],\n"
    "      \"vms\": [ { \"name\": \"vm1\", \"pin\": [2],\n"
    "                 \"nics\": [ { \"name\": \"eth0\",\n"
    "                             \"ip\": \"10.0.0.1/24\",\n"
    "                             \"attach\": { \"type\": \"bridge\",\n"
    "                                         \"to\": \"br0\" } } ] } ] },\n"
    "    { \"name\": \"remote\",\n"
    "      \"nics\": [ { \"name\": \"eth0\", \"ip\": \"10.0.0.100/24\",\n"
    "                  \"link\": \"tor1/p2\" } ] }\n"
    "  ],\n"
    "  \"switches\": [ { \"name\": \"tor1\", \"ports\": 4 } ],\n"
    "  \"traffic\": [\n"
    "    { \"name\": \"f1\", \"from\": \"host1/vm1\", \"to\": \"remote\",\n"
    "      \"size\": %d, \"rate\": \"50kpps\", \"pattern\": \"poisson\" },\n"
    "    { \"name\": \"f2\", \"from\": \"remote\", \"to\": \"host1/vm1\",\n"
    "      \"rate\": \"20kpps\", \"count\": 30 }\n"
    "  ],\n"
    "  \"variants\": [\n"
    "    { \"name\": \"slow\", \"set\": { \"f2.rate\": \"10kpps\" } }\n"
    "  ]\n"
    "}\n";

static void
write_scenario(const char *dir, const char *name, int size)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, scenario_fmt, size);
    fclose(f);
}

/* A fresh directory holding s.json (f1 of 512 bytes) and s1518.json, the
 * same scenario edited by hand to 1518 bytes. */
static char *
setup(void)
{
    if (!realpath(vh_test_bin(), bin)) {
        ck_abort_msg("vhsim binary '%s' not found", vh_test_bin());
    }
    char *dir = vh_test_tmpdir();
    write_scenario(dir, "s.json", 512);
    write_scenario(dir, "s1518.json", 1518);
    return dir;
}

/* Runs a python3 program in 'dir'; fails the test unless it prints "ok". */
static void
python_ok(const char *dir, const char *prog)
{
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && python3 -c '%s'", dir, prog);
    ck_assert_msg(st == 0 && out && strstr(out, "ok"), "check failed (%d):"
                  "\n%s", st, out);
    free(out);
}

static void
sh_ok(const char *fmt_dir, const char *dir, const char *args)
{
    char *out = NULL;
    int st = vh_test_sh(&out, fmt_dir, dir, bin, args);
    ck_assert_msg(st == 0, "vhsim failed (%d):\n%s", st, out);
    free(out);
}

START_TEST(test_cell_is_the_run_of_the_edited_scenario)
{
    char *dir = setup();
    sh_ok("cd '%s' && '%s' %s", dir,
          "sweep s.json --set f1.size=64,1518 --seeds 2..3 --json j.json "
          "-q --variant base --variant slow");
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && '%s' run s1518.json --seed 3 "
                        "--json r.json -q && '%s' run s1518.json --seed 3 "
                        "--variant slow --json rs.json -q", dir, bin, bin);
    ck_assert_msg(st == 0, "vhsim run failed (%d):\n%s", st, out);
    free(out);
    /* Points go variant by variant, values in the order given, and each
     * run is 'vhsim run' less its wall time, seed included; the variant's
     * own change stays under the --set one. */
    python_ok(dir,
        "import json\n"
        "j=json.load(open(\"j.json\"))\n"
        "assert list(j)==[\"sweep\",\"points\"], list(j)\n"
        "assert j[\"sweep\"][\"keys\"]==[\"f1.size\"]\n"
        "assert j[\"sweep\"][\"seeds\"]==[2,3]\n"
        "p=j[\"points\"]\n"
        "assert [(x[\"variant\"],x[\"set\"][\"f1.size\"]) for x in p]=="
        "[(\"base\",64),(\"base\",1518),(\"slow\",64),(\"slow\",1518)], p\n"
        "def strip(r):\n"
        "  r=dict(r); r.pop(\"wall_s\"); return r\n"
        "assert [r[\"seed\"] for r in p[1][\"runs\"]]==[2,3]\n"
        "assert strip(p[1][\"runs\"][1])==strip(json.load(open(\"r.json\")))\n"
        "assert strip(p[3][\"runs\"][1])==strip(json.load(open(\"rs.json\")))\n"
        "assert p[1][\"runs\"][1][\"flows\"]!=p[1][\"runs\"][0][\"flows\"]\n"
        "print(\"ok\")\n");

    /* A --set of the key a variant sets wins over the variant: 'slow'
     * with f2 back at 20kpps is the base. */
    sh_ok("cd '%s' && '%s' %s", dir,
          "sweep s.json --set f2.rate=20kpps,5kpps --variant all --json "
          "o.json -q");
    python_ok(dir,
        "import json\n"
        "p=json.load(open(\"o.json\"))[\"points\"]\n"
        "assert [(x[\"variant\"],x[\"set\"][\"f2.rate\"]) for x in p]=="
        "[(\"base\",\"20kpps\"),(\"base\",\"5kpps\"),(\"slow\","
        "\"20kpps\"),(\"slow\",\"5kpps\")], p\n"
        "f=lambda i:p[i][\"runs\"][0][\"flows\"]\n"
        "assert f(0)==f(2) and f(1)==f(3) and f(0)!=f(1)\n"
        "print(\"ok\")\n");
    free(dir);
}
END_TEST

START_TEST(test_means_and_intervals_are_the_seeds)
{
    char *dir = setup();
    sh_ok("cd '%s' && '%s' %s", dir,
          "sweep s.json --set f1.size=64,1518 --seeds 1..3 --csv c.csv "
          "--json j.json -q");
    /* Each mean row is the mean of its seeds' rows with the half-width
     * t(0.975, 2) s / sqrt(3); f2 sends its fixed count whatever the
     * seed, so its interval is exactly 0, while f1's Poisson throughput
     * varies and its interval is positive.  The JSON summary says the
     * same as the CSV. */
    python_ok(dir,
        "import csv,json,math\n"
        "rows=list(csv.DictReader(open(\"c.csv\")))\n"
        "j=json.load(open(\"j.json\"))\n"
        "t=4.302652730\n"
        "for size in (\"64\",\"1518\"):\n"
        " for flow in (\"f1\",\"f2\"):\n"
        "  runs=[r for r in rows if r[\"f1.size\"]==size and "
        "r[\"flow\"]==flow and r[\"seed\"]!=\"mean\"]\n"
        "  assert [r[\"seed\"] for r in runs]==[\"1\",\"2\",\"3\"], runs\n"
        "  m=[r for r in rows if r[\"f1.size\"]==size and "
        "r[\"flow\"]==flow and r[\"seed\"]==\"mean\"]\n"
        "  assert len(m)==1; m=m[0]\n"
        "  assert m[\"n\"]==\"3\"\n"
        "  for k in (\"throughput_gbps\",\"throughput_mpps\","
        "\"latency_p50_ns\",\"host_cycles_per_packet\"):\n"
        "    x=[float(r[k]) for r in runs]\n"
        "    mu=sum(x)/3\n"
        "    s=math.sqrt(sum((v-mu)**2 for v in x)/2)\n"
        "    assert abs(float(m[k])-mu)<=1e-9*abs(mu), (k,m[k],mu)\n"
        "    assert abs(float(m[k+\"_ci95\"])-t*s/math.sqrt(3))<=1e-9*max(mu,1), k\n"
        "    assert runs[0][k+\"_ci95\"]==\"\"\n"
        "  pt=[p for p in j[\"points\"] if p[\"set\"][\"f1.size\"]==int(size)][0]\n"
        "  sm=[f for f in pt[\"summary\"] if f[\"flow\"]==flow][0]\n"
        "  assert sm[\"throughput_gbps\"][\"mean\"]==float(m[\"throughput_gbps\"])\n"
        "  assert sm[\"throughput_gbps\"][\"ci95\"]==float(m[\"throughput_gbps_ci95\"])\n"
        "  if flow==\"f2\":\n"
        "    assert float(m[\"sent\"])==30 and sm[\"sent\"][\"ci95\"]==0, sm\n"
        "  else:\n"
        "    assert float(m[\"throughput_gbps_ci95\"])>0, m\n"
        "print(\"ok\")\n");
    free(dir);
}
END_TEST

START_TEST(test_statistics_hand_checked)
{
    /* 1, 2, 3, 4: mean 2.5, s = sqrt(5/3), t(0.975, 3) = 3.182446305,
     * so the half-width is 3.182446305 * 1.2909944 / 2 = 2.0542 . */
    const double x[] = { 1, 2, 3, 4 };
    struct sweep_stat st = sweep_stat_of(x, 4);
    ck_assert_uint_eq(st.n, 4);
    ck_assert_double_eq_tol(st.mean, 2.5, 1e-12);
    ck_assert_double_eq_tol(st.ci, 3.182446305 * sqrt(5.0 / 3) / 2, 1e-9);
    ck_assert_double_eq_tol(st.ci, 2.0542, 1e-4);

    /* Equal values: exactly no width, however many. */
    const double same[] = { 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1 };
    st = sweep_stat_of(same, 7);
    ck_assert(st.ci == 0);
    ck_assert(st.mean == 0.1);

    /* One run: a mean and no interval; none: nothing. */
    st = sweep_stat_of(x, 1);
    ck_assert(st.mean == 1 && isnan(st.ci));
    st = sweep_stat_of(x, 0);
    ck_assert(isnan(st.mean) && isnan(st.ci) && st.n == 0);

    /* The t table and past it. */
    ck_assert_double_eq_tol(sweep_t975(1), 12.7062, 1e-4);
    ck_assert_double_eq_tol(sweep_t975(9), 2.2622, 1e-4);
    ck_assert_double_eq_tol(sweep_t975(30), 2.0423, 1e-4);
    ck_assert_double_eq_tol(sweep_t975(31), 2.0395, 1e-4);
    ck_assert_double_eq_tol(sweep_t975(60), 2.0003, 1e-4);
    ck_assert_double_eq_tol(sweep_t975(120), 1.9799, 1e-4);
    ck_assert_double_eq_tol(sweep_t975(999), 1.9623, 1e-4);
    ck_assert(sweep_t975(31) < sweep_t975(30));
}
END_TEST

START_TEST(test_csv_rows_and_grid)
{
    char *dir = setup();
    sh_ok("cd '%s' && '%s' %s", dir,
          "sweep s.json --set f1.size=64,128,256 --set "
          "'f2.rate=10kpps,\"20kpps\"' --seeds 4 --variant all --csv c.csv "
          "-q");
    /* 2 variants x 3 sizes x 2 rates = 12 points; a row per seed and
     * flow (12 x 4 x 2) and a mean row per flow (12 x 2); the header
     * names each key; a bare word and a quoted JSON string are one
     * string. */
    python_ok(dir,
        "import csv\n"
        "r=list(csv.reader(open(\"c.csv\")))\n"
        "h=r[0]\n"
        "assert h[:7]==[\"variant\",\"f1.size\",\"f2.rate\",\"seed\",\"flow\","
        "\"host\",\"n\"], h\n"
        "assert h[-2:]==[\"host_cycles_per_packet\","
        "\"host_cycles_per_packet_ci95\"], h\n"
        "d=r[1:]\n"
        "assert all(len(x)==len(h) for x in d)\n"
        "assert len(d)==12*4*2+12*2, len(d)\n"
        "assert sum(1 for x in d if x[3]==\"mean\")==24\n"
        "pts=[]\n"
        "for x in d:\n"
        "  if (x[0],x[1],x[2]) not in pts: pts.append((x[0],x[1],x[2]))\n"
        "assert pts[:3]==[(\"base\",\"64\",\"10kpps\"),(\"base\",\"64\","
        "\"20kpps\"),(\"base\",\"128\",\"10kpps\")], pts\n"
        "assert pts[6][0]==\"slow\" and len(pts)==12\n"
        "assert set(x[5] for x in d)=={\"host1\"}\n"
        "print(\"ok\")\n");
    free(dir);
}
END_TEST

START_TEST(test_same_arguments_same_bytes)
{
    char *dir = setup();
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && for i in 1 2; do '%s' sweep "
                        "s.json --set f1.size=64,1518 --seeds 1..2 --csv "
                        "c$i.csv > t$i.txt || exit 9; done && cmp c1.csv "
                        "c2.csv && cmp t1.txt t2.txt && '%s' sweep - --set "
                        "f1.size=64,1518 --seeds 1..2 --csv c3.csv -q "
                        "< s.json && cmp c1.csv c3.csv && grep -q "
                        "'± ' t1.txt", dir, bin, bin);
    ck_assert_msg(st == 0, "outputs differ or failed (%d):\n%s", st, out);
    free(out);
    free(dir);
}
END_TEST

START_TEST(test_plot_svg)
{
    char *dir = setup();
    char *out = NULL;
    if (vh_test_sh(NULL, "command -v gnuplot") != 0) {
        fprintf(stderr, "test_plot_svg: gnuplot is not installed (Debian: "
                "gnuplot-nox), skipping the drawing\n");
    } else {
        sh_ok("cd '%s' && '%s' %s", dir,
              "sweep s.json --set f1.size=64,512,1518 --set "
              "f2.rate=10kpps,20kpps --seeds 1..2 --variant all --plot "
              "p.svg -q");
        int st = vh_test_sh(&out, "cd '%s' && head -c 400 p.svg | grep -q "
                            "'<svg' && for l in 'throughput (Gbps)' "
                            "'latency p50 (us)' 'cycles per packet' "
                            "'f1.size' 'slow f2.rate=20kpps f1'; do grep -qF "
                            "\"$l\" p.svg || { echo missing $l; exit 1; }; "
                            "done && test -z \"$(ls | grep XXXX; ls | grep "
                            "'p.svg.')\"", dir);
        ck_assert_msg(st == 0, "the SVG lacks a label (%d):\n%s", st, out);
        free(out);
    }
    /* Without gnuplot: status 1, said, the data still written and no
     * figure or temporary left behind. */
    int st = vh_test_sh(&out, "cd '%s' && env PATH=/nonexistent '%s' sweep "
                        "s.json --set f1.size=64,128 --csv c.csv --plot "
                        "q.png -q", dir, bin);
    ck_assert_msg(st == 1, "status %d:\n%s", st, out);
    ck_assert_msg(out && strstr(out, "gnuplot is not installed"), "%s", out);
    free(out);
    st = vh_test_sh(&out, "cd '%s' && test -s c.csv && ! ls q.png* "
                    "2>/dev/null", dir);
    ck_assert_msg(st == 0, "files after a missing gnuplot:\n%s", out);
    free(out);
    free(dir);
}
END_TEST

START_TEST(test_bad_input_writes_nothing)
{
    static const struct {
        const char *args;
        const char *msg;
    } bad[] = {
        { "--set f1.sise=64,128", "--set f1.sise: a flow has no field "
          "'sise'; did you mean 'size'?" },
        { "--set f9.size=64", "--set f9.size:" },
        { "--set f1.size=64,abc", "with f1.size=\"abc\": traffic[0].size:" },
        { "--set f1.size=", "--set f1.size: an empty value" },
        { "--set f1.size=64,,128", "--set f1.size: an empty value" },
        { "--set =64", "--set '=64': expected KEY=V1,V2" },
        { "--set f1.size", "expected KEY=V1,V2" },
        { "--set f1.size=64 --set f1.size=128", "given twice" },
        { "", "give at least one --set" },
        { "--set f1.size=64 --seeds 5..2", "--seeds '5..2': an empty range" },
        { "--set f1.size=64 --seeds 0", "--seeds 0: no seeds" },
        { "--set f1.size=64 --seeds x", "expected A..B or N" },
        { "--set f1.size=64,128 --seeds 1..501", "is 1002 runs, over 1000: "
          "give --force" },
        { "--set f1.size=64 --variant fast", "no variant named 'fast'" },
        { "--set f1.size=64 --plot p.pdf", "must end in .png or .svg" },
        { "--set f1.size=64 --json same --csv same", "same" },
        { "--set f1.size=64 --json - --csv -", "standard output" },
        { "--set f1.size=64 --csv nodir/c.csv", "nodir" },
        { "--set f1.size=64 --csv s.json", "s.json" },
        { "--set f1.size=64 --frobnicate", "frobnicate" },
    };
    char *dir = setup();
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *out = NULL;
        int st = vh_test_sh(&out, "cd '%s' && '%s' sweep s.json --json "
                            "o.json --csv o.csv --plot o.png %s 2>&1 "
                            "</dev/null; s=$?; ls | grep -v '^s' ; exit $s",
                            dir, bin, bad[i].args);
        ck_assert_msg(st == 2, "'%s': status %d:\n%s", bad[i].args, st,
                      out);
        ck_assert_msg(out && strstr(out, bad[i].msg), "'%s': expected "
                      "'%s' in:\n%s", bad[i].args, bad[i].msg, out);
        ck_assert_msg(!strstr(out, "o.json") && !strstr(out, "o.csv")
                      && !strstr(out, "o.png") && !strstr(out, "same\n"),
                      "'%s' wrote a file:\n%s", bad[i].args, out);
        free(out);
    }
    free(dir);
}
END_TEST

/* The command is listed, described and completed. */
START_TEST(test_help_and_completion)
{
    char *out = NULL;
    int st = vh_test_sh(&out, "'%s' sweep --help && '%s' --help",
                        vh_test_bin(), vh_test_bin());
    ck_assert_msg(st == 0, "%d: %s", st, out);
    static const char *const want[] = {
        "--set KEY=V,...", "--seeds A..B|N", "--variant NAME", "-o, --json",
        "-c, --csv", "--plot FILE", "--force", "sweep SCENARIO",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        ck_assert_msg(strstr(out, want[i]), "help lacks '%s':\n%s", want[i],
                      out);
    }
    free(out);
    st = vh_test_sh(&out, "source docs/vhsim.bash-completion && for w in "
                    "'vhsim sw' 'vhsim sweep scenarios/demo.json --set vm' "
                    "'vhsim sweep scenarios/demo.json --variant a' "
                    "'vhsim sweep x.json --pl'; do COMP_WORDS=($w) && "
                    "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) && _vhsim && "
                    "printf '%%s ' \"${COMPREPLY[@]}\" && echo '|'; done");
    ck_assert_msg(st == 0, "%s", out);
    ck_assert_str_eq(out, "sweep |\nvm1-to-remote. vm2-to-vm1. |\nall |\n"
                     "--plot |\n");
    free(out);
}
END_TEST

static Suite *
sweep_suite(void)
{
    Suite *s = suite_create("sweep");
    TCase *tc = tcase_create("cli");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_cell_is_the_run_of_the_edited_scenario);
    tcase_add_test(tc, test_means_and_intervals_are_the_seeds);
    tcase_add_test(tc, test_statistics_hand_checked);
    tcase_add_test(tc, test_csv_rows_and_grid);
    tcase_add_test(tc, test_same_arguments_same_bytes);
    tcase_add_test(tc, test_plot_svg);
    tcase_add_test(tc, test_bad_input_writes_nothing);
    tcase_add_test(tc, test_help_and_completion);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(sweep_suite)
