/* A panic whose text_len claims 1 MiB, with escape sequences in the text:
 * the host reads at most the buffer (MBOX_TEXT bytes), shows it escaped,
 * and exits 75. */
#include "hostile.inc"
	multiboot_header
	.globl _start
_start:
	outl_to PORT_HELLO, $mbox
	mailbox_text mbox, text
	movl $0x100000, mbox + MBOX_OFF_TEXT_LEN
	outl_to PORT_DOORBELL, $DB_PANIC
	outl_to PORT_EXIT, $0
	.data
text:	.asciz "huge \033[2J\033]0;owned\007 text"
	mailbox mbox
