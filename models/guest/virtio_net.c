/* models/guest/virtio_net.c: virtio-net front end and its vhost-net, QEMU and
 * vhost-user back ends. */
#include "models/guest/virtio_net.h"

#include <stdlib.h>

#include "models/core/acct.h"
#include "models/core/devclass.h"
#include "models/core/defaults.h"
#include "models/hw/cpu.h"
#include "models/core/host.h"
#include "models/hw/hthread.h"
#include "models/guest/qemu.h"
#include "models/guest/vcpu.h"
#include "models/guest/vm.h"
#include "models/core/world.h"
#include "sim/flow6.h"
#include "sim/frame.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

static void guest_napi_step(struct vh_sim *, void *obj, void *arg);

/* --- Flow hash. --- */

/* A fixed mix of the IP addresses (an IPv6 one folded, sim/flow6.h),
 * protocol and ports (the finalizer of MurmurHash3), so a flow always
 * lands on the same queue. */
static uint32_t
vnet_flow_hash(const struct vh_packet *p)
{
    struct vh_flow f;
    if (!vh_frame_flow_for_hash(p->data, p->len, &f)) {
        return 0;
    }
    uint64_t k = (uint64_t) f.ip_src << 32 | f.ip_dst;
    uint64_t ports = (uint64_t) f.sport << 16 | f.dport;
    k ^= (ports << 8 | f.proto) * 0x9e3779b97f4a7c15ULL;
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return (uint32_t) k;
}

int
vnet_flow_queue(const struct vh_packet *p, int n)
{
    if (n <= 1) {
        return 0;
    }
    /* reciprocal_scale(): the hash's top bits pick the queue. */
    return (int) (((uint64_t) vnet_flow_hash(p) * (uint32_t) n) >> 32);
}

/* --- Interrupting the guest. --- */

static void
guest_interrupt(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct vnet_queue *q = obj;
    struct virtio_net *vn = q->vn;
    struct cpu_core *by = arg;  /* The core that signalled the irqfd. */
    /* An MSI-X vector KVM injects: posted with APICv, else an exit; a
     * halted vCPU is woken first (models/guest/vcpu.h). */
    vcpu_interrupt(w, vn->host, q->vcpu, VCPU_SRC_KVM, by, q->irq_by_cat,
                   false, q->usedq.head, &vn->dev);
    vh_time_t t = cpu_charge(w, q->vcpu, COST_NAPI_POLL, 0, CPU_GUEST, NULL,
                             &vn->dev);
    q->napi_budget = cost_count(&w->costs, COST_NAPI_BUDGET);
    vh_schedule_at(sim, t, guest_napi_step, q, NULL);
}

/* A filled buffer is now in the used ring.  If the guest asked for an
 * interrupt, the backend signals the irqfd from 'core': a kernel worker
 * calls eventfd_signal() itself (part of 'virq_inject'); a user-space
 * backend first writes the eventfd with a system call. */
static void
used_ready(struct world *w, struct vnet_queue *q, struct vh_packet *p,
           struct cpu_core *core, enum cpu_cat cat, bool user)
{
    struct virtio_net *vn = q->vn;
    vh_pktq_push(&q->usedq, p);
    VH_TRACE(&w->trace, VH_HOP_ENQUEUE, .time = w->sim.now, .pkt = p,
             .dev = &vn->dev, .depth = q->usedq.count);
    if (q->guest_irq_on) {
        q->guest_irq_on = false;
        if (user) {
            cpu_charge(w, core, COST_EVENTFD_SIGNAL, 0, cat, NULL, &vn->dev);
        }
        vh_time_t t = cpu_charge(w, core, COST_VIRQ_INJECT, 0, cat, NULL,
                                 &vn->dev);
        q->irq_by_cat = cat;
        vh_schedule_at(&w->sim, t, guest_interrupt, q, core);
    }
}

/* --- Tap backends: vhost-net's worker and QEMU's main loop. --- */

static void
backend_tx_done(struct vh_sim *sim, void *obj, void *arg)
{
    struct vnet_queue *q = obj;
    /* Out of the tap into the host stack, on the backend's core. */
    port_deliver(world_of(sim), &q->vn->tap, arg);
}

static void
backend_rx_done(struct vh_sim *sim, void *obj, void *arg)
{
    struct vnet_queue *q = obj;
    bool qemu = q->vn->backend == CFG_BE_QEMU;
    used_ready(world_of(sim), q, arg, q->thread->core, q->thread->cat, qemu);
}

/* Copying a frame of 'len' bytes between guest and host memory. */
static vh_time_t
charge_copy(struct world *w, struct cpu_core *c, enum cpu_cat cat,
            struct vh_packet *p, const struct vh_device *dev)
{
    cpu_charge(w, c, COST_COPY_FIXED, 0, cat, p, dev);
    return cpu_charge(w, c, COST_COPY_BYTE, p->len, cat, p, dev);
}

/* The backend takes the oldest frame of TX virtqueue 'q', or NULL.  Its
 * descriptor is used: the guest's socket hears the frame is done, and a
 * stopped queue wakes to move a frame from the guest's qdisc to the ring
 * (work the guest's virtio TX, charged when the frame came down, stands
 * for). */
static struct vh_packet *
tx_take(struct vnet_queue *q)
{
    struct vh_packet *p = vh_pktq_pop(&q->txq);
    if (p) {
        vh_packet_orphan(p);
        if (!qdisc_empty(&q->qdisc)) {
            vh_pktq_push(&q->txq, qdisc_dequeue(&q->qdisc));
        }
    }
    return p;
}

/* The backend takes one frame from TX virtqueue 'q'.  vhost-net: the
 * descriptor, the copy out of guest memory and the tap's receive, in the
 * kernel.  QEMU: reading the kick's eventfd if it fired, popping the
 * element, and writev() into the tap, where tun copies the frame out of
 * guest memory (mapped into QEMU) and hands it to the stack. */
static bool
backend_tx_poll(struct world *w, void *ctx, vh_time_t *done)
{
    struct vnet_queue *q = ctx;
    struct virtio_net *vn = q->vn;
    if (vn->stopped) {
        return false;
    }
    if (!q->txq.count) {
        q->tx_notify = true;
        return false;
    }
    struct vh_packet *p = tx_take(q);
    struct cpu_core *c = q->thread->core;
    enum cpu_cat cat = q->thread->cat;
    vh_time_t t;
    p->exec = &c->srv;
    if (vn->backend == CFG_BE_QEMU) {
        if (q->tx_kicked) {
            q->tx_kicked = false;
            cpu_charge(w, c, COST_SYSCALL, 0, cat, p, &vn->dev);
        }
        cpu_charge(w, c, COST_QEMU_DESC, 0, cat, p, &vn->dev);
        cpu_charge(w, c, COST_TAP_WRITE, 0, cat, p, &vn->dev);
        t = charge_copy(w, c, cat, p, &vn->dev);
    } else {
        cpu_charge(w, c, COST_VHOST_DESC, 0, cat, p, &vn->dev);
        charge_copy(w, c, cat, p, &vn->dev);
        t = cpu_charge(w, c, COST_NETIF_RECEIVE, 0, CPU_SOFTIRQ, p,
                       &vn->dev);
    }
    vn->host->copies_bytes += p->len;
    vh_schedule_at(&w->sim, t, backend_tx_done, q, p);
    *done = t;
    return true;
}

/* The backend copies one frame from the tap into a guest buffer.
 * vhost-net: the descriptor and one copy.  QEMU: read() from the tap into
 * its own buffer (a copy in tun), then popping the element and copying
 * into the guest's buffer: two copies. */
static bool
backend_rx_poll(struct world *w, void *ctx, vh_time_t *done)
{
    struct vnet_queue *q = ctx;
    struct virtio_net *vn = q->vn;
    if (vn->stopped) {
        return false;
    }
    q->backend_wants_buffers = q->tapq.count > 0 && !q->rx_free;
    if (!q->tapq.count || !q->rx_free) {
        return false;
    }
    struct vh_packet *p = vh_pktq_pop(&q->tapq);
    struct cpu_core *c = q->thread->core;
    enum cpu_cat cat = q->thread->cat;
    q->rx_free--;
    p->exec = &c->srv;
    if (vn->backend == CFG_BE_QEMU) {
        cpu_charge(w, c, COST_TAP_READ, 0, cat, p, &vn->dev);
        charge_copy(w, c, cat, p, &vn->dev);
        vn->host->copies_bytes += p->len;
        cpu_charge(w, c, COST_QEMU_DESC, 0, cat, p, &vn->dev);
    } else {
        cpu_charge(w, c, COST_VHOST_DESC, 0, cat, p, &vn->dev);
    }
    vh_time_t t = charge_copy(w, c, cat, p, &vn->dev);
    vn->host->copies_bytes += p->len;
    vh_schedule_at(&w->sim, t, backend_rx_done, q, p);
    *done = t;
    return true;
}

/* --- Guest side. --- */

/* KVM's eventfd signal reaches the backend's thread, from the vCPU's core
 * 'arg', still in the exit. */
static void
kick_signalled(struct vh_sim *sim, void *obj, void *arg)
{
    struct vnet_queue *q = obj;
    /* The wakeup is the kicked frame's, for traces. */
    hthread_signal(world_of(sim), q->thread, arg, CPU_VMEXIT, q->txq.head);
}

/* The guest writes queue 'q''s notify register from 'core': trapped, and
 * turned by KVM into a signal of the backend's eventfd. */
static void
guest_kick(struct world *w, struct vnet_queue *q, struct cpu_core *core,
           struct vh_packet *p)
{
    struct virtio_net *vn = q->vn;
    vn->host->vm_exits++;
    cpu_charge(w, core, COST_VMEXIT, 0, CPU_VMEXIT, p, &vn->dev);
    vh_time_t t = cpu_charge(w, core, COST_IOEVENTFD, 0, CPU_VMEXIT, p,
                             &vn->dev);
    q->tx_kicked = true;
    /* The backend hears of it only once KVM has signalled the eventfd. */
    vh_schedule_at(&w->sim, t, kick_signalled, q, core);
}

static void
guest_tx_post(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct vnet_queue *q = obj;
    struct virtio_net *vn = q->vn;
    struct vh_packet *p = arg;

    if (q->txq.count >= vn->ring || !qdisc_empty(&q->qdisc)) {
        /* The ring is full: the driver has stopped the queue. */
        qdisc_enqueue(w, &q->qdisc, p, &vn->dev);
        return;
    }
    vh_pktq_push(&q->txq, p);
    VH_TRACE(&w->trace, VH_HOP_ENQUEUE, .time = sim->now, .pkt = p,
             .dev = &vn->dev, .depth = q->txq.count);
    if (vn->backend == CFG_BE_VHOST_USER) {
        /* The switch keeps kicks off and polls instead. */
        if (q->txq.count == 1 && vn->vu_ready) {
            vn->vu_ready(w, vn->vu_ctx, vn, q->index);
        }
        return;
    }
    if (q->tx_notify) {
        q->tx_notify = false;
        guest_kick(w, q, cpu_exec_core(p, vn->vcpu), p);
    }
}

/* The guest's stack hands a frame to the virtio driver, on the vCPU that
 * sends it. */
static void
guest_xmit(struct world *w, struct port *port, struct vh_packet *p)
{
    struct virtio_net *vn = port->owner;
    if (!vn->link_up) {
        acct_drop(w, p, &vn->dev, "link-down");
        return;
    }
    struct cpu_core *core = cpu_exec_core(p, vn->vcpu);
    struct vnet_queue *q = &vn->q[vnet_flow_queue(p, vn->n_queues)];
    p->exec = &core->srv;
    vn->dev.tx++;
    VH_TRACE(&w->trace, VH_HOP_TX, .time = w->sim.now, .pkt = p,
             .dev = &vn->dev);
    vh_time_t t = cpu_charge(w, core, COST_VIRTIO_TX, 0, CPU_GUEST, p,
                             &vn->dev);
    /* One vCPU at a time transmits on a queue (its xmit lock): frames
     * reach the ring, or the qdisc, in the order they came down. */
    if (t < q->tx_post_at) {
        t = q->tx_post_at;
    }
    q->tx_post_at = t;
    vh_schedule_at(&w->sim, t, guest_tx_post, q, p);
}

static void
guest_napi_deliver(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct vnet_queue *q = obj;
    struct virtio_net *vn = q->vn;
    struct vh_packet *p = arg;

    /* The buffer was refilled: a tap backend that ran out of buffers
     * asked for a kick, and the refill gives it one. */
    q->rx_free++;
    if (q->backend_wants_buffers && q->thread && !q->thread->awake) {
        q->backend_wants_buffers = false;
        guest_kick(w, q, q->vcpu, NULL);
    }
    vn->dev.rx++;
    VH_TRACE(&w->trace, VH_HOP_RX, .time = sim->now, .pkt = p,
             .dev = &vn->dev);
    p->exec = &q->vcpu->srv;
    port_deliver(w, &vn->guest, p);
    guest_napi_step(sim, q, NULL);
}

/* The guest's NAPI poll of one queue, on the vCPU its vector targets: one
 * used buffer per step, with the queue's interrupts off, until the used
 * ring is empty; a spent budget costs another round. */
static void
guest_napi_step(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct vnet_queue *q = obj;
    struct virtio_net *vn = q->vn;

    if (!q->usedq.count) {
        q->guest_irq_on = true;
        return;
    }
    if (!q->napi_budget) {
        q->napi_budget = cost_count(&w->costs, COST_NAPI_BUDGET);
        vh_time_t t = cpu_charge(w, q->vcpu, COST_NAPI_POLL, 0, CPU_GUEST,
                                 NULL, &vn->dev);
        vh_schedule_at(sim, t, guest_napi_step, q, NULL);
        return;
    }
    q->napi_budget--;
    struct vh_packet *p = vh_pktq_pop(&q->usedq);
    vh_time_t t = cpu_charge(w, q->vcpu, COST_VIRTIO_RX, 0, CPU_GUEST, p,
                             &vn->dev);
    vh_schedule_at(sim, t, guest_napi_deliver, q, p);
    (void) arg;
}

/* --- Host side: the tap. --- */

static void
tap_queued(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct vnet_queue *q = obj;
    struct virtio_net *vn = q->vn;
    struct vh_packet *p = arg;

    if (vh_pktq_full(&q->tapq)) {
        acct_drop(w, p, &vn->dev, "tap-queue-full");
        return;
    }
    struct cpu_core *waker = cpu_exec_core(p, NULL);
    vh_pktq_push(&q->tapq, p);
    VH_TRACE(&w->trace, VH_HOP_ENQUEUE, .time = sim->now, .pkt = p,
             .dev = &vn->dev, .depth = q->tapq.count);
    hthread_signal(w, q->thread, waker, CPU_SOFTIRQ, p);
}

/* The host stack (a bridge) sends a frame to the VM, on its core; tun
 * picks the queue by the flow's hash. */
static void
tap_xmit(struct world *w, struct port *port, struct vh_packet *p)
{
    struct virtio_net *vn = port->owner;
    if (!vn->link_up) {
        acct_drop(w, p, &vn->dev, "link-down");
        return;
    }
    if (vn->backend == CFG_BE_VHOST_USER) {
        /* A vhost-user device has no tap; nothing should send here. */
        acct_drop(w, p, &vn->dev, "no-tap");
        return;
    }
    struct vnet_queue *q = &vn->q[vnet_flow_queue(p, vn->n_queues)];
    struct cpu_core *core = cpu_exec_core(p, q->thread->core);
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = &vn->dev);
    vh_time_t t = cpu_charge(w, core, COST_TUN_XMIT, 0, CPU_SOFTIRQ, p,
                             &vn->dev);
    vh_schedule_at(&w->sim, t, tap_queued, q, p);
}

/* --- vhost-user. --- */

void
virtio_net_set_poller(struct virtio_net *vn,
                      void (*ready)(struct world *, void *,
                                    struct virtio_net *, int),
                      void *ctx)
{
    vn->vu_ready = ready;
    vn->vu_ctx = ctx;
}

uint32_t
virtio_net_vu_tx_pending(const struct virtio_net *vn, int q)
{
    return vn->q[q].txq.count;
}

struct vh_packet *
virtio_net_vu_tx_take(struct virtio_net *vn, int q)
{
    return tx_take(&vn->q[q]);
}

const char *
virtio_net_vu_rx_take(struct virtio_net *vn, int q)
{
    if (!vn->link_up) {
        return "link-down";
    }
    if (!vn->q[q].rx_free) {
        return "rx-vring-full";
    }
    vn->q[q].rx_free--;
    return NULL;
}

void
virtio_net_vu_rx_done(struct world *w, struct virtio_net *vn, int q,
                      struct vh_packet *p, struct cpu_core *core,
                      enum cpu_cat cat)
{
    used_ready(w, &vn->q[q], p, core, cat, true);
}

/* --- Life cycle. --- */

struct virtio_net *
virtio_net_create(struct world *w, struct host *h, struct vm *vm,
                  struct vh_device *vm_dev, const struct cfg_vnic *cfg,
                  struct cpu_core *vcpu)
{
    struct virtio_net *vn = vh_xcalloc_lines(1, sizeof *vn);
    dev_register(w, &vn->dev, &virtio_net_class, vm_dev, cfg->name);
    vn->dev.report = 1;
    vn->host = h;
    vn->vm = vm;
    vn->cfg = cfg;
    vn->backend = cfg->backend == CFG_BE_NONE ? CFG_BE_VHOST_NET
                                              : cfg->backend;
    vn->vcpu = vcpu;
    port_init(&vn->guest, guest_xmit, vn, &vn->dev, 0);
    port_init(&vn->tap, tap_xmit, vn, &vn->dev, 1);
    /* VIRTIO_NET_F_HOST_TSO4 lets the guest hand the device super-frames
     * and GUEST_TSO4 (with MRG_RXBUF) the host hand them to the guest:
     * vhost-net and QEMU offer both, and "tso" stands for the pair. */
    bool tso = cfg->offloads.tso && vn->backend != CFG_BE_VHOST_USER;
    vn->guest.takes_gso = tso;
    vn->guest.tx_done = true;
    vn->tap.takes_gso = tso;
    vn->ring = cfg->ring ? (uint32_t) cfg->ring : VH_DEF_VRING_SIZE;
    vn->link_up = true;
    vn->n_queues = cfg->queues > 0 ? cfg->queues : VH_DEF_VNIC_QUEUES;
    vn->q = vh_xcalloc((size_t) vn->n_queues, sizeof *vn->q);
    for (int i = 0; i < vn->n_queues; i++) {
        struct vnet_queue *q = &vn->q[i];
        q->vn = vn;
        q->index = i;
        q->vcpu = vm->vcpus[i % vm->n_vcpus];
        vh_pktq_init(&q->txq, 0);
        qdisc_init(&q->qdisc, VH_DEF_TXQUEUELEN);
        vh_pktq_init(&q->tapq, VH_DEF_TXQUEUELEN);
        vh_pktq_init(&q->usedq, 0);
        q->rx_free = vn->ring;
        q->tx_notify = vn->backend != CFG_BE_VHOST_USER;
        q->guest_irq_on = true;
        if (vn->backend == CFG_BE_VHOST_NET) {
            q->thread = hthread_create(h, host_pick_thread_core(h),
                                       CPU_VHOST, &vn->dev, false);
        } else if (vn->backend == CFG_BE_QEMU) {
            q->thread = qemu_main_loop(w, vm);
        }
        if (q->thread) {
            hthread_add_src(q->thread, backend_tx_poll, q);
            hthread_add_src(q->thread, backend_rx_poll, q);
        }
    }
    return vn;
}

void
virtio_net_free(struct virtio_net *vn)
{
    if (!vn) {
        return;
    }
    for (int i = 0; i < vn->n_queues; i++) {
        struct vnet_queue *q = &vn->q[i];
        if (vn->backend == CFG_BE_VHOST_NET) {
            hthread_free(q->thread);
        }
        vh_pktq_purge(&q->txq);
        qdisc_purge(&q->qdisc);
        vh_pktq_purge(&q->tapq);
        vh_pktq_purge(&q->usedq);
    }
    free(vn->q);
    free(vn);
}

/* --- The class. --- */

static bool
virtio_net_build_vnic(struct world *w, struct host *h, struct vm *vm,
                      struct vm_nic *n, struct vh_diag *diag)
{
    const struct cfg_vnic *cn = n->cfg;
    if (cn->backend == CFG_BE_VHOST_USER && cn->attach != CFG_AT_OVS) {
        return vh_diag_fail(diag, cn->jpath, "backend 'vhost-user' connects "
                            "the virtqueues to a user-space switch, which "
                            "has no tap to plug in here: attach it with type "
                            "'ovs' to a bridge with datapath 'dpdk'");
    }
    struct virtio_net *vn = virtio_net_create(w, h, vm, &vm->dev, cn,
                                              vm->vcpus[0]);
    n->virtio = vn;
    n->dev = &vn->dev;
    n->guest = &vn->guest;
    n->host = &vn->tap;
    return true;
}

static void
virtio_net_set_link(struct world *w, struct vh_device *d, bool up)
{
    VH_CONTAINER_OF(d, struct virtio_net, dev)->link_up = up;
    (void) w;
}

static struct virtio_net *
vnic_virtio(const struct vm_nic *n)
{
    return VH_CONTAINER_OF(n->dev, struct virtio_net, dev);
}

/* Live migration: the backend stops serving the rings for the downtime;
 * on the destination the source tap closes with what waited in it, the
 * tap is re-plugged, the queues follow the vCPUs and the backend's
 * threads move, and the backend looks at the rings again. */
static void
virtio_net_migrate_stop(struct world *w, struct vm_nic *n)
{
    vnic_virtio(n)->stopped = true;
    (void) w;
}

static void
virtio_net_migrate_move(struct world *w, struct vm_nic *n, struct host *src,
                        struct host *dst)
{
    struct virtio_net *vn = vnic_virtio(n);
    struct vm *vm = vn->vm;
    for (int k = 0; k < vn->n_queues; k++) {
        struct vh_packet *p;
        while ((p = vh_pktq_pop(&vn->q[k].tapq)) != NULL) {
            acct_drop(w, p, &vn->dev, "migration");
        }
    }
    n->attach_cls->detach_vnic(w, src, n);
    n->attach_cls->reattach_vnic(w, dst, n);
    vn->host = dst;
    vn->vcpu = vm->vcpus[0];
    for (int k = 0; k < vn->n_queues; k++) {
        struct vnet_queue *q = &vn->q[k];
        q->vcpu = vm->vcpus[k % vm->n_vcpus];
        if (vn->backend == CFG_BE_VHOST_NET) {
            host_adopt_thread(dst, q->thread);
        }
    }
    vn->stopped = false;
    for (int k = 0; k < vn->n_queues; k++) {
        if (vn->q[k].thread) {
            hthread_signal(w, vn->q[k].thread, NULL, CPU_IRQ, NULL);
        }
    }
}

/* QEMU announces the VM's address after it resumes: a RARP broadcast
 * written into the tap from QEMU's context, so the switches learn the
 * new port. */
static void
virtio_net_migrate_announce(struct world *w, struct vm_nic *n)
{
    struct virtio_net *vn = vnic_virtio(n);
    struct cpu_core *core = vn->vm->vcpus[0];
    struct vh_packet *p = vh_packet_alloc(&w->pool);
    p->len = vh_build_rarp_announce(p->data, &n->cfg->mac);
    p->born = w->sim.now;
    p->exec = &core->srv;
    cpu_charge(w, core, COST_TAP_WRITE, 0, CPU_QEMU, p, &vn->dev);
    port_deliver(w, &vn->tap, p);
}

static struct cpu_core *
virtio_net_serving_core(const struct vm_nic *n)
{
    const struct virtio_net *vn = vnic_virtio(n);
    return vn->n_queues && vn->q[0].thread ? vn->q[0].thread->core : NULL;
}

static void
virtio_net_destroy(struct vh_device *d)
{
    virtio_net_free(VH_CONTAINER_OF(d, struct virtio_net, dev));
}

static const char *const virtio_models[] = { "virtio", NULL };

/* What a frame through either port reads (see dev_class's 'warm'): the
 * NIC, then its first queue (both directions' fields: the TX ring, the
 * tap queue, the used ring) and the vCPU, then the backend's thread;
 * and the device on the far side of the other port, from step 2 on.  A
 * frame of a multiqueue NIC's other queues finds its queue cold. */
static bool
virtio_net_warm(const struct port *port, int step)
{
    if (port->rx != guest_xmit && port->rx != tap_xmit) {
        return false;           /* The guest stack's port, on the NIC's. */
    }
    const struct virtio_net *vn = port->owner;
    if (step == 0) {
        for (size_t off = 0; off < sizeof *vn; off += 64) {
            __builtin_prefetch((const char *) vn + off);
        }
        return true;
    }
    const struct vnet_queue *q = vn->q;
    if (step == 1) {
        for (size_t off = 0; off < sizeof *q; off += 64) {
            __builtin_prefetch((const char *) q + off);
        }
        cpu_warm(vn->vcpu);
        return true;
    }
    if (step == 2 && q->thread) {
        __builtin_prefetch(q->thread);
        __builtin_prefetch((const char *) q->thread + 64);
    }
    return port_warm(port == &vn->guest ? vn->tap.peer : vn->guest.peer,
                     step - 2);
}

const struct dev_class virtio_net_class = {
    .kind = "virtio-net",
    .role = VH_ROLE_DEVICE,
    .family = DEV_FAM_VNIC,
    .accepts = virtio_models,
    .build_vnic = virtio_net_build_vnic,
    .set_link = virtio_net_set_link,
    .serving_core = virtio_net_serving_core,
    .migrate_stop = virtio_net_migrate_stop,
    .migrate_move = virtio_net_migrate_move,
    .migrate_announce = virtio_net_migrate_announce,
    .warm = virtio_net_warm,
    .destroy = virtio_net_destroy,
};
