/* models/ovs/ofproto.h: what ovs-vswitchd knows of one bridge.
 *
 * Both datapaths (models/ovs/ovs_kernel.h, models/hostnet/ovs_dpdk.h)
 * forward what this layer decides: the bridge's OpenFlow ports and their
 * VLAN modes, its OpenFlow tables (the scenario's "flows", or OVS's
 * default "priority=0,actions=normal"), the MAC learning table of the
 * NORMAL action, and the translation of a flow into datapath actions
 * (models/ovs/xlate.h).  The datapath calls ofproto_xlate() on a miss
 * (an upcall) and when its revalidators check a cached flow.
 *
 * Port numbers follow the scenario contract: from 1 in the order of the
 * bridge's "ports", then the VM NICs attached to it in scenario order.
 * A port is named in rules by its name: a NIC's ("eth0"), a port
 * object's, a VM NIC's "VM.NIC", or "VM" alone when that VM has one NIC
 * on the bridge.  The host's own address on a NIC enslaved to the bridge
 * is OVS's LOCAL port (OFPP_LOCAL), named after the bridge.
 *
 * Mirrors are applied in translation, as OVS does: a frame a mirror
 * selects (by ingress port, by egress port, by VLAN, or all) gets one
 * more output, to the mirror's port, ahead of any rewrite, so the copy is
 * the frame as it came in.  The megaflow carries the copy: mirrored
 * frames of a cached flow cost the fast path one more output. */
#ifndef VH_MODELS_OVS_OFPROTO_H
#define VH_MODELS_OVS_OFPROTO_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/core/config.h"
#include "models/core/fdb.h"
#include "models/core/pvlan.h"
#include "models/core/port.h"
#include "models/ovs/classifier.h"
#include "models/ovs/xlate.h"
#include "sim/diag.h"
#include "sim/time.h"

struct report_out;
struct vh_device;
struct vh_packet;

/* One direction of a port's interface counters, as sFlow polls them:
 * frames (multicast ones apart from broadcast ones, as the IF-MIB counts
 * them) and their bytes without FCS, as Linux counts them. */
struct ofproto_port_stats {
    uint64_t packets, bytes;
    uint64_t mcast, bcast;
};

/* A bond port's members (host NICs) and which carry traffic.  The bond
 * is one OpenFlow port; translation picks the member a flow leaves by:
 * active-backup, the active member; balance-slb, a hash of the source
 * MAC and VLAN; balance-tcp, a hash of the IPv4 or IPv6 addresses,
 * protocol and ports (the flow's megaflow then matches those fields
 * exactly).  The
 * datapath reports carrier changes (ofproto_bond_member_set), which
 * re-elect the active member and revalidate cached flows. */
struct ofproto_bond {
    const struct cfg_bport *cfg;
    size_t n;                   /* Members, in "members" order. */
    bool *carrier;              /* Member's link is up (or went down less
                                 * than bond_downdelay ago). */
    vh_time_t *down_since;      /* When its link was seen down; 0: up. */
    bool *partner;              /* LACP: the partner answered in sync
                                 * (always true without LACP). */
    int active;                 /* Active-backup's member, and the one
                                 * SLB takes broadcasts on; -1: none. */
    uint64_t failovers;
};

struct ofproto_port {
    char *name;                 /* As rules name it. */
    char *alias;                /* "vm1" for a VM's only NIC here. */
    uint32_t ofp_port;
    const struct cfg_bport *cfg;    /* Its "ports" entry, or NULL. */
    const struct cfg_vnic *vnic;    /* Or the VM NIC it is for. */
    struct port_vlan vlan;      /* Access tag, or trunks and native. */
    uint64_t trunks[PORT_VLAN_WORDS];
    bool up;                    /* Has a member that takes frames. */
    bool mirror_out;            /* A mirror's output: OVS neither floods
                                 * to it nor takes frames from it. */
    void *dp;                   /* The datapath's port. */
    struct ofproto_bond *bond;  /* A bond port's members, or NULL. */
    struct ofproto_port_stats rx, tx;   /* Frames the bridge took from the
                                         * port and sent out of it. */
};

/* A mirror, with its ports resolved to OpenFlow numbers. */
struct ofproto_mirror {
    const struct cfg_mirror *cfg;
    uint32_t *src, *dst;
    size_t n_src, n_dst;
    uint64_t vlans[PORT_VLAN_WORDS];    /* select_vlan, if 'any_vlan' is
                                         * false. */
    bool any_vlan;
    uint32_t out;
};

struct ofproto {
    struct vh_device *dev;
    const struct cfg_bridge *cfg;
    struct of_tables tables;
    struct fdb mac;             /* NORMAL's learning: (VLAN, MAC) to an
                                 * OpenFlow port number. */
    struct pvlan_set pvlans;    /* Private VLANs of its ports. */
    struct ofproto_port *ports; /* Port n is ports[n - 1]. */
    size_t n_ports;
    struct ofproto_port local;  /* OFPP_LOCAL, when the host has an
                                 * address on an enslaved NIC. */
    bool has_local;
    struct ofproto_mirror *mirrors;
    size_t n_mirrors;
    uint64_t reval_seq;         /* Bumped when a translation may now come
                                 * out otherwise (an address learned new
                                 * or moved, a bond member up or down):
                                 * cached flows need revalidating, as
                                 * OVS's udpif reval_seq. */
    uint64_t controller;        /* Frames sent to the (absent)
                                 * controller: the datapaths count them
                                 * as they run the action. */
    const char *normal_drop;    /* Why the last NORMAL output nothing. */
    uint64_t expired;           /* Rules removed by their timeouts. */
};

/* Sets up the ports and tables of bridge 'cb' of host 'ch'.  A rule that
 * does not parse fails with its JSON path ("...flows[2]") and the
 * parser's message. */
bool ofproto_init(struct ofproto *, struct vh_device *dev,
                  const struct cfg_host *ch, const struct cfg_bridge *cb,
                  struct vh_diag *diag);
void ofproto_destroy(struct ofproto *);

/* The same check of the rules of 'cb', without building anything: what
 * 'vhsim check' runs while loading. */
bool ofproto_check_flows(const struct cfg_host *ch,
                         const struct cfg_bridge *cb, struct vh_diag *diag);

/* The port numbered 'ofp_port' (OFPP_LOCAL included), or NULL. */
struct ofproto_port *ofproto_port(struct ofproto *, uint32_t ofp_port);

/* The port of VM NIC 'vn', of "ports" entry 'name', or NULL. */
struct ofproto_port *ofproto_port_of_vnic(struct ofproto *,
                                          const struct cfg_vnic *vn);
struct ofproto_port *ofproto_port_named(struct ofproto *, const char *name);

/* Sets in bitmap 'vids' (PORT_VLAN_WORDS words) the VLANs port 'p'
 * carries tagged: its trunks, or for a trunk of every VLAN (no tag, no
 * trunks) those that the bridge's other ports are in. */
void ofproto_port_tagged_vlans(const struct ofproto *,
                               const struct ofproto_port *p, uint64_t *vids);

/* Adds the LOCAL port (the host's address on the bridge). */
struct ofproto_port *ofproto_add_local(struct ofproto *);

/* Translates a frame with key 'key' through the tables.  With
 * 'may_learn' (an upcall, not a revalidation) NORMAL learns its source
 * address at 'now'. */
void ofproto_xlate(struct ofproto *, const struct ofkey *key, bool may_learn,
                   vh_time_t now, struct xlate_out *out);

/* Why a translation without outputs drops the frame, as the report and
 * traces name it: the pipeline's reason (models/ovs/xlate.h), or
 * NORMAL's ("vlan-filter", "bridge-same-port", "no-port"); NULL when
 * 'out' outputs. */
const char *ofproto_drop_reason(const struct ofproto *,
                                const struct xlate_out *out);

/* A datapath output to a bond names its member: port | (member + 1) <<
 * 16. */
#define OFPP_MEMBER(PORT) ((PORT) >> 16)
#define OFPP_PORT(PORT) ((PORT) & 0xffff)

/* Whether member 'm' of 'bond' carries traffic. */
bool ofproto_bond_enabled(const struct ofproto_bond *, size_t m);

/* Member 'm' of the bond of 'port' got or lost carrier (or, with LACP,
 * its partner's agreement).  Returns true if the active member changed
 * (a failover); cached flows are revalidated either way. */
bool ofproto_bond_member_set(struct ofproto *, struct ofproto_port *port,
                             size_t m, bool carrier, bool partner);

/* The bond port with member NIC 'nic', and the member's index, or
 * NULL. */
struct ofproto_port *ofproto_bond_of(struct ofproto *, const char *nic,
                                     size_t *m);

/* Counts frame 'p' in 's', a port's counters of one direction. */
void ofproto_port_count(struct ofproto_port_stats *s,
                        const struct vh_packet *p);

/* Adds one frame of 'bytes' to the counters of 'rules' (a datapath
 * flow's hit, as OVS pushes flow stats to the rules they came from). */
void ofproto_credit(struct of_rule *const *rules, size_t n, uint32_t bytes,
                    vh_time_t now);

/* Rule timeouts: marks the rules whose idle_timeout or hard_timeout has
 * passed at 'now' (they stay in their tables until removed); returns how
 * many are marked.  Once the datapath has deleted the cached flows that
 * point at them, ofproto_remove_expired() takes them out and frees
 * them. */
size_t ofproto_mark_expired(struct ofproto *, vh_time_t now);
void ofproto_remove_expired(struct ofproto *);

/* The report's "rules": [{rule, table, priority, n_packets, n_bytes}] in
 * ovs-ofctl dump-flows order (the terminal lists the first few). */
void ofproto_report_rules(const struct ofproto *, struct report_out *);

#endif /* models/ovs/ofproto.h */
