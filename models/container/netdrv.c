/* models/container/netdrv.c: the driver table and what every network has
 * whatever its driver. */
#include "models/container/netdrv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/container/container.h"
#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/container/veth.h"
#include "models/endpoint/endpoint.h"
#include "models/hostnet/lbridge.h"
#include "sim/frame.h"
#include "sim/xmalloc.h"

#define NET_DRIVER(NAME) extern const struct net_driver NAME;
#include "models/container/netdrivers.def"
#undef NET_DRIVER

const struct net_driver *const net_drivers[] = {
#define NET_DRIVER(NAME) &NAME,
#include "models/container/netdrivers.def"
#undef NET_DRIVER
};
const size_t n_net_drivers = sizeof net_drivers / sizeof net_drivers[0];

const struct net_driver *
net_driver_find(const char *name)
{
    for (size_t i = 0; i < n_net_drivers; i++) {
        if (!strcmp(net_drivers[i]->name, name)) {
            return net_drivers[i];
        }
    }
    return NULL;
}

bool
net_driver_has_key(const struct net_driver *drv, const char *key)
{
    for (const char *const *k = drv->keys; k && *k; k++) {
        if (!strcmp(*k, key)) {
            return true;
        }
    }
    return false;
}

void
cnet_add_member(struct cnet *net, struct container *c)
{
    net->members = vh_xgrow(net->members, net->n_members,
                            sizeof *net->members);
    net->members[net->n_members++] = c;
    c->net = net;
}

bool
cnet_build_all(struct world *w, struct host *h, struct vh_diag *diag)
{
    const struct cfg_host *ch = h->cfg;
    h->cnets = vh_xcalloc(ch->n_networks ? ch->n_networks : 1,
                          sizeof *h->cnets);
    for (size_t i = 0; i < ch->n_networks; i++) {
        const struct cfg_network *cn = &ch->networks[i];
        if (!cn->drv) {
            char path[512];
            snprintf(path, sizeof path, "%s.driver", cn->jpath);
            return vh_diag_fail(diag, path, "not supported yet: network "
                                "driver '%s'",
                                cfg_netdriver_names[cn->driver]);
        }
        struct cnet *net = vh_xcalloc(1, sizeof *net);
        char name[160];
        snprintf(name, sizeof name, "networks/%s", cn->name);
        dev_register(w, &net->dev, &cnet_class, &h->dev, name);
        net->drv = cn->drv;
        net->cfg = cn;
        net->host = h;
        h->cnets[h->n_cnets++] = net;
        if (!cn->drv->build(w, net, diag)) {
            return false;
        }
    }
    return true;
}

/* --- The class. --- */

/* In the host's "networks": what every network has, then its driver's
 * own keys. */
static void
cnet_report(const struct vh_device *d, struct report_out *out)
{
    const struct cnet *net = VH_CONTAINER_OF(d, const struct cnet, dev);
    const struct cfg_network *cn = net->cfg;
    char a[20], text[32];
    report_out_str(out, "driver", net->drv->name);
    if (cn->prefix) {
        snprintf(text, sizeof text, "%s/%d", vh_ipv4_format(cn->subnet, a),
                 cn->prefix);
        report_out_str(out, "subnet", text);
        report_out_str(out, "gateway", vh_ipv4_format(cn->gateway, a));
    }
    report_out_num(out, "containers", (double) net->n_members);
    if (net->drv->report) {
        net->drv->report(net, out);
    }
}

/* Listed only in the reports of hosts that have networks. */
static bool
cnet_reports(const struct vh_device *d)
{
    (void) d;
    return true;
}

static void
cnet_destroy(struct vh_device *d)
{
    struct cnet *net = VH_CONTAINER_OF(d, struct cnet, dev);
    if (net->drv->destroy) {
        net->drv->destroy(net);
    }
    free(net->members);
    free(net);
}

/* Built by its host (cnet_build_all); listed in the host's report. */
const struct dev_class cnet_class = {
    .kind = "container-network",
    .role = VH_ROLE_DEVICE,
    .family = DEV_FAM_PART,
    .host_section = "networks",
    .report = cnet_report,
    .reports = cnet_reports,
    .destroy = cnet_destroy,
};

uint32_t
cnet_host_underlay_ip(const struct cfg_host *ch)
{
    for (size_t i = 0; i < ch->n_nics; i++) {
        if (ch->nics[i].has_ip) {
            return ch->nics[i].ip;
        }
    }
    return 0;
}

struct endpoint *
cnet_route_underlay(struct cnet *net, const struct ep_router_ops *ops,
                    void *ctx, const char *purpose, struct vh_diag *diag)
{
    const struct cfg_network *cn = net->cfg;
    struct host *h = net->host;
    uint32_t local = cnet_host_underlay_ip(h->cfg);
    struct endpoint *ep = NULL;
    for (size_t i = 0; i < h->n_eps && !ep; i++) {
        if (h->eps[i]->ip == local) {
            ep = h->eps[i];
        }
    }
    if (!ep) {
        vh_diag_fail(diag, cn->jpath, "%s network '%s' needs an address of "
                     "host '%s' to %s: give one of its NICs an \"ip\"",
                     net->drv->name, cn->name, h->dev.path, purpose);
        return NULL;
    }
    if (!endpoint_hook_router(ep, ops, ctx)) {
        vh_diag_fail(diag, cn->jpath, "not supported yet: a %s network on a "
                     "host whose address already routes another network",
                     net->drv->name);
        return NULL;
    }
    return ep;
}

void
cnet_dev_mac(const char *host, const char *kind, struct vh_mac *mac)
{
    uint64_t h = 0xcbf29ce484222325ULL;     /* FNV-1a. */
    for (const char *s = host; *s; s++) {
        h = (h ^ (unsigned char) *s) * 0x100000001b3ULL;
    }
    for (const char *s = kind; *s; s++) {
        h = (h ^ (unsigned char) *s) * 0x100000001b3ULL;
    }
    mac->b[0] = 0x0a;           /* Locally administered, unicast. */
    mac->b[1] = (uint8_t) kind[0];
    for (int i = 2; i < 6; i++) {
        mac->b[i] = (uint8_t) (h >> (8 * (7 - i)));
    }
}

struct endpoint *
cnet_join_bridge(struct world *w, struct cnet *net, struct container *c,
                 struct lbridge *br)
{
    struct host *h = net->host;
    const struct cfg_container *cc = c->cfg;
    char veth[16];
    ctr_veth_host_name(h->dev.path, cc->name, veth, sizeof veth);
    struct veth *v = veth_create(w, h, &c->dev, "eth0", &h->dev, veth,
                                 c->cycles);
    c->ifdev = &v->end[0].dev;
    struct endpoint *ep = ctr_make_stack(c, &v->end[0].dev, &cc->mac);
    port_connect(&ep->port, &v->end[0].port);
    lbridge_attach(br, &v->end[1].port);
    return ep;
}
