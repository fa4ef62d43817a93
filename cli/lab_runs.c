/* cli/lab_runs.c: a lesson's runs and the numbers its questions read in
 * their reports (cli/lab.h).
 *
 * Pointers are RFC 6901 JSON pointers with one addition for people who
 * write lessons: a step into an array may be the "name" (flows, hosts)
 * or "path" (devices) of one of its elements instead of its index, so
 * "/devices/host1~1br0/rx" still means br0 when devices are added. */
#include "cli/lab.h"
#include "cli/cli.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/config.h"
#include "models/core/lesson.h"
#include "models/core/world.h"
#include "report/report.h"
#include "sim/lang.h"
#include "sim/xmalloc.h"

struct lab_report {
    char *variant;
    cJSON *report;              /* NULL: the variant did not load. */
    char *refused;              /* Why it did not; NULL if it ran. */
};

struct lab_runs {
    char *file;
    struct lab_report *runs;
    size_t n;
};

struct lab_runs *
lab_runs_new(const char *file)
{
    struct lab_runs *r = vh_xcalloc(1, sizeof *r);
    r->file = vh_xstrdup(file);
    return r;
}

void
lab_runs_free(struct lab_runs *r)
{
    if (!r) {
        return;
    }
    for (size_t i = 0; i < r->n; i++) {
        free(r->runs[i].variant);
        cJSON_Delete(r->runs[i].report);
        free(r->runs[i].refused);
    }
    free(r->runs);
    free(r->file);
    free(r);
}

/* The run of 'variant', made now if it has not been.  Its report is NULL
 * if it does not load or build, with 'refused' saying why. */
static const struct lab_report *
run_of(struct lab_runs *r, const char *variant)
{
    for (size_t i = 0; i < r->n; i++) {
        if (!strcmp(r->runs[i].variant, variant)) {
            return &r->runs[i];
        }
    }
    struct vh_diag diag;
    vh_diag_init(&diag);
    struct cfg_scenario *cfg = cli_cfg_load(r->file, variant, &diag);
    struct world *w = cfg ? world_build(cfg, &diag) : NULL;
    cJSON *report = NULL;
    char *refused = NULL;
    if (w) {
        world_run(w, NULL, NULL);
        /* No wall time: the lesson's figures are the model's alone. */
        report = report_json(w, 0);
        world_free(w);
    } else {
        refused = vh_xstrdup(diag.msg);
    }
    cfg_free(cfg);
    r->runs = vh_xrealloc(r->runs, (r->n + 1) * sizeof *r->runs);
    r->runs[r->n] = (struct lab_report) { vh_xstrdup(variant), report,
                                          refused };
    return &r->runs[r->n++];
}

/* The report of 'variant', run now if it has not been.  NULL if it does
 * not load (said on stderr, once). */
static const cJSON *
report_of(struct lab_runs *r, const char *variant)
{
    size_t before = r->n;
    const struct lab_report *run = run_of(r, variant);
    if (!run->report && r->n > before) {
        cli_error(VH_EXIT_USAGE, "%s: %s", cli_input_name(r->file),
                  run->refused);
    }
    return run->report;
}

/* Element 'step' of array 'arr': by index, else by "name" or "path". */
static const cJSON *
array_step(const cJSON *arr, const char *step)
{
    char *end;
    unsigned long i = strtoul(step, &end, 10);
    if (*step >= '0' && *step <= '9' && !*end) {
        return cJSON_GetArrayItem(arr, (int) i);
    }
    const cJSON *e;
    cJSON_ArrayForEach(e, arr) {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "name");
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(e, "path");
        if ((cJSON_IsString(n) && !strcmp(n->valuestring, step))
            || (cJSON_IsString(p) && !strcmp(p->valuestring, step))) {
            return e;
        }
    }
    return NULL;
}

/* The value 'ptr' reaches in 'root', or NULL with 'why' saying where it
 * stopped.  The loader has checked the pointer's syntax. */
static const cJSON *
pointer_get(const cJSON *root, const char *ptr, char *why, size_t len)
{
    const cJSON *cur = root;
    const char *p = ptr;
    while (*p == '/') {
        const char *start = p++;
        char step[256];
        size_t n = 0;
        while (*p && *p != '/') {
            char c = *p++;
            if (c == '~') {
                c = *p++ == '1' ? '/' : '~';
            }
            if (n < sizeof step - 1) {
                step[n++] = c;
            }
        }
        step[n] = '\0';
        const cJSON *next = NULL;
        if (cJSON_IsArray(cur)) {
            next = array_step(cur, step);
        } else if (cJSON_IsObject(cur)) {
            next = cJSON_GetObjectItemCaseSensitive(cur, step);
        } else {
            snprintf(why, len, "'%.*s' is a value, not an object or an "
                     "array: '%s' goes past it", (int) (start - ptr), ptr,
                     ptr);
            return NULL;
        }
        if (!next) {
            /* Where it stopped: the pointer up to this step, or the
             * report itself. */
            const char *at = start == ptr ? "the report" : ptr;
            int at_len = start == ptr ? (int) strlen(at)
                                      : (int) (start - ptr);
            snprintf(why, len, "'%s' is not in the report: no %s '%s' in "
                     "%.*s", ptr, cJSON_IsArray(cur) ? "element" : "key",
                     step, at_len, at);
            return NULL;
        }
        cur = next;
    }
    return cur;
}

/* A number of 'variant's report: true, or false with 'why'. */
static bool
read_figure(struct lab_runs *r, const char *variant, const char *ptr,
            double *v, char *why, size_t len, bool *loaded)
{
    const cJSON *rep = report_of(r, variant);
    if (!rep) {
        *loaded = false;
        return false;
    }
    const cJSON *x = pointer_get(rep, ptr, why, len);
    if (!x) {
        return false;
    }
    if (cJSON_IsBool(x)) {
        *v = cJSON_IsTrue(x) ? 1 : 0;
        return true;
    }
    if (!cJSON_IsNumber(x)) {
        snprintf(why, len, "'%s' is %s in the report, not a number", ptr,
                 cJSON_IsNull(x) ? "null (nothing was measured)"
                 : cJSON_IsString(x) ? "a string"
                 : cJSON_IsArray(x) ? "an array" : "an object");
        return false;
    }
    *v = x->valuedouble;
    return true;
}

void
lab_format_number(double v, char *buf, size_t len)
{
    if (fabs(v) >= 1e6 || v == floor(v)) {
        snprintf(buf, len, "%.0f", v);
    } else {
        snprintf(buf, len, "%.6g", v);
    }
}

int
lab_value(struct lab_runs *r, const struct cfg_question *q,
          const char *variant, double *v, char *shown, size_t shown_len,
          char *why, size_t why_len)
{
    if (q->of.refused) {
        /* Whether the variant runs: its refusal's message decides. */
        const struct lab_report *run = run_of(r, q->of.variant);
        *v = run->refused ? 1 : 0;
        if (run->refused) {
            snprintf(shown, shown_len, vh_tr("refused: %s"), run->refused);
        } else {
            snprintf(shown, shown_len, "%s", vh_tr("runs: nothing refuses "
                                                   "it"));
        }
        return 0;
    }
    const char *of_v = variant ? variant : q->of.variant;
    const char *per_v = variant ? variant : q->per.variant;
    char msg[512] = "";
    bool loaded = true;
    double of, per = 1;
    const char *key = "observable.pointer";
    bool ok = read_figure(r, of_v, q->of.pointer, &of, msg, sizeof msg,
                          &loaded);
    if (ok && q->per.pointer) {
        key = "observable.per";
        ok = read_figure(r, per_v, q->per.pointer, &per, msg, sizeof msg,
                         &loaded);
        if (ok && per == 0) {
            snprintf(msg, sizeof msg, "'%s' is 0: nothing to divide by",
                     q->per.pointer);
            ok = false;
        }
    }
    if (!ok) {
        if (loaded) {
            snprintf(why, why_len, "%s.%s: %s (variant '%s')", q->jpath, key,
                     msg, !strcmp(key, "observable.per") ? per_v : of_v);
        } else {
            *why = '\0';
        }
        return VH_EXIT_USAGE;
    }
    char a[40], b[40], c[40];
    lab_format_number(of, a, sizeof a);
    if (!q->per.pointer) {
        snprintf(shown, shown_len, "%s = %s", q->of.pointer, a);
        *v = of;
        return 0;
    }
    *v = of / per;
    lab_format_number(per, b, sizeof b);
    lab_format_number(*v, c, sizeof c);
    if (!variant && strcmp(of_v, per_v)) {
        snprintf(shown, shown_len, "%s %s / %s %s = %s / %s = %s", of_v,
                 q->of.pointer, per_v, q->per.pointer, a, b, c);
    } else {
        snprintf(shown, shown_len, "%s / %s = %s / %s = %s", q->of.pointer,
                 q->per.pointer, a, b, c);
    }
    return 0;
}
