/*
 * Two vCPUs, both halted with interrupts off: the boot CPU once it has
 * printed, the AP at ap_startup_32.  Under the in-kernel LAPIC a HLT stays
 * inside KVM_RUN and no interrupt will ever come, so only --timeout (its
 * kicks) can stop the VM.  Expect a timeout, exit status 124.
 */
#include "mini.inc"
	multiboot_header
	.globl _start
_start:
	puts msg
	movl $1, bsp_ready
1:	cli
	hlt
	jmp 1b

	.globl ap_startup_32
ap_startup_32:
	ap_wait_for_bsp
2:	cli
	hlt
	jmp 2b

	.data
	.balign 4
bsp_ready:
	.long 0
msg:	.asciz "smp_halt: both CPUs halting with interrupts off\n"
