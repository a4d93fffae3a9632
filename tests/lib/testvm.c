// SPDX-License-Identifier: GPL-2.0
#include "tests/lib/testvm.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

struct vm_config testvm_config(void)
{
	const char *verbose = getenv("TEST_VERBOSE");

	return (struct vm_config){
		.ram_size = 64ull << 20,
		.nr_vcpus = 1,
		.paging = PAGING_2LEVEL,
		.timeout_sec = 60,
		.console = verbose && *verbose == '1' ? stdout : NULL,
	};
}

void testvm_boot(struct testvm *t, const char *path, const struct vm_config *cfg)
{
	char err[VM_ERR_LEN];

	memset(t, 0, sizeof(*t));
	if (elf_image_open(path, cfg->ram_size, &t->img, err, sizeof(err)) != ELF_OK)
		fail_msg("loading %s: %s", path, err);
	if (vm_create(&t->vm, cfg, err, sizeof(err))) {
		elf_image_close(&t->img);
		fail_msg("creating the VM: %s", err);
	}
	if (vm_boot(t->vm, &t->img, err, sizeof(err))) {
		testvm_destroy(t);
		fail_msg("booting %s: %s", path, err);
	}
}

void testvm_destroy(struct testvm *t)
{
	vm_destroy(t->vm);
	t->vm = NULL;
	elf_image_close(&t->img);
}

const char *testvm_where(void)
{
	const char *mmu = getenv("KVM_RUN_MMU");

	if (getenv("KVM_RUN_NESTED") && mmu && !strcmp(mmu, "shadow"))
		return "nested KVM (kvm_amd npt=0: shadow paging)";
	if (getenv("KVM_RUN_NESTED"))
		return "nested KVM (kvm_amd npt=1: nested paging)";
	return "host KVM";
}
