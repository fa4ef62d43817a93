/* models/container/cnet_sriov.c: the SR-IOV CNI plugin.
 *
 * A network on a host NIC with SR-IOV ("parent": the PF, which has
 * "sriov": {"vfs": N}).  Each container that joins it gets a VF of its
 * own: its "vf", or else the first VF no VM and no other container has,
 * in containers[] order (the loader refuses a VF out of range or taken,
 * and more containers and VMs on the PF than it has VFs).  The plugin
 * moves the VF's netdev into the container's namespace, where it is the
 * container's eth0 with the container's MAC ("ip link set PF vf N mac
 * ..."), and the host kernel's VF driver (ixgbevf, iavf) drives it:
 *   - no veth, no bridge, no routing by the host, and no VM anywhere:
 *     the container's stack hands a frame to the VF driver on the
 *     container's core, which posts it to the VF's ring and rings the
 *     doorbell ('driver_tx' + 'mmio_write'); the NIC fetches it by DMA;
 *   - the NIC's embedded switch (models/hw/sriov.h) sends a frame for
 *     another function of the same PF (a VF of another pod, the PF's own
 *     addresses) across inside the NIC, and the rest to the wire;
 *   - received frames are written by DMA into the VF's ring; its MSI-X
 *     vector is a host interrupt ('hw_irq'), spread over the host's cores
 *     as irqbalance spreads the NIC's queues, and the VF driver's NAPI
 *     poll ('napi_poll', 'driver_rx', 'netif_receive') runs there as
 *     'softirq' and hands the frame to the container's stack;
 *   - with an IOMMU, the VF's requester ID points at the host kernel's
 *     DMA domain for the VFs it drives, a translated one (as the DMA API
 *     maps a host driver's buffers with intel_iommu=on), whose region
 *     the VF's rings and buffers take: every DMA of the VF is translated
 *     there, and shows in the IOTLB's hits and misses.  The PF stays in
 *     the identity domain.
 * The driver's per-frame work (both directions) and the container's
 * stack are counted in the container's name, as 'softirq'; the interrupt
 * and the poll's fixed cost are the host's. */
#include "models/container/netdrv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/container/container.h"
#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "models/guest/vm.h"
#include "models/hw/iommu.h"
#include "models/hw/pnic.h"
#include "models/hw/sriov.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

extern const struct dev_class cnet_sriov_if_class;

static const char *const sr_keys[] = { "parent", NULL };

/* A container's VF, once it has joined. */
struct sr_pod {
    struct container *c;
    struct sriov_vf *vf;
    struct pnic_queue *q;       /* The VF's queue pair. */
    struct port drv;            /* The VF driver: the interface's lower. */
    struct port nic_side;       /* What the VF's NAPI poll hands up. */
};

struct csriov {
    struct cnet *net;
    struct pnic *pf;
    int domain;                 /* The host kernel's DMA domain, or -1. */
    struct sriov_vf **vf_of;    /* By index in the host's containers[]. */
    struct sr_pod **pods;
    size_t n_pods;
};

/* The VFs of the network's containers: first those asked for by "vf",
 * then the next free ones in order.  The host's VMs took theirs
 * already. */
static bool
sr_pick_vfs(struct csriov *s, struct vh_diag *diag)
{
    const struct cfg_host *ch = s->net->host->cfg;
    size_t ni = (size_t) (s->net->cfg - ch->networks);
    struct sriov *sr = s->pf->sriov;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < ch->n_containers; i++) {
            const struct cfg_container *cc = &ch->containers[i];
            if (cc->mode != CFG_CTR_NET || cc->net != ni
                || (pass == 0) != (cc->vf >= 0)) {
                continue;
            }
            struct sriov_vf *vf = NULL;
            for (int k = 0; k < sr->n_vfs && !vf; k++) {
                bool wanted = pass == 0 ? k == cc->vf : !sr->vfs[k].assigned;
                vf = wanted ? &sr->vfs[k] : NULL;
            }
            if (vf && vf->assigned) {
                char path[512];
                snprintf(path, sizeof path, "%s.vf", cc->jpath);
                return vh_diag_fail(diag, path, "VF %d of '%s' is assigned "
                                    "to %s; a VF goes to a VM or a "
                                    "container, not both", vf->index,
                                    s->pf->cfg->name, vf->vnic
                                    ? vf->vnic->cfg->jpath : "another");
            }
            if (!vf) {
                return vh_diag_fail(diag, cc->jpath, "NIC '%s' has %d VFs, "
                                    "all taken", s->pf->cfg->name,
                                    sr->n_vfs);
            }
            sriov_vf_assign(vf, &cc->mac, -1);
            s->vf_of[i] = vf;
        }
    }
    return true;
}

static bool
sr_build(struct world *w, struct cnet *net, struct vh_diag *diag)
{
    const struct cfg_network *cn = net->cfg;
    struct host *h = net->host;
    struct csriov *s = vh_xcalloc(1, sizeof *s);
    net->priv = s;
    s->net = net;
    s->domain = -1;
    s->vf_of = vh_xcalloc(h->cfg->n_containers + 1, sizeof *s->vf_of);
    s->pf = host_nic(w, h, cn->parent);
    if (!s->pf || !s->pf->sriov) {
        char path[512];
        snprintf(path, sizeof path, "%s.parent", cn->jpath);
        return vh_diag_fail(diag, path, "host '%s' has no NIC '%s' with "
                            "SR-IOV", h->dev.path, cn->parent);
    }
    if (h->iommu) {
        /* One translated domain for the VFs the host itself drives. */
        s->domain = iommu_vm_domain(h->iommu, h);
    }
    return sr_pick_vfs(s, diag);
}

/* The container's stack sends: the VF driver posts the frame, on the
 * core that carries it. */
static void
sr_xmit(struct world *w, struct port *port, struct vh_packet *p)
{
    struct sr_pod *pod = port->owner;
    struct cpu_core *core = cpu_exec_core(p, pod->c->cpus[0]);
    pod->c->cycles[CPU_SOFTIRQ] += cpu_cycles(core, COST_DRIVER_TX, 0)
                                   + cpu_cycles(core, COST_MMIO_WRITE, 0);
    pnic_driver_xmit(w, pod->q, core, CPU_SOFTIRQ, p, &pod->vf->dev);
}

/* The VF's NAPI poll took a frame: up to the container's stack. */
static void
sr_receive(struct world *w, struct port *port, struct vh_packet *p)
{
    struct sr_pod *pod = port->owner;
    struct cpu_core *core = pod->q->irq_core;
    pod->c->cycles[CPU_SOFTIRQ] += cpu_cycles(core, COST_DRIVER_RX, 0)
                                   + cpu_cycles(core, COST_NETIF_RECEIVE, 0);
    port_deliver(w, &pod->drv, p);
}

static bool
sr_join(struct world *w, struct cnet *net, struct container *c,
        struct vh_diag *diag)
{
    struct csriov *s = net->priv;
    struct host *h = net->host;
    const struct cfg_container *cc = c->cfg;
    struct sriov_vf *vf = s->vf_of[cc - h->cfg->containers];
    (void) diag;

    struct sr_pod *pod = vh_xcalloc(1, sizeof *pod);
    s->pods = vh_xgrow(s->pods, s->n_pods, sizeof *s->pods);
    s->pods[s->n_pods++] = pod;
    pod->c = c;
    pod->vf = vf;
    pod->q = &s->pf->q[vf->fn.first_q];

    /* The VF's netdev, renamed eth0 in the container's namespace. */
    struct endpoint *ep = ctr_make_stack(c, NULL, &cc->mac);
    struct ctr_if *ifc = ctr_if_create(w, c, &cnet_sriov_if_class,
                                       &ep->port);
    ep->dev = &ifc->dev;
    port_init(&pod->drv, sr_xmit, pod, &ifc->dev, 0);
    port_connect(&pod->drv, &ifc->lower);
    port_init(&pod->nic_side, sr_receive, pod, &vf->dev, 1);
    port_connect(vf->fn.up, &pod->nic_side);
    /* The picture: the pod's eth0 is the VF. */
    vh_device_connect(&ifc->dev, &vf->dev, 0);

    /* Its vector where irqbalance puts the NIC's queue; its rings in the
     * host kernel's DMA domain. */
    pod->q->irq_core = host_irq_core(h, pod->q->index);
    if (h->iommu) {
        iommu_attach(h->iommu, vf->fn.rid, s->domain);
        pod->q->iova = iommu_carve(h->iommu, s->domain,
                                   pnic_queue_dma_size(s->pf));
    }
    return true;
}

static void
sr_report(const struct cnet *net, struct report_out *out)
{
    const struct csriov *s = net->priv;
    report_out_str(out, "parent", s->pf->dev.path);
    report_out_begin_list(out, "vfs");
    for (size_t i = 0; i < s->n_pods; i++) {
        const struct sr_pod *pod = s->pods[i];
        uint16_t rid = pod->vf->fn.rid;
        char text[16];
        snprintf(text, sizeof text, "%02x:%02x.%x", rid >> 8,
                 (rid >> 3) & 0x1f, rid & 7);
        report_out_begin_item(out);
        report_out_str(out, "container", pod->c->dev.path);
        report_out_str(out, "vf", pod->vf->dev.path);
        report_out_num(out, "index", pod->vf->index);
        report_out_str(out, "rid", text);
        report_out_end(out);
    }
    report_out_end(out);
}

static void
sr_destroy(struct cnet *net)
{
    struct csriov *s = net->priv;
    if (s) {
        for (size_t i = 0; i < s->n_pods; i++) {
            free(s->pods[i]);
        }
        free(s->pods);
        free(s->vf_of);
        free(s);
    }
}

const struct net_driver cnet_sriov_driver = {
    .name = "sriov",
    .keys = sr_keys,
    .needs_parent = true,
    .build = sr_build,
    .join = sr_join,
    .report = sr_report,
    .destroy = sr_destroy,
};

/* A container's VF netdev, "HOST/NAME/eth0". */
const struct dev_class cnet_sriov_if_class = {
    .kind = "vf-netdev",
    .role = VH_ROLE_DEVICE,
    .family = DEV_FAM_PART,
    .destroy = ctr_if_destroy,
};
