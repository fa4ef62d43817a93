/* models/core/lesson.h: a scenario that is also a lesson.
 *
 * A lesson is an ordinary scenario with a few more top-level keys: a
 * "title" and the Chinese of its texts ("title_zh", "description_zh"),
 * and "questions" a student answers from the run.  Each question names
 * the observable that decides it: a number in the run's JSON report,
 * found by a JSON pointer, in the base scenario or one of its variants.
 * The key the teacher wrote ("answer") is checked against what the run
 * shows, so a change of the models that breaks a lesson is seen
 * ('vhsim lab --key', and the lab suite).
 *
 * The loader (loader/scenario_lesson.c) reads and checks these keys into
 * the structs below; 'vhsim lab' (cli/cmd_lab.c) runs and grades them. */
#ifndef VH_MODELS_LESSON_H
#define VH_MODELS_LESSON_H 1

#include <stdbool.h>
#include <stddef.h>

/* What a student answers. */
enum cfg_question_kind {
    CFG_Q_CHOICE,               /* One of 'choices'; the run picks it. */
    CFG_Q_NUMBER,               /* A number, within 'tolerance'. */
    CFG_Q_VARIANT,              /* Which variant has the least or most. */
};

/* A number of one run's report: 'pointer' (RFC 6901, where an array step
 * may also be an element's "name" or "path") in the report of 'variant'
 * ("base": the scenario as written).  Or, when 'refused', whether vhsim
 * refuses to run 'variant' at all (1) or runs it (0), 'pointer' NULL: the
 * point of some lessons is what cannot be done (a VF's migration, a
 * ninth VF on a NIC that has eight), and the refusal's message is the
 * figure that decides. */
struct cfg_figure {
    char *variant;
    char *pointer;
    bool refused;
};

/* A comparison of the observable with a bound, as written ("> 0"). */
enum cfg_cmp {
    CFG_CMP_LT, CFG_CMP_LE, CFG_CMP_EQ, CFG_CMP_NE, CFG_CMP_GE, CFG_CMP_GT,
};

/* One choice of a CFG_Q_CHOICE question.  The run's answer is the first
 * choice whose condition holds for the observable; a choice without one
 * ("otherwise") always holds. */
struct cfg_choice {
    char *text;
    char *text_zh;
    bool has_when;
    enum cfg_cmp cmp;
    double bound;
};

struct cfg_question {
    char *id;                   /* Unique in the lesson. */
    char *jpath;                /* "questions[2]", for messages. */
    enum cfg_question_kind kind;
    char *ask, *ask_zh;
    char *explain, *explain_zh; /* Shown with the verdict. */

    /* The observable: 'of', divided by 'per' when per.pointer is not
     * NULL.  For CFG_Q_VARIANT, 'of.pointer' (and 'per.pointer') is read
     * in each of 'variants' and 'pick_max' says whether the answer is
     * the largest or the smallest. */
    struct cfg_figure of;
    struct cfg_figure per;
    char **variants;
    size_t n_variants;
    bool pick_max;

    struct cfg_choice *choices; /* CFG_Q_CHOICE. */
    size_t n_choices;

    /* The key: a choice's text or a variant's name ('answer_text'), or
     * a number with its tolerance (absolute, or a fraction of the run's
     * value when 'tol_relative'). */
    char *answer_text;
    double answer_num;
    double tolerance;
    bool tol_relative;
};

struct cfg_lesson {
    char *title, *title_zh;
    struct cfg_question *questions;
    size_t n_questions;
};

/* Whether 'cmp' holds between 'v' and 'bound'. */
bool cfg_cmp_holds(enum cfg_cmp cmp, double v, double bound);

/* The operator's text ("<=") for messages. */
const char *cfg_cmp_name(enum cfg_cmp cmp);

/* Whether a question of 'l' observes that variant 'variant' is refused,
 * so that the loader's trial of the variants lets it fail to load. */
bool cfg_lesson_expects_refusal(const struct cfg_lesson *l,
                                const char *variant);

void cfg_lesson_free(struct cfg_lesson *);

#endif /* models/core/lesson.h */
