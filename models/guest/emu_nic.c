/* models/guest/emu_nic.c: what the emulated NICs share: traps, the tap, QEMU's
 * receive loop, the interrupt line and its mitigation, the qdisc. */
#include "models/guest/emu_nic.h"

#include <stdlib.h>

#include "models/core/acct.h"
#include "models/core/devclass.h"
#include "models/core/defaults.h"
#include "models/core/host.h"
#include "models/hw/hthread.h"
#include "models/guest/qemu.h"
#include "models/guest/vcpu.h"
#include "models/guest/vm.h"
#include "models/core/world.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

/* --- Primitives of the path. --- */

vh_time_t
emu_trap(struct world *w, struct emu_nic *en, struct cpu_core *c,
         const struct vh_packet *p)
{
    en->host->vm_exits++;
    en->traps++;
    cpu_charge(w, c, COST_VMEXIT, 0, CPU_VMEXIT, p, &en->dev);
    cpu_charge(w, c, COST_EXIT_TO_USER, 0, CPU_VMEXIT, p, &en->dev);
    return cpu_charge(w, c, COST_MMIO_EMULATE, 0, CPU_QEMU, p, &en->dev);
}

vh_time_t
emu_copy(struct world *w, struct emu_nic *en, struct cpu_core *c,
         enum cpu_cat cat, struct vh_packet *p)
{
    en->host->copies_bytes += p->len;
    cpu_charge(w, c, COST_COPY_FIXED, 0, cat, p, &en->dev);
    return cpu_charge(w, c, COST_COPY_BYTE, p->len, cat, p, &en->dev);
}

static void
tap_write_done(struct vh_sim *sim, void *obj, void *arg)
{
    struct emu_nic *en = obj;
    port_deliver(world_of(sim), &en->tap, arg);
}

vh_time_t
emu_tap_write(struct world *w, struct emu_nic *en, struct cpu_core *c,
              struct vh_packet *p)
{
    cpu_charge(w, c, COST_TAP_WRITE, 0, CPU_QEMU, p, &en->dev);
    vh_time_t t = emu_copy(w, en, c, CPU_QEMU, p);
    /* netif_rx() queued it on this core's backlog: the bridge runs in
     * the softirq there. */
    p->exec = &c->srv;
    vh_schedule_at(&w->sim, t, tap_write_done, en, p);
    return t;
}

/* --- The interrupt line. --- */

static void
irq_take(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct emu_nic *en = obj;
    bool exit = arg != NULL;

    en->irq_inflight = false;
    if (en->in_hardirq) {
        /* Interrupts are off in the handler: taken when it returns. */
        en->irq_pending = true;
        return;
    }
    /* INTx through the IOAPIC: level-triggered, so its EOI exits even
     * with APICv.  Raised by QEMU's thread, or by the vCPU itself on its
     * way back from a trapped register write (models/guest/vcpu.h). */
    vcpu_interrupt(w, en->host, en->vcpu, exit ? VCPU_SRC_KVM : VCPU_SRC_SELF,
                   en->loop->core, CPU_QEMU, true, NULL, &en->dev);
    en->in_hardirq = true;
    en->ops->irq(w, en);
}

static void
mit_expired(struct vh_sim *sim, void *obj, void *arg)
{
    struct emu_nic *en = obj;
    /* A QEMU timer: it runs in the main loop, which its expiry wakes. */
    en->mit_open = false;
    en->mit_fire = true;
    hthread_signal(world_of(sim), en->loop, NULL, CPU_IRQ, NULL);
    (void) arg;
}

/* QEMU moves the INTx line with a KVM_IRQ_LINE ioctl: a system call and
 * KVM's interrupt routing ('virq_inject', as docs/calibration.md says to
 * borrow for it), on the thread that changed the device's state. */
static vh_time_t
set_line(struct world *w, struct emu_nic *en, struct cpu_core *by, bool up)
{
    en->line = up;
    cpu_charge(w, by, COST_SYSCALL, 0, CPU_QEMU, NULL, &en->dev);
    return cpu_charge(w, by, COST_VIRQ_INJECT, 0, CPU_QEMU, NULL, &en->dev);
}

vh_time_t
emu_update_irq(struct world *w, struct emu_nic *en, struct cpu_core *by,
               bool self)
{
    bool level = (en->cause & en->mask) != 0;
    if (!level) {
        if (en->line) {
            set_line(w, en, by, false);
        }
        return 0;
    }
    if (en->line) {
        return 0;
    }
    if (en->ops->mit_window) {
        /* QEMU's e1000 holds back a raising edge inside the mitigation
         * window, and opens a new window when it raises. */
        if (en->mit_open) {
            return 0;
        }
        en->mit_open = true;
        vh_timer_arm_at(&w->sim, &en->mit_timer,
                        w->sim.now + en->ops->mit_window);
    }
    en->irq_inflight = true;
    vh_time_t t = set_line(w, en, by, true);
    vh_schedule_at(&w->sim, t, irq_take, en, self ? NULL : (void *) en);
    return t;
}

vh_time_t
emu_set_cause(struct world *w, struct emu_nic *en, uint32_t bits,
              struct cpu_core *by, bool self)
{
    en->cause |= bits;
    return emu_update_irq(w, en, by, self);
}

void
emu_hardirq_end(struct world *w, struct emu_nic *en)
{
    en->in_hardirq = false;
    /* An interrupt that came in meanwhile, or a level-triggered line
     * still asserted at the EOI, is delivered again at once. */
    if (en->irq_pending || (en->line && !en->irq_inflight)) {
        en->irq_pending = false;
        en->irq_inflight = true;
        vh_schedule_at(&w->sim, w->sim.now, irq_take, en, NULL);
    }
}

/* The main loop runs the expired mitigation timer. */
static bool
mit_poll(struct world *w, void *ctx, vh_time_t *done)
{
    struct emu_nic *en = ctx;
    if (!en->mit_fire) {
        return false;
    }
    en->mit_fire = false;
    vh_time_t t = emu_update_irq(w, en, en->loop->core, false);
    if (!t) {
        return false;
    }
    *done = t;
    return true;
}

/* --- Transmit. --- */

static void
emu_start_xmit(struct world *w, struct emu_nic *en, struct vh_packet *p,
               struct cpu_core *c)
{
    en->tx_used++;
    en->ops->xmit(w, en, p, c);
}

/* The guest's stack hands a frame to the driver, on the sending vCPU. */
static void
guest_xmit(struct world *w, struct port *port, struct vh_packet *p)
{
    struct emu_nic *en = port->owner;
    if (!en->link_up) {
        acct_drop(w, p, &en->dev, "link-down");
        return;
    }
    struct cpu_core *c = cpu_exec_core(p, en->vcpu);
    p->exec = &c->srv;
    en->dev.tx++;
    VH_TRACE(&w->trace, VH_HOP_TX, .time = w->sim.now, .pkt = p,
             .dev = &en->dev);
    if (en->backlog.count || en->tx_used >= en->ops->tx_slots) {
        /* The driver stopped the queue: the qdisc holds the frame. */
        if (en->backlog.count >= VH_DEF_TXQUEUELEN) {
            acct_drop(w, p, &en->dev, "qdisc-full");
            return;
        }
        vh_pktq_push(&en->backlog, p);
        VH_TRACE(&w->trace, VH_HOP_ENQUEUE, .time = w->sim.now, .pkt = p,
                 .dev = &en->dev, .depth = en->backlog.count,
                 .what = "qdisc, driver queue stopped");
        return;
    }
    emu_start_xmit(w, en, p, c);
}

vh_time_t
emu_tx_reclaim(struct world *w, struct emu_nic *en)
{
    uint32_t n = en->tx_done;
    vh_time_t t = w->sim.now;
    if (n) {
        t = cpu_charge_n(w, en->vcpu, COST_DRIVER_TX_CLEAN, n, CPU_GUEST,
                         NULL, &en->dev);
        en->tx_used -= n;
        en->tx_done = 0;
    }
    /* netif_wake_queue(): the qdisc runs again on this vCPU. */
    while (en->backlog.count && en->tx_used < en->ops->tx_slots) {
        struct vh_packet *p = vh_pktq_pop(&en->backlog);
        p->exec = &en->vcpu->srv;
        emu_start_xmit(w, en, p, en->vcpu);
    }
    return t;
}

/* --- Receive. --- */

static void
rx_written(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct emu_nic *en = obj;
    struct vh_packet *p = arg;
    vh_pktq_push(&en->rx_done, p);
    VH_TRACE(&w->trace, VH_HOP_ENQUEUE, .time = sim->now, .pkt = p,
             .dev = &en->dev, .depth = en->rx_done.count);
    emu_set_cause(w, en, EMU_RX, en->loop->core, false);
}

/* QEMU's main loop: the tap is readable.  One frame per turn: read() it
 * into QEMU's buffer, then the device model writes it into the guest. */
static bool
rx_poll(struct world *w, void *ctx, vh_time_t *done)
{
    struct emu_nic *en = ctx;
    if (!en->tapq.count || en->rx_stalled) {
        return false;
    }
    enum emu_rx_fit fit = en->ops->rx_fit(en, en->tapq.head);
    if (fit == EMU_RX_STALL) {
        /* The device cannot receive: QEMU stops reading the tap until
         * the guest gives room back. */
        en->rx_stalled = true;
        return false;
    }
    struct vh_packet *p = vh_pktq_pop(&en->tapq);
    struct cpu_core *c = en->loop->core;
    p->exec = &c->srv;
    cpu_charge(w, c, COST_TAP_READ, 0, CPU_QEMU, p, &en->dev);
    vh_time_t t = emu_copy(w, en, c, CPU_QEMU, p);
    if (fit == EMU_RX_DROP) {
        acct_drop(w, p, &en->dev, "rx-ring-overflow");
    } else {
        t = en->ops->rx_write(w, en, p, c);
        vh_schedule_at(&w->sim, t, rx_written, en, p);
    }
    *done = t;
    return true;
}

void
emu_rx_give(struct world *w, struct emu_nic *en, uint32_t n)
{
    en->rx_room += n;
    if (en->rx_stalled) {
        /* qemu_flush_queued_packets(): the tap is read again, and the
         * main loop is woken to do it. */
        en->rx_stalled = false;
        if (en->tapq.count) {
            hthread_signal(w, en->loop, en->vcpu, CPU_QEMU, NULL);
        }
    }
}

void
emu_rx_deliver(struct world *w, struct emu_nic *en, struct vh_packet *p)
{
    en->dev.rx++;
    VH_TRACE(&w->trace, VH_HOP_RX, .time = w->sim.now, .pkt = p,
             .dev = &en->dev);
    p->exec = &en->vcpu->srv;
    port_deliver(w, &en->guest, p);
}

static void
tap_queued(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct emu_nic *en = obj;
    struct vh_packet *p = arg;

    if (vh_pktq_full(&en->tapq)) {
        acct_drop(w, p, &en->dev, "tap-queue-full");
        return;
    }
    struct cpu_core *waker = cpu_exec_core(p, NULL);
    vh_pktq_push(&en->tapq, p);
    VH_TRACE(&w->trace, VH_HOP_ENQUEUE, .time = sim->now, .pkt = p,
             .dev = &en->dev, .depth = en->tapq.count);
    if (!en->rx_stalled) {
        hthread_signal(w, en->loop, waker, CPU_SOFTIRQ, p);
    }
}

/* The host stack (a bridge) sends a frame to the VM, on its core. */
static void
tap_xmit(struct world *w, struct port *port, struct vh_packet *p)
{
    struct emu_nic *en = port->owner;
    if (!en->link_up) {
        acct_drop(w, p, &en->dev, "link-down");
        return;
    }
    struct cpu_core *core = cpu_exec_core(p, en->loop->core);
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = &en->dev);
    vh_time_t t = cpu_charge(w, core, COST_TUN_XMIT, 0, CPU_SOFTIRQ, p,
                             &en->dev);
    vh_schedule_at(&w->sim, t, tap_queued, en, p);
}

/* --- Life cycle. --- */

bool
emu_nic_build(struct world *w, struct host *h, struct vm *vm,
              struct vm_nic *n, const struct emu_ops *ops)
{
    const struct cfg_vnic *cfg = n->cfg;
    struct emu_nic *en = vh_xcalloc(1, sizeof *en);
    en->ops = ops;
    dev_register(w, &en->dev, ops->cls, &vm->dev, cfg->name);
    en->dev.report = 1;
    en->host = h;
    en->vm = vm;
    en->cfg = cfg;
    en->vcpu = vm->vcpus[0];
    en->loop = qemu_main_loop(w, vm);
    port_init(&en->guest, guest_xmit, en, &en->dev, 0);
    port_init(&en->tap, tap_xmit, en, &en->dev, 1);
    en->link_up = true;
    vh_pktq_init(&en->backlog, 0);
    vh_pktq_init(&en->tapq, VH_DEF_TXQUEUELEN);
    vh_pktq_init(&en->rx_done, 0);
    en->rx_room = en->ops->rx_room;
    /* The driver's open() enabled both causes. */
    en->mask = EMU_TX | EMU_RX;
    vh_timer_init(&en->mit_timer, mit_expired, en);
    hthread_add_src(en->loop, rx_poll, en);
    if (en->ops->mit_window) {
        hthread_add_src(en->loop, mit_poll, en);
    }
    n->dev = &en->dev;
    n->guest = &en->guest;
    n->host = &en->tap;
    return true;
}

void
emu_nic_set_link(struct world *w, struct vh_device *d, bool up)
{
    VH_CONTAINER_OF(d, struct emu_nic, dev)->link_up = up;
    (void) w;
}

void
emu_nic_destroy(struct vh_device *d)
{
    struct emu_nic *en = VH_CONTAINER_OF(d, struct emu_nic, dev);
    vh_pktq_purge(&en->backlog);
    vh_pktq_purge(&en->tapq);
    vh_pktq_purge(&en->rx_done);
    free(en);
}

