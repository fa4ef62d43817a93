/* models/hw/iommu.c: context table, domains, IOTLB. */
#include "models/hw/iommu.h"

#include <stdlib.h>

#include "models/core/config.h"
#include "models/core/defaults.h"
#include "models/core/world.h"
#include "sim/xmalloc.h"


static int
iommu_add_domain(struct iommu *io, bool identity, const void *owner)
{
    io->domains = vh_xgrow(io->domains, io->n_domains, sizeof *io->domains);
    struct iommu_domain *d = &io->domains[io->n_domains];
    d->id = (int) io->n_domains++;
    d->identity = identity;
    d->owner = owner;
    d->ram = identity ? 0 : IOMMU_GUEST_RAM;
    /* Host memory: the host's own 4 GiB first, then each VM's in turn. */
    d->hpa_base = (uint64_t) d->id * IOMMU_GUEST_RAM;
    d->n_regions = 0;
    return d->id;
}

struct iommu *
iommu_create(const struct cfg_host *ch)
{
    struct iommu *io = vh_xcalloc(1, sizeof *io);
    io->posted_interrupts = ch->posted_interrupts;
    io->page_shift = ch->iommu_page_size == (2u << 20) ? 21 : 12;
    io->n_tlb = (size_t) (ch->iotlb_entries > 0 ? ch->iotlb_entries
                                                : VH_DEF_IOTLB_ENTRIES);
    io->tlb = vh_xcalloc(io->n_tlb, sizeof *io->tlb);
    for (size_t i = 0; i < io->n_tlb; i++) {
        io->tlb[i].domain = -1;
    }
    iommu_add_domain(io, true, NULL);
    return io;
}

void
iommu_free(struct iommu *io)
{
    if (!io) {
        return;
    }
    free(io->domains);
    free(io->ctx);
    free(io->tlb);
    free(io);
}

int
iommu_vm_domain(struct iommu *io, const void *owner)
{
    for (size_t i = 0; i < io->n_domains; i++) {
        if (!io->domains[i].identity && io->domains[i].owner == owner) {
            return (int) i;
        }
    }
    return iommu_add_domain(io, false, owner);
}

void
iommu_attach(struct iommu *io, uint16_t rid, int domain)
{
    for (size_t i = 0; i < io->n_ctx; i++) {
        if (io->ctx[i].rid == rid) {
            io->ctx[i].domain = domain;
            return;
        }
    }
    io->ctx = vh_xgrow(io->ctx, io->n_ctx, sizeof *io->ctx);
    io->ctx[io->n_ctx].rid = rid;
    io->ctx[io->n_ctx].domain = domain;
    io->n_ctx++;
}

int
iommu_domain_of(const struct iommu *io, uint16_t rid)
{
    for (size_t i = 0; i < io->n_ctx; i++) {
        if (io->ctx[i].rid == rid) {
            return io->ctx[i].domain;
        }
    }
    return -1;
}

/* Device regions start at IOMMU_REGION_BASE and are 32 MiB apart, which
 * holds two descriptor rings and two sets of 2 KiB buffers for rings of up
 * to 4096 entries. */
#define REGION_SIZE (32ULL << 20)

uint64_t
iommu_carve(struct iommu *io, int domain, uint64_t size)
{
    struct iommu_domain *d = &io->domains[domain];
    uint64_t step = (size + REGION_SIZE - 1) / REGION_SIZE * REGION_SIZE;
    uint64_t at = IOMMU_REGION_BASE + (uint64_t) d->n_regions * REGION_SIZE;
    d->n_regions += (int) (step / REGION_SIZE);
    return at;
}

/* Looks one page up in the IOTLB, filling it on a miss. */
static bool
iotlb_lookup(struct iommu *io, int domain, uint64_t page)
{
    struct iotlb_entry *victim = &io->tlb[0];
    io->clock++;
    for (size_t i = 0; i < io->n_tlb; i++) {
        struct iotlb_entry *e = &io->tlb[i];
        if (e->domain == domain && e->page == page) {
            e->used = io->clock;
            return true;
        }
        /* Empty entries have stamp 0, so they go first. */
        if (e->used < victim->used) {
            victim = e;
        }
    }
    victim->domain = domain;
    victim->page = page;
    victim->used = io->clock;
    return false;
}

bool
iommu_dma(struct world *w, struct iommu *io, uint16_t rid, uint64_t iova,
          uint32_t len, vh_time_t *extra)
{
    int dom = iommu_domain_of(io, rid);
    if (dom < 0) {
        io->dma_blocked++;
        return false;
    }
    const struct iommu_domain *d = &io->domains[dom];
    if (d->identity) {
        return true;
    }
    uint64_t last = iova + (len ? len - 1 : 0);
    if (last >= d->ram || last < iova) {
        io->dma_blocked++;
        return false;
    }
    for (uint64_t pg = iova >> io->page_shift; pg <= last >> io->page_shift;
         pg++) {
        if (iotlb_lookup(io, dom, pg)) {
            io->iotlb_hits++;
        } else {
            io->iotlb_misses++;
            *extra += hw_time(w, COST_IOTLB_MISS, 0);
        }
    }
    return true;
}
