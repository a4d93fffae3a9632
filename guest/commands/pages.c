// SPDX-License-Identifier: GPL-2.0
/*
 * The host's commands for the page allocator and kmalloc (shared/abi.h):
 * read their counters, and inject allocation failures.  Also built on
 * the host with the unit tests' stand-ins (tests/unit/mm.mk).
 */
#include <kernel.h>
#include <mailbox.h>
#include <mm.h>
#include <slab.h>

#include "shared/abi.h"

/* results 0..2: free pages in DMA, NORMAL, HIGHMEM; 3: kmalloc objects in use;
 * 4..6: pages each zone manages (free + used); 7: pages kmalloc holds. */
static int cmd_free_pages(const uint32_t *args, uint32_t *results)
{
	uint32_t pages = 0;
	int i;

	(void)args;
	for (i = 0; i < MAX_NR_ZONES; i++) {
		results[i] = zone_table[i].free_pages;
		results[4 + i] = zone_table[i].managed_pages;
	}
	results[3] = (uint32_t)kmalloc_objects_in_use();
	for (i = 0; i < KMALLOC_NR_CLASSES; i++)
		pages += kmalloc_stats[i].pages;
	results[7] = pages;
	return ST_OK;
}
DEFINE_CMD(CMD_FREE_PAGES, cmd_free_pages);

/* arg0: FI_ALLOC_PAGE or FI_KMALLOC, arg1: fail the Nth call from now (0 = off)
 * -> result0: calls so far, result1: failures injected so far (before this command). */
static int cmd_fault_inject(const uint32_t *args, uint32_t *results)
{
	switch (args[0]) {
	case FI_ALLOC_PAGE:
		results[0] = (uint32_t)fail_page_alloc_calls;
		results[1] = (uint32_t)fail_page_alloc_injected;
		fail_page_alloc_nth = args[1];
		return ST_OK;
	case FI_KMALLOC:
		results[0] = (uint32_t)failslab_calls;
		results[1] = (uint32_t)failslab_injected;
		failslab_nth = args[1];
		return ST_OK;
	default:
		return ST_EINVAL;
	}
}
DEFINE_CMD(CMD_FAULT_INJECT, cmd_fault_inject);
