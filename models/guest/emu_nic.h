/* models/guest/emu_nic.h: emulated NICs (e1000, rtl8139): full virtualization.
 *
 * The guest runs the unmodified driver of a real NIC, and every access it
 * makes to the device's registers traps: a VM exit, KVM_RUN returning to
 * QEMU on the vCPU's thread ('exit_to_user'), QEMU's device model
 * emulating the access ('mmio_emulate'), and re-entry.  How many accesses
 * a packet costs is the driver's business, so each model follows its
 * Linux driver: a tail-pointer write per transmitted frame, an interrupt
 * cause read and acknowledgement per interrupt, a receive pointer write
 * per refill, and so on (see models/guest/e1000.c and
 * models/guest/rtl8139.c, which name the driver code each access comes
 * from).
 *
 * Transmit: the register write that hands a frame to the device is
 * handled synchronously in that exit, as QEMU does: the device model
 * reads the frame out of guest memory and writes it to the tap with a
 * system call (tun copies it again), so the frame enters the host stack
 * on the vCPU's core.  The device then sets its "transmitted" cause and
 * raises its interrupt line, which the vCPU takes when it re-enters.
 *
 * Receive: QEMU's main loop (models/guest/qemu.h) is woken by the tap, reads
 * the frame with a system call into its own buffer, and writes it into
 * the guest's receive buffer (a descriptor ring for e1000, a ring buffer
 * for rtl8139).  If the device has no room, QEMU stops reading the tap
 * until the guest gives room back, and the tap's queue fills instead.
 * Raising the line from the main loop makes the vCPU exit to take the
 * interrupt.
 *
 * The guest driver stops its queue when the device's TX ring is full:
 * frames wait in the qdisc (txqueuelen 1000 frames, "qdisc-full" beyond)
 * until the interrupt handler reclaims completed slots. */
#ifndef VH_MODELS_EMU_NIC_H
#define VH_MODELS_EMU_NIC_H 1

#include <stdbool.h>
#include <stdint.h>

#include "models/core/config.h"
#include "models/hw/cpu.h"
#include "models/core/port.h"
#include "sim/device.h"
#include "sim/event.h"
#include "sim/packet.h"

struct host;
struct vm;
struct world;
struct hthread;
struct emu_nic;

/* Interrupt causes, as both devices have them (e1000 ICR.TXDW/RXT0,
 * rtl8139 ISR.TxOK/RxOK). */
#define EMU_TX 1u
#define EMU_RX 2u

/* What QEMU's device model does with a frame from the tap. */
enum emu_rx_fit { EMU_RX_OK, EMU_RX_STALL, EMU_RX_DROP };

/* The device-specific half: the driver and the device model. */
struct emu_ops {
    const struct dev_class *cls;    /* Its device class. */
    uint32_t tx_slots;          /* TX descriptors (slots) of the driver. */
    uint32_t rx_room;           /* RX room at start: descriptors or bytes. */
    /* The driver hands 'p' to the device on core 'c' (a slot is free). */
    void (*xmit)(struct world *, struct emu_nic *, struct vh_packet *p,
                 struct cpu_core *c);
    /* Whether the device can take 'p' now; on EMU_RX_OK it reserves the
     * room. */
    enum emu_rx_fit (*rx_fit)(struct emu_nic *, const struct vh_packet *p);
    /* The device model writes 'p' into guest memory on core 'c' after
     * QEMU read it from the tap; returns when that is done. */
    vh_time_t (*rx_write)(struct world *, struct emu_nic *,
                          struct vh_packet *p, struct cpu_core *c);
    /* The guest's interrupt handler starts (after the entry costs). */
    void (*irq)(struct world *, struct emu_nic *);
    /* Interrupt mitigation: after raising the line the device holds back
     * the next raising edge this long; 0 for none. */
    vh_time_t mit_window;
};

struct emu_nic {
    struct vh_device dev;       /* "host1/vm1/eth0". */
    struct host *host;
    struct vm *vm;
    const struct cfg_vnic *cfg;
    const struct emu_ops *ops;
    struct cpu_core *vcpu;      /* Where the driver, its interrupt and
                                 * NAPI run: the first vCPU. */
    struct hthread *loop;       /* QEMU's main loop. */
    struct port guest;          /* To the guest's endpoint. */
    struct port tap;            /* The tap, into a bridge. */
    bool link_up;

    /* Transmit. */
    uint32_t tx_used;           /* Slots posted, not reclaimed. */
    uint32_t tx_done;           /* Of those, completed by the device. */
    struct vh_pktq backlog;     /* The qdisc while the queue is stopped. */

    /* Receive. */
    struct vh_pktq tapq;        /* The tap's queue (txqueuelen). */
    uint32_t rx_room;           /* Room the device may write into. */
    uint32_t rx_refill;         /* Consumed by the guest, not yet given
                                 * back to the device. */
    struct vh_pktq rx_done;     /* Written by QEMU, not yet processed. */
    bool rx_stalled;            /* QEMU stopped reading the tap. */

    /* The device's interrupt state. */
    uint32_t cause;             /* EMU_TX | EMU_RX pending. */
    uint32_t mask;              /* Causes enabled. */
    bool line;                  /* Interrupt line level. */
    bool mit_open;              /* e1000: mitigation window running. */
    bool mit_fire;              /* e1000: window ended; the main loop
                                 * re-evaluates the line. */
    struct vh_timer mit_timer;

    /* The guest driver. */
    bool in_hardirq;            /* Interrupt handler running. */
    bool irq_pending;           /* Interrupt arrived meanwhile. */
    bool irq_inflight;          /* Injected, not yet taken. */
    uint32_t status;            /* Causes the handler read. */
    bool napi_scheduled;
    bool napi_running;
    uint32_t napi_work;         /* Frames handled in this poll. */
    uint64_t traps;             /* Register accesses that trapped. */
};

/* Builds the emulated device 'ops' as the guest half of VM NIC 'n' of
 * 'vm' (a class's build_vnic: models/core/devclass.h). */
struct vm_nic;
bool emu_nic_build(struct world *, struct host *, struct vm *,
                   struct vm_nic *n, const struct emu_ops *ops);

/* The class hooks every emulated device shares: its link as the guest
 * sees it, and freeing it. */
void emu_nic_set_link(struct world *, struct vh_device *, bool up);
void emu_nic_destroy(struct vh_device *);

extern const struct dev_class e1000_class;
extern const struct dev_class rtl8139_class;

/* Defines NAME_class, the device class of the emulated NIC model NAME
 * (the scenario's "model" value) whose device model is OPS. */
#define EMU_NIC_CLASS(NAME, OPS)                                          \
    static bool                                                           \
    NAME##_build_vnic(struct world *w, struct host *h, struct vm *vm,     \
                      struct vm_nic *n, struct vh_diag *diag)             \
    {                                                                     \
        (void) diag;                                                      \
        return emu_nic_build(w, h, vm, n, &(OPS));                        \
    }                                                                     \
    static const char *const NAME##_models[] = { #NAME, NULL };           \
    const struct dev_class NAME##_class = {                               \
        .kind = #NAME,                                                    \
        .role = VH_ROLE_DEVICE,                                           \
        .family = DEV_FAM_VNIC,                                           \
        .accepts = NAME##_models,                                         \
        .build_vnic = NAME##_build_vnic,                                  \
        .set_link = emu_nic_set_link,                                     \
        .destroy = emu_nic_destroy,                                       \
    }

/* --- Shared by the device models. --- */

/* One trapped register access by the guest on 'c': returns when the
 * guest runs again. */
vh_time_t emu_trap(struct world *, struct emu_nic *, struct cpu_core *c,
                   const struct vh_packet *p);

/* A software copy of 'p' on 'c', counted in copies_bytes. */
vh_time_t emu_copy(struct world *, struct emu_nic *, struct cpu_core *c,
                   enum cpu_cat cat, struct vh_packet *p);

/* QEMU writes 'p' to the tap on 'c' (write(): tun's copy out of QEMU's
 * buffer, the skb, netif_rx); the frame enters the host stack when that
 * is done.  Returns that time. */
vh_time_t emu_tap_write(struct world *, struct emu_nic *, struct cpu_core *c,
                        struct vh_packet *p);

/* Sets causes and re-evaluates the line from QEMU code running on 'by';
 * 'self' when that is the vCPU's own thread in an exit (the interrupt is
 * then taken on re-entry, without another exit).  A raising edge costs
 * the injection on 'by'; returns when that ends, or 0 if nothing was
 * raised. */
vh_time_t emu_set_cause(struct world *, struct emu_nic *, uint32_t bits,
                        struct cpu_core *by, bool self);
vh_time_t emu_update_irq(struct world *, struct emu_nic *,
                         struct cpu_core *by, bool self);

/* The driver reclaimed every completed slot, on the vCPU; a stopped
 * queue restarts.  Returns the cycles' end. */
vh_time_t emu_tx_reclaim(struct world *, struct emu_nic *);

/* The guest gave 'n' of room back to the device (RDT or CAPR write):
 * QEMU flushes what waits in the tap. */
void emu_rx_give(struct world *, struct emu_nic *, uint32_t n);

/* The driver hands a received frame to the guest's stack. */
void emu_rx_deliver(struct world *, struct emu_nic *, struct vh_packet *p);

/* The guest's interrupt handler returns. */
void emu_hardirq_end(struct world *, struct emu_nic *);

#endif /* models/guest/emu_nic.h */
