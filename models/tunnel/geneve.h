/* models/tunnel/geneve.h: the Geneve header (RFC 8926).
 *
 * Geneve carries a frame in UDP to port 6081.  Its 8-byte base header
 * follows the UDP header, then variable-length options:
 *
 *   +0  Ver (2 bits, 0) | Opt Len (6 bits: the options' length in
 *       4-byte words)
 *   +1  O (0x80: an OAM frame) | C (0x40: a critical option follows) |
 *       reserved
 *   +2  Protocol Type: the payload's EtherType, 0x6558 for Ethernet
 *   +4  VNI (24 bits)
 *   +7  reserved
 *   +8  options, each: Class (2), Type (1; 0x80 marks it critical),
 *       R (3 bits) | Length (5 bits, in 4-byte words, not counting this
 *       4-byte option header), then its data
 *
 * A receiver that finds the C bit and does not know the critical option
 * must drop the frame; vhsim's endpoints know no option.  Without options
 * (Linux's geneve device and Open vSwitch send none unless a flow sets
 * tunnel metadata) the encapsulation is 50 bytes over IPv4, as VXLAN's. */
#ifndef VH_MODELS_TUNNEL_GENEVE_H
#define VH_MODELS_TUNNEL_GENEVE_H 1

#include <stdbool.h>
#include <stdint.h>

struct vh_packet;

#define GENEVE_PORT 6081
#define GENEVE_BASE_HLEN 8
#define GENEVE_OPT_MAX (63 * 4)     /* Opt Len is 6 bits of words. */
#define GENEVE_FLAG_O 0x80
#define GENEVE_FLAG_C 0x40
#define GENEVE_OPT_CRITICAL 0x80    /* In an option's Type. */
#define GENEVE_VNI_MAX 0xffffff

struct geneve_hdr {
    uint32_t vni;
    uint16_t proto;             /* The payload's EtherType. */
    bool oam;                   /* O */
    bool critical;              /* C */
    uint32_t opt_len;           /* Bytes of options. */
};

/* Pushes a Geneve header of 'vni' for an Ethernet payload, with the
 * 'opt_len' bytes of options at 'opts' (a multiple of 4, at most
 * GENEVE_OPT_MAX; NULL for none).  The C bit is set when one of them is
 * critical. */
void geneve_push(struct vh_packet *p, uint32_t vni, const uint8_t *opts,
                 uint32_t opt_len, bool oam);

/* Reads the Geneve header at 'h' ('len' bytes from there on): true, with
 * its fields and its whole length (options included) in '*hlen', if it is
 * whole and of version 0. */
bool geneve_parse(const uint8_t *h, uint32_t len, struct geneve_hdr *g,
                  uint32_t *hlen);

#endif /* models/tunnel/geneve.h */
