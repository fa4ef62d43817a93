/* models/core/acct.h: the fate of every packet.
 *
 * A packet of a flow ends in exactly one of three states: delivered to the
 * destination application, dropped with a named reason, or still in flight
 * when the run ends.  A TCP super-frame counts as the segments it stands
 * for ('counted'), whichever of them it is cut into or merged from.
 * Models never free a packet themselves: they call acct_drop() or
 * acct_deliver(), which count, trace, and free.
 *
 * Flooding makes copies of one logical packet.  The copies share a family,
 * and the logical packet is delivered if any copy is; it is dropped only
 * when every copy is gone and none was delivered, under the most telling
 * reason any copy was dropped for.  Copies dropped because they reached an
 * interface whose address they did not match ("not-for-me") are how
 * flooding is meant to end, not losses, unless no copy was delivered. */
#ifndef VH_MODELS_ACCT_H
#define VH_MODELS_ACCT_H 1

#include <stdbool.h>

#include "sim/device.h"
#include "sim/packet.h"

struct world;

/* Drops 'p' at 'dev' for 'reason' (a static string).  Takes 'p'. */
void acct_drop(struct world *, struct vh_packet *p, struct vh_device *dev,
               const char *reason);

/* 'p' reached its destination application at 'dev'.  Updates the flow's
 * delivered count, bytes and latency.  Takes 'p'. */
void acct_deliver(struct world *, struct vh_packet *p, struct vh_device *dev);

/* acct_deliver() for a packet whose frames on the wire the caller
 * measured: 'wire_bytes' of them, FCS included (0: the flow's 'size' a
 * frame). */
void acct_deliver_wire(struct world *, struct vh_packet *p,
                       struct vh_device *dev, uint64_t wire_bytes);

/* 'p' ended normally at 'dev' without reaching an application (an ARP
 * reply taken in by the stack that asked, a frame a stack ignores): traced,
 * not counted as a drop.  Takes 'p'. */
void acct_consume(struct world *, struct vh_packet *p, struct vh_device *dev);

/* A copy of 'p' for flooding, in the same family. */
struct vh_packet *acct_clone(struct world *, struct vh_packet *p);

/* True if 'p' is a flooded copy of a packet that another copy has
 * delivered: its flow already counts it, though its buffer lives on. */
bool acct_delivered(const struct vh_packet *p);

/* Frees the families of packets still in flight when the run ended. */
void acct_free_all(struct world *);

/* Reason string used when a flooded copy finds no taker. */
extern const char acct_not_for_me[];

#endif /* models/core/acct.h */
