/* models/hw/pnic.c: physical NIC, its queues, DMA, interrupts and NAPI. */
#include "models/hw/pnic.h"

#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/devclass.h"
#include "models/core/defaults.h"
#include "models/core/lldp_agent.h"
#include "models/hw/cpu.h"
#include "models/core/host.h"
#include "models/hw/iommu.h"
#include "models/hw/sriov.h"
#include "models/core/world.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

/* Where a queue's rings and buffers lie in its DMA space: two descriptor
 * rings of 16-byte descriptors, then one 2 KiB buffer per descriptor
 * (RX and TX), each area 2 MiB aligned, so that 2 MiB pages cover an
 * area with one IOTLB entry and 4 KiB pages need one per two buffers. */
#define DESC_SIZE 16
#define BUF_SIZE 2048
#define RXD_OFF 0
#define TXD_OFF (64u << 10)
#define RXBUF_OFF (2ULL << 20)
#define TXBUF_OFF (10ULL << 20)
#define QUEUE_DMA_SIZE (32ULL << 20)

static void pnic_raise_irq(struct world *, struct pnic_queue *);
static void napi_deliver(struct vh_sim *, void *obj, void *arg);
static void pnic_tx_wire_next(struct world *, struct pnic *);
static void pnic_ring_post(struct world *, struct pnic_queue *,
                           struct vh_packet *);
static bool tx_room(const struct pnic_queue *);
static void driver_xmit_one(struct world *, struct pnic_queue *,
                            struct cpu_core *, enum cpu_cat,
                            struct vh_packet *, const struct vh_device *);

/* Counter 'n''s slot in a ring of 'size' descriptors.  A mask where the
 * size is a power of two, as every model's default is: a division on the
 * per-frame path was a tenth of the wire's completion event. */
static inline uint32_t
ring_slot(uint32_t n, uint32_t size)
{
    return size & (size - 1) ? n % size : n & (size - 1);
}

/* The queue belongs to a poll-mode driver: the PF's, in poll mode. */
static bool
polled(const struct pnic_queue *q)
{
    return q->nic->poller.rx_ready && q->fn == &q->nic->pf;
}

/* --- Interrupts and NAPI. --- */

/* The agent 'p', received by the host's PF driver, is for, or NULL. */
static const struct pnic_agent *
for_agent(const struct pnic_queue *q, const struct vh_packet *p)
{
    const struct pnic *nic = q->nic;
    if (q->fn != &nic->pf || p->len < VH_ETH_HLEN) {
        return NULL;
    }
    for (int i = 0; i < nic->n_agents; i++) {
        const struct pnic_agent *a = &nic->agents[i];
        if (a->match ? a->match(p->data, p->len)
            : vh_eth_type(p->data) == a->ethertype) {
            return a;
        }
    }
    return NULL;
}

static void
napi_step(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct pnic_queue *q = obj;
    struct cpu_core *core = q->irq_core;
    struct vh_device *dev = q->fn->dev;

    if ((!q->rx_done.count || !q->budget_left) && q->gro.held) {
        /* The poll (or its budget) ends: GRO hands up what it holds. */
        struct vh_packet *f = gro_flush(&q->gro);
        vh_time_t t = cpu_charge(w, core, COST_NETIF_RECEIVE, 0, q->cat, f,
                                 dev);
        vh_schedule_at(sim, t, napi_deliver, q, f);
        return;
    }
    if (!q->rx_done.count) {
        /* Poll done: interrupts back on, at the gap the driver now
         * chooses.  A TX completion that came in during the poll raises
         * a new one. */
        q->napi_on = false;
        itr_update(&q->mod, sim->now);
        if (q->tx_uncleaned) {
            pnic_raise_irq(w, q);
        }
        return;
    }
    if (!q->budget_left) {
        /* Budget spent with work left: the softirq polls again. */
        vh_time_t t = cpu_charge(w, core, COST_NAPI_POLL, 0, q->cat, NULL,
                                 dev);
        q->budget_left = cost_count(&w->costs, COST_NAPI_BUDGET);
        vh_schedule_at(sim, t, napi_step, q, NULL);
        return;
    }
    struct vh_packet *p = vh_pktq_pop(&q->rx_done);
    q->budget_left--;
    itr_count(&q->mod.rx, p->len);
    p->exec = &core->srv;
    vh_time_t t = cpu_charge(w, core, COST_DRIVER_RX, 0, q->cat, p, dev);
    if (q->gro_on && q->fn->up->peer && q->fn->up->peer->takes_gso
        && !for_agent(q, p)) {
        p = gro_receive(w, &q->gro, p, core, q->cat, dev, &q->gro_next);
        if (!p) {
            vh_schedule_at(sim, w->sim.now, napi_step, q, NULL);
            return;
        }
        if (q->gro_next) {
            cpu_charge(w, core, COST_NETIF_RECEIVE, 0, q->cat, q->gro_next,
                       dev);
        }
    }
    t = cpu_charge(w, core, COST_NETIF_RECEIVE, 0, q->cat, p, dev);
    vh_schedule_at(sim, t, napi_deliver, q, p);
    (void) arg;
}

struct pnic *
pnic_of_stack(const struct port *p)
{
    struct pnic *nic = p->dev && p->dev->cls == &pnic_class ? p->owner
                                                            : NULL;
    return nic && &nic->stack == p ? nic : NULL;
}

void
pnic_vlan_filter_add(struct pnic *nic, const uint64_t *vids)
{
    if (nic->sriov) {
        sriov_pf_vlans_add(nic->sriov, vids);
    }
}

void
pnic_agent_bind(struct pnic *nic, const struct pnic_agent *a)
{
    if (nic->n_agents < PNIC_MAX_AGENTS) {
        nic->agents[nic->n_agents++] = *a;
    }
}

void *
pnic_agent_ctx(const struct pnic *nic,
               void (*rx)(struct world *, void *, struct vh_packet *))
{
    for (int i = 0; i < nic->n_agents; i++) {
        if (nic->agents[i].rx == rx) {
            return nic->agents[i].ctx;
        }
    }
    return NULL;
}

/* Runs after a frame's driver work: hands it up, then polls on. */
static void
napi_deliver(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct pnic_queue *q = obj;
    struct vh_packet *p = arg;
    const struct pnic_agent *a = for_agent(q, p);
    if (a) {
        a->rx(w, a->ctx, p);
    } else {
        port_deliver(w, q->fn->up, p);
    }
    struct vh_packet *next = q->gro_next;
    if (next) {
        q->gro_next = NULL;
        port_deliver(w, q->fn->up, next);
    }
    napi_step(sim, q, NULL);
}

/* The oldest posted TX descriptor is free again: its frame's socket
 * hears of it. */
static void
tx_clean_one(struct pnic_queue *q)
{
    struct pnic_txsk *sk = &q->tx_sk[ring_slot(q->tx_next - q->tx_used,
                                               q->nic->tx_ring)];
    q->tx_used--;
    if (sk->owner) {
        struct vh_tx_owner *o = sk->owner;
        sk->owner = NULL;
        o->wmem -= sk->bytes;
        o->done(o, sk->bytes);
    }
}

static void
napi_start(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct pnic_queue *q = obj;
    struct cpu_core *core = q->irq_core;
    struct vh_device *dev = q->fn->dev;

    vh_time_t t = cpu_charge(w, core, COST_NAPI_POLL, 0, q->cat, NULL, dev);
    if (q->tx_uncleaned) {
        t = cpu_charge_n(w, core, COST_DRIVER_TX_CLEAN, q->tx_uncleaned,
                         q->cat, NULL, dev);
        for (; q->tx_uncleaned; q->tx_uncleaned--) {
            tx_clean_one(q);
        }
    }
    /* Descriptors are free: the stopped queue wakes, and the qdisc hands
     * its frames to the driver here, in the poll. */
    while (!qdisc_empty(&q->qdisc) && tx_room(q)) {
        struct vh_packet *p = qdisc_dequeue(&q->qdisc);
        p->exec = &core->srv;
        driver_xmit_one(w, q, core, q->cat, p, dev);
    }
    q->budget_left = cost_count(&w->costs, COST_NAPI_BUDGET);
    vh_schedule_at(sim, t, napi_step, q, NULL);
    (void) arg;
}

void
pnic_napi_schedule(struct world *w, struct pnic_queue *q, vh_time_t at)
{
    vh_schedule_at(&w->sim, at, napi_start, q, NULL);
}

static void
pnic_fire_irq(struct world *w, struct pnic_queue *q)
{
    q->napi_on = true;
    q->last_irq = w->sim.now;
    q->irqs++;
    if (q->irq) {
        q->irq(w, q);
        return;
    }
    q->nic->host->interrupts++;
    vh_time_t t = cpu_charge(w, q->irq_core, COST_HW_IRQ, 0, CPU_IRQ,
                             q->rx_done.head, q->fn->dev);
    pnic_napi_schedule(w, q, t);
}

static void
pnic_itr_expired(struct vh_sim *sim, void *obj, void *arg)
{
    struct pnic_queue *q = obj;
    if (!q->napi_on) {
        pnic_fire_irq(world_of(sim), q);
    }
    (void) arg;
}

/* There is something for the driver.  Interrupt now, or when moderation
 * allows, unless a poll is already running (it will see the work). */
static void
pnic_raise_irq(struct world *w, struct pnic_queue *q)
{
    if (q->napi_on || vh_timer_armed(&q->itr)) {
        return;
    }
    vh_time_t at = q->last_irq + q->mod.gap;
    if (q->last_irq == 0 || at <= w->sim.now) {
        pnic_fire_irq(w, q);
    } else {
        vh_timer_arm_at(&w->sim, &q->itr, at);
    }
}

/* --- DMA. --- */

bool
pnic_dma(struct world *w, const struct pnic_fn *fn, uint64_t iova,
         uint32_t len, vh_time_t *extra)
{
    struct host *h = fn->nic->host;
    return !h->iommu || iommu_dma(w, h->iommu, fn->rid, iova, len, extra);
}

/* The host's IOTLB counters now, so that a DMA's hop can say how many
 * translations it found cached and how many it walked (the GUI draws
 * them at the IOMMU); zeros without an IOMMU. */
static void
iotlb_mark(const struct pnic_fn *fn, uint64_t *hits, uint64_t *misses)
{
    const struct iommu *mmu = fn->nic->host->iommu;
    *hits = mmu ? mmu->iotlb_hits : 0;
    *misses = mmu ? mmu->iotlb_misses : 0;
}

uint64_t
pnic_queue_dma_size(const struct pnic *nic)
{
    (void) nic;
    return QUEUE_DMA_SIZE;
}

/* --- Receive. --- */

static void
pnic_rx_dma_done(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct pnic_queue *q = obj;
    struct vh_packet *p = arg;
    struct pnic *nic = q->nic;

    q->rx_dma--;
    q->rx_frames++;
    vh_pktq_push(&q->rx_done, p);
    /* Said on the hop when the interrupt for it will wait out the
     * throttle's gap (pnic_raise_irq), so 'vhsim explain' can name the
     * wait that follows. */
    bool held = !polled(q) && !q->napi_on
                && (vh_timer_armed(&q->itr)
                    || (q->last_irq && q->last_irq + q->mod.gap > sim->now));
    VH_TRACE(&w->trace, VH_HOP_ENQUEUE, .time = sim->now, .pkt = p,
             .dev = q->fn->dev, .depth = q->rx_done.count,
             .what = held ? PNIC_ITR_HELD : NULL,
             .queue = (uint16_t) (q->index + 1));
    if (polled(q)) {
        if (q->rx_done.count == 1) {
            nic->poller.rx_ready(w, nic->poller.ctx, nic, q->index);
        }
        return;
    }
    pnic_raise_irq(w, q);
}


/* Sorts a received frame to one of the function's queues: a VMDq pool
 * by destination MAC and VLAN, else RSS, else the first queue. */
static struct pnic_queue *
fn_rx_queue(struct pnic_fn *fn, const struct vh_packet *p)
{
    struct pnic_queue *q = &fn->nic->q[fn->first_q];
    if (fn->n_q == 1) {
        return q;
    }
    if (fn->n_q > fn->n_rss) {
        const struct vh_mac *dst = vh_eth_dst(p->data);
        int vlan = vh_frame_vlan(p->data, p->len);
        for (int i = fn->n_rss; i < fn->n_q; i++) {
            if (q[i].pool && q[i].pool_vlan == vlan
                && vh_mac_eq(&q[i].pool_mac, dst)) {
                return &q[i];
            }
        }
    }
    uint32_t hash;
    if (fn->n_rss > 1
        && vh_rss_hash_frame(vh_rss_default_key, p->data, p->len, &hash)) {
        return &q[fn->reta[hash & (VH_RSS_RETA_SIZE - 1)]];
    }
    return q;
}

void
pnic_fn_rx(struct world *w, struct pnic_fn *fn, struct vh_packet *p,
           vh_time_t ready)
{
    struct pnic *nic = fn->nic;
    struct pnic_queue *q = fn_rx_queue(fn, p);

    if (q->rx_dma + q->rx_done.count >= nic->rx_ring) {
        acct_drop(w, p, fn->dev, "rx-ring-full");
        return;
    }
    /* The NIC writes the frame into the buffer of the next descriptor,
     * then writes the descriptor back. */
    uint32_t slot = ring_slot(q->rx_next, nic->rx_ring);
    vh_time_t extra = 0;
    uint64_t hits0, misses0;
    iotlb_mark(fn, &hits0, &misses0);
    if (!pnic_dma(w, fn, q->iova + RXBUF_OFF + (uint64_t) slot * BUF_SIZE,
                  p->len, &extra)
        || !pnic_dma(w, fn, q->iova + RXD_OFF + (uint64_t) slot * DESC_SIZE,
                     DESC_SIZE, &extra)) {
        acct_drop(w, p, fn->dev, "iommu-blocked");
        return;
    }
    q->rx_next++;
    q->rx_dma++;
    /* An IOTLB miss holds the DMA engine for the page walk: the frames
     * behind wait for it too. */
    vh_time_t done = vh_server_take(&nic->pcie, ready,
                                    hw_time(w, COST_PCIE_BYTE, p->len)
                                    + extra)
                     + hw_time(w, COST_PCIE_LATENCY, 0);
    uint64_t hits, misses;
    iotlb_mark(fn, &hits, &misses);
    VH_TRACE(&w->trace, VH_HOP_SERVICE, .time = w->sim.now, .end = done,
             .pkt = p, .dev = fn->dev,
             .iotlb_hits = (uint16_t) (hits - hits0),
             .iotlb_misses = (uint16_t) (misses - misses0));
    vh_schedule_at(&w->sim, done, pnic_rx_dma_done, q, p);
}

/* A frame arrived from the cable (already counted and captured). */
static void
pnic_wire_rx(struct world *w, struct port *port, struct vh_packet *p)
{
    struct pnic *nic = port->owner;
    vh_time_t ready = w->sim.now + hw_time(w, COST_NIC_LATENCY, 0);
    if (nic->sriov) {
        sriov_wire_rx(w, nic->sriov, p, ready);
    } else {
        pnic_fn_rx(w, &nic->pf, p, ready);
    }
}

/* --- Transmit. --- */

void
pnic_tx_complete(struct world *w, struct pnic_queue *q)
{
    /* Frames leave in the order their descriptors were fetched; a TSO
     * job's descriptor completes with its last frame. */
    uint8_t *left = &q->tx_segs[ring_slot(q->tx_done_desc,
                                            q->nic->tx_ring)];
    if (*left > 1) {
        (*left)--;
        return;
    }
    *left = 0;
    q->tx_done_desc++;
    if (polled(q)) {
        /* The poll-mode driver reclaims descriptors in its own bursts;
         * their cost is part of its per-frame transmit work. */
        tx_clean_one(q);
    } else {
        q->tx_uncleaned++;
        pnic_raise_irq(w, q);
    }
}

static void
pnic_tx_wire_done(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct pnic *nic = obj;
    nic->tx_wire_busy = false;
    pnic_tx_complete(w, nic->wire_q);
    nic->wire_q = NULL;
    pnic_tx_wire_next(w, nic);
    (void) arg;
}

static void
wire_list_append(struct pnic *nic, struct pnic_queue *q)
{
    q->wire_listed = true;
    q->wire_next = NULL;
    if (nic->wire_tail) {
        nic->wire_tail->wire_next = q;
    } else {
        nic->wire_head = q;
    }
    nic->wire_tail = q;
}

/* The cable takes one frame at a time, from the queues in turn. */
static void
pnic_tx_wire_next(struct world *w, struct pnic *nic)
{
    if (nic->tx_wire_busy || !nic->wire_head) {
        return;
    }
    struct pnic_queue *q = nic->wire_head;
    nic->wire_head = q->wire_next;
    if (!nic->wire_head) {
        nic->wire_tail = NULL;
    }
    q->wire_listed = false;
    struct vh_packet *p = vh_pktq_pop(&q->tx_fifo);
    if (q->tx_fifo.count) {
        wire_list_append(nic, q);
    }
    nic->tx_wire_busy = true;
    nic->wire_q = q;
    link_transmit(w, &nic->wire, p, pnic_tx_wire_done, nic);
}

void
pnic_wire_send(struct world *w, struct pnic_queue *q, struct vh_packet *p)
{
    struct pnic *nic = q->nic;
    vh_pktq_push(&q->tx_fifo, p);
    if (!q->wire_listed) {
        wire_list_append(nic, q);
    }
    pnic_tx_wire_next(w, nic);
}

static void
pnic_tx_fetched(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct pnic_queue *q = obj;
    struct vh_packet *p = arg;
    struct vh_packet *segs[OFFLOAD_MAX_SEGS];
    /* TSO: the NIC cuts a super-frame into the frames it sends, in its
     * own hardware. */
    size_t n = offload_is_super(p) ? offload_segment(w, p, segs) : 1;
    if (n == 1) {
        segs[0] = p;
    }
    q->tx_segs[ring_slot(q->tx_fetched++, q->nic->tx_ring)] = (uint8_t) n;
    for (size_t i = 0; i < n; i++) {
        q->tx_frames++;
        itr_count(&q->mod.tx, segs[i]->len);
        if (q->nic->sriov) {
            sriov_tx(w, q->nic->sriov, q, segs[i]);
        } else {
            pnic_wire_send(w, q, segs[i]);
        }
    }
}

/* The driver of 'q''s function posts 'p' to the TX ring now, having
 * charged its own work.  Takes 'p'; a full ring drops it. */
static void
pnic_ring_post(struct world *w, struct pnic_queue *q, struct vh_packet *p)
{
    struct pnic *nic = q->nic;
    struct pnic_fn *fn = q->fn;

    if (q->tx_used >= nic->tx_ring) {
        acct_drop(w, p, fn->dev, "tx-ring-full");
        return;
    }
    /* Two dependent reads: the descriptor, then the frame it points to. */
    uint32_t slot = ring_slot(q->tx_next, nic->tx_ring);
    vh_time_t extra = 0;
    uint64_t hits0, misses0;
    iotlb_mark(fn, &hits0, &misses0);
    if (!pnic_dma(w, fn, q->iova + TXD_OFF + (uint64_t) slot * DESC_SIZE,
                  DESC_SIZE, &extra)
        || !pnic_dma(w, fn, q->iova + TXBUF_OFF + (uint64_t) slot * BUF_SIZE,
                     p->len, &extra)) {
        acct_drop(w, p, fn->dev, "iommu-blocked");
        return;
    }
    /* The socket's frame is the ring's now, until the slot is cleaned. */
    q->tx_sk[slot].owner = p->owner;
    q->tx_sk[slot].bytes = p->owner_bytes;
    p->owner = NULL;
    q->tx_next++;
    q->tx_used++;
    p->exec = NULL;
    vh_time_t done = vh_server_take(&nic->pcie, w->sim.now,
                                    hw_time(w, COST_PCIE_BYTE, p->len)
                                    + extra)
                     + 2 * hw_time(w, COST_PCIE_LATENCY, 0)
                     + hw_time(w, COST_NIC_LATENCY, 0);
    uint64_t hits, misses;
    iotlb_mark(fn, &hits, &misses);
    VH_TRACE(&w->trace, VH_HOP_SERVICE, .time = w->sim.now, .end = done,
             .pkt = p, .dev = fn->dev,
             .iotlb_hits = (uint16_t) (hits - hits0),
             .iotlb_misses = (uint16_t) (misses - misses0));
    vh_schedule_at(&w->sim, done, pnic_tx_fetched, q, p);
}

static void
pnic_tx_post_ev(struct vh_sim *sim, void *obj, void *arg)
{
    struct pnic_queue *q = obj;
    q->tx_posting--;
    pnic_ring_post(world_of(sim), q, arg);
}

/* Whether the driver's queue is awake: a descriptor is free for one more
 * frame, counting those the driver is still preparing. */
static bool
tx_room(const struct pnic_queue *q)
{
    return q->tx_used + q->tx_posting < q->nic->tx_ring;
}

/* The driver's own work for 'p' and the doorbell write, then the post. */
static void
driver_xmit_one(struct world *w, struct pnic_queue *q, struct cpu_core *core,
                enum cpu_cat cat, struct vh_packet *p,
                const struct vh_device *dev)
{
    q->tx_posting++;
    cpu_charge(w, core, COST_DRIVER_TX, 0, cat, p, dev);
    vh_time_t t = cpu_charge(w, core, COST_MMIO_WRITE, 0, cat, p, dev);
    /* One CPU at a time transmits on a queue (the qdisc's running bit,
     * the queue's xmit lock): frames reach the ring in the order they
     * came down, whichever core carries each. */
    if (t < q->tx_post_at) {
        t = q->tx_post_at;
    }
    q->tx_post_at = t;
    vh_schedule_at(&w->sim, t, pnic_tx_post_ev, q, p);
}

void
pnic_driver_xmit(struct world *w, struct pnic_queue *q, struct cpu_core *core,
                 enum cpu_cat cat, struct vh_packet *p,
                 const struct vh_device *dev)
{
    if (offload_is_super(p) && q->fn == &q->nic->pf
        && !q->nic->cfg->offloads.tso) {
        /* No TSO on this NIC: GSO cuts the frame before the driver. */
        struct vh_packet *segs[OFFLOAD_MAX_SEGS];
        vh_time_t done;
        size_t n = offload_gso(w, p, core, cat, dev, segs, &done);
        for (size_t i = 0; i < n; i++) {
            pnic_driver_xmit(w, q, core, cat, segs[i], dev);
        }
        return;
    }
    if (!polled(q) && (!tx_room(q) || !qdisc_empty(&q->qdisc))) {
        /* The driver stopped the queue: the qdisc holds the frame, in the
         * order the stack handed frames down. */
        qdisc_enqueue(w, &q->qdisc, p, q->fn->dev);
        return;
    }
    driver_xmit_one(w, q, core, cat, p, dev);
}

/* The host hands a frame to the driver, on the core that carries it. */
static void
pnic_stack_rx(struct world *w, struct port *port, struct vh_packet *p)
{
    struct pnic *nic = port->owner;
    struct cpu_core *core = cpu_exec_core(p, nic->q[0].irq_core);
    struct pnic_queue *q = &nic->q[vh_tx_owner_queue(p, nic,
                                                     nic->xps[core->index])];
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = &nic->dev);
    pnic_driver_xmit(w, q, core, CPU_SOFTIRQ, p, &nic->dev);
}

/* --- Placement. --- */

/* XPS: the PF's TX queue for each host core is the queue whose vector is
 * on that core (a VMDq pool before an RSS queue, so a VM's frames leave
 * by its own pool), else core modulo the RSS queues. */
static void
pnic_xps_update(struct pnic *nic)
{
    struct host *h = nic->host;
    const struct pnic_fn *pf = &nic->pf;
    for (int c = 0; c < h->n_cores; c++) {
        int pick = -1;
        for (int i = pf->n_q - 1; i >= 0 && pick < 0; i--) {
            if (nic->q[pf->first_q + i].irq_core == &h->cores[c]) {
                pick = pf->first_q + i;
            }
        }
        nic->xps[c] = pick >= 0 ? pick : pf->first_q + c % pf->n_rss;
    }
}

struct pnic_queue *
pnic_vmdq_queue(struct pnic *nic, const struct vh_mac *mac, int vlan)
{
    const struct pnic_fn *pf = &nic->pf;
    for (int i = pf->first_q + pf->n_rss; i < pf->first_q + pf->n_q; i++) {
        struct pnic_queue *q = &nic->q[i];
        if (q->pool && q->pool_vlan == vlan && vh_mac_eq(&q->pool_mac, mac)) {
            return q;
        }
    }
    return NULL;
}

bool
pnic_vmdq_bind(struct pnic *nic, const struct vh_mac *mac, int vlan,
               struct cpu_core *core)
{
    struct pnic_queue *q = pnic_vmdq_queue(nic, mac, vlan);
    if (!q) {
        return false;
    }
    q->irq_core = core;
    pnic_xps_update(nic);
    return true;
}

void
pnic_queue_to_guest(struct pnic_queue *q, struct cpu_core *vcpu,
                    pnic_irq_fn irq, void *irq_ctx, uint64_t iova)
{
    q->irq_core = vcpu;
    q->cat = CPU_GUEST;
    q->irq = irq;
    q->irq_ctx = irq_ctx;
    q->iova = iova;
}

/* --- Life cycle. --- */

/* Per model: the driver's default ring size and the VMDq pools
 * (models/core/defaults.h). */
static void
nic_model_defaults(const char *model, uint32_t *ring, int *pools)
{
    if (!strcmp(model, "i350")) {
        *ring = VH_DEF_RING_I350;
        *pools = VH_DEF_POOLS_I350;
    } else if (!strcmp(model, "generic")) {
        *ring = VH_DEF_RING_GENERIC;
        *pools = VH_DEF_POOLS_GENERIC;
    } else {
        *ring = VH_DEF_RING_82599;
        *pools = VH_DEF_POOLS_82599;
    }
}

/* The bridge of host config 'ch' that has NIC 'name' as a port. */
static const struct cfg_bridge *
cfg_bridge_of(const struct cfg_host *ch, const char *name)
{
    for (size_t b = 0; b < ch->n_bridges; b++) {
        for (size_t i = 0; i < ch->bridges[b].n_ports; i++) {
            if (!strcmp(ch->bridges[b].ports[i], name)) {
                return &ch->bridges[b];
            }
        }
    }
    return NULL;
}

/* VMDq pools: one per VM NIC on the bridge over this NIC, in scenario
 * order, as long as the NIC has pools left.  Fills 'macs' and 'vlans'
 * (which hold 'max' entries) and returns how many. */
static int
vmdq_pools(const struct cfg_host *ch, const struct cfg_nic *cfg,
           struct vh_mac *macs, int *vlans, int max)
{
    const struct cfg_bridge *br = cfg->vmdq ? cfg_bridge_of(ch, cfg->name)
                                            : NULL;
    int n = 0;
    for (size_t v = 0; br && v < ch->n_vms; v++) {
        const struct cfg_vm *vm = &ch->vms[v];
        for (size_t i = 0; i < vm->n_nics && n < max; i++) {
            const struct cfg_vnic *vn = &vm->nics[i];
            if (vn->attach == CFG_AT_BRIDGE
                && !strcmp(vn->attach_to, br->name)) {
                macs[n] = vn->mac;
                vlans[n] = vn->vlan;
                n++;
            }
        }
    }
    return n;
}


struct pnic *
pnic_create_as(struct world *w, struct host *h, const struct cfg_nic *cfg,
               const struct dev_class *cls, int n_fns)
{
    struct pnic *nic = vh_xcalloc(1, sizeof *nic);
    dev_register(w, &nic->dev, cls, &h->dev, cfg->name);
    nic->dev.report = 1;
    nic->host = h;
    nic->cfg = cfg;
    port_init(&nic->wire, pnic_wire_rx, nic, &nic->dev, 0);
    port_init(&nic->stack, pnic_stack_rx, nic, &nic->dev, 1);
    nic->stack.takes_gso = true;    /* TSO, or GSO in pnic_driver_xmit. */
    nic->stack.tx_done = true;
    vh_server_init(&nic->pcie);

    int max_pools;
    nic_model_defaults(cfg->model, &nic->rx_ring, &max_pools);
    nic->tx_ring = nic->rx_ring;
    if (cfg->rx_ring) {
        nic->rx_ring = (uint32_t) cfg->rx_ring;
    }
    if (cfg->tx_ring) {
        nic->tx_ring = (uint32_t) cfg->tx_ring;
    }

    /* Pools left for VMDq: all but the PF's default pool and the VFs'. */
    int free_pools = max_pools - 1 - n_fns;
    free_pools = free_pools > 0 ? free_pools : 0;
    struct vh_mac *macs = vh_xcalloc((size_t) free_pools, sizeof *macs);
    int *vlans = vh_xcalloc((size_t) free_pools, sizeof *vlans);
    int n_pools = vmdq_pools(h->cfg, cfg, macs, vlans, free_pools);
    int n_rss = cfg->queues > 0 ? cfg->queues : VH_DEF_NIC_QUEUES;

    nic->n_queues = n_rss;
    nic->n_all = n_rss + n_pools + n_fns;
    nic->q = vh_xcalloc((size_t) nic->n_all, sizeof *nic->q);
    for (int i = 0; i < nic->n_all; i++) {
        struct pnic_queue *q = &nic->q[i];
        q->nic = nic;
        q->fn = &nic->pf;
        q->index = i;
        q->cat = CPU_SOFTIRQ;
        q->gro_on = cfg->offloads.gro;
        q->irq_core = host_irq_core(h, i < n_rss ? i : 0);
        vh_pktq_init(&q->rx_done, 0);
        vh_pktq_init(&q->tx_fifo, 0);
        qdisc_init(&q->qdisc, VH_DEF_TXQUEUELEN);
        q->tx_sk = vh_xcalloc(nic->tx_ring, sizeof *q->tx_sk);
        q->tx_segs = vh_xcalloc(nic->tx_ring, sizeof *q->tx_segs);
        vh_timer_init(&q->itr, pnic_itr_expired, q);
        itr_init(&q->mod, cfg, hw_time(w, COST_IRQ_MODERATION, 0));
    }
    for (int i = 0; i < n_pools; i++) {
        struct pnic_queue *q = &nic->q[n_rss + i];
        q->pool = true;
        q->pool_mac = macs[i];
        q->pool_vlan = vlans[i];
    }
    free(macs);
    free(vlans);

    /* The PF.  Each NIC sits on its own bus, from 03:00.0, leaving bus
     * numbers free above it for VFs that do not fit on one bus. */
    struct pnic_fn *pf = &nic->pf;
    int index = (int) (cfg - h->cfg->nics);
    pf->nic = nic;
    pf->index = 0;
    pf->dev = &nic->dev;
    pf->rid = (uint16_t) ((0x03 + 4 * index) << 8);
    pf->mac = cfg->mac;
    pf->vlan = -1;
    pf->enabled = true;
    pf->up = &nic->stack;
    pf->first_q = 0;
    pf->n_q = n_rss + n_pools;
    pf->n_rss = n_rss;
    for (int i = 0; i < VH_RSS_RETA_SIZE; i++) {
        pf->reta[i] = (uint8_t) (i % n_rss);
    }
    if (h->iommu) {
        iommu_attach(h->iommu, pf->rid, IOMMU_IDENTITY);
    }
    nic->xps = vh_xcalloc((size_t) h->n_cores, sizeof *nic->xps);
    pnic_xps_update(nic);
    return nic;
}

struct pnic *
pnic_create(struct world *w, struct host *h, const struct cfg_nic *cfg)
{
    int vfs = cfg->sriov_vfs;
    struct pnic *nic = pnic_create_as(w, h, cfg, &pnic_class, vfs);
    if (vfs > 0) {
        nic->sriov = sriov_create(w, nic, nic->n_all - vfs);
    }
    return nic;
}

void
pnic_free(struct pnic *nic)
{
    if (!nic) {
        return;
    }
    for (int i = 0; i < nic->n_all; i++) {
        vh_pktq_purge(&nic->q[i].rx_done);
        vh_pktq_purge(&nic->q[i].tx_fifo);
        qdisc_purge(&nic->q[i].qdisc);
        free(nic->q[i].tx_sk);
        free(nic->q[i].tx_segs);
    }
    sriov_free(nic->sriov);
    free(nic->xps);
    free(nic->q);
    free(nic);
}

/* --- The class. --- */

static bool
pnic_build(struct world *w, struct host *h, const void *cfg,
           struct vh_diag *diag)
{
    struct pnic *nic = pnic_create(w, h, cfg);
    h->nics = vh_xrealloc(h->nics, (h->n_nics + 1) * sizeof *h->nics);
    h->nics[h->n_nics++] = nic;
    (void) diag;
    return true;
}

static struct port *
pnic_wire(struct vh_device *d, uint64_t *bps)
{
    struct pnic *nic = VH_CONTAINER_OF(d, struct pnic, dev);
    *bps = nic->cfg->speed_bps;
    return &nic->wire;
}

static bool
pnic_has_link(const struct vh_device *d)
{
    return VH_CONTAINER_OF(d, const struct pnic, dev)->wire.link != NULL;
}

static void
pnic_set_link(struct world *w, struct vh_device *d, bool up)
{
    port_set_link(&VH_CONTAINER_OF(d, struct pnic, dev)->wire, up);
    (void) w;
}

static void
pnic_destroy(struct vh_device *d)
{
    pnic_free(VH_CONTAINER_OF(d, struct pnic, dev));
}

/* The models whose limits the loader knows (loader/scenario_hosts.c). */
static const char *const pnic_models[] = {
    "generic", "i350", "82599", "x520", NULL,
};

/* A NIC has something to report when lldpd runs on it: its
 * neighbours, as lldpctl lists them. */
static bool
pnic_reports(const struct vh_device *d)
{
    return VH_CONTAINER_OF(d, const struct pnic, dev)->lldp != NULL;
}

static void
pnic_report(const struct vh_device *d, struct report_out *out)
{
    const struct pnic *nic = VH_CONTAINER_OF(d, const struct pnic, dev);
    if (nic->lldp) {
        lldp_agent_report(nic->lldp, out);
    }
}

const struct dev_class pnic_class = {
    .kind = "nic",
    .host_section = "nics",
    .reports = pnic_reports,
    .report = pnic_report,
    .role = VH_ROLE_HW,
    .family = DEV_FAM_NIC,
    .accepts = pnic_models,
    .build = pnic_build,
    .wire = pnic_wire,
    .has_link = pnic_has_link,
    .set_link = pnic_set_link,
    .destroy = pnic_destroy,
};

/* --- Poll mode. --- */

void
pnic_set_poller(struct pnic *nic, const struct pnic_poller *poller)
{
    nic->poller = *poller;
}

struct vh_packet *
pnic_poll_rx(struct pnic *nic, int q)
{
    return vh_pktq_pop(&nic->q[q].rx_done);
}

uint32_t
pnic_poll_rx_pending(const struct pnic *nic, int q)
{
    return nic->q[q].rx_done.count;
}

void
pnic_poll_tx(struct world *w, struct pnic *nic, int q, struct vh_packet *p)
{
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = &nic->dev);
    pnic_ring_post(w, &nic->q[q], p);
}

const char *
pnic_no_kernel_driver(const struct pnic *nic)
{
    if (nic->poller.rx_ready) {
        return "is driven by a DPDK poll-mode driver";
    }
    const struct cfg_host *ch = nic->host->cfg;
    for (size_t v = 0; v < ch->n_vms; v++) {
        const struct cfg_vm *cv = &ch->vms[v];
        for (size_t i = 0; i < cv->n_nics; i++) {
            if (cv->nics[i].attach == CFG_AT_PASSTHROUGH
                && !strcmp(cv->nics[i].attach_to, nic->cfg->name)) {
                return "is passed through to a guest";
            }
        }
    }
    return NULL;
}
