// SPDX-License-Identifier: GPL-2.0
/*
 * alloc_area_pte() finding a PTE that is not none: 2.4 prints
 * "alloc_area_pte: page already exists" at KERN_ERR and carries on,
 * overwriting the entry.  The host plants such a PTE where first fit will
 * put the next area (the page table of a freed area stays, all entries
 * none), then checks the message and the entry the guest left.  The
 * checker (every rule, probes too) runs after each step: silent on the
 * guest's own states, M3 on the planted one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "shared/abi.h"
#include "shared/layout.h"
#include "shared/mmu.h"
#include "tests/lib/vmcase.h"
#include "vmm/inspect/inspect.h"

#define PLANTED_FRAME 0x00005000u /* a low frame the guest never hands out to vmalloc */

static struct check_report rep;

/*
 * The checker after cmd (arg, result0 = res; cmd 0: nothing happened):
 * the number of violations of rule (NULL: of any rule); fails if it
 * could not run.
 */
static unsigned int check(struct vmfx *vf, uint32_t cmd, uint32_t arg, uint32_t res,
			  const struct guest_reply *reply, const char *rule)
{
	struct check_op op = { .cmd = cmd, .args = { arg }, .status = reply->status };
	unsigned int i, n = 0;
	int ret;

	memcpy(op.results, reply->results, sizeof(op.results));
	op.results[0] = res;
	ret = check_guest(vf->ck, cmd ? &op : NULL, CHECK_STATIC | CHECK_PROBES, &rep);
	if (ret)
		fail_msg("%s: check_guest: %d: %s", vf->c->name, ret, rep.err);
	for (i = 0; i < rep.nr_violations && i < CHECK_MAX_VIOLATIONS; i++)
		n += !rule || !strcmp(rep.v[i].rule, rule);
	return n;
}

static void expect_silent(struct vmfx *vf, const char *after)
{
	if (rep.nr_violations) {
		check_report_print(stderr, &rep);
		fail_msg("%s: after %s: expected no violation, actual %u", vf->c->name, after,
			 rep.nr_violations);
	}
}

static void test_page_already_exists(void **state)
{
	struct vmfx *vf = *state;
	struct testvm *t = &vf->t;
	const struct walk_entry *pte;
	struct guest_reply reply;
	struct walk_result res;
	uint32_t a, b, size = PAGE_SIZE;
	struct walk_ctx ctx;
	struct vm_event ev;
	uint64_t planted = PLANTED_FRAME | _PAGE_PRESENT | _PAGE_RW;

	assert_int_equal(guest_vmalloc(t->vm, CMD_VMALLOC, size, &a, &reply, &ev), 0);
	assert_int_not_equal(a, 0);
	check(vf, CMD_VMALLOC, size, a, &reply, NULL);
	expect_silent(vf, "vmalloc");
	testvm_call(t, CMD_VFREE, &a, 1, &reply);
	check(vf, CMD_VFREE, a, reply.results[0], &reply, NULL);
	expect_silent(vf, "vfree");

	/* The PTE page stays after vfree: plant a present entry for a. */
	testvm_walk_ctx(t, &ctx);
	walk(&ctx, a, &res);
	pte = walk_entry_at(&res, WALK_PTE);
	if (res.status != WALK_NOT_PRESENT || !pte) {
		walk_fprint(stderr, &res);
		fail_msg("0x%08x after vfree: expected a PTE page with a none entry, got %s", a,
			 walk_status_str(res.status));
	}
	if (ctx.mode == WALK_PAE)
		assert_int_equal(gmem_write64(&t->vm->mem, pte->addr, planted), 0);
	else
		assert_int_equal(gmem_write32(&t->vm->mem, pte->addr, (uint32_t)planted), 0);
	/* A present PTE outside every area: what M3 is for. */
	if (!check(vf, 0, 0, 0, &reply, "M3")) {
		check_report_print(stderr, &rep);
		fail_msg("%s: the planted PTE at 0x%08x: expected M3", vf->c->name, a);
	}

	assert_int_equal(guest_vmalloc(t->vm, CMD_VMALLOC, size, &b, &reply, &ev), 0);
	assert_int_equal(b, a); /* first fit: the same hole */
	check(vf, CMD_VMALLOC, size, b, &reply, NULL);
	expect_silent(vf, "the vmalloc over the planted PTE");
	if (!strstr(reply.text, "<3>alloc_area_pte: page already exists"))
		fail_msg(
			"expected the guest to print '<3>alloc_area_pte: page already exists'; its "
			"text was '%s'",
			reply.text);
	/* It carried on: the entry now maps a page of its own. */
	walk(&ctx, b, &res);
	if (res.status != WALK_OK || res.page_base == PLANTED_FRAME || !res.writable) {
		walk_fprint(stderr, &res);
		fail_msg("0x%08x after vmalloc: expected a fresh writable page, got %s at 0x%llx",
			 b, walk_status_str(res.status), (unsigned long long)res.page_base);
	}
	testvm_call(t, CMD_VFREE, &b, 1, &reply);
	check(vf, CMD_VFREE, b, reply.results[0], &reply, NULL);
	expect_silent(vf, "the last vfree");
	assert_int_equal(guest_exit(t->vm, 0, &ev), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		VM_TEST(test_page_already_exists, 2level_64M),
		VM_TEST(test_page_already_exists, pae_64M),
	};

	testvm_start("alloc_area_pte");
	return cmocka_run_group_tests_name("alloc_area_pte", tests, NULL, NULL);
}
