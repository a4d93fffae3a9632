// SPDX-License-Identifier: GPL-2.0
/*
 * Page-table pages and PGDs for new address spaces (Linux 2.4
 * include/asm-i386/pgalloc.h, out of line here).
 */
#include <gfp.h>
#include <mm.h>
#include <pgalloc.h>
#include <pgtable.h>
#include <sched.h>
#include <string.h>

pte_t *pte_alloc_one(struct mm_struct *mm, unsigned long address)
{
	unsigned long page = __get_free_page(GFP_KERNEL);

	(void)mm;
	(void)address;
	if (page)
		memset((void *)page, 0, PAGE_SIZE);
	return (pte_t *)page;
}

void pte_free(pte_t *pte)
{
	free_page((unsigned long)pte);
}

pgd_t *pgd_alloc(void)
{
	unsigned long pgd = __get_free_page(GFP_KERNEL), kernel = USER_PTRS_PER_PGD * PT_ENTRY_SIZE;
	unsigned int i;

	if (!pgd)
		return NULL;
	memset((void *)pgd, 0, PAGE_SIZE);
	if (pae_enabled) {
		for (i = 0; i < USER_PTRS_PER_PGD; i++) {
			unsigned long pmd = __get_free_page(GFP_KERNEL);

			if (!pmd)
				goto out_oom;
			memset((void *)pmd, 0, PAGE_SIZE);
			set_pgd(pgd_offset_pgd((pgd_t *)pgd, i * PGDIR_SIZE),
				__pgd(__pa(pmd) | _PAGE_PRESENT));
		}
	}
	/* The kernel's entries; PAE: the PDPT entry of the kernel's own (shared) PMD page. */
	memcpy((char *)pgd + kernel, (char *)swapper_pg_dir + kernel,
	       PTRS_PER_PGD * PT_ENTRY_SIZE - kernel);
	return (pgd_t *)pgd;

out_oom:
	while (i--)
		free_page(pgd_page(pgdp_get(pgd_offset_pgd((pgd_t *)pgd, i * PGDIR_SIZE))));
	free_page(pgd);
	return NULL;
}

void pgd_free(pgd_t *pgd)
{
	unsigned int i;

	if (pae_enabled)
		for (i = 0; i < USER_PTRS_PER_PGD; i++)
			free_page(pgd_page(pgdp_get(pgd_offset_pgd(pgd, i * PGDIR_SIZE))));
	free_page((unsigned long)pgd);
}
