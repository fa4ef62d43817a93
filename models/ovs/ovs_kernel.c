/* models/ovs/ovs_kernel.c: the kernel datapath, its upcalls to handler
 * threads, and its revalidators. */
#include "models/ovs/ovs_kernel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/defaults.h"
#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/core/portpolicy.h"
#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "models/guest/virtio_net.h"
#include "models/guest/vm.h"
#include "models/hw/cpu.h"
#include "models/hw/hthread.h"
#include "models/hw/pnic.h"
#include "models/ovs/lacp.h"
#include "models/ovs/revalidate.h"
#include "models/ovs/ovs_flowexp.h"
#include "models/ovs/sflow_agent.h"
#include "models/tunnel/vtep.h"
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

/* The rules a cached flow was translated through, which its hit
 * credits: the tables' verdict without looking at them. */
static void
decide_cached_rules(struct world *w, const struct vh_device *dev,
                    const struct vh_packet *p, vh_time_t at,
                    const struct dp_flow *f)
{
    char buf[600];
    for (size_t i = 0; i < f->n_rules; i++) {
        snprintf(buf, sizeof buf, "cached from table %u: %s",
                 (unsigned) f->rules[i]->table, f->rules[i]->text);
        decide(w, dev, p, at, buf);
    }
}

/* --- Bonds. --- */

static bool
link_up(const struct ovsk_port *m)
{
    const struct link *l = m->nic ? m->nic->wire.link : NULL;
    return l && l->up;
}

struct learning {
    struct world *w;
    struct ovs_kernel *br;
    struct ovsk_port *head;     /* The bond. */
    struct ovsk_port *out;      /* Its new active member. */
};

static void
learning_packet(const struct vh_mac *mac, uint16_t vid, int port, void *aux)
{
    struct learning *l = aux;
    if (port == (int) l->head->ofp->ofp_port) {
        return;                 /* Learned off the bond: the switch's. */
    }
    struct vh_packet *p = vh_packet_alloc(&l->w->pool);
    p->len = vh_build_rarp_announce(p->data, mac);
    if (vid && port_vlan_tagged(&l->head->ofp->vlan, vid)) {
        vh_vlan_push(p, vid);
    }
    l->br->learning_packets++;
    l->br->dev.tx++;
    port_deliver(l->w, &l->out->port, p);
}

/* Sends a learning packet (a RARP from each address the bridge learned
 * off the bond) out of the bond's new active member, so the upstream
 * switch moves those addresses to it at once, as OVS does after a
 * failover. */
static void
send_learning_packets(struct world *w, struct ovs_kernel *br,
                      struct ovsk_port *head)
{
    const struct ofproto_bond *b = head->ofp->bond;
    if (b->active < 0 || b->cfg->bond_mode == CFG_BOND_BALANCE_TCP) {
        return;
    }
    struct learning l = { w, br, head, head->members[b->active] };
    fdb_foreach(&br->ofp.mac, w->sim.now, learning_packet, &l);
}

/* Brings the bond's idea of its members' carrier up to date; on a
 * failover, tells the upstream switch. */
static void
bond_check(struct world *w, struct ovs_kernel *br, struct ovsk_port *head)
{
    struct ofproto_bond *b = head->ofp->bond;
    vh_time_t now = w->sim.now;
    for (size_t k = 0; k < b->n; k++) {
        bool up = link_up(head->members[k]);
        if (!up && b->carrier[k]) {
            /* bond_downdelay rides out a flap: the member stays in use
             * (its frames are lost) until the delay has passed. */
            if (!b->down_since[k]) {
                b->down_since[k] = now ? now : 1;
            }
            if (now - b->down_since[k] < b->cfg->bond_downdelay) {
                continue;
            }
        }
        if (up) {
            b->down_since[k] = 0;
        }
        if (up != b->carrier[k]) {
            if (ofproto_bond_member_set(&br->ofp, head->ofp, k, up,
                                        b->partner[k])) {
                send_learning_packets(w, br, head);
            }
            request_revalidation(w, br);
        }
    }
}

/* The member port a cached flow's output to bond 'head' takes: the one
 * translation chose, unless its link went down since, which the bond
 * notices now (carrier detection) and fails over. */
static struct ovsk_port *
bond_member_out(struct world *w, struct ovs_kernel *br,
                struct ovsk_port *head, int m)
{
    struct ofproto_bond *b = head->ofp->bond;
    if (m >= 0 && (size_t) m < b->n && link_up(head->members[m])
        && ofproto_bond_enabled(b, (size_t) m)) {
        return head->members[m];
    }
    bond_check(w, br, head);
    if (m >= 0 && (size_t) m < b->n && ofproto_bond_enabled(b, (size_t) m)) {
        return head->members[m];    /* Within bond_downdelay. */
    }
    return b->active >= 0 ? head->members[b->active] : NULL;
}

/* Whether the bond takes a frame that came in on member 'm' (OVS's
 * admissibility check); if not, why not. */
static const char *
bond_refuses(struct world *w, struct ovs_kernel *br, struct ovsk_port *m,
             const struct vh_packet *p)
{
    struct ovsk_port *head = m->ofp->dp;
    struct ofproto_bond *b = m->ofp->bond;
    bond_check(w, br, head);
    if (!ofproto_bond_enabled(b, (size_t) m->member)) {
        return "bond-member-disabled";
    }
    if (b->cfg->lacp != CFG_LACP_OFF) {
        /* An enabled member has negotiated LACP: the partner knows the
         * members are one aggregate and spreads frames over all of
         * them, so OVS's bond_check_admissibility takes them on any
         * enabled member, whatever the bond_mode. */
        return NULL;
    }
    bool mcast = vh_mac_is_multicast(vh_eth_dst(p->data));
    if (m->member != b->active
        && (b->cfg->bond_mode == CFG_BOND_ACTIVE_BACKUP
            || (b->cfg->bond_mode == CFG_BOND_BALANCE_SLB && mcast))) {
        /* Active-backup takes nothing on a backup; SLB takes broadcasts
         * on one member only, or each would come in twice. */
        return "bond-backup-member";
    }
    return NULL;
}

/* --- LACP. --- */

static void
lacp_actor(const struct ovs_kernel *br, const struct ovsk_port *m,
           struct lacp_info *a)
{
    const struct ofproto_bond *b = m->ofp->bond;
    memset(a, 0, sizeof *a);
    a->sys_priority = 65534;    /* OVS's lacp-system-priority. */
    a->sys_id = br->sys_id;
    a->key = (uint16_t) m->ofp->ofp_port;
    a->port_priority = 65535;
    a->port = (uint16_t) (m->ofp->ofp_port * 16 + (unsigned) m->member + 1);
    a->state = LACP_STATE_AGGREGATION;
    if (b->cfg->lacp == CFG_LACP_ACTIVE) {
        a->state |= LACP_STATE_ACTIVITY;
    }
    if (b->partner[m->member]) {
        a->state |= LACP_STATE_SYNCHRONIZATION | LACP_STATE_COLLECTING
                    | LACP_STATE_DISTRIBUTING;
    } else {
        a->state |= LACP_STATE_DEFAULTED;
    }
}

static void
lacp_send(struct world *w, struct ovs_kernel *br, struct ovsk_port *m,
          const struct lacp_info *partner)
{
    struct lacp_info actor, none;
    struct vh_packet *p = vh_packet_alloc(&w->pool);
    memset(&none, 0, sizeof none);
    lacp_actor(br, m, &actor);
    const struct vh_mac *src = &m->nic->cfg->mac;
    p->len = lacp_build_pdu(p->data, src, &actor, partner ? partner : &none,
                            0);
    br->lacp_tx++;
    br->dev.tx++;
    port_deliver(w, &m->port, p);
}

/* ovs-vswitchd's LACP timer: a PDU on every member of every LACP bond,
 * every 30 s (OVS's default "slow" rate). */
static void
lacp_tick(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct ovs_kernel *br = obj;
    for (size_t i = 0; i < br->n_ports; i++) {
        struct ovsk_port *head = br->ports[i];
        const struct ofproto_bond *b = head->ofp->bond;
        if (!b || b->cfg->lacp != CFG_LACP_ACTIVE) {
            continue;
        }
        for (size_t k = 0; k < b->n; k++) {
            if (head->members[k]->port.carrier) {
                lacp_send(w, br, head->members[k], NULL);
            }
        }
    }
    vh_timer_arm_at(sim, &br->lacp,
                    sim->now + LACP_SLOW_PERIOD_MS * VH_MS);
    (void) arg;
}

/* A LACPDU from the partner on member 'm': the member joins the bond
 * once the partner says it is in sync with us; a passive end answers. */
static void
lacp_rx(struct world *w, struct ovs_kernel *br, struct ovsk_port *m,
        struct vh_packet *p)
{
    struct lacp_info actor, partner;
    struct ofproto_bond *b = m->ofp->bond;
    br->lacp_rx++;
    if (b && b->cfg->lacp != CFG_LACP_OFF
        && lacp_parse_pdu(p->data, p->len, &actor, &partner)) {
        bool was = b->partner[m->member];
        bool sync = actor.state & LACP_STATE_SYNCHRONIZATION;
        if (sync != was) {
            ofproto_bond_member_set(&br->ofp, m->ofp, (size_t) m->member,
                                    b->carrier[m->member], sync);
            request_revalidation(w, br);
        }
        if (!(partner.state & LACP_STATE_SYNCHRONIZATION) || sync != was) {
            /* The partner does not yet know us as we are: answer now. */
            lacp_send(w, br, m, &actor);
        }
    }
    acct_consume(w, p, &br->dev);
}

/* --- Executing datapath actions. --- */

struct exec_ctx {
    struct world *w;
    struct ovs_kernel *br;
    vh_time_t at;               /* When the frames leave. */
};

static void
htb_xmit(struct world *w, void *ctx, struct vh_packet *p)
{
    struct ovsk_port *op = ctx;
    port_deliver(w, &op->port, p);
}

/* A frame to the VM that the port's egress shaper held goes now. */
static void
policy_to_vm(struct world *w, void *ctx, struct vh_packet *p)
{
    struct ovsk_port *op = ctx;
    port_deliver(w, &op->port, p);
}

/* The frame leaves by port 'op': through its QoS queues when it has
 * some (the queue set_queue chose rides in the packet's priority), or
 * through a VM port's policy. */
static void
deliver_ev(struct vh_sim *sim, void *obj, void *arg)
{
    struct ovsk_port *op = obj;
    struct vh_packet *p = arg;
    if (op->policy
        && portpolicy_to_vm(world_of(sim), op->policy, p) != PP_PASS) {
        return;
    }
    if (op->htb) {
        htb_enqueue(world_of(sim), op->htb, p->md.priority, p);
        return;
    }
    port_deliver(world_of(sim), &op->port, p);
}

static void
exec_output(void *ctx, uint32_t port, uint32_t queue, struct vh_packet *p)
{
    struct exec_ctx *ec = ctx;
    struct ovsk_port *op = dp_port(ec->br, OFPP_PORT(port));
    (void) queue;
    if (op && op->members) {
        op = bond_member_out(ec->w, ec->br, op, (int) OFPP_MEMBER(port) - 1);
        if (!op) {
            acct_drop(ec->w, p, &ec->br->dev, "bond-no-member");
            return;
        }
    }
    if (!op || !op->port.carrier) {
        acct_drop(ec->w, p, &ec->br->dev, "port-down");
        return;
    }
    ec->br->dev.tx++;
    ofproto_port_count(&op->ofp->tx, p);
    p->md.priority = queue;     /* The qdisc's class. */
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
    ovs_flowexp_account(w, &br->flowexp, core, cat, p, p->in_port, acts);
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
    br->ofp.controller += to_controller;
    return t;
}

/* --- The fast path. --- */

/* The flow key of 'p', which came in by port 'in': a frame out of a
 * tunnel carries the tunnel's key as tun_id (others have none). */
static void
extract(const struct ovsk_port *in, const struct vh_packet *p,
        struct ofkey *key)
{
    ofkey_extract(p->data, p->len, in->ofp->ofp_port, key);
    if (in->vtep) {
        key->tun_id = p->md.tun_key;
    }
}

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

static void
upcall_queued(struct vh_sim *sim, void *obj, void *arg)
{
    struct ovsk_handler *h = obj;
    struct vh_packet *p = arg;
    vh_pktq_push(&h->queue, p);
    hthread_signal(world_of(sim), h->thread, h->waker, CPU_VSWITCH, p);
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
    vh_time_t queued = cpu_charge(w, core, COST_COPY_BYTE, p->len,
                                  CPU_VSWITCH, p, &br->dev);
    if (h->rmem + size > VH_DEF_OVS_UPCALL_RCVBUF) {
        br->lost++;
        acct_drop(w, p, &br->dev, "upcall-lost");
        return;
    }
    /* Stamped when the frame came to the datapath: the GUI animates the
     * way up from here. */
    VH_TRACE(&w->trace, VH_HOP_ENQUEUE, .time = w->sim.now, .pkt = p,
             .dev = &br->dev, .depth = h->queue.count + 1,
             .what = "upcall to a handler thread");
    /* The message reaches the socket, and wakes the handler, once the
     * kernel has built it. */
    h->rmem += size;
    h->waker = core;
    vh_schedule_at(&w->sim, queued, upcall_queued, h, p);
}

static void ovsk_switch(struct world *, struct ovsk_port *,
                        struct vh_packet *);

static void
ovsk_rx(struct world *w, struct port *port, struct vh_packet *p)
{
    struct ovsk_port *in = VH_CONTAINER_OF(port, struct ovsk_port, port);
    struct ovs_kernel *br = port->owner;

    br->dev.rx++;
    ofproto_port_count(&in->ofp->rx, p);
    VH_TRACE(&w->trace, VH_HOP_RX, .time = w->sim.now, .pkt = p,
             .dev = &br->dev);
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = &br->dev);
    p->in_port = (uint16_t) in->ofp->ofp_port;
    p->hops++;
    if (in->policer && !policer_admit(in->policer, w->sim.now, p->len)) {
        /* tc's ingress policer runs before the datapath sees it. */
        acct_drop(w, p, &br->dev, "policed");
        return;
    }
    if (in->policy && portpolicy_from_vm(w, in->policy, p) != PP_PASS) {
        return;                 /* Dropped, or held by its shaper. */
    }
    ovsk_switch(w, in, p);
}

/* A frame from the VM that the port's ingress shaper held goes on. */
static void
policy_from_vm(struct world *w, void *ctx, struct vh_packet *p)
{
    ovsk_switch(w, ctx, p);
}

/* The datapath's work on a frame that came in by port 'in'. */
static void
ovsk_switch(struct world *w, struct ovsk_port *in, struct vh_packet *p)
{
    struct ovs_kernel *br = in->port.owner;
    struct cpu_core *core = cpu_exec_core(p, &br->host->cores[0]);
    struct ofkey key;
    unsigned n_masks;
    vh_time_t t = cpu_charge(w, core, COST_OVS_DP_RX, 0, CPU_VSWITCH, p,
                             &br->dev);
    if (p->len >= VH_ETH_HLEN && vh_eth_type(p->data) == LACP_ETHERTYPE) {
        /* Slow protocols go to ovs-vswitchd's LACP, never switched. */
        lacp_rx(w, br, in, p);
        return;
    }
    if (in->member >= 0) {
        const char *why = bond_refuses(w, br, in, p);
        if (why) {
            acct_drop(w, p, &br->dev, why);
            return;
        }
    }
    extract(in, p, &key);
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
    ofproto_credit(f->rules, f->n_rules, p->len, w->sim.now);
    if (w->trace.mask & VH_HOP_BIT(VH_HOP_DECIDE)) {
        char buf[160];
        snprintf(buf, sizeof buf, "megaflow cache hit (mask %zu of %zu)",
                 f->mask->index + 1, br->mc.n_masks);
        decide(w, &br->dev, p, t, buf);
        decide_cached_rules(w, &br->dev, p, t, f);
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
    struct ovsk_port *in = dp_port(br, p->in_port);
    if (in) {
        extract(in, p, &key);
    } else {
        ofkey_extract(p->data, p->len, p->in_port, &key);
    }
    xlate_out_init(&xo);
    uint64_t moves = br->ofp.reval_seq;
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
    if (br->ofp.reval_seq != moves) {
        request_revalidation(w, br);
    }
    ofproto_credit(xo.rules, xo.n_rules, p->len, w->sim.now);
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
    bool relearn = br->ofp.reval_seq != br->reval_seen;
    vh_time_t idle = br->mc.n_flows > oc->flow_limit
                     ? VH_DEF_OVS_OVERLIMIT_IDLE : oc->max_idle;
    br->reval_seen = br->ofp.reval_seq;
    br->reval.passes++;
    ofproto_mark_expired(&br->ofp, now);
    size_t n = ovs_revalidate(&br->mc, &br->ofp, now, idle, relearn, NULL,
                              NULL, &br->reval);
    ofproto_remove_expired(&br->ofp);
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
    bool urgent = br->ofp.reval_seq != br->reval_seen
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
    op->member = -1;
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

/* A frame the host's stack sends by an internal port goes into the
 * bridge, as the kernel's internal_dev_xmit() hands it to the datapath
 * in the same call. */
static void
internal_from_stack(struct world *w, struct port *port, struct vh_packet *p)
{
    struct ovsk_port *op = port->owner;
    op->dev.tx++;
    VH_TRACE(&w->trace, VH_HOP_TX, .time = w->sim.now, .pkt = p,
             .dev = &op->dev);
    port_deliver(w, &op->wire, p);
}

/* A frame the bridge sends out of an internal port is received by the
 * host's stack (the datapath's internal_dev_recv()). */
static void
internal_to_stack(struct world *w, struct port *port, struct vh_packet *p)
{
    struct ovsk_port *op = port->owner;
    op->dev.rx++;
    VH_TRACE(&w->trace, VH_HOP_RX, .time = w->sim.now, .pkt = p,
             .dev = &op->dev);
    port_deliver(w, &op->stack, p);
}

/* An internal port: a netdev of the host whose other side is the
 * bridge; with an "ip", the host's own address on the bridge, an
 * endpoint of the host's stack that sends and receives through it. */
static void
build_internal(struct world *w, struct ovs_kernel *br, struct ovsk_port *op)
{
    const struct cfg_bport *bp = op->ofp->cfg;
    struct host *h = br->host;
    /* A netdev of the host, as "ip link" lists it: "host1/mgmt". */
    dev_register(w, &op->dev, &ovs_internal_class, &h->dev, bp->name);
    if (!bp->has_ip) {
        return;
    }
    op->ep = endpoint_create(h, &op->dev, h->dev.path, &bp->mac, bp->ip,
                             bp->prefix, host_app_core(h), CPU_APP,
                             CPU_SOFTIRQ);
    h->eps = vh_xrealloc(h->eps, (h->n_eps + 1) * sizeof *h->eps);
    h->eps[h->n_eps++] = op->ep;
    port_init(&op->wire, internal_to_stack, op, &op->dev, 0);
    port_init(&op->stack, internal_from_stack, op, &op->dev, 0);
    port_connect(&op->stack, &op->ep->port);
    join(op, &op->wire);
}

/* A patch port joins the patch port named by its "peer" on another OVS
 * bridge of the host, once both bridges exist (the second one built
 * does it).  What crosses it runs the other bridge's datapath in turn;
 * Open vSwitch instead translates across patch ports into one datapath
 * flow, so vhsim charges a second lookup that OVS does not. */
static bool
build_patch(struct world *w, struct ovs_kernel *br, struct ovsk_port *op,
            struct vh_diag *diag)
{
    const struct cfg_bport *bp = op->ofp->cfg;
    char path[512];
    snprintf(path, sizeof path, "%s.peer", bp->jpath);
    if (!strcmp(bp->peer, bp->name)) {
        return vh_diag_fail(diag, path, "a patch port cannot be its own "
                            "peer");
    }
    for (size_t i = 0; i < w->devs.n; i++) {
        struct vh_device *d = w->devs.v[i];
        if (d->cls != &ovs_kernel_class || d == &br->dev
            || d->parent != (int32_t) br->host->dev.id) {
            continue;
        }
        struct ovs_kernel *o = VH_CONTAINER_OF(d, struct ovs_kernel, dev);
        struct ofproto_port *peer = ofproto_port_named(&o->ofp, bp->peer);
        if (!peer || !peer->cfg || peer->cfg->type != CFG_BP_PATCH) {
            continue;
        }
        if (strcmp(peer->cfg->peer, bp->name)) {
            return vh_diag_fail(diag, path, "patch port '%s' of bridge '%s' "
                                "has peer '%s', not '%s'", bp->peer,
                                o->cfg->name, peer->cfg->peer, bp->name);
        }
        if (peer->dp) {
            join(op, &((struct ovsk_port *) peer->dp)->port);
            ((struct ovsk_port *) peer->dp)->ofp->up = true;
        }
        return true;
    }
    /* The peer's bridge is built later and joins then; if it never
     * is, the port has no carrier and floods skip it. */
    return true;
}

/* A bond: a datapath port per member NIC, all for the bond's OpenFlow
 * port; they join the NICs with the host's NICs. */
static bool
build_bond(struct world *w, struct ovs_kernel *br, struct ovsk_port *head,
           struct vh_diag *diag)
{
    const struct cfg_bport *bp = head->ofp->cfg;
    head->members = vh_xcalloc(bp->n_members, sizeof *head->members);
    for (size_t k = 0; k < bp->n_members; k++) {
        struct pnic *nic = host_nic(w, br->host, bp->members[k]);
        if (!nic) {
            char path[512];
            snprintf(path, sizeof path, "%s.members[%zu]", bp->jpath, k);
            return vh_diag_fail(diag, path, "no NIC '%s' in host '%s'",
                                bp->members[k], br->host->dev.path);
        }
        struct ovsk_port *m = vh_xcalloc(1, sizeof *m);
        m->ofp = head->ofp;
        m->member = (int) k;
        m->nic = nic;
        port_init(&m->port, ovsk_rx, br, &br->dev,
                  (int) head->ofp->ofp_port);
        head->members[k] = m;
        nic->master = &br->dev;
    }
    head->ofp->dp = head;
    return true;
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
        const struct cfg_vnic *vn = ofp->vnic;
        uint64_t rate = ofp->cfg ? ofp->cfg->policing_rate_kbps
                                 : vn->policing_rate_kbps;
        if (rate) {
            op->policer = vh_xmalloc(sizeof *op->policer);
            policer_init(op->policer, rate, ofp->cfg
                         ? ofp->cfg->policing_burst_kb
                         : vn->policing_burst_kb);
        }
        if (!ofp->cfg) {
            continue;           /* A VM NIC: joins when its VM is built. */
        }
        switch (ofp->cfg->type) {
        case CFG_BP_NIC: {
            /* Joins with the host's NICs (models/core/host.c). */
            struct pnic *nic = host_nic(w, br->host, ofp->name);
            if (nic) {
                nic->master = &br->dev;
                op->nic = nic;
            }
            if (ofp->cfg->qos) {
                struct cfg_qos q = *ofp->cfg->qos;
                if (!q.max_bps) {
                    q.max_bps = nic ? nic->cfg->speed_bps : 10000000000ULL;
                }
                op->htb = vh_xmalloc(sizeof *op->htb);
                htb_init(op->htb, &q, htb_xmit, op, &br->dev);
            }
            break;
        }
        case CFG_BP_BOND:
            if (!build_bond(w, br, op, diag)) {
                return false;
            }
            break;
        case CFG_BP_INTERNAL:
            build_internal(w, br, op);
            break;
        case CFG_BP_PATCH:
            if (!build_patch(w, br, op, diag)) {
                return false;
            }
            break;
        case CFG_BP_VXLAN:
        case CFG_BP_GRE:
        case CFG_BP_GENEVE:
        case CFG_BP_NVGRE:
            op->vtep = vtep_create_port(w, br->host, ofp->cfg, true);
            join(op, &op->vtep->port);
            break;
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
        /* Handler i takes the upcalls of core i, but runs on the next
         * core: the scheduler moves a user thread off a core busy with
         * softirq work, which in Linux preempts it anyway; a vhsim core
         * serves its work in order and cannot preempt. */
        hd->thread = hthread_create(h, &h->cores[(i + 1) % h->n_cores],
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
    if (!ofproto_init(&br->ofp, &br->dev, h->cfg, cb, diag)) {
        return false;
    }
    /* The bridge's MAC, as OVS derives its datapath ID: here from its
     * path, locally administered. */
    uint32_t hh = 2166136261u;
    for (const char *c = br->dev.path; *c; c++) {
        hh = (hh ^ (uint8_t) *c) * 16777619u;
    }
    br->sys_id = (struct vh_mac) { { 0x02, 0x0b, (uint8_t) (hh >> 24),
                                     (uint8_t) (hh >> 16),
                                     (uint8_t) (hh >> 8), (uint8_t) hh } };
    vh_timer_init(&br->lacp, lacp_tick, br);
    for (size_t i = 0; i < cb->n_bports; i++) {
        if (cb->bports[i].type == CFG_BP_BOND
            && cb->bports[i].lacp == CFG_LACP_ACTIVE) {
            vh_timer_arm_at(&w->sim, &br->lacp, 0);
            break;
        }
    }
    if (!build_ports(w, br, diag)) {
        return false;
    }
    if (cb->sflow) {
        br->sflow = sflow_agent_create(w, h, &br->dev, &br->ofp, cb,
                                       br->handlers[0].thread->core);
    }
    ovs_flowexp_create(w, h, &br->dev, cb, br->handlers[0].thread->core,
                       &br->flowexp);
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
    struct ovsk_port *op = ofp->dp;
    join(op, n->host);
    /* The port's policy state is made when its VM first joins it, and
     * lives as long as the port. */
    if (cn->policy && !op->policy) {
        op->policy = vh_xmalloc(sizeof *op->policy);
        portpolicy_port_init(op->policy, cn->policy, &br->dev, n->dev->path,
                             &cn->mac, policy_from_vm, policy_to_vm, op);
        if (cn->has_guest_mac) {
            portpolicy_guest_mac(op->policy, &cn->guest_mac);
        }
    }
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
    const char *name = slash ? slash + 1 : nic->path;
    size_t k;
    struct ofproto_port *ofp = ofproto_bond_of(&br->ofp, name, &k);
    /* OVS adds no VLAN to the NIC's filter itself: the NIC takes the
     * bridge's tagged frames when the operator lets it (its filter off,
     * or the VLANs added), which is taken as done for the VLANs the
     * port carries. */
    struct pnic *pn = pnic_of_stack(member);
    if (pn) {
        uint64_t vids[PORT_VLAN_WORDS] = { 0 };
        ofproto_port_tagged_vlans(&br->ofp, ofp ? ofp
                                  : ofproto_port_named(&br->ofp, name), vids);
        pnic_vlan_filter_add(pn, vids);
    }
    if (ofp) {
        struct ovsk_port *head = ofp->dp;
        struct ovsk_port *m = head->members[k];
        const struct ofproto_bond *b = ofp->bond;
        join(m, member);
        /* Without LACP a member works once it has carrier (its cable is
         * laid after the hosts are built: a NIC with a "link" will have
         * one); with LACP, once the partner agrees. */
        ofproto_bond_member_set(&br->ofp, ofp, k, m->nic->cfg->link != NULL,
                                b->cfg->lacp == CFG_LACP_OFF);
        return &m->port;
    }
    ofp = ofproto_port_named(&br->ofp, name);
    struct ovsk_port *op = ofp->dp;
    join(op, member);
    return &op->port;
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
        const struct ofproto_bond *b = br->ports[i]->ofp->bond;
        for (size_t k = 0; b && br->ports[i]->members && k < b->n; k++) {
            free(br->ports[i]->members[k]);
        }
        free(br->ports[i]->members);
        free(br->ports[i]->policer);
        if (br->ports[i]->policy) {
            portpolicy_port_destroy(br->ports[i]->policy);
            free(br->ports[i]->policy);
        }
        if (br->ports[i]->htb) {
            htb_destroy(br->ports[i]->htb);
            free(br->ports[i]->htb);
        }
        free(br->ports[i]);     /* The host frees internal endpoints. */
    }
    free(br->ports);
    free(br->local);
    megaflow_destroy(&br->mc);
    ofproto_destroy(&br->ofp);
    free(br);
}

/* --- Report. --- */

/* Policed drops per port, and each shaped port's queues (as tc -s
 * class show). */
static void
ovsk_report_qos(const struct ovs_kernel *br, struct report_out *out)
{
    bool any = false;
    for (size_t i = 0; i < br->n_ports && !any; i++) {
        any = br->ports[i]->policer || br->ports[i]->htb;
    }
    if (!any) {
        return;
    }
    report_out_begin_list(out, "qos");
    for (size_t i = 0; i < br->n_ports; i++) {
        const struct ovsk_port *op = br->ports[i];
        if (!op->policer && !op->htb) {
            continue;
        }
        report_out_begin_item(out);
        report_out_str(out, "port", op->ofp->name);
        if (op->policer) {
            report_out_num(out, "policed", (double) op->policer->dropped);
        }
        if (op->htb) {
            report_out_begin_list(out, "queues");
            for (size_t k = 0; k < op->htb->n_cls; k++) {
                const struct htb_class *c = &op->htb->cls[k];
                report_out_begin_item(out);
                report_out_num(out, "id", c->id);
                report_out_num(out, "sent", (double) c->sent);
                report_out_num(out, "dropped", (double) c->dropped);
                report_out_end(out);
            }
            report_out_end(out);
        }
        report_out_end(out);
    }
    report_out_end(out);
}

/* The VM ports' policies. */
static void
ovsk_report_policies(const struct ovs_kernel *br, struct report_out *out)
{
    bool any = false;
    for (size_t i = 0; i < br->n_ports && !any; i++) {
        any = br->ports[i]->policy && portpolicy_active(br->ports[i]->policy);
    }
    if (!any) {
        return;
    }
    report_out_begin_list(out, "port_policies");
    for (size_t i = 0; i < br->n_ports; i++) {
        const struct portpolicy_port *pp = br->ports[i]->policy;
        if (pp && portpolicy_active(pp)) {
            report_out_begin_item(out);
            portpolicy_report(pp, out);
            report_out_end(out);
        }
    }
    report_out_end(out);
}

/* As ovs-appctl bond/show: each bond's mode, active member, members'
 * state, failovers; and the LACPDUs and learning packets sent. */
static void
ovsk_report_bonds(const struct ovs_kernel *br, struct report_out *out)
{
    bool any = false;
    for (size_t i = 0; i < br->n_ports && !any; i++) {
        any = br->ports[i]->ofp->bond != NULL;
    }
    if (!any) {
        return;
    }
    report_out_begin_list(out, "bonds");
    for (size_t i = 0; i < br->n_ports; i++) {
        const struct ofproto_bond *b = br->ports[i]->ofp->bond;
        if (!b) {
            continue;
        }
        report_out_begin_item(out);
        report_out_str(out, "name", br->ports[i]->ofp->name);
        report_out_str(out, "bond_mode",
                       cfg_bond_mode_names[b->cfg->bond_mode]);
        report_out_str(out, "lacp", cfg_lacp_names[b->cfg->lacp]);
        report_out_str(out, "active", b->active >= 0
                       ? b->cfg->members[b->active] : "none");
        report_out_num(out, "failovers", (double) b->failovers);
        report_out_begin_list(out, "members");
        for (size_t k = 0; k < b->n; k++) {
            report_out_begin_item(out);
            report_out_str(out, "name", b->cfg->members[k]);
            report_out_str(out, "state", ofproto_bond_enabled(b, k)
                           ? "enabled" : b->carrier[k] ? "no-partner"
                           : "link-down");
            report_out_end(out);
        }
        report_out_end(out);
        report_out_end(out);
    }
    report_out_end(out);
    report_out_num(out, "lacp_tx", (double) br->lacp_tx);
    report_out_num(out, "lacp_rx", (double) br->lacp_rx);
    report_out_num(out, "learning_packets", (double) br->learning_packets);
}

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
    ovsk_report_bonds(br, out);
    ovsk_report_qos(br, out);
    ovsk_report_policies(br, out);
    if (br->sflow) {
        sflow_agent_report(br->sflow, out);
    }
    ovs_flowexp_report(&br->flowexp, out);
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
/* The host's address on the port, when it has one: a traffic path
 * "host1/mgmt" sends and receives there. */
static struct endpoint *
internal_endpoint(struct vh_device *d)
{
    return VH_CONTAINER_OF(d, struct ovsk_port, dev)->ep;
}

const struct dev_class ovs_internal_class = {
    .kind = "ovs-internal",
    .role = VH_ROLE_DEVICE,
    .family = DEV_FAM_PART,
    .endpoint = internal_endpoint,
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
    .host_section = "bridges",
    .report = ovsk_report,
    .destroy = ovsk_destroy,
};
