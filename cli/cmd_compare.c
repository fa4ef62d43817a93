/* cli/cmd_compare.c: 'vhsim compare', the base and its variants side by
 * side.
 *
 * Every run is loaded and built before the first one starts.  A variant
 * that does not load or build is refused, with its reason, and the others
 * run: a lab's comparison does not hang on its one broken column.  The
 * base that does not load stops everything before anything is written.
 * The runs then go one after another,
 * each from its own world with the same seed, so they see the same
 * traffic; each leaves its JSON report, and the table, the JSON file and
 * the CSV file are all made from those reports.  With --seeds each column
 * is run once per seed and its report is the mean of those runs'
 * (compare_mean).  In an MPI job the runs are shared among the ranks
 * (cli/spread.h) and rank 0 alone writes. */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli/compare.h"
#include "cli/opts.h"
#include "cli/spread.h"
#include "models/core/config.h"
#include "report/report.h"
#include "models/core/world.h"
#include "sim/hugepage.h"
#include "sim/diag.h"
#include "sim/xmalloc.h"

static const char compare_usage[] =
    "usage: vhsim compare [options] SCENARIO\n"
    "\n"
    "Runs the scenario as written ('base') and then each entry of its\n"
    "variants[], all with the same traffic and seed, and prints one table\n"
    "with a column per run: per flow the packets sent, delivered and dropped\n"
    "(each drop reason a row), throughput and latency; per host with VMs the\n"
    "CPU cycles per packet split by category, interrupts and VM exits per\n"
    "second of simulated time, VM exits and bytes copied per packet.\n"
    "Captures named in the scenario are not written ('vhsim run --variant'\n"
    "writes them for one run).  SCENARIO '-' is read from standard input.\n"
    "\n"
    "  -o, --json FILE     also write { \"variants\": [ { \"name\": "
    "\"base\",\n"
    "                      ...report... }, ... ] }, each the report 'vhsim\n"
    "                      run --json' writes\n"
    "  -c, --csv FILE      also write a CSV file, one row per (run, flow),\n"
    "                      for plotting (columns: docs/scenarios.md)\n"
    "                      FILE '-' is standard output for either (not\n"
    "                      both); the table is then not printed\n"
    "  -s, --seed N        use seed N for every run instead of the\n"
    "                      scenario's\n"
    "      --seeds A..B|N  run each column once per seed, A to B or 1 to N,\n"
    "                      and show the mean across the seeds of every\n"
    "                      figure\n"
    "      --only NAME,... run only these, in the scenario's order ('base'\n"
    "                      is the unchanged scenario)\n"
    "  -q, --quiet         print nothing on success (errors still go to\n"
    "                      stderr)\n"
    "  -v, --verbose       also say on stderr how long the runs took\n"
    CLI_LANG_HELP
    "  -h, --help          print this\n"
    "\n"
    "Started by 'mpirun -np N' (a vhsim built with Open MPI), the runs are\n"
    "shared among the N processes and the first one writes exactly what\n"
    "one process would.\n";

struct compare_opts {
    const char *scenario;
    const char *json;
    const char *csv;
    const char *only;
    const char *seeds_arg;
    unsigned long long *seeds;  /* --seeds, or NULL: one run per column. */
    size_t n_seeds;
    bool quiet;
    bool verbose;
    bool has_seed;
    unsigned long long seed;
};

enum { OPT_ONLY = CLI_LONG_ONLY, OPT_SEEDS };

static int
on_opt(void *ctx, int key, const char *val)
{
    struct compare_opts *o = ctx;
    switch (key) {
    case 'o':
        o->json = val;
        return 0;
    case 'c':
        o->csv = val;
        return 0;
    case 's':
        o->has_seed = true;
        return cli_opt_u64("--seed", val, &o->seed);
    case OPT_ONLY:
        o->only = val;
        return 0;
    case OPT_SEEDS:
        o->seeds_arg = val;
        return 0;
    case 'q':
        o->quiet = true;
        return 0;
    case 'v':
        o->verbose = true;
        return 0;
    }
    return 0;
}

/* Returns -1 after printing help (exit 0), a usage error status, or 0. */
static int
parse_opts(int argc, char **argv, struct compare_opts *o)
{
    static const struct cli_opt opts[] = {
        { "json", 'o', true }, { "csv", 'c', true }, { "seed", 's', true },
        { "only", OPT_ONLY, true }, { "seeds", OPT_SEEDS, true },
        { "quiet", 'q', false }, { "verbose", 'v', false },
    };
    memset(o, 0, sizeof *o);
    int rc = cli_parse_opts(argc, argv, compare_usage, opts,
                            sizeof opts / sizeof *opts, on_opt, o,
                            &o->scenario);
    if (rc || !o->seeds_arg) {
        return rc;
    }
    if (o->has_seed) {
        return cli_error(VH_EXIT_USAGE, "--seed and --seeds: give one of "
                         "them");
    }
    if ((rc = cli_opt_seeds(o->seeds_arg, &o->seeds, &o->n_seeds))) {
        return rc;
    }
    /* The first seed's worlds are built while checking the runs. */
    o->has_seed = true;
    o->seed = o->seeds[0];
    return 0;
}

/* One run to do: its name, configuration and world; or why it cannot
 * run. */
struct job {
    char *name;
    struct cfg_scenario *cfg;
    struct world *w;
    cJSON *report;
    char *refused;              /* The loader's message; NULL: it runs. */
};

static void
jobs_free(struct job *jobs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (jobs[i].w) {
            world_free(jobs[i].w);
        }
        if (jobs[i].cfg) {
            cfg_free(jobs[i].cfg);
        }
        cJSON_Delete(jobs[i].report);
        free(jobs[i].name);
        free(jobs[i].refused);
    }
    free(jobs);
}

/* True if 'name' is an item of the comma-separated 'list'. */
static bool
in_list(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && !strncmp(p, name, n)) {
            return true;
        }
        p += len;
        p += *p == ',';
    }
    return false;
}

/* Checks that every item of --only names a run; 'all' lists the names. */
static int
check_only(const char *file, const char *only, const char *const *all,
           size_t n_all)
{
    for (const char *p = only;;) {
        size_t len = strcspn(p, ",");
        char item[256];
        snprintf(item, sizeof item, "%.*s", (int) len, p);
        size_t i = 0;
        while (i < n_all && strcmp(all[i], item)) {
            i++;
        }
        if (i == n_all) {
            char names[512];
            vh_join(all, n_all, names, sizeof names);
            const char *s = *item ? vh_suggest(item, all, n_all) : NULL;
            if (s) {
                return cli_error(VH_EXIT_USAGE, "%s: --only: no variant "
                                 "named '%s'; did you mean '%s'?", file,
                                 item, s);
            }
            return cli_error(VH_EXIT_USAGE, "%s: --only: no variant named "
                             "'%s' (the runs: %s)", file, item, names);
        }
        if (!p[len]) {
            return 0;
        }
        p += len + 1;
    }
}

/* Loads and builds every run.  Returns the jobs (*n of them), or NULL
 * after printing the error. */
static struct job *
prepare(const struct compare_opts *o, size_t *n)
{
    struct vh_diag diag;
    vh_diag_init(&diag);
    const char *file = cli_input_name(o->scenario);
    /* As "base": the scenario as written, without loading every variant
     * on trial, since one that does not load is refused on its own. */
    struct cfg_scenario *base = cli_cfg_load(o->scenario, "base", &diag);
    if (!base) {
        cli_error(VH_EXIT_USAGE, "%s: %s", file, diag.msg);
        return NULL;
    }
    size_t n_all = base->n_variants + 1;
    const char **all = vh_xcalloc(n_all, sizeof *all);
    struct job *jobs = vh_xcalloc(n_all, sizeof *jobs);
    all[0] = "base";
    for (size_t i = 0; i < base->n_variants; i++) {
        all[i + 1] = base->variant_names[i];
    }
    if (o->only && check_only(file, o->only, all, n_all)) {
        goto fail;
    }

    *n = 0;
    for (size_t i = 0; i < n_all; i++) {
        if (o->only && !in_list(o->only, all[i])) {
            continue;
        }
        struct job *j = &jobs[(*n)++];
        j->name = vh_xstrdup(all[i]);
        vh_diag_init(&diag);
        j->cfg = i ? cli_cfg_load(o->scenario, all[i], &diag) : NULL;
        if (i && !j->cfg) {
            j->refused = vh_xstrdup(diag.msg);
            continue;
        }
        if (!i) {
            j->cfg = base;      /* The job owns it from here. */
            base = NULL;
        }
        if (o->has_seed) {
            j->cfg->seed = o->seed;
        }
        j->w = world_build(j->cfg, &diag);
        if (!j->w && i) {
            j->refused = vh_xstrdup(diag.msg);
            cfg_free(j->cfg);
            j->cfg = NULL;
        } else if (!j->w) {
            cli_error(VH_EXIT_USAGE, "%s: %s", file, diag.msg);
            goto fail;
        }
    }
    if (base) {
        cfg_free(base);
    }
    free(all);
    return jobs;

fail:
    jobs_free(jobs, n_all);
    if (base) {
        cfg_free(base);
    }
    free(all);
    return NULL;
}


/* Progress on a terminal once the whole comparison has taken more than a
 * second: which run, and how far it is. */
struct progress {
    double started;
    bool shown;
    size_t index, n;
    const char *name;
};

static void
progress_cb(double done, void *ctx)
{
    struct progress *p = ctx;
    if (cli_wall_now() - p->started < 1.0) {
        return;
    }
    fprintf(stderr, "\r  run %zu of %zu: %s %3.0f%%\033[K", p->index + 1,
            p->n, p->name, done * 100);
    p->shown = true;
}

/* The report with the run's name as its first key. */
static cJSON *
named_report(const char *name, cJSON *report)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", name);
    while (report->child) {
        cJSON *it = cJSON_DetachItemViaPointer(report, report->child);
        cJSON_AddItemToObject(o, it->string, it);
    }
    cJSON_Delete(report);
    return o;
}

/* The place of a run that did not load or build: its name and why. */
static cJSON *
refused_report(const char *name, const char *why)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "name", name);
    cJSON_AddStringToObject(r, "refused", why);
    return r;
}

/* Runs job 'j' with seed number 'k' of --seeds (the scenario's or --seed's
 * if there is no --seeds) and returns its report.  The first seed's world
 * was built while checking the runs; another seed's is built here from
 * the same configuration. */
static cJSON *
run_one(const struct compare_opts *o, struct job *j, size_t k, bool tty,
        struct progress *prog)
{
    if (j->refused) {
        return refused_report(j->name, j->refused);
    }
    struct world *w = j->w;
    if (k) {
        j->cfg->seed = o->seeds[k];
        struct vh_diag diag;
        vh_diag_init(&diag);
        if (!(w = world_build(j->cfg, &diag))) {
            return refused_report(j->name, diag.msg);
        }
    }
    prog->name = j->name;
    vh_heap_hugepages(VH_HUGEPAGE_MIN_HEAP);    /* sim/hugepage.h */
    double t0 = cli_wall_now();
    world_run(w, tty ? progress_cb : NULL, prog);
    cJSON *report = named_report(j->name,
                                 report_json(w, cli_wall_now() - t0));
    /* The report holds what the table needs; the world can go. */
    world_free(w);
    if (w == j->w) {
        j->w = NULL;
    }
    return report;
}

/* A column's report from its runs, one per seed: the run's own report,
 * or the mean of them, whose "seed" is the range "A..B"; a refusal is
 * the column's whatever the seeds.  Takes the reports. */
static cJSON *
column_report(const struct compare_opts *o, cJSON **runs, size_t n)
{
    size_t refused = 0;
    while (refused < n && !cJSON_GetObjectItemCaseSensitive(runs[refused],
                                                             "refused")) {
        refused++;
    }
    if (n == 1 || refused < n) {
        cJSON *keep = runs[refused < n ? refused : 0];
        for (size_t i = 0; i < n; i++) {
            if (runs[i] != keep) {
                cJSON_Delete(runs[i]);
            }
        }
        return keep;
    }
    cJSON *mean = compare_mean(runs, n);
    for (size_t i = 0; i < n; i++) {
        cJSON_Delete(runs[i]);
    }
    /* Not one seed's run: the range of them. */
    char seeds[64];
    snprintf(seeds, sizeof seeds, "%llu..%llu", o->seeds[0],
             o->seeds[n - 1]);
    cJSON_ReplaceItemInObjectCaseSensitive(mean, "seed",
                                           cJSON_CreateString(seeds));
    return mean;
}

static int
write_text(const char *path, const char *text)
{
    char err[512];
    if (cli_write_file(path, text, err, sizeof err)) {
        return cli_error(VH_EXIT_FAIL, "%s", err);
    }
    return VH_EXIT_OK;
}

static int
write_json(const char *path, const struct compare_opts *o, struct job *jobs,
           size_t n)
{
    cJSON *root = cJSON_CreateObject();
    if (o->seeds) {
        /* The variants' numbers are means across these. */
        cJSON *seeds = cJSON_AddArrayToObject(root, "seeds");
        for (size_t i = 0; i < o->n_seeds; i++) {
            cJSON_AddItemToArray(seeds,
                                 cJSON_CreateNumber((double) o->seeds[i]));
        }
    }
    cJSON *arr = cJSON_AddArrayToObject(root, "variants");
    for (size_t i = 0; i < n; i++) {
        cJSON_AddItemReferenceToArray(arr, jobs[i].report);
    }
    char *text = report_json_text(root);
    int rc = text ? write_text(path, text)
                  : cli_error(VH_EXIT_FAIL, "%s: out of memory", path);
    free(text);
    cJSON_Delete(root);
    return rc;
}

/* Columns of the terminal the table goes to; 0 if it is not one and
 * $COLUMNS does not say. */
static int
table_width(void)
{
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws)
        && ws.ws_col) {
        return ws.ws_col;
    }
    unsigned long long c;
    const char *env = getenv("COLUMNS");
    if (env && cli_parse_u64(env, &c) && c >= 40 && c < 10000) {
        return (int) c;
    }
    return 0;
}

int
cmd_compare(int argc, char **argv)
{
    struct compare_opts o;
    int rc = spread_start();
    if (rc) {
        return rc;
    }
    rc = parse_opts(argc, argv, &o);
    if (rc) {
        return rc < 0 ? VH_EXIT_OK : rc;
    }
    if ((rc = spread_check_input(o.scenario))) {
        free(o.seeds);
        return rc;
    }
    size_t n;
    const char *inputs[] = { o.scenario };
    const struct cli_output outs[] = {
        { "--json", o.json, false }, { "--csv", o.csv, false },
    };
    if (cli_check_outputs(inputs, 1, outs, 2)) {
        free(o.seeds);
        return VH_EXIT_USAGE;
    }
    cli_catch_signals();
    struct job *jobs = prepare(&o, &n);
    if (!jobs) {
        free(o.seeds);
        return VH_EXIT_USAGE;
    }

    size_t n_refused = 0;
    for (size_t i = 0; i < n; i++) {
        n_refused += jobs[i].refused != NULL;
    }
    if (n_refused == n) {
        /* Nothing would run: an error, as for a lone 'run --variant'. */
        for (size_t i = 0; i < n; i++) {
            cli_error(VH_EXIT_USAGE, "%s: variant '%s': %s",
                      cli_input_name(o.scenario), jobs[i].name,
                      jobs[i].refused);
        }
        jobs_free(jobs, n);
        free(o.seeds);
        return VH_EXIT_USAGE;
    }

    size_t n_seeds = o.seeds ? o.n_seeds : 1;
    size_t n_runs = n * n_seeds;
    cJSON **reports = vh_xcalloc(n_runs, sizeof *reports);
    struct progress prog = { cli_wall_now(), false, 0, n_runs, NULL };
    bool tty = !o.quiet && isatty(STDERR_FILENO);
    for (size_t i = 0; i < n; i++) {
        if (jobs[i].w && !spread_mine(i * n_seeds)) {
            world_free(jobs[i].w);      /* Another rank's run. */
            jobs[i].w = NULL;
        }
    }
    for (size_t r = 0; r < n_runs; r++) {
        if (spread_mine(r)) {
            prog.index = r;
            reports[r] = run_one(&o, &jobs[r / n_seeds], r % n_seeds, tty,
                                 &prog);
        }
    }
    double wall = cli_wall_now() - prog.started;
    if (prog.shown) {
        fputs("\r\033[K", stderr);
    }
    spread_gather(reports, n_runs);
    if (spread_rank()) {
        /* Rank 0 writes for the job. */
        for (size_t r = 0; r < n_runs; r++) {
            cJSON_Delete(reports[r]);
        }
        free(reports);
        jobs_free(jobs, n);
        free(o.seeds);
        return VH_EXIT_OK;
    }
    for (size_t i = 0; i < n; i++) {
        jobs[i].report = column_report(&o, &reports[i * n_seeds], n_seeds);
        const cJSON *why = cJSON_GetObjectItemCaseSensitive(jobs[i].report,
                                                            "refused");
        if (!jobs[i].refused && cJSON_IsString(why)) {
            jobs[i].refused = vh_xstrdup(why->valuestring);
        }
    }
    free(reports);

    struct compare_run *runs = vh_xcalloc(n, sizeof *runs);
    for (size_t i = 0; i < n; i++) {
        runs[i].name = jobs[i].name;
        runs[i].report = jobs[i].report;
        runs[i].refused = jobs[i].refused;
    }
    rc = VH_EXIT_OK;
    if (o.json) {
        rc = write_json(o.json, &o, jobs, n);
    }
    if (rc == VH_EXIT_OK && o.csv) {
        char *csv = compare_csv(runs, n);
        rc = write_text(o.csv, csv);
        free(csv);
    }
    /* JSON or CSV on standard output is what a script reads there. */
    bool to_stdout = cli_is_stdio(o.json) || cli_is_stdio(o.csv);
    if (rc == VH_EXIT_OK && !o.quiet && !to_stdout) {
        compare_print(runs, n, table_width(), stdout);
    }
    if (rc == VH_EXIT_OK && o.verbose) {
        fflush(stdout);
        fprintf(stderr, "vhsim: %zu run%s, %.3f s wall\n", n_runs,
                n_runs == 1 ? "" : "s", wall);
    }
    free(runs);
    jobs_free(jobs, n);
    free(o.seeds);
    return rc;
}
