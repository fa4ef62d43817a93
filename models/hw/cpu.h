/* models/hw/cpu.h: CPU cores as queued servers.
 *
 * A core runs one job at a time, first come first served.  Every piece of
 * software work on the packet path (a guest driver, a VM exit, a vhost copy,
 * a bridge lookup) asks a core for cycles under a category; the core turns
 * cycles into time with its clock and accounts them, so utilization and
 * cycles per category emerge from the work actually charged.
 *
 * Simplification, written down: jobs never preempt each other (an
 * interrupt waits behind the softirq work already queued on its core).  The
 * total work is exact; the order within a busy core is approximate.
 *
 * Idle cores sleep.  A job that reaches a core with nothing to do first
 * waits for the core to leave the idle state it entered: as cpuidle would,
 * the deepest state the host allows (cpu.cstate) whose target residency
 * the idle time reached, C1, C1E or C6 with Skylake-SP's exit latencies
 * from intel_idle.  The prediction is taken as perfect: the state is
 * chosen from the idle time that was, not guessed.  A core that polls
 * when idle (a PMD thread's, or "poll") never sleeps; a vCPU's core
 * first halt-polls for 'idle_poll' (KVM's halt_poll_ns) and only then
 * sleeps. */
#ifndef VH_MODELS_CPU_H
#define VH_MODELS_CPU_H 1

#include <stdbool.h>
#include <stdint.h>

#include "models/core/costs.h"
#include "sim/device.h"
#include "sim/event.h"
#include "sim/packet.h"
#include "sim/server.h"
#include "sim/time.h"

struct world;

/* What the cycles were spent on.  The first eight are the report contract's
 * keys; 'app' is work of an application or its system calls on a
 * bare-metal host (in a VM that is 'guest'). */
enum cpu_cat {
    CPU_GUEST,
    CPU_VMEXIT,
    CPU_QEMU,
    CPU_VHOST,
    CPU_SOFTIRQ,
    CPU_IRQ,
    CPU_VSWITCH,
    CPU_POLL,
    CPU_APP,
    CPU_N_CATS
};

extern const char *const cpu_cat_names[CPU_N_CATS];

/* A primitive's price on one core, precomputed in integers so the
 * per-packet path does no floating point and no division. */
struct cpu_price {
    uint32_t fixed;             /* Cycles per job. */
    uint32_t per_kib;           /* Cycles per 1024 bytes. */
};

/* The prices of every primitive at one clock, shared by the cores that
 * run at it (a host's cores).  One table per core, twelve lines of them,
 * was where a charge missed the first-level cache most: 1,000 containers
 * spread over 32 cores read prices of two or three cores per packet, 3.5
 * misses of 25 in a cache simulation of their steady state.  Shared, the
 * few lines a path reads stay in that cache, and a core is three lines
 * instead of fifteen. */
struct cpu_prices {
    uint64_t khz;               /* The clock they are for. */
    struct cpu_price price[COST_N];
};

/* Fills 'pr' with the prices of 'costs' at 'khz'. */
struct costs;
void cpu_prices_init(struct cpu_prices *pr, uint64_t khz,
                     const struct costs *costs);

/* Something waiting for a core to have nothing left to do: an
 * application blocked in its send loop while the core still runs earlier
 * work.  See cpu_wait(). */
struct cpu_waiter {
    struct cpu_waiter *next;
    vh_event_fn fn;             /* Called as fn(sim, obj, NULL). */
    void *obj;
    bool waiting;               /* In its core's list. */
};

struct cpu_core {
    struct vh_server srv;       /* First: a packet's 'exec' points here. */
    int index;                  /* Core number within its host. */
    uint64_t khz;               /* Clock. */
    uint64_t ps_per_cycle_q32;  /* Picoseconds per cycle, Q32.32. */
    uint64_t cycles[CPU_N_CATS];
    struct vh_device *host_dev; /* The host, for traces. */
    const struct cpu_price *price;  /* Its clock's cpu_prices. */
    struct cpu_waiter *wait_head;   /* Waiting for the core, first come */
    struct cpu_waiter *wait_tail;   /* first served. */
    bool wake_armed;            /* An event will look at the list. */

    /* Idle states (see above). */
    int cstate_max;             /* enum cfg_cstate: the deepest allowed. */
    bool never_idle;            /* Spins between jobs: a PMD's core. */
    vh_time_t idle_poll;        /* Polls this long before sleeping. */
    vh_time_t woke_at;          /* When its current or last busy spell
                                 * began: it was idle just before. */
    uint64_t cstate_exits;      /* Jobs that woke it from a C-state. */
    uint64_t ipis_sent;         /* Inter-processor interrupts it sent
                                 * (each a 'ipi' cost charged here), so
                                 * the report tells them from device
                                 * interrupts. */
};

static inline struct cpu_core *
cpu_of_exec(struct vh_server *s)
{
    return (struct cpu_core *) s;   /* 'srv' is the first member. */
}

/* Speed only: asks for all of core 'c' (NULL: nothing) to be fetched,
 * for a packet about to be charged on it (a guest's vCPU, cold since its
 * guest's last packet when there are thousands): its clock, its server
 * and its cycle ledger. */
static inline void
cpu_warm(const struct cpu_core *c)
{
    if (c) {
        for (size_t off = 0; off < sizeof *c; off += 64) {
            __builtin_prefetch((const char *) c + off);
        }
    }
}

/* The core that carries 'p' (its 'exec'), or 'fallback' when no core
 * does: the frame comes from a cable, a DMA or a timer, and the model
 * names where its work runs then. */
static inline struct cpu_core *
cpu_exec_core(const struct vh_packet *p, struct cpu_core *fallback)
{
    return p->exec ? cpu_of_exec(p->exec) : fallback;
}

/* Clocks core 'c' at the clock of 'prices', and charges those from now
 * on (a timed change of the host's "cpu.ghz"); work already on the core
 * keeps its time.  'prices' must outlive the core's use. */
void cpu_core_set_clock(struct cpu_core *c, const struct cpu_prices *prices);

/* Sets up a core clocked and priced by 'prices' (see above). */
void cpu_core_init(struct cpu_core *, int index,
                   const struct cpu_prices *prices,
                   struct vh_device *host_dev);

/* How the core sleeps when idle: 'cstate' is an enum cfg_cstate. */
void cpu_core_set_idle(struct cpu_core *, int cstate, vh_time_t idle_poll);

/* How long a core that has been idle 'idle' would take to leave the
 * state it is in, 0 if it never left polling; '*name' is the state's
 * exit primitive, for traces.  What cpu_run pays first on an idle core. */
vh_time_t cpu_idle_exit(const struct world *, const struct cpu_core *,
                        vh_time_t idle, const char **name);

/* Wakes 'c' now if it is idle, paying its state's exit (a trace of the
 * exit primitive for 'p' at 'dev'), as the first job on an idle core
 * does; returns when it is awake (now, if it was not asleep).  An
 * application whose timer fired
 * reads the clock only then. */
vh_time_t cpu_wake_idle(struct world *, struct cpu_core *,
                        const struct vh_packet *p,
                        const struct vh_device *dev);

/* Cycles primitive 'id' costs this core for a job of 'bytes' bytes (0
 * for fixed costs), from its precomputed price: what cpu_charge runs. */
static inline uint64_t
cpu_cycles(const struct cpu_core *c, enum cost_id id, uint32_t bytes)
{
    const struct cpu_price *pr = &c->price[id];
    return pr->fixed + (((uint64_t) pr->per_kib * bytes + 512) >> 10);
}

/* Runs 'cycles' of 'cat' on 'core' for packet 'p' (may be NULL) at device
 * 'dev'; 'what' names the work for traces (may be NULL).  Returns when the
 * work finishes. */
vh_time_t cpu_run(struct world *, struct cpu_core *, uint64_t cycles,
                  enum cpu_cat cat, const struct vh_packet *p,
                  const struct vh_device *dev, const char *what);

/* Same, for primitive 'id' on 'bytes' bytes. */
vh_time_t cpu_charge(struct world *, struct cpu_core *, enum cost_id id,
                     uint32_t bytes, enum cpu_cat cat,
                     const struct vh_packet *p, const struct vh_device *dev);

/* Primitive 'id''s fixed cost 'n' times over, as one job: a batch of the
 * same small work, such as reclaiming 'n' sent descriptors. */
vh_time_t cpu_charge_n(struct world *, struct cpu_core *, enum cost_id id,
                       uint32_t n, enum cpu_cat cat,
                       const struct vh_packet *p, const struct vh_device *dev);

/* Wakes a sleeping thread that runs on 'target' (its work is 'cat'), from
 * work of category 'waker_cat' running on 'waker' (NULL when hardware or a
 * timer does it).  A wakeup across cores sends a rescheduling IPI: 'ipi'
 * cycles on the waker, in its own context, and an interrupt taken by the
 * target ('hw_irq', counted in '*irqs').  Then the target pays
 * 'thread_wakeup' to switch to the thread.  Returns when the thread starts
 * running. */
vh_time_t cpu_wake_thread(struct world *, struct cpu_core *waker,
                          enum cpu_cat waker_cat,
                          struct cpu_core *target, enum cpu_cat cat,
                          uint64_t *irqs, const struct vh_packet *p,
                          const struct vh_device *dev);

/* Makes 'w' wait until 'core' has run every job it accepted, then calls
 * it; waiters are called one at a time, in the order they began to wait,
 * each when the core is free again after the one before (which usually
 * takes the core).  Whatever the number of waiters, one pending event
 * serves them all: a thousand applications blocked on one busy core cost
 * one event per core release, not a thousand.  'w' must not be waiting
 * already. */
void cpu_wait(struct vh_sim *, struct cpu_core *, struct cpu_waiter *w);

/* Busy time of 'core' within [0, end]. */
vh_time_t cpu_busy_until(const struct cpu_core *, vh_time_t end);

uint64_t cpu_total_cycles(const struct cpu_core *);

#endif /* models/hw/cpu.h */
