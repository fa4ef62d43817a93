/* models/guest/e1000.c: the Intel 82540EM (e1000) as QEMU emulates it
 * (hw/net/e1000.c), driven by Linux's e1000 driver
 * (drivers/net/ethernet/intel/e1000/e1000_main.c).
 *
 * Per transmitted frame the driver writes the TX tail (TDT): one trap, in
 * which QEMU reads the descriptor and the frame, writes the frame to the
 * tap and writes the descriptor's status back.  Per interrupt the driver
 * reads ICR, masks with IMC and flushes (a STATUS read), and after NAPI
 * writes the RX tail (RDT) once per 16 refilled buffers and at the end,
 * then unmasks with IMS and flushes again.  QEMU's mitigation emulation
 * holds back interrupts (see E1000_MIT_WINDOW). */
#include <stdint.h>

#include "models/guest/emu_nic.h"
#include "models/core/devclass.h"
#include "models/hw/hthread.h"
#include "models/core/world.h"

/* Default ring sizes (E1000_DEFAULT_TXD, E1000_DEFAULT_RXD).  The driver
 * keeps one RX descriptor unused so head never meets tail
 * (E1000_DESC_UNUSED). */
#define E1000_TXD 256
#define E1000_RXD 256

/* e1000_clean_rx_irq() gives buffers back in groups of
 * E1000_RX_BUFFER_WRITE, each group an RDT write. */
#define E1000_RX_BUFFER_WRITE 16

/* Interrupt mitigation.  The driver's default InterruptThrottleRate
 * (dynamic conservative) starts at 20000 interrupts per second, written to
 * ITR in 256 ns units: 1e9 / (20000 * 256) = 195.  QEMU's emulation of
 * ITR raises an interrupt at once, then holds back the next for
 * max(ITR, 500) units: its floor of 500 is the 82540's guaranteed maximum
 * of 7813 interrupts per second.  So the window is 500 * 256 ns here. */
#define E1000_ITR_UNITS (1000000000 / (20000 * 256))
#define E1000_MIT_MIN_UNITS 500
#define E1000_MIT_UNITS (E1000_ITR_UNITS > E1000_MIT_MIN_UNITS          \
                         ? E1000_ITR_UNITS : E1000_MIT_MIN_UNITS)
#define E1000_MIT_WINDOW ((vh_time_t) E1000_MIT_UNITS * 256 * VH_NS)

static void e1000_poll(struct vh_sim *, void *obj, void *arg);
static void e1000_rx_step(struct vh_sim *, void *obj, void *arg);

/* --- Transmit. --- */

static void
e1000_tx_done(struct vh_sim *sim, void *obj, void *arg)
{
    struct emu_nic *en = obj;
    /* start_xmit() ends with set_ics(E1000_ICR_TXDW), still in the
     * vCPU's exit. */
    en->tx_done++;
    emu_set_cause(world_of(sim), en, EMU_TX, arg, true);
}

static void
e1000_xmit(struct world *w, struct emu_nic *en, struct vh_packet *p,
           struct cpu_core *c)
{
    /* e1000_xmit_frame(): e1000_tx_map() and e1000_tx_queue() fill the
     * descriptor; with no more frames coming (!netdev_xmit_more()) it
     * writes the new tail to TDT: trapped. */
    cpu_charge(w, c, COST_DRIVER_TX, 0, CPU_GUEST, p, &en->dev);
    emu_trap(w, en, c, p);
    /* QEMU, in that exit: set_tdt() -> start_xmit() -> process_tx_desc()
     * reads the descriptor, pci_dma_read()s the frame into its buffer and
     * sends it (e1000_send_packet() -> qemu_send_packet() -> the tap). */
    cpu_charge(w, c, COST_QEMU_DESC, 0, CPU_QEMU, p, &en->dev);
    emu_copy(w, en, c, CPU_QEMU, p);
    emu_tap_write(w, en, c, p);
    /* The driver set RS on the descriptor: its DD status is written
     * back. */
    vh_time_t t = cpu_charge(w, c, COST_QEMU_DESC, 0, CPU_QEMU, NULL,
                             &en->dev);
    vh_schedule_at(&w->sim, t, e1000_tx_done, en, c);
}

/* --- Receive, in QEMU's main loop. --- */

static enum emu_rx_fit
e1000_rx_fit(struct emu_nic *en, const struct vh_packet *p)
{
    (void) p;
    /* e1000_can_receive(): a descriptor between RDH and RDT. */
    if (!en->rx_room) {
        return EMU_RX_STALL;
    }
    en->rx_room--;
    return EMU_RX_OK;
}

static vh_time_t
e1000_rx_write(struct world *w, struct emu_nic *en, struct vh_packet *p,
               struct cpu_core *c)
{
    /* e1000_receive_iov(): read the RX descriptor, pci_dma_write() the
     * frame into its buffer, write the descriptor back (DD, EOP, length);
     * then set_ics(E1000_ICS_RXT0). */
    cpu_charge(w, c, COST_QEMU_DESC, 0, CPU_QEMU, p, &en->dev);
    emu_copy(w, en, c, CPU_QEMU, p);
    return cpu_charge(w, c, COST_QEMU_DESC, 0, CPU_QEMU, p, &en->dev);
}

/* --- The guest's interrupt handler and NAPI poll. --- */

static void
e1000_irq_done(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct emu_nic *en = obj;
    emu_hardirq_end(w, en);
    /* __napi_schedule(): the poll runs in the softirq that follows. */
    e1000_poll(sim, en, NULL);
    (void) arg;
}

static void
e1000_icr_read(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct emu_nic *en = obj;
    uint32_t icr = en->cause;

    /* Reading ICR clears it, and QEMU lowers the line. */
    en->cause = 0;
    emu_update_irq(w, en, en->vcpu, true);
    if (!icr) {
        emu_hardirq_end(w, en);     /* IRQ_NONE: not ours. */
        return;
    }
    /* "disable interrupts, without the synchronize_irq bit":
     * ew32(IMC, ~0) then E1000_WRITE_FLUSH(), a read of STATUS. */
    en->mask = 0;
    emu_trap(w, en, en->vcpu, NULL);
    vh_time_t t = emu_trap(w, en, en->vcpu, NULL);
    vh_schedule_at(sim, t, e1000_irq_done, en, NULL);
    (void) arg;
}

/* e1000_intr(): u32 icr = er32(ICR). */
static void
e1000_irq(struct world *w, struct emu_nic *en)
{
    vh_time_t t = emu_trap(w, en, en->vcpu, NULL);
    vh_schedule_at(&w->sim, t, e1000_icr_read, en, NULL);
}

static void
e1000_ims_written(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct emu_nic *en = obj;
    /* QEMU's set_ims() re-evaluates the causes that came in meanwhile;
     * then the driver's E1000_WRITE_FLUSH(). */
    en->mask = EMU_TX | EMU_RX;
    emu_update_irq(w, en, en->vcpu, true);
    emu_trap(w, en, en->vcpu, NULL);
    (void) arg;
}

static void
e1000_poll_end(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct emu_nic *en = obj;
    if (en->napi_work >= cost_count(&w->costs, COST_NAPI_BUDGET)) {
        /* Budget spent: NAPI polls again, interrupts still off. */
        e1000_poll(sim, en, NULL);
        return;
    }
    /* napi_complete_done(), then e1000_irq_enable():
     * ew32(IMS, IMS_ENABLE_MASK). */
    en->napi_running = false;
    vh_time_t t = emu_trap(w, en, en->vcpu, NULL);
    vh_schedule_at(sim, t, e1000_ims_written, en, NULL);
    (void) arg;
}

/* The RDT write has reached QEMU: the buffers are the device's again
 * (set_rdt() -> qemu_flush_queued_packets()). */
static void
e1000_rdt_written(struct vh_sim *sim, void *obj, void *arg)
{
    struct emu_nic *en = obj;
    emu_rx_give(world_of(sim), en, (uint32_t) (uintptr_t) arg);
    e1000_rx_step(sim, en, NULL);
}

static void
e1000_rdt_written_last(struct vh_sim *sim, void *obj, void *arg)
{
    struct emu_nic *en = obj;
    emu_rx_give(world_of(sim), en, (uint32_t) (uintptr_t) arg);
    e1000_poll_end(sim, en, NULL);
}

/* e1000_alloc_rx_buffers(): refill and writel() the new tail to RDT. */
static void
e1000_write_rdt(struct world *w, struct emu_nic *en, vh_event_fn then)
{
    uint32_t n = en->rx_refill;
    en->rx_refill = 0;
    vh_time_t t = emu_trap(w, en, en->vcpu, NULL);
    vh_schedule_at(&w->sim, t, then, en, (void *) (uintptr_t) n);
}

static void
e1000_rx_deliver(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct emu_nic *en = obj;
    emu_rx_deliver(w, en, arg);
    en->rx_refill++;
    if (en->rx_refill >= E1000_RX_BUFFER_WRITE) {
        e1000_write_rdt(w, en, e1000_rdt_written);
        return;
    }
    e1000_rx_step(sim, en, NULL);
}

/* e1000_clean_rx_irq(): one frame per step, up to the budget. */
static void
e1000_rx_step(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct emu_nic *en = obj;
    if (en->rx_done.count
        && en->napi_work < cost_count(&w->costs, COST_NAPI_BUDGET)) {
        struct vh_packet *p = vh_pktq_pop(&en->rx_done);
        en->napi_work++;
        vh_time_t t = cpu_charge(w, en->vcpu, COST_DRIVER_RX, 0, CPU_GUEST,
                                 p, &en->dev);
        vh_schedule_at(sim, t, e1000_rx_deliver, en, p);
        return;
    }
    if (en->rx_refill) {
        e1000_write_rdt(w, en, e1000_rdt_written_last);
        return;
    }
    e1000_poll_end(sim, en, NULL);
    (void) arg;
}

/* e1000_clean(): TX completions first, then receive. */
static void
e1000_poll(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct emu_nic *en = obj;
    en->napi_running = true;
    en->napi_work = 0;
    cpu_charge(w, en->vcpu, COST_NAPI_POLL, 0, CPU_GUEST, NULL, &en->dev);
    /* e1000_clean_tx_irq(): every descriptor with DD set. */
    emu_tx_reclaim(w, en);
    e1000_rx_step(sim, en, NULL);
    (void) arg;
}

static const struct emu_ops e1000_ops = {
    .cls = &e1000_class,
    .tx_slots = E1000_TXD,
    .rx_room = E1000_RXD - 1,
    .xmit = e1000_xmit,
    .rx_fit = e1000_rx_fit,
    .rx_write = e1000_rx_write,
    .irq = e1000_irq,
    .mit_window = E1000_MIT_WINDOW,
};

/* --- The class. --- */

EMU_NIC_CLASS(e1000, e1000_ops);
