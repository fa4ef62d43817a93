/* models/guest/rtl8139.c: the Realtek RTL8139 as QEMU emulates it
 * (hw/net/rtl8139.c), driven by Linux's 8139too driver
 * (drivers/net/ethernet/realtek/8139too.c).
 *
 * The chip has no descriptor rings.  To transmit, the driver copies the
 * frame into one of four bounce buffers and writes that slot's TxStatus
 * register (TSD) with a flushed write (RTL_W32_F: the write, then a read
 * back): two traps per frame.  The buffers' addresses (TSAD) were written
 * once when the ring was set up, not per frame.  To receive, the chip
 * writes frames one after the other into a 32 KiB ring buffer, which the
 * driver copies each frame out of and releases by writing CAPR.  There is
 * no interrupt mitigation: every completion raises the line if it is low.
 * The interrupt handler reads and acknowledges ISR, masks receive
 * interrupts for NAPI, and reads each finished slot's TxStatus; the NAPI
 * poll, per frame, reads ChipCmd, writes CAPR and reads (and, when set,
 * acknowledges) ISR: several traps per frame on both paths. */
#include <stdint.h>

#include "models/guest/emu_nic.h"
#include "models/core/devclass.h"
#include "models/core/world.h"

/* NUM_TX_DESC: four transmit slots. */
#define RTL_TX_SLOTS 4

/* RX_BUF_LEN with RX_BUF_IDX 2: the 32 KiB receive ring. */
#define RTL_RX_BUF (8192 << 2)

/* QEMU's rtl8139_can_receive(): while the driver masks RxOverflow (during
 * NAPI) it takes a frame only with room for a full one. */
#define RTL_RX_FULL_FRAME 1514

static void rtl_poll(struct vh_sim *, void *obj, void *arg);
static void rtl_rx_loop(struct world *, struct emu_nic *);

/* Ring space a received frame takes: a 4-byte header, the frame and its
 * CRC, rounded up to 4 (8139too: cur_rx + rx_size + 4 + 3 & ~3). */
static uint32_t
rtl_rx_size(const struct vh_packet *p)
{
    return (4 + p->len + 4 + 3) & ~3u;
}

/* --- Transmit. --- */

static void
rtl_tx_done(struct vh_sim *sim, void *obj, void *arg)
{
    struct emu_nic *en = obj;
    /* TxStatus gets TxStatOK, IntrStatus TxOK, rtl8139_update_irq(). */
    en->tx_done++;
    emu_set_cause(world_of(sim), en, EMU_TX, arg, true);
}

static void
rtl_xmit(struct world *w, struct emu_nic *en, struct vh_packet *p,
         struct cpu_core *c)
{
    /* rtl8139_start_xmit(): skb_copy_and_csum_dev() into the slot's
     * bounce buffer, then RTL_W32_F(TxStatus0 + entry * 4, len). */
    emu_copy(w, en, c, CPU_GUEST, p);
    cpu_charge(w, c, COST_DRIVER_TX, 0, CPU_GUEST, p, &en->dev);
    emu_trap(w, en, c, p);
    /* QEMU, in that exit: rtl8139_TxStatus_write() -> rtl8139_transmit()
     * -> rtl8139_transmit_one() pci_dma_read()s the bounce buffer and
     * sends it to the tap. */
    emu_copy(w, en, c, CPU_QEMU, p);
    vh_time_t t = emu_tap_write(w, en, c, p);
    vh_schedule_at(&w->sim, t, rtl_tx_done, en, c);
    /* The read-back half of RTL_W32_F.  The write was made under
     * spin_lock_irqsave(), so the interrupt is taken after it. */
    emu_trap(w, en, c, NULL);
}

/* --- Receive, in QEMU's main loop. --- */

static enum emu_rx_fit
rtl_rx_fit(struct emu_nic *en, const struct vh_packet *p)
{
    uint32_t need = rtl_rx_size(p);
    if (!(en->mask & EMU_RX) && en->rx_room < RTL_RX_FULL_FRAME) {
        return EMU_RX_STALL;
    }
    if (en->rx_room < need) {
        /* rtl8139_do_receive(): RxOverflow, the frame is lost (RxMissed). */
        return EMU_RX_DROP;
    }
    en->rx_room -= need;
    return EMU_RX_OK;
}

static vh_time_t
rtl_rx_write(struct world *w, struct emu_nic *en, struct vh_packet *p,
             struct cpu_core *c)
{
    /* rtl8139_do_receive(): rtl8139_write_buffer() puts the header, the
     * frame and its CRC into the ring; then IntrStatus |= RxOK. */
    return emu_copy(w, en, c, CPU_QEMU, p);
}

/* --- The guest's interrupt handler: rtl8139_interrupt(). --- */

static void
rtl_irq_end(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct emu_nic *en = obj;
    emu_hardirq_end(w, en);
    if (en->napi_scheduled && !en->napi_running) {
        rtl_poll(sim, en, NULL);
    }
    (void) arg;
}

/* rtl8139_tx_interrupt(): RTL_R32(TxStatus0 + entry * 4) for each slot
 * in use, until one that is not sent yet; each sent one is reclaimed. */
static void
rtl_tx_interrupt(struct world *w, struct emu_nic *en)
{
    vh_time_t t = w->sim.now;
    uint32_t reads = en->tx_done + (en->tx_used > en->tx_done ? 1 : 0);
    for (uint32_t i = 0; i < reads; i++) {
        t = emu_trap(w, en, en->vcpu, NULL);
    }
    vh_time_t r = emu_tx_reclaim(w, en);
    t = r > t ? r : t;
    vh_schedule_at(&w->sim, t, rtl_irq_end, en, NULL);
}

static void
rtl_rx_masked(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct emu_nic *en = obj;
    en->mask &= ~EMU_RX;
    emu_update_irq(w, en, en->vcpu, true);
    emu_trap(w, en, en->vcpu, NULL);        /* RTL_W16_F's read back. */
    if (en->status & EMU_TX) {
        rtl_tx_interrupt(w, en);
    } else {
        vh_schedule_at(sim, sim->now, rtl_irq_end, en, NULL);
    }
    (void) arg;
}

/* After the acknowledgement: receive goes to NAPI, then TX completions. */
static void
rtl_after_ack(struct world *w, struct emu_nic *en)
{
    if ((en->status & EMU_RX) && !en->napi_scheduled) {
        /* napi_schedule_prep(), then RTL_W16_F(IntrMask,
         * rtl8139_norx_intr_mask): receive interrupts off. */
        en->napi_scheduled = true;
        vh_time_t t = emu_trap(w, en, en->vcpu, NULL);
        vh_schedule_at(&w->sim, t, rtl_rx_masked, en, NULL);
        return;
    }
    if (en->status & EMU_TX) {
        rtl_tx_interrupt(w, en);
        return;
    }
    vh_schedule_at(&w->sim, w->sim.now, rtl_irq_end, en, NULL);
}

static void
rtl_tx_acked(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct emu_nic *en = obj;
    en->cause &= ~EMU_TX;
    emu_update_irq(w, en, en->vcpu, true);
    rtl_after_ack(w, en);
    (void) arg;
}

static void
rtl_isr_read(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct emu_nic *en = obj;
    en->status = en->cause;
    if (!en->status) {
        emu_hardirq_end(w, en);     /* Shared line, not ours. */
        return;
    }
    if (en->status & EMU_TX) {
        /* ackstat = status & ~(RxAckBits | TxErr): RTL_W16(IntrStatus,
         * ackstat) acknowledges TxOK. */
        vh_time_t t = emu_trap(w, en, en->vcpu, NULL);
        vh_schedule_at(sim, t, rtl_tx_acked, en, NULL);
        return;
    }
    rtl_after_ack(w, en);
    (void) arg;
}

/* status = RTL_R16(IntrStatus). */
static void
rtl_irq(struct world *w, struct emu_nic *en)
{
    vh_time_t t = emu_trap(w, en, en->vcpu, NULL);
    vh_schedule_at(&w->sim, t, rtl_isr_read, en, NULL);
}

/* --- NAPI: rtl8139_poll() and rtl8139_rx(). --- */

static void
rtl_unmasked(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct emu_nic *en = obj;
    en->mask |= EMU_RX;
    emu_update_irq(w, en, en->vcpu, true);
    emu_trap(w, en, en->vcpu, NULL);        /* RTL_W16_F's read back. */
    (void) arg;
}

static void
rtl_poll_end(struct world *w, struct emu_nic *en)
{
    if (en->napi_work >= cost_count(&w->costs, COST_NAPI_BUDGET)) {
        vh_schedule_at(&w->sim, w->sim.now, rtl_poll, en, NULL);
        return;
    }
    /* napi_complete_done(), then RTL_W16_F(IntrMask, rtl8139_intr_mask). */
    en->napi_running = false;
    en->napi_scheduled = false;
    vh_time_t t = emu_trap(w, en, en->vcpu, NULL);
    vh_schedule_at(&w->sim, t, rtl_unmasked, en, NULL);
}

static void
rtl_rx_acked(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct emu_nic *en = obj;
    en->cause &= ~EMU_RX;
    emu_update_irq(w, en, en->vcpu, true);
    emu_trap(w, en, en->vcpu, NULL);        /* RTL_W16_F's read back. */
    rtl_rx_loop(w, en);
    (void) arg;
}

/* rtl8139_isr_ack(): status = RTL_R16(IntrStatus) & RxAckBits; if set,
 * RTL_W16_F(IntrStatus, RxAckBits). */
static void
rtl_isr_ack_read(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct emu_nic *en = obj;
    if (en->cause & EMU_RX) {
        vh_time_t t = emu_trap(w, en, en->vcpu, NULL);
        vh_schedule_at(sim, t, rtl_rx_acked, en, NULL);
        return;
    }
    rtl_rx_loop(w, en);
    (void) arg;
}

static void
rtl_capr_written(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct emu_nic *en = obj;
    /* QEMU's rtl8139_RxBufPtr_write(): more room, so it flushes what
     * waits in the tap. */
    emu_rx_give(w, en, (uint32_t) (uintptr_t) arg);
    vh_time_t t = emu_trap(w, en, en->vcpu, NULL);
    vh_schedule_at(sim, t, rtl_isr_ack_read, en, NULL);
}

static void
rtl_rx_frame(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct emu_nic *en = obj;
    struct vh_packet *p = arg;
    uint32_t size = rtl_rx_size(p);
    emu_rx_deliver(w, en, p);
    /* RTL_W16(RxBufPtr, cur_rx - 16): CAPR releases the ring space. */
    vh_time_t t = emu_trap(w, en, en->vcpu, NULL);
    vh_schedule_at(sim, t, rtl_capr_written, en, (void *) (uintptr_t) size);
}

static void
rtl_chipcmd_read(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct emu_nic *en = obj;
    if (!en->rx_done.count) {
        rtl_poll_end(w, en);        /* RxBufEmpty. */
        return;
    }
    struct vh_packet *p = vh_pktq_pop(&en->rx_done);
    en->napi_work++;
    /* skb_copy_to_linear_data() out of the ring, netif_receive_skb(). */
    emu_copy(w, en, en->vcpu, CPU_GUEST, p);
    vh_time_t t = cpu_charge(w, en->vcpu, COST_DRIVER_RX, 0, CPU_GUEST, p,
                             &en->dev);
    vh_schedule_at(sim, t, rtl_rx_frame, en, p);
    (void) arg;
}

/* The loop's condition: received < budget, then
 * (RTL_R8(ChipCmd) & RxBufEmpty) == 0. */
static void
rtl_rx_loop(struct world *w, struct emu_nic *en)
{
    if (en->napi_work >= cost_count(&w->costs, COST_NAPI_BUDGET)) {
        rtl_poll_end(w, en);
        return;
    }
    vh_time_t t = emu_trap(w, en, en->vcpu, NULL);
    vh_schedule_at(&w->sim, t, rtl_chipcmd_read, en, NULL);
}

static void
rtl_poll_isr(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct emu_nic *en = obj;
    if (en->cause & EMU_RX) {
        rtl_rx_loop(w, en);
    } else {
        rtl_poll_end(w, en);
    }
    (void) arg;
}

/* rtl8139_poll(): if (RTL_R16(IntrStatus) & RxAckBits) rtl8139_rx(). */
static void
rtl_poll(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct emu_nic *en = obj;
    en->napi_running = true;
    en->napi_work = 0;
    cpu_charge(w, en->vcpu, COST_NAPI_POLL, 0, CPU_GUEST, NULL, &en->dev);
    vh_time_t t = emu_trap(w, en, en->vcpu, NULL);
    vh_schedule_at(sim, t, rtl_poll_isr, en, NULL);
    (void) arg;
}

static const struct emu_ops rtl8139_ops = {
    .cls = &rtl8139_class,
    .tx_slots = RTL_TX_SLOTS,
    .rx_room = RTL_RX_BUF,
    .xmit = rtl_xmit,
    .rx_fit = rtl_rx_fit,
    .rx_write = rtl_rx_write,
    .irq = rtl_irq,
    .mit_window = 0,
};

/* --- The class. --- */

EMU_NIC_CLASS(rtl8139, rtl8139_ops);
