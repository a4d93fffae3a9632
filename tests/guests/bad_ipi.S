/* Sends an IPI to CPU 5 of a one-vCPU VM: a protocol error naming the port. */
#include "mini.inc"
	multiboot_header
	.globl _start
_start:
	puts msg
	movl $5, %eax
	movw $PORT_IPI, %dx
	outl %eax, %dx
	jmp .
	.data
msg:	.asciz "bad_ipi: waking CPU 5\n"
