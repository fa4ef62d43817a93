/* models/dvs/dvswitch.h: a distributed virtual switch (vSphere's
 * distributed switch, "dvswitches" in a scenario).
 *
 * One switch configuration spans several hosts.  The switch itself (the
 * management plane's object, "dvs1") holds that configuration and the
 * port table: every VM NIC that joins gets a port, numbered from 0 in the
 * order ports are created, that keeps its port group's policy and its
 * counters for as long as the switch lives, wherever its VM runs.  The
 * data plane is a local part on each host ("host1/dvs1", struct
 * dvs_local): a VLAN-aware learning switch built on models/core/l2fwd.h,
 * whose ports are the VM ports on that host plus one uplink port, the
 * NIC team of the switch's uplinks on that host.
 *
 * A port group's VLAN type, as vSphere has it:
 *   none           the port is in the switch's native VLAN, untagged on
 *                  the uplinks;
 *   vlan N         an access port of VLAN N, tagged N on the uplinks;
 *   trunks [..]    VLAN trunking: the VM sends and receives tagged frames
 *                  of those VLANs;
 *   pvlan          an isolated, community or promiscuous port of a
 *                  private VLAN (models/core/pvlan.h).
 * A port group's policy (models/core/portpolicy.h: shaping, security,
 * blocking, an ACL; vSphere's defaults, the security settings Reject)
 * applies to frames from the VM as they enter the local part, after its
 * forwarding costs, and to frames for the VM as they leave it; a port
 * keeps its policy's state (shapers, drops) when its VM migrates.
 *
 * The uplink port sends a frame out by the uplink the team's policy
 * picks (models/core/teaming.h) from the frame's originating port.
 * Load-based teaming is told of the bytes each port sends by each uplink
 * (what it receives by them is not told: which uplink a frame came in
 * by is forgotten once it is switched).  An
 * uplink is usable while its link status says so; the switch reads it
 * every DVS_LINK_POLL, so frames sent into a link that went down before
 * the next reading are lost, counted per uplink as 'lost'.
 *
 * With "lldp", each uplink runs LLDP (vSphere's link discovery, operation
 * "both"): it advertises the host, the uplink's name as its port, and
 * lists what it hears from the upstream switch as the uplink's
 * neighbours.
 *
 * With "netflow", each local part exports NetFlow v5 records of the
 * frames it switches (models/core/flowexp.h) from its host's management
 * address; a record's interfaces are the ports' ids, the uplinks being
 * DVS_NETFLOW_UPLINKS.
 *
 * Flavour n1kv (Cisco's Nexus 1000V) adds the supervisor, a VM or host
 * of the scenario, and the control traffic between it and each host's
 * part (models/dvs/n1kv.h).
 *
 * Costs: ESXi's vmkernel switch has no published source.  The local part
 * charges the Linux bridge's primitives (an FDB lookup and a forward) on
 * the core carrying the frame, as software switching in the host kernel,
 * and the uplink choice the bonding driver's transmit decision
 * ('bond_xmit'), as a team's per-frame choice (docs/calibration.md). */
#ifndef VH_MODELS_DVSWITCH_H
#define VH_MODELS_DVSWITCH_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/core/config.h"
#include "models/core/l2fwd.h"
#include "models/core/lldp_agent.h"
#include "models/core/port.h"
#include "models/core/portpolicy.h"
#include "models/core/teaming.h"
#include "models/dvs/n1kv.h"
#include "sim/device.h"
#include "sim/event.h"

struct endpoint;
struct flowexp;
struct host;
struct pnic;
struct vm_nic;
struct world;

/* How often the local part reads its uplinks' link status. */
#define DVS_LINK_POLL (500 * VH_MS)

struct dvs_local;

/* A port of the switch: it outlives its VM's stay on a host. */
struct dvs_port {
    uint32_t id;                /* vSphere's port key: 0, 1, ... */
    const struct cfg_portgroup *pg;
    const struct cfg_vnic *vnic;
    char *nic_path;             /* The VM NIC's path ("host1/vm1/eth0"). */
    struct dvs_local *local;    /* Where it is now; NULL while its VM is
                                 * between hosts, */
    struct dvs_local *local_left;   /* and then the part it left. */
    char *hosts;                /* The hosts it has been on, in order:
                                 * "host1 -> host2". */
    size_t l2_index;            /* Its port number in 'local'. */
    struct portpolicy_port pp;  /* Its port group's policy: its shapers'
                                 * state and its drops, which move with
                                 * it (set up when it is first placed). */
    bool placed;                /* It has been on a host. */
    uint64_t rx, rx_bytes;      /* Frames the VM sent into the port, */
    uint64_t tx, tx_bytes;      /* and the port passed to the VM. */
};

/* The switch: its configuration and its port table. */
struct dvswitch {
    struct vh_device dev;       /* "dvs1", at the top. */
    const struct cfg_dvswitch *cfg;
    struct dvs_port **ports;    /* By id. */
    size_t n_ports;
    uint64_t uplink_vlans[PORT_VLAN_WORDS];     /* What its uplinks carry
                                                 * tagged. */
    uint64_t **pg_trunks;       /* Per port group with 'trunks', their
                                 * bitmap (else NULL). */
    /* The Nexus 1000V flavour's supervisor (models/dvs/n1kv.h). */
    struct endpoint *vsm_ep;    /* Bound when the run starts. */
    uint32_t vsm_ip;
    struct n1kv_stats vsm;
};

/* One uplink of a local part: a NIC of its host. */
struct dvs_uplink {
    struct port port;           /* Joined to the NIC's host side. */
    struct pnic *nic;
    bool usable;                /* As the last link status reading said. */
    uint64_t tx, rx;            /* Frames sent and taken. */
    uint64_t lost;              /* Sent while its link was down, before
                                 * the switch knew. */
    uint64_t failovers;         /* Times it was found down. */
    struct lldp_agent *lldp;    /* With the switch's "lldp", or NULL. */
};

/* The switch's part on one host. */
struct dvs_local {
    struct vh_device dev;       /* "host1/dvs1". */
    struct dvswitch *sw;
    struct host *host;
    struct l2fwd l2;            /* Port 0: the uplinks' team; then the VM
                                 * ports in the order they joined. */
    struct dvs_port **l2_ports; /* Per l2 port, its switch port (NULL for
                                 * port 0 and for ports left behind by a
                                 * migrated VM). */
    struct port team_upper;     /* Joined to l2 port 0. */
    struct dvs_uplink *uplinks; /* The switch's uplinks, in order. */
    size_t n_uplinks;
    struct teaming team;
    struct vh_timer poll;
    struct flowexp *netflow;    /* With the switch's "netflow", or NULL. */
    /* The Nexus 1000V flavour: this part is the host's VEM. */
    struct endpoint *mgmt;      /* The host's management address, bound
                                 * when the run starts. */
    struct vh_timer hb;         /* Its heartbeats. */
    uint32_t vem_seq;
    struct n1kv_stats vem;
};

/* NetFlow's interface numbers: a VM port's is its port id; the uplinks
 * together are this one. */
#define DVS_NETFLOW_UPLINKS 0x8000u

/* Builds the local parts of every distributed switch that spans host 'h'
 * (and a switch on its first host): the host's uplink NICs get the local
 * part as their master.  Called with the host's bridges. */
bool dvs_build_host(struct world *, struct host *h, struct vh_diag *);

/* The local part of switch 'name' on host 'h', or NULL. */
struct dvs_local *dvs_local_find(const struct world *, const struct host *h,
                                 const char *name);

/* The switch's port for VM NIC 'vn', created on first use. */
struct dvs_port *dvswitch_port(struct dvswitch *, const struct cfg_vnic *vn,
                               const char *nic_path);

/* The port group named 'name' of 'sw' (the loader checked it exists). */
const struct cfg_portgroup *dvswitch_portgroup(const struct dvswitch *,
                                               const char *name);

/* The switch named 'name', created (and registered) if 'create'. */
struct dvswitch *dvswitch_get(struct world *, const struct cfg_dvswitch *,
                              bool create);

/* The VLAN membership a port of port group 'pg' has. */
struct port_vlan dvswitch_port_vlan(const struct dvswitch *,
                                    const struct cfg_portgroup *pg);

/* Host 'h''s management address for switch 'cd': that of its first NIC
 * with an "ip" that is not an uplink of the switch (host order), or 0. */
uint32_t dvs_mgmt_ip(const struct world *, const struct host *h,
                     const struct cfg_dvswitch *cd);

extern const struct dev_class dvswitch_class;
extern const struct dev_class dvs_local_class;

#endif /* models/dvs/dvswitch.h */
