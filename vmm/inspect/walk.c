// SPDX-License-Identifier: GPL-2.0
#include "vmm/inspect/inspect.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "shared/mmu.h"
#include "vmm/core/core.h"

#define SZ_4K	 0x1000u
#define SZ_2M	 0x200000u
#define SZ_4M	 0x400000u
#define VA_LIMIT (1ull << 32)

/* Bits lo..hi inclusive; empty when hi < lo or hi > 63 (no shift by 64). */
static uint64_t bits(unsigned lo, unsigned hi)
{
	if (hi < lo || hi > 63)
		return 0;
	return (~0ull >> (63 - hi)) & ~((1ull << lo) - 1);
}

int walk_read_gmem(void *gm, uint64_t gpa, void *buf, size_t len)
{
	return gmem_read(gm, gpa, buf, len);
}

static unsigned maxphyaddr(const struct walk_ctx *ctx)
{
	unsigned m = ctx->maxphyaddr ? ctx->maxphyaddr : WALK_MAXPHYADDR_DEFAULT;

	if (m < 32)
		m = 32;
	if (m > 52)
		m = 52;
	return m;
}

/* True if [gpa, gpa + len) lies inside guest RAM (or RAM size is unknown). */
static bool in_ram(const struct walk_ctx *ctx, uint64_t gpa, uint64_t len)
{
	if (!ctx->ram_size)
		return true;
	return gpa < ctx->ram_size && len <= ctx->ram_size - gpa;
}

static const char *const level_names[WALK_NR_LEVELS] = { "PGD", "PMD", "PTE" };

const char *walk_level_name(enum walk_level level)
{
	return (unsigned)level < WALK_NR_LEVELS ? level_names[level] : "?";
}

const char *walk_mode_name(enum walk_mode mode)
{
	switch (mode) {
	case WALK_2LEVEL:
		return "2-level";
	case WALK_PAE:
		return "PAE";
	}
	return "?";
}

const char *walk_status_str(enum walk_status status)
{
	switch (status) {
	case WALK_OK:
		return "mapped";
	case WALK_NOT_PRESENT:
		return "not present";
	case WALK_RESERVED:
		return "reserved bits set";
	case WALK_OUTSIDE_RAM:
		return "points outside guest RAM";
	case WALK_READ_ERROR:
		return "read error";
	case WALK_BAD_INPUT:
		return "bad input";
	}
	return "?";
}

uint64_t walk_level_span(enum walk_mode mode, enum walk_level level)
{
	if (level == WALK_PTE)
		return SZ_4K;
	if (mode == WALK_PAE)
		return level == WALK_PGD ? (1ull << PGDIR_SHIFT_PAE) : PMD_SIZE_PAE;
	return PGDIR_SIZE_2L; /* PGD and the folded PMD */
}

const struct walk_entry *walk_entry_at(const struct walk_result *res, enum walk_level level)
{
	for (unsigned i = 0; i < res->nr_entries; i++)
		if (res->entries[i].level == level)
			return &res->entries[i];
	return NULL;
}

static enum walk_status fail(struct walk_result *res, enum walk_status status,
			     enum walk_level level, uint64_t bad_bits, uint64_t bad_addr)
{
	res->status = status;
	res->fail_level = level;
	res->bad_bits = bad_bits;
	res->bad_addr = bad_addr;
	return status;
}

/* Read one entry of size bytes at gpa and record it; 0 or -errno. */
static int read_entry(const struct walk_ctx *ctx, struct walk_result *res, enum walk_level level,
		      uint64_t gpa, unsigned size, uint64_t *val)
{
	uint32_t v32;
	uint64_t v64;
	int ret;

	if (size == 4) {
		ret = ctx->read(ctx->read_ctx, gpa, &v32, sizeof(v32));
		v64 = v32;
	} else {
		ret = ctx->read(ctx->read_ctx, gpa, &v64, sizeof(v64));
	}
	if (ret)
		return ret < 0 ? ret : -EIO;

	struct walk_entry *e = &res->entries[res->nr_entries++];
	e->level = level;
	e->name = level_names[level];
	e->addr = gpa;
	e->value = v64;
	e->folded = false;
	*val = v64;
	return 0;
}

/* Record the leaf and compute pa; checks that the 4 KiB frame of va is RAM. */
static enum walk_status leaf(const struct walk_ctx *ctx, struct walk_result *res,
			     enum walk_level level, uint64_t entry, uint64_t base, uint32_t size)
{
	res->leaf_level = level;
	res->leaf = entry;
	res->page_size = size;
	res->page_base = base;
	res->va_base = res->va & ~(uint64_t)(size - 1);
	res->pa = base + (res->va & (size - 1));
	res->global = entry & _PAGE_GLOBAL;
	res->accessed = entry & _PAGE_ACCESSED;
	res->dirty = entry & _PAGE_DIRTY;
	if (!in_ram(ctx, res->pa & ~(uint64_t)(SZ_4K - 1), SZ_4K))
		return fail(res, WALK_OUTSIDE_RAM, level, 0, res->pa);
	res->status = WALK_OK;
	return WALK_OK;
}

static enum walk_status walk_2level(const struct walk_ctx *ctx, struct walk_result *res)
{
	uint64_t va = res->va, pde, pte;
	uint64_t pgd = ctx->cr3 & ENTRY_FRAME_MASK_2L;
	uint64_t pde_addr = pgd + (va >> PGDIR_SHIFT_2L) * 4;

	if (!in_ram(ctx, pgd, PAGE_SIZE))
		return fail(res, WALK_OUTSIDE_RAM, WALK_PGD, 0, pgd);
	if (read_entry(ctx, res, WALK_PGD, pde_addr, 4, &pde))
		return fail(res, WALK_READ_ERROR, WALK_PGD, 0, pde_addr);
	if (!(pde & _PAGE_PRESENT))
		return fail(res, WALK_NOT_PRESENT, WALK_PGD, 0, 0);

	if (ctx->pse && (pde & _PAGE_PSE)) {
		/* SDM table 4-4: bits (M-20):13 are PA bits (M-1):32, M capped at 40. */
		unsigned m = maxphyaddr(ctx) > 40 ? 40 : maxphyaddr(ctx);
		unsigned hi_bits = m - 32;
		uint64_t rsvd = bits(13 + hi_bits, 21);
		uint64_t base;

		if (pde & rsvd)
			return fail(res, WALK_RESERVED, WALK_PGD, pde & rsvd, 0);
		base = pde & LARGE_FRAME_MASK_2L;
		if (hi_bits) /* MAXPHYADDR 32: no PSE-36 address bits */
			base |= ((pde >> 13) & bits(0, hi_bits - 1)) << 32;
		res->writable = pde & _PAGE_RW;
		res->user = pde & _PAGE_USER;
		res->nx = false;
		return leaf(ctx, res, WALK_PGD, pde, base, SZ_4M);
	}

	/* The PMD is folded: pmd_offset(pgd, va) is the PGD entry itself. */
	struct walk_entry *pmd = &res->entries[res->nr_entries++];
	*pmd = res->entries[0];
	pmd->level = WALK_PMD;
	pmd->name = level_names[WALK_PMD];
	pmd->folded = true;

	uint64_t pt = pde & ENTRY_FRAME_MASK_2L;
	uint64_t pte_addr = pt + ((va >> PAGE_SHIFT) & (PTRS_PER_PTE_2L - 1)) * 4;

	if (!in_ram(ctx, pt, PAGE_SIZE))
		return fail(res, WALK_OUTSIDE_RAM, WALK_PMD, 0, pt);
	if (read_entry(ctx, res, WALK_PTE, pte_addr, 4, &pte))
		return fail(res, WALK_READ_ERROR, WALK_PTE, 0, pte_addr);
	if (!(pte & _PAGE_PRESENT))
		return fail(res, WALK_NOT_PRESENT, WALK_PTE, 0, 0);

	res->writable = (pde & pte) & _PAGE_RW;
	res->user = (pde & pte) & _PAGE_USER;
	res->nx = false;
	return leaf(ctx, res, WALK_PTE, pte, pte & ENTRY_FRAME_MASK_2L, SZ_4K);
}

static enum walk_status walk_pae(const struct walk_ctx *ctx, struct walk_result *res)
{
	unsigned m = maxphyaddr(ctx);
	uint64_t frame = bits(PAGE_SHIFT, m - 1);
	/* SDM 4.4.2: bits 62:M reserved everywhere; 63 is XD with NXE, else reserved. */
	uint64_t rsvd_hi = bits(m, 62) | (ctx->nxe ? 0 : _PAGE_NX);
	uint64_t va = res->va, pdpte, pde, pte, rsvd;
	uint64_t pdpt = ctx->cr3 & 0xffffffe0u;
	uint64_t pdpte_addr = pdpt + (va >> PGDIR_SHIFT_PAE) * 8;

	if (!in_ram(ctx, pdpt, PTRS_PER_PGD_PAE * 8))
		return fail(res, WALK_OUTSIDE_RAM, WALK_PGD, 0, pdpt);
	if (read_entry(ctx, res, WALK_PGD, pdpte_addr, 8, &pdpte))
		return fail(res, WALK_READ_ERROR, WALK_PGD, 0, pdpte_addr);
	if (!(pdpte & _PAGE_PRESENT))
		return fail(res, WALK_NOT_PRESENT, WALK_PGD, 0, 0);
	/*
	 * SDM 4.4.1: PDPTE bits 2:1, 8:5 and 63:M are reserved (no RW/US/XD
	 * here).  Except bit 5: with AMD nested paging the table walker sets
	 * the accessed bit in the guest's PDPT entries (seen under kvm_amd
	 * npt=1), so a set A bit there is the CPU's doing, not a corrupt entry.
	 */
	rsvd = (PDPTE_RESERVED_PAE & ~(uint64_t)_PAGE_ACCESSED) | bits(m, 63);
	if (pdpte & rsvd)
		return fail(res, WALK_RESERVED, WALK_PGD, pdpte & rsvd, 0);

	uint64_t pmd = pdpte & frame;
	uint64_t pde_addr = pmd + ((va >> PMD_SHIFT_PAE) & (PTRS_PER_PMD_PAE - 1)) * 8;

	if (!in_ram(ctx, pmd, PAGE_SIZE))
		return fail(res, WALK_OUTSIDE_RAM, WALK_PGD, 0, pmd);
	if (read_entry(ctx, res, WALK_PMD, pde_addr, 8, &pde))
		return fail(res, WALK_READ_ERROR, WALK_PMD, 0, pde_addr);
	if (!(pde & _PAGE_PRESENT))
		return fail(res, WALK_NOT_PRESENT, WALK_PMD, 0, 0);

	if (pde & _PAGE_PSE) {
		/* 2 MiB page: bits 20:13 are reserved as well (bit 12 is PAT). */
		rsvd = rsvd_hi | bits(13, 20);
		if (pde & rsvd)
			return fail(res, WALK_RESERVED, WALK_PMD, pde & rsvd, 0);
		res->writable = pde & _PAGE_RW;
		res->user = pde & _PAGE_USER;
		res->nx = ctx->nxe && (pde & _PAGE_NX);
		return leaf(ctx, res, WALK_PMD, pde, pde & bits(PMD_SHIFT_PAE, m - 1), SZ_2M);
	}
	if (pde & rsvd_hi)
		return fail(res, WALK_RESERVED, WALK_PMD, pde & rsvd_hi, 0);

	uint64_t pt = pde & frame;
	uint64_t pte_addr = pt + ((va >> PAGE_SHIFT) & (PTRS_PER_PTE_PAE - 1)) * 8;

	if (!in_ram(ctx, pt, PAGE_SIZE))
		return fail(res, WALK_OUTSIDE_RAM, WALK_PMD, 0, pt);
	if (read_entry(ctx, res, WALK_PTE, pte_addr, 8, &pte))
		return fail(res, WALK_READ_ERROR, WALK_PTE, 0, pte_addr);
	if (!(pte & _PAGE_PRESENT))
		return fail(res, WALK_NOT_PRESENT, WALK_PTE, 0, 0);
	if (pte & rsvd_hi)
		return fail(res, WALK_RESERVED, WALK_PTE, pte & rsvd_hi, 0);

	res->writable = (pde & pte) & _PAGE_RW;
	res->user = (pde & pte) & _PAGE_USER;
	res->nx = ctx->nxe && ((pde | pte) & _PAGE_NX);
	return leaf(ctx, res, WALK_PTE, pte, pte & frame, SZ_4K);
}

enum walk_status walk(const struct walk_ctx *ctx, uint64_t va, struct walk_result *res)
{
	memset(res, 0, sizeof(*res));
	res->va = va;
	if (!ctx)
		return fail(res, WALK_BAD_INPUT, WALK_PGD, 0, 0);
	res->mode = ctx->mode;
	res->cr3 = ctx->cr3;
	if (!ctx->read || va >= VA_LIMIT)
		return fail(res, WALK_BAD_INPUT, WALK_PGD, 0, 0);

	switch (ctx->mode) {
	case WALK_2LEVEL:
		return walk_2level(ctx, res);
	case WALK_PAE:
		return walk_pae(ctx, res);
	}
	return fail(res, WALK_BAD_INPUT, WALK_PGD, 0, 0);
}

void walk_fprint(FILE *f, const struct walk_result *res)
{
	unsigned width = res->mode == WALK_PAE ? 16 : 8;

	fprintf(f, "walk of va 0x%08" PRIx64 " (%s, cr3 0x%" PRIx64 "): %s", res->va,
		walk_mode_name(res->mode), res->cr3, walk_status_str(res->status));
	if (res->status != WALK_OK && res->status != WALK_BAD_INPUT)
		fprintf(f, " at %s", walk_level_name(res->fail_level));
	fputc('\n', f);
	for (unsigned i = 0; i < res->nr_entries; i++) {
		const struct walk_entry *e = &res->entries[i];

		fprintf(f, "  %s @ 0x%08" PRIx64 " = 0x%0*" PRIx64 "%s\n", e->name, e->addr,
			(int)width, e->value, e->folded ? " (folded into the PGD)" : "");
	}
	switch (res->status) {
	case WALK_OK:
		fprintf(f, "  -> pa 0x%" PRIx64 " (%s page at 0x%" PRIx64 ", %uK) %s %s%s%s%s%s\n",
			res->pa, walk_level_name(res->leaf_level), res->page_base,
			res->page_size >> 10, res->writable ? "RW" : "RO",
			res->user ? "user" : "kernel", res->nx ? " NX" : "",
			res->global ? " G" : "", res->accessed ? " A" : "", res->dirty ? " D" : "");
		break;
	case WALK_RESERVED:
		fprintf(f, "  reserved bits 0x%016" PRIx64 "\n", res->bad_bits);
		break;
	case WALK_OUTSIDE_RAM:
	case WALK_READ_ERROR:
		fprintf(f, "  address 0x%" PRIx64 "\n", res->bad_addr);
		break;
	default:
		break;
	}
}

int walk_range(const struct walk_ctx *ctx, uint64_t start, uint64_t end, unsigned flags,
	       walk_range_fn fn, void *arg, char *err, size_t errlen)
{
	struct walk_result res;
	uint64_t va = start;
	int ret;

	if (!ctx || !fn || start > end || end > VA_LIMIT || (flags & ~WALK_RANGE_ALL_PAGES))
		return vmm_errf(err, errlen, -EINVAL,
				"walk_range [0x%" PRIx64 ", 0x%" PRIx64 ") flags 0x%x: %s", start,
				end, flags,
				!ctx || !fn	 ? "no context or callback"
				: start > end	 ? "start above end"
				: end > VA_LIMIT ? "end above 4 GiB"
						 : "unknown flags");

	while (va < end) {
		uint64_t span, next;

		if (walk(ctx, va, &res) == WALK_BAD_INPUT)
			return vmm_errf(err, errlen, -EINVAL, "walk_range: bad paging mode %d",
					(int)ctx->mode);

		if (flags & WALK_RANGE_ALL_PAGES) {
			ret = fn(arg, &res);
			if (ret)
				return ret;
			va = (va & ~(uint64_t)(SZ_4K - 1)) + SZ_4K;
			continue;
		}

		if (res.status == WALK_OK) {
			span = res.page_size;
		} else {
			/* An error with nothing read (CR3 itself bad) covers everything. */
			if (res.status != WALK_NOT_PRESENT && res.nr_entries == 0)
				return fn(arg, &res);
			span = walk_level_span(res.mode, res.fail_level);
		}
		if (res.status != WALK_NOT_PRESENT) {
			ret = fn(arg, &res);
			if (ret)
				return ret;
		}
		next = (va & ~(span - 1)) + span;
		va = next;
	}
	return 0;
}
