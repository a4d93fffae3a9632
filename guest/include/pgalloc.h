/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page-table pages (Linux 2.4 include/asm-i386/pgalloc.h).  Every one
 * comes from the page allocator's lowmem (__get_free_page), so it is
 * reachable through __va() and marked in use in mem_map.
 */
#ifndef GUEST_PGALLOC_H
#define GUEST_PGALLOC_H

#include <pgtable.h>
#include <tlbflush.h>

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

#endif /* GUEST_PGALLOC_H */
