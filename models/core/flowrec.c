/* models/core/flowrec.c: NetFlow v5 and IPFIX datagrams. */
#include "models/core/flowrec.h"

#include <string.h>

#include "sim/frame.h"

static void
put_be64(uint8_t *p, uint64_t v)
{
    vh_put_be32(p, (uint32_t) (v >> 32));
    vh_put_be32(p + 4, (uint32_t) v);
}

/* --- NetFlow v5. --- */

void
nf5_begin(struct flowrec_msg *m, uint8_t *buf, size_t cap,
          uint32_t uptime_ms, uint64_t unix_ns, uint32_t seq,
          uint8_t engine_type, uint8_t engine_id)
{
    size_t max = NF5_HLEN + NF5_MAX_RECORDS * NF5_RLEN;
    memset(m, 0, sizeof *m);
    m->buf = buf;
    m->cap = cap < max ? cap : max;
    memset(buf, 0, NF5_HLEN);
    vh_put_be16(buf, NF5_VERSION);
    vh_put_be16(buf + 2, 0);                    /* count */
    vh_put_be32(buf + 4, uptime_ms);
    vh_put_be32(buf + 8, (uint32_t) (unix_ns / 1000000000u));
    vh_put_be32(buf + 12, (uint32_t) (unix_ns % 1000000000u));
    vh_put_be32(buf + 16, seq);
    buf[20] = engine_type;
    buf[21] = engine_id;
    vh_put_be16(buf + 22, 0);                   /* not sampled */
    m->len = NF5_HLEN;
}

bool
nf5_add(struct flowrec_msg *m, const struct flowrec *r)
{
    if (m->len + NF5_RLEN > m->cap) {
        return false;
    }
    uint8_t *p = m->buf + m->len;
    memset(p, 0, NF5_RLEN);
    vh_put_be32(p, r->src_ip);
    vh_put_be32(p + 4, r->dst_ip);
    vh_put_be32(p + 8, 0);                      /* nexthop: a switch has
                                                 * none */
    vh_put_be16(p + 12, (uint16_t) r->input);
    vh_put_be16(p + 14, (uint16_t) r->output);
    /* 32-bit counters: a flow that overflows them would be exported
     * before, by its active timeout. */
    vh_put_be32(p + 16, (uint32_t) r->packets);
    vh_put_be32(p + 20, (uint32_t) r->bytes);
    vh_put_be32(p + 24, r->first_ms);
    vh_put_be32(p + 28, r->last_ms);
    vh_put_be16(p + 32, r->src_port);
    vh_put_be16(p + 34, r->dst_port);
    p[37] = r->tcp_flags;
    p[38] = r->proto;
    p[39] = r->tos;
    m->len += NF5_RLEN;
    m->n_records++;
    vh_put_be16(m->buf + 2, (uint16_t) m->n_records);
    return true;
}

/* --- IPFIX. --- */

/* Template 256: (information element, length), RFC 7012's numbers. */
static const uint16_t template_fields[][2] = {
    { 8, 4 },       /* sourceIPv4Address */
    { 12, 4 },      /* destinationIPv4Address */
    { 7, 2 },       /* sourceTransportPort */
    { 11, 2 },      /* destinationTransportPort */
    { 4, 1 },       /* protocolIdentifier */
    { 5, 1 },       /* ipClassOfService */
    { 6, 2 },       /* tcpControlBits */
    { 10, 4 },      /* ingressInterface */
    { 14, 4 },      /* egressInterface */
    { 2, 8 },       /* packetDeltaCount */
    { 1, 8 },       /* octetDeltaCount */
    { 22, 4 },      /* flowStartSysUpTime */
    { 21, 4 },      /* flowEndSysUpTime */
    { 136, 1 },     /* flowEndReason */
};
#define N_FIELDS (sizeof template_fields / sizeof template_fields[0])
#define TEMPLATE_SET_LEN (IPFIX_SET_HLEN + 4 + 4 * N_FIELDS)

static void
ipfix_set_len(struct flowrec_msg *m)
{
    vh_put_be16(m->buf + 2, (uint16_t) m->len);
    if (m->set_off) {
        vh_put_be16(m->buf + m->set_off + 2,
                    (uint16_t) (m->len - m->set_off));
    }
}

void
ipfix_begin(struct flowrec_msg *m, uint8_t *buf, size_t cap,
            uint32_t export_s, uint32_t seq, uint32_t domain)
{
    memset(m, 0, sizeof *m);
    m->buf = buf;
    m->cap = cap < IPFIX_MSG_MAX ? cap : IPFIX_MSG_MAX;
    m->ipfix = true;
    vh_put_be16(buf, IPFIX_VERSION);
    vh_put_be32(buf + 4, export_s);
    vh_put_be32(buf + 8, seq);
    vh_put_be32(buf + 12, domain);
    m->len = IPFIX_HLEN;
    ipfix_set_len(m);
}

bool
ipfix_add_template(struct flowrec_msg *m)
{
    if (m->set_off || m->len + TEMPLATE_SET_LEN > m->cap) {
        return false;
    }
    uint8_t *p = m->buf + m->len;
    vh_put_be16(p, IPFIX_SET_TEMPLATE);
    vh_put_be16(p + 2, (uint16_t) TEMPLATE_SET_LEN);
    vh_put_be16(p + 4, IPFIX_TEMPLATE_ID);
    vh_put_be16(p + 6, (uint16_t) N_FIELDS);
    for (size_t i = 0; i < N_FIELDS; i++) {
        vh_put_be16(p + 8 + 4 * i, template_fields[i][0]);
        vh_put_be16(p + 10 + 4 * i, template_fields[i][1]);
    }
    m->len += TEMPLATE_SET_LEN;
    ipfix_set_len(m);
    return true;
}

bool
ipfix_add(struct flowrec_msg *m, const struct flowrec *r)
{
    size_t need = IPFIX_RLEN + (m->set_off ? 0 : IPFIX_SET_HLEN);
    if (m->len + need > m->cap) {
        return false;
    }
    if (!m->set_off) {
        m->set_off = m->len;
        vh_put_be16(m->buf + m->len, IPFIX_TEMPLATE_ID);
        m->len += IPFIX_SET_HLEN;
    }
    uint8_t *p = m->buf + m->len;
    vh_put_be32(p, r->src_ip);
    vh_put_be32(p + 4, r->dst_ip);
    vh_put_be16(p + 8, r->src_port);
    vh_put_be16(p + 10, r->dst_port);
    p[12] = r->proto;
    p[13] = r->tos;
    vh_put_be16(p + 14, r->tcp_flags);
    vh_put_be32(p + 16, r->input);
    vh_put_be32(p + 20, r->output);
    put_be64(p + 24, r->packets);
    put_be64(p + 32, r->bytes);
    vh_put_be32(p + 40, r->first_ms);
    vh_put_be32(p + 44, r->last_ms);
    p[48] = (uint8_t) r->end;
    _Static_assert(IPFIX_RLEN == 49, "the record above is 49 bytes");
    m->len += IPFIX_RLEN;
    m->n_records++;
    ipfix_set_len(m);
    return true;
}

void
flowrec_msg_stamp(struct flowrec_msg *m, uint32_t uptime_ms,
                  uint64_t unix_ns)
{
    if (m->ipfix) {
        vh_put_be32(m->buf + 4, (uint32_t) (unix_ns / 1000000000u));
    } else {
        vh_put_be32(m->buf + 4, uptime_ms);
        vh_put_be32(m->buf + 8, (uint32_t) (unix_ns / 1000000000u));
        vh_put_be32(m->buf + 12, (uint32_t) (unix_ns % 1000000000u));
    }
}

size_t
flowrec_msg_len(const struct flowrec_msg *m)
{
    return m->len;
}
