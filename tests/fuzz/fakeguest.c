// SPDX-License-Identifier: GPL-2.0
#include "tests/fuzz/fakeguest.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "shared/kstructs.h"
#include "shared/layout.h"
#include "shared/mmu.h"

#define VA(off) (PAGE_OFFSET + FAKE_VARS_PA + (off))

/* Sorted by name, as sym_lookup() needs. */
static struct sym fake_syms[] = {
	{ "high_memory", VA(FAKE_OFF_HIGH_MEMORY), 4, STT_OBJECT, STB_GLOBAL },
	{ "kmalloc_stats", VA(FAKE_OFF_KMALLOC_STATS), FAKE_KMALLOC_CLASSES *KMALLOC_STAT_SIZE,
	  STT_OBJECT, STB_GLOBAL },
	{ "max_mapnr", VA(FAKE_OFF_MAX_MAPNR), 4, STT_OBJECT, STB_GLOBAL },
	{ "mem_map", VA(FAKE_OFF_MEM_MAP), 4, STT_OBJECT, STB_GLOBAL },
	{ "swapper_pg_dir", PAGE_OFFSET + FAKE_SWAPPER_PA, PAGE_SIZE, STT_OBJECT, STB_GLOBAL },
	{ "tlb_counters", VA(FAKE_OFF_TLB_COUNTERS), TLB_CNT_NR * 4, STT_OBJECT, STB_GLOBAL },
	{ "vmalloc_counters", VA(FAKE_OFF_VMALLOC_COUNTERS), VMALLOC_CNT_NR * 4, STT_OBJECT,
	  STB_GLOBAL },
	{ "vmalloc_faults", VA(FAKE_OFF_VMALLOC_FAULTS), 4, STT_OBJECT, STB_GLOBAL },
	{ "vmalloc_start", VA(FAKE_OFF_VMALLOC_START), 4, STT_OBJECT, STB_GLOBAL },
	{ "vmlist", VA(FAKE_OFF_VMLIST), 4, STT_OBJECT, STB_GLOBAL },
	{ "zone_table", VA(FAKE_OFF_ZONE_TABLE), MAX_NR_ZONES *ZONE_STRUCT_SIZE, STT_OBJECT,
	  STB_GLOBAL },
};

void fake_guest_init(struct fake_guest *g)
{
	if (g->vm)
		return;
	g->vm = calloc(1, sizeof(*g->vm));
	if (!g->vm)
		abort();
	g->vm->mem.base = malloc(FAKE_RAM);
	g->vm->mem.size = FAKE_RAM;
	if (!g->vm->mem.base)
		abort();
	g->vm->nr_vcpus = 1;
	g->vm->kvm_fd = g->vm->vm_fd = g->vm->vcpus[0].fd = -1;
	g->vm->vcpus[0].vm = g->vm;
	g->syms = (struct sym_table){ .syms = fake_syms, .nr = ARRAY_SIZE(fake_syms) };
	for (size_t i = 1; i < g->syms.nr; i++)
		if (strcmp(fake_syms[i - 1].name, fake_syms[i].name) >= 0)
			abort(); /* the table above must stay sorted */
}

void fake_guest_fill(struct fake_guest *g, const uint8_t *data, size_t len)
{
	size_t room = FAKE_RAM - FAKE_INPUT_PA;

	memset(g->vm->mem.base, 0, FAKE_RAM);
	memcpy(g->vm->mem.base + FAKE_INPUT_PA, data, len < room ? len : room);
}
