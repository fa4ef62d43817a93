/* models/core/flowexp.c: the flow cache, its timeouts, the datagrams. */
#include "models/core/flowexp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/devclass.h"
#include "models/core/flowrec.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "sim/frame.h"
#include "sim/hash.h"
#include "sim/rng.h"
#include "sim/xmalloc.h"

/* What makes two frames one flow, as NetFlow v5 keys its cache. */
struct flow_key {
    uint32_t src_ip, dst_ip;
    uint32_t in_port;
    uint16_t src_port, dst_port;
    uint8_t proto, tos;
    uint8_t pad[2];             /* Zero, so keys compare as bytes. */
};

struct flow_entry {
    struct flow_key key;
    uint32_t out_port;          /* The last frame's. */
    uint8_t tcp_flags;
    uint64_t packets, bytes;    /* Since the last record. */
    vh_time_t first, last;      /* Of those packets. */
    vh_time_t window;           /* Start of the active timeout's window. */
    bool dead;                  /* Exported for good; freed at the scan. */
};

struct flowexp {
    struct vh_device dev;       /* "host1/br0/netflow". */
    struct host *host;
    struct vh_device *owner;
    const struct cfg_flowexp *cfg;
    uint16_t sport;
    struct cpu_core *send_core;
    struct endpoint *ep;        /* The management address's, once found. */
    struct vh_rng rng;          /* Sampling draws. */

    /* The cache: entries in creation order, so that records leave in a
     * fixed order; 'index' maps a key's hash to entry number + 1 by open
     * addressing, rebuilt whenever entries leave. */
    struct flow_entry *entries;
    size_t n_entries, cap_entries;
    uint32_t *index;
    size_t n_index;             /* A power of two, over twice n_entries. */

    uint8_t buf[IPFIX_MSG_MAX];
    struct flowrec_msg msg;     /* Records gathered, not yet sent. */
    bool msg_open;
    uint32_t seq;               /* Records sent (both formats count them). */
    vh_time_t next_template;    /* IPFIX. */
    struct vh_timer tick;
    struct flowexp_stats st;
};

/* --- The cache. --- */

static uint32_t
key_hash(const struct flow_key *k)
{
    uint32_t h = 0, word;
    _Static_assert(sizeof *k % 4 == 0, "keys hash as words");
    for (size_t i = 0; i < sizeof *k; i += 4) {
        memcpy(&word, (const uint8_t *) k + i, 4);
        h = vh_hash_add(h, word);
    }
    return vh_hash_finish(h);
}

static void
index_insert(struct flowexp *fx, size_t e)
{
    size_t mask = fx->n_index - 1;
    size_t i = key_hash(&fx->entries[e].key) & mask;
    while (fx->index[i]) {
        i = (i + 1) & mask;
    }
    fx->index[i] = (uint32_t) (e + 1);
}

static void
index_rebuild(struct flowexp *fx)
{
    size_t want = 16;
    while (want < 2 * fx->n_entries + 2) {
        want *= 2;
    }
    if (want != fx->n_index) {
        free(fx->index);
        fx->index = vh_xcalloc(want, sizeof *fx->index);
        fx->n_index = want;
    } else {
        memset(fx->index, 0, want * sizeof *fx->index);
    }
    for (size_t e = 0; e < fx->n_entries; e++) {
        index_insert(fx, e);
    }
}

static struct flow_entry *
cache_find(struct flowexp *fx, const struct flow_key *k)
{
    size_t mask = fx->n_index - 1;
    for (size_t i = key_hash(k) & mask; fx->index[i]; i = (i + 1) & mask) {
        struct flow_entry *fe = &fx->entries[fx->index[i] - 1];
        if (!memcmp(&fe->key, k, sizeof *k)) {
            return fe;
        }
    }
    return NULL;
}

static struct flow_entry *
cache_insert(struct flowexp *fx, const struct flow_key *k, vh_time_t now)
{
    if (fx->n_entries == fx->cap_entries) {
        fx->cap_entries = fx->cap_entries ? 2 * fx->cap_entries : 16;
        fx->entries = vh_xrealloc(fx->entries, fx->cap_entries
                                  * sizeof *fx->entries);
    }
    struct flow_entry *fe = &fx->entries[fx->n_entries++];
    memset(fe, 0, sizeof *fe);
    fe->key = *k;
    fe->window = now;
    if (2 * fx->n_entries + 2 > fx->n_index) {
        index_rebuild(fx);
    } else {
        index_insert(fx, fx->n_entries - 1);
    }
    fx->st.flows++;
    return fe;
}

/* Frees the entries marked dead, keeping the others' order. */
static void
cache_compact(struct flowexp *fx)
{
    size_t n = 0;
    for (size_t e = 0; e < fx->n_entries; e++) {
        if (!fx->entries[e].dead) {
            fx->entries[n++] = fx->entries[e];
        }
    }
    if (n != fx->n_entries) {
        fx->n_entries = n;
        index_rebuild(fx);
    }
}

/* --- Datagrams. --- */

static uint32_t
uptime_ms(vh_time_t t)
{
    return (uint32_t) (t / VH_MS);
}

/* The endpoint of the management address, among the host's own. */
static struct endpoint *
mgmt_endpoint(struct flowexp *fx)
{
    struct host *h = fx->host;
    for (size_t i = 0; !fx->ep && i < h->n_eps; i++) {
        if (h->eps[i]->ip == fx->cfg->agent_ip) {
            fx->ep = h->eps[i];
        }
    }
    return fx->ep;
}

static void
msg_begin(struct world *w, struct flowexp *fx)
{
    vh_time_t now = w->sim.now;
    if (fx->cfg->format == CFG_FLOWEXP_NETFLOW5) {
        nf5_begin(&fx->msg, fx->buf, sizeof fx->buf, uptime_ms(now), now
                  / (VH_SEC / 1000000000u), fx->seq, fx->cfg->engine_type,
                  fx->cfg->engine_id);
    } else {
        ipfix_begin(&fx->msg, fx->buf, sizeof fx->buf,
                    (uint32_t) (now / VH_SEC), fx->seq, fx->cfg->domain);
        if (now >= fx->next_template) {
            ipfix_add_template(&fx->msg);
            fx->st.templates++;
            fx->next_template = now + fx->cfg->template_interval;
        }
    }
    fx->msg_open = true;
}

static void
msg_send(struct world *w, struct flowexp *fx)
{
    struct endpoint *ep = mgmt_endpoint(fx);
    if (!fx->msg_open || !fx->msg.n_records || !ep) {
        return;                 /* The loader found the address. */
    }
    flowrec_msg_stamp(&fx->msg, uptime_ms(w->sim.now),
                      w->sim.now / (VH_SEC / 1000000000u));
    endpoint_send_udp(w, ep, fx->cfg->collector_ip, fx->sport,
                      fx->cfg->collector_port, fx->buf,
                      (uint32_t) flowrec_msg_len(&fx->msg), fx->send_core,
                      CPU_VSWITCH, &fx->dev);
    fx->seq += fx->msg.n_records;
    fx->st.datagrams++;
    fx->msg_open = false;
}

static bool
msg_add(struct flowexp *fx, const struct flowrec *r)
{
    return fx->cfg->format == CFG_FLOWEXP_NETFLOW5 ? nf5_add(&fx->msg, r)
           : ipfix_add(&fx->msg, r);
}

/* Entry 'fe''s packets since its last record leave as a record. */
static void
export(struct world *w, struct flowexp *fx, struct flow_entry *fe,
       enum flowrec_end why)
{
    struct flowrec r = {
        .src_ip = fe->key.src_ip, .dst_ip = fe->key.dst_ip,
        .src_port = fe->key.src_port, .dst_port = fe->key.dst_port,
        .proto = fe->key.proto, .tos = fe->key.tos,
        .tcp_flags = fe->tcp_flags,
        .input = fe->key.in_port, .output = fe->out_port,
        .packets = fe->packets, .bytes = fe->bytes,
        .first_ms = uptime_ms(fe->first), .last_ms = uptime_ms(fe->last),
        .end = why,
    };
    uint32_t rlen = fx->cfg->format == CFG_FLOWEXP_NETFLOW5 ? NF5_RLEN
                    : IPFIX_RLEN;
    /* Finding the entry and writing its record, on the exporting
     * thread. */
    cpu_charge(w, fx->send_core, COST_COPY_FIXED, 0, CPU_VSWITCH, NULL,
               &fx->dev);
    cpu_charge(w, fx->send_core, COST_COPY_BYTE, rlen, CPU_VSWITCH, NULL,
               &fx->dev);
    if (!fx->msg_open) {
        msg_begin(w, fx);
    }
    if (!msg_add(fx, &r)) {
        msg_send(w, fx);
        msg_begin(w, fx);
        msg_add(fx, &r);        /* Always fits alone. */
    }
    fx->st.records++;
    if (why == FLOWREC_END_ACTIVE) {
        fx->st.records_active++;
    } else {
        fx->st.records_idle++;
    }
    fe->packets = fe->bytes = 0;
    fe->tcp_flags = 0;
}

/* --- Counting. --- */

/* The flow key of 'p', if it is IPv4. */
static bool
extract(const struct vh_packet *p, uint32_t in_port, struct flow_key *k)
{
    struct vh_frame_info fi;
    if (vh_frame_parse(p->data, p->len, &fi, false) || !fi.is_ipv4) {
        return false;
    }
    memset(k, 0, sizeof *k);
    k->src_ip = fi.ip_src;
    k->dst_ip = fi.ip_dst;
    k->proto = fi.ip_proto;
    k->tos = p->data[fi.l3_off + 1];
    k->in_port = in_port;
    const uint8_t *l4 = p->data + fi.l4_off;
    bool first_fragment = !(vh_get_be16(p->data + fi.l3_off
                                        + VH_IPV4_FRAG_OFF) & 0x1fff);
    if (!first_fragment) {
        return true;            /* No transport header: ports 0. */
    }
    if ((k->proto == VH_IPPROTO_UDP || k->proto == VH_IPPROTO_TCP)
        && fi.l4_off + 4u <= p->len) {
        k->src_port = vh_get_be16(l4);
        k->dst_port = vh_get_be16(l4 + 2);
    } else if (k->proto == VH_IPPROTO_ICMP && fi.l4_off + 2u <= p->len) {
        k->src_port = l4[0];    /* Type and code, as OVS keys them. */
        k->dst_port = l4[1];
    }
    return true;
}

void
flowexp_account(struct world *w, struct flowexp *fx, struct cpu_core *core,
                enum cpu_cat cat, const struct vh_packet *p,
                uint32_t in_port, uint32_t out_port)
{
    struct flow_key k;
    if (!extract(p, in_port, &k)) {
        return;
    }
    fx->st.pool++;
    if (fx->cfg->sampling > 1) {
        if (vh_rng_below(&fx->rng, fx->cfg->sampling) != 0) {
            return;
        }
        /* The sample action's userspace action: the frame goes up. */
        cpu_charge(w, core, COST_OVS_UPCALL, 0, cat, p, fx->owner);
        cpu_charge(w, core, COST_COPY_FIXED, 0, cat, p, fx->owner);
        cpu_charge(w, core, COST_COPY_BYTE, p->len, cat, p, fx->owner);
    }
    vh_time_t now = w->sim.now;
    struct flow_entry *fe = cache_find(fx, &k);
    if (!fe) {
        fe = cache_insert(fx, &k, now);
    }
    if (!fe->packets) {
        fe->first = now;
    }
    fe->packets++;
    fe->bytes += p->len;
    fe->last = now;
    fe->out_port = out_port;
    if (k.proto == VH_IPPROTO_TCP) {
        struct vh_frame_info fi;
        vh_frame_parse(p->data, p->len, &fi, false);
        if (fi.l4_off + 14u <= p->len) {
            fe->tcp_flags |= p->data[fi.l4_off + 13];
        }
    }
    fx->st.packets++;
    if (fx->cfg->uncached) {
        export(w, fx, fe, FLOWREC_END_ACTIVE);
        fe->dead = true;        /* No cache: the entry held one frame. */
    }
}

/* --- Expiry. --- */

static void
tick_ev(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct flowexp *fx = obj;
    const struct cfg_flowexp *c = fx->cfg;
    vh_time_t now = sim->now;
    for (size_t e = 0; e < fx->n_entries; e++) {
        struct flow_entry *fe = &fx->entries[e];
        if (fe->dead) {
            continue;
        }
        if (now - fe->last >= c->inactive_timeout) {
            if (fe->packets) {
                export(w, fx, fe, FLOWREC_END_IDLE);
            }
            fe->dead = true;
        } else if (c->active_timeout && now - fe->window
                   >= c->active_timeout) {
            if (fe->packets) {
                export(w, fx, fe, FLOWREC_END_ACTIVE);
            }
            /* The next window starts where this one ended, as OVS's
             * last_expired advances by the timeout. */
            while (now - fe->window >= c->active_timeout) {
                fe->window += c->active_timeout;
            }
        }
    }
    cache_compact(fx);
    msg_send(w, fx);
    vh_timer_arm_at(sim, &fx->tick, now + c->tick);
    (void) arg;
}

/* --- Life cycle. --- */

struct flowexp *
flowexp_create(struct world *w, struct host *h, struct vh_device *owner,
               const char *name, const struct cfg_flowexp *cfg,
               uint16_t sport, struct cpu_core *send_core)
{
    struct flowexp *fx = vh_xcalloc(1, sizeof *fx);
    char stream[512];
    dev_register(w, &fx->dev, &flowexp_class, owner, name);
    fx->host = h;
    fx->owner = owner;
    fx->cfg = cfg;
    fx->sport = sport;
    fx->send_core = send_core;
    snprintf(stream, sizeof stream, "%s/%s", owner->path, name);
    vh_rng_seed(&fx->rng, w->cfg->seed, stream);
    index_rebuild(fx);
    vh_timer_init(&fx->tick, tick_ev, fx);
    vh_timer_arm_at(&w->sim, &fx->tick, cfg->tick);
    return fx;
}

void
flowexp_stats(const struct flowexp *fx, struct flowexp_stats *s)
{
    *s = fx->st;
    s->cached = 0;
    for (size_t e = 0; e < fx->n_entries; e++) {
        s->cached += !fx->entries[e].dead;
    }
}

void
flowexp_report(const struct flowexp *fx, struct report_out *out)
{
    struct flowexp_stats s;
    flowexp_stats(fx, &s);
    report_out_begin(out, fx->cfg->format == CFG_FLOWEXP_NETFLOW5
                     ? "netflow" : "ipfix");
    report_out_num(out, "packets", (double) s.packets);
    if (fx->cfg->sampling > 1) {
        report_out_num(out, "pool", (double) s.pool);
    }
    report_out_num(out, "flows", (double) s.flows);
    report_out_num(out, "records", (double) s.records);
    report_out_num(out, "records_active", (double) s.records_active);
    report_out_num(out, "records_idle", (double) s.records_idle);
    report_out_num(out, "datagrams", (double) s.datagrams);
    if (fx->cfg->format == CFG_FLOWEXP_IPFIX) {
        report_out_num(out, "templates", (double) s.templates);
    }
    report_out_num(out, "cached", s.cached);
    report_out_end(out);
}

static void
flowexp_destroy(struct vh_device *d)
{
    struct flowexp *fx = VH_CONTAINER_OF(d, struct flowexp, dev);
    free(fx->entries);
    free(fx->index);
    free(fx);
}

/* A part of its switch (ovs-vswitchd's NetFlow or IPFIX module), shown
 * as a device of it so that its datagrams have a place to come from. */
const struct dev_class flowexp_class = {
    .kind = "flow-exporter",
    .role = VH_ROLE_DEVICE,
    .family = DEV_FAM_PART,
    .destroy = flowexp_destroy,
};
