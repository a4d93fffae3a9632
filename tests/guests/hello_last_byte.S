/* HELLO with the last byte of RAM (from the Multiboot memory map's
 * mem_upper): the mailbox would run past the end of RAM (74). */
#include "hostile.inc"
	multiboot_header
	.globl _start
_start:
	movl 8(%ebx), %eax		/* mem_upper: KiB above 1 MiB */
	addl $1024, %eax
	shll $10, %eax
	decl %eax
	movw $PORT_HELLO, %dx
	outl %eax, %dx
	outl_to PORT_EXIT, $0
