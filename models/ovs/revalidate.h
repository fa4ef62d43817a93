/* models/ovs/revalidate.h: what a revalidator thread does to a datapath's
 * flows, for both datapaths.
 *
 * It dumps every flow: a flow that a timed-out rule made, or unused for
 * 'idle', is deleted; when the
 * tables' outcome may have changed (the MAC learning table moved an
 * address, so flows that flooded may now have a port), every other flow
 * is translated again from the key that made it, and its actions are
 * replaced if they differ, or the flow deleted if its mask would differ
 * (a new translation may look at other fields).  Flows to delete are
 * first marked dead and 'purge' called, so that caches pointing at them
 * (the EMC) let go, and only then freed. */
#ifndef VH_MODELS_OVS_REVALIDATE_H
#define VH_MODELS_OVS_REVALIDATE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/ovs/megaflow.h"
#include "models/ovs/ofproto.h"
#include "sim/time.h"

struct reval_stats {
    uint64_t passes;
    uint64_t expired;           /* Deleted as idle. */
    uint64_t fixed;             /* Given new actions. */
    uint64_t deleted;           /* Deleted because their mask changed. */
};

/* One pass over 'mc'.  Returns the number of flows dumped.  The caller
 * counts the dump in 'st->passes' (a dump may cover several caches). */
size_t ovs_revalidate(struct megaflow_cache *mc, struct ofproto *ofp,
                      vh_time_t now, vh_time_t idle, bool retranslate,
                      void (*purge)(void *aux), void *aux,
                      struct reval_stats *st);

#endif /* models/ovs/revalidate.h */
