/* sim/rss.c: the Toeplitz hash and what RSS feeds it. */
#include "sim/rss.h"

#include <assert.h>

#include <string.h>

#include "sim/flow6.h"
#include "sim/frame.h"

const uint8_t vh_rss_default_key[VH_RSS_KEY_LEN] = {
    0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
    0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
    0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
    0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
    0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

uint32_t
vh_toeplitz(const uint8_t *key, size_t key_len, const uint8_t *in, size_t n)
{
    assert(key_len >= n + 4);
    /* 'window' holds the key's 32 bits starting at the current input bit;
     * the key's next byte is fed in from the right, one bit per step. */
    uint32_t window = (uint32_t) key[0] << 24 | (uint32_t) key[1] << 16
                      | (uint32_t) key[2] << 8 | key[3];
    uint32_t result = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t next = key[i + 4];
        for (int b = 7; b >= 0; b--) {
            if (in[i] >> b & 1) {
                result ^= window;
            }
            window = window << 1 | (uint32_t) (next >> b & 1);
        }
    }
    return result;
}

/* The hash input: the addresses, then the ports, as on the wire. */
static size_t
rss_input(const uint8_t *frame, uint32_t len, uint8_t out[VH_RSS_INPUT_MAX])
{
    struct vh_flow f;
    struct vh_flow6 f6;
    if (vh_frame_flow6(frame, len, &f6)) {
        memcpy(out, f6.src, 16);
        memcpy(out + 16, f6.dst, 16);
        out[32] = (uint8_t) (f6.sport >> 8);
        out[33] = (uint8_t) f6.sport;
        out[34] = (uint8_t) (f6.dport >> 8);
        out[35] = (uint8_t) f6.dport;
        return f6.has_ports ? 36 : 32;
    }
    if (!vh_frame_flow(frame, len, &f)) {
        return 0;
    }
    const uint32_t words[3] = {
        f.ip_src, f.ip_dst, (uint32_t) f.sport << 16 | f.dport,
    };
    for (size_t i = 0; i < 3; i++) {
        out[4 * i] = (uint8_t) (words[i] >> 24);
        out[4 * i + 1] = (uint8_t) (words[i] >> 16);
        out[4 * i + 2] = (uint8_t) (words[i] >> 8);
        out[4 * i + 3] = (uint8_t) words[i];
    }
    return f.has_ports ? 12 : 8;
}

bool
vh_rss_hash_frame(const uint8_t *key, const uint8_t *frame, uint32_t len,
                  uint32_t *hash)
{
    uint8_t in[VH_RSS_INPUT_MAX];
    size_t n = rss_input(frame, len, in);
    if (!n) {
        return false;
    }
    *hash = vh_toeplitz(key, VH_RSS_KEY_LEN, in, n);
    return true;
}
