// SPDX-License-Identifier: GPL-2.0
/* CMD_PURGE and CMD_VM_UNMAP_ALIASES (shared/abi.h): the lazily freed areas of vmalloc=modern. */
#include <mailbox.h>
#include <tlbflush.h>
#include <vmap_area.h>

#include "shared/abi.h"

/* -> result0: areas purged, result1: the pages they held (0, 0 in 2.4 mode: nothing is lazy). */
static int cmd_purge(const uint32_t *args, uint32_t *results)
{
	uint32_t pages = vmap_lazy_nr;

	(void)args;
	results[0] = (uint32_t)purge_vmap_area_lazy();
	results[1] = results[0] ? pages : 0;
	return ST_OK;
}
DEFINE_CMD(CMD_PURGE, cmd_purge);

/* -> result0: areas purged, result1: tlb_counters.flush_all delta (the full flushes made). */
static int cmd_vm_unmap_aliases(const uint32_t *args, uint32_t *results)
{
	uint32_t flushes = tlb_counters.flush_all;

	(void)args;
	results[0] = (uint32_t)vm_unmap_aliases();
	results[1] = tlb_counters.flush_all - flushes;
	return ST_OK;
}
DEFINE_CMD(CMD_VM_UNMAP_ALIASES, cmd_vm_unmap_aliases);
