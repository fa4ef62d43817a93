/* models/ovs/emc.c: two candidate entries per key, whole-key compare. */
#include "models/ovs/emc.h"

#include <stdlib.h>
#include <string.h>

#include "models/ovs/megaflow.h"
#include "sim/xmalloc.h"

/* Bits of the hash that pick each candidate: the low 13 for the first,
 * the next 13 for the second (EM_FLOW_HASH_SHIFT). */
static uint32_t
slot(const struct emc *c, uint32_t hash, int seg)
{
    uint32_t shift = 0, n = c->n;
    while (n > 1) {
        n >>= 1;
        shift++;
    }
    return (hash >> (seg * shift)) & (c->n - 1);
}

void
emc_init(struct emc *c, uint32_t entries)
{
    c->n = entries;
    c->used = 0;
    c->e = vh_xcalloc(entries, sizeof *c->e);
}

void
emc_destroy(struct emc *c)
{
    free(c->e);
    memset(c, 0, sizeof *c);
}

struct dp_flow *
emc_lookup(const struct emc *c, const struct ofkey *key, uint32_t hash)
{
    for (int seg = 0; seg < 2; seg++) {
        const struct emc_entry *e = &c->e[slot(c, hash, seg)];
        if (e->flow && e->hash == hash && ofkey_eq(&e->key, key)) {
            return e->flow;
        }
    }
    return NULL;
}

void
emc_insert(struct emc *c, const struct ofkey *key, uint32_t hash,
           struct dp_flow *flow)
{
    struct emc_entry *a = &c->e[slot(c, hash, 0)];
    struct emc_entry *b = &c->e[slot(c, hash, 1)];
    struct emc_entry *to;
    if (a->flow && a->hash == hash && ofkey_eq(&a->key, key)) {
        to = a;
    } else if (b->flow && b->hash == hash && ofkey_eq(&b->key, key)) {
        to = b;
    } else if (!a->flow) {
        to = a;
    } else if (!b->flow) {
        to = b;
    } else {
        to = a->hash < b->hash ? a : b;
    }
    c->used += !to->flow;
    to->key = *key;
    to->hash = hash;
    to->flow = flow;
}

void
emc_purge_dead(struct emc *c)
{
    for (uint32_t i = 0; i < c->n; i++) {
        if (c->e[i].flow && c->e[i].flow->dead) {
            c->e[i].flow = NULL;
            c->used--;
        }
    }
}

void
smc_init(struct smc *c, uint32_t entries)
{
    c->n = entries;
    c->flow = vh_xcalloc(entries, sizeof *c->flow);
    c->sig = vh_xcalloc(entries, sizeof *c->sig);
}

void
smc_destroy(struct smc *c)
{
    free(c->flow);
    free(c->sig);
    memset(c, 0, sizeof *c);
}

struct dp_flow *
smc_lookup(const struct smc *c, const struct ofkey *key, uint32_t hash)
{
    if (!c->n) {
        return NULL;
    }
    uint32_t i = hash & (c->n - 1);
    struct dp_flow *f = c->flow[i];
    if (f && c->sig[i] == (uint16_t) (hash >> 16)
        && ofkey_eq_masked(key, &f->key, &f->mask->mask)) {
        return f;
    }
    return NULL;
}

void
smc_insert(struct smc *c, uint32_t hash, struct dp_flow *flow)
{
    if (c->n) {
        uint32_t i = hash & (c->n - 1);
        c->flow[i] = flow;
        c->sig[i] = (uint16_t) (hash >> 16);
    }
}

void
smc_purge_dead(struct smc *c)
{
    for (uint32_t i = 0; i < c->n; i++) {
        if (c->flow[i] && c->flow[i]->dead) {
            c->flow[i] = NULL;
        }
    }
}
