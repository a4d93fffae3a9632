/*
 * Takes an unexpected page fault and reports it the way the real guest
 * does: HELLO with its mailbox, then the exception in mailbox.exc and a
 * line of text, then DB_OOPS.  Expect a "guest oops" stop naming vector
 * 14 and CR2 0x00800000.
 */
#include "mini.inc"
#include "shared/mmu.h"

#define FAULT_ADDR 0x00800000

	multiboot_header
	.globl _start
_start:
	/* Multiboot leaves GDTR undefined: the gate below needs our own CS 0x08. */
	lgdt gdt_desc
	ljmp $0x08, $1f
1:	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl $stack_top, %esp
	puts msg
	/* HELLO: tell the VMM where the mailbox is. */
	movl $MAILBOX_MAGIC, mailbox + MBOX_OFF_MAGIC
	movl $VMM_ABI_VERSION, mailbox + MBOX_OFF_VERSION
	movl $mailbox, %eax
	movw $PORT_HELLO, %dx
	outl %eax, %dx
	/* IDT entry 14: a 32-bit interrupt gate to pf_handler in the boot CS (0x08). */
	movl $pf_handler, %eax
	movw %ax, idt + 14 * 8
	movw $0x08, idt + 14 * 8 + 2
	movw $0x8e00, idt + 14 * 8 + 4
	shrl $16, %eax
	movw %ax, idt + 14 * 8 + 6
	lidt idt_desc
	/* Identity-map the first 4 MiB with 4 KiB pages, then turn paging on. */
	movl $page_table, %edi
	movl $(_PAGE_PRESENT | _PAGE_RW), %eax
	movl $1024, %ecx
1:	stosl
	addl $PAGE_SIZE, %eax
	loop 1b
	movl $page_table + (_PAGE_PRESENT | _PAGE_RW), page_dir
	movl $page_dir, %eax
	movl %eax, %cr3
	movl %cr0, %eax
	orl $X86_CR0_PG, %eax
	movl %eax, %cr0
	movl FAULT_ADDR, %eax	/* not mapped: #PF */
	jmp .

pf_handler:
	movl $1, mailbox + MBOX_OFF_EXC + EXC_OFF_VALID
	movl $X86_TRAP_PF, mailbox + MBOX_OFF_EXC + EXC_OFF_VECTOR
	popl mailbox + MBOX_OFF_EXC + EXC_OFF_ERROR_CODE
	popl mailbox + MBOX_OFF_EXC + EXC_OFF_EIP
	popl mailbox + MBOX_OFF_EXC + EXC_OFF_CS
	popl mailbox + MBOX_OFF_EXC + EXC_OFF_EFLAGS
	movl %cr2, %eax
	movl %eax, mailbox + MBOX_OFF_EXC + EXC_OFF_CR2
	movl %cr3, %eax
	movl %eax, mailbox + MBOX_OFF_EXC + EXC_OFF_CR3
	movl $oops_text, %esi
	movl $mailbox + MBOX_OFF_TEXT, %edi
	movl $oops_len, %ecx
	movl %ecx, mailbox + MBOX_OFF_TEXT_LEN
	rep movsb
	movl $DB_OOPS, %eax
	movw $PORT_DOORBELL, %dx
	outl %eax, %dx
	cli
	hlt

	.data
msg:	.asciz "page_fault: reading an unmapped address with paging on\n"
oops_text:
	.ascii "page_fault: unexpected page fault in a test guest"
	oops_len = . - oops_text
	.balign 8
gdt:	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: flat 32-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: flat data */
gdt_desc:
	.word . - gdt - 1
	.long gdt
	.balign 8
idt_desc:
	.word 256 * 8 - 1
	.long idt

	.bss
	.balign PAGE_SIZE
page_dir:	.skip PAGE_SIZE
page_table:	.skip PAGE_SIZE
idt:		.skip 256 * 8
mailbox:	.skip 4096
		.skip 4096
stack_top:
