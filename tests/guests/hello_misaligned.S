/* Announces a mailbox one byte off its 4-byte alignment (magic and version
 * are there): a protocol error (74), not a mailbox read unaligned. */
#include "hostile.inc"
	multiboot_header
	.globl _start
_start:
	movl $MAILBOX_MAGIC, mbox + 1
	movl $VMM_ABI_VERSION, mbox + 5
	outl_to PORT_HELLO, $mbox + 1
	outl_to PORT_EXIT, $0
	mailbox mbox
