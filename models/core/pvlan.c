/* models/core/pvlan.c: private VLAN domains and their forwarding rule. */
#include "models/core/pvlan.h"

#include <stdlib.h>

#include "sim/xmalloc.h"

static bool
vid_in(const uint64_t *bits, uint16_t vid)
{
    return vid < 4096 && (bits[vid / 64] >> (vid % 64) & 1);
}

void
pvlan_add(struct pvlan_set *set, uint16_t primary, uint16_t secondary,
          enum pvlan_type type)
{
    struct pvlan_domain *d = NULL;
    for (size_t i = 0; i < set->n && !d; i++) {
        d = set->d[i].primary == primary ? &set->d[i] : NULL;
    }
    if (!d) {
        set->d = vh_xgrow(set->d, set->n, sizeof *set->d);
        d = &set->d[set->n++];
        *d = (struct pvlan_domain) { .primary = primary };
    }
    uint64_t *bits = type == PVLAN_ISOLATED ? d->isolated : d->community;
    bits[secondary / 64] |= 1ULL << (secondary % 64);
}

void
pvlan_set_destroy(struct pvlan_set *set)
{
    free(set->d);
    set->d = NULL;
    set->n = 0;
}

const struct pvlan_domain *
pvlan_of(const struct pvlan_set *set, uint16_t vid)
{
    for (size_t i = 0; i < set->n; i++) {
        const struct pvlan_domain *d = &set->d[i];
        if (d->primary == vid || vid_in(d->isolated, vid)
            || vid_in(d->community, vid)) {
            return d;
        }
    }
    return NULL;
}

uint16_t
pvlan_learn_vid(const struct pvlan_set *set, uint16_t vid)
{
    const struct pvlan_domain *d = set->n ? pvlan_of(set, vid) : NULL;
    return d ? d->primary : vid;
}

bool
pvlan_permits(const struct pvlan_set *set, const struct port_vlan *pv,
              uint16_t vid)
{
    const struct pvlan_domain *d = set->n ? pvlan_of(set, vid) : NULL;
    if (!d || pv->mode == PORT_VLAN_TRUNK) {
        return port_vlan_member(pv, vid);
    }
    if (pv->tag == d->primary) {
        /* A promiscuous port takes every secondary; a plain access port
         * of the primary only the primary's frames. */
        return pv->pvlan_promiscuous || vid == d->primary;
    }
    if (vid == d->primary) {
        /* What a promiscuous port sent reaches every host port. */
        return vid_in(d->isolated, pv->tag) || vid_in(d->community, pv->tag);
    }
    /* A secondary's frame reaches its own community, never an isolated
     * port (not even of its own secondary). */
    return vid == pv->tag && vid_in(d->community, vid);
}
