/* sim/hash.h: the pieces of MurmurHash3 (32-bit) that vhsim's hashes are
 * built from: OpenFlow's masked keys, a router's ECMP choice, a tunnel's
 * outer source port.
 *
 * vh_hash_add() mixes one 32-bit word into a running hash;
 * vh_hash_finish() is the finalizer, after which every input bit moves
 * every output bit, so keys that differ in few bits (neighbouring ports,
 * masked matches) land far apart.  Deterministic everywhere: no seed
 * from the process.
 *
 * vh_hash_str() is FNV-1a over a string's bytes: for names, which no
 * adversary picks and which need only spread over a table or seed
 * something the same way in every run. */
#ifndef VH_SIM_HASH_H
#define VH_SIM_HASH_H 1

#include <stdint.h>

static inline uint32_t
vh_hash_rotl32(uint32_t x, int r)
{
    return x << r | x >> (32 - r);
}

static inline uint32_t
vh_hash_add(uint32_t h, uint32_t data)
{
    data *= 0xcc9e2d51u;
    data = vh_hash_rotl32(data, 15);
    data *= 0x1b873593u;
    h ^= data;
    h = vh_hash_rotl32(h, 13);
    return h * 5 + 0xe6546b64u;
}

static inline uint32_t
vh_hash_finish(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

static inline uint32_t
vh_hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h = (h ^ (uint8_t) *s) * 16777619u;
    }
    return h;
}

#endif /* sim/hash.h */
