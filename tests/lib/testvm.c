// SPDX-License-Identifier: GPL-2.0
#include "tests/lib/testvm.h"

#include "shared/mmu.h"
#include "vmm/inspect/inspect.h"

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
	if (elf_image_open(path, cfg->ram_size, &t->img, err, sizeof(err)))
		fail_msg("loading %s: %s", path, err);
	/* Test guests may have no symbols; vm_boot and testvm_boot_ready say when they must. */
	t->sym_ret = sym_load_image(&t->syms, &t->img, t->sym_err, sizeof(t->sym_err));
	if (vm_create(&t->vm, cfg, err, sizeof(err))) {
		sym_free(&t->syms);
		elf_image_close(&t->img);
		fail_msg("creating the VM: %s", err);
	}
	if (vm_boot(t->vm, &t->img, &t->syms, err, sizeof(err))) {
		testvm_destroy(t);
		fail_msg("booting %s: %s", path, err);
	}
}

void testvm_boot_ready(struct testvm *t, const char *path, const struct vm_config *cfg)
{
	char console[2048];
	struct vm_event ev;

	testvm_boot(t, path, cfg);
	if (t->sym_ret) {
		testvm_destroy(t);
		fail_msg("%s: no symbols: %s", path, t->sym_err);
	}
	if (guest_wait_ready(t->vm, &ev)) {
		vm_console_tail(t->vm, console, sizeof(console));
		print_error("console:\n%s\n", console);
		testvm_destroy(t);
		fail_msg("%s did not reach DB_READY: %s: %s", path, vm_event_name(ev.kind), ev.msg);
	}
}

void testvm_boot_checked(struct testvm *t, const char *path, const struct vm_config *cfg,
			 struct check_ctx **ck, struct guest_kernel *gk, const char *name)
{
	char err[256];
	int ret;

	testvm_boot_ready(t, path, cfg);
	ret = check_ctx_init(ck, t->vm, &t->syms, err, sizeof(err));
	if (ret)
		fail_msg("%s: check_ctx_init: %d: %s", name, ret, err);
	ret = inspect_init(gk, t->vm, &t->syms, err, sizeof(err));
	if (ret)
		fail_msg("%s: inspect_init: %d: %s", name, ret, err);
}

void testvm_walk_ctx(struct testvm *t, struct walk_ctx *ctx)
{
	if (inspect_walk_ctx(t->vm, ctx))
		fail_msg("KVM_GET_SREGS failed");
}

uint64_t testvm_sym_phys(struct testvm *t, const char *name, uint64_t *size)
{
	uint64_t addr, phys, sz;

	if (sym_lookup(&t->syms, name, &addr, &sz) != 0)
		fail_msg("guest symbol %s not found", name);
	if (sym_virt_to_phys(addr, &phys) != 0)
		fail_msg("guest symbol %s at 0x%llx is not in the direct map", name,
			 (unsigned long long)addr);
	if (size)
		*size = sz;
	return phys;
}

void testvm_call(struct testvm *t, uint32_t cmd, const uint32_t *args, unsigned int nargs,
		 struct guest_reply *reply)
{
	struct vm_event ev;

	if (guest_call(t->vm, cmd, args, nargs, reply, &ev))
		fail_msg("command %u: the VM stopped instead of answering: %s: %s", cmd,
			 vm_event_name(ev.kind), ev.msg);
}

void testvm_destroy(struct testvm *t)
{
	sym_free(&t->syms);
	vm_destroy(t->vm);
	t->vm = NULL;
	elf_image_close(&t->img);
}

void testvm_destroy_checked(struct testvm *t, struct check_ctx **ck)
{
	check_ctx_free(*ck);
	*ck = NULL;
	if (t->vm)
		testvm_destroy(t);
}

const char *testvm_where(void)
{
	const char *nested = getenv("KVM_RUN_NESTED");
	const char *mmu = getenv("KVM_RUN_MMU");

	if (!nested || strcmp(nested, "1"))
		return "host KVM";
	if (mmu && !strcmp(mmu, "shadow"))
		return "nested KVM (kvm_amd npt=0: shadow paging)";
	return "nested KVM (kvm_amd npt=1: nested paging)";
}

void testvm_start(const char *suite)
{
	const char *filter = getenv("TEST_FILTER");

	if (filter && *filter)
		cmocka_set_test_filter(filter);
	print_message("[ INFO     ] %s: running on %s\n", suite, testvm_where());
}
