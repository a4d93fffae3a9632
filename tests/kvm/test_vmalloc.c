// SPDX-License-Identifier: GPL-2.0
/*
 * vmalloc on KVM, in both paging modes, at 64 MiB and 1 GiB: each test
 * drives the guest through the mailbox and then reads the outcome from
 * guest memory itself: page tables with the host's walker (from vCPU 0's
 * CR3), vmlist and mem_map through the guest's ELF symbols.  After every
 * command the checker (vmm/inspect/check.h) runs every rule of the spec's
 * checks.md that applies, told what the command was (so P2 judges each
 * vfree and each failed allocation), and must stay silent; the tests add
 * the expectations only they know (addresses, counts, zones, messages).
 * A failure says which rule, prints expected and actual, and the walk.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "shared/abi.h"
#include "shared/kstructs.h"
#include "shared/layout.h"
#include "shared/mmu.h"
#include "tests/lib/vmcase.h"
#include "vmm/inspect/inspect.h"
#include "vmm/core/core.h"

/* The booted case of the running test (vmfx_setup), and what this file derives from it. */
static struct vmfx *vf;
static struct {
	uint32_t vmalloc_start;
	uint64_t pte_kernel;  /* the flags PAGE_KERNEL gives a PTE here */
	uint64_t pt_span;     /* bytes one page-table page maps */
	unsigned check_flags; /* the checker's after each call(): all the rules, probes too */
	unsigned int runs[CHECK_NR_RULES]; /* checks in which each rule ran, since boot() */
} fx;

/* The case's fixture, and what every test here expects of a fresh guest. */
static const struct vm_case *boot(void **state)
{
	const struct vm_case *c;
	struct kvm_sregs sregs;
	uint32_t v;

	vf = *state;
	c = vf->c;
	memset(&fx, 0, sizeof(fx));
	fx.check_flags = CHECK_STATIC | CHECK_PROBES;
	assert_int_equal(vf->wc.mode, c->paging == PAGING_PAE ? WALK_PAE : WALK_2LEVEL);
	assert_int_equal(vcpu_get_sregs(&vf->t.vm->vcpus[0], &sregs), 0);
	fx.pte_kernel = __PAGE_KERNEL | ((sregs.cr4 & X86_CR4_PGE) ? _PAGE_GLOBAL : 0);
	fx.pt_span = vf->wc.mode == WALK_PAE ? PMD_SIZE_PAE : PGDIR_SIZE_2L;
	assert_int_equal(
		gmem_read32(&vf->t.vm->mem, testvm_sym_phys(&vf->t, "vmalloc_start", NULL), &v), 0);
	fx.vmalloc_start = v;
	if (v != VMALLOC_START_FOR(PAGE_OFFSET + (uint32_t)(c->ram < MAXMEM ? c->ram : MAXMEM)))
		fail_msg("%s: vmalloc_start 0x%08x, expected 0x%08x", c->name, v,
			 VMALLOC_START_FOR(PAGE_OFFSET +
					   (uint32_t)(c->ram < MAXMEM ? c->ram : MAXMEM)));
	return c;
}

/* ---- Guest memory, read on the host ---- */

/* mem_map[pfn].count and .flags */
static void page_info(uint64_t pfn, int32_t *count, uint32_t *flags)
{
	struct guest_page pg;

	if (inspect_read_page(&vf->gk, pfn, &pg, NULL, 0))
		fail_msg("%s: cannot read mem_map[0x%" PRIx64 "]", vf->c->name, pfn);
	*flags = pg.flags;
	*count = pg.count;
}

static void walk_ctx(void)
{
	testvm_walk_ctx(&vf->t, &vf->wc); /* CR3 may have changed */
}

static void walk_or_fail(uint64_t va, struct walk_result *res)
{
	walk_ctx();
	walk(&vf->wc, va, res);
}

/* ---- Commands ---- */

static struct guest_reply reply;

/* Every rule that applies, silent: on failure the report and the walk of each address in it. */
static void checker_silent(const struct check_op *op, const char *after)
{
	struct check_report rep;
	unsigned int i;
	int ret = check_guest(vf->ck, op, fx.check_flags, &rep);

	for (i = 0; i < CHECK_NR_RULES; i++)
		fx.runs[i] += rep.rule_run[i];
	if (!ret && !rep.nr_violations)
		return;
	vmfx_print_report(vf, &rep);
	fail_msg("%s: the checker after %s: %d, %u violation(s) (report above)", vf->c->name, after,
		 ret, rep.nr_violations);
}

/* In how many checks since boot() rule ran; fails the test when none. */
static unsigned int expect_ran(const char *rule)
{
	unsigned int r;

	for (r = 0; r < CHECK_NR_RULES; r++)
		if (!strcmp(check_rule_name(r), rule)) {
			if (!fx.runs[r])
				fail_msg("%s: the checker never ran %s in this test", vf->c->name,
					 rule);
			return fx.runs[r];
		}
	fail_msg("no rule named %s", rule);
	return 0;
}

static uint32_t call(uint32_t cmd, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
	const uint32_t args[4] = { a0, a1, a2, a3 };
	struct check_op op = { .cmd = cmd, .args = { a0, a1, a2, a3 } };
	char after[64];

	testvm_call(&vf->t, cmd, args, 4, &reply);
	op.status = reply.status;
	memcpy(op.results, reply.results, sizeof(op.results));
	snprintf(after, sizeof(after), "command %u (0x%x, 0x%x)", cmd, a0, a1);
	checker_silent(&op, after);
	return reply.status;
}

/* Call that must answer @status; returns result0. */
static uint32_t call_ok(uint32_t cmd, uint32_t a0, uint32_t a1, uint32_t status)
{
	if (call(cmd, a0, a1, 0, 0) != status)
		fail_msg("%s: command %u (0x%x, 0x%x): expected status %u, actual %u; text:\n%s",
			 vf->c->name, cmd, a0, a1, status, reply.status, reply.text);
	return reply.results[0];
}

static uint32_t free_pages(uint32_t *kmalloc_objs)
{
	call_ok(CMD_FREE_PAGES, 0, 0, ST_OK);
	if (kmalloc_objs)
		*kmalloc_objs = reply.results[3];
	return reply.results[0] + reply.results[1] + reply.results[2];
}

/* ---- The rules ---- */

/* M1 for one page: mapped through kernel page tables with exactly PAGE_KERNEL (or @prot). */
static uint64_t check_mapped(uint64_t va, uint64_t prot)
{
	struct walk_result res;
	const struct walk_entry *e;
	uint32_t flags;
	int32_t count;

	walk_or_fail(va, &res);
	if (res.status != WALK_OK || res.leaf_level != WALK_PTE || res.page_size != PAGE_SIZE ||
	    (res.leaf & _PAGE_FLAGS_MASK) != prot || res.pa >= vf->c->ram) {
		walk_fprint(stderr, &res);
		fail_msg("%s: M1 at 0x%08" PRIx64 ": expected a 4K PTE with flags 0x%03" PRIx64
			 " and a frame in RAM; actual %s, leaf 0x%" PRIx64,
			 vf->c->name, va, prot, walk_status_str(res.status), res.leaf);
	}
	for (unsigned i = 0; i + 1 < res.nr_entries; i++) {
		e = &res.entries[i];
		if (!e->folded && e->level == WALK_PMD &&
		    (e->value & (_PAGE_FLAGS_MASK & ~_PAGE_USER)) != _KERNPG_TABLE) {
			walk_fprint(stderr, &res);
			fail_msg("%s: M1 at 0x%08" PRIx64 ": PMD entry 0x%" PRIx64
				 " is not a kernel page table (_KERNPG_TABLE)",
				 vf->c->name, va, e->value);
		}
	}
	if (vf->wc.mode == WALK_2LEVEL &&
	    (res.entries[0].value & (_PAGE_FLAGS_MASK & ~_PAGE_USER)) != _KERNPG_TABLE) {
		walk_fprint(stderr, &res);
		fail_msg("%s: M1 at 0x%08" PRIx64 ": PGD entry is not _KERNPG_TABLE", vf->c->name,
			 va);
	}
	page_info(res.pa >> PAGE_SHIFT, &count, &flags);
	if (count < 1 || (flags >> PG_buddy) & 1) {
		walk_fprint(stderr, &res);
		fail_msg("%s: P1 at 0x%08" PRIx64 ": pfn 0x%" PRIx64
			 " count %d flags 0x%x: expected "
			 "count >= 1, not free",
			 vf->c->name, va, res.pa >> PAGE_SHIFT, count, flags);
	}
	return res.pa;
}

/* M2 / after vfree: no translation, and the PTE is none (0) if there is a page table. */
static void check_unmapped(uint64_t va, const char *rule)
{
	struct walk_result res;

	walk_or_fail(va, &res);
	if (res.status == WALK_NOT_PRESENT && res.entries[res.nr_entries - 1].value == 0)
		return;
	walk_fprint(stderr, &res);
	fail_msg("%s: %s at 0x%08" PRIx64 ": expected a none entry, actual %s, entry 0x%" PRIx64,
		 vf->c->name, rule, va, walk_status_str(res.status),
		 res.entries[res.nr_entries - 1].value);
}

struct area {
	uint32_t flags, addr, size;
};

/* vmlist as the guest has it (the checker says whether it is sound). */
static unsigned read_vmlist(struct area *areas, unsigned max)
{
	struct vm_area va[64];
	struct vmlist_info info;
	unsigned i;

	if (inspect_read_vmlist(&vf->gk, va, 64, &info))
		fail_msg("%s: %s", vf->c->name, info.msg);
	for (i = 0; i < info.nr && i < max && i < 64; i++)
		areas[i] = (struct area){ va[i].flags, va[i].addr, va[i].size };
	return info.nr;
}

/* Every rule (A1, A2, M1-M8, P1) silent; returns the number of areas. */
static unsigned check_all(void)
{
	checker_silent(NULL, "the test's own checks");
	return read_vmlist(NULL, 0);
}

/* T2: a read of @va in the guest takes a not-present #PF with CR2 = va. */
static void check_probe_faults(uint32_t va)
{
	struct guest_probe p;
	struct vm_event ev;

	if (guest_probe(vf->t.vm, va, PROBE_READ, 0, &p, &ev))
		fail_msg("%s: probe of 0x%08x: %s", vf->c->name, va, ev.msg);
	if (!p.faulted || p.vector != X86_TRAP_PF || (p.error_code & PF_PROT) || p.cr2 != va)
		fail_msg("%s: T2 at 0x%08x: expected a not-present #PF with CR2 0x%08x; actual "
			 "faulted %d vector %u error 0x%x CR2 0x%08x (value 0x%08x)",
			 vf->c->name, va, va, p.faulted, p.vector, p.error_code, p.cr2, p.value);
}

/* ---- Tests ---- */

static void test_one_page(void **state)
{
	const struct vm_case *c = boot(state);
	uint32_t before, after, addr, objs0, objs1;

	before = free_pages(&objs0);
	addr = call_ok(CMD_VMALLOC, 100, 0, ST_OK);
	assert_int_equal(addr, fx.vmalloc_start); /* first area of a fresh guest */
	check_mapped(addr, fx.pte_kernel);
	check_unmapped(addr + PAGE_SIZE, "M2 (guard page)");
	assert_int_equal(check_all(), 1);

	call_ok(CMD_FILL, addr, PAGE_SIZE, ST_OK);
	assert_int_equal(call_ok(CMD_CHECK, addr, PAGE_SIZE, ST_OK), 0);

	assert_int_equal(call_ok(CMD_VFREE, addr, 0, ST_OK), 1);
	check_unmapped(addr, "vfree left a mapping");
	check_probe_faults(addr);
	check_probe_faults(addr + PAGE_SIZE);
	assert_int_equal(check_all(), 0);
	after = free_pages(&objs1);
	/* The page came back; the page table made for it stays. */
	if (after + 1 != before || objs1 != objs0)
		fail_msg("%s: P2: free pages %u before, %u after (expected one page table kept); "
			 "kmalloc objects %u -> %u",
			 c->name, before, after, objs0, objs1);
	expect_ran("T1");
	expect_ran("T2");
	expect_ran("T3");
}

static void test_bad_sizes(void **state)
{
	const struct vm_case *c = boot(state);
	assert_int_equal(call_ok(CMD_VMALLOC, 0, 0, ST_FAIL), 0);
	assert_int_equal(call_ok(CMD_VMALLOC, (uint32_t)c->ram + PAGE_SIZE, 0, ST_FAIL), 0);
	assert_int_equal(call_ok(CMD_VMALLOC, 0xfffff001u, 0, ST_FAIL), 0);
	call_ok(CMD_GET_VM_AREA, 0, VM_IOREMAP, ST_EINVAL);
	/* get_vm_area's own wrap check: size plus the guard page wraps to 0. */
	call_ok(CMD_GET_VM_AREA, 0xfffff000u, VM_IOREMAP, ST_FAIL);
	call_ok(CMD_VMAP, 0, ZONE_NORMAL, ST_EINVAL);
	call_ok(CMD_VMAP, 1, 7, ST_EINVAL);
	call_ok(CMD_FILL, fx.vmalloc_start, 4, ST_EINVAL); /* no area there */
	assert_int_equal(check_all(), 0);
}

/* T1-T3, inside the guest with no exit between vfree and the probes. */
static void test_probe_sequences(void **state)
{
	const struct vm_case *c = boot(state);
	uint32_t *r = reply.results;

	call_ok(CMD_PROBE_SEQ, SEQ_VFREE_THEN_PROBE, 16, ST_OK);
	if (r[1] != 0 || r[2] != 0 || r[3] != 1 || r[4] != 0 || r[5] != 17 || r[6] != 17)
		fail_msg("%s: T1-T3: expected 0 faults before vfree, 0 flushes in vmalloc, 1 full "
			 "flush in vfree, 0 other, 17/17 not-present after; actual %u, %u, %u, %u, "
			 "%u/%u (first bad 0x%08x)\n%s",
			 c->name, r[1], r[2], r[3], r[4], r[6], r[5], r[7], reply.text);
	call_ok(CMD_PROBE_SEQ, SEQ_STALE_TLB, 0, ST_OK);
	if (r[3] != 1 || r[4] != 1)
		fail_msg(
			"%s: after invlpg of a cleared PTE: fault %u (expected 1); after restoring "
			"it: read back %u (expected 1)",
			c->name, r[3], r[4]);
	/* Permitted, not promised: report which was seen. */
	print_message("  [%s on %s] stale translation after clearing a PTE without flush: %s; "
		      "%s entry after a CR3 reload: %s\n",
		      c->name, testvm_where(), r[1] ? "used" : "not used",
		      r[5] ? "global" : "non-global", r[2] ? "kept" : "gone");
	assert_int_equal(check_all(), 0);
}

static void test_zones(void **state)
{
	const struct vm_case *c = boot(state);
	uint32_t d, l, v, i;
	uint64_t pa;

	d = call_ok(CMD_VMALLOC_DMA, 16 * PAGE_SIZE, 0, ST_OK);
	l = call_ok(CMD_VMALLOC_32, 16 * PAGE_SIZE, 0, ST_OK);
	v = call_ok(CMD_VMALLOC, PAGE_SIZE, 0, ST_OK);
	for (i = 0; i < 16; i++) {
		pa = check_mapped(d + i * PAGE_SIZE, fx.pte_kernel);
		if (pa >= ZONE_DMA_LIMIT)
			fail_msg("%s: M5: vmalloc_dma page %u at pa 0x%" PRIx64
				 ", expected below 16 MiB",
				 c->name, i, pa);
		pa = check_mapped(l + i * PAGE_SIZE, fx.pte_kernel);
		if (pa >= MAXMEM)
			fail_msg("%s: M5: vmalloc_32 page %u at pa 0x%" PRIx64
				 ", expected below 896 MiB",
				 c->name, i, pa);
	}
	/* vmalloc prefers highmem where there is some. */
	pa = check_mapped(v, fx.pte_kernel);
	if (c->ram > MAXMEM && pa < MAXMEM)
		fail_msg("%s: vmalloc page at pa 0x%" PRIx64 ": expected highmem (>= 896 MiB)",
			 c->name, pa);
	assert_int_equal(check_all(), 3);
}

static void test_first_fit(void **state)
{
	const struct vm_case *c = boot(state);
	uint32_t a, b, cc, d, e;

	a = call_ok(CMD_VMALLOC, 2 * PAGE_SIZE, 0, ST_OK);
	b = call_ok(CMD_VMALLOC, PAGE_SIZE, 0, ST_OK);
	cc = call_ok(CMD_VMALLOC, PAGE_SIZE, 0, ST_OK);
	assert_int_equal(b, a + 3 * PAGE_SIZE);
	assert_int_equal(cc, b + 2 * PAGE_SIZE);
	assert_int_equal(call_ok(CMD_VFREE, b, 0, ST_OK), 1);
	e = call_ok(CMD_VMALLOC, 2 * PAGE_SIZE, 0, ST_OK); /* does not fit the 2-page hole */
	d = call_ok(CMD_VMALLOC, PAGE_SIZE, 0, ST_OK);
	if (d != b || e != cc + 2 * PAGE_SIZE)
		fail_msg("%s: first fit: expected 0x%08x (the hole) and 0x%08x; actual 0x%08x, "
			 "0x%08x",
			 c->name, b, cc + 2 * PAGE_SIZE, d, e);
	assert_int_equal(check_all(), 4);
}

/* An area across a page-table boundary gets a new page table, which stays after vfree. */
static void test_new_page_table(void **state)
{
	const struct vm_case *c = boot(state);
	struct walk_result before, res;
	uint32_t bound, v, pad, free0, free1;
	const struct walk_entry *e0, *e1;

	bound = fx.vmalloc_start + (uint32_t)fx.pt_span;
	walk_or_fail(bound, &before);
	if (before.status != WALK_NOT_PRESENT || before.fail_level == WALK_PTE) {
		walk_fprint(stderr, &before);
		fail_msg("%s: 0x%08x already has a page table in a fresh guest", c->name, bound);
	}
	free0 = free_pages(NULL);
	/* [start, bound - 1 page) taken (guard included), so 2 pages land across bound. */
	pad = call_ok(CMD_GET_VM_AREA, (uint32_t)fx.pt_span - 2 * PAGE_SIZE, VM_IOREMAP, ST_OK);
	assert_int_equal(pad, fx.vmalloc_start);
	v = call_ok(CMD_VMALLOC, 2 * PAGE_SIZE, 0, ST_OK);
	assert_int_equal(v, bound - PAGE_SIZE);
	check_mapped(v, fx.pte_kernel);
	check_mapped(bound, fx.pte_kernel);
	walk_or_fail(bound, &res);
	e0 = walk_entry_at(&res, WALK_PMD);
	assert_non_null(e0);
	assert_int_equal(call_ok(CMD_VFREE, v, 0, ST_OK), 1);
	assert_int_equal(call_ok(CMD_VFREE, pad, 0, ST_OK), 1);
	check_unmapped(v, "vfree left a mapping");
	check_unmapped(bound, "vfree left a mapping");
	walk_or_fail(bound, &res);
	e1 = walk_entry_at(&res, WALK_PMD);
	if (res.status != WALK_NOT_PRESENT || res.fail_level != WALK_PTE || !e1 ||
	    e1->value != e0->value) {
		walk_fprint(stderr, &res);
		fail_msg("%s: the page table for 0x%08x did not stay after vfree (PMD entry was "
			 "0x%" PRIx64 ")",
			 c->name, bound, e0->value);
	}
	free1 = free_pages(NULL);
	/* Two page tables: the one below the boundary and the one above it. */
	if (free0 - free1 != 2)
		fail_msg("%s: free pages %u -> %u: expected exactly the 2 page tables kept",
			 c->name, free0, free1);
	assert_int_equal(check_all(), 0);
}

/* The deliberate fix: into an empty list, 2.4 placed a request without checking VMALLOC_END. */
static void test_end_of_range(void **state)
{
	const struct vm_case *c = boot(state);
	uint32_t range, a;
	struct area areas[1];

	range = VMALLOC_END - fx.vmalloc_start;
	if (call(CMD_GET_VM_AREA, range, VM_IOREMAP, 0, 0) != ST_FAIL)
		fail_msg("%s: get_vm_area(0x%x) into an empty list: expected NULL (2.4 gave "
			 "[0x%08x, 0x%08x), past VMALLOC_END); actual 0x%08x",
			 c->name, range, fx.vmalloc_start, VMALLOC_END + PAGE_SIZE,
			 reply.results[0]);
	a = call_ok(CMD_GET_VM_AREA, range - PAGE_SIZE, VM_IOREMAP, ST_OK);
	assert_int_equal(read_vmlist(areas, 1), 1);
	if (a != fx.vmalloc_start || areas[0].addr + areas[0].size != VMALLOC_END)
		fail_msg("%s: the whole range: expected [0x%08x, 0x%08x), actual [0x%08x, 0x%08x)",
			 c->name, fx.vmalloc_start, VMALLOC_END, areas[0].addr,
			 areas[0].addr + areas[0].size);
	call_ok(CMD_VMALLOC, PAGE_SIZE, 0, ST_FAIL); /* full */
	assert_int_equal(call_ok(CMD_VFREE, a, 0, ST_OK), 1);
	assert_int_equal(check_all(), 0);
}

static void test_vfree_messages(void **state)
{
	const struct vm_case *c = boot(state);
	char want[128];
	uint32_t a;

	a = call_ok(CMD_VMALLOC, PAGE_SIZE, 0, ST_OK);
	assert_int_equal(call_ok(CMD_VFREE, a + 4, 0, ST_OK), 0);
	snprintf(want, sizeof(want), KERN_ERR_PREFIX "Trying to vfree() bad address (%08x)", a + 4);
	if (!strstr(reply.text, want))
		fail_msg("%s: expected text '%s', actual '%s'", c->name, want, reply.text);
	assert_int_equal(call_ok(CMD_VFREE, a + PAGE_SIZE, 0, ST_OK), 0);
	snprintf(want, sizeof(want), KERN_ERR_PREFIX "Trying to vfree() nonexistent vm area (%08x)",
		 a + PAGE_SIZE);
	if (!strstr(reply.text, want))
		fail_msg("%s: expected text '%s', actual '%s'", c->name, want, reply.text);
	assert_int_equal(call_ok(CMD_VFREE, 0, 0, ST_OK), 0);
	if (reply.text_len)
		fail_msg("%s: vfree(NULL) printed '%s'", c->name, reply.text);
	assert_int_equal(check_all(), 1);
}

/*
 * vmalloc=modern: a failure path's vfree leaves its object on the purge
 * list; purged, the sequence has given back all it took.
 */
static void purge_if_modern(const struct vm_case *c)
{
	if (vm_case_modern(c))
		call_ok(CMD_PURGE, 0, 0, ST_OK);
}

/* P2: every failure path gives back every page and the vm_struct. */
static void test_failures(void **state)
{
	const struct vm_case *c = boot(state);
	uint32_t free0, objs0, free1, objs1, n;

	/* Warm the page table the attempts will use. */
	assert_int_equal(
		call_ok(CMD_VFREE, call_ok(CMD_VMALLOC, 8 * PAGE_SIZE, 0, ST_OK), 0, ST_OK), 1);
	purge_if_modern(c);
	free0 = free_pages(&objs0);
	for (n = 1; n <= 8; n++) {
		call_ok(CMD_FAULT_INJECT, FI_ALLOC_PAGE, n, ST_OK);
		call_ok(CMD_VMALLOC, 8 * PAGE_SIZE, 0, ST_FAIL);
		call_ok(CMD_FAULT_INJECT, FI_ALLOC_PAGE, 0, ST_OK);
		purge_if_modern(c);
		free1 = free_pages(&objs1);
		if (free1 != free0 || objs1 != objs0)
			fail_msg("%s: P2: allocation %u of 8 failed: free pages %u -> %u, kmalloc "
				 "objects %u -> %u",
				 c->name, n, free0, free1, objs0, objs1);
		assert_int_equal(check_all(), 0);
	}
	call_ok(CMD_FAULT_INJECT, FI_KMALLOC, 1, ST_OK);
	call_ok(CMD_VMALLOC, PAGE_SIZE, 0, ST_FAIL);
	call_ok(CMD_FAULT_INJECT, FI_KMALLOC, 0, ST_OK);
	call_ok(CMD_FAULT_INJECT, FI_ALLOC_PAGE, 3, ST_OK);
	call_ok(CMD_VMAP, 4, ZONE_NORMAL, ST_FAIL);
	call_ok(CMD_FAULT_INJECT, FI_ALLOC_PAGE, 0, ST_OK);
	call_ok(CMD_FAULT_INJECT, FI_KMALLOC, 1, ST_OK); /* vmap's get_vm_area */
	call_ok(CMD_VMAP, 4, ZONE_NORMAL, ST_FAIL);
	call_ok(CMD_FAULT_INJECT, FI_KMALLOC, 0, ST_OK);
	purge_if_modern(c);
	free1 = free_pages(&objs1);
	if (free1 != free0 || objs1 != objs0)
		fail_msg("%s: P2: failed get_vm_area / vmap: free pages %u -> %u, kmalloc objects "
			 "%u -> %u",
			 c->name, free0, free1, objs0, objs1);
	assert_int_equal(check_all(), 0);
}

/* vmap: one reference per mapping; vfree drops only it.  H1: A and D set by the CPU. */
static void test_vmap_refs(void **state)
{
	const struct vm_case *c = boot(state);
	uint32_t free0, v, pfns[3], flags, i;
	struct walk_result res;
	struct guest_probe p;
	struct vm_event ev;
	int32_t count;

	free0 = free_pages(NULL);
	v = call_ok(CMD_VMAP, 3, ZONE_NORMAL, ST_OK);
	for (i = 0; i < 3; i++) {
		pfns[i] = reply.results[1 + i];
		assert_int_equal(check_mapped(v + i * PAGE_SIZE, fx.pte_kernel) >> PAGE_SHIFT,
				 pfns[i]);
		page_info(pfns[i], &count, &flags);
		if (count != 2)
			fail_msg("%s: vmap'd pfn 0x%x: count %d, expected 2 (owner + mapping)",
				 c->name, pfns[i], count);
	}
	assert_int_equal(check_all(), 1);
	assert_int_equal(call_ok(CMD_VFREE, v, 0, ST_OK), 1);
	for (i = 0; i < 3; i++) {
		page_info(pfns[i], &count, &flags);
		if (count != 1 || (flags >> PG_buddy) & 1)
			fail_msg("%s: P2: after vfree of a vmap, pfn 0x%x: count %d flags 0x%x, "
				 "expected "
				 "count 1, in use",
				 c->name, pfns[i], count, flags);
	}
	assert_int_equal(call_ok(CMD_VMAP_PUT, v, 0, ST_OK), 3);
	assert_int_equal(free_pages(NULL), free0 - 1); /* the page table stays */

	/*
	 * H1: a prot without A/D: the CPU sets them on first use.  Seen here by
	 * the test's own probes, so the checker must not probe (and set A, D)
	 * first; then once more with the checker's H1.
	 */
	fx.check_flags = CHECK_STATIC;
	if (call(CMD_VMAP, 1, ZONE_NORMAL, _PAGE_PRESENT | _PAGE_RW, 0) != ST_OK)
		fail_msg("%s: vmap with prot P|RW: status %u", c->name, reply.status);
	fx.check_flags = CHECK_STATIC | CHECK_PROBES;
	v = reply.results[0];
	check_mapped(v, _PAGE_PRESENT | _PAGE_RW);
	assert_int_equal(guest_probe(vf->t.vm, v, PROBE_READ, 0, &p, &ev), 0);
	walk_or_fail(v, &res);
	if (!res.accessed || res.dirty) {
		walk_fprint(stderr, &res);
		fail_msg("%s: H1: after a read expected A set, D clear", c->name);
	}
	assert_int_equal(guest_probe(vf->t.vm, v, PROBE_WRITE, 1, &p, &ev), 0);
	walk_or_fail(v, &res);
	if (!res.accessed || !res.dirty) {
		walk_fprint(stderr, &res);
		fail_msg("%s: H1: after a write expected A and D set", c->name);
	}
	assert_int_equal(call_ok(CMD_VFREE, v, 0, ST_OK), 1);
	assert_int_equal(call_ok(CMD_VMAP_PUT, v, 0, ST_OK), 1);
	if (call(CMD_VMAP, 1, ZONE_NORMAL, _PAGE_PRESENT | _PAGE_RW, 0) != ST_OK)
		fail_msg("%s: vmap with prot P|RW: status %u", c->name, reply.status);
	v = reply.results[0];
	assert_int_equal(call_ok(CMD_VFREE, v, 0, ST_OK), 1);
	assert_int_equal(call_ok(CMD_VMAP_PUT, v, 0, ST_OK), 1);
	assert_int_equal(check_all(), 0);
	expect_ran("H1");
	expect_ran("T2");
	expect_ran("T3");
}

/*
 * The vmalloc fault: an address space made before a vmalloc that needs a
 * new page table lacks that PGD entry; the first kernel touch of the area
 * there faults, the handler copies the entry from swapper_pg_dir, and the
 * touch completes.  Under PAE the kernel PMD page is shared by every
 * address space, so the entry is there already and nothing faults.
 * Checked on the host: the new mm's walk before and after the touch.
 */
static void test_vmalloc_fault(void **state)
{
	const struct vm_case *c = boot(state);
	uint32_t mm, addr, last, size;
	struct walk_result res;
	bool pae = c->paging == PAGING_PAE;

	size = (uint32_t)fx.pt_span + PAGE_SIZE;
	mm = call_ok(CMD_NEW_MM, 0, 0, ST_OK);
	addr = call_ok(CMD_VMALLOC, size, 0, ST_OK);
	call_ok(CMD_SWITCH_MM, mm, 0, ST_OK);
	/* Its last page lies in a page table that did not exist when mm was made. */
	last = addr + size - PAGE_SIZE;
	walk_ctx();
	walk(&vf->wc, last, &res);
	if (pae ? res.status != WALK_OK : res.status != WALK_NOT_PRESENT) {
		walk_fprint(stderr, &res);
		fail_msg("%s: before the touch, 0x%08x in the new mm: expected %s, got %s", c->name,
			 last,
			 pae ? "mapped (shared kernel PMD)" : "not present (no PGD entry yet)",
			 walk_status_str(res.status));
	}
	call_ok(CMD_TOUCH, last, 0, ST_OK);
	if (reply.results[0] != 0 || reply.results[4] != (pae ? 0u : 1u))
		fail_msg("%s: touch of 0x%08x: expected no fault left and %u vmalloc fault(s), got "
			 "faulted=%u vmalloc faults=%u",
			 c->name, last, pae ? 0 : 1, reply.results[0], reply.results[4]);
	walk_ctx();
	walk(&vf->wc, last, &res);
	if (res.status != WALK_OK) {
		walk_fprint(stderr, &res);
		fail_msg("%s: after the touch, 0x%08x in the new mm: expected mapped, got %s",
			 c->name, last, walk_status_str(res.status));
	}
	call_ok(CMD_SWITCH_MM, 0, 0, ST_OK);
	call_ok(CMD_VFREE, addr, 0, ST_OK);
	assert_int_equal(expect_ran("V1"), 1);
	expect_ran("T1");
	expect_ran("T2");
}

/* Every test here, at both RAM sizes in both paging modes. */
#define VMALLOC_TESTS(fn)                                                                          \
	VM_TEST(fn, 2level_64M), VM_TEST(fn, pae_64M), VM_TEST(fn, 2level_1G), VM_TEST(fn, pae_1G)

int main(void)
{
	const struct CMUnitTest tests[] = {
		VMALLOC_TESTS(test_one_page),
		VMALLOC_TESTS(test_bad_sizes),
		VMALLOC_TESTS(test_probe_sequences),
		VMALLOC_TESTS(test_zones),
		VMALLOC_TESTS(test_first_fit),
		VMALLOC_TESTS(test_new_page_table),
		VMALLOC_TESTS(test_end_of_range),
		VMALLOC_TESTS(test_vfree_messages),
		VMALLOC_TESTS(test_failures),
		VMALLOC_TESTS(test_vmap_refs),
		VMALLOC_TESTS(test_vmalloc_fault),
		/* The fail-nth test in vmalloc=modern, both paging modes. */
		VM_TEST(test_failures, 2level_64M_modern),
		VM_TEST(test_failures, pae_64M_modern),
	};

	testvm_start("vmalloc");
	return cmocka_run_group_tests_name("vmalloc", tests, NULL, NULL);
}
