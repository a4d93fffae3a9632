/*
 * Two vCPUs: the AP writes the exit port, which only the boot CPU may
 * use.  Expect a protocol error naming vCPU 1, exit status 74, while the
 * boot CPU waits in a loop that makes no exit.
 */
#include "mini.inc"
	multiboot_header
	.globl _start
_start:
	bsp_print_and_wait msg

	.globl ap_startup_32
ap_startup_32:
	ap_wait_for_bsp
	movl $3, %eax
	movw $PORT_EXIT, %dx
	outl %eax, %dx
	jmp .

	.data
msg:	.asciz "ap_exit_port: boot CPU waiting\n"
