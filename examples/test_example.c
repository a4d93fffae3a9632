// SPDX-License-Identifier: GPL-2.0
/*
 * A host test of your own, in one file: copy it, keep the frame (setup,
 * teardown, main) and change the test.
 *
 * It boots guest.elf on KVM through the public API alone: vmm/core/core.h
 * runs the guest and sends it commands, vmm/inspect/inspect.h reads its
 * page tables with the host's walker.  The test asks the guest to
 * vmalloc() AREA_PAGES pages, checks each page's PTE (present, writable,
 * a frame inside guest RAM, exactly PAGE_KERNEL's flags), vfree()s the
 * area, and then has the guest read every page, which must fault: a
 * not-present #PF whose CR2 is the address read.  A failure prints the
 * expected value, the actual one and the page-table walk.
 *
 * Build and run it from the repository root (it needs KVM: tools/kvm-run
 * uses /dev/kvm, or a nested machine where there is none):
 *
 *     make example
 *
 * which builds build/examples/test_example, linked with the three layer
 * archives build/libvmm-{cli,inspect,core}.a and -lcmocka -lelf -ljansson
 * -lpthread, and runs `tools/kvm-run build/examples/test_example`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "shared/mmu.h"
#include "vmm/core/core.h"
#include "vmm/inspect/inspect.h"

#define AREA_PAGES 5

/* One booted guest: what setup made and teardown frees. */
struct guest {
	struct elf_image img;
	struct sym_table syms;
	struct vm *vm;
};

static void guest_free(struct guest *g)
{
	vm_destroy(g->vm);
	sym_free(&g->syms);
	elf_image_close(&g->img);
	free(g);
}

/*
 * CMocka setup: *state points at the paging mode; boot guest.elf in it to
 * its first DB_READY and replace *state with the guest.  A failed setup
 * gets no teardown, so it frees what it made before returning -1.
 */
static int setup(void **state)
{
	struct vm_config cfg = {
		.ram_size = 64ull << 20,
		.nr_vcpus = 1,
		.paging = *(const enum paging_mode *)*state,
		.timeout_sec = 60,
	};
	char err[VM_ERR_LEN];
	struct vm_event ev;
	struct guest *g;

	g = calloc(1, sizeof(*g));
	if (!g)
		return -1;
	if (elf_image_open("guest.elf", cfg.ram_size, &g->img, err, sizeof(err)) ||
	    sym_load_image(&g->syms, &g->img, err, sizeof(err)) ||
	    vm_create(&g->vm, &cfg, err, sizeof(err)) ||
	    vm_boot(g->vm, &g->img, &g->syms, err, sizeof(err))) {
		print_error("booting guest.elf: %s\n", err);
		guest_free(g);
		return -1;
	}
	if (guest_wait_ready(g->vm, &ev)) {
		print_error("guest.elf did not get ready: %s: %s\n", vm_event_name(ev.kind),
			    ev.msg);
		guest_free(g);
		return -1;
	}
	*state = g;
	return 0;
}

/* CMocka runs it after every test whose setup succeeded, passed or failed. */
static int teardown(void **state)
{
	guest_free(*state);
	return 0;
}

static void test_vmalloc_vfree(void **state)
{
	struct guest *g = *state;
	uint32_t addr, i, size = AREA_PAGES * PAGE_SIZE;
	struct guest_reply reply;
	struct guest_probe probe;
	struct walk_result res;
	struct walk_ctx ctx;
	struct vm_event ev;
	uint64_t cr4, prot;
	char err[256];

	if (guest_vmalloc(g->vm, CMD_VMALLOC, size, &addr, &reply, &ev))
		fail_msg("vmalloc(%u): %s", size, ev.msg);
	if (!addr)
		fail_msg("vmalloc(%u): expected an area, got NULL", size);

	/* The walker reads the tables vCPU 0 runs on now (CR3, CR4.PAE, RAM size). */
	if (inspect_walk_ctx(g->vm, &ctx, err, sizeof(err)))
		fail_msg("%s", err);
	if (inspect_cr4(g->vm, &cr4, err, sizeof(err)))
		fail_msg("%s", err);
	/* PAGE_KERNEL: present, RW, accessed, dirty; global where the CPU has PGE. */
	prot = __PAGE_KERNEL | ((cr4 & X86_CR4_PGE) ? _PAGE_GLOBAL : 0);
	for (i = 0; i < AREA_PAGES; i++) {
		uint64_t va = addr + i * PAGE_SIZE;

		walk(&ctx, va, &res);
		if (res.status != WALK_OK || res.leaf_level != WALK_PTE || !res.writable ||
		    res.pa >= g->vm->mem.size || (res.leaf & _PAGE_FLAGS_MASK) != prot) {
			walk_fprint(stderr, &res);
			fail_msg("page %u of the area at 0x%08llx: expected a present, writable "
				 "PTE with flags 0x%03llx and a frame below 0x%llx; actual: %s, "
				 "PTE 0x%llx, frame 0x%llx",
				 i, (unsigned long long)va, (unsigned long long)prot,
				 (unsigned long long)g->vm->mem.size, walk_status_str(res.status),
				 (unsigned long long)res.leaf, (unsigned long long)res.page_base);
		}
	}

	if (guest_vfree(g->vm, addr, &reply, &ev))
		fail_msg("vfree(0x%08x): %s", addr, ev.msg);
	for (i = 0; i < AREA_PAGES; i++) {
		uint32_t va = addr + i * PAGE_SIZE;

		if (guest_probe(g->vm, va, PROBE_READ, 0, &probe, &ev))
			fail_msg("probe of 0x%08x: %s", va, ev.msg);
		if (!probe.faulted || probe.vector != X86_TRAP_PF || (probe.error_code & PF_PROT) ||
		    probe.cr2 != va) {
			walk(&ctx, va, &res);
			walk_fprint(stderr, &res);
			fail_msg("page %u at 0x%08x after vfree: expected a not-present #PF with "
				 "CR2 0x%08x; actual: faulted %d, vector %u, error code 0x%x, CR2 "
				 "0x%08x, value read 0x%08x",
				 i, va, va, probe.faulted, probe.vector, probe.error_code,
				 probe.cr2, probe.value);
		}
	}
}

int main(void)
{
	static const enum paging_mode two_level = PAGING_2LEVEL, pae = PAGING_PAE;
	/* The same test in both paging modes: each entry's initial_state is what
	 * setup gets in *state (cmocka_unit_test_prestate_setup_teardown, named). */
	const struct CMUnitTest tests[] = {
		{ .name = "vmalloc_vfree_2level",
		  .test_func = test_vmalloc_vfree,
		  .setup_func = setup,
		  .teardown_func = teardown,
		  .initial_state = (void *)&two_level },
		{ .name = "vmalloc_vfree_pae",
		  .test_func = test_vmalloc_vfree,
		  .setup_func = setup,
		  .teardown_func = teardown,
		  .initial_state = (void *)&pae },
	};

	return cmocka_run_group_tests_name("example", tests, NULL, NULL);
}
