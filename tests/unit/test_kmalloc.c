// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's kmalloc (guest/mm/kmalloc.c) on the host, under
 * AddressSanitizer: size classes, LIFO reuse, slab pages going back to
 * the buddy allocator, the counters, invalid kfree reports, and failslab.
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

static int shutdown(void **state)
{
	int z;

	(void)state;
	for (z = 0; z < MAX_NR_ZONES; z++)
		if (check_zone(&zone_table[z]))
			fail_msg("zone %s is inconsistent:\n%s", zone_table[z].name, shim_log());
	shim_shutdown();
	return 0;
}

static void test_classes(void **state)
{
	static const struct {
		size_t size;
		unsigned int cls; /* object size 32 << cls */
	} rows[] = {
		{ 0, 0 },    { 1, 0 },	  { 31, 0 },	 { 32, 0 },	{ 33, 1 },
		{ 64, 1 },   { 100, 2 },  { 128, 2 },	 { 2048, 6 },	{ 2049, 7 },
		{ 4096, 7 }, { 4097, 8 }, { 65536, 11 }, { 65537, 12 }, { 131072, 12 },
	};
	unsigned long free_before = nr_free_pages();
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		unsigned int cls = rows[i].cls, size = 32u << cls;
		struct kmalloc_class_stat st = kmalloc_stats[cls];
		unsigned char *p = kmalloc(rows[i].size, GFP_KERNEL);

		assert_non_null(p);
		assert_true(virt_addr_valid(p));
		assert_int_equal((uintptr_t)__pa(p) % (size < PAGE_SIZE ? size : PAGE_SIZE), 0);
		assert_int_equal(kmalloc_stats[cls].size, size);
		assert_int_equal(kmalloc_stats[cls].in_use, st.in_use + 1);
		assert_int_equal(kmalloc_stats[cls].allocs, st.allocs + 1);
		assert_int_equal(kmalloc_stats[cls].pages,
				 size <= PAGE_SIZE / 2 ? 1 : size / PAGE_SIZE);
		assert_int_equal(nr_free_pages(), free_before - kmalloc_stats[cls].pages);
		memset(p, 0x5a, size); /* the whole class size is usable */
		kfree(p);
		assert_int_equal(kmalloc_stats[cls].in_use, st.in_use);
		assert_int_equal(kmalloc_stats[cls].frees, st.frees + 1);
		assert_int_equal(kmalloc_stats[cls].pages, 0);
		assert_int_equal(nr_free_pages(), free_before);
	}
	assert_int_equal(kmalloc_errors, 0);
}

static void test_too_big(void **state)
{
	(void)state;
	assert_null(kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL));
	assert_null(kmalloc((size_t)-1, GFP_KERNEL));
	assert_true(shim_log_contains("more than the largest class"));
	assert_int_equal(kmalloc_objects_in_use(), 0);
}

static void test_reuse_lifo(void **state)
{
	void *a = kmalloc(200, GFP_KERNEL), *b = kmalloc(200, GFP_KERNEL),
	     *c = kmalloc(200, GFP_KERNEL);

	(void)state;
	assert_ptr_equal((char *)b,
			 (char *)a + 256); /* a fresh page hands out objects in address order */
	assert_ptr_equal((char *)c, (char *)b + 256);
	kfree(b);
	kfree(a);
	assert_ptr_equal(kmalloc(200, GFP_KERNEL), a);
	assert_ptr_equal(kmalloc(200, GFP_KERNEL), b);
	kfree(a);
	kfree(b);
	kfree(c);
	assert_int_equal(kmalloc_stats[3].pages, 0);
}

/* A page per 4 KiB / size objects; pages come and go with their objects. */
static void test_pages_follow_objects(void **state)
{
	enum {
		PER_PAGE = PAGE_SIZE / 512,
		N = 3 * PER_PAGE + 1
	};
	unsigned long free_before = nr_free_pages();
	void *objs[N];
	int i;

	(void)state;
	for (i = 0; i < N; i++) {
		objs[i] = kmalloc(512, GFP_KERNEL);
		assert_non_null(objs[i]);
		assert_int_equal(kmalloc_stats[4].pages, i / PER_PAGE + 1);
	}
	assert_int_equal(nr_free_pages(), free_before - 4);
	/* Empty the second page: it goes back at once. */
	for (i = PER_PAGE; i < 2 * PER_PAGE; i++)
		kfree(objs[i]);
	assert_int_equal(kmalloc_stats[4].pages, 3);
	assert_int_equal(nr_free_pages(), free_before - 3);
	/* A page that was full is partial again and serves the next kmalloc. */
	kfree(objs[5]);
	assert_ptr_equal(kmalloc(512, GFP_KERNEL), objs[5]);
	for (i = 0; i < N; i++)
		if (i < PER_PAGE || i >= 2 * PER_PAGE)
			kfree(objs[i]);
	assert_int_equal(kmalloc_stats[4].pages, 0);
	assert_int_equal(kmalloc_stats[4].in_use, 0);
	assert_int_equal(nr_free_pages(), free_before);
}

/* Many objects of many sizes, each filled with its own pattern, freed in another order. */
static void test_stress(void **state)
{
	enum {
		N = 3000
	};
	static unsigned char *objs[N];
	static size_t sizes[N];
	unsigned long free_before = nr_free_pages();
	unsigned int seed = 12345;
	int i;

	(void)state;
	for (i = 0; i < N; i++) {
		seed = seed * 1103515245 + 12345;
		sizes[i] = (seed >> 8) % (i % 50 == 0 ? KMALLOC_MAX_SIZE : 3000) + 1;
		objs[i] = kmalloc(sizes[i], GFP_KERNEL);
		assert_non_null(objs[i]);
		memset(objs[i], i & 0xff, sizes[i]);
	}
	assert_int_equal(kmalloc_objects_in_use(), N);
	for (i = 0; i < N; i += 3) {
		size_t j;

		for (j = 0; j < sizes[i]; j++)
			if (objs[i][j] != (i & 0xff))
				fail_msg("object %d (%zu bytes) byte %zu overwritten", i, sizes[i],
					 j);
		kfree(objs[i]);
	}
	for (i = N - 1; i >= 0; i--) {
		size_t j;

		if (i % 3 == 0)
			continue;
		for (j = 0; j < sizes[i]; j++)
			if (objs[i][j] != (i & 0xff))
				fail_msg("object %d (%zu bytes) byte %zu overwritten", i, sizes[i],
					 j);
		kfree(objs[i]);
	}
	assert_int_equal(kmalloc_objects_in_use(), 0);
	assert_int_equal(nr_free_pages(), free_before);
	assert_int_equal(kmalloc_errors, 0);
	assert_int_equal(page_alloc_errors, 0);
}

static char host_global[64];

struct bad_kfree_case {
	const char *name;
	const char *report;
	const void *(*pointer)(char *small, char *large);
	int free_small_first; /* the case is a double kfree of small */
};

static const void *small_again(char *small, char *large)
{
	(void)large;
	return small;
}
static const void *inside_small(char *small, char *large)
{
	(void)large;
	return small + 8;
}
static const void *inside_large(char *small, char *large)
{
	(void)small;
	return large + 64;
}
static const void *second_page_of_large(char *small, char *large)
{
	(void)small;
	return large + PAGE_SIZE;
}
static const void *host_pointer(char *small, char *large)
{
	(void)small;
	(void)large;
	return host_global;
}
static const void *reserved_page(char *small, char *large)
{
	(void)small;
	(void)large;
	return __va(0x2000);
}
static const void *free_page_of_direct_map(char *small, char *large)
{
	(void)small;
	(void)large;
	return __va((max_low_pfn - 1) << PAGE_SHIFT);
}

static const struct bad_kfree_case bad_kfrees[] = {
	{ "double kfree", "is already free (double kfree)", small_again, 1 },
	{ "inside an object", "is not the start of an object", inside_small, 0 },
	{ "inside a large object", "is not the start of its large kmalloc object", inside_large,
	  0 },
	{ "second page of a large object", "is not in a kmalloc page", second_page_of_large, 0 },
	{ "host pointer", "is not a direct-map address", host_pointer, 0 },
	{ "reserved page", "is not in a kmalloc page", reserved_page, 0 },
	{ "free page", "is not in a kmalloc page", free_page_of_direct_map, 0 },
};

static void test_bad_kfree(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad_kfrees); i++) {
		char *keep = kmalloc(32, GFP_KERNEL); /* keeps small's page alive after a kfree */
		char *small = kmalloc(32, GFP_KERNEL), *large = kmalloc(3 * PAGE_SIZE, GFP_KERNEL);
		unsigned long errors = kmalloc_errors, in_use, free;

		assert_true(keep && small && large);
		if (bad_kfrees[i].free_small_first)
			kfree(small);
		in_use = kmalloc_objects_in_use();
		free = nr_free_pages();
		shim_log_clear();
		kfree(bad_kfrees[i].pointer(small, large));
		if (kmalloc_errors != errors + 1 || shim_log_errors != 1 ||
		    !shim_log_contains(bad_kfrees[i].report))
			fail_msg("%s: %lu reports, want 1 saying \"%s\"; log:\n%s",
				 bad_kfrees[i].name, kmalloc_errors - errors, bad_kfrees[i].report,
				 shim_log());
		assert_int_equal(kmalloc_objects_in_use(), in_use);
		assert_int_equal(nr_free_pages(), free);
		if (!bad_kfrees[i].free_small_first)
			kfree(small);
		kfree(large);
		kfree(keep);
		assert_int_equal(kmalloc_objects_in_use(), 0);
	}
	kfree(NULL);
	assert_int_equal(page_alloc_errors, 0);
}

/* A write into a free object's link is reported when the link is used; nothing bad is handed out. */
static void test_corrupt_free_list(void **state)
{
	void *keep = kmalloc(32, GFP_KERNEL), *a = kmalloc(32, GFP_KERNEL),
	     *b = kmalloc(32, GFP_KERNEL);
	void *x, *y;

	(void)state;
	kfree(b);
	kfree(a);		     /* free list: a -> b -> ... */
	*(void **)a = (char *)a + 3; /* use after free */
	x = kmalloc(32, GFP_KERNEL);
	assert_ptr_equal(x, a);
	assert_int_equal(kmalloc_errors, 1);
	assert_true(shim_log_contains("was written after kfree"));
	y = kmalloc(32, GFP_KERNEL);
	assert_non_null(y);
	assert_ptr_not_equal(y, (char *)a + 3);
	kfree(x);
	kfree(y);
	kfree(keep);
}

static void test_lowmem_and_dma(void **state)
{
	void *small = kmalloc(64, GFP_HIGHUSER), *large = kmalloc(16384, GFP_HIGHUSER);
	void *dma = kmalloc(64, GFP_KERNEL | GFP_DMA),
	     *dma_large = kmalloc(16384, GFP_KERNEL | GFP_DMA);

	(void)state;
	assert_true(small && large && dma && dma_large);
	assert_int_equal(virt_to_page(small)->zone, ZONE_NORMAL);
	assert_int_equal(virt_to_page(large)->zone, ZONE_NORMAL);
	assert_int_equal(virt_to_page(dma)->zone, ZONE_DMA);
	assert_int_equal(virt_to_page(dma_large)->zone, ZONE_DMA);
	assert_int_equal(kmalloc_stats[1].in_use, 2);
	assert_int_equal(kmalloc_stats[1].pages, 2); /* one DMA page, one normal */
	kfree(small);
	kfree(large);
	kfree(dma);
	kfree(dma_large);
	assert_int_equal(kmalloc_objects_in_use(), 0);
}

static void test_failslab(void **state)
{
	uint32_t args[MBOX_ARGS] = { 1 /* FI_KMALLOC */, 2 }, results[MBOX_RESULTS] = { 0 };
	void *a, *b, *c;

	(void)state;
	assert_int_equal(shim_run_cmd(CMD_FAULT_INJECT, args, results), ST_OK);
	assert_int_equal(results[1], 0);
	a = kmalloc(10, GFP_KERNEL);
	b = kmalloc(10, GFP_KERNEL);
	c = kmalloc(10, GFP_KERNEL);
	assert_non_null(a);
	assert_null(b);
	assert_non_null(c);
	assert_int_equal(failslab_injected, 1);
	assert_int_equal(kmalloc_stats[0].in_use, 2);
	kfree(a);
	kfree(c);

	/* The page allocator failing under kmalloc: NULL, and no counter moves. */
	fail_page_alloc_nth = 1;
	assert_null(kmalloc(64, GFP_KERNEL));
	assert_int_equal(kmalloc_stats[1].in_use, 0);
	assert_int_equal(kmalloc_stats[1].pages, 0);
	fail_page_alloc_nth = 1;
	assert_null(kmalloc(8192, GFP_KERNEL));
	assert_int_equal(kmalloc_stats[8].in_use, 0);
	assert_int_equal(kmalloc_objects_in_use(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_classes, boot_64m, shutdown),
		cmocka_unit_test_setup_teardown(test_too_big, boot_64m, shutdown),
		cmocka_unit_test_setup_teardown(test_reuse_lifo, boot_64m, shutdown),
		cmocka_unit_test_setup_teardown(test_pages_follow_objects, boot_64m, shutdown),
		cmocka_unit_test_setup_teardown(test_stress, boot_64m, shutdown),
		cmocka_unit_test_setup_teardown(test_bad_kfree, boot_64m, shutdown),
		cmocka_unit_test_setup_teardown(test_corrupt_free_list, boot_64m, shutdown),
		cmocka_unit_test_setup_teardown(test_lowmem_and_dma, boot_1g, shutdown),
		cmocka_unit_test_setup_teardown(test_failslab, boot_64m, shutdown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
