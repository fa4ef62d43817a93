/* models/ovs/megaflow.c: masks, each a hash table of masked keys. */
#include "models/ovs/megaflow.h"

#include <stdlib.h>
#include <string.h>

#include "sim/xmalloc.h"

#define MF_MIN_BUCKETS 16

void
megaflow_init(struct megaflow_cache *mc)
{
    memset(mc, 0, sizeof *mc);
}

static void
flow_free(struct dp_flow *f)
{
    odp_actions_destroy(&f->acts);
    free(f->rules);
    free(f);
}

void
megaflow_destroy(struct megaflow_cache *mc)
{
    struct dp_flow *f = mc->all;
    while (f) {
        struct dp_flow *next = f->all_next;
        flow_free(f);
        f = next;
    }
    for (size_t i = 0; i < mc->n_masks; i++) {
        free(mc->masks[i]->buckets);
        free(mc->masks[i]);
    }
    free(mc->masks);
    memset(mc, 0, sizeof *mc);
}

static struct dp_flow *
mask_find(const struct mf_mask *m, const struct ofkey *key, uint32_t hash)
{
    for (struct dp_flow *f = m->buckets[hash & (m->n_buckets - 1)]; f;
         f = f->next) {
        if (f->hash == hash && ofkey_eq_masked(key, &f->key, &m->mask)) {
            return f;
        }
    }
    return NULL;
}

struct dp_flow *
megaflow_lookup(struct megaflow_cache *mc, const struct ofkey *key,
                unsigned *n_masks)
{
    for (size_t i = 0; i < mc->n_masks; i++) {
        struct mf_mask *m = mc->masks[i];
        uint32_t hash = ofkey_hash_masked(key, &m->mask, 0);
        struct dp_flow *f = mask_find(m, key, hash);
        if (f) {
            m->hits++;
            mc->hits++;
            mc->masks_hit_total += i + 1;
            *n_masks = (unsigned) (i + 1);
            return f;
        }
    }
    *n_masks = (unsigned) mc->n_masks;
    return NULL;
}

static struct mf_mask *
mask_get(struct megaflow_cache *mc, const struct ofkey *mask)
{
    for (size_t i = 0; i < mc->n_masks; i++) {
        if (ofkey_eq(&mc->masks[i]->mask, mask)) {
            return mc->masks[i];
        }
    }
    struct mf_mask *m = vh_xcalloc(1, sizeof *m);
    m->mask = *mask;
    m->n_buckets = MF_MIN_BUCKETS;
    m->buckets = vh_xcalloc(m->n_buckets, sizeof *m->buckets);
    m->index = mc->n_masks;
    mc->masks = vh_xgrow(mc->masks, mc->n_masks, sizeof *mc->masks);
    mc->masks[mc->n_masks++] = m;
    if (mc->n_masks > mc->peak_masks) {
        mc->peak_masks = mc->n_masks;
    }
    return m;
}

/* Doubles the table when it holds more flows than buckets. */
static void
mask_grow(struct mf_mask *m)
{
    size_t n = m->n_buckets * 2;
    struct dp_flow **b = vh_xcalloc(n, sizeof *b);
    for (size_t i = 0; i < m->n_buckets; i++) {
        struct dp_flow *f = m->buckets[i];
        while (f) {
            struct dp_flow *next = f->next;
            f->next = b[f->hash & (n - 1)];
            b[f->hash & (n - 1)] = f;
            f = next;
        }
    }
    free(m->buckets);
    m->buckets = b;
    m->n_buckets = n;
}

static void
set_rules(struct dp_flow *f, struct of_rule *const *rules, size_t n)
{
    free(f->rules);
    f->rules = n ? vh_xmalloc(n * sizeof *f->rules) : NULL;
    if (n) {
        memcpy(f->rules, rules, n * sizeof *f->rules);
    }
    f->n_rules = n;
}

struct dp_flow *
megaflow_insert(struct megaflow_cache *mc, const struct ofkey *orig,
                const struct ofkey *mask, const struct odp_actions *acts,
                struct of_rule *const *rules, size_t n_rules,
                const char *drop_reason, vh_time_t now)
{
    struct mf_mask *m = mask_get(mc, mask);
    uint32_t hash = ofkey_hash_masked(orig, mask, 0);
    struct dp_flow *f = mask_find(m, orig, hash);
    if (f) {
        return f;
    }
    f = vh_xcalloc(1, sizeof *f);
    ofkey_and(&f->key, orig, mask);
    f->orig = *orig;
    f->mask = m;
    f->hash = hash;
    odp_actions_init(&f->acts);
    odp_actions_copy(&f->acts, acts);
    set_rules(f, rules, n_rules);
    f->drop_reason = drop_reason;
    f->created = f->used = now;

    if (m->n_flows >= m->n_buckets) {
        mask_grow(m);
    }
    f->next = m->buckets[hash & (m->n_buckets - 1)];
    m->buckets[hash & (m->n_buckets - 1)] = f;
    m->n_flows++;
    f->all_next = mc->all;
    if (mc->all) {
        mc->all->all_prev = f;
    }
    mc->all = f;
    if (++mc->n_flows > mc->peak_flows) {
        mc->peak_flows = mc->n_flows;
    }
    return f;
}

static void
mask_delete(struct megaflow_cache *mc, struct mf_mask *m)
{
    size_t i = m->index;
    memmove(&mc->masks[i], &mc->masks[i + 1],
            (mc->n_masks - i - 1) * sizeof *mc->masks);
    mc->n_masks--;
    for (; i < mc->n_masks; i++) {
        mc->masks[i]->index = i;
    }
    free(m->buckets);
    free(m);
}

void
megaflow_remove(struct megaflow_cache *mc, struct dp_flow *f)
{
    struct mf_mask *m = f->mask;
    struct dp_flow **pp = &m->buckets[f->hash & (m->n_buckets - 1)];
    while (*pp != f) {
        pp = &(*pp)->next;
    }
    *pp = f->next;
    m->n_flows--;
    if (f->all_prev) {
        f->all_prev->all_next = f->all_next;
    } else {
        mc->all = f->all_next;
    }
    if (f->all_next) {
        f->all_next->all_prev = f->all_prev;
    }
    mc->n_flows--;
    flow_free(f);
    if (!m->n_flows) {
        mask_delete(mc, m);
    }
}

void
megaflow_update(struct dp_flow *f, const struct odp_actions *acts,
                struct of_rule *const *rules, size_t n_rules,
                const char *drop_reason)
{
    odp_actions_clear(&f->acts);
    odp_actions_copy(&f->acts, acts);
    set_rules(f, rules, n_rules);
    f->drop_reason = drop_reason;
}
