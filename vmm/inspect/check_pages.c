// SPDX-License-Identifier: GPL-2.0
/* P1, P2 (spec/checks.md): the frames behind the areas and what an operation did to them. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "shared/mmu.h"
#include "vmm/inspect/check_int.h"

/* P1: every frame an area maps is in use (counts read with the snapshot). */
void judge_p1(struct check_ctx *ctx, const struct snapshot *s)
{
	struct check_violation *v;
	size_t i;

	for (i = 0; i < s->nr_frames; i++) {
		const struct frame *f = &s->frames[i];

		if (s->areas[f->area].flags & VM_IOREMAP)
			continue;
		if (f->count == INT32_MIN) {
			v = viol(ctx, R_P1, f->va, WALK_PTE, 0, f->pfn << PAGE_SHIFT);
			EXPECT(v, "frame covered by mem_map (below pfn 0x%" PRIx64 ")",
			       ctx->max_mapnr);
			ACTUAL(v, "pfn 0x%" PRIx64, f->pfn);
		} else if (f->count < 1 || (f->pg_flags >> PG_buddy) & 1) {
			v = viol(ctx, R_P1, f->va, WALK_PTE, 0, f->pfn << PAGE_SHIFT);
			EXPECT(v, "mapped frame in use: count >= 1, on no free list");
			ACTUAL(v, "pfn 0x%" PRIx64 " count %d flags 0x%x%s", f->pfn, f->count,
			       f->pg_flags,
			       (f->pg_flags >> PG_buddy) & 1 ? " (PG_buddy: on a free list)" : "");
		}
	}
}

static bool is_alloc_cmd(uint32_t cmd)
{
	return cmd == CMD_VMALLOC || cmd == CMD_VMALLOC_DMA || cmd == CMD_VMALLOC_32 ||
	       cmd == CMD_VMAP || cmd == CMD_GET_VM_AREA;
}

/*
 * The freed area's frames, grouped by pfn (sorted: O(n log n), not the
 * O(n^2) of counting each frame's mappings by a scan): a frame mapped k
 * times whose count was k is freed; otherwise its owner keeps it and only
 * the k references of the mapping go.  s supplies the counts now.
 */
static int p2_vfree_frames(struct check_ctx *ctx, const struct snapshot *prev, unsigned int idx,
			   int64_t *expect_freed)
{
	struct frame *fr;
	size_t i, j, n = 0, first = prev->nr_frames;
	struct check_violation *v;

	for (i = 0; i < prev->nr_frames; i++) {
		if (prev->frames[i].area != idx)
			continue;
		if (first == prev->nr_frames)
			first = i;
		n = i + 1 - first; /* an area's frames were read together: one run */
	}
	if (!n)
		return 0;
	fr = malloc(n * sizeof(*fr));
	if (!fr)
		return -ENOMEM;
	memcpy(fr, &prev->frames[first], n * sizeof(*fr));
	qsort(fr, n, sizeof(*fr), frame_cmp);
	for (i = 0; i < n; i = j) {
		const struct frame *f = &fr[i]; /* the lowest va mapping this pfn */
		struct guest_page pg;
		int64_t want;
		int32_t k;

		for (j = i + 1; j < n && fr[j].pfn == f->pfn; j++)
			;
		k = (int32_t)(j - i);
		if (f->area != idx || f->count == INT32_MIN)
			continue;
		if (f->count == k) {
			(*expect_freed)++;
			continue;
		}
		/*
		 * Still held by its owner (vmap): only the mapping's references
		 * dropped.  The count is the guest's: subtract in 64 bits.
		 */
		want = (int64_t)f->count - k;
		if (inspect_read_page(&ctx->gk, f->pfn, &pg, NULL, 0) == 0 && pg.count != want) {
			v = viol(ctx, R_P2, f->va, WALK_PTE, 0, f->pfn << PAGE_SHIFT);
			EXPECT(v,
			       "pfn 0x%" PRIx64 " count %" PRId64
			       " after vfree (was %d, mapped %d times)",
			       f->pfn, want, f->count, k);
			ACTUAL(v, "count %d", pg.count);
		}
	}
	free(fr);
	return 0;
}

/*
 * vmalloc=modern keeps one kmalloc object per busy area, per range pending
 * purge and per free block but the static one: kmalloc's objects change
 * by as much as that count (a vfree moves its object to the purge list; a
 * purge on the way frees or reuses the pending ones).
 */
static void p2_objects(struct check_ctx *ctx, uint32_t va, const char *what,
		       const struct snapshot *prev, const struct snapshot *s)
{
	int64_t want = vmap_objects(s) - vmap_objects(prev);
	int64_t got = (int64_t)s->cnt.kmalloc_in_use - prev->cnt.kmalloc_in_use;
	struct check_violation *v;

	if (got == want)
		return;
	v = viol(ctx, R_P2, va, -1, 0, 0);
	EXPECT(v,
	       "%s: kmalloc objects %+" PRId64 " (busy %u -> %u, pending %u -> %u, free blocks %u "
	       "-> %u)",
	       what, want, prev->tinfo.nr_busy, s->tinfo.nr_busy, prev->tinfo.nr_lazy,
	       s->tinfo.nr_lazy, prev->tinfo.nr_free, s->tinfo.nr_free);
	ACTUAL(v, "objects %u -> %u (%+" PRId64 ")", prev->cnt.kmalloc_in_use,
	       s->cnt.kmalloc_in_use, got);
}

int judge_p2(struct check_ctx *ctx, const struct check_op *op, const struct snapshot *prev,
	     const struct snapshot *s)
{
	int64_t free_delta = (int64_t)s->cnt.free_pages - prev->cnt.free_pages;
	int64_t pt_delta = (int64_t)s->nr_pt_pages - prev->nr_pt_pages;
	int64_t kmp_delta = (int32_t)(s->cnt.kmalloc_pages - prev->cnt.kmalloc_pages);
	struct check_violation *v;
	int ret;

	if (!prev->valid || !prev->cnt_ok || !s->cnt_ok || !prev->vmlist_ok || !s->vmlist_ok)
		return 0;

	if (op->cmd == CMD_VFREE && op->results[0] == 1) {
		unsigned int idx;
		const struct vm_area *a = snap_area_at(prev, op->args[0], &idx);
		int64_t expect_freed = 0;

		if (!a)
			return 0; /* freed an area the previous check did not see */
		ran(ctx, R_P2);
		if (snap_area_at(s, op->args[0], NULL)) {
			v = viol(ctx, R_P2, a->addr, -1, 0, 0);
			EXPECT(v, "the area at 0x%08x gone from vmlist after vfree", a->addr);
			ACTUAL(v, "still listed");
		}
		ret = p2_vfree_frames(ctx, prev, idx, &expect_freed);
		if (ret)
			return ret;
		if (free_delta != expect_freed - kmp_delta - pt_delta) {
			v = viol(ctx, R_P2, a->addr, -1, 0, 0);
			EXPECT(v,
			       "vfree of 0x%08x (%u pages, flags 0x%x) frees %" PRId64
			       " pages (+%" PRId64 " kmalloc pages released)",
			       a->addr, a->size / PAGE_SIZE - 1, a->flags, expect_freed,
			       -kmp_delta);
			ACTUAL(v, "free pages %u -> %u (%+" PRId64 ")", prev->cnt.free_pages,
			       s->cnt.free_pages, free_delta);
		}
		if (s->modern && prev->modern) {
			p2_objects(ctx, a->addr, "vfree", prev, s);
		} else if (s->cnt.kmalloc_in_use + 1 != prev->cnt.kmalloc_in_use) {
			v = viol(ctx, R_P2, a->addr, -1, 0, 0);
			EXPECT(v, "the vm_struct back to kmalloc: objects %u -> %u",
			       prev->cnt.kmalloc_in_use, prev->cnt.kmalloc_in_use - 1);
			ACTUAL(v, "objects %u -> %u", prev->cnt.kmalloc_in_use,
			       s->cnt.kmalloc_in_use);
		}
		return 0;
	}

	if ((op->cmd == CMD_PURGE || op->cmd == CMD_VM_UNMAP_ALIASES) && op->status == ST_OK &&
	    s->modern && prev->modern) {
		ran(ctx, R_P2);
		/* The pages went back at vfree: a purge gives back only kmalloc's. */
		if (free_delta != -pt_delta - kmp_delta) {
			v = viol(ctx, R_P2, 0, -1, 0, 0);
			EXPECT(v, "purge frees no page but kmalloc's: free pages %u -> %" PRId64,
			       prev->cnt.free_pages, prev->cnt.free_pages - pt_delta - kmp_delta);
			ACTUAL(v, "free pages %u -> %u", prev->cnt.free_pages, s->cnt.free_pages);
		}
		if (s->tinfo.nr_lazy) {
			v = viol(ctx, R_P2, s->vr.lazy[0].start, -1, 0, 0);
			EXPECT(v, "purge empties vmap_purge_list");
			ACTUAL(v, "%u ranges (%u pages) still pending", s->tinfo.nr_lazy,
			       s->tinfo.lazy_pages);
		}
		p2_objects(ctx, 0, "purge", prev, s);
		return 0;
	}

	if (is_alloc_cmd(op->cmd) && op->status == ST_FAIL) {
		unsigned int i;

		ran(ctx, R_P2);
		/* Page tables made on the way stay (2.4 never frees kernel page tables). */
		if (free_delta != -pt_delta - kmp_delta) {
			v = viol(ctx, R_P2, 0, -1, 0, 0);
			EXPECT(v,
			       "failed command %u gives every page back: free pages %u -> %" PRId64
			       " (%" PRId64 " new page tables, %" PRId64 " kmalloc pages)",
			       op->cmd, prev->cnt.free_pages,
			       prev->cnt.free_pages - pt_delta - kmp_delta, pt_delta, kmp_delta);
			ACTUAL(v, "free pages %u -> %u", prev->cnt.free_pages, s->cnt.free_pages);
		}
		if (s->modern && prev->modern) {
			p2_objects(ctx, 0, "failed allocation", prev, s);
		} else if (s->cnt.kmalloc_in_use != prev->cnt.kmalloc_in_use) {
			v = viol(ctx, R_P2, 0, -1, 0, 0);
			EXPECT(v, "failed command %u: the vm_struct back to kmalloc (objects %u)",
			       op->cmd, prev->cnt.kmalloc_in_use);
			ACTUAL(v, "objects %u", s->cnt.kmalloc_in_use);
		}
		for (i = 0; i < s->nr_areas; i++) {
			if (snap_area_at(prev, s->areas[i].addr, NULL))
				continue;
			v = viol(ctx, R_P2, s->areas[i].addr, -1, 0, 0);
			EXPECT(v, "failed command %u leaves vmlist as it was", op->cmd);
			ACTUAL(v, "new area [0x%08x, +0x%x)", s->areas[i].addr, s->areas[i].size);
		}
	}
	return 0;
}
