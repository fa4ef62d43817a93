/* tests/test_hugepage.c: the heap advised onto huge pages (sim/hugepage.h).
 *
 * The advice changes how memory is backed, never what it holds: a
 * pattern written before the heap is collapsed reads back the same.  It
 * is asked once per stretch of new heap: a second call with nothing new
 * does nothing, and a heap below the threshold is left alone.  Large
 * arrays of the model are advised when allocated. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/hugepage.h"
#include "sim/xmalloc.h"
#include "tests/testutil.h"

/* True if the system lets a process ask for huge pages: transparent huge
 * pages set to 'always' or 'madvise', not 'never' (the selected one is
 * in brackets), and the advice taken on a mapping of our own (a sandbox
 * may refuse it whatever the setting says). */
static bool
thp_available(void)
{
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (!f) {
        return false;
    }
    char line[128] = "";
    bool ok = fgets(line, sizeof line, f) && !strstr(line, "[never]");
    fclose(f);
    size_t len = 2 * VH_HUGE_PAGE;
    void *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        return false;
    }
    ok = ok && madvise(m, len, MADV_HUGEPAGE) == 0;
    munmap(m, len);
    return ok;
}

/* True if the mapping holding 'addr' carries the huge page advice ('hg'
 * in its VmFlags, /proc/self/smaps). */
static bool
advised_huge(const void *addr)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    ck_assert_ptr_nonnull(f);
    char line[512];
    bool inside = false, advised = false;
    uintptr_t a = (uintptr_t) addr;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        /* A mapping's first line starts "lo-hi perms"; its fields' lines
         * start with a name and a colon. */
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
            inside = a >= lo && a < hi;
        } else if (inside && !strncmp(line, "VmFlags:", 8)) {
            advised = strstr(line, " hg") != NULL;
            break;
        }
    }
    fclose(f);
    return advised;
}

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

/* A line array of a huge page or more (the flows' statistics of a large
 * scenario) is made of whole huge pages, zeroed, and advised before
 * anything touched it; a small one is only line-aligned. */
START_TEST(test_large_line_array_on_huge_pages)
{
    size_t n = 5000, size = 1000;       /* Not a multiple of 2 MiB. */
    uint8_t *v = vh_xcalloc_lines(n, size);
    ck_assert_uint_eq((uintptr_t) v % VH_HUGE_PAGE, 0);
    for (size_t i = 0; i < n * size; i += 511) {
        ck_assert_uint_eq(v[i], 0);
    }
    ck_assert_uint_eq(v[n * size - 1], 0);
    if (thp_available()) {
        ck_assert(advised_huge(v));
        ck_assert(advised_huge(v + n * size - 1));
    }
    memset(v, 0xa5, n * size);
    free(v);

    uint8_t *small = vh_xcalloc_lines(3, 100);
    ck_assert_uint_eq((uintptr_t) small % 64, 0);
    for (size_t i = 0; i < 300; i++) {
        ck_assert_uint_eq(small[i], 0);
    }
    free(small);
}
END_TEST

/* A size that rounding to whole huge pages would wrap past SIZE_MAX is
 * refused (the process aborts, saying it is out of memory) rather than
 * handed a block of a few bytes. */
START_TEST(test_line_array_size_cannot_wrap)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        /* Quiet: the message is expected. */
        if (!freopen("/dev/null", "w", stderr)) {
            _exit(3);
        }
        volatile uint8_t *v = vh_xcalloc_lines(1, SIZE_MAX - 1000);
        v[0] = 1;
        _exit(0);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFSIGNALED(status));
    ck_assert_int_eq(WTERMSIG(status), SIGABRT);
}
END_TEST

static Suite *
hugepage_suite(void)
{
    Suite *s = suite_create("hugepage");
    TCase *tc = tcase_create("hugepage");
    tcase_add_test(tc, test_advice_keeps_contents);
    tcase_add_test(tc, test_large_line_array_on_huge_pages);
    tcase_add_test(tc, test_line_array_size_cannot_wrap);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(hugepage_suite)
