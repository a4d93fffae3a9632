// SPDX-License-Identifier: GPL-2.0
/*
 * A1, A2 (spec/checks.md) on a snapshot's areas (vmlist, or vmalloc=modern's
 * busy tree), and A3 on vmalloc=modern's trees (README "vmalloc=modern").
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "shared/kstructs.h"
#include "shared/layout.h"
#include "shared/mmu.h"
#include "vmm/inspect/check_int.h"

int64_t vmap_objects(const struct snapshot *s)
{
	return (int64_t)s->tinfo.nr_busy + s->tinfo.nr_lazy +
	       (s->tinfo.nr_free ? s->tinfo.nr_free - 1 : 0);
}

long lazy_at(const struct snapshot *s, uint32_t addr)
{
	size_t i;

	for (i = 0; i < s->vr.nr_lazy; i++)
		if (s->vr.lazy[i].start == addr)
			return (long)i;
	return -1;
}

struct tile {
	uint32_t start, end;
	const char *what;
};

static int tile_cmp(const void *a, const void *b)
{
	const struct tile *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

/*
 * A3's second half: busy areas, free blocks and pending ranges cover
 * [VMALLOC_START, VMALLOC_END) exactly once (all three empty before the
 * first allocation), so a pending range is neither busy nor reusable.
 */
static void judge_tiling(struct check_ctx *ctx, const struct snapshot *s)
{
	size_t n = s->nr_areas + s->vr.nr_free + s->vr.nr_lazy, k = 0, i;
	struct check_violation *v;
	uint64_t at = ctx->vstart;
	struct tile *t;

	if (!n)
		return;
	t = malloc(n * sizeof(*t));
	if (!t) {
		observe(ctx->rep, "A3: out of memory for the tiling check");
		return;
	}
	for (i = 0; i < s->nr_areas; i++)
		t[k++] = (struct tile){ s->areas[i].addr, s->areas[i].addr + s->areas[i].size,
					"busy area" };
	for (i = 0; i < s->vr.nr_free; i++)
		t[k++] = (struct tile){ s->vr.free[i].start, s->vr.free[i].end, "free block" };
	for (i = 0; i < s->vr.nr_lazy; i++)
		t[k++] = (struct tile){ s->vr.lazy[i].start, s->vr.lazy[i].end,
					"range pending purge" };
	qsort(t, n, sizeof(*t), tile_cmp);
	for (i = 0; i < n; i++) {
		if (t[i].start == at) {
			at = t[i].end;
			continue;
		}
		v = viol(ctx, R_A3, t[i].start, -1, 0, 0);
		if (t[i].start > at) {
			EXPECT(v, "busy, free and pending ranges cover [0x%08x, 0x%08x)",
			       ctx->vstart, VMALLOC_END);
			ACTUAL(v, "[0x%08" PRIx64 ", 0x%08x) in none of them (next: %s)", at,
			       t[i].start, t[i].what);
		} else {
			EXPECT(v, "no range in two of the busy tree, free tree, purge list");
			ACTUAL(v, "%s [0x%08x, 0x%08x) overlaps %s ending 0x%08" PRIx64, t[i].what,
			       t[i].start, t[i].end, t[i - 1].what, at);
		}
		if (t[i].end > at)
			at = t[i].end;
	}
	if (at != VMALLOC_END) {
		v = viol(ctx, R_A3, at, -1, 0, 0);
		EXPECT(v, "busy, free and pending ranges cover [0x%08x, 0x%08x)", ctx->vstart,
		       VMALLOC_END);
		ACTUAL(v, "they end at 0x%08" PRIx64, at);
	}
	free(t);
}

/* A3: vmalloc=modern's trees and purge list sound, vmlist left NULL, the range tiled. */
static void judge_a3(struct check_ctx *ctx, const struct snapshot *s)
{
	struct check_violation *v;

	ran(ctx, R_A3);
	if (!s->vmlist_ok) {
		v = viol(ctx, R_A3, 0, -1, 0, 0);
		EXPECT(v, "vmap_area trees: red-black, sorted, no overlap, subtree_max_size right; "
			  "purge list agreeing with vmap_lazy_nr");
		ACTUAL(v, "%s", s->tinfo.msg);
		return;
	}
	if (s->vmlist_head) {
		v = viol(ctx, R_A3, 0, -1, ctx->gk.vmlist, s->vmlist_head);
		EXPECT(v, "vmlist NULL in vmalloc=modern");
		ACTUAL(v, "vmlist 0x%08x", s->vmlist_head);
	}
	judge_tiling(ctx, s);
}

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
	if (s->modern)
		judge_a3(ctx, s);
	if (!s->vmlist_ok && s->modern)
		return;
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
