/* models/endpoint/tcp.h: one TCP connection per flow, on real headers.
 *
 * A flow with proto "tcp" is a connection from its source (the client,
 * as netperf) to its destination, where a listening socket is implied
 * (netserver's).  The client opens it at the flow's start with the
 * three-way handshake, offering what Linux offers: MSS, SACK-permitted,
 * timestamps and window scale.  Then, for a bulk stream, it sends
 * 'bytes' (or until the flow's 'duration' or the run's end), written by
 * its application as fast as TCP takes them or, with a 'rate', a
 * segment's payload at a time no faster than that (iperf3's -b), and
 * closes with FIN; for pattern "rr" it exchanges requests and responses
 * (models/endpoint/rr.h counts them).
 *
 * The sender follows Linux's choices where the RFCs leave room:
 *   - initial window 10 segments (RFC 6928, TCP_INIT_CWND); slow start
 *     grows the window by the segments each ACK covers (RFC 3465 with
 *     L unbounded, as tcp_slow_start);
 *   - congestion avoidance "reno" (one segment per window of ACKed
 *     segments) or "cubic" (RFC 8312, C = 0.4, beta = 0.7, fast
 *     convergence and the TCP-friendly region, as tcp_cubic.c; without
 *     HyStart);
 *   - fast retransmit on the third duplicate ACK and NewReno recovery
 *     (RFC 6582) with window inflation; SACK blocks are sent by the
 *     receiver but the sender recovers without a scoreboard;
 *   - the tail-loss probe (RFC 8985, as tcp_schedule_loss_probe): no
 *     ACK for 2 SRTT + 2 ms with several segments out, 2 SRTT + 200 ms
 *     with one, never later than the retransmission timer;
 *   - the retransmission timer of RFC 6298 with Linux's bounds: RTO =
 *     SRTT + max(4 RTTVAR, 200 ms), 1 s before the first sample,
 *     doubled on each expiry up to 120 s; an expiry goes back to the
 *     first unacknowledged byte with a window of one segment.  RTT is
 *     sampled once per window (Karn: never on a retransmission);
 *   - no Nagle delay (as with TCP_NODELAY): a short segment leaves at
 *     once.
 * The receiver ACKs every second full segment (more than one MSS
 * unacknowledged), at once for the first 16 segments (quick ACKs), for
 * out-of-order data (a duplicate ACK with SACK blocks) and for FIN; else
 * after the 40 ms delayed-ACK timer.  Its window is a fixed 3 MiB
 * receive buffer (half of tcp_rmem's 6 MiB maximum: tcp_adv_win_scale 1
 * keeps the other half for overhead), without autotuning, announced with
 * window scale 7; the application reads at once.
 *
 * Segments are counted like a UDP flow's packets: for a stream, 'sent'
 * is every segment the client sends that takes sequence space (SYN,
 * data, retransmissions, FIN), a super-frame as the frames it is on the
 * wire, and 'delivered' those that reached the server's TCP; the
 * server's segments and the client's pure ACKs are not counted (as a
 * ping's replies are not), but a drop of one is still counted at the
 * device that dropped it. */
#ifndef VH_MODELS_TCP_H
#define VH_MODELS_TCP_H 1

#include <stdint.h>

#include "sim/frame.h"
#include "sim/time.h"

struct world;
struct endpoint;
struct flow_stats;
struct cpu_core;
struct vh_packet;

/* What a TCP or rr flow adds to the report. */
struct xport_stats {
    bool tcp;
    bool rr;
    uint64_t goodput_bytes;     /* Application bytes delivered in order. */
    vh_time_t last_goodput;     /* When the last of them was. */
    uint64_t goodput_frames;    /* A stream: the flow's 'delivered' then, */
    uint64_t goodput_wire;      /* and their bytes on the wire (the
                                 * throughput over the goodput's time). */
    uint64_t retransmits;       /* Segments the sender sent again. */
    vh_time_t srtt, min_rtt;    /* The client's, at the end. */
    uint32_t cwnd;              /* The client's, in segments, at the end. */
    uint32_t loss_cwnd;         /* The client's window at its first loss, */
    uint32_t loss_ssthresh;     /* and the threshold it set (0: none). */
    uint64_t transactions;      /* rr: completed. */
    vh_time_t last_transaction;
};

/* Opens flow 'fs''s connection at its start. */
void tcp_start(struct world *, struct flow_stats *fs);

/* The stack 'st' received TCP segment 'p' (parsed as 'fi') on 'core',
 * its IPv4 receive done there by 't'.  Takes 'p'. */
void tcp_input(struct world *, struct endpoint *st, struct vh_packet *p,
               const struct vh_frame_info *fi, struct cpu_core *core,
               vh_time_t t);

#endif /* models/endpoint/tcp.h */
