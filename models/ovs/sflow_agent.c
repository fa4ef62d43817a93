/* models/ovs/sflow_agent.c: sampling, counter polling and datagrams. */
#include "models/ovs/sflow_agent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "models/ovs/odp.h"
#include "models/ovs/ofproto.h"
#include "models/ovs/sflow.h"
#include "sim/rng.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

/* OVS's bridge sampler: data source 2:(1000 + sub-agent id). */
#define SAMPLER_INDEX 1000

/* The agent's UDP source port: the first of Linux's ephemeral ports
 * (ip_local_port_range), one per bridge. */
#define AGENT_SPORT 32768

struct sflow_agent {
    struct vh_device dev;       /* "host1/br0/sflow". */
    struct host *host;
    struct vh_device *bridge;   /* Where the datapath's work is charged. */
    struct ofproto *ofp;
    const struct cfg_sflow *cfg;
    uint32_t sub_id;            /* The bridge's number among the host's
                                 * bridges with sFlow, as OVS counts. */
    struct cpu_core *send_core;
    struct endpoint *ep;        /* The agent address's, once found. */
    struct vh_rng rng;          /* The datapath's sampling draws. */
    uint8_t buf[SFLOW_DGRAM_MAX];
    struct sflow_dgram dgram;   /* Samples gathered, not yet sent. */
    uint32_t dgram_seq;         /* Datagrams sent. */
    uint32_t flow_seq;          /* The sampler's flow samples. */
    uint32_t *counter_seq;      /* Each poller's counter samples: ports
                                 * by number, then LOCAL. */
    struct vh_timer poll, tick;
    /* For the report. */
    uint64_t pool, samples, counter_samples, datagrams;
};

/* --- Datagrams. --- */

static void
dgram_begin(struct sflow_agent *ag)
{
    /* Sequence number and uptime are stamped as it leaves. */
    sflow_dgram_begin(&ag->dgram, ag->buf, sizeof ag->buf, ag->cfg->agent_ip,
                      ag->sub_id, 0, 0);
}

/* The endpoint of the agent address, among the host's own. */
static struct endpoint *
agent_endpoint(struct sflow_agent *ag)
{
    struct host *h = ag->host;
    for (size_t i = 0; !ag->ep && i < h->n_eps; i++) {
        if (h->eps[i]->ip == ag->cfg->agent_ip) {
            ag->ep = h->eps[i];
        }
    }
    return ag->ep;
}

/* Sends the samples gathered, if any, and starts the next datagram. */
static void
dgram_send(struct world *w, struct sflow_agent *ag)
{
    struct endpoint *ep = agent_endpoint(ag);
    if (!ag->dgram.n_samples || !ep) {
        return;                 /* The loader found the address. */
    }
    sflow_dgram_stamp(&ag->dgram, ++ag->dgram_seq,
                      (uint32_t) (w->sim.now / VH_MS));
    endpoint_send_udp(w, ep, ag->cfg->collector_ip,
                      (uint16_t) (AGENT_SPORT + ag->sub_id),
                      ag->cfg->collector_port, ag->buf,
                      (uint32_t) sflow_dgram_end(&ag->dgram), ag->send_core,
                      CPU_VSWITCH, &ag->dev);
    ag->datagrams++;
    dgram_begin(ag);
}

/* --- Packet sampling. --- */

uint32_t
sflow_agent_output(const struct odp_actions *acts)
{
    uint32_t n = 0, port = 0;
    for (size_t i = 0; i < acts->n; i++) {
        if (acts->a[i].type == ODP_OUTPUT) {
            port = acts->a[i].port;
            n++;
        }
    }
    return n == 0 ? SFLOW_IF_DROPPED(256)
           : n == 1 ? port : 0x80000000u | n;
}

void
sflow_agent_sample(struct world *w, struct sflow_agent *ag,
                   struct cpu_core *core, enum cpu_cat cat,
                   const struct vh_packet *p, uint32_t in_port, uint32_t out)
{
    const struct cfg_sflow *cs = ag->cfg;
    ag->pool++;
    if (vh_rng_below(&ag->rng, cs->sampling) != 0) {
        return;
    }
    /* The sample action's userspace action: the frame goes up whole. */
    cpu_charge(w, core, COST_OVS_UPCALL, 0, cat, p, ag->bridge);
    cpu_charge(w, core, COST_COPY_FIXED, 0, cat, p, ag->bridge);
    vh_time_t t = cpu_charge(w, core, COST_COPY_BYTE, p->len, cat, p,
                             ag->bridge);
    struct sflow_flow_sample fs = {
        .seq = ++ag->flow_seq,
        .source_class = SFLOW_SOURCE_ENTITY,
        .source_ifindex = SAMPLER_INDEX + ag->sub_id,
        .sampling_rate = cs->sampling,
        .sample_pool = (uint32_t) ag->pool,
        .input_ifindex = in_port,
        .output_ifindex = out,
        .frame = p->data,
        .frame_len = p->len,
        .header_max = cs->header,
    };
    ag->samples++;
    if (!sflow_dgram_add_flow(&ag->dgram, &fs)) {
        dgram_send(w, ag);
        sflow_dgram_add_flow(&ag->dgram, &fs);  /* Always fits alone. */
    }
    if (w->trace.mask & VH_HOP_BIT(VH_HOP_DECIDE)) {
        char what[96];
        snprintf(what, sizeof what, "sFlow: sampled (1 in %u), flow "
                 "sample %u", (unsigned) cs->sampling,
                 (unsigned) fs.seq);
        VH_TRACE(&w->trace, VH_HOP_DECIDE, .time = t, .pkt = p,
                 .dev = &ag->dev, .what = what);
    }
}

/* --- Counter polling. --- */

/* The line rate of port 'op': its NIC's; 0 (unknown) for a VM's tap or
 * an internal port, which have none. */
static uint64_t
port_speed(const struct sflow_agent *ag, const struct ofproto_port *op)
{
    const struct cfg_host *ch = ag->host->cfg;
    if (!op->cfg || op->cfg->type != CFG_BP_NIC) {
        return 0;
    }
    for (size_t i = 0; i < ch->n_nics; i++) {
        if (!strcmp(ch->nics[i].name, op->name)) {
            return ch->nics[i].speed_bps;
        }
    }
    return 0;
}

static uint32_t
low32(uint64_t v)
{
    return (uint32_t) v;        /* The IF-MIB's 32-bit counters wrap. */
}

static void
fill_counters(const struct sflow_agent *ag, const struct ofproto_port *op,
              struct sflow_if_counters *c)
{
    const struct ofproto_port_stats *rx = &op->rx, *tx = &op->tx;
    memset(c, 0, sizeof *c);
    c->ifindex = op->ofp_port;
    c->iftype = SFLOW_IFTYPE_ETHERNET;
    c->ifspeed = port_speed(ag, op);
    c->ifdirection = SFLOW_IFDIR_FULL_DUPLEX;
    c->ifstatus = SFLOW_IFSTATUS_ADMIN_UP
                  | (op->up ? SFLOW_IFSTATUS_OPER_UP : 0);
    c->in_octets = rx->bytes;
    c->in_ucast = low32(rx->packets - rx->mcast - rx->bcast);
    c->in_mcast = low32(rx->mcast);
    c->in_bcast = low32(rx->bcast);
    c->out_octets = tx->bytes;
    c->out_ucast = low32(tx->packets - tx->mcast - tx->bcast);
    c->out_mcast = low32(tx->mcast);
    c->out_bcast = low32(tx->bcast);
}

static void
add_counters(struct world *w, struct sflow_agent *ag, size_t k,
             const struct ofproto_port *op)
{
    struct sflow_if_counters c;
    fill_counters(ag, op, &c);
    uint32_t seq = ++ag->counter_seq[k];
    ag->counter_samples++;
    if (!sflow_dgram_add_counters(&ag->dgram, seq, &c)) {
        dgram_send(w, ag);
        sflow_dgram_add_counters(&ag->dgram, seq, &c);
    }
}

/* Every port's counters, at the agent's start and then every
 * 'polling'. */
static void
poll_ev(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct sflow_agent *ag = obj;
    struct ofproto *ofp = ag->ofp;
    for (size_t i = 0; i < ofp->n_ports; i++) {
        add_counters(w, ag, i, &ofp->ports[i]);
    }
    if (ofp->has_local) {
        add_counters(w, ag, ofp->n_ports, &ofp->local);
    }
    vh_timer_arm_at(sim, &ag->poll, sim->now + ag->cfg->polling);
    (void) arg;
}

/* The agent's tick: what it gathered goes out. */
static void
tick_ev(struct vh_sim *sim, void *obj, void *arg)
{
    struct sflow_agent *ag = obj;
    dgram_send(world_of(sim), ag);
    vh_timer_arm_at(sim, &ag->tick, sim->now + ag->cfg->flush);
    (void) arg;
}

/* --- Life cycle. --- */

/* OVS numbers the bridges with sFlow from 0, in the order it configures
 * them: here, the host's bridges in scenario order. */
static uint32_t
sub_agent_id(const struct host *h, const struct cfg_bridge *cb)
{
    uint32_t n = 0;
    for (size_t b = 0; b < h->cfg->n_bridges; b++) {
        if (&h->cfg->bridges[b] == cb) {
            break;
        }
        n += h->cfg->bridges[b].sflow != NULL;
    }
    return n;
}

struct sflow_agent *
sflow_agent_create(struct world *w, struct host *h, struct vh_device *bridge,
                   struct ofproto *ofp, const struct cfg_bridge *cb,
                   struct cpu_core *send_core)
{
    struct sflow_agent *ag = vh_xcalloc(1, sizeof *ag);
    char stream[512];
    dev_register(w, &ag->dev, &sflow_agent_class, bridge, "sflow");
    ag->host = h;
    ag->bridge = bridge;
    ag->ofp = ofp;
    ag->cfg = cb->sflow;
    ag->sub_id = sub_agent_id(h, cb);
    ag->send_core = send_core;
    snprintf(stream, sizeof stream, "%s/sflow", bridge->path);
    vh_rng_seed(&ag->rng, w->cfg->seed, stream);
    ag->counter_seq = vh_xcalloc(ofp->n_ports + 1, sizeof *ag->counter_seq);
    dgram_begin(ag);
    vh_timer_init(&ag->poll, poll_ev, ag);
    vh_timer_init(&ag->tick, tick_ev, ag);
    if (ag->cfg->polling) {
        vh_timer_arm_at(&w->sim, &ag->poll, 0);     /* 0: no poller. */
    }
    vh_timer_arm_at(&w->sim, &ag->tick, ag->cfg->flush);
    return ag;
}

void
sflow_agent_stats(const struct sflow_agent *ag, struct sflow_agent_stats *s)
{
    s->pool = ag->pool;
    s->samples = ag->samples;
    s->counter_samples = ag->counter_samples;
    s->datagrams = ag->datagrams;
    s->pending = ag->dgram.n_samples;
}

void
sflow_agent_report(const struct sflow_agent *ag, struct report_out *out)
{
    struct sflow_agent_stats s;
    sflow_agent_stats(ag, &s);
    report_out_begin(out, "sflow");
    report_out_num(out, "samples", (double) s.samples);
    report_out_num(out, "counter_samples", (double) s.counter_samples);
    report_out_num(out, "datagrams", (double) s.datagrams);
    report_out_num(out, "pool", (double) s.pool);
    report_out_num(out, "pending", s.pending);
    report_out_end(out);
}

static void
sflow_agent_destroy(struct vh_device *d)
{
    struct sflow_agent *ag = VH_CONTAINER_OF(d, struct sflow_agent, dev);
    free(ag->counter_seq);
    free(ag);
}

/* A part of ovs-vswitchd, shown as a device of its bridge so that its
 * datagrams have a place to come from in traces and the GUI. */
const struct dev_class sflow_agent_class = {
    .kind = "ovs-sflow-agent",
    .role = VH_ROLE_DEVICE,
    .family = DEV_FAM_PART,
    .destroy = sflow_agent_destroy,
};
