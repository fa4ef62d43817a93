/* sim/rss.h: receive-side scaling's Toeplitz hash.
 *
 * A multi-queue NIC spreads received frames over its queues so that each
 * queue, with its own interrupt, can be served by its own core, while the
 * frames of one flow stay in order on one queue.  It hashes the flow's
 * identity with the Toeplitz function under a secret key and takes the
 * hash's low bits as an index into an indirection table of queue numbers.
 *
 * The Toeplitz hash of an input of n bits: start from 0; for every input
 * bit, from the most significant bit of the first byte on, if the bit is
 * set, XOR in the 32-bit window of the key that starts at that bit's
 * position.  The key must be at least 4 bytes longer than the input.
 *
 * What is hashed (vh_frame_flow in sim/frame.h reads it):
 *   - IPv4 with TCP or UDP, not a fragment: source address, destination
 *     address, source port, destination port (12 bytes), as written in
 *     the packet.  Hashing the ports of UDP is a choice: Microsoft's RSS
 *     and the Linux ixgbe driver hash UDP over the addresses only unless
 *     told otherwise ("ethtool -N eth0 rx-flow-hash udp4 sdfn"); with the
 *     ports included, several UDP flows between the same two hosts spread
 *     over the queues, which is what a scenario about RSS wants to show.
 *   - Other IPv4 (ICMP, or a fragment, whose ports may be absent): the two
 *     addresses (8 bytes).
 *   - IPv6 with TCP or UDP (vh_frame_flow6 in sim/flow6.h, past the
 *     extension headers): the 16-byte source address, the destination,
 *     the two ports (36 bytes), as Microsoft's RSS specification lays out
 *     its TCP/IPv6 input; other IPv6 (ICMPv6, a later fragment): the two
 *     addresses (32 bytes).  The addresses are the fixed header's: the
 *     "_EX" hash types that take a routing header's or home address
 *     option's instead are not modelled.
 *   - Anything else (ARP, say): not hashed; the NIC uses queue 0.
 * An 802.1Q tag in front of the IP header is skipped. */
#ifndef VH_RSS_H
#define VH_RSS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VH_RSS_KEY_LEN 40       /* Microsoft's and Intel's key size. */
#define VH_RSS_RETA_SIZE 128    /* Indirection table entries (82599, I350:
                                 * indexed by the hash's 7 low bits). */
#define VH_RSS_INPUT_MAX 36     /* IPv6's addresses and ports. */

/* The 40-byte key Microsoft publishes for verifying RSS implementations,
 * which Intel's datasheets also use and Linux drivers long defaulted to. */
extern const uint8_t vh_rss_default_key[VH_RSS_KEY_LEN];

/* The Toeplitz hash of 'n' bytes of 'in' under 'key' ('key_len' >= n + 4,
 * asserted). */
uint32_t vh_toeplitz(const uint8_t *key, size_t key_len, const uint8_t *in,
                     size_t n);

/* The RSS hash of a frame under 'key' (VH_RSS_KEY_LEN bytes).  Returns
 * false, leaving '*hash' alone, if the frame is not hashed. */
bool vh_rss_hash_frame(const uint8_t *key, const uint8_t *frame,
                       uint32_t len, uint32_t *hash);

#endif /* sim/rss.h */
