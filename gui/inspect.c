/* gui/inspect.c: what the inspector says about a device or a packet. */
#include "gui/inspect.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gui/track.h"
#include "models/switch/etag.h"
#include "models/switch/vdp.h"
#include "models/switch/vntag.h"
#include "models/tunnel/gre.h"
#include "models/tunnel/tnl_peek.h"
#include "sim/frame.h"
#include "sim/ip6.h"
#include "sim/lang.h"
#include "sim/packet.h"
#include "sim/trace.h"
#include "sim/units.h"

#define RGB(r, g, b) ((SDL_Color) { r, g, b, 255 })

static const SDL_Color ink = RGB(0x1a, 0x1a, 0x1a);
static const SDL_Color soft = RGB(0x55, 0x60, 0x6c);
static const SDL_Color red = RGB(0xc0, 0x1c, 0x1c);

void
gui_lines_free(struct gui_lines *l)
{
    free(l->v);
    memset(l, 0, sizeof *l);
}

static struct gui_line *
add(struct gui_lines *l, enum gui_font_style st, SDL_Color c, int indent,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static struct gui_line *
add(struct gui_lines *l, enum gui_font_style st, SDL_Color c, int indent,
    const char *fmt, ...)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->v = gui_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    struct gui_line *ln = &l->v[l->n++];
    memset(ln, 0, sizeof *ln);
    ln->style = st;
    ln->color = c;
    ln->indent = indent;
    /* In the reader's language where the catalog has the line (its
     * conversions are the English's); decoded headers are not in it and
     * stay as the wire has them. */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ln->text, sizeof ln->text, vh_tr(fmt), ap);
    va_end(ap);
    return ln;
}

void
gui_inspect_variant(struct gui_lines *l, const char *variant)
{
    if (!l->n) {
        return;
    }
    add(l, GUI_BOLD, RGB(0x8a, 0x4b, 0x08), 0, vh_tr("Variant: %s"),
        variant);
    struct gui_line last = l->v[l->n - 1];
    memmove(l->v + 1, l->v, (l->n - 1) * sizeof *l->v);
    l->v[0] = last;
}

static const char *
fmt_t(vh_time_t t, char *buf, size_t n)
{
    return vh_format_time(t, buf, n);
}

/* "1,234,567" for large counts. */
static const char *
grouped(uint64_t v, char *buf, size_t n)
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%" PRIu64, v);
    size_t len = strlen(tmp), o = 0;
    for (size_t i = 0; i < len && o + 2 < n; i++) {
        if (i && (len - i) % 3 == 0) {
            buf[o++] = ',';
        }
        buf[o++] = tmp[i];
    }
    buf[o] = '\0';
    return buf;
}

/* Where a node is drawn, in a word; shown through vh_tr() (each has its
 * entry in sim/lang/gui.def). */
static const char *const layer_of[] = {
    [GUI_N_GUEST] = "guest", [GUI_N_PORT] = "port",
    [GUI_N_BACKEND] = "hypervisor side", [GUI_N_MID] = "host kernel",
    [GUI_N_HW] = "NIC hardware", [GUI_N_SWITCH] = "upstream switch",
    [GUI_N_OTHER] = "device", [GUI_N_HOST] = "host",
    [GUI_N_FOLD] = "folded guests", [GUI_N_CPU] = "host CPU",
    [GUI_N_PROC] = "user space", [GUI_N_THREAD] = "user space",
    [GUI_N_QUEUE] = "NIC receive queue", [GUI_N_IOMMU] = "IOMMU",
};

static void
cycles_lines(struct gui_lines *out, const struct gui_scene *sc,
             const uint64_t *cycles)
{
    uint64_t total = 0;
    for (size_t k = 0; k < sc->n_cats && k < GUI_MAX_CATS; k++) {
        total += cycles[k];
    }
    char a[32];
    add(out, GUI_BOLD, ink, 0, "CPU cycles spent here: %s",
        grouped(total, a, sizeof a));
    for (size_t k = 0; k < sc->n_cats && k < GUI_MAX_CATS; k++) {
        if (!cycles[k]) {
            continue;
        }
        /* The category as the legend names it. */
        struct gui_line *ln = add(out, GUI_SANS, ink, 2, "%-8s %s  (%.0f%%)",
                                  vh_tr(sc->cats[k]),
                                  grouped(cycles[k], a, sizeof a),
                                  100.0 * (double) cycles[k]
                                  / (double) (total ? total : 1));
        ln->has_swatch = true;
        ln->swatch = gui_cat_color(sc->cats[k]);
    }
}

static void
host_lines(struct gui_lines *out, struct gui_history *h,
           const struct gui_frame *f, uint32_t hdev, vh_time_t t)
{
    const struct gui_scene *sc = gui_history_scene(h);
    int hi = -1;
    const uint64_t *busy = f->cpu;
    for (size_t i = 0; i < sc->n_hosts && i < f->n_hosts; i++) {
        if (sc->hosts[i].dev == hdev) {
            hi = (int) i;
            break;
        }
        busy += (size_t) f->cores[i] * GUI_MAX_CATS;
    }
    char a[32], b[32];
    if (hi >= 0 && f->cpu_window) {
        add(out, GUI_BOLD, ink, 0, "Core load over the last %s:",
            fmt_t(f->cpu_window, a, sizeof a));
        for (int k = 0; k < f->cores[hi]; k++) {
            uint64_t sum = 0;
            char detail[160] = "";
            size_t o = 0;
            for (size_t cat = 0; cat < sc->n_cats && cat < GUI_MAX_CATS;
                 cat++) {
                uint64_t v = busy[(size_t) k * GUI_MAX_CATS + cat];
                if (v) {
                    sum += v;
                    o += (size_t) snprintf(detail + o, sizeof detail - o,
                                           "%s%s %.0f%%", o ? ", " : "",
                                           vh_tr(sc->cats[cat]),
                                           100.0 * (double) v
                                           / (double) f->cpu_window);
                    if (o >= sizeof detail) {
                        o = sizeof detail - 1;
                    }
                }
            }
            add(out, GUI_SANS, ink, 2, "core %d: %3.0f%%%s%s%s", k,
                100.0 * (double) sum / (double) f->cpu_window,
                *detail ? "  (" : "", detail, *detail ? ")" : "");
        }
    }
    /* Cycles of every device of the host, since the start. */
    uint64_t cyc[GUI_MAX_CATS] = { 0 };
    for (size_t d = 0; d < sc->n_devs; d++) {
        if (gui_scene_root(sc, (uint32_t) d) != hdev) {
            continue;
        }
        struct gui_ctr c;
        gui_history_counters(h, (uint32_t) d, t, &c, NULL, 0);
        for (size_t k = 0; k < GUI_MAX_CATS; k++) {
            cyc[k] += c.cycles[k];
        }
    }
    add(out, GUI_SANS, soft, 0, "Since the start (%s):",
        fmt_t(t, b, sizeof b));
    cycles_lines(out, sc, cyc);
}

/* Adds device 'dev''s counters at 't' to 'sum' and its drops to 'drops'
 * (merged by reason, at most 'max'); returns how many 'drops' has. */
static size_t
add_counters(struct gui_history *h, uint32_t dev, vh_time_t t,
             struct gui_ctr *sum, struct gui_drop_count *drops, size_t nd,
             size_t max)
{
    struct gui_ctr c;
    struct gui_drop_count dv[16];
    size_t n = gui_history_counters(h, dev, t, &c, dv, 16);
    for (size_t k = 0; k < VH_HOP_N_KINDS; k++) {
        sum->n[k] += c.n[k];
    }
    for (size_t k = 0; k < GUI_MAX_CATS; k++) {
        sum->cycles[k] += c.cycles[k];
    }
    sum->max_depth = c.max_depth > sum->max_depth ? c.max_depth
                                                  : sum->max_depth;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < nd && drops[j].reason != dv[i].reason) {
            j++;
        }
        if (j < nd) {
            drops[j].n += dv[i].n;
        } else if (nd < max) {
            drops[nd++] = dv[i];
        }
    }
    return nd;
}

/* A thread of a process in user space (or several folded in one box):
 * what it is, and how many packets came up to it. */
static void
thread_lines(struct gui_lines *out, const struct gui_scene *sc,
             const struct gui_node *n, const struct gui_ctr *ctr)
{
    const struct gui_dev *d = &sc->devs[n->dev];
    char proc[48];
    if (!gui_dev_thread_of(d, proc, sizeof proc)) {
        return;
    }
    const char *how = gui_dev_note_how(d);
    const char *sw = d->parent >= 0 ? gui_dev_name(&sc->devs[d->parent])
                                    : "the kernel";
    char a[32];
    if (n->count > 1) {
        add(out, GUI_SANS, ink, 0, "%d %ss of %s, in user space, folded",
            n->count, how, proc);
    } else {
        add(out, GUI_SANS, ink, 0, "a %s of %s, in user space", how, proc);
    }
    add(out, GUI_SANS, ink, 2, "packets that came up from %s (slow path): %s",
        sw, grouped(ctr->n[VH_HOP_ARRIVE], a, sizeof a));
}

/* A switch whose threads are in user space (an Open vSwitch kernel
 * datapath): how many frames it kept in the kernel, how many it sent up
 * to them. */
static void
split_lines(struct gui_lines *out, struct gui_history *h, uint32_t dev,
            const struct gui_ctr *ctr, vh_time_t t)
{
    const struct gui_scene *sc = gui_history_scene(h);
    struct gui_ctr up;
    memset(&up, 0, sizeof up);
    char proc[48] = "";
    int threads = 0;
    struct gui_drop_count none[1];
    for (size_t i = dev + 1; i < sc->n_devs; i++) {
        if (sc->devs[i].parent == (int32_t) dev
            && gui_dev_thread_of(&sc->devs[i], proc, sizeof proc)) {
            add_counters(h, (uint32_t) i, t, &up, none, 0, 0);
            threads++;
        }
    }
    if (!threads) {
        return;
    }
    uint64_t in = ctr->n[VH_HOP_RX], slow = up.n[VH_HOP_ARRIVE];
    char a[32], b[32], c[32];
    add(out, GUI_SANS, ink, 0, "its %d threads are in %s, in user space",
        threads, proc);
    add(out, GUI_SANS, ink, 2, "frames in %s: sent up to %s %s (slow path),",
        grouped(in, a, sizeof a), proc, grouped(slow, b, sizeof b));
    add(out, GUI_SANS, ink, 2, "kept in the kernel %s (fast path)",
        grouped(in > slow ? in - slow : 0, c, sizeof c));
}

/* A process in user space: its threads by job, what came up to them and
 * what they cost. */
static void
proc_lines(struct gui_lines *out, struct gui_history *h,
           const struct gui_layout *l, int32_t node, vh_time_t t)
{
    const struct gui_scene *sc = gui_history_scene(h);
    const struct gui_node *n = &l->nodes[node];
    add(out, GUI_BOLD, ink, 0, "%s", n->label);
    add(out, GUI_SANS, soft, 0, "a process in the host's user space, "
        "working for %s", sc->devs[n->dev].path);
    struct gui_ctr sum;
    memset(&sum, 0, sizeof sum);
    struct gui_drop_count none[1];
    const char *jobs[8];
    int count[8], nj = 0;
    for (size_t i = 0; i < sc->n_devs; i++) {
        if (sc->devs[i].parent != n->dev
            || !gui_dev_thread_of(&sc->devs[i], NULL, 0)) {
            continue;
        }
        add_counters(h, (uint32_t) i, t, &sum, none, 0, 0);
        const char *how = gui_dev_note_how(&sc->devs[i]);
        int j = 0;
        while (j < nj && strcmp(jobs[j], how)) {
            j++;
        }
        if (j == nj && nj < 8) {
            jobs[nj] = how;
            count[nj++] = 0;
        }
        if (j < nj) {
            count[j]++;
        }
    }
    for (int j = 0; j < nj; j++) {
        add(out, GUI_SANS, ink, 2, "%d %s%s", count[j], jobs[j],
            count[j] == 1 ? "" : "s");
    }
    char a[32];
    add(out, GUI_SANS, ink, 0, "packets that came up from %s (slow path): "
        "%s", gui_dev_name(&sc->devs[n->dev]),
        grouped(sum.n[VH_HOP_ARRIVE], a, sizeof a));
    cycles_lines(out, sc, sum.cycles);
}

/* The words of a device's note (cli/scene.c writes them, "who|how", in
 * English, and the recording keeps them so), in the reader's language;
 * a note not listed here stays as written. */
static const char *
note_words(const char *en)
{
    const char *const known[][2] = {
        { "kernel datapath", vh_tr("kernel datapath") },
        { "user space datapath", vh_tr("user space datapath") },
        { "ovs-vswitchd's poll-mode threads",
          vh_tr("ovs-vswitchd's poll-mode threads") },
        { "handler thread", vh_tr("handler thread") },
        { "revalidator thread", vh_tr("revalidator thread") },
        { "direct", vh_tr("direct") },
        { "a VF of the NIC", vh_tr("a VF of the NIC") },
        { "the whole NIC", vh_tr("the whole NIC") },
        { "e1000 model", vh_tr("e1000 model") },
        { "rtl8139 model", vh_tr("rtl8139 model") },
        { "virtio model", vh_tr("virtio model") },
        { "in the kernel", vh_tr("in the kernel") },
        { "user space", vh_tr("user space") },
        { "host side", vh_tr("host side") },
        { "polling cores", vh_tr("polling cores") },
    };
    for (size_t i = 0; i < sizeof known / sizeof *known; i++) {
        if (!strcmp(en, known[i][0])) {
            return known[i][1];
        }
    }
    return en;
}

void
gui_inspect_node(struct gui_lines *out, struct gui_history *h,
                 struct gui_layout *l, const struct gui_frame *f,
                 int32_t node, vh_time_t t)
{
    out->n = 0;
    const struct gui_scene *sc = gui_history_scene(h);
    const struct gui_node *n = &l->nodes[node];
    char a[32], b[32], c[32];
    if (n->type == GUI_N_PROC) {
        proc_lines(out, h, l, node, t);
        return;
    }
    if (n->type == GUI_N_FOLD || n->dev < 0) {
        add(out, GUI_BOLD, ink, 0, "%d guests folded", n->count);
        add(out, GUI_SANS, soft, 0, "Click the group to show them all.");
        return;
    }
    const struct gui_dev *d = &sc->devs[n->dev];
    char note[96];
    snprintf(note, sizeof note, "%s", d->note);
    char *bar = strchr(note, '|');
    if (bar) {
        *bar = '\0';
    }
    const char *who = note_words(note), *how = bar ? note_words(bar + 1) : "";
    if (n->type == GUI_N_THREAD && n->count > 1) {
        /* "host1/br-int/handler0..63". */
        const char *name = gui_dev_name(d);
        add(out, GUI_BOLD, ink, 0, "%.*s%s", (int) (name - d->path), d->path,
            n->label);
    } else {
        add(out, GUI_BOLD, ink, 0, "%s", d->path);
    }
    add(out, GUI_SANS, soft, 0, "%s \xc2\xb7 %s", d->kind,
        vh_tr(n->type == GUI_N_MID && !strncmp(d->note, "user space", 10)
              ? layer_of[GUI_N_PROC] : layer_of[n->type]));
    if (*note && n->type == GUI_N_BACKEND) {
        add(out, GUI_SANS, ink, 0, "host side: %s%s%s", who, *how ? " " : "",
            how);
    }
    if (n->type == GUI_N_IOMMU) {
        const char *mmu = gui_scene_host_iommu(sc, (uint32_t) n->dev);
        add(out, GUI_SANS, ink, 0, "%d domains; each PCIe function's "
            "requester ID picks one:", n->count);
        for (const char *p = mmu; p && *p;) {
            size_t len = strcspn(p, ";");
            add(out, GUI_SANS, ink, 2, "%.*s", (int) len, p);
            p += len + (p[len] == ';');
        }
        return;
    }
    if (n->type == GUI_N_HOST || n->type == GUI_N_CPU) {
        host_lines(out, h, f, (uint32_t) n->dev, t);
        return;
    }
    if (n->type == GUI_N_QUEUE) {
        add(out, GUI_SANS, ink, 0, "receive queue %s (%s): %u frames in "
            "it now", n->label, n->sub,
            (size_t) node < f->n_nodes ? f->rxq[node] : 0);
    }
    /* A folded box of threads counts for all of them. */
    struct gui_ctr ctr;
    memset(&ctr, 0, sizeof ctr);
    struct gui_drop_count drops[16];
    size_t nd = 0;
    for (size_t i = 0; i < sc->n_devs; i++) {
        if (i == (size_t) n->dev || (n->type == GUI_N_THREAD
                                     && l->dev_node[i] == node)) {
            nd = add_counters(h, (uint32_t) i, t, &ctr, drops, nd, 16);
        }
    }
    if (n->type == GUI_N_THREAD) {
        thread_lines(out, sc, n, &ctr);
    } else if (bar && n->type == GUI_N_MID) {
        add(out, GUI_SANS, ink, 0, "%s (%s)", who, how);
        split_lines(out, h, (uint32_t) n->dev, &ctr, t);
    }
    add(out, GUI_BOLD, ink, 0, "Counters at %s", fmt_t(t, a, sizeof a));
    add(out, GUI_SANS, ink, 2, "arrived %s   in %s   out %s",
        grouped(ctr.n[VH_HOP_ARRIVE], a, sizeof a),
        grouped(ctr.n[VH_HOP_RX], b, sizeof b),
        grouped(ctr.n[VH_HOP_TX], c, sizeof c));
    add(out, GUI_SANS, ink, 2, "delivered %s   dropped %s",
        grouped(ctr.n[VH_HOP_DELIVER], a, sizeof a),
        grouped(ctr.n[VH_HOP_DROP], b, sizeof b));
    for (size_t i = 0; i < nd; i++) {
        char why[128];
        add(out, GUI_SANS, red, 4, "%s: %s",
            vh_gloss_reason(gui_history_string(h, drops[i].reason), why,
                            sizeof why),
            grouped(drops[i].n, a, sizeof a));
    }
    uint32_t waiting = (size_t) node < f->n_nodes ? f->waiting[node] : 0;
    if (n->type == GUI_N_PORT && l->dev_back[n->dev] >= 0
        && (size_t) l->dev_back[n->dev] < f->n_nodes) {
        add(out, GUI_SANS, ink, 2, "waiting here now: %u (guest side), %u "
            "(host side)", waiting, f->waiting[l->dev_back[n->dev]]);
    } else {
        add(out, GUI_SANS, ink, 2, "waiting here now: %u", waiting);
    }
    add(out, GUI_SANS, ink, 2, "queued %s times, deepest queue %u",
        grouped(ctr.n[VH_HOP_ENQUEUE], a, sizeof a), ctr.max_depth);
    cycles_lines(out, sc, ctr.cycles);
}

/* A hop's kind, as the hop table's third column says it, in the
 * reader's language (the trace's word in English). */
static const char *
kind_word(uint8_t k)
{
    switch ((enum vh_hop_kind) k) {
    case VH_HOP_ARRIVE: return vh_tr("arrives");
    case VH_HOP_ENQUEUE: return vh_tr("queued");
    case VH_HOP_SERVICE: return vh_tr("work");
    case VH_HOP_DROP: return vh_tr("DROPPED");
    case VH_HOP_DELIVER: return vh_tr("DELIVERED");
    case VH_HOP_RX: return vh_tr("in");
    case VH_HOP_TX: return vh_tr("out");
    case VH_HOP_CONSUME: return vh_tr("ended");
    case VH_HOP_DECIDE: return vh_tr("decides");
    default: break;
    }
    return k < VH_HOP_N_KINDS ? vh_hop_kind_names[k] : "?";
}


/* The edge-virtual-bridging tags of a frame, decoded as Wireshark names
 * their fields; each line says what the field means for the frame's
 * trip.  Returns the tag's length (0 if the frame has none). */
static uint32_t
evb_tag_lines(struct gui_lines *out, const uint8_t *fr, uint32_t kept)
{
    struct vntag vt;
    struct etag et;
    if (vntag_read(fr, kept, &vt)) {
        add(out, GUI_MONO, ink, 2, "VN-Tag    d=%u p=%u dst=%u l=%u ver=%u "
            "src=%u", vt.dir, vt.ptr, vt.dst, vt.looped, vt.version, vt.src);
        add(out, GUI_SANS, soft, 4, "%s", vh_tr(!vt.dir
            ? "going up to the controlling bridge, from this source VIF"
            : vt.ptr ? "coming down to a VIF list: the extender copies it "
                       "to every VIF of the list"
            : "coming down to the destination VIF"));
        if (vt.dir && vt.looped) {
            add(out, GUI_SANS, soft, 4, "looped: not delivered back to "
                "source VIF %u", vt.src);
        }
        return VNTAG_HLEN;
    }
    if (etag_read(fr, kept, &et)) {
        add(out, GUI_MONO, ink, 2, "E-Tag     E-CID %u  ingress E-CID %u  "
            "GRP %u  E-PCP %u", etag_ecid(&et), etag_in_ecid(&et), et.grp,
            et.pcp);
        add(out, GUI_SANS, soft, 4, "%s", vh_tr(et.grp
            ? "a multicast group of extended ports: the extender copies it"
            : etag_in_ecid(&et)
            ? "coming down; not delivered back to the ingress E-CID"
            : "the extended port it came in by, or goes to"));
        return ETAG_HLEN;
    }
    return 0;
}

/* An ECP frame carrying VDP: the request or acknowledgement. */
static void
vdp_lines(struct gui_lines *out, const uint8_t *fr, uint32_t kept)
{
    static const char *const modes[] = {
        [VDP_PREASSOC] = "pre-associate", [VDP_PREASSOC_RR] =
        "pre-associate (reserve)", [VDP_ASSOC] = "associate",
        [VDP_DEASSOC] = "de-associate",
    };
    struct vdp_msg m;
    char mac[18];
    if (!vdp_parse(fr, kept, &m)) {
        add(out, GUI_MONO, ink, 2, "ECP       (not a whole VDP message)");
        return;
    }
    if (m.ecp_op == ECP_OP_ACK) {
        add(out, GUI_MONO, ink, 2, "ECP       ack of sequence %u", m.seq);
        return;
    }
    add(out, GUI_MONO, ink, 2, "ECP       request, sequence %u", m.seq);
    add(out, GUI_MONO, ink, 2, "VDP       %s%s%s", m.mode < 5 && modes[m.mode]
        ? modes[m.mode] : "?", vdp_is_response(&m) ? " (response" : "",
        !vdp_is_response(&m) ? ""
        : (m.status & VDP_CODE_MASK) ? ", refused)" : ", accepted)");
    for (uint16_t i = 0; i < m.n_filters; i++) {
        add(out, GUI_MONO, ink, 4, "VSI       %s  VLAN %u",
            vh_mac_format(&m.filters[i].mac, mac), m.filters[i].vid);
    }
}

static void l2_rest_lines(struct gui_lines *, const uint8_t *, uint32_t,
                          int);

/* The headers of a frame, outermost first. */
static void
header_lines(struct gui_lines *out, const uint8_t *fr, uint32_t kept,
             uint32_t len)
{
    char m1[18], m2[18];
    add(out, GUI_BOLD, ink, 0, "Headers (%u-byte frame%s)", len,
        kept < len ? vh_tr(", first bytes kept") : "");
    if (kept < VH_ETH_HLEN) {
        add(out, GUI_SANS, soft, 2, "(no frame bytes yet)");
        return;
    }
    /* A frame waiting for ARP has no destination address yet: its
     * bytes are zeros, which is not an address to show. */
    static const uint8_t unset[VH_ETH_ALEN];
    add(out, GUI_MONO, ink, 2, "Ethernet  %s \xe2\x86\x92 %s",
        vh_mac_format(vh_eth_src(fr), m1),
        memcmp(vh_eth_dst(fr)->b, unset, VH_ETH_ALEN)
        ? vh_mac_format(vh_eth_dst(fr), m2) : vh_tr("(not resolved yet)"));
    /* A VN-Tag or E-Tag sits between the MACs and the rest; the rest is
     * read as if the tag were not there.  Only the first bytes of a long
     * frame are kept: the headers are read from them as if the frame
     * were whole, zeros standing in for the payload, so a truncated
     * datagram still shows its ports. */
    uint32_t tag = evb_tag_lines(out, fr, kept);
    if (kept < VH_ETH_HLEN + tag || len < kept) {
        return;
    }
    /* As long as the frame, however long: a jumbo frame's headers are
     * read as a short one's. */
    uint8_t *inner = gui_xcalloc(len - tag, 1);
    memcpy(inner, fr, 12);
    memcpy(inner + 12, fr + 12 + tag, kept - 12 - tag);
    if (vh_eth_type(inner) == ECP_ETHERTYPE) {
        vdp_lines(out, inner, len - tag);
    } else {
        l2_rest_lines(out, inner, len - tag, 0);
    }
    free(inner);
}

/* A tunnel's own header, then the frame it carries, indented. */
static void
tunnel_lines(struct gui_lines *out, const uint8_t *fr, uint32_t len,
             const struct tnl_view *v, int depth)
{
    char m1[18], m2[18];
    int ind = 2 + 2 * depth;
    if (v->sport) {
        /* VXLAN and Geneve: the outer UDP source port is a hash of the
         * inner flow, the entropy ECMP spreads on. */
        add(out, GUI_MONO, ink, ind, "%-9s VNI %u", v->name, v->key);
        add(out, GUI_SANS, soft, ind + 2, "outer source port %u: a hash of "
            "the inner flow", v->sport);
    } else if (!v->has_key) {
        add(out, GUI_MONO, ink, ind, "GRE       no key");
    } else if (nvgre_vsid(v->key)) {
        /* Nothing on the wire tells NVGRE from GRE with a key: a key
         * past 8 bits is read both ways. */
        add(out, GUI_MONO, ink, ind, "GRE       key %#x", v->key);
        add(out, GUI_MONO, ink, ind, "NVGRE     VSID %u  flow id %u",
            nvgre_vsid(v->key), v->key & 0xffu);
    } else {
        add(out, GUI_MONO, ink, ind, "GRE       key %u", v->key);
    }
    const uint8_t *in = fr + v->inner_off;
    uint32_t in_len = v->inner_len;
    if (v->inner_off + in_len > len || in_len < VH_ETH_HLEN) {
        return;
    }
    add(out, GUI_BOLD, ink, ind, "Inner frame (%u bytes)", in_len);
    add(out, GUI_MONO, ink, ind + 2, "Ethernet  %s \xe2\x86\x92 %s",
        vh_mac_format(vh_eth_src(in), m1), vh_mac_format(vh_eth_dst(in), m2));
    l2_rest_lines(out, in, in_len, depth + 1);
}

/* What follows the MAC addresses of a frame: its VLAN tag, ARP or IPv4
 * and UDP or ICMP, and the frame a tunnel header carries ('depth' is how
 * deep in tunnels; the lines are indented by it). */
/* The IPv6 header and what it carries: UDP, ICMPv6 echo, neighbour
 * discovery. */
static void
ipv6_lines(struct gui_lines *out, const uint8_t *fr,
           const struct vh_frame_info *fi, int ind)
{
    char a[VH_IP6_STRLEN], b[VH_IP6_STRLEN];
    const char *proto = fi->ip_proto == VH_IPPROTO_UDP ? "UDP"
                        : fi->ip_proto == VH_IPPROTO_ICMPV6 ? "ICMPv6"
                        : fi->ip_proto == VH_IPPROTO_TCP ? "TCP" : "next";
    add(out, GUI_MONO, ink, ind, "IPv6      %s \xe2\x86\x92 %s  %s  hop limit "
        "%u  len %u", vh_ip6_format(&fi->ip6_src, a),
        vh_ip6_format(&fi->ip6_dst, b), proto, fi->ip_ttl,
        fi->ip_total_len);
    struct vh_nd nd;
    if (fi->ip_proto == VH_IPPROTO_UDP) {
        add(out, GUI_MONO, ink, ind, "UDP       port %u \xe2\x86\x92 %u  len %u",
            fi->sport, fi->dport, fi->l4_len);
    } else if (fi->ip_proto == VH_IPPROTO_ICMPV6
               && (fi->icmp_type == VH_ICMP6_ECHO_REQUEST
                   || fi->icmp_type == VH_ICMP6_ECHO_REPLY)) {
        add(out, GUI_MONO, ink, ind, "ICMPv6    echo %s  id %u  seq %u",
            fi->icmp_type == VH_ICMP6_ECHO_REQUEST ? "request" : "reply",
            fi->icmp_id, fi->icmp_seq);
    } else if (vh_nd_parse(fr, fi, &nd)) {
        static const char *const names[] = {
            "router solicitation", "router advertisement",
            "neighbour solicitation", "neighbour advertisement",
        };
        add(out, GUI_MONO, ink, ind, "ICMPv6    %s%s%s",
            names[nd.type - VH_ICMP6_RS],
            nd.type >= VH_ICMP6_NS ? " for " : "",
            nd.type >= VH_ICMP6_NS ? vh_ip6_format(&nd.target, a) : "");
    }
}

static void
l2_rest_lines(struct gui_lines *out, const uint8_t *fr, uint32_t len,
              int depth)
{
    struct vh_frame_info fi;
    char i1[16], i2[16];
    int ind = 2 + 2 * depth;
    memset(&fi, 0, sizeof fi);
    vh_frame_parse(fr, len, &fi, false);
    uint16_t outer = vh_eth_type(fr);
    if (fi.has_vlan) {
        add(out, GUI_MONO, ink, ind, "802.1Q    VLAN %u, priority %u%s",
            fi.vlan_tci & 0xfff, fi.vlan_tci >> 13,
            fi.vlan_tci & 0x1000 ? ", drop eligible" : "");
    } else if (outer != VH_ETHERTYPE_IPV4 && outer != VH_ETHERTYPE_ARP
               && outer != VH_ETHERTYPE_IPV6) {
        add(out, GUI_MONO, ink, ind, "          EtherType 0x%04x%s", outer,
            outer == 0x88a8 ? " (802.1ad)" : outer == 0x8809
            ? " (slow protocols: LACP)" : "");
    }
    if (fi.is_arp) {
        add(out, GUI_MONO, ink, ind, "ARP       %s: who has %s? tell %s",
            fi.arp_op == VH_ARP_REQUEST ? "request" : "reply",
            vh_ipv4_format(fi.arp_tpa, i1), vh_ipv4_format(fi.arp_spa, i2));
        return;
    }
    if (fi.is_ipv6) {
        ipv6_lines(out, fr, &fi, ind);
        return;
    }
    if (!fi.is_ipv4) {
        return;
    }
    const char *proto = fi.ip_proto == VH_IPPROTO_UDP ? "UDP"
                        : fi.ip_proto == VH_IPPROTO_ICMP ? "ICMP"
                        : fi.ip_proto == 47 ? "GRE" : "proto";
    add(out, GUI_MONO, ink, ind, "IPv4      %s \xe2\x86\x92 %s  %s  TTL %u  "
        "len %u", vh_ipv4_format(fi.ip_src, i1), vh_ipv4_format(fi.ip_dst, i2),
        proto, fi.ip_ttl, fi.ip_total_len);
    /* The parser leaves the transport header of a fragment alone (its
     * checksum covers bytes that are elsewhere); the first fragment still
     * carries it, and a class wants to see its ports. */
    const uint8_t *ip = fr + fi.l3_off;
    uint32_t ihl = (ip[0] & 0xfu) * 4;
    uint16_t frag = vh_get_be16(ip + VH_IPV4_FRAG_OFF);
    uint32_t frag_at = (uint32_t) (frag & 0x1fff) * 8;
    bool more = frag & 0x2000;
    if (more || frag_at) {
        add(out, GUI_MONO, ink, ind, vh_tr("          fragment at byte %u%s"),
            frag_at, more ? vh_tr(", more follow") : vh_tr(", the last"));
    }
    if (fi.ip_proto == VH_IPPROTO_UDP && !frag_at
        && fi.l3_off + ihl + 8 <= len) {
        const uint8_t *udp = ip + ihl;
        add(out, GUI_MONO, ink, ind, "UDP       port %u \xe2\x86\x92 %u  len %u",
            vh_get_be16(udp), vh_get_be16(udp + 2), vh_get_be16(udp + 4));
    } else if (fi.ip_proto == VH_IPPROTO_ICMP && !frag_at
               && fi.l3_off + ihl + 8 <= len) {
        const uint8_t *icmp = ip + ihl;
        add(out, GUI_MONO, ink, ind, "ICMP      echo %s  id %u  seq %u",
            icmp[0] == VH_ICMP_ECHO_REQUEST ? "request" : "reply",
            vh_get_be16(icmp + 4), vh_get_be16(icmp + 6));
    }
    struct tnl_view v;
    if (depth < 2 && tnl_peek(fr, len, &v)) {
        tunnel_lines(out, fr, len, &v, depth);
    }
}

void
gui_inspect_packet(struct gui_lines *out, struct gui_history *h, uint32_t pi,
                   vh_time_t t, vh_time_t linger, vh_time_t min_move)
{
    out->n = 0;
    const struct gui_scene *sc = gui_history_scene(h);
    struct gui_pkt *p = gui_history_packet(h, pi);
    char a[32], b[32];
    struct gui_line *ln;
    if (p->flow >= 0 && (size_t) p->flow < sc->n_flows) {
        const struct gui_flow_info *fl = &sc->flows[p->flow];
        ln = add(out, GUI_BOLD, ink, 0, "%s #%" PRIu64 "%s", fl->name, p->seq,
                 p->is_reply ? vh_tr(" (reply)") : "");
        add(out, GUI_SANS, soft, 0, "%s, %s \xe2\x86\x92 %s", fl->proto,
            fl->from, fl->to);
    } else {
        ln = add(out, GUI_BOLD, ink, 0, "Frame of no flow (ARP or control)");
    }
    ln->has_swatch = true;
    ln->swatch = gui_flow_color(p->flow);
    add(out, GUI_SANS, soft, 0, "packet id %" PRIu64 "%s \xc2\xb7 born %s",
        p->id, p->origin >= 0 ? vh_tr(" (a flooded copy)") : "",
        fmt_t(p->born, a, sizeof a));

    struct gui_where w;
    gui_track_at(h, p, t, linger, min_move, &w);
    if (w.state == GUI_W_GONE) {
        add(out, GUI_SANS, ink, 0, t < p->t_vis ? "Not sent yet."
                                                : "Gone (consumed or left "
                                                  "the window).");
    } else if (w.state == GUI_W_MOVING) {
        const struct gui_stop *s = &p->stops[w.stop], *n = &p->stops[w.next];
        add(out, GUI_SANS, ink, 0, "Now: moving %s \xe2\x86\x92 %s%s",
            sc->devs[s->dev].path, sc->devs[n->dev].path,
            n->slot ? vh_tr(" (host side)") : "");
    } else {
        const struct gui_stop *s = &p->stops[w.stop];
        if (w.serving) {
            const struct gui_hev *e = gui_history_event(h, p->ev[w.serv]);
            const char *what = gui_history_string(h, e->what);
            if (e->on_cpu) {
                add(out, GUI_SANS, ink, 0, "Now: at %s%s: %s on core %d "
                    "(%s, %" PRIu64 " cycles)", sc->devs[s->dev].path,
                    s->slot ? vh_tr(" host side") : "",
                    *what ? what : vh_tr("work"), e->core,
                    e->cat < sc->n_cats ? vh_tr(sc->cats[e->cat]) : "?",
                    e->cycles);
            } else {
                add(out, GUI_SANS, ink, 0, "Now: at %s: in hardware for %s",
                    sc->devs[s->dev].path, fmt_t(e->end - e->time, a,
                                                 sizeof a));
            }
        } else if (w.ended) {
            add(out, GUI_SANS, w.end_kind == VH_HOP_DROP ? red : ink, 0,
                "%s at %s", w.end_kind == VH_HOP_DROP ? vh_tr("Dropped")
                : w.end_kind == VH_HOP_CONSUME ? vh_tr("Taken in by the stack")
                : vh_tr("Delivered"), sc->devs[s->dev].path);
        } else {
            add(out, GUI_SANS, ink, 0, "Now: waiting at %s%s",
                sc->devs[s->dev].path, s->slot ? vh_tr(" (host side)") : "");
        }
    }

    const uint8_t *bytes = NULL;
    uint32_t flen = 0;
    uint32_t kept = gui_history_frame(h, p, w.cur, &bytes, &flen);
    header_lines(out, bytes, kept, flen);

    add(out, GUI_BOLD, ink, 0, "Hops (time since born)");
    uint64_t cyc[GUI_MAX_CATS] = { 0 };
    for (uint32_t i = 0; i < p->n_ev; i++) {
        const struct gui_hev *e = gui_history_event(h, p->ev[i]);
        vh_time_t rel = e->time > p->born ? e->time - p->born : 0;
        char detail[120] = "", why[100];
        const char *what = gui_history_string(h, e->what);
        switch (e->kind) {
        case VH_HOP_SERVICE:
            if (e->on_cpu) {
                if (e->cat < GUI_MAX_CATS && e->time <= t) {
                    cyc[e->cat] += e->cycles;
                }
                snprintf(detail, sizeof detail,
                         vh_tr("core %d %s %" PRIu64 " cyc %s"), e->core,
                         e->cat < sc->n_cats ? vh_tr(sc->cats[e->cat]) : "?",
                         e->cycles, vh_tr(what));
            } else {
                snprintf(detail, sizeof detail, vh_tr("hardware %s"),
                         fmt_t(e->end - e->time, b, sizeof b));
            }
            break;
        case VH_HOP_ENQUEUE: {
            /* Why it waits, as the model wrote it (English), in the
             * reader's language, as 'vhsim explain' prints it. */
            char step[120];
            snprintf(detail, sizeof detail, vh_tr("depth %u%s%s"), e->depth,
                     *what ? vh_tr(", ") : "",
                     vh_tr_step(what, step, sizeof step));
            break;
        }
        case VH_HOP_DROP:
            snprintf(detail, sizeof detail, "%s",
                     vh_gloss_reason(gui_history_string(h, e->reason), why,
                                     sizeof why));
            break;
        default:
            break;
        }
        const char *path = e->dev < sc->n_devs ? sc->devs[e->dev].path : "-";
        /* The kind's column is 7 wide however many bytes its word takes
         * (Chinese: three a character, two columns). */
        const char *kw = kind_word(e->kind);
        int pad = 7 - (int) vh_text_width(kw);
        fmt_t(rel, a, sizeof a);
        ln = add(out, GUI_MONO, e->kind == VH_HOP_DROP ? red
                 : e->time <= t ? ink : soft, 0, "%9s %-16s %s%*s %s",
                 a, path, kw, pad > 0 ? pad : 0, "", detail);
        ln->marker = i == w.cur && e->time <= t;
        ln->hop = true;
        /* Where the device, kind and detail columns start in the text:
         * gui_inspect_draw() puts each at its place, as the spaces alone
         * would not where a Chinese font draws the line. */
        size_t c0 = (strlen(a) > 9 ? strlen(a) : 9) + 1;
        size_t c1 = c0 + (strlen(path) > 16 ? strlen(path) : 16) + 1;
        size_t c2 = c1 + strlen(kw) + (size_t) (pad > 0 ? pad : 0) + 1;
        if (c2 <= strlen(ln->text)) {
            ln->cell[0] = (uint8_t) c0;
            ln->cell[1] = (uint8_t) c1;
            ln->cell[2] = (uint8_t) c2;
        }
    }
    char line[200] = "";
    size_t o = 0;
    uint64_t total = 0;
    for (size_t k = 0; k < sc->n_cats && k < GUI_MAX_CATS; k++) {
        if (cyc[k]) {
            total += cyc[k];
            o += (size_t) snprintf(line + o, sizeof line - o, "%s%s %" PRIu64,
                                   o ? ", " : "", vh_tr(sc->cats[k]),
                                   cyc[k]);
            if (o >= sizeof line) {
                o = sizeof line - 1;
            }
        }
    }
    add(out, GUI_BOLD, ink, 0, "CPU so far: %" PRIu64 " cycles", total);
    if (*line) {
        add(out, GUI_SANS, ink, 2, "%s", line);
    }
}

float
gui_inspect_width(const struct gui_draw *d, int area_w)
{
    float w = fminf((float) area_w * 0.37f, 600 * d->ui);
    return fmaxf(w, fminf((float) area_w, 260 * d->ui));
}

/* A hop row by its columns (gui_line's 'cell'): the time right-aligned in
 * 9 character widths of the monospaced font, then the device at 10, the
 * kind at 27, the detail at 35, each moved right of the one before if
 * that one is longer.  A line with Chinese words is drawn in a font whose
 * spaces are not a column wide, so the columns are placed, not spaced. */
static void
cells_draw(struct gui_draw *d, const struct gui_line *ln, int size, float x,
           float y, float right)
{
    int cw, chh;
    gui_text_size(d->font, GUI_MONO, size, "0", &cw, &chh);
    static const int col[4] = { 0, 10, 27, 35 };
    size_t from[4] = { 0, ln->cell[0], ln->cell[1], ln->cell[2] };
    float end = x;
    for (int k = 0; k < 4; k++) {
        size_t to = k < 3 ? ln->cell[k] : strlen(ln->text);
        char cell[sizeof ln->text];
        size_t b = from[k], e = to;
        while (b < e && ln->text[b] == ' ') {
            b++;
        }
        while (e > b && ln->text[e - 1] == ' ') {
            e--;
        }
        memcpy(cell, ln->text + b, e - b);
        cell[e - b] = '\0';
        float at = x + (float) (col[k] * cw);
        if (k == 0) {
            at = x + (float) (9 * cw);
            end = at;
            gui_text(d->font, GUI_MONO, size, ln->color, at, y, GUI_RIGHT, 0,
                     cell);
            continue;
        }
        at = at > end + (float) cw ? at : end + (float) cw;
        if (at >= right) {
            return;
        }
        end = at + (float) gui_text(d->font, GUI_MONO, size, ln->color, at,
                                    y, GUI_LEFT, right - at, cell);
    }
}

void
gui_inspect_draw(struct gui_draw *d, const SDL_Rect *area,
                 const struct gui_lines *lines)
{
    if (!lines->n) {
        return;
    }
    float ui = d->ui;
    int fpx = (int) (13 * ui + 0.5f);
    float lh = (float) fpx * 1.32f;
    float pw = gui_inspect_width(d, area->w);
    float px = (float) (area->x + area->w) - pw;
    float py = (float) area->y;
    float ph = (float) area->h;
    int max_rows = (int) ((ph - 16 * ui) / lh);

    /* Every line but the hop list is shown; the hop list gets the rows
     * left, centred on the current hop. */
    size_t n_hops = 0, first_hop = lines->n, mark = 0;
    for (size_t i = 0; i < lines->n; i++) {
        if (lines->v[i].hop) {
            if (first_hop == lines->n) {
                first_hop = i;
            }
            n_hops++;
        }
        if (lines->v[i].marker) {
            mark = i;
        }
    }
    int fixed = (int) (lines->n - n_hops);
    int room = max_rows - fixed;
    if (room < 3) {
        room = 3;
    }
    size_t hop_from = first_hop, hop_to = first_hop + n_hops;
    if ((int) n_hops > room) {
        size_t want = mark >= first_hop && mark < hop_to ? mark : first_hop;
        hop_from = want > first_hop + (size_t) room / 2
                   ? want - (size_t) room / 2 : first_hop;
        if (hop_from + (size_t) room > hop_to) {
            hop_from = hop_to - (size_t) room;
        }
        hop_to = hop_from + (size_t) room;
    }
    gui_fill(d, px, py, pw, ph, (SDL_Color) { 0xff, 0xff, 0xff, 245 });
    gui_fill(d, px, py, 2, ph, (SDL_Color) { 0x70, 0x70, 0x70, 255 });
    float y = py + 8 * ui;
    for (size_t i = 0; i < lines->n && y + lh <= py + ph; i++) {
        const struct gui_line *ln = &lines->v[i];
        if (ln->hop && (i < hop_from || i >= hop_to)) {
            if (i == hop_from - 1 || i == hop_to) {
                gui_text(d->font, GUI_SANS, fpx, soft, px + 14 * ui, y,
                         GUI_LEFT, 0, "\xe2\x8b\xae");
                y += lh;
            }
            continue;
        }
        float x = px + 12 * ui + (float) ln->indent * 5 * ui;
        if (ln->marker) {
            gui_fill(d, px + 4, y - 1, pw - 8, lh,
                     (SDL_Color) { 0xff, 0xe8, 0x9c, 255 });
        }
        if (ln->has_swatch) {
            gui_fill(d, x, y + (float) fpx * 0.2f, (float) fpx * 0.8f,
                     (float) fpx * 0.8f, ln->swatch);
            x += (float) fpx * 1.2f;
        }
        int size = ln->style == GUI_MONO ? (int) (11 * ui + 0.5f) : fpx;
        if (ln->cell[2]) {
            cells_draw(d, ln, size, x, y, px + pw - 8 * ui);
        } else {
            gui_text(d->font, ln->style, size, ln->color, x, y, GUI_LEFT,
                     px + pw - x - 8 * ui, ln->text);
        }
        y += lh;
    }
}
