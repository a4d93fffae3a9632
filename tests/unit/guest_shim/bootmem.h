/* SPDX-License-Identifier: GPL-2.0 */
/* Host stand-in for the guest's bootmem.h: same interface, backed by shim.c's arena. */
#ifndef GUEST_SHIM_BOOTMEM_H
#define GUEST_SHIM_BOOTMEM_H

#include <stdint.h>

struct boot_mem_range {
	uint64_t addr, len;
	uint32_t type;
};

extern struct boot_mem_range boot_mem_map[];
extern int boot_mem_map_nr;
extern unsigned long max_pfn, max_low_pfn, min_low_pfn;
extern unsigned long bootmem_next_pfn;

extern unsigned long bootmem_top_pfn; /* lowest pfn handed out from the top */
void *alloc_bootmem_low_pages(unsigned long size);
void *alloc_bootmem_pages(unsigned long size);
unsigned long bootmem_done(void);

#endif
