/* models/ovs/sflow.c: building sFlow version 5 datagrams. */
#include "models/ovs/sflow.h"

#include <assert.h>
#include <string.h>

/* Fixed parts, in bytes: a sample's or record's format and length words;
 * a flow sample's seven words before its record count; the raw packet
 * header record's four words before the header; the counter sample's two
 * words before its record count; the generic interface counters. */
#define FORMAT_LEN_HLEN 8
#define FLOW_SAMPLE_FIXED 28
#define RAW_HEADER_FIXED 16
#define COUNTER_SAMPLE_FIXED 8
#define IF_COUNTERS_LEN 88

/* A sample of SFLOW_HEADER_LIMIT header bytes fills a datagram. */
_Static_assert(SFLOW_DGRAM_HLEN + 2 * FORMAT_LEN_HLEN + FLOW_SAMPLE_FIXED
               + 4 + RAW_HEADER_FIXED + SFLOW_HEADER_LIMIT
               == SFLOW_DGRAM_MAX && SFLOW_HEADER_LIMIT % 4 == 0,
               "SFLOW_HEADER_LIMIT is what one flow sample can carry");

/* Writes an XDR word and returns where the next one goes. */
static uint8_t *
xdr_put32(uint8_t *p, uint32_t v)
{
    vh_put_be32(p, v);
    return p + 4;
}

static uint8_t *
put64(uint8_t *p, uint64_t v)
{
    p = xdr_put32(p, (uint32_t) (v >> 32));
    return xdr_put32(p, (uint32_t) v);
}

/* XDR pads opaque data to whole words. */
static uint32_t
pad4(uint32_t n)
{
    return (n + 3) & ~3u;
}

/* A data source: its kind in the top byte, its index below. */
static uint32_t
source_id(uint32_t kind, uint32_t index)
{
    return kind << 24 | (index & 0xffffff);
}

/* Where the sequence number and the uptime lie in the header. */
#define SEQ_OFF 16
#define UPTIME_OFF 20

void
sflow_dgram_begin(struct sflow_dgram *d, uint8_t *buf, size_t cap,
                  uint32_t agent_ip, uint32_t sub_agent, uint32_t seq,
                  uint32_t uptime_ms)
{
    assert(cap >= SFLOW_DGRAM_HLEN);
    d->buf = buf;
    d->cap = cap < SFLOW_DGRAM_MAX ? cap : SFLOW_DGRAM_MAX;
    d->n_samples = 0;

    uint8_t *p = buf;
    p = xdr_put32(p, SFLOW_VERSION);
    p = xdr_put32(p, SFLOW_ADDR_IPV4);
    p = xdr_put32(p, agent_ip);
    p = xdr_put32(p, sub_agent);
    p = xdr_put32(p, seq);
    p = xdr_put32(p, uptime_ms);
    d->n_samples_off = (size_t) (p - buf);
    assert(d->n_samples_off == UPTIME_OFF + 4);
    p = xdr_put32(p, 0);
    d->len = (size_t) (p - buf);
}

static bool
has_room(const struct sflow_dgram *d, size_t n)
{
    return d->len + n <= d->cap;
}

/* Writes a sample's format and length words at the end of the datagram;
 * returns where its body goes. */
static uint8_t *
start_sample(struct sflow_dgram *d, uint32_t format, uint32_t body_len)
{
    uint8_t *p = d->buf + d->len;
    p = xdr_put32(p, format);
    return xdr_put32(p, body_len);
}

/* Ends the sample whose last byte is before 'end', which began
 * 'sample_len' bytes before it, and counts it in the header. */
static void
finish_sample(struct sflow_dgram *d, const uint8_t *end, size_t sample_len)
{
    /* A mismatch would make every later sample unreadable. */
    assert((size_t) (end - (d->buf + d->len)) == sample_len);
    d->len += sample_len;
    d->n_samples++;
    xdr_put32(d->buf + d->n_samples_off, d->n_samples);
}

bool
sflow_dgram_add_flow(struct sflow_dgram *d,
                     const struct sflow_flow_sample *fs)
{
    uint32_t max = !fs->header_max ? SFLOW_HEADER_MAX
                   : fs->header_max < SFLOW_HEADER_LIMIT ? fs->header_max
                   : SFLOW_HEADER_LIMIT;
    uint32_t hlen = fs->frame_len < max ? fs->frame_len : max;
    uint32_t rec_len = RAW_HEADER_FIXED + pad4(hlen);
    uint32_t body_len = FLOW_SAMPLE_FIXED + 4 + FORMAT_LEN_HLEN + rec_len;
    size_t sample_len = FORMAT_LEN_HLEN + body_len;
    if (!has_room(d, sample_len)) {
        return false;
    }

    uint8_t *p = start_sample(d, SFLOW_FLOW_SAMPLE, body_len);
    p = xdr_put32(p, fs->seq);
    p = xdr_put32(p, source_id(fs->source_class, fs->source_ifindex));
    p = xdr_put32(p, fs->sampling_rate);
    p = xdr_put32(p, fs->sample_pool);
    p = xdr_put32(p, fs->drops);
    p = xdr_put32(p, fs->input_ifindex);
    p = xdr_put32(p, fs->output_ifindex);
    p = xdr_put32(p, 1);                    /* One record. */

    p = xdr_put32(p, SFLOW_REC_RAW_HEADER);
    p = xdr_put32(p, rec_len);
    p = xdr_put32(p, SFLOW_HDRPROTO_ETHERNET);
    /* The frame as it was on the wire, FCS included, and the FCS counted
     * as stripped: the frame we hold never had one. */
    p = xdr_put32(p, fs->frame_len + VH_ETH_FCS);
    p = xdr_put32(p, VH_ETH_FCS);
    p = xdr_put32(p, hlen);
    memcpy(p, fs->frame, hlen);
    memset(p + hlen, 0, pad4(hlen) - hlen);
    p += pad4(hlen);

    finish_sample(d, p, sample_len);
    return true;
}

static uint8_t *
put_if_counters(uint8_t *p, const struct sflow_if_counters *c)
{
    p = xdr_put32(p, c->ifindex);
    p = xdr_put32(p, c->iftype);
    p = put64(p, c->ifspeed);
    p = xdr_put32(p, c->ifdirection);
    p = xdr_put32(p, c->ifstatus);
    p = put64(p, c->in_octets);
    p = xdr_put32(p, c->in_ucast);
    p = xdr_put32(p, c->in_mcast);
    p = xdr_put32(p, c->in_bcast);
    p = xdr_put32(p, c->in_discards);
    p = xdr_put32(p, c->in_errors);
    p = xdr_put32(p, c->in_unknown_protos);
    p = put64(p, c->out_octets);
    p = xdr_put32(p, c->out_ucast);
    p = xdr_put32(p, c->out_mcast);
    p = xdr_put32(p, c->out_bcast);
    p = xdr_put32(p, c->out_discards);
    p = xdr_put32(p, c->out_errors);
    return xdr_put32(p, c->promiscuous);
}

bool
sflow_dgram_add_counters(struct sflow_dgram *d, uint32_t seq,
                         const struct sflow_if_counters *c)
{
    uint32_t body_len = COUNTER_SAMPLE_FIXED + 4 + FORMAT_LEN_HLEN
                        + IF_COUNTERS_LEN;
    size_t sample_len = FORMAT_LEN_HLEN + body_len;
    if (!has_room(d, sample_len)) {
        return false;
    }

    uint8_t *p = start_sample(d, SFLOW_COUNTER_SAMPLE, body_len);
    p = xdr_put32(p, seq);
    p = xdr_put32(p, source_id(SFLOW_SOURCE_IFINDEX, c->ifindex));
    p = xdr_put32(p, 1);                    /* One record. */
    p = xdr_put32(p, SFLOW_REC_IF_COUNTERS);
    p = xdr_put32(p, IF_COUNTERS_LEN);
    p = put_if_counters(p, c);

    finish_sample(d, p, sample_len);
    return true;
}

void
sflow_dgram_stamp(struct sflow_dgram *d, uint32_t seq, uint32_t uptime_ms)
{
    xdr_put32(d->buf + SEQ_OFF, seq);
    xdr_put32(d->buf + UPTIME_OFF, uptime_ms);
}

size_t
sflow_dgram_end(const struct sflow_dgram *d)
{
    return d->len;
}

uint32_t
sflow_build_frame(uint8_t *buf, const struct vh_ip_hdr_spec *spec,
                  uint16_t sport, const struct sflow_dgram *d)
{
    return vh_build_udp(buf, spec, sport, SFLOW_PORT, d->buf,
                        (uint32_t) d->len);
}
