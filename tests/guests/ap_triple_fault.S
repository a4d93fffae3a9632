/*
 * Two vCPUs: the boot CPU waits in a loop that makes no exit; the AP, at
 * ap_startup_32, triple-faults (empty IDT).  The VMM must stop the whole
 * VM and name vCPU 1.  Expect a triple fault, exit status 71.
 */
#include "mini.inc"
	multiboot_header
	.globl _start
_start:
	puts msg
	movl $1, bsp_ready
1:	pause
	jmp 1b

	.globl ap_startup_32
ap_startup_32:
1:	pause			/* until the boot CPU has printed its line */
	cmpl $0, bsp_ready
	je 1b
	lidt idt_empty
	int3			/* #BP -> no IDT entry -> #GP -> #DF -> shutdown */
	jmp .

	.data
bsp_ready:
	.long 0
msg:	.asciz "ap_triple_fault: boot CPU waiting\n"
	.balign 8
idt_empty:
	.word 0
	.long 0
