// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the page-table walker and everything built on it, over
 * arbitrary guest RAM.  Input:
 *   byte 0       bit 0 PAE, bit 1 CR4.PSE, bit 2 EFER.NXE, bit 3 RAM size
 *                unknown to the walker (0), bits 4-6 MAXPHYADDR (0 = default,
 *                else 32, 36, 39, 40, 46, 48, 52), bit 7 walk_range all pages
 *   bytes 1-4    CR3
 *   bytes 5-8    a virtual address (walk, dump_vtop)
 *   bytes 9-12   start of a range (walk_range, the snapshots' PTE range)
 *   bytes 13-16  its length
 *   bytes 17-20  a second CR3 (the "after" snapshot of pt_diff)
 *   the rest     guest RAM from guest-physical 0 (RAM bytes, zero-filled)
 * Guest RAM is its own heap block, so any read past it is an ASan report.
 * Runs walk + walk_fprint + dump_vtop, walk_range, dump_tlb, dump_mem, and
 * two pt_snapshot_take with pt_diff and pt_change_format of every change.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/fuzz/ram.h"
#include "vmm/core/core.h"
#include "vmm/inspect/inspect.h"

#define RAM	    (128u << 10) /* 32 pages: enough for PDPT, PGD, PMDs and PTE pages */
#define RANGE_MAX   (1ull << 32)
#define PAGES_LIMIT 4096u /* walk_range with all pages: callbacks before it stops */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct range_arg {
	unsigned int calls;
	uint64_t last_va;
};

static int range_fn(void *arg, const struct walk_result *res)
{
	struct range_arg *a = arg;

	if (a->calls && res->va < a->last_va) {
		fprintf(stderr, "fuzz_walk: walk_range went back from 0x%llx to 0x%llx\n",
			(unsigned long long)a->last_va, (unsigned long long)res->va);
		abort();
	}
	a->last_va = res->va;
	return ++a->calls >= PAGES_LIMIT ? 1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned int maxphy[8] = { 0, 32, 36, 39, 40, 46, 48, 52 };
	static struct guest_mem gm;
	static FILE *null;
	struct fuzz_input in = { data, size };
	struct walk_ctx ctx = { .read = walk_read_gmem, .read_ctx = &gm };
	struct walk_result res;
	struct pt_snapshot before = { 0 }, after = { 0 };
	struct pt_change *changes = NULL;
	struct range_arg ra = { 0 };
	size_t nr = 0;
	uint64_t start, end, cr3b;
	uint8_t flags;
	char line[256], err[256];

	if (!gm.base) {
		gm.base = malloc(RAM);
		gm.size = RAM;
		null = fopen("/dev/null", "w");
		if (!gm.base || !null)
			abort();
	}
	flags = fuzz_u8(&in);
	ctx.mode = (flags & 1) ? WALK_PAE : WALK_2LEVEL;
	ctx.pse = flags & 2;
	ctx.nxe = flags & 4;
	ctx.ram_size = (flags & 8) ? 0 : RAM;
	ctx.maxphyaddr = maxphy[(flags >> 4) & 7];
	ctx.cr3 = fuzz_u32(&in);
	uint32_t va = fuzz_u32(&in);
	start = fuzz_u32(&in);
	end = start + fuzz_u32(&in);
	if (end > RANGE_MAX)
		end = RANGE_MAX;
	cr3b = fuzz_u32(&in);
	fuzz_fill(&in, gm.base, RAM);

	walk(&ctx, va, &res);
	walk_fprint(null, &res);
	dump_vtop(null, &res);
	for (int l = 0; l < WALK_NR_LEVELS; l++)
		walk_entry_at(&res, (enum walk_level)l);

	/* Each call that fails (< 0) must say why (the error convention);
	 * walk_range also returns what range_fn returned to stop it (> 0). */
	err[0] = 0;
	if (walk_range(&ctx, start, end, (flags & 0x80) ? WALK_RANGE_ALL_PAGES : 0, range_fn, &ra,
		       err, sizeof(err)) < 0 &&
	    !err[0])
		fuzz_abort("walk_range", "failed without a message");
	err[0] = 0;
	if (dump_tlb(null, &ctx, err, sizeof(err)) < 0 && !err[0])
		fuzz_abort("dump_tlb", "failed without a message");
	err[0] = 0;
	if (dump_mem(null, &ctx, err, sizeof(err)) < 0 && !err[0])
		fuzz_abort("dump_mem", "failed without a message");

	err[0] = 0;
	if (pt_snapshot_take(&before, &ctx, start, end, err, sizeof(err)) == 0) {
		ctx.cr3 = cr3b;
		if (pt_snapshot_take(&after, &ctx, start, end, err, sizeof(err)) == 0 &&
		    pt_diff(&before, &after, &changes, &nr, err, sizeof(err)) == 0) {
			for (size_t i = 0; i < nr; i++) {
				pt_change_format(&changes[i], ctx.mode, line, sizeof(line));
				pt_flags_str(changes[i].new_value, changes[i].level, line,
					     sizeof(line));
			}
			free(changes);
		}
	}
	pt_snapshot_free(&before);
	pt_snapshot_free(&after);
	return 0;
}
