// SPDX-License-Identifier: GPL-2.0
/* A1, A2 (spec/checks.md) on a snapshot's vmlist. */
#include <inttypes.h>

#include "shared/layout.h"
#include "shared/mmu.h"
#include "vmm/inspect/check_int.h"

void judge_areas(struct check_ctx *ctx, const struct snapshot *s)
{
	uint64_t prev_end = 0;
	unsigned int i;

	if (ctx->vstart_bad) {
		struct check_violation *v = viol(ctx, R_A1, ctx->vstart_guest, -1,
						 ctx->gk.vmalloc_start, ctx->vstart_guest);

		EXPECT(v,
		       "vmalloc_start in [high_memory 0x%08" PRIx64 ", VMALLOC_END 0x%08x), page "
		       "aligned (VMALLOC_START 0x%08x; the rules use it)",
		       PAGE_OFFSET + ctx->lowmem_end, VMALLOC_END, ctx->vstart);
		ACTUAL(v, "vmalloc_start (at 0x%" PRIx64 ") holds 0x%08x", ctx->gk.vmalloc_start,
		       ctx->vstart_guest);
	}
	if (!s->vmlist_ok) {
		struct check_violation *v = viol(ctx, R_A1, 0, -1, 0, s->vinfo.bad_node);

		EXPECT(v, "vmlist a NULL-terminated list of direct-map nodes (at most %u)",
		       INSPECT_VMLIST_MAX);
		ACTUAL(v, "%s", s->vinfo.msg);
		return;
	}
	for (i = 0; i < s->nr_areas; i++) {
		const struct vm_area *a = &s->areas[i];
		uint64_t end = (uint64_t)a->addr + a->size;
		struct check_violation *v;

		if (a->addr < ctx->vstart || end > VMALLOC_END ||
		    (a->addr | a->size) & (PAGE_SIZE - 1) || a->size < 2 * PAGE_SIZE) {
			v = viol(ctx, R_A1, a->addr, -1, 0, 0);
			EXPECT(v, "area inside [0x%08x, 0x%08x), page aligned, >= 2 pages",
			       ctx->vstart, VMALLOC_END);
			ACTUAL(v,
			       "area [0x%08x, 0x%08" PRIx64 ") size 0x%x flags 0x%x (node 0x%08x)",
			       a->addr, end, a->size, a->flags, a->node);
		}
		if (i && a->addr < s->areas[i - 1].addr) {
			v = viol(ctx, R_A1, a->addr, -1, 0, 0);
			EXPECT(v, "vmlist sorted by address");
			ACTUAL(v, "area 0x%08x (node 0x%08x) follows area 0x%08x", a->addr, a->node,
			       s->areas[i - 1].addr);
		} else if (i && a->addr < prev_end) {
			v = viol(ctx, R_A1, a->addr, -1, 0, 0);
			EXPECT(v, "areas do not overlap");
			ACTUAL(v,
			       "area 0x%08x (node 0x%08x) starts before the previous one ends "
			       "(0x%08" PRIx64 ")",
			       a->addr, a->node, prev_end);
		}
		/*
		 * A2: the previous area's size includes its guard page, so "no overlap" already
		 * keeps one unmapped page between them; check that it is really unmapped (M2)
		 * and that the next area does not start inside it.
		 */
		if (i && a->addr >= s->areas[i - 1].addr && a->addr < prev_end &&
		    a->addr >= prev_end - PAGE_SIZE) {
			v = viol(ctx, R_A2, a->addr, -1, 0, 0);
			EXPECT(v, "the guard page 0x%08" PRIx64 " between areas",
			       prev_end - PAGE_SIZE);
			ACTUAL(v, "area 0x%08x starts on it", a->addr);
		}
		if (end > prev_end)
			prev_end = end;
	}
}
