/* models/endpoint/igmp.c: group membership and the IGMPv3 join. */
#include "models/endpoint/igmp.h"

#include <string.h>

#include "models/core/acct.h"
#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

#define IGMP_IP_HLEN (VH_IPV4_HLEN + 4)     /* With Router Alert. */
#define IGMPV3_REPORT_LEN 16                /* Header and one record. */
#define IPOPT_RA 0x94                       /* Copied, class 0, number 20. */

struct vh_mac
igmp_group_mac(uint32_t ip)
{
    struct vh_mac m = { { 0x01, 0x00, 0x5e, (uint8_t) (ip >> 16 & 0x7f),
                          (uint8_t) (ip >> 8), (uint8_t) ip } };
    return m;
}

uint32_t
igmp_build_join(uint8_t *buf, const struct vh_mac *src_mac, uint32_t src_ip,
                uint32_t group)
{
    struct vh_mac dst = igmp_group_mac(IGMPV3_ALL_ROUTERS);
    uint32_t len = VH_ETH_HLEN + IGMP_IP_HLEN + IGMPV3_REPORT_LEN;
    memset(buf, 0, VH_ETH_MIN_FRAME);
    vh_eth_set_dst(buf, &dst);
    vh_eth_set_src(buf, src_mac);
    vh_put_be16(buf + VH_ETH_TYPE_OFF, VH_ETHERTYPE_IPV4);

    /* igmpv3_newpack: TOS 0xc0 (network control), DF, TTL 1, and ID 0,
     * which ip_select_ident gives a DF packet of no connected socket. */
    uint8_t *ip = buf + VH_ETH_HLEN;
    vh_ipv4_put(ip, 0xc0, IGMP_IP_HLEN + IGMPV3_REPORT_LEN, 0, true, 1,
                IGMP_IPPROTO, src_ip, IGMPV3_ALL_ROUTERS);
    /* vh_ipv4_put writes a 20-byte header: make room for the option
     * (IHL 6) and compute the checksum again over all 24 bytes. */
    ip[0] = 0x46;
    ip[VH_IPV4_HLEN] = IPOPT_RA;
    ip[VH_IPV4_HLEN + 1] = 4;
    vh_ipv4_csum_update(ip);

    /* Type, reserved, checksum, reserved, one record: its type, no
     * auxiliary data, no sources, the group. */
    uint8_t *g = ip + IGMP_IP_HLEN;
    g[0] = IGMPV3_REPORT;
    vh_put_be16(g + 6, 1);
    g[8] = IGMPV3_CHANGE_TO_EXCLUDE;
    vh_put_be32(g + 12, group);
    vh_put_be16(g + 2, vh_csum_fold(vh_csum_partial(g, IGMPV3_REPORT_LEN,
                                                    0)));
    return len < VH_ETH_MIN_FRAME ? VH_ETH_MIN_FRAME : len;
}

bool
endpoint_in_group(const struct endpoint *ep, uint32_t group)
{
    for (size_t i = 0; i < ep->n_groups; i++) {
        if (ep->groups[i] == group) {
            return true;
        }
    }
    return false;
}

/* The IPv6 groups an interface with an IPv6 address is in from the
 * start: all-nodes and the solicited-node groups of its addresses
 * (which is why a neighbour solicitation reaches only the neighbour it
 * asks for, unlike an ARP broadcast).  Without IPv6, none. */
static bool
endpoint_mac_accepts6(const struct endpoint *ep, const struct vh_mac *mac)
{
    if (!ep->has_ip6) {
        return false;
    }
    struct vh_mac all = vh_ip6_multicast_mac(&vh_ip6_all_nodes);
    struct vh_ip6 sn = vh_ip6_solicited_node(&ep->ip6);
    struct vh_ip6 sn_ll = vh_ip6_solicited_node(&ep->ll6);
    struct vh_mac m = vh_ip6_multicast_mac(&sn);
    struct vh_mac m_ll = vh_ip6_multicast_mac(&sn_ll);
    return vh_mac_eq(mac, &all) || vh_mac_eq(mac, &m) || vh_mac_eq(mac, &m_ll);
}

bool
endpoint_mac_accepts(const struct endpoint *ep, const struct vh_mac *mac)
{
    if (vh_mac_eq(mac, &ep->mac) || vh_mac_eq(mac, &vh_mac_broadcast)) {
        return true;
    }
    if (!vh_mac_is_multicast(mac)) {
        return false;
    }
    if (vh_mac_is_ip6_multicast(mac)) {
        return endpoint_mac_accepts6(ep, mac);
    }
    /* 01:00:5e with the top bit of the fourth byte clear: an IPv4
     * group's.  Many groups share a MAC (32 per address), so a match
     * here still leaves the IP check to the stack, as Linux's does. */
    if (mac->b[0] != 0x01 || mac->b[1] != 0x00 || mac->b[2] != 0x5e
        || (mac->b[3] & 0x80)) {
        return true;
    }
    for (size_t i = 0; i < ep->n_groups; i++) {
        struct vh_mac g = igmp_group_mac(ep->groups[i]);
        if (vh_mac_eq(mac, &g)) {
            return true;
        }
    }
    return false;
}

static void
join_sent(struct vh_sim *sim, void *obj, void *arg)
{
    struct endpoint *ep = obj;
    struct vh_packet *p = arg;
    p->hops++;
    port_deliver(world_of(sim), &ep->port, p);
}

/* The run starts: the report for group 'arg' is built and leaves. */
static void
join_start(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct endpoint *ep = obj;
    uint32_t group = (uint32_t) (uintptr_t) arg;
    struct vh_packet *p = vh_packet_alloc(&w->pool);
    p->len = igmp_build_join(p->data, &ep->mac, ep->ip, group);
    p->born = w->sim.now;
    p->exec = &ep->app_core->srv;
    vh_time_t t = cpu_charge(w, ep->app_core, COST_STACK_TX, 0, ep->rx_cat,
                             p, ep->dev);
    vh_schedule_at(&w->sim, t, join_sent, ep, p);
}

void
endpoint_join_group(struct world *w, struct endpoint *ep, uint32_t group)
{
    if (endpoint_in_group(ep, group)) {
        return;
    }
    ep->groups = vh_xgrow(ep->groups, ep->n_groups, sizeof *ep->groups);
    ep->groups[ep->n_groups++] = group;
    vh_schedule_at(&w->sim, 0, join_start, ep, (void *) (uintptr_t) group);
}
