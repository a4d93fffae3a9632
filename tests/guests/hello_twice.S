/* Announces its mailbox twice: the second HELLO is a protocol error (74). */
#include "hostile.inc"
	multiboot_header
	.globl _start
_start:
	outl_to PORT_HELLO, $mbox
	outl_to PORT_HELLO, $mbox2
	outl_to PORT_EXIT, $0
	mailbox mbox
	mailbox mbox2
