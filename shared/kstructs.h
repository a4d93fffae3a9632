/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest kernel structures the host reads, as offsets, sizes and bit
 * numbers of their i386 layout.  The guest's own headers declare the
 * structs (guest/include/mm.h, vmalloc.h, tlbflush.h, slab.h) and assert,
 * when built for i386, that they match these numbers; the host reads guest
 * memory through vmm/inspect/kstate.h with these numbers only, never with a
 * guest struct, so the two sides cannot drift apart silently.
 *
 * Every pointer field is a 32-bit guest virtual address (direct map).
 *
 *  struct vm_struct (vmlist)       struct page (mem_map[pfn])
 *   0  flags   VM_*                 0  flags       PG_* bits
 *   4  addr                         4  count       signed; 0: free or a tail
 *   8  size   guard included        8  zone        ZONE_*
 *  12  next   NULL: last            12  order
 *  16  caller return address of     16  next, 20 prev, 24 freelist,
 *             the vmalloc/vmap/     28  inuse, 32 slab_cache
 *             get_vm_area call      36  sizeof
 *             (not in 2.4)
 *  20  sizeof
 *
 *  zone_t (zone_table[ZONE_*])     struct kmalloc_class_stat (kmalloc_stats[])
 *   0  name                          0  size
 *   4  zone_start_pfn                4  in_use
 *   8  size                          8  pages
 *  12  present_pages                12  allocs
 *  16  managed_pages                16  frees
 *  20  free_pages                   20  sizeof
 *  24  free_area[11] {free_list, nr_free}
 * 112  lock
 * 116  sizeof
 *
 *  struct tlb_counters (5 x u32)   struct vmalloc_counters (8 x u32)
 *   flush_all flush_tlb flush_one   vmlist_visited pte_writes pte_clears
 *   cr3_writes cr4_writes           pages_allocated pages_freed areas_allocated
 *                                   areas_freed get_vm_area_failed
 */
#ifndef SHARED_KSTRUCTS_H
#define SHARED_KSTRUCTS_H

/* struct vm_struct */
#define VM_STRUCT_OFF_FLAGS 0
#define VM_STRUCT_OFF_ADDR  4
#define VM_STRUCT_OFF_SIZE  8
#define VM_STRUCT_OFF_NEXT  12
/* Not in 2.4: the return address of the vmalloc/vmap/get_vm_area call, as 2.6.26+ keep it. */
#define VM_STRUCT_OFF_CALLER 16
#define VM_STRUCT_SIZE	     20

/* vm_struct.flags: what made the area. */
#define VM_IOREMAP 0x00000001u /* get_vm_area() only: the caller maps it */
#define VM_ALLOC   0x00000002u /* vmalloc(): every page but the guard is its own */
#define VM_MAP	   0x00000004u /* vmap(): the caller's pages, one reference each */

/* struct page */
#define PAGE_STRUCT_OFF_FLAGS 0
#define PAGE_STRUCT_OFF_COUNT 4
#define PAGE_STRUCT_OFF_ZONE  8
#define PAGE_STRUCT_OFF_ORDER 12
#define PAGE_STRUCT_OFF_NEXT  16
#define PAGE_STRUCT_SIZE      36

/* Bit numbers in page->flags (2.4's numbers where 2.4 has the flag). */
#define PG_slab	    8  /* a kmalloc page: the slab_cache/freelist/inuse fields are valid */
#define PG_highmem  11 /* above max_low_pfn: no direct mapping */
#define PG_reserved 14 /* never allocated or freed */
#define PG_buddy    16 /* heads a free block on a free_area list */

/* Zones: zone_table[ZONE_*]. */
#define ZONE_DMA     0 /* [0, 16 MiB) */
#define ZONE_NORMAL  1 /* [16 MiB, 896 MiB) or up to the end of RAM */
#define ZONE_HIGHMEM 2 /* [896 MiB, end of RAM): only with more RAM than that */
#define MAX_NR_ZONES 3
#define MAX_ORDER    11 /* blocks of 2^0 .. 2^10 pages (4 KiB .. 4 MiB) */

/* zone_t */
#define ZONE_OFF_NAME	      0
#define ZONE_OFF_START_PFN    4
#define ZONE_OFF_SIZE	      8
#define ZONE_OFF_PRESENT      12
#define ZONE_OFF_MANAGED      16
#define ZONE_OFF_FREE	      20
#define ZONE_OFF_FREE_AREA    24 /* free_area[order] at 24 + 8 * order */
#define FREE_AREA_OFF_LIST    0
#define FREE_AREA_OFF_NR_FREE 4
#define FREE_AREA_SIZE	      8
#define ZONE_OFF_LOCK	      112
#define ZONE_STRUCT_SIZE      116

/* struct kmalloc_class_stat */
#define KMALLOC_STAT_OFF_SIZE	0
#define KMALLOC_STAT_OFF_IN_USE 4
#define KMALLOC_STAT_OFF_PAGES	8
#define KMALLOC_STAT_SIZE	20

/* struct tlb_counters: field indexes (u32 words). */
#define TLB_CNT_FLUSH_ALL  0
#define TLB_CNT_FLUSH_TLB  1
#define TLB_CNT_FLUSH_ONE  2
#define TLB_CNT_CR3_WRITES 3
#define TLB_CNT_CR4_WRITES 4
#define TLB_CNT_NR	   5

/* struct vmalloc_counters: field indexes (u32 words). */
#define VMALLOC_CNT_VMLIST_VISITED     0
#define VMALLOC_CNT_PTE_WRITES	       1
#define VMALLOC_CNT_PTE_CLEARS	       2
#define VMALLOC_CNT_PAGES_ALLOCATED    3
#define VMALLOC_CNT_PAGES_FREED	       4
#define VMALLOC_CNT_AREAS_ALLOCATED    5
#define VMALLOC_CNT_AREAS_FREED	       6
#define VMALLOC_CNT_GET_VM_AREA_FAILED 7
#define VMALLOC_CNT_NR		       8

/*
 * vmalloc=modern (guest/mm/vmalloc_modern.c, Linux 5.2's arrangement).
 * The symbol `vmalloc_mode` (u32) is VMALLOC_MODE_24 or VMALLOC_MODE_MODERN.
 * In modern mode vmlist stays NULL (see vmalloc_modern.c): the areas are
 * found through these symbols instead.
 *
 *  struct rb_node                  struct vmap_area
 *   0  parent  NULL: root           0  va_start
 *   4  left                         4  va_end     [va_start, va_end), guard included
 *   8  right                        8  rb_node    (16 bytes, in one tree or none)
 *  12  color   RB_NODE_RED/BLACK   24  subtree_max_size  free tree: largest
 *  16  sizeof                           va_end - va_start in this node's subtree
 *                                  28  purge_next  next on vmap_purge_list
 *  struct rb_root: one pointer     32  flags      VA_*
 *   to the root's rb_node          36  vm         busy: its struct vm_struct
 *   (NULL: empty); the vmap_area   40  sizeof
 *   is at node - 8.
 *
 *  vmap_area_root       struct rb_root: busy areas, by va_start
 *  free_vmap_area_root  struct rb_root: free space of [VMALLOC_START,
 *                       VMALLOC_END), by va_start, never adjacent
 *                       (neighbouring free blocks are merged)
 *  vmap_purge_list      struct vmap_area *: lazily freed areas (VA_LAZY),
 *                       unmapped but not yet flushed, so not reusable;
 *                       linked by purge_next, newest first
 *  vmap_lazy_nr         u32: pages on vmap_purge_list
 *  vmap_stats           VMAP_STAT_NR x u32, below
 */
#define VMALLOC_MODE_24	    0
#define VMALLOC_MODE_MODERN 1

#define RB_NODE_OFF_PARENT 0
#define RB_NODE_OFF_LEFT   4
#define RB_NODE_OFF_RIGHT  8
#define RB_NODE_OFF_COLOR  12
#define RB_NODE_SIZE	   16
#define RB_NODE_RED	   0
#define RB_NODE_BLACK	   1

#define VMAP_AREA_OFF_START	  0
#define VMAP_AREA_OFF_END	  4
#define VMAP_AREA_OFF_RB_NODE	  8
#define VMAP_AREA_OFF_SUBTREE_MAX 24
#define VMAP_AREA_OFF_PURGE_NEXT  28
#define VMAP_AREA_OFF_FLAGS	  32
#define VMAP_AREA_OFF_VM	  36
#define VMAP_AREA_SIZE		  40

/* vmap_area.flags: which of the three places the area is in. */
#define VA_BUSY	  0x1u /* in vmap_area_root; vm valid */
#define VA_FREE	  0x2u /* in free_vmap_area_root */
#define VA_LAZY	  0x4u /* on vmap_purge_list */
#define VA_STATIC 0x8u /* the boot-time free block: not from kmalloc */

/*
 * vmap_stats (both modes): the cost of finding room.  "Nodes visited" by
 * one get_vm_area: 2.4 counts each vmlist link it follows (the head
 * included: N + 1 with N areas and no hole); modern counts the free-tree
 * nodes its first-fit descent looks at plus the busy-tree nodes the
 * insertion descends through.
 */
#define VMAP_STAT_LOOKUPS      0 /* get_vm_area calls that searched */
#define VMAP_STAT_NODES	       1 /* nodes visited by all of them */
#define VMAP_STAT_LAST_NODES   2 /* nodes visited by the last one */
#define VMAP_STAT_MAX_NODES    3 /* the most one of them visited */
#define VMAP_STAT_PURGES       4 /* modern: purges that flushed (one flush_tlb_all each) */
#define VMAP_STAT_PURGED_AREAS 5 /* modern: areas those purges made reusable */
#define VMAP_STAT_NR	       6

/* Kernel log levels as the guest's printk output keeps them ("<2>..."). */
#define KERN_CRIT_PREFIX    "<2>"
#define KERN_ERR_PREFIX	    "<3>"
#define KERN_WARNING_PREFIX "<4>"

#endif /* SHARED_KSTRUCTS_H */
