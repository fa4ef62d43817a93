/* sim/packet.h: packet buffers.
 *
 * A packet is a real Ethernet frame (no FCS) in a buffer with headroom in
 * front, so a VLAN tag, VN-Tag or tunnel header is pushed by moving 'data'
 * back instead of copying the frame.  The first cache line holds what the
 * per-hop path touches.
 *
 * The buffer is sized by the frame: it comes from one of a few size
 * classes (VH_PKT_CLASS_BYTES), from a 256-byte one that holds a minimum
 * frame and its tunnel headers to one for a 64 KiB TSO/GSO/GRO
 * super-frame.  vh_packet_alloc() gives room for a full-size standard
 * frame; vh_packet_alloc_room() for what the caller says; a clone takes the
 * smallest class its frame fits; vh_packet_put() and vh_packet_reserve()
 * move a frame that outgrows its buffer to a larger class.  Whoever writes
 * frame bytes directly at 'data' writes at most vh_packet_tailroom() +
 * 'len' bytes (asserted where the pool can see it).
 *
 * Packets and buffers come from a pool and always go back to the pool
 * they came from; the pool gives memory back when a flood's copies are
 * gone.  A packet has exactly one owner at a time: whoever holds the
 * pointer.  Handing a packet to a function that "takes" it transfers
 * ownership, and that function must eventually free it, deliver it, or
 * pass it on.  Flooding makes copies with vh_packet_clone(). */
#ifndef VH_PACKET_H
#define VH_PACKET_H 1

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/slab.h"
#include "sim/time.h"

#define VH_PKT_HEADROOM 128     /* Room for tags and tunnel headers in
                                 * front of every new frame. */
#define VH_PKT_DATAROOM 2048    /* Room of vh_packet_alloc(): the largest
                                 * standard frame plus pushed headers. */
#define VH_PKT_BUFSIZE (VH_PKT_HEADROOM + VH_PKT_DATAROOM)
#define VH_PKT_ROOM_JUMBO 9216  /* A 9000-byte MTU's frame (9018 bytes,
                                 * 9026 with two tags) and more tags. */
#define VH_PKT_ROOM_MAX 65792   /* A 64 KiB super-frame (TSO, GSO, GRO):
                                 * an IPv4 datagram of up to 65,535 bytes
                                 * behind its Ethernet header and tags. */

/* The buffer size classes, headroom included: a minimum frame, a small
 * one (ARP, TCP ACK, a VXLAN-wrapped minimum frame), a full-size standard
 * frame, a jumbo frame, a super-frame. */
#define VH_PKT_N_CLASSES 5
#define VH_PKT_CLASS_BYTES { 256, 512, VH_PKT_BUFSIZE, \
                             VH_PKT_HEADROOM + VH_PKT_ROOM_JUMBO, \
                             VH_PKT_HEADROOM + VH_PKT_ROOM_MAX }
#define VH_PKT_N_SLAB_CLASSES 3 /* The classes carved from slabs; larger
                                 * buffers are allocated one by one. */

#define VH_FLOW_NONE (-1)       /* Control frames (ARP) and replies' owner. */

struct vh_packet;
struct vh_pool;
struct vh_server;

/* A sending socket that wants to know when the device below is done with
 * its frames (TCP Small Queues): the kernel's skb->sk with its
 * destructor.  The socket adds a packet's bytes to 'wmem' as it hands it
 * down; vh_packet_orphan() takes them off and calls 'done', which must
 * not send from there (it may schedule an event that does).
 *
 * A driver that picks a TX queue by the sending core keeps the socket on
 * the queue it last used while any of its frames is still below it (the
 * kernel's sk_tx_queue_mapping, re-picked only when skb->ooo_okay): a
 * socket's frames never overtake each other in two queues. */
struct vh_tx_owner {
    void (*done)(struct vh_tx_owner *, uint32_t bytes);
    uint64_t wmem;              /* Bytes handed down, not yet done. */
    const void *txq_dev;        /* The device of the queue it last used, */
    int txq;                    /* and that queue. */
};

/* The TX queue 'p' goes out by on 'dev', where the driver would pick
 * 'pick': its socket's queue while frames of it are still below, else
 * 'pick', remembered. */
int vh_tx_owner_queue(struct vh_packet *p, const void *dev, int pick);

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
    uint8_t counted;            /* How many of its flow's 'sent' it
                                 * stands for: 1, or for a TCP super-frame
                                 * the segments it is on the wire (at
                                 * most OFFLOAD_MAX_SEGS, models/endpoint/
                                 * offload.h); 0 if it counts toward none
                                 * (clones made by flooding). */
    uint8_t live;               /* 1 from vh_packet_alloc() until
                                 * vh_packet_free(). */
    uint8_t request;            /* 1 for a TCP request/response flow's
                                 * request segment, whose 'seq' is then
                                 * the number of the transaction it
                                 * carries ('vhsim explain' follows it);
                                 * such a flow counts transactions, not
                                 * segments. */

    /* --- Cold. --- */
    struct vh_pool *pool;       /* Where vh_packet_free() returns it. */
    struct vh_pkt_meta md;      /* Copied by vh_packet_clone(). */
    void *family;               /* Shared by the copies that flooding made
                                 * of one logical packet, so its fate is
                                 * counted once (models/core/acct.h); NULL for
                                 * a packet that was never copied.  Copied
                                 * by vh_packet_clone(). */
    struct vh_tx_owner *owner;  /* Its sending socket until a TX ring
                                 * completes it or it is freed, or NULL;
                                 * not copied by vh_packet_clone(). */
    uint32_t owner_bytes;       /* What it counts in the owner's tally. */
    uint32_t wire_ns;           /* The longest a cable took to serialize
                                 * it so far, in ns rounded up: its time
                                 * on the slowest link of its path (the
                                 * report's bound on a flow's rate). */

    /* --- The buffer: everything above is metadata, below is not. --- */
    uint8_t *buf;               /* Start of the buffer, headroom included. */
    uint32_t cap;               /* Its size in bytes. */
    uint8_t buf_class;          /* Its index in VH_PKT_CLASS_BYTES. */
};

struct vh_pool {
    uint64_t next_id;           /* Id of the next packet handed out. */
    uint64_t live;              /* Packets handed out and not yet freed. */
    struct vh_slab_cache packets;   /* struct vh_packet. */
    struct vh_slab_cache bufs[VH_PKT_N_SLAB_CLASSES];
    size_t big_bytes;           /* Bytes in larger buffers, each malloc'ed
                                 * and freed with its packet. */
};

void vh_pool_init(struct vh_pool *);

/* Tells 'p''s owner, if it has one, that the device is done with it,
 * and forgets the owner (the kernel's skb_orphan()).  A TX ring does this
 * when it completes the packet's descriptor; vh_packet_free() does it for
 * a packet that never reached one. */
void vh_packet_orphan(struct vh_packet *);

/* Frees every slab and buffer.  Packets still live become invalid. */
void vh_pool_destroy(struct vh_pool *);

/* Calls 'fn(p, ctx)' for every packet handed out and not yet freed, in
 * no particular order.  It walks the slabs the packets come from, marked
 * one by one as they are handed out and freed: meant for checks at the
 * end of a run, which count what is really held rather than trust the
 * counters kept along the way. */
void vh_pool_foreach_live(const struct vh_pool *,
                          void (*fn)(const struct vh_packet *, void *),
                          void *ctx);

/* Bytes of memory the pool holds now: packets and buffers, in use or
 * ready for reuse. */
size_t vh_pool_bytes(const struct vh_pool *);

/* A fresh packet whose frame can grow to 'room' bytes (at most
 * VH_PKT_ROOM_MAX) with VH_PKT_HEADROOM bytes in front: the smallest
 * buffer class that holds them.  len 0, data at the headroom mark, flow
 * VH_FLOW_NONE, a new id, every other metadata field zero.  Never fails
 * (aborts with a message when memory is exhausted). */
struct vh_packet *vh_packet_alloc_room(struct vh_pool *, uint32_t room);

/* A fresh packet with room for a full-size standard frame and the tags
 * and headers pushed on it (VH_PKT_DATAROOM). */
static inline struct vh_packet *
vh_packet_alloc(struct vh_pool *pool)
{
    return vh_packet_alloc_room(pool, VH_PKT_DATAROOM);
}

/* Returns 'p' and its buffer to its pool.  NULL is allowed. */
void vh_packet_free(struct vh_packet *p);

/* A copy of 'p' (bytes and metadata, except a new id and 'counted' = 0)
 * from the same pool, with as much headroom, in the smallest buffer class
 * that holds that headroom and the frame (at least a minimum frame). */
struct vh_packet *vh_packet_clone(const struct vh_packet *p);

/* Bytes available in front of 'data'. */
static inline size_t vh_packet_headroom(const struct vh_packet *p)
{
    return (size_t) (p->data - p->buf);
}

/* Bytes available after the frame's last byte. */
static inline size_t vh_packet_tailroom(const struct vh_packet *p)
{
    return (size_t) (p->buf + p->cap - (p->data + p->len));
}

/* Makes sure that at least 'head' bytes are free in front of the frame
 * and 'tail' bytes after it, moving the frame within its buffer or to a
 * larger class when they are not (a frame moved to a larger class gets
 * at least VH_PKT_HEADROOM in front).  'data' may change: pointers into
 * the frame taken before are stale after.  The frame and its metadata
 * are unchanged. */
void vh_packet_reserve(struct vh_packet *p, uint32_t head, uint32_t tail);

/* Reserves 'n' bytes at the end of the frame and returns a pointer to
 * them, moving the frame to a larger buffer class first when it does not
 * have the room (see vh_packet_reserve()). */
static inline uint8_t *
vh_packet_put(struct vh_packet *p, uint32_t n)
{
    if (n > vh_packet_tailroom(p)) {
        vh_packet_reserve(p, 0, n);
    }
    uint8_t *tail = p->data + p->len;
    p->len += n;
    return tail;
}

/* Prepends 'n' bytes (a tag or tunnel header) in the headroom and returns
 * the new start of the frame.  The caller guarantees the headroom exists
 * (asserted); vh_packet_reserve() makes it. */
uint8_t *vh_packet_push(struct vh_packet *p, uint32_t n);

/* Removes 'n' bytes from the front of the frame. */
uint8_t *vh_packet_pull(struct vh_packet *p, uint32_t n);

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
