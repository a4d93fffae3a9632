// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the checker (check.c and its rules) over a fake guest
 * (fakeguest.h: RAM and symbols, no KVM).  The checker asks KVM two things
 * of vCPU 0, its control registers (KVM_GET_SREGS) and KVM_TRANSLATE; with
 * no KVM here, this harness answers them (the link wraps vcpu_get_sregs and
 * vcpu_translate): the registers come from the input, and the translation
 * is the walker's own over those registers, or, when the input says so, a
 * wrong one (so that M7 has something to find).  The probe rules (T1-T4,
 * H1) run guest code and are not fuzzed: only CHECK_STATIC.  Input:
 *   byte 0       bit 0 CR4.PAE, 1 CR4.PSE, 2 CR4.PGE, 3 EFER.NXE,
 *                4 KVM_TRANSLATE disagrees with the walker
 *   bytes 1-4    CR3
 *   bytes 5-68   the operation (struct check_op: cmd, args[6], status, results[8])
 *   bytes 69-72  n: how many bytes of the rest are guest RAM
 *   n bytes      guest RAM from FAKE_INPUT_PA (the kernel's variables first)
 *   the rest     patches, 8 bytes each (gpa, 32-bit value): what the
 *                operation changed
 * The first snapshot is taken on the RAM (check_ctx_init), then the patches
 * are applied and the static rules judge the operation against it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/mmu.h"
#include "tests/fuzz/fakeguest.h"
#include "tests/fuzz/ram.h"
#include "vmm/core/core.h"
#include "vmm/inspect/inspect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int __wrap_vcpu_get_sregs(struct vcpu *vcpu, struct kvm_sregs *sregs);
int __wrap_vcpu_translate(struct vcpu *vcpu, uint64_t va, bool *valid, uint64_t *pa);

static struct {
	uint8_t flags;
	uint32_t cr3;
} regs;

int __wrap_vcpu_get_sregs(struct vcpu *vcpu, struct kvm_sregs *sregs)
{
	if (vcpu->id != 0)
		abort(); /* the checker asks of vCPU 0 only */
	memset(sregs, 0, sizeof(*sregs));
	sregs->cr0 = X86_CR0_PG | X86_CR0_PE;
	sregs->cr3 = regs.cr3;
	sregs->cr4 = ((regs.flags & 1) ? X86_CR4_PAE : 0) | ((regs.flags & 2) ? X86_CR4_PSE : 0) |
		     ((regs.flags & 4) ? X86_CR4_PGE : 0);
	sregs->efer = (regs.flags & 8) ? EFER_NXE : 0;
	return 0;
}

int __wrap_vcpu_translate(struct vcpu *vcpu, uint64_t va, bool *valid, uint64_t *pa)
{
	struct walk_ctx ctx = {
		.read = walk_read_gmem,
		.read_ctx = &vcpu->vm->mem,
		.mode = (regs.flags & 1) ? WALK_PAE : WALK_2LEVEL,
		.cr3 = regs.cr3,
		.pse = regs.flags & 2,
		.nxe = regs.flags & 8,
		.ram_size = vcpu->vm->mem.size,
	};
	struct walk_result res;

	*valid = walk(&ctx, va, &res) == WALK_OK;
	*pa = *valid ? res.pa : 0;
	if (regs.flags & 16)
		*pa ^= PAGE_SIZE;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fake_guest g;
	static FILE *null;
	struct fuzz_input in = { data, size };
	struct check_op op;
	struct check_report *rep;
	struct check_ctx *ck = NULL;
	char err[256] = "";
	uint32_t n;
	int ret;

	if (!null) {
		fake_guest_init(&g);
		/* FUZZ_VERBOSE=1: the reports on stderr, to see what a seed reaches. */
		null = getenv("FUZZ_VERBOSE") ? stderr : fopen("/dev/null", "w");
		if (!null)
			abort();
	}
	regs.flags = fuzz_u8(&in);
	regs.cr3 = fuzz_u32(&in);
	op.cmd = fuzz_u32(&in);
	for (int i = 0; i < 6; i++)
		op.args[i] = fuzz_u32(&in);
	op.status = fuzz_u32(&in);
	for (int i = 0; i < 8; i++)
		op.results[i] = fuzz_u32(&in);
	n = fuzz_u32(&in);
	if (n > in.left)
		n = (uint32_t)in.left;
	fake_guest_fill(&g, in.p, n);
	in.p += n;
	in.left -= n;

	ret = check_ctx_init(&ck, g.vm, &g.syms, err, sizeof(err));
	if (ret) {
		if (!err[0])
			abort(); /* a refusal says why */
		if (null == stderr)
			fprintf(stderr, "check_ctx_init: %d: %s\n", ret, err);
		return 0;
	}
	while (in.left >= 8) {
		uint32_t gpa = fuzz_u32(&in), val = fuzz_u32(&in);

		gmem_write32(&g.vm->mem, gpa, val);
	}
	rep = malloc(sizeof(*rep));
	if (!rep)
		abort();
	ret = check_guest(ck, &op, CHECK_STATIC, rep);
	if (ret && !rep->err[0])
		abort();
	if (rep->nr_violations > 0 && rep->v[0].rule[0] == '\0')
		abort(); /* a violation names its rule */
	check_report_print(null, rep);
	/* And again with nothing done: the second snapshot compared with the first. */
	if (null == stderr)
		fprintf(stderr, "check_guest: %d (%s), %u rules, %u violations\n", ret, rep->err,
			rep->rules_run, rep->nr_violations);
	if (ret == 0)
		check_guest(ck, NULL, CHECK_STATIC, rep);
	free(rep);
	check_ctx_free(ck);
	return 0;
}
