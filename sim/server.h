/* sim/server.h: a first-come first-served resource.
 *
 * CPU cores, DMA engines, PCIe links and wires are all servers: a job asks
 * for some service time, starts when the server is free, and holds it until
 * done.  Because jobs on one server never overtake each other, the server
 * needs no queue of its own: it remembers when it will next be free, and
 * the model schedules its completion event at the returned time.  Queues
 * with limits (rings, socket buffers) are the models' business. */
#ifndef VH_SERVER_H
#define VH_SERVER_H 1

#include "sim/time.h"

struct vh_server {
    vh_time_t free_at;          /* When the last accepted job ends. */
    vh_time_t busy;             /* Total service time accepted. */
};

static inline void vh_server_init(struct vh_server *s)
{
    s->free_at = 0;
    s->busy = 0;
}

/* Accepts a job of 'service' at time 'now'; returns when it finishes. */
static inline vh_time_t
vh_server_take(struct vh_server *s, vh_time_t now, vh_time_t service)
{
    vh_time_t start = s->free_at > now ? s->free_at : now;
    s->free_at = start + service;
    s->busy += service;
    return s->free_at;
}

/* When a job accepted now would start. */
static inline vh_time_t
vh_server_start_time(const struct vh_server *s, vh_time_t now)
{
    return s->free_at > now ? s->free_at : now;
}

#endif /* sim/server.h */
