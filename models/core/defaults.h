/* models/core/defaults.h: the models' default figures, in one place.
 *
 * Each is a size, a count or a time that a model takes when the scenario
 * does not give one, or that the modelled software ships with and vhsim
 * does not let a scenario change (a sysctl, a driver's default).  Every
 * one says what it is and where the figure comes from.  Where the scenario
 * contract has the same default (docs/scenarios.md, "Other defaults"),
 * the loader fills it in with the same name, so the two cannot disagree.
 *
 * Not here: the costs of primitives (models/core/calibration.def, sources
 * in docs/calibration.md), and fixed facts of one device model that only
 * it uses, named beside it (e1000's rings, the RTL8139's ring buffer, a
 * PMD's burst, a NIC queue's DMA layout). */
#ifndef VH_MODELS_DEFAULTS_H
#define VH_MODELS_DEFAULTS_H 1

#include "sim/time.h"

/* --- Forwarding databases. --- */

/* How long a learned MAC address stays in a bridge's or switch's
 * forwarding table: Linux's bridge (BR_DEFAULT_AGEING_TIME), Open
 * vSwitch (MAC_ENTRY_DEFAULT_IDLE_TIME) and 802.1Q's default ageing time
 * all use 300 s.  bridges[].ageing overrides it for a bridge. */
#define VH_DEF_FDB_AGEING (300 * VH_SEC)

/* The VLAN of a port of a Linux bridge with vlan_filtering that no VLAN
 * was given: the bridge's default_pvid, 1, untagged. */
#define VH_DEF_BRIDGE_PVID 1

/* --- Queues. --- */

/* Frames each egress queue of a switch port holds before it drops
 * ("switch-buffer-full"): vhsim's round figure, not a datasheet's;
 * switches[].port_buffer overrides it. */
#define VH_DEF_SWITCH_PORT_BUFFER 1000

/* Frames a tap's queue and a guest's qdisc hold: Linux's default
 * txqueuelen. */
#define VH_DEF_TXQUEUELEN 1000

/* Descriptors in each virtqueue of a virtio-net device: QEMU's default
 * rx_queue_size and tx_queue_size; vms[].nics[].ring overrides it. */
#define VH_DEF_VRING_SIZE 256

/* Queue pairs of a NIC and of a virtio-net device: one, RSS and
 * multi-queue off; nics[].queues and vms[].nics[].queues override it. */
#define VH_DEF_NIC_QUEUES 1
#define VH_DEF_VNIC_QUEUES 1

/* Descriptors per RX and TX ring of a NIC, by model: the Linux driver's
 * default (igb's IGB_DEFAULT_RXD/TXD for the I350, ixgbe's
 * IXGBE_DEFAULT_RXD/TXD for the 82599 and X520); the idealized "generic"
 * NIC takes igb's.  nics[].rx_ring and tx_ring override them. */
#define VH_DEF_RING_I350 256
#define VH_DEF_RING_82599 512
#define VH_DEF_RING_GENERIC 256

/* VMDq pools of a NIC, by model, the PF's default pool and the VFs'
 * included: 8 on the I350 and 64 on the 82599 (and X520), from their
 * datasheets; "generic" has the 82599's. */
#define VH_DEF_POOLS_I350 8
#define VH_DEF_POOLS_82599 64
#define VH_DEF_POOLS_GENERIC 64

/* --- The host stack. --- */

/* Packets an endpoint holds for an unresolved neighbour: Linux's default
 * unres_qlen_bytes is about a hundred frames' worth. */
#define VH_DEF_ARP_QUEUE 100

/* ARP requests before giving up, and the time between them: Linux's
 * neighbour defaults mcast_solicit 3 and retrans_time 1 s. */
#define VH_DEF_ARP_TRIES 3
#define VH_DEF_ARP_RETRANS (1 * VH_SEC)

/* How long a NAT connection lives without traffic:
 * nf_conntrack_udp_timeout and nf_conntrack_icmp_timeout, 30 s. */
#define VH_DEF_CONNTRACK_TIMEOUT (30 * VH_SEC)
/* And a TCP connection's, established:
 * nf_conntrack_tcp_timeout_established, 5 days (vhsim does not follow
 * TCP's states to close one sooner). */
#define VH_DEF_CONNTRACK_TCP_TIMEOUT (432000 * VH_SEC)

/* --- The IOMMU. --- */

/* IOTLB entries and the page size DMA is mapped with: vhsim's defaults
 * for iommu.iotlb_entries and iommu.page_size (4 KiB, the base page). */
#define VH_DEF_IOTLB_ENTRIES 64
#define VH_DEF_IOMMU_PAGE_SIZE 4096

/* --- Open vSwitch (ovs-vswitchd.conf.db(5), other_config). --- */

/* A datapath flow unused this long is deleted by the revalidators
 * ("max-idle", 10000 ms). */
#define VH_DEF_OVS_MAX_IDLE (10 * VH_SEC)

/* The revalidators' target for datapath flows ("flow-limit"); above it,
 * handlers stop installing flows and revalidators expire idle ones
 * after 100 ms instead of max-idle. */
#define VH_DEF_OVS_FLOW_LIMIT 200000
#define VH_DEF_OVS_OVERLIMIT_IDLE (100 * VH_MS)

/* How often revalidators dump the datapath flows at the longest
 * ("max-revalidator", 500 ms). */
#define VH_DEF_OVS_MAX_REVALIDATOR (500 * VH_MS)

/* The user-space datapath inserts a flow into a PMD's exact-match cache
 * with probability 1 in this ("emc-insert-inv-prob", 100). */
#define VH_DEF_OVS_EMC_INV_PROB 100

/* The exact-match cache of each PMD: 8192 entries (EM_FLOW_HASH_SHIFT
 * 13), a key probing two of them (EM_FLOW_HASH_SEGS 2).  The signature
 * match cache: 1M entries (SMC_ENTRIES), off unless "smc-enable". */
#define VH_DEF_OVS_EMC_ENTRIES 8192
#define VH_DEF_OVS_EMC_WAYS 2
#define VH_DEF_OVS_SMC_ENTRIES (1u << 20)

/* A handler's netlink socket: ovs-vswitchd asks for a 4 MiB receive
 * buffer with SO_RCVBUFFORCE, which Linux doubles.  An upcall takes its
 * skb's truesize of it: the frame plus about 1.3 KiB of key attributes
 * and skb_shared_info, rounded up to a kmalloc bucket, plus the sk_buff
 * (docs/calibration.md).  An upcall that does not fit is "lost". */
#define VH_DEF_OVS_UPCALL_RCVBUF (8u << 20)
#define VH_DEF_OVS_UPCALL_ATTRS 1344
#define VH_DEF_OVS_UPCALL_SKB 256

/* Upcalls a handler reads per batch (UPCALL_MAX_BATCH). */
#define VH_DEF_OVS_UPCALL_BATCH 64

/* sFlow (ovs-vswitchd.conf.db(5), the sFlow table): one frame in 400
 * sampled, 128 bytes of its headers kept, each port's counters every
 * 30 s, to the collector's UDP port 6343.  The sFlow library OVS embeds
 * ticks once a second and sends the samples gathered at each tick
 * ("flush", an extension). */
#define VH_DEF_SFLOW_SAMPLING 400
#define VH_DEF_SFLOW_HEADER 128
#define VH_DEF_SFLOW_POLLING (30 * VH_SEC)
#define VH_DEF_SFLOW_PORT 6343
#define VH_DEF_SFLOW_FLUSH VH_SEC

/* --- MTU and tunnels. --- */

/* The MTU of an interface nobody set one for: Ethernet's 1500 bytes of
 * IP packet (Linux's ETH_DATA_LEN).  nics[].mtu, vms[].nics[].mtu and
 * bridges[].mtu change it, within VH_MTU_MIN..VH_MTU_MAX: IPv4's
 * smallest datagram every host must take (RFC 791's 576) and the usual
 * jumbo frame. */
#define VH_DEF_MTU 1500
#define VH_MTU_MIN 576
#define VH_MTU_MAX 9000

/* A tunnel's outer TTL: Linux's default hop limit (sysctl
 * net.ipv4.ip_default_ttl, 64), which vxlan, geneve and gretap devices
 * and Open vSwitch's tunnels use unless a ttl is configured. */
#define VH_DEF_TUNNEL_TTL 64

#endif /* models/core/defaults.h */
