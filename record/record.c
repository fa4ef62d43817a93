/* record/record.c: the recording format, written by a trace subscriber and
 * read back one event at a time.
 *
 * Numbers are LEB128 varints (zig-zag for signed values) so that an event
 * takes a couple of dozen bytes: times are deltas from the previous
 * announcement, packet ids deltas from the previous packet.  Records are
 * a type byte, a little-endian 32-bit payload length and the payload, so a
 * reader can skip what it does not know and notice a record cut short. */
#include "record/record.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BLOCK_EVENTS 4096
#define CACHE_SLOTS 8192        /* Packets remembered per block, by id. */
#define MAX_STRINGS 65535

enum {
    F_KIND = 0x0f,
    F_META = 0x10,
    F_SNAP = 0x20,
    F_CPU = 0x40,
    F_NOPKT = 0x80,
};

/* A growable byte buffer. */
struct bytes {
    uint8_t *v;
    size_t n, cap;
};

static void
bytes_reserve(struct bytes *b, size_t more)
{
    if (b->n + more > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + more) {
            cap *= 2;
        }
        b->v = gui_xrealloc(b->v, cap);
        b->cap = cap;
    }
}

static void
put_bytes(struct bytes *b, const void *p, size_t n)
{
    if (!n) {
        return;
    }
    bytes_reserve(b, n);
    memcpy(b->v + b->n, p, n);
    b->n += n;
}

static void
put_u8(struct bytes *b, uint8_t x)
{
    put_bytes(b, &x, 1);
}

static void
put_var(struct bytes *b, uint64_t x)
{
    bytes_reserve(b, 10);
    while (x >= 0x80) {
        b->v[b->n++] = (uint8_t) (x | 0x80);
        x >>= 7;
    }
    b->v[b->n++] = (uint8_t) x;
}

static uint64_t
zigzag(int64_t x)
{
    return ((uint64_t) x << 1) ^ (uint64_t) (x >> 63);
}

static int64_t
unzigzag(uint64_t x)
{
    return (int64_t) (x >> 1) ^ -(int64_t) (x & 1);
}

static void
put_str(struct bytes *b, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    put_var(b, n);
    put_bytes(b, s, n);
}

/* Writing. */

struct cache_slot {
    uint64_t pkt;               /* Packet id + 1; 0 = empty. */
    uint32_t block;             /* Block in which it was last described. */
    uint32_t len;               /* Frame length of the last snapshot. */
    uint64_t hash;              /* FNV-1a of the last snapshot. */
};

struct str_slot {
    const char *ptr;
    uint16_t id;
};

struct gui_rec_writer {
    FILE *f;
    const vh_time_t *clock;
    struct bytes block;         /* Events of the block in progress. */
    struct bytes rec;           /* Scratch for one record. */
    uint32_t n_block;           /* Events in 'block'. */
    uint32_t block_no;          /* Number of the block in progress, >= 1. */
    vh_time_t first_now;        /* Announcement time of its first event. */
    vh_time_t prev_now;
    uint64_t prev_pkt;
    struct cache_slot *cache;
    struct str_slot *strs;      /* Open-addressed by pointer. */
    size_t str_cap;
    uint16_t n_strs;
    uint64_t count;
    vh_time_t last_time;        /* Latest event time seen. */
    int err_no;                 /* First write error, 0 if none. */
    /* gui_rec_watch_counters(): the devices, their enclosing devices (the
     * scene's), and the in/out counts the recording has told so far. */
    const struct vh_devtab *devs;
    size_t n_devs;              /* Those the scene has. */
    int32_t *parent;
    uint64_t *told_rx, *told_tx;
};

static void
write_record(struct gui_rec_writer *w, char type, const struct bytes *payload)
{
    uint8_t hdr[5] = { (uint8_t) type };
    uint32_t n = (uint32_t) payload->n;
    for (int i = 0; i < 4; i++) {
        hdr[1 + i] = (uint8_t) (n >> (8 * i));
    }
    if (fwrite(hdr, 1, 5, w->f) != 5
        || (n && fwrite(payload->v, 1, n, w->f) != n)) {
        if (!w->err_no) {
            w->err_no = errno ? errno : EIO;
        }
    }
}

static void
write_scene(struct gui_rec_writer *w, const struct gui_scene *sc)
{
    struct bytes *b = &w->rec;
    b->n = 0;
    put_str(b, sc->name);
    put_str(b, sc->variant);
    put_var(b, sc->duration);
    put_var(b, sc->n_devs);
    for (size_t i = 0; i < sc->n_devs; i++) {
        const struct gui_dev *d = &sc->devs[i];
        put_str(b, d->path);
        put_str(b, d->kind);
        put_u8(b, d->role);
        put_var(b, zigzag(d->parent));
        put_str(b, d->note);
        put_var(b, d->n_edges);
        for (uint32_t e = 0; e < d->n_edges; e++) {
            put_var(b, d->edges[e].to);
            put_u8(b, d->edges[e].cable);
        }
    }
    put_var(b, sc->n_hosts);
    for (size_t i = 0; i < sc->n_hosts; i++) {
        put_var(b, sc->hosts[i].dev);
        put_var(b, (uint64_t) sc->hosts[i].cores);
        put_str(b, sc->hosts[i].iommu);
    }
    put_var(b, sc->n_flows);
    for (size_t i = 0; i < sc->n_flows; i++) {
        put_str(b, sc->flows[i].name);
        put_str(b, sc->flows[i].from);
        put_str(b, sc->flows[i].to);
        put_str(b, sc->flows[i].proto);
    }
    put_var(b, sc->n_cats);
    for (size_t i = 0; i < sc->n_cats; i++) {
        put_str(b, sc->cats[i]);
    }
    put_var(b, sc->n_marks);
    for (size_t i = 0; i < sc->n_marks; i++) {
        put_var(b, sc->marks[i].at);
        put_str(b, sc->marks[i].action);
        put_str(b, sc->marks[i].target);
        put_str(b, sc->marks[i].to);
        put_var(b, sc->marks[i].until);
    }
    write_record(w, 'S', b);
}

struct gui_rec_writer *
gui_rec_writer_new(FILE *f, const struct gui_scene *sc,
                   const vh_time_t *clock)
{
    struct gui_rec_writer *w = gui_xcalloc(1, sizeof *w);
    w->f = f;
    w->clock = clock;
    w->block_no = 1;
    w->cache = gui_xcalloc(CACHE_SLOTS, sizeof *w->cache);
    w->str_cap = 256;
    w->strs = gui_xcalloc(w->str_cap, sizeof *w->strs);
    uint8_t hdr[12];
    memcpy(hdr, GUI_REC_MAGIC, 8);
    for (int i = 0; i < 4; i++) {
        hdr[8 + i] = (uint8_t) (GUI_REC_VERSION >> (8 * i));
    }
    if (fwrite(hdr, 1, sizeof hdr, f) != sizeof hdr) {
        w->err_no = errno ? errno : EIO;
    }
    write_scene(w, sc);
    return w;
}

static size_t
ptr_hash(const void *p, size_t cap)
{
    uint64_t x = (uint64_t) (uintptr_t) p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t) x & (cap - 1);
}

/* The id of string 'p', writing its definition the first time.  Strings
 * in hop events are static, so the pointer identifies them. */
static uint16_t
string_id(struct gui_rec_writer *w, const char *p)
{
    if (!p) {
        return 0;
    }
    size_t i = ptr_hash(p, w->str_cap);
    while (w->strs[i].ptr) {
        if (w->strs[i].ptr == p) {
            return w->strs[i].id;
        }
        i = (i + 1) & (w->str_cap - 1);
    }
    if (w->n_strs == MAX_STRINGS) {
        return 0;
    }
    if ((size_t) (w->n_strs + 1) * 2 > w->str_cap) {
        struct str_slot *old = w->strs;
        size_t old_cap = w->str_cap;
        w->str_cap *= 2;
        w->strs = gui_xcalloc(w->str_cap, sizeof *w->strs);
        for (size_t k = 0; k < old_cap; k++) {
            if (old[k].ptr) {
                size_t j = ptr_hash(old[k].ptr, w->str_cap);
                while (w->strs[j].ptr) {
                    j = (j + 1) & (w->str_cap - 1);
                }
                w->strs[j] = old[k];
            }
        }
        free(old);
        return string_id(w, p);
    }
    uint16_t id = ++w->n_strs;
    w->strs[i].ptr = p;
    w->strs[i].id = id;
    struct bytes *b = &w->rec;
    b->n = 0;
    put_var(b, id);
    put_bytes(b, p, strlen(p));
    write_record(w, 'N', b);
    return id;
}

static uint64_t
fnv1a(const uint8_t *p, size_t n, uint64_t h)
{
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static void
flush_block(struct gui_rec_writer *w)
{
    if (!w->n_block) {
        return;
    }
    struct bytes *b = &w->rec;
    b->n = 0;
    put_var(b, w->n_block);
    put_var(b, w->first_now);
    put_bytes(b, w->block.v, w->block.n);
    write_record(w, 'B', b);
    w->block.n = 0;
    w->n_block = 0;
    w->block_no++;
}

/* A count event: device 'dev' took in ('kind' RX) or sent (TX) 'delta'
 * frames more than the recording's hops at it say.  It has no packet; its
 * payload is the signed difference. */
static void
put_count(struct gui_rec_writer *w, uint32_t dev, enum vh_hop_kind kind,
          int64_t delta)
{
    vh_time_t now = *w->clock;
    if (!w->n_block) {
        w->first_now = now;
        w->prev_now = now;
        w->prev_pkt = 0;
    }
    struct bytes *b = &w->block;
    put_u8(b, (uint8_t) (kind | F_NOPKT));
    put_var(b, now - w->prev_now);
    put_var(b, 0);
    put_var(b, (uint64_t) dev + 1);
    put_var(b, zigzag(delta));
    w->prev_now = now;
    w->count++;
    w->n_block++;
}

/* Writes what device 'dev''s counters differ from what was told. */
static void
check_counts(struct gui_rec_writer *w, uint32_t dev)
{
    const struct vh_device *d = w->devs->v[dev];
    if (d->rx != w->told_rx[dev]) {
        put_count(w, dev, VH_HOP_RX, (int64_t) (d->rx - w->told_rx[dev]));
        w->told_rx[dev] = d->rx;
    }
    if (d->tx != w->told_tx[dev]) {
        put_count(w, dev, VH_HOP_TX, (int64_t) (d->tx - w->told_tx[dev]));
        w->told_tx[dev] = d->tx;
    }
}

static void
check_all_counts(struct gui_rec_writer *w)
{
    for (size_t i = 0; i < w->n_devs; i++) {
        check_counts(w, (uint32_t) i);
    }
}

void
gui_rec_watch_counters(struct gui_rec_writer *w, const struct vh_devtab *devs)
{
    w->devs = devs;
    w->n_devs = devs->n;
    w->parent = gui_xcalloc(devs->n ? devs->n : 1, sizeof *w->parent);
    w->told_rx = gui_xcalloc(devs->n ? devs->n : 1, sizeof *w->told_rx);
    w->told_tx = gui_xcalloc(devs->n ? devs->n : 1, sizeof *w->told_tx);
    for (size_t i = 0; i < devs->n; i++) {
        w->parent[i] = devs->v[i]->parent;
    }
}

void
gui_rec_hop(void *ctx, const struct vh_hop *h)
{
    struct gui_rec_writer *w = ctx;
    if (h->kind == VH_HOP_DECIDE) {
        return;                 /* Decisions are for 'explain'; the
                                 * recording keeps where packets go. */
    }
    vh_time_t now = *w->clock;
    const struct vh_packet *p = h->pkt;
    /* Strings first: their records must precede the block using them. */
    uint16_t what = string_id(w, h->what);
    uint16_t reason = string_id(w, h->reason);

    if (!w->n_block) {
        w->first_now = now;
        w->prev_now = now;
        w->prev_pkt = 0;
    }
    uint8_t flags = (uint8_t) (h->kind & F_KIND);
    struct cache_slot *slot = NULL;
    uint32_t snap_len = 0;
    uint64_t hash = 0;
    if (!p) {
        flags |= F_NOPKT;
    } else {
        slot = &w->cache[(p->id * 0x9e3779b97f4a7c15ULL) >> 51];
        bool known = slot->pkt == p->id + 1 && slot->block == w->block_no;
        if (!known) {
            flags |= F_META;
        }
        snap_len = p->len < GUI_REC_SNAPLEN ? p->len : GUI_REC_SNAPLEN;
        hash = fnv1a(p->data, snap_len, 0xcbf29ce484222325ULL ^ p->len);
        if (p->len && (!known || slot->hash != hash || slot->len != p->len)) {
            flags |= F_SNAP;
        }
    }
    if (h->kind == VH_HOP_SERVICE && h->on_cpu) {
        flags |= F_CPU;
    }

    struct bytes *b = &w->block;
    put_u8(b, flags);
    put_var(b, now - w->prev_now);
    put_var(b, zigzag((int64_t) (h->time - now)));
    put_var(b, h->dev ? (uint64_t) h->dev->id + 1 : 0);
    if (p) {
        put_var(b, zigzag((int64_t) (p->id - w->prev_pkt)));
        w->prev_pkt = p->id;
    }
    if (flags & F_META) {
        put_var(b, zigzag(p->flow));
        put_var(b, p->seq);
        put_var(b, zigzag((int64_t) (now - p->born)));
        put_u8(b, (uint8_t) ((p->is_reply ? 1 : 0) | (p->counted ? 2 : 0)));
    }
    switch (h->kind) {
    case VH_HOP_SERVICE:
        put_var(b, h->end > h->time ? h->end - h->time : 0);
        put_var(b, h->cycles);
        put_var(b, what);
        put_var(b, h->iotlb_hits);
        put_var(b, h->iotlb_misses);
        if (flags & F_CPU) {
            put_var(b, (uint64_t) (h->core < 0 ? 0 : h->core));
            put_u8(b, h->category);
        }
        break;
    case VH_HOP_ENQUEUE:
        put_var(b, h->depth);
        put_var(b, what);
        put_var(b, h->queue);
        break;
    case VH_HOP_DROP:
        put_var(b, reason);
        break;
    case VH_HOP_ARRIVE:
    case VH_HOP_DELIVER:
    case VH_HOP_RX:
    case VH_HOP_TX:
    case VH_HOP_CONSUME:
    case VH_HOP_DECIDE:
        break;
    }
    if (flags & F_SNAP) {
        put_var(b, p->len);
        put_var(b, snap_len);
        put_bytes(b, p->data, snap_len);
    }
    if (slot) {
        *slot = (struct cache_slot) {
            .pkt = p->id + 1, .block = w->block_no,
            .len = p->len, .hash = hash,
        };
    }
    w->prev_now = now;
    w->count++;
    w->n_block++;
    if (h->dev && h->dev->id < w->n_devs) {
        /* Its own hop is told; the counters of the device and of those
         * enclosing it (a switch whose port this is) may have moved
         * without one. */
        if (h->kind == VH_HOP_RX) {
            w->told_rx[h->dev->id]++;
        } else if (h->kind == VH_HOP_TX) {
            w->told_tx[h->dev->id]++;
        }
        for (int32_t d = (int32_t) h->dev->id, k = 0;
             d >= 0 && (size_t) d < w->n_devs && k < 8; d = w->parent[d], k++) {
            check_counts(w, (uint32_t) d);
        }
    }
    if (w->n_block >= BLOCK_EVENTS) {
        check_all_counts(w);
        flush_block(w);
    }
}

int
gui_rec_flush(struct gui_rec_writer *w)
{
    check_all_counts(w);
    flush_block(w);
    if (fflush(w->f) && !w->err_no) {
        w->err_no = errno ? errno : EIO;
    }
    return w->err_no ? -1 : 0;
}

int
gui_rec_finish(struct gui_rec_writer *w, char *err, size_t errlen)
{
    check_all_counts(w);
    flush_block(w);
    struct bytes *b = &w->rec;
    b->n = 0;
    put_var(b, w->count);
    put_var(b, *w->clock);
    write_record(w, 'Z', b);
    if (fflush(w->f) && !w->err_no) {
        w->err_no = errno ? errno : EIO;
    }
    int rc = 0;
    if (w->err_no) {
        snprintf(err, errlen, "writing the recording: %s",
                 strerror(w->err_no));
        rc = -1;
    }
    free(w->block.v);
    free(w->rec.v);
    free(w->cache);
    free(w->strs);
    free(w->parent);
    free(w->told_rx);
    free(w->told_tx);
    free(w);
    return rc;
}

/* Reading. */

struct gui_rec_reader {
    FILE *f;
    uint64_t first_off;         /* The first record after the scene. */
    uint8_t *blk;               /* Payload of the current block. */
    size_t blk_len, blk_cap, pos;
    uint64_t blk_off;           /* File offset of the current block. */
    uint32_t blk_n, blk_i;      /* Events in it; index of the next. */
    vh_time_t prev_now;
    uint64_t prev_pkt;
    uint64_t next_off;          /* Offset of the record after it. */
    char **strs;                /* By id; [0] unused. */
    size_t n_strs;
    bool end;
    char err[256];
};

/* A cursor over a payload that never reads past its end. */
struct cur {
    const uint8_t *p, *end;
    bool bad;
};

static uint64_t
get_var(struct cur *c)
{
    uint64_t x = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (c->p >= c->end) {
            c->bad = true;
            return 0;
        }
        uint8_t byte = *c->p++;
        x |= (uint64_t) (byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            return x;
        }
    }
    c->bad = true;
    return 0;
}

static uint8_t
get_u8(struct cur *c)
{
    if (c->p >= c->end) {
        c->bad = true;
        return 0;
    }
    return *c->p++;
}

static char *
get_str(struct cur *c)
{
    uint64_t n = get_var(c);
    if (c->bad || n > (uint64_t) (c->end - c->p)) {
        c->bad = true;
        return gui_xstrdup("");
    }
    char *s = gui_xmalloc(n + 1);
    memcpy(s, c->p, n);
    s[n] = '\0';
    c->p += n;
    return s;
}

bool
gui_rec_is_recording(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return false;
    }
    char m[8];
    bool yes = fread(m, 1, 8, f) == 8 && !memcmp(m, GUI_REC_MAGIC, 8);
    fclose(f);
    return yes;
}

/* Reads the record at 'off': returns 1 with its type and payload (in
 * r->blk), 0 if it is not complete yet, -1 on a read error. */
static int
read_record(struct gui_rec_reader *r, uint64_t off, char *type,
            size_t *len)
{
    uint8_t hdr[5];
    clearerr(r->f);
    if (fseeko(r->f, (off_t) off, SEEK_SET)) {
        snprintf(r->err, sizeof r->err, "seek: %s", strerror(errno));
        return -1;
    }
    if (fread(hdr, 1, 5, r->f) != 5) {
        return 0;
    }
    size_t n = (size_t) hdr[1] | (size_t) hdr[2] << 8 | (size_t) hdr[3] << 16
               | (size_t) hdr[4] << 24;
    if (n > GUI_REC_MAX_RECORD) {
        snprintf(r->err, sizeof r->err, "a record of %zu bytes at offset "
                 "%llu: the recording is damaged", n,
                 (unsigned long long) off);
        return -1;
    }
    /* Nothing is allocated for bytes the file does not have (yet: a live
     * writer may still be writing them). */
    struct stat st;
    if (fstat(fileno(r->f), &st) == 0
        && (uint64_t) st.st_size < off + 5 + n) {
        return 0;
    }
    /* A buffer even for an empty record: the decoders compute
     * r->blk + len, which on a null pointer is undefined. */
    if (n > r->blk_cap || !r->blk) {
        r->blk = gui_xrealloc(r->blk, n ? n : 1);
        r->blk_cap = n ? n : 1;
    }
    if (n && fread(r->blk, 1, n, r->f) != n) {
        return 0;
    }
    *type = (char) hdr[0];
    *len = n;
    return 1;
}

static void
free_scene_strings_on_error(struct gui_scene *sc)
{
    gui_scene_free(sc);
}

static int
parse_scene(struct gui_rec_reader *r, size_t len, struct gui_scene *sc)
{
    struct cur c = { r->blk, r->blk + len, false };
    gui_scene_init(sc);
    sc->name = get_str(&c);
    sc->variant = get_str(&c);
    sc->duration = get_var(&c);
    uint64_t n = get_var(&c);
    if (c.bad || n > len) {
        goto bad;
    }
    sc->devs = gui_xcalloc(n, sizeof *sc->devs);
    sc->n_devs = n;
    for (size_t i = 0; i < n; i++) {
        struct gui_dev *d = &sc->devs[i];
        d->path = get_str(&c);
        d->kind = get_str(&c);
        d->role = get_u8(&c);
        d->parent = (int32_t) unzigzag(get_var(&c));
        d->note = get_str(&c);
        uint64_t ne = get_var(&c);
        if (c.bad || ne > len) {
            goto bad;
        }
        d->edges = gui_xcalloc(ne, sizeof *d->edges);
        d->n_edges = (uint32_t) ne;
        for (size_t e = 0; e < ne; e++) {
            d->edges[e].to = (uint32_t) get_var(&c);
            d->edges[e].cable = get_u8(&c);
            if (d->edges[e].to >= n) {
                goto bad;
            }
        }
        if (d->parent >= (int32_t) n || d->parent < -1) {
            goto bad;
        }
    }
    n = get_var(&c);
    for (size_t i = 0; i < n && !c.bad && n <= len; i++) {
        uint32_t dev = (uint32_t) get_var(&c);
        int cores = (int) get_var(&c);
        char *iommu = get_str(&c);
        gui_scene_add_host(sc, dev, cores);
        gui_scene_set_iommu(sc, dev, iommu);
        free(iommu);
    }
    n = get_var(&c);
    for (size_t i = 0; i < n && !c.bad && n <= len; i++) {
        char *a = get_str(&c), *b = get_str(&c), *t = get_str(&c),
             *p = get_str(&c);
        gui_scene_add_flow(sc, a, b, t, p);
        free(a);
        free(b);
        free(t);
        free(p);
    }
    n = get_var(&c);
    for (size_t i = 0; i < n && !c.bad && n <= len; i++) {
        char *s = get_str(&c);
        gui_scene_add_cat(sc, s);
        free(s);
    }
    n = get_var(&c);
    for (size_t i = 0; i < n && !c.bad && n <= len; i++) {
        vh_time_t at = get_var(&c);
        char *a = get_str(&c), *t = get_str(&c), *to = get_str(&c);
        vh_time_t until = get_var(&c);
        gui_scene_add_mark(sc, at, a, t, to, until);
        free(a);
        free(t);
        free(to);
    }
    if (!c.bad) {
        return 0;
    }
bad:
    free_scene_strings_on_error(sc);
    return -1;
}

struct gui_rec_reader *
gui_rec_open(const char *path, struct gui_scene *sc, char *err,
             size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    uint8_t hdr[12];
    if (fread(hdr, 1, 12, f) != 12 || memcmp(hdr, GUI_REC_MAGIC, 8)) {
        snprintf(err, errlen, "'%s' is not a vhsim recording (no '%s' "
                 "header)", path, GUI_REC_MAGIC);
        fclose(f);
        return NULL;
    }
    uint32_t version = (uint32_t) hdr[8] | (uint32_t) hdr[9] << 8
                       | (uint32_t) hdr[10] << 16 | (uint32_t) hdr[11] << 24;
    if (version != GUI_REC_VERSION) {
        snprintf(err, errlen, "'%s' is a version %u recording; this vhsim "
                 "reads version %d", path, version, GUI_REC_VERSION);
        fclose(f);
        return NULL;
    }
    struct gui_rec_reader *r = gui_xcalloc(1, sizeof *r);
    r->f = f;
    r->n_strs = 1;
    r->strs = gui_xcalloc(1, sizeof *r->strs);
    char type;
    size_t len;
    if (read_record(r, 12, &type, &len) != 1 || type != 'S'
        || parse_scene(r, len, sc)) {
        snprintf(err, errlen, "'%s': the recording's topology is missing or "
                 "damaged", path);
        gui_rec_close(r);
        return NULL;
    }
    r->next_off = 12 + 5 + len;
    r->first_off = r->next_off;
    r->blk_off = r->next_off;
    return r;
}

void
gui_rec_close(struct gui_rec_reader *r)
{
    if (!r) {
        return;
    }
    fclose(r->f);
    for (size_t i = 0; i < r->n_strs; i++) {
        free(r->strs[i]);
    }
    free(r->strs);
    free(r->blk);
    free(r);
}

static void
set_string(struct gui_rec_reader *r, size_t len)
{
    struct cur c = { r->blk, r->blk + len, false };
    uint64_t id = get_var(&c);
    if (c.bad || id == 0 || id > MAX_STRINGS) {
        return;
    }
    if (id >= r->n_strs) {
        r->strs = gui_xrealloc(r->strs, (id + 1) * sizeof *r->strs);
        memset(r->strs + r->n_strs, 0, (id + 1 - r->n_strs) * sizeof *r->strs);
        r->n_strs = id + 1;
    }
    size_t n = (size_t) (c.end - c.p);
    free(r->strs[id]);
    r->strs[id] = gui_xmalloc(n + 1);
    memcpy(r->strs[id], c.p, n);
    r->strs[id][n] = '\0';
}

/* Makes the next block current.  Returns 1, 0 if none is complete yet. */
static int
load_block(struct gui_rec_reader *r)
{
    for (;;) {
        char type;
        size_t len;
        int rc = read_record(r, r->next_off, &type, &len);
        if (rc <= 0) {
            return rc;
        }
        uint64_t off = r->next_off;
        r->next_off += 5 + len;
        if (type == 'N') {
            set_string(r, len);
        } else if (type == 'Z') {
            r->end = true;
            return 0;
        } else if (type == 'B') {
            struct cur c = { r->blk, r->blk + len, false };
            uint64_t n = get_var(&c);
            vh_time_t first = get_var(&c);
            if (c.bad) {
                snprintf(r->err, sizeof r->err, "damaged block at offset "
                         "%llu", (unsigned long long) off);
                return -1;
            }
            r->blk_off = off;
            r->blk_len = len;
            r->pos = (size_t) (c.p - r->blk);
            r->blk_n = (uint32_t) n;
            r->blk_i = 0;
            r->prev_now = first;
            r->prev_pkt = 0;
            return 1;
        }
        /* Unknown record types are skipped: newer writers may add some. */
    }
}

static int
decode(struct gui_rec_reader *r, struct gui_rec_item *it)
{
    struct cur c = { r->blk + r->pos, r->blk + r->blk_len, false };
    memset(it, 0, sizeof *it);
    uint8_t flags = get_u8(&c);
    it->kind = flags & F_KIND;
    it->now = r->prev_now + get_var(&c);
    it->time = it->now + (vh_time_t) unzigzag(get_var(&c));
    it->end = it->time;
    uint64_t dev = get_var(&c);
    it->dev = dev ? (uint32_t) (dev - 1) : GUI_NO_DEV;
    it->pkt = GUI_NO_PKT;
    it->flow = -1;
    if (!(flags & F_NOPKT)) {
        it->pkt = r->prev_pkt + (uint64_t) unzigzag(get_var(&c));
        r->prev_pkt = it->pkt;
    }
    if (flags & F_META) {
        it->has_meta = true;
        it->flow = (int32_t) unzigzag(get_var(&c));
        it->seq = get_var(&c);
        it->born = it->now - (vh_time_t) unzigzag(get_var(&c));
        uint8_t pf = get_u8(&c);
        it->is_reply = pf & 1;
        it->counted = (pf >> 1) & 1;
    }
    if ((flags & F_NOPKT) && (it->kind == VH_HOP_RX || it->kind == VH_HOP_TX)) {
        /* A count event (put_count()): its difference, as 'cycles'. */
        it->cycles = (uint64_t) unzigzag(get_var(&c));
        it->tally = 1;
    }
    switch (it->kind) {
    case VH_HOP_SERVICE:
        it->end = it->time + get_var(&c);
        it->cycles = get_var(&c);
        it->what = (uint16_t) get_var(&c);
        it->iotlb_hits = (uint16_t) get_var(&c);
        it->iotlb_misses = (uint16_t) get_var(&c);
        if (flags & F_CPU) {
            it->on_cpu = 1;
            it->core = (int32_t) get_var(&c);
            it->cat = get_u8(&c);
        }
        break;
    case VH_HOP_ENQUEUE:
        it->depth = (uint32_t) get_var(&c);
        it->what = (uint16_t) get_var(&c);
        it->queue = (uint16_t) get_var(&c);
        break;
    case VH_HOP_DROP:
        it->reason = (uint16_t) get_var(&c);
        break;
    default:
        break;
    }
    if (flags & F_SNAP) {
        it->frame_len = (uint32_t) get_var(&c);
        uint64_t n = get_var(&c);
        if (n > GUI_REC_SNAPLEN || n > (uint64_t) (c.end - c.p)) {
            c.bad = true;
        } else {
            it->snap = c.p;
            it->snap_len = (uint32_t) n;
            c.p += n;
        }
    }
    if (c.bad || it->kind >= VH_HOP_N_KINDS) {
        snprintf(r->err, sizeof r->err, "damaged event %u of the block at "
                 "offset %llu", r->blk_i, (unsigned long long) r->blk_off);
        return -1;
    }
    r->pos = (size_t) (c.p - r->blk);
    r->prev_now = it->now;
    r->blk_i++;
    return 1;
}

int
gui_rec_next(struct gui_rec_reader *r, struct gui_rec_item *it)
{
    while (r->blk_i >= r->blk_n) {
        int rc = load_block(r);
        if (rc <= 0) {
            return rc;
        }
    }
    return decode(r, it);
}

bool
gui_rec_at_end(const struct gui_rec_reader *r)
{
    return r->end;
}

void
gui_rec_tell(const struct gui_rec_reader *r, uint64_t *block_off,
             uint32_t *index)
{
    if (r->blk_i < r->blk_n) {
        *block_off = r->blk_off;
        *index = r->blk_i;
    } else {
        *block_off = r->next_off;
        *index = 0;
    }
}

int
gui_rec_seek(struct gui_rec_reader *r, uint64_t block_off, uint32_t index)
{
    r->next_off = block_off;
    r->blk_n = r->blk_i = 0;
    r->end = false;
    if (index == 0) {
        return 0;
    }
    if (load_block(r) != 1 || index > r->blk_n) {
        snprintf(r->err, sizeof r->err, "cannot return to offset %llu",
                 (unsigned long long) block_off);
        return -1;
    }
    struct gui_rec_item it;
    while (r->blk_i < index) {
        if (decode(r, &it) < 0) {
            return -1;
        }
    }
    return 0;
}

const char *
gui_rec_string(const struct gui_rec_reader *r, uint16_t id)
{
    return id < r->n_strs && r->strs[id] ? r->strs[id] : "";
}

const char *
gui_rec_error(const struct gui_rec_reader *r)
{
    return r->err;
}

bool
gui_rec_complete(struct gui_rec_reader *r, vh_time_t *end)
{
    /* Walk the records by their headers alone: each block is skipped,
     * not read. */
    uint64_t off = r->first_off;
    uint8_t hdr[5];
    struct stat st;
    if (fstat(fileno(r->f), &st)) {
        return false;
    }
    for (;;) {
        if (fseeko(r->f, (off_t) off, SEEK_SET)
            || fread(hdr, 1, 5, r->f) != 5) {
            return false;
        }
        uint64_t n = (uint64_t) hdr[1] | (uint64_t) hdr[2] << 8
                     | (uint64_t) hdr[3] << 16 | (uint64_t) hdr[4] << 24;
        if (off + 5 + n > (uint64_t) st.st_size) {
            return false;
        }
        if (hdr[0] == 'Z') {
            uint8_t body[32];
            if (n > sizeof body || fread(body, 1, n, r->f) != n) {
                return false;
            }
            struct cur c = { body, body + n, false };
            (void) get_var(&c);                 /* Events. */
            vh_time_t clock = get_var(&c);
            if (c.bad) {
                return false;
            }
            if (end) {
                *end = clock;
            }
            return off + 5 + n == (uint64_t) st.st_size;
        }
        off += 5 + n;
    }
}
