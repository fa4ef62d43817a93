/* gui/rates.h: the live counters compare mode shows for each variant.
 *
 * Over a window of simulated time ending at the clock, from the hop
 * events alone: VM exits per second (work named "vmexit", one per
 * exit), interrupts per second (work in the irq category: the host's
 * handlers, one per interrupt taken), CPU cycles per delivered packet
 * (every core's work on packets, all hosts, over the packets delivered)
 * and the delivered throughput.  The busy-polling of a poll-mode core is
 * not a hop event and is not counted, as the report's cycles/packet does
 * not count it either. */
#ifndef VH_GUI_RATES_H
#define VH_GUI_RATES_H 1

#include <stdint.h>

#include "gui/history.h"

struct gui_rates {
    vh_time_t window;           /* The span measured (shorter at the
                                 * start of the run). */
    uint64_t exits, irqs, delivered, bytes, cycles;
    double exits_s, irqs_s;     /* Per second of simulated time. */
    double cycles_per_pkt;      /* 0 when nothing was delivered. */
    double gbps;
};

/* The rates over (t - window, t]. */
void gui_rates_at(const struct gui_history *, vh_time_t t, vh_time_t window,
                  struct gui_rates *out);

/* One line of them, as the screen shows it. */
void gui_rates_format(const struct gui_rates *, char *buf, size_t n);

#endif /* gui/rates.h */
