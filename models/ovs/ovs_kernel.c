/* models/ovs/ovs_kernel.c: the kernel datapath, its upcalls to handler
 * threads, and its revalidators. */
#include "models/ovs/ovs_kernel.h"

#include "models/ovs/revalidate.h"
#include "models/ovs/sflow_agent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/defaults.h"
#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "models/guest/virtio_net.h"
#include "models/guest/vm.h"
#include "models/hw/cpu.h"
#include "models/hw/hthread.h"
#include "models/hw/pnic.h"
#include "sim/frame.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

static void request_revalidation(struct world *, struct ovs_kernel *);

static struct ovsk_port *
dp_port(const struct ovs_kernel *br, uint32_t n)
{
    if (n == OFPP_LOCAL) {
        return br->local;
    }
    return n >= 1 && n <= br->n_ports ? br->ports[n - 1] : NULL;
}

/* Announces a decision about 'p' for 'vhsim explain'. */
/* Announces, for 'vhsim explain', what 'dev' decided about 'p' at 'at'
 * (when the work that decided it ended). */
static void
decide(struct world *w, const struct vh_device *dev,
       const struct vh_packet *p, vh_time_t at, const char *what)
{
    VH_TRACE(&w->trace, VH_HOP_DECIDE, .time = at, .pkt = p, .dev = dev,
             .what = what);
}

static void
decide_rules(struct world *w, const struct vh_device *dev,
             const struct vh_packet *p, vh_time_t at,
             const struct xlate_out *xo)
{
    if (!(w->trace.mask & VH_HOP_BIT(VH_HOP_DECIDE))) {
        return;
    }
    char buf[600];
    for (size_t i = 0; i < xo->n_rules; i++) {
        snprintf(buf, sizeof buf, "table %u matched: %s",
                 (unsigned) xo->rules[i]->table, xo->rules[i]->text);
        decide(w, dev, p, at, buf);
    }
    if (!xo->n_rules) {
        decide(w, dev, p, at, "table 0: no rule matched");
    }
}

/* --- Executing datapath actions. --- */

struct exec_ctx {
    struct world *w;
    struct ovs_kernel *br;
    vh_time_t at;               /* When the frames leave. */
};

static void
deliver_ev(struct vh_sim *sim, void *obj, void *arg)
{
    struct ovsk_port *op = obj;
    struct vh_packet *p = arg;
    port_deliver(world_of(sim), &op->port, p);
}

static void
exec_output(void *ctx, uint32_t port, uint32_t queue, struct vh_packet *p)
{
    struct exec_ctx *ec = ctx;
    struct ovsk_port *op = dp_port(ec->br, port);
    (void) queue;
    if (!op || !op->port.carrier) {
        acct_drop(ec->w, p, &ec->br->dev, "port-down");
        return;
    }
    ec->br->dev.tx++;
    ofproto_port_count(&op->ofp->tx, p);
    vh_schedule_at(&ec->w->sim, ec->at, deliver_ev, op, p);
}

static struct vh_packet *
exec_clone(void *ctx, struct vh_packet *p)
{
    struct exec_ctx *ec = ctx;
    return acct_clone(ec->w, p);
}

/* Charges the work of 'acts' on 'core' and runs them on 'p' (taken):
 * the frames leave when the work ends.  A list without outputs drops
 * 'p' for 'why'.  With sFlow, OVS's sample action runs first, on the
 * frame as it came in.  Returns when the work ends. */
static vh_time_t
execute(struct world *w, struct ovs_kernel *br, struct cpu_core *core,
        enum cpu_cat cat, const struct odp_actions *acts, struct vh_packet *p,
        const char *why)
{
    vh_time_t t = w->sim.now;
    if (br->sflow) {
        sflow_agent_sample(w, br->sflow, core, cat, p, p->in_port,
                           sflow_agent_output(acts));
    }
    for (size_t i = 0; i < acts->n; i++) {
        enum cost_id id = acts->a[i].type == ODP_OUTPUT ? COST_OVS_DP_OUTPUT
                          : COST_OVS_DP_SET;
        if (acts->a[i].type != ODP_SET_QUEUE
            && acts->a[i].type != ODP_USERSPACE) {
            t = cpu_charge(w, core, id, 0, cat, p, &br->dev);
        }
    }
    struct exec_ctx ec = { w, br, t };
    bool to_controller = false;
    if (!odp_execute(acts, p, exec_output, exec_clone, &ec,
                     &to_controller)) {
        acct_drop(w, p, &br->dev, why ? why : "rule-drop");
    }
    return t;
}

/* --- The fast path. --- */

/* Per-CPU dispatch (Linux 5.14 and OVS 2.16 on): an upcall goes to the
 * socket of the handler for the CPU that handled the frame. */
static struct ovsk_handler *
handler_for(struct ovs_kernel *br, const struct cpu_core *core)
{
    return &br->handlers[core->index % br->n_handlers];
}

/* What an upcall of a 'len'-byte frame takes of its socket's buffer: its
 * skb's truesize, the data rounded up to a power of two as kmalloc
 * does. */
static uint32_t
upcall_truesize(uint32_t len)
{
    uint32_t data = len + VH_DEF_OVS_UPCALL_ATTRS, b = 512;
    while (b < data) {
        b <<= 1;
    }
    return b + VH_DEF_OVS_UPCALL_SKB;
}

/* A miss: the frame goes up to a handler, or is lost if its socket is
 * full. */
static void
upcall(struct world *w, struct ovs_kernel *br, struct cpu_core *core,
       vh_time_t looked, struct vh_packet *p)
{
    struct ovsk_handler *h = handler_for(br, core);
    uint32_t size = upcall_truesize(p->len);
    br->missed++;
    decide(w, &br->dev, p, looked,
           "megaflow cache miss: upcall to ovs-vswitchd");
    cpu_charge(w, core, COST_OVS_UPCALL, 0, CPU_VSWITCH, p, &br->dev);
    cpu_charge(w, core, COST_COPY_FIXED, 0, CPU_VSWITCH, p, &br->dev);
    cpu_charge(w, core, COST_COPY_BYTE, p->len, CPU_VSWITCH, p, &br->dev);
    if (h->rmem + size > VH_DEF_OVS_UPCALL_RCVBUF) {
        br->lost++;
        acct_drop(w, p, &br->dev, "upcall-lost");
        return;
    }
    VH_TRACE(&w->trace, VH_HOP_ENQUEUE, .time = w->sim.now, .pkt = p,
             .dev = &br->dev, .depth = h->queue.count + 1,
             .what = "upcall to a handler thread");
    vh_pktq_push(&h->queue, p);
    h->rmem += size;
    hthread_signal(w, h->thread, core, CPU_VSWITCH, p);
}

static void
ovsk_rx(struct world *w, struct port *port, struct vh_packet *p)
{
    struct ovsk_port *in = VH_CONTAINER_OF(port, struct ovsk_port, port);
    struct ovs_kernel *br = port->owner;
    struct cpu_core *core = cpu_exec_core(p, &br->host->cores[0]);
    struct ofkey key;
    unsigned n_masks;

    br->dev.rx++;
    ofproto_port_count(&in->ofp->rx, p);
    VH_TRACE(&w->trace, VH_HOP_RX, .time = w->sim.now, .pkt = p,
             .dev = &br->dev);
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = &br->dev);
    p->in_port = (uint16_t) in->ofp->ofp_port;
    p->hops++;
    vh_time_t t = cpu_charge(w, core, COST_OVS_DP_RX, 0, CPU_VSWITCH, p,
                             &br->dev);
    ofkey_extract(p->data, p->len, in->ofp->ofp_port, &key);
    struct dp_flow *f = megaflow_lookup(&br->mc, &key, &n_masks);
    br->masks_visited += n_masks;
    if (n_masks) {
        t = cpu_charge_n(w, core, COST_OVS_MASK_PROBE, n_masks, CPU_VSWITCH,
                         p, &br->dev);
    }
    if (!f) {
        upcall(w, br, core, t, p);
        return;
    }
    br->hit++;
    f->packets++;
    f->bytes += p->len;
    f->used = w->sim.now;
    ofproto_credit(f->rules, f->n_rules, p->len);
    if (w->trace.mask & VH_HOP_BIT(VH_HOP_DECIDE)) {
        char buf[160];
        snprintf(buf, sizeof buf, "megaflow cache hit (mask %zu of %zu)",
                 f->mask->index + 1, br->mc.n_masks);
        decide(w, &br->dev, p, t, buf);
    }
    execute(w, br, core, CPU_VSWITCH, &f->acts, p, f->drop_reason);
}

/* --- Handler threads: the slow path. --- */

/* One upcall: receive it, translate the flow, install the megaflow (if
 * the datapath is under its limit and has none yet), execute. */
static bool
handler_poll(struct world *w, void *ctx, vh_time_t *done)
{
    struct ovsk_handler *h = ctx;
    struct ovs_kernel *br = h->br;
    struct cpu_core *core = h->thread->core;
    struct vh_packet *p = vh_pktq_pop(&h->queue);
    if (!p) {
        return false;
    }
    p->exec = &core->srv;
    h->rmem -= upcall_truesize(p->len);
    h->upcalls++;
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = &h->dev);
    cpu_charge(w, core, COST_SYSCALL, 0, CPU_VSWITCH, p, &h->dev);
    cpu_charge(w, core, COST_COPY_BYTE, p->len, CPU_VSWITCH, p, &h->dev);

    struct ofkey key;
    struct xlate_out xo;
    ofkey_extract(p->data, p->len, p->in_port, &key);
    xlate_out_init(&xo);
    uint64_t moves = br->ofp.mac_moves;
    ofproto_xlate(&br->ofp, &key, true, w->sim.now, &xo);
    vh_time_t t = cpu_charge(w, core, COST_OVS_XLATE, 0, CPU_VSWITCH, p,
                             &h->dev);
    if (xo.n_subtables) {
        t = cpu_charge_n(w, core, COST_OVS_CLS_SUBTABLE, xo.n_subtables,
                         CPU_VSWITCH, p, &h->dev);
    }
    decide_rules(w, &h->dev, p, t, &xo);
    const char *why = ofproto_drop_reason(&br->ofp, &xo);

    unsigned n_masks;
    if (megaflow_lookup(&br->mc, &key, &n_masks)) {
        /* An earlier upcall of this flow installed it. */
    } else if (br->mc.n_flows >= br->cfg->other.flow_limit) {
        br->flow_limit_hits++;
        request_revalidation(w, br);
    } else {
        t = cpu_charge(w, core, COST_OVS_FLOW_PUT, 0, CPU_VSWITCH, p,
                       &h->dev);
        megaflow_insert(&br->mc, &key, &xo.wc, &xo.acts, xo.rules,
                        xo.n_rules, why, w->sim.now);
        if (w->trace.mask & VH_HOP_BIT(VH_HOP_DECIDE)) {
            char buf[800], mask[600];
            ofkey_format(&key, &xo.wc, mask, sizeof mask);
            snprintf(buf, sizeof buf, "installs megaflow %s", mask);
            decide(w, &h->dev, p, t, buf);
        }
        if (br->mc.n_flows == 1) {
            request_revalidation(w, br);    /* Starts the periodic dump. */
        }
    }
    if (br->ofp.mac_moves != moves) {
        request_revalidation(w, br);
    }
    ofproto_credit(xo.rules, xo.n_rules, p->len);
    cpu_charge(w, core, COST_OVS_PACKET_EXEC, 0, CPU_VSWITCH, p, &h->dev);
    vh_time_t back = cpu_charge(w, core, COST_COPY_BYTE, p->len, CPU_VSWITCH,
                                p, &h->dev);
    /* Back down to the kernel datapath, which runs the actions. */
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = back, .pkt = p,
             .dev = &br->dev);
    *done = execute(w, br, core, CPU_VSWITCH, &xo.acts, p, why);
    xlate_out_destroy(&xo);
    return true;
}

/* --- Revalidators. --- */

static void
revalidate_ev(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct ovs_kernel *br = obj;
    const struct cfg_ovs_other *oc = &br->cfg->other;
    vh_time_t now = w->sim.now;
    bool relearn = br->ofp.mac_moves != br->mac_moves_seen;
    vh_time_t idle = br->mc.n_flows > oc->flow_limit
                     ? VH_DEF_OVS_OVERLIMIT_IDLE : oc->max_idle;
    br->mac_moves_seen = br->ofp.mac_moves;
    size_t n = ovs_revalidate(&br->mc, &br->ofp, now, idle, relearn, NULL,
                              NULL, &br->reval);
    /* The dump is split among the revalidator threads. */
    for (int i = 0; i < br->n_revalidators && n; i++) {
        uint32_t share = (uint32_t) ((n + (size_t) i)
                                     / (size_t) br->n_revalidators);
        if (share) {
            cpu_charge_n(w, br->revalidator_cores[i], COST_OVS_REVALIDATE,
                         share, CPU_VSWITCH, NULL,
                         &br->revalidator_devs[i]);
        }
    }
    if (br->mc.n_flows) {
        vh_timer_arm_at(sim, &br->revalidate, now + oc->max_revalidator);
    }
    (void) arg;
}

/* Wakes the revalidators now (the MAC table changed, the datapath is
 * full) or, with flows installed and nothing pressing, keeps their
 * periodic dump going. */
static void
request_revalidation(struct world *w, struct ovs_kernel *br)
{
    bool urgent = br->ofp.mac_moves != br->mac_moves_seen
                  || br->mc.n_flows >= br->cfg->other.flow_limit;
    vh_time_t at = urgent ? w->sim.now
                          : w->sim.now + br->cfg->other.max_revalidator;
    if (!vh_timer_armed(&br->revalidate) || at < br->revalidate.when) {
        vh_timer_arm_at(&w->sim, &br->revalidate, at);
    }
}

/* --- Building. --- */

static struct ovsk_port *
new_port(struct ovs_kernel *br, struct ofproto_port *ofp)
{
    struct ovsk_port *op = vh_xcalloc(1, sizeof *op);
    op->ofp = ofp;
    ofp->dp = op;
    port_init(&op->port, ovsk_rx, br, &br->dev, (int) ofp->ofp_port);
    return op;
}

static void
join(struct ovsk_port *op, struct port *member)
{
    port_connect(&op->port, member);
    op->ofp->up = true;
}

/* An internal port: the host's own address on the bridge, as an
 * endpoint of the host's stack. */
static void
build_internal(struct world *w, struct ovs_kernel *br, struct ovsk_port *op)
{
    const struct cfg_bport *bp = op->ofp->cfg;
    struct host *h = br->host;
    dev_register(w, &op->dev, &ovs_internal_class, &br->dev, bp->name);
    if (!bp->has_ip) {
        return;
    }
    op->ep = endpoint_create(h, &op->dev, h->dev.path, &bp->mac, bp->ip,
                             bp->prefix, host_app_core(h), CPU_APP,
                             CPU_SOFTIRQ);
    h->eps = vh_xrealloc(h->eps, (h->n_eps + 1) * sizeof *h->eps);
    h->eps[h->n_eps++] = op->ep;
    join(op, &op->ep->port);
}

static bool
build_ports(struct world *w, struct ovs_kernel *br, struct vh_diag *diag)
{
    br->n_ports = br->ofp.n_ports;
    br->ports = vh_xcalloc(br->n_ports ? br->n_ports : 1, sizeof *br->ports);
    for (size_t i = 0; i < br->n_ports; i++) {
        struct ofproto_port *ofp = &br->ofp.ports[i];
        struct ovsk_port *op = new_port(br, ofp);
        br->ports[i] = op;
        if (!ofp->cfg) {
            continue;           /* A VM NIC: joins when its VM is built. */
        }
        switch (ofp->cfg->type) {
        case CFG_BP_NIC: {
            /* Joins with the host's NICs (models/core/host.c). */
            struct pnic *nic = host_nic(w, br->host, ofp->name);
            if (nic) {
                nic->master = &br->dev;
            }
            break;
        }
        case CFG_BP_INTERNAL:
            build_internal(w, br, op);
            break;
        case CFG_BP_PATCH:
        case CFG_BP_BOND:
        case CFG_BP_VXLAN:
        case CFG_BP_GRE:
        case CFG_BP_GENEVE:
        case CFG_BP_NVGRE:
            return vh_diag_fail(diag, ofp->cfg->jpath, "not supported yet: "
                                "ports of type '%s' on Open vSwitch's "
                                "kernel datapath",
                                cfg_bport_type_names[ofp->cfg->type]);
        }
    }
    return true;
}

/* OVS's thread counts with per-CPU dispatch: a handler per core (or
 * "n-handler-threads"), revalidators = handlers / 4 + 1 (or
 * "n-revalidator-threads"). */
static void
build_threads(struct world *w, struct ovs_kernel *br)
{
    struct host *h = br->host;
    const struct cfg_ovs_other *oc = &br->cfg->other;
    int nh = oc->n_handlers ? oc->n_handlers : h->n_cores;
    int nr = oc->n_revalidators ? oc->n_revalidators : nh / 4 + 1;
    br->n_handlers = nh;
    br->handlers = vh_xcalloc((size_t) nh, sizeof *br->handlers);
    for (int i = 0; i < nh; i++) {
        struct ovsk_handler *hd = &br->handlers[i];
        char name[32];
        snprintf(name, sizeof name, "handler%d", i);
        dev_register(w, &hd->dev, &ovs_thread_class, &br->dev, name);
        hd->br = br;
        vh_pktq_init(&hd->queue, 0);
        hd->thread = hthread_create(h, &h->cores[i % h->n_cores],
                                    CPU_VSWITCH, &hd->dev, true);
        hthread_add_src(hd->thread, handler_poll, hd);
    }
    br->n_revalidators = nr;
    br->revalidator_cores = vh_xcalloc((size_t) nr,
                                       sizeof *br->revalidator_cores);
    br->revalidator_devs = vh_xcalloc((size_t) nr,
                                      sizeof *br->revalidator_devs);
    for (int i = 0; i < nr; i++) {
        char name[32];
        snprintf(name, sizeof name, "revalidator%d", i);
        dev_register(w, &br->revalidator_devs[i], &ovs_thread_class,
                     &br->dev, name);
        br->revalidator_cores[i] = &h->cores[(h->n_cores - 1 - i % h->n_cores)];
    }
    vh_timer_init(&br->revalidate, revalidate_ev, br);
}

static bool
ovsk_build(struct world *w, struct host *h, const void *cfg,
           struct vh_diag *diag)
{
    const struct cfg_bridge *cb = cfg;
    struct ovs_kernel *br = vh_xcalloc(1, sizeof *br);
    dev_register(w, &br->dev, &ovs_kernel_class, &h->dev, cb->name);
    br->dev.report = 1;
    br->host = h;
    br->cfg = cb;
    megaflow_init(&br->mc);
    build_threads(w, br);
    if (!ofproto_init(&br->ofp, &br->dev, h->cfg, cb, diag)
        || !build_ports(w, br, diag)) {
        return false;
    }
    if (cb->sflow) {
        br->sflow = sflow_agent_create(w, h, &br->dev, &br->ofp, cb,
                                       br->handlers[0].thread->core);
    }
    return true;
}

/* A VM NIC's tap (any model with a host half: virtio over vhost-net or
 * QEMU, e1000, rtl8139) joins its port. */
static bool
ovsk_attach(struct world *w, struct host *h, struct vm_nic *n,
            struct vh_diag *diag)
{
    const struct cfg_vnic *cn = n->cfg;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", h->dev.path, cn->attach_to);
    struct vh_device *d = vh_devtab_find(&w->devs, path);
    struct ovs_kernel *br = VH_CONTAINER_OF(d, struct ovs_kernel, dev);
    if (n->virtio && n->virtio->backend == CFG_BE_VHOST_USER) {
        snprintf(path, sizeof path, "%s.backend", cn->jpath);
        return vh_diag_fail(diag, path, "'%s' runs Open vSwitch's kernel "
                            "datapath, which takes VMs by tap devices; "
                            "vhost-user needs \"datapath\": \"dpdk\"",
                            cn->attach_to);
    }
    struct ofproto_port *ofp = ofproto_port_of_vnic(&br->ofp, cn);
    join(ofp->dp, n->host);
    (void) w;
    return true;
}

/* A NIC enslaved to the bridge joins its port; the host's address on
 * such a NIC is the bridge's LOCAL port. */
static struct port *
ovsk_add_port(struct vh_device *d, struct port *member, bool uplink)
{
    struct ovs_kernel *br = VH_CONTAINER_OF(d, struct ovs_kernel, dev);
    if (!uplink) {
        if (!br->local) {
            br->local = new_port(br, ofproto_add_local(&br->ofp));
        }
        join(br->local, member);
        return &br->local->port;
    }
    const struct vh_device *nic = member->dev;
    const char *slash = strrchr(nic->path, '/');
    struct ofproto_port *ofp = ofproto_port_named(&br->ofp,
                                                  slash ? slash + 1
                                                        : nic->path);
    struct ovsk_port *op = ofp->dp;
    join(op, member);
    return &op->port;
}

static void
ovsk_detach_vnic(struct world *w, struct host *h, struct vm_nic *n)
{
    (void) w;
    (void) h;
    if (n->host && n->host->peer) {
        struct ovsk_port *op = VH_CONTAINER_OF(n->host->peer,
                                               struct ovsk_port, port);
        op->ofp->up = false;
        port_disconnect(n->host);
    }
}

static void
ovsk_destroy(struct vh_device *d)
{
    struct ovs_kernel *br = VH_CONTAINER_OF(d, struct ovs_kernel, dev);
    for (int i = 0; i < br->n_handlers; i++) {
        vh_pktq_purge(&br->handlers[i].queue);
        hthread_free(br->handlers[i].thread);
    }
    free(br->handlers);
    free(br->revalidator_cores);
    free(br->revalidator_devs);
    for (size_t i = 0; i < br->n_ports; i++) {
        free(br->ports[i]);     /* The host frees internal endpoints. */
    }
    free(br->ports);
    free(br->local);
    megaflow_destroy(&br->mc);
    ofproto_destroy(&br->ofp);
    free(br);
}

/* --- Report. --- */

static void
ovsk_report(const struct vh_device *d, struct report_out *out)
{
    const struct ovs_kernel *br = VH_CONTAINER_OF(d, const struct ovs_kernel,
                                                  dev);
    uint64_t lookups = br->hit + br->missed;
    report_out_str(out, "type", "ovs");
    report_out_str(out, "datapath", "kernel");
    report_out_begin(out, "lookups");
    report_out_num(out, "hit", (double) br->hit);
    report_out_num(out, "missed", (double) br->missed);
    report_out_num(out, "lost", (double) br->lost);
    report_out_end(out);
    report_out_begin(out, "datapath_flows");
    report_out_num(out, "end", (double) br->mc.n_flows);
    report_out_num(out, "peak", (double) br->mc.peak_flows);
    report_out_end(out);
    report_out_begin(out, "masks");
    report_out_num(out, "end", (double) br->mc.n_masks);
    report_out_num(out, "peak", (double) br->mc.peak_masks);
    report_out_num(out, "visited_per_packet",
                   lookups ? (double) (br->masks_visited * 1000 / lookups)
                             / 1000.0 : 0);
    report_out_num(out, "hit_per_packet",
                   br->mc.hits ? (double) (br->mc.masks_hit_total * 1000
                                           / br->mc.hits) / 1000.0 : 0);
    report_out_end(out);
    report_out_num(out, "handler_threads", br->n_handlers);
    report_out_num(out, "revalidator_threads", br->n_revalidators);
    report_out_num(out, "flow_limit_hits", (double) br->flow_limit_hits);
    report_out_begin(out, "revalidator");
    report_out_num(out, "passes", (double) br->reval.passes);
    report_out_num(out, "expired", (double) br->reval.expired);
    report_out_num(out, "new_actions", (double) br->reval.fixed);
    report_out_num(out, "deleted", (double) br->reval.deleted);
    report_out_end(out);
    if (br->sflow) {
        sflow_agent_report(br->sflow, out);
    }
    ofproto_report_rules(&br->ofp, out);
}

static const char *const ovsk_types[] = { "ovs/kernel", NULL };

/* A thread of ovs-vswitchd (a handler, a revalidator), shown as a device
 * of its bridge so that its work has a place in traces and the GUI. */
const struct dev_class ovs_thread_class = {
    .kind = "ovs-vswitchd-thread",
    .role = VH_ROLE_DEVICE,
    .family = DEV_FAM_PART,
};

/* An internal port: a device of the bridge's, in its memory. */
const struct dev_class ovs_internal_class = {
    .kind = "ovs-internal",
    .role = VH_ROLE_DEVICE,
    .family = DEV_FAM_PART,
};

const struct dev_class ovs_kernel_class = {
    .kind = "ovs-kernel",
    .role = VH_ROLE_SWITCHING,
    .family = DEV_FAM_BRIDGE,
    .accepts = ovsk_types,
    .described = "bridges of type ovs with datapath kernel",
    .attach_type = "ovs",
    .vmdq_pools = true,
    .build = ovsk_build,
    .attach = ovsk_attach,
    .add_port = ovsk_add_port,
    .detach_vnic = ovsk_detach_vnic,
    .host_section = "bridges",
    .report = ovsk_report,
    .destroy = ovsk_destroy,
};
