// SPDX-License-Identifier: GPL-2.0
/*
 * Self-tests of vmalloc: placement (first fit, guard page, the end of the
 * range), mappings and zones, page-table pages, vmap references, vfree's
 * refusals and every failure path, each checked in the page tables and
 * in mem_map, not only by return values.
 *
 * A test may not assume vmlist is empty (the host may hold areas while it
 * runs a self-test), and must leave it as it found it.  Page-table pages
 * made by vmalloc stay for good, so tests that count free pages first
 * "warm" the page tables they will use.
 */
#include <bootmem.h>
#include <errno.h>
#include <extable.h>
#include <kernel.h>
#include <mailbox.h>
#include <mm.h>
#include <pgtable.h>
#include <sched.h>
#include <slab.h>
#include <string.h>
#include <tlbflush.h>
#include <vmalloc.h>
#include <vmap_area.h>
#include <selftest.h>

/* Free pages and kmalloc objects: what a test must give back. */
struct vm_snapshot {
	unsigned long free_pages, kmalloc_in_use, fail_page_alloc_nth, failslab_nth;
	struct vm_struct *first;
};

static void snap(struct vm_snapshot *s)
{
	/* vmalloc=modern: areas vfree left pending hold their object until a purge. */
	purge_vmap_area_lazy();
	s->free_pages = nr_free_pages();
	s->kmalloc_in_use = kmalloc_objects_in_use();
	s->first = vmlist;
}

static void test_begin(struct vm_snapshot *s)
{
	s->fail_page_alloc_nth = fail_page_alloc_nth;
	s->failslab_nth = failslab_nth;
	fail_page_alloc_nth = failslab_nth = 0;
	snap(s);
}

/* @pt_pages: page-table pages the test was expected to add for good. */
static int test_end(const struct vm_snapshot *before, unsigned long pt_pages)
{
	struct vm_snapshot now;

	fail_page_alloc_nth = before->fail_page_alloc_nth;
	failslab_nth = before->failslab_nth;
	snap(&now);
	CHECK(now.free_pages + pt_pages == before->free_pages,
	      "free pages: %lu before, %lu after, expected %lu page-table pages kept",
	      before->free_pages, now.free_pages, pt_pages);
	CHECK(now.kmalloc_in_use == before->kmalloc_in_use,
	      "kmalloc objects: %lu before, %lu after", before->kmalloc_in_use, now.kmalloc_in_use);
	CHECK(now.first == before->first, "vmlist starts at %p, was %p", (void *)now.first,
	      (void *)before->first);
	return 0;
}

/* vmalloc=modern: make the ranges vfree left pending reusable now (2.4: nothing is pending). */
static void settle(void)
{
	purge_vmap_area_lazy();
}

static void expect_errors(const char *what)
{
	printk(KERN_INFO "vmalloc selftest: the next error report (%s) is expected\n", what);
}

/* The kernel PMD entry for @addr. */
static pmd_t *kpmd(unsigned long addr)
{
	return pmd_offset(pgd_offset_k(addr), addr);
}

/* The kernel PTE value for @addr; 0 (none) where there is no page table. */
static pte_t kpte(unsigned long addr)
{
	pmd_t *pmd = kpmd(addr);

	if (!pmd_present(pmdp_get(pmd)) || pmd_large(pmdp_get(pmd)))
		return __pte(0);
	return ptep_get(pte_offset(pmd, addr));
}

/* Make the page tables for the first area a test will get (vmalloc/vfree of @pages). */
static void warm(unsigned long pages)
{
	vfree(vmalloc(pages << PAGE_SHIFT));
}

/* A read of @addr takes a not-present #PF with CR2 == addr. */
static int read_faults(unsigned long addr)
{
	uint32_t val;

	return probe_read_u32(addr, &val) && last_fault.vector == X86_TRAP_PF &&
	       !(last_fault.error_code & PF_PROT) && last_fault.cr2 == addr;
}

/* Every page of [addr, addr + pages) mapped per M1 with distinct frames; the guard per M2. */
static int check_mapped(unsigned long addr, unsigned long pages, pgprot_t prot)
{
	unsigned long i, j;

	for (i = 0; i < pages; i++) {
		unsigned long a = addr + (i << PAGE_SHIFT);
		pte_t pte = kpte(a);
		struct page *page;

		CHECK(pmd_val(pmdp_get(kpmd(a))) & _PAGE_PRESENT && !pmd_bad(pmdp_get(kpmd(a))),
		      "%#lx: pmd %#llx", a, (unsigned long long)pmd_val(pmdp_get(kpmd(a))));
		CHECK((pte_val(pte) & ~PT_FRAME_MASK) == pgprot_val(prot),
		      "%#lx: pte %#llx, expected flags %#llx", a, (unsigned long long)pte_val(pte),
		      (unsigned long long)pgprot_val(prot));
		CHECK(pte_pfn(pte) < max_mapnr, "%#lx: pfn %#lx past mem_map", a, pte_pfn(pte));
		page = pte_page(pte);
		CHECK(page_count(page) >= 1 && !PageBuddy(page) && !PageReserved(page),
		      "%#lx: pfn %#lx count %d flags %#x", a, pte_pfn(pte), (int)page_count(page),
		      (unsigned int)page->flags);
		for (j = 0; j < i; j++)
			CHECK(pte_pfn(kpte(addr + (j << PAGE_SHIFT))) != pte_pfn(pte),
			      "pages %lu and %lu share pfn %#lx", j, i, pte_pfn(pte));
	}
	CHECK(pte_none(kpte(addr + (pages << PAGE_SHIFT))), "guard page %#lx: pte %#llx",
	      addr + (pages << PAGE_SHIFT),
	      (unsigned long long)pte_val(kpte(addr + (pages << PAGE_SHIFT))));
	return 0;
}

/* vmalloc maps every page with PAGE_KERNEL and no flush; vfree unmaps them all with one. */
static int selftest_vmalloc_map_unmap(void)
{
	const unsigned long pages = 5;
	struct tlb_counters t0;
	struct vm_snapshot s;
	unsigned long addr, i;
	uint32_t val;

	warm(pages);
	test_begin(&s);
	t0 = tlb_counters;
	addr = (unsigned long)vmalloc(pages * PAGE_SIZE - 100); /* rounded up to 5 pages */
	CHECK(addr, "vmalloc returned NULL");
	CHECK(addr >= VMALLOC_START && addr < VMALLOC_END && !(addr & ~PAGE_MASK), "address %#lx",
	      addr);
	CHECK(tlb_counters.flush_all == t0.flush_all && tlb_counters.flush_tlb == t0.flush_tlb &&
		      tlb_counters.flush_one == t0.flush_one,
	      "vmalloc flushed the TLB");
	if (check_mapped(addr, pages, PAGE_KERNEL))
		return -1;
	CHECK(s.free_pages - nr_free_pages() >= pages, "only %lu pages taken",
	      s.free_pages - nr_free_pages());
	for (i = 0; i < pages; i++) {
		unsigned long a = addr + i * PAGE_SIZE;

		CHECK(!probe_write_u32(a + 8, a) && !probe_read_u32(a + 8, &val) && val == a,
		      "%#lx does not read back", a);
	}
	CHECK(read_faults(addr + pages * PAGE_SIZE), "guard page %#lx readable",
	      addr + pages * PAGE_SIZE);

	t0 = tlb_counters;
	vfree((void *)addr);
	if (vmalloc_mode == VMALLOC_MODE_MODERN) {
		/* Lazy: unmapped at once, flushed by the purge, which is the only flush. */
		CHECK(tlb_counters.flush_all == t0.flush_all,
		      "lazy vfree made %u full flushes, expected 0",
		      tlb_counters.flush_all - t0.flush_all);
		CHECK(vmap_purge_list && vmap_purge_list->va_start == addr,
		      "%#lx is not pending purge", addr);
		CHECK(purge_vmap_area_lazy() == 1, "the purge did not take the one pending area");
	}
	CHECK(tlb_counters.flush_all == t0.flush_all + 1, "vfree made %u full flushes, expected 1",
	      tlb_counters.flush_all - t0.flush_all);
	for (i = 0; i <= pages; i++) {
		CHECK(pte_none(kpte(addr + i * PAGE_SIZE)), "pte %#llx left at %#lx",
		      (unsigned long long)pte_val(kpte(addr + i * PAGE_SIZE)),
		      addr + i * PAGE_SIZE);
		CHECK(read_faults(addr + i * PAGE_SIZE), "%#lx readable after vfree",
		      addr + i * PAGE_SIZE);
	}
	return test_end(&s, 0);
}
DEFINE_SELFTEST(vmalloc_map_unmap, selftest_vmalloc_map_unmap);

static int selftest_vmalloc_bad_sizes(void)
{
	struct vm_snapshot s;

	test_begin(&s);
	CHECK(!vmalloc(0), "vmalloc(0) is not NULL");
	CHECK(!vmalloc((num_physpages + 1) << PAGE_SHIFT), "more than RAM is not NULL");
	CHECK(!vmalloc(0xfffff001ul), "a size that rounds to 0 is not NULL");
	CHECK(!vmap(NULL, 0, VM_MAP, PAGE_KERNEL), "vmap of 0 pages is not NULL");
	CHECK(!get_vm_area(~0ul - 100, VM_IOREMAP), "get_vm_area wrapping with its guard");
	return test_end(&s, 0);
}
DEFINE_SELFTEST(vmalloc_bad_sizes, selftest_vmalloc_bad_sizes);

/* A freed hole is found again by the first request that fits in it. */
static int selftest_vmalloc_first_fit(void)
{
	unsigned long a, b, c, d, e;
	struct vm_snapshot s;

	warm(8);
	test_begin(&s);
	a = (unsigned long)vmalloc(2 * PAGE_SIZE);
	b = (unsigned long)vmalloc(PAGE_SIZE);
	c = (unsigned long)vmalloc(PAGE_SIZE);
	CHECK(a && b && c, "vmalloc failed: %#lx %#lx %#lx", a, b, c);
	vfree((void *)b);
	settle();
	/* b's hole is 2 pages (1 + guard): 2 pages + guard do not fit, 1 page does. */
	e = (unsigned long)vmalloc(2 * PAGE_SIZE);
	d = (unsigned long)vmalloc(PAGE_SIZE);
	CHECK(d == b, "the hole at %#lx was not reused: got %#lx", b, d);
	CHECK(e && e != b, "2 pages went to %#lx, into a 2-page hole", e);
	vfree((void *)a);
	vfree((void *)c);
	vfree((void *)d);
	vfree((void *)e);
	return test_end(&s, 0);
}
DEFINE_SELFTEST(vmalloc_first_fit, selftest_vmalloc_first_fit);

/*
 * An area across a PMD boundary (the PGD boundary in 2-level mode) whose
 * page table does not exist yet: vmalloc makes it, vfree keeps it, empty.
 */
static int selftest_vmalloc_new_page_table(void)
{
	unsigned long x, bound, v, padsize;
	struct vm_struct *probe, *pad;
	struct vm_snapshot s;
	struct page *ptpage;
	pmd_t pmd;

	warm(1);
	test_begin(&s);
	probe = get_vm_area(PAGE_SIZE, VM_IOREMAP); /* where the next free space starts */
	CHECK(probe, "get_vm_area failed");
	x = (unsigned long)probe->addr;
	vfree(probe->addr);
	settle();
	for (bound = ALIGN(x + 2 * PAGE_SIZE, PMD_SIZE); bound && bound < VMALLOC_END - PMD_SIZE;
	     bound += PMD_SIZE)
		if (pmd_none(pmdp_get(kpmd(bound))))
			break;
	CHECK(bound && bound < VMALLOC_END - PMD_SIZE, "no PMD entry left empty above %#lx", x);
	/* Fill [x, bound - 1 page) so that 2 pages land on bound - 1 page. */
	padsize = bound - x - 2 * PAGE_SIZE;
	pad = padsize ? get_vm_area(padsize, VM_IOREMAP) : NULL;
	CHECK(!padsize || (pad && (unsigned long)pad->addr == x),
	      "padding [%#lx, %#lx) went to %p: another area is in the way", x, bound - PAGE_SIZE,
	      pad ? pad->addr : NULL);
	v = (unsigned long)vmalloc(2 * PAGE_SIZE);
	CHECK(v == bound - PAGE_SIZE, "2 pages at %#lx, expected %#lx", v, bound - PAGE_SIZE);
	pmd = pmdp_get(kpmd(bound));
	CHECK(pmd_present(pmd) && !pmd_bad(pmd), "pmd for %#lx: %#llx", bound,
	      (unsigned long long)pmd_val(pmd));
	ptpage = pfn_to_page((unsigned long)((pmd_val(pmd) & PT_FRAME_MASK) >> PAGE_SHIFT));
	CHECK(page_to_pfn(ptpage) < max_low_pfn && page_count(ptpage) >= 1 && !PageBuddy(ptpage),
	      "page table at %#llx is not a lowmem page in use", (unsigned long long)pmd_val(pmd));
	if (check_mapped(v, 2, PAGE_KERNEL))
		return -1;
	vfree((void *)v);
	if (pad)
		vfree(pad->addr);
	CHECK(pmd_val(pmdp_get(kpmd(bound))) == pmd_val(pmd), "pmd for %#lx changed to %#llx",
	      bound, (unsigned long long)pmd_val(pmdp_get(kpmd(bound))));
	CHECK(pte_none(kpte(bound - PAGE_SIZE)) && pte_none(kpte(bound)) &&
		      pte_none(kpte(bound + PAGE_SIZE)),
	      "ptes left around %#lx", bound);
	return test_end(&s, 1);
}
DEFINE_SELFTEST(vmalloc_new_page_table, selftest_vmalloc_new_page_table);

/*
 * The FIX in get_vm_area: into an empty list, 2.4 places any request at
 * VMALLOC_START without looking at VMALLOC_END.  The range size itself
 * (plus the guard) ends one page past VMALLOC_END: refused.  The list is
 * emptied for the test by hand (one CPU, nothing else runs); the request
 * that fits exactly is tried only when it really was empty, since its
 * vfree clears every PTE of the range.
 */
static int selftest_vmalloc_end_of_range(void)
{
	const unsigned long range = VMALLOC_END - VMALLOC_START;
	struct vm_struct *saved = vmlist, *area;
	struct vm_snapshot s;

	test_begin(&s);
	vmlist = NULL;
	area = get_vm_area(range, VM_IOREMAP);
	vmlist = saved;
	if (area) {
		printk(KERN_ERR "get_vm_area(%#lx) into an empty list gave [%p, %#lx): past "
				"VMALLOC_END %#x\n",
		       range, area->addr, (unsigned long)area->addr + area->size, VMALLOC_END);
		kfree(area);
		return -1;
	}
	if (!saved && !vmap_area_root.node) {
		area = get_vm_area(range - PAGE_SIZE, VM_IOREMAP);
		CHECK(area && (unsigned long)area->addr == VMALLOC_START &&
			      (unsigned long)area->addr + area->size == VMALLOC_END,
		      "the whole range did not fit exactly: %p", area ? area->addr : NULL);
		CHECK(!get_vm_area(PAGE_SIZE, VM_IOREMAP), "a page found room in a full range");
		vfree(area->addr);
	}
	return test_end(&s, 0);
}
DEFINE_SELFTEST(vmalloc_end_of_range, selftest_vmalloc_end_of_range);

/* vmalloc_dma frames below 16 MiB, vmalloc_32 frames in lowmem. */
static int selftest_vmalloc_zones(void)
{
	const unsigned long pages = 8;
	unsigned long d, l, i;
	struct vm_snapshot s;

	warm(2 * pages + 1);
	test_begin(&s);
	d = (unsigned long)vmalloc_dma(pages * PAGE_SIZE);
	l = (unsigned long)vmalloc_32(pages * PAGE_SIZE);
	CHECK(d && l, "vmalloc_dma %#lx, vmalloc_32 %#lx", d, l);
	for (i = 0; i < pages; i++) {
		unsigned long pd = pte_pfn(kpte(d + i * PAGE_SIZE)),
			      pl = pte_pfn(kpte(l + i * PAGE_SIZE));

		CHECK(pd && pd < (ZONE_DMA_LIMIT >> PAGE_SHIFT), "vmalloc_dma page %lu: pfn %#lx",
		      i, pd);
		CHECK(pl && pl < max_low_pfn && !PageHighMem(pfn_to_page(pl)),
		      "vmalloc_32 page %lu: pfn %#lx", i, pl);
	}
	vfree((void *)d);
	vfree((void *)l);
	return test_end(&s, 0);
}
DEFINE_SELFTEST(vmalloc_zones, selftest_vmalloc_zones);

/* vmap takes one reference per mapping, vfree drops only that one; aliases allowed. */
static int selftest_vmap_refcount(void)
{
	struct page *pages[4];
	struct vm_snapshot s;
	unsigned long v;
	uint32_t val;
	int i;

	warm(5);
	test_begin(&s);
	for (i = 0; i < 3; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		CHECK(pages[i], "alloc_page failed");
	}
	pages[3] = pages[0]; /* the same page twice */
	v = (unsigned long)vmap(pages, 4, VM_MAP, PAGE_KERNEL);
	CHECK(v, "vmap failed");
	CHECK(page_count(pages[0]) == 3 && page_count(pages[1]) == 2 && page_count(pages[2]) == 2,
	      "counts %d %d %d, expected 3 2 2", (int)page_count(pages[0]),
	      (int)page_count(pages[1]), (int)page_count(pages[2]));
	CHECK(!probe_write_u32(v + 3 * PAGE_SIZE, 0x12345678) && !probe_read_u32(v, &val) &&
		      val == 0x12345678 && *(uint32_t *)page_address(pages[0]) == 0x12345678,
	      "the alias does not show the write");
	CHECK(pte_none(kpte(v + 4 * PAGE_SIZE)), "guard page mapped");
	vfree((void *)v);
	for (i = 0; i < 3; i++)
		CHECK(page_count(pages[i]) == 1 && !PageBuddy(pages[i]),
		      "page %d after vfree: count %d, %s", i, (int)page_count(pages[i]),
		      PageBuddy(pages[i]) ? "free" : "in use");
	for (i = 0; i < 3; i++)
		__free_page(pages[i]);
	return test_end(&s, 0);
}
DEFINE_SELFTEST(vmap_refcount, selftest_vmap_refcount);

static int selftest_vfree_bad(void)
{
	struct vm_snapshot s;
	uint32_t freed;
	void *p;

	warm(1);
	test_begin(&s);
	freed = vmalloc_counters.areas_freed;
	vfree(NULL);
	p = vmalloc(PAGE_SIZE);
	CHECK(p, "vmalloc failed");
	expect_errors("bad address");
	vfree((char *)p + 4);
	expect_errors("nonexistent vm area");
	vfree((char *)p + PAGE_SIZE);
	CHECK(vmalloc_counters.areas_freed == freed, "an area was freed");
	CHECK(!pte_none(kpte((unsigned long)p)), "the area lost its page");
	vfree(p);
	expect_errors("nonexistent vm area: freed twice");
	vfree(p);
	CHECK(vmalloc_counters.areas_freed == freed + 1, "%u areas freed, expected 1",
	      vmalloc_counters.areas_freed - freed);
	return test_end(&s, 0);
}
DEFINE_SELFTEST(vfree_bad, selftest_vfree_bad);

/* Every way __vmalloc, get_vm_area and vmap can fail gives everything back. */
static int selftest_vmalloc_failures(void)
{
	uint32_t failed, injected;
	struct page *pages[3];
	struct vm_snapshot s;
	unsigned int n;
	void *p;

	warm(8);
	test_begin(&s);
	expect_errors("injected allocation failures");
	/* The Nth page of an 8-page area fails, for each N: the pages before go back. */
	for (n = 1; n <= 8; n++) {
		injected = fail_page_alloc_injected;
		fail_page_alloc_nth = n;
		p = vmalloc(8 * PAGE_SIZE);
		fail_page_alloc_nth = 0;
		CHECK(!p && fail_page_alloc_injected == injected + 1,
		      "allocation %u of 8 failed, vmalloc returned %p", n, p);
		settle();
		CHECK(nr_free_pages() == s.free_pages, "failing page %u: %lu pages lost", n,
		      s.free_pages - nr_free_pages());
		CHECK(kmalloc_objects_in_use() == s.kmalloc_in_use,
		      "failing page %u: vm_struct kept", n);
	}
	failed = vmalloc_counters.get_vm_area_failed;
	failslab_nth = 1;
	p = vmalloc(PAGE_SIZE);
	failslab_nth = 0;
	CHECK(!p && vmalloc_counters.get_vm_area_failed == failed + 1,
	      "kmalloc failed, vmalloc returned %p", p);

	pages[0] = alloc_page(GFP_KERNEL);
	pages[1] = alloc_page(GFP_KERNEL);
	pages[2] = NULL; /* mapping stops here: -ENOMEM */
	CHECK(pages[0] && pages[1], "alloc_page failed");
	CHECK(!vmap(pages, 3, VM_MAP, PAGE_KERNEL), "vmap of a NULL page succeeded");
	CHECK(page_count(pages[0]) == 1 && page_count(pages[1]) == 1,
	      "counts %d %d after failed vmap", (int)page_count(pages[0]),
	      (int)page_count(pages[1]));
	__free_page(pages[0]);
	__free_page(pages[1]);
	return test_end(&s, 0);
}
DEFINE_SELFTEST(vmalloc_failures, selftest_vmalloc_failures);

/* vmlist stays sorted, inside the range, with a guard between areas (host rules A1, A2). */
static int selftest_vmlist_sorted(void)
{
	void *p[6];
	struct vm_struct *tmp;
	struct vm_snapshot s;
	int i;

	warm(4);
	test_begin(&s);
	for (i = 0; i < 6; i++)
		p[i] = vmalloc((i % 3 + 1) * PAGE_SIZE);
	vfree(p[1]);
	vfree(p[4]);
	p[1] = vmalloc(PAGE_SIZE);
	p[4] = vmalloc(3 * PAGE_SIZE);
	read_lock(&vmlist_lock);
	for (tmp = vmlist; tmp; tmp = tmp->next) {
		unsigned long a = (unsigned long)tmp->addr;

		if (a < VMALLOC_START || a + tmp->size > VMALLOC_END ||
		    (a | tmp->size) & ~PAGE_MASK || tmp->size < 2 * PAGE_SIZE ||
		    (tmp->next && a + tmp->size > (unsigned long)tmp->next->addr)) {
			read_unlock(&vmlist_lock);
			CHECK(0, "area [%#lx, %#lx) out of order or range", a, a + tmp->size);
		}
	}
	read_unlock(&vmlist_lock);
	if (vmalloc_mode == VMALLOC_MODE_MODERN) {
		int bad;

		write_lock(&vmlist_lock);
		bad = vmap_area_check();
		write_unlock(&vmlist_lock);
		CHECK(!bad, "the vmap_area trees are wrong");
	}
	for (i = 0; i < 6; i++) {
		CHECK(p[i], "vmalloc %d failed", i);
		vfree(p[i]);
	}
	settle();
	/* p[4] may have needed a new page table past the warmed ones. */
	return test_end(&s, s.free_pages - nr_free_pages());
}
DEFINE_SELFTEST(vmlist_sorted, selftest_vmlist_sorted);
