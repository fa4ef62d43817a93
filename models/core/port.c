/* models/core/port.c: direct hand-offs and cables between model ports. */
#include "models/core/port.h"

#include <stdlib.h>

#include "models/core/acct.h"
#include "models/core/devclass.h"
#include "models/endpoint/offload.h"
#include "models/core/world.h"
#include "sim/frame.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

/* Ethernet framing around each frame on a cable. */
#define PREAMBLE_SFD 8
#define INTERFRAME_GAP 12

void
port_init(struct port *p, port_rx_fn rx, void *owner, struct vh_device *dev,
          int index)
{
    p->rx = rx;
    p->owner = owner;
    p->dev = dev;
    p->index = index;
    p->peer = NULL;
    p->link = NULL;
    p->vlan = (struct port_vlan) { .mode = PORT_VLAN_TRUNK };
}

void
port_connect(struct port *a, struct port *b)
{
    a->peer = b;
    b->peer = a;
    a->carrier = b->carrier = true;
    if (a->dev && b->dev) {
        vh_device_connect(a->dev, b->dev, 0);
    }
}

void
port_disconnect(struct port *p)
{
    if (p->peer) {
        p->peer->peer = NULL;
        p->peer->carrier = false;
    }
    p->peer = NULL;
    p->carrier = false;
}

struct link *
port_cable(struct world *w, struct port *a, struct port *b, uint64_t a_bps,
           uint64_t b_bps, vh_time_t propagation)
{
    struct link *l = vh_xcalloc(1, sizeof *l);
    l->end_bps[0] = a_bps;
    l->end_bps[1] = b_bps;
    l->bps = !b_bps || (a_bps && a_bps < b_bps) ? a_bps : b_bps;
    l->propagation = propagation;
    l->up = true;
    l->end[0] = a;
    l->end[1] = b;
    port_connect(a, b);
    if (a->dev && b->dev) {
        vh_device_connect(a->dev, b->dev, 1);
    }
    a->link = b->link = l;
    world_add_link(w, l);
    return l;
}

void
link_set_end_speed(struct link *l, const struct port *p, uint64_t bps)
{
    l->end_bps[l->end[1] == p] = bps;
    uint64_t a = l->end_bps[0], b = l->end_bps[1];
    l->bps = !b || (a && a < b) ? a : b;
}

bool
port_warm(const struct port *p, int step)
{
    if (!p) {
        return false;
    }
    if (step < 0) {
        return true;            /* Not yet. */
    }
    if (step == 0) {
        __builtin_prefetch(p);
        return true;
    }
    if (step == 1) {
        __builtin_prefetch(p->dev);
        return true;
    }
    const struct dev_class *cls = p->dev ? p->dev->cls : NULL;
    return cls && cls->warm && cls->warm(p, step - 2);
}

void
port_deliver(struct world *w, struct port *from, struct vh_packet *p)
{
    if (!from->peer) {
        acct_drop(w, p, from->dev, "unconnected-port");
        return;
    }
    if (offload_is_super(p) && !from->peer->takes_gso) {
        struct vh_packet *segs[OFFLOAD_MAX_SEGS];
        vh_time_t done;
        struct cpu_core *core = cpu_exec_core(p, NULL);
        size_t n = core ? offload_gso(w, p, core, CPU_SOFTIRQ, from->dev, segs,
                                      &done)
                        : offload_segment(w, p, segs);
        for (size_t i = 0; i < n; i++) {
            from->peer->rx(w, from->peer, segs[i]);
        }
        return;
    }
    from->peer->rx(w, from->peer, p);
}

vh_time_t
link_frame_time(const struct link *l, uint32_t len)
{
    uint32_t frame = len < VH_ETH_MIN_FRAME ? VH_ETH_MIN_FRAME : len;
    return vh_bytes_time(PREAMBLE_SFD + frame + VH_ETH_FCS + INTERFRAME_GAP,
                         l->bps);
}

static int
link_dir(const struct link *l, const struct port *from)
{
    return l->end[0] == from ? 0 : 1;
}

static void
link_arrive(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct port *to = obj;
    struct vh_packet *p = arg;

    if (!to->link->up) {
        acct_drop(w, p, to->dev, "link-down");
        return;
    }
    to->dev->rx++;
    VH_TRACE(&w->trace, VH_HOP_RX, .time = sim->now, .pkt = p,
             .dev = to->dev);
    to->rx(w, to, p);
}

void
link_transmit(struct world *w, struct port *from, struct vh_packet *p,
              vh_event_fn done, void *obj)
{
    struct link *l = from->link;
    vh_time_t now = w->sim.now;

    if (!l || !l->up) {
        acct_drop(w, p, from->dev, l ? "link-down" : "no-cable");
        vh_schedule_at(&w->sim, now, done, obj, NULL);
        return;
    }
    int dir = link_dir(l, from);
    vh_time_t ser = link_frame_time(l, p->len);
    vh_time_t ser_ns = (ser + VH_NS - 1) / VH_NS;
    if (ser_ns > p->wire_ns) {
        p->wire_ns = ser_ns > UINT32_MAX ? UINT32_MAX : (uint32_t) ser_ns;
    }
    from->dev->tx++;
    l->frames[dir]++;
    l->bytes[dir] += p->len + VH_ETH_FCS;
    p->exec = NULL;
    VH_TRACE(&w->trace, VH_HOP_TX, .time = now, .pkt = p, .dev = from->dev);
    VH_TRACE(&w->trace, VH_HOP_SERVICE, .time = now, .end = now + ser,
             .pkt = p, .dev = from->dev);
    vh_schedule_at(&w->sim, now + ser + l->propagation, link_arrive,
                   l->end[1 - dir], p);
    vh_schedule_at(&w->sim, now + ser, done, obj, NULL);
}

void
port_set_link(struct port *p, bool up)
{
    p->link->up = up;
}

bool
port_vlan_member(const struct port_vlan *v, uint16_t vid)
{
    if (vid == v->tag) {
        return true;
    }
    if (v->mode == PORT_VLAN_ACCESS || vid >= 4096) {
        return false;
    }
    return !v->trunks || (v->trunks[vid / 64] >> (vid % 64) & 1);
}

bool
port_vlan_tagged(const struct port_vlan *v, uint16_t vid)
{
    return v->mode == PORT_VLAN_TRUNK && vid != v->tag;
}
