// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the readers of guest kernel structures (kstate.c) over
 * arbitrary guest RAM with a synthetic symbol table (fakeguest.h).  The input
 * is guest RAM from FAKE_INPUT_PA on (the kernel's variables first, then
 * whatever they point at).  Runs inspect_init, inspect_read_vmlist (and a
 * /proc/vmallocinfo line per area), inspect_read_zones,
 * inspect_read_counters, inspect_read_page over the first and the last
 * frames, inspect_vmalloc_start, inspect_lowmem_end and inspect_read_kva32.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fakeguest.h"
#include "tests/fuzz/ram.h"
#include "vmm/core/core.h"
#include "vmm/inspect/inspect.h"

#define AREAS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fake_guest g;
	static FILE *null;
	struct guest_kernel gk;
	struct vm_area areas[AREAS];
	struct vmlist_info info;
	struct guest_zone zones[MAX_NR_ZONES];
	struct guest_counters cnt;
	struct guest_page page;
	char err[256] = "", caller[128];
	uint64_t max, end;
	uint32_t start, v;
	int ret;

	if (!null) {
		fake_guest_init(&g);
		/* FUZZ_VERBOSE=1: what was read on stderr, to see what a seed reaches. */
		null = getenv("FUZZ_VERBOSE") ? stderr : fopen("/dev/null", "w");
		if (!null)
			abort();
	}
	fake_guest_fill(&g, data, size);
	/* The symbols are where the table says: only the values vary. */
	ret = inspect_init(&gk, g.vm, &g.syms, err, sizeof(err));
	if (ret)
		fuzz_abort("inspect_init refused the fake guest's symbols", err);

	memset(&info, 0xa5, sizeof(info));
	ret = inspect_read_vmlist(&gk, areas, AREAS, &info);
	if (ret == 0 && info.defect != VMLIST_OK)
		fuzz_abort("inspect_read_vmlist", "0 with a defect");
	if (ret == -EBADMSG &&
	    (info.defect == VMLIST_OK || strncmp(info.msg, "corrupt vmlist", 14)))
		fuzz_abort("inspect_read_vmlist: -EBADMSG without a defect or message", info.msg);
	if (ret != 0 && ret != -EBADMSG && ret != -ENOMEM)
		fuzz_abort("inspect_read_vmlist", "an error outside its contract");
	if (null == stderr)
		fprintf(stderr, "vmlist: %d, %u nodes, defect %d %s\n", ret, info.nr, info.defect,
			info.defect ? info.msg : "");
	for (unsigned int i = 0; i < info.nr && i < AREAS; i++) {
		bool named = sym_format_addr(&g.syms, areas[i].node, caller, sizeof(caller)) == 0;

		dump_vmallocinfo_line(null, areas[i].addr, areas[i].addr + areas[i].size,
				      named ? caller : NULL, areas[i].size >> 12, areas[i].flags);
		inspect_read_kva32(&gk, areas[i].addr, &v, NULL, 0);
		inspect_read_kva32(&gk, areas[i].node, &v, NULL, 0);
	}

	/* Every reader that fails says why (the error convention). */
	err[0] = 0;
	if (inspect_read_zones(&gk, zones, err, sizeof(err)) && !err[0])
		fuzz_abort("inspect_read_zones", "failed without a message");
	err[0] = 0;
	ret = inspect_read_counters(&gk, &cnt, err, sizeof(err));
	if (ret && !err[0])
		fuzz_abort("inspect_read_counters", "failed without a message");
	if (null == stderr)
		fprintf(stderr, "counters: %d; free pages %u\n", ret, cnt.free_pages);
	inspect_vmalloc_start(&gk, &start, NULL, 0);
	err[0] = 0;
	if (inspect_lowmem_end(&gk, &end, err, sizeof(err)) && !err[0])
		fuzz_abort("inspect_lowmem_end", "failed without a message");
	err[0] = 0;
	if (inspect_max_mapnr(&gk, &max, err, sizeof(err)))
		max = 0;
	for (uint64_t pfn = 0; pfn < 16; pfn++)
		inspect_read_page(&gk, pfn, &page, NULL, 0);
	for (uint64_t pfn = max > 2 ? max - 2 : 0; pfn < max + 2; pfn++) {
		ret = inspect_read_page(&gk, pfn, &page, NULL, 0);
		if (pfn >= max && ret != -ERANGE)
			fuzz_abort("inspect_read_page", "a frame past max_mapnr was read");
	}
	return 0;
}
