// SPDX-License-Identifier: GPL-2.0
/* The checked way into guest memory, at its edges. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "vmm/core/core.h"

#define SIZE 0x10000u

struct range_case {
	uint64_t gpa;
	uint64_t len;
	int ok;
};

static const struct range_case range_cases[] = {
	{ 0, 1, 1 },
	{ 0, SIZE, 1 },	    /* all of RAM */
	{ SIZE - 1, 1, 1 }, /* last byte */
	{ SIZE - 4, 4, 1 },
	{ SIZE - 4, 5, 0 }, /* one byte past the end */
	{ SIZE, 1, 0 },	    /* first byte past the end */
	{ 0, 0, 0 },	    /* empty ranges are refused: no caller needs one */
	{ 0, SIZE + 1, 0 },
	{ 1, UINT64_MAX, 0 },		 /* gpa + len wraps to 0 */
	{ UINT64_MAX, 2, 0 },		 /* wraps to 1 */
	{ UINT64_MAX - 0xff, 0x100, 0 }, /* ends exactly at 2^64 */
	{ 0x100000000ull, 4, 0 },	 /* above 4 GiB */
};

static void test_gmem_ptr_edges(void **state)
{
	struct guest_mem gm = { malloc(SIZE), SIZE };
	size_t i, bad = 0;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(range_cases); i++) {
		const struct range_case *c = &range_cases[i];
		void *p = gmem_ptr(&gm, c->gpa, c->len);
		void *want = c->ok ? gm.base + c->gpa : NULL;

		if (p != want) {
			print_error("gmem_ptr(0x%llx, 0x%llx): expected %s, got %p\n",
				    (unsigned long long)c->gpa, (unsigned long long)c->len,
				    c->ok ? "a pointer into RAM" : "NULL", p);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	free(gm.base);
}

static void test_gmem_rw(void **state)
{
	struct guest_mem gm = { calloc(1, SIZE), SIZE };
	uint64_t v64 = 0;
	uint32_t v32 = 0;

	(void)state;
	assert_int_equal(gmem_write32(&gm, SIZE - 4, 0xdeadbeef), 0);
	assert_int_equal(gmem_read32(&gm, SIZE - 4, &v32), 0);
	assert_int_equal(v32, 0xdeadbeef);
	assert_int_equal(gmem_write64(&gm, 3, 0x1122334455667788ull), 0); /* unaligned */
	assert_int_equal(gmem_read64(&gm, 3, &v64), 0);
	assert_int_equal(v64, 0x1122334455667788ull);
	assert_int_equal(gm.base[3], 0x88); /* little-endian */
	assert_int_equal(gmem_read32(&gm, SIZE - 3, &v32), -EFAULT);
	assert_int_equal(gmem_write64(&gm, SIZE - 7, 1), -EFAULT);
	assert_int_equal(gm.base[SIZE - 7], 0); /* nothing written on failure */
	assert_null(gmem_ptr(NULL, 0, 1));
	free(gm.base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gmem_ptr_edges),
		cmocka_unit_test(test_gmem_rw),
	};

	return cmocka_run_group_tests_name("guestmem", tests, NULL, NULL);
}
