// SPDX-License-Identifier: GPL-2.0
/*
 * The checker on a vmalloc=modern guest (README "vmalloc=modern"), both
 * paging modes: the areas come from the busy tree, and the modern rules
 * fire on states the host breaks by writing guest memory -- a wrong
 * subtree_max_size (A3, naming the node), a pending range moved over a
 * busy area (A3), a PTE put back in a pending range (M3), and that PTE
 * still there after the purge (T2: no stale translation is permitted
 * once the purge has flushed).  Silent on the correct states in between,
 * and on an allocation that purges for room and takes a purged range.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "shared/abi.h"
#include "shared/kstructs.h"
#include "shared/layout.h"
#include "shared/mmu.h"
#include "tests/lib/vmcase.h"
#include "vmm/core/core.h"
#include "vmm/inspect/inspect.h"

static struct vmfx *vf;
static struct {
	struct guest_reply reply;
	struct check_report rep;
} fx;

static const struct vm_case *boot(void **state)
{
	vf = *state;
	memset(&fx, 0, sizeof(fx));
	return vf->c;
}

static void check_now(const struct check_op *op, unsigned flags)
{
	int ret = check_guest(vf->ck, op, flags, &fx.rep);

	if (ret) {
		check_report_print(stderr, &fx.rep);
		fail_msg("%s: check_guest returned %d: %s", vf->c->name, ret, fx.rep.err);
	}
}

static void expect_silent(const char *what)
{
	if (fx.rep.nr_violations) {
		check_report_print(stderr, &fx.rep);
		fail_msg("%s: %s: expected no violation, actual %u", vf->c->name, what,
			 fx.rep.nr_violations);
	}
}

/* A violation of rule at va (any va when 0) whose actual text holds text (when not NULL). */
static void expect_rule(const char *rule, uint64_t va, const char *text, const char *what)
{
	unsigned int i;

	for (i = 0; i < fx.rep.nr_violations && i < CHECK_MAX_VIOLATIONS; i++) {
		const struct check_violation *v = &fx.rep.v[i];

		if (!strcmp(v->rule, rule) && (!va || v->va == va) &&
		    (!text || strstr(v->actual, text))) {
			if (getenv("TEST_VERBOSE"))
				check_report_print(stdout, &fx.rep);
			return;
		}
	}
	check_report_print(stderr, &fx.rep);
	fail_msg("%s: %s: expected a %s violation at 0x%08" PRIx64 " saying '%s', actual %u "
		 "violations (above)",
		 vf->c->name, what, rule, va, text ? text : "", fx.rep.nr_violations);
}

static uint32_t op2(uint32_t cmd, uint32_t a0, uint32_t a1, unsigned flags)
{
	const uint32_t args[2] = { a0, a1 };
	struct check_op op = { .cmd = cmd, .args = { a0, a1 } };

	testvm_call(&vf->t, cmd, args, 2, &fx.reply);
	op.status = fx.reply.status;
	memcpy(op.results, fx.reply.results, sizeof(op.results));
	check_now(&op, flags);
	return fx.reply.results[0];
}

static uint32_t op_ok(uint32_t cmd, uint32_t a0)
{
	uint32_t r = op2(cmd, a0, 0, CHECK_STATIC | CHECK_PROBES);

	if (fx.reply.status != ST_OK)
		fail_msg("%s: command %u (0x%x): status %u; text:\n%s", vf->c->name, cmd, a0,
			 fx.reply.status, fx.reply.text);
	expect_silent("a correct operation");
	return r;
}

static uint32_t rd32(uint64_t pa)
{
	uint32_t v;

	assert_int_equal(gmem_read32(&vf->t.vm->mem, pa, &v), 0);
	return v;
}

static void wr32(uint64_t pa, uint32_t v)
{
	assert_int_equal(gmem_write32(&vf->t.vm->mem, pa, v), 0);
}

static uint64_t kva_to_pa(uint64_t kva)
{
	uint64_t pa;

	assert_int_equal(sym_virt_to_phys(kva, &pa), 0);
	return pa;
}

/* The PTE's guest-physical address and value for va, in the kernel's tables. */
static uint64_t pte_of(uint64_t va, uint64_t *value)
{
	struct walk_result res;
	const struct walk_entry *e;

	testvm_walk_ctx(&vf->t, &vf->wc);
	walk(&vf->wc, va, &res);
	e = walk_entry_at(&res, WALK_PTE);
	if (!e) {
		walk_fprint(stderr, &res);
		fail_msg("%s: no PTE on the way to 0x%08" PRIx64, vf->c->name, va);
	}
	*value = e->value;
	return e->addr;
}

static void write_pte(uint64_t addr, uint64_t v)
{
	if (vf->wc.mode == WALK_PAE)
		assert_int_equal(gmem_write64(&vf->t.vm->mem, addr, v), 0);
	else
		wr32(addr, (uint32_t)v);
}

/* Four areas, the second and fourth freed and purged: a free tree of several blocks. */
static void make_holes(uint32_t a[4])
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		a[i] = op_ok(CMD_VMALLOC, (i + 1) * PAGE_SIZE);
	op_ok(CMD_VFREE, a[1]);
	op_ok(CMD_VFREE, a[3]);
	op_ok(CMD_PURGE, 0);
}

/* A3: a free-tree node whose subtree_max_size is wrong, named by its address. */
static void test_augmented(void **state)
{
	const struct vm_case *c = boot(state);
	uint64_t root_pa = testvm_sym_phys(&vf->t, "free_vmap_area_root", NULL), max_pa;
	uint32_t a[4], node;
	char want[64];

	if (!vm_case_modern(c))
		fail_msg("%s: not a vmalloc=modern case", c->name);
	make_holes(a);
	node = rd32(root_pa);
	assert_int_not_equal(node, 0);
	max_pa = kva_to_pa(node - VMAP_AREA_OFF_RB_NODE + VMAP_AREA_OFF_SUBTREE_MAX);
	{
		uint32_t was = rd32(max_pa);

		wr32(max_pa, was + PAGE_SIZE);
		check_now(NULL, CHECK_STATIC);
		snprintf(want, sizeof(want), "node 0x%08x", node);
		expect_rule("A3", 0, want, "subtree_max_size one page too large");
		expect_rule("A3", 0, "keeps subtree_max_size",
			    "subtree_max_size one page too large");
		wr32(max_pa, was);
	}
	check_now(NULL, CHECK_STATIC);
	expect_silent("subtree_max_size restored");
	op_ok(CMD_VFREE, a[0]);
	op_ok(CMD_VFREE, a[2]);
}

/*
 * A pending range is neither mapped nor reusable: a PTE put back in it is
 * M3's; moved over a busy area it is A3's.  After the purge the PTE put
 * back makes the page readable: T2 (no lazy window any more).
 */
static void test_pending(void **state)
{
	uint64_t purge_pa, pte_pa, pte, now, start_pa, end_pa;
	uint32_t a, b, va, start, end;

	boot(state);
	purge_pa = testvm_sym_phys(&vf->t, "vmap_purge_list", NULL);

	a = op_ok(CMD_VMALLOC, 2 * PAGE_SIZE);
	b = op_ok(CMD_VMALLOC, 2 * PAGE_SIZE);
	pte_pa = pte_of(a, &pte);
	assert_true(pte & _PAGE_PRESENT);
	op_ok(CMD_VFREE, a); /* lazy: any stale read is an observation */
	pte_of(a, &now);
	assert_int_equal(now, 0);

	/* M3: mapped again while pending purge. */
	write_pte(pte_pa, pte);
	check_now(NULL, CHECK_STATIC);
	expect_rule("M3", a, NULL, "a present PTE in a range pending purge");
	write_pte(pte_pa, 0);
	check_now(NULL, CHECK_STATIC);
	expect_silent("the PTE cleared again");

	/* A3: the pending range moved onto the busy area b (same size: vmap_lazy_nr holds). */
	va = rd32(purge_pa);
	assert_int_not_equal(va, 0);
	start_pa = kva_to_pa(va + VMAP_AREA_OFF_START);
	end_pa = kva_to_pa(va + VMAP_AREA_OFF_END);
	start = rd32(start_pa);
	end = rd32(end_pa);
	assert_int_equal(start, a);
	wr32(start_pa, b);
	wr32(end_pa, b + (end - start));
	check_now(NULL, CHECK_STATIC);
	expect_rule("A3", 0, "overlaps", "a pending range over a busy area");
	wr32(start_pa, start);
	wr32(end_pa, end);
	check_now(NULL, CHECK_STATIC);
	expect_silent("the pending range put back");

	/* T2 after the purge: the page mapped again is readable, though the range was flushed. */
	write_pte(pte_pa, pte);
	op2(CMD_PURGE, 0, 0, CHECK_STATIC | CHECK_PROBES);
	assert_int_equal(fx.reply.status, ST_OK);
	expect_rule("T2", a, "no fault", "a purged range still readable");
	write_pte(pte_pa, 0);
	op2(CMD_VM_UNMAP_ALIASES, 0, 0, CHECK_STATIC | CHECK_PROBES);
	expect_silent("vm_unmap_aliases");
	op_ok(CMD_VFREE, b);
	op_ok(CMD_PURGE, 0);
}

/*
 * An allocation that finds no room purges and may take a purged range at
 * once: T2 after that purge skips the pages the new area holds (they are
 * mapped, and must be), and T1 holds there.
 */
static void test_purge_reuse(void **state)
{
	uint32_t a, g, b;

	boot(state);
	a = op_ok(CMD_VMALLOC, PAGE_SIZE); /* with probes: the stale-TLB sequence runs once */
	op_ok(CMD_PURGE, 0);
	assert_int_equal(a, vf->vmalloc_start);
	op_ok(CMD_VFREE, a); /* [a, a + 2 pages) pending */
	/* The rest of the range, guard included, in one get_vm_area. */
	g = op2(CMD_GET_VM_AREA, VMALLOC_END - (a + 2 * PAGE_SIZE) - PAGE_SIZE, VM_IOREMAP,
		CHECK_STATIC | CHECK_PROBES);
	expect_silent("get_vm_area of all the free space");
	assert_int_equal(g, a + 2 * PAGE_SIZE);
	b = op_ok(CMD_VMALLOC, PAGE_SIZE); /* no room: purge, then a's range again */
	assert_int_equal(b, a);
	op_ok(CMD_VFREE, b);
	op_ok(CMD_VFREE, g);
	op_ok(CMD_PURGE, 0);
}

/*
 * P2 on a purge: told of one that did not happen, the range is still
 * pending (and its object still held); the real purge is silent.
 */
static void test_p2_purge(void **state)
{
	struct check_op op = { .cmd = CMD_PURGE, .status = ST_OK };
	uint32_t a;

	boot(state);
	a = op_ok(CMD_VMALLOC, 3 * PAGE_SIZE);
	op_ok(CMD_VFREE, a);
	check_now(&op, CHECK_STATIC);
	expect_rule("P2", a, "still pending", "a 'purge' that left its range pending");
	op_ok(CMD_PURGE, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		VM_TEST(test_augmented, 2level_64M_modern),
		VM_TEST(test_augmented, pae_64M_modern),
		VM_TEST(test_pending, 2level_64M_modern),
		VM_TEST(test_pending, pae_64M_modern),
		VM_TEST(test_purge_reuse, 2level_64M_modern),
		VM_TEST(test_p2_purge, 2level_64M_modern),
	};

	testvm_start("modern");
	return cmocka_run_group_tests_name("modern", tests, NULL, NULL);
}
