/* sim/time.h: simulated time.
 *
 * Time is an unsigned 64-bit count of picoseconds since the start of the
 * run.  2^64 ps is about 213 days of simulated time, far beyond any scenario,
 * and integer time keeps runs bit-for-bit repeatable on every machine. */
#ifndef VH_TIME_H
#define VH_TIME_H 1

#include <stdint.h>

typedef uint64_t vh_time_t;

#define VH_PS 1ULL
#define VH_NS 1000ULL
#define VH_US 1000000ULL
#define VH_MS 1000000000ULL
#define VH_SEC 1000000000000ULL
#define VH_TIME_NEVER UINT64_MAX

/* Time to move 'bytes' at 'bps' bits per second, rounded down.  Up to
 * about 2.3 MB the product fits 64 bits, and a frame takes a 64-bit
 * division rather than a call for a 128-bit one; the result is the
 * same. */
static inline vh_time_t
vh_bytes_time(uint64_t bytes, uint64_t bps)
{
    if (bytes <= UINT64_MAX / (8 * VH_SEC)) {
        return bytes * 8 * VH_SEC / bps;
    }
    return (vh_time_t) (((unsigned __int128) bytes * 8 * VH_SEC) / bps);
}

/* A time in picoseconds computed as a double (finite, at least 0, below
 * 2^63) rounded to the nearest picosecond, halves away from zero: what
 * llround() gives, without a library call.  The truncation is exact,
 * and so is 'ps' less it (Sterbenz's lemma below 2^52, and above it
 * 'ps' is whole). */
static inline vh_time_t
vh_time_round(double ps)
{
    /* Through a signed integer: below 2^63 it is the same value, in one
     * instruction where an unsigned conversion takes a test and two
     * paths. */
    uint64_t i = (uint64_t) (int64_t) ps;
    return i + (ps - (double) (int64_t) i >= 0.5);
}

#endif /* sim/time.h */
