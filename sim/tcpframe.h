/* sim/tcpframe.h: building and parsing TCP segments on real headers.
 *
 * A segment is Ethernet [+802.1Q] + IPv4 (DF set, as Linux sends TCP with
 * path MTU discovery) or IPv6 + TCP with options, its checksums
 * computed (over IPv6's pseudo-header for IPv6).  The
 * options are laid out as Linux's tcp_options_write() lays them out, so
 * a capture reads as one taken on a Linux host:
 *
 *   SYN, SYN-ACK:  MSS, SACK-permitted, timestamps, NOP, window scale
 *                  (20 bytes; without SACK-permitted the timestamps are
 *                  preceded by two NOPs)
 *   others:        NOP, NOP, timestamps (12 bytes), then any SACK blocks
 *                  as NOP, NOP, SACK
 *
 * The payload is a pattern derived from each byte's place in the stream
 * ('stream_off', the offset of the first payload byte), so that a
 * retransmission carries the same bytes as the original. */
#ifndef VH_TCPFRAME_H
#define VH_TCPFRAME_H 1

#include <stdbool.h>
#include <stdint.h>

#include "sim/frame.h"

#define VH_TCP_HLEN 20
#define VH_TCP_TS_OPTLEN 12         /* NOP, NOP, timestamps. */
#define VH_TCP_MAX_SACK 3           /* Blocks that fit beside timestamps. */

#define VH_TCP_FIN 0x01
#define VH_TCP_SYN 0x02
#define VH_TCP_RST 0x04
#define VH_TCP_PSH 0x08
#define VH_TCP_ACK 0x10

/* One TCP header, host order. */
struct vh_tcp_hdr {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t win;               /* As on the wire (not scaled). */

    /* Options: SYN-only ones are written only on a SYN. */
    uint16_t mss;               /* 0: none. */
    int8_t wscale;              /* -1: none. */
    bool sack_ok;
    bool has_ts;
    uint32_t tsval, tsecr;
    uint8_t n_sack;             /* SACK blocks, [start, end). */
    uint32_t sack[VH_TCP_MAX_SACK][2];

    uint32_t payload_len;
    uint16_t hdr_len;           /* Parsed: header with options. */
    uint16_t payload_off;       /* Parsed: from the frame's start. */
};

/* Builds the segment 'h' with 'h->payload_len' payload bytes whose first
 * is byte 'stream_off' of the stream.  Returns the frame length (padded
 * to the Ethernet minimum). */
uint32_t vh_build_tcp(uint8_t *buf, const struct vh_ip_hdr_spec *,
                      const struct vh_tcp_hdr *h, uint64_t stream_off);

/* Parses the TCP header of the IPv4 or IPv6 frame 'frame' already parsed into
 * 'fi' (its l4_off and lengths).  Returns 0, or -1 when the header is
 * truncated or inconsistent, or with 'verify', when the checksum is
 * wrong. */
int vh_tcp_parse(const uint8_t *frame, uint32_t len,
                 const struct vh_frame_info *fi, struct vh_tcp_hdr *out,
                 bool verify);

/* The payload a segment carries at most when its frame (FCS included)
 * is at most 'frame_size' bytes and its IPv4 packet at most 'mtu', with
 * the 12 bytes of timestamps every segment after the SYN carries; and
 * the MSS the SYN announces (the same without the timestamps, as
 * Linux's tcp_mss_clamp does not count options). */
uint32_t vh_tcp_mss_for(uint32_t frame_size, uint32_t mtu);

/* The same over IPv6, whose header is 20 bytes longer: 1440 for an MTU
 * of 1500 (RFC 8200's 1280 minimum MTU is never reached). */
uint32_t vh_tcp6_mss_for(uint32_t frame_size, uint32_t mtu);

/* Segmentation offload (TSO, GSO): segment 'i' of the TCP super-frame
 * 'super' (parsed as 'fi', its TCP header 'h'), cut at 'mss' payload
 * bytes, written to 'out' as Linux's tcp_gso_segment writes it: the same
 * headers with the sequence number advanced, the IPv4 ID one more per
 * segment, FIN and PSH on the last segment only, CWR on the first only,
 * both checksums computed.  Returns the frame length.  The segments are
 * ceil(h->payload_len / mss). */
uint32_t vh_tcp_gso_segment(uint8_t *out, const uint8_t *super,
                            const struct vh_frame_info *fi,
                            const struct vh_tcp_hdr *h, uint32_t mss,
                            uint32_t i);

/* Receive offload (GRO): whether segment 'seg' (parsed 'sfi', 'sh') may
 * be appended to the held frame whose TCP header is 'hh', as
 * tcp_gro_receive decides: same addresses and ports, the next sequence
 * number, the same ACK, window and options, no flag but ACK and PSH, and
 * the held frame not ended by a short or PSH segment nor past 'max'
 * bytes of IPv4 packet once grown. */
bool vh_tcp_gro_can_merge(const uint8_t *held, const struct vh_frame_info *hfi,
                          const struct vh_tcp_hdr *hh, uint32_t held_len,
                          const uint8_t *seg, const struct vh_frame_info *sfi,
                          const struct vh_tcp_hdr *sh, uint32_t max);

/* Writes the IPv4 total length, the PSH flag (of the last segment
 * merged) and both checksums of a frame grown by GRO to 'len' bytes. */
void vh_tcp_gro_finish(uint8_t *frame, uint32_t len,
                       const struct vh_frame_info *fi, bool psh);

#endif /* sim/tcpframe.h */
