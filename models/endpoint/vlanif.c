/* models/endpoint/vlanif.c: VLAN subinterfaces (Linux's 8021q), of host
 * NICs and of VM NICs. */
#include "models/endpoint/vlanif.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "models/guest/vm.h"
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

/* A frame from the interface's driver: to the subinterface of its VLAN,
 * or to the interface's own address when it is untagged. */
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
            acct_drop(w, p, l->lower_dev, acct_not_for_me);
            return;
        }
        port_deliver(w, &l->untagged, p);
        return;
    }
    struct vlanif *vif = layer_find(l, vid);
    if (!vif) {
        acct_drop(w, p, l->lower_dev, "no-vlan-interface");
        return;
    }
    struct cpu_core *core = cpu_exec_core(p, vif->ep->app_core);
    if (l->sw_tag) {
        cpu_charge(w, core, COST_VLAN_TAG_SW, 0, vif->ep->rx_cat, p,
                   &vif->dev);
    }
    cpu_charge(w, core, COST_NETIF_RECEIVE, 0, vif->ep->rx_cat, p,
               &vif->dev);
    vh_vlan_pop(p);
    vif->dev.rx++;
    port_deliver(w, &vif->port, p);
}

/* The interface's own address sends: untagged, as it is. */
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
    if (vif->layer->sw_tag) {
        cpu_charge(w, cpu_exec_core(p, vif->ep->app_core), COST_VLAN_TAG_SW,
                   0, vif->ep->tx_cat, p, &vif->dev);
    }
    vif->dev.tx++;
    vh_vlan_push(p, vif->cfg->id);
    port_deliver(w, &vif->layer->lower, p);
}

/* The layer of 'n_ifs' subinterfaces over 'lower_dev', whose driver side
 * is 'driver' and whose own address is 'own' (or NULL). */
static struct vlan_layer *
layer_create(struct world *w, struct vh_device *lower_dev,
             struct port *driver, struct endpoint *own, size_t n_ifs,
             bool sw_tag)
{
    struct vlan_layer *l = vh_xcalloc(1, sizeof *l + n_ifs * sizeof *l->ifs);
    world_keep(w, l);
    l->lower_dev = lower_dev;
    l->sw_tag = sw_tag;
    l->n_ifs = n_ifs;
    port_init(&l->lower, layer_rx, l, lower_dev, 0);
    port_init(&l->untagged, layer_untagged_tx, l, lower_dev, 1);
    port_connect(&l->lower, driver);
    /* A VLAN device sends as its lower device does (vlan_features: TSO,
     * and the driver's word that a frame has left, for TCP Small
     * Queues); the layer passes frames straight through. */
    l->untagged.takes_gso = driver->takes_gso;
    l->untagged.tx_done = driver->tx_done;
    if (own) {
        port_connect(&l->untagged, &own->port);
    }
    return l;
}

/* Subinterface 'i' of 'l', for 'cv', named after the interface 'if_name'
 * under 'parent'; the caller gives it its stack. */
static struct vlanif *
layer_add(struct world *w, struct vlan_layer *l, size_t i,
          const struct cfg_vlanif *cv, struct vh_device *parent,
          const char *if_name)
{
    struct vlanif *vif = &l->ifs[i];
    char name[64];
    snprintf(name, sizeof name, "%s.%u", if_name, cv->id);
    dev_register(w, &vif->dev, &vlanif_class, parent, name);
    vif->layer = l;
    vif->cfg = cv;
    port_init(&vif->port, vlanif_tx, vif, &vif->dev, 0);
    vif->port.takes_gso = l->untagged.takes_gso;
    vif->port.tx_done = l->untagged.tx_done;
    vh_device_connect(&vif->dev, l->lower_dev, 0);
    return vif;
}

struct vlan_layer *
vlan_layer_build(struct world *w, struct host *h, struct pnic *nic,
                 struct endpoint *own)
{
    const struct cfg_nic *cn = nic->cfg;
    struct vlan_layer *l = layer_create(w, &nic->dev, &nic->stack, own,
                                        cn->n_vlans, false);
    for (size_t i = 0; i < cn->n_vlans; i++) {
        const struct cfg_vlanif *cv = &cn->vlans[i];
        struct vlanif *vif = layer_add(w, l, i, cv, &h->dev, cn->name);
        vif->ep = endpoint_create(h, &vif->dev, h->dev.path, &cn->mac,
                                  cv->ip, cv->prefix, host_app_core(h),
                                  CPU_APP, CPU_SOFTIRQ);
        vif->ep->gateway = cv->gateway;
        h->eps = vh_xrealloc(h->eps, (h->n_eps + 1) * sizeof *h->eps);
        h->eps[h->n_eps++] = vif->ep;
        port_connect(&vif->port, &vif->ep->port);
    }
    return l;
}

struct vlan_layer *
vlan_layer_build_guest(struct world *w, struct vm *vm, struct vm_nic *n)
{
    const struct cfg_vnic *cn = n->cfg;
    const struct endpoint *own = n->ep;
    struct vlan_layer *l = layer_create(w, n->dev, n->guest, n->ep,
                                        cn->n_vlans, true);
    for (size_t i = 0; i < cn->n_vlans; i++) {
        const struct cfg_vlanif *cv = &cn->vlans[i];
        struct vlanif *vif = layer_add(w, l, i, cv, &vm->dev, cn->name);
        /* A VLAN device takes its lower device's MTU and features. */
        vif->ep = endpoint_create(vm->host, &vif->dev, vm->dev.path,
                                  &own->mac, cv->ip, cv->prefix,
                                  own->app_core, CPU_GUEST, CPU_GUEST);
        vif->ep->mtu = own->mtu;
        vif->ep->gso = own->gso;
        vif->ep->sw_csum = own->sw_csum;
        vif->ep->gateway = cv->gateway;
        port_connect(&vif->port, &vif->ep->port);
    }
    return l;
}

void
vlan_layer_free_endpoints(struct vlan_layer *l)
{
    for (size_t i = 0; l && i < l->n_ifs; i++) {
        endpoint_free(l->ifs[i].ep);
    }
}

void
vlan_layer_follow(struct vlan_layer *l, const struct endpoint *nic_ep)
{
    for (size_t i = 0; l && i < l->n_ifs; i++) {
        l->ifs[i].ep->host = nic_ep->host;
        l->ifs[i].ep->app_core = nic_ep->app_core;
        l->ifs[i].ep->resume_at = nic_ep->resume_at;
    }
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
