/* tests/bench_mem.c: how long this machine makes a load wait, by how much
 * memory the loads range over.
 *
 * The scaling rows with thousands of guests touch a few dozen lines per
 * packet that no packet has touched since that guest's last one, so what
 * they cost is set less by the code than by where those lines are: in a
 * cache, or in memory.  On a shared or virtual machine that moves from
 * run to run (how much of the last-level cache the neighbours leave, how
 * the host backs the pages), and the 4,096-guest row moves with it.  This
 * prints the machine's answer at the time of the bench, so that a row
 * that moved can be read against it.
 *
 * Each size is a chase: a pointer in each of that many bytes' worth of
 * lines, picked at random over a region twice as large (on huge
 * pages where the system gives them, as the model's heap is), each
 * pointing to the next in a random cycle, so every load depends on the
 * one before and no prefetcher can guess it.  Timed on the thread's CPU
 * clock; the figure is the best of three passes of a million loads.
 *
 * Usage: bench_mem */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/hugepage.h"
#include "sim/rng.h"

#define LINE 64

static double
cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

/* Nanoseconds per load of a chase through 'lines' lines spread over
 * 'region' bytes at 'base'. */
static double
chase_ns(char *base, size_t region, size_t lines, struct vh_rng *rng)
{
    size_t slots = region / LINE;
    size_t stride = slots / lines;
    size_t *order = malloc(lines * sizeof *order);
    if (!order) {
        fprintf(stderr, "bench_mem: out of memory\n");
        exit(1);
    }
    /* One line at random within each stride, so no two coincide, then
     * the visiting order shuffled. */
    for (size_t i = 0; i < lines; i++) {
        order[i] = i * stride + vh_rng_below(rng, stride);
    }
    for (size_t i = lines - 1; i > 0; i--) {
        size_t j = vh_rng_below(rng, i + 1);
        size_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (size_t i = 0; i < lines; i++) {
        *(char **) (base + order[i] * LINE) =
            base + order[(i + 1) % lines] * LINE;
    }
    char *p = base + order[0] * LINE;
    free(order);

    const size_t loads = 1000000;
    double best = 0;
    for (int pass = 0; pass < 3; pass++) {
        double t = cpu_seconds();
        for (size_t i = 0; i < loads; i++) {
            p = *(char **) p;
        }
        t = cpu_seconds() - t;
        if (pass == 0 || t < best) {
            best = t;
        }
    }
    /* Keeps the chase from being optimized away. */
    if (p == NULL) {
        puts("");
    }
    return best / (double) loads * 1e9;
}

int
main(void)
{
    static const size_t sizes_kib[] = { 32, 512, 2048, 8192, 65536 };
    size_t n_sizes = sizeof sizes_kib / sizeof sizes_kib[0];
    size_t region = sizes_kib[n_sizes - 1] * 1024 * 2;
    char *base = aligned_alloc(VH_HUGE_PAGE, region);
    if (!base) {
        fprintf(stderr, "bench_mem: out of memory\n");
        return 1;
    }
    vh_advise_huge(base, region);
    memset(base, 0, region);

    struct vh_rng rng;
    vh_rng_seed(&rng, 1, "bench/mem");
    printf("  a chase of dependent loads through random lines; best of 3 passes\n");
    printf("  %12s %12s\n", "working set", "ns per load");
    for (size_t i = 0; i < n_sizes; i++) {
        size_t lines = sizes_kib[i] * 1024 / LINE;
        double ns = chase_ns(base, sizes_kib[i] * 1024 * 2, lines, &rng);
        if (sizes_kib[i] >= 1024) {
            printf("  %8zu MiB %12.1f\n", sizes_kib[i] / 1024, ns);
        } else {
            printf("  %8zu KiB %12.1f\n", sizes_kib[i], ns);
        }
    }
    free(base);
    return 0;
}
