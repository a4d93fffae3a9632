// SPDX-License-Identifier: GPL-2.0
/*
 * Address spaces and the page-fault handler (Linux 2.4
 * arch/i386/mm/fault.c, kernel/fork.c's mm_alloc, include/asm-i386/
 * mmu_context.h), and the host commands that use them.
 *
 * Every address space copies the kernel's PGD entries when it is made.
 * 2-level: vmalloc may later fill a kernel PGD entry that was empty, and
 * an older address space learns of it through the vmalloc fault.  PAE:
 * as in 2.4, the kernel PMD page (PDPT slot 3) is shared by every
 * address space, so its entries are seen everywhere at once and the
 * vmalloc fault finds nothing to copy; it exists for 2-level.
 */
#include <errno.h>
#include <extable.h>
#include <kernel.h>
#include <mailbox.h>
#include <pgalloc.h>
#include <pgtable.h>
#include <processor.h>
#include <ptrace.h>
#include <sched.h>
#include <smp.h>
#include <tlbflush.h>

#include "shared/abi.h"
#include "shared/layout.h"

struct mm_struct init_mm = {
	.pgd = (pgd_t *)swapper_pg_dir,
	.page_table_lock = SPIN_LOCK_UNLOCKED,
	.mm_count = 1,
	.id = 0,
};
struct mm_struct *current_mm = &init_mm;

unsigned long vmalloc_faults;

/* Address spaces the host can make (CMD_NEW_MM); handle = index + 1. */
#define NR_MMS 16
static struct mm_struct mm_pool[NR_MMS];
static spinlock_t mm_pool_lock = SPIN_LOCK_UNLOCKED;

struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm = NULL;
	unsigned int i;

	spin_lock(&mm_pool_lock);
	for (i = 0; i < NR_MMS; i++) {
		if (!mm_pool[i].mm_count) {
			mm = &mm_pool[i];
			mm->mm_count = 1; /* claimed */
			break;
		}
	}
	spin_unlock(&mm_pool_lock);
	if (!mm)
		return NULL;

	/* Copying the kernel's entries must not race with vmalloc filling them. */
	spin_lock(&init_mm.page_table_lock);
	mm->pgd = pgd_alloc();
	spin_unlock(&init_mm.page_table_lock);
	if (!mm->pgd) {
		mm->mm_count = 0;
		return NULL;
	}
	spin_lock_init(&mm->page_table_lock);
	mm->id = i + 1;
	return mm;
}

void mmdrop(struct mm_struct *mm)
{
	BUG_ON(mm == &init_mm || mm == current_mm || mm->mm_count <= 0);
	if (--mm->mm_count)
		return;
	pgd_free(mm->pgd);
	mm->pgd = NULL;
}

struct mm_struct *find_mm(unsigned int id)
{
	if (id == 0)
		return &init_mm;
	if (id > NR_MMS || !mm_pool[id - 1].mm_count)
		return NULL;
	return &mm_pool[id - 1];
}

void switch_mm(struct mm_struct *next)
{
	if (next == current_mm)
		return;
	current_mm = next;
	write_cr3(__pa(next->pgd));
}

/*
 * A kernel-mode, not-present fault above TASK_SIZE: copy the PGD (and
 * PMD) entry of swapper_pg_dir into the PGD the CPU is using, if the
 * kernel has a mapping there.  Returns 1 when the access can be retried.
 */
static int vmalloc_fault(unsigned long address)
{
	unsigned long cr3 = read_cr3() & (pae_enabled ? ~0x1ful : PAGE_MASK);
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
	vmalloc_faults++;
	return 1;
}

void do_page_fault(struct pt_regs *regs, unsigned long address)
{
	if (address >= TASK_SIZE && !(regs->error_code & (PF_PROT | PF_USER)) &&
	    vmalloc_fault(address))
		return;
	if (fixup_exception(regs, address))
		return;
	die(address < PAGE_SIZE ? "Unable to handle kernel NULL pointer dereference"
				: "Unable to handle kernel paging request",
	    regs, address);
}

/* ---- Host commands. ---- */

static int cmd_new_mm(const uint32_t *args, uint32_t *results)
{
	struct mm_struct *mm = mm_alloc();

	(void)args;
	if (!mm)
		return ST_FAIL;
	results[0] = mm->id;
	return ST_OK;
}
DEFINE_CMD(CMD_NEW_MM, cmd_new_mm);

static int cmd_switch_mm(const uint32_t *args, uint32_t *results)
{
	struct mm_struct *mm = find_mm(args[0]);

	(void)results;
	if (!mm)
		return ST_EINVAL;
	switch_mm(mm);
	return ST_OK;
}
DEFINE_CMD(CMD_SWITCH_MM, cmd_switch_mm);

/* results: [0] 1 if it faulted, [1] the value read or the vector, [2] error code, [3] CR2. */
static void probe_results(int err, uint32_t val, uint32_t *results)
{
	if (!err) {
		results[1] = val;
		return;
	}
	results[0] = 1;
	results[1] = last_fault.vector;
	results[2] = last_fault.error_code;
	results[3] = last_fault.cr2;
}

/*
 * A 32-bit access in the current address space; the address must be
 * 4-byte aligned.  arg3: the CPU that makes it (0, the default: this
 * one; another: through its work slot, on swapper_pg_dir, kernel/smp.c).
 */
static int cmd_probe(const uint32_t *args, uint32_t *results)
{
	uint32_t val = 0;
	int err;

	if (args[0] & 3)
		return ST_EINVAL;
	if (args[3]) {
		if (args[1] != PROBE_READ && args[1] != PROBE_WRITE)
			return ST_EINVAL;
		return smp_probe_on(args[3], args[0], args[1], args[2], results) ? ST_EINVAL
										 : ST_OK;
	}
	if (args[1] == PROBE_READ)
		err = probe_read_u32(args[0], &val);
	else if (args[1] == PROBE_WRITE)
		err = probe_write_u32(args[0], args[2]);
	else
		return ST_EINVAL;
	probe_results(err, val, results);
	return ST_OK;
}
DEFINE_CMD(CMD_PROBE, cmd_probe);

/* A read, as CMD_PROBE; result4: vmalloc faults taken on the way. */
static int cmd_touch(const uint32_t *args, uint32_t *results)
{
	unsigned long before = vmalloc_faults;
	uint32_t val = 0;
	int err;

	if (args[0] & 3)
		return ST_EINVAL;
	err = probe_read_u32(args[0], &val);
	probe_results(err, val, results);
	results[4] = vmalloc_faults - before;
	return ST_OK;
}
DEFINE_CMD(CMD_TOUCH, cmd_touch);
