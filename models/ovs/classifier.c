/* models/ovs/classifier.c: tuple space search over OpenFlow tables.
 *
 * A table holds one subtable per distinct mask.  A subtable is an open
 * addressing hash table (linear probing) of nodes, one per distinct
 * masked match; a node holds every rule with that match, best first
 * (highest priority, then earliest added), so a hit in a subtable is its
 * node's first rule.  Lookup cost is thus one hash probe per subtable
 * visited, whatever the number of rules: 10,000 rules under a handful of
 * masks cost a handful of probes.
 *
 * Subtables are kept sorted by the highest priority they hold, which is
 * what lets a lookup stop early: once the best rule found outranks every
 * rule of the remaining subtables, their masks need not be visited, nor
 * added to the wildcards. */
#include "models/ovs/classifier.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xmalloc.h"

/* Rules of one subtable sharing one masked match, best first. */
struct cls_node {
    uint32_t hash;
    struct ofkey match;
    struct of_rule **rules;
    size_t n_rules;
};

struct of_subtable {
    struct ofkey mask;
    uint32_t mask_hash;         /* Finds the subtable on insert. */
    struct cls_node **slots;    /* NULL: empty. */
    uint32_t slot_mask;         /* Number of slots minus one. */
    size_t n_nodes;
    size_t n_rules;
    uint16_t max_priority;      /* Of its rules. */
};

#define SUB_MIN_SLOTS 16

static const struct ofkey all_ones = {
    .w = { UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX,
           UINT64_MAX },
};

/* Whether 'a' should come before 'b' in a node, and in dump order. */
static bool
rule_before(const struct of_rule *a, const struct of_rule *b)
{
    return a->priority != b->priority ? a->priority > b->priority
                                      : a->seq < b->seq;
}

/* Subtables. */

static struct of_subtable *
sub_create(const struct ofkey *mask)
{
    struct of_subtable *s = vh_xcalloc(1, sizeof *s);
    s->mask = *mask;
    s->mask_hash = ofkey_hash_masked(mask, &all_ones, 0);
    s->slot_mask = SUB_MIN_SLOTS - 1;
    s->slots = vh_xcalloc(SUB_MIN_SLOTS, sizeof *s->slots);
    return s;
}

static void
node_destroy(struct cls_node *n, bool free_rules)
{
    if (free_rules) {
        for (size_t i = 0; i < n->n_rules; i++) {
            of_rule_free(n->rules[i]);
            free(n->rules[i]);
        }
    }
    free(n->rules);
    free(n);
}

static void
sub_destroy(struct of_subtable *s, bool free_rules)
{
    for (uint32_t i = 0; i <= s->slot_mask; i++) {
        if (s->slots[i]) {
            node_destroy(s->slots[i], free_rules);
        }
    }
    free(s->slots);
    free(s);
}

/* The slot of the node whose match equals 'key' under the subtable's
 * mask, or of the empty slot where it would go. */
static uint32_t
sub_find_slot(const struct of_subtable *s, const struct ofkey *key,
              uint32_t hash)
{
    uint32_t i = hash & s->slot_mask;
    for (;;) {
        const struct cls_node *n = s->slots[i];
        if (!n || (n->hash == hash
                   && ofkey_eq_masked(key, &n->match, &s->mask))) {
            return i;
        }
        i = (i + 1) & s->slot_mask;
    }
}

static void
sub_grow(struct of_subtable *s)
{
    struct cls_node **old = s->slots;
    uint32_t n_old = s->slot_mask + 1;

    s->slot_mask = n_old * 2 - 1;
    s->slots = vh_xcalloc(n_old * 2, sizeof *s->slots);
    for (uint32_t i = 0; i < n_old; i++) {
        struct cls_node *n = old[i];
        if (n) {
            uint32_t j = n->hash & s->slot_mask;
            while (s->slots[j]) {
                j = (j + 1) & s->slot_mask;
            }
            s->slots[j] = n;
        }
    }
    free(old);
}

/* Empties slot 'i', then moves back each node of the probe run after it
 * that the hole would otherwise cut off from its home slot, so that no
 * tombstones are needed and lookups stay one run long. */
static void
sub_remove_slot(struct of_subtable *s, uint32_t i)
{
    uint32_t hole = i;

    s->slots[hole] = NULL;
    s->n_nodes--;
    for (uint32_t j = (hole + 1) & s->slot_mask; s->slots[j];
         j = (j + 1) & s->slot_mask) {
        uint32_t home = s->slots[j]->hash & s->slot_mask;
        /* The node at 'j' may fill the hole unless its home lies in the
         * cyclic range (hole, j]. */
        bool home_after_hole = hole <= j ? hole < home && home <= j
                                         : hole < home || home <= j;
        if (!home_after_hole) {
            s->slots[hole] = s->slots[j];
            s->slots[j] = NULL;
            hole = j;
        }
    }
}

/* The highest priority of the subtable's rules: each node's first. */
static uint16_t
sub_max_priority(const struct of_subtable *s)
{
    uint16_t max = 0;
    for (uint32_t i = 0; i <= s->slot_mask; i++) {
        const struct cls_node *n = s->slots[i];
        if (n && n->rules[0]->priority > max) {
            max = n->rules[0]->priority;
        }
    }
    return max;
}

/* Tables. */

static size_t
table_find_sub(const struct of_table *t, const struct ofkey *mask)
{
    uint32_t hash = ofkey_hash_masked(mask, &all_ones, 0);
    for (size_t i = 0; i < t->n_subs; i++) {
        if (t->subs[i]->mask_hash == hash
            && ofkey_eq(&t->subs[i]->mask, mask)) {
            return i;
        }
    }
    return SIZE_MAX;
}

/* Moves subtable 'i', whose highest priority changed, to its place in
 * the order; among equals it goes last, so the order never depends on
 * more than the priorities and the history of insertions. */
static void
table_resort(struct of_table *t, size_t i)
{
    struct of_subtable *s = t->subs[i];

    while (i > 0 && t->subs[i - 1]->max_priority < s->max_priority) {
        t->subs[i] = t->subs[i - 1];
        i--;
    }
    while (i + 1 < t->n_subs
           && t->subs[i + 1]->max_priority >= s->max_priority) {
        t->subs[i] = t->subs[i + 1];
        i++;
    }
    t->subs[i] = s;
}

void
of_tables_init(struct of_tables *ts)
{
    memset(ts, 0, sizeof *ts);
}

void
of_tables_destroy(struct of_tables *ts)
{
    for (size_t t = 0; t < OF_N_TABLES; t++) {
        struct of_table *tab = &ts->t[t];
        for (size_t i = 0; i < tab->n_subs; i++) {
            sub_destroy(tab->subs[i], true);
        }
        free(tab->subs);
    }
    memset(ts, 0, sizeof *ts);
}

/* Inserts 'rule' into node 'n' before the first rule it ranks before. */
static void
node_add(struct cls_node *n, struct of_rule *rule)
{
    size_t i = 0;
    while (i < n->n_rules && !rule_before(rule, n->rules[i])) {
        i++;
    }
    n->rules = vh_xgrow(n->rules, n->n_rules, sizeof *n->rules);
    memmove(&n->rules[i + 1], &n->rules[i],
            (n->n_rules - i) * sizeof *n->rules);
    n->rules[i] = rule;
    n->n_rules++;
}

bool
of_tables_insert(struct of_tables *ts, struct of_rule *rule)
{
    assert(rule->table < OF_N_TABLES);
    struct of_table *t = &ts->t[rule->table];

    /* The subtable's hashing relies on matches being masked, whatever
     * the rule's maker did. */
    ofkey_and(&rule->match, &rule->match, &rule->mask);

    size_t si = table_find_sub(t, &rule->mask);
    bool new_sub = si == SIZE_MAX;
    if (new_sub) {
        t->subs = vh_xgrow(t->subs, t->n_subs, sizeof *t->subs);
        si = t->n_subs++;
        t->subs[si] = sub_create(&rule->mask);
    }
    struct of_subtable *s = t->subs[si];

    uint32_t hash = ofkey_hash_masked(&rule->match, &s->mask, 0);
    uint32_t slot = sub_find_slot(s, &rule->match, hash);
    struct cls_node *n = s->slots[slot];
    if (n) {
        for (size_t i = 0; i < n->n_rules; i++) {
            struct of_rule *old = n->rules[i];
            if (old->priority == rule->priority) {
                /* The same flow, rewritten: it keeps its place among
                 * overlapping rules of its priority. */
                rule->seq = old->seq;
                n->rules[i] = rule;
                of_rule_free(old);
                free(old);
                return true;
            }
        }
    } else {
        if ((s->n_nodes + 1) * 4 > (s->slot_mask + 1) * 3) {
            sub_grow(s);
            slot = sub_find_slot(s, &rule->match, hash);
        }
        n = vh_xcalloc(1, sizeof *n);
        n->hash = hash;
        n->match = rule->match;
        s->slots[slot] = n;
        s->n_nodes++;
    }

    rule->seq = ts->next_seq++;
    node_add(n, rule);
    s->n_rules++;
    t->n_rules++;
    if (new_sub || rule->priority > s->max_priority) {
        s->max_priority = rule->priority;
        table_resort(t, si);
    }
    return false;
}

void
of_tables_remove(struct of_tables *ts, struct of_rule *rule)
{
    assert(rule->table < OF_N_TABLES);
    struct of_table *t = &ts->t[rule->table];
    size_t si = table_find_sub(t, &rule->mask);
    assert(si != SIZE_MAX);
    struct of_subtable *s = t->subs[si];

    uint32_t hash = ofkey_hash_masked(&rule->match, &s->mask, 0);
    uint32_t slot = sub_find_slot(s, &rule->match, hash);
    struct cls_node *n = s->slots[slot];
    assert(n);

    size_t i = 0;
    while (i < n->n_rules && n->rules[i] != rule) {
        i++;
    }
    assert(i < n->n_rules);
    memmove(&n->rules[i], &n->rules[i + 1],
            (n->n_rules - i - 1) * sizeof *n->rules);
    if (!--n->n_rules) {
        sub_remove_slot(s, slot);
        node_destroy(n, false);
    }
    s->n_rules--;
    t->n_rules--;

    if (!s->n_rules) {
        sub_destroy(s, false);
        memmove(&t->subs[si], &t->subs[si + 1],
                (t->n_subs - si - 1) * sizeof *t->subs);
        t->n_subs--;
    } else if (rule->priority == s->max_priority) {
        s->max_priority = sub_max_priority(s);
        table_resort(t, si);
    }
    of_rule_free(rule);
    free(rule);
}

struct of_rule *
of_tables_lookup(const struct of_tables *ts, uint8_t table,
                 const struct ofkey *key, struct ofkey *wc,
                 unsigned *n_subtables)
{
    if (table >= OF_N_TABLES) {
        return NULL;
    }
    const struct of_table *t = &ts->t[table];
    struct of_rule *best = NULL;
    unsigned visited = 0;

    for (size_t i = 0; i < t->n_subs; i++) {
        const struct of_subtable *s = t->subs[i];
        /* A subtable whose best equals the best found must still be
         * searched: its rule might have been added earlier. */
        if (best && s->max_priority < best->priority) {
            break;
        }
        if (wc) {
            ofkey_or(wc, &s->mask);
        }
        visited++;

        uint32_t hash = ofkey_hash_masked(key, &s->mask, 0);
        const struct cls_node *n = s->slots[sub_find_slot(s, key, hash)];
        if (n && (!best || rule_before(n->rules[0], best))) {
            best = n->rules[0];
        }
    }
    if (n_subtables) {
        *n_subtables += visited;
    }
    return best;
}

static int
cmp_rules(const void *a_, const void *b_)
{
    const struct of_rule *a = *(struct of_rule *const *) a_;
    const struct of_rule *b = *(struct of_rule *const *) b_;
    return rule_before(a, b) ? -1 : rule_before(b, a);
}

/* Each table's rules are gathered and sorted before any is passed to
 * 'fn', so 'fn' may remove the rule it is given (expiring timeouts). */
void
of_tables_foreach(const struct of_tables *ts,
                  void (*fn)(struct of_rule *, void *aux), void *aux)
{
    for (size_t ti = 0; ti < OF_N_TABLES; ti++) {
        const struct of_table *t = &ts->t[ti];
        if (!t->n_rules) {
            continue;
        }
        struct of_rule **rules = vh_xmalloc(t->n_rules * sizeof *rules);
        size_t n = 0;
        for (size_t i = 0; i < t->n_subs; i++) {
            const struct of_subtable *s = t->subs[i];
            for (uint32_t j = 0; j <= s->slot_mask; j++) {
                const struct cls_node *node = s->slots[j];
                for (size_t k = 0; node && k < node->n_rules; k++) {
                    rules[n++] = node->rules[k];
                }
            }
        }
        assert(n == t->n_rules);
        qsort(rules, n, sizeof *rules, cmp_rules);
        for (size_t i = 0; i < n; i++) {
            fn(rules[i], aux);
        }
        free(rules);
    }
}

size_t
of_tables_n_rules(const struct of_tables *ts)
{
    size_t n = 0;
    for (size_t t = 0; t < OF_N_TABLES; t++) {
        n += ts->t[t].n_rules;
    }
    return n;
}
