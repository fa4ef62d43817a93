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

/* The huge page size asked for: x86-64's 2 MiB. */
#define VH_HUGE_PAGE ((size_t) 2 << 20)

/* Advises the whole huge pages inside [p, p + bytes), if any, to be
 * backed by huge pages when first touched.  For arrays the model reads
 * at every packet, allocated before they are written: a page faulted in
 * before the advice stays small until the kernel gets round to it. */
void vh_advise_huge(void *p, size_t bytes);

/* Below this much heap the model fits the caches, and the TLB's reach
 * on small pages, anyway, and moving it would cost more than it saves
 * (4,096 guests build 13 MiB of it; 1,024 about 3.4). */
#define VH_HUGEPAGE_MIN_HEAP (8u << 20)

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
