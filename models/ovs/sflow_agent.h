/* models/ovs/sflow_agent.h: ovs-vswitchd's sFlow agent for one bridge.
 *
 * With sFlow configured, OVS puts a sample action in front of the actions
 * of every datapath flow it installs.  The datapath (the kernel module, or
 * a PMD of the user-space datapath) runs it on every frame it forwards,
 * cached flow or upcall alike: a random draw keeps one frame in N, on
 * average, and sends that one up to ovs-vswitchd as an upcall of its own,
 * copy and all; the others cost a counter and a random number.  The
 * agent turns each sampled frame into a flow sample (its first 'header'
 * bytes, the ports it came in by and went out of, N, and the sample pool:
 * every frame the datapath ran the sample action on), and polls each
 * port's interface counters every 'polling' into counter samples.
 *
 * Samples gather into one sFlow v5 datagram (models/ovs/sflow.h), which
 * leaves when the next sample would not fit, and at every tick of the
 * agent ('flush': the sFlow library OVS embeds ticks once a second).  It
 * is a real UDP packet from the agent address, the host's own, to the
 * collector, sent through the host's stack like any program's, ARP
 * included; the collector's stack takes it in as control traffic.
 *
 * As OVS does, the agent has one sampler for the whole bridge, data
 * source 2:1000 (a "physical entity", 1000 + the bridge's sub-agent id),
 * and one counter poller per port, data source 0:N with N the port's
 * OpenFlow number; flow samples name ports by OpenFlow number too.  OVS
 * adds N to the sample pool per sample, for its kernel does not count
 * the frames it did not sample; vhsim counts them, so the pool is exact.
 *
 * Costs: a sampled frame costs the datapath's core an upcall (ovs_upcall
 * and the copy of the frame), as an upcall of a miss does; sending a
 * datagram costs ovs-vswitchd a system call and the stack's transmit. */
#ifndef VH_MODELS_OVS_SFLOW_AGENT_H
#define VH_MODELS_OVS_SFLOW_AGENT_H 1

#include <stdint.h>

#include "models/core/config.h"
#include "models/hw/cpu.h"

struct host;
struct ofproto;
struct odp_actions;
struct report_out;
struct vh_device;
struct vh_packet;
struct world;
struct sflow_agent;

/* The agent of bridge 'bridge' (a device of class 'cb'), whose ports are
 * those of 'ofp', on host 'h'; ovs-vswitchd's sending runs on
 * 'send_core'.  It is a device of the bridge, "BRIDGE/sflow", freed by
 * the world.  It starts at time 0 with its first counter polling
 * (none if 'polling' is 0). */
struct sflow_agent *sflow_agent_create(struct world *, struct host *h,
                                       struct vh_device *bridge,
                                       struct ofproto *ofp,
                                       const struct cfg_bridge *cb,
                                       struct cpu_core *send_core);

/* The output port of a flow sample of a frame that runs 'acts': its one
 * output port, "multiple" (0x80000000 | count), or "dropped" (0x40000000
 * | 256, reason unknown), as OVS writes it. */
uint32_t sflow_agent_output(const struct odp_actions *acts);

/* The datapath runs the sample action on frame 'p', which came in by
 * OpenFlow port 'in_port' and goes out as 'out' says (see above), on
 * 'core' doing work of category 'cat'.  Charges the upcall of a sampled
 * frame there. */
void sflow_agent_sample(struct world *, struct sflow_agent *,
                        struct cpu_core *core, enum cpu_cat cat,
                        const struct vh_packet *p, uint32_t in_port,
                        uint32_t out);

/* What the agent has done. */
struct sflow_agent_stats {
    uint64_t pool;              /* Frames the sample action ran on. */
    uint64_t samples;           /* Flow samples: frames sampled. */
    uint64_t counter_samples;
    uint64_t datagrams;         /* Sent. */
    uint32_t pending;           /* Samples gathered, not sent yet. */
};
void sflow_agent_stats(const struct sflow_agent *,
                       struct sflow_agent_stats *);

/* The bridge's report: "sflow": {samples, counter_samples, datagrams,
 * pool, pending}. */
void sflow_agent_report(const struct sflow_agent *, struct report_out *);

extern const struct dev_class sflow_agent_class;

#endif /* models/ovs/sflow_agent.h */
