/* models/hw/iommu.h: the host's IOMMU (Intel VT-d), as device DMA sees it.
 *
 * Every DMA a PCIe device makes carries the device's requester ID
 * (bus:device.function).  The IOMMU looks the ID up in its context table
 * to find the device's domain, and translates the DMA's address (an I/O
 * virtual address, IOVA) through that domain's mappings.  A device with
 * no context entry, or an address no mapping covers, is a fault: the DMA
 * is blocked and counted, and nothing in memory changes.
 *
 * Domains here:
 *   - the identity domain, for the host's own devices (the PF of a NIC the
 *     host drives).  It is hardware pass-through: addresses are used as
 *     they are and no translation (so no IOTLB) is involved;
 *   - one domain per VM that holds an assigned device (a VF, or a whole
 *     NIC).  VFIO maps the VM's memory at IOVA = guest-physical address,
 *     so the domain maps [0, ram) onto the host-physical memory backing
 *     the VM.  The guest driver's rings and buffers are addresses in that
 *     range (see models/guest/vf_driver.h).
 *
 * Translations are cached in the IOTLB, tagged by domain, 'iotlb_entries'
 * entries of one page each (4 KiB or 2 MiB pages), least recently used
 * evicted.  A hit is free; a miss costs a page walk (the 'iotlb_miss'
 * primitive), during which the NIC's DMA engine waits: the walk delays
 * that DMA and every DMA queued behind it (models/hw/pnic.c). */
#ifndef VH_MODELS_IOMMU_H
#define VH_MODELS_IOMMU_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/time.h"

struct world;
struct cfg_host;

/* Guest memory each VM domain maps, from IOVA 0. */
#define IOMMU_GUEST_RAM (4ULL << 30)

/* Where a guest's device regions (a queue's rings and buffers) start:
 * above its first 256 MiB, its kernel and low memory. */
#define IOMMU_REGION_BASE (256ULL << 20)

struct iommu_domain {
    int id;                     /* Tag in the IOTLB; 0 is identity. */
    bool identity;
    const void *owner;          /* The VM (NULL for identity). */
    uint64_t ram;               /* Mapped: IOVA [0, ram). */
    uint64_t hpa_base;          /* Host-physical address of IOVA 0. */
    int n_regions;              /* Device ring regions handed out. */
};

struct iotlb_entry {
    int domain;                 /* -1: empty. */
    uint64_t page;              /* IOVA >> page shift. */
    uint64_t used;              /* LRU stamp. */
};

/* One requester ID's context entry. */
struct iommu_ctx {
    uint16_t rid;
    int domain;
};

struct iommu {
    bool posted_interrupts;     /* VT-d posted interrupts in use. */
    int page_shift;             /* 12 (4 KiB) or 21 (2 MiB). */
    struct iommu_domain *domains;
    size_t n_domains;
    struct iommu_ctx *ctx;
    size_t n_ctx;
    struct iotlb_entry *tlb;
    size_t n_tlb;
    uint64_t clock;             /* LRU stamps. */

    /* Counters for the report. */
    uint64_t dma_blocked;       /* DMAs that faulted. */
    uint64_t iotlb_hits;        /* Page translations found in the IOTLB. */
    uint64_t iotlb_misses;      /* Page walks. */
};

/* The IOMMU of a host configured with 'ch' (which has it enabled). */
struct iommu *iommu_create(const struct cfg_host *ch);
void iommu_free(struct iommu *);

/* Domain 0, the identity domain. */
#define IOMMU_IDENTITY 0

/* The domain of VM 'owner', created on first use. */
int iommu_vm_domain(struct iommu *, const void *owner);

/* Points requester ID 'rid' at 'domain' (replacing any earlier entry). */
void iommu_attach(struct iommu *, uint16_t rid, int domain);

/* The domain of 'rid', or -1 if it has no context entry. */
int iommu_domain_of(const struct iommu *, uint16_t rid);

/* Carves a region of 'size' bytes (2 MiB aligned) out of the memory of
 * 'domain' for a device's rings and buffers; returns its IOVA. */
uint64_t iommu_carve(struct iommu *, int domain, uint64_t size);

/* Translates a DMA of 'len' bytes at 'iova' by 'rid': returns true and
 * adds the page walks' time to '*extra', or false if the DMA is blocked
 * (counted).  'w' prices a page walk. */
bool iommu_dma(struct world *w, struct iommu *, uint16_t rid, uint64_t iova,
               uint32_t len, vh_time_t *extra);

#endif /* models/hw/iommu.h */
