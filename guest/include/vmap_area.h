/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmalloc=modern (guest/mm/vmalloc_modern.c): areas as vmap_areas in
 * red-black trees, lazy freeing with a purge list.  The 2.4 entry points
 * (get_vm_area, vfree, find_vm_area_locked in vmalloc.c) hand over to the
 * functions here when vmalloc_mode says so; __vmalloc, vmap and the
 * page-table walks are shared by both modes.  Layouts: shared/kstructs.h.
 */
#ifndef GUEST_VMAP_AREA_H
#define GUEST_VMAP_AREA_H

#include <stddef.h>
#include <stdint.h>

#include <rbtree.h>
#include <vmalloc.h>

#include "shared/kstructs.h"

struct vmap_area {
	unsigned long va_start;
	unsigned long va_end;
	struct rb_node rb_node;
	unsigned long subtree_max_size;
	struct vmap_area *purge_next;
	unsigned long flags;
	struct vm_struct *vm;
};

#if defined(__i386__)
_Static_assert(sizeof(struct vmap_area) == VMAP_AREA_SIZE &&
		       offsetof(struct vmap_area, va_start) == VMAP_AREA_OFF_START &&
		       offsetof(struct vmap_area, va_end) == VMAP_AREA_OFF_END &&
		       offsetof(struct vmap_area, rb_node) == VMAP_AREA_OFF_RB_NODE &&
		       offsetof(struct vmap_area, subtree_max_size) == VMAP_AREA_OFF_SUBTREE_MAX &&
		       offsetof(struct vmap_area, purge_next) == VMAP_AREA_OFF_PURGE_NEXT &&
		       offsetof(struct vmap_area, flags) == VMAP_AREA_OFF_FLAGS &&
		       offsetof(struct vmap_area, vm) == VMAP_AREA_OFF_VM,
	       "struct vmap_area is read by the host (shared/kstructs.h)");
#endif

/* VMALLOC_MODE_24 (the default) or VMALLOC_MODE_MODERN, from vmalloc= at boot. */
extern uint32_t vmalloc_mode;
extern struct rb_root vmap_area_root, free_vmap_area_root;
extern struct vmap_area *vmap_purge_list;
extern uint32_t vmap_lazy_nr;
extern uint32_t vmap_stats[VMAP_STAT_NR];

/* Once VMALLOC_START is known (paging_init): in modern mode, the free tree gets the whole range. */
void vmalloc_init(void);

/* Account one get_vm_area search that looked at @nodes nodes (both modes). */
void vmap_count_lookup(uint32_t nodes);

/* The modern get_vm_area / vfree (addr non-NULL, page aligned) / find_vm_area_locked. */
struct vm_struct *modern_get_vm_area(unsigned long size, unsigned long flags);
void modern_vfree(void *addr);
struct vm_struct *modern_find_vm_area(unsigned long addr);

/*
 * Make every lazily freed area reusable after one flush_tlb_all; returns
 * the areas purged (0: nothing pending, no flush).  Safe in 2.4 mode.
 */
unsigned long purge_vmap_area_lazy(void);
/* As Linux's: purge, and flush all TLBs even when nothing was pending.  Returns areas purged. */
unsigned long vm_unmap_aliases(void);

/* fls(online CPUs) x 32 MiB, in pages: the lazily freed pages that trigger a purge. */
unsigned long lazy_max_pages(void);

/*
 * Both trees and the purge list, in full: red-black rules, order, no
 * overlap, free blocks merged, subtree_max_size right everywhere, and
 * busy + free + pending covering [VMALLOC_START, VMALLOC_END) exactly.
 * 0, or -1 with the first defect in printk.  The caller holds vmlist_lock.
 */
int vmap_area_check(void);

/* Unmap [address, address + size) as vmfree_area_pages does, but with no TLB flush (vmalloc.c). */
void vunmap_area_pages_noflush(unsigned long address, unsigned long size);

#endif /* GUEST_VMAP_AREA_H */
