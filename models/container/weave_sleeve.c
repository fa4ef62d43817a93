/* models/container/weave_sleeve.c: weave's sleeve, the router in user
 * space.
 *
 * The router captures on vethwe-pcap every frame the bridge sends it
 * (a packet socket: the kernel queues the frame and wakes the router),
 * decides (models/container/cnet_weave.c), and sends the frame to the
 * peer's router in a UDP datagram of its own, port 6783 to 6783, DF
 * clear, the checksum computed by the kernel.  The receiving router
 * checks the names, learns where the frame's source is and writes the
 * frame into its vethwe-pcap, whence it reaches the bridge.  The layout
 * of the datagram is in cnet_weave.c. */
#include "models/container/weave.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/container/netdrv.h"
#include "models/core/acct.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "models/tunnel/tnl_outer.h"

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
    weave_copy(w, s, p, p->len);
    tnl_reserve(p, TNL_OUTER_ETH_IP_UDP + SLEEVE_HLEN);
    uint8_t *h = vh_packet_push(p, SLEEVE_HLEN);
    memcpy(h, s->name.b, WEAVE_NAME_LEN);
    memcpy(h + WEAVE_NAME_LEN, s->name.b, WEAVE_NAME_LEN);
    memcpy(h + 2 * WEAVE_NAME_LEN, peer->name.b, WEAVE_NAME_LEN);
    vh_put_be16(h + 3 * WEAVE_NAME_LEN, len);
    /* sendto(): the system call, the copy into the kernel, UDP and IP. */
    cpu_charge(w, s->router, COST_SYSCALL, 0, CPU_APP, p, dev);
    weave_copy(w, s, p, p->len);
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
    vh_time_t t = weave_copy(w, s, p, p->len);
    const char *why = NULL;
    int out = weave_decide(s, WV_BRIDGE, vh_eth_src(p->data),
                        vh_eth_dst(p->data), &why);
    weave_trace(w, s, p, t, "weave router", out, why);
    if (out == WV_DISCARD) {
        weave_drop(w, s, p, why);
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
void
weave_sleeve_capture(struct world *w, struct cweave *s, struct vh_packet *p)
{
    struct vh_device *dev = &s->net->dev;
    struct cpu_core *core = cpu_exec_core(p, &s->net->host->cores[0]);
    dev->rx++;
    p->hops++;
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = dev);
    if (p->len < VH_ETH_HLEN) {
        weave_drop(w, s, p, "weave-bad-frame");
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
    weave_copy(w, s, p, p->len);
    weave_copy(w, s, p, p->len);
    const uint8_t *h = p->data;
    struct wv_peer *from = p->len >= SLEEVE_HLEN ? peer_named(s, h) : NULL;
    if (p->len < SLEEVE_HLEN + VH_ETH_HLEN
        || vh_get_be16(h + 3 * WEAVE_NAME_LEN) != p->len - SLEEVE_HLEN) {
        weave_drop(w, s, p, "weave-bad-frame");
        return;
    }
    if (!from || !peer_named(s, h + WEAVE_NAME_LEN)
        || memcmp(h + 2 * WEAVE_NAME_LEN, s->name.b, WEAVE_NAME_LEN)) {
        weave_drop(w, s, p, "weave-unknown-peer");
        return;
    }
    struct wv_peer *src = peer_named(s, h + WEAVE_NAME_LEN);
    vh_packet_pull(p, SLEEVE_HLEN);
    const char *why = NULL;
    weave_decide(s, src->index, vh_eth_src(p->data), vh_eth_dst(p->data),
              &why);
    cpu_charge(w, s->router, COST_TAP_WRITE, 0, CPU_APP, p, dev);
    vh_time_t t = weave_copy(w, s, p, p->len);
    s->received++;
    dev->tx++;
    vh_schedule_at(&w->sim, t, weave_to_port_ev, &s->brp, p);
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

bool
weave_sleeve_build(struct world *w, struct cweave *s, struct vh_diag *diag)
{
    const struct cfg_network *cn = s->net->cfg;
    (void) w;
    if (endpoint_bound(s->nic, VH_IPPROTO_UDP, WEAVE_PORT)) {
        char a[20];
        return vh_diag_fail(diag, cn->jpath, "UDP port %u of %s is taken "
                            "already; weave's sleeve needs it", WEAVE_PORT,
                            vh_ipv4_format(s->nic->ip, a));
    }
    endpoint_bind(s->nic, VH_IPPROTO_UDP, WEAVE_PORT, sleeve_rcv, s);
    return true;
}
