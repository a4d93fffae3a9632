// SPDX-License-Identifier: GPL-2.0
#include "tests/lib/vmcase.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

const struct vm_case vm_cases[NR_VM_CASES] = {
	[VM_CASE_2level_64M] = { "2level 64M", PAGING_2LEVEL, 64ull << 20, 1 },
	[VM_CASE_pae_64M] = { "pae 64M", PAGING_PAE, 64ull << 20, 1 },
	[VM_CASE_2level_512M] = { "2level 512M", PAGING_2LEVEL, 512ull << 20, 1 },
	[VM_CASE_pae_512M] = { "pae 512M", PAGING_PAE, 512ull << 20, 1 },
	[VM_CASE_2level_1G] = { "2level 1G", PAGING_2LEVEL, 1ull << 30, 1 },
	[VM_CASE_pae_1G] = { "pae 1G", PAGING_PAE, 1ull << 30, 1 },
	[VM_CASE_2level_64M_2cpus] = { "2level 64M, 2 vCPUs", PAGING_2LEVEL, 64ull << 20, 2 },
	[VM_CASE_pae_64M_2cpus] = { "pae 64M, 2 vCPUs", PAGING_PAE, 64ull << 20, 2 },
	[VM_CASE_pae_64M_4cpus] = { "pae 64M, 4 vCPUs", PAGING_PAE, 64ull << 20, 4 },
	[VM_CASE_pae_256M] = { "pae 256M", PAGING_PAE, 256ull << 20, 1 },
	[VM_CASE_2level_64M_modern] = { "2level 64M, vmalloc=modern", PAGING_2LEVEL, 64ull << 20, 1,
					"vmalloc=modern" },
	[VM_CASE_pae_64M_modern] = { "pae 64M, vmalloc=modern", PAGING_PAE, 64ull << 20, 1,
				     "vmalloc=modern" },
	[VM_CASE_pae_64M_2cpus_modern] = { "pae 64M, 2 vCPUs, vmalloc=modern", PAGING_PAE,
					   64ull << 20, 2, "vmalloc=modern" },
};

bool vm_case_modern(const struct vm_case *c)
{
	return c->cmdline && strstr(c->cmdline, "vmalloc=modern");
}

static void vmfx_free(struct vmfx *f)
{
	check_ctx_free(f->ck);
	if (f->t.vm)
		testvm_destroy(&f->t);
	free(f);
}

/* Boot f->c with cmdline into f: 0, or -errno with err; f keeps only what
 * vmfx_free() releases. */
static int vmfx_boot(struct vmfx *f, const char *cmdline, char *err, size_t errlen)
{
	struct vm_config cfg = testvm_config();
	char msg[512];
	int ret;

	cfg.paging = f->c->paging;
	cfg.ram_size = f->c->ram;
	cfg.nr_vcpus = f->c->cpus;
	cfg.cmdline = cmdline;
	ret = testvm_try_boot_ready(&f->t, GUEST_ELF, &cfg, err, errlen);
	if (ret)
		return ret;
	ret = check_ctx_init(&f->ck, f->t.vm, &f->t.syms, msg, sizeof(msg));
	if (ret)
		return vmm_errf(err, errlen, ret, "check_ctx_init: %s", msg);
	ret = inspect_init(&f->gk, f->t.vm, &f->t.syms, msg, sizeof(msg));
	if (ret)
		return vmm_errf(err, errlen, ret, "inspect_init: %s", msg);
	ret = inspect_walk_ctx(f->t.vm, &f->wc, NULL, 0);
	if (ret)
		return vmm_errf(err, errlen, ret, "the walk context of vCPU 0 (KVM_GET_SREGS)");
	ret = inspect_vmalloc_start(&f->gk, &f->vmalloc_start, NULL, 0);
	if (ret)
		return vmm_errf(err, errlen, ret, "reading vmalloc_start");
	return 0;
}

int vmfx_setup_cmdline(void **state, const char *cmdline)
{
	const struct vm_case *c = *state ? *state : &vm_cases[0];
	char err[VM_ERR_LEN + 512], line[256];
	struct vmfx *f;

	f = calloc(1, sizeof(*f));
	if (!f) {
		print_error("%s: no memory for the fixture\n", c->name);
		return -1;
	}
	f->c = c;
	if (c->cmdline && cmdline)
		snprintf(line, sizeof(line), "%s %s", c->cmdline, cmdline);
	else
		snprintf(line, sizeof(line), "%s",
			 c->cmdline ? c->cmdline
			 : cmdline  ? cmdline
				    : "");
	if (vmfx_boot(f, line[0] ? line : NULL, err, sizeof(err))) {
		print_error("%s: %s\n", c->name, err);
		vmfx_free(f);
		return -1;
	}
	*state = f;
	return 0;
}

int vmfx_setup(void **state)
{
	return vmfx_setup_cmdline(state, NULL);
}

int vmfx_teardown(void **state)
{
	vmfx_free(*state);
	*state = NULL;
	return 0;
}

void vmfx_print_report(struct vmfx *f, const struct check_report *rep)
{
	unsigned int i, n = rep->nr_violations < CHECK_MAX_VIOLATIONS ? rep->nr_violations
								      : CHECK_MAX_VIOLATIONS;
	struct walk_result res;

	check_report_print(stderr, rep);
	testvm_walk_ctx(&f->t, &f->wc);
	for (i = 0; i < n && i < 8; i++) {
		if (!rep->v[i].va)
			continue;
		walk(&f->wc, rep->v[i].va, &res);
		walk_fprint(stderr, &res);
	}
}
