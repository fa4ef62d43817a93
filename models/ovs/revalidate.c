/* models/ovs/revalidate.c: one revalidation pass. */
#include "models/ovs/revalidate.h"

size_t
ovs_revalidate(struct megaflow_cache *mc, struct ofproto *ofp, vh_time_t now,
               vh_time_t idle, bool retranslate, void (*purge)(void *aux),
               void *aux, struct reval_stats *st)
{
    struct xlate_out xo;
    size_t n = 0, n_dead = 0;
    xlate_out_init(&xo);
    for (struct dp_flow *f = mc->all; f; f = f->all_next) {
        n++;
        bool stale_rule = false;
        for (size_t k = 0; k < f->n_rules && !stale_rule; k++) {
            stale_rule = f->rules[k]->expired;
        }
        if (stale_rule) {
            /* A rule it came from timed out: the flow goes, and the
             * next frame is translated without that rule. */
            f->dead = true;
            st->deleted++;
            n_dead++;
            continue;
        }
        if (now - f->used >= idle) {
            f->dead = true;
            st->expired++;
            n_dead++;
            continue;
        }
        if (!retranslate) {
            continue;
        }
        ofproto_xlate(ofp, &f->orig, false, now, &xo);
        if (!ofkey_eq(&xo.wc, &f->mask->mask)) {
            f->dead = true;
            st->deleted++;
            n_dead++;
        } else if (!odp_actions_eq(&xo.acts, &f->acts)) {
            st->fixed++;
            megaflow_update(f, &xo.acts, xo.rules, xo.n_rules,
                            ofproto_drop_reason(ofp, &xo));
        }
    }
    xlate_out_destroy(&xo);
    if (n_dead) {
        if (purge) {
            purge(aux);
        }
        for (struct dp_flow *f = mc->all, *next; f; f = next) {
            next = f->all_next;
            if (f->dead) {
                megaflow_remove(mc, f);
            }
        }
    }
    return n;
}
