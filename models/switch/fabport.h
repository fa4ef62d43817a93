/* models/switch/fabport.h: a port of a hardware switching device that
 * sends through an egress buffer onto its cable.
 *
 * The controlling bridges and the port extenders (models/switch/
 * ctlbridge.h, pextender.h) are store-and-forward devices: a frame they
 * send waits in the egress port's buffer, which holds a limited number
 * of frames ("switch-buffer-full" past it), until the cable has
 * serialized the frames before it.  A port never cabled drops what it
 * is given ("no-cable").  A scenario cables it, captures on it and takes
 * its link down and up by its path, as a switch port's. */
#ifndef VH_MODELS_SWITCH_FABPORT_H
#define VH_MODELS_SWITCH_FABPORT_H 1

#include <stdbool.h>
#include <stdint.h>

#include "models/core/port.h"
#include "sim/device.h"
#include "sim/packet.h"

struct world;

struct fabport {
    struct vh_device dev;       /* "n5k/p1", "fex1/uplink". */
    struct port port;           /* Its owner is the fabport. */
    void *owner;                /* The device the port belongs to. */
    uint64_t bps;               /* Its side's speed. */
    struct vh_pktq egress;
    bool busy;                  /* A frame is on the cable. */
};

/* Registers 'fp' as 'name' within 'parent' and sets it up: frames that
 * arrive run into 'rx' (with fp->port; its index is 'index'), and its
 * egress buffer holds 'buffer' frames. */
void fabport_init(struct world *, struct fabport *fp,
                  const struct vh_device *parent, const char *name,
                  int index, port_rx_fn rx, void *owner, uint64_t bps,
                  int buffer);

/* Queues 'p' for the cable of 'fp'.  Takes 'p'. */
void fabport_send(struct world *, struct fabport *fp, struct vh_packet *p);

/* The fabport that 'port' (one set up by fabport_init) belongs to. */
static inline struct fabport *
fabport_of(const struct port *port)
{
    return port->owner;
}

/* Whether the far end of 'fp' is a port extender's way up (a fabric
 * extender's uplink, a VN-Tag adapter): what comes in carries a tag
 * going up, and what goes out must carry one coming down. */
static inline bool
fabport_extended(const struct fabport *fp)
{
    return fp->port.peer && fp->port.peer->evb_extender;
}

/* The class of every fabport. */
extern const struct dev_class fabport_class;

#endif /* models/switch/fabport.h */
