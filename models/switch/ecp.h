/* models/switch/ecp.h: one end of an ECP session (802.1Qbg's Edge Control
 * Protocol), the reliable delivery under VDP.
 *
 * Each end of a link between a host and its bridge runs one.  To send, the
 * upper layer hands a VDP message to ecp_submit(); the end sends one data
 * unit at a time, each with the next sequence number (1 first, 0 skipped
 * when the number wraps, as lldpad counts), and keeps it until the other end
 * acknowledges that number.  With no acknowledgement after the ack timeout
 * it sends the same unit again, up to 'max_retries' more times; then it
 * gives up on it (an error, counted) and goes on with the next.  Messages
 * submitted meanwhile wait in order.
 *
 * Receiving, every request is acknowledged at once, and only a unit whose
 * sequence number differs from the last one taken is handed up: a
 * retransmission whose acknowledgement was lost is acknowledged again but
 * not acted on twice.
 *
 * The end builds the frames (models/switch/vdp.h) and hands them to its
 * owner's 'send', which puts them on their way and charges what that
 * costs: a host's agent and NIC driver, a switch port's buffer. */
#ifndef VH_MODELS_ECP_H
#define VH_MODELS_ECP_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/switch/vdp.h"
#include "sim/event.h"
#include "sim/frame.h"
#include "sim/packet.h"

struct world;

/* lldpad's defaults (qbg/ecp22.c): the ack timer is 10 us << 8, and a
 * data unit goes out at most 1 + 3 times. */
#define ECP_ACK_TIMEOUT (2560 * VH_US)
#define ECP_MAX_RETRIES 3

/* Sends frame 'p', built by the end, from the owner 'ctx'.  Takes 'p'. */
typedef void (*ecp_send_fn)(struct world *, void *ctx, struct vh_packet *p);

struct ecp_end {
    struct world *w;
    struct vh_mac src;          /* The source address of its frames. */
    ecp_send_fn send;
    void *ctx;

    /* Transmit. */
    struct vdp_msg *waiting;    /* Submitted, not yet sent, in order. */
    size_t n_waiting, cap;
    bool busy;                  /* 'cur' is out, not yet acknowledged. */
    struct vdp_msg cur;
    int tries;                  /* Transmissions of 'cur'. */
    uint16_t seq;               /* Of the last unit sent. */
    struct vh_timer ack_timer;

    /* Receive. */
    bool heard;                 /* A request was taken... */
    uint16_t last_seq;          /* ...with this number. */

    /* Counters. */
    uint64_t sent;              /* Data units sent, retransmissions too. */
    uint64_t retransmitted;
    uint64_t acked;             /* Data units acknowledged. */
    uint64_t errors;            /* Given up after the retries. */
    uint64_t received;          /* New data units taken. */
    uint64_t duplicates;        /* Repeats, acknowledged again. */
};

void ecp_init(struct ecp_end *, struct world *, const struct vh_mac *src,
              ecp_send_fn send, void *ctx);
void ecp_destroy(struct ecp_end *);

/* Queues request 'm' (its ECP fields are the end's to fill) for
 * delivery. */
void ecp_submit(struct ecp_end *, const struct vdp_msg *m);

/* Takes in ECP message 'm', parsed from a frame the other end sent: an
 * acknowledgement completes the unit it names; a request is acknowledged.
 * Returns true if 'm' is a new request for the upper layer. */
bool ecp_input(struct ecp_end *, const struct vdp_msg *m);

/* Messages submitted and not yet acknowledged or given up. */
size_t ecp_pending(const struct ecp_end *);

#endif /* models/switch/ecp.h */
