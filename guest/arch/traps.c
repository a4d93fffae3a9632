// SPDX-License-Identifier: GPL-2.0
/*
 * IDT and exception handling (Linux 2.4 arch/i386/kernel/traps.c).
 *
 * Every exception lands in do_exception().  A page fault goes to
 * do_page_fault() (mm/fault.c: vmalloc fault, then fixup, then oops);
 * any other vector is fixed up when its EIP is in the exception table,
 * and is an oops otherwise.  An oops prints the machine state and the
 * page-table walk for CR2, hands the same to the host in the mailbox,
 * rings DB_OOPS and stops the machine.
 */
#include <apic.h>
#include <extable.h>
#include <io.h>
#include <kernel.h>
#include <mailbox.h>
#include <percpu.h>
#include <pgtable.h>
#include <processor.h>
#include <ptrace.h>
#include <spinlock.h>
#include <string.h>

#include <boot_defs.h>

#include "shared/abi.h"
#include "shared/layout.h"
#include "shared/mmu.h"
#include "shared/multiboot.h"

_Static_assert(BOOT_PAGE_OFFSET == PAGE_OFFSET, "boot_defs.h");
_Static_assert(BOOT_PAGE_SIZE == PAGE_SIZE, "boot_defs.h");
_Static_assert(BOOT_PGDIR_SHIFT == PGDIR_SHIFT_2L, "boot_defs.h");
_Static_assert(BOOT_PTE_FLAGS == (_PAGE_PRESENT | _PAGE_RW), "boot_defs.h");
_Static_assert(BOOT_MB_MAGIC == MULTIBOOT_HEADER_MAGIC, "boot_defs.h");
_Static_assert(BOOT_MB_FLAGS == (MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO), "boot_defs.h");
_Static_assert(BOOT_CR0_PG == X86_CR0_PG && BOOT_CR0_WP == X86_CR0_WP, "boot_defs.h");
_Static_assert(BOOT_MSR_EFER == MSR_EFER && BOOT_EFER_NXE == EFER_NXE, "boot_defs.h");
_Static_assert(NR_CPUS == MAX_CPUS, "boot_defs.h: NR_CPUS must be shared/abi.h's MAX_CPUS");
_Static_assert(THREAD_SIZE == KERNEL_STACK_SIZE, "percpu.h: the host finds stacks by it");

#define NR_EXCEPTIONS 32
#define NR_VECTORS    256

struct gate_desc {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t zero;
	uint8_t type_attr; /* P=1, DPL=0, 32-bit interrupt gate: 0x8e */
	uint16_t offset_high;
} __attribute__((packed));

/* Vectors without a gate are not present: one arriving is a #NP, an oops. */
static struct gate_desc idt_table[NR_VECTORS] __aligned(8);

/* arch/entry.S: 32 stubs, 16 bytes apart; the APIC vectors' entries. */
extern const char exception_stubs[];
extern const char call_function_interrupt[], reschedule_interrupt[], spurious_interrupt[];

void do_exception(struct pt_regs *regs);

static const char *const exception_names[NR_EXCEPTIONS] = {
	"divide error",
	"debug",
	"nmi",
	"int3",
	"overflow",
	"bounds",
	"invalid operand",
	"device not available",
	"double fault",
	"coprocessor segment overrun",
	"invalid TSS",
	"segment not present",
	"stack segment",
	"general protection",
	"page fault",
	"reserved (15)",
	"coprocessor error",
	"alignment check",
	"machine check",
	"simd coprocessor error",
	"virtualization exception",
	"control protection",
};

static const char *exception_name(uint32_t vector)
{
	if (vector < ARRAY_SIZE(exception_names) && exception_names[vector])
		return exception_names[vector];
	return "reserved";
}

/* Load idt_table into this CPU's IDTR (the boot CPU in trap_init, each AP in smp.c). */
void load_idt(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) idt_descr;

	idt_descr.limit = sizeof(idt_table) - 1;
	idt_descr.base = (uint32_t)(uintptr_t)idt_table;
	__asm__ __volatile__("lidt %0" : : "m"(idt_descr));
}

/* An interrupt gate (IF off on entry), ring 0 only. */
static void set_intr_gate(unsigned int vector, const void *addr)
{
	uint32_t handler = (uint32_t)(uintptr_t)addr;

	idt_table[vector].offset_low = handler & 0xffff;
	idt_table[vector].selector = __KERNEL_CS;
	idt_table[vector].zero = 0;
	idt_table[vector].type_attr = 0x8e;
	idt_table[vector].offset_high = handler >> 16;
}

void trap_init(void)
{
	unsigned int i;

	for (i = 0; i < NR_EXCEPTIONS; i++)
		set_intr_gate(i, exception_stubs + 16 * i);
	/* Only an SMP guest's APIC delivers these (arch/apic.c, kernel/smp.c). */
	set_intr_gate(CALL_FUNCTION_VECTOR, call_function_interrupt);
	set_intr_gate(RESCHEDULE_VECTOR, reschedule_interrupt);
	set_intr_gate(SPURIOUS_APIC_VECTOR, spurious_interrupt);
	load_idt();
}

void do_exception(struct pt_regs *regs)
{
	if (regs->vector == X86_TRAP_PF) {
		do_page_fault(regs, read_cr2());
		return;
	}
	if (fixup_exception(regs, 0))
		return;
	die(exception_name(regs->vector), regs, 0);
}

static int die_nesting;

void die(const char *str, struct pt_regs *regs, unsigned long cr2)
{
	unsigned long cr3 = read_cr3();

	local_irq_disable();
	if (die_nesting++) {
		/* An exception while reporting one: say so and stop, reporting nothing more. */
		static const char msg[] = "Recursive oops: stopping\n";

		for (unsigned int i = 0; i < sizeof(msg) - 1; i++)
			outb(msg[i], PORT_CONSOLE);
		outl(DB_OOPS, PORT_DOORBELL);
		machine_exit(1);
	}

	bust_spinlocks();
	/* The oops report replaces whatever the current command had printed. */
	mailbox_text_start();
	printk(KERN_EMERG "Oops: %s (vector %u), error code %04x", str, regs->vector,
	       regs->error_code);
	if (regs->vector == X86_TRAP_PF)
		printk(" [%s %s %s%s%s]", regs->error_code & PF_PROT ? "protection" : "not-present",
		       regs->error_code & PF_WRITE ? "write" : "read",
		       regs->error_code & PF_USER ? "user" : "kernel",
		       regs->error_code & PF_RSVD ? " reserved-bit" : "",
		       regs->error_code & PF_INSTR ? " instruction-fetch" : "");
	printk("\n");
	printk(KERN_EMERG "EIP:    %04x:[<%08x>]    EFLAGS: %08x\n", regs->xcs & 0xffff, regs->eip,
	       regs->eflags);
	printk(KERN_EMERG "CR0: %08lx  CR2: %08lx  CR3: %08lx  CR4: %08lx\n", read_cr0(), cr2, cr3,
	       read_cr4());
	printk(KERN_EMERG "eax: %08x   ebx: %08x   ecx: %08x   edx: %08x\n", regs->eax, regs->ebx,
	       regs->ecx, regs->edx);
	printk(KERN_EMERG "esi: %08x   edi: %08x   ebp: %08x   esp: %08x\n", regs->esi, regs->edi,
	       regs->ebp, regs_esp(regs));
	printk(KERN_EMERG "ds: %04x   es: %04x   ss: %04x\n", regs->xds & 0xffff,
	       regs->xes & 0xffff, __KERNEL_DS);
	if (regs->vector == X86_TRAP_PF)
		show_pt_walk(KERN_EMERG, cr3, cr2);
	else
		show_pt_walk(KERN_EMERG, cr3, regs->eip);

	mailbox.exc.valid = 1;
	mailbox.exc.vector = regs->vector;
	mailbox.exc.error_code = regs->error_code;
	mailbox.exc.eip = regs->eip;
	mailbox.exc.cs = regs->xcs & 0xffff;
	mailbox.exc.eflags = regs->eflags;
	mailbox.exc.cr2 = cr2;
	mailbox.exc.cr3 = cr3;
	mailbox_text_stop();

	outl(DB_OOPS, PORT_DOORBELL);
	machine_exit(1);
}
