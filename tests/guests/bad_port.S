/* Writes to a port nobody handles.  Expect an "unexpected port I/O" stop. */
#include "mini.inc"
	multiboot_header
	.globl _start
_start:
	puts msg
	movw $0x1234, %dx
	movb $0x42, %al
	outb %al, %dx
	jmp .
	.data
msg:	.asciz "bad_port: writing to port 0x1234\n"
