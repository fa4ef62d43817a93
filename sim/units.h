/* sim/units.h: quantities written as strings in scenarios.
 *
 * Every parser takes the whole string (no trailing junk, no leading or
 * trailing spaces), returns 0 on success, and on failure returns -1 and
 * writes into 'why' a sentence fragment saying what was expected, e.g.
 * "expected a time such as \"250ns\", \"10us\", \"2ms\" or \"1s\"".
 * Numbers may have a fraction ("2.5us") and are never negative. */
#ifndef VH_UNITS_H
#define VH_UNITS_H 1

#include <stddef.h>
#include <stdint.h>

#include "sim/time.h"

/* Times: ps, ns, us (or "µs"), ms, s.  "0" alone is not accepted: a time
 * always names its unit.  Rounded to the nearest picosecond. */
int vh_parse_time(const char *s, vh_time_t *out, char *why, size_t why_len);

/* Link speeds: a number with K, M, G, T (optionally followed by "bps"),
 * or plain "bps".  "10G" = "10Gbps" = 10e9 bit/s. */
int vh_parse_link_speed(const char *s, uint64_t *bps, char *why,
                        size_t why_len);

/* Traffic rates: packets per second ("pps", "kpps", "Mpps", "Gpps") or
 * bits per second ("bps", "kbps", "Mbps", "Gbps", also "K", "M", "G" as
 * bits).  Exactly one of *pps and *bps is set (> 0), the other 0. */
int vh_parse_rate(const char *s, double *pps, double *bps, char *why,
                  size_t why_len);

/* A primitive cost: "1200cyc", "250ns" (also ps, us), "0.3ns/B",
 * "0.5cyc/B".  The result's fields are all zero but the one written. */
struct vh_cost_value {
    double cyc;                 /* Fixed cycles. */
    double ns;                  /* Fixed nanoseconds. */
    double cyc_per_byte;
    double ns_per_byte;
};

int vh_parse_cost(const char *s, struct vh_cost_value *out, char *why,
                  size_t why_len);

/* Formats 'ps' with a unit chosen for readability ("1.25us", "830ns").
 * Returns 'buf'. */
char *vh_format_time(vh_time_t ps, char *buf, size_t len);

#endif /* sim/units.h */
