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
#include <stdint.h>

#include "sim/event.h"
#include "sim/packet.h"
#include "sim/time.h"

struct world;
struct port;
struct link;

/* Called when a frame arrives at 'port'.  Takes 'p'. */
typedef void (*port_rx_fn)(struct world *, struct port *, struct vh_packet *p);

struct port {
    port_rx_fn rx;              /* What arriving frames run into. */
    void *owner;                /* The model instance that owns the port. */
    struct vh_device *dev;      /* For counters and traces. */
    int index;                  /* Owner-defined (bridge port number...). */
    struct port *peer;          /* The other end, or NULL if unconnected. */
    struct link *link;          /* The cable to 'peer', or NULL if direct. */
};

struct link {
    uint64_t bps;               /* Bits per second, each direction. */
    vh_time_t propagation;
    bool up;
    struct port *end[2];
};

void port_init(struct port *, port_rx_fn rx, void *owner,
               struct vh_device *dev, int index);

/* Joins two ports directly. */
void port_connect(struct port *a, struct port *b);

/* Joins two ports with a new cable (owned by the world). */
struct link *port_cable(struct world *, struct port *a, struct port *b,
                        uint64_t bps, vh_time_t propagation);

/* Hands 'p' to the peer of a directly connected port, at once.  Takes 'p';
 * an unconnected port drops it. */
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

#endif /* models/core/port.h */
