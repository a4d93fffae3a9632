// SPDX-License-Identifier: GPL-2.0
/*
 * The real guest on KVM, in both paging modes and at three RAM sizes:
 * it boots to the mailbox, its console lines come through, every guest
 * self-test passes, its zones match the memory map the VMM gave it, the
 * direct map in swapper_pg_dir maps PAGE_OFFSET + x to x, and it exits
 * with the status it is told.  Outcomes are read from guest memory on the
 * host wherever they can be, not only taken from the guest's answers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "shared/kstructs.h"
#include "shared/layout.h"
#include "shared/mmu.h"
#include "tests/lib/vmcase.h"
#include "vmm/core/core.h"

/* Zone sizes the memory map implies, computed here independently of the
 * guest: RAM below 639 KiB and from 1 MiB up, split at 16 MiB and 896 MiB. */
static void expected_present(uint64_t ram, uint32_t present[3])
{
	uint64_t lowmem = ram < MAXMEM ? ram : MAXMEM;

	present[0] = (LOW_RAM_END >> PAGE_SHIFT) + ((ZONE_DMA_LIMIT - ISA_HOLE_END) >> PAGE_SHIFT);
	present[1] = (uint32_t)((lowmem - ZONE_DMA_LIMIT) >> PAGE_SHIFT);
	present[2] = ram > MAXMEM ? (uint32_t)((ram - MAXMEM) >> PAGE_SHIFT) : 0;
}

static void check_zones(struct testvm *t, const struct vm_case *c)
{
	uint64_t zt_size, zt = testvm_sym_phys(t, "zone_table", &zt_size);
	uint32_t present[MAX_NR_ZONES], zone_stride = ZONE_STRUCT_SIZE;
	struct guest_reply reply;
	int z;

	expected_present(c->ram, present);
	testvm_call(t, CMD_FREE_PAGES, NULL, 0, &reply);
	assert_int_equal(reply.status, ST_OK);
	assert_int_equal(zt_size, MAX_NR_ZONES * ZONE_STRUCT_SIZE);
	for (z = 0; z < MAX_NR_ZONES; z++) {
		uint32_t got_present, managed, free_pages;

		assert_int_equal(gmem_read32(&t->vm->mem, zt + z * zone_stride + ZONE_OFF_PRESENT,
					     &got_present),
				 0);
		assert_int_equal(
			gmem_read32(&t->vm->mem, zt + z * zone_stride + ZONE_OFF_MANAGED, &managed),
			0);
		assert_int_equal(
			gmem_read32(&t->vm->mem, zt + z * zone_stride + ZONE_OFF_FREE, &free_pages),
			0);
		if (got_present != present[z] || free_pages > managed || managed > present[z] ||
		    free_pages != reply.results[z]) {
			fail_msg("%s zone %d: expected present %u, free <= managed <= "
				 "present, "
				 "free as the guest reports (%u); read from guest memory: present "
				 "%u managed %u free %u",
				 c->name, z, present[z], reply.results[z], got_present, managed,
				 free_pages);
		}
	}
	/* Highmem exists only with more RAM than the direct map can hold. */
	assert_int_equal(present[2] != 0, c->ram > MAXMEM);
}

/* The direct map: PAGE_OFFSET + x -> x for all lowmem, kernel-only,
 * writable, global where the CPU has PGE; nothing mapped in the hole above. */
static void check_direct_map(struct testvm *t, const struct vm_case *c)
{
	uint64_t lowmem = c->ram < MAXMEM ? c->ram : MAXMEM;
	uint64_t probes[] = { 0,
			      PAGE_SIZE,
			      0x9f000,
			      0x100000,
			      ZONE_DMA_LIMIT - PAGE_SIZE,
			      ZONE_DMA_LIMIT,
			      lowmem / 2,
			      lowmem - PAGE_SIZE };
	struct walk_result res;
	struct walk_ctx ctx;
	size_t i;

	testvm_walk_ctx(t, &ctx);
	assert_int_equal(ctx.mode, c->paging == PAGING_PAE ? WALK_PAE : WALK_2LEVEL);
	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		uint64_t va = PAGE_OFFSET + probes[i];

		walk(&ctx, va, &res);
		if (res.status != WALK_OK || res.pa != probes[i] || !res.writable || res.user) {
			walk_fprint(stderr, &res);
			fail_msg("%s: expected 0x%llx -> 0x%llx, kernel-only, writable; got "
				 "%s pa 0x%llx writable %d user %d",
				 c->name, (unsigned long long)va, (unsigned long long)probes[i],
				 walk_status_str(res.status), (unsigned long long)res.pa,
				 res.writable, res.user);
		}
	}
	/* The 8 MiB hole after the direct map catches stray accesses. */
	walk(&ctx, PAGE_OFFSET + lowmem, &res);
	if (res.status != WALK_NOT_PRESENT) {
		walk_fprint(stderr, &res);
		fail_msg("hole after the direct map at 0x%llx: expected not present, got %s",
			 (unsigned long long)(PAGE_OFFSET + lowmem), walk_status_str(res.status));
	}
	/* No user mapping is left from early boot. */
	walk(&ctx, 0x100000, &res);
	if (res.status != WALK_NOT_PRESENT) {
		walk_fprint(stderr, &res);
		fail_msg("identity map of 1 MiB still present after boot");
	}
}

static void check_selftests(struct testvm *t, const struct vm_case *c)
{
	uint32_t i, count = 1, failed = 0;
	struct guest_reply reply;
	struct vm_event ev;

	for (i = 0; i < count; i++) {
		if (guest_selftest(t->vm, i, &count, &reply, &ev))
			fail_msg("self-test %u stopped the VM: %s", i, ev.msg);
		if (reply.status != ST_OK) {
			print_error("%s: self-test %u failed:\n%s\n", c->name, i, reply.text);
			failed++;
		}
	}
	assert_true(count >= 5); /* the allocators' and the page-table layer's */
	assert_int_equal(failed, 0);
}

/* Runs on every case of the table without a second vCPU (vmfx_setup boots it). */
static void test_boot(void **state)
{
	struct vmfx *f = *state;
	const struct vm_case *c = f->c;
	char console[CONSOLE_LOG_SIZE];
	struct vm_event ev;

	vm_console_tail(f->t.vm, console, sizeof(console));
	assert_non_null(strstr(console, "Linux version"));
	assert_non_null(strstr(console, c->paging == PAGING_PAE ? "PAE" : "2-level"));
	check_zones(&f->t, c);
	check_direct_map(&f->t, c);
	check_selftests(&f->t, c);
	assert_int_equal(guest_exit(f->t.vm, 7, &ev), 0);
	assert_int_equal(ev.status, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		VM_TEST(test_boot, 2level_64M),	 VM_TEST(test_boot, pae_64M),
		VM_TEST(test_boot, 2level_512M), VM_TEST(test_boot, pae_512M),
		VM_TEST(test_boot, 2level_1G),	 VM_TEST(test_boot, pae_1G),
	};

	testvm_start("boot");
	return cmocka_run_group_tests_name("boot", tests, NULL, NULL);
}
