/* loader/scenario_support.c: what the scenario contract allows but the
 * simulator cannot run yet.
 *
 * The loader parses and checks all of it into the config structs, so that
 * nothing is silently ignored; this one function then refuses what has no
 * model yet, naming the place, before anything runs.  Devices are refused
 * because no device class accepts them (models/core/devclass.h): a new
 * class is accepted here without a change.  Features that are not devices
 * are listed below; their models refuse them too (the world builder,
 * models/core/timedset.c for timed changes), so deleting a line here
 * never makes vhsim run something it cannot model.  Keys of the format
 * whose features have no model at all are refused as they are read
 * (loader/scenario_json.c). */
#include "loader/scenario_priv.h"

#include <stdio.h>
#include <string.h>

#include "models/core/devclass.h"
#include "models/ovs/ofproto.h"

static bool
unsupported(struct ld *ld, const char *jpath, const char *key,
            const char *what)
{
    char path[JP_LEN];
    if (key) {
        jp_key(path, jpath, key);
    } else {
        snprintf(path, sizeof path, "%s", jpath);
    }
    return vh_diag_fail(ld->diag, path, "not supported yet: %s", what);
}

/* A bond's keys that belong to the other kind of bridge: Open vSwitch
 * bonds in active-backup, balance-slb or balance-tcp and speak LACP when
 * told ("lacp"); Linux's bonding driver in active-backup, balance-xor,
 * 802.3ad (where LACP comes with the mode) or balance-alb, and polls
 * carrier ("miimon"). */
static bool
check_bond(struct ld *ld, const struct cfg_bridge *b,
           const struct cfg_bport *bp)
{
    char path[JP_LEN];
    bool linux_mode = bp->bond_mode == CFG_BOND_BALANCE_XOR
                      || bp->bond_mode == CFG_BOND_8023AD
                      || bp->bond_mode == CFG_BOND_BALANCE_ALB;
    bool ovs_mode = bp->bond_mode == CFG_BOND_BALANCE_SLB
                    || bp->bond_mode == CFG_BOND_BALANCE_TCP;
    if (b->type == CFG_BR_OVS && linux_mode) {
        jp_key(path, bp->jpath, "bond_mode");
        return vh_diag_fail(ld->diag, path, "bond mode '%s' is Linux "
                            "bonding's; Open vSwitch bonds in active-backup, "
                            "balance-slb or balance-tcp",
                            cfg_bond_mode_names[bp->bond_mode]);
    }
    if (b->type == CFG_BR_OVS && bp->miimon) {
        jp_key(path, bp->jpath, "miimon");
        return vh_diag_fail(ld->diag, path, "'miimon' is Linux bonding's "
                            "carrier polling; an Open vSwitch bond hears of "
                            "carrier from its datapath");
    }
    if (b->type != CFG_BR_OVS && ovs_mode) {
        jp_key(path, bp->jpath, "bond_mode");
        return vh_diag_fail(ld->diag, path, "bond mode '%s' is Open "
                            "vSwitch's; a Linux bond on a Linux bridge takes "
                            "active-backup, balance-xor, 802.3ad or "
                            "balance-alb",
                            cfg_bond_mode_names[bp->bond_mode]);
    }
    if (b->type != CFG_BR_OVS && bp->lacp != CFG_LACP_OFF) {
        jp_key(path, bp->jpath, "lacp");
        return vh_diag_fail(ld->diag, path, "'lacp' is Open vSwitch's; a "
                            "Linux bond speaks LACP in bond_mode 802.3ad");
    }
    return true;
}

/* What a bridge asks that no model builds yet; an OVS bridge's rules
 * are parsed here, so a bad rule fails 'vhsim check' with its path. */
static bool
check_bridge(struct ld *ld, const struct cfg_host *h,
             const struct cfg_bridge *b)
{
    char what[128];
    for (size_t k = 0; k < b->n_bports; k++) {
        const struct cfg_bport *bp = &b->bports[k];
        /* Tunnels are Linux netdevs, OVS's kernel vports, or the dpdk
         * datapath's own tunnel code (OVS's native tunnelling). */
        bool ok = bp->type == CFG_BP_NIC || bp->type >= CFG_BP_VXLAN
                  || ((bp->type == CFG_BP_INTERNAL
                       || bp->type == CFG_BP_BOND
                       || bp->type == CFG_BP_PATCH)
                      && b->type == CFG_BR_OVS
                      && b->datapath == CFG_DP_KERNEL)
                  || (bp->type == CFG_BP_BOND && b->type != CFG_BR_OVS);
        if (!ok) {
            snprintf(what, sizeof what, "ports of type '%s' on %s",
                     cfg_bport_type_names[bp->type],
                     b->type != CFG_BR_OVS ? "a Linux bridge"
                     : b->datapath == CFG_DP_KERNEL
                     ? "Open vSwitch's kernel datapath"
                     : "Open vSwitch's dpdk datapath");
            return unsupported(ld, bp->jpath, "type", what);
        }
        if (bp->type == CFG_BP_BOND && !check_bond(ld, b, bp)) {
            return false;
        }
        if ((bp->type == CFG_BP_GRE || bp->type == CFG_BP_NVGRE)
            && (bp->remote_ip >> 28) == 14) {
            /* Linux's gretap takes a group; only vxlan's flood and learn
             * has a model. */
            snprintf(what, sizeof what, "a multicast group as the "
                     "remote_ip of a %s port (only vxlan ports take one)",
                     cfg_bport_type_names[bp->type]);
            return unsupported(ld, bp->jpath, "remote_ip", what);
        }
        if (b->type != CFG_BR_OVS && bp->type != CFG_BP_NIC
            && (bp->vlan >= 0 || bp->n_trunks)) {
            snprintf(what, sizeof what, "VLAN modes on a Linux bridge's "
                     "ports of type '%s'", cfg_bport_type_names[bp->type]);
            return unsupported(ld, bp->jpath, bp->n_trunks ? "trunks"
                               : "vlan", what);
        }
        bool kernel_ovs = b->type == CFG_BR_OVS
                          && b->datapath == CFG_DP_KERNEL;
        if ((bp->policing_rate_kbps || bp->policing_burst_kb)
            && b->type != CFG_BR_OVS) {
            return unsupported(ld, bp->jpath, "ingress_policing_rate",
                               "ingress policing outside Open vSwitch");
        }
        if (bp->qos && (!kernel_ovs || bp->type != CFG_BP_NIC)) {
            return unsupported(ld, bp->jpath, "qos", "QoS other than on a "
                               "NIC port of Open vSwitch's kernel datapath");
        }
    }
    if (b->type != CFG_BR_OVS) {
        return true;
    }
    return ofproto_check_flows(h, b, ld->diag);
}

/* Whether 'n' is a port of one of its host's bridges. */
static bool
nic_bridged(const struct cfg_host *h, const struct cfg_nic *n)
{
    for (size_t b = 0; b < h->n_bridges; b++) {
        for (size_t k = 0; k < h->bridges[b].n_ports; k++) {
            if (!strcmp(h->bridges[b].ports[k], n->name)) {
                return true;
            }
        }
    }
    return false;
}

bool
ld_check_supported(struct ld *ld)
{
    const struct cfg_scenario *sc = ld->sc;
    char what[128];

    for (size_t i = 0; i < sc->n_hosts; i++) {
        const struct cfg_host *h = &sc->hosts[i];
        for (size_t j = 0; j < h->n_nics; j++) {
            const struct cfg_nic *n = &h->nics[j];
            if (!dev_class_find(DEV_FAM_NIC, n->model)) {
                snprintf(what, sizeof what, "NIC model '%s'", n->model);
                return unsupported(ld, n->jpath, "model", what);
            }
            if (n->n_vlans && nic_bridged(h, n)) {
                return unsupported(ld, n->jpath, "vlans", "VLAN "
                                   "subinterfaces of a NIC enslaved to a "
                                   "bridge (give the host an address in "
                                   "the bridge's VLAN instead)");
            }
        }
        for (size_t j = 0; j < h->n_bridges; j++) {
            /* Bridge types and datapaths without a class were refused
             * as they were loaded (loader/scenario_hosts.c). */
            const struct cfg_bridge *b = &h->bridges[j];
            if (!check_bridge(ld, h, b)) {
                return false;
            }
        }
        for (size_t j = 0; j < h->n_vms; j++) {
            const struct cfg_vm *vm = &h->vms[j];
            for (size_t k = 0; k < vm->n_nics; k++) {
                const struct cfg_vnic *v = &vm->nics[k];
                const char *type = cfg_attach_names[v->attach];
                const struct dev_class *at =
                    dev_class_for_attach_mode(type, v->attach_mode);
                if (!at) {
                    snprintf(what, sizeof what, "attach type '%s'", type);
                    return unsupported(ld, v->jpath, "attach", what);
                }
                /* Checked before the assigned devices leave the loop:
                 * a VF or a passed-through NIC has no trunk model either,
                 * and was let through with its 'trunks' unused. */
                if (v->n_trunks && v->attach != CFG_AT_OVS
                    && v->attach != CFG_AT_BRIDGE) {
                    return unsupported(ld, v->jpath, "trunks", "VLAN trunks "
                                       "to a VM outside Open vSwitch and "
                                       "the Linux bridge");
                }
                if (at->assigned) {
                    /* The guest drives the hardware
                     * (models/guest/vf_driver.h): 'model', 'backend' and
                     * 'queues' are not used, and a VF's port VLAN is set
                     * in the NIC (models/hw/sriov.h). */
                    if (v->vlan >= 0 && (v->attach == CFG_AT_PASSTHROUGH
                                         || v->attach == CFG_AT_VIF)) {
                        return unsupported(ld, v->jpath, "vlan", "VLANs");
                    }
                    continue;
                }
                const char *model = cfg_vnic_model_names[v->model];
                if (!dev_class_find(DEV_FAM_VNIC, model)) {
                    snprintf(what, sizeof what, "NIC model '%s'", model);
                    return unsupported(ld, v->jpath, "model", what);
                }
                if (v->vlan >= 0 && v->attach != CFG_AT_BRIDGE
                    && v->attach != CFG_AT_OVS) {
                    /* Bridges put a VM NIC's port in its VLAN; NAT and
                     * macvtap have no model of VLANs yet. */
                    return unsupported(ld, v->jpath, "vlan", "VLANs");
                }
            }
        }
        /* Container network drivers without a model were refused as
         * they were loaded (loader/scenario_containers.c). */
    }
    /* Switch modes without a class were refused as they were loaded;
     * every protocol and pattern of traffic[] has its generator. */
    return true;
}
