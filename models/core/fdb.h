/* models/core/fdb.h: a learning bridge's forwarding database.
 *
 * Maps (MAC, VLAN) to the port a frame from that address last came in on,
 * with the time it was last seen.  Entries older than the ageing time are
 * treated as absent (and overwritten), as a real bridge's ageing timer
 * would have removed them; nothing runs periodically. */
#ifndef VH_MODELS_FDB_H
#define VH_MODELS_FDB_H 1

#include <stdint.h>

#include "sim/frame.h"
#include "sim/time.h"

struct fdb_entry {
    uint64_t key;               /* MAC (48 bits) | VLAN << 48; 0 = empty. */
    int port;
    vh_time_t seen;
};

struct fdb {
    struct fdb_entry *slots;    /* Open addressing, linear probing. */
    uint32_t mask;              /* Slots - 1 (a power of two). */
    uint32_t used;
    vh_time_t ageing;
    uint64_t learned;           /* Times a new or moved address was learned. */
};

void fdb_init(struct fdb *, vh_time_t ageing);
void fdb_destroy(struct fdb *);

/* Records that 'mac' on 'vlan' was seen on 'port' at 'now'. */
void fdb_learn(struct fdb *, const struct vh_mac *mac, uint16_t vlan,
               int port, vh_time_t now);

/* Forgets every address learned on 'port'. */
void fdb_forget_port(struct fdb *, int port);

/* The port for 'mac' on 'vlan', or -1 if unknown or aged out. */
int fdb_lookup(const struct fdb *, const struct vh_mac *mac, uint16_t vlan,
               vh_time_t now);

/* Calls 'fn' for every entry not aged out at 'now', in slot order. */
void fdb_foreach(const struct fdb *, vh_time_t now,
                 void (*fn)(const struct vh_mac *mac, uint16_t vlan,
                            int port, void *aux),
                 void *aux);

#endif /* models/core/fdb.h */
