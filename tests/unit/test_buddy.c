// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's buddy allocator (guest/mm/page_alloc.c) on the host, under
 * AddressSanitizer: mem_init on a fake machine, split and merge, zone
 * fallback, reference counts, the bad-free reports, poisoning, fault
 * injection, and the guest's own mm self-tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <bootmem.h>
#include <mm.h>
#include <slab.h>

#include "shared/abi.h"
#include "vmm/core/core.h"

#define MiB (1ull << 20)

static int boot_64m(void **state)
{
	(void)state;
	return shim_boot(64 * MiB);
}

static int boot_1g(void **state)
{
	(void)state;
	return shim_boot(1024 * MiB);
}

static void assert_zones_ok(void)
{
	int z;

	for (z = 0; z < MAX_NR_ZONES; z++)
		if (check_zone(&zone_table[z])) {
			print_error("%s", shim_log());
			fail_msg("zone %s is inconsistent", zone_table[z].name);
		}
}

static int shutdown(void **state)
{
	(void)state;
	assert_zones_ok();
	shim_shutdown();
	return 0;
}

static uint32_t nr_free(int zone, unsigned int order)
{
	return zone_table[zone].free_area[order].nr_free;
}

static void test_mem_init_64m(void **state)
{
	unsigned long reserved_low = bootmem_next_pfn; /* image + mem_map, from pfn 0 */
	unsigned long below_hole = LOW_RAM_END >> PAGE_SHIFT;
	unsigned long hole = (ISA_HOLE_END >> PAGE_SHIFT) - below_hole;

	(void)state;
	assert_int_equal(max_mapnr, 16384);
	assert_ptr_equal(high_memory, __va(64 * MiB));
	assert_int_equal(num_physpages, 16384 - hole);
	assert_int_equal(zone_table[ZONE_DMA].size, 4096);
	assert_int_equal(zone_table[ZONE_DMA].present_pages, 4096 - hole);
	assert_int_equal(zone_table[ZONE_DMA].managed_pages, 4096 - reserved_low);
	assert_int_equal(zone_table[ZONE_DMA].free_pages, 4096 - reserved_low);
	assert_int_equal(zone_table[ZONE_NORMAL].zone_start_pfn, 4096);
	assert_int_equal(zone_table[ZONE_NORMAL].free_pages, 12288);
	assert_int_equal(nr_free(ZONE_NORMAL, MAX_ORDER - 1), 12);
	assert_int_equal(zone_table[ZONE_HIGHMEM].size, 0);
	assert_int_equal(totalram_pages, 16384 - reserved_low);
	assert_int_equal(totalhigh_pages, 0);
	assert_true(PageReserved(pfn_to_page(0)));
	assert_true(PageReserved(pfn_to_page(below_hole)));
	assert_true(PageReserved(pfn_to_page(reserved_low - 1)));
	assert_false(PageReserved(pfn_to_page(reserved_low)));
	assert_int_equal(page_count(pfn_to_page(0)), 1);
	assert_true(virt_addr_valid(mem_map) && page_to_pfn(virt_to_page(mem_map)) < reserved_low);
	assert_true(shim_log_contains("Zone DMA: "));
	assert_true(shim_log_contains("Zone Normal: 12288 pages free / 12288 total"));
	assert_false(shim_log_contains("Zone HighMem"));
	assert_int_equal(shim_log_errors, 0);
}

static void test_mem_init_1g(void **state)
{
	(void)state;
	assert_int_equal(max_mapnr, 262144);
	assert_ptr_equal(high_memory, __va(896 * MiB));
	assert_int_equal(zone_table[ZONE_NORMAL].size, 229376 - 4096);
	assert_int_equal(zone_table[ZONE_HIGHMEM].zone_start_pfn, 229376);
	assert_int_equal(zone_table[ZONE_HIGHMEM].size, 32768);
	assert_int_equal(zone_table[ZONE_HIGHMEM].free_pages, 32768);
	assert_int_equal(totalhigh_pages, 32768);
	assert_true(PageHighMem(pfn_to_page(229376)));
	assert_false(PageHighMem(pfn_to_page(229375)));
	assert_null(page_address(pfn_to_page(229376)));
	assert_ptr_equal(page_address(pfn_to_page(229375)), __va(229375ul << PAGE_SHIFT));
	assert_true(shim_log_contains("Zone HighMem: 32768 pages free / 32768 total"));
}

/* On a fresh 64 MiB machine NORMAL holds twelve order-10 blocks and nothing else. */
static void test_split_merge(void **state)
{
	unsigned int order, k;

	(void)state;
	for (order = 0; order < MAX_ORDER; order++) {
		struct page *page = alloc_pages(GFP_KERNEL, order);

		assert_non_null(page);
		assert_int_equal(page->zone, ZONE_NORMAL);
		assert_int_equal(page_count(page), 1);
		assert_int_equal(page_to_pfn(page) & ((1ul << order) - 1), 0);
		assert_int_equal(zone_table[ZONE_NORMAL].free_pages, 12288 - (1u << order));
		for (k = 0; k < MAX_ORDER - 1; k++)
			assert_int_equal(nr_free(ZONE_NORMAL, k), k >= order ? 1 : 0);
		assert_int_equal(nr_free(ZONE_NORMAL, MAX_ORDER - 1), 11);
		assert_zones_ok();
		memset(page_address(page), 0x11, PAGE_SIZE << order);
		__free_pages(page, order);
		for (k = 0; k < MAX_ORDER - 1; k++)
			assert_int_equal(nr_free(ZONE_NORMAL, k), 0);
		assert_int_equal(nr_free(ZONE_NORMAL, MAX_ORDER - 1), 12);
	}
	assert_int_equal(page_alloc_errors, 0);
}

/* Two order-0 pages split from one block are buddies; they merge only when both are free. */
static void test_merge_needs_both_buddies(void **state)
{
	struct page *a, *b;

	(void)state;
	a = alloc_page(GFP_KERNEL);
	b = alloc_page(GFP_KERNEL);
	assert_int_equal(page_to_pfn(a) ^ 1, page_to_pfn(b));
	__free_page(a);
	assert_int_equal(nr_free(ZONE_NORMAL, 0), 1);
	assert_true(PageBuddy(a) && a->order == 0);
	__free_page(b);
	assert_int_equal(nr_free(ZONE_NORMAL, 0), 0);
	assert_int_equal(nr_free(ZONE_NORMAL, MAX_ORDER - 1), 12);
}

/* Take every page, one by one: all distinct, all lowmem, then give them back in a scrambled order. */
static void test_exhaust_and_refill(void **state)
{
	unsigned long total = nr_free_pages(), n = 0, i;
	struct page **pages = calloc(total + 1, sizeof(*pages));
	unsigned char *seen = calloc(max_mapnr, 1);

	(void)state;
	assert_non_null(pages);
	assert_non_null(seen);
	while ((pages[n] = alloc_page(GFP_KERNEL))) {
		unsigned long pfn = page_to_pfn(pages[n]);

		assert_false(seen[pfn]);
		seen[pfn] = 1;
		*(unsigned long *)page_address(pages[n]) = pfn;
		assert_true(++n <= total);
	}
	assert_int_equal(n, total);
	assert_int_equal(nr_free_pages(), 0);
	assert_true(shim_log_contains("0-order allocation failed"));
	assert_zones_ok();
	for (i = 0; i < n; i++)
		assert_int_equal(*(unsigned long *)page_address(pages[i]), page_to_pfn(pages[i]));
	for (i = 0; i < n; i += 2)
		__free_page(pages[i]);
	for (i = n - 1 - (n % 2 == 0 ? 0 : 1); i < n; i -= 2)
		__free_page(pages[i]);
	assert_int_equal(nr_free_pages(), total);
	assert_int_equal(nr_free(ZONE_NORMAL, MAX_ORDER - 1), 12);
	assert_int_equal(page_alloc_errors, 0);
	free(pages);
	free(seen);
}

static struct page *drain(int zone)
{
	struct page *list = NULL, *page;
	unsigned int k;

	for (k = MAX_ORDER; k-- > 0;)
		while ((page = rmqueue(&zone_table[zone], k))) {
			page->next = list;
			list = page;
		}
	assert_int_equal(zone_table[zone].free_pages, 0);
	return list;
}

static void refill(struct page *list)
{
	while (list) {
		struct page *page = list;

		list = page->next;
		__free_pages(page, page->order);
	}
}

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

/* The kernel's fallback order, zone by zone, as the zones run dry. */
static void test_fallback_1g(void **state)
{
	static const struct {
		int drained;		   /* zone emptied before this row (-1: none) */
		int highuser, kernel, dma; /* zone that serves each request; -1: none */
	} rows[] = {
		{ -1, ZONE_HIGHMEM, ZONE_NORMAL, ZONE_DMA },
		{ ZONE_HIGHMEM, ZONE_NORMAL, ZONE_NORMAL, ZONE_DMA },
		{ ZONE_NORMAL, ZONE_DMA, ZONE_DMA, ZONE_DMA },
		{ ZONE_DMA, -1, -1, -1 },
	};
	struct page *drained[3] = { NULL, NULL, NULL };
	unsigned long before = nr_free_pages();
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		if (rows[i].drained >= 0)
			drained[rows[i].drained] = drain(rows[i].drained);
		assert_int_equal(zone_of(GFP_HIGHUSER), rows[i].highuser);
		assert_int_equal(zone_of(GFP_KERNEL), rows[i].kernel);
		assert_int_equal(zone_of(GFP_KERNEL | GFP_DMA), rows[i].dma);
	}
	refill(drained[0]);
	refill(drained[1]);
	refill(drained[2]);
	assert_int_equal(nr_free_pages(), before);
	assert_int_equal(page_alloc_errors, 0);
}

/* GFP_DMA never falls back upwards; __get_free_pages never returns highmem. */
static void test_dma_only_and_lowmem_only(void **state)
{
	struct page *dma = drain(ZONE_DMA);
	unsigned long addr;

	(void)state;
	assert_null(alloc_page(GFP_KERNEL | GFP_DMA));
	assert_non_null(zone_table[ZONE_NORMAL].free_pages ? (void *)1 : NULL);
	refill(dma);
	addr = __get_free_pages(GFP_HIGHUSER, 2);
	assert_true(addr && virt_addr_valid((void *)addr));
	assert_int_equal(virt_to_page(addr)->zone, ZONE_NORMAL);
	free_pages(addr, 2);
	addr = get_zeroed_page(GFP_KERNEL);
	assert_true(addr);
	for (size_t i = 0; i < PAGE_SIZE; i++)
		assert_int_equal(((unsigned char *)addr)[i], 0);
	free_page(addr);
}

static void test_refcount(void **state)
{
	struct page *page = alloc_page(GFP_KERNEL), *rsv = pfn_to_page(0);
	uint32_t free = zone_table[ZONE_NORMAL].free_pages;

	(void)state;
	get_page(page);
	get_page(page);
	assert_int_equal(page_count(page), 3);
	put_page(page);
	__free_page(page);
	assert_int_equal(page_count(page), 1);
	assert_int_equal(zone_table[ZONE_NORMAL].free_pages, free);
	put_page(page);
	assert_int_equal(page_count(page), 0);
	assert_int_equal(zone_table[ZONE_NORMAL].free_pages, free + 1);
	get_page(rsv);
	put_page(rsv);
	assert_int_equal(page_count(rsv), 1);
	assert_int_equal(page_alloc_errors, 0);
	assert_int_equal(shim_log_errors, 0);
}

struct bad_free_case {
	const char *name;
	const char *report;		     /* expected in the KERN_ERR line */
	void (*provoke)(struct page *block); /* block: a live order-1 allocation */
};

static void free_twice(struct page *block)
{
	struct page *p = alloc_page(GFP_KERNEL);

	(void)block;
	__free_page(p);
	__free_page(p);
}
static void free_reserved(struct page *block)
{
	(void)block;
	__free_page(pfn_to_page(1));
}
static void put_reserved(struct page *block)
{
	(void)block;
	put_page(pfn_to_page(1));
}
static void free_tail(struct page *block)
{
	__free_page(block + 1);
}
static void free_wrong_order(struct page *block)
{
	__free_pages(block, 0);
}
static void free_order_too_big(struct page *block)
{
	__free_pages(block, MAX_ORDER);
}
static void free_not_in_mem_map(struct page *block)
{
	(void)block;
	__free_page(mem_map + max_mapnr);
}
static void free_misaligned_page_ptr(struct page *block)
{
	__free_page((struct page *)((char *)block + 4));
}
static void free_null(struct page *block)
{
	(void)block;
	__free_page(NULL);
}
static void free_user_address(struct page *block)
{
	(void)block;
	free_page(0x1000);
}
static void free_misaligned_address(struct page *block)
{
	free_pages((unsigned long)page_address(block) + 16, 1);
}
static void free_stack_address(struct page *block)
{
	unsigned long on_stack = 0;

	(void)block;
	free_page((unsigned long)&on_stack);
}
static void free_kmalloc_page(struct page *block)
{
	void *obj = kmalloc(64, GFP_KERNEL);

	(void)block;
	__free_page(virt_to_page(obj));
	kfree(obj);
}

static const struct bad_free_case bad_frees[] = {
	{ "double free", "is already free", free_twice },
	{ "reserved page", "is reserved", free_reserved },
	{ "last reference of a reserved page", "is reserved", put_reserved },
	{ "second page of a block", "is already free (or not the first page", free_tail },
	{ "wrong order", "was allocated with order 1, freed with order 0", free_wrong_order },
	{ "order >= MAX_ORDER", "above MAX_ORDER", free_order_too_big },
	{ "past the end of mem_map", "is not a page of mem_map", free_not_in_mem_map },
	{ "inside a struct page", "is not a page of mem_map", free_misaligned_page_ptr },
	{ "NULL", "NULL page", free_null },
	{ "user address", "is not a page of the direct map", free_user_address },
	{ "misaligned address", "is not a page of the direct map", free_misaligned_address },
	{ "host stack address", "is not a page of the direct map", free_stack_address },
	{ "kmalloc's page", "belongs to kmalloc", free_kmalloc_page },
};

/* Each mistake: reported once at KERN_ERR, nothing freed, the zones intact. */
static void test_bad_frees(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad_frees); i++) {
		struct page *block = alloc_pages(GFP_KERNEL, 1);
		unsigned long before, errors = page_alloc_errors;

		assert_non_null(block);
		before = nr_free_pages();
		shim_log_clear();
		bad_frees[i].provoke(block);
		if (page_alloc_errors != errors + 1 || shim_log_errors != 1 ||
		    !shim_log_contains(bad_frees[i].report))
			fail_msg("%s: %lu reports, want 1 saying \"%s\"; log:\n%s",
				 bad_frees[i].name, page_alloc_errors - errors, bad_frees[i].report,
				 shim_log());
		if (nr_free_pages() != before)
			fail_msg("%s: %lu free pages before, %lu after", bad_frees[i].name, before,
				 nr_free_pages());
		assert_int_equal(page_count(block), 1);
		assert_zones_ok();
		__free_pages(block, 1);
	}
}

/* A freed lowmem page is filled with junk (read through the no-ASan helper below). */
static __attribute__((no_sanitize_address)) int poisoned(const unsigned char *p, size_t len)
{
	const volatile unsigned char *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != PAGE_POISON)
			return 0;
	return 1;
}

static void test_poison(void **state)
{
	struct page *page = alloc_pages(GFP_KERNEL, 2);
	unsigned char *p = page_address(page);

	(void)state;
	memset(p, 0, 4 * PAGE_SIZE);
	__free_pages(page, 2);
	assert_true(poisoned(p, 4 * PAGE_SIZE));
}

static void test_fault_injection(void **state)
{
	uint32_t args[MBOX_ARGS] = { 0 }, results[MBOX_RESULTS] = { 0 };
	unsigned long calls;
	struct page *p[5];
	int i;

	(void)state;
	fail_page_alloc_nth = 3;
	for (i = 0; i < 5; i++)
		p[i] = alloc_page(GFP_KERNEL);
	assert_non_null(p[0]);
	assert_non_null(p[1]);
	assert_null(p[2]);
	assert_non_null(p[3]);
	assert_non_null(p[4]);
	assert_int_equal(fail_page_alloc_injected, 1);
	assert_int_equal(fail_page_alloc_nth, 0);
	for (i = 0; i < 5; i++)
		if (p[i])
			__free_page(p[i]);

	/* Through the mailbox command, as the host does it. */
	calls = fail_page_alloc_calls;
	args[0] = 0; /* FI_ALLOC_PAGE */
	args[1] = 1;
	assert_int_equal(shim_run_cmd(CMD_FAULT_INJECT, args, results), ST_OK);
	assert_int_equal(results[0], calls);
	assert_int_equal(results[1], 1);
	assert_int_equal(__get_free_page(GFP_KERNEL), 0);
	assert_int_equal(fail_page_alloc_injected, 2);
	args[0] = 7;
	assert_int_equal(shim_run_cmd(CMD_FAULT_INJECT, args, results), ST_EINVAL);
	assert_int_equal(page_alloc_errors, 0);
}

static void test_cmd_free_pages(void **state)
{
	uint32_t args[MBOX_ARGS] = { 0 }, results[MBOX_RESULTS] = { 0 };
	struct page *high = alloc_page(GFP_HIGHUSER);
	void *obj = kmalloc(40, GFP_KERNEL);

	(void)state;
	assert_int_equal(shim_run_cmd(CMD_FREE_PAGES, args, results), ST_OK);
	assert_int_equal(results[0], zone_table[ZONE_DMA].free_pages);
	assert_int_equal(results[1], zone_table[ZONE_NORMAL].free_pages);
	assert_int_equal(results[2], 32767);
	assert_int_equal(results[3], 1);
	assert_int_equal(results[6], 32768);
	assert_int_equal(results[7], 1);
	kfree(obj);
	__free_page(high);
}

/* The guest's own self-tests (guest/mm/mm_selftest.c), on this machine. */
static void test_guest_selftests(void **state)
{
	int i, n = shim_nr_selftests();

	(void)state;
	assert_true(n >= 8);
	for (i = 0; i < n; i++) {
		shim_log_clear();
		if (shim_run_selftest(i) != 0)
			fail_msg("guest self-test %s failed:\n%s", shim_selftest_name(i),
				 shim_log());
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mem_init_64m, boot_64m, shutdown),
		cmocka_unit_test_setup_teardown(test_mem_init_1g, boot_1g, shutdown),
		cmocka_unit_test_setup_teardown(test_split_merge, boot_64m, shutdown),
		cmocka_unit_test_setup_teardown(test_merge_needs_both_buddies, boot_64m, shutdown),
		cmocka_unit_test_setup_teardown(test_exhaust_and_refill, boot_64m, shutdown),
		cmocka_unit_test_setup_teardown(test_fallback_1g, boot_1g, shutdown),
		cmocka_unit_test_setup_teardown(test_dma_only_and_lowmem_only, boot_1g, shutdown),
		cmocka_unit_test_setup_teardown(test_refcount, boot_64m, shutdown),
		cmocka_unit_test_setup_teardown(test_bad_frees, boot_64m, shutdown),
		cmocka_unit_test_setup_teardown(test_poison, boot_64m, shutdown),
		cmocka_unit_test_setup_teardown(test_fault_injection, boot_64m, shutdown),
		cmocka_unit_test_setup_teardown(test_cmd_free_pages, boot_1g, shutdown),
		cmocka_unit_test_setup_teardown(test_guest_selftests, boot_64m, shutdown),
		cmocka_unit_test_setup_teardown(test_guest_selftests, boot_1g, shutdown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
