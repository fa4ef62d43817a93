/* models/switch/vdp_bridge.h: the bridge's side of VDP, on the ports of a
 * switch with "vdp".
 *
 * Each such port runs ECP (models/switch/ecp.h) with the host's station
 * behind it and keeps the port's VSIs: per VSI ID, the last request it
 * accepted (VSI type and version, the MAC/VLAN filter) and its state, which
 * the requests move:
 *
 *   pre-associate (with or without resource reservation)
 *                      the VSI is expected here: recorded, not forwarded
 *                      for (a migrating VM's destination, during the
 *                      downtime);
 *   associate          the VSI is live: its frames are forwarded;
 *   de-associate       it is gone from the port: forgotten.
 *
 * The bridge answers every request with a response: the same VSI TLV,
 * the response bit set and error code 0 (success; the model has no
 * profile database that could refuse one), as a data unit of its own
 * that the station acknowledges.
 *
 * The gate: a frame taken in by a VDP port is forwarded only if its source
 * MAC and VLAN (its 802.1Q tag's VID, 0 when untagged) match the filter
 * of a VSI associated on that port; the switch drops the others at the
 * port as "vdp-not-associated".  So a VM's frames sent before its
 * association has reached the switch are lost, and so are the frames of
 * a VM that moved to another port before it associates there. */
#ifndef VH_MODELS_VDP_BRIDGE_H
#define VH_MODELS_VDP_BRIDGE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/switch/ecp.h"
#include "models/switch/vdp.h"
#include "sim/packet.h"
#include "sim/time.h"

struct world;
struct report_out;
struct vdp_bridge;

/* Sends 'p' out of port 'port' (0-based) of the switch 'owner'. */
typedef void (*vdp_bridge_send_fn)(struct world *, void *owner, int port,
                                   struct vh_packet *p);

/* One VSI known on a port. */
struct vdp_vsi {
    struct vdp_msg req;         /* The request accepted last: its 'mode' is
                                 * the VSI's state (VDP_PREASSOC,
                                 * VDP_PREASSOC_RR or VDP_ASSOC). */
    vh_time_t since;            /* When it entered that state. */
};

struct vdp_bport {
    struct vdp_bridge *br;
    int index;
    bool on;                    /* VDP runs on this port. */
    struct ecp_end ecp;
    struct vdp_vsi *vsis;
    size_t n_vsis, cap;
};

struct vdp_bridge {
    struct vdp_bport *ports;
    int n_ports;
    void *owner;
    vdp_bridge_send_fn send;
    uint64_t preassociates;     /* Requests accepted, by kind. */
    uint64_t associates;
    uint64_t deassociates;
};

/* A bridge side for the 'n_ports' ports of switch 'owner', VDP running on
 * those whose 'on' is true; its frames leave with source 'mac'. */
struct vdp_bridge *vdp_bridge_create(struct world *, void *owner,
                                     vdp_bridge_send_fn send,
                                     const struct vh_mac *mac,
                                     const bool *on, int n_ports);
void vdp_bridge_free(struct vdp_bridge *);

/* Whether VDP runs on port 'port'. */
bool vdp_bridge_port_on(const struct vdp_bridge *, int port);

/* Takes in ECP frame 'p', received on port 'port': acknowledges it and
 * acts on its VDP request, or completes what it acknowledges.  Returns
 * false if 'p' is not an ECP frame carrying VDP that the model reads
 * (the caller drops it).  Does not take 'p'. */
bool vdp_bridge_input(struct vdp_bridge *, int port,
                      const struct vh_packet *p);

/* Whether frame 'p', taken in by port 'port', comes from a VSI
 * associated there (always, on a port without VDP). */
bool vdp_bridge_admits(const struct vdp_bridge *, int port,
                       const struct vh_packet *p);

/* The VSI of port 'port' whose filter has MAC 'mac' in VLAN 'vid', or
 * NULL. */
const struct vdp_vsi *vdp_bridge_find(const struct vdp_bridge *, int port,
                                      const struct vh_mac *mac,
                                      uint16_t vid);

/* Writes "vdp" to a switch's report: the requests accepted by kind, and
 * every VSI known, port by port: its MAC and VLAN, state, and since
 * when. */
void vdp_bridge_report(const struct vdp_bridge *, struct report_out *);

#endif /* models/switch/vdp_bridge.h */
