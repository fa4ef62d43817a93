/* tests/test_tcp.c: TCP flows and request/response (pattern "rr").
 *
 * Between two bare-metal hosts on one switch: the handshake's options as
 * tshark decodes them (Linux's order: MSS, SACK-permitted, timestamps,
 * NOP, window scale); a clean capture when nothing is lost (no bad
 * checksum, no malformed frame, no TCP analysis warning); the congestion
 * window against a hand-computed trace; a loss forced by a tiny transmit
 * ring, recovered to the last byte with the retransmissions counted and
 * flagged by tshark; transactions of TCP_RR and UDP_RR bound by their
 * latency; the same bytes for the same seed; and the loader's refusals,
 * each with its JSON path. */
#include <check.h>
#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/config.h"
#include "models/core/world.h"
#include "models/endpoint/tcp.h"
#include "report/report.h"
#include "sim/diag.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* Two hosts, 'a' and 'b', on switch 'sw'; host a's NIC has NIC_EXTRA
 * (and with PAIR3, b's B_EXTRA) and the flows are TRAFFIC.  Their cores never sleep ("cstate":
 * "poll"): these tests are about TCP, and the idle path's wakeups
 * (tests/test_idle.c) would blur the timing they check.  Their NICs'
 * segmentation and receive offloads are off, so that every segment TCP
 * builds is one frame (tests/test_offload.c tests them). */
#define NO_OFFLOADS                                                     \
    ", \"offloads\": { \"tso\": false, \"gso\": false, \"gro\": false }"
#define PAIR(NIC_EXTRA, TRAFFIC) PAIR3(NIC_EXTRA, "", TRAFFIC)
#define PAIR3(NIC_EXTRA, B_EXTRA, TRAFFIC)                              \
    PAIR_SW(NIC_EXTRA, B_EXTRA, "", TRAFFIC)
/* The same with SW_EXTRA in the switch. */
#define PAIR_SW(NIC_EXTRA, B_EXTRA, SW_EXTRA, TRAFFIC)                  \
    "{ \"name\": \"pair\", \"duration\": \"60ms\", \"hosts\": ["       \
    "{ \"name\": \"a\", \"cpu\": { \"cores\": 4, \"ghz\": 2.6, "         \
    "\"cstate\": \"poll\" },"                                             \
    "  \"nics\": [ { \"name\": \"eth0\", \"model\": \"82599\", "        \
    "\"mac\": \"02:00:00:00:00:01\", \"ip\": \"10.0.0.1/24\", "          \
    "\"link\": \"sw/p1\"" NO_OFFLOADS NIC_EXTRA " } ] },"                            \
    "{ \"name\": \"b\", \"cpu\": { \"cores\": 4, \"ghz\": 2.6, "         \
    "\"cstate\": \"poll\" },"                                             \
    "  \"nics\": [ { \"name\": \"eth0\", \"model\": \"82599\", "        \
    "\"mac\": \"02:00:00:00:00:02\", \"ip\": \"10.0.0.2/24\", "          \
    "\"link\": \"sw/p2\"" NO_OFFLOADS B_EXTRA " } ] } ],"                              \
    "\"switches\": [ { \"name\": \"sw\", \"mode\": \"802.1q\", "        \
    "\"ports\": 4" SW_EXTRA " } ],"                                     \
    "\"capture\": [ { \"point\": \"a/eth0\", \"file\": \"a.pcap\" } ],"  \
    "\"traffic\": [ " TRAFFIC " ] }"

/* A NIC that interrupts on every frame (PAIR3's extras). */
#define COALESCE_NONE                                                   \
    ", \"coalesce\": { \"adaptive-rx\": false, \"rx-usecs\": 0 }"

/* A bottleneck that drops: b's link at 1 Gb/s behind switch port buffers
 * of 64 frames.  (A full TX ring does not drop: the driver stops its
 * queue and the qdisc holds frames.) */
#define LOSSY(TRAFFIC)                                                  \
    PAIR_SW("", ", \"speed\": \"1G\"", ", \"port_buffer\": 64", TRAFFIC)

#define STREAM(BYTES, CC)                                               \
    "{ \"name\": \"s\", \"from\": \"a\", \"to\": \"b\", "               \
    "\"proto\": \"tcp\", \"bytes\": " BYTES ", \"cc\": \"" CC "\" }"

/* No bad checksum and no malformed frame in 'pcap'.  Without tshark's
 * reassembly of the payload: a capture before the point that dropped a
 * segment sees it and its retransmission, which reassembly reports as
 * overlapping data. */
static void
assert_decodes(const char *pcap)
{
    char *out = vh_tshark_out(pcap, "-o tcp.desegment_tcp_streams:FALSE "
                       "-Y '_ws.malformed || ip.checksum.status == 0 || "
                       "tcp.checksum.status == 0' | wc -l");
    ck_assert_int_eq(strtol(out, NULL, 10), 0);
    free(out);
    ck_assert_int_gt(vh_tshark_count(pcap, "tcp"), 0);
}

static const struct flow_stats *
flow(const struct wt_run *r, size_t i)
{
    ck_assert_uint_gt(r->w->n_flows, i);
    return &r->w->flows[i];
}

/* The SYN and the SYN-ACK carry Linux's options in Linux's order. */
START_TEST(test_tcp_handshake_options)
{
    vh_tshark_require();
    char *dir = vh_test_run_scenario(PAIR("", STREAM("14480", "cubic")), "");
    char pcap[PATH_MAX + 16];
    snprintf(pcap, sizeof pcap, "%s/a.pcap", dir);
    assert_decodes(pcap);
    /* Frames 1 and 2 are the ARP exchange. */
    vh_tshark_expect(pcap, 3, "-e tcp.flags.str -e tcp.option_kind "
                     "-e tcp.options.mss_val -e tcp.options.wscale.shift "
                     "-e tcp.options.timestamp.tsecr -e tcp.window_size",
                     "··········S·\t2,4,8,1,3\t1460\t7\t0\t64240\n");
    /* Frame 4 is the server's SYN-ACK, its TSecr the client's TSval. */
    char *tsval = vh_tshark_fields(pcap, 3, "-e tcp.options.timestamp.tsval");
    char want[128];
    snprintf(want, sizeof want, "·······A··S·\t2,4,8,1,3\t1460\t7\t%s",
             tsval);
    *strchr(want, '\n') = '\0';
    char *got = vh_tshark_fields(pcap, 4, "-e tcp.flags.str "
                                 "-e tcp.option_kind -e tcp.options.mss_val "
                                 "-e tcp.options.wscale.shift "
                                 "-e tcp.options.timestamp.tsecr");
    got[strcspn(got, "\n")] = '\0';
    ck_assert_str_eq(got, want);
    free(got);
    free(tsval);
    /* Then the client's ACK: timestamps only, behind two NOPs, and the
     * window scaled by 7 (3 MiB as 24576 << 7). */
    vh_tshark_expect(pcap, 5, "-e tcp.flags.str -e tcp.option_kind "
                     "-e tcp.window_size_value -e tcp.len",
                     "·······A····\t1,1,8\t24576\t0\n");
    free(dir);
}
END_TEST

/* Nothing is lost: every byte arrives, nothing is sent twice, and tshark
 * has no complaint about the stream, whose connection closes both ways.
 * (The transmit ring is made long enough for the whole window: vhsim's
 * stack has no queue discipline to hold back what a full ring refuses,
 * test_tcp_loss_recovered shows what happens then.) */
START_TEST(test_tcp_clean_stream)
{
    vh_tshark_require();
    const char *json = PAIR(", \"tx_ring\": 4096",
                            STREAM("1000000", "cubic"));
    char *dir = vh_test_run_scenario(json, "");
    char pcap[PATH_MAX + 16];
    snprintf(pcap, sizeof pcap, "%s/a.pcap", dir);
    assert_decodes(pcap);
    ck_assert_int_eq(vh_tshark_count(pcap, "tcp.analysis.flags && "
                                  "!tcp.analysis.window_update"), 0);
    ck_assert_int_eq(vh_tshark_count(pcap, "tcp.flags.fin == 1"), 2);
    /* 1000000 bytes: 690 full segments of 1448 and one of 880. */
    ck_assert_int_eq(vh_tshark_count(pcap, "tcp.len == 1448"), 690);
    ck_assert_int_eq(vh_tshark_count(pcap, "tcp.len == 880"), 1);
    ck_assert_int_eq(vh_tshark_count(pcap, "frame.len > 1514"), 0);
    free(dir);

    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    const struct flow_stats *fs = flow(&r, 0);
    ck_assert_uint_eq(fs->xport->goodput_bytes, 1000000);
    ck_assert_uint_eq(fs->xport->retransmits, 0);
    /* SYN, 691 data segments, FIN: each delivered once. */
    ck_assert_uint_eq(fs->sent, 693);
    ck_assert_uint_eq(fs->delivered, 693);
    ck_assert_uint_eq(fs->drops.total, 0);
    ck_assert_uint_gt(fs->xport->min_rtt, 0);
    ck_assert_uint_ge(fs->xport->srtt, fs->xport->min_rtt);
    wt_assert_conserved(r.w, false);
    wt_run_free(&r);
}
END_TEST

/* Slow start by hand: the window starts at 10 segments and opens by one
 * for each segment ACKed while it is what holds the sender back.  The
 * receiver ACKs each of the first 16 segments, then every second one:
 * ACKed counts run 1..16, 18, 20, ...  100 segments can all be out once
 * 100 - acked <= 10 + acked, at acked = 46 (at 44, 98 would be the
 * limit): the window ends at 10 + 46 = 56, then the sender has nothing
 * left to send and the window stays.  Reno and CUBIC agree in slow
 * start. */
START_TEST(test_tcp_slow_start_window)
{
    static const char *const ccs[] = { "reno", "cubic" };
    char json[4096];
    snprintf(json, sizeof json, PAIR("", "{ \"name\": \"s\", \"from\": "
             "\"a\", \"to\": \"b\", \"proto\": \"tcp\", \"bytes\": 144800, "
             "\"cc\": \"%s\" }"), ccs[_i]);
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    const struct flow_stats *fs = flow(&r, 0);
    ck_assert_uint_eq(fs->xport->goodput_bytes, 144800);
    ck_assert_uint_eq(fs->xport->retransmits, 0);
    ck_assert_uint_eq(fs->xport->cwnd, 56);
    wt_run_free(&r);

    /* And on the wire the flights double: 10 segments in the first round
     * trip, as the initial window allows, before the first ACK. */
    vh_tshark_require();
    char *dir = vh_test_run_scenario(json, "");
    char pcap[PATH_MAX + 16];
    snprintf(pcap, sizeof pcap, "%s/a.pcap", dir);
    /* After the handshake's three segments, 10 data segments leave
     * before the first ACK from b comes back. */
    char *out = vh_tshark_out(pcap, "-Y tcp -T fields -e ip.src -e tcp.len "
                       "| sed -n '4,14p' | tr '\\t\\n' ' ;'");
    ck_assert_msg(!strncmp(out, "10.0.0.1 1448;10.0.0.1 1448;10.0.0.1 1448;"
                           "10.0.0.1 1448;10.0.0.1 1448;10.0.0.1 1448;"
                           "10.0.0.1 1448;10.0.0.1 1448;10.0.0.1 1448;"
                           "10.0.0.1 1448;10.0.0.2 0;", strlen("10.0.0.1 "
                           "1448;") * 10 + strlen("10.0.0.2 0;")),
                  "first flight: %s", out);
    free(out);
    free(dir);
}
END_TEST

/* A stream with a 'duration' writes until then and closes: its FIN
 * comes after the last byte written, and the server closes too. */
START_TEST(test_tcp_duration_closes)
{
    const char *json = PAIR(", \"tx_ring\": 4096",
                            "{ \"name\": \"s\", \"from\": \"a\", "
                            "\"to\": \"b\", \"proto\": \"tcp\", "
                            "\"start\": \"1ms\", \"duration\": \"2ms\" }");
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    const struct flow_stats *fs = flow(&r, 0);
    const struct xport_stats *x = fs->xport;
    ck_assert_uint_gt(x->goodput_bytes, 100000);
    ck_assert_uint_eq(x->retransmits, 0);
    /* Everything written arrived, after the stop but not much after. */
    ck_assert_uint_ge(x->last_goodput, 3 * VH_MS);
    ck_assert_uint_lt(x->last_goodput, 4 * VH_MS);
    ck_assert_uint_eq(fs->sent, fs->delivered);
    wt_assert_conserved(r.w, false);
    wt_run_free(&r);

    vh_tshark_require();
    char *dir = vh_test_run_scenario(json, "");
    char pcap[PATH_MAX + 16];
    snprintf(pcap, sizeof pcap, "%s/a.pcap", dir);
    ck_assert_int_eq(vh_tshark_count(pcap, "tcp.flags.fin == 1"), 2);
    ck_assert_int_eq(vh_tshark_count(pcap, "tcp.analysis.flags && "
                                  "!tcp.analysis.window_update"), 0);
    /* The client's FIN follows its last data: no data after it. */
    char *out = vh_tshark_out(pcap, "-Y 'ip.src == 10.0.0.1 && (tcp.len > 0 || "
                       "tcp.flags.fin == 1)' -T fields -e tcp.flags.fin "
                       "| tail -2 | tr '\\n' ' '");
    ck_assert_str_eq(out, "0 1 ");
    free(out);
    free(dir);
}
END_TEST

/* Host b's 1 Gb/s port behind a switch buffer of 64 frames overflows as
 * the window grows: the segments it drops are counted with their reason,
 * the sender sends them again, and every byte arrives; tshark sees the
 * retransmissions. */
START_TEST(test_tcp_loss_recovered)
{
    const char *json = LOSSY(STREAM("1000000", "cubic"));
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    const struct flow_stats *fs = flow(&r, 0);
    ck_assert_uint_gt(fs->drops.total, 0);
    ck_assert_uint_eq(vh_drops_get(&fs->drops, "switch-buffer-full"),
                      fs->drops.total);
    ck_assert_uint_eq(fs->xport->goodput_bytes, 1000000);
    ck_assert_uint_gt(fs->xport->retransmits, 0);
    /* Each dropped segment was sent again, and hardly more: the SACK
     * scoreboard resends only what is missing, and only a loss probe
     * that fires before a late ACK resends a segment that got through. */
    ck_assert_uint_ge(fs->xport->retransmits, fs->drops.total);
    ck_assert_uint_le(fs->xport->retransmits,
                      fs->drops.total + fs->drops.total / 100 + 1);
    ck_assert_uint_eq(fs->sent, fs->delivered + fs->drops.total);
    /* 693 segments of their own (690 full, the rest, SYN and FIN), each
     * once, and the odd one a loss probe resent after all. */
    ck_assert_uint_eq(fs->delivered
                      - (fs->xport->retransmits - fs->drops.total), 693);
    wt_assert_conserved(r.w, false);
    wt_run_free(&r);

    vh_tshark_require();
    char *dir = vh_test_run_scenario(json, "");
    char pcap[PATH_MAX + 16];
    snprintf(pcap, sizeof pcap, "%s/a.pcap", dir);
    assert_decodes(pcap);
    ck_assert_int_gt(vh_tshark_count(pcap, "tcp.analysis.retransmission || "
                                  "tcp.analysis.fast_retransmission"), 0);
    ck_assert_int_gt(vh_tshark_count(pcap, "tcp.options.sack_le"), 0);
    free(dir);
}
END_TEST

/* Two hosts with 1 Gb/s NICs whose offloads are all 'on' ("true" or
 * "false"), for 'dur', streaming 1000000 bytes from a to b. */
static void
offload_pair(char *json, size_t n, const char *on, const char *dur)
{
    snprintf(json, n,
             "{ \"name\": \"o\", \"duration\": \"%s\", \"hosts\": ["
             "{ \"name\": \"a\", \"nics\": [ { \"name\": \"eth0\", "
             "\"ip\": \"10.0.0.1/24\", \"link\": \"sw/p1\", "
             "\"speed\": \"1G\", \"offloads\": { \"tso\": %s, "
             "\"gso\": %s, \"gro\": %s } } ] },"
             "{ \"name\": \"b\", \"nics\": [ { \"name\": \"eth0\", "
             "\"ip\": \"10.0.0.2/24\", \"link\": \"sw/p2\", "
             "\"speed\": \"1G\", \"offloads\": { \"tso\": %s, "
             "\"gso\": %s, \"gro\": %s } } ] } ],"
             "\"switches\": [ { \"name\": \"sw\", \"mode\": \"802.1q\", "
             "\"ports\": 4 } ],"
             "\"traffic\": [ " STREAM("1000000", "cubic") " ] }",
             dur, on, on, on, on, on, on);
}

/* The same stream with segmentation and receive offloads on (TCP hands
 * down super-frames, the NIC cuts them, GRO merges them again) and off
 * (every segment its own frame), on a 1 Gb/s link that is the
 * bottleneck either way: the flow counts the same frames, its wire
 * throughput is within 1% of the other's, and never below its goodput,
 * whose bytes it carries.  Cut short, the run leaves super-frames in
 * flight, each counted as its segments. */
START_TEST(test_tcp_offloads_same_wire)
{
    static const char *const on[] = { "true", "false" };
    double gbps[2];
    char json[4096];
    for (int i = 0; i < 2; i++) {
        offload_pair(json, sizeof json, on[i], "60ms");
        struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
        cJSON *rep = report_json(r.w, 0);
        const cJSON *f = cJSON_GetArrayItem(
            cJSON_GetObjectItemCaseSensitive(rep, "flows"), 0);
        /* SYN, 690 full segments and one of 880, FIN: as on the wire. */
        ck_assert_double_eq(vh_test_num(f, "sent"), 693);
        ck_assert_double_eq(vh_test_num(f, "delivered"), 693);
        ck_assert_double_eq(vh_test_num(f, "dropped"), 0);
        ck_assert_double_eq(vh_test_num(f, "in_flight"), 0);
        gbps[i] = vh_test_num(f, "throughput_gbps");
        double good = vh_test_num(f, "goodput_gbps");
        ck_assert_msg(gbps[i] >= good, "offloads %s: throughput %.4f "
                      "below goodput %.4f", on[i], gbps[i], good);
        /* The frames of a 1 Gb/s wire, 20 bytes of preamble and gap
         * apart: at most 1518 / 1538 of it. */
        ck_assert_msg(gbps[i] > 0.9 && gbps[i] < 0.99,
                      "offloads %s: %.4f Gbps", on[i], gbps[i]);
        cJSON_Delete(rep);
        wt_assert_conserved(r.w, false);
        wt_run_free(&r);
    }
    ck_assert_msg(fabs(gbps[0] / gbps[1] - 1) < 0.01,
                  "%.4f Gbps with offloads, %.4f without", gbps[0], gbps[1]);

    offload_pair(json, sizeof json, "true", "4ms");
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    ck_assert_uint_gt(world_in_flight(r.w, flow(&r, 0)), 0);
    wt_assert_conserved(r.w, false);
    wt_run_free(&r);
}
END_TEST

/* The first loss cuts the window by Reno's half or by CUBIC's beta,
 * 717/1024 as in tcp_cubic.c. */
START_TEST(test_tcp_loss_decrease)
{
    static const char *const ccs[] = { "reno", "cubic" };
    char json[4096];
    snprintf(json, sizeof json, LOSSY("{ \"name\": "
             "\"s\", \"from\": \"a\", \"to\": \"b\", \"proto\": "
             "\"tcp\", \"bytes\": 1000000, \"cc\": \"%s\" }"), ccs[_i]);
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    const struct xport_stats *x = flow(&r, 0)->xport;
    ck_assert_uint_gt(x->loss_cwnd, 10);
    uint32_t want = _i == 0 ? x->loss_cwnd / 2
                            : (uint32_t) (x->loss_cwnd * 717.0 / 1024.0);
    ck_assert_uint_eq(x->loss_ssthresh, want);
    ck_assert_uint_eq(x->goodput_bytes, 1000000);
    wt_run_free(&r);
}
END_TEST

/* One transaction outstanding: N transactions take N round trips, so
 * the rate is the inverse of the mean latency.  Four outstanding overlap
 * and do more a second.  For TCP_RR as for UDP_RR. */
START_TEST(test_tcp_rr_latency_bound)
{
    static const char *const protos[] = { "tcp", "udp" };
    char json[4096];
    /* An interrupt per frame on both hosts: the NICs' adaptive
     * moderation (tests/test_idle.c) would hold four outstanding
     * transactions' frames for each other. */
    snprintf(json, sizeof json, PAIR3(COALESCE_NONE, COALESCE_NONE,
             "{ \"name\": \"one\", \"from\": "
             "\"a\", \"to\": \"b\", \"proto\": \"%s\", \"pattern\": \"rr\", "
             "\"count\": 200 }, { \"name\": \"four\", \"from\": \"a\", "
             "\"to\": \"b\", \"proto\": \"%s\", \"pattern\": \"rr\", "
             "\"burst\": 4, \"count\": 200, \"start\": \"30ms\", "
             "\"dport\": 7 }"), protos[_i], protos[_i]);
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    const struct flow_stats *one = flow(&r, 0), *four = flow(&r, 1);
    ck_assert_uint_eq(one->sent, 200);
    ck_assert_uint_eq(one->delivered, 200);
    ck_assert_uint_eq(one->xport->transactions, 200);
    ck_assert_uint_eq(four->delivered, 200);
    double span = (double) (one->xport->last_transaction
                            - one->cfg->start) / VH_SEC;
    double tps = 200 / span;
    double mean_s = vh_hist_mean(&one->latency) * 1e-9;
    /* Back to back: between a reply and the next request only the
     * client's own calls, so within 5% of one per mean latency. */
    ck_assert_msg(fabs(tps * mean_s - 1) < 0.05, "tps %.0f, mean %.1f us",
                  tps, mean_s * 1e6);
    double span4 = (double) (four->xport->last_transaction
                             - four->cfg->start) / VH_SEC;
    ck_assert_msg(200 / span4 > 1.5 * tps, "burst 4: %.0f/s vs %.0f/s",
                  200 / span4, tps);
    wt_assert_conserved(r.w, false);
    wt_run_free(&r);
}
END_TEST

/* A few transactions on a clean network send nothing twice.  After the
 * last reply the client has no request for its ACK to ride on, so the
 * ACK waits for the 40 ms delayed-ACK timer: a lone segment out is why
 * Linux's tail-loss probe then waits the minimum RTO beyond 2 SRTT, not
 * 2 ms, and the reply is not probed. */
START_TEST(test_tcp_rr_no_spurious_probe)
{
    const char *json = PAIR("", "{ \"name\": \"rr\", \"from\": \"a\", "
                            "\"to\": \"b\", \"proto\": \"tcp\", "
                            "\"pattern\": \"rr\", \"count\": 3 }");
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    const struct flow_stats *fs = flow(&r, 0);
    ck_assert_uint_eq(fs->xport->transactions, 3);
    ck_assert_uint_eq(fs->xport->retransmits, 0);
    ck_assert_uint_eq(fs->drops.total, 0);
    wt_run_free(&r);
}
END_TEST

/* 'vhsim explain' follows a TCP request/response flow's packet N: the
 * segment that carries transaction N's request, from the client's
 * application to the server's stack; none of the client's other
 * segments (its SYN, its ACKs) is taken for it. */
START_TEST(test_tcp_rr_explained)
{
    char *dir = vh_test_tmpdir();
    char path[4096];
    snprintf(path, sizeof path, "%s/rr.json", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(PAIR("", "{ \"name\": \"rr\", \"from\": \"a\", "
               "\"to\": \"b\", \"proto\": \"tcp\", "
               "\"pattern\": \"rr\", \"count\": 3 }"), f);
    fclose(f);
    for (int n = 0; n < 3; n++) {
        char *out = NULL;
        int st = vh_test_sh(&out, "'%s' explain '%s' --flow rr --packet %d "
                            "--lang en", vh_test_bin(), path, n);
        ck_assert_msg(st == 0, "packet %d: %s", n, out);
        ck_assert_msg(strstr(out, "a/eth0") && strstr(out, "b/eth0")
                      && strstr(out, "tcp_input")
                      && !strstr(out, "never sent"), "packet %d: %s", n,
                      out);
        /* A request of 64-byte frames: never the SYN's longer frame. */
        ck_assert_msg(strstr(out, "67-byte frame")
                      || strstr(out, "60-byte frame"), "%s", out);
        free(out);
    }
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* The tail of a stream lost (b's link down while the last flight is
 * out), with nothing after it to bring duplicate ACKs: the tail-loss
 * probe, 2 SRTT and 2 ms after the last ACK with several segments out,
 * finds the loss and every byte arrives, a few milliseconds late, long
 * before the 200 ms retransmission timer would have fired. */
START_TEST(test_tcp_tail_loss_probed)
{
    const char *json =
        "{ \"name\": \"tail\", \"duration\": \"1s\", \"hosts\": ["
        "{ \"name\": \"a\", \"nics\": [ { \"name\": \"eth0\", "
        "\"ip\": \"10.0.0.1/24\", \"link\": \"sw/p1\" } ] },"
        "{ \"name\": \"b\", \"nics\": [ { \"name\": \"eth0\", "
        "\"ip\": \"10.0.0.2/24\", \"link\": \"sw/p2\" } ] } ],"
        "\"switches\": [ { \"name\": \"sw\", \"mode\": \"802.1q\", "
        "\"ports\": 4 } ],"
        "\"events\": [ { \"at\": \"325us\", \"action\": \"link-down\", "
        "\"target\": \"b/eth0\" }, { \"at\": \"375us\", "
        "\"action\": \"link-up\", \"target\": \"b/eth0\" } ],"
        "\"traffic\": [ " STREAM("300000", "cubic") " ] }";
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    const struct flow_stats *fs = flow(&r, 0);
    ck_assert_uint_gt(fs->drops.total, 0);
    ck_assert_uint_eq(vh_drops_get(&fs->drops, "link-down"),
                      fs->drops.total);
    ck_assert_uint_eq(fs->xport->goodput_bytes, 300000);
    ck_assert_uint_ge(fs->xport->retransmits, fs->drops.total);
    ck_assert_msg(fs->xport->last_goodput > 2 * VH_MS
                  && fs->xport->last_goodput < 10 * VH_MS,
                  "last byte at %llu ns", (unsigned long long)
                  (fs->xport->last_goodput / VH_NS));
    wt_assert_conserved(r.w, false);
    wt_run_free(&r);
}
END_TEST

/* A stream with a 'rate' is an application that writes no faster (as
 * iperf3's -b): on a 10 Gb/s path that carries several Gb/s without it,
 * a 1 Gb/s stream's goodput is its rate, never more, as is its
 * payload delivered by each moment; the wire carries that and the
 * headers. */
/* A stream paced at 20 Gb/s into a 1 Gb/s cable for 10 ms: the
 * application's writes block once the socket's 4 MiB buffer holds what
 * is not yet acknowledged, so after its stop it leaves at most that
 * behind it to drain (about 35 ms at 1 Gb/s), not the 24 MB a write
 * that never blocked would have queued (200 ms). */
START_TEST(test_tcp_paced_stream_bounded_by_its_buffer)
{
    const char *json =
        "{ \"name\": \"pace\", \"duration\": \"1s\", \"hosts\": ["
        "{ \"name\": \"a\", \"nics\": [ { \"name\": \"eth0\", "
        "\"model\": \"i350\", \"ip\": \"10.0.0.1/24\", "
        "\"link\": \"b/eth0\" } ] },"
        "{ \"name\": \"b\", \"nics\": [ { \"name\": \"eth0\", "
        "\"model\": \"i350\", \"ip\": \"10.0.0.2/24\" } ] } ],"
        "\"traffic\": [ { \"name\": \"t\", \"from\": \"a\", \"to\": \"b\", "
        "\"proto\": \"tcp\", \"rate\": \"20Gbps\", \"duration\": \"10ms\" } ] }";
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    const struct xport_stats *x = flow(&r, 0)->xport;
    ck_assert_uint_gt(x->goodput_bytes, 4u << 20);
    ck_assert_uint_lt(x->goodput_bytes, (4u << 20) + 1250000 + 200000);
    ck_assert_msg(x->last_goodput < 60 * VH_MS, "last byte at %.3f ms",
                  (double) x->last_goodput / VH_MS);
    wt_assert_conserved(r.w, false);
    wt_run_free(&r);
}
END_TEST

START_TEST(test_tcp_rate_paces_stream)
{
    static const char *const rates[] = { "", ", \"rate\": \"1Gbps\"" };
    double good[2];
    for (int i = 0; i < 2; i++) {
        char json[4096];
        snprintf(json, sizeof json, PAIR(", \"tx_ring\": 4096",
                 "{ \"name\": \"s\", \"from\": \"a\", \"to\": \"b\", "
                 "\"proto\": \"tcp\", \"duration\": \"2ms\"%s }"),
                 rates[i]);
        struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
        cJSON *rep = report_json(r.w, 0);
        const cJSON *f = cJSON_GetArrayItem(
            cJSON_GetObjectItemCaseSensitive(rep, "flows"), 0);
        good[i] = vh_test_num(f, "goodput_gbps");
        ck_assert_msg(vh_test_num(f, "throughput_gbps") >= good[i],
                      "throughput %.4f, goodput %.4f",
                      vh_test_num(f, "throughput_gbps"), good[i]);
        if (i == 1) {
            /* What was read by the last byte is at most what 1 Gb/s
             * allowed since the start. */
            const struct xport_stats *x = flow(&r, 0)->xport;
            double allowed = (double) (x->last_goodput
                                       - flow(&r, 0)->cfg->start)
                             / VH_SEC * 1e9 / 8;
            ck_assert_double_le(x->goodput_bytes, allowed);
        }
        cJSON_Delete(rep);
        wt_assert_conserved(r.w, false);
        wt_run_free(&r);
    }
    ck_assert_msg(good[0] > 3, "unpaced: %.4f Gbps", good[0]);
    ck_assert_msg(good[1] > 0.9 && good[1] <= 1.0, "1Gbps: %.4f", good[1]);
}
END_TEST

/* The same seed makes the same report and the same capture, to the
 * byte; another seed another initial sequence number. */
START_TEST(test_tcp_deterministic)
{
    const char *json = PAIR(", \"tx_ring\": 64", STREAM("300000", "reno")
                            ", { \"name\": \"rr\", \"from\": \"a\", "
                            "\"to\": \"b\", \"proto\": \"tcp\", "
                            "\"pattern\": \"rr\", \"dport\": 12865 }");
    char *d1 = vh_test_run_scenario(json, "--json r.json");
    char *d2 = vh_test_run_scenario(json, "--json r.json");
    char *d3 = vh_test_run_scenario(json, "--json r.json --seed 7");
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && sed -i '/wall_s/d' r.json && "
                        "cd '%s' && sed -i '/wall_s/d' r.json && "
                        "cmp '%s/r.json' '%s/r.json' && "
                        "cmp '%s/a.pcap' '%s/a.pcap'", d1, d2, d1, d2, d1,
                        d2);
    ck_assert_msg(st == 0, "runs differ: %s", out);
    free(out);
    st = vh_test_sh(&out, "cmp -s '%s/a.pcap' '%s/a.pcap'", d1, d3);
    ck_assert_msg(st != 0, "seed 7 made the same capture");
    free(out);
    free(d1);
    free(d2);
    free(d3);
}
END_TEST

/* scenarios/tcp-access-methods.json shows what its description says:
 * the stream's goodput orders the access methods by what each frame
 * costs the host (a VF, vhost-net, the QEMU backend, e1000), and every
 * variant's transactions complete one at a time. */
START_TEST(test_tcp_access_methods_scenario)
{
    static const char *const order[] = { "sr-iov", "vhost-net",
                                         "virtio-qemu", "e1000" };
    char *json = vh_test_slurp("scenarios/tcp-access-methods.json", NULL);
    ck_assert_ptr_nonnull(json);
    double last = INFINITY;
    for (size_t i = 0; i < 4; i++) {
        struct wt_run r = wt_run_json(json, order[i], NULL, NULL);
        const struct flow_stats *st = flow(&r, 0), *rr = flow(&r, 1);
        double g = (double) st->xport->goodput_bytes
                   / (double) (st->xport->last_goodput - st->cfg->start);
        ck_assert_msg(g < last, "%s: goodput not below the one before",
                      order[i]);
        last = g;
        ck_assert_uint_gt(rr->xport->transactions, 10);
        ck_assert_uint_eq(rr->sent - rr->delivered, 1);
        wt_assert_conserved(r.w, false);
        wt_run_free(&r);
    }
    free(json);
}
END_TEST

/* --- The loader. --- */

#define FLOW(EXTRA)                                                      \
    "{\"traffic\": [{\"name\": \"f\", \"from\": \"a\", \"to\": \"b\", " \
    EXTRA "}]}"

static const struct {
    const char *json;
    const char *msg;
} bad[] = {
    { FLOW("\"proto\": \"udp\", \"rate\": \"1kpps\", \"bytes\": 100"),
      "traffic[0].bytes: 'bytes' applies only to tcp streams (not rr)" },
    { FLOW("\"proto\": \"udp\", \"rate\": \"1kpps\", \"cc\": \"reno\""),
      "traffic[0].cc: 'cc' applies only to tcp flows" },
    { FLOW("\"proto\": \"tcp\", \"cc\": \"bbr\""),
      "traffic[0].cc: unknown congestion control 'bbr' (expected one of "
      "cubic, reno)" },
    { FLOW("\"proto\": \"icmp\", \"pattern\": \"rr\""),
      "traffic[0].pattern: 'rr' applies to udp and tcp flows; an icmp flow "
      "is already request and reply (echo)" },
    { FLOW("\"proto\": \"tcp\", \"pattern\": \"poisson\""),
      "traffic[0].pattern: a tcp stream is paced by its windows, not by a "
      "pattern; \"rr\" makes it request/response" },
    { FLOW("\"proto\": \"tcp\", \"size\": 100"),
      "traffic[0].size: 100 is too small for a tcp stream's frames: they "
      "carry at least 48 bytes (Linux's tcp_min_snd_mss) behind 70 bytes "
      "of headers, timestamps and FCS, so at least 118" },
    { FLOW("\"proto\": \"tcp\", \"count\": 5"),
      "traffic[0].count: a tcp stream sends 'bytes' (or for a 'duration'), "
      "not a count of packets" },
    { FLOW("\"proto\": \"tcp\", \"bytes\": 5, \"duration\": \"1ms\""),
      "traffic[0].bytes: give either 'bytes' or 'duration', not both" },
    { FLOW("\"proto\": \"udp\", \"pattern\": \"rr\", \"burst\": 0"),
      "traffic[0].burst: 0 is out of range; expected 1 to 1024 (the "
      "transactions a client keeps outstanding)" },
    { FLOW("\"proto\": \"udp\", \"rate\": \"1kpps\", \"response_size\": 64"),
      "traffic[0].response_size: 'response_size' applies only to the rr "
      "pattern" },
    { FLOW("\"proto\": \"udp\", \"rate\": \"1kpps\", \"burst\": 2"),
      "traffic[0].burst: 'burst' is the packets of one burst of pattern "
      "\"burst\", or the transactions outstanding of pattern \"rr\"; this "
      "flow's pattern is \"cbr\"" },
    { FLOW("\"proto\": \"tcp\", \"concurrent_flows\": 4"),
      "traffic[0].concurrent_flows: a tcp flow is one connection; give "
      "several flows for several" },
    { FLOW("\"proto\": \"udp\""),
      "traffic[0]: missing required key 'rate' (such as \"100kpps\" or "
      "\"1Gbps\"), or 'pcap' to replay a capture" },
    { FLOW("\"proto\": \"tcp\", \"rate\": \"10kpps\""),
      "traffic[0].rate: a tcp stream's rate caps the bits its application "
      "writes, as iperf3's -b; give bits per second, such as \"1Gbps\", "
      "not \"10kpps\"" },
};

START_TEST(test_tcp_refusals)
{
    struct vh_diag d;
    vh_diag_init(&d);
    struct cfg_scenario *sc = cfg_load_string(bad[_i].json, "t.json", NULL,
                                              &d);
    ck_assert_ptr_null(sc);
    ck_assert_str_eq(d.msg, bad[_i].msg);
}
END_TEST

/* The command line refuses with status 2 and writes nothing. */
START_TEST(test_tcp_refusal_exit)
{
    char *dir = vh_test_tmpdir();
    char bin[PATH_MAX];
    ck_assert(realpath(vh_test_bin(), bin) != NULL);
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && printf '%%s' '%s' > s.json && "
                        "'%s' run s.json --json r.json; echo \" rc=$?\"; "
                        "ls", dir, PAIR("", "{ \"name\": \"s\", \"from\": "
                        "\"a\", \"to\": \"b\", \"proto\": \"tcp\", "
                        "\"cc\": \"vegas\" }"), bin);
    ck_assert_int_eq(st, 0);
    ck_assert_msg(strstr(out, "traffic[0].cc: unknown congestion control "
                         "'vegas'") && strstr(out, "rc=2")
                  && !strstr(out, "r.json") && !strstr(out, "a.pcap"),
                  "%s", out);
    free(out);
    free(dir);
}
END_TEST

static Suite *
tcp_suite(void)
{
    Suite *s = suite_create("tcp");
    TCase *tc = tcase_create("loader");
    tcase_add_loop_test(tc, test_tcp_refusals, 0,
                        (int) (sizeof bad / sizeof bad[0]));
    tcase_add_test(tc, test_tcp_refusal_exit);
    suite_add_tcase(s, tc);
    tc = tcase_create("runs");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_tcp_handshake_options);
    tcase_add_test(tc, test_tcp_clean_stream);
    tcase_add_loop_test(tc, test_tcp_slow_start_window, 0, 2);
    tcase_add_test(tc, test_tcp_duration_closes);
    tcase_add_test(tc, test_tcp_offloads_same_wire);
    tcase_add_test(tc, test_tcp_loss_recovered);
    tcase_add_loop_test(tc, test_tcp_loss_decrease, 0, 2);
    tcase_add_loop_test(tc, test_tcp_rr_latency_bound, 0, 2);
    tcase_add_test(tc, test_tcp_rr_no_spurious_probe);
    tcase_add_test(tc, test_tcp_rr_explained);
    tcase_add_test(tc, test_tcp_tail_loss_probed);
    tcase_add_test(tc, test_tcp_rate_paces_stream);
    tcase_add_test(tc, test_tcp_paced_stream_bounded_by_its_buffer);
    tcase_add_test(tc, test_tcp_deterministic);
    tcase_add_test(tc, test_tcp_access_methods_scenario);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(tcp_suite)
