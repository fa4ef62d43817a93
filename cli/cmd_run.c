/* cli/cmd_run.c: 'vhsim run' and 'vhsim check'. */
#include "cli/cli.h"
#include "cli/opts.h"
#include "cli/scene.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "models/core/config.h"
#include "models/core/lesson.h"
#include "models/hw/cpu.h"
#include "report/report.h"
#include "models/core/world.h"
#include "record/record.h"
#include "sim/capture.h"
#include "sim/diag.h"
#include "sim/hugepage.h"
#include "sim/lang.h"
#include "sim/outfile.h"
#include "sim/pcapw.h"
#include "sim/units.h"
#include "sim/xmalloc.h"

struct run_opts {
    const char *scenario;
    const char *json;
    const char *variant;
    const char *record;
    bool quiet;
    bool verbose;
    bool has_seed;
    unsigned long long seed;
    bool has_steady;
    vh_time_t steady_from;
};

static const char run_usage[] =
    "usage: vhsim run [options] SCENARIO\n"
    "\n"
    "Runs the scenario and prints the report: per flow what was sent,\n"
    "delivered and dropped (with reasons), throughput and latency; per host\n"
    "the cycles each core spent by category, interrupts, VM exits and bytes\n"
    "copied; per device the frames in, out and dropped.  Captures named in\n"
    "the scenario are written as pcap files.  SCENARIO '-' is read from\n"
    "standard input.\n"
    "\n"
    "  -o, --json FILE     also write the report as JSON to FILE; '-' is\n"
    "                      standard output, and the text report is then\n"
    "                      not printed\n"
    "  -s, --seed N        use seed N instead of the scenario's\n"
    "      --variant NAME  apply that entry of the scenario's variants[]\n"
    "                      first ('base': the scenario as written)\n"
    "      --record FILE   record the topology and every hop event, for\n"
    "                      'vhsim gui FILE' to replay (docs/gui.md)\n"
    "  -q, --quiet         print nothing on success (errors still go to\n"
    "                      stderr)\n"
    "  -v, --verbose       also say on stderr how long the run took and how\n"
    "                      many events per second it simulated\n"
    "      --steady-from TIME\n"
    "                      also measure the run from simulated TIME to its\n"
    "                      end alone (after start-up and first ARP floods):\n"
    "                      the CPU time, events and packets delivered there,\n"
    "                      in the JSON report's 'steady' and with --verbose\n"
    CLI_LANG_HELP
    "  -h, --help          print this\n"
    "\n"
    "'--' ends the options: 'vhsim run -- -x.json'.\n";

static const char check_usage[] =
    "usage: vhsim check [--variant NAME] SCENARIO\n"
    "\n"
    "Loads and validates the scenario and builds its model without running\n"
    "it.  Prints a one-line summary, or the first error with its JSON path\n"
    "(exit status 2).  SCENARIO '-' is read from standard input.\n"
    "\n"
    "      --variant NAME  check that entry of variants[] applied\n"
    "  -q, --quiet         print nothing when it is valid\n"
    CLI_LANG_HELP
    "  -h, --help          print this\n";

enum { OPT_VARIANT = CLI_LONG_ONLY, OPT_RECORD, OPT_STEADY };

static const struct cli_opt run_opts[] = {
    { "json", 'o', true }, { "seed", 's', true },
    { "variant", OPT_VARIANT, true }, { "record", OPT_RECORD, true },
    { "quiet", 'q', false }, { "verbose", 'v', false },
    { "steady-from", OPT_STEADY, true },
};

static const struct cli_opt check_opts[] = {
    { "variant", OPT_VARIANT, true }, { "quiet", 'q', false },
};

static int
on_opt(void *ctx, int key, const char *val)
{
    struct run_opts *o = ctx;
    switch (key) {
    case 'o':
        o->json = val;
        return 0;
    case 's':
        o->has_seed = true;
        return cli_opt_u64("--seed", val, &o->seed);
    case OPT_VARIANT:
        o->variant = val;
        return 0;
    case OPT_RECORD:
        o->record = val;
        return 0;
    case 'q':
        o->quiet = true;
        return 0;
    case 'v':
        o->verbose = true;
        return 0;
    case OPT_STEADY: {
        char why[128];
        if (vh_parse_time(val, &o->steady_from, why, sizeof why)) {
            return cli_error(VH_EXIT_USAGE, "--steady-from '%s': %s", val,
                             why);
        }
        o->has_steady = true;
        return 0;
    }
    }
    return 0;
}

/* Parses the options of 'run' or 'check'.  Returns -1 after printing
 * help (exit 0), or a usage error status, or 0. */
static int
parse_opts(int argc, char **argv, const char *usage,
           const struct cli_opt *opts, size_t n, struct run_opts *o)
{
    memset(o, 0, sizeof *o);
    int rc = cli_parse_opts(argc, argv, usage, opts, n, on_opt, o,
                            &o->scenario);
    if (!rc && cli_is_stdio(o->record)) {
        /* The recording is binary and read back by 'vhsim gui FILE'. */
        rc = cli_error(VH_EXIT_USAGE, "--record: name a file; a recording "
                       "is not written to standard output");
    }
    return rc;
}

struct world *
cli_load_world(const char *file, const char *variant, const uint64_t *seed,
               struct cfg_scenario **cfgp)
{
    struct vh_diag diag;
    vh_diag_init(&diag);
    struct cfg_scenario *cfg = cli_cfg_load(file, variant, &diag);
    if (!cfg) {
        cli_error(VH_EXIT_USAGE, "%s: %s", cli_input_name(file), diag.msg);
        return NULL;
    }
    if (seed) {
        cfg->seed = *seed;
    }
    struct world *w = world_build(cfg, &diag);
    if (!w) {
        cli_error(VH_EXIT_USAGE, "%s: %s", cli_input_name(file), diag.msg);
        cfg_free(cfg);
        return NULL;
    }
    /* A large model runs faster on huge pages (sim/hugepage.h). */
    vh_heap_hugepages(VH_HUGEPAGE_MIN_HEAP);
    *cfgp = cfg;
    return w;
}

/* 'check' of the scenario as written loads every variant on trial, to
 * say which does not load; 'run' loads the base alone ("base"), so a
 * broken variant does not stop it. */
static struct world *
load_world(const struct run_opts *o, bool trial_variants,
           struct cfg_scenario **cfgp)
{
    uint64_t seed = o->seed;
    const char *variant = o->variant || trial_variants ? o->variant : "base";
    return cli_load_world(o->scenario, variant, o->has_seed ? &seed : NULL,
                          cfgp);
}


/* Progress on a terminal, once a run has taken more than a second. */
struct progress {
    double started;
    bool shown;
    const struct world *w;
};

static void
progress_cb(double done, void *ctx)
{
    struct progress *p = ctx;
    if (cli_wall_now() - p->started < 1.0) {
        return;
    }
    char t[32], e[32];
    fprintf(stderr, "\r  %3.0f%%  simulated %s of %s", done * 100,
            vh_format_time(p->w->sim.now, t, sizeof t),
            vh_format_time(p->w->end, e, sizeof e));
    p->shown = true;
}

/* What --steady-from measures: the process's CPU time and the run's
 * counts at one moment; the steady state is the difference between the
 * moment the run reaches the given time and its end. */
struct steady_mark {
    double cpu_s;
    uint64_t events;
    uint64_t sent;
    uint64_t delivered;
    vh_time_t now;
    uint64_t *flow_delivered;   /* Each flow's 'delivered', or NULL. */
};

/* The marks at 'w' now; with 'per_flow', each flow's count too (free
 * with free(m.flow_delivered)). */
static struct steady_mark
steady_mark(const struct world *w, bool per_flow)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    struct steady_mark m = {
        ts.tv_sec + ts.tv_nsec / 1e9, w->sim.events_run, 0, 0, w->sim.now,
        per_flow ? vh_xcalloc(w->n_flows, sizeof(uint64_t)) : NULL,
    };
    for (size_t i = 0; i < w->n_flows; i++) {
        m.sent += w->flows[i].sent;
        m.delivered += w->flows[i].delivered;
        if (per_flow) {
            m.flow_delivered[i] = w->flows[i].delivered;
        }
    }
    return m;
}

/* The report's "steady": from 'a' (with its per-flow counts) to the end
 * of 'w''s run, 'b'. */
static cJSON *
steady_json(const struct world *w, const struct steady_mark *a,
            const struct steady_mark *b)
{
    size_t delivering = 0;
    for (size_t i = 0; i < w->n_flows; i++) {
        delivering += w->flows[i].delivered > a->flow_delivered[i];
    }
    cJSON *j = cJSON_CreateObject();
    uint64_t delivered = b->delivered - a->delivered;
    double cpu = b->cpu_s - a->cpu_s;
    cJSON_AddNumberToObject(j, "from_ns", (double) (a->now / VH_NS));
    cJSON_AddNumberToObject(j, "to_ns", (double) (b->now / VH_NS));
    cJSON_AddNumberToObject(j, "cpu_s", cpu);
    cJSON_AddNumberToObject(j, "events", (double) (b->events - a->events));
    cJSON_AddNumberToObject(j, "sent", (double) (b->sent - a->sent));
    cJSON_AddNumberToObject(j, "delivered", (double) delivered);
    cJSON_AddNumberToObject(j, "flows", (double) w->n_flows);
    cJSON_AddNumberToObject(j, "flows_delivering", (double) delivering);
    cJSON_AddNumberToObject(j, "cpu_ns_per_delivered",
                            delivered ? cpu * 1e9 / delivered : 0);
    cJSON_AddNumberToObject(j, "cpu_ns_per_event", b->events > a->events
                            ? cpu * 1e9 / (b->events - a->events) : 0);
    return j;
}

/* The run's outputs against its input and each other, before it runs. */
static int
check_run_outputs(const struct run_opts *o, const struct cfg_scenario *cfg)
{
    size_t n = 2 + cfg->n_captures;
    struct cli_output *outs = vh_xcalloc(n, sizeof *outs);
    char (*what)[48] = vh_xcalloc(cfg->n_captures + 1, sizeof *what);
    outs[0] = (struct cli_output) { "--json", o->json, false };
    outs[1] = (struct cli_output) { "--record", o->record, false };
    for (size_t i = 0; i < cfg->n_captures; i++) {
        /* Points of one pcapng file are one output. */
        bool shared = false;
        for (size_t k = 0; k < i && cfg->captures[i].pcapng; k++) {
            shared |= cfg->captures[k].pcapng
                      && !strcmp(cfg->captures[k].file,
                                 cfg->captures[i].file);
        }
        snprintf(what[i], sizeof what[i], "capture[%zu].file", i);
        outs[2 + i] = (struct cli_output) {
            what[i], shared ? NULL : cfg->captures[i].file, true
        };
    }
    /* The scenario, and the captures its flows replay. */
    const char **inputs = vh_xcalloc(1 + cfg->n_flows, sizeof *inputs);
    size_t n_in = 0;
    inputs[n_in++] = o->scenario;
    for (size_t i = 0; i < cfg->n_flows; i++) {
        if (cfg->flows[i].replay) {
            inputs[n_in++] = cfg->flows[i].replay->file;
        }
    }
    int rc = cli_check_outputs(inputs, n_in, outs, n);
    free(inputs);
    free(outs);
    free(what);
    return rc;
}

static struct vh_capture *
open_captures(struct world *w, const struct cfg_scenario *cfg,
              const char *file)
{
    struct vh_capture_spec *specs = vh_xcalloc(cfg->n_captures + 1,
                                               sizeof *specs);
    for (size_t i = 0; i < cfg->n_captures; i++) {
        specs[i] = (struct vh_capture_spec) {
            cfg->captures[i].point, cfg->captures[i].file,
            cfg->captures[i].pcapng,
        };
    }
    /* pcapng packets name their flow; the names outlive the run. */
    const char **names = vh_xcalloc(cfg->n_flows + 1, sizeof *names);
    for (size_t i = 0; i < cfg->n_flows; i++) {
        names[i] = cfg->flows[i].name;
    }
    world_keep(w, names);
    char err[512];
    size_t failed = 0;
    struct vh_capture *c = vh_capture_open_specs(&w->trace, &w->devs, specs,
                                                 cfg->n_captures, names,
                                                 cfg->n_flows, &failed, err,
                                                 sizeof err);
    if (!c) {
        cli_error(VH_EXIT_USAGE, "%s: capture[%zu].file: %s", file, failed,
                  err);
    }
    free(specs);
    return c;
}

int
cmd_run(int argc, char **argv)
{
    struct run_opts o;
    int rc = parse_opts(argc, argv, run_usage, run_opts,
                        sizeof run_opts / sizeof *run_opts, &o);
    if (rc) {
        return rc < 0 ? VH_EXIT_OK : rc;
    }
    struct cfg_scenario *cfg;
    struct world *w = load_world(&o, false, &cfg);
    if (!w) {
        return VH_EXIT_USAGE;
    }
    if (o.has_steady && o.steady_from >= w->end) {
        char t[32], e[32];
        rc = cli_error(VH_EXIT_USAGE, "--steady-from %s: the run ends at %s, "
                       "so nothing would be measured",
                       vh_format_time(o.steady_from, t, sizeof t),
                       vh_format_time(w->end, e, sizeof e));
        world_free(w);
        cfg_free(cfg);
        return rc;
    }
    if (check_run_outputs(&o, cfg)) {
        world_free(w);
        cfg_free(cfg);
        return VH_EXIT_USAGE;
    }
    struct vh_capture *cap = open_captures(w, cfg,
                                           cli_input_name(o.scenario));
    if (!cap) {
        world_free(w);
        cfg_free(cfg);
        return VH_EXIT_USAGE;
    }
    struct vh_outfile *rec_file = NULL;
    struct gui_rec_writer *rec = NULL;
    char err[512];
    if (o.record) {
        rec_file = vh_outfile_open(o.record, "wb", err, sizeof err);
        if (!rec_file) {
            int st = cli_error(VH_EXIT_FAIL, "%s", err);
            vh_capture_abort(cap);
            world_free(w);
            cfg_free(cfg);
            return st;
        }
        struct gui_scene sc;
        cli_gui_scene(&sc, w, cfg, o.variant);
        rec = gui_rec_writer_new(vh_outfile_stream(rec_file), &sc,
                                 &w->sim.now);
        gui_scene_free(&sc);
        gui_rec_watch_counters(rec, &w->devs);
        vh_trace_subscribe(&w->trace, VH_HOP_ALL, gui_rec_hop, rec);
    }
    cli_catch_signals();

    struct progress prog = { cli_wall_now(), false, w };
    bool tty = !o.quiet && isatty(STDERR_FILENO);
    struct steady_mark steady_a = { 0 }, steady_b = { 0 };
    if (o.has_steady) {
        world_run_until(w, o.steady_from, tty ? progress_cb : NULL, &prog);
        steady_a = steady_mark(w, true);
    }
    world_run(w, tty ? progress_cb : NULL, &prog);
    if (o.has_steady) {
        steady_b = steady_mark(w, false);
    }
    double wall = cli_wall_now() - prog.started;
    if (prog.shown) {
        fputs("\r\033[K", stderr);
    }

    rc = VH_EXIT_OK;
    if (vh_capture_commit(cap, err, sizeof err)) {
        rc = cli_error(VH_EXIT_FAIL, "%s", err);
    }
    if (rec) {
        if (gui_rec_finish(rec, err, sizeof err)) {
            vh_outfile_abort(rec_file);
            if (rc == VH_EXIT_OK) {
                rc = cli_error(VH_EXIT_FAIL, "%s", err);
            }
        } else if (vh_outfile_commit(rec_file, err, sizeof err)
                   && rc == VH_EXIT_OK) {
            rc = cli_error(VH_EXIT_FAIL, "%s", err);
        }
    }
    if (rc == VH_EXIT_OK && o.json) {
        cJSON *r = report_json(w, wall);
        if (o.has_steady) {
            cJSON_AddItemToObject(r, "steady",
                                  steady_json(w, &steady_a, &steady_b));
        }
        char *text = report_json_text(r);
        if (!text || cli_write_file(o.json, text, err, sizeof err)) {
            rc = cli_error(VH_EXIT_FAIL, "%s", text ? err : "out of memory");
        }
        free(text);
        cJSON_Delete(r);
    }
    /* The JSON on standard output is the report there: a script reads
     * it, with no text around it. */
    if (rc == VH_EXIT_OK && !o.quiet && !cli_is_stdio(o.json)) {
        report_print(w, stdout);
        if (cfg->n_captures) {
            printf("\n%s\n", vh_tr("Captures"));
        }
        for (size_t i = 0; i < cfg->n_captures; i++) {
            fputs("  ", stdout);
            report_cell(stdout, cfg->captures[i].point, 24, false);
            printf(" -> %s\n", cfg->captures[i].file);
        }
    }
    /* A successful run is silent on stderr: the report carries wall_s
     * and events. */
    if (rc == VH_EXIT_OK && o.verbose) {
        fprintf(stderr, "vhsim: %.3f s wall, %llu events, %.2f M "
                "events/s\n", wall, (unsigned long long) w->sim.events_run,
                wall > 0 ? w->sim.events_run / wall / 1e6 : 0.0);
        if (o.has_steady) {
            char t[32];
            uint64_t d = steady_b.delivered - steady_a.delivered;
            uint64_t e = steady_b.events - steady_a.events;
            double cpu = steady_b.cpu_s - steady_a.cpu_s;
            fprintf(stderr, "vhsim: from %s on: %.3f s CPU, %llu events, "
                    "%llu packets delivered, %.0f ns CPU per packet, %.1f "
                    "events per packet\n",
                    vh_format_time(steady_a.now, t, sizeof t), cpu,
                    (unsigned long long) e, (unsigned long long) d,
                    d ? cpu * 1e9 / d : 0.0, d ? (double) e / d : 0.0);
        }
    }
    free(steady_a.flow_delivered);
    world_free(w);
    cfg_free(cfg);
    return rc;
}

/* The loader tried each variant's file (load_world); a variant may
 * still be refused only when its world is built (a vhost-user backend on
 * a Linux bridge, say), which 'compare' would show refused: build each
 * on trial too, under the loader's exemptions (what vhsim cannot run
 * yet, a refusal a lesson's question expects).  Prints the first that
 * does not build; returns whether all do. */
static bool
check_variants_build(const struct run_opts *o, const struct cfg_scenario *cfg)
{
    for (size_t i = 0; i < cfg->n_variants; i++) {
        const char *name = cfg->variant_names[i];
        struct vh_diag diag;
        vh_diag_init(&diag);
        struct cfg_scenario *vc = cli_cfg_load(o->scenario, name, &diag);
        struct world *vw = vc ? world_build(vc, &diag) : NULL;
        world_free(vw);
        cfg_free(vc);
        if (!vw && !strstr(diag.msg, ": not supported yet")
            && !cfg_lesson_expects_refusal(cfg->lesson, name)) {
            cli_error(VH_EXIT_USAGE, "%s: variants[%zu]: variant '%s' does "
                      "not load: %s", cli_input_name(o->scenario), i, name,
                      diag.msg);
            return false;
        }
    }
    return true;
}

int
cmd_check(int argc, char **argv)
{
    struct run_opts o;
    int rc = parse_opts(argc, argv, check_usage, check_opts,
                        sizeof check_opts / sizeof *check_opts, &o);
    if (rc) {
        return rc < 0 ? VH_EXIT_OK : rc;
    }
    struct cfg_scenario *cfg;
    struct world *w = load_world(&o, true, &cfg);
    if (!w) {
        return VH_EXIT_USAGE;
    }
    if (!o.variant && !check_variants_build(&o, cfg)) {
        world_free(w);
        cfg_free(cfg);
        return VH_EXIT_USAGE;
    }
    size_t vms = 0, ctrs = 0;
    for (size_t i = 0; i < cfg->n_hosts; i++) {
        vms += cfg->hosts[i].n_vms;
        ctrs += cfg->hosts[i].n_containers;
    }
    char more[48] = "";
    if (ctrs) {
        snprintf(more, sizeof more, vh_tr(", %zu containers"), ctrs);
    }
    if (!o.quiet) {
        printf(vh_tr("%s: ok: %zu hosts, %zu VMs%s, %zu switches, %zu "
                     "flows, %zu captures, %zu variants\n"),
               cli_input_name(o.scenario),
               cfg->n_hosts, vms, more, cfg->n_switches, cfg->n_flows,
               cfg->n_captures, cfg->n_variants);
    }
    world_free(w);
    cfg_free(cfg);
    return VH_EXIT_OK;
}
