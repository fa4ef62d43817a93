/* tests/test_pcapng.c: pcapng files, block by block and as Wireshark
 * reads them.
 *
 * The blocks' framing (type, lengths at both ends, 4-byte alignment, the
 * byte-order magic) is checked on the bytes; tshark and capinfos read
 * the interfaces' names, the packets' directions and comments; a
 * scenario's captures share one file; the loader's rules for formats. */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/pcapng.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

static uint32_t
le32(const uint8_t *p)
{
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16
           | (uint32_t) p[3] << 24;
}

START_TEST(test_blocks)
{
    char *dir = vh_test_tmpdir();
    char path[4096], err[256];
    snprintf(path, sizeof path, "%s/t.pcapng", dir);
    struct vh_pcapng *w = vh_pcapng_open(path, err, sizeof err);
    ck_assert_msg(w != NULL, "%s", err);
    ck_assert_uint_eq(vh_pcapng_add_interface(w, "host1/eth0"), 0);
    ck_assert_uint_eq(vh_pcapng_add_interface(w, "tor1/p1"), 1);
    uint8_t frame[61];
    memset(frame, 0, sizeof frame);
    memset(frame, 0xff, 6);                     /* Broadcast. */
    frame[6] = 0x02;
    frame[12] = 0x88;                           /* An EtherType nobody */
    frame[13] = 0xb5;                           /* decodes: local use. */
    ck_assert_int_eq(vh_pcapng_write(w, 1, 1234567890123ULL, frame,
                                     sizeof frame, VH_PCAPNG_OUT,
                                     "flow f1 #0"), 0);
    ck_assert_int_eq(vh_pcapng_write(w, 0, 2000000000000ULL, frame, 60,
                                     VH_PCAPNG_IN, NULL), 0);
    ck_assert_int_eq(vh_pcapng_commit(w, err, sizeof err), 0);

    size_t len;
    uint8_t *f = (uint8_t *) vh_test_slurp(path, &len);
    /* SHB first, with the byte-order magic and version 1.0. */
    ck_assert_uint_eq(le32(f), 0x0A0D0D0Au);
    ck_assert_uint_eq(le32(f + 8), 0x1A2B3C4Du);
    ck_assert_uint_eq(f[12], 1);
    ck_assert_uint_eq(f[14], 0);
    /* Every block: lengths equal at both ends, multiples of 4, the
     * blocks tiling the file: SHB, two IDBs, two EPBs. */
    static const uint32_t types[] = { 0x0A0D0D0Au, 1, 1, 6, 6 };
    size_t off = 0, k = 0;
    while (off < len) {
        ck_assert_uint_lt(k, 5);
        uint32_t t = le32(f + off), n = le32(f + off + 4);
        ck_assert_uint_eq(t, types[k]);
        ck_assert_uint_eq(n % 4, 0);
        ck_assert_uint_le(off + n, len);
        ck_assert_uint_eq(le32(f + off + n - 4), n);
        if (t == 6 && k == 3) {
            /* Interface 1, 1234567890 ns since the epoch, 61 bytes. */
            ck_assert_uint_eq(le32(f + off + 8), 1);
            uint64_t ts = (uint64_t) le32(f + off + 12) << 32
                          | le32(f + off + 16);
            ck_assert_uint_eq(ts, 1234567890ULL);
            ck_assert_uint_eq(le32(f + off + 20), 61);
            ck_assert_uint_eq(le32(f + off + 24), 61);
        }
        off += n;
        k++;
    }
    ck_assert_uint_eq(k, 5);
    free(f);

    /* As Wireshark reads it. */
    vh_tshark_require();
    char *out = NULL;
    int st = vh_test_sh(&out, "tshark -r '%s' -T fields -e "
                        "frame.interface_id -e frame.interface_name -e "
                        "frame.packet_flags_direction -e frame.comment -e "
                        "frame.len 2>/dev/null", path);
    ck_assert_int_eq(st, 0);
    ck_assert_str_eq(out, "1\ttor1/p1\t0x00000002\tflow f1 #0\t61\n"
                          "0\thost1/eth0\t0x00000001\t\t60\n");
    free(out);
    st = vh_test_sh(&out, "capinfos '%s' 2>&1", path);
    ck_assert_msg(st == 0 && strstr(out, "Number of interfaces in file: 2")
                  && strstr(out, "Time precision = nanoseconds (9)")
                  && strstr(out, "Capture application: vhsim"), "%s", out);
    free(out);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* A whole host and a switch port in one file: each interface named by
 * its path, and the frame a VEPA switch turns around appears at its port
 * twice, in then out, with the same packet named in its comment. */
START_TEST(test_scenario_shares_a_file)
{
    vh_tshark_require();
    char bin[PATH_MAX];
    ck_assert(realpath(vh_test_bin(), bin) != NULL);
    char *dir = vh_test_tmpdir();
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && python3 -c \"import json; "
        "s=json.load(open('%s/scenarios/evb.json')); s['capture']=[{'point':"
        "'host1','file':'traces/all.pcapng'},{'point':'tor1/p1','file':"
        "'traces/all.pcapng'}]; json.dump(s,open('ng.json','w'))\" && '%s' "
        "run ng.json --variant vepa --quiet && tshark -r traces/all.pcapng "
        "-Y 'frame.interface_name == \"tor1/p1\" && frame.comment "
        "contains \"flow f12 #7,\"' -T fields -e "
        "frame.packet_flags_direction -e frame.comment 2>/dev/null && "
        "capinfos traces/all.pcapng | grep -c 'Name = '",
        dir, getcwd((char[4096]) { 0 }, 4096), bin);
    ck_assert_msg(st == 0, "%s", out);
    /* In by the port, then out of it: the hairpin. */
    char *in = strstr(out, "0x00000001\tflow f12 #7, packet ");
    char *outb = strstr(out, "0x00000002\tflow f12 #7, packet ");
    ck_assert_msg(in && outb && in < outb, "%s", out);
    ck_assert_msg(strstr(out, "\n2\n"), "interfaces: %s", out);
    free(out);
    st = vh_test_sh(&out, "cd '%s' && tshark -r traces/all.pcapng -q -z "
                    "expert 2>/dev/null | grep -E 'Errors|Warns|Malformed'",
                    dir);
    ck_assert_msg(st != 0, "expert findings: %s", out);
    free(out);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

#define CAP(X) "{'name': 'x', 'hosts': [{'name': 'h', 'nics': [{'name': " \
    "'eth0', 'ip': '10.0.0.1/24'}]}], 'capture': [" X "]}"

START_TEST(test_loader_formats)
{
    static const struct {
        const char *json, *msg;
    } bad[] = {
        { CAP("{'point': 'h', 'file': 'a.cap', 'format': 'pcap-ng'}"),
          "capture[0].format: unknown capture format 'pcap-ng'; did you "
          "mean 'pcapng'?" },
        { CAP("{'point': 'h', 'file': 'a.pcap'}, {'point': 'h/eth0', "
              "'file': 'a.pcap'}"), "capture[1].file: 'a.pcap' is already "
          "written by capture[0] (a pcap file holds one capture point; "
          "pcapng holds several)" },
        { CAP("{'point': 'h', 'file': 'a.x', 'format': 'pcapng'}, "
              "{'point': 'h/eth0', 'file': 'a.x'}"), "capture[1].file: 'a.x' "
          "is already written by capture[0] in the other format" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *json = vh_test_dq(bad[i].json);
        char *msg = wt_refusal(json, NULL);
        ck_assert_msg(strstr(msg, bad[i].msg), "case %zu: %s", i, msg);
        free(msg);
        free(json);
    }
    /* By its name, or by its format, a pcapng file takes several points. */
    char *json =
        vh_test_dq(CAP("{'point': 'h', 'file': 'a.pcapng'}, {'point': "
                       "'h/eth0', 'file': 'a.pcapng'}, {'point': 'h', "
                       "'file': 'b', 'format': 'pcapng'}"));
    struct vh_diag d;
    struct cfg_scenario *sc = cfg_load_string(json, "x.json", NULL, &d);
    ck_assert_msg(sc != NULL, "%s", d.msg);
    ck_assert(sc->captures[0].pcapng && sc->captures[1].pcapng
              && sc->captures[2].pcapng);
    cfg_free(sc);
    free(json);
}
END_TEST

/* libvirt's virbr0, which a host makes for its NAT-attached VMs, is a
 * capture point like any bridge the report lists; without such VMs there
 * is none. */
START_TEST(test_virbr0_capture_point)
{
    vh_tshark_require();
    char bin[PATH_MAX];
    ck_assert(realpath(vh_test_bin(), bin) != NULL);
    char *dir = vh_test_tmpdir();
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && python3 -c \"import json; "
        "s=json.load(open('%s/scenarios/nat-vs-bridge.json')); "
        "s['capture']=[{'point':'host1/virbr0','file':'v.pcapng'}]; "
        "json.dump(s,open('n.json','w'))\" && '%s' run n.json --quiet && "
        "tshark -r v.pcapng -Y 'ip.src == 192.168.122.10' -T fields -e "
        "frame.interface_name 2>/dev/null | sort -u",
        dir, getcwd((char[4096]) { 0 }, 4096), bin);
    ck_assert_msg(st == 0 && !strcmp(out, "host1/virbr0\n"), "%s", out);
    free(out);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);

    char *json = vh_test_dq(CAP("{'point': 'h/virbr0', 'file': 'a.pcap'}"));
    char *msg = wt_refusal(json, NULL);
    ck_assert_msg(strstr(msg, "capture[0].point: host 'h' has no NIC, "
                              "bridge or VM named 'virbr0'"), "%s", msg);
    free(msg);
    free(json);
}
END_TEST

static Suite *
pcapng_suite(void)
{
    Suite *s = suite_create("pcapng");
    TCase *tc = tcase_create("pcapng");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_blocks);
    tcase_add_test(tc, test_scenario_shares_a_file);
    tcase_add_test(tc, test_loader_formats);
    tcase_add_test(tc, test_virbr0_capture_point);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(pcapng_suite)
