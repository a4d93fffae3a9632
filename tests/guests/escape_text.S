/* Escape sequences on every text path a tiny guest reaches: the console,
 * the self-test names (it answers CMD_SELFTEST with one test named by an
 * escape sequence) and, for CMD_EXIT with a non-zero status (the failed
 * self-test), an oops whose text is escapes too (75). */
#include "hostile.inc"
	multiboot_header
	.globl _start
_start:
	puts console
	outl_to PORT_HELLO, $mbox
1:	outl_to PORT_DOORBELL, $DB_READY
	movl mbox + MBOX_OFF_CMD, %eax
	cmpl $CMD_SELFTEST, %eax
	je 2f
	cmpl $CMD_EXIT, %eax
	je 3f
	movl $ST_UNKNOWN_CMD, mbox + MBOX_OFF_STATUS
	jmp 1b
2:	movl $1, mbox + MBOX_OFF_RESULTS	/* one self-test */
	movl $ST_EINVAL, mbox + MBOX_OFF_STATUS
	cmpl $0, mbox + MBOX_OFF_ARGS
	jne 1b
	mailbox_text mbox, name
	movl $ST_FAIL, mbox + MBOX_OFF_STATUS
	jmp 1b
3:	mailbox_text mbox, oops
	movl $14, mbox + MBOX_OFF_EXC + EXC_OFF_VECTOR
	movl $1, mbox + MBOX_OFF_EXC + EXC_OFF_VALID
	outl_to PORT_DOORBELL, $DB_OOPS
	outl_to PORT_EXIT, $0
	.data
console: .asciz "console \033[31mred\033[0m \033]0;title\007 \233\061J del\177 tab\tend\n"
name:	.asciz "name\033[2K\r\033[1Aforged\nwhy \033[5m\n"
oops:	.asciz "oops \033[H\033[2J\n"
	mailbox mbox
