/* models/hw/vic.h: a VN-Tag adapter (Cisco's VIC, "Palo"): a NIC whose
 * PCIe functions are virtual interfaces (VIFs) of the switch upstream.
 *
 * An SR-IOV NIC (models/hw/sriov.h) switches between its functions in
 * its embedded bridge.  A VIC has no bridge at all: it is a port
 * extender, the far end of the controlling bridge's port, and each of
 * its functions is a port of that bridge (a VIF).  So:
 *
 *   - it has the model's limit of 128 VIFs ("vifs", default 16), each a
 *     PCIe function with its own requester ID and queue pair, registered
 *     as "host1/eth0/vifN" where N is its VIF number.  It takes a block
 *     of the world's VIF numbers (models/switch/evbtag.h) when it is
 *     built: N, N + 1, ... for its VIFs, then one more for its own host
 *     interface (the PF: the host's address or bridge on the NIC);
 *   - every frame any function sends goes to the cable with a tag that
 *     names the function's VIF (going up: d = 0, src = the VIF), even a
 *     frame for another VIF of the same adapter, even a broadcast: it
 *     never switches locally.  A VM reaches its neighbour on the same
 *     adapter only through the controlling bridge, which sends the frame
 *     back down;
 *   - it speaks the tag the far end of its cable speaks to extenders
 *     (port.evb_tag): VN-Tag (0x8926) unless that end asks for the E-Tag
 *     of 802.1BR;
 *   - from the cable it takes only frames tagged for it, going down:
 *     a frame without the tag is dropped ("vif-untagged"), and so is a
 *     VN-Tag still going up (d = 0: no bridge chose where it goes,
 *     "vif-upstream").  A tag for one VIF delivers the frame to that
 *     function ("vif-unknown" if no function in use has it); a tag for a
 *     VIF list (a flood or multicast of the bridge) delivers a copy to
 *     every function in use, except the one that sent it when the tag
 *     says the frame looped back ('looped', 'src').  The tag comes off
 *     before the frame reaches the function's queue;
 *   - anti-spoofing as on an SR-IOV NIC: a VIF that sends with a source
 *     MAC other than its own loses the frame ("anti-spoof").
 * The tag costs no simulated time: the adapter's pipeline inserts and
 * strips it as it moves the frame, as a NIC inserts a VLAN tag.
 *
 * A VM NIC attached with "vif" takes a VIF of the adapter:
 *   - mode "passthrough": the guest drives the VIF as it drives a VF
 *     (models/guest/vf_driver.h), through the IOMMU with the VIF's own
 *     requester ID;
 *   - mode "standard" (the default): the guest keeps its emulated or
 *     paravirtual NIC and the hypervisor joins that NIC's host half to
 *     the VIF, which the host drives (models/hostnet/vif_macvtap.h).
 *
 * The report lists each VIC in its host's "vics": its tag, its own VIF,
 * its drops by reason, and per VIF the VM NIC it serves, the mode, and
 * the frames and bytes each way (as the functions sent and took them,
 * without the tag) and its drops. */
#ifndef VH_MODELS_VIC_H
#define VH_MODELS_VIC_H 1

#include <stdbool.h>
#include <stdint.h>

#include "sim/packet.h"
#include "sim/time.h"

struct world;
struct pnic;
struct pnic_fn;
struct pnic_queue;
struct sriov;
struct sriov_vf;
struct cfg_nic;

/* The model's limit, and the default when "vifs" is not given. */
#define VIC_MAX_VIFS 128
#define VIC_DEF_VIFS 16

/* What one function moved, as it sent and took frames. */
struct vic_fn_stats {
    uint64_t rx_frames, rx_bytes;
    uint64_t tx_frames, tx_bytes;
};

struct vic {
    struct pnic *nic;
    struct sriov *sr;           /* Its functions: sr->vfs are the VIFs. */
    int n_vifs;
    int base;                   /* VIF number of the first VIF; the PF's
                                 * is base + n_vifs. */
    uint8_t tag;                /* The enum evb_tag_kind it speaks, once
                                 * its cable is known; 0 before. */
    struct vic_fn_stats *stats; /* By function: [0] the PF, [i + 1] VIF
                                 * i. */
    uint64_t untagged;          /* Drops at the adapter, by reason. */
    uint64_t upstream;
    uint64_t unknown;
};

/* The number of VIFs NIC config 'cn' asks for, or 0 if it is not a
 * VIC (for the loader's checks). */
int vic_cfg_vifs(const struct cfg_nic *cn);

/* The VIC of NIC 'nic', or NULL if it is another kind of NIC. */
struct vic *vic_of(const struct pnic *nic);

/* The VIF number of function 'fn' of the VIC. */
int vic_fn_vif(const struct vic *, const struct pnic_fn *fn);

/* The VIF registered at device path 'path' ("host1/eth0/vif3"), or
 * NULL. */
struct sriov_vf *vic_vif_find(struct world *, const char *path);

/* A frame from the cable, ready for the adapter at 'ready'.  Takes 'p'.
 * (Called by models/hw/sriov.c in place of the embedded switch.) */
void vic_wire_rx(struct world *, struct vic *, struct vh_packet *p,
                 vh_time_t ready);

/* A frame fetched from queue 'q' of any function.  Takes 'p'. */
void vic_tx(struct world *, struct vic *, struct pnic_queue *q,
            struct vh_packet *p);

/* The classes (models/core/devclass.h): the adapter, built for NIC model
 * "vic" with its key "vifs"; its VIFs. */
extern const struct dev_class vic_class;
extern const struct dev_class vif_class;

#endif /* models/hw/vic.h */
