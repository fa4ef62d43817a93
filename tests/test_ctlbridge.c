/* tests/test_ctlbridge.c: controlling bridges (vntag, 802.1br) and the
 * port extenders behind them (fex, pe).
 *
 * Bare-metal hosts behind a fabric extender reach each other only through
 * the controlling bridge: every frame crosses the uplink twice, the
 * bridge sends it back out of the port it came in on, and the tags on the
 * uplink say which VIF it came from and goes to (decoded by tshark).  A
 * flood goes down once, for the extender's VIF list, and skips the host
 * it came from.  The bridge's ACL sees traffic between two hosts of one
 * extender.  Then the loader's refusals, the drops of frames whose tags
 * are wrong, and determinism. */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/world.h"
#include "models/switch/ctlbridge.h"
#include "models/switch/pextender.h"
#include "report/report.h"
#include "sim/capture.h"
#include "sim/frame.h"
#include "sim/packet.h"
#include "sim/trace.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

/* Hosts h1, h2, h3 on host ports p1..p3 of extender 'ext' (mode '%s',
 * 4 host ports, uplink cb/p8); h4 on cb/p1 and h5 on cb/p2, plain ports
 * of the controlling bridge 'cb' (mode '%s', with '%s' more keys).  Then
 * '%s': the traffic, and any events. */
static const char world_fmt[] =
    "{ \"name\": \"cb\", \"duration\": \"3ms\", \"seed\": 7,"
    "  \"hosts\": ["
    "   { \"name\": \"h1\", \"nics\": [ { \"name\": \"eth0\","
    "       \"ip\": \"10.0.0.1/24\", \"link\": \"ext/p1\" } ] },"
    "   { \"name\": \"h2\", \"nics\": [ { \"name\": \"eth0\","
    "       \"ip\": \"10.0.0.2/24\", \"link\": \"ext/p2\" } ] },"
    "   { \"name\": \"h3\", \"nics\": [ { \"name\": \"eth0\","
    "       \"ip\": \"10.0.0.3/24\", \"link\": \"ext/p3\" } ] },"
    "   { \"name\": \"h4\", \"nics\": [ { \"name\": \"eth0\","
    "       \"ip\": \"10.0.0.4/24\", \"link\": \"cb/p1\" } ] },"
    "   { \"name\": \"h5\", \"nics\": [ { \"name\": \"eth0\","
    "       \"ip\": \"10.0.0.5/24\", \"link\": \"cb/p2\" } ] } ],"
    "  \"switches\": ["
    "   { \"name\": \"cb\", \"mode\": \"%s\", \"ports\": 8 %s },"
    "   { \"name\": \"ext\", \"mode\": \"%s\", \"ports\": 4,"
    "     \"uplink\": \"cb/p8\" %s } ],"
    "  %s }";

/* 'n' UDP packets from 'a' to 'b'. */
#define FLOW(name, a, b, n)                                             \
    "{ \"name\": \"" name "\", \"from\": \"" a "\", \"to\": \"" b "\","  \
    "  \"proto\": \"udp\", \"rate\": \"100kpps\", \"count\": " #n " }"

static const char f12[] = "\"traffic\": [ " FLOW("f12", "h1", "h2", 20) " ]";

static char *
world_json(bool etag, const char *cb_keys, const char *ext_keys,
           const char *rest)
{
    size_t n = sizeof world_fmt + strlen(cb_keys) + strlen(ext_keys)
               + strlen(rest) + 32;
    char *json = malloc(n);
    snprintf(json, n, world_fmt, etag ? "802.1br" : "vntag", cb_keys,
             etag ? "pe" : "fex", ext_keys, rest);
    return json;
}

/* Captures every frame crossing 'point' into 'file' during the run. */
struct cap_ctx {
    const char *point, *file;
    struct vh_capture *c;
};

static void
cap_open(struct world *w, void *ctx)
{
    struct cap_ctx *cc = ctx;
    const char *points[] = { cc->point }, *files[] = { cc->file };
    size_t failed;
    char err[256];
    cc->c = vh_capture_open(&w->trace, &w->devs, points, files, 1, &failed,
                            err, sizeof err);
    ck_assert_msg(cc->c, "%s", err);
}

static struct wt_run
run_world(bool etag, const char *cb_keys, const char *ext_keys,
          const char *rest, struct cap_ctx *cap)
{
    char *json = world_json(etag, cb_keys, ext_keys, rest);
    struct wt_run r = wt_run_json(json, NULL, cap ? cap_open : NULL, cap);
    if (cap) {
        char err[256];
        ck_assert_msg(vh_capture_commit(cap->c, err, sizeof err) == 0, "%s",
                      err);
    }
    free(json);
    return r;
}

static struct ctlbridge *
cb_of(struct wt_run *r)
{
    return VH_CONTAINER_OF(wt_dev(r->w, "cb"), struct ctlbridge, dev);
}

static struct pextender *
ext_of(struct wt_run *r)
{
    return VH_CONTAINER_OF(wt_dev(r->w, "ext"), struct pextender, dev);
}

/* --- Forwarding. --- */

static void
check_only_through_the_bridge(bool etag)
{
    struct wt_run r = run_world(etag, "", "", f12, NULL);
    struct pextender *ext = ext_of(&r);
    struct ctlbridge *cb = cb_of(&r);
    ck_assert_uint_eq(r.w->flows[0].delivered, 20);

    /* h1's ARP request, h2's reply and the 20 packets went up; each came
     * down again: the extender switched nothing between p1 and p2. */
    ck_assert_uint_eq(pextender_port(ext, 1)->up, 21);
    ck_assert_uint_eq(pextender_port(ext, 2)->up, 1);
    ck_assert_uint_eq(ext->uplink.up, 22);
    ck_assert_uint_eq(ext->uplink.down, 22);
    ck_assert_uint_eq(pextender_port(ext, 2)->down, 21);
    ck_assert_uint_eq(pextender_port(ext, 1)->down, 1);
    /* h3 had only the broadcast. */
    ck_assert_uint_eq(pextender_port(ext, 3)->down, 1);
    ck_assert_uint_eq(pextender_port(ext, 3)->up, 0);

    /* The bridge sent all 22 back out of p8: the 20 packets and the
     * reply by VIF, the request as a looped flood. */
    ck_assert_uint_eq(ctlbridge_port(cb, 8)->reflected, 22);
    ck_assert_uint_eq(ctlbridge_port(cb, 1)->reflected, 0);
    /* Its VIF table: VIFs 1 and 2 are the host ports p1 and p2 (the
     * extender took the first four numbers). */
    ck_assert_uint_eq(pextender_port(ext, 1)->vif, 1);
    ck_assert_uint_eq(pextender_port(ext, 4)->vif, 4);
    const struct cb_vif *v1 = ctlbridge_vif(cb, 1), *v2 = ctlbridge_vif(cb, 2);
    ck_assert_int_eq(v1->port, 8);
    ck_assert_uint_eq(v1->rx, 21);
    ck_assert_uint_eq(v1->tx, 1);
    ck_assert_int_eq(v2->port, 8);
    ck_assert_uint_eq(v2->rx, 1);
    ck_assert_uint_eq(v2->tx, 20);
    ck_assert_int_eq(ctlbridge_vif(cb, 3)->port, 0);
    /* The plain port got the flood, untagged. */
    ck_assert_uint_eq(wt_dev(r.w, "h4/eth0")->rx, 1);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);
}

START_TEST(test_fex_hosts_meet_only_at_the_bridge)
{
    check_only_through_the_bridge(false);
}
END_TEST

START_TEST(test_pe_hosts_meet_only_at_the_bridge)
{
    check_only_through_the_bridge(true);
}
END_TEST

START_TEST(test_uplink_down_nothing_delivered)
{
    /* Without its uplink the extender has no way between its own host
     * ports. */
    static const char rest[] = "\"traffic\": [ "
        FLOW("f12", "h1", "h2", 20) " ],"
        "\"events\": [ { \"at\": \"0s\", \"action\": \"link-down\","
        "  \"target\": \"ext/uplink\" } ]";
    struct wt_run r = run_world(false, "", "", rest, NULL);
    ck_assert_uint_eq(r.w->flows[0].delivered, 0);
    ck_assert_uint_eq(pextender_port(ext_of(&r), 2)->down, 0);
    ck_assert_uint_eq(wt_dev(r.w, "h2/eth0")->rx, 0);
    ck_assert_uint_gt(wt_dev(r.w, "ext/uplink")->drops, 0);
    ck_assert_uint_eq(cb_of(&r)->dev.rx, 0);
    wt_run_free(&r);
}
END_TEST

START_TEST(test_flood_goes_down_once_for_the_vif_list)
{
    /* h1 and h2 talk, h3 stays quiet: the two ARP requests are the only
     * floods. */
    static const char rest[] = "\"traffic\": [ "
        FLOW("f12", "h1", "h2", 1) ", " FLOW("f21", "h2", "h1", 1) " ]";
    struct wt_run r = run_world(false, "", "", rest, NULL);
    struct pextender *ext = ext_of(&r);
    ck_assert_uint_eq(r.w->flows[0].delivered, 1);
    ck_assert_uint_eq(r.w->flows[1].delivered, 1);
    /* Each request went down the uplink once, a looped copy for the
     * list of p8 ... */
    ck_assert_uint_eq(ext->uplink.down, 2 + 2 + 2);
    /* ... which the extender gave every host port but the sender's: h3
     * got both, h1 and h2 each only the other's (and its reply and its
     * packet). */
    ck_assert_uint_eq(pextender_port(ext, 3)->down, 2);
    ck_assert_uint_eq(wt_dev(r.w, "h3/eth0")->rx, 2);
    ck_assert_uint_eq(pextender_port(ext, 1)->down, 3);
    ck_assert_uint_eq(pextender_port(ext, 2)->down, 3);
    /* Both plain ports of the bridge had an untagged copy of each. */
    ck_assert_uint_eq(wt_dev(r.w, "h4/eth0")->rx, 2);
    ck_assert_uint_eq(wt_dev(r.w, "h5/eth0")->rx, 2);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);
}
END_TEST

START_TEST(test_plain_ports_switch_as_8021q)
{
    /* h4 and h5 on plain ports of the bridge, h1 behind the extender. */
    static const char rest[] = "\"traffic\": [ "
        FLOW("f45", "h4", "h5", 10) ", " FLOW("f41", "h4", "h1", 10) ","
        FLOW("f14", "h1", "h4", 10) " ]";
    struct wt_run r = run_world(false, "", "", rest, NULL);
    for (int i = 0; i < 3; i++) {
        ck_assert_uint_eq(r.w->flows[i].delivered, 10);
    }
    struct ctlbridge *cb = cb_of(&r);
    /* Nothing between plain ports goes back where it came from, and the
     * extender's port reflected only floods of its own hosts (h1's
     * request for h4). */
    ck_assert_uint_eq(ctlbridge_port(cb, 1)->reflected, 0);
    ck_assert_uint_eq(ctlbridge_port(cb, 2)->reflected, 0);
    ck_assert_uint_eq(ctlbridge_port(cb, 8)->reflected, 1);
    /* h1's 10 packets came up from VIF 1, h4's 10 went down to it. */
    ck_assert_uint_eq(ctlbridge_vif(cb, 1)->rx, 10 + 1 + 1);
    ck_assert_uint_eq(ctlbridge_vif(cb, 1)->tx, 10 + 1);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);
}
END_TEST

/* --- The tags on the uplink. --- */

/* Fails unless the UDP frames of capture 'path' carry, of the tag
 * fields 'fields', one value going up ('up', from h1's address) and one
 * coming down ('down', from the bridge): 20 of each. */
static void
udp_tags_are(const char *path, const char *fields, const char *up,
             const char *down)
{
    char *out = NULL;
    int st = vh_test_sh(&out, "tshark -r '%s' -Y udp -T fields %s "
                        "2>/dev/null | sort | uniq -c", path, fields);
    ck_assert_msg(st == 0, "tshark: %s", out);
    char want[512];
    const char *first = strcmp(up, down) < 0 ? up : down;
    const char *second = first == up ? down : up;
    snprintf(want, sizeof want, "     20 %s     20 %s", first, second);
    ck_assert_msg(!strcmp(out, want), "got:\n%s\nwant:\n%s", out, want);
    free(out);
}

START_TEST(test_vntag_on_the_uplink)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/uplink.pcap", dir);
    struct cap_ctx cap = { "cb/p8", path, NULL };
    struct wt_run r = run_world(false, "", "", f12, &cap);
    ck_assert_uint_eq(r.w->flows[0].delivered, 20);
    wt_run_free(&r);

    vh_tshark_assert_clean(path);
    static const char vn[] = "-e vntag.dir -e vntag.ptr -e vntag.dst "
                             "-e vntag.looped -e vntag.src -e vntag.etype";
    /* h1's ARP request up from VIF 1; down as a flood to the list of p8,
     * looped, not for VIF 1. */
    vh_tshark_expect(path, 1, vn, "0\t0\t0\t0\t1\t0x0806\n");
    vh_tshark_expect(path, 2, vn, "1\t1\t8\t1\t1\t0x0806\n");
    vh_tshark_expect(path, 2, "-e eth.dst", "ff:ff:ff:ff:ff:ff\n");
    /* h2's reply up from VIF 2, down to VIF 1. */
    vh_tshark_expect(path, 3, vn, "0\t0\t0\t0\t2\t0x0806\n");
    vh_tshark_expect(path, 4, vn, "1\t0\t1\t0\t2\t0x0806\n");
    /* Every packet: up from 1, down to 2, with its UDP intact. */
    udp_tags_are(path, vn, "0\t0\t0\t0\t1\t0x0800\n",
                 "1\t0\t2\t0\t1\t0x0800\n");
    vh_tshark_expect(path, 5, "-e frame.protocols -e ip.src -e ip.dst",
                     "eth:ethertype:vntag:ethertype:ip:udp:data\t"
                     "10.0.0.1\t10.0.0.2\n");
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* A capture of a whole controlling bridge or extender holds what all of
 * its ports' captures hold (a frame as it entered and again as it left),
 * not nothing. */
START_TEST(test_whole_bridge_capture_is_its_ports)
{
    vh_tshark_require();
    for (int etag = 0; etag < 2; etag++) {
        char rest[2048];
        int n = snprintf(rest, sizeof rest, "%s, \"capture\": ["
                         " { \"point\": \"cb\", \"file\": \"cb.pcap\" },"
                         " { \"point\": \"ext\", \"file\": \"ext.pcap\" }",
                         f12);
        static const char *const ports[] = {
            "cb/p1", "cb/p2", "cb/p8", "ext/p1", "ext/p2", "ext/p3",
            "ext/p4", "ext/uplink",
        };
        for (size_t i = 0; i < sizeof ports / sizeof *ports; i++) {
            n += snprintf(rest + n, sizeof rest - n, ", { \"point\": \"%s\","
                          " \"file\": \"p%zu.pcap\" }", ports[i], i);
        }
        snprintf(rest + n, sizeof rest - n, " ]");
        char *json = world_json(etag, "", "", rest);
        char *dir = vh_test_run_scenario(json, "");
        char path[512];
        int sum_cb = 0, sum_ext = 0;
        for (size_t i = 0; i < sizeof ports / sizeof *ports; i++) {
            snprintf(path, sizeof path, "%s/p%zu.pcap", dir, i);
            *(i < 3 ? &sum_cb : &sum_ext) += (int) vh_tshark_count(path, NULL);
        }
        snprintf(path, sizeof path, "%s/cb.pcap", dir);
        int cb = (int) vh_tshark_count(path, NULL);
        snprintf(path, sizeof path, "%s/ext.pcap", dir);
        int ext = (int) vh_tshark_count(path, NULL);
        ck_assert_int_gt(sum_cb, 40);
        ck_assert_int_eq(cb, sum_cb);
        ck_assert_int_eq(ext, sum_ext);
        vh_test_sh(NULL, "rm -rf '%s'", dir);
        free(dir);
        free(json);
    }
}
END_TEST

START_TEST(test_etag_on_the_uplink)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/uplink.pcap", dir);
    struct cap_ctx cap = { "cb/p8", path, NULL };
    struct wt_run r = run_world(true, "", "", f12, &cap);
    ck_assert_uint_eq(r.w->flows[0].delivered, 20);
    wt_run_free(&r);

    vh_tshark_assert_clean(path);
    /* The E-CID is the source VIF going up and the destination coming
     * down; a flood's E-CID is the list (GRP 1), and its ingress E-CID
     * the sender the extender leaves out. */
    static const char et[] = "-e etag.iecid_base -e etag.group "
                             "-e etag.ecid_base -e etag.etype";
    vh_tshark_expect(path, 1, et, "0x0000\t0\t0x0001\t0x0806\n");
    vh_tshark_expect(path, 2, et, "0x0001\t1\t0x0008\t0x0806\n");
    vh_tshark_expect(path, 3, et, "0x0000\t0\t0x0002\t0x0806\n");
    vh_tshark_expect(path, 4, et, "0x0000\t0\t0x0001\t0x0806\n");
    udp_tags_are(path, et, "0x0000\t0\t0x0001\t0x0800\n",
                 "0x0000\t0\t0x0002\t0x0800\n");
    vh_tshark_expect(path, 5, "-e frame.protocols",
                     "eth:ethertype:etag:ethertype:ip:udp:data\n");
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* --- The ACL. --- */

static const char deny_12[] =
    ", \"acl\": [ { \"action\": \"deny\", \"src_ip\": \"10.0.0.1\","
    "  \"dst_ip\": \"10.0.0.2\", \"proto\": \"udp\" } ]";

START_TEST(test_bridge_acl_sees_hosts_of_one_extender)
{
    static const char rest[] = "\"traffic\": [ "
        FLOW("f12", "h1", "h2", 20) ", " FLOW("f21", "h2", "h1", 20) " ]";
    for (int etag = 0; etag < 2; etag++) {
        struct wt_run r = run_world(etag, deny_12, "", rest, NULL);
        struct ctlbridge *cb = cb_of(&r);
        /* Both hosts sit behind one extender port, and still the bridge
         * judged their traffic: it came up the uplink. */
        ck_assert_uint_eq(r.w->flows[0].delivered, 0);
        ck_assert_uint_eq(vh_drops_get(&r.w->flows[0].drops, "acl-deny"),
                          20);
        ck_assert_uint_eq(r.w->flows[1].delivered, 20);
        ck_assert_uint_eq(cb->acl.hits[0], 20);
        ck_assert_uint_gt(cb->acl.dflt, 20);
        ck_assert_uint_eq(wt_dev(r.w, "cb/p8")->drops, 20);
        /* The bridge took the tag off first: the rule matched the
         * addresses behind it. */
        wt_assert_conserved(r.w, true);

        cJSON *rep = report_json(r.w, 0);
        const cJSON *sws = cJSON_GetObjectItemCaseSensitive(rep, "switches");
        const cJSON *s = cJSON_GetArrayItem(sws, 0);
        ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(s, "name")
                         ->valuestring, "cb");
        const cJSON *acl = cJSON_GetObjectItemCaseSensitive(s, "acl");
        ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(
                             cJSON_GetArrayItem(acl, 0), "hits")->valueint,
                         20);
        cJSON_Delete(rep);
        wt_run_free(&r);
    }
}
END_TEST

START_TEST(test_extender_acl_stops_frames_before_the_uplink)
{
    struct wt_run r = run_world(false, "", deny_12, f12, NULL);
    struct pextender *ext = ext_of(&r);
    ck_assert_uint_eq(r.w->flows[0].delivered, 0);
    ck_assert_uint_eq(vh_drops_get(&r.w->flows[0].drops, "acl-deny"), 20);
    ck_assert_uint_eq(ext->acl.hits[0], 20);
    ck_assert_uint_eq(wt_dev(r.w, "ext/p1")->drops, 20);
    /* Only the ARP request went up. */
    ck_assert_uint_eq(pextender_port(ext, 1)->up, 1);
    wt_run_free(&r);
}
END_TEST

/* --- Frames with the wrong tag, handed in by hand. --- */

struct inject {
    const char *port;           /* Where it arrives. */
    int tag;                    /* enum evb_tag_kind, or 0. */
    struct evb_tag t;
};

static const struct inject injects[] = {
    { "ext/uplink", 0, { 0 } },                                 /* untagged */
    { "ext/uplink", EVB_TAG_VNTAG, { .down = true, .dst = 99, .src = 0 } },
    { "ext/uplink", EVB_TAG_VNTAG, { .down = false, .src = 1 } },
    { "cb/p8", 0, { 0 } },
    { "cb/p8", EVB_TAG_VNTAG, { .down = true, .dst = 1, .src = 1 } },
    { "cb/p8", EVB_TAG_VNTAG, { .down = false, .src = 0 } },
    { "ext/uplink", EVB_TAG_VNTAG, { .down = true, .dst = 3, .src = 3,
                                     .looped = true } },
};

/* The drops seen: "path reason" lines. */
struct drop_log {
    char text[2048];
};

static void
log_drop(void *ctx, const struct vh_hop *h)
{
    struct drop_log *log = ctx;
    size_t n = strlen(log->text);
    snprintf(log->text + n, sizeof log->text - n, "%s %s\n", h->dev->path,
             h->reason);
}

static void
inject_all(struct world *w, void *ctx)
{
    static const struct vh_mac a = { { 0x02, 0, 0, 0, 0, 0xa } };
    vh_trace_subscribe(&w->trace, VH_HOP_BIT(VH_HOP_DROP), log_drop, ctx);
    for (size_t i = 0; i < sizeof injects / sizeof injects[0]; i++) {
        const struct inject *in = &injects[i];
        struct vh_packet *p = vh_packet_alloc(&w->pool);
        p->len = vh_build_arp(p->data, VH_ARP_REQUEST, &a, 0x0a000063, NULL,
                              0x0a000001, &vh_mac_broadcast);
        if (in->tag) {
            evbtag_push(p, (enum evb_tag_kind) in->tag, &in->t);
        }
        struct vh_device *d = wt_dev(w, in->port);
        struct fabport *fp = VH_CONTAINER_OF(d, struct fabport, dev);
        fp->port.rx(w, &fp->port, p);
    }
}

START_TEST(test_wrong_tags_are_dropped_with_their_reason)
{
    char *json = world_json(false, "", "", "\"traffic\": []");
    struct drop_log log = { "" };
    struct wt_run r = wt_run_json(json, NULL, inject_all, &log);
    free(json);
    /* In the order they were handed in (the bridge's latency is longer
     * than the extender's): at the extender, no tag, an unknown VIF, a
     * tag going up, a frame looped back to the very host port it names;
     * at the bridge, no tag, a tag coming down, one from VIF 0. */
    ck_assert_str_eq(log.text,
                     "ext/uplink vif-untagged\n"
                     "ext/uplink vif-unknown\n"
                     "ext/uplink vif-bad-tag\n"
                     "ext/uplink vif-looped\n"
                     "cb/p8 vif-untagged\n"
                     "cb/p8 vif-bad-tag\n"
                     "cb/p8 vif-bad-tag\n");
    ck_assert_uint_eq(wt_dev(r.w, "h3/eth0")->rx, 0);
    wt_run_free(&r);
}
END_TEST

/* --- The loader. --- */

#define SWITCHES(s)                                                     \
    "{ \"hosts\": [ { \"name\": \"h1\", \"nics\": [ { \"name\": \"eth0\","  \
    "    \"link\": \"n5k/p1\" } ] } ], \"switches\": [ " s " ] }"
#define N5K "{ \"name\": \"n5k\", \"mode\": \"vntag\", \"ports\": 8 }"
#define CB1 "{ \"name\": \"cb1\", \"mode\": \"802.1br\", \"ports\": 8 }"
#define TOR "{ \"name\": \"tor\", \"mode\": \"802.1q\", \"ports\": 8 }"
#define FEX(up) "{ \"name\": \"fex1\", \"mode\": \"fex\", \"ports\": 48 " \
    up " }"

static const struct {
    const char *json;
    const char *msg;
} bad[] = {
    { SWITCHES(N5K ", " FEX("")),
      "switches[1].uplink: missing: a port extender is cabled by its "
      "uplink to a port of its controlling bridge, such as \"n5k/p8\"" },
    { SWITCHES("{ \"name\": \"n5k\", \"mode\": \"vntag\", \"ports\": 8,"
               "  \"uplink\": \"x/p1\" }"),
      "switches[0].uplink: 'uplink' applies only to switches of mode fex "
      "or pe" },
    { SWITCHES(N5K ", " FEX(", \"uplink\": \"n5k/p9\"")),
      "switches[1].uplink: switch 'n5k' has ports p1 to p8; there is no "
      "'p9'" },
    { SWITCHES(N5K ", " FEX(", \"uplink\": \"n5k/p1\"")),
      "hosts[0].nics[0].link: 'n5k/p1' is already cabled (by the uplink "
      "of fex1); a port takes one cable" },
    { SWITCHES(N5K ", " FEX(", \"uplink\": \"n5k/p8\"") ", "
               "{ \"name\": \"fex2\", \"mode\": \"fex\", \"ports\": 4,"
               "  \"uplink\": \"n5k/p8\" }"),
      "switches[2].uplink: 'n5k/p8' is already cabled (by the uplink of "
      "fex1); a port takes one cable" },
    { SWITCHES(N5K ", " FEX(", \"uplink\": \"fex1/p3\"")),
      "switches[1].uplink: 'fex1/p3' is a port of 'fex1' itself; its "
      "uplink goes to its controlling bridge" },
    { SWITCHES(N5K ", " TOR ", " FEX(", \"uplink\": \"tor/p8\"")),
      "switches[2].uplink: 'tor/p8' is a port of switch 'tor' of mode "
      "802.1q; the uplink of a fex goes to a port of a switch of mode "
      "vntag" },
    { SWITCHES(N5K ", " CB1 ", " FEX(", \"uplink\": \"cb1/p8\"")),
      "switches[2].uplink: 'cb1/p8' is a port of switch 'cb1' of mode "
      "802.1br; the uplink of a fex goes to a port of a switch of mode "
      "vntag" },
    { SWITCHES(N5K ", " FEX(", \"uplink\": \"n5k\"")),
      "switches[1].uplink: 'n5k' is a switch; an uplink goes to a port of "
      "a controlling bridge (\"n5k/p8\")" },
    { SWITCHES(N5K ", " FEX(", \"uplink\": \"h1/eth0\"")),
      "switches[1].uplink: 'h1/eth0' is a host NIC; an uplink goes to a "
      "port of a controlling bridge (\"n5k/p8\")" },
    { SWITCHES(N5K ", " FEX(", \"uplink\": 8")),
      "switches[1].uplink: expected a string, got a number (8)" },
    { SWITCHES(N5K ", " FEX(", \"uplink\": \"n5k/p8\"")
               ", { \"name\": \"pe1\", \"mode\": \"pe\", \"ports\": 4,"
               "    \"uplink\": \"fex1/uplink\" }"),
      "switches[2].uplink: 'fex1/uplink' is a port of switch 'fex1' of mode "
      "fex; the uplink of a pe goes to a port of a switch of mode 802.1br" },
    { "{ \"hosts\": [ { \"name\": \"h1\", \"nics\": [ { \"name\": "
      "\"eth0\", \"link\": \"fex1/uplink\" } ] } ], \"switches\": [ "
      N5K ", " FEX(", \"uplink\": \"n5k/p8\"") " ] }",
      "hosts[0].nics[0].link: 'fex1/uplink' is already cabled (by the "
      "uplink of fex1); a port takes one cable" },
};

START_TEST(test_loader_refusals)
{
    char *msg = wt_refusal(bad[_i].json, NULL);
    ck_assert_msg(strstr(msg, bad[_i].msg), "got '%s', want '%s'", msg,
                  bad[_i].msg);
    free(msg);
}
END_TEST

START_TEST(test_loader_accepts_the_contract)
{
    struct vh_diag d;
    vh_diag_init(&d);
    struct cfg_scenario *sc = cfg_load_string(
        "{ \"switches\": ["
        "  { \"name\": \"n5k\", \"mode\": \"vntag\", \"ports\": 8 },"
        "  { \"name\": \"fex1\", \"mode\": \"fex\", \"ports\": 48,"
        "    \"uplink\": \"n5k/p8\" },"
        "  { \"name\": \"cb1\", \"mode\": \"802.1br\", \"ports\": 8 },"
        "  { \"name\": \"pe1\", \"mode\": \"pe\", \"ports\": 48,"
        "    \"uplink\": \"cb1/p8\" } ],"
        "  \"capture\": [ { \"point\": \"fex1/uplink\","
        "                  \"file\": \"x.pcap\" } ] }", "t.json", NULL, &d);
    ck_assert_msg(sc, "%s", d.msg);
    ck_assert_str_eq(sc->switches[1].uplink, "n5k/p8");
    ck_assert_ptr_null(sc->switches[0].uplink);
    struct world *w = world_build(sc, &d);
    ck_assert_msg(w, "%s", d.msg);
    /* The 96 host ports took VIFs 1..96, fex1's first. */
    struct pextender *pe1 = VH_CONTAINER_OF(wt_dev(w, "pe1"),
                                            struct pextender, dev);
    ck_assert_uint_eq(pextender_port(pe1, 1)->vif, 49);
    /* Both uplinks are cabled, and speak up to a bridge's tag. */
    struct vh_device *up = wt_dev(w, "fex1/uplink");
    struct fabport *fp = VH_CONTAINER_OF(up, struct fabport, dev);
    ck_assert_ptr_nonnull(fp->port.link);
    ck_assert(fp->port.evb_extender);
    ck_assert_int_eq(fp->port.peer->evb_tag, EVB_TAG_VNTAG);
    fp = VH_CONTAINER_OF(wt_dev(w, "pe1/uplink"), struct fabport, dev);
    ck_assert_int_eq(fp->port.peer->evb_tag, EVB_TAG_ETAG);
    ck_assert_int_eq(pextender_port(pe1, 7)->fp.port.evb_tag, EVB_TAG_ETAG);
    world_free(w);
    cfg_free(sc);
}
END_TEST

/* --- Same seed, same run. --- */

START_TEST(test_deterministic)
{
    static const char rest[] = "\"traffic\": [ "
        FLOW("f12", "h1", "h2", 20) ", " FLOW("f34", "h3", "h4", 20) ","
        FLOW("f51", "h5", "h1", 20) " ]";
    char *out[2];
    for (int i = 0; i < 2; i++) {
        struct wt_run r = run_world(i == 0, "", "", rest, NULL);
        cJSON *rep = report_json(r.w, 0);
        out[i] = cJSON_PrintUnformatted(rep);
        cJSON_Delete(rep);
        wt_run_free(&r);
        r = run_world(i == 0, "", "", rest, NULL);
        rep = report_json(r.w, 0);
        char *again = cJSON_PrintUnformatted(rep);
        ck_assert_str_eq(out[i], again);
        free(again);
        cJSON_Delete(rep);
        wt_run_free(&r);
    }
    free(out[0]);
    free(out[1]);
}
END_TEST

static Suite *
ctlbridge_suite(void)
{
    Suite *s = suite_create("ctlbridge");
    TCase *tc = tcase_create("forwarding");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_fex_hosts_meet_only_at_the_bridge);
    tcase_add_test(tc, test_pe_hosts_meet_only_at_the_bridge);
    tcase_add_test(tc, test_uplink_down_nothing_delivered);
    tcase_add_test(tc, test_flood_goes_down_once_for_the_vif_list);
    tcase_add_test(tc, test_plain_ports_switch_as_8021q);
    tcase_add_test(tc, test_wrong_tags_are_dropped_with_their_reason);
    suite_add_tcase(s, tc);
    tc = tcase_create("wire");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_vntag_on_the_uplink);
    tcase_add_test(tc, test_whole_bridge_capture_is_its_ports);
    tcase_add_test(tc, test_etag_on_the_uplink);
    suite_add_tcase(s, tc);
    tc = tcase_create("acl");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_bridge_acl_sees_hosts_of_one_extender);
    tcase_add_test(tc, test_extender_acl_stops_frames_before_the_uplink);
    suite_add_tcase(s, tc);
    tc = tcase_create("loader");
    tcase_add_loop_test(tc, test_loader_refusals, 0,
                        (int) (sizeof bad / sizeof bad[0]));
    tcase_add_test(tc, test_loader_accepts_the_contract);
    tcase_add_test(tc, test_deterministic);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(ctlbridge_suite)
