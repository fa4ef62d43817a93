/* models/dvs/dvswitch.c: the distributed switch's configuration and port
 * table, and its section of the report. */
#include "models/dvs/dvswitch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/devclass.h"
#include "models/core/defaults.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "sim/xmalloc.h"

static void
set_vid(uint64_t *bits, uint16_t vid)
{
    bits[vid / 64] |= 1ULL << (vid % 64);
}

/* The VLANs the uplinks carry tagged: every port group's. */
static void
collect_vlans(struct dvswitch *sw)
{
    const struct cfg_dvswitch *cd = sw->cfg;
    sw->pg_trunks = vh_xcalloc(cd->n_portgroups, sizeof *sw->pg_trunks);
    for (size_t g = 0; g < cd->n_portgroups; g++) {
        const struct cfg_portgroup *pg = &cd->portgroups[g];
        if (pg->vlan >= 0) {
            set_vid(sw->uplink_vlans, (uint16_t) pg->vlan);
        }
        if (pg->n_trunks) {
            sw->pg_trunks[g] = vh_xcalloc(PORT_VLAN_WORDS, sizeof (uint64_t));
        }
        for (size_t t = 0; t < pg->n_trunks; t++) {
            set_vid(sw->uplink_vlans, pg->trunks[t]);
            set_vid(sw->pg_trunks[g], pg->trunks[t]);
        }
        if (pg->pvlan.type != CFG_PVLAN_NONE) {
            set_vid(sw->uplink_vlans, pg->pvlan.primary);
            if (pg->pvlan.secondary) {
                set_vid(sw->uplink_vlans, pg->pvlan.secondary);
            }
        }
    }
}

struct dvswitch *
dvswitch_get(struct world *w, const struct cfg_dvswitch *cd, bool create)
{
    struct vh_device *d = vh_devtab_find(&w->devs, cd->name);
    if (d && d->cls == &dvswitch_class) {
        return VH_CONTAINER_OF(d, struct dvswitch, dev);
    }
    if (!create) {
        return NULL;
    }
    struct dvswitch *sw = vh_xcalloc(1, sizeof *sw);
    dev_register(w, &sw->dev, &dvswitch_class, NULL, cd->name);
    sw->cfg = cd;
    collect_vlans(sw);
    return sw;
}

const struct cfg_portgroup *
dvswitch_portgroup(const struct dvswitch *sw, const char *name)
{
    for (size_t g = 0; g < sw->cfg->n_portgroups; g++) {
        if (!strcmp(sw->cfg->portgroups[g].name, name)) {
            return &sw->cfg->portgroups[g];
        }
    }
    return NULL;
}

struct dvs_port *
dvswitch_port(struct dvswitch *sw, const struct cfg_vnic *vn,
              const char *nic_path)
{
    for (size_t i = 0; i < sw->n_ports; i++) {
        if (sw->ports[i]->vnic == vn) {
            return sw->ports[i];
        }
    }
    struct dvs_port *dp = vh_xcalloc(1, sizeof *dp);
    dp->id = (uint32_t) sw->n_ports;
    dp->pg = dvswitch_portgroup(sw, vn->portgroup);
    dp->vnic = vn;
    dp->nic_path = vh_xstrdup(nic_path);
    sw->ports = vh_xgrow(sw->ports, sw->n_ports, sizeof *sw->ports);
    sw->ports[sw->n_ports++] = dp;
    return dp;
}

/* A private VLAN port is an access port of its secondary (isolated,
 * community) or of its primary (promiscuous); a trunking port group's
 * ports carry its VLANs tagged and no native VLAN; the others are access
 * ports of their VLAN, or of the native one. */
struct port_vlan
dvswitch_port_vlan(const struct dvswitch *sw, const struct cfg_portgroup *pg)
{
    if (pg->pvlan.type != CFG_PVLAN_NONE) {
        bool promisc = pg->pvlan.type == CFG_PVLAN_PROMISCUOUS;
        return (struct port_vlan) {
            .mode = PORT_VLAN_ACCESS,
            .tag = promisc ? pg->pvlan.primary : pg->pvlan.secondary,
            .pvlan_promiscuous = promisc };
    }
    if (pg->n_trunks) {
        size_t g = (size_t) (pg - sw->cfg->portgroups);
        return (struct port_vlan) {
            .mode = PORT_VLAN_TRUNK,
            .tag = 0,
            .trunks = sw->pg_trunks[g] };
    }
    return (struct port_vlan) {
        .mode = PORT_VLAN_ACCESS,
        .tag = (uint16_t) (pg->vlan >= 0 ? pg->vlan : VH_DEF_BRIDGE_PVID) };
}

uint32_t
dvs_mgmt_ip(const struct world *w, const struct host *h,
            const struct cfg_dvswitch *cd)
{
    const struct cfg_host *ch = h->cfg;
    for (size_t i = 0; i < ch->n_nics; i++) {
        bool uplink = false;
        for (size_t k = 0; k < cd->n_uplinks; k++) {
            uplink |= !strcmp(cd->uplinks[k], ch->nics[i].name);
        }
        if (ch->nics[i].has_ip && !uplink) {
            return ch->nics[i].ip;
        }
    }
    (void) w;
    return 0;
}

/* --- The class. --- */

static bool
dvswitch_reports(const struct vh_device *d)
{
    (void) d;
    return true;
}

/* In the report's "dvswitches": the configuration and the port table,
 * one line per port whichever hosts it has been on. */
static void
dvswitch_report(const struct vh_device *d, struct report_out *out)
{
    const struct dvswitch *sw = VH_CONTAINER_OF(d, const struct dvswitch,
                                                dev);
    report_out_str(out, "flavor", sw->cfg->n1kv ? "n1kv" : "vds");
    if (sw->cfg->vsm) {
        n1kv_vsm_report(sw, out);
    }
    report_out_str(out, "teaming", cfg_dvs_teaming_names[sw->cfg->teaming]);
    report_out_begin_list(out, "ports");
    for (size_t i = 0; i < sw->n_ports; i++) {
        const struct dvs_port *dp = sw->ports[i];
        report_out_begin_item(out);
        report_out_num(out, "id", dp->id);
        report_out_str(out, "portgroup", dp->pg->name);
        report_out_str(out, "nic", dp->nic_path);
        report_out_str(out, "hosts", dp->hosts ? dp->hosts : "");
        report_out_num(out, "rx_frames", (double) dp->rx);
        report_out_num(out, "rx_bytes", (double) dp->rx_bytes);
        report_out_num(out, "tx_frames", (double) dp->tx);
        report_out_num(out, "tx_bytes", (double) dp->tx_bytes);
        report_out_end(out);
    }
    report_out_end(out);
    /* The ports' policies, as the Linux bridge and OVS list theirs. */
    bool any = false;
    for (size_t i = 0; i < sw->n_ports && !any; i++) {
        any = sw->ports[i]->placed && portpolicy_active(&sw->ports[i]->pp);
    }
    if (any) {
        report_out_begin_list(out, "port_policies");
        for (size_t i = 0; i < sw->n_ports; i++) {
            const struct dvs_port *dp = sw->ports[i];
            if (dp->placed && portpolicy_active(&dp->pp)) {
                report_out_begin_item(out);
                portpolicy_report(&dp->pp, out);
                report_out_end(out);
            }
        }
        report_out_end(out);
    }
}

static void
dvswitch_destroy(struct vh_device *d)
{
    struct dvswitch *sw = VH_CONTAINER_OF(d, struct dvswitch, dev);
    for (size_t i = 0; i < sw->n_ports; i++) {
        if (sw->ports[i]->placed) {
            portpolicy_port_destroy(&sw->ports[i]->pp);
        }
        free(sw->ports[i]->nic_path);
        free(sw->ports[i]->hosts);
        free(sw->ports[i]);
    }
    free(sw->ports);
    for (size_t g = 0; g < sw->cfg->n_portgroups; g++) {
        free(sw->pg_trunks[g]);
    }
    free(sw->pg_trunks);
    free(sw);
}

const struct dev_class dvswitch_class = {
    .kind = "dvswitch",
    .role = VH_ROLE_SWITCHING,
    .family = DEV_FAM_PART,
    .described = "distributed switches",
    .top_section = "dvswitches",
    .reports = dvswitch_reports,
    .report = dvswitch_report,
    .destroy = dvswitch_destroy,
};
