/* Prints a line and exits with status 42: console and exit status pass-through. */
#include "mini.inc"
	multiboot_header
	.globl _start
_start:
	cmpl $MULTIBOOT_BOOTLOADER_MAGIC, %eax
	jne 1f
	puts msg
	movl $42, %eax
	movw $PORT_EXIT, %dx
	outl %eax, %dx
1:	puts bad_magic
	movl $1, %eax
	movw $PORT_EXIT, %dx
	outl %eax, %dx
	.data
msg:	.asciz "exit_status: hello from a minimal guest\n"
bad_magic:
	.asciz "exit_status: EAX did not hold the Multiboot magic\n"
