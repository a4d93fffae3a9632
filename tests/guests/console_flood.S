/* 100 MiB to the console, 4 KiB per rep outsb, each block full of escape
 * sequences; then exit 0.  The host's memory must stay bounded, the echo
 * rate-limited and escaped. */
#include "hostile.inc"
	multiboot_header
	.globl _start
_start:
	movl $buf, %edi			/* fill buf with "\033[2J flood\n" repeated */
	movl $4096 / 16, %ecx
1:	movl $pattern, %esi
	movsl
	movsl
	movsl
	movsl
	loop 1b
	movl $25600, %ebx		/* 25600 x 4 KiB = 100 MiB */
	movw $PORT_CONSOLE, %dx
2:	movl $buf, %esi
	movl $4096, %ecx
	cld
	rep outsb
	decl %ebx
	jnz 2b
	outl_to PORT_EXIT, $0
	.data
	.balign 16
pattern: .ascii "\033[2J\033]0;x\007flood\n"	/* 16 bytes */
	.bss
	.balign 16
buf:	.space 4096
