/* models/endpoint/igmp.h: IPv4 multicast groups of a host's interface.
 *
 * A kernel user that wants a group's packets (a vxlan device whose
 * remote is a group, RFC 7348 section 4.2) joins it on one interface:
 * from then on the interface's stack accepts frames to the group's MAC
 * (01:00:5e and the group's low 23 bits, RFC 1112 section 6.4) and
 * packets to the group's address, as Linux's ip_mc_inc_group() programs
 * the NIC's multicast filter and adds the group to the device's list.
 * Frames to another group's MAC are filtered before the stack sees them
 * (the NIC's hash filter, which counts nothing).
 *
 * The join is announced on the wire as Linux does it with its default
 * IGMP version (3, net.ipv4.conf.*.force_igmp_version 0): one IGMPv3
 * Membership Report (RFC 3376 section 4.2) to 224.0.0.22 with one
 * CHANGE_TO_EXCLUDE_MODE record and no sources (any-source membership),
 * in an IPv4 header of TOS 0xc0, TTL 1, DF, ID 0 and the Router Alert
 * option (RFC 2113), its checksums computed.  Linux repeats the report
 * robustness - 1 times at random moments within a second; vhsim sends it
 * once, when the run starts: no querier and no snooping switch in vhsim
 * listens, so the repeats would change nothing but the capture.
 *
 * Sending to a group needs no ARP: the destination MAC is the group's. */
#ifndef VH_MODELS_ENDPOINT_IGMP_H
#define VH_MODELS_ENDPOINT_IGMP_H 1

#include <stdbool.h>
#include <stdint.h>

#include "sim/frame.h"

struct endpoint;
struct world;

#define IGMP_IPPROTO 2
#define IGMPV3_REPORT 0x22
#define IGMPV3_CHANGE_TO_EXCLUDE 4
#define IGMPV3_ALL_ROUTERS 0xe0000016u      /* 224.0.0.22 */

/* Is 'ip' (host order) an IPv4 multicast address, 224.0.0.0/4? */
static inline bool
igmp_is_group(uint32_t ip)
{
    return (ip >> 28) == 14;
}

/* Is 'ip' in 224.0.0.0/24, the local network control block that no
 * router forwards (RFC 5771)? */
static inline bool
igmp_is_link_local(uint32_t ip)
{
    return (ip >> 8) == 0xe00000u;
}

/* The Ethernet address of group 'ip'. */
struct vh_mac igmp_group_mac(uint32_t ip);

/* Builds in 'buf' the IGMPv3 report (see above) by which 'src_mac' /
 * 'src_ip' joins 'group'; returns the frame's length (60, padded). */
uint32_t igmp_build_join(uint8_t *buf, const struct vh_mac *src_mac,
                         uint32_t src_ip, uint32_t group);

/* Joins 'ep' to 'group' (once; a second join of the same group is the
 * first's).  The report leaves when the run starts: the stack's transmit
 * work ('stack_tx'), charged on the endpoint's core as its receive-side
 * kernel work (the IGMP timer runs in softirq). */
void endpoint_join_group(struct world *, struct endpoint *ep,
                         uint32_t group);

/* Whether 'ep' has joined 'group'. */
bool endpoint_in_group(const struct endpoint *ep, uint32_t group);

/* Whether 'ep' takes a frame to 'mac': its own, a broadcast, or a
 * multicast that is not an IPv4 or IPv6 group's (LLDP, LACP, STP: the
 * stack decides), or a joined group's; of the IPv6 groups (33:33), those
 * of all nodes and of its addresses' solicited nodes. */
bool endpoint_mac_accepts(const struct endpoint *ep, const struct vh_mac *mac);

#endif /* models/endpoint/igmp.h */
