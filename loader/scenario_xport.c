/* loader/scenario_xport.c: a flow's transport keys, for TCP streams and
 * request/response (models/endpoint/tcp.h, rr.h):
 *
 *   traffic[].bytes           tcp stream: bytes to send, then FIN
 *   traffic[].cc              tcp: "cubic" (default) or "reno"
 *   traffic[].response_size   rr: the reply's frame size (default 'size')
 *   traffic[].burst           rr: transactions outstanding (default 1);
 *                             pattern burst: see scenario_traffic.c
 *
 * A TCP stream and a request/response flow pace themselves (by their
 * windows, by their replies): 'rate' is not required of them.  Given to
 * a TCP stream, it caps what the application writes, in payload bits
 * per second, as iperf3's -b does (a packet rate is refused); a
 * request/response flow ignores it. */
#include "loader/scenario_priv.h"

#include <string.h>

#include "sim/units.h"

/* JSON numbers are doubles: whole numbers are exact up to 2^53. */
#define MAX_EXACT 9007199254740992LL

/* The smallest frame of a TCP stream: 48 payload bytes (Linux's
 * tcp_min_snd_mss) behind 12 bytes of timestamps and 58 of headers and
 * FCS. */
#define TCP_MIN_FRAME 118

bool
ld_flow_paced(const struct cfg_flow *f)
{
    return f->proto == CFG_PROTO_TCP || f->pattern == CFG_PAT_RR;
}

static bool
only_for(struct ld *ld, const cJSON *o, const char *fp, const char *key,
         bool ok, const char *what)
{
    char path[JP_LEN];
    if (ok || ld_absent_or_null(o, key)) {
        return true;
    }
    jp_key(path, fp, key);
    return vh_diag_fail(ld->diag, path, "'%s' applies only to %s", key,
                        what);
}

bool
ld_flow_xport(struct ld *ld, const cJSON *o, const char *fp,
              struct cfg_flow *f)
{
    static const char *const ccs[] = { "cubic", "reno" };
    static const char size_reason[] = "64 bytes is Ethernet's minimum "
        "frame and 1518 the largest untagged frame without jumbo frames, "
        "both counting the FCS";
    char path[JP_LEN];
    bool tcp = f->proto == CFG_PROTO_TCP;
    bool rr = f->pattern == CFG_PAT_RR;
    bool stream = tcp && !rr;

    if (rr && f->proto == CFG_PROTO_ICMP) {
        jp_key(path, fp, "pattern");
        return vh_diag_fail(ld->diag, path, "'rr' applies to udp and tcp "
                            "flows; an icmp flow is already request and "
                            "reply (echo)");
    }
    if (tcp && (f->pattern == CFG_PAT_POISSON
                || f->pattern == CFG_PAT_BURST)) {
        jp_key(path, fp, "pattern");
        return vh_diag_fail(ld->diag, path, "a tcp stream is paced by its "
                            "windows, not by a pattern; \"rr\" makes it "
                            "request/response");
    }
    if (!only_for(ld, o, fp, "bytes", stream, "tcp streams (not rr)")
        || !only_for(ld, o, fp, "cc", tcp, "tcp flows")
        || !only_for(ld, o, fp, "response_size", rr, "the rr pattern")
        || !only_for(ld, o, fp, "burst", rr || f->pattern == CFG_PAT_BURST,
                     "the patterns burst (packets per burst) and rr "
                     "(transactions outstanding)")) {
        return false;
    }
    if (tcp && f->concurrent_flows > 1) {
        jp_key(path, fp, "concurrent_flows");
        return vh_diag_fail(ld->diag, path, "a tcp flow is one connection; "
                            "give several flows for several");
    }
    if (stream && !ld_absent_or_null(o, "count")) {
        jp_key(path, fp, "count");
        return vh_diag_fail(ld->diag, path, "a tcp stream sends 'bytes' "
                            "(or for a 'duration'), not a count of "
                            "packets");
    }
    long long bytes = 0, resp = f->size, burst = 1;
    int cc = CFG_CC_CUBIC;
    if (!ld_int(ld, o, fp, "bytes", false, 1, MAX_EXACT, NULL, &bytes)
        || !ld_enum(ld, o, fp, "cc", "congestion control", ccs,
                    N_NAMES(ccs), &cc)
        || !ld_int(ld, o, fp, "response_size", false, 64, 1518,
                   size_reason, &resp)) {
        return false;
    }
    if (rr && !ld_int(ld, o, fp, "burst", false, 1, 1024, "the "
                      "transactions a client keeps outstanding", &burst)) {
        return false;
    }
    if (bytes && !ld_absent_or_null(o, "duration")) {
        jp_key(path, fp, "bytes");
        return vh_diag_fail(ld->diag, path, "give either 'bytes' or "
                            "'duration', not both");
    }
    if (stream && f->size < TCP_MIN_FRAME) {
        jp_key(path, fp, "size");
        return vh_diag_fail(ld->diag, path, "%u is too small for a tcp "
                            "stream's frames: they carry at least 48 bytes "
                            "(Linux's tcp_min_snd_mss) behind 70 bytes of "
                            "headers, timestamps and FCS, so at least %d",
                            f->size, TCP_MIN_FRAME);
    }
    if (stream && !ld_absent_or_null(o, "rate")) {
        /* scenario_traffic.c has read it: a string that parses. */
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "rate");
        double pps = 0, bps = 0;
        char why[256];
        vh_parse_rate(v->valuestring, &pps, &bps, why, sizeof why);
        if (pps) {
            jp_key(path, fp, "rate");
            return vh_diag_fail(ld->diag, path, "a tcp stream's rate caps "
                                "the bits its application writes, as "
                                "iperf3's -b; give bits per second, such "
                                "as \"1Gbps\", not \"%s\"",
                                v->valuestring);
        }
        f->app_bps = bps;
    }
    f->bytes = (uint64_t) bytes;
    f->cc = (enum cfg_cc) cc;
    if (f->family == 6 && resp < VH_IPV6_MIN_FRAME) {
        resp = VH_IPV6_MIN_FRAME;
    }
    f->response_size = (uint32_t) resp;
    if (rr) {
        f->burst = (uint32_t) burst;
    }
    return true;
}
