/* models/ovs/xlate.h: translating a frame through the OpenFlow tables.
 *
 * What ovs-vswitchd's handler does with the first frame of a flow (an
 * upcall): starting at table 0, find the matching rule, run its actions
 * (which may modify the flow, output it, resubmit it to another table or
 * go on to a later one), and produce
 *   - the datapath actions every frame of this flow should get,
 *   - the wildcards: the bits of the key the translation looked at, the
 *     mask of the megaflow the datapath will cache,
 *   - the rules it went through, whose counters each frame of the
 *     megaflow then adds to.
 *
 * Rewrites are applied to the flow as translation goes, so later tables
 * and NORMAL see them; they reach the datapath actions (as set and VLAN
 * actions) just before the output that needs them, as OVS's commit does.
 *
 * A table in which nothing matches ends the pipeline at table 0 and after
 * goto_table (OVS drops a table miss when there is no controller); after
 * resubmit it only returns to the action after the resubmit.  Resubmits
 * nest at most XLATE_MAX_DEPTH deep (OVS's limit); deeper, the frame is
 * dropped.  NORMAL is the bridge's learning switch: it is called back. */
#ifndef VH_MODELS_OVS_XLATE_H
#define VH_MODELS_OVS_XLATE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/ovs/classifier.h"
#include "models/ovs/flowkey.h"
#include "models/ovs/odp.h"

#define XLATE_MAX_DEPTH 64
#define XLATE_MAX_RESUBMITS 4096 /* Resubmits in all, nested or not (OVS's
                                  * limit too): a rule resubmitting twice
                                  * to its own table would otherwise take
                                  * 2^64 lookups.  Beyond, the frame is
                                  * dropped as XLATE_TOO_DEEP. */

struct xlate_ctx;

struct xlate_in {
    const struct of_tables *tables;
    struct ofkey key;           /* The frame as it arrived. */
    uint32_t n_ports;           /* OpenFlow ports 1..n_ports. */
    /* Whether port 'port' takes "flood" (NULL: every port does). */
    bool (*port_floods)(void *aux, uint32_t port);
    /* The NORMAL action: outputs 'ctx''s flow as a learning switch would,
     * with xlate_output_vlan(), and un-wildcards what it looked at. */
    void (*normal)(struct xlate_ctx *ctx, void *aux);
    void *aux;
};

/* Why a translation produced no output. */
enum xlate_drop {
    XLATE_OK,                   /* At least one output. */
    XLATE_NO_MATCH,             /* A table where no rule matched. */
    XLATE_RULE_DROP,            /* Rules matched; their actions output
                                 * nothing. */
    XLATE_CONTROLLER,           /* Sent to the controller (none). */
    XLATE_TOO_DEEP,             /* Resubmits nested too deep (or too
                                 * many, XLATE_MAX_RESUBMITS). */
    XLATE_TTL,                  /* dec_ttl on a TTL of 0 or 1. */
};

struct xlate_out {
    struct odp_actions acts;
    struct ofkey wc;            /* The megaflow's mask. */
    struct of_rule **rules;     /* Rules matched, in the order they ran
                                 * (a rule once per match: a loop of
                                 * resubmits credits it each time). */
    size_t n_rules, rules_cap;
    unsigned n_lookups;         /* Table lookups. */
    unsigned n_subtables;       /* Subtables visited over all lookups. */
    bool controller;            /* A controller action ran. */
    bool normal;                /* NORMAL ran. */
    enum xlate_drop drop;       /* Meaningful when acts has no output. */
};

void xlate_out_init(struct xlate_out *);
void xlate_out_destroy(struct xlate_out *);

/* Translates 'in->key'; 'out' must have been initialized (it is cleared
 * first, so one can be reused). */
void xlate(const struct xlate_in *in, struct xlate_out *out);

/* For NORMAL: the flow as modified so far, the wildcards to widen, and
 * an output of the flow by 'port' untagged (vid -1) or tagged 'vid'. */
const struct ofkey *xlate_flow(const struct xlate_ctx *);
struct ofkey *xlate_wc(struct xlate_ctx *);
void xlate_output_vlan(struct xlate_ctx *, uint32_t port, int vid);

/* A short name for a drop reason, as the report and traces count it:
 * "no-rule-matched", "rule-drop", "no-controller", "resubmit-depth",
 * "ttl-expired". */
const char *xlate_drop_reason(enum xlate_drop);

#endif /* models/ovs/xlate.h */
