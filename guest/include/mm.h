/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Physical memory: mem_map, zones and the buddy allocator (Linux 2.4
 * include/linux/mm.h, include/linux/mmzone.h, mm/page_alloc.c).
 *
 * The host reads mem_map, zone_table and the counters below through the
 * guest's ELF symbols, so the structures are written with 32-bit fields
 * and their i386 layout is spelled out; a pointer field is a 32-bit guest
 * virtual address.  The same code also builds for the host's unit tests
 * (tests/unit/guest_shim), where pointers are 64 bits: nothing here may
 * depend on the layout, only the comments and the i386 asserts do.
 */
#ifndef GUEST_MM_H
#define GUEST_MM_H

#include <stddef.h>
#include <stdint.h>

#include <gfp.h>
#include <kernel.h>
#include <page.h>
#include <spinlock.h>

#include "shared/kstructs.h"
#include "shared/layout.h"
#include "shared/mmu.h"

/*
 * struct page: one per page frame, mem_map[pfn] for pfn in [0, max_mapnr).
 *
 *  offset size field       meaning (i386)
 *   0     4    flags       PG_* bits (shared/kstructs.h)
 *   4     4    count       reference count (signed; 0 = free or a tail page of a block)
 *   8     4    zone        ZONE_DMA / ZONE_NORMAL / ZONE_HIGHMEM, fixed at boot
 *  12     4    order       PG_buddy: order of the free block this page heads;
 *                          allocated head page: order it was allocated with
 *  16     4    next        PG_buddy: next block on free_area[order].free_list;
 *                          PG_slab: next page on its kmalloc cache's partial list
 *  20     4    prev        the previous one (NULL at the head of a list)
 *  24     4    freelist    PG_slab: first free object in the page (NULL: none)
 *  28     4    inuse       PG_slab: objects handed out from the page
 *  32     4    slab_cache  PG_slab: index of the page's kmalloc cache
 *  sizeof = 36
 *
 * A free block of 2^order pages is listed by its first page only, which
 * has PG_buddy set; the other pages of a block (free or allocated) are
 * "tails": count 0, no PG_buddy.  An allocated block has count >= 1 on
 * its first page.  PG_reserved pages (holes, kernel image, boot page
 * tables, bootmem) never enter the allocator; their count is 1.
 */
struct page {
	uint32_t flags;
	int32_t count; /* atomic_t in the kernel; see get_page() */
	uint32_t zone;
	uint32_t order;
	struct page *next;
	struct page *prev;
	void *freelist;
	uint32_t inuse;
	uint32_t slab_cache;
};

/* PG_* (bit numbers in page->flags), MAX_ORDER and ZONE_*: shared/kstructs.h,
 * which the host reads them from too. */

typedef struct free_area_struct {
	struct page *free_list; /* first free block of this order (NULL: none) */
	uint32_t nr_free;	/* blocks on the list */
} free_area_t;

/*
 * zone_t, as zone_table[ZONE_*] (i386 layout):
 *
 *  offset size field
 *   0     4    name            "DMA", "Normal", "HighMem" (guest virtual address)
 *   4     4    zone_start_pfn  first pfn of the zone
 *   8     4    size            pfns spanned, holes included
 *  12     4    present_pages   RAM pages in the span (per the memory map)
 *  16     4    managed_pages   pages given to the buddy allocator at boot
 *                              (free + used == managed_pages at all times)
 *  20     4    free_pages      pages on the free lists now
 *  24   8*11   free_area[k]    { free_list, nr_free } for order k = 0..10
 * 112     -    lock            spinlock_t (layout is the spinlock's own)
 */
typedef struct zone_struct {
	const char *name;
	uint32_t zone_start_pfn;
	uint32_t size;
	uint32_t present_pages;
	uint32_t managed_pages;
	uint32_t free_pages;
	free_area_t free_area[MAX_ORDER];
	spinlock_t lock;
} zone_t;

/* The host reads these through shared/kstructs.h. */
#if defined(__i386__)
_Static_assert(sizeof(struct page) == PAGE_STRUCT_SIZE, "struct page layout is read by the host");
_Static_assert(offsetof(struct page, flags) == PAGE_STRUCT_OFF_FLAGS &&
		       offsetof(struct page, count) == PAGE_STRUCT_OFF_COUNT &&
		       offsetof(struct page, zone) == PAGE_STRUCT_OFF_ZONE &&
		       offsetof(struct page, order) == PAGE_STRUCT_OFF_ORDER &&
		       offsetof(struct page, next) == PAGE_STRUCT_OFF_NEXT,
	       "struct page layout is read by the host");
_Static_assert(sizeof(zone_t) == ZONE_STRUCT_SIZE && offsetof(zone_t, name) == ZONE_OFF_NAME &&
		       offsetof(zone_t, zone_start_pfn) == ZONE_OFF_START_PFN &&
		       offsetof(zone_t, size) == ZONE_OFF_SIZE &&
		       offsetof(zone_t, present_pages) == ZONE_OFF_PRESENT &&
		       offsetof(zone_t, managed_pages) == ZONE_OFF_MANAGED &&
		       offsetof(zone_t, free_pages) == ZONE_OFF_FREE &&
		       offsetof(zone_t, free_area) == ZONE_OFF_FREE_AREA &&
		       offsetof(zone_t, lock) == ZONE_OFF_LOCK,
	       "zone_t layout is read by the host");
_Static_assert(sizeof(free_area_t) == FREE_AREA_SIZE &&
		       offsetof(free_area_t, free_list) == FREE_AREA_OFF_LIST &&
		       offsetof(free_area_t, nr_free) == FREE_AREA_OFF_NR_FREE,
	       "free_area_t layout is read by the host");
#endif

extern struct page *mem_map;	      /* mem_map[0 .. max_mapnr - 1] */
extern unsigned long max_mapnr;	      /* = max_pfn: frames covered by mem_map */
extern unsigned long num_physpages;   /* RAM frames (per the memory map) */
extern unsigned long totalram_pages;  /* frames given to the buddy allocator */
extern unsigned long totalhigh_pages; /* of those, in ZONE_HIGHMEM */
extern void *high_memory;	      /* end of the direct map: __va(max_low_pfn << PAGE_SHIFT) */
extern zone_t zone_table[MAX_NR_ZONES];

/*
 * Fault injection (cf. Linux's fail_page_alloc): while non-zero, every
 * alloc_pages() call counts it down and the call that brings it to zero
 * fails.  So setting it to N fails the Nth call from then on, once.
 * Every page allocation counts, including those kmalloc and pte_alloc make.
 */
extern unsigned long fail_page_alloc_nth;
extern unsigned long fail_page_alloc_calls;    /* alloc_pages() calls since boot */
extern unsigned long fail_page_alloc_injected; /* failures injected since boot */
extern unsigned long page_alloc_errors;	       /* bad frees reported (and refused) */

/* Counts *nth down; returns 1 (and counts it in *injected) when it reaches 0. */
int should_fail(unsigned long *nth, unsigned long *injected, const char *what);

/* Junk that freed lowmem pages are filled with (cf. xv6's kfree). */
#define PAGE_POISON 0xaa

#define page_to_pfn(page) ((unsigned long)((page)-mem_map))
#define pfn_to_page(pfn)  (mem_map + (pfn))

/* Is @page a pointer to an entry of mem_map?  (No pointer arithmetic across objects.) */
static inline int VALID_PAGE(const struct page *page)
{
	uintptr_t off = (uintptr_t)page - (uintptr_t)mem_map;

	return off % sizeof(struct page) == 0 && off / sizeof(struct page) < max_mapnr;
}

/* Is @kaddr inside the direct map of lowmem? */
static inline int virt_addr_valid(const void *kaddr)
{
	return (uintptr_t)kaddr >= (uintptr_t)__va(0) && (uintptr_t)kaddr < (uintptr_t)high_memory;
}

/* Only for direct-map addresses: check virt_addr_valid() first. */
#define virt_to_page(kaddr) pfn_to_page(__pa(kaddr) >> PAGE_SHIFT)

static inline int page_test_flag(const struct page *page, int bit)
{
	return (page->flags >> bit) & 1;
}

#define PageReserved(page)	page_test_flag(page, PG_reserved)
#define SetPageReserved(page)	((page)->flags |= 1u << PG_reserved)
#define ClearPageReserved(page) ((page)->flags &= ~(1u << PG_reserved))
#define PageSlab(page)		page_test_flag(page, PG_slab)
#define SetPageSlab(page)	((page)->flags |= 1u << PG_slab)
#define ClearPageSlab(page)	((page)->flags &= ~(1u << PG_slab))
#define PageHighMem(page)	page_test_flag(page, PG_highmem)
#define PageBuddy(page)		page_test_flag(page, PG_buddy)

#define page_zone(page) (&zone_table[(page)->zone])

/* The page's direct-map address; NULL for a highmem page, which has none. */
static inline void *page_address(const struct page *page)
{
	if (PageHighMem(page))
		return NULL;
	return __va(page_to_pfn(page) << PAGE_SHIFT);
}

#define page_count(page)	((page)->count)
#define set_page_count(page, v) ((page)->count = (v))

/* Take a reference; the page is freed by the put_page() that drops the last one. */
static inline void get_page(struct page *page)
{
	__atomic_add_fetch(&page->count, 1, __ATOMIC_SEQ_CST);
}

void mem_init(void);

struct page *alloc_pages(unsigned int gfp_mask, unsigned int order);
#define alloc_page(gfp_mask) alloc_pages(gfp_mask, 0)
/* Lowmem only (a __GFP_HIGHMEM request is served from NORMAL/DMA): returns a direct-map address or 0. */
unsigned long __get_free_pages(unsigned int gfp_mask, unsigned int order);
#define __get_free_page(gfp_mask) __get_free_pages(gfp_mask, 0)
unsigned long get_zeroed_page(unsigned int gfp_mask);

/* Drop a reference to a block allocated with @order; free it on the last one. */
void __free_pages(struct page *page, unsigned int order);
#define __free_page(page) __free_pages(page, 0)
void free_pages(unsigned long addr, unsigned int order);
#define free_page(addr) free_pages(addr, 0)
void put_page(struct page *page);

unsigned long nr_free_pages(void);
void show_free_areas(void);

/* For self-tests: take a block from one zone (no fallback, no fault injection). */
struct page *rmqueue(zone_t *zone, unsigned int order);
/* Check a zone's free lists and counters against mem_map; 0 if consistent, else prints why. */
int check_zone(zone_t *zone);

/*
 * Hooks the host's AddressSanitizer build defines (tests/unit/guest_shim)
 * to mark pages unusable while they are free; nothing in the guest.
 */
#ifndef kasan_alloc_pages
static inline void kasan_alloc_pages(struct page *page, unsigned int order)
{
	(void)page;
	(void)order;
}
static inline void kasan_free_pages(struct page *page, unsigned int order)
{
	(void)page;
	(void)order;
}
#endif

#endif /* GUEST_MM_H */
