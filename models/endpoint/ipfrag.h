/* models/endpoint/ipfrag.h: IPv4 fragmentation and reassembly in a stack.
 *
 * Sending: an IPv4 packet longer than the interface's MTU leaves in
 * fragments (Linux's ip_fragment).  Each fragment carries a copy of the
 * IP header and up to MTU - 20 bytes of the original payload, a multiple
 * of 8 bytes but for the last; its offset in 8-byte units and the "more
 * fragments" flag on all but the last.  DF is clear on every fragment: a
 * Linux UDP socket (IP_PMTUDISC_WANT, the default) sets DF on a datagram
 * that fits the MTU and fragments one that does not, as does the kernel's
 * echo reply.  The UDP checksum is the whole datagram's, in the first
 * fragment.
 *
 * Receiving: fragments wait in a reassembly queue per (source,
 * destination, protocol, ID) until the bytes from 0 to the end of the
 * last fragment have all arrived (ip_defrag); the datagram is then whole
 * again, in the buffer of its first fragment, and goes up the stack.  A
 * queue that is not complete 30 s after its first fragment
 * (net.ipv4.ipfrag_time) drops what it holds ("reassembly-timeout").
 *
 * Fate (models/core/acct.h): the fragments of a flow's packet are copies
 * in one family, so the packet is delivered once, when its reassembled
 * datagram is, and dropped, for the reason of the fragment that was lost,
 * when it never can be.  The fragments folded into the datagram end as
 * consumed. */
#ifndef VH_MODELS_ENDPOINT_IPFRAG_H
#define VH_MODELS_ENDPOINT_IPFRAG_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/frame.h"

struct world;
struct vh_device;
struct vh_packet;
struct ipfrag_table;

/* The most fragments one packet makes: a 1500-byte packet through the
 * smallest MTU allowed (576) makes 3; jumbo frames through 576, 17. */
#define IPFRAG_MAX 20

/* The IPv4 total length of frame 'p' (an IPv4 frame, untagged or with
 * one 802.1Q tag). */
uint32_t ipfrag_ip_len(const struct vh_packet *p);

/* Whether IPv4 frame 'p' has DF set. */
bool ipfrag_df(const struct vh_packet *p);

/* Splits the IPv4 frame 'p' (taken) into the fragments an interface of
 * MTU 'mtu' sends, in order, into 'out' (room for IPFRAG_MAX): 'p' itself
 * becomes the first, the others are copies in its family.  Returns how
 * many. */
size_t ipfrag_split(struct world *, struct vh_packet *p, uint32_t mtu,
                    struct vh_packet **out);

/* Whether the IPv4 packet parsed as 'fi' in 'frame' is a fragment. */
bool ipfrag_is_fragment(const uint8_t *frame, const struct vh_frame_info *fi);

/* A stack's reassembly queues; fragments it drops are counted at 'dev'. */
struct ipfrag_table *ipfrag_table_create(struct vh_device *dev);
void ipfrag_table_free(struct ipfrag_table *);

/* Takes fragment 'p' (parsed as 'fi').  Returns the whole datagram if
 * 'p' completed it (the caller goes on with it), else NULL (held, or
 * ended as a duplicate). */
struct vh_packet *ipfrag_gather(struct world *, struct ipfrag_table *,
                                struct vh_packet *p,
                                const struct vh_frame_info *fi);

#endif /* models/endpoint/ipfrag.h */
