/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 2-level paging (Linux 2.4 include/asm-i386/pgtable-2level.h): a PGD of
 * 1024 4-byte entries, each pointing to a PTE page of 1024 4-byte
 * entries or mapping a 4 MiB page.  The pmd level is folded into the
 * pgd: a pmd entry pointer is the pgd entry pointer.
 *
 * Only pgtable.h includes this file; it picks these accessors or
 * pgtable-3level.h's at run time, by pae_enabled.
 */
#ifndef GUEST_PGTABLE_2LEVEL_H
#define GUEST_PGTABLE_2LEVEL_H

#include <stdint.h>

#include "shared/mmu.h"

#define PT_LEVELS_2L	 2
#define PT_ENTRY_SIZE_2L 4u
/* CR3 holds the PGD's page-aligned physical address. */
#define CR3_PGD_MASK_2L ((unsigned long)PAGE_MASK)

static inline unsigned long pgd_index_2l(unsigned long address)
{
	return (address >> PGDIR_SHIFT_2L) & (PTRS_PER_PGD_2L - 1);
}
static inline unsigned long pte_index_2l(unsigned long address)
{
	return (address >> PAGE_SHIFT) & (PTRS_PER_PTE_2L - 1);
}

static inline uint64_t pt_entry_read_2l(const void *ptr)
{
	return *(const volatile uint32_t *)ptr;
}

static inline uint64_t pt_entry_xchg_2l(void *ptr, uint64_t val)
{
	return __atomic_exchange_n((volatile uint32_t *)ptr, (uint32_t)val, __ATOMIC_SEQ_CST);
}

#endif /* GUEST_PGTABLE_2LEVEL_H */
