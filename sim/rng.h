/* sim/rng.h: seeded random number streams.
 *
 * Each source of randomness (a flow's Poisson arrivals, a hash salt) owns a
 * stream derived from the scenario seed and a stable name such as
 * "traffic/f1".  Adding a flow therefore never shifts the numbers another
 * flow draws, and the same seed gives the same run.
 *
 * The generator is xoshiro256** seeded through splitmix64: fast, small state,
 * and well tested statistically. */
#ifndef VH_RNG_H
#define VH_RNG_H 1

#include <stdint.h>

struct vh_rng {
    uint64_t s[4];
};

/* Seeds 'rng' from the run's seed and the stream's name. */
void vh_rng_seed(struct vh_rng *, uint64_t seed, const char *stream);

uint64_t vh_rng_next(struct vh_rng *);

/* Uniform in [0, 1), 53 bits of precision. */
double vh_rng_uniform(struct vh_rng *);

/* Uniform integer in [0, n); n > 0.  Unbiased (rejection). */
uint64_t vh_rng_below(struct vh_rng *, uint64_t n);

/* Exponentially distributed with the given mean (> 0). */
double vh_rng_exp(struct vh_rng *, double mean);

#endif /* sim/rng.h */
