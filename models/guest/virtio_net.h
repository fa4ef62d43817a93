/* models/guest/virtio_net.h: a virtio-net vNIC and its backends.
 *
 * The guest driver and the backend share rings in guest memory: per
 * queue pair, a TX virtqueue the guest fills and an RX virtqueue of empty
 * buffers the guest posts.  Each side tells the other when it needs to be
 * told (event index): the guest kicks the backend only if the backend
 * asked for a kick, and the backend interrupts the guest only if the
 * guest asked for an interrupt.  A side busy with the ring asks for
 * nothing, so batching emerges from the timing.
 *
 * Guest to host: the driver (on the sending vCPU, as 'guest') puts the
 * frame in a TX virtqueue and, if the backend wants a kick, writes the
 * notify register: a VM exit, which KVM turns into an eventfd signal
 * (ioeventfd) without leaving the kernel.  Host to guest: the backend
 * copies a frame into a posted buffer and, if the guest has interrupts
 * on, signals the queue's irqfd; the vCPU that the queue's vector targets
 * exits to take the interrupt (no posted interrupts), then runs NAPI with
 * interrupts off until the used ring is empty.
 *
 * A full TX virtqueue stops the guest's queue: frames wait in the guest's
 * qdisc (models/core/qdisc.h) and move to the ring as the backend takes
 * frames, which is also when the sending socket hears that a frame is
 * done (TCP Small Queues).
 *
 * The backends ("backend" in the scenario):
 *   vhost-net   a kernel worker thread per queue pair, on its own core.
 *               Woken by the kick's eventfd or by the tap, it copies frames
 *               out of guest memory into the tap (the host stack) and from
 *               the tap into guest buffers, then signals the irqfd.
 *   qemu        QEMU's main loop thread (models/guest/qemu.h), shared by the
 *               VM's devices.  The kick's eventfd wakes it from ppoll();
 *               it reads the eventfd, pops each element and writes the
 *               frame to the tap with a system call (tun copies it out of
 *               guest memory).  From the tap it reads each frame with a
 *               system call into its own buffer, copies it into a guest
 *               buffer, and signals the irqfd with an eventfd write.
 *   vhost-user  the virtqueues belong to a user-space switch
 *               (models/hostnet/ovs_dpdk.h) that polls them: the guest is
 *               never asked to kick (no TX exits); the switch copies frames out
 *               of and into guest memory and writes the callfd only when
 *               the guest has interrupts on.
 *
 * Multi-queue ("queues" N): N queue pairs.  The guest picks a TX queue by
 * the flow's hash; the tap picks the RX queue by the same kind of hash
 * (tun's automatic queue selection), so a flow stays on one queue.  With
 * vhost-net each queue pair has its own worker; queue i's interrupt goes
 * to vCPU i modulo the vCPUs, and its NAPI runs there.  The hash is a
 * fixed mix of the 5-tuple as RSS reads it (vh_frame_flow_for_hash in
 * sim/flow6.h: past a VLAN tag, no ports in a fragment, an IPv6 address
 * folded to 32 bits), standing in for the kernel's flow-dissector hash,
 * whose seed is random at boot; frames that are not IP (ARP) use queue
 * 0.  The guest's choice follows the hash
 * (skb_tx_hash), not XPS. */
#ifndef VH_MODELS_VIRTIO_NET_H
#define VH_MODELS_VIRTIO_NET_H 1

#include <stdbool.h>
#include <stdint.h>

#include "models/core/config.h"
#include "models/hw/cpu.h"
#include "models/core/port.h"
#include "models/core/qdisc.h"
#include "sim/device.h"
#include "sim/packet.h"

struct host;
struct vm;
struct world;
struct hthread;
struct virtio_net;

/* One queue pair. */
struct vnet_queue {
    struct virtio_net *vn;
    int index;
    struct cpu_core *vcpu;      /* Takes this queue's interrupt, runs its
                                 * NAPI. */
    struct hthread *thread;     /* vhost worker (its own) or QEMU's main
                                 * loop (shared); NULL for vhost-user. */

    /* TX virtqueue. */
    struct vh_pktq txq;         /* Available, not yet taken. */
    struct qdisc qdisc;         /* The guest's, while the ring is full. */
    vh_time_t tx_post_at;       /* When the guest's last frame reaches
                                 * the ring. */
    bool tx_notify;             /* The backend wants a kick. */
    bool tx_kicked;             /* QEMU: a kick's eventfd not yet read. */

    /* RX side. */
    struct vh_pktq tapq;        /* The tap queue's frames (txqueuelen). */
    uint32_t rx_free;           /* Empty buffers posted by the guest. */
    struct vh_pktq usedq;       /* Filled, not yet seen by the guest. */
    bool guest_irq_on;          /* The guest wants an interrupt. */
    enum cpu_cat irq_by_cat;    /* What signalling it counted as. */
    uint32_t napi_budget;       /* Left in the guest's current poll. */
    bool backend_wants_buffers; /* Stopped for lack of buffers: the
                                 * guest's refill kicks. */
};

struct virtio_net {
    struct vh_device dev;       /* "host1/vm1/eth0". */
    /* What every frame reads, beside the device's counters: with
     * thousands of guests each is cold by its next frame. */
    struct vnet_queue *q;
    int n_queues;
    enum cfg_backend backend;
    bool link_up;               /* Carrier as the guest sees it. */
    bool stopped;               /* The VM is stopped (migrating): the
                                 * backend does not serve the rings. */
    uint32_t ring;              /* Virtqueue size. */
    struct host *host;
    struct vm *vm;
    const struct cfg_vnic *cfg;
    struct cpu_core *vcpu;      /* Where the driver runs by default. */
    struct port guest;          /* To the guest's endpoint. */
    struct port tap;            /* The tap (tap backends), into a bridge. */

    /* vhost-user: the switch that polls the TX virtqueues is told when
     * one that was empty gets a frame, standing for its next poll seeing
     * it (the switch decides when that is). */
    void (*vu_ready)(struct world *, void *ctx, struct virtio_net *, int q);
    void *vu_ctx;
};

_Static_assert(offsetof(struct virtio_net, guest) % 64 + PORT_HOT_BYTES <= 64
               && offsetof(struct virtio_net, tap) % 64 + PORT_HOT_BYTES
                  <= 64,
               "each of a virtio NIC's ports reads one line per frame "
               "(the NIC starts a line)");

struct virtio_net *virtio_net_create(struct world *, struct host *,
                                     struct vm *, struct vh_device *vm_dev,
                                     const struct cfg_vnic *,
                                     struct cpu_core *vcpu);
void virtio_net_free(struct virtio_net *);

extern const struct dev_class virtio_net_class;

/* The queue a frame's flow maps to among 'n' (see above). */
int vnet_flow_queue(const struct vh_packet *, int n);

/* --- For a vhost-user switch. --- */

void virtio_net_set_poller(struct virtio_net *,
                           void (*ready)(struct world *, void *ctx,
                                         struct virtio_net *, int q),
                           void *ctx);

/* Frames waiting in TX virtqueue 'q', and the next of them (NULL if
 * none); the switch charges its own work for taking it. */
uint32_t virtio_net_vu_tx_pending(const struct virtio_net *, int q);
struct vh_packet *virtio_net_vu_tx_take(struct virtio_net *, int q);

/* Takes an empty guest buffer of RX virtqueue 'q' for a frame the switch
 * is about to copy.  Returns NULL, or why it cannot ("link-down",
 * "rx-vring-full": the guest posted no buffer). */
const char *virtio_net_vu_rx_take(struct virtio_net *, int q);

/* The switch finished copying 'p' into the buffer it took: the used entry
 * becomes visible, and if the guest has interrupts on the switch writes
 * the callfd from 'core' (eventfd_signal, then KVM's irqfd injection,
 * charged as 'cat'), and the vCPU exits to take it. */
void virtio_net_vu_rx_done(struct world *, struct virtio_net *, int q,
                           struct vh_packet *p, struct cpu_core *core,
                           enum cpu_cat cat);

#endif /* models/guest/virtio_net.h */
