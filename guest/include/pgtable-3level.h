/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PAE paging (Linux 2.4 include/asm-i386/pgtable-3level.h): a PDPT of 4
 * 8-byte entries (the pgd), each pointing to a PMD page of 512 8-byte
 * entries, each pointing to a PTE page of 512 8-byte entries or mapping
 * a 2 MiB page.  An entry is read in two halves and replaced with
 * cmpxchg8b, so a concurrent walker never sees half an update.
 *
 * Only pgtable.h includes this file; it picks these accessors or
 * pgtable-2level.h's at run time, by pae_enabled.
 */
#ifndef GUEST_PGTABLE_3LEVEL_H
#define GUEST_PGTABLE_3LEVEL_H

#include <stdint.h>

#include "shared/mmu.h"

#define PT_LEVELS_PAE	  3
#define PT_ENTRY_SIZE_PAE 8u
/* CR3 holds the PDPT's physical address, which is 32-byte aligned. */
#define CR3_PGD_MASK_PAE (~0x1ful)

static inline unsigned long pgd_index_pae(unsigned long address)
{
	return (address >> PGDIR_SHIFT_PAE) & (PTRS_PER_PGD_PAE - 1);
}
static inline unsigned long pmd_index_pae(unsigned long address)
{
	return (address >> PMD_SHIFT_PAE) & (PTRS_PER_PMD_PAE - 1);
}
static inline unsigned long pte_index_pae(unsigned long address)
{
	return (address >> PAGE_SHIFT) & (PTRS_PER_PTE_PAE - 1);
}

/* Atomically replace a 64-bit entry (cmpxchg8b), returning the old value. */
static inline uint64_t __xchg_u64(void *ptr, uint64_t val)
{
	volatile uint64_t *p = ptr;
	uint64_t old = *p;

	__asm__ __volatile__("1: lock cmpxchg8b %0\n\t"
			     "jnz 1b"
			     : "+m"(*p), "+A"(old)
			     : "b"((uint32_t)val), "c"((uint32_t)(val >> 32))
			     : "memory", "cc");
	return old;
}

static inline uint64_t pt_entry_read_pae(const void *ptr)
{
	const volatile uint32_t *w = ptr;
	uint32_t lo = w[0], hi = w[1];

	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t pt_entry_xchg_pae(void *ptr, uint64_t val)
{
	return __xchg_u64(ptr, val);
}

#endif /* GUEST_PGTABLE_3LEVEL_H */
