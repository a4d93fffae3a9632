/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the KVM tests: boot a guest ELF, describe where we run. */
#ifndef TESTS_LIB_TESTVM_H
#define TESTS_LIB_TESTVM_H

#include "vmm/elf.h"
#include "vmm/vm.h"

/* Paths of built guests, relative to the repository root (where tests run). */
#define GUEST_ELF "guest.elf"
#define TEST_GUEST(name) "build/tests/guests/" name ".elf"

struct testvm {
	struct vm *vm;
	struct elf_image img;
};

/* Load path and boot it with cfg; fails the current test on any error. */
void testvm_boot(struct testvm *t, const char *path, const struct vm_config *cfg);
void testvm_destroy(struct testvm *t);

/* A default configuration: 64M, one vCPU, 2-level paging, 30 s timeout,
 * console captured only (set TEST_VERBOSE=1 to echo it). */
struct vm_config testvm_config(void);

/* "nested KVM, npt" / "nested KVM, shadow" / "host KVM": printed by each
 * test binary so logs say which MMU the results came from. */
const char *testvm_where(void);

#endif /* TESTS_LIB_TESTVM_H */
