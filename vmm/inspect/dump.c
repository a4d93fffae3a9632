// SPDX-License-Identifier: GPL-2.0
#include "vmm/inspect/inspect.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "shared/layout.h"
#include "shared/mmu.h"
#include "vmm/core/core.h"

#define VA_END (1ull << 32)

/*
 * QEMU "info tlb".  print_pte() prints
 *	HWADDR_FMT_plx ": " HWADDR_FMT_plx " %c%c%c%c%c%c%c%c%c\n"
 * (HWADDR_FMT_plx is "%016" PRIx64) with the letters XGPDACTUW for NX,
 * global, PSE, dirty, accessed, PCD, PWT, user, RW, '-' when clear.  The
 * second column is the raw leaf ANDed with a mask, exactly as QEMU does it,
 * so that the two outputs diff clean:
 *	2-level 4K:  (pte & ~PG_PSE) & ~0xfff
 *	2-level 4M:  pde & ~((1 << 21) - 1)    (sic: QEMU's mask keeps bit 21)
 *	PAE 4K:      (pte & ~PG_PSE) & ~0xfff  (keeps XD, so NX pages show 8000...)
 *	PAE 2M:      pde & ~((1 << 20) - 1)    (same)
 * The flag letters come from the same masked-for-PSE leaf value.
 */
static void print_pte(FILE *f, uint64_t addr, uint64_t pte, uint64_t mask)
{
	fprintf(f, "%016" PRIx64 ": %016" PRIx64 " %c%c%c%c%c%c%c%c%c\n", addr, pte & mask,
		pte & _PAGE_NX ? 'X' : '-', pte & _PAGE_GLOBAL ? 'G' : '-',
		pte & _PAGE_PSE ? 'P' : '-', pte & _PAGE_DIRTY ? 'D' : '-',
		pte & _PAGE_ACCESSED ? 'A' : '-', pte & _PAGE_PCD ? 'C' : '-',
		pte & _PAGE_PWT ? 'T' : '-', pte & _PAGE_USER ? 'U' : '-',
		pte & _PAGE_RW ? 'W' : '-');
}

static int tlb_leaf(void *arg, const struct walk_result *res)
{
	FILE *f = arg;

	if (res->status != WALK_OK)
		return 0; /* errors are the checker's business, not a TLB entry */
	if (res->mode == WALK_2LEVEL) {
		if (res->page_size == PGDIR_SIZE_2L)
			print_pte(f, res->va_base, res->leaf, 0xffffffffffe00000ull);
		else
			print_pte(f, res->va_base, res->leaf & ~(uint64_t)_PAGE_PSE,
				  ~(uint64_t)0xfff);
	} else {
		if (res->page_size == PMD_SIZE_PAE)
			print_pte(f, res->va_base, res->leaf, ~(uint64_t)((1u << 20) - 1));
		else
			print_pte(f, res->va_base, res->leaf & ~(uint64_t)_PAGE_PSE,
				  ~(uint64_t)0xfff);
	}
	return 0;
}

int dump_tlb(FILE *f, const struct walk_ctx *ctx, char *err, size_t errlen)
{
	if (!f || !ctx)
		return vmm_errf(err, errlen, -EINVAL, "dump tlb: no output file or walker context");
	return walk_range(ctx, 0, VA_END, 0, tlb_leaf, f, err, errlen);
}

/*
 * QEMU "info mem".  mem_print() prints, whenever the protection changes,
 *	HWADDR_FMT_plx "-" HWADDR_FMT_plx " " HWADDR_FMT_plx " %c%c%c\n"
 * start, end, size and 'u'/'-', 'r', 'w'/'-'.  The protection is
 * P|RW|US of the leaf ANDed with the PDE's (the PDPTE has none); a range
 * with protection 0 (unmapped) is not printed.  The last range is flushed
 * with end = 1 << 32.  The output depends only on where the protection
 * changes, so feeding it one event per leaf and per gap is the same as
 * QEMU's one event per entry.
 */
struct mem_state {
	FILE *f;
	uint64_t start; /* start of the open range; valid if open */
	bool open;
	unsigned last_prot;
	uint64_t covered; /* end of the last leaf seen */
};

static void mem_print(struct mem_state *st, uint64_t end, unsigned prot)
{
	if (prot == st->last_prot)
		return;
	if (st->open)
		fprintf(st->f, "%016" PRIx64 "-%016" PRIx64 " %016" PRIx64 " %c%c%c\n", st->start,
			end, end - st->start, st->last_prot & _PAGE_USER ? 'u' : '-', 'r',
			st->last_prot & _PAGE_RW ? 'w' : '-');
	st->open = prot != 0;
	st->start = end;
	st->last_prot = prot;
}

static int mem_leaf(void *arg, const struct walk_result *res)
{
	struct mem_state *st = arg;
	unsigned prot;

	if (res->status != WALK_OK)
		return 0;
	if (res->va_base > st->covered)
		mem_print(st, st->covered, 0);
	prot = _PAGE_PRESENT | (res->writable ? _PAGE_RW : 0) | (res->user ? _PAGE_USER : 0);
	mem_print(st, res->va_base, prot);
	st->covered = res->va_base + res->page_size;
	return 0;
}

int dump_mem(FILE *f, const struct walk_ctx *ctx, char *err, size_t errlen)
{
	struct mem_state st = { .f = f };
	int ret;

	if (!f || !ctx)
		return vmm_errf(err, errlen, -EINVAL, "dump mem: no output file or walker context");
	ret = walk_range(ctx, 0, VA_END, 0, mem_leaf, &st, err, errlen);
	if (ret)
		return ret;
	if (st.covered < VA_END)
		mem_print(&st, st.covered, 0);
	mem_print(&st, VA_END, 0);
	return 0;
}

/*
 * crash "vtop" (x86, kernel address).  do_vtop() prints
 *	"%s  %s\n"  VIRTUAL and PHYSICAL left-justified in VADDR_PRLEN (8)
 *	"%-8lx  %-8llx\n\n"  or  "%-8lx  (not mapped)\n\n"
 * then x86_kvtop()/x86_kvtop_PAE() in verbose mode:
 *	"PAGE DIRECTORY: %lx\n"     kernel virtual address of the PGD
 *	"  PGD: %s => %lx\n"        entry address right-justified in 8 (virtual)
 *	"  PMD: %s => %lx\n"        2-level: the same entry (folded); PAE: physical
 *	"  PTE: %s => %lx\n"        physical
 *	" PAGE: %s\n\n"             or " PAGE: %s  (4MB)\n\n" / "  (2MB)\n\n"
 * (%llx for the entries under PAE), then x86_translate_pte(), and do_vtop
 * ends with "\n".  PAGE is NONPAE_PAGEBASE (entry & ~0xfff) or PAE_PAGEBASE
 * (entry & ~0xfff & ~XD).  Not reproduced: the swap line for a non-present
 * non-zero PTE and the mem_map line after the walk (no struct page here).
 */
static void mkstring_center(char *out, size_t outlen, const char *s, size_t width, bool rjust)
{
	size_t len = strlen(s), extra = width > len ? width - len : 0;
	size_t left = extra / 2, right = extra / 2;

	if (extra % 2) {
		if (rjust)
			left++;
		else
			right++;
	}
	snprintf(out, outlen, "%*s%s%*s", (int)left, "", s, (int)right, "");
}

static void translate_pte(FILE *f, enum walk_mode mode, uint64_t entry)
{
	char ptebuf[32], physbuf[32], a[48], b[48];
	uint32_t pte = (uint32_t)entry;
	bool nx = false;
	uint64_t paddr;
	size_t len1, len2;
	int others = 0;

	if (mode == WALK_PAE) {
		paddr = entry & ~(uint64_t)0xfff & ~_PAGE_NX;
		snprintf(ptebuf, sizeof(ptebuf), "%" PRIx64, entry);
		nx = entry & _PAGE_NX;
	} else {
		paddr = pte & 0xfffff000u;
		snprintf(ptebuf, sizeof(ptebuf), "%" PRIx32, pte);
	}
	snprintf(physbuf, sizeof(physbuf), "%" PRIx64, paddr);
	len1 = strlen(ptebuf) > 3 ? strlen(ptebuf) : 3;
	len2 = strlen(physbuf) > 8 ? strlen(physbuf) : 8;

	mkstring_center(a, sizeof(a), "PTE", len1, false);
	mkstring_center(b, sizeof(b), "PHYSICAL", len2, false);
	fprintf(f, "%s  %s  FLAGS\n", a, b);
	mkstring_center(a, sizeof(a), ptebuf, len1, true);
	mkstring_center(b, sizeof(b), physbuf, len2, true);
	fprintf(f, "%s  %s  (", a, b);
	if (pte) {
		static const struct {
			uint32_t bit;
			const char *name;
		} flags[] = {
			{ _PAGE_PRESENT, "PRESENT" }, { _PAGE_RW, "RW" },
			{ _PAGE_USER, "USER" },	      { _PAGE_PWT, "PWT" },
			{ _PAGE_PCD, "PCD" },	      { _PAGE_ACCESSED, "ACCESSED" },
			{ _PAGE_DIRTY, "DIRTY" },     { _PAGE_PSE, "PSE" },
			{ _PAGE_GLOBAL, "GLOBAL" },
		};

		for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
			if (pte & flags[i].bit)
				fprintf(f, "%s%s", others++ ? "|" : "", flags[i].name);
		if (nx)
			fprintf(f, "%sNX", others++ ? "|" : "");
	} else {
		fprintf(f, "no mapping");
	}
	fprintf(f, ")\n");
}

void dump_vtop(FILE *f, const struct walk_result *res)
{
	bool pae = res->mode == WALK_PAE;
	uint64_t pgd = res->cr3 & (pae ? 0xffffffe0u : ENTRY_FRAME_MASK_2L);

	fprintf(f, "%-8s  %-8s\n", "VIRTUAL", "PHYSICAL");
	if (res->status == WALK_OK)
		fprintf(f, "%-8" PRIx64 "  %-8" PRIx64 "\n\n", res->va, res->pa);
	else
		fprintf(f, "%-8" PRIx64 "  (not mapped)\n\n", res->va);

	fprintf(f, "PAGE DIRECTORY: %" PRIx64 "\n", pgd + PAGE_OFFSET);
	for (unsigned i = 0; i < res->nr_entries; i++) {
		const struct walk_entry *e = &res->entries[i];
		/* crash shows the PGD (and the folded PMD) by kernel virtual address. */
		bool virt = e->level == WALK_PGD || e->folded;

		fprintf(f, "  %s: %8" PRIx64 " => %" PRIx64 "\n", e->name,
			virt ? e->addr + PAGE_OFFSET : e->addr, e->value);
	}
	if (res->status == WALK_OK) {
		uint64_t base =
			pae ? res->leaf & ~(uint64_t)0xfff & ~_PAGE_NX : res->leaf & 0xfffff000u;
		const char *size = res->page_size == PGDIR_SIZE_2L  ? "  (4MB)"
				   : res->page_size == PMD_SIZE_PAE ? "  (2MB)"
								    : "";

		fprintf(f, " PAGE: %8" PRIx64 "%s\n\n", base, size);
		translate_pte(f, res->mode, res->leaf);
	}
	fprintf(f, "\n");
}

/*
 * Linux mm/vmalloc.c s_show():
 *	seq_printf(m, "0x%p-0x%p %7ld", v->addr, v->addr + v->size, v->size);
 *	" %pS" caller, " pages=%d" nr_pages, then " ioremap", " vmalloc",
 *	" vmap", " user", " vpages" by flag, then '\n'.
 * %p on i386 is 8 zero-padded hex digits.
 */
void dump_vmallocinfo_line(FILE *f, uint32_t start, uint32_t end, const char *caller,
			   unsigned nr_pages, unsigned flags)
{
	fprintf(f, "0x%08" PRIx32 "-0x%08" PRIx32 " %7ld", start, end, (long)(end - start));
	if (caller && *caller)
		fprintf(f, " %s", caller);
	if (nr_pages)
		fprintf(f, " pages=%d", (int)nr_pages);
	if (flags & DUMP_VM_IOREMAP)
		fputs(" ioremap", f);
	if (flags & DUMP_VM_ALLOC)
		fputs(" vmalloc", f);
	if (flags & DUMP_VM_MAP)
		fputs(" vmap", f);
	if (flags & DUMP_VM_USERMAP)
		fputs(" user", f);
	if (flags & DUMP_VM_VPAGES)
		fputs(" vpages", f);
	fputc('\n', f);
}
