/* tests/test_evb.c: the edge-virtual-bridging comparison, scenarios/evb.json.
 *
 * The chapter's claims, each checked on the shipped scenario's variants
 * as 'vhsim compare' runs them:
 *   - VM-to-VM traffic of one host never reaches the cable with a VEB (a
 *     Linux bridge, the NIC's embedded switch) and crosses it twice (out
 *     and back) with VEPA, VN-Tag and 802.1BR;
 *   - the tag is on every frame of the cable: 6 bytes (VN-Tag) or 8
 *     (E-Tag) more per frame than VEPA's untagged frames, the same frames;
 *   - the upstream switch's ACL takes effect only where the switch sees
 *     the traffic;
 *   - the hairpin costs latency against the NIC's own switch, with the
 *     same guest driver at both ends;
 *   - the hypervisor's work is gone when the guest drives its VIF;
 *   - Wireshark decodes the tags of the capture, as the bridge sent them
 *     down and the adapter up. */
#include <check.h>
#include <cjson/cJSON.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/core/world.h"
#include "report/report.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

#define EVB "scenarios/evb.json"

/* What one variant's run gives for the checks. */
struct evb_run {
    double uplink_tx, uplink_rx;            /* host1's cable, bytes. */
    double frames_tx, frames_rx;
    double cycles_per_packet;
    uint64_t f12_delivered, ping_delivered, ping_acl;
    double f12_p50;                         /* ns */
    double acl_hits;                        /* tor1's rule 0; -1: none. */
    double f3_bytes;                        /* vm3 -> remote, on the wire. */
};

static const cJSON *
named(const cJSON *arr, const char *name)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, arr) {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "name");
        if (cJSON_IsString(n) && !strcmp(n->valuestring, name)) {
            return e;
        }
    }
    return NULL;
}

static struct evb_run
run_variant(const char *variant)
{
    char *json = vh_test_slurp(EVB, NULL);
    ck_assert_ptr_nonnull(json);
    struct wt_run r = wt_run_json(json, variant, NULL, NULL);
    free(json);
    wt_assert_held(r.w);
    cJSON *rep = report_json(r.w, 0);
    const cJSON *h = named(cJSON_GetObjectItemCaseSensitive(rep, "hosts"),
                           "host1");
    ck_assert_ptr_nonnull(h);
    struct evb_run e;
    memset(&e, 0, sizeof e);
    e.uplink_tx = vh_test_num(h, "uplink_tx_bytes");
    e.uplink_rx = vh_test_num(h, "uplink_rx_bytes");
    e.frames_tx = vh_test_num(h, "uplink_tx_frames");
    e.frames_rx = vh_test_num(h, "uplink_rx_frames");
    e.cycles_per_packet = vh_test_num(h, "cycles_per_packet");

    const cJSON *flows = cJSON_GetObjectItemCaseSensitive(rep, "flows");
    const cJSON *f12 = named(flows, "f12"), *ping = named(flows, "ping12");
    const cJSON *f3 = named(flows, "f3");
    e.f12_delivered = (uint64_t) vh_test_num(f12, "delivered");
    e.f12_p50 = vh_test_num(cJSON_GetObjectItemCaseSensitive(f12,
                                                             "latency_ns"),
                            "p50");
    e.ping_delivered = (uint64_t) vh_test_num(ping, "delivered");
    const cJSON *drops = cJSON_GetObjectItemCaseSensitive(ping, "drops");
    const cJSON *acl = cJSON_GetObjectItemCaseSensitive(drops, "acl-deny");
    e.ping_acl = cJSON_IsNumber(acl) ? (uint64_t) acl->valuedouble : 0;
    e.f3_bytes = vh_test_num(f3, "delivered") * vh_test_num(f3, "size");

    e.acl_hits = -1;
    const cJSON *sw = named(cJSON_GetObjectItemCaseSensitive(rep,
                                                             "switches"),
                            "tor1");
    const cJSON *rules = cJSON_GetObjectItemCaseSensitive(sw, "acl");
    const cJSON *rule0 = cJSON_GetArrayItem(rules, 0);
    if (rule0) {
        e.acl_hits = vh_test_num(rule0, "hits");
    }
    cJSON_Delete(rep);
    wt_run_free(&r);
    return e;
}

/* VEBs keep VM-to-VM traffic off the cable; the others send it out and
 * take it back in. */
START_TEST(test_evb_vm_to_vm_on_the_cable)
{
    static const char *const veb[] = { NULL, "sriov-veb" };
    static const char *const out[] = {
        "vepa", "vntag", "vntag-passthrough", "vntag-fex", "802.1br",
    };
    for (size_t i = 0; i < 2; i++) {
        struct evb_run e = run_variant(veb[i]);
        ck_assert_uint_eq(e.f12_delivered, 150);
        /* Out: vm3's flow and a few ARP frames, nothing of f12. */
        ck_assert_msg(e.uplink_tx >= e.f3_bytes
                      && e.uplink_tx < e.f3_bytes + 8 * 64,
                      "%s: %.0f bytes out, f3 alone %.0f",
                      veb[i] ? veb[i] : "base", e.uplink_tx, e.f3_bytes);
        ck_assert_msg(e.uplink_rx < 8 * 64, "%s: %.0f bytes in",
                      veb[i] ? veb[i] : "base", e.uplink_rx);
    }
    for (size_t i = 0; i < sizeof out / sizeof *out; i++) {
        struct evb_run e = run_variant(out[i]);
        ck_assert_uint_eq(e.f12_delivered, 150);
        double f12 = 150.0 * 512;
        ck_assert_msg(e.uplink_tx >= e.f3_bytes + f12 && e.uplink_rx >= f12,
                      "%s: %.0f out, %.0f in", out[i], e.uplink_tx,
                      e.uplink_rx);
    }
}
END_TEST

/* The same frames cross the cable with VEPA, VN-Tag and 802.1BR; each
 * carries its tag: 6 more bytes with a VN-Tag, 8 with an E-Tag. */
START_TEST(test_evb_tag_bytes)
{
    struct evb_run vepa = run_variant("vepa");
    struct evb_run vntag = run_variant("vntag");
    struct evb_run br = run_variant("802.1br");
    ck_assert(vntag.frames_tx == vepa.frames_tx
              && vntag.frames_rx == vepa.frames_rx);
    ck_assert(br.frames_tx == vepa.frames_tx && br.frames_rx == vepa.frames_rx);
    /* A tagged ARP frame is still padded to the minimum: short frames
     * grow by less, so compare the data frames' share: every frame of at
     * least 64 + tag bytes grows by the tag exactly. */
    double dv = (vntag.uplink_tx + vntag.uplink_rx)
                - (vepa.uplink_tx + vepa.uplink_rx);
    double db = (br.uplink_tx + br.uplink_rx)
                - (vepa.uplink_tx + vepa.uplink_rx);
    double frames = vepa.frames_tx + vepa.frames_rx;
    ck_assert_msg(dv <= 6 * frames && dv >= 6 * (frames - 16),
                  "VN-Tag: %.0f bytes more over %.0f frames", dv, frames);
    ck_assert_msg(db <= 8 * frames && db >= 8 * (frames - 16),
                  "E-Tag: %.0f bytes more over %.0f frames", db, frames);
}
END_TEST

/* tor1 denies ICMP from vm1 to vm2: it can only where it sees it. */
START_TEST(test_evb_acl_where_the_switch_sees)
{
    static const char *const all[] = {
        NULL, "sriov-veb", "vepa", "vntag", "vntag-passthrough",
        "vntag-fex", "802.1br",
    };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
        struct evb_run e = run_variant(all[i]);
        bool sees = i >= 2;
        const char *name = all[i] ? all[i] : "base";
        ck_assert_msg(e.ping_delivered == (sees ? 0 : 15)
                      && e.ping_acl == (sees ? 15 : 0),
                      "%s: %llu pings delivered, %llu denied", name,
                      (unsigned long long) e.ping_delivered,
                      (unsigned long long) e.ping_acl);
        ck_assert_msg(e.acl_hits == (sees ? 15 : 0), "%s: %g hits", name,
                      e.acl_hits);
    }
}
END_TEST

/* The guest's driver is the same with a VF and a VIF in passthrough; the
 * hairpin adds two cable crossings and the bridge's latency to the NIC's
 * own switch, and neither needs the hypervisor. */
START_TEST(test_evb_hairpin_costs_latency_not_cycles)
{
    struct evb_run base = run_variant(NULL);
    struct evb_run sriov = run_variant("sriov-veb");
    struct evb_run vntag = run_variant("vntag");
    struct evb_run pt = run_variant("vntag-passthrough");
    ck_assert_msg(pt.f12_p50 > sriov.f12_p50, "VIF %.0f ns, VF %.0f ns",
                  pt.f12_p50, sriov.f12_p50);
    ck_assert_msg(pt.cycles_per_packet < vntag.cycles_per_packet / 2
                  && pt.cycles_per_packet < base.cycles_per_packet / 2,
                  "passthrough %.0f, standard %.0f, bridge %.0f cycles",
                  pt.cycles_per_packet, vntag.cycles_per_packet,
                  base.cycles_per_packet);
}
END_TEST

/* Runs variant 'variant' of the scenario in a fresh directory, which it
 * returns (the caller removes and frees it); its capture of host1's
 * cable is DIR/traces/evb-uplink.pcap, checked to decode cleanly. */
static char *
run_capture(const char *variant, char *pcap, size_t len)
{
    char bin[PATH_MAX], top[PATH_MAX];
    ck_assert_msg(realpath(vh_test_bin(), bin) && realpath(".", top),
                  "vhsim binary '%s' not found", vh_test_bin());
    char *dir = vh_test_tmpdir();
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && '%s' run '%s/" EVB "' --variant "
                        "%s --quiet", dir, bin, top, variant);
    ck_assert_msg(st == 0, "vhsim run failed (%d): %s", st, out);
    free(out);
    snprintf(pcap, len, "%s/traces/evb-uplink.pcap", dir);
    vh_tshark_assert_clean(pcap);
    return dir;
}

/* Fields 'list' ("-e a -e b") of every frame of 'pcap', a line each. */
static char *
all_fields(const char *pcap, const char *list)
{
    char *out = NULL;
    int st = vh_test_sh(&out, "tshark -r '%s' " VH_TSHARK_PREFS " -T fields "
                        "%s 2>/dev/null", pcap, list);
    ck_assert_msg(st == 0, "tshark failed: %s", out);
    return out;
}

/* The capture on host1's cable, as tshark decodes it: going up, every
 * frame carries its sender's VIF (vm1 is VIF 1, vm3 VIF 3); coming down,
 * the bridge names vm2's VIF 2, or sends a flood back to the VIF list
 * of port 1 with the looped bit, so the sender does not get it back. */
START_TEST(test_evb_capture_tags)
{
    vh_tshark_require();
    char pcap[PATH_MAX + 64];
    char *dir = run_capture("vntag", pcap, sizeof pcap);
    char *t = all_fields(pcap, "-e vntag.dir -e vntag.ptr -e vntag.dst "
                         "-e vntag.looped -e vntag.src -e ip.src -e ip.dst");
    size_t up12 = 0, down12 = 0, up3 = 0, looped = 0, untagged = 0;
    for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
        unsigned d, p, dst, l, src;
        char a[32] = "", b[32] = "";
        int n = sscanf(line, "%u\t%u\t%u\t%u\t%u\t%31s\t%31s", &d, &p, &dst,
                       &l, &src, a, b);
        if (n < 5) {
            untagged++;
            continue;
        }
        if (n == 7 && !strcmp(a, "10.0.0.1") && !strcmp(b, "10.0.0.2")) {
            up12 += !d && src == 1 && !dst;
            down12 += d && !p && dst == 2 && src == 1;
        }
        up3 += n == 7 && !strcmp(a, "10.0.0.3") && !d && src == 3;
        looped += d && p && l && dst == 1;
    }
    free(t);
    ck_assert_uint_eq(untagged, 0);
    /* f12 up and down (the pings are denied at tor1: up only). */
    ck_assert_uint_eq(up12, 150 + 15);
    ck_assert_uint_eq(down12, 150);
    ck_assert_uint_eq(up3, 150);
    ck_assert_uint_ge(looped, 1);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* 802.1BR: the E-Tag's E-CID names the sending extended port going up
 * and the receiving one coming down. */
START_TEST(test_evb_capture_etags)
{
    vh_tshark_require();
    char pcap[PATH_MAX + 64];
    char *dir = run_capture("802.1br", pcap, sizeof pcap);
    char *t = all_fields(pcap, "-e etag.ecid_base -e ip.src -e ip.dst");
    size_t up = 0, down = 0, other = 0;
    for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
        int ecid;               /* tshark writes it in hex: "0x0001". */
        char a[32] = "", b[32] = "";
        if (sscanf(line, "%i\t%31s\t%31s", &ecid, a, b) == 3
            && !strcmp(a, "10.0.0.1") && !strcmp(b, "10.0.0.2")) {
            up += ecid == 1;
            down += ecid == 2;
            other += ecid != 1 && ecid != 2;
        }
    }
    free(t);
    ck_assert_uint_eq(up, 150 + 15);
    ck_assert_uint_eq(down, 150);
    ck_assert_uint_eq(other, 0);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* 'vhsim explain' follows f12's first packet behind the fabric extender:
 * up from VIF 1 through fex1 to tor1's port 8, back out of that port (the
 * hairpin) down to VIF 2, and the tag gone once the adapter has it. */
START_TEST(test_evb_explain_names_tags_and_hairpin)
{
    char bin[PATH_MAX];
    ck_assert(realpath(vh_test_bin(), bin) != NULL);
    char *out = NULL;
    int st = vh_test_sh(&out, "'%s' explain " EVB " --variant vntag-fex",
                        bin);
    ck_assert_msg(st == 0, "vhsim explain failed (%d): %s", st, out);
    static const char *const want[] = {
        "host1/eth0             out       514-byte frame, VN-Tag up from "
        "VIF 1",
        "fex1/uplink            out       514-byte frame, VN-Tag up from "
        "VIF 1",
        "tor1/p8                out       514-byte frame, VN-Tag down to "
        "VIF 2 (back out of the port it came in by: a hairpin turn)",
        "host1/eth0/vif2        in        508-byte frame\n",
    };
    const char *at = out;
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const char *hit = strstr(at, want[i]);
        ck_assert_msg(hit != NULL, "explain lacks, in order, '%s':\n%s",
                      want[i], out);
        at = hit;
    }
    /* The frame reaches vm2 by tor1's turn, not by fex1: no hop goes
     * from fex1's p1 straight back to its p1 or to another host port. */
    ck_assert_ptr_null(strstr(out, "fex1/p1                out       514-byte "
                                   "frame, VN-Tag up"));
    free(out);
}
END_TEST

static Suite *
evb_suite(void)
{
    Suite *s = suite_create("evb");
    TCase *tc = tcase_create("variants");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_evb_vm_to_vm_on_the_cable);
    tcase_add_test(tc, test_evb_tag_bytes);
    tcase_add_test(tc, test_evb_acl_where_the_switch_sees);
    tcase_add_test(tc, test_evb_hairpin_costs_latency_not_cycles);
    suite_add_tcase(s, tc);
    tc = tcase_create("captures");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_evb_capture_tags);
    tcase_add_test(tc, test_evb_capture_etags);
    tcase_add_test(tc, test_evb_explain_names_tags_and_hairpin);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(evb_suite)
