/* models/virtio_net.c: virtio-net front end and vhost-net back end. */
#include "models/virtio_net.h"

#include <stdio.h>
#include <stdlib.h>

#include "models/acct.h"
#include "models/cpu.h"
#include "models/host.h"
#include "models/world.h"
#include "sim/trace.h"

/* The tap's queue length: Linux's default txqueuelen. */
#define TAP_QUEUE_LEN 1000

static void worker_run(struct vh_sim *, void *obj, void *arg);
static void guest_napi_step(struct vh_sim *, void *obj, void *arg);

/* --- vhost worker. --- */

/* Wakes the worker if it sleeps, from work on 'waker' (the vCPU that
 * kicked, or the core that queued a frame on the tap).  Across cores that
 * is an IPI; then the scheduler switches to the worker. */
static void
worker_wake(struct world *w, struct virtio_net *vn, struct cpu_core *waker)
{
    if (vn->worker_awake) {
        return;
    }
    vn->worker_awake = true;
    vn->tx_notify = false;
    vh_time_t t = cpu_wake_thread(w, waker, vn->worker, CPU_VHOST,
                                  &vn->host->interrupts, NULL, &vn->dev);
    vh_schedule_at(&w->sim, t, worker_run, vn, NULL);
}

static void
worker_tx_done(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct virtio_net *vn = obj;
    struct vh_packet *p = arg;
    /* Out of the tap into the host stack, on the worker's core. */
    port_deliver(w, &vn->tap, p);
    worker_run(sim, vn, NULL);
}

static void
guest_interrupt(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct virtio_net *vn = obj;
    /* No posted interrupts: the vCPU exits to take it. */
    vn->host->vm_exits++;
    vn->host->guest_interrupts++;
    cpu_charge(w, vn->vcpu, COST_VMEXIT, 0, CPU_VMEXIT, NULL, &vn->dev);
    cpu_charge(w, vn->vcpu, COST_GUEST_IRQ, 0, CPU_GUEST, NULL, &vn->dev);
    vh_time_t t = cpu_charge(w, vn->vcpu, COST_NAPI_POLL, 0, CPU_GUEST, NULL,
                             &vn->dev);
    vn->napi_budget = cost_count(&w->costs, COST_NAPI_BUDGET);
    vh_schedule_at(sim, t, guest_napi_step, vn, NULL);
    (void) arg;
}

static void
worker_rx_done(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct virtio_net *vn = obj;
    struct vh_packet *p = arg;

    vh_pktq_push(&vn->usedq, p);
    VH_TRACE(&w->trace, VH_HOP_ENQUEUE, .time = sim->now, .pkt = p,
             .dev = &vn->dev, .depth = vn->usedq.count);
    if (vn->guest_irq_on) {
        vn->guest_irq_on = false;
        vh_time_t t = cpu_charge(w, vn->worker, COST_VIRQ_INJECT, 0,
                                 CPU_VHOST, NULL, &vn->dev);
        vh_schedule_at(sim, t, guest_interrupt, vn, NULL);
    }
    worker_run(sim, vn, NULL);
}

/* Takes one frame from the TX virtqueue: descriptor work and the copy out
 * of guest memory, then the tap's receive path. */
static void
worker_take_tx(struct world *w, struct virtio_net *vn)
{
    struct vh_packet *p = vh_pktq_pop(&vn->txq);
    struct cpu_core *c = vn->worker;
    p->exec = &c->srv;
    cpu_charge(w, c, COST_VHOST_DESC, 0, CPU_VHOST, p, &vn->dev);
    cpu_charge(w, c, COST_COPY_FIXED, 0, CPU_VHOST, p, &vn->dev);
    cpu_charge(w, c, COST_COPY_BYTE, p->len, CPU_VHOST, p, &vn->dev);
    vh_time_t t = cpu_charge(w, c, COST_NETIF_RECEIVE, 0, CPU_SOFTIRQ, p,
                             &vn->dev);
    vn->host->copies_bytes += p->len;
    vh_schedule_at(&w->sim, t, worker_tx_done, vn, p);
}

/* Copies one frame from the tap's queue into a guest buffer. */
static void
worker_take_rx(struct world *w, struct virtio_net *vn)
{
    struct vh_packet *p = vh_pktq_pop(&vn->tapq);
    struct cpu_core *c = vn->worker;
    vn->rx_free--;
    p->exec = &c->srv;
    cpu_charge(w, c, COST_VHOST_DESC, 0, CPU_VHOST, p, &vn->dev);
    cpu_charge(w, c, COST_COPY_FIXED, 0, CPU_VHOST, p, &vn->dev);
    vh_time_t t = cpu_charge(w, c, COST_COPY_BYTE, p->len, CPU_VHOST, p,
                             &vn->dev);
    vn->host->copies_bytes += p->len;
    vh_schedule_at(&w->sim, t, worker_rx_done, vn, p);
}

/* The worker's loop: one frame per step, alternating directions, until
 * both are idle; then it re-enables kicks and sleeps. */
static void
worker_run(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct virtio_net *vn = obj;
    bool can_tx = vn->txq.count > 0;
    bool can_rx = vn->tapq.count > 0 && vn->rx_free > 0;

    vn->worker_wants_buffers = vn->tapq.count > 0 && !vn->rx_free;
    if (!can_tx && !can_rx) {
        vn->worker_awake = false;
        vn->tx_notify = true;
        return;
    }
    bool rx = can_rx && (!can_tx || vn->worker_turn_rx);
    vn->worker_turn_rx = !rx;
    if (rx) {
        worker_take_rx(w, vn);
    } else {
        worker_take_tx(w, vn);
    }
    (void) arg;
}

/* --- Guest side. --- */

/* The guest kicks the backend: a write to the notify register, trapped. */
static void
guest_kick(struct world *w, struct virtio_net *vn, struct vh_packet *p)
{
    vn->host->vm_exits++;
    cpu_charge(w, vn->vcpu, COST_VMEXIT, 0, CPU_VMEXIT, p, &vn->dev);
    cpu_charge(w, vn->vcpu, COST_IOEVENTFD, 0, CPU_VMEXIT, p, &vn->dev);
    worker_wake(w, vn, vn->vcpu);
}

static void
guest_tx_post(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct virtio_net *vn = obj;
    struct vh_packet *p = arg;

    if (vn->txq.count >= vn->ring) {
        acct_drop(w, p, &vn->dev, "vring-full");
        return;
    }
    vh_pktq_push(&vn->txq, p);
    VH_TRACE(&w->trace, VH_HOP_ENQUEUE, .time = sim->now, .pkt = p,
             .dev = &vn->dev, .depth = vn->txq.count);
    if (vn->tx_notify) {
        vn->tx_notify = false;
        guest_kick(w, vn, p);
    }
}

/* The guest's stack hands a frame to the virtio driver, on the vCPU. */
static void
guest_xmit(struct world *w, struct port *port, struct vh_packet *p)
{
    struct virtio_net *vn = port->owner;
    if (!vn->link_up) {
        acct_drop(w, p, &vn->dev, "link-down");
        return;
    }
    vn->dev.tx++;
    VH_TRACE(&w->trace, VH_HOP_TX, .time = w->sim.now, .pkt = p,
             .dev = &vn->dev);
    vh_time_t t = cpu_charge(w, vn->vcpu, COST_VIRTIO_TX, 0, CPU_GUEST, p,
                             &vn->dev);
    vh_schedule_at(&w->sim, t, guest_tx_post, vn, p);
}

static void
guest_napi_deliver(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct virtio_net *vn = obj;
    struct vh_packet *p = arg;

    /* The buffer was refilled: the worker may be waiting for one, and
     * then the refill kicks it. */
    vn->rx_free++;
    if (vn->worker_wants_buffers && !vn->worker_awake) {
        vn->worker_wants_buffers = false;
        guest_kick(w, vn, NULL);
    }
    vn->dev.rx++;
    VH_TRACE(&w->trace, VH_HOP_RX, .time = sim->now, .pkt = p,
             .dev = &vn->dev);
    p->exec = &vn->vcpu->srv;
    port_deliver(w, &vn->guest, p);
    guest_napi_step(sim, vn, NULL);
}

/* The guest's NAPI poll: one used buffer per step, with interrupts off,
 * until the used ring is empty; a spent budget costs another round. */
static void
guest_napi_step(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct virtio_net *vn = obj;

    if (!vn->usedq.count) {
        vn->guest_irq_on = true;
        return;
    }
    if (!vn->napi_budget) {
        vn->napi_budget = cost_count(&w->costs, COST_NAPI_BUDGET);
        vh_time_t t = cpu_charge(w, vn->vcpu, COST_NAPI_POLL, 0, CPU_GUEST,
                                 NULL, &vn->dev);
        vh_schedule_at(sim, t, guest_napi_step, vn, NULL);
        return;
    }
    vn->napi_budget--;
    struct vh_packet *p = vh_pktq_pop(&vn->usedq);
    vh_time_t t = cpu_charge(w, vn->vcpu, COST_VIRTIO_RX, 0, CPU_GUEST, p,
                             &vn->dev);
    vh_schedule_at(sim, t, guest_napi_deliver, vn, p);
}

/* --- Host side: the tap. --- */

static void
tap_queued(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct virtio_net *vn = obj;
    struct vh_packet *p = arg;

    if (vh_pktq_full(&vn->tapq)) {
        acct_drop(w, p, &vn->dev, "tap-queue-full");
        return;
    }
    struct cpu_core *waker = p->exec ? cpu_of_exec(p->exec) : NULL;
    vh_pktq_push(&vn->tapq, p);
    VH_TRACE(&w->trace, VH_HOP_ENQUEUE, .time = sim->now, .pkt = p,
             .dev = &vn->dev, .depth = vn->tapq.count);
    worker_wake(w, vn, waker);
}

/* The host stack (a bridge) sends a frame to the VM, on its core. */
static void
tap_xmit(struct world *w, struct port *port, struct vh_packet *p)
{
    struct virtio_net *vn = port->owner;
    struct cpu_core *core = p->exec ? cpu_of_exec(p->exec) : vn->worker;
    if (!vn->link_up) {
        acct_drop(w, p, &vn->dev, "link-down");
        return;
    }
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = &vn->dev);
    vh_time_t t = cpu_charge(w, core, COST_TUN_XMIT, 0, CPU_SOFTIRQ, p,
                             &vn->dev);
    vh_schedule_at(&w->sim, t, tap_queued, vn, p);
}

struct virtio_net *
virtio_net_create(struct world *w, struct host *h, struct vm *vm,
                  struct vh_device *vm_dev, const struct cfg_vnic *cfg,
                  struct cpu_core *vcpu)
{
    const char *vm_path = vm_dev->path;
    struct virtio_net *vn = calloc(1, sizeof *vn);
    if (!vn) {
        abort();
    }
    char path[256];
    snprintf(path, sizeof path, "%s/%s", vm_path, cfg->name);
    vh_devtab_add(&w->devs, &vn->dev, path, "virtio-net", vm_dev);
    vn->dev.report = 1;
    vn->host = h;
    vn->vm = vm;
    vn->cfg = cfg;
    vn->vcpu = vcpu;
    vn->worker = host_pick_thread_core(h);
    port_init(&vn->guest, guest_xmit, vn, &vn->dev, 0);
    port_init(&vn->tap, tap_xmit, vn, &vn->dev, 1);
    vn->ring = cfg->ring ? (uint32_t) cfg->ring : 256;
    vh_pktq_init(&vn->txq, 0);
    vh_pktq_init(&vn->tapq, TAP_QUEUE_LEN);
    vh_pktq_init(&vn->usedq, 0);
    vn->rx_free = vn->ring;
    vn->tx_notify = true;
    vn->guest_irq_on = true;
    vn->link_up = true;
    return vn;
}

void
virtio_net_free(struct virtio_net *vn)
{
    free(vn);
}
