/* Triple fault: an empty IDT, then an exception.  Expect KVM_EXIT_SHUTDOWN. */
#include "mini.inc"
	multiboot_header
	.globl _start
_start:
	puts msg
	lidt idt_empty
	int3			/* #BP -> no IDT entry -> #GP -> #DF -> shutdown */
	jmp .
	.data
msg:	.asciz "triple_fault: about to fault with an empty IDT\n"
	.balign 8
idt_empty:
	.word 0
	.long 0
