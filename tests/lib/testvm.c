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
#include <time.h>

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

int testvm_try_boot(struct testvm *t, const char *path, const struct vm_config *cfg, char *err,
		    size_t errlen)
{
	char msg[VM_ERR_LEN];
	int ret;

	memset(t, 0, sizeof(*t));
	ret = elf_image_open(path, cfg->ram_size, &t->img, msg, sizeof(msg));
	if (ret)
		return vmm_errf(err, errlen, ret, "loading %s: %s", path, msg);
	/* Test guests may have no symbols; vm_boot and testvm_boot_ready say when they must. */
	t->sym_ret = sym_load_image(&t->syms, &t->img, t->sym_err, sizeof(t->sym_err));
	ret = vm_create(&t->vm, cfg, msg, sizeof(msg));
	if (ret) {
		t->vm = NULL;
		testvm_destroy(t);
		return vmm_errf(err, errlen, ret, "creating the VM: %s", msg);
	}
	ret = vm_boot(t->vm, &t->img, &t->syms, msg, sizeof(msg));
	if (ret) {
		testvm_destroy(t);
		return vmm_errf(err, errlen, ret, "booting %s: %s", path, msg);
	}
	return 0;
}

void testvm_boot(struct testvm *t, const char *path, const struct vm_config *cfg)
{
	char err[VM_ERR_LEN + 256];

	if (testvm_try_boot(t, path, cfg, err, sizeof(err)))
		fail_msg("%s", err);
}

int testvm_try_boot_ready(struct testvm *t, const char *path, const struct vm_config *cfg,
			  char *err, size_t errlen)
{
	char console[2048];
	struct vm_event ev;
	int ret;

	ret = testvm_try_boot(t, path, cfg, err, errlen);
	if (ret)
		return ret;
	if (t->sym_ret) {
		ret = vmm_errf(err, errlen, t->sym_ret, "%s: no symbols: %s", path, t->sym_err);
		testvm_destroy(t);
		return ret;
	}
	ret = guest_wait_ready(t->vm, &ev);
	if (ret) {
		vm_console_tail(t->vm, console, sizeof(console));
		print_error("console:\n%s\n", console);
		ret = vmm_errf(err, errlen, ret, "%s did not reach DB_READY: %s: %s", path,
			       vm_event_name(ev.kind), ev.msg);
		testvm_destroy(t);
		return ret;
	}
	return 0;
}

void testvm_boot_ready(struct testvm *t, const char *path, const struct vm_config *cfg)
{
	char err[VM_ERR_LEN + 256];

	if (testvm_try_boot_ready(t, path, cfg, err, sizeof(err)))
		fail_msg("%s", err);
}

void testvm_walk_ctx(struct testvm *t, struct walk_ctx *ctx)
{
	if (inspect_walk_ctx(t->vm, ctx, NULL, 0))
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

static long vm_hwm_kib(void)
{
	char line[128];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

long testvm_peak_rss_kib(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");

	/* "5": reset the peak RSS to the current RSS (Linux 4.0 and later). */
	if (!f || fputs("5", f) < 0 || fclose(f)) {
		if (f)
			fclose(f);
		return -1;
	}
	return vm_hwm_kib();
}

long testvm_peak_rss_since(void)
{
	return vm_hwm_kib();
}

double testvm_cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
