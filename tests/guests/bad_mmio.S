/* Writes to guest-physical memory beyond RAM.  Expect an "unexpected MMIO" stop. */
#include "mini.inc"
	multiboot_header
	.globl _start
_start:
	puts msg
	movl $0xd0000000, %edi	/* above the largest guest RAM (3 GiB) */
	movl $0x1234, (%edi)
	jmp .
	.data
msg:	.asciz "bad_mmio: writing to 0xd0000000\n"
