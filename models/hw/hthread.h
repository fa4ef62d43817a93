/* models/hw/hthread.h: a host thread that sleeps until something signals it,
 * then serves its work sources in turn until none has work.
 *
 * Two backends are such threads.  A vhost-net worker is a kernel thread
 * woken through an eventfd (the guest's kick, via KVM's ioeventfd) or by
 * the tap's socket when a frame is queued for the guest.  QEMU's main loop
 * is a user-space thread blocked in ppoll() on the same kinds of file
 * descriptors, plus its timers; it serves every emulated device of its VM.
 *
 * Waking a sleeping thread costs what cpu_wake_thread() charges (an IPI
 * from another core, then the switch to the thread); a user-space thread
 * also returns from ppoll() and enters it again before it sleeps, one
 * system call each time it wakes.  Awake, the thread takes one unit of
 * work (one frame) from the next source that has some, round robin, so
 * directions and queues share it fairly, as vhost's work list and QEMU's
 * handlers do.  A source that finds nothing to do re-enables its own
 * notifications (that is when the guest's next frame will kick again);
 * when no source has work the thread sleeps. */
#ifndef VH_MODELS_HTHREAD_H
#define VH_MODELS_HTHREAD_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/hw/cpu.h"
#include "sim/device.h"
#include "sim/packet.h"
#include "sim/time.h"

struct world;
struct host;

/* One source of work.  'poll' does one unit of work starting now on the
 * thread's core and returns true with '*done' set to when it ends (the
 * source schedules its own continuation, at or before '*done'); or, with
 * nothing to do, re-enables the source's notifications and returns false. */
struct hthread_src {
    bool (*poll)(struct world *, void *ctx, vh_time_t *done);
    void *ctx;
};

/* Sources held inside the thread itself, before any are allocated:
 * vhost's two virtqueues. */
#define HTHREAD_INLINE_SRCS 2

struct hthread {
    /* What every wake-up and poll reads, in the first line (the thread
     * starts a line): with thousands of guests each thread is cold by
     * its next frame. */
    bool awake;
    bool user;                  /* User space: pays the ppoll() return. */
    enum cpu_cat cat;           /* What its cycles count as. */
    uint32_t next;              /* Source to try first. */
    uint32_t n_srcs;
    struct cpu_core *core;      /* Where it runs. */
    struct host *host;
    uint64_t wakeups;           /* Times it was woken from sleep. */
    struct hthread_src *srcs;   /* 'inline_srcs', or allocated beyond. */
    struct hthread_src inline_srcs[HTHREAD_INLINE_SRCS];
    const struct vh_device *dev;    /* For traces. */
};

/* A sleeping thread on 'core' with no sources yet. */
struct hthread *hthread_create(struct host *, struct cpu_core *core,
                               enum cpu_cat cat, const struct vh_device *dev,
                               bool user);
void hthread_free(struct hthread *);

void hthread_add_src(struct hthread *, bool (*poll)(struct world *, void *,
                                                    vh_time_t *),
                     void *ctx);

/* Signals the thread from work of category 'waker_cat' on 'waker' (NULL:
 * a timer or hardware did it).  A sleeping thread wakes and starts
 * serving; an awake one will see the work on its own. */
void hthread_signal(struct world *, struct hthread *, struct cpu_core *waker,
                    enum cpu_cat waker_cat, const struct vh_packet *p);

#endif /* models/hw/hthread.h */
