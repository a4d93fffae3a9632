/*
 * Two vCPUs: the boot CPU halts with interrupts off once it has printed
 * (inside KVM_RUN, under the in-kernel LAPIC); the AP spins with interrupts
 * off, making no exit.  Only --timeout can stop the VM: exit status 124.
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
	cli
2:	jmp 2b

	.data
	.balign 4
bsp_ready:
	.long 0
msg:	.asciz "smp_spin: boot CPU halted, AP spinning with interrupts off\n"
