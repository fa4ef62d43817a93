/* models/core/portpolicy.h: the policy of one virtual switch port, the
 * way vSphere's port groups and Hyper-V's virtual ports state it.
 *
 * A policy is what an administrator sets on a VM's port (or on the port
 * group the port belongs to): traffic shaping in each direction, the
 * three security settings, blocking, and an access list.  A switching
 * device that carries VM ports (the Linux bridge and Open vSwitch, with a
 * VM NIC's attach "policy"; the distributed switch, with its port
 * groups) keeps one 'struct portpolicy_port' per such port and calls two
 * hooks:
 *
 *   portpolicy_from_vm()  a frame the VM sent, entering the switch at the
 *                         port ("ingress", as the distributed switch
 *                         names the direction: into the switch);
 *   portpolicy_to_vm()    a frame the switch is about to hand to the VM
 *                         ("egress": out of the switch, to the VM).
 *
 * Each hook applies the checks in this order and stops at the first that
 * refuses the frame, counting it under that reason (also the reason the
 * frame is dropped for, acct_drop(), at the switch's device):
 *
 *   from the VM                          to the VM
 *   1 blocked          "port-blocked"    1 blocked          "port-blocked"
 *   2 forged transmits "forged-transmit" 2 MAC changes      "mac-change"
 *   3 ACL              "port-acl-deny"   3 promiscuous mode "not-promiscuous"
 *   4 ingress shaping  "shaping"         4 ACL              "port-acl-deny"
 *                                        5 egress shaping   "shaping"
 *
 * Blocked: a blocked port (vSphere's "Block all ports") passes nothing in
 * either direction.
 *
 * Security, as vSphere defines the three settings (each true = Accept,
 * false = Reject).  The port was given a MAC (the VM's configuration, a
 * VM NIC's "mac"); the guest may set its NIC to another (a VM NIC's
 * "guest_mac", as "ip link set eth0 address" does), which the port is
 * told by portpolicy_guest_mac().  The port's effective MAC is the
 * guest's with mac_changes Accept, and stays the given one with Reject:
 *   mac_changes       Reject: the guest's change is refused; frames to
 *                     the guest's new MAC are dropped ("mac-change").
 *   forged_transmits  Reject: a frame from the VM whose source MAC is not
 *                     the port's effective MAC is dropped.  So a guest
 *                     whose change was refused cannot send either.
 *   promiscuous       Reject: the VM is handed only frames for the
 *                     effective MAC, broadcast and multicast; a unicast
 *                     frame for another MAC (a flood of an unknown
 *                     destination) is not ("not-promiscuous").  Accept:
 *                     it is handed whatever the switch sends the port.
 *                     A switch that shows a promiscuous port the other
 *                     ports' unicast too (vSphere's switches do; the
 *                     Linux bridge and OVS have no such mode) hands it
 *                     copies when portpolicy_sees_all() says so.
 * vSphere's defaults on a distributed port group are all Reject; a VM
 * NIC's "policy" object leaves a setting it does not name at Accept, which
 * is what the Linux bridge and Open vSwitch do without a policy.
 *
 * ACL: the rules of a switch's "acl" (models/switch/swacl.h; same keys,
 * first match decides, no match permits), applied to the frames of both
 * directions, as a Hyper-V port ACL of direction "both" is: a rule's
 * src/dst are the frame's, so which side names the VM's own address says
 * which direction the rule stops.  "in_port" has no meaning on one port
 * and is refused.
 *
 * Shaping, as vSphere states it, per direction:
 *   average  bits per second allowed over time;
 *   peak     the most bits per second while the port sends a burst;
 *   burst    bytes the port may send at up to 'peak' above 'average',
 *            the bonus it earns while it sends less than 'average'.
 * Two token buckets: one filled at 'average' up to 'burst' bytes, one at
 * 'peak' holding one frame (so frames never leave closer together than
 * 'peak' allows); a frame leaves when both hold its bytes (on the wire,
 * with the FCS; a frame longer than 'burst' needs a full bucket), and
 * takes its bytes from both.  A port that has been quiet starts with a full burst bonus: it
 * sends at 'peak' until the bonus is spent, burst * peak / (peak -
 * average) bytes ('burst' of them beyond what 'average' alone passes in
 * that time), then settles to 'average'.
 * A shaped frame is DELAYED, not dropped: frames the buckets cannot pass
 * yet wait, in order, in the port's shaping queue of
 * PORTPOLICY_QUEUE_FRAMES frames, and leave when the tokens allow (a timer
 * of the event kernel, sim/event.h, armed for the head frame's time).  A
 * frame that finds the queue full is dropped as "shaping".  So a sender
 * above 'average' sees its excess delayed, then dropped: what vSphere's
 * shaper does to a VM that keeps sending too fast.
 *
 * Costs: the checks are the switch's own per-frame work (a field compare,
 * a rule walk, a bucket update), already inside the 'vswitch' time the
 * device charges for the frame, so the hooks charge nothing themselves;
 * shaping costs time only as the delay the buckets impose
 * (docs/calibration.md). */
#ifndef VH_MODELS_PORTPOLICY_H
#define VH_MODELS_PORTPOLICY_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/core/config.h"
#include "models/switch/swacl.h"
#include "sim/event.h"
#include "sim/packet.h"
#include "sim/time.h"

struct cJSON;
struct ld;
struct report_out;
struct vh_device;
struct world;

/* ---- Configuration: what the scenario says of a port. ---- */

/* One direction's shaping (vSphere's three numbers). */
struct port_shaping {
    bool enabled;               /* False: this direction is not shaped. */
    uint64_t average_bps;       /* Bits per second over time. */
    uint64_t peak_bps;          /* At least 'average_bps'. */
    uint64_t burst_bytes;       /* The average bucket's depth. */
};

/* The policy of a port or port group.  Filled by ld_port_policy(), or by
 * hand: portpolicy_defaults() then the fields to change. */
struct port_policy {
    struct port_shaping ingress;    /* From the VM into the switch. */
    struct port_shaping egress;     /* From the switch to the VM. */
    bool promiscuous;           /* Accept (true) or Reject (false). */
    bool mac_changes;
    bool forged_transmits;
    bool blocked;               /* Passes nothing either way. */
    struct cfg_acl_rule *acl;   /* From the VM, first match; NULL if none.
                                 * Owned; freed by port_policy_free(). */
    size_t n_acl;
};

/* Sets 'pol' to a policy that lets everything through: no shaping, every
 * security setting Accept, not blocked, no ACL (what a bridge port has
 * without a "policy"). */
void portpolicy_defaults(struct port_policy *pol);

/* The same with vSphere's defaults for a distributed port group: the
 * three security settings Reject. */
void portpolicy_vsphere_defaults(struct port_policy *pol);

/* Frees what 'pol' owns (its ACL); the struct itself is the caller's. */
void port_policy_free(struct port_policy *pol);

/* ---- Loading (loader/scenario_portpolicy.c). ---- */

/* The keys of a policy, for the caller's schema check of the object that
 * holds them: "shaping", "security", "blocked", "acl". */
extern const char *const port_policy_keys[4];
#define PORT_POLICY_N_KEYS 4

/* Reads the policy keys of object 'obj' at JSON path 'op' into 'pol',
 * which the caller has set to its defaults (portpolicy_defaults() for a
 * VM NIC's "policy", portpolicy_vsphere_defaults() for a port group): a
 * key absent leaves its part as it was.  Other keys of 'obj' are left to
 * the caller (a port group has "name" and "vlan" too).  The values:
 *
 *   "shaping"   {"average": RATE, "peak": RATE, "burst": BYTES}: shapes
 *               traffic from the VM (ingress; what a standard vSwitch
 *               shapes); or {"ingress": {...}, "egress": {...}}, each of
 *               those three keys, for either or both directions (never
 *               both forms at once).  RATE as a link speed ("100Mbps",
 *               "1G"); "average" is required, "peak" defaults to
 *               'average' and may not be below it, "burst" (whole bytes,
 *               at least 1) defaults to 102400.
 *   "security"  {"promiscuous": B, "mac_changes": B,
 *               "forged_transmits": B}, each true (Accept) or false
 *               (Reject); one not given keeps its default.
 *   "blocked"   true or false.
 *   "acl"       rules as a switch's "acl" has them, without "in_port".
 *
 * Returns false with the error at the offending JSON path (e.g.
 * "hosts[0].vms[0].nics[0].attach.policy.shaping.peak: peak 50Mbps is
 * below average 100Mbps"); 'pol' may then hold part of the object and
 * must still be freed with port_policy_free(). */
bool ld_port_policy(struct ld *ld, const struct cJSON *obj, const char *op,
                    struct port_policy *pol);

/* ---- Run time: one port's state. ---- */

/* Why a hook refused a frame: the counters' index. */
enum portpolicy_reason {
    PP_BLOCKED,                 /* "port-blocked" */
    PP_FORGED,                  /* "forged-transmit" */
    PP_MAC_CHANGE,              /* "mac-change" */
    PP_PROMISC,                 /* "not-promiscuous" */
    PP_ACL,                     /* "port-acl-deny" */
    PP_SHAPING,                 /* "shaping" (its queue was full) */
    PP_N_REASONS
};

/* The drop reason of each, as acct_drop() and the report name it. */
extern const char *const portpolicy_reason_names[PP_N_REASONS];

/* Frames held by one direction's shaper, at most. */
#define PORTPOLICY_QUEUE_FRAMES 1000

/* Hands on a frame that its shaper held and now lets go: the device goes
 * on with 'p' exactly where the hook returned PP_HELD.  Takes 'p'. */
typedef void (*portpolicy_resume_fn)(struct world *, void *ctx,
                                     struct vh_packet *p);

/* One direction's shaper. */
struct portpolicy_shaper {
    const struct port_shaping *cfg;
    /* The buckets as times, so that no rounding accumulates: the
     * average bucket is full at 'tat' (its "theoretical arrival time":
     * each frame sent moves it on by the frame's time at 'average', from
     * now if it was behind), and holds 'burst' less what sending from
     * now until 'tat' at 'average' would take; the peak bucket lets the
     * next frame go at 'peak_free'. */
    vh_time_t tat;
    vh_time_t peak_free;
    vh_time_t burst_time;       /* 'burst' bytes at 'average'. */
    struct vh_pktq q;           /* Frames waiting for tokens. */
    struct vh_timer timer;      /* Armed for the head frame's time. */
    portpolicy_resume_fn resume;
    void *ctx;
    struct portpolicy_port *port;
    uint64_t passed;            /* Frames let through (at once or later). */
    uint64_t bytes;             /* Their bytes. */
    uint64_t delayed;           /* Of them, frames that waited. */
    uint32_t peak_queued;       /* The most that waited at once. */
    vh_time_t first, last;      /* When the first and last frame passed. */
    uint64_t first_bytes;       /* The first frame's bytes. */
};

struct portpolicy_port {
    const struct port_policy *pol;  /* Not owned: outlives the port. */
    const char *name;           /* For the report: the VM NIC's path or the
                                 * port's name; not owned. */
    struct vh_device *dev;      /* The switching device: where drops are
                                 * counted and traced. */
    struct vh_mac mac;          /* The MAC the port was given (the VM NIC's
                                 * configured one). */
    struct vh_mac guest;        /* The MAC the guest uses: 'mac' until
                                 * portpolicy_guest_mac(). */
    struct vh_mac effective;    /* 'guest' if mac_changes allows it, else
                                 * 'mac'. */
    struct swacl acl;           /* Over pol->acl. */
    struct portpolicy_shaper in, out;   /* Ingress (from the VM), egress. */
    uint64_t drops[PP_N_REASONS];
};

/* Sets up 'pp' for a port of device 'dev' whose VM NIC was given 'mac',
 * under policy 'pol'.  'from_vm' and 'to_vm' (with 'ctx') take the frames
 * each direction's shaper held, when they may go on.  'name' is kept. */
void portpolicy_port_init(struct portpolicy_port *pp,
                          const struct port_policy *pol,
                          struct vh_device *dev, const char *name,
                          const struct vh_mac *mac,
                          portpolicy_resume_fn from_vm,
                          portpolicy_resume_fn to_vm, void *ctx);

/* Cancels the timers and frees the frames still waiting. */
void portpolicy_port_destroy(struct portpolicy_port *pp);

/* The guest set its NIC's MAC to 'mac' (ip link set eth0 address ...):
 * the port's effective MAC from now on if mac_changes is Accept; with
 * Reject the port keeps the one it was given (see above). */
void portpolicy_guest_mac(struct portpolicy_port *pp,
                          const struct vh_mac *mac);

/* The port's VM moved (a migration, a switch rebuilding the port): frames
 * the shapers hold go on, when their time comes, to the resume functions
 * with 'ctx', counted at 'dev'.  The policy, the counters and the
 * buckets stay: they belong to the port, not to the host it is on. */
void portpolicy_port_move(struct portpolicy_port *pp, struct vh_device *dev,
                          void *ctx);

/* Whether a switch should hand this port copies of the other ports'
 * unicast: promiscuous Accept and not blocked. */
bool portpolicy_sees_all(const struct portpolicy_port *pp);

/* What a hook did with the frame. */
enum portpolicy_verdict {
    PP_PASS,                    /* Go on with the frame now. */
    PP_HELD,                    /* The shaper keeps it; it comes back
                                 * through the port's resume function. */
    PP_DROPPED,                 /* Dropped (acct_drop() at pp->dev) and
                                 * counted; the frame is gone. */
};

/* A frame 'p' the VM sent arrives at the port.  Takes 'p' unless the
 * verdict is PP_PASS. */
enum portpolicy_verdict portpolicy_from_vm(struct world *,
                                           struct portpolicy_port *pp,
                                           struct vh_packet *p);

/* The switch is about to hand frame 'p' to the VM at this port.  'p' is
 * the frame as the VM will see it (after the port's VLAN tagging).  Takes
 * 'p' unless the verdict is PP_PASS. */
enum portpolicy_verdict portpolicy_to_vm(struct world *,
                                         struct portpolicy_port *pp,
                                         struct vh_packet *p);

/* Whether the port has anything to report: a policy other than the
 * defaults of portpolicy_defaults(). */
bool portpolicy_active(const struct portpolicy_port *pp);

/* Writes the port's entry to a device's report (an item of its
 * "port_policies" list): "port" (its name), "blocked" if it is,
 * "security" (each setting "accept" or "reject"), "dropped" (each
 * reason's count, the nonzero ones), per shaped direction
 * "ingress"/"egress" {"average_bps", "peak_bps", "burst", "passed",
 * "bytes", "delayed", "peak_queued", "rate_bps": the rate at which frames
 * passed, from the first to the last}, and "acl" as a switch's ACL
 * reports it. */
void portpolicy_report(const struct portpolicy_port *pp,
                       struct report_out *out);

#endif /* models/core/portpolicy.h */
