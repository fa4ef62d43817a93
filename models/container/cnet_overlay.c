/* models/container/cnet_overlay.c: Docker's overlay driver.
 *
 * An overlay network spans hosts: every host that declares it (a
 * networks[] entry of the same name, driver "overlay", the same "vni"
 * and "subnet") and has a container on it gets what Docker's overlay
 * driver makes there:
 *   - a Linux bridge for the network ("ov-NAME"; Docker's br0 in the
 *     network's own namespace), with no address of the host on it:
 *     containers of the network reach each other at layer 2, whatever
 *     host they are on;
 *   - a VXLAN device on the bridge ("vx-VNI-NAME", Docker's
 *     "vx-<vni in hex>-<network id>"), UDP port 4789, the network's VNI,
 *     its outer packets from the host's first address;
 *   - a veth pair per container, as on a bridge network, its MTU
 *     OVERLAY_MTU: Docker gives an overlay network's interfaces 1500
 *     (or the network's com.docker.network.driver.mtu) less the 50 bytes
 *     of VXLAN (libnetwork's overlay driver, maxMTU()), whatever the
 *     NIC's MTU, so that an encapsulated full frame fits a 1500-byte
 *     underlay.
 * Docker does not flood and learn across the underlay: its control plane
 * (the gossip between daemons) tells every host which hosts have the
 * network and where each container's MAC lives, and the daemon programs
 * them into the VXLAN device as static entries ("bridge fdb" with the
 * remote's address).  So the VTEP's flood list is the other hosts with
 * the network, its forwarding table one entry per remote container, and
 * data-plane learning is off.  The remotes are read from the scenario,
 * which every host's daemon would know from the gossip. */
#include "models/container/netdrv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/container/container.h"
#include "models/container/veth.h"
#include "models/core/defaults.h"
#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "models/hostnet/lbridge.h"
#include "models/tunnel/tnl_outer.h"
#include "models/tunnel/vtep.h"
#include "models/tunnel/vxlan.h"
#include "sim/xmalloc.h"

static const char *const ov_keys[] = { "vni", NULL };

/* VXLAN's IANA port, which Docker's overlay uses by default. */
#define OVERLAY_PORT 4789
/* Its containers' MTU: 1500 less VXLAN's outer Ethernet, IPv4, UDP and
 * VXLAN headers. */
#define OVERLAY_MTU (VH_DEF_MTU - TNL_OUTER_ETH_IP_UDP - VXLAN_HLEN)

struct cov {
    struct cfg_bridge br_cfg;
    struct lbridge *br;
    struct vtep *vtep;          /* NULL on a host with no member. */
    char br_name[16], vx_name[16];
};

/* Host 'ch''s network named 'name' if it is an overlay, else NULL. */
static const struct cfg_network *
peer_network(const struct cfg_host *ch, const char *name)
{
    for (size_t i = 0; i < ch->n_networks; i++) {
        const struct cfg_network *n = &ch->networks[i];
        if (n->driver == CFG_ND_OVERLAY && !strcmp(n->name, name)) {
            return n;
        }
    }
    return NULL;
}

static bool
ov_build(struct world *w, struct cnet *net, struct vh_diag *diag)
{
    const struct cfg_network *cn = net->cfg;
    struct host *h = net->host;
    char path[512], a[20];
    struct cov *o = vh_xcalloc(1, sizeof *o);
    net->priv = o;
    if (!cn->vni) {
        return vh_diag_fail(diag, cn->jpath, "missing required key 'vni': "
                            "an overlay network is told apart on the wire "
                            "by its VXLAN network identifier");
    }
    if (!cn->prefix) {
        return vh_diag_fail(diag, cn->jpath, "missing required key "
                            "'subnet': an overlay network's containers take "
                            "their addresses from it, across hosts");
    }
    /* The same network everywhere it is declared. */
    const struct cfg_scenario *sc = w->cfg;
    for (size_t i = 0; i < sc->n_hosts; i++) {
        const struct cfg_network *p = peer_network(&sc->hosts[i], cn->name);
        if (!p || p == cn) {
            continue;
        }
        if (p->vni != cn->vni || p->subnet != cn->subnet
            || p->prefix != cn->prefix) {
            snprintf(path, sizeof path, "%s.vni", cn->jpath);
            return vh_diag_fail(diag, path, "overlay network '%s' is also "
                                "declared at %s with another vni or subnet; "
                                "one network has one VNI and one subnet on "
                                "every host", cn->name, p->jpath);
        }
    }

    snprintf(o->br_name, sizeof o->br_name, "ov-%.12s", cn->name);
    o->br_cfg.name = o->br_name;
    o->br_cfg.jpath = cn->jpath;
    o->br_cfg.type = CFG_BR_LINUX;
    o->br = lbridge_create(w, h, &o->br_cfg);
    if (!cn->n_members) {
        return true;            /* Docker makes the rest with a container. */
    }

    uint32_t local = cnet_host_underlay_ip(h->cfg);
    if (!local) {
        return vh_diag_fail(diag, cn->jpath, "overlay network '%s' needs "
                            "an address of host '%s' for its VXLAN packets "
                            "to leave from: give one of its NICs an \"ip\"",
                            cn->name, h->dev.path);
    }
    struct vtep_cfg vc;
    vtep_cfg_init(&vc, VTEP_VXLAN, false);
    vc.key = cn->vni;
    vc.port = OVERLAY_PORT;
    vc.local_ip = local;
    vc.learning = false;        /* The control plane programs it. */
    snprintf(o->vx_name, sizeof o->vx_name, "vx-%06x-%.5s", cn->vni,
             cn->name);
    o->vtep = vtep_create(w, h, o->vx_name, &vc, cn->jpath);
    lbridge_attach(o->br, &o->vtep->port);

    /* The other hosts with members, and where each of their containers
     * is: the entries Docker's daemon installs from the gossip. */
    for (size_t i = 0; i < sc->n_hosts; i++) {
        const struct cfg_host *ph = &sc->hosts[i];
        const struct cfg_network *p = peer_network(ph, cn->name);
        if (!p || p == cn || !p->n_members) {
            continue;
        }
        uint32_t remote = cnet_host_underlay_ip(ph);
        if (!remote) {
            return vh_diag_fail(diag, p->jpath, "overlay network '%s' needs "
                                "an address of host '%s' for VXLAN: give "
                                "one of its NICs an \"ip\"", cn->name,
                                ph->name);
        }
        if (remote == local) {
            return vh_diag_fail(diag, p->jpath, "hosts '%s' and '%s' both "
                                "send overlay '%s' from %s", ph->name,
                                h->dev.path, cn->name,
                                vh_ipv4_format(local, a));
        }
        vtep_add_remote(o->vtep, remote);
        for (size_t k = 0; k < ph->n_containers; k++) {
            const struct cfg_container *c = &ph->containers[k];
            if (c->mode == CFG_CTR_NET && &ph->networks[c->net] == p) {
                vtep_fdb_add(o->vtep, &c->mac, remote);
            }
        }
    }
    return vtep_bind(w, o->vtep, cn->jpath, diag);
}

static bool
ov_join(struct world *w, struct cnet *net, struct container *c,
        struct vh_diag *diag)
{
    struct cov *o = net->priv;
    struct endpoint *ep = cnet_join_bridge(w, net, c, o->br);
    ep->mtu = OVERLAY_MTU;
    (void) diag;
    return true;
}

static void
ov_report(const struct cnet *net, struct report_out *out)
{
    const struct cov *o = net->priv;
    report_out_str(out, "bridge", o->br->dev.path);
    report_out_num(out, "vni", (double) net->cfg->vni);
    if (o->vtep) {
        report_out_str(out, "vtep", o->vtep->dev.path);
        report_out_num(out, "remotes", (double) o->vtep->n_remotes);
        report_out_num(out, "encapsulated",
                       (double) o->vtep->encap.frames);
        report_out_num(out, "decapsulated",
                       (double) o->vtep->decap.frames);
    }
}

static void
ov_destroy(struct cnet *net)
{
    free(net->priv);
}

const struct net_driver cnet_overlay_driver = {
    .name = "overlay",
    .keys = ov_keys,
    .build = ov_build,
    .join = ov_join,
    .report = ov_report,
    .destroy = ov_destroy,
};
