/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Constants the assembly files need, without the C suffixes of
 * the shared headers that the assembler cannot read.  arch/traps.c checks each
 * one against its shared definition at compile time.
 */
#ifndef GUEST_BOOT_DEFS_H
#define GUEST_BOOT_DEFS_H

#define BOOT_PAGE_OFFSET    0xc0000000
#define BOOT_PAGE_SIZE	    4096
#define BOOT_PGDIR_SHIFT    22
#define BOOT_PTE_FLAGS	    0x003      /* _PAGE_PRESENT | _PAGE_RW */
#define BOOT_EARLY_MAP_SIZE 0x01000000 /* EARLY_MAP_SIZE */

#define BOOT_MB_MAGIC 0x1badb002 /* MULTIBOOT_HEADER_MAGIC */
#define BOOT_MB_FLAGS 0x00000003 /* MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO */

#define BOOT_CR0_PG   0x80000000
#define BOOT_CR0_WP   0x00010000
#define BOOT_MSR_EFER 0xc0000080
#define BOOT_EFER_NXE 0x00000800

#define __KERNEL_CS 0x10
#define __KERNEL_DS 0x18

/* SMP (kernel/smp.c): CPUs at most, and each AP's stack (1 << AP_STACK_SHIFT bytes). */
#define NR_CPUS	       8 /* MAX_CPUS */
#define AP_STACK_SHIFT 13

#endif /* GUEST_BOOT_DEFS_H */
