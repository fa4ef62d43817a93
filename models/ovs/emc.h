/* models/ovs/emc.h: a PMD thread's exact-match cache.
 *
 * The user-space datapath looks a frame up first in a small cache keyed
 * by its whole flow key, not masked: a hit costs one hash probe and a key
 * compare, cheaper than any megaflow subtable.  Each PMD has its own, of
 * 8192 entries; a key may sit in either of two entries picked from its
 * hash (EM_FLOW_HASH_SEGS).  Flows found in the megaflow classifier are
 * inserted only with probability 1 / emc-insert-inv-prob (1 in 100 by
 * default), so that a flood of short flows does not keep evicting the
 * long ones; with more concurrent flows than entries the hit rate falls,
 * which is what ovs-dpdk-emc.json shows.
 *
 * An entry points at its megaflow (models/ovs/megaflow.h); before a flow
 * is freed, emc_purge_dead() clears every entry pointing at a flow marked
 * dead. */
#ifndef VH_MODELS_OVS_EMC_H
#define VH_MODELS_OVS_EMC_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/ovs/flowkey.h"

struct dp_flow;

struct emc_entry {
    struct ofkey key;
    uint32_t hash;
    struct dp_flow *flow;       /* NULL: empty. */
};

struct emc {
    struct emc_entry *e;
    uint32_t n;                 /* Entries, a power of two. */
    size_t used;
};

void emc_init(struct emc *, uint32_t entries);
void emc_destroy(struct emc *);

/* The flow cached for 'key' (whose full-key hash is 'hash'), or NULL. */
struct dp_flow *emc_lookup(const struct emc *, const struct ofkey *key,
                           uint32_t hash);

/* Caches 'flow' for 'key': in the entry that already holds the key, or
 * an empty one of its two, or else over the one whose hash is lower (as
 * OVS picks, a deterministic stand-in for "either"). */
void emc_insert(struct emc *, const struct ofkey *key, uint32_t hash,
                struct dp_flow *flow);

/* Empties entries whose flow has 'dead' set. */
void emc_purge_dead(struct emc *);

/* The signature match cache (off unless "smc-enable"): 1M entries, each
 * a 16-bit signature of a key's hash and its megaflow.  Smaller per entry
 * than the EMC, so it holds many more flows, but a hit must still check
 * the frame against the megaflow's mask: a false signature match is a
 * miss. */
struct smc {
    struct dp_flow **flow;
    uint16_t *sig;
    uint32_t n;
};

void smc_init(struct smc *, uint32_t entries);
void smc_destroy(struct smc *);
struct dp_flow *smc_lookup(const struct smc *, const struct ofkey *key,
                           uint32_t hash);
void smc_insert(struct smc *, uint32_t hash, struct dp_flow *flow);
void smc_purge_dead(struct smc *);

#endif /* models/ovs/emc.h */
