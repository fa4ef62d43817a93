/* sim/pcapng.c: pcapng blocks, little-endian, through an output file. */
#include "sim/pcapng.h"

#include <stdlib.h>
#include <string.h>

#include "sim/outfile.h"
#include "sim/xmalloc.h"

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_EPB 0x00000006u
#define LINKTYPE_ETHERNET 1
#define SNAPLEN 262144

#define OPT_END 0
#define OPT_COMMENT 1
#define SHB_USERAPPL 4
#define IF_NAME 2
#define IF_TSRESOL 9
#define EPB_FLAGS 2

struct vh_pcapng {
    struct vh_outfile *out;
    uint8_t *buf;               /* One block being built. */
    size_t n, cap;
    uint32_t n_ifs;
    int write_errno;
};

static void
put(struct vh_pcapng *w, const void *p, size_t len)
{
    if (!len) {
        return;
    }
    if (w->n + len > w->cap) {
        w->cap = (w->n + len) * 2 + 256;
        w->buf = vh_xrealloc(w->buf, w->cap);
    }
    memcpy(w->buf + w->n, p, len);
    w->n += len;
}

static void
put16(struct vh_pcapng *w, uint16_t v)
{
    uint8_t b[2] = { (uint8_t) v, (uint8_t) (v >> 8) };
    put(w, b, 2);
}

static void
put32(struct vh_pcapng *w, uint32_t v)
{
    uint8_t b[4] = { (uint8_t) v, (uint8_t) (v >> 8), (uint8_t) (v >> 16),
                     (uint8_t) (v >> 24) };
    put(w, b, 4);
}

static void
pad4(struct vh_pcapng *w)
{
    static const uint8_t zero[3];
    put(w, zero, (4 - w->n % 4) % 4);
}

/* An option: code, length, value padded to 4 bytes. */
static void
put_option(struct vh_pcapng *w, uint16_t code, const void *v, uint16_t len)
{
    put16(w, code);
    put16(w, len);
    put(w, v, len);
    pad4(w);
}

static void
begin_block(struct vh_pcapng *w, uint32_t type)
{
    w->n = 0;
    put32(w, type);
    put32(w, 0);                /* Total length, set by end_block(). */
}

/* Closes the block with its length at both ends and writes it. */
static void
end_block(struct vh_pcapng *w)
{
    uint32_t total = (uint32_t) w->n + 4;
    put32(w, total);
    for (int i = 0; i < 4; i++) {
        w->buf[4 + i] = (uint8_t) (total >> (8 * i));
    }
    if (!w->write_errno
        && fwrite(w->buf, 1, w->n, vh_outfile_stream(w->out)) != w->n) {
        w->write_errno = 1;
    }
}

struct vh_pcapng *
vh_pcapng_open(const char *path, char *err, size_t errlen)
{
    struct vh_pcapng *w = vh_xcalloc(1, sizeof *w);
    w->out = vh_outfile_open(path, "wb", err, errlen);
    if (!w->out) {
        free(w);
        return NULL;
    }
    begin_block(w, BT_SHB);
    put32(w, 0x1A2B3C4Du);      /* Byte-order magic. */
    put16(w, 1);                /* Major version. */
    put16(w, 0);                /* Minor version. */
    put32(w, 0xffffffffu);      /* Section length: unknown (-1). */
    put32(w, 0xffffffffu);
    static const char appl[] = "vhsim";
    put_option(w, SHB_USERAPPL, appl, (uint16_t) strlen(appl));
    put_option(w, OPT_END, NULL, 0);
    end_block(w);
    return w;
}

uint32_t
vh_pcapng_add_interface(struct vh_pcapng *w, const char *name)
{
    begin_block(w, BT_IDB);
    put16(w, LINKTYPE_ETHERNET);
    put16(w, 0);                /* Reserved. */
    put32(w, SNAPLEN);
    size_t len = strlen(name);
    put_option(w, IF_NAME, name, (uint16_t) (len < 65535 ? len : 65535));
    const uint8_t ns = 9;       /* 10^-9 s per timestamp unit. */
    put_option(w, IF_TSRESOL, &ns, 1);
    put_option(w, OPT_END, NULL, 0);
    end_block(w);
    return w->n_ifs++;
}

int
vh_pcapng_write(struct vh_pcapng *w, uint32_t ifid, uint64_t time_ps,
                const uint8_t *frame, uint32_t len, enum vh_pcapng_dir dir,
                const char *comment)
{
    if (w->write_errno || len > SNAPLEN || ifid >= w->n_ifs) {
        return -1;
    }
    uint64_t ns = time_ps / 1000;
    begin_block(w, BT_EPB);
    put32(w, ifid);
    put32(w, (uint32_t) (ns >> 32));
    put32(w, (uint32_t) ns);
    put32(w, len);              /* Captured. */
    put32(w, len);              /* On the wire (without the FCS). */
    put(w, frame, len);
    pad4(w);
    if (comment && *comment) {
        size_t n = strlen(comment);
        put_option(w, OPT_COMMENT, comment, (uint16_t) (n < 65535 ? n
                                                                  : 65535));
    }
    if (dir != VH_PCAPNG_DIR_NONE) {
        uint8_t flags[4] = { (uint8_t) dir, 0, 0, 0 };
        put_option(w, EPB_FLAGS, flags, 4);
    }
    put_option(w, OPT_END, NULL, 0);
    end_block(w);
    return w->write_errno ? -1 : 0;
}

static void
writer_free(struct vh_pcapng *w)
{
    free(w->buf);
    free(w);
}

int
vh_pcapng_commit(struct vh_pcapng *w, char *err, size_t errlen)
{
    int rc;
    if (w->write_errno) {
        vh_outfile_abort(w->out);
        rc = -1;
        snprintf(err, errlen, "cannot write a capture: a write failed");
    } else {
        rc = vh_outfile_commit(w->out, err, errlen);
    }
    writer_free(w);
    return rc;
}

void
vh_pcapng_abort(struct vh_pcapng *w)
{
    if (w) {
        vh_outfile_abort(w->out);
        writer_free(w);
    }
}
