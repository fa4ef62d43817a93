/* tests/test_fuzzfound.c: what the fuzzers found (tests/fuzz/), each kept
 * as the input that showed it, so that the fix stays.  Most findings are
 * undefined behaviour or leaks that only a sanitizer reports; these tests
 * check that the input is refused cleanly and with what message, and the
 * same input in tests/fuzz/found/ goes through the fuzz target in 'make
 * test' (make fuzz-smoke), whose clang UBSan has checks gcc's lacks. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/record.h"
#include "record/scene.h"
#include "tests/testutil.h"

/* Writes 'n' bytes to a fresh file; returns its path (caller frees). */
static char *
write_file(const void *bytes, size_t n)
{
    char *dir = vh_test_tmpdir();
    char *path = malloc(strlen(dir) + 16);
    sprintf(path, "%s/in.vhrec", dir);
    free(dir);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(bytes, 1, n, f), n);
    fclose(f);
    return path;
}

/* A recording whose scene record is empty: the reader had no buffer yet
 * and decoded from a null pointer (clang's UBSan: "applying zero offset
 * to null pointer" in parse_scene; gcc's does not check that, so the
 * failing run is the smoke's, on tests/fuzz/found/recording/
 * empty-scene-record.vhrec).  It must say the topology is damaged. */
START_TEST(test_empty_scene_record)
{
    static const uint8_t rec[] = {
        'V', 'H', 'S', 'I', 'M', 'R', 'E', 'C', GUI_REC_VERSION, 0, 0, 0,
        'S', 0, 0, 0, 0,
    };
    char *path = write_file(rec, sizeof rec);
    struct gui_scene sc;
    char err[256] = "";
    struct gui_rec_reader *r = gui_rec_open(path, &sc, err, sizeof err);
    ck_assert_ptr_null(r);
    ck_assert_msg(strstr(err, "topology is missing or damaged"), "%s", err);
    free(path);
}
END_TEST

static Suite *
fuzzfound_suite(void)
{
    Suite *s = suite_create("fuzzfound");
    TCase *tc = tcase_create("recording");
    tcase_add_test(tc, test_empty_scene_record);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(fuzzfound_suite)
