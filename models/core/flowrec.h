/* models/core/flowrec.h: NetFlow v5 and IPFIX export packets, byte-exact.
 *
 * A flow exporter (models/core/flowexp.h) keeps one cache entry per flow
 * and, when an entry expires, turns it into a flow record: the flow's
 * addresses, ports and protocol, its input and output interfaces, how many
 * packets and bytes it carried and when its first and last packets were
 * seen.  Records travel to the collector in UDP datagrams of one of two
 * formats.
 *
 * NetFlow v5 (Cisco's fixed format, which Open vSwitch sends): a 24-byte
 * header (version 5, record count, sysUptime in ms, the export time in
 * Unix seconds and nanoseconds, the sequence number of the first record,
 * engine type and id, sampling interval) and up to 30 records of 48
 * bytes: source, destination and next-hop addresses, input and output
 * interface (16 bits), packets, octets, first and last (sysUptime of the
 * flow's first and last packet), ports, TCP flags, protocol, ToS, AS
 * numbers and prefix lengths.
 *
 * IPFIX (RFC 7011): a 16-byte message header (version 10, length, export
 * time, sequence number: data records sent before this message,
 * observation domain), then sets.  A template set (id 2) describes a
 * record's fields as (information element, length) pairs under a
 * template id; a data set carries records under that id.  A collector can
 * decode data only after it has seen the template, so over UDP the
 * exporter sends the template first and again now and then (RFC 7011
 * section 8.4).  Our template, 256, is the v5 record's content in IANA
 * information elements, with flowEndReason so a collector sees why each
 * record left (idle or active timeout, or the end of the run).
 *
 * Building works like models/ovs/sflow.h: begin writes the header in a
 * caller's buffer, each add appends one record (or the template) and
 * keeps the header right, so the buffer is valid after every call; an add
 * that would not fit returns false and writes nothing. */
#ifndef VH_MODELS_CORE_FLOWREC_H
#define VH_MODELS_CORE_FLOWREC_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETFLOW_PORT 2055           /* What collectors listen on. */
#define IPFIX_PORT 4739             /* IANA's. */

#define NF5_VERSION 5
#define NF5_HLEN 24
#define NF5_RLEN 48
#define NF5_MAX_RECORDS 30          /* Cisco's limit, which OVS keeps. */

#define IPFIX_VERSION 10
#define IPFIX_HLEN 16
#define IPFIX_SET_HLEN 4
#define IPFIX_SET_TEMPLATE 2
#define IPFIX_TEMPLATE_ID 256       /* The first id a data set may use. */
#define IPFIX_RLEN 49               /* Our template's record. */
#define IPFIX_MSG_MAX 1400          /* Fits a 1500-byte MTU with IPv4/UDP. */

/* The output interface of a record whose frames went nowhere or to many
 * ports, as OVS writes it (ofproto/netflow.h). */
#define FLOWREC_OUT_FLOOD 0xffff
#define FLOWREC_OUT_MULTI 0xfffe
#define FLOWREC_OUT_DROP 0xfffd

/* Why a record left (IPFIX flowEndReason, RFC 5102). */
enum flowrec_end {
    FLOWREC_END_IDLE = 1,           /* Inactive timeout. */
    FLOWREC_END_ACTIVE = 2,         /* Active timeout: the flow goes on. */
    FLOWREC_END_FORCED = 4,         /* The exporter stopped. */
};

/* One flow record, in host order. */
struct flowrec {
    uint32_t src_ip, dst_ip;
    uint16_t src_port, dst_port;    /* ICMP: 0 and type << 8 | code. */
    uint8_t proto;
    uint8_t tos;
    uint8_t tcp_flags;              /* OR of the packets' flags. */
    uint32_t input, output;         /* Interface numbers. */
    uint64_t packets, bytes;        /* Bytes of whole frames, as OVS's
                                     * datapath counts them. */
    uint32_t first_ms, last_ms;     /* sysUptime of first and last packet. */
    enum flowrec_end end;
};

/* A datagram being built in 'buf'. */
struct flowrec_msg {
    uint8_t *buf;
    size_t cap;
    size_t len;
    uint32_t n_records;             /* Data records in it. */
    bool ipfix;
    size_t set_off;                 /* IPFIX: the open data set's header,
                                     * or 0 if none is open. */
};

/* Starts a NetFlow v5 datagram in 'buf' ('cap' bytes, at least NF5_HLEN):
 * 'seq' is the count of records sent before it. */
void nf5_begin(struct flowrec_msg *, uint8_t *buf, size_t cap,
               uint32_t uptime_ms, uint64_t unix_ns, uint32_t seq,
               uint8_t engine_type, uint8_t engine_id);
bool nf5_add(struct flowrec_msg *, const struct flowrec *);

/* Starts an IPFIX message in 'buf' ('cap' bytes, at least IPFIX_HLEN):
 * 'seq' is the count of data records sent before it in 'domain'. */
void ipfix_begin(struct flowrec_msg *, uint8_t *buf, size_t cap,
                 uint32_t export_s, uint32_t seq, uint32_t domain);
/* Appends the template set; before any record. */
bool ipfix_add_template(struct flowrec_msg *);
bool ipfix_add(struct flowrec_msg *, const struct flowrec *);

/* Rewrites the header's time: the exporter stamps a datagram as it
 * sends it.  'uptime_ms' is unused by IPFIX, whose header has only the
 * export time. */
void flowrec_msg_stamp(struct flowrec_msg *, uint32_t uptime_ms,
                       uint64_t unix_ns);

/* The datagram's length; 'buf' holds it. */
size_t flowrec_msg_len(const struct flowrec_msg *);

#endif /* models/core/flowrec.h */
