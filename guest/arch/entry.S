/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exception entry (Linux 2.4 arch/i386/kernel/entry.S): one stub per
 * vector 0..31 pushes a zero error code where the CPU pushes none and
 * the vector, then common code saves the rest of struct pt_regs
 * (ptrace.h) and calls do_exception(regs).  A handler that returns
 * resumes at regs->eip (a fixup may have changed it).
 *
 * The local APIC's vectors (2.4's BUILD_SMP_INTERRUPT) have an entry each
 * that saves the same struct pt_regs and calls its C handler.
 */
#include "boot_defs.h"

	.text

	.macro EXC_NOERR vec
	.balign 16
	pushl $0
	pushl $\vec
	jmp exception_common
	.endm

	.macro EXC_ERR vec
	.balign 16
	pushl $\vec
	jmp exception_common
	.endm

	.balign 16
	.globl exception_stubs
exception_stubs:
	EXC_NOERR 0	/* #DE */
	EXC_NOERR 1	/* #DB */
	EXC_NOERR 2	/* NMI */
	EXC_NOERR 3	/* #BP */
	EXC_NOERR 4	/* #OF */
	EXC_NOERR 5	/* #BR */
	EXC_NOERR 6	/* #UD */
	EXC_NOERR 7	/* #NM */
	EXC_ERR 8	/* #DF */
	EXC_NOERR 9	/* coprocessor segment overrun */
	EXC_ERR 10	/* #TS */
	EXC_ERR 11	/* #NP */
	EXC_ERR 12	/* #SS */
	EXC_ERR 13	/* #GP */
	EXC_ERR 14	/* #PF */
	EXC_NOERR 15
	EXC_NOERR 16	/* #MF */
	EXC_ERR 17	/* #AC */
	EXC_NOERR 18	/* #MC */
	EXC_NOERR 19	/* #XM */
	EXC_NOERR 20	/* #VE */
	EXC_ERR 21	/* #CP */
	EXC_NOERR 22
	EXC_NOERR 23
	EXC_NOERR 24
	EXC_NOERR 25
	EXC_NOERR 26
	EXC_NOERR 27
	EXC_NOERR 28	/* #HV */
	EXC_ERR 29	/* #VC */
	EXC_ERR 30	/* #SX */
	EXC_NOERR 31

/*
 * The frame every entry builds under the vector and error code (struct
 * pt_regs, from %ebx up), and its undoing: 2.4's SAVE_ALL and RESTORE_ALL.
 */
	.macro SAVE_ALL
	cld
	pushl %es
	pushl %ds
	pushl %eax
	pushl %ebp
	pushl %edi
	pushl %esi
	pushl %edx
	pushl %ecx
	pushl %ebx
	movl $__KERNEL_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	.endm

	.macro RESTORE_ALL
	popl %ebx
	popl %ecx
	popl %edx
	popl %esi
	popl %edi
	popl %ebp
	popl %eax
	popl %ds
	popl %es
	.endm

exception_common:
	SAVE_ALL
	pushl %esp			/* struct pt_regs * */
	call do_exception
	addl $4, %esp
	RESTORE_ALL
	addl $8, %esp			/* vector, error code */
	iret

/* Vector vec's entry: the frame of exception_common, then fn(regs). */
	.macro BUILD_INTERRUPT name, fn, vec
	.globl \name
	.balign 16
\name:
	pushl $0
	pushl $\vec
	SAVE_ALL
	pushl %esp
	call \fn
	addl $4, %esp
	RESTORE_ALL
	addl $8, %esp
	iret
	.endm

	BUILD_INTERRUPT call_function_interrupt, smp_call_function_interrupt, 0xfb
	BUILD_INTERRUPT reschedule_interrupt, smp_reschedule_interrupt, 0xfc
	BUILD_INTERRUPT spurious_interrupt, smp_spurious_interrupt, 0xff
