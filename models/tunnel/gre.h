/* models/tunnel/gre.h: GRE (RFC 2784, with the key and sequence number of
 * RFC 2890) carrying Ethernet, and NVGRE (RFC 7637).
 *
 * GRE rides directly on IPv4, protocol 47.  Its header is 4 bytes, then
 * optional 4-byte fields in this order, each present when its flag is:
 *
 *   +0  flags and version: C 0x8000 (checksum), K 0x2000 (key),
 *       S 0x1000 (sequence number); version 0 in the low 3 bits
 *   +2  protocol type of the payload: 0x6558 (Transparent Ethernet
 *       Bridging) for an Ethernet frame, as Linux's gretap sends
 *   [C] checksum (2) and reserved (2): the Internet checksum of the GRE
 *       header and payload, computed with the field zero
 *   [K] key (4)
 *   [S] sequence number (4)
 *
 * Linux's gretap sends no checksum and no sequence number unless told
 * ("csum", "seq"), and the key only when one is configured; its
 * encapsulation is 38 bytes with a key (outer Ethernet 14, IPv4 20, GRE
 * 8), 34 without.
 *
 * NVGRE is GRE with the key bit set and protocol 0x6558, whose key is
 * the 24-bit Virtual Subnet ID and an 8-bit FlowID: key = VSID << 8 |
 * FlowID.  The FlowID may carry entropy (RFC 7637 section 3.2) and is 0
 * when unused; endpoints match on the VSID alone.  The inner frame MUST
 * NOT carry an 802.1Q tag: the VSID is the segment. */
#ifndef VH_MODELS_TUNNEL_GRE_H
#define VH_MODELS_TUNNEL_GRE_H 1

#include <stdbool.h>
#include <stdint.h>

struct vh_packet;

#define GRE_FLAG_C 0x8000
#define GRE_FLAG_R 0x4000       /* Routing (RFC 1701): refused. */
#define GRE_FLAG_K 0x2000
#define GRE_FLAG_S 0x1000
#define GRE_VERSION_MASK 0x0007
#define GRE_BASE_HLEN 4

#define NVGRE_VSID_MAX 0xffffff

/* A GRE header's fields. */
struct gre_hdr {
    bool csum;                  /* C: a checksum is present. */
    bool has_key;               /* K */
    bool has_seq;               /* S */
    uint16_t proto;             /* The payload's EtherType. */
    uint32_t key;
    uint32_t seq;
};

/* Bytes of the header 'g' describes: 4, plus 4 per optional field. */
uint32_t gre_hlen(const struct gre_hdr *g);

/* Pushes the header 'g' in front of the payload in 'p' (computing the
 * checksum over header and payload when 'g->csum'). */
void gre_push(struct vh_packet *p, const struct gre_hdr *g);

/* Reads the GRE header at 'h' ('len' bytes from there on): true, with
 * its fields and its length in '*hlen', if it is whole, version 0,
 * without routing, and its checksum (when present) is right. */
bool gre_parse(const uint8_t *h, uint32_t len, struct gre_hdr *g,
               uint32_t *hlen);

/* The NVGRE key of 'vsid' and 'flow_id', and the VSID of a key. */
static inline uint32_t
nvgre_key(uint32_t vsid, uint8_t flow_id)
{
    return (vsid & NVGRE_VSID_MAX) << 8 | flow_id;
}

static inline uint32_t
nvgre_vsid(uint32_t key)
{
    return key >> 8;
}

#endif /* models/tunnel/gre.h */
