/* models/virtio_net.h: a virtio-net vNIC with the vhost-net backend.
 *
 * Guest to host: the guest driver puts the frame in the TX virtqueue (on
 * the vCPU, as 'guest') and, if the backend asked to be notified, kicks it:
 * a write to the notify register that exits to the hypervisor (a VM exit;
 * KVM signals the vhost worker's eventfd without leaving the kernel).  The
 * vhost worker, a host kernel thread, wakes up, copies the frame out of
 * guest memory and pushes it through the tap device into the host stack
 * (here, a bridge), all on its own core.  While it is awake it has
 * notifications off, so a guest sending faster than one kick per frame
 * needs fewer exits: batching emerges from the timing.
 *
 * Host to guest: the bridge hands the frame to the tap, whose queue wakes
 * the worker; the worker copies it into a buffer the guest posted in the
 * RX virtqueue and, if the guest has interrupts on, injects a virtual
 * interrupt (irqfd).  Without posted interrupts that interrupt makes the
 * vCPU exit; the guest then runs its NAPI poll with interrupts off until
 * the used ring is empty, refilling buffers as it goes. */
#ifndef VH_MODELS_VIRTIO_NET_H
#define VH_MODELS_VIRTIO_NET_H 1

#include <stdbool.h>
#include <stdint.h>

#include "models/config.h"
#include "models/port.h"
#include "sim/device.h"
#include "sim/packet.h"

struct host;
struct vm;
struct cpu_core;
struct world;

struct virtio_net {
    struct vh_device dev;       /* "host1/vm1/eth0". */
    struct host *host;
    struct vm *vm;
    const struct cfg_vnic *cfg;
    struct cpu_core *vcpu;      /* Where the guest driver runs. */
    struct cpu_core *worker;    /* Where the vhost worker runs. */
    struct port guest;          /* To the guest's endpoint. */
    struct port tap;            /* The tap device, into a bridge. */
    uint32_t ring;              /* Virtqueue size. */
    bool link_up;               /* Carrier as the guest sees it. */

    /* TX virtqueue. */
    struct vh_pktq txq;         /* Available, not yet taken by vhost. */
    bool tx_notify;             /* Backend wants a kick. */

    /* RX path. */
    struct vh_pktq tapq;        /* The tap's queue (txqueuelen). */
    uint32_t rx_free;           /* Empty buffers posted by the guest. */
    struct vh_pktq usedq;       /* Filled, not yet seen by the guest. */
    bool guest_irq_on;          /* Guest wants an interrupt. */
    uint32_t napi_budget;       /* Left in the guest's current poll. */
    bool worker_wants_buffers;  /* Worker stopped for lack of buffers. */

    /* vhost worker. */
    bool worker_awake;
    bool worker_turn_rx;        /* Alternates TX and RX for fairness. */
};

struct virtio_net *virtio_net_create(struct world *, struct host *,
                                     struct vm *, struct vh_device *vm_dev,
                                     const struct cfg_vnic *,
                                     struct cpu_core *vcpu);
void virtio_net_free(struct virtio_net *);

#endif /* models/virtio_net.h */
