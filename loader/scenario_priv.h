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
                           sch_container, sch_coalesce;

/* ---- Loader state. ---- */

struct ld {
    struct vh_diag *diag;       /* Where the first error goes. */
    struct cfg_scenario *sc;    /* Being filled; freed by the caller on
                                 * error. */
    cJSON *root;                /* The tree being loaded (owned by caller). */
    bool trial_variants;        /* Load every variant on trial too. */
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
bool ld_speed(struct ld *, const cJSON *obj, const char *op,
              const char *key, uint64_t *out);
bool ld_enum(struct ld *, const cJSON *obj, const char *op, const char *key,
             const char *what, const char *const *names, size_t n,
             int *out);
/* The entries of a table of names, for ld_enum. */
#define N_NAMES(TABLE) (sizeof (TABLE) / sizeof *(TABLE))
/* An array under 'key' (NULL and true if absent), elements unchecked. */
bool ld_array(struct ld *, const cJSON *obj, const char *op,
              const char *key, const cJSON **out);
/* An object under 'key' (NULL and true if absent), keys checked. */
bool ld_sub(struct ld *, const cJSON *obj, const char *op, const char *key,
            const struct schema *, const cJSON **out, char *path);

/* Addresses (loader/scenario_hosts.c): "mac" and "ip" of an object, and
 * the MAC derived from a device's path when none is given. */
bool ld_load_mac(struct ld *, const cJSON *o, const char *op,
                 struct vh_mac *mac, bool *has_mac);
bool ld_load_ip(struct ld *, const cJSON *o, const char *op, bool required,
                uint32_t *ip, int *prefix, bool *has_ip);
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

/* A host NIC's "vlans" (loader/scenario_vlans.c), after its "ip" and
 * "gateway"; the VLAN subinterface a path's part names ("eth0.100"),
 * with its NIC, or NULL. */
bool ld_nic_vlans(struct ld *, const cJSON *nic, const char *np,
                  struct cfg_nic *);
struct cfg_vlanif *ld_find_vlanif(const struct cfg_host *, const char *name,
                                  struct cfg_nic **nic);

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

/* ---- Sections, in load order. ---- */

/* The idle path (loader/scenario_idle.c): a host's "apicv",
 * "halt_poll_ns" and "cpu.cstate"; a NIC's "coalesce". */
bool ld_idle_host(struct ld *, const cJSON *h, const char *hp,
                  struct cfg_host *);
bool ld_coalesce(struct ld *, const cJSON *nic, const char *np,
                 struct cfg_nic *);

bool ld_hosts(struct ld *, const cJSON *root);
bool ld_switches(struct ld *, const cJSON *root);
bool ld_traffic(struct ld *, const cJSON *root);
/* Reads the capture flow 'f' (at 'fp') replays into f->replay. */
bool ld_replay(struct ld *, const char *fp, struct cfg_flow *f);
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
    int port;                   /* REF_PORT: 1..ports; REF_PUBLISHED: the
                                 * host's port. */
    int vf;                     /* REF_VF: 0..sriov_vfs - 1 ('nic' is its
                                 * NIC). */
    struct cfg_vlanif *vlanif;  /* REF_VLANIF ("host/eth0.100"; 'nic' is
                                 * its NIC). */
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
