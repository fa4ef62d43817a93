/* models/hostnet/ovs_dpdk.c: the user-space datapath's poll-mode threads and
 * their learning switch. */
#include "models/hostnet/ovs_dpdk.h"

#include <stdio.h>
#include <stdlib.h>

#include "models/core/acct.h"
#include "models/core/cfgobj.h"
#include "models/core/devclass.h"
#include "models/core/defaults.h"
#include "models/hw/cpu.h"
#include "models/core/host.h"
#include "models/hw/pnic.h"
#include "models/guest/virtio_net.h"
#include "models/guest/vm.h"
#include "models/core/world.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

/* NETDEV_MAX_BURST: frames one visit takes from a queue. */
#define PMD_BURST 32

static void pmd_visit(struct vh_sim *, void *obj, void *arg);

/* Time one visit takes on the PMD's core. */
static vh_time_t
pmd_visit_time(const struct pmd *pmd)
{
    uint64_t cyc = pmd->core->price[COST_PMD_POLL].fixed;
    return (vh_time_t) (((unsigned __int128) cyc
                         * pmd->core->ps_per_cycle_q32) >> 32);
}

static uint32_t
rxq_pending(const struct ovs_dpdk *br, const struct pmd_rxq *rq)
{
    const struct ovs_port *op = br->ports[rq->port];
    return op->nic ? pnic_poll_rx_pending(op->nic, rq->q)
                   : virtio_net_vu_tx_pending(op->vn, rq->q);
}

/* --- When an idle PMD finds a frame. --- */

/* A frame is waiting in 'rq' of an idle PMD.  The PMD is somewhere in its
 * round of visits; it reaches this queue at its next visit, once the rest
 * of the pass is done. */
static void
pmd_notice(struct world *w, struct pmd *pmd, struct pmd_rxq *rq)
{
    if (pmd->busy) {
        return;
    }
    vh_time_t tv = pmd_visit_time(pmd);
    vh_time_t pass = tv * pmd->n_rxqs;
    size_t ahead = (rq->pos + pmd->n_rxqs - pmd->pos) % pmd->n_rxqs;
    vh_time_t at = pmd->origin + ahead * tv;
    vh_time_t now = w->sim.now;
    if (at < now && pass) {
        at += (now - at + pass - 1) / pass * pass;
    }
    if (!vh_timer_armed(&pmd->wake) || at < pmd->wake.when) {
        pmd->wake_pos = rq->pos;
        vh_timer_arm_at(&w->sim, &pmd->wake, at);
    }
}

static void
pmd_wake(struct vh_sim *sim, void *obj, void *arg)
{
    struct pmd *pmd = obj;
    pmd->busy = true;
    pmd->pos = pmd->wake_pos;
    pmd->empty_run = 0;
    pmd_visit(sim, pmd, NULL);
    (void) arg;
}

/* A whole round found nothing: the PMD goes back to polling without
 * events.  Its next visit, to 'pos', starts at 'end'. */
static void
pmd_go_idle(struct world *w, struct pmd *pmd, vh_time_t end)
{
    struct ovs_dpdk *br = pmd->br;
    pmd->busy = false;
    pmd->origin = end;
    /* A frame that came in behind the PMD during the round is seen on
     * its next visit. */
    for (size_t i = 0; i < pmd->n_rxqs; i++) {
        if (rxq_pending(br, pmd->rxqs[i])) {
            pmd_notice(w, pmd, pmd->rxqs[i]);
        }
    }
}

/* --- Forwarding. --- */

static struct pmd *
pmd_of_core(struct ovs_dpdk *br, const struct vh_packet *p)
{
    for (int i = 0; i < br->n_pmds; i++) {
        if (&br->pmds[i].core->srv == p->exec) {
            return &br->pmds[i];
        }
    }
    return &br->pmds[0];
}

static void
nic_out(struct vh_sim *sim, void *obj, void *arg)
{
    struct ovs_dpdk *br = obj;
    struct vh_packet *p = arg;
    struct pmd *pmd = pmd_of_core(br, p);
    struct pnic *nic = br->ports[p->in_port]->nic;
    /* Each PMD has its own TX queue on every NIC. */
    pnic_poll_tx(world_of(sim), nic, pmd->index % nic->n_queues, p);
}

static void
guest_out(struct vh_sim *sim, void *obj, void *arg)
{
    struct ovs_dpdk *br = obj;
    struct vh_packet *p = arg;
    struct pmd *pmd = pmd_of_core(br, p);
    struct virtio_net *vn = br->ports[p->in_port]->vn;
    virtio_net_vu_rx_done(world_of(sim), vn, pmd->index % vn->n_queues, p,
                          pmd->core, CPU_POLL);
}

/* Sends 'p' out of port 'out' from 'pmd'.  Returns when the PMD's work
 * for it ends.  Takes 'p'. */
static vh_time_t
pmd_output(struct world *w, struct pmd *pmd, size_t out, struct vh_packet *p)
{
    struct ovs_dpdk *br = pmd->br;
    struct ovs_port *op = br->ports[out];
    struct cpu_core *c = pmd->core;
    vh_time_t t;

    /* From here the frame's port index names its way out. */
    p->in_port = (uint16_t) out;
    br->dev.tx++;
    if (op->nic) {
        t = cpu_charge(w, c, COST_PMD_TX, 0, CPU_POLL, p, &br->dev);
        vh_schedule_at(&w->sim, t, nic_out, br, p);
        return t;
    }
    /* rte_vhost_enqueue_burst(): a buffer the guest posted, the copy into
     * it, the used ring. */
    const char *why = virtio_net_vu_rx_take(op->vn,
                                            pmd->index % op->vn->n_queues);
    if (why) {
        acct_drop(w, p, &op->vn->dev, why);
        return w->sim.now;
    }
    cpu_charge(w, c, COST_VHOST_USER_DESC, 0, CPU_POLL, p, &br->dev);
    cpu_charge(w, c, COST_COPY_FIXED, 0, CPU_POLL, p, &br->dev);
    t = cpu_charge(w, c, COST_COPY_BYTE, p->len, CPU_POLL, p, &br->dev);
    br->host->copies_bytes += p->len;
    vh_schedule_at(&w->sim, t, guest_out, br, p);
    return t;
}

/* The NORMAL action sends a frame out of port 'i', on the PMD whose core
 * carries it. */
static vh_time_t
l2_output(struct world *w, void *owner, size_t i, struct vh_packet *p)
{
    struct ovs_dpdk *br = owner;
    return pmd_output(w, pmd_of_core(br, p), i, p);
}

/* Takes one frame from 'rq', switches it, and sends it.  Returns when the
 * PMD's work for it ends. */
static vh_time_t
pmd_rx_one(struct world *w, struct pmd *pmd, struct pmd_rxq *rq)
{
    struct ovs_dpdk *br = pmd->br;
    struct ovs_port *in = br->ports[rq->port];
    struct cpu_core *c = pmd->core;
    struct vh_packet *p;

    if (in->nic) {
        p = pnic_poll_rx(in->nic, rq->q);
    } else {
        p = virtio_net_vu_tx_take(in->vn, rq->q);
    }
    p->exec = &c->srv;
    p->hops++;
    pmd->frames++;
    br->dev.rx++;
    VH_TRACE(&w->trace, VH_HOP_RX, .time = w->sim.now, .pkt = p,
             .dev = &br->dev);
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = &br->dev);
    if (in->nic) {
        cpu_charge(w, c, COST_PMD_RX, 0, CPU_POLL, p, &br->dev);
    } else {
        /* rte_vhost_dequeue_burst(): the descriptor chain, and a copy out
         * of guest memory into an mbuf. */
        cpu_charge(w, c, COST_VHOST_USER_DESC, 0, CPU_POLL, p, &br->dev);
        cpu_charge(w, c, COST_COPY_FIXED, 0, CPU_POLL, p, &br->dev);
        cpu_charge(w, c, COST_COPY_BYTE, p->len, CPU_POLL, p, &br->dev);
        br->host->copies_bytes += p->len;
    }
    vh_time_t t = cpu_charge(w, c, COST_PMD_CLASSIFY, 0, CPU_POLL, p,
                             &br->dev);

    /* The NORMAL action: a learning switch (models/core/l2fwd.h). */
    size_t from = (size_t) rq->port;
    if (!l2fwd_learn(w, &br->l2, from, p)) {
        return t;
    }
    vh_time_t e = l2fwd_forward(w, &br->l2, from, p);
    return e > t ? e : t;
}

/* One visit of a busy PMD to its next queue. */
static void
pmd_visit(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct pmd *pmd = obj;
    struct ovs_dpdk *br = pmd->br;
    struct cpu_core *c = pmd->core;
    struct pmd_rxq *rq = pmd->rxqs[pmd->pos];

    pmd->pos = (pmd->pos + 1) % pmd->n_rxqs;
    pmd->busy_visits++;
    vh_time_t t = cpu_charge(w, c, COST_PMD_POLL, 0, CPU_POLL, NULL,
                             &br->dev);
    uint32_t n = rxq_pending(br, rq);
    if (!n) {
        br->host->polls[c->index].idle_cycles
            += c->price[COST_PMD_POLL].fixed;
        if (++pmd->empty_run >= pmd->n_rxqs) {
            pmd_go_idle(w, pmd, t);
            return;
        }
        vh_schedule_at(sim, t, pmd_visit, pmd, NULL);
        return;
    }
    pmd->empty_run = 0;
    for (uint32_t i = 0; i < n && i < PMD_BURST; i++) {
        vh_time_t e = pmd_rx_one(w, pmd, rq);
        t = e > t ? e : t;
    }
    vh_schedule_at(sim, t, pmd_visit, pmd, NULL);
    (void) arg;
}

/* --- Ports and queues. --- */

static struct pmd_rxq *
find_rxq(struct ovs_dpdk *br, const struct pnic *nic,
         const struct virtio_net *vn, int q)
{
    for (size_t i = 0; i < br->n_rxqs; i++) {
        struct pmd_rxq *rq = br->rxqs[i];
        const struct ovs_port *op = br->ports[rq->port];
        if (rq->q == q && ((nic && op->nic == nic) || (vn && op->vn == vn))) {
            return rq;
        }
    }
    return NULL;
}

static void
nic_ready(struct world *w, void *ctx, struct pnic *nic, int q)
{
    struct pmd_rxq *rq = find_rxq(ctx, nic, NULL, q);
    if (rq) {
        pmd_notice(w, rq->pmd, rq);
    }
}

static void
guest_ready(struct world *w, void *ctx, struct virtio_net *vn, int q)
{
    struct pmd_rxq *rq = find_rxq(ctx, NULL, vn, q);
    if (rq) {
        pmd_notice(w, rq->pmd, rq);
    }
}

static int
add_port(struct ovs_dpdk *br, struct pnic *nic, struct virtio_net *vn)
{
    struct ovs_port *op = vh_xcalloc(1, sizeof *op);
    op->nic = nic;
    op->vn = vn;
    /* A DPDK port is owned by the PMDs, not joined to a peer: nothing is
     * plugged into it, and it always has carrier.  OVS is VLAN-aware; a
     * port with neither tag nor trunks carries every VLAN. */
    port_init(&op->port, NULL, br, &br->dev, (int) br->n_ports);
    op->port.carrier = true;
    l2fwd_add_port(&br->l2, &op->port, NULL);
    br->ports = vh_xgrow(br->ports, br->n_ports, sizeof *br->ports);
    br->ports[br->n_ports] = op;
    return (int) br->n_ports++;
}

/* Gives queue 'q' of port 'port' to the next PMD, round robin. */
static void
add_rxq(struct ovs_dpdk *br, int port, int q)
{
    struct pmd_rxq *rq = vh_xcalloc(1, sizeof *rq);
    br->rxqs = vh_xgrow(br->rxqs, br->n_rxqs, sizeof *br->rxqs);
    struct pmd *pmd = &br->pmds[br->n_rxqs % (size_t) br->n_pmds];
    br->rxqs[br->n_rxqs++] = rq;
    pmd->rxqs = vh_xgrow(pmd->rxqs, pmd->n_rxqs, sizeof *pmd->rxqs);
    rq->port = port;
    rq->q = q;
    rq->pmd = pmd;
    rq->pos = pmd->n_rxqs;
    pmd->rxqs[pmd->n_rxqs++] = rq;
}

bool
ovs_dpdk_add_nic(struct world *w, struct ovs_dpdk *br, struct pnic *nic,
                 struct vh_diag *diag)
{
    (void) w;
    if (nic->cfg->has_ip) {
        return vh_diag_fail(diag, nic->cfg->jpath, "'%s' is a port of the "
                            "DPDK bridge '%s', so its poll-mode driver owns "
                            "it and the host's kernel no longer sees it; "
                            "the host cannot use its 'ip'", nic->cfg->name,
                            br->cfg->name);
    }
    int port = add_port(br, nic, NULL);
    struct pnic_poller poller = { nic_ready, br };
    pnic_set_poller(nic, &poller);
    for (int q = 0; q < nic->n_queues; q++) {
        add_rxq(br, port, q);
    }
    return true;
}

void
ovs_dpdk_add_vhost_user(struct world *w, struct ovs_dpdk *br,
                        struct virtio_net *vn)
{
    (void) w;
    int port = add_port(br, NULL, vn);
    virtio_net_set_poller(vn, guest_ready, br);
    for (int q = 0; q < vn->n_queues; q++) {
        add_rxq(br, port, q);
    }
}

struct ovs_dpdk *
ovs_dpdk_find(const struct world *w, const struct host *h, const char *name)
{
    struct vh_device *d = host_dev(w, h, name, "ovs-dpdk");
    return d ? VH_CONTAINER_OF(d, struct ovs_dpdk, dev) : NULL;
}

bool
ovs_dpdk_attach(struct world *w, struct host *h, struct vm_nic *n,
                struct vh_diag *diag)
{
    const struct cfg_vnic *cn = n->cfg;
    struct ovs_dpdk *br = ovs_dpdk_find(w, h, cn->attach_to);
    char path[512];
    snprintf(path, sizeof path, "%s.attach.to", cn->jpath);
    if (!br) {
        return vh_diag_fail(diag, path, "'%s' is not an Open vSwitch bridge "
                            "with datapath 'dpdk'", cn->attach_to);
    }
    if (!n->virtio || n->virtio->backend != CFG_BE_VHOST_USER) {
        return vh_diag_fail(diag, path, "'%s' runs Open vSwitch's user-space "
                            "datapath, whose ports to VMs are vhost-user "
                            "sockets: give this NIC model 'virtio' with "
                            "backend 'vhost-user'", cn->attach_to);
    }
    ovs_dpdk_add_vhost_user(w, br, n->virtio);
    if (cn->vlan >= 0) {
        /* The port's 'tag': an access port of that VLAN. */
        br->ports[br->n_ports - 1]->port.vlan = (struct port_vlan) {
            PORT_VLAN_ACCESS, (uint16_t) cn->vlan, NULL };
    }
    return true;
}

/* --- Life cycle. --- */

bool
ovs_dpdk_core_polls(const struct host *h, int c)
{
    return h->polls && c >= 0 && c < h->n_cores && h->polls[c].on;
}

/* The VM whose vCPU is pinned to core 'c', or NULL. */
static const struct cfg_vm *
pinned_vm(const struct cfg_host *ch, int c)
{
    for (size_t v = 0; v < ch->n_vms; v++) {
        for (size_t i = 0; i < ch->vms[v].n_pin; i++) {
            if (ch->vms[v].pin[i] == c) {
                return &ch->vms[v];
            }
        }
    }
    return NULL;
}

/* What the class reads of its own keys (ovs_dpdk_parse). */
struct ovs_dpdk_config {
    int *pmd_cores;             /* "pmd_cores": distinct host cores of its
                                 * poll-mode threads; NULL for the
                                 * default. */
    size_t n_pmd_cores;
};

static const struct ovs_dpdk_config no_config;

static const struct ovs_dpdk_config *
config_of(const struct cfg_bridge *cfg)
{
    return cfg->priv ? cfg->priv : &no_config;
}

/* The cores for the PMDs, checked; fills 'cores' (n entries). */
static bool
pmd_cores(struct host *h, const struct cfg_bridge *cfg, int *cores,
          size_t *n, struct vh_diag *diag)
{
    const struct ovs_dpdk_config *oc = config_of(cfg);
    char path[512];
    if (oc->n_pmd_cores) {
        for (size_t i = 0; i < oc->n_pmd_cores; i++) {
            int c = oc->pmd_cores[i];
            const struct cfg_vm *vm = pinned_vm(h->cfg, c);
            snprintf(path, sizeof path, "%s.pmd_cores[%zu]", cfg->jpath, i);
            if (vm) {
                return vh_diag_fail(diag, path, "core %d is pinned to a vCPU "
                                    "of '%s'; a poll-mode thread keeps its "
                                    "core busy all the time and would starve "
                                    "it", c, vm->name);
            }
            if (ovs_dpdk_core_polls(h, c)) {
                return vh_diag_fail(diag, path, "core %d already runs a "
                                    "poll-mode thread of another bridge", c);
            }
            cores[i] = c;
        }
        *n = oc->n_pmd_cores;
        return true;
    }
    for (int c = h->n_cores - 1; c >= 0; c--) {
        if (!pinned_vm(h->cfg, c) && !ovs_dpdk_core_polls(h, c)) {
            cores[0] = c;
            *n = 1;
            return true;
        }
    }
    return vh_diag_fail(diag, cfg->jpath, "no core left for a poll-mode "
                        "thread: every core of '%s' is pinned to a vCPU or "
                        "polls already; give 'pmd_cores'", h->cfg->name);
}

struct ovs_dpdk *
ovs_dpdk_create(struct world *w, struct host *h, const struct cfg_bridge *cfg,
                struct vh_diag *diag)
{
    int *cores = vh_xcalloc((size_t) h->n_cores
                            + config_of(cfg)->n_pmd_cores, sizeof *cores);
    size_t n = 0;
    if (!pmd_cores(h, cfg, cores, &n, diag)) {
        free(cores);
        return NULL;
    }
    struct ovs_dpdk *br = vh_xcalloc(1, sizeof *br);
    dev_register(w, &br->dev, &ovs_dpdk_class, &h->dev, cfg->name);
    br->dev.report = 1;
    br->host = h;
    br->cfg = cfg;
    l2fwd_init(&br->l2, &br->dev, br, l2_output,
               cfg->ageing ? cfg->ageing : VH_DEF_FDB_AGEING,
               "bridge-same-port");
    br->l2.vlan_aware = true;
    if (!h->polls) {
        h->polls = vh_xcalloc((size_t) h->n_cores, sizeof *h->polls);
    }
    br->n_pmds = (int) n;
    br->pmds = vh_xcalloc(n, sizeof *br->pmds);
    for (size_t i = 0; i < n; i++) {
        struct pmd *pmd = &br->pmds[i];
        pmd->br = br;
        pmd->index = (int) i;
        pmd->core = &h->cores[cores[i]];
        vh_timer_init(&pmd->wake, pmd_wake, pmd);
        h->polls[cores[i]].on = true;
    }
    free(cores);
    return br;
}

void
ovs_dpdk_free(struct ovs_dpdk *br)
{
    if (!br) {
        return;
    }
    for (int i = 0; i < br->n_pmds; i++) {
        free(br->pmds[i].rxqs);
    }
    free(br->pmds);
    for (size_t i = 0; i < br->n_rxqs; i++) {
        free(br->rxqs[i]);
    }
    free(br->rxqs);
    for (size_t i = 0; i < br->n_ports; i++) {
        free(br->ports[i]);
    }
    free(br->ports);
    l2fwd_destroy(&br->l2);
    free(br);
}

/* --- The class. --- */

/* The switch, its PMDs, and its NICs in poll mode.  Its VM ports join
 * when the VMs are built. */
static bool
ovs_dpdk_build(struct world *w, struct host *h, const void *cfg,
               struct vh_diag *diag)
{
    const struct cfg_bridge *cb = cfg;
    struct ovs_dpdk *br = ovs_dpdk_create(w, h, cb, diag);
    if (!br) {
        return false;
    }
    h->dpdk_bridges = vh_xrealloc(h->dpdk_bridges, (h->n_dpdk_bridges + 1)
                                  * sizeof *h->dpdk_bridges);
    h->dpdk_bridges[h->n_dpdk_bridges++] = br;
    for (size_t p = 0; p < cb->n_ports; p++) {
        struct pnic *nic = host_nic(w, h, cb->ports[p]);
        if (nic && !ovs_dpdk_add_nic(w, br, nic, diag)) {
            return false;
        }
    }
    return true;
}

static void
ovs_dpdk_destroy(struct vh_device *d)
{
    ovs_dpdk_free(VH_CONTAINER_OF(d, struct ovs_dpdk, dev));
}

/* In the host's "bridges", with its poll-mode threads. */
static void
ovs_dpdk_report(const struct vh_device *d, struct report_out *out)
{
    const struct ovs_dpdk *br = VH_CONTAINER_OF(d, const struct ovs_dpdk,
                                                dev);
    report_out_str(out, "type", "ovs");
    report_out_str(out, "datapath", "dpdk");
    report_out_num(out, "pmds", br->n_pmds);
    l2fwd_report(&br->l2, out);
}

/* "pmd_cores": distinct cores of the host, at least one. */
static bool
ovs_dpdk_parse(struct cfg_obj *o, void **priv)
{
    long long *v;
    size_t n;
    if (!cfg_obj_int_list(o, "pmd_cores", "a host core number", &v, &n)) {
        return false;
    }
    if (!cfg_obj_has(o, "pmd_cores")) {
        return true;
    }
    struct ovs_dpdk_config *oc = vh_xcalloc(1, sizeof *oc);
    *priv = oc;
    oc->pmd_cores = vh_xcalloc(n ? n : 1, sizeof *oc->pmd_cores);
    bool ok = n > 0 || cfg_obj_fail(o, "pmd_cores", -1, "give at least one "
                                    "core (or leave 'pmd_cores' out for "
                                    "the default)");
    int cores = cfg_obj_host_cores(o);
    for (size_t i = 0; ok && i < n; i++) {
        if (v[i] < 0 || v[i] >= cores) {
            ok = cfg_obj_fail(o, "pmd_cores", (long) i, "core %lld does not "
                              "exist; the host has cores 0 to %d", v[i],
                              cores - 1);
            break;
        }
        oc->pmd_cores[i] = (int) v[i];
        oc->n_pmd_cores = i + 1;
        for (size_t k = 0; ok && k < i; k++) {
            if (oc->pmd_cores[k] == oc->pmd_cores[i]) {
                ok = cfg_obj_fail(o, "pmd_cores", (long) i, "core %d is "
                                  "listed twice", oc->pmd_cores[i]);
            }
        }
    }
    free(v);
    return ok;
}

static void
ovs_dpdk_free_config(void *priv)
{
    struct ovs_dpdk_config *oc = priv;
    free(oc->pmd_cores);
    free(oc);
}

static const char *const ovs_dpdk_keys[] = { "pmd_cores", NULL };

static const char *const ovs_dpdk_types[] = { "ovs/dpdk", NULL };

const struct dev_class ovs_dpdk_class = {
    .kind = "ovs-dpdk",
    .role = VH_ROLE_SWITCHING,
    .family = DEV_FAM_BRIDGE,
    .accepts = ovs_dpdk_types,
    .described = "bridges of type ovs with datapath dpdk",
    .keys = ovs_dpdk_keys,
    .parse = ovs_dpdk_parse,
    .free_priv = ovs_dpdk_free_config,
    .attach_type = "ovs",
    .build = ovs_dpdk_build,
    .attach = ovs_dpdk_attach,
    .host_section = "bridges",
    .report = ovs_dpdk_report,
    .destroy = ovs_dpdk_destroy,
};
