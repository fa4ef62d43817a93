/* models/core/fdb.c: forwarding database with lazy ageing. */
#include "models/core/fdb.h"

#include <stdlib.h>

#include "sim/xmalloc.h"

static uint64_t
fdb_key(const struct vh_mac *mac, uint16_t vlan)
{
    uint64_t k = vh_mac_u64(mac);
    /* Bit 63 keeps every key non-zero, so 0 can mark an empty slot. */
    return k | ((uint64_t) (vlan & 0xfff) << 48) | (1ULL << 63);
}

static uint32_t
fdb_hash(uint64_t key)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return (uint32_t) key;
}

void
fdb_init(struct fdb *f, vh_time_t ageing)
{
    f->mask = 63;
    f->slots = vh_xcalloc(f->mask + 1, sizeof *f->slots);
    f->used = 0;
    f->ageing = ageing;
    f->learned = 0;
}

void
fdb_destroy(struct fdb *f)
{
    free(f->slots);
    f->slots = NULL;
}

static struct fdb_entry *
fdb_find_slot(const struct fdb *f, uint64_t key)
{
    uint32_t i = fdb_hash(key) & f->mask;
    while (f->slots[i].key && f->slots[i].key != key) {
        i = (i + 1) & f->mask;
    }
    return &f->slots[i];
}

static void
fdb_grow(struct fdb *f)
{
    struct fdb_entry *old = f->slots;
    uint32_t n = f->mask + 1;
    f->mask = n * 2 - 1;
    f->slots = vh_xcalloc(n * 2, sizeof *f->slots);
    for (uint32_t i = 0; i < n; i++) {
        if (old[i].key) {
            *fdb_find_slot(f, old[i].key) = old[i];
        }
    }
    free(old);
}

void
fdb_learn(struct fdb *f, const struct vh_mac *mac, uint16_t vlan, int port,
          vh_time_t now)
{
    if (vh_mac_is_multicast(mac)) {
        return;                 /* Never learned as a source. */
    }
    uint64_t key = fdb_key(mac, vlan);
    struct fdb_entry *e = fdb_find_slot(f, key);
    if (!e->key) {
        if ((f->used + 1) * 4 > (f->mask + 1) * 3) {
            fdb_grow(f);
            e = fdb_find_slot(f, key);
        }
        e->key = key;
        f->used++;
        e->port = -1;
    }
    if (e->port != port || now - e->seen > f->ageing) {
        f->learned++;
    }
    e->port = port;
    e->seen = now;
}

int
fdb_lookup(const struct fdb *f, const struct vh_mac *mac, uint16_t vlan,
           vh_time_t now)
{
    const struct fdb_entry *e = fdb_find_slot(f, fdb_key(mac, vlan));
    if (!e->key || now - e->seen > f->ageing) {
        return -1;
    }
    return e->port;
}

void
fdb_forget_port(struct fdb *f, int port)
{
    /* Entries stay in place (removal would break probe chains); a port of
     * -1 reads as unknown and is overwritten by the next learning. */
    for (uint32_t i = 0; i <= f->mask; i++) {
        if (f->slots[i].key && f->slots[i].port == port) {
            f->slots[i].port = -1;
        }
    }
}

void
fdb_foreach(const struct fdb *f, vh_time_t now,
            void (*fn)(const struct vh_mac *, uint16_t, int, void *),
            void *aux)
{
    for (uint32_t i = 0; i <= f->mask; i++) {
        const struct fdb_entry *e = &f->slots[i];
        if (!e->key || now - e->seen >= f->ageing) {
            continue;
        }
        struct vh_mac mac;
        for (int k = 0; k < VH_ETH_ALEN; k++) {
            mac.b[k] = (uint8_t) (e->key >> (8 * (VH_ETH_ALEN - 1 - k)));
        }
        fn(&mac, (uint16_t) ((e->key >> 48) & 0xfff), e->port, aux);
    }
}
