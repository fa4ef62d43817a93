/* tests/test_diag.c: first-error-wins diagnostics, typo suggestions and
 * list joining. */
#include <check.h>
#include <string.h>

#include "sim/diag.h"
#include "tests/testutil.h"

START_TEST(test_first_error_wins)
{
    struct vh_diag d;
    vh_diag_init(&d);
    ck_assert(!d.failed);
    ck_assert(!vh_diag_fail(&d, "hosts[0].name", "bad %s", "one"));
    ck_assert(d.failed);
    ck_assert(!vh_diag_fail(&d, "seed", "second"));
    ck_assert_str_eq(d.msg, "hosts[0].name: bad one");

    /* The top level has no path: no leading ": ". */
    vh_diag_init(&d);
    vh_diag_fail(&d, "", "line %d, column %d: invalid JSON", 3, 7);
    ck_assert_str_eq(d.msg, "line 3, column 7: invalid JSON");
}
END_TEST

START_TEST(test_suggest)
{
    static const char *const keys[] = {
        "name", "description", "seed", "duration", "hosts", "switches",
    };
    static const char *const models[] = { "e1000", "rtl8139", "virtio" };
    const size_t nk = sizeof keys / sizeof keys[0];

    /* Transpositions are two edits, still a typo. */
    ck_assert_str_eq(vh_suggest("nmae", keys, nk), "name");
    ck_assert_str_eq(vh_suggest("virtoi", models, 3), "virtio");
    ck_assert_str_eq(vh_suggest("duraton", keys, nk), "duration");
    ck_assert_str_eq(vh_suggest("e100", models, 3), "e1000");
    /* Case does not count. */
    ck_assert_str_eq(vh_suggest("NAME", keys, nk), "name");
    ck_assert_str_eq(vh_suggest("Hosts", keys, nk), "hosts");
    /* Too far to be a typo. */
    ck_assert_ptr_null(vh_suggest("bandwidth", keys, nk));
    ck_assert_ptr_null(vh_suggest("xyz", models, 3));
    ck_assert_ptr_null(vh_suggest("", keys, nk));
    ck_assert_ptr_null(vh_suggest("nmae", keys, 0));
}
END_TEST

START_TEST(test_suggest_threshold)
{
    /* Short words: at most 2 edits, and never every letter replaced. */
    static const char *const two[] = { "cd" };
    static const char *const ab[] = { "ax" };
    ck_assert_ptr_null(vh_suggest("ab", two, 1));
    ck_assert_str_eq(vh_suggest("ab", ab, 1), "ax");

    static const char *const three[] = { "axx" };
    ck_assert_str_eq(vh_suggest("abc", three, 1), "axx");
    static const char *const far3[] = { "xyzw" };
    ck_assert_ptr_null(vh_suggest("abc", far3, 1));

    /* A 12-letter word allows a third of its length: 4 edits. */
    static const char *const four[] = { "abcdefghwxyz" };
    static const char *const five[] = { "abcdefgvwxyz" };
    ck_assert_str_eq(vh_suggest("abcdefghijkl", four, 1), "abcdefghwxyz");
    ck_assert_ptr_null(vh_suggest("abcdefghijkl", five, 1));

    /* The classic example: kitten -> sitting is 3 edits, one too many for
     * a 6-letter word; kitten -> sitten is 1. */
    static const char *const sit[] = { "sitting", "sitten" };
    ck_assert_str_eq(vh_suggest("kitten", sit, 2), "sitten");
    ck_assert_ptr_null(vh_suggest("kitten", sit, 1));

    /* The closest wins, whatever the order. */
    static const char *const order[] = { "vms", "vm" };
    ck_assert_str_eq(vh_suggest("vmx", order, 2), "vms");
    static const char *const order2[] = { "port", "ports" };
    ck_assert_str_eq(vh_suggest("portss", order2, 2), "ports");
    /* A tie goes to the first candidate. */
    ck_assert_str_eq(vh_suggest("portz", order2, 2), "port");
}
END_TEST

START_TEST(test_join)
{
    static const char *const items[] = { "e1000", "rtl8139", "virtio" };
    char buf[64];

    ck_assert_str_eq(vh_join(items, 3, buf, sizeof buf),
                     "e1000, rtl8139, virtio");
    ck_assert_str_eq(vh_join(items, 1, buf, sizeof buf), "e1000");
    ck_assert_str_eq(vh_join(items, 0, buf, sizeof buf), "");
    /* "e1000, rtl8139, virtio" needs 23 bytes; in 20 the tail gives way to
     * "...", and what is shown is whole items. */
    ck_assert_str_eq(vh_join(items, 3, buf, 20), "e1000, rtl8139, ...");
    ck_assert_str_eq(vh_join(items, 3, buf, 23), "e1000, rtl8139, virtio");
    ck_assert_str_eq(vh_join(items, 3, buf, 22), "e1000, rtl8139, ...");
    ck_assert_str_eq(vh_join(items, 3, buf, 12), "e1000, ...");
    ck_assert_uint_le(strlen(vh_join(items, 3, buf, 4)), 3);
}
END_TEST

static Suite *
diag_suite(void)
{
    Suite *s = suite_create("diag");
    TCase *tc = tcase_create("diag");
    tcase_add_test(tc, test_first_error_wins);
    tcase_add_test(tc, test_suggest);
    tcase_add_test(tc, test_suggest_threshold);
    tcase_add_test(tc, test_join);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(diag_suite)
