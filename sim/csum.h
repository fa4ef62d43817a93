/* sim/csum.h: updating an Internet checksum for the words a rewrite
 * changed (RFC 1624), as the kernel's csum_replace2/4 do, rather than
 * summing the data again: what Open vSwitch's set actions and NAT do to a
 * packet that may be a 64 KiB super-frame. */
#ifndef VH_CSUM_H
#define VH_CSUM_H 1

#include <stdint.h>

/* The checksum 'csum' (as stored) of data in which 16-bit word 'old'
 * became 'new': RFC 1624's HC' = ~(~HC + ~m + m'). */
static inline uint16_t
vh_csum_replace16(uint16_t csum, uint16_t old, uint16_t new)
{
    uint32_t s = (uint32_t) (uint16_t) ~csum + (uint16_t) ~old + new;
    s = (s & 0xffff) + (s >> 16);
    s = (s & 0xffff) + (s >> 16);
    return (uint16_t) ~s;
}

/* The same for a 32-bit field (an IPv4 address): its two words. */
static inline uint16_t
vh_csum_replace32(uint16_t csum, uint32_t old, uint32_t new)
{
    csum = vh_csum_replace16(csum, (uint16_t) (old >> 16),
                             (uint16_t) (new >> 16));
    return vh_csum_replace16(csum, (uint16_t) old, (uint16_t) new);
}

#endif /* sim/csum.h */
