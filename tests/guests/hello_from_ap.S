/* Two vCPUs: the AP announces a mailbox, which only the boot CPU may (74). */
#include "hostile.inc"
	multiboot_header
	.globl _start
_start:
	bsp_print_and_wait msg

	.globl ap_startup_32
ap_startup_32:
	ap_wait_for_bsp
	outl_to PORT_HELLO, $mbox
	outl_to PORT_EXIT, $0
	jmp .

	.data
msg:	.asciz "hello_from_ap: boot CPU waiting\n"
	mailbox mbox
