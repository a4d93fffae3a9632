/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry from a Multiboot (v1) loader (Linux 2.4 arch/i386/kernel/head.S).
 *
 * The loader jumps to startup_32 at its physical address with paging off,
 * flat segments, EAX = 0x2BADB002 and EBX = the physical address of the
 * Multiboot information.  We map the first EARLY_MAP_SIZE of RAM twice
 * with 4 KiB pages (no PSE assumed): at 0 (the code here runs there) and
 * at PAGE_OFFSET (where the kernel is linked), turn paging on and go high.
 * paging_init() replaces these tables with swapper_pg_dir later.
 *
 * .text.boot is linked at its physical address; everything else at
 * PAGE_OFFSET + physical (guest.ld).
 */
#include "boot_defs.h"

#define EARLY_MAP_PAGES (BOOT_EARLY_MAP_SIZE / BOOT_PAGE_SIZE)
#define EARLY_PGTABLES (EARLY_MAP_PAGES / 1024)

#define PHYS(sym) ((sym) - BOOT_PAGE_OFFSET)

/* Our GDT, then CS and every data segment reloaded from it (clobbers EAX). */
	.macro load_kernel_segments
	lgdt gdt_descr
	ljmp $__KERNEL_CS, $1f
1:	movl $__KERNEL_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	.endm

/* EFER.NXE on (clobbers EAX, ECX, EDX). */
	.macro set_efer_nxe
	movl $BOOT_MSR_EFER, %ecx
	rdmsr
	orl $BOOT_EFER_NXE, %eax
	wrmsr
	.endm

	.section .multiboot, "a"
	.balign 4
multiboot_header:
	.long BOOT_MB_MAGIC
	.long BOOT_MB_FLAGS
	.long -(BOOT_MB_MAGIC + BOOT_MB_FLAGS)

	.section .text.boot, "ax"
	.code32
	.globl startup_32
startup_32:
	cli
	cld
	movl %eax, %esi			/* Multiboot magic; EBX (info) stays put */

	/* Clear .bss: the loader should have, but nothing here depends on it. */
	movl $PHYS(__bss_start), %edi
	movl $PHYS(__bss_stop), %ecx
	subl %edi, %ecx
	shrl $2, %ecx
	xorl %eax, %eax
	rep stosl

	/* early_pgtables[]: PTEs for frames 0 .. EARLY_MAP_PAGES-1. */
	movl $PHYS(early_pgtables), %edi
	movl $BOOT_PTE_FLAGS, %eax
	movl $EARLY_MAP_PAGES, %ecx
1:	stosl
	addl $BOOT_PAGE_SIZE, %eax
	loop 1b

	/* early_pgdir[]: the same page tables at 0 and at PAGE_OFFSET. */
	movl $PHYS(early_pgtables) + BOOT_PTE_FLAGS, %eax
	movl $PHYS(early_pgdir), %edi
	xorl %edx, %edx
2:	movl %eax, (%edi, %edx, 4)
	movl %eax, (BOOT_PAGE_OFFSET >> BOOT_PGDIR_SHIFT) * 4(%edi, %edx, 4)
	addl $BOOT_PAGE_SIZE, %eax
	incl %edx
	cmpl $EARLY_PGTABLES, %edx
	jb 2b

	movl %edi, %cr3
	movl %cr0, %eax
	orl $(BOOT_CR0_PG | BOOT_CR0_WP), %eax
	movl %eax, %cr0
	movl $startup_high, %eax
	jmp *%eax

/*
 * enable_pae_paging(pdpt_phys, cr4, nxe): switch this CPU from 2-level to
 * PAE paging.  CR4.PAE cannot change while paging is on, so this runs
 * identity-mapped (called at its physical address, which the early tables
 * map at 0) and turns paging off, loads CR4, CR3 and EFER.NXE, and turns
 * it on again.  The new tables must map this page at 0 too (paging_init
 * maps the first PMD_SIZE_PAE * 2 there for the moment).  Between the two
 * CR0 writes addresses are physical: no stack use.
 */
	.globl enable_pae_paging
enable_pae_paging:
	pushl %ebx
	pushl %esi
	movl 12(%esp), %edx		/* pdpt_phys */
	movl 16(%esp), %ebx		/* cr4 */
	movl 20(%esp), %esi		/* nxe */
	movl %cr0, %eax
	andl $~BOOT_CR0_PG, %eax
	movl %eax, %cr0
	jmp 1f
1:	movl %ebx, %cr4
	movl %edx, %cr3
	testl %esi, %esi
	jz 2f
	set_efer_nxe
2:	movl %cr0, %eax
	orl $BOOT_CR0_PG, %eax
	movl %eax, %cr0
	jmp 3f
3:	popl %esi
	popl %ebx
	ret

/*
 * Entry of the other CPUs (APs).  The VMM starts each at ap_startup_32,
 * as the boot CPU: protected mode, paging off, flat segments, but with
 * EAX = 0 and EBX = the CPU number.  It waits for smp_init() on the boot
 * CPU to publish the paging state (ap_boot: CR3 = swapper_pg_dir, which
 * maps this page at 0 for the moment, CR4 without PGE, EFER.NXE), turns
 * paging on with it and goes high to ap_start_kernel(cpu) on the stack
 * smp_init() allocated for it (smp.c), which loads the IDT, sets CR4.PGE and joins.
 * Until then it spins, paging off, on ap_boot_turn, which smp_init() sets
 * to each CPU's number in turn: one AP at a time turns paging on (see the
 * PAE comment in smp_init).  No HLT: with interrupts off nothing would end it.
 */
	.globl ap_startup_32
ap_startup_32:
	cli
	cld
	jmp 4f
1:	pause
4:	cmpl %ebx, PHYS(ap_boot_turn)
	jne 1b
	movl PHYS(ap_boot_cr4), %eax
	movl %eax, %cr4
	cmpl $0, PHYS(ap_boot_nxe)
	je 2f
	set_efer_nxe
2:	movl PHYS(ap_boot_cr3), %eax
	movl %eax, %cr3
	movl %cr0, %eax
	orl $(BOOT_CR0_PG | BOOT_CR0_WP), %eax
	movl %eax, %cr0
	movl $ap_startup_high, %eax
	jmp *%eax

	.text
ap_startup_high:
	load_kernel_segments
	cmpl $NR_CPUS, %ebx
	jae 3f
	movl ap_boot_stack_top(, %ebx, 4), %esp
	xorl %ebp, %ebp
	pushl $0
	popfl
	pushl %ebx
	call ap_start_kernel
3:	cli
	hlt
	jmp 3b

startup_high:
	load_kernel_segments
	/*
	 * The boot CPU's stack: the highest (1 << AP_STACK_SHIFT)-aligned block
	 * of that size inside init_stack (16 KiB, page aligned, so one always
	 * fits), as an AP's is; its lowest word, zero in .bss, says CPU 0 to
	 * smp_processor_id() (include/percpu.h).
	 */
	movl $init_stack_top, %esp
	andl $~((1 << AP_STACK_SHIFT) - 1), %esp
	xorl %ebp, %ebp
	pushl $0			/* EFLAGS: IF, DF, AC clear */
	popfl

	pushl %ebx			/* start_kernel(magic, mbi_phys) */
	pushl %esi
	call trap_init
	call start_kernel
3:	cli
	hlt
	jmp 3b

	.data
	.balign 8
	.globl gdt_table
gdt_table:
	.quad 0x0000000000000000	/* null */
	.quad 0x0000000000000000	/* unused (2.4 keeps the same numbers) */
	.quad 0x00cf9a000000ffff	/* 0x10 __KERNEL_CS: 4 GiB, code, ring 0 */
	.quad 0x00cf92000000ffff	/* 0x18 __KERNEL_DS: 4 GiB, data, ring 0 */
gdt_end:

	.balign 4
	.word 0
gdt_descr:
	.word gdt_end - gdt_table - 1
	.long gdt_table

	.section .bss.page_aligned, "aw", @nobits
	.balign BOOT_PAGE_SIZE
	.globl early_pgdir
early_pgdir:
	.skip BOOT_PAGE_SIZE
early_pgtables:
	.skip EARLY_PGTABLES * BOOT_PAGE_SIZE
init_stack:
	.skip 4 * BOOT_PAGE_SIZE
init_stack_top:
