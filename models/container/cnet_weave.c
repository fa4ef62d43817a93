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
 * table in place of OpenFlow tables.
 *
 * This file is the driver and the router's forwarding; the datapath is
 * weave_fastdp.c, sleeve's router weave_sleeve.c (models/container/weave.h
 * joins them). */
#include "models/container/netdrv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/container/container.h"
#include "models/container/veth.h"
#include "models/container/weave.h"
#include "models/core/devclass.h"
#include "models/endpoint/endpoint.h"
#include "models/hostnet/lbridge.h"
#include "models/tunnel/vtep.h"
#include "sim/xmalloc.h"

static const char *const wv_keys[] = { "mode", NULL };
static const char *const wv_modes[] = { "fastdp", "sleeve", NULL };

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
    weave_flows_forget(s, mac);
}

/* The router's decision for a frame 'src' -> 'dst' that came in from
 * 'in': WV_BRIDGE, a peer, WV_ALL or WV_DISCARD with '*why'. */
int
weave_decide(struct cweave *s, int in, const struct vh_mac *src,
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
void
weave_trace(struct world *w, struct cweave *s, const struct vh_packet *p,
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
                 weave_vni(s->short_id, s->peers[out].short_id));
    } else {
        snprintf(buf, sizeof buf, "%s: to peer %s, UDP %u", prefix,
                 s->peers[out].host, WEAVE_PORT);
    }
    VH_TRACE(&w->trace, VH_HOP_DECIDE, .time = at, .pkt = p,
             .dev = &s->net->dev, .what = buf);
}

void
weave_drop(struct world *w, struct cweave *s, struct vh_packet *p,
        const char *why)
{
    vh_drops_add(&s->drops, why);
    acct_drop(w, p, &s->net->dev, why);
}

/* The router's core copies 'len' bytes. */
vh_time_t
weave_copy(struct world *w, struct cweave *s, struct vh_packet *p,
            uint32_t len)
{
    s->net->host->copies_bytes += len;
    cpu_charge(w, s->router, COST_COPY_FIXED, 0, CPU_APP, p, &s->net->dev);
    return cpu_charge(w, s->router, COST_COPY_BYTE, len, CPU_APP, p,
                      &s->net->dev);
}

void
weave_to_port_ev(struct vh_sim *sim, void *obj, void *arg)
{
    port_deliver(world_of(sim), obj, arg);
}

/* --- Build. --- */

/* What the bridge sends the router's end of vethwe-bridge. */
static void
wv_bridge_in(struct world *w, struct port *port, struct vh_packet *p)
{
    struct cweave *s = port->owner;
    if (s->mode == WV_FASTDP) {
        weave_dp_rx(w, s, WV_BRIDGE, p);
    } else {
        weave_sleeve_capture(w, s, p);
    }
}

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
    return s->mode == WV_FASTDP ? weave_fastdp_build(w, s, diag)
                                : weave_sleeve_build(w, s, diag);
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
