/* cli/compare_table.c: the side-by-side table of 'vhsim compare'.
 *
 * Rows are metrics and columns are runs: eight or nine access methods fit
 * across a 100 to 120 column terminal that way, and reading along a row
 * compares one metric between methods.  Each cell is short (three
 * significant digits with an SI prefix, or a time with its unit); the
 * exact figures are in the JSON. */
#include "cli/compare.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "sim/lang.h"
#include "sim/xmalloc.h"

#define LABEL_MAX 36            /* Columns; longer labels are cut. */
#define LABEL_BYTES 160         /* LABEL_MAX columns of UTF-8, at most. */
#define CELL_MAX 48             /* Bytes: a refusal's words in Chinese. */

struct row {
    char label[LABEL_BYTES];
    char *heading;              /* A section heading: no cells. */
    char (*cells)[CELL_MAX];    /* One per run. */
};

struct table {
    const struct compare_run *runs;
    size_t n_runs;
    struct row *rows;
    size_t n_rows, cap;
    bool icmp;                  /* Some flow is ICMP. */
};


/* --- Numbers for reading. --- */

/* Three significant digits of 'v' (0 <= v < 999.5), no exponent. */
static void
fmt_sig3(double v, char *buf, size_t len)
{
    if (v == 0) {
        snprintf(buf, len, "0");
    } else if (v < 0.001) {
        snprintf(buf, len, "<0.001");
    } else {
        /* Round to three significant digits first, then print that many,
         * trailing zeros included, so a column reads evenly. */
        char tmp[32];
        snprintf(tmp, sizeof tmp, "%.3g", v);
        double r = strtod(tmp, NULL);
        int decimals = r >= 100 ? 0 : 2 - (int) floor(log10(r));
        snprintf(buf, len, "%.*f", decimals, r);
    }
}

/* 'v' with an SI prefix: 8154 -> "8.15k", 0.0564 -> "0.0564". */
static void
fmt_si(double v, char *buf, size_t len)
{
    static const char prefix[] = " kMGTP";
    const char *sign = v < 0 ? "-" : "";
    v = fabs(v);
    int k = 0;
    while (v >= 999.5 && k < 5) {
        v /= 1000;
        k++;
    }
    char num[CELL_MAX];
    fmt_sig3(v, num, sizeof num);
    if (k) {
        snprintf(buf, len, "%s%s%c", sign, num, prefix[k]);
    } else {
        snprintf(buf, len, "%s%s", sign, num);
    }
}

/* A count: exact while it fits a column, then with a prefix. */
static void
fmt_count(double v, char *buf, size_t len)
{
    if (v < 1e7 && v == floor(v)) {
        snprintf(buf, len, "%.0f", v);
    } else {
        fmt_si(v, buf, len);
    }
}

/* A duration given in nanoseconds: "812ns", "12.3us", "1.23ms". */
static void
fmt_ns(double ns, char *buf, size_t len)
{
    static const char *const unit[] = { "ns", "us", "ms", "s" };
    int k = 0;
    while (ns >= 999.5 && k < 3) {
        ns /= 1000;
        k++;
    }
    char num[CELL_MAX];
    fmt_sig3(ns, num, sizeof num);
    snprintf(buf, len, "%s%s", num, unit[k]);
}

/* A fraction as a percentage: 0.245 -> "24.5%". */
static void
fmt_pct(double v, char *buf, size_t len)
{
    char num[16];               /* At most "100": util is 0 to 1. */
    fmt_sig3(v * 100, num, sizeof num);
    snprintf(buf, len, "%s%%", num);
}

/* --- Reading the reports. --- */

double
compare_num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

const char *
compare_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* The element of array 'key' of 'report' whose "name" is 'name'. */
static const cJSON *
find_named(const cJSON *report, const char *key, const char *name)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(report, key);
    const cJSON *e;
    cJSON_ArrayForEach(e, arr) {
        if (!strcmp(compare_str(e, "name"), name)) {
            return e;
        }
    }
    return NULL;
}

/* "host1/vm1", "host1:8080" and "host1" are all on host "host1". */
static const cJSON *
host_of_endpoint(const cJSON *report, const char *ep)
{
    char name[256];
    snprintf(name, sizeof name, "%.*s", (int) strcspn(ep, "/:"), ep);
    return find_named(report, "hosts", name);
}

/* The guests a host runs: its VMs and its containers. */
static double
guests(const cJSON *host)
{
    return compare_num(host, "vms") + compare_num(host, "containers");
}

const cJSON *
compare_flow_host(const cJSON *report, const cJSON *flow)
{
    const cJSON *src = host_of_endpoint(report, compare_str(flow, "from"));
    const cJSON *dst = host_of_endpoint(report, compare_str(flow, "to"));
    if (src && guests(src) > 0) {
        return src;
    }
    if (dst && guests(dst) > 0) {
        return dst;
    }
    return src;
}

/* --- Building rows. --- */

/* Copies 'label' into 'out' (LABEL_BYTES), cut to LABEL_MAX columns
 * between two characters. */
static void
cut_label(char *out, const char *label)
{
    size_t i = 0, used = 0;
    while (label[i] && i + 4 < LABEL_BYTES) {
        size_t n = 1;
        while ((label[i + n] & 0xc0) == 0x80) {
            n++;
        }
        char ch[8];
        memcpy(ch, label + i, n);
        ch[n] = '\0';
        size_t w = vh_text_width(ch);
        if (used + w > LABEL_MAX) {
            break;
        }
        used += w;
        i += n;
    }
    memcpy(out, label, i);
    out[i] = '\0';
}

static struct row *
add_row(struct table *t, const char *label)
{
    if (t->n_rows == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 32;
        t->rows = vh_xrealloc(t->rows, t->cap * sizeof *t->rows);
    }
    struct row *r = &t->rows[t->n_rows++];
    memset(r, 0, sizeof *r);
    cut_label(r->label, label);
    r->cells = vh_xrealloc(NULL, t->n_runs * sizeof *r->cells);
    for (size_t i = 0; i < t->n_runs; i++) {
        snprintf(r->cells[i], CELL_MAX, "-");
    }
    return r;
}

static void
add_heading(struct table *t, const char *text)
{
    struct row *r = add_row(t, "");
    r->heading = vh_xstrdup(text);
}

enum fmt { FMT_COUNT, FMT_SI, FMT_NS };

typedef void fmt_fn(double, char *, size_t);

static fmt_fn *const formatters[] = {
    [FMT_COUNT] = fmt_count, [FMT_SI] = fmt_si, [FMT_NS] = fmt_ns,
};

/* A row of the number at 'key' of each run's element 'name' of array
 * 'arr' ("flows" or "hosts"); 'sub', if not NULL, is an object of that
 * element holding 'key'.  Returns true if some run's value is nonzero. */
static bool
add_metric(struct table *t, const char *label, const char *arr,
           const char *name, const char *sub, const char *key,
           enum fmt fmt, bool only_if_nonzero)
{
    bool any = false;
    double *v = vh_xrealloc(NULL, t->n_runs * sizeof *v);
    bool *have = vh_xrealloc(NULL, t->n_runs * sizeof *have);
    for (size_t i = 0; i < t->n_runs; i++) {
        const cJSON *e = find_named(t->runs[i].report, arr, name);
        have[i] = e != NULL;
        if (e && sub) {
            e = cJSON_GetObjectItemCaseSensitive(e, sub);
        }
        v[i] = e ? compare_num(e, key) : 0;
        any |= v[i] != 0;
        /* A figure the run did not measure (a null latency): "-". */
        have[i] &= !cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(e, key));
    }
    if (any || !only_if_nonzero) {
        struct row *r = add_row(t, label);
        for (size_t i = 0; i < t->n_runs; i++) {
            if (have[i]) {
                formatters[fmt](v[i], r->cells[i], CELL_MAX);
            }
        }
    }
    free(v);
    free(have);
    return any;
}

/* True if some run has element 'name' of array 'arr' with a nonzero
 * number at 'key'. */
static bool
any_nonzero(const struct table *t, const char *arr, const char *name,
            const char *key)
{
    for (size_t i = 0; i < t->n_runs; i++) {
        const cJSON *e = find_named(t->runs[i].report, arr, name);
        if (e && compare_num(e, key) != 0) {
            return true;
        }
    }
    return false;
}

/* The union, in first-seen order, of the keys of object 'sub' of element
 * 'name' of array 'arr' over every run.  Returns the count; *keys points
 * into the reports. */
static size_t
union_keys(const struct table *t, const char *arr, const char *name,
           const char *sub, const char ***keys)
{
    size_t n = 0;
    *keys = NULL;
    for (size_t i = 0; i < t->n_runs; i++) {
        const cJSON *e = find_named(t->runs[i].report, arr, name);
        const cJSON *o = cJSON_GetObjectItemCaseSensitive(e, sub);
        const cJSON *k;
        cJSON_ArrayForEach(k, o) {
            size_t j = 0;
            while (j < n && strcmp((*keys)[j], k->string)) {
                j++;
            }
            if (j == n) {
                *keys = vh_xrealloc(*keys, (n + 1) * sizeof **keys);
                (*keys)[n++] = k->string;
            }
        }
    }
    return n;
}

static void
add_flow(struct table *t, const cJSON *flow)
{
    const char *name = compare_str(flow, "name");
    bool same_size = true;
    for (size_t i = 0; i < t->n_runs; i++) {
        const cJSON *f = find_named(t->runs[i].report, "flows", name);
        if (f && compare_num(f, "size") != compare_num(flow, "size")) {
            same_size = false;
        }
    }
    char text[512], size[32] = "";
    if (same_size) {
        snprintf(size, sizeof size, " %.0f B,", compare_num(flow, "size"));
    }
    snprintf(text, sizeof text, vh_tr("Flow %s (%s%s %s -> %s)"), name,
             compare_str(flow, "proto"), size, compare_str(flow, "from"),
             compare_str(flow, "to"));
    add_heading(t, text);
    t->icmp |= !strcmp(compare_str(flow, "proto"), "icmp")
               || !strcmp(compare_str(flow, "proto"), "icmp6");
    if (!same_size) {
        add_metric(t, vh_tr("  frame size (B)"), "flows", name, NULL, "size",
                   FMT_COUNT, false);
    }
    add_metric(t, vh_tr("  sent"), "flows", name, NULL, "sent", FMT_COUNT, false);
    add_metric(t, vh_tr("  delivered"), "flows", name, NULL, "delivered",
               FMT_COUNT, false);
    add_metric(t, vh_tr("  in flight at end"), "flows", name, NULL, "in_flight",
               FMT_COUNT, true);
    const char **reasons;
    size_t n = union_keys(t, "flows", name, "drops", &reasons);
    for (size_t k = 0; k < n; k++) {
        char label[LABEL_BYTES];
        char why[128];
        snprintf(label, sizeof label, vh_tr("  dropped: %s"),
                 vh_gloss_reason(reasons[k], why, sizeof why));
        add_metric(t, label, "flows", name, "drops", reasons[k], FMT_COUNT,
                   false);
    }
    free(reasons);
    add_metric(t, vh_tr("  throughput Gbps"), "flows", name, NULL,
               "throughput_gbps", FMT_SI, false);
    add_metric(t, vh_tr("  throughput Mpps"), "flows", name, NULL,
               "throughput_mpps", FMT_SI, false);
    add_metric(t, vh_tr("  latency p50"), "flows", name, "latency_ns", "p50",
               FMT_NS, false);
    add_metric(t, vh_tr("  latency p99"), "flows", name, "latency_ns", "p99",
               FMT_NS, false);
    /* TCP and request/response flows (models/endpoint/tcp.h). */
    add_metric(t, vh_tr("  goodput Gbps"), "flows", name, NULL, "goodput_gbps",
               FMT_SI, true);
    add_metric(t, vh_tr("  retransmits"), "flows", name, NULL, "retransmits",
               FMT_COUNT, true);
    add_metric(t, vh_tr("  transactions/s"), "flows", name, NULL,
               "transactions_per_s", FMT_SI, true);
}

/* Core 'id' of host 'name' in 'report', or NULL. */
static const cJSON *
find_core(const cJSON *report, const char *name, int id)
{
    const cJSON *h = find_named(report, "hosts", name);
    const cJSON *cpu = cJSON_GetObjectItemCaseSensitive(h, "cpu");
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(cpu, "cores")) {
        if ((int) compare_num(c, "id") == id) {
            return c;
        }
    }
    return NULL;
}

/* A core's cycles over every category. */
static double
core_cycles(const cJSON *core)
{
    double sum = 0;
    const cJSON *k;
    cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(core, "cycles")) {
        sum += cJSON_IsNumber(k) ? k->valuedouble : 0;
    }
    return sum;
}

/* Each core of host 'name' that worked in some run: how busy it was and
 * its cycles, so a comparison shows where the work went (which core
 * RSS or VMDq steered a queue to, which one irqbalance chose). */
static void
add_cores(struct table *t, const char *name)
{
    int n_cores = 0;
    for (size_t i = 0; i < t->n_runs; i++) {
        const cJSON *h = find_named(t->runs[i].report, "hosts", name);
        const cJSON *cpu = cJSON_GetObjectItemCaseSensitive(h, "cpu");
        int n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(cpu,
                                                                    "cores"));
        n_cores = n > n_cores ? n : n_cores;
    }
    for (int id = 0; id < n_cores; id++) {
        bool worked = false;
        for (size_t i = 0; i < t->n_runs; i++) {
            const cJSON *c = find_core(t->runs[i].report, name, id);
            worked |= c && core_cycles(c) > 0;
        }
        if (!worked) {
            continue;
        }
        char label[LABEL_BYTES];
        snprintf(label, sizeof label, vh_tr("  core %d busy"), id);
        size_t busy_row = (size_t) (add_row(t, label) - t->rows);
        snprintf(label, sizeof label, vh_tr("  core %d cycles"), id);
        struct row *cyc = add_row(t, label);
        /* The second add_row() may have moved the rows. */
        struct row *busy = &t->rows[busy_row];
        for (size_t i = 0; i < t->n_runs; i++) {
            const cJSON *c = find_core(t->runs[i].report, name, id);
            if (c) {
                fmt_pct(compare_num(c, "util"), busy->cells[i], CELL_MAX);
                fmt_si(core_cycles(c), cyc->cells[i], CELL_MAX);
            }
        }
    }
}

static void
add_host(struct table *t, const cJSON *host)
{
    const char *name = compare_str(host, "name");
    char text[512];
    int vms = (int) compare_num(host, "vms");
    int ctrs = (int) compare_num(host, "containers");
    /* Each wording whole, so that it translates whole. */
    if (vms && ctrs) {
        snprintf(text, sizeof text, vms == 1 && ctrs == 1
                 ? vh_tr("Host %s (%d VM, %d container)")
                 : vms == 1 ? vh_tr("Host %s (%d VM, %d containers)")
                 : ctrs == 1 ? vh_tr("Host %s (%d VMs, %d container)")
                 : vh_tr("Host %s (%d VMs, %d containers)"),
                 name, vms, ctrs);
    } else if (vms) {
        snprintf(text, sizeof text, vms == 1 ? vh_tr("Host %s (%d VM)")
                 : vh_tr("Host %s (%d VMs)"), name, vms);
    } else if (ctrs) {
        snprintf(text, sizeof text, ctrs == 1
                 ? vh_tr("Host %s (%d container)")
                 : vh_tr("Host %s (%d containers)"), name, ctrs);
    } else {
        snprintf(text, sizeof text, vh_tr("Host %s"), name);
    }
    add_heading(t, text);
    add_metric(t, vh_tr("  packets"), "hosts", name, NULL,
               "packets", FMT_COUNT, false);
    add_metric(t, vh_tr("  cycles/packet"), "hosts", name, NULL,
               "cycles_per_packet", FMT_SI, false);
    const char **cats;
    size_t n = union_keys(t, "hosts", name, "cycles_per_packet_by_category",
                          &cats);
    for (size_t k = 0; k < n; k++) {
        char label[LABEL_BYTES];
        snprintf(label, sizeof label, "    %s", report_cat_text(cats[k]));
        add_metric(t, label, "hosts", name, "cycles_per_packet_by_category",
                   cats[k], FMT_SI, true);
    }
    free(cats);
    add_metric(t, vh_tr("  interrupts/s"), "hosts", name, NULL, "interrupts_per_s",
               FMT_SI, false);
    add_metric(t, vh_tr("    of which IPIs/s"), "hosts", name, NULL,
               "ipis_per_s", FMT_SI, true);
    add_metric(t, vh_tr("  guest interrupts/s"), "hosts", name, NULL,
               "guest_interrupts_per_s", FMT_SI, false);
    add_metric(t, vh_tr("  VM exits/s"), "hosts", name, NULL, "vm_exits_per_s",
               FMT_SI, false);
    add_metric(t, vh_tr("  VM exits/packet"), "hosts", name, NULL,
               "vm_exits_per_packet", FMT_SI, false);
    add_metric(t, vh_tr("  bytes copied/packet"), "hosts", name, NULL,
               "copies_bytes_per_packet", FMT_SI, false);
    add_metric(t, vh_tr("  uplink bytes"), "hosts", name, NULL, "uplink_bytes",
               FMT_SI, false);
    add_metric(t, vh_tr("  uplink bytes/packet"), "hosts", name, NULL,
               "uplink_bytes_per_packet", FMT_SI, false);
    add_cores(t, name);
}

/* A row of the string at 'key' of each run's switch 'name'. */
static void
add_switch_text(struct table *t, const char *label, const char *name,
                const char *key)
{
    struct row *r = add_row(t, label);
    for (size_t i = 0; i < t->n_runs; i++) {
        const cJSON *e = find_named(t->runs[i].report, "switches", name);
        if (e) {
            snprintf(r->cells[i], CELL_MAX, "%s", compare_str(e, key));
        }
    }
}

/* The hits of rule 'rule' of switch 'name''s ACL in each run: a row per
 * rule, labelled with the rule's action. */
static void
add_switch_acl_rule(struct table *t, const char *name, int rule)
{
    char label[LABEL_BYTES] = "";
    struct row *r = NULL;
    for (size_t i = 0; i < t->n_runs; i++) {
        const cJSON *e = find_named(t->runs[i].report, "switches", name);
        const cJSON *acl = cJSON_GetObjectItemCaseSensitive(e, "acl");
        const cJSON *it = cJSON_GetArrayItem(acl, rule);
        if (!it) {
            continue;
        }
        if (!r) {
            snprintf(label, sizeof label, vh_tr("  acl rule %d (%s) hits"),
                     rule,
                     compare_str(it, "action"));
            r = add_row(t, label);
        }
        fmt_count(compare_num(it, "hits"), r->cells[i], CELL_MAX);
    }
}

/* An upstream switch with something to say (the report's "switches"):
 * its mode, its ACL's hits per rule, and its other counters (frames
 * reflected, VDP associations...), one row each. */
static void
add_switch(struct table *t, const char *name)
{
    char text[512];
    snprintf(text, sizeof text, vh_tr("Switch %s"), name);
    add_heading(t, text);
    add_switch_text(t, vh_tr("  mode"), name, "mode");
    int rules = 0;
    for (size_t i = 0; i < t->n_runs; i++) {
        const cJSON *e = find_named(t->runs[i].report, "switches", name);
        int n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(e, "acl"));
        rules = n > rules ? n : rules;
    }
    for (int k = 0; k < rules; k++) {
        add_switch_acl_rule(t, name, k);
    }
    /* Its other numbers, in first-seen order over the runs. */
    const char **keys = NULL;
    size_t n = 0;
    for (size_t i = 0; i < t->n_runs; i++) {
        const cJSON *e = find_named(t->runs[i].report, "switches", name);
        const cJSON *k;
        cJSON_ArrayForEach(k, e) {
            size_t j = 0;
            while (j < n && strcmp(keys[j], k->string)) {
                j++;
            }
            if (j == n && cJSON_IsNumber(k)) {
                keys = vh_xrealloc(keys, (n + 1) * sizeof *keys);
                keys[n++] = k->string;
            }
        }
    }
    for (size_t k = 0; k < n; k++) {
        char label[LABEL_BYTES];
        /* acl_default counts frames, not a default: say so. */
        snprintf(label, sizeof label, "  %s",
                 strcmp(keys[k], "acl_default")
                 ? vh_gloss(keys[k])
                 : vh_tr("frames no rule matched (permitted)"));
        add_metric(t, label, "switches", name, NULL, keys[k], FMT_COUNT,
                   false);
    }
    free(keys);
}

static void
build(struct table *t)
{
    struct row *r = add_row(t, vh_tr("simulated time"));
    for (size_t i = 0; i < t->n_runs; i++) {
        if (t->runs[i].refused) {
            /* Its column stays "-" below; the reason is under the table. */
            snprintf(r->cells[i], CELL_MAX, "%s", vh_tr("refused"));
        } else {
            fmt_ns(compare_num(t->runs[i].report, "sim_time_ns"),
                   r->cells[i], CELL_MAX);
        }
    }

    /* Flows and hosts in the order of the first run that has them. */
    for (size_t i = 0; i < t->n_runs; i++) {
        const cJSON *f;
        cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(
                                  t->runs[i].report, "flows")) {
            const char *name = compare_str(f, "name");
            size_t j = 0;
            while (j < i && !find_named(t->runs[j].report, "flows", name)) {
                j++;
            }
            if (j == i) {
                add_flow(t, f);
            }
        }
    }

    /* The hosts that run VMs (or containers) in some run; all busy hosts
     * if none does. */
    bool vm_hosts = false, ctr_hosts = false;
    for (size_t i = 0; i < t->n_runs; i++) {
        const cJSON *h;
        cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(
                                  t->runs[i].report, "hosts")) {
            vm_hosts |= compare_num(h, "vms") > 0;
            ctr_hosts |= compare_num(h, "containers") > 0;
        }
    }
    for (size_t i = 0; i < t->n_runs; i++) {
        const cJSON *h;
        cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(
                                  t->runs[i].report, "hosts")) {
            const char *name = compare_str(h, "name");
            size_t j = 0;
            while (j < i && !find_named(t->runs[j].report, "hosts", name)) {
                j++;
            }
            if (j < i || !(vm_hosts || ctr_hosts
                           ? any_nonzero(t, "hosts", name, "vms")
                             || any_nonzero(t, "hosts", name, "containers")
                           : any_nonzero(t, "hosts", name, "cycles"))) {
                continue;
            }
            add_host(t, h);
        }
    }

    /* Switches that report in some run, in first-seen order. */
    for (size_t i = 0; i < t->n_runs; i++) {
        const cJSON *e;
        cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(
                                  t->runs[i].report, "switches")) {
            const char *name = compare_str(e, "name");
            size_t j = 0;
            while (j < i && !find_named(t->runs[j].report, "switches",
                                        name)) {
                j++;
            }
            if (j == i) {
                add_switch(t, name);
            }
        }
    }
}

/* --- Printing. --- */

/* Writes 'text' wrapped at 'width' columns after 'indent' spaces. */
static void
print_wrapped(FILE *out, const char *text, int indent, int width)
{
    int col = 0;
    const char *p = text;
    while (*p) {
        size_t n = strcspn(p, " ");
        if (col && col + 1 + (int) n > width) {
            fputc('\n', out);
            col = 0;
        }
        if (!col) {
            fprintf(out, "%*s", indent, "");
            col = indent;
        } else {
            fputc(' ', out);
            col++;
        }
        fprintf(out, "%.*s", (int) n, p);
        col += (int) n;
        p += n;
        p += strspn(p, " ");
    }
    if (col) {
        fputc('\n', out);
    }
}

static void
print_block(const struct table *t, int label_w, const int *col_w,
            size_t first, size_t last, FILE *out)
{
    report_cell(out, "", label_w, false);
    for (size_t c = first; c < last; c++) {
        fputs("  ", out);
        report_cell(out, t->runs[c].name, col_w[c], true);
    }
    fputc('\n', out);
    for (size_t i = 0; i < t->n_rows; i++) {
        const struct row *r = &t->rows[i];
        if (r->heading) {
            fprintf(out, "%s\n", r->heading);
            continue;
        }
        report_cell(out, r->label, label_w, false);
        for (size_t c = first; c < last; c++) {
            fputs("  ", out);
            report_cell(out, r->cells[c], col_w[c], true);
        }
        fputc('\n', out);
    }
}

void
compare_print(const struct compare_run *runs, size_t n, int width,
              FILE *out)
{
    struct table t = { .runs = runs, .n_runs = n };
    build(&t);

    /* The scenario's name and seed from the first run that ran. */
    size_t first_ran = 0;
    while (first_ran + 1 < n && runs[first_ran].refused) {
        first_ran++;
    }
    const cJSON *base = runs[first_ran].report;
    /* The seed is written as its digits (a raw JSON number); a mean over
     * --seeds has their range ("1..4") instead. */
    const cJSON *seed = cJSON_GetObjectItemCaseSensitive(base, "seed");
    fprintf(out, n == 1 ? vh_tr("vhsim compare: %s, seed %s, %zu run\n")
                        : vh_tr("vhsim compare: %s, seed %s, %zu runs\n"),
            compare_str(base, "scenario"),
            cJSON_IsRaw(seed) || cJSON_IsString(seed) ? seed->valuestring
                                                      : "?", n);
    const char *desc = compare_str(base, "description");
    if (vh_lang_get() == VH_LANG_ZH && *compare_str(base, "description_zh")) {
        desc = compare_str(base, "description_zh");
    }
    if (*desc) {
        print_wrapped(out, desc, 2, width && width < 100 ? width : 100);
    }
    fputc('\n', out);

    int label_w = 0;
    for (size_t i = 0; i < t.n_rows; i++) {
        int l = (int) vh_text_width(t.rows[i].label);
        label_w = l > label_w ? l : label_w;
    }
    int *col_w = vh_xrealloc(NULL, n * sizeof *col_w);
    for (size_t c = 0; c < n; c++) {
        col_w[c] = (int) vh_text_width(runs[c].name);
        for (size_t i = 0; i < t.n_rows; i++) {
            int l = (int) vh_text_width(t.rows[i].cells[c]);
            col_w[c] = l > col_w[c] ? l : col_w[c];
        }
    }
    for (size_t first = 0; first < n;) {
        size_t last = first;
        int used = label_w;
        do {
            used += 2 + col_w[last++];
        } while (last < n && (!width || used + 2 + col_w[last] <= width));
        if (first) {
            fputc('\n', out);
        }
        print_block(&t, label_w, col_w, first, last, out);
        first = last;
    }
    fprintf(out, "%s", vh_tr("\nA host's packets are the flows' packets "
                             "its endpoints sent or received (one\n"
                             "between two of its guests counts twice, sent "
                             "and received); its per-packet rows\n"
                             "divide by them, its per-second rows by the "
                             "simulated time.  A core's busy row\n"
                             "is the share of the simulated time it "
                             "worked.\n"));
    if (t.icmp) {
        fprintf(out, "%s", vh_tr("ICMP: latency is the round trip, and "
                                 "delivered counts replies.\n"));
    }
    for (size_t i = 0; i < n; i++) {
        if (runs[i].refused) {
            char text[2048];
            snprintf(text, sizeof text, vh_tr("Variant '%s' refused: %s"),
                     runs[i].name, runs[i].refused);
            print_wrapped(out, text, 0, width && width < 100 ? width : 100);
        }
    }

    free(col_w);
    for (size_t i = 0; i < t.n_rows; i++) {
        free(t.rows[i].heading);
        free(t.rows[i].cells);
    }
    free(t.rows);
}
