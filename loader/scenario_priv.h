/* loader/scenario_priv.h: what the scenario loader's files share.
 *
 * The loader is split by part of the scenario: scenario_load.c (entry
 * points, JSON syntax, variants, freeing), scenario_json.c (the key schema,
 * JSON paths and typed getters), scenario_hosts.c (hosts, their NICs,
 * bridges and VMs, switches), scenario_traffic.c (flows, captures, events,
 * costs), scenario_refs.c (names, addresses and cross references),
 * scenario_sflow.c (an OVS bridge's sFlow), scenario_acl.c (a switch's
 * ACL), scenario_containers.c (a host's container networks and
 * containers) and scenario_support.c (what is accepted but cannot run
 * yet).
 * Nothing here is visible outside loader/scenario_*.c. */
#ifndef VH_MODELS_SCENARIO_PRIV_H
#define VH_MODELS_SCENARIO_PRIV_H 1

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/core/config.h"

/* ---- Schema: the keys allowed in each kind of object. ---- */

struct schema;

struct schema_key {
    const char *name;
    const struct schema *sub;   /* Nested object's schema, or NULL. */
};

struct schema {
    const char *what;           /* "host", "VM NIC": for messages. */
    const struct schema_key *keys;
    size_t n;
};
#define SCHEMA(WHAT, KEYS) { WHAT, KEYS, sizeof KEYS / sizeof KEYS[0] }

extern const struct schema sch_top, sch_host, sch_nic, sch_bridge, sch_vm,
                           sch_vnic, sch_switch, sch_flow, sch_capture,
                           sch_event, sch_variant, sch_cpu, sch_iommu,
                           sch_sriov, sch_attach, sch_network,
                           sch_container, sch_coalesce,
                           sch_offloads;

/* ---- Limits.  What the models can represent and a run can hold: a
 * scenario beyond them is refused at the path that crosses them, before
 * anything is allocated for it (docs/scenarios.md, "Limits"). ---- */

/* Every time in a scenario: one day.  The clock counts picoseconds in 64
 * bits (213 days); the margin keeps a time plus any delay the models add
 * (a flow's start plus its duration, a timer armed near the end) from
 * wrapping. */
#define LD_TIME_MAX (86400 * VH_SEC)

/* A flow's packet rate: from one packet every 1000 s (its gap still a
 * whole number of picoseconds far inside 64 bits) to one every 100 ps
 * (10 Gpps, some 7 times 1 Tbit/s of minimum frames). */
#define LD_RATE_MIN_PPS 0.001
#define LD_RATE_MAX_PPS 1e10

/* Link speeds and shaping rates: 1 kbit/s (a jumbo frame then takes 72 s
 * on the wire) to 10 Tbit/s (a minimum frame still takes 51 ps). */
#define LD_SPEED_MIN_BPS 1000ULL
#define LD_SPEED_MAX_BPS 10000000000000ULL

/* How much one scenario may hold (issue 12's scale: 4,096 VMs and 8,192
 * flows run); any other list of objects, LD_MAX_LIST entries. */
#define LD_MAX_HOSTS 1024
#define LD_MAX_VMS 4096           /* In the whole scenario. */
#define LD_MAX_CONTAINERS 4096    /* In the whole scenario. */
#define LD_MAX_FLOWS 8192
#define LD_MAX_SWITCHES 1024
#define LD_MAX_LIST 65536
/* What each of them costs in memory: a core's state is about 1 KiB, a
 * NIC's a few hundred bytes per queue, so these keep a scenario that
 * fits in the 16 MiB a file may have under a few hundred MiB. */
#define LD_MAX_CORES 65536        /* Over every host. */
#define LD_MAX_NICS 16384         /* Hosts' NICs, over every host. */
#define LD_MAX_VNICS 16384        /* VMs' NICs, over every VM. */

/* ---- Loader state. ---- */

struct ld {
    struct vh_diag *diag;       /* Where the first error goes. */
    struct cfg_scenario *sc;    /* Being filled; freed by the caller on
                                 * error. */
    cJSON *root;                /* The tree being loaded (owned by caller). */
    bool trial_variants;        /* Load every variant on trial too. */
    size_t n_vms;               /* What has been loaded so far, for the */
    size_t n_containers;        /* limits on the whole scenario */
    size_t n_cores;             /* (LD_MAX_VMS...). */
    size_t n_nics;
    size_t n_vnics;
};

/* JSON paths are built in buffers of this size; longer ones are cut. */
#define JP_LEN 512

void jp_key(char *buf, const char *parent, const char *key);
void jp_idx(char *buf, const char *parent, size_t i);

/* Memory: running out while loading a scenario is not recoverable. */
void *ld_calloc(size_t n, size_t size);
char *ld_strdup(const char *);

/* ---- Typed access.  Every getter returns true when all is well.  An
 * absent optional key leaves '*out' as the caller set it (the default);
 * an absent required key fails with "missing required key" at the object's
 * path 'op'.  A value of the wrong type or out of range fails at the key's
 * own path. ---- */

const char *ld_type_name(const cJSON *);
bool ld_keys(struct ld *, const cJSON *obj, const char *op,
             const struct schema *);

/* The same check against a list of key names; 'what' names the object
 * ("bridge") in the message. */
bool ld_keys_names(struct ld *, const cJSON *obj, const char *op,
                   const char *what, const char *const *names, size_t n);

/* Device classes' own keys (loader/scenario_class.c).  ld_keys_class
 * checks 'obj' against schema 'sch' plus the keys of 'cls' (may be NULL:
 * no class builds it yet), refusing by name a key that another class of
 * family 'fam' takes.  ld_parse_class has 'cls' read its keys into
 * '*priv' (NULL if it keeps none); ld_free_class_priv frees that. */
enum dev_family;
struct dev_class;
bool ld_keys_class(struct ld *, const cJSON *obj, const char *op,
                   const struct schema *sch, enum dev_family fam,
                   const struct dev_class *cls);
bool ld_parse_class(struct ld *, const cJSON *obj, const char *op,
                    int host_cores, const struct dev_class *cls,
                    void **priv);
void ld_free_class_priv(const struct dev_class *cls, void *priv);

/* The keys that classes add to the objects of schema 'sch' (a NIC's, a
 * bridge's, a VM NIC's or a switch's), each once, into 'names' (room for
 * 'max'); returns how many.  A variant may set any of them: which class
 * builds the object may be what the variant changes. */
size_t ld_class_keys(const struct schema *sch, const char **names,
                     size_t max);
bool ld_is_object(struct ld *, const cJSON *v, const char *path);
bool ld_absent_or_null(const cJSON *obj, const char *key);
bool ld_str(struct ld *, const cJSON *obj, const char *op, const char *key,
            bool required, char **out);
/* The position (from 1) of the first control character of 's' (C0 or
 * DEL), or 0 if it has none: names and the scenario's name are printed
 * to terminals, where such bytes would be obeyed. */
size_t ld_control_char(const char *s);
/* A variant's "name": as ld_name(), but '.' is allowed (a variant is
 * never part of a path) and ',' is not (--only lists names with it). */
bool ld_variant_name(struct ld *, const cJSON *obj, const char *op,
                     char **out);
bool ld_name(struct ld *, const cJSON *obj, const char *op, char **out);
bool ld_int(struct ld *, const cJSON *obj, const char *op, const char *key,
            bool required, long long lo, long long hi, const char *reason,
            long long *out);
bool ld_double(struct ld *, const cJSON *obj, const char *op,
               const char *key, double *out);
bool ld_bool(struct ld *, const cJSON *obj, const char *op, const char *key,
             bool *out);
bool ld_time(struct ld *, const cJSON *obj, const char *op, const char *key,
             bool required, vh_time_t *out);
/* Refuses time 't' (written 'text', at 'path') beyond LD_TIME_MAX: for
 * the readers of times that do not go through ld_time. */
bool ld_time_in_range(struct ld *, const char *path, const char *text,
                      vh_time_t t);
bool ld_speed(struct ld *, const cJSON *obj, const char *op,
              const char *key, uint64_t *out);
bool ld_enum(struct ld *, const cJSON *obj, const char *op, const char *key,
             const char *what, const char *const *names, size_t n,
             int *out);
/* Whether 'name' is one of the 'n' strings 'names' (a host's bridge
 * ports, a switch's hosts...). */
bool ld_name_in(char *const *names, size_t n, const char *name);
/* The entries of a table of names, for ld_enum. */
#define N_NAMES(TABLE) (sizeof (TABLE) / sizeof *(TABLE))
/* An array under 'key' (NULL and true if absent), elements unchecked,
 * of at most LD_MAX_LIST entries. */
bool ld_array(struct ld *, const cJSON *obj, const char *op,
              const char *key, const cJSON **out);
/* The same, of at most 'max' entries ('what' names them in the message:
 * "flows"). */
bool ld_array_max(struct ld *, const cJSON *obj, const char *op,
                  const char *key, size_t max, const char *what,
                  const cJSON **out);
/* Adds the entries of array 'arr' (at JSON path 'ap'; may be NULL) to
 * '*total', failing at the first entry that makes it more than 'max'
 * ('what': "VMs"): a limit on the whole scenario, not one list. */
bool ld_count_total(struct ld *, const cJSON *arr, const char *ap,
                    size_t *total, size_t max, const char *what);
/* An object under 'key' (NULL and true if absent), keys checked. */
bool ld_sub(struct ld *, const cJSON *obj, const char *op, const char *key,
            const struct schema *, const cJSON **out, char *path);

/* Addresses (loader/scenario_hosts.c): "mac" and "ip" of an object, and
 * the MAC derived from a device's path when none is given. */
bool ld_load_mac(struct ld *, const cJSON *o, const char *op,
                 struct vh_mac *mac, bool *has_mac);
bool ld_load_ip(struct ld *, const cJSON *o, const char *op, bool required,
                uint32_t *ip, int *prefix, bool *has_ip);

/* Reads "ip6" ("2001:db8::5/64", the prefix 64 when left out) into
 * 'out'; an address a host may hold (not ::, loopback, multicast or
 * link-local, which every interface forms itself). */
struct cfg_ip6;
bool ld_load_ip6(struct ld *, const cJSON *o, const char *op,
                 struct cfg_ip6 *out);
void ld_derive_mac(const char *spath, bool vm, struct vh_mac *mac);

/* Bridges' ports and OVS settings (loader/scenario_bports.c). */
bool ld_bridge_ports(struct ld *, const cJSON *ports, const char *path,
                     const char *hname, struct cfg_bridge *br);
bool ld_vlan_list(struct ld *, const cJSON *o, const char *op,
                  const char *key, uint16_t **out, size_t *n);
bool ld_ovs_other(struct ld *, const cJSON *o, const char *bp,
                  struct cfg_ovs_other *);
bool ld_mirrors(struct ld *, const cJSON *o, const char *bp,
                struct cfg_bridge *br);

/* A switch's "acl" (loader/scenario_acl.c), after its "ports". */
bool ld_acl(struct ld *, const cJSON *o, const char *sp,
            struct cfg_switch *sw);
/* The rules of array "acl" of object 'o' at 'op' into '*rules' and '*n'
 * (left alone when there is none), for a switch of 'ports' ports, or for
 * one port's ACL with 'ports' 0 (in_port refused). */
bool ld_acl_rules(struct ld *, const cJSON *o, const char *op, int ports,
                  struct cfg_acl_rule **rules, size_t *n);
/* A VM NIC's "guest_mac" (loader/scenario_portpolicy.c), after its
 * attach. */
bool ld_guest_mac(struct ld *, const cJSON *vnic, const char *vp,
                  struct cfg_vnic *);
/* A port of a switch with 'ports' ports, "pN" or N, at JSON path
 * 'path' (loader/scenario_acl.c). */
bool ld_switch_port(struct ld *, const cJSON *v, const char *path,
                    int ports, int *out);
/* "pvlan" of a bridge port or an attach object at 'op' (and checks it
 * leaves "vlan" and "trunks" to it), and a switch's "pvlan", after its
 * "ports" (loader/scenario_pvlan.c). */
bool ld_port_pvlan(struct ld *, const cJSON *o, const char *op,
                   struct cfg_pvlan *out);
bool ld_switch_pvlan(struct ld *, const cJSON *o, const char *sp,
                     struct cfg_switch *sw);
/* A switch's "reflective_relay" and "vdp" (loader/scenario_vepa.c),
 * after its "mode" and "ports". */
bool ld_vepa(struct ld *, const cJSON *o, const char *sp,
             struct cfg_switch *sw);

/* A host NIC's or a VM NIC's "vlans" (loader/scenario_vlans.c), after
 * its "ip" and "gateway"; the VLAN subinterface a path's part names
 * ("eth0.100"), of a host's NIC or of a VM's, with that NIC, or NULL. */
bool ld_nic_vlans(struct ld *, const cJSON *nic, const char *np,
                  struct cfg_nic *);
bool ld_vnic_vlans(struct ld *, const cJSON *vnic, const char *vp,
                   struct cfg_vnic *);
struct cfg_vlanif *ld_find_vlanif(const struct cfg_host *, const char *name,
                                  struct cfg_nic **nic);
struct cfg_vlanif *ld_find_vm_vlanif(const struct cfg_vm *, const char *name,
                                     struct cfg_vnic **vnic);

/* Routers' addresses against every other (loader/scenario_underlay.c),
 * with the checks of ld_refs. */
bool ld_check_underlay(struct ld *);

/* A switch's "links" (loader/scenario_swlinks.c), after its "ports";
 * the far ends are checked with the other cables (ld_refs). */
bool ld_switch_links(struct ld *, const cJSON *o, const char *sp,
                     struct cfg_switch *sw);

/* sFlow (loader/scenario_sflow.c): an OVS bridge's "sflow" object, and
 * its collector and agent addresses, resolved once every host is
 * loaded. */
bool ld_sflow(struct ld *, const cJSON *o, const char *bp,
              struct cfg_bridge *br);
bool ld_sflow_refs(struct ld *);
void ld_free_sflow(struct cfg_sflow *);

/* An interval of OVS's exporters: a time with its unit, or whole seconds
 * as OVS writes them, 100us at least.  0 is allowed only with
 * 'zero_ok'.  An absent key leaves '*out' alone. */
bool ld_ovs_interval(struct ld *, const cJSON *o, const char *op,
                     const char *key, bool zero_ok, vh_time_t *out);

/* One of a host's own addresses. */
struct ld_addr {
    const char *name;           /* The NIC's or internal port's. */
    uint32_t ip;
    int prefix;
    uint32_t gateway;           /* A NIC's "gateway", or 0. */
};

/* The host's addresses in the order its endpoints are built
 * (models/core/host.c): in the order of its NICs, each NIC's own "ip"
 * then its VLAN subinterfaces'; then its OVS bridges' internal ports,
 * in the order of the bridges and their ports.  The first is what a
 * traffic path naming the host means.  Returns how many; 'out' has room
 * for ld_max_addrs(). */
size_t ld_host_addrs(const struct cfg_host *, struct ld_addr *out);
size_t ld_max_addrs(const struct cfg_host *);

/* The host's first address into 'out'; false if it has none. */
bool ld_host_first_addr(const struct cfg_host *, struct ld_addr *out);
/* Whether 'name' is a NIC or an internal port of the host (with or
 * without an address). */
bool ld_has_interface(const struct cfg_host *, const char *name);
/* The address of interface 'name' among 'addrs' (the host's, from
 * ld_host_addrs()), or a refusal at 'path': the interface has no address
 * ("has no \"ip\" " 'purpose'), or is not there (with a guess). */
bool ld_named_addr(struct ld *, const struct cfg_host *h, const char *path,
                   const char *name, const struct ld_addr *addrs, size_t n,
                   const char *purpose, struct ld_addr *out);
/* The address of 'collector' (a VM or another host, checked at 'path';
 * 'what' names it in messages), which must be reachable from 'from', the
 * address the 'role' ("agent", "exporter") sends from (when 'from' is
 * not NULL). */
bool ld_collector_addr(struct ld *, const struct cfg_host *h,
                       const char *path, const char *collector,
                       const char *what, const char *role,
                       const struct ld_addr *from, uint32_t *ip);

/* Link discovery (loader/scenario_lldp.c): a switch's "lldp" and
 * "cdp", which only the learning switches (modes 802.1q and vepa) run. */
bool ld_switch_discovery(struct ld *, const cJSON *o, const char *sp,
                         struct cfg_switch *sw);

/* NetFlow and IPFIX (loader/scenario_netflow.c): an OVS bridge's
 * "netflow" and "ipfix" objects, and their addresses, resolved once every
 * host is loaded. */
bool ld_netflow(struct ld *, const cJSON *o, const char *bp,
                struct cfg_bridge *br);
bool ld_netflow_refs(struct ld *);
/* A distributed switch's "netflow" at 'dp' (its addresses are resolved
 * per host by ld_netflow_refs()). */
bool ld_dvs_netflow(struct ld *, const cJSON *o, const char *dp,
                    struct cfg_flowexp **out);
/* The management address of host 'h' for distributed switch 'd' among
 * its addresses 'addrs' (its first NIC's that is not an uplink), or
 * NULL; and the Nexus 1000V supervisors' addresses, checked reachable
 * from each host's (loader/scenario_dvs.c). */
struct ld_addr;
const struct ld_addr *ld_dvs_mgmt(const struct cfg_dvswitch *d,
                                  const struct cfg_host *h,
                                  const struct ld_addr *addrs, size_t n);
bool ld_dvs_vsm_refs(struct ld *);
void ld_free_flowexp(struct cfg_flowexp *);

/* ---- Sections, in load order. ---- */

/* The idle path (loader/scenario_idle.c): a host's "apicv",
 * "halt_poll_ns" and "cpu.cstate"; a NIC's "coalesce". */
bool ld_idle_host(struct ld *, const cJSON *h, const char *hp,
                  struct cfg_host *);
bool ld_coalesce(struct ld *, const cJSON *nic, const char *np,
                 struct cfg_nic *);

/* Offloads (loader/scenario_offload.c): a NIC's or a VM NIC's
 * "offloads"; the VM NIC's after its model, backend and attach. */
bool ld_nic_offloads(struct ld *, const cJSON *nic, const char *np,
                     struct cfg_nic *);
bool ld_vnic_offloads(struct ld *, const cJSON *vnic, const char *vp,
                      struct cfg_vnic *);

bool ld_hosts(struct ld *, const cJSON *root);
bool ld_switches(struct ld *, const cJSON *root);
/* "dvswitches" (loader/scenario_dvs.c), after the hosts: the switches,
 * and the VM NICs that attach to them. */
bool ld_dvswitches(struct ld *, const cJSON *root);
void ld_free_dvswitches(struct cfg_scenario *);
/* The distributed switch named 'name', or NULL. */
const struct cfg_dvswitch *ld_find_dvswitch(const struct cfg_scenario *,
                                            const char *name);
/* Whether distributed switch 'd' spans host 'host'. */
bool ld_dvswitch_spans(const struct cfg_dvswitch *d, const char *host);
bool ld_traffic(struct ld *, const cJSON *root);
/* Reads the capture flow 'f' (at 'fp') replays into f->replay. */
bool ld_replay(struct ld *, const char *fp, struct cfg_flow *f);
/* The smallest IPv6 frame a flow sends, FCS included: Ethernet (14),
 * IPv6 (40), UDP or an ICMPv6 echo's header (8), FCS (4).  A smaller
 * size is raised to it. */
#define VH_IPV6_MIN_FRAME 66

/* A flow's transport keys (loader/scenario_xport.c), and whether it
 * paces itself (TCP, rr) so that 'rate' is not required. */
bool ld_flow_xport(struct ld *, const cJSON *o, const char *fp,
                   struct cfg_flow *f);
bool ld_flow_paced(const struct cfg_flow *f);
bool ld_captures(struct ld *, const cJSON *root);
bool ld_events(struct ld *, const cJSON *root);
bool ld_costs(struct ld *, const cJSON *root);
bool ld_refs(struct ld *);
bool ld_endpoints(struct ld *);
bool ld_variants(struct ld *, const cJSON *root);
/* A lesson's keys (loader/scenario_lesson.c), before variants[]. */
bool ld_lesson(struct ld *, const cJSON *root);
bool ld_check_supported(struct ld *);

/* NAT and macvtap (scenario_attach.c): the extension keys attach.forward
 * (read once the attach type is known) and nics[].gateway (once the NIC's
 * "ip" is), and the checks of ld_refs. */
bool ld_forwards(struct ld *, const cJSON *attach, const char *ap,
                 struct cfg_vnic *);
bool ld_gateway(struct ld *, const cJSON *nic, const char *np,
                struct cfg_nic *);
bool ld_check_attach_nets(struct ld *);

/* An object's "mtu" (scenario_attach.c), 576..9000, 'dflt' if absent;
 * and a VM NIC's MTU once its host's bridges are loaded: its own, else
 * its bridge's, else 1500. */
bool ld_mtu(struct ld *, const cJSON *o, const char *op, uint32_t dflt,
            uint32_t *out);
void ld_vnic_mtu(const struct cfg_host *, struct cfg_vnic *);

/* Containers and their networks (loader/scenario_containers.c):
 * networks[] and containers[] of host 'host' (after its NICs and VMs),
 * with the networks they make, addresses allocated and namespaces
 * resolved; the checks across objects, for ld_refs; freeing. */
bool ld_networks(struct ld *, const cJSON *h, const char *hp,
                 struct cfg_host *host);
bool ld_containers(struct ld *, const cJSON *h, const char *hp,
                   struct cfg_host *host);
bool ld_check_containers(struct ld *);
void ld_free_containers(struct cfg_host *);

/* ---- Scenario paths ("host1/vm1/eth0") over the loaded structs. ---- */

enum ref_kind {
    REF_HOST, REF_VM, REF_NIC, REF_BRIDGE, REF_VNIC, REF_SWITCH, REF_PORT,
    REF_VF, REF_VLANIF,
    REF_TUNNEL,                 /* A bridge's tunnel port ("host1/vx0"). */
    REF_INTERNAL,               /* An OVS internal port ("host1/mgmt"). */
    REF_CONTAINER, REF_CTR_IF, REF_CTR_DEV, REF_PUBLISHED,
};

struct ref {
    enum ref_kind kind;
    struct cfg_host *host;
    struct cfg_vm *vm;
    struct cfg_nic *nic;
    struct cfg_bridge *bridge;
    struct cfg_vnic *vnic;
    struct cfg_switch *sw;
    struct cfg_bport *tunnel;   /* REF_TUNNEL ('bridge' is its bridge). */
    struct cfg_bport *iport;    /* REF_INTERNAL ('bridge' is its bridge). */
    int port;                   /* REF_PORT: 1..ports; REF_PUBLISHED: the
                                 * host's port. */
    int vf;                     /* REF_VF: 0..sriov_vfs - 1 ('nic' is its
                                 * NIC). */
    struct cfg_vlanif *vlanif;  /* REF_VLANIF ("host/eth0.100": 'nic' is
                                 * its NIC; "host/vm/eth0.100": 'vm' and
                                 * 'vnic' are its VM and NIC, 'nic' is
                                 * NULL). */
    struct cfg_container *ctr;  /* REF_CONTAINER, REF_CTR_IF, and
                                 * REF_PUBLISHED: the container. */
    const struct cfg_publish *pub;  /* REF_PUBLISHED: its publish entry. */
};

/* Whether 'name' is a device that the containers of host 'h' make and
 * a path may name: the Linux bridge of a bridge network ("docker0",
 * "br-appnet") or the host end of a container's veth pair
 * ("veth1a2b3c4"). */
bool ld_container_dev(const struct cfg_host *h, const char *name);

/* "HOST:PORT", a published port: its host's name into 'host' and its
 * port; false if 'path' is not of that form. */
bool ld_published_path(const char *path, char *host, size_t len,
                       int *port);

/* Resolves 'path'; on failure writes why (with a did-you-mean). */
bool ld_resolve(const struct cfg_scenario *, const char *path,
                struct ref *, char *why, size_t why_len);
const char *ld_ref_what(enum ref_kind);

/* Resolves 'path' (found at JSON path 'kp') as a traffic endpoint: a VM
 * with a NIC, a host with an address (on a NIC or a NIC's VLAN
 * subinterface), or a VLAN subinterface ("host/eth0.100").  Anything else fails with
 * 'what', which says what is expected ("a flow goes between ..."). */
bool ld_check_endpoint(struct ld *, const char *kp, const char *path,
                       const char *what, struct ref *r);

/* ---- Variants over the raw tree (before validation). ---- */

/* Finds the object that 'path' names in the tree (a host, switch or flow
 * by name, "host/x" for a host's NIC, bridge or VM, "host/vm/nic" for a VM
 * NIC) and its schema. */
cJSON *ld_raw_resolve(cJSON *root, const char *path,
                      const struct schema **sch, char *why, size_t why_len);

/* Applies one "PATH.field": value pair to the tree (null removes). */
bool ld_apply_one(cJSON *root, const char *key, const cJSON *value,
                  char *why, size_t why_len);

/* Checks a "PATH.field" key without changing anything. */
bool ld_check_set_key(cJSON *root, const char *key, char *why,
                      size_t why_len);

/* Applies variant 'name' of root's variants[] to 'root'. */
bool ld_apply_variant(cJSON *root, const char *name, struct vh_diag *);

/* Loads a tree into a scenario (the caller frees the tree). */
struct cfg_scenario *ld_load_tree(cJSON *root, const char *name,
                                  bool trial_variants, bool check_supported,
                                  struct vh_diag *);

#endif /* loader/scenario_priv.h */
