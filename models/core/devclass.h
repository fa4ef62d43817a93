/* models/core/devclass.h: what a kind of device is.
 *
 * Every kind of device vhsim models (a physical NIC, a VF, virtio-net, an
 * emulated e1000, a Linux bridge, OVS, macvtap, NAT, an upstream switch, a
 * VM, a host) is a class: one constant 'struct dev_class' in the model's
 * own file, listed once in models/core/devclasses.def.  The class carries
 * what the rest of vhsim needs to know of the kind, so that the world,
 * the loader, scenario events, migration, the report and the GUI iterate
 * over instances and ask their class, and none of them switches over
 * device types:
 *
 *   - which scenario values build it ('family' and 'accepts'): the loader
 *     refuses, as "not supported yet", a value that no class accepts;
 *   - the keys of its scenario object that are its own ('keys'), which it
 *     reads itself ('parse', through models/core/cfgobj.h): on the object
 *     of a NIC, a bridge, a switch or a VM NIC (by its model).  Keys every
 *     device of a family has, and an attach object's keys, are parsed in
 *     loader/ into models/core/config.h;
 *   - how to build an instance from its config ('build') and how a VM NIC
 *     joins it ('attach');
 *   - its carrier, for link-down and link-up events ('set_link');
 *   - its part in live migration;
 *   - its section of the report ('report');
 *   - its role in the picture (the registry's role, for the GUI);
 *   - how to free it ('destroy').
 *
 * Every hook may be NULL: the class then has no such thing (a switch port
 * is never built on its own, a VF cannot migrate), and whoever would have
 * called it refuses with the reason.
 *
 * Life cycle: 'build' allocates the instance, registers it with
 * dev_register() and keeps it where its owner finds it (a host's arrays);
 * the world frees every registered instance whose class has 'destroy', in
 * the reverse order of registration, so parts go before what holds them. */
#ifndef VH_MODELS_DEVCLASS_H
#define VH_MODELS_DEVCLASS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/device.h"
#include "sim/diag.h"

struct world;
struct host;
struct vm;
struct vm_nic;
struct report_out;
struct port;
struct cpu_core;
struct endpoint;
struct cfg_obj;

/* Which part of a scenario builds instances of a class. */
enum dev_family {
    DEV_FAM_PART,               /* Built by another device as a part of
                                 * it (a switch port, a VF, a macvlan). */
    DEV_FAM_HOST,               /* hosts[] */
    DEV_FAM_NIC,                /* hosts[].nics[].model */
    DEV_FAM_BRIDGE,             /* hosts[].bridges[]: "type" or
                                 * "type/datapath" ("ovs/dpdk") */
    DEV_FAM_GUEST,              /* hosts[].vms[] */
    DEV_FAM_VNIC,               /* vms[].nics[].model */
    DEV_FAM_SWITCH,             /* switches[].mode */
    DEV_FAM_N
};

struct dev_class {
    const char *kind;           /* The registry's kind, and "kind" in the
                                 * report: "linux-bridge". */
    enum vh_dev_role role;      /* Where the picture puts it. */
    enum dev_family family;
    const char *const *accepts; /* The values of the family's scenario key
                                 * that build this class, NULL-terminated;
                                 * NULL for DEV_FAM_PART. */
    const char *described;      /* What its instances are called in
                                 * messages, plural: "bridges of type ovs
                                 * with datapath dpdk". */
    const char *const *keys;    /* Keys of its scenario object it reads
                                 * itself, beyond its family's ones,
                                 * NULL-terminated; NULL for none.  The
                                 * loader refuses them on another class's
                                 * object ("'K' applies only to ..."). */
    const char *attach_type;    /* The vms[].nics[].attach.type that joins
                                 * a VM NIC to an instance ("bridge" for
                                 * the Linux bridge), or NULL. */
    const char *attach_mode;    /* With 'attach_type', when classes share
                                 * the type: the attach.mode that picks
                                 * this one ("passthrough" for a VIF the
                                 * guest drives); NULL: any mode. */
    bool vmdq_pools;            /* With 'attach_type': a VM NIC so attached
                                 * gets a VMDq pool on its host's NICs
                                 * (models/hw/pnic.h). */
    bool assigned;              /* With 'attach_type': the guest drives the
                                 * device itself (a VF, a passed-through
                                 * NIC), so 'build_vnic' makes the guest
                                 * half and there is no host half. */

    /* Reads the class's 'keys' of scenario object 'o' into a config of its
     * own, '*priv' (left NULL if it keeps none), which its instances find
     * in their family's config struct and 'free_priv' frees.  Returns
     * false, having failed through 'o', on a bad value. */
    bool (*parse)(struct cfg_obj *o, void **priv);
    void (*free_priv)(void *priv);

    /* Builds an instance from 'cfg' (the family's config struct: a
     * struct cfg_bridge for DEV_FAM_BRIDGE...) in host 'h' (NULL for a
     * switch).  Returns false with 'diag' set if the scenario asks for
     * something the model refuses. */
    bool (*build)(struct world *, struct host *h, const void *cfg,
                  struct vh_diag *diag);

    /* DEV_FAM_VNIC, or 'assigned': builds the guest half of VM NIC 'n'
     * of 'vm' (the device the guest's driver runs), filling n->dev,
     * n->guest and, when there is one, n->host. */
    bool (*build_vnic)(struct world *, struct host *, struct vm *vm,
                       struct vm_nic *n, struct vh_diag *diag);

    /* A VM NIC's guest half: the host core that serves its host half
     * (its backend thread's), where a VMDq pool for its address sends
     * its interrupt; NULL if no host core serves it. */
    struct cpu_core *(*serving_core)(const struct vm_nic *n);

    /* With 'attach_type', not 'assigned': joins the host half of VM NIC
     * 'n' to the instance in host 'h' that its attach.to names. */
    bool (*attach)(struct world *, struct host *h, struct vm_nic *n,
                   struct vh_diag *diag);

    /* A guest or a host: the endpoint a traffic path naming it means
     * (its first addressed NIC), or NULL if it has none. */
    struct endpoint *(*endpoint)(struct vh_device *d);

    /* Cabling: the port of instance 'd' a cable plugs into, with the
     * speed of its side (a NIC's wire side, a switch port), or NULL. */
    struct port *(*wire)(struct vh_device *d, uint64_t *bps);

    /* A switching device: adds a port joined directly to 'member': the
     * host side of a NIC enslaved to it ('uplink': it carries every VLAN
     * of the device's ports), or the host's own address on it. */
    struct port *(*add_port)(struct vh_device *d, struct port *member,
                             bool uplink);

    /* Carrier.  'has_link' says whether instance 'd' has a link that
     * events can take down (a NIC without a cable has none); NULL means
     * it always does when 'set_link' exists.  'set_link' takes it down
     * or up, at the current time. */
    bool (*has_link)(const struct vh_device *d);
    void (*set_link)(struct world *, struct vh_device *d, bool up);

    /* A DMA by device 'd' outside its IOMMU domain (a scenario event). */
    void (*rogue_dma)(struct world *, struct vh_device *d);

    /* Live migration of the VM NIC 'n' whose guest half is of this class:
     * 'migrate_refusal' says why it cannot move (NULL: it can); 'stop'
     * stops it for the downtime; 'move' re-homes it on host 'dst' and
     * resumes it; 'announce' sends its RARP announcement. */
    const char *(*migrate_refusal)(const struct vm_nic *n);
    void (*migrate_stop)(struct world *, struct vm_nic *n);
    void (*migrate_move)(struct world *, struct vm_nic *n, struct host *src,
                         struct host *dst);
    void (*migrate_announce)(struct world *, struct vm_nic *n);

    /* With 'attach_type': takes the host half of 'n' off host 'h', and
     * puts it on; NULL if VMs so attached cannot migrate.  'prepare_vnic'
     * (NULL: nothing to do) runs when the migration is scheduled, before
     * the world runs: it builds on the destination 'h' what
     * 'reattach_vnic' will need, so that no device is registered while
     * the world runs; false with 'diag' set if it cannot. */
    void (*detach_vnic)(struct world *, struct host *h, struct vm_nic *n);
    void (*reattach_vnic)(struct world *, struct host *h, struct vm_nic *n);
    bool (*prepare_vnic)(struct world *, struct host *h,
                         const struct vm_nic *n, struct vh_diag *diag);

    /* The report: instances of a class with a 'host_section' are listed
     * in their host's entry under that key ("bridges"), each with its
     * name and the keys 'report' adds.  The section is always there (an
     * empty list for a host without such instances), unless the class
     * has 'reports' (below): then only instances it says yes to are
     * listed, and a host with none has no such section, so reports of
     * scenarios without the kind stay as they were. */
    const char *host_section;
    void (*report)(const struct vh_device *d, struct report_out *out);

    /* Instances at the top (no host: a switch) with something to report
     * ('reports' true, which host sections may use too) are listed in the report's top-level section
     * 'top_section' ("switches"), each with its name and the keys
     * 'report' adds; the section is left out when none has anything, so
     * reports of scenarios without it stay as they were. */
    const char *top_section;
    bool (*reports)(const struct vh_device *d);

    /* Speed only (port_warm(), and sim/event.h's vh_sim_warm): prefetches
     * what a frame passing through 'port' of an instance will read of it,
     * in either direction, a step at a time: with 'step' 0 once 'port'
     * and its device have been fetched, then 1, 2... up to the calls it
     * gets, each a little later, so that a step may read what the step
     * before asked for.  It may hand on to the next device with
     * port_warm() of the port the frame goes on to.  'port' is found
     * through its device, and a port of another model may count on an
     * instance's device (a stack's interface port, on its NIC's): the
     * hook asks for nothing, and returns false, for a port that is not
     * its own (by its 'rx').  Returns whether a later step has more to
     * ask for.  It changes nothing the simulation
     * computes.  NULL: nothing to fetch beyond the port. */
    bool (*warm)(const struct port *port, int step);
    /* Frees an instance; NULL for instances that live inside another's
     * memory (a switch port, a VF). */
    void (*destroy)(struct vh_device *d);
};

/* Registers instance 'd' of class 'cls' in the world's registry as
 * 'name' within 'parent': its path is "PARENT/NAME", or 'name' alone for
 * a device at the top (parent NULL). */
void dev_register(struct world *, struct vh_device *d,
                  const struct dev_class *cls,
                  const struct vh_device *parent, const char *name);

/* The class of a registered device. */
static inline const struct dev_class *
dev_class_of(const struct vh_device *d)
{
    return d->cls;
}

/* The class of 'family' that accepts scenario value 'value', or NULL if
 * none does (vhsim has no model for it yet). */
const struct dev_class *dev_class_find(enum dev_family family,
                                       const char *value);

/* The class whose VM NICs join with attach.type 'type', or NULL; the
 * first such class when several share the type. */
const struct dev_class *dev_class_for_attach(const char *type);

/* The class whose VM NICs join with attach.type 'type' in attach.mode
 * 'mode' (NULL: whichever mode), or NULL. */
const struct dev_class *dev_class_for_attach_mode(const char *type,
                                                  const char *mode);

/* The classes, in the order of models/core/devclasses.def. */
extern const struct dev_class *const dev_classes[];
extern const size_t n_dev_classes;

/* Empties the registry of 'w' and frees every instance in it whose class
 * can, the last registered first. */
void dev_destroy_all(struct world *);

/* What a class's 'report' hook writes to: a key and its value, in the
 * JSON report and in the terminal's (report/report.c; models never see
 * cJSON). */
void report_out_num(struct report_out *, const char *key, double v);
void report_out_str(struct report_out *, const char *key, const char *v);

/* Nesting: an object under 'key', a list under 'key', an object as the
 * next item of the open list; each closed by report_out_end().  In a
 * list, report_out_num() appends a number and ignores 'key'. */
void report_out_begin(struct report_out *, const char *key);
void report_out_begin_list(struct report_out *, const char *key);
void report_out_begin_item(struct report_out *);
void report_out_end(struct report_out *);

/* Whether the report is for the terminal (long lists may be cut short
 * there; the JSON report has every entry). */
bool report_out_is_text(const struct report_out *);

#endif /* models/core/devclass.h */
