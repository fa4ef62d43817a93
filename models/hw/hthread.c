/* models/hw/hthread.c: sleeping host threads that serve work sources. */
#include "models/hw/hthread.h"

#include <stdlib.h>
#include <string.h>

#include "models/core/host.h"
#include "models/core/world.h"
#include "sim/xmalloc.h"

struct hthread *
hthread_create(struct host *h, struct cpu_core *core, enum cpu_cat cat,
               const struct vh_device *dev, bool user)
{
    struct hthread *th = vh_xcalloc_lines(1, sizeof *th);
    th->srcs = th->inline_srcs;
    th->host = h;
    th->core = core;
    th->cat = cat;
    th->dev = dev;
    th->user = user;
    return th;
}

void
hthread_free(struct hthread *th)
{
    if (th) {
        if (th->srcs != th->inline_srcs) {
            free(th->srcs);
        }
        free(th);
    }
}

void
hthread_add_src(struct hthread *th,
                bool (*poll)(struct world *, void *, vh_time_t *), void *ctx)
{
    if (th->n_srcs == HTHREAD_INLINE_SRCS) {
        th->srcs = vh_xcalloc(th->n_srcs + 1, sizeof *th->srcs);
        memcpy(th->srcs, th->inline_srcs, sizeof th->inline_srcs);
    } else if (th->n_srcs > HTHREAD_INLINE_SRCS) {
        th->srcs = vh_xgrow(th->srcs, th->n_srcs, sizeof *th->srcs);
    }
    th->srcs[th->n_srcs].poll = poll;
    th->srcs[th->n_srcs].ctx = ctx;
    th->n_srcs++;
}

/* The thread's loop: one unit of work from the next source that has
 * some, then again when it is done; asleep when nobody has work. */
static void
hthread_run(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct hthread *th = obj;

    for (uint32_t i = 0; i < th->n_srcs; i++) {
        uint32_t k = (th->next + i) % th->n_srcs;
        vh_time_t done;
        if (th->srcs[k].poll(w, th->srcs[k].ctx, &done)) {
            th->next = k + 1;
            vh_schedule_at(sim, done, hthread_run, th, NULL);
            return;
        }
    }
    th->awake = false;
    (void) arg;
}

void
hthread_signal(struct world *w, struct hthread *th, struct cpu_core *waker,
               enum cpu_cat waker_cat, const struct vh_packet *p)
{
    if (th->awake) {
        return;
    }
    th->awake = true;
    th->wakeups++;
    vh_time_t t = cpu_wake_thread(w, waker, waker_cat, th->core, th->cat,
                                  &th->host->interrupts, p, th->dev);
    if (th->user) {
        /* Back from ppoll() now, into it again before sleeping. */
        t = cpu_charge(w, th->core, COST_SYSCALL, 0, th->cat, p, th->dev);
    }
    vh_schedule_at(&w->sim, t, hthread_run, th, NULL);
}
