/* models/dvs/n1kv.c: the Nexus 1000V's supervisor and its control
 * traffic with each host's module. */
#include "models/dvs/n1kv.h"

#include <stdio.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/dvs/dvswitch.h"
#include "models/endpoint/endpoint.h"
#include "sim/frame.h"

#define MSG_HLEN 12             /* Magic, type, 3 bytes pad, sequence. */
#define MSG_MAX 128

/* A message: the header, then 'text'. */
static uint32_t
msg_build(uint8_t *buf, enum n1kv_msg type, uint32_t seq, const char *text)
{
    size_t n = strlen(text);
    n = n > MSG_MAX - MSG_HLEN ? MSG_MAX - MSG_HLEN : n;
    memset(buf, 0, MSG_HLEN);
    vh_put_be32(buf, N1KV_MAGIC);
    buf[4] = (uint8_t) type;
    vh_put_be32(buf + 8, seq);
    memcpy(buf + MSG_HLEN, text, n);
    return (uint32_t) (MSG_HLEN + n);
}

/* The message type of UDP packet 'p', or 0 if it is not one. */
static int
msg_type(const struct vh_packet *p, const struct vh_frame_info *fi)
{
    uint32_t off = (uint32_t) fi->l4_off + 8;
    if (off + MSG_HLEN > p->len || vh_get_be32(p->data + off) != N1KV_MAGIC) {
        return 0;
    }
    return p->data[off + 4];
}

/* --- The supervisor. --- */

static struct endpoint *
vsm_endpoint(struct world *w, const struct dvswitch *sw)
{
    struct vh_device *d = vh_devtab_find(&w->devs, sw->cfg->vsm);
    return d && d->cls && d->cls->endpoint ? d->cls->endpoint(d) : NULL;
}

/* The VSM answers a heartbeat, and a port attach with the port's
 * profile (its port group). */
static void
vsm_input(struct world *w, struct endpoint *ep, struct vh_packet *p,
          const struct vh_frame_info *fi, void *ctx)
{
    struct dvswitch *sw = ctx;
    uint8_t buf[MSG_MAX];
    char text[MSG_MAX];
    uint32_t len = 0, seq = 0;
    int type = msg_type(p, fi);
    if (type) {
        seq = vh_get_be32(p->data + fi->l4_off + 8 + 8);
    }
    if (type == N1KV_HEARTBEAT_REQ) {
        sw->vsm.heartbeats_rx++;
        snprintf(text, sizeof text, "vsm %s", sw->cfg->name);
        len = msg_build(buf, N1KV_HEARTBEAT_ACK, seq, text);
        sw->vsm.heartbeats_tx++;
    } else if (type == N1KV_PORT_ATTACH) {
        /* The text is "HOST port ID NIC": the profile is the port's
         * group. */
        unsigned id = 0;
        const char *t = (const char *) p->data + fi->l4_off + 8 + MSG_HLEN;
        size_t tn = p->len - (size_t) (fi->l4_off + 8 + MSG_HLEN);
        char in[MSG_MAX];
        snprintf(in, sizeof in, "%.*s", (int) tn, t);
        const char *at = strstr(in, " port ");
        sw->vsm.attach_rx++;
        if (at && sscanf(at, " port %u", &id) == 1 && id < sw->n_ports) {
            const struct cfg_portgroup *pg = sw->ports[id]->pg;
            snprintf(text, sizeof text, "port %u port-profile %s vlan %d",
                     id, pg->name, pg->vlan);
            len = msg_build(buf, N1KV_PORT_PROFILE, seq, text);
            sw->vsm.profiles_tx++;
        }
    }
    if (len) {
        endpoint_send_udp(w, ep, fi->ip_src, N1KV_PORT, N1KV_PORT, buf, len,
                          ep->app_core, ep->app_cat, &sw->dev);
    }
    acct_consume(w, p, &sw->dev);
}

/* --- A host's module. --- */

/* The VEM takes the VSM's answers. */
static void
vem_input(struct world *w, struct endpoint *ep, struct vh_packet *p,
          const struct vh_frame_info *fi, void *ctx)
{
    struct dvs_local *lp = ctx;
    int type = msg_type(p, fi);
    lp->vem.heartbeats_rx += type == N1KV_HEARTBEAT_ACK;
    lp->vem.profiles_rx += type == N1KV_PORT_PROFILE;
    acct_consume(w, p, &lp->dev);
    (void) ep;
}

static void
vem_send(struct world *w, struct dvs_local *lp, enum n1kv_msg type,
         const char *text)
{
    uint8_t buf[MSG_MAX];
    uint32_t len = msg_build(buf, type, lp->vem_seq++, text);
    endpoint_send_udp(w, lp->mgmt, lp->sw->vsm_ip, N1KV_PORT, N1KV_PORT, buf,
                      len, &lp->host->cores[0], CPU_VSWITCH, &lp->dev);
}

static void
vem_heartbeat(struct vh_sim *sim, void *obj, void *arg)
{
    struct dvs_local *lp = obj;
    char text[MSG_MAX];
    snprintf(text, sizeof text, "vem %s %s", lp->host->dev.path,
             lp->sw->cfg->name);
    vem_send(world_of(sim), lp, N1KV_HEARTBEAT_REQ, text);
    lp->vem.heartbeats_tx++;
    vh_timer_arm_at(sim, &lp->hb, sim->now + N1KV_HEARTBEAT);
    (void) arg;
}

void
n1kv_port_attach(struct world *w, struct dvs_local *lp,
                 const struct dvs_port *dp)
{
    if (!lp->mgmt) {
        return;                 /* Told when the VEM starts. */
    }
    char text[MSG_MAX];
    snprintf(text, sizeof text, "%s port %u %s", lp->host->dev.path,
             (unsigned) dp->id, dp->nic_path);
    vem_send(w, lp, N1KV_PORT_ATTACH, text);
    lp->vem.attach_tx++;
}

/* The run starts: the host's management address and the VSM's are
 * there; each end binds the control port, and the VEM greets the VSM and
 * reports the ports it has. */
static void
vem_begin(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct dvs_local *lp = obj;
    struct dvswitch *sw = lp->sw;
    uint32_t ip = dvs_mgmt_ip(w, lp->host, sw->cfg);
    for (size_t i = 0; i < lp->host->n_eps && !lp->mgmt; i++) {
        if (lp->host->eps[i]->ip == ip) {
            lp->mgmt = lp->host->eps[i];
        }
    }
    if (!sw->vsm_ep) {
        sw->vsm_ep = vsm_endpoint(w, sw);
        sw->vsm_ip = sw->vsm_ep ? sw->vsm_ep->ip : 0;
        if (sw->vsm_ep) {
            endpoint_bind(sw->vsm_ep, VH_IPPROTO_UDP, N1KV_PORT, vsm_input,
                          sw);
        }
    }
    if (!lp->mgmt || !sw->vsm_ep) {
        return;                 /* The loader found both addresses. */
    }
    endpoint_bind(lp->mgmt, VH_IPPROTO_UDP, N1KV_PORT, vem_input, lp);
    vem_heartbeat(sim, lp, NULL);
    for (size_t i = 1; i < lp->l2.n_ports; i++) {
        if (lp->l2_ports[i]) {
            n1kv_port_attach(w, lp, lp->l2_ports[i]);
        }
    }
    (void) arg;
}

void
n1kv_vem_start(struct world *w, struct dvs_local *lp)
{
    vh_timer_init(&lp->hb, vem_heartbeat, lp);
    vh_schedule_at(&w->sim, 0, vem_begin, lp, NULL);
}

static void
stats_report(const struct n1kv_stats *s, struct report_out *out)
{
    report_out_num(out, "heartbeats_tx", (double) s->heartbeats_tx);
    report_out_num(out, "heartbeats_rx", (double) s->heartbeats_rx);
    report_out_num(out, "port_attach_tx", (double) s->attach_tx);
    report_out_num(out, "port_attach_rx", (double) s->attach_rx);
    report_out_num(out, "profiles_tx", (double) s->profiles_tx);
    report_out_num(out, "profiles_rx", (double) s->profiles_rx);
}

void
n1kv_vem_report(const struct dvs_local *lp, struct report_out *out)
{
    report_out_begin(out, "vem");
    stats_report(&lp->vem, out);
    report_out_end(out);
}

void
n1kv_vsm_report(const struct dvswitch *sw, struct report_out *out)
{
    report_out_begin(out, "vsm");
    report_out_str(out, "endpoint", sw->cfg->vsm);
    stats_report(&sw->vsm, out);
    report_out_end(out);
}
