/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The KVM tests' cases and their fixture.  vm_cases[] is the one table of
 * guest configurations (paging x RAM x vCPUs); a test file picks its cases
 * from it by name.  vmfx_setup() boots a case's guest to its first
 * DB_READY with the checker and the inspection ready; vmfx_teardown()
 * frees all of it.  VM_TEST(fn, case) makes the CMocka test that runs fn
 * on that case between the two, so a failed case still frees its VM and
 * the cases after it run and report.
 */
#ifndef TESTS_LIB_VMCASE_H
#define TESTS_LIB_VMCASE_H

#include "tests/lib/testvm.h"

struct vm_case {
	const char *name; /* "pae 1G, 2 vCPUs": how messages name the case */
	enum paging_mode paging;
	uint64_t ram;
	unsigned int cpus;
	const char *cmdline; /* the guest's command line (NULL: none; "vmalloc=modern") */
};

/* The case boots vmalloc=modern (its command line says so). */
bool vm_case_modern(const struct vm_case *c);

/* The index of each case in vm_cases[]; VM_TEST() takes the part after VM_CASE_. */
enum vm_case_id {
	VM_CASE_2level_64M,
	VM_CASE_pae_64M,
	VM_CASE_2level_512M,
	VM_CASE_pae_512M,
	VM_CASE_2level_1G,
	VM_CASE_pae_1G,
	VM_CASE_2level_64M_2cpus,
	VM_CASE_pae_64M_2cpus,
	VM_CASE_pae_64M_4cpus,
	VM_CASE_pae_256M,
	VM_CASE_2level_64M_modern,
	VM_CASE_pae_64M_modern,
	VM_CASE_pae_64M_2cpus_modern,
	NR_VM_CASES
};

extern const struct vm_case vm_cases[NR_VM_CASES];

/* One booted guest.elf, with what the tests read it through. */
struct vmfx {
	const struct vm_case *c;
	struct testvm t;
	struct check_ctx *ck;	/* the checker over the guest's symbols */
	struct guest_kernel gk; /* vmlist, mem_map, zones */
	struct walk_ctx wc;	/* vCPU 0 at its first DB_READY */
	uint32_t vmalloc_start; /* as the guest computed it */
};

/* CMocka setup: *state is a struct vm_case * (NULL: vm_cases[0], for use
 * as a group setup); boots it and replaces *state with its struct vmfx *.
 * On failure it prints why, leaves nothing allocated and returns -1. */
int vmfx_setup(void **state);
/* The same, with cmdline added to the guest's command line (after the case's own). */
int vmfx_setup_cmdline(void **state, const char *cmdline);
/* CMocka teardown of vmfx_setup(): frees the VM, checker and fixture;
 * CMocka runs it whenever setup succeeded, even if the test failed. */
int vmfx_teardown(void **state);

/* The CMocka test "fn_<id>" running fn(void **state) on vm_cases[VM_CASE_<id>],
 * *state being its booted struct vmfx *; setup is vmfx_setup or a wrapper
 * of vmfx_setup_cmdline(). */
#define VM_TEST_SETUP(fn, id, setup)                                                               \
	{                                                                                          \
		.name = #fn "_" #id, .test_func = (fn), .setup_func = (setup),                     \
		.teardown_func = vmfx_teardown,                                                    \
		.initial_state = (void *)(uintptr_t)&vm_cases[VM_CASE_##id],                       \
	}
#define VM_TEST(fn, id) VM_TEST_SETUP(fn, id, vmfx_setup)

/* A failed check, to stderr: the report, then the walk (on vCPU 0's tables as
 * they are now) of each violation's address, the first eight. */
void vmfx_print_report(struct vmfx *f, const struct check_report *rep);

#endif /* TESTS_LIB_VMCASE_H */
