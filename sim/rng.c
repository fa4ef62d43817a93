/* sim/rng.c: xoshiro256** streams keyed by (seed, stream name). */
#include "sim/rng.h"

#include <assert.h>
#include <math.h>

/* The splitmix64 output function: a bijection on 64-bit words in which
 * every input bit affects every output bit. */
static uint64_t
mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t
splitmix64(uint64_t *x)
{
    *x += 0x9e3779b97f4a7c15ULL;
    return mix64(*x);
}

/* FNV-1a, 64-bit. */
static uint64_t
fnv1a64(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ULL;
    }
    return h;
}

void
vh_rng_seed(struct vh_rng *rng, uint64_t seed, const char *stream)
{
    /* Both halves go through the mixer before they meet: a bare XOR would
     * let seeds that differ in a few low bits start splitmix64 at nearby
     * points, and would make (seed, name) collisions easy to construct. */
    uint64_t x = mix64(seed) ^ mix64(fnv1a64(stream ? stream : ""));
    for (int i = 0; i < 4; i++) {
        rng->s[i] = splitmix64(&x);
    }
    /* Four consecutive outputs of a bijection cannot all be zero, so the
     * all-zero state xoshiro must avoid is impossible here. */
}

static inline uint64_t
rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t
vh_rng_next(struct vh_rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double
vh_rng_uniform(struct vh_rng *rng)
{
    /* The top 53 bits are the generator's best, and exactly fill a
     * double's significand. */
    return (double) (vh_rng_next(rng) >> 11) * 0x1.0p-53;
}

uint64_t
vh_rng_below(struct vh_rng *rng, uint64_t n)
{
    assert(n > 0);
    /* Lemire's multiply-and-shift: the high word of x * n is uniform in
     * [0, n) once the few low words that would over-represent some
     * results are rejected.  The division that finds them runs only when
     * the low word is small enough to possibly need it. */
    unsigned __int128 m = (unsigned __int128) vh_rng_next(rng) * n;
    uint64_t low = (uint64_t) m;
    if (low < n) {
        uint64_t threshold = -n % n;
        while (low < threshold) {
            m = (unsigned __int128) vh_rng_next(rng) * n;
            low = (uint64_t) m;
        }
    }
    return (uint64_t) (m >> 64);
}

double
vh_rng_exp(struct vh_rng *rng, double mean)
{
    /* u is in [0, 1), so 1 - u is in (0, 1] and the log is finite; 1 - u
     * is exact because u is a multiple of 2^-53. */
    return -mean * log(1.0 - vh_rng_uniform(rng));
}
