/*
 * Two vCPUs: the AP writes the exit port, which only the boot CPU may
 * use.  Expect a protocol error naming vCPU 1, exit status 74, while the
 * boot CPU waits in a loop that makes no exit.
 */
#include "mini.inc"
	multiboot_header
	.globl _start
_start:
	puts msg
	movl $1, bsp_ready
1:	pause
	jmp 1b

	.globl ap_startup_32
ap_startup_32:
1:	pause			/* until the boot CPU has printed its line */
	cmpl $0, bsp_ready
	je 1b
	movl $3, %eax
	movw $PORT_EXIT, %dx
	outl %eax, %dx
	jmp .

	.data
bsp_ready:
	.long 0
msg:	.asciz "ap_exit_port: boot CPU waiting\n"
