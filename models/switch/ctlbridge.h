/* models/switch/ctlbridge.h: a controlling bridge (switches[].mode
 * "vntag", Cisco's parent switch of fabric extenders and VN-Tag adapters;
 * "802.1br", the IEEE's).
 *
 * A port extender behind one of its ports (models/switch/pextender.h, or
 * a VN-Tag adapter) switches nothing: it sends every frame up with a tag
 * naming the virtual interface (VIF) it entered by, and the bridge
 * forwards it.  So the bridge learns each source MAC at a (port, VIF)
 * pair, and a frame for a MAC behind an extended port goes down that
 * port with a tag naming the VIF: back out of the port it came in on
 * when both VIFs sit behind it (a frame between two hosts of one fabric
 * extender, or two VMs on one adapter, crosses the cable twice; the port
 * counts it as reflected).  Only a frame back to the VIF it came from is
 * filtered ("no-hairpin").
 *
 * Broadcasts, multicasts and unknown destinations go out of every port
 * with carrier: an extended port gets one copy tagged for its VIF list
 * (every VIF behind it; the list's number is the port's), which the
 * extender fans out; when that port is the ingress, the copy is marked
 * looped with the source VIF, which the extender leaves out.  A port
 * without an extender behind it (a plain host, another switch) is an
 * 802.1Q bridge port: untagged frames, never anything back out of the
 * port they came in by.
 *
 * Like the 802.1q switch it is store-and-forward: after the forwarding
 * latency (switch_latency) the frame's tag is read and taken off, the
 * ingress ACL (models/switch/swacl.h) sees the untagged frame with its
 * port number, the source is learned and the frame queued on the egress
 * port.  A frame from an extended port without a tag going up is dropped
 * as "vif-untagged", one with a tag coming down or from VIF 0 as
 * "vif-bad-tag".
 *
 * The report lists each port's extender and reflected frames, and each
 * VIF heard: its port, the MAC last learned on it, and the frames it sent
 * up and those unicast down to it. */
#ifndef VH_MODELS_SWITCH_CTLBRIDGE_H
#define VH_MODELS_SWITCH_CTLBRIDGE_H 1

#include <stdint.h>

#include "models/core/config.h"
#include "models/core/fdb.h"
#include "models/switch/evbtag.h"
#include "models/switch/fabport.h"
#include "models/switch/swacl.h"
#include "sim/device.h"

struct ctlbridge;

struct cb_port {
    struct fabport fp;          /* "n5k/p1". */
    struct ctlbridge *cb;
    uint64_t reflected;         /* Frames sent back out of this port to
                                 * the extender they came from. */
};

/* What the bridge knows of one VIF of its space. */
struct cb_vif {
    int port;                   /* 1-based, 0 if never heard. */
    struct vh_mac mac;          /* The source MAC last learned on it. */
    uint64_t rx;                /* Frames it sent up. */
    uint64_t tx;                /* Frames unicast down to it. */
};

struct ctlbridge {
    struct vh_device dev;       /* "n5k". */
    const struct cfg_switch *cfg;
    enum evb_tag_kind tag;      /* VN-Tag or E-Tag. */
    struct cb_port *ports;      /* ports[0] is "p1". */
    int n_ports;
    struct fdb fdb;             /* MAC -> port and VIF (cb_fdb_*). */
    struct swacl acl;
    struct cb_vif *vifs;        /* EVB_VIF_MAX + 1, by VIF number. */
};

/* The class, built for modes vntag and 802.1br. */
extern const struct dev_class ctlbridge_class;

/* Port "pN" (1-based) of 'cb', or NULL. */
struct cb_port *ctlbridge_port(struct ctlbridge *, int n);

/* The VIF table entry of 'vif', or NULL out of range. */
const struct cb_vif *ctlbridge_vif(const struct ctlbridge *, int vif);

#endif /* models/switch/ctlbridge.h */
