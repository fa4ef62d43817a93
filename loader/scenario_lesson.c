/* loader/scenario_lesson.c: the keys that make a scenario a lesson
 * ("title", "title_zh", "description_zh", "questions"; models/core/
 * lesson.h), read before variants[] is checked (questions name variants
 * by the names the tree gives them).
 *
 * What can be checked without running is checked here, at the key's JSON
 * path: every text in both languages, a key for every question that
 * agrees with its kind, pointers that are well-formed and do not read
 * what changes from run to run (wall_s), flows and variants that exist.
 * Whether a pointer reaches a number is known only from the report;
 * 'vhsim lab' says so at the same path. */
#include "loader/scenario_priv.h"
#include "models/core/lesson.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SCHEMA(WHAT, KEYS) { WHAT, KEYS, sizeof KEYS / sizeof KEYS[0] }

static const struct schema_key question_keys[] = {
    { "id", NULL }, { "ask", NULL }, { "ask_zh", NULL }, { "kind", NULL },
    { "choices", NULL }, { "answer", NULL }, { "tolerance", NULL },
    { "observable", NULL }, { "explain", NULL }, { "explain_zh", NULL },
};
static const struct schema sch_question = SCHEMA("question", question_keys);

static const struct schema_key observable_keys[] = {
    { "variant", NULL }, { "pointer", NULL }, { "per", NULL },
    { "per_variant", NULL }, { "variants", NULL }, { "pick", NULL },
    { "refused", NULL },
};
static const struct schema sch_observable = SCHEMA("observable",
                                                   observable_keys);

static const struct schema_key choice_keys[] = {
    { "text", NULL }, { "text_zh", NULL }, { "when", NULL },
};
static const struct schema sch_choice = SCHEMA("choice", choice_keys);

static const char *const kind_names[] = {
    [CFG_Q_CHOICE] = "choice", [CFG_Q_NUMBER] = "number",
    [CFG_Q_VARIANT] = "variant",
};

static const char *const cmp_names[] = {
    [CFG_CMP_LT] = "<", [CFG_CMP_LE] = "<=", [CFG_CMP_EQ] = "==",
    [CFG_CMP_NE] = "!=", [CFG_CMP_GE] = ">=", [CFG_CMP_GT] = ">",
};

bool
cfg_cmp_holds(enum cfg_cmp cmp, double v, double bound)
{
    switch (cmp) {
    case CFG_CMP_LT: return v < bound;
    case CFG_CMP_LE: return v <= bound;
    case CFG_CMP_EQ: return v == bound;
    case CFG_CMP_NE: return v != bound;
    case CFG_CMP_GE: return v >= bound;
    case CFG_CMP_GT: return v > bound;
    }
    return false;
}

const char *
cfg_cmp_name(enum cfg_cmp cmp)
{
    return cmp_names[cmp];
}

/* A text that must be there and not be empty. */
static bool
text(struct ld *ld, const cJSON *o, const char *op, const char *key,
     char **out)
{
    if (!ld_str(ld, o, op, key, true, out)) {
        return false;
    }
    if (!**out) {
        char p[JP_LEN];
        jp_key(p, op, key);
        return vh_diag_fail(ld->diag, p, "the text is empty");
    }
    return true;
}

/* The names of variants[], read from the tree: the lesson is loaded
 * before variants[] is checked (ld_variants, which loads each variant
 * on trial, lesson included), so that a wrong lesson is reported as
 * itself and not as every variant that does not load.  Up to 'max'
 * into 'names', "base" first; returns how many. */
static size_t
variant_names(const struct ld *ld, const char **names, size_t max)
{
    size_t n = 0;
    names[n++] = "base";
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(ld->root,
                                                        "variants");
    if (!cJSON_IsArray(arr)) {
        return n;
    }
    const cJSON *v;
    cJSON_ArrayForEach(v, arr) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(v, "name");
        if (cJSON_IsString(name) && n < max) {
            names[n++] = name->valuestring;
        }
    }
    return n;
}

static bool
variant_ref(struct ld *ld, const char *path, const char *name)
{
    const char *names[64];
    size_t n = variant_names(ld, names, 64);
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(names[i], name)) {
            return true;
        }
    }
    const char *guess = vh_suggest(name, names, n);
    if (guess) {
        return vh_diag_fail(ld->diag, path, "no variant '%s'; did you mean "
                            "'%s'?", name, guess);
    }
    char list[512];
    vh_join(names, n, list, sizeof list);
    return vh_diag_fail(ld->diag, path, "no variant '%s' (the variants are "
                        "%s)", name, list);
}

/* A JSON pointer into the report: "/" then steps, '~' only as "~0" or
 * "~1".  The report's wall_s is the one figure that is not the same on
 * every run.  A flow step, the only array whose length the scenario
 * fixes, is checked against traffic[]. */
static bool
pointer(struct ld *ld, const char *path, const char *p)
{
    if (p[0] != '/') {
        return vh_diag_fail(ld->diag, path, "a JSON pointer into the report "
                            "starts with '/' (e.g. \"/flows/0/latency_ns/"
                            "p50\"), not '%s'", p);
    }
    for (const char *c = p; *c; c++) {
        if (*c == '~' && c[1] != '0' && c[1] != '1') {
            return vh_diag_fail(ld->diag, path, "'~' in a JSON pointer is "
                                "written ~0, and '/' inside a step ~1");
        }
    }
    if (!strcmp(p, "/wall_s")) {
        return vh_diag_fail(ld->diag, path, "wall_s is the host computer's "
                            "time, not the model's: it differs from run to "
                            "run");
    }
    if (strncmp(p, "/flows/", 7)) {
        return true;
    }
    const char *step = p + 7;
    size_t len = strcspn(step, "/");
    char *end;
    unsigned long idx = strtoul(step, &end, 10);
    if (len && end == step + len && step[0] != '-') {
        if (idx >= ld->sc->n_flows) {
            return vh_diag_fail(ld->diag, path, "flow %lu is past traffic[] "
                                "(%zu flows)", idx, ld->sc->n_flows);
        }
        return true;
    }
    for (size_t i = 0; i < ld->sc->n_flows; i++) {
        if (strlen(ld->sc->flows[i].name) == len
            && !strncmp(ld->sc->flows[i].name, step, len)) {
            return true;
        }
    }
    return vh_diag_fail(ld->diag, path, "no flow '%.*s' in traffic[]",
                        (int) len, step);
}

/* "> 0", "<=1.5": an operator and a number. */
static bool
when(struct ld *ld, const char *path, const char *s, struct cfg_choice *c)
{
    while (*s == ' ') {
        s++;
    }
    /* Longest operators first, so "<=" is not read as "<". */
    static const enum cfg_cmp order[] = {
        CFG_CMP_LE, CFG_CMP_GE, CFG_CMP_EQ, CFG_CMP_NE, CFG_CMP_LT,
        CFG_CMP_GT,
    };
    for (size_t i = 0; i < N_NAMES(order); i++) {
        size_t n = strlen(cmp_names[order[i]]);
        if (!strncmp(s, cmp_names[order[i]], n)) {
            char *end;
            double b = strtod(s + n, &end);
            while (*end == ' ') {
                end++;
            }
            if (end != s + n && !*end && isfinite(b)) {
                c->has_when = true;
                c->cmp = order[i];
                c->bound = b;
                return true;
            }
            break;
        }
    }
    return vh_diag_fail(ld->diag, path, "a condition is an operator (<, <=, "
                        "==, !=, >=, >) and a number, e.g. \"> 0\"; not "
                        "'%s'", s);
}

static bool
choices(struct ld *ld, const cJSON *q, const char *qp,
        struct cfg_question *cq)
{
    const cJSON *arr;
    char ap[JP_LEN];
    jp_key(ap, qp, "choices");
    if (!ld_array(ld, q, qp, "choices", &arr)) {
        return false;
    }
    if (!arr || cJSON_GetArraySize(arr) < 2) {
        return vh_diag_fail(ld->diag, arr ? ap : qp, "a choice question "
                            "needs 'choices', at least two");
    }
    cq->n_choices = (size_t) cJSON_GetArraySize(arr);
    cq->choices = ld_calloc(cq->n_choices, sizeof *cq->choices);
    size_t i = 0;
    for (const cJSON *c = arr->child; c; c = c->next, i++) {
        char cp[JP_LEN];
        jp_idx(cp, ap, i);
        struct cfg_choice *ch = &cq->choices[i];
        char *cond = NULL;
        if (!ld_is_object(ld, c, cp) || !ld_keys(ld, c, cp, &sch_choice)
            || !text(ld, c, cp, "text", &ch->text)
            || !text(ld, c, cp, "text_zh", &ch->text_zh)
            || !ld_str(ld, c, cp, "when", false, &cond)) {
            return false;
        }
        if (cond) {
            char wp[JP_LEN];
            jp_key(wp, cp, "when");
            bool ok = when(ld, wp, cond, ch);
            free(cond);
            if (!ok) {
                return false;
            }
        }
        for (size_t k = 0; k < i; k++) {
            if (!strcmp(cq->choices[k].text, ch->text)) {
                char tp[JP_LEN];
                jp_key(tp, cp, "text");
                return vh_diag_fail(ld->diag, tp, "the same text as "
                                    "choices[%zu]", k);
            }
        }
    }
    return true;
}

/* An observable that is a refusal: { "variant": NAME, "refused": true },
 * for a choice question.  The variant is tried at run time; nothing else
 * of the observable applies, since a refused variant has no report. */
static bool
refusal(struct ld *ld, const cJSON *o, const char *op,
        struct cfg_question *cq, const cJSON *refused)
{
    char p[JP_LEN];
    jp_key(p, op, "refused");
    if (!cJSON_IsTrue(refused)) {
        return vh_diag_fail(ld->diag, p, "'refused' is true or absent: the "
                            "figure is whether the variant is refused");
    }
    static const char *const others[] = {
        "pointer", "per", "per_variant", "variants", "pick",
    };
    for (size_t i = 0; i < N_NAMES(others); i++) {
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, others[i]);
        if (x && !cJSON_IsNull(x)) {
            jp_key(p, op, others[i]);
            return vh_diag_fail(ld->diag, p, "'%s' reads a run's report; a "
                                "'refused' observable has none", others[i]);
        }
    }
    if (cq->kind != CFG_Q_CHOICE) {
        return vh_diag_fail(ld->diag, p, "'refused' is for a question of "
                            "kind 'choice' (its figure is 1 when the "
                            "variant is refused, 0 when it runs)");
    }
    if (!ld_str(ld, o, op, "variant", false, &cq->of.variant)) {
        return false;
    }
    jp_key(p, op, "variant");
    if (!cq->of.variant || !strcmp(cq->of.variant, "base")) {
        return vh_diag_fail(ld->diag, cq->of.variant ? p : op, "'refused' "
                            "needs 'variant', one of variants[]: the lesson "
                            "itself must run");
    }
    cq->of.refused = true;
    return variant_ref(ld, p, cq->of.variant);
}

bool
cfg_lesson_expects_refusal(const struct cfg_lesson *l, const char *variant)
{
    for (size_t i = 0; l && i < l->n_questions; i++) {
        const struct cfg_figure *f = &l->questions[i].of;
        if (f->refused && !strcmp(f->variant, variant)) {
            return true;
        }
    }
    return false;
}

static bool
observable(struct ld *ld, const cJSON *q, const char *qp,
           struct cfg_question *cq)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(q, "observable");
    char op[JP_LEN], p[JP_LEN];
    jp_key(op, qp, "observable");
    if (!o || cJSON_IsNull(o)) {
        return vh_diag_fail(ld->diag, qp, "missing required key 'observable' "
                            "(what in the run decides the answer)");
    }
    if (!ld_is_object(ld, o, op) || !ld_keys(ld, o, op, &sch_observable)) {
        return false;
    }
    const cJSON *refused = cJSON_GetObjectItemCaseSensitive(o, "refused");
    if (refused && !cJSON_IsNull(refused)) {
        return refusal(ld, o, op, cq, refused);
    }
    if (!ld_str(ld, o, op, "pointer", true, &cq->of.pointer)
        || !ld_str(ld, o, op, "per", false, &cq->per.pointer)
        || !ld_str(ld, o, op, "variant", false, &cq->of.variant)
        || !ld_str(ld, o, op, "per_variant", false, &cq->per.variant)) {
        return false;
    }
    jp_key(p, op, "pointer");
    if (!pointer(ld, p, cq->of.pointer)) {
        return false;
    }
    jp_key(p, op, "per");
    if (cq->per.pointer && !pointer(ld, p, cq->per.pointer)) {
        return false;
    }
    if (cq->per.variant && !cq->per.pointer) {
        jp_key(p, op, "per_variant");
        return vh_diag_fail(ld->diag, p, "'per_variant' names where 'per' "
                            "is read; there is no 'per'");
    }

    const cJSON *vs = cJSON_GetObjectItemCaseSensitive(o, "variants");
    const cJSON *pick = cJSON_GetObjectItemCaseSensitive(o, "pick");
    if (cq->kind != CFG_Q_VARIANT) {
        const char *bad = vs && !cJSON_IsNull(vs) ? "variants"
                          : pick && !cJSON_IsNull(pick) ? "pick" : NULL;
        if (bad) {
            jp_key(p, op, bad);
            return vh_diag_fail(ld->diag, p, "'%s' is for a question of kind "
                                "'variant'", bad);
        }
        if (!cq->of.variant) {
            cq->of.variant = ld_strdup("base");
        }
        jp_key(p, op, "variant");
        if (!variant_ref(ld, p, cq->of.variant)) {
            return false;
        }
        if (cq->per.pointer && !cq->per.variant) {
            cq->per.variant = ld_strdup(cq->of.variant);
        }
        jp_key(p, op, "per_variant");
        return !cq->per.pointer || variant_ref(ld, p, cq->per.variant);
    }

    /* Kind 'variant': the same figure read in each candidate. */
    const char *bad = cq->of.variant ? "variant"
                      : cq->per.variant ? "per_variant" : NULL;
    if (bad) {
        jp_key(p, op, bad);
        return vh_diag_fail(ld->diag, p, "a question of kind 'variant' reads "
                            "its figure in each of 'variants'; '%s' is for "
                            "the other kinds", bad);
    }
    static const char *const picks[] = { "min", "max" };
    int which = -1;
    if (!ld_enum(ld, o, op, "pick", "pick", picks, N_NAMES(picks), &which)) {
        return false;
    }
    if (which < 0) {
        return vh_diag_fail(ld->diag, op, "missing required key 'pick' "
                            "(\"min\" or \"max\": which variant answers)");
    }
    cq->pick_max = which == 1;
    const cJSON *arr;
    if (!ld_array(ld, o, op, "variants", &arr)) {
        return false;
    }
    if (!arr) {
        /* All of them: the base and every variant. */
        const char *names[64];
        cq->n_variants = variant_names(ld, names, 64);
        cq->variants = ld_calloc(cq->n_variants, sizeof *cq->variants);
        for (size_t i = 0; i < cq->n_variants; i++) {
            cq->variants[i] = ld_strdup(names[i]);
        }
    } else {
        cq->n_variants = (size_t) cJSON_GetArraySize(arr);
        cq->variants = ld_calloc(cq->n_variants + 1, sizeof *cq->variants);
        size_t i = 0;
        jp_key(p, op, "variants");
        for (const cJSON *v = arr->child; v; v = v->next, i++) {
            char vp[JP_LEN];
            jp_idx(vp, p, i);
            if (!cJSON_IsString(v)) {
                return vh_diag_fail(ld->diag, vp, "a variant's name is a "
                                    "string, not %s", ld_type_name(v));
            }
            cq->variants[i] = ld_strdup(v->valuestring);
            if (!variant_ref(ld, vp, v->valuestring)) {
                return false;
            }
            for (size_t k = 0; k < i; k++) {
                if (!strcmp(cq->variants[k], v->valuestring)) {
                    return vh_diag_fail(ld->diag, vp, "'%s' is listed twice",
                                        v->valuestring);
                }
            }
        }
    }
    if (cq->n_variants < 2) {
        return vh_diag_fail(ld->diag, op, "a question of kind 'variant' "
                            "compares at least two runs; the scenario has "
                            "%zu", cq->n_variants);
    }
    return true;
}

/* The key, once the kind and its choices or variants are known. */
static bool
answer(struct ld *ld, const cJSON *q, const char *qp,
       struct cfg_question *cq)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(q, "answer");
    char p[JP_LEN];
    jp_key(p, qp, "answer");
    if (!a || cJSON_IsNull(a)) {
        return vh_diag_fail(ld->diag, qp, "missing required key 'answer' "
                            "(the key, which the run must agree with)");
    }
    const cJSON *tol = cJSON_GetObjectItemCaseSensitive(q, "tolerance");
    if (cq->kind != CFG_Q_NUMBER && tol && !cJSON_IsNull(tol)) {
        char tp[JP_LEN];
        jp_key(tp, qp, "tolerance");
        return vh_diag_fail(ld->diag, tp, "'tolerance' is for a question of "
                            "kind 'number'");
    }
    switch (cq->kind) {
    case CFG_Q_CHOICE:
        if (!cJSON_IsString(a)) {
            return vh_diag_fail(ld->diag, p, "the answer to a choice "
                                "question is the text of a choice, not %s",
                                ld_type_name(a));
        }
        for (size_t i = 0; i < cq->n_choices; i++) {
            if (!strcmp(cq->choices[i].text, a->valuestring)) {
                cq->answer_text = ld_strdup(a->valuestring);
                return true;
            }
        }
        return vh_diag_fail(ld->diag, p, "'%s' is not the text of one of "
                            "the choices", a->valuestring);
    case CFG_Q_VARIANT:
        if (!cJSON_IsString(a)) {
            return vh_diag_fail(ld->diag, p, "the answer to a variant "
                                "question is a variant's name, not %s",
                                ld_type_name(a));
        }
        for (size_t i = 0; i < cq->n_variants; i++) {
            if (!strcmp(cq->variants[i], a->valuestring)) {
                cq->answer_text = ld_strdup(a->valuestring);
                return true;
            }
        }
        return vh_diag_fail(ld->diag, p, "'%s' is not one of the variants "
                            "compared", a->valuestring);
    case CFG_Q_NUMBER:
        if (!cJSON_IsNumber(a) || !isfinite(a->valuedouble)) {
            return vh_diag_fail(ld->diag, p, "the answer to a number "
                                "question is a number, not %s",
                                ld_type_name(a));
        }
        cq->answer_num = a->valuedouble;
        /* Default: within a tenth of the run's value. */
        cq->tolerance = 0.1;
        cq->tol_relative = true;
        if (!tol || cJSON_IsNull(tol)) {
            return true;
        }
        jp_key(p, qp, "tolerance");
        if (cJSON_IsNumber(tol) && isfinite(tol->valuedouble)
            && tol->valuedouble >= 0) {
            cq->tolerance = tol->valuedouble;
            cq->tol_relative = false;
            return true;
        }
        if (cJSON_IsString(tol)) {
            char *end;
            double pc = strtod(tol->valuestring, &end);
            if (end != tol->valuestring && !strcmp(end, "%") && pc >= 0
                && pc <= 100) {
                cq->tolerance = pc / 100;
                return true;
            }
        }
        return vh_diag_fail(ld->diag, p, "a tolerance is a number in the "
                            "observable's unit (absolute) or a percentage "
                            "of it, e.g. \"10%%\"");
    }
    return false;
}

static bool
question(struct ld *ld, const cJSON *q, const char *qp,
         struct cfg_question *cq)
{
    int kind = -1;
    if (!ld_is_object(ld, q, qp) || !ld_keys(ld, q, qp, &sch_question)
        || !text(ld, q, qp, "id", &cq->id)
        || !text(ld, q, qp, "ask", &cq->ask)
        || !text(ld, q, qp, "ask_zh", &cq->ask_zh)
        || !text(ld, q, qp, "explain", &cq->explain)
        || !text(ld, q, qp, "explain_zh", &cq->explain_zh)
        || !ld_enum(ld, q, qp, "kind", "question kind", kind_names,
                    N_NAMES(kind_names), &kind)) {
        return false;
    }
    if (kind < 0) {
        return vh_diag_fail(ld->diag, qp, "missing required key 'kind' "
                            "(\"choice\", \"number\" or \"variant\")");
    }
    cq->kind = (enum cfg_question_kind) kind;
    const cJSON *ch = cJSON_GetObjectItemCaseSensitive(q, "choices");
    if (cq->kind != CFG_Q_CHOICE && ch && !cJSON_IsNull(ch)) {
        char p[JP_LEN];
        jp_key(p, qp, "choices");
        return vh_diag_fail(ld->diag, p, "'choices' is for a question of "
                            "kind 'choice'%s", cq->kind == CFG_Q_VARIANT
                            ? " (a variant question's choices are its "
                              "observable's variants)" : "");
    }
    return (cq->kind != CFG_Q_CHOICE || choices(ld, q, qp, cq))
           && observable(ld, q, qp, cq)
           && answer(ld, q, qp, cq);
}

bool
ld_lesson(struct ld *ld, const cJSON *root)
{
    struct cfg_scenario *sc = ld->sc;
    if (!ld_str(ld, root, "", "description_zh", false,
                &sc->description_zh)) {
        return false;
    }
    const cJSON *qs;
    if (!ld_array(ld, root, "", "questions", &qs)) {
        return false;
    }
    const char *only = !qs && cJSON_GetObjectItemCaseSensitive(root, "title")
                       ? "title" : NULL;
    if (!qs && !only && cJSON_GetObjectItemCaseSensitive(root, "title_zh")) {
        only = "title_zh";
    }
    if (only) {
        return vh_diag_fail(ld->diag, only, "a title is a lesson's; a lesson "
                            "has 'questions'");
    }
    if (!qs) {
        return true;
    }
    struct cfg_lesson *l = ld_calloc(1, sizeof *l);
    sc->lesson = l;
    /* What a student reads is there in both languages. */
    if (!text(ld, root, "", "title", &l->title)
        || !text(ld, root, "", "title_zh", &l->title_zh)) {
        return false;
    }
    if (!sc->description || !sc->description_zh) {
        return vh_diag_fail(ld->diag, "", "missing required key '%s': a "
                            "lesson says what to look at, in English "
                            "('description') and Chinese ('description_zh')",
                            sc->description ? "description_zh"
                                            : "description");
    }
    if (!cJSON_GetArraySize(qs)) {
        return vh_diag_fail(ld->diag, "questions", "a lesson asks at least "
                            "one question");
    }
    l->n_questions = (size_t) cJSON_GetArraySize(qs);
    l->questions = ld_calloc(l->n_questions, sizeof *l->questions);
    size_t i = 0;
    for (const cJSON *q = qs->child; q; q = q->next, i++) {
        char qp[JP_LEN];
        jp_idx(qp, "questions", i);
        struct cfg_question *cq = &l->questions[i];
        cq->jpath = ld_strdup(qp);
        if (!question(ld, q, qp, cq)) {
            return false;
        }
        for (size_t k = 0; k < i; k++) {
            if (!strcmp(l->questions[k].id, cq->id)) {
                char p[JP_LEN];
                jp_key(p, qp, "id");
                return vh_diag_fail(ld->diag, p, "duplicate id '%s' (also "
                                    "questions[%zu])", cq->id, k);
            }
        }
    }
    return true;
}

static void
free_strv(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i]);
    }
    free(v);
}

void
cfg_lesson_free(struct cfg_lesson *l)
{
    if (!l) {
        return;
    }
    for (size_t i = 0; l->questions && i < l->n_questions; i++) {
        struct cfg_question *q = &l->questions[i];
        free(q->id);
        free(q->jpath);
        free(q->ask);
        free(q->ask_zh);
        free(q->explain);
        free(q->explain_zh);
        free(q->of.variant);
        free(q->of.pointer);
        free(q->per.variant);
        free(q->per.pointer);
        free_strv(q->variants, q->n_variants);
        for (size_t k = 0; q->choices && k < q->n_choices; k++) {
            free(q->choices[k].text);
            free(q->choices[k].text_zh);
        }
        free(q->choices);
        free(q->answer_text);
    }
    free(l->questions);
    free(l->title);
    free(l->title_zh);
    free(l);
}
