/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page-table pages (Linux 2.4 include/asm-i386/pgalloc.h; the functions
 * are in mm/pgalloc.c, pte_alloc and pmd_alloc in mm/memory.c).  Every
 * one comes from the page allocator's lowmem (__get_free_page), so it is
 * reachable through __va() and marked in use in mem_map.
 */
#ifndef GUEST_PGALLOC_H
#define GUEST_PGALLOC_H

#include <pgtable.h>
#include <sched.h>

/* A zeroed PTE page, or NULL. */
pte_t *pte_alloc_one(struct mm_struct *mm, unsigned long address);
void pte_free(pte_t *pte);

/*
 * A PGD for a new address space, the kernel part copied from
 * swapper_pg_dir.  PAE: a PDPT with three empty user PMD pages and the
 * kernel's own PMD page (shared, as in 2.4) in the fourth slot.
 */
pgd_t *pgd_alloc(void);
void pgd_free(pgd_t *pgd);

/*
 * The caller holds mm->page_table_lock.  pmd_alloc() never fails (the
 * pmd level exists from boot); pte_alloc() takes a zeroed page from
 * __get_free_page(GFP_KERNEL) when the pmd entry is none, dropping the
 * lock around the allocation as 2.4 does; NULL when that fails.
 */
pmd_t *pmd_alloc(struct mm_struct *mm, pgd_t *pgd, unsigned long address);
pte_t *pte_alloc(struct mm_struct *mm, pmd_t *pmd, unsigned long address);

#endif /* GUEST_PGALLOC_H */
