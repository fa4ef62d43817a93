/* models/pnic.c: physical NIC, its DMA, interrupts and NAPI driver. */
#include "models/pnic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/acct.h"
#include "models/cpu.h"
#include "models/host.h"
#include "models/world.h"
#include "sim/trace.h"

static void pnic_raise_irq(struct world *, struct pnic_queue *);
static void napi_deliver(struct vh_sim *, void *obj, void *arg);
static void pnic_tx_wire_next(struct world *, struct pnic *);

/* --- Interrupts and NAPI. --- */

static void
napi_step(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct pnic_queue *q = obj;
    struct pnic *nic = q->nic;
    struct cpu_core *core = q->irq_core;

    if (!q->rx_done.count) {
        /* Poll done: interrupts back on.  A TX completion that came in
         * during the poll raises a new one. */
        q->napi_on = false;
        if (q->tx_uncleaned) {
            pnic_raise_irq(w, q);
        }
        return;
    }
    if (!q->budget_left) {
        /* Budget spent with work left: the softirq polls again. */
        vh_time_t t = cpu_charge(w, core, COST_NAPI_POLL, 0, CPU_SOFTIRQ,
                                 NULL, &nic->dev);
        q->budget_left = cost_count(&w->costs, COST_NAPI_BUDGET);
        vh_schedule_at(sim, t, napi_step, q, NULL);
        return;
    }
    struct vh_packet *p = vh_pktq_pop(&q->rx_done);
    q->budget_left--;
    p->exec = &core->srv;
    cpu_charge(w, core, COST_DRIVER_RX, 0, CPU_SOFTIRQ, p, &nic->dev);
    vh_time_t t = cpu_charge(w, core, COST_NETIF_RECEIVE, 0, CPU_SOFTIRQ, p,
                             &nic->dev);
    vh_schedule_at(sim, t, napi_deliver, q, p);
    (void) arg;
}

/* Runs after a frame's driver work: hands it up, then polls on. */
static void
napi_deliver(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct pnic_queue *q = obj;
    port_deliver(w, &q->nic->stack, arg);
    napi_step(sim, q, NULL);
}

static void
napi_start(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct pnic_queue *q = obj;
    struct pnic *nic = q->nic;
    struct cpu_core *core = q->irq_core;

    vh_time_t t = cpu_charge(w, core, COST_NAPI_POLL, 0, CPU_SOFTIRQ, NULL,
                             &nic->dev);
    if (q->tx_uncleaned) {
        uint64_t cyc = (uint64_t) core->price[COST_DRIVER_TX_CLEAN].fixed
                       * q->tx_uncleaned;
        t = cpu_run(w, core, cyc, CPU_SOFTIRQ, NULL, &nic->dev,
                    cost_table[COST_DRIVER_TX_CLEAN].name);
        q->tx_used -= q->tx_uncleaned;
        q->tx_uncleaned = 0;
    }
    q->budget_left = cost_count(&w->costs, COST_NAPI_BUDGET);
    vh_schedule_at(sim, t, napi_step, q, NULL);
    (void) arg;
}

static void
pnic_fire_irq(struct world *w, struct pnic_queue *q)
{
    struct pnic *nic = q->nic;
    q->napi_on = true;
    q->last_irq = w->sim.now;
    nic->host->interrupts++;
    vh_time_t t = cpu_charge(w, q->irq_core, COST_HW_IRQ, 0, CPU_IRQ, NULL,
                             &nic->dev);
    vh_schedule_at(&w->sim, t, napi_start, q, NULL);
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
    vh_time_t gap = hw_time(w, COST_IRQ_MODERATION, 0);
    vh_time_t at = q->last_irq + gap;
    if (q->last_irq == 0 || at <= w->sim.now) {
        pnic_fire_irq(w, q);
    } else {
        vh_timer_arm_at(&w->sim, &q->itr, at);
    }
}

/* --- Receive. --- */

static void
pnic_rx_dma_done(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct pnic_queue *q = obj;
    struct vh_packet *p = arg;
    q->rx_dma--;
    vh_pktq_push(&q->rx_done, p);
    VH_TRACE(&w->trace, VH_HOP_ENQUEUE, .time = sim->now, .pkt = p,
             .dev = &q->nic->dev, .depth = q->rx_done.count);
    struct pnic *nic = q->nic;
    if (nic->poller.rx_ready) {
        if (q->rx_done.count == 1) {
            nic->poller.rx_ready(w, nic->poller.ctx, nic, q->index);
        }
        return;
    }
    pnic_raise_irq(w, q);
}

/* A frame arrived from the cable (already counted and captured). */
static void
pnic_wire_rx(struct world *w, struct port *port, struct vh_packet *p)
{
    struct pnic *nic = port->owner;
    struct pnic_queue *q = &nic->q[0];

    if (q->rx_dma + q->rx_done.count >= nic->rx_ring) {
        acct_drop(w, p, &nic->dev, "rx-ring-full");
        return;
    }
    q->rx_dma++;
    vh_time_t ready = w->sim.now + hw_time(w, COST_NIC_LATENCY, 0);
    vh_time_t done = vh_server_take(&nic->pcie, ready,
                                    hw_time(w, COST_PCIE_BYTE, p->len))
                     + hw_time(w, COST_PCIE_LATENCY, 0);
    VH_TRACE(&w->trace, VH_HOP_SERVICE, .time = w->sim.now, .end = done,
             .pkt = p, .dev = &nic->dev);
    vh_schedule_at(&w->sim, done, pnic_rx_dma_done, q, p);
}

/* --- Transmit. --- */

static void
pnic_tx_wire_done(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct pnic *nic = obj;
    struct pnic_queue *q = &nic->q[0];
    nic->tx_wire_busy = false;
    if (nic->poller.rx_ready) {
        /* The poll-mode driver reclaims descriptors in its own bursts;
         * their cost is part of its per-frame transmit work. */
        q->tx_used--;
    } else {
        q->tx_uncleaned++;
        pnic_raise_irq(w, q);
    }
    pnic_tx_wire_next(w, nic);
    (void) arg;
}

static void
pnic_tx_wire_next(struct world *w, struct pnic *nic)
{
    if (nic->tx_wire_busy || !nic->tx_fifo.count) {
        return;
    }
    nic->tx_wire_busy = true;
    link_transmit(w, &nic->wire, vh_pktq_pop(&nic->tx_fifo),
                  pnic_tx_wire_done, nic);
}

static void
pnic_tx_fetched(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct pnic *nic = obj;
    vh_pktq_push(&nic->tx_fifo, arg);
    pnic_tx_wire_next(w, nic);
}

/* The driver has written the descriptor and rung the doorbell. */
static void
pnic_tx_post(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct pnic *nic = obj;
    struct pnic_queue *q = &nic->q[0];
    struct vh_packet *p = arg;

    if (q->tx_used >= nic->tx_ring) {
        acct_drop(w, p, &nic->dev, "tx-ring-full");
        return;
    }
    q->tx_used++;
    p->exec = NULL;
    /* Two dependent reads: the descriptor, then the frame it points to. */
    vh_time_t done = vh_server_take(&nic->pcie, sim->now,
                                    hw_time(w, COST_PCIE_BYTE, p->len))
                     + 2 * hw_time(w, COST_PCIE_LATENCY, 0)
                     + hw_time(w, COST_NIC_LATENCY, 0);
    VH_TRACE(&w->trace, VH_HOP_SERVICE, .time = sim->now, .end = done,
             .pkt = p, .dev = &nic->dev);
    vh_schedule_at(sim, done, pnic_tx_fetched, nic, p);
}

/* The host hands a frame to the driver, on the core that carries it. */
static void
pnic_stack_rx(struct world *w, struct port *port, struct vh_packet *p)
{
    struct pnic *nic = port->owner;
    struct cpu_core *core = p->exec ? cpu_of_exec(p->exec)
                                    : nic->q[0].irq_core;
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = &nic->dev);
    cpu_charge(w, core, COST_DRIVER_TX, 0, CPU_SOFTIRQ, p, &nic->dev);
    vh_time_t t = cpu_charge(w, core, COST_MMIO_WRITE, 0, CPU_SOFTIRQ, p,
                             &nic->dev);
    vh_schedule_at(&w->sim, t, pnic_tx_post, nic, p);
}

/* --- Life cycle. --- */

static void
nic_model_defaults(const char *model, uint32_t *rx, uint32_t *tx)
{
    /* Driver default ring sizes: igb (i350) 256, ixgbe (82599) 512. */
    if (!strcmp(model, "i350")) {
        *rx = *tx = 256;
    } else {
        *rx = *tx = 512;
    }
}

struct pnic *
pnic_create(struct world *w, struct host *h, const struct cfg_nic *cfg)
{
    struct pnic *nic = calloc(1, sizeof *nic);
    if (!nic) {
        abort();
    }
    char path[256];
    snprintf(path, sizeof path, "%s/%s", h->dev.path, cfg->name);
    vh_devtab_add(&w->devs, &nic->dev, path, "nic", &h->dev);
    nic->dev.report = 1;
    nic->host = h;
    nic->cfg = cfg;
    port_init(&nic->wire, pnic_wire_rx, nic, &nic->dev, 0);
    port_init(&nic->stack, pnic_stack_rx, nic, &nic->dev, 1);
    vh_server_init(&nic->pcie);
    nic_model_defaults(cfg->model, &nic->rx_ring, &nic->tx_ring);
    if (cfg->rx_ring) {
        nic->rx_ring = (uint32_t) cfg->rx_ring;
    }
    if (cfg->tx_ring) {
        nic->tx_ring = (uint32_t) cfg->tx_ring;
    }
    vh_pktq_init(&nic->tx_fifo, 0);
    nic->n_queues = 1;
    nic->q = calloc((size_t) nic->n_queues, sizeof *nic->q);
    if (!nic->q) {
        abort();
    }
    for (int i = 0; i < nic->n_queues; i++) {
        struct pnic_queue *q = &nic->q[i];
        q->nic = nic;
        q->index = i;
        q->irq_core = host_irq_core(h, i);
        vh_pktq_init(&q->rx_done, 0);
        vh_timer_init(&q->itr, pnic_itr_expired, q);
    }
    return nic;
}

void
pnic_free(struct pnic *nic)
{
    if (!nic) {
        return;
    }
    for (int i = 0; i < nic->n_queues; i++) {
        vh_pktq_purge(&nic->q[i].rx_done);
    }
    vh_pktq_purge(&nic->tx_fifo);
    free(nic->q);
    free(nic);
}

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
    (void) q;
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = &nic->dev);
    pnic_tx_post(&w->sim, nic, p);
}
