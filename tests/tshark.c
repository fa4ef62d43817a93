/* tests/tshark.c: reading test captures back with tshark, as a student
 * would in Wireshark. */
#include <check.h>
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
