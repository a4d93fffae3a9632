// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile guest state (issue 14, item 3), on KVM: the real guest.elf boots
 * to DB_READY, then its state is broken through gmem_write*() as a hostile
 * guest could leave it, and the host's readers run over it: the vmlist
 * reader, --dump vmallocinfo (demo_dump_vmallocinfo), the checker and
 * --dump tlb/mem.  Each ends with its documented error or a reported
 * violation, never a crash or a hang; the work is bounded by counts (nodes
 * read, guest reads), and the host's peak RSS by a fixed amount.
 *
 *   - a vmlist cycle (the last node's next is the first);
 *   - a vmlist of 10^6 nodes (in the frames of a real 20 MB vmalloc area);
 *   - every PDE outside RAM, and CR3 outside RAM.
 *
 * The guest never runs again on broken state: each case puts it back (or
 * the teardown destroys the VM).
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

#include <cmocka.h>

#include "shared/abi.h"
#include "shared/kstructs.h"
#include "shared/layout.h"
#include "shared/mmu.h"
#include "tests/lib/testvm.h"
#include "tests/lib/vmcase.h"
#include "vmm/cli/cli.h"
#include "vmm/core/core.h"
#include "vmm/inspect/inspect.h"

/* Host memory any one reader may add over a hostile state, whatever the
 * guest wrote: the readers keep at most INSPECT_VMLIST_MAX areas. */
#define RSS_BOUND_KIB (48l << 10)

static struct fx {
	const char *name;
	struct vmfx *v;
	struct check_report rep;
} fx;

static void use(void **state)
{
	memset(&fx, 0, sizeof(fx));
	fx.v = *state;
	fx.name = fx.v->c->name;
}

static struct guest_mem *gm(void)
{
	return &fx.v->t.vm->mem;
}

static uint32_t vmalloc_bytes(uint32_t size)
{
	const uint32_t args[1] = { size };
	struct guest_reply reply;

	testvm_call(&fx.v->t, CMD_VMALLOC, args, 1, &reply);
	if (reply.status != ST_OK || !reply.results[0])
		fail_msg("%s: vmalloc(%u): status %u", fx.name, size, reply.status);
	return reply.results[0];
}

/* A FILE that only counts the lines written to it (no memory kept). */
static ssize_t count_write(void *cookie, const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] == '\n')
			++*(unsigned long *)cookie;
	return (ssize_t)len;
}

static FILE *line_counter(unsigned long *lines)
{
	cookie_io_functions_t io = { .write = count_write };
	FILE *f;

	*lines = 0;
	f = fopencookie(lines, "w", io);
	assert_non_null(f);
	return f;
}

/* --dump vmallocinfo: the areas before the defect, then the error naming it. */
static void expect_vmallocinfo_error(unsigned long want_lines, const char *defect)
{
	char err[VM_ERR_LEN];
	unsigned long lines;
	FILE *f = line_counter(&lines);
	int ret = demo_dump_vmallocinfo(f, fx.v->t.vm, &fx.v->t.syms, err, sizeof(err));

	fclose(f);
	if (ret != -EFAULT || !strstr(err, defect))
		fail_msg("%s: --dump vmallocinfo returned %d (\"%s\"), expected -EFAULT naming "
			 "\"%s\"",
			 fx.name, ret, ret ? err : "", defect);
	if (lines != want_lines)
		fail_msg("%s: --dump vmallocinfo printed %lu lines before the error, expected %lu",
			 fx.name, lines, want_lines);
}

/* The checker reports (0) with at least one violation, or refuses with an
 * error naming what it could not read; either way it returns. */
static void expect_check_reports(const char *what, uint64_t max_reads)
{
	int ret = check_guest(fx.v->ck, NULL, CHECK_STATIC, &fx.rep);

	if (ret == 0 && !fx.rep.nr_violations)
		fail_msg("%s: %s: the checker found nothing wrong", fx.name, what);
	if (ret && !fx.rep.err[0])
		fail_msg("%s: %s: check_guest returned %d without saying why", fx.name, what, ret);
	if (fx.rep.guest_reads > max_reads)
		fail_msg("%s: %s: one check read guest memory %" PRIu64
			 " times, expected at most %" PRIu64,
			 fx.name, what, fx.rep.guest_reads, max_reads);
	if (getenv("TEST_VERBOSE")) {
		printf("  [%s] %s: check_guest %d %s\n", fx.name, what, ret, fx.rep.err);
		check_report_print(stdout, &fx.rep);
	}
}

static void expect_silent(const char *what)
{
	int ret = check_guest(fx.v->ck, NULL, CHECK_STATIC, &fx.rep);

	if (ret || fx.rep.nr_violations) {
		check_report_print(stderr, &fx.rep);
		fail_msg("%s: %s: expected a clean check, got %d (%s), %u violations", fx.name,
			 what, ret, fx.rep.err, fx.rep.nr_violations);
	}
}

/* ---- a vmlist cycle ---- */

static void test_vmlist_cycle(void **state)
{
	struct vm_area areas[16];
	struct vmlist_info info;
	uint64_t last_pa;
	uint32_t next_was;
	unsigned int nr;

	use(state);
	vmalloc_bytes(PAGE_SIZE);
	vmalloc_bytes(2 * PAGE_SIZE);
	assert_int_equal(inspect_read_vmlist(&fx.v->gk, areas, 16, &info), 0);
	nr = info.nr;
	assert_true(nr >= 2 && nr <= 16);
	assert_int_equal(sym_virt_to_phys(areas[nr - 1].node, &last_pa), 0);
	assert_int_equal(gmem_read32(gm(), last_pa + VM_STRUCT_OFF_NEXT, &next_was), 0);
	assert_int_equal(next_was, 0);
	assert_int_equal(gmem_write32(gm(), last_pa + VM_STRUCT_OFF_NEXT, areas[0].node), 0);

	/* The reader stops at the first node seen twice, having read each once. */
	assert_int_equal(inspect_read_vmlist(&fx.v->gk, NULL, 0, &info), -EBADMSG);
	assert_int_equal(info.defect, VMLIST_CYCLE);
	assert_int_equal(info.nr, nr);
	assert_int_equal(info.bad_node, areas[0].node);
	assert_int_equal(info.bad_from, areas[nr - 1].node);
	expect_vmallocinfo_error(nr, "node visited twice (a cycle)");
	expect_check_reports("vmlist cycle", 1u << 20);

	assert_int_equal(gmem_write32(gm(), last_pa + VM_STRUCT_OFF_NEXT, 0), 0);
	expect_silent("vmlist put back");
}

/* ---- a vmlist of 10^6 nodes ---- */

#define MILLION	       1000000u
#define NODES_PER_PAGE (PAGE_SIZE / VM_STRUCT_SIZE)
#define NODE_PAGES     ((MILLION + NODES_PER_PAGE - 1) / NODES_PER_PAGE)

static void test_vmlist_million(void **state)
{
	static uint64_t node_pa[NODE_PAGES];
	struct vmlist_info info;
	struct walk_result res;
	struct walk_ctx kwc;
	uint32_t b, head_was, vstart;
	long rss;
	unsigned int i;

	use(state);
	b = vmalloc_bytes(NODE_PAGES * PAGE_SIZE); /* its frames hold the nodes */
	assert_int_equal(inspect_vmalloc_start(&fx.v->gk, &vstart, NULL, 0), 0);
	kwc = fx.v->wc;
	kwc.cr3 = fx.v->gk.swapper_pg_dir;
	for (i = 0; i < NODE_PAGES; i++) {
		assert_int_equal(walk(&kwc, b + i * PAGE_SIZE, &res), WALK_OK);
		node_pa[i] = res.pa;
	}
	/* Node i: a 2-page VM_ALLOC area at the start of the vmalloc range (all
	 * the same: A1 overlaps), next the node i + 1. */
	for (i = 0; i < MILLION; i++) {
		uint64_t pa = node_pa[i / NODES_PER_PAGE] + (i % NODES_PER_PAGE) * VM_STRUCT_SIZE;
		uint64_t next_pa = node_pa[(i + 1) / NODES_PER_PAGE] +
				   ((i + 1) % NODES_PER_PAGE) * VM_STRUCT_SIZE;
		uint32_t node[VM_STRUCT_SIZE / 4] = { 0 };

		node[VM_STRUCT_OFF_FLAGS / 4] = VM_ALLOC;
		node[VM_STRUCT_OFF_ADDR / 4] = vstart;
		node[VM_STRUCT_OFF_SIZE / 4] = 2 * PAGE_SIZE;
		node[VM_STRUCT_OFF_NEXT / 4] =
			i + 1 < MILLION ? (uint32_t)(PAGE_OFFSET + next_pa) : 0;
		assert_int_equal(gmem_write(gm(), pa, node, sizeof(node)), 0);
	}
	assert_int_equal(gmem_read32(gm(), fx.v->gk.vmlist, &head_was), 0);
	assert_int_equal(gmem_write32(gm(), fx.v->gk.vmlist, (uint32_t)(PAGE_OFFSET + node_pa[0])),
			 0);

	rss = testvm_peak_rss_kib();
	assert_true(rss >= 0); /* /proc/self/clear_refs and VmHWM answer */
	/* Bounded by count: the reader stops after INSPECT_VMLIST_MAX nodes. */
	assert_int_equal(inspect_read_vmlist(&fx.v->gk, NULL, 0, &info), -EBADMSG);
	assert_int_equal(info.defect, VMLIST_TOO_LONG);
	assert_int_equal(info.nr, INSPECT_VMLIST_MAX);
	expect_vmallocinfo_error(INSPECT_VMLIST_MAX, "more nodes than the limit");
	/* Each listed area is 2 pages: a few reads per area and per page of the
	 * range's page tables, whatever the list's length. */
	expect_check_reports("10^6 vmlist nodes", 8ull * INSPECT_VMLIST_MAX + (1u << 20));
	rss = testvm_peak_rss_since() - rss;
	printf("  [%s] 10^6 vmlist nodes: %u read, peak RSS +%ld KiB, %" PRIu64
	       " guest reads in one check, %u violations\n",
	       fx.name, info.nr, rss, fx.rep.guest_reads, fx.rep.nr_violations);
	if (rss > RSS_BOUND_KIB)
		fail_msg("%s: the readers grew the peak RSS by %ld KiB, expected at most %ld KiB",
			 fx.name, rss, RSS_BOUND_KIB);

	assert_int_equal(gmem_write32(gm(), fx.v->gk.vmlist, head_was), 0);
}

/* ---- page tables outside RAM ---- */

/* A dump over ctx returns 0 (it printed what it could) or an error that says
 * why; it never crashes.  The line count is bounded by what is in RAM. */
static void run_dumps(const struct walk_ctx *ctx, const char *what)
{
	char err[VM_ERR_LEN] = "";
	unsigned long lines;
	FILE *f = line_counter(&lines);
	int ret = dump_tlb(f, ctx, err, sizeof(err));

	fflush(f);
	if (ret && !err[0])
		fail_msg("%s: %s: dump_tlb returned %d without a message", fx.name, what, ret);
	if (getenv("TEST_VERBOSE"))
		printf("  [%s] %s: dump_tlb %d (%s), %lu lines\n", fx.name, what, ret, err, lines);
	/* Nothing maps: every PDE (or CR3) points outside RAM. */
	assert_int_equal(lines, 0);
	ret = dump_mem(f, ctx, err, sizeof(err));
	fflush(f);
	if (ret && !err[0])
		fail_msg("%s: %s: dump_mem returned %d without a message", fx.name, what, ret);
	assert_int_equal(lines, 0);
	fclose(f);
}

#define OUTSIDE_RAM 0xf0000000u /* above every case's RAM, below 4 GiB */

/* vCPU 0's own CR3 outside RAM while the guest waits: the checker, which
 * reads CR3 from the vCPU, reports or says why, and reads a bounded amount;
 * the inspection's walk context sees the same.  CR3 is put back after. */
static void cr3_outside_ram(void)
{
	struct kvm_sregs sregs, bad;
	struct walk_result res;
	struct walk_ctx ctx;
	char err[VM_ERR_LEN];

	assert_int_equal(vcpu_get_sregs(&fx.v->t.vm->vcpus[0], &sregs), 0);
	bad = sregs;
	bad.cr3 = OUTSIDE_RAM;
	assert_int_equal(vcpu_set_sregs(&fx.v->t.vm->vcpus[0], &bad), 0);
	if (inspect_walk_ctx(fx.v->t.vm, &ctx, err, sizeof(err)))
		fail_msg("%s: %s", fx.name, err);
	assert_int_equal(ctx.cr3 & ~0xfffull, OUTSIDE_RAM);
	assert_int_equal(walk(&ctx, PAGE_OFFSET, &res), WALK_OUTSIDE_RAM);
	run_dumps(&ctx, "vCPU 0's CR3 outside RAM");
	expect_check_reports("vCPU 0's CR3 outside RAM", 1u << 20);
	assert_int_equal(vcpu_set_sregs(&fx.v->t.vm->vcpus[0], &sregs), 0);
}

static void test_pdes_outside_ram(void **state)
{
	static uint8_t saved[4 * PAGE_SIZE];
	struct walk_result res;
	struct walk_ctx ctx;
	uint64_t pd = 0;
	size_t len, i;
	bool pae;

	use(state);
	ctx = fx.v->wc;
	pae = ctx.mode == WALK_PAE;
	/* 2-level: the 1024 PDEs of swapper_pg_dir.  PAE: the 4 page
	 * directories the PDPT points to, 2048 PDEs (the PDPT stays sound). */
	if (pae) {
		uint64_t pdpte;

		assert_int_equal(gmem_read64(gm(), fx.v->gk.swapper_pg_dir, &pdpte), 0);
		pd = pdpte & 0x000ffffffffff000ull;
		/* the guest keeps its 4 PMD pages contiguous: check it */
		for (i = 1; i < 4; i++) {
			uint64_t e;

			assert_int_equal(gmem_read64(gm(), fx.v->gk.swapper_pg_dir + 8 * i, &e), 0);
			assert_int_equal(e & 0x000ffffffffff000ull, pd + i * PAGE_SIZE);
		}
		len = 4 * PAGE_SIZE;
	} else {
		pd = fx.v->gk.swapper_pg_dir;
		len = PAGE_SIZE;
	}
	assert_int_equal(gmem_read(gm(), pd, saved, len), 0);
	for (i = 0; i < len; i += pae ? 8 : 4) {
		uint64_t e = (OUTSIDE_RAM + (i / (pae ? 8 : 4)) * PAGE_SIZE) | 0x63; /* P RW A D */

		if (pae)
			assert_int_equal(gmem_write64(gm(), pd + i, e), 0);
		else
			assert_int_equal(gmem_write32(gm(), pd + i, (uint32_t)e), 0);
	}
	ctx.cr3 = fx.v->gk.swapper_pg_dir;
	assert_int_equal(walk(&ctx, PAGE_OFFSET, &res), WALK_OUTSIDE_RAM);
	run_dumps(&ctx, "every PDE outside RAM");
	expect_check_reports("every PDE outside RAM", 1u << 20);

	/* CR3 itself outside RAM (as the dumps' walk context gets it). */
	assert_int_equal(gmem_write(gm(), pd, saved, len), 0);
	ctx.cr3 = OUTSIDE_RAM;
	assert_int_equal(walk(&ctx, PAGE_OFFSET, &res), WALK_OUTSIDE_RAM);
	run_dumps(&ctx, "CR3 outside RAM");
	cr3_outside_ram();

	/* The checker's previous snapshot holds the broken entries: the first
	 * check after the repair sees them change back (M8, and only that). */
	assert_int_equal(check_guest(fx.v->ck, NULL, CHECK_STATIC, &fx.rep), 0);
	for (i = 0; i < fx.rep.nr_violations && i < CHECK_MAX_VIOLATIONS; i++)
		if (strcmp(fx.rep.v[i].rule, "M8")) {
			check_report_print(stderr, &fx.rep);
			fail_msg("%s: page directory put back: a %s violation", fx.name,
				 fx.rep.v[i].rule);
		}
	expect_silent("page directory put back, checked twice");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		VM_TEST(test_vmlist_cycle, 2level_64M),	 VM_TEST(test_vmlist_cycle, pae_64M),
		VM_TEST(test_vmlist_million, pae_256M),	 VM_TEST(test_pdes_outside_ram, 2level_64M),
		VM_TEST(test_pdes_outside_ram, pae_64M),
	};

	testvm_start("hostile_state");
	return cmocka_run_group_tests_name("hostile_state", tests, NULL, NULL);
}
