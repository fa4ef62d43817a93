/* models/hw/itr.h: a NIC queue's interrupt throttle, as ethtool -C sets it.
 *
 * The hardware (the 82599's EITR) keeps a minimum gap between two
 * interrupts of one vector: a cause that comes after the gap has run
 * interrupts at once, one that comes sooner waits for its end.  The
 * driver chooses the gap:
 *
 *   rx-usecs N, adaptive-rx off   a fixed gap of N us; 0 is no throttle,
 *                                 an interrupt per frame.  Without
 *                                 rx-usecs, 'irq_moderation' (ixgbe's
 *                                 starting 20K interrupts/s).
 *   adaptive-rx on (the default)  ixgbe's dynamic ITR (ixgbe_update_itr,
 *                                 ixgbe_set_itr since Linux 4.16): at the
 *                                 end of each NAPI poll, from the frames
 *                                 and bytes each direction moved since
 *                                 the last update.  Few frames (< 4 and
 *                                 < 9000 bytes): "latency" mode, a gap
 *                                 from the mean frame size halved, 14 us
 *                                 for a ping; 4 to 47: 2 us more; 48 to
 *                                 95: unchanged; 96 to 255: halved; more:
 *                                 "bulk", the gap from the frame size (22
 *                                 us for 64 bytes up to 126 us).  In
 *                                 latency mode the gap comes down by 2 us
 *                                 per update at most.  An
 *                                 update more than a tick (1 ms, HZ=1000)
 *                                 after the previous one means traffic is
 *                                 sparse: 10 us, the least.  The vector
 *                                 takes the smaller of the two directions'
 *                                 values.  Starts at 'irq_moderation'.
 *
 * ixgbe's constants are the driver's (ixgbe.h); vhsim uses the 10 Gb/s
 * branch of its size formula for every model and speed. */
#ifndef VH_MODELS_ITR_H
#define VH_MODELS_ITR_H 1

#include <stdbool.h>
#include <stdint.h>

#include "sim/time.h"

struct cfg_nic;

/* One direction's count since the last update (ixgbe's ring container). */
struct itr_dir {
    uint32_t packets;
    uint64_t bytes;
    uint32_t usecs;             /* Its last choice... */
    bool latency;               /* ...and whether in latency mode. */
    uint64_t next_tick;         /* Tick by which the next update is due. */
    bool updated;               /* Once: before, the first update finds
                                 * the count stale, as after boot. */
};

struct itr {
    bool adaptive;
    vh_time_t gap;              /* The minimum gap in force. */
    struct itr_dir rx, tx;
    uint64_t updates;           /* Adaptive updates run. */
};

/* From the NIC's "coalesce"; 'start' is the fixed or starting gap when
 * rx-usecs is not given. */
void itr_init(struct itr *, const struct cfg_nic *, vh_time_t start);

/* Frames the queue moved, for the adaptive ITR. */
static inline void
itr_count(struct itr_dir *d, uint32_t bytes)
{
    d->packets++;
    d->bytes += bytes;
}

/* A NAPI poll finished at 'now' with interrupts back on: the adaptive
 * driver recomputes the gap (no-op with a fixed one). */
void itr_update(struct itr *, vh_time_t now);

#endif /* models/hw/itr.h */
