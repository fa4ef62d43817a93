/* models/hw/cpu.c: CPU cores as queued servers. */
#include "models/hw/cpu.h"

#include "models/core/world.h"
#include "sim/trace.h"

const char *const cpu_cat_names[CPU_N_CATS] = {
    "guest", "vmexit", "qemu", "vhost", "softirq", "irq", "vswitch", "poll",
    "app",
};

void
cpu_prices_init(struct cpu_prices *pr, uint64_t khz,
                const struct costs *costs)
{
    pr->khz = khz;
    /* Costs given in time take more cycles at a higher clock. */
    double ghz = (double) khz / 1e6;
    for (int id = 0; id < COST_N; id++) {
        const struct vh_cost_value *v = &costs->v[id];
        pr->price[id].fixed = (uint32_t) (v->cyc + v->ns * ghz + 0.5);
        pr->price[id].per_kib = (uint32_t) ((v->cyc_per_byte
                                             + v->ns_per_byte * ghz) * 1024
                                            + 0.5);
    }
}

void
cpu_core_init(struct cpu_core *c, int index, const struct cpu_prices *prices,
              struct vh_device *host_dev)
{
    vh_server_init(&c->srv);
    c->index = index;
    for (int i = 0; i < CPU_N_CATS; i++) {
        c->cycles[i] = 0;
    }
    c->host_dev = host_dev;
    c->wait_head = c->wait_tail = NULL;
    c->wake_armed = false;
    c->cstate_max = CFG_CSTATE_POLL;
    c->never_idle = false;
    c->idle_poll = 0;
    c->woke_at = 0;
    c->cstate_exits = 0;
    c->ipis_sent = 0;
    cpu_core_set_clock(c, prices);
}

void
cpu_core_set_clock(struct cpu_core *c, const struct cpu_prices *prices)
{
    c->khz = prices->khz;
    c->ps_per_cycle_q32 = (uint64_t) ((((unsigned __int128) 1000000000ULL)
                                       << 32) / c->khz);
    c->price = prices->price;
}

void
cpu_core_set_idle(struct cpu_core *c, int cstate, vh_time_t idle_poll)
{
    c->cstate_max = cstate;
    c->idle_poll = idle_poll;
}

vh_time_t
cpu_idle_exit(const struct world *w, const struct cpu_core *c,
              vh_time_t idle, const char **name)
{
    /* Deepest first: the first state whose residency the sleep reached. */
    static const struct {
        int needs;              /* The least cpu.cstate that allows it. */
        enum cost_id residency, exit;
    } states[] = {
        { CFG_CSTATE_C6, COST_C6_RESIDENCY, COST_C6_EXIT },
        { CFG_CSTATE_C6, COST_C1E_RESIDENCY, COST_C1E_EXIT },
        { CFG_CSTATE_C1, COST_C1_RESIDENCY, COST_C1_EXIT },
    };
    if (c->never_idle || c->cstate_max == CFG_CSTATE_POLL
        || idle <= c->idle_poll) {
        return 0;
    }
    vh_time_t slept = idle - c->idle_poll;
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
        if (c->cstate_max >= states[i].needs
            && slept >= hw_time(w, states[i].residency, 0)) {
            *name = cost_table[states[i].exit].name;
            return hw_time(w, states[i].exit, 0);
        }
    }
    return 0;
}

vh_time_t
cpu_wake_idle(struct world *w, struct cpu_core *c, const struct vh_packet *p,
              const struct vh_device *dev)
{
    vh_time_t now = w->sim.now;
    if (c->srv.free_at >= now) {
        return now;             /* Awake: busy. */
    }
    c->woke_at = now;
    const char *state = NULL;
    vh_time_t exit = cpu_idle_exit(w, c, now - c->srv.free_at, &state);
    if (!exit) {
        return now;
    }
    c->cstate_exits++;
    c->srv.free_at = now + exit;
    VH_TRACE(&w->trace, VH_HOP_SERVICE, .time = now, .end = now + exit,
             .pkt = p, .dev = dev, .core = c->index, .what = state,
             .category = (uint8_t) CPU_IRQ);
    return now + exit;
}

/* cpu_run() on an idle core, or with a trace listening: the whole
 * story, kept out of line so that the common case below needs no
 * registers saved and no frame. */
static __attribute__((noinline)) vh_time_t
cpu_run_slow(struct world *w, struct cpu_core *c, uint64_t cycles,
             enum cpu_cat cat, const struct vh_packet *p,
             const struct vh_device *dev, const char *what)
{
    vh_time_t now = w->sim.now;
    cpu_wake_idle(w, c, p, dev);    /* The job is what wakes the core. */
    vh_time_t start = vh_server_start_time(&c->srv, now);
    vh_time_t ps = (vh_time_t) (((unsigned __int128) cycles
                                 * c->ps_per_cycle_q32) >> 32);
    vh_time_t end = vh_server_take(&c->srv, now, ps);
    c->cycles[cat] += cycles;
    VH_TRACE(&w->trace, VH_HOP_SERVICE, .time = start, .end = end, .pkt = p,
             .dev = dev, .cycles = cycles, .core = c->index, .on_cpu = 1, .what = what,
             .category = (uint8_t) cat);
    return end;
}

/* A job for a core that is busy, when nobody traces: it queues behind
 * the work the core has; cpu_wake_idle() would do nothing and
 * vh_server_take() starts it at 'free_at'. */
static inline vh_time_t
run_queued(struct cpu_core *c, uint64_t cycles, enum cpu_cat cat)
{
    vh_time_t ps = (vh_time_t) (((unsigned __int128) cycles
                                 * c->ps_per_cycle_q32) >> 32);
    c->srv.free_at += ps;
    c->srv.busy += ps;
    c->cycles[cat] += cycles;
    return c->srv.free_at;
}

static inline bool
run_is_slow(const struct world *w, const struct cpu_core *c)
{
    return c->srv.free_at < w->sim.now
           || vh_trace_wants(&w->trace, VH_HOP_SERVICE);
}

vh_time_t
cpu_run(struct world *w, struct cpu_core *c, uint64_t cycles,
        enum cpu_cat cat, const struct vh_packet *p,
        const struct vh_device *dev, const char *what)
{
    if (run_is_slow(w, c)) {
        return cpu_run_slow(w, c, cycles, cat, p, dev, what);
    }
    return run_queued(c, cycles, cat);
}

/* cpu_charge() for an idle core or a traced run.  Out of line, with
 * cpu_charge()'s own arguments, so that cpu_charge() reaches it by a jump
 * and its common case saves no registers. */
static vh_time_t __attribute__((noinline))
charge_slow(struct world *w, struct cpu_core *c, enum cost_id id,
            uint32_t bytes, enum cpu_cat cat, const struct vh_packet *p,
            const struct vh_device *dev)
{
    return cpu_run_slow(w, c, cpu_cycles(c, id, bytes), cat, p, dev,
                        cost_table[id].name);
}

vh_time_t
cpu_charge(struct world *w, struct cpu_core *c, enum cost_id id,
           uint32_t bytes, enum cpu_cat cat, const struct vh_packet *p,
           const struct vh_device *dev)
{
    if (id == COST_IPI) {
        c->ipis_sent++;
    }
    if (run_is_slow(w, c)) {
        return charge_slow(w, c, id, bytes, cat, p, dev);
    }
    return run_queued(c, cpu_cycles(c, id, bytes), cat);
}

vh_time_t
cpu_charge_n(struct world *w, struct cpu_core *c, enum cost_id id,
             uint32_t n, enum cpu_cat cat, const struct vh_packet *p,
             const struct vh_device *dev)
{
    uint64_t cycles = (uint64_t) c->price[id].fixed * n;
    return cpu_run(w, c, cycles, cat, p, dev, cost_table[id].name);
}

vh_time_t
cpu_busy_until(const struct cpu_core *c, vh_time_t end)
{
    /* Work reserved past 'end' was accepted but not yet done. */
    vh_time_t over = c->srv.free_at > end ? c->srv.free_at - end : 0;
    return c->srv.busy > over ? c->srv.busy - over : 0;
}

uint64_t
cpu_total_cycles(const struct cpu_core *c)
{
    uint64_t t = 0;
    for (int i = 0; i < CPU_N_CATS; i++) {
        t += c->cycles[i];
    }
    return t;
}

vh_time_t
cpu_wake_thread(struct world *w, struct cpu_core *waker,
                enum cpu_cat waker_cat, struct cpu_core *target,
                enum cpu_cat cat, uint64_t *irqs, const struct vh_packet *p,
                const struct vh_device *dev)
{
    if (waker && waker != target) {
        cpu_charge(w, waker, COST_IPI, 0, waker_cat, p, dev);
        cpu_charge(w, target, COST_HW_IRQ, 0, CPU_IRQ, p, dev);
        (*irqs)++;
    }
    return cpu_charge(w, target, COST_THREAD_WAKEUP, 0, cat, p, dev);
}

/* The core's one waiting event: if the core is still busy (other work
 * came in since), look again when it is free; else call the first waiter,
 * and then the next once the core is free after it. */
static void
cpu_wake(struct vh_sim *sim, void *obj, void *arg)
{
    struct cpu_core *c = obj;
    c->wake_armed = false;
    while (c->wait_head && c->srv.free_at <= sim->now) {
        struct cpu_waiter *w = c->wait_head;
        c->wait_head = w->next;
        if (!c->wait_head) {
            c->wait_tail = NULL;
        }
        w->next = NULL;
        w->waiting = false;
        w->fn(sim, w->obj, NULL);
    }
    if (c->wait_head && !c->wake_armed) {
        c->wake_armed = true;
        vh_schedule_at(sim, c->srv.free_at, cpu_wake, c, NULL);
    }
    (void) arg;
}

void
cpu_wait(struct vh_sim *sim, struct cpu_core *c, struct cpu_waiter *w)
{
    w->next = NULL;
    w->waiting = true;
    if (c->wait_tail) {
        c->wait_tail->next = w;
    } else {
        c->wait_head = w;
    }
    c->wait_tail = w;
    if (!c->wake_armed) {
        c->wake_armed = true;
        vh_time_t at = c->srv.free_at > sim->now ? c->srv.free_at : sim->now;
        vh_schedule_at(sim, at, cpu_wake, c, NULL);
    }
}
