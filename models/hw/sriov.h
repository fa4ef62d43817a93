/* models/hw/sriov.h: SR-IOV virtual functions and the NIC's embedded switch.
 *
 * With SR-IOV a NIC shows the PCIe bus, besides its physical function
 * (PF), up to a model's limit of virtual functions (VFs): light PCIe
 * functions with their own requester ID (so the IOMMU tells their DMA
 * apart), their own queue pair and interrupt vector, and an address the
 * host gives them ("ip link set eth0 vf 0 mac ... vlan ...").  A VF is
 * assigned to a VM whose driver uses it directly (models/guest/vf_driver.h).
 *
 * Between the PCIe functions and the cable sits the embedded switch, a
 * VEB (virtual Ethernet bridge):
 *   - received from the cable: a unicast frame goes to the VF with that
 *     destination MAC (and VLAN), else to the PF; a broadcast or multicast
 *     frame goes to every function of its VLAN;
 *   - sent by a function: a unicast frame for another function's address
 *     crosses the switch inside the NIC (after 'eswitch_latency') without
 *     touching the cable; other frames go to the cable; broadcast and
 *     multicast frames go to the cable and to every other function of
 *     their VLAN;
 *   - anti-spoofing: a frame a VF sends with a source MAC other than its
 *     own is dropped ("anti-spoof");
 *   - a VF with a VLAN is an access port: the NIC adds the tag to what it
 *     sends and strips it from what it receives, and the VF sees only its
 *     VLAN.  The PF and VFs without a VLAN are untagged.
 * The PF takes untagged frames, and tagged ones of the VLANs in its VLAN
 * filter: those a Linux bridge with vlan_filtering carries over it
 * (which it adds to the NIC's filter, ndo_vlan_rx_add_vid), and those of
 * the tagged ports of an Open vSwitch bridge over it; a tagged frame no
 * function takes is dropped ("vlan-filter").
 * The PF's addresses are its own, those of the VM NICs on a bridge over
 * it (a bridge syncs its static FDB entries to the NIC's unicast filter)
 * and those of macvtaps on it, so a VF reaches those VMs inside the NIC.
 * Addresses behind an OVS bridge are not in the filter: a VF's frames
 * for them go out on the cable, as on real NICs. */
#ifndef VH_MODELS_SRIOV_H
#define VH_MODELS_SRIOV_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/core/port.h"
#include "models/hw/pnic.h"
#include "sim/device.h"
#include "sim/frame.h"
#include "sim/packet.h"

struct world;
struct sriov;
struct vic;
struct vm_nic;

struct sriov_vf {
    struct vh_device dev;       /* First.  "host1/eth0/vf0", kind "vf". */
    struct sriov *sr;
    int index;                  /* 0.. */
    struct pnic_fn fn;          /* Its PCIe function (one queue pair). */
    struct port up;             /* To the guest's VF driver. */
    bool assigned;
    struct vm_nic *vnic;        /* The VM NIC it serves, once assigned. */
    uint64_t spoofed;           /* Frames dropped by anti-spoofing. */
};

struct sriov {
    struct pnic *nic;
    struct sriov_vf *vfs;
    int n_vfs;
    struct vh_mac *pf_macs;     /* The PF's unicast filter. */
    size_t n_pf_macs;
    uint64_t pf_vlans[PORT_VLAN_WORDS];     /* The PF's VLAN filter: the
                                             * VLANs it takes tagged. */
    uint64_t switched;          /* Frames forwarded between functions
                                 * inside the NIC. */
    struct pnic_fn **scratch;   /* Room for every function: the targets
                                 * of one flooded frame. */
    struct vic *vic;            /* Set when the functions are a VN-Tag
                                 * adapter's VIFs (models/hw/vic.h): then
                                 * there is no embedded switch, and the
                                 * adapter's own path replaces it. */
};

/* Creates the VFs of 'nic' (its config's "sriov.vfs"), the VF n taking
 * queue first_q + n.  VFs start unassigned: without a driver they take
 * no frames. */
struct sriov *sriov_create(struct world *, struct pnic *, int first_q);
void sriov_free(struct sriov *);

/* Creates 'n' functions of 'nic' of class 'cls', function i taking queue
 * first_q + i and registered as PREFIX followed by first_number + i
 * ("vf0", or a VIC's "vif17"), listed in the report's devices if
 * 'report' (else once assigned).  sriov_create() makes a NIC's VFs so. */
struct sriov *sriov_create_fns(struct world *, struct pnic *, int first_q,
                               int n, const struct dev_class *cls,
                               const char *prefix, int first_number,
                               bool report);

/* Adds the VLANs of bitmap 'vids' to the PF's VLAN filter. */
void sriov_pf_vlans_add(struct sriov *, const uint64_t *vids);

/* VF 'index', or the first unassigned one if 'index' < 0; NULL if there
 * is none. */
struct sriov_vf *sriov_vf_pick(struct sriov *, int index);

/* Gives VF 'vf' its address and port VLAN ('vlan' < 0: untagged) and
 * enables it (and lists it in the report's devices). */
void sriov_vf_assign(struct sriov_vf *, const struct vh_mac *mac, int vlan);

/* The VF registered under device path 'path', or NULL. */
struct sriov_vf *sriov_vf_find(struct world *, const char *path);

/* A frame from the cable, ready for the switch at 'ready'.  Takes 'p'. */
void sriov_wire_rx(struct world *, struct sriov *, struct vh_packet *p,
                   vh_time_t ready);

/* A frame fetched from queue 'q' of any function.  Takes 'p'. */
void sriov_tx(struct world *, struct sriov *, struct pnic_queue *q,
              struct vh_packet *p);

/* The VF attempts a DMA write of a buffer to an address outside its
 * domain (past the end of its VM's memory, as a driver gone wrong or
 * malicious would program it).  The IOMMU blocks it: a counted
 * "iommu-blocked" drop at the VF. */
void sriov_rogue_dma(struct world *, struct sriov_vf *);

extern const struct dev_class sriov_vf_class;

#endif /* models/hw/sriov.h */
