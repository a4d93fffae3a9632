// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU's kernel stack, read after it is gone (inspect_stack_scan()).
 *
 * At KVM_EXIT_SHUTDOWN KVM has already reset the vCPU, so where a triple
 * fault happened is not in its registers; its stack is still in guest
 * memory.  Each guest CPU runs on a THREAD_SIZE block, aligned, whose
 * lowest word holds the CPU's number (guest/include/percpu.h): CPU 0's is
 * the aligned top of init_stack (arch/boot.S), an AP's top is
 * ap_boot_stack_top[cpu] (kernel/smp.c).  The scan prints every word of
 * the block that is a kernel text address, from the top, as 2.4's
 * show_trace() does: return addresses of the calls the CPU was in, and
 * below them older ones (without the stack pointer the two cannot be told
 * apart; a run of the same exception entry is a stack that filled up with
 * faults).  Every value read is the guest's: each is checked before use.
 */
#include "vmm/inspect/inspect.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "shared/abi.h"
#include "shared/layout.h"

#define STACK_SCAN_MAX 256 /* text addresses printed at most */

static int sym_addr(const struct sym_table *syms, const char *name, uint64_t *addr, char *err,
		    size_t errlen)
{
	if (sym_lookup(syms, name, addr, NULL))
		return vmm_errf(err, errlen, -ENOENT, "the guest ELF has no symbol %s", name);
	return 0;
}

/* The kernel virtual address of cpu's stack block (the lowest byte); 0 or -errno with err. */
static int stack_block(const struct guest_kernel *gk, const struct sym_table *syms,
		       unsigned int cpu, uint64_t *base, char *err, size_t errlen)
{
	uint64_t top;
	uint32_t val;
	int ret;

	if (cpu == 0) {
		ret = sym_addr(syms, "init_stack_top", &top, err, errlen);
		if (ret)
			return ret;
		top &= ~(uint64_t)(KERNEL_STACK_SIZE - 1);
	} else {
		ret = sym_addr(syms, "ap_boot_stack_top", &top, err, errlen);
		if (!ret)
			ret = inspect_read_kva32(gk, top + 4ull * cpu, &val, err, errlen);
		if (ret)
			return ret;
		top = val;
	}
	if (top & (KERNEL_STACK_SIZE - 1) || top < PAGE_OFFSET + KERNEL_STACK_SIZE)
		return vmm_errf(err, errlen, -EBADMSG,
				"CPU %u's stack top 0x%08" PRIx64
				" is not a THREAD_SIZE (%u)-aligned kernel address",
				cpu, top, KERNEL_STACK_SIZE);
	*base = top - KERNEL_STACK_SIZE;
	return 0;
}

int inspect_stack_scan(struct vm *vm, const struct sym_table *syms, unsigned int cpu, FILE *out,
		       char *err, size_t errlen)
{
	uint64_t base = 0, text = 0, etext = 0;
	struct guest_kernel gk;
	unsigned int off, shown = 0, more = 0;
	uint32_t word;
	char name[160];
	int ret;

	if (cpu >= MAX_CPUS)
		return vmm_errf(err, errlen, -EINVAL, "vCPU %u: at most %u CPUs", cpu, MAX_CPUS);
	ret = inspect_init(&gk, vm, syms, err, errlen);
	if (!ret)
		ret = sym_addr(syms, "_text", &text, err, errlen);
	if (!ret)
		ret = sym_addr(syms, "_etext", &etext, err, errlen);
	if (!ret)
		ret = stack_block(&gk, syms, cpu, &base, err, errlen);
	if (ret)
		return ret;
	ret = inspect_read_kva32(&gk, base, &word, err, errlen);
	if (ret)
		return ret;
	fprintf(out, "vCPU %u's kernel stack [0x%08" PRIx64 ", 0x%08" PRIx64 "): bottom word %u%s\n",
		cpu, base, base + KERNEL_STACK_SIZE, word,
		word == cpu ? " (its CPU number)"
			    : " (not its CPU number: the stack overflowed or was overwritten)");
	fprintf(out, "kernel text addresses on it, from the top (its oldest frames) down:\n");
	for (off = KERNEL_STACK_SIZE; off >= 8; off -= 4) {
		uint64_t at = base + off - 4;

		ret = inspect_read_kva32(&gk, at, &word, err, errlen);
		if (ret)
			return ret;
		if (word < text || word >= etext)
			continue;
		if (shown == STACK_SCAN_MAX) {
			more++;
			continue;
		}
		if (sym_format_addr(syms, word, name, sizeof(name)))
			snprintf(name, sizeof(name), "?");
		fprintf(out, "  0x%08" PRIx64 ": [<%08x>] %s\n", at, word, name);
		shown++;
	}
	if (more)
		fprintf(out, "  (%u more, further down)\n", more);
	if (!shown)
		fprintf(out, "  none\n");
	return 0;
}
