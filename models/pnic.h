/* models/pnic.h: a physical NIC with its driver.
 *
 * Receive: a frame from the cable passes the MAC/PHY pipeline, needs a free
 * RX descriptor (else it is dropped: "rx-ring-full"), is written to host
 * memory by DMA over PCIe, and raises the queue's interrupt, subject to
 * interrupt moderation (a minimum gap between interrupts).  The interrupt
 * runs on its core and schedules a NAPI poll there, which cleans completed
 * transmissions and hands up to a budget of frames to the host (a bridge or
 * the host's stack), each for the driver's per-frame cost; interrupts stay
 * off while the poll has work, as in Linux.
 *
 * Transmit: the host side hands a frame to the driver on the core that
 * carries it; the driver fills a TX descriptor (else "tx-ring-full") and
 * rings the doorbell; the NIC fetches the frame by DMA and sends it on the
 * cable.  The descriptor is only free again once a NAPI poll has cleaned
 * it, after the completion interrupt. */
#ifndef VH_MODELS_PNIC_H
#define VH_MODELS_PNIC_H 1

#include <stdbool.h>
#include <stdint.h>

#include "models/config.h"
#include "models/port.h"
#include "sim/device.h"
#include "sim/event.h"
#include "sim/packet.h"
#include "sim/server.h"

struct host;
struct cpu_core;
struct pnic;
struct world;

/* Poll mode: a user-space poll-mode driver (DPDK) owns the NIC.  There are
 * no interrupts and no NAPI: received frames wait in their queue until the
 * poller takes them with pnic_poll_rx(), and the poller transmits with
 * pnic_poll_tx(), reclaiming descriptors itself as it goes.  'rx_ready' is
 * called when a frame lands in queue 'q' of an idle queue, standing for the
 * poller noticing it on its next pass (the poller decides when that is). */
struct pnic_poller {
    void (*rx_ready)(struct world *, void *ctx, struct pnic *, int q);
    void *ctx;
};


/* One RX/TX queue pair and its interrupt vector. */
struct pnic_queue {
    struct pnic *nic;
    int index;
    struct cpu_core *irq_core;

    uint32_t rx_dma;            /* Descriptors held by frames in DMA. */
    struct vh_pktq rx_done;     /* Written to memory, not yet polled. */

    uint32_t tx_used;           /* Descriptors posted and not cleaned. */
    uint32_t tx_uncleaned;      /* Sent, waiting for the driver. */

    bool napi_on;               /* Interrupt taken, poll not finished. */
    vh_time_t last_irq;
    struct vh_timer itr;        /* Moderation delay before an interrupt. */
    uint32_t budget_left;
};

struct pnic {
    struct vh_device dev;       /* "host1/eth0". */
    struct host *host;
    const struct cfg_nic *cfg;
    struct port wire;           /* The cable side. */
    struct port stack;          /* The host side (bridge or stack). */
    struct vh_server pcie;      /* The PCIe link's DMA bandwidth. */
    uint32_t rx_ring;
    uint32_t tx_ring;
    struct vh_pktq tx_fifo;     /* Fetched, waiting for the cable. */
    bool tx_wire_busy;
    int n_queues;
    struct pnic_queue *q;
    struct pnic_poller poller;  /* Set in poll mode (rx_ready != NULL). */
};

struct pnic *pnic_create(struct world *, struct host *,
                         const struct cfg_nic *);
void pnic_free(struct pnic *);

void pnic_set_poller(struct pnic *, const struct pnic_poller *);

/* The next received frame of queue 'q', or NULL.  Frees its descriptor. */
struct vh_packet *pnic_poll_rx(struct pnic *, int q);

/* Frames waiting in queue 'q'. */
uint32_t pnic_poll_rx_pending(const struct pnic *, int q);

/* Posts 'p' for transmission on queue 'q' now (the caller has charged the
 * poll-mode driver's work).  Takes 'p'; a full ring drops it. */
void pnic_poll_tx(struct world *, struct pnic *, int q, struct vh_packet *p);

#endif /* models/pnic.h */
