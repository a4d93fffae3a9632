/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86 paging hardware definitions shared by the guest and the host.
 *
 * Names follow Linux 2.4 (include/asm-i386/pgtable*.h) where a kernel
 * concept exists; everything here is plain hardware fact, valid on both
 * sides (the guest is i386, the host x86-64), so all constants are
 * unsigned and explicitly sized.
 */
#ifndef SHARED_MMU_H
#define SHARED_MMU_H

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1u << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))

/* Entry bits common to every level and both paging modes. */
#define _PAGE_PRESENT  0x001u
#define _PAGE_RW       0x002u
#define _PAGE_USER     0x004u
#define _PAGE_PWT      0x008u
#define _PAGE_PCD      0x010u
#define _PAGE_ACCESSED 0x020u
#define _PAGE_DIRTY    0x040u
#define _PAGE_PSE      0x080u /* in a PGD/PMD entry: maps a large page */
#define _PAGE_GLOBAL   0x100u
#define _PAGE_NX       (1ull << 63) /* PAE only, with EFER.NXE */

/* Low 12 bits a PTE may carry; the rest is the frame (and NX under PAE). */
#define _PAGE_FLAGS_MASK 0xfffu

#define _PAGE_TABLE   (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY)
#define _KERNPG_TABLE (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
/* PAGE_KERNEL adds _PAGE_GLOBAL at run time when CPUID reports PGE. */
#define __PAGE_KERNEL (_PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED)

/* 2-level "32-bit paging": 10/10/12 split, PMD folded into the PGD.
 *
 *   31        22 21        12 11          0
 *  +------------+------------+-------------+
 *  | PGD index  | PTE index  | page offset |
 *  +------------+------------+-------------+
 */
#define PGDIR_SHIFT_2L	    22
#define PTRS_PER_PGD_2L	    1024u
#define PTRS_PER_PTE_2L	    1024u
#define PGDIR_SIZE_2L	    (1u << PGDIR_SHIFT_2L) /* 4 MiB; also the PSE page size */
#define ENTRY_FRAME_MASK_2L 0xfffff000u
#define LARGE_FRAME_MASK_2L 0xffc00000u /* PSE-36 bits 13..16 ignored: RAM < 4 GiB */

/* PAE: 2/9/9/12 split, 8-byte entries; PGD = the 4-entry PDPT. */
#define PGDIR_SHIFT_PAE	     30
#define PMD_SHIFT_PAE	     21
#define PTRS_PER_PGD_PAE     4u
#define PTRS_PER_PMD_PAE     512u
#define PTRS_PER_PTE_PAE     512u
#define PMD_SIZE_PAE	     (1u << PMD_SHIFT_PAE) /* 2 MiB; also the large page size */
#define ENTRY_FRAME_MASK_PAE 0x000ffffffffff000ull
#define LARGE_FRAME_MASK_PAE 0x000fffffffe00000ull
/* PDPT entries: bits 1,2 and 5..8 are reserved (SDM 4.4.1). */
#define PDPTE_RESERVED_PAE 0x1e6ull

/* Control registers and MSRs. */
#define X86_CR0_PE  (1u << 0)
#define X86_CR0_ET  (1u << 4)
#define X86_CR0_NE  (1u << 5)
#define X86_CR0_WP  (1u << 16)
#define X86_CR0_PG  (1u << 31)
#define X86_CR4_PSE (1u << 4)
#define X86_CR4_PAE (1u << 5)
#define X86_CR4_PGE (1u << 7)
#define MSR_EFER    0xc0000080u
#define EFER_NXE    (1u << 11)

/* CPUID leaf 1 EDX and leaf 0x80000001 EDX feature bits. */
#define X86_FEATURE_PSE (1u << 3)
#define X86_FEATURE_PAE (1u << 6)
#define X86_FEATURE_PGE (1u << 13)
#define X86_FEATURE_NX	(1u << 20)

/* Page-fault error code bits. */
#define PF_PROT	 (1u << 0) /* 0: not present, 1: protection */
#define PF_WRITE (1u << 1)
#define PF_USER	 (1u << 2)
#define PF_RSVD	 (1u << 3)
#define PF_INSTR (1u << 4)

#define X86_TRAP_PF 14

#endif /* SHARED_MMU_H */
