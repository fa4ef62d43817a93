/* models/endpoint/vlanif.c: VLAN subinterfaces (Linux's 8021q). */
#include "models/endpoint/vlanif.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "models/hw/pnic.h"
#include "sim/frame.h"
#include "sim/xmalloc.h"

static struct vlanif *
layer_find(struct vlan_layer *l, int vid)
{
    for (size_t i = 0; i < l->n_ifs; i++) {
        if (l->ifs[i].cfg->id == vid) {
            return &l->ifs[i];
        }
    }
    return NULL;
}

/* A frame from the NIC's driver: to the subinterface of its VLAN, or to
 * the NIC's own address when it is untagged. */
static void
layer_rx(struct world *w, struct port *port, struct vh_packet *p)
{
    struct vlan_layer *l = port->owner;
    int vid = vh_frame_vlan(p->data, p->len);
    if (vid >= 0) {
        vid &= 0xfff;
    }
    if (vid <= 0) {
        if (!l->untagged.peer) {
            acct_drop(w, p, &l->nic->dev, acct_not_for_me);
            return;
        }
        port_deliver(w, &l->untagged, p);
        return;
    }
    struct vlanif *vif = layer_find(l, vid);
    if (!vif) {
        acct_drop(w, p, &l->nic->dev, "no-vlan-interface");
        return;
    }
    struct cpu_core *core = cpu_exec_core(p, vif->ep->app_core);
    cpu_charge(w, core, COST_NETIF_RECEIVE, 0, CPU_SOFTIRQ, p, &vif->dev);
    vh_vlan_pop(p);
    vif->dev.rx++;
    port_deliver(w, &vif->port, p);
}

/* The NIC's own address sends: untagged, as it is. */
static void
layer_untagged_tx(struct world *w, struct port *port, struct vh_packet *p)
{
    struct vlan_layer *l = port->owner;
    port_deliver(w, &l->lower, p);
}

/* A subinterface sends: its VLAN's tag goes on. */
static void
vlanif_tx(struct world *w, struct port *port, struct vh_packet *p)
{
    struct vlanif *vif = port->owner;
    vif->dev.tx++;
    vh_vlan_push(p, vif->cfg->id);
    port_deliver(w, &vif->layer->lower, p);
}

struct vlan_layer *
vlan_layer_build(struct world *w, struct host *h, struct pnic *nic,
                 struct endpoint *own)
{
    const struct cfg_nic *cn = nic->cfg;
    struct vlan_layer *l = vh_xcalloc(1, sizeof *l
                                         + cn->n_vlans * sizeof *l->ifs);
    world_keep(w, l);
    l->nic = nic;
    l->n_ifs = cn->n_vlans;
    port_init(&l->lower, layer_rx, l, &nic->dev, 0);
    port_init(&l->untagged, layer_untagged_tx, l, &nic->dev, 1);
    port_connect(&l->lower, &nic->stack);
    if (own) {
        port_connect(&l->untagged, &own->port);
    }
    for (size_t i = 0; i < cn->n_vlans; i++) {
        const struct cfg_vlanif *cv = &cn->vlans[i];
        struct vlanif *vif = &l->ifs[i];
        char name[64];
        snprintf(name, sizeof name, "%s.%u", cn->name, cv->id);
        dev_register(w, &vif->dev, &vlanif_class, &h->dev, name);
        vif->layer = l;
        vif->cfg = cv;
        vif->ep = endpoint_create(h, &vif->dev, h->dev.path, &cn->mac,
                                  cv->ip, cv->prefix, host_app_core(h),
                                  CPU_APP, CPU_SOFTIRQ);
        vif->ep->gateway = cv->gateway;
        h->eps = vh_xrealloc(h->eps, (h->n_eps + 1) * sizeof *h->eps);
        h->eps[h->n_eps++] = vif->ep;
        port_init(&vif->port, vlanif_tx, vif, &vif->dev, 0);
        port_connect(&vif->port, &vif->ep->port);
        vh_device_connect(&vif->dev, &nic->dev, 0);
    }
    return l;
}

static struct endpoint *
vlanif_endpoint(struct vh_device *d)
{
    return VH_CONTAINER_OF(d, struct vlanif, dev)->ep;
}

/* It lives in its layer, which the world frees; its endpoint is its
 * host's. */
const struct dev_class vlanif_class = {
    .kind = "vlan-interface",
    .role = VH_ROLE_DEVICE,
    .family = DEV_FAM_PART,
    .endpoint = vlanif_endpoint,
};
