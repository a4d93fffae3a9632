/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The boot memory map and the boot-time page allocator (Linux 2.4
 * include/linux/bootmem.h, reduced to a bump allocator: nothing it hands
 * out is ever given back).
 *
 * Physical memory at the end of boot:
 *   [0, min_low_pfn)                 low 1 MiB and the kernel image (_end)
 *   [min_low_pfn, bootmem_next_pfn)  alloc_bootmem_low_pages(): boot page
 *                                    tables
 *   [bootmem_next_pfn, bootmem_top_pfn)  for the buddy allocator (RAM only)
 *   [bootmem_top_pfn, max_low_pfn)   alloc_bootmem_pages(): mem_map
 *   [max_low_pfn, max_pfn)           highmem, for the buddy allocator
 */
#ifndef GUEST_BOOTMEM_H
#define GUEST_BOOTMEM_H

#include <stdint.h>

#include <page.h>

/* One range of the Multiboot memory map; type is MULTIBOOT_MEMORY_AVAILABLE (1) for RAM. */
struct boot_mem_range {
	uint64_t addr, len;
	uint32_t type;
};

#define BOOT_MEM_MAP_MAX 32

extern struct boot_mem_range boot_mem_map[BOOT_MEM_MAP_MAX];
extern int boot_mem_map_nr;

extern unsigned long max_pfn;	       /* end of RAM (exclusive), below 4 GiB */
extern unsigned long max_low_pfn;      /* end of lowmem: min(max_pfn, MAXMEM >> PAGE_SHIFT) */
extern unsigned long min_low_pfn;      /* first pfn after the kernel image */
extern unsigned long bootmem_next_pfn; /* first pfn not yet handed out from the bottom */
extern unsigned long bootmem_top_pfn;  /* lowest pfn handed out from the top; max_low_pfn if none */

/* Add a range to boot_mem_map (kernel/setup.c while parsing Multiboot). */
void add_memory_region(uint64_t addr, uint64_t len, uint32_t type);

/* Is the whole frame RAM according to the memory map? */
int page_is_ram(unsigned long pfn);

/* Compute max_pfn, max_low_pfn, min_low_pfn from the memory map and _end. */
void setup_bootmem(void);

/*
 * Zeroed, page-aligned lowmem, as a direct-map address; panics when
 * lowmem runs out.  Before paging_init() only the early mapping (the
 * first EARLY_MAP_SIZE of RAM) is reachable, and the allocator keeps to it.
 */
void *alloc_bootmem_low_pages(unsigned long size);

/*
 * The same, but kept out of ZONE_DMA where lowmem allows (2.4's
 * alloc_bootmem() goal, MAX_DMA_ADDRESS): taken top-down from the end of
 * lowmem, [bootmem_top_pfn, max_low_pfn).  Falls back to
 * alloc_bootmem_low_pages() before paging_init() or when it does not fit
 * above 16 MiB.  Use it for large tables such as mem_map.
 */
void *alloc_bootmem_pages(unsigned long size);

/* Raise the limit alloc_bootmem_low_pages() keeps to (paging_init, once lowmem is mapped). */
void bootmem_set_limit(unsigned long limit_pfn);

/*
 * No more boot allocations; returns bootmem_next_pfn.  May be called more
 * than once.  Reserved for good: [0, bootmem_next_pfn) and
 * [bootmem_top_pfn, max_low_pfn).
 */
unsigned long bootmem_done(void);

/* What boot.S maps at PAGE_OFFSET (and identity) before paging_init(). */
#define EARLY_MAP_SIZE (16u << 20)

#endif /* GUEST_BOOTMEM_H */
