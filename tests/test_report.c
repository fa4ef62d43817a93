/* tests/test_report.c: a report that explains itself, in either language.
 *
 * What a student reads must hold up: a throughput never above the rate
 * the flow offered, and exactly its deliveries over the window it names;
 * interrupts split into IPIs and the rest, which add up; the devices'
 * drops by reason adding up to their drops; 'explain' giving a send time
 * that is the flow's and naming the interrupt moderation wait; and with
 * --lang zh the same report in Chinese, aligned, while --lang en (and the
 * default) is the English report, byte for byte. */
#include <check.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/lang.h"
#include "tests/testutil.h"

#define DEMO "scenarios/demo.json"

static char bin[PATH_MAX];

static const char *
vhsim(void)
{
    if (!realpath(vh_test_bin(), bin)) {
        ck_abort_msg("vhsim binary '%s' not found", vh_test_bin());
    }
    return bin;
}

/* Runs a python3 program over the JSON report of 'scenario' (with 'args'
 * after it on vhsim's command line); fails unless it prints "ok". */
static void
json_ok(const char *scenario, const char *args, const char *prog)
{
    char *out = NULL;
    int st = vh_test_sh(&out, "'%s' run '%s' %s -q -o - | python3 -c '%s'",
                        vhsim(), scenario, args, prog);
    ck_assert_msg(st == 0 && out && strstr(out, "ok"), "%s %s (%d):\n%s",
                  scenario, args, st, out);
    free(out);
}

/* Every flow with an offered rate: its throughput is its deliveries over
 * the window it names, and that window is at least the time its packets
 * take at the offered rate, so the rate is at most the offered one. */
static const char window_prog[] =
    "import json,sys\n"
    "r=json.load(sys.stdin)\n"
    "for f in r[\"flows\"]:\n"
    "  if \"goodput_gbps\" in f or \"transactions\" in f: continue\n"
    "  w=f[\"rate_window_ns\"]\n"
    "  if not f[\"sent\"]: assert w==0 and f[\"throughput_mpps\"]==0; continue\n"
    "  assert w>0, f\n"
    "  got=f[\"throughput_mpps\"]*1e6*w/1e9\n"
    "  assert abs(got-f[\"delivered\"])<1e-6*max(1,f[\"delivered\"]), (f[\"name\"],got)\n"
    "  bps=f[\"throughput_gbps\"]*1e9; pps=f[\"throughput_mpps\"]*1e6\n"
    "  assert abs(bps-pps*f[\"size\"]*8)<=1e-6*max(bps,1), f[\"name\"]\n"
    "print(\"ok\")\n";

START_TEST(test_throughput_is_over_the_sending_window)
{
    static const char *const scenarios[] = {
        DEMO, "scenarios/contract-example.json", "scenarios/overlay.json",
        "scenarios/ovs-bond-failover.json", "scenarios/docker-modes.json",
    };
    for (size_t i = 0; i < sizeof scenarios / sizeof *scenarios; i++) {
        json_ok(scenarios[i], "", window_prog);
    }
}
END_TEST

/* The demo's vm2-to-vm1 is a Poisson flow of 50 packets at 50 kpps whose
 * draws came early; all 50 delivered must read 50 kpps, not more (the
 * spacing of its deliveries said 61 kpps).  The 64-byte CBR flow at 100
 * kpps that delivered everything reads exactly its offered rate. */
START_TEST(test_throughput_never_above_offered)
{
    json_ok(DEMO, "",
        "import json,sys\n"
        "r=json.load(sys.stdin)\n"
        "f={x[\"name\"]:x for x in r[\"flows\"]}\n"
        "p=f[\"vm2-to-vm1\"]\n"
        "assert p[\"delivered\"]==p[\"sent\"]==50, p\n"
        "assert abs(p[\"throughput_mpps\"]-0.05)<1e-9, p[\"throughput_mpps\"]\n"
        "assert abs(p[\"throughput_gbps\"]-0.4)<1e-9, p[\"throughput_gbps\"]\n"
        "c=f[\"vm1-to-remote\"]\n"
        "assert c[\"delivered\"]==c[\"sent\"]==100, c\n"
        "assert abs(c[\"throughput_mpps\"]-0.1)<1e-9, c[\"throughput_mpps\"]\n"
        "print(\"ok\")\n");
    /* The same over seeds: the Poisson draws change, the bound holds. */
    for (int seed = 2; seed <= 6; seed++) {
        char args[32];
        snprintf(args, sizeof args, "--seed %d", seed);
        json_ok(DEMO, args,
            "import json,sys\n"
            "r=json.load(sys.stdin)\n"
            "p=[x for x in r[\"flows\"] if x[\"name\"]==\"vm2-to-vm1\"][0]\n"
            "assert p[\"throughput_mpps\"]<=0.05*(1+1e-12), p\n"
            "print(\"ok\")\n");
    }
}
END_TEST

/* Twenty 1,518-byte frames offered at 1 Mpps (12 Gbps) to a 1 Gbps
 * cable all wait in the sender's queue and arrive 12.3 us apart: the
 * flow delivered them at just under 1 Gbps, and reads so, not 12.  So
 * do flows of one and two such frames, which the receiver's interrupt
 * hands up together: each took 12.3 us on the cable. */
START_TEST(test_throughput_never_above_the_link)
{
    char *dir = vh_test_tmpdir();
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/link.json", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("{ \"name\": \"link\", \"duration\": \"2ms\", \"hosts\": ["
          " { \"name\": \"a\", \"nics\": [ { \"name\": \"eth0\","
          "   \"model\": \"i350\", \"ip\": \"10.0.0.1/24\","
          "   \"link\": \"b/eth0\" } ] },"
          " { \"name\": \"b\", \"nics\": [ { \"name\": \"eth0\","
          "   \"model\": \"i350\", \"ip\": \"10.0.0.2/24\" } ] } ],"
          " \"traffic\": [ { \"name\": \"f\", \"from\": \"a\", \"to\": \"b\","
          "   \"size\": 1518, \"rate\": \"1Mpps\", \"count\": 20 },"
          "  { \"name\": \"one\", \"from\": \"a\", \"to\": \"b\","
          "   \"size\": 1518, \"rate\": \"12Gbps\", \"count\": 1,"
          "   \"start\": \"500us\" },"
          "  { \"name\": \"two\", \"from\": \"a\", \"to\": \"b\","
          "   \"size\": 1518, \"rate\": \"12Gbps\", \"count\": 2,"
          "   \"start\": \"600us\" } ] }\n",
          f);
    fclose(f);
    json_ok(path, "",
        "import json,sys\n"
        "r=json.load(sys.stdin)\n"
        "for f in r[\"flows\"]:\n"
        "  assert f[\"delivered\"]==f[\"sent\"], f\n"
        "  assert 0<f[\"throughput_gbps\"]<=1.0, f\n"
        "  assert f[\"name\"]!=\"f\" or f[\"throughput_gbps\"]>0.9, f\n"
        "print(\"ok\")\n");
    json_ok(path, "", window_prog);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* IPIs are a part of the interrupts: the demo's host1 wakes vhost
 * workers and vCPUs across cores, the bare-metal remote takes its NIC's
 * interrupts on the core its application runs on, and sends none. */
START_TEST(test_ipis_apart_from_device_interrupts)
{
    json_ok(DEMO, "",
        "import json,sys\n"
        "r=json.load(sys.stdin)\n"
        "h={x[\"name\"]:x for x in r[\"hosts\"]}\n"
        "a=h[\"host1\"]; b=h[\"remote\"]\n"
        "assert 0<a[\"ipis\"]<a[\"interrupts\"], (a[\"ipis\"],a[\"interrupts\"])\n"
        "assert b[\"ipis\"]==0 and b[\"interrupts\"]>0, b\n"
        "s=r[\"sim_time_ns\"]/1e9\n"
        "assert abs(a[\"ipis_per_s\"]-a[\"ipis\"]/s)<1e-6*a[\"ipis_per_s\"]\n"
        "assert a[\"packets_count_local_twice\"] and not b[\"packets_count_local_twice\"]\n"
        "print(\"ok\")\n");
    char *out = NULL;
    ck_assert_int_eq(vh_test_sh(&out, "'%s' run " DEMO, vhsim()), 0);
    ck_assert_msg(strstr(out, "interrupts 100 (devices 100, IPIs 0)"),
                  "remote's interrupts not split:\n%s", out);
    ck_assert_msg(strstr(out, "counts twice, sent and received"),
                  "host1's packets do not say they count twice:\n%s", out);
    free(out);
}
END_TEST

/* A device's drops by reason add up to its drops; a flow's drops, by
 * reason, are all at some device. */
START_TEST(test_device_drop_reasons)
{
    json_ok("scenarios/ovs-bond-failover.json", "",
        "import json,sys\n"
        "r=json.load(sys.stdin)\n"
        "n=0; seen=set()\n"
        "for d in r[\"devices\"]:\n"
        "  dr=d.get(\"drop_reasons\",{})\n"
        "  assert sum(dr.values())==d[\"drops\"], d\n"
        "  n+=d[\"drops\"]; seen|=set(dr)\n"
        "assert n>0\n"
        "for f in r[\"flows\"]:\n"
        "  for k,v in f[\"drops\"].items():\n"
        "    assert v==0 or k in seen, k\n"
        "print(\"ok\")\n");
}
END_TEST

/* A flow that delivered nothing has no latency: "-", never 0. */
START_TEST(test_nothing_delivered_reads_dash)
{
    char *out = NULL;
    ck_assert_int_eq(vh_test_sh(&out, "'%s' run scenarios/docker-modes.json "
                                "| grep '^  direct '", vhsim()), 0);
    ck_assert_msg(strstr(out, "         -          -          -"),
                  "latency of an undelivered flow not '-':\n%s", out);
    free(out);
}
END_TEST

/* 'explain' says when the packet was sent, at or after its flow's
 * start, and the time it gives is one 'gui --at' reads; the remote's
 * NIC holds its interrupt for the moderation gap, and the wait after it
 * is named so. */
START_TEST(test_explain_birth_and_moderation)
{
    char *out = NULL;
    ck_assert_int_eq(vh_test_sh(&out, "'%s' explain " DEMO, vhsim()), 0);
    const char *at = strstr(out, "  sent at ");
    ck_assert_msg(at, "no send time:\n%s", out);
    double us = strtod(at + strlen("  sent at "), NULL);
    /* The flow starts at 10us; the first hop is its send call. */
    ck_assert_msg(us >= 10.0 && us < 20.0 && !strncmp(at + 10 + strcspn(
                      at + 10, "u"), "us of simulated time", 20),
                  "send time %g:\n%s", us, out);
    ck_assert_msg(strstr(out, "depth 2, interrupt moderation holds the "
                         "interrupt\n"), "moderation not named:\n%s", out);
    /* The driver's first step after the interrupt names the wait. */
    const char *rx = strstr(out, "  driver_rx ");
    const char *eol = rx ? strchr(rx, '\n') : NULL;
    const char *named = rx ? strstr(rx, ": interrupt moderation)") : NULL;
    ck_assert_msg(rx && eol && named && named < eol
                  && strstr(rx, "(waited ") < eol,
                  "the wait is not named (%zu bytes of explain)", strlen(out));
    free(out);
}
END_TEST

/* A scenario's Chinese description is what a Chinese report prints, in
 * run and in compare; English prints the English one. */
START_TEST(test_description_in_the_readers_language)
{
    static const char lesson[] = "scenarios/lessons/01-access-methods.json";
    char *en = NULL, *zh = NULL, *czh = NULL, *json = NULL;
    ck_assert_int_eq(vh_test_sh(&en, "'%s' run %s", vhsim(), lesson), 0);
    ck_assert_int_eq(vh_test_sh(&zh, "'%s' --lang zh run %s", vhsim(),
                                lesson), 0);
    ck_assert_int_eq(vh_test_sh(&czh, "'%s' --lang zh compare %s", vhsim(),
                                lesson), 0);
    ck_assert_int_eq(vh_test_sh(&json, "python3 -c \"import json,sys; "
                                "d=json.load(open('%s')); "
                                "print(d['description'][:40]); "
                                "print(d['description_zh'][:12])\"",
                                lesson), 0);
    char den[64] = "", dzh[64] = "";
    ck_assert_int_eq(sscanf(json, "%63[^\n]\n%63[^\n]", den, dzh), 2);
    ck_assert_msg(strstr(en, den) && !strstr(en, dzh),
                  "the English report lacks the English description");
    ck_assert_msg(strstr(zh, dzh) && !strstr(zh, den),
                  "run --lang zh does not print the Chinese description");
    ck_assert_msg(strstr(czh, dzh) && !strstr(czh, den),
                  "compare --lang zh does not print the Chinese description");
    free(en);
    free(zh);
    free(czh);
    free(json);
}
END_TEST

/* compare shows the cores the vmdq scenario asks about: without VMDq
 * core 0 does the bridge's work for every VM, with it less. */
START_TEST(test_compare_per_core_rows)
{
    char *out = NULL;
    ck_assert_int_eq(vh_test_sh(&out, "'%s' compare scenarios/vmdq.json",
                                vhsim()), 0);
    const char *row = strstr(out, "  core 0 busy");
    ck_assert_msg(row && strstr(out, "  core 0 cycles")
                  && strstr(out, "    of which IPIs/s"),
                  "no per-core rows:\n%s", out);
    double base = 0, vmdq = 0;
    ck_assert_int_eq(sscanf(row + strlen("  core 0 busy"), " %lf%% %lf%%",
                            &base, &vmdq), 2);
    ck_assert_msg(base > vmdq, "core 0 not relieved: %g%% -> %g%%", base,
                  vmdq);
    free(out);
}
END_TEST

/* The first run of three English words in a row in 'text', or NULL.  A
 * word is a token of letters alone (a trailing ',', ':' or ';' allowed);
 * an OpenFlow rule or datapath flow ("actions=normal", "in_port(1)"), a
 * device path, a protocol or program name ("ovs-vswitchd") or a number is
 * not one, so what stays English by design breaks a run. */
static const char *
english_run(const char *text)
{
    int run = 0;
    const char *first = NULL;
    for (const char *t = text; *t;) {
        size_t n = strcspn(t, " \n");
        size_t letters = 0;
        while (letters < n && ((t[letters] >= 'a' && t[letters] <= 'z')
                               || (t[letters] >= 'A' && t[letters] <= 'Z'))) {
            letters++;
        }
        bool word = letters && (letters == n || (letters + 1 == n
                                && strchr(",:;", t[letters])));
        first = word && !run ? t : first;
        run = word ? run + 1 : 0;
        if (run == 3) {
            return first;
        }
        run = t[n] == '\n' ? 0 : run;
        t += n + (t[n] != '\0');
    }
    return NULL;
}

/* 'explain --lang zh' says every step in Chinese: what a router, a
 * tunnel, the OVS datapaths and a host waiting for ARP decide, with
 * only rules, names and numbers left as they are. */
START_TEST(test_explain_zh_steps)
{
    static const char *const scen[] = {
        DEMO, "scenarios/ovs-fast-slow-path.json",
        "scenarios/leaf-spine.json", "scenarios/overlay.json",
        "scenarios/ipv6.json", "scenarios/ovs-dpdk-emc.json",
    };
    for (size_t i = 0; i < sizeof scen / sizeof scen[0]; i++) {
        char *out = NULL;
        ck_assert_int_eq(vh_test_sh(&out, "'%s' explain --lang zh %s",
                                    vhsim(), scen[i]), 0);
        const char *run = english_run(out);
        ck_assert_msg(!run, "%s: English in 'explain --lang zh': %.60s",
                      scen[i], run);
        /* Why a frame waits follows its queue's depth after a Chinese
         * comma, as Chinese prose separates clauses. */
        const char *d = strstr(out, "队列深度 ");
        bool why = false;
        for (; d; d = strstr(d + 1, "队列深度 ")) {
            const char *e = d + strlen("队列深度 ");
            e += strspn(e, "0123456789");
            ck_assert_msg(*e != ',', "%s: an ASCII comma after the depth: "
                          "%.40s", scen[i], d);
            why |= !strncmp(e, "，", strlen("，"));
        }
        ck_assert_msg(why, "%s: no reason for a wait given after a depth",
                      scen[i]);
        free(out);
    }
    char *en = NULL;
    ck_assert_int_eq(vh_test_sh(&en, "'%s' explain scenarios/overlay.json",
                                vhsim()), 0);
    ck_assert_msg(english_run(en) && strstr(en, "VXLAN VNI 5001 from "
                  "192.168.1.10: this tunnel's; the outer headers come off"),
                  "the English explain changed:\n%s", en);
    free(en);
}
END_TEST

/* sweep, compare and the run's sections label their rows and columns in
 * Chinese; sweep's title counts variants apart from points. */
START_TEST(test_zh_labels_sweep_compare)
{
    char *out = NULL;
    ck_assert_int_eq(vh_test_sh(&out, "'%s' sweep --lang zh --variant base "
                                "--variant sriov --set stream.size=64,1000 "
                                "--seeds 2 scenarios/cni.json", vhsim()), 0);
    static const char *const sweep_zh[] = {
        "共 8 次运行（2 个变体 × 2 个取值点 × 2 个种子）", "置信区间",
        "变体", "已送达/已发送", "每包周期数",
    };
    for (size_t i = 0; i < sizeof sweep_zh / sizeof *sweep_zh; i++) {
        ck_assert_msg(strstr(out, sweep_zh[i]), "no '%s' in:\n%.400s",
                      sweep_zh[i], out);
    }
    ck_assert_msg(!strstr(out, "variant") && !strstr(out, "cycles/pkt")
                  && !strstr(out, "confidence"), "%.400s", out);
    free(out);
    out = NULL;
    ck_assert_int_eq(vh_test_sh(&out, "'%s' sweep --variant all --set "
                                "stream.size=64 scenarios/cni.json",
                                vhsim()), 0);
    ck_assert_msg(strstr(out, "10 runs (10 variants x 1 point x 1 seed)\n"),
                  "%s", out);
    free(out);
    out = NULL;
    ck_assert_int_eq(vh_test_sh(&out, "'%s' compare --lang zh "
                                "scenarios/leaf-spine.json", vhsim()), 0);
    /* Rows, not the (English) description, which says 'routed'. */
    ck_assert_msg(strstr(out, "\n  已路由字节 ")
                  && !strstr(out, "\n  routed"), "%.400s", out);
    free(out);
    out = NULL;
    ck_assert_int_eq(vh_test_sh(&out, "'%s' compare --lang zh "
                                "scenarios/evb.json", vhsim()), 0);
    ck_assert_msg(strstr(out, "未匹配规则（默认允许）的帧")
                  && !strstr(out, "acl_default"), "%s", out);
    free(out);
    out = NULL;
    ck_assert_int_eq(vh_test_sh(&out, "'%s' run --lang zh "
                                "scenarios/dvswitch-migration.json",
                                vhsim()), 0);
    ck_assert_msg(strstr(out, "\n分布式交换机\n")
                  && strstr(out, "入向流量整形 {") && !strstr(out, "ingress")
                  && strstr(out, "最大\n"), "%s", out);
    free(out);
    out = NULL;
    ck_assert_int_eq(vh_test_sh(&out, "'%s' run --lang zh "
                                "scenarios/leaf-spine.json", vhsim()), 0);
    ck_assert_msg(strstr(out, "\n交换机\n") && !strstr(out, "\nSwitches"),
                  "%s", out);
    free(out);
}
END_TEST

/* --lang en and the default are the English report, byte for byte; zh
 * gives the same report in Chinese, with the same numbers. */
START_TEST(test_lang_en_is_default_zh_is_chinese)
{
    char *en = NULL, *def = NULL, *zh = NULL, *env = NULL;
    ck_assert_int_eq(vh_test_sh(&en, "'%s' run --lang en " DEMO, vhsim()),
                     0);
    ck_assert_int_eq(vh_test_sh(&def, "LC_ALL= LC_MESSAGES= LANG=C '%s' run "
                                DEMO, vhsim()), 0);
    ck_assert_str_eq(en, def);
    ck_assert_int_eq(vh_test_sh(&zh, "'%s' --lang zh run " DEMO, vhsim()),
                     0);
    static const char *const headings[] = {
        "主机 host1：4 个核", "每包周期数", "设备（", "抓包文件", "利用率",
        "软中断", "虚拟交换机", "已送达",
    };
    for (size_t i = 0; i < sizeof headings / sizeof *headings; i++) {
        ck_assert_msg(strstr(zh, headings[i]), "no '%s' in the Chinese "
                      "report", headings[i]);
    }
    ck_assert_msg(!strstr(zh, "\nDevices") && !strstr(zh, "cycles/packet"),
                  "English left in the Chinese report");
    /* The same figures: host1's cycles per packet, as English gives it. */
    const char *cpp = strstr(en, "cycles/packet ");
    ck_assert(cpp);
    char figure[32];
    ck_assert_int_eq(sscanf(cpp + strlen("cycles/packet "), "%31s", figure),
                     1);
    ck_assert_msg(strstr(zh, figure), "no %s in the Chinese report", figure);
    /* The locale chooses when --lang does not; --lang wins over it. */
    ck_assert_int_eq(vh_test_sh(&env, "LC_ALL= LC_MESSAGES= "
                                "LANG=zh_CN.UTF-8 '%s' run " DEMO, vhsim()),
                     0);
    ck_assert_str_eq(env, zh);
    free(env);
    ck_assert_int_eq(vh_test_sh(&env, "LANG=zh_CN.UTF-8 '%s' run " DEMO
                                " --lang=en", vhsim()), 0);
    ck_assert_str_eq(env, en);
    free(env);
    free(en);
    free(def);
    free(zh);
}
END_TEST

/* Chinese cells are padded by their width on a terminal: every row of
 * the core table is as wide as its header, in both languages. */
START_TEST(test_zh_tables_aligned)
{
    static const char *const langs[] = { "en", "zh" };
    for (size_t l = 0; l < 2; l++) {
        char *out = NULL;
        ck_assert_int_eq(vh_test_sh(&out, "'%s' run --lang %s " DEMO,
                                    vhsim(), langs[l]), 0);
        /* The line after the per-core caption is the header. */
        char *p = strstr(out, langs[l][0] == 'e' ? "  per core:"
                                                 : "  每个核：");
        ck_assert_ptr_nonnull(p);
        p = strchr(p, '\n') + 1;
        char *end = strchr(p, '\n');
        *end = '\0';
        size_t width = vh_text_width(p);
        for (int row = 0; row < 4; row++) {
            char *line = end + 1;
            end = strchr(line, '\n');
            *end = '\0';
            ck_assert_msg(vh_text_width(line) == width,
                          "%s: '%s' is %zu columns, its header %zu",
                          langs[l], line, vh_text_width(line), width);
        }
        free(out);
    }
}
END_TEST

/* A language vhsim does not have is refused before anything runs. */
START_TEST(test_lang_unknown_refused)
{
    char *out = NULL;
    int st = vh_test_sh(&out, "'%s' run " DEMO " --lang fr 2>&1 >/dev/null",
                        vhsim());
    ck_assert_int_eq(st, 2);
    ck_assert_str_eq(out, "vhsim: --lang: unknown language 'fr' (zh or "
                          "en)\n");
    free(out);
    st = vh_test_sh(&out, "'%s' compare --lang", vhsim());
    ck_assert_int_eq(st, 2);
    ck_assert_msg(strstr(out, "--lang needs a value"), "%s", out);
    free(out);
    st = vh_test_sh(&out, "'%s' explain --help", vhsim());
    ck_assert_msg(st == 0 && strstr(out, "--lang zh|en"), "%s", out);
    free(out);
}
END_TEST

/* Every vh_tr() text has its Chinese, with the same conversions. */
START_TEST(test_lang_catalog_complete)
{
    char *out = NULL;
    int st = vh_test_sh(&out, "sh tests/lang_missing.sh");
    ck_assert_msg(st == 0, "tests/lang_missing.sh:\n%s", out);
    free(out);
}
END_TEST

static Suite *
report_suite(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("explains");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_throughput_is_over_the_sending_window);
    tcase_add_test(tc, test_throughput_never_above_offered);
    tcase_add_test(tc, test_throughput_never_above_the_link);
    tcase_add_test(tc, test_ipis_apart_from_device_interrupts);
    tcase_add_test(tc, test_device_drop_reasons);
    tcase_add_test(tc, test_nothing_delivered_reads_dash);
    tcase_add_test(tc, test_explain_birth_and_moderation);
    tcase_add_test(tc, test_compare_per_core_rows);
    suite_add_tcase(s, tc);
    tc = tcase_create("lang");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_lang_en_is_default_zh_is_chinese);
    tcase_add_test(tc, test_description_in_the_readers_language);
    tcase_add_test(tc, test_zh_tables_aligned);
    tcase_add_test(tc, test_lang_unknown_refused);
    tcase_add_test(tc, test_lang_catalog_complete);
    tcase_add_test(tc, test_explain_zh_steps);
    tcase_add_test(tc, test_zh_labels_sweep_compare);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(report_suite)
