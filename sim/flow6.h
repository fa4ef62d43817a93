/* sim/flow6.h: the flow an IPv6 frame belongs to, for the hashes that
 * spread flows (RSS, ECMP, bonding, multi-queue).
 *
 * vh_frame_flow() (sim/frame.h) reads IPv4 only, and its callers treat
 * what it gives as IPv4 addresses.  The hashes need less: a flow's
 * identity.  vh_frame_flow6() reads an IPv6 frame's (skipping an 802.1Q
 * tag, and the hop-by-hop, routing, destination options and fragment
 * extension headers as OVS's flow extraction does), and
 * vh_frame_flow_for_hash() gives either family in the IPv4 shape, an
 * IPv6 address folded to 32 bits by XOR-ing its four words (Linux's
 * ipv6_addr_hash()), so a hash over a struct vh_flow spreads IPv6 flows
 * too, and gives IPv4 flows exactly what it gave them before. */
#ifndef VH_SIM_FLOW6_H
#define VH_SIM_FLOW6_H 1

#include <stdbool.h>
#include <stdint.h>

#include "sim/frame.h"

struct vh_flow6 {
    uint8_t src[16], dst[16];   /* As on the wire. */
    uint8_t proto;              /* After the extension headers. */
    bool has_ports;             /* UDP or TCP, not a later fragment. */
    uint16_t sport, dport;      /* 0 without ports. */
};

/* Fills 'out' from an Ethernet frame carrying IPv6 and returns true;
 * false (and 'out' zeroed) if it does not, or the fixed header is cut
 * short.  Ports cut short are left out (has_ports false). */
bool vh_frame_flow6(const uint8_t *frame, uint32_t len, struct vh_flow6 *out);

/* An IPv6 address's four words XOR-ed together. */
uint32_t vh_ip6_fold(const uint8_t addr[16]);

/* vh_frame_flow(), or for IPv6 the same fields with the addresses
 * folded.  Only for hashing: the addresses are not addresses. */
bool vh_frame_flow_for_hash(const uint8_t *frame, uint32_t len,
                            struct vh_flow *out);

#endif /* sim/flow6.h */
