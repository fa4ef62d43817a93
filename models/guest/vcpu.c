/* models/guest/vcpu.c: interrupting a vCPU, running or halted. */
#include "models/guest/vcpu.h"

#include "models/core/host.h"
#include "models/core/world.h"

void
vcpu_core_init(struct cpu_core *core, const struct host *h)
{
    core->idle_poll = (vh_time_t) h->cfg->halt_poll_ns * VH_NS;
}

/* A VM exit handled in KVM: the round trip, counted. */
static vh_time_t
vm_exit(struct world *w, struct host *h, struct cpu_core *vcpu,
        enum cost_id id, const char *what, const struct vh_packet *p,
        const struct vh_device *dev)
{
    h->vm_exits++;
    return cpu_run(w, vcpu, cpu_cycles(vcpu, id, 0), CPU_VMEXIT, p, dev,
                   what);
}

/* The halted vCPU's thread is asleep: wake it on its core. */
static void
wake_thread(struct world *w, struct host *h, struct cpu_core *vcpu,
            enum vcpu_src src, struct cpu_core *waker,
            enum cpu_cat waker_cat, const struct vh_packet *p,
            const struct vh_device *dev)
{
    if (src == VCPU_SRC_KVM && waker && waker != vcpu) {
        cpu_charge(w, waker, COST_IPI, 0, waker_cat, p, dev);
    }
    if (src != VCPU_SRC_DEVICE && !(src == VCPU_SRC_KVM && waker == vcpu)) {
        /* The rescheduling IPI, or VT-d's wakeup vector.  A remapped
         * device interrupt is taken below. */
        h->interrupts++;
        cpu_charge(w, vcpu, COST_HW_IRQ, 0, CPU_IRQ, p, dev);
    }
}

vh_time_t
vcpu_interrupt(struct world *w, struct host *h, struct cpu_core *vcpu,
               enum vcpu_src src, struct cpu_core *waker,
               enum cpu_cat waker_cat, bool level,
               const struct vh_packet *p, const struct vh_device *dev)
{
    vh_time_t now = w->sim.now;
    bool apicv = h->cfg->apicv;
    bool running = src == VCPU_SRC_SELF || vcpu->srv.free_at >= now;
    bool asleep = !running && now - vcpu->srv.free_at > vcpu->idle_poll;

    if (asleep) {
        wake_thread(w, h, vcpu, src, waker, waker_cat, p, dev);
    }
    if (src == VCPU_SRC_DEVICE) {
        /* VFIO's handler on the vCPU's core signals the irqfd; KVM
         * injects it.  A running vCPU was kicked out by it. */
        h->interrupts++;
        if (running) {
            vm_exit(w, h, vcpu, COST_VMEXIT, "vmexit", p, dev);
        }
        cpu_charge(w, vcpu, COST_HW_IRQ, 0, CPU_IRQ, p, dev);
        cpu_charge(w, vcpu, COST_VIRQ_INJECT, 0, CPU_VMEXIT, p, dev);
    }
    if (asleep) {
        cpu_charge(w, vcpu, COST_THREAD_WAKEUP, 0, CPU_VMEXIT, p, dev);
    }
    if (!running) {
        /* Back from HLT with the interrupt. */
        vm_exit(w, h, vcpu, COST_HLT_EXIT, cost_table[COST_HLT_EXIT].name,
                p, dev);
    } else if (!apicv && src == VCPU_SRC_KVM) {
        /* Kicked out to be injected, and, busy, not interruptible yet:
         * an interrupt window exit when it is. */
        vm_exit(w, h, vcpu, COST_VMEXIT, "vmexit", p, dev);
        vm_exit(w, h, vcpu, COST_VMEXIT, "vmexit (interrupt window)", p,
                dev);
    }
    h->guest_interrupts++;
    vh_time_t t = cpu_charge(w, vcpu, COST_GUEST_IRQ, 0, CPU_GUEST, p, dev);
    if (!apicv || level) {
        vm_exit(w, h, vcpu, COST_VMEXIT, "vmexit (EOI)", p, dev);
        t = cpu_charge(w, vcpu, COST_APIC_EOI, 0, CPU_VMEXIT, p, dev);
    }
    return t;
}
