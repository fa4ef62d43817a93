/* models/container/cnet_macvlan.c: the macvlan driver.
 *
 * Each container gets a macvlan device of its own on the parent NIC, with
 * its own MAC, in the container's namespace: it is on the parent's LAN
 * with an address of the LAN, reached directly, with no bridge, no veth
 * and no NAT.  The NIC's macvlan layer (models/hostnet/macvtap.h) is the
 * one VMs' macvtaps use, in the kernel's modes: bridge (Docker's
 * default: siblings in bridge mode reach each other inside the host,
 * without the NIC), private, vepa and passthru.  As on Linux the host
 * cannot reach its own macvlan containers through the parent (frames
 * from the host's stack leave by the wire). */
#include "models/container/netdrv.h"

#include <stdio.h>
#include <string.h>

#include "models/container/container.h"
#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/endpoint/endpoint.h"
#include "models/hostnet/macvtap.h"

extern const struct dev_class cnet_macvlan_if_class;

static const char *const mv_keys[] = { "parent", "mode", NULL };

/* Docker's macvlan_mode default is bridge; the others as the kernel
 * names them (cfg_macvtap_mode_names). */
static const char *const mv_modes[] = {
    "bridge", "private", "vepa", "passthru", NULL,
};

static bool
mv_build(struct world *w, struct cnet *net, struct vh_diag *diag)
{
    (void) w, (void) net, (void) diag;
    return true;                /* The NIC's layer comes with the first. */
}

static bool
mv_join(struct world *w, struct cnet *net, struct container *c,
        struct vh_diag *diag)
{
    const struct cfg_network *cn = net->cfg;
    const struct cfg_container *cc = c->cfg;
    struct host *h = net->host;
    const char *mode = cc->mode_name ? cc->mode_name
                       : cn->mode ? cn->mode : mv_modes[0];
    enum macvtap_mode m = MACVTAP_BRIDGE;
    for (int k = 0; k <= MACVTAP_PASSTHRU; k++) {
        if (!strcmp(cfg_macvtap_mode_names[k], mode)) {
            m = (enum macvtap_mode) k;
        }
    }
    struct pnic *nic = host_nic(w, h, cn->parent);
    if (!nic) {
        return vh_diag_fail(diag, cn->jpath, "host '%s' has no NIC '%s'",
                            h->dev.path, cn->parent);
    }
    struct endpoint *ep = ctr_make_stack(c, NULL, &cc->mac);
    struct ctr_if *ifc = ctr_if_create(w, c, &cnet_macvlan_if_class,
                                       &ep->port);
    ep->dev = &ifc->dev;
    return macvlan_add(w, h, nic, &cc->mac, m, ep, &ifc->lower, cc->jpath,
                       diag);
}

const struct net_driver cnet_macvlan_driver = {
    .name = "macvlan",
    .keys = mv_keys,
    .modes = mv_modes,
    .needs_parent = true,
    .build = mv_build,
    .join = mv_join,
};

/* A container's macvlan device, "HOST/NAME/eth0". */
const struct dev_class cnet_macvlan_if_class = {
    .kind = "macvlan-if",
    .role = VH_ROLE_DEVICE,
    .family = DEV_FAM_PART,
    .destroy = ctr_if_destroy,
};
