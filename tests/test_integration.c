/* tests/test_integration.c: the vhsim binary, end to end.
 *
 * Runs the demo scenario the way a user does, then reads its captures with
 * tshark: every frame decodes with no expert warning (checksums verified),
 * every echo request has its reply, and two runs with the same seed give
 * the same bytes.  Also: bad input exits 2 and writes nothing. */
#include <check.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/testutil.h"

static char bin[PATH_MAX];
static char demo[PATH_MAX];

static void
resolve_paths(void)
{
    if (!realpath(vh_test_bin(), bin)) {
        ck_abort_msg("vhsim binary '%s' not found", vh_test_bin());
    }
    ck_assert_ptr_nonnull(realpath("scenarios/demo.json", demo));
}

static bool
have_tshark(void)
{
    return vh_test_sh(NULL, "command -v tshark") == 0;
}

/* Runs the demo in 'dir' (captures land under dir/traces), writing the
 * JSON report to dir/NAME. */
static void
run_demo(const char *dir, const char *json_name)
{
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && '%s' run '%s' --json '%s'", dir,
                        bin, demo, json_name);
    ck_assert_msg(st == 0, "vhsim run failed (%d):\n%s", st, out);
    free(out);
}

static const char *const demo_pcaps[] = {
    "traces/demo-host1-eth0.pcap",
    "traces/demo-tor1-p2.pcap",
    "traces/demo-vm1-eth0.pcap",
};

START_TEST(test_demo_captures_decode_cleanly)
{
    resolve_paths();
    if (!have_tshark()) {
        ck_abort_msg("tshark is required (make deps installs it)");
    }
    char *dir = vh_test_tmpdir();
    run_demo(dir, "report.json");
    for (size_t i = 0; i < sizeof demo_pcaps / sizeof *demo_pcaps; i++) {
        char *out = NULL;
        int st = vh_test_sh(&out, "cd '%s' && tshark -r '%s' -o "
                            "ip.check_checksum:TRUE -o udp.check_checksum:TRUE"
                            " -q -z expert", dir, demo_pcaps[i]);
        ck_assert_msg(st == 0, "tshark failed on %s: %s", demo_pcaps[i], out);
        ck_assert_msg(!strstr(out, "Errors") && !strstr(out, "Warns")
                      && !strstr(out, "Malformed"),
                      "%s has expert findings:\n%s", demo_pcaps[i], out);
        free(out);
        int frames = 0;
        st = vh_test_sh(&out, "cd '%s' && tshark -r '%s' 2>/dev/null | wc -l", dir,
                        demo_pcaps[i]);
        frames = atoi(out);
        ck_assert_msg(frames > 0, "%s is empty", demo_pcaps[i]);
        free(out);
    }
    free(dir);
}
END_TEST

START_TEST(test_demo_pings_are_answered)
{
    resolve_paths();
    char *dir = vh_test_tmpdir();
    run_demo(dir, "report.json");
    /* tor1/p2 sees the remote's requests go out and the replies come back. */
    char *req = NULL, *rep = NULL, *noresp = NULL;
    vh_test_sh(&req, "cd '%s' && tshark -r traces/demo-tor1-p2.pcap -Y "
               "'icmp.type == 8' 2>/dev/null | wc -l", dir);
    vh_test_sh(&rep, "cd '%s' && tshark -r traces/demo-tor1-p2.pcap -Y "
               "'icmp.type == 0 && icmp.resp_to' 2>/dev/null | wc -l", dir);
    vh_test_sh(&noresp, "cd '%s' && tshark -r traces/demo-tor1-p2.pcap -Y "
               "'icmp.no_resp' 2>/dev/null | wc -l", dir);
    ck_assert_int_gt(atoi(req), 0);
    ck_assert_int_eq(atoi(req), atoi(rep));
    ck_assert_int_eq(atoi(noresp), 0);
    free(req);
    free(rep);
    free(noresp);

    /* The first frames on the wire are the ARP exchange that precedes the
     * first IP packet. */
    char *first = NULL;
    vh_test_sh(&first, "cd '%s' && tshark -r traces/demo-tor1-p2.pcap -T "
               "fields -e frame.protocols -c 2 2>/dev/null", dir);
    ck_assert_msg(strstr(first, "eth:ethertype:arp\neth:ethertype:arp"),
                  "expected ARP request and reply first, got:\n%s", first);
    free(first);
    free(dir);
}
END_TEST

START_TEST(test_demo_report_keeps_the_contract)
{
    resolve_paths();
    char *dir = vh_test_tmpdir();
    run_demo(dir, "report.json");
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/report.json", dir);
    char *json = vh_test_slurp(path, NULL);
    ck_assert_ptr_nonnull(json);
    static const char *const keys[] = {
        "\"scenario\"", "\"seed\"", "\"sim_time_ns\"", "\"events\"",
        "\"wall_s\"", "\"flows\"", "\"sent\"", "\"delivered\"",
        "\"dropped\"", "\"drops\"", "\"throughput_gbps\"",
        "\"throughput_mpps\"", "\"latency_ns\"", "\"p50\"", "\"p99\"",
        "\"hosts\"", "\"cores\"", "\"util\"", "\"guest\"", "\"vmexit\"",
        "\"qemu\"", "\"vhost\"", "\"softirq\"", "\"irq\"", "\"vswitch\"",
        "\"poll\"", "\"cycles_per_packet\"", "\"interrupts\"",
        "\"vm_exits\"", "\"copies_bytes\"", "\"devices\"", "\"path\"",
        "\"rx\"", "\"tx\"", "\"in_flight\"",
    };
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        ck_assert_msg(strstr(json, keys[i]), "report lacks %s", keys[i]);
    }
    /* Checked with python3's json module: it parses and conserves. */
    char *out = NULL;
    int st = vh_test_sh(&out, "python3 -c 'import json,sys\n"
        "r=json.load(open(sys.argv[1]))\n"
        "for f in r[\"flows\"]:\n"
        "  assert f[\"sent\"]==f[\"delivered\"]+f[\"dropped\"]+f[\"in_flight\"], f\n"
        "  assert f[\"dropped\"]==sum(f[\"drops\"].values()), f\n"
        "  assert f[\"delivered\"]>0, f\n"
        "assert any(h[\"vm_exits\"]>0 for h in r[\"hosts\"])\n"
        "for h in r[\"hosts\"]:\n"
        "  for k in (\"cycles_per_packet\",\"interrupts\",\"vm_exits\",\"copies_bytes\",\"containers\"):\n"
        "    assert k in h, (h[\"name\"], k)\n"
        "print(\"ok\")' '%s'", path);
    ck_assert_msg(st == 0 && strstr(out, "ok"), "report check: %s", out);
    free(out);
    free(json);
    free(dir);
}
END_TEST

START_TEST(test_same_seed_same_bytes)
{
    resolve_paths();
    char *a = vh_test_tmpdir(), *b = vh_test_tmpdir();
    run_demo(a, "report.json");
    run_demo(b, "report.json");
    for (size_t i = 0; i < sizeof demo_pcaps / sizeof *demo_pcaps; i++) {
        int st = vh_test_sh(NULL, "cmp '%s/%s' '%s/%s'", a, demo_pcaps[i], b,
                            demo_pcaps[i]);
        ck_assert_msg(st == 0, "%s differs between runs", demo_pcaps[i]);
    }
    /* The report, less the wall-clock time. */
    int st = vh_test_sh(NULL, "cmp <(grep -v wall_s '%s/report.json') "
                        "<(grep -v wall_s '%s/report.json')", a, b);
    ck_assert_msg(st == 0, "reports differ between runs");
    /* The terminal report is identical byte for byte. */
    st = vh_test_sh(NULL, "cd '%s' && '%s' run '%s' > t1 2>/dev/null && "
                    "'%s' run '%s' > t2 2>/dev/null && cmp t1 t2", a, bin,
                    demo, bin, demo);
    ck_assert_msg(st == 0, "terminal reports differ between runs");
    /* A different seed changes the Poisson flow, so the bytes differ. */
    st = vh_test_sh(NULL, "cd '%s' && '%s' run '%s' --seed 99 --quiet && "
                    "! cmp -s traces/demo-host1-eth0.pcap '%s/%s'", b, bin,
                    demo, a, demo_pcaps[0]);
    ck_assert_msg(st == 0, "seed 99 gave the same capture as seed 1");
    free(a);
    free(b);
}
END_TEST

START_TEST(test_bad_input_writes_nothing)
{
    resolve_paths();
    char *dir = vh_test_tmpdir();
    char *out = NULL;
    /* A capture is named, then the scenario fails validation later on. */
    int st = vh_test_sh(&out, "cd '%s' && sed 's/\"vhost-net\"/\"vhost-nte\"/'"
                        " '%s' > bad.json && '%s' run bad.json --json r.json",
                        dir, demo, bin);
    ck_assert_int_eq(st, 2);
    ck_assert_msg(strstr(out, "bad.json: hosts[0].vms[0].nics[0].backend"),
                  "error does not name the JSON path:\n%s", out);
    ck_assert_msg(strstr(out, "did you mean 'vhost-net'"), "no hint:\n%s",
                  out);
    free(out);
    st = vh_test_sh(&out, "cd '%s' && ls -A traces r.json 2>/dev/null | wc -l",
                    dir);
    ck_assert_msg(atoi(out) == 0, "bad input left files behind");
    free(out);

    /* Refused when the model is built, after loading: still status 2,
     * still the JSON path, still nothing written. */
    st = vh_test_sh(&out, "cd '%s' && sed 's#10.0.0.100/24#10.0.1.100/24#' "
                    "'%s' > sub.json && '%s' run sub.json --json r.json", dir,
                    demo, bin);
    ck_assert_int_eq(st, 2);
    ck_assert_msg(strstr(out, "sub.json: traffic[0].to: 'remote' (10.0.1.100)"
                         " is not in the subnet of 'host1/vm1'"), "%s", out);
    free(out);
    st = vh_test_sh(&out, "cd '%s' && ls -A traces r.json 2>/dev/null | wc -l",
                    dir);
    ck_assert_msg(atoi(out) == 0, "a refused model left files behind");
    free(out);

    /* Usage errors. */
    ck_assert_int_eq(vh_test_sh(NULL, "'%s' run", bin), 2);
    ck_assert_int_eq(vh_test_sh(NULL, "'%s' frobnicate x", bin), 2);
    ck_assert_int_eq(vh_test_sh(NULL, "'%s' run '%s' --seed -1", bin, demo),
                     2);
    ck_assert_int_eq(vh_test_sh(NULL, "'%s' run /nonexistent.json", bin), 2);
    ck_assert_int_eq(vh_test_sh(NULL, "'%s' --help", bin), 0);
    ck_assert_int_eq(vh_test_sh(NULL, "'%s' run --help", bin), 0);
    ck_assert_int_eq(vh_test_sh(NULL, "'%s' check '%s'", bin, demo), 0);
    free(dir);
}
END_TEST

START_TEST(test_explain_follows_a_packet)
{
    resolve_paths();
    char *out = NULL;
    int st = vh_test_sh(&out, "'%s' explain '%s' --packet 1", bin, demo);
    ck_assert_msg(st == 0, "explain failed: %s", out);
    /* The second UDP packet leaves the guest, is kicked to vhost (an
     * exit), crosses the bridge and the wire, and is delivered.  (The
     * first follows vm1's ARP request into the TX ring while the worker
     * still has it: no kick.) */
    static const char *const seen[] = {
        "host1/vm1/eth0", "vmexit", "vhost", "host1/br0", "bridge_forward",
        "host1/eth0", "tor1/p1", "tor1/p2", "remote/eth0", "DELIVERED",
    };
    const char *at = out;
    for (size_t i = 0; i < sizeof seen / sizeof *seen; i++) {
        const char *hit = strstr(at, seen[i]);
        ck_assert_msg(hit, "explain output lacks '%s' (in order):\n%s",
                      seen[i], out);
        at = hit;
    }
    free(out);
}
END_TEST


START_TEST(test_interrupted_run_leaves_no_capture)
{
    resolve_paths();
    char *dir = vh_test_tmpdir();
    char *out = NULL;
    /* The bench scenario stretched to a long run, with a capture. */
    int st = vh_test_sh(&out, "cd '%s' && python3 -c 'import json,sys\n"
        "s=json.load(open(sys.argv[1]))\n"
        "s[\"duration\"]=\"20s\"\n"
        "s[\"capture\"]=[{\"point\":\"host1/eth0\",\"file\":\"traces/x.pcap\"}]\n"
        "json.dump(s,open(\"long.json\",\"w\"))' '%s/scenarios/bench/"
        "bridge_flood.json' && ('%s' run long.json --quiet & pid=$!; "
        "sleep 1; kill -INT $pid; wait $pid; echo status=$?)",
        dir, getenv("PWD") ? getenv("PWD") : ".", bin);
    ck_assert_msg(st == 0, "%s", out);
    ck_assert_msg(strstr(out, "status=130"), "not ended by SIGINT: %s", out);
    free(out);
    st = vh_test_sh(&out, "cd '%s' && ls -A traces 2>/dev/null | wc -l", dir);
    ck_assert_msg(atoi(out) == 0, "an interrupted run left files in traces/");
    free(out);
    free(dir);
}
END_TEST

static Suite *
integration_suite(void)
{
    Suite *s = suite_create("integration");
    TCase *tc = tcase_create("demo");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_demo_captures_decode_cleanly);
    tcase_add_test(tc, test_demo_pings_are_answered);
    tcase_add_test(tc, test_demo_report_keeps_the_contract);
    tcase_add_test(tc, test_same_seed_same_bytes);
    tcase_add_test(tc, test_bad_input_writes_nothing);
    tcase_add_test(tc, test_explain_follows_a_packet);
    tcase_add_test(tc, test_interrupted_run_leaves_no_capture);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(integration_suite)
