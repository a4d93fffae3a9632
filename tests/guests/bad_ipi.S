/* Writes to 0xf7, once PORT_IPI: the port is gone (IPIs go through the
 * in-kernel LAPIC now), so this is unexpected port I/O like any other. */
#include "mini.inc"
	multiboot_header
	.globl _start
_start:
	puts msg
	movl $5, %eax
	movw $0xf7, %dx
	outl %eax, %dx
	jmp .
	.data
msg:	.asciz "bad_ipi: writing to the old IPI port\n"
