// SPDX-License-Identifier: GPL-2.0
/*
 * The page-fault handler (Linux 2.4 arch/i386/mm/fault.c): the vmalloc
 * fault, then the exception table, then an oops.
 *
 * An address space copies the kernel's PGD entries when it is made
 * (kernel/fork.c).  2-level: vmalloc may later fill a kernel PGD entry
 * that was empty, and an older address space learns of it here.  PAE: as
 * in 2.4, the kernel PMD page (PDPT slot 3) is shared by every address
 * space, so its entries are seen everywhere at once and the vmalloc
 * fault finds nothing to copy; it exists for 2-level.
 */
#include <extable.h>
#include <kernel.h>
#include <percpu.h>
#include <pgtable.h>
#include <processor.h>
#include <ptrace.h>
#include <sched.h>

#include "shared/layout.h"

unsigned long vmalloc_faults;
int no_vmalloc_fault; /* `novmallocfault`, for the host's tests only: V1 must catch it */

/*
 * A kernel-mode, not-present fault above TASK_SIZE: copy the PGD (and
 * PMD) entry of swapper_pg_dir into the PGD the CPU is using, if the
 * kernel has a mapping there.  Returns 1 when the access can be retried.
 */
static int vmalloc_fault(unsigned long address)
{
	unsigned long cr3 = read_cr3() & CR3_PGD_MASK;
	pgd_t *pgd = pgd_offset_pgd(__va(cr3), address), *pgd_k = pgd_offset_k(address);
	pmd_t *pmd, *pmd_k;
	pte_t *pte_k;

	if (!pgd_present(pgdp_get(pgd_k)))
		return 0;
	/* PAE: equal by construction (shared); a different PDPT entry would also need a CR3 load. */
	if (pgd_val(pgdp_get(pgd)) != pgd_val(pgdp_get(pgd_k)))
		set_pgd(pgd, pgdp_get(pgd_k));

	pmd = pmd_offset(pgd, address);
	pmd_k = pmd_offset(pgd_k, address);
	if (!pmd_present(pmdp_get(pmd_k)))
		return 0;
	set_pmd(pmd, pmdp_get(pmd_k));
	if (!pmd_large(pmdp_get(pmd_k))) {
		pte_k = pte_offset(pmd_k, address);
		if (!pte_present(ptep_get(pte_k)))
			return 0;
	}
	stat_inc(vmalloc_faults);
	return 1;
}

void do_page_fault(struct pt_regs *regs, unsigned long address)
{
	if (address >= TASK_SIZE && !(regs->error_code & (PF_PROT | PF_USER)) &&
	    !no_vmalloc_fault && vmalloc_fault(address))
		return;
	if (fixup_exception(regs, address))
		return;
	die(address < PAGE_SIZE ? "Unable to handle kernel NULL pointer dereference"
				: "Unable to handle kernel paging request",
	    regs, address);
}
