/* tests/tshark.c: reading test captures back with tshark, as a student
 * would in Wireshark. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/testutil.h"

void
vh_tshark_require(void)
{
    if (vh_test_sh(NULL, "command -v tshark") != 0) {
        ck_abort_msg("tshark is required (make deps installs it)");
    }
}

void
vh_tshark_assert_clean(const char *path)
{
    char *out = NULL;
    int st = vh_test_sh(&out, "set -o pipefail; tshark -r '%s' "
                        VH_TSHARK_PREFS " -T fields -e _ws.expert "
                        "-e _ws.malformed 2>/dev/null | tr -d '\\t\\n'",
                        path);
    ck_assert_msg(st == 0 && !strcmp(out, ""), "expert findings: %s", out);
    free(out);
    st = vh_test_sh(&out, "tshark -r '%s' " VH_TSHARK_PREFS " -q -z expert "
                    "2>/dev/null", path);
    ck_assert_msg(st == 0 && !strstr(out, "Errors") && !strstr(out, "Warns")
                  && !strstr(out, "Malformed"), "expert:\n%s", out);
    free(out);
}

char *
vh_tshark_fields(const char *path, int n, const char *list)
{
    char *out = NULL;
    int st = vh_test_sh(&out, "tshark -r '%s' " VH_TSHARK_PREFS " -Y "
                        "'frame.number == %d' -T fields -E occurrence=a "
                        "-E aggregator=, %s 2>/dev/null", path, n, list);
    ck_assert_msg(st == 0, "tshark failed: %s", out);
    return out;
}

void
vh_tshark_expect(const char *path, int n, const char *list, const char *want)
{
    char *got = vh_tshark_fields(path, n, list);
    ck_assert_msg(!strcmp(got, want), "frame %d: %s\n got: %s want: %s",
                  n, list, got, want);
    free(got);
}

char *
vh_tshark_out(const char *path, const char *args)
{
    char *out = NULL;
    int st = vh_test_sh(&out, "tshark -r '%s' " VH_TSHARK_PREFS
                        " -o tcp.check_checksum:TRUE 2>/dev/null %s",
                        path, args);
    ck_assert_msg(st == 0, "tshark failed: %s", out);
    return out;
}

long
vh_tshark_count(const char *path, const char *filter)
{
    char args[512];
    snprintf(args, sizeof args, "%s%s%s | wc -l", filter ? "-Y '" : "",
             filter ? filter : "", filter ? "'" : "");
    char *out = vh_tshark_out(path, args);
    long n = strtol(out, NULL, 10);
    free(out);
    return n;
}

void
vh_tshark_assert_tcp_clean(const char *path, const char *decode_as)
{
    ck_assert_int_eq(vh_tshark_count(path, "_ws.malformed "
                                     "|| ip.checksum.status != 1 "
                                     "|| tcp.checksum.status != 1"), 0);
    ck_assert_int_gt(vh_tshark_count(path, "tcp.checksum.status == 1"), 0);
    char args[256];
    snprintf(args, sizeof args, "%s -q -z expert", decode_as);
    char *out = vh_tshark_out(path, args);
    ck_assert_msg(!strstr(out, "Errors") && !strstr(out, "Warns")
                  && !strstr(out, "Malformed"), "%s:\n%s", path, out);
    free(out);
}
