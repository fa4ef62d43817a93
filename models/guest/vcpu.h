/* models/guest/vcpu.h: interrupting a vCPU, running or halted.
 *
 * A vCPU with nothing to do executes HLT, which exits to KVM.  KVM first
 * polls for an interrupt for up to halt_poll_ns (the host's
 * "halt_poll_ns"; KVM grows and shrinks its window per vCPU up to that
 * limit, vhsim keeps it at the limit), then schedules the vCPU's thread
 * out and the core goes idle (and, past the residencies, into a C-state:
 * models/hw/cpu.h).  An interrupt for it then costs, besides what a
 * running vCPU pays:
 *
 *   polling    the HLT exit's return into the guest ('hlt_exit'): the
 *              poll loop saw the interrupt pending;
 *   sleeping   the wakeup first: a rescheduling IPI from the core that
 *              injects ('ipi' on it, 'hw_irq' on the vCPU's core), or the
 *              device's own interrupt on that core, then the scheduler's
 *              switch to the vCPU thread ('thread_wakeup'), and the C-state
 *              exit cpu_run charges for a core that slept; then 'hlt_exit'.
 *
 * A running vCPU takes the interrupt as APICv lets it.  Simplification:
 * a vCPU is taken as running whenever its core has work, even a host
 * thread's on a core it shares; idle otherwise.
 * With "apicv" (the default) KVM posts it: no exit.  Without, the vCPU is
 * kicked out to have it injected ('vmexit'), and since it is busy it
 * cannot take it at once: KVM asks for an interrupt window, a second exit
 * when the guest can.  An assigned device without VT-d posted interrupts
 * interrupts the host on the vCPU's core, a VM exit either way.
 *
 * After the handler, the guest's EOI: exitless with APICv, except for a
 * level-triggered interrupt (INTx, the emulated NICs'), whose EOI KVM must
 * see to lower the IOAPIC line; without APICv, every EOI exits
 * ('vmexit' + 'apic_eoi'). */
#ifndef VH_MODELS_VCPU_H
#define VH_MODELS_VCPU_H 1

#include <stdbool.h>

#include "models/hw/cpu.h"
#include "sim/device.h"
#include "sim/packet.h"
#include "sim/time.h"

struct host;
struct world;

/* How the interrupt reaches the vCPU. */
enum vcpu_src {
    VCPU_SRC_KVM,       /* Injected by KVM for a thread on 'waker' (an
                         * irqfd, QEMU's KVM_IRQ_LINE). */
    VCPU_SRC_SELF,      /* By the vCPU itself, on re-entry from its own
                         * exit (an emulated register write). */
    VCPU_SRC_DEVICE,    /* An assigned device's MSI, remapped to a host
                         * interrupt on the vCPU's core. */
    VCPU_SRC_POSTED,    /* An assigned device's MSI posted by VT-d. */
};

/* Makes 'core' a core vCPUs of 'h' run on: it halt-polls when idle. */
void vcpu_core_init(struct cpu_core *core, const struct host *h);

/* Delivers an interrupt from 'src' to the vCPU on 'vcpu' ('waker' and
 * 'waker_cat' for VCPU_SRC_KVM; 'level' for a level-triggered line), and
 * runs the guest's interrupt entry ('guest_irq') and its EOI.  Counts the
 * exits, host interrupts and the guest interrupt in 'h'.  Returns when the
 * guest's handler is done. */
vh_time_t vcpu_interrupt(struct world *, struct host *h,
                         struct cpu_core *vcpu, enum vcpu_src src,
                         struct cpu_core *waker, enum cpu_cat waker_cat,
                         bool level, const struct vh_packet *p,
                         const struct vh_device *dev);

#endif /* models/guest/vcpu.h */
