/* models/container/container.c: containers, their cores, namespaces and
 * report. */
#include "models/container/container.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/container/netdrv.h"
#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

void
ctr_veth_host_name(const char *host, const char *ctr, char *buf, size_t len)
{
    /* FNV-1a of "HOST/NAME": fixed and well spread. */
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const char *s = host; *s; s++) {
        h = (h ^ (unsigned char) *s) * 0x100000001b3ULL;
    }
    h = (h ^ '/') * 0x100000001b3ULL;
    for (const char *s = ctr; *s; s++) {
        h = (h ^ (unsigned char) *s) * 0x100000001b3ULL;
    }
    snprintf(buf, len, "veth%07x", (unsigned) (h >> 36));
}

void
ctr_default_mac(uint32_t ip, struct vh_mac *mac)
{
    mac->b[0] = 0x02;
    mac->b[1] = 0x42;
    mac->b[2] = (uint8_t) (ip >> 24);
    mac->b[3] = (uint8_t) (ip >> 16);
    mac->b[4] = (uint8_t) (ip >> 8);
    mac->b[5] = (uint8_t) ip;
}

/* --- A stacked interface. --- */

static void
ctr_if_down(struct world *w, struct port *port, struct vh_packet *p)
{
    struct ctr_if *i = port->owner;
    i->dev.rx++;
    i->dev.report |= p->flow >= 0;
    VH_TRACE(&w->trace, VH_HOP_RX, .time = w->sim.now, .pkt = p,
             .dev = &i->dev);
    port_deliver(w, &i->upper, p);
}

static void
ctr_if_up(struct world *w, struct port *port, struct vh_packet *p)
{
    struct ctr_if *i = port->owner;
    i->dev.tx++;
    i->dev.report |= p->flow >= 0;
    VH_TRACE(&w->trace, VH_HOP_TX, .time = w->sim.now, .pkt = p,
             .dev = &i->dev);
    port_deliver(w, &i->lower, p);
}

struct ctr_if *
ctr_if_create(struct world *w, struct container *c,
              const struct dev_class *cls, struct port *stack_port)
{
    struct ctr_if *i = vh_xcalloc(1, sizeof *i);
    dev_register(w, &i->dev, cls, &c->dev, "eth0");
    port_init(&i->lower, ctr_if_down, i, &i->dev, 0);
    port_init(&i->upper, ctr_if_up, i, &i->dev, 1);
    port_connect(&i->upper, stack_port);
    c->ifdev = &i->dev;
    return i;
}

void
ctr_if_destroy(struct vh_device *d)
{
    free(VH_CONTAINER_OF(d, struct ctr_if, dev));
}

struct endpoint *
ctr_make_stack(struct container *c, struct vh_device *ifdev,
               const struct vh_mac *mac)
{
    const struct cfg_container *cc = c->cfg;
    struct endpoint *ep = endpoint_create(c->host, ifdev, c->dev.path, mac,
                                          cc->ip, cc->prefix, c->cpus[0],
                                          CPU_APP, CPU_SOFTIRQ);
    ep->tx_cat = CPU_SOFTIRQ;
    ep->app_rx = true;
    ep->cycles = c->cycles;
    c->ep = ep;
    return ep;
}

/* --- Building. --- */

static struct container *
ctr_new(struct world *w, struct host *h, const struct cfg_container *cc)
{
    struct container *c = vh_xcalloc(1, sizeof *c);
    dev_register(w, &c->dev, &container_class, &h->dev, cc->name);
    c->host = h;
    c->cfg = cc;
    /* Pinned with "cpus", or placed as the host places unpinned work:
     * from the last core down, away from core 0's interrupts. */
    c->n_cpus = cc->n_cpus ? cc->n_cpus : 1;
    c->cpus = vh_xcalloc(c->n_cpus, sizeof *c->cpus);
    for (size_t k = 0; k < cc->n_cpus; k++) {
        c->cpus[k] = &h->cores[cc->cpus[k]];
    }
    if (!cc->n_cpus) {
        c->cpus[0] = host_pick_vcpu_core(h);
    }
    return c;
}

bool
containers_build(struct world *w, struct host *h, struct vh_diag *diag)
{
    const struct cfg_host *ch = h->cfg;
    h->containers = vh_xcalloc(ch->n_containers ? ch->n_containers : 1,
                               sizeof *h->containers);
    /* Namespaces of their own first, in order; then those that use
     * another's, which may come earlier in the list than their owner. */
    for (size_t i = 0; i < ch->n_containers; i++) {
        const struct cfg_container *cc = &ch->containers[i];
        struct container *c = ctr_new(w, h, cc);
        h->containers[h->n_containers++] = c;
        if (cc->mode == CFG_CTR_NET) {
            struct cnet *net = h->cnets[cc->net];
            if (!net->drv->join(w, net, c, diag)) {
                return false;
            }
            cnet_add_member(net, c);
        }
    }
    for (size_t i = 0; i < ch->n_containers; i++) {
        const struct cfg_container *cc = &ch->containers[i];
        struct container *c = h->containers[i];
        struct endpoint *stack = NULL;
        if (cc->mode == CFG_CTR_HOST) {
            /* The host's own stack on its first addressed NIC. */
            stack = h->n_eps ? h->eps[0] : NULL;
        } else if (cc->mode == CFG_CTR_SHARED) {
            c->owner = h->containers[cc->share];
            stack = c->owner->ep;
        }
        if (stack) {
            c->ep = endpoint_create_app(stack, &c->dev, c->dev.path,
                                        c->cpus[0], c->cycles);
        }
    }
    return true;
}

struct endpoint *
ctr_published_endpoint(struct world *w, const char *path)
{
    char name[256];
    const char *colon = strchr(path, ':');
    if (!colon || (size_t) (colon - path) >= sizeof name) {
        return NULL;
    }
    snprintf(name, sizeof name, "%.*s", (int) (colon - path), path);
    long port = strtol(colon + 1, NULL, 10);
    struct host *h = world_host(w, name);
    for (size_t i = 0; h && i < h->n_containers; i++) {
        const struct cfg_container *cc = h->containers[i]->cfg;
        for (size_t k = 0; k < cc->n_publish; k++) {
            if (cc->publish[k].host_port == port) {
                return h->containers[i]->ep;
            }
        }
    }
    return NULL;
}

/* --- The class. --- */

static struct endpoint *
ctr_endpoint(struct vh_device *d)
{
    return VH_CONTAINER_OF(d, struct container, dev)->ep;
}

static bool
ctr_reports(const struct vh_device *d)
{
    (void) d;
    return true;
}

/* In the host's "container_list": how it is networked, where it runs,
 * and what it cost. */
static void
ctr_report(const struct vh_device *d, struct report_out *out)
{
    const struct container *c = VH_CONTAINER_OF(d, const struct container,
                                                dev);
    const struct cfg_container *cc = c->cfg;
    char a[20];
    report_out_str(out, "network", cc->network);
    if (c->ep) {
        report_out_str(out, "ip", vh_ipv4_format(c->ep->ip, a));
    }
    if (c->ifdev) {
        report_out_str(out, "interface", c->ifdev->path);
    }
    report_out_begin_list(out, "cpus");
    for (size_t k = 0; k < c->n_cpus; k++) {
        report_out_num(out, "core", c->cpus[k]->index);
    }
    report_out_end(out);
    uint64_t total = 0;
    report_out_begin(out, "cycles");
    for (int k = 0; k < CPU_N_CATS; k++) {
        report_out_num(out, cpu_cat_names[k], (double) c->cycles[k]);
        total += c->cycles[k];
    }
    report_out_end(out);
    report_out_num(out, "cycles_total", (double) total);
    report_out_num(out, "packets", c->ep ? (double) c->ep->packets : 0);
    if (cc->n_publish) {
        char text[512];
        size_t len = 0;
        for (size_t k = 0; k < cc->n_publish && len < sizeof text; k++) {
            const struct cfg_publish *p = &cc->publish[k];
            len += (size_t) snprintf(text + len, sizeof text - len,
                                     "%s%s%s%u:%u/%s", k ? ", " : "",
                                     p->host_ip ? vh_ipv4_format(p->host_ip,
                                                                 a) : "",
                                     p->host_ip ? ":" : "", p->host_port,
                                     p->ctr_port, cfg_proto_names[p->proto]);
        }
        report_out_str(out, "publish", text);
    }
}

static void
ctr_destroy(struct vh_device *d)
{
    struct container *c = VH_CONTAINER_OF(d, struct container, dev);
    endpoint_free(c->ep);
    free(c->cpus);
    free(c);
}

/* Built by its host (containers_build).  A guest in the picture, its
 * interface its child. */
const struct dev_class container_class = {
    .kind = "container",
    .role = VH_ROLE_GUEST,
    .family = DEV_FAM_PART,
    .endpoint = ctr_endpoint,
    .host_section = "container_list",
    .report = ctr_report,
    .reports = ctr_reports,
    .destroy = ctr_destroy,
};
