// SPDX-License-Identifier: GPL-2.0
/* start_kernel (Linux 2.4 init/main.c): bring the kernel up, then serve the host. */
#include <apic.h>
#include <bootmem.h>
#include <kernel.h>
#include <mailbox.h>
#include <mm.h>
#include <pgtable.h>
#include <slab.h>
#include <smp.h>
#include <string.h>

#include "shared/layout.h"
#include "shared/multiboot.h"

void start_kernel(unsigned long magic, unsigned long mbi_phys) __attribute__((noreturn));

static const char linux_banner[] =
	"Linux version 2.4-vmalloc (guest) (gcc version " __VERSION__ ") #1 i386\n";

/* Defaults so that this part of the tree links on its own; mm/page_alloc.c and mm/kmalloc.c replace them. */
__weak void mem_init(void)
{
	panic("mem_init missing");
}

__weak void kmem_cache_init(void)
{
	printk(KERN_DEBUG "kmem_cache_init missing\n");
}

/*
 * A stack pointer gone wild: the push faults, and so does the #PF's own
 * push, and the #DF's: the CPU shuts down (a triple fault, exit 71), and
 * the host can show only what is left on the stack it ran on.
 */
static void wild_stack(void *unused)
{
	(void)unused;
	__asm__ __volatile__("movl $0x1000, %%esp; pushl $0" : : : "memory");
}

/* crash=KIND: show the host (and a reader) what an oops, a panic or a triple fault looks like. */
static void crash(const char *kind)
{
	printk(KERN_NOTICE "crash=%s: crashing on purpose\n", kind);
	if (!strcmp(kind, "stack"))
		wild_stack(NULL);
	else if (!strcmp(kind, "ap_stack") && smp_start_on(1, wild_stack, NULL) == 0)
		smp_wait_for(1);
	else if (!strcmp(kind, "null"))
		(void)*(volatile uint32_t *)0;
	else if (!strcmp(kind, "page_fault"))
		*(volatile uint32_t *)FIXADDR_START = 1;
	else if (!strcmp(kind, "bug"))
		BUG();
	else if (!strcmp(kind, "gp"))
		__asm__ __volatile__("movl $0x28, %%eax; movl %%eax, %%ds" : : : "eax", "memory");
	else if (!strcmp(kind, "divide"))
		__asm__ __volatile__("xorl %%ecx, %%ecx; divl %%ecx" : : : "eax", "ecx", "edx");
	else if (!strcmp(kind, "panic"))
		panic("crash=panic");
	printk(KERN_WARNING "crash=%s: unknown kind, or it did not crash\n", kind);
}

void start_kernel(unsigned long magic, unsigned long mbi_phys)
{
	mailbox_init();
	printk(KERN_NOTICE "%s", linux_banner);
	if (magic != MULTIBOOT_BOOTLOADER_MAGIC) {
		printk(KERN_EMERG
		       "Not booted by a Multiboot loader: EAX %08lx, expected %08x.\n"
		       "Boot this kernel with a Multiboot loader (the VMM, QEMU -kernel, GRUB).\n",
		       magic, MULTIBOOT_BOOTLOADER_MAGIC);
		machine_exit(1);
	}
	printk(KERN_INFO "VMM: %s\n",
	       vmm_present ? "present" : "none, running the built-in sequence");

	setup_arch(mbi_phys);
	paging_init();
	if (smp_cpus_expected > 1)
		init_apic_mappings();
	mem_init();
	bootmem_done();
	kmem_cache_init();
	smp_init();
	if (crash_test[0])
		crash(crash_test);

	mailbox_serve();
}
