/* loader/scenario_offload.c: "offloads", in ethtool's words (ethtool -k),
 * on a host NIC and on a VM NIC.
 *
 *   "offloads": { "tso": true, "gso": true, "gro": true,
 *                 "rx-checksum": true }
 *
 * A key left out keeps the default, which is what the device offers, as
 * the drivers turn on every offload the hardware has:
 *   - a physical NIC (ixgbe, i40e, igb) and a VF (ixgbevf, iavf): all on;
 *   - virtio with vhost-net or QEMU's backend: all on, the host offering
 *     VIRTIO_NET_F_HOST_TSO4 and _CSUM, the guest side GUEST_TSO4 and
 *     GUEST_CSUM, so virtio_net turns on TSO and rx checksumming;
 *   - virtio with vhost-user (OVS-DPDK): TSO off, as OVS-DPDK masks the
 *     TSO features unless userspace-tso-enable is set; the rest on;
 *   - e1000 emulated by QEMU: all on (QEMU's e1000 does TSO and receive
 *     checksum offload);
 *   - rtl8139: no TSO and no receive checksum ("[fixed]" off in ethtool).
 * gso and gro are the stack's own and on everywhere.  Asking for what
 * the device does not offer is an error at the key's path, as ethtool -K
 * refuses to change a fixed feature. */
#include "loader/scenario_priv.h"

/* The keys, in the order of struct cfg_offloads. */
static const char *const offload_names[] = {
    "tso", "gso", "gro", "rx-checksum",
};

static bool *
offload_field(struct cfg_offloads *o, size_t i)
{
    bool *f[] = { &o->tso, &o->gso, &o->gro, &o->rx_csum };
    return f[i];
}

/* Reads "offloads" of 'dev' at 'op' over 'dflt'; 'offered' is what the
 * device can do at all, and 'who' names it in the message for a feature
 * it lacks. */
static bool
load_offloads(struct ld *ld, const cJSON *dev, const char *op,
              const struct cfg_offloads *offered,
              const struct cfg_offloads *dflt, const char *who,
              struct cfg_offloads *out)
{
    const cJSON *o;
    char path[JP_LEN];

    *out = *dflt;
    if (!ld_sub(ld, dev, op, "offloads", &sch_offloads, &o, path)) {
        return false;
    }
    for (size_t i = 0; o && i < N_NAMES(offload_names); i++) {
        bool can = *offload_field((struct cfg_offloads *) offered, i);
        bool *want = offload_field(out, i);
        if (!ld_bool(ld, o, path, offload_names[i], want)) {
            return false;
        }
        if (*want && !can) {
            char kp[JP_LEN];
            jp_key(kp, path, offload_names[i]);
            return vh_diag_fail(ld->diag, kp, "%s has no %s (ethtool shows "
                                "it [fixed] off)", who, offload_names[i]);
        }
    }
    return true;
}

bool
ld_nic_offloads(struct ld *ld, const cJSON *nic, const char *np,
                struct cfg_nic *cfg)
{
    static const struct cfg_offloads all = { true, true, true, true };
    return load_offloads(ld, nic, np, &all, &all, "the NIC",
                         &cfg->offloads);
}

bool
ld_vnic_offloads(struct ld *ld, const cJSON *vnic, const char *vp,
                 struct cfg_vnic *vn)
{
    struct cfg_offloads offered = { true, true, true, true };
    const char *who = "virtio-net";
    if (vn->attach == CFG_AT_SRIOV_VF || vn->attach == CFG_AT_PASSTHROUGH) {
        who = "the assigned device";
    } else if (vn->model == CFG_VNIC_RTL8139) {
        who = "rtl8139";
        offered.tso = offered.rx_csum = false;
    } else if (vn->model == CFG_VNIC_E1000) {
        who = "e1000";
    }
    struct cfg_offloads dflt = offered;
    if (vn->attach != CFG_AT_SRIOV_VF && vn->attach != CFG_AT_PASSTHROUGH
        && vn->backend == CFG_BE_VHOST_USER) {
        /* The host can offer TSO (userspace-tso-enable), but does not
         * unless told. */
        dflt.tso = false;
    }
    return load_offloads(ld, vnic, vp, &offered, &dflt, who, &vn->offloads);
}
