/* tests/test_lang.c: the language switch, the catalog lookup, the
 * glossary of report keys and drop reasons (and the script that finds
 * the ones it lacks), and the column arithmetic tables use to align
 * Chinese cells. */
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

/* A step a model wrote, formatted, is found by its English format and
 * filled in with what the English had there; English stays itself. */
START_TEST(test_tr_step)
{
    char buf[256];
    const char *rule = "table 0 matched: udp,tp_dst=9999,actions=drop";
    vh_lang_set(VH_LANG_EN);
    ck_assert_str_eq(vh_tr_step(rule, buf, sizeof buf), rule);
    vh_lang_set(VH_LANG_ZH);
    ck_assert_str_eq(vh_tr_step(rule, buf, sizeof buf),
                     "流表 0 命中：udp,tp_dst=9999,actions=drop");
    ck_assert_str_eq(vh_tr_step("waiting for ARP", buf, sizeof buf),
                     "等待 ARP 解析");
    /* A %u is digits only: "VXLAN VNI" is the %s, 5001 the %u. */
    ck_assert_str_eq(vh_tr_step("VXLAN VNI 5001 to 192.168.2.10", buf,
                                sizeof buf),
                     "VXLAN VNI 5001，封装后发往 192.168.2.10");
    ck_assert_str_eq(vh_tr_step("GRE without a key to 10.0.0.2", buf,
                                sizeof buf), "GRE（无 key），封装后发往 10.0.0.2");
    /* A step within a step: the weave router's prefix. */
    ck_assert_str_eq(vh_tr_step("weave router: to peer host2, UDP 6784",
                                buf, sizeof buf),
                     "weave 路由器：发往对端 host2，UDP 6784");
    /* An argument longer than any step is filled in whole: a megaflow
     * in Chinese keeps its udp() as the English has it. */
    const char *mf = "installs megaflow in_port(4),eth(src=52:54:00:00:00:01,"
                     "dst=02:00:00:00:00:64),eth_type(0x0800),ipv4(src="
                     "10.0.0.1,dst=10.0.0.100,proto=17,frag=no),"
                     "udp(src=10000,dst=9)";
    ck_assert_str_eq(vh_tr_step(mf, buf, sizeof buf),
                     "安装 megaflow in_port(4),eth(src=52:54:00:00:00:01,"
                     "dst=02:00:00:00:00:64),eth_type(0x0800),ipv4(src="
                     "10.0.0.1,dst=10.0.0.100,proto=17,frag=no),"
                     "udp(src=10000,dst=9)");
    ck_assert_str_eq(vh_tr_step("no such step", buf, sizeof buf),
                     "no such step");
    ck_assert_str_eq(vh_tr_step("table x matched: y", buf, sizeof buf),
                     "table x matched: y");
    vh_lang_set(VH_LANG_EN);
}
END_TEST

/* A report key or drop reason keeps its English in the JSON report and
 * in English; in Chinese a key is its gloss, a reason its gloss and then
 * itself, so the key a lesson names is still on the screen. */
START_TEST(test_gloss)
{
    char buf[128];
    vh_lang_set(VH_LANG_EN);
    ck_assert_str_eq(vh_gloss("lookups"), "lookups");
    ck_assert_str_eq(vh_gloss_reason("link-down", buf, sizeof buf),
                     "link-down");
    vh_lang_set(VH_LANG_ZH);
    ck_assert_str_eq(vh_gloss("lookups"), "查找");
    ck_assert_str_eq(vh_gloss_reason("link-down", buf, sizeof buf),
                     "链路断开 (link-down)");
    ck_assert_str_eq(vh_gloss_reason("no-such-reason", buf, sizeof buf),
                     "no-such-reason");
    ck_assert(vh_gloss_has("qdisc-full") && !vh_gloss_has("no-such-key"));
    vh_lang_set(VH_LANG_EN);

    /* The run: the device table and the flow's drops glossed, the
     * device's own line in Chinese, the JSON report unchanged. */
    char *out = NULL;
    ck_assert_int_eq(vh_test_sh(&out, "%s --lang zh run scenarios/ovs-qos.json",
                                vh_test_bin()), 0);
    ck_assert_msg(strstr(out, "丢包 125 个：被限速丢弃 (policed)"), "%s", out);
    ck_assert(strstr(out, "被限速丢弃 (policed) 125\n"));
    ck_assert(strstr(out, "br0: 类型 ovs, 数据路径 kernel, 查找 { 命中 "));
    ck_assert(!strstr(out, "lookups"));
    free(out);
    ck_assert_int_eq(vh_test_sh(&out, "%s --lang zh run scenarios/ovs-qos.json"
                                " --quiet --json -", vh_test_bin()), 0);
    ck_assert_msg(strstr(out, "\"policed\":\t125")
                  || strstr(out, "\"policed\": 125")
                  || strstr(out, "\"policed\":125"), "%s", out);
    ck_assert(strstr(out, "\"lookups\"") && !strstr(out, "查找"));
    free(out);
}
END_TEST

/* tests/lang_missing.sh finds a report key and a drop reason that have
 * no gloss, in a tree made for it: one model file that writes a key and
 * drops for a reason, a glossary that has neither, then both. */
START_TEST(test_lang_missing_finds_gloss)
{
    char *dir = vh_test_tmpdir();
    char *out = NULL;
    ck_assert_int_eq(vh_test_sh(NULL, "mkdir -p '%s/sim/lang' '%s/models' "
        "&& cp sim/lang/report.def sim/lang/gui.def sim/lang/lab.def "
        "'%s/sim/lang/' && printf '%%s\\n' "
        "'static void f(struct report_out *out, struct world *w) {' "
        "'    report_out_num(out, \"frobs_seen\", 1.0);' "
        "'    acct_drop(w, p, dev, \"frob-full\");' '}' "
        ">'%s/models/x.c' && : >'%s/sim/lang/gloss.def'",
        dir, dir, dir, dir, dir), 0);
    ck_assert_int_eq(vh_test_sh(&out, "sh tests/lang_missing.sh '%s'", dir),
                     1);
    ck_assert_msg(strstr(out, "models/x.c: report key \"frobs_seen\" has no "
                          "GLOSS"), "%s", out);
    ck_assert_msg(strstr(out, "models/x.c: drop reason \"frob-full\" has "
                          "no GLOSS"), "%s", out);
    free(out);
    ck_assert_int_eq(vh_test_sh(&out, "printf '%%s\\n' "
        "'GLOSS(\"frobs_seen\", \"见到的 frob\")' "
        "'GLOSS(\"frob-full\", \"frob 已满\")' >'%s/sim/lang/gloss.def' "
        "&& sh tests/lang_missing.sh '%s'", dir, dir), 0);
    free(out);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
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
    tcase_add_test(tc, test_tr_step);
    tcase_add_test(tc, test_gloss);
    tcase_add_test(tc, test_lang_missing_finds_gloss);
    tcase_add_test(tc, test_text_width);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(lang_suite)
