// SPDX-License-Identifier: GPL-2.0
/*
 * The boot memory map and a bump allocator for boot-time page tables and
 * mem_map (Linux 2.4 mm/bootmem.c, reduced: nothing is freed at boot, so
 * a bitmap would only say "everything below bootmem_next_pfn").
 */
#include <bootmem.h>
#include <kernel.h>
#include <string.h>

#include "shared/layout.h"
#include "shared/multiboot.h"

struct boot_mem_range boot_mem_map[BOOT_MEM_MAP_MAX];
int boot_mem_map_nr;

unsigned long max_pfn;
unsigned long max_low_pfn;
unsigned long min_low_pfn;
unsigned long bootmem_next_pfn;
unsigned long bootmem_top_pfn;

static unsigned long bootmem_limit_pfn; /* what is mapped now; see bootmem_set_limit() */
static int bootmem_finished;

extern char _end[];

void add_memory_region(uint64_t addr, uint64_t len, uint32_t type)
{
	if (!len)
		return;
	if (boot_mem_map_nr == BOOT_MEM_MAP_MAX) {
		printk(KERN_WARNING "memory map: more than %d ranges, ignoring %016llx+%llx\n",
		       BOOT_MEM_MAP_MAX, (unsigned long long)addr, (unsigned long long)len);
		return;
	}
	boot_mem_map[boot_mem_map_nr].addr = addr;
	boot_mem_map[boot_mem_map_nr].len = len;
	boot_mem_map[boot_mem_map_nr].type = type;
	boot_mem_map_nr++;
}

int page_is_ram(unsigned long pfn)
{
	uint64_t start = (uint64_t)pfn << PAGE_SHIFT, end = start + PAGE_SIZE;
	int i, ram = 0;

	for (i = 0; i < boot_mem_map_nr; i++) {
		const struct boot_mem_range *r = &boot_mem_map[i];

		if (start < r->addr || end > r->addr + r->len) {
			/* A reserved range overlapping the frame at all wins. */
			if (r->type != MULTIBOOT_MEMORY_AVAILABLE && start < r->addr + r->len &&
			    r->addr < end)
				return 0;
			continue;
		}
		if (r->type != MULTIBOOT_MEMORY_AVAILABLE)
			return 0;
		ram = 1;
	}
	return ram;
}

void setup_bootmem(void)
{
	uint64_t end = 0;
	int i;

	for (i = 0; i < boot_mem_map_nr; i++) {
		const struct boot_mem_range *r = &boot_mem_map[i];

		if (r->type == MULTIBOOT_MEMORY_AVAILABLE && r->addr + r->len > end)
			end = r->addr + r->len;
	}
	if (end > (4ull << 30)) {
		printk(KERN_WARNING "Ignoring RAM above 4 GiB (%llu MiB)\n",
		       (unsigned long long)(end >> 20));
		end = 4ull << 30;
	}
	max_pfn = (unsigned long)(end >> PAGE_SHIFT);
	max_low_pfn = max_pfn < (MAXMEM >> PAGE_SHIFT) ? max_pfn : (MAXMEM >> PAGE_SHIFT);
	min_low_pfn = PFN_UP(__pa(_end));
	bootmem_next_pfn = min_low_pfn;
	bootmem_top_pfn = max_low_pfn;
	bootmem_limit_pfn = EARLY_MAP_SIZE >> PAGE_SHIFT;
	if (bootmem_limit_pfn > max_low_pfn)
		bootmem_limit_pfn = max_low_pfn;

	if (!page_is_ram(min_low_pfn))
		panic("no RAM right after the kernel image (pfn %#lx)", min_low_pfn);
	printk(KERN_NOTICE "%luMB LOWMEM available.\n", max_low_pfn >> (20 - PAGE_SHIFT));
	if (max_pfn > max_low_pfn)
		printk(KERN_NOTICE "%luMB HIGHMEM available.\n",
		       (max_pfn - max_low_pfn) >> (20 - PAGE_SHIFT));
	printk(KERN_INFO "kernel image: %08lx - %08lx, first free pfn %#lx\n",
	       __pa(KERNEL_VIRT_START), __pa(_end), min_low_pfn);
}

void bootmem_set_limit(unsigned long limit_pfn)
{
	bootmem_limit_pfn = limit_pfn < max_low_pfn ? limit_pfn : max_low_pfn;
}

void *alloc_bootmem_low_pages(unsigned long size)
{
	unsigned long pages = PFN_UP(size), pfn;
	void *p;

	if (bootmem_finished)
		panic("alloc_bootmem_low_pages(%lu) after bootmem_done()", size);
	if (pages > min(bootmem_limit_pfn, bootmem_top_pfn) - bootmem_next_pfn)
		panic("alloc_bootmem_low_pages(%lu): out of low memory (next pfn %#lx, limit %#lx)",
		      size, bootmem_next_pfn, min(bootmem_limit_pfn, bootmem_top_pfn));
	for (pfn = bootmem_next_pfn; pfn < bootmem_next_pfn + pages; pfn++)
		if (!page_is_ram(pfn))
			panic("alloc_bootmem_low_pages(%lu): pfn %#lx is not RAM", size, pfn);
	p = __va(PFN_PHYS(bootmem_next_pfn));
	bootmem_next_pfn += pages;
	memset(p, 0, pages << PAGE_SHIFT);
	return p;
}

void *alloc_bootmem_pages(unsigned long size)
{
	unsigned long pages = PFN_UP(size), floor = ZONE_DMA_LIMIT >> PAGE_SHIFT, pfn;
	void *p;

	if (bootmem_finished)
		panic("alloc_bootmem_pages(%lu) after bootmem_done()", size);
	if (floor < bootmem_next_pfn)
		floor = bootmem_next_pfn;
	/* Only lowmem that is mapped now, and only above ZONE_DMA. */
	if (bootmem_limit_pfn < max_low_pfn || bootmem_top_pfn < floor ||
	    pages > bootmem_top_pfn - floor)
		return alloc_bootmem_low_pages(size);
	for (pfn = bootmem_top_pfn - pages; pfn < bootmem_top_pfn; pfn++)
		if (!page_is_ram(pfn))
			return alloc_bootmem_low_pages(size);
	bootmem_top_pfn -= pages;
	p = __va(PFN_PHYS(bootmem_top_pfn));
	memset(p, 0, pages << PAGE_SHIFT);
	return p;
}

unsigned long bootmem_done(void)
{
	bootmem_finished = 1;
	return bootmem_next_pfn;
}
