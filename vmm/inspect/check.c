// SPDX-License-Identifier: GPL-2.0
/*
 * The checker (check.h): the rules of spec/checks.md against the live
 * guest.  Everything is read through vmm/inspect/kstate.h and the walker; the
 * kernel's tables are walked from swapper_pg_dir (vmalloc writes there),
 * KVM's view is compared on vCPU 0's current CR3.
 *
 * The context keeps what one check cannot see by itself: the previous
 * snapshot (areas with their frames and counts, free pages, kmalloc, TLB
 * counters) for P2 and T2/T3, the direct-map entries for M8, and which
 * areas were made by vmalloc_dma/vmalloc_32/vmap (and with which prot) for
 * M5 and M1.  P2, T1-T3 and H1 judge the operation passed in; they assume
 * that nothing else ran in the guest since the previous check_guest().
 */
#include "vmm/inspect/check.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "shared/abi.h"
#include "shared/kstructs.h"
#include "shared/layout.h"
#include "shared/mmu.h"
#include "vmm/core/core.h"
#include "vmm/inspect/kstate.h"
#include "vmm/inspect/walk.h"

enum rule {
	R_A1,
	R_A2,
	R_M1,
	R_M2,
	R_M3,
	R_M4,
	R_M5,
	R_M6,
	R_M7,
	R_M8,
	R_P1,
	R_P2,
	R_T1,
	R_T2,
	R_T3,
	R_T4,
	R_H1,
	R_NR
};

static const char *const rule_names[R_NR] = {
	"A1", "A2", "M1", "M2", "M3", "M4", "M5", "M6", "M7",
	"M8", "P1", "P2", "T1", "T2", "T3", "T4", "H1",
};

/* A mapped page of an area, as seen at one check. */
struct frame {
	uint32_t va;
	uint32_t area; /* index into snapshot.areas */
	uint64_t pfn;
	int32_t count; /* mem_map[pfn].count then (INT32_MIN: outside mem_map) */
};

struct snapshot {
	bool valid;
	bool vmlist_ok;
	struct vm_area *areas;
	unsigned int nr_areas, cap_areas;
	struct frame *frames;
	size_t nr_frames, cap_frames;
	struct guest_counters cnt;
	bool cnt_ok;
	unsigned int nr_pt_pages; /* page tables of the vmalloc range */
};

/* What an operation said about an area that the area itself does not. */
struct area_hist {
	uint32_t addr;
	uint32_t cmd;	/* CMD_VMALLOC_DMA, CMD_VMALLOC_32, CMD_VMAP */
	uint64_t limit; /* frames must lie below (0: anywhere) */
	bool prot_known;
	uint64_t prot; /* CMD_VMAP's prot (PAGE_KERNEL when 0/0) */
};

/* An M8 entry: where it is, what it holds, the address it maps and its level. */
struct entry_snap {
	uint64_t addr, value, va;
	int level;
};

struct check_ctx {
	struct vm *vm;
	struct sym_table syms;
	struct guest_kernel gk;

	struct snapshot snap[2];
	unsigned int cur; /* snap[cur] is the latest */

	struct entry_snap *m8;
	size_t m8_nr;
	bool m8_valid;

	struct area_hist *hist;
	size_t nr_hist, cap_hist;

	bool stale_done;
	struct check_violation overflow;

	/* The guest's smp_ipi_flushes[] at the end of the last check (T4). */
	uint32_t ipi_prev[VM_MAX_VCPUS];
	bool ipi_prev_ok;

	/* Per check. */
	struct check_report *rep;
	unsigned int rules;
	struct walk_ctx kwc; /* from swapper_pg_dir */
	struct walk_ctx vwc; /* vCPU 0 as it is */
	bool same_cr3;
	uint64_t pte_kernel; /* PAGE_KERNEL here: flags and NX */
	uint32_t vstart;
	uint64_t lowmem_end, max_mapnr;
	uint64_t *pt_pfns; /* page-table frames of the vmalloc range, this check */
	size_t nr_pt_pfns, cap_pt_pfns;
};

/* ---- Reporting ---- */

static void ran(struct check_ctx *ctx, enum rule r)
{
	ctx->rules |= 1u << r;
}

static struct check_violation *viol(struct check_ctx *ctx, enum rule r, uint64_t va, int level,
				    uint64_t entry_addr, uint64_t entry_value)
{
	struct check_report *rep = ctx->rep;
	struct check_violation *v = &ctx->overflow;

	ran(ctx, r);
	if (rep->nr_violations < CHECK_MAX_VIOLATIONS)
		v = &rep->v[rep->nr_violations];
	rep->nr_violations++;
	memset(v, 0, sizeof(*v));
	snprintf(v->rule, sizeof(v->rule), "%s", rule_names[r]);
	v->va = va;
	v->level = level;
	v->entry_addr = entry_addr;
	v->entry_value = entry_value;
	return v;
}

/* A violation about the entry where a walk ended (or @level's entry). */
static struct check_violation *viol_walk(struct check_ctx *ctx, enum rule r,
					 const struct walk_result *res, int level)
{
	const struct walk_entry *e = NULL;

	if (level >= 0)
		e = walk_entry_at(res, (enum walk_level)level);
	if (!e && res->nr_entries) {
		e = &res->entries[res->nr_entries - 1];
		level = (int)e->level;
	}
	if (!e)
		return viol(ctx, r, res->va, -1, 0, 0);
	return viol(ctx, r, res->va, level, e->addr, e->value);
}

static void __attribute__((format(printf, 3, 4)))
set_text(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}
#define EXPECT(v, ...) set_text((v)->expected, sizeof((v)->expected), __VA_ARGS__)
#define ACTUAL(v, ...) set_text((v)->actual, sizeof((v)->actual), __VA_ARGS__)

static void __attribute__((format(printf, 2, 3)))
observe(struct check_report *rep, const char *fmt, ...)
{
	va_list ap;

	if (rep->nr_observations >= CHECK_MAX_OBSERVATIONS)
		return;
	va_start(ap, fmt);
	vsnprintf(rep->observations[rep->nr_observations++], sizeof(rep->observations[0]), fmt, ap);
	va_end(ap);
}

static const char *level_str(int level)
{
	return level < 0 ? "-" : walk_level_name((enum walk_level)level);
}

void check_report_print(FILE *out, const struct check_report *rep)
{
	unsigned int i, n = rep->nr_violations < CHECK_MAX_VIOLATIONS ? rep->nr_violations
								      : CHECK_MAX_VIOLATIONS;

	for (i = 0; i < n; i++) {
		const struct check_violation *v = &rep->v[i];

		fprintf(out,
			"%s va=0x%08" PRIx64 " level=%s entry 0x%" PRIx64 "=0x%" PRIx64
			": expected %s; actual %s\n",
			v->rule, v->va, level_str(v->level), v->entry_addr, v->entry_value,
			v->expected, v->actual);
	}
	if (rep->nr_violations > n)
		fprintf(out, "(%u more violations not shown)\n", rep->nr_violations - n);
	for (i = 0; i < rep->nr_observations && i < CHECK_MAX_OBSERVATIONS; i++)
		fprintf(out, "observation: %s\n", rep->observations[i]);
}

/* ---- Small helpers ---- */

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 64;
	void *p;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	p = realloc(*arr, n * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = n;
	return 0;
}

static uint64_t frame_mask(const struct check_ctx *ctx)
{
	return ctx->kwc.mode == WALK_PAE ? ENTRY_FRAME_MASK_PAE : ENTRY_FRAME_MASK_2L;
}

/* Flags and NX of a leaf: what "protection" means for an entry. */
static uint64_t prot_bits(uint64_t entry)
{
	return entry & (_PAGE_FLAGS_MASK | _PAGE_NX);
}

/* The guest's pmd_bad(): not exactly _KERNPG_TABLE apart from _PAGE_USER. */
static bool table_entry_bad(uint64_t e)
{
	return (e & (_PAGE_FLAGS_MASK & ~_PAGE_USER)) != _KERNPG_TABLE;
}

static struct area_hist *hist_find(struct check_ctx *ctx, uint32_t addr)
{
	size_t i;

	for (i = 0; i < ctx->nr_hist; i++)
		if (ctx->hist[i].addr == addr)
			return &ctx->hist[i];
	return NULL;
}

static void hist_remove(struct check_ctx *ctx, uint32_t addr)
{
	size_t i;

	for (i = 0; i < ctx->nr_hist; i++) {
		if (ctx->hist[i].addr == addr) {
			ctx->hist[i] = ctx->hist[--ctx->nr_hist];
			return;
		}
	}
}

static int hist_add(struct check_ctx *ctx, const struct area_hist *h)
{
	hist_remove(ctx, h->addr);
	if (grow((void **)&ctx->hist, &ctx->cap_hist, ctx->nr_hist + 1, sizeof(*h)))
		return -ENOMEM;
	ctx->hist[ctx->nr_hist++] = *h;
	return 0;
}

static const struct vm_area *snap_area_at(const struct snapshot *s, uint32_t addr,
					  unsigned int *idx)
{
	unsigned int i;

	for (i = 0; i < s->nr_areas; i++) {
		if (s->areas[i].addr == addr) {
			if (idx)
				*idx = i;
			return &s->areas[i];
		}
	}
	return NULL;
}

/* Is va inside [addr, addr + size) of some area of s? (Guard included.) */
static bool in_some_area(const struct snapshot *s, uint64_t va)
{
	unsigned int lo = 0, hi = s->nr_areas, i;

	if (!s->vmlist_ok)
		return false;
	/* Sorted in the common case: binary search; otherwise look at every area. */
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (s->areas[mid].addr <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && va - s->areas[lo - 1].addr < s->areas[lo - 1].size)
		return true;
	for (i = 0; i < s->nr_areas; i++)
		if (va - s->areas[i].addr < s->areas[i].size)
			return true;
	return false;
}

/* An area whose pages can be enumerated (A1's geometry holds). */
static bool area_sane(const struct check_ctx *ctx, const struct vm_area *a)
{
	return a->addr >= ctx->vstart && (uint64_t)a->addr + a->size <= VMALLOC_END &&
	       a->size >= PAGE_SIZE && !((a->addr | a->size) & (PAGE_SIZE - 1));
}

/* ---- Setup of one check ---- */

static int check_setup(struct check_ctx *ctx)
{
	uint64_t cr4;
	int ret;

	ret = inspect_walk_ctx(ctx->vm, &ctx->vwc);
	if (!ret)
		ret = inspect_cr4(ctx->vm, &cr4);
	if (ret)
		return ret;
	ctx->kwc = ctx->vwc;
	ctx->kwc.cr3 = ctx->gk.swapper_pg_dir;
	ctx->same_cr3 = (ctx->vwc.cr3 & ~0xfffull) == (ctx->gk.swapper_pg_dir & ~0xfffull);
	ctx->pte_kernel = __PAGE_KERNEL | ((cr4 & X86_CR4_PGE) ? _PAGE_GLOBAL : 0);
	if (inspect_vmalloc_start(&ctx->gk, &ctx->vstart) ||
	    inspect_lowmem_end(&ctx->gk, &ctx->lowmem_end))
		return -EFAULT;
	ctx->max_mapnr = inspect_max_mapnr(&ctx->gk);
	return 0;
}

/* ---- A1, A2 ---- */

static int read_areas(struct check_ctx *ctx, struct snapshot *s, bool report)
{
	struct vmlist_info info;
	int ret;

	for (;;) {
		ret = inspect_read_vmlist(&ctx->gk, s->areas, s->cap_areas, &info);
		if (ret < 0)
			return ret;
		if (info.nr <= s->cap_areas)
			break;
		{
			size_t cap = s->cap_areas;

			if (grow((void **)&s->areas, &cap, info.nr, sizeof(*s->areas)))
				return -ENOMEM;
			s->cap_areas = (unsigned int)cap;
		}
	}
	s->nr_areas = info.nr < s->cap_areas ? info.nr : s->cap_areas;
	s->vmlist_ok = info.defect == VMLIST_OK;
	if (!s->vmlist_ok && report) {
		struct check_violation *v = viol(ctx, R_A1, 0, -1, 0, info.bad_node);

		EXPECT(v, "vmlist a NULL-terminated list of direct-map nodes (at most %u)",
		       INSPECT_VMLIST_MAX);
		ACTUAL(v, "%s", info.msg);
	}
	return 0;
}

static void check_areas(struct check_ctx *ctx, const struct snapshot *s)
{
	uint64_t prev_end = 0;
	unsigned int i;

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

/* ---- Page-table pages of the vmalloc range: M3, M6 ---- */

struct pt_scan {
	unsigned int nr_tables;
	bool report;
};

static int pt_pfn_add(struct check_ctx *ctx, uint64_t pfn)
{
	if (grow((void **)&ctx->pt_pfns, &ctx->cap_pt_pfns, ctx->nr_pt_pfns + 1, sizeof(uint64_t)))
		return -ENOMEM;
	ctx->pt_pfns[ctx->nr_pt_pfns++] = pfn;
	return 0;
}

/* M6 for one page-table page (at pa, pointed to by the entry at eaddr = e). */
static void check_pt_page(struct check_ctx *ctx, uint64_t va, int level, uint64_t eaddr, uint64_t e,
			  uint64_t pa, bool report)
{
	struct guest_page pg;
	struct check_violation *v;
	int ret;

	if (!report)
		return;
	if (pa >= ctx->lowmem_end) {
		v = viol(ctx, R_M6, va, level, eaddr, e);
		EXPECT(v, "page table in lowmem (below 0x%" PRIx64 ")", ctx->lowmem_end);
		ACTUAL(v, "page table at pa 0x%" PRIx64, pa);
		return;
	}
	ret = inspect_read_page(&ctx->gk, pa >> PAGE_SHIFT, &pg);
	if (ret) {
		v = viol(ctx, R_M6, va, level, eaddr, e);
		EXPECT(v, "page table frame covered by mem_map");
		ACTUAL(v, "pfn 0x%" PRIx64 ": %s", pa >> PAGE_SHIFT, strerror(-ret));
		return;
	}
	if (pg.count < 1 || (pg.flags >> PG_buddy) & 1) {
		v = viol(ctx, R_M6, va, level, eaddr, e);
		EXPECT(v, "page table frame in use: count >= 1, not PG_buddy");
		ACTUAL(v, "pfn 0x%" PRIx64 " count %d flags 0x%x%s", pa >> PAGE_SHIFT, pg.count,
		       pg.flags, (pg.flags >> PG_buddy) & 1 ? " (on a free list)" : "");
	}
}

/*
 * Every PMD-level entry of the vmalloc range in the kernel's tables (the
 * PGD itself in 2-level mode): M6 for the tables, M3 for their present
 * PTEs outside every area.  Reads whole tables through gmem_ptr.
 */
static int scan_tables(struct check_ctx *ctx, const struct snapshot *s, struct pt_scan *scan)
{
	const struct guest_mem *gm = &ctx->vm->mem;
	bool pae = ctx->kwc.mode == WALK_PAE, report = scan->report;
	unsigned int esz = pae ? 8 : 4, shift = pae ? PMD_SHIFT_PAE : PGDIR_SHIFT_2L;
	unsigned int nptes = pae ? PTRS_PER_PTE_PAE : PTRS_PER_PTE_2L;
	uint64_t span = 1ull << shift, fm = frame_mask(ctx), va, pmd_base, pmd_first_va;
	struct check_violation *v;

	ctx->nr_pt_pfns = 0;
	scan->nr_tables = 0;
	if (pae) {
		/* The PMD page of the top GiB (PDPT slot 3): a boot page table. */
		uint64_t pdpte, pdpte_addr = (ctx->kwc.cr3 & ~0x1full) + 3 * 8;

		if (gmem_read64(gm, pdpte_addr, &pdpte))
			return -EFAULT;
		if (!(pdpte & _PAGE_PRESENT) || (pdpte & fm) + PAGE_SIZE > gm->size) {
			if (report) {
				v = viol(ctx, R_M6, 0xc0000000u, WALK_PGD, pdpte_addr, pdpte);
				EXPECT(v, "PDPT entry 3 present, pointing at a PMD page in RAM");
				ACTUAL(v, "0x%016" PRIx64, pdpte);
			}
			return 0;
		}
		pmd_base = pdpte & fm;
		pmd_first_va = 0xc0000000u;
		check_pt_page(ctx, 0xc0000000u, WALK_PGD, pdpte_addr, pdpte, pmd_base, report);
		if (pt_pfn_add(ctx, pmd_base >> PAGE_SHIFT))
			return -ENOMEM;
	} else {
		pmd_base = ctx->kwc.cr3 & ~0xfffull;
		pmd_first_va = 0;
	}

	for (va = ctx->vstart & ~(span - 1); va < VMALLOC_END; va += span) {
		uint64_t eaddr = pmd_base + ((va - pmd_first_va) >> shift) * esz, e, pt, first,
			 last;
		const uint8_t *table;
		int level = pae ? WALK_PMD : WALK_PGD;
		unsigned int i;

		if (pae) {
			if (gmem_read64(gm, eaddr, &e))
				return -EFAULT;
		} else {
			uint32_t e32;

			if (gmem_read32(gm, eaddr, &e32))
				return -EFAULT;
			e = e32;
		}
		if (!e)
			continue;
		if (!(e & _PAGE_PRESENT)) {
			if (report) {
				v = viol(ctx, R_M6, va, level, eaddr, e);
				EXPECT(v, "page-table entry none or present (_KERNPG_TABLE)");
				ACTUAL(v, "not present but not none (pmd_bad)");
			}
			continue;
		}
		if (e & _PAGE_PSE) {
			/* vmalloc never makes large pages: M1 inside an area, M3 outside. */
			uint64_t first_va = va < ctx->vstart ? ctx->vstart : va;

			if (report && !in_some_area(s, first_va) && s->vmlist_ok) {
				v = viol(ctx, R_M3, first_va, level, eaddr, e);
				EXPECT(v, "nothing mapped outside every area");
				ACTUAL(v, "a %s large page maps [0x%08" PRIx64 ", 0x%08" PRIx64 ")",
				       pae ? "2M" : "4M", va, va + span);
			}
			continue;
		}
		pt = e & fm;
		scan->nr_tables++;
		if (pt_pfn_add(ctx, pt >> PAGE_SHIFT))
			return -ENOMEM;
		if (report && table_entry_bad(e)) {
			v = viol(ctx, R_M6, va, level, eaddr, e);
			EXPECT(v, "page-table entry with exactly _KERNPG_TABLE flags (0x%x)",
			       _KERNPG_TABLE);
			ACTUAL(v, "flags 0x%03" PRIx64 " (pmd_bad)", e & _PAGE_FLAGS_MASK);
		}
		if (pt + PAGE_SIZE > gm->size) {
			if (report) {
				v = viol(ctx, R_M6, va, level, eaddr, e);
				EXPECT(v, "page table inside guest RAM (0x%" PRIx64 " bytes)",
				       gm->size);
				ACTUAL(v, "page table at pa 0x%" PRIx64, pt);
			}
			continue;
		}
		check_pt_page(ctx, va, level, eaddr, e, pt, report);
		if (!report || !s->vmlist_ok)
			continue;
		/* M3: present PTEs in [max(va, vstart), min(va + span, VMALLOC_END)) outside areas. */
		table = gmem_ptr(gm, pt, PAGE_SIZE);
		first = va < ctx->vstart ? (ctx->vstart - va) >> PAGE_SHIFT : 0;
		last = va + span > VMALLOC_END ? (VMALLOC_END - va) >> PAGE_SHIFT : nptes;
		for (i = (unsigned int)first; i < last; i++) {
			uint64_t pte, pva = va + ((uint64_t)i << PAGE_SHIFT);

			if (pae)
				memcpy(&pte, table + i * 8, 8);
			else {
				uint32_t p32;

				memcpy(&p32, table + i * 4, 4);
				pte = p32;
			}
			if (!(pte & _PAGE_PRESENT) || in_some_area(s, pva))
				continue;
			v = viol(ctx, R_M3, pva, WALK_PTE, pt + i * esz, pte);
			EXPECT(v, "no present PTE outside every area");
			ACTUAL(v, "present PTE for 0x%08" PRIx64 " (frame 0x%" PRIx64 ")", pva,
			       pte & fm);
		}
	}
	return 0;
}

static bool is_pt_pfn(const struct check_ctx *ctx, uint64_t pfn)
{
	size_t i;

	for (i = 0; i < ctx->nr_pt_pfns; i++)
		if (ctx->pt_pfns[i] == pfn)
			return true;
	return false;
}

/* ---- Per area: M1, M2, M7; the frames for M4, M5, P1 ---- */

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
	ret = inspect_translate(ctx->vm, va, valid, pa);
	if (ret || !e)
		return ret;
	if (!gmem_read(gm, e->addr, &now, esz) && now != e->value && !((now ^ e->value) & ~ad))
		gmem_write(gm, e->addr, &e->value, esz);
	return 0;
}

/* M7 for one page: KVM_TRANSLATE against the walker on vCPU 0's CR3. */
static int check_translate(struct check_ctx *ctx, uint64_t va, const struct walk_result *kres)
{
	struct walk_result own;
	const struct walk_result *res = kres;
	struct check_violation *v;
	uint64_t kpa;
	bool valid;
	int ret;

	if (!ctx->same_cr3 || !res) {
		walk(&ctx->vwc, va, &own);
		res = &own;
	}
	ret = translate_keep_ad(ctx, va, res, &valid, &kpa);
	if (ret)
		return ret;
	if (res->status == WALK_OK && valid && kpa == res->pa)
		return 0;
	if (res->status != WALK_OK && !valid)
		return 0;
	v = viol_walk(ctx, R_M7, res, -1);
	if (res->status == WALK_OK)
		EXPECT(v, "KVM_TRANSLATE gives pa 0x%" PRIx64 " as the walker does", res->pa);
	else
		EXPECT(v, "KVM_TRANSLATE not valid, as the walker finds (%s)",
		       walk_status_str(res->status));
	if (valid)
		ACTUAL(v, "KVM_TRANSLATE: valid, pa 0x%" PRIx64, kpa);
	else
		ACTUAL(v, "KVM_TRANSLATE: not valid");
	return 0;
}

static int frame_add(struct snapshot *s, uint32_t va, unsigned int area, uint64_t pfn,
		     int32_t count)
{
	if (grow((void **)&s->frames, &s->cap_frames, s->nr_frames + 1, sizeof(*s->frames)))
		return -ENOMEM;
	s->frames[s->nr_frames++] = (struct frame){ va, area, pfn, count };
	return 0;
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
	if (res->pa >= ctx->vm->mem.size) {
		v = viol_walk(ctx, R_M1, res, WALK_PTE);
		EXPECT(v, "frame inside guest RAM (below 0x%" PRIx64 ")", ctx->vm->mem.size);
		ACTUAL(v, "frame 0x%" PRIx64, res->page_base);
	}
}

static int check_area_pages(struct check_ctx *ctx, struct snapshot *s, unsigned int idx,
			    bool report)
{
	const struct vm_area *a = &s->areas[idx];
	const struct area_hist *h = hist_find(ctx, a->addr);
	uint64_t off, want_prot = ctx->pte_kernel, ad_ok = 0;
	struct walk_result res;
	struct check_violation *v;
	int ret;

	bool must_map = a->flags & VM_ALLOC;

	/* Areas that A1 refused are not walked: their pages are not known. */
	if (!area_sane(ctx, a))
		return 0;
	/* A vmap area is checked like a vmalloc one when the checker saw the vmap (its prot). */
	if ((a->flags & VM_MAP) && h && h->prot_known) {
		must_map = true;
		want_prot = h->prot;
		ad_ok = _PAGE_ACCESSED | _PAGE_DIRTY;
	}
	for (off = 0; off < a->size; off += PAGE_SIZE) {
		uint64_t va = a->addr + off;
		bool guard = off + PAGE_SIZE == a->size;

		/* get_vm_area() alone maps nothing: only its guard page is of interest. */
		if (!guard && !must_map && !(a->flags & VM_MAP)) {
			off = a->size - 2 * PAGE_SIZE;
			continue;
		}

		walk(&ctx->kwc, va, &res);
		if (guard) {
			if (report && !(res.status == WALK_NOT_PRESENT &&
					(res.fail_level != WALK_PTE ||
					 res.entries[res.nr_entries - 1].value == 0))) {
				v = viol_walk(ctx, R_M2, &res, -1);
				EXPECT(v, "guard page of the area at 0x%08x not mapped (pte_none)",
				       a->addr);
				ACTUAL(v, "%s",
				       res.status == WALK_OK ? "mapped"
							     : "PTE not none (swap-like entry)");
			}
		} else if (must_map && report) {
			check_mapping(ctx, a, &res, want_prot, ad_ok);
		}
		if (res.status == WALK_OK && !guard) {
			struct guest_page pg;
			int32_t count = INT32_MIN;

			if (!inspect_read_page(&ctx->gk, res.pa >> PAGE_SHIFT, &pg))
				count = pg.count;
			if (frame_add(s, (uint32_t)va, idx, res.pa >> PAGE_SHIFT, count))
				return -ENOMEM;
		}
		if (report) {
			ret = check_translate(ctx, va, &res);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* ---- M4, M5, P1 and M6's "not handed out while a page table" over the frames ---- */

static int cmp_frame_pfn(const void *a, const void *b)
{
	const struct frame *x = a, *y = b;

	if (x->pfn != y->pfn)
		return x->pfn < y->pfn ? -1 : 1;
	return x->va < y->va ? -1 : x->va > y->va;
}

static int check_frames(struct check_ctx *ctx, const struct snapshot *s)
{
	struct frame *sorted;
	struct check_violation *v;
	size_t i;

	for (i = 0; i < s->nr_frames; i++) {
		const struct frame *f = &s->frames[i];
		const struct vm_area *a = &s->areas[f->area];
		const struct area_hist *h = hist_find(ctx, a->addr);
		struct guest_page pg;

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
		if (a->flags & VM_IOREMAP)
			continue;
		if (inspect_read_page(&ctx->gk, f->pfn, &pg)) {
			v = viol(ctx, R_P1, f->va, WALK_PTE, 0, f->pfn << PAGE_SHIFT);
			EXPECT(v, "frame covered by mem_map (below pfn 0x%" PRIx64 ")",
			       ctx->max_mapnr);
			ACTUAL(v, "pfn 0x%" PRIx64, f->pfn);
		} else if (pg.count < 1 || (pg.flags >> PG_buddy) & 1) {
			v = viol(ctx, R_P1, f->va, WALK_PTE, 0, f->pfn << PAGE_SHIFT);
			EXPECT(v, "mapped frame in use: count >= 1, on no free list");
			ACTUAL(v, "pfn 0x%" PRIx64 " count %d flags 0x%x%s", f->pfn, pg.count,
			       pg.flags,
			       (pg.flags >> PG_buddy) & 1 ? " (PG_buddy: on a free list)" : "");
		}
	}

	if (!s->nr_frames)
		return 0;
	sorted = malloc(s->nr_frames * sizeof(*sorted));
	if (!sorted)
		return -ENOMEM;
	memcpy(sorted, s->frames, s->nr_frames * sizeof(*sorted));
	qsort(sorted, s->nr_frames, sizeof(*sorted), cmp_frame_pfn);
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

/* M7 for the pages of areas that went away since the previous check. */
static int check_freed_translations(struct check_ctx *ctx, const struct snapshot *prev,
				    const struct snapshot *s)
{
	unsigned int i;
	uint64_t off;
	int ret;

	if (!prev->valid || !prev->vmlist_ok || !s->vmlist_ok)
		return 0;
	for (i = 0; i < prev->nr_areas; i++) {
		const struct vm_area *a = &prev->areas[i];
		const struct vm_area *now = snap_area_at(s, a->addr, NULL);

		if ((now && now->size == a->size) || !area_sane(ctx, a))
			continue;
		for (off = 0; off < a->size; off += PAGE_SIZE) {
			struct walk_result res;
			uint64_t va = a->addr + off, span;

			if (in_some_area(s, va))
				continue;
			walk(&ctx->kwc, va, &res);
			ret = check_translate(ctx, va, &res);
			if (ret)
				return ret;
			/* No page table there: one page stands for the whole span. */
			if (res.status == WALK_NOT_PRESENT && res.fail_level != WALK_PTE) {
				span = walk_level_span(res.mode, res.fail_level);
				off = ((va & ~(span - 1)) + span - a->addr) - PAGE_SIZE;
			}
		}
	}
	return 0;
}

/* ---- M8: the kernel's entries outside the vmalloc range ---- */

static int collect_m8(struct check_ctx *ctx, struct entry_snap **out, size_t *nr)
{
	const struct guest_mem *gm = &ctx->vm->mem;
	bool pae = ctx->kwc.mode == WALK_PAE;
	uint64_t lo = ctx->vstart, hi = VMALLOC_END, fm = frame_mask(ctx);
	struct entry_snap *e;
	size_t n = 0, cap = 0;
	unsigned int i, j;

	*out = NULL;
	*nr = 0;
	if (!pae) {
		uint64_t pgd = ctx->kwc.cr3 & ~0xfffull;

		e = calloc(PTRS_PER_PGD_2L, sizeof(*e));
		if (!e)
			return -ENOMEM;
		for (i = 0; i < PTRS_PER_PGD_2L; i++) {
			uint64_t start = (uint64_t)i << PGDIR_SHIFT_2L, end = start + PGDIR_SIZE_2L;
			uint32_t v;

			if (start < hi && end > lo)
				continue;
			if (gmem_read32(gm, pgd + i * 4, &v)) {
				free(e);
				return -EFAULT;
			}
			e[n++] = (struct entry_snap){ pgd + i * 4, v, start, WALK_PGD };
		}
		*out = e;
		*nr = n;
		return 0;
	}
	cap = PTRS_PER_PGD_PAE * (1 + PTRS_PER_PMD_PAE);
	e = calloc(cap, sizeof(*e));
	if (!e)
		return -ENOMEM;
	for (i = 0; i < PTRS_PER_PGD_PAE; i++) {
		uint64_t pa = (ctx->kwc.cr3 & ~0x1full) + i * 8, pdpte, pmd;

		if (gmem_read64(gm, pa, &pdpte))
			goto fault;
		/* The CPU may set A in a PDPT entry (AMD NPT): not a change of the entry. */
		e[n++] = (struct entry_snap){ pa, pdpte & ~(uint64_t)_PAGE_ACCESSED,
					      (uint64_t)i << PGDIR_SHIFT_PAE, WALK_PGD };
		if (!(pdpte & _PAGE_PRESENT))
			continue;
		pmd = pdpte & fm;
		for (j = 0; j < PTRS_PER_PMD_PAE; j++) {
			uint64_t start =
				((uint64_t)i << PGDIR_SHIFT_PAE) + ((uint64_t)j << PMD_SHIFT_PAE);
			uint64_t end = start + PMD_SIZE_PAE, v;

			if (start < hi && end > lo)
				continue;
			if (gmem_read64(gm, pmd + j * 8, &v))
				goto fault;
			e[n++] = (struct entry_snap){ pmd + j * 8, v, start, WALK_PMD };
		}
	}
	*out = e;
	*nr = n;
	return 0;
fault:
	free(e);
	return -EFAULT;
}

/* A/D set by the CPU on a direct-map large page (or a table entry) is not a change. */
static uint64_t m8_norm(uint64_t v)
{
	return v & ~(uint64_t)(_PAGE_ACCESSED | _PAGE_DIRTY);
}

static int check_m8(struct check_ctx *ctx, bool report)
{
	struct entry_snap *now;
	size_t nr, i;
	int ret = collect_m8(ctx, &now, &nr);

	if (ret)
		return ret;
	if (report && ctx->m8_valid) {
		ran(ctx, R_M8);
		if (nr != ctx->m8_nr) {
			struct check_violation *v = viol(ctx, R_M8, 0, -1, 0, 0);

			EXPECT(v, "%zu entries outside the vmalloc range", ctx->m8_nr);
			ACTUAL(v, "%zu (paging mode or VMALLOC_START changed)", nr);
		} else {
			for (i = 0; i < nr; i++) {
				struct check_violation *v;

				if (now[i].addr == ctx->m8[i].addr &&
				    m8_norm(now[i].value) == m8_norm(ctx->m8[i].value))
					continue;
				v = viol(ctx, R_M8, now[i].va, now[i].level, now[i].addr,
					 now[i].value);
				EXPECT(v, "entry unchanged since the previous check: 0x%" PRIx64,
				       ctx->m8[i].value);
				ACTUAL(v, "0x%" PRIx64, now[i].value);
			}
		}
	}
	free(ctx->m8);
	ctx->m8 = now;
	ctx->m8_nr = nr;
	ctx->m8_valid = true;
	return 0;
}

/* ---- P2 ---- */

static uint32_t kmalloc_pages_delta(const struct snapshot *prev, const struct snapshot *s)
{
	return s->cnt.kmalloc_pages - prev->cnt.kmalloc_pages;
}

static bool is_alloc_cmd(uint32_t cmd)
{
	return cmd == CMD_VMALLOC || cmd == CMD_VMALLOC_DMA || cmd == CMD_VMALLOC_32 ||
	       cmd == CMD_VMAP || cmd == CMD_GET_VM_AREA;
}

static void check_p2(struct check_ctx *ctx, const struct check_op *op, const struct snapshot *prev,
		     const struct snapshot *s)
{
	int64_t free_delta = (int64_t)s->cnt.free_pages - prev->cnt.free_pages;
	int64_t pt_delta = (int64_t)s->nr_pt_pages - prev->nr_pt_pages;
	int64_t kmp_delta = (int32_t)kmalloc_pages_delta(prev, s);
	struct check_violation *v;

	if (!prev->valid || !prev->cnt_ok || !s->cnt_ok || !prev->vmlist_ok || !s->vmlist_ok)
		return;

	if (op->cmd == CMD_VFREE && op->results[0] == 1) {
		unsigned int idx;
		const struct vm_area *a = snap_area_at(prev, op->args[0], &idx);
		int64_t expect_freed = 0;
		size_t i, j;

		if (!a)
			return; /* freed an area the previous check did not see */
		ran(ctx, R_P2);
		if (snap_area_at(s, op->args[0], NULL)) {
			v = viol(ctx, R_P2, a->addr, -1, 0, 0);
			EXPECT(v, "the area at 0x%08x gone from vmlist after vfree", a->addr);
			ACTUAL(v, "still listed");
		}
		for (i = 0; i < prev->nr_frames; i++) {
			const struct frame *f = &prev->frames[i];
			unsigned int k = 0;
			bool first = true;
			struct guest_page pg;

			if (f->area != idx)
				continue;
			for (j = 0; j < prev->nr_frames; j++) {
				if (prev->frames[j].area != idx || prev->frames[j].pfn != f->pfn)
					continue;
				if (j < i)
					first = false;
				k++;
			}
			if (!first || f->count == INT32_MIN)
				continue;
			if (f->count == (int32_t)k) {
				expect_freed++;
				continue;
			}
			/* Still held by its owner (vmap): only the mapping's references dropped. */
			if (inspect_read_page(&ctx->gk, f->pfn, &pg) == 0 &&
			    pg.count != f->count - (int32_t)k) {
				v = viol(ctx, R_P2, f->va, WALK_PTE, 0, f->pfn << PAGE_SHIFT);
				EXPECT(v,
				       "pfn 0x%" PRIx64
				       " count %d after vfree (was %d, mapped %u times)",
				       f->pfn, f->count - (int32_t)k, f->count, k);
				ACTUAL(v, "count %d", pg.count);
			}
		}
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
		if (s->cnt.kmalloc_in_use + 1 != prev->cnt.kmalloc_in_use) {
			v = viol(ctx, R_P2, a->addr, -1, 0, 0);
			EXPECT(v, "the vm_struct back to kmalloc: objects %u -> %u",
			       prev->cnt.kmalloc_in_use, prev->cnt.kmalloc_in_use - 1);
			ACTUAL(v, "objects %u -> %u", prev->cnt.kmalloc_in_use,
			       s->cnt.kmalloc_in_use);
		}
		return;
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
		if (s->cnt.kmalloc_in_use != prev->cnt.kmalloc_in_use) {
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
}

/* ---- History from the operation (M5, VM_MAP prot) ---- */

static void record_op(struct check_ctx *ctx, const struct check_op *op, const struct snapshot *s)
{
	struct area_hist h = { 0 };
	size_t i;

	if (op && op->status == ST_OK) {
		h.addr = op->results[0];
		h.cmd = op->cmd;
		switch (op->cmd) {
		case CMD_VMALLOC_DMA:
			h.limit = ZONE_DMA_LIMIT;
			hist_add(ctx, &h);
			break;
		case CMD_VMALLOC_32:
			h.limit = ZONE_NORMAL_LIMIT;
			hist_add(ctx, &h);
			break;
		case CMD_VMAP:
			h.limit = op->args[1] == ZONE_DMA      ? ZONE_DMA_LIMIT
				  : op->args[1] == ZONE_NORMAL ? ZONE_NORMAL_LIMIT
							       : 0;
			h.prot_known = true;
			h.prot = (op->args[2] || op->args[3])
					 ? ((uint64_t)op->args[3] << 32 | op->args[2])
					 : ctx->pte_kernel;
			hist_add(ctx, &h);
			break;
		case CMD_VMALLOC:
		case CMD_GET_VM_AREA:
			hist_remove(ctx, h.addr);
			break;
		case CMD_VFREE:
			if (op->results[0] == 1)
				hist_remove(ctx, op->args[0]);
			break;
		default:
			break;
		}
	}
	/* Forget areas that are gone, whoever freed them. */
	for (i = 0; s->vmlist_ok && i < ctx->nr_hist;) {
		if (snap_area_at(s, ctx->hist[i].addr, NULL))
			i++;
		else
			ctx->hist[i] = ctx->hist[--ctx->nr_hist];
	}
}

/* ---- Probes: T1, T2, T3, H1, T4, observations ---- */

/* " on vCPU N" for the APs, "" for the boot CPU: where a probe ran, in messages. */
static const char *cpu_where(unsigned int cpu, char *buf, size_t len)
{
	if (!cpu)
		return "";
	snprintf(buf, len, " on vCPU %u", cpu);
	return buf;
}

static int probe(struct check_ctx *ctx, unsigned int cpu, uint32_t va, enum probe_kind kind,
		 uint32_t value, struct guest_probe *p)
{
	struct vm_event ev;
	char where[24];

	if (guest_probe_cpu(ctx->vm, cpu, va, kind, value, p, &ev)) {
		observe(ctx->rep, "probe of 0x%08x%s: the VM stopped: %s: %s", va,
			cpu_where(cpu, where, sizeof(where)), vm_event_name(ev.kind), ev.msg);
		return -EIO;
	}
	return 0;
}

/* T1: every page of a fresh vmalloc area reads and writes (its own value back). */
static int check_t1(struct check_ctx *ctx, const struct vm_area *a)
{
	struct check_violation *v;
	struct guest_probe p;
	uint64_t off;
	int ret;

	ran(ctx, R_T1);
	for (off = 0; off + PAGE_SIZE < a->size; off += PAGE_SIZE) {
		uint32_t va = (uint32_t)(a->addr + off);

		ret = probe(ctx, 0, va, PROBE_READ, 0, &p);
		if (!ret && !p.faulted)
			ret = probe(ctx, 0, va, PROBE_WRITE, p.value, &p);
		if (ret)
			return ret;
		if (p.faulted) {
			v = viol(ctx, R_T1, va, -1, 0, 0);
			EXPECT(v, "page of the new area reads and writes without a fault");
			ACTUAL(v, "vector %u error 0x%x CR2 0x%08x", p.vector, p.error_code, p.cr2);
		}
	}
	return 0;
}

/*
 * T2 (cpu 0) and T4 (the other vCPUs): a read of every page of the freed
 * area and of its guard faults with a not-present #PF whose CR2 is the page.
 */
static int check_freed_reads(struct check_ctx *ctx, enum rule r, unsigned int cpu,
			     const struct vm_area *a)
{
	struct check_violation *v;
	struct guest_probe p;
	char where[24];
	uint64_t off;
	int ret;

	cpu_where(cpu, where, sizeof(where));
	for (off = 0; off < a->size; off += PAGE_SIZE) {
		uint32_t va = (uint32_t)(a->addr + off);

		ret = probe(ctx, cpu, va, PROBE_READ, 0, &p);
		if (ret)
			return ret;
		if (p.faulted && p.vector == X86_TRAP_PF && !(p.error_code & PF_PROT) &&
		    p.cr2 == va)
			continue;
		v = viol(ctx, r, va, -1, 0, 0);
		EXPECT(v, "read%s after vfree: not-present #PF with CR2 0x%08x", where, va);
		if (p.faulted)
			ACTUAL(v, "vector %u error 0x%x CR2 0x%08x", p.vector, p.error_code, p.cr2);
		else if (cpu)
			ACTUAL(v, "no fault: read 0x%08x (a stale translation on vCPU %u)", p.value,
			       cpu);
		else
			ACTUAL(v, "no fault: read 0x%08x (still mapped, or a stale translation)",
			       p.value);
	}
	return 0;
}

/* Each CPU's count of flush requests it carried out (guest kernel/smp.c). */
static int read_ipi_flushes(struct check_ctx *ctx, uint32_t *out)
{
	uint64_t kva, size;
	unsigned int cpu;

	if (sym_lookup(&ctx->syms, "smp_ipi_flushes", &kva, &size) ||
	    size < ctx->vm->nr_vcpus * 4ull)
		return -ENOENT;
	for (cpu = 0; cpu < ctx->vm->nr_vcpus; cpu++)
		if (inspect_read_kva32(&ctx->gk, kva + 4ull * cpu, &out[cpu]))
			return -EIO;
	return 0;
}

/*
 * T4: after vfree, every page of the area (guard included) faults not
 * present with CR2 = the address on every other vCPU too (vCPU 0 is T2's),
 * and each of them carried out a flush request since the last check.
 */
static int check_t4(struct check_ctx *ctx, const struct vm_area *a)
{
	uint32_t now[VM_MAX_VCPUS];
	struct check_violation *v;
	unsigned int cpu;
	int ret;

	ran(ctx, R_T4);
	for (cpu = 1; cpu < ctx->vm->nr_vcpus; cpu++) {
		ret = check_freed_reads(ctx, R_T4, cpu, a);
		if (ret)
			return ret;
	}
	if (!ctx->ipi_prev_ok || read_ipi_flushes(ctx, now))
		return 0;
	for (cpu = 1; cpu < ctx->vm->nr_vcpus; cpu++) {
		if (now[cpu] != ctx->ipi_prev[cpu])
			continue;
		v = viol(ctx, R_T4, a->addr, -1, 0, 0);
		EXPECT(v, "vfree: vCPU %u flushed its TLB (smp_ipi_flushes[%u] grows)", cpu, cpu);
		ACTUAL(v, "smp_ipi_flushes[%u] still %u: no flush request reached it", cpu,
		       now[cpu]);
	}
	return 0;
}

static void check_t3(struct check_ctx *ctx, const struct check_op *op, const struct snapshot *prev,
		     const struct snapshot *s)
{
	const uint32_t *b = prev->cnt.tlb, *n = s->cnt.tlb;
	uint32_t all = n[TLB_CNT_FLUSH_ALL] - b[TLB_CNT_FLUSH_ALL];
	uint32_t tlb = n[TLB_CNT_FLUSH_TLB] - b[TLB_CNT_FLUSH_TLB];
	uint32_t one = n[TLB_CNT_FLUSH_ONE] - b[TLB_CNT_FLUSH_ONE];
	struct check_violation *v;

	if (!prev->cnt_ok || !s->cnt_ok)
		return;
	ran(ctx, R_T3);
	if (op->cmd == CMD_VFREE && (all != 1 || tlb || one)) {
		v = viol(ctx, R_T3, op->args[0], -1, 0, 0);
		EXPECT(v, "vfree: exactly one full flush (flush_tlb_all), no other flush");
		ACTUAL(v, "flush_all +%u, flush_tlb +%u, flush_one +%u", all, tlb, one);
	} else if (op->cmd != CMD_VFREE && (all || tlb || one)) {
		v = viol(ctx, R_T3, op->results[0], -1, 0, 0);
		EXPECT(v, "vmalloc: no TLB flush");
		ACTUAL(v, "flush_all +%u, flush_tlb +%u, flush_one +%u", all, tlb, one);
	}
}

/* H1: a vmap made without A (or D): the CPU sets A on a read, D on a write. */
static int check_h1(struct check_ctx *ctx, uint32_t va, uint64_t prot)
{
	struct walk_result res;
	struct check_violation *v;
	struct guest_probe p;
	int ret;

	ran(ctx, R_H1);
	ret = probe(ctx, 0, va, PROBE_READ, 0, &p);
	if (ret)
		return ret;
	walk(&ctx->kwc, va, &res);
	if (p.faulted || res.status != WALK_OK || !res.accessed ||
	    (!(prot & _PAGE_DIRTY) && res.dirty)) {
		v = viol_walk(ctx, R_H1, &res, WALK_PTE);
		EXPECT(v, "after a read: A set%s", prot & _PAGE_DIRTY ? "" : ", D still clear");
		ACTUAL(v, "%s%s%s", p.faulted ? "the read faulted; " : "",
		       res.accessed ? "A" : "no A", res.dirty ? ", D" : ", no D");
		return 0;
	}
	if (!(prot & _PAGE_RW))
		return 0;
	ret = probe(ctx, 0, va, PROBE_WRITE, p.value, &p);
	if (ret)
		return ret;
	walk(&ctx->kwc, va, &res);
	if (p.faulted || res.status != WALK_OK || !res.dirty) {
		v = viol_walk(ctx, R_H1, &res, WALK_PTE);
		EXPECT(v, "after a write: D set");
		ACTUAL(v, "%s%s", p.faulted ? "the write faulted; " : "", res.dirty ? "D" : "no D");
	}
	return 0;
}

/* Once per context: what the TLB did with a PTE cleared without a flush (reported, not a rule). */
static int observe_stale_tlb(struct check_ctx *ctx)
{
	const uint32_t args[2] = { SEQ_STALE_TLB, 0 };
	struct guest_reply reply;
	struct vm_event ev;

	ctx->stale_done = true;
	if (guest_call(ctx->vm, CMD_PROBE_SEQ, args, 2, &reply, &ev)) {
		observe(ctx->rep, "stale-TLB probe: the VM stopped: %s: %s", vm_event_name(ev.kind),
			ev.msg);
		return -EIO;
	}
	if (reply.status != ST_OK)
		return 0;
	observe(ctx->rep, "TLB: a PTE cleared without a flush was %s; a %s entry %s a CR3 reload",
		reply.results[1] ? "still used (stale translation)" : "not used (fault at once)",
		reply.results[5] ? "global" : "non-global",
		reply.results[2] ? "survived" : "did not survive");
	return 0;
}

static int run_probes(struct check_ctx *ctx, const struct check_op *op, const struct snapshot *prev,
		      const struct snapshot *s)
{
	const struct vm_area *a;
	int ret = 0;

	if (op && op->status == ST_OK) {
		switch (op->cmd) {
		case CMD_VMALLOC:
		case CMD_VMALLOC_DMA:
		case CMD_VMALLOC_32:
			a = snap_area_at(s, op->results[0], NULL);
			if (a)
				ret = check_t1(ctx, a);
			check_t3(ctx, op, prev, s);
			break;
		case CMD_VFREE:
			a = op->results[0] == 1 && prev->valid
				    ? snap_area_at(prev, op->args[0], NULL)
				    : NULL;
			if (a) {
				ran(ctx, R_T2);
				ret = check_freed_reads(ctx, R_T2, 0, a);
				check_t3(ctx, op, prev, s);
				if (!ret && ctx->vm->nr_vcpus > 1)
					ret = check_t4(ctx, a);
			}
			break;
		case CMD_VMAP: {
			uint64_t prot = (uint64_t)op->args[3] << 32 | op->args[2];

			if (prot && (~prot & (_PAGE_ACCESSED | _PAGE_DIRTY)))
				ret = check_h1(ctx, op->results[0], prot);
			break;
		}
		default:
			break;
		}
	}
	if (ret)
		return ret;
	if (!ctx->stale_done)
		ret = observe_stale_tlb(ctx);
	if (ctx->vm->nr_vcpus == 1)
		observe(ctx->rep, "T4 not run: one vCPU configured (--cpus 2 or more runs it)");
	return ret;
}

/* ---- The check ---- */

static void snap_reset(struct snapshot *s)
{
	s->valid = false;
	s->vmlist_ok = false;
	s->nr_areas = 0;
	s->nr_frames = 0;
	s->cnt_ok = false;
	s->nr_pt_pages = 0;
}

static int check_run(struct check_ctx *ctx, const struct check_op *op, unsigned flags)
{
	struct snapshot *prev = &ctx->snap[ctx->cur], *s = &ctx->snap[ctx->cur ^ 1];
	bool report = flags & CHECK_STATIC;
	struct pt_scan scan = { .report = report };
	unsigned int i;
	int ret;

	ret = check_setup(ctx);
	if (ret)
		return ret;
	snap_reset(s);
	ret = read_areas(ctx, s, report);
	if (ret)
		return ret;
	s->cnt_ok = inspect_read_counters(&ctx->gk, &s->cnt) == 0;
	record_op(ctx, op, s);

	ret = scan_tables(ctx, s, &scan);
	if (ret)
		return ret;
	s->nr_pt_pages = scan.nr_tables;
	/* The static rules count as run here, once, whether or not there is an area to check. */
	if (report) {
		static const enum rule static_rules[] = { R_A1, R_M6 };
		static const enum rule area_rules[] = { R_A2, R_M1, R_M2, R_M3,
							R_M4, R_M5, R_M7, R_P1 };

		for (i = 0; i < ARRAY_SIZE(static_rules); i++)
			ran(ctx, static_rules[i]);
		for (i = 0; s->vmlist_ok && i < ARRAY_SIZE(area_rules); i++)
			ran(ctx, area_rules[i]);
	}
	if (report && s->vmlist_ok)
		check_areas(ctx, s);
	if (s->vmlist_ok) {
		for (i = 0; i < s->nr_areas; i++) {
			ret = check_area_pages(ctx, s, i, report);
			if (ret)
				return ret;
		}
	}
	if (report && s->vmlist_ok) {
		ret = check_frames(ctx, s);
		if (!ret)
			ret = check_freed_translations(ctx, prev, s);
		if (ret)
			return ret;
	}
	ret = check_m8(ctx, report);
	if (ret)
		return ret;
	if (report && op)
		check_p2(ctx, op, prev, s);

	if ((flags & CHECK_PROBES) && op) {
		ret = run_probes(ctx, op, prev, s);
		if (ret)
			return ret;
		/* The probes ran in the guest: take its counters (and any new page table) again. */
		s->cnt_ok = inspect_read_counters(&ctx->gk, &s->cnt) == 0;
		scan.report = false;
		ret = scan_tables(ctx, s, &scan);
		if (ret)
			return ret;
		s->nr_pt_pages = scan.nr_tables;
	}
	if (ctx->vm->nr_vcpus > 1)
		ctx->ipi_prev_ok = read_ipi_flushes(ctx, ctx->ipi_prev) == 0;
	s->valid = true;
	ctx->cur ^= 1;
	return 0;
}

int check_guest(struct check_ctx *ctx, const struct check_op *op, unsigned flags,
		struct check_report *rep)
{
	unsigned int r;
	int ret;

	memset(rep, 0, sizeof(*rep));
	ctx->rep = rep;
	ctx->rules = 0;
	ret = check_run(ctx, op, flags);
	for (r = 0; r < R_NR; r++)
		rep->rules_run += (ctx->rules >> r) & 1;
	ctx->rep = NULL;
	return ret;
}

int check_ctx_init(struct check_ctx **out, struct vm *vm, const char *guest_path, char *err,
		   size_t errlen)
{
	struct check_report quiet;
	struct check_ctx *ctx;
	int ret;

	*out = NULL;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		snprintf(err, errlen, "out of memory for the checker");
		return -ENOMEM;
	}
	ctx->vm = vm;
	ret = sym_load_path(&ctx->syms, guest_path, err, errlen);
	if (ret == SYM_NO_SYMTAB) {
		snprintf(err, errlen, "%s has no symbol table: inspection off", guest_path);
		ret = -ENOENT;
	}
	if (ret)
		goto fail;
	ret = inspect_init(&ctx->gk, vm, &ctx->syms, err, errlen);
	if (ret)
		goto fail;
	/* The first snapshot: what P2 and M8 compare the next check with. */
	ret = check_guest(ctx, NULL, 0, &quiet);
	if (ret) {
		snprintf(err, errlen, "reading the guest's kernel state failed: %s",
			 strerror(-ret));
		goto fail;
	}
	*out = ctx;
	return 0;
fail:
	check_ctx_free(ctx);
	return ret;
}

void check_ctx_free(struct check_ctx *ctx)
{
	unsigned int i;

	if (!ctx)
		return;
	for (i = 0; i < 2; i++) {
		free(ctx->snap[i].areas);
		free(ctx->snap[i].frames);
	}
	free(ctx->m8);
	free(ctx->hist);
	free(ctx->pt_pfns);
	sym_free(&ctx->syms);
	free(ctx);
}
