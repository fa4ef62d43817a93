/* models/core/acct.c: counting the fate of every packet, once. */
#include "models/core/acct.h"

#include <stdlib.h>

#include "models/core/world.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

const char acct_not_for_me[] = "not-for-me";

/* The copies of one logical packet made by flooding. */
struct family {
    struct family *prev, *next; /* In the world's list, freed at the end. */
    uint32_t copies;            /* Copies not yet delivered or dropped. */
    bool delivered;             /* Some copy reached the destination. */
    const char *reason;         /* Most telling drop reason seen so far. */
};

static struct flow_stats *
flow_of(struct world *w, const struct vh_packet *p)
{
    if (p->flow < 0 || !p->counted || (size_t) p->flow >= w->n_flows) {
        return NULL;
    }
    return &w->flows[p->flow];
}

/* One copy of 'p' is gone; returns the family if it was the last, or NULL
 * if others remain or there was no family.  '*had' says whether there was
 * one. */
static struct family *
family_release(struct world *w, struct vh_packet *p, bool *had)
{
    struct family *f = p->family;
    *had = f != NULL;
    if (!f) {
        return NULL;
    }
    p->family = NULL;
    if (--f->copies) {
        return NULL;
    }
    if (f->prev) {
        f->prev->next = f->next;
    } else {
        w->families = f->next;
    }
    if (f->next) {
        f->next->prev = f->prev;
    }
    w->families_live--;
    return f;
}

void
acct_drop(struct world *w, struct vh_packet *p, struct vh_device *dev,
          const char *reason)
{
    if (dev) {
        dev->drops++;
        /* By reason too, for the report's device table. */
        if (!dev->drop_reasons) {
            dev->drop_reasons = vh_xcalloc(1, sizeof *dev->drop_reasons);
            vh_drops_init(dev->drop_reasons);
        }
        vh_drops_add(dev->drop_reasons, reason);
    }
    VH_TRACE(&w->trace, VH_HOP_DROP, .time = w->sim.now, .pkt = p,
             .dev = dev, .reason = reason);

    struct flow_stats *fs = flow_of(w, p);
    struct family *fam = p->family;
    if (fam && (!fam->reason || fam->reason == acct_not_for_me)) {
        fam->reason = reason;
    }
    bool had;
    struct family *last = family_release(w, p, &had);
    if (fs) {
        /* A super-frame is as many drops as the frames it stands for. */
        if (!had) {
            vh_drops_add_n(&fs->drops, reason, p->counted);
        } else if (last && !last->delivered) {
            vh_drops_add_n(&fs->drops, last->reason, p->counted);
        }
    }
    free(last);
    vh_packet_free(p);
}

void
acct_deliver(struct world *w, struct vh_packet *p, struct vh_device *dev)
{
    acct_deliver_wire(w, p, dev, 0);
}

void
acct_deliver_wire(struct world *w, struct vh_packet *p,
                  struct vh_device *dev, uint64_t wire_bytes)
{
    vh_time_t now = w->sim.now;
    VH_TRACE(&w->trace, VH_HOP_DELIVER, .time = now, .pkt = p, .dev = dev);

    struct flow_stats *fs = flow_of(w, p);
    struct family *fam = p->family;
    bool first = !fam || !fam->delivered;
    if (fam) {
        fam->delivered = true;
    }
    bool had;
    free(family_release(w, p, &had));
    if (fs && first) {
        uint64_t was = fs->delivered;
        fs->delivered += p->counted;
        fs->bytes_delivered += wire_bytes ? wire_bytes
                               : cfg_flow_frame_size(fs->cfg, p->seq);
        /* A super-frame's segments each took this long. */
        for (unsigned k = 0; k < p->counted; k++) {
            vh_hist_add(&fs->latency, (now - p->born) / VH_NS);
        }
        if (!was) {
            fs->first_delivered = now;
        }
        fs->last_delivered = now;
        /* The report's bound on the rate of a flow of whole frames (a
         * TCP stream's rate is its goodput's). */
        uint32_t wire = p->wire_ns < (1u << 24) - 1 ? p->wire_ns
                                                    : (1u << 24) - 1;
        if (!wire_bytes && wire
            && (!fs->wire_min_ns || wire < fs->wire_min_ns)) {
            fs->wire_min_ns = wire;
        }
    }
    vh_packet_free(p);
}

void
acct_consume(struct world *w, struct vh_packet *p, struct vh_device *dev)
{
    VH_TRACE(&w->trace, VH_HOP_CONSUME, .time = w->sim.now, .pkt = p,
             .dev = dev);
    bool had;
    struct family *last = family_release(w, p, &had);
    struct flow_stats *fs = flow_of(w, p);
    if (last && !last->delivered && fs) {
        vh_drops_add(&fs->drops, last->reason ? last->reason
                                              : acct_not_for_me);
    }
    free(last);
    vh_packet_free(p);
}

struct vh_packet *
acct_clone(struct world *w, struct vh_packet *p)
{
    struct vh_packet *c = vh_packet_clone(p);
    c->counted = p->counted;
    if (p->counted && p->flow >= 0) {
        struct family *f = p->family;
        if (!f) {
            f = vh_xcalloc(1, sizeof *f);
            f->copies = 1;
            f->next = w->families;
            if (f->next) {
                f->next->prev = f;
            }
            w->families = f;
            p->family = f;
            w->families_live++;
        }
        f->copies++;
        c->family = f;
    } else {
        c->family = NULL;
    }
    return c;
}

bool
acct_delivered(const struct vh_packet *p)
{
    const struct family *f = p->family;
    return f && f->delivered;
}

void
acct_free_all(struct world *w)
{
    struct family *f = w->families;
    while (f) {
        struct family *next = f->next;
        free(f);
        f = next;
    }
    w->families = NULL;
    w->families_live = 0;
}
