/* models/hostnet/vif_macvtap.c: the host's half of a VIF in standard
 * mode. */
#include "models/hostnet/vif_macvtap.h"

#include <stdio.h>
#include <stdlib.h>

#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/guest/vm.h"
#include "models/hw/cpu.h"
#include "models/hw/iommu.h"
#include "models/hw/pnic.h"
#include "models/hw/sriov.h"
#include "models/hw/vic.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

static struct cpu_core *
core_of(const struct vif_macvtap *t, const struct vh_packet *p)
{
    return cpu_exec_core(p, t->q->irq_core);
}

/* A frame enters macvlan from either side: its dispatch on the core that
 * carries it, then 'next'. */
static void
enter(struct world *w, struct vif_macvtap *t, struct vh_packet *p,
      vh_event_fn next)
{
    t->dev.rx++;
    p->hops++;
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = &t->dev);
    vh_time_t at = cpu_charge(w, core_of(t, p), COST_MACVLAN_FORWARD, 0,
                              CPU_VSWITCH, p, &t->dev);
    vh_schedule_at(&w->sim, at, next, t, p);
}

/* Passthru: everything the VIF receives is the one macvtap's. */
static void
to_guest(struct vh_sim *sim, void *obj, void *arg)
{
    struct vif_macvtap *t = obj;
    t->dev.tx++;
    port_deliver(world_of(sim), &t->tap, arg);
}

static void
to_vif(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct vif_macvtap *t = obj;
    struct vh_packet *p = arg;
    t->dev.tx++;
    pnic_driver_xmit(w, t->q, core_of(t, p), CPU_SOFTIRQ, p, &t->dev);
}

/* A frame from the VIF's NAPI poll, on the host core it runs on. */
static void
lower_rx(struct world *w, struct port *port, struct vh_packet *p)
{
    enter(w, port->owner, p, to_guest);
}

/* A frame from the vNIC's backend (the vhost worker), to send. */
static void
tap_rx(struct world *w, struct port *port, struct vh_packet *p)
{
    enter(w, port->owner, p, to_vif);
}

bool
vif_macvtap_attach(struct world *w, struct host *h, struct vm_nic *n,
                   struct vh_diag *diag)
{
    const struct cfg_vnic *cv = n->cfg;
    struct pnic *nic = host_nic(w, h, cv->attach_to);
    struct vic *v = nic ? vic_of(nic) : NULL;
    char tp[512];
    snprintf(tp, sizeof tp, "%s.attach.to", cv->jpath);
    if (!v) {
        return vh_diag_fail(diag, tp, "host '%s' has no VIC '%s'",
                            h->dev.path, cv->attach_to);
    }
    struct sriov_vf *vif = sriov_vf_pick(v->sr, -1);
    if (!vif) {
        return vh_diag_fail(diag, tp, "all %d VIFs of '%s' are taken",
                            v->n_vifs, nic->dev.path);
    }
    sriov_vf_assign(vif, &cv->mac, -1);
    vif->vnic = n;

    /* The host drives it: its DMA stays in the host's identity domain,
     * its interrupt is a host interrupt on the core serving the vNIC. */
    struct pnic_fn *fn = &vif->fn;
    struct pnic_queue *q = &nic->q[fn->first_q];
    const struct dev_class *vcls = dev_class_of(n->dev);
    struct cpu_core *core = vcls->serving_core ? vcls->serving_core(n)
                                               : NULL;
    q->irq_core = core ? core : host_irq_core(h, 0);
    if (h->iommu) {
        iommu_attach(h->iommu, fn->rid, IOMMU_IDENTITY);
    }

    struct vif_macvtap *t = vh_xcalloc(1, sizeof *t);
    dev_register(w, &t->dev, &vif_macvtap_class, &vif->dev, "macvtap");
    t->dev.report = 1;
    t->vif = vif;
    t->q = q;
    port_init(&t->lower, lower_rx, t, &t->dev, 0);
    port_init(&t->tap, tap_rx, t, &t->dev, 1);
    port_connect(&t->lower, fn->up);
    port_connect(&t->tap, n->host);
    return true;
}

static void
vif_macvtap_destroy(struct vh_device *d)
{
    free(VH_CONTAINER_OF(d, struct vif_macvtap, dev));
}

const struct dev_class vif_macvtap_class = {
    .kind = "vif-macvtap",
    .role = VH_ROLE_DEVICE,
    .family = DEV_FAM_PART,
    .attach_type = "vif",
    .attach_mode = "standard",
    .attach = vif_macvtap_attach,
    .destroy = vif_macvtap_destroy,
};
