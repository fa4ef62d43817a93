/* models/switch/fabport.c: an egress buffer in front of a cable. */
#include "models/switch/fabport.h"

#include "models/core/acct.h"
#include "models/core/devclass.h"
#include "models/core/world.h"
#include "sim/trace.h"

static void fabport_send_next(struct world *, struct fabport *);

static void
fabport_tx_done(struct vh_sim *sim, void *obj, void *arg)
{
    struct fabport *fp = obj;
    fp->busy = false;
    fabport_send_next(world_of(sim), fp);
    (void) arg;
}

static void
fabport_send_next(struct world *w, struct fabport *fp)
{
    if (fp->busy || !fp->egress.count) {
        return;
    }
    fp->busy = true;
    link_transmit(w, &fp->port, vh_pktq_pop(&fp->egress), fabport_tx_done,
                  fp);
}

void
fabport_init(struct world *w, struct fabport *fp,
             const struct vh_device *parent, const char *name, int index,
             port_rx_fn rx, void *owner, uint64_t bps, int buffer)
{
    dev_register(w, &fp->dev, &fabport_class, parent, name);
    port_init(&fp->port, rx, fp, &fp->dev, index);
    fp->owner = owner;
    fp->bps = bps;
    vh_pktq_init(&fp->egress, (uint32_t) buffer);
}

void
fabport_send(struct world *w, struct fabport *fp, struct vh_packet *p)
{
    if (!fp->port.link) {
        acct_drop(w, p, &fp->dev, "no-cable");
        return;
    }
    if (vh_pktq_full(&fp->egress)) {
        acct_drop(w, p, &fp->dev, "switch-buffer-full");
        return;
    }
    vh_pktq_push(&fp->egress, p);
    VH_TRACE(&w->trace, VH_HOP_ENQUEUE, .time = w->sim.now, .pkt = p,
             .dev = &fp->dev, .depth = fp->egress.count);
    fabport_send_next(w, fp);
}

/* --- The class. --- */

static struct port *
fabport_wire(struct vh_device *d, uint64_t *bps)
{
    struct fabport *fp = VH_CONTAINER_OF(d, struct fabport, dev);
    *bps = fp->bps;
    return &fp->port;
}

static bool
fabport_has_link(const struct vh_device *d)
{
    return VH_CONTAINER_OF(d, const struct fabport, dev)->port.link != NULL;
}

static void
fabport_set_link(struct world *w, struct vh_device *d, bool up)
{
    port_set_link(&VH_CONTAINER_OF(d, struct fabport, dev)->port, up);
    (void) w;
}

const struct dev_class fabport_class = {
    .kind = "fabric-port",
    .role = VH_ROLE_DEVICE,
    .family = DEV_FAM_PART,
    .wire = fabport_wire,
    .has_link = fabport_has_link,
    .set_link = fabport_set_link,
};
