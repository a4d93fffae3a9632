/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-smoke: the smallest real KVM user the runner test needs, built on the
 * VMM's core layer (which alone talks to /dev/kvm).  Boots the Multiboot
 * guest given as argv[1] (tests/guests/exit_status.S: it prints one line on
 * the debug port and exits with 42 through the exit port) in one vCPU with
 * 2-level paging, and checks that KVM delivered both: the console line
 * (KVM_EXIT_IO on port 0xE9) and the exit status (KVM_EXIT_IO on the exit
 * port).  Exit status 0 on success, 1 on any failure (message on stderr).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/core/core.h"

#define WANT_STATUS 42
#define WANT_LINE   "exit_status: hello from a minimal guest\n"

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v ? v : fallback;
}

int main(int argc, char **argv)
{
	struct vm_config cfg = {
		.ram_size = 64ull << 20,
		.nr_vcpus = 1,
		.paging = PAGING_2LEVEL,
		.timeout_sec = 30,
	};
	struct elf_image img;
	struct vm_event ev;
	struct vm *vm = NULL;
	char err[VM_ERR_LEN];
	char console[256];
	int rc = 1;

	if (argc != 2) {
		fprintf(stderr,
			"usage: kvm-smoke GUEST.elf (build/tests/guests/exit_status.elf)\n");
		return 1;
	}
	if (elf_image_open(argv[1], cfg.ram_size, &img, err, sizeof(err))) {
		fprintf(stderr, "kvm-smoke: FAIL: %s\n", err);
		return 1;
	}
	if (vm_create(&vm, &cfg, err, sizeof(err))) {
		fprintf(stderr, "kvm-smoke: FAIL: vm_create: %s\n", err);
		goto out_img;
	}
	if (vm_boot(vm, &img, NULL, err, sizeof(err))) {
		fprintf(stderr, "kvm-smoke: FAIL: vm_boot: %s\n", err);
		goto out_vm;
	}
	vm_run(vm, &ev);
	vm_console_tail(vm, console, sizeof(console));
	if (ev.kind != VM_EV_EXIT || ev.status != WANT_STATUS) {
		fprintf(stderr,
			"kvm-smoke: FAIL: wanted the guest's exit with status %d, got %s: %s\n",
			WANT_STATUS, vm_event_name(ev.kind), ev.msg);
		goto out_vm;
	}
	if (strcmp(console, WANT_LINE) != 0) {
		fprintf(stderr, "kvm-smoke: FAIL: console was \"%s\", wanted \"%s\"\n", console,
			WANT_LINE);
		goto out_vm;
	}
	printf("kvm-smoke: ok: console line then exit %d, %llu exits (nested=%s mmu=%s)\n",
	       ev.status, (unsigned long long)vm->nr_exits, env_or("KVM_RUN_NESTED", "unset"),
	       env_or("KVM_RUN_MMU", "host"));
	rc = 0;
out_vm:
	vm_destroy(vm);
out_img:
	elf_image_close(&img);
	return rc;
}
