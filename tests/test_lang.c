/* tests/test_lang.c: the language switch, the catalog lookup and the
 * column arithmetic tables use to align Chinese cells. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sim/lang.h"
#include "tests/testutil.h"

START_TEST(test_lang_parse)
{
    enum vh_lang l = VH_LANG_EN;
    ck_assert_int_eq(vh_lang_parse("zh", &l), 0);
    ck_assert_int_eq(l, VH_LANG_ZH);
    ck_assert_int_eq(vh_lang_parse("en_US.UTF-8", &l), 0);
    ck_assert_int_eq(l, VH_LANG_EN);
    ck_assert_int_eq(vh_lang_parse("zh_CN.UTF-8", &l), 0);
    ck_assert_int_eq(l, VH_LANG_ZH);
    ck_assert_int_eq(vh_lang_parse("C", &l), 0);
    ck_assert_int_eq(l, VH_LANG_EN);
    ck_assert_int_eq(vh_lang_parse("zhx", &l), -1);
    ck_assert_int_eq(vh_lang_parse("fr", &l), -1);
    ck_assert_int_eq(vh_lang_parse("", &l), -1);
}
END_TEST

/* Saves and restores one variable, so that the suites after this one
 * (in one process under CK_FORK=no) see the environment they started
 * with. */
static char *
save_env(const char *name)
{
    const char *v = getenv(name);
    return v ? strdup(v) : NULL;
}

static void
restore_env(const char *name, char *v)
{
    if (v) {
        setenv(name, v, 1);
        free(v);
    } else {
        unsetenv(name);
    }
}

START_TEST(test_lang_env_order)
{
    char *all = save_env("LC_ALL"), *msg = save_env("LC_MESSAGES");
    char *lang = save_env("LANG");
    setenv("LANG", "zh_CN.UTF-8", 1);
    unsetenv("LC_MESSAGES");
    unsetenv("LC_ALL");
    ck_assert_int_eq(vh_lang_from_env(), VH_LANG_ZH);
    setenv("LC_ALL", "C", 1);           /* LC_ALL overrides LANG. */
    ck_assert_int_eq(vh_lang_from_env(), VH_LANG_EN);
    unsetenv("LC_ALL");
    unsetenv("LANG");
    ck_assert_int_eq(vh_lang_from_env(), VH_LANG_EN);
    restore_env("LC_ALL", all);
    restore_env("LC_MESSAGES", msg);
    restore_env("LANG", lang);
}
END_TEST

START_TEST(test_tr_lookup)
{
    vh_lang_set(VH_LANG_EN);
    ck_assert_str_eq(vh_tr("throughput"), "throughput");
    vh_lang_set(VH_LANG_ZH);
    ck_assert_str_eq(vh_tr("throughput"), "吞吐量");
    /* Without an entry, English rather than nothing. */
    ck_assert_str_eq(vh_tr("no such text here"), "no such text here");
    ck_assert(!vh_tr_has("no such text here"));
    vh_lang_set(VH_LANG_EN);
}
END_TEST

START_TEST(test_text_width)
{
    ck_assert_uint_eq(vh_text_width("abc"), 3);
    ck_assert_uint_eq(vh_text_width("吞吐量"), 6);
    ck_assert_uint_eq(vh_text_width("VM 退出"), 7);
    char buf[64];
    ck_assert_str_eq(vh_pad(buf, sizeof buf, "中", 4, 0), "中  ");
    ck_assert_str_eq(vh_pad(buf, sizeof buf, "中", 4, 1), "  中");
    ck_assert_str_eq(vh_pad(buf, sizeof buf, "abcdef", 3, 0), "abcdef");
    ck_assert_str_eq(vh_pad(buf, 4, "abcdef", 3, 0), "abc");
}
END_TEST

static Suite *
lang_suite(void)
{
    Suite *s = suite_create("lang");
    TCase *tc = tcase_create("lang");
    tcase_add_test(tc, test_lang_parse);
    tcase_add_test(tc, test_lang_env_order);
    tcase_add_test(tc, test_tr_lookup);
    tcase_add_test(tc, test_text_width);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(lang_suite)
