/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Non-contiguous kernel memory (Linux 2.4 include/linux/vmalloc.h,
 * mm/vmalloc.c): areas of [VMALLOC_START, VMALLOC_END) mapped page by
 * page through the kernel's page tables.
 *
 * The host reads `vmlist` and `vmalloc_counters` through the guest's ELF
 * symbols, so both are written with 32-bit fields and their i386 layout is
 * spelled out; a pointer field is a 32-bit guest virtual address.
 */
#ifndef GUEST_VMALLOC_H
#define GUEST_VMALLOC_H

#include <stddef.h>
#include <stdint.h>

#include <mm.h>
#include <pgtable.h>
#include <spinlock.h>

#include "shared/kstructs.h"

/* vm_struct.flags (VM_IOREMAP, VM_ALLOC, VM_MAP): shared/kstructs.h. */

/*
 * One area, as 2.4 has it (no page array: vfree finds the pages through the
 * page tables).  i386 layout:
 *
 *  offset size field  meaning
 *   0     4    flags  VM_IOREMAP / VM_ALLOC / VM_MAP
 *   4     4    addr   first virtual address, page aligned
 *   8     4    size   bytes, the guard page after the area included
 *  12     4    next   the area at the next higher address (NULL: last)
 *  16     4    caller who asked: the return address of the vmalloc(),
 *                     vmalloc_dma(), vmalloc_32(), __vmalloc(), vmap() or
 *                     get_vm_area() call (not in 2.4; 2.6.26 added it, last,
 *                     for /proc/vmallocinfo)
 *  sizeof = 20
 *
 * vmlist points at the lowest area; the list is sorted by address.
 */
struct vm_struct {
	unsigned long flags;
	void *addr;
	unsigned long size;
	struct vm_struct *next;
	const void *caller;
};

#if defined(__i386__)
_Static_assert(sizeof(struct vm_struct) == VM_STRUCT_SIZE &&
		       offsetof(struct vm_struct, flags) == VM_STRUCT_OFF_FLAGS &&
		       offsetof(struct vm_struct, addr) == VM_STRUCT_OFF_ADDR &&
		       offsetof(struct vm_struct, size) == VM_STRUCT_OFF_SIZE &&
		       offsetof(struct vm_struct, next) == VM_STRUCT_OFF_NEXT &&
		       offsetof(struct vm_struct, caller) == VM_STRUCT_OFF_CALLER,
	       "struct vm_struct layout is read by the host (shared/kstructs.h)");
#endif

extern struct vm_struct *vmlist;
extern rwlock_t vmlist_lock;

/*
 * Test-only boot words (negative controls for the stress run, never for
 * use): novmlistlock: get_vm_area() walks and links vmlist without
 * vmlist_lock, so two CPUs can be given overlapping areas; noptlock:
 * __vmalloc_area_pages() (and the pte_alloc() under it) does not take
 * init_mm.page_table_lock, so two CPUs can each give one PMD entry a page
 * table; lockinvert: the first get_vm_area() after boot takes vmlist_lock
 * while holding a zone->lock, the reverse of vfree()'s order, for the
 * lock-order validator to report.
 */
extern int vmlist_no_lock;
extern int vmalloc_no_ptlock;
extern int lock_invert_pending;

/*
 * How long novmlistlock and noptlock hold their unlocked window open
 * (between get_vm_area's walk and its link; between pte_alloc's last
 * pmd_none and its pmd_populate), in TSC cycles, as an interrupt there
 * would in a kernel that runs other work: left a few instructions wide,
 * two CPUs meet in it too seldom for a test to see the damage.  noptlock's
 * window opens only when a page table is made, a few times a run, so it
 * stays open longer: long enough for the other CPUs to do a few operations
 * each under shadow paging, where one takes some 20 ms (README).
 */
#define VMLIST_CONTROL_WINDOW_CYCLES  (4ull * 1000 * 1000)
#define PTLOCK_CONTROL_WINDOW_CYCLES (200ull * 1000 * 1000)
void control_window(uint64_t cycles);

/*
 * What vmalloc did since boot, read by the host through the ELF symbol
 * `vmalloc_counters` (eight uint32_t, in this order):
 *
 *   vmlist_visited      vm_structs looked at by get_vm_area() and vfree()
 *   pte_writes          PTEs set by __vmalloc_area_pages()
 *   pte_clears          PTEs that vmfree_area_pages() found not none and cleared
 *   pages_allocated     pages alloc_area_pte() took from alloc_page()
 *   pages_freed         references free_area_pte() dropped (__free_page)
 *   areas_allocated     successful get_vm_area() calls
 *   areas_freed         areas vfree() found and released
 *   get_vm_area_failed  get_vm_area() calls that returned NULL
 */
struct vmalloc_counters {
	uint32_t vmlist_visited;
	uint32_t pte_writes;
	uint32_t pte_clears;
	uint32_t pages_allocated;
	uint32_t pages_freed;
	uint32_t areas_allocated;
	uint32_t areas_freed;
	uint32_t get_vm_area_failed;
};

_Static_assert(
	sizeof(struct vmalloc_counters) == VMALLOC_CNT_NR * 4 &&
		offsetof(struct vmalloc_counters, vmlist_visited) ==
			VMALLOC_CNT_VMLIST_VISITED * 4 &&
		offsetof(struct vmalloc_counters, pte_writes) == VMALLOC_CNT_PTE_WRITES * 4 &&
		offsetof(struct vmalloc_counters, pte_clears) == VMALLOC_CNT_PTE_CLEARS * 4 &&
		offsetof(struct vmalloc_counters, pages_allocated) ==
			VMALLOC_CNT_PAGES_ALLOCATED * 4 &&
		offsetof(struct vmalloc_counters, pages_freed) == VMALLOC_CNT_PAGES_FREED * 4 &&
		offsetof(struct vmalloc_counters, areas_allocated) ==
			VMALLOC_CNT_AREAS_ALLOCATED * 4 &&
		offsetof(struct vmalloc_counters, areas_freed) == VMALLOC_CNT_AREAS_FREED * 4 &&
		offsetof(struct vmalloc_counters, get_vm_area_failed) ==
			VMALLOC_CNT_GET_VM_AREA_FAILED * 4,
	"struct vmalloc_counters is read by the host (shared/kstructs.h)");

extern struct vmalloc_counters vmalloc_counters;

/* Pages from any zone / ZONE_DMA only / no highmem; NULL for 0 or more than RAM. */
void *vmalloc(unsigned long size);
void *vmalloc_dma(unsigned long size);
void *vmalloc_32(unsigned long size);
void *__vmalloc(unsigned long size, int gfp_mask, pgprot_t prot);

/* Map @count pages of the caller's (each gets one more reference) contiguously. */
void *vmap(struct page **pages, int count, unsigned long flags, pgprot_t prot);

/* NULL is fine; anything else must be an area's address, or it is reported and ignored. */
void vfree(void *addr);

/* Reserve @size bytes plus a guard page, first fit; nothing is mapped.  NULL when full. */
struct vm_struct *get_vm_area(unsigned long size, unsigned long flags);

/* get_vm_area() recording @caller (a code address) in the area instead of its own caller. */
struct vm_struct *get_vm_area_caller(unsigned long size, unsigned long flags, const void *caller);

/*
 * Map [address, address + size) with fresh pages (@pages NULL) or with the
 * caller's pages (*pages walks the array).  0, or -ENOMEM with the pages
 * mapped so far left in place for vfree() to return.
 */
int vmalloc_area_pages(unsigned long address, unsigned long size, int gfp_mask, pgprot_t prot);
int __vmalloc_area_pages(unsigned long address, unsigned long size, int gfp_mask, pgprot_t prot,
			 struct page ***pages);

/* Unmap [address, address + size), dropping a reference on each page, then flush the TLBs once. */
void vmfree_area_pages(unsigned long address, unsigned long size);

/* The area holding @addr (guard page included), or NULL; the caller holds vmlist_lock. */
struct vm_struct *find_vm_area_locked(unsigned long addr);

#endif /* GUEST_VMALLOC_H */
