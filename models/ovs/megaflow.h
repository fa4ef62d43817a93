/* models/ovs/megaflow.h: the datapath's flow cache.
 *
 * Both of Open vSwitch's datapaths keep the flows ovs-vswitchd installed
 * in a cache of megaflows: a megaflow is a key under a mask (the bits
 * classification looked at, models/ovs/xlate.h) with the datapath actions
 * for every frame that agrees with it on those bits.  The kernel module
 * keeps one hash table per distinct mask and searches the masks one by
 * one until a table holds the frame's masked key; the user-space
 * datapath's dpcls does the same per PMD thread, its "subtables".  So a
 * lookup costs one hash and probe per mask visited, and the number of
 * masks, not the number of flows, is what makes a miss expensive.
 *
 * Masks are searched in the order they were created (the kernel's mask
 * array); a mask goes away with its last flow.  Each flow keeps its
 * statistics and the OpenFlow rules it was translated through, so its
 * hits can be credited to them (what ovs-ofctl dump-flows shows). */
#ifndef VH_MODELS_OVS_MEGAFLOW_H
#define VH_MODELS_OVS_MEGAFLOW_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/ovs/flowkey.h"
#include "models/ovs/odp.h"
#include "sim/time.h"

struct of_rule;
struct mf_mask;

struct dp_flow {
    struct ofkey key;           /* Masked by its mask. */
    struct ofkey orig;          /* The key of the frame that made it, for
                                 * re-translation by the revalidators. */
    struct mf_mask *mask;
    struct odp_actions acts;
    struct of_rule **rules;     /* Rules it was translated through. */
    size_t n_rules;
    const char *drop_reason;    /* Why a flow without outputs drops
                                 * (a static string), else NULL. */
    uint64_t packets, bytes;
    vh_time_t created, used;
    uint32_t hash;              /* Of its masked key. */
    bool dead;                  /* To be removed: caches pointing at it
                                 * (models/ovs/emc.h) let go first. */
    struct dp_flow *next;       /* In its mask's bucket. */
    struct dp_flow *all_next;   /* In the cache's list of every flow. */
    struct dp_flow *all_prev;
};

struct mf_mask {
    struct ofkey mask;
    struct dp_flow **buckets;   /* Power-of-two hash table. */
    size_t n_buckets;
    size_t n_flows;
    uint64_t hits;
    size_t index;               /* Its place in the search order. */
};

struct megaflow_cache {
    struct mf_mask **masks;     /* In search order. */
    size_t n_masks;
    size_t n_flows;
    size_t peak_flows;
    size_t peak_masks;
    struct dp_flow *all;        /* Every flow, newest first. */
    uint64_t masks_hit_total;   /* Masks visited by lookups that hit, */
    uint64_t hits;              /* over this many hits (the kernel's
                                 * "masks-hit / pkt"). */
};

void megaflow_init(struct megaflow_cache *);
void megaflow_destroy(struct megaflow_cache *);

/* The flow that 'key' (a frame's full key) falls in, or NULL.  Sets
 * '*n_masks' to the masks visited (all of them on a miss). */
struct dp_flow *megaflow_lookup(struct megaflow_cache *,
                                const struct ofkey *key, unsigned *n_masks);

/* Installs a flow for 'orig' under 'mask' with 'acts' (copied) and the
 * rules (copied).  If a flow with the same mask and masked key exists,
 * it is returned instead and nothing changes. */
struct dp_flow *megaflow_insert(struct megaflow_cache *,
                                const struct ofkey *orig,
                                const struct ofkey *mask,
                                const struct odp_actions *acts,
                                struct of_rule *const *rules, size_t n_rules,
                                const char *drop_reason, vh_time_t now);

/* Deletes 'flow'; a mask left without flows is deleted too. */
void megaflow_remove(struct megaflow_cache *, struct dp_flow *flow);

/* Replaces the actions and rules of 'flow' (a revalidator re-translated
 * it and the result changed). */
void megaflow_update(struct dp_flow *flow, const struct odp_actions *acts,
                     struct of_rule *const *rules, size_t n_rules,
                     const char *drop_reason);

#endif /* models/ovs/megaflow.h */
