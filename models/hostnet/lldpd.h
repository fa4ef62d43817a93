/* models/hostnet/lldpd.h: lldpd on a host's NICs.
 *
 * A host NIC with "lldp" runs lldpd's LLDP on it (models/core/
 * lldp_agent.h): a packet socket bound to the NIC takes the LLDP frames
 * its driver receives before any bridge does (as a packet tap sees them
 * before the bridge's receive hook), and CDP frames too, as lldpd started
 * with -c does; lldpd sends its own LLDPDU when the run starts and every
 * 30 s after, named as lldpd names a Linux host: the chassis by the MAC
 * of the host's first NIC, the port by the NIC's MAC with its name as
 * Port Description, the host's name, Station capability (and Bridge when
 * the host has bridges), and the host's first address to manage it by.
 *
 * Costs, on the host core lldpd runs on (picked as for an unpinned
 * thread, category 'app'): a frame sent is the system call and the copy
 * of the frame into the kernel, then the NIC driver's transmit; a frame
 * received, after the driver's work, is the copy to the socket, waking
 * lldpd and its receive system call.
 *
 * A VM NIC with "lldp" runs the guest's lldpd the same way, on the VM's
 * first vCPU (category 'guest'), its frames naming the VM, and going out
 * through the guest's driver like any frame.  What becomes of them is
 * the host's business: a Linux bridge or OVS does not forward them
 * (802.1D's reserved addresses), a macvtap or a VF puts them on the
 * cable.  The guest's lldpd does not take frames in: nothing sends LLDP
 * toward a VM but a switch behind macvtap or a VF, and those frames end
 * at the guest's stack.
 *
 * A NIC driven by a poll-mode driver (OVS with DPDK) or passed through to
 * a guest has no kernel driver for lldpd's socket: "lldp" on it is
 * refused. */
#ifndef VH_MODELS_HOSTNET_LLDPD_H
#define VH_MODELS_HOSTNET_LLDPD_H 1

#include <stdbool.h>

struct vh_diag;
struct world;

/* Starts lldpd on every host NIC with "lldp", once NICs are cabled.
 * Returns false, with 'diag' saying why, for a NIC it cannot run on. */
bool lldpd_build(struct world *, struct vh_diag *diag);

extern const struct dev_class lldpd_class;

#endif /* models/hostnet/lldpd.h */
