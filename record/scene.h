/* record/scene.h: what the GUI knows about a run before any packet moves.
 *
 * A scene is a copy of the topology (the device registry's paths, kinds,
 * parents and edges) plus the few facts from the scenario that the picture
 * needs: how many cores each host has, the flows' names, the names of the
 * cycle categories, and the timed scenario events for the timeline.  The
 * GUI draws from this and from hop events only; it never looks at a model.
 * A recording starts with a scene, so a replay has the same facts; like
 * the recording (record/record.h), it is outside gui/ because vhsim
 * writes it without linking the GUI. */
#ifndef VH_RECORD_SCENE_H
#define VH_RECORD_SCENE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/device.h"
#include "sim/time.h"

struct gui_edge {
    uint32_t to;                /* Device index at the other end. */
    uint8_t cable;              /* 1: a wire; 0: inside a host. */
};

struct gui_dev {
    char *path;                 /* "host1/vm1/eth0". */
    char *kind;                 /* "virtio-net", "linux-bridge"... */
    uint8_t role;               /* enum vh_dev_role (sim/device.h): where
                                 * the picture puts it. */
    int32_t parent;             /* Index of the enclosing device, or -1. */
    char *note;                 /* What the scenario says about it that the
                                 * topology does not, as "WHO|HOW": for a
                                 * guest NIC's host side, "vhost-net|in the
                                 * kernel"; "direct|..." when the guest
                                 * reaches the hardware with no software
                                 * in between (a VF); for a thread of a
                                 * process in the host's user space,
                                 * "PROCESS|JOB thread" ("ovs-vswitchd|
                                 * handler thread"); for a switch whose
                                 * work is split between the kernel and
                                 * such a process, what its kernel half is
                                 * ("kernel datapath|openvswitch.ko"); for
                                 * a NIC, its receive queues in the order
                                 * the trace numbers them, each NAME@CORE
                                 * ("rx queues|q0@0 vm1@5 vf0@g": "g" a
                                 * vCPU, "-" no driver); "" if nothing. */
    struct gui_edge *edges;
    uint32_t n_edges;
};

struct gui_host_info {
    uint32_t dev;               /* The host's device index. */
    int cores;                  /* Cores of its CPU. */
    char *iommu;                /* Its IOMMU's domains, each with the PCIe
                                 * functions in it, "identity:eth0;vm1:
                                 * vf0;vm2:vf1"; "" when it has none. */
};

struct gui_flow_info {
    char *name;                 /* "vm1-to-remote". */
    char *from, *to;            /* Endpoint paths. */
    char *proto;                /* "udp", "icmp"... */
};

/* A timed scenario event, for the timeline. */
struct gui_mark {
    vh_time_t at;
    char *action;               /* "link-down", "migrate"... */
    char *target;
    char *to;                   /* migrate: the destination host's path;
                                 * "" for the other actions. */
    vh_time_t until;            /* migrate: when the VM resumes there (the
                                 * end of the downtime); else 'at'. */
};

struct gui_scene {
    char *name;                 /* Scenario name. */
    char *variant;              /* "base" or the variant's name. */
    vh_time_t duration;         /* The scenario's duration. */
    struct gui_dev *devs;
    size_t n_devs;
    struct gui_host_info *hosts;
    size_t n_hosts;
    struct gui_flow_info *flows;
    size_t n_flows;
    char **cats;                /* Cycle category names, by index. */
    size_t n_cats;
    struct gui_mark *marks;
    size_t n_marks;
};

void gui_scene_init(struct gui_scene *);
void gui_scene_free(struct gui_scene *);

/* Copies the topology of 'tab' into 'sc' (whose devices must be empty). */
void gui_scene_set_topology(struct gui_scene *sc, const struct vh_devtab *tab);

/* Sets the IOMMU domains of the host whose device index is 'dev'
 * (copied; see gui_host_info). */
void gui_scene_set_iommu(struct gui_scene *, uint32_t dev, const char *iommu);

/* The IOMMU domains of host 'dev', or NULL if it has no IOMMU. */
const char *gui_scene_host_iommu(const struct gui_scene *, uint32_t dev);

/* Sets device 'dev''s note (copied). */
void gui_scene_set_note(struct gui_scene *, uint32_t dev, const char *note);

/* True for a device whose role is a guest: a VM or a container. */
bool gui_dev_is_guest(const struct gui_dev *);

/* True if device 'd' is a thread of a process in its host's user space
 * (its note is "PROCESS|JOB thread"); then 'proc' (if not NULL) receives
 * the process's name, cut to 'n' bytes. */
bool gui_dev_thread_of(const struct gui_dev *d, char *proc, size_t n);

/* The HOW part of a device's note (after the '|'), or "" if none. */
const char *gui_dev_note_how(const struct gui_dev *d);

/* True if device 'dev' is a network interface of a guest. */
bool gui_scene_is_guest_port(const struct gui_scene *, uint32_t dev);

/* Appenders; every string is copied. */
void gui_scene_add_host(struct gui_scene *, uint32_t dev, int cores);
void gui_scene_add_flow(struct gui_scene *, const char *name,
                        const char *from, const char *to, const char *proto);
void gui_scene_add_cat(struct gui_scene *, const char *name);
void gui_scene_add_mark(struct gui_scene *, vh_time_t at, const char *action,
                        const char *target, const char *to, vh_time_t until);

/* The last part of a device's path ("eth0" for "host1/vm1/eth0"). */
const char *gui_dev_name(const struct gui_dev *);

/* Cores of the host whose device index is 'dev', or 0 if unknown. */
int gui_scene_host_cores(const struct gui_scene *, uint32_t dev);

/* Index of the top-level ancestor of device 'dev' (itself if top level). */
uint32_t gui_scene_root(const struct gui_scene *, uint32_t dev);

/* Allocation that aborts with a message when memory runs out: the GUI
 * has no sensible way to go on without it (sim/xmalloc.h; gui_xstrdup
 * takes NULL for ""). */
void *gui_xmalloc(size_t n);
void *gui_xcalloc(size_t n, size_t size);
void *gui_xrealloc(void *p, size_t n);
char *gui_xstrdup(const char *s);

#endif /* record/scene.h */
