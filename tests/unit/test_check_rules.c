// SPDX-License-Identifier: GPL-2.0
/*
 * The checker's judging functions on hand-made snapshots (check_int.h):
 * the rules are pure functions of what was read, so a guest value that no
 * real guest would write (a mem_map count of INT32_MIN + 1) can be put in
 * front of them without a VM.  Built under ASan and UBSan
 * (tests/unit/inspect.mk): arithmetic on guest values must not overflow.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
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
#include "tests/lib/testmem.h"
#include "vmm/core/core.h"
#include "vmm/inspect/check_int.h"
#include "vmm/inspect/inspect.h"

#define RAM	      (1u << 20)
#define MAX_MAPNR_PA  0x1000u /* unsigned long max_mapnr */
#define MEM_MAP_PA    0x1004u /* struct page *mem_map */
#define MEM_MAP_ARRAY 0x10000u
#define AREA	      0xc8800000u
#define PFN	      0x20u

struct fixture {
	struct vm vm;
	struct check_ctx ctx;
	struct check_report rep;
	struct snapshot prev, now;
	struct vm_area area;
	struct frame frames[2];
};

static void put_count(struct fixture *f, uint64_t pfn, int32_t count)
{
	testmem_put32(&f->vm.mem, MEM_MAP_ARRAY + pfn * PAGE_STRUCT_SIZE + PAGE_STRUCT_OFF_COUNT,
		      (uint32_t)count);
}

/* A guest whose vmlist held one VM_ALLOC area of two pages, then was vfree'd. */
static struct fixture *fixture_new(void)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	testmem_init(&f->vm.mem, RAM);
	testmem_put32(&f->vm.mem, MAX_MAPNR_PA, RAM >> PAGE_SHIFT);
	testmem_put32(&f->vm.mem, MEM_MAP_PA, PAGE_OFFSET + MEM_MAP_ARRAY);
	f->ctx.vm = &f->vm;
	f->ctx.gk.vm = &f->vm;
	f->ctx.gk.max_mapnr = MAX_MAPNR_PA;
	f->ctx.gk.mem_map = MEM_MAP_PA;
	f->ctx.rep = &f->rep;

	f->area = (struct vm_area){
		.node = PAGE_OFFSET + 0x8000, .flags = VM_ALLOC, .addr = AREA, .size = 3 * PAGE_SIZE
	};
	f->prev = (struct snapshot){ .valid = true,
				     .vmlist_ok = true,
				     .sorted = true,
				     .areas = &f->area,
				     .nr_areas = 1,
				     .frames = f->frames,
				     .nr_frames = 2,
				     .cnt_ok = true };
	f->prev.cnt.kmalloc_in_use = 1;
	f->now = (struct snapshot){
		.valid = true, .vmlist_ok = true, .sorted = true, .cnt_ok = true
	};
	assert_int_equal(snap_index(&f->prev), 0);
	assert_int_equal(snap_index(&f->now), 0);
	return f;
}

static void fixture_free(struct fixture *f)
{
	free(f->prev.keys);
	free(f->prev.overlapped);
	free(f->now.keys);
	free(f->now.overlapped);
	testmem_free(&f->vm.mem);
	free(f);
}

/*
 * P2 after vfree: a frame mapped k times with count c must be left with
 * c - k.  The count is the guest's: c - k is computed wide, so INT32_MIN + 1
 * mapped twice is a violation that says -2147483649, not an overflow.
 */
static void test_p2_count_extremes(void **state)
{
	static const int32_t counts[] = { INT32_MIN + 1, INT32_MAX, -1 };
	struct check_op op = { .cmd = CMD_VFREE, .args = { AREA }, .results = { 1 } };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(counts); i++) {
		struct fixture *f = fixture_new();
		char want[64];

		for (unsigned int j = 0; j < 2; j++)
			f->frames[j] = (struct frame){ .va = AREA + j * PAGE_SIZE,
						       .area = 0,
						       .pfn = PFN,
						       .count = counts[i] };
		put_count(f, PFN, 7);
		assert_int_equal(judge_p2(&f->ctx, &op, &f->prev, &f->now), 0);
		assert_int_equal(f->rep.nr_violations, 1);
		assert_string_equal(f->rep.v[0].rule, "P2");
		assert_int_equal(f->rep.v[0].va, AREA);
		snprintf(want, sizeof(want), "pfn 0x%x count %lld after vfree", PFN,
			 (long long)counts[i] - 2);
		if (!strstr(f->rep.v[0].expected, want))
			fail_msg("expected \"%s\" in \"%s\"", want, f->rep.v[0].expected);
		assert_string_equal(f->rep.v[0].actual, "count 7");
		fixture_free(f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_p2_count_extremes),
	};

	return cmocka_run_group_tests_name("check_rules", tests, NULL, NULL);
}
