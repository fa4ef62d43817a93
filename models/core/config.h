/* models/core/config.h: a scenario, loaded and validated, as plain C structs.
 *
 * sim/ and cJSON stop at loader/scenario_load.c: it turns the JSON tree into
 * these structs, checking every key, unit, reference and limit, and the
 * world builder (models/core/world.c) reads only these.  A 'struct cfg_*' that
 * exists here was fully validated; builders may trust it.
 *
 * Every struct keeps the JSON path it came from ('jpath'), so an error
 * found later (while building) can still name where it is. */
#ifndef VH_MODELS_CONFIG_H
#define VH_MODELS_CONFIG_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/core/costs.h"
#include "sim/diag.h"
#include "sim/frame.h"
#include "sim/time.h"

/* A kind of device (models/core/devclass.h). */
struct dev_class;
/* A container network driver (models/container/netdrv.h). */
struct net_driver;
/* What makes a scenario a lesson (models/core/lesson.h). */
struct cfg_lesson;

enum cfg_irqbalance { CFG_IRQ_PERFORMANCE, CFG_IRQ_POWER_SAVE };

/* cpu.cstate: the deepest idle state the cores may enter. */
enum cfg_cstate { CFG_CSTATE_POLL, CFG_CSTATE_C1, CFG_CSTATE_C6 };

struct cfg_cpu {
    int cores;                  /* >= 1; default 4. */
    uint64_t khz;               /* From "ghz"; default 2.6 GHz. */
    enum cfg_irqbalance irqbalance;   /* Default performance. */
    enum cfg_cstate cstate;     /* Default C6. */
};

/* A VLAN subinterface of a host NIC (Linux's "eth0.100", from the NIC's
 * "vlans"): the host's address in that VLAN, its frames tagged on the
 * NIC's wire. */
struct cfg_vlanif {
    char *jpath;                /* "hosts[1].nics[0].vlans[0]". */
    uint16_t id;                /* 1..4094. */
    uint32_t ip;                /* Host order. */
    int prefix;
    uint32_t gateway;           /* "gateway" (extension), or 0. */
};

/* Offloads in ethtool's words (ethtool -k): what the device and its
 * driver do for the stack.  'tso' (tcp-segmentation-offload): the NIC cuts
 * a TCP super-frame into MSS-sized frames; 'gso' (generic-segmentation-
 * offload): the stack does it in software just before the driver; 'gro'
 * (generic-receive-offload): NAPI merges consecutive segments of a flow
 * before the stack; 'rx_csum' (rx-checksumming): the NIC verifies the
 * checksums it receives.  Defaults are what the device offers
 * (loader/scenario_offload.c). */
struct cfg_offloads {
    bool tso, gso, gro, rx_csum;
};

/* A physical NIC of a host. */
/* An IPv6 address of an interface ("ip6": "2001:db8::5/64"), beside its
 * IPv4 one; the interface also has its link-local fe80:: address, formed
 * from its MAC. */
struct cfg_ip6 {
    bool given;
    struct vh_ip6 addr;
    int prefix;                 /* Default 64. */
};

struct cfg_nic {
    const struct dev_class *cls;    /* The class that builds it, or NULL
                                     * if none does yet. */
    void *priv;                 /* What the class read of its own keys
                                 * (its 'parse'), or NULL. */
    char *name;                 /* "eth0"; unique within the host. */
    char *jpath;                /* "hosts[0].nics[0]". */
    char *model;                /* "generic", "i350", "82599", "x520". */
    uint64_t speed_bps;         /* Default: the model's speed. */
    int queues;                 /* RX/TX queue pairs; default 1. */
    bool vmdq;
    int sriov_vfs;              /* 0 = no SR-IOV. */
    char *link;                 /* "tor1/p1" or "hostB/eth0"; NULL if none. */
    bool has_mac;               /* "mac" was given. */
    struct vh_mac mac;          /* Given, or derived from the path: 02: and
                                 * five bytes of an FNV-1a hash of
                                 * "host/nic" (locally administered). */
    bool has_ip;
    uint32_t ip;                /* Host order. */
    int prefix;
    struct cfg_ip6 ip6;
    int rx_ring, tx_ring;       /* Descriptors; defaults from the model. */
    uint32_t gateway;           /* "gateway" (extension): default route's
                                 * next hop, in the subnet; 0 = none. */
    struct cfg_vlanif *vlans;   /* "vlans": its VLAN subinterfaces. */
    size_t n_vlans;
    uint32_t mtu;               /* "mtu" (extension): the host's address
                                 * on it sends IPv4 packets up to this
                                 * long whole; default 1500, 9000 for
                                 * jumbo frames. */
    bool adaptive_rx;           /* coalesce.adaptive-rx; default true. */
    int rx_usecs;               /* coalesce.rx-usecs, or -1 if not given. */
    struct cfg_offloads offloads;   /* "offloads"; default all on. */
    bool lldp;                  /* "lldp": lldpd runs LLDP on it. */
};

enum cfg_bridge_type { CFG_BR_LINUX, CFG_BR_OVS };
enum cfg_ovs_datapath { CFG_DP_KERNEL, CFG_DP_DPDK };

/* What an entry of a bridge's "ports" is: a host NIC (a string, or an
 * object without "type"), or a port object of one of these types. */
enum cfg_bport_type { CFG_BP_NIC, CFG_BP_INTERNAL, CFG_BP_PATCH,
                      CFG_BP_BOND, CFG_BP_VXLAN, CFG_BP_GRE, CFG_BP_GENEVE,
                      CFG_BP_NVGRE };
extern const char *const cfg_bport_type_names[CFG_BP_NVGRE + 1];

/* Bond modes: active-backup is both Open vSwitch's and Linux's;
 * balance-slb and balance-tcp are Open vSwitch's; balance-xor and 802.3ad
 * are Linux's bonding driver's. */
enum cfg_bond_mode { CFG_BOND_ACTIVE_BACKUP, CFG_BOND_BALANCE_SLB,
                     CFG_BOND_BALANCE_TCP, CFG_BOND_BALANCE_XOR,
                     CFG_BOND_8023AD, CFG_BOND_BALANCE_ALB };
enum cfg_lacp { CFG_LACP_OFF, CFG_LACP_ACTIVE, CFG_LACP_PASSIVE };
extern const char *const cfg_bond_mode_names[CFG_BOND_BALANCE_ALB + 1];
extern const char *const cfg_lacp_names[CFG_LACP_PASSIVE + 1];

/* Egress QoS of a port (OVS's QoS table, type linux-htb). */
struct cfg_qos_queue {
    uint32_t id;
    uint64_t min_bps;           /* "min-rate"; default 0. */
    uint64_t max_bps;           /* "max-rate"; default the port's. */
};

struct cfg_qos {
    uint64_t max_bps;           /* "max-rate"; default the link speed. */
    struct cfg_qos_queue *queues;
    size_t n_queues;
};

/* A port's place in a private VLAN ("pvlan": {"primary", "secondary",
 * "type"}): an isolated or community host port is an access port of its
 * secondary, a promiscuous port one of the primary. */
enum cfg_pvlan_type {
    CFG_PVLAN_NONE,
    CFG_PVLAN_ISOLATED,
    CFG_PVLAN_COMMUNITY,
    CFG_PVLAN_PROMISCUOUS,
};

struct cfg_pvlan {
    enum cfg_pvlan_type type;
    uint16_t primary;
    uint16_t secondary;         /* 0 for a promiscuous port. */
};

/* A physical switch's private VLAN domain ("pvlan" on the switch): its
 * ports are trunks of every VLAN but the promiscuous ones, access ports
 * of the primary. */
struct cfg_switch_pvlan {
    uint16_t primary;
    uint16_t *isolated;
    size_t n_isolated;
    uint16_t *community;
    size_t n_community;
    int *promiscuous;           /* Port numbers, from 1. */
    size_t n_promiscuous;
};

/* One entry of a bridge's "ports". */
struct cfg_bport {
    char *name;
    char *jpath;
    enum cfg_bport_type type;
    int vlan;                   /* "vlan": access tag, or with 'trunks'
                                 * the native VLAN; -1 if none. */
    uint16_t *trunks;           /* "trunks": VLANs carried tagged. */
    size_t n_trunks;
    bool isolated;              /* "isolated" (Linux bridge). */
    struct cfg_pvlan pvlan;     /* "pvlan". */
    bool has_ip;                /* internal: the host's address on it. */
    uint32_t ip;
    int prefix;
    struct vh_mac mac;          /* internal: given or derived. */
    char *peer;                 /* patch: the port on the other bridge. */
    char **members;             /* bond: host NIC names. */
    size_t n_members;
    enum cfg_bond_mode bond_mode;   /* Default active-backup, as OVS. */
    enum cfg_lacp lacp;             /* Default off. */
    vh_time_t bond_downdelay;   /* "bond_downdelay" (OVS's
                                 * other_config:bond-downdelay): how long a
                                 * member without carrier stays in use;
                                 * default 0.  On a Linux bond, the
                                 * bonding driver's downdelay. */
    vh_time_t miimon;           /* "miimon" (Linux bond): how often the
                                 * driver polls its members' carrier;
                                 * 0: the default, 100 ms. */
    uint32_t remote_ip;         /* Tunnels. */
    uint32_t key;
    bool has_key;               /* "key" was given (a GRE tunnel without
                                 * one sends no key). */
    uint8_t ttl;                /* Tunnels' "ttl"; 0: the device's default
                                 * (Linux: 1 to a group, else 64). */
    vh_time_t ageing;           /* vxlan's "ageing"; 0: 300 s. */
    uint64_t policing_rate_kbps;    /* ingress_policing_rate; 0: none. */
    uint64_t policing_burst_kb;     /* ingress_policing_burst. */
    struct cfg_qos *qos;        /* "qos", or NULL. */
};

/* A port mirror of an OVS bridge (ovs-vsctl's Mirror table): frames
 * received on a 'select_src' port, sent to a 'select_dst' port, or every
 * frame ('select_all'), optionally only of 'select_vlan', are copied to
 * 'output'.  Ports by the names rules use. */
struct cfg_mirror {
    char *name;
    char *jpath;
    char **select_src;
    size_t n_select_src;
    char **select_dst;
    size_t n_select_dst;
    bool select_all;
    uint16_t *select_vlan;
    size_t n_select_vlan;
    char *output;
};

/* sFlow on an OVS bridge (ovs-vsctl's sFlow table): one frame in
 * 'sampling' sampled and each port's counters polled every 'polling',
 * sent in sFlow v5 datagrams from the agent address to the collector.
 * The loader resolves both addresses. */
struct cfg_sflow {
    char *jpath;                /* "hosts[0].bridges[0].sflow". */
    uint32_t sampling;          /* "sampling": 1 in N; default 400. */
    vh_time_t polling;          /* "polling": default 30s; 0: none. */
    uint32_t header;            /* "header": bytes kept; default 128. */
    char *collector;            /* "collector": a traffic endpoint path
                                 * ("host2", "host1/vm9"). */
    uint32_t collector_ip;      /* Its address (host order). */
    uint16_t collector_port;    /* "collector_port" (extension): default
                                 * 6343. */
    char *agent;                /* "agent": a NIC or internal port of the
                                 * host, or NULL for its first address. */
    uint32_t agent_ip;          /* The agent address (host order). */
    vh_time_t flush;            /* "flush" (extension): how often samples
                                 * gathered are sent; default 1s. */
};

/* Flow export (NetFlow v5 or IPFIX) from a switch: a cache of flows whose
 * records leave for the collector when a flow has been idle
 * 'inactive_timeout' or, while it lasts, every 'active_timeout'
 * (models/core/flowexp.h).  The loader resolves both addresses. */
enum cfg_flowexp_format {
    CFG_FLOWEXP_NETFLOW5,       /* "netflow": NetFlow v5. */
    CFG_FLOWEXP_IPFIX,          /* "ipfix": IPFIX (RFC 7011). */
};

struct cfg_flowexp {
    char *jpath;                /* "hosts[0].bridges[0].netflow". */
    enum cfg_flowexp_format format;
    char *collector;            /* A traffic endpoint path. */
    uint32_t collector_ip;      /* Its address (host order). */
    uint16_t collector_port;    /* 2055 (NetFlow) or 4739 (IPFIX). */
    char *agent;                /* A NIC or internal port, or NULL for the
                                 * host's management address. */
    uint32_t agent_ip;          /* Where the records leave from. */
    vh_time_t active_timeout;   /* 0: none. */
    bool uncached;              /* IPFIX without a cache (OVS's default):
                                 * every sampled frame its own record. */
    vh_time_t inactive_timeout;
    vh_time_t tick;             /* How often the cache is scanned. */
    uint32_t sampling;          /* IPFIX: 1 packet in N; NetFlow: 1. */
    uint8_t engine_type, engine_id;     /* NetFlow v5's header. */
    uint32_t domain;            /* IPFIX observation domain. */
    vh_time_t template_interval;        /* IPFIX. */
};

/* other_config of an OVS bridge (ovs-vswitchd.conf.db's Open_vSwitch
 * other_config, which vhsim keeps per bridge). */
struct cfg_ovs_other {
    vh_time_t max_idle;         /* "max-idle", default 10s. */
    uint32_t flow_limit;        /* "flow-limit", default 200000. */
    uint32_t emc_insert_inv_prob;   /* "emc-insert-inv-prob", default 100;
                                     * 0 disables the EMC. */
    bool smc_enable;            /* "smc-enable", default false. */
    int n_handlers;             /* "n-handler-threads"; 0: OVS's
                                 * default. */
    int n_revalidators;         /* "n-revalidator-threads"; 0: default. */
    vh_time_t max_revalidator;  /* "max-revalidator", default 500ms. */
};

struct cfg_bridge {
    char *name;
    char *jpath;
    enum cfg_bridge_type type;
    char **ports;               /* Names of host NICs enslaved. */
    size_t n_ports;
    struct cfg_bport *bports;   /* Every entry of "ports", in order. */
    size_t n_bports;
    struct cfg_ovs_other other; /* OVS only. */
    struct cfg_mirror *mirrors; /* OVS only. */
    size_t n_mirrors;
    struct cfg_sflow *sflow;    /* OVS only: "sflow", or NULL. */
    struct cfg_flowexp *netflow;        /* OVS only: "netflow", or NULL. */
    struct cfg_flowexp *ipfix;          /* OVS only: "ipfix", or NULL. */
    bool vlan_filtering;
    vh_time_t ageing;           /* Default 300s. */
    enum cfg_ovs_datapath datapath;     /* OVS only; default kernel. */
    char **flows;               /* OVS only: rules as written, verbatim. */
    size_t n_flows;
    bool flows_given;           /* "flows" written, even empty: without
                                 * it, OVS's one default rule. */
    const struct dev_class *cls;    /* The class that builds it, or NULL
                                     * if none does yet. */
    void *priv;                 /* What the class read of its own keys
                                 * (its 'parse'), or NULL. */
    uint32_t mtu;               /* "mtu" (extension): the MTU of the VM
                                 * NICs attached to it that set none, as
                                 * libvirt gives a network's MTU to its
                                 * taps and virtio guests; 0 = none. */
};

enum cfg_vnic_model { CFG_VNIC_VIRTIO, CFG_VNIC_E1000, CFG_VNIC_RTL8139 };
enum cfg_backend { CFG_BE_NONE, CFG_BE_QEMU, CFG_BE_VHOST_NET,
                   CFG_BE_VHOST_USER };
enum cfg_attach { CFG_AT_BRIDGE, CFG_AT_OVS, CFG_AT_NAT, CFG_AT_MACVTAP,
                  CFG_AT_SRIOV_VF, CFG_AT_PASSTHROUGH, CFG_AT_VIF,
                  CFG_AT_DVSWITCH };

/* The scenario's words for the enums here, indexed by them
 * (models/core/config.c); macvtap modes in the order of enum
 * macvtap_mode (models/hostnet/macvtap.h); a VIF's modes (attach "vif"),
 * the default first. */
extern const char *const cfg_attach_names[CFG_AT_DVSWITCH + 1];
extern const char *const cfg_macvtap_mode_names[4];
extern const char *const cfg_vif_mode_names[2];

struct port_policy;

struct cfg_vnic {
    const struct dev_class *cls;    /* The class of its model, or NULL if
                                     * none models it yet. */
    void *priv;                 /* What that class read of its own keys
                                 * (its 'parse'), or NULL. */
    char *name;                 /* "eth0". */
    char *jpath;
    bool has_mac;               /* "mac" was given. */
    struct vh_mac mac;          /* Given, or derived from the path:
                                 * 52:54:00 and three bytes of an FNV-1a
                                 * hash of "host/vm/nic". */
    uint32_t ip;                /* Required: a VM NIC is an endpoint. */
    int prefix;
    struct cfg_ip6 ip6;
    uint32_t gateway;           /* "gateway" (extension): the guest's
                                 * default route's next hop, in the
                                 * subnet; 0 = none. */
    enum cfg_vnic_model model;  /* Default virtio. */
    enum cfg_backend backend;   /* Default vhost-net for virtio. */
    int queues;                 /* Default 1. */
    enum cfg_attach attach;
    char *attach_to;            /* Bridge or NIC name in the same host. */
    char *attach_mode;          /* macvtap or VIF mode, or NULL. */
    char *portgroup;            /* attach.portgroup (attach type
                                 * dvswitch): its port group's name. */
    int vf;                     /* -1 = any free VF. */
    int vlan;                   /* -1 = untagged access port. */
    uint16_t *trunks;           /* "trunks" (OVS): VLANs the port carries
                                 * tagged; with 'vlan', its native. */
    size_t n_trunks;
    bool isolated;              /* attach.isolated (Linux bridge). */
    struct cfg_pvlan pvlan;     /* attach.pvlan. */
    uint64_t policing_rate_kbps;    /* attach.ingress_policing_rate (OVS):
                                     * what the VM may send; 0: none. */
    uint64_t policing_burst_kb;
    struct port_policy *policy;     /* attach.policy (extension): the
                                     * port's shaping, security, blocking
                                     * and ACL (models/core/portpolicy.h);
                                     * NULL: none. */
    bool has_guest_mac;         /* "guest_mac" (extension) was given: */
    struct vh_mac guest_mac;    /* the MAC the guest set on the NIC (ip
                                 * link set address), which it sends from
                                 * and answers to instead of 'mac'. */
    int ring;                   /* vring size; default 256. */
    uint32_t mtu;               /* "mtu" (extension), or its bridge's, or
                                 * 1500: the guest's interface MTU. */
    struct cfg_forward *forwards;   /* attach.forward (extension, nat
                                     * only): port forwards. */
    size_t n_forwards;
    struct cfg_offloads offloads;   /* "offloads"; default what the
                                     * device (its model, backend, or
                                     * its VF) offers. */
    bool lldp;                  /* "lldp": the guest's lldpd sends LLDP. */
    struct cfg_vlanif *vlans;   /* "vlans": the guest's VLAN
                                 * subinterfaces (eth0.100), or NULL. */
    size_t n_vlans;
};

struct cfg_vm {
    char *name;
    char *jpath;
    int vcpus;                  /* Default 1. */
    int *pin;                   /* Host core per vCPU, or NULL if unpinned. */
    size_t n_pin;
    struct cfg_vnic *nics;
    size_t n_nics;
};

struct cfg_host {
    char *name;
    char *jpath;
    bool has_cpu;               /* False for a bare-metal endpoint with no
                                 * "cpu" key; defaults still apply. */
    struct cfg_cpu cpu;
    bool iommu_enabled;
    bool posted_interrupts;     /* iommu.posted_interrupts (extension):
                                 * VT-d posted interrupts; needs the IOMMU. */
    int iotlb_entries;          /* iommu.iotlb_entries (extension);
                                 * default 64. */
    uint32_t iommu_page_size;   /* iommu.page_size (extension): 4096 or
                                 * 2 MiB; default 4096. */
    bool apicv;                 /* "apicv"; default true. */
    uint64_t halt_poll_ns;      /* "halt_poll_ns"; default 200000. */
    struct cfg_nic *nics;
    size_t n_nics;
    struct cfg_bridge *bridges;
    size_t n_bridges;
    struct cfg_vm *vms;
    size_t n_vms;
    struct cfg_network *networks;   /* networks[], then those the loader
                                     * made (models/container/). */
    size_t n_networks;
    struct cfg_container *containers;
    size_t n_containers;
};

/* The modes the scenario format names (a device class builds each that
 * vhsim models). */
enum cfg_switch_mode { CFG_SW_8021Q, CFG_SW_VEPA, CFG_SW_VNTAG,
                       CFG_SW_8021BR, CFG_SW_FEX, CFG_SW_PE, CFG_SW_ROUTER };
extern const char *const cfg_switch_mode_names[CFG_SW_ROUTER + 1];

/* A rule of a switch's ingress ACL (extension of the contract's
 * "acl"): the fields in 'match' must all match a frame for the rule to
 * decide it; a rule with none matches every frame. */
enum cfg_acl_field {
    CFG_ACL_SRC_MAC = 1 << 0, CFG_ACL_DST_MAC = 1 << 1,
    CFG_ACL_SRC_IP = 1 << 2, CFG_ACL_DST_IP = 1 << 3,
    CFG_ACL_PROTO = 1 << 4, CFG_ACL_VLAN = 1 << 5, CFG_ACL_IN_PORT = 1 << 6,
};
enum cfg_acl_action { CFG_ACL_PERMIT, CFG_ACL_DENY };
extern const char *const cfg_acl_action_names[CFG_ACL_DENY + 1];
/* "arp" matches by EtherType; the others are IPv4 protocols. */
enum cfg_acl_proto { CFG_ACL_UDP, CFG_ACL_TCP, CFG_ACL_ICMP, CFG_ACL_ARP };
extern const char *const cfg_acl_proto_names[CFG_ACL_ARP + 1];

struct cfg_acl_rule {
    enum cfg_acl_action action;
    unsigned match;             /* CFG_ACL_* of the fields given. */
    struct vh_mac src_mac, dst_mac;
    uint32_t src_ip, dst_ip;    /* Host order, host bits clear. */
    uint32_t src_mask, dst_mask;    /* From the /prefix; /32 if none. */
    enum cfg_acl_proto proto;
    uint16_t vlan;              /* 1..4094: the 802.1Q tag's VID. */
    int in_port;                /* 1..ports ("p3" is 3). */
};

/* A cable from a switch's port to another switch's port (the switch's
 * "links", an extension: switches cabled to each other, as the leaves
 * and spines of a fabric are). */
struct cfg_swlink {
    int port;                   /* 1-based. */
    char *to;                   /* The far end: "spine1/p1". */
};

struct cfg_switch {
    char *name;
    char *jpath;
    enum cfg_switch_mode mode;
    int ports;                  /* Ports are named p1..pN. */
    uint64_t speed_bps;         /* Default 10G. */
    int port_buffer;            /* Frames per egress queue; default 1000. */
    const struct dev_class *cls;    /* The class that builds it, or NULL
                                     * if none does yet. */
    void *priv;                 /* What the class read of its own keys
                                 * (its 'parse'), or NULL. */
    struct cfg_acl_rule *acl;   /* Ingress ACL, in order; NULL if none. */
    size_t n_acl;
    char *uplink;               /* A port extender's: the switch port its
                                 * port "uplink" is cabled to ("n5k/p8");
                                 * NULL for other modes. */
    bool *relay;                /* "reflective_relay" (extension): per
                                 * port, whether it sends frames back out;
                                 * NULL: the mode's default (every port on
                                 * vepa, none on 802.1q). */
    bool *vdp;                  /* "vdp": per port, whether VDP gates the
                                 * frames it takes in; NULL: none does. */
    bool *static_lag;           /* "static_lag" (extension): per port,
                                 * whether it is in the switch's one
                                 * static link aggregation ("channel-group
                                 * mode on"); NULL: none is. */
    struct cfg_swlink *links;   /* "links": cables to other switches. */
    size_t n_links;
    bool lldp;                  /* "lldp": LLDP on every port. */
    bool cdp;                   /* "cdp": CDP on every port. */
    struct cfg_switch_pvlan *pvlan; /* "pvlan", or NULL. */
};

enum cfg_proto { CFG_PROTO_UDP, CFG_PROTO_TCP, CFG_PROTO_ICMP };
extern const char *const cfg_proto_names[CFG_PROTO_ICMP + 1];

struct cfg_flow;
/* The flow's protocol as the scenario names it: "icmp6" for an ICMP
 * flow over IPv6, else cfg_proto_names'. */
const char *cfg_flow_proto_name(const struct cfg_flow *);

/* The label tables show: the name, with a 6 for IPv6 as netstat writes
 * them ("udp6", "tcp6", "icmp6"). */
const char *cfg_flow_proto_label(const struct cfg_flow *);

/* A NAT port forward: packets of 'proto' to the host's uplink address and
 * 'port' go to the VM's 'to_port'. */
struct cfg_forward {
    enum cfg_proto proto;       /* UDP or TCP. */
    uint16_t port;
    uint16_t to_port;           /* Default: 'port'. */
};
/* Container networks (hosts[].networks[]).  The contract's drivers, in
 * its order; a model builds some of them (models/container/netdrv.h),
 * and the loader refuses the others as not supported yet. */
enum cfg_netdriver { CFG_ND_BRIDGE, CFG_ND_MACVLAN, CFG_ND_IPVLAN,
                     CFG_ND_OVERLAY, CFG_ND_CALICO, CFG_ND_FLANNEL,
                     CFG_ND_WEAVE, CFG_ND_SRIOV };
extern const char *const cfg_netdriver_names[CFG_ND_SRIOV + 1];

/* A network containers join: an entry of networks[], or one the loader
 * makes for a container's "network" that names no entry: "bridge" (the
 * daemon's default network on docker0), and "macvlan" or "ipvlan" on a
 * parent NIC (one network per parent, named "macvlan@eth0"). */
struct cfg_network {
    char *name;                 /* "appnet", "bridge", "macvlan@eth0". */
    char *jpath;                /* "hosts[0].networks[1]"; for one the
                                 * loader made, its first container's. */
    enum cfg_netdriver driver;
    const struct net_driver *drv;   /* Its model, or NULL if none yet. */
    bool implicit;              /* Made by the loader. */
    uint32_t subnet;            /* Host order, host bits clear; with */
    int prefix;                 /* 'prefix' 0: no subnet (a macvlan
                                 * network whose containers give "ip"). */
    uint32_t gateway;           /* "gateway" (extension): with a subnet,
                                 * default its first address; the host's
                                 * address on a bridge network. */
    char *bridge;               /* Bridge driver: the Linux bridge's name,
                                 * "docker0" or "br-NAME". */
    char *parent;               /* macvlan, ipvlan: "parent", a host NIC. */
    char *mode;                 /* "mode" as written (the driver's list
                                 * checked it), or NULL: its default. */
    uint32_t vni;               /* overlay: "vni". */
    size_t n_members;           /* Containers on it (not sharing another's
                                 * namespace). */
};

/* A port a container publishes ("publish": "8080:9/udp"): packets of
 * 'proto' to the host's address 'host_ip' (0: any of its addresses) and
 * 'host_port' go to the container's 'ctr_port'. */
struct cfg_publish {
    uint32_t host_ip;
    uint16_t host_port;
    uint16_t ctr_port;
    enum cfg_proto proto;       /* UDP or TCP (Docker's default). */
};

/* How a container is networked ("network"). */
enum cfg_ctr_mode {
    CFG_CTR_NET,                /* Its own namespace on a network. */
    CFG_CTR_HOST,               /* The host's namespace ("host"). */
    CFG_CTR_NONE,               /* Its own namespace with only a loopback
                                 * interface ("none"). */
    CFG_CTR_SHARED,             /* Another container's namespace
                                 * ("container:NAME"). */
};

struct cfg_container {
    char *name;
    char *jpath;                /* "hosts[0].containers[2]". */
    char *network;              /* "network" as written; default
                                 * "bridge", as Docker's. */
    enum cfg_ctr_mode mode;
    size_t net;                 /* CFG_CTR_NET: index in the host's
                                 * 'networks'. */
    size_t share;               /* CFG_CTR_SHARED: index in the host's
                                 * 'containers' of the container that owns
                                 * the namespace (never itself a sharer). */
    int *cpus;                  /* "cpus": host cores its processes run
                                 * on, or NULL: placed as unpinned work. */
    size_t n_cpus;
    bool ip_given;              /* "ip" was written. */
    uint32_t ip;                /* CFG_CTR_NET: given or allocated from
                                 * the network's subnet in order. */
    int prefix;
    bool has_mac;               /* "mac" was given; else 'mac' is Docker's
                                 * 02:42 and the four bytes of 'ip'. */
    struct vh_mac mac;
    char *parent;               /* macvlan, ipvlan ("network" of that
                                 * name): "parent", a host NIC. */
    char *mode_name;            /* Their "mode", or NULL. */
    int vf;                     /* sriov network: "vf", the VF of the
                                 * parent it takes, or -1: the next free. */
    struct cfg_publish *publish;    /* "publish" (bridge networks). */
    size_t n_publish;
};

enum cfg_pattern { CFG_PAT_CBR, CFG_PAT_POISSON, CFG_PAT_BURST, CFG_PAT_RR };

/* A TCP flow's congestion control (models/endpoint/tcp.h). */
enum cfg_cc { CFG_CC_CUBIC, CFG_CC_RENO };

struct cfg_flow {
    /* What each packet's sending reads, in one line when the array
     * starts one (sixty-four bytes): with thousands of flows each is
     * cold by its next packet. */
    _Alignas(64) enum cfg_proto proto;
    int family;                 /* 4, or 6: IPv6 between the endpoints'
                                 * "ip6" addresses ("family", or proto
                                 * "icmp6": ICMPv6 echo). */
    uint32_t size;              /* Wire frame size incl. FCS; default 64
                                 * (UDP) or 98 (ICMP). */
    enum cfg_pattern pattern;
    uint16_t sport, dport;      /* UDP ports; defaults 10000+index, 9. */
    uint32_t concurrent_flows;  /* 5-tuples cycled through; default 1
                                 * (cfg_flow_tuple). */
    uint32_t burst;             /* pattern burst: packets sent back to
                                 * back every 1/rate (default 32); rr:
                                 * transactions outstanding (1). */
    double pps;                 /* Packets per second (from "rate"). */
    uint64_t count;             /* 0 = unlimited (until 'duration'). */
    struct cfg_replay *replay;  /* With 'pcap': the frames to send. */
    /* Read when the flow starts, not per packet. */
    vh_time_t duration;         /* 0 = until 'count' or the run ends. */
    vh_time_t start;            /* Default 0. */
    /* TCP and request/response (loader/scenario_xport.c). */
    uint64_t bytes;             /* TCP stream: bytes to send; 0: until
                                 * 'duration' or the run's end. */
    double app_bps;             /* TCP stream: the most its application
                                 * writes, payload bits per second (from
                                 * "rate", as iperf3's -b); 0: no cap. */
    enum cfg_cc cc;
    uint32_t response_size;     /* rr: the reply's size, as 'size'. */
    char *name;
    char *jpath;
    char *from;                 /* Endpoint path: "host1/vm1" or "remote". */
    char *to;
    char *pcap;                 /* Capture to replay instead of generated
                                 * frames; NULL if none. */
};

_Static_assert(offsetof(struct cfg_flow, replay) + sizeof(void *) <= 64,
               "what a flow's every packet reads fits its first line");

/* A frame of a capture, as a flow replays it (loader/scenario_replay.c):
 * a datagram re-sent between the flow's endpoints. */
struct cfg_replay_frame {
    vh_time_t at;               /* After the capture's first frame. */
    uint32_t size;              /* Wire length with FCS, at least 64. */
    uint16_t sport, dport;      /* UDP ports (0 for ICMP). */
    uint32_t payload_len;       /* Bytes after the UDP or ICMP header, */
    uint8_t *payload;           /* as captured (zeros where cut off). */
};

struct cfg_replay {
    char *file;                 /* The file read (found as scenario_replay.c
                                 * says). */
    struct cfg_replay_frame *frames;
    size_t n;
    size_t skipped;             /* Frames of other kinds, not replayed. */
};

void cfg_replay_free(struct cfg_replay *);

/* The wire size, FCS included, of packet 'seq' of flow 'f'. */
static inline uint32_t
cfg_flow_frame_size(const struct cfg_flow *f, uint64_t seq)
{
    return f->replay && seq < f->replay->n ? f->replay->frames[seq].size
                                           : f->size;
}

struct cfg_capture {
    char *point;                /* Device path. */
    char *file;
    char *jpath;
    bool pcapng;                /* "format": "pcapng", or a file named
                                 * *.pcapng; else classic pcap. */
};

enum cfg_event_action { CFG_EV_LINK_DOWN, CFG_EV_LINK_UP, CFG_EV_MIGRATE,
                        CFG_EV_SET, CFG_EV_ROGUE_DMA };
extern const char *const cfg_event_action_names[CFG_EV_ROGUE_DMA + 1];

struct cfg_event {
    vh_time_t at;
    enum cfg_event_action action;
    char *target;
    char *jpath;
    char *to;                   /* migrate: the destination host. */
    vh_time_t downtime;         /* migrate: how long the VM is stopped
                                 * (extension; default 60ms). */
    char **set_keys;            /* set: "PATH.field" keys, as in variants, */
    char **set_values;          /* with their values as JSON text. */
    size_t n_set;
    struct cfg_scenario *set_trial; /* set: the scenario with the change
                                     * made, loaded (and so checked) as a
                                     * variant would be; the world reads
                                     * the new values from it. */
};

/* NIC teaming of a distributed switch over its uplinks, in vSphere's
 * words (models/dvs/dvswitch.h says what each does). */
enum cfg_dvs_teaming {
    CFG_TEAM_SRCID,             /* "loadbalance_srcid", the default. */
    CFG_TEAM_SRCMAC,            /* "loadbalance_srcmac". */
    CFG_TEAM_IP,                /* "loadbalance_ip". */
    CFG_TEAM_LOADBASED,         /* "loadbalance_loadbased". */
    CFG_TEAM_FAILOVER,          /* "failover_explicit". */
};
extern const char *const cfg_dvs_teaming_names[CFG_TEAM_FAILOVER + 1];

/* A port group of a distributed switch: the policy its ports share.
 * At most one of 'vlan', 'trunks' and 'pvlan' is set (vSphere's VLAN
 * type: none, VLAN, VLAN trunking or private VLAN). */
struct cfg_portgroup {
    char *name;
    char *jpath;                /* "dvswitches[0].portgroups[1]". */
    int vlan;                   /* "vlan": access VLAN, or -1. */
    uint16_t *trunks;           /* "trunks": VLANs the VM sees tagged. */
    size_t n_trunks;
    struct cfg_pvlan pvlan;     /* "pvlan". */
    struct port_policy *policy; /* "shaping", "security", "blocked",
                                 * "acl" (models/core/portpolicy.h), from
                                 * vSphere's defaults; owned. */
};

/* A distributed switch ("dvswitches"): one configuration, a local part
 * on each of its hosts over the same uplink NICs. */
struct cfg_dvswitch {
    char *name;
    char *jpath;                /* "dvswitches[0]". */
    char **hosts;               /* Host names, each once. */
    size_t n_hosts;
    char **uplinks;             /* Host NIC names, on every host. */
    size_t n_uplinks;
    enum cfg_dvs_teaming teaming;
    bool n1kv;                  /* "flavor" n1kv (Nexus 1000V). */
    char *vsm;                  /* n1kv: "vsm", the supervisor's traffic
                                 * endpoint path ("host3", "host3/vsm"),
                                 * or NULL: no supervisor modelled, no
                                 * control traffic. */
    bool lldp;                  /* "lldp": LLDP on every uplink. */
    bool cdp;                   /* "cdp": CDP on every uplink. */
    struct cfg_flowexp *netflow;    /* "netflow", or NULL; */
    struct cfg_flowexp *netflow_hosts;  /* then per host, in 'hosts'
                                         * order, a copy with that host's
                                         * management address (sharing
                                         * the strings). */
    struct cfg_portgroup *portgroups;
    size_t n_portgroups;
};

struct cfg_scenario {
    char *file;                 /* Path it was loaded from. */
    char *name;                 /* Default: file name without ".json". */
    char *description;          /* May be NULL. */
    char *description_zh;       /* Its Chinese; may be NULL. */
    struct cfg_lesson *lesson;  /* NULL unless it has "questions"
                                 * (models/core/lesson.h). */
    uint64_t seed;              /* Default 1. */
    vh_time_t duration;         /* Default 10ms. */
    struct cfg_host *hosts;
    size_t n_hosts;
    struct cfg_switch *switches;
    size_t n_switches;
    struct cfg_dvswitch *dvswitches;
    size_t n_dvswitches;
    struct cfg_flow *flows;
    size_t n_flows;
    struct cfg_capture *captures;
    size_t n_captures;
    struct cfg_event *events;
    size_t n_events;
    char **variant_names;       /* Names of variants[], validated. */
    size_t n_variants;
    struct costs costs;         /* Defaults with the scenario's overrides. */
};

/* The most bytes vhsim reads as a scenario: far above any scenario (the
 * thousand-container one is 150 KB), far below what would exhaust
 * memory when the input is /dev/zero. */
#define CFG_TEXT_MAX (16u << 20)

/* Reads stream 'f' to its end as a scenario's text, NUL-terminated, its
 * length in '*len'; 'name' names it in messages.  NULL with 'diag' set
 * for a read error, more than CFG_TEXT_MAX bytes, or a NUL byte inside
 * (not JSON).  The caller frees the text. */
#include <stdio.h>
char *cfg_read_text(FILE *f, const char *name, size_t *len,
                    struct vh_diag *diag);

/* The same, of the file at path 'file' ("cannot open ..." if it cannot
 * be opened). */
char *cfg_read_file(const char *file, size_t *len, struct vh_diag *diag);

/* Loads and validates the scenario in 'file'.  With 'variant' not NULL,
 * applies that entry of variants[] first.  Returns NULL and fills 'diag'
 * (message naming the JSON path, without the file name) on any problem. */
struct cfg_scenario *cfg_load(const char *file, const char *variant,
                              struct vh_diag *diag);

/* Same, from a string (for tests).  'name' stands in for the file name. */
struct cfg_scenario *cfg_load_string(const char *json, const char *name,
                                     const char *variant,
                                     struct vh_diag *diag);

/* One "PATH.field": value change, as a variant's set has it: 'value' is
 * JSON text ("64", "\"1Gbps\"", "null" to remove). */
struct cfg_set {
    const char *key;
    const char *value;
};

/* cfg_load_string(), with the 'n_sets' changes applied after the variant
 * (so they win over it) and checked as a variant's are; a key or value
 * they refuse fails with "--set KEY: why".  'name' is also what relative
 * paths in the scenario are relative to.  For 'vhsim sweep'. */
struct cfg_scenario *cfg_load_set(const char *json, const char *name,
                                  const char *variant,
                                  const struct cfg_set *sets, size_t n_sets,
                                  struct vh_diag *diag);

void cfg_free(struct cfg_scenario *);

/* The scenario's word for each value of these enums, indexed by the
 * enum (the others' tables stand by their enums). */
extern const char *const cfg_bridge_type_names[CFG_BR_OVS + 1];
extern const char *const cfg_datapath_names[CFG_DP_DPDK + 1];
extern const char *const cfg_vnic_model_names[CFG_VNIC_RTL8139 + 1];
extern const char *const cfg_backend_names[CFG_BE_VHOST_USER + 1];

/* Tuple 'i' of a flow with 'concurrent_flows' 5-tuples cycles (packet
 * k uses tuple k % concurrent_flows): the source port runs through
 * CFG_TUPLE_SPORTS values from 'sport', then the destination port
 * steps up by one from 'dport'. */
#define CFG_TUPLE_SPORTS 40000
void cfg_flow_tuple(const struct cfg_flow *, uint64_t seq, uint16_t *sport,
                    uint16_t *dport);

/* The value a bridge's device class accepts (models/core/devclass.h):
 * its type, and for OVS its datapath: "linux-bridge", "ovs/dpdk". */
void cfg_bridge_class_value(const struct cfg_bridge *, char *buf,
                            size_t size);

#endif /* models/core/config.h */
