/* models/ovs/ovs_flowexp.h: NetFlow and IPFIX on an OVS bridge.
 *
 * ovs-vswitchd's NetFlow and bridge IPFIX modules, built on the
 * switch-independent exporter (models/core/flowexp.h).  Both datapaths
 * (the kernel module, the DPDK PMDs) call ovs_flowexp_account() for every
 * frame whose actions run, as they run the sFlow sample action: records
 * name ports by OpenFlow number, and a frame output to several ports, or
 * to none, has OVS's output codes (FLOWREC_OUT_MULTI, _DROP).  IPFIX
 * samples as OVS's sample action does; NetFlow counts every frame. */
#ifndef VH_MODELS_OVS_OVS_FLOWEXP_H
#define VH_MODELS_OVS_OVS_FLOWEXP_H 1

#include "models/core/config.h"
#include "models/hw/cpu.h"

struct flowexp;
struct host;
struct odp_actions;
struct report_out;
struct vh_device;
struct vh_packet;
struct world;

/* A bridge's exporters, each NULL when not configured. */
struct ovs_flowexp {
    struct flowexp *netflow;
    struct flowexp *ipfix;
};

/* Builds the exporters 'cb' asks for on bridge 'bridge' of host 'h',
 * sending on 'send_core' (ovs-vswitchd's main thread). */
void ovs_flowexp_create(struct world *, struct host *h,
                        struct vh_device *bridge, const struct cfg_bridge *cb,
                        struct cpu_core *send_core, struct ovs_flowexp *out);

/* The datapath runs 'acts' on 'p', which came in by OpenFlow port
 * 'in_port', on 'core' doing work of category 'cat'. */
void ovs_flowexp_account(struct world *, const struct ovs_flowexp *,
                         struct cpu_core *core, enum cpu_cat cat,
                         const struct vh_packet *p, uint32_t in_port,
                         const struct odp_actions *acts);

/* The bridge's report sections, "netflow" and "ipfix". */
void ovs_flowexp_report(const struct ovs_flowexp *, struct report_out *);

#endif /* models/ovs/ovs_flowexp.h */
