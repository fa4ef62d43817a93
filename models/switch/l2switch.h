/* models/switch/l2switch.h: an upstream (top-of-rack) Ethernet switch.
 *
 * Mode 802.1q: a store-and-forward learning bridge.  A frame is received
 * whole, looked up after the switch's forwarding latency, and queued on the
 * egress port, whose buffer has a limit ("switch-buffer-full").  It never
 * sends a frame back out of the port it came in on: traffic between two VMs
 * behind one port must be switched inside their host.
 *
 * Mode vepa: the same, but as a reflective relay (802.1Qbg): a frame whose
 * destination was learned on its ingress port goes back out of that port
 * (a hairpin turn), and floods include the ingress port, so VMs whose
 * host sends everything out (macvtap in VEPA mode) reach each other,
 * crossing the cable twice.  Relay is a port's setting ("reflective_relay":
 * by default every port of a vepa switch and none of an 802.1q one), and
 * each port counts the frames it sent back.
 *
 * With "vdp" (models/switch/vdp_bridge.h) a port forwards a VM's frames
 * only once the VM's host has associated it there: it takes in the ECP
 * frames of the host's VDP station, answers them, and drops other frames
 * from sources not associated on the port as "vdp-not-associated".
 *
 * Both speak LACP (802.1AX) when spoken to: a port that receives a
 * LACPDU answers it, and ports whose partner is the same system with the
 * same key form one link aggregation group (models/core/l2fwd.h), as a
 * switch configured with "channel-group mode active" on them would.
 *
 * Either may have an ingress ACL (the scenario's "acl"): every frame
 * received whole on a port, before the switch learns its source or
 * forwards it, is matched against the rules in order; the first that
 * matches decides, and a frame no rule matches is permitted.  A denied
 * frame is dropped at its ingress port as "acl-deny".  The rules read the
 * frame's own bytes: MACs, the 802.1Q tag's VID (none when untagged),
 * and behind the tag the IPv4 addresses and protocol, or ARP's
 * EtherType.  The lookup costs no simulated time, as in a switch's TCAM;
 * LACPDUs are never subject to it.
 *
 * Link discovery: as an 802.1D bridge, neither mode forwards a frame to
 * the reserved group addresses 01:80:c2:00:00:00 to 0f (LLDP's among
 * them): they end at the port ("link-local").  With "lldp" (or "cdp")
 * every port runs LLDP (or CDP, models/core/lldp_agent.h): it sends its
 * frame naming the switch and the port from the start and keeps what the
 * device at the other end of its cable says, as the report's
 * "neighbors" show.  A switch without "cdp" floods CDP frames as any
 * multicast, as a switch that does not speak it does; one with "cdp"
 * takes them in. */
#ifndef VH_MODELS_L2SWITCH_H
#define VH_MODELS_L2SWITCH_H 1

#include <stdbool.h>
#include <stddef.h>

#include "models/core/config.h"
#include "models/core/l2fwd.h"
#include "models/core/port.h"
#include "models/switch/swacl.h"
#include "sim/device.h"
#include "sim/packet.h"

struct world;
struct l2switch;
struct lldp_agent;
struct vdp_bridge;

struct swport {
    struct vh_device dev;       /* "tor1/p1". */
    struct l2switch *sw;
    struct port port;
    struct vh_pktq egress;
    bool busy;                  /* A frame is on the cable. */
    bool lacp;                  /* A LACP partner was heard: */
    struct vh_mac lacp_sys;     /* its system ID */
    uint16_t lacp_key;          /* and key. */
    char name[16];              /* "p1", as LLDP and CDP name it. */
    struct lldp_agent *disc;    /* With "lldp" or "cdp", or NULL. */
};

struct l2switch {
    struct vh_device dev;       /* "tor1". */
    const struct cfg_switch *cfg;
    struct l2fwd l2;            /* Learning and flooding over 'ports'. */
    struct swport *ports;       /* ports[0] is "p1". */
    int n_ports;
    struct vh_mac sys_id;       /* Its LACP system ID. */
    uint64_t lacp_rx, lacp_tx;
    struct swacl acl;           /* Its ingress ACL (models/switch/swacl.h). */
    struct vdp_bridge *vdp;     /* VDP's bridge side, or NULL. */
};

struct l2switch *l2switch_create(struct world *, const struct cfg_switch *);
void l2switch_free(struct l2switch *);

/* The classes (models/core/devclass.h): the switch, built for modes
 * 802.1q and vepa, and its ports, whose link events take their cables
 * down and up. */
extern const struct dev_class l2switch_class;
extern const struct dev_class swport_class;

/* Port "pN" (1-based), or NULL. */
struct swport *l2switch_port(struct l2switch *, int n);

/* Whether the ACL of 'sw' lets frame 'p', received on port 'in_port'
 * (1-based), through; counts the deciding rule's hit.  True without an
 * ACL. */
bool l2switch_acl_permits(struct l2switch *sw, int in_port,
                          const struct vh_packet *p);

/* The number of the port (0-based) 'mac' was learned on, or -1. */
int l2switch_lookup(const struct l2switch *, const struct vh_mac *mac,
                    vh_time_t now);

#endif /* models/switch/l2switch.h */
