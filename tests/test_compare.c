/* tests/test_compare.c: 'vhsim compare', end to end.
 *
 * A small scenario (a VM behind a Linux bridge, a bare-metal peer, a flow
 * each way) with variants that change only fields vhsim runs today: a
 * doubled rate, a bridge ageing time no 2 ms run can notice, and an
 * overload.  The checks are about what a comparison must guarantee: every
 * run sees the same traffic and seed, the base is exactly what 'vhsim run'
 * reports, a variant changes what it should and nothing else, the CSV
 * and the table say what the JSON says, and a variant that cannot run
 * is shown refused while the others run. */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/testutil.h"

static char bin[PATH_MAX];

/* '%s' takes extra variants (with a leading comma) or "". */
static const char scenario_fmt[] =
    "{\n"
    "  \"name\": \"cmp\", \"seed\": 3, \"duration\": \"2ms\",\n"
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
    "      \"size\": 512, \"rate\": \"50kpps\" },\n"
    "    { \"name\": \"f2\", \"from\": \"remote\", \"to\": \"host1/vm1\",\n"
    "      \"rate\": \"20kpps\", \"pattern\": \"poisson\" }\n"
    "  ],\n"
    "  \"capture\": [ { \"point\": \"host1/eth0\",\n"
    "                 \"file\": \"traces/cmp.pcap\" } ],\n"
    "  \"variants\": [\n"
    "    { \"name\": \"double-rate\", \"set\": { \"f1.rate\": \"100kpps\" } },\n"
    "    { \"name\": \"long-ageing\",\n"
    "      \"set\": { \"host1/br0.ageing\": \"600s\" } },\n"
    "    { \"name\": \"flood\", \"set\": { \"f2.rate\": \"3Mpps\",\n"
    "                                  \"f2.pattern\": \"cbr\",\n"
    "                                  \"host1/vm1/eth0.ring\": 64 } }%s\n"
    "  ]\n"
    "}\n";

/* A fresh directory holding good.json and, with a variant whose VM
 * address leaves the flows' subnet (refused when its model is built) and
 * one that runs twice as long, bad.json. */
static char *
setup(void)
{
    if (!realpath(vh_test_bin(), bin)) {
        ck_abort_msg("vhsim binary '%s' not found", vh_test_bin());
    }
    char *dir = vh_test_tmpdir();
    static const char *const files[] = { "good.json", "bad.json" };
    static const char *const extra[] = {
        "",
        ",\n    { \"name\": \"wrong-subnet\",\n"
        "      \"set\": { \"host1/vm1/eth0.ip\": \"10.0.1.1/24\" } },\n"
        "    { \"name\": \"longer\", \"set\": { \"duration\": \"4ms\" } }",
    };
    for (int i = 0; i < 2; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        FILE *f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fprintf(f, scenario_fmt, extra[i]);
        fclose(f);
    }
    return dir;
}

/* Runs a python3 program (text of 'prog', arguments after it) in 'dir';
 * fails the test with its output unless it prints "ok". */
static void
python_ok(const char *dir, const char *prog, const char *args)
{
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && python3 -c '%s' %s", dir, prog,
                        args);
    ck_assert_msg(st == 0 && out && strstr(out, "ok"), "check failed (%d):"
                  "\n%s", st, out);
    free(out);
}

START_TEST(test_json_is_the_reports_of_each_run)
{
    char *dir = setup();
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && '%s' compare good.json --json "
                        "c.json --quiet && '%s' run good.json --json "
                        "base.json --quiet && '%s' run good.json --variant "
                        "long-ageing --json ageing.json --quiet", dir, bin,
                        bin, bin);
    ck_assert_msg(st == 0, "vhsim failed (%d):\n%s", st, out);
    ck_assert_msg(out && !*out, "--quiet printed:\n%s", out);
    free(out);

    /* The base entry is 'vhsim run' less the wall time; the variant that
     * changes nothing a 2 ms run can see reports the base's numbers, so
     * no state leaks from one run into the next; and it is what 'vhsim
     * run --variant' reports. */
    python_ok(dir,
        "import json\n"
        "c=json.load(open(\"c.json\"))\n"
        "assert list(c)==[\"variants\"], list(c)\n"
        "v=c[\"variants\"]\n"
        "assert [e[\"name\"] for e in v]==[\"base\",\"double-rate\","
        "\"long-ageing\",\"flood\"], v\n"
        "for e in v:\n"
        "  assert list(e)[0]==\"name\", list(e)\n"
        "  assert [f[\"name\"] for f in e[\"flows\"]]==[\"f1\",\"f2\"]\n"
        "  assert [h[\"name\"] for h in e[\"hosts\"]]==[\"host1\",\"remote\"]\n"
        "  assert e[\"seed\"]==3\n"
        "def strip(r, name=None):\n"
        "  r=dict(r); r.pop(\"wall_s\")\n"
        "  if name: assert r.pop(\"name\")==name\n"
        "  return r\n"
        "assert strip(v[0],\"base\")==strip(json.load(open(\"base.json\")))\n"
        "assert strip(v[2],\"long-ageing\")=="
        "strip(json.load(open(\"ageing.json\")))\n"
        "for k in (\"flows\",\"hosts\",\"devices\",\"events\"):\n"
        "  assert v[2][k]==v[0][k], k\n"
        "print(\"ok\")\n", "");
    free(dir);
}
END_TEST

START_TEST(test_variants_differ_where_they_should)
{
    char *dir = setup();
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && '%s' compare good.json --json "
                        "c.json --quiet", dir, bin);
    ck_assert_msg(st == 0, "vhsim compare failed (%d):\n%s", st, out);
    free(out);
    /* Doubling f1's rate about doubles what it sends and delivers, and
     * leaves f2 (the other direction, its own random stream) exactly as
     * it was: same traffic, same seed.  The overload of f2 drops packets
     * with a reason and conserves them. */
    python_ok(dir,
        "import json\n"
        "v={e[\"name\"]:e for e in json.load(open(\"c.json\"))[\"variants\"]}\n"
        "fl=lambda n,f:[x for x in v[n][\"flows\"] if x[\"name\"]==f][0]\n"
        "b,d=fl(\"base\",\"f1\"),fl(\"double-rate\",\"f1\")\n"
        "assert b[\"delivered\"]>=50, b\n"
        "r=d[\"delivered\"]/b[\"delivered\"]\n"
        "assert 1.8<=r<=2.2, r\n"
        "r=d[\"throughput_mpps\"]/b[\"throughput_mpps\"]\n"
        "assert 1.8<=r<=2.2, r\n"
        "assert fl(\"base\",\"f2\")[\"sent\"]==fl(\"double-rate\",\"f2\")[\"sent\"]\n"
        "h=fl(\"flood\",\"f2\")\n"
        "assert h[\"dropped\"]>0 and sum(h[\"drops\"].values())==h[\"dropped\"], h\n"
        "for e in v.values():\n"
        "  for f in e[\"flows\"]:\n"
        "    assert f[\"sent\"]==f[\"delivered\"]+f[\"dropped\"]+f[\"in_flight\"]\n"
        "print(\"ok\")\n", "");
    free(dir);
}
END_TEST

START_TEST(test_seed_applies_to_every_run)
{
    char *dir = setup();
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && '%s' compare good.json --seed 7 "
                        "--only base,long-ageing --json c.json --quiet && "
                        "'%s' run good.json --seed 7 --json r7.json --quiet "
                        "&& '%s' run good.json --json r3.json --quiet", dir,
                        bin, bin, bin);
    ck_assert_msg(st == 0, "vhsim failed (%d):\n%s", st, out);
    free(out);
    /* f2 is Poisson, so a seed that did not reach every run would show.
     * --only keeps the scenario's order and nothing else. */
    python_ok(dir,
        "import json\n"
        "v=json.load(open(\"c.json\"))[\"variants\"]\n"
        "assert [e[\"name\"] for e in v]==[\"base\",\"long-ageing\"]\n"
        "r7=json.load(open(\"r7.json\")); r3=json.load(open(\"r3.json\"))\n"
        "assert r7[\"flows\"]!=r3[\"flows\"]\n"
        "for e in v:\n"
        "  assert e[\"seed\"]==7\n"
        "  assert e[\"flows\"]==r7[\"flows\"], e[\"name\"]\n"
        "print(\"ok\")\n", "");
    free(dir);
}
END_TEST

START_TEST(test_csv_has_the_documented_columns)
{
    char *dir = setup();
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && '%s' compare good.json --json "
                        "c.json --csv c.csv --quiet", dir, bin);
    ck_assert_msg(st == 0, "vhsim compare failed (%d):\n%s", st, out);
    free(out);
    /* The header as docs/scenarios.md lists it; a row per (run, flow) in
     * order; each row's numbers are the JSON's. */
    python_ok(dir,
        "import csv,json\n"
        "cats=[\"guest\",\"vmexit\",\"qemu\",\"vhost\",\"softirq\",\"irq\","
        "\"vswitch\",\"poll\",\"app\"]\n"
        "hdr=[\"variant\",\"flow\",\"proto\",\"size\",\"from\",\"to\","
        "\"sent\",\"delivered\",\"dropped\",\"in_flight\",\"drops\","
        "\"throughput_gbps\",\"throughput_mpps\",\"latency_p50_ns\","
        "\"latency_p99_ns\",\"latency_max_ns\",\"host\","
        "\"host_cycles_per_packet\"]+[\"host_cpp_\"+c for c in cats]+["
        "\"host_interrupts_per_s\",\"host_guest_interrupts_per_s\","
        "\"host_vm_exits_per_s\",\"host_vm_exits_per_packet\","
        "\"host_copies_bytes_per_packet\",\"host_uplink_bytes_per_packet\"]\n"
        "rows=list(csv.reader(open(\"c.csv\",newline=\"\")))\n"
        "assert rows[0]==hdr, rows[0]\n"
        "v=json.load(open(\"c.json\"))[\"variants\"]\n"
        "want=[(e[\"name\"],f[\"name\"]) for e in v for f in e[\"flows\"]]\n"
        "got=[(r[0],r[1]) for r in rows[1:]]\n"
        "assert got==want, got\n"
        "for r in rows[1:]:\n"
        "  d=dict(zip(hdr,r))\n"
        "  e=[x for x in v if x[\"name\"]==d[\"variant\"]][0]\n"
        "  f=[x for x in e[\"flows\"] if x[\"name\"]==d[\"flow\"]][0]\n"
        "  h=[x for x in e[\"hosts\"] if x[\"name\"]==\"host1\"][0]\n"
        "  for k in (\"sent\",\"delivered\",\"dropped\",\"in_flight\"):\n"
        "    assert int(d[k])==f[k], (k,d,f)\n"
        "  assert float(d[\"throughput_mpps\"])==f[\"throughput_mpps\"]\n"
        "  assert int(d[\"latency_p99_ns\"])==f[\"latency_ns\"][\"p99\"]\n"
        "  assert d[\"host\"]==\"host1\", d\n"
        "  assert float(d[\"host_vm_exits_per_s\"])==h[\"vm_exits_per_s\"]\n"
        "  assert float(d[\"host_cpp_vhost\"])=="
        "h[\"cycles_per_packet_by_category\"][\"vhost\"]\n"
        "  drops=dict(x.split(\":\") for x in d[\"drops\"].split(\";\") if x)\n"
        "  assert {k:int(n) for k,n in drops.items()}=="
        "{k:n for k,n in f[\"drops\"].items() if n}, d\n"
        "print(\"ok\")\n", "");
    free(dir);
}
END_TEST

START_TEST(test_table_shows_every_run_and_metric)
{
    char *dir = setup();
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && '%s' compare good.json --json "
                        "c.json > t.txt", dir, bin);
    ck_assert_msg(st == 0, "vhsim compare failed (%d):\n%s", st, out);
    free(out);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/t.txt", dir);
    out = vh_test_slurp(path, NULL);
    ck_assert_ptr_nonnull(out);
    /* The header names the runs in order on one line. */
    const char *h = strstr(out, "base");
    ck_assert_msg(h, "no header:\n%s", out);
    const char *eol = strchr(h, '\n');
    const char *d = strstr(h, "double-rate"), *a = strstr(h, "long-ageing");
    const char *f = strstr(h, "flood");
    ck_assert_msg(d && a && f && d < a && a < f && f < eol,
                  "runs not in order on the header line:\n%s", out);
    static const char *const rows[] = {
        "Flow f1", "Flow f2", "throughput Gbps", "throughput Mpps",
        "latency p50", "latency p99", "delivered", "Host host1",
        "cycles/packet", "vhost", "interrupts/s", "VM exits/s",
        "VM exits/packet", "bytes copied/packet",
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        ck_assert_msg(strstr(out, rows[i]), "table lacks '%s':\n%s",
                      rows[i], out);
    }
    /* A host without VMs has nothing to compare; every drop reason of
     * the JSON has its row. */
    ck_assert_msg(!strstr(out, "Host remote"), "bare-metal host shown:\n%s",
                  out);
    free(out);
    python_ok(dir,
        "import json,sys\n"
        "t=open(sys.argv[1]).read()\n"
        "n=0\n"
        "for e in json.load(open(\"c.json\"))[\"variants\"]:\n"
        "  for f in e[\"flows\"]:\n"
        "    for k in f[\"drops\"]:\n"
        "      n+=1; assert \"dropped: \"+k in t, k\n"
        "assert n>0\n"
        "print(\"ok\")\n", "t.txt");
    free(dir);
}
END_TEST

/* A variant that cannot be built is refused with its reason, in the
 * table, the JSON and the CSV alike, while the others run; 'run' and
 * 'explain' of the base are not stopped by it ('check' still says,
 * with or without --variant). */
START_TEST(test_refused_variant_others_run)
{
    char *dir = setup();
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && '%s' compare bad.json --json "
                        "c.json --csv c.csv >t.txt && cat t.txt", dir, bin);
    ck_assert_msg(st == 0, "compare failed (%d):\n%s", st, out);
    ck_assert_msg(strstr(out, "Variant 'wrong-subnet' refused: ")
                  && strstr(out, "is not in the subnet"),
                  "no refusal with its reason:\n%s", out);
    ck_assert_msg(strstr(out, "Flow f1"), "the others did not run:\n%s",
                  out);
    free(out);
    python_ok(dir,
        "import json,csv\n"
        "v=json.load(open(\"c.json\"))[\"variants\"]\n"
        "names=[e[\"name\"] for e in v]\n"
        "assert names[-2:]==[\"wrong-subnet\",\"longer\"], names\n"
        "bad=v[-2]\n"
        "assert set(bad)=={\"name\",\"refused\"}, bad\n"
        "assert \"not in the subnet\" in bad[\"refused\"]\n"
        "assert all(\"flows\" in e for e in v if e is not bad)\n"
        "rows=list(csv.DictReader(open(\"c.csv\")))\n"
        "assert rows and not [r for r in rows if r[\"variant\"]==\"wrong-subnet\"]\n"
        "base,longer=v[0],v[-1]\n"
        "assert longer[\"sim_time_ns\"]==2*base[\"sim_time_ns\"], longer[\"sim_time_ns\"]\n"
        "fb=base[\"flows\"][0]; fl=longer[\"flows\"][0]\n"
        "assert fl[\"sent\"]==2*fb[\"sent\"], (fl[\"sent\"], fb[\"sent\"])\n"
        "print(\"ok\")\n", "");

    /* The scenario as written still runs; check of the variant still
     * refuses it. */
    st = vh_test_sh(&out, "cd '%s' && '%s' run bad.json -q && '%s' explain "
                    "bad.json >/dev/null", dir, bin, bin);
    ck_assert_msg(st == 0, "a broken variant stopped run or explain:\n%s",
                  out);
    free(out);
    st = vh_test_sh(&out, "cd '%s' && '%s' check bad.json --variant "
                    "wrong-subnet", dir, bin);
    ck_assert_msg(st == 2 && strstr(out, "is not in the subnet"),
                  "check did not refuse the bad variant (%d):\n%s", st, out);
    free(out);
    /* Nor does 'check' of the scenario as written pass it: it builds
     * every variant on trial, as compare does, not only loads it. */
    st = vh_test_sh(&out, "cd '%s' && '%s' check bad.json 2>&1", dir, bin);
    ck_assert_msg(st == 2 && strstr(out, "bad.json: variants[3]: variant "
                                    "'wrong-subnet' does not load: ")
                  && strstr(out, "is not in the subnet"),
                  "check passed a variant compare refuses (%d):\n%s", st,
                  out);
    free(out);

    /* Nothing left to run: an error, and nothing written. */
    st = vh_test_sh(&out, "cd '%s' && rm -f c.json c.csv && '%s' compare "
                    "bad.json --only wrong-subnet --json c.json", dir, bin);
    ck_assert_int_eq(st, 2);
    ck_assert_msg(strstr(out, "bad.json: variant 'wrong-subnet': "),
                  "error does not name the file and the variant:\n%s", out);
    free(out);
    st = vh_test_sh(&out, "cd '%s' && ls -A c.json 2>/dev/null | wc -l",
                    dir);
    ck_assert_msg(atoi(out) == 0, "a refused comparison left files");
    free(out);
    free(dir);
}
END_TEST

START_TEST(test_usage_errors)
{
    char *dir = setup();
    char *out = NULL;
    ck_assert_int_eq(vh_test_sh(&out, "'%s' compare --help", bin), 0);
    ck_assert_msg(strstr(out, "--csv") && strstr(out, "--only"), "%s", out);
    free(out);
    ck_assert_int_eq(vh_test_sh(NULL, "'%s' help compare", bin), 0);
    ck_assert_int_eq(vh_test_sh(NULL, "'%s' compare", bin), 2);
    ck_assert_int_eq(vh_test_sh(NULL, "'%s' compare /nonexistent.json",
                                bin), 2);
    ck_assert_int_eq(vh_test_sh(NULL, "cd '%s' && '%s' compare good.json "
                                "--seed -1", dir, bin), 2);
    ck_assert_int_eq(vh_test_sh(NULL, "cd '%s' && '%s' compare good.json "
                                "--json", dir, bin), 2);
    ck_assert_int_eq(vh_test_sh(&out, "cd '%s' && '%s' compare good.json "
                                "--jsn x", dir, bin), 2);
    ck_assert_msg(strstr(out, "did you mean '--json'"), "%s", out);
    free(out);
    ck_assert_int_eq(vh_test_sh(&out, "cd '%s' && '%s' compare good.json "
                                "--only base,flod", dir, bin), 2);
    ck_assert_msg(strstr(out, "no variant named 'flod'; did you mean "
                         "'flood'"), "%s", out);
    free(out);
    /* An output in a directory that does not exist is refused before
     * anything runs. */
    ck_assert_int_eq(vh_test_sh(&out, "cd '%s' && '%s' compare good.json "
                                "--quiet --csv /nonexistent/c.csv 2>&1", dir,
                                bin), 2);
    ck_assert_msg(strstr(out, "--csv: cannot write '/nonexistent/c.csv': "
                              "directory '/nonexistent' does not exist"),
                  "%s", out);
    free(out);
    free(dir);
}
END_TEST

static Suite *
compare_suite(void)
{
    Suite *s = suite_create("compare");
    TCase *tc = tcase_create("cli");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_json_is_the_reports_of_each_run);
    tcase_add_test(tc, test_variants_differ_where_they_should);
    tcase_add_test(tc, test_seed_applies_to_every_run);
    tcase_add_test(tc, test_csv_has_the_documented_columns);
    tcase_add_test(tc, test_table_shows_every_run_and_metric);
    tcase_add_test(tc, test_refused_variant_others_run);
    tcase_add_test(tc, test_usage_errors);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(compare_suite)
