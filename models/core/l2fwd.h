/* models/core/l2fwd.h: the one L2 forwarding core of every switching
 * device.
 *
 * A Linux bridge, an upstream 802.1Q or VEPA switch and Open vSwitch's
 * NORMAL action all switch frames the same way, and all of them do it
 * here: learn the source address on the ingress port, keyed by (VLAN,
 * MAC); look the destination up; send the frame out of the learned port,
 * or flood a copy out of every other port when the destination is
 * unknown, broadcast or multicast.  Learned entries age out
 * (models/core/fdb.h).
 *
 * The never-back-out-the-same-port rule: a frame whose destination was
 * learned on its ingress port is dropped (both ends sit behind that
 * port), and floods skip the ingress.  A port that is a reflective relay
 * (802.1Qbg VEPA) does send it back out: the hairpin turn that lets VMs
 * behind one port reach each other.  Relay is a setting of each port, as
 * on a real bridge, and the core counts per port the frames it turned
 * around (a flooded copy sent back counts too).
 *
 * VLANs: a VLAN-aware device classifies each frame into a VLAN at ingress
 * (its tag, or the port's access or native VLAN when untagged), drops
 * frames of VLANs the port does not carry ("vlan-filter"), learns and
 * looks up within that VLAN, floods only to ports of that VLAN, and
 * leaves every copy tagged or untagged as the egress port's mode says,
 * pushing or pulling the 802.1Q tag on the frame's bytes.  A VLAN-unaware
 * device learns every address in VLAN 0 and passes tags through.
 *
 * Private VLANs (RFC 5517): the rules of models/core/pvlan.h narrow where
 * a frame of a domain's VLAN may go, and its VLANs learn in one table,
 * the primary's.  A flood skips the ports they forbid; a unicast frame
 * whose destination sits behind one is dropped as "pvlan".
 *
 * Port isolation (Linux's 'bridge link set dev X isolated on'): a frame
 * that came in by an isolated port never leaves by another isolated port
 * (dropped as "port-isolated" when its destination is behind one).
 *
 * Link aggregation (802.1AX): ports put in one LAG act as one port.  An
 * address is learned on the LAG (its lowest-numbered member), a frame
 * for it leaves by one member chosen by a hash of its addresses (so a
 * flow keeps to one link) among the members whose cable is up, a flood
 * sends one copy per LAG, and a frame never goes back into the LAG it
 * came from.
 *
 * The owner keeps its ports (struct port, with their VLAN modes) in an
 * array and says how a frame leaves by one of them: l2fwd never charges
 * time or counts transmissions itself, so each device keeps its own costs
 * (a bridge's CPU work, a switch's egress buffer, a PMD's copy). */
#ifndef VH_MODELS_L2FWD_H
#define VH_MODELS_L2FWD_H 1

#include <stdbool.h>
#include <stddef.h>

#include "models/core/fdb.h"
#include "models/core/port.h"
#include "models/core/pvlan.h"
#include "sim/device.h"
#include "sim/packet.h"

struct world;

/* Sends 'p' out of port 'i' of the device 'owner'.  Takes 'p'.  Returns
 * when the owner's work for it ends (for owners that account time; 0
 * otherwise). */
typedef vh_time_t (*l2fwd_output_fn)(struct world *, void *owner, size_t i,
                                     struct vh_packet *p);

struct l2fwd {
    struct fdb fdb;
    struct vh_device *dev;      /* The switching device: drops that are
                                 * not a port's are counted here. */
    void *owner;                /* Passed to 'output'. */
    l2fwd_output_fn output;
    struct port **ports;        /* The device's ports, by number; a port
                                 * without carrier (never cabled, or its
                                 * member left) takes no floods. */
    struct vh_device **port_devs;   /* Per port, where a drop at that port
                                     * is counted; NULL: at 'dev'. */
    size_t n_ports;
    bool *relay;                /* Per port, a reflective relay (VEPA): may
                                 * send back out of it what came in by
                                 * it; NULL: no port is. */
    uint64_t *reflected;        /* Per port, with 'relay': frames sent
                                 * back out of their ingress port. */
    int *lag;                   /* Per port, its LAG, or -1; NULL: no
                                 * port is in one. */
    bool vlan_aware;            /* Ports' VLAN modes apply. */
    struct pvlan_set pvlans;    /* Private VLAN domains (with
                                 * vlan_aware). */
    const char *same_port_reason;   /* The drop of a frame whose destination
                                     * is behind its ingress port. */
    uint64_t flooded;           /* Frames flooded for lack of an entry. */
};

/* Sets up an empty core for 'owner', with addresses ageing after
 * 'ageing'.  Frames whose destination sits behind their ingress port are
 * dropped as 'same_port_reason'. */
void l2fwd_init(struct l2fwd *, struct vh_device *dev, void *owner,
                l2fwd_output_fn output, vh_time_t ageing,
                const char *same_port_reason);
void l2fwd_destroy(struct l2fwd *);

/* Adds 'port' as the next port number and returns that number.  Drops
 * at this port are counted on 'drop_dev' (NULL: the device's). */
size_t l2fwd_add_port(struct l2fwd *, struct port *port,
                      struct vh_device *drop_dev);

/* Puts port 'i' in LAG 'lag' (a small number >= 0), or takes it out of
 * any (-1). */
void l2fwd_set_lag(struct l2fwd *, size_t i, int lag);

/* Declares 'secondary' an isolated or community VLAN of the private VLAN
 * domain of 'primary' (created by its first secondary).  A VID belongs to
 * at most one domain; the caller (the loader) has checked it. */
void l2fwd_add_pvlan(struct l2fwd *, uint16_t primary, uint16_t secondary,
                     enum pvlan_type);

/* Makes port 'i' a reflective relay, or not. */
void l2fwd_set_relay(struct l2fwd *, size_t i, bool relay);

/* Frames sent back out of port 'i', which they came in by. */
uint64_t l2fwd_reflected(const struct l2fwd *, size_t i);

/* Forgets the addresses learned on port 'i' (its member left). */
void l2fwd_forget_port(struct l2fwd *, size_t i);

/* Classifies 'p', arriving on port 'in', into its VLAN (p->vlan) and
 * learns its source there.  Returns false, having dropped 'p' as
 * "vlan-filter", if the port does not carry that VLAN. */
bool l2fwd_learn(struct world *, struct l2fwd *, size_t in,
                 struct vh_packet *p);

/* Forwards 'p', which l2fwd_learn() accepted on port 'in': out of the
 * port its destination was learned on, or flooded.  Takes 'p'.  Returns
 * the latest time an 'output' call returned (0 if none ran). */
vh_time_t l2fwd_forward(struct world *, struct l2fwd *, size_t in,
                        struct vh_packet *p);

/* Writes the core's counters to a report section: "flooded", and
 * "learned" (addresses learned new or on a new port). */
struct report_out;
void l2fwd_report(const struct l2fwd *, struct report_out *);

/* The port 'mac' was learned on in VLAN 'vid', or -1. */
int l2fwd_lookup(const struct l2fwd *, const struct vh_mac *mac,
                 uint16_t vid, vh_time_t now);

#endif /* models/core/l2fwd.h */
