/* sim/packet.h: packet buffers.
 *
 * A packet is a real Ethernet frame (no FCS) in a fixed-size buffer with
 * headroom in front, so a VLAN tag, VN-Tag or tunnel header is pushed by
 * moving 'data' back instead of copying the frame.  The first cache line
 * holds what the per-hop path touches.
 *
 * Buffers come from a pool and always go back to the pool they came from.
 * A packet has exactly one owner at a time: whoever holds the pointer.
 * Handing a packet to a function that "takes" it transfers ownership, and
 * that function must eventually free it, deliver it, or pass it on.
 * Flooding makes copies with vh_packet_clone(). */
#ifndef VH_PACKET_H
#define VH_PACKET_H 1

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/time.h"

#define VH_PKT_HEADROOM 128     /* Room for tags and tunnel headers. */
#define VH_PKT_DATAROOM 2048    /* Largest frame plus pushed headers. */
#define VH_PKT_BUFSIZE (VH_PKT_HEADROOM + VH_PKT_DATAROOM)
/* A TCP super-frame (TSO, GSO, GRO) is at most 64 KiB of IPv4 packet
 * (Linux's gso_max_size) behind its Ethernet header and a tag. */
#define VH_PKT_MAX_DATAROOM ((64u << 10) + 64)

#define VH_FLOW_NONE (-1)       /* Control frames (ARP) and replies' owner. */

struct vh_pool;
struct vh_server;

/* What the devices a packet crossed decided about it, kept beside its
 * bytes (Open vSwitch's flow metadata, the kernel's skb fields): a device
 * reads it instead of parsing again, and a tunnel or tag pushed on the
 * bytes has its parameters here.  Zero means "not set". */
struct vh_pkt_meta {
    uint16_t vlan;              /* VLAN a VLAN-aware switching device
                                 * classified the frame into. */
    uint32_t tun_key;           /* Tunnel key (VXLAN VNI, NVGRE VSID, GRE
                                 * key) it arrived by or is to leave by. */
    uint32_t tun_src;           /* The tunnel's outer IPv4 endpoints, */
    uint32_t tun_dst;           /* host order. */
    uint32_t recirc_id;         /* Pass through a flow pipeline (OVS
                                 * recirculation); 0 is the first. */
    uint32_t mark;              /* A mark that rules set and match (the
                                 * kernel's skb->mark, OVS pkt_mark). */
    uint32_t priority;          /* The egress queue a switch chose (the
                                 * kernel's skb->priority, OVS's
                                 * set_queue). */
    uint16_t gso_size;          /* A TCP super-frame (TSO, GSO, GRO): the
                                 * payload of each segment it stands for
                                 * (the kernel's skb_shinfo()->gso_size). */
};

struct vh_packet {
    /* --- First cache line: touched on every hop. --- */
    uint8_t *data;              /* First byte of the Ethernet header. */
    uint32_t len;               /* Frame length in bytes, without FCS. */
    int32_t flow;               /* traffic[] index, or VH_FLOW_NONE. */
    uint64_t id;                /* Unique per run, in creation order. */
    uint64_t seq;               /* Sequence number within its flow. */
    vh_time_t born;             /* When the sending application made it. */
    struct vh_server *exec;     /* CPU (as a server) now carrying it in
                                 * software, or NULL while in hardware or
                                 * on a wire.  Software hops charge here. */
    struct vh_packet *next;     /* Link in a vh_pktq or the free list. */
    uint16_t hops;              /* Hops taken so far. */
    uint16_t in_port;           /* Model-defined ingress port index. */
    uint8_t is_reply;           /* 1 for an echo reply (counts for the
                                 * requesting flow's RTT). */
    uint8_t counted;            /* 1 if it counts toward its flow's 'sent'
                                 * (clones made by flooding do not). */
    uint8_t live;               /* 1 from vh_packet_alloc() until
                                 * vh_packet_free(). */

    /* --- Cold. --- */
    struct vh_pool *pool;       /* Where vh_packet_free() returns it. */
    struct vh_pkt_meta md;      /* Copied by vh_packet_clone(). */
    void *family;               /* Shared by the copies that flooding made
                                 * of one logical packet, so its fate is
                                 * counted once (models/core/acct.h); NULL for
                                 * a packet that was never copied.  Copied
                                 * by vh_packet_clone(). */
    uint32_t room;              /* Bytes of 'buf' after the headroom:
                                 * VH_PKT_DATAROOM, or for a buffer from
                                 * vh_packet_alloc_room() that needed
                                 * more, VH_PKT_MAX_DATAROOM (the buffer
                                 * then extends past the declared 'buf'). */
    uint8_t buf[VH_PKT_BUFSIZE];
};

struct vh_pool {
    struct vh_packet *free;     /* Free list. */
    uint64_t next_id;           /* Id of the next packet handed out. */
    uint64_t live;              /* Packets handed out and not yet freed. */
    uint64_t allocated;         /* Packets ever malloc'ed by this pool. */
    void **slabs;               /* Slabs, freed by vh_pool_destroy(). */
    size_t n_slabs;
    struct vh_packet *big_free; /* Free list of large buffers. */
    struct vh_packet **bigs;    /* Every large buffer, for destroy. */
    size_t n_bigs;
};

void vh_pool_init(struct vh_pool *);

/* Frees every slab.  Packets still live become invalid. */
void vh_pool_destroy(struct vh_pool *);

/* Calls 'fn(p, ctx)' for every packet handed out and not yet freed, in
 * no particular order.  It visits every buffer the pool ever allocated:
 * meant for checks at the end of a run, which count what is really held
 * rather than trust the counters kept along the way. */
void vh_pool_foreach_live(const struct vh_pool *,
                          void (*fn)(const struct vh_packet *, void *),
                          void *ctx);

/* A fresh packet: len 0, data at the headroom mark, flow VH_FLOW_NONE, a new
 * id, every other metadata field zero.  Never fails (aborts with a message
 * when memory is exhausted). */
struct vh_packet *vh_packet_alloc(struct vh_pool *);

/* As vh_packet_alloc(), with room for a frame of 'room' bytes, at most
 * VH_PKT_MAX_DATAROOM (a super-frame); 'room' up to VH_PKT_DATAROOM takes
 * an ordinary buffer. */
struct vh_packet *vh_packet_alloc_room(struct vh_pool *, uint32_t room);

/* Returns 'p' to its pool.  NULL is allowed. */
void vh_packet_free(struct vh_packet *p);

/* A copy of 'p' (bytes and metadata, except a new id and 'counted' = 0)
 * from the same pool, in a buffer as large. */
struct vh_packet *vh_packet_clone(const struct vh_packet *p);

/* Reserves 'n' bytes at the end of the frame and returns a pointer to
 * them.  The caller guarantees the room exists (asserted). */
static inline uint8_t *
vh_packet_put(struct vh_packet *p, uint32_t n)
{
    assert(n <= (size_t) (p->buf + VH_PKT_HEADROOM + p->room
                          - (p->data + p->len)));
    uint8_t *tail = p->data + p->len;
    p->len += n;
    return tail;
}

/* Prepends 'n' bytes (a tag or tunnel header) in the headroom and returns
 * the new start of the frame. */
uint8_t *vh_packet_push(struct vh_packet *p, uint32_t n);

/* Removes 'n' bytes from the front of the frame. */
uint8_t *vh_packet_pull(struct vh_packet *p, uint32_t n);

/* Bytes available in front of 'data'. */
static inline size_t vh_packet_headroom(const struct vh_packet *p)
{
    return (size_t) (p->data - p->buf);
}

/* A FIFO of packets linked through 'next', with an optional limit.  Used
 * for rings, socket queues and switch port buffers. */
struct vh_pktq {
    struct vh_packet *head;
    struct vh_packet *tail;
    uint32_t count;
    uint32_t limit;             /* 0 = unlimited. */
};

static inline void vh_pktq_init(struct vh_pktq *q, uint32_t limit)
{
    q->head = q->tail = NULL;
    q->count = 0;
    q->limit = limit;
}

static inline bool vh_pktq_full(const struct vh_pktq *q)
{
    return q->limit && q->count >= q->limit;
}

/* Appends 'p'.  The caller checks vh_pktq_full() first; a full queue is a
 * drop decision for the model, not for the queue. */
static inline void vh_pktq_push(struct vh_pktq *q, struct vh_packet *p)
{
    p->next = NULL;
    if (q->tail) {
        q->tail->next = p;
    } else {
        q->head = p;
    }
    q->tail = p;
    q->count++;
}

/* Removes and returns the head, or NULL when empty. */
static inline struct vh_packet *vh_pktq_pop(struct vh_pktq *q)
{
    struct vh_packet *p = q->head;
    if (p) {
        q->head = p->next;
        if (!q->head) {
            q->tail = NULL;
        }
        q->count--;
        p->next = NULL;
    }
    return p;
}

/* Frees every queued packet, returning how many there were. */
uint32_t vh_pktq_purge(struct vh_pktq *q);

#endif /* sim/packet.h */
