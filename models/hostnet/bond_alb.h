/* models/hostnet/bond_alb.h: Linux bonding's adaptive load balancing
 * (bond_mode balance-alb), the part of models/hostnet/bond.c that needs
 * no help from the switch.
 *
 * Every member keeps a MAC of its own; the bond's MAC (its first
 * member's) is carried by the active member, which takes the broadcasts
 * (the others drop them, "bond-inactive-member") and whatever has no
 * better place.
 *
 * Transmit load balancing (tlb): an IPv4 unicast frame's destination
 * (the xor of its address's bytes, a 256-entry table) is given to the
 * member with the most room left (speed less load) the first time it is
 * seen, and stays there; every 10 s the table is emptied, each entry
 * remembering its bytes per second, so the next frames place the
 * destinations again by what they carried.  Until the first such
 * rebalance no member has a load: every destination lands on the first.
 * A frame leaving by a member other than the active one leaves with that
 * member's MAC as its source.
 *
 * Receive load balancing (rlb): the peers of the host's own addresses
 * are shared out by ARP.  The host's ARP reply to a peer leaves by the
 * member the peer is given (round robin over the members, in order),
 * saying that member's MAC is the host's address, so the peer's frames
 * to the host come in by it.  A frame for a member's MAC is handed up as
 * for the bond's.  The host's own ARP request tells the peer the bond's
 * MAC; once the peer's reply is in, and 2 s after the request, the bond
 * sends the peer two ARP replies with its member's MAC.  ARP frames of
 * the VMs behind the bridge are not touched: rlb shares only the host's
 * own addresses.
 *
 * Failover: a member that miimon takes out loses its destinations (they
 * are placed again) and its peers (given to the next members, each told
 * by two ARP replies at the next 100 ms tick of the bond's monitor).  If
 * it was the active member, the first usable one becomes active and the
 * two swap MACs, the new active member taking the bond's; it sends a
 * learning frame (EtherType 0x9000, loopback) from each MAC it now
 * answers for so the switch finds them on its port. */
#ifndef VH_MODELS_BOND_ALB_H
#define VH_MODELS_BOND_ALB_H 1

#include <stdbool.h>
#include <stddef.h>

struct bond;
struct report_out;
struct vh_packet;
struct world;

/* Sets up the tables and starts the monitor (every 100 ms). */
void bond_alb_init(struct world *, struct bond *);
void bond_alb_free(struct bond *);

/* The member 'p' leaves by, or -1 if none is usable; rewrites the
 * frame's source MAC (and an ARP reply's sender) as the driver does. */
int bond_alb_xmit(struct world *, struct bond *, struct vh_packet *p);

/* Frame 'p' came in by member 'k': false if the bond dropped it (and
 * accounted for it); else its destination MAC is the bond's if it was
 * a member's, and it goes up. */
bool bond_alb_rx(struct world *, struct bond *, size_t k,
                 struct vh_packet *p);

/* miimon took member 'k' out ('up' false) or put it back. */
void bond_alb_link_change(struct world *, struct bond *, size_t k, bool up);

/* The balance-alb part of the bond's report. */
void bond_alb_report(const struct bond *, struct report_out *);

#endif /* models/hostnet/bond_alb.h */
