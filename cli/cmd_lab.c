/* cli/cmd_lab.c: 'vhsim lab': runs a lesson, asks its questions, grades
 * the answers against what the run shows.
 *
 * A lesson is a scenario with questions (models/core/lesson.h).  The run
 * decides every answer; the key written in the lesson is only checked
 * against it, so a lesson whose key the models no longer agree with is
 * said to be broken (exit 1) rather than graded wrongly.  Texts come in
 * the language of vh_lang_get(): the command's own through vh_tr()
 * (sim/lang/lab.def), the lesson's from its "_zh" keys.
 *
 * Lessons are found by file name, or by name or number in the lesson
 * directories: scenarios/lessons under the working directory and beside
 * the program, and the share directory 'make install' fills. */
#include "cli/cli.h"
#include "cli/lab.h"
#include "cli/opts.h"

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "models/core/config.h"
#include "models/core/lesson.h"
#include "sim/diag.h"
#include "sim/lang.h"
#include "sim/xmalloc.h"

static const char lab_usage[] =
    "usage: vhsim lab [options] LESSON\n"
    "       vhsim lab --list\n"
    "\n"
    "Runs a lesson (a scenario with questions), shows what to look at,\n"
    "asks its questions and says which answers are right, citing the\n"
    "figure of the run's report that decides each.  Answers are read from\n"
    "the terminal (standard input), one per question: a choice's number or\n"
    "text, a variant's number or name, or a number.  LESSON is a file, or\n"
    "a lesson's name or number ('03', 'posted-interrupts') in\n"
    "scenarios/lessons or the installed lessons.\n"
    "\n"
    "  -a, --answers FILE  read the answers from FILE: one per line (blank\n"
    "                      lines and lines starting with '#' skipped), or\n"
    "                      JSON, an array in question order or an object\n"
    "                      by question id\n"
    "  -k, --key           print the answer key with the figures that\n"
    "                      decide it, checked against the run (for the\n"
    "                      teacher); ask nothing\n"
    "  -l, --list          list the lessons: name and title\n"
    "      --lang zh|en    the language of the lesson and its questions\n"
    "                      (default: the locale's)\n"
    "  -h, --help          print this\n"
    "\n"
    "Exit status: 0 every answer right (with --key: the key agrees with\n"
    "the run), 1 not all right (or the key disagrees with the run), 2 bad\n"
    "input (a lesson or answers file that does not load).\n";

struct lab_opts {
    const char *lesson;
    const char *answers;
    bool key;
};

static int
on_opt(void *ctx, int key, const char *val)
{
    struct lab_opts *o = ctx;
    switch (key) {
    case 'a':
        o->answers = val;
        return 0;
    case 'k':
        o->key = true;
        return 0;
    case 'l':
        return cli_error(VH_EXIT_USAGE, "--list takes no lesson and no "
                         "other option");
    }
    return 0;
}

#define N_ELEMS(A) (sizeof (A) / sizeof *(A))

static bool
zh(void)
{
    return vh_lang_get() == VH_LANG_ZH;
}

/* ---- Where lessons are. ---- */

#define LAB_MAX_DIRS 3

/* The lesson directories that exist, each once: scenarios/lessons here,
 * beside the program (a build tree), and PREFIX/share/vhsim/lessons for
 * a program installed in PREFIX/bin. */
static size_t
lesson_dirs(char dirs[LAB_MAX_DIRS][PATH_MAX])
{
    char cand[LAB_MAX_DIRS][PATH_MAX];
    size_t nc = 0, n = 0;
    snprintf(cand[nc++], PATH_MAX, "scenarios/lessons");
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(cand[nc++], PATH_MAX, "%.*s/scenarios/lessons",
                     PATH_MAX - 32, exe);
            snprintf(cand[nc++], PATH_MAX, "%.*s/../share/vhsim/lessons",
                     PATH_MAX - 32, exe);
        }
    }
    for (size_t i = 0; i < nc; i++) {
        char real[PATH_MAX];
        if (!realpath(cand[i], real)) {
            continue;
        }
        bool seen = false;
        for (size_t k = 0; k < n && !seen; k++) {
            seen = !strcmp(dirs[k], real);
        }
        if (!seen) {
            snprintf(dirs[n++], PATH_MAX, "%s", real);
        }
    }
    return n;
}

static int
by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The lesson files of 'dir' ("NN-topic.json"), sorted; '*n' of them. */
static char **
dir_lessons(const char *dir, size_t *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) {
        return NULL;
    }
    char **names = NULL;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len > 5 && !strcmp(e->d_name + len - 5, ".json")
            && e->d_name[0] != '.') {
            names = vh_xrealloc(names, (*n + 1) * sizeof *names);
            names[*n] = vh_xstrdup(e->d_name);
            names[(*n)++][len - 5] = '\0';
        }
    }
    closedir(d);
    if (*n) {
        qsort(names, *n, sizeof *names, by_name);
    }
    return names;
}

static void
free_names(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i]);
    }
    free(v);
}

/* Whether lesson file name 'name' ("03-posted-interrupts") is what 'want'
 * asks for: the whole name, its topic, or its number ("3", "03"). */
static bool
lesson_matches(const char *name, const char *want)
{
    if (!strcmp(name, want)) {
        return true;
    }
    const char *dash = strchr(name, '-');
    if (!dash) {
        return false;
    }
    if (!strcmp(dash + 1, want)) {
        return true;
    }
    size_t digits = strspn(want, "0123456789");
    return digits && !want[digits] && strspn(name, "0123456789")
           && atoi(name) == atoi(want);
}

/* The file of lesson 'want', or NULL after saying that there is none.
 * A name with '/' or ending in ".json" (or "-") is a file as it is. */
static char *
find_lesson(const char *want)
{
    size_t wl = strlen(want);
    if (strchr(want, '/') || (wl > 5 && !strcmp(want + wl - 5, ".json"))
        || cli_is_stdio(want) || !access(want, F_OK)) {
        return vh_xstrdup(want);
    }
    char dirs[LAB_MAX_DIRS][PATH_MAX];
    size_t nd = lesson_dirs(dirs);
    const char *all[256];
    size_t n_all = 0;
    char *found = NULL;
    char **keep[LAB_MAX_DIRS];
    size_t nkeep[LAB_MAX_DIRS];
    for (size_t d = 0; d < nd; d++) {
        keep[d] = dir_lessons(dirs[d], &nkeep[d]);
        for (size_t i = 0; i < nkeep[d]; i++) {
            if (!found && lesson_matches(keep[d][i], want)) {
                size_t len = strlen(dirs[d]) + strlen(keep[d][i]) + 7;
                found = vh_xcalloc(1, len);
                snprintf(found, len, "%s/%s.json", dirs[d], keep[d][i]);
            }
            if (n_all < 256) {
                all[n_all++] = keep[d][i];
            }
        }
    }
    if (!found) {
        const char *s = vh_suggest(want, all, n_all);
        if (s) {
            cli_error(VH_EXIT_USAGE, "no lesson '%s'; did you mean '%s'? "
                      "(see 'vhsim lab --list')", want, s);
        } else {
            cli_error(VH_EXIT_USAGE, "no lesson '%s' (see 'vhsim lab "
                      "--list')", want);
        }
    }
    for (size_t d = 0; d < nd; d++) {
        free_names(keep[d], nkeep[d]);
    }
    return found;
}

/* 'vhsim lab --list': each directory's lessons, name and title. */
static int
list_lessons(void)
{
    char dirs[LAB_MAX_DIRS][PATH_MAX];
    size_t nd = lesson_dirs(dirs);
    int rc = VH_EXIT_OK;
    size_t shown = 0;
    for (size_t d = 0; d < nd; d++) {
        size_t n;
        char **names = dir_lessons(dirs[d], &n);
        if (n) {
            printf("%s%s:\n", shown ? "\n" : "", dirs[d]);
        }
        for (size_t i = 0; i < n; i++) {
            char file[PATH_MAX + 300];
            snprintf(file, sizeof file, "%s/%s.json", dirs[d], names[i]);
            struct vh_diag diag;
            struct cfg_scenario *cfg = cfg_load(file, NULL, &diag);
            if (!cfg || !cfg->lesson) {
                rc = cli_error(VH_EXIT_USAGE, "%s: %s", file, cfg
                               ? "not a lesson: it has no 'questions'"
                               : diag.msg);
                cfg_free(cfg);
                continue;
            }
            char pad[256];
            printf("  %s  %s\n",
                   vh_pad(pad, sizeof pad, names[i], 28, 0),
                   zh() ? cfg->lesson->title_zh : cfg->lesson->title);
            shown++;
            cfg_free(cfg);
        }
        free_names(names, n);
    }
    if (!shown && rc == VH_EXIT_OK) {
        /* Looked in scenarios/lessons, here and beside the program, and
         * in the installed lessons. */
        printf("%s\n", vh_tr("No lessons found."));
    }
    return rc;
}

/* ---- Answers. ---- */

/* The answers given, one per question (NULL: none). */
struct answers {
    char **text;
    size_t n;
};

static void
free_answers(struct answers *a)
{
    free_names(a->text, a->n);
}

static char *
trim(char *s)
{
    while (isspace((unsigned char) *s)) {
        s++;
    }
    size_t n = strlen(s);
    while (n && isspace((unsigned char) s[n - 1])) {
        s[--n] = '\0';
    }
    return s;
}

/* A JSON answer (string, number or true/false) as text, or NULL. */
static char *
json_answer(const cJSON *v)
{
    if (cJSON_IsString(v)) {
        return vh_xstrdup(v->valuestring);
    }
    if (cJSON_IsNumber(v)) {
        char buf[64];
        snprintf(buf, sizeof buf, "%.17g", v->valuedouble);
        return vh_xstrdup(buf);
    }
    return NULL;
}

/* Reads --answers 'file' for 'l' into 'a'.  Returns 0, or VH_EXIT_USAGE
 * after saying what is wrong. */
static int
read_answers(const char *file, const struct cfg_lesson *l, struct answers *a)
{
    struct vh_diag diag;
    vh_diag_init(&diag);
    size_t len;
    char *text = cli_is_stdio(file) ? cfg_read_text(stdin, "standard input",
                                                    &len, &diag)
                                    : cfg_read_file(file, &len, &diag);
    if (!text) {
        return cli_error(VH_EXIT_USAGE, "--answers: %s", diag.msg);
    }
    a->n = l->n_questions;
    a->text = vh_xcalloc(a->n, sizeof *a->text);
    const char *name = cli_input_name(file);
    char *s = trim(text);
    int rc = 0;
    if (*s == '[' || *s == '{') {
        cJSON *root = cJSON_Parse(s);
        const cJSON *v;
        size_t i = 0;
        if (!root) {
            rc = cli_error(VH_EXIT_USAGE, "%s: invalid JSON", name);
        } else if (cJSON_IsArray(root)) {
            cJSON_ArrayForEach(v, root) {
                if (i == a->n) {
                    rc = cli_error(VH_EXIT_USAGE, "%s: [%zu]: more answers "
                                   "than the lesson's %zu questions", name,
                                   i, a->n);
                    break;
                }
                if (!(a->text[i] = json_answer(v))) {
                    rc = cli_error(VH_EXIT_USAGE, "%s: [%zu]: an answer is "
                                   "a string or a number", name, i);
                    break;
                }
                i++;
            }
        } else {
            cJSON_ArrayForEach(v, root) {
                for (i = 0; i < a->n && strcmp(l->questions[i].id,
                                               v->string); i++) {
                }
                if (i == a->n) {
                    rc = cli_error(VH_EXIT_USAGE, "%s: %s: the lesson has "
                                   "no question with that id", name,
                                   v->string);
                    break;
                }
                free(a->text[i]);
                if (!(a->text[i] = json_answer(v))) {
                    rc = cli_error(VH_EXIT_USAGE, "%s: %s: an answer is a "
                                   "string or a number", name, v->string);
                    break;
                }
            }
        }
        cJSON_Delete(root);
    } else {
        size_t i = 0, line = 0;
        for (char *save = NULL, *ln = strtok_r(s, "\n", &save); ln;
             ln = strtok_r(NULL, "\n", &save)) {
            line++;
            char *t = trim(ln);
            if (!*t || *t == '#') {
                continue;
            }
            if (i == a->n) {
                rc = cli_error(VH_EXIT_USAGE, "%s: line %zu: more answers "
                               "than the lesson's %zu questions", name, line,
                               a->n);
                break;
            }
            a->text[i++] = vh_xstrdup(t);
        }
    }
    free(text);
    return rc;
}

/* One answer from the terminal; NULL at the end of input. */
static char *
ask_line(void)
{
    char buf[512];
    fflush(stdout);
    if (!fgets(buf, sizeof buf, stdin)) {
        return NULL;
    }
    return vh_xstrdup(trim(buf));
}

/* ---- Grading. ---- */

/* What the run says for one question. */
struct verdict {
    size_t index;               /* Choice or variant picked by the run. */
    bool *ties;                 /* Variants at the extreme (kind variant). */
    double value;               /* The observable (choice, number). */
    char shown[1024];           /* The figure(s) that decide it. */
};

/* The run's answer to 'q' into 'v'.  Returns 0 or an exit status after
 * saying what is wrong. */
static int
decide(struct lab_runs *runs, const char *file, const struct cfg_question *q,
       struct verdict *v)
{
    char why[700], shown[600];
    memset(v, 0, sizeof *v);
    if (q->kind == CFG_Q_VARIANT) {
        double *vals = vh_xcalloc(q->n_variants, sizeof *vals);
        size_t len = 0;
        for (size_t i = 0; i < q->n_variants; i++) {
            int rc = lab_value(runs, q, q->variants[i], &vals[i], shown,
                               sizeof shown, why, sizeof why);
            if (rc) {
                free(vals);
                return *why ? cli_error(rc, "%s: %s", file, why) : rc;
            }
            len += (size_t) snprintf(v->shown + len, len < sizeof v->shown
                                     ? sizeof v->shown - len : 0,
                                     "%s%s: %s", i ? "\n" : "",
                                     q->variants[i], shown);
            if (len >= sizeof v->shown) {
                len = sizeof v->shown - 1;
            }
            if (q->pick_max ? vals[i] > vals[v->index]
                            : vals[i] < vals[v->index]) {
                v->index = i;
            }
        }
        v->ties = vh_xcalloc(q->n_variants, sizeof *v->ties);
        for (size_t i = 0; i < q->n_variants; i++) {
            v->ties[i] = vals[i] == vals[v->index];
        }
        free(vals);
        return 0;
    }
    int rc = lab_value(runs, q, NULL, &v->value, shown, sizeof shown, why,
                       sizeof why);
    if (rc) {
        return *why ? cli_error(rc, "%s: %s", file, why) : rc;
    }
    if (strcmp(q->of.variant, "base")
        && !(q->per.pointer && strcmp(q->per.variant, q->of.variant))) {
        snprintf(v->shown, sizeof v->shown, "%s: %s", q->of.variant, shown);
    } else {
        snprintf(v->shown, sizeof v->shown, "%s", shown);
    }
    if (q->kind == CFG_Q_CHOICE) {
        for (v->index = 0; v->index < q->n_choices; v->index++) {
            const struct cfg_choice *c = &q->choices[v->index];
            if (!c->has_when || cfg_cmp_holds(c->cmp, v->value, c->bound)) {
                return 0;
            }
        }
        char n[40];
        lab_format_number(v->value, n, sizeof n);
        return cli_error(VH_EXIT_USAGE, "%s: %s.choices: no choice's 'when' "
                         "holds for %s (add one without 'when' for "
                         "everything else)", file, q->jpath, n);
    }
    return 0;
}

static bool
within(const struct cfg_question *q, double given, double run)
{
    double tol = q->tol_relative ? q->tolerance * fabs(run) : q->tolerance;
    return fabs(given - run) <= tol + 1e-9 * fabs(run);
}

/* Whether the lesson's key agrees with verdict 'v'. */
static bool
key_agrees(const struct cfg_question *q, const struct verdict *v)
{
    switch (q->kind) {
    case CFG_Q_CHOICE:
        return !strcmp(q->answer_text, q->choices[v->index].text);
    case CFG_Q_VARIANT: {
        /* The key is at the extreme, and the figure tells the runs
         * apart: were they all equal, any key would agree. */
        bool at_extreme = false, all_tie = true;
        for (size_t i = 0; i < q->n_variants; i++) {
            at_extreme |= v->ties[i] && !strcmp(q->answer_text,
                                                q->variants[i]);
            all_tie &= v->ties[i];
        }
        return at_extreme && !all_tie;
    }
    case CFG_Q_NUMBER:
        return within(q, q->answer_num, v->value);
    }
    return false;
}

/* The run's answer, as the student would read it. */
static void
run_answer(const struct cfg_question *q, const struct verdict *v, char *buf,
           size_t len)
{
    switch (q->kind) {
    case CFG_Q_CHOICE:
        snprintf(buf, len, "%s", zh() ? q->choices[v->index].text_zh
                                      : q->choices[v->index].text);
        return;
    case CFG_Q_VARIANT:
        snprintf(buf, len, "%s", q->variants[v->index]);
        return;
    case CFG_Q_NUMBER: {
        char n[40];
        lab_format_number(v->value, n, sizeof n);
        if (q->tolerance == 0) {
            snprintf(buf, len, "%s", n);
        } else if (q->tol_relative) {
            snprintf(buf, len, vh_tr("%s (within %g%%)"), n,
                     q->tolerance * 100);
        } else {
            char t[40];
            lab_format_number(q->tolerance, t, sizeof t);
            snprintf(buf, len, vh_tr("%s (within %s)"), n, t);
        }
        return;
    }
    }
}

/* Whether 'text' names entry 'i' of a list shown numbered from 1. */
static bool
names_entry(const char *text, size_t i, const char *en, const char *other)
{
    /* The entry's own name first: a variant may be named by a number
     * ("82599"), which is then not read as a position. */
    if (!strcasecmp(text, en) || (other && !strcmp(text, other))) {
        return true;
    }
    char *end;
    unsigned long n = strtoul(text, &end, 10);
    if (end != text && !*end) {
        return n == i + 1;
    }
    return !strcasecmp(text, en) || (other && !strcmp(text, other));
}

/* Whether answer 'given' is right. */
static bool
is_right(const struct cfg_question *q, const struct verdict *v,
         const char *given)
{
    if (!given || !*given) {
        return false;
    }
    switch (q->kind) {
    case CFG_Q_CHOICE:
        return names_entry(given, v->index, q->choices[v->index].text,
                           q->choices[v->index].text_zh);
    case CFG_Q_VARIANT:
        for (size_t i = 0; i < q->n_variants; i++) {
            if (v->ties[i] && names_entry(given, i, q->variants[i], NULL)) {
                return true;
            }
        }
        return false;
    case CFG_Q_NUMBER: {
        char *end;
        double x = strtod(given, &end);
        return end != given && !*trim(end) && isfinite(x)
               && within(q, x, v->value);
    }
    }
    return false;
}

/* Bytes of the UTF-8 character 'p' starts with: its lead byte and the
 * continuation bytes after it, never past the string's end (a lesson's
 * text is not checked to be valid UTF-8). */
static size_t
utf8_len(const char *p)
{
    size_t n = 1;
    while (p[n] && ((unsigned char) p[n] & 0xc0) == 0x80 && n < 4) {
        n++;
    }
    return n;
}

/* Chinese punctuation that may not start a line, and that may not end
 * one: a line is never broken before the first or after the second. */
static const char *const zh_closing[] = {
    "，", "。", "、", "）", "：", "；", "！", "？", "」", "”",
};
static const char *const zh_opening[] = { "（", "「", "“" };

/* The length of the string of 'set' that 'p' starts with, or 0. */
static size_t
starts_with_any(const char *p, const char *const *set, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(set[i]);
        if (!strncmp(p, set[i], len)) {
            return len;
        }
    }
    return 0;
}

/* The end of the token that starts at 'p': a run of narrow characters
 * up to a space, or one wide character; with any closing punctuation
 * after it, and the token after an opening one. */
static const char *
token_end(const char *p)
{
    size_t open = starts_with_any(p, zh_opening, N_ELEMS(zh_opening));
    const char *end = p + (open ? open : utf8_len(p));
    char one[8];
    snprintf(one, sizeof one, "%.*s", (int) (end - p), p);
    if (open) {
        if (*end && *end != ' ' && *end != '\n') {
            end = token_end(end);
        }
    } else if (vh_text_width(one) < 2) {
        while (*end && *end != ' ' && *end != '\n'
               && !starts_with_any(end, zh_opening, N_ELEMS(zh_opening))) {
            size_t n = utf8_len(end);
            snprintf(one, sizeof one, "%.*s", (int) n, end);
            if (vh_text_width(one) > 1) {
                break;
            }
            end += n;
        }
    }
    size_t close;
    while ((close = starts_with_any(end, zh_closing, N_ELEMS(zh_closing)))) {
        end += close;
    }
    return end;
}

/* Prints 'text' wrapped at LAB_WIDTH columns, each line after 'indent'.
 * English breaks at spaces; Chinese, which has none, between any two
 * characters but around its punctuation. */
#define LAB_WIDTH 78
static void
print_wrapped(const char *text, const char *indent)
{
    size_t col = 0, room = LAB_WIDTH - strlen(indent);
    const char *p = text;
    bool space = false;
    while (*p) {
        if (*p == '\n') {
            printf("\n");
            col = 0;
            space = false;
            p++;
            continue;
        }
        if (*p == ' ') {
            space = col > 0;
            p++;
            continue;
        }
        const char *end = token_end(p);
        char *tok = vh_xcalloc(1, (size_t) (end - p) + 1);
        memcpy(tok, p, (size_t) (end - p));
        size_t w = vh_text_width(tok);
        if (col && col + space + w > room) {
            printf("\n");
            col = 0;
            space = false;
        }
        printf("%s%s%s", col ? "" : indent, space ? " " : "", tok);
        free(tok);
        col += space + w;
        space = false;
        p = end;
    }
    if (col) {
        printf("\n");
    }
}

/* Prints 'text' line by line after 'indent', unwrapped (figures). */
static void
print_indented(const char *text, const char *indent)
{
    const char *p = text;
    while (*p) {
        size_t n = strcspn(p, "\n");
        printf("%s%.*s\n", indent, (int) n, p);
        p += n + (p[n] == '\n');
    }
}

static void
print_question(const struct cfg_question *q, size_t i, size_t n)
{
    printf("\n");
    const char *ask = zh() ? q->ask_zh : q->ask;
    size_t len = strlen(ask) + 128;
    char *line = vh_xcalloc(1, len);
    snprintf(line, len, vh_tr("Question %zu of %zu: %s"), i + 1, n, ask);
    print_wrapped(line, "");
    free(line);
    if (q->kind == CFG_Q_CHOICE) {
        for (size_t k = 0; k < q->n_choices; k++) {
            printf("  %zu) %s\n", k + 1, zh() ? q->choices[k].text_zh
                                              : q->choices[k].text);
        }
    } else if (q->kind == CFG_Q_VARIANT) {
        for (size_t k = 0; k < q->n_variants; k++) {
            printf("  %zu) %s\n", k + 1, q->variants[k]);
        }
    }
}

static void
print_figures(const struct cfg_question *q, const struct verdict *v)
{
    printf("  %s\n", vh_tr("The figure that decides it:"));
    print_indented(v->shown, "    ");
    if (q->kind == CFG_Q_VARIANT) {
        printf("    ");
        printf(q->pick_max ? vh_tr("most: %s") : vh_tr("least: %s"),
               q->variants[v->index]);
        printf("\n");
    }
    print_wrapped(zh() ? q->explain_zh : q->explain, "  ");
}

/* ---- The command. ---- */

static int
run_lab(const char *file, const struct lab_opts *o)
{
    struct cfg_scenario *cfg;
    struct vh_diag diag;
    vh_diag_init(&diag);
    cfg = cli_cfg_load(file, NULL, &diag);
    if (!cfg) {
        return cli_error(VH_EXIT_USAGE, "%s: %s", cli_input_name(file),
                         diag.msg);
    }
    const struct cfg_lesson *l = cfg->lesson;
    if (!l) {
        cfg_free(cfg);
        return cli_error(VH_EXIT_USAGE, "%s: not a lesson: it has no "
                         "'questions' (docs/lessons.md)",
                         cli_input_name(file));
    }
    struct answers ans = { NULL, 0 };
    if (o->answers && !o->key) {
        int rc = read_answers(o->answers, l, &ans);
        if (rc) {
            free_answers(&ans);
            cfg_free(cfg);
            return rc;
        }
    }

    /* Every question decided before any is asked: a lesson that cannot
     * be graded says so before the student answers anything. */
    struct lab_runs *runs = lab_runs_new(file);
    struct verdict *v = vh_xcalloc(l->n_questions, sizeof *v);
    int rc = VH_EXIT_OK;
    for (size_t i = 0; i < l->n_questions && !rc; i++) {
        rc = decide(runs, cli_input_name(file), &l->questions[i], &v[i]);
    }
    bool key_ok = true;
    for (size_t i = 0; i < l->n_questions && !rc; i++) {
        const struct cfg_question *q = &l->questions[i];
        if (!key_agrees(q, &v[i])) {
            char got[128], key[128];
            run_answer(q, &v[i], got, sizeof got);
            if (q->kind == CFG_Q_NUMBER) {
                lab_format_number(q->answer_num, key, sizeof key);
            } else {
                snprintf(key, sizeof key, "%s", q->answer_text);
            }
            cli_error(VH_EXIT_FAIL, "%s: %s.answer: the key says '%s' but "
                      "the run shows '%s'", cli_input_name(file), q->jpath,
                      key, got);
            key_ok = false;
        }
    }

    size_t right = 0;
    if (!rc) {
        printf(vh_tr("Lesson: %s"), zh() ? l->title_zh : l->title);
        printf("\n\n");
        print_wrapped(zh() ? cfg->description_zh : cfg->description, "");
    }
    for (size_t i = 0; i < l->n_questions && !rc; i++) {
        const struct cfg_question *q = &l->questions[i];
        char got[256];
        run_answer(q, &v[i], got, sizeof got);
        print_question(q, i, l->n_questions);
        if (o->key) {
            printf("  ");
            printf(vh_tr("Answer: %s"), got);
            printf("\n");
            print_figures(q, &v[i]);
            continue;
        }
        char *given = NULL;
        printf("%s", vh_tr("Your answer: "));
        if (o->answers) {
            given = ans.text[i] ? vh_xstrdup(ans.text[i]) : NULL;
            printf("%s\n", given ? given : "");
        } else {
            given = ask_line();
            /* A terminal echoes what is typed; a pipe does not. */
            if (!given || !isatty(STDIN_FILENO)) {
                printf("%s\n", given ? given : "");
            }
        }
        if (is_right(q, &v[i], given)) {
            right++;
            printf("  %s\n", vh_tr("Right."));
        } else {
            printf("  ");
            printf(given && *given ? vh_tr("Wrong: the answer is %s.")
                                   : vh_tr("No answer: the answer is %s."),
                   got);
            printf("\n");
        }
        free(given);
        print_figures(q, &v[i]);
    }
    if (!rc && !o->key) {
        printf("\n");
        printf(vh_tr("Score: %zu of %zu right"), right, l->n_questions);
        printf("\n");
    }
    if (!rc && (!key_ok || (!o->key && right < l->n_questions))) {
        rc = VH_EXIT_FAIL;
    }
    for (size_t i = 0; i < l->n_questions; i++) {
        free(v[i].ties);
    }
    free(v);
    lab_runs_free(runs);
    free_answers(&ans);
    cfg_free(cfg);
    return rc;
}

int
cmd_lab(int argc, char **argv)
{
    /* --list stands alone; the table knows it only to refuse it beside a
     * lesson or another option. */
    if (argc == 2 && (!strcmp(argv[1], "--list") || !strcmp(argv[1], "-l"))) {
        return list_lessons();
    }
    static const struct cli_opt opts[] = {
        { "answers", 'a', true }, { "key", 'k', false },
        { "list", 'l', false },
    };
    struct lab_opts o = { 0 };
    int rc = cli_parse_opts(argc, argv, lab_usage, opts,
                            sizeof opts / sizeof *opts, on_opt, &o,
                            &o.lesson);
    if (rc) {
        return rc < 0 ? VH_EXIT_OK : rc;
    }
    if (o.key && o.answers) {
        return cli_error(VH_EXIT_USAGE, "--key asks nothing, so it reads no "
                         "--answers");
    }
    if (cli_is_stdio(o.lesson) && (!o.answers || cli_is_stdio(o.answers))
        && !o.key) {
        return cli_error(VH_EXIT_USAGE, "the lesson and the answers cannot "
                         "both come from standard input: give --answers "
                         "FILE");
    }
    char *file = find_lesson(o.lesson);
    if (!file) {
        return VH_EXIT_USAGE;
    }
    rc = run_lab(file, &o);
    free(file);
    return rc;
}
