/* models/container/cnet_weave.c: Weave Net, an L2 overlay across hosts.
 *
 * Every host that declares the network (a networks[] entry of the same
 * name, driver "weave") runs a weave router, a user-space process, and
 * is one of the network's peers.  All the network's containers, on all
 * hosts, are on one flat subnet (10.32.0.0/12 unless "subnet" says
 * otherwise, allocated in order across the hosts): ARP and broadcasts
 * cross hosts, as the routers relay them to every peer.  On each host:
 *   - "weave", a Linux bridge, with a veth pair per container on it, as
 *     on a bridge network; weave sets the MTU of the bridge and of the
 *     containers' interfaces to 1376 (WEAVE_MTU's default), so that an
 *     encapsulated frame fits a 1500-byte underlay;
 *   - a veth pair from the bridge to the router's side: "vethwe-bridge"
 *     on the bridge and, by "mode":
 *       - fastdp (the default): "vethwe-datapath", a port of an Open
 *         vSwitch kernel datapath named "datapath" that weave programs
 *         itself (no ovs-vswitchd), with a VXLAN vport "vxlan-6784"
 *         (weave's port 6783 plus one).  Frames to and from the other
 *         hosts cross in VXLAN in the kernel; the first of a flow misses
 *         the datapath's flow table and goes up to the router (an
 *         upcall), which learns, decides and installs a flow; later
 *         frames stay in the kernel.  The VNI names the two peers: weave
 *         gives every peer a 12-bit short ID and sets the tunnel ID to
 *         src | dst << 12 (router/fastdp.go: tunnelIDFor), so host 1
 *         sends to host 2 with VNI 1 | 2 << 12 = 8193 and host 2 answers
 *         with 2 | 1 << 12 = 4098; vhsim gives the peers short IDs 1, 2,
 *         ... in hosts[] order (weave draws them at random).  Datapath
 *         flows match in_port and the Ethernet addresses (and, from the
 *         vport, the tunnel), one mask for each kind;
 *       - sleeve, the fallback when the kernel has no datapath:
 *         "vethwe-pcap", on which the router captures every frame the
 *         bridge sends it (a packet socket: the kernel queues the frame
 *         and wakes the router, which reads it), and sends it in its own
 *         UDP format to the router of the peer, UDP port 6783 to 6783,
 *         DF clear; the receiving router injects it into its vethwe-pcap
 *         (a write on its packet socket).  The datagram's payload, with
 *         no encryption (router/frame_crypto.go, NonEncryptor):
 *
 *             sender's peer name   6 bytes
 *             frame's source peer  6 bytes    (repeated for each frame
 *             frame's target peer  6 bytes     weave batches; vhsim
 *             frame's length       2 bytes     sends one per datagram)
 *             the Ethernet frame
 *
 *         a peer name being a MAC address (weave's default names), here
 *         0e:77 and four bytes of a hash of the host's name.  Per frame,
 *         on the router's core as 'app': the wake-up, the read and its
 *         copy out, the copy into the datagram, sendto() and its copy
 *         in, the UDP stack; on the other side the wake-up, recvfrom()
 *         and its copy, the copy out of the receive buffer, the write and
 *         its copy in.
 *
 * The router's forwarding (router/network_router.go), the same in both
 * modes: a frame from the bridge teaches it that its source MAC is local
 * (a MAC it placed at another peer is discarded, "weave-mac-conflict");
 * one for a local MAC is discarded ("weave-local-dst": the bridge
 * flooded it and delivers it itself); one for a MAC of a peer goes to
 * that peer; the others (broadcast, multicast, unknown) to every peer
 * ("weave-no-peer" without any).  A frame from a peer teaches it where
 * its source MAC is and goes into the bridge; with every peer connected
 * to every other, the sender reached all of them and nothing is relayed.
 * When a MAC is first placed or moves, the flows toward it are dropped,
 * so that a flow that flooded while it was unknown does not outlive it
 * (weave invalidates its routes when a MAC moves).
 *
 * Work: the kernel side of fastdp (datapath receive, mask probes,
 * actions; the upcall's message and the execution of the missed frame)
 * is 'vswitch', on the core that carries the frame; the router's (its
 * handling of the miss, the flow put, the packet sent back) is 'app' on
 * its own core, a thread placed as unpinned host threads are.  The
 * datapath's primitives are those of Open vSwitch's kernel datapath:
 * weave's miss handler does what ovs-vswitchd's handler does for one
 * upcall (receive it, parse the key, choose the actions), with a MAC
 * table in place of OpenFlow tables. */
#include "models/container/netdrv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/container/container.h"
#include "models/container/veth.h"
#include "models/core/acct.h"
#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "models/hostnet/lbridge.h"
#include "models/tunnel/tnl_outer.h"
#include "models/tunnel/vtep.h"
#include "sim/stats.h"
#include "sim/xmalloc.h"

static const char *const wv_keys[] = { "mode", NULL };
static const char *const wv_modes[] = { "fastdp", "sleeve", NULL };

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

/* --- Identities. --- */

static uint64_t
fnv(const char *a, const char *b)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const char *s = a; *s; s++) {
        h = (h ^ (unsigned char) *s) * 0x100000001b3ULL;
    }
    for (const char *s = b; *s; s++) {
        h = (h ^ (unsigned char) *s) * 0x100000001b3ULL;
    }
    return h;
}

/* Host 'host''s peer name (weave derives it from the machine's ID). */
static void
peer_name(const char *host, struct vh_mac *mac)
{
    uint64_t h = fnv(host, "weave-peer");
    mac->b[0] = 0x0e;           /* Locally administered, unicast. */
    mac->b[1] = 0x77;
    for (int i = 2; i < 6; i++) {
        mac->b[i] = (uint8_t) (h >> (8 * (7 - i)));
    }
}

static uint32_t
vni_of(uint16_t src, uint16_t dst)
{
    return (uint32_t) src | (uint32_t) dst << 12;
}

/* --- The router's MAC table and forwarding. --- */

static struct wv_mac *
mac_find(struct cweave *s, const struct vh_mac *mac)
{
    for (size_t i = 0; i < s->n_macs; i++) {
        if (vh_mac_eq(&s->macs[i].mac, mac)) {
            return &s->macs[i];
        }
    }
    return NULL;
}

/* Drops the datapath's flows toward 'mac'. */
static void
flows_forget(struct cweave *s, const struct vh_mac *mac)
{
    size_t k = 0;
    for (size_t i = 0; i < s->n_flows; i++) {
        if (!vh_mac_eq(&s->flows[i].dst, mac)) {
            s->flows[k++] = s->flows[i];
        }
    }
    s->n_flows = k;
}

/* Places 'mac' at 'at'; a MAC first seen or moved drops the flows toward
 * it. */
static void
mac_learn(struct cweave *s, const struct vh_mac *mac, int at)
{
    if (vh_mac_is_multicast(mac)) {
        return;
    }
    struct wv_mac *e = mac_find(s, mac);
    if (e && e->at == at) {
        return;
    }
    if (!e) {
        s->macs = vh_xgrow(s->macs, s->n_macs, sizeof *s->macs);
        e = &s->macs[s->n_macs++];
        e->mac = *mac;
    }
    e->at = at;
    flows_forget(s, mac);
}

/* The router's decision for a frame 'src' -> 'dst' that came in from
 * 'in': WV_BRIDGE, a peer, WV_ALL or WV_DISCARD with '*why'. */
static int
wv_decide(struct cweave *s, int in, const struct vh_mac *src,
          const struct vh_mac *dst, const char **why)
{
    if (in != WV_BRIDGE) {
        mac_learn(s, src, in);
        return WV_BRIDGE;
    }
    const struct wv_mac *e = mac_find(s, src);
    if (e && e->at != WV_BRIDGE) {
        *why = "weave-mac-conflict";
        return WV_DISCARD;
    }
    mac_learn(s, src, WV_BRIDGE);
    e = vh_mac_is_multicast(dst) ? NULL : mac_find(s, dst);
    if (e && e->at == WV_BRIDGE) {
        *why = "weave-local-dst";
        return WV_DISCARD;
    }
    if (e) {
        return e->at;
    }
    if (!s->n_peers) {
        *why = "weave-no-peer";
        return WV_DISCARD;
    }
    return WV_ALL;
}

/* Says, for 'vhsim explain', what 'prefix' led to: action 'out'. */
static void
wv_trace(struct world *w, struct cweave *s, const struct vh_packet *p,
         vh_time_t at, const char *prefix, int out, const char *why)
{
    if (!(w->trace.mask & VH_HOP_BIT(VH_HOP_DECIDE))) {
        return;
    }
    char buf[160];
    if (out == WV_DISCARD) {
        snprintf(buf, sizeof buf, "%s: discard (%s)", prefix, why);
    } else if (out == WV_BRIDGE) {
        snprintf(buf, sizeof buf, "%s: into the weave bridge", prefix);
    } else if (out == WV_ALL) {
        snprintf(buf, sizeof buf, "%s: to every peer (%zu)", prefix,
                 s->n_peers);
    } else if (s->mode == WV_FASTDP) {
        snprintf(buf, sizeof buf, "%s: to peer %s, VXLAN VNI %u", prefix,
                 s->peers[out].host,
                 vni_of(s->short_id, s->peers[out].short_id));
    } else {
        snprintf(buf, sizeof buf, "%s: to peer %s, UDP %u", prefix,
                 s->peers[out].host, WEAVE_PORT);
    }
    VH_TRACE(&w->trace, VH_HOP_DECIDE, .time = at, .pkt = p,
             .dev = &s->net->dev, .what = buf);
}

/* --- fastdp: the datapath. --- */

static struct wv_flow *
flow_find(struct cweave *s, int in, const struct vh_mac *src,
          const struct vh_mac *dst)
{
    for (size_t i = 0; i < s->n_flows; i++) {
        struct wv_flow *f = &s->flows[i];
        if (f->in == in && vh_mac_eq(&f->src, src)
            && vh_mac_eq(&f->dst, dst)) {
            return f;
        }
    }
    return NULL;
}

/* The masks a lookup of a frame from 'in' probes: up to its kind's when
 * it hits, all of them when it misses. */
static unsigned
masks_probed(const struct cweave *s, int in, bool hit)
{
    int kind = in != WV_BRIDGE;
    return hit ? (unsigned) s->mask_order[kind] : (unsigned) s->n_masks;
}

static void
flow_put(struct cweave *s, int in, const struct vh_mac *src,
         const struct vh_mac *dst, int out, const char *why)
{
    int kind = in != WV_BRIDGE;
    if (!s->mask_order[kind]) {
        s->mask_order[kind] = ++s->n_masks;
    }
    s->flows = vh_xgrow(s->flows, s->n_flows, sizeof *s->flows);
    struct wv_flow *f = &s->flows[s->n_flows++];
    memset(f, 0, sizeof *f);
    f->in = in;
    f->src = *src;
    f->dst = *dst;
    f->out = out;
    f->why = why;
}

static void
to_port_ev(struct vh_sim *sim, void *obj, void *arg)
{
    port_deliver(world_of(sim), obj, arg);
}

static void
wv_drop(struct world *w, struct cweave *s, struct vh_packet *p,
        const char *why)
{
    vh_drops_add(&s->drops, why);
    acct_drop(w, p, &s->net->dev, why);
}

/* Runs action 'out' on 'p' (taken) on 'core': set_tunnel and output to
 * the vport for a peer, output to vethwe-datapath for the bridge. */
static void
dp_execute(struct world *w, struct cweave *s, struct cpu_core *core,
           struct vh_packet *p, int out, const char *why)
{
    struct vh_device *dev = &s->net->dev;
    if (out == WV_DISCARD) {
        wv_drop(w, s, p, why);
        return;
    }
    if (out == WV_BRIDGE) {
        vh_time_t t = cpu_charge(w, core, COST_OVS_DP_OUTPUT, 0,
                                 CPU_VSWITCH, p, dev);
        dev->tx++;
        vh_schedule_at(&w->sim, t, to_port_ev, &s->brp, p);
        return;
    }
    size_t first = out == WV_ALL ? 0 : (size_t) out;
    size_t last = out == WV_ALL ? s->n_peers : (size_t) out + 1;
    for (size_t i = first; i < last; i++) {
        struct vh_packet *q = i + 1 < last ? acct_clone(w, p) : p;
        cpu_charge(w, core, COST_OVS_DP_SET, 0, CPU_VSWITCH, q, dev);
        vh_time_t t = cpu_charge(w, core, COST_OVS_DP_OUTPUT, 0,
                                 CPU_VSWITCH, q, dev);
        dev->tx++;
        vh_schedule_at(&w->sim, t, to_port_ev, &s->peers[i].txp, q);
    }
}

/* The router's core copies 'len' bytes. */
static vh_time_t
router_copy(struct world *w, struct cweave *s, struct vh_packet *p,
            uint32_t len)
{
    s->net->host->copies_bytes += len;
    cpu_charge(w, s->router, COST_COPY_FIXED, 0, CPU_APP, p, &s->net->dev);
    return cpu_charge(w, s->router, COST_COPY_BYTE, len, CPU_APP, p,
                      &s->net->dev);
}

/* The router, woken by an upcall of 'p' from 'in': receives it,
 * decides, installs the flow and sends the frame back to be executed. */
static void
dp_upcall(struct world *w, struct cweave *s, int in, struct vh_packet *p)
{
    struct vh_device *dev = &s->net->dev;
    p->exec = &s->router->srv;
    s->upcalls++;
    cpu_charge(w, s->router, COST_SYSCALL, 0, CPU_APP, p, dev);
    router_copy(w, s, p, p->len);
    vh_time_t t = cpu_charge(w, s->router, COST_OVS_XLATE, 0, CPU_APP, p,
                             dev);
    struct vh_mac src = *vh_eth_src(p->data), dst = *vh_eth_dst(p->data);
    const char *why = NULL;
    int out = wv_decide(s, in, &src, &dst, &why);
    wv_trace(w, s, p, t, "weave router, installs a flow", out, why);
    if (!flow_find(s, in, &src, &dst)) {
        /* An earlier upcall of the flow may have installed it. */
        cpu_charge(w, s->router, COST_OVS_FLOW_PUT, 0, CPU_APP, p, dev);
        flow_put(s, in, &src, &dst, out, why);
    }
    cpu_charge(w, s->router, COST_OVS_PACKET_EXEC, 0, CPU_APP, p, dev);
    router_copy(w, s, p, p->len);
    dp_execute(w, s, s->router, p, out, why);
}

static void
dp_upcall_bridge_ev(struct vh_sim *sim, void *obj, void *arg)
{
    dp_upcall(world_of(sim), obj, WV_BRIDGE, arg);
}

static void
dp_upcall_peer_ev(struct vh_sim *sim, void *obj, void *arg)
{
    struct wv_peer *peer = obj;
    dp_upcall(world_of(sim), peer->s, peer->index, arg);
}

/* A frame into the datapath from 'in', on the core that carries it. */
static void
dp_rx(struct world *w, struct cweave *s, int in, struct vh_packet *p)
{
    struct vh_device *dev = &s->net->dev;
    struct cpu_core *core = cpu_exec_core(p, &s->net->host->cores[0]);
    dev->rx++;
    p->hops++;
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = dev);
    vh_time_t t = cpu_charge(w, core, COST_OVS_DP_RX, 0, CPU_VSWITCH, p,
                             dev);
    if (p->len < VH_ETH_HLEN) {
        wv_drop(w, s, p, "weave-bad-frame");
        return;
    }
    struct wv_flow *f = flow_find(s, in, vh_eth_src(p->data),
                                  vh_eth_dst(p->data));
    unsigned probes = masks_probed(s, in, f != NULL);
    if (probes) {
        t = cpu_charge_n(w, core, COST_OVS_MASK_PROBE, probes, CPU_VSWITCH,
                         p, dev);
    }
    if (f) {
        s->hits++;
        wv_trace(w, s, p, t, "datapath flow hit", f->out, f->why);
        dp_execute(w, s, core, p, f->out, f->why);
        return;
    }
    /* A miss: the frame and its key go up to the router. */
    if (w->trace.mask & VH_HOP_BIT(VH_HOP_DECIDE)) {
        VH_TRACE(&w->trace, VH_HOP_DECIDE, .time = t, .pkt = p, .dev = dev,
                 .what = "datapath miss: upcall to the weave router");
    }
    cpu_charge(w, core, COST_OVS_UPCALL, 0, CPU_VSWITCH, p, dev);
    cpu_charge(w, core, COST_COPY_FIXED, 0, CPU_VSWITCH, p, dev);
    cpu_charge(w, core, COST_COPY_BYTE, p->len, CPU_VSWITCH, p, dev);
    s->net->host->copies_bytes += p->len;
    t = cpu_wake_thread(w, core, CPU_VSWITCH, s->router, CPU_APP,
                        &s->net->host->interrupts, p, dev);
    if (in == WV_BRIDGE) {
        vh_schedule_at(&w->sim, t, dp_upcall_bridge_ev, s, p);
    } else {
        vh_schedule_at(&w->sim, t, dp_upcall_peer_ev, &s->peers[in], p);
    }
}

/* --- sleeve: the router in user space. --- */

static void
sleeve_out_ev(struct vh_sim *sim, void *obj, void *arg)
{
    struct cweave *s = obj;
    endpoint_forward(world_of(sim), s->nic, arg);
}

/* Sends 'p', read from vethwe-pcap, to 'peer' in a sleeve datagram. */
static void
sleeve_send(struct world *w, struct cweave *s, struct wv_peer *peer,
            struct vh_packet *p)
{
    struct vh_device *dev = &s->net->dev;
    uint16_t len = (uint16_t) p->len;
    /* The frame goes into the datagram's buffer behind the names. */
    router_copy(w, s, p, p->len);
    tnl_reserve(p, TNL_OUTER_ETH_IP_UDP + SLEEVE_HLEN);
    uint8_t *h = vh_packet_push(p, SLEEVE_HLEN);
    memcpy(h, s->name.b, WEAVE_NAME_LEN);
    memcpy(h + WEAVE_NAME_LEN, s->name.b, WEAVE_NAME_LEN);
    memcpy(h + 2 * WEAVE_NAME_LEN, peer->name.b, WEAVE_NAME_LEN);
    vh_put_be16(h + 3 * WEAVE_NAME_LEN, len);
    /* sendto(): the system call, the copy into the kernel, UDP and IP. */
    cpu_charge(w, s->router, COST_SYSCALL, 0, CPU_APP, p, dev);
    router_copy(w, s, p, p->len);
    struct tnl_ipv4 o = {
        .src = s->nic->ip, .dst = peer->ip, .id = s->nic->next_ip_id++,
    };
    tnl_push_udp(p, &o, WEAVE_PORT, WEAVE_PORT, true);
    tnl_push_ipv4(p, &o, VH_IPPROTO_UDP);
    vh_time_t t = cpu_charge(w, s->router, COST_STACK_TX, 0, CPU_APP, p,
                             dev);
    s->sent++;
    dev->tx++;
    vh_schedule_at(&w->sim, t, sleeve_out_ev, s, p);
}

/* The router, woken: read() the captured frame and send it on. */
static void
sleeve_read_ev(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct cweave *s = obj;
    struct vh_packet *p = arg;
    p->exec = &s->router->srv;
    cpu_charge(w, s->router, COST_TAP_READ, 0, CPU_APP, p, &s->net->dev);
    vh_time_t t = router_copy(w, s, p, p->len);
    const char *why = NULL;
    int out = wv_decide(s, WV_BRIDGE, vh_eth_src(p->data),
                        vh_eth_dst(p->data), &why);
    wv_trace(w, s, p, t, "weave router", out, why);
    if (out == WV_DISCARD) {
        wv_drop(w, s, p, why);
        return;
    }
    size_t first = out == WV_ALL ? 0 : (size_t) out;
    size_t last = out == WV_ALL ? s->n_peers : (size_t) out + 1;
    for (size_t i = first; i < last; i++) {
        struct vh_packet *q = i + 1 < last ? acct_clone(w, p) : p;
        sleeve_send(w, s, &s->peers[i], q);
    }
}

/* A frame the bridge sent to vethwe-pcap: the packet socket queues it
 * (the queueing of a tap's socket) and wakes the router. */
static void
sleeve_capture(struct world *w, struct cweave *s, struct vh_packet *p)
{
    struct vh_device *dev = &s->net->dev;
    struct cpu_core *core = cpu_exec_core(p, &s->net->host->cores[0]);
    dev->rx++;
    p->hops++;
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = dev);
    if (p->len < VH_ETH_HLEN) {
        wv_drop(w, s, p, "weave-bad-frame");
        return;
    }
    cpu_charge(w, core, COST_TUN_XMIT, 0, CPU_SOFTIRQ, p, dev);
    vh_time_t t = cpu_wake_thread(w, core, CPU_SOFTIRQ, s->router, CPU_APP,
                                  &s->net->host->interrupts, p, dev);
    vh_schedule_at(&w->sim, t, sleeve_read_ev, s, p);
}

static struct wv_peer *
peer_named(struct cweave *s, const uint8_t *name)
{
    for (size_t i = 0; i < s->n_peers; i++) {
        if (!memcmp(s->peers[i].name.b, name, WEAVE_NAME_LEN)) {
            return &s->peers[i];
        }
    }
    return NULL;
}

/* The router, woken by a datagram: recvfrom(), the copy out of its
 * buffer, and the frame injected into vethwe-pcap. */
static void
sleeve_inject_ev(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct cweave *s = obj;
    struct vh_packet *p = arg;
    struct vh_device *dev = &s->net->dev;
    p->exec = &s->router->srv;
    cpu_charge(w, s->router, COST_SYSCALL, 0, CPU_APP, p, dev);
    router_copy(w, s, p, p->len);
    router_copy(w, s, p, p->len);
    const uint8_t *h = p->data;
    struct wv_peer *from = p->len >= SLEEVE_HLEN ? peer_named(s, h) : NULL;
    if (p->len < SLEEVE_HLEN + VH_ETH_HLEN
        || vh_get_be16(h + 3 * WEAVE_NAME_LEN) != p->len - SLEEVE_HLEN) {
        wv_drop(w, s, p, "weave-bad-frame");
        return;
    }
    if (!from || !peer_named(s, h + WEAVE_NAME_LEN)
        || memcmp(h + 2 * WEAVE_NAME_LEN, s->name.b, WEAVE_NAME_LEN)) {
        wv_drop(w, s, p, "weave-unknown-peer");
        return;
    }
    struct wv_peer *src = peer_named(s, h + WEAVE_NAME_LEN);
    vh_packet_pull(p, SLEEVE_HLEN);
    const char *why = NULL;
    wv_decide(s, src->index, vh_eth_src(p->data), vh_eth_dst(p->data),
              &why);
    cpu_charge(w, s->router, COST_TAP_WRITE, 0, CPU_APP, p, dev);
    vh_time_t t = router_copy(w, s, p, p->len);
    s->received++;
    dev->tx++;
    vh_schedule_at(&w->sim, t, to_port_ev, &s->brp, p);
}

/* A datagram for UDP port 6783 of the host's address. */
static void
sleeve_rcv(struct world *w, struct endpoint *ep, struct vh_packet *p,
           const struct vh_frame_info *fi, void *ctx)
{
    struct cweave *s = ctx;
    struct cpu_core *core = cpu_exec_core(p, &s->net->host->cores[0]);
    (void) ep;
    s->net->dev.rx++;
    p->hops++;
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = &s->net->dev);
    cpu_charge(w, core, COST_STACK_RX, 0, CPU_SOFTIRQ, p, &s->net->dev);
    vh_time_t t = cpu_wake_thread(w, core, CPU_SOFTIRQ, s->router, CPU_APP,
                                  &s->net->host->interrupts, p,
                                  &s->net->dev);
    uint32_t ihl = (p->data[fi->l3_off] & 0x0fu) * 4;
    uint32_t udp_len = vh_get_be16(p->data + fi->l3_off + ihl + 4);
    vh_packet_pull(p, fi->l3_off + ihl + VH_UDP_HLEN);
    if (udp_len >= VH_UDP_HLEN && udp_len - VH_UDP_HLEN < p->len) {
        p->len = udp_len - VH_UDP_HLEN;     /* Padding off. */
    }
    vh_schedule_at(&w->sim, t, sleeve_inject_ev, s, p);
}

/* --- Ports. --- */

/* What the bridge sends the router's end of vethwe-bridge. */
static void
wv_bridge_in(struct world *w, struct port *port, struct vh_packet *p)
{
    struct cweave *s = port->owner;
    if (s->mode == WV_FASTDP) {
        dp_rx(w, s, WV_BRIDGE, p);
    } else {
        sleeve_capture(w, s, p);
    }
}

/* A frame out of the tunnel from a peer, into the datapath by the
 * vport. */
static void
wv_tunnel_in(struct world *w, struct port *port, struct vh_packet *p)
{
    struct wv_peer *peer = port->owner;
    dp_rx(w, peer->s, peer->index, p);
}

/* --- Build. --- */

static struct endpoint *
underlay(struct host *h)
{
    uint32_t local = cnet_host_underlay_ip(h->cfg);
    for (size_t i = 0; local && i < h->n_eps; i++) {
        if (h->eps[i]->ip == local) {
            return h->eps[i];
        }
    }
    return NULL;
}

static bool
wv_build_fastdp(struct world *w, struct cweave *s, struct vh_diag *diag)
{
    const struct cfg_network *cn = s->net->cfg;
    struct host *h = s->net->host;
    for (size_t i = 0; i < s->n_peers; i++) {
        struct wv_peer *pr = &s->peers[i];
        struct vtep_cfg vc;
        char name[32];
        /* As weave's set_tunnel action: DF set, TTL 64, no UDP
         * checksum. */
        vtep_cfg_init(&vc, VTEP_VXLAN, true);
        vc.port = WEAVE_VXLAN_PORT;
        vc.local_ip = s->nic->ip;
        vc.df = true;
        vc.ttl = 64;
        vc.udp_csum = false;
        vc.learning = false;
        vc.key = vni_of(s->short_id, pr->short_id);
        vc.remote_ip = pr->ip;
        snprintf(name, sizeof name, "vxlan-6784-%u", vc.key);
        pr->tx = vtep_create(w, h, name, &vc, cn->jpath);
        vc.key = vni_of(pr->short_id, s->short_id);
        snprintf(name, sizeof name, "vxlan-6784-%u", vc.key);
        pr->rx = vtep_create(w, h, name, &vc, cn->jpath);
        port_init(&pr->txp, wv_tunnel_in, pr, &s->net->dev, 0);
        port_init(&pr->rxp, wv_tunnel_in, pr, &s->net->dev, 0);
        port_connect(&pr->txp, &pr->tx->port);
        port_connect(&pr->rxp, &pr->rx->port);
        if (!vtep_bind(w, pr->tx, cn->jpath, diag)
            || !vtep_bind(w, pr->rx, cn->jpath, diag)) {
            return false;
        }
    }
    return true;
}

static bool
wv_build(struct world *w, struct cnet *net, struct vh_diag *diag)
{
    const struct cfg_network *cn = net->cfg;
    struct host *h = net->host;
    const struct cfg_scenario *sc = w->cfg;
    const char *mode = cn->mode ? cn->mode : wv_modes[0];
    char path[512];
    struct cweave *s = vh_xcalloc(1, sizeof *s);
    net->priv = s;
    s->net = net;
    s->mode = !strcmp(mode, "sleeve") ? WV_SLEEVE : WV_FASTDP;

    /* One router per host: one weave network. */
    for (size_t i = 0; i < h->n_cnets; i++) {
        const struct cnet *o = h->cnets[i];
        if (o != net && o->drv == net->drv) {
            snprintf(path, sizeof path, "%s.driver", cn->jpath);
            return vh_diag_fail(diag, path, "not supported yet: a second "
                                "weave network on host '%s' (it has '%s' "
                                "at %s): the host's weave router runs one",
                                h->dev.path, o->cfg->name, o->cfg->jpath);
        }
    }
    s->nic = underlay(h);
    if (!s->nic) {
        return vh_diag_fail(diag, cn->jpath, "weave network '%s' needs an "
                            "address of host '%s' to reach its peers by: "
                            "give one of its NICs an \"ip\"", cn->name,
                            h->dev.path);
    }
    /* The peers, and our short ID: 1, 2, ... in hosts[] order. */
    uint16_t id = 0;
    for (size_t i = 0; i < sc->n_hosts; i++) {
        const struct cfg_host *ph = &sc->hosts[i];
        for (size_t k = 0; k < ph->n_networks; k++) {
            const struct cfg_network *pn = &ph->networks[k];
            if (pn->driver != CFG_ND_WEAVE || strcmp(pn->name, cn->name)) {
                continue;
            }
            id++;
            if (ph == h->cfg) {
                s->short_id = id;
                peer_name(ph->name, &s->name);
                continue;
            }
            if (strcmp(pn->mode ? pn->mode : wv_modes[0], mode)) {
                snprintf(path, sizeof path, "%s.mode", cn->jpath);
                return vh_diag_fail(diag, path, "weave network '%s' is "
                                    "'%s' here and '%s' at %s; one network "
                                    "has one mode on every host", cn->name,
                                    mode, pn->mode ? pn->mode : wv_modes[0],
                                    pn->jpath);
            }
            if (pn->subnet != cn->subnet || pn->prefix != cn->prefix) {
                snprintf(path, sizeof path, "%s.subnet", cn->jpath);
                return vh_diag_fail(diag, path, "weave network '%s' has "
                                    "another subnet at %s; one network has "
                                    "one subnet on every host", cn->name,
                                    pn->jpath);
            }
            uint32_t ip = cnet_host_underlay_ip(ph);
            if (!ip) {
                return vh_diag_fail(diag, pn->jpath, "weave network '%s' "
                                    "needs an address of host '%s' to "
                                    "reach its peers by: give one of its "
                                    "NICs an \"ip\"", cn->name, ph->name);
            }
            s->peers = vh_xgrow(s->peers, s->n_peers, sizeof *s->peers);
            struct wv_peer *pr = &s->peers[s->n_peers];
            memset(pr, 0, sizeof *pr);
            pr->s = s;
            pr->index = (int) s->n_peers++;
            pr->host = ph->name;
            pr->ip = ip;
            pr->short_id = id;
            peer_name(ph->name, &pr->name);
        }
    }
    if (id > 4095) {
        return vh_diag_fail(diag, cn->jpath, "weave network '%s' has %u "
                            "peers; a peer's short ID has 12 bits",
                            cn->name, id);
    }

    s->br_cfg.name = "weave";
    s->br_cfg.jpath = cn->jpath;
    s->br_cfg.type = CFG_BR_LINUX;
    s->br = lbridge_create(w, h, &s->br_cfg);
    s->link = veth_create(w, h, &h->dev, "vethwe-bridge", &h->dev,
                          s->mode == WV_FASTDP ? "vethwe-datapath"
                                               : "vethwe-pcap", NULL);
    lbridge_attach(s->br, &s->link->end[0].port);
    port_init(&s->brp, wv_bridge_in, s, &net->dev, 0);
    port_connect(&s->brp, &s->link->end[1].port);
    s->router = host_pick_thread_core(h);
    for (size_t i = 0; i < s->n_peers; i++) {
        /* Not our own address: the scenario's hosts each have theirs. */
        if (s->peers[i].ip == s->nic->ip) {
            char a[20];
            return vh_diag_fail(diag, cn->jpath, "hosts '%s' and '%s' both "
                                "reach weave network '%s' from %s",
                                s->peers[i].host, h->dev.path, cn->name,
                                vh_ipv4_format(s->nic->ip, a));
        }
    }
    if (s->mode == WV_FASTDP) {
        return wv_build_fastdp(w, s, diag);
    }
    if (endpoint_bound(s->nic, VH_IPPROTO_UDP, WEAVE_PORT)) {
        char a[20];
        return vh_diag_fail(diag, cn->jpath, "UDP port %u of %s is taken "
                            "already; weave's sleeve needs it", WEAVE_PORT,
                            vh_ipv4_format(s->nic->ip, a));
    }
    endpoint_bind(s->nic, VH_IPPROTO_UDP, WEAVE_PORT, sleeve_rcv, s);
    return true;
}

/* --- Containers. --- */

static bool
wv_join(struct world *w, struct cnet *net, struct container *c,
        struct vh_diag *diag)
{
    struct cweave *s = net->priv;
    struct endpoint *ep = cnet_join_bridge(w, net, c, s->br);
    if (ep->mtu > WEAVE_MTU) {
        ep->mtu = WEAVE_MTU;
    }
    (void) diag;
    return true;
}

static void
wv_report(const struct cnet *net, struct report_out *out)
{
    const struct cweave *s = net->priv;
    char mac[20];
    report_out_str(out, "mode", s->mode == WV_FASTDP ? "fastdp" : "sleeve");
    report_out_str(out, "bridge", s->br->dev.path);
    report_out_str(out, "peer_name", vh_mac_format(&s->name, mac));
    report_out_num(out, "short_id", s->short_id);
    report_out_num(out, "peers", (double) s->n_peers);
    report_out_num(out, "router_core", (double) s->router->index);
    if (s->mode == WV_FASTDP) {
        uint64_t enc = 0, dec = 0;
        for (size_t i = 0; i < s->n_peers; i++) {
            enc += s->peers[i].tx->encap.frames;
            dec += s->peers[i].rx->decap.frames;
        }
        report_out_str(out, "vport", "vxlan-6784");
        report_out_num(out, "flows", (double) s->n_flows);
        report_out_num(out, "hits", (double) s->hits);
        report_out_num(out, "upcalls", (double) s->upcalls);
        report_out_num(out, "encapsulated", (double) enc);
        report_out_num(out, "decapsulated", (double) dec);
    } else {
        report_out_num(out, "router_sent", (double) s->sent);
        report_out_num(out, "router_received", (double) s->received);
    }
    report_out_begin(out, "drops");
    for (size_t i = 0; i < s->drops.n; i++) {
        report_out_num(out, s->drops.reason[i], (double) s->drops.count[i]);
    }
    report_out_end(out);
}

static void
wv_destroy(struct cnet *net)
{
    struct cweave *s = net->priv;
    if (s) {
        free(s->peers);
        free(s->macs);
        free(s->flows);
        free(s);
    }
}

const struct net_driver cnet_weave_driver = {
    .name = "weave",
    .keys = wv_keys,
    .modes = wv_modes,
    .build = wv_build,
    .join = wv_join,
    .report = wv_report,
    .destroy = wv_destroy,
};
