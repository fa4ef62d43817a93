/* gui/png.c: a small PNG writer with its own deflate. */
#include "gui/png.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/outfile.h"

#include "record/scene.h"

uint32_t
gui_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
    static uint32_t table[256];
    static int ready;
    if (!ready) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++) {
                c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
            }
            table[i] = c;
        }
        ready = 1;
    }
    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    }
    return ~crc;
}

uint32_t
gui_adler32(uint32_t adler, const uint8_t *p, size_t n)
{
    uint32_t a = adler & 0xffff, b = adler >> 16;
    while (n) {
        /* 5552 is the most bytes before the sums can overflow. */
        size_t k = n < 5552 ? n : 5552;
        n -= k;
        while (k--) {
            a += *p++;
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    return b << 16 | a;
}

/* Output of bits, least significant first, as deflate packs them. */
struct bits {
    uint8_t *v;
    size_t n, cap;
    uint64_t acc;
    int nacc;
};

static void
bits_byte(struct bits *b, uint8_t x)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 65536;
        b->v = gui_xrealloc(b->v, b->cap);
    }
    b->v[b->n++] = x;
}

static void
bits_put(struct bits *b, uint32_t value, int n)
{
    b->acc |= (uint64_t) value << b->nacc;
    b->nacc += n;
    while (b->nacc >= 8) {
        bits_byte(b, (uint8_t) b->acc);
        b->acc >>= 8;
        b->nacc -= 8;
    }
}

static void
bits_align(struct bits *b)
{
    if (b->nacc) {
        bits_put(b, 0, 8 - b->nacc);
    }
}

/* Huffman codes are sent most significant bit first. */
static void
bits_code(struct bits *b, uint32_t code, int len)
{
    uint32_t r = 0;
    for (int i = 0; i < len; i++) {
        r = r << 1 | ((code >> i) & 1);
    }
    bits_put(b, r, len);
}

/* The fixed literal/length code of RFC 1951 3.2.6. */
static void
put_litlen(struct bits *b, int sym)
{
    if (sym < 144) {
        bits_code(b, 0x30 + (uint32_t) sym, 8);
    } else if (sym < 256) {
        bits_code(b, 0x190 + (uint32_t) (sym - 144), 9);
    } else if (sym < 280) {
        bits_code(b, (uint32_t) (sym - 256), 7);
    } else {
        bits_code(b, 0xc0 + (uint32_t) (sym - 280), 8);
    }
}

static const uint16_t len_base[29] = {
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
    67, 83, 99, 115, 131, 163, 195, 227, 258,
};
static const uint8_t len_extra[29] = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
    5, 5, 5, 5, 0,
};
static const uint16_t dist_base[30] = {
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385,
    513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
};
static const uint8_t dist_extra[30] = {
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10,
    11, 11, 12, 12, 13, 13,
};

static void
put_match(struct bits *b, int len, int dist)
{
    int i = 28;
    while (len_base[i] > len) {
        i--;
    }
    put_litlen(b, 257 + i);
    bits_put(b, (uint32_t) (len - len_base[i]), len_extra[i]);
    int d = 29;
    while (dist_base[d] > dist) {
        d--;
    }
    bits_code(b, (uint32_t) d, 5);
    bits_put(b, (uint32_t) (dist - dist_base[d]), dist_extra[d]);
}

#define WSIZE 32768
#define HBITS 15
#define MAX_CHAIN 48

static uint32_t
hash3(const uint8_t *p)
{
    return ((uint32_t) p[0] << 16 | (uint32_t) p[1] << 8 | p[2])
           * 2654435761u >> (32 - HBITS);
}

uint8_t *
gui_zlib_compress(const uint8_t *p, size_t n, int level, size_t *out_len)
{
    struct bits b = { 0 };
    bits_byte(&b, 0x78);        /* Deflate, 32K window. */
    bits_byte(&b, 0x01);        /* No dictionary; check bits make it a
                                 * multiple of 31. */
    if (level == 0 || n == 0) {
        size_t off = 0;
        do {
            size_t k = n - off < 65535 ? n - off : 65535;
            bits_put(&b, off + k == n ? 1 : 0, 1);
            bits_put(&b, 0, 2);
            bits_align(&b);
            bits_byte(&b, (uint8_t) k);
            bits_byte(&b, (uint8_t) (k >> 8));
            bits_byte(&b, (uint8_t) ~k);
            bits_byte(&b, (uint8_t) (~k >> 8));
            for (size_t i = 0; i < k; i++) {
                bits_byte(&b, p[off + i]);
            }
            off += k;
        } while (off < n);
    } else {
        int32_t *head = gui_xmalloc(sizeof *head << HBITS);
        int32_t *prev = gui_xmalloc(sizeof *prev * WSIZE);
        for (size_t i = 0; i < (1u << HBITS); i++) {
            head[i] = -1;
        }
        bits_put(&b, 1, 1);     /* The only block: final. */
        bits_put(&b, 1, 2);     /* Fixed Huffman codes. */
        size_t i = 0;
        while (i < n) {
            int best = 0, best_d = 0;
            if (i + 3 <= n) {
                uint32_t hv = hash3(p + i);
                int32_t cand = head[hv];
                size_t max = n - i < 258 ? n - i : 258;
                for (int chain = 0; cand >= 0 && chain < MAX_CHAIN; chain++) {
                    size_t d = i - (size_t) cand;
                    if (d > WSIZE - 1) {
                        break;
                    }
                    const uint8_t *a = p + cand, *c = p + i;
                    size_t l = 0;
                    while (l < max && a[l] == c[l]) {
                        l++;
                    }
                    if ((int) l > best) {
                        best = (int) l;
                        best_d = (int) d;
                        if (l == max) {
                            break;
                        }
                    }
                    cand = prev[cand & (WSIZE - 1)];
                }
            }
            size_t step = best >= 3 ? (size_t) best : 1;
            if (best >= 3) {
                put_match(&b, best, best_d);
            } else {
                put_litlen(&b, p[i]);
            }
            /* Index every position passed, so later matches find it. */
            for (size_t k = 0; k < step; k++, i++) {
                if (i + 3 <= n) {
                    uint32_t hv = hash3(p + i);
                    prev[i & (WSIZE - 1)] = head[hv];
                    head[hv] = (int32_t) i;
                }
            }
        }
        put_litlen(&b, 256);
        bits_align(&b);
        free(head);
        free(prev);
    }
    uint32_t ad = gui_adler32(1, p, n);
    for (int k = 3; k >= 0; k--) {
        bits_byte(&b, (uint8_t) (ad >> (8 * k)));
    }
    *out_len = b.n;
    return b.v;
}

static void
be32(uint8_t *p, uint32_t x)
{
    p[0] = (uint8_t) (x >> 24);
    p[1] = (uint8_t) (x >> 16);
    p[2] = (uint8_t) (x >> 8);
    p[3] = (uint8_t) x;
}

static int
chunk(FILE *f, const char *type, const uint8_t *data, size_t n)
{
    uint8_t hdr[8];
    be32(hdr, (uint32_t) n);
    memcpy(hdr + 4, type, 4);
    uint32_t crc = gui_crc32(0, hdr + 4, 4);
    if (n) {
        crc = gui_crc32(crc, data, n);
    }
    uint8_t tail[4];
    be32(tail, crc);
    return fwrite(hdr, 1, 8, f) == 8 && (!n || fwrite(data, 1, n, f) == n)
           && fwrite(tail, 1, 4, f) == 4 ? 0 : -1;
}

static uint32_t
row_cost(const uint8_t *r, size_t n)
{
    uint32_t s = 0;
    for (size_t i = 0; i < n; i++) {
        s += r[i] < 128 ? r[i] : 256 - r[i];
    }
    return s;
}

int
gui_png_write(const char *path, const uint8_t *rgb, int w, int h,
              size_t stride, char *err, size_t errlen)
{
    size_t rowlen = (size_t) w * 3;
    size_t rawlen = (rowlen + 1) * (size_t) h;
    uint8_t *raw = gui_xmalloc(rawlen);
    uint8_t *cand = gui_xmalloc(rowlen * 3);
    for (int y = 0; y < h; y++) {
        const uint8_t *row = rgb + (size_t) y * stride;
        const uint8_t *up = y ? rgb + (size_t) (y - 1) * stride : NULL;
        uint8_t *c0 = cand, *c1 = cand + rowlen, *c2 = cand + 2 * rowlen;
        for (size_t i = 0; i < rowlen; i++) {
            c0[i] = row[i];
            c1[i] = (uint8_t) (row[i] - (i >= 3 ? row[i - 3] : 0));
            c2[i] = (uint8_t) (row[i] - (up ? up[i] : 0));
        }
        /* The filter whose output is closest to zero usually compresses
         * best (the heuristic PNG's authors suggest). */
        uint32_t k0 = row_cost(c0, rowlen), k1 = row_cost(c1, rowlen),
                 k2 = row_cost(c2, rowlen);
        int ft = 0;
        const uint8_t *pick = c0;
        if (k1 < k0 && k1 <= k2) {
            ft = 1;
            pick = c1;
        } else if (k2 < k0 && k2 < k1) {
            ft = 2;
            pick = c2;
        }
        uint8_t *dst = raw + (size_t) y * (rowlen + 1);
        dst[0] = (uint8_t) ft;
        memcpy(dst + 1, pick, rowlen);
    }
    free(cand);
    size_t zlen;
    uint8_t *z = gui_zlib_compress(raw, rawlen, 1, &zlen);
    free(raw);

    struct vh_outfile *o = vh_outfile_open(path, "wb", err, errlen);
    if (!o) {
        free(z);
        return -1;
    }
    FILE *f = vh_outfile_stream(o);
    static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a,
                                    '\n' };
    uint8_t ihdr[13];
    be32(ihdr, (uint32_t) w);
    be32(ihdr + 4, (uint32_t) h);
    ihdr[8] = 8;                /* Bits per channel. */
    ihdr[9] = 2;                /* Truecolour. */
    ihdr[10] = ihdr[11] = ihdr[12] = 0;
    int bad = fwrite(sig, 1, 8, f) != 8;
    bad |= chunk(f, "IHDR", ihdr, sizeof ihdr);
    bad |= chunk(f, "IDAT", z, zlen);
    bad |= chunk(f, "IEND", NULL, 0);
    free(z);
    if (bad) {
        snprintf(err, errlen, "cannot write '%s': %s", path,
                 strerror(errno ? errno : EIO));
        vh_outfile_abort(o);
        return -1;
    }
    return vh_outfile_commit(o, err, errlen);
}
