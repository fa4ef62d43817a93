/* models/switch/ecp.c: sequence numbers, acknowledgements and
 * retransmission. */
#include "models/switch/ecp.h"

#include <stdlib.h>
#include <string.h>

#include "models/core/world.h"
#include "sim/xmalloc.h"

static void ecp_ack_timeout(struct vh_sim *, void *obj, void *arg);

void
ecp_init(struct ecp_end *e, struct world *w, const struct vh_mac *src,
         ecp_send_fn send, void *ctx)
{
    memset(e, 0, sizeof *e);
    e->w = w;
    e->src = *src;
    e->send = send;
    e->ctx = ctx;
    vh_timer_init(&e->ack_timer, ecp_ack_timeout, e);
}

void
ecp_destroy(struct ecp_end *e)
{
    vh_timer_cancel(&e->ack_timer);
    free(e->waiting);
    e->waiting = NULL;
}

static void
send_msg(struct ecp_end *e, const struct vdp_msg *m)
{
    struct vh_packet *p = vh_packet_alloc(&e->w->pool);
    p->len = vdp_build(p->data, &e->src, m);
    p->born = e->w->sim.now;
    e->send(e->w, e->ctx, p);
}

/* Sends 'cur' (again) and waits for its acknowledgement. */
static void
transmit(struct ecp_end *e)
{
    e->tries++;
    e->sent++;
    if (e->tries > 1) {
        e->retransmitted++;
    }
    vh_timer_arm_at(&e->w->sim, &e->ack_timer,
                    e->w->sim.now + ECP_ACK_TIMEOUT);
    send_msg(e, &e->cur);
}

/* Starts the next waiting message, if the last one is done with. */
static void
next(struct ecp_end *e)
{
    if (e->busy || !e->n_waiting) {
        return;
    }
    e->cur = e->waiting[0];
    memmove(e->waiting, e->waiting + 1,
            (e->n_waiting - 1) * sizeof *e->waiting);
    e->n_waiting--;
    e->seq = (uint16_t) (e->seq + 1);
    if (!e->seq) {
        e->seq = 1;
    }
    e->cur.ecp_op = ECP_OP_REQUEST;
    e->cur.seq = e->seq;
    e->busy = true;
    e->tries = 0;
    transmit(e);
}

static void
ecp_ack_timeout(struct vh_sim *sim, void *obj, void *arg)
{
    struct ecp_end *e = obj;
    if (!e->busy) {
        return;
    }
    if (e->tries <= ECP_MAX_RETRIES) {
        transmit(e);
        return;
    }
    e->errors++;
    e->busy = false;
    next(e);
    (void) sim;
    (void) arg;
}

void
ecp_submit(struct ecp_end *e, const struct vdp_msg *m)
{
    if (e->n_waiting == e->cap) {
        e->cap = e->cap ? 2 * e->cap : 4;
        e->waiting = vh_xrealloc(e->waiting, e->cap * sizeof *e->waiting);
    }
    e->waiting[e->n_waiting++] = *m;
    next(e);
}

bool
ecp_input(struct ecp_end *e, const struct vdp_msg *m)
{
    if (m->ecp_op == ECP_OP_ACK) {
        if (e->busy && m->seq == e->cur.seq) {
            e->acked++;
            e->busy = false;
            vh_timer_cancel(&e->ack_timer);
            next(e);
        }
        return false;           /* Late or stray: nothing waits for it. */
    }
    /* Decided before the ack goes: sending may run the other end, and
     * its next unit, at once. */
    bool dup = e->heard && m->seq == e->last_seq;
    if (dup) {
        e->duplicates++;
    } else {
        e->heard = true;
        e->last_seq = m->seq;
        e->received++;
    }
    struct vdp_msg ack;
    memset(&ack, 0, sizeof ack);
    ack.ecp_op = ECP_OP_ACK;
    ack.seq = m->seq;
    send_msg(e, &ack);
    return !dup;
}

size_t
ecp_pending(const struct ecp_end *e)
{
    return e->n_waiting + e->busy;
}
