/* models/ovs/classifier.h: OpenFlow tables, searched as OVS searches them.
 *
 * Each table is a tuple space: its rules are grouped into subtables, one
 * per distinct mask, each a hash table of masked matches.  A lookup
 * visits subtables in order of the highest priority they hold and stops
 * when no remaining subtable can beat the best match so far.  Every
 * subtable visited adds its mask to the caller's wildcards: a frame that
 * agrees with this one on those bits fails and matches exactly the same
 * rules, which is what lets the datapath cache the result as a megaflow
 * (ovs-vswitchd's classifier does the same, before its staged lookups
 * and prefix tries narrow the mask further; those are not modelled, so
 * vhsim's megaflows are at times wider in the bits they match than
 * OVS's, never wrong).
 *
 * Of overlapping rules with the same priority the one added first wins
 * (OpenFlow leaves it undefined; this makes runs repeatable).  Adding a
 * rule whose table, priority and match equal an existing one's replaces
 * it, as ovs-ofctl add-flow does. */
#ifndef VH_MODELS_OVS_CLASSIFIER_H
#define VH_MODELS_OVS_CLASSIFIER_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/ovs/flowkey.h"
#include "models/ovs/ofrule.h"

struct of_subtable;

struct of_table {
    struct of_subtable **subs;  /* By descending highest priority. */
    size_t n_subs;
    size_t n_rules;
};

struct of_tables {
    struct of_table t[OF_N_TABLES];
    uint64_t next_seq;
};

void of_tables_init(struct of_tables *);

/* Frees the tables and every rule in them. */
void of_tables_destroy(struct of_tables *);

/* Adds 'rule' (taken: the tables own it from now on, and free it).  A
 * rule it replaces is freed; returns true if one was replaced. */
bool of_tables_insert(struct of_tables *, struct of_rule *rule);

/* Takes 'rule' out of its table and frees it (a timeout expired). */
void of_tables_remove(struct of_tables *, struct of_rule *rule);

/* The rule of table 'table' that 'key' matches with the highest
 * priority, or NULL.  ORs the mask of each subtable visited into 'wc'
 * (may be NULL) and adds their number to '*n_subtables' (may be NULL). */
struct of_rule *of_tables_lookup(const struct of_tables *, uint8_t table,
                                 const struct ofkey *key, struct ofkey *wc,
                                 unsigned *n_subtables);

/* Calls 'fn' for each rule, by table, then descending priority, then
 * insertion order: the order ovs-ofctl dump-flows lists them in.  'fn'
 * may remove the rule it is given (with of_tables_remove()), and no
 * other. */
void of_tables_foreach(const struct of_tables *,
                       void (*fn)(struct of_rule *, void *aux), void *aux);

size_t of_tables_n_rules(const struct of_tables *);

#endif /* models/ovs/classifier.h */
