/* models/endpoint/tcp.c: a TCP connection per flow, bulk or request/
 * response.
 *
 * Each end keeps its send side in 64-bit stream offsets (data byte k of
 * the stream is offset k; the FIN takes the offset after the last byte)
 * and turns them into 32-bit sequence numbers only on the wire, so a
 * long run wraps its sequence numbers as a real one does while the
 * bookkeeping never has to. */
#include "models/endpoint/tcp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "models/endpoint/offload.h"
#include "sim/rng.h"
#include "sim/tcpframe.h"
#include "sim/xmalloc.h"

#define TCP_INIT_CWND 10            /* Segments (RFC 6928). */
#define TCP_RTO_INIT VH_SEC         /* Before the first sample (RFC 6298). */
#define TCP_RTO_MIN (200 * VH_MS)   /* Linux's TCP_RTO_MIN. */
#define TCP_RTO_MAX (120 * VH_SEC)  /* Linux's TCP_RTO_MAX. */
#define TCP_DELACK (40 * VH_MS)     /* Linux's TCP_DELACK_MIN. */
#define TCP_TIMEOUT_MIN (2 * VH_MS) /* Linux's TCP_TIMEOUT_MIN. */
#define TCP_QUICKACKS 16            /* Linux's TCP_MAX_QUICKACKS. */
#define TCP_RCVBUF (3u << 20)       /* The window the receiver offers. */
#define TCP_WSCALE 7                /* Fits tcp_rmem's 6 MiB in 16 bits. */
#define TCP_OOO 64                  /* Out-of-order ranges kept. */
#define TCP_SACKED 64               /* SACKed ranges a sender keeps. */
#define TCP_RR_MAX 1024             /* Outstanding transactions. */
#define TCP_ENDLESS (UINT64_MAX / 4)    /* A stream without 'bytes'. */
#define TCP_SNDBUF (4u << 20)       /* tcp_wmem's largest send buffer: a
                                     * paced application's write blocks
                                     * while this much is not yet acked. */
/* With GSO, the largest segment TCP builds: tcp_xmit_size_goal's
 * gso_max_size (65536) less one, less MAX_TCP_HEADER (320 on x86-64). */
#define TCP_GSO_GOAL (65536 - 1 - 320)
/* TCP Small Queues (tcp_output.c's tcp_small_queue_check()): a socket
 * keeps at most max(2 segments, a 1024th of a second at its pacing rate)
 * handed down and not yet done by the device, and never more than
 * net.ipv4.tcp_limit_output_bytes (1 MiB from Linux 4.20 to 6.15). */
#define TSQ_LIMIT_MAX (1u << 20)
#define TSQ_PACING_SHIFT 10         /* sk_pacing_shift's default. */
/* tcp_update_pacing_rate(): the pacing rate is this share, in percent,
 * of cwnd per smoothed RTT: sysctl tcp_pacing_ss_ratio in slow start
 * (below half of ssthresh), tcp_pacing_ca_ratio after it. */
#define TSQ_PACING_SS_RATIO 200
#define TSQ_PACING_CA_RATIO 120
/* CUBIC's constants as tcp_cubic.c has them: beta 717/1024, C 0.4. */
#define CUBIC_BETA (717.0 / 1024.0)
#define CUBIC_C 0.4

enum tcp_state { TS_LISTEN, TS_SYN_SENT, TS_SYN_RCVD, TS_ESTABLISHED };

struct tcp_conn;

struct tcp_end {
    struct tcp_conn *c;
    struct endpoint *app;       /* The application (the flow's end). */
    struct endpoint *st;        /* Its stack. */
    bool client;
    enum tcp_state state;
    uint16_t lport, rport;
    uint32_t lip, rip;
    bool v6;                    /* Over IPv6, between these instead: */
    struct vh_ip6 lip6, rip6;

    /* Sending. */
    uint32_t iss;
    bool syn_acked;
    vh_time_t syn_sent;
    bool syn_resent;
    uint64_t una, nxt, max;     /* Stream offsets; the FIN counts one. */
    uint64_t written;           /* What the application has written. */
    bool fin_queued;
    uint32_t mss;               /* Payload per full segment. */
    uint32_t mss_offer;         /* The MSS its SYN announces. */
    uint64_t snd_wnd;           /* The peer's window, scaled, bytes. */
    bool ws_ok, ts_ok, sack_ok; /* Negotiated. */
    int snd_shift;              /* The peer's window scale. */
    uint32_t cwnd, ssthresh, cwnd_cnt;
    bool cwnd_limited;          /* The window, not the data, held the
                                 * last send back. */
    uint32_t dupacks;
    bool recovering;
    uint64_t recover;           /* 'max' when recovery began. */
    uint64_t sacked[TCP_SACKED][2]; /* The peer's SACKed ranges. */
    int n_sacked;
    uint64_t hi_sacked;         /* End of the highest; 'una' if none. */
    uint64_t rtx_next;          /* Recovery: holes below are resent. */
    vh_time_t srtt, rttvar, rto, min_rtt;
    bool timing;                /* One RTT sample per window. */
    uint64_t rtt_end;
    vh_time_t rtt_sent;
    struct vh_timer rto_timer;
    struct vh_timer probe;      /* The tail-loss probe's. */
    uint32_t ts_off;            /* Random offset of its timestamps. */
    vh_time_t tx_at;            /* When its last segment leaves TCP. */
    uint64_t uncounted;         /* Segments sent that the flow does not
                                 * count. */
    uint64_t out_hi;            /* One past the highest offset a segment
                                 * with data or FIN left from. */
    struct vh_tx_owner tsq;     /* Its bytes handed down and not yet done
                                 * by the device, in the qdisc or a TX ring
                                 * (sk_wmem_alloc). */
    bool tsq_throttled;         /* TSQ held the last send back. */
    bool tsq_queued;            /* A completion's resend is scheduled. */

    /* CUBIC (tcp_cubic.c's bictcp). */
    vh_time_t epoch;            /* 0: none since the last loss. */
    double last_max, k, origin, w_est;
    double ack_cnt;

    /* Receiving. */
    uint32_t irs;
    uint64_t rcv;               /* Next expected offset. */
    uint64_t rcv_acked;         /* 'rcv' in the last ACK sent. */
    uint64_t ooo[TCP_OOO][2];   /* Out-of-order ranges, sorted. */
    int n_ooo;
    uint64_t ooo_last;          /* Where the latest of them began. */
    bool fin_rcvd;
    int quick;                  /* Quick ACKs left. */
    bool pingpong;              /* Interactive: ACKs wait for a reply. */
    vh_time_t data_rx_at;       /* When data last came in. */
    struct vh_timer delack;
    uint32_t ts_recent;

    /* Its application. */
    uint64_t app_pending;       /* In order, not yet read. */
    bool app_reading;
    bool eof_seen;
    struct cpu_core *run_core;  /* Where the application runs now. */
    enum cpu_cat run_cat;
    uint64_t msg_rx;            /* rr: bytes of the message under way. */
};

struct tcp_conn {
    struct xport_stats xs;      /* First: the flow points here. */
    struct world *w;
    struct flow_stats *fs;
    struct tcp_end end[2];      /* Client, server. */
    bool rr;
    enum cfg_cc cc;
    vh_time_t stop;             /* The application stops here. */
    vh_time_t paced_from;       /* A paced stream: when its application
                                 * began writing. */
    uint64_t req, resp;         /* rr: message sizes, bytes. */
    vh_time_t started[TCP_RR_MAX];  /* rr: outstanding, oldest first. */
    uint32_t head, n_out;
};

static void tcp_push(struct tcp_end *, struct cpu_core *, enum cpu_cat);
static bool tsq_holds(struct tcp_end *, uint32_t len);
static void note_client(struct tcp_end *);

static struct cpu_core *
pkt_core(const struct tcp_end *e, const struct vh_packet *p)
{
    return cpu_exec_core(p, e->st->app_core);
}

static uint32_t
seq_of(const struct tcp_end *e, uint64_t off)
{
    return e->iss + 1 + (uint32_t) off;
}

static uint32_t
ack_of(const struct tcp_end *e)
{
    return e->irs + 1 + (uint32_t) e->rcv + (e->fin_rcvd ? 1 : 0);
}

/* The window field: what is left of the receive buffer. */
static uint16_t
adv_window(const struct tcp_end *e, bool syn)
{
    /* Linux never shrinks a window it offered; the application reads at
     * once, so the buffer's room stays whole. */
    uint64_t room = TCP_RCVBUF;
    if (syn) {
        /* Unscaled; Linux rounds it down to whole segments. */
        uint64_t w = room < 65535 ? room : 65535;
        return (uint16_t) (w - w % e->mss_offer);
    }
    uint64_t w = e->ws_ok ? room >> TCP_WSCALE : room;
    return (uint16_t) (w < 65535 ? w : 65535);
}

/* A segment leaves TCP for the stack's output.  A pure ACK that a later
 * segment of the same end overtook (one with data, carrying the same
 * acknowledgement) is not sent: Linux would have had it ride on that
 * segment. */
static void
tcp_out_ev(struct vh_sim *sim, void *obj, void *arg)
{
    struct tcp_end *e = obj;
    struct vh_packet *p = arg;
    struct vh_frame_info fi;
    struct vh_tcp_hdr h;
    if (!vh_frame_parse(p->data, p->len, &fi, false)
        && !vh_tcp_parse(p->data, p->len, &fi, &h, false)
        && !(h.flags & VH_TCP_SYN)) {
        uint64_t start = e->una + (uint32_t) (h.seq - seq_of(e, e->una));
        if (h.payload_len || (h.flags & VH_TCP_FIN)) {
            if (start + 1 > e->out_hi) {
                e->out_hi = start + 1;
            }
        } else if (e->out_hi > start) {
            acct_consume(world_of(sim), p, e->app->dev);
            return;
        }
    }
    endpoint_output(world_of(sim), e->st, p);
}

/* Sends one segment from offset 'off' ('len' payload bytes) with
 * 'flags', built on 'core' as 'cat'. */
static void
tcp_send(struct tcp_end *e, uint64_t off, uint32_t len, uint8_t flags,
         struct cpu_core *core, enum cpu_cat cat, bool again)
{
    struct tcp_conn *c = e->c;
    struct world *w = c->w;
    struct flow_stats *fs = c->fs;
    bool syn = flags & VH_TCP_SYN;
    struct vh_tcp_hdr h = {
        .sport = e->lport, .dport = e->rport,
        .seq = syn ? e->iss : seq_of(e, off),
        .flags = flags, .wscale = -1, .payload_len = len,
    };
    if (e->client ? e->state != TS_SYN_SENT : true) {
        h.flags |= VH_TCP_ACK;
        h.ack = ack_of(e);
    }
    h.win = adv_window(e, syn);
    if (syn) {
        bool peer_ws = e->client || e->ws_ok;
        h.mss = (uint16_t) e->mss_offer;
        h.wscale = peer_ws ? TCP_WSCALE : -1;
        h.sack_ok = e->client || e->sack_ok;
    }
    h.has_ts = (syn && e->client) || e->ts_ok;
    h.tsval = (uint32_t) (w->sim.now / VH_MS) + e->ts_off;
    h.tsecr = e->ts_recent;
    if (!syn && e->sack_ok && e->n_ooo) {
        /* The block of the latest segment first (RFC 2018), then the
         * others, highest first. */
        int first = e->n_ooo - 1;
        for (int i = 0; i < e->n_ooo; i++) {
            if (e->ooo[i][0] <= e->ooo_last && e->ooo_last < e->ooo[i][1]) {
                first = i;
            }
        }
        for (int k = -1; k < e->n_ooo && h.n_sack < VH_TCP_MAX_SACK; k++) {
            int i = k < 0 ? first : e->n_ooo - 1 - k;
            if (k >= 0 && i == first) {
                continue;
            }
            h.sack[h.n_sack][0] = e->irs + 1 + (uint32_t) e->ooo[i][0];
            h.sack[h.n_sack][1] = e->irs + 1 + (uint32_t) e->ooo[i][1];
            h.n_sack++;
        }
    }
    struct vh_ip_hdr_spec spec = {
        .src_mac = e->st->mac, .ip_src = e->lip, .ip_dst = e->rip,
        .ip_id = e->v6 ? 0 : e->st->next_ip_id++,
        .v6 = e->v6, .ip6_src = e->lip6, .ip6_dst = e->rip6,
    };
    struct vh_packet *p = vh_packet_alloc_room(&w->pool, len + 128);
    p->len = vh_build_tcp(p->data, &spec, &h, off);
    if (len > e->mss) {
        p->md.gso_size = (uint16_t) e->mss;     /* A super-frame. */
    }
    p->flow = world_flow_index(w, fs);
    p->born = w->sim.now;
    p->is_reply = !e->client;
    if (len) {
        /* The device tells the socket when it is done with the data. */
        p->owner = &e->tsq;
        p->owner_bytes = p->len;
        e->tsq.wmem += p->len;
    }
    p->exec = &core->srv;
    /* A stream counts the client's segments that take sequence space
     * (SYN, data, FIN), a super-frame as the MSS-sized frames it leaves
     * on the wire as; rr counts transactions.  The others are numbered
     * per end. */
    uint32_t segs = len > e->mss ? (len + e->mss - 1) / e->mss : 1;
    if (e->client && !c->rr && (len || (flags & (VH_TCP_SYN | VH_TCP_FIN)))) {
        p->counted = (uint8_t) segs;
        p->seq = fs->sent;
        fs->sent += segs;
    } else if (e->client && c->rr && len) {
        /* Numbered by the transaction its first byte's request is:
         * the client's stream is the requests, one after another. */
        p->seq = c->req ? off / c->req : 0;
        p->request = 1;
    } else {
        p->seq = e->uncounted++;
    }
    e->app->host->packets++;
    e->app->packets++;
    if (again) {
        c->xs.retransmits += segs;      /* As Linux's RetransSegs. */
    } else if (len && e->data_rx_at
               && w->sim.now - e->data_rx_at < TCP_DELACK) {
        /* A reply soon after a request: Linux's interactive (pingpong)
         * mode, where an ACK waits to ride on the next reply. */
        e->pingpong = true;
    }
    if (h.flags & VH_TCP_ACK) {
        vh_timer_cancel(&e->delack);
        e->rcv_acked = e->rcv;
        if (e->quick > 0) {
            e->quick--;
        }
    }
    /* A socket's segments leave in the order TCP built them (under the
     * socket's lock), whichever core built each. */
    vh_time_t t = endpoint_charge(w, e->app, core, COST_STACK_TX, cat, p);
    if (t < e->tx_at) {
        t = e->tx_at;
    }
    e->tx_at = t;
    vh_schedule_at(&w->sim, t, tcp_out_ev, e, p);
}

/* Arms the retransmission timer, and before it the probe timeout of
 * Linux's tail-loss probe (tcp_schedule_loss_probe): 2 SRTT without an
 * ACK, plus TCP_TIMEOUT_MIN when more than one segment is out, but plus
 * the minimum RTO when only one is, so that a receiver's delayed ACK of
 * a lone segment (a reply, a stream's last) comes first.  The probe
 * never comes after the retransmission timer: when it would not come
 * before it, the timer alone is armed (Linux probes at the timer's time
 * instead, and collapses the window one RTO later; vhsim at once). */
static void
arm_rto(struct tcp_end *e)
{
    vh_time_t now = e->c->w->sim.now;
    vh_timer_arm_at(&e->c->w->sim, &e->rto_timer, now + e->rto);
    bool one = e->max - e->una <= e->mss;       /* packets_out == 1 */
    vh_time_t pto = 2 * e->srtt + (one ? TCP_RTO_MIN : TCP_TIMEOUT_MIN);
    if (e->srtt && pto < e->rto) {
        vh_timer_arm_at(&e->c->w->sim, &e->probe, now + pto);
    } else {
        vh_timer_cancel(&e->probe);
    }
}

/* Adds [a, b) to the sorted ranges 'r' ('*n' of at most 'cap'), merged
 * with those it touches; when full, a new separate range is forgotten. */
static void
range_add(uint64_t (*r)[2], int *n, int cap, uint64_t a, uint64_t b)
{
    int i = 0;
    while (i < *n && r[i][1] < a) {
        i++;
    }
    if (i < *n && r[i][0] <= b) {
        if (a < r[i][0]) {
            r[i][0] = a;
        }
        if (b > r[i][1]) {
            r[i][1] = b;
        }
        while (i + 1 < *n && r[i + 1][0] <= r[i][1]) {
            if (r[i + 1][1] > r[i][1]) {
                r[i][1] = r[i + 1][1];
            }
            memmove(&r[i + 1], &r[i + 2], (size_t) (*n - i - 2) * sizeof r[0]);
            (*n)--;
        }
        return;
    }
    if (*n == cap) {
        return;
    }
    memmove(&r[i + 1], &r[i], (size_t) (*n - i) * sizeof r[0]);
    r[i][0] = a;
    r[i][1] = b;
    (*n)++;
}

/* Forgets the ranges, or their parts, below 'from'. */
static void
range_trim(uint64_t (*r)[2], int *n, uint64_t from)
{
    int k = 0;
    while (k < *n && r[k][1] <= from) {
        k++;
    }
    memmove(&r[0], &r[k], (size_t) (*n - k) * sizeof r[0]);
    *n -= k;
    if (*n && r[0][0] < from) {
        r[0][0] = from;
    }
}

/* SACKed bytes in [a, b). */
static uint64_t
sacked_in(const struct tcp_end *e, uint64_t a, uint64_t b)
{
    uint64_t n = 0;
    for (int i = 0; i < e->n_sacked; i++) {
        uint64_t lo = e->sacked[i][0] > a ? e->sacked[i][0] : a;
        uint64_t hi = e->sacked[i][1] < b ? e->sacked[i][1] : b;
        if (hi > lo) {
            n += hi - lo;
        }
    }
    return n;
}

/* The most payload one segment may carry when 'room' bytes of window
 * are free: one MSS, or with GSO as many whole segments as the room and
 * the size goal allow (Linux's tcp_mss_split_point; a retransmission of
 * a super-frame is one too, as tcp_retransmit_skb sends), never less
 * than one MSS. */
static uint32_t
seg_cap(const struct tcp_end *e, uint64_t room)
{
    if (!e->st->gso) {
        return e->mss;
    }
    uint32_t goal = TCP_GSO_GOAL / e->mss;
    if (goal > OFFLOAD_MAX_SEGS) {
        goal = OFFLOAD_MAX_SEGS;
    }
    uint64_t segs = room / e->mss < goal ? room / e->mss : goal;
    return (uint32_t) ((segs ? segs : 1) * e->mss);
}

/* Sends one segment of [off, off + left) of data, at most 'cap' bytes
 * (or the FIN at 'written'), as 'again' says; returns the sequence space
 * it took. */
static uint64_t
send_range(struct tcp_end *e, uint64_t off, uint64_t left, uint32_t cap,
           struct cpu_core *core, enum cpu_cat cat, bool again)
{
    if (off >= e->written) {
        tcp_send(e, off, 0, VH_TCP_FIN, core, cat, again);
        return 1;
    }
    if (left > e->written - off) {
        left = e->written - off;        /* The FIN goes on its own. */
    }
    uint32_t len = left < cap ? (uint32_t) left : cap;
    tcp_send(e, off, len, off + len == e->written ? VH_TCP_PSH : 0, core,
             cat, again);
    return len;
}

/* Loss recovery with the SACK scoreboard (RFC 6675): every byte not
 * SACKed below the highest SACKed one is taken for lost; the holes are
 * resent in order, then new data, while the data in the network (the
 * resent holes and what is beyond the highest SACK) leaves room in the
 * window. */
static void
recovery_push(struct tcp_end *e, struct cpu_core *core, enum cpu_cat cat)
{
    for (;;) {
        uint64_t hi = e->hi_sacked > e->una ? e->hi_sacked : e->una;
        uint64_t rn = e->rtx_next > e->una ? e->rtx_next : e->una;
        if (rn > hi) {
            rn = hi;
        }
        uint64_t pipe = (rn - e->una) - sacked_in(e, e->una, rn)
                        + (e->max - hi);
        if (pipe + e->mss > (uint64_t) e->cwnd * e->mss) {
            return;
        }
        /* The next hole at or after 'rn'. */
        uint64_t at = rn;
        for (int i = 0; i < e->n_sacked && at < hi; i++) {
            if (e->sacked[i][1] <= at) {
                continue;
            }
            if (e->sacked[i][0] > at) {
                break;
            }
            at = e->sacked[i][1];
        }
        if (at < hi) {
            uint64_t stop = hi;
            for (int i = 0; i < e->n_sacked; i++) {
                if (e->sacked[i][0] > at) {
                    stop = e->sacked[i][0];
                    break;
                }
            }
            uint64_t room = (uint64_t) e->cwnd * e->mss - pipe;
            e->rtx_next = at + send_range(e, at, stop - at, seg_cap(e, room),
                                          core, cat, true);
            e->timing = false;
            continue;
        }
        e->rtx_next = hi;
        /* No hole left: new data, as the peer's window allows. */
        uint64_t end = e->written + (e->fin_queued ? 1 : 0);
        if (e->nxt >= end || e->nxt - e->una + e->mss > e->snd_wnd) {
            return;
        }
        if (tsq_holds(e, e->mss)) {
            return;
        }
        uint64_t room = (uint64_t) e->cwnd * e->mss - pipe;
        uint64_t wroom = e->snd_wnd - (e->nxt - e->una);
        e->nxt += send_range(e, e->nxt, e->written - e->nxt,
                             seg_cap(e, room < wroom ? room : wroom), core,
                             cat, false);
        if (e->nxt > e->max) {
            e->max = e->nxt;
        }
    }
}

/* --- TCP Small Queues. --- */

/* The most the socket keeps below it before sending a segment of
 * 'frame' bytes. */
static uint64_t
tsq_limit(const struct tcp_end *e, uint32_t frame)
{
    uint64_t limit = TSQ_LIMIT_MAX;
    if (e->srtt) {
        uint64_t ratio = e->cwnd < e->ssthresh / 2 ? TSQ_PACING_SS_RATIO
                                                   : TSQ_PACING_CA_RATIO;
        uint64_t segs = e->cwnd;
        uint64_t out = (e->nxt - e->una) / e->mss;
        if (out > segs) {
            segs = out;
        }
        /* Bytes per second, then its 1024th. */
        double rate = (double) e->mss * (double) (ratio * segs) / 100.0
                      * (double) VH_SEC / (double) e->srtt;
        limit = rate < (double) (TSQ_LIMIT_MAX << TSQ_PACING_SHIFT)
                ? (uint64_t) rate >> TSQ_PACING_SHIFT : TSQ_LIMIT_MAX;
        if (limit < 2 * (uint64_t) frame) {
            limit = 2 * (uint64_t) frame;
        }
        if (limit > TSQ_LIMIT_MAX) {
            limit = TSQ_LIMIT_MAX;
        }
    }
    return limit;
}

/* Whether TSQ holds back new data of 'len' bytes now: too much is below
 * the socket, unless nothing of it waits for an ACK but what is below
 * (tcp_rtx_queue_empty_or_single_skb), so a stream never stalls. */
static bool
tsq_holds(struct tcp_end *e, uint32_t len)
{
    if (e->tsq.wmem <= tsq_limit(e, len + VH_ETH_HLEN + 40)
        || e->nxt == e->una) {
        return false;
    }
    e->tsq_throttled = true;
    return true;
}

static void
tsq_resume_ev(struct vh_sim *sim, void *obj, void *arg)
{
    struct tcp_end *e = obj;
    e->tsq_queued = false;
    /* tcp_tsq_handler(): in the softirq of the completion. */
    tcp_push(e, e->st->app_core, e->st->rx_cat);
    (void) sim;
    (void) arg;
}

/* The device is done with 'bytes' of the socket's: a socket TSQ held
 * back sends again, from a softirq, not from inside the device. */
static void
tsq_done(struct vh_tx_owner *o, uint32_t bytes)
{
    struct tcp_end *e = VH_CONTAINER_OF(o, struct tcp_end, tsq);
    (void) bytes;
    if (e->tsq_throttled && !e->tsq_queued) {
        e->tsq_throttled = false;
        e->tsq_queued = true;
        vh_schedule_at(&e->c->w->sim, e->c->w->sim.now, tsq_resume_ev, e,
                       NULL);
    }
}

/* Sends what the windows allow of what the application wrote. */
static void
tcp_push(struct tcp_end *e, struct cpu_core *core, enum cpu_cat cat)
{
    struct tcp_conn *c = e->c;
    if (e->state != TS_ESTABLISHED) {
        return;
    }
    if (e->recovering) {
        recovery_push(e, core, cat);
        if (!vh_timer_armed(&e->rto_timer) && e->una < e->max) {
            arm_rto(e);
        }
        return;
    }
    for (;;) {
        uint64_t end = e->written + (e->fin_queued ? 1 : 0);
        if (e->nxt >= end) {
            e->cwnd_limited = false;
            return;
        }
        uint64_t flight = e->nxt - e->una;
        uint64_t cwnd_bytes = (uint64_t) e->cwnd * e->mss;
        uint64_t wnd = cwnd_bytes < e->snd_wnd ? cwnd_bytes : e->snd_wnd;
        bool again = e->nxt < e->max;
        uint32_t len = 0, used = 1;
        uint8_t flags = VH_TCP_FIN;
        if (e->nxt < e->written) {
            uint64_t left = e->written - e->nxt;
            len = left < e->mss ? (uint32_t) left : e->mss;
            if (!again) {
                uint64_t flight0 = e->nxt - e->una;
                uint32_t cap = seg_cap(e, wnd > flight0 ? wnd - flight0 : 0);
                len = left < cap ? (uint32_t) left : cap;
            }
            used = len;
            flags = e->nxt + len == e->written ? VH_TCP_PSH : 0;
        }
        if (flight && flight + used > wnd) {
            e->cwnd_limited = cwnd_bytes <= e->snd_wnd;
            return;
        }
        if (!again && len && tsq_holds(e, len)) {
            /* Held below: the window is not what limits it. */
            e->cwnd_limited = false;
            return;
        }
        if (!again && len && e->client && !c->rr) {
            /* The application's write of these bytes, one call per
             * segment's worth, as a UDP sender's one per datagram
             * (however many segments leave as one super-frame). */
            for (uint32_t n = 0; n < len; n += e->mss) {
                endpoint_charge(c->w, e->app, e->app->app_core, COST_SYSCALL,
                                e->app->app_cat, NULL);
            }
        }
        tcp_send(e, e->nxt, len, flags, core, cat, again);
        e->nxt += used;
        if (e->nxt > e->max) {
            e->max = e->nxt;
        }
        if (!again && !e->timing) {
            e->timing = true;
            e->rtt_end = e->nxt;
            e->rtt_sent = c->w->sim.now;
        }
        if (!vh_timer_armed(&e->rto_timer)) {
            arm_rto(e);
        }
    }
}

/* --- Congestion control. --- */

/* The slow-start threshold after a loss: half the window for Reno,
 * beta of it for CUBIC. */
static uint32_t
cc_decrease(struct tcp_end *e)
{
    if (e->c->cc == CFG_CC_RENO) {
        return e->cwnd / 2 > 2 ? e->cwnd / 2 : 2;
    }
    e->epoch = 0;
    /* Fast convergence: a flow whose window shrank since its last loss
     * gives way to newer flows. */
    if (e->cwnd < e->last_max) {
        e->last_max = e->cwnd * (1.0 + CUBIC_BETA) / 2.0;
    } else {
        e->last_max = e->cwnd;
    }
    uint32_t s = (uint32_t) (e->cwnd * CUBIC_BETA);
    return s > 2 ? s : 2;
}

static uint32_t
cc_ssthresh(struct tcp_end *e)
{
    uint32_t s = cc_decrease(e);
    struct xport_stats *x = &e->c->xs;
    if (e->client && !x->loss_cwnd) {
        x->loss_cwnd = e->cwnd;
        x->loss_ssthresh = s;
    }
    return s;
}

/* Additive increase: one segment per 'per' segments ACKed
 * (tcp_cong_avoid_ai). */
static void
cc_ai(struct tcp_end *e, uint32_t per, uint32_t acked)
{
    if (e->cwnd_cnt >= per) {
        e->cwnd_cnt = 0;
        e->cwnd++;
    }
    e->cwnd_cnt += acked;
    if (e->cwnd_cnt >= per) {
        uint32_t d = e->cwnd_cnt / per;
        e->cwnd_cnt -= d * per;
        e->cwnd += d;
    }
}

/* RFC 8312's window: how many ACKed segments per one more (bictcp_update). */
static uint32_t
cubic_cnt(struct tcp_end *e, uint32_t acked)
{
    vh_time_t now = e->c->w->sim.now;
    double cwnd = e->cwnd;
    if (!e->epoch) {
        e->epoch = now;
        e->ack_cnt = acked;
        e->w_est = cwnd;
        if (e->last_max <= cwnd) {
            e->k = 0;
            e->origin = cwnd;
        } else {
            e->k = cbrt((e->last_max - cwnd) / CUBIC_C);
            e->origin = e->last_max;
        }
    } else {
        e->ack_cnt += acked;
    }
    /* Where the window should be one minimum RTT from now. */
    double t = (double) (now - e->epoch + e->min_rtt) / (double) VH_SEC;
    double target = e->origin + CUBIC_C * pow(t - e->k, 3.0);
    double cnt = target > cwnd ? cwnd / (target - cwnd) : 100.0 * cwnd;
    if (e->last_max == 0 && cnt > 20) {
        cnt = 20;               /* No loss yet: grow at least 5% a RTT. */
    }
    /* The TCP-friendly region: never slower than Reno with beta 0.7
     * would grow, 3(1-beta)/(1+beta) segments per window. */
    double per = cwnd / (3.0 * (1.0 - CUBIC_BETA) / (1.0 + CUBIC_BETA));
    while (e->ack_cnt > per) {
        e->ack_cnt -= per;
        e->w_est += 1;
    }
    if (e->w_est > cwnd) {
        double m = cwnd / (e->w_est - cwnd);
        if (cnt > m) {
            cnt = m;
        }
    }
    return cnt < 2 ? 2 : (uint32_t) cnt;
}

static void
cc_on_ack(struct tcp_end *e, uint32_t acked)
{
    if (e->cwnd < e->ssthresh) {
        /* Slow start: one segment more per segment ACKed. */
        uint32_t n = e->cwnd + acked;
        if (n > e->ssthresh) {
            n = e->ssthresh;
        }
        acked -= n - e->cwnd;
        e->cwnd = n;
        if (!acked) {
            return;
        }
    }
    cc_ai(e, e->c->cc == CFG_CC_RENO ? e->cwnd : cubic_cnt(e, acked),
          acked);
}

static void
rtt_sample(struct tcp_end *e, vh_time_t r)
{
    if (!e->srtt) {
        e->srtt = r;
        e->rttvar = r / 2;
    } else {
        vh_time_t d = e->srtt > r ? e->srtt - r : r - e->srtt;
        e->rttvar = (3 * e->rttvar + d) / 4;
        e->srtt = (7 * e->srtt + r) / 8;
    }
    vh_time_t var = 4 * e->rttvar > TCP_RTO_MIN ? 4 * e->rttvar
                                                : TCP_RTO_MIN;
    e->rto = e->srtt + var < TCP_RTO_MAX ? e->srtt + var : TCP_RTO_MAX;
    if (!e->min_rtt || r < e->min_rtt) {
        e->min_rtt = r;
    }
}

static void
rto_fire(struct vh_sim *sim, void *obj, void *arg)
{
    struct tcp_end *e = obj;
    struct cpu_core *core = e->st->app_core;
    enum cpu_cat cat = e->st->rx_cat;
    (void) sim;
    (void) arg;
    e->rto = 2 * e->rto < TCP_RTO_MAX ? 2 * e->rto : TCP_RTO_MAX;
    if (!e->syn_acked) {
        if (e->state == TS_SYN_SENT || e->state == TS_SYN_RCVD) {
            e->syn_resent = true;
            tcp_send(e, 0, 0, VH_TCP_SYN, core, cat, true);
            arm_rto(e);
        }
        return;
    }
    if (e->una >= e->max) {
        return;
    }
    /* Everything in flight is taken for lost: go back to the first
     * unacknowledged byte with one segment. */
    e->ssthresh = cc_ssthresh(e);
    e->cwnd = 1;
    e->cwnd_cnt = 0;
    e->recovering = false;
    e->dupacks = 0;
    e->recover = e->max;
    e->nxt = e->una;
    e->n_sacked = 0;
    e->hi_sacked = e->una;
    e->timing = false;
    tcp_push(e, core, cat);
    note_client(e);
}

/* No ACK for a while with data out: the tail of what was sent is lost
 * with nothing after it to tell (RFC 8985).  Linux probes with one
 * segment and its SACK shows RACK what was lost; here everything not
 * SACKed is taken for lost at once, which is where the probe leads. */
static void
probe_fire(struct vh_sim *sim, void *obj, void *arg)
{
    struct tcp_end *e = obj;
    (void) sim;
    (void) arg;
    if (!e->syn_acked || e->una >= e->max) {
        return;
    }
    if (!e->recovering) {
        e->ssthresh = cc_ssthresh(e);
        e->cwnd = e->ssthresh;
        e->recover = e->max;
        e->recovering = true;
    }
    /* Not even what recovery sent again was ACKed: it is lost too. */
    e->rtx_next = e->una;
    e->hi_sacked = e->max;
    tcp_push(e, e->st->app_core, e->st->rx_cat);
    note_client(e);
}

/* --- Receiving. --- */

static void tcp_app_data(struct tcp_end *, struct cpu_core *, enum cpu_cat);

static void
send_ack(struct tcp_end *e, struct cpu_core *core, enum cpu_cat cat)
{
    tcp_send(e, e->nxt, 0, 0, core, cat, false);
}

static void
delack_fire(struct vh_sim *sim, void *obj, void *arg)
{
    struct tcp_end *e = obj;
    (void) sim;
    (void) arg;
    e->pingpong = false;        /* No reply came in time. */
    send_ack(e, e->st->app_core, e->st->rx_cat);
}

static void
tcp_data(struct tcp_end *e, const struct vh_tcp_hdr *h,
         struct cpu_core *core, enum cpu_cat cat)
{
    bool fin = h->flags & VH_TCP_FIN;
    int32_t d = (int32_t) (h->seq - (e->irs + 1 + (uint32_t) e->rcv));
    if (e->fin_rcvd) {
        send_ack(e, core, cat);             /* A retransmitted FIN. */
        return;
    }
    if (d > 0) {
        /* A hole before it: keep it, and say so at once, and ACK every
         * segment until it is filled (Linux's quick ACK mode). */
        e->quick = TCP_QUICKACKS;
        if (h->payload_len) {
            e->ooo_last = e->rcv + (uint64_t) d;
            range_add(e->ooo, &e->n_ooo, TCP_OOO, e->ooo_last,
                      e->ooo_last + h->payload_len);
        }
        send_ack(e, core, cat);
        return;
    }
    uint64_t old = (uint64_t) -(int64_t) d;
    if (old >= h->payload_len && !(fin && old == h->payload_len)) {
        e->quick = TCP_QUICKACKS;
        send_ack(e, core, cat);             /* All of it seen before. */
        return;
    }
    bool filled = e->n_ooo > 0;
    uint64_t before = e->rcv;
    e->rcv += h->payload_len - old;
    while (e->n_ooo && e->ooo[0][0] <= e->rcv) {
        if (e->ooo[0][1] > e->rcv) {
            e->rcv = e->ooo[0][1];
        }
        memmove(&e->ooo[0], &e->ooo[1],
                (size_t) (e->n_ooo - 1) * sizeof e->ooo[0]);
        e->n_ooo--;
    }
    if (fin && e->rcv == before + h->payload_len - old) {
        e->fin_rcvd = true;
    }
    e->app_pending += e->rcv - before;
    if (e->quick == 0 && before == 0 && e->rcv_acked == 0) {
        e->quick = TCP_QUICKACKS;           /* The connection's first data. */
    }
    e->data_rx_at = e->c->w->sim.now;
    if (e->fin_rcvd || filled || (e->quick > 0 && !e->pingpong)
        || e->rcv - e->rcv_acked > e->mss) {
        send_ack(e, core, cat);
    } else if (!vh_timer_armed(&e->delack)) {
        vh_timer_arm_at(&e->c->w->sim, &e->delack,
                        e->c->w->sim.now + TCP_DELACK);
    }
    tcp_app_data(e, core, cat);
}

/* Takes the segment at 'una' for lost, as if what follows it were
 * SACKed. */
static void
mark_first_lost(struct tcp_end *e)
{
    uint64_t left = e->max - e->una;
    e->hi_sacked = e->una + (left < e->mss ? left : e->mss);
}

static void
tcp_ack(struct tcp_end *e, const struct vh_tcp_hdr *h)
{
    struct tcp_conn *c = e->c;
    uint64_t wnd = e->ws_ok ? (uint64_t) h->win << e->snd_shift : h->win;
    uint32_t d = h->ack - seq_of(e, e->una);
    if (d > e->max - e->una) {
        return;                 /* Old, or for what was never sent. */
    }
    bool same_wnd = wnd == e->snd_wnd;
    e->snd_wnd = wnd;
    /* What the peer holds beyond a hole. */
    bool news = false;
    for (int i = 0; i < h->n_sack; i++) {
        uint64_t a = e->una + (uint32_t) (h->sack[i][0] - seq_of(e, e->una));
        uint64_t b = e->una + (uint32_t) (h->sack[i][1] - seq_of(e, e->una));
        if (a < b && b <= e->max && a >= e->una + d) {
            uint64_t before = sacked_in(e, a, b);
            range_add(e->sacked, &e->n_sacked, TCP_SACKED, a, b);
            news |= sacked_in(e, a, b) > before;
            if (b > e->hi_sacked) {
                e->hi_sacked = b;
            }
        }
    }
    if (d > 0) {
        uint32_t acked = (d + e->mss - 1) / e->mss;
        e->una += d;
        range_trim(e->sacked, &e->n_sacked, e->una);
        if (e->hi_sacked < e->una) {
            e->hi_sacked = e->una;
        }
        if (e->nxt < e->una) {
            e->nxt = e->una;
        }
        if (e->timing && e->una >= e->rtt_end) {
            rtt_sample(e, c->w->sim.now - e->rtt_sent);
            e->timing = false;
        }
        e->dupacks = 0;
        if (e->recovering && e->una >= e->recover) {
            e->recovering = false;      /* All that was lost is back. */
            e->cwnd = e->ssthresh;
        } else if (e->recovering && e->hi_sacked <= e->una) {
            /* A partial ACK with nothing SACKed beyond: the next segment
             * is lost too (NewReno's rule, RFC 6582). */
            mark_first_lost(e);
        } else if (!e->recovering && e->cwnd_limited) {
            cc_on_ack(e, acked);
        }
        if (e->una < e->max) {
            arm_rto(e);
        } else {
            vh_timer_cancel(&e->rto_timer);
            vh_timer_cancel(&e->probe);
        }
    } else if (!h->payload_len && !(h->flags & VH_TCP_FIN) && same_wnd
               && e->una < e->max) {
        e->dupacks++;
        arm_rto(e);             /* The peer is still answering. */
    }
    /* Fast retransmit: three duplicate ACKs, or as much SACKed (the
     * DupThresh of RFC 6675), once per window of data. */
    if (!e->recovering && e->una >= e->recover && e->una < e->max
        && (e->dupacks >= 3
            || (news && sacked_in(e, e->una, e->max)
                        >= 3 * (uint64_t) e->mss))) {
        e->ssthresh = cc_ssthresh(e);
        e->cwnd = e->ssthresh;
        e->recover = e->max;
        e->recovering = true;
        e->rtx_next = e->una;
        if (e->hi_sacked <= e->una) {
            mark_first_lost(e);     /* Duplicate ACKs without SACK. */
        }
    }
}

/* The options of the peer's SYN or SYN-ACK 'h'. */
static void
take_syn(struct tcp_end *e, const struct vh_tcp_hdr *h)
{
    e->irs = h->seq;
    e->ts_ok = h->has_ts;
    e->sack_ok = h->sack_ok;
    e->ws_ok = h->wscale >= 0;
    e->snd_shift = e->ws_ok ? h->wscale : 0;
    uint32_t peer = h->mss ? h->mss : 536;
    uint32_t m = peer < e->mss_offer ? peer : e->mss_offer;
    e->mss = m - (e->ts_ok ? VH_TCP_TS_OPTLEN : 0);
    e->snd_wnd = h->win;        /* A SYN's window is never scaled. */
    e->ts_recent = h->tsval;
}

static void tcp_app_start(struct tcp_end *);

static void
tcp_segment(struct tcp_end *e, const struct vh_tcp_hdr *h,
            struct cpu_core *core, enum cpu_cat cat)
{
    struct tcp_conn *c = e->c;
    if (h->flags & VH_TCP_RST) {
        return;
    }
    if (h->has_ts && e->ts_ok) {
        e->ts_recent = h->tsval;
    }
    switch (e->state) {
    case TS_LISTEN:
        if (!(h->flags & VH_TCP_SYN) || (h->flags & VH_TCP_ACK)) {
            return;
        }
        take_syn(e, h);
        e->state = TS_SYN_RCVD;
        e->syn_sent = c->w->sim.now;
        tcp_send(e, 0, 0, VH_TCP_SYN, core, cat, false);
        arm_rto(e);
        return;
    case TS_SYN_RCVD:
        if (h->flags & VH_TCP_SYN) {
            tcp_send(e, 0, 0, VH_TCP_SYN, core, cat, true);    /* Lost. */
            return;
        }
        if (!(h->flags & VH_TCP_ACK) || h->ack != e->iss + 1) {
            return;
        }
        e->syn_acked = true;
        e->state = TS_ESTABLISHED;
        vh_timer_cancel(&e->rto_timer);
        if (!e->syn_resent) {
            rtt_sample(e, c->w->sim.now - e->syn_sent);
        }
        break;
    case TS_SYN_SENT:
        if ((h->flags & (VH_TCP_SYN | VH_TCP_ACK))
            != (VH_TCP_SYN | VH_TCP_ACK) || h->ack != e->iss + 1) {
            return;
        }
        take_syn(e, h);
        e->syn_acked = true;
        e->state = TS_ESTABLISHED;
        vh_timer_cancel(&e->rto_timer);
        if (!e->syn_resent) {
            rtt_sample(e, c->w->sim.now - e->syn_sent);
        }
        send_ack(e, core, cat);
        tcp_app_start(e);
        return;
    case TS_ESTABLISHED:
        if (h->flags & VH_TCP_SYN) {
            send_ack(e, core, cat);     /* Our ACK of it was lost. */
            return;
        }
        break;
    }
    if (h->flags & VH_TCP_ACK) {
        tcp_ack(e, h);
    }
    if (h->payload_len || (h->flags & VH_TCP_FIN)) {
        tcp_data(e, h, core, cat);
    }
    tcp_push(e, core, cat);
}

/* What the report shows of the client's sender, kept current. */
static void
note_client(struct tcp_end *e)
{
    struct tcp_end *cl = &e->c->end[0];
    e->c->xs.srtt = cl->srtt;
    e->c->xs.min_rtt = cl->min_rtt;
    e->c->xs.cwnd = cl->cwnd;
}

static void
tcp_rx_ev(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct tcp_end *e = obj;
    struct vh_packet *p = arg;
    struct vh_frame_info fi;
    struct vh_tcp_hdr h;
    if (vh_frame_parse(p->data, p->len, &fi, false)
        || vh_tcp_parse(p->data, p->len, &fi, &h, false)) {
        acct_drop(w, p, e->st->dev, "malformed");
        return;
    }
    if (e->state == TS_LISTEN && fi.is_ipv4
        && (h.flags & (VH_TCP_SYN | VH_TCP_ACK)) == VH_TCP_SYN) {
        /* accept(): the peer is where the SYN came from, as it arrived;
         * through NAT, the host's address and port, not the client's. */
        e->lip = fi.ip_dst;
        e->rip = fi.ip_src;
        e->lport = h.dport;
        e->rport = h.sport;
    }
    struct cpu_core *core = pkt_core(e, p);
    if (p->counted) {
        /* A segment of the stream, or GRO's merge of several: the frames
         * they were on the wire, each with its own headers and FCS. */
        uint32_t hdrs = VH_ETH_HLEN + (h.payload_off - fi.l3_off)
                        + VH_ETH_FCS;
        uint64_t wire = (uint64_t) p->counted * hdrs + h.payload_len;
        uint64_t least = VH_ETH_MIN_FRAME + VH_ETH_FCS;
        acct_deliver_wire(w, p, e->app->dev, wire > least ? wire : least);
    } else {
        acct_consume(w, p, e->app->dev);
    }
    tcp_segment(e, &h, core, e->st->rx_cat);
    note_client(e);
}

void
tcp_input(struct world *w, struct endpoint *st, struct vh_packet *p,
          const struct vh_frame_info *fi, struct cpu_core *core, vh_time_t t)
{
    struct flow_stats *fs = p->flow >= 0 && (size_t) p->flow < w->n_flows
                            ? &w->flows[p->flow] : NULL;
    struct tcp_conn *c = fs && fs->xport && fs->xport->tcp
                         ? (struct tcp_conn *) fs->xport : NULL;
    (void) fi;
    if (!c) {
        /* No socket: Linux would answer with a reset. */
        acct_drop(w, p, st->dev, "no-socket");
        return;
    }
    struct tcp_end *e = &c->end[p->is_reply ? 0 : 1];
    vh_time_t done = endpoint_charge(w, e->app, core, COST_TCP_INPUT,
                                     st->rx_cat, p);
    vh_schedule_at(&w->sim, done > t ? done : t, tcp_rx_ev, e, p);
}

/* --- The applications: a bulk stream, or request/response. --- */

static struct cpu_core *
app_core(const struct tcp_end *e, struct cpu_core *rx)
{
    return e->app->app_rx ? e->app->app_core : rx;
}

/* The application writes 'n' bytes (one send call). */
static void
app_write(struct tcp_end *e, uint64_t n)
{
    struct world *w = e->c->w;
    endpoint_charge(w, e->app, e->run_core, COST_SYSCALL, e->run_cat, NULL);
    e->written += n;
}

static bool
app_may_start(const struct tcp_conn *c)
{
    const struct cfg_flow *cf = c->fs->cfg;
    return c->w->sim.now < c->stop && (!cf->count || c->fs->sent < cf->count);
}

/* rr: the client starts a transaction. */
static void
rr_request(struct tcp_conn *c)
{
    struct tcp_end *e = &c->end[0];
    c->started[(c->head + c->n_out) % TCP_RR_MAX] = c->w->sim.now;
    c->n_out++;
    c->fs->sent++;
    app_write(e, c->req);
}

static void
app_read_ev(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct tcp_end *e = obj;
    struct tcp_conn *c = e->c;
    struct flow_stats *fs = c->fs;
    uint64_t n = e->app_pending;
    (void) arg;
    e->app_pending = 0;
    e->app_reading = false;
    if (!c->rr) {
        if (!e->client && n) {
            c->xs.goodput_bytes += n;
            c->xs.last_goodput = w->sim.now;
            /* The frames that brought them, and any before. */
            c->xs.goodput_frames = fs->delivered;
            c->xs.goodput_wire = fs->bytes_delivered;
        }
    } else if (!e->client) {
        /* The server answers each whole request. */
        e->msg_rx += n;
        while (e->msg_rx >= c->req) {
            e->msg_rx -= c->req;
            app_write(e, c->resp);
        }
    } else {
        e->msg_rx += n;
        c->xs.goodput_bytes += n;
        c->xs.last_goodput = w->sim.now;
        while (e->msg_rx >= c->resp && c->n_out) {
            e->msg_rx -= c->resp;
            vh_time_t t0 = c->started[c->head];
            c->head = (c->head + 1) % TCP_RR_MAX;
            c->n_out--;
            fs->delivered++;
            vh_hist_add(&fs->latency, (w->sim.now - t0) / VH_NS);
            if (fs->delivered == 1) {
                fs->first_delivered = w->sim.now;
            }
            fs->last_delivered = w->sim.now;
            c->xs.transactions++;
            c->xs.last_transaction = w->sim.now;
            if (app_may_start(c)) {
                rr_request(c);
            }
        }
    }
    if (e->fin_rcvd && !e->eof_seen) {
        e->eof_seen = true;
        e->fin_queued = true;   /* The server closes after end of file. */
    }
    tcp_push(e, e->run_core, e->run_cat);
}

/* In-order data (or the FIN) is waiting: the application's blocked read
 * returns it. */
static void
tcp_app_data(struct tcp_end *e, struct cpu_core *core, enum cpu_cat cat)
{
    if (e->app_reading || (!e->app_pending && !e->fin_rcvd)
        || e->eof_seen) {
        return;
    }
    e->app_reading = true;
    struct world *w = e->c->w;
    /* The application runs where its receive call does: on its own core
     * when it is a process of its own, else where the stack ran; what it
     * sends in answer goes from there too. */
    e->run_core = app_core(e, core);
    e->run_cat = e->app->app_rx ? e->app->app_cat : cat;
    /* Blocked in its read since the last one returned: woken. */
    endpoint_app_wake(w, e->st, e->app, core, e->run_core, e->run_cat,
                      w->sim.now, NULL);
    vh_time_t t = endpoint_charge(w, e->app, e->run_core, COST_SYSCALL,
                                  e->run_cat, NULL);
    e->app->recv_done = t;
    vh_schedule_at(&w->sim, t, app_read_ev, e, NULL);
}

/* The application's stop time: a stream closes after what it wrote (an
 * unpaced one, always ahead of TCP, after what TCP has sent of it). */
static void
app_stop(struct vh_sim *sim, void *obj, void *arg)
{
    struct tcp_conn *c = obj;
    struct tcp_end *e = &c->end[0];
    (void) sim;
    (void) arg;
    if (!c->rr && e->state == TS_ESTABLISHED && !e->fin_queued) {
        if (!c->fs->cfg->app_bps) {
            e->written = e->max;
        }
        e->fin_queued = true;
        tcp_push(e, e->app->app_core, e->app->tx_cat);
    }
}

static void app_pace_ev(struct vh_sim *, void *, void *);

/* A paced stream's application ('rate', as iperf3's -b) writes its next
 * segment's worth when its rate has allowed it: t after it began, it has
 * written at most the rate's t of payload. */
static void
app_pace_next(struct tcp_conn *c)
{
    struct tcp_end *e = &c->end[0];
    const struct cfg_flow *cf = c->fs->cfg;
    uint64_t left = (cf->bytes ? cf->bytes : TCP_ENDLESS) - e->written;
    uint64_t n = e->written + (left < e->mss ? left : e->mss);
    double s = (double) n * 8.0 / cf->app_bps;
    vh_time_t at = c->paced_from + (vh_time_t) llround(s * (double) VH_SEC);
    /* Behind after a full buffer: at once, catching up. */
    vh_schedule_at(&c->w->sim, at > c->w->sim.now ? at : c->w->sim.now,
                   app_pace_ev, c, NULL);
}

/* That write, until its 'bytes' or its stop. */
static void
app_pace_ev(struct vh_sim *sim, void *obj, void *arg)
{
    struct tcp_conn *c = obj;
    struct tcp_end *e = &c->end[0];
    const struct cfg_flow *cf = c->fs->cfg;
    uint64_t total = cf->bytes ? cf->bytes : TCP_ENDLESS;
    (void) arg;
    if (e->fin_queued || sim->now >= c->stop) {
        return;
    }
    if (e->written - e->una >= TCP_SNDBUF) {
        /* The socket's buffer is full (the path carries less than the
         * rate): the write blocks, and is tried again a segment's time
         * at the rate later; the rate's schedule then catches up, as
         * iperf3's -b does, within what the buffer takes. */
        vh_time_t slot = (vh_time_t) llround((double) e->mss * 8.0
                                             / cf->app_bps
                                             * (double) VH_SEC);
        vh_schedule_at(sim, sim->now + (slot ? slot : 1), app_pace_ev, c,
                       NULL);
        return;
    }
    uint64_t n = total - e->written;
    e->written += n < e->mss ? n : e->mss;
    if (e->written == total) {
        e->fin_queued = true;
    } else {
        app_pace_next(c);
    }
    tcp_push(e, e->app->app_core, e->app->tx_cat);
}

/* The client is connected: its application begins. */
static void
tcp_app_start(struct tcp_end *e)
{
    struct tcp_conn *c = e->c;
    const struct cfg_flow *cf = c->fs->cfg;
    if (!c->rr) {
        bool late = c->w->sim.now >= c->stop;   /* Connected too late. */
        if (cf->app_bps && !late) {
            c->paced_from = c->w->sim.now;
            app_pace_next(c);
            return;
        }
        e->written = late ? 0 : cf->bytes ? cf->bytes : TCP_ENDLESS;
        e->fin_queued = late || cf->bytes != 0;
    } else {
        uint32_t n = cf->burst ? cf->burst : 1;
        for (uint32_t i = 0; i < n && app_may_start(c); i++) {
            rr_request(c);
        }
    }
    tcp_push(e, e->app->app_core, e->app->tx_cat);
}

/* The message a rr flow's frame of 'size' bytes carries over TCP with
 * timestamps: at least one byte. */
static uint64_t
rr_message(uint32_t size)
{
    uint32_t hdrs = VH_ETH_FCS + VH_ETH_HLEN + VH_IPV4_HLEN + VH_TCP_HLEN
                    + VH_TCP_TS_OPTLEN;
    return size > hdrs ? size - hdrs : 1;
}

static void
tcp_open_ev(struct vh_sim *sim, void *obj, void *arg)
{
    struct tcp_conn *c = obj;
    struct tcp_end *e = &c->end[0];
    (void) arg;
    e->state = TS_SYN_SENT;
    e->syn_sent = sim->now;
    /* The connect() call, then the SYN from the application's core. */
    endpoint_charge(c->w, e->app, e->app->app_core, COST_SYSCALL,
                    e->app->app_cat, NULL);
    tcp_send(e, 0, 0, VH_TCP_SYN, e->app->app_core, e->app->tx_cat, false);
    arm_rto(e);
}

static void
end_init(struct tcp_conn *c, struct tcp_end *e, struct endpoint *app,
         bool client, struct vh_rng *rng)
{
    const struct cfg_flow *cf = c->fs->cfg;
    e->c = c;
    e->app = app;
    e->st = endpoint_stack(app);
    e->client = client;
    e->state = client ? TS_SYN_SENT : TS_LISTEN;
    e->iss = (uint32_t) vh_rng_next(rng);
    e->ts_off = (uint32_t) vh_rng_next(rng);
    e->cwnd = TCP_INIT_CWND;
    e->ssthresh = UINT32_MAX;   /* Slow start until the first loss. */
    e->rto = TCP_RTO_INIT;
    /* A stream's frames are at most 'size' bytes; rr's at most the
     * interface's MTU. */
    uint32_t frame = c->rr ? e->st->mtu + VH_ETH_HLEN + VH_ETH_FCS
                           : cf->size;
    e->v6 = cf->family == 6;
    e->mss_offer = e->v6 ? vh_tcp6_mss_for(frame, e->st->mtu)
                         : vh_tcp_mss_for(frame, e->st->mtu);
    e->mss = e->mss_offer - VH_TCP_TS_OPTLEN;
    e->run_core = app->app_core;
    e->run_cat = app->app_cat;
    vh_timer_init(&e->rto_timer, rto_fire, e);
    vh_timer_init(&e->probe, probe_fire, e);
    vh_timer_init(&e->delack, delack_fire, e);
    e->tsq.done = tsq_done;
}

void
tcp_start(struct world *w, struct flow_stats *fs)
{
    const struct cfg_flow *cf = fs->cfg;
    struct tcp_conn *c = vh_xcalloc(1, sizeof *c);
    world_keep(w, c);
    c->w = w;
    c->fs = fs;
    c->xs.tcp = true;
    c->rr = cf->pattern == CFG_PAT_RR;
    c->xs.rr = c->rr;
    c->cc = cf->cc;
    c->req = rr_message(cf->size);
    c->resp = rr_message(cf->response_size ? cf->response_size : cf->size);
    c->stop = cf->duration ? cf->start + cf->duration : VH_TIME_NEVER;
    fs->xport = &c->xs;

    char stream[256];
    struct vh_rng rng;
    snprintf(stream, sizeof stream, "tcp/%s", cf->name);
    vh_rng_seed(&rng, w->cfg->seed, stream);
    end_init(c, &c->end[0], fs->src, true, &rng);
    end_init(c, &c->end[1], fs->dst, false, &rng);
    struct tcp_end *a = &c->end[0], *b = &c->end[1];
    /* Two applications of one stack talk over loopback. */
    bool lo = a->st == b->st;
    a->lip = lo ? 0x7f000001u : a->st->ip;
    a->rip = lo ? 0x7f000001u : fs->dst_ip;
    b->lip = lo ? 0x7f000001u : b->st->ip;
    b->rip = lo ? 0x7f000001u : a->st->ip;
    if (cf->family == 6) {
        static const struct vh_ip6 loopback6 = { { [15] = 1 } };
        a->lip6 = lo ? loopback6 : a->st->ip6;
        a->rip6 = lo ? loopback6 : fs->dst_ip6;
        b->lip6 = lo ? loopback6 : b->st->ip6;
        b->rip6 = lo ? loopback6 : a->st->ip6;
    }
    a->lport = b->rport = cf->sport;
    a->rport = b->lport = cf->dport;
    vh_schedule_at(&w->sim, cf->start, tcp_open_ev, c, NULL);
    if (c->stop < w->end) {
        vh_schedule_at(&w->sim, c->stop, app_stop, c, NULL);
    }
}

