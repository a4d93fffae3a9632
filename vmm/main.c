// SPDX-License-Identifier: GPL-2.0
/*
 * ./vmm: boot a guest ELF on /dev/kvm.  The only place that exits.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/elf.h"
#include "vmm/exitcodes.h"
#include "vmm/guest.h"
#include "vmm/options.h"
#include "vmm/vm.h"

/* Run every guest self-test and print one line each; number failed, or -1. */
static int run_selftests(struct vm *vm, struct vm_event *ev)
{
	struct guest_reply reply;
	uint32_t i, count = 1;
	int failed = 0;

	for (i = 0; i < count; i++) {
		const char *name, *nl;

		if (guest_selftest(vm, i, &count, &reply, ev))
			return -1;
		if (reply.status == ST_EINVAL)
			break;
		name = reply.text;
		nl = strchr(name, '\n');
		printf("selftest %-28.*s %s\n", nl ? (int)(nl - name) : (int)strlen(name), name,
		       reply.status == ST_OK ? "passed" : "FAILED");
		if (reply.status != ST_OK) {
			failed++;
			if (nl)
				printf("%s\n", nl + 1);
		}
	}
	printf("selftests: %u passed, %d failed\n", count - failed, failed);
	return failed;
}

/* What the VM does once the guest is up; returns the exit status. */
static int drive_guest(struct vm *vm, const struct vmm_options *opts)
{
	struct vm_event ev;
	int failed = 0;

	if (guest_wait_ready(vm, &ev))
		goto stopped;
	if (opts->selftest) {
		failed = run_selftests(vm, &ev);
		if (failed < 0)
			goto stopped;
	}
	if (guest_exit(vm, failed ? 1 : 0, &ev) == 0)
		return ev.status;
stopped:
	if (ev.kind == VM_EV_EXIT)
		return ev.status;
	fflush(stdout);
	fprintf(stderr, "vmm: %s: %s\n", opts->guest_path, ev.msg);
	if (ev.kind != VM_EV_PROTOCOL)
		vcpu_dump_state(&vm->vcpus[0], stderr);
	return vm_event_exit_status(&ev);
}

int main(int argc, char **argv)
{
	struct vmm_options opts;
	struct elf_image img;
	char err[VM_ERR_LEN];
	enum elf_err elf_err;
	struct vm *vm;
	int status, ret;

	if (parse_options(argc, argv, &opts, err, sizeof(err))) {
		fprintf(stderr, "vmm: %s\n", err);
		return VMM_EXIT_USAGE;
	}
	if (opts.help) {
		print_usage(stdout, argv[0]);
		return 0;
	}
	if (opts.version) {
		printf("vmm: host/guest ABI version %u\n", VMM_ABI_VERSION);
		return 0;
	}
	if (!opts.quiet)
		opts.vm.console = stdout;

	/* The file is checked completely before any VM exists. */
	elf_err = elf_image_open(opts.guest_path, opts.vm.ram_size, &img, err, sizeof(err));
	if (elf_err != ELF_OK) {
		fprintf(stderr, "vmm: %s\n", err);
		return elf_err == ELF_ERR_OPEN ? VMM_EXIT_NO_INPUT : VMM_EXIT_BAD_ELF;
	}
	ret = vm_create(&vm, &opts.vm, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "vmm: %s\n", err);
		elf_image_close(&img);
		return vm_create_error_is_kvm(ret) ? VMM_EXIT_NO_KVM : VMM_EXIT_INTERNAL;
	}
	if (vm_boot(vm, &img, err, sizeof(err))) {
		fprintf(stderr, "vmm: %s\n", err);
		status = VMM_EXIT_INTERNAL;
	} else {
		status = drive_guest(vm, &opts);
	}
	elf_image_close(&img);
	vm_destroy(vm);
	return status;
}
