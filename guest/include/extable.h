/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The exception table (Linux 2.4 include/asm-i386/uaccess.h): an
 * instruction that may fault is listed with the address to resume at.
 * Any exception at a listed instruction is recorded in last_fault and
 * resumed at the fixup; the probes below are built on it.
 */
#ifndef GUEST_EXTABLE_H
#define GUEST_EXTABLE_H

#include <stdint.h>

#include <percpu.h>
#include <ptrace.h>

struct exception_table_entry {
	unsigned long insn, fixup;
};

/* For inline asm: "1: <insn>" ... "3: <fixup>" ... _ASM_EXTABLE(1b, 3b). */
#define _ASM_EXTABLE(from, to)                                                                     \
	".pushsection __ex_table, \"a\"\n\t"                                                       \
	".balign 4\n\t"                                                                            \
	".long " #from ", " #to "\n\t"                                                             \
	".popsection\n\t"

/* What the last fixed-up exception was. */
struct fault_record {
	uint32_t vector;
	uint32_t error_code;
	uint32_t cr2;	/* meaningful for #PF only */
	uint32_t eip;	/* the faulting instruction */
	uint32_t count; /* fixed-up exceptions since boot */
};

/* Per CPU: probes run on every CPU at once; last_fault is the calling CPU's. */
extern struct fault_record last_fault_cpu[NR_CPUS];
#define last_fault (last_fault_cpu[smp_processor_id()])

const struct exception_table_entry *search_exception_table(unsigned long addr);

/* If regs->eip has a fixup: record the fault, resume there, return 1.  Else 0. */
int fixup_exception(struct pt_regs *regs, unsigned long cr2);

/*
 * Access one 32-bit word at any address; 0 on success, -EFAULT if the
 * access faulted (last_fault then says how).  Vmalloc faults are handled
 * before the fixup, so a probe sees through them.
 */
int probe_read_u32(unsigned long addr, uint32_t *val);
int probe_write_u32(unsigned long addr, uint32_t val);

#endif /* GUEST_EXTABLE_H */
