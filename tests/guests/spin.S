/* Spins forever without exits: only --timeout can stop it. */
#include "mini.inc"
	multiboot_header
	.globl _start
_start:
	puts msg
1:	jmp 1b
	.data
msg:	.asciz "spin: spinning forever\n"
