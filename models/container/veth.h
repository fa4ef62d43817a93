/* models/container/veth.h: a veth pair, the cable between two network
 * namespaces.
 *
 * A veth pair is two Ethernet devices joined back to back: what one end
 * transmits, the other receives.  There is no queue and no thread in
 * between: the sending end's transmit (veth_xmit) puts the frame on the
 * receiving CPU's backlog, and the NET_RX softirq of the same core takes
 * it from there, so a frame crosses on the core that sent it, inside the
 * same softirq (or the same system call) that sent it.  Its price is
 * 'veth_xmit' on the sending side and 'netif_receive' on the receiving
 * one, as 'softirq' on the carrying core; both are counted in the
 * container's ledger, whose namespace the pair serves.
 *
 * Docker puts one end in the container ("HOST/NAME/eth0") and enslaves
 * the other, in the host's namespace ("HOST/vethXXXXXXX"), to the
 * network's bridge.  Each end is a capture point: a frame is seen
 * leaving the end that sends it and arriving at the other.  An end is
 * listed in the report's devices once it has carried a packet of a flow,
 * so that a thousand idle containers (that only saw ARP broadcasts) do
 * not fill the list. */
#ifndef VH_MODELS_VETH_H
#define VH_MODELS_VETH_H 1

#include <stddef.h>
#include <stdint.h>

#include "models/core/port.h"
#include "sim/device.h"

struct host;
struct veth;
struct world;

struct veth_end {
    /* What a frame through the pair reads and writes of each end, in its
     * first two lines (the pair starts a line, and an end is three):
     * with many containers each end is cold at the next packet. */
    struct port port;           /* Joined to what sits on its side: a
                                 * stack, or a bridge port. */
    struct veth_end *other;     /* The pair's other end. */
    uint64_t *cycles;           /* The container's ledger, or NULL. */
    struct vh_device dev;       /* Its counters first. */
    int side;                   /* 0 or 1: the end of its pair
                                 * (veth_of()). */
};

struct veth {
    struct veth_end end[2];     /* [0]: registered first, frees the pair. */
    struct host *host;
};

_Static_assert(sizeof(struct veth_end) % 64 == 0
               && offsetof(struct veth_end, dev.report) < 128
               && offsetof(struct veth, end) == 0,
               "each end's hot fields are its first two lines");

/* Makes a pair: end 0 is 'name0' within 'parent0', end 1 'name1' within
 * 'parent1'; their work is counted in 'cycles' (per category; may be
 * NULL).  The world frees it with its devices. */
struct veth *veth_create(struct world *, struct host *,
                         const struct vh_device *parent0, const char *name0,
                         const struct vh_device *parent1, const char *name1,
                         uint64_t *cycles);

extern const struct dev_class veth_class;

#endif /* models/container/veth.h */
