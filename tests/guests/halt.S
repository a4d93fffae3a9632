/* cli; hlt without writing the exit port.  Expect "guest halted". */
#include "mini.inc"
	multiboot_header
	.globl _start
_start:
	puts msg
	cli
	hlt
	jmp .
	.data
msg:	.asciz "halt: halting with interrupts off\n"
