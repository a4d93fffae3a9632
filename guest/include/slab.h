/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmalloc/kfree: power-of-two size classes from 32 bytes to 128 KiB
 * (Linux 2.4's cache_sizes, without the general slab machinery).
 *
 * Classes up to PAGE_SIZE / 2 carve whole pages into objects of one size;
 * the page's struct page describes it (PG_slab, freelist, inuse,
 * slab_cache).  Larger classes are buddy blocks of 2^(class - PAGE_SHIFT)
 * pages.  Memory always comes from lowmem (never __GFP_HIGHMEM); GFP_DMA
 * requests have their own caches.  A slab page goes back to the buddy
 * allocator as soon as its last object is freed, so the free page counts
 * return exactly to where they were once everything is freed.
 */
#ifndef GUEST_SLAB_H
#define GUEST_SLAB_H

#include <stddef.h>
#include <stdint.h>

#include <gfp.h>

#include "shared/kstructs.h"

#define KMALLOC_MIN_SHIFT  5  /* 32 bytes */
#define KMALLOC_MAX_SHIFT  17 /* 128 KiB */
#define KMALLOC_MAX_SIZE   (1u << KMALLOC_MAX_SHIFT)
#define KMALLOC_NR_CLASSES (KMALLOC_MAX_SHIFT - KMALLOC_MIN_SHIFT + 1) /* 13 */

/* Junk that freed objects are filled with (2.4's POISON_BYTE). */
#define KMALLOC_POISON 0x6b

/*
 * kmalloc_stats[c] describes class c (objects of 32 << c bytes), DMA and
 * normal caches together.  i386 layout: 5 x uint32_t, 20 bytes each.
 */
struct kmalloc_class_stat {
	uint32_t size;	 /* object size in bytes */
	uint32_t in_use; /* objects handed out and not yet freed */
	uint32_t pages;	 /* pages the class holds from the buddy allocator */
	uint32_t allocs; /* successful kmalloc calls */
	uint32_t frees;	 /* successful kfree calls */
};

_Static_assert(sizeof(struct kmalloc_class_stat) == KMALLOC_STAT_SIZE &&
		       offsetof(struct kmalloc_class_stat, size) == KMALLOC_STAT_OFF_SIZE &&
		       offsetof(struct kmalloc_class_stat, in_use) == KMALLOC_STAT_OFF_IN_USE &&
		       offsetof(struct kmalloc_class_stat, pages) == KMALLOC_STAT_OFF_PAGES,
	       "kmalloc_stats is read by the host (shared/kstructs.h)");

extern struct kmalloc_class_stat kmalloc_stats[KMALLOC_NR_CLASSES];
extern unsigned long kmalloc_errors; /* bad kfree calls reported (and refused) */

/*
 * Fault injection, as fail_page_alloc_nth in mm.h: while non-zero, each
 * kmalloc call counts it down and the one that brings it to 0 fails.
 */
extern unsigned long failslab_nth;
extern unsigned long failslab_calls;	/* kmalloc calls since boot */
extern unsigned long failslab_injected; /* failures injected since boot */

/* Set up the caches; after mem_init(), before the first kmalloc. */
void kmem_cache_init(void);

/* @size 0 gets the smallest object; more than KMALLOC_MAX_SIZE gets NULL. */
void *kmalloc(size_t size, int gfp);
/* NULL is fine; anything kmalloc did not return (or already freed) is reported and ignored. */
void kfree(const void *objp);

/* Objects handed out and not freed, all classes. */
unsigned long kmalloc_objects_in_use(void);

#endif /* GUEST_SLAB_H */
