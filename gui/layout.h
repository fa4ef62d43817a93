/* gui/layout.h: where every device is drawn, computed from the topology.
 *
 * Coordinates are world units: one unit is one pixel when the picture is
 * shown at scale 1, which is about right for a 1280x720 window.  Each host
 * is a panel with four bands, top to bottom: its guests (each guest a box
 * with its network interfaces along the bottom), the host side of each
 * guest interface (where the hypervisor, QEMU or a vhost worker handles it),
 * the host kernel's switching (bridges, NAT, macvtap...), and the NIC
 * hardware; a column at the right holds the CPU cores.  A host whose
 * switch has threads in a user-space process (Open vSwitch's kernel
 * datapath and ovs-vswitchd's handlers) has a fifth band, user space,
 * just above the kernel's: the process is a box there, its threads small
 * boxes inside, clear of the lines that come down from the guests, and a
 * line from the switch up to each thread is the way an upcall goes.
 * Switches and other top-level devices form a row below the hosts, joined
 * by cables.
 * A switch cabled only to switches (a spine) goes in a row under
 * those the hosts are cabled to, its cables in lanes of their own.
 *
 * A container is a guest with no hypervisor: no host-side box under its
 * interfaces; the host end of its veth pair is drawn as the line from the
 * container's interface to its bridge (a dense host would otherwise have
 * a box per container in the kernel's row), and a NAT with no cables of
 * its own is drawn between the bridges it routes for and its NIC.
 *
 * Devices are placed by kind when the kind is known and otherwise by their
 * parent and edges, so a new model appears somewhere sensible without a
 * change here.  A host with more guests than fit in a row shows a counted
 * group in place of the rest; the group expands when asked.  The layout is
 * a pure function of the scene and the expanded flags: same input, same
 * positions. */
#ifndef VH_GUI_LAYOUT_H
#define VH_GUI_LAYOUT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record/scene.h"

enum gui_node_type {
    GUI_N_HOST,                 /* A host's panel. */
    GUI_N_GUEST,                /* A VM or container. */
    GUI_N_PORT,                 /* A child drawn on its parent's edge: a
                                 * guest's NIC, a switch port, a VF. */
    GUI_N_BACKEND,              /* The host side of a guest's NIC. */
    GUI_N_MID,                  /* Host kernel switching: bridge, NAT... */
    GUI_N_HW,                   /* NIC hardware. */
    GUI_N_SWITCH,               /* An upstream switch. */
    GUI_N_OTHER,                /* A top-level device of another kind. */
    GUI_N_FOLD,                 /* Guests folded into a counted group. */
    GUI_N_CPU,                  /* A host's CPU cores. */
    GUI_N_PROC,                 /* A process in a host's user space
                                 * (ovs-vswitchd), holding its threads;
                                 * 'dev' is the switch they work for. */
    GUI_N_THREAD,               /* One of its threads, or 'count' threads
                                 * of one job folded into one box. */
    GUI_N_QUEUE,                /* A receive queue of a NIC, drawn in a row
                                 * inside its box: 'dev' is the NIC,
                                 * 'count' the queue's index in the NIC's
                                 * order (as the trace numbers it), or -1
                                 * for a box counting the queues not
                                 * shown; 'label' its name ("q0", the VM
                                 * of a VMDq pool, a VF), 'sub' where its
                                 * interrupt goes ("core 5", "vCPU"). */
    GUI_N_IOMMU,                /* A host's IOMMU, in the hardware band
                                 * right of the NICs: 'dev' is the host,
                                 * 'count' its domains, listed inside
                                 * with the PCIe functions in each. */
};

struct gui_box {
    float x, y, w, h;
};

struct gui_node {
    enum gui_node_type type;
    int32_t dev;                /* Device shown; a backend's guest NIC; a
                                 * CPU's host; a folded thread box's first
                                 * thread; -1 for a fold group. */
    int32_t parent;             /* Enclosing node, or -1. */
    int32_t host;               /* Host panel node it belongs to, or -1. */
    struct gui_box box;
    char label[48];             /* The path's last part, or "+12 guests". */
    char sub[48];               /* Second line: the kind or a note. */
    int count;                  /* Fold: guests it stands for; thread:
                                 * threads (1 unless folded). */
    bool expanded;              /* Fold: the host's guests are all shown. */
};

/* A drawn line between two nodes: a cable or a link inside a host. */
struct gui_route {
    int32_t a, b;               /* Nodes at its ends. */
    uint8_t cable;
    uint8_t upcall;             /* From a switch up to a thread of its
                                 * user-space process: the slow path. */
    uint8_t control;            /* From a distributed switch to its part
                                 * on a host: one configuration, no
                                 * packets. */
    uint32_t n;                 /* Points in 'pts'. */
    float pts[8][2];            /* Polyline from a to b. */
};

/* A host's bands, for their captions. */
struct gui_band {
    int32_t host;               /* Host node. */
    float y0, y1;
    const char *caption;
};

struct gui_layout {
    const struct gui_scene *sc;
    struct gui_node *nodes;
    size_t n_nodes;
    int32_t *dev_node;          /* Per device: the node that shows it (after
                                 * folding; a hidden device maps to its
                                 * nearest shown ancestor), or -1. */
    int32_t *dev_back;          /* Per device: its backend node, or -1. */
    struct gui_route *routes;
    size_t n_routes;
    struct gui_band *bands;
    size_t n_bands;
    struct gui_box bounds;      /* Everything drawn. */
    bool compact;               /* Laid out for a quarter of a window
                                 * (compare mode): no caption column, a
                                 * narrower CPU column. */
    float title_h;              /* A host panel's title bar, taller when
                                 * compact. */
    void *paths;                /* Cache of travel paths (layout.c). */
};

/* Width, in world units, that the guests of all hosts may take before
 * they fold, shared among hosts that have guests, but never less than
 * room for three guests and the group. */
#define GUI_GUEST_ROW_BUDGET 800.0f
#define GUI_GUEST_ROW_MIN 560.0f

/* A host with at most this many guests shows them all, in rows, and
 * never folds them. */
#define GUI_GUEST_UNFOLDED 16

/* Width a row of a process's threads may take before the threads of a
 * job fold into one box ("handler0..63"). */
#define GUI_THREAD_ROW_BUDGET 800.0f

/* A NIC shows at most this many receive queue boxes; the last one
 * then counts the rest ("+60"). */
#define GUI_QUEUES_SHOWN 12

/* The caption of the user-space band. */
extern const char gui_band_user[];

/* Lays out 'sc' ('expanded[dev]' true for hosts whose folded guests are
 * shown; NULL for none).  'sc' must outlive the layout. */
struct gui_layout *gui_layout_new(const struct gui_scene *sc,
                                  const uint8_t *expanded);
void gui_layout_free(struct gui_layout *);

/* The same, 'compact' for compare mode: the bands' captions, too small
 * to read there, give their column back, and the CPU column is
 * narrower, so the picture is wider on screen for the same window. */
struct gui_layout *gui_layout_new_for(const struct gui_scene *sc,
                                      const uint8_t *expanded, bool compact);

/* The node where a packet at device 'dev' is drawn: 'host_side' selects
 * the backend of a guest NIC when it has one. */
int32_t gui_layout_node_of(const struct gui_layout *, uint32_t dev,
                           bool host_side);

/* The centre of what is node 'n''s own: the middle of its box, or for a
 * box holding others (a host, a guest, a switch with its ports) the
 * middle of its label.  A click there selects 'n'. */
void gui_layout_anchor(const struct gui_layout *, int32_t n, float *x,
                       float *y);

/* The innermost node under world point (x, y), or -1. */
int32_t gui_layout_hit(const struct gui_layout *, float x, float y);

/* A polyline a packet follows from node 'a' to node 'b': the drawn route
 * between them, or a chain of routes and parent links, or a straight
 * line.  Returns the number of points (>= 2) and sets '*pts' to them;
 * valid until the layout is freed. */
uint32_t gui_layout_path(struct gui_layout *, int32_t a, int32_t b,
                         const float (**pts)[2]);

/* True if the path from 'a' to 'b' runs along drawn lines and boxes;
 * false if nothing drawn joins them within four steps and a packet
 * going from one to the other is drawn jumping straight across. */
bool gui_layout_path_drawn(struct gui_layout *, int32_t a, int32_t b);

/* Where a packet waiting at node 'n' in position 'i' of its queue is
 * drawn, and how many positions the node has room for. */
void gui_layout_queue_slot(const struct gui_layout *, int32_t n, int i,
                           float *x, float *y);
int gui_layout_queue_room(const struct gui_layout *, int32_t n);

/* True if 'a' encloses 'b' (is its parent, or its parent's parent...). */
bool gui_layout_encloses(const struct gui_layout *, int32_t a, int32_t b);

#endif /* gui/layout.h */
