/* cli/cmd_sweep.c: 'vhsim sweep', the scenario over a grid of field values
 * and seeds.
 *
 * A --set takes the keys a variant's "set" takes ("f1.size",
 * "host1/vm1/eth0.ring"), and the loader applies and checks it exactly as
 * it does a variant's, after the variant being run.  Every point is loaded
 * and built before the first run, so a key or value that is refused stops
 * the command before any time is spent and before anything is written.
 * Each run then starts from a fresh load with its seed, as 'vhsim run
 * --seed' would, so a cell of the sweep is that run's report exactly. */
#include "cli/cli.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/opts.h"
#include "cli/spread.h"
#include "cli/sweep.h"
#include "models/core/config.h"
#include "models/core/world.h"
#include "report/report.h"
#include "sim/hugepage.h"
#include "sim/diag.h"
#include "sim/xmalloc.h"

/* Runs without --force; a mistyped range should not take a day. */
#define SWEEP_MAX_RUNS 1000

static const char sweep_usage[] =
    "usage: vhsim sweep [options] --set KEY=V1,V2,... SCENARIO\n"
    "\n"
    "Runs the scenario for every combination of the values given by the\n"
    "--set options, once per seed, and prints per point and flow the\n"
    "throughput, the latency p50 and p99, delivered/sent and the host's\n"
    "cycles per packet, each the mean across seeds with its 95% confidence\n"
    "half-width (Student's t).  SCENARIO '-' is read from standard input.\n"
    "\n"
    "      --set KEY=V,... a field and its values; KEY is what a variant's\n"
    "                      \"set\" takes (\"f1.size\", \"host1.cpu.cores\").\n"
    "                      Each value is JSON (64, \"1Gbps\", true, null)\n"
    "                      or else a bare word taken as a string (1Gbps);\n"
    "                      commas inside quotes, [] or {} do not split.\n"
    "                      Repeat for a grid; the first is the x axis\n"
    "      --seeds A..B|N  seeds A to B, or 1 to N (default: the\n"
    "                      scenario's seed)\n"
    "      --variant NAME  sweep this variant ('base' is the scenario as\n"
    "                      written; repeat for several; 'all' for the base\n"
    "                      and every variant); default: base\n"
    "  -o, --json FILE     write the summary and every run's report\n"
    "  -c, --csv FILE      write a CSV: a row per (point, seed, flow) and a\n"
    "                      'mean' row per (point, flow)\n"
    "                      FILE '-' is standard output for either (not\n"
    "                      both); the table is then not printed\n"
    "      --plot FILE     draw throughput, p50 latency and cycles per\n"
    "                      packet against the first key with gnuplot; .png\n"
    "                      or .svg\n"
    "      --force         run more than 1000 runs\n"
    "  -q, --quiet         print nothing on success\n"
    "  -v, --verbose       also say on stderr how long the runs took\n"
    CLI_LANG_HELP
    "  -h, --help          print this\n"
    "\n"
    "Started by 'mpirun -np N' (a vhsim built with Open MPI), the runs are\n"
    "shared among the N processes and the first one writes exactly what\n"
    "one process would.\n";

struct sweep_opts {
    const char *scenario;
    const char *json, *csv, *plot;
    const char **sets;
    size_t n_sets;
    const char **variants;
    size_t n_variants;
    const char *seeds;
    bool force, quiet, verbose;
};

enum {
    OPT_SET = CLI_LONG_ONLY, OPT_SEEDS, OPT_VARIANT, OPT_PLOT, OPT_FORCE,
};

static int
on_opt(void *ctx, int key, const char *val)
{
    struct sweep_opts *o = ctx;
    switch (key) {
    case 'o':
        o->json = val;
        break;
    case 'c':
        o->csv = val;
        break;
    case OPT_PLOT:
        o->plot = val;
        break;
    case OPT_SET:
        o->sets = vh_xrealloc(o->sets, (o->n_sets + 1) * sizeof *o->sets);
        o->sets[o->n_sets++] = val;
        break;
    case OPT_VARIANT:
        o->variants = vh_xrealloc(o->variants,
                                  (o->n_variants + 1) * sizeof *o->variants);
        o->variants[o->n_variants++] = val;
        break;
    case OPT_SEEDS:
        o->seeds = val;
        break;
    case OPT_FORCE:
        o->force = true;
        break;
    case 'q':
        o->quiet = true;
        break;
    case 'v':
        o->verbose = true;
        break;
    }
    return 0;
}

/* ---- The grid. ---- */

static void
sweep_free(struct sweep *s)
{
    for (size_t k = 0; k < s->n_keys; k++) {
        struct sweep_key *key = &s->keys[k];
        for (size_t i = 0; i < key->n; i++) {
            free(key->json[i]);
            free(key->label[i]);
        }
        free(key->json);
        free(key->label);
        free(key->key);
    }
    free(s->keys);
    for (size_t p = 0; p < s->n_points; p++) {
        free(s->points[p].idx);
        if (s->points[p].reports) {
            for (size_t i = 0; i < s->n_seeds; i++) {
                cJSON_Delete(s->points[p].reports[i]);
            }
        }
        free(s->points[p].reports);
    }
    free(s->points);
    for (size_t v = 0; v < s->n_variants; v++) {
        free(s->variants[v]);
    }
    free(s->variants);
    free(s->seeds);
}

/* Length of the next value of a --set list: up to a comma that is not
 * inside a JSON string, array or object. */
static size_t
item_len(const char *p)
{
    int depth = 0;
    bool in_str = false;
    size_t i = 0;
    for (; p[i]; i++) {
        char c = p[i];
        if (in_str) {
            if (c == '\\' && p[i + 1]) {
                i++;
            } else if (c == '"') {
                in_str = false;
            }
        } else if (c == '"') {
            in_str = true;
        } else if (c == '[' || c == '{') {
            depth++;
        } else if ((c == ']' || c == '}') && depth) {
            depth--;
        } else if (c == ',' && !depth) {
            break;
        }
    }
    return i;
}

/* Adds one value: JSON if it parses as JSON, else a string. */
static void
add_value(struct sweep_key *k, const char *text, size_t len)
{
    char *raw = vh_xmalloc(len + 1);
    memcpy(raw, text, len);
    raw[len] = '\0';
    /* The whole text must be JSON: "10kpps" is a string, not 10. */
    cJSON *v = cJSON_ParseWithOpts(raw, NULL, true);
    if (!v) {
        v = cJSON_CreateString(raw);
    }
    k->json = vh_xrealloc(k->json, (k->n + 1) * sizeof *k->json);
    k->label = vh_xrealloc(k->label, (k->n + 1) * sizeof *k->label);
    k->json[k->n] = cJSON_PrintUnformatted(v);
    k->label[k->n] = cJSON_IsString(v) ? vh_xstrdup(v->valuestring)
                                       : vh_xstrdup(k->json[k->n]);
    if (!cJSON_IsNumber(v)) {
        k->numeric = false;
    }
    k->n++;
    cJSON_Delete(v);
    free(raw);
}

static int
parse_set(struct sweep *s, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) {
        return cli_error(VH_EXIT_USAGE, "--set '%s': expected KEY=V1,V2,... "
                         "(KEY as in a variant's \"set\": \"f1.size\")", arg);
    }
    struct sweep_key k = { .key = vh_xmalloc((size_t) (eq - arg) + 1),
                           .numeric = true };
    memcpy(k.key, arg, (size_t) (eq - arg));
    k.key[eq - arg] = '\0';
    for (size_t i = 0; i < s->n_keys; i++) {
        if (!strcmp(s->keys[i].key, k.key)) {
            int rc = cli_error(VH_EXIT_USAGE, "--set %s: given twice; list "
                               "its values in one --set", k.key);
            free(k.key);
            return rc;
        }
    }
    s->keys = vh_xrealloc(s->keys, (s->n_keys + 1) * sizeof *s->keys);
    s->keys[s->n_keys++] = k;
    struct sweep_key *key = &s->keys[s->n_keys - 1];
    for (const char *p = eq + 1;;) {
        size_t len = item_len(p);
        if (!len || !p[strspn(p, " \t")] || strspn(p, " \t") >= len) {
            return cli_error(VH_EXIT_USAGE, "--set %s: an empty value (the "
                             "values are separated by commas; \"\" is the "
                             "empty string)", key->key);
        }
        add_value(key, p, len);
        if (!p[len]) {
            return 0;
        }
        p += len + 1;
    }
}

/* Fills the points: variant-major, then an odometer over the keys with the
 * last key fastest. */
static int
make_points(struct sweep *s, bool force)
{
    size_t per = 1;
    for (size_t k = 0; k < s->n_keys; k++) {
        if (per > SIZE_MAX / 1024 / s->keys[k].n) {
            return cli_error(VH_EXIT_USAGE, "--set: too many combinations");
        }
        per *= s->keys[k].n;
    }
    s->n_points = per * s->n_variants;
    size_t runs = s->n_points * s->n_seeds;
    if (runs / s->n_seeds != s->n_points
        || (runs > SWEEP_MAX_RUNS && !force)) {
        s->n_points = 0;
        return cli_error(VH_EXIT_USAGE, "%zu variant%s x %zu point%s x %zu "
                         "seed%s is %zu runs, over %d: give --force to run "
                         "them", s->n_variants, s->n_variants == 1 ? "" : "s",
                         per, per == 1 ? "" : "s", s->n_seeds,
                         s->n_seeds == 1 ? "" : "s", runs, SWEEP_MAX_RUNS);
    }
    s->points = vh_xcalloc(s->n_points, sizeof *s->points);
    for (size_t p = 0; p < s->n_points; p++) {
        struct sweep_point *pt = &s->points[p];
        pt->variant = s->variants[p / per];
        pt->idx = vh_xcalloc(s->n_keys, sizeof *pt->idx);
        size_t rest = p % per;
        for (size_t k = s->n_keys; k-- > 0;) {
            pt->idx[k] = rest % s->keys[k].n;
            rest /= s->keys[k].n;
        }
    }
    return 0;
}

/* "variant 'v' with f1.size=64 ..." or "with f1.size=64 ...": which
 * point a message is about. */
static void
point_label(const struct sweep *s, size_t p, char *buf, size_t len)
{
    const char *v = s->points[p].variant;
    int n = strcmp(v, "base") ? snprintf(buf, len, "variant '%s' with", v)
                              : snprintf(buf, len, "with");
    for (size_t k = 0; k < s->n_keys && n >= 0 && (size_t) n < len; k++) {
        n += snprintf(buf + n, len - (size_t) n, " %s=%s", s->keys[k].key,
                      s->keys[k].json[s->points[p].idx[k]]);
    }
}

/* Loads point 'p' (without building it).  Prints the error and returns
 * NULL if the loader refuses it. */
static struct cfg_scenario *
load_point(const struct sweep *s, const char *text, size_t p)
{
    const struct sweep_point *pt = &s->points[p];
    struct cfg_set *sets = vh_xcalloc(s->n_keys, sizeof *sets);
    for (size_t k = 0; k < s->n_keys; k++) {
        sets[k].key = s->keys[k].key;
        sets[k].value = s->keys[k].json[pt->idx[k]];
    }
    struct vh_diag diag;
    bool base = !strcmp(pt->variant, "base");
    struct cfg_scenario *cfg = cfg_load_set(text, s->file,
                                            base ? NULL : pt->variant, sets,
                                            s->n_keys, &diag);
    free(sets);
    if (!cfg) {
        char label[512];
        point_label(s, p, label, sizeof label);
        cli_error(VH_EXIT_USAGE, "%s: %s: %s", s->file, label, diag.msg);
    }
    return cfg;
}

/* Every point loads and builds; returns 0 or VH_EXIT_USAGE. */
static int
check_points(const struct sweep *s, const char *text)
{
    for (size_t p = 0; p < s->n_points; p++) {
        struct cfg_scenario *cfg = load_point(s, text, p);
        if (!cfg) {
            return VH_EXIT_USAGE;
        }
        struct vh_diag diag;
        vh_diag_init(&diag);
        struct world *w = world_build(cfg, &diag);
        if (!w) {
            char label[512];
            point_label(s, p, label, sizeof label);
            cli_error(VH_EXIT_USAGE, "%s: %s: %s", s->file, label, diag.msg);
            cfg_free(cfg);
            return VH_EXIT_USAGE;
        }
        world_free(w);
        cfg_free(cfg);
    }
    return 0;
}

/* ---- Running. ---- */

struct progress {
    double started;
    bool shown;
    size_t index, n;
    char label[256];
};

static void
progress_cb(double done, void *ctx)
{
    struct progress *p = ctx;
    if (cli_wall_now() - p->started < 1.0) {
        return;
    }
    fprintf(stderr, "\r  run %zu of %zu: %s %3.0f%%\033[K", p->index + 1,
            p->n, p->label, done * 100);
    p->shown = true;
}

/* Runs this rank's share of the (point, seed) runs (all of them in a
 * process of its own, cli/spread.h); rank 0 then has every report. */
static int
run_all(struct sweep *s, const char *text, bool tty)
{
    struct progress prog = { .started = cli_wall_now(),
                             .n = s->n_points * s->n_seeds };
    cJSON **all = vh_xcalloc(prog.n, sizeof *all);
    for (size_t p = 0; p < s->n_points; p++) {
        s->points[p].reports = vh_xcalloc(s->n_seeds, sizeof (cJSON *));
        for (size_t i = 0; i < s->n_seeds; i++) {
            if (!spread_mine(p * s->n_seeds + i)) {
                prog.index++;
                continue;
            }
            struct cfg_scenario *cfg = load_point(s, text, p);
            if (!cfg) {
                free(all);
                return VH_EXIT_USAGE;   /* Loaded a moment ago. */
            }
            cfg->seed = s->seeds[i];
            struct vh_diag diag;
            vh_diag_init(&diag);
            struct world *w = world_build(cfg, &diag);
            if (!w) {
                cfg_free(cfg);
                free(all);
                return cli_error(VH_EXIT_USAGE, "%s: %s", s->file, diag.msg);
            }
            char label[200];
            point_label(s, p, label, sizeof label);
            snprintf(prog.label, sizeof prog.label, "%s, seed %llu", label,
                     s->seeds[i]);
            vh_heap_hugepages(VH_HUGEPAGE_MIN_HEAP);    /* sim/hugepage.h */
            double t0 = cli_wall_now();
            world_run(w, tty ? progress_cb : NULL, &prog);
            all[p * s->n_seeds + i] = report_json(w, cli_wall_now() - t0);
            world_free(w);
            cfg_free(cfg);
            prog.index++;
        }
    }
    if (prog.shown) {
        fputs("\r\033[K", stderr);
    }
    spread_gather(all, prog.n);
    for (size_t p = 0; p < s->n_points; p++) {
        for (size_t i = 0; i < s->n_seeds; i++) {
            s->points[p].reports[i] = all[p * s->n_seeds + i];
        }
    }
    free(all);
    return 0;
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

/* Reads the options into 'o' and the grid into 's'.  Returns -1 after
 * help, 0, or an exit status after saying what is wrong. */
static int
setup(int argc, char **argv, struct sweep_opts *o, struct sweep *s)
{
    static const struct cli_opt opts[] = {
        { "json", 'o', true }, { "csv", 'c', true },
        { "plot", OPT_PLOT, true }, { "set", OPT_SET, true },
        { "seeds", OPT_SEEDS, true }, { "variant", OPT_VARIANT, true },
        { "force", OPT_FORCE, false }, { "quiet", 'q', false },
        { "verbose", 'v', false },
    };
    int rc = cli_parse_opts(argc, argv, sweep_usage, opts,
                            sizeof opts / sizeof *opts, on_opt, o,
                            &o->scenario);
    if (rc) {
        return rc;
    }
    s->file = cli_input_name(o->scenario);
    if (!o->n_sets) {
        return cli_error(VH_EXIT_USAGE, "sweep: give at least one --set "
                         "KEY=V1,V2,... (see 'vhsim sweep --help')");
    }
    for (size_t i = 0; i < o->n_sets; i++) {
        if ((rc = parse_set(s, o->sets[i]))) {
            return rc;
        }
    }
    if (o->seeds && (rc = cli_opt_seeds(o->seeds, &s->seeds, &s->n_seeds))) {
        return rc;
    }
    if (o->plot && !sweep_plot_format_ok(o->plot)) {
        return cli_error(VH_EXIT_USAGE, "--plot %s: the file must end in "
                         ".png or .svg", o->plot);
    }
    const char *inputs[] = { o->scenario };
    const struct cli_output outs[] = {
        { "--json", o->json, false }, { "--csv", o->csv, false },
        { "--plot", o->plot, false },
    };
    if (cli_is_stdio(o->plot)) {
        return cli_error(VH_EXIT_USAGE, "--plot: a file, not standard "
                         "output");
    }
    return cli_check_outputs(inputs, 1, outs, 3) ? VH_EXIT_USAGE : 0;
}

/* The variants to sweep ('all' expanded) and the default seed, from the
 * scenario as written. */
static int
resolve(struct sweep_opts *o, struct sweep *s, const char *text)
{
    struct vh_diag diag;
    struct cfg_scenario *cfg = cfg_load_set(text, s->file, NULL, NULL, 0,
                                            &diag);
    if (!cfg) {
        return cli_error(VH_EXIT_USAGE, "%s: %s", s->file, diag.msg);
    }
    if (!s->seeds) {
        s->n_seeds = 1;
        s->seeds = vh_xcalloc(1, sizeof *s->seeds);
        s->seeds[0] = cfg->seed;
    }
    static const char *const base[] = { "base" };
    const char *const *names = o->n_variants ? o->variants : base;
    size_t n = o->n_variants ? o->n_variants : 1;
    for (size_t i = 0; i < n; i++) {
        bool all = !strcmp(names[i], "all");
        size_t add = all ? cfg->n_variants + 1 : 1;
        s->variants = vh_xrealloc(s->variants,
                                  (s->n_variants + add) * sizeof *s->variants);
        if (!all) {
            s->variants[s->n_variants++] = vh_xstrdup(names[i]);
            continue;
        }
        s->variants[s->n_variants++] = vh_xstrdup("base");
        for (size_t v = 0; v < cfg->n_variants; v++) {
            s->variants[s->n_variants++] = vh_xstrdup(cfg->variant_names[v]);
        }
    }
    cfg_free(cfg);
    return make_points(s, o->force);
}

int
cmd_sweep(int argc, char **argv)
{
    struct sweep_opts o = { 0 };
    struct sweep s = { 0 };
    char *text = NULL;
    int rc = spread_start();
    if (rc) {
        return rc;
    }
    rc = setup(argc, argv, &o, &s);
    if (rc || (rc = spread_check_input(o.scenario))) {
        rc = rc < 0 ? VH_EXIT_OK : rc;
        goto out;
    }
    struct vh_diag diag;
    text = cli_read_scenario(o.scenario, &diag);
    if (!text) {
        rc = cli_error(VH_EXIT_USAGE, "%s: %s", s.file, diag.msg);
        goto out;
    }
    cli_catch_signals();
    if ((rc = resolve(&o, &s, text)) || (rc = check_points(&s, text))) {
        goto out;
    }
    double t0 = cli_wall_now();
    if ((rc = run_all(&s, text, !o.quiet && isatty(STDERR_FILENO)))) {
        goto out;
    }
    double wall = cli_wall_now() - t0;
    if (spread_rank()) {
        goto out;               /* Rank 0 writes for the job. */
    }

    if (o.json) {
        cJSON *root = sweep_json(&s);
        char *json = report_json_text(root);
        rc = json ? write_text(o.json, json)
                  : cli_error(VH_EXIT_FAIL, "%s: out of memory", o.json);
        free(json);
        cJSON_Delete(root);
    }
    if (rc == VH_EXIT_OK && o.csv) {
        char *csv = sweep_csv(&s);
        rc = write_text(o.csv, csv);
        free(csv);
    }
    bool to_stdout = cli_is_stdio(o.json) || cli_is_stdio(o.csv);
    if (rc == VH_EXIT_OK && !o.quiet && !to_stdout) {
        sweep_print(&s, stdout);
    }
    if (rc == VH_EXIT_OK && o.plot) {
        fflush(stdout);
        rc = sweep_plot(&s, o.plot);
    }
    if (rc == VH_EXIT_OK && o.verbose) {
        fflush(stdout);
        fprintf(stderr, "vhsim: %zu runs, %.3f s wall\n",
                s.n_points * s.n_seeds, wall);
    }
out:
    free(text);
    sweep_free(&s);
    free(o.sets);
    free(o.variants);
    return rc;
}
