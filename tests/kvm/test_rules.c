// SPDX-License-Identifier: GPL-2.0
/*
 * One planted defect per rule and position (tests/rules.md is the table):
 * each rule of spec/checks.md must fire on a defect planted at the first,
 * a middle and the last position of what it scans (page of an area, PTE
 * page of the range, area of vmlist), name the address and entry, and be
 * the only rule that fires (or exactly the set the table gives).  So a
 * rule weakened to scan part of its range fails here (tools/mutate shows
 * it).  One guest per paging mode: a fixed layout is built once, then each
 * defect is planted through gmem_write*() while the guest waits at
 * DB_READY, checked, and put back, and the checker must be silent again
 * before the next one.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "shared/abi.h"
#include "shared/kstructs.h"
#include "shared/layout.h"
#include "shared/mmu.h"
#include "tests/lib/vmcase.h"
#include "vmm/core/core.h"
#include "vmm/inspect/inspect.h"

#define BIG_PAGES  550u			 /* two of them cross a PTE page in both modes */
#define FRAME_MASK 0x000ffffffffff000ull /* the frame bits of an entry, both modes */

static struct vmfx *vf;
static struct check_report rep;
static const char *plant; /* what is planted now, for messages */

/*
 * The layout, in vmlist order.  g*: get_vm_area() areas (nothing mapped,
 * only the guard walked) for A2; hole1, hole_m and hole2: freed, so that
 * pte_none entries outside every area lie in the range's first PTE page,
 * between the two big areas (PAE: a middle PTE page) and in the last one (M3).
 */
static struct {
	uint32_t s0, g0, s1, hole1, big_a, g1, hole_m, big_b, dma, vm, hole2, e0, e1, g2;
} L;

static struct guest_mem *gm(void)
{
	return &vf->t.vm->mem;
}

/* ---- Reports ---- */

static void print_report(void)
{
	unsigned int i, n = rep.nr_violations < CHECK_MAX_VIOLATIONS ? rep.nr_violations
								     : CHECK_MAX_VIOLATIONS;
	struct walk_result res;

	check_report_print(stderr, &rep);
	testvm_walk_ctx(&vf->t, &vf->wc);
	for (i = 0; i < n && i < 6; i++) {
		if (!rep.v[i].va)
			continue;
		walk(&vf->wc, rep.v[i].va, &res);
		walk_fprint(stderr, &res);
	}
}

static void check(const struct check_op *op, unsigned flags)
{
	int ret = check_guest(vf->ck, op, flags, &rep);

	if (ret) {
		print_report();
		fail_msg("%s: %s: check_guest returned %d (%s)", vf->c->name, plant, ret, rep.err);
	}
}

static void expect_silent(const char *what)
{
	if (rep.nr_violations) {
		print_report();
		fail_msg("%s: %s: expected no violation, actual %u (report above)", vf->c->name,
			 what, rep.nr_violations);
	}
}

/*
 * The report holds a violation of rule at va, naming level (-1: none) and
 * the entry at eaddr when eaddr is not 0, and every violation's rule is in
 * allowed (a comma-separated set that includes rule).
 */
static void expect_only(const char *allowed, const char *rule, uint64_t va, int level,
			uint64_t eaddr)
{
	unsigned int i, n = rep.nr_violations < CHECK_MAX_VIOLATIONS ? rep.nr_violations
								     : CHECK_MAX_VIOLATIONS;
	bool found = false;
	struct walk_result res;

	for (i = 0; i < n; i++) {
		const struct check_violation *v = &rep.v[i];
		char key[12];

		snprintf(key, sizeof(key), "%s", v->rule);
		if (!strstr(allowed, key)) {
			print_report();
			fail_msg("%s: %s: only {%s} may fire; %s fired too (report above)",
				 vf->c->name, plant, allowed, v->rule);
		}
		if (!strcmp(v->rule, rule) && v->va == va && v->level == level &&
		    (!eaddr || v->entry_addr == eaddr))
			found = true;
	}
	if (!found) {
		print_report();
		testvm_walk_ctx(&vf->t, &vf->wc);
		walk(&vf->wc, va, &res);
		walk_fprint(stderr, &res);
		fail_msg("%s: %s: expected %s at 0x%08" PRIx64 " (level %d, entry 0x%" PRIx64
			 "); actual %u violation(s), none of them that (report and walk above)",
			 vf->c->name, plant, rule, va, level, eaddr, rep.nr_violations);
	}
	if (getenv("TEST_VERBOSE"))
		check_report_print(stdout, &rep);
}

/* After a defect is put back: the checker is silent again. */
static void settle(void)
{
	check(NULL, CHECK_STATIC);
	expect_silent("after putting it back");
}

/* ---- Guest state ---- */

static unsigned int esize(void)
{
	return vf->wc.mode == WALK_PAE ? 8 : 4;
}

static uint64_t rd(uint64_t addr)
{
	uint64_t v = 0;
	uint32_t v32;

	if (esize() == 8) {
		assert_int_equal(gmem_read64(gm(), addr, &v), 0);
		return v;
	}
	assert_int_equal(gmem_read32(gm(), addr, &v32), 0);
	return v32;
}

static void wr(uint64_t addr, uint64_t v)
{
	if (esize() == 8)
		assert_int_equal(gmem_write64(gm(), addr, v), 0);
	else
		assert_int_equal(gmem_write32(gm(), addr, (uint32_t)v), 0);
}

static uint32_t rd32(uint64_t gpa)
{
	uint32_t v;

	assert_int_equal(gmem_read32(gm(), gpa, &v), 0);
	return v;
}

static void wr32(uint64_t gpa, uint32_t v)
{
	assert_int_equal(gmem_write32(gm(), gpa, v), 0);
}

/* The entry at level on the way to va in the kernel's tables. */
static uint64_t entry_at(uint64_t va, enum walk_level level)
{
	struct walk_ctx kwc;
	struct walk_result res;
	const struct walk_entry *e;

	testvm_walk_ctx(&vf->t, &kwc);
	kwc.cr3 = vf->gk.swapper_pg_dir;
	walk(&kwc, va, &res);
	e = walk_entry_at(&res, level);
	if (!e) {
		walk_fprint(stderr, &res);
		fail_msg("%s: no %s entry on the way to 0x%08" PRIx64, vf->c->name,
			 walk_level_name(level), va);
	}
	return e->addr;
}

static uint64_t pte_of(uint64_t va)
{
	return entry_at(va, WALK_PTE);
}

/* The entry that points at the PTE page of va (2-level: the PGD entry). */
static uint64_t table_of(uint64_t va)
{
	return entry_at(va, vf->wc.mode == WALK_PAE ? WALK_PMD : WALK_PGD);
}

static uint64_t frame_of(uint64_t va)
{
	return rd(pte_of(va)) & FRAME_MASK;
}

/* The guest-physical address of mem_map[pfn]'s field at off. */
static uint64_t page_field(uint64_t pfn, unsigned int off)
{
	uint32_t mm = rd32(vf->gk.mem_map);
	uint64_t pa;

	assert_int_equal(sym_virt_to_phys(mm, &pa), 0);
	return pa + pfn * PAGE_STRUCT_SIZE + off;
}

static uint64_t node_pa(uint32_t addr)
{
	struct vm_area areas[32];
	struct vmlist_info info;
	unsigned int i;
	uint64_t pa;

	assert_int_equal(inspect_read_vmlist(&vf->gk, areas, 32, &info), 0);
	for (i = 0; i < info.nr && i < 32; i++)
		if (areas[i].addr == addr) {
			assert_int_equal(sym_virt_to_phys(areas[i].node, &pa), 0);
			return pa;
		}
	fail_msg("%s: no area at 0x%08x in vmlist", vf->c->name, addr);
	return 0;
}

static struct guest_reply reply;

static uint32_t call(uint32_t cmd, uint32_t a0, uint32_t a1, uint32_t a2)
{
	const uint32_t args[4] = { a0, a1, a2, 0 };

	testvm_call(&vf->t, cmd, args, 4, &reply);
	if (reply.status != ST_OK)
		fail_msg("%s: command %u (0x%x, 0x%x): status %u; text:\n%s", vf->c->name, cmd, a0,
			 a1, reply.status, reply.text);
	return reply.results[0];
}

/* The operation just made, as check_guest() is told about it. */
static struct check_op op_of(uint32_t cmd, uint32_t a0, uint32_t a2)
{
	struct check_op op = { .cmd = cmd, .status = reply.status };

	op.args[0] = a0;
	op.args[2] = a2;
	memcpy(op.results, reply.results, sizeof(op.results));
	return op;
}

static uint32_t va_page(uint32_t area, uint32_t page)
{
	return area + page * PAGE_SIZE;
}

/* ---- The layout ---- */

static void build(void)
{
	struct check_op op;

	plant = "building the layout";
	L.s0 = call(CMD_VMALLOC, PAGE_SIZE, 0, 0);
	L.g0 = call(CMD_GET_VM_AREA, 2 * PAGE_SIZE, VM_IOREMAP, 0);
	L.s1 = call(CMD_VMALLOC, PAGE_SIZE, 0, 0);
	L.hole1 = call(CMD_VMALLOC, PAGE_SIZE, 0, 0);
	L.big_a = call(CMD_VMALLOC, BIG_PAGES * PAGE_SIZE, 0, 0);
	L.g1 = call(CMD_GET_VM_AREA, 2 * PAGE_SIZE, VM_IOREMAP, 0);
	L.hole_m = call(CMD_VMALLOC, PAGE_SIZE, 0, 0);
	L.big_b = call(CMD_VMALLOC, BIG_PAGES * PAGE_SIZE, 0, 0);
	check(NULL, CHECK_STATIC);
	/* The checker must see vmalloc_dma (M5's limit) and the vmap (its prot) made. */
	L.dma = call(CMD_VMALLOC_DMA, 2 * PAGE_SIZE, 0, 0);
	op = op_of(CMD_VMALLOC_DMA, 2 * PAGE_SIZE, 0);
	check(&op, CHECK_STATIC);
	L.hole2 = call(CMD_VMALLOC, PAGE_SIZE, 0, 0);
	check(NULL, CHECK_STATIC);
	/* A vmap without A/D (H1). */
	L.vm = call(CMD_VMAP, 1, ZONE_NORMAL, _PAGE_PRESENT | _PAGE_RW);
	op = op_of(CMD_VMAP, 1, _PAGE_PRESENT | _PAGE_RW);
	op.args[1] = ZONE_NORMAL;
	check(&op, CHECK_STATIC | CHECK_PROBES);
	expect_silent("the vmap of the layout (H1 on a correct guest)");
	L.e0 = call(CMD_VMALLOC, PAGE_SIZE, 0, 0);
	L.e1 = call(CMD_VMALLOC, PAGE_SIZE, 0, 0);
	L.g2 = call(CMD_GET_VM_AREA, 2 * PAGE_SIZE, VM_IOREMAP, 0);
	call(CMD_VFREE, L.hole1, 0, 0);
	call(CMD_VFREE, L.hole_m, 0, 0);
	call(CMD_VFREE, L.hole2, 0, 0);
	check(NULL, CHECK_STATIC);
	expect_silent("the layout");
	/* M7 asked KVM about every page: a check that stops translating is no check. */
	if (rep.translations < 2 * BIG_PAGES)
		fail_msg("%s: the check made %" PRIu64 " KVM_TRANSLATE calls for %u+ pages (M7)",
			 vf->c->name, rep.translations, 2 * BIG_PAGES);
	if (table_of(L.hole1) == table_of(L.hole2))
		fail_msg("%s: hole1 0x%08x and hole2 0x%08x share a PTE page: the layout does not "
			 "span the range's first and last PTE page",
			 vf->c->name, L.hole1, L.hole2);
	if (L.s0 != vf->vmalloc_start)
		fail_msg("%s: the first area is at 0x%08x, not VMALLOC_START 0x%08x", vf->c->name,
			 L.s0, vf->vmalloc_start);
}

/* ---- Static rules ---- */

/* A1: two areas of one size swap addresses (the set of pages is the same, the order not). */
static void a1(void)
{
	static const struct {
		const char *where;
		size_t lo, hi; /* offsetof the two areas in L */
	} pairs[] = {
		{ "first", offsetof(typeof(L), s0), offsetof(typeof(L), s1) },
		{ "middle", offsetof(typeof(L), big_a), offsetof(typeof(L), big_b) },
		{ "last", offsetof(typeof(L), e0), offsetof(typeof(L), e1) },
	};
	char what[96];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pairs); i++) {
		uint32_t lo = *(uint32_t *)((char *)&L + pairs[i].lo);
		uint32_t hi = *(uint32_t *)((char *)&L + pairs[i].hi);
		uint64_t nlo = node_pa(lo), nhi = node_pa(hi);

		snprintf(what, sizeof(what), "A1: areas 0x%08x and 0x%08x swapped (%s pair)", lo,
			 hi, pairs[i].where);
		plant = what;
		wr32(nlo + VM_STRUCT_OFF_ADDR, hi);
		wr32(nhi + VM_STRUCT_OFF_ADDR, lo);
		check(NULL, CHECK_STATIC);
		expect_only("A1", "A1", lo, -1, 0);
		wr32(nlo + VM_STRUCT_OFF_ADDR, lo);
		wr32(nhi + VM_STRUCT_OFF_ADDR, hi);
		settle();
	}
}

/* A2 (and A1's overlap): a get_vm_area area moved one page down, onto the guard before it. */
static void a2(void)
{
	const uint32_t g[] = { L.g0, L.g1, L.g2 };
	char what[96];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(g); i++) {
		uint64_t n = node_pa(g[i]);

		snprintf(what, sizeof(what), "A2: area 0x%08x moved onto the guard before it",
			 g[i]);
		plant = what;
		wr32(n + VM_STRUCT_OFF_ADDR, g[i] - PAGE_SIZE);
		check(NULL, CHECK_STATIC);
		expect_only("A1,A2", "A2", g[i] - PAGE_SIZE, -1, 0);
		expect_only("A1,A2", "A1", g[i] - PAGE_SIZE, -1, 0);
		wr32(n + VM_STRUCT_OFF_ADDR, g[i]);
		settle();
	}
}

/* The pages M1, M4 and P1 are planted at: first/middle/last page of an area, of vmlist. */
static void mapped_pages(uint32_t out[6])
{
	out[0] = L.s0;				  /* the first area */
	out[1] = va_page(L.big_a, 0);		  /* first page of a big area */
	out[2] = va_page(L.big_a, BIG_PAGES / 2); /* its middle */
	out[3] = va_page(L.big_a, BIG_PAGES - 1); /* its last */
	out[4] = va_page(L.big_b, BIG_PAGES - 1); /* in the last PTE page */
	out[5] = L.e1;				  /* the last VM_ALLOC area */
}

/* M1: a PTE of an area without RW. */
static void m1(void)
{
	uint32_t pages[6];
	char what[96];
	size_t i;

	mapped_pages(pages);
	for (i = 0; i < 6; i++) {
		uint64_t ea = pte_of(pages[i]), old = rd(ea);

		snprintf(what, sizeof(what), "M1: PTE of 0x%08x without RW", pages[i]);
		plant = what;
		wr(ea, old & ~(uint64_t)_PAGE_RW);
		check(NULL, CHECK_STATIC);
		expect_only("M1", "M1", pages[i], WALK_PTE, ea);
		wr(ea, old);
		settle();
	}
}

/* M2: the guard page mapped (the frame of the page before it, so no frame is new). */
static void m2(void)
{
	const uint32_t guards[] = { va_page(L.s0, 1), va_page(L.big_a, BIG_PAGES),
				    va_page(L.big_b, BIG_PAGES), va_page(L.e1, 1) };
	char what[96];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(guards); i++) {
		uint64_t ea = pte_of(guards[i]);

		snprintf(what, sizeof(what), "M2: guard page 0x%08x mapped", guards[i]);
		plant = what;
		wr(ea, rd(pte_of(guards[i] - PAGE_SIZE)));
		check(NULL, CHECK_STATIC);
		expect_only("M2", "M2", guards[i], WALK_PTE, ea);
		wr(ea, 0);
		settle();
	}
}

/* M3: a present PTE in a hole: the range's first PTE page, a middle one, the last. */
static void m3(void)
{
	const uint32_t stray[] = { L.hole1, L.hole_m, L.hole2 };
	char what[96];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(stray); i++) {
		uint64_t ea = pte_of(stray[i]);

		snprintf(what, sizeof(what), "M3: stray PTE at 0x%08x", stray[i]);
		plant = what;
		wr(ea, rd(pte_of(L.s0)));
		check(NULL, CHECK_STATIC);
		expect_only("M3", "M3", stray[i], WALK_PTE, ea);
		wr(ea, 0);
		settle();
	}
}

/* M4: a page of an area mapping the first area's frame. */
static void m4(void)
{
	uint32_t pages[6];
	char what[96];
	size_t i;

	mapped_pages(pages);
	for (i = 1; i < 6; i++) {
		uint64_t ea = pte_of(pages[i]), old = rd(ea);

		snprintf(what, sizeof(what), "M4: 0x%08x maps the frame of 0x%08x", pages[i], L.s0);
		plant = what;
		wr(ea, (old & (PAGE_SIZE - 1)) | frame_of(L.s0));
		check(NULL, CHECK_STATIC);
		expect_only("M4", "M4", pages[i] > L.s0 ? pages[i] : L.s0, WALK_PTE, 0);
		wr(ea, old);
		settle();
	}
}

/* M5: a vmalloc_dma page and a page above 16 MiB swap frames. */
static void m5(void)
{
	const uint32_t dma_pages[] = { va_page(L.dma, 0), va_page(L.dma, 1) };
	const uint32_t other[] = { va_page(L.big_a, 0), va_page(L.big_b, BIG_PAGES - 1) };
	char what[96];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dma_pages); i++) {
		uint64_t ed = pte_of(dma_pages[i]), eo = pte_of(other[i]);
		uint64_t od = rd(ed), oo = rd(eo);

		if (frame_of(other[i]) < ZONE_DMA_LIMIT)
			fail_msg("%s: 0x%08x has a DMA frame; cannot plant M5", vf->c->name,
				 other[i]);
		snprintf(what, sizeof(what), "M5: vmalloc_dma page 0x%08x given frame 0x%" PRIx64,
			 dma_pages[i], frame_of(other[i]));
		plant = what;
		wr(ed, (od & (PAGE_SIZE - 1)) | frame_of(other[i]));
		wr(eo, (oo & (PAGE_SIZE - 1)) | (od & ~(uint64_t)(PAGE_SIZE - 1)));
		check(NULL, CHECK_STATIC);
		expect_only("M5", "M5", dma_pages[i], WALK_PTE, 0);
		wr(ed, od);
		wr(eo, oo);
		settle();
	}
}

/* M6: a page table whose frame is free in mem_map: the first, a middle, the last. */
static void m6(void)
{
	const uint32_t at[] = { L.s0, va_page(L.big_b, 0), L.g2 };
	char what[96];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(at); i++) {
		uint64_t te = table_of(at[i]);
		uint64_t pfn = (rd(te) & FRAME_MASK) >> PAGE_SHIFT;
		uint64_t cnt = page_field(pfn, PAGE_STRUCT_OFF_COUNT);
		uint32_t was = rd32(cnt);
		uint64_t span =
			walk_level_span(vf->wc.mode, vf->wc.mode == WALK_PAE ? WALK_PMD : WALK_PGD);

		snprintf(what, sizeof(what), "M6: page table of 0x%08x (pfn 0x%" PRIx64 ") count 0",
			 at[i], pfn);
		plant = what;
		wr32(cnt, 0);
		check(NULL, CHECK_STATIC);
		expect_only("M6", "M6", at[i] & ~(span - 1),
			    (int)(vf->wc.mode == WALK_PAE ? WALK_PMD : WALK_PGD), te);
		wr32(cnt, was);
		settle();
	}
}

/* M8: an entry outside the vmalloc range changed: the first, the direct map's, the last. */
static void m8(void)
{
	const enum walk_level tl = vf->wc.mode == WALK_PAE ? WALK_PMD : WALK_PGD;
	const uint64_t at[] = { 0, PAGE_OFFSET, 0xfffff000u };
	char what[96];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(at); i++) {
		uint64_t ea = entry_at(at[i], tl), old = rd(ea);
		uint64_t span = walk_level_span(vf->wc.mode, tl);

		snprintf(what, sizeof(what), "M8: the %s entry of 0x%08" PRIx64 " changed",
			 walk_level_name(tl), at[i]);
		plant = what;
		wr(ea, old ^ _PAGE_PCD);
		check(NULL, CHECK_STATIC);
		expect_only("M8", "M8", at[i] & ~(span - 1),
			    (int)(vf->wc.mode == WALK_PAE ? WALK_PMD : WALK_PGD), ea);
		wr(ea, old);
		check(NULL, CHECK_STATIC); /* M8 sees the change back, once */
		expect_only("M8", "M8", at[i] & ~(span - 1),
			    (int)(vf->wc.mode == WALK_PAE ? WALK_PMD : WALK_PGD), ea);
		settle();
	}
}

/* P1: a mapped frame whose count is 0. */
static void p1(void)
{
	uint32_t pages[6];
	char what[96];
	size_t i;

	mapped_pages(pages);
	for (i = 0; i < 6; i++) {
		uint64_t pfn = frame_of(pages[i]) >> PAGE_SHIFT;
		uint64_t cnt = page_field(pfn, PAGE_STRUCT_OFF_COUNT);
		uint32_t was = rd32(cnt);

		snprintf(what, sizeof(what), "P1: frame of 0x%08x (pfn 0x%" PRIx64 ") count 0",
			 pages[i], pfn);
		plant = what;
		wr32(cnt, 0);
		check(NULL, CHECK_STATIC);
		expect_only("P1", "P1", pages[i], WALK_PTE, 0);
		wr32(cnt, was);
		settle();
	}
}

/* ---- Rules that judge an operation: P2, T1, T2, T3, H1 ---- */

/* H1: the vmap's PTE with D set before any write (a read must leave D clear). */
static void h1(void)
{
	uint64_t ea = pte_of(L.vm), old = rd(ea);
	struct check_op op;

	plant = "H1: the vmap's PTE with D preset and A clear";
	wr(ea, (old & ~(uint64_t)_PAGE_ACCESSED) | _PAGE_DIRTY);
	reply.status = ST_OK;
	memset(reply.results, 0, sizeof(reply.results));
	reply.results[0] = L.vm;
	op = op_of(CMD_VMAP, 1, _PAGE_PRESENT | _PAGE_RW);
	op.args[1] = ZONE_NORMAL;
	check(&op, CHECK_STATIC | CHECK_PROBES);
	expect_only("H1", "H1", L.vm, WALK_PTE, ea);
	wr(ea, old);
	settle();
}

/*
 * T1: a fresh area with one page unmapped: its first, middle, last page.  A
 * new area each time: T1's probes leave every other page in the TLB (under
 * shadow paging a later unmapping of it would not show).
 */
static void t1(void)
{
	const uint32_t pages = 9;
	char what[96];
	unsigned int i;

	for (i = 0; i < 3; i++) {
		uint32_t a = call(CMD_VMALLOC, pages * PAGE_SIZE, 0, 0);
		struct check_op op = op_of(CMD_VMALLOC, pages * PAGE_SIZE, 0);
		uint32_t at = va_page(a, i == 0 ? 0 : i == 1 ? pages / 2 : pages - 1);
		uint64_t ea = pte_of(at), old = rd(ea);

		snprintf(what, sizeof(what), "T1: page 0x%08x of a fresh area unmapped", at);
		plant = what;
		wr(ea, 0);
		check(&op, CHECK_STATIC | CHECK_PROBES);
		expect_only("M1,T1", "T1", at, -1, 0);
		expect_only("M1,T1", "M1", at, WALK_PTE, ea);
		wr(ea, old);
		settle();
		call(CMD_VFREE, a, 0, 0);
		settle();
	}
}

/* T2: after a real vfree, one PTE of the area put back: first page, middle, the guard. */
static void t2(void)
{
	const uint32_t pages = 7;
	char what[96];
	unsigned int i;

	for (i = 0; i < 3; i++) {
		uint32_t a = call(CMD_VMALLOC, pages * PAGE_SIZE, 0, 0);
		uint32_t at = va_page(a, i == 0 ? 0 : i == 1 ? pages / 2 : pages);
		uint64_t ea, pte = rd(pte_of(a));
		struct check_op op;

		settle();
		call(CMD_VFREE, a, 0, 0);
		op = op_of(CMD_VFREE, a, 0);
		ea = pte_of(at);
		snprintf(what, sizeof(what), "T2: 0x%08x mapped again after vfree", at);
		plant = what;
		wr(ea, pte); /* the freed first frame: readable, and outside every area (M3) */
		check(&op, CHECK_STATIC | CHECK_PROBES);
		expect_only("M3,T2", "T2", at, -1, 0);
		expect_only("M3,T2", "M3", at, WALK_PTE, ea);
		wr(ea, 0);
		settle();
	}
}

/* P2 and T3 after a real vfree: the free count one short, the vm_struct kept, no flush. */
static void p2_t3(void)
{
	uint64_t zf = vf->gk.zone_table + ZONE_NORMAL * ZONE_STRUCT_SIZE + ZONE_OFF_FREE;
	uint64_t tlb = vf->gk.tlb_counters + 4 * TLB_CNT_FLUSH_ALL;
	uint64_t kst = vf->gk.kmalloc_stats + KMALLOC_STAT_OFF_IN_USE; /* class 0 */
	uint32_t a, was;
	struct check_op op;

	a = call(CMD_VMALLOC, 4 * PAGE_SIZE, 0, 0);
	settle();
	call(CMD_VFREE, a, 0, 0);
	op = op_of(CMD_VFREE, a, 0);
	plant = "P2: vfree gave one page fewer back";
	was = rd32(zf);
	wr32(zf, was - 1);
	check(&op, CHECK_STATIC);
	expect_only("P2", "P2", a, -1, 0);
	wr32(zf, was);
	settle();

	a = call(CMD_VMALLOC, 4 * PAGE_SIZE, 0, 0);
	settle();
	call(CMD_VFREE, a, 0, 0);
	op = op_of(CMD_VFREE, a, 0);
	plant = "P2: vfree kept its vm_struct (kmalloc objects in use one more)";
	was = rd32(kst);
	wr32(kst, was + 1);
	check(&op, CHECK_STATIC);
	expect_only("P2", "P2", a, -1, 0);
	wr32(kst, was);
	settle();

	a = call(CMD_VMALLOC, 4 * PAGE_SIZE, 0, 0);
	settle();
	call(CMD_VFREE, a, 0, 0);
	op = op_of(CMD_VFREE, a, 0);
	plant = "T3: vfree's full flush uncounted";
	was = rd32(tlb);
	wr32(tlb, was - 1);
	check(&op, CHECK_STATIC | CHECK_PROBES);
	expect_only("T3", "T3", a, -1, 0);
	wr32(tlb, was);
	settle();
}

static void test_rules(void **state)
{
	struct timespec start, end;

	vf = *state;
	clock_gettime(CLOCK_MONOTONIC, &start);
	build();
	a1();
	a2();
	m1();
	m2();
	m3();
	m4();
	m5();
	m6();
	m8();
	p1();
	h1();
	t1();
	t2();
	p2_t3();
	clock_gettime(CLOCK_MONOTONIC, &end);
	print_message("  [%s] every planted defect caught by its rule alone in %.1f s\n",
		      vf->c->name,
		      (double)(end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		VM_TEST(test_rules, 2level_64M),
		VM_TEST(test_rules, pae_64M),
	};

	testvm_start("rules");
	return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
