/* models/container/cnet_ipvlan.c: the ipvlan driver.
 *
 * Each container gets an ipvlan device on the parent NIC: an address of
 * its own but the parent's MAC; the NIC's ipvlan layer
 * (models/hostnet/ipvlan.h) hands it the packets for its address.
 * Docker sets the mode per network (ipvlan_mode, default l2); the kernel
 * keeps it per parent, and the loader gives one parent one mode.  In l2
 * the container is on the parent's LAN and does its own ARP; in l3 and
 * l3s its device is NOARP and the host routes what it sends, so it needs
 * no gateway of its own and reaches whatever the host's address on the
 * parent reaches. */
#include "models/container/netdrv.h"

#include <string.h>

#include "models/container/container.h"
#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/endpoint/endpoint.h"
#include "models/hostnet/ipvlan.h"
#include "models/hw/pnic.h"
#include "report/report.h"

extern const struct dev_class cnet_ipvlan_if_class;

static const char *const iv_keys[] = { "parent", "mode", NULL };

static bool
iv_build(struct world *w, struct cnet *net, struct vh_diag *diag)
{
    (void) w, (void) net, (void) diag;
    return true;                /* The NIC's layer comes with the first. */
}

/* A container's mode: its own, its network's, or Docker's default. */
static const char *
ctr_ipvlan_mode(const struct cnet *net, const struct container *c)
{
    return c->cfg->mode_name ? c->cfg->mode_name
           : net->cfg->mode ? net->cfg->mode : ipvlan_mode_names[0];
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
    const char *name = ctr_ipvlan_mode(net, c);
    enum ipvlan_mode mode = IPVLAN_L2;
    for (int k = IPVLAN_L2; k <= IPVLAN_L3S; k++) {
        if (!strcmp(ipvlan_mode_names[k], name)) {
            mode = (enum ipvlan_mode) k;
        }
    }
    /* The slave has its master's MAC. */
    struct endpoint *ep = ctr_make_stack(c, NULL, &nic->cfg->mac);
    struct ctr_if *ifc = ctr_if_create(w, c, &cnet_ipvlan_if_class,
                                       &ep->port);
    ep->dev = &ifc->dev;
    if (mode != IPVLAN_L2) {
        /* Docker's L3 containers have "default dev eth0": the host
         * routes. */
        ep->noarp = true;
        ep->host_routed = true;
    }
    if (!ipvlan_add(w, h, nic, c->cfg->ip, mode, &ifc->lower)) {
        return vh_diag_fail(diag, cn->jpath, "not supported yet: ipvlan "
                            "mode '%s' on NIC '%s', which has no \"ip\" "
                            "of the host's to route from", name,
                            cn->parent);
    }
    return true;
}

/* The parent's mode, which all its devices share. */
static void
iv_report(const struct cnet *net, struct report_out *out)
{
    report_out_str(out, "mode", net->n_members
                                ? ctr_ipvlan_mode(net, net->members[0])
                                : net->cfg->mode ? net->cfg->mode
                                : ipvlan_mode_names[0]);
}

const struct net_driver cnet_ipvlan_driver = {
    .name = "ipvlan",
    .keys = iv_keys,
    .modes = ipvlan_mode_names,
    .needs_parent = true,
    .build = iv_build,
    .join = iv_join,
    .report = iv_report,
};

/* A container's ipvlan device, "HOST/NAME/eth0". */
const struct dev_class cnet_ipvlan_if_class = {
    .kind = "ipvlan-if",
    .role = VH_ROLE_DEVICE,
    .family = DEV_FAM_PART,
    .destroy = ctr_if_destroy,
};
