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
#include <stdlib.h>
#include <string.h>

#include "models/hw/cpu.h"
#include "cli/textbuf.h"
#include "report/report.h"

/* A number that may be null in the report (a latency never measured):
 * an empty field. */
static void
put_maybe(struct textbuf *b, const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (cJSON_IsNumber(v)) {
        textbuf_csv_num(b, v->valuedouble);
    } else {
        textbuf_printf(b, ",");
    }
}

static void
header(struct textbuf *b)
{
    textbuf_printf(b, "variant,flow,proto,size,from,to,sent,delivered,dropped,"
               "in_flight,drops,throughput_gbps,throughput_mpps,"
               "latency_p50_ns,latency_p99_ns,latency_max_ns,host,"
               "host_cycles_per_packet");
    for (int k = 0; k < CPU_N_CATS; k++) {
        textbuf_printf(b, ",host_cpp_%s", cpu_cat_names[k]);
    }
    textbuf_printf(b, ",host_interrupts_per_s,host_guest_interrupts_per_s,"
               "host_vm_exits_per_s,host_vm_exits_per_packet,"
               "host_copies_bytes_per_packet,host_uplink_bytes_per_packet\n");
}

static void
flow_row(struct textbuf *b, const char *run, const cJSON *report,
         const cJSON *f)
{
    textbuf_csv_str(b, run, true);
    textbuf_csv_str(b, compare_str(f, "name"), false);
    textbuf_csv_str(b, compare_str(f, "proto"), false);
    textbuf_csv_num(b, compare_num(f, "size"));
    textbuf_csv_str(b, compare_str(f, "from"), false);
    textbuf_csv_str(b, compare_str(f, "to"), false);
    textbuf_csv_num(b, compare_num(f, "sent"));
    textbuf_csv_num(b, compare_num(f, "delivered"));
    textbuf_csv_num(b, compare_num(f, "dropped"));
    textbuf_csv_num(b, compare_num(f, "in_flight"));

    struct textbuf drops = { NULL, 0, 0 };
    textbuf_printf(&drops, "%s", "");
    const cJSON *d;
    cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(f, "drops")) {
        textbuf_printf(&drops, "%s%s:%.0f", drops.len ? ";" : "", d->string,
                   d->valuedouble);
    }
    textbuf_csv_str(b, drops.s, false);
    free(drops.s);

    textbuf_csv_num(b, compare_num(f, "throughput_gbps"));
    textbuf_csv_num(b, compare_num(f, "throughput_mpps"));
    const cJSON *lat = cJSON_GetObjectItemCaseSensitive(f, "latency_ns");
    put_maybe(b, lat, "p50");
    put_maybe(b, lat, "p99");
    put_maybe(b, lat, "max");

    const cJSON *h = compare_flow_host(report, f);
    textbuf_csv_str(b, h ? compare_str(h, "name") : "", false);
    textbuf_csv_num(b, compare_num(h, "cycles_per_packet"));
    const cJSON *cpp = cJSON_GetObjectItemCaseSensitive(
        h, "cycles_per_packet_by_category");
    for (int k = 0; k < CPU_N_CATS; k++) {
        textbuf_csv_num(b, compare_num(cpp, cpu_cat_names[k]));
    }
    textbuf_csv_num(b, compare_num(h, "interrupts_per_s"));
    textbuf_csv_num(b, compare_num(h, "guest_interrupts_per_s"));
    textbuf_csv_num(b, compare_num(h, "vm_exits_per_s"));
    textbuf_csv_num(b, compare_num(h, "vm_exits_per_packet"));
    textbuf_csv_num(b, compare_num(h, "copies_bytes_per_packet"));
    textbuf_csv_num(b, compare_num(h, "uplink_bytes_per_packet"));
    textbuf_printf(b, "\n");
}

char *
compare_csv(const struct compare_run *runs, size_t n)
{
    struct textbuf b = { NULL, 0, 0 };
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
