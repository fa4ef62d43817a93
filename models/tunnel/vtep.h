/* models/tunnel/vtep.h: a tunnel endpoint (VTEP) of a host.
 *
 * A VTEP is the host device that carries Ethernet frames to other hosts
 * inside IPv4 packets: Linux's vxlan, geneve and gretap devices, and Open
 * vSwitch's tunnel ports.  Its inner side is a port like any other
 * ('port'): a Linux bridge or OVS enslaves it, and so may a container
 * network's bridge or a CNI plugin's VTEP (flannel.1, Docker's overlay
 * driver): they join the port and hand it frames, and what comes out of
 * the tunnel leaves by it.  Its outer side is one of the host's own
 * addresses (models/endpoint/endpoint.h): encapsulated packets leave
 * through that address's stack and NIC, and the packets for the
 * tunnel's UDP port or for GRE that reach that address come in.
 *
 * Encapsulation, on the core that carries the frame (the NIC's softirq,
 * or the vhost worker that pushed it out of a VM), as Linux's vxlan_xmit
 * and ip_tunnel_xmit run in the caller's context:
 *   - the remote endpoint is the entry of the frame's destination MAC in
 *     the VTEP's forwarding table (static entries, as flannel and
 *     Docker's overlay driver program with "bridge fdb append", or
 *     learned from decapsulated frames when 'learning', until they age
 *     out); without one, the frame goes to every remote of the flood
 *     list (head-end replication), which for a point-to-point tunnel is
 *     'remote_ip';
 *   - a frame whose outer IPv4 packet would be longer than the MTU of the
 *     interface it leaves by is dropped ("tunnel-mtu-exceeded").  That is
 *     where Linux loses it too: its vxlan, geneve and gretap devices take
 *     the lower NIC's MTU less their overhead (1450 for VXLAN over a 1500
 *     NIC, 1458 for GRE with a key) and the bridge drops a longer frame
 *     before the device sees it; Open vSwitch sets DF on its tunnels, and
 *     an outer packet too long for the NIC with DF set is dropped.
 *     Neither fragments the outer packet by default, so vhsim never does;
 *     the way out is a smaller inner MTU (a VM NIC's "mtu") or jumbo
 *     frames on the underlay (a NIC's "mtu");
 *   - an NVGRE frame may not carry an 802.1Q tag ("nvgre-inner-vlan");
 *   - the tunnel header and the outer headers are pushed in front of the
 *     frame (models/tunnel/tnl_outer.h, vxlan.h, gre.h, geneve.h): a UDP
 *     tunnel's source port is the hash of the inner flow in the type's
 *     range, NVGRE's FlowID the hash's low byte; the IP ID counts up per
 *     VTEP;
 *   - work: 'tunnel_xmit', plus 'udp_tunnel' for VXLAN and Geneve;
 *   - the packet goes to the bound address's stack, which resolves the
 *     next hop with ARP (the remote, or its gateway when the remote is
 *     outside its subnet) and hands it to the NIC.
 *
 * Decapsulation: the VTEPs of one host address that share a UDP port (or
 * GRE) share one receive handler, as Linux's vxlan devices share a
 * vxlan_sock, bound to the address (endpoint_bind).  On the core that
 * received the packet it charges 'tunnel_rcv' (and 'udp_tunnel'), checks
 * the header ("tunnel-bad-header": not the type's flags, version or
 * payload type, or a critical Geneve option), finds the VTEP of the
 * packet's key ("tunnel-unknown-key" when none has it; a GRE or NVGRE
 * VTEP takes packets only from its remote, as Linux's ip_tunnel_lookup
 * matches the remote: "tunnel-unknown-remote"), pulls the outer headers
 * and hands the inner frame to the VTEP's port, with the key and the
 * outer addresses in the packet's metadata (md.tun_key, tun_src,
 * tun_dst).  Drops for a key no VTEP has are counted at the VTEP that
 * opened the port (the first bound).
 *
 * A multicast underlay (RFC 7348 section 4.2; Linux's "ip link add vx0
 * type vxlan id 42 group 239.1.1.1 dev eth0"): a VXLAN VTEP whose
 * remote is a group joins the group on its address's interface when it
 * binds (models/endpoint/igmp.h: the IGMPv3 report at the start of the
 * run, the group's MAC and address accepted from then on).  The group is
 * its flood list, so broadcast, multicast and unknown unicast frames
 * leave in one packet to the group, to the group's MAC, with TTL 1
 * unless the configuration sets one (Linux's default for a group), and
 * every VTEP that joined it on the segment takes them; each learns the
 * inner source MAC's remote from the outer source address (flood and
 * learn), so the frames that follow go unicast to that VTEP, TTL 64.
 * Learned entries age out after 'ageing' without a frame from their MAC,
 * and the next frame to it goes to the group again.  Only VXLAN takes a
 * group: Linux's geneve refuses a multicast remote, and vhsim has no
 * model of gretap's.  The group needs one L2 segment between its VTEPs:
 * vhsim's routers do not route multicast (no PIM).
 *
 * A capture at the VTEP ("host1/vx0") shows the inner frames, as tcpdump
 * on a vxlan device does: sent into the tunnel (out) and out of it (in);
 * one at the NIC shows the outer packets.
 *
 * Using one outside a scenario's bridge (a container overlay, a CNI
 * backend): fill a config with vtep_cfg_init() (a Linux device's
 * defaults), set its key (and 'cat': CPU_SOFTIRQ for a VTEP that routes
 * rather than bridges, as flannel.1), vtep_create() it on the host, join
 * its 'port' to yours with port_connect(), give it its peers with
 * vtep_add_remote() and, if the plugin programs them, vtep_fdb_add(), and
 * bind it with vtep_bind() once the host's addresses exist (the host
 * builder binds the VTEPs that exist when it has made them).  Then hand
 * frames to the peer of 'port' and take what comes out of it. */
#ifndef VH_MODELS_TUNNEL_VTEP_H
#define VH_MODELS_TUNNEL_VTEP_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/core/port.h"
#include "models/hw/cpu.h"
#include "sim/device.h"
#include "sim/diag.h"
#include "sim/frame.h"
#include "sim/stats.h"
#include "sim/time.h"

struct host;
struct world;
struct endpoint;
struct tnl_sock;
struct vh_frame_info;
struct vh_packet;

enum vtep_type { VTEP_VXLAN, VTEP_GENEVE, VTEP_GRE, VTEP_NVGRE };

/* The scenario's word for each type ("vxlan", "geneve", "gre",
 * "nvgre"). */
extern const char *const vtep_type_names[VTEP_NVGRE + 1];

/* How a VTEP encapsulates; vtep_cfg_init() fills in a Linux device's
 * defaults, or Open vSwitch's. */
struct vtep_cfg {
    enum vtep_type type;
    uint32_t key;               /* VNI (VXLAN, Geneve), key (GRE) or VSID
                                 * (NVGRE). */
    bool has_key;               /* GRE: a key is sent (K bit); the other
                                 * types always carry theirs. */
    uint32_t remote_ip;         /* The far end (host order); 0: none, only
                                 * the flood list and table below. */
    uint32_t local_ip;          /* The host's address to use; 0: the one
                                 * whose subnet holds 'remote_ip', else the
                                 * first with a gateway (vtep_bind). */
    uint16_t port;              /* UDP destination port (VXLAN, Geneve). */
    uint32_t sport_min;         /* Outer source ports: [min, max). */
    uint32_t sport_max;
    bool df;                    /* DF on the outer header. */
    bool udp_csum;              /* Compute the outer UDP checksum. */
    bool learning;              /* Learn inner source MACs' remotes. */
    vh_time_t ageing;           /* How long a learned entry lasts without
                                 * a frame from its MAC (Linux's vxlan
                                 * "ageing", 300 s as the bridge's). */
    uint8_t ttl;                /* Outer TTL; 0: Linux's unset TTL, 1 to a
                                 * multicast group and 64 otherwise. */
    enum cpu_cat cat;           /* What its work counts as: 'vswitch' for a
                                 * bridge's port. */
};

/* A Linux device's defaults for 'type' ('ovs' false: "ip link add ...
 * type vxlan id N dstport 4789 remote R": DF clear on vxlan and geneve,
 * set on gretap ("pmtudisc"), source ports from 32768-60999 for VXLAN
 * and 1-65535 for Geneve, UDP checksums off, learning on for VXLAN), or
 * Open vSwitch's ('ovs' true: options:df_default=true, no learning).
 * Category 'vswitch'; key, remote and local left 0. */
void vtep_cfg_init(struct vtep_cfg *, enum vtep_type, bool ovs);

struct vtep_fdb {
    struct vh_mac mac;
    uint32_t remote;
    bool learned;
    vh_time_t seen;             /* Learned: when last refreshed. */
};

/* One direction's count: frames and their bytes, the inner frames as the
 * device counts them (ip -s link). */
struct vtep_count {
    uint64_t frames, bytes;
};

struct vtep {
    struct vh_device dev;       /* "host1/vx0"; rx: frames out of the
                                 * tunnel, tx: frames into it. */
    struct host *host;
    const struct world *world; /* Its clock, for the report's ageing. */
    const char *jpath;          /* Where it was asked for, for messages
                                 * ("hosts[0].bridges[0].ports[1]"). */
    struct vtep_cfg cfg;
    struct port port;           /* The inner side. */
    struct endpoint *ep;        /* The outer address, once bound. */
    struct tnl_sock *sock;      /* Its receive handler, once bound. */
    uint32_t *remotes;          /* The flood list. */
    size_t n_remotes;
    struct vtep_fdb *fdb;
    size_t n_fdb;
    uint16_t ip_id;             /* The next outer IP ID. */
    struct vtep_count encap;    /* Frames sent into the tunnel. */
    struct vtep_count decap;    /* Frames that came out of it. */
    struct vh_drops drops;      /* By reason, both directions. */
};

/* Creates VTEP 'name' of host 'h' (registered as "HOST/NAME") from
 * 'cfg', with 'cfg->remote_ip' (if any) as its first remote.  It is not
 * bound to an address yet: vtep_bind() or vtep_bind_host() does that once
 * the host's addresses exist.  The world frees it. */
struct vtep *vtep_create(struct world *, struct host *h, const char *name,
                         const struct vtep_cfg *cfg, const char *jpath);

/* A tunnel port of a scenario's bridge ("ports": [{"name": "vx0", "type":
 * "vxlan", "remote_ip": ..., "key": ...}]) on host 'h': a VTEP with a
 * Linux device's defaults, or with Open vSwitch's when 'ovs'. */
struct cfg_bport;
struct vtep *vtep_create_port(struct world *, struct host *h,
                              const struct cfg_bport *bp, bool ovs);

/* Adds 'ip' to the flood list (a peer of a multi-host overlay). */
void vtep_add_remote(struct vtep *, uint32_t ip);

/* A static forwarding entry: frames to 'mac' go to 'remote' only. */
void vtep_fdb_add(struct vtep *, const struct vh_mac *mac, uint32_t remote);

/* The remote that frames to 'mac' go to at 'now' (a static entry, or a
 * learned one not aged out), or 0: the flood list. */
uint32_t vtep_fdb_lookup(const struct vtep *, const struct vh_mac *mac,
                         vh_time_t now);

/* The learned entries that have not aged out at 'now'. */
size_t vtep_fdb_learned(const struct vtep *, vh_time_t now);

/* Binds the VTEP to its host's address: 'cfg.local_ip' if given, else
 * the address whose subnet holds the remote (the connected route), else
 * the first that has a gateway (the default route).  Fails, naming
 * 'jpath', when the host has no such address. */
bool vtep_bind(struct world *, struct vtep *, const char *jpath,
               struct vh_diag *);

/* Binds every VTEP of 'h' not yet bound (the host builder calls it once
 * the host's addresses exist). */
bool vtep_bind_host(struct world *, struct host *h, struct vh_diag *);

/* The bytes the encapsulation adds in front of the inner frame (outer
 * Ethernet included): 50 for VXLAN and Geneve, 38 for GRE with a key and
 * NVGRE, 34 for GRE without. */
uint32_t vtep_overhead(const struct vtep *);

/* The largest inner IPv4 packet that fits the bound interface's MTU (the
 * MTU Linux gives the tunnel device: 1450 for VXLAN over 1500). */
uint32_t vtep_mtu(const struct vtep *);

/* The frames it dropped for 'reason'. */
uint64_t vtep_drops(const struct vtep *, const char *reason);

/* --- A datapath that pushes and pops the headers itself: Open vSwitch's
 * user-space datapath (models/hostnet/ovs_dpdk.h), whose poll-mode
 * threads do it with their own code and on their own cores.  The VTEP
 * then holds the tunnel port's configuration, address, counters and
 * receive handler (still bound with vtep_bind), and makes the same bytes
 * as above; these charge no work: the caller charges its own. --- */

/* Frame 'p' is output to the tunnel: the checks above ("no-route",
 * "nvgre-inner-vlan", "tunnel-mtu-exceeded"), the frame traced as sent
 * by the device, and its remotes.  Returns how many copies to send, the
 * i-th to '(*to)[i]' ('*one' is storage for a single remote); 0 when 'p'
 * was dropped (counted at the VTEP, "tunnel-no-remote" among them). */
size_t vtep_xmit_begin(struct world *, struct vtep *, struct vh_packet *p,
                       uint32_t *one, const uint32_t **to);

/* Pushes the tunnel's headers for 'remote' in front of 'p': tunnel
 * header, UDP or GRE, outer IPv4 from the bound address, and an outer
 * Ethernet header whose addresses the sender fills in.  Counts the frame
 * as encapsulated. */
void vtep_encap(struct vtep *, struct vh_packet *p, uint32_t remote);

/* For 'vhsim explain': the tunnel, key and remote a copy leaves for. */
void vtep_trace_encap(struct world *, struct vtep *,
                      const struct vh_packet *p, vh_time_t at,
                      uint32_t remote);

/* The IPv4 packet 'p' (parsed as 'fi') reached address 'ep'.  When no
 * tunnel is bound there for its protocol (and UDP port), sets '*mine'
 * false and leaves 'p' alone.  Else '*mine' is true: returns the VTEP of
 * its key with the outer headers pulled and the key and outer addresses
 * in p->md, or NULL having dropped 'p' as the handler does
 * ("tunnel-bad-header", "tunnel-unknown-key", "tunnel-unknown-remote").
 * The inner frame is then the caller's; vtep_decap_count() counts it. */
struct vtep *vtep_decap(struct world *, struct endpoint *ep,
                        struct vh_packet *p,
                        const struct vh_frame_info *fi, bool *mine);

/* Inner frame 'p' comes out of 'v': counted as decapsulated, its source
 * learned when 'learning', traced as received by the device. */
void vtep_decap_count(struct world *, struct vtep *, struct vh_packet *p);

extern const struct dev_class vtep_class;

#endif /* models/tunnel/vtep.h */
