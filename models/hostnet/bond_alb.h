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
#include <stdint.h>

#include "sim/event.h"
#include "sim/frame.h"
#include "sim/time.h"

struct bond;
struct report_out;
struct vh_packet;
struct world;

#define BOND_TLB_TABLE 256      /* The kernel's TLB_HASH_TABLE_SIZE. */

/* A destination of the transmit table. */
struct bond_tlb_entry {
    int member;                 /* Where it goes, or -1: placed anew. */
    uint64_t tx_bytes;          /* Since the last rebalance. */
    uint64_t load_history;      /* Bytes per second before it, plus 1. */
};

/* A peer of one of the host's addresses. */
struct bond_rlb_client {
    uint32_t ip;                /* The peer's. */
    uint32_t own_ip;            /* The host's address it talks to. */
    struct vh_mac mac;          /* The peer's, once known. */
    bool mac_known;
    int member;                 /* The member it sends to the host by. */
    bool ntt;                   /* Needs to be told (an ARP update). */
};

struct bond_alb {
    struct vh_mac *mac;         /* Each member's MAC now. */
    uint64_t *load;             /* Each member's tlb load (bytes/s). */
    struct bond_tlb_entry tlb[BOND_TLB_TABLE];
    struct bond_rlb_client *clients;
    size_t n_clients;
    int rx_last;                /* The member rlb gave a peer last. */
    vh_time_t hold_until;       /* No ARP updates before (the host's
                                 * request must be answered first). */
    struct vh_timer timer;
    unsigned ticks;
    uint64_t rebalances;
    uint64_t arp_updates;       /* ARP replies sent to move peers. */
    uint64_t learning_tx;
};

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
