/* models/hostnet/bond.h: Linux's bonding driver, as a port of a Linux
 * bridge.
 *
 * A bond is one device made of several host NICs, its members (their
 * master is the bond, the bond's master the bridge).  The bridge sends a
 * frame to the bond; the bond's mode picks the member it leaves by:
 *
 *   active-backup  the one active member; the others wait.  Frames that
 *                  arrive on a backup are dropped ("bond-backup-member").
 *   balance-xor    xmit_hash_policy layer2: (the last bytes of the source
 *                  and destination MACs xor the EtherType) mod the number
 *                  of usable members, so one flow keeps one member.
 *   802.3ad        the same hash over the members LACP has put in the
 *                  aggregation (collecting and distributing); the bond
 *                  and the switch exchange LACPDUs on every member.
 *   balance-alb    adaptive load balancing, which needs nothing of the
 *                  switch: destinations spread over the members by their
 *                  load, the host's peers by ARP (bond_alb.h).
 *
 * The driver learns of carrier by polling it every 'miimon' (default
 * 100 ms); a member without carrier is taken out once it has stayed down
 * for 'downdelay'.  Until then the bond keeps sending into the dead link,
 * and those frames are lost as "link-down".  After a failover in
 * active-backup the host's addresses on the bridge announce themselves
 * with a gratuitous ARP from the new active member, so the upstream
 * switch learns where they now live.  The choice costs 'bond_xmit' on the
 * core that carries the frame; a received frame passes the generic
 * receive path once more, as the bond's ('netif_receive'). */
#ifndef VH_MODELS_BOND_H
#define VH_MODELS_BOND_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/core/config.h"
#include "models/core/port.h"
#include "sim/device.h"
#include "sim/event.h"

struct bond_alb;
struct endpoint;
struct host;
struct lbridge;
struct pnic;
struct report_out;
struct vh_diag;
struct world;

struct bond_member {
    struct port port;           /* Joined to the NIC's host side. */
    struct pnic *nic;
    bool up;                    /* In use, as miimon last judged it. */
    vh_time_t down_since;       /* When miimon first saw carrier gone while
                                 * up (downdelay running), else 0. */
    bool in_sync;               /* 802.3ad: the partner put it in the
                                 * aggregation. */
    uint64_t tx, rx;            /* Frames the bond sent and took on it. */
};

struct bond {
    struct vh_device dev;       /* "host1/bond0". */
    struct host *host;
    struct lbridge *br;
    const struct cfg_bport *cfg;
    struct port upper;          /* Joined to the bridge's port. */
    struct bond_member *members;
    size_t n_members;
    int active;                 /* active-backup: the member in use, or
                                 * -1 when none has carrier. */
    vh_time_t miimon;           /* Polling period. */
    struct vh_timer mii_timer;
    struct vh_timer lacp_timer;
    struct vh_mac sys_id;       /* The bond's MAC, its first member's:
                                 * 802.3ad's system id, and the MAC
                                 * balance-alb's active member carries. */
    struct bond_alb *alb;       /* balance-alb's tables, or NULL. */
    struct endpoint **eps;      /* The host's addresses above the bond,
                                 * announced after a failover. */
    size_t n_eps;
    uint64_t failovers;
    uint64_t garp_tx;
    uint64_t lacp_tx, lacp_rx;
};

/* Builds bond 'bp' of bridge 'br' in host 'h': its members' master becomes
 * the bond, and the bond joins the bridge as an uplink.  Fails with the
 * path of a member that is not a NIC of the host. */
struct bond *bond_create(struct world *, struct host *h, struct lbridge *br,
                         const struct cfg_bport *bp, struct vh_diag *);
void bond_free(struct bond *);    /* By the world, as a device. */

/* The member the bond sends 'frame' by, or -1 if no member is usable.
 * balance-alb's choice changes its tables and the frame: it is
 * bond_alb_xmit()'s. */
int bond_choose(const struct bond *, const uint8_t *frame, uint32_t len);

/* xmit_hash_policy layer2 over an Ethernet header. */
uint32_t bond_l2_hash(const uint8_t *frame, uint32_t len);

/* Adds the bond's part to its bridge's report: mode, active member,
 * members' state and frames, failovers, LACPDUs, gratuitous ARPs. */
void bond_report(const struct bond *, struct report_out *);

extern const struct dev_class bond_class;

#endif /* models/hostnet/bond.h */
