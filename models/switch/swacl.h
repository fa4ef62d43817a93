/* models/switch/swacl.h: a switch's ingress ACL (the scenario's "acl").
 *
 * Every switching mode that takes an "acl" (802.1q and vepa switches,
 * controlling bridges, port extenders) matches frames against the same
 * ordered rules: the first rule whose every field matches decides, and a
 * frame no rule matches is permitted.  The rules read the frame's own
 * bytes: MACs, the 802.1Q tag's VID (none when untagged), and behind the
 * tag the IPv4 addresses and protocol, or ARP's EtherType.  A device
 * hands the frame as its forwarding sees it: a controlling bridge takes
 * the VN-Tag or E-Tag off first, so rules never see that tag.  The
 * lookup costs no simulated time, as in a switch's TCAM.
 *
 * The state counts, per rule, the frames the rule decided, and the
 * frames no rule matched, for the device's report. */
#ifndef VH_MODELS_SWITCH_SWACL_H
#define VH_MODELS_SWITCH_SWACL_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/core/config.h"

struct vh_packet;
struct report_out;

struct swacl {
    const struct cfg_acl_rule *rules;   /* The scenario's, in order. */
    size_t n;
    uint64_t *hits;             /* Frames each rule decided; NULL when
                                 * there is no rule. */
    uint64_t dflt;              /* Frames no rule matched (permitted). */
};

/* Sets up the ACL of rules 'rules[0..n)' (n may be 0: no ACL). */
void swacl_init(struct swacl *, const struct cfg_acl_rule *rules, size_t n);
void swacl_destroy(struct swacl *);

/* Whether the ACL lets frame 'p', received on port 'in_port' (1-based),
 * through; counts the deciding rule's hit, or the default.  True, and
 * nothing counted, without rules or for a frame shorter than an Ethernet
 * header. */
bool swacl_permits(struct swacl *, int in_port, const struct vh_packet *p);

/* Writes, to a switch's report entry, "acl": per rule its number, action
 * and hits, and "acl_default". */
void swacl_report(const struct swacl *, struct report_out *);

#endif /* models/switch/swacl.h */
