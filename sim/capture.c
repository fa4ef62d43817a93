/* sim/capture.c: pcap files fed by the trace bus. */
#include "sim/capture.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/pcapw.h"
#include "sim/xmalloc.h"

/* One (device, direction) -> file tap. */
struct tap {
    uint32_t dev;
    uint8_t want;               /* VH_HOP_BIT(VH_HOP_RX) and/or _TX. */
    size_t file;
};

struct vh_capture {
    struct vh_pcapw **files;
    size_t n_files;
    struct tap *taps;
    size_t n_taps;
    uint32_t *first_tap;        /* Per device id: index into taps, sorted. */
    uint32_t *n_dev_taps;
    size_t n_devs;
};

static void
capture_on_hop(void *ctx, const struct vh_hop *h)
{
    struct vh_capture *c = ctx;
    uint32_t id = h->dev ? h->dev->id : UINT32_MAX;
    if (id >= c->n_devs || !c->n_dev_taps[id]) {
        return;
    }
    uint8_t bit = (uint8_t) VH_HOP_BIT(h->kind);
    for (uint32_t i = 0; i < c->n_dev_taps[id]; i++) {
        const struct tap *t = &c->taps[c->first_tap[id] + i];
        if (t->want & bit) {
            vh_pcapw_write(c->files[t->file], h->time, h->pkt->data,
                           h->pkt->len);
        }
    }
}

static void
add_tap(struct vh_capture *c, uint32_t dev, uint8_t want, size_t file)
{
    c->taps = vh_xgrow(c->taps, c->n_taps, sizeof *c->taps);
    c->taps[c->n_taps++] = (struct tap) { dev, want, file };
}

static int
tap_cmp(const void *a, const void *b)
{
    const struct tap *x = a, *y = b;
    if (x->dev != y->dev) {
        return x->dev < y->dev ? -1 : 1;
    }
    return x->file < y->file ? -1 : x->file > y->file;
}

/* Makes the directories above 'file', like mkdir -p. */
static int
make_parents(const char *file)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", file);
    for (char *s = buf + 1; *s; s++) {
        if (*s == '/') {
            *s = '\0';
            if (mkdir(buf, 0777) && errno != EEXIST) {
                return -1;
            }
            *s = '/';
        }
    }
    return 0;
}

struct vh_capture *
vh_capture_open(struct vh_trace_bus *bus, const struct vh_devtab *devs,
                const char *const *points, const char *const *files,
                size_t n, size_t *failed, char *err, size_t errlen)
{
    const uint8_t both = (uint8_t) (VH_HOP_BIT(VH_HOP_RX)
                                    | VH_HOP_BIT(VH_HOP_TX));
    struct vh_capture *c = vh_xcalloc(1, sizeof *c);
    c->files = vh_xcalloc(n ? n : 1, sizeof *c->files);
    for (size_t i = 0; i < n; i++) {
        const struct vh_device *d = vh_devtab_find(devs, points[i]);
        if (!d) {
            snprintf(err, errlen, "capture point '%s' does not exist",
                     points[i]);
            goto fail;
        }
        if (make_parents(files[i])) {
            snprintf(err, errlen, "cannot create the directory for '%s': %s",
                     files[i], strerror(errno));
            goto fail;
        }
        c->files[i] = vh_pcapw_open(files[i], err, errlen);
        if (!c->files[i]) {
            goto fail;
        }
        c->n_files = i + 1;

        const char *kind = d->kind;
        if (!strcmp(kind, "host") || !strcmp(kind, "vm")
            || !strcmp(kind, "switch")) {
            /* A container stands for its interfaces.  A switch's frames
             * are taken as they enter, so each appears once. */
            bool is_sw = !strcmp(kind, "switch");
            for (size_t k = 0; k < devs->n; k++) {
                const struct vh_device *ch = devs->v[k];
                if (ch->parent != (int32_t) d->id) {
                    continue;
                }
                if (!strcmp(ch->kind, "vm") || !strcmp(ch->kind, "host")) {
                    continue;
                }
                if (!strcmp(kind, "host") && strcmp(ch->kind, "nic")) {
                    continue;
                }
                add_tap(c, ch->id, is_sw ? (uint8_t) VH_HOP_BIT(VH_HOP_RX)
                                         : both, i);
            }
        } else {
            add_tap(c, d->id, both, i);
        }
        continue;
fail:
        *failed = i;
        vh_capture_abort(c);
        return NULL;
    }

    if (c->n_taps) {
        qsort(c->taps, c->n_taps, sizeof *c->taps, tap_cmp);
    }
    c->n_devs = devs->n;
    c->first_tap = vh_xcalloc(c->n_devs, sizeof *c->first_tap);
    c->n_dev_taps = vh_xcalloc(c->n_devs, sizeof *c->n_dev_taps);
    for (size_t i = c->n_taps; i-- > 0;) {
        c->first_tap[c->taps[i].dev] = (uint32_t) i;
        c->n_dev_taps[c->taps[i].dev]++;
    }
    if (n && vh_trace_subscribe(bus, VH_HOP_BIT(VH_HOP_RX)
                                     | VH_HOP_BIT(VH_HOP_TX),
                                capture_on_hop, c)) {
        snprintf(err, errlen, "too many trace subscribers");
        *failed = 0;
        vh_capture_abort(c);
        return NULL;
    }
    return c;
}

static void
capture_free(struct vh_capture *c)
{
    free(c->files);
    free(c->taps);
    free(c->first_tap);
    free(c->n_dev_taps);
    free(c);
}

int
vh_capture_commit(struct vh_capture *c, char *err, size_t errlen)
{
    int rc = 0;
    for (size_t i = 0; i < c->n_files; i++) {
        if (rc) {
            vh_pcapw_abort(c->files[i]);
        } else if (vh_pcapw_commit(c->files[i], err, errlen)) {
            rc = -1;
        }
    }
    capture_free(c);
    return rc;
}

void
vh_capture_abort(struct vh_capture *c)
{
    if (!c) {
        return;
    }
    for (size_t i = 0; i < c->n_files; i++) {
        vh_pcapw_abort(c->files[i]);
    }
    capture_free(c);
}
