/* models/hostnet/macvtap.h: macvlan on a physical NIC, with macvtap endpoints.
 *
 * A macvtap is a tap whose other side is not a bridge port but a macvlan:
 * a virtual interface with its own MAC stacked on a physical NIC.  The
 * macvlan layer takes over the NIC's receive path (its rx_handler) and
 * hands each received frame to the macvtap whose MAC is the frame's
 * destination: one hash lookup ('macvlan_forward', charged as 'vswitch'
 * on the NIC's softirq core), with no learning, no flooding of unknown
 * unicast and no bridge.  Frames for no macvtap go to the host's own stack
 * on the NIC, if it has an address there.  On the way out each frame costs
 * the same lookup on the vhost worker's core, then goes to the NIC driver.
 * The VM's vhost-net worker reads and writes the macvtap's queue exactly
 * as it would a tap's.
 *
 * Modes (per macvtap, as `ip link ... type macvtap mode M`):
 *  - bridge: frames to a sibling in bridge mode on the same NIC are
 *    switched inside the host and never reach the wire; broadcasts go to
 *    the bridge-mode siblings and out.
 *  - vepa: every frame leaves by the NIC, even to a sibling; it comes back
 *    only if the adjacent switch reflects it (switch mode "vepa").  An
 *    802.1Q switch filters it ("no-hairpin").  The first frame lost that
 *    way is the ARP request for the sibling, so the packets waiting for
 *    that answer carry the reason too (endpoint_arp_blame).
 *  - private: like vepa, but frames between siblings are dropped even
 *    when the switch reflects them ("macvtap-private").
 *  - passthru: the one macvtap owns the NIC and receives all its frames.
 * A reflected broadcast goes, as Linux's macvlan sends it, from a vepa
 * sender to the vepa and bridge siblings, and from a bridge sender to the
 * vepa siblings only (the bridge ones had it on the way out).
 *
 * A frame from the host's own stack to a macvtap's MAC leaves by the wire
 * as on Linux, so without a reflecting switch the host cannot reach its
 * macvtap VMs.
 *
 * A container's macvlan device (models/container/cnet_macvlan.c) is the
 * same port of the same layer, in the same modes, with the container's
 * stack above it instead of a tap and a vhost worker: macvlan_add().
 *
 * Live migration: the VM's macvtap is deleted on the source host and made
 * anew, in the same mode, on the destination's NIC of the same name (the
 * NIC's macvlan layer is built when the migration is scheduled, and joins
 * the NIC with its first macvtap).  A passthru macvtap does not move. */
#ifndef VH_MODELS_MACVTAP_H
#define VH_MODELS_MACVTAP_H 1

#include <stdbool.h>
#include <stddef.h>

#include "models/core/port.h"
#include "sim/device.h"
#include "sim/diag.h"
#include "sim/frame.h"

struct endpoint;
struct host;
struct pnic;
struct vm_nic;
struct world;

enum macvtap_mode { MACVTAP_VEPA, MACVTAP_BRIDGE, MACVTAP_PRIVATE,
                    MACVTAP_PASSTHRU };

struct macvlan;

struct macvtap {
    struct macvlan *mv;
    struct port port;           /* Joined to the vNIC's host half, or to a
                                 * container's interface. */
    struct vh_mac mac;          /* The vNIC's (or container's) MAC. */
    enum macvtap_mode mode;
    struct endpoint *ep;        /* The guest (or container) stack behind
                                 * it. */
};

struct macvlan {
    struct vh_device dev;       /* "host1/eth0/macvlan". */
    struct host *host;
    struct pnic *nic;           /* The lower device. */
    struct port lower;          /* Joined to the NIC's host side. */
    struct port local;          /* Joined to the host's own endpoint on
                                 * the NIC, if it has one. */
    struct macvtap **taps;      /* Stable addresses. */
    size_t n_taps;
    struct macvtap **gone;      /* Deleted by migrations; frames on their
                                 * way may still name them. */
    size_t n_gone;
    bool joined;                /* Joined to the NIC (has had a macvtap). */
};

/* Puts the host half of VM NIC 'n' on a macvtap over the NIC its attach
 * names, creating the NIC's macvlan layer with the first.  Returns false
 * with 'diag' set if the NIC cannot take it. */
bool macvtap_attach(struct world *, struct host *h, struct vm_nic *n,
                    struct vh_diag *diag);

/* Adds a macvlan device of MAC 'mac' in 'mode' on 'nic' of 'h', joined to
 * 'upper' above it, with stack 'ep' behind it; the NIC's macvlan layer
 * is made and joined with its first device.  False with 'diag' set (at
 * 'jpath') if the NIC already has a passthru one, or this one is
 * passthru and the NIC has others. */
bool macvlan_add(struct world *, struct host *h, struct pnic *nic,
                 const struct vh_mac *mac, enum macvtap_mode mode,
                 struct endpoint *ep, struct port *upper, const char *jpath,
                 struct vh_diag *diag);

/* The class of a NIC's macvlan layer (models/core/devclass.h). */
extern const struct dev_class macvlan_class;

#endif /* models/hostnet/macvtap.h */
