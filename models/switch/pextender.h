/* models/switch/pextender.h: a port extender (switches[].mode "fex", a
 * Cisco fabric extender such as a Nexus 2000, speaking VN-Tag; "pe", an
 * 802.1BR port extender, speaking the E-Tag).
 *
 * Its host ports p1..pN are the ports of its controlling bridge
 * (models/switch/ctlbridge.h), moved out to the rack; its one fabric
 * port, "uplink", is cabled to a port of that bridge (the scenario's
 * "uplink": "n5k/p8").  It switches nothing, not even between two of its
 * own host ports: every frame a host port receives goes up, and only
 * what comes down is delivered.  Each host port has a VIF of the
 * bridge's space (taken when the extender is built).
 *
 * Going up: an untagged frame from a host gets its host port's VIF as
 * the source in a tag; a frame that is already tagged (a VN-Tag adapter
 * behind the port, with VIFs of its own) goes up as it is, and the
 * extender notes which host port that VIF is behind.  Coming down, by
 * the tag:
 *   - a host port's own VIF: the tag comes off and the frame leaves by
 *     that port, untagged;
 *   - a VIF noted behind a host port: the frame leaves by it still
 *     tagged, for the adapter to deliver;
 *   - a VIF list (a flood): a copy to every host port with carrier,
 *     untagged, except to the port whose VIF the looped tag names as
 *     the source; tagged as it is to ports with an adapter behind, which
 *     filter their own VIFs themselves.
 * A frame coming down to a VIF the extender does not know is dropped as
 * "vif-unknown"; one without a tag as "vif-untagged", one whose tag goes
 * the wrong way as "vif-bad-tag"; the copy a looped tag forbids as
 * "vif-looped".  Each direction costs the extender fex_latency after the
 * frame is received.
 *
 * An "acl" on an extender judges frames as its host ports receive them,
 * without any adapter's tag (a frame the ACL denies never goes up). */
#ifndef VH_MODELS_SWITCH_PEXTENDER_H
#define VH_MODELS_SWITCH_PEXTENDER_H 1

#include <stdint.h>

#include "models/core/config.h"
#include "models/switch/evbtag.h"
#include "models/switch/fabport.h"
#include "models/switch/swacl.h"
#include "sim/device.h"

struct pextender;

struct pe_port {
    struct fabport fp;          /* "fex1/p1", or "fex1/uplink". */
    struct pextender *pe;
    uint16_t vif;               /* A host port's VIF; 0 for the uplink. */
    uint64_t up;                /* Frames it sent up (received). */
    uint64_t down;              /* Frames it delivered (sent). */
};

struct pextender {
    struct vh_device dev;       /* "fex1". */
    const struct cfg_switch *cfg;
    enum evb_tag_kind tag;      /* VN-Tag (fex) or E-Tag (pe). */
    struct pe_port *hosts;      /* hosts[0] is "p1". */
    int n_hosts;
    struct pe_port uplink;
    uint16_t *behind;           /* Per VIF of an adapter behind a host
                                 * port: that port, 1-based; 0 unknown.
                                 * EVB_VIF_MAX + 1 entries. */
    struct swacl acl;
};

extern const struct dev_class pextender_class;

/* Host port "pN" (1-based) of 'pe', or NULL. */
struct pe_port *pextender_port(struct pextender *, int n);

#endif /* models/switch/pextender.h */
