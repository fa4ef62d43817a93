/* models/core/qdisc.c: the queue discipline in front of a driver's TX
 * queue. */
#include "models/core/qdisc.h"

#include "models/core/acct.h"
#include "models/core/world.h"

void
qdisc_init(struct qdisc *qd, uint32_t limit)
{
    vh_pktq_init(&qd->q, limit);
    qd->limit = limit;
    qd->held = 0;
    qd->drops = 0;
    qd->peak = 0;
}

void
qdisc_enqueue(struct world *w, struct qdisc *qd, struct vh_packet *p,
              struct vh_device *dev)
{
    if (vh_pktq_full(&qd->q)) {
        qd->drops++;
        acct_drop(w, p, dev, "qdisc-full");
        return;
    }
    /* The frame leaves the CPU that handed it down: it is in memory
     * until the driver takes it again. */
    p->exec = NULL;
    vh_pktq_push(&qd->q, p);
    qd->held++;
    if (qd->q.count > qd->peak) {
        qd->peak = qd->q.count;
    }
    VH_TRACE(&w->trace, VH_HOP_ENQUEUE, .time = w->sim.now, .pkt = p,
             .dev = dev, .depth = qd->q.count);
}

struct vh_packet *
qdisc_dequeue(struct qdisc *qd)
{
    return vh_pktq_pop(&qd->q);
}

void
qdisc_purge(struct qdisc *qd)
{
    vh_pktq_purge(&qd->q);
}
