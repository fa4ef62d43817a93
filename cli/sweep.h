/* cli/sweep.h: 'vhsim sweep', a scenario run over a grid of values and
 * seeds, summarized across seeds.
 *
 * The command (cli/cmd_sweep.c) loads every point of the grid before the
 * first run, so a key or value the loader refuses stops it before any time
 * is spent; it then runs each point once per seed and keeps the JSON
 * reports.  Everything written (cli/sweep_out.c: the table, the CSV, the
 * JSON; cli/sweep_plot.c: the gnuplot figure) is read from those reports,
 * so the summaries say exactly what the runs said. */
#ifndef VH_CLI_SWEEP_H
#define VH_CLI_SWEEP_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

/* One --set: a "PATH.field" key and its values. */
struct sweep_key {
    char *key;
    size_t n;
    char **json;                /* Each value as JSON text ("64"). */
    char **label;               /* As shown: strings without quotes. */
    bool numeric;               /* Every value a number: a numeric axis. */
};

/* One run's configuration: a variant with one value of each key. */
struct sweep_point {
    const char *variant;        /* "base" or a variant's name. */
    size_t *idx;                /* Per key, the index of its value. */
    cJSON **reports;            /* Per seed, the run's report. */
};

struct sweep {
    const char *file;           /* As messages name it. */
    struct sweep_key *keys;
    size_t n_keys;
    unsigned long long *seeds;
    size_t n_seeds;
    char **variants;
    size_t n_variants;
    /* Variant-major, then the first key's values slowest. */
    struct sweep_point *points;
    size_t n_points;
};

/* The figures summarized per (point, flow). */
enum sweep_metric {
    SM_GBPS, SM_MPPS, SM_P50, SM_P99, SM_SENT, SM_DELIVERED, SM_CPP,
    SM_N
};

/* A metric across seeds: its mean, the half-width of its 95% confidence
 * interval (Student's t with n-1 degrees of freedom; NaN for n < 2), and
 * how many runs measured it (a latency is not measured when nothing was
 * delivered).  n == 0: mean is NaN too. */
struct sweep_stat {
    double mean, ci;
    size_t n;
};

/* The 0.975 quantile of Student's t with 'df' degrees of freedom. */
double sweep_t975(size_t df);

/* Mean and 95% confidence half-width of x[0..n-1]. */
struct sweep_stat sweep_stat_of(const double *x, size_t n);

/* Metric 'm' of the flow named 'flow' in 'report'; false if the report
 * has no such flow or did not measure it. */
bool sweep_metric(const cJSON *report, const char *flow, enum sweep_metric m,
                  double *out);

/* Metric 'm' of flow 'flow' at point 'p', across the sweep's seeds. */
struct sweep_stat sweep_point_stat(const struct sweep *, size_t p,
                                   const char *flow, enum sweep_metric m);

/* The flows of the point's first run (every run of a point has them). */
const cJSON *sweep_flows(const struct sweep *, size_t p);

void sweep_print(const struct sweep *, FILE *out);
char *sweep_csv(const struct sweep *);
/* The JSON the command writes; it refers to the sweep's reports, so it
 * goes (cJSON_Delete) before they do. */
cJSON *sweep_json(const struct sweep *);

/* Draws throughput, p50 latency and cycles per packet against the first
 * key with gnuplot into 'path' (.png or .svg), atomically.  Returns 0, or
 * VH_EXIT_FAIL after saying why (gnuplot missing or failing). */
int sweep_plot(const struct sweep *, const char *path);

/* Whether 'path' ends in .png or .svg (case-insensitive). */
bool sweep_plot_format_ok(const char *path);

/* Whether a gnuplot program is on $PATH. */
bool sweep_have_gnuplot(void);

#endif /* cli/sweep.h */
