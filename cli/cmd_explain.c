/* cli/cmd_explain.c: 'vhsim explain': one packet, hop by hop. */
#include "cli/cli.h"
#include "cli/opts.h"

#include <stdlib.h>
#include <string.h>

#include "models/core/config.h"
#include "models/hw/cpu.h"
#include "models/core/world.h"
#include "models/hw/pnic.h"
#include "models/switch/etag.h"
#include "models/switch/vntag.h"
#include "report/report.h"
#include "models/tunnel/tnl_peek.h"
#include "sim/lang.h"
#include "sim/trace.h"
#include "sim/units.h"
#include "sim/xmalloc.h"

/* What the subscriber keeps of each hop of the followed packet. */
struct step {
    vh_time_t at;               /* When it was announced. */
    struct vh_hop hop;          /* Its packet pointer is not kept. */
    uint32_t len;
    char *note;                 /* A decision's text, copied. */
    char tag[128];              /* The frame's edge-virtual-bridging tag
                                 * or tunnel, in words, or "". */
};

struct follow {
    const struct world *w;
    int flow;
    uint64_t seq;
    struct step *steps;
    size_t n, cap;
};

/* What a VN-Tag or E-Tag on the frame says, for a student reading the
 * hops: which virtual interface sent it up or is to receive it; or the
 * tunnel it travels in (models/tunnel/tnl_peek.h). */
static void
describe_tag(const struct vh_packet *p, char *out, size_t n)
{
    struct vntag v;
    struct etag e;
    out[0] = '\0';
    if (vntag_read(p->data, p->len, &v)) {
        if (!v.dir) {
            snprintf(out, n, "VN-Tag up from VIF %u", v.src);
        } else {
            snprintf(out, n, "VN-Tag down to VIF %s%u%s", v.ptr ? "list " : "",
                     v.dst, v.looped ? ", looped" : "");
        }
    } else if (etag_read(p->data, p->len, &e)) {
        if (etag_in_ecid(&e)) {
            snprintf(out, n, "E-Tag E-CID %s%u, ingress E-CID %u",
                     e.grp ? "group " : "", etag_ecid(&e), etag_in_ecid(&e));
        } else {
            snprintf(out, n, "E-Tag E-CID %s%u", e.grp ? "group " : "",
                     etag_ecid(&e));
        }
    } else {
        tnl_describe(p->data, p->len, out, n);
    }
}

static void
follow_hop(void *ctx, const struct vh_hop *h)
{
    struct follow *f = ctx;
    const struct vh_packet *p = h->pkt;
    if (!p || p->flow != f->flow || p->seq != f->seq
        || !(p->counted || p->request)) {
        return;
    }
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 64;
        f->steps = vh_xrealloc(f->steps, f->cap * sizeof *f->steps);
    }
    struct step *s = &f->steps[f->n++];
    s->at = f->w->sim.now;
    s->hop = *h;
    s->hop.pkt = NULL;
    s->len = p->len;
    describe_tag(p, s->tag, sizeof s->tag);
    s->note = h->kind == VH_HOP_DECIDE && h->what ? vh_xstrdup(h->what)
                                                  : NULL;
    s->hop.what = h->kind == VH_HOP_DECIDE ? NULL : h->what;
}

/* A hop kind as the table names it, in the chosen language. */
static const char *
kind_text(enum vh_hop_kind kind)
{
    switch (kind) {
    case VH_HOP_ARRIVE: return vh_tr("arrives");
    case VH_HOP_ENQUEUE: return vh_tr("queued");
    case VH_HOP_SERVICE: return vh_tr("work");
    case VH_HOP_DROP: return vh_tr("DROPPED");
    case VH_HOP_DELIVER: return vh_tr("DELIVERED");
    case VH_HOP_RX: return vh_tr("in");
    case VH_HOP_TX: return vh_tr("out");
    case VH_HOP_CONSUME: return vh_tr("ended");
    case VH_HOP_DECIDE: return vh_tr("decides");
    }
    return "?";
}

static void
print_steps(const struct follow *f, vh_time_t born, const struct world *w)
{
    uint64_t cycles[CPU_N_CATS] = { 0 };
    char t[32], d[32];
    vh_time_t ready = born;     /* When the previous step let go of it. */
    const struct vh_device *last_in = NULL;     /* Where it last came in. */
    bool itr_held = false;      /* Its interrupt waits for moderation. */
    int wcat = 8;               /* The widest category's name. */
    for (int k = 0; k < CPU_N_CATS; k++) {
        int n = (int) vh_text_width(report_cat_text(cpu_cat_names[k]));
        wcat = n > wcat ? n : wcat;
    }
    fputs("  ", stdout);
    report_cell(stdout, vh_tr("time"), 10, true);
    fputs("  ", stdout);
    report_cell(stdout, vh_tr("where"), 22, false);
    fputc(' ', stdout);
    report_cell(stdout, vh_tr("event"), 9, false);
    printf(" %s\n", vh_tr("detail"));
    for (size_t i = 0; i < f->n; i++) {
        const struct step *s = &f->steps[i];
        const struct vh_hop *h = &s->hop;
        vh_time_t at = h->time > born ? h->time - born : 0;
        fputs("  ", stdout);
        report_cell(stdout, vh_format_time(at, t, sizeof t), 10, true);
        fputs("  ", stdout);
        report_cell(stdout, h->dev ? h->dev->path : "-", 22, false);
        fputc(' ', stdout);
        report_cell(stdout, kind_text(h->kind), 9, false);
        fputc(' ', stdout);
        switch (h->kind) {
        case VH_HOP_SERVICE:
            if (h->on_cpu) {
                cycles[h->category] += h->cycles;
                printf(vh_tr("core %d  "), h->core);
                report_cell(stdout, report_cat_text(
                                cpu_cat_names[h->category]), wcat, false);
                printf(vh_tr(" %6llu cyc  "),
                       (unsigned long long) h->cycles);
                report_cell(stdout, h->what ? h->what : "", 16, false);
                printf(" %s", vh_format_time(h->end - h->time, d, sizeof d));
            } else {
                printf(vh_tr("hardware %s"),
                       vh_format_time(h->end - h->time, d, sizeof d));
                printf("%s%s", h->what ? "  " : "", h->what ? h->what : "");
            }
            /* Time between being ready for this work and getting it: a
             * busy core, or a worker that had to wake up first. */
            if (h->time > ready && h->time - ready >= VH_NS) {
                printf(itr_held && h->on_cpu
                       ? vh_tr("  (waited %s: interrupt moderation)")
                       : vh_tr("  (waited %s)"),
                       vh_format_time(h->time - ready, d, sizeof d));
            }
            if (h->on_cpu) {
                itr_held = false;
            }
            break;
        case VH_HOP_ENQUEUE:
            printf(vh_tr("depth %u"), h->depth);
            if (h->what && !strcmp(h->what, PNIC_ITR_HELD)) {
                /* The NIC keeps a minimum gap between two interrupts
                 * (ethtool -C rx-usecs): the wait that follows is it. */
                itr_held = true;
                printf("%s%s", vh_tr(", "), vh_tr("interrupt moderation "
                                                  "holds the interrupt"));
            } else if (h->what) {
                char why[256];
                printf("%s%s", vh_tr(", "),
                       vh_tr_step(h->what, why, sizeof why));
            }
            break;
        case VH_HOP_DROP: {
            char why[128];
            printf("%s", vh_gloss_reason(h->reason, why, sizeof why));
            break;
        }
        case VH_HOP_RX:
        case VH_HOP_TX:
            printf(vh_tr("%u-byte frame"), s->len);
            printf("%s%s", *s->tag ? vh_tr(", ") : "", s->tag);
            if (h->kind == VH_HOP_TX && h->dev && h->dev == last_in) {
                printf("%s", vh_tr(" (back out of the port it came in by: "
                                   "a hairpin turn)"));
            }
            if (h->kind == VH_HOP_RX) {
                last_in = h->dev;
            }
            break;
        case VH_HOP_DECIDE: {
            /* The model said it in English, as recordings keep it (a
             * megaflow may take most of 800 bytes). */
            char note[1024];
            printf("%s", s->note ? vh_tr_step(s->note, note, sizeof note)
                                 : "");
            break;
        }
        case VH_HOP_ARRIVE:
        case VH_HOP_DELIVER:
        case VH_HOP_CONSUME:
            break;
        }
        printf("\n");
        vh_time_t done = h->kind == VH_HOP_SERVICE ? h->end : h->time;
        ready = done > ready ? done : ready;
    }
    uint64_t total = 0;
    printf("\n%s", vh_tr("  CPU work for this packet:"));
    for (int k = 0; k < CPU_N_CATS; k++) {
        if (cycles[k]) {
            printf(" %s %llu", report_cat_text(cpu_cat_names[k]),
                   (unsigned long long) cycles[k]);
            total += cycles[k];
        }
    }
    printf(vh_tr("  (total %llu cycles)\n"), (unsigned long long) total);
    (void) w;
}

struct explain_opts {
    const char *scenario, *flow, *variant;
    unsigned long long packet, seed;
    bool has_seed;
};

enum { OPT_FLOW = CLI_LONG_ONLY, OPT_PACKET, OPT_VARIANT };

static int
on_opt(void *ctx, int key, const char *val)
{
    struct explain_opts *o = ctx;
    switch (key) {
    case OPT_FLOW:
        o->flow = val;
        return 0;
    case OPT_VARIANT:
        o->variant = val;
        return 0;
    case OPT_PACKET:
        return cli_opt_u64("--packet", val, &o->packet);
    case 's':
        o->has_seed = true;
        return cli_opt_u64("--seed", val, &o->seed);
    }
    return 0;
}

int
cmd_explain(int argc, char **argv)
{
    static const char usage[] =
        "usage: vhsim explain [options] SCENARIO\n"
        "\n"
        "Runs the scenario and follows one packet (by default the first\n"
        "packet of the first flow) from the application that sent it to the\n"
        "one that received it: every device it crossed, every queue it\n"
        "waited in, every piece of CPU work it caused with its core,\n"
        "category and cycles.  ICMP packets are followed there and back.\n"
        "SCENARIO '-' is read from standard input.\n"
        "\n"
        "      --flow NAME     the flow to follow (default: the first)\n"
        "      --packet N      its packet number, from 0 (default 0)\n"
        "  -s, --seed N        use seed N instead of the scenario's\n"
        "      --variant NAME  apply that entry of variants[] first\n"
        CLI_LANG_HELP
        "  -h, --help          print this\n";
    static const struct cli_opt opts[] = {
        { "flow", OPT_FLOW, true }, { "packet", OPT_PACKET, true },
        { "seed", 's', true }, { "variant", OPT_VARIANT, true },
    };
    struct explain_opts o = { 0 };
    int prc = cli_parse_opts(argc, argv, usage, opts,
                             sizeof opts / sizeof *opts, on_opt, &o,
                             &o.scenario);
    if (prc) {
        return prc < 0 ? VH_EXIT_OK : prc;
    }
    const char *scenario = o.scenario, *flow = o.flow, *variant = o.variant;
    unsigned long long packet = o.packet, seed = o.seed;
    bool has_seed = o.has_seed;

    uint64_t seed64 = seed;
    struct cfg_scenario *cfg;
    /* "base": without loading the other variants on trial. */
    struct world *w = cli_load_world(scenario, variant ? variant : "base",
                                     has_seed ? &seed64 : NULL, &cfg);
    if (!w) {
        return VH_EXIT_USAGE;
    }
    int fi = -1;
    for (size_t i = 0; i < cfg->n_flows; i++) {
        if (!flow || !strcmp(cfg->flows[i].name, flow)) {
            fi = (int) i;
            break;
        }
    }
    if (fi < 0) {
        int rc = cli_error(VH_EXIT_USAGE, flow ? "%s: no flow named '%s'"
                           : "%s: the scenario has no traffic",
                           cli_input_name(scenario),
                           flow);
        world_free(w);
        cfg_free(cfg);
        return rc;
    }
    struct follow f = { .w = w, .flow = fi, .seq = packet };
    vh_trace_subscribe(&w->trace, VH_HOP_ALL, follow_hop, &f);
    world_run(w, NULL, NULL);

    const struct cfg_flow *cf = &cfg->flows[fi];
    printf(vh_tr("Packet %llu of flow %s: %s %s -> %s, %u bytes\n"),
           packet, cf->name, cf->proto != CFG_PROTO_ICMP
                             ? cfg_flow_proto_label(cf)
                             : cf->family == 6 ? vh_tr("icmpv6 echo")
                             : vh_tr("icmp echo"),
           cf->from, cf->to, cf->size);
    int rc = VH_EXIT_OK;
    if (!f.n) {
        printf(vh_tr("  it was never sent (the flow sent %llu packets)\n"),
               (unsigned long long) w->flows[fi].sent);
        rc = VH_EXIT_FAIL;
    } else {
        vh_time_t born = f.steps[0].hop.time;
        for (size_t i = 0; i < f.n; i++) {
            if (f.steps[i].hop.time < born) {
                born = f.steps[i].hop.time;
            }
        }
        char at[32];
        printf(vh_tr("  sent at %s of simulated time ('vhsim gui --at %s' "
                     "starts there);\n  the times below count from then\n"),
               vh_format_time(born, at, sizeof at), at);
        print_steps(&f, born, w);
    }
    for (size_t i = 0; i < f.n; i++) {
        free(f.steps[i].note);
    }
    free(f.steps);
    world_free(w);
    cfg_free(cfg);
    return rc;
}
