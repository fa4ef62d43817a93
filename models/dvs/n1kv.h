/* models/dvs/n1kv.h: the Nexus 1000V flavour of the distributed switch:
 * its supervisor (VSM) and the control traffic between it and each
 * host's module (VEM, the switch's local part there).
 *
 * Cisco's Nexus 1000V splits the switch as a chassis splits into a
 * supervisor and line cards: the Virtual Supervisor Module, a VM of its
 * own ("vsm", any traffic endpoint of the scenario), holds the
 * configuration (the port profiles, which are the port groups here) and
 * the Virtual Ethernet Module on each host switches the frames.  They
 * talk over the hosts' management network in Layer 3 mode ("svs mode
 * L3"): UDP datagrams to port 4785 between the VSM's address and each
 * host's management address (its first NIC with an "ip" that is not an
 * uplink).  vhsim sends the two exchanges a capture shows there:
 *
 *   heartbeat     each VEM to the VSM when the run starts and every
 *                 N1KV_HEARTBEAT (the VSM declares a VEM lost after six
 *                 missed ones); the VSM answers each;
 *   port attach   a VEM to the VSM when a VM's port comes up on it (at
 *                 the start, and on the destination when the VM
 *                 migrates): the VSM answers with the port profile the
 *                 port gets.
 *
 * The datagrams' bytes (N1KV_MAGIC, a type, a sequence number, then the
 * host's and the port's names as text) are vhsim's own: Cisco's AIPC
 * format is not published.  Both ends' work is the host stack's UDP
 * (endpoint_send_udp): the VEM's charged as 'vswitch' on the host's
 * first core, the VSM's as its application. */
#ifndef VH_MODELS_N1KV_H
#define VH_MODELS_N1KV_H 1

#include <stdint.h>

#include "sim/time.h"

struct dvs_local;
struct dvs_port;
struct dvswitch;
struct report_out;
struct world;

#define N1KV_PORT 4785                  /* Layer 3 control's UDP port. */
#define N1KV_HEARTBEAT (1 * VH_SEC)
#define N1KV_MAGIC 0x4e314b56u          /* "N1KV". */

enum n1kv_msg {
    N1KV_HEARTBEAT_REQ = 1,
    N1KV_HEARTBEAT_ACK = 2,
    N1KV_PORT_ATTACH = 3,
    N1KV_PORT_PROFILE = 4,
};

/* What one end has sent and received. */
struct n1kv_stats {
    uint64_t heartbeats_tx, heartbeats_rx;
    uint64_t attach_tx, attach_rx;
    uint64_t profiles_tx, profiles_rx;
};

/* Starts the VEM of local part 'lp' (the switch is of flavour n1kv):
 * binds its management address's control port, and heartbeats from
 * the run's start.  The supervisor starts with the first VEM. */
void n1kv_vem_start(struct world *, struct dvs_local *lp);

/* Port 'dp' came up on 'lp': the VEM tells the VSM. */
void n1kv_port_attach(struct world *, struct dvs_local *lp,
                      const struct dvs_port *dp);

/* The report's "vsm" of a local part, and of the switch. */
void n1kv_vem_report(const struct dvs_local *lp, struct report_out *);
void n1kv_vsm_report(const struct dvswitch *sw, struct report_out *);

#endif /* models/dvs/n1kv.h */
