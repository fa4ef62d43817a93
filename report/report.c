/* report/report.c: the run report, as JSON and as text tables. */
#include "report/report.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/hw/cpu.h"
#include "models/core/host.h"
#include "models/hw/iommu.h"
#include "models/hw/pnic.h"
#include "models/core/world.h"
#include "models/core/devclass.h"
#include "models/endpoint/endpoint.h"
#include "models/endpoint/tcp.h"
#include "sim/lang.h"
#include "sim/units.h"

struct flow_rates {
    double mpps;
    double gbps;
    vh_time_t window;           /* The span the rates are over; 0: none. */
};

/* The flow's sending window: from its first packet sent to the end of
 * its last one's turn, one gap of the offered rate after it (a burst's
 * gap for the burst pattern; a replayed capture's mean gap), and never
 * shorter than the n packets sent take at the offered rate r, n/r.  A
 * Poisson flow whose draws came early thus still has n/r, so the rate
 * is never above the one offered; a sender its core held back has a
 * longer window. */
static vh_time_t
send_window(const struct flow_stats *fs)
{
    const struct cfg_flow *cf = fs->cfg;
    if (!fs->sent) {
        return 0;
    }
    vh_time_t span = fs->last_sent - fs->first_sent;
    double slot_ps;
    if (cf->pps > 0) {
        double per = cf->pattern == CFG_PAT_BURST && cf->burst
                     ? (double) cf->burst : 1.0;
        slot_ps = per * (double) VH_SEC / cf->pps;
    } else {
        slot_ps = fs->sent > 1 ? (double) span / (double) (fs->sent - 1)
                               : 0;
    }
    vh_time_t window = span + (vh_time_t) llround(slot_ps);
    if (cf->pps > 0) {
        vh_time_t nominal = (vh_time_t) llround((double) fs->sent
                                                * (double) VH_SEC / cf->pps);
        window = nominal > window ? nominal : window;
    }
    return window;
}

/* Throughput: what was delivered over the sending window, or over the
 * time the deliveries took if that is longer.  Delivered packets are a
 * subset of those sent in the window, so the figure is never above the
 * rate offered, nor above the rate they arrived at; a packet still in
 * flight at the end does not count.  TCP and request/response flows
 * have no offered rate (their windows and replies pace them).  A TCP
 * stream's rates are over its goodput's time, from its start to the last
 * byte read in order, counting the frames delivered by then and their
 * bytes on the wire (its SYN, FIN and last segment are shorter than
 * 'size'): the bytes read came in those frames, so the throughput is
 * never below the goodput.  For request/response the rate is from the
 * spacing of deliveries, n - 1 intervals over [first, last]. */
static struct flow_rates
flow_rates(const struct flow_stats *fs)
{
    struct flow_rates r = { 0, 0, 0 };
    double pps = 0;
    const struct xport_stats *x = fs->xport;
    if (x && x->tcp && !x->rr) {
        if (x->last_goodput > fs->cfg->start) {
            r.window = x->last_goodput - fs->cfg->start;
            double s = (double) r.window / (double) VH_SEC;
            r.mpps = (double) x->goodput_frames / s / 1e6;
            r.gbps = (double) x->goodput_wire * 8 / s / 1e9;
        }
        return r;
    }
    if (fs->xport) {
        if (fs->delivered >= 2 && fs->last_delivered > fs->first_delivered) {
            r.window = fs->last_delivered - fs->first_delivered;
            pps = (double) (fs->delivered - 1)
                  / ((double) r.window / (double) VH_SEC);
        }
    } else {
        r.window = send_window(fs);
        if (fs->delivered >= 2) {
            /* Nor shorter than the deliveries took, n at their mean
             * spacing: what a sender's queue absorbed and a slower link
             * then let through is not delivered at the rate it was sent
             * (20 frames sent at 12 Gbps into a 1 Gbps link arrive at
             * 1 Gbps). */
            vh_time_t span = fs->last_delivered - fs->first_delivered;
            vh_time_t took = span + span / (fs->delivered - 1);
            took = (took + VH_NS - 1) / VH_NS * VH_NS;  /* As reported. */
            r.window = took > r.window ? took : r.window;
        }
        /* Nor shorter than the slowest cable needed for them: each took
         * at least wire_min_ns there, one after the other, however an
         * interrupt's batch bunched them up at the receiver (and a single
         * packet's 1/rate says nothing of the cable it crossed). */
        vh_time_t cable = (vh_time_t) fs->wire_min_ns * VH_NS
                          * fs->delivered;
        r.window = cable > r.window ? cable : r.window;
        if (r.window) {
            pps = (double) fs->delivered
                  / ((double) r.window / (double) VH_SEC);
        }
    }
    r.mpps = pps / 1e6;
    r.gbps = pps * fs->cfg->size * 8 / 1e9;
    return r;
}

/* What TCP and request/response add (models/endpoint/tcp.h): rates over
 * the flow's active time, from its start to the last byte delivered in
 * order or the last transaction completed. */
static void
xport_json(cJSON *o, const struct flow_stats *fs)
{
    const struct xport_stats *x = fs->xport;
    vh_time_t from = fs->cfg->start;
    if (!x) {
        return;
    }
    if (x->tcp) {
        double s = x->last_goodput > from
                   ? (double) (x->last_goodput - from) / (double) VH_SEC : 0;
        cJSON_AddNumberToObject(o, "goodput_gbps",
                                s ? (double) x->goodput_bytes * 8
                                             / s / 1e9 : 0);
        cJSON_AddNumberToObject(o, "retransmits", (double) x->retransmits);
        cJSON_AddNumberToObject(o, "srtt_us",
                                (double) x->srtt / VH_US);
        cJSON_AddNumberToObject(o, "min_rtt_us",
                                (double) x->min_rtt / VH_US);
        cJSON_AddNumberToObject(o, "cwnd", x->cwnd);
    }
    if (x->rr) {
        double s = x->last_transaction > from
                   ? (double) (x->last_transaction - from) / (double) VH_SEC
                   : 0;
        cJSON_AddNumberToObject(o, "transactions", (double) x->transactions);
        cJSON_AddNumberToObject(o, "transactions_per_s",
                                s ? (double) x->transactions / s
                                  : 0);
    }
}

/* The terminal's line for what TCP and rr add, under the flow's row. */
static void
print_xport(const struct flow_stats *fs, int wname, FILE *out)
{
    const struct xport_stats *x = fs->xport;
    if (!x) {
        return;
    }
    vh_time_t from = fs->cfg->start;
    if (x->tcp) {
        char srtt[32], min[32];
        vh_format_time(x->srtt, srtt, sizeof srtt);
        vh_format_time(x->min_rtt, min, sizeof min);
        double s = x->last_goodput > from
                   ? (double) (x->last_goodput - from) / (double) VH_SEC : 0;
        fputs("  ", out);
        report_cell(out, "", wname, false);
        fprintf(out, vh_tr("   tcp: goodput %.4f Gbps, retransmits %llu, "
                           "srtt %s (min %s), cwnd %u\n"),
                s ? (double) x->goodput_bytes * 8 / s / 1e9 : 0.0,
                (unsigned long long) x->retransmits, srtt, min, x->cwnd);
    }
    if (x->rr) {
        double s = x->last_transaction > from
                   ? (double) (x->last_transaction - from) / (double) VH_SEC
                   : 0;
        fputs("  ", out);
        report_cell(out, "", wname, false);
        fprintf(out, vh_tr("   rr: %llu transactions, %.1f/s (latency: "
                           "per transaction)\n"),
                (unsigned long long) x->transactions,
                s ? (double) x->transactions / s : 0.0);
    }
}

static cJSON *
flow_json(const struct world *w, const struct flow_stats *fs)
{
    const struct cfg_flow *cf = fs->cfg;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", cf->name);
    cJSON_AddStringToObject(o, "from", cf->from);
    cJSON_AddStringToObject(o, "to", cf->to);
    cJSON_AddStringToObject(o, "proto", cfg_flow_proto_name(cf));
    if (cf->family == 6) {
        cJSON_AddNumberToObject(o, "family", 6);
    }
    cJSON_AddNumberToObject(o, "size", cf->size);
    if (cf->replay) {
        /* What was replayed; 'size' is then the frames' mean. */
        cJSON *r = cJSON_AddObjectToObject(o, "replay");
        cJSON_AddStringToObject(r, "file", cf->pcap);
        cJSON_AddNumberToObject(r, "frames", (double) cf->replay->n);
        cJSON_AddNumberToObject(r, "skipped", (double) cf->replay->skipped);
    }
    cJSON_AddNumberToObject(o, "sent", (double) fs->sent);
    cJSON_AddNumberToObject(o, "delivered", (double) fs->delivered);
    cJSON_AddNumberToObject(o, "dropped", (double) fs->drops.total);
    cJSON_AddNumberToObject(o, "in_flight", (double) world_in_flight(w, fs));
    cJSON *drops = cJSON_AddObjectToObject(o, "drops");
    for (size_t i = 0; i < fs->drops.n; i++) {
        cJSON_AddNumberToObject(drops, fs->drops.reason[i],
                                (double) fs->drops.count[i]);
    }
    struct flow_rates r = flow_rates(fs);
    cJSON_AddNumberToObject(o, "throughput_gbps", r.gbps);
    cJSON_AddNumberToObject(o, "throughput_mpps", r.mpps);
    /* What the rates are over (extension). */
    cJSON_AddNumberToObject(o, "rate_window_ns", (double) (r.window / VH_NS));
    cJSON *lat = cJSON_AddObjectToObject(o, "latency_ns");
    const struct vh_hist *h = &fs->latency;
    if (!vh_hist_count(h)) {
        /* Nothing delivered, nothing measured: not a latency of 0. */
        static const char *const keys[] = { "min", "p50", "p99", "max",
                                            "mean" };
        for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
            cJSON_AddNullToObject(lat, keys[i]);
        }
        return o;
    }
    cJSON_AddNumberToObject(lat, "min", (double) h->min);
    cJSON_AddNumberToObject(lat, "p50", (double) vh_hist_percentile(h, 50));
    cJSON_AddNumberToObject(lat, "p99", (double) vh_hist_percentile(h, 99));
    cJSON_AddNumberToObject(lat, "max", (double) h->max);
    cJSON_AddNumberToObject(lat, "mean", vh_hist_mean(h));
    xport_json(o, fs);
    return o;
}

/* A core owned by a poll-mode thread (models/hostnet/ovs_dpdk.h) spins whenever
 * no job holds it: that time is polling that found nothing, counted as
 * 'poll' cycles at the core's clock, and the core is always busy. */
static uint64_t
poll_unheld(const struct host *h, int i, vh_time_t end)
{
    if (!h->polls || !h->polls[i].on) {
        return 0;
    }
    const struct cpu_core *c = &h->cores[i];
    vh_time_t busy = cpu_busy_until(c, end);
    vh_time_t idle = end > busy ? end - busy : 0;
    return (uint64_t) (((unsigned __int128) idle * c->khz) / 1000000000u);
}

static uint64_t
core_cycles(const struct host *h, int i, int k, vh_time_t end)
{
    uint64_t v = h->cores[i].cycles[k];
    return k == CPU_POLL ? v + poll_unheld(h, i, end) : v;
}

static uint64_t
core_total(const struct host *h, int i, vh_time_t end)
{
    return cpu_total_cycles(&h->cores[i]) + poll_unheld(h, i, end);
}

static double
core_util(const struct host *h, int i, vh_time_t end)
{
    if (!end) {
        return 0;
    }
    if (h->polls && h->polls[i].on) {
        return 1.0;
    }
    return (double) cpu_busy_until(&h->cores[i], end) / (double) end;
}

/* Inter-processor interrupts the host's cores sent to each other (a
 * wakeup across cores); each is also one of the host's 'interrupts',
 * taken by the core it woke. */
static uint64_t
host_ipis(const struct host *h)
{
    uint64_t n = 0;
    for (int i = 0; i < h->n_cores; i++) {
        n += h->cores[i].ipis_sent;
    }
    return n;
}

/* Whether some flow has both ends on 'h': its packets are then counted
 * in the host's 'packets' once sent and once received. */
static bool
host_has_local_flow(const struct world *w, const struct host *h)
{
    for (size_t i = 0; i < w->n_flows; i++) {
        const struct flow_stats *fs = &w->flows[i];
        if (fs->src && fs->dst && fs->src->host == h && fs->dst->host == h) {
            return true;
        }
    }
    return false;
}

static uint64_t
host_cycles(const struct host *h, vh_time_t end)
{
    uint64_t t = 0;
    for (int i = 0; i < h->n_cores; i++) {
        t += core_total(h, i, end);
    }
    return t;
}

/* What the cables of the host's NICs carried: frames and their bytes
 * with the FCS, sent ('out') and received.  Traffic between two VMs of
 * the host that the host switches itself never counts; reflected by the
 * switch, it counts twice (out and back in). */
struct uplink_count {
    uint64_t out, in;           /* Bytes. */
    uint64_t frames_out, frames_in;
};

static struct uplink_count
host_uplink(const struct host *h)
{
    struct uplink_count u = { 0, 0, 0, 0 };
    for (size_t i = 0; i < h->n_nics; i++) {
        const struct port *wire = &h->nics[i]->wire;
        const struct link *l = wire->link;
        if (l) {
            int dir = l->end[0] == wire ? 0 : 1;
            u.out += l->bytes[dir];
            u.in += l->bytes[1 - dir];
            u.frames_out += l->frames[dir];
            u.frames_in += l->frames[1 - dir];
        }
    }
    return u;
}

/* Per-host figures normalized for comparing runs ('vhsim compare'): the
 * host's cycles summed over its cores by category, the same per packet,
 * and the event counters per simulated second and per packet.  The run's
 * own end time is the divisor, so runs that drain early are not
 * flattered. */
static void
host_rates_json(cJSON *o, const struct host *h, vh_time_t end)
{
    double pkts = (double) h->packets;
    double secs = (double) end / (double) VH_SEC;
    cJSON_AddNumberToObject(o, "vms", (double) h->n_vms);
    /* The contract's count, 0 included; "container_list" has each one. */
    cJSON_AddNumberToObject(o, "containers", (double) h->n_containers);
    cJSON *cyc = cJSON_AddObjectToObject(o, "cycles_by_category");
    cJSON *cpp = cJSON_AddObjectToObject(o, "cycles_per_packet_by_category");
    for (int k = 0; k < CPU_N_CATS; k++) {
        uint64_t sum = 0;
        for (int i = 0; i < h->n_cores; i++) {
            sum += core_cycles(h, i, k, end);
        }
        cJSON_AddNumberToObject(cyc, cpu_cat_names[k], (double) sum);
        cJSON_AddNumberToObject(cpp, cpu_cat_names[k],
                                pkts ? (double) sum / pkts : 0);
    }
    cJSON_AddNumberToObject(o, "interrupts_per_s",
                            secs ? h->interrupts / secs : 0);
    cJSON_AddNumberToObject(o, "ipis_per_s",
                            secs ? (double) host_ipis(h) / secs : 0);
    cJSON_AddNumberToObject(o, "guest_interrupts_per_s",
                            secs ? h->guest_interrupts / secs
                                 : 0);
    cJSON_AddNumberToObject(o, "vm_exits_per_s",
                            secs ? h->vm_exits / secs : 0);
    cJSON_AddNumberToObject(o, "vm_exits_per_packet",
                            pkts ? h->vm_exits / pkts : 0);
    cJSON_AddNumberToObject(o, "copies_bytes_per_packet",
                            pkts ? h->copies_bytes / pkts : 0);
    struct uplink_count u = host_uplink(h);
    cJSON_AddNumberToObject(o, "uplink_bytes_per_packet",
                            pkts ? (double) (u.out + u.in) / pkts
                                 : 0);
}

/* --- The classes' own sections (models/core/devclass.h). --- */

struct report_out {
    cJSON *obj;                 /* Writing JSON into this object (the
                                 * innermost one open), */
    FILE *text;                 /* or a line of text here; */
    int n;                      /* keys written so far at this level. */
    cJSON *stack[8];            /* Enclosing objects and lists. */
    int ns[8];                  /* Their 'n'. */
    char close[8];              /* Text: what ends each open level. */
    int depth;
};

static void
text_sep(struct report_out *out)
{
    fprintf(out->text, "%s", out->n++ ? ", " : " ");
}

void
report_out_num(struct report_out *out, const char *key, double v)
{
    if (out->obj) {
        if (cJSON_IsArray(out->obj)) {
            cJSON_AddItemToArray(out->obj, cJSON_CreateNumber(v));
        } else {
            cJSON_AddNumberToObject(out->obj, key, v);
        }
    } else {
        text_sep(out);
        fprintf(out->text, "%s %.15g", vh_gloss(key), v);
    }
}

void
report_out_str(struct report_out *out, const char *key, const char *v)
{
    if (out->obj) {
        cJSON_AddStringToObject(out->obj, key, v);
    } else {
        text_sep(out);
        fprintf(out->text, "%s %s", vh_gloss(key), v);
    }
}

/* Opens 'item' (an object or array) under 'key' of the current level. */
static void
open_level(struct report_out *out, const char *key, cJSON *item,
           const char *text_open)
{
    if (out->depth == (int) (sizeof out->stack / sizeof *out->stack)) {
        abort();                /* Nesting is fixed by the models. */
    }
    out->ns[out->depth] = out->n;
    out->close[out->depth] = text_open[0] == '[' ? ']' : '}';
    out->stack[out->depth++] = out->obj;
    if (out->obj) {
        if (cJSON_IsArray(out->obj)) {
            cJSON_AddItemToArray(out->obj, item);
        } else {
            cJSON_AddItemToObject(out->obj, key, item);
        }
        out->obj = item;
    } else {
        cJSON_Delete(item);
        text_sep(out);
        if (key) {
            fprintf(out->text, "%s ", vh_gloss(key));
        }
        fprintf(out->text, "%s", text_open);
    }
    out->n = 0;
}

void
report_out_begin(struct report_out *out, const char *key)
{
    open_level(out, key, cJSON_CreateObject(), "{");
}

void
report_out_begin_list(struct report_out *out, const char *key)
{
    open_level(out, key, cJSON_CreateArray(), "[");
}

void
report_out_begin_item(struct report_out *out)
{
    open_level(out, NULL, cJSON_CreateObject(), "{");
}

void
report_out_end(struct report_out *out)
{
    out->depth--;
    if (!out->obj) {
        fprintf(out->text, " %c", out->close[out->depth]);
    }
    out->obj = out->stack[out->depth];
    out->n = out->ns[out->depth] + 1;   /* The level just closed counts
                                         * as one of its parent's. */
}

bool
report_out_is_text(const struct report_out *out)
{
    return !out->obj;
}

/* The last part of a device's path: its name within its parent. */
static const char *
dev_name(const struct vh_device *d)
{
    const char *slash = strrchr(d->path, '/');
    return slash ? slash + 1 : d->path;
}

/* Whether 'd' is listed in section 'section' of the host 'h'. */
static bool
in_host_section(const struct vh_device *d, const struct host *h,
                const char *section)
{
    return d->parent == (int32_t) h->dev.id && d->cls
           && d->cls->host_section && !strcmp(d->cls->host_section, section)
           && (!d->cls->reports || d->cls->reports(d));
}

/* The host's sections that classes fill: every section any class names
 * is present (an empty list when the host has none of that kind), but
 * for classes that say which instances report (devclass.h). */
static void
host_sections_json(const struct world *w, const struct host *h, cJSON *o)
{
    for (size_t k = 0; k < n_dev_classes; k++) {
        const char *section = dev_classes[k]->host_section;
        if (!section || cJSON_GetObjectItemCaseSensitive(o, section)) {
            continue;
        }
        cJSON *list = NULL;
        if (!dev_classes[k]->reports) {
            list = cJSON_AddArrayToObject(o, section);
        }
        for (size_t i = 0; i < w->devs.n; i++) {
            const struct vh_device *d = w->devs.v[i];
            if (in_host_section(d, h, section)) {
                if (!list) {
                    list = cJSON_AddArrayToObject(o, section);
                }
                struct report_out out = { .obj = cJSON_CreateObject() };
                cJSON_AddStringToObject(out.obj, "name", dev_name(d));
                d->cls->report(d, &out);
                cJSON_AddItemToArray(list, out.obj);
            }
        }
    }
}

/* Lines of one section the terminal shows before it sums up the rest
 * (a thousand containers); the JSON report lists every one. */
#define TEXT_SECTION_LINES 24

static void
print_host_sections(const struct world *w, const struct host *h, FILE *f)
{
    size_t *count = calloc(n_dev_classes, sizeof *count);
    size_t *left = calloc(n_dev_classes, sizeof *left);
    for (size_t i = 0; i < w->devs.n; i++) {
        const struct vh_device *d = w->devs.v[i];
        if (d->cls && d->cls->host_section
            && in_host_section(d, h, d->cls->host_section)) {
            size_t k = 0;
            while (k < n_dev_classes && dev_classes[k] != d->cls) {
                k++;
            }
            if (k < n_dev_classes && count[k]++ >= TEXT_SECTION_LINES) {
                left[k]++;
                continue;
            }
            struct report_out out = { .text = f };
            fprintf(f, "  %s:", dev_name(d));
            d->cls->report(d, &out);
            fprintf(f, "\n");
        }
    }
    for (size_t k = 0; k < n_dev_classes; k++) {
        if (left[k]) {
            fprintf(f, vh_tr("  ... and %zu more in %s (the JSON report "
                             "lists every one)\n"), left[k], dev_classes[k]->host_section);
        }
    }
    free(count);
    free(left);
}

/* Whether 'd' is listed in top-level section 'section'. */
static bool
in_top_section(const struct vh_device *d, const char *section)
{
    return d->parent < 0 && d->cls && d->cls->top_section
           && !strcmp(d->cls->top_section, section) && d->cls->reports(d);
}

/* The top-level sections classes fill, each present only when some
 * instance has something to say. */
static void
top_sections_json(const struct world *w, cJSON *r)
{
    for (size_t k = 0; k < n_dev_classes; k++) {
        const char *section = dev_classes[k]->top_section;
        if (!section || cJSON_GetObjectItemCaseSensitive(r, section)) {
            continue;
        }
        cJSON *list = NULL;
        for (size_t i = 0; i < w->devs.n; i++) {
            const struct vh_device *d = w->devs.v[i];
            if (!in_top_section(d, section)) {
                continue;
            }
            if (!list) {
                list = cJSON_AddArrayToObject(r, section);
            }
            struct report_out out = { .obj = cJSON_CreateObject() };
            cJSON_AddStringToObject(out.obj, "name", d->path);
            d->cls->report(d, &out);
            cJSON_AddItemToArray(list, out.obj);
        }
    }
}

/* A top-level section's heading in the chosen language: 'en' is its
 * name capitalized, as English shows it. */
static const char *
top_section_heading(const char *section, const char *en)
{
    if (!strcmp(section, "switches")) {
        return vh_tr("Switches");
    }
    if (!strcmp(section, "dvswitches")) {
        return vh_tr("Dvswitches");
    }
    return en;
}

static void
print_top_sections(const struct world *w, FILE *f)
{
    const char *shown = NULL;
    for (size_t i = 0; i < w->devs.n; i++) {
        const struct vh_device *d = w->devs.v[i];
        if (!in_top_section(d, d->cls ? d->cls->top_section : "")) {
            continue;
        }
        const char *section = d->cls->top_section;
        if (!shown || strcmp(shown, section)) {
            /* The section's name as a heading: "Switches". */
            char head[64];
            snprintf(head, sizeof head, "%c%s",
                     toupper((unsigned char) section[0]), section + 1);
            fprintf(f, "\n%s\n", top_section_heading(section, head));
            shown = section;
        }
        struct report_out out = { .text = f };
        fprintf(f, "  %s:", d->path);
        d->cls->report(d, &out);
        fprintf(f, "\n");
    }
}

static cJSON *
host_json(const struct world *w, const struct host *h)
{
    vh_time_t end = world_end_time(w);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", h->dev.path);
    cJSON *cpu = cJSON_AddObjectToObject(o, "cpu");
    cJSON_AddNumberToObject(cpu, "ghz", h->cfg->cpu.khz / 1e6);
    cJSON *cores = cJSON_AddArrayToObject(cpu, "cores");
    uint64_t poll_idle = 0;
    for (int i = 0; i < h->n_cores; i++) {
        const struct cpu_core *c = &h->cores[i];
        cJSON *co = cJSON_CreateObject();
        cJSON_AddNumberToObject(co, "id", i);
        cJSON_AddNumberToObject(co, "util", core_util(h, i, end));
        cJSON *cyc = cJSON_AddObjectToObject(co, "cycles");
        for (int k = 0; k < CPU_N_CATS; k++) {
            cJSON_AddNumberToObject(cyc, cpu_cat_names[k],
                                    (double) core_cycles(h, i, k, end));
        }
        if (h->polls && h->polls[i].on) {
            /* Extension: polls that found frames (and the work on them)
             * against polls that found nothing. */
            uint64_t idle = h->polls[i].idle_cycles + poll_unheld(h, i, end);
            cJSON_AddNumberToObject(co, "poll_work",
                                    (double) (c->cycles[CPU_POLL]
                                              - h->polls[i].idle_cycles));
            cJSON_AddNumberToObject(co, "poll_idle", (double) idle);
            poll_idle += idle;
        }
        cJSON_AddItemToArray(cores, co);
    }
    uint64_t total = host_cycles(h, end);
    cJSON_AddNumberToObject(o, "cycles", (double) total);
    cJSON_AddNumberToObject(o, "packets", (double) h->packets);
    cJSON_AddNumberToObject(o, "cycles_per_packet",
                            h->packets ? (double) total / (double) h->packets
                                       : 0);
    cJSON_AddNumberToObject(o, "interrupts", (double) h->interrupts);
    /* Extension: how many of those were IPIs, and whether a packet
     * between two of its guests counts twice in 'packets'. */
    cJSON_AddNumberToObject(o, "ipis", (double) host_ipis(h));
    cJSON_AddBoolToObject(o, "packets_count_local_twice",
                          host_has_local_flow(w, h));
    cJSON_AddNumberToObject(o, "guest_interrupts",
                            (double) h->guest_interrupts);
    cJSON_AddNumberToObject(o, "vm_exits", (double) h->vm_exits);
    cJSON_AddNumberToObject(o, "copies_bytes", (double) h->copies_bytes);
    struct uplink_count up = host_uplink(h);
    cJSON_AddNumberToObject(o, "uplink_bytes", (double) (up.out + up.in));
    cJSON_AddNumberToObject(o, "uplink_tx_bytes", (double) up.out);
    cJSON_AddNumberToObject(o, "uplink_rx_bytes", (double) up.in);
    cJSON_AddNumberToObject(o, "uplink_tx_frames", (double) up.frames_out);
    cJSON_AddNumberToObject(o, "uplink_rx_frames", (double) up.frames_in);
    if (h->polls) {
        cJSON_AddNumberToObject(o, "poll_idle_cycles", (double) poll_idle);
    }
    host_rates_json(o, h, end);
    /* The IOMMU's isolation and translation work (models/hw/iommu.h). */
    const struct iommu *io = h->iommu;
    cJSON *jo = cJSON_AddObjectToObject(o, "iommu");
    cJSON_AddBoolToObject(jo, "enabled", io != NULL);
    cJSON_AddBoolToObject(jo, "posted_interrupts",
                          io && io->posted_interrupts);
    cJSON_AddNumberToObject(jo, "dma_blocked",
                            io ? (double) io->dma_blocked : 0);
    cJSON_AddNumberToObject(jo, "iotlb_hits", io ? (double) io->iotlb_hits : 0);
    cJSON_AddNumberToObject(jo, "iotlb_misses",
                            io ? (double) io->iotlb_misses : 0);
    host_sections_json(w, h, o);
    return o;
}

cJSON *
report_json(const struct world *w, double wall_s)
{
    const struct cfg_scenario *c = w->cfg;
    cJSON *r = cJSON_CreateObject();
    /* The report's own version: raised when a key changes meaning or
     * goes, so a script can tell which report it reads. */
    cJSON_AddNumberToObject(r, "schema", REPORT_SCHEMA);
    cJSON_AddStringToObject(r, "scenario", c->name);
    if (c->description) {
        cJSON_AddStringToObject(r, "description", c->description);
    }
    if (c->description_zh) {
        cJSON_AddStringToObject(r, "description_zh", c->description_zh);
    }
    /* Written as its digits: a double holds integers exactly only up to
     * 2^53, and --seed takes any 64-bit value. */
    char seed[24];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long) c->seed);
    cJSON_AddRawToObject(r, "seed", seed);
    cJSON_AddNumberToObject(r, "sim_time_ns",
                            (double) (world_end_time(w) / VH_NS));
    cJSON_AddNumberToObject(r, "events", (double) w->sim.events_run);
    cJSON_AddNumberToObject(r, "wall_s", floor(wall_s * 10) / 10);

    cJSON *flows = cJSON_AddArrayToObject(r, "flows");
    for (size_t i = 0; i < w->n_flows; i++) {
        cJSON_AddItemToArray(flows, flow_json(w, &w->flows[i]));
    }
    cJSON *hosts = cJSON_AddArrayToObject(r, "hosts");
    for (size_t i = 0; i < w->n_hosts; i++) {
        cJSON_AddItemToArray(hosts, host_json(w, w->hosts[i]));
    }
    top_sections_json(w, r);
    cJSON *devs = cJSON_AddArrayToObject(r, "devices");
    for (size_t i = 0; i < w->devs.n; i++) {
        const struct vh_device *d = w->devs.v[i];
        if (!d->report) {
            continue;
        }
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "path", d->path);
        cJSON_AddStringToObject(o, "kind", d->kind);
        cJSON_AddNumberToObject(o, "rx", (double) d->rx);
        cJSON_AddNumberToObject(o, "tx", (double) d->tx);
        cJSON_AddNumberToObject(o, "drops", (double) d->drops);
        if (d->drop_reasons) {
            /* Extension: the same by reason, as a flow's "drops". */
            cJSON *dr = cJSON_AddObjectToObject(o, "drop_reasons");
            for (size_t k = 0; k < d->drop_reasons->n; k++) {
                cJSON_AddNumberToObject(dr, d->drop_reasons->reason[k],
                                        (double) d->drop_reasons->count[k]);
            }
        }
        cJSON_AddItemToArray(devs, o);
    }
    return r;
}

/* --- Printing the JSON. --- */

void
report_format_number(double v, char *buf, size_t len)
{
    if (!isfinite(v)) {
        snprintf(buf, len, "null");
    } else if (v == floor(v) && fabs(v) < 9.2e18) {
        /* A count: every digit, never an exponent. */
        snprintf(buf, len, "%.0f", v);
    } else {
        /* The fewest digits that read back as this very double. */
        for (int digits = 15; digits <= 17; digits++) {
            snprintf(buf, len, "%.*g", digits, v);
            if (strtod(buf, NULL) == v) {
                break;
            }
        }
    }
}

/* Turns every number under 'item' into its exact text: cJSON prints 15
 * significant digits and accepts that as equal when it is within an ulp,
 * and above 2^31 it prints counts with an exponent. */
static void
exact_numbers(cJSON *item)
{
    for (cJSON *c = item->child; c; c = c->next) {
        if (cJSON_IsNumber(c)) {
            char text[40];
            report_format_number(c->valuedouble, text, sizeof text);
            cJSON *raw = cJSON_CreateRaw(text);
            if (raw) {
                raw->string = c->string;        /* The key moves over. */
                raw->type |= c->type & cJSON_StringIsConst;
                c->string = NULL;
                cJSON_ReplaceItemViaPointer(item, c, raw);
                c = raw;
            }
        } else if (c->child) {
            exact_numbers(c);
        }
    }
}

char *
report_json_text(const cJSON *report)
{
    cJSON *copy = cJSON_Duplicate(report, true);
    if (!copy) {
        return NULL;
    }
    exact_numbers(copy);
    char *text = cJSON_Print(copy);
    cJSON_Delete(copy);
    if (!text) {
        return NULL;
    }
    size_t n = strlen(text);
    char *out = malloc(n + 2);
    if (out) {
        memcpy(out, text, n);
        memcpy(out + n, "\n", 2);
    }
    cJSON_free(text);
    return out;
}

/* --- Text. --- */

const char *
report_cat_text(const char *key)
{
    /* In the order of enum cpu_cat, each English the same as its key in
     * cpu_cat_names[], and each a vh_tr() literal for
     * tests/lang_missing.sh to see. */
    const char *const text[] = {
        vh_tr("guest"), vh_tr("vmexit"), vh_tr("qemu"), vh_tr("vhost"),
        vh_tr("softirq"), vh_tr("irq"), vh_tr("vswitch"), vh_tr("poll"),
        vh_tr("app"),
    };
    _Static_assert(sizeof text / sizeof *text == CPU_N_CATS,
                   "a translation for every CPU category");
    for (int k = 0; k < CPU_N_CATS; k++) {
        if (!strcmp(key, cpu_cat_names[k])) {
            return text[k];
        }
    }
    return key;
}

void
report_cell(FILE *out, const char *text, int width, bool right)
{
    char buf[512];
    fputs(vh_pad(buf, sizeof buf, text, width < 0 ? 0 : (size_t) width,
                 right), out);
}

/* The wider of 'width' and the columns 'text' takes: a heading wider in
 * Chinese than its column widens the column rather than shift the
 * rest. */
static int
col_width(int width, const char *text)
{
    int w = (int) vh_text_width(text);
    return w > width ? w : width;
}

static void
print_flows(const struct world *w, FILE *out)
{
    fprintf(out, "\n%s\n", vh_tr("Flows (sent, delivered, dropped and in "
                                  "flight are packets; Mpps and Gbps are "
                                  "over each flow's sending window, or "
                                  "over its deliveries if they took "
                                  "longer)"));
    const char *h_name = vh_tr("name"), *h_route = vh_tr("from -> to");
    int wname = col_width(4, h_name), wroute = col_width(10, h_route);
    for (size_t i = 0; i < w->n_flows; i++) {
        const struct cfg_flow *cf = w->flows[i].cfg;
        int n = (int) vh_text_width(cf->name);
        int r = (int) (vh_text_width(cf->from) + vh_text_width(cf->to) + 4);
        wname = n > wname ? n : wname;
        wroute = r > wroute ? r : wroute;
    }
    /* The numeric columns: heading and width. */
    const char *head[] = {
        vh_tr("sent"), vh_tr("delivered"), vh_tr("dropped"),
        vh_tr("flight"), "Mpps", "Gbps", vh_tr("lat p50"), "p99", vh_tr("max"),
    };
    int wcol[] = { 8, 9, 7, 7, 9, 8, 10, 10, 10 };
    enum { N_COLS = sizeof wcol / sizeof *wcol };
    const char *h_proto = vh_tr("proto");
    int wproto = col_width(5, h_proto);
    for (int k = 0; k < N_COLS; k++) {
        wcol[k] = col_width(wcol[k], head[k]);
    }
    fputs("  ", out);
    report_cell(out, h_name, wname, false);
    fputc(' ', out);
    report_cell(out, h_proto, wproto, false);
    fputc(' ', out);
    report_cell(out, h_route, wroute, false);
    for (int k = 0; k < N_COLS; k++) {
        fputc(' ', out);
        report_cell(out, head[k], wcol[k], true);
    }
    fputc('\n', out);
    for (size_t i = 0; i < w->n_flows; i++) {
        const struct flow_stats *fs = &w->flows[i];
        const struct cfg_flow *cf = fs->cfg;
        char route[128], p50[32] = "-", p99[32] = "-", max[32] = "-";
        snprintf(route, sizeof route, "%s -> %s", cf->from, cf->to);
        const struct vh_hist *h = &fs->latency;
        if (vh_hist_count(h)) {
            vh_format_time(vh_hist_percentile(h, 50) * VH_NS, p50,
                           sizeof p50);
            vh_format_time(vh_hist_percentile(h, 99) * VH_NS, p99,
                           sizeof p99);
            vh_format_time(h->max * VH_NS, max, sizeof max);
        }
        struct flow_rates r = flow_rates(fs);
        char cell[N_COLS][32];
        snprintf(cell[0], sizeof cell[0], "%llu",
                 (unsigned long long) fs->sent);
        snprintf(cell[1], sizeof cell[1], "%llu",
                 (unsigned long long) fs->delivered);
        snprintf(cell[2], sizeof cell[2], "%llu",
                 (unsigned long long) fs->drops.total);
        snprintf(cell[3], sizeof cell[3], "%llu",
                 (unsigned long long) world_in_flight(w, fs));
        if (r.window) {
            snprintf(cell[4], sizeof cell[4], "%.4f", r.mpps);
            snprintf(cell[5], sizeof cell[5], "%.4f", r.gbps);
        } else {
            /* Nothing sent, or a lone packet: no span to divide by. */
            snprintf(cell[4], sizeof cell[4], "-");
            snprintf(cell[5], sizeof cell[5], "-");
        }
        snprintf(cell[6], sizeof cell[6], "%s", p50);
        snprintf(cell[7], sizeof cell[7], "%s", p99);
        snprintf(cell[8], sizeof cell[8], "%s", max);
        fputs("  ", out);
        report_cell(out, cf->name, wname, false);
        fputc(' ', out);
        report_cell(out, cfg_flow_proto_label(cf), wproto, false);
        fputc(' ', out);
        report_cell(out, route, wroute, false);
        for (int k = 0; k < N_COLS; k++) {
            fputc(' ', out);
            report_cell(out, cell[k], wcol[k], true);
        }
        fputc('\n', out);
        for (size_t k = 0; k < fs->drops.n; k++) {
            fputs("  ", out);
            report_cell(out, "", wname, false);
            char why[128];
            fprintf(out, vh_tr("   dropped %llu: %s\n"),
                    (unsigned long long) fs->drops.count[k],
                    vh_gloss_reason(fs->drops.reason[k], why, sizeof why));
        }
        print_xport(fs, wname, out);
    }
    fprintf(out, "%s", vh_tr("  (ICMP: latency is the round trip; delivered "
                             "counts replies)\n"));
}

static void
print_hosts(const struct world *w, FILE *out)
{
    vh_time_t end = world_end_time(w);
    for (size_t i = 0; i < w->n_hosts; i++) {
        const struct host *h = w->hosts[i];
        uint64_t total = host_cycles(h, end);
        fprintf(out, vh_tr("\nHost %s: %d cores at %.2f GHz\n"),
                h->dev.path, h->n_cores, h->cfg->cpu.khz / 1e6);
        uint64_t ipis = host_ipis(h);
        if (h->packets) {
            fprintf(out, vh_tr("  cycles/packet %.0f"),
                    (double) total / (double) h->packets);
        } else {
            fprintf(out, "%s", vh_tr("  cycles/packet -"));
        }
        fprintf(out, vh_tr("   interrupts %llu (devices %llu, IPIs %llu)"
                           "   guest interrupts %llu   VM exits %llu   "
                           "bytes copied %llu\n"),
                (unsigned long long) h->interrupts,
                (unsigned long long) (h->interrupts - ipis),
                (unsigned long long) ipis,
                (unsigned long long) h->guest_interrupts,
                (unsigned long long) h->vm_exits,
                (unsigned long long) h->copies_bytes);
        if (h->packets && host_has_local_flow(w, h)) {
            fprintf(out, "%s", vh_tr("  (its packets are those its guests "
                                     "and applications sent or received: "
                                     "one between two of them counts "
                                     "twice, sent and received)\n"));
        }
        struct uplink_count up = host_uplink(h);
        if (up.out + up.in) {
            fprintf(out, vh_tr("  uplink (its NICs' cables): out %llu "
                               "frames, %llu bytes; in %llu frames, %llu "
                               "bytes\n"),
                    (unsigned long long) up.frames_out,
                    (unsigned long long) up.out,
                    (unsigned long long) up.frames_in,
                    (unsigned long long) up.in);
        }
        if (h->iommu) {
            fprintf(out, vh_tr("  IOMMU: DMA blocked %llu   IOTLB hits %llu"
                               "   misses %llu%s\n"),
                    (unsigned long long) h->iommu->dma_blocked,
                    (unsigned long long) h->iommu->iotlb_hits,
                    (unsigned long long) h->iommu->iotlb_misses,
                    h->iommu->posted_interrupts
                    ? vh_tr("   posted interrupts") : "");
        }
        print_host_sections(w, h, out);
        fprintf(out, "%s", vh_tr("  per core: util is the share of the "
                                 "simulated time it was busy; the others "
                                 "are CPU cycles by category\n"));
        const char *h_core = vh_tr("core"), *h_util = vh_tr("util");
        int wcore = col_width(4, h_core), wutil = col_width(6, h_util);
        int wcat[CPU_N_CATS];
        fputs("  ", out);
        report_cell(out, h_core, wcore, false);
        fputc(' ', out);
        report_cell(out, h_util, wutil, true);
        for (int k = 0; k < CPU_N_CATS; k++) {
            const char *name = report_cat_text(cpu_cat_names[k]);
            wcat[k] = col_width(9, name);
            fputc(' ', out);
            report_cell(out, name, wcat[k], true);
        }
        fprintf(out, "\n");
        for (int c = 0; c < h->n_cores; c++) {
            if (!core_total(h, c, end)) {
                continue;
            }
            char cell[32];
            snprintf(cell, sizeof cell, "%d", c);
            fputs("  ", out);
            report_cell(out, cell, wcore, false);
            snprintf(cell, sizeof cell, "%.1f%%",
                     100.0 * core_util(h, c, end));
            fputc(' ', out);
            report_cell(out, cell, wutil, true);
            for (int k = 0; k < CPU_N_CATS; k++) {
                snprintf(cell, sizeof cell, "%llu",
                         (unsigned long long) core_cycles(h, c, k, end));
                fputc(' ', out);
                report_cell(out, cell, wcat[k], true);
            }
            fprintf(out, "\n");
        }
        for (int c = 0; h->polls && c < h->n_cores; c++) {
            if (h->polls[c].on) {
                uint64_t idle = h->polls[c].idle_cycles
                                + poll_unheld(h, c, end);
                fprintf(out, vh_tr("  core %d polls: %llu cycles found "
                                   "work, %llu found nothing\n"), c,
                        (unsigned long long) (h->cores[c].cycles[CPU_POLL]
                                              - h->polls[c].idle_cycles),
                        (unsigned long long) idle);
            }
        }
    }
}

static void
print_devices(const struct world *w, FILE *out)
{
    const char *head[] = {
        vh_tr("path"), vh_tr("kind"), vh_tr("rx"), vh_tr("tx"),
        vh_tr("drops"), vh_tr("drop reasons"),
    };
    int wcol[] = { 24, 14, 10, 10, 8, 0 };
    for (int k = 0; k < 6; k++) {
        wcol[k] = col_width(wcol[k], head[k]);
    }
    fprintf(out, "\n%s\n", vh_tr("Devices (rx, tx and drops are frames)"));
    fputs("  ", out);
    for (int k = 0; k < 6; k++) {
        if (k) {
            fputc(' ', out);
        }
        report_cell(out, head[k], k < 5 ? wcol[k] : 0, k >= 2 && k < 5);
    }
    fputc('\n', out);
    for (size_t i = 0; i < w->devs.n; i++) {
        const struct vh_device *d = w->devs.v[i];
        if (d->report) {
            char cell[3][32];
            snprintf(cell[0], sizeof cell[0], "%llu",
                     (unsigned long long) d->rx);
            snprintf(cell[1], sizeof cell[1], "%llu",
                     (unsigned long long) d->tx);
            snprintf(cell[2], sizeof cell[2], "%llu",
                     (unsigned long long) d->drops);
            fputs("  ", out);
            report_cell(out, d->path, wcol[0], false);
            fputc(' ', out);
            report_cell(out, d->kind, wcol[1], false);
            for (int k = 0; k < 3; k++) {
                fputc(' ', out);
                report_cell(out, cell[k], wcol[2 + k], true);
            }
            for (size_t k = 0; d->drop_reasons && k < d->drop_reasons->n;
                 k++) {
                char why[128];
                fprintf(out, "%s%s %llu", k ? ", " : " ",
                        vh_gloss_reason(d->drop_reasons->reason[k], why,
                                        sizeof why),
                        (unsigned long long) d->drop_reasons->count[k]);
            }
            fputc('\n', out);
        }
    }
}

void
report_print(const struct world *w, FILE *out)
{
    const struct cfg_scenario *c = w->cfg;
    char t[32];
    fprintf(out, "vhsim: %s\n", c->name);
    /* A lesson's Chinese description, when the reader reads Chinese. */
    const char *desc = vh_lang_get() == VH_LANG_ZH && c->description_zh
                       ? c->description_zh : c->description;
    if (desc) {
        fprintf(out, "  %s\n", desc);
    }
    fprintf(out, vh_tr("seed %llu, simulated %s, %llu events\n"),
            (unsigned long long) c->seed,
            vh_format_time(world_end_time(w), t, sizeof t),
            (unsigned long long) w->sim.events_run);
    print_flows(w, out);
    print_hosts(w, out);
    print_top_sections(w, out);
    print_devices(w, out);
}
