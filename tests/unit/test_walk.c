// SPDX-License-Identifier: GPL-2.0
/*
 * The page-table walker on synthetic tables in a host buffer: both paging
 * modes, every page size, every failure at every level, and the permission
 * bits enumerated over the levels the way kvm-unit-tests' access.c does.
 * A failure prints what was expected, what came back, and the whole walk.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "shared/mmu.h"
#include "tests/lib/testmem.h"
#include "vmm/core/core.h"
#include "vmm/inspect/inspect.h"

#define RAM (8u << 20) /* 8 MiB: room for two 4 MiB pages */

/* Table and frame addresses used by every test. */
#define PGD_2L	0x1000u
#define PT_2L	0x2000u
#define PDPT	0x1020u /* 32-byte aligned, not page aligned: CR3 & ~0x1f */
#define PMD_PAE 0x3000u
#define PT_PAE	0x4000u
#define FRAME	0x5000u
#define VA	0xc8801234u /* PGD 0x322, PTE 0x001 (2L); PDPTE 3, PMD 0x044, PTE 0x001 (PAE) */
#define FRAME4M 0x400000u   /* the second 4 MiB of RAM */
#define KPG	(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)

struct tmem {
	struct guest_mem gm;
	unsigned reads;
};

static int counting_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	struct tmem *m = ctx;

	m->reads++;
	return walk_read_gmem(&m->gm, gpa, buf, len);
}

static struct tmem *tmem_new(void)
{
	struct tmem *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	testmem_init(&m->gm, RAM);
	return m;
}

static void tmem_free(struct tmem *m)
{
	testmem_free(&m->gm);
	free(m);
}

static void set32(struct tmem *m, uint64_t gpa, uint32_t v)
{
	testmem_put32(&m->gm, gpa, v);
}

static void set64(struct tmem *m, uint64_t gpa, uint64_t v)
{
	testmem_put64(&m->gm, gpa, v);
}

static struct walk_ctx ctx_2l(struct tmem *m, bool pse)
{
	return (struct walk_ctx){ .read = counting_read,
				  .read_ctx = m,
				  .mode = WALK_2LEVEL,
				  .cr3 = PGD_2L,
				  .pse = pse,
				  .ram_size = RAM };
}

static struct walk_ctx ctx_pae(struct tmem *m, bool nxe)
{
	return (struct walk_ctx){ .read = counting_read,
				  .read_ctx = m,
				  .mode = WALK_PAE,
				  .cr3 = PDPT,
				  .nxe = nxe,
				  .ram_size = RAM };
}

/* Entry addresses for va in each mode. */
static uint64_t pde_2l(uint32_t va)
{
	return PGD_2L + (va >> 22) * 4;
}

static uint64_t pte_2l(uint32_t va)
{
	return PT_2L + ((va >> 12) & 0x3ff) * 4;
}

static uint64_t pdpte_pae(uint32_t va)
{
	return PDPT + (va >> 30) * 8;
}

static uint64_t pde_pae(uint32_t va)
{
	return PMD_PAE + ((va >> 21) & 0x1ff) * 8;
}

static uint64_t pte_pae(uint32_t va)
{
	return PT_PAE + ((va >> 12) & 0x1ff) * 8;
}

/* What a table-driven test is on, printed with a failure. */
static char case_desc[160];

/* Compare one value; on mismatch print both, the walk, and fail at the caller's line. */
static void check(const struct walk_result *res, const char *what, uint64_t actual,
		  uint64_t expected, const char *file, int line)
{
	if (actual == expected)
		return;
	if (case_desc[0])
		print_error("%s:%d: case: %s\n", file, line, case_desc);
	print_error("%s:%d: %s: expected 0x%llx, got 0x%llx\n", file, line, what,
		    (unsigned long long)expected, (unsigned long long)actual);
	walk_fprint(stderr, res);
	_fail(file, line);
}

#define CHECK(res, field, expected)                                                                \
	check((res), #field, (uint64_t)(res)->field, (uint64_t)(expected), __FILE__, __LINE__)

/* The entry at level must have been visited at addr with value. */
static void check_entry(const struct walk_result *res, enum walk_level level, uint64_t addr,
			uint64_t value, const char *file, int line)
{
	const struct walk_entry *e = walk_entry_at(res, level);
	char what[64];

	if (!e) {
		print_error("%s:%d: the walk did not reach %s\n", file, line,
			    walk_level_name(level));
		walk_fprint(stderr, res);
		_fail(file, line);
		return;
	}
	snprintf(what, sizeof(what), "%s entry address", walk_level_name(level));
	check(res, what, e->addr, addr, file, line);
	snprintf(what, sizeof(what), "%s entry value", walk_level_name(level));
	check(res, what, e->value, value, file, line);
}

#define CHECK_ENTRY(res, level, addr, value)                                                       \
	check_entry((res), (level), (addr), (value), __FILE__, __LINE__)

/* ---- 2-level ---- */

static void test_2l_4k(void **state)
{
	struct tmem *m = tmem_new();
	struct walk_ctx ctx = ctx_2l(m, true);
	struct walk_result r;

	(void)state;
	set32(m, pde_2l(VA), PT_2L | KPG);
	set32(m, pte_2l(VA), FRAME | KPG | _PAGE_GLOBAL);
	walk(&ctx, VA, &r);
	CHECK(&r, status, WALK_OK);
	CHECK(&r, nr_entries, 3);
	CHECK_ENTRY(&r, WALK_PGD, pde_2l(VA), PT_2L | KPG);
	CHECK_ENTRY(&r, WALK_PMD, pde_2l(VA), PT_2L | KPG); /* folded */
	CHECK(&r, entries[1].folded, true);
	CHECK_ENTRY(&r, WALK_PTE, pte_2l(VA), FRAME | KPG | _PAGE_GLOBAL);
	CHECK(&r, pa, FRAME | 0x234);
	CHECK(&r, page_base, FRAME);
	CHECK(&r, va_base, VA & ~0xfffu);
	CHECK(&r, page_size, 4096);
	CHECK(&r, leaf_level, WALK_PTE);
	CHECK(&r, writable, true);
	CHECK(&r, user, false);
	CHECK(&r, nx, false);
	CHECK(&r, global, true);
	CHECK(&r, accessed, true);
	CHECK(&r, dirty, true);
	tmem_free(m);
}

static void test_2l_4m(void **state)
{
	struct tmem *m = tmem_new();
	struct walk_ctx ctx = ctx_2l(m, true);
	uint32_t va = 0xc0401234; /* PGD 0x301 */
	struct walk_result r;

	(void)state;
	set32(m, pde_2l(va), 0x400000 | KPG | _PAGE_PSE | _PAGE_USER);
	walk(&ctx, va, &r);
	CHECK(&r, status, WALK_OK);
	CHECK(&r, nr_entries, 1);
	CHECK_ENTRY(&r, WALK_PGD, pde_2l(va), 0x400000 | KPG | _PAGE_PSE | _PAGE_USER);
	CHECK(&r, leaf_level, WALK_PGD);
	CHECK(&r, page_size, 4u << 20);
	CHECK(&r, page_base, 0x400000);
	CHECK(&r, va_base, 0xc0400000);
	CHECK(&r, pa, 0x401234);
	CHECK(&r, writable, true);
	CHECK(&r, user, true);

	/* Without CR4.PSE the PS bit is ignored: the entry points to a page table. */
	ctx.pse = false;
	walk(&ctx, va, &r);
	CHECK(&r, status, WALK_NOT_PRESENT);
	CHECK(&r, fail_level, WALK_PTE);
	CHECK_ENTRY(&r, WALK_PTE, 0x400000 + ((va >> 12) & 0x3ff) * 4, 0);
	tmem_free(m);
}

static void test_2l_pse36(void **state)
{
	struct tmem *m = tmem_new();
	struct walk_ctx ctx = ctx_2l(m, true);
	struct walk_result r;
	uint32_t va = 0xc0000000;

	(void)state;
	/* Bit 13 is physical address bit 32: the page lies above 4 GiB, outside RAM. */
	set32(m, pde_2l(va), KPG | _PAGE_PSE | (1u << 13));
	walk(&ctx, va, &r);
	CHECK(&r, status, WALK_OUTSIDE_RAM);
	CHECK(&r, fail_level, WALK_PGD);
	CHECK(&r, bad_addr, 1ull << 32);

	/* Bit 21 is always reserved in a 4 MiB PDE (SDM table 4-4). */
	set32(m, pde_2l(va), KPG | _PAGE_PSE | (1u << 21));
	walk(&ctx, va, &r);
	CHECK(&r, status, WALK_RESERVED);
	CHECK(&r, fail_level, WALK_PGD);
	CHECK(&r, bad_bits, 1u << 21);

	/* With MAXPHYADDR 36, bits 21:17 are reserved. */
	ctx.maxphyaddr = 36;
	set32(m, pde_2l(va), KPG | _PAGE_PSE | (1u << 17));
	walk(&ctx, va, &r);
	CHECK(&r, status, WALK_RESERVED);
	CHECK(&r, bad_bits, 1u << 17);

	/*
	 * MAXPHYADDR 32: no PSE-36 address bits at all, bits 21:13 are all
	 * reserved (the high-address mask is empty, not a shift by 64), and a
	 * clean 4 MiB page still maps.
	 */
	ctx.maxphyaddr = 32;
	set32(m, pde_2l(va), KPG | _PAGE_PSE | (1u << 13));
	walk(&ctx, va, &r);
	CHECK(&r, status, WALK_RESERVED);
	CHECK(&r, fail_level, WALK_PGD);
	CHECK(&r, bad_bits, 1u << 13);
	set32(m, pde_2l(va), KPG | _PAGE_PSE | FRAME4M);
	walk(&ctx, va + 0x1234, &r);
	CHECK(&r, status, WALK_OK);
	CHECK(&r, pa, FRAME4M + 0x1234u);
	tmem_free(m);
}

static void test_2l_not_present(void **state)
{
	struct tmem *m = tmem_new();
	struct walk_ctx ctx = ctx_2l(m, true);
	struct walk_result r;

	(void)state;
	/* PGD entry with everything but P: not present, and nothing read below it. */
	set32(m, pde_2l(VA), PT_2L | (KPG & ~_PAGE_PRESENT));
	walk(&ctx, VA, &r);
	CHECK(&r, status, WALK_NOT_PRESENT);
	CHECK(&r, fail_level, WALK_PGD);
	CHECK(&r, nr_entries, 1);

	set32(m, pde_2l(VA), PT_2L | KPG);
	set32(m, pte_2l(VA), FRAME | (KPG & ~_PAGE_PRESENT));
	walk(&ctx, VA, &r);
	CHECK(&r, status, WALK_NOT_PRESENT);
	CHECK(&r, fail_level, WALK_PTE);
	CHECK(&r, nr_entries, 3);
	CHECK_ENTRY(&r, WALK_PTE, pte_2l(VA), FRAME | (KPG & ~_PAGE_PRESENT));
	tmem_free(m);
}

static void test_2l_outside_ram(void **state)
{
	struct tmem *m = tmem_new();
	struct walk_ctx ctx = ctx_2l(m, true);
	struct walk_result r;

	(void)state;
	/* The PGD entry points to a page table beyond RAM. */
	set32(m, pde_2l(VA), 0x10000000u | KPG);
	walk(&ctx, VA, &r);
	CHECK(&r, status, WALK_OUTSIDE_RAM);
	CHECK(&r, fail_level, WALK_PMD);
	CHECK(&r, bad_addr, 0x10000000u);

	/* The PTE maps a frame beyond RAM (the last page in RAM is fine). */
	set32(m, pde_2l(VA), PT_2L | KPG);
	set32(m, pte_2l(VA), RAM | KPG);
	walk(&ctx, VA, &r);
	CHECK(&r, status, WALK_OUTSIDE_RAM);
	CHECK(&r, fail_level, WALK_PTE);
	set32(m, pte_2l(VA), (RAM - 4096) | KPG);
	walk(&ctx, VA, &r);
	CHECK(&r, status, WALK_OK);

	/* CR3 itself beyond RAM. */
	ctx.cr3 = RAM;
	walk(&ctx, VA, &r);
	CHECK(&r, status, WALK_OUTSIDE_RAM);
	CHECK(&r, fail_level, WALK_PGD);
	CHECK(&r, nr_entries, 0);

	/* Without a RAM size the reader's own refusal is a read error, not a crash. */
	ctx.cr3 = PGD_2L;
	ctx.ram_size = 0;
	set32(m, pde_2l(VA), 0x10000000u | KPG);
	walk(&ctx, VA, &r);
	CHECK(&r, status, WALK_READ_ERROR);
	CHECK(&r, fail_level, WALK_PTE);
	CHECK(&r, bad_addr, 0x10000000u + ((VA >> 12) & 0x3ff) * 4);
	tmem_free(m);
}

static void test_bad_input(void **state)
{
	struct tmem *m = tmem_new();
	struct walk_ctx ctx = ctx_2l(m, true);
	struct walk_result r;

	(void)state;
	walk(&ctx, 1ull << 32, &r);
	CHECK(&r, status, WALK_BAD_INPUT);
	ctx.mode = (enum walk_mode)7;
	walk(&ctx, 0, &r);
	CHECK(&r, status, WALK_BAD_INPUT);
	ctx.mode = WALK_2LEVEL;
	ctx.read = NULL;
	walk(&ctx, 0, &r);
	CHECK(&r, status, WALK_BAD_INPUT);
	tmem_free(m);
}

/* ---- PAE ---- */

static void map_pae_4k(struct tmem *m, uint32_t va, uint64_t pdpte, uint64_t pde, uint64_t pte)
{
	set64(m, pdpte_pae(va), pdpte);
	set64(m, pde_pae(va), pde);
	set64(m, pte_pae(va), pte);
}

static void test_pae_4k(void **state)
{
	struct tmem *m = tmem_new();
	struct walk_ctx ctx = ctx_pae(m, true);
	struct walk_result r;

	(void)state;
	map_pae_4k(m, VA, PMD_PAE | _PAGE_PRESENT, PT_PAE | KPG, FRAME | KPG | _PAGE_NX);
	walk(&ctx, VA, &r);
	CHECK(&r, status, WALK_OK);
	CHECK(&r, nr_entries, 3);
	CHECK_ENTRY(&r, WALK_PGD, PDPT + 3 * 8, PMD_PAE | _PAGE_PRESENT);
	CHECK_ENTRY(&r, WALK_PMD, pde_pae(VA), PT_PAE | KPG);
	CHECK_ENTRY(&r, WALK_PTE, pte_pae(VA), FRAME | KPG | _PAGE_NX);
	CHECK(&r, entries[1].folded, false);
	CHECK(&r, pa, FRAME | 0x234);
	CHECK(&r, page_size, 4096);
	CHECK(&r, writable, true);
	CHECK(&r, user, false);
	CHECK(&r, nx, true);
	tmem_free(m);
}

static void test_pae_2m(void **state)
{
	struct tmem *m = tmem_new();
	struct walk_ctx ctx = ctx_pae(m, true);
	uint32_t va = 0xc0312345; /* PMD index 1 */
	struct walk_result r;

	(void)state;
	set64(m, pdpte_pae(va), PMD_PAE | _PAGE_PRESENT);
	set64(m, pde_pae(va), 0x200000 | KPG | _PAGE_PSE | _PAGE_GLOBAL | (1u << 12) /* PAT */);
	walk(&ctx, va, &r);
	CHECK(&r, status, WALK_OK);
	CHECK(&r, nr_entries, 2);
	CHECK(&r, leaf_level, WALK_PMD);
	CHECK(&r, page_size, 2u << 20);
	CHECK(&r, page_base, 0x200000);
	CHECK(&r, va_base, 0xc0200000);
	CHECK(&r, pa, 0x312345);
	CHECK(&r, global, true);
	tmem_free(m);
}

static void test_pae_not_present(void **state)
{
	struct tmem *m = tmem_new();
	struct walk_ctx ctx = ctx_pae(m, true);
	struct walk_result r;

	(void)state;
	walk(&ctx, VA, &r);
	CHECK(&r, status, WALK_NOT_PRESENT);
	CHECK(&r, fail_level, WALK_PGD);
	CHECK(&r, nr_entries, 1);

	set64(m, pdpte_pae(VA), PMD_PAE | _PAGE_PRESENT);
	walk(&ctx, VA, &r);
	CHECK(&r, status, WALK_NOT_PRESENT);
	CHECK(&r, fail_level, WALK_PMD);
	CHECK(&r, nr_entries, 2);

	set64(m, pde_pae(VA), PT_PAE | KPG);
	walk(&ctx, VA, &r);
	CHECK(&r, status, WALK_NOT_PRESENT);
	CHECK(&r, fail_level, WALK_PTE);
	CHECK(&r, nr_entries, 3);
	tmem_free(m);
}

struct rsvd_case {
	const char *what;
	unsigned level; /* where the bad bits go */
	uint64_t bits;
	bool large; /* PDE maps a 2 MiB page */
	bool nxe;
	unsigned maxphyaddr;
	enum walk_status status;
};

static const struct rsvd_case rsvd_cases[] = {
	{ "PDPTE RW (bit 1)", WALK_PGD, 1u << 1, false, true, 0, WALK_RESERVED },
	{ "PDPTE US (bit 2)", WALK_PGD, 1u << 2, false, true, 0, WALK_RESERVED },
	{ "PDPTE A (bit 5): set by AMD walkers", WALK_PGD, 1u << 5, false, true, 0, WALK_OK },
	{ "PDPTE D (bit 6)", WALK_PGD, 1u << 6, false, true, 0, WALK_RESERVED },
	{ "PDPTE bit 8", WALK_PGD, 1u << 8, false, true, 0, WALK_RESERVED },
	{ "PDPTE PWT is allowed", WALK_PGD, _PAGE_PWT, false, true, 0, WALK_OK },
	{ "PDPTE XD (bit 63)", WALK_PGD, 1ull << 63, false, true, 0, WALK_RESERVED },
	{ "PDPTE bit 52", WALK_PGD, 1ull << 52, false, true, 0, WALK_RESERVED },
	{ "PDE bit 52", WALK_PMD, 1ull << 52, false, true, 0, WALK_RESERVED },
	{ "PDE bit 62", WALK_PMD, 1ull << 62, false, true, 0, WALK_RESERVED },
	{ "PDE XD without NXE", WALK_PMD, 1ull << 63, false, false, 0, WALK_RESERVED },
	{ "PDE XD with NXE", WALK_PMD, 1ull << 63, false, true, 0, WALK_OK },
	{ "PDE bit 40 with MAXPHYADDR 36", WALK_PMD, 1ull << 40, false, true, 36, WALK_RESERVED },
	{ "2M PDE bit 13", WALK_PMD, 1u << 13, true, true, 0, WALK_RESERVED },
	{ "2M PDE bit 20", WALK_PMD, 1u << 20, true, true, 0, WALK_RESERVED },
	{ "2M PDE bit 12 (PAT) is allowed", WALK_PMD, 1u << 12, true, true, 0, WALK_OK },
	{ "2M PDE XD without NXE", WALK_PMD, 1ull << 63, true, false, 0, WALK_RESERVED },
	{ "PTE bit 52", WALK_PTE, 1ull << 52, false, true, 0, WALK_RESERVED },
	{ "PTE bit 62", WALK_PTE, 1ull << 62, false, true, 0, WALK_RESERVED },
	{ "PTE XD without NXE", WALK_PTE, 1ull << 63, false, false, 0, WALK_RESERVED },
	{ "PTE XD with NXE", WALK_PTE, 1ull << 63, false, true, 0, WALK_OK },
	{ "PTE bit 36 with MAXPHYADDR 36", WALK_PTE, 1ull << 36, false, true, 36, WALK_RESERVED },
	{ "PTE bit 35 with MAXPHYADDR 36 (above RAM)", WALK_PTE, 1ull << 35, false, true, 36,
	  WALK_OUTSIDE_RAM },
};

static void test_pae_reserved(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rsvd_cases); i++) {
		const struct rsvd_case *c = &rsvd_cases[i];
		struct tmem *m = tmem_new();
		struct walk_ctx ctx = ctx_pae(m, c->nxe);
		uint64_t e[3] = { PMD_PAE | _PAGE_PRESENT,
				  c->large ? (0x200000 | KPG | _PAGE_PSE) : (PT_PAE | KPG),
				  FRAME | KPG };
		struct walk_result r;

		ctx.maxphyaddr = c->maxphyaddr;
		e[c->level] |= c->bits;
		map_pae_4k(m, VA, e[0], e[1], e[2]);
		walk(&ctx, VA, &r);
		snprintf(case_desc, sizeof(case_desc), "%s", c->what);
		CHECK(&r, status, c->status);
		if (c->status == WALK_RESERVED) {
			CHECK(&r, fail_level, c->level);
			CHECK(&r, bad_bits, c->bits);
		}
		tmem_free(m);
	}
	case_desc[0] = 0;
}

static void test_pae_outside_ram(void **state)
{
	struct tmem *m = tmem_new();
	struct walk_ctx ctx = ctx_pae(m, true);
	struct walk_result r;

	(void)state;
	map_pae_4k(m, VA, 0x20000000 | _PAGE_PRESENT, PT_PAE | KPG, FRAME | KPG);
	walk(&ctx, VA, &r);
	CHECK(&r, status, WALK_OUTSIDE_RAM);
	CHECK(&r, fail_level, WALK_PGD);
	CHECK(&r, bad_addr, 0x20000000);

	map_pae_4k(m, VA, PMD_PAE | _PAGE_PRESENT, 0x20000000 | KPG, FRAME | KPG);
	walk(&ctx, VA, &r);
	CHECK(&r, status, WALK_OUTSIDE_RAM);
	CHECK(&r, fail_level, WALK_PMD);

	map_pae_4k(m, VA, PMD_PAE | _PAGE_PRESENT, PT_PAE | KPG, 0x20000000 | KPG);
	walk(&ctx, VA, &r);
	CHECK(&r, status, WALK_OUTSIDE_RAM);
	CHECK(&r, fail_level, WALK_PTE);

	/* A 2 MiB page whose frame lies beyond RAM. */
	map_pae_4k(m, VA, PMD_PAE | _PAGE_PRESENT, RAM | KPG | _PAGE_PSE, 0);
	walk(&ctx, VA, &r);
	CHECK(&r, status, WALK_OUTSIDE_RAM);
	CHECK(&r, fail_level, WALK_PMD);

	ctx.cr3 = RAM; /* the PDPT itself beyond RAM */
	walk(&ctx, VA, &r);
	CHECK(&r, status, WALK_OUTSIDE_RAM);
	CHECK(&r, nr_entries, 0);
	tmem_free(m);
}

/*
 * Permissions, enumerated like kvm-unit-tests' access.c: every combination
 * of RW, US and XD on the PDE and on the PTE (PAE, with and without NXE),
 * and on 2-level PDE/PTE; the expected result is computed, not listed.
 */
static void test_permissions_2l(void **state)
{
	(void)state;
	for (unsigned combo = 0; combo < 16; combo++) {
		bool pde_rw = combo & 1, pde_us = combo & 2, pte_rw = combo & 4, pte_us = combo & 8;
		struct tmem *m = tmem_new();
		struct walk_ctx ctx = ctx_2l(m, true);
		struct walk_result r;

		set32(m, pde_2l(VA),
		      PT_2L | _PAGE_PRESENT | (pde_rw ? _PAGE_RW : 0) | (pde_us ? _PAGE_USER : 0));
		set32(m, pte_2l(VA),
		      FRAME | _PAGE_PRESENT | (pte_rw ? _PAGE_RW : 0) | (pte_us ? _PAGE_USER : 0));
		walk(&ctx, VA, &r);
		snprintf(case_desc, sizeof(case_desc), "2-level: pde RW=%d US=%d, pte RW=%d US=%d",
			 pde_rw, pde_us, pte_rw, pte_us);
		CHECK(&r, status, WALK_OK);
		CHECK(&r, writable, pde_rw && pte_rw);
		CHECK(&r, user, pde_us && pte_us);
		CHECK(&r, nx, false);
		CHECK(&r, accessed, false);
		CHECK(&r, dirty, false);

		/* The same bits on a 4 MiB page: only the PDE counts. */
		set32(m, pde_2l(VA),
		      0x400000 | _PAGE_PRESENT | _PAGE_PSE | (pde_rw ? _PAGE_RW : 0) |
			      (pde_us ? _PAGE_USER : 0));
		walk(&ctx, VA, &r);
		CHECK(&r, status, WALK_OK);
		CHECK(&r, writable, pde_rw);
		CHECK(&r, user, pde_us);
		tmem_free(m);
	}
	case_desc[0] = 0;
}

static void test_permissions_pae(void **state)
{
	(void)state;
	for (unsigned combo = 0; combo < 128; combo++) {
		bool pde_rw = combo & 1, pde_us = combo & 2, pde_xd = combo & 4;
		bool pte_rw = combo & 8, pte_us = combo & 16, pte_xd = combo & 32;
		bool nxe = combo & 64;
		struct tmem *m = tmem_new();
		struct walk_ctx ctx = ctx_pae(m, nxe);
		uint64_t pde = PT_PAE | _PAGE_PRESENT | (pde_rw ? _PAGE_RW : 0) |
			       (pde_us ? _PAGE_USER : 0) | (pde_xd ? _PAGE_NX : 0);
		uint64_t pte = FRAME | _PAGE_PRESENT | (pte_rw ? _PAGE_RW : 0) |
			       (pte_us ? _PAGE_USER : 0) | (pte_xd ? _PAGE_NX : 0);
		struct walk_result r;

		map_pae_4k(m, VA, PMD_PAE | _PAGE_PRESENT, pde, pte);
		walk(&ctx, VA, &r);
		snprintf(case_desc, sizeof(case_desc),
			 "PAE: NXE=%d pde RW=%d US=%d XD=%d, pte RW=%d US=%d XD=%d", nxe, pde_rw,
			 pde_us, pde_xd, pte_rw, pte_us, pte_xd);
		if (!nxe && (pde_xd || pte_xd)) {
			/* Without NXE bit 63 is reserved; the walk stops at the first one. */
			CHECK(&r, status, WALK_RESERVED);
			CHECK(&r, fail_level, pde_xd ? WALK_PMD : WALK_PTE);
		} else {
			CHECK(&r, status, WALK_OK);
			CHECK(&r, writable, pde_rw && pte_rw);
			CHECK(&r, user, pde_us && pte_us);
			CHECK(&r, nx, nxe && (pde_xd || pte_xd));
		}
		tmem_free(m);
	}
	case_desc[0] = 0;
}

/* ---- range iteration ---- */

struct seen {
	unsigned n;
	uint64_t va[16];
	enum walk_status status[16];
	uint32_t size[16];
	unsigned stop_after;
};

static int record(void *arg, const struct walk_result *res)
{
	struct seen *s = arg;

	if (s->n < 16) {
		s->va[s->n] = res->va;
		s->status[s->n] = res->status;
		s->size[s->n] = res->page_size;
	}
	s->n++;
	return s->stop_after && s->n == s->stop_after ? 42 : 0;
}

static void check_seen(const struct seen *s, unsigned n, const uint64_t *va,
		       const enum walk_status *status, const char *file, int line)
{
	bool ok = s->n == n;

	for (unsigned i = 0; ok && i < n; i++)
		ok = s->va[i] == va[i] && s->status[i] == status[i];
	if (ok)
		return;
	print_error("%s:%d: expected %u callbacks:", file, line, n);
	for (unsigned i = 0; i < n; i++)
		print_error(" 0x%llx/%s", (unsigned long long)va[i], walk_status_str(status[i]));
	print_error("\n  got %u:", s->n);
	for (unsigned i = 0; i < s->n && i < 16; i++)
		print_error(" 0x%llx/%s", (unsigned long long)s->va[i],
			    walk_status_str(s->status[i]));
	print_error("\n");
	_fail(file, line);
}

#define CHECK_SEEN(s, n, va, st) check_seen((s), (n), (va), (st), __FILE__, __LINE__)

static void test_range_2l(void **state)
{
	struct tmem *m = tmem_new();
	struct walk_ctx ctx = ctx_2l(m, true);
	struct seen s = { 0 };
	char err[120];

	(void)state;
	set32(m, pde_2l(0xc0000000), 0x400000 | KPG | _PAGE_PSE);
	set32(m, pde_2l(0xc8800000), PT_2L | KPG);
	set32(m, pte_2l(0xc8800000), FRAME | KPG);
	set32(m, pte_2l(0xc8801000), (FRAME + 0x1000) | KPG);
	set32(m, pte_2l(0xc8803000), (FRAME + 0x3000) | KPG);
	set32(m, pte_2l(0xc8805000), RAM | KPG); /* an error is reported, not skipped */

	m->reads = 0;
	assert_int_equal(walk_range(&ctx, 0, 1ull << 32, 0, record, &s, NULL, 0), 0);
	{
		const uint64_t va[] = { 0xc0000000, 0xc8800000, 0xc8801000, 0xc8803000,
					0xc8805000 };
		const enum walk_status st[] = { WALK_OK, WALK_OK, WALK_OK, WALK_OK,
						WALK_OUTSIDE_RAM };
		CHECK_SEEN(&s, 5, va, st);
	}
	/* Non-present PGD entries cost one read each, the one page table 2 x 1024. */
	if (m->reads > 1024 + 2 * 1024) {
		print_error("walk_range read %u entries; expected at most %u\n", m->reads,
			    1024 + 2 * 1024);
		fail();
	}

	/* Every page, present or not. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(
		walk_range(&ctx, 0xc8800000, 0xc8804000, WALK_RANGE_ALL_PAGES, record, &s, NULL, 0),
		0);
	{
		const uint64_t va[] = { 0xc8800000, 0xc8801000, 0xc8802000, 0xc8803000 };
		const enum walk_status st[] = { WALK_OK, WALK_OK, WALK_NOT_PRESENT, WALK_OK };
		CHECK_SEEN(&s, 4, va, st);
	}

	/* Starting inside a large page reports it once, at the start address. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(walk_range(&ctx, 0xc0123000, 0xc0800000, 0, record, &s, NULL, 0), 0);
	{
		const uint64_t va[] = { 0xc0123000 };
		const enum walk_status st[] = { WALK_OK };
		CHECK_SEEN(&s, 1, va, st);
	}

	/* The callback stops the walk with its own value. */
	memset(&s, 0, sizeof(s));
	s.stop_after = 2;
	assert_int_equal(walk_range(&ctx, 0, 1ull << 32, 0, record, &s, NULL, 0), 42);
	assert_int_equal(s.n, 2);

	/* Bad arguments: -EINVAL, and the message names the range and the defect. */
	assert_int_equal(walk_range(&ctx, 2, 1, 0, record, &s, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "walk_range [0x2, 0x1) flags 0x0: start above end");
	assert_int_equal(walk_range(&ctx, 0, (1ull << 32) + 1, 0, record, &s, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "walk_range [0x0, 0x100000001) flags 0x0: end above 4 GiB");
	assert_int_equal(walk_range(&ctx, 0, 1, 0x80, record, &s, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "walk_range [0x0, 0x1) flags 0x80: unknown flags");

	/* CR3 outside RAM: one error, not one per PGD entry. */
	memset(&s, 0, sizeof(s));
	ctx.cr3 = RAM;
	assert_int_equal(walk_range(&ctx, 0, 1ull << 32, 0, record, &s, NULL, 0), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.status[0], WALK_OUTSIDE_RAM);
	tmem_free(m);
}

static void test_range_pae(void **state)
{
	struct tmem *m = tmem_new();
	struct walk_ctx ctx = ctx_pae(m, true);
	struct seen s = { 0 };

	(void)state;
	set64(m, pdpte_pae(0xc0000000), PMD_PAE | _PAGE_PRESENT);
	set64(m, pde_pae(0xc0000000), 0x200000 | KPG | _PAGE_PSE);
	set64(m, pde_pae(0xc8800000), PT_PAE | KPG);
	set64(m, pte_pae(0xc8800000), FRAME | KPG);
	set64(m, pte_pae(0xc8802000), (FRAME + 0x2000) | KPG | (1ull << 55)); /* reserved */
	set64(m, pte_pae(0xc8803000), (FRAME + 0x3000) | KPG);

	m->reads = 0;
	assert_int_equal(walk_range(&ctx, 0, 1ull << 32, 0, record, &s, NULL, 0), 0);
	{
		const uint64_t va[] = { 0xc0000000, 0xc8800000, 0xc8802000, 0xc8803000 };
		const enum walk_status st[] = { WALK_OK, WALK_OK, WALK_RESERVED, WALK_OK };
		CHECK_SEEN(&s, 4, va, st);
	}
	if (m->reads > 4 + 2 * 512 + 3 * 512) {
		print_error("walk_range read %u entries; expected at most %u\n", m->reads,
			    4 + 2 * 512 + 3 * 512);
		fail();
	}
	tmem_free(m);
}

static void test_fprint(void **state)
{
	struct tmem *m = tmem_new();
	struct walk_ctx ctx = ctx_pae(m, false);
	struct walk_result r;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	map_pae_4k(m, VA, PMD_PAE | _PAGE_PRESENT, PT_PAE | KPG, FRAME | KPG | (1ull << 63));
	walk(&ctx, VA, &r);
	walk_fprint(f, &r);
	fclose(f);
	const char *want = "walk of va 0xc8801234 (PAE, cr3 0x1020): reserved bits set at PTE\n"
			   "  PGD @ 0x00001038 = 0x0000000000003001\n"
			   "  PMD @ 0x00003220 = 0x0000000000004063\n"
			   "  PTE @ 0x00004008 = 0x8000000000005063\n"
			   "  reserved bits 0x8000000000000000\n";
	if (strcmp(buf, want)) {
		print_error("walk_fprint: expected\n%s---- got\n%s----\n", want, buf);
		fail();
	}
	free(buf);
	tmem_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_2l_4k),		cmocka_unit_test(test_2l_4m),
		cmocka_unit_test(test_2l_pse36),	cmocka_unit_test(test_2l_not_present),
		cmocka_unit_test(test_2l_outside_ram),	cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_pae_4k),		cmocka_unit_test(test_pae_2m),
		cmocka_unit_test(test_pae_not_present), cmocka_unit_test(test_pae_reserved),
		cmocka_unit_test(test_pae_outside_ram), cmocka_unit_test(test_permissions_2l),
		cmocka_unit_test(test_permissions_pae), cmocka_unit_test(test_range_2l),
		cmocka_unit_test(test_range_pae),	cmocka_unit_test(test_fprint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
