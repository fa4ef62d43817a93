/* models/core/config.c: the scenario's words for the config enums.
 *
 * The loader parses them, the report and the GUI's scene print them, the
 * device classes are looked up by them, and the models read some back;
 * each list is written here once, in the order of its enum. */
#include "models/core/config.h"

#include <stdio.h>

const char *const cfg_bridge_type_names[CFG_BR_OVS + 1] = {
    [CFG_BR_LINUX] = "linux-bridge",
    [CFG_BR_OVS] = "ovs",
};

const char *const cfg_datapath_names[CFG_DP_DPDK + 1] = {
    [CFG_DP_KERNEL] = "kernel",
    [CFG_DP_DPDK] = "dpdk",
};

const char *const cfg_vnic_model_names[CFG_VNIC_RTL8139 + 1] = {
    [CFG_VNIC_VIRTIO] = "virtio",
    [CFG_VNIC_E1000] = "e1000",
    [CFG_VNIC_RTL8139] = "rtl8139",
};

const char *const cfg_backend_names[CFG_BE_VHOST_USER + 1] = {
    [CFG_BE_NONE] = "none",
    [CFG_BE_QEMU] = "qemu",
    [CFG_BE_VHOST_NET] = "vhost-net",
    [CFG_BE_VHOST_USER] = "vhost-user",
};

const char *const cfg_attach_names[CFG_AT_DVSWITCH + 1] = {
    [CFG_AT_BRIDGE] = "bridge",
    [CFG_AT_OVS] = "ovs",
    [CFG_AT_NAT] = "nat",
    [CFG_AT_MACVTAP] = "macvtap",
    [CFG_AT_SRIOV_VF] = "sriov-vf",
    [CFG_AT_PASSTHROUGH] = "passthrough",
    [CFG_AT_VIF] = "vif",
    [CFG_AT_DVSWITCH] = "dvswitch",
};

const char *const cfg_dvs_teaming_names[CFG_TEAM_FAILOVER + 1] = {
    [CFG_TEAM_SRCID] = "loadbalance_srcid",
    [CFG_TEAM_SRCMAC] = "loadbalance_srcmac",
    [CFG_TEAM_IP] = "loadbalance_ip",
    [CFG_TEAM_LOADBASED] = "loadbalance_loadbased",
    [CFG_TEAM_FAILOVER] = "failover_explicit",
};

const char *const cfg_macvtap_mode_names[4] = {
    "vepa", "bridge", "private", "passthru",
};

const char *const cfg_vif_mode_names[2] = { "standard", "passthrough" };

const char *const cfg_netdriver_names[CFG_ND_SRIOV + 1] = {
    [CFG_ND_BRIDGE] = "bridge",
    [CFG_ND_MACVLAN] = "macvlan",
    [CFG_ND_IPVLAN] = "ipvlan",
    [CFG_ND_OVERLAY] = "overlay",
    [CFG_ND_CALICO] = "calico",
    [CFG_ND_FLANNEL] = "flannel",
    [CFG_ND_WEAVE] = "weave",
    [CFG_ND_SRIOV] = "sriov",
};

const char *const cfg_switch_mode_names[CFG_SW_ROUTER + 1] = {
    [CFG_SW_8021Q] = "802.1q",
    [CFG_SW_VEPA] = "vepa",
    [CFG_SW_VNTAG] = "vntag",
    [CFG_SW_8021BR] = "802.1br",
    [CFG_SW_FEX] = "fex",
    [CFG_SW_PE] = "pe",
    [CFG_SW_ROUTER] = "router",
};

const char *const cfg_acl_action_names[CFG_ACL_DENY + 1] = {
    [CFG_ACL_PERMIT] = "permit",
    [CFG_ACL_DENY] = "deny",
};

const char *const cfg_acl_proto_names[CFG_ACL_ARP + 1] = {
    [CFG_ACL_UDP] = "udp",
    [CFG_ACL_TCP] = "tcp",
    [CFG_ACL_ICMP] = "icmp",
    [CFG_ACL_ARP] = "arp",
};

const char *const cfg_proto_names[CFG_PROTO_ICMP + 1] = {
    [CFG_PROTO_UDP] = "udp",
    [CFG_PROTO_TCP] = "tcp",
    [CFG_PROTO_ICMP] = "icmp",
};

const char *
cfg_flow_proto_name(const struct cfg_flow *f)
{
    return f->proto == CFG_PROTO_ICMP && f->family == 6
           ? "icmp6" : cfg_proto_names[f->proto];
}

const char *
cfg_flow_proto_label(const struct cfg_flow *f)
{
    static const char *const v6[CFG_PROTO_ICMP + 1] = {
        [CFG_PROTO_UDP] = "udp6",
        [CFG_PROTO_TCP] = "tcp6",
        [CFG_PROTO_ICMP] = "icmp6",
    };
    return f->family == 6 ? v6[f->proto] : cfg_proto_names[f->proto];
}

const char *const cfg_event_action_names[CFG_EV_ROGUE_DMA + 1] = {
    [CFG_EV_LINK_DOWN] = "link-down",
    [CFG_EV_LINK_UP] = "link-up",
    [CFG_EV_MIGRATE] = "migrate",
    [CFG_EV_SET] = "set",
    [CFG_EV_ROGUE_DMA] = "rogue-dma",
};

void
cfg_bridge_class_value(const struct cfg_bridge *b, char *buf, size_t size)
{
    if (b->type == CFG_BR_OVS) {
        snprintf(buf, size, "ovs/%s", cfg_datapath_names[b->datapath]);
    } else {
        snprintf(buf, size, "%s", cfg_bridge_type_names[b->type]);
    }
}

const char *const cfg_bport_type_names[CFG_BP_NVGRE + 1] = {
    [CFG_BP_NIC] = "system",
    [CFG_BP_INTERNAL] = "internal",
    [CFG_BP_PATCH] = "patch",
    [CFG_BP_BOND] = "bond",
    [CFG_BP_VXLAN] = "vxlan",
    [CFG_BP_GRE] = "gre",
    [CFG_BP_GENEVE] = "geneve",
    [CFG_BP_NVGRE] = "nvgre",
};

const char *const cfg_bond_mode_names[CFG_BOND_BALANCE_ALB + 1] = {
    [CFG_BOND_ACTIVE_BACKUP] = "active-backup",
    [CFG_BOND_BALANCE_SLB] = "balance-slb",
    [CFG_BOND_BALANCE_TCP] = "balance-tcp",
    [CFG_BOND_BALANCE_XOR] = "balance-xor",
    [CFG_BOND_8023AD] = "802.3ad",
    [CFG_BOND_BALANCE_ALB] = "balance-alb",
};

const char *const cfg_lacp_names[CFG_LACP_PASSIVE + 1] = {
    [CFG_LACP_OFF] = "off",
    [CFG_LACP_ACTIVE] = "active",
    [CFG_LACP_PASSIVE] = "passive",
};

void
cfg_flow_tuple(const struct cfg_flow *f, uint64_t seq, uint16_t *sport,
               uint16_t *dport)
{
    uint64_t i = f->concurrent_flows > 1 ? seq % f->concurrent_flows : 0;
    *sport = (uint16_t) (f->sport + i % CFG_TUPLE_SPORTS);
    *dport = (uint16_t) (f->dport + i / CFG_TUPLE_SPORTS);
}
