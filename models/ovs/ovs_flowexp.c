/* models/ovs/ovs_flowexp.c: an OVS bridge's NetFlow and IPFIX. */
#include "models/ovs/ovs_flowexp.h"

#include "models/core/flowexp.h"
#include "models/core/flowrec.h"
#include "models/core/host.h"
#include "models/ovs/odp.h"

/* UDP source ports: ephemeral ones (Linux's ip_local_port_range starts
 * at 32768; sFlow takes the first ones), two per bridge. */
#define FLOWEXP_SPORT 33000

/* The record's output interface for 'acts', as ofproto-dpif-xlate tells
 * NetFlow: the one output port, or "several", or "dropped". */
static uint32_t
output_of(const struct odp_actions *acts)
{
    uint32_t n = 0, port = 0;
    for (size_t i = 0; i < acts->n; i++) {
        if (acts->a[i].type == ODP_OUTPUT) {
            port = acts->a[i].port;
            n++;
        }
    }
    return n == 0 ? FLOWREC_OUT_DROP : n == 1 ? port : FLOWREC_OUT_MULTI;
}

void
ovs_flowexp_create(struct world *w, struct host *h, struct vh_device *bridge,
                   const struct cfg_bridge *cb, struct cpu_core *send_core,
                   struct ovs_flowexp *out)
{
    uint16_t b = 0;
    while (b < h->cfg->n_bridges && &h->cfg->bridges[b] != cb) {
        b++;
    }
    uint16_t sport = (uint16_t) (FLOWEXP_SPORT + 2 * b);
    out->netflow = cb->netflow
                   ? flowexp_create(w, h, bridge, "netflow", cb->netflow,
                                    sport, send_core) : NULL;
    out->ipfix = cb->ipfix
                 ? flowexp_create(w, h, bridge, "ipfix", cb->ipfix,
                                  (uint16_t) (sport + 1), send_core) : NULL;
}

void
ovs_flowexp_account(struct world *w, const struct ovs_flowexp *fe,
                    struct cpu_core *core, enum cpu_cat cat,
                    const struct vh_packet *p, uint32_t in_port,
                    const struct odp_actions *acts)
{
    if (!fe->netflow && !fe->ipfix) {
        return;
    }
    uint32_t out = output_of(acts);
    if (fe->netflow) {
        flowexp_account(w, fe->netflow, core, cat, p, in_port, out);
    }
    if (fe->ipfix) {
        flowexp_account(w, fe->ipfix, core, cat, p, in_port, out);
    }
}

void
ovs_flowexp_report(const struct ovs_flowexp *fe, struct report_out *out)
{
    if (fe->netflow) {
        flowexp_report(fe->netflow, out);
    }
    if (fe->ipfix) {
        flowexp_report(fe->ipfix, out);
    }
}
