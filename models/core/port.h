/* models/core/port.h: how models hand frames to each other.
 *
 * A port is one attachment point of a model: a NIC's wire side, a bridge
 * port, a switch port, a guest's network interface.  Two ports are joined
 * either directly (software hand-off inside a host: the receiving model is
 * called at once, on the same core) or by a cable ('struct link'), which
 * serializes frames at its speed and delays them by its propagation time.
 *
 * A cable direction carries one frame at a time; its sender keeps its own
 * queue (a NIC's TX ring, a switch's egress buffer) and transmits the next
 * frame when link_transmit's done callback fires. */
#ifndef VH_MODELS_PORT_H
#define VH_MODELS_PORT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/event.h"
#include "sim/packet.h"
#include "sim/time.h"

struct world;
struct port;
struct link;

/* How a port of a VLAN-aware switching device treats 802.1Q tags.  A
 * VLAN-unaware device (a Linux bridge without vlan_filtering, a plain
 * 802.1Q switch as vhsim builds it) ignores this and passes frames as
 * they are. */
enum port_vlan_mode {
    PORT_VLAN_TRUNK,            /* The VLANs in 'trunks', tagged; untagged
                                 * frames belong to 'tag' (the native
                                 * VLAN, 0 if none) and leave untagged. */
    PORT_VLAN_ACCESS,           /* One VLAN, 'tag', untagged on the port. */
};

#define PORT_VLAN_WORDS (4096 / 64)

struct port_vlan {
    enum port_vlan_mode mode;
    uint16_t tag;               /* ACCESS: the VLAN; TRUNK: the native. */
    const uint64_t *trunks;     /* TRUNK: a bitmap of PORT_VLAN_WORDS words
                                 * of member VLANs, or NULL for all. */
    bool pvlan_promiscuous;     /* ACCESS in a private VLAN's primary: a
                                 * promiscuous port, which takes (untagged)
                                 * the frames of every secondary of that
                                 * primary (models/core/l2fwd.h). */
};

/* Called when a frame arrives at 'port'.  Takes 'p'. */
typedef void (*port_rx_fn)(struct world *, struct port *, struct vh_packet *p);

struct port {
    /* What port_deliver() reads of both ends, and an arriving frame's
     * handler of its own, first, in 32 bytes: a model that embeds a port
     * where those do not cross a cache line (PORT_HOT_BYTES) reads one
     * line of it per frame. */
    port_rx_fn rx;              /* What arriving frames run into. */
    void *owner;                /* The model instance that owns the port. */
    struct port *peer;          /* The other end, or NULL if unconnected. */
    bool carrier;               /* Joined to a peer that takes frames: a
                                 * switching device floods only to ports
                                 * with carrier. */
    bool takes_gso;             /* Its model takes TCP super-frames
                                 * (models/endpoint/offload.h); a frame
                                 * handed to a port without is cut in
                                 * software (GSO) first. */
    bool tx_done;               /* Its model tells a frame's sending
                                 * socket when its TX ring is done with
                                 * it (TCP Small Queues); to a port
                                 * without, a socket's frame is done as
                                 * soon as it is handed over. */
    bool isolated;              /* A Linux bridge port with 'isolated on'
                                 * (BR_ISOLATED): the bridge never sends
                                 * what came in by it out of another
                                 * isolated port. */
    int index;                  /* Owner-defined (bridge port number...). */
    struct vh_device *dev;      /* For counters and traces. */
    struct link *link;          /* The cable to 'peer', or NULL if direct. */
    struct port_vlan vlan;      /* Membership on a VLAN-aware switching
                                 * device; zero: a trunk of every VLAN. */

    /* Edge virtual bridging (models/switch/evbtag.h), set by the owner at
     * creation: */
    bool evb_extender;          /* This end is a port extender's way up
                                 * (a VN-Tag adapter's cable, a fabric
                                 * extender's uplink): what it sends
                                 * carries the VIF it came from. */
    uint8_t evb_tag;            /* The tag (enum evb_tag_kind) this end
                                 * speaks to an extender at the other
                                 * end: a controlling bridge's ports, an
                                 * extender's host ports; 0 for none. */
};

#define PORT_HOT_BYTES offsetof(struct port, dev)
_Static_assert(offsetof(struct port, dev) == 32,
               "a port's per-frame fields are its first 32 bytes");

struct link {
    uint64_t bps;               /* Bits per second, each direction: the
                                 * lower of the two ends' speeds, as
                                 * autonegotiation settles. */
    uint64_t end_bps[2];        /* The speed each end offers (0: any). */
    vh_time_t propagation;
    bool up;
    struct port *end[2];
    uint64_t frames[2];         /* Sent from end[i] while it was up, */
    uint64_t bytes[2];          /* and their bytes with the FCS, as the
                                 * cable carries them (tags included). */
};

void port_init(struct port *, port_rx_fn rx, void *owner,
               struct vh_device *dev, int index);

/* Joins two ports directly; both get carrier. */
void port_connect(struct port *a, struct port *b);

/* Separates 'p' from its peer (a member leaving a bridge): neither has
 * carrier any more. */
void port_disconnect(struct port *p);

/* Joins two ports with a new cable (owned by the world), whose ends
 * offer speeds 'a_bps' and 'b_bps' (0: whatever the other end offers). */
struct link *port_cable(struct world *, struct port *a, struct port *b,
                        uint64_t a_bps, uint64_t b_bps,
                        vh_time_t propagation);

/* Changes the speed end 'p' of its cable offers, during the run; the
 * cable runs at the lower of its ends' from the next frame on. */
void link_set_end_speed(struct link *, const struct port *p, uint64_t bps);

/* Speed only: prefetches, a step at a time, what a frame passing
 * through port 'p' (NULL: nothing) will read: with 'step' 0 the port
 * itself, with 1 its device, from 2 on what its class's 'warm' asks for
 * (models/core/devclass.h), and through that the devices further along.
 * For a source's timer warming, ahead of its next packet, the path the
 * packet will take (see vh_sim_warm): called with 0, 1, 2... each a
 * little after the one before.  Returns whether a later step has more
 * to ask for.  Changes nothing the simulation computes. */
bool port_warm(const struct port *p, int step);

/* Hands 'p' to the peer of a directly connected port, at once.  Takes 'p';
 * an unconnected port drops it.  A super-frame for a peer that does not
 * take one is cut into its segments (GSO) on the core carrying it, as
 * softirq work, and they are handed on in order. */
void port_deliver(struct world *, struct port *from, struct vh_packet *p);

/* Time the cable needs to serialize a frame of 'len' bytes (without FCS):
 * preamble and start delimiter (8), the frame padded to 60, the FCS (4) and
 * the inter-frame gap (12). */
vh_time_t link_frame_time(const struct link *, uint32_t len);

/* Starts sending 'p' from port 'from' on its cable now.  The caller sends
 * one frame at a time in each direction (the sender's queue holds the
 * rest).  The frame reaches the far port after serialization and
 * propagation; 'done(sim, obj, NULL)' runs when the last bit has left, so
 * the sender can start the next frame.  On a cable that is down the frame
 * is dropped (reason "link-down") and 'done' still runs.  Takes 'p'. */
void link_transmit(struct world *, struct port *from, struct vh_packet *p,
                   vh_event_fn done, void *obj);

/* Takes the cable of 'p' down or up (a scenario's link event): frames on
 * it or sent to it while it is down are dropped as "link-down".  'p' has
 * a cable. */
void port_set_link(struct port *p, bool up);

/* Whether a port in mode 'v' carries VLAN 'vid'. */
bool port_vlan_member(const struct port_vlan *v, uint16_t vid);

/* Whether frames of VLAN 'vid' leave a port in mode 'v' tagged. */
bool port_vlan_tagged(const struct port_vlan *v, uint16_t vid);

#endif /* models/core/port.h */
