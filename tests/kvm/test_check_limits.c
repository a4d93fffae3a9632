// SPDX-License-Identifier: GPL-2.0
/*
 * The checker at its limits, on KVM: guest state no correct guest makes
 * (a vmalloc_start below 3 GiB, a PDPT entry or a vmalloc-range PMD entry
 * with reserved bits) is a violation that names the rule, the entry and
 * its value, never a failed check; and --timeout stops the host's own work
 * (check_guest() returns -ETIMEDOUT once vm->timed_out is set).  State is
 * broken through gmem_write*() while the guest waits at DB_READY, and put
 * back before the guest runs again.
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
#include <sys/resource.h>
#include <time.h>

#include <cmocka.h>

#include "shared/abi.h"
#include "shared/kstructs.h"
#include "shared/layout.h"
#include "shared/mmu.h"
#include "tests/lib/testvm.h"
#include "tests/lib/vmcase.h"
#include "vmm/core/core.h"
#include "vmm/inspect/inspect.h"

#define RSVD_BIT62 (1ull << 62) /* reserved in every PAE entry: MAXPHYADDR <= 52 */

static struct fx {
	const char *name;
	struct vmfx *v; /* the case's guest, booted by vmfx_setup() */
	struct check_report rep;
} fx;

/* Take the booted case CMocka hands the test. */
static void use(void **state)
{
	memset(&fx, 0, sizeof(fx));
	fx.v = *state;
	fx.name = fx.v->c->name;
}

/* A static check that must complete (0), violations or not. */
static void check_static(void)
{
	int ret = check_guest(fx.v->ck, NULL, CHECK_STATIC, &fx.rep);

	if (ret) {
		check_report_print(stderr, &fx.rep);
		fail_msg("%s: check_guest returned %d (%s), expected a report", fx.name, ret,
			 fx.rep.err);
	}
}

static void expect_silent(const char *what)
{
	check_static();
	if (fx.rep.nr_violations) {
		check_report_print(stderr, &fx.rep);
		fail_msg("%s: %s: expected no violation, actual %u", fx.name, what,
			 fx.rep.nr_violations);
	}
}

/* The report has a violation of rule about the entry at eaddr holding value. */
static const struct check_violation *expect_entry(const char *rule, uint64_t eaddr, uint64_t value,
						  const char *what)
{
	unsigned int i, n = fx.rep.nr_violations < CHECK_MAX_VIOLATIONS ? fx.rep.nr_violations
									: CHECK_MAX_VIOLATIONS;

	for (i = 0; i < n; i++) {
		const struct check_violation *v = &fx.rep.v[i];

		if (!strcmp(v->rule, rule) && v->entry_addr == eaddr && v->entry_value == value) {
			if (getenv("TEST_VERBOSE"))
				check_report_print(stdout, &fx.rep);
			return v;
		}
	}
	check_report_print(stderr, &fx.rep);
	fail_msg("%s: %s: expected a %s violation about entry 0x%" PRIx64 " = 0x%" PRIx64
		 ", actual %u violations (above)",
		 fx.name, what, rule, eaddr, value, fx.rep.nr_violations);
	return NULL;
}

static void expect_text(const char *text, const char *want, const char *what)
{
	if (!strstr(text, want))
		fail_msg("%s: %s: expected \"%s\" in \"%s\"", fx.name, what, want, text);
}

static uint32_t vmalloc_pages(uint32_t pages)
{
	const uint32_t args[1] = { pages * PAGE_SIZE };
	struct guest_reply reply;

	testvm_call(&fx.v->t, CMD_VMALLOC, args, 1, &reply);
	if (reply.status != ST_OK || !reply.results[0])
		fail_msg("%s: vmalloc(%u pages): status %u", fx.name, pages, reply.status);
	return reply.results[0];
}

/* ---- vmalloc_start outside the kernel's part of the address space ---- */

static void vmalloc_start_bad(void)
{
	static const uint32_t bad[] = { 0x80000000u, PAGE_OFFSET, 0xfffff000u, 0xc9000123u };
	const struct check_violation *v;
	uint32_t vstart;
	char want[64];
	size_t i;

	vmalloc_pages(4);
	assert_int_equal(inspect_vmalloc_start(&fx.v->gk, &vstart, NULL, 0), 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(gmem_write32(&fx.v->t.vm->mem, fx.v->gk.vmalloc_start, bad[i]), 0);
		check_static();
		v = expect_entry("A1", fx.v->gk.vmalloc_start, bad[i], "vmalloc_start broken");
		snprintf(want, sizeof(want), "holds 0x%08x", bad[i]);
		expect_text(v->actual, want, "A1 names the value");
	}
	assert_int_equal(gmem_write32(&fx.v->t.vm->mem, fx.v->gk.vmalloc_start, vstart), 0);
	expect_silent("vmalloc_start put back");
}

static void test_vmalloc_start(void **state)
{
	use(state);
	vmalloc_start_bad();
}

/* ---- M6: reserved bits in the tables of the vmalloc range (PAE) ---- */

/* PDPT entry 3 (the top GiB: vmalloc) and entry 0 (outside it: M8), each broken. */
static void test_pdpte_bad(void **state)
{
	uint64_t pdpte3 = 0, pdpte0 = 0, e3 = 0, e0 = 0;
	const struct check_violation *v;

	use(state);
	vmalloc_pages(4);
	e3 = fx.v->gk.swapper_pg_dir + 3 * 8;
	e0 = fx.v->gk.swapper_pg_dir;
	assert_int_equal(gmem_read64(&fx.v->t.vm->mem, e3, &pdpte3), 0);
	assert_int_equal(gmem_read64(&fx.v->t.vm->mem, e0, &pdpte0), 0);

	assert_int_equal(gmem_write64(&fx.v->t.vm->mem, e3, pdpte3 | RSVD_BIT62), 0);
	check_static();
	v = expect_entry("M6", e3, pdpte3 | RSVD_BIT62, "PDPT entry 3 with bit 62");
	expect_text(v->expected, "PDPT entry 3", "M6 names the entry");
	expect_text(v->actual, "reserved bits 0x4000000000000000", "M6 names the bits");

	assert_int_equal(gmem_write64(&fx.v->t.vm->mem, e3, pdpte3 & ~(uint64_t)_PAGE_PRESENT), 0);
	check_static();
	v = expect_entry("M6", e3, pdpte3 & ~(uint64_t)_PAGE_PRESENT, "PDPT entry 3 not present");
	expect_text(v->actual, "not present", "M6 says why");
	assert_int_equal(gmem_write64(&fx.v->t.vm->mem, e3, pdpte3), 0);

	/* Outside the vmalloc range: the entry changed under M8, and the check completes. */
	assert_int_equal(gmem_write64(&fx.v->t.vm->mem, e0, pdpte0 | RSVD_BIT62), 0);
	check_static();
	expect_entry("M8", e0, pdpte0 | RSVD_BIT62, "PDPT entry 0 with bit 62");
	assert_int_equal(gmem_write64(&fx.v->t.vm->mem, e0, pdpte0), 0);
	check_static(); /* M8 now compares with the broken entry once more */
	expect_silent("PDPT put back");
}

/* A PMD entry of the vmalloc range (a page table of an area) with bit 62 set. */
static void test_m6_reserved_pmd(void **state)
{
	struct walk_ctx kwc;
	struct walk_result res;
	const struct walk_entry *pmd;
	const struct check_violation *v;
	uint32_t addr;
	uint64_t old;

	use(state);
	addr = vmalloc_pages(4);
	testvm_walk_ctx(&fx.v->t, &kwc);
	kwc.cr3 = fx.v->gk.swapper_pg_dir;
	assert_int_equal(walk(&kwc, addr, &res), WALK_OK);
	pmd = walk_entry_at(&res, WALK_PMD);
	assert_non_null(pmd);
	old = pmd->value;

	assert_int_equal(gmem_write64(&fx.v->t.vm->mem, pmd->addr, old | RSVD_BIT62), 0);
	check_static();
	v = expect_entry("M6", pmd->addr, old | RSVD_BIT62, "PMD entry with bit 62");
	assert_int_equal(v->va, addr & ~(uint64_t)(PMD_SIZE_PAE - 1));
	expect_text(v->actual, "reserved bits 0x4000000000000000", "M6 names the bits");
	assert_int_equal(gmem_write64(&fx.v->t.vm->mem, pmd->addr, old), 0);
	expect_silent("PMD entry put back");
}

/* ---- --timeout stops the check ---- */

static void timeout_stops(const char *name)
{
	int ret;

	vmalloc_pages(16);
	expect_silent("before the timeout");
	__atomic_store_n(&fx.v->t.vm->timed_out, 1, __ATOMIC_SEQ_CST);
	ret = check_guest(fx.v->ck, NULL, CHECK_STATIC, &fx.rep);
	__atomic_store_n(&fx.v->t.vm->timed_out, 0, __ATOMIC_SEQ_CST);
	if (ret != -ETIMEDOUT)
		fail_msg("%s: check_guest with vm->timed_out set returned %d (%s), expected %d",
			 name, ret, fx.rep.err, -ETIMEDOUT);
	expect_text(fx.rep.err, "--timeout", "the report says why");
	expect_silent("after the timeout was cleared");
}

static void test_timeout(void **state)
{
	use(state);
	timeout_stops(fx.name);
}

/* ---- The cost of one check is bounded, whatever vmlist holds ---- */

#define HOSTILE_AREAS  100000u
#define HOSTILE_MAPPED 1024u /* pages of the real area the hostile nodes repeat */
#define NODES_PER_PAGE (PAGE_SIZE / VM_STRUCT_SIZE)
#define NODE_PAGES     ((HOSTILE_AREAS + NODES_PER_PAGE - 1) / NODES_PER_PAGE)
/* The bound in counts, which hold on any machine (time under emulation says
 * nothing): the walks read at most a few entries per page of the range and
 * per listed area, plus the fixed scans of the PGD/PMD levels; KVM_TRANSLATE
 * (M7) stays within its documented sample. */
#define BOUND_READS(range_pages, areas) (2ull * ((range_pages) + (areas)) + 65536u)
#define BOUND_TRANSLATIONS		(4ull * CHECK_M7_ALL_PAGES)
#define BOUND_RSS_FACTOR		1 /* host memory for one check: at most the guest's RAM */

/*
 * vmlist replaced by 100,000 nodes: the first covers the whole vmalloc
 * range (VM_ALLOC, so every page of the range is walked and judged), each
 * of the others repeats a real 1024-page area.  Walking every listed page
 * would be 10^8 walks and as many page records; a check walks each page of
 * the range at most once plus one page per area, and reports the overlaps.
 */
static void hostile_vmlist(const char *name)
{
	const uint64_t ram = 256ull << 20;
	struct walk_ctx kwc;
	struct walk_result res;
	uint64_t node_pa[NODE_PAGES];
	uint32_t a, b, vstart, head, head_was;
	double cpu;
	long rss;
	unsigned int i;

	a = vmalloc_pages(HOSTILE_MAPPED);
	b = vmalloc_pages(NODE_PAGES); /* its frames hold the hostile nodes */
	expect_silent("before vmlist is replaced");
	assert_int_equal(inspect_vmalloc_start(&fx.v->gk, &vstart, NULL, 0), 0);
	testvm_walk_ctx(&fx.v->t, &kwc);
	kwc.cr3 = fx.v->gk.swapper_pg_dir;
	for (i = 0; i < NODE_PAGES; i++) {
		assert_int_equal(walk(&kwc, b + i * PAGE_SIZE, &res), WALK_OK);
		node_pa[i] = res.pa;
	}
	for (i = 0; i < HOSTILE_AREAS; i++) {
		uint64_t pa = node_pa[i / NODES_PER_PAGE] + (i % NODES_PER_PAGE) * VM_STRUCT_SIZE;
		uint64_t next_pa = node_pa[(i + 1) / NODES_PER_PAGE] +
				   ((i + 1) % NODES_PER_PAGE) * VM_STRUCT_SIZE;
		uint32_t next = i + 1 < HOSTILE_AREAS ? (uint32_t)(PAGE_OFFSET + next_pa) : 0;
		struct guest_mem *gm = &fx.v->t.vm->mem;

		assert_int_equal(gmem_write32(gm, pa + VM_STRUCT_OFF_FLAGS, VM_ALLOC), 0);
		assert_int_equal(gmem_write32(gm, pa + VM_STRUCT_OFF_ADDR, i ? a : vstart), 0);
		assert_int_equal(
			gmem_write32(gm, pa + VM_STRUCT_OFF_SIZE,
				     i ? (HOSTILE_MAPPED + 1) * PAGE_SIZE : VMALLOC_END - vstart),
			0);
		assert_int_equal(gmem_write32(gm, pa + VM_STRUCT_OFF_NEXT, next), 0);
	}
	assert_int_equal(gmem_read32(&fx.v->t.vm->mem, fx.v->gk.vmlist, &head_was), 0);
	head = (uint32_t)(PAGE_OFFSET + node_pa[0]);
	assert_int_equal(gmem_write32(&fx.v->t.vm->mem, fx.v->gk.vmlist, head), 0);

	rss = testvm_peak_rss_kib();
	assert_true(rss >= 0); /* /proc/self/clear_refs and VmHWM answer */
	cpu = testvm_cpu_seconds();
	check_static();
	cpu = testvm_cpu_seconds() - cpu;
	rss = testvm_peak_rss_since() - rss;
	printf("  [%s] one check of %u listed areas (%u pages listed, %u in the range): "
	       "%.3f s CPU, peak RSS +%ld KiB, %" PRIu64 " guest reads, %" PRIu64
	       " translations, %u violations\n",
	       name, HOSTILE_AREAS,
	       (HOSTILE_AREAS - 1) * (HOSTILE_MAPPED + 1) + (VMALLOC_END - vstart) / PAGE_SIZE,
	       (VMALLOC_END - vstart) / PAGE_SIZE, cpu, rss, fx.rep.guest_reads,
	       fx.rep.translations, fx.rep.nr_violations);
	if (fx.rep.nr_violations < HOSTILE_AREAS - 1)
		fail_msg("%s: expected an A1 overlap for each of %u nodes, actual %u violations",
			 name, HOSTILE_AREAS - 1, fx.rep.nr_violations);
	if (fx.rep.guest_reads > BOUND_READS((VMALLOC_END - vstart) / PAGE_SIZE, HOSTILE_AREAS))
		fail_msg("%s: one check read guest memory %" PRIu64 " times, expected at most %llu",
			 name, fx.rep.guest_reads,
			 BOUND_READS((VMALLOC_END - vstart) / PAGE_SIZE, HOSTILE_AREAS));
	if (fx.rep.translations > BOUND_TRANSLATIONS)
		fail_msg("%s: one check made %" PRIu64
			 " KVM_TRANSLATE calls, expected at most %llu",
			 name, fx.rep.translations, BOUND_TRANSLATIONS);
	if ((uint64_t)rss * 1024 > BOUND_RSS_FACTOR * ram)
		fail_msg("%s: one check grew the peak RSS by %ld KiB, expected at most %" PRIu64
			 " KiB (the guest's RAM)",
			 name, rss, BOUND_RSS_FACTOR * ram / 1024);

	assert_int_equal(gmem_write32(&fx.v->t.vm->mem, fx.v->gk.vmlist, head_was), 0);
	expect_silent("vmlist put back");
}

static void test_hostile_vmlist(void **state)
{
	use(state);
	hostile_vmlist(fx.name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		VM_TEST(test_vmalloc_start, 2level_64M), VM_TEST(test_vmalloc_start, pae_64M),
		VM_TEST(test_pdpte_bad, pae_64M),	 VM_TEST(test_m6_reserved_pmd, pae_64M),
		VM_TEST(test_timeout, 2level_64M),	 VM_TEST(test_timeout, pae_64M),
		VM_TEST(test_hostile_vmlist, pae_256M),
	};

	testvm_start("check_limits");
	return cmocka_run_group_tests_name("check_limits", tests, NULL, NULL);
}
