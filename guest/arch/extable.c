// SPDX-License-Identifier: GPL-2.0
/* The exception table and the probes built on it (Linux 2.4 arch/i386/mm/extable.c). */
#include <errno.h>
#include <extable.h>
#include <kernel.h>

extern const struct exception_table_entry __start___ex_table[], __stop___ex_table[];

struct fault_record last_fault_cpu[NR_CPUS];

/* The table is short (one entry per probe site): a linear search will do. */
const struct exception_table_entry *search_exception_table(unsigned long addr)
{
	const struct exception_table_entry *e;

	for (e = __start___ex_table; e < __stop___ex_table; e++)
		if (e->insn == addr)
			return e;
	return NULL;
}

int fixup_exception(struct pt_regs *regs, unsigned long cr2)
{
	const struct exception_table_entry *e = search_exception_table(regs->eip);
	struct fault_record *f;

	if (!e)
		return 0;
	f = &last_fault;
	f->vector = regs->vector;
	f->error_code = regs->error_code;
	f->cr2 = cr2;
	f->eip = regs->eip;
	f->count++;
	regs->eip = e->fixup;
	return 1;
}

int probe_read_u32(unsigned long addr, uint32_t *val)
{
	int err = 0;
	uint32_t v = 0;

	__asm__ __volatile__("1:	movl (%2), %1\n"
			     "2:\n"
			     ".pushsection .fixup, \"ax\"\n"
			     "3:	movl %3, %0\n"
			     "	jmp 2b\n"
			     ".popsection\n" _ASM_EXTABLE(1b, 3b)
			     : "+r"(err), "+r"(v)
			     : "r"(addr), "i"(-EFAULT)
			     : "memory");
	*val = v;
	return err;
}

int probe_write_u32(unsigned long addr, uint32_t val)
{
	int err = 0;

	__asm__ __volatile__("1:	movl %1, (%2)\n"
			     "2:\n"
			     ".pushsection .fixup, \"ax\"\n"
			     "3:	movl %3, %0\n"
			     "	jmp 2b\n"
			     ".popsection\n" _ASM_EXTABLE(1b, 3b)
			     : "+r"(err)
			     : "r"(val), "r"(addr), "i"(-EFAULT)
			     : "memory");
	return err;
}
