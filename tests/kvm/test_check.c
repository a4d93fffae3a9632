// SPDX-License-Identifier: GPL-2.0
/*
 * The checker (vmm/inspect/check.h) on KVM, both paging modes.  Each rule must
 * FIRE on a guest state the host breaks on purpose, by writing guest
 * memory through gmem_write*() (a bad PMD, a swap-like PTE, a stray PTE, a
 * duplicated frame, an unsorted or cyclic vmlist, ...), and stay SILENT on
 * correct states over a seeded random sequence of operations.  Where the
 * guest itself walks a broken entry (vfree), its own messages are checked
 * too.  A failure prints the report (rule, va, level, entry, expected,
 * actual) and the walk of every address it names.
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
#include "vmm/inspect/inspect.h"
#include "vmm/core/core.h"

/* The booted case of the running test (vmfx_setup), and what this file keeps per test. */
static struct vmfx *vf;
static struct {
	struct guest_reply reply;
	struct check_report rep;
	unsigned int runs[CHECK_NR_RULES]; /* checks in which each rule ran, since boot() */
} fx;

/* The case's fixture; every test starts here. */
/* smp_ipis_sent[0]: the IPIs vCPU 0 sent so far. */
static uint32_t guest_ipis_sent0(struct vmfx *f)
{
	uint64_t size, pa = testvm_sym_phys(&f->t, "smp_ipis_sent", &size);
	uint32_t sent = 0;

	assert_int_equal(gmem_read32(&f->t.vm->mem, pa, &sent), 0);
	return sent;
}

static const struct vm_case *boot(void **state)
{
	vf = *state;
	memset(&fx, 0, sizeof(fx));
	return vf->c;
}

/* ---- Reports ---- */

static void check_now(const struct check_op *op, unsigned flags)
{
	int ret = check_guest(vf->ck, op, flags, &fx.rep);
	unsigned int r;

	for (r = 0; r < CHECK_NR_RULES; r++)
		fx.runs[r] += fx.rep.rule_run[r];
	if (ret) {
		vmfx_print_report(vf, &fx.rep);
		fail_msg("%s: check_guest returned %d", vf->c->name, ret);
	}
}

static void expect_silent(const char *what)
{
	if (fx.rep.nr_violations) {
		vmfx_print_report(vf, &fx.rep);
		fail_msg("%s: %s: expected no violation, actual %u", vf->c->name, what,
			 fx.rep.nr_violations);
	}
}

/* The report has a violation of rule (at va, when va is not 0). */
static const struct check_violation *find_rule(const char *rule, uint64_t va)
{
	unsigned int i;

	for (i = 0; i < fx.rep.nr_violations && i < CHECK_MAX_VIOLATIONS; i++)
		if (!strcmp(fx.rep.v[i].rule, rule) && (!va || fx.rep.v[i].va == va))
			return &fx.rep.v[i];
	return NULL;
}

static const struct check_violation *expect_rule(const char *rule, uint64_t va, const char *what)
{
	const struct check_violation *v = find_rule(rule, va);

	if (!v) {
		vmfx_print_report(vf, &fx.rep);
		fail_msg("%s: %s: expected a %s violation at 0x%08" PRIx64 ", actual %u violations "
			 "(report above)",
			 vf->c->name, what, rule, va, fx.rep.nr_violations);
	}
	if (getenv("TEST_VERBOSE"))
		check_report_print(stdout, &fx.rep);
	return v;
}

/* ---- Commands, each followed by a check ---- */

static uint32_t run_op(uint32_t cmd, const uint32_t *args, unsigned int nargs, unsigned flags)
{
	struct check_op op = { .cmd = cmd };

	testvm_call(&vf->t, cmd, args, nargs, &fx.reply);
	memcpy(op.args, args, nargs * sizeof(*args));
	op.status = fx.reply.status;
	memcpy(op.results, fx.reply.results, sizeof(op.results));
	check_now(&op, flags);
	return fx.reply.results[0];
}

static uint32_t op2(uint32_t cmd, uint32_t a0, uint32_t a1, unsigned flags)
{
	const uint32_t args[2] = { a0, a1 };

	return run_op(cmd, args, 2, flags);
}

/* A command that must succeed, then a check that must stay silent. */
static uint32_t op_ok(uint32_t cmd, uint32_t a0, uint32_t a1)
{
	uint32_t r = op2(cmd, a0, a1, CHECK_STATIC);

	if (fx.reply.status != ST_OK)
		fail_msg("%s: command %u (0x%x, 0x%x): status %u; text:\n%s", vf->c->name, cmd, a0,
			 a1, fx.reply.status, fx.reply.text);
	expect_silent("after a correct operation");
	return r;
}

/* ---- Planting broken state ---- */

static unsigned int entry_size(void)
{
	return vf->wc.mode == WALK_PAE ? 8 : 4;
}

static uint64_t read_entry(uint64_t addr)
{
	uint64_t v = 0;
	uint32_t v32;

	if (entry_size() == 8)
		assert_int_equal(gmem_read64(&vf->t.vm->mem, addr, &v), 0);
	else {
		assert_int_equal(gmem_read32(&vf->t.vm->mem, addr, &v32), 0);
		v = v32;
	}
	return v;
}

static void write_entry(uint64_t addr, uint64_t v)
{
	if (entry_size() == 8)
		assert_int_equal(gmem_write64(&vf->t.vm->mem, addr, v), 0);
	else
		assert_int_equal(gmem_write32(&vf->t.vm->mem, addr, (uint32_t)v), 0);
}

/* The entry at level on the way to va (which must have been reached). */
static const struct walk_entry *entry_of(uint64_t va, enum walk_level level,
					 struct walk_result *res)
{
	const struct walk_entry *e;

	testvm_walk_ctx(&vf->t, &vf->wc);
	walk(&vf->wc, va, res);
	e = walk_entry_at(res, level);
	if (!e) {
		walk_fprint(stderr, res);
		fail_msg("%s: no %s entry on the way to 0x%08" PRIx64, vf->c->name,
			 walk_level_name(level), va);
	}
	return e;
}

static uint64_t pte_addr(uint64_t va)
{
	struct walk_result res;

	return entry_of(va, WALK_PTE, &res)->addr;
}

/* The PMD-level entry (2-level: the PGD entry the PMD is folded into). */
static uint64_t pmd_addr(uint64_t va)
{
	struct walk_result res;

	return entry_of(va, vf->wc.mode == WALK_PAE ? WALK_PMD : WALK_PGD, &res)->addr;
}

static uint64_t frame_of(uint64_t va)
{
	struct walk_result res;

	testvm_walk_ctx(&vf->t, &vf->wc);
	if (walk(&vf->wc, va, &res) != WALK_OK) {
		walk_fprint(stderr, &res);
		fail_msg("%s: 0x%08" PRIx64 " is not mapped", vf->c->name, va);
	}
	return res.page_base;
}

static uint32_t vmlist_node(unsigned int idx, struct vm_area *area)
{
	struct vm_area areas[16];
	struct vmlist_info info;

	assert_int_equal(inspect_read_vmlist(&vf->gk, areas, 16, &info), 0);
	assert_true(idx < info.nr && idx < 16);
	if (area)
		*area = areas[idx];
	return areas[idx].node;
}

static uint64_t kva_to_pa(uint64_t kva)
{
	uint64_t pa;

	assert_int_equal(sym_virt_to_phys(kva, &pa), 0);
	return pa;
}

static void expect_text(const char *want, const char *what)
{
	if (!strstr(fx.reply.text, want))
		fail_msg("%s: %s: expected the guest to print '%s'; actual text:\n%s", vf->c->name,
			 what, want, fx.reply.text);
}

/* ---- Tests: the rules fire ---- */

/* A bad PMD entry over an area: M1 (table flags) and M6; the guest's pmd_bad path on vfree. */
static void test_bad_pmd(void **state)
{
	const struct vm_case *c = boot(state);
	uint32_t a;
	uint64_t e, ea;

	a = op_ok(CMD_VMALLOC, 2 * PAGE_SIZE, 0);
	ea = pmd_addr(a);
	e = read_entry(ea);

	/* Not a kernel page table: the RW bit gone. */
	write_entry(ea, e & ~(uint64_t)_PAGE_RW);
	check_now(NULL, CHECK_STATIC);
	expect_rule("M1", a, "PMD entry without RW");
	expect_rule("M6", 0, "PMD entry without RW");

	/* A page table that is not a page table: a free frame. */
	{
		uint32_t b;
		uint64_t freed;

		write_entry(ea, e);
		check_now(NULL, CHECK_STATIC);
		expect_silent("the PMD entry restored");
		b = op_ok(CMD_VMALLOC, PAGE_SIZE, 0);
		freed = frame_of(b);
		op_ok(CMD_VFREE, b, 0);
		write_entry(ea, (e & 0xfffull) | freed);
		check_now(NULL, CHECK_STATIC);
		expect_rule("M6", 0, "PMD entry pointing at a free frame");
	}

	/* A page table outside RAM. */
	write_entry(ea, (e & 0xfffull) | (c->ram + 16 * PAGE_SIZE));
	check_now(NULL, CHECK_STATIC);
	expect_rule("M6", 0, "PMD entry pointing outside RAM");
	expect_rule("M1", a, "PMD entry pointing outside RAM");

	/* The guest's own walk: pmd_bad() reports and clears the entry. */
	write_entry(ea, e & ~(uint64_t)_PAGE_RW);
	op2(CMD_VFREE, a, 0, 0);
	expect_text(KERN_WARNING_PREFIX "guest/mm/vmalloc.c:", "vfree over a bad PMD");
	{
		char want[64];

		snprintf(want, sizeof(want), ": bad pmd %0*" PRIx64 ".", (int)entry_size() * 2,
			 e & ~(uint64_t)_PAGE_RW);
		expect_text(want, "vfree over a bad PMD");
	}
	/* pmd_clear(): the entry is none now, the page table leaked (as in 2.4). */
	assert_int_equal(read_entry(ea), 0);
}

/* A swap-like PTE (present clear, not none) inside an area: M1; the guest's "Whee.." on vfree. */
static void test_swap_pte(void **state)
{
	uint32_t a;
	uint64_t ea;

	boot(state);
	a = op_ok(CMD_VMALLOC, 3 * PAGE_SIZE, 0);
	ea = pte_addr(a + PAGE_SIZE);
	write_entry(ea, 0x00abc000ull); /* a swap entry: offset bits, P = 0 */
	check_now(NULL, CHECK_STATIC);
	expect_rule("M1", a + PAGE_SIZE, "swap-like PTE");
	/* In the guard page it is M2: the guard must be pte_none, not merely not present. */
	write_entry(pte_addr(a + 3 * PAGE_SIZE), 0x00abc000ull);
	check_now(NULL, CHECK_STATIC);
	expect_rule("M2", a + 3 * PAGE_SIZE, "swap-like PTE in the guard page");

	op2(CMD_VFREE, a, 0, 0);
	expect_text(KERN_CRIT_PREFIX "Whee.. Swapped out page in kernel page table", "vfree");
}

/* A PTE left in the vmalloc range outside every area: M3; and a mapped guard page: M2. */
static void test_stray_pte(void **state)
{
	uint32_t a, b, stray;
	uint64_t ea, pte;

	boot(state);
	a = op_ok(CMD_VMALLOC, 2 * PAGE_SIZE, 0);
	b = op_ok(CMD_VMALLOC, PAGE_SIZE, 0);
	pte = read_entry(pte_addr(b));
	op_ok(CMD_VFREE, b, 0);
	/* b's page table stays: put its old PTE back, as a vfree that forgot one would. */
	stray = b;
	ea = pte_addr(stray);
	write_entry(ea, pte);
	check_now(NULL, CHECK_STATIC);
	expect_rule("M3", stray, "a PTE left behind");
	write_entry(ea, 0);
	check_now(NULL, CHECK_STATIC);
	expect_silent("the stray PTE removed again");

	/* A mapped guard page: M2. */
	ea = pte_addr(a + 2 * PAGE_SIZE);
	write_entry(ea, read_entry(pte_addr(a)));
	check_now(NULL, CHECK_STATIC);
	expect_rule("M2", a + 2 * PAGE_SIZE, "a mapped guard page");
	write_entry(ea, 0);
	check_now(NULL, CHECK_STATIC);
	expect_silent("the guard page unmapped again");
}

/* One area's PTE pointing at another area's frame: M4; at a freed frame: P1; M5 for vmalloc_dma. */
static void test_frames(void **state)
{
	const struct vm_case *c = boot(state);
	uint32_t a, b, d, l, f;
	uint64_t ea, old, pa, fpa;

	a = op_ok(CMD_VMALLOC, PAGE_SIZE, 0);
	b = op_ok(CMD_VMALLOC, PAGE_SIZE, 0);
	ea = pte_addr(b);
	old = read_entry(ea);
	pa = frame_of(a);
	write_entry(ea, (old & 0xfffull) | pa);
	check_now(NULL, CHECK_STATIC);
	expect_rule("M4", 0, "two areas share a frame");
	write_entry(ea, old);
	check_now(NULL, CHECK_STATIC);
	expect_silent("the frame restored");

	/* P1: a mapped frame that is free. */
	f = op_ok(CMD_VMALLOC, PAGE_SIZE, 0);
	fpa = frame_of(f);
	op_ok(CMD_VFREE, f, 0);
	write_entry(ea, (old & 0xfffull) | fpa);
	check_now(NULL, CHECK_STATIC);
	expect_rule("P1", b, "a mapped frame on the free lists");
	write_entry(ea, old);

	/* M5: a vmalloc_dma page above 16 MiB, a vmalloc_32 page in highmem (no highmem at 64M:
	 * use a frame past 896 MiB only where there is RAM). */
	d = op_ok(CMD_VMALLOC_DMA, 2 * PAGE_SIZE, 0);
	l = op_ok(CMD_VMALLOC_32, PAGE_SIZE, 0);
	ea = pte_addr(d + PAGE_SIZE);
	old = read_entry(ea);
	pa = frame_of(l);
	if (pa < ZONE_DMA_LIMIT)
		fail_msg("%s: vmalloc_32 gave a DMA frame 0x%" PRIx64 "; cannot plant M5", c->name,
			 pa);
	write_entry(ea, (old & 0xfffull) | pa);
	check_now(NULL, CHECK_STATIC);
	expect_rule("M5", d + PAGE_SIZE, "a vmalloc_dma frame above 16 MiB");
	write_entry(ea, old);
	check_now(NULL, CHECK_STATIC);
	expect_silent("the DMA frame restored");
}

/* vmlist: swapped addresses (A1 unsorted), an area on the previous guard (A1, A2), a cycle. */
static void test_vmlist_defects(void **state)
{
	const struct vm_case *c = boot(state);
	struct vm_area a0, a1, a2;
	uint32_t n0, n1, n2;
	uint64_t p0, p1, p2;
	struct timespec t0, t1;

	op_ok(CMD_VMALLOC, PAGE_SIZE, 0);
	op_ok(CMD_VMALLOC, 2 * PAGE_SIZE, 0);
	op_ok(CMD_VMALLOC, PAGE_SIZE, 0);
	n0 = vmlist_node(0, &a0);
	n1 = vmlist_node(1, &a1);
	n2 = vmlist_node(2, &a2);
	p0 = kva_to_pa(n0);
	p1 = kva_to_pa(n1);
	p2 = kva_to_pa(n2);

	/* Swap the addresses of nodes 0 and 1. */
	assert_int_equal(gmem_write32(&vf->t.vm->mem, p0 + VM_STRUCT_OFF_ADDR, a1.addr), 0);
	assert_int_equal(gmem_write32(&vf->t.vm->mem, p1 + VM_STRUCT_OFF_ADDR, a0.addr), 0);
	check_now(NULL, CHECK_STATIC);
	expect_rule("A1", a0.addr, "vmlist not sorted");
	assert_int_equal(gmem_write32(&vf->t.vm->mem, p0 + VM_STRUCT_OFF_ADDR, a0.addr), 0);
	assert_int_equal(gmem_write32(&vf->t.vm->mem, p1 + VM_STRUCT_OFF_ADDR, a1.addr), 0);
	check_now(NULL, CHECK_STATIC);
	expect_silent("vmlist restored");

	/* Node 2 starting on node 1's guard page. */
	assert_int_equal(gmem_write32(&vf->t.vm->mem, p2 + VM_STRUCT_OFF_ADDR,
				      a1.addr + a1.size - PAGE_SIZE),
			 0);
	check_now(NULL, CHECK_STATIC);
	expect_rule("A2", a1.addr + a1.size - PAGE_SIZE, "an area on the guard page");
	expect_rule("A1", a1.addr + a1.size - PAGE_SIZE, "overlapping areas");
	assert_int_equal(gmem_write32(&vf->t.vm->mem, p2 + VM_STRUCT_OFF_ADDR, a2.addr), 0);

	/* Outside the range, misaligned, one page only. */
	assert_int_equal(gmem_write32(&vf->t.vm->mem, p0 + VM_STRUCT_OFF_SIZE, PAGE_SIZE), 0);
	check_now(NULL, CHECK_STATIC);
	expect_rule("A1", a0.addr, "a one-page area");
	assert_int_equal(gmem_write32(&vf->t.vm->mem, p0 + VM_STRUCT_OFF_SIZE, a0.size), 0);

	/* A cycle: the last node's next back to the first.  Reported, promptly. */
	assert_int_equal(gmem_write32(&vf->t.vm->mem, p2 + VM_STRUCT_OFF_NEXT, n0), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	check_now(NULL, CHECK_STATIC);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	{
		const struct check_violation *v = expect_rule("A1", 0, "a cyclic vmlist");

		if (!strstr(v->actual, "corrupt vmlist") || !strstr(v->actual, "visited twice"))
			fail_msg("%s: cyclic vmlist: expected 'corrupt vmlist ... visited twice', "
				 "actual '%s'",
				 c->name, v->actual);
	}
	assert_true(t1.tv_sec - t0.tv_sec < 5);

	/* next pointing outside the direct map, and misaligned. */
	assert_int_equal(gmem_write32(&vf->t.vm->mem, p2 + VM_STRUCT_OFF_NEXT, 0x00001000u), 0);
	check_now(NULL, CHECK_STATIC);
	if (!strstr(expect_rule("A1", 0, "next outside the direct map")->actual, "direct map"))
		fail_msg("%s: next 0x1000: expected a 'direct map' defect", c->name);
	assert_int_equal(gmem_write32(&vf->t.vm->mem, p2 + VM_STRUCT_OFF_NEXT, n0 + 2), 0);
	check_now(NULL, CHECK_STATIC);
	if (!strstr(expect_rule("A1", 0, "misaligned next")->actual, "aligned"))
		fail_msg("%s: next misaligned: expected an 'aligned' defect", c->name);
	assert_int_equal(gmem_write32(&vf->t.vm->mem, p2 + VM_STRUCT_OFF_NEXT, 0), 0);
	check_now(NULL, CHECK_STATIC);
	expect_silent("vmlist restored");
}

/* M8: a direct-map (or unused) kernel entry outside the vmalloc range changed. */
static void test_direct_map(void **state)
{
	const struct vm_case *c = boot(state);
	/* The entry that maps PAGE_OFFSET: the PGD's in 2-level, the PMD's under PAE. */
	const int level = c->paging == PAGING_PAE ? WALK_PMD : WALK_PGD;
	const struct check_violation *v;
	uint64_t ea, old;
	struct walk_result res;

	ea = entry_of(PAGE_OFFSET, level, &res)->addr;
	old = read_entry(ea);
	write_entry(ea, old ^ _PAGE_PCD);
	check_now(NULL, CHECK_STATIC);
	v = expect_rule("M8", PAGE_OFFSET, "a direct-map entry changed");
	if (v->level != level || v->entry_addr != ea || v->entry_value != (old ^ _PAGE_PCD))
		fail_msg("%s: M8 should name level %d, entry 0x%" PRIx64 " = 0x%" PRIx64
			 "; it names level %d, entry 0x%" PRIx64 " = 0x%" PRIx64,
			 c->name, level, ea, old ^ _PAGE_PCD, v->level, v->entry_addr,
			 v->entry_value);
	write_entry(ea, old);
	check_now(NULL, CHECK_STATIC);
	expect_rule("M8", PAGE_OFFSET, "changed back (a change since the previous check too)");
	check_now(NULL, CHECK_STATIC);
	expect_silent("unchanged since");
}

/*
 * The rules that judge an operation, told about one that did not happen
 * (or whose result the host undid): P2, T1, T2, T3.
 */
static void test_operation_rules(void **state)
{
	const struct vm_case *c = boot(state);
	struct check_op op = { 0 };
	uint32_t a, b;
	uint64_t ea;

	a = op_ok(CMD_VMALLOC, 2 * PAGE_SIZE, 0);

	/* "vfree(a) freed it" while nothing happened: P2, and with probes T2 and T3. */
	op.cmd = CMD_VFREE;
	op.args[0] = a;
	op.results[0] = 1;
	check_now(&op, CHECK_STATIC | CHECK_PROBES);
	expect_rule("P2", a, "vfree that freed nothing");
	expect_rule("T2", a, "pages still readable after 'vfree'");
	if (find_rule("T2", a + 2 * PAGE_SIZE)) {
		vmfx_print_report(vf, &fx.rep);
		fail_msg("%s: T2 fired for the guard page, which does fault", c->name);
	}
	expect_rule("T3", a, "no flush in 'vfree'");

	/* T1: a fresh area whose page 1 the host unmapped. */
	b = op_ok(CMD_VMALLOC, 2 * PAGE_SIZE, 0);
	ea = pte_addr(b + PAGE_SIZE);
	write_entry(ea, 0);
	memset(&op, 0, sizeof(op));
	op.cmd = CMD_VMALLOC;
	op.args[0] = 2 * PAGE_SIZE;
	op.results[0] = b;
	check_now(&op, CHECK_STATIC | CHECK_PROBES);
	expect_rule("T1", b + PAGE_SIZE, "an unmapped page of a fresh area");
	expect_rule("M1", b + PAGE_SIZE, "an unmapped page of a fresh area");

	/* P2 of a failed vmalloc that leaked a page: the host takes one off the free count. */
	{
		uint64_t zf = vf->gk.zone_table + ZONE_NORMAL * ZONE_STRUCT_SIZE + ZONE_OFF_FREE;
		uint32_t nr;

		check_now(NULL, CHECK_STATIC);
		assert_int_equal(gmem_read32(&vf->t.vm->mem, zf, &nr), 0);
		assert_int_equal(gmem_write32(&vf->t.vm->mem, zf, nr - 1), 0);
		memset(&op, 0, sizeof(op));
		op.cmd = CMD_VMALLOC;
		op.args[0] = PAGE_SIZE;
		op.status = ST_FAIL;
		check_now(&op, CHECK_STATIC);
		expect_rule("P2", 0, "a failed vmalloc that lost a page");
		assert_int_equal(gmem_write32(&vf->t.vm->mem, zf, nr), 0);
	}
}

/* ---- V1: the vmalloc fault, the demo's touch sequence ---- */

static int setup_novmallocfault(void **state)
{
	return vmfx_setup_cmdline(state, "novmallocfault");
}

/* The report's rule_run[] for rule (by name). */
static bool rule_ran(const struct check_report *rep, const char *rule)
{
	unsigned int r;

	for (r = 0; r < CHECK_NR_RULES; r++)
		if (!strcmp(check_rule_name(r), rule))
			return rep->rule_run[r];
	fail_msg("no rule named %s", rule);
	return false;
}

/*
 * new_mm, vmalloc 4M (a page table the new mm lacks, in 2-level), switch_mm,
 * touch the area's last page: the check after the touch is left in fx.rep,
 * V1 having run.  Returns the touched address; *faulted and *vfaults: the
 * touch's own results.
 */
static uint32_t touch_sequence(uint32_t *f, uint32_t *faulted, uint32_t *vfaults)
{
	const unsigned flags = CHECK_STATIC | CHECK_PROBES;
	uint32_t mm, va;

	mm = op2(CMD_NEW_MM, 0, 0, flags);
	assert_int_equal(fx.reply.status, ST_OK);
	expect_silent("new_mm");
	*f = op2(CMD_VMALLOC, 4u << 20, 0, flags);
	assert_int_equal(fx.reply.status, ST_OK);
	expect_silent("vmalloc 4M");
	op2(CMD_SWITCH_MM, mm, 0, flags);
	assert_int_equal(fx.reply.status, ST_OK);
	expect_silent("switch_mm");
	va = *f + (4u << 20) - PAGE_SIZE;
	op2(CMD_TOUCH, va, 0, flags);
	assert_int_equal(fx.reply.status, ST_OK);
	*faulted = fx.reply.results[0];
	*vfaults = fx.reply.results[4];
	if (!rule_ran(&fx.rep, "V1"))
		fail_msg("%s: V1 did not run after a touch of 0x%08x", vf->c->name, va);
	return va;
}

/*
 * A working handler: V1 runs and passes; in 2-level the touch took the one
 * vmalloc fault that copied the PGD entry (PAE: none, the PMD page is
 * shared).  Then (2-level) the host makes the new mm's PGD entry differ
 * from the kernel's (PCD set): the next touch still reads, and V1 names
 * the entry.
 */
static void test_vmalloc_fault(void **state)
{
	const struct vm_case *c = boot(state);
	const unsigned flags = CHECK_STATIC | CHECK_PROBES;
	uint32_t f, va, faulted, vfaults;
	uint64_t ea, e;
	const struct check_violation *v;

	va = touch_sequence(&f, &faulted, &vfaults);
	expect_silent("a touch through the vmalloc fault");
	if (faulted || vfaults != (c->paging == PAGING_PAE ? 0u : 1u))
		fail_msg("%s: touch of 0x%08x: faulted %u, vmalloc faults +%u; expected 0 and %u",
			 c->name, va, faulted, vfaults, c->paging == PAGING_PAE ? 0u : 1u);
	op2(CMD_TOUCH, va, 0, flags);
	expect_silent("the second touch (the entry is there: no fault)");
	assert_int_equal(fx.reply.results[4], 0);

	/*
	 * The address space's own entry (vCPU 0 runs on the new mm).  PAE has
	 * none of its own to break: the PMD page is the kernel's.
	 */
	if (c->paging == PAGING_PAE) {
		op2(CMD_SWITCH_MM, 0, 0, flags);
		op2(CMD_VFREE, f, 0, flags);
		expect_silent("vfree after the touches");
		return;
	}
	ea = pmd_addr(va);
	e = read_entry(ea);
	write_entry(ea, e | _PAGE_PCD);
	op2(CMD_TOUCH, va, 0, flags);
	v = expect_rule("V1", va, "the new mm's entry differs from swapper_pg_dir's");
	if (v->entry_addr != ea || v->entry_value != (e | _PAGE_PCD))
		fail_msg("%s: V1 should name entry 0x%" PRIx64 " = 0x%" PRIx64
			 "; it names 0x%" PRIx64 " = 0x%" PRIx64,
			 c->name, ea, e | _PAGE_PCD, v->entry_addr, v->entry_value);
	write_entry(ea, e);
	op2(CMD_SWITCH_MM, 0, 0, flags);
	op2(CMD_VFREE, f, 0, flags);
	expect_silent("vfree after the touches");
}

/*
 * novmallocfault (the handler does nothing): in 2-level the touch faults
 * out and V1 fires, from the hardware's evidence (the fault, the entry still
 * not present), not only from the count.  PAE: there is nothing to copy, so
 * V1 runs and passes even so.
 */
static void test_novmallocfault(void **state)
{
	const struct vm_case *c = boot(state);
	uint32_t f, va, faulted, vfaults;
	unsigned int i;
	bool fault_seen = false, entry_seen = false;

	va = touch_sequence(&f, &faulted, &vfaults);
	if (c->paging == PAGING_PAE) {
		expect_silent("PAE: the shared kernel PMD needs no vmalloc fault");
		assert_int_equal(faulted, 0);
		return;
	}
	expect_rule("V1", va, "novmallocfault: the touch through the new mm");
	for (i = 0; i < fx.rep.nr_violations && i < CHECK_MAX_VIOLATIONS; i++) {
		if (strcmp(fx.rep.v[i].rule, "V1"))
			continue;
		fault_seen |= strstr(fx.rep.v[i].actual, "faulted out") != NULL;
		entry_seen |=
			fx.rep.v[i].level == WALK_PGD && strstr(fx.rep.v[i].actual, "not present");
	}
	if (!faulted || !fault_seen || !entry_seen) {
		vmfx_print_report(vf, &fx.rep);
		fail_msg("%s: novmallocfault: expected the touch to fault out (%u) and V1 to name "
			 "the fault (%d) and the PGD entry not present (%d)",
			 c->name, faulted, fault_seen, entry_seen);
	}
}

/* ---- Tests: the checker is silent on correct states ---- */

/* Every kind of operation once, with probes: no violation, and the rules ran. */
static void test_silent_ops(void **state)
{
	const struct vm_case *c = boot(state);
	const unsigned flags = CHECK_STATIC | CHECK_PROBES;
	uint32_t a, d, l, v, h, args[4];

	a = op2(CMD_VMALLOC, 5 * PAGE_SIZE, 0, flags);
	expect_silent("vmalloc");
	if (fx.rep.rules_run < 13)
		fail_msg("%s: rules run after a vmalloc with probes: %u, expected >= 13 (A1-A2, "
			 "M1-M8, P1, T1, T3)",
			 c->name, fx.rep.rules_run);
	d = op2(CMD_VMALLOC_DMA, 3 * PAGE_SIZE, 0, flags);
	expect_silent("vmalloc_dma");
	l = op2(CMD_VMALLOC_32, 2 * PAGE_SIZE, 0, flags);
	expect_silent("vmalloc_32");
	args[0] = 3;
	args[1] = ZONE_NORMAL;
	args[2] = args[3] = 0;
	v = run_op(CMD_VMAP, args, 4, flags);
	expect_silent("vmap");
	args[0] = 1;
	args[2] = _PAGE_PRESENT | _PAGE_RW;
	h = run_op(CMD_VMAP, args, 4, flags);
	expect_silent("vmap without A/D (H1)");
	assert_int_equal(fx.reply.status, ST_OK);
	op2(CMD_VFREE, l, 0, flags);
	expect_silent("vfree of vmalloc_32");
	op2(CMD_VFREE, v, 0, flags);
	expect_silent("vfree of a vmap");
	op2(CMD_VMAP_PUT, v, 0, flags);
	expect_silent("vmap_put");
	op2(CMD_VFREE, h, 0, flags);
	op2(CMD_VMAP_PUT, h, 0, flags);
	expect_silent("vmap_put");
	op2(CMD_FAULT_INJECT, FI_ALLOC_PAGE, 2, flags);
	op2(CMD_VMALLOC, 4 * PAGE_SIZE, 0, flags);
	assert_int_equal(fx.reply.status, ST_FAIL);
	expect_silent("a failed vmalloc");
	op2(CMD_FAULT_INJECT, FI_ALLOC_PAGE, 0, flags);
	op2(CMD_FAULT_INJECT, FI_KMALLOC, 1, flags);
	op2(CMD_VMALLOC, PAGE_SIZE, 0, flags);
	assert_int_equal(fx.reply.status, ST_FAIL);
	expect_silent("a vmalloc whose vm_struct kmalloc failed");
	op2(CMD_FAULT_INJECT, FI_KMALLOC, 0, flags);
	op2(CMD_VFREE, d, 0, flags);
	expect_silent("vfree of vmalloc_dma");
	op2(CMD_VFREE, a, 0, flags);
	expect_silent("vfree");
	if (!fx.rep.nr_observations)
		fail_msg("%s: expected observations (T4 not run)", c->name);
	if (getenv("TEST_VERBOSE"))
		check_report_print(stdout, &fx.rep);
}

/* xorshift32: the sequence depends only on the seed printed. */
static uint32_t rnd_state;

static uint32_t rnd(uint32_t n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return n ? rnd_state % n : 0;
}

#define LIVE_MAX   24
#define VMAP_SLOTS 8

struct live {
	uint32_t addr;
	uint32_t size; /* guard page included */
	bool vmap;
};

/* Bytes one page table maps: 4 MiB (2-level), 2 MiB (PAE). */
static uint32_t pt_span(const struct vm_case *c)
{
	return c->paging == PAGING_PAE ? 2u << 20 : 4u << 20;
}

/* The area (guard page included) lies under two page tables or more. */
static bool crosses_pt(const struct vm_case *c, const struct live *l)
{
	return l->addr / pt_span(c) != (l->addr + l->size - 1) / pt_span(c);
}

/* The area a successful vmalloc/vmap of bytes made (fx.reply), guard page included. */
static struct live made(uint32_t bytes, bool vmap)
{
	return (struct live){ fx.reply.results[0],
			      (bytes + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE + PAGE_SIZE, vmap };
}

/*
 * A get_vm_area() (VM_IOREMAP: nothing mapped, so the checks walk only its
 * guard page) that ends 16 pages before a page-table boundary: the
 * sequence's areas, first fit after it, then lie across that boundary.
 * Returns its address.
 */
static uint32_t place_spacer(const struct vm_case *c)
{
	uint32_t a, end;

	a = op2(CMD_GET_VM_AREA, PAGE_SIZE, VM_IOREMAP, CHECK_STATIC);
	assert_int_equal(fx.reply.status, ST_OK);
	op2(CMD_VFREE, a, 0, CHECK_STATIC);
	/* vmalloc=modern reuses the range only after its purge (2.4: a no-op). */
	op2(CMD_PURGE, 0, 0, CHECK_STATIC);
	end = (a / pt_span(c) + 1) * pt_span(c) - 16 * PAGE_SIZE;
	if (end - a < 64 * PAGE_SIZE)
		end += pt_span(c);
	/* get_vm_area() adds the guard page to the size asked. */
	assert_int_equal(op2(CMD_GET_VM_AREA, end - a - PAGE_SIZE, VM_IOREMAP, CHECK_STATIC), a);
	expect_silent("the spacer");
	return a;
}

/* The rule ran in a check since boot(). */
static unsigned int runs_of(const char *rule)
{
	unsigned int r;

	for (r = 0; r < CHECK_NR_RULES; r++)
		if (!strcmp(check_rule_name(r), rule))
			return fx.runs[r];
	fail_msg("no rule named %s", rule);
	return 0;
}

/* A random size, mostly small: pages 1..8, sometimes up to 64, sometimes not page-aligned. */
static uint32_t rnd_size(void)
{
	uint32_t pages = rnd(10) < 8 ? 1 + rnd(8) : 1 + rnd(64);

	return rnd(4) ? pages * PAGE_SIZE : pages * PAGE_SIZE - rnd(PAGE_SIZE - 1);
}

static void random_ops(const struct vm_case *c, unsigned int nr_ops, unsigned int probe_every)
{
	struct live live[LIVE_MAX];
	unsigned int nlive = 0, nvmap = 0, i, j, ok = 0, failed = 0, frees = 0, purges = 0;
	unsigned int crossing_frees = 0;
	uint32_t spacer;
	const char *env = getenv("TEST_SEED");
	uint32_t seed = env ? (uint32_t)strtoul(env, NULL, 0) : 0x5eed1234u;
	struct timespec t0, t1;

	rnd_state = seed ? seed : 1;
	print_message("  [%s] random sequence: %u operations, seed 0x%08x (TEST_SEED=0x%08x to "
		      "repeat), probes every %u\n",
		      c->name, nr_ops, seed, seed, probe_every);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	spacer = place_spacer(c);
	for (i = 0; i < nr_ops; i++) {
		unsigned flags = CHECK_STATIC | (i % probe_every == 0 ? CHECK_PROBES : 0);
		uint32_t kind = rnd(100), args[4] = { 0 }, cmd;
		bool do_free = nlive == LIVE_MAX || (nlive && kind < 40);

		if (do_free) {
			j = rnd(nlive);
			/* A vfree across page tables is always probed: T2 (and T4) on each side. */
			if (crosses_pt(c, &live[j])) {
				flags |= CHECK_PROBES;
				crossing_frees++;
			}
			op2(CMD_VFREE, live[j].addr, 0, flags);
			if (fx.reply.results[0] != 1)
				fail_msg("%s: op %u: vfree(0x%08x) found no area", c->name, i,
					 live[j].addr);
			frees++;
			if (live[j].vmap) {
				expect_silent("vfree of a vmap");
				op2(CMD_VMAP_PUT, live[j].addr, 0, CHECK_STATIC);
				nvmap--;
			}
			live[j] = live[--nlive];
		} else if (kind < 48) {
			/* An allocation that fails part way, or one too large. */
			if (rnd(2)) {
				op2(CMD_FAULT_INJECT, FI_ALLOC_PAGE, 1 + rnd(4), CHECK_STATIC);
				expect_silent("fault_inject");
				cmd = CMD_VMALLOC + rnd(3);
				op2(cmd, 8 * PAGE_SIZE, 0, flags);
				if (fx.reply.status == ST_OK)
					live[nlive++] = made(8 * PAGE_SIZE, false);
				op2(CMD_FAULT_INJECT, FI_ALLOC_PAGE, 0, CHECK_STATIC);
			} else {
				op2(CMD_VMALLOC, (uint32_t)c->ram + PAGE_SIZE, 0, flags);
			}
			failed++;
		} else if (kind < 60 && nvmap < VMAP_SLOTS) {
			static const uint32_t prots[] = { 0, _PAGE_PRESENT | _PAGE_RW,
							  __PAGE_KERNEL,
							  _PAGE_PRESENT | _PAGE_ACCESSED };

			args[0] = 1 + rnd(8);
			args[1] = rnd(3);
			args[2] = prots[rnd(4)];
			cmd = CMD_VMAP;
			run_op(cmd, args, 4, flags);
			if (fx.reply.status == ST_OK) {
				live[nlive++] = made(args[0] * PAGE_SIZE, true);
				nvmap++;
			}
		} else {
			uint32_t size = rnd_size();

			cmd = kind < 75	  ? CMD_VMALLOC_DMA
			      : kind < 85 ? CMD_VMALLOC_32
					  : CMD_VMALLOC;
			op2(cmd, size, 0, flags);
			if (fx.reply.status == ST_OK)
				live[nlive++] = made(size, false);
		}
		if (fx.rep.nr_violations) {
			vmfx_print_report(vf, &fx.rep);
			fail_msg("%s: seed 0x%08x, op %u (status %u): %u violation(s) on a correct "
				 "guest",
				 c->name, seed, i, fx.reply.status, fx.rep.nr_violations);
		}
		/*
		 * vmalloc=modern: nothing here passes lazy_max_pages, so purges come
		 * from the script's operations, judged with probes (T2 after the purge).
		 */
		if (vm_case_modern(c) && i % 50 == 49) {
			op2(i % 150 == 149 ? CMD_VM_UNMAP_ALIASES : CMD_PURGE, 0, 0,
			    CHECK_STATIC | CHECK_PROBES);
			if (fx.reply.status != ST_OK || fx.rep.nr_violations) {
				vmfx_print_report(vf, &fx.rep);
				fail_msg("%s: seed 0x%08x, purge after op %u: status %u, %u "
					 "violation(s)",
					 c->name, seed, i, fx.reply.status, fx.rep.nr_violations);
			}
			purges++;
		}
		ok++;
	}
	while (nlive) {
		crossing_frees += crosses_pt(c, &live[nlive - 1]);
		op2(CMD_VFREE, live[--nlive].addr, 0, CHECK_STATIC | CHECK_PROBES);
		expect_silent("the final vfree");
		frees++;
		if (live[nlive].vmap)
			op2(CMD_VMAP_PUT, live[nlive].addr, 0, CHECK_STATIC);
		expect_silent("the final vmap_put");
	}
	/* Its pages were never mapped: T2 on a thousand of them would only cost time. */
	op2(CMD_VFREE, spacer, 0, CHECK_STATIC);
	expect_silent("the spacer's vfree");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (c->cpus > 1) {
		/* Every vfree reached vCPU 1 (T4 checks each probed one). */
		uint64_t size, pa = testvm_sym_phys(&vf->t, "smp_ipi_flushes", &size);
		uint32_t flushes = 0;

		assert_int_equal(gmem_read32(&vf->t.vm->mem, pa + 4, &flushes), 0);
		/* modern: one flush request per purge (vfree itself sends none). */
		if (vm_case_modern(c) && flushes < purges)
			fail_msg("%s: %u purges, but vCPU 1 carried out only %u flush requests",
				 c->name, purges, flushes);
		else if (!vm_case_modern(c) && flushes < frees)
			fail_msg("%s: %u vfrees, but vCPU 1 carried out only %u flush requests",
				 c->name, frees, flushes);
		print_message("  [%s] %u vfrees, %u flushes on vCPU 1, %u IPIs sent by vCPU 0\n",
			      c->name, frees, flushes, guest_ipis_sent0(vf));
	}
	print_message("  [%s] %u operations (%u failing on purpose) checked silent in %.1f s\n",
		      c->name, ok, failed,
		      (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	print_message("  [%s] %u probed vfrees across a page table; rules run: T1 %u, T2 %u, "
		      "T3 %u, T4 %u, H1 %u\n",
		      c->name, crossing_frees, runs_of("T1"), runs_of("T2"), runs_of("T3"),
		      runs_of("T4"), runs_of("H1"));
	/* The mix must have reached what the rules scan, and the dynamic rules must have run. */
	if (!crossing_frees || !runs_of("T1") || !runs_of("T2") || !runs_of("T3") ||
	    !runs_of("H1") || (c->cpus > 1) != (runs_of("T4") > 0))
		fail_msg("%s: seed 0x%08x: the sequence did not exercise areas across page tables "
			 "and T1-T4/H1 (see the counts above)",
			 c->name, seed);
}

/* A guest without symbols: the checker says so and the guest runs on. */
static void test_no_symbols(void **state)
{
	struct check_ctx *ck = (struct check_ctx *)1;
	struct sym_table syms = { 0 };
	char err[256];
	int ret;

	boot(state);
	/* The symbols of a guest that has none of the checker's (SYM_NO_SYMTAB: an empty table). */
	ret = sym_load_path(&syms, TEST_GUEST("exit_status"), err, sizeof(err));
	if (ret < 0)
		fail_msg("sym_load_path: %d: %s", ret, err);
	ret = check_ctx_init(&ck, vf->t.vm, &syms, err, sizeof(err));
	sym_free(&syms);
	if (ret != -ENOENT || ck || !strstr(err, "inspection off"))
		fail_msg(
			"a guest without the symbols: expected -ENOENT, NULL and 'inspection off'; "
			"actual %d, %p, '%s'",
			ret, (void *)ck, err);
	testvm_call(&vf->t, CMD_VMALLOC, (const uint32_t[]){ PAGE_SIZE }, 1, &fx.reply);
	assert_int_equal(fx.reply.status, ST_OK);
}

/* Fewer operations where each costs more: a 1G guest's checks, T4 on a second vCPU. */
static void test_random(void **state)
{
	const struct vm_case *c = boot(state);

	if (c->cpus > 1 || vm_case_modern(c))
		random_ops(c, 1000, 8);
	else
		random_ops(c, c->ram > (64ull << 20) ? 400 : 3000, 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		VM_TEST(test_bad_pmd, 2level_64M),
		VM_TEST(test_bad_pmd, pae_64M),
		VM_TEST(test_swap_pte, 2level_64M),
		VM_TEST(test_swap_pte, pae_64M),
		VM_TEST(test_stray_pte, 2level_64M),
		VM_TEST(test_stray_pte, pae_64M),
		VM_TEST(test_frames, 2level_64M),
		VM_TEST(test_frames, pae_64M),
		VM_TEST(test_vmlist_defects, 2level_64M),
		VM_TEST(test_vmlist_defects, pae_64M),
		VM_TEST(test_direct_map, 2level_64M),
		VM_TEST(test_direct_map, pae_64M),
		VM_TEST(test_operation_rules, 2level_64M),
		VM_TEST(test_operation_rules, pae_64M),
		VM_TEST(test_vmalloc_fault, 2level_64M),
		VM_TEST(test_vmalloc_fault, pae_64M),
		VM_TEST_SETUP(test_novmallocfault, 2level_64M, setup_novmallocfault),
		VM_TEST_SETUP(test_novmallocfault, pae_64M, setup_novmallocfault),
		VM_TEST(test_silent_ops, 2level_64M),
		VM_TEST(test_silent_ops, pae_64M),
		VM_TEST(test_silent_ops, 2level_64M_modern),
		VM_TEST(test_silent_ops, pae_64M_modern),
		VM_TEST(test_random, 2level_64M),
		VM_TEST(test_random, pae_64M),
		VM_TEST(test_random, pae_1G),
		VM_TEST(test_random, 2level_64M_2cpus),
		VM_TEST(test_random, pae_64M_2cpus),
		VM_TEST(test_random, 2level_64M_modern),
		VM_TEST(test_random, pae_64M_modern),
		VM_TEST(test_random, pae_64M_2cpus_modern),
		VM_TEST(test_no_symbols, 2level_64M),
	};

	testvm_start("check");
	return cmocka_run_group_tests_name("check", tests, NULL, NULL);
}
