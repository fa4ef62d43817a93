/* tests/test_golden.c: the shipped scenarios' outputs do not drift.
 *
 * tests/golden/outputs.sh hashes every report, capture, explanation and
 * comparison the shipped scenarios produce, at two seeds; the hashes are
 * recorded in tests/golden/hashes.txt.  A restructuring that changes no
 * model keeps them byte-identical; a change meant to alter results
 * regenerates them with 'make golden', in its own commit saying why. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tests/testutil.h"

START_TEST(test_outputs_match_recorded_hashes)
{
    char *out = NULL;
    int st = vh_test_sh(&out, "sh tests/golden/outputs.sh '%s' "
                        "| diff tests/golden/hashes.txt - && echo SAME",
                        vh_test_bin());
    ck_assert_msg(st == 0 && strstr(out, "SAME"),
                  "outputs differ from tests/golden/hashes.txt "
                  "(< recorded, > now):\n%s", out);
    free(out);
}
END_TEST

static Suite *
golden_suite(void)
{
    Suite *s = suite_create("golden");
    TCase *tc = tcase_create("hashes");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_outputs_match_recorded_hashes);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(golden_suite)
