/* sim/device.h: the registry of named things.
 *
 * Every model instance that a report, capture or GUI can name registers a
 * 'struct vh_device' embedded in itself: "host1/br0", "tor1/p2",
 * "host1/vm1/eth0".  The registry keeps them in creation order, which is
 * also the order of the report's "devices" list.  Models count frames here;
 * the kernel never looks inside a model. */
#ifndef VH_DEVICE_H
#define VH_DEVICE_H 1

#include <stddef.h>
#include <stdint.h>

struct vh_drops;

/* What a kind of device is to whoever reads only the topology (the GUI,
 * a recording): where it belongs in the picture. */
enum vh_dev_role {
    VH_ROLE_DEVICE,             /* Anything else: a virtual NIC, a port,
                                 * NAT, a macvlan. */
    VH_ROLE_HOST,               /* A server or a bare-metal endpoint. */
    VH_ROLE_GUEST,              /* A VM or a container: holds its NICs. */
    VH_ROLE_HW,                 /* Hardware in a host: a NIC, a VF. */
    VH_ROLE_SWITCHING,          /* A bridge, a vSwitch, a switch. */
    VH_ROLE_N
};

/* The models' description of a kind of device (models/core/devclass.h);
 * sim/ never looks inside. */
struct dev_class;

/* The struct of type TYPE whose member MEMBER is at PTR. */
#define VH_CONTAINER_OF(PTR, TYPE, MEMBER) \
    ((TYPE *) (void *) ((char *) (PTR) - offsetof(TYPE, MEMBER)))

/* One adjacency of a device: frames can pass between the two. */
struct vh_device_edge {
    uint32_t to;                /* Id of the device at the other end. */
    uint8_t cable;              /* 1: a cable (wire); 0: inside a host. */
};

struct vh_device {
    /* What a frame passing through writes, first: a model object that
     * starts with its device and a cache line has them in that line. */
    uint64_t rx;                /* Frames received. */
    uint64_t tx;                /* Frames sent. */
    uint64_t drops;             /* Frames dropped here, for any reason. */
    int report;                 /* Listed in the report's "devices". */
    uint32_t id;                /* Index in the registry. */
    int32_t parent;             /* Id of the enclosing device, or -1. */
    uint8_t role;               /* enum vh_dev_role. */
    char *path;                 /* Scenario path, owned by the registry. */
    const char *kind;           /* Static string: "nic", "linux-bridge",
                                 * "switch-port", "vnic", "vm", "host"... */
    const struct dev_class *cls;    /* The models' class, or NULL for a
                                     * device registered without one. */
    struct vh_drops *drop_reasons;  /* The same by reason (sim/stats.h),
                                     * from the first drop; NULL before.
                                     * Freed with the registry. */
    struct vh_device_edge *edges;   /* Neighbours, in connection order; */
    uint32_t n_edges;               /* owned by the registry. */
};

struct vh_devtab {
    struct vh_device **v;       /* In creation order; v[i]->id == i. */
    size_t n;
    size_t cap;
    /* The index by path: open addressing over 'n_slots' (a power of two,
     * at least twice n), each slot the id + 1 of the first device
     * registered with a path, 0 if empty; same_next[id] is the id + 1 of
     * the next device with the same path (another kind), 0 at the end. */
    uint32_t *slots;
    size_t n_slots;
    uint32_t *same_next;
};

void vh_devtab_init(struct vh_devtab *);
void vh_devtab_destroy(struct vh_devtab *);   /* Frees paths, not devices. */

/* Registers 'dev' under 'path' (copied) and sets dev->id.  'parent' may be
 * NULL.  Returns dev->id. */
uint32_t vh_devtab_add(struct vh_devtab *, struct vh_device *dev,
                       const char *path, const char *kind,
                       const struct vh_device *parent);

/* Registers 'dev' under its parent's path and 'name': "PARENT/NAME". */
uint32_t vh_devtab_add_child(struct vh_devtab *, struct vh_device *dev,
                             const struct vh_device *parent, const char *name,
                             const char *kind);

/* Records that frames pass between 'a' and 'b' (both registered), once
 * per pair.  This is the topology that the GUI and reports draw. */
void vh_device_connect(struct vh_device *a, struct vh_device *b, int cable);

/* The device registered under 'path', or NULL. */
struct vh_device *vh_devtab_find(const struct vh_devtab *, const char *path);

/* The same, if it is of kind 'kind' (compared as a string); NULL
 * otherwise.  A model then finds itself around the device it embeds with
 * VH_CONTAINER_OF. */
struct vh_device *vh_devtab_find_kind(const struct vh_devtab *,
                                      const char *path, const char *kind);

/* The TYPE whose member MEMBER is at PTR (not NULL). */
#define VH_CONTAINER_OF(PTR, TYPE, MEMBER)                              \
    ((TYPE *) (void *) ((char *) (PTR) - offsetof(TYPE, MEMBER)))

#endif /* sim/device.h */
