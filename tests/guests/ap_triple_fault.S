/*
 * Two vCPUs: the boot CPU waits in a loop that makes no exit; the AP, at
 * ap_startup_32, triple-faults (empty IDT).  The VMM must stop the whole
 * VM and name vCPU 1.  Expect a triple fault, exit status 71.
 */
#include "mini.inc"
	multiboot_header
	.globl _start
_start:
	bsp_print_and_wait msg

	.globl ap_startup_32
ap_startup_32:
	ap_wait_for_bsp
	lidt idt_empty
	int3			/* #BP -> no IDT entry -> #GP -> #DF -> shutdown */
	jmp .

	.data
msg:	.asciz "ap_triple_fault: boot CPU waiting\n"
	.balign 8
idt_empty:
	.word 0
	.long 0
