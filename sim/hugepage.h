/* sim/hugepage.h: the model's memory on huge pages, where the system
 * lets a process ask.
 *
 * A world of thousands of guests keeps its model objects in the heap,
 * tens to hundreds of megabytes, and every packet touches a few dozen of
 * them, each cold since the guest's last packet.  On 4 KiB pages each of
 * those touches is a TLB miss as well as a cache miss; on 2 MiB pages
 * the whole model fits the TLB.  Linux backs a region with huge pages
 * when it is advised to (MADV_HUGEPAGE, which a system whose transparent
 * huge pages are set to 'madvise' requires) and can turn the pages a
 * region already has into huge ones at once (MADV_COLLAPSE, Linux 6.1).
 *
 * Nothing the simulation computes depends on this: only how fast it
 * runs. */
#ifndef VH_HUGEPAGE_H
#define VH_HUGEPAGE_H 1

#include <stddef.h>

/* Below this much heap the model fits the caches anyway, and moving it
 * would cost more than it saves. */
#define VH_HUGEPAGE_MIN_HEAP (16u << 20)

/* Advises the part of the process's heap not yet advised to be backed by
 * huge pages, and asks for its present pages to be collapsed into them,
 * once that part holds at least 'min_bytes'.  The commands call it when
 * a world is built, before it runs: the model's objects, which every
 * packet reads, are in place then.  (What a run allocates as it goes is
 * left on small pages: advised too, the first floods' freed packets held
 * whole huge pages, and a run's peak memory grew by half.)  Cheap when
 * there is nothing to do.  Returns the bytes advised now, 0 when it did
 * nothing (too little new heap, no [heap] mapping, a system that
 * refuses). */
size_t vh_heap_hugepages(size_t min_bytes);

#endif /* sim/hugepage.h */
