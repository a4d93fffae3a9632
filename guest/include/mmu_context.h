/* SPDX-License-Identifier: GPL-2.0 */
/* Switching address spaces (Linux 2.4 include/asm-i386/mmu_context.h). */
#ifndef GUEST_MMU_CONTEXT_H
#define GUEST_MMU_CONTEXT_H

#include <page.h>
#include <sched.h>
#include <tlbflush.h>

/* Load @next's PGD into CR3 (counted in tlb_counters.cr3_writes) unless it is already there. */
static inline void switch_mm(struct mm_struct *next)
{
	if (next == current_mm)
		return;
	current_mm = next;
	write_cr3(__pa(next->pgd));
}

#endif /* GUEST_MMU_CONTEXT_H */
