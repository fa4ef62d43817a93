/* models/guest/vf_driver.c: the guest's driver of a VF or a
 * passed-through NIC. */
#include "models/guest/vf_driver.h"

#include <stdlib.h>

#include "models/core/acct.h"
#include "models/core/devclass.h"
#include "models/hw/cpu.h"
#include "models/core/host.h"
#include "models/hw/iommu.h"
#include "models/hw/pnic.h"
#include "models/hw/sriov.h"
#include "models/guest/vcpu.h"
#include "models/guest/vm.h"
#include "models/core/world.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

/* The function's interrupt reaches the vCPU that polls queue 'q'. */
static void
vf_irq(struct world *w, struct pnic_queue *q)
{
    struct vf_driver *drv = q->irq_ctx;
    struct cpu_core *core = q->irq_core;
    struct host *h = drv->host;

    /* MSI-X: posted by VT-d to the vCPU, or a host interrupt on its
     * core that KVM injects (models/guest/vcpu.h). */
    vh_time_t t = vcpu_interrupt(w, h, core,
                                 drv->posted ? VCPU_SRC_POSTED
                                             : VCPU_SRC_DEVICE,
                                 NULL, CPU_IRQ, false, q->rx_done.head,
                                 &drv->dev);
    pnic_napi_schedule(w, q, t);
}

/* The guest's stack hands a frame to the driver, on its vCPU. */
static void
vf_xmit(struct world *w, struct port *port, struct vh_packet *p)
{
    struct vf_driver *drv = port->owner;
    struct pnic *nic = drv->nic;
    struct pnic_fn *fn = drv->fn;
    struct cpu_core *core = cpu_exec_core(p, drv->vcpu);

    /* The queue whose vector is on this vCPU, else the first (the
     * socket's own while its frames are below). */
    int pick = fn->first_q;
    for (int i = 0; i < fn->n_rss; i++) {
        if (nic->q[fn->first_q + i].irq_core == core) {
            pick = fn->first_q + i;
            break;
        }
    }
    struct pnic_queue *q = &nic->q[vh_tx_owner_queue(p, fn, pick)];
    if (!drv->link_up) {
        acct_drop(w, p, &drv->dev, "link-down");
        return;
    }
    drv->dev.tx++;
    VH_TRACE(&w->trace, VH_HOP_TX, .time = w->sim.now, .pkt = p,
             .dev = &drv->dev);
    pnic_driver_xmit(w, q, core, CPU_GUEST, p, &drv->dev);
}

/* A frame the guest's NAPI poll took from the function's queue. */
static void
vf_receive(struct world *w, struct port *port, struct vh_packet *p)
{
    struct vf_driver *drv = port->owner;
    if (!drv->link_up) {
        acct_drop(w, p, &drv->dev, "link-down");
        return;
    }
    drv->dev.rx++;
    VH_TRACE(&w->trace, VH_HOP_RX, .time = w->sim.now, .pkt = p,
             .dev = &drv->dev);
    port_deliver(w, &drv->guest, p);
}


bool
vf_driver_build(struct world *w, struct host *h, struct vm *vm,
                struct vm_nic *n, struct vh_diag *diag)
{
    const struct cfg_vnic *cn = n->cfg;
    struct pnic *nic = host_nic(w, h, cn->attach_to);
    /* A VF, a VIC's VIF (a function of the same kind), or the PF. */
    bool is_vf = cn->attach != CFG_AT_PASSTHROUGH;
    struct sriov_vf *vf = NULL;

    if (!nic) {
        return vh_diag_fail(diag, cn->jpath, "host '%s' has no NIC '%s'",
                            h->dev.path, cn->attach_to);
    }
    if (is_vf) {
        vf = nic->sriov ? sriov_vf_pick(nic->sriov, cn->vf) : NULL;
        if (!vf || vf->assigned) {
            return vh_diag_fail(diag, cn->jpath, "NIC '%s' has no free %s",
                                cn->attach_to, cn->attach == CFG_AT_VIF
                                ? "VIF" : "VF");
        }
    }

    struct vf_driver *drv = vh_xcalloc(1, sizeof *drv);
    dev_register(w, &drv->dev, n->attach_cls, &vm->dev, cn->name);
    drv->dev.report = 1;
    drv->host = h;
    drv->vm = vm;
    drv->nic = nic;
    drv->vf = vf;
    drv->vcpu = vm->vcpus[0];
    /* KVM uses VT-d posted interrupts only with APICv on. */
    drv->posted = h->iommu && h->iommu->posted_interrupts && h->cfg->apicv;
    drv->link_up = true;
    port_init(&drv->guest, vf_xmit, drv, &drv->dev, 0);
    port_init(&drv->nic_side, vf_receive, drv, &drv->dev, 1);
    /* The VF's own TSO cuts what the guest sends; its NAPI's GRO merges
     * what it receives (ixgbevf, iavf). */
    drv->guest.takes_gso = n->cfg->offloads.tso;
    drv->guest.tx_done = true;
    drv->nic_side.takes_gso = true;
    n->dev = &drv->dev;
    n->guest = &drv->guest;
    n->host = NULL;

    struct pnic_fn *fn;
    if (is_vf) {
        sriov_vf_assign(vf, &cn->mac, cn->vlan);
        vf->vnic = n;
        fn = &vf->fn;
        port_connect(fn->up, &drv->nic_side);
    } else {
        /* The whole NIC leaves the host: its frames go to the guest. */
        fn = &nic->pf;
        port_connect(fn->up, &drv->nic_side);
    }
    drv->fn = fn;

    /* The function's DMA now belongs to the VM: its requester ID moves
     * to the VM's domain, and each queue gets a region of guest memory.
     * Queue i's vector goes to vCPU i (modulo the vCPUs). */
    int dom = h->iommu ? iommu_vm_domain(h->iommu, vm) : -1;
    if (h->iommu) {
        iommu_attach(h->iommu, fn->rid, dom);
    }
    for (int i = 0; i < fn->n_q; i++) {
        struct pnic_queue *q = &nic->q[fn->first_q + i];
        uint64_t size = pnic_queue_dma_size(nic);
        uint64_t iova = h->iommu ? iommu_carve(h->iommu, dom, size)
                                 : IOMMU_REGION_BASE + (uint64_t) i * size;
        pnic_queue_to_guest(q, vm->vcpus[i % vm->n_vcpus], vf_irq, drv,
                            iova);
        q->gro_on = n->cfg->offloads.gro;
    }
    return true;
}

/* --- The classes: the guest's driver of a VF, or of a whole NIC. --- */

static void
vf_driver_set_link(struct world *w, struct vh_device *d, bool up)
{
    VH_CONTAINER_OF(d, struct vf_driver, dev)->link_up = up;
    (void) w;
}

static void
vf_driver_destroy(struct vh_device *d)
{
    free(VH_CONTAINER_OF(d, struct vf_driver, dev));
}

const struct dev_class vf_driver_class = {
    .kind = "vf-driver",
    .role = VH_ROLE_DEVICE,
    .family = DEV_FAM_PART,
    .attach_type = "sriov-vf",
    .assigned = true,
    .build_vnic = vf_driver_build,
    .set_link = vf_driver_set_link,
    .destroy = vf_driver_destroy,
};

/* A VIC's VIF that the guest drives (attach "vif", mode "passthrough",
 * models/hw/vic.h): to the guest and the IOMMU, a VF. */
const struct dev_class vif_driver_class = {
    .kind = "vif-driver",
    .role = VH_ROLE_DEVICE,
    .family = DEV_FAM_PART,
    .attach_type = "vif",
    .attach_mode = "passthrough",
    .assigned = true,
    .build_vnic = vf_driver_build,
    .set_link = vf_driver_set_link,
    .destroy = vf_driver_destroy,
};

const struct dev_class pf_driver_class = {
    .kind = "pf-driver",
    .role = VH_ROLE_DEVICE,
    .family = DEV_FAM_PART,
    .attach_type = "passthrough",
    .assigned = true,
    .build_vnic = vf_driver_build,
    .set_link = vf_driver_set_link,
    .destroy = vf_driver_destroy,
};
