/* cli/sweep_stats.c: means and 95% confidence intervals across seeds, and
 * the figures of a report they are taken of. */
#include "cli/sweep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/compare.h"
#include "sim/xmalloc.h"

/* t(0.975, df) for df 1..30, the usual table. */
static const double t975_table[30] = {
    12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836,
    2.446911851, 2.364624252, 2.306004135, 2.262157163, 2.228138852,
    2.200985160, 2.178812830, 2.160368656, 2.144786688, 2.131449546,
    2.119905299, 2.109815578, 2.100922040, 2.093024054, 2.085963447,
    2.079613845, 2.073873068, 2.068657610, 2.063898562, 2.059538553,
    2.055529439, 2.051830516, 2.048407142, 2.045229642, 2.042272456,
};

double
sweep_t975(size_t df)
{
    if (df == 0) {
        return NAN;
    }
    if (df <= 30) {
        return t975_table[df - 1];
    }
    /* Past the table, the Cornish-Fisher expansion around the normal
     * quantile is good to better than 1e-4 (at df 31: 2.03951). */
    double z = 1.959963984540054, d = (double) df;
    double z3 = z * z * z, z5 = z3 * z * z;
    return z + (z3 + z) / (4 * d) + (5 * z5 + 16 * z3 + 3 * z) / (96 * d * d)
           + (3 * z5 * z * z + 19 * z5 + 17 * z3 - 15 * z)
             / (384 * d * d * d);
}

struct sweep_stat
sweep_stat_of(const double *x, size_t n)
{
    struct sweep_stat s = { NAN, NAN, n };
    if (!n) {
        return s;
    }
    /* Deviations from the first value, not the values themselves: equal
     * values then give exactly that value and exactly no width. */
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        sum += x[i] - x[0];
    }
    double shift = sum / (double) n;
    s.mean = x[0] + shift;
    if (n < 2) {
        return s;
    }
    double ss = 0;
    for (size_t i = 0; i < n; i++) {
        double d = x[i] - x[0] - shift;
        ss += d * d;
    }
    double sd = sqrt(ss / (double) (n - 1));
    s.ci = sweep_t975(n - 1) * sd / sqrt((double) n);
    return s;
}

static const cJSON *
find_flow(const cJSON *report, const char *flow)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(report, "flows")) {
        if (!strcmp(compare_str(f, "name"), flow)) {
            return f;
        }
    }
    return NULL;
}

bool
sweep_metric(const cJSON *report, const char *flow, enum sweep_metric m,
             double *out)
{
    const cJSON *f = find_flow(report, flow), *v = NULL;
    if (!f) {
        return false;
    }
    switch (m) {
    case SM_GBPS:
        v = cJSON_GetObjectItemCaseSensitive(f, "throughput_gbps");
        break;
    case SM_MPPS:
        v = cJSON_GetObjectItemCaseSensitive(f, "throughput_mpps");
        break;
    case SM_P50:
    case SM_P99:
        v = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(f, "latency_ns"),
            m == SM_P50 ? "p50" : "p99");
        break;
    case SM_SENT:
        v = cJSON_GetObjectItemCaseSensitive(f, "sent");
        break;
    case SM_DELIVERED:
        v = cJSON_GetObjectItemCaseSensitive(f, "delivered");
        break;
    case SM_CPP: {
        const cJSON *h = compare_flow_host(report, f);
        v = h ? cJSON_GetObjectItemCaseSensitive(h, "cycles_per_packet")
              : NULL;
        break;
    }
    case SM_N:
        break;
    }
    if (!cJSON_IsNumber(v)) {
        return false;
    }
    *out = v->valuedouble;
    return true;
}

struct sweep_stat
sweep_point_stat(const struct sweep *s, size_t p, const char *flow,
                 enum sweep_metric m)
{
    double *x = vh_xcalloc(s->n_seeds + 1, sizeof *x);
    size_t n = 0;
    for (size_t i = 0; i < s->n_seeds; i++) {
        if (sweep_metric(s->points[p].reports[i], flow, m, &x[n])) {
            n++;
        }
    }
    struct sweep_stat st = sweep_stat_of(x, n);
    free(x);
    return st;
}

const cJSON *
sweep_flows(const struct sweep *s, size_t p)
{
    return cJSON_GetObjectItemCaseSensitive(s->points[p].reports[0], "flows");
}
