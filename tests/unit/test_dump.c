// SPDX-License-Identifier: GPL-2.0
/*
 * The dumps on small synthetic page tables, compared with text checked by
 * hand against the formats of QEMU's "info tlb" / "info mem", crash's
 * "vtop" and Linux's /proc/vmallocinfo (format strings quoted in dump.c).
 */
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
#include "vmm/inspect/inspect.h"
#include "vmm/core/core.h"

#define RAM (8u << 20)

struct fixture {
	struct guest_mem gm;
	struct walk_ctx ctx;
	char *out;
	size_t len;
	FILE *f;
};

static void put32(struct fixture *fx, uint64_t gpa, uint32_t v)
{
	testmem_put32(&fx->gm, gpa, v);
}

static void put64(struct fixture *fx, uint64_t gpa, uint64_t v)
{
	testmem_put64(&fx->gm, gpa, v);
}

/*
 * 2-level: PGD at 0x1000.
 *   c0000000  4 MiB page at 0, kernel RW global (0x1e3)
 *   c8800000  page table at 0x2000 (PDE 0x2067: user allowed)
 *     +0000 0x5163  kernel RW global
 *     +1000 0x6063  kernel RW
 *     +2000 none
 *     +3000 0x7025  user read-only
 *     +4000 0x80e3  kernel RW with PAT (bit 7) set
 */
static struct fixture *setup_2l(void)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	testmem_init(&fx->gm, RAM);
	fx->ctx = (struct walk_ctx){ .read = walk_read_gmem,
				     .read_ctx = &fx->gm,
				     .mode = WALK_2LEVEL,
				     .cr3 = 0x1000,
				     .pse = true,
				     .ram_size = RAM };
	put32(fx, 0x1000 + 0x300 * 4, 0x000001e3);
	put32(fx, 0x1000 + 0x322 * 4, 0x00002067);
	put32(fx, 0x2000 + 0 * 4, 0x00005163);
	put32(fx, 0x2000 + 1 * 4, 0x00006063);
	put32(fx, 0x2000 + 3 * 4, 0x00007025);
	put32(fx, 0x2000 + 4 * 4, 0x000080e3);
	fx->f = open_memstream(&fx->out, &fx->len);
	assert_non_null(fx->f);
	return fx;
}

/*
 * PAE: PDPT at 0x1020, PDPTE 3 = 0x3001, PMD page at 0x3000.
 *   c0000000  2 MiB page at 0, kernel RW global (0x1e3)
 *   c8800000  page table at 0x4000 (PDE 0x4067)
 *     +0000 0x8000000000005063  kernel RW NX
 *     +1000 0x6163              kernel RW global
 */
static struct fixture *setup_pae(void)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	testmem_init(&fx->gm, RAM);
	fx->ctx = (struct walk_ctx){ .read = walk_read_gmem,
				     .read_ctx = &fx->gm,
				     .mode = WALK_PAE,
				     .cr3 = 0x1020,
				     .nxe = true,
				     .ram_size = RAM };
	put64(fx, 0x1020 + 3 * 8, 0x3001);
	put64(fx, 0x3000 + 0x000 * 8, 0x1e3);
	put64(fx, 0x3000 + 0x044 * 8, 0x4067);
	put64(fx, 0x4000 + 0 * 8, 0x8000000000005063ull);
	put64(fx, 0x4000 + 1 * 8, 0x6163);
	fx->f = open_memstream(&fx->out, &fx->len);
	assert_non_null(fx->f);
	return fx;
}

static void teardown(struct fixture *fx)
{
	if (fx->f)
		fclose(fx->f);
	free(fx->out);
	testmem_free(&fx->gm);
	free(fx);
}

/* Compare the captured output with want; print both and the first difference. */
static void check_text(struct fixture *fx, const char *what, const char *want, const char *file,
		       int line)
{
	size_t i = 0, lineno = 1;

	fflush(fx->f);
	if (!strcmp(fx->out, want))
		goto reset;
	while (want[i] && want[i] == fx->out[i]) {
		if (want[i] == '\n')
			lineno++;
		i++;
	}
	print_error(
		"%s:%d: %s differs at line %zu, byte %zu\n---- expected:\n%s---- got:\n%s----\n",
		file, line, what, lineno, i, want, fx->out);
	_fail(file, line);
reset:
	fclose(fx->f);
	free(fx->out);
	fx->out = NULL;
	fx->f = open_memstream(&fx->out, &fx->len);
	assert_non_null(fx->f);
}

#define CHECK_TEXT(fx, what, want) check_text((fx), (what), (want), __FILE__, __LINE__)

static void vtop(struct fixture *fx, uint32_t va)
{
	struct walk_result r;

	walk(&fx->ctx, va, &r);
	dump_vtop(fx->f, &r);
}

static void test_tlb_2l(void **state)
{
	struct fixture *fx = setup_2l();

	(void)state;
	assert_int_equal(dump_tlb(fx->f, &fx->ctx, NULL, 0), 0);
	CHECK_TEXT(fx, "info tlb (2-level)",
		   "00000000c0000000: 0000000000000000 -GPDA---W\n"
		   "00000000c8800000: 0000000000005000 -G-DA---W\n"
		   "00000000c8801000: 0000000000006000 ---DA---W\n"
		   "00000000c8803000: 0000000000007000 ----A--U-\n"
		   "00000000c8804000: 0000000000008000 ---DA---W\n");
	teardown(fx);
}

static void test_mem_2l(void **state)
{
	struct fixture *fx = setup_2l();

	(void)state;
	assert_int_equal(dump_mem(fx->f, &fx->ctx, NULL, 0), 0);
	CHECK_TEXT(fx, "info mem (2-level)",
		   "00000000c0000000-00000000c0400000 0000000000400000 -rw\n"
		   "00000000c8800000-00000000c8802000 0000000000002000 -rw\n"
		   "00000000c8803000-00000000c8804000 0000000000001000 ur-\n"
		   "00000000c8804000-00000000c8805000 0000000000001000 -rw\n");
	teardown(fx);
}

static void test_vtop_2l(void **state)
{
	struct fixture *fx = setup_2l();

	(void)state;
	vtop(fx, 0xc8801234);
	CHECK_TEXT(fx, "vtop c8801234 (2-level, 4K)",
		   "VIRTUAL   PHYSICAL\n"
		   "c8801234  6234    \n"
		   "\n"
		   "PAGE DIRECTORY: c0001000\n"
		   "  PGD: c0001c88 => 2067\n"
		   "  PMD: c0001c88 => 2067\n"
		   "  PTE:     2004 => 6063\n"
		   " PAGE:     6000\n"
		   "\n"
		   "PTE   PHYSICAL  FLAGS\n"
		   "6063    6000    (PRESENT|RW|ACCESSED|DIRTY)\n"
		   "\n");

	vtop(fx, 0xc0123456);
	CHECK_TEXT(fx, "vtop c0123456 (2-level, 4M)",
		   "VIRTUAL   PHYSICAL\n"
		   "c0123456  123456  \n"
		   "\n"
		   "PAGE DIRECTORY: c0001000\n"
		   "  PGD: c0001c00 => 1e3\n"
		   " PAGE:        0  (4MB)\n"
		   "\n"
		   "PTE  PHYSICAL  FLAGS\n"
		   "1e3      0     (PRESENT|RW|ACCESSED|DIRTY|PSE|GLOBAL)\n"
		   "\n");

	vtop(fx, 0xc8802000);
	CHECK_TEXT(fx, "vtop c8802000 (2-level, not mapped)",
		   "VIRTUAL   PHYSICAL\n"
		   "c8802000  (not mapped)\n"
		   "\n"
		   "PAGE DIRECTORY: c0001000\n"
		   "  PGD: c0001c88 => 2067\n"
		   "  PMD: c0001c88 => 2067\n"
		   "  PTE:     2008 => 0\n"
		   "\n");

	vtop(fx, 0xd0000000);
	CHECK_TEXT(fx, "vtop d0000000 (2-level, no page table)",
		   "VIRTUAL   PHYSICAL\n"
		   "d0000000  (not mapped)\n"
		   "\n"
		   "PAGE DIRECTORY: c0001000\n"
		   "  PGD: c0001d00 => 0\n"
		   "\n");

	/* crash prints PSE for a 4K PTE with the PAT bit: it tests bit 7 alone. */
	vtop(fx, 0xc8804000);
	CHECK_TEXT(fx, "vtop c8804000 (2-level, PAT)",
		   "VIRTUAL   PHYSICAL\n"
		   "c8804000  8000    \n"
		   "\n"
		   "PAGE DIRECTORY: c0001000\n"
		   "  PGD: c0001c88 => 2067\n"
		   "  PMD: c0001c88 => 2067\n"
		   "  PTE:     2010 => 80e3\n"
		   " PAGE:     8000\n"
		   "\n"
		   "PTE   PHYSICAL  FLAGS\n"
		   "80e3    8000    (PRESENT|RW|ACCESSED|DIRTY|PSE)\n"
		   "\n");
	teardown(fx);
}

static void test_tlb_pae(void **state)
{
	struct fixture *fx = setup_pae();

	(void)state;
	assert_int_equal(dump_tlb(fx->f, &fx->ctx, NULL, 0), 0);
	/* QEMU masks the raw entry, so XD shows in the address of an NX page. */
	CHECK_TEXT(fx, "info tlb (PAE)",
		   "00000000c0000000: 0000000000000000 -GPDA---W\n"
		   "00000000c8800000: 8000000000005000 X--DA---W\n"
		   "00000000c8801000: 0000000000006000 -G-DA---W\n");
	teardown(fx);
}

static void test_mem_pae(void **state)
{
	struct fixture *fx = setup_pae();

	(void)state;
	assert_int_equal(dump_mem(fx->f, &fx->ctx, NULL, 0), 0);
	CHECK_TEXT(fx, "info mem (PAE)",
		   "00000000c0000000-00000000c0200000 0000000000200000 -rw\n"
		   "00000000c8800000-00000000c8802000 0000000000002000 -rw\n");
	teardown(fx);
}

static void test_mem_to_the_top(void **state)
{
	struct fixture *fx = setup_2l();

	(void)state;
	/* A mapping in the last PGD entry is closed by QEMU's final flush at 1 << 32. */
	put32(fx, 0x1000 + 0x3ff * 4, 0x004001e7);
	assert_int_equal(dump_mem(fx->f, &fx->ctx, NULL, 0), 0);
	CHECK_TEXT(fx, "info mem (2-level, top)",
		   "00000000c0000000-00000000c0400000 0000000000400000 -rw\n"
		   "00000000c8800000-00000000c8802000 0000000000002000 -rw\n"
		   "00000000c8803000-00000000c8804000 0000000000001000 ur-\n"
		   "00000000c8804000-00000000c8805000 0000000000001000 -rw\n"
		   "00000000ffc00000-0000000100000000 0000000000400000 urw\n");
	teardown(fx);
}

static void test_vtop_pae(void **state)
{
	struct fixture *fx = setup_pae();

	(void)state;
	vtop(fx, 0xc8800010);
	CHECK_TEXT(fx, "vtop c8800010 (PAE, 4K, NX)",
		   "VIRTUAL   PHYSICAL\n"
		   "c8800010  5010    \n"
		   "\n"
		   "PAGE DIRECTORY: c0001020\n"
		   "  PGD: c0001038 => 3001\n"
		   "  PMD:     3220 => 4067\n"
		   "  PTE:     4000 => 8000000000005063\n"
		   " PAGE:     5000\n"
		   "\n"
		   "      PTE         PHYSICAL  FLAGS\n"
		   "8000000000005063    5000    (PRESENT|RW|ACCESSED|DIRTY|NX)\n"
		   "\n");

	vtop(fx, 0xc01fffff);
	CHECK_TEXT(fx, "vtop c01fffff (PAE, 2M)",
		   "VIRTUAL   PHYSICAL\n"
		   "c01fffff  1fffff  \n"
		   "\n"
		   "PAGE DIRECTORY: c0001020\n"
		   "  PGD: c0001038 => 3001\n"
		   "  PMD:     3000 => 1e3\n"
		   " PAGE:        0  (2MB)\n"
		   "\n"
		   "PTE  PHYSICAL  FLAGS\n"
		   "1e3      0     (PRESENT|RW|ACCESSED|DIRTY|PSE|GLOBAL)\n"
		   "\n");

	vtop(fx, 0x00400000);
	CHECK_TEXT(fx, "vtop 400000 (PAE, PDPTE not present)",
		   "VIRTUAL   PHYSICAL\n"
		   "400000    (not mapped)\n"
		   "\n"
		   "PAGE DIRECTORY: c0001020\n"
		   "  PGD: c0001020 => 0\n"
		   "\n");
	teardown(fx);
}

static void test_vmallocinfo(void **state)
{
	struct fixture *fx = setup_2l();

	(void)state;
	dump_vmallocinfo_line(fx->f, 0xc8800000, 0xc8803000, "cmd_vmalloc+0x13/0x24", 2,
			      DUMP_VM_ALLOC);
	dump_vmallocinfo_line(fx->f, 0xc8804000, 0xc8806000, "cmd_vmap+0x19c/0x21c", 1,
			      DUMP_VM_MAP);
	dump_vmallocinfo_line(fx->f, 0xc8807000, 0xc8c07000, "cmd_get_vm_area+0x2f/0x7f", 0,
			      DUMP_VM_IOREMAP);
	/* No symbol covers the caller: %pS prints the bare address. */
	dump_vmallocinfo_line(fx->f, 0xc8c08000, 0xc8c0a000, "0xc0ffee00", 1, DUMP_VM_ALLOC);
	/* No caller at all (NULL or empty): Linux prints nothing between size and pages=. */
	dump_vmallocinfo_line(fx->f, 0xc8c0b000, 0xc8c0d000, NULL, 1, DUMP_VM_MAP);
	dump_vmallocinfo_line(fx->f, 0xc8c0e000, 0xc8c10000, "", 0, DUMP_VM_IOREMAP);
	CHECK_TEXT(fx, "vmallocinfo",
		   "0xc8800000-0xc8803000   12288 cmd_vmalloc+0x13/0x24 pages=2 vmalloc\n"
		   "0xc8804000-0xc8806000    8192 cmd_vmap+0x19c/0x21c pages=1 vmap\n"
		   "0xc8807000-0xc8c07000 4194304 cmd_get_vm_area+0x2f/0x7f ioremap\n"
		   "0xc8c08000-0xc8c0a000    8192 0xc0ffee00 pages=1 vmalloc\n"
		   "0xc8c0b000-0xc8c0d000    8192 pages=1 vmap\n"
		   "0xc8c0e000-0xc8c10000    8192 ioremap\n");
	teardown(fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tlb_2l),	 cmocka_unit_test(test_mem_2l),
		cmocka_unit_test(test_vtop_2l),	 cmocka_unit_test(test_tlb_pae),
		cmocka_unit_test(test_mem_pae),	 cmocka_unit_test(test_mem_to_the_top),
		cmocka_unit_test(test_vtop_pae), cmocka_unit_test(test_vmallocinfo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
