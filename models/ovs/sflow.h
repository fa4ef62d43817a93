/* models/ovs/sflow.h: sFlow version 5 datagrams, byte-exact.
 *
 * sFlow watches traffic by sampling rather than by counting every flow.
 * The switch (the "agent") does two cheap things:
 *
 *   - packet sampling: one packet in N, chosen at random, has its first
 *     bytes (here up to 128) copied into a flow sample, along with N and
 *     the number of packets the sampler has seen (the "sample pool");
 *   - counter polling: every polling interval (say 20 s) each interface's
 *     standard counters (octets, packets, errors...) go out in a counter
 *     sample.
 *
 * Samples are batched into UDP datagrams to a "collector" on port 6343,
 * which multiplies each sampled packet by N to estimate the traffic: a
 * flow of P packets yields about P/N samples, so big flows, the ones that
 * matter, are seen accurately (the relative error falls as 1/sqrt(P/N)).
 * The switch's work per packet is a counter decrement and it keeps no
 * per-flow state, and the collector's load follows N, not the link speed:
 * that is why sampling scales where per-flow accounting (NetFlow's
 * caches) does not.  Counter samples give the exact totals beside it.
 *
 * On the wire (sFlow.org's "sFlow Version 5", XDR): every field is a
 * big-endian 32-bit word or a 64-bit pair of them, and variable-length
 * data is a length word followed by the bytes padded to a multiple of
 * four.  A datagram is a header and a list of samples; each sample and
 * each record in it is a "data format" word (enterprise << 12 | format)
 * followed by a length word, so a collector can skip what it does not
 * know.
 *
 *   datagram header (28 bytes): version 5, agent address type 1 (IPv4),
 *     agent address, sub-agent id, sequence number, uptime in ms,
 *     number of samples;
 *   flow sample (0:1): sequence number, source id (type 0 << 24 |
 *     ifIndex), sampling rate, sample pool, drops, input and output
 *     ifIndex, one record: raw packet header (0:1) of protocol 1
 *     (Ethernet), original frame length with FCS, bytes stripped (the
 *     4 of the FCS), header length and header bytes;
 *   counter sample (0:2): sequence number, source id, one record:
 *     generic interface counters (0:1), the IF-MIB's ifTable row.
 *
 * Building: sflow_dgram_begin() writes the header into a caller's buffer,
 * each sflow_dgram_add_*() appends one sample (and keeps the sample count
 * in the header right, so the buffer is a valid datagram after every
 * call), sflow_dgram_end() gives its length.  A datagram never grows
 * beyond SFLOW_DGRAM_MAX bytes (OVS's own limit), so with its IPv4 and UDP
 * headers it fits a 1500-byte MTU; an add that would not fit returns
 * false and writes nothing, and the caller sends what it has and begins
 * the next datagram. */
#ifndef VH_MODELS_OVS_SFLOW_H
#define VH_MODELS_OVS_SFLOW_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/frame.h"

#define SFLOW_PORT 6343
#define SFLOW_VERSION 5
#define SFLOW_ADDR_IPV4 1

#define SFLOW_DGRAM_MAX 1400        /* Bytes of UDP payload at most. */
#define SFLOW_DGRAM_HLEN 28
#define SFLOW_HEADER_MAX 128        /* Sampled header bytes by default. */
/* The most header bytes a flow sample may ask for: what one flow sample
 * carries in a datagram of its own, SFLOW_DGRAM_MAX less the datagram
 * header and the sample's 64 fixed bytes. */
#define SFLOW_HEADER_LIMIT (SFLOW_DGRAM_MAX - SFLOW_DGRAM_HLEN - 64)

/* Data formats: enterprise 0 (sFlow.org) << 12 | format. */
#define SFLOW_FLOW_SAMPLE 1
#define SFLOW_COUNTER_SAMPLE 2
#define SFLOW_REC_RAW_HEADER 1      /* Flow record. */
#define SFLOW_REC_IF_COUNTERS 1     /* Counter record. */
#define SFLOW_HDRPROTO_ETHERNET 1

/* Kinds of data source, the top byte of a source id. */
#define SFLOW_SOURCE_IFINDEX 0      /* An interface, by ifIndex. */
#define SFLOW_SOURCE_ENTITY 2       /* A physical entity: OVS's one
                                     * sampler per bridge. */

/* The interface of a flow sample, when it is not an ifIndex. */
#define SFLOW_IF_UNKNOWN 0x3fffffff
#define SFLOW_IF_DROPPED(REASON) (1u << 30 | (REASON))  /* Output. */

/* Generic interface counters' fixed values. */
#define SFLOW_IFTYPE_ETHERNET 6     /* ethernetCsmacd. */
#define SFLOW_IFDIR_FULL_DUPLEX 1
#define SFLOW_IFSTATUS_ADMIN_UP 0x1
#define SFLOW_IFSTATUS_OPER_UP 0x2

/* Bytes an Ethernet/IPv4/UDP frame carrying a datagram may need, with an
 * 802.1Q tag. */
#define SFLOW_FRAME_MAX (VH_ETH_HLEN + VH_VLAN_HLEN + VH_IPV4_HLEN \
                         + VH_UDP_HLEN + SFLOW_DGRAM_MAX)

/* One sampled packet.  'frame' is the whole frame as the model holds it
 * (no FCS); its first 'header_max' bytes (SFLOW_HEADER_MAX if 0) go into
 * the sample. */
struct sflow_flow_sample {
    uint32_t seq;               /* Of this source's flow samples. */
    uint32_t source_class;      /* SFLOW_SOURCE_*; 0, an interface. */
    uint32_t source_ifindex;    /* The sampler's interface, or its index
                                 * in its 'source_class'. */
    uint32_t sampling_rate;     /* N of 1-in-N. */
    uint32_t sample_pool;       /* Packets the sampler has seen. */
    uint32_t drops;             /* Samples lost for lack of resources. */
    uint32_t input_ifindex;     /* Or SFLOW_IF_UNKNOWN. */
    uint32_t output_ifindex;    /* Or SFLOW_IF_UNKNOWN, SFLOW_IF_DROPPED. */
    const uint8_t *frame;
    uint32_t frame_len;
    uint32_t header_max;        /* At most SFLOW_HEADER_LIMIT; 0 for
                                 * SFLOW_HEADER_MAX. */
};

/* One interface's counters, the IF-MIB ifTable and ifXTable fields of the
 * generic interface counters record. */
struct sflow_if_counters {
    uint32_t ifindex;
    uint32_t iftype;            /* SFLOW_IFTYPE_ETHERNET. */
    uint64_t ifspeed;           /* Bits per second. */
    uint32_t ifdirection;       /* SFLOW_IFDIR_FULL_DUPLEX. */
    uint32_t ifstatus;          /* SFLOW_IFSTATUS_* bits. */
    uint64_t in_octets;
    uint32_t in_ucast, in_mcast, in_bcast;
    uint32_t in_discards, in_errors, in_unknown_protos;
    uint64_t out_octets;
    uint32_t out_ucast, out_mcast, out_bcast;
    uint32_t out_discards, out_errors;
    uint32_t promiscuous;       /* 1 if in promiscuous mode, else 0. */
};

/* A datagram being built in 'buf'. */
struct sflow_dgram {
    uint8_t *buf;
    size_t cap;                 /* min(buffer size, SFLOW_DGRAM_MAX). */
    size_t len;
    uint32_t n_samples;
    size_t n_samples_off;       /* Where the sample count lies in 'buf'. */
};

/* Starts a datagram in 'buf' ('cap' bytes, at least SFLOW_DGRAM_HLEN)
 * from agent 'agent_ip' (IPv4, host order).  'seq' counts the agent's
 * datagrams from 1; 'uptime_ms' is the agent's time since boot. */
void sflow_dgram_begin(struct sflow_dgram *, uint8_t *buf, size_t cap,
                       uint32_t agent_ip, uint32_t sub_agent, uint32_t seq,
                       uint32_t uptime_ms);

/* Appends a flow sample with its raw packet header record.  Returns false,
 * writing nothing, if it would not fit. */
bool sflow_dgram_add_flow(struct sflow_dgram *,
                          const struct sflow_flow_sample *);

/* Appends a counter sample of interface 'c->ifindex' (which is also its
 * source), 'seq' counting that source's counter samples.  Returns false,
 * writing nothing, if it would not fit. */
bool sflow_dgram_add_counters(struct sflow_dgram *, uint32_t seq,
                              const struct sflow_if_counters *c);

/* Rewrites the header's sequence number and uptime.  An agent adds
 * samples as they come and stamps the datagram as it sends it, as the
 * sFlow reference agent (and so OVS) does: the uptime is the sending
 * time, and a datagram that never leaves uses no number. */
void sflow_dgram_stamp(struct sflow_dgram *, uint32_t seq,
                       uint32_t uptime_ms);

/* The datagram's length in bytes; 'buf' holds it. */
size_t sflow_dgram_end(const struct sflow_dgram *);

/* Builds into 'buf' (SFLOW_FRAME_MAX bytes) the Ethernet/IPv4/UDP frame
 * that carries 'd' from UDP port 'sport' to the collector at
 * 'spec->ip_dst', port SFLOW_PORT, with checksums.  Returns the frame
 * length. */
uint32_t sflow_build_frame(uint8_t *buf, const struct vh_ip_hdr_spec *spec,
                           uint16_t sport, const struct sflow_dgram *d);

#endif /* models/ovs/sflow.h */
