// SPDX-License-Identifier: GPL-2.0
/*
 * V1 (spec/checks.md): the vmalloc fault.  An address space copies the
 * kernel's PGD entries when it is made; an area whose page table came
 * later is reached there through the fault handler, which copies
 * swapper_pg_dir's entry.  V1 judges each CMD_TOUCH of a mapped page of an
 * area by what the hardware shows: the touch did not fault out, and the
 * address space's entry (PGD in 2-level, PMD under PAE: the one the
 * handler copies) now equals the kernel's.  The guest's vmalloc-fault
 * count is held to what the entry was before the touch: one fault when it
 * was not present, none when it already equalled the kernel's.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "shared/layout.h"
#include "shared/mmu.h"
#include "vmm/inspect/check_int.h"

/* The level whose entry the vmalloc fault copies. */
static enum walk_level v1_level(const struct walk_ctx *wc)
{
	return wc->mode == WALK_PAE ? WALK_PMD : WALK_PGD;
}

/* The entry at v1_level() on the way to va (0 when the walk did not reach it). */
static uint64_t upper_entry(const struct walk_result *res, enum walk_level lvl, bool *reached)
{
	const struct walk_entry *e = walk_entry_at(res, lvl);

	*reached = e != NULL;
	return e ? e->value : 0;
}

int v1_record(struct check_ctx *ctx)
{
	enum walk_level lvl = v1_level(&ctx->vwc);
	uint64_t span = walk_level_span(ctx->vwc.mode, lvl);
	uint64_t va, base = ctx->vstart & ~(span - 1);
	struct walk_result res;
	size_t n = 0;
	bool reached;

	ctx->v1.valid = false;
	if (ctx->same_cr3)
		return 0; /* swapper_pg_dir: its entries are the kernel's by definition */
	if (grow((void **)&ctx->v1.e, &ctx->v1.cap, (VMALLOC_END - base + span - 1) / span,
		 sizeof(*ctx->v1.e)))
		return -ENOMEM;
	for (va = base; va < VMALLOC_END; va += span) {
		walk(&ctx->vwc, va, &res);
		ctx->v1.e[n++] = upper_entry(&res, lvl, &reached);
	}
	ctx->v1.nr = n;
	ctx->v1.base = (uint32_t)base;
	ctx->v1.cr3 = ctx->vwc.cr3;
	ctx->v1.valid = true;
	return 0;
}

/* What v1_record() saw at va in the address space at cr3; false when it did not look. */
static bool entry_before(const struct check_ctx *ctx, uint32_t va, uint64_t *e)
{
	uint64_t span = walk_level_span(ctx->vwc.mode, v1_level(&ctx->vwc));
	uint64_t i;

	if (!ctx->v1.valid || ctx->v1.cr3 != ctx->vwc.cr3 || va < ctx->v1.base)
		return false;
	i = (va - ctx->v1.base) / span;
	if (i >= ctx->v1.nr)
		return false;
	*e = ctx->v1.e[i];
	return true;
}

void judge_v1(struct check_ctx *ctx, const struct check_op *op, const struct snapshot *s)
{
	enum walk_level lvl = v1_level(&ctx->vwc);
	const char *lname = walk_level_name(lvl);
	uint32_t va = op->args[0], faults = op->results[4];
	struct walk_result kres, cres;
	struct check_violation *v;
	uint64_t ke, ce, before = 0;
	bool known, kreached, creached;
	int expect; /* vmalloc faults the touch must have counted; -1: 0 or 1 */

	if (op->cmd != CMD_TOUCH || op->status != ST_OK)
		return;
	/* Only a mapped page of an area: a guard or free page must fault (M2, M3, T2). */
	if (va < ctx->vstart || va >= VMALLOC_END || !s->vmlist_ok || !in_some_area(s, va) ||
	    walk(&ctx->kwc, va, &kres) != WALK_OK)
		return;
	ran(ctx, R_V1);
	ke = upper_entry(&kres, lvl, &kreached);

	/* Before the touch: in init_mm the entries are the kernel's own. */
	if (ctx->same_cr3)
		before = ke;
	known = ctx->same_cr3 || entry_before(ctx, va, &before);
	if (!known)
		expect = -1;
	else if (before == ke)
		expect = 0;
	else if (!(before & _PAGE_PRESENT))
		expect = 1;
	else
		expect = -1; /* a present but different entry: the fault may or may not come */

	if (op->results[0]) {
		v = viol(ctx, R_V1, va, -1, 0, 0);
		EXPECT(v,
		       "the touch of a mapped vmalloc page succeeds (through the vmalloc fault)");
		ACTUAL(v, "it faulted out: vector %u error 0x%x CR2 0x%08x; vmalloc faults +%u",
		       op->results[1], op->results[2], op->results[3], faults);
	}

	walk(&ctx->vwc, va, &cres);
	ce = upper_entry(&cres, lvl, &creached);
	if (!creached || !kreached || ce != ke) {
		v = viol_walk(ctx, R_V1, &cres, (int)lvl);
		EXPECT(v,
		       "after the touch, the %s entry of the address space (CR3 0x%" PRIx64
		       ") equals swapper_pg_dir's: 0x%" PRIx64,
		       lname, ctx->vwc.cr3, ke);
		if (creached)
			ACTUAL(v, "0x%" PRIx64 "%s", ce,
			       (ce & _PAGE_PRESENT) ? "" : " (not present: nothing was copied)");
		else
			ACTUAL(v, "the walk stopped before the %s (%s)", lname,
			       walk_status_str(cres.status));
	}

	if ((expect >= 0 && faults != (uint32_t)expect) || (expect < 0 && faults > 1)) {
		const struct walk_entry *e = walk_entry_at(&cres, lvl);

		v = viol(ctx, R_V1, va, (int)lvl, e ? e->addr : 0, before);
		if (expect >= 0)
			EXPECT(v,
			       "%d vmalloc fault(s) counted: the %s entry was 0x%" PRIx64 " before",
			       expect, lname, before);
		else
			EXPECT(v, "at most one vmalloc fault counted for one touch");
		ACTUAL(v, "vmalloc faults +%u", faults);
	}
}
