/* models/container/cnet_bridge.c: Docker's bridge driver.
 *
 * The network is a Linux bridge of its own, with no NIC enslaved:
 * docker0 for the default network "bridge", br-NAME for a user-defined
 * one.  The host holds the network's gateway address on it (172.17.0.1
 * on docker0) and routes it to the outside as Docker's iptables rules
 * make it (models/hostnet/nat.h): MASQUERADE for what its containers
 * send out, DNAT for the ports they publish, and the DOCKER-ISOLATION
 * chains keeping every bridge network apart from the others.  A
 * container joins with a veth pair: one end is its eth0, the other a port
 * of the bridge (models/container/veth.h). */
#include "models/container/netdrv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/container/container.h"
#include "models/container/veth.h"
#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "models/hostnet/lbridge.h"
#include "models/hostnet/nat.h"
#include "sim/xmalloc.h"

/* What Docker's rules make of a bridge network: no new connection in but
 * to a published port, and none from another bridge network. */
static const struct nat_policy docker_policy = {
    .owner = "docker",
    .inbound_drop = "docker-direct-access",
    .isolated = true,
};

struct cbr {
    struct cfg_bridge br_cfg;   /* The bridge's settings. */
    struct lbridge *br;
    struct nat_lan *lan;        /* Its routing through the host. */
};

/* The bridge's MAC, its gateway's: Docker's 02:42 and four bytes of a
 * hash of its path (Docker draws them at random). */
static void
bridge_mac(const char *path, struct vh_mac *mac)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const char *s = path; *s; s++) {
        h = (h ^ (unsigned char) *s) * 0x100000001b3ULL;
    }
    mac->b[0] = 0x02;
    mac->b[1] = 0x42;
    for (int i = 2; i < 6; i++) {
        mac->b[i] = (uint8_t) (h >> (8 * (7 - i)));
    }
}

static bool
cbr_build(struct world *w, struct cnet *net, struct vh_diag *diag)
{
    const struct cfg_network *cn = net->cfg;
    struct host *h = net->host;
    struct cbr *b = vh_xcalloc(1, sizeof *b);
    net->priv = b;
    b->br_cfg.name = cn->bridge;
    b->br_cfg.jpath = cn->jpath;
    b->br_cfg.type = CFG_BR_LINUX;
    b->br = lbridge_create(w, h, &b->br_cfg);
    struct vh_mac mac;
    bridge_mac(b->br->dev.path, &mac);
    struct nat *nat = nat_host(w, h, "a Docker bridge network", cn->jpath,
                               diag);
    if (!nat) {
        return false;
    }
    b->lan = nat_lan_add(nat, &docker_policy, b->br, cn->subnet, cn->prefix,
                         cn->gateway, &mac);
    return true;
}

static bool
cbr_join(struct world *w, struct cnet *net, struct container *c,
         struct vh_diag *diag)
{
    struct cbr *b = net->priv;
    const struct cfg_container *cc = c->cfg;
    struct endpoint *ep = cnet_join_bridge(w, net, c, b->br);

    /* Its published ports are DNAT rules of the host's router. */
    struct cfg_forward *fwd = NULL;
    if (cc->n_publish) {
        fwd = vh_xcalloc(cc->n_publish, sizeof *fwd);
        for (size_t k = 0; k < cc->n_publish; k++) {
            fwd[k] = (struct cfg_forward) {
                .proto = cc->publish[k].proto,
                .port = cc->publish[k].host_port,
                .to_port = cc->publish[k].ctr_port,
            };
        }
        world_keep(w, fwd);
    }
    nat_lan_member(b->lan, ep, fwd, cc->n_publish);
    (void) diag;
    return true;
}

/* An address with its port ("172.17.0.2:10000"), or with its ICMP echo
 * id ("172.17.0.2 id 257"); 'port' 0 with ICMP: the address alone. */
static void
conn_end(char *buf, size_t len, uint8_t proto, uint32_t ip, uint16_t port)
{
    char a[20];
    vh_ipv4_format(ip, a);
    if (proto != VH_IPPROTO_ICMP) {
        snprintf(buf, len, "%s:%u", a, port);
    } else if (port) {
        snprintf(buf, len, "%s id %u", a, port);
    } else {
        snprintf(buf, len, "%s", a);
    }
}

/* The bridge, what the host's rules did for the network, and its
 * entries in the host's connection table (as conntrack -L lists them:
 * the original direction, and the address the reply comes back to). */
static void
cbr_report(const struct cnet *net, struct report_out *out)
{
    const struct cbr *b = net->priv;
    const struct nat_lan *lan = b->lan;
    const struct nat *nat = lan->nat;
    report_out_str(out, "bridge", b->br->dev.path);
    report_out_num(out, "masqueraded", (double) lan->masqueraded);
    report_out_num(out, "replies", (double) lan->replies);
    report_out_num(out, "published_in", (double) lan->forwarded);
    report_out_num(out, "isolation_drops", (double) lan->isolated);
    report_out_begin_list(out, "conntrack");
    for (size_t i = 0; i < nat->n_conns; i++) {
        const struct nat_conn *c = &nat->conns[i];
        if (!c->proto || (c->in_ip & lan->mask) != lan->net) {
            continue;
        }
        /* A published port's connection came from outside: its original
         * direction is to the host's address, and the reply comes from
         * the container. */
        char in[48], out_end[48], host[48];
        conn_end(in, sizeof in, c->proto, c->in_ip, c->in_port);
        conn_end(out_end, sizeof out_end, c->proto, c->out_ip, c->out_port);
        conn_end(host, sizeof host, c->proto, nat->wan->ip, c->nat_port);
        report_out_begin_item(out);
        report_out_str(out, "proto", c->proto == VH_IPPROTO_UDP ? "udp"
                                     : c->proto == VH_IPPROTO_TCP ? "tcp"
                                     : "icmp");
        report_out_str(out, "src", c->dnat ? out_end : in);
        report_out_str(out, "dst", c->dnat ? host : out_end);
        report_out_str(out, c->dnat ? "dnat" : "masquerade",
                       c->dnat ? in : host);
        report_out_end(out);
    }
    report_out_end(out);
}

static void
cbr_destroy(struct cnet *net)
{
    free(net->priv);
}

const struct net_driver cnet_bridge_driver = {
    .name = "bridge",
    .subnet_default = true,
    .publishes = true,
    .build = cbr_build,
    .join = cbr_join,
    .report = cbr_report,
    .destroy = cbr_destroy,
};
