/* tests/test_traffic.c: how a flow's packets are made and spaced in
 * time: bursts (pattern "burst"), the replay of a capture ("pcap"), and
 * changes during the run (events of action "set"). */
#include <check.h>
#include <cjson/cJSON.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/port.h"
#include "models/core/world.h"
#include "sim/frame.h"
#include "sim/packet.h"
#include "sim/trace.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* Two bare-metal hosts cabled NIC to NIC: 'a' (10.0.0.1) sends flow
 * 'flow' (a JSON object's keys, after the name) to 'b' (10.0.0.2).
 * Their cores never sleep, so a packet leaves when it is due, not after
 * a C-state's exit (tests/test_idle.c). */
static char *
pair_json(const char *flow)
{
    char *json = NULL;
    int n = asprintf(&json,
        "{ \"name\": \"pair\", \"seed\": 1, \"duration\": \"2ms\","
        "  \"hosts\": ["
        "    { \"name\": \"a\", \"cpu\": { \"cores\": 2, \"ghz\": 2.6, \"cstate\": \"poll\" },"
        "      \"nics\": [ { \"name\": \"eth0\", \"model\": \"82599\","
        "                    \"ip\": \"10.0.0.1/24\", \"link\": \"b/eth0\" } ] },"
        "    { \"name\": \"b\", \"cpu\": { \"cores\": 2, \"ghz\": 2.6, \"cstate\": \"poll\" },"
        "      \"nics\": [ { \"name\": \"eth0\", \"model\": \"82599\","
        "                    \"ip\": \"10.0.0.2/24\" } ] } ],"
        "  \"traffic\": [ { \"name\": \"f\", \"from\": \"a\", \"to\": \"b\", %s } ] }",
        flow);
    ck_assert_int_gt(n, 0);
    return json;
}

/* The pair with events[] 'events' (a JSON array's items). */
static char *
pair_events_json(const char *flow, const char *events)
{
    char *pair = pair_json(flow), *json = NULL;
    size_t n = strlen(pair);
    ck_assert(n > 2 && pair[n - 1] == '}');
    pair[n - 1] = '\0';
    ck_assert_int_gt(asprintf(&json, "%s, \"events\": [ %s ] }", pair,
                              events), 0);
    free(pair);
    return json;
}

/* When each delivered packet of the run was sent, and how long it took
 * to arrive, by sequence number. */
struct births {
    vh_time_t at[256];
    vh_time_t took[256];
    size_t n;
};

static void
log_birth(void *ctx, const struct vh_hop *hop)
{
    struct births *b = ctx;
    if (hop->kind == VH_HOP_DELIVER && hop->pkt->seq < 256) {
        b->at[hop->pkt->seq] = hop->pkt->born;
        b->took[hop->pkt->seq] = hop->time - hop->pkt->born;
        if (hop->pkt->seq + 1 > b->n) {
            b->n = hop->pkt->seq + 1;
        }
    }
}

static void
subscribe_births(struct world *w, void *ctx)
{
    vh_trace_subscribe(&w->trace, VH_HOP_BIT(VH_HOP_DELIVER), log_birth,
                       ctx);
}

/* A burst is 'burst' packets back to back, one burst every 1/rate: the
 * first packets of bursts k and k+1 are 100 us apart at 10 kpps (after
 * the first burst, which waits for ARP), and the packets within a burst
 * follow each other as fast as the sender's core sends, far closer. */
START_TEST(test_burst_spacing)
{
    struct births b = { .n = 0 };
    char *json = pair_json("\"rate\": \"10kpps\", \"count\": 20, "
                           "\"pattern\": \"burst\", \"burst\": 5");
    struct wt_run r = wt_run_json(json, NULL, subscribe_births, &b);
    wt_assert_conserved(r.w, true);
    ck_assert_uint_eq(r.w->flows[0].sent, 20);
    ck_assert_uint_eq(r.w->flows[0].delivered, 20);
    ck_assert_uint_eq(b.n, 20);
    vh_time_t within = b.at[6] - b.at[5];
    ck_assert(within > 0 && within < 5 * VH_US);
    for (size_t k = 5; k < 20; k++) {
        if (k % 5) {
            /* Back to back: the same gap each time, the sender's cost. */
            ck_assert_int_eq(b.at[k] - b.at[k - 1], within);
        } else if (k >= 10) {
            ck_assert_int_eq(b.at[k] - b.at[k - 5], 100 * VH_US);
        }
    }
    /* The second burst starts on the schedule, 1/rate after the first
     * was due. */
    ck_assert_int_eq(b.at[5], 100 * VH_US);
    wt_run_free(&r);
    free(json);

    /* With burst 1, the pattern is cbr's. */
    struct births c = { .n = 0 };
    json = pair_json("\"rate\": \"10kpps\", \"count\": 4, "
                     "\"pattern\": \"burst\", \"burst\": 1");
    r = wt_run_json(json, NULL, subscribe_births, &c);
    ck_assert_int_eq(c.at[3] - c.at[2], 100 * VH_US);
    wt_run_free(&r);
    free(json);
}
END_TEST

static const struct {
    const char *flow;
    const char *error;
} bad_flows[] = {
    { "\"rate\": \"10kpps\", \"burst\": 4",
      "traffic[0].burst: 'burst' is the packets of one burst of pattern "
      "\"burst\", or the transactions outstanding of pattern \"rr\"; "
      "this flow's pattern is \"cbr\"" },
    { "\"rate\": \"10kpps\", \"pattern\": \"burst\", \"burst\": 0",
      "traffic[0].burst: " },
};

START_TEST(test_burst_refusals)
{
    char *json = pair_json(bad_flows[_i].flow);
    char *err = wt_refusal(json, NULL);
    ck_assert_msg(err && strstr(err, bad_flows[_i].error), "got '%s'",
                  err ? err : "(accepted)");
    free(err);
    free(json);
}
END_TEST


/* ---- Replaying a capture ---------------------------------------------- */

/* The capture the replay tests read: UDP datagrams between two addresses
 * that are not in the scenario, at ns offsets 'at', with ports 7000+k ->
 * 9, payload bytes k, k+1, ...; an ARP request first, which a replay
 * skips; a 10-byte datagram, which Ethernet pads to its minimum. */
static const uint64_t replay_at[] = { 1000, 1000, 4000, 25000, 26000 };
static const uint32_t replay_payload[] = { 100, 2, 300, 1400, 18 };
#define N_REPLAY 5

static void
write_capture(const char *path)
{
    pcap_t *dead = pcap_open_dead_with_tstamp_precision(
        DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_NANO);
    pcap_dumper_t *d = pcap_dump_open(dead, path);
    ck_assert_ptr_nonnull(d);
    uint8_t buf[2048], payload[1500];
    struct vh_mac a = { { 0x02, 0, 0, 0, 0, 0xaa } };
    struct vh_mac b = { { 0x02, 0, 0, 0, 0, 0xbb } };
    struct pcap_pkthdr h;
    memset(&h, 0, sizeof h);
    h.ts.tv_sec = 1700000000;
    h.caplen = h.len = vh_build_arp(buf, VH_ARP_REQUEST, &a, 0xc0a80909u,
                                    &b, 0x08080808u, NULL);
    pcap_dump((u_char *) d, &h, buf);
    for (uint32_t k = 0; k < N_REPLAY; k++) {
        struct vh_ip_hdr_spec spec = {
            .dst_mac = b, .src_mac = a,
            .ip_src = 0xc0a80909u, .ip_dst = 0x08080808u,
            .ip_id = (uint16_t) k,
        };
        for (uint32_t i = 0; i < replay_payload[k]; i++) {
            payload[i] = (uint8_t) (k + i);
        }
        uint32_t len = vh_build_udp(buf, &spec, (uint16_t) (7000 + k), 9,
                                    payload, replay_payload[k]);
        if (len < 60) {
            memset(buf + len, 0, 60 - len);
            len = 60;
        }
        h.ts.tv_usec = (suseconds_t) replay_at[k];
        h.caplen = h.len = len;
        pcap_dump((u_char *) d, &h, buf);
    }
    pcap_dump_close(d);
    pcap_close(dead);
}

/* Replayed as captured: one packet per datagram, the ARP request
 * skipped and counted, each sent at its offset in the capture after the
 * flow's start (two datagrams of one instant back to back), the report's
 * 'size' the frames' mean and its bytes their sum. */
START_TEST(test_replay_timing)
{
    char *dir = vh_test_tmpdir(), *flow = NULL;
    char pcap[PATH_MAX];
    snprintf(pcap, sizeof pcap, "%s/in.pcap", dir);
    write_capture(pcap);
    ck_assert_int_gt(asprintf(&flow, "\"pcap\": \"%s\", \"start\": "
                              "\"100us\"", pcap), 0);
    char *json = pair_json(flow);
    struct births b = { .n = 0 };
    struct wt_run r = wt_run_json(json, NULL, subscribe_births, &b);
    wt_assert_conserved(r.w, true);
    const struct flow_stats *fs = &r.w->flows[0];
    ck_assert_uint_eq(fs->sent, N_REPLAY);
    ck_assert_uint_eq(fs->delivered, N_REPLAY);
    ck_assert_uint_eq(fs->cfg->replay->skipped, 1);
    uint64_t bytes = 0;
    for (size_t k = 0; k < N_REPLAY; k++) {
        uint32_t wire = 14 + 20 + 8 + replay_payload[k] + 4;
        bytes += wire < 64 ? 64 : wire;
    }
    ck_assert_uint_eq(fs->bytes_delivered, bytes);
    ck_assert_uint_eq(fs->cfg->size, (bytes + 2) / N_REPLAY);
    ck_assert_int_eq(b.at[0], 100 * VH_US);
    ck_assert(b.at[1] > b.at[0] && b.at[1] < b.at[0] + 3 * VH_US);
    for (size_t k = 2; k < N_REPLAY; k++) {
        ck_assert_int_eq(b.at[k] - b.at[0],
                         (vh_time_t) (replay_at[k] - replay_at[0]) * VH_NS);
    }
    wt_run_free(&r);
    free(json);
    free(flow);

    /* With a rate, 1/rate apart instead; 'count' takes the first ones. */
    ck_assert_int_gt(asprintf(&flow, "\"pcap\": \"%s\", \"rate\": "
                              "\"100kpps\", \"count\": 3", pcap), 0);
    json = pair_json(flow);
    memset(&b, 0, sizeof b);
    r = wt_run_json(json, NULL, subscribe_births, &b);
    ck_assert_uint_eq(r.w->flows[0].sent, 3);
    ck_assert_int_eq(b.at[2] - b.at[1], 10 * VH_US);
    wt_run_free(&r);
    free(json);
    free(flow);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* On the wire, as tshark reads the sender's capture: the endpoints'
 * addresses, the captured ports and payload bytes, correct checksums. */
START_TEST(test_replay_frames)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir(), *flow = NULL, *out = NULL;
    char pcap[PATH_MAX], scen[PATH_MAX], bin[PATH_MAX];
    ck_assert(realpath(vh_test_bin(), bin) != NULL);
    snprintf(pcap, sizeof pcap, "%s/in.pcap", dir);
    write_capture(pcap);
    /* Relative to the scenario's folder, run from elsewhere. */
    char *json = pair_json("\"pcap\": \"in.pcap\"");
    char *cap = strstr(json, "\"traffic\"");
    ck_assert_ptr_nonnull(cap);
    snprintf(scen, sizeof scen, "%s/s.json", dir);
    FILE *f = fopen(scen, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "%.*s\"capture\": [ { \"point\": \"a/eth0\", \"file\": "
            "\"%s/out.pcap\" } ], %s", (int) (cap - json), json, dir, cap);
    fclose(f);
    int st = vh_test_sh(&out, "cd / && '%s' run '%s' --quiet", bin, scen);
    ck_assert_msg(st == 0, "vhsim run: %s", out);
    free(out);
    snprintf(pcap, sizeof pcap, "%s/out.pcap", dir);
    vh_tshark_assert_clean(pcap);
    st = vh_test_sh(&out, "tshark -r '%s' " VH_TSHARK_PREFS " -Y udp -T "
                    "fields -e ip.src -e ip.dst -e udp.srcport -e "
                    "udp.dstport -e udp.length -e data.data 2>/dev/null",
                    pcap);
    ck_assert_int_eq(st, 0);
    char want[8192] = "";
    for (uint32_t k = 0; k < N_REPLAY; k++) {
        /* The 2-byte datagram fills the minimum frame: 18 bytes. */
        uint32_t n = replay_payload[k] < 18 ? 18 : replay_payload[k];
        char *w = want + strlen(want);
        w += sprintf(w, "10.0.0.1\t10.0.0.2\t%u\t9\t%u\t", 7000 + k,
                     n + 8);
        for (uint32_t i = 0; i < n; i++) {
            w += sprintf(w, "%02x", i < replay_payload[k]
                                    ? (uint8_t) (k + i) : 0);
        }
        strcpy(w, "\n");
    }
    ck_assert_msg(!strcmp(out, want), "got:\n%s\nwant:\n%s", out, want);
    free(out);
    free(json);
    free(flow);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

START_TEST(test_replay_refusals)
{
    char *dir = vh_test_tmpdir();
    char pcap[PATH_MAX];
    snprintf(pcap, sizeof pcap, "%s/in.pcap", dir);
    write_capture(pcap);
    static const struct {
        const char *keys;
        const char *error;
    } bad[] = {
        { "\"pcap\": \"%s.none\"", "traffic[0].pcap: cannot replay '" },
        { "\"pcap\": \"%s\", \"proto\": \"icmp\"",
          "has nothing this flow can replay: none of its 6 frames is an "
          "ICMP echo request over IPv4" },
        { "\"pcap\": \"%s\", \"count\": 6",
          "traffic[0].count: 6 is more than the 5 frames of '" },
        { "\"pcap\": \"%s\", \"size\": 100",
          "traffic[0].size: 'size' cannot be combined with 'pcap'" },
        { "\"pcap\": \"%s\", \"sport\": 100",
          "traffic[0].sport: 'sport' cannot be combined with 'pcap'" },
        { "\"pcap\": \"%s\", \"pattern\": \"poisson\"",
          "traffic[0].pattern: 'pattern' cannot be combined with 'pcap'" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *flow = NULL;
        ck_assert_int_gt(asprintf(&flow, bad[i].keys, pcap), 0);
        char *json = pair_json(flow);
        char *err = wt_refusal(json, NULL);
        ck_assert_msg(err && strstr(err, bad[i].error), "%zu: got '%s'", i,
                      err ? err : "(accepted)");
        free(err);
        free(json);
        free(flow);
    }

    /* A capture written over the file a flow replays. */
    char *flow = NULL, *json = NULL;
    ck_assert_int_gt(asprintf(&flow, "\"pcap\": \"%s\"", pcap), 0);
    char *pair = pair_json(flow);
    pair[strlen(pair) - 1] = '\0';
    ck_assert_int_gt(asprintf(&json, "%s, \"capture\": [ { \"point\": "
                              "\"a/eth0\", \"file\": \"%s\" } ] }", pair,
                              pcap), 0);
    char *err = wt_refusal(json, NULL);
    ck_assert_msg(err && strstr(err, "capture[0].file: '")
                  && strstr(err, "is the capture flow 'f' replays"),
                  "got '%s'", err ? err : "(accepted)");
    free(err);
    free(json);
    free(pair);
    free(flow);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* ---- Timed "set" events ---------------------------------------------- */

/* A flow's rate changed at 500 us: 100 us apart before, 10 us after,
 * the first at the change (nothing is owed for the time before). */
/* Poisson arrivals at 1 Mpps for 1 ms: about 1,000 packets, within four
 * standard deviations (sqrt(1000) = 32), although a send costs the core
 * a good part of the mean gap, so that many packets wait for it: each gap
 * counts from when the packet before was due, not from when it left. */
START_TEST(test_poisson_keeps_its_rate)
{
    char *json = pair_json("\"rate\": \"1Mpps\", \"duration\": \"1ms\", "
                           "\"pattern\": \"poisson\"");
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    wt_assert_conserved(r.w, true);
    uint64_t sent = r.w->flows[0].sent;
    ck_assert_msg(sent > 1000 - 4 * 32 && sent < 1000 + 4 * 32,
                  "sent %" PRIu64 " of about 1000", sent);
    wt_run_free(&r);
    free(json);
}
END_TEST

START_TEST(test_set_rate)
{
    struct births b = { .n = 0 };
    char *json = pair_events_json(
        "\"rate\": \"10kpps\", \"duration\": \"1ms\"",
        "{ \"at\": \"500us\", \"action\": \"set\", "
        "  \"set\": { \"f.rate\": \"100kpps\" } }");
    struct wt_run r = wt_run_json(json, NULL, subscribe_births, &b);
    wt_assert_conserved(r.w, true);
    ck_assert_uint_eq(r.w->flows[0].sent, 5 + 50);
    ck_assert_int_eq(b.at[4] - b.at[3], 100 * VH_US);
    ck_assert_int_eq(b.at[5], 500 * VH_US);
    for (size_t k = 6; k < 55; k++) {
        ck_assert_int_eq(b.at[k] - b.at[k - 1], 10 * VH_US);
    }
    wt_run_free(&r);
    free(json);
}
END_TEST

/* A flow's rate lowered at 450 us, between two packets: the next one is
 * due 1/rate after the last one sent (at 400 us), so at 600 us, not
 * 1/rate after the change nor at once. */
START_TEST(test_set_rate_lower)
{
    struct births b = { .n = 0 };
    char *json = pair_events_json(
        "\"rate\": \"10kpps\", \"duration\": \"1ms\"",
        "{ \"at\": \"450us\", \"action\": \"set\", "
        "  \"set\": { \"f.rate\": \"5kpps\" } }");
    struct wt_run r = wt_run_json(json, NULL, subscribe_births, &b);
    wt_assert_conserved(r.w, true);
    ck_assert_uint_eq(r.w->flows[0].sent, 5 + 2);
    ck_assert_int_eq(b.at[4], 400 * VH_US);
    ck_assert_int_eq(b.at[5], 600 * VH_US);
    ck_assert_int_eq(b.at[6], 800 * VH_US);
    wt_run_free(&r);
    free(json);
}
END_TEST

/* The host's clock halved at 250 us: the sender's back-to-back packets
 * (a burst, whose spacing is the core's work per packet) come twice as
 * far apart. */
START_TEST(test_set_ghz)
{
    struct births b = { .n = 0 };
    char *json = pair_events_json(
        "\"rate\": \"10kpps\", \"count\": 20, \"pattern\": "
        "\"burst\", \"burst\": 5",
        "{ \"at\": \"250us\", \"action\": \"set\", "
        "  \"set\": { \"a.cpu.ghz\": 1.3 } }");
    struct wt_run r = wt_run_json(json, NULL, subscribe_births, &b);
    ck_assert_uint_eq(r.w->flows[0].delivered, 20);
    double before = (double) (b.at[6] - b.at[5]);      /* At 200 us. */
    double after = (double) (b.at[16] - b.at[15]);     /* At 300 us. */
    ck_assert_msg(after > 1.99 * before && after < 2.01 * before,
                  "%g ps apart at 2.6 GHz, %g at 1.3 GHz", before, after);
    wt_run_free(&r);
    free(json);
}
END_TEST

/* a's NIC slowed from 10G to 1G at 250 us: each full frame then takes
 * (1518 + 20) x 8 bits at 1 Gbit/s instead of 10 on the wire, 11.07 us
 * longer to arrive; the switch-less cable runs at the lower end's. */
START_TEST(test_set_speed)
{
    struct births b = { .n = 0 };
    char *json = pair_events_json(
        "\"rate\": \"10kpps\", \"count\": 5, \"size\": 1518",
        "{ \"at\": \"250us\", \"action\": \"set\", "
        "  \"set\": { \"a/eth0.speed\": \"1G\" } }");
    struct wt_run r = wt_run_json(json, NULL, subscribe_births, &b);
    ck_assert_uint_eq(r.w->flows[0].delivered, 5);
    ck_assert_uint_eq(r.w->links[0]->bps, 1000000000ULL);
    vh_time_t slower = b.took[3] - b.took[2];
    vh_time_t want = 1538 * 8 * (VH_SEC / 1000000000ULL)
                     - 1538 * 8 * (VH_SEC / 10000000000ULL);
    ck_assert_msg(slower >= want - 10 * VH_NS && slower <= want + 10 * VH_NS,
                  "%llu ps slower, want %llu", (unsigned long long) slower,
                  (unsigned long long) want);
    wt_run_free(&r);
    free(json);
}
END_TEST

static const struct {
    const char *set;
    const char *error;
} bad_sets[] = {
    { "\"a/eth0.model\": \"i350\"",
      "events[0].set[\"a/eth0.model\"]: not supported yet: changing "
      "'model' of "
      "'a/eth0' during the run" },
    { "\"f.rate\": \"fast\"",
      "events[0].set: the scenario with this change does not load: "
      "traffic[0].rate: " },
    { "\"b/eth0.speed\": \"1G\"",
      "'b/eth0' is cabled to nothing" },
    { "\"nosuch.rate\": \"1kpps\"",
      "events[0].set[\"nosuch.rate\"]: the scenario has no host, switch "
      "or flow named 'nosuch'" },
};

START_TEST(test_set_refusals)
{
    char *events = NULL;
    ck_assert_int_gt(asprintf(&events, "{ \"at\": \"250us\", \"action\": "
                              "\"set\", \"set\": { %s } }",
                              bad_sets[_i].set), 0);
    char *json = pair_events_json("\"rate\": \"10kpps\"", events);
    char *err = wt_refusal(json, NULL);
    ck_assert_msg(err && strstr(err, bad_sets[_i].error), "got '%s'",
                  err ? err : "(accepted)");
    free(err);
    free(json);
    free(events);
}
END_TEST

/* Where each delivery of the run happened, and whether it was a reply. */
struct deliveries {
    int at_a, at_b, replies;
};

static void
log_delivery(void *ctx, const struct vh_hop *hop)
{
    struct deliveries *d = ctx;
    if (!strncmp(hop->dev->path, "a", 1)) {
        d->at_a++;
    } else {
        d->at_b++;
    }
    d->replies += hop->pkt->is_reply;
}

static void
subscribe_deliveries(struct world *w, void *ctx)
{
    vh_trace_subscribe(&w->trace, VH_HOP_BIT(VH_HOP_DELIVER), log_delivery,
                       ctx);
}

/* A ping longer than the MTU leaves in fragments, and the receiver
 * answers the reassembled request: the reply, fragmented too, is what
 * reaches 'a'.  What the datagram is (an echo request) is only in its
 * first fragment, so the receiver must read the whole datagram again,
 * not the last fragment it got. */
START_TEST(test_fragmented_ping_answered)
{
    char *json = pair_json("\"proto\": \"icmp\", \"size\": 1514, "
                           "\"rate\": \"10kpps\", \"count\": 5");
    /* Both hosts' NICs at MTU 1000. */
    char *p;
    while ((p = strstr(json, "\"model\": \"82599\",")) != NULL) {
        memcpy(p, "\"mtu\": 1000,     ", 17);
    }
    struct deliveries d = { 0, 0, 0 };
    struct wt_run r = wt_run_json(json, NULL, subscribe_deliveries, &d);
    ck_assert_uint_eq(r.w->flows[0].sent, 5);
    ck_assert_int_eq(d.at_a, 5);
    ck_assert_int_eq(d.replies, 5);
    ck_assert_int_eq(d.at_b, 0);
    wt_run_free(&r);
    free(json);
}
END_TEST

static Suite *
traffic_suite(void)
{
    Suite *s = suite_create("traffic");
    TCase *tc = tcase_create("burst");
    tcase_add_test(tc, test_burst_spacing);
    tcase_add_loop_test(tc, test_burst_refusals, 0,
                        (int) (sizeof bad_flows / sizeof *bad_flows));
    suite_add_tcase(s, tc);
    tc = tcase_create("replay");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_replay_timing);
    tcase_add_test(tc, test_replay_frames);
    tcase_add_test(tc, test_replay_refusals);
    suite_add_tcase(s, tc);
    tc = tcase_create("set");
    tcase_add_test(tc, test_poisson_keeps_its_rate);
    tcase_add_test(tc, test_set_rate);
    tcase_add_test(tc, test_set_rate_lower);
    tcase_add_test(tc, test_set_ghz);
    tcase_add_test(tc, test_set_speed);
    tcase_add_test(tc, test_fragmented_ping_answered);
    tcase_add_loop_test(tc, test_set_refusals, 0,
                        (int) (sizeof bad_sets / sizeof *bad_sets));
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(traffic_suite)
