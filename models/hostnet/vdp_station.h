/* models/hostnet/vdp_station.h: a host's VDP station on one NIC, the part
 * lldpad plays for libvirt (802.1Qbg).
 *
 * A host NIC cabled to a port of a switch with VDP on it runs a station
 * ("host1/eth0/vdp"), bound to the NIC as a packet socket for ECP's
 * EtherType (models/hw/pnic.h), whose ECP end (models/switch/ecp.h)
 * talks to the switch port's.  Each VM NIC whose frames leave by that
 * NIC with the VM's own MAC is a VSI the station announces: a macvtap
 * on the NIC (any mode), a VM NIC on a Linux bridge or an Open vSwitch
 * bridge that has the NIC as a port, a VF of the NIC.  Its VSI ID is a
 * UUID made from the VM NIC's path (so it is the same wherever the VM
 * runs), its type 1 version 1 from manager ::ffff:127.0.0.1 (the host
 * stands in for the VSI manager), and its filter the VM NIC's MAC and the
 * VLAN its frames carry on the cable (0: untagged).
 *
 * At time 0 the station asks the switch to associate every VSI it has.
 * Each ECP frame it sends or takes in costs lldpad's work, 'vdp_agent',
 * on the host core it runs on (picked as for an unpinned kernel thread,
 * category 'app'), then goes through the NIC's driver as any frame.  A
 * VSI is associated once the switch's response comes back; the switch
 * forwards its frames from the moment it took the request.  Frames the VM
 * sends before that are dropped by the switch ("vdp-not-associated").
 *
 * Live migration (models/core/migrate.h): at the start of the downtime the
 * source host's station de-associates the VM's VSIs and the destination's
 * pre-associates them (with the M bit: migrating here); when the VM resumes
 * the destination's station associates them, in the same instant as the
 * first of QEMU's announcements, which it may or may not overtake.
 *
 * A NIC driven by a poll-mode driver (OVS with DPDK) or passed through to a
 * guest has no kernel driver for lldpad's socket: cabled to a VDP port, it
 * is refused as not supported yet. */
#ifndef VH_MODELS_VDP_STATION_H
#define VH_MODELS_VDP_STATION_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/switch/ecp.h"
#include "models/switch/vdp.h"
#include "sim/device.h"
#include "sim/diag.h"
#include "sim/time.h"

struct world;
struct host;
struct pnic;
struct cpu_core;
struct vm_nic;

/* One VSI of a station.  'want' is the request last sent for it; the VSI
 * is in that state once 'confirmed'. */
struct vdp_svsi {
    const struct vm_nic *n;
    struct vdp_msg req;         /* Its last request: 'mode' is 'want'. */
    bool confirmed;             /* The switch answered it. */
    vh_time_t requested;        /* When the last request was made, */
    vh_time_t answered;         /* and answered. */
};

struct vdp_station {
    struct vh_device dev;       /* "host1/eth0/vdp". */
    struct host *host;
    struct pnic *nic;
    struct cpu_core *core;      /* Where lldpad runs. */
    struct ecp_end ecp;
    struct vdp_svsi *vsis;
    size_t n_vsis, cap;
    uint64_t requests;          /* VDP requests made, responses taken. */
    uint64_t responses;
};

/* Builds the stations of every host NIC cabled to a VDP port, once the
 * world is cabled, and starts their associations at time 0.  Returns
 * false with 'diag' set for a NIC that cannot run one. */
bool vdp_stations_build(struct world *, struct vh_diag *diag);

/* The station on 'nic', or NULL. */
struct vdp_station *vdp_station_of(const struct pnic *nic);

/* The VSI of VM NIC 'n' on station 'st', or NULL. */
const struct vdp_svsi *vdp_station_vsi(const struct vdp_station *st,
                                       const struct vm_nic *n);

/* Migration of VM NIC 'n' from host 'src' to 'dst': the start of the
 * downtime, and the VM's resuming on 'dst'. */
void vdp_migrate_stop(struct world *, const struct vm_nic *n,
                      struct host *src, struct host *dst);
void vdp_migrate_resume(struct world *, const struct vm_nic *n,
                        struct host *dst);

extern const struct dev_class vdp_station_class;

#endif /* models/hostnet/vdp_station.h */
