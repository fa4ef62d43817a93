/* tests/test_lab.c: lessons and 'vhsim lab'.
 *
 * Every lesson of scenarios/lessons loads, runs, and its answer key is
 * what the run shows, so a change of the models that breaks a lesson
 * fails here.  Answers are graded (right, wrong, by number, text,
 * Chinese text, JSON), a lesson that is wrong is refused at its JSON
 * path with status 2, and the texts a student reads exist in Chinese.
 *
 * 'vhsim lab' runs in this process, its output caught in a file, so that
 * the sanitizers see it and the language can be switched. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "models/core/config.h"
#include "models/core/lesson.h"
#include "sim/diag.h"
#include "sim/lang.h"
#include "tests/testutil.h"

#define LESSONS "scenarios/lessons"

/* Runs 'vhsim lab' with the NULL-terminated 'args', its standard output
 * and error into '*out' (caller frees).  Returns its exit status. */
static int
lab(char **out, const char *const *args)
{
    char *argv[16];
    int argc = 0;
    argv[argc++] = (char *) "lab";
    for (size_t i = 0; args[i] && argc < 15; i++) {
        argv[argc++] = (char *) args[i];
    }
    argv[argc] = NULL;
    char *dir = vh_test_tmpdir();
    char path[600];
    snprintf(path, sizeof path, "%s/out", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fflush(stdout);
    fflush(stderr);
    int so = dup(1), se = dup(2);
    dup2(fileno(f), 1);
    dup2(fileno(f), 2);
    int rc = cmd_lab(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(so, 1);
    dup2(se, 2);
    close(so);
    close(se);
    fclose(f);
    *out = vh_test_slurp(path, NULL);
    ck_assert_ptr_nonnull(*out);
    unlink(path);
    rmdir(dir);
    free(dir);
    return rc;
}

/* Writes 'text' to a new file named 'name' in a fresh directory; the
 * caller frees the path and removes both. */
static char *
write_tmp(const char *name, const char *text)
{
    char *dir = vh_test_tmpdir();
    size_t len = strlen(dir) + strlen(name) + 2;
    char *path = malloc(len);
    snprintf(path, len, "%s/%s", dir, name);
    free(dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void
remove_tmp(char *path)
{
    unlink(path);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    rmdir(path);
    free(path);
}

/* The lesson files, sorted; '*n' of them. */
static char **
lesson_files(size_t *n)
{
    struct dirent **ents;
    int k = scandir(LESSONS, &ents, NULL, alphasort);
    ck_assert_int_gt(k, 0);
    char **files = calloc((size_t) k, sizeof *files);
    *n = 0;
    for (int i = 0; i < k; i++) {
        size_t len = strlen(ents[i]->d_name);
        if (len > 5 && !strcmp(ents[i]->d_name + len - 5, ".json")) {
            size_t sz = sizeof LESSONS + len + 1;
            files[*n] = malloc(sz);
            snprintf(files[(*n)++], sz, LESSONS "/%s", ents[i]->d_name);
        }
        free(ents[i]);
    }
    free(ents);
    return files;
}

static bool
has_cjk(const char *s)
{
    /* UTF-8 lead bytes of U+3000..U+9FFF and the full-width forms. */
    for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
        if (*p >= 0xe3 && *p <= 0xef) {
            return true;
        }
    }
    return false;
}

/* Every lesson: a lesson, named by number and topic, both languages in
 * every text, and its key agreeing with its runs ('lab --key' exits 0
 * only then). */
START_TEST(test_every_lesson_agrees_with_its_run)
{
    size_t n;
    char **files = lesson_files(&n);
    ck_assert_uint_ge(n, 20);
    for (size_t i = 0; i < n; i++) {
        const char *base = strrchr(files[i], '/') + 1;
        ck_assert_msg(base[0] >= '0' && base[0] <= '9' && base[1] >= '0'
                      && base[1] <= '9' && base[2] == '-',
                      "%s: a lesson is named NN-topic.json", files[i]);
        struct vh_diag diag;
        struct cfg_scenario *cfg = cfg_load(files[i], NULL, &diag);
        ck_assert_msg(cfg != NULL, "%s: %s", files[i], diag.msg);
        const struct cfg_lesson *l = cfg->lesson;
        ck_assert_msg(l != NULL, "%s: no questions", files[i]);
        ck_assert_msg(has_cjk(l->title_zh) && has_cjk(cfg->description_zh),
                      "%s: title_zh and description_zh are Chinese",
                      files[i]);
        ck_assert(!has_cjk(l->title) && !has_cjk(cfg->description));
        for (size_t k = 0; k < l->n_questions; k++) {
            const struct cfg_question *q = &l->questions[k];
            ck_assert_msg(has_cjk(q->ask_zh) && has_cjk(q->explain_zh)
                          && !has_cjk(q->ask) && !has_cjk(q->explain),
                          "%s: %s: ask and explain in both languages",
                          files[i], q->jpath);
            for (size_t c = 0; c < q->n_choices; c++) {
                ck_assert(!has_cjk(q->choices[c].text));
            }
        }
        cfg_free(cfg);

        char *out;
        const char *args[] = { "--key", files[i], NULL };
        int rc = lab(&out, args);
        ck_assert_msg(rc == 0, "%s: the key disagrees with the run:\n%s",
                      files[i], out);
        ck_assert_msg(strstr(out, "The figure that decides it:"), "%s", out);
        free(out);
        free(files[i]);
    }
    free(files);
}
END_TEST

/* Lesson 01's right answers, given as numbers, names and Chinese. */
START_TEST(test_answers_right)
{
    char *ans = write_tmp("answers", "# lesson 01\n1\n\nSR-IOV\n不花费\n0\n");
    char *out;
    const char *args[] = { "01", "--answers", ans, NULL };
    ck_assert_int_eq(lab(&out, args), 0);
    ck_assert_msg(strstr(out, "Score: 4 of 4 right"), "%s", out);
    ck_assert(strstr(out, "Your answer: SR-IOV"));
    /* The figure that decides, with its value. */
    ck_assert(strstr(out, "sr-iov: /hosts/host1/cycles_per_packet = "));
    ck_assert(strstr(out, "least: sr-iov"));
    free(out);
    remove_tmp(ans);
}
END_TEST

START_TEST(test_answers_wrong)
{
    char *ans = write_tmp("answers", "2\nbase\nyes\n");
    char *out;
    const char *args[] = { "--answers", ans, LESSONS
                           "/01-access-methods.json", NULL };
    ck_assert_int_eq(lab(&out, args), 1);
    ck_assert_msg(strstr(out, "Wrong: the answer is base."), "%s", out);
    ck_assert(strstr(out, "Wrong: the answer is sr-iov."));
    ck_assert(strstr(out, "Wrong: the answer is no."));
    /* Three answers for four questions: the last is not answered. */
    ck_assert(strstr(out, "No answer: the answer is 0."));
    ck_assert(strstr(out, "Score: 0 of 4 right"));
    free(out);
    remove_tmp(ans);
}
END_TEST

/* JSON answers by question id; a number within the tolerance. */
START_TEST(test_answers_json)
{
    char *ans = write_tmp("answers.json",
                          "{ \"pmd-busy\": 0.995, \"exits\": \"vhost-user\","
                          "  \"cycles\": 2 }");
    char *out;
    const char *args[] = { "02", "-a", NULL, NULL };
    args[2] = ans;
    ck_assert_int_eq(lab(&out, args), 0);
    ck_assert_msg(strstr(out, "Score: 3 of 3 right"), "%s", out);
    free(out);
    remove_tmp(ans);

    ans = write_tmp("answers.json", "{ \"nosuch\": 1 }");
    args[2] = ans;
    ck_assert_int_eq(lab(&out, args), 2);
    ck_assert_msg(strstr(out, "nosuch: the lesson has no question with that "
                          "id"), "%s", out);
    free(out);
    remove_tmp(ans);

    ans = write_tmp("answers", "1\n1\n1\n1\n");
    args[2] = ans;
    ck_assert_int_eq(lab(&out, args), 2);
    ck_assert_msg(strstr(out, "line 4: more answers than the lesson's 3 "
                          "questions"), "%s", out);
    free(out);
    remove_tmp(ans);
}
END_TEST

/* The lesson's texts and the lab's own in Chinese. */
START_TEST(test_lab_in_chinese)
{
    char *ans = write_tmp("answers", "1\n4\n1\n0\n");
    char *out;
    const char *args[] = { "01", "--answers", ans, NULL };
    vh_lang_set(VH_LANG_ZH);
    int rc = lab(&out, args);
    vh_lang_set(VH_LANG_EN);
    ck_assert_int_eq(rc, 0);
    ck_assert_msg(strstr(out, "课程：全虚拟化网卡"), "%s", out);
    ck_assert(strstr(out, "第 1 题（共 4 题）：哪种连接方式"));
    ck_assert(strstr(out, "1) 不花费"));
    ck_assert(strstr(out, "正确。"));
    ck_assert(strstr(out, "得分：答对 4 题，共 4 题"));
    ck_assert(!strstr(out, "Right."));
    /* Wrapped lines never run past 78 columns. */
    char *save = NULL;
    for (char *line = strtok_r(out, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        if (!strchr(line, '/')) {        /* Figures are not wrapped. */
            ck_assert_msg(vh_text_width(line) <= 78, "too wide: %s", line);
        }
    }
    free(out);
    remove_tmp(ans);
}
END_TEST

/* Every prompt and verdict of cli/cmd_lab.c has its Chinese. */
START_TEST(test_lab_catalog_complete)
{
    char *src = vh_test_slurp("cli/cmd_lab.c", NULL);
    ck_assert_ptr_nonnull(src);
    size_t n = 0;
    for (char *p = strstr(src, "vh_tr(\""); p; p = strstr(p, "vh_tr(\"")) {
        p += 7;
        char *end = strchr(p, '"');
        char lit[256];
        snprintf(lit, sizeof lit, "%.*s", (int) (end - p), p);
        ck_assert_msg(vh_tr_has(lit), "no Chinese for \"%s\" in "
                      "sim/lang/lab.def", lit);
        n++;
    }
    ck_assert_uint_ge(n, 10);
    free(src);
}
END_TEST

/* A small lesson for the refusals: QUESTIONS is its questions array. */
#define LESSON(TOP, QUESTIONS)                                           \
    "{ \"name\": \"t\", \"title\": \"T\", \"title_zh\": \"题\","          \
    "  \"description\": \"d\", " TOP                                     \
    "  \"duration\": \"1ms\","                                           \
    "  \"hosts\": [ { \"name\": \"a\", \"nics\": [ { \"name\": \"eth0\","  \
    "      \"ip\": \"10.0.0.1/24\", \"link\": \"b/eth0\" } ] },"           \
    "    { \"name\": \"b\", \"nics\": [ { \"name\": \"eth0\","             \
    "      \"ip\": \"10.0.0.2/24\", \"link\": \"a/eth0\" } ] } ],"         \
    "  \"traffic\": [ { \"name\": \"f\", \"from\": \"a\", \"to\": \"b\","  \
    "    \"proto\": \"udp\", \"size\": 64, \"rate\": \"100kpps\","         \
    "    \"count\": 10 } ],"                                               \
    "  \"variants\": [ { \"name\": \"slow\","                              \
    "    \"set\": { \"f.rate\": \"10kpps\" } } ],"                        \
    "  \"questions\": [ " QUESTIONS " ] }"

#define ZH "\"description_zh\": \"说明\","
#define Q(KIND, OBS, ANSWER)                                             \
    "{ \"id\": \"q\", \"ask\": \"x?\", \"ask_zh\": \"问\", \"kind\": "    \
    KIND ", \"explain\": \"e\", \"explain_zh\": \"解\", "                 \
    "\"observable\": " OBS ANSWER " }"

#define REFUSAL_CHOICES                                                  \
    ", \"choices\": [ { \"text\": \"refused\", \"text_zh\": \"拒绝\","    \
    " \"when\": \"== 1\" }, { \"text\": \"runs\", \"text_zh\": "           \
    "\"运行\" } ], \"answer\": \"refused\""

static const struct {
    const char *json;
    int status;
    const char *msg;
} bad[] = {
    { LESSON(ZH, Q("\"number\"", "{ \"pointer\": \"/flows/f/delivered\" }",
                   "")),
      2, "questions[0]: missing required key 'answer'" },
    { LESSON(ZH, Q("\"number\"", "{ \"pointer\": \"flows/0/delivered\" }",
                   ", \"answer\": 10")),
      2, "questions[0].observable.pointer: a JSON pointer into the report "
         "starts with '/'" },
    { LESSON(ZH, Q("\"number\"", "{ \"pointer\": \"/flows/g/delivered\" }",
                   ", \"answer\": 10")),
      2, "questions[0].observable.pointer: no flow 'g' in traffic[]" },
    { LESSON(ZH, Q("\"number\"", "{ \"pointer\": \"/wall_s\" }",
                   ", \"answer\": 0")),
      2, "questions[0].observable.pointer: wall_s is the host computer's "
         "time" },
    { LESSON(ZH, Q("\"number\"", "{ \"pointer\": \"/flows/f/nosuch\" }",
                   ", \"answer\": 10")),
      2, "questions[0].observable.pointer: '/flows/f/nosuch' is not in the "
         "report: no key 'nosuch' in /flows/f (variant 'base')" },
    { LESSON(ZH, Q("\"number\"", "{ \"pointer\": \"/flows/f/name\" }",
                   ", \"answer\": 10")),
      2, "'/flows/f/name' is a string in the report, not a number" },
    { LESSON("", Q("\"number\"", "{ \"pointer\": \"/flows/f/sent\" }",
                   ", \"answer\": 10")),
      2, "missing required key 'description_zh'" },
    { LESSON(ZH, "{ \"id\": \"q\", \"ask\": \"x?\", \"kind\": \"number\", "
                 "\"explain\": \"e\", \"explain_zh\": \"解\", \"observable\": "
                 "{ \"pointer\": \"/flows/f/sent\" }, \"answer\": 10 }"),
      2, "questions[0]: missing required key 'ask_zh'" },
    { LESSON(ZH, Q("\"variant\"", "{ \"pointer\": \"/flows/f/sent\", "
                   "\"pick\": \"max\", \"variants\": [\"base\", \"fast\"] }",
                   ", \"answer\": \"base\"")),
      2, "questions[0].observable.variants[1]: no variant 'fast'" },
    { LESSON(ZH, Q("\"choice\"", "{ \"pointer\": \"/flows/f/sent\" }",
                   ", \"choices\": [ { \"text\": \"a\", \"text_zh\": \"甲\","
                   " \"when\": \"=> 1\" }, { \"text\": \"b\", \"text_zh\": "
                   "\"乙\" } ], \"answer\": \"a\"")),
      2, "questions[0].choices[0].when: a condition is an operator" },
    { LESSON(ZH, Q("\"choice\"", "{ \"pointer\": \"/flows/f/sent\" }",
                   ", \"choices\": [ { \"text\": \"a\", \"text_zh\": \"甲\","
                   " \"when\": \"> 1\" }, { \"text\": \"b\", \"text_zh\": "
                   "\"乙\" } ], \"answer\": \"c\"")),
      2, "questions[0].answer: 'c' is not the text of one of the choices" },
    { LESSON(ZH, Q("\"quiz\"", "{ \"pointer\": \"/flows/f/sent\" }",
                   ", \"answer\": 10")),
      2, "questions[0].kind" },
    /* A key the run does not agree with: the lesson is broken. */
    { LESSON(ZH, Q("\"variant\"", "{ \"pointer\": \"/flows/f/throughput_"
                   "mpps\", \"pick\": \"max\" }", ", \"answer\": \"slow\"")),
      1, "questions[0].answer: the key says 'slow' but the run shows "
         "'base'" },
    /* A refusal is a choice, read in a variant, with no report to read. */
    { LESSON(ZH, Q("\"number\"", "{ \"variant\": \"slow\", \"refused\": "
                   "true }", ", \"answer\": 1")),
      2, "questions[0].observable.refused: 'refused' is for a question of "
         "kind 'choice'" },
    { LESSON(ZH, Q("\"choice\"", "{ \"refused\": true }", REFUSAL_CHOICES)),
      2, "questions[0].observable: 'refused' needs 'variant'" },
    { LESSON(ZH, Q("\"choice\"", "{ \"variant\": \"slow\", \"refused\": "
                   "true, \"pointer\": \"/flows/f/sent\" }",
                   REFUSAL_CHOICES)),
      2, "questions[0].observable.pointer: 'pointer' reads a run's report" },
    /* 'slow' runs: a key saying it is refused disagrees with the run. */
    { LESSON(ZH, Q("\"choice\"", "{ \"variant\": \"slow\", \"refused\": "
                   "true }", REFUSAL_CHOICES)),
      1, "questions[0].answer: the key says 'refused' but the run shows "
         "'runs'" },
    { LESSON(ZH, Q("\"number\"", "{ \"pointer\": \"/flows/f/sent\" }",
                   ", \"answer\": 12, \"tolerance\": 1")),
      1, "questions[0].answer: the key says '12' but the run shows '10 "
         "(within 1)'" },
};

START_TEST(test_bad_lessons_refused)
{
    const char *json = bad[_i].json;
    char *file = write_tmp("lesson.json", json);
    char *out;
    const char *args[] = { "--key", file, NULL };
    int rc = lab(&out, args);
    ck_assert_msg(rc == bad[_i].status && strstr(out, bad[_i].msg),
                  "case %d: status %d, wanted %d and '%s':\n%s", _i, rc,
                  bad[_i].status, bad[_i].msg, out);
    free(out);
    remove_tmp(file);
}
END_TEST

/* The small lesson, right: a key computed from the run, graded both
 * ways; the variant question with its candidates numbered. */
START_TEST(test_small_lesson_graded)
{
    char *file = write_tmp("lesson.json", LESSON(ZH, Q("\"variant\"",
        "{ \"pointer\": \"/flows/f/throughput_mpps\", \"pick\": \"max\" }",
        ", \"answer\": \"base\"")));
    char *ans = write_tmp("answers", "2\n");
    char *out;
    const char *args[] = { file, "--answers", ans, NULL };
    ck_assert_int_eq(lab(&out, args), 1);
    ck_assert_msg(strstr(out, "  1) base\n  2) slow\n"), "%s", out);
    ck_assert(strstr(out, "Wrong: the answer is base."));
    free(out);
    remove_tmp(ans);
    ans = write_tmp("answers", "base\n");
    const char *args2[] = { file, "--answers", ans, NULL };
    ck_assert_int_eq(lab(&out, args2), 0);
    free(out);
    remove_tmp(ans);
    /* A scenario without questions is not a lesson. */
    const char *args3[] = { "--key", "scenarios/demo.json", NULL };
    ck_assert_int_eq(lab(&out, args3), 2);
    ck_assert_msg(strstr(out, "not a lesson: it has no 'questions'"), "%s",
                  out);
    free(out);
    remove_tmp(file);
}
END_TEST

/* The lessons whose point is a refusal: what vhsim refuses is a question
 * like the others, graded right and wrong, the refusal's message the
 * figure that decides; the lesson itself still loads and runs, and its
 * refused variant is refused on its own. */
static const struct {
    const char *lesson, *answers, *wrong, *says;
} refusals[] = {
    { "09", "host2\n100\n1\n", "host2\n100\n2\n",
      "vf: refused: events[0].target: VM 'host1/vm1' cannot be "
      "live-migrated: its NIC hosts[0].vms[0].nics[0] is an assigned device "
      "(an SR-IOV VF)" },
    { "12", "0.125\n82599\n1\n", "0.125\n82599\n2\n",
      "nine-vfs: refused: hosts[0].nics[0].sriov.vfs: the i350 supports at "
      "most 8 VFs" },
};

START_TEST(test_refusal_lessons_graded)
{
    char *ans = write_tmp("answers", refusals[_i].answers);
    char *out;
    const char *args[] = { refusals[_i].lesson, "--answers", ans, NULL };
    ck_assert_int_eq(lab(&out, args), 0);
    ck_assert_msg(strstr(out, "Score: 3 of 3 right"), "%s", out);
    ck_assert_msg(strstr(out, refusals[_i].says), "%s", out);
    free(out);
    remove_tmp(ans);

    ans = write_tmp("answers", refusals[_i].wrong);
    const char *args2[] = { refusals[_i].lesson, "--answers", ans, NULL };
    ck_assert_int_eq(lab(&out, args2), 1);
    ck_assert_msg(strstr(out, "Wrong: the answer is vhsim refuses"), "%s",
                  out);
    ck_assert(strstr(out, "Score: 2 of 3 right"));
    free(out);
    remove_tmp(ans);

    /* In Chinese the verdict cites the same message. */
    vh_lang_set(VH_LANG_ZH);
    const char *args3[] = { "--key", refusals[_i].lesson, NULL };
    int rc = lab(&out, args3);
    vh_lang_set(VH_LANG_EN);
    ck_assert_int_eq(rc, 0);
    ck_assert_msg(strstr(out, "被拒绝："), "%s", out);
    free(out);
}
END_TEST

START_TEST(test_list_and_lookup)
{
    char *out;
    const char *list[] = { "--list", NULL };
    ck_assert_int_eq(lab(&out, list), 0);
    ck_assert_msg(strstr(out, "01-access-methods"), "%s", out);
    ck_assert(strstr(out, "Posted interrupts and APICv"));
    free(out);
    const char *unknown[] = { "--key", "posted-interupts", NULL };
    ck_assert_int_eq(lab(&out, unknown), 2);
    ck_assert_msg(strstr(out, "no lesson 'posted-interupts'; did you mean "
                          "'08-posted-interrupts'?"), "%s", out);
    free(out);
    const char *help[] = { "--help", NULL };
    ck_assert_int_eq(lab(&out, help), 0);
    ck_assert(strstr(out, "usage: vhsim lab"));
    free(out);
    const char *both[] = { "--list", "01", NULL };
    ck_assert_int_eq(lab(&out, both), 2);
    free(out);
    const char *typo[] = { "01", "--answrs", "a.txt", NULL };
    ck_assert_int_eq(lab(&out, typo), 2);
    ck_assert_msg(strstr(out, "did you mean '--answers'?"), "%s", out);
    free(out);
    const char *key_and_answers[] = { "01", "--key", "-a", "a.txt", NULL };
    ck_assert_int_eq(lab(&out, key_and_answers), 2);
    ck_assert(strstr(out, "--key asks nothing"));
    free(out);
}
END_TEST

/* The program as a student runs it: answers typed on standard input. */
START_TEST(test_answers_on_stdin)
{
    char *out = NULL;
    int st = vh_test_sh(&out, "printf '1\\n4\\nno\\n0\\n' | '%s' lab "
                        "08-posted-interrupts 2>&1; echo \"status $?\"",
                        vh_test_bin());
    ck_assert_int_eq(st, 0);
    /* Lesson 08: 'posted', 'no-apicv', 2: answered 1, 4 (no such
     * variant), "no" (not a number). */
    ck_assert_msg(strstr(out, "Your answer: 1\n"), "%s", out);
    ck_assert(strstr(out, "Wrong: the answer is no-apicv."));
    ck_assert(strstr(out, "Score: 0 of 3 right"));
    ck_assert(strstr(out, "status 1"));
    free(out);
}
END_TEST

static Suite *
lab_suite(void)
{
    Suite *s = suite_create("lab");
    TCase *tc = tcase_create("lab");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_every_lesson_agrees_with_its_run);
    tcase_add_test(tc, test_answers_right);
    tcase_add_test(tc, test_answers_wrong);
    tcase_add_test(tc, test_answers_json);
    tcase_add_test(tc, test_lab_in_chinese);
    tcase_add_test(tc, test_lab_catalog_complete);
    tcase_add_loop_test(tc, test_bad_lessons_refused, 0,
                        sizeof bad / sizeof *bad);
    tcase_add_test(tc, test_small_lesson_graded);
    tcase_add_loop_test(tc, test_refusal_lessons_graded, 0,
                        sizeof refusals / sizeof *refusals);
    tcase_add_test(tc, test_list_and_lookup);
    tcase_add_test(tc, test_answers_on_stdin);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(lab_suite)
