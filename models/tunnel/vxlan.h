/* models/tunnel/vxlan.h: the VXLAN header (RFC 7348).
 *
 * VXLAN carries an Ethernet frame in UDP to port 4789 (IANA's; Linux's
 * old default 8472 is not registered, and Wireshark decodes it only when
 * told).  Its 8-byte header follows the UDP header:
 *
 *   +0  flags: 0x08, the I bit ("the VNI is valid"); the rest reserved 0
 *   +1  reserved (3 bytes)
 *   +4  VNI, the 24-bit VXLAN Network Identifier
 *   +7  reserved
 *
 * then the inner frame, whose 802.1Q tag SHOULD be absent.  Over IPv4
 * the whole encapsulation is 50 bytes: outer Ethernet 14, IPv4 20, UDP 8,
 * VXLAN 8. */
#ifndef VH_MODELS_TUNNEL_VXLAN_H
#define VH_MODELS_TUNNEL_VXLAN_H 1

#include <stdbool.h>
#include <stdint.h>

struct vh_packet;

#define VXLAN_PORT 4789
#define VXLAN_HLEN 8
#define VXLAN_FLAG_I 0x08
#define VXLAN_VNI_MAX 0xffffff

/* Pushes the VXLAN header of 'vni' in front of the frame in 'p'. */
void vxlan_push(struct vh_packet *p, uint32_t vni);

/* Reads the VXLAN header at 'h' ('len' bytes from there on): true, with
 * its VNI, if it is whole and has the I flag. */
bool vxlan_parse(const uint8_t *h, uint32_t len, uint32_t *vni);

#endif /* models/tunnel/vxlan.h */
