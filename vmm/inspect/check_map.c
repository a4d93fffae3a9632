// SPDX-License-Identifier: GPL-2.0
/* M1-M8 (spec/checks.md), judged on the snapshot read by check_snap.c. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "shared/layout.h"
#include "shared/mmu.h"
#include "vmm/inspect/check_int.h"

/* Flags and NX of a leaf: what "protection" means for an entry. */
static uint64_t prot_bits(uint64_t entry)
{
	return entry & (_PAGE_FLAGS_MASK | _PAGE_NX);
}

/* M6 for one page-table page; M3 for a large page or a present PTE outside every area. */
void judge_tables(struct check_ctx *ctx, const struct snapshot *s)
{
	bool pae = ctx->kwc.mode == WALK_PAE;
	struct check_violation *v;
	size_t i;

	for (i = 0; i < ctx->nr_odd; i++) {
		const struct odd_rec *o = &ctx->odd[i];

		switch (o->kind) {
		case ODD_PDPT_BAD:
			v = viol(ctx, R_M6, o->va, o->level, o->eaddr, o->e);
			EXPECT(v,
			       "PDPT entry %u present, without reserved bits, pointing at a "
			       "PMD page in RAM",
			       (unsigned int)(o->va >> PGDIR_SHIFT_PAE));
			if (o->pa)
				ACTUAL(v, "0x%016" PRIx64 ": reserved bits 0x%" PRIx64 " set", o->e,
				       o->pa);
			else
				ACTUAL(v, "0x%016" PRIx64 " (%s)", o->e,
				       (o->e & _PAGE_PRESENT) ? "points outside guest RAM"
							      : "not present");
			break;
		case ODD_NOT_NONE:
			v = viol(ctx, R_M6, o->va, o->level, o->eaddr, o->e);
			EXPECT(v, "page-table entry none or present (_KERNPG_TABLE)");
			ACTUAL(v, "not present but not none (pmd_bad)");
			break;
		case ODD_RESERVED:
			v = viol(ctx, R_M6, o->va, o->level, o->eaddr, o->e);
			EXPECT(v, "page-table entry without reserved bits");
			ACTUAL(v, "reserved bits 0x%" PRIx64 " set", o->pa);
			break;
		case ODD_LARGE: {
			/* vmalloc never makes large pages: M1 inside an area, M3 outside. */
			uint64_t first_va = o->va < ctx->vstart ? ctx->vstart : o->va;
			uint64_t span = walk_level_span(ctx->kwc.mode, (enum walk_level)o->level);

			if (in_some_area(s, first_va) || !s->vmlist_ok)
				break;
			v = viol(ctx, R_M3, first_va, o->level, o->eaddr, o->e);
			EXPECT(v, "nothing mapped outside every area");
			ACTUAL(v, "a %s large page maps [0x%08" PRIx64 ", 0x%08" PRIx64 ")",
			       pae ? "2M" : "4M", o->va, o->va + span);
			break;
		}
		case ODD_STRAY_PTE:
			v = viol(ctx, R_M3, o->va, WALK_PTE, o->eaddr, o->e);
			EXPECT(v, "no present PTE outside every area");
			ACTUAL(v, "present PTE for 0x%08" PRIx64 " (frame 0x%" PRIx64 ")", o->va,
			       o->pa);
			break;
		}
	}
	for (i = 0; i < ctx->nr_tables; i++) {
		const struct table_rec *t = &ctx->tables[i];

		/* The PAE PMD page of the top GiB hangs off a PDPT entry: no flags to judge. */
		if (t->level != WALK_PGD || !pae) {
			if (table_entry_bad(t->e)) {
				v = viol(ctx, R_M6, t->va, t->level, t->eaddr, t->e);
				EXPECT(v,
				       "page-table entry with exactly _KERNPG_TABLE flags (0x%x)",
				       _KERNPG_TABLE);
				ACTUAL(v, "flags 0x%03" PRIx64 " (pmd_bad)",
				       t->e & _PAGE_FLAGS_MASK);
			}
		}
		if (!t->in_ram) {
			v = viol(ctx, R_M6, t->va, t->level, t->eaddr, t->e);
			EXPECT(v, "page table inside guest RAM (0x%" PRIx64 " bytes)",
			       ctx->vm->mem.size);
			ACTUAL(v, "page table at pa 0x%" PRIx64, t->pa);
		} else if (t->pa >= ctx->lowmem_end) {
			v = viol(ctx, R_M6, t->va, t->level, t->eaddr, t->e);
			EXPECT(v, "page table in lowmem (below 0x%" PRIx64 ")", ctx->lowmem_end);
			ACTUAL(v, "page table at pa 0x%" PRIx64, t->pa);
		} else if (t->pg_ret) {
			v = viol(ctx, R_M6, t->va, t->level, t->eaddr, t->e);
			EXPECT(v, "page table frame covered by mem_map");
			ACTUAL(v, "pfn 0x%" PRIx64 ": %s", t->pa >> PAGE_SHIFT,
			       strerror(-t->pg_ret));
		} else if (t->pg.count < 1 || (t->pg.flags >> PG_buddy) & 1) {
			v = viol(ctx, R_M6, t->va, t->level, t->eaddr, t->e);
			EXPECT(v, "page table frame in use: count >= 1, not PG_buddy");
			ACTUAL(v, "pfn 0x%" PRIx64 " count %d flags 0x%x%s", t->pa >> PAGE_SHIFT,
			       t->pg.count, t->pg.flags,
			       (t->pg.flags >> PG_buddy) & 1 ? " (on a free list)" : "");
		}
	}
}

/* M1 for one mapped page: the table entries on the way and the PTE. */
static void check_mapping(struct check_ctx *ctx, const struct vm_area *a,
			  const struct walk_result *res, uint64_t want_prot, uint64_t ad_ok)
{
	struct check_violation *v;
	unsigned int i;

	if (res->status != WALK_OK) {
		v = viol_walk(ctx, R_M1, res, -1);
		EXPECT(v, "page %u of the %s area at 0x%08x mapped (PTE flags 0x%03" PRIx64 ")",
		       (unsigned int)((res->va - a->addr) >> PAGE_SHIFT),
		       a->flags & VM_ALLOC ? "VM_ALLOC" : "VM_MAP", a->addr, want_prot);
		ACTUAL(v, "%s at %s", walk_status_str(res->status),
		       walk_level_name(res->fail_level));
		return;
	}
	for (i = 0; i + 1 < res->nr_entries; i++) {
		const struct walk_entry *e = &res->entries[i];

		if (e->folded)
			continue;
		if (res->mode == WALK_PAE && e->level == WALK_PGD)
			continue; /* a PDPT entry has P only: the walker checked its reserved bits */
		if (table_entry_bad(e->value)) {
			v = viol(ctx, R_M1, res->va, (int)e->level, e->addr, e->value);
			EXPECT(v,
			       "%s entry with the kernel page-table flags _KERNPG_TABLE (0x%03x)",
			       e->name, _KERNPG_TABLE);
			ACTUAL(v, "flags 0x%03" PRIx64, e->value & _PAGE_FLAGS_MASK);
			return;
		}
	}
	if (res->leaf_level != WALK_PTE) {
		v = viol_walk(ctx, R_M1, res, (int)res->leaf_level);
		EXPECT(v, "a 4K PTE");
		ACTUAL(v, "a %uK page at the %s level", res->page_size >> 10,
		       walk_level_name(res->leaf_level));
		return;
	}
	if ((prot_bits(res->leaf) & ~ad_ok) != (want_prot & ~ad_ok)) {
		v = viol_walk(ctx, R_M1, res, WALK_PTE);
		EXPECT(v, "PTE protection 0x%03" PRIx64 "%s", want_prot,
		       ad_ok ? " (A/D may be set by the CPU)" : "");
		ACTUAL(v, "PTE protection 0x%03" PRIx64, prot_bits(res->leaf));
		return;
	}
	/* A frame outside RAM is the walker's WALK_OUTSIDE_RAM, reported above. */
}

/* M1 and M2 over the walked pages of every area. */
void judge_pages(struct check_ctx *ctx, const struct snapshot *s)
{
	const struct area_hist *h = NULL;
	uint64_t want_prot = 0, ad_ok = 0;
	bool must_map = false;
	uint32_t area = UINT32_MAX;
	size_t i;

	for (i = 0; i < ctx->nr_pages; i++) {
		const struct page_rec *p = &ctx->pages[i];
		const struct vm_area *a = &s->areas[p->area];
		const struct walk_result *res = &p->res;
		struct check_violation *v;

		if (p->area != area) {
			area = p->area;
			h = hist_find(ctx, a->addr);
			want_prot = ctx->pte_kernel;
			ad_ok = 0;
			must_map = a->flags & VM_ALLOC;
			/* A vmap area is checked like a vmalloc one when the checker saw the vmap. */
			if ((a->flags & VM_MAP) && h && h->prot_known) {
				must_map = true;
				want_prot = h->prot;
				ad_ok = _PAGE_ACCESSED | _PAGE_DIRTY;
			}
		}
		if (p->guard) {
			if (res->status == WALK_NOT_PRESENT &&
			    (res->fail_level != WALK_PTE ||
			     res->entries[res->nr_entries - 1].value == 0))
				continue;
			v = viol_walk(ctx, R_M2, res, -1);
			EXPECT(v, "guard page of the area at 0x%08x not mapped (pte_none)",
			       a->addr);
			ACTUAL(v, "%s",
			       res->status == WALK_OK ? "mapped"
						      : "PTE not none (swap-like entry)");
		} else if (must_map) {
			check_mapping(ctx, a, res, want_prot, ad_ok);
		}
	}
}

static bool is_pt_pfn(const struct check_ctx *ctx, uint64_t pfn)
{
	size_t lo = 0, hi = ctx->nr_tables;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ctx->pt_pfns[mid] < pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ctx->nr_tables && ctx->pt_pfns[lo] == pfn;
}

/* M4, M5 and M6's "not handed out while a page table" over the frames (sorted once). */
int judge_frames(struct check_ctx *ctx, const struct snapshot *s)
{
	const struct area_hist *h = NULL;
	uint32_t area = UINT32_MAX;
	struct frame *sorted;
	struct check_violation *v;
	size_t i;

	for (i = 0; i < s->nr_frames; i++) {
		const struct frame *f = &s->frames[i];

		if (f->area != area) {
			area = f->area;
			h = hist_find(ctx, s->areas[area].addr);
		}
		if (h && h->limit && (f->pfn << PAGE_SHIFT) >= h->limit) {
			v = viol(ctx, R_M5, f->va, WALK_PTE, 0, f->pfn << PAGE_SHIFT);
			EXPECT(v, "%s frame below 0x%" PRIx64,
			       h->cmd == CMD_VMALLOC_DMA  ? "vmalloc_dma"
			       : h->cmd == CMD_VMALLOC_32 ? "vmalloc_32"
							  : "vmap zone",
			       h->limit);
			ACTUAL(v, "frame at pa 0x%" PRIx64, f->pfn << PAGE_SHIFT);
		}
		if (is_pt_pfn(ctx, f->pfn)) {
			v = viol(ctx, R_M6, f->va, WALK_PTE, 0, f->pfn << PAGE_SHIFT);
			EXPECT(v, "page-table pages never mapped by an area");
			ACTUAL(v, "pfn 0x%" PRIx64 " is a page table of the vmalloc range", f->pfn);
		}
	}
	if (!s->nr_frames)
		return 0;
	sorted = malloc(s->nr_frames * sizeof(*sorted));
	if (!sorted)
		return -ENOMEM;
	memcpy(sorted, s->frames, s->nr_frames * sizeof(*sorted));
	qsort(sorted, s->nr_frames, sizeof(*sorted), frame_cmp);
	for (i = 1; i < s->nr_frames; i++) {
		const struct frame *f = &sorted[i], *g = &sorted[i - 1];
		uint32_t ff = s->areas[f->area].flags, gf = s->areas[g->area].flags;

		if (f->pfn != g->pfn || (!(ff & VM_ALLOC) && !(gf & VM_ALLOC)))
			continue;
		v = viol(ctx, R_M4, f->va, WALK_PTE, 0, f->pfn << PAGE_SHIFT);
		EXPECT(v, "frames of vmalloc areas mapped once");
		ACTUAL(v,
		       "pfn 0x%" PRIx64
		       " mapped at 0x%08x (area 0x%08x) and at 0x%08x (area 0x%08x)",
		       f->pfn, g->va, s->areas[g->area].addr, f->va, s->areas[f->area].addr);
	}
	free(sorted);
	return 0;
}

/* M7 over the sample: KVM_TRANSLATE agrees with the walker on vCPU 0's CR3. */
void judge_m7(struct check_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->nr_m7; i++) {
		const struct m7_rec *m = &ctx->m7[i];
		const struct walk_result *res = &m->res;
		struct check_violation *v;

		if (res->status == WALK_OK && m->valid && m->kpa == res->pa)
			continue;
		if (res->status != WALK_OK && !m->valid)
			continue;
		v = viol_walk(ctx, R_M7, res, -1);
		if (res->status == WALK_OK)
			EXPECT(v, "KVM_TRANSLATE gives pa 0x%" PRIx64 " as the walker does",
			       res->pa);
		else
			EXPECT(v, "KVM_TRANSLATE not valid, as the walker finds (%s)",
			       walk_status_str(res->status));
		if (m->valid)
			ACTUAL(v, "KVM_TRANSLATE: valid, pa 0x%" PRIx64, m->kpa);
		else
			ACTUAL(v, "KVM_TRANSLATE: not valid");
	}
}

/* A/D set by the CPU on a direct-map large page (or a table entry) is not a change. */
static uint64_t m8_norm(uint64_t v)
{
	return v & ~(uint64_t)(_PAGE_ACCESSED | _PAGE_DIRTY);
}

/* M8: the kernel's entries outside the vmalloc range as at the previous check. */
void judge_m8(struct check_ctx *ctx)
{
	const struct entry_snap *now = ctx->m8_now, *was = ctx->m8;
	struct check_violation *v;
	size_t i;

	if (!ctx->m8_valid || !now)
		return;
	ran(ctx, R_M8);
	if (ctx->m8_now_nr != ctx->m8_nr) {
		/* Fewer or more tables below an entry: name the first entry that differs. */
		size_t n = ctx->m8_now_nr < ctx->m8_nr ? ctx->m8_now_nr : ctx->m8_nr;

		for (i = 0; i < n; i++)
			if (now[i].addr != was[i].addr ||
			    m8_norm(now[i].value) != m8_norm(was[i].value))
				break;
		if (i < ctx->m8_now_nr)
			v = viol(ctx, R_M8, now[i].va, now[i].level, now[i].addr, now[i].value);
		else
			v = viol(ctx, R_M8, 0, -1, 0, 0);
		EXPECT(v,
		       "%zu entries outside the vmalloc range, unchanged (entry %zu: 0x%" PRIx64
		       ")",
		       ctx->m8_nr, i, i < ctx->m8_nr ? was[i].value : 0);
		ACTUAL(v, "%zu entries (paging mode, VMALLOC_START or a table changed)",
		       ctx->m8_now_nr);
		return;
	}
	for (i = 0; i < ctx->m8_nr; i++) {
		if (now[i].addr == was[i].addr && m8_norm(now[i].value) == m8_norm(was[i].value))
			continue;
		v = viol(ctx, R_M8, now[i].va, now[i].level, now[i].addr, now[i].value);
		EXPECT(v, "entry unchanged since the previous check: 0x%" PRIx64, was[i].value);
		ACTUAL(v, "0x%" PRIx64, now[i].value);
	}
}
