/* models/hw/pnic.h: a physical NIC with its queues, interrupts and driver.
 *
 * Receive: a frame from the cable passes the MAC/PHY pipeline and is
 * sorted to a queue: by destination MAC (and VLAN) to a VMDq pool, else by
 * the RSS hash of its flow (sim/rss.h) through a 128-entry indirection
 * table filled round robin over the RSS queues; a frame RSS does not hash
 * (ARP) takes queue 0.  It needs a free RX descriptor of that queue (else
 * "rx-ring-full"), is written to memory by DMA over PCIe (through the
 * IOMMU when the host has one), and raises the queue's interrupt, subject
 * to interrupt moderation (a minimum gap between two interrupts of one
 * queue, fixed or adaptive as the NIC's "coalesce" says: models/hw/itr.h).  The interrupt runs on its core and schedules a NAPI poll there,
 * which cleans completed transmissions and hands up to a budget of frames
 * to the host (a bridge or the host's stack), each for the driver's
 * per-frame cost; interrupts stay off while the poll has work, as in
 * Linux.
 *
 * Interrupt placement: RSS queue q's vector goes to the core that
 * host_irq_core() gives (irqbalance "performance": core q modulo the
 * cores; "power-save": core 0).  A VMDq pool's vector goes to the core
 * serving its VM (the vhost worker of the VM's NIC), so the NAPI poll,
 * the bridge and the tap run there and waking the worker costs no IPI.
 *
 * Transmit: the host side hands a frame to the driver on the core that
 * carries it; the driver picks the TX queue of that core (XPS: the queue
 * whose vector is on that core, else core modulo the RSS queues), fills a
 * descriptor and rings the doorbell; the NIC fetches descriptor and frame
 * by DMA and queues the frame for the cable, serving its queues round
 * robin.  The descriptor is free again only once a NAPI poll has cleaned
 * it, after the completion interrupt; the cleaning tells the frame's
 * sending socket (TCP Small Queues).  While the ring is full the driver's
 * queue is stopped and frames wait in the queue's qdisc (dropped beyond
 * txqueuelen as "qdisc-full"), posted as cleaning frees descriptors.  A
 * poll-mode driver has no qdisc: its full ring drops ("tx-ring-full").
 *
 * PCIe functions: the NIC is one physical function (PF) and, with SR-IOV,
 * virtual functions (models/hw/sriov.h), each with its own requester ID and
 * queues.  A function whose driver runs in a guest (a VF, or the PF of a
 * passed-through NIC, models/guest/vf_driver.h) has its queues' NAPI on a vCPU
 * (category 'guest') and its interrupts delivered by the guest driver's
 * hook instead of a host interrupt. */
#ifndef VH_MODELS_PNIC_H
#define VH_MODELS_PNIC_H 1

#include <stdbool.h>
#include <stdint.h>

#include "models/core/config.h"
#include "models/hw/cpu.h"
#include "models/hw/itr.h"
#include "models/core/port.h"
#include "models/core/qdisc.h"
#include "models/endpoint/offload.h"
#include "sim/device.h"
#include "sim/event.h"
#include "sim/frame.h"
#include "sim/packet.h"
#include "sim/rss.h"
#include "sim/server.h"

struct host;
struct lldp_agent;
struct pnic;
struct pnic_queue;
struct sriov;
struct world;

/* Poll mode: a user-space poll-mode driver (DPDK) owns the NIC's PF, and
 * so its queues 0 to n_queues - 1 (a VF's queue stays with its guest's
 * driver).  There are
 * no interrupts and no NAPI: received frames wait in their queue until the
 * poller takes them with pnic_poll_rx(), and the poller transmits with
 * pnic_poll_tx(), reclaiming descriptors itself as it goes.  'rx_ready' is
 * called when a frame lands in queue 'q' of an idle queue, standing for the
 * poller noticing it on its next pass (the poller decides when that is). */
struct pnic_poller {
    void (*rx_ready)(struct world *, void *ctx, struct pnic *, int q);
    void *ctx;
};

/* Delivers queue 'q''s interrupt to the CPU that polls it, then calls
 * pnic_napi_schedule().  NULL means a host interrupt: 'hw_irq' on the
 * queue's core, counted in the host's interrupts. */
typedef void (*pnic_irq_fn)(struct world *, struct pnic_queue *q);

/* A host agent bound to one EtherType on the NIC, as a packet socket is
 * (lldpad's, for ECP; lldpd's, for LLDP): the frames of that EtherType
 * (or those 'match' accepts, when set) that the host's PF driver
 * receives go to 'rx' (which takes them) instead of up to the host side
 * (a bridge, the macvlan layer, the host's stack).  A NIC has at most
 * PNIC_MAX_AGENTS. */
struct pnic_agent {
    uint16_t ethertype;
    void (*rx)(struct world *, void *ctx, struct vh_packet *p);
    void *ctx;
    bool (*match)(const uint8_t *frame, uint32_t len);
};
#define PNIC_MAX_AGENTS 2

/* One PCIe function of the NIC: the PF, or a VF. */
struct pnic_fn {
    struct pnic *nic;
    int index;                  /* 0: the PF; n + 1: VF n. */
    struct vh_device *dev;      /* The PF's is the NIC's; a VF's its own. */
    uint16_t rid;               /* Requester ID: bus << 8 | dev << 3 | fn. */
    struct vh_mac mac;          /* Its address (the PF's: the NIC's). */
    int vlan;                   /* Port VLAN of a VF, or -1. */
    bool enabled;               /* Has a driver (a VF: assigned). */
    struct port *up;            /* Polled frames leave through here. */
    int first_q;                /* Its queues: nic->q[first_q..] */
    int n_q;
    int n_rss;                  /* The first n_rss take RSS; after them
                                 * come VMDq pools (PF only). */
    uint8_t reta[VH_RSS_RETA_SIZE];   /* RSS queue (from first_q) by the
                                       * hash's low 7 bits. */
};

/* The sending socket of a posted TX descriptor's frame. */
struct pnic_txsk {
    struct vh_tx_owner *owner;
    uint32_t bytes;
};

/* One RX/TX queue pair and its interrupt vector. */
struct pnic_queue {
    struct pnic *nic;
    struct pnic_fn *fn;         /* The function it belongs to. */
    int index;                  /* In nic->q. */
    struct cpu_core *irq_core;  /* Where its interrupt and NAPI run. */
    enum cpu_cat cat;           /* NAPI's category: softirq, or guest. */
    pnic_irq_fn irq;            /* NULL: host interrupt (see above). */
    void *irq_ctx;              /* For 'irq'. */
    uint64_t iova;              /* Base of its rings and buffers in the
                                 * owner's DMA space (a guest's memory);
                                 * 0 for the host's. */

    bool pool;                  /* A VMDq pool: takes frames for... */
    struct vh_mac pool_mac;     /* ...this destination MAC... */
    int pool_vlan;              /* ...in this VLAN (-1: untagged). */

    uint32_t rx_dma;            /* Descriptors held by frames in DMA. */
    struct vh_pktq rx_done;     /* Written to memory, not yet polled. */
    uint32_t rx_next;           /* Next RX descriptor slot. */

    struct qdisc qdisc;         /* Frames the driver holds while the TX
                                 * ring is full (models/core/qdisc.h). */
    uint32_t tx_used;           /* Descriptors posted and not cleaned. */
    uint32_t tx_posting;        /* Frames the driver is preparing. */
    vh_time_t tx_post_at;       /* When the last of them is posted. */
    uint32_t tx_uncleaned;      /* Done, waiting for the driver. */
    uint32_t tx_next;           /* Next TX descriptor slot. */
    struct pnic_txsk *tx_sk;    /* By TX slot: the socket its frame counts
                                 * for until the slot is cleaned (TCP Small
                                 * Queues), or none. */
    struct vh_pktq tx_fifo;     /* Fetched, waiting for the cable. */
    bool wire_listed;           /* In the NIC's round robin. */
    struct pnic_queue *wire_next;

    bool napi_on;               /* Interrupt taken, poll not finished. */
    vh_time_t last_irq;
    struct vh_timer itr;        /* Moderation delay before an interrupt. */
    struct itr mod;             /* The gap it keeps (models/hw/itr.h). */
    uint32_t budget_left;
    bool gro_on;                /* GRO in its NAPI poll ("gro" of the NIC,
                                 * or of the VM NIC whose VF it is). */
    struct gro_cell gro;        /* The frame GRO is growing. */
    struct vh_packet *gro_next; /* Due up right after the frame being
                                 * handed up. */
    uint8_t *tx_segs;           /* By TX slot: wire frames of its
                                 * descriptor not yet done (TSO cuts one
                                 * into many; it completes with its
                                 * last). */
    uint32_t tx_fetched;        /* Descriptors fetched, ever. */
    uint32_t tx_done_desc;      /* Of them, completed. */

    /* Counters. */
    uint64_t rx_frames;         /* Frames written to this queue. */
    uint64_t tx_frames;         /* Frames fetched from this queue. */
    uint64_t irqs;              /* Interrupts raised. */
};

struct pnic {
    struct vh_device dev;       /* "host1/eth0". */
    struct host *host;
    const struct cfg_nic *cfg;
    struct port wire;           /* The cable side. */
    struct port stack;          /* The host side (bridge or stack). */
    struct vh_device *master;   /* The bridge it is enslaved to, or NULL:
                                 * its host side and the host's address
                                 * on it join that bridge. */
    struct vh_server pcie;      /* The PCIe link's DMA bandwidth. */
    uint32_t rx_ring;           /* Descriptors per RX ring. */
    uint32_t tx_ring;           /* Descriptors per TX ring. */
    bool tx_wire_busy;
    struct pnic_queue *wire_head;   /* Queues with frames for the cable, */
    struct pnic_queue *wire_tail;   /* served round robin. */
    struct pnic_queue *wire_q;  /* Whose frame is on the cable. */
    int n_queues;               /* The PF's RSS queues, q[0..n_queues): the
                                 * ones a host driver or a poll-mode
                                 * driver uses. */
    int n_all;                  /* Every queue: RSS, VMDq pools, VFs. */
    struct pnic_queue *q;       /* The PF's queues first (RSS, then VMDq
                                 * pools), then one per VF. */
    struct pnic_fn pf;
    int *xps;                   /* TX queue of the PF by host core. */
    struct sriov *sriov;        /* VFs and the embedded switch, or NULL. */
    struct pnic_poller poller;  /* Set in poll mode (rx_ready != NULL). */
    struct pnic_agent agents[PNIC_MAX_AGENTS];  /* Those bound. */
    int n_agents;
    struct lldp_agent *lldp;    /* lldpd's on it ("lldp"), or NULL: the
                                 * report lists its neighbours. */
};

/* Creates the NIC 'cfg' of host 'h': its PF queues (RSS queues, a VMDq
 * pool per VM NIC on a bridge over it, as far as the model has pools) and,
 * with "sriov", its VFs.  Registers the PF's requester ID with the host's
 * IOMMU, if any, in the identity domain. */
struct pnic *pnic_create(struct world *, struct host *,
                         const struct cfg_nic *);
void pnic_free(struct pnic *);

/* The same for a NIC class built on this one (a VN-Tag adapter,
 * models/hw/vic.h): registers the NIC as an instance of 'cls' and makes
 * room for 'n_fns' functions of one queue pair each, the last 'n_fns' of
 * nic->q, which the caller creates (sriov_create_fns()). */
struct dev_class;
struct pnic *pnic_create_as(struct world *, struct host *,
                            const struct cfg_nic *,
                            const struct dev_class *cls, int n_fns);

extern const struct dev_class pnic_class;

/* VMDq: moves the vector of the pool of 'mac' (VLAN 'vlan' or -1) to
 * 'core', the core serving that VM.  Returns false if there is no such
 * pool (the NIC has no VMDq, or ran out of pools). */
bool pnic_vmdq_bind(struct pnic *, const struct vh_mac *mac, int vlan,
                    struct cpu_core *core);

/* The PF's queue of 'mac''s VMDq pool, or NULL. */
struct pnic_queue *pnic_vmdq_queue(struct pnic *, const struct vh_mac *mac,
                                   int vlan);

/* Makes 'q' a queue whose driver runs in a guest: NAPI on 'vcpu' as
 * 'guest', interrupts through 'irq', rings and buffers at 'iova'. */
void pnic_queue_to_guest(struct pnic_queue *q, struct cpu_core *vcpu,
                         pnic_irq_fn irq, void *irq_ctx, uint64_t iova);

/* Bytes of DMA space one queue's rings and buffers take. */
uint64_t pnic_queue_dma_size(const struct pnic *);

/* A driver transmits 'p' on queue 'q' from 'core': its own work and the
 * doorbell write, charged as 'cat' at 'dev'; once they are done the frame
 * is posted to the ring, or held in the queue's qdisc while the ring is
 * full.  The host's driver and a
 * guest's VF driver both go this way.  Takes 'p'. */
void pnic_driver_xmit(struct world *, struct pnic_queue *q,
                      struct cpu_core *core, enum cpu_cat cat,
                      struct vh_packet *p, const struct vh_device *dev);

/* Binds agent 'a' to the NIC (PNIC_MAX_AGENTS at most). */
void pnic_agent_bind(struct pnic *, const struct pnic_agent *a);

/* The context of the agent whose receive function is 'rx', or NULL. */
void *pnic_agent_ctx(const struct pnic *,
                     void (*rx)(struct world *, void *, struct vh_packet *));

/* The NIC whose host side is port 'p' (what a bridge it is enslaved to
 * joins), or NULL if 'p' is no NIC's. */
struct pnic *pnic_of_stack(const struct port *p);

/* Adds the VLANs of bitmap 'vids' (PORT_VLAN_WORDS words) to the NIC's
 * VLAN filter, as the kernel's ndo_vlan_rx_add_vid does for each VLAN a
 * bridge enslaving the NIC carries: with SR-IOV the PF then takes tagged
 * frames of those VLANs from the embedded switch (models/hw/sriov.h);
 * without, the NIC takes every VLAN anyway. */
void pnic_vlan_filter_add(struct pnic *, const uint64_t *vids);

/* Runs 'q''s NAPI poll on its core from time 'at' (for interrupt hooks). */
void pnic_napi_schedule(struct world *, struct pnic_queue *q, vh_time_t at);

/* --- For the embedded switch (models/hw/sriov.c). --- */

/* Hands 'p' to function 'fn''s receive side at time 'ready': its queue is
 * chosen, the frame is written by DMA and the interrupt raised.  Takes
 * 'p'. */
void pnic_fn_rx(struct world *, struct pnic_fn *fn, struct vh_packet *p,
                vh_time_t ready);

/* Queues 'p', fetched from 'q', for the cable.  Takes 'p'.  Its descriptor
 * completes once it has left. */
void pnic_wire_send(struct world *, struct pnic_queue *q,
                    struct vh_packet *p);

/* One of 'q''s descriptors is done without the cable (switched inside the
 * NIC, or dropped by it). */
void pnic_tx_complete(struct world *, struct pnic_queue *q);

/* Translates a DMA by 'fn' through the host's IOMMU, if any: adds page
 * walks to '*extra'; false if it is blocked. */
bool pnic_dma(struct world *, const struct pnic_fn *fn, uint64_t iova,
              uint32_t len, vh_time_t *extra);

/* --- Poll mode. --- */

void pnic_set_poller(struct pnic *, const struct pnic_poller *);

/* The next received frame of queue 'q', or NULL.  Frees its descriptor. */
struct vh_packet *pnic_poll_rx(struct pnic *, int q);

/* Frames waiting in queue 'q'. */
uint32_t pnic_poll_rx_pending(const struct pnic *, int q);

/* Posts 'p' for transmission on queue 'q' now (the caller has charged the
 * poll-mode driver's work).  Takes 'p'; a full ring drops it. */
void pnic_poll_tx(struct world *, struct pnic *, int q, struct vh_packet *p);

/* What a received frame's queueing hop says (vh_hop.what) when its
 * interrupt waits for the interrupt moderation gap (models/hw/itr.h). */
#define PNIC_ITR_HELD "interrupt moderation holds the interrupt"

/* Why no agent of the host kernel (lldpd, lldpad's VDP) can open a
 * socket on 'nic', or NULL when one can: a DPDK poll-mode driver owns it,
 * or it is passed through to a guest. */
const char *pnic_no_kernel_driver(const struct pnic *nic);

#endif /* models/hw/pnic.h */
