/* models/core/teaming.h: the uplink choice of a virtual switch's NIC team,
 * as vSphere's teaming and failover policy makes it.
 *
 * A team is the switch's uplinks on one host, in their configured order.
 * For every frame a virtual port sends out, the policy picks the uplink:
 *
 *   loadbalance_srcid      "Route based on originating virtual port": the
 *                          port id mod the number of active uplinks.  A
 *                          port keeps its uplink for as long as it lives.
 *   loadbalance_srcmac     "Route based on source MAC hash": the last
 *                          octet of the frame's source MAC mod the number
 *                          of active uplinks; a vNIC keeps its uplink.
 *   loadbalance_ip         "Route based on IP hash": the last octets of
 *                          the source and destination IP addresses
 *                          xor'ed, mod the number of active uplinks, so
 *                          one VM's flows to different peers may leave by
 *                          different uplinks.  Frames that are not IP are
 *                          hashed on the two 32-bit words where the
 *                          addresses would be, as vSphere's documentation
 *                          says.  One MAC then shows up on several
 *                          uplinks: the upstream switch must bundle the
 *                          uplinks' ports into a static EtherChannel
 *                          (teaming_needs_etherchannel()).
 *   loadbalance_loadbased  "Route based on physical NIC load" (distributed
 *                          switch only): placed as loadbalance_srcid; in
 *                          vSphere's words "the distributed switch tests
 *                          the uplinks every 30 seconds, and if their load
 *                          exceeds 75 percent of usage, the port ID of the
 *                          virtual machine with the highest I/O is moved
 *                          to a different uplink" (vSphere Networking,
 *                          "Route Based on Physical NIC Load").  The load
 *                          is the mean of transmit or of receive over the
 *                          30 s, whichever is higher; the port moves to
 *                          the least loaded usable uplink, and only if
 *                          that uplink carries less than the overloaded
 *                          one would without it (a move that just swaps
 *                          the overload is not made).  At most one port
 *                          leaves each uplink per period.
 *   failover_explicit      "Use explicit failover order": no balancing;
 *                          the first usable active uplink in the
 *                          configured order carries everything.
 *
 * Failover.  An uplink is usable while failure detection (link status)
 * says so; the caller reports it with teaming_set_usable() once it has
 * detected the change, and frames it sent into a dead link meanwhile are
 * the caller's to count as lost.  The hashing policies keep every port
 * whose uplink is still usable where it is: a frame whose uplink (the
 * hash mod the number of active uplinks) is not usable takes the same
 * hash mod the number of usable active uplinks, among those in order.
 * When the uplink comes back its ports return to it (vSphere's "failback"
 * yes, the default).  Standby uplinks (teaming_set_standby()) carry
 * nothing while an active one is usable; when none is, they stand in, in
 * the same way.
 *
 * The module is pure: no world, no events, no costs.  The caller tells it
 * the time, the usable uplinks and the bytes carried; a load-based period
 * that has ended is evaluated by the first call that sees a later time. */
#ifndef VH_MODELS_TEAMING_H
#define VH_MODELS_TEAMING_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/time.h"

struct vh_packet;

enum teaming_policy {
    TEAMING_SRCID,              /* "loadbalance_srcid" (vSphere's default) */
    TEAMING_SRCMAC,             /* "loadbalance_srcmac" */
    TEAMING_IP,                 /* "loadbalance_ip" */
    TEAMING_LOADBASED,          /* "loadbalance_loadbased" */
    TEAMING_EXPLICIT,           /* "failover_explicit" */
};
#define TEAMING_N_POLICIES 5

/* Load-based teaming's period and threshold. */
#define TEAMING_LBT_PERIOD (30 * VH_SEC)
#define TEAMING_LBT_THRESHOLD_PCT 75

/* The policy named 'name' (the scenario's "teaming" value); false if
 * there is none of that name. */
bool teaming_policy_from_name(const char *name, enum teaming_policy *);
const char *teaming_policy_name(enum teaming_policy);

/* Whether the policy needs the uplinks' switch ports in one static
 * EtherChannel (a MAC is seen on several of them). */
bool teaming_needs_etherchannel(enum teaming_policy);

/* Which way bytes crossed an uplink, for load-based teaming. */
enum teaming_dir { TEAMING_TX, TEAMING_RX };

struct teaming_uplink {
    uint64_t bps;               /* Link speed. */
    bool usable;                /* As failure detection last said. */
    bool standby;               /* In the standby list of the order. */
    uint64_t bytes[2];          /* This period, by enum teaming_dir. */
};

/* A virtual port load-based teaming has seen: its bytes this period, and
 * the uplink it was moved to. */
struct teaming_port {
    uint32_t id;
    int moved_to;               /* Uplink index, or -1: still placed by
                                 * its port id. */
    uint64_t bytes;             /* This period, both directions. */
};

struct teaming {
    enum teaming_policy policy;
    struct teaming_uplink *uplinks;
    size_t n_uplinks;
    struct teaming_port *ports; /* Load-based only; few per host. */
    size_t n_ports, cap_ports;
    vh_time_t period_start;
    uint64_t moves;
};

/* A team of 'n_uplinks' uplinks of speeds 'bps' (in order), all usable
 * and active.  teaming_destroy() frees what it allocated. */
void teaming_init(struct teaming *, enum teaming_policy, size_t n_uplinks,
                  const uint64_t *bps);
void teaming_destroy(struct teaming *);

/* Failure detection has found uplink 'k' up ('usable') or down. */
void teaming_set_usable(struct teaming *, size_t k, bool usable);

/* Puts uplink 'k' in the standby list of the failover order, or back in
 * the active list. */
void teaming_set_standby(struct teaming *, size_t k, bool standby);

/* The uplink virtual port 'port_id' sends frame 'p' by at 'now' (only
 * p->data and p->len are read), or -1 if no uplink is usable. */
int teaming_choose(struct teaming *, uint32_t port_id,
                   const struct vh_packet *p, vh_time_t now);

/* 'bytes' of port 'port_id' crossed uplink 'k' in direction 'dir' at
 * 'now'.  Only load-based teaming uses it; received frames count for the
 * port they are delivered to. */
void teaming_account(struct teaming *, uint32_t port_id, size_t k,
                     uint32_t bytes, enum teaming_dir dir, vh_time_t now);

/* Ports load-based teaming has moved, for the report. */
uint64_t teaming_moves(const struct teaming *);

#endif /* models/core/teaming.h */
