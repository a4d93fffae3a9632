// SPDX-License-Identifier: GPL-2.0
/*
 * The physical page allocator: mem_map, three zones, and a binary buddy
 * allocator per zone (Linux 2.4 mm/page_alloc.c, mm/bootmem.c's
 * free_all_bootmem and arch/i386/mm/init.c's mem_init).
 *
 * Blocks are aligned to their size in absolute pfns, so a block's buddy
 * is at pfn ^ (1 << order).  Merging also requires the buddy to be in the
 * same zone, so a zone boundary that is not 4 MiB aligned (the end of
 * RAM) is safe.  One spinlock per zone; interrupts are always off here.
 */
#include <bootmem.h>
#include <kernel.h>
#include <mm.h>
#include <percpu.h>
#include <string.h>

#include "shared/multiboot.h"

struct page *mem_map;
unsigned long max_mapnr;
unsigned long num_physpages;
unsigned long totalram_pages;
unsigned long totalhigh_pages;
void *high_memory;
zone_t zone_table[MAX_NR_ZONES];

unsigned long fail_page_alloc_nth;
unsigned long fail_page_alloc_calls;
unsigned long fail_page_alloc_injected;
unsigned long page_alloc_errors;

static const char *const zone_names[MAX_NR_ZONES] = { "DMA", "Normal", "HighMem" };

/*
 * Where each kind of request may be served from, in order of preference
 * (2.4's zonelists): -1 ends a list.
 */
static const int zonelist_dma[] = { ZONE_DMA, -1 };
static const int zonelist_normal[] = { ZONE_NORMAL, ZONE_DMA, -1 };
static const int zonelist_highmem[] = { ZONE_HIGHMEM, ZONE_NORMAL, ZONE_DMA, -1 };

static const int *gfp_zonelist(unsigned int gfp_mask)
{
	if (gfp_mask & __GFP_DMA)
		return zonelist_dma;
	if (gfp_mask & __GFP_HIGHMEM)
		return zonelist_highmem;
	return zonelist_normal;
}

static void bad_page(const char *fn, const struct page *page, const char *why)
{
	stat_inc(page_alloc_errors);
	printk(KERN_ERR "%s: pfn %#lx %s (flags %#x count %d order %u)\n", fn, page_to_pfn(page),
	       why, (unsigned int)page->flags, (int)page->count, (unsigned int)page->order);
}

int should_fail(unsigned long *nth, unsigned long *injected, const char *what)
{
	if (*nth == 0 || --*nth != 0)
		return 0;
	(*injected)++;
	printk(KERN_INFO "FAULT_INJECTION: failing this %s call\n", what);
	return 1;
}

static void list_add_block(free_area_t *area, struct page *page)
{
	page->prev = NULL;
	page->next = area->free_list;
	if (page->next)
		page->next->prev = page;
	area->free_list = page;
	area->nr_free++;
}

static void list_del_block(free_area_t *area, struct page *page)
{
	if (page->prev)
		page->prev->next = page->next;
	else
		area->free_list = page->next;
	if (page->next)
		page->next->prev = page->prev;
	page->next = page->prev = NULL;
	area->nr_free--;
}

/* Put a block (count already 0) on its zone's free lists, merging it with free buddies. */
static void __free_pages_ok(struct page *page, unsigned int order)
{
	zone_t *zone = page_zone(page);
	unsigned long pfn = page_to_pfn(page);
	unsigned long flags;

	/* As 2.4: interrupts off while the zone is locked. */
	spin_lock_irqsave(&zone->lock, flags);
	zone->free_pages += 1u << order;
	while (order < MAX_ORDER - 1) {
		unsigned long buddy_pfn = pfn ^ (1ul << order);
		struct page *buddy;

		if (buddy_pfn >= max_mapnr)
			break;
		buddy = pfn_to_page(buddy_pfn);
		if (!PageBuddy(buddy) || buddy->order != order || buddy->zone != page->zone)
			break;
		list_del_block(&zone->free_area[order], buddy);
		buddy->flags &= ~(1u << PG_buddy);
		pfn &= ~(1ul << order);
		order++;
	}
	page = pfn_to_page(pfn);
	page->flags |= 1u << PG_buddy;
	page->order = order;
	list_add_block(&zone->free_area[order], page);
	spin_unlock_irqrestore(&zone->lock, flags);
}

struct page *rmqueue(zone_t *zone, unsigned int order)
{
	unsigned long flags;
	unsigned int cur;

	spin_lock_irqsave(&zone->lock, flags);
	for (cur = order; cur < MAX_ORDER; cur++) {
		struct page *page = zone->free_area[cur].free_list;

		if (!page)
			continue;
		list_del_block(&zone->free_area[cur], page);
		page->flags &= ~(1u << PG_buddy);
		zone->free_pages -= 1u << order;
		/* Keep the lower half, give back the upper halves. */
		while (cur > order) {
			struct page *half;

			cur--;
			half = page + (1u << cur);
			half->flags |= 1u << PG_buddy;
			half->order = cur;
			list_add_block(&zone->free_area[cur], half);
		}
		spin_unlock_irqrestore(&zone->lock, flags);
		if (page->count != 0 || PageReserved(page) || PageSlab(page))
			bad_page("rmqueue", page, "was on a free list but is in use");
		page->order = order;
		set_page_count(page, 1);
		kasan_alloc_pages(page, order);
		return page;
	}
	spin_unlock_irqrestore(&zone->lock, flags);
	return NULL;
}

struct page *alloc_pages(unsigned int gfp_mask, unsigned int order)
{
	const int *z;

	stat_inc(fail_page_alloc_calls);
	if (order >= MAX_ORDER)
		return NULL;
	if (should_fail(&fail_page_alloc_nth, &fail_page_alloc_injected, "alloc_pages"))
		return NULL;
	for (z = gfp_zonelist(gfp_mask); *z >= 0; z++) {
		struct page *page = rmqueue(&zone_table[*z], order);

		if (page)
			return page;
	}
	printk(KERN_NOTICE "__alloc_pages: %u-order allocation failed (gfp=%#x)\n", order,
	       gfp_mask);
	return NULL;
}

unsigned long __get_free_pages(unsigned int gfp_mask, unsigned int order)
{
	struct page *page = alloc_pages(gfp_mask & ~__GFP_HIGHMEM, order);

	return page ? (unsigned long)page_address(page) : 0;
}

unsigned long get_zeroed_page(unsigned int gfp_mask)
{
	unsigned long addr = __get_free_page(gfp_mask);

	if (addr)
		memset((void *)addr, 0, PAGE_SIZE);
	return addr;
}

/* Is freeing (a reference to) this block a mistake?  Reports it if so. */
static int bad_free(const char *fn, struct page *page, unsigned int order)
{
	if (!page) {
		stat_inc(page_alloc_errors);
		printk(KERN_ERR "%s: NULL page\n", fn);
		return 1;
	}
	if (!VALID_PAGE(page)) {
		stat_inc(page_alloc_errors);
		printk(KERN_ERR "%s: %p is not a page of mem_map\n", fn, (void *)page);
		return 1;
	}
	if (order >= MAX_ORDER) {
		bad_page(fn, page, "freed with an order above MAX_ORDER - 1");
		return 1;
	}
	if (PageReserved(page)) {
		bad_page(fn, page, "is reserved");
		return 1;
	}
	if (PageBuddy(page) || page->count <= 0) {
		bad_page(fn, page, "is already free (or not the first page of a block)");
		return 1;
	}
	if (PageSlab(page)) {
		bad_page(fn, page, "belongs to kmalloc");
		return 1;
	}
	if (page->order != order) {
		stat_inc(page_alloc_errors);
		printk(KERN_ERR "%s: pfn %#lx was allocated with order %u, freed with order %u\n",
		       fn, page_to_pfn(page), (unsigned int)page->order, order);
		return 1;
	}
	return 0;
}

static void free_block(struct page *page, unsigned int order)
{
	if (__atomic_sub_fetch(&page->count, 1, __ATOMIC_SEQ_CST) != 0)
		return;
	if (!PageHighMem(page))
		memset(page_address(page), PAGE_POISON, PAGE_SIZE << order);
	kasan_free_pages(page, order);
	__free_pages_ok(page, order);
}

void __free_pages(struct page *page, unsigned int order)
{
	if (bad_free("__free_pages", page, order))
		return;
	free_block(page, order);
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (addr == 0)
		return;
	if (!virt_addr_valid((void *)addr) || (addr & (PAGE_SIZE - 1))) {
		stat_inc(page_alloc_errors);
		printk(KERN_ERR "free_pages: %#lx is not a page of the direct map\n", addr);
		return;
	}
	__free_pages(virt_to_page(addr), order);
}

/*
 * A reserved page's count starts at 1 (the kernel's own reference): a
 * get_page()/put_page() pair on it is fine, dropping that last reference
 * is not.  Any other page is freed on its last reference.
 */
void put_page(struct page *page)
{
	if (page && VALID_PAGE(page) && PageReserved(page)) {
		if (page->count <= 1) {
			bad_page("put_page", page,
				 "is reserved: its last reference is the kernel's");
			return;
		}
		__atomic_sub_fetch(&page->count, 1, __ATOMIC_SEQ_CST);
		return;
	}
	if (bad_free("put_page", page, page ? page->order : 0))
		return;
	free_block(page, page->order);
}

unsigned long nr_free_pages(void)
{
	unsigned long sum = 0;
	int i;

	for (i = 0; i < MAX_NR_ZONES; i++)
		sum += zone_table[i].free_pages;
	return sum;
}

void show_free_areas(void)
{
	int i;
	unsigned int k;

	for (i = 0; i < MAX_NR_ZONES; i++) {
		zone_t *zone = &zone_table[i];

		if (!zone->size)
			continue;
		printk(KERN_INFO "%s:", zone->name);
		for (k = 0; k < MAX_ORDER; k++)
			printk(" %u*%ukB", (unsigned int)zone->free_area[k].nr_free,
			       (PAGE_SIZE >> 10) << k);
		printk(" = %lukB\n", (unsigned long)zone->free_pages * (PAGE_SIZE >> 10));
	}
}

static int zone_err(const zone_t *zone, const char *why, unsigned long a, unsigned long b)
{
	printk(KERN_ERR "check_zone(%s): %s (%#lx, %#lx)\n", zone->name, why, a, b);
	return -1;
}

int check_zone(zone_t *zone)
{
	unsigned long pfn, end = zone->zone_start_pfn + zone->size;
	unsigned long listed = 0, scanned_free = 0, used = 0;
	unsigned int k;
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&zone->lock, flags);
	for (k = 0; k < MAX_ORDER && !ret; k++) {
		const struct page *page, *prev = NULL;
		unsigned long n = 0;

		for (page = zone->free_area[k].free_list; page; prev = page, page = page->next) {
			if (!VALID_PAGE(page)) {
				ret = zone_err(zone, "free list entry outside mem_map", k,
					       (uintptr_t)page);
				break;
			}
			pfn = page_to_pfn(page);
			if (!PageBuddy(page) || page->order != k || page->prev != prev ||
			    page->count != 0 || PageReserved(page) || (pfn & ((1ul << k) - 1)) ||
			    pfn < zone->zone_start_pfn || pfn + (1ul << k) > end) {
				ret = zone_err(zone, "bad block on free list (order, pfn)", k, pfn);
				break;
			}
			if (++n > zone->managed_pages) {
				ret = zone_err(zone, "free list loops (order, blocks)", k, n);
				break;
			}
		}
		if (!ret && n != zone->free_area[k].nr_free)
			ret = zone_err(zone, "nr_free disagrees with the list (listed, nr_free)", n,
				       zone->free_area[k].nr_free);
		listed += n << k;
	}
	if (!ret && listed != zone->free_pages)
		ret = zone_err(zone, "free_pages disagrees with the lists (listed, free_pages)",
			       listed, zone->free_pages);
	for (pfn = zone->zone_start_pfn; pfn < end && !ret;) {
		const struct page *page = pfn_to_page(pfn);

		if (PageBuddy(page)) {
			if (page->order >= MAX_ORDER) {
				ret = zone_err(zone, "free block with a bad order (pfn, order)",
					       pfn, page->order);
				break;
			}
			scanned_free += 1ul << page->order;
			pfn += 1ul << page->order;
			continue;
		}
		if (!PageReserved(page))
			used++;
		pfn++;
	}
	if (!ret && scanned_free != zone->free_pages)
		ret = zone_err(
			zone, "free blocks in mem_map disagree with free_pages (found, free_pages)",
			scanned_free, zone->free_pages);
	if (!ret && scanned_free + used != zone->managed_pages)
		ret = zone_err(zone, "free + used != total (free + used, total)",
			       scanned_free + used, zone->managed_pages);
	spin_unlock_irqrestore(&zone->lock, flags);
	return ret;
}

static int pfn_zone(unsigned long pfn)
{
	if (pfn < (ZONE_DMA_LIMIT >> PAGE_SHIFT))
		return ZONE_DMA;
	if (pfn < max_low_pfn)
		return ZONE_NORMAL;
	return ZONE_HIGHMEM;
}

static void zone_init(int nr, unsigned long start_pfn, unsigned long end_pfn)
{
	zone_t *zone = &zone_table[nr];

	memset(zone, 0, sizeof(*zone));
	spin_lock_init(&zone->lock, LOCK_CLASS_ZONE);
	zone->name = zone_names[nr];
	if (end_pfn > start_pfn) {
		zone->zone_start_pfn = start_pfn;
		zone->size = end_pfn - start_pfn;
	}
}

/* Give the RAM frames of [start_pfn, end_pfn) above the boot allocations to the buddy allocator. */
static void free_ram_range(unsigned long start_pfn, unsigned long end_pfn, unsigned long first_free)
{
	unsigned long pfn;

	for (pfn = start_pfn; pfn < end_pfn; pfn++) {
		struct page *page = pfn_to_page(pfn);
		zone_t *zone = page_zone(page);

		if (!PageReserved(page))
			continue; /* listed twice in the memory map */
		zone->present_pages++;
		num_physpages++;
		if (pfn < first_free || (pfn >= bootmem_top_pfn && pfn < max_low_pfn))
			continue; /* boot allocations, from the bottom and from the top */
		ClearPageReserved(page);
		set_page_count(page, 0);
		zone->managed_pages++;
		__free_pages_ok(page, 0);
	}
}

void mem_init(void)
{
	unsigned long pfn, first_free, dma_end;
	int i;

	max_mapnr = max_pfn;
	high_memory = __va(max_low_pfn << PAGE_SHIFT);
	/* Top-down, as 2.4 does: at 3 GiB mem_map alone would fill ZONE_DMA. */
	mem_map = alloc_bootmem_pages(max_pfn * sizeof(struct page));
	if (!mem_map)
		panic("mem_init: no memory for mem_map (%lu pages)", max_pfn);
	bootmem_done();
	first_free = bootmem_next_pfn; /* after mem_map: nothing below it may be freed */

	dma_end = ZONE_DMA_LIMIT >> PAGE_SHIFT;
	if (dma_end > max_low_pfn)
		dma_end = max_low_pfn;
	zone_init(ZONE_DMA, 0, dma_end);
	zone_init(ZONE_NORMAL, dma_end, max_low_pfn);
	zone_init(ZONE_HIGHMEM, max_low_pfn, max_pfn);
	num_physpages = totalram_pages = totalhigh_pages = 0;

	for (pfn = 0; pfn < max_pfn; pfn++) {
		struct page *page = pfn_to_page(pfn);

		memset(page, 0, sizeof(*page));
		page->flags = 1u << PG_reserved;
		if (pfn >= max_low_pfn)
			page->flags |= 1u << PG_highmem;
		page->zone = pfn_zone(pfn);
		set_page_count(page, 1);
	}

	for (i = 0; i < boot_mem_map_nr; i++) {
		const struct boot_mem_range *r = &boot_mem_map[i];
		uint64_t start = PFN_UP(r->addr);
		uint64_t end = PFN_DOWN(r->addr + r->len);

		if (r->type != MULTIBOOT_MEMORY_AVAILABLE || start >= max_pfn)
			continue;
		if (end > max_pfn)
			end = max_pfn;
		free_ram_range((unsigned long)start, (unsigned long)end, first_free);
	}
	for (i = 0; i < MAX_NR_ZONES; i++) {
		zone_t *zone = &zone_table[i];

		totalram_pages += zone->managed_pages;
		if (i == ZONE_HIGHMEM)
			totalhigh_pages = zone->managed_pages;
		if (!zone->size)
			continue;
		printk(KERN_INFO "Zone %s: %u pages free / %u total (%u present, pfn %#x-%#x)\n",
		       zone->name, (unsigned int)zone->free_pages,
		       (unsigned int)zone->managed_pages, (unsigned int)zone->present_pages,
		       (unsigned int)zone->zone_start_pfn,
		       (unsigned int)(zone->zone_start_pfn + zone->size));
	}
	printk(KERN_INFO "Memory: %luk/%luk available (%luk reserved, %luk highmem)\n",
	       totalram_pages << (PAGE_SHIFT - 10), num_physpages << (PAGE_SHIFT - 10),
	       (num_physpages - totalram_pages) << (PAGE_SHIFT - 10),
	       totalhigh_pages << (PAGE_SHIFT - 10));
}
