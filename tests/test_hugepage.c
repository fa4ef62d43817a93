/* tests/test_hugepage.c: the heap advised onto huge pages (sim/hugepage.h).
 *
 * The advice changes how memory is backed, never what it holds: a
 * pattern written before the heap is collapsed reads back the same.  It
 * is asked once per stretch of new heap: a second call with nothing new
 * does nothing, and a heap below the threshold is left alone. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/hugepage.h"
#include "tests/testutil.h"

START_TEST(test_advice_keeps_contents)
{
    /* Below malloc's mmap threshold each block comes from the heap:
     * 40 MiB in 64 KiB blocks, each filled with its own pattern. */
    enum { BLOCK = 64 << 10, N = 640 };
    uint8_t **blocks = calloc(N, sizeof *blocks);
    ck_assert_ptr_nonnull(blocks);
    for (size_t i = 0; i < N; i++) {
        blocks[i] = malloc(BLOCK);
        ck_assert_ptr_nonnull(blocks[i]);
        memset(blocks[i], (int) (i * 7 + 1), BLOCK);
    }

    /* Nothing is this large. */
    ck_assert_uint_eq(vh_heap_hugepages(SIZE_MAX / 2), 0);

    size_t advised = vh_heap_hugepages(VH_HUGEPAGE_MIN_HEAP);
    /* A system without transparent huge pages refuses (0); otherwise the
     * heap advised holds at least what was just allocated. */
    ck_assert(advised == 0 || advised >= (size_t) BLOCK * N);
    /* Nothing new since: nothing to do. */
    ck_assert_uint_eq(vh_heap_hugepages(VH_HUGEPAGE_MIN_HEAP), 0);

    for (size_t i = 0; i < N; i++) {
        for (size_t k = 0; k < BLOCK; k += 4093) {
            ck_assert_uint_eq(blocks[i][k], (uint8_t) (i * 7 + 1));
        }
        free(blocks[i]);
    }
    free(blocks);
}
END_TEST

static Suite *
hugepage_suite(void)
{
    Suite *s = suite_create("hugepage");
    TCase *tc = tcase_create("hugepage");
    tcase_add_test(tc, test_advice_keeps_contents);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(hugepage_suite)
