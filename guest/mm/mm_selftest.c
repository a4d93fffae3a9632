// SPDX-License-Identifier: GPL-2.0
/*
 * Self-tests of the page allocator and kmalloc.  The host looks at and
 * steers them with commands/pages.c.
 *
 * Every test starts with fault injection off and ends by checking that
 * every zone is consistent (free + used == total) and that it gave back
 * every page and object it took.  Tests of the error paths say so before
 * they provoke a KERN_ERR report.
 */
#include <bootmem.h>
#include <kernel.h>
#include <mailbox.h>
#include <mm.h>
#include <slab.h>
#include <string.h>
#include <selftest.h>

#include "shared/abi.h"

/* What a test must leave as it found it. */
struct mm_snapshot {
	unsigned long fail_page_alloc_nth, failslab_nth;
	uint32_t free_pages[MAX_NR_ZONES];
	uint32_t nr_free[MAX_NR_ZONES][MAX_ORDER];
	unsigned long kmalloc_in_use;
};

static void snapshot(struct mm_snapshot *s)
{
	int z;
	unsigned int k;

	for (z = 0; z < MAX_NR_ZONES; z++) {
		s->free_pages[z] = zone_table[z].free_pages;
		for (k = 0; k < MAX_ORDER; k++)
			s->nr_free[z][k] = zone_table[z].free_area[k].nr_free;
	}
	s->kmalloc_in_use = kmalloc_objects_in_use();
}

static void test_begin(struct mm_snapshot *s)
{
	s->fail_page_alloc_nth = fail_page_alloc_nth;
	s->failslab_nth = failslab_nth;
	fail_page_alloc_nth = failslab_nth = 0;
	snapshot(s);
}

/* Returns @ret, or -1 if the zones are inconsistent or the test leaked. */
static int test_end(const struct mm_snapshot *before, int ret)
{
	struct mm_snapshot now;
	int z;

	fail_page_alloc_nth = before->fail_page_alloc_nth;
	failslab_nth = before->failslab_nth;
	for (z = 0; z < MAX_NR_ZONES; z++)
		if (check_zone(&zone_table[z]))
			ret = -1;
	if (ret)
		return ret;
	snapshot(&now);
	for (z = 0; z < MAX_NR_ZONES; z++)
		CHECK(now.free_pages[z] == before->free_pages[z],
		      "zone %s: %u free pages before, %u after", zone_table[z].name,
		      (unsigned int)before->free_pages[z], (unsigned int)now.free_pages[z]);
	CHECK(now.kmalloc_in_use == before->kmalloc_in_use,
	      "kmalloc objects in use: %lu before, %lu after", before->kmalloc_in_use,
	      now.kmalloc_in_use);
	return 0;
}

/*
 * Reads freed memory on purpose: exempt from the host build's
 * AddressSanitizer, which marks free pages unreadable.  Byte by byte
 * through a volatile pointer, so that no memcmp call is made of it.
 */
static __attribute__((no_sanitize_address)) int filled_with(const void *p, unsigned char c,
							    size_t len)
{
	const volatile unsigned char *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != c)
			return 0;
	return 1;
}

static void expect_errors(const char *what)
{
	printk(KERN_INFO "mm selftest: the next error report (%s) is expected\n", what);
}

/* Allocate an order-@order block and check the split, free it and check the merge. */
static int split_merge(unsigned int order)
{
	struct mm_snapshot before, after;
	struct page *page;
	zone_t *zone;
	unsigned int k, from;
	unsigned long pfn;
	int z;

	snapshot(&before);
	page = alloc_pages(GFP_KERNEL, order);
	if (!page)
		return 0; /* no block that large in this machine: nothing to check */
	snapshot(&after);
	zone = page_zone(page);
	z = (int)page->zone;
	pfn = page_to_pfn(page);
	CHECK(page_count(page) == 1, "count %d", (int)page_count(page));
	CHECK(!PageBuddy(page) && !PageReserved(page), "flags %#x", (unsigned int)page->flags);
	CHECK((pfn & ((1ul << order) - 1)) == 0, "order-%u block at pfn %#lx", order, pfn);
	CHECK(after.free_pages[z] == before.free_pages[z] - (1u << order),
	      "%u free before, %u after", (unsigned int)before.free_pages[z],
	      (unsigned int)after.free_pages[z]);
	for (from = order; from < MAX_ORDER && before.nr_free[z][from] == 0; from++)
		;
	CHECK(from < MAX_ORDER, "zone %s had no block of order >= %u", zone->name, order);
	for (k = 0; k < MAX_ORDER; k++) {
		uint32_t want = before.nr_free[z][k];

		if (k == from)
			want--;
		else if (k >= order && k < from)
			want++;
		CHECK(after.nr_free[z][k] == want,
		      "split order-%u block for order %u: order %u has %u blocks, want %u", from,
		      order, k, (unsigned int)after.nr_free[z][k], (unsigned int)want);
	}

	__free_pages(page, order);
	snapshot(&after);
	for (k = 0; k < MAX_ORDER; k++)
		CHECK(after.nr_free[z][k] == before.nr_free[z][k],
		      "order %u: %u blocks before, %u after the merge", k,
		      (unsigned int)before.nr_free[z][k], (unsigned int)after.nr_free[z][k]);
	if (!PageHighMem(page))
		CHECK(filled_with(page_address(page), PAGE_POISON, PAGE_SIZE << order),
		      "freed order-%u block at pfn %#lx is not poisoned", order, pfn);
	return 0;
}

static int selftest_buddy_split_merge(void)
{
	struct mm_snapshot s;
	unsigned int order;
	int ret = 0;

	test_begin(&s);
	for (order = 0; order < MAX_ORDER && !ret; order++)
		ret = split_merge(order);
	return test_end(&s, ret);
}
DEFINE_SELFTEST(buddy_split_merge, selftest_buddy_split_merge);

/* Take every free block of @zone; the blocks are chained through page->next. */
static struct page *drain_zone(zone_t *zone)
{
	struct page *list = NULL, *page;
	unsigned int k;

	for (k = MAX_ORDER; k-- > 0;)
		while ((page = rmqueue(zone, k))) {
			page->next = list;
			list = page;
		}
	return list;
}

static void undrain(struct page *list)
{
	while (list) {
		struct page *page = list;

		list = page->next;
		page->next = NULL;
		__free_pages(page, page->order);
	}
}

/* Which zone serves @gfp now, or -1 for none.  Frees what it allocated. */
static int zone_of(unsigned int gfp)
{
	struct page *page = alloc_page(gfp);
	int z;

	if (!page)
		return -1;
	z = (int)page->zone;
	__free_page(page);
	return z;
}

/* The first zone of @list (ending in -1) with a free page, or -1. */
static int first_with_free(const int *list)
{
	for (; *list >= 0; list++)
		if (zone_table[*list].free_pages)
			return *list;
	return -1;
}

static int check_fallback(const char *when)
{
	static const int highmem_order[] = { ZONE_HIGHMEM, ZONE_NORMAL, ZONE_DMA, -1 };
	static const int normal_order[] = { ZONE_NORMAL, ZONE_DMA, -1 };
	static const int dma_order[] = { ZONE_DMA, -1 };
	int want, got;

	want = first_with_free(highmem_order);
	got = zone_of(GFP_HIGHUSER);
	CHECK(got == want, "%s: GFP_HIGHUSER served from zone %d, want %d", when, got, want);
	want = first_with_free(normal_order);
	got = zone_of(GFP_KERNEL);
	CHECK(got == want, "%s: GFP_KERNEL served from zone %d, want %d", when, got, want);
	want = first_with_free(dma_order);
	got = zone_of(GFP_KERNEL | GFP_DMA);
	CHECK(got == want, "%s: GFP_DMA served from zone %d, want %d", when, got, want);
	return 0;
}

static int selftest_zone_fallback(void)
{
	struct page *drained[MAX_NR_ZONES] = { NULL, NULL, NULL };
	static const int drain_order[] = { ZONE_HIGHMEM, ZONE_NORMAL, ZONE_DMA };
	struct mm_snapshot s;
	unsigned long addr;
	struct page *page;
	int i, ret = 0;

	test_begin(&s);
	page = alloc_page(GFP_KERNEL | GFP_DMA);
	CHECK(page && page_to_pfn(page) < (ZONE_DMA_LIMIT >> PAGE_SHIFT),
	      "GFP_DMA page at pfn %#lx", page ? page_to_pfn(page) : 0);
	__free_page(page);
	page = alloc_page(GFP_KERNEL);
	CHECK(page && !PageHighMem(page) && page_to_pfn(page) < max_low_pfn, "GFP_KERNEL page");
	__free_page(page);
	addr = __get_free_page(GFP_HIGHUSER);
	CHECK(addr && virt_addr_valid((void *)addr), "__get_free_page(GFP_HIGHUSER) = %#lx", addr);
	free_page(addr);

	/* Empty the zones one by one, from the top, checking where each request goes. */
	ret = check_fallback("all zones");
	for (i = 0; i < MAX_NR_ZONES && !ret; i++) {
		drained[i] = drain_zone(&zone_table[drain_order[i]]);
		if (drain_order[i] == ZONE_DMA)
			expect_errors("allocation failures with every zone empty");
		ret = check_fallback(zone_table[drain_order[i]].name);
	}
	for (i = 0; i < MAX_NR_ZONES; i++)
		undrain(drained[i]);
	return test_end(&s, ret);
}
DEFINE_SELFTEST(zone_fallback, selftest_zone_fallback);

static int selftest_page_refcount(void)
{
	struct mm_snapshot s;
	struct page *page, *reserved = pfn_to_page(0);
	zone_t *zone;
	uint32_t free;

	test_begin(&s);
	page = alloc_page(GFP_KERNEL);
	CHECK(page, "alloc_page(GFP_KERNEL) failed");
	zone = page_zone(page);
	free = zone->free_pages;
	CHECK(page_count(page) == 1, "new page has count %d", (int)page_count(page));
	get_page(page);
	CHECK(page_count(page) == 2, "count %d after get_page", (int)page_count(page));
	put_page(page);
	CHECK(page_count(page) == 1 && zone->free_pages == free,
	      "count %d, free %u after one put_page", (int)page_count(page),
	      (unsigned int)zone->free_pages);
	put_page(page);
	CHECK(page_count(page) == 0 && zone->free_pages == free + 1,
	      "count %d, free %u after the last put_page", (int)page_count(page),
	      (unsigned int)zone->free_pages);

	CHECK(PageReserved(reserved) && page_count(reserved) == 1, "pfn 0: flags %#x count %d",
	      (unsigned int)reserved->flags, (int)page_count(reserved));
	get_page(reserved);
	put_page(reserved);
	CHECK(page_count(reserved) == 1 && PageReserved(reserved), "pfn 0 count %d after get/put",
	      (int)page_count(reserved));
	return test_end(&s, 0);
}
DEFINE_SELFTEST(page_refcount, selftest_page_refcount);

static int selftest_page_bad_free(void)
{
	struct mm_snapshot s;
	struct page *page;
	unsigned long errors = page_alloc_errors, addr;

	test_begin(&s);
	page = alloc_pages(GFP_KERNEL, 1);
	CHECK(page, "alloc_pages(GFP_KERNEL, 1) failed");
	addr = (unsigned long)page_address(page);

	expect_errors("order-1 block freed as order 0");
	__free_pages(page, 0);
	CHECK(page_alloc_errors == errors + 1 && page_count(page) == 1, "errors %lu, count %d",
	      page_alloc_errors - errors, (int)page_count(page));
	expect_errors("second page of a block freed");
	__free_page(page + 1);
	CHECK(page_alloc_errors == errors + 2, "errors %lu", page_alloc_errors - errors);
	expect_errors("misaligned address");
	free_pages(addr + 8, 1);
	CHECK(page_alloc_errors == errors + 3, "errors %lu", page_alloc_errors - errors);
	free_pages(addr, 1);

	expect_errors("double free");
	free_pages(addr, 1);
	CHECK(page_alloc_errors == errors + 4, "errors %lu", page_alloc_errors - errors);
	expect_errors("reserved page");
	__free_page(pfn_to_page(0));
	CHECK(page_alloc_errors == errors + 5 && PageReserved(pfn_to_page(0)), "errors %lu",
	      page_alloc_errors - errors);
	expect_errors("dropping a reserved page's last reference");
	put_page(pfn_to_page(0));
	CHECK(page_alloc_errors == errors + 6 && page_count(pfn_to_page(0)) == 1, "errors %lu",
	      page_alloc_errors - errors);
	expect_errors("address below the direct map");
	free_page(0x1000ul);
	CHECK(page_alloc_errors == errors + 7, "errors %lu", page_alloc_errors - errors);
	expect_errors("pointer that is no entry of mem_map");
	__free_page((struct page *)((char *)mem_map + 1));
	CHECK(page_alloc_errors == errors + 8, "errors %lu", page_alloc_errors - errors);
	expect_errors("NULL page");
	__free_page(NULL);
	CHECK(page_alloc_errors == errors + 9, "errors %lu", page_alloc_errors - errors);
	return test_end(&s, 0);
}
DEFINE_SELFTEST(page_bad_free, selftest_page_bad_free);

static int selftest_fault_injection(void)
{
	struct mm_snapshot s;
	unsigned long injected = fail_page_alloc_injected, slab_injected = failslab_injected;
	struct page *a, *b, *c;
	void *p, *q;

	test_begin(&s);
	fail_page_alloc_nth = 2;
	a = alloc_page(GFP_KERNEL);
	b = alloc_page(GFP_KERNEL);
	c = alloc_page(GFP_KERNEL);
	CHECK(a && !b && c, "calls 1..3 gave %p %p %p: want only the second NULL", (void *)a,
	      (void *)b, (void *)c);
	CHECK(fail_page_alloc_nth == 0 && fail_page_alloc_injected == injected + 1,
	      "nth %lu, injected %lu", fail_page_alloc_nth, fail_page_alloc_injected - injected);
	__free_page(a);
	__free_page(c);

	failslab_nth = 1;
	p = kmalloc(100, GFP_KERNEL);
	q = kmalloc(100, GFP_KERNEL);
	CHECK(!p && q, "kmalloc calls 1, 2 gave %p %p: want the first NULL", p, q);
	CHECK(failslab_nth == 0 && failslab_injected == slab_injected + 1, "nth %lu, injected %lu",
	      failslab_nth, failslab_injected - slab_injected);
	kfree(q);
	return test_end(&s, 0);
}
DEFINE_SELFTEST(fault_injection, selftest_fault_injection);

static int selftest_kmalloc_classes(void)
{
	struct mm_snapshot s;
	unsigned int c;

	test_begin(&s);
	for (c = 0; c < KMALLOC_NR_CLASSES; c++) {
		unsigned int size = 32u << c, align = size < PAGE_SIZE ? size : PAGE_SIZE;
		struct kmalloc_class_stat st = kmalloc_stats[c];
		unsigned char *p = kmalloc(size, GFP_KERNEL),
			      *q = kmalloc(size / 2 + 1, GFP_KERNEL);

		CHECK(p && q && p != q, "kmalloc(%u) = %p, kmalloc(%u) = %p", size, (void *)p,
		      size / 2 + 1, (void *)q);
		CHECK(virt_addr_valid(p) && ((uintptr_t)p & (align - 1)) == 0, "kmalloc(%u) = %p",
		      size, (void *)p);
		CHECK(kmalloc_stats[c].size == size && kmalloc_stats[c].in_use == st.in_use + 2 &&
			      kmalloc_stats[c].allocs == st.allocs + 2,
		      "class %u: size %u in_use %u allocs %u", c,
		      (unsigned int)kmalloc_stats[c].size, (unsigned int)kmalloc_stats[c].in_use,
		      (unsigned int)kmalloc_stats[c].allocs);
		CHECK(PageSlab(virt_to_page(p)) && !PageHighMem(virt_to_page(p)),
		      "page of kmalloc(%u)", size);
		memset(p, 0x5a, size);
		memset(q, 0xa5, size / 2 + 1);
		CHECK(p[0] == 0x5a && p[size - 1] == 0x5a, "kmalloc(%u) objects overlap", size);
		kfree(p);
		kfree(q);
		CHECK(kmalloc_stats[c].in_use == st.in_use &&
			      kmalloc_stats[c].frees == st.frees + 2 &&
			      kmalloc_stats[c].pages == st.pages,
		      "class %u after kfree: in_use %u frees %u pages %u", c,
		      (unsigned int)kmalloc_stats[c].in_use, (unsigned int)kmalloc_stats[c].frees,
		      (unsigned int)kmalloc_stats[c].pages);
	}
	{
		void *p = kmalloc(0, GFP_KERNEL);

		CHECK(p && kmalloc_stats[0].in_use >= 1, "kmalloc(0) = %p", p);
		kfree(p);
	}
	CHECK(!kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL), "kmalloc(%u) did not fail",
	      KMALLOC_MAX_SIZE + 1);
	{
		void *p = kmalloc(100, GFP_KERNEL | GFP_DMA),
		     *q = kmalloc(3 * PAGE_SIZE, GFP_KERNEL | GFP_DMA);

		CHECK(p && virt_to_page(p)->zone == ZONE_DMA, "kmalloc(100, GFP_DMA) = %p", p);
		CHECK(q && virt_to_page(q)->zone == ZONE_DMA, "kmalloc(3 pages, GFP_DMA) = %p", q);
		kfree(p);
		kfree(q);
	}
	kfree(NULL);
	return test_end(&s, 0);
}
DEFINE_SELFTEST(kmalloc_classes, selftest_kmalloc_classes);

static int selftest_kmalloc_reuse(void)
{
	enum {
		N = PAGE_SIZE / 2048 + 1
	}; /* one object more than a page of 2 KiB objects holds */
	struct mm_snapshot s;
	unsigned char *a, *b, *c;
	void *objs[N];
	unsigned int i, pages = kmalloc_stats[6].pages;

	test_begin(&s);
	a = kmalloc(64, GFP_KERNEL);
	b = kmalloc(64, GFP_KERNEL);
	if (a && b && virt_to_page(a) != virt_to_page(b)) {
		/* a took the last free object of a page: start over in b's page. */
		kfree(a);
		a = b;
		b = kmalloc(64, GFP_KERNEL);
	}
	CHECK(a && b && virt_to_page(a) == virt_to_page(b), "kmalloc(64) = %p, %p", (void *)a,
	      (void *)b);
	kfree(b);
	CHECK(filled_with(b + sizeof(void *), KMALLOC_POISON, 64 - sizeof(void *)),
	      "freed object not poisoned");
	c = kmalloc(64, GFP_KERNEL);
	CHECK(c == b, "kmalloc after kfree gave %p, want %p", (void *)c, (void *)b);
	kfree(c);
	kfree(a);

	for (i = 0; i < N; i++) {
		objs[i] = kmalloc(2048, GFP_KERNEL);
		CHECK(objs[i], "kmalloc(2048) #%u failed", i);
	}
	CHECK(kmalloc_stats[6].size == 2048 && kmalloc_stats[6].pages > pages,
	      "2 KiB class holds %u pages", (unsigned int)kmalloc_stats[6].pages);
	for (i = 0; i < N; i++)
		kfree(objs[i]);
	CHECK(kmalloc_stats[6].pages == pages, "2 KiB class holds %u pages after kfree",
	      (unsigned int)kmalloc_stats[6].pages);
	return test_end(&s, 0);
}
DEFINE_SELFTEST(kmalloc_reuse, selftest_kmalloc_reuse);

static int selftest_kmalloc_bad_free(void)
{
	struct mm_snapshot s;
	unsigned long errors = kmalloc_errors, page_errors = page_alloc_errors, addr;
	char *a, *b, *big;

	test_begin(&s);
	a = kmalloc(128, GFP_KERNEL);
	b = kmalloc(128, GFP_KERNEL);
	big = kmalloc(2 * PAGE_SIZE, GFP_KERNEL);
	addr = __get_free_page(GFP_KERNEL);
	CHECK(a && b && big && addr, "allocations failed");
	kfree(b);

	expect_errors("double kfree");
	kfree(b);
	CHECK(kmalloc_errors == errors + 1, "errors %lu", kmalloc_errors - errors);
	expect_errors("pointer inside an object");
	kfree(a + 4);
	CHECK(kmalloc_errors == errors + 2, "errors %lu", kmalloc_errors - errors);
	expect_errors("page kmalloc did not hand out");
	kfree((void *)addr);
	CHECK(kmalloc_errors == errors + 3, "errors %lu", kmalloc_errors - errors);
	expect_errors("address outside the direct map");
	kfree((void *)0x1000);
	CHECK(kmalloc_errors == errors + 4, "errors %lu", kmalloc_errors - errors);
	expect_errors("second page of a large object");
	kfree(big + PAGE_SIZE);
	CHECK(kmalloc_errors == errors + 5, "errors %lu", kmalloc_errors - errors);
	expect_errors("large object not at its start");
	kfree(big + 64);
	CHECK(kmalloc_errors == errors + 6, "errors %lu", kmalloc_errors - errors);
	kfree(big);
	expect_errors("double kfree of a large object");
	kfree(big);
	CHECK(kmalloc_errors == errors + 7, "errors %lu", kmalloc_errors - errors);
	kfree(a);
	free_page(addr);
	CHECK(page_alloc_errors == page_errors, "page allocator reported %lu errors",
	      page_alloc_errors - page_errors);
	return test_end(&s, 0);
}
DEFINE_SELFTEST(kmalloc_bad_free, selftest_kmalloc_bad_free);
