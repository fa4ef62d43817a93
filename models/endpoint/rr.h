/* models/endpoint/rr.h: request/response over UDP, as netperf's UDP_RR.
 *
 * The client (the flow's source) sends a request of 'size' and waits for
 * the reply of 'response_size' before sending the next; with 'burst' it
 * keeps that many transactions outstanding.  The server's application
 * receives each request and sends the reply from its own socket.  A
 * request is the flow's packet (its 'sent'); the reply that comes back
 * completes the transaction ('delivered', and 'latency_ns' is the time
 * from the request's send call to the reply's receive).  As with netperf,
 * a request or reply that is lost is counted as dropped and its
 * transaction never completes: that slot stays idle to the end.
 *
 * Over TCP the same exchange runs on the flow's connection
 * (models/endpoint/tcp.h). */
#ifndef VH_MODELS_RR_H
#define VH_MODELS_RR_H 1

#include <stdbool.h>

struct world;
struct endpoint;
struct flow_stats;
struct vh_packet;

/* Starts UDP flow 'fs''s transactions at its start. */
void rr_udp_start(struct world *, struct flow_stats *fs);

/* Application 'app' received UDP packet 'p' of an rr flow: the server
 * answers, the client completes a transaction and starts the next.
 * Returns false, taking nothing, if 'p' is not an rr flow's. */
bool rr_udp_input(struct world *, struct endpoint *app, struct vh_packet *p);

#endif /* models/endpoint/rr.h */
