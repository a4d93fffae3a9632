// SPDX-License-Identifier: GPL-2.0
/*
 * The fail-nth sweep (issue 14, item 5): for every vmalloc-family command
 * and each kind of allocation (kmalloc, page), fail allocation N = 1, 2,
 * ... of the command until it succeeds.  Each attempt's area is placed
 * across the boundary of two blocks (4 MiB under 2-level paging, 2 MiB
 * under PAE) that have no page table yet, so the sweep fails pte_alloc
 * too: at the first block's table, before any page is mapped, and at the
 * second's, with pages of the first already mapped.
 *
 * After a failed attempt the guest must answer ST_FAIL and NULL, and free
 * pages per zone, kmalloc objects and pages, and vmlist are read back
 * (vmm/inspect) and must be exactly as before the command, less only the
 * page-table pages the walker shows were made on the way: 2.4 keeps a
 * kernel page table once made (spec/vmalloc.md), with every entry none.
 * After the first success and vfree the same holds against the state
 * before the attempt.  The checker's static rules run after every command.
 * Under PAE the kernel PMD page exists from boot (pmd_alloc makes none):
 * its PDPT entry is checked to stay as it was.
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
#include "vmm/core/core.h"
#include "vmm/inspect/inspect.h"

#define OP_PAGES  4u /* two pages in each of the two blocks */
#define OP_BYTES  (OP_PAGES * PAGE_SIZE)
#define MAX_AREAS 16u /* vmlist here: at most a spacer and the attempt's area */
#define MAX_N	  64u /* no command here makes this many allocations */

static struct vmfx *vf;
static struct guest_reply reply;
static struct {
	uint64_t span;	     /* bytes one page-table page maps: the block size */
	uint64_t pte_kernel; /* PTE flags of PAGE_KERNEL here */
	uint64_t pdpte;	     /* PAE: the vmalloc range's PDPT entry at boot */
} fx;

/* One vmalloc-family command, as a sweep runs it. */
struct path {
	const char *name;
	uint32_t cmd, a0, a1, a2;
	bool maps;     /* makes page tables (all but get_vm_area alone) */
	bool vmap;     /* CMD_VMAP: drop the command's own references after vfree */
	uint32_t prot; /* the PTE flags it maps with; 0: PAGE_KERNEL */
};

/* __vmalloc with a custom prot has no command; vmap with one reaches the same mapping code. */
static const struct path paths[] = {
	{ "vmalloc", CMD_VMALLOC, OP_BYTES, 0, 0, true, false, 0 },
	{ "vmalloc_dma", CMD_VMALLOC_DMA, OP_BYTES, 0, 0, true, false, 0 },
	{ "vmalloc_32", CMD_VMALLOC_32, OP_BYTES, 0, 0, true, false, 0 },
	{ "vmap", CMD_VMAP, OP_PAGES, ZONE_NORMAL, 0, true, true, 0 },
	{ "vmap prot=P|RW", CMD_VMAP, OP_PAGES, ZONE_NORMAL, _PAGE_PRESENT | _PAGE_RW, true, true,
	  _PAGE_PRESENT | _PAGE_RW },
	{ "get_vm_area", CMD_GET_VM_AREA, OP_BYTES, VM_IOREMAP, 0, false, false, 0 },
};

/* What one attempt is judged by. */
struct state {
	struct guest_zone zones[MAX_NR_ZONES];
	struct guest_counters cnt;
	unsigned int nr_areas;
	struct vm_area areas[MAX_AREAS];
};

/* Where the current attempt runs, for messages. */
static struct {
	const char *path, *kind;
	uint32_t n;
	uint32_t addr; /* the area's planned address; its two blocks start at blk[] */
	uint32_t blk[2];
} at;

static void walk_ctx(void)
{
	testvm_walk_ctx(&vf->t, &vf->wc); /* CR3 may have changed */
}

/* The walks of the attempt's two blocks, to stderr: what a failure message refers to. */
static void print_walks(void)
{
	struct walk_result res;

	walk_ctx();
	walk(&vf->wc, at.addr, &res);
	walk_fprint(stderr, &res);
	walk(&vf->wc, at.blk[1], &res);
	walk_fprint(stderr, &res);
}

#define FAIL(fmt, ...)                                                                             \
	do {                                                                                       \
		print_walks();                                                                     \
		fail_msg("%s: %s, %s failing N=%u: " fmt, vf->c->name, at.path, at.kind, at.n,     \
			 ##__VA_ARGS__);                                                           \
	} while (0)

/* ---- Commands, each followed by the checker's static rules ---- */

static void checker_silent(const struct check_op *op)
{
	struct check_report rep;
	int ret = check_guest(vf->ck, op, CHECK_STATIC, &rep);

	if (!ret && !rep.nr_violations)
		return;
	vmfx_print_report(vf, &rep);
	FAIL("the checker after command %u (0x%x, 0x%x): %d, %u violation(s) (report above) %s",
	     op->cmd, op->args[0], op->args[1], ret, rep.nr_violations, rep.err);
}

static uint32_t call(uint32_t cmd, uint32_t a0, uint32_t a1, uint32_t a2)
{
	const uint32_t args[4] = { a0, a1, a2, 0 };
	struct check_op op = { .cmd = cmd, .args = { a0, a1, a2, 0 } };

	testvm_call(&vf->t, cmd, args, 4, &reply);
	op.status = reply.status;
	memcpy(op.results, reply.results, sizeof(op.results));
	checker_silent(&op);
	return reply.status;
}

static uint32_t call_ok(uint32_t cmd, uint32_t a0, uint32_t a1, uint32_t status)
{
	if (call(cmd, a0, a1, 0) != status)
		FAIL("command %u (0x%x, 0x%x): expected status %u, actual %u; text:\n%s", cmd, a0,
		     a1, status, reply.status, reply.text);
	return reply.results[0];
}

/* ---- Guest state, read on the host ---- */

static void read_state(struct state *s)
{
	struct vmlist_info info;
	char err[256];

	memset(s, 0, sizeof(*s));
	if (inspect_read_zones(&vf->gk, s->zones, err, sizeof(err)) ||
	    inspect_read_counters(&vf->gk, &s->cnt, err, sizeof(err)))
		FAIL("%s", err);
	if (inspect_read_vmlist(&vf->gk, s->areas, MAX_AREAS, &info) || info.nr > MAX_AREAS)
		FAIL("vmlist: %u nodes (at most %u expected) %s", info.nr, MAX_AREAS, info.msg);
	s->nr_areas = info.nr;
}

/* The PTE page behind va's block (its PMD entry; 2-level: the PGD entry), or false if none. */
static bool table_at(uint64_t va, uint64_t *pfn)
{
	struct walk_result res;
	const struct walk_entry *e;

	walk_ctx();
	walk(&vf->wc, va, &res);
	if (vf->wc.mode == WALK_PAE) {
		e = walk_entry_at(&res, WALK_PGD);
		if (!e || e->value != fx.pdpte)
			FAIL("PDPT entry for 0x%08" PRIx64 ": 0x%" PRIx64
			     ", expected the boot's 0x%" PRIx64 " (no PMD page is ever made)",
			     va, e ? e->value : 0, fx.pdpte);
	}
	e = walk_entry_at(&res, WALK_PMD);
	if (!e || !(e->value & _PAGE_PRESENT))
		return false;
	if ((e->value & _PAGE_FLAGS_MASK) != _KERNPG_TABLE)
		FAIL("the table entry for 0x%08" PRIx64 " is 0x%" PRIx64 ", not _KERNPG_TABLE", va,
		     e->value);
	*pfn = (e->value &
		(vf->wc.mode == WALK_PAE ? ENTRY_FRAME_MASK_PAE : ENTRY_FRAME_MASK_2L)) >>
	       PAGE_SHIFT;
	return true;
}

/* A page-table page that stayed: in use in mem_map, and none of its entries for [va, va+pages) set. */
static void check_kept_table(uint64_t pfn, uint64_t va, unsigned int pages, uint32_t *zone)
{
	struct guest_page pg;
	struct walk_result res;
	unsigned int i;

	if (inspect_read_page(&vf->gk, pfn, &pg, NULL, 0))
		FAIL("cannot read mem_map[0x%" PRIx64 "]", pfn);
	if (pg.count < 1 || (pg.flags >> PG_buddy) & 1)
		FAIL("page table pfn 0x%" PRIx64 ": count %d flags 0x%x: expected in use", pfn,
		     pg.count, pg.flags);
	*zone = pg.zone;
	walk_ctx();
	for (i = 0; i < pages; i++) {
		walk(&vf->wc, va + i * PAGE_SIZE, &res);
		if (res.status != WALK_NOT_PRESENT || res.fail_level != WALK_PTE ||
		    res.entries[res.nr_entries - 1].value) {
			walk_fprint(stderr, &res);
			FAIL("0x%08" PRIx64 ": expected a none PTE in the kept table, actual %s",
			     va + i * PAGE_SIZE, walk_status_str(res.status));
		}
	}
}

/*
 * got must equal want less the page tables made (one page each, from
 * zone tz[i]): free pages per zone and in all, kmalloc objects and pages,
 * vmlist node by node.
 */
static void expect_state(const char *when, const struct state *want, const struct state *got,
			 unsigned int nt, const uint32_t *tz)
{
	char diff[512];
	size_t len = 0;
	unsigned int z, i;

#define DIFF(fmt, ...)                                                                             \
	len += (size_t)snprintf(diff + len, len < sizeof(diff) ? sizeof(diff) - len : 0, fmt,      \
				##__VA_ARGS__)
	for (z = 0; z < MAX_NR_ZONES; z++) {
		uint32_t expect = want->zones[z].free;

		for (i = 0; i < nt; i++)
			expect -= tz[i] == z;
		if (got->zones[z].free != expect)
			DIFF("; zone %u free pages: expected %u, actual %u", z, expect,
			     got->zones[z].free);
	}
	if (got->cnt.free_pages != want->cnt.free_pages - nt)
		DIFF("; free pages: expected %u (%u page tables kept), actual %u",
		     want->cnt.free_pages - nt, nt, got->cnt.free_pages);
	if (got->cnt.kmalloc_in_use != want->cnt.kmalloc_in_use)
		DIFF("; kmalloc objects: expected %u, actual %u", want->cnt.kmalloc_in_use,
		     got->cnt.kmalloc_in_use);
	if (got->cnt.kmalloc_pages != want->cnt.kmalloc_pages)
		DIFF("; kmalloc pages: expected %u, actual %u", want->cnt.kmalloc_pages,
		     got->cnt.kmalloc_pages);
	if (got->nr_areas != want->nr_areas)
		DIFF("; vmlist: expected %u areas, actual %u", want->nr_areas, got->nr_areas);
	for (i = 0; i < got->nr_areas && i < want->nr_areas; i++) {
		const struct vm_area *w = &want->areas[i], *g = &got->areas[i];

		if (w->node != g->node || w->addr != g->addr || w->size != g->size ||
		    w->flags != g->flags)
			DIFF("; vmlist[%u]: expected [0x%08x, +0x%x) flags 0x%x node 0x%08x, "
			     "actual [0x%08x, +0x%x) flags 0x%x node 0x%08x",
			     i, w->addr, w->size, w->flags, w->node, g->addr, g->size, g->flags,
			     g->node);
	}
	for (i = want->nr_areas; i < got->nr_areas && i < MAX_AREAS; i++)
		DIFF("; vmlist[%u]: not expected, actual [0x%08x, +0x%x) flags 0x%x", i,
		     got->areas[i].addr, got->areas[i].size, got->areas[i].flags);
	for (i = got->nr_areas; i < want->nr_areas && i < MAX_AREAS; i++)
		DIFF("; vmlist[%u]: expected [0x%08x, +0x%x) flags 0x%x, actual none", i,
		     want->areas[i].addr, want->areas[i].size, want->areas[i].flags);
#undef DIFF
	if (len)
		FAIL("%s: not as it was (walks above)%s", when, diff);
}

/* ---- The sweep ---- */

static bool has_table(uint64_t va)
{
	uint64_t pfn;

	return table_at(va, &pfn);
}

/*
 * Place the next area OP_PAGES pages long two pages below a boundary b
 * whose block and the block below have no page table, vmlist being empty:
 * a spacer area (get_vm_area, nothing mapped) fills [VMALLOC_START, addr)
 * so first fit puts the area at addr.  Returns the spacer (0: none).
 */
static uint32_t place(void)
{
	const uint64_t start = vf->vmalloc_start, span = fx.span;
	uint64_t b, a;

	for (b = (start + 2 * PAGE_SIZE + span - 1) & ~(span - 1);
	     b + (OP_PAGES - 1) * PAGE_SIZE <= VMALLOC_END; b += span) {
		a = b - 2 * PAGE_SIZE;
		if (a - start == PAGE_SIZE || has_table(a) || has_table(b))
			continue;
		at.addr = (uint32_t)a;
		at.blk[0] = (uint32_t)(b - span);
		at.blk[1] = (uint32_t)b;
		if (a == start)
			return 0;
		return call_ok(CMD_GET_VM_AREA, (uint32_t)(a - start - PAGE_SIZE), VM_IOREMAP,
			       ST_OK);
	}
	fail_msg("%s: %s: no two blocks without a page table left below VMALLOC_END", vf->c->name,
		 at.path);
	return 0;
}

/*
 * One run of p with allocation n of kind failing.  *made: page tables
 * the walker finds made by it (kept, 2.4); their pfns and zones are
 * appended to pfns/zones.  Returns true if the command succeeded.
 */
static bool attempt(const struct path *p, uint32_t kind, uint32_t n, unsigned int *made,
		    uint64_t *pfns, uint32_t *zones)
{
	struct state s0, before, after;
	uint32_t spacer, calls0, inj0, calls, inj, st, addr, tz[2];
	uint64_t pfn[2], pf[2], prot = p->prot ? p->prot : fx.pte_kernel;
	unsigned int i, m = 0;
	bool ok, have[2];

	at.n = n;
	read_state(&s0);
	if (s0.nr_areas)
		FAIL("vmlist not empty before the attempt");
	spacer = place();
	/* What makes the count of tables made below mean "made by this command". */
	if (has_table(at.addr) || has_table(at.blk[1]))
		FAIL("a block of 0x%08x already has a page table: pte_alloc would not run",
		     at.addr);
	read_state(&before);
	call_ok(CMD_FAULT_INJECT, kind, n, ST_OK);
	calls0 = reply.results[0];
	inj0 = reply.results[1];
	st = call(p->cmd, p->a0, p->a1, p->a2);
	addr = reply.results[0];
	call_ok(CMD_FAULT_INJECT, kind, 0, ST_OK);
	calls = reply.results[0] - calls0;
	inj = reply.results[1] - inj0;
	for (i = 0; i < 2; i++) {
		have[i] = table_at(at.blk[i], &pfn[i]);
		if (have[i]) {
			check_kept_table(pfn[i], at.blk[i], 0, &tz[m]);
			pf[m++] = pfn[i];
		}
	}
	if (m == 1 && !have[0])
		FAIL("the second block's page table made before the first's");
	if (m && !p->maps)
		FAIL("%u page table(s) made by a command that maps nothing", m);
	ok = st == ST_OK;
	if (ok) {
		/* The first success: N - 1 allocations of this kind, none failed. */
		if (inj || calls != n - 1)
			FAIL("succeeded with %u failure(s) injected and %u allocation(s); "
			     "expected none injected and N - 1",
			     inj, calls);
		if (addr != at.addr)
			FAIL("placed at 0x%08x, expected 0x%08x", addr, at.addr);
		if (p->maps && m != 2)
			FAIL("success with %u page table(s) for its two blocks", m);
		walk_ctx();
		for (i = 0; p->maps && i < OP_PAGES; i++) {
			struct walk_result res;

			walk(&vf->wc, addr + i * PAGE_SIZE, &res);
			if (res.status != WALK_OK || res.leaf_level != WALK_PTE ||
			    (res.leaf & _PAGE_FLAGS_MASK) != prot) {
				walk_fprint(stderr, &res);
				FAIL("page %u: expected a PTE with flags 0x%03" PRIx64
				     ", actual %s, leaf 0x%" PRIx64,
				     i, prot, walk_status_str(res.status), res.leaf);
			}
		}
		if (call_ok(CMD_VFREE, addr, 0, ST_OK) != 1)
			FAIL("vfree(0x%08x) found no area", addr);
		if (p->vmap && call_ok(CMD_VMAP_PUT, addr, 0, ST_OK) != OP_PAGES)
			FAIL("vmap's pages: %u freed by CMD_VMAP_PUT, expected %u",
			     reply.results[0], OP_PAGES);
	} else {
		if (st != ST_FAIL || addr)
			FAIL("expected ST_FAIL and NULL, actual status %u address 0x%08x", st,
			     addr);
		if (inj != 1)
			FAIL("failed with %u failure(s) injected, expected the one at N", inj);
	}
	/* Every page of the area unmapped, the kept tables' entries none. */
	for (i = 0; i < 2; i++) {
		uint64_t now;

		if (table_at(at.blk[i], &now) != have[i] || (have[i] && now != pfn[i]))
			FAIL("block 0x%08x: its page table changed after the command", at.blk[i]);
		if (have[i])
			check_kept_table(now, i ? at.blk[1] : at.addr, i ? OP_PAGES - 2 : 2,
					 &tz[i ? m - 1 : 0]);
	}
	read_state(&after);
	if (!ok)
		expect_state("after the failed command", &before, &after, m, tz);
	if (spacer && call_ok(CMD_VFREE, spacer, 0, ST_OK) != 1)
		FAIL("vfree of the spacer 0x%08x found no area", spacer);
	read_state(&after);
	expect_state(ok ? "after vfree" : "after the attempt", &s0, &after, m, tz);
	for (i = 0; i < m; i++) {
		pfns[i] = pf[i];
		zones[i] = tz[i];
	}
	*made = m;
	return ok;
}

/* Sweep one path with one kind of failure; returns the allocations of that kind it makes. */
static uint32_t sweep(const struct path *p, uint32_t kind, uint32_t *pt_at, unsigned int *nr_pt,
		      unsigned int *nt, uint64_t *pfns, uint32_t *zones)
{
	unsigned int made, prev = 0;
	uint32_t n;
	bool ok;

	at.kind = kind == FI_KMALLOC ? "kmalloc" : "page allocation";
	for (n = 1; n <= MAX_N; n++) {
		ok = attempt(p, kind, n, &made, pfns + *nt, zones + *nt);
		*nt += made;
		if (kind == FI_ALLOC_PAGE) {
			/* Allocation n - 1 made a table iff attempt n finds one more made. */
			if (made < prev || made > prev + 1)
				FAIL("%u page table(s) made, after %u at N - 1: not one allocation "
				     "at a time",
				     made, prev);
			if (made == prev + 1) {
				if (n == 1 || *nr_pt == 2)
					FAIL("a page table made before any page allocation, or a "
					     "third one");
				pt_at[(*nr_pt)++] = n - 1;
			}
			prev = made;
		}
		if (ok)
			return n - 1;
	}
	FAIL("still failing at N=%u", MAX_N);
	return 0;
}

static void test_failnth(void **state)
{
	struct kvm_sregs sregs;
	struct walk_result res;
	struct state s0, s1;
	uint64_t pfns[4 * MAX_N];
	uint32_t zones[4 * MAX_N], pt_at[2];
	unsigned int i, j, nt, nr_pt;

	vf = *state;
	memset(&fx, 0, sizeof(fx));
	memset(&at, 0, sizeof(at));
	at.path = "setup";
	at.kind = "nothing";
	assert_int_equal(vcpu_get_sregs(&vf->t.vm->vcpus[0], &sregs), 0);
	fx.pte_kernel = __PAGE_KERNEL | ((sregs.cr4 & X86_CR4_PGE) ? _PAGE_GLOBAL : 0);
	fx.span = vf->wc.mode == WALK_PAE ? PMD_SIZE_PAE : PGDIR_SIZE_2L;
	if (vf->wc.mode == WALK_PAE) {
		walk_ctx();
		walk(&vf->wc, vf->vmalloc_start, &res);
		if (!res.nr_entries || !(res.entries[0].value & _PAGE_PRESENT))
			fail_msg("%s: no kernel PMD page at boot", vf->c->name);
		fx.pdpte = res.entries[0].value;
	}
	/* The kmalloc class of a vm_struct holds a free object from here on. */
	call_ok(CMD_VFREE, call_ok(CMD_GET_VM_AREA, PAGE_SIZE, VM_IOREMAP, ST_OK), 0, ST_OK);

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		const struct path *p = &paths[i];
		uint32_t kmallocs, pages;

		at.path = p->name;
		nt = 0;
		nr_pt = 0;
		read_state(&s0);
		kmallocs = sweep(p, FI_KMALLOC, pt_at, &nr_pt, &nt, pfns, zones);
		pages = sweep(p, FI_ALLOC_PAGE, pt_at, &nr_pt, &nt, pfns, zones);
		if (p->maps && nr_pt != 2)
			FAIL("the page-allocation sweep failed %u page-table allocation(s), "
			     "expected 2 (one per block)",
			     nr_pt);
		/* The whole path: as at its start, less every page table it kept. */
		at.kind = "all";
		at.n = 0;
		read_state(&s1);
		expect_state("after the path", &s0, &s1, nt, zones);
		for (j = 0; j < nt; j++) {
			struct guest_page pg;

			if (inspect_read_page(&vf->gk, pfns[j], &pg, NULL, 0) || pg.count < 1)
				FAIL("kept page table pfn 0x%" PRIx64 " no longer in use", pfns[j]);
		}
		printf("failnth: %s: %-15s %u kmalloc(s), %u page allocation(s)", vf->c->name,
		       p->name, kmallocs, pages);
		for (j = 0; j < nr_pt; j++)
			printf("%s%u", j ? ", " : "; pte_alloc at N=", pt_at[j]);
		printf("; %u page table(s) kept\n", nt);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		VM_TEST(test_failnth, 2level_64M),
		VM_TEST(test_failnth, pae_64M),
	};

	testvm_start("failnth");
	return cmocka_run_group_tests_name("failnth", tests, NULL, NULL);
}
