/* models/container/veth.c: a veth pair. */
#include "models/container/veth.h"

#include <stdlib.h>

#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/hw/cpu.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

/* The pair an end belongs to: its ends are its first member. */
static struct veth *
veth_of(struct veth_end *e)
{
    return (struct veth *) (void *) (e - e->side);
}

/* The core that carries 'p', or the host's first when none does.  The
 * pair is looked up only then: it is a line of its own. */
static struct cpu_core *
veth_core(struct veth_end *e, const struct vh_packet *p)
{
    return p->exec ? cpu_of_exec(p->exec) : &veth_of(e)->host->cores[0];
}

static vh_time_t
veth_charge(struct world *w, struct veth_end *e, struct cpu_core *core,
            enum cost_id id, struct vh_packet *p)
{
    if (e->cycles) {
        e->cycles[CPU_SOFTIRQ] += cpu_cycles(core, id, 0);
    }
    return cpu_charge(w, core, id, 0, CPU_SOFTIRQ, p, &e->dev);
}

/* The peer takes the frame off the backlog: the generic receive, then
 * whatever is on its side (the bridge, or the container's stack). */
static void
veth_peer_rx(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct veth_end *e = obj;
    struct vh_packet *p = arg;
    struct cpu_core *core = veth_core(e, p);
    e->dev.rx++;
    e->dev.report |= p->flow >= 0;
    VH_TRACE(&w->trace, VH_HOP_RX, .time = w->sim.now, .pkt = p,
             .dev = &e->dev);
    /* What is on the peer's side runs in the same softirq, right after:
     * the frame is handed on at once, and its work queues on the same
     * core behind this. */
    veth_charge(w, e, core, COST_NETIF_RECEIVE, p);
    port_deliver(w, &e->port, p);
}

/* A frame sent into end 'e' by what sits on its side. */
static void
veth_xmit(struct world *w, struct port *port, struct vh_packet *p)
{
    struct veth_end *e = port->owner;
    struct veth_end *peer = e->other;
    struct cpu_core *core = veth_core(e, p);
    e->dev.tx++;
    e->dev.report |= p->flow >= 0;
    p->hops++;
    VH_TRACE(&w->trace, VH_HOP_TX, .time = w->sim.now, .pkt = p,
             .dev = &e->dev);
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = &e->dev);
    vh_time_t t = veth_charge(w, e, core, COST_VETH_XMIT, p);
    vh_schedule_at(&w->sim, t, veth_peer_rx, peer, p);
}

struct veth *
veth_create(struct world *w, struct host *h,
            const struct vh_device *parent0, const char *name0,
            const struct vh_device *parent1, const char *name1,
            uint64_t *cycles)
{
    struct veth *v = vh_xcalloc_lines(1, sizeof *v);
    v->host = h;
    const struct vh_device *parents[2] = { parent0, parent1 };
    const char *names[2] = { name0, name1 };
    for (int i = 0; i < 2; i++) {
        struct veth_end *e = &v->end[i];
        e->other = &v->end[1 - i];
        e->cycles = cycles;
        e->side = i;
        dev_register(w, &e->dev, &veth_class, parents[i], names[i]);
        port_init(&e->port, veth_xmit, e, &e->dev, 0);
    }
    vh_device_connect(&v->end[0].dev, &v->end[1].dev, 0);
    return v;
}

/* End 0 is registered first, so it is freed last, and with it the
 * pair. */
static void
veth_destroy(struct vh_device *d)
{
    struct veth_end *e = VH_CONTAINER_OF(d, struct veth_end, dev);
    if (e->side == 0) {
        free(veth_of(e));
    }
}

/* What a frame through the pair reads (see dev_class's 'warm'): both
 * ends' hot lines, then the device on the far side. */
static bool
veth_warm(const struct port *port, int step)
{
    if (port->rx != veth_xmit) {
        return false;           /* The stack's port, on this end's device. */
    }
    const struct veth_end *e = port->owner;
    const struct veth_end *other = e->other;
    if (step == 0) {
        __builtin_prefetch(e);
        __builtin_prefetch((const char *) e + 64);
        __builtin_prefetch(other);
        __builtin_prefetch((const char *) other + 64);
        return true;
    }
    return port_warm(other->port.peer, step - 1);
}

const struct dev_class veth_class = {
    .kind = "veth",
    .role = VH_ROLE_DEVICE,
    .family = DEV_FAM_PART,
    .warm = veth_warm,
    .destroy = veth_destroy,
};
