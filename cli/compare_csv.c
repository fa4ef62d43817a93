/* cli/compare_csv.c: 'vhsim compare --csv', one row per (run, flow).
 *
 * Columns, in order (docs/scenarios.md lists them too):
 *
 *   variant, flow, proto, size, from, to    which run and which flow
 *   sent, delivered, dropped, in_flight     packets (ICMP: delivered
 *                                           counts replies)
 *   drops                                   "reason:count;..." ("" if none)
 *   throughput_gbps, throughput_mpps
 *   latency_p50_ns, latency_p99_ns, latency_max_ns
 *                                           empty when nothing was
 *                                           delivered
 *   host                                    the host whose counters follow:
 *                                           the flow's source host if it
 *                                           runs VMs, else its destination
 *                                           host if that does, else the
 *                                           source host
 *   host_cycles_per_packet                  all of that host's cycles per
 *                                           packet its endpoints sent or
 *                                           received (every flow's)
 *   host_cpp_<category>                     the same split by category, one
 *                                           column per category of the
 *                                           report (guest, vmexit, ...)
 *   host_interrupts_per_s, host_guest_interrupts_per_s,
 *   host_vm_exits_per_s                     per second of simulated time
 *   host_vm_exits_per_packet, host_copies_bytes_per_packet,
 *   host_uplink_bytes_per_packet
 *
 * The host columns describe the whole host, so every flow of a run that
 * lands on the same host repeats them; they are there so one file plots
 * both flow and host metrics against the variant. */
#include "cli/compare.h"

#include <math.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "models/hw/cpu.h"
#include "report/report.h"
#include "sim/xmalloc.h"

struct buf {
    char *s;
    size_t len, cap;
};

static void
buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
buf_printf(struct buf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t) n < b->cap - b->len) {
            b->len += (size_t) n;
            return;
        }
        b->cap = 2 * b->cap + (n > 0 ? (size_t) n : 0) + 64;
        b->s = vh_xrealloc(b->s, b->cap);
    }
}

/* A field, quoted when it holds a separator, a quote or a line break. */
static void
put_str(struct buf *b, const char *s, bool first)
{
    if (!first) {
        buf_printf(b, ",");
    }
    if (!s[strcspn(s, ",\"\r\n")]) {
        buf_printf(b, "%s", s);
        return;
    }
    buf_printf(b, "\"");
    for (; *s; s++) {
        buf_printf(b, *s == '"' ? "\"\"" : "%c", *s);
    }
    buf_printf(b, "\"");
}

/* The number as the JSON has it (report_json_text()), so the file is
 * rounded nowhere. */
static void
put_num(struct buf *b, double v)
{
    char tmp[40];
    report_format_number(v, tmp, sizeof tmp);
    buf_printf(b, ",%s", tmp);
}

/* A number that may be null in the report (a latency never measured):
 * an empty field. */
static void
put_maybe(struct buf *b, const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (cJSON_IsNumber(v)) {
        put_num(b, v->valuedouble);
    } else {
        buf_printf(b, ",");
    }
}

static void
header(struct buf *b)
{
    buf_printf(b, "variant,flow,proto,size,from,to,sent,delivered,dropped,"
               "in_flight,drops,throughput_gbps,throughput_mpps,"
               "latency_p50_ns,latency_p99_ns,latency_max_ns,host,"
               "host_cycles_per_packet");
    for (int k = 0; k < CPU_N_CATS; k++) {
        buf_printf(b, ",host_cpp_%s", cpu_cat_names[k]);
    }
    buf_printf(b, ",host_interrupts_per_s,host_guest_interrupts_per_s,"
               "host_vm_exits_per_s,host_vm_exits_per_packet,"
               "host_copies_bytes_per_packet,host_uplink_bytes_per_packet\n");
}

static void
flow_row(struct buf *b, const char *run, const cJSON *report,
         const cJSON *f)
{
    put_str(b, run, true);
    put_str(b, compare_str(f, "name"), false);
    put_str(b, compare_str(f, "proto"), false);
    put_num(b, compare_num(f, "size"));
    put_str(b, compare_str(f, "from"), false);
    put_str(b, compare_str(f, "to"), false);
    put_num(b, compare_num(f, "sent"));
    put_num(b, compare_num(f, "delivered"));
    put_num(b, compare_num(f, "dropped"));
    put_num(b, compare_num(f, "in_flight"));

    struct buf drops = { NULL, 0, 0 };
    buf_printf(&drops, "%s", "");
    const cJSON *d;
    cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(f, "drops")) {
        buf_printf(&drops, "%s%s:%.0f", drops.len ? ";" : "", d->string,
                   d->valuedouble);
    }
    put_str(b, drops.s, false);
    free(drops.s);

    put_num(b, compare_num(f, "throughput_gbps"));
    put_num(b, compare_num(f, "throughput_mpps"));
    const cJSON *lat = cJSON_GetObjectItemCaseSensitive(f, "latency_ns");
    put_maybe(b, lat, "p50");
    put_maybe(b, lat, "p99");
    put_maybe(b, lat, "max");

    const cJSON *h = compare_flow_host(report, f);
    put_str(b, h ? compare_str(h, "name") : "", false);
    put_num(b, compare_num(h, "cycles_per_packet"));
    const cJSON *cpp = cJSON_GetObjectItemCaseSensitive(
        h, "cycles_per_packet_by_category");
    for (int k = 0; k < CPU_N_CATS; k++) {
        put_num(b, compare_num(cpp, cpu_cat_names[k]));
    }
    put_num(b, compare_num(h, "interrupts_per_s"));
    put_num(b, compare_num(h, "guest_interrupts_per_s"));
    put_num(b, compare_num(h, "vm_exits_per_s"));
    put_num(b, compare_num(h, "vm_exits_per_packet"));
    put_num(b, compare_num(h, "copies_bytes_per_packet"));
    put_num(b, compare_num(h, "uplink_bytes_per_packet"));
    buf_printf(b, "\n");
}

char *
compare_csv(const struct compare_run *runs, size_t n)
{
    struct buf b = { NULL, 0, 0 };
    header(&b);
    for (size_t i = 0; i < n; i++) {
        const cJSON *f;
        cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(
                                  runs[i].report, "flows")) {
            flow_row(&b, runs[i].name, runs[i].report, f);
        }
    }
    return b.s;
}
