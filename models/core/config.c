/* models/core/config.c: the scenario's words for the config enums. */
#include "models/core/config.h"

#include <stdio.h>

const char *const cfg_bridge_type_names[] = { "linux-bridge", "ovs" };
const char *const cfg_datapath_names[] = { "kernel", "dpdk" };
const char *const cfg_vnic_model_names[] = { "virtio", "e1000", "rtl8139" };
const char *const cfg_backend_names[] = {
    "none", "qemu", "vhost-net", "vhost-user",
};
const char *const cfg_attach_names[] = {
    "bridge", "ovs", "nat", "macvtap", "sriov-vf", "passthrough",
};
const char *const cfg_switch_mode_names[] = {
    "802.1q", "vepa", "vntag", "802.1br",
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
