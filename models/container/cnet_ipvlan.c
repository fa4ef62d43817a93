/* models/container/cnet_ipvlan.c: the ipvlan driver, in L2 mode.
 *
 * Each container gets an ipvlan device on the parent NIC: an address of
 * the parent's LAN but the parent's own MAC; the NIC's ipvlan layer
 * (models/hostnet/ipvlan.h) hands it the frames for its address.  Docker
 * sets the mode per network (ipvlan_mode, default l2); the kernel keeps
 * it per parent.  L3 and L3S are refused as not supported yet. */
#include "models/container/netdrv.h"

#include "models/container/container.h"
#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/endpoint/endpoint.h"
#include "models/hostnet/ipvlan.h"
#include "models/hw/pnic.h"

extern const struct dev_class cnet_ipvlan_if_class;

static const char *const iv_keys[] = { "parent", "mode", NULL };
static const char *const iv_modes[] = { "l2", "l3", "l3s", NULL };
static const char *const iv_refused[] = { "l3", "l3s", NULL };

static bool
iv_build(struct world *w, struct cnet *net, struct vh_diag *diag)
{
    (void) w, (void) net, (void) diag;
    return true;                /* The NIC's layer comes with the first. */
}

static bool
iv_join(struct world *w, struct cnet *net, struct container *c,
        struct vh_diag *diag)
{
    const struct cfg_network *cn = net->cfg;
    struct host *h = net->host;
    struct pnic *nic = host_nic(w, h, cn->parent);
    if (!nic) {
        return vh_diag_fail(diag, cn->jpath, "host '%s' has no NIC '%s'",
                            h->dev.path, cn->parent);
    }
    /* The slave answers ARP with its master's MAC. */
    struct endpoint *ep = ctr_make_stack(c, NULL, &nic->cfg->mac);
    struct ctr_if *ifc = ctr_if_create(w, c, &cnet_ipvlan_if_class,
                                       &ep->port);
    ep->dev = &ifc->dev;
    ipvlan_add(w, h, nic, c->cfg->ip, &ifc->lower);
    return true;
}

const struct net_driver cnet_ipvlan_driver = {
    .name = "ipvlan",
    .keys = iv_keys,
    .modes = iv_modes,
    .refused_modes = iv_refused,
    .needs_parent = true,
    .build = iv_build,
    .join = iv_join,
};

/* A container's ipvlan device, "HOST/NAME/eth0". */
const struct dev_class cnet_ipvlan_if_class = {
    .kind = "ipvlan-if",
    .role = VH_ROLE_DEVICE,
    .family = DEV_FAM_PART,
    .destroy = ctr_if_destroy,
};
