/* models/container/weave.h: the parts of the weave network driver.
 *
 * cnet_weave.c is the driver (models/container/netdrv.h): a host's side
 * of the network, its peers, and the weave router's forwarding (where
 * each MAC is, where a frame goes); it says what Weave Net is and what
 * each mode costs.  weave_fastdp.c is mode fastdp's kernel datapath: its
 * flows, the upcalls to the router, VXLAN to the peers.  weave_sleeve.c
 * is mode sleeve: the router capturing frames from the bridge and
 * carrying them to its peers itself, over UDP. */
#ifndef VH_MODELS_WEAVE_H
#define VH_MODELS_WEAVE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/core/config.h"
#include "models/core/port.h"
#include "sim/diag.h"
#include "sim/event.h"
#include "sim/frame.h"
#include "sim/stats.h"

struct cnet;
struct cpu_core;
struct endpoint;
struct lbridge;
struct veth;
struct vh_packet;
struct vtep;
struct world;

#define WEAVE_PORT 6783         /* The router's, and sleeve's UDP port. */
#define WEAVE_VXLAN_PORT (WEAVE_PORT + 1)
#define WEAVE_MTU 1376
#define WEAVE_NAME_LEN 6        /* A peer name: a MAC address. */
#define SLEEVE_HLEN (3 * WEAVE_NAME_LEN + 2)

enum wv_mode { WV_FASTDP, WV_SLEEVE };

/* Where a frame came from, or goes: the bridge, or peer i (>= 0). */
#define WV_BRIDGE (-1)
#define WV_ALL (-2)             /* Every peer. */
#define WV_DISCARD (-3)

struct cweave;

/* Another host of the network. */
struct wv_peer {
    struct cweave *s;
    int index;
    const char *host;
    uint32_t ip;                /* Its underlay address. */
    uint16_t short_id;
    struct vh_mac name;
    /* fastdp: the tunnels to it (VNI ours | its << 12) and from it (its
     * | ours << 12), both the one vport vxlan-6784 in weave. */
    struct vtep *tx, *rx;
    struct port txp, rxp;
};

/* Where the router has seen a MAC. */
struct wv_mac {
    struct vh_mac mac;
    int at;                     /* WV_BRIDGE or a peer. */
};

/* A datapath flow: in_port (the bridge's port or a peer's tunnel) and
 * the Ethernet addresses; its action: WV_BRIDGE, a peer, WV_ALL or
 * WV_DISCARD with 'why'. */
struct wv_flow {
    int in;
    struct vh_mac src, dst;
    int out;
    const char *why;
};

/* A host's side of a weave network: its cnet's 'priv'. */
struct cweave {
    struct cnet *net;
    enum wv_mode mode;
    uint16_t short_id;
    struct vh_mac name;
    struct cfg_bridge br_cfg;
    struct lbridge *br;         /* "weave". */
    struct veth *link;          /* vethwe-bridge and the router's end. */
    struct port brp;            /* The router's side of that pair. */
    struct endpoint *nic;       /* The host's underlay address. */
    struct cpu_core *router;
    struct wv_peer *peers;
    size_t n_peers;
    struct wv_mac *macs;
    size_t n_macs;
    /* fastdp's datapath. */
    struct wv_flow *flows;
    size_t n_flows;
    int mask_order[2];          /* Mask i's position (1-based), 0: none. */
    int n_masks;
    uint64_t hits, upcalls;
    /* sleeve's router. */
    uint64_t sent, received;
    struct vh_drops drops;      /* What the router discarded, by reason. */
};

/* The VNI of frames from peer 'src' to peer 'dst' (short IDs). */
static inline uint32_t
weave_vni(uint16_t src, uint16_t dst)
{
    return (uint32_t) src | (uint32_t) dst << 12;
}

/* --- The router (cnet_weave.c). --- */

/* The router's decision for a frame 'src' -> 'dst' that came in from
 * 'in' (WV_BRIDGE or a peer), learning where 'src' is: WV_BRIDGE, a
 * peer, WV_ALL, or WV_DISCARD with '*why'. */
int weave_decide(struct cweave *, int in, const struct vh_mac *src,
                 const struct vh_mac *dst, const char **why);

/* Says, for 'vhsim explain', that 'prefix' led to action 'out'. */
void weave_trace(struct world *, struct cweave *, const struct vh_packet *,
                 vh_time_t at, const char *prefix, int out, const char *why);

/* Drops 'p' for 'why', counted in the network's drops. */
void weave_drop(struct world *, struct cweave *, struct vh_packet *p,
                const char *why);

/* The router's core copies 'len' bytes of 'p': returns when done. */
vh_time_t weave_copy(struct world *, struct cweave *, struct vh_packet *p,
                     uint32_t len);

/* An event: port_deliver() 'arg' from port 'obj'. */
void weave_to_port_ev(struct vh_sim *, void *obj, void *arg);

/* --- fastdp (weave_fastdp.c). --- */

/* The tunnels to and from each peer, bound to the host's address. */
bool weave_fastdp_build(struct world *, struct cweave *, struct vh_diag *);

/* A frame into the datapath from 'in' (WV_BRIDGE or a peer's tunnel),
 * on the core that carries it. */
void weave_dp_rx(struct world *, struct cweave *, int in,
                 struct vh_packet *p);

/* Drops the datapath's flows toward 'mac'. */
void weave_flows_forget(struct cweave *, const struct vh_mac *mac);

/* --- sleeve (weave_sleeve.c). --- */

/* The router's UDP port on the host's address. */
bool weave_sleeve_build(struct world *, struct cweave *, struct vh_diag *);

/* A frame the bridge sent to vethwe-pcap. */
void weave_sleeve_capture(struct world *, struct cweave *,
                          struct vh_packet *p);

#endif /* models/container/weave.h */
