// SPDX-License-Identifier: GPL-2.0
/*
 * Reading one snapshot of the guest for the checker (check_int.h): every
 * page-table entry through the walker on swapper_pg_dir (vmalloc
 * writes there), KVM's view on vCPU 0's current CR3, kernel structures
 * through the kstate readers.  Nothing here judges: a defect is recorded as found.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "shared/kstructs.h"
#include "shared/layout.h"
#include "shared/mmu.h"
#include "vmm/core/core.h"
#include "vmm/inspect/check_int.h"

#define POLL_EVERY 4096u /* pages between two looks at --timeout */

/* The walker's read callback for the check's walks: guest memory, counted. */
static int snap_read(void *arg, uint64_t gpa, void *buf, size_t len)
{
	struct check_ctx *ctx = arg;

	ctx->rep->guest_reads++;
	return walk_read_gmem(&ctx->vm->mem, gpa, buf, len);
}

int snap_setup(struct check_ctx *ctx)
{
	uint64_t cr4;
	int ret;

	char *err = ctx->rep->err;
	size_t errlen = sizeof(ctx->rep->err);

	ret = inspect_walk_ctx(ctx->vm, &ctx->vwc, err, errlen);
	if (ret)
		return ret;
	ctx->vwc.read = snap_read;
	ctx->vwc.read_ctx = ctx;
	ret = inspect_cr4(ctx->vm, &cr4, err, errlen);
	if (ret)
		return ret;
	ctx->kwc = ctx->vwc;
	ctx->kwc.cr3 = ctx->gk.swapper_pg_dir;
	ctx->same_cr3 = (ctx->vwc.cr3 & ~(uint64_t)(PAGE_SIZE - 1)) ==
			(ctx->gk.swapper_pg_dir & ~(uint64_t)(PAGE_SIZE - 1));
	ctx->pte_kernel = __PAGE_KERNEL | ((cr4 & X86_CR4_PGE) ? _PAGE_GLOBAL : 0);
	ret = inspect_vmalloc_start(&ctx->gk, &ctx->vstart_guest, err, errlen);
	if (ret)
		return ret;
	ret = inspect_lowmem_end(&ctx->gk, &ctx->lowmem_end, err, errlen);
	if (ret)
		return ret;
	/* lowmem_end <= MAXMEM, so the computed start lies below VMALLOC_END. */
	ctx->vstart = ctx->vstart_guest;
	ctx->vstart_bad = ctx->vstart < PAGE_OFFSET + ctx->lowmem_end ||
			  ctx->vstart >= VMALLOC_END || (ctx->vstart & (PAGE_SIZE - 1));
	if (ctx->vstart_bad)
		ctx->vstart = VMALLOC_START_FOR(PAGE_OFFSET + (uint32_t)ctx->lowmem_end);
	inspect_max_mapnr(&ctx->gk, &ctx->max_mapnr, NULL, 0); /* 0: no frame is in mem_map */
	ctx->nr_pages = ctx->nr_m7 = ctx->nr_tables = ctx->nr_odd = 0;
	return 0;
}

/*
 * vmalloc=modern: the busy tree in address order is the area list; the
 * free blocks and pending ranges are kept for A3, M3, P2 and T2.
 */
static int snap_trees(struct check_ctx *ctx, struct snapshot *s)
{
	int ret;

	s->modern = true;
	for (;;) {
		ret = vmap_trees_read(&ctx->gk, &ctx->vsyms, s->areas, s->cap_areas, &s->vr,
				      &s->tinfo);
		if (ret == -ENOMEM)
			return ret;
		if (s->tinfo.nr_busy <= s->cap_areas || ret)
			break;
		size_t cap = s->cap_areas;

		if (grow((void **)&s->areas, &cap, s->tinfo.nr_busy, sizeof(*s->areas)))
			return -ENOMEM;
		s->cap_areas = (unsigned int)cap;
	}
	s->nr_areas = s->tinfo.nr_busy < s->cap_areas ? s->tinfo.nr_busy : s->cap_areas;
	s->vmlist_ok = ret == 0;
	s->vinfo.nr = s->nr_areas;
	s->vinfo.defect = VMLIST_OK;
	if (gmem_read32(&ctx->vm->mem, ctx->gk.vmlist, &s->vmlist_head))
		s->vmlist_head = 0;
	s->sorted = true; /* the tree reader refuses any other order */
	return snap_index(s);
}

int snap_areas(struct check_ctx *ctx, struct snapshot *s)
{
	uint64_t end = 0;
	uint32_t mode;
	unsigned int i;
	int ret;

	if (ctx->have_vsyms && !inspect_read_kva32(&ctx->gk, ctx->vsyms.mode, &mode, NULL, 0) &&
	    mode == VMALLOC_MODE_MODERN)
		return snap_trees(ctx, s);
	for (;;) {
		ret = inspect_read_vmlist(&ctx->gk, s->areas, s->cap_areas, &s->vinfo);
		if (ret < 0 && ret != -EBADMSG)
			return ret;
		if (s->vinfo.nr <= s->cap_areas)
			break;
		size_t cap = s->cap_areas;

		if (grow((void **)&s->areas, &cap, s->vinfo.nr, sizeof(*s->areas)))
			return -ENOMEM;
		s->cap_areas = (unsigned int)cap;
	}
	s->nr_areas = s->vinfo.nr < s->cap_areas ? s->vinfo.nr : s->cap_areas;
	s->vmlist_ok = s->vinfo.defect == VMLIST_OK;
	s->sorted = true;
	for (i = 0; i < s->nr_areas; i++) {
		if (s->areas[i].addr < end)
			s->sorted = false;
		end = (uint64_t)s->areas[i].addr + s->areas[i].size;
	}
	return snap_index(s);
}

static int odd_add(struct check_ctx *ctx, enum odd_kind kind, uint64_t va, int level,
		   uint64_t eaddr, uint64_t e, uint64_t pa)
{
	if (grow((void **)&ctx->odd, &ctx->cap_odd, ctx->nr_odd + 1, sizeof(*ctx->odd)))
		return -ENOMEM;
	ctx->odd[ctx->nr_odd++] = (struct odd_rec){ kind, va, level, eaddr, e, pa };
	return 0;
}

static int table_add(struct check_ctx *ctx, uint64_t va, int level, const struct walk_entry *te,
		     uint64_t pa, bool in_ram)
{
	struct table_rec *t;

	if (grow((void **)&ctx->tables, &ctx->cap_tables, ctx->nr_tables + 1, sizeof(*ctx->tables)))
		return -ENOMEM;
	t = &ctx->tables[ctx->nr_tables++];
	memset(t, 0, sizeof(*t));
	t->va = va;
	t->level = level;
	t->eaddr = te->addr;
	t->e = te->value;
	t->pa = pa;
	t->in_ram = in_ram;
	t->pg_ret = -ERANGE;
	if (in_ram && pa < ctx->lowmem_end)
		t->pg_ret = inspect_read_page(&ctx->gk, pa >> PAGE_SHIFT, &t->pg, NULL, 0);
	return 0;
}

struct stray_scan {
	struct check_ctx *ctx;
	const struct snapshot *s;
};

/* M3's evidence: a present PTE outside every area. */
static int stray_fn(void *arg, const struct walk_result *res)
{
	struct stray_scan *sc = arg;
	const struct walk_entry *e = walk_entry_at(res, WALK_PTE);

	if (!e || !(e->value & _PAGE_PRESENT) || in_some_area(sc->s, res->va))
		return 0;
	return odd_add(sc->ctx, ODD_STRAY_PTE, res->va, WALK_PTE, e->addr, e->value,
		       res->status == WALK_OK ? res->page_base : 0);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The PMD-level entries of the vmalloc range (the PGD itself in 2-level
 * mode), one walk() per entry: the page tables (M6, P2's count), entries
 * that are no table (M6, M3), and with strays the present PTEs outside
 * every area (M3, through walk_range()).
 */
int snap_tables(struct check_ctx *ctx, struct snapshot *s, bool strays)
{
	bool pae = ctx->kwc.mode == WALK_PAE;
	enum walk_level tl = pae ? WALK_PMD : WALK_PGD;
	uint64_t span = walk_level_span(ctx->kwc.mode, tl), va, pt_pages = 0;
	struct walk_result r;
	size_t i;
	int ret;

	ctx->nr_tables = 0;
	ctx->nr_odd = 0;
	if (pae) {
		/* The PMD page of the top GiB (PDPT entry 3): a boot page table. */
		uint64_t top = ctx->vstart & ~(walk_level_span(WALK_PAE, WALK_PGD) - 1);
		const struct walk_entry *pgd, *pmd;

		walk(&ctx->kwc, ctx->vstart, &r);
		pgd = walk_entry_at(&r, WALK_PGD);
		pmd = walk_entry_at(&r, WALK_PMD);
		if (!pgd)
			return -EFAULT; /* the PDPT itself is not in RAM */
		if (!pmd) /* not present, reserved bits set (pa: which) or outside RAM */
			return odd_add(ctx, ODD_PDPT_BAD, top, WALK_PGD, pgd->addr, pgd->value,
				       r.status == WALK_RESERVED ? r.bad_bits : 0);
		ret = table_add(ctx, top, WALK_PGD, pgd, pmd->addr & ~(uint64_t)(PAGE_SIZE - 1),
				true);
		if (ret)
			return ret;
	}
	for (va = ctx->vstart & ~(span - 1); va < VMALLOC_END; va += span) {
		const struct walk_entry *te, *pte;

		walk(&ctx->kwc, va, &r);
		te = walk_entry_at(&r, tl);
		if (!te)
			return -EFAULT;
		if (!te->value)
			continue;
		if (!(te->value & _PAGE_PRESENT)) {
			ret = odd_add(ctx, ODD_NOT_NONE, va, tl, te->addr, te->value, 0);
		} else if (te->value & _PAGE_PSE) {
			ret = odd_add(ctx, ODD_LARGE, va, tl, te->addr, te->value, 0);
		} else if (r.status == WALK_RESERVED && r.fail_level == tl) {
			ret = odd_add(ctx, ODD_RESERVED, va, tl, te->addr, te->value, r.bad_bits);
		} else if (r.status == WALK_OUTSIDE_RAM && r.fail_level == WALK_PMD) {
			pt_pages++;
			ret = table_add(ctx, va, tl, te, r.bad_addr, false);
		} else {
			pte = walk_entry_at(&r, WALK_PTE);
			if (!pte)
				return -EFAULT;
			pt_pages++;
			ret = table_add(ctx, va, tl, te, pte->addr & ~(uint64_t)(PAGE_SIZE - 1),
					true);
			if (!ret && strays && s->vmlist_ok) {
				struct stray_scan sc = { ctx, s };
				uint64_t lo = va < ctx->vstart ? ctx->vstart : va;
				uint64_t hi = va + span > VMALLOC_END ? VMALLOC_END : va + span;

				ret = walk_range(&ctx->kwc, lo, hi, 0, stray_fn, &sc, ctx->rep->err,
						 sizeof(ctx->rep->err));
				if (!ret)
					ret = check_stopped(ctx);
			}
		}
		if (ret)
			return ret;
	}
	{
		uint64_t *p = realloc(ctx->pt_pfns, (ctx->nr_tables + 1) * sizeof(*p));

		if (!p)
			return -ENOMEM; /* the old array stays ctx's, freed with it */
		ctx->pt_pfns = p;
	}
	for (i = 0; i < ctx->nr_tables; i++)
		ctx->pt_pfns[i] = ctx->tables[i].pa >> PAGE_SHIFT;
	qsort(ctx->pt_pfns, ctx->nr_tables, sizeof(uint64_t), cmp_u64);
	s->nr_pt_pages = (unsigned int)pt_pages;
	return 0;
}

/*
 * KVM_TRANSLATE walks the guest's tables as the CPU does, and like the CPU
 * it sets the accessed bit of the leaf it uses (seen under kvm_amd, npt and
 * shadow).  A check must not change what it checks: a leaf that had A (or
 * D) clear gets its old value back, so that H1 still sees the first real
 * access.  The vCPU is stopped, so nothing races with the write.
 */
static int translate_keep_ad(struct check_ctx *ctx, uint64_t va, const struct walk_result *res,
			     bool *valid, uint64_t *pa)
{
	const struct guest_mem *gm = &ctx->vm->mem;
	const uint64_t ad = _PAGE_ACCESSED | _PAGE_DIRTY;
	const size_t esz = res->mode == WALK_PAE ? 8 : 4;
	const struct walk_entry *e = NULL;
	uint64_t now = 0; /* a 4-byte entry fills the low half (x86 is little-endian) */
	int ret;

	if (res->status == WALK_OK && (res->leaf & ad) != ad)
		e = &res->entries[res->nr_entries - 1];
	ctx->rep->translations++;
	ret = inspect_translate(ctx->vm, va, valid, pa, ctx->rep->err, sizeof(ctx->rep->err));
	if (ret || !e)
		return ret;
	if (!gmem_read(gm, e->addr, &now, esz) && now != e->value && !((now ^ e->value) & ~ad))
		gmem_write(gm, e->addr, &e->value, esz);
	return 0;
}

/* M7's evidence for va: the walk on vCPU 0's CR3 (kres when it is the kernel's) and KVM's. */
static int m7_read(struct check_ctx *ctx, uint64_t va, const struct walk_result *kres)
{
	struct m7_rec *m;

	if (grow((void **)&ctx->m7, &ctx->cap_m7, ctx->nr_m7 + 1, sizeof(*ctx->m7)))
		return -ENOMEM;
	m = &ctx->m7[ctx->nr_m7++];
	if (ctx->same_cr3 && kres)
		m->res = *kres;
	else
		walk(&ctx->vwc, va, &m->res);
	return translate_keep_ad(ctx, va, &m->res, &m->valid, &m->kpa);
}

/* Pages of area a that are walked: all of them, or only the guard of a bare get_vm_area. */
static bool page_walked(const struct vm_area *a, bool must_map, uint64_t off)
{
	return off + PAGE_SIZE == a->size || must_map || (a->flags & VM_MAP);
}

static bool area_must_map(const struct check_ctx *ctx, const struct vm_area *a)
{
	const struct area_hist *h = hist_find(ctx, a->addr);

	return (a->flags & VM_ALLOC) || ((a->flags & VM_MAP) && h && h->prot_known);
}

/* Every page of every sane area: its walk (M1, M2), its frame and count (M4, M5, P1, P2). */
int snap_pages(struct check_ctx *ctx, struct snapshot *s, bool m7)
{
	struct m7_sampler sm;
	uint64_t total = 0, off;
	unsigned int i;
	int ret;

	if (!s->vmlist_ok)
		return 0;
	for (i = 0; i < s->nr_areas; i++) {
		const struct vm_area *a = &s->areas[i];

		if (area_walked(ctx, s, i))
			total += area_must_map(ctx, a) || (a->flags & VM_MAP) ? a->size / PAGE_SIZE
									      : 1;
	}
	m7_sampler_init(&sm, total);
	for (i = 0; i < s->nr_areas; i++) {
		const struct vm_area *a = &s->areas[i];
		bool must_map = area_must_map(ctx, a);

		/* Areas that A1 refused are not walked: their pages are not known. */
		if (!area_walked(ctx, s, i))
			continue;
		for (off = 0; off < a->size; off += PAGE_SIZE) {
			uint64_t va = a->addr + off;
			bool guard = off + PAGE_SIZE == a->size;
			struct page_rec *p;

			if (!page_walked(a, must_map, off)) {
				off = a->size -
				      2 * PAGE_SIZE; /* get_vm_area() alone maps nothing */
				continue;
			}
			if (grow((void **)&ctx->pages, &ctx->cap_pages, ctx->nr_pages + 1,
				 sizeof(*ctx->pages)))
				return -ENOMEM;
			p = &ctx->pages[ctx->nr_pages++];
			p->area = i;
			p->guard = guard;
			walk(&ctx->kwc, va, &p->res);
			if (p->res.status == WALK_OK && !guard) {
				struct guest_page pg;
				struct frame f = { (uint32_t)va, i, p->res.pa >> PAGE_SHIFT,
						   INT32_MIN, 0 };

				if (!inspect_read_page(&ctx->gk, f.pfn, &pg, NULL, 0)) {
					f.count = pg.count;
					f.pg_flags = pg.flags;
				}
				if (grow((void **)&s->frames, &s->cap_frames, s->nr_frames + 1,
					 sizeof(*s->frames)))
					return -ENOMEM;
				s->frames[s->nr_frames++] = f;
			}
			if (m7 && m7_take(&sm, off == 0 || guard)) {
				ret = m7_read(ctx, va, &ctx->pages[ctx->nr_pages - 1].res);
				if (ret)
					return ret;
			}
			if (ctx->nr_pages % POLL_EVERY == 0 && (ret = check_stopped(ctx)))
				return ret;
		}
		sm.areas++;
	}
	return 0;
}

/* M7's evidence for the pages of areas that went away since the previous check. */
int snap_freed(struct check_ctx *ctx, const struct snapshot *prev, const struct snapshot *s)
{
	struct m7_sampler sm;
	uint64_t total = 0, off, n = 0;
	unsigned int i;
	int ret;

	if (!prev->valid || !prev->vmlist_ok || !s->vmlist_ok)
		return 0;
	for (i = 0; i < prev->nr_areas; i++) {
		const struct vm_area *a = &prev->areas[i];
		const struct vm_area *now = snap_area_at(s, a->addr, NULL);

		if (!(now && now->size == a->size) && area_walked(ctx, prev, i))
			total += a->size / PAGE_SIZE;
	}
	m7_sampler_init(&sm, total);
	for (i = 0; i < prev->nr_areas; i++) {
		const struct vm_area *a = &prev->areas[i];
		const struct vm_area *now = snap_area_at(s, a->addr, NULL);

		if ((now && now->size == a->size) || !area_walked(ctx, prev, i))
			continue;
		for (off = 0; off < a->size; off += PAGE_SIZE) {
			struct walk_result res;
			uint64_t va = a->addr + off, span;

			if (!m7_take(&sm, off == 0 || off + PAGE_SIZE == a->size) ||
			    in_some_area(s, va))
				continue;
			walk(&ctx->kwc, va, &res);
			ret = m7_read(ctx, va, &res);
			if (!ret && ++n % POLL_EVERY == 0)
				ret = check_stopped(ctx);
			if (ret)
				return ret;
			/* No page table there: one page stands for the whole span. */
			if (res.status == WALK_NOT_PRESENT && res.fail_level != WALK_PTE) {
				span = walk_level_span(res.mode, res.fail_level);
				off = ((va & ~(span - 1)) + span - a->addr) - PAGE_SIZE;
			}
		}
		sm.areas++;
	}
	return 0;
}

/*
 * M8's evidence: the kernel's entries outside the vmalloc range, one walk
 * per PGD entry (2-level) or per PDPT and PMD entry (PAE).
 */
int snap_m8(struct check_ctx *ctx)
{
	bool pae = ctx->kwc.mode == WALK_PAE;
	enum walk_level tl = pae ? WALK_PMD : WALK_PGD;
	uint64_t lo = ctx->vstart, hi = VMALLOC_END, span = walk_level_span(ctx->kwc.mode, tl);
	uint64_t top = walk_level_span(ctx->kwc.mode, WALK_PGD), va, limit = 1ull << 32;
	struct entry_snap *e;
	struct walk_result r;
	size_t n = 0, cap = limit / span + (pae ? PTRS_PER_PGD_PAE : 0);

	free(ctx->m8_now);
	ctx->m8_now = e = calloc(cap, sizeof(*e));
	ctx->m8_now_nr = 0;
	if (!e)
		return -ENOMEM;
	for (va = 0; va < limit; va += span) {
		const struct walk_entry *pgd, *te;

		if (pae && !(va & (top - 1))) {
			walk(&ctx->kwc, va, &r);
			pgd = walk_entry_at(&r, WALK_PGD);
			if (!pgd)
				return -EFAULT;
			/* The CPU may set A in a PDPT entry (AMD NPT): not a change of the entry. */
			e[n++] = (struct entry_snap){ pgd->addr,
						      pgd->value & ~(uint64_t)_PAGE_ACCESSED, va,
						      WALK_PGD };
			if (!walk_entry_at(&r, WALK_PMD)) {
				va += top - span; /* no PMD page to read below this entry */
				continue;
			}
		}
		if (va < hi && va + span > lo)
			continue;
		walk(&ctx->kwc, va, &r);
		te = walk_entry_at(&r, tl);
		if (!te)
			return -EFAULT;
		e[n++] = (struct entry_snap){ te->addr, te->value, va, tl };
	}
	ctx->m8_now_nr = n;
	return 0;
}

/* Each CPU's count of flush requests it carried out (guest kernel/smp.c). */
int read_ipi_flushes(struct check_ctx *ctx, uint32_t *out)
{
	unsigned int cpu;

	if (!ctx->ipi_flushes_kva || ctx->ipi_flushes_size < ctx->vm->nr_vcpus * 4ull)
		return -ENOENT;
	for (cpu = 0; cpu < ctx->vm->nr_vcpus; cpu++)
		if (inspect_read_kva32(&ctx->gk, ctx->ipi_flushes_kva + 4ull * cpu, &out[cpu], NULL,
				       0))
			return -EIO;
	return 0;
}
