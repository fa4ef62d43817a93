/* cli/sweep_out.c: what 'vhsim sweep' writes, read from the runs'
 * reports: the table, the CSV and the JSON.
 *
 * CSV columns, in order (docs/scenarios.md lists them too):
 *
 *   variant, <each --set key>, seed      the run; seed "mean" for the row
 *                                        summarizing a point's seeds
 *   flow, host, n                        the flow, the host whose cycles
 *                                        follow (as 'vhsim compare' picks
 *                                        it), how many runs the row covers
 *   sent, delivered                      packets (means on "mean" rows)
 *   then mean and 95% half-width of:
 *   throughput_gbps, throughput_mpps, latency_p50_ns, latency_p99_ns,
 *   host_cycles_per_packet               (each followed by <name>_ci95,
 *                                        empty on a seed's row and when
 *                                        fewer than two runs measured it;
 *                                        a latency never measured is
 *                                        empty) */
#include "cli/sweep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/compare.h"
#include "cli/textbuf.h"
#include "report/report.h"
#include "sim/lang.h"
#include "sim/xmalloc.h"

/* ---- The table. ---- */

/* Metrics of the table, with how to show them. */
static const struct {
    enum sweep_metric m;
    double scale;               /* Shown value = report's value * scale. */
    int prec;
} table_cols[] = {
    { SM_GBPS, 1, 3 },
    { SM_MPPS, 1, 4 },
    { SM_P50, 1e-3, 2 },
    { SM_P99, 1e-3, 2 },
    { SM_CPP, 1, 0 },
};
#define N_TCOLS (sizeof table_cols / sizeof *table_cols)

static char *
fmt_stat(struct sweep_stat st, double scale, int prec)
{
    struct textbuf b = { NULL, 0, 0 };
    if (!st.n) {
        textbuf_printf(&b, "-");
    } else if (isnan(st.ci)) {
        textbuf_printf(&b, "%.*f", prec, st.mean * scale);
    } else {
        textbuf_printf(&b, "%.*f ± %.*f", prec, st.mean * scale, prec,
                   st.ci * scale);
    }
    return b.s;
}

/* The table's first line: how many runs of how many points and seeds.
 * With several variants the points are each variant's (--variant all
 * is 3 variants x 1 point, not 3 points).  Chinese has no plural. */
static void
print_title(const struct sweep *s, FILE *out)
{
    size_t runs = s->n_points * s->n_seeds, nv = s->n_variants;
    size_t per = nv ? s->n_points / nv : s->n_points;
    fprintf(out, "%s: ", s->file);
    if (vh_lang_get() == VH_LANG_ZH) {
        if (nv > 1) {
            fprintf(out, vh_tr("%zu runs (%zu variants x %zu points x %zu "
                               "seeds)"), runs, nv, per, s->n_seeds);
        } else {
            fprintf(out, vh_tr("%zu runs (%zu points x %zu seeds)"), runs,
                    s->n_points, s->n_seeds);
        }
    } else {
        fprintf(out, "%zu run%s (", runs, runs == 1 ? "" : "s");
        if (nv > 1) {
            fprintf(out, "%zu variants x ", nv);
        }
        fprintf(out, "%zu point%s x %zu seed%s)", per, per == 1 ? "" : "s",
                s->n_seeds, s->n_seeds == 1 ? "" : "s");
    }
    if (s->n_seeds > 1) {
        fprintf(out, vh_tr(", mean ± 95%% confidence half-width across "
                           "seeds\n"));
    } else {
        fputc('\n', out);
    }
}

void
sweep_print(const struct sweep *s, FILE *out)
{
    size_t n_cols = 1 + s->n_keys + 2 + N_TCOLS;
    size_t n_rows = 1;
    for (size_t p = 0; p < s->n_points; p++) {
        n_rows += (size_t) cJSON_GetArraySize(sweep_flows(s, p));
    }
    char **cell = vh_xcalloc(n_rows * n_cols, sizeof *cell);
    size_t r = 0, c = 0;
    /* The metrics' titles, in table_cols' order. */
    const char *const titles[N_TCOLS] = {
        "Gbps", "Mpps", vh_tr("p50 us"), vh_tr("p99 us"), vh_tr("cycles/pkt"),
    };
    cell[c++] = vh_xstrdup(vh_tr("variant"));
    for (size_t k = 0; k < s->n_keys; k++) {
        cell[c++] = vh_xstrdup(s->keys[k].key);
    }
    cell[c++] = vh_xstrdup(vh_tr("flow"));
    cell[c++] = vh_xstrdup(vh_tr("delivered/sent"));
    for (size_t i = 0; i < N_TCOLS; i++) {
        cell[c++] = vh_xstrdup(titles[i]);
    }
    for (size_t p = 0; p < s->n_points; p++) {
        const struct sweep_point *pt = &s->points[p];
        const cJSON *f;
        cJSON_ArrayForEach(f, sweep_flows(s, p)) {
            const char *flow = compare_str(f, "name");
            c = ++r * n_cols;
            cell[c++] = vh_xstrdup(pt->variant);
            for (size_t k = 0; k < s->n_keys; k++) {
                cell[c++] = vh_xstrdup(s->keys[k].label[pt->idx[k]]);
            }
            cell[c++] = vh_xstrdup(flow);
            struct sweep_stat d = sweep_point_stat(s, p, flow, SM_DELIVERED);
            struct sweep_stat t = sweep_point_stat(s, p, flow, SM_SENT);
            struct textbuf b = { NULL, 0, 0 };
            textbuf_printf(&b, "%.0f/%.0f", d.mean, t.mean);
            cell[c++] = b.s;
            for (size_t i = 0; i < N_TCOLS; i++) {
                cell[c++] = fmt_stat(
                    sweep_point_stat(s, p, flow, table_cols[i].m),
                    table_cols[i].scale, table_cols[i].prec);
            }
        }
    }
    size_t *w = vh_xcalloc(n_cols, sizeof *w);
    for (size_t i = 0; i < n_rows * n_cols; i++) {
        size_t tw = vh_text_width(cell[i]);
        w[i % n_cols] = tw > w[i % n_cols] ? tw : w[i % n_cols];
    }
    print_title(s, out);
    for (size_t row = 0; row < n_rows; row++) {
        for (size_t col = 0; col < n_cols; col++) {
            const char *t = cell[row * n_cols + col];
            /* Names left, figures right. */
            bool left = col < 2 + s->n_keys;
            size_t pad = w[col] - vh_text_width(t);
            fprintf(out, "%s%*s%s%*s", col ? "  " : "", left ? 0 : (int) pad,
                    "", t, col + 1 < n_cols && left ? (int) pad : 0, "");
        }
        fputc('\n', out);
    }
    for (size_t i = 0; i < n_rows * n_cols; i++) {
        free(cell[i]);
    }
    free(cell);
    free(w);
}

/* ---- CSV. ---- */

/* A number as the JSON has it; empty when NaN (not measured). */
static void
put_num(struct textbuf *b, double v)
{
    if (isnan(v)) {
        textbuf_printf(b, ",");
        return;
    }
    textbuf_csv_num(b, v);
}

static const enum sweep_metric csv_stats[] = {
    SM_GBPS, SM_MPPS, SM_P50, SM_P99, SM_CPP,
};
static const char *const csv_stat_names[] = {
    "throughput_gbps", "throughput_mpps", "latency_p50_ns",
    "latency_p99_ns", "host_cycles_per_packet",
};

static void
csv_lead(struct textbuf *b, const struct sweep *s, const struct sweep_point *pt,
         const char *seed, const cJSON *report, const cJSON *f, size_t n)
{
    textbuf_csv_str(b, pt->variant, true);
    for (size_t k = 0; k < s->n_keys; k++) {
        textbuf_csv_str(b, s->keys[k].label[pt->idx[k]], false);
    }
    textbuf_csv_str(b, seed, false);
    textbuf_csv_str(b, compare_str(f, "name"), false);
    const cJSON *h = compare_flow_host(report, f);
    textbuf_csv_str(b, h ? compare_str(h, "name") : "", false);
    textbuf_printf(b, ",%zu", n);
}

char *
sweep_csv(const struct sweep *s)
{
    struct textbuf b = { NULL, 0, 0 };
    textbuf_csv_str(&b, "variant", true);
    for (size_t k = 0; k < s->n_keys; k++) {
        textbuf_csv_str(&b, s->keys[k].key, false);
    }
    textbuf_printf(&b, ",seed,flow,host,n,sent,delivered");
    for (size_t i = 0; i < sizeof csv_stats / sizeof *csv_stats; i++) {
        textbuf_printf(&b, ",%s,%s_ci95", csv_stat_names[i], csv_stat_names[i]);
    }
    textbuf_printf(&b, "\n");

    for (size_t p = 0; p < s->n_points; p++) {
        const struct sweep_point *pt = &s->points[p];
        for (size_t i = 0; i < s->n_seeds; i++) {
            const cJSON *rep = pt->reports[i], *f;
            char seed[32];
            snprintf(seed, sizeof seed, "%llu", s->seeds[i]);
            cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(rep,
                                                                   "flows")) {
                const char *flow = compare_str(f, "name");
                csv_lead(&b, s, pt, seed, rep, f, 1);
                double v;
                put_num(&b, sweep_metric(rep, flow, SM_SENT, &v) ? v : NAN);
                put_num(&b, sweep_metric(rep, flow, SM_DELIVERED, &v) ? v
                                                                      : NAN);
                for (size_t m = 0; m < sizeof csv_stats / sizeof *csv_stats;
                     m++) {
                    put_num(&b, sweep_metric(rep, flow, csv_stats[m], &v)
                                ? v : NAN);
                    put_num(&b, NAN);
                }
                textbuf_printf(&b, "\n");
            }
        }
        const cJSON *f;
        cJSON_ArrayForEach(f, sweep_flows(s, p)) {
            const char *flow = compare_str(f, "name");
            csv_lead(&b, s, pt, "mean", pt->reports[0], f, s->n_seeds);
            put_num(&b, sweep_point_stat(s, p, flow, SM_SENT).mean);
            put_num(&b, sweep_point_stat(s, p, flow, SM_DELIVERED).mean);
            for (size_t m = 0; m < sizeof csv_stats / sizeof *csv_stats;
                 m++) {
                struct sweep_stat st = sweep_point_stat(s, p, flow,
                                                        csv_stats[m]);
                put_num(&b, st.mean);
                put_num(&b, st.ci);
            }
            textbuf_printf(&b, "\n");
        }
    }
    return b.s;
}

/* ---- JSON. ---- */

static void
add_num_or_null(cJSON *o, const char *key, double v)
{
    if (isnan(v)) {
        cJSON_AddNullToObject(o, key);
    } else {
        cJSON_AddNumberToObject(o, key, v);
    }
}

static cJSON *
summary(const struct sweep *s, size_t p)
{
    static const enum sweep_metric ms[] = {
        SM_SENT, SM_DELIVERED, SM_GBPS, SM_MPPS, SM_P50, SM_P99, SM_CPP,
    };
    static const char *const names[] = {
        "sent", "delivered", "throughput_gbps", "throughput_mpps",
        "latency_p50_ns", "latency_p99_ns", "host_cycles_per_packet",
    };
    cJSON *arr = cJSON_CreateArray();
    const cJSON *f;
    cJSON_ArrayForEach(f, sweep_flows(s, p)) {
        const char *flow = compare_str(f, "name");
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "flow", flow);
        const cJSON *h = compare_flow_host(s->points[p].reports[0], f);
        if (h) {
            cJSON_AddStringToObject(o, "host", compare_str(h, "name"));
        } else {
            cJSON_AddNullToObject(o, "host");
        }
        for (size_t i = 0; i < sizeof ms / sizeof *ms; i++) {
            struct sweep_stat st = sweep_point_stat(s, p, flow, ms[i]);
            cJSON *m = cJSON_AddObjectToObject(o, names[i]);
            add_num_or_null(m, "mean", st.mean);
            add_num_or_null(m, "ci95", st.ci);
            cJSON_AddNumberToObject(m, "n", (double) st.n);
        }
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

cJSON *
sweep_json(const struct sweep *s)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *head = cJSON_AddObjectToObject(root, "sweep");
    cJSON_AddStringToObject(head, "scenario", s->file);
    cJSON *keys = cJSON_AddArrayToObject(head, "keys");
    for (size_t k = 0; k < s->n_keys; k++) {
        cJSON_AddItemToArray(keys, cJSON_CreateString(s->keys[k].key));
    }
    cJSON *seeds = cJSON_AddArrayToObject(head, "seeds");
    for (size_t i = 0; i < s->n_seeds; i++) {
        cJSON_AddItemToArray(seeds, cJSON_CreateNumber((double) s->seeds[i]));
    }
    cJSON *vars = cJSON_AddArrayToObject(head, "variants");
    for (size_t v = 0; v < s->n_variants; v++) {
        cJSON_AddItemToArray(vars, cJSON_CreateString(s->variants[v]));
    }
    cJSON *points = cJSON_AddArrayToObject(root, "points");
    for (size_t p = 0; p < s->n_points; p++) {
        const struct sweep_point *pt = &s->points[p];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "variant", pt->variant);
        cJSON *set = cJSON_AddObjectToObject(o, "set");
        for (size_t k = 0; k < s->n_keys; k++) {
            cJSON_AddItemToObject(set, s->keys[k].key,
                                  cJSON_Parse(s->keys[k].json[pt->idx[k]]));
        }
        cJSON_AddItemToObject(o, "summary", summary(s, p));
        /* Each run's report as 'vhsim run --json' writes it (its seed
         * among its keys), by reference: the sweep still owns them. */
        cJSON *runs = cJSON_AddArrayToObject(o, "runs");
        for (size_t i = 0; i < s->n_seeds; i++) {
            cJSON_AddItemReferenceToArray(runs, pt->reports[i]);
        }
        cJSON_AddItemToArray(points, o);
    }
    return root;
}
