/* sim/capture.c: pcap and pcapng files fed by the trace bus. */
#include "sim/capture.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/outfile.h"
#include "sim/packet.h"
#include "sim/pcapng.h"
#include "sim/pcapw.h"
#include "sim/xmalloc.h"

/* One output file: classic pcap or pcapng. */
struct cap_file {
    const char *path;
    struct vh_pcapw *pcap;
    struct vh_pcapng *ng;
};

/* One (device, direction) -> file tap; 'ifid' is the device's interface
 * in a pcapng file. */
struct tap {
    uint32_t dev;
    uint8_t want;               /* VH_HOP_BIT(VH_HOP_RX) and/or _TX. */
    size_t file;
    uint32_t ifid;
};

struct vh_capture {
    struct cap_file *files;
    size_t n_files;
    struct tap *taps;
    size_t n_taps;
    uint32_t *first_tap;        /* Per device id: index into taps, sorted. */
    uint32_t *n_dev_taps;
    size_t n_devs;
    const char *const *flow_names;
    size_t n_flows;
};

/* The comment a pcapng packet carries: its flow and place in it. */
static void
packet_comment(const struct vh_capture *c, const struct vh_packet *p,
               char *out, size_t len)
{
    if (p->flow >= 0 && (size_t) p->flow < c->n_flows
        && c->flow_names[p->flow]) {
        snprintf(out, len, "flow %s #%" PRIu64 "%s, packet %" PRIu64,
                 c->flow_names[p->flow], p->seq,
                 p->is_reply ? " (reply)" : "", p->id);
    } else {
        snprintf(out, len, "packet %" PRIu64, p->id);
    }
}

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
        if (!(t->want & bit)) {
            continue;
        }
        struct cap_file *f = &c->files[t->file];
        if (f->ng) {
            char comment[256];
            packet_comment(c, h->pkt, comment, sizeof comment);
            vh_pcapng_write(f->ng, t->ifid, h->time, h->pkt->data,
                            h->pkt->len, h->kind == VH_HOP_RX
                            ? VH_PCAPNG_IN : VH_PCAPNG_OUT, comment);
        } else {
            vh_pcapw_write(f->pcap, h->time, h->pkt->data, h->pkt->len);
        }
    }
}

static void
add_tap(struct vh_capture *c, uint32_t dev, uint8_t want, size_t file,
        const struct vh_device *d)
{
    uint32_t ifid = 0;
    if (c->files[file].ng) {
        ifid = vh_pcapng_add_interface(c->files[file].ng, d->path);
    }
    c->taps = vh_xgrow(c->taps, c->n_taps, sizeof *c->taps);
    c->taps[c->n_taps++] = (struct tap) { dev, want, file, ifid };
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

/* The file of capture 'sp': an open pcapng file of the same name, or a
 * new one.  Returns its index, or -1 with 'err' set. */
static ssize_t
file_for(struct vh_capture *c, const struct vh_capture_spec *sp, char *err,
         size_t errlen)
{
    for (size_t k = 0; sp->pcapng && k < c->n_files; k++) {
        if (c->files[k].ng && vh_same_file(c->files[k].path, sp->file)) {
            return (ssize_t) k;
        }
    }
    if (make_parents(sp->file)) {
        snprintf(err, errlen, "cannot create the directory for '%s': %s",
                 sp->file, strerror(errno));
        return -1;
    }
    struct cap_file *f = &c->files[c->n_files];
    f->path = sp->file;
    if (sp->pcapng) {
        f->ng = vh_pcapng_open(sp->file, err, errlen);
    } else {
        f->pcap = vh_pcapw_open(sp->file, err, errlen);
    }
    if (!f->ng && !f->pcap) {
        return -1;
    }
    return (ssize_t) c->n_files++;
}

struct vh_capture *
vh_capture_open_specs(struct vh_trace_bus *bus, const struct vh_devtab *devs,
                      const struct vh_capture_spec *specs, size_t n,
                      const char *const *flow_names, size_t n_flows,
                      size_t *failed, char *err, size_t errlen)
{
    const uint8_t both = (uint8_t) (VH_HOP_BIT(VH_HOP_RX)
                                    | VH_HOP_BIT(VH_HOP_TX));
    struct vh_capture *c = vh_xcalloc(1, sizeof *c);
    c->files = vh_xcalloc(n ? n : 1, sizeof *c->files);
    c->flow_names = flow_names;
    c->n_flows = n_flows;
    for (size_t i = 0; i < n; i++) {
        const struct vh_device *d = vh_devtab_find(devs, specs[i].point);
        if (!d) {
            snprintf(err, errlen, "capture point '%s' does not exist",
                     specs[i].point);
            goto fail;
        }
        ssize_t file = file_for(c, &specs[i], err, errlen);
        if (file < 0) {
            goto fail;
        }
        const char *kind = d->kind;
        /* A switch's frames are taken as they enter, so each appears
         * once; a controlling bridge's or a port extender's as each of
         * its ports records them, entering and leaving, each with the
         * tag it has on that cable. */
        bool tagging = !strcmp(kind, "controlling-bridge")
                       || !strcmp(kind, "port-extender");
        bool is_sw = !strcmp(kind, "switch") || !strcmp(kind, "router");
        if (!strcmp(kind, "host") || !strcmp(kind, "vm") || is_sw
            || tagging) {
            /* A container stands for its interfaces. */
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
                                         : both, (size_t) file, ch);
            }
        } else {
            add_tap(c, d->id, both, (size_t) file, d);
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

struct vh_capture *
vh_capture_open(struct vh_trace_bus *bus, const struct vh_devtab *devs,
                const char *const *points, const char *const *files,
                size_t n, size_t *failed, char *err, size_t errlen)
{
    struct vh_capture_spec *specs = vh_xcalloc(n ? n : 1, sizeof *specs);
    for (size_t i = 0; i < n; i++) {
        specs[i] = (struct vh_capture_spec) { points[i], files[i], false };
    }
    struct vh_capture *c = vh_capture_open_specs(bus, devs, specs, n, NULL,
                                                 0, failed, err, errlen);
    free(specs);
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

static void
file_abort(struct cap_file *f)
{
    vh_pcapw_abort(f->pcap);
    vh_pcapng_abort(f->ng);
}

int
vh_capture_commit(struct vh_capture *c, char *err, size_t errlen)
{
    int rc = 0;
    for (size_t i = 0; i < c->n_files; i++) {
        struct cap_file *f = &c->files[i];
        if (rc) {
            file_abort(f);
        } else if (f->ng ? vh_pcapng_commit(f->ng, err, errlen)
                         : vh_pcapw_commit(f->pcap, err, errlen)) {
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
        file_abort(&c->files[i]);
    }
    capture_free(c);
}
