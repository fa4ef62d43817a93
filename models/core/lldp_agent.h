/* models/core/lldp_agent.h: link discovery on one interface.
 *
 * The part of lldpd (on a host) or of a switch's control plane that runs
 * LLDP, and CDP where asked, on one port: it sends a frame describing the
 * device (models/core/lldp.h) when the run starts and then every interval
 * (30 s for LLDP, 60 s for CDP), and keeps what it receives as the port's
 * neighbours, each for the TTL its frame gave, as lldpctl (or "show cdp
 * neighbors") lists them.  The owner says how a frame leaves (its costs
 * included) and hands over the discovery frames it receives; the agent
 * keeps no device of its own. */
#ifndef VH_MODELS_CORE_LLDP_AGENT_H
#define VH_MODELS_CORE_LLDP_AGENT_H 1

#include <stdbool.h>
#include <stdint.h>

#include "models/core/lldp.h"
#include "sim/event.h"
#include "sim/time.h"

struct report_out;
struct vh_packet;
struct world;

/* Sends 'p' out of the agent's port.  Takes 'p'. */
typedef void (*lldp_send_fn)(struct world *, void *ctx, struct vh_packet *p);

/* A neighbour heard, until 'expires'. */
struct lldp_entry {
    struct lldp_neighbor n;
    vh_time_t expires;
};

struct lldp_agent {
    struct world *w;
    struct lldp_local local;    /* Its strings are the owner's. */
    bool lldp, cdp;             /* What it sends. */
    uint32_t cdp_caps;
    lldp_send_fn send;
    void *ctx;
    struct vh_timer lldp_tx, cdp_tx;
    struct lldp_entry *nbrs;    /* In the order first heard. */
    size_t n_nbrs, cap_nbrs;
    uint64_t tx, rx, rx_bad;    /* Frames. */
};

/* Starts 'a' for 'local' (copied; its strings must outlive the agent),
 * sending LLDP and/or CDP (with capabilities 'cdp_caps') through 'send'
 * from time 0.  An agent with neither only listens. */
void lldp_agent_init(struct lldp_agent *, struct world *,
                     const struct lldp_local *local, bool lldp, bool cdp,
                     uint32_t cdp_caps, lldp_send_fn send, void *ctx);
void lldp_agent_destroy(struct lldp_agent *);

/* A discovery frame (lldp_is_lldp() or lldp_is_cdp()) arrived: its
 * sender becomes, or stays, a neighbour.  Returns false if the frame is
 * malformed.  Does not take 'p'. */
bool lldp_agent_input(struct lldp_agent *, const struct vh_packet *p);

/* The neighbours whose TTL has not run out, at the current time; returns
 * how many were written to 'out' (at most 'max'). */
size_t lldp_agent_neighbors(const struct lldp_agent *,
                            const struct lldp_entry **out, size_t max);

/* The owner's report: "neighbors": [{protocol, chassis, chassis_id,
 * port, port_descr, ttl, mgmt_ip}], with "lldp_tx", "lldp_rx". */
void lldp_agent_report(const struct lldp_agent *, struct report_out *);

#endif /* models/core/lldp_agent.h */
