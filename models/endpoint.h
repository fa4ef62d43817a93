/* models/endpoint.h: the network stack of a guest or a bare-metal host.
 *
 * An endpoint owns one IPv4 address on one interface.  It resolves
 * neighbours with ARP before its first IP packet to them, holding packets
 * meanwhile and asking again every second, three times, before the held
 * packets fail ("arp-failed"), as Linux does.  It answers ARP requests
 * and ICMP echo requests,
 * and is where a flow's packets are created and delivered.  Its work is
 * charged to the core it runs on: the vCPU for a guest (as 'guest'), or for
 * a bare-metal host the application's core on transmit ('app') and the
 * receive core ('softirq'). */
#ifndef VH_MODELS_ENDPOINT_H
#define VH_MODELS_ENDPOINT_H 1

#include <stddef.h>
#include <stdint.h>

#include "models/cpu.h"
#include "models/port.h"
#include "sim/device.h"
#include "sim/event.h"
#include "sim/frame.h"
#include "sim/packet.h"

struct host;
struct world;
struct flow_stats;

struct arp_entry {
    struct endpoint *ep;
    uint32_t ip;
    struct vh_mac mac;
    bool resolved;
    int tries;                  /* Requests sent for this resolution. */
    struct vh_timer retry;      /* Next request, or giving up. */
    struct vh_pktq pending;     /* Waiting for the answer. */
};

struct endpoint {
    struct vh_device *dev;      /* The interface ("host1/vm1/eth0"). */
    const char *owner_path;     /* The VM or host ("host1/vm1"). */
    struct host *host;
    struct port port;           /* Joined to the interface's driver. */
    struct vh_mac mac;
    uint32_t ip;
    uint32_t netmask;
    struct cpu_core *app_core;
    enum cpu_cat app_cat;
    enum cpu_cat rx_cat;
    uint16_t next_ip_id;
    struct arp_entry **arp;     /* Stable addresses: timers point here. */
    size_t n_arp;
    uint64_t arp_requests;      /* ARP requests sent. */
};

/* Creates an endpoint on interface 'dev' of 'owner_path'.  The caller
 * joins ep->port to the interface. */
struct endpoint *endpoint_create(struct host *, struct vh_device *dev,
                                 const char *owner_path,
                                 const struct vh_mac *mac, uint32_t ip,
                                 int prefix, struct cpu_core *app_core,
                                 enum cpu_cat app_cat, enum cpu_cat rx_cat);
void endpoint_free(struct endpoint *);

/* The application sends packet number 'seq' of flow 'fs' to 'dst_ip'. */
void endpoint_send(struct world *, struct endpoint *, struct flow_stats *fs,
                   uint64_t seq);

#endif /* models/endpoint.h */
