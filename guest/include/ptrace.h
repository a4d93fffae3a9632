/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The frame every exception stub builds (arch/entry.S), lowest address
 * first.  Kernel-mode faults only: the CPU pushes no esp/ss, so the
 * interrupted esp is the address just past eflags (see regs_esp()).
 */
#ifndef GUEST_PTRACE_H
#define GUEST_PTRACE_H

#include <stdint.h>

struct pt_regs {
	uint32_t ebx, ecx, edx, esi, edi, ebp, eax;
	uint32_t xds, xes;
	uint32_t vector;	   /* pushed by the stub */
	uint32_t error_code;	   /* pushed by the CPU, or 0 by the stub */
	uint32_t eip, xcs, eflags; /* pushed by the CPU */
};

static inline uint32_t regs_esp(const struct pt_regs *regs)
{
	return (uint32_t)(uintptr_t)&regs->eflags + sizeof(regs->eflags);
}

/* An exception nobody fixes up: report it (console, mailbox, DB_OOPS) and stop. */
void die(const char *str, struct pt_regs *regs, unsigned long cr2) __attribute__((noreturn));

/* The #PF path (mm/fault.c): vmalloc fault, then the exception table, then die(). */
void do_page_fault(struct pt_regs *regs, unsigned long address);

#endif /* GUEST_PTRACE_H */
