// SPDX-License-Identifier: GPL-2.0
/*
 * Page-table snapshots and their diff on synthetic tables in a host buffer,
 * both paging modes: a PTE set, a new page table (PGD/PMD entry plus PTEs),
 * a PTE cleared, accessed/dirty flips, changes outside the PTE range, and
 * hostile tables (entries outside RAM, CR3 outside RAM).  Every change is
 * compared as the exact line the demo prints.
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

#include "shared/layout.h"
#include "shared/mmu.h"
#include "tests/lib/testmem.h"
#include "vmm/inspect/inspect.h"
#include "vmm/core/core.h"

#define RAM    (1u << 20)
#define VSTART 0xc8800000u
#define KPG    (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define KPTE   (KPG | _PAGE_GLOBAL)

/* 2-level: PGD at 0x1000, PTE pages at 0x2000 (c8800000) and 0x3000 (c8c00000). */
#define PGD_2L 0x1000u
#define PT_A   0x2000u
#define PT_B   0x3000u
/* PAE: PDPT at 0x1020, the kernel PMD at 0x4000, PTE pages at 0x5000 and 0x6000. */
#define PDPT	 0x1020u
#define PMD_K	 0x4000u
#define PT_PAE_A 0x5000u
#define PT_PAE_B 0x6000u

struct fixture {
	struct guest_mem gm;
	struct walk_ctx ctx;
	struct pt_snapshot before, after;
	struct pt_change *ch;
	size_t nr;
};

static struct fixture *fixture_new(enum walk_mode mode)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	testmem_init(&f->gm, RAM);
	f->ctx = (struct walk_ctx){ .read = walk_read_gmem,
				    .read_ctx = &f->gm,
				    .mode = mode,
				    .cr3 = mode == WALK_PAE ? PDPT : PGD_2L,
				    .ram_size = RAM };
	if (mode == WALK_2LEVEL) {
		testmem_put32(&f->gm, PGD_2L + (VSTART >> 22) * 4, PT_A | KPG);
	} else {
		testmem_put64(&f->gm, PDPT + 3 * 8, PMD_K | _PAGE_PRESENT);
		testmem_put64(&f->gm, PMD_K + ((VSTART >> 21) & 511) * 8, PT_PAE_A | KPG);
	}
	return f;
}

static void fixture_free(struct fixture *f)
{
	pt_snapshot_free(&f->before);
	pt_snapshot_free(&f->after);
	free(f->ch);
	testmem_free(&f->gm);
	free(f);
}

static void set32(struct fixture *f, uint64_t gpa, uint32_t v)
{
	testmem_put32(&f->gm, gpa, v);
}

static void set64(struct fixture *f, uint64_t gpa, uint64_t v)
{
	testmem_put64(&f->gm, gpa, v);
}

static void snap(struct fixture *f, struct pt_snapshot *s)
{
	assert_int_equal(pt_snapshot_take(s, &f->ctx, VSTART, VMALLOC_END, NULL, 0), 0);
}

static void diff(struct fixture *f)
{
	free(f->ch);
	assert_int_equal(pt_diff(&f->before, &f->after, &f->ch, &f->nr, NULL, 0), 0);
}

/* The changes as printed lines, compared with want[] (NULL-terminated). */
static void expect_changes(struct fixture *f, const char *const *want)
{
	size_t i, n = 0;
	char line[256];
	int bad = 0;

	while (want[n])
		n++;
	for (i = 0; i < f->nr || i < n; i++) {
		if (i < f->nr)
			pt_change_format(&f->ch[i], f->ctx.mode, line, sizeof(line));
		else
			strcpy(line, "(none)");
		if (i >= n || strcmp(line, want[i])) {
			print_error("change %zu: expected '%s'\n              got '%s'\n", i,
				    i < n ? want[i] : "(none)", line);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_2level_pte_set_and_cleared(void **state)
{
	struct fixture *f = fixture_new(WALK_2LEVEL);
	static const char *const set[] = {
		"PTE c8801000 @0x00002004: 00000000 -> 00005163 [P RW A D G]", NULL
	};
	static const char *const cleared[] = {
		"PTE c8801000 @0x00002004: 00005163 -> 00000000 [none]", NULL
	};

	(void)state;
	snap(f, &f->before);
	set32(f, PT_A + 4, 0x5000 | KPTE);
	snap(f, &f->after);
	diff(f);
	expect_changes(f, set);

	snap(f, &f->before);
	set32(f, PT_A + 4, 0);
	snap(f, &f->after);
	diff(f);
	expect_changes(f, cleared);
	fixture_free(f);
}

static void test_2level_new_page_table(void **state)
{
	struct fixture *f = fixture_new(WALK_2LEVEL);
	static const char *const want[] = {
		"PGD c8c00000 @0x00001c8c: 00000000 -> 00003063 [P RW A D]",
		"PTE c8c00000 @0x00003000: 00000000 -> 00006163 [P RW A D G]",
		"PTE c8c01000 @0x00003004: 00000000 -> 00007163 [P RW A D G]",
		NULL,
	};

	(void)state;
	snap(f, &f->before);
	set32(f, PT_B, 0x6000 | KPTE);
	set32(f, PT_B + 4, 0x7000 | KPTE);
	set32(f, PGD_2L + (0xc8c00000u >> 22) * 4, PT_B | KPG);
	snap(f, &f->after);
	diff(f);
	expect_changes(f, want);
	fixture_free(f);
}

static void test_2level_accessed_dirty(void **state)
{
	struct fixture *f = fixture_new(WALK_2LEVEL);
	static const char *const a[] = {
		"PTE c8800000 @0x00002000: 00005003 -> 00005023 [P RW A] (+A)", NULL
	};
	static const char *const d[] = {
		"PTE c8800000 @0x00002000: 00005023 -> 00005061 [P A D] (-RW +D)", NULL
	};

	(void)state;
	set32(f, PT_A, 0x5003);
	snap(f, &f->before);
	set32(f, PT_A, 0x5023);
	snap(f, &f->after);
	diff(f);
	expect_changes(f, a);
	snap(f, &f->before);
	set32(f, PT_A, 0x5061);
	snap(f, &f->after);
	diff(f);
	expect_changes(f, d);
	fixture_free(f);
}

/* PTEs outside the range are not snapshotted; PGD entries are, everywhere. */
static void test_2level_outside_range(void **state)
{
	struct fixture *f = fixture_new(WALK_2LEVEL);
	static const char *const want[] = {
		"PGD c0000000 @0x00001c00: 00000000 -> 000000e3 [P RW A D PS]", NULL
	};

	(void)state;
	snap(f, &f->before);
	set32(f, PGD_2L + (0xc0000000u >> 22) * 4, 0xe3); /* a 4 MiB direct-map page */
	snap(f, &f->after);
	diff(f);
	expect_changes(f, want);
	/* Same snapshot twice: nothing. */
	snap(f, &f->before);
	diff(f);
	assert_int_equal(f->nr, 0);
	fixture_free(f);
}

static void test_pae_new_pmd_and_pte(void **state)
{
	struct fixture *f = fixture_new(WALK_PAE);
	static const char *const want[] = {
		"PMD c8a00000 @0x00004228: 0000000000000000 -> 0000000000006063 [P RW A D]",
		"PTE c8800000 @0x00005000: 0000000000000000 -> 8000000000009163 [P RW A D G NX]",
		"PTE c8a00000 @0x00006000: 0000000000000000 -> 0000000000008163 [P RW A D G]",
		NULL,
	};

	(void)state;
	f->ctx.nxe = true;
	snap(f, &f->before);
	set64(f, PT_PAE_A, 0x9000 | KPTE | _PAGE_NX);
	set64(f, PT_PAE_B, 0x8000 | KPTE);
	set64(f, PMD_K + ((0xc8a00000u >> 21) & 511) * 8, PT_PAE_B | KPG);
	snap(f, &f->after);
	diff(f);
	expect_changes(f, want);
	/* 4 PDPT entries, 512 PMD entries under the one present PDPTE, 2 PTE pages. */
	assert_int_equal(f->after.nr, 4 + 512 + 2 * 512);
	fixture_free(f);
}

/* A hostile table: entries pointing outside RAM, CR3 outside RAM: no crash, no PTEs. */
static void test_hostile_tables(void **state)
{
	struct fixture *f = fixture_new(WALK_2LEVEL);
	char err[200];
	unsigned int i;

	(void)state;
	for (i = 0; i < 1024; i++)
		set32(f, PGD_2L + i * 4, 0xfffff000u | KPG);
	snap(f, &f->before);
	assert_int_equal(f->before.nr, 1024); /* the PGD entries, nothing below */
	f->ctx.cr3 = 0x7ffff000u;
	snap(f, &f->after);
	assert_int_equal(f->after.nr, 0);
	diff(f);
	assert_int_equal(f->nr, 1024); /* every entry "gone" */
	assert_int_equal(pt_snapshot_take(&f->after, &f->ctx, 0x2000, 0x1000, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "PTE range [0x2000, 0x1000)"));
	assert_int_equal(
		pt_snapshot_take(&f->after, &f->ctx, 0, (1ull << 32) + 1, err, sizeof(err)),
		-EINVAL);
	assert_non_null(strstr(err, "PTE range [0x0, 0x100000001)"));
	fixture_free(f);
}

static void test_flags_str(void **state)
{
	static const struct {
		uint64_t value;
		enum walk_level level;
		const char *want;
	} cases[] = {
		{ 0, WALK_PTE, "none" },
		{ 0x5000, WALK_PTE, "not present" },
		{ 0x1ff, WALK_PGD, "P RW US PWT PCD A D PS G" },
		{ 0x1ff, WALK_PTE, "P RW US PWT PCD A D PAT G" },
		{ _PAGE_NX | 1, WALK_PTE, "P NX" },
	};
	char buf[80];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		pt_flags_str(cases[i].value, cases[i].level, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].want);
	}
	/* Truncated, still terminated, nothing written past len; buf is
	 * poisoned first so that a call that writes nothing cannot pass. */
	memset(buf, 'x', sizeof(buf));
	pt_flags_str(0x1ff, WALK_PGD, buf, 6);
	assert_string_equal(buf, "P RW ");
	assert_int_equal(buf[6], 'x');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_2level_pte_set_and_cleared),
		cmocka_unit_test(test_2level_new_page_table),
		cmocka_unit_test(test_2level_accessed_dirty),
		cmocka_unit_test(test_2level_outside_range),
		cmocka_unit_test(test_pae_new_pmd_and_pte),
		cmocka_unit_test(test_hostile_tables),
		cmocka_unit_test(test_flags_str),
	};

	return cmocka_run_group_tests_name("diff", tests, NULL, NULL);
}
