/* loader/scenario_traffic.c: loads traffic flows, captures, timed events and
 * cost overrides.  Whether their paths name something that exists is
 * checked by scenario_refs.c.
 *
 * Extensions to the contract read here:
 *   traffic[].sport, traffic[].dport   UDP/TCP ports, 1..65535; defaults
 *                                      10000 + the flow's index, and 9
 *                                      (the discard service), or the
 *                                      port of a "to" that names a
 *                                      published one ("host1:8080")
 *   traffic[].concurrent_flows         UDP: packets cycle through this
 *                                      many 5-tuples (a generator's flow
 *                                      count): source ports from 'sport',
 *                                      40000 of them, then the next
 *                                      destination port; default 1
 *   events[].to                        migrate: the destination host
 *   events[].set                       set: {"PATH.field": value}, as in
 *                                      variants
 *   events[].action "rogue-dma"        the VF named by 'target'
 *                                      ("host1/eth0/vf1") attempts a DMA
 *                                      write outside its IOMMU domain */
#include "loader/scenario_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/outfile.h"
#include "sim/xmalloc.h"
#include "sim/units.h"

/* JSON numbers are doubles: whole numbers are exact up to 2^53. */
#define MAX_EXACT 9007199254740992LL

/* "proto" and "family": "icmp6" is ICMPv6 echo, an ICMP flow of family
 * 6; the other protocols go over IPv4 unless "family" is 6. */
static bool
load_proto(struct ld *ld, const cJSON *o, const char *fp, int *proto,
           int *family)
{
    char path[JP_LEN];
    long long fam = 0;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "proto");
    bool icmp6 = cJSON_IsString(v) && !strcmp(v->valuestring, "icmp6");
    if (icmp6) {
        *proto = CFG_PROTO_ICMP;
    } else if (!ld_enum(ld, o, fp, "proto", "proto", cfg_proto_names,
                        N_NAMES(cfg_proto_names), proto)) {
        return false;
    }
    if (!ld_int(ld, o, fp, "family", false, 4, 6,
                "the IP version: 4 or 6", &fam)) {
        return false;
    }
    jp_key(path, fp, "family");
    if (fam == 5) {
        return vh_diag_fail(ld->diag, path, "5 is no IP version (expected "
                            "4 or 6)");
    }
    if (icmp6 && fam == 4) {
        return vh_diag_fail(ld->diag, path, "proto 'icmp6' is ICMPv6, "
                            "over IPv6: leave 'family' out or make it 6");
    }
    if (*proto == CFG_PROTO_ICMP && fam == 6 && !icmp6) {
        return vh_diag_fail(ld->diag, path, "an echo over IPv6 is proto "
                            "'icmp6' (ICMPv6); 'icmp' is IPv4's");
    }
    *family = icmp6 ? 6 : fam ? (int) fam : 4;
    return true;
}

static bool
load_rate(struct ld *ld, const cJSON *o, const char *fp,
          struct cfg_flow *f)
{
    char path[JP_LEN], why[256];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "rate");
    double pps, bps;

    jp_key(path, fp, "rate");
    if (cJSON_IsNumber(v)) {
        return vh_diag_fail(ld->diag, path, "%.15g has no unit; write a "
                            "string such as \"%.15gkpps\", \"%.15gMpps\" or "
                            "\"%.15gGbps\"", v->valuedouble, v->valuedouble,
                            v->valuedouble, v->valuedouble);
    }
    if (!cJSON_IsString(v)) {
        return vh_diag_fail(ld->diag, path, "expected a rate such as "
                            "\"1Mpps\" or \"2Gbps\", got %s",
                            ld_type_name(v));
    }
    if (vh_parse_rate(v->valuestring, &pps, &bps, why, sizeof why)) {
        return vh_diag_fail(ld->diag, path, "%s", why);
    }
    /* A bit rate counts the frame's bits, FCS included, as 'size' does;
     * preamble and inter-frame gap are not part of the frame. */
    f->pps = pps ? pps : bps / (f->size * 8.0);
    if (!(f->pps >= LD_RATE_MIN_PPS && f->pps <= LD_RATE_MAX_PPS)) {
        return vh_diag_fail(ld->diag, path, "\"%s\" is %.6g packets per "
                            "second; expected 0.001pps to 10Gpps (one "
                            "packet every 1000 s to one every 100 ps)",
                            v->valuestring, f->pps);
    }
    return true;
}

static bool
load_flow(struct ld *ld, const cJSON *o, const char *fp, size_t index,
          struct cfg_flow *f)
{
    static const char *const patterns[] = { "cbr", "poisson", "burst",
                                             "rr" };
    static const char size_reason[] = "64 bytes is Ethernet's minimum "
        "frame and 1518 the largest untagged frame without jumbo frames, "
        "both counting the FCS";
    const struct cfg_scenario *sc = ld->sc;
    char path[JP_LEN];
    int proto = CFG_PROTO_UDP, pattern = CFG_PAT_CBR;

    f->jpath = ld_strdup(fp);
    if (!ld_is_object(ld, o, fp) || !ld_keys(ld, o, fp, &sch_flow)
        || !ld_name(ld, o, fp, &f->name)
        || !ld_str(ld, o, fp, "from", true, &f->from)
        || !ld_str(ld, o, fp, "to", true, &f->to)
        || !load_proto(ld, o, fp, &proto, &f->family)
        || !ld_enum(ld, o, fp, "pattern", "pattern", patterns, 4, &pattern)
        || !ld_str(ld, o, fp, "pcap", false, &f->pcap)) {
        return false;
    }
    f->proto = (enum cfg_proto) proto;
    f->pattern = (enum cfg_pattern) pattern;
    if (f->family == 6 && f->pcap) {
        jp_key(path, fp, "family");
        return vh_diag_fail(ld->diag, path, "not supported yet: replaying "
                            "a capture over IPv6");
    }

    /* Default sizes: the minimum frame for UDP; 98 for ICMP, the length a
     * capture shows for a default Linux ping (here it includes the FCS, so
     * the echo carries 4 data bytes fewer than ping's 56); full frames for
     * a TCP bulk stream; for request/response, the minimum frame (over
     * TCP, a 1-byte message, netperf's default). */
    long long size = pattern == CFG_PAT_RR ? 64
                     : proto == CFG_PROTO_ICMP && f->family == 6 ? 118
                     : proto == CFG_PROTO_ICMP ? 98
                     : proto == CFG_PROTO_TCP ? 1518 : 64;
    if (f->pcap && proto == CFG_PROTO_TCP) {
        jp_key(path, fp, "pcap");
        return vh_diag_fail(ld->diag, path, "a replay re-sends a capture's "
                            "udp datagrams or icmp echo requests; a tcp "
                            "flow is a connection of its own");
    }
    if (f->pcap) {
        static const char *const theirs[] = {
            "size", "sport", "dport", "concurrent_flows",
        };
        for (size_t k = 0; k < sizeof theirs / sizeof *theirs; k++) {
            if (!ld_absent_or_null(o, theirs[k])) {
                jp_key(path, fp, theirs[k]);
                return vh_diag_fail(ld->diag, path, "'%s' cannot be "
                                    "combined with 'pcap': a replay takes "
                                    "its frames' sizes and ports from the "
                                    "capture", theirs[k]);
            }
        }
        if (pattern != CFG_PAT_CBR) {
            jp_key(path, fp, "pattern");
            return vh_diag_fail(ld->diag, path, "'pattern' cannot be "
                                "combined with 'pcap': a replay keeps the "
                                "capture's spacing, or spaces its frames "
                                "1/rate apart");
        }
    } else if (ld_absent_or_null(o, "rate") && !ld_flow_paced(f)) {
        return vh_diag_fail(ld->diag, fp, "missing required key 'rate' "
                            "(such as \"100kpps\" or \"1Gbps\"), or 'pcap' "
                            "to replay a capture");
    }
    if (!ld_int(ld, o, fp, "size", false, 64, 1518, size_reason, &size)) {
        return false;
    }
    if (f->family == 6 && !f->pcap && size < VH_IPV6_MIN_FRAME) {
        /* IPv6's header is 20 bytes longer than IPv4's: no UDP datagram
         * or echo fits in 64 bytes.  The smallest is sent, and counted. */
        size = VH_IPV6_MIN_FRAME;
    }
    f->size = (uint32_t) size;
    /* A bit rate for a replay counts the frames' mean size. */
    if (f->pcap && !ld_replay(ld, fp, f)) {
        return false;
    }
    if (!ld_absent_or_null(o, "rate")
        && !load_rate(ld, o, fp, f)) {
        return false;
    }

    long long count = 0, sport = 10000 + (long long) index, dport = 9;
    long long n_tuples = 1, burst = 32;
    if (!ld_int(ld, o, fp, "count", false, 1, MAX_EXACT, NULL, &count)
        || !ld_time(ld, o, fp, "duration", false, &f->duration)
        || !ld_time(ld, o, fp, "start", false, &f->start)
        || !ld_int(ld, o, fp, "sport", false, 1, 65535, NULL, &sport)
        || !ld_int(ld, o, fp, "dport", false, 1, 65535, NULL, &dport)
        || !ld_int(ld, o, fp, "concurrent_flows", false, 1, 1000000, NULL,
                   &n_tuples)) {
        return false;
    }
    /* 'burst' is the packets of a burst here; with rr, the transactions
     * outstanding (loader/scenario_xport.c). */
    if (pattern == CFG_PAT_BURST) {
        if (!ld_int(ld, o, fp, "burst", false, 1, 1000000, NULL, &burst)) {
            return false;
        }
        f->burst = (uint32_t) burst;
    } else if (pattern != CFG_PAT_RR && !ld_absent_or_null(o, "burst")) {
        jp_key(path, fp, "burst");
        return vh_diag_fail(ld->diag, path, "'burst' is the packets of "
                            "one burst of pattern \"burst\", or the "
                            "transactions outstanding of pattern \"rr\"; "
                            "this flow's pattern is \"%s\"",
                            patterns[pattern]);
    }
    f->count = (uint64_t) count;
    if (f->replay && f->count > f->replay->n) {
        jp_key(path, fp, "count");
        return vh_diag_fail(ld->diag, path, "%llu is more than the %zu "
                            "frames of '%s' that can be replayed", count,
                            f->replay->n, f->pcap);
    }
    if (!ld_absent_or_null(o, "duration")) {
        jp_key(path, fp, "duration");
        if (count) {
            return vh_diag_fail(ld->diag, path, "give either 'count' or "
                                "'duration', not both");
        }
        if (!f->duration) {
            return vh_diag_fail(ld->diag, path, "a flow's duration must be "
                                "more than zero");
        }
    }
    if (f->start >= sc->duration) {
        char a[32], b[32];
        jp_key(path, fp, "start");
        return vh_diag_fail(ld->diag, path, "the flow would start at %s, "
                            "when the run has ended (duration %s)",
                            vh_format_time(f->start, a, sizeof a),
                            vh_format_time(sc->duration, b, sizeof b));
    }
    char host[128];
    int published;
    if (ld_published_path(f->to, host, sizeof host, &published)
        && published > 0) {
        /* The packets go to the published port of the host. */
        if (!ld_absent_or_null(o, "dport") && dport != published) {
            jp_key(path, fp, "dport");
            return vh_diag_fail(ld->diag, path, "%lld is not the port '%s' "
                                "names; leave 'dport' out", dport, f->to);
        }
        dport = published;
    }
    if (proto == CFG_PROTO_ICMP) {
        const char *k = !ld_absent_or_null(o, "sport") ? "sport"
                        : !ld_absent_or_null(o, "dport") ? "dport"
                        : !ld_absent_or_null(o, "concurrent_flows")
                        ? "concurrent_flows" : NULL;
        if (k) {
            jp_key(path, fp, k);
            return vh_diag_fail(ld->diag, path, "'%s' applies only to udp "
                                "and tcp flows", k);
        }
    }
    if (sport > 65535) {
        return vh_diag_fail(ld->diag, fp, "the default source port 10000 + "
                            "%zu is too large; give 'sport'", index);
    }
    long long last_sport = sport + (n_tuples < CFG_TUPLE_SPORTS
                                    ? n_tuples : CFG_TUPLE_SPORTS) - 1;
    long long last_dport = dport + (n_tuples - 1) / CFG_TUPLE_SPORTS;
    if (last_sport > 65535 || last_dport > 65535) {
        jp_key(path, fp, "concurrent_flows");
        return vh_diag_fail(ld->diag, path, "%lld flows would take ports "
                            "past 65535 (source ports %lld..%lld, "
                            "destination ports %lld..%lld)", n_tuples,
                            sport, last_sport, dport, last_dport);
    }
    f->sport = (uint16_t) sport;
    f->dport = (uint16_t) dport;
    f->concurrent_flows = (uint32_t) n_tuples;
    return ld_flow_xport(ld, o, fp, f);
}

bool
ld_traffic(struct ld *ld, const cJSON *root)
{
    struct cfg_scenario *sc = ld->sc;
    const cJSON *arr;

    if (!ld_array_max(ld, root, "", "traffic", LD_MAX_FLOWS, "flows",
                      &arr)) {
        return false;
    }
    sc->n_flows = (size_t) cJSON_GetArraySize(arr);
    sc->flows = vh_xcalloc_lines(sc->n_flows, sizeof *sc->flows);
    size_t i = 0;
    for (const cJSON *o = arr ? arr->child : NULL; o; o = o->next, i++) {
        char fp[JP_LEN];
        jp_idx(fp, "traffic", i);
        if (!load_flow(ld, o, fp, i, &sc->flows[i])) {
            return false;
        }
    }
    return true;
}

bool
ld_captures(struct ld *ld, const cJSON *root)
{
    struct cfg_scenario *sc = ld->sc;
    const cJSON *arr;

    if (!ld_array(ld, root, "", "capture", &arr)) {
        return false;
    }
    sc->n_captures = (size_t) cJSON_GetArraySize(arr);
    sc->captures = ld_calloc(sc->n_captures, sizeof *sc->captures);
    size_t i = 0;
    for (const cJSON *o = arr ? arr->child : NULL; o; o = o->next, i++) {
        struct cfg_capture *c = &sc->captures[i];
        char cp[JP_LEN], path[JP_LEN];
        jp_idx(cp, "capture", i);
        c->jpath = ld_strdup(cp);
        if (!ld_is_object(ld, o, cp) || !ld_keys(ld, o, cp, &sch_capture)
            || !ld_str(ld, o, cp, "point", true, &c->point)
            || !ld_str(ld, o, cp, "file", true, &c->file)) {
            return false;
        }
        jp_key(path, cp, "file");
        if (!*c->file) {
            return vh_diag_fail(ld->diag, path, "the file name is empty");
        }
        /* pcapng by its name, unless "format" says. */
        size_t fl = strlen(c->file);
        int format = fl > 7 && !strcmp(c->file + fl - 7, ".pcapng");
        static const char *const formats[] = { "pcap", "pcapng" };
        if (!ld_enum(ld, o, cp, "format", "capture format", formats, 2,
                     &format)) {
            return false;
        }
        c->pcapng = format == 1;
        for (size_t k = 0; k < sc->n_flows; k++) {
            const struct cfg_replay *r = sc->flows[k].replay;
            if (r && vh_same_file(c->file, r->file)) {
                return vh_diag_fail(ld->diag, path, "'%s' is the capture "
                                    "flow '%s' replays; writing it would "
                                    "destroy it", c->file,
                                    sc->flows[k].name);
            }
        }
        for (size_t j = 0; j < i; j++) {
            const struct cfg_capture *o2 = &sc->captures[j];
            if (strcmp(o2->file, c->file)) {
                continue;
            }
            /* A pcapng file holds several points; a pcap file one. */
            if (!c->pcapng || !o2->pcapng) {
                return vh_diag_fail(ld->diag, path, "'%s' is already "
                                    "written by capture[%zu]%s", c->file, j,
                                    c->pcapng || o2->pcapng
                                    ? " in the other format" : " (a pcap "
                                    "file holds one capture point; pcapng "
                                    "holds several)");
            }
        }
    }
    return true;
}

/* An event's "set": keys as in variants, values kept as JSON text. */
static bool
load_event_set(struct ld *ld, const cJSON *o, const char *ep,
               struct cfg_event *e)
{
    char sp[JP_LEN], why[512];
    const cJSON *set = cJSON_GetObjectItemCaseSensitive(o, "set");

    jp_key(sp, ep, "set");
    if (!ld_is_object(ld, set, sp)) {
        return false;
    }
    e->n_set = (size_t) cJSON_GetArraySize(set);
    e->set_keys = ld_calloc(e->n_set, sizeof *e->set_keys);
    e->set_values = ld_calloc(e->n_set, sizeof *e->set_values);
    size_t i = 0;
    for (const cJSON *c = set->child; c; c = c->next, i++) {
        char kp[JP_LEN];
        jp_key(kp, sp, c->string);
        if (!ld_check_set_key(ld->root, c->string, why, sizeof why)) {
            return vh_diag_fail(ld->diag, kp, "%s", why);
        }
        e->set_keys[i] = ld_strdup(c->string);
        char *text = cJSON_PrintUnformatted(c);
        if (!text) {
            return vh_diag_fail(ld->diag, kp, "out of memory");
        }
        e->set_values[i] = ld_strdup(text);
        cJSON_free(text);
    }

    /* The scenario with the change made, loaded as a variant is, so a
     * value the field cannot take is refused before the run.  Without
     * its own events and variants: they do not nest. */
    cJSON *copy = cJSON_Duplicate(ld->root, true);
    if (!copy) {
        return vh_diag_fail(ld->diag, sp, "out of memory");
    }
    cJSON_DeleteItemFromObjectCaseSensitive(copy, "events");
    cJSON_DeleteItemFromObjectCaseSensitive(copy, "variants");
    for (const cJSON *c = set->child; c; c = c->next) {
        if (!ld_apply_one(copy, c->string, c, why, sizeof why)) {
            char kp[JP_LEN];
            jp_key(kp, sp, c->string);
            cJSON_Delete(copy);
            return vh_diag_fail(ld->diag, kp, "%s", why);
        }
    }
    struct vh_diag d;
    vh_diag_init(&d);
    e->set_trial = ld_load_tree(copy, ld->sc->file, false, true, &d);
    cJSON_Delete(copy);
    if (!e->set_trial) {
        return vh_diag_fail(ld->diag, sp, "the scenario with this change "
                            "does not load: %s", d.msg);
    }
    return true;
}

bool
ld_events(struct ld *ld, const cJSON *root)
{
    struct cfg_scenario *sc = ld->sc;
    const cJSON *arr;

    if (!ld_array(ld, root, "", "events", &arr)) {
        return false;
    }
    sc->n_events = (size_t) cJSON_GetArraySize(arr);
    sc->events = ld_calloc(sc->n_events, sizeof *sc->events);
    size_t i = 0;
    for (const cJSON *o = arr ? arr->child : NULL; o; o = o->next, i++) {
        struct cfg_event *e = &sc->events[i];
        char ep[JP_LEN], path[JP_LEN];
        int action = 0;
        jp_idx(ep, "events", i);
        e->jpath = ld_strdup(ep);
        if (!ld_is_object(ld, o, ep) || !ld_keys(ld, o, ep, &sch_event)
            || !ld_time(ld, o, ep, "at", true, &e->at)) {
            return false;
        }
        if (ld_absent_or_null(o, "action")) {
            return vh_diag_fail(ld->diag, ep, "missing required key "
                                "'action'");
        }
        if (!ld_enum(ld, o, ep, "action", "event action",
                     cfg_event_action_names, N_NAMES(cfg_event_action_names),
                     &action)) {
            return false;
        }
        e->action = (enum cfg_event_action) action;
        bool is_set = e->action == CFG_EV_SET;
        bool is_migrate = e->action == CFG_EV_MIGRATE;
        if (!ld_str(ld, o, ep, "target", !is_set, &e->target)
            || !ld_str(ld, o, ep, "to", is_migrate, &e->to)) {
            return false;
        }
        if (!is_migrate && e->to) {
            jp_key(path, ep, "to");
            return vh_diag_fail(ld->diag, path, "'to' applies only to the "
                                "migrate action");
        }
        /* Extension: the stop-and-copy downtime of a migration.  The
         * default is the 60 ms Clark et al. (NSDI 2005) measured for an
         * interactive server; see docs/scenarios.md. */
        e->downtime = 60 * VH_MS;
        if (!ld_absent_or_null(o, "downtime")) {
            if (!is_migrate) {
                jp_key(path, ep, "downtime");
                return vh_diag_fail(ld->diag, path, "'downtime' applies only "
                                    "to the migrate action");
            }
            if (!ld_time(ld, o, ep, "downtime", true, &e->downtime)) {
                return false;
            }
        }
        if (is_set != !ld_absent_or_null(o, "set")) {
            if (is_set) {
                return vh_diag_fail(ld->diag, ep, "missing required key "
                                    "'set' (the changes to make, as in "
                                    "variants)");
            }
            jp_key(path, ep, "set");
            return vh_diag_fail(ld->diag, path, "'set' applies only to the "
                                "set action");
        }
        if (is_set && !load_event_set(ld, o, ep, e)) {
            return false;
        }
        if (e->at >= sc->duration) {
            char a[32], b[32];
            jp_key(path, ep, "at");
            return vh_diag_fail(ld->diag, path, "%s is not before the end "
                                "of the run (duration %s)",
                                vh_format_time(e->at, a, sizeof a),
                                vh_format_time(sc->duration, b, sizeof b));
        }
    }
    return true;
}

bool
ld_costs(struct ld *ld, const cJSON *root)
{
    const cJSON *costs = cJSON_GetObjectItemCaseSensitive(root, "costs");
    char why[512];

    costs_defaults(&ld->sc->costs);
    if (!costs || cJSON_IsNull(costs)) {
        return true;
    }
    if (!ld_is_object(ld, costs, "costs")) {
        return false;
    }
    for (const cJSON *c = costs->child; c; c = c->next) {
        char path[JP_LEN], num[64];
        const char *value;
        jp_key(path, "costs", c->string);
        for (const cJSON *d = costs->child; d != c; d = d->next) {
            if (!strcmp(d->string, c->string)) {
                return vh_diag_fail(ld->diag, "costs", "key '%s' appears "
                                    "twice", c->string);
            }
        }
        if (cJSON_IsString(c)) {
            value = c->valuestring;
        } else if (cJSON_IsNumber(c)) {
            /* Budgets are plain numbers; for other costs the parser says
             * which unit is missing. */
            snprintf(num, sizeof num, "%.15g", c->valuedouble);
            value = num;
        } else {
            return vh_diag_fail(ld->diag, path, "expected a cost such as "
                                "\"1200cyc\" or \"250ns\", got %s",
                                ld_type_name(c));
        }
        if (costs_set(&ld->sc->costs, c->string, value, why, sizeof why)) {
            return vh_diag_fail(ld->diag, path, "%s", why);
        }
    }
    return true;
}
