/* models/hw/itr.c: a NIC queue's interrupt throttle, fixed or adaptive. */
#include "models/hw/itr.h"

#include "models/core/config.h"

/* ixgbe.h's adaptive ITR bounds, in microseconds. */
#define ITR_MIN_USECS 10
#define ITR_MIN_INC 2
#define ITR_MAX_USECS 126
/* The kernel's tick (CONFIG_HZ=1000, as RHEL and Fedora build it). */
#define TICK (1000 * VH_US)

void
itr_init(struct itr *it, const struct cfg_nic *cfg, vh_time_t start)
{
    it->adaptive = cfg->adaptive_rx;
    it->gap = cfg->rx_usecs >= 0 ? (vh_time_t) cfg->rx_usecs * VH_US : start;
    /* ixgbe_alloc_q_vector(): each direction starts at the most,
     * in latency mode. */
    it->rx = (struct itr_dir) { .usecs = ITR_MAX_USECS, .latency = true };
    it->tx = it->rx;
    it->updates = 0;
}

/* Frames a vector of this mean size should wait for, in us (ixgbe's
 * approximation of wmem_default / (size + overhead) at 10 Gb/s). */
static uint32_t
usecs_by_size(uint64_t avg, bool latency)
{
    uint64_t v;
    if (avg <= 60) {
        v = 5120;
    } else if (avg <= 316) {
        v = avg * 40 + 2720;
    } else if (avg <= 1084) {
        v = avg * 15 + 11452;
    } else if (avg < 1968) {
        v = avg * 5 + 22420;
    } else {
        v = 32256;
    }
    if (latency) {
        v >>= 1;
    }
    return (uint32_t) ((v + ITR_MIN_INC * 256 - 1) / (ITR_MIN_INC * 256))
           * ITR_MIN_INC;
}

/* ixgbe_update_itr() for one direction; 'cur' is the vector's gap. */
static void
update_dir(struct itr_dir *d, uint32_t cur, uint64_t tick)
{
    uint32_t usecs;
    bool latency = false;

    if (!d->updated || tick > d->next_tick) {
        /* No update for over a tick (or ever, since boot): sparse
         * traffic. */
        usecs = ITR_MIN_USECS;
        latency = true;
    } else if (!d->packets) {
        usecs = cur + ITR_MIN_INC;
        usecs = usecs > ITR_MAX_USECS ? ITR_MAX_USECS : usecs;
        latency = d->latency;
    } else if (d->packets < 4 && d->bytes < 9000) {
        latency = true;
        usecs = usecs_by_size(d->bytes / d->packets, true);
        /* A latency-driven vector comes down 2 us at a time at most. */
        if (d->latency && usecs < d->usecs) {
            usecs = d->usecs - ITR_MIN_INC;
        }
    } else if (d->packets < 48) {
        usecs = cur + ITR_MIN_INC;
        usecs = usecs > ITR_MAX_USECS ? ITR_MAX_USECS : usecs;
    } else if (d->packets < 96) {
        usecs = cur;
    } else if (d->packets < 256) {
        usecs = cur / 2 < ITR_MIN_USECS ? ITR_MIN_USECS : cur / 2;
    } else {
        usecs = usecs_by_size(d->bytes / d->packets, false);
    }
    d->usecs = usecs;
    d->latency = latency;
    d->updated = true;
    d->next_tick = tick + 1;
    d->packets = 0;
    d->bytes = 0;
}

void
itr_update(struct itr *it, vh_time_t now)
{
    if (!it->adaptive) {
        return;
    }
    uint32_t cur = (uint32_t) (it->gap / VH_US);
    uint64_t tick = now / TICK;
    update_dir(&it->rx, cur, tick);
    update_dir(&it->tx, cur, tick);
    uint32_t usecs = it->rx.usecs < it->tx.usecs ? it->rx.usecs
                                                 : it->tx.usecs;
    it->gap = (vh_time_t) usecs * VH_US;
    it->updates++;
}
