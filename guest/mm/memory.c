// SPDX-License-Identifier: GPL-2.0
/*
 * Finding or making the page-table entries below a pgd entry (Linux 2.4
 * mm/memory.c's pmd_alloc and pte_alloc), for vmalloc's mapping walk.
 */
#include <pgalloc.h>
#include <pgtable.h>
#include <sched.h>
#include <spinlock.h>
#include <vmalloc.h>

pmd_t *pmd_alloc(struct mm_struct *mm, pgd_t *pgd, unsigned long address)
{
	(void)mm;
	/* pgd_none() is always 0: the pmd level (if any) exists from boot. */
	return pmd_offset(pgd, address);
}

pte_t *pte_alloc(struct mm_struct *mm, pmd_t *pmd, unsigned long address)
{
	if (pmd_none(pmdp_get(pmd))) {
		pte_t *new;

		/* noptlock (vmalloc.h): the caller did not take init_mm's lock. */
		int locked = !(vmalloc_no_ptlock && mm == &init_mm);

		/* The allocator may sleep in the kernel; keep 2.4's locking shape. */
		if (locked)
			spin_unlock(&mm->page_table_lock);
		new = pte_alloc_one(mm, address);
		if (locked)
			spin_lock(&mm->page_table_lock);
		if (!new)
			return NULL;
		if (!pmd_none(pmdp_get(pmd))) {
			/* Someone else populated it meanwhile. */
			pte_free(new);
		} else {
			/* Without the lock, check and populate are two steps (vmalloc.h). */
			if (!locked)
				control_window(PTLOCK_CONTROL_WINDOW_CYCLES);
			set_pmd(pmd, __pmd(__pa(new) | _KERNPG_TABLE)); /* pmd_populate */
		}
	}
	return pte_offset(pmd, address);
}
